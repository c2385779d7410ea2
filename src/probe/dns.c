/*
 * dns: a DNS query (RFC 1035) in a UDP datagram to each (address, port), as ZMap's dns
 * module sends it.  --probe-args=TYPE,NAME asks one question; several are separated by
 * ';' ("A,example.com;AAAA,example.com"); a type may carry ":rn" to clear the
 * recursion-desired bit ("A:rn,example.com").  Without arguments: A,www.google.com.
 *
 * With n questions, probe k (of -P) to a target asks question (k + s) mod n, where s
 * comes from the target's hash: -P n, or a multiple of n, asks every target every
 * question (ZMap's rule; ZMap asks them in order from 0), and -P 1 spreads the questions
 * over the targets.
 *
 * The transaction id and the source port come from the probe hash, so a reply validates
 * statelessly: from the probed port to one of our ports, with our id, QR set and, when it
 * repeats a question, the very question that port asked.  A reply is "dns", a success when
 * it repeats our question (ZMap's rule; a reply without one is reported, not a success).
 * The reply's DNS message (its first PROBE_DATA_MAX bytes) is kept, and the output fields
 * decode it there, in the output thread, trusting no count, length or compression pointer
 * in it.  An ICMP unreachable quoting one of our queries is matched as udp matches it and
 * reported as "port-unreachable" or "unreachable": never a success.
 *
 * Over IPv6 the query is the same, in the same UDP frame behind an IPv6 header; the hash is
 * over the IPv6 tuple, and an ICMPv6 destination unreachable quoting a query is matched as
 * the IPv4 one is (port unreachable is its code 4).
 */
#include "probe/probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe/field.h"
#include "probe/udp_common.h"
#include "util/checksum.h"

#define DNS_HLEN	 12
#define DNS_LABEL_MAX	 63
#define DNS_NAME_MAX	 255 /* a name in wire form, the root label included */
#define DNS_QUERY_MAX	 (DNS_HLEN + DNS_NAME_MAX + 4)
#define DNS_QUERIES_MAX	 64
#define DNS_ARG_MAX	 512 /* one TYPE,NAME as typed */
#define DNS_CLASS_IN	 1
#define DNS_DEFAULT_ARGS "A,www.google.com"

/* probe_result.flags: an ICMP error (UDP_FLAG_ICMP, as udp's), or what validate saw of a reply. */
#define DNS_FLAG_QUESTION 0x01 /* the reply repeats the question we asked */
#define DNS_FLAG_CUT	  0x02 /* longer than PROBE_DATA_MAX: only its start is kept */

/* Where decoding a kept message stopped. */
#define DNS_OK	  0
#define DNS_BAD	  (-1) /* malformed */
#define DNS_SHORT (-2) /* ran past the bytes kept: malformed, or cut at PROBE_DATA_MAX */

struct dns_type {
	const char *name;
	uint16_t code;
	uint8_t query; /* may be asked with --probe-args */
};

/* The types a query may ask (ZMap's, SRV and a few more) and answers are named by; 255 is
 * ANY, which ZMap calls ALL. */
static const struct dns_type dns_types[] = {
	{ "A", 1, 1 },	   { "NS", 2, 1 },	{ "CNAME", 5, 1 }, { "SOA", 6, 1 },
	{ "PTR", 12, 1 },  { "MX", 15, 1 },	{ "TXT", 16, 1 },  { "AAAA", 28, 1 },
	{ "SRV", 33, 1 },  { "OPT", 41, 0 },	{ "DS", 43, 1 },   { "RRSIG", 46, 1 },
	{ "NSEC", 47, 1 }, { "DNSKEY", 48, 1 }, { "SVCB", 64, 1 }, { "HTTPS", 65, 1 },
	{ "ANY", 255, 1 }, { "ALL", 255, 1 },	{ "CAA", 257, 1 },
};

#define DNS_TYPES (sizeof(dns_types) / sizeof(dns_types[0]))

enum dns_type_code {
	DNS_A = 1,
	DNS_NS = 2,
	DNS_CNAME = 5,
	DNS_SOA = 6,
	DNS_PTR = 12,
	DNS_MX = 15,
	DNS_TXT = 16,
	DNS_AAAA = 28
};

/* One query as sent, its transaction id left 0 for patch to write. */
struct dns_query {
	uint8_t msg[DNS_QUERY_MAX];
	uint16_t len;
	uint32_t sum; /* one's-complement sum of msg */
};

struct dns_state {
	struct dns_query q[DNS_QUERIES_MAX];
	unsigned count;
};

static const struct dns_type *dns_type_by_name(const char *name)
{
	for (size_t i = 0; i < DNS_TYPES; i++)
		if (dns_types[i].query && strcasecmp(dns_types[i].name, name) == 0)
			return &dns_types[i];
	return NULL;
}

