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
#include <stdlib.h>
#include <string.h>

#include "probe_fixtures.h"
#include "probe/packet6.h"

static const uint8_t US6[16] = { 0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t TARGET6[16] = { 0x20, 0x01, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5 };

static void probe6(struct probe *p, uint32_t probes, const char *args)
{
	char err[256] = "";

	memset(p, 0, sizeof(*p));
	/* The fixture sets everything but the IPv6 source, which init must see. */
	assert_int_equal(fixture_probe(p, "tcp_synscan", probes, args, 32768, 28233, 7, err), 0);
	memcpy(p->params.saddr6, US6, 16);
	p->params.gwmac6[5] = 0x66;
	assert_int_equal(probe_init(p, err, sizeof(err)), 0);
	assert_non_null(p->ops->template6);
}

static uint32_t frame6(const struct probe *p, uint8_t *f, const uint8_t daddr[16], uint16_t dport,
		       uint32_t k)
{
	memset(f, 0xee, PROBE_FRAME_MAX);
	assert_true(probe_template6(p, f, PROBE_FRAME_MAX) > 0);
	return probe_patch6(p, f, daddr, dport, k);
}

/* The TCP checksum over the IPv6 pseudo-header (RFC 8200 8.1), computed from scratch. */
static uint16_t ref_tcp6_sum(const uint8_t *ip, uint32_t tcp_len)
{
	uint8_t pseudo[40] = { 0 };

	memcpy(pseudo, ip + 8, 32);
	packet_put32(pseudo + 32, tcp_len);
	pseudo[39] = 6;
	return ref_sum(ip + 40, tcp_len, ref_sum(pseudo, sizeof(pseudo), 0));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syn6_frame),
		cmocka_unit_test(test_syn6_checksums),
		cmocka_unit_test(test_syn6_replies),
		cmocka_unit_test(test_syn6_random_replies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
