/*
 * Unit tests for the udp probe: payload choice, --probe-args, checksums
 * (verified independently), and validation of UDP replies and of ICMP
 * unreachables through the headers they quote.
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
#include <unistd.h>

#include "probe_fixtures.h"

static int make_probe(struct probe *p, const char *args, char *err)
{
	return fixture_probe(p, "udp", 1, args, 40000, 1000, 7, err);
}

static uint32_t build(const struct probe *p, uint8_t *f, uint32_t daddr, uint16_t dport)
{
	return fixture_frame(p, f, daddr, dport, 0);
}

static void check_sums(const uint8_t *f, uint32_t len, uint32_t daddr)
{
	uint32_t ulen = len - 34;
	uint32_t pseudo = (US >> 16) + (US & 0xffff) + (daddr >> 16) + (daddr & 0xffff) + 17 + ulen;

	assert_int_equal(packet_get16(f + 16), len - 14);
	assert_int_equal(packet_get16(f + 38), ulen);
	assert_int_equal(ref_sum(f + 14, 20, 0), 0xffff);
	assert_int_equal(ref_sum(f + 34, ulen, pseudo), 0xffff);
}

static void builtin_payloads_follow_the_port(void **state)
{
	struct probe p;
	uint8_t f[PROBE_FRAME_MAX];
	char err[256];
	const uint8_t *data;
	uint16_t len;
	const char *name;
	uint32_t n;
	(void)state;

	assert_int_equal(make_probe(&p, NULL, err), 0);
	for (uint16_t port = 1; port < 2000; port++) {
		int known = probe_udp_payload_for_port(port, &data, &len, &name);

		n = build(&p, f, TARGET, port);
		check_sums(f, n, TARGET);
		assert_int_equal(n, 42 + (known ? len : 0));
		if (known)
			assert_memory_equal(f + 42, data, len);
	}
	assert_int_equal(probe_udp_payload_for_port(53, &data, &len, &name), 1);
	assert_string_equal(name, "dns");
	assert_int_equal(probe_udp_payload_for_port(5353, &data, &len, &name), 1);
	assert_string_equal(name, "mdns");
	assert_int_equal(probe_udp_payload_for_port(9999, &data, &len, &name), 0);
	probe_close(&p);
}

static void probe_args_set_one_payload_for_every_port(void **state)
{
	struct probe p;
	uint8_t f[PROBE_FRAME_MAX];
	char err[256], path[] = "/tmp/salvo-payload-XXXXXX";
	int fd;
	uint32_t n;
	(void)state;

	assert_int_equal(make_probe(&p, "text:hello", err), 0);
	n = build(&p, f, TARGET, 53);
	assert_int_equal(n, 47);
	assert_memory_equal(f + 42, "hello", 5);
	check_sums(f, n, TARGET);
	probe_close(&p);

	assert_int_equal(make_probe(&p, "hex:00ff10", err), 0);
	n = build(&p, f, TARGET, 7);
	assert_int_equal(n, 45);
	assert_int_equal(f[43], 0xff);
	check_sums(f, n, TARGET);
	probe_close(&p);

	fd = mkstemp(path);
	assert_int_equal(write(fd, "\x01\x02\x03", 3), 3);
	close(fd);
	char args[64];
	snprintf(args, sizeof(args), "file:%s", path);
	assert_int_equal(make_probe(&p, args, err), 0);
	n = build(&p, f, TARGET, 7);
	assert_int_equal(n, 45);
	assert_int_equal(f[44], 3);
	probe_close(&p);
	unlink(path);
}

static void bad_probe_args_are_named(void **state)
{
	struct probe p;
	char err[256];
	(void)state;

	assert_int_equal(make_probe(&p, "hex:abc", err), -EINVAL);
	assert_non_null(strstr(err, "even number"));
	assert_int_equal(make_probe(&p, "hex:zz", err), -EINVAL);
	assert_non_null(strstr(err, "'zz' is not hex"));
	assert_int_equal(make_probe(&p, "base64:AAAA", err), -EINVAL);
	assert_non_null(strstr(err, "expected text:STRING, hex:DIGITS or file:PATH"));
	assert_int_equal(make_probe(&p, "file:/nonexistent/payload", err), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/payload"));
}

/* A reply as the target sends it: ports swapped, a payload. */
static uint32_t udp_reply(const uint8_t *probe_frame, uint8_t *f)
{
	memset(f, 0, 64);
	memcpy(f, probe_frame + 6, 6);
	memcpy(f + 6, probe_frame, 6);
	packet_put16(f + 12, 0x0800);
	f[14] = 0x45;
	packet_put16(f + 16, 20 + 8 + 4);
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, probe_frame + 30, 4);
	memcpy(f + 30, probe_frame + 26, 4);
	memcpy(f + 34, probe_frame + 36, 2);
	memcpy(f + 36, probe_frame + 34, 2);
	packet_put16(f + 38, 12);
	memcpy(f + 42, "pong", 4);
	return 46;
}

