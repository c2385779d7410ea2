/* Division of 64-bit numbers by a divisor fixed for a whole scan, without a divide
 * instruction on the per-probe path: a multiplication by a precomputed reciprocal and one
 * correction step (Granlund and Montgomery, "Division by invariant integers using
 * multiplication", 1994, figure 4.1), exact for every 64-bit numerator. */
#ifndef SALVO_UTIL_FASTDIV_H
#define SALVO_UTIL_FASTDIV_H

#include <stdint.h>

struct fastdiv {
	uint64_t magic;
	uint32_t divisor;
	uint8_t shift1, shift2;
};

/* divisor >= 1 */
static inline void fastdiv_init(struct fastdiv *fd, uint32_t divisor)
{
	unsigned l = 0; /* ceil(log2(divisor)) */

	while ((1ULL << l) < divisor)
		l++;
	fd->divisor = divisor;
	/* floor(2^64 * (2^l - d) / d) + 1 fits in 64 bits since 2^l - d < d. */
	fd->magic = (uint64_t)(((unsigned __int128)((1ULL << l) - divisor) << 64) / divisor) + 1;
	fd->shift1 = l ? 1 : 0;
	fd->shift2 = l ? (uint8_t)(l - 1) : 0;
}

static inline uint64_t fastdiv_div(const struct fastdiv *fd, uint64_t n)
{
	uint64_t t = (uint64_t)(((unsigned __int128)fd->magic * n) >> 64);

	return (t + ((n - t) >> fd->shift1)) >> fd->shift2;
}

#endif
