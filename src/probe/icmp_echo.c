/*
 * icmp_echoscan: an ICMP echo request to each address (no ports).  The
 * identifier and sequence number come from the probe hash, so an echo
 * reply validates when it echoes both back from the address probed.  An
 * ICMP error quoting one of our requests is matched through the quote and
 * reported as "unreachable" (not alive).
 *
 * The request, its patch and the matching of replies serve icmp_echo_time too
 * (icmp_echo.h).
 */
#include "probe/icmp_echo.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/checksum.h"

#define ECHO_FLAG_ERROR	 0x80 /* in probe_result.flags: an ICMP error quoting our request */
#define ECHO_FLAG_ERROR6 0x40 /* with ECHO_FLAG_ERROR: an ICMPv6 one (type in the low 6 bits) */

int probe_echo_template(const struct probe *p, uint16_t payload_len, uint8_t *buf, size_t cap)
{
	const struct probe_params *pp = &p->params;
	uint8_t *ip = buf + ETH_HLEN_;

	if (cap < PROBE_ECHO_FRAME_LEN + (size_t)payload_len)
		return -ENOSPC;
	packet_build_eth(buf, pp->gwmac, pp->smac);
	packet_build_ipv4(ip, pp->saddr, IPPROTO_ICMP_,
			  (uint16_t)(IPV4_HLEN + ICMP_HLEN + payload_len), pp->ttl);
	memset(ip + IPV4_HLEN, 0, ICMP_HLEN + (size_t)payload_len);
	ip[IPV4_HLEN] = ICMP_ECHO_REQUEST;
	return PROBE_ECHO_FRAME_LEN + payload_len;
}

void probe_echo_sum_template(struct probe *p, uint16_t payload_len, uint16_t payload6_len)
{
	uint8_t frame[PROBE_FRAME_MAX];

	probe_echo_template(p, payload_len, frame, sizeof(frame));
	/* The source is each probe's own (probe_source): the patch adds it. */
	memset(frame + ETH_HLEN_ + 12, 0, 4);
	p->sum_l3 = csum_add_bytes(0, frame + ETH_HLEN_, IPV4_HLEN);
	p->sum_l4 = csum_add_bytes(0, frame + ETH_HLEN_ + IPV4_HLEN, ICMP_HLEN);
	/* ICMPv6's checksum covers a pseudo-header (RFC 4443 2.3): our address, length, 58; and
	 * its request type is 128, not 8. */
	p->sum_l4_6 = csum_add_addr6(0, p->params.saddr6) + ICMP_HLEN + payload6_len +
		      IPPROTO_ICMPV6_ + (ICMP6_ECHO_REQUEST << 8);
}

int probe_echo_template6(const struct probe *p, uint16_t payload_len, uint8_t *buf, size_t cap)
{
	const struct probe_params *pp = &p->params;
	uint8_t *ip = buf + ETH_HLEN_;

	if (cap < PROBE_ECHO6_FRAME_LEN + (size_t)payload_len)
		return -ENOSPC;
	packet_build_eth6(buf, pp->gwmac6, pp->smac);
	packet_build_ipv6(ip, pp->saddr6, IPPROTO_ICMPV6_, (uint16_t)(ICMP_HLEN + payload_len),
			  pp->ttl);
	memset(ip + IPV6_HLEN, 0, ICMP_HLEN + (size_t)payload_len);
	ip[IPV6_HLEN] = ICMP6_ECHO_REQUEST;
	return PROBE_ECHO6_FRAME_LEN + payload_len;
}

static int echo_template6(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_echo_template6(p, 0, buf, cap);
}

static int echo_template(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_echo_template(p, 0, buf, cap);
}

static int echo_init(struct probe *p, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	probe_echo_sum_template(p, 0, 0);
	return 0;
}

/* The identifier and first sequence number of our requests from saddr to daddr. */
static inline void echo_ids(const struct probe_params *pp, uint32_t saddr, uint32_t daddr,
			    uint16_t *id, uint16_t *seq)
{
	uint64_t h = probe_hash(pp, saddr, daddr, 0);

	*id = (uint16_t)(h >> 32);
	*seq = (uint16_t)h;
}

