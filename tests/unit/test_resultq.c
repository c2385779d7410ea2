/*
 * Unit tests for the way results reach the output: the result queue and its budget, the
 * senders' position history, and the output sink that knows which records reached a file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "output/output.h"
#include "scan/history.h"
#include "scan/resultq.h"

/* A record of the tests: a sequence number, and a length that varies with it. */
static uint32_t record_len(uint64_t seq)
{
	return 8 + (uint32_t)(seq * 37 % 300);
}

static void push(struct resultq *q, uint64_t seq)
{
	uint32_t len = record_len(seq);
	uint8_t *p = resultq_reserve(q, len);

	assert_non_null(p);
	memcpy(p, &seq, sizeof(seq));
	memset(p + 8, (int)(seq & 0xff), len - 8);
	resultq_commit(q);
}

/* Pop one record and check it is seq, whole. */
static void pop_expect(struct resultq *q, uint64_t seq)
{
	uint32_t len;
	const uint8_t *p = resultq_peek(q, &len);
	uint64_t got;

	assert_non_null(p);
	assert_int_equal(len, record_len(seq));
	memcpy(&got, p, sizeof(got));
	assert_int_equal(got, seq);
	for (uint32_t i = 8; i < len; i++)
		assert_int_equal(p[i], seq & 0xff);
	resultq_next(q);
}

static void records_come_out_whole_and_in_order_across_chunks(void **state)
{
	struct resultq q;
	uint32_t len;
	(void)state;

	assert_int_equal(resultq_init(&q), 0);
	assert_null(resultq_peek(&q, &len));
	/* Many chunks' worth queued before any is read. */
	for (uint64_t i = 0; i < 5000; i++)
		push(&q, i);
	assert_true(resultq_memory(&q) > 5 * RESULTQ_CHUNK_BYTES);
	for (uint64_t i = 0; i < 5000; i++)
		pop_expect(&q, i);
	assert_null(resultq_peek(&q, &len));
	resultq_free(&q);
}

/* A consumer that keeps up: the chunks it has left are filled again, none is added. */
static void a_queue_that_keeps_up_reuses_its_chunks(void **state)
{
	struct resultq q;
	uint64_t before;
	(void)state;

	assert_int_equal(resultq_init(&q), 0);
	for (uint64_t i = 0; i < 2000; i++)
		push(&q, i);
	for (uint64_t i = 0; i < 2000; i++)
		pop_expect(&q, i);
	before = resultq_memory(&q);
	for (uint64_t i = 2000; i < 200000; i++) {
		push(&q, i);
		pop_expect(&q, i);
	}
	assert_int_equal(resultq_memory(&q), before);
	resultq_free(&q);
}

static void the_budget_reports_each_mark_once_and_refuses_past_its_size(void **state)
{
	struct resultq_budget b;
	(void)state;

	resultq_budget_init(&b, 1000);
	assert_int_equal(b.high, 750);
	assert_int_equal(b.low, 500);
	assert_int_equal(resultq_budget_take(&b, 700), RESULTQ_LEVEL_SAME);
	assert_int_equal(resultq_budget_take(&b, 100), RESULTQ_LEVEL_HIGH);
	assert_true(resultq_budget_over_high(&b));
	assert_int_equal(resultq_budget_take(&b, 100), RESULTQ_LEVEL_SAME);
	/* Full: refused, and nothing taken. */
	assert_int_equal(resultq_budget_take(&b, 101), RESULTQ_LEVEL_FULL);
	assert_int_equal(resultq_budget_queued(&b), 900);
	assert_int_equal(resultq_budget_take(&b, 100), RESULTQ_LEVEL_SAME);
	assert_int_equal(resultq_budget_give(&b, 400), RESULTQ_LEVEL_SAME);
	assert_false(resultq_budget_under_low(&b));
	assert_int_equal(resultq_budget_give(&b, 100), RESULTQ_LEVEL_LOW);
	assert_true(resultq_budget_under_low(&b));
	assert_int_equal(resultq_budget_give(&b, 500), RESULTQ_LEVEL_SAME);
	assert_int_equal(resultq_budget_queued(&b), 0);
}

/* A producer and a consumer on two threads, the consumer asleep at first: the producer waits
 * at the budget's end, and every record arrives, once, in order. */
