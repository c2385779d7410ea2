/*
 * Unit tests for probing from several sources (-S a range or list, ZMap's): which source
 * probe_source gives a target (every source used, evenly, always the same one for a target),
 * every module's IPv4 frames carrying it with both checksums right (summed here with
 * probe_fixtures.h's independent sum), and validation taking a reply only at the source its
 * target was probed from: a SYN-ACK, a UDP answer, an echo reply and ICMP errors quoting a
 * probe, each refused when sent to another of our sources.  Addresses in 198.18.0.0/15.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "probe/udp_common.h"
#include "probe_fixtures.h"

#define SOURCES 8
static const uint32_t sources[SOURCES] = {
	IP(198, 18, 0, 10), IP(198, 18, 0, 11), IP(198, 18, 0, 12), IP(198, 18, 0, 13),
	IP(198, 18, 0, 14), IP(198, 18, 0, 15), IP(198, 18, 0, 16), IP(198, 18, 0, 17),
};

/* Module name, set up as the scan sets it up with -S 198.18.0.10-198.18.0.17. */
static void make(struct probe *p, const char *name)
{
	assert_int_equal(fixture_probe(p, name, 1, NULL, 32768, 28233, 5, NULL), 0);
	p->params.saddr = sources[0];
	p->params.saddrs = sources;
	p->params.saddr_count = SOURCES;
}

static int source_index(uint32_t a)
{
	for (int i = 0; i < SOURCES; i++)
		if (sources[i] == a)
			return i;
	return -1;
}

/* Over a /16 of targets every source gets its share within 5 %, and each target one source. */
static void every_source_is_used_evenly_and_each_target_keeps_its_own(void **state)
{
	struct probe p;
	unsigned used[SOURCES] = { 0 };

	(void)state;
	make(&p, "tcp_synscan");
	for (uint32_t d = IP(198, 18, 0, 0); d < IP(198, 19, 0, 0); d++) {
		int i = source_index(probe_source(&p.params, d));

		assert_true(i >= 0);
		assert_int_equal(probe_source(&p.params, d), sources[i]);
		used[i]++;
	}
	for (int i = 0; i < SOURCES; i++) {
		assert_true(used[i] > 65536 / SOURCES * 95 / 100);
		assert_true(used[i] < 65536 / SOURCES * 105 / 100);
	}
	/* One source (or none given as a list): saddr itself. */
	p.params.saddr_count = 1;
	assert_int_equal(probe_source(&p.params, IP(198, 18, 1, 5)), sources[0]);
	p.params.saddr_count = 0;
	assert_int_equal(probe_source(&p.params, IP(198, 18, 1, 5)), sources[0]);
}

/* Every module's frame to 512 targets: from probe_source's choice, both checksums right. */
static void every_module_sends_from_the_chosen_source_with_right_checksums(void **state)
{
	uint8_t f[PROBE_FRAME_MAX];
	const struct probe_ops *ops;

	(void)state;
	for (size_t m = 0; (ops = probe_at(m)); m++) {
		struct probe p;

		make(&p, ops->name);
		for (uint32_t d = IP(198, 18, 1, 0); d < IP(198, 18, 3, 0); d++) {
			uint32_t len = fixture_frame(&p, f, d, 53, 0);
			const uint8_t *ip = f + ETH_HLEN_, *l4 = ip + IPV4_HLEN;
			uint32_t l4_len = packet_get16(ip + 2) - IPV4_HLEN,
				 src = packet_get32(ip + 12);
			uint32_t pseudo = (src >> 16) + (src & 0xffff) + (d >> 16) + (d & 0xffff) +
					  ip[9] + l4_len;

			assert_true(len >= ETH_HLEN_ + IPV4_HLEN + l4_len);
			assert_int_equal(src, probe_source(&p.params, d));
			assert_int_equal(ref_sum(ip, IPV4_HLEN, 0), 0xffff);
			assert_int_equal(ref_sum(l4, l4_len, ip[9] == IPPROTO_ICMP_ ? 0 : pseudo),
					 0xffff);
		}
		probe_close(&p);
	}
}

/* A target whose source is not sources[0], and another of our sources for the wrong one. */
static uint32_t target_not_first(const struct probe *p, uint32_t *other)
{
	uint32_t d = IP(198, 18, 1, 1);

	while (probe_source(&p->params, d) == sources[0])
		d++;
	*other = sources[0];
	return d;
}

