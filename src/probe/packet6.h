/*
 * IPv6 frame layouts salvo builds and parses: the IPv6 header, the extension
 * headers a reply may carry, ICMPv6 errors and the IPv6 pseudo-header sum.
 *
 * packet_parse_ipv6 is the first step of the receive path for IPv6 and reads
 * bytes from the network: it trusts no length or offset in them (extension
 * header lengths included), and a view it returns never points outside the
 * frame it was given.
 */
#ifndef SALVO_PROBE_PACKET6_H
#define SALVO_PROBE_PACKET6_H

#include <stdint.h>

#include "probe/packet.h"

#define IPV6_HLEN	40
#define ETHERTYPE_IPV6_ 0x86dd
#define IPPROTO_ICMPV6_ 58

#define ICMP6_DST_UNREACH    1
#define ICMP6_PACKET_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED  3
#define ICMP6_PARAM_PROB     4
#define ICMP6_ECHO_REQUEST   128
#define ICMP6_ECHO_REPLY     129
#define ICMP6_NEIGH_SOLICIT  135
#define ICMP6_NEIGH_ADVERT   136

/* What the receive path needs of an IPv6 packet; numbers in host order. */
struct packet_view6 {
	const uint8_t *l4; /* first byte of the upper-layer header, after every extension header */
	uint32_t l4_len;   /* its bytes that the payload length covers and the frame holds */
	const uint8_t *saddr; /* 16 bytes, in the frame (network order) */
	const uint8_t *daddr; /* 16 bytes, in the frame */
	uint32_t flow;	      /* flow label (20 bits) */
	uint8_t proto;	      /* the upper-layer protocol: the last Next Header */
	uint8_t hop_limit;
};

/*
 * Parse Ethernet (with up to two 802.1Q/802.1ad tags, as packet_parse_ipv4) and an IPv6
 * header, then walk the extension headers (hop-by-hop 0, routing 43, fragment 44, destination
 * options 60, authentication 51) to the upper layer.  Returns 0 and fills v, or -1 for anything
 * else: not IPv6, truncated (the frame shorter than the headers or the payload length says), a
 * fragment that is not a whole packet (offset or more-fragments set), more than PACKET6_MAX_EXT
 * extension headers, No Next Header (59), a jumbogram (payload length 0), or an extension header
 * that runs past the payload.
 */
#define PACKET6_MAX_EXT 8
int packet_parse_ipv6(const uint8_t *frame, uint32_t len, struct packet_view6 *v);

/* The same from the IPv6 header on: a packet with no link-layer header (-X, a tun device). */
int packet_parse_ipv6_l3(const uint8_t *ip, uint32_t len, struct packet_view6 *v);

/* The packet an ICMPv6 error quotes: one of ours, if validation says so. */
struct packet_quote6 {
	uint8_t icmp_type, icmp_code; /* of the error itself */
	uint8_t proto;		      /* of the quoted packet, after its extension headers */
	const uint8_t *saddr, *daddr; /* of the quoted packet: 16 bytes each, in the frame */
	const uint8_t *l4;	      /* its upper-layer header: at least 8 bytes are there */
};

/*
 * If v is an ICMPv6 error (destination unreachable, packet too big, time exceeded, parameter
 * problem) quoting an IPv6 header, its extension headers and at least 8 bytes of what followed
 * them, fill q and return 0; else -1.  The quote is as untrusted as the packet: its payload
 * length is not believed (a quote is cut short by design), only the bytes that are there.
 */
int packet_parse_icmp6_quote(const struct packet_view6 *v, struct packet_quote6 *q);

/*
 * Write a 40-byte IPv6 header (version 6, traffic class and flow label 0) with saddr,
 * next_header, payload_len and hop_limit; the destination is left zero (the probe's patch step
 * fills it).  Returns its length.
 */
unsigned packet_build_ipv6(uint8_t *p, const uint8_t saddr[16], uint8_t next_header,
			   uint16_t payload_len, uint8_t hop_limit);

/* The Ethernet header with EtherType 0x86dd; returns its length. */
unsigned packet_build_eth6(uint8_t *p, const uint8_t dst[ETH_ALEN_], const uint8_t src[ETH_ALEN_]);

#endif
