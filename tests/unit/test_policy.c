/* Unit tests for the monitor's policy: which limit stops or aborts the scan, and when. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "scan/policy.h"

static enum policy_verdict ask(const struct scan_config *cfg, struct policy_state *st,
			       const struct scan_totals *t, double run_s, int link,
			       const char **limit, char *reason)
{
	return policy_limits(cfg, st, t, run_s, link, 1, "sv0", limit, reason, 160);
}

static void nothing_set_means_go(void **state)
{
	struct scan_config cfg = { 0 };
	struct policy_state st = { 0 };
	struct scan_totals t = { .send_errors = 1000000, .successes = 1000000 };
	const char *limit = "x";
	char reason[160] = "";
	(void)state;

	assert_int_equal(ask(&cfg, &st, &t, 1e6, 1, &limit, reason), POLICY_GO);
	assert_null(limit);
	assert_string_equal(reason, "");
}

/* -t and -N stop sending; they are limits reached, not errors. */
static void runtime_and_results_limits_stop(void **state)
{
	struct scan_config cfg = { .max_runtime_s = 5, .max_results = 10 };
	struct policy_state st = { 0 };
	struct scan_totals t = { .successes = 9 };
	const char *limit;
	char reason[160] = "";
	(void)state;

	assert_int_equal(ask(&cfg, &st, &t, 4.9, 1, &limit, reason), POLICY_GO);
	assert_int_equal(ask(&cfg, &st, &t, 5.0, 1, &limit, reason), POLICY_STOP);
	assert_string_equal(limit, "max-runtime");
	t.successes = 10;
	assert_int_equal(ask(&cfg, &st, &t, 1.0, 1, &limit, reason), POLICY_STOP);
	assert_string_equal(limit, "max-results");
	assert_string_equal(reason, "");
}

/* The hit rate is judged only after 10000 probes; failed sends at their limit. */
static void hitrate_and_send_failures_abort_with_a_reason(void **state)
{
	struct scan_config cfg = { .min_hitrate = 1.0, .max_sendto_failures = 3 };
	struct policy_state st = { 0 };
	struct scan_totals t = { .successes = 0 };
	const char *limit;
	char reason[160] = "";
	(void)state;

	t.io.tx_completed = 9999;
	assert_int_equal(ask(&cfg, &st, &t, 1, 1, &limit, reason), POLICY_GO);
	t.io.tx_completed = 10000;
	assert_int_equal(ask(&cfg, &st, &t, 1, 1, &limit, reason), POLICY_ABORT);
	assert_non_null(strstr(reason, "--min-hitrate"));
	t.successes = 100; /* 1 % exactly */
	assert_int_equal(ask(&cfg, &st, &t, 1, 1, &limit, reason), POLICY_GO);
	t.send_errors = 3;
	assert_int_equal(ask(&cfg, &st, &t, 1, 1, &limit, reason), POLICY_ABORT);
	assert_string_equal(reason, "--max-sendto-failures: 3 sends failed (limit 3)");
}

/* A link down for 3 seconds in a row aborts; up again in between starts the count anew. */
static void a_link_down_for_three_seconds_aborts(void **state)
{
	struct scan_config cfg = { 0 };
	struct policy_state st = { 0 };
	struct scan_totals t = { 0 };
	const char *limit;
	char reason[160] = "";
	(void)state;

	assert_int_equal(ask(&cfg, &st, &t, 1, 0, &limit, reason), POLICY_GO);
	assert_int_equal(ask(&cfg, &st, &t, 2, 0, &limit, reason), POLICY_GO);
	assert_int_equal(ask(&cfg, &st, &t, 3, 1, &limit, reason), POLICY_GO);
	assert_int_equal(ask(&cfg, &st, &t, 4, -1, &limit, reason), POLICY_GO);
	assert_int_equal(ask(&cfg, &st, &t, 5, -1, &limit, reason), POLICY_GO);
	assert_int_equal(ask(&cfg, &st, &t, 6, -1, &limit, reason), POLICY_ABORT);
	assert_string_equal(reason, "interface sv0 is gone for 3 s: sending stopped");
}

/* The adaptive rate: the first second only records; then a busy ring halves the rate. */
static void aimd_compares_each_second_with_the_one_before(void **state)
{
	struct scan_config cfg = { .rate_min = 100, .rate_max = 100000 };
	struct policy_state st = { 0 };
	struct scan_totals t = { 0 };
	const char *why;
	(void)state;

	t.io.tx_completed = 10000;
	assert_int_equal(policy_rate(&cfg, &st, &t, 0, 10000, &why), 10000);
	assert_null(why);
	t.io.tx_completed = 20000;
	t.io.tx_busy = 50;
	assert_int_equal(policy_rate(&cfg, &st, &t, 0, 10000, &why), 5000);
	assert_non_null(why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nothing_set_means_go),
		cmocka_unit_test(runtime_and_results_limits_stop),
		cmocka_unit_test(hitrate_and_send_failures_abort_with_a_reason),
		cmocka_unit_test(a_link_down_for_three_seconds_aborts),
		cmocka_unit_test(aimd_compares_each_second_with_the_one_before),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
