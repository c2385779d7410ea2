/*
 * Internet checksums (RFC 1071) for the IPv4 and TCP/UDP headers salvo
 * builds.  Probe modules sum the constant part of a frame once and add the
 * per-target words per packet, so a checksum costs a few additions.
 */
#ifndef SALVO_UTIL_CHECKSUM_H
#define SALVO_UTIL_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* One's-complement sum of len bytes (network order words) added to sum, unfolded. */
uint32_t csum_add_bytes(uint32_t sum, const void *data, size_t len);

/* Fold a 32-bit running sum to 16 bits and complement it: the value to store. */
static inline uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Add a 32-bit quantity given in host order as its two network-order words. */
static inline uint32_t csum_add_u32(uint32_t sum, uint32_t v)
{
	return sum + (v >> 16) + (v & 0xffff);
}

/* Add an IPv6 address (16 bytes, network order) as its eight words: a pseudo-header's. */
static inline uint32_t csum_add_addr6(uint32_t sum, const uint8_t a[16])
{
	for (int i = 0; i < 16; i += 2)
		sum += (uint32_t)(a[i] << 8 | a[i + 1]);
	return sum;
}

#endif
