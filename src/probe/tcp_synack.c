/*
 * tcp_synackscan (ZMap's): a TCP SYN-ACK to each (address, port).  No connection expects
 * it, so a host answers with a RST whether the port is open or closed (RFC 9293 3.5.2: a
 * reset takes its sequence number from the acknowledgement it answers), and a RST counts as a
 * success, as in ZMap: the scan finds the hosts that answer, not open ports.  A SYN-ACK in reply
 * counts too (ZMap's "synack"); an ICMP error quoting the probe is "icmp", not a success.
 *
 * The segment is tcp_synscan's default one (MSS 1460, window 65535, as ZMap's) with both
 * flags, built by tcp_syn.c's shared code.  Its acknowledgement number is the low 32 bits of
 * the probe hash, the bits the source port does not come from: a RST carries it back as its
 * sequence number.  The sequence number is the high 32 bits.  As ZMap, a RST validates when
 * its sequence number is our acknowledgement number or one past it, or when it acknowledges
 * our sequence number + 1; a SYN-ACK when it acknowledges our sequence number + 1.
 *
 * Over IPv6 the segment is the same behind an IPv6 header, hashed over the IPv6 tuple, and an
 * ICMPv6 error quoting the probe is matched as an ICMP one is.
 */
#include "probe/field.h"
#include "probe/tcp_syn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SYNACK_FLAGS (TCP_FLAG_SYN | TCP_FLAG_ACK)

/*
 * What a result keeps in r->data for the module's fields: the reply's sequence and
 * acknowledgement numbers, or for an ICMP error (r->flags 0: a TCP reply always has RST or
 * SYN) the error's sender (4 bytes, or 16 in an IPv6 result), type and code.  Network order.
 */
#define SYNACK_DATA_SEQ	      0 /* as probe_tcp_result keeps them: its field formatters read them */
#define SYNACK_DATA_ACK	      4
#define SYNACK_DATA_RESPONDER 8
#define SYNACK_DATA_TYPE      24
#define SYNACK_DATA_CODE      25
#define SYNACK_DATA_LEN	      26

/* Our sequence and acknowledgement numbers to the target whose probe hash is h. */
static inline void synack_numbers(uint64_t h, uint32_t *seq, uint32_t *ack)
{
	*ack = (uint32_t)h;
	*seq = (uint32_t)(h >> 32);
}

static int synack_template(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_tcp_template(p, SYNACK_FLAGS, buf, cap);
}

static int synack_template6(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_tcp_template6(p, SYNACK_FLAGS, buf, cap);
}

static int synack_init(struct probe *p, char *err, size_t errlen)
{
	p->variant = PROBE_TCP_PRESET_DEFAULT;
	return probe_tcp_sum_template(p, SYNACK_FLAGS, err, errlen);
}

static uint32_t synack_patch(const struct probe *p, uint8_t *frame, uint32_t daddr, uint16_t dport,
			     uint32_t probe_num)
{
	const struct probe_params *pp = &p->params;
	uint32_t saddr = probe_source(pp, daddr);
	uint64_t h = probe_hash(pp, saddr, daddr, dport);
	uint32_t seq, ack;

	synack_numbers(h, &seq, &ack);
	return probe_tcp_patch(p, frame, saddr, daddr, dport, probe_sport(pp, h, probe_num), seq,
			       ack, (uint16_t)(h >> 16));
}

static uint32_t synack_patch6(const struct probe *p, uint8_t *frame, const uint8_t daddr[16],
			      uint16_t dport, uint32_t probe_num)
{
	const struct probe_params *pp = &p->params;
	uint64_t h = probe_hash6(pp, pp->saddr6, daddr, dport);
	uint32_t seq, ack;

	synack_numbers(h, &seq, &ack);
	return probe_tcp_patch6(p, frame, daddr, dport, probe_sport(pp, h, probe_num), seq, ack);
}