/*
 * NAME (len bytes, as typed) in wire form into out: labels of 1 to 63 printable bytes, 255
 * bytes in all; "." is the root.  Returns the wire length, or 0 with the reason in why.
 */
static size_t dns_encode_name(uint8_t out[DNS_NAME_MAX], const char *name, size_t len, char *why,
			      size_t whylen)
{
	size_t n = 0, start = 0;

	if (len == 1 && name[0] == '.') {
		out[0] = 0;
		return 1;
	}
	if (len && name[len - 1] == '.')
		len--; /* one trailing dot: the root, written anyway */
	for (size_t i = 0; i <= len; i++) {
		size_t label = i - start;

		if (i < len && name[i] != '.') {
			unsigned char c = (unsigned char)name[i];

			if (c <= 0x20 || c >= 0x7f || c == ',' || c == '"' || c == '\\') {
				snprintf(why, whylen,
					 "byte 0x%02x in the name (printable ASCII only, no space)",
					 c);
				return 0;
			}
			continue;
		}
		if (label == 0) {
			snprintf(why, whylen, "an empty label in the name");
			return 0;
		}
		if (label > DNS_LABEL_MAX) {
			snprintf(why, whylen, "label '%.*s' is longer than 63 bytes", (int)label,
				 name + start);
			return 0;
		}
		if (n + 1 + label + 1 > DNS_NAME_MAX) {
			snprintf(why, whylen, "the name is longer than 255 bytes in DNS form");
			return 0;
		}
		out[n++] = (uint8_t)label;
		memcpy(out + n, name + start, label);
		n += label;
		start = i + 1;
	}
	out[n++] = 0;
	return n;
}

/* One TYPE[:rn],NAME (len bytes of the arguments) into q; 0 or -EINVAL with a line in err. */
static int dns_parse_query(struct dns_query *q, const char *s, size_t len, char *err, size_t errlen)
{
	char one[DNS_ARG_MAX], entry[64], why[128];
	const struct dns_type *type;
	char *comma, *colon;
	uint8_t *m = q->msg;
	size_t name_len;
	int rd = 1;

	if (len >= sizeof(one)) {
		snprintf(err, errlen, "--probe-args: '%.40s...': longer than %d bytes", s,
			 DNS_ARG_MAX - 1);
		return -EINVAL;
	}
	memcpy(one, s, len);
	one[len] = '\0';
	/* The question as the errors show it: a long one cut, so the reason still fits. */
	snprintf(entry, sizeof(entry), "%.*s%s", len > 60 ? 57 : (int)len, one,
		 len > 60 ? "..." : "");
	comma = strchr(one, ',');
	if (!comma || comma == one || !comma[1]) {
		snprintf(err, errlen,
			 "--probe-args: '%s': expected TYPE,NAME (e.g. A,example.com; "
			 "several separated by ';')",
			 one);
		return -EINVAL;
	}
	*comma = '\0';
	if ((colon = strchr(one, ':'))) {
		if (strcmp(colon, ":rn") != 0) {
			snprintf(err, errlen, "--probe-args: '%s': '%s' is not TYPE or TYPE:rn",
				 entry, one);
			return -EINVAL;
		}
		*colon = '\0';
		rd = 0; /* ZMap's ":rn": recursion not desired */
	}
	if (!(type = dns_type_by_name(one))) {
		snprintf(err, errlen,
			 "--probe-args: '%s': unknown query type '%s' (choose: A, NS, CNAME, SOA, "
			 "PTR, MX, TXT, AAAA, SRV, DS, RRSIG, NSEC, DNSKEY, SVCB, HTTPS, CAA, ANY)",
			 entry, one);
		return -EINVAL;
	}
	name_len = strlen(comma + 1);
	memset(m, 0, DNS_HLEN);
	m[2] = rd ? 0x01 : 0x00;
	m[5] = 1; /* one question */
	if (!(q->len = (uint16_t)dns_encode_name(m + DNS_HLEN, comma + 1, name_len, why,
						 sizeof(why)))) {
		snprintf(err, errlen, "--probe-args: '%s': %s", entry, why);
		return -EINVAL;
	}
	q->len += DNS_HLEN;
	packet_put16(m + q->len, type->code);
	packet_put16(m + q->len + 2, DNS_CLASS_IN);
	q->len += 4;
	q->sum = csum_add_bytes(0, m, q->len);
	return 0;
}

