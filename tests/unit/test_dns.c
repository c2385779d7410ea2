/*
 * Unit tests for the dns probe: the query it builds from --probe-args (and ZMap's default),
 * checksums verified independently, how several questions are spread over the probes,
 * stateless validation of replies and of ICMP unreachables, classification, and the output
 * fields decoded from replies built by hand, hostile ones included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe_fixtures.h"

#define QUERY_OFF 42 /* Ethernet, IPv4 and UDP headers: where the DNS message starts */

static int make_probe(struct probe *p, uint32_t probes, const char *args, char *err)
{
	return fixture_probe(p, "dns", probes, args, 40000, 1000, 7, err);
}

/* The IPv4 and UDP checksums of a frame, recomputed independently. */
static void check_sums(const uint8_t *f, uint32_t len, uint32_t daddr)
{
	uint32_t ulen = len - 34;
	uint32_t pseudo = (US >> 16) + (US & 0xffff) + (daddr >> 16) + (daddr & 0xffff) + 17 + ulen;

	assert_int_equal(packet_get16(f + 16), len - 14);
	assert_int_equal(packet_get16(f + 38), ulen);
	assert_int_equal(ref_sum(f + 14, 20, 0), 0xffff);
	assert_int_equal(ref_sum(f + 34, ulen, pseudo), 0xffff);
}

/* The DNS message of a probe frame, with the id zeroed (it comes from the key). */
static uint32_t query_of(const uint8_t *f, uint32_t len, uint8_t *out)
{
	memcpy(out, f + QUERY_OFF, len - QUERY_OFF);
	out[0] = out[1] = 0;
	return len - QUERY_OFF;
}

static void default_query_is_zmaps_a_for_www_google_com(void **state)
{
	static const uint8_t want[] = { 0,   0, 0x01, 0,   0,	1, 0,	0,   0,	  0,   0,
					0,   3, 'w',  'w', 'w', 6, 'g', 'o', 'o', 'g', 'l',
					'e', 3, 'c',  'o', 'm', 0, 0,	1,   0,	  1 };
	const char *args[] = { NULL, "" };
	struct probe p;
	uint8_t f[PROBE_FRAME_MAX], q[512];
	char err[256];
	uint32_t n;
	(void)state;

	for (int i = 0; i < 2; i++) {
		assert_int_equal(make_probe(&p, 1, args[i], err), 0);
		n = fixture_frame(&p, f, TARGET, 53, 0);
		assert_int_equal(n, QUERY_OFF + sizeof(want));
		assert_int_equal(query_of(f, n, q), sizeof(want));
		assert_memory_equal(q, want, sizeof(want));
		assert_int_equal(packet_get16(f + 36), 53);
		check_sums(f, n, TARGET);
		probe_close(&p);
	}
}

static void probe_args_choose_type_name_and_recursion(void **state)
{
	static const struct {
		const char *args;
		uint8_t flags;
		uint16_t qtype;
		const char *name; /* wire form */
		size_t name_len;
	} cases[] = {
		{ "MX,example.test", 0x01, 15, "\7example\4test", 14 },
		{ "MX:rn,example.test.", 0x00, 15, "\7example\4test", 14 },
		{ "any,Example.Test", 0x01, 255, "\7Example\4Test", 14 },
		{ "ALL,x", 0x01, 255, "\1x", 3 },
		{ "NS,.", 0x01, 2, "", 1 },
		{ "TXT,_dmarc.example.test", 0x01, 16, "\6_dmarc\7example\4test", 21 },
		{ "AAAA,a.b", 0x01, 28, "\1a\1b", 5 },
		{ "PTR,5.1.18.198.in-addr.arpa", 0x01, 12, "\0015\0011\00218\003198\7in-addr\4arpa",
		  25 },
		{ "SOA,example.test", 0x01, 6, "\7example\4test", 14 },
		{ "CNAME,example.test", 0x01, 5, "\7example\4test", 14 },
	};
	struct probe p;
	uint8_t f[PROBE_FRAME_MAX], q[512];
	char err[256];
	uint32_t n, qlen;
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(make_probe(&p, 1, cases[i].args, err), 0);
		for (uint16_t port = 50; port < 60; port++) {
			n = fixture_frame(&p, f, TARGET + port, port, 0);
			check_sums(f, n, TARGET + port);
			qlen = query_of(f, n, q);
			assert_int_equal(qlen, 12 + cases[i].name_len + 4);
			assert_int_equal(q[2], cases[i].flags);
			assert_int_equal(packet_get16(q + 4), 1);
			assert_memory_equal(q + 12, cases[i].name, cases[i].name_len);
			assert_int_equal(packet_get16(q + qlen - 4), cases[i].qtype);
			assert_int_equal(packet_get16(q + qlen - 2), 1);
		}
		probe_close(&p);
	}
}