struct pair {
	struct resultq q;
	struct resultq_budget b;
	uint64_t count, waits;
};

static void *producer(void *arg)
{
	struct pair *p = arg;

	for (uint64_t i = 0; i < p->count; i++) {
		int waited = 0;

		while (resultq_budget_take(&p->b, record_len(i)) == RESULTQ_LEVEL_FULL) {
			waited = 1;
			usleep(50);
		}
		p->waits += waited;
		push(&p->q, i);
	}
	return NULL;
}

static void a_full_budget_makes_the_producer_wait_and_nothing_is_lost(void **state)
{
	static struct pair p;
	pthread_t t;
	uint64_t next = 0;
	(void)state;

	assert_int_equal(resultq_init(&p.q), 0);
	resultq_budget_init(&p.b, 64 * 1024);
	p.count = 300000;
	assert_int_equal(pthread_create(&t, NULL, producer, &p), 0);
	usleep(200000); /* the reader is away */
	assert_true(resultq_budget_queued(&p.b) <= p.b.size);
	while (next < p.count) {
		uint32_t len;

		if (!resultq_peek(&p.q, &len))
			continue;
		pop_expect(&p.q, next);
		resultq_budget_give(&p.b, len);
		next++;
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(p.waits > 0);
	assert_int_equal(resultq_budget_queued(&p.b), 0);
	resultq_free(&p.q);
}

/* The safe sample is the latest at or before the time settled, and never moves back. */
static void the_history_keeps_the_latest_safe_positions(void **state)
{
	struct scan_history h;
	uint64_t pos[2], got[2];
	(void)state;

	assert_int_equal(scan_history_init(&h, 2, 1000000000ULL), 0);
	assert_int_equal(scan_history_safe(&h, got), -ENOENT);
	for (uint64_t t = 1; t <= 50; t++) {
		pos[0] = t * 10;
		pos[1] = t * 100;
		scan_history_record(&h, t * 100000000ULL, pos, 0); /* every 100 ms */
	}
	/* Nothing settled yet: the first sample, the scan's start. */
	assert_int_equal(scan_history_safe(&h, got), 0);
	assert_int_equal(got[0], 10);
	scan_history_settle(&h, 2050000000ULL);
	assert_int_equal(scan_history_safe(&h, got), 0);
	assert_int_equal(got[0], 200);
	assert_int_equal(got[1], 2000);
	scan_history_settle(&h, 1000000000ULL);
	assert_int_equal(scan_history_safe(&h, got), 0);
	assert_int_equal(got[0], 200);
	/* A sample too soon after the last is not kept. */
	pos[0] = 999;
	scan_history_record(&h, 5000000001ULL, pos, 0);
	scan_history_settle(&h, 6000000000ULL);
	assert_int_equal(scan_history_safe(&h, got), 0);
	assert_int_equal(got[0], 500);
	scan_history_free(&h);
}

/* A live checkpoint's lookup: the latest sample at or before a time, none before the first;
 * it leaves the safe sample alone. */
static void the_history_finds_the_sample_at_a_time(void **state)
{
	struct scan_history h;
	uint64_t pos[1], got[1];
	(void)state;

	assert_int_equal(scan_history_init(&h, 1, 1000000000ULL), 0);
	assert_int_equal(scan_history_at(&h, 5000000000ULL, got), -ENOENT);
	for (uint64_t t = 1; t <= 30; t++) {
		pos[0] = t * 7;
		scan_history_record(&h, t * 100000000ULL, pos, 0);
	}
	assert_int_equal(scan_history_at(&h, 99999999ULL, got), -ENOENT);
	assert_int_equal(scan_history_at(&h, 100000000ULL, got), 0);
	assert_int_equal(got[0], 7);
	assert_int_equal(scan_history_at(&h, 1250000000ULL, got), 0);
	assert_int_equal(got[0], 12 * 7);
	assert_int_equal(scan_history_at(&h, 9000000000ULL, got), 0);
	assert_int_equal(got[0], 30 * 7);
	assert_int_equal(scan_history_safe(&h, got), 0);
	assert_int_equal(got[0], 7);
	scan_history_free(&h);
}

/* An output of the list module into path, with n records already in its batch. */
static void sink_open(struct output *o, const char *path, unsigned n)
{
	struct output_fields f = { 0 };
	struct probe_result r = { .family = 4, .saddr = 0xc6120100 };
	char err[256];

	assert_int_equal(output_open(o, output_by_name("list"), path, &f, 0, "tcp_synscan", 0, err,
				     sizeof(err)),
			 0);
	for (unsigned i = 0; i < n; i++) {
		r.saddr = 0xc6120100 + i;
		assert_int_equal(output_write(o, &r), 0);
	}
}

/* A file that can take only part of a batch keeps whole records, and says how many. */
static void a_failed_batch_is_cut_back_to_whole_records(void **state)
{
	const char *path = "/tmp/salvo-test-sink.txt";
	struct rlimit old, lim;
	struct output o;
	unsigned written = 99;
	char buf[256];
	FILE *f;
	size_t len;
	(void)state;

	/* "198.18.1.N\n" is 11 bytes for N < 10: 100 bytes hold 9 whole lines and part of a
	 * 10th. */
	sink_open(&o, path, 20);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 100;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(output_flush(&o, &written), -EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(written, 9);
	assert_int_equal(o.records_written, 9);
	assert_int_equal(output_close(&o), 0);
	assert_non_null(f = fopen(path, "r"));
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	assert_int_equal(len, 9 * 11); /* 198.18.1.0 .. 198.18.1.8 */
	assert_int_equal(buf[len - 1], '\n');
	unlink(path);
}

/* A reader that has gone: -EPIPE, nothing written, no signal (main ignores SIGPIPE). */
static void a_reader_gone_is_epipe(void **state)
{
	struct output o;
	unsigned written = 99;
	int fds[2], saved;
	(void)state;

	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	saved = dup(STDOUT_FILENO);
	dup2(fds[1], STDOUT_FILENO);
	close(fds[1]);
	sink_open(&o, "-", 5);
	assert_int_equal(output_flush(&o, &written), -EPIPE);
	assert_int_equal(written, 0);
	output_close(&o);
	dup2(saved, STDOUT_FILENO);
	close(saved);
}

/* A reader that stalls: the write waits, and a cancel ends the wait. */
static void *cancel_later(void *arg)
{
	usleep(300000);
	__atomic_store_n((int *)arg, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void a_stalled_reader_can_be_abandoned(void **state)
{
	struct output o;
	unsigned written = 99;
	int fds[2], saved, cancel = 0;
	pthread_t t;
	(void)state;

	assert_int_equal(pipe(fds), 0);
	/* A pipe of one page, more than that to write, and nobody reads. */
	assert_true(fcntl(fds[1], F_SETPIPE_SZ, 4096) >= 4096);
	saved = dup(STDOUT_FILENO);
	dup2(fds[1], STDOUT_FILENO);
	close(fds[1]);
	sink_open(&o, "-", OUTPUT_BATCH_RECORDS);
	o.cancel = &cancel;
	assert_int_equal(pthread_create(&t, NULL, cancel_later, &cancel), 0);
	assert_int_equal(output_flush(&o, &written), -ECANCELED);
	pthread_join(t, NULL);
	assert_true(written > 100 && written < OUTPUT_BATCH_RECORDS);
	output_close(&o);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	/* The pipe holds exactly the records counted written, each whole: a pipe cannot be cut
	 * back, so no write may have ended inside a record. */
	{
		char buf[8192];
		ssize_t n = read(fds[0], buf, sizeof(buf));
		unsigned lines = 0;

		assert_true(n > 0 && n <= 4096);
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
		assert_int_equal(buf[n - 1], '\n');
		assert_int_equal(lines, written);
	}
	close(fds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records_come_out_whole_and_in_order_across_chunks),
		cmocka_unit_test(a_queue_that_keeps_up_reuses_its_chunks),
		cmocka_unit_test(the_budget_reports_each_mark_once_and_refuses_past_its_size),
		cmocka_unit_test(a_full_budget_makes_the_producer_wait_and_nothing_is_lost),
		cmocka_unit_test(the_history_keeps_the_latest_safe_positions),
		cmocka_unit_test(the_history_finds_the_sample_at_a_time),
		cmocka_unit_test(a_failed_batch_is_cut_back_to_whole_records),
		cmocka_unit_test(a_reader_gone_is_epipe),
		cmocka_unit_test(a_stalled_reader_can_be_abandoned),
	};

	return cmocka_run_group_tests_name("resultq", tests, NULL, NULL);
}
