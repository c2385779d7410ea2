/*
 * tcp_synscan: a TCP SYN to each (address, port).  A SYN-ACK means the port
 * is open; a RST means it is closed.  The SYN carries an MSS option as
 * every real stack's does.
 *
 * The sequence number is the low 32 bits of the probe hash and the source
 * port comes from its high bits, so a reply validates when its ports match
 * and it acknowledges seq + 1.
 */
#include "probe/probe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/checksum.h"

#define SYNSCAN_OPT_LEN 4 /* MSS */
#define SYNSCAN_TCP_LEN (TCP_HLEN + SYNSCAN_OPT_LEN)
#define SYNSCAN_FRAME_LEN (ETH_HLEN_ + IPV4_HLEN + SYNSCAN_TCP_LEN)
#define SYNSCAN_MSS 1460
#define SYNSCAN_WINDOW 65535

static int synscan_template(const struct probe *p, uint8_t *buf, size_t cap)
{
	const struct probe_params *pp = &p->params;
	uint8_t *ip = buf + ETH_HLEN_, *tcp = ip + IPV4_HLEN;

	if (cap < SYNSCAN_FRAME_LEN)
		return -ENOSPC;
	packet_build_eth(buf, pp->gwmac, pp->smac);
	packet_build_ipv4(ip, pp->saddr, IPPROTO_TCP_, IPV4_HLEN + SYNSCAN_TCP_LEN, pp->ttl);
	memset(tcp, 0, SYNSCAN_TCP_LEN);
	tcp[12] = (SYNSCAN_TCP_LEN / 4) << 4;
	tcp[13] = TCP_FLAG_SYN;
	packet_put16(tcp + 14, SYNSCAN_WINDOW);
	tcp[20] = 2; /* MSS option: kind 2, length 4 */
	tcp[21] = 4;
	packet_put16(tcp + 22, SYNSCAN_MSS);
	return SYNSCAN_FRAME_LEN;
}

/* Sum the template's constant fields once; the variable ones are zero in it. */
static int synscan_init(struct probe *p, char *err, size_t errlen)
{
	uint8_t frame[SYNSCAN_FRAME_LEN];
	const uint8_t *ip = frame + ETH_HLEN_;

	if (p->args) {
		snprintf(err, errlen, "--probe-args: tcp_synscan takes none (got '%s')", p->args);
		return -EINVAL;
	}
	if (synscan_template(p, frame, sizeof(frame)) < 0) {
		snprintf(err, errlen, "tcp_synscan: the probe does not fit in a frame");
		return -ENOSPC;
	}
	p->sum_l3 = csum_add_bytes(0, ip, IPV4_HLEN);
	/* Pseudo-header (our address, protocol, TCP length), then the segment. */
	p->sum_l4 = csum_add_u32(0, p->params.saddr) + IPPROTO_TCP_ + SYNSCAN_TCP_LEN;
	p->sum_l4 = csum_add_bytes(p->sum_l4, ip + IPV4_HLEN, SYNSCAN_TCP_LEN);
	return 0;
}

static uint32_t synscan_patch(const struct probe *p, uint8_t *frame, uint32_t daddr,
			      uint16_t dport, uint32_t probe_num)
{
	const struct probe_params *pp = &p->params;
	uint8_t *ip = frame + ETH_HLEN_, *tcp = ip + IPV4_HLEN;
	uint64_t h = probe_hash(pp, pp->saddr, daddr, dport);
	uint32_t seq = (uint32_t)h;
	uint16_t sport = probe_sport(pp, h, probe_num);
	uint16_t ipid = (uint16_t)(h >> 16);

	packet_put16(ip + 4, ipid);
	packet_put32(ip + 16, daddr);
	packet_put16(ip + 10, csum_fold(csum_add_u32(p->sum_l3 + ipid, daddr)));

	packet_put16(tcp, sport);
	packet_put16(tcp + 2, dport);
	packet_put32(tcp + 4, seq);
	packet_put16(tcp + 16, csum_fold(csum_add_u32(csum_add_u32(p->sum_l4 + sport + dport, seq),
						      daddr)));
	return SYNSCAN_FRAME_LEN;
}

static int synscan_validate(const struct probe *p, const struct packet_view *v,
			    struct probe_result *r)
{
	const struct probe_params *pp = &p->params;
	const uint8_t *tcp = v->l4;
	uint16_t sport, dport;
	uint32_t ack;
	uint64_t h;

	if (v->proto != IPPROTO_TCP_ || v->l4_len < TCP_HLEN || v->daddr != pp->saddr)
		return 0;
	sport = packet_get16(tcp);
	dport = packet_get16(tcp + 2);
	ack = packet_get32(tcp + 8);
	h = probe_hash(pp, pp->saddr, v->saddr, sport);
	if (!probe_sport_valid(pp, h, dport))
		return 0;
	/* Both a SYN-ACK and the RST answering a SYN acknowledge our sequence number + 1. */
	if (ack != (uint32_t)h + 1)
		return 0;
	if (!(tcp[13] & (TCP_FLAG_RST | TCP_FLAG_SYN)))
		return 0;
	r->saddr = v->saddr;
	r->daddr = v->daddr;
	r->sport = sport;
	r->dport = dport;
	r->ipid = v->ipid;
	r->ttl = v->ttl;
	r->window = packet_get16(tcp + 14);
	r->flags = tcp[13];
	return 1;
}

static void synscan_classify(const struct probe *p, struct probe_result *r)
{
	(void)p;
	if (r->flags & TCP_FLAG_RST) {
		r->classification = "rst";
		r->success = 0;
	} else if ((r->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == (TCP_FLAG_SYN | TCP_FLAG_ACK)) {
		r->classification = "synack";
		r->success = 1;
	} else {
		r->classification = "other";
		r->success = 0;
	}
}

const struct probe_ops probe_tcp_synscan_ops = {
	.name = "tcp_synscan",
	.help = "TCP SYN to each port; open = SYN-ACK, closed = RST",
	.replies = PROBE_REPLY_TCP,
	.init = synscan_init,
	.template = synscan_template,
	.patch = synscan_patch,
	.validate = synscan_validate,
	.classify = synscan_classify,
};