/* A name of labels of len bytes each, total bytes of name as typed. */
static void long_name(char *out, size_t total, size_t label)
{
	size_t n = 0;

	memcpy(out, "A,", 2);
	out += 2;
	while (n < total) {
		out[n] = (n + 1) % (label + 1) == 0 ? '.' : 'a';
		n++;
	}
	out[n] = '\0';
}

static void bad_probe_args_are_one_clear_line(void **state)
{
	static const struct {
		const char *args, *says;
	} cases[] = {
		{ "A", "'A': expected TYPE,NAME" },
		{ "A,", "'A,': expected TYPE,NAME" },
		{ ",example.test", "expected TYPE,NAME" },
		{ "B,example.test", "unknown query type 'B'" },
		{ "A:rd,example.test", "'A:rd' is not TYPE or TYPE:rn" },
		{ "A,a..test", "an empty label" },
		{ ".A,.test", "unknown query type" },
		{ "A,.test", "an empty label" },
		{ "A,a b", "byte 0x20 in the name" },
		{ "A,a,b", "byte 0x2c in the name" },
		{ "OPT,example.test", "unknown query type 'OPT'" },
		{ "A,x;", "an empty question" },
		{ ";A,x", "an empty question" },
		{ "A,x;;AAAA,y", "an empty question" },
		{ "A,x;AAAA", "'AAAA': expected TYPE,NAME" },
	};
	struct probe p;
	char err[256], args[600];
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(make_probe(&p, 1, cases[i].args, err), -EINVAL);
		if (!strstr(err, cases[i].says))
			fail_msg("'%s': got '%s', expected '%s'", cases[i].args, err,
				 cases[i].says);
		assert_true(strncmp(err, "--probe-args: ", 14) == 0);
		assert_null(strchr(err, '\n'));
	}
	/* 63 bytes a label and 255 a name (wire form: 253 typed) are the limits. */
	long_name(args, 63, 63);
	assert_int_equal(make_probe(&p, 1, args, err), 0);
	probe_close(&p);
	long_name(args, 64, 64);
	assert_int_equal(make_probe(&p, 1, args, err), -EINVAL);
	assert_non_null(strstr(err, "is longer than 63 bytes"));
	long_name(args, 253, 63);
	assert_int_equal(make_probe(&p, 1, args, err), 0);
	probe_close(&p);
	long_name(args, 254, 63);
	assert_int_equal(make_probe(&p, 1, args, err), -EINVAL);
	assert_non_null(strstr(err, "longer than 255 bytes"));
	/* At most 64 questions. */
	args[0] = '\0';
	for (int i = 0; i < 65; i++)
		strncat(args, i ? ";A,x" : "A,x", sizeof(args) - strlen(args) - 1);
	assert_int_equal(make_probe(&p, 1, args, err), -EINVAL);
	assert_non_null(strstr(err, "more than 64 questions"));
}

/* The question a frame asks: its type (the name is one letter per question in these tests). */
static uint16_t qtype_of(const uint8_t *f, uint32_t len)
{
	return packet_get16(f + len - 4);
}

static void several_questions_are_spread_over_the_probes(void **state)
{
	struct probe p;
	uint8_t f[PROBE_FRAME_MAX];
	char err[256];
	unsigned seen[3] = { 0 };
	uint32_t n;
	(void)state;

	/* -P 3 with three questions: every target gets each once, all with one id, in turn. */
	assert_int_equal(make_probe(&p, 3, "A,a.test;AAAA,b.test;TXT,c.test", err), 0);
	for (uint32_t t = 0; t < 200; t++) {
		unsigned mask = 0;
		uint16_t id = 0;

		for (uint32_t k = 0; k < 3; k++) {
			n = fixture_frame(&p, f, TARGET + t, 53, k);
			check_sums(f, n, TARGET + t);
			if (k == 0)
				id = packet_get16(f + QUERY_OFF);
			assert_int_equal(packet_get16(f + QUERY_OFF), id);
			switch (qtype_of(f, n)) {
			case 1:
				mask |= 1;
				assert_int_equal(f[QUERY_OFF + 13], 'a');
				break;
			case 28:
				mask |= 2;
				assert_int_equal(f[QUERY_OFF + 13], 'b');
				break;
			case 16:
				mask |= 4;
				assert_int_equal(f[QUERY_OFF + 13], 'c');
				break;
			default:
				fail();
			}
		}
		assert_int_equal(mask, 7);
	}
	probe_close(&p);

	/* -P 1: one question a target, the three spread over the targets. */
	assert_int_equal(make_probe(&p, 1, "A,a.test;AAAA,b.test;TXT,c.test", err), 0);
	for (uint32_t t = 0; t < 3000; t++) {
		n = fixture_frame(&p, f, TARGET + t, 53, 0);
		seen[qtype_of(f, n) == 1 ? 0 : qtype_of(f, n) == 28 ? 1 : 2]++;
	}
	for (int i = 0; i < 3; i++)
		assert_true(seen[i] > 800 && seen[i] < 1200);
	probe_close(&p);
}

