/*
 * The validation PRF's AES side (see prf.h): AES-128 written from FIPS-197 in portable C, and
 * with AES-NI where the CPU has it.  Checked against FIPS-197's vectors, and the two against
 * each other, in tests/unit/test_util.c.
 */
#include "util/prf.h"

#include <errno.h>
#include <string.h>

#if defined(__x86_64__)
#include <emmintrin.h>
#include <wmmintrin.h>
#endif

static const uint8_t aes_sbox[256] = {
	0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab,
	0x76, 0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4,
	0x72, 0xc0, 0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71,
	0xd8, 0x31, 0x15, 0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2,
	0xeb, 0x27, 0xb2, 0x75, 0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6,
	0xb3, 0x29, 0xe3, 0x2f, 0x84, 0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb,
	0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf, 0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45,
	0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8, 0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5,
	0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2, 0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44,
	0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73, 0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a,
	0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb, 0xe0, 0x32, 0x3a, 0x0a, 0x49,
	0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79, 0xe7, 0xc8, 0x37, 0x6d,
	0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08, 0xba, 0x78, 0x25,
	0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a, 0x70, 0x3e,
	0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e, 0xe1,
	0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
	0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb,
	0x16,
};

static inline uint8_t aes_xtime(uint8_t x)
{
	return (uint8_t)((x << 1) ^ ((x >> 7) * 0x1b));
}

void prf_aes128_expand(const uint8_t key[16], uint8_t round_keys[PRF_AES_ROUNDS + 1][16])
{
	uint8_t *w = &round_keys[0][0], rcon = 1;

	memcpy(w, key, 16);
	for (unsigned i = 16; i < 16 * (PRF_AES_ROUNDS + 1); i += 4) {
		uint8_t t[4] = { w[i - 4], w[i - 3], w[i - 2], w[i - 1] };

		if (i % 16 == 0) { /* RotWord, SubWord, Rcon */
			uint8_t t0 = t[0];

			t[0] = (uint8_t)(aes_sbox[t[1]] ^ rcon);
			t[1] = aes_sbox[t[2]];
			t[2] = aes_sbox[t[3]];
			t[3] = aes_sbox[t0];
			rcon = aes_xtime(rcon);
		}
		for (unsigned j = 0; j < 4; j++)
			w[i + j] = w[i + j - 16] ^ t[j];
	}
}

void prf_aes128_encrypt(const uint8_t round_keys[PRF_AES_ROUNDS + 1][16], const uint8_t in[16],
			uint8_t out[16])
{
	uint8_t s[16], t[16];

	for (unsigned i = 0; i < 16; i++)
		s[i] = in[i] ^ round_keys[0][i];
	for (unsigned r = 1; r <= PRF_AES_ROUNDS; r++) {
		/* SubBytes and ShiftRows: byte (row i % 4, column i / 4) moves left by its row. */
		for (unsigned i = 0; i < 16; i++)
			t[i] = aes_sbox[s[(i + 4 * (i % 4)) % 16]];
		if (r < PRF_AES_ROUNDS) { /* MixColumns */
			for (unsigned c = 0; c < 16; c += 4) {
				uint8_t a0 = t[c], a1 = t[c + 1], a2 = t[c + 2], a3 = t[c + 3];
				uint8_t all = a0 ^ a1 ^ a2 ^ a3;

				t[c] ^= all ^ aes_xtime(a0 ^ a1);
				t[c + 1] ^= all ^ aes_xtime(a1 ^ a2);
				t[c + 2] ^= all ^ aes_xtime(a2 ^ a3);
				t[c + 3] ^= all ^ aes_xtime(a3 ^ a0);
			}
		}
		for (unsigned i = 0; i < 16; i++)
			s[i] = t[i] ^ round_keys[r][i];
	}
	memcpy(out, s, 16);
}

static inline uint64_t prf_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The block of ten bytes: head's eight little-endian, tail's two, zeros, the length. */
static void prf_block10(uint64_t head, uint16_t tail, uint8_t b[16])
{
	memset(b, 0, 16);
	for (unsigned i = 0; i < 8; i++)
		b[i] = (uint8_t)(head >> (8 * i));
	b[8] = (uint8_t)tail;
	b[9] = (uint8_t)(tail >> 8);
	b[15] = 10;
}

