/* The UDP frame and reply matching the UDP probe modules share; see udp_common.h. */
#include "probe/udp_common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/checksum.h"

int probe_udp_template(const struct probe *p, uint8_t *buf, size_t cap, const uint8_t *payload,
		       uint16_t len)
{
	const struct probe_params *pp = &p->params;
	uint8_t *ip = buf + ETH_HLEN_;

	if (cap < (size_t)UDP_PAYLOAD_AT + len)
		return -ENOSPC;
	packet_build_eth(buf, pp->gwmac, pp->smac);
	/* Total length 0 here: it depends on the payload and is patched per packet. */
	packet_build_ipv4(ip, pp->saddr, IPPROTO_UDP_, 0, pp->ttl);
	memset(ip + IPV4_HLEN, 0, UDP_HLEN);
	if (len)
		memcpy(buf + UDP_PAYLOAD_AT, payload, len);
	return UDP_PAYLOAD_AT + len;
}

int probe_udp_template6(const struct probe *p, uint8_t *buf, size_t cap, const uint8_t *payload,
			uint16_t len)
{
	const struct probe_params *pp = &p->params;
	uint8_t *ip = buf + ETH_HLEN_;

	if (cap < (size_t)UDP_PAYLOAD_AT6 + len)
		return -ENOSPC;
	packet_build_eth6(buf, pp->gwmac6, pp->smac);
	packet_build_ipv6(ip, pp->saddr6, IPPROTO_UDP_, 0, pp->ttl);
	memset(ip + IPV6_HLEN, 0, UDP_HLEN);
	if (len)
		memcpy(buf + UDP_PAYLOAD_AT6, payload, len);
	return UDP_PAYLOAD_AT6 + len;
}

void probe_udp_sums(struct probe *p, uint32_t payload_sum)
{
	uint8_t frame[UDP_PAYLOAD_AT];

	probe_udp_template(p, frame, sizeof(frame), NULL, 0);
	/* The source is each probe's own (probe_source): probe_udp_finish adds it. */
	memset(frame + ETH_HLEN_ + 12, 0, 4);
	p->sum_l3 = csum_add_bytes(0, frame + ETH_HLEN_, IPV4_HLEN);
	/* Pseudo-header: the protocol; addresses, lengths and ports come per packet. */
	p->sum_l4 = IPPROTO_UDP_ + payload_sum;
	p->sum_l4_6 = csum_add_addr6(0, p->params.saddr6) + IPPROTO_UDP_ + payload_sum;
}

uint32_t probe_udp_finish(const struct probe *p, uint8_t *frame, uint32_t saddr, uint32_t daddr,
			  uint16_t dport, uint32_t probe_num, uint64_t h, uint16_t len,
			  uint32_t payload_sum)
{
	uint8_t *ip = frame + ETH_HLEN_, *udp = ip + IPV4_HLEN;
	uint16_t sport = probe_sport(&p->params, h, probe_num), ipid = (uint16_t)(h >> 16);
	uint16_t ulen = (uint16_t)(UDP_HLEN + len), tlen = (uint16_t)(IPV4_HLEN + ulen);
	uint16_t csum;

	packet_put16(ip + 2, tlen);
	packet_put16(ip + 4, ipid);
	packet_put32(ip + 12, saddr);
	packet_put32(ip + 16, daddr);
	packet_put16(ip + 10,
		     csum_fold(csum_add_u32(csum_add_u32(p->sum_l3 + tlen + ipid, daddr), saddr)));

	packet_put16(udp, sport);
	packet_put16(udp + 2, dport);
	packet_put16(udp + 4, ulen);
	/* The UDP length counts twice: once in the pseudo-header, once in the header. */
	csum = csum_fold(
		csum_add_u32(csum_add_u32(p->sum_l4 + 2u * ulen + sport + dport, daddr), saddr) +
		payload_sum);
	/* In UDP a computed 0 is sent as 0xffff: 0 means "no checksum". */
	packet_put16(udp + 6, csum ? csum : 0xffff);
	return ETH_HLEN_ + tlen;
}

uint32_t probe_udp_finish6(const struct probe *p, uint8_t *frame, const uint8_t daddr[16],
			   uint16_t dport, uint32_t probe_num, uint64_t h, uint16_t len,
			   uint32_t payload_sum)
{
	uint8_t *ip = frame + ETH_HLEN_, *udp = ip + IPV6_HLEN;
	uint16_t sport = probe_sport(&p->params, h, probe_num);
	uint16_t ulen = (uint16_t)(UDP_HLEN + len);
	uint16_t csum;

	packet_put16(ip + 4, ulen);
	memcpy(ip + 24, daddr, 16);
	packet_put16(udp, sport);
	packet_put16(udp + 2, dport);
	packet_put16(udp + 4, ulen);
	csum = csum_fold(csum_add_addr6(p->sum_l4_6 + 2u * ulen + sport + dport, daddr) +
			 payload_sum);
	/* In IPv6 a UDP checksum is mandatory (RFC 8200 8.1): a computed 0 goes as 0xffff. */
	packet_put16(udp + 6, csum ? csum : 0xffff);
	return ETH_HLEN_ + IPV6_HLEN + ulen;
}

