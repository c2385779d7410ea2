/*
 * The validation PRF: the keyed function of each probe's (source, destination, port) from
 * which everything a reply must echo is derived (probe/probe.h).  Two, one chosen per scan:
 *
 *   PRF_SIPHASH  SipHash-2-4 under the scan's key (util/siphash.h): portable, and what every
 *                scan used before the choice existed (checkpoints of version 2 and below);
 *   PRF_AES      AES-128, one block: the input's bytes, zeros, and its length in the last
 *                byte (IPv6's 34 bytes: CBC-MAC of three such blocks, a fixed length), the
 *                value the first 8 bytes of the last ciphertext read little-endian.  Its key
 *                is derived from the scan's with SipHash, so that no byte of it is a byte of
 *                the scan's key (tcp_synscan's timestamp option shows four of those).  With
 *                AES-NI a block is 10 instructions where SipHash of 10 bytes is about 130.
 *
 * A new scan takes AES where the CPU has AES-NI and SipHash elsewhere (prf_best); the choice
 * is the scan's, kept in its checkpoint beside the key, so that a resumed process validates
 * the replies to probes sent before it.  A CPU without AES-NI that resumes an AES scan
 * computes the same values in portable C (a few hundred nanoseconds a probe instead of a few).
 */
#ifndef SALVO_UTIL_PRF_H
#define SALVO_UTIL_PRF_H

#include <stdint.h>

#include "util/siphash.h"

enum prf_kind { PRF_SIPHASH = 0, PRF_AES = 1 };

#define PRF_AES_ROUNDS 10
#define PRF_IN6_LEN    34 /* IPv6's input: two addresses and a port */

/* AES-128 under a key derived from a scan's key: its round keys and how blocks are computed. */
struct prf_aes {
	uint64_t (*hash10)(const struct prf_aes *a, uint64_t head, uint16_t tail);
	uint64_t (*hash34)(const struct prf_aes *a, const uint8_t in[PRF_IN6_LEN]);
	uint8_t round_keys[PRF_AES_ROUNDS + 1][16] __attribute__((aligned(16)));
};

/* The PRF a new scan takes on this CPU: PRF_AES with AES-NI, else PRF_SIPHASH. */
enum prf_kind prf_best(void);

/* "aes-128" or "siphash-2-4" (checkpoints and metadata), and back: 0 or -EINVAL. */
const char *prf_name(enum prf_kind kind);
int prf_parse(const char *name, enum prf_kind *kind);

/* a's round keys from a scan's key, and its block functions: AES-NI where the CPU has it
 * (native 1), portable C where not or when native is 0 (the tests compare the two). */
void prf_aes_init(struct prf_aes *a, const uint8_t key[SIPHASH_KEY_LEN], int native);

/* Does this CPU have AES-NI (and is this an x86-64 build)? */
int prf_aes_native(void);

/*
 * AES-128 itself, portable (FIPS-197): the round keys of a 16-byte key, and one block
 * encrypted with them.  What PRF_AES is defined by; the tests hold AES-NI to it.
 */
void prf_aes128_expand(const uint8_t key[16], uint8_t round_keys[PRF_AES_ROUNDS + 1][16]);
void prf_aes128_encrypt(const uint8_t round_keys[PRF_AES_ROUNDS + 1][16], const uint8_t in[16],
			uint8_t out[16]);

#endif
