/*
 * tcp_synscan: a TCP SYN to each (address, port).  A SYN-ACK means the port
 * is open; a RST means it is closed.
 *
 * The SYN carries TCP options like a real stack's, chosen with
 * --probe-args (presets written from RFC 6691 MSS, RFC 2018 SACK-permitted
 * and RFC 7323 timestamps and window scale, in the order each family of
 * systems sends them): mss (the default), none, linux, windows, bsd.
 *
 * The sequence number is the low 32 bits of the probe hash and the source
 * port comes from its high bits, so a reply validates when its ports match
 * and it acknowledges seq + 1.
 *
 * The segment, its patch and the first checks of a reply serve tcp_synackscan
 * too (tcp_syn.h).
 */
#include "probe/tcp_syn.h"
#include "probe/field.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SYNSCAN_OPT_MAX	       40
#define SYNSCAN_TS_OFFSET_NONE 0xff

struct synscan_preset {
	const char *name;
	uint16_t window;
	uint8_t len;	   /* bytes of options, a multiple of 4 */
	uint8_t ts_offset; /* where the timestamp value goes, or SYNSCAN_TS_OFFSET_NONE */
	uint8_t options[SYNSCAN_OPT_MAX];
};

/* MSS 1460 = 02 04 05 b4; SACK-permitted = 04 02; NOP = 01; window scale n = 03 03 n;
 * timestamps = 08 0a TSval(4) TSecr(4); end of list = 00. */
static const struct synscan_preset synscan_presets[] = {
	{ "mss", 65535, 4, SYNSCAN_TS_OFFSET_NONE, { 0x02, 0x04, 0x05, 0xb4 } },
	{ "none", 65535, 0, SYNSCAN_TS_OFFSET_NONE, { 0 } },
	{ "linux", 64240, 20, 8, { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0,	 0,
				   0,	 0,    0,    0,	   0,	 0,    0x01, 0x03, 0x03, 0x07 } },
	{ "windows",
	  64240,
	  12,
	  SYNSCAN_TS_OFFSET_NONE,
	  { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x08, 0x01, 0x01, 0x04, 0x02 } },
	{ "bsd", 65535, 24, 12, { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x06,
				  0x01, 0x01, 0x08, 0x0a, 0,	0,    0,    0,
				  0,	0,    0,    0,	  0x04, 0x02, 0x00, 0x00 } },
};

#define SYNSCAN_PRESETS (sizeof(synscan_presets) / sizeof(synscan_presets[0]))

static const struct synscan_preset *synscan_preset(const struct probe *p)
{
	return &synscan_presets[p->variant];
}

uint32_t probe_tcp_len(const struct probe *p)
{
	return TCP_HLEN + synscan_preset(p)->len;
}

/* The segment's constant bytes, the same in both families: header, flags, window, options. */
static void probe_tcp_segment(const struct probe *p, uint8_t flags, uint8_t *tcp)
{
	const struct probe_params *pp = &p->params;
	const struct synscan_preset *preset = synscan_preset(p);
	uint32_t tcp_len = probe_tcp_len(p);

	memset(tcp, 0, TCP_HLEN);
	tcp[12] = (uint8_t)((tcp_len / 4) << 4);
	tcp[13] = flags;
	packet_put16(tcp + 14, preset->window);
	memcpy(tcp + TCP_HLEN, preset->options, preset->len);
	/* One timestamp value per scan, from the key: a fixed one would mark our probes. */
	if (preset->ts_offset != SYNSCAN_TS_OFFSET_NONE)
		memcpy(tcp + TCP_HLEN + preset->ts_offset, pp->key + 4, 4);
}

int probe_tcp_template(const struct probe *p, uint8_t flags, uint8_t *buf, size_t cap)
{
	const struct probe_params *pp = &p->params;
	uint8_t *ip = buf + ETH_HLEN_;
	uint32_t tcp_len = probe_tcp_len(p);

	if (cap < ETH_HLEN_ + IPV4_HLEN + tcp_len)
		return -ENOSPC;
	packet_build_eth(buf, pp->gwmac, pp->smac);
	packet_build_ipv4(ip, pp->saddr, IPPROTO_TCP_, (uint16_t)(IPV4_HLEN + tcp_len), pp->ttl);
	probe_tcp_segment(p, flags, ip + IPV4_HLEN);
	return (int)(ETH_HLEN_ + IPV4_HLEN + tcp_len);
}