/* An ICMP unreachable (code) from router, quoting the first 28 bytes of the probe's IP packet. */
static uint32_t icmp_reply(const uint8_t *probe_frame, uint8_t *f, uint32_t router, uint8_t code)
{
	return fixture_icmp_error(probe_frame, f, router, 3, code);
}

static void udp_reply_validates_as_open(void **state)
{
	struct probe p;
	uint8_t syn[PROBE_FRAME_MAX], f[128];
	struct probe_result r = { 0 };
	char err[256];
	uint32_t n;
	(void)state;

	assert_int_equal(make_probe(&p, NULL, err), 0);
	build(&p, syn, TARGET, 53);
	n = udp_reply(syn, f);
	assert_int_equal(fixture_check(&p, f, n, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "udp");
	assert_int_equal(r.success, 1);
	assert_int_equal(r.saddr, TARGET);
	assert_int_equal(r.sport, 53);

	packet_put16(f + 34, 54); /* from another port than the probed one */
	assert_int_equal(fixture_check(&p, f, n, &r), 0);
	udp_reply(syn, f);
	packet_put16(f + 36, packet_get16(f + 36) ^ 1); /* to a port we did not use */
	assert_int_equal(fixture_check(&p, f, n, &r), 0);
	udp_reply(syn, f);
	packet_put32(f + 26, TARGET + 1); /* from another address */
	assert_int_equal(fixture_check(&p, f, n, &r), 0);
	probe_close(&p);
}

static void icmp_port_unreachable_is_closed_never_open(void **state)
{
	struct probe p;
	uint8_t probe_frame[PROBE_FRAME_MAX], f[128];
	struct probe_result r = { 0 };
	char err[256];
	uint32_t n;
	(void)state;

	assert_int_equal(make_probe(&p, NULL, err), 0);
	build(&p, probe_frame, TARGET, 161);
	/* From the target itself, or from a router on the way: the quote decides. */
	n = icmp_reply(probe_frame, f, TARGET, 3);
	assert_int_equal(fixture_check(&p, f, n, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "port-unreachable");
	assert_int_equal(r.success, 0);
	assert_int_equal(r.saddr, TARGET);
	assert_int_equal(r.sport, 161);
	n = icmp_reply(probe_frame, f, IP(198, 18, 0, 2), 13);
	assert_int_equal(fixture_check(&p, f, n, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "unreachable");
	assert_int_equal(r.success, 0);

	/* A quote that is not of our probe: wrong source port, another target, truncated. */
	n = icmp_reply(probe_frame, f, TARGET, 3);
	packet_put16(f + 42 + 20, packet_get16(f + 42 + 20) ^ 1);
	assert_int_equal(fixture_check(&p, f, n, &r), 0);
	n = icmp_reply(probe_frame, f, TARGET, 3);
	packet_put32(f + 42 + 16, TARGET + 1);
	assert_int_equal(fixture_check(&p, f, n, &r), 0);
	n = icmp_reply(probe_frame, f, TARGET, 3);
	for (uint32_t cut = 0; cut < n; cut++)
		assert_int_equal(fixture_check(&p, f, cut, &r), 0);
	n = icmp_reply(probe_frame, f, TARGET, 3);
	f[34] = 11; /* time exceeded is not an answer from the port */
	assert_int_equal(fixture_check(&p, f, n, &r), 0);
	probe_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_payloads_follow_the_port),
		cmocka_unit_test(probe_args_set_one_payload_for_every_port),
		cmocka_unit_test(bad_probe_args_are_named),
		cmocka_unit_test(udp_reply_validates_as_open),
		cmocka_unit_test(icmp_port_unreachable_is_closed_never_open),
	};

	return fixture_run_each_prf("udp", tests, sizeof(tests) / sizeof(tests[0]));
}