/* A TCP reply (tcp) from a target whose probes hash to h: a RST or SYN-ACK answering ours. */
static int synack_answers(const uint8_t *tcp, uint64_t h)
{
	uint32_t seq, ack, their_seq, their_ack;

	synack_numbers(h, &seq, &ack);
	their_seq = packet_get32(tcp + 4);
	their_ack = packet_get32(tcp + 8);
	if (tcp[13] & TCP_FLAG_RST)
		return their_seq == ack || their_seq == ack + 1 || their_ack == seq + 1;
	return (tcp[13] & SYNACK_FLAGS) == SYNACK_FLAGS && their_ack == seq + 1;
}

/* Keep a TCP reply's numbers in the result's record (the rest of it zero). */
static void synack_keep_numbers(const uint8_t *tcp, struct probe_result *r)
{
	uint8_t rec[SYNACK_DATA_LEN] = { 0 };

	memcpy(rec + SYNACK_DATA_SEQ, tcp + 4, 8); /* sequence and acknowledgement numbers */
	probe_result_keep_data(r, rec, sizeof(rec));
}

static int synack_validate_tcp(const struct probe *p, const struct packet_view *v,
			       struct probe_result *r)
{
	uint64_t h;

	if (!probe_tcp_reply_hash(p, v, &h) || !synack_answers(v->l4, h))
		return 0;
	probe_tcp_result(v, r);
	synack_keep_numbers(v->l4, r);
	return 1;
}

/* The quote of one of our probes (ports and sequence number) to a target hashing to h. */
static int synack_quotes_ours(const struct probe_params *pp, const uint8_t *l4, uint64_t h)
{
	uint32_t seq, ack;

	synack_numbers(h, &seq, &ack);
	return probe_sport_valid(pp, h, packet_get16(l4)) && packet_get32(l4 + 4) == seq;
}

/* The record of an ICMP error from responder (alen bytes), with its type and code. */
static void synack_keep_error(struct probe_result *r, const uint8_t *responder, size_t alen,
			      uint8_t type, uint8_t code)
{
	uint8_t rec[SYNACK_DATA_LEN] = { 0 };

	memcpy(rec + SYNACK_DATA_RESPONDER, responder, alen);
	rec[SYNACK_DATA_TYPE] = type;
	rec[SYNACK_DATA_CODE] = code;
	probe_result_keep_data(r, rec, sizeof(rec));
}

/* An ICMP error quoting one of our probes: its ports and its sequence number must be ours. */
static int synack_validate_icmp(const struct probe *p, const struct packet_view *v,
				struct probe_result *r)
{
	const struct probe_params *pp = &p->params;
	uint8_t responder[4];
	struct packet_quote q;
	uint16_t theirs;

	if (packet_parse_icmp_quote(v, &q) || q.proto != IPPROTO_TCP_ || v->daddr != q.saddr ||
	    q.saddr != probe_source(pp, q.daddr))
		return 0;
	theirs = packet_get16(q.l4 + 2);
	if (!synack_quotes_ours(pp, q.l4, probe_hash(pp, q.saddr, q.daddr, theirs)))
		return 0;
	r->saddr = q.daddr;
	r->daddr = v->daddr;
	r->sport = theirs;
	r->dport = packet_get16(q.l4);
	r->ipid = v->ipid;
	r->ttl = v->ttl;
	r->window = 0;
	r->flags = 0;
	packet_put32(responder, v->saddr);
	synack_keep_error(r, responder, sizeof(responder), q.icmp_type, q.icmp_code);
	return 1;
}

static int synack_validate(const struct probe *p, const struct packet_view *v,
			   struct probe_result *r)
{
	if (v->proto == IPPROTO_TCP_)
		return synack_validate_tcp(p, v, r);
	return synack_validate_icmp(p, v, r);
}

static int synack_validate6(const struct probe *p, const struct packet_view6 *v,
			    struct probe_result *r)
{
	const struct probe_params *pp = &p->params;
	struct packet_quote6 q;
	uint16_t theirs;
	uint64_t h;