/* Fill r from the headers of our probe (from us) as (target, port) saw or quoted them. */
static int udp_match(const struct probe *p, uint32_t us, uint32_t target, uint16_t target_port,
		     uint16_t our_port, struct probe_result *r)
{
	const struct probe_params *pp = &p->params;

	if (us != probe_source(pp, target) ||
	    !probe_sport_valid(pp, probe_hash(pp, us, target, target_port), our_port))
		return 0;
	r->family = 4;
	r->saddr = target;
	r->daddr = us;
	r->sport = target_port;
	r->dport = our_port;
	return 1;
}

int probe_udp_validate(const struct probe *p, const struct packet_view *v, struct probe_result *r)
{
	const uint8_t *l4 = v->l4;
	struct packet_quote q;

	if (v->proto == IPPROTO_UDP_) {
		uint32_t len;

		if (v->l4_len < UDP_HLEN ||
		    !udp_match(p, v->daddr, v->saddr, packet_get16(l4), packet_get16(l4 + 2), r))
			return 0;
		r->flags = 0;
		/* The payload as the UDP length gives it, never past what arrived. */
		len = packet_get16(l4 + 4);
		len = len < UDP_HLEN ? UDP_HLEN : len > v->l4_len ? v->l4_len : len;
		probe_result_keep_data(r, l4 + UDP_HLEN, len - UDP_HLEN);
	} else if (packet_parse_icmp_quote(v, &q) == 0) {
		/* Unreachable, quoting one of our UDP probes (8 bytes: the whole UDP header). */
		if (q.icmp_type != ICMP_UNREACH || q.proto != IPPROTO_UDP_ || v->daddr != q.saddr ||
		    !udp_match(p, q.saddr, q.daddr, packet_get16(q.l4 + 2), packet_get16(q.l4), r))
			return 0;
		r->flags = (uint8_t)(UDP_FLAG_ICMP | (q.icmp_code & 0x7f));
	} else {
		return 0;
	}
	r->ipid = v->ipid;
	r->ttl = v->ttl;
	r->window = 0;
	return 1;
}

/* The IPv6 counterpart of udp_match. */
static int udp_match6(const struct probe *p, const uint8_t target[16], uint16_t target_port,
		      uint16_t our_port, struct probe_result *r)
{
	const struct probe_params *pp = &p->params;

	if (!probe_sport_valid(pp, probe_hash6(pp, pp->saddr6, target, target_port), our_port))
		return 0;
	r->family = 6;
	memcpy(r->saddr6, target, 16);
	memcpy(r->daddr6, pp->saddr6, 16);
	r->sport = target_port;
	r->dport = our_port;
	return 1;
}

int probe_udp_validate6(const struct probe *p, const struct packet_view6 *v, struct probe_result *r)
{
	const uint8_t *l4 = v->l4;
	struct packet_quote6 q;

	if (memcmp(v->daddr, p->params.saddr6, 16))
		return 0;
	if (v->proto == IPPROTO_UDP_) {
		uint32_t len;

		if (v->l4_len < UDP_HLEN ||
		    !udp_match6(p, v->saddr, packet_get16(l4), packet_get16(l4 + 2), r))
			return 0;
		r->flags = 0;
		len = packet_get16(l4 + 4);
		len = len < UDP_HLEN ? UDP_HLEN : len > v->l4_len ? v->l4_len : len;
		probe_result_keep_data(r, l4 + UDP_HLEN, len - UDP_HLEN);
	} else if (packet_parse_icmp6_quote(v, &q) == 0) {
		/* Destination unreachable, quoting one of our UDP probes: its whole UDP header. */
		if (q.icmp_type != ICMP6_DST_UNREACH || q.proto != IPPROTO_UDP_ ||
		    memcmp(q.saddr, p->params.saddr6, 16) ||
		    !udp_match6(p, q.daddr, packet_get16(q.l4 + 2), packet_get16(q.l4), r))
			return 0;
		r->flags = (uint8_t)(UDP_FLAG_ICMP | UDP_FLAG_ICMP6 | (q.icmp_code & 0x3f));
	} else {
		return 0;
	}
	r->ipid = 0;
	r->ttl = v->hop_limit;
	r->window = 0;
	return 1;
}

int probe_udp_init_fixed(struct probe *p, const uint8_t *payload, uint16_t len, char *err,
			 size_t errlen)
{
	(void)err;
	(void)errlen;
	probe_udp_sums(p, csum_add_bytes(0, payload, len));
	return 0;
}
