/*
 * A seed-keyed random order over the scan: a bijection on [0, n).
 *
 * The idea: a Feistel network over b bits is a permutation of [0, 2^b)
 * whatever its round function is, so with the smallest 2^b >= n and a keyed
 * round function we get a random-looking permutation of a slightly larger
 * domain.  (When b is odd the two halves differ by a bit: an unbalanced
 * Feistel network, still a bijection.)  "Cycle walking" (apply it again while
 * the result is >= n) turns it into a permutation of exactly [0, n): the walk
 * from any x < n ends at the next element of x's cycle that is < n, and
 * since 2^b < 2n the walk is short (fewer than two steps on average).
 *
 * Position p of the scan probes element target_permutation_at(p).  A shard
 * or a sender thread owns a contiguous range of positions, so shards of one
 * seed partition the scan exactly, and a checkpoint is just a position.
 * Memory is constant whatever n is.
 */
#ifndef SALVO_TARGET_PERMUTATION_H
#define SALVO_TARGET_PERMUTATION_H

#include <stdint.h>

#define PERMUTATION_ROUNDS 4
/* The order this code gives a seed: 2 since the domain is the smallest power of two (1 took
 * the smallest power of four).  Checkpoints fingerprint it: a scan is not resumed in
 * another order. */
#define PERMUTATION_VERSION 2

struct target_permutation {
	uint64_t n;
	unsigned hi_bits, lo_bits; /* the halves of the smallest 2^bits >= n */
	uint64_t round_key[PERMUTATION_ROUNDS];
	int avx2; /* fill uses AVX2 (x86-64 CPUs that have it; the same values either way) */
};

/* n >= 1 and n <= 2^62. */
int target_permutation_init(struct target_permutation *perm, uint64_t n, uint64_t seed);

/* The element at position pos (< n). */
uint64_t target_permutation_at(const struct target_permutation *perm, uint64_t pos);

/* The elements at positions pos .. pos + count - 1 (all < n) into out: the same values as
 * target_permutation_at, computed side by side, so that the CPU overlaps their rounds (one
 * element's rounds are a chain of dependent multiplications). */
void target_permutation_fill(const struct target_permutation *perm, uint64_t pos, unsigned count,
			     uint64_t *out);

/*
 * The positions [begin, end) of one part out of parts: parts differ in size
 * by at most one and together cover [0, n) without overlap.
 */
void target_permutation_slice(uint64_t n, uint64_t part, uint64_t parts, uint64_t *begin,
			      uint64_t *end);

/*
 * The positions [begin, end) of shard `shard` out of `shards`: its slice, cut to its share of
 * max_targets (0: no limit).  As ZMap's -n, max_targets counts for the whole scan, shared out
 * over the shards, the first max_targets mod shards taking one more.  The scan and
 * salvo-iterate both walk these, so that the tool prints what the scan probes.
 */
void target_permutation_shard(uint64_t n, uint64_t shard, uint64_t shards, uint64_t max_targets,
			      uint64_t *begin, uint64_t *end);

#endif
