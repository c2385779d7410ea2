/*
 * Frame layouts salvo builds and parses: Ethernet, IPv4, TCP.
 *
 * packet_parse_ipv4 is the first step of the receive path and reads bytes
 * from the network: it trusts no length or offset in them, and a view it
 * returns never points outside the frame it was given.
 */
#ifndef SALVO_PROBE_PACKET_H
#define SALVO_PROBE_PACKET_H

#include <stdint.h>

#define ETH_HLEN_     14
#define ETH_ALEN_     6
#define IPV4_HLEN     20
#define TCP_HLEN      20
#define IPPROTO_TCP_  6
#define IPPROTO_UDP_  17
#define IPPROTO_ICMP_ 1
#define UDP_HLEN      8
#define ICMP_HLEN     8

#define ICMP_ECHO_REPLY	   0
#define ICMP_UNREACH	   3
#define ICMP_ECHO_REQUEST  8
#define ICMP_TIME_EXCEEDED 11

#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_ACK 0x10

/* What the receive path needs of an IPv4 frame; all in host order. */
struct packet_view {
	const uint8_t *l4; /* first byte after the IPv4 header (and options) */
	uint32_t l4_len;   /* bytes of transport data the IPv4 length covers and we have */
	uint32_t saddr;
	uint32_t daddr;
	uint16_t ipid;
	uint8_t proto;
	uint8_t ttl;
};

/*
 * Where a frame's network header starts, past Ethernet and up to two 802.1Q/802.1ad tags,
 * with its EtherType in *type; -1 if the frame ends first.  Both families' parsers start here.
 */
int packet_l3_offset(const uint8_t *frame, uint32_t len, uint16_t *type);

/*
 * Parse Ethernet (with up to two 802.1Q/802.1ad tags) and an IPv4 header.
 * Returns 0 and fills v, or -1 for anything that is not a whole, unfragmented
 * IPv4 packet.
 */
int packet_parse_ipv4(const uint8_t *frame, uint32_t len, struct packet_view *v);

/* The same from the IPv4 header on: a packet with no link-layer header (-X, a tun device). */
int packet_parse_ipv4_l3(const uint8_t *ip, uint32_t len, struct packet_view *v);

static inline uint16_t packet_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t packet_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void packet_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void packet_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The packet an ICMP error quotes (host order): one of ours, if validation says so. */
struct packet_quote {
	uint8_t icmp_type, icmp_code; /* of the error itself */
	uint8_t proto;		      /* of the quoted packet */
	uint32_t saddr, daddr;	      /* of the quoted packet */
	const uint8_t *l4;	      /* its transport header: at least 8 bytes are there */
};

/*
 * If v is an ICMP destination-unreachable or time-exceeded error quoting an
 * IPv4 header and at least 8 bytes of what followed it, fill q and return
 * 0; else -1.  Like packet_parse_ipv4, it trusts no length in the packet.
 */
int packet_parse_icmp_quote(const struct packet_view *v, struct packet_quote *q);

/* Write an Ethernet header for IPv4; returns its length. */
unsigned packet_build_eth(uint8_t *p, const uint8_t dst[ETH_ALEN_], const uint8_t src[ETH_ALEN_]);

/*
 * Write a 20-byte IPv4 header with daddr, id and checksum left zero (the
 * probe's patch step fills them).  Returns its length.
 */
unsigned packet_build_ipv4(uint8_t *p, uint32_t saddr, uint8_t proto, uint16_t total_len,
			   uint8_t ttl);

#endif