void probe_echo_patch(const struct probe *p, uint8_t *frame, uint32_t daddr, uint32_t probe_num,
		      uint32_t payload_sum)
{
	uint8_t *ip = frame + ETH_HLEN_, *icmp = ip + IPV4_HLEN;
	uint32_t saddr = probe_source(&p->params, daddr);
	uint16_t id, seq, ipid;

	echo_ids(&p->params, saddr, daddr, &id, &seq);
	seq = (uint16_t)(seq + probe_num);
	ipid = (uint16_t)(id ^ seq);
	packet_put16(ip + 4, ipid);
	packet_put32(ip + 12, saddr);
	packet_put32(ip + 16, daddr);
	packet_put16(ip + 10,
		     csum_fold(csum_add_u32(csum_add_u32(p->sum_l3 + ipid, daddr), saddr)));
	packet_put16(icmp + 4, id);
	packet_put16(icmp + 6, seq);
	packet_put16(icmp + 2, csum_fold(p->sum_l4 + id + seq + payload_sum));
}

static uint32_t echo_patch(const struct probe *p, uint8_t *frame, uint32_t daddr, uint16_t dport,
			   uint32_t probe_num)
{
	(void)dport;
	probe_echo_patch(p, frame, daddr, probe_num, 0);
	return PROBE_ECHO_FRAME_LEN;
}

/* The identifier and first sequence number of our requests to an IPv6 daddr. */
static inline void echo_ids6(const struct probe_params *pp, const uint8_t daddr[16], uint16_t *id,
			     uint16_t *seq)
{
	uint64_t h = probe_hash6(pp, pp->saddr6, daddr, 0);

	*id = (uint16_t)(h >> 32);
	*seq = (uint16_t)h;
}

void probe_echo_patch6(const struct probe *p, uint8_t *frame, const uint8_t daddr[16],
		       uint32_t probe_num, uint32_t payload_sum)
{
	uint8_t *icmp = frame + ETH_HLEN_ + IPV6_HLEN;
	uint16_t id, seq;

	echo_ids6(&p->params, daddr, &id, &seq);
	seq = (uint16_t)(seq + probe_num);
	memcpy(frame + ETH_HLEN_ + 24, daddr, 16);
	packet_put16(icmp + 4, id);
	packet_put16(icmp + 6, seq);
	packet_put16(icmp + 2,
		     csum_fold(csum_add_addr6(p->sum_l4_6 + id + seq + payload_sum, daddr)));
}

static uint32_t echo_patch6(const struct probe *p, uint8_t *frame, const uint8_t daddr[16],
			    uint16_t dport, uint32_t probe_num)
{
	(void)dport;
	probe_echo_patch6(p, frame, daddr, probe_num, 0);
	return PROBE_ECHO6_FRAME_LEN;
}

/* Do id and seq belong to one of our requests from us to target? */
static int echo_match(const struct probe *p, uint32_t us, uint32_t target, uint16_t id,
		      uint16_t seq)
{
	uint16_t want_id, first;

	if (us != probe_source(&p->params, target))
		return 0;
	echo_ids(&p->params, us, target, &want_id, &first);
	return id == want_id && (uint16_t)(seq - first) < p->params.probes;
}

int probe_echo_check(const struct probe *p, const struct packet_view *v, struct probe_result *r,
		     struct packet_quote *q)
{
	const uint8_t *icmp = v->l4;
	int kind;

	if (v->proto != IPPROTO_ICMP_ || v->l4_len < ICMP_HLEN)
		return 0;
	if (icmp[0] == ICMP_ECHO_REPLY) {
		if (!echo_match(p, v->daddr, v->saddr, packet_get16(icmp + 4),
				packet_get16(icmp + 6)))
			return 0;
		r->saddr = v->saddr;
		kind = PROBE_ECHO_REPLY;
	} else if (packet_parse_icmp_quote(v, q) == 0) {
		/* An error quoting one of our requests (8 bytes: the whole echo header). */
		if (q->proto != IPPROTO_ICMP_ || v->daddr != q->saddr ||
		    q->l4[0] != ICMP_ECHO_REQUEST ||
		    !echo_match(p, q->saddr, q->daddr, packet_get16(q->l4 + 4),
				packet_get16(q->l4 + 6)))
			return 0;
		r->saddr = q->daddr;
		kind = PROBE_ECHO_ERROR;
	} else {
		return 0;
	}
	r->daddr = v->daddr;
	r->sport = 0;
	r->dport = 0;
	r->ipid = v->ipid;
	r->ttl = v->ttl;
	r->window = 0;
	return kind;
}