/* TYPE,NAME[;TYPE,NAME...] into st; 0 or -EINVAL with a line in err. */
static int dns_parse_args(struct dns_state *st, const char *args, char *err, size_t errlen)
{
	const char *s = args, *end;
	int ret;

	for (;; s = end + 1) {
		end = strchr(s, ';');
		if (!end)
			end = s + strlen(s);
		if (end == s) {
			snprintf(err, errlen,
				 "--probe-args: '%s': an empty question (expected TYPE,NAME, "
				 "several separated by ';')",
				 args);
			return -EINVAL;
		}
		if (st->count == DNS_QUERIES_MAX) {
			snprintf(err, errlen, "--probe-args: more than %d questions",
				 DNS_QUERIES_MAX);
			return -EINVAL;
		}
		if ((ret = dns_parse_query(&st->q[st->count], s, (size_t)(end - s), err, errlen)))
			return ret;
		st->count++;
		if (!*end)
			return 0;
	}
}

/* The headers only: the query depends on the target and is written per packet. */
static int dns_template(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_udp_template(p, buf, cap, NULL, 0);
}

static int dns_template6(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_udp_template6(p, buf, cap, NULL, 0);
}

static int dns_init(struct probe *p, char *err, size_t errlen)
{
	struct dns_state *st = calloc(1, sizeof(*st));
	int ret;

	if (!st) {
		snprintf(err, errlen, "dns: out of memory");
		return -ENOMEM;
	}
	/* ZMap's default, also for an empty --probe-args. */
	if ((ret = dns_parse_args(st, p->args && *p->args ? p->args : DNS_DEFAULT_ARGS, err,
				  errlen))) {
		free(st);
		return ret;
	}
	p->frame_len_max = UDP_PAYLOAD_AT;
	for (unsigned i = 0; i < st->count; i++)
		if (UDP_PAYLOAD_AT + (uint32_t)st->q[i].len > p->frame_len_max)
			p->frame_len_max = UDP_PAYLOAD_AT + (uint32_t)st->q[i].len;
	/* No part of the payload is the same in every probe: each query's sum is added in patch. */
	probe_udp_sums(p, 0);
	p->priv = st;
	return 0;
}

static void dns_close(struct probe *p)
{
	free(p->priv);
}

/* The transaction id of every query to a target: bits the source port and IP id leave. */
static inline uint16_t dns_id(uint64_t hash)
{
	return (uint16_t)hash;
}

/* The question probe probe_num to a target asks: its turn, from where the hash starts it. */
static inline unsigned dns_query_index(const struct dns_state *st, uint64_t hash,
				       uint32_t probe_num)
{
	return st->count == 1 ? 0 : (unsigned)((probe_num + (uint32_t)hash) % st->count);
}

/* Write into payload the query probe probe_num to a target (hash h) asks; returns it, its
 * transaction id written (the message's first word, 0 in q->sum). */
static const struct dns_query *dns_write_query(const struct probe *p, uint8_t *payload, uint64_t h,
					       uint32_t probe_num)
{
	const struct dns_state *st = p->priv;
	const struct dns_query *q = &st->q[dns_query_index(st, h, probe_num)];

	memcpy(payload, q->msg, q->len);
	packet_put16(payload, dns_id(h));
	return q;
}

static uint32_t dns_patch(const struct probe *p, uint8_t *frame, uint32_t daddr, uint16_t dport,
			  uint32_t probe_num)
{
	uint64_t h = probe_hash(&p->params, p->params.saddr, daddr, dport);
	const struct dns_query *q = dns_write_query(p, frame + UDP_PAYLOAD_AT, h, probe_num);

	return probe_udp_finish(p, frame, daddr, dport, probe_num, h, q->len, q->sum + dns_id(h));
}

static uint32_t dns_patch6(const struct probe *p, uint8_t *frame, const uint8_t daddr[16],
			   uint16_t dport, uint32_t probe_num)
{
	uint64_t h = probe_hash6(&p->params, p->params.saddr6, daddr, dport);
	const struct dns_query *q = dns_write_query(p, frame + UDP_PAYLOAD_AT6, h, probe_num);

	return probe_udp_finish6(p, frame, daddr, dport, probe_num, h, q->len, q->sum + dns_id(h));
}

/* Which of the probes with this hash left from our port (probe_sport_valid said one did). */
static uint32_t dns_probe_num(const struct probe_params *pp, uint64_t hash, uint16_t port)
{
	uint32_t off = (uint32_t)(port - pp->sport_first);

	return (off + pp->sport_count - probe_sport_base(pp, hash)) % pp->sport_count;
}

/* Does the reply (len bytes, len >= DNS_HLEN) open its question section with q's question?
 * Names compare without regard to ASCII case, as DNS compares them. */