int probe_tcp_template6(const struct probe *p, uint8_t flags, uint8_t *buf, size_t cap)
{
	const struct probe_params *pp = &p->params;
	uint8_t *ip = buf + ETH_HLEN_;
	uint32_t tcp_len = probe_tcp_len(p);

	if (cap < ETH_HLEN_ + IPV6_HLEN + tcp_len)
		return -ENOSPC;
	packet_build_eth6(buf, pp->gwmac6, pp->smac);
	packet_build_ipv6(ip, pp->saddr6, IPPROTO_TCP_, (uint16_t)tcp_len, pp->ttl);
	probe_tcp_segment(p, flags, ip + IPV6_HLEN);
	return (int)(ETH_HLEN_ + IPV6_HLEN + tcp_len);
}

static int synscan_template(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_tcp_template(p, TCP_FLAG_SYN, buf, cap);
}

int probe_tcp_sum_template(struct probe *p, uint8_t flags, char *err, size_t errlen)
{
	uint8_t frame[ETH_HLEN_ + IPV4_HLEN + TCP_HLEN + SYNSCAN_OPT_MAX];
	const uint8_t *ip = frame + ETH_HLEN_;
	uint32_t tcp_len;

	if (probe_tcp_template(p, flags, frame, sizeof(frame)) < 0) {
		snprintf(err, errlen, "%s: the probe does not fit in a frame", p->ops->name);
		return -ENOSPC;
	}
	tcp_len = probe_tcp_len(p);
	/* The source is each probe's own (probe_source): the patch adds it. */
	memset(frame + ETH_HLEN_ + 12, 0, 4);
	p->sum_l3 = csum_add_bytes(0, ip, IPV4_HLEN);
	/* Pseudo-header (protocol, TCP length; the addresses per probe), then the segment. */
	p->sum_l4 = IPPROTO_TCP_ + tcp_len;
	p->sum_l4 = csum_add_bytes(p->sum_l4, ip + IPV4_HLEN, tcp_len);
	/* IPv6's pseudo-header: the same segment, our 16-byte address (RFC 8200 8.1). */
	p->sum_l4_6 = csum_add_addr6(0, p->params.saddr6) + IPPROTO_TCP_ + tcp_len;
	p->sum_l4_6 = csum_add_bytes(p->sum_l4_6, ip + IPV4_HLEN, tcp_len);
	return 0;
}

/* Choose the preset, then sum the template's constant fields once. */
static int synscan_init(struct probe *p, char *err, size_t errlen)
{
	p->variant = PROBE_TCP_PRESET_DEFAULT;
	if (p->args) {
		size_t i;

		for (i = 0; i < SYNSCAN_PRESETS; i++)
			if (strcmp(p->args, synscan_presets[i].name) == 0)
				break;
		if (i == SYNSCAN_PRESETS) {
			snprintf(err, errlen,
				 "--probe-args: '%s': tcp_synscan options are mss, none, linux, "
				 "windows "
				 "or bsd",
				 p->args);
			return -EINVAL;
		}
		p->variant = (uint32_t)i;
	}
	return probe_tcp_sum_template(p, TCP_FLAG_SYN, err, errlen);
}

static uint32_t synscan_patch(const struct probe *p, uint8_t *frame, uint32_t daddr, uint16_t dport,
			      uint32_t probe_num)
{
	const struct probe_params *pp = &p->params;
	uint32_t saddr = probe_source(pp, daddr);
	uint64_t h = probe_hash(pp, saddr, daddr, dport);

	/* A SYN acknowledges nothing: its acknowledgement number stays 0. */
	return probe_tcp_patch(p, frame, saddr, daddr, dport, probe_sport(pp, h, probe_num),
			       (uint32_t)h, 0, (uint16_t)(h >> 16));
}

static int synscan_template6(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_tcp_template6(p, TCP_FLAG_SYN, buf, cap);
}

static uint32_t synscan_patch6(const struct probe *p, uint8_t *frame, const uint8_t daddr[16],
			       uint16_t dport, uint32_t probe_num)
{
	const struct probe_params *pp = &p->params;
	uint64_t h = probe_hash6(pp, pp->saddr6, daddr, dport);

	return probe_tcp_patch6(p, frame, daddr, dport, probe_sport(pp, h, probe_num), (uint32_t)h,
				0);
}

