/* Unit tests for the AIMD rate step on synthetic counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "scan/aimd.h"

static const struct aimd limits = { .min = 1000, .max = 100000 };

static void quiet_seconds_add_a_twentieth_of_max_up_to_max(void **state)
{
	struct aimd_signals a = { .sent = 10000, .successes = 100 }, b = a;
	const char *why;
	(void)state;

	b.sent += 10000;
	b.successes += 100;
	assert_int_equal(aimd_step(&limits, 10000, &a, &b, &why), 15000);
	assert_null(why);
	assert_int_equal(aimd_step(&limits, 98000, &a, &b, &why), 100000);
	assert_int_equal(aimd_step(&limits, 100000, &a, &b, &why), 100000);
}

static void each_congestion_signal_halves_down_to_min(void **state)
{
	struct aimd_signals a = { .sent = 10000 }, b;
	const char *why;
	(void)state;

	b = a, b.tx_busy = 1;
	assert_int_equal(aimd_step(&limits, 40000, &a, &b, &why), 20000);
	assert_string_equal(why, "tx ring full");
	b = a, b.rx_drops = 5;
	assert_int_equal(aimd_step(&limits, 40000, &a, &b, &why), 20000);
	assert_string_equal(why, "rx ring drops");
	b = a, b.if_tx_dropped = 1;
	assert_int_equal(aimd_step(&limits, 1500, &a, &b, &why), 1000);
	assert_string_equal(why, "interface tx_dropped");
	b = a, b.send_errors = 2;
	assert_int_equal(aimd_step(&limits, 1000, &a, &b, &why), 1000);
	assert_string_equal(why, "send errors");
}

static void a_collapsing_hit_rate_halves_but_noise_does_not(void **state)
{
	struct aimd_signals a = { .sent = 10000, .successes = 100 }, b = a;
	const char *why;
	(void)state;

	/* 1 % before, 0.4 % now: less than half. */
	b.sent += 10000;
	b.successes += 40;
	assert_int_equal(aimd_step(&limits, 40000, &a, &b, &why), 20000);
	assert_string_equal(why, "response rate fell");
	/* 0.6 %: fell, but not by half. */
	b = a, b.sent += 10000, b.successes += 60;
	assert_int_equal(aimd_step(&limits, 40000, &a, &b, &why), 45000);
	assert_null(why);
	/* Too few probes to judge. */
	b = a, b.sent += 500;
	assert_int_equal(aimd_step(&limits, 40000, &a, &b, &why), 45000);
	/* Too few answers before to judge. */
	a.successes = 5;
	b = a, b.sent += 10000;
	assert_int_equal(aimd_step(&limits, 40000, &a, &b, &why), 45000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quiet_seconds_add_a_twentieth_of_max_up_to_max),
		cmocka_unit_test(each_congestion_signal_halves_down_to_min),
		cmocka_unit_test(a_collapsing_hit_rate_halves_but_noise_does_not),
	};

	return cmocka_run_group_tests_name("aimd", tests, NULL, NULL);
}
