/* Unit tests for the dedup bitmap: in memory, and in a file that a resumed scan keeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scan/dedup.h"

static const char *path = "/tmp/salvo-test-dedup.seen";

static void each_element_is_new_once(void **state)
{
	struct dedup d;
	(void)state;

	assert_int_equal(dedup_init(&d, 1000), 0);
	assert_int_equal(dedup_test_and_set(&d, 0), 0);
	assert_int_equal(dedup_test_and_set(&d, 999), 0);
	assert_int_equal(dedup_test_and_set(&d, 0), 1);
	assert_int_equal(dedup_test(&d, 999), 1);
	assert_int_equal(dedup_test(&d, 998), 0);
	dedup_free(&d);
}

/* What one process marked, the next (a --resume) still knows; a fresh scan starts clear. */
static void a_file_bitmap_outlives_its_process_only_when_kept(void **state)
{
	struct dedup d;
	struct stat st;
	(void)state;

	unlink(path);
	assert_int_equal(dedup_init_file(&d, 100000, path, 0), 0);
	assert_int_equal(dedup_test_and_set(&d, 77777), 0);
	dedup_persist(&d, 77777);
	dedup_free(&d);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	assert_int_equal(dedup_init_file(&d, 100000, path, 1), 0);
	assert_int_equal(dedup_test_and_set(&d, 77777), 1);
	assert_int_equal(dedup_test(&d, 77776), 0);
	dedup_free(&d);

	assert_int_equal(dedup_init_file(&d, 100000, path, 0), 0);
	assert_int_equal(dedup_test(&d, 77777), 0);
	dedup_free(&d);
	unlink(path);
}

/* A file of another size belongs to another scan: it is cleared, not trusted. */
static void a_file_of_another_size_is_cleared(void **state)
{
	struct dedup d;
	(void)state;

	unlink(path);
	assert_int_equal(dedup_init_file(&d, 640, path, 0), 0);
	dedup_test_and_set(&d, 5);
	dedup_persist(&d, 5);
	dedup_free(&d);
	assert_int_equal(dedup_init_file(&d, 100000, path, 1), 0);
	assert_int_equal(dedup_test(&d, 5), 0);
	dedup_free(&d);
	unlink(path);
}

/* The bit of element i as the file holds it, read past the process's own views. */
static int file_bit(uint64_t i)
{
	uint64_t word = 0;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &word, sizeof(word), (off_t)(i / 64 * 8)),
			 (ssize_t)sizeof(word));
	close(fd);
	return (word >> (i & 63)) & 1;
}

/*
 * A result still queued when the process is killed must not be in the file: the receive
 * threads' bit stays in their view until dedup_persist (the writer's, once it is written),
 * so the resumed scan reports its reply.  Children killed outright show it.
 */
static void only_persisted_bits_reach_the_file(void **state)
{
	struct dedup d;
	pid_t pid;
	int status;
	(void)state;

	unlink(path);
	assert_int_equal(dedup_init_file(&d, 100000, path, 0), 0);
	dedup_free(&d);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (dedup_init_file(&d, 100000, path, 1) || dedup_test_and_set(&d, 123) ||
		    dedup_test_and_set(&d, 99999) || !dedup_test(&d, 123))
			_exit(2);
		dedup_persist(&d, 99999);
		kill(getpid(), SIGKILL);
		_exit(3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_int_equal(file_bit(123), 0);
	assert_int_equal(file_bit(99999), 1);
	assert_int_equal(dedup_init_file(&d, 100000, path, 1), 0);
	assert_int_equal(dedup_test_and_set(&d, 123), 0);
	assert_int_equal(dedup_test_and_set(&d, 99999), 1);
	/* A bit cleared before it was persisted (a result taken back) never reaches it. */
	dedup_clear(&d, 123);
	assert_int_equal(dedup_test(&d, 123), 0);
	assert_int_equal(file_bit(123), 0);
	dedup_free(&d);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_element_is_new_once),
		cmocka_unit_test(a_file_bitmap_outlives_its_process_only_when_kept),
		cmocka_unit_test(a_file_of_another_size_is_cleared),
		cmocka_unit_test(only_persisted_bits_reach_the_file),
	};

	return cmocka_run_group_tests_name("dedup", tests, NULL, NULL);
}
