/*
 * Unit tests for IPv6 probes (tcp_synscan's template6, patch6 and validate6): the frames it
 * builds, checked field by field and with an independent checksum over the IPv6
 * pseudo-header; replies built by hand validated, and every forged or cut-short one refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe_fixtures.h"
#include "probe/packet6.h"
#include "probe/udp_common.h"
#include "util/clock.h"
#include "util/siphash.h"

static const uint8_t US6[16] = { 0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t TARGET6[16] = { 0x20, 0x01, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5 };
static const uint8_t ROUTER6[16] = { 0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

static void probe6_module(struct probe *p, const char *module, uint32_t probes, const char *args)
{
	char err[256] = "";

	memset(p, 0, sizeof(*p));
	/* The fixture sets everything but the IPv6 source, which init must see. */
	assert_int_equal(fixture_probe(p, module, probes, args, 32768, 28233, 7, err), 0);
	probe_close(p);
	memcpy(p->params.saddr6, US6, 16);
	p->params.gwmac6[5] = 0x66;
	assert_int_equal(probe_init(p, err, sizeof(err)), 0);
	assert_non_null(p->ops->template6);
}

static void probe6(struct probe *p, uint32_t probes, const char *args)
{
	probe6_module(p, "tcp_synscan", probes, args);
}

static uint32_t frame6(const struct probe *p, uint8_t *f, const uint8_t daddr[16], uint16_t dport,
		       uint32_t k)
{
	memset(f, 0xee, PROBE_FRAME_MAX);
	assert_true(probe_template6(p, f, PROBE_FRAME_MAX) > 0);
	return probe_patch6(p, f, daddr, dport, k);
}

/* The upper-layer checksum over the IPv6 pseudo-header (RFC 8200 8.1), from scratch. */
static uint16_t ref_l4_6_sum(const uint8_t *ip, uint32_t l4_len, uint8_t proto)
{
	uint8_t pseudo[40] = { 0 };

	memcpy(pseudo, ip + 8, 32);
	packet_put32(pseudo + 32, l4_len);
	pseudo[39] = proto;
	return ref_sum(ip + 40, l4_len, ref_sum(pseudo, sizeof(pseudo), 0));
}

static uint16_t ref_tcp6_sum(const uint8_t *ip, uint32_t tcp_len)
{
	return ref_l4_6_sum(ip, tcp_len, 6);
}

/* An ICMPv6 error (type, code) from `from` to us quoting the first quote_len bytes of our
 * probe frame f's IPv6 packet, into r6; returns its length. */
static uint32_t icmp6_error_quoting(uint8_t *r6, const uint8_t from[16], uint8_t type, uint8_t code,
				    const uint8_t *f, uint32_t quote_len)
{
	memset(r6, 0, 14 + 40 + 8 + quote_len);
	packet_put16(r6 + 12, ETHERTYPE_IPV6_);
	r6[14] = 0x60;
	packet_put16(r6 + 18, (uint16_t)(8 + quote_len));
	r6[20] = 58;
	r6[21] = 64;
	memcpy(r6 + 22, from, 16);
	memcpy(r6 + 38, US6, 16);
	r6[54] = type;
	r6[55] = code;
	memcpy(r6 + 62, f + 14, quote_len);
	return 14 + 40 + 8 + quote_len;
}

/* The same quoting 48 bytes: the IPv6 header and 8 of its payload, as little as is allowed. */
static uint32_t icmp6_error(uint8_t *r6, const uint8_t from[16], uint8_t type, uint8_t code,
			    const uint8_t *f)
{
	return icmp6_error_quoting(r6, from, type, code, f, 48);
}