static int dns_same_question(const struct dns_query *q, const uint8_t *msg, uint32_t len)
{
	uint32_t tail = q->len - 4u;

	if (len < q->len)
		return 0;
	for (uint32_t i = DNS_HLEN; i < tail; i++) {
		uint8_t a = msg[i], b = q->msg[i];

		if (a >= 'A' && a <= 'Z')
			a = (uint8_t)(a + 32);
		if (b >= 'A' && b <= 'Z')
			b = (uint8_t)(b + 32);
		if (a != b)
			return 0;
	}
	return memcmp(msg + tail, q->msg + tail, 4) == 0;
}

/*
 * A UDP datagram (l4, l4_len bytes) from a target whose probes hash to h: 1 if it answers one
 * of our queries, with the ports and flags in r and its DNS message kept; else 0.
 */
static int dns_check_reply(const struct probe *p, uint64_t h, const uint8_t *l4, uint32_t l4_len,
			   struct probe_result *r)
{
	const struct probe_params *pp = &p->params;
	const struct dns_state *st = p->priv;
	const uint8_t *msg = l4 + UDP_HLEN;
	uint16_t our_port = packet_get16(l4 + 2);
	uint32_t len;

	if (!probe_sport_valid(pp, h, our_port))
		return 0;
	/* The message as the UDP length gives it, never past what arrived. */
	len = packet_get16(l4 + 4);
	len = len < UDP_HLEN ? UDP_HLEN : len > l4_len ? l4_len : len;
	len -= UDP_HLEN;
	if (len < DNS_HLEN || packet_get16(msg) != dns_id(h) || !(msg[2] & 0x80))
		return 0;
	r->flags = 0;
	if (packet_get16(msg + 4)) {
		uint32_t probe_num = dns_probe_num(pp, h, our_port);

		if (!dns_same_question(&st->q[dns_query_index(st, h, probe_num)], msg, len))
			return 0;
		r->flags |= DNS_FLAG_QUESTION;
	}
	if (len > PROBE_DATA_MAX)
		r->flags |= DNS_FLAG_CUT;
	probe_result_keep_data(r, msg, len);
	r->sport = packet_get16(l4);
	r->dport = our_port;
	return 1;
}

/* The UDP header of one of our queries (to a target whose probes hash to h) as an ICMP error
 * quotes it: 1 if its ports and length are ours, with them in r; else 0. */
static int dns_check_quote(const struct probe *p, uint64_t h, const uint8_t *udp,
			   struct probe_result *r)
{
	const struct probe_params *pp = &p->params;
	const struct dns_state *st = p->priv;
	uint16_t our_port = packet_get16(udp);
	unsigned which;

	if (!probe_sport_valid(pp, h, our_port))
		return 0;
	which = dns_query_index(st, h, dns_probe_num(pp, h, our_port));
	if (packet_get16(udp + 4) != UDP_HLEN + st->q[which].len)
		return 0;
	r->sport = packet_get16(udp + 2);
	r->dport = our_port;
	return 1;
}

static int dns_validate(const struct probe *p, const struct packet_view *v, struct probe_result *r)
{
	const struct probe_params *pp = &p->params;
	struct packet_quote q;

	if (v->daddr != pp->saddr)
		return 0;
	if (v->proto == IPPROTO_UDP_) {
		if (v->l4_len < UDP_HLEN ||
		    !dns_check_reply(p, probe_hash(pp, pp->saddr, v->saddr, packet_get16(v->l4)),
				     v->l4, v->l4_len, r))
			return 0;
		r->saddr = v->saddr;
	} else if (packet_parse_icmp_quote(v, &q) == 0) {
		/* Unreachable, quoting one of our queries (its whole UDP header). */
		if (q.icmp_type != ICMP_UNREACH || q.proto != IPPROTO_UDP_ ||
		    q.saddr != pp->saddr ||
		    !dns_check_quote(p, probe_hash(pp, pp->saddr, q.daddr, packet_get16(q.l4 + 2)),
				     q.l4, r))
			return 0;
		r->flags = (uint8_t)(UDP_FLAG_ICMP | (q.icmp_code & 0x7f));
		r->saddr = q.daddr;
	} else {
		return 0;
	}
	r->daddr = v->daddr;
	r->ipid = v->ipid;
	r->ttl = v->ttl;
	r->window = 0;
	return 1;
}

static int dns_validate6(const struct probe *p, const struct packet_view6 *v,
			 struct probe_result *r)
{
	const struct probe_params *pp = &p->params;
	struct packet_quote6 q;

