/* Unit tests for the dedup bitmap: in memory, and in a file that a resumed scan keeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>
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
	dedup_free(&d);
	assert_int_equal(dedup_init_file(&d, 100000, path, 1), 0);
	assert_int_equal(dedup_test(&d, 5), 0);
	dedup_free(&d);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_element_is_new_once),
		cmocka_unit_test(a_file_bitmap_outlives_its_process_only_when_kept),
		cmocka_unit_test(a_file_of_another_size_is_cleared),
	};

	return cmocka_run_group_tests_name("dedup", tests, NULL, NULL);
}
