/* Unit tests for checkpoint files: round trip, atomic replacement, refusing bad ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan/checkpoint.h"

static const char *path = "/tmp/salvo-test-checkpoint";

static struct scan_checkpoint sample(void)
{
	struct scan_checkpoint cp = { .seed = 18446744073709551615ULL,
				      .shard = 2,
				      .shards = 3,
				      .elements = 1000000,
				      .fingerprint = 0xdeadbeefcafef00dULL,
				      .threads = 3 };

	for (unsigned i = 0; i < 3; i++) {
		cp.next[i] = 1000 * i + 7;
		cp.end[i] = 300000 * (i + 1);
	}
	cp.has_key = 1;
	for (unsigned i = 0; i < sizeof(cp.key); i++)
		cp.key[i] = (uint8_t)(0xf0 + i * 7);
	cp.prf = PRF_AES;
	cp.cooldown_left_ms = 4321;
	cp.totals = (struct checkpoint_totals){ .sent = 123456789012ULL,
						.valid = 5,
						.successes = 4,
						.failures = 1,
						.duplicates = 2,
						.alive = 3,
						.elapsed_ms = 98765,
						.send_ms = 9876 };
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

/* The file holds the scan's validation key: only its owner may read it. */
static void checkpoint_file_is_private(void **state)
{
	struct scan_checkpoint cp = sample();
	struct stat st;
	mode_t old = umask(0);
	(void)state;

	assert_int_equal(checkpoint_write(path, &cp), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
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
	write_file("salvo-checkpoint 4\nseed 1\n");
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "version 4"));
	/* Version 2 without its key and totals, or with a key that is not 32 hex digits. */
	write_file(
		"salvo-checkpoint 2\nseed 1\nshard 0 of 1\nelements 10\nfingerprint 1\nthreads 1\n"
		"thread 0 next 1 end 5\n");
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), -EINVAL);
	write_file(
		"salvo-checkpoint 2\nseed 1\nshard 0 of 1\nelements 10\nfingerprint 1\nthreads 1\n"
		"thread 0 next 1 end 5\nkey 00112233445566778899aabbccddeeXX\ncooldown_left_ms 0\n"
		"totals sent 0 valid 0 successes 0 failures 0 duplicates 0 alive 0\n"
		"elapsed_ms 0 send_ms 0\n");
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), -EINVAL);
	/* Version 3 without its PRF, or with one this salvo does not know. */
	write_file(
		"salvo-checkpoint 3\nseed 1\nshard 0 of 1\nelements 10\nfingerprint 1\nthreads 1\n"
		"thread 0 next 1 end 5\nkey 00112233445566778899aabbccddeeff\ncooldown_left_ms 0\n"
		"totals sent 0 valid 0 successes 0 failures 0 duplicates 0 alive 0\n"
		"elapsed_ms 0 send_ms 0\n");
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), -EINVAL);
	write_file(
		"salvo-checkpoint 3\nseed 1\nshard 0 of 1\nelements 10\nfingerprint 1\nthreads 1\n"
		"thread 0 next 1 end 5\nkey 00112233445566778899aabbccddeeff\ncooldown_left_ms 0\n"
		"totals sent 0 valid 0 successes 0 failures 0 duplicates 0 alive 0\n"
		"elapsed_ms 0 send_ms 0\nprf aes-256\n");
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), -EINVAL);
	write_file("hello\n");
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a salvo checkpoint"));
	/* Truncated after the thread count. */
	write_file(
		"salvo-checkpoint 1\nseed 1\nshard 0 of 1\nelements 10\nfingerprint 1\nthreads 2\n"
		"thread 0 next 1 end 5\n");
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), -EINVAL);
	/* A position past the end of its slice. */
	write_file(
		"salvo-checkpoint 1\nseed 1\nshard 0 of 1\nelements 10\nfingerprint 1\nthreads 1\n"
		"thread 0 next 6 end 5\n");
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), -EINVAL);
	/* Too many threads. */
	write_file("salvo-checkpoint 1\nseed 1\nshard 0 of 1\nelements 10\nfingerprint 1\nthreads "
		   "65\n");
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), -EINVAL);
	unlink(path);
}

/* A version 1 file (no key, no totals) still resumes: it reads with has_key 0. */
static void version_1_files_are_read(void **state)
{
	struct scan_checkpoint cp;
	char err[256];
	(void)state;

	write_file(
		"salvo-checkpoint 1\nseed 7\nshard 0 of 1\nelements 10\nfingerprint 1\nthreads 1\n"
		"thread 0 next 3 end 10\n");
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), 0);
	assert_int_equal(cp.seed, 7);
	assert_int_equal(cp.next[0], 3);
	assert_int_equal(cp.has_key, 0);
	assert_int_equal(cp.totals.sent, 0);
	unlink(path);
}

/* A version 2 file is a scan that validated with SipHash, whatever this CPU would choose: it
 * resumes with SipHash, and the key it carries. */
static void version_2_files_are_siphash_scans(void **state)
{
	struct scan_checkpoint cp;
	char err[256];
	(void)state;

	write_file(
		"salvo-checkpoint 2\nseed 1\nshard 0 of 1\nelements 10\nfingerprint 1\nthreads 1\n"
		"thread 0 next 1 end 5\nkey 00112233445566778899aabbccddeeff\ncooldown_left_ms 0\n"
		"totals sent 0 valid 0 successes 0 failures 0 duplicates 0 alive 0\n"
		"elapsed_ms 0 send_ms 0\n");
	memset(&cp, 0xff, sizeof(cp));
	assert_int_equal(checkpoint_read(path, &cp, err, sizeof(err)), 0);
	assert_int_equal(cp.has_key, 1);
	assert_int_equal(cp.prf, PRF_SIPHASH);
	assert_int_equal(cp.key[15], 0xff);
	unlink(path);
}

/* Both PRFs survive the round trip by name. */
static void the_prf_is_kept(void **state)
{
	struct scan_checkpoint cp = sample(), back;
	char err[256];
	(void)state;

	for (int k = PRF_SIPHASH; k <= PRF_AES; k++) {
		cp.prf = (enum prf_kind)k;
		assert_int_equal(checkpoint_write(path, &cp), 0);
		assert_int_equal(checkpoint_read(path, &back, err, sizeof(err)), 0);
		assert_int_equal(back.prf, k);
	}
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
		cmocka_unit_test(checkpoint_file_is_private),
		cmocka_unit_test(version_1_files_are_read),
		cmocka_unit_test(version_2_files_are_siphash_scans),
		cmocka_unit_test(the_prf_is_kept),
		cmocka_unit_test(fingerprints_tell_scans_apart),
	};

	return cmocka_run_group_tests_name("checkpoint", tests, NULL, NULL);
}