	if (memcmp(v->daddr, pp->saddr6, 16))
		return 0;
	if (v->proto == IPPROTO_UDP_) {
		if (v->l4_len < UDP_HLEN ||
		    !dns_check_reply(p, probe_hash6(pp, pp->saddr6, v->saddr, packet_get16(v->l4)),
				     v->l4, v->l4_len, r))
			return 0;
		memcpy(r->saddr6, v->saddr, 16);
	} else if (packet_parse_icmp6_quote(v, &q) == 0) {
		if (q.icmp_type != ICMP6_DST_UNREACH || q.proto != IPPROTO_UDP_ ||
		    memcmp(q.saddr, pp->saddr6, 16) ||
		    !dns_check_quote(p,
				     probe_hash6(pp, pp->saddr6, q.daddr, packet_get16(q.l4 + 2)),
				     q.l4, r))
			return 0;
		r->flags = (uint8_t)(UDP_FLAG_ICMP | UDP_FLAG_ICMP6 | (q.icmp_code & 0x3f));
		memcpy(r->saddr6, q.daddr, 16);
	} else {
		return 0;
	}
	r->family = 6;
	memcpy(r->daddr6, pp->saddr6, 16);
	r->ipid = 0;
	r->ttl = v->hop_limit;
	r->window = 0;
	return 1;
}

static void dns_classify(const struct probe *p, struct probe_result *r)
{
	(void)p;
	if (!(r->flags & UDP_FLAG_ICMP)) {
		r->classification = "dns";
		r->success = (r->flags & DNS_FLAG_QUESTION) ? 1 : 0;
	} else if (probe_udp_port_unreachable(r)) {
		r->classification = "port-unreachable";
		r->success = 0;
	} else {
		r->classification = "unreachable";
		r->success = 0;
	}
}

/*
 * Decoding for the output fields (the output thread).  Text goes into the field's buffer
 * through a writer that refuses what does not fit; callers roll back to a mark, so a field
 * holds whole records only.
 */
struct dns_out {
	char *buf;
	size_t cap, n;
	int full;
};

/* The message a result kept. */
struct dns_msg {
	const uint8_t *m;
	uint32_t len;
};

static void out_str(struct dns_out *o, const char *s)
{
	size_t len = strlen(s);

	if (o->full || o->n + len >= o->cap) {
		o->full = 1;
		return;
	}
	memcpy(o->buf + o->n, s, len + 1);
	o->n += len;
}

static void out_uint(struct dns_out *o, uint64_t v)
{
	char t[24];

	probe_field_uint(v, t, sizeof(t));
	out_str(o, t);
}

static void out_hex(struct dns_out *o, const uint8_t *p, size_t len)
{
	if (o->full || o->n + 2 * len >= o->cap) {
		o->full = 1;
		return;
	}
	o->n += probe_field_hex(p, len, o->buf + o->n, o->cap - o->n);
}

/* Bytes from the network: probe_field_text's escapes, and \xHH for the bytes of also too
 * (the separators of the field they go in). */
static void out_text(struct dns_out *o, const uint8_t *p, size_t len, const char *also)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len && !o->full; i++) {
		uint8_t c = p[i];

		if (c && strchr(also, c)) {
			char t[5] = { '\\', 'x', hex[c >> 4], hex[c & 15], '\0' };

			out_str(o, t);
		} else {
			size_t w = probe_field_text(&c, 1, o->buf + o->n, o->cap - o->n);

			if (!w)
				o->full = 1;
			o->n += w;
		}
	}
}

static void out_rollback(struct dns_out *o, size_t mark)
{
	o->n = mark;
	o->buf[mark] = '\0';
	o->full = 0;
}

static void out_type(struct dns_out *o, uint16_t type)
{
	char t[16];

	for (size_t i = 0; i < DNS_TYPES; i++) {
		if (dns_types[i].code == type) {
			out_str(o, dns_types[i].name);
			return;
		}
	}
	snprintf(t, sizeof(t), "TYPE%u", type); /* RFC 3597's name for a type without one */
	out_str(o, t);
}

/*
 * The name at *pos, labels joined by '.' ("." for the root), into o (NULL: only skip it);
 * then *pos is past it.  A compression pointer must point before the start of the labels
 * being read, so every jump goes further back: no loop, whatever the bytes.
 */
static int dns_name(const struct dns_msg *d, uint32_t *pos, struct dns_out *o)
{
	uint32_t p = *pos, floor = *pos, end = 0, wire = 1;
	int labels = 0;

	for (;;) {
		uint8_t c;

		if (p >= d->len)
			return DNS_SHORT;
		c = d->m[p];
		if (c == 0)
			break;
		if ((c & 0xc0) == 0xc0) {
			uint32_t to;

			if (p + 1 >= d->len)
				return DNS_SHORT;
			to = (uint32_t)(c & 0x3f) << 8 | d->m[p + 1];
			if (to >= floor)
				return DNS_BAD;
			if (!end)
				end = p + 2;
			floor = p = to;
			continue;
		}
		if (c > DNS_LABEL_MAX)
			return DNS_BAD; /* 0x40 and 0x80: label types nobody uses */
		if (p + 1 + c > d->len)
			return DNS_SHORT;
		if ((wire += 1u + c) > DNS_NAME_MAX)
			return DNS_BAD;
		if (o && labels)
			out_str(o, ".");
		if (o)
			out_text(o, d->m + p + 1, c, " ;.");
		labels++;
		p += 1u + c;
	}
	if (o && !labels)
		out_str(o, ".");
	*pos = end ? end : p + 1;
	return DNS_OK;
}