/* The reply frame answering probe (an IPv4 frame), addresses and ports swapped, proto kept. */
static uint32_t swap_reply(const uint8_t *probe, uint8_t *f, uint32_t to)
{
	const uint8_t *ip = probe + ETH_HLEN_;
	uint32_t len = ETH_HLEN_ + packet_get16(ip + 2);

	memcpy(f, probe, len);
	memcpy(f + 26, ip + 16, 4);
	packet_put32(f + 30, to);
	f[22] = 64;
	memcpy(f + 34, ip + 22, 2);
	memcpy(f + 36, ip + 20, 2);
	return len;
}

static void synack_is_taken_at_the_targets_source_only(void **state)
{
	struct probe p;
	struct probe_result r;
	uint8_t syn[PROBE_FRAME_MAX], f[PROBE_FRAME_MAX];
	uint32_t other, d, len;

	(void)state;
	make(&p, "tcp_synscan");
	d = target_not_first(&p, &other);
	fixture_frame(&p, syn, d, 443, 0);
	len = swap_reply(syn, f, probe_source(&p.params, d));
	f[47] = TCP_FLAG_SYN | TCP_FLAG_ACK;
	packet_put32(f + 42, packet_get32(syn + 38) + 1);
	assert_int_equal(fixture_check(&p, f, len, &r), 1);
	assert_int_equal(r.daddr, probe_source(&p.params, d));
	packet_put32(f + 30, other);
	assert_int_equal(fixture_check(&p, f, len, &r), 0);
}

static void udp_answer_and_port_unreachable_are_taken_at_the_targets_source_only(void **state)
{
	struct probe p;
	struct probe_result r;
	uint8_t probe[PROBE_FRAME_MAX], f[PROBE_FRAME_MAX];
	uint32_t other, d, len, src;

	(void)state;
	make(&p, "udp");
	d = target_not_first(&p, &other);
	src = probe_source(&p.params, d);
	fixture_frame(&p, probe, d, 53, 0);
	len = swap_reply(probe, f, src);
	assert_int_equal(fixture_check(&p, f, len, &r), 1);
	assert_int_equal(r.daddr, src);
	packet_put32(f + 30, other);
	assert_int_equal(fixture_check(&p, f, len, &r), 0);

	/* An error from a router, to the source the probe left from; to another: refused. */
	len = fixture_icmp_error(probe, f, IP(198, 18, 0, 2), ICMP_UNREACH, ICMP_UNREACH_PORT);
	packet_put32(f + 30, src);
	assert_int_equal(fixture_check(&p, f, len, &r), 1);
	assert_int_equal(r.saddr, d);
	packet_put32(f + 30, other);
	assert_int_equal(fixture_check(&p, f, len, &r), 0);
	probe_close(&p);
}

static void echo_reply_is_taken_at_the_targets_source_only(void **state)
{
	struct probe p;
	struct probe_result r;
	uint8_t probe[PROBE_FRAME_MAX], f[PROBE_FRAME_MAX];
	uint32_t other, d, len;

	(void)state;
	make(&p, "icmp_echoscan");
	d = target_not_first(&p, &other);
	fixture_frame(&p, probe, d, 0, 0);
	len = ETH_HLEN_ + packet_get16(probe + 16);
	memcpy(f, probe, len);
	memcpy(f + 26, probe + 30, 4);
	packet_put32(f + 30, probe_source(&p.params, d));
	f[34] = ICMP_ECHO_REPLY;
	assert_int_equal(fixture_check(&p, f, len, &r), 1);
	assert_int_equal(r.saddr, d);
	packet_put32(f + 30, other);
	assert_int_equal(fixture_check(&p, f, len, &r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_source_is_used_evenly_and_each_target_keeps_its_own),
		cmocka_unit_test(every_module_sends_from_the_chosen_source_with_right_checksums),
		cmocka_unit_test(synack_is_taken_at_the_targets_source_only),
		cmocka_unit_test(
			udp_answer_and_port_unreachable_are_taken_at_the_targets_source_only),
		cmocka_unit_test(echo_reply_is_taken_at_the_targets_source_only),
	};

	return cmocka_run_group_tests_name("sources", tests, NULL, NULL);
}
