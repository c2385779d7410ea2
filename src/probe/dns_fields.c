/*
 * The dns probe's output fields: the reply's DNS message, as a result kept it (its first
 * PROBE_DATA_MAX bytes), decoded in the output thread into ZMap's dns fields.  The bytes
 * come from the network: no count, length or compression pointer in them is trusted, and a
 * message cut short decodes as far as it goes (dns_partial says so).
 */
#include "probe/dns.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "probe/field.h"
#include "probe/packet.h"
#include "probe/udp_common.h"

/* Where decoding a kept message stopped. */
#define DNS_OK	  0
#define DNS_BAD	  (-1) /* malformed */
#define DNS_SHORT (-2) /* ran past the bytes kept: malformed, or cut at PROBE_DATA_MAX */

/* The types whose rdata is decoded. */
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

/*
 * Text goes into the field's buffer through a writer that refuses what does not fit;
 * callers roll back to a mark, so a field holds whole records only.
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

	const char *name = dns_type_name(type);

	if (name) {
		out_str(o, name);
		return;
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
		return probe_field_null(buf, cap);
	dns_parse_status(r, &err, &left);
	return probe_field_uint((uint64_t)err, buf, cap);
}

static size_t dns_field_unconsumed(const struct probe_result *r, char *buf, size_t cap)
{
	uint32_t left;
	int err;

	if (!dns_has_message(r))
		return probe_field_null(buf, cap);
	dns_parse_status(r, &err, &left);
	return probe_field_uint(left, buf, cap);
}

static size_t dns_field_partial(const struct probe_result *r, char *buf, size_t cap)
{
	if (!dns_has_message(r))
		return probe_field_null(buf, cap);
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
			return probe_field_null(buf, cap);                                         \
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
const struct probe_field dns_fields[] = {
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

_Static_assert(sizeof(dns_fields) / sizeof(dns_fields[0]) == DNS_FIELD_COUNT,
	       "DNS_FIELD_COUNT in dns.h counts dns_fields");