/* A name that is all of, or the start of, an rdata ending at end. */
static int dns_rdata_name(const struct dns_msg *d, uint32_t *p, uint32_t end, struct dns_out *o)
{
	return dns_name(d, p, o) == DNS_OK && *p <= end ? 0 : -1;
}

/* rdata (len bytes at p) of the types we read, into o; -1 if it is not what its type says. */
static int dns_rdata_decoded(const struct dns_msg *d, uint16_t type, uint32_t p, uint32_t len,
			     struct dns_out *o)
{
	const uint8_t *r = d->m + p;
	uint32_t end = p + len;
	char t[INET6_ADDRSTRLEN];

	switch (type) {
	case DNS_A:
		if (len != 4)
			return -1;
		snprintf(t, sizeof(t), "%u.%u.%u.%u", r[0], r[1], r[2], r[3]);
		out_str(o, t);
		return 0;
	case DNS_AAAA:
		if (len != 16 || !inet_ntop(AF_INET6, r, t, sizeof(t)))
			return -1;
		out_str(o, t);
		return 0;
	case DNS_NS:
	case DNS_CNAME:
	case DNS_PTR:
		return dns_rdata_name(d, &p, end, o) || p != end ? -1 : 0;
	case DNS_MX:
		if (len < 3)
			return -1;
		out_uint(o, packet_get16(r));
		out_str(o, " ");
		p += 2;
		return dns_rdata_name(d, &p, end, o) || p != end ? -1 : 0;
	case DNS_SOA:
		/* mname rname serial refresh retry expire minimum */
		if (dns_rdata_name(d, &p, end, o))
			return -1;
		out_str(o, " ");
		if (dns_rdata_name(d, &p, end, o) || end - p != 20)
			return -1;
		for (int i = 0; i < 5; i++, p += 4) {
			out_str(o, " ");
			out_uint(o, packet_get32(d->m + p));
		}
		return 0;
	case DNS_TXT:
		/* Its strings, separated by a space. */
		for (int first = 1; p < end; first = 0) {
			uint8_t n = d->m[p];

			if (p + 1u + n > end)
				return -1;
			if (!first)
				out_str(o, " ");
			out_text(o, d->m + p + 1, n, ";");
			p += 1u + n;
		}
		return 0;
	default:
		return -1;
	}
}

static void dns_rdata(const struct dns_msg *d, uint16_t type, uint32_t p, uint32_t len,
		      struct dns_out *o)
{
	size_t mark = o->n;

	/* Out of room, the caller drops the whole record: never a shorter form instead. */
	if (dns_rdata_decoded(d, type, p, len, o) == 0 || o->full)
		return;
	/* Not what the type says: the bytes as they came. */
	out_rollback(o, mark);
	out_hex(o, d->m + p, len);
}

/* The record at *pos (a question if question is set) into o as NAME TYPE [VALUE] (no value
 * when its rdata is empty), or skip it (o NULL); *pos moves past it. */
static int dns_record(const struct dns_msg *d, uint32_t *pos, int question, struct dns_out *o)
{
	uint32_t p = *pos, rdlen;
	uint16_t type;
	int ret;

	if ((ret = dns_name(d, &p, o)))
		return ret;
	if (p + (question ? 4u : 10u) > d->len)
		return DNS_SHORT;
	type = packet_get16(d->m + p);
	if (o) {
		out_str(o, " ");
		out_type(o, type);
	}
	if (question) {
		*pos = p + 4;
		return DNS_OK;
	}
	rdlen = packet_get16(d->m + p + 8);
	p += 10;
	if (p + rdlen > d->len)
		return DNS_SHORT;
	if (o && rdlen) {
		out_str(o, " ");
		dns_rdata(d, type, p, rdlen, o);
	}
	*pos = p + rdlen;
	return DNS_OK;
}

/*
 * Walk the sections (0 questions, 1 answers, 2 authorities, 3 additionals) up to last,
 * writing the records of section want into o separated by ';'.  The counts are the
 * header's: the walk stops where the bytes do, whatever they say.  *end: where the last
 * record ended.  Returns DNS_OK or where it stopped (o keeps the whole records before).
 */
