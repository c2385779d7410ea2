/*
 * libFuzzer target: the IPv6 parsers (src/probe/packet6.c) on any bytes, as a frame and as a
 * packet with no link layer, and the ICMPv6 quote of whatever parses.  Nothing may crash or
 * read out of bounds, every view returned lies inside the input, an accepted packet ends where
 * its payload length says, and a frame with no VLAN tag parses as its packet does.  The
 * Neighbor Discovery parser (src/io/ndp.c) too: what it takes is IPv6, and its answer to a
 * solicitation parses back as a valid advertisement.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/ndp.h"
#include "probe/packet6.h"

/* Is p[0..n) inside buf[0..len)?  Compared as numbers: p may point anywhere. */
static int inside(const uint8_t *buf, size_t len, const uint8_t *p, uint64_t n)
{
	uintptr_t b = (uintptr_t)buf, a = (uintptr_t)p;

	return a >= b && a - b <= len && n <= len - (a - b);
}

static void check_quote(const uint8_t *buf, size_t len, const struct packet_view6 *v)
{
	struct packet_quote6 q;

	if (packet_parse_icmp6_quote(v, &q) != 0)
		return;
	if (!inside(buf, len, q.l4, 8) || !inside(buf, len, q.saddr, 16) ||
	    !inside(buf, len, q.daddr, 16) || q.l4 < q.daddr + 16)
		abort();
}

/* The view of a packet at ip: inside it, its upper layer where the payload length ends. */
static void check_view(const uint8_t *buf, size_t len, const uint8_t *ip,
		       const struct packet_view6 *v)
{
	if (!inside(buf, len, v->l4, v->l4_len) || !inside(buf, len, v->saddr, 16) ||
	    !inside(buf, len, v->daddr, 16))
		abort();
	if (v->saddr != ip + 8 || v->daddr != ip + 24 ||
	    v->l4 + v->l4_len != ip + IPV6_HLEN + packet_get16(ip + 4))
		abort();
	check_quote(buf, len, v);
}

static int same_view(const struct packet_view6 *a, const struct packet_view6 *b)
{
	return a->l4 == b->l4 && a->l4_len == b->l4_len && a->saddr == b->saddr &&
	       a->daddr == b->daddr && a->flow == b->flow && a->proto == b->proto &&
	       a->hop_limit == b->hop_limit;
}

/* A solicitation or advertisement taken: an IPv6 packet, and an answer that is valid NDP. */
static void check_ndp(const uint8_t *data, size_t size, int ipv6_rc)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct ndp_message m, back;
	uint8_t answer[NDP_FRAME_LEN];
	unsigned len;

	if (ndp_parse(data, (uint32_t)size, &m) != 1)
		return;
	if (ipv6_rc != 0)
		abort();
	/* Answered as if the target were ours. */
	if ((len = ndp_answer(answer, &m, mac, m.target)) &&
	    (len > sizeof(answer) || ndp_parse(answer, len, &back) != 1 ||
	     back.type != ICMP6_NEIGH_ADVERT))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct packet_view6 v, v3;
	int rc, rc3;

	if (size > 65535 + 64)
		return 0;
	if (packet_parse_ipv6_l3(data, (uint32_t)size, &v3) == 0)
		check_view(data, size, data, &v3);
	rc = packet_parse_ipv6(data, (uint32_t)size, &v);
	if (rc == 0) {
		/* The IPv6 header is after the Ethernet one; its source address says where. */
		if (!inside(data, size, v.saddr, 16) || v.saddr < data + ETH_HLEN_ + 8)
			abort();
		check_view(data, size, v.saddr - 8, &v);
	}
	check_ndp(data, size, rc);
	/* Untagged: the frame is its Ethernet header and the packet. */
	if (size >= ETH_HLEN_ && packet_get16(data + 12) == ETHERTYPE_IPV6_) {
		rc3 = packet_parse_ipv6_l3(data + ETH_HLEN_, (uint32_t)(size - ETH_HLEN_), &v3);
		if (rc != rc3 || (rc == 0 && !same_view(&v, &v3)))
			abort();
	}
	return 0;
}