static int echo_match6(const struct probe *p, const uint8_t target[16], uint16_t id, uint16_t seq)
{
	uint16_t want_id, first;

	echo_ids6(&p->params, target, &want_id, &first);
	return id == want_id && (uint16_t)(seq - first) < p->params.probes;
}

int probe_echo_check6(const struct probe *p, const struct packet_view6 *v, struct probe_result *r,
		      struct packet_quote6 *q)
{
	const uint8_t *icmp = v->l4;
	int kind;

	if (v->proto != IPPROTO_ICMPV6_ || memcmp(v->daddr, p->params.saddr6, 16) ||
	    v->l4_len < ICMP_HLEN)
		return 0;
	if (icmp[0] == ICMP6_ECHO_REPLY) {
		if (!echo_match6(p, v->saddr, packet_get16(icmp + 4), packet_get16(icmp + 6)))
			return 0;
		memcpy(r->saddr6, v->saddr, 16);
		kind = PROBE_ECHO_REPLY;
	} else if (packet_parse_icmp6_quote(v, q) == 0) {
		if (q->proto != IPPROTO_ICMPV6_ || memcmp(q->saddr, p->params.saddr6, 16) ||
		    q->l4[0] != ICMP6_ECHO_REQUEST ||
		    !echo_match6(p, q->daddr, packet_get16(q->l4 + 4), packet_get16(q->l4 + 6)))
			return 0;
		memcpy(r->saddr6, q->daddr, 16);
		kind = PROBE_ECHO_ERROR;
	} else {
		return 0;
	}
	r->family = 6;
	memcpy(r->daddr6, v->daddr, 16);
	r->sport = 0;
	r->dport = 0;
	r->ipid = 0;
	r->ttl = v->hop_limit;
	r->window = 0;
	return kind;
}

static int echo_validate6(const struct probe *p, const struct packet_view6 *v,
			  struct probe_result *r)
{
	struct packet_quote6 q;
	int kind = probe_echo_check6(p, v, r, &q);

	if (kind == PROBE_ECHO_ERROR)
		r->flags = (uint8_t)(ECHO_FLAG_ERROR | ECHO_FLAG_ERROR6 | (q.icmp_type & 0x3f));
	else if (kind == PROBE_ECHO_REPLY)
		r->flags = 0;
	return kind != 0;
}

static int echo_validate(const struct probe *p, const struct packet_view *v, struct probe_result *r)
{
	struct packet_quote q;
	int kind = probe_echo_check(p, v, r, &q);

	if (kind == PROBE_ECHO_ERROR)
		r->flags = (uint8_t)(ECHO_FLAG_ERROR | (q.icmp_type & 0x7f));
	else if (kind == PROBE_ECHO_REPLY)
		r->flags = 0;
	return kind != 0;
}

static void echo_classify(const struct probe *p, struct probe_result *r)
{
	(void)p;
	if (r->flags & ECHO_FLAG_ERROR) {
		int unreach = r->flags & ECHO_FLAG_ERROR6 ? (r->flags & 0x3f) == ICMP6_DST_UNREACH
							  : (r->flags & 0x7f) == ICMP_UNREACH;

		r->classification = unreach ? "unreachable" : "timxceed";
		r->success = 0;
	} else {
		r->classification = "echoreply";
		r->success = 1;
	}
}

const struct probe_ops probe_icmp_echoscan_ops = {
	.name = "icmp_echoscan",
	.help = "ICMP echo request to each address (no ports); alive = echo reply",
	.replies = PROBE_REPLY_ICMP_ECHO | PROBE_REPLY_ICMP_ERROR,
	.portless = 1,
	.init = echo_init,
	.template = echo_template,
	.patch = echo_patch,
	.validate = echo_validate,
	.classify = echo_classify,
	.template6 = echo_template6,
	.patch6 = echo_patch6,
	.validate6 = echo_validate6,
};