static int dns_walk(const struct dns_msg *d, int want, int last, struct dns_out *o, uint32_t *end)
{
	uint32_t pos = DNS_HLEN;

	*end = pos;
	for (int s = 0; s <= last; s++) {
		unsigned count = packet_get16(d->m + 4 + 2 * s);
		struct dns_out *w = s == want ? o : NULL;

		for (unsigned i = 0; i < count; i++) {
			size_t mark = w ? w->n : 0;
			int ret;

			if (w && i)
				out_str(w, ";");
			ret = dns_record(d, &pos, s == 0, w);
			if (w && (ret || w->full)) {
				out_rollback(w, mark);
				return ret ? ret
					   : DNS_OK; /* no room for more: whole records only */
			}
			if (ret)
				return ret;
			*end = pos;
		}
	}
	return DNS_OK;
}

static int dns_has_message(const struct probe_result *r)
{
	return !(r->flags & UDP_FLAG_ICMP) && r->data_len >= DNS_HLEN;
}

/* A number the result has not (an ICMP error has no DNS message): JSON's null. */
static size_t dns_null(char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "null");

	return n < 0 || !cap ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

static size_t dns_section(const struct probe_result *r, int section, char *buf, size_t cap)
{
	struct dns_msg d = { r->data, r->data_len };
	struct dns_out o = { buf, cap, 0, 0 };
	uint32_t end;

	if (!cap)
		return 0;
	buf[0] = '\0';
	if (dns_has_message(r))
		dns_walk(&d, section, section, &o, &end);
	return o.n;
}

static size_t dns_field_questions(const struct probe_result *r, char *buf, size_t cap)
{
	return dns_section(r, 0, buf, cap);
}

static size_t dns_field_answers(const struct probe_result *r, char *buf, size_t cap)
{
	return dns_section(r, 1, buf, cap);
}

static size_t dns_field_authorities(const struct probe_result *r, char *buf, size_t cap)
{
	return dns_section(r, 2, buf, cap);
}

static size_t dns_field_additionals(const struct probe_result *r, char *buf, size_t cap)
{
	return dns_section(r, 3, buf, cap);
}

/* Walk every record kept: *err as dns_parse_err, *left the bytes after the last record. */
static void dns_parse_status(const struct probe_result *r, int *err, uint32_t *left)
{
	struct dns_msg d = { r->data, r->data_len };
	int ret = dns_walk(&d, -1, 3, NULL, left);
	int cut = (r->flags & DNS_FLAG_CUT) != 0;

	*left = ret == DNS_OK ? d.len - *left : 0;
	/* Running out of a message cut at PROBE_DATA_MAX is not the message's fault. */
	*err = ret == DNS_BAD || (ret == DNS_SHORT && !cut) || (ret == DNS_OK && !cut && *left);
}

static size_t dns_field_parse_err(const struct probe_result *r, char *buf, size_t cap)
{
	uint32_t left;
	int err;

	if (!dns_has_message(r))
		return dns_null(buf, cap);
	dns_parse_status(r, &err, &left);
	return probe_field_uint((uint64_t)err, buf, cap);
}

static size_t dns_field_unconsumed(const struct probe_result *r, char *buf, size_t cap)
{
	uint32_t left;
	int err;

	if (!dns_has_message(r))
		return dns_null(buf, cap);
	dns_parse_status(r, &err, &left);
	return probe_field_uint(left, buf, cap);
}

static size_t dns_field_partial(const struct probe_result *r, char *buf, size_t cap)
{
	if (!dns_has_message(r))
		return dns_null(buf, cap);
	return probe_field_uint((r->flags & DNS_FLAG_CUT) ? 1 : 0, buf, cap);
}

/* ZMap's app_success: our question answered, QR set and rcode 0 (NOERROR). */
static size_t dns_field_app_success(const struct probe_result *r, char *buf, size_t cap)
{
	int ok = dns_has_message(r) && (r->flags & DNS_FLAG_QUESTION) && (r->data[2] & 0x80) &&
		 (r->data[3] & 15) == 0;

	return probe_field_uint(ok ? 1 : 0, buf, cap);
}

static size_t dns_field_raw(const struct probe_result *r, char *buf, size_t cap)
{
	return probe_field_hex(r->data, r->data_len, buf, cap);
}

/* The header's numbers, one formatter each: null when the result holds no DNS message. */
#define DNS_HEADER_FIELD(field, value)                                                             \
	static size_t dns_field_##field(const struct probe_result *r, char *buf, size_t cap)       \
	{                                                                                          \
		const uint8_t *m = r->data;                                                        \
                                                                                                   \
		if (!dns_has_message(r))                                                           \
			return dns_null(buf, cap);                                                 \
		return probe_field_uint((value), buf, cap);                                        \
	}

