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

#define SIPHASH_KEY_LEN 16

/* Hash len bytes at in under a 16-byte key. */
uint64_t siphash24(const void *in, size_t len, const uint8_t key[SIPHASH_KEY_LEN]);

#endif