	if (v->proto == IPPROTO_TCP_) {
		if (!probe_tcp_reply_hash6(p, v, &h) || !synack_answers(v->l4, h))
			return 0;
		probe_tcp_result6(v, r);
		synack_keep_numbers(v->l4, r);
		return 1;
	}
	if (memcmp(v->daddr, pp->saddr6, 16) || packet_parse_icmp6_quote(v, &q) ||
	    q.proto != IPPROTO_TCP_ || memcmp(q.saddr, pp->saddr6, 16))
		return 0;
	theirs = packet_get16(q.l4 + 2);
	if (!synack_quotes_ours(pp, q.l4, probe_hash6(pp, pp->saddr6, q.daddr, theirs)))
		return 0;
	r->family = 6;
	memcpy(r->saddr6, q.daddr, 16);
	memcpy(r->daddr6, v->daddr, 16);
	r->sport = theirs;
	r->dport = packet_get16(q.l4);
	r->ipid = 0;
	r->ttl = v->hop_limit;
	r->window = 0;
	r->flags = 0;
	synack_keep_error(r, v->saddr, 16, q.icmp_type, q.icmp_code);
	return 1;
}

static void synack_classify(const struct probe *p, struct probe_result *r)
{
	(void)p;
	if (!r->flags) {
		r->classification = "icmp";
		r->success = 0;
	} else {
		/* ZMap counts both answers as a success: either says the host is there. */
		r->classification = (r->flags & TCP_FLAG_RST) ? "rst" : "synack";
		r->success = 1;
	}
}

/* Who sent the ICMP error, in text: empty for a TCP reply (no error, no sender). */
static size_t synack_field_responder(const struct probe_result *r, char *buf, size_t cap)
{
	static const uint8_t none[16];
	char text[INET6_ADDRSTRLEN];
	size_t alen = r->family == 6 ? 16 : 4, n;

	if (cap)
		buf[0] = '\0';
	if (r->data_len < SYNACK_DATA_LEN || !memcmp(r->data + SYNACK_DATA_RESPONDER, none, alen) ||
	    !inet_ntop(r->family == 6 ? AF_INET6 : AF_INET, r->data + SYNACK_DATA_RESPONDER, text,
		       sizeof(text)))
		return 0;
	n = strlen(text);
	if (!cap)
		return 0;
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, text, n);
	buf[n] = '\0';
	return n;
}

static size_t synack_field_icmp_type(const struct probe_result *r, char *buf, size_t cap)
{
	return probe_field_uint(r->data_len >= SYNACK_DATA_LEN ? r->data[SYNACK_DATA_TYPE] : 0, buf,
				cap);
}

static size_t synack_field_icmp_code(const struct probe_result *r, char *buf, size_t cap)
{
	return probe_field_uint(r->data_len >= SYNACK_DATA_LEN ? r->data[SYNACK_DATA_CODE] : 0, buf,
				cap);
}

static const struct probe_field synack_fields[] = {
	{ "seqnum", 1, "the reply's TCP sequence number (a RST's is our acknowledgement number)",
	  probe_tcp_field_seqnum },
	{ "acknum", 1, "the reply's TCP acknowledgement number", probe_tcp_field_acknum },
	{ "icmp_responder", 0, "who sent the ICMP error (empty for a TCP reply)",
	  synack_field_responder },
	{ "icmp_type", 1, "the ICMP error's type (0 for a TCP reply)", synack_field_icmp_type },
	{ "icmp_code", 1, "the ICMP error's code (0 for a TCP reply)", synack_field_icmp_code },
};

const struct probe_ops probe_tcp_synackscan_ops = {
	.name = "tcp_synackscan",
	.help = "TCP SYN-ACK to each port; a host answers RST, open port or not: "
		"success = rst (or synack)",
	.replies = PROBE_REPLY_TCP | PROBE_REPLY_ICMP_ERROR,
	.fields = synack_fields,
	.field_count = sizeof(synack_fields) / sizeof(synack_fields[0]),
	.init = synack_init,
	.template = synack_template,
	.patch = synack_patch,
	.validate = synack_validate,
	.template6 = synack_template6,
	.patch6 = synack_patch6,
	.validate6 = synack_validate6,
	.classify = synack_classify,
};