/* A DNS message under construction. */
struct msg {
	uint8_t b[1400];
	uint32_t n;
};

static void put(struct msg *m, const void *p, size_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += (uint32_t)n;
}

/* The reply to the query in probe frame f (len bytes): id and question echoed, QR and RA set,
 * rcode given, no records yet. */
static void reply_to(struct msg *m, const uint8_t *f, uint32_t len, uint8_t rcode)
{
	m->n = 0;
	put(m, f + QUERY_OFF, len - QUERY_OFF);
	m->b[2] |= 0x80;
	m->b[3] = (uint8_t)(0x80 | rcode);
}

/* A record: name (wire form, nlen bytes), type, class IN, TTL 300, rdata. */
static void rr(struct msg *m, const char *name, size_t nlen, uint16_t type, const char *rdata,
	       size_t rdlen)
{
	uint8_t t[10] = { 0, 0, 0, 1, 0, 0, 1, 44, 0, 0 };

	packet_put16(t, type);
	packet_put16(t + 8, (uint16_t)rdlen);
	put(m, name, nlen);
	put(m, t, 10);
	put(m, rdata, rdlen);
}

static void counts(struct msg *m, uint16_t an, uint16_t ns, uint16_t ar)
{
	packet_put16(m->b + 6, an);
	packet_put16(m->b + 8, ns);
	packet_put16(m->b + 10, ar);
}

/* The frame the target sends back for probe frame q: addresses and ports swapped. */
static uint32_t udp_reply(const uint8_t *q, const struct msg *m, uint8_t *f)
{
	memset(f, 0, QUERY_OFF);
	memcpy(f, q + 6, 6);
	memcpy(f + 6, q, 6);
	packet_put16(f + 12, 0x0800);
	f[14] = 0x45;
	packet_put16(f + 16, (uint16_t)(28 + m->n));
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, q + 30, 4);
	memcpy(f + 30, q + 26, 4);
	memcpy(f + 34, q + 36, 2);
	memcpy(f + 36, q + 34, 2);
	packet_put16(f + 38, (uint16_t)(8 + m->n));
	memcpy(f + QUERY_OFF, m->b, m->n);
	return QUERY_OFF + m->n;
}

static const struct probe_field *field(const struct probe *p, const char *name)
{
	for (unsigned i = 0; i < p->ops->field_count; i++)
		if (strcmp(p->ops->fields[i].name, name) == 0)
			return &p->ops->fields[i];
	fail_msg("no field %s", name);
	return NULL;
}

/* A field of r as the output writer formats it (1024 bytes, OUTPUT_VALUE_MAX). */
static const char *fmt(const struct probe *p, const struct probe_result *r, const char *name)
{
	static char buf[1024];
	size_t n = field(p, name)->format(r, buf, sizeof(buf));

	assert_int_equal(n, strlen(buf));
	return buf;
}

