/*
 * SipHash-2-4, written from the specification in the SipHash paper
 * (Aumasson, Bernstein: "SipHash: a fast short-input PRF", 2012).
 * Checked against the paper's test vectors in tests/unit/test_util.c.
 */
#include "util/siphash.h"

uint64_t siphash24(const void *in, size_t len, const uint8_t key[SIPHASH_KEY_LEN])
{
	const uint8_t *p = in;
	uint64_t k0 = siphash_le64(key), k1 = siphash_le64(key + 8);
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
	uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
	uint64_t v3 = k1 ^ 0x7465646279746573ULL;
	size_t full = len & ~(size_t)7;
	uint8_t tail[8] = { 0 };
	uint64_t m;

	for (size_t i = 0; i < full; i += 8) {
		m = siphash_le64(p + i);
		v3 ^= m;
		SIPHASH_ROUND(v0, v1, v2, v3);
		SIPHASH_ROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	/* The last block holds the remaining bytes and the length in its top byte. */
	if (len > full) /* not memcpy(tail, NULL, 0): in may be NULL when len is 0 */
		memcpy(tail, p + full, len - full);
	tail[7] = (uint8_t)len;
	m = siphash_le64(tail);
	v3 ^= m;
	SIPHASH_ROUND(v0, v1, v2, v3);
	SIPHASH_ROUND(v0, v1, v2, v3);
	v0 ^= m;

	v2 ^= 0xff;
	for (int i = 0; i < 4; i++)
		SIPHASH_ROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}