static uint64_t soft_hash10(const struct prf_aes *a, uint64_t head, uint16_t tail)
{
	uint8_t b[16], out[16];

	prf_block10(head, tail, b);
	prf_aes128_encrypt(a->round_keys, b, out);
	return prf_le64(out);
}

/* CBC-MAC of the 34 bytes: the addresses, then the port with zeros and the length. */
static uint64_t soft_hash34(const struct prf_aes *a, const uint8_t in[PRF_IN6_LEN])
{
	uint8_t x[16], last[16] = { in[32], in[33] };

	last[15] = PRF_IN6_LEN;
	prf_aes128_encrypt(a->round_keys, in, x);
	for (unsigned i = 0; i < 16; i++)
		x[i] ^= in[16 + i];
	prf_aes128_encrypt(a->round_keys, x, x);
	for (unsigned i = 0; i < 16; i++)
		x[i] ^= last[i];
	prf_aes128_encrypt(a->round_keys, x, x);
	return prf_le64(x);
}

#if defined(__x86_64__)
__attribute__((target("aes"))) static inline __m128i ni_encrypt(const struct prf_aes *a, __m128i b)
{
	const __m128i *rk = (const __m128i *)a->round_keys;

	b = _mm_xor_si128(b, _mm_load_si128(rk));
#pragma GCC unroll 9
	for (int r = 1; r < PRF_AES_ROUNDS; r++)
		b = _mm_aesenc_si128(b, _mm_load_si128(rk + r));
	return _mm_aesenclast_si128(b, _mm_load_si128(rk + PRF_AES_ROUNDS));
}

/* x86-64 is little-endian: the block's first eight bytes are head, the next two tail. */
__attribute__((target("aes"))) static uint64_t ni_hash10(const struct prf_aes *a, uint64_t head,
							 uint16_t tail)
{
	__m128i b = _mm_set_epi64x((long long)(tail | 10ULL << 56), (long long)head);

	return (uint64_t)_mm_cvtsi128_si64(ni_encrypt(a, b));
}

__attribute__((target("aes"))) static uint64_t ni_hash34(const struct prf_aes *a,
							 const uint8_t in[PRF_IN6_LEN])
{
	uint16_t port;
	__m128i x;

	memcpy(&port, in + 32, 2);
	x = ni_encrypt(a, _mm_loadu_si128((const __m128i *)in));
	x = ni_encrypt(a, _mm_xor_si128(x, _mm_loadu_si128((const __m128i *)(in + 16))));
	x = ni_encrypt(a, _mm_xor_si128(x, _mm_set_epi64x((long long)(PRF_IN6_LEN * (1ULL << 56)),
							  (long long)port)));
	return (uint64_t)_mm_cvtsi128_si64(x);
}
#endif

int prf_aes_native(void)
{
#if defined(__x86_64__)
	__builtin_cpu_init();
	return __builtin_cpu_supports("aes") != 0;
#else
	return 0;
#endif
}

enum prf_kind prf_best(void)
{
	return prf_aes_native() ? PRF_AES : PRF_SIPHASH;
}

const char *prf_name(enum prf_kind kind)
{
	return kind == PRF_AES ? "aes-128" : "siphash-2-4";
}

int prf_parse(const char *name, enum prf_kind *kind)
{
	if (strcmp(name, "aes-128") == 0)
		*kind = PRF_AES;
	else if (strcmp(name, "siphash-2-4") == 0)
		*kind = PRF_SIPHASH;
	else
		return -EINVAL;
	return 0;
}

void prf_aes_init(struct prf_aes *a, const uint8_t key[SIPHASH_KEY_LEN], int native)
{
	static const uint8_t label[2][8] = { { 'p', 'r', 'f', '-', 'a', 'e', 's', '0' },
					     { 'p', 'r', 'f', '-', 'a', 'e', 's', '1' } };
	uint8_t aes_key[16];

	for (unsigned h = 0; h < 2; h++) {
		uint64_t k = siphash24(label[h], sizeof(label[h]), key);

		for (unsigned i = 0; i < 8; i++)
			aes_key[8 * h + i] = (uint8_t)(k >> (8 * i));
	}
	prf_aes128_expand(aes_key, a->round_keys);
	a->hash10 = soft_hash10;
	a->hash34 = soft_hash34;
#if defined(__x86_64__)
	if (native && prf_aes_native()) {
		a->hash10 = ni_hash10;
		a->hash34 = ni_hash34;
	}
#else
	(void)native;
#endif
}
