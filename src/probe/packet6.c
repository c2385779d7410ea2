/*
 * IPv6 frame building and the first, untrusting step of parsing it; see packet6.h.  The
 * receive path calls the parsers on every IPv6 frame, the probe modules the builders once
 * per template.
 */
#include "probe/packet6.h"

#include <string.h>

#define IPV6_EXT_HOPOPTS  0
#define IPV6_EXT_ROUTING  43
#define IPV6_EXT_FRAGMENT 44
#define IPV6_EXT_AH	  51
#define IPV6_NO_NEXT	  59
#define IPV6_EXT_DSTOPTS  60
#define IPV6_FRAG_HLEN	  8
/* The fragment header's offset (13 bits) and M flag, not its 2 reserved bits. */
#define IPV6_FRAG_OFF_M 0xfff9
#define ICMP6_HLEN	8

/*
 * The length of the extension header of type nh at p, with len bytes left, or 0 if nh is no
 * extension header we walk; -1 if it cannot be walked (its length field is missing, or it is
 * a fragment that is not a whole packet).  The authentication header (RFC 4302) is walked
 * too: what follows it is in the clear, so a reply signed with AH still shows its upper layer.
 * ESP is not: what follows it is encrypted, so it is the upper layer as far as we can tell.
 */
static int64_t ipv6_ext_len(uint8_t nh, const uint8_t *p, uint32_t len)
{
	switch (nh) {
	case IPV6_EXT_HOPOPTS:
	case IPV6_EXT_ROUTING:
	case IPV6_EXT_DSTOPTS:
		return len < 2 ? -1 : ((int64_t)p[1] + 1) * 8;
	case IPV6_EXT_AH:
		return len < 2 ? -1 : ((int64_t)p[1] + 2) * 4;
	case IPV6_EXT_FRAGMENT:
		/* Only an atomic fragment (RFC 6946: offset 0, M clear) is a whole packet. */
		if (len < IPV6_FRAG_HLEN || (packet_get16(p + 2) & IPV6_FRAG_OFF_M))
			return -1;
		return IPV6_FRAG_HLEN;
	case IPV6_NO_NEXT:
		return -1; /* nothing follows: no upper layer to validate */
	default:
		return 0;
	}
}

/*
 * Walk the extension headers at p, the first of type *proto, within len bytes: the bytes the
 * payload length covers, or for a quote the bytes that are there.  Returns 0 with the
 * upper-layer protocol in *proto and the extension headers' length in *ext_len, or -1.
 */
static int ipv6_walk_ext(const uint8_t *p, uint32_t len, uint8_t *proto, uint32_t *ext_len)
{
	uint8_t nh = *proto;
	uint32_t off = 0;

	for (int count = 0;; count++) {
		int64_t hlen = ipv6_ext_len(nh, p + off, len - off);

		if (hlen == 0)
			break;
		if (hlen < 0 || count == PACKET6_MAX_EXT || hlen > len - off)
			return -1;
		nh = p[off];
		off += (uint32_t)hlen;
	}
	*proto = nh;
	*ext_len = off;
	return 0;
}

int packet_parse_ipv6(const uint8_t *frame, uint32_t len, struct packet_view6 *v)
{
	uint16_t type;
	int off = packet_l3_offset(frame, len, &type);

	if (off < 0 || type != ETHERTYPE_IPV6_)
		return -1;
	return packet_parse_ipv6_l3(frame + off, len - (uint32_t)off, v);
}

int packet_parse_ipv6_l3(const uint8_t *ip, uint32_t len, struct packet_view6 *v)
{
	uint32_t plen, ext_len;
	uint8_t proto;

	if (len < IPV6_HLEN || (ip[0] >> 4) != 6)
		return -1;
	/*
	 * Payload length 0 is a jumbogram (RFC 2675), which no reply to a probe is.  Unlike
	 * IPv4's total length, a payload length past the frame is not cut to fit: the packet
	 * is incomplete.  Bytes after it are Ethernet padding.
	 */
	plen = packet_get16(ip + 4);
	if (plen == 0 || len - IPV6_HLEN < plen)
		return -1;
	proto = ip[6];
	if (ipv6_walk_ext(ip + IPV6_HLEN, plen, &proto, &ext_len))
		return -1;
	v->l4 = ip + IPV6_HLEN + ext_len;
	v->l4_len = plen - ext_len;
	v->saddr = ip + 8;
	v->daddr = ip + 24;
	v->flow = packet_get32(ip) & 0xfffff;
	v->proto = proto;
	v->hop_limit = ip[7];
	return 0;
}

static int icmp6_is_error(uint8_t type)
{
	return type == ICMP6_DST_UNREACH || type == ICMP6_PACKET_TOO_BIG ||
	       type == ICMP6_TIME_EXCEEDED || type == ICMP6_PARAM_PROB;
}

int packet_parse_icmp6_quote(const struct packet_view6 *v, struct packet_quote6 *q)
{
	const uint8_t *icmp = v->l4, *inner = icmp + ICMP6_HLEN;
	uint32_t have, ext_len;
	uint8_t proto;

	if (v->proto != IPPROTO_ICMPV6_ || v->l4_len < ICMP6_HLEN + IPV6_HLEN + 8 ||
	    !icmp6_is_error(icmp[0]) || (inner[0] >> 4) != 6)
		return -1;
	/* The quote's own payload length is not believed: routers cut quotes short (RFC 4443). */
	have = v->l4_len - ICMP6_HLEN - IPV6_HLEN;
	proto = inner[6];
	if (ipv6_walk_ext(inner + IPV6_HLEN, have, &proto, &ext_len) || have - ext_len < 8)
		return -1;
	q->icmp_type = icmp[0];
	q->icmp_code = icmp[1];
	q->proto = proto;
	q->saddr = inner + 8;
	q->daddr = inner + 24;
	q->l4 = inner + IPV6_HLEN + ext_len;
	return 0;
}

unsigned packet_build_ipv6(uint8_t *p, const uint8_t saddr[16], uint8_t next_header,
			   uint16_t payload_len, uint8_t hop_limit)
{
	memset(p, 0, IPV6_HLEN);
	p[0] = 0x60;
	packet_put16(p + 4, payload_len);
	p[6] = next_header;
	p[7] = hop_limit;
	memcpy(p + 8, saddr, 16);
	return IPV6_HLEN;
}

unsigned packet_build_eth6(uint8_t *p, const uint8_t dst[ETH_ALEN_], const uint8_t src[ETH_ALEN_])
{
	memcpy(p, dst, ETH_ALEN_);
	memcpy(p + ETH_ALEN_, src, ETH_ALEN_);
	packet_put16(p + 12, ETHERTYPE_IPV6_);
	return ETH_HLEN_;
}