static void reply_validates_and_decodes(void **state)
{
	struct probe p;
	uint8_t q[PROBE_FRAME_MAX], f[PROBE_FRAME_MAX];
	struct probe_result r;
	struct msg m;
	char err[256];
	uint32_t qn, n;
	(void)state;

	assert_int_equal(make_probe(&p, 1, "A,example.test", err), 0);
	qn = fixture_frame(&p, q, TARGET, 53, 0);
	reply_to(&m, q, qn, 0);
	rr(&m, "\xc0\x0c", 2, 1, "\xc6\x12\x63\x05", 4);
	counts(&m, 1, 0, 0);
	n = udp_reply(q, &m, f);
	memset(&r, 0, sizeof(r));
	assert_int_equal(fixture_check(&p, f, n, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "dns");
	assert_int_equal(r.success, 1);
	assert_int_equal(r.saddr, TARGET);
	assert_int_equal(r.sport, 53);
	assert_int_equal(r.dport, packet_get16(q + 34));
	assert_int_equal(r.data_len, m.n);
	assert_string_equal(fmt(&p, &r, "dns_answers"), "example.test A 198.18.99.5");
	assert_string_equal(fmt(&p, &r, "dns_questions"), "example.test A");
	assert_string_equal(fmt(&p, &r, "dns_rcode"), "0");
	assert_string_equal(fmt(&p, &r, "dns_ancount"), "1");
	assert_string_equal(fmt(&p, &r, "dns_qr"), "1");
	assert_string_equal(fmt(&p, &r, "dns_rd"), "1");
	assert_string_equal(fmt(&p, &r, "dns_ra"), "1");
	assert_string_equal(fmt(&p, &r, "app_success"), "1");
	assert_string_equal(fmt(&p, &r, "dns_parse_err"), "0");
	assert_string_equal(fmt(&p, &r, "dns_unconsumed_bytes"), "0");
	assert_string_equal(fmt(&p, &r, "dns_partial"), "0");
	char id[8];
	snprintf(id, sizeof(id), "%u", packet_get16(q + QUERY_OFF));
	assert_string_equal(fmt(&p, &r, "dns_id"), id);
	assert_int_equal(strlen(fmt(&p, &r, "raw_data")), 2 * m.n);

	/* NXDOMAIN: still our question answered, so a success, but not ZMap's app_success. */
	m.b[3] = 0x83;
	n = udp_reply(q, &m, f);
	assert_int_equal(fixture_check(&p, f, n, &r), 1);
	probe_classify(&p, &r);
	assert_int_equal(r.success, 1);
	assert_string_equal(fmt(&p, &r, "dns_rcode"), "3");
	assert_string_equal(fmt(&p, &r, "app_success"), "0");

	/* The name echoed in other letter case is the same name. */
	m.b[13] = 'E';
	n = udp_reply(q, &m, f);
	assert_int_equal(fixture_check(&p, f, n, &r), 1);
	probe_close(&p);
}

static void replies_not_to_our_query_are_dropped(void **state)
{
	struct probe p;
	uint8_t q[PROBE_FRAME_MAX], f[PROBE_FRAME_MAX];
	struct probe_result r;
	struct msg m;
	char err[256];
	uint32_t qn, n;
	(void)state;

	assert_int_equal(make_probe(&p, 1, "A,example.test", err), 0);
	qn = fixture_frame(&p, q, TARGET, 53, 0);
	reply_to(&m, q, qn, 0);
	rr(&m, "\xc0\x0c", 2, 1, "\xc6\x12\x63\x05", 4);
	counts(&m, 1, 0, 0);
	n = udp_reply(q, &m, f);
	assert_int_equal(fixture_check(&p, f, n, &r), 1);

	struct {
		uint32_t off;
		uint8_t xor ;
		const char *what;
	} wrong[] = {
		{ 34 + 1, 1, "from another port than the probed one" },
		{ 36 + 1, 1, "to a port we did not use" },
		{ 26 + 3, 1, "from another address" },
		{ 30 + 3, 1, "to another address" },
		{ QUERY_OFF + 1, 1, "another transaction id" },
		{ QUERY_OFF + 2, 0x80, "QR clear: a query, not a reply" },
		{ QUERY_OFF + 14, 1, "another name" },
		{ QUERY_OFF + 12, 1, "another name length" },
		{ QUERY_OFF + 27, 1, "another type" },
		{ QUERY_OFF + 29, 1, "another class" },
	};
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		udp_reply(q, &m, f);
		f[wrong[i].off] ^= wrong[i].xor ;
		if (fixture_check(&p, f, n, &r))
			fail_msg("accepted a reply %s", wrong[i].what);
	}
	/* Cut anywhere before the end of the question: not ours (the frame or UDP says so). */
	udp_reply(q, &m, f);
	for (uint32_t cut = 0; cut < qn; cut++)
		assert_int_equal(fixture_check(&p, f, cut, &r), 0);
	for (uint32_t len = 0; len < qn - QUERY_OFF; len++) {
		udp_reply(q, &m, f);
		packet_put16(f + 38, (uint16_t)(8 + len));
		assert_int_equal(fixture_check(&p, f, n, &r), 0);
	}
	/* A UDP length past the datagram is cut to what arrived. */
	udp_reply(q, &m, f);
	packet_put16(f + 38, 1400);
	assert_int_equal(fixture_check(&p, f, n, &r), 1);
	assert_int_equal(r.data_len, m.n);
	/* No question repeated (some servers' errors): reported, but not a success. */
	m.n = 12;
	packet_put16(m.b + 4, 0);
	counts(&m, 0, 0, 0);
	m.b[3] = 0x85;
	n = udp_reply(q, &m, f);
	assert_int_equal(fixture_check(&p, f, n, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "dns");
	assert_int_equal(r.success, 0);
	assert_string_equal(fmt(&p, &r, "dns_rcode"), "5");
	assert_string_equal(fmt(&p, &r, "app_success"), "0");
	assert_string_equal(fmt(&p, &r, "dns_questions"), "");
	probe_close(&p);
}

/* With several questions, a reply must repeat the one the port it comes to asked. */
static void a_reply_repeats_the_question_its_port_asked(void **state)
{
	struct probe p;
	uint8_t q[3][PROBE_FRAME_MAX], f[PROBE_FRAME_MAX];
	uint32_t qn[3], n;
	struct probe_result r;
	struct msg m;
	char err[256];
	(void)state;

	assert_int_equal(make_probe(&p, 3, "A,a.test;AAAA,b.test;TXT,c.test", err), 0);
	for (uint32_t t = 0; t < 20; t++) {
		for (uint32_t k = 0; k < 3; k++)
			qn[k] = fixture_frame(&p, q[k], TARGET + t, 53, k);
		for (uint32_t k = 0; k < 3; k++) {
			for (uint32_t j = 0; j < 3; j++) {
				/* Question j's message, to the port of probe k. */
				reply_to(&m, q[j], qn[j], 0);
				n = udp_reply(q[k], &m, f);
				assert_int_equal(fixture_check(&p, f, n, &r), j == k);
			}
		}
	}
	probe_close(&p);
}

static void icmp_port_unreachable_is_a_failure(void **state)
{
	struct probe p;
	uint8_t q[PROBE_FRAME_MAX], f[128];
	struct probe_result r;
	char err[256];
	uint32_t n;
	(void)state;

	assert_int_equal(make_probe(&p, 1, NULL, err), 0);
	fixture_frame(&p, q, TARGET, 53, 0);
	n = fixture_icmp_error(q, f, TARGET, 3, 3);
	memset(&r, 0, sizeof(r));
	assert_int_equal(fixture_check(&p, f, n, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "port-unreachable");
	assert_int_equal(r.success, 0);
	assert_int_equal(r.saddr, TARGET);
	assert_int_equal(r.sport, 53);
	/* No DNS message: JSON's null for its numbers, nothing for its text, never a success. */
	assert_string_equal(fmt(&p, &r, "dns_rcode"), "null");
	assert_string_equal(fmt(&p, &r, "dns_id"), "null");
	assert_string_equal(fmt(&p, &r, "dns_answers"), "");
	assert_string_equal(fmt(&p, &r, "raw_data"), "");
	assert_string_equal(fmt(&p, &r, "app_success"), "0");

	n = fixture_icmp_error(q, f, IP(198, 18, 0, 2), 3, 13);
	assert_int_equal(fixture_check(&p, f, n, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "unreachable");
	assert_int_equal(r.success, 0);

	/* Quotes that are not of our query: its source port, target, length; time exceeded. */
	uint32_t offs[] = { 42 + 20 + 1, 42 + 16 + 3, 42 + 20 + 5 };
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		n = fixture_icmp_error(q, f, TARGET, 3, 3);
		f[offs[i]] ^= 1;
		assert_int_equal(fixture_check(&p, f, n, &r), 0);
	}
	n = fixture_icmp_error(q, f, TARGET, 11, 0);
	assert_int_equal(fixture_check(&p, f, n, &r), 0);
	n = fixture_icmp_error(q, f, TARGET, 3, 3);
	for (uint32_t cut = 0; cut < n; cut++)
		assert_int_equal(fixture_check(&p, f, cut, &r), 0);
	probe_close(&p);
}

/* Validate the reply m to probe frame q (qn bytes) into r; it must be accepted. */
static void accept(const struct probe *p, const uint8_t *q, const struct msg *m,
		   struct probe_result *r)
{
	uint8_t f[PROBE_FRAME_MAX];
	uint32_t n = udp_reply(q, m, f);

	memset(r, 0, sizeof(*r));
	assert_int_equal(fixture_check(p, f, n, r), 1);
	probe_classify(p, r);
}

static void answers_of_each_type_are_decoded(void **state)
{
	struct probe p;
	uint8_t q[PROBE_FRAME_MAX];
	struct probe_result r;
	struct msg m;
	char err[256];
	uint32_t qn;
	(void)state;

	assert_int_equal(make_probe(&p, 1, "ANY,example.test", err), 0);
	qn = fixture_frame(&p, q, TARGET, 53, 0);
	/* Answers: the question's name is at offset 12, compressed as 0xc00c. */
	reply_to(&m, q, qn, 0);
	rr(&m, "\xc0\x0c", 2, 1, "\xc6\x12\x63\x05", 4);
	rr(&m, "\3www\xc0\x0c", 6, 5, "\xc0\x0c", 2);
	rr(&m, "\xc0\x0c", 2, 28, "\x20\x01\x00\x02\0\0\0\0\0\0\0\0\0\0\0\x05", 16);
	rr(&m, "\xc0\x0c", 2, 15, "\x00\x0a\4mail\xc0\x0c", 9);
	rr(&m, "\xc0\x0c", 2, 16,
	   "\x0bv=spf1 -all\x07"
	   "a;b,c\"\x01",
	   20);
	rr(&m, "\3a b\4c;d.\0", 10, 1, "\xc6\x12\x63\x06", 4);
	counts(&m, 6, 0, 0);
	assert_true(m.n <= PROBE_DATA_MAX);
	accept(&p, q, &m, &r);
	assert_string_equal(fmt(&p, &r, "dns_answers"),
			    "example.test A 198.18.99.5;"
			    "www.example.test CNAME example.test;"
			    "example.test AAAA 2001:2::5;"
			    "example.test MX 10 mail.example.test;"
			    "example.test TXT v=spf1 -all a\\x3bb\\x2cc\\x22\\x01;"
			    "a\\x20b.c\\x3bd\\x2e A 198.18.99.6");
	assert_string_equal(fmt(&p, &r, "dns_questions"), "example.test ANY");
	assert_string_equal(fmt(&p, &r, "dns_parse_err"), "0");

	/* Authorities and additionals; rdata that is not what its type says goes out in hex. */
	reply_to(&m, q, qn, 3);
	rr(&m, "\xc0\x0c", 2, 2, "\2ns\xc0\x0c", 5);
	rr(&m, "\xc0\x0c", 2, 6,
	   "\2ns\xc0\x0c\12hostmaster\xc0\x0c\x78\xc3\x54\x99\0\0\x1c\x20\0\0\x0e\x10"
	   "\0\x12\x75\0\0\0\1\x2c",
	   38);
	rr(&m, "\0", 1, 41, "", 0);
	rr(&m, "\xc0\x0c", 2, 99, "\x01\x02", 2);
	rr(&m, "\xc0\x0c", 2, 1, "\xc6\x12\x63", 3);
	rr(&m, "\xc0\x0c", 2, 5, "\xc0\x50", 2);
	counts(&m, 0, 2, 4);
	assert_true(m.n <= PROBE_DATA_MAX);
	accept(&p, q, &m, &r);
	assert_int_equal(r.success, 1);
	assert_string_equal(fmt(&p, &r, "dns_answers"), "");
	assert_string_equal(fmt(&p, &r, "dns_authorities"),
			    "example.test NS ns.example.test;"
			    "example.test SOA ns.example.test hostmaster.example.test 2026067097 "
			    "7200 3600 1209600 300");
	assert_string_equal(fmt(&p, &r, "dns_additionals"),
			    ". OPT;example.test TYPE99 0102;example.test A c61263;"
			    "example.test CNAME c050");
	assert_string_equal(fmt(&p, &r, "dns_nscount"), "2");
	assert_string_equal(fmt(&p, &r, "dns_arcount"), "4");
	assert_string_equal(fmt(&p, &r, "dns_parse_err"), "0");
	probe_close(&p);
}

static void parse_errors_and_cut_messages_are_told_apart(void **state)
{
	struct probe p;
	uint8_t q[PROBE_FRAME_MAX];
	struct probe_result r;
	struct msg m;
	char err[256], big[300];
	uint32_t qn;
	(void)state;

	assert_int_equal(make_probe(&p, 1, "A,example.test", err), 0);
	qn = fixture_frame(&p, q, TARGET, 53, 0);

	/* Bytes after the last record. */
	reply_to(&m, q, qn, 0);
	rr(&m, "\xc0\x0c", 2, 1, "\xc6\x12\x63\x05", 4);
	put(&m, "xyz", 3);
	counts(&m, 1, 0, 0);
	accept(&p, q, &m, &r);
	assert_string_equal(fmt(&p, &r, "dns_answers"), "example.test A 198.18.99.5");
	assert_string_equal(fmt(&p, &r, "dns_parse_err"), "1");
	assert_string_equal(fmt(&p, &r, "dns_unconsumed_bytes"), "3");

	/* More records counted than sent: the ones there, and an error. */
	reply_to(&m, q, qn, 0);
	rr(&m, "\xc0\x0c", 2, 1, "\xc6\x12\x63\x05", 4);
	counts(&m, 2, 0, 0);
	accept(&p, q, &m, &r);
	assert_string_equal(fmt(&p, &r, "dns_answers"), "example.test A 198.18.99.5");
	assert_string_equal(fmt(&p, &r, "dns_parse_err"), "1");

	/* A message longer than the 256 bytes kept: what fits, no error, dns_partial. */
	memset(big, 'x', sizeof(big));
	big[0] = (char)250;
	reply_to(&m, q, qn, 0);
	rr(&m, "\xc0\x0c", 2, 1, "\xc6\x12\x63\x05", 4);
	rr(&m, "\xc0\x0c", 2, 16, big, 251);
	counts(&m, 2, 0, 0);
	assert_true(m.n > PROBE_DATA_MAX);
	accept(&p, q, &m, &r);
	assert_int_equal(r.data_len, PROBE_DATA_MAX);
	assert_string_equal(fmt(&p, &r, "dns_answers"), "example.test A 198.18.99.5");
	assert_string_equal(fmt(&p, &r, "dns_partial"), "1");
	assert_string_equal(fmt(&p, &r, "dns_parse_err"), "0");

	/* Compression pointers that loop (to themselves, to each other, forward): errors. */
	const char *loops[][2] = {
		{ "\xc0\x1e", "a pointer to itself" },
		{ "\1a\xc0\x1e", "a pointer back to its own labels" },
		{ "\xc0\x20", "a pointer forward" },
		{ "\x40x", "a reserved label type" },
	};
	for (size_t i = 0; i < sizeof(loops) / sizeof(loops[0]); i++) {
		reply_to(&m, q, qn, 0);
		assert_int_equal(m.n, 30); /* the first answer starts at 30 (0x1e) */
		rr(&m, loops[i][0], strlen(loops[i][0]), 1, "\xc6\x12\x63\x05", 4);
		counts(&m, 1, 0, 0);
		accept(&p, q, &m, &r);
		assert_string_equal(fmt(&p, &r, "dns_answers"), "");
		if (strcmp(fmt(&p, &r, "dns_parse_err"), "1") != 0)
			fail_msg("%s is not an error", loops[i][1]);
	}
	/* Two names pointing at each other: the second points back at the first, which points
	 * forward at it. */
	reply_to(&m, q, qn, 0);
	rr(&m, "\xc0\x2c", 2, 5, "\xc0\x1e", 2);
	counts(&m, 1, 0, 0);
	accept(&p, q, &m, &r);
	assert_string_equal(fmt(&p, &r, "dns_parse_err"), "1");
	probe_close(&p);
}

/* Every byte printable, none of the csv separator or the quote, the length as returned. */
static void check_clean(const char *s, size_t n, size_t cap)
{
	assert_true(n < cap || (cap == 0 && n == 0));
	if (!cap)
		return;
	assert_int_equal(strlen(s), n);
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == ',' || s[i] == '"')
			fail_msg("byte 0x%02x in '%s'", (unsigned char)s[i], s);
}

static void hostile_replies_format_safely(void **state)
{
	struct probe p;
	uint8_t q[PROBE_FRAME_MAX];
	struct probe_result r;
	struct msg m;
	char err[256], buf[1024];
	uint32_t qn, seed = 12345;
	(void)state;

	assert_int_equal(make_probe(&p, 1, "A,example.test", err), 0);
	qn = fixture_frame(&p, q, TARGET, 53, 0);
	for (int it = 0; it < 20000; it++) {
		uint32_t extra;

		reply_to(&m, q, qn, 0);
		seed = seed * 1103515245u + 12345u;
		extra = (seed >> 8) % 300;
		for (uint32_t i = 0; i < extra; i++) {
			seed = seed * 1103515245u + 12345u;
			/* Mostly small bytes and pointers to the start: names and counts that
			 * half make sense reach deeper than noise. */
			m.b[m.n++] = (uint8_t)((seed >> 16) % 4 == 0   ? 0xc0
					       : (seed >> 16) % 4 == 1 ? (seed >> 20) % 40
								       : seed >> 24);
		}
		seed = seed * 1103515245u + 12345u;
		counts(&m, (uint16_t)(seed >> 28), (uint16_t)((seed >> 24) & 3),
		       (uint16_t)(seed >> 8));
		accept(&p, q, &m, &r);
		for (unsigned f = 0; f < p.ops->field_count; f++) {
			size_t cap = (it % 7 == 0) ? (size_t)(1 + it % 40) : sizeof(buf);
			size_t n = p.ops->fields[f].format(&r, buf, cap);

			check_clean(buf, n, cap);
		}
	}
	probe_close(&p);
}

/* A field cut for room holds whole records: a prefix of the full value, ending at a ';'. */
static void a_field_that_does_not_fit_holds_whole_records(void **state)
{
	struct probe p;
	uint8_t q[PROBE_FRAME_MAX];
	struct probe_result r;
	struct msg m;
	char err[256], full[1024], buf[1024];
	uint32_t qn;
	size_t n;
	(void)state;

	assert_int_equal(make_probe(&p, 1, "A,example.test", err), 0);
	qn = fixture_frame(&p, q, TARGET, 53, 0);
	reply_to(&m, q, qn, 0);
	for (int i = 0; i < 10; i++)
		rr(&m, "\xc0\x0c", 2, 1, "\xc6\x12\x63\x05", 4);
	counts(&m, 10, 0, 0);
	accept(&p, q, &m, &r);
	n = field(&p, "dns_answers")->format(&r, full, sizeof(full));
	assert_int_equal(n, 10 * 26 + 9);
	for (size_t cap = 1; cap < sizeof(full); cap++) {
		n = field(&p, "dns_answers")->format(&r, buf, cap);
		check_clean(buf, n, cap);
		assert_memory_equal(buf, full, n);
		assert_true(n == 0 || full[n] == ';' || full[n] == '\0');
		/* And as many as fit: the next (';' and 26 bytes, and the NUL) would not. */
		assert_true((n ? n + 27 : 26) + 1 > cap || n == strlen(full));
	}
	probe_close(&p);
}

static void field_names_are_zmaps(void **state)
{
	static const char *names[] = { "app_success",	  "dns_id",
				       "dns_rd",	  "dns_tc",
				       "dns_aa",	  "dns_opcode",
				       "dns_qr",	  "dns_rcode",
				       "dns_cd",	  "dns_ad",
				       "dns_z",		  "dns_ra",
				       "dns_qdcount",	  "dns_ancount",
				       "dns_nscount",	  "dns_arcount",
				       "dns_questions",	  "dns_answers",
				       "dns_authorities", "dns_additionals",
				       "dns_parse_err",	  "dns_unconsumed_bytes",
				       "raw_data" };
	const struct probe_ops *ops = probe_by_name("dns");
	(void)state;

	assert_non_null(ops);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int found = 0;

		for (unsigned j = 0; j < ops->field_count; j++)
			found += strcmp(ops->fields[j].name, names[i]) == 0;
		if (found != 1)
			fail_msg("field %s: %d", names[i], found);
	}
	assert_int_equal(ops->portless, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_query_is_zmaps_a_for_www_google_com),
		cmocka_unit_test(probe_args_choose_type_name_and_recursion),
		cmocka_unit_test(bad_probe_args_are_one_clear_line),
		cmocka_unit_test(several_questions_are_spread_over_the_probes),
		cmocka_unit_test(reply_validates_and_decodes),
		cmocka_unit_test(replies_not_to_our_query_are_dropped),
		cmocka_unit_test(a_reply_repeats_the_question_its_port_asked),
		cmocka_unit_test(icmp_port_unreachable_is_a_failure),
		cmocka_unit_test(answers_of_each_type_are_decoded),
		cmocka_unit_test(parse_errors_and_cut_messages_are_told_apart),
		cmocka_unit_test(hostile_replies_format_safely),
		cmocka_unit_test(a_field_that_does_not_fit_holds_whole_records),
		cmocka_unit_test(field_names_are_zmaps),
	};

	return fixture_run_each_prf("dns", tests, sizeof(tests) / sizeof(tests[0]));
}
