/* Unit tests for the shared pacer: batch sizes, deadlines, refunds, live rate changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "scan/pace.h"
#include "util/clock.h"

static void batches_are_small_at_low_rates(void **state)
{
	struct pace p;
	(void)state;

	pace_init(&p, 100, 0);
	assert_int_equal(pace_batch(&p, 64), 1);
	pace_init(&p, 20000, 0);
	assert_int_equal(pace_batch(&p, 64), 10);
	pace_init(&p, 10000000, 0);
	assert_int_equal(pace_batch(&p, 64), 64);
	pace_init(&p, 0, 0);
	assert_int_equal(pace_batch(&p, 64), 64);
}

static void waits_follow_the_schedule_across_claims(void **state)
{
	struct pace p;
	uint64_t t0 = clock_mono_ns(), took;
	(void)state;

	/* 1000 pps: claims 0..49 are due within 49 ms; claim 50 (the 51st packet) at 50 ms. */
	pace_init(&p, 1000, t0);
	for (int i = 0; i < 50; i++)
		pace_wait(&p, 1);
	pace_wait(&p, 1);
	took = clock_mono_ns() - t0;
	assert_true(took >= 50000000ULL);
	assert_true(took < 80000000ULL);
	assert_int_equal(p.claimed, 51);
}

static void refunds_give_the_slot_back(void **state)
{
	struct pace p;
	uint64_t t0 = clock_mono_ns();
	(void)state;

	pace_init(&p, 100, t0);
	pace_wait(&p, 5);
	pace_refund(&p, 5);
	assert_int_equal(p.claimed, 0);
	/* The next claim is number 0 again: due at once. */
	pace_wait(&p, 1);
	assert_true(clock_mono_ns() - t0 < 5000000ULL);
}

static void a_new_rate_rebases_without_a_burst_or_a_stall(void **state)
{
	struct pace p;
	uint64_t t0 = clock_mono_ns(), t1, took;
	(void)state;

	pace_init(&p, 10, t0);
	pace_wait(&p, 1); /* number 0, at once */
	pace_set_rate(&p, 1000, clock_mono_ns());
	assert_int_equal(pace_rate(&p), 1000);
	/* From the rebase, 1000 pps: 20 more packets take about 20 ms, not 2 s at the old rate. */
	t1 = clock_mono_ns();
	for (int i = 0; i < 21; i++)
		pace_wait(&p, 1);
	took = clock_mono_ns() - t1;
	assert_true(took >= 19000000ULL);
	assert_true(took < 60000000ULL);
}

static void unlimited_never_waits(void **state)
{
	struct pace p;
	uint64_t t0 = clock_mono_ns();
	(void)state;

	pace_init(&p, 0, t0);
	for (int i = 0; i < 100000; i++)
		pace_wait(&p, 64);
	assert_true(clock_mono_ns() - t0 < 500000000ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batches_are_small_at_low_rates),
		cmocka_unit_test(waits_follow_the_schedule_across_claims),
		cmocka_unit_test(refunds_give_the_slot_back),
		cmocka_unit_test(a_new_rate_rebases_without_a_burst_or_a_stall),
		cmocka_unit_test(unlimited_never_waits),
	};

	return cmocka_run_group_tests_name("pace", tests, NULL, NULL);
}