int probe_tcp_reply_hash(const struct probe *p, const struct packet_view *v, uint64_t *hash)
{
	const struct probe_params *pp = &p->params;

	if (v->proto != IPPROTO_TCP_ || v->l4_len < TCP_HLEN ||
	    v->daddr != probe_source(pp, v->saddr))
		return 0;
	*hash = probe_hash(pp, v->daddr, v->saddr, packet_get16(v->l4));
	return probe_sport_valid(pp, *hash, packet_get16(v->l4 + 2));
}

int probe_tcp_reply_hash6(const struct probe *p, const struct packet_view6 *v, uint64_t *hash)
{
	const struct probe_params *pp = &p->params;

	if (v->proto != IPPROTO_TCP_ || v->l4_len < TCP_HLEN || memcmp(v->daddr, pp->saddr6, 16))
		return 0;
	*hash = probe_hash6(pp, pp->saddr6, v->saddr, packet_get16(v->l4));
	return probe_sport_valid(pp, *hash, packet_get16(v->l4 + 2));
}

/* What both families keep of a TCP reply: ports, window, flags, the numbers. */
static void probe_tcp_result_segment(const uint8_t *tcp, struct probe_result *r)
{
	r->sport = packet_get16(tcp);
	r->dport = packet_get16(tcp + 2);
	r->window = packet_get16(tcp + 14);
	r->flags = tcp[13];
	probe_result_keep_data(r, tcp + 4, 8);
}

void probe_tcp_result6(const struct packet_view6 *v, struct probe_result *r)
{
	r->family = 6;
	memcpy(r->saddr6, v->saddr, 16);
	memcpy(r->daddr6, v->daddr, 16);
	r->ipid = 0;
	r->ttl = v->hop_limit;
	probe_tcp_result_segment(v->l4, r);
}

void probe_tcp_result(const struct packet_view *v, struct probe_result *r)
{
	r->family = 4;
	r->saddr = v->saddr;
	r->daddr = v->daddr;
	r->ipid = v->ipid;
	r->ttl = v->ttl;
	probe_tcp_result_segment(v->l4, r);
}

size_t probe_tcp_field_seqnum(const struct probe_result *r, char *buf, size_t cap)
{
	return probe_field_uint(r->data_len >= 8 ? packet_get32(r->data) : 0, buf, cap);
}

size_t probe_tcp_field_acknum(const struct probe_result *r, char *buf, size_t cap)
{
	return probe_field_uint(r->data_len >= 8 ? packet_get32(r->data + 4) : 0, buf, cap);
}

static const struct probe_field synscan_fields[] = {
	{ "seqnum", 1, "the reply's TCP sequence number", probe_tcp_field_seqnum },
	{ "acknum", 1, "the reply's TCP acknowledgement number (our sequence number + 1)",
	  probe_tcp_field_acknum },
};

/* Both a SYN-ACK and the RST answering a SYN acknowledge our sequence number + 1. */
static int synscan_answers(const uint8_t *tcp, uint64_t h)
{
	return packet_get32(tcp + 8) == (uint32_t)h + 1 &&
	       (tcp[13] & (TCP_FLAG_RST | TCP_FLAG_SYN));
}

static int synscan_validate(const struct probe *p, const struct packet_view *v,
			    struct probe_result *r)
{
	uint64_t h;

	if (!probe_tcp_reply_hash(p, v, &h) || !synscan_answers(v->l4, h))
		return 0;
	probe_tcp_result(v, r);
	return 1;
}

static int synscan_validate6(const struct probe *p, const struct packet_view6 *v,
			     struct probe_result *r)
{
	uint64_t h;

	if (!probe_tcp_reply_hash6(p, v, &h) || !synscan_answers(v->l4, h))
		return 0;
	probe_tcp_result6(v, r);
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
	.args_help = "mss (default), none, linux, windows or bsd: the TCP options of that "
		     "family of stacks",
	.replies = PROBE_REPLY_TCP,
	.fields = synscan_fields,
	.field_count = sizeof(synscan_fields) / sizeof(synscan_fields[0]),
	.init = synscan_init,
	.template = synscan_template,
	.patch = synscan_patch,
	.validate = synscan_validate,
	.classify = synscan_classify,
	.template6 = synscan_template6,
	.patch6 = synscan_patch6,
	.validate6 = synscan_validate6,
};
