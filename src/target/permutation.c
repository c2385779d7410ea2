/* Keyed Feistel permutation with cycle walking; the idea is in permutation.h. */
#include "target/permutation.h"

#include <errno.h>
#include <string.h>

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
	perm->n = n;
	perm->lo_bits = bits / 2;
	perm->hi_bits = bits - perm->lo_bits;
	for (int r = 0; r < PERMUTATION_ROUNDS; r++)
		perm->round_key[r] = mix64(seed + 0x9e3779b97f4a7c15ULL * (uint64_t)(r + 1));
#if defined(__x86_64__)
	__builtin_cpu_init();
	perm->avx2 = __builtin_cpu_supports("avx2") != 0;
#else
	perm->avx2 = 0;
#endif
	return 0;
}

/*
 * An unbalanced Feistel network on bits = hi + lo bits: a round takes (a, b), a of wa bits
 * and b of wb, to (b, a ^ F(b)), so the widths change places each round; after an even
 * number of rounds they are back where they started.  Each round is undone by
 * a = b' ^ F(a'), b = a', so the whole is a bijection whatever F is.
 */
/* The round function: one multiplication, its high half folded into the low bits the round
 * keeps (a half is at most 31 bits); the keys are already well mixed (mix64). */
static inline uint64_t round_f(uint64_t b, uint64_t key)
{
	uint64_t h = (b ^ key) * 0x9e3779b97f4a7c15ULL;

	return h ^ (h >> 32);
}

static inline uint64_t feistel(const struct target_permutation *perm, uint64_t x)
{
	unsigned wa = perm->hi_bits, wb = perm->lo_bits;
	uint64_t a = x >> wb, b = x & ((1ULL << wb) - 1);

#pragma GCC unroll 4
	for (int r = 0; r < PERMUTATION_ROUNDS; r++) {
		uint64_t next = a ^ (round_f(b, perm->round_key[r]) & ((1ULL << wa) - 1));
		unsigned w = wa;

		a = b;
		b = next;
		wa = wb;
		wb = w;
	}
	return (a << wb) | b;
}

uint64_t target_permutation_at(const struct target_permutation *perm, uint64_t pos)
{
	uint64_t x = pos;

	do
		x = feistel(perm, x);
	while (x >= perm->n);
	return x;
}

/*
 * feistel of the PERMUTATION_LANES positions from pos, four lanes to a vector (GCC's vector
 * extensions), so that each round is a few vector operations on all of them: the same values
 * as feistel (the halves change widths every round, so even rounds keep hi bits of F and odd
 * ones lo).  Built twice on x86-64: for AVX2 (a vector an instruction, the 64-bit
 * multiplication as three 32-bit ones) where init found it, and for any CPU.
 */
#define PERMUTATION_LANES 16

typedef uint64_t perm_v4 __attribute__((vector_size(32)));

static inline __attribute__((always_inline)) void
feistel_lanes(const struct target_permutation *perm, uint64_t pos, uint64_t out[PERMUTATION_LANES])
{
	const unsigned lo = perm->lo_bits;
	const uint64_t mask_hi = (1ULL << perm->hi_bits) - 1, mask_lo = (1ULL << lo) - 1;
	const perm_v4 lane = { 0, 1, 2, 3 };
	perm_v4 a[PERMUTATION_LANES / 4], b[PERMUTATION_LANES / 4];

#pragma GCC unroll 4
	for (unsigned j = 0; j < PERMUTATION_LANES / 4; j++) {
		perm_v4 x = pos + 4 * j + lane;

		a[j] = x >> lo;
		b[j] = x & mask_lo;
	}
#pragma GCC unroll 4
	for (int r = 0; r < PERMUTATION_ROUNDS; r++) {
		uint64_t key = perm->round_key[r], mask = r % 2 ? mask_lo : mask_hi;

#pragma GCC unroll 4
		for (unsigned j = 0; j < PERMUTATION_LANES / 4; j++) {
			perm_v4 h = (b[j] ^ key) * 0x9e3779b97f4a7c15ULL, next;

			next = a[j] ^ ((h ^ (h >> 32)) & mask);
			a[j] = b[j];
			b[j] = next;
		}
	}
#pragma GCC unroll 4
	for (unsigned j = 0; j < PERMUTATION_LANES / 4; j++) {
		perm_v4 x = (a[j] << lo) | b[j];

		memcpy(out + 4 * j, &x, sizeof(x));
	}
}

static void feistel_lanes_any(const struct target_permutation *perm, uint64_t pos,
			      uint64_t out[PERMUTATION_LANES])
{
	feistel_lanes(perm, pos, out);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void
feistel_lanes_avx2(const struct target_permutation *perm, uint64_t pos,
		   uint64_t out[PERMUTATION_LANES])
{
	feistel_lanes(perm, pos, out);
}
#endif

static inline void feistel_step(const struct target_permutation *perm, uint64_t pos,
				uint64_t out[PERMUTATION_LANES])
{
#if defined(__x86_64__)
	if (perm->avx2) {
		feistel_lanes_avx2(perm, pos, out);
		return;
	}
#endif
	feistel_lanes_any(perm, pos, out);
}

void target_permutation_fill(const struct target_permutation *perm, uint64_t pos, unsigned count,
			     uint64_t *out)
{
	uint64_t step[PERMUTATION_LANES];
	unsigned done = 0;

	/* First one step for each, PERMUTATION_LANES at a time (past the count into step, and
	 * dropped), then the walks of those that left the scan. */
	for (; count - done >= PERMUTATION_LANES; done += PERMUTATION_LANES)
		feistel_step(perm, pos + done, out + done);
	if (done < count) {
		feistel_step(perm, pos + done, step);
		memcpy(out + done, step, (count - done) * sizeof(step[0]));
	}
	for (unsigned i = 0; i < count; i++)
		while (out[i] >= perm->n)
			out[i] = feistel(perm, out[i]);
}

void target_permutation_slice(uint64_t n, uint64_t part, uint64_t parts, uint64_t *begin,
			      uint64_t *end)
{
	uint64_t base = n / parts, extra = n % parts;

	*begin = part * base + (part < extra ? part : extra);
	*end = *begin + base + (part < extra ? 1 : 0);
}

void target_permutation_shard(uint64_t n, uint64_t shard, uint64_t shards, uint64_t max_targets,
			      uint64_t *begin, uint64_t *end)
{
	target_permutation_slice(n, shard, shards, begin, end);
	if (max_targets) {
		uint64_t limit = max_targets / shards + (shard < max_targets % shards);

		if (limit < *end - *begin)
			*end = *begin + limit;
	}
}
