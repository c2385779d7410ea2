/* Frame building and the first, untrusting step of parsing; see packet.h. */
#include "probe/packet.h"

#include <string.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8

int packet_l3_offset(const uint8_t *frame, uint32_t len, uint16_t *type)
{
	uint32_t off = 12;

	if (len < ETH_HLEN_)
		return -1;
	*type = packet_get16(frame + off);
	for (int tags = 0; (*type == ETHERTYPE_VLAN || *type == ETHERTYPE_QINQ) && tags < 2;
	     tags++) {
		off += 4;
		if (len < off + 2)
			return -1;
		*type = packet_get16(frame + off);
	}
	return (int)off + 2;
}

int packet_parse_ipv4(const uint8_t *frame, uint32_t len, struct packet_view *v)
{
	uint16_t type;
	int off = packet_l3_offset(frame, len, &type);

	if (off < 0 || type != ETHERTYPE_IPV4)
		return -1;
	return packet_parse_ipv4_l3(frame + off, len - (uint32_t)off, v);
}

int packet_parse_ipv4_l3(const uint8_t *ip, uint32_t len, struct packet_view *v)
{
	uint32_t ihl, total;

	if (len < IPV4_HLEN || (ip[0] >> 4) != 4)
		return -1;
	ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	total = packet_get16(ip + 2);
	if (ihl < IPV4_HLEN || total < ihl || len < ihl)
		return -1;
	/* A fragment (MF set or an offset) cannot be validated: drop it. */
	if (packet_get16(ip + 6) & 0x3fff)
		return -1;
	/* Ethernet pads short frames; the IPv4 length says where the packet really ends. */
	if (total > len)
		total = len;
	v->l4 = ip + ihl;
	v->l4_len = total - ihl;
	v->saddr = packet_get32(ip + 12);
	v->daddr = packet_get32(ip + 16);
	v->ipid = packet_get16(ip + 4);
	v->proto = ip[9];
	v->ttl = ip[8];
	return 0;
}

int packet_parse_icmp_quote(const struct packet_view *v, struct packet_quote *q)
{
	const uint8_t *icmp = v->l4, *inner = icmp + ICMP_HLEN;
	uint32_t ihl;

	if (v->proto != IPPROTO_ICMP_ || v->l4_len < ICMP_HLEN + IPV4_HLEN + 8 ||
	    (icmp[0] != ICMP_UNREACH && icmp[0] != ICMP_TIME_EXCEEDED))
		return -1;
	ihl = (uint32_t)(inner[0] & 0x0f) * 4;
	if ((inner[0] >> 4) != 4 || ihl < IPV4_HLEN || v->l4_len < ICMP_HLEN + ihl + 8)
		return -1;
	q->icmp_type = icmp[0];
	q->icmp_code = icmp[1];
	q->proto = inner[9];
	q->saddr = packet_get32(inner + 12);
	q->daddr = packet_get32(inner + 16);
	q->l4 = inner + ihl;
	return 0;
}

unsigned packet_build_eth(uint8_t *p, const uint8_t dst[ETH_ALEN_], const uint8_t src[ETH_ALEN_])
{
	memcpy(p, dst, ETH_ALEN_);
	memcpy(p + ETH_ALEN_, src, ETH_ALEN_);
	packet_put16(p + 12, ETHERTYPE_IPV4);
	return ETH_HLEN_;
}

unsigned packet_build_ipv4(uint8_t *p, uint32_t saddr, uint8_t proto, uint16_t total_len,
			   uint8_t ttl)
{
	memset(p, 0, IPV4_HLEN);
	p[0] = 0x45;
	packet_put16(p + 2, total_len);
	p[8] = ttl;
	p[9] = proto;
	packet_put32(p + 12, saddr);
	return IPV4_HLEN;
}