static void test_syn6_frame(void **state)
{
	struct probe p;
	uint8_t f[PROBE_FRAME_MAX];
	struct packet_view6 v;

	(void)state;
	probe6(&p, 1, NULL);
	uint32_t len = frame6(&p, f, TARGET6, 443, 0);

	assert_int_equal(len, 14 + 40 + 24); /* MSS option by default */
	assert_int_equal(packet_get16(f + 12), ETHERTYPE_IPV6_);
	assert_memory_equal(f, p.params.gwmac6, 6);
	assert_memory_equal(f + 6, p.params.smac, 6);
	assert_int_equal(f[14] >> 4, 6);
	assert_int_equal(packet_get16(f + 14 + 4), 24); /* payload length */
	assert_int_equal(f[14 + 6], 6);			/* next header: TCP */
	assert_int_equal(f[14 + 7], 255);		/* hop limit: the probe TTL */
	assert_memory_equal(f + 14 + 8, US6, 16);
	assert_memory_equal(f + 14 + 24, TARGET6, 16);
	assert_int_equal(packet_get16(f + 54 + 2), 443);
	assert_int_equal(f[54 + 13], TCP_FLAG_SYN);
	assert_int_equal(ref_tcp6_sum(f + 14, 24), 0xffff);
	/* It parses as what it is. */
	assert_int_equal(packet_parse_ipv6(f, len, &v), 0);
	assert_int_equal(v.proto, 6);
	assert_int_equal(v.l4_len, 24);
	assert_memory_equal(v.daddr, TARGET6, 16);
	probe_close(&p);
}

/* Every option preset, many targets and ports: the checksum is right for each. */
static void test_syn6_checksums(void **state)
{
	static const char *const presets[] = { "mss", "none", "linux", "windows", "bsd" };
	uint8_t f[PROBE_FRAME_MAX], d[16];

	(void)state;
	srand(6);
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++) {
		struct probe p;

		probe6(&p, 2, presets[i]);
		for (int n = 0; n < 2000; n++) {
			for (int b = 0; b < 16; b++)
				d[b] = (uint8_t)rand();
			uint32_t len = frame6(&p, f, d, (uint16_t)rand(), (uint32_t)(n & 1));

			assert_int_equal(ref_tcp6_sum(f + 14, len - 54), 0xffff);
		}
		probe_close(&p);
	}
}

/* A reply from target:dport to us:sport acknowledging ack, with these flags. */
static uint32_t reply6(uint8_t *f, const uint8_t from[16], const uint8_t to[16], uint16_t sport,
		       uint16_t dport, uint32_t ack, uint8_t flags)
{
	uint8_t *ip = f + 14, *tcp = ip + 40;

	memset(f, 0, 14 + 40 + 20);
	packet_put16(f + 12, ETHERTYPE_IPV6_);
	ip[0] = 0x60;
	packet_put16(ip + 4, 20);
	ip[6] = 6;
	ip[7] = 57;
	memcpy(ip + 8, from, 16);
	memcpy(ip + 24, to, 16);
	packet_put16(tcp, sport);
	packet_put16(tcp + 2, dport);
	packet_put32(tcp + 4, 0x01020304);
	packet_put32(tcp + 8, ack);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	packet_put16(tcp + 14, 29200);
	return 14 + 40 + 20;
}

static int check6(const struct probe *p, const uint8_t *f, uint32_t len, struct probe_result *r)
{
	struct packet_view6 v;

	memset(r, 0, sizeof(*r));
	return packet_parse_ipv6(f, len, &v) == 0 && probe_validate6(p, &v, r);
}