DNS_HEADER_FIELD(id, packet_get16(m))
DNS_HEADER_FIELD(qr, m[2] >> 7)
DNS_HEADER_FIELD(opcode, (m[2] >> 3) & 15)
DNS_HEADER_FIELD(aa, (m[2] >> 2) & 1)
DNS_HEADER_FIELD(tc, (m[2] >> 1) & 1)
DNS_HEADER_FIELD(rd, m[2] & 1)
DNS_HEADER_FIELD(ra, m[3] >> 7)
DNS_HEADER_FIELD(z, (m[3] >> 6) & 1)
DNS_HEADER_FIELD(ad, (m[3] >> 5) & 1)
DNS_HEADER_FIELD(cd, (m[3] >> 4) & 1)
DNS_HEADER_FIELD(rcode, m[3] & 15)
DNS_HEADER_FIELD(qdcount, packet_get16(m + 4))
DNS_HEADER_FIELD(ancount, packet_get16(m + 6))
DNS_HEADER_FIELD(nscount, packet_get16(m + 8))
DNS_HEADER_FIELD(arcount, packet_get16(m + 10))

/* ZMap's names; dns_partial is salvo's (a result keeps 256 bytes of the message). */
static const struct probe_field dns_fields[] = {
	{ "app_success", 1, "1 if the reply answers our question with QR set and rcode 0",
	  dns_field_app_success },
	{ "dns_id", 1, "DNS transaction id", dns_field_id },
	{ "dns_rd", 1, "DNS recursion desired", dns_field_rd },
	{ "dns_tc", 1, "DNS packet truncated", dns_field_tc },
	{ "dns_aa", 1, "DNS authoritative answer", dns_field_aa },
	{ "dns_opcode", 1, "DNS opcode (query type)", dns_field_opcode },
	{ "dns_qr", 1, "DNS query (0) or response (1)", dns_field_qr },
	{ "dns_rcode", 1, "DNS response code (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED)",
	  dns_field_rcode },
	{ "dns_cd", 1, "DNS checking disabled", dns_field_cd },
	{ "dns_ad", 1, "DNS authenticated data", dns_field_ad },
	{ "dns_z", 1, "DNS reserved", dns_field_z },
	{ "dns_ra", 1, "DNS recursion available", dns_field_ra },
	{ "dns_qdcount", 1, "DNS number of questions", dns_field_qdcount },
	{ "dns_ancount", 1, "DNS number of answer records", dns_field_ancount },
	{ "dns_nscount", 1, "DNS number of authority records", dns_field_nscount },
	{ "dns_arcount", 1, "DNS number of additional records", dns_field_arcount },
	{ "dns_questions", 0, "the questions, NAME TYPE each, separated by ';'",
	  dns_field_questions },
	{ "dns_answers", 0,
	  "the answers, NAME TYPE VALUE each, separated by ';' (A/AAAA an address, NS/CNAME/PTR "
	  "a name, MX PREF NAME, TXT its strings, SOA its seven fields, others hex)",
	  dns_field_answers },
	{ "dns_authorities", 0, "the authority records, as dns_answers", dns_field_authorities },
	{ "dns_additionals", 0, "the additional records, as dns_answers", dns_field_additionals },
	{ "dns_parse_err", 1, "1 if the records kept do not decode, or bytes follow the last",
	  dns_field_parse_err },
	{ "dns_unconsumed_bytes", 1, "bytes after the last record", dns_field_unconsumed },
	{ "dns_partial", 1, "1 if the message was longer than the 256 bytes kept",
	  dns_field_partial },
	{ "raw_data", 0, "the DNS message in hex (its first 256 bytes)", dns_field_raw },
};

/* ZMap's dry run of a DNS probe opens with a line of dashes before its "dns" block. */
static void dns_print_head(FILE *f, const uint8_t *payload, uint32_t len)
{
	(void)payload;
	(void)len;
	fputs("------------------------------------------------------\n", f);
}

const struct probe_ops probe_dns_ops = {
	.name = "dns",
	.help = "DNS query of --probe-args=TYPE,NAME[;TYPE,NAME...] (default A,www.google.com); "
		"answers decoded",
	.replies = PROBE_REPLY_UDP | PROBE_REPLY_ICMP_ERROR,
	.fields = dns_fields,
	.field_count = sizeof(dns_fields) / sizeof(dns_fields[0]),
	.print_name = "dns",
	.print_head = dns_print_head,
	.init = dns_init,
	.template = dns_template,
	.patch = dns_patch,
	.validate = dns_validate,
	.template6 = dns_template6,
	.patch6 = dns_patch6,
	.validate6 = dns_validate6,
	.classify = dns_classify,
	.close = dns_close,
};
