/* Keyed Feistel permutation with cycle walking; the idea is in permutation.h. */
#include "target/permutation.h"

#include <errno.h>

/* SplitMix64's finalizer: a fast, well-mixing bijection on 64 bits. */
static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

int target_permutation_init(struct target_permutation *perm, uint64_t n, uint64_t seed)
{
	unsigned bits = 2;

	if (n == 0 || n > (1ULL << 62))
		return -EINVAL;
	while (bits < 64 && (1ULL << bits) < n)
		bits++;
	if (bits & 1)
		bits++;
	perm->n = n;
	perm->half_bits = bits / 2;
	perm->half_mask = (1ULL << perm->half_bits) - 1;
	for (int r = 0; r < PERMUTATION_ROUNDS; r++)
		perm->round_key[r] = mix64(seed + 0x9e3779b97f4a7c15ULL * (uint64_t)(r + 1));
	return 0;
}

static inline uint64_t feistel(const struct target_permutation *perm, uint64_t x)
{
	uint64_t left = x >> perm->half_bits, right = x & perm->half_mask;

	for (int r = 0; r < PERMUTATION_ROUNDS; r++) {
		uint64_t next = left ^ (mix64(right ^ perm->round_key[r]) & perm->half_mask);

		left = right;
		right = next;
	}
	return (left << perm->half_bits) | right;
}

uint64_t target_permutation_at(const struct target_permutation *perm, uint64_t pos)
{
	uint64_t x = pos;

	do
		x = feistel(perm, x);
	while (x >= perm->n);
	return x;
}

void target_permutation_slice(uint64_t n, uint64_t part, uint64_t parts, uint64_t *begin,
			      uint64_t *end)
{
	uint64_t base = n / parts, extra = n % parts;

	*begin = part * base + (part < extra ? part : extra);
	*end = *begin + base + (part < extra ? 1 : 0);
}