static void test_syn6_replies(void **state)
{
	struct probe p;
	uint8_t probe_frame[PROBE_FRAME_MAX], f[128], other[16];
	struct probe_result r;
	uint16_t sport;
	uint32_t seq, len;

	(void)state;
	probe6(&p, 1, NULL);
	frame6(&p, probe_frame, TARGET6, 8080, 0);
	sport = packet_get16(probe_frame + 54);
	seq = packet_get32(probe_frame + 54 + 4);

	/* A SYN-ACK: open; its fields as sent. */
	len = reply6(f, TARGET6, US6, 8080, sport, seq + 1, TCP_FLAG_SYN | TCP_FLAG_ACK);
	assert_true(check6(&p, f, len, &r));
	assert_int_equal(r.family, 6);
	assert_memory_equal(r.saddr6, TARGET6, 16);
	assert_memory_equal(r.daddr6, US6, 16);
	assert_int_equal(r.sport, 8080);
	assert_int_equal(r.dport, sport);
	assert_int_equal(r.ttl, 57);
	assert_int_equal(r.window, 29200);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "synack");
	assert_true(r.success);
	/* A RST: closed. */
	len = reply6(f, TARGET6, US6, 8080, sport, seq + 1, TCP_FLAG_RST | TCP_FLAG_ACK);
	assert_true(check6(&p, f, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "rst");
	assert_false(r.success);

	/* Forgeries: the wrong acknowledgement, port, target, destination, flags. */
	len = reply6(f, TARGET6, US6, 8080, sport, seq + 2, TCP_FLAG_SYN | TCP_FLAG_ACK);
	assert_false(check6(&p, f, len, &r));
	len = reply6(f, TARGET6, US6, 8081, sport, seq + 1, TCP_FLAG_SYN | TCP_FLAG_ACK);
	assert_false(check6(&p, f, len, &r));
	len = reply6(f, TARGET6, US6, 8080, (uint16_t)(sport + 1), seq + 1,
		     TCP_FLAG_SYN | TCP_FLAG_ACK);
	assert_false(check6(&p, f, len, &r));
	memcpy(other, TARGET6, 16);
	other[15] ^= 1;
	len = reply6(f, other, US6, 8080, sport, seq + 1, TCP_FLAG_SYN | TCP_FLAG_ACK);
	assert_false(check6(&p, f, len, &r));
	len = reply6(f, TARGET6, other, 8080, sport, seq + 1, TCP_FLAG_SYN | TCP_FLAG_ACK);
	assert_false(check6(&p, f, len, &r));
	len = reply6(f, TARGET6, US6, 8080, sport, seq + 1, TCP_FLAG_ACK);
	assert_false(check6(&p, f, len, &r));
	/* The same reply as an IPv4 frame's bytes: not IPv6, not ours. */
	len = reply6(f, TARGET6, US6, 8080, sport, seq + 1, TCP_FLAG_SYN | TCP_FLAG_ACK);
	packet_put16(f + 12, 0x0800);
	assert_false(check6(&p, f, len, &r));
	/* Cut short anywhere: refused, never read past the end. */
	len = reply6(f, TARGET6, US6, 8080, sport, seq + 1, TCP_FLAG_SYN | TCP_FLAG_ACK);
	for (uint32_t cut = 0; cut < len; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);

		memcpy(copy, f, cut);
		assert_false(check6(&p, copy, cut, &r));
		free(copy);
	}
	probe_close(&p);
}

/* Random bytes after a valid IPv6 + TCP header prefix: validate6 never accepts a forgery by
 * chance and never reads out of bounds (ASan and valgrind watch this one). */
static void test_syn6_random_replies(void **state)
{
	struct probe p;
	struct probe_result r;
	uint8_t f[128];

	(void)state;
	probe6(&p, 1, NULL);
	srand(66);
	for (int n = 0; n < 100000; n++) {
		uint32_t len = (uint32_t)rand() % sizeof(f);

		for (uint32_t i = 0; i < len; i++)
			f[i] = (uint8_t)rand();
		if (len >= 14 + 40 + 20 && n % 2) {
			reply6(f, TARGET6, US6, (uint16_t)rand(), (uint16_t)rand(),
			       (uint32_t)rand(), (uint8_t)rand());
			len = 14 + 40 + 20;
		}
		assert_false(check6(&p, f, len, &r));
	}
	probe_close(&p);
}

/* udp over IPv6: the port's payload, lengths, checksum; a reply and an ICMPv6 port unreachable
 * quoting the probe validate (open, closed); a quote of another source does not. */
