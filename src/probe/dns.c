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
 * (dns_fields.c) decode it there, in the output thread.  An ICMP unreachable quoting one of our
 * queries is matched as udp matches it and reported as "port-unreachable" or "unreachable": never a
 * success.
 *
 * Over IPv6 the query is the same, in the same UDP frame behind an IPv6 header; the hash is
 * over the IPv6 tuple, and an ICMPv6 destination unreachable quoting a query is matched as
 * the IPv4 one is (port unreachable is its code 4).
 */
#include "probe/probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe/dns.h"
#include "probe/field.h"
#include "probe/udp_common.h"
#include "util/checksum.h"

#define DNS_QUERY_MAX	 (DNS_HLEN + DNS_NAME_MAX + 4)
#define DNS_QUERIES_MAX	 64
#define DNS_ARG_MAX	 512 /* one TYPE,NAME as typed */
#define DNS_CLASS_IN	 1
#define DNS_DEFAULT_ARGS "A,www.google.com"

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

const char *dns_type_name(uint16_t code)
{
	for (size_t i = 0; i < DNS_TYPES; i++)
		if (dns_types[i].code == code)
			return dns_types[i].name;
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
	uint32_t saddr = probe_source(&p->params, daddr);
	uint64_t h = probe_hash(&p->params, saddr, daddr, dport);
	const struct dns_query *q = dns_write_query(p, frame + UDP_PAYLOAD_AT, h, probe_num);

	return probe_udp_finish(p, frame, saddr, daddr, dport, probe_num, h, q->len,
				q->sum + dns_id(h));
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

	if (v->proto == IPPROTO_UDP_) {
		if (v->l4_len < UDP_HLEN || v->daddr != probe_source(pp, v->saddr) ||
		    !dns_check_reply(p, probe_hash(pp, v->daddr, v->saddr, packet_get16(v->l4)),
				     v->l4, v->l4_len, r))
			return 0;
		r->saddr = v->saddr;
	} else if (packet_parse_icmp_quote(v, &q) == 0) {
		/* Unreachable, quoting one of our queries (its whole UDP header). */
		if (q.icmp_type != ICMP_UNREACH || q.proto != IPPROTO_UDP_ || v->daddr != q.saddr ||
		    q.saddr != probe_source(pp, q.daddr) ||
		    !dns_check_quote(p, probe_hash(pp, q.saddr, q.daddr, packet_get16(q.l4 + 2)),
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

/* ZMap's dry run of a DNS probe opens with a line of dashes before its "dns" block. */
static void dns_print_head(FILE *f, const uint8_t *payload, uint32_t len)
{
	(void)payload;
	(void)len;
	fputs("------------------------------------------------------\n", f);
}

const struct probe_ops probe_dns_ops = {
	.name = "dns",
	.help = "DNS query (ZMap's dns); success = a reply to our question, answers decoded",
	.args_help = "TYPE,NAME[;TYPE,NAME...], TYPE:rn for no recursion (default "
		     "A,www.google.com)",
	.replies = PROBE_REPLY_UDP | PROBE_REPLY_ICMP_ERROR,
	.fields = dns_fields,
	.field_count = DNS_FIELD_COUNT,
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
