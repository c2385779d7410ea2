/* Unit tests for icmp_echoscan: the request's fields and checksums, and reply validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "probe_fixtures.h"

static struct probe make_probe(uint32_t probes)
{
	struct probe p;

	assert_int_equal(fixture_probe(&p, "icmp_echoscan", probes, NULL, 40000, 1000, 3, NULL), 0);
	assert_int_equal(p.ops->portless, 1);
	return p;
}

static uint32_t build(const struct probe *p, uint8_t *f, uint32_t daddr, uint32_t k)
{
	return fixture_frame(p, f, daddr, 0, k);
}

static void request_has_valid_checksums(void **state)
{
	struct probe p = make_probe(1);
	uint8_t f[PROBE_FRAME_MAX];
	uint64_t x = 12345;
	(void)state;

	for (int i = 0; i < 5000; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		assert_int_equal(build(&p, f, (uint32_t)(x >> 32), 0), 42);
		assert_int_equal(f[34], 8);
		assert_int_equal(ref_sum(f + 14, 20, 0), 0xffff);
		assert_int_equal(ref_sum(f + 34, 8, 0), 0xffff);
	}
}

static uint32_t echo_reply(const uint8_t *req, uint8_t *f)
{
	memset(f, 0, 64);
	packet_put16(f + 12, 0x0800);
	f[14] = 0x45;
	packet_put16(f + 16, 28);
	f[22] = 64;
	f[23] = 1;
	memcpy(f + 26, req + 30, 4);
	memcpy(f + 30, req + 26, 4);
	f[34] = 0;
	memcpy(f + 38, req + 38, 4); /* id and seq echoed */
	return 42;
}

static void echo_replies_validate_only_with_our_id_and_seq(void **state)
{
	struct probe p = make_probe(2);
	uint8_t req[PROBE_FRAME_MAX], f[128];
	struct probe_result r = { 0 };
	(void)state;

	for (uint32_t k = 0; k < 2; k++) {
		build(&p, req, TARGET, k);
		echo_reply(req, f);
		assert_int_equal(fixture_check(&p, f, 42, &r), 1);
		probe_classify(&p, &r);
		assert_string_equal(r.classification, "echoreply");
		assert_int_equal(r.success, 1);
		assert_int_equal(r.saddr, TARGET);
	}
	build(&p, req, TARGET, 2); /* a third request was never sent */
	echo_reply(req, f);
	assert_int_equal(fixture_check(&p, f, 42, &r), 0);
	build(&p, req, TARGET, 0);
	echo_reply(req, f);
	packet_put32(f + 26, TARGET + 1); /* from another address */
	assert_int_equal(fixture_check(&p, f, 42, &r), 0);
	echo_reply(req, f);
	f[38] ^= 1; /* another identifier */
	assert_int_equal(fixture_check(&p, f, 42, &r), 0);
	echo_reply(req, f);
	f[34] = 8; /* a request, not a reply */
	assert_int_equal(fixture_check(&p, f, 42, &r), 0);
}

static void host_unreachable_quoting_our_request_is_not_alive(void **state)
{
	struct probe p = make_probe(1);
	uint8_t req[PROBE_FRAME_MAX], f[128];
	struct probe_result r = { 0 };
	(void)state;

	build(&p, req, TARGET, 0);
	fixture_icmp_error(req, f, IP(198, 18, 0, 2), 3, 1);
	assert_int_equal(fixture_check(&p, f, 70, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "unreachable");
	assert_int_equal(r.success, 0);
	assert_int_equal(r.saddr, TARGET);
	f[42 + 20 + 4] ^= 1; /* the quoted identifier is not ours */
	assert_int_equal(fixture_check(&p, f, 70, &r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_has_valid_checksums),
		cmocka_unit_test(echo_replies_validate_only_with_our_id_and_seq),
		cmocka_unit_test(host_unreachable_quoting_our_request_is_not_alive),
	};

	return fixture_run_each_prf("icmp", tests, sizeof(tests) / sizeof(tests[0]));
}