static void test_udp6_frames_and_replies(void **state)
{
	struct probe p;
	uint8_t f[PROBE_FRAME_MAX], r6[256];
	struct probe_result r;
	const uint8_t *payload;
	uint16_t plen, sport;
	const char *name;
	uint32_t len;

	(void)state;
	probe6_module(&p, "udp", 1, NULL);
	len = frame6(&p, f, TARGET6, 53, 0);
	assert_int_equal(probe_udp_payload_for_port(53, &payload, &plen, &name), 1);
	assert_int_equal(len, 14 + 40 + 8 + plen);
	assert_int_equal(f[14 + 6], 17);
	assert_int_equal(packet_get16(f + 14 + 4), 8 + plen);
	assert_int_equal(packet_get16(f + 54 + 4), 8 + plen);
	assert_memory_equal(f + 62, payload, plen);
	assert_int_equal(ref_l4_6_sum(f + 14, 8 + plen, 17), 0xffff);
	for (uint16_t port = 1; port < 2000; port += 7) {
		len = frame6(&p, f, TARGET6, port, 0);
		assert_int_equal(ref_l4_6_sum(f + 14, len - 54, 17), 0xffff);
	}
	len = frame6(&p, f, TARGET6, 53, 0);
	sport = packet_get16(f + 54);

	/* A reply from the service. */
	memset(r6, 0, sizeof(r6));
	packet_put16(r6 + 12, ETHERTYPE_IPV6_);
	r6[14] = 0x60;
	packet_put16(r6 + 18, 8 + 4);
	r6[20] = 17;
	r6[21] = 60;
	memcpy(r6 + 22, TARGET6, 16);
	memcpy(r6 + 38, US6, 16);
	packet_put16(r6 + 54, 53);
	packet_put16(r6 + 56, sport);
	packet_put16(r6 + 58, 12);
	memcpy(r6 + 62, "pong", 4);
	assert_true(check6(&p, r6, 66, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "udp");
	assert_true(r.success);
	assert_int_equal(r.data_len, 4);
	assert_memory_equal(r.saddr6, TARGET6, 16);
	/* From another port: not ours. */
	packet_put16(r6 + 54, 54);
	assert_false(check6(&p, r6, 66, &r));

	/* An ICMPv6 port unreachable from the target quoting the probe (48 bytes of it). */
	len = icmp6_error(r6, TARGET6, ICMP6_DST_UNREACH, 4, f);
	assert_true(check6(&p, r6, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "port-unreachable");
	assert_false(r.success);
	assert_int_equal(r.sport, 53);
	assert_int_equal(r.dport, sport);
	/* Another code: unreachable, not a closed port. */
	r6[55] = 1;
	assert_true(check6(&p, r6, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "unreachable");
	/* A quote of a probe from another source, or to another port of ours: not ours. */
	r6[55] = 4;
	r6[62 + 8 + 15] ^= 1;
	assert_false(check6(&p, r6, len, &r));
	r6[62 + 8 + 15] ^= 1;
	packet_put16(r6 + 62 + 40, (uint16_t)(sport + 1));
	assert_false(check6(&p, r6, len, &r));
	probe_close(&p);
}

/* icmp_echoscan over IPv6: an echo reply with our identifier and sequence number is alive; an
 * ICMPv6 error quoting our request is unreachable; another identifier is not ours. */
static void test_echo6_replies(void **state)
{
	struct probe p;
	uint8_t f[PROBE_FRAME_MAX], r6[256];
	struct probe_result r;
	uint32_t len;

	(void)state;
	probe6_module(&p, "icmp6_echoscan", 1, NULL);
	len = frame6(&p, f, TARGET6, 0, 0);
	assert_int_equal(len, 14 + 40 + 8);
	assert_int_equal(f[54], ICMP6_ECHO_REQUEST);
	assert_int_equal(ref_l4_6_sum(f + 14, 8, 58), 0xffff);

	/* The reply: the request with addresses swapped and type 129. */
	memcpy(r6, f, len);
	memcpy(r6 + 22, TARGET6, 16);
	memcpy(r6 + 38, US6, 16);
	r6[54] = ICMP6_ECHO_REPLY;
	assert_true(check6(&p, r6, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "echoreply");
	assert_true(r.success);
	assert_memory_equal(r.saddr6, TARGET6, 16);
	r6[58] ^= 1; /* another identifier */
	assert_false(check6(&p, r6, len, &r));
	r6[58] ^= 1;
	r6[37] ^= 1; /* from another address */
	assert_false(check6(&p, r6, len, &r));
	r6[37] ^= 1;
	r6[54] = ICMP6_ECHO_REQUEST; /* a request is no reply */
	assert_false(check6(&p, r6, len, &r));

	/* Destination unreachable from a router, quoting the request. */
	len = icmp6_error(r6, ROUTER6, ICMP6_DST_UNREACH, 0, f);
	assert_true(check6(&p, r6, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "unreachable");
	assert_false(r.success);
	assert_memory_equal(r.saddr6, TARGET6, 16);
	r6[54] = ICMP6_TIME_EXCEEDED;
	assert_true(check6(&p, r6, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "timxceed");
	r6[62 + 40 + 4] ^= 1; /* a quote of a request with another identifier */
	assert_false(check6(&p, r6, len, &r));
	probe_close(&p);
}

/* dns over IPv6: the query as over IPv4 behind an IPv6 header; a reply with our id that
 * repeats the question its port asked is a success; another id, another question, or a
 * quote of a datagram of another length is not ours; ICMPv6 port unreachable is a closed port. */
static void test_dns6_replies(void **state)
{
	static const uint8_t qname[] = "\7example\4test";
	struct probe p;
	uint8_t f[PROBE_FRAME_MAX], r6[512];
	struct probe_result r;
	uint32_t len, qlen;
	uint16_t sport;

	(void)state;
	probe6_module(&p, "dns", 1, "AAAA,example.test");
	len = frame6(&p, f, TARGET6, 53, 0);
	qlen = 12 + sizeof(qname) + 4;
	assert_int_equal(len, 14 + 40 + 8 + qlen);
	assert_int_equal(f[14 + 6], 17);
	assert_int_equal(packet_get16(f + 14 + 4), 8 + qlen);
	assert_int_equal(packet_get16(f + 56), 53);
	assert_memory_equal(f + 62 + 12, qname, sizeof(qname));
	assert_int_equal(packet_get16(f + 62 + 12 + sizeof(qname)), 28);
	assert_int_equal(ref_l4_6_sum(f + 14, 8 + qlen, 17), 0xffff);
	sport = packet_get16(f + 54);

	/* The server's answer: the query back, addresses and ports swapped, QR set. */
	memcpy(r6, f, len);
	memcpy(r6 + 22, TARGET6, 16);
	memcpy(r6 + 38, US6, 16);
	packet_put16(r6 + 54, 53);
	packet_put16(r6 + 56, sport);
	r6[62 + 2] |= 0x80;
	assert_true(check6(&p, r6, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "dns");
	assert_true(r.success);
	assert_int_equal(r.family, 6);
	assert_memory_equal(r.saddr6, TARGET6, 16);
	assert_memory_equal(r.daddr6, US6, 16);
	assert_int_equal(r.data_len, qlen);
	r6[62] ^= 1; /* another transaction id */
	assert_false(check6(&p, r6, len, &r));
	r6[62] ^= 1;
	r6[62 + 13] = 'E'; /* the same name in another case: still our question */
	assert_true(check6(&p, r6, len, &r));
	r6[62 + 13] = 'x'; /* another name */
	assert_false(check6(&p, r6, len, &r));
	r6[62 + 13] = 'e';
	r6[62 + 2] &= 0x7f; /* a query, not a response */
	assert_false(check6(&p, r6, len, &r));

	/* ICMPv6 port unreachable quoting the query. */
	len = icmp6_error(r6, TARGET6, ICMP6_DST_UNREACH, 4, f);
	assert_true(check6(&p, r6, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "port-unreachable");
	assert_false(r.success);
	assert_int_equal(r.sport, 53);
	assert_int_equal(r.dport, sport);
	assert_memory_equal(r.saddr6, TARGET6, 16);
	r6[55] = 0;
	assert_true(check6(&p, r6, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "unreachable");
	packet_put16(r6 + 62 + 40 + 4, 8 + qlen + 1); /* a datagram of another length */
	assert_false(check6(&p, r6, len, &r));
	probe_close(&p);
}

/* A field of the module, formatted. */
static const char *field6(const struct probe *p, const struct probe_result *r, const char *name)
{
	static char buf[128];

	for (size_t i = 0; i < p->ops->field_count; i++)
		if (strcmp(p->ops->fields[i].name, name) == 0) {
			p->ops->fields[i].format(r, buf, sizeof(buf));
			return buf;
		}
	fail_msg("no field %s", name);
	return NULL;
}

/* tcp_synackscan over IPv6: a RST carrying our acknowledgement number as its sequence number,
 * or a SYN-ACK acknowledging our sequence number + 1, is the host answering; other numbers are
 * not ours; an ICMPv6 error quoting the probe is "icmp", its sender in icmp_responder. */
static void test_synack6_replies(void **state)
{
	struct probe p;
	uint8_t probe_frame[PROBE_FRAME_MAX], f[256];
	struct probe_result r;
	uint32_t seq, ack, len;
	uint16_t sport;

	(void)state;
	probe6_module(&p, "tcp_synackscan", 1, NULL);
	len = frame6(&p, probe_frame, TARGET6, 443, 0);
	assert_int_equal(probe_frame[54 + 13], TCP_FLAG_SYN | TCP_FLAG_ACK);
	assert_int_equal(ref_tcp6_sum(probe_frame + 14, len - 54), 0xffff);
	sport = packet_get16(probe_frame + 54);
	seq = packet_get32(probe_frame + 54 + 4);
	ack = packet_get32(probe_frame + 54 + 8);

	/* The RST: its sequence number is our acknowledgement number. */
	len = reply6(f, TARGET6, US6, 443, sport, 0, TCP_FLAG_RST);
	packet_put32(f + 54 + 4, ack);
	assert_true(check6(&p, f, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "rst");
	assert_true(r.success);
	assert_memory_equal(r.saddr6, TARGET6, 16);
	assert_string_equal(field6(&p, &r, "icmp_responder"), "");
	packet_put32(f + 54 + 4, ack + 2); /* another number, and no acknowledgement of ours */
	assert_false(check6(&p, f, len, &r));
	/* A SYN-ACK acknowledging ours. */
	len = reply6(f, TARGET6, US6, 443, sport, seq + 1, TCP_FLAG_SYN | TCP_FLAG_ACK);
	assert_true(check6(&p, f, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "synack");
	len = reply6(f, TARGET6, US6, 443, sport, seq + 2, TCP_FLAG_SYN | TCP_FLAG_ACK);
	assert_false(check6(&p, f, len, &r));

	/* Administratively prohibited, from a router, quoting the probe. */
	len = icmp6_error(f, ROUTER6, ICMP6_DST_UNREACH, 1, probe_frame);
	assert_true(check6(&p, f, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "icmp");
	assert_false(r.success);
	assert_memory_equal(r.saddr6, TARGET6, 16);
	assert_int_equal(r.sport, 443);
	assert_int_equal(r.dport, sport);
	assert_string_equal(field6(&p, &r, "icmp_responder"), "2001:2::2");
	assert_string_equal(field6(&p, &r, "icmp_type"), "1");
	assert_string_equal(field6(&p, &r, "icmp_code"), "1");
	packet_put32(f + 62 + 40 + 4, seq + 1); /* a quote of a segment with another number */
	assert_false(check6(&p, f, len, &r));
	probe_close(&p);
}

/* icmp_echo_time over IPv6: the request carries its send time and the address under a check
 * word; the reply gives the round trip time; a reply or an error whose payload was altered is
 * not taken; an error quoting the whole request brings the time back, one quoting 8 bytes not. */
static void test_echotime6_replies(void **state)
{
	struct probe p;
	uint8_t f[PROBE_FRAME_MAX], r6[256];
	struct probe_result r;
	uint64_t before, after, sent;
	uint32_t len;
	char want[32];

	(void)state;
	probe6_module(&p, "icmp_echo_time", 1, NULL);
	before = clock_real_us();
	len = frame6(&p, f, TARGET6, 0, 0);
	after = clock_real_us();
	assert_int_equal(len, 14 + 40 + 8 + 28);
	assert_int_equal(packet_get16(f + 18), 8 + 28);
	assert_int_equal(f[54], ICMP6_ECHO_REQUEST);
	assert_int_equal(ref_l4_6_sum(f + 14, 36, 58), 0xffff);
	sent = (uint64_t)packet_get32(f + 62) * 1000000 + packet_get32(f + 66);
	assert_true(sent >= before && sent <= after);
	assert_memory_equal(f + 70, TARGET6, 16);
	assert_int_equal(packet_get32(f + 86), (uint32_t)siphash24(f + 62, 24, p.params.key));

	/* The reply: the request with addresses swapped and type 129. */
	memcpy(r6, f, len);
	memcpy(r6 + 22, TARGET6, 16);
	memcpy(r6 + 38, US6, 16);
	r6[21] = 57;
	r6[54] = ICMP6_ECHO_REPLY;
	assert_true(check6(&p, r6, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "echoreply");
	assert_true(r.success);
	assert_memory_equal(r.saddr6, TARGET6, 16);
	assert_int_equal(r.ttl, 57);
	r.timestamp_us = sent + 4321;
	assert_string_equal(field6(&p, &r, "rtt_us"), "4321");
	snprintf(want, sizeof(want), "%llu", (unsigned long long)(sent / 1000000));
	assert_string_equal(field6(&p, &r, "sent_timestamp_ts"), want);
	assert_string_equal(field6(&p, &r, "type"), "129");
	assert_string_equal(field6(&p, &r, "dst_raw"), "null");
	snprintf(want, sizeof(want), "%u", packet_get16(f + 58));
	assert_string_equal(field6(&p, &r, "icmp_id"), want);
	for (int off = 0; off < 28; off++) { /* any payload byte: time, address or check word */
		r6[62 + off] ^= 0x10;
		assert_false(check6(&p, r6, len, &r));
		r6[62 + off] ^= 0x10;
	}
	packet_put16(r6 + 18, 8 + 27); /* cut short of the check word */
	assert_false(check6(&p, r6, len - 1, &r));
	packet_put16(r6 + 18, 8 + 28);
	r6[37] ^= 1; /* from another address */
	assert_false(check6(&p, r6, len, &r));
	r6[37] ^= 1;
	assert_true(check6(&p, r6, len, &r));

	/* An error quoting the whole request: the time comes back with it. */
	len = icmp6_error_quoting(r6, ROUTER6, ICMP6_DST_UNREACH, 0, f, 40 + 36);
	assert_true(check6(&p, r6, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "unreach");
	assert_false(r.success);
	assert_memory_equal(r.saddr6, TARGET6, 16);
	r.timestamp_us = sent + 10;
	assert_string_equal(field6(&p, &r, "rtt_us"), "10");
	assert_string_equal(field6(&p, &r, "type"), "1");
	r6[54] = ICMP6_TIME_EXCEEDED;
	assert_true(check6(&p, r6, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "timxceed");
	r6[62 + 40 + 8 + 2] ^= 1; /* a quoted time that is not ours */
	assert_false(check6(&p, r6, len, &r));

	/* One quoting 8 bytes of the request: matched, without a time. */
	len = icmp6_error(r6, ROUTER6, ICMP6_DST_UNREACH, 3, f);
	assert_true(check6(&p, r6, len, &r));
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "unreach");
	assert_string_equal(field6(&p, &r, "code"), "3");
	assert_string_equal(field6(&p, &r, "sent_timestamp_ts"), "0");
	assert_string_equal(field6(&p, &r, "rtt_us"), "0");
	probe_close(&p);
}

/* The TUM fork's IPv6 module names are salvo's modules, which probe IPv6. */
static void test_tum_fork_names(void **state)
{
	static const char *const names[][2] = { { "ipv6_tcp_synscan", "tcp_synscan" },
						{ "ipv6_udp", "udp" },
						{ "icmp6_echoscan", "icmp_echoscan" },
						{ "ipv6_dns", "dns" } };

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct probe_ops *ops = probe_by_name(names[i][0]);

		assert_non_null(ops);
		assert_ptr_equal(ops, probe_by_name(names[i][1]));
		assert_non_null(ops->template6);
	}
}

/* Every module of the table that probes IPv6: its frames parse as IPv6 and their upper-layer
 * checksum is right, for many targets and ports; the ones that do not, have none of the three. */
static void test_every_ipv6_module_builds_right_frames(void **state)
{
	uint8_t f[PROBE_FRAME_MAX], d[16];
	const struct probe_ops *ops;
	unsigned with = 0;

	(void)state;
	srand(16);
	for (size_t i = 0; (ops = probe_at(i)); i++) {
		struct probe p;
		struct packet_view6 v;

		if (!ops->template6) {
			assert_null(ops->patch6);
			assert_null(ops->validate6);
			continue;
		}
		assert_non_null(ops->patch6);
		assert_non_null(ops->validate6);
		with++;
		probe6_module(&p, ops->name, 1, NULL);
		for (int n = 0; n < 500; n++) {
			for (int b = 0; b < 16; b++)
				d[b] = (uint8_t)rand();
			uint32_t len = frame6(&p, f, d, ops->portless ? 0 : (uint16_t)rand(), 0);

			assert_int_equal(packet_parse_ipv6(f, len, &v), 0);
			assert_int_equal(v.l4_len, len - 54);
			assert_memory_equal(v.daddr, d, 16);
			assert_int_equal(ref_l4_6_sum(f + 14, v.l4_len, v.proto), 0xffff);
		}
		probe_close(&p);
	}
	/* tcp_synscan and synackscan, udp, ntp, upnp, icmp_echoscan and icmp_echo_time, dns */
	assert_true(with >= 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syn6_frame),
		cmocka_unit_test(test_syn6_checksums),
		cmocka_unit_test(test_syn6_replies),
		cmocka_unit_test(test_syn6_random_replies),
		cmocka_unit_test(test_udp6_frames_and_replies),
		cmocka_unit_test(test_every_ipv6_module_builds_right_frames),
		cmocka_unit_test(test_echo6_replies),
		cmocka_unit_test(test_dns6_replies),
		cmocka_unit_test(test_synack6_replies),
		cmocka_unit_test(test_echotime6_replies),
		cmocka_unit_test(test_tum_fork_names),
	};

	return fixture_run_each_prf("probe6", tests, sizeof(tests) / sizeof(tests[0]));
}
