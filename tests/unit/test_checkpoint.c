/* Unit tests for checkpoint files: round trip, atomic replacement, refusing bad ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scan/checkpoint.h"

static const char *path = "/tmp/salvo-test-checkpoint";

static struct scan_checkpoint sample(void)
{
	struct scan_checkpoint cp = { .seed = 18446744073709551615ULL, .shard = 2, .shards = 3,
				      .elements = 1000000, .fingerprint = 0xdeadbeefcafef00dULL,
				      .threads = 3 };

	for (unsigned i = 0; i < 3; i++) {
		cp.next[i] = 1000 * i + 7;
		cp.end[i] = 300000 * (i + 1);
	}
	return cp;
}

static void round_trip_keeps_every_field(void **state)
{
	struct scan_checkpoint cp = sample(), back;
	char err[256];
	(void)state;

	assert_int_equal(checkpoint_write(path, &cp), 0);
	assert_int_equal(checkpoint_read(path, &back, err, sizeof(err)), 0);
	assert_memory_equal(&cp, &back, sizeof(cp));
	assert_int_equal(access("/tmp/salvo-test-checkpoint.tmp", F_OK), -1);
	unlink(path);
}

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static void damaged_or_foreign_files_are_refused(void **state)
{
	struct scan_checkpoint cp;
	char err[256];
	(void)state;

	assert_int_equal(checkpoint_read("/nonexistent/cp", &cp, err, sizeof(err)), -ENOENT);
	write_file("salvo-checkpoint 2\nseed 1\n");
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "version 2"));
	write_file("hello\n");
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a salvo checkpoint"));
	/* Truncated after the thread count. */
	write_file("salvo-checkpoint 1\nseed 1\nshard 0 of 1\nelements 10\nfingerprint 1\nthreads 2\n"
	      "thread 0 next 1 end 5\n");
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), -EINVAL);
	/* A position past the end of its slice. */
	write_file("salvo-checkpoint 1\nseed 1\nshard 0 of 1\nelements 10\nfingerprint 1\nthreads 1\n"
	      "thread 0 next 6 end 5\n");
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), -EINVAL);
	/* Too many threads. */
	write_file("salvo-checkpoint 1\nseed 1\nshard 0 of 1\nelements 10\nfingerprint 1\nthreads 65\n");
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), -EINVAL);
	unlink(path);
}

static void fingerprints_tell_scans_apart(void **state)
{
	struct checkpoint_hasher a, b, c;
	const uint16_t ports1[] = { 80, 443 }, ports2[] = { 443, 80 };
	(void)state;

	checkpoint_hash_init(&a);
	checkpoint_hash_init(&b);
	checkpoint_hash_init(&c);
	checkpoint_hash_add(&a, ports1, sizeof(ports1));
	checkpoint_hash_add(&b, ports1, sizeof(ports1));
	checkpoint_hash_add(&c, ports2, sizeof(ports2));
	assert_int_equal(a.h, b.h);
	assert_true(a.h != c.h);
	checkpoint_hash_add(&a, "tcp_synscan", 11);
	assert_true(a.h != b.h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_keeps_every_field),
		cmocka_unit_test(damaged_or_foreign_files_are_refused),
		cmocka_unit_test(fingerprints_tell_scans_apart),
	};

	return cmocka_run_group_tests_name("checkpoint", tests, NULL, NULL);
}
