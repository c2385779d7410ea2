/*
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit hash that is
 * fast on short inputs and unpredictable without the key.  salvo keys it
 * once per scan with random bytes and uses it to derive everything a reply
 * must echo back (TCP sequence number, source port), so replies can be
 * recognised without keeping any per-probe state.
 */
#ifndef SALVO_UTIL_SIPHASH_H
#define SALVO_UTIL_SIPHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SIPHASH_KEY_LEN 16

/* Hash len bytes at in under a 16-byte key. */
uint64_t siphash24(const void *in, size_t len, const uint8_t key[SIPHASH_KEY_LEN]);

static inline uint64_t siphash_rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

/* Eight bytes as a little-endian number: one load where the machine is little-endian. */
static inline uint64_t siphash_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

#define SIPHASH_ROUND(v0, v1, v2, v3)                                                              \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = siphash_rotl(v1, 13);                                                         \
		v1 ^= v0;                                                                          \
		v0 = siphash_rotl(v0, 32);                                                         \
		v2 += v3;                                                                          \
		v3 = siphash_rotl(v3, 16);                                                         \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = siphash_rotl(v3, 21);                                                         \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = siphash_rotl(v1, 17);                                                         \
		v1 ^= v2;                                                                          \
		v2 = siphash_rotl(v2, 32);                                                         \
	} while (0)

/*
 * SipHash-2-4 of ten bytes given as numbers: head, the first eight read little-endian, and
 * tail, the last two.  The value is siphash24's for those bytes (the unit tests hold them to
 * it); the send path hashes every probe this way, with no buffer and no length loop.
 */
static inline uint64_t siphash24_10(const uint8_t key[SIPHASH_KEY_LEN], uint64_t head,
				    uint16_t tail)
{
	uint64_t k0 = siphash_le64(key), k1 = siphash_le64(key + 8);
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t m = (uint64_t)tail | (10ULL << 56);

	v3 ^= head;
	SIPHASH_ROUND(v0, v1, v2, v3);
	SIPHASH_ROUND(v0, v1, v2, v3);
	v0 ^= head;
	v3 ^= m;
	SIPHASH_ROUND(v0, v1, v2, v3);
	SIPHASH_ROUND(v0, v1, v2, v3);
	v0 ^= m;
	v2 ^= 0xff;
	SIPHASH_ROUND(v0, v1, v2, v3);
	SIPHASH_ROUND(v0, v1, v2, v3);
	SIPHASH_ROUND(v0, v1, v2, v3);
	SIPHASH_ROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

#endif
