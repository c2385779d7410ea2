/* Unit tests for src/target: address and range parsing, sets, blocklists, port lists. */
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

#include "target/target.h"
#include "target/target6.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static void ipv4_parses_dotted_quads_strictly(void **state)
{
	uint32_t a;
	(void)state;

	assert_int_equal(target_parse_ipv4("198.18.1.5", &a), 0);
	assert_int_equal(a, IP(198, 18, 1, 5));
	assert_int_equal(target_parse_ipv4("0.0.0.0", &a), 0);
	assert_int_equal(target_parse_ipv4("255.255.255.255", &a), 0);
	assert_int_equal(a, 0xffffffffu);
	assert_int_equal(target_parse_ipv4("300.1.1.1", &a), -EINVAL);
	assert_int_equal(target_parse_ipv4("1.2.3", &a), -EINVAL);
	assert_int_equal(target_parse_ipv4("1.2.3.4.5", &a), -EINVAL);
	assert_int_equal(target_parse_ipv4("1.2.3.4 ", &a), -EINVAL);
	assert_int_equal(target_parse_ipv4("1..3.4", &a), -EINVAL);
	assert_int_equal(target_parse_ipv4("", &a), -EINVAL);
	assert_int_equal(target_parse_ipv4("0001.2.3.4", &a), -EINVAL);
}

static void ipv4_formats_back(void **state)
{
	char buf[16];
	(void)state;

	target_format_ipv4(IP(198, 18, 1, 200), buf);
	assert_string_equal(buf, "198.18.1.200");
	target_format_ipv4(0, buf);
	assert_string_equal(buf, "0.0.0.0");
	target_format_ipv4(IP(10, 100, 9, 255), buf);
	assert_string_equal(buf, "10.100.9.255");
}

/* -S's lists: ranges and single addresses, sorted and without duplicates, held to max. */
static void address_lists_parse_sorted_and_once_each(void **state)
{
	uint32_t out[8];
	unsigned n = 99;
	char err[160] = "";
	(void)state;

	assert_int_equal(target_parse_ipv4_list("198.18.0.1", out, 8, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], IP(198, 18, 0, 1));
	assert_int_equal(target_parse_ipv4_list("198.18.0.9,198.18.0.2-198.18.0.4,198.18.0.3,"
						"198.18.0.255-198.18.1.1",
						out, 8, &n, err, sizeof(err)),
			 0);
	assert_int_equal(n, 7);
	assert_int_equal(out[0], IP(198, 18, 0, 2));
	assert_int_equal(out[2], IP(198, 18, 0, 4));
	assert_int_equal(out[3], IP(198, 18, 0, 9));
	assert_int_equal(out[4], IP(198, 18, 0, 255));
	assert_int_equal(out[6], IP(198, 18, 1, 1));
	/* Exactly max, across items; one more is refused before anything is expanded. */
	assert_int_equal(target_parse_ipv4_list("198.18.0.0-198.18.0.3,198.18.2.0-198.18.2.3", out,
						8, &n, err, sizeof(err)),
			 0);
	assert_int_equal(n, 8);
	assert_int_equal(
		target_parse_ipv4_list("198.18.0.0-198.18.0.8", out, 8, &n, err, sizeof(err)),
		-EINVAL);
	assert_string_equal(err, "more than 8 addresses: salvo sends from 8 at most");
	assert_int_equal(
		target_parse_ipv4_list("0.0.0.0-255.255.255.255", out, 8, &n, err, sizeof(err)),
		-EINVAL);
}

static void address_lists_refuse_what_is_not_ipv4_addresses(void **state)
{
	static const struct {
		const char *in, *why;
	} bad[] = {
		{ "2001:2::1", "'2001:2::1': an IPv6 address (IPv6 sources are --ipv6-source-ip)" },
		{ "198.18.0.1,2001:2::1", "'2001:2::1': an IPv6 address" },
		{ "198.18.0.0/29", "'198.18.0.0/29': expected an IPv4 address or a range" },
		{ "198.18.0.9-198.18.0.1",
		  "'198.18.0.9-198.18.0.1': the range ends before it starts" },
		{ "198.18.0.1-", "'198.18.0.1-': expected an IPv4 address or a range" },
		{ "198.18.0.1,", "'': expected an IPv4 address or range" },
		{ "", "'': expected an IPv4 address or range" },
		{ "198.18.0.1,,198.18.0.2", "'': expected" },
		{ "eth0", "'eth0': expected" },
	};
	uint32_t out[8];
	unsigned n;
	char err[160];
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(target_parse_ipv4_list(bad[i].in, out, 8, &n, err, sizeof(err)),
				 -EINVAL);
		assert_non_null(strstr(err, bad[i].why));
	}
}

static void ranges_parse_cidr_and_dash_forms(void **state)
{
	struct target_range r;
	const char *why;
	(void)state;

	assert_int_equal(target_parse_range("198.18.1.77/24", &r, &why), 0);
	assert_int_equal(r.first, IP(198, 18, 1, 0));
	assert_int_equal(r.last, IP(198, 18, 1, 255));
	assert_int_equal(target_parse_range("0.0.0.0/0", &r, &why), 0);
	assert_int_equal(r.first, 0);
	assert_int_equal(r.last, 0xffffffffu);
	assert_int_equal(target_parse_range("198.18.1.10-198.18.1.20", &r, &why), 0);
	assert_int_equal(r.last - r.first, 10);
	assert_int_equal(target_parse_range("198.18.1.1", &r, &why), 0);
	assert_int_equal(r.first, r.last);
}

static void ranges_reject_bad_forms_with_a_reason(void **state)
{
	struct target_range r;
	const char *why = NULL;
	(void)state;

	assert_int_equal(target_parse_range("198.18.1.0/33", &r, &why), -EINVAL);
	assert_non_null(strstr(why, "0 to 32"));
	assert_int_equal(target_parse_range("198.18.1.0/", &r, &why), -EINVAL);
	assert_int_equal(target_parse_range("198.18.1.0/-1", &r, &why), -EINVAL);
	assert_int_equal(target_parse_range("198.18.1.20-198.18.1.10", &r, &why), -EINVAL);
	assert_non_null(strstr(why, "ends before"));
	assert_int_equal(target_parse_range("300.1.1.1", &r, &why), -EINVAL);
	assert_int_equal(target_parse_range("example.com", &r, &why), -EINVAL);
}

static void sets_merge_and_subtract_the_blocklist(void **state)
{
	struct target_set set, block;
	struct target_range r;
	const char *why;
	(void)state;

	target_set_init(&set);
	target_set_init(&block);
	target_parse_range("198.18.1.0/24", &r, &why);
	target_set_add(&set, r);
	target_parse_range("198.18.1.128/25", &r, &why); /* overlaps: merged */
	target_set_add(&set, r);
	target_parse_range("198.18.2.0/31", &r, &why); /* separate */
	target_set_add(&set, r);
	target_parse_range("198.18.1.10-198.18.1.19", &r, &why);
	target_set_add(&block, r);
	target_parse_range("198.18.2.1", &r, &why);
	target_set_add(&block, r);
	assert_int_equal(target_set_finish(&set, &block), 0);
	assert_int_equal(set.addresses, 256 - 10 + 1);
	assert_int_equal(target_set_index(&set, IP(198, 18, 1, 10)), -1);
	assert_int_equal(target_set_index(&set, IP(198, 18, 1, 19)), -1);
	assert_int_equal(target_set_index(&set, IP(198, 18, 2, 1)), -1);
	assert_int_equal(target_set_index(&set, IP(198, 18, 3, 0)), -1);
	assert_int_equal(target_set_index(&set, IP(198, 18, 1, 9)), 9);
	assert_int_equal(target_set_index(&set, IP(198, 18, 1, 20)), 10);
	/* Every index maps to an address that maps back to the same index. */
	for (uint64_t i = 0; i < set.addresses; i++)
		assert_int_equal(target_set_index(&set, target_set_address(&set, i)), (int64_t)i);
	target_set_free(&set);
	target_set_free(&block);
}

static int clip_collect(void *ctx, struct target_range part)
{
	char *text = ctx, a[16], b[16];
	size_t n = strlen(text);

	target_format_ipv4(part.first, a);
	target_format_ipv4(part.last, b);
	snprintf(text + n, 256 - n, "%s%s-%s", n ? " " : "", a, b);
	return 0;
}

static void clip_gives_the_parts_of_a_set_inside_a_range(void **state)
{
	struct target_set set;
	struct target_range r;
	const char *why;
	char text[256] = "";
	(void)state;

	target_set_init(&set);
	target_parse_range("198.18.1.0/24", &r, &why);
	target_set_add(&set, r);
	target_parse_range("198.18.3.0/30", &r, &why);
	target_set_add(&set, r);
	target_parse_range("198.18.5.0/24", &r, &why);
	target_set_add(&set, r);
	assert_int_equal(target_set_finish(&set, NULL), 0);
	target_parse_range("198.18.1.200-198.18.3.1", &r, &why);
	assert_int_equal(target_set_clip(&set, r, clip_collect, text), 0);
	assert_string_equal(text, "198.18.1.200-198.18.1.255 198.18.3.0-198.18.3.1");
	text[0] = '\0';
	target_parse_range("198.18.4.0/24", &r, &why);
	assert_int_equal(target_set_clip(&set, r, clip_collect, text), 0);
	assert_string_equal(text, "");
	target_set_free(&set);
}

/* Blocks from target_cidr_at, one after another, cover [first, last] exactly; each is aligned
 * and as large as it may be (twice its size would be misaligned or pass last). */
static void check_cidr_cover(uint32_t first, uint32_t last)
{
	uint64_t x = first;

	while (x <= last) {
		unsigned len = target_cidr_at((uint32_t)x, last);
		uint64_t size = UINT64_C(1) << (32 - len);

		assert_int_equal(x % size, 0);
		assert_true(x + size - 1 <= last);
		assert_true(len == 0 || x % (2 * size) || x + 2 * size - 1 > last);
		x += size;
	}
	assert_int_equal(x, (uint64_t)last + 1);
}

static void cidr_blocks_cover_a_range_exactly(void **state)
{
	uint64_t seed = 7;
	(void)state;

	assert_int_equal(target_cidr_at(0, UINT32_MAX), 0);
	assert_int_equal(target_cidr_at(IP(10, 0, 0, 0), IP(10, 0, 0, 255)), 24);
	assert_int_equal(target_cidr_at(IP(10, 0, 0, 1), IP(10, 0, 0, 255)), 32);
	assert_int_equal(target_cidr_at(IP(10, 0, 0, 2), IP(10, 0, 0, 5)), 31);
	assert_int_equal(target_cidr_at(IP(10, 0, 0, 0), IP(10, 0, 0, 254)), 25);
	assert_int_equal(target_cidr_at(UINT32_MAX, UINT32_MAX), 32);
	check_cidr_cover(0, UINT32_MAX);
	check_cidr_cover(UINT32_MAX - 2, UINT32_MAX);
	for (int i = 0; i < 2000; i++) {
		uint32_t a, b;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		a = (uint32_t)(seed >> 32);
		b = a + (uint32_t)((seed >> 8) % (i % 2 ? 100000 : 300));
		check_cidr_cover(a, b < a ? UINT32_MAX : b);
	}
}

static void default_blocklist_covers_reserved_ranges(void **state)
{
	struct target_set set, block;
	struct target_range r;
	const char *why;
	(void)state;

	target_set_init(&set);
	target_set_init(&block);
	target_parse_range("0.0.0.0/0", &r, &why);
	target_set_add(&set, r);
	assert_int_equal(target_set_add_default_blocklist(&block), 0);
	assert_int_equal(target_set_finish(&set, &block), 0);
	assert_int_equal(target_set_index(&set, IP(198, 18, 1, 5)), -1);
	assert_int_equal(target_set_index(&set, IP(198, 19, 255, 255)), -1);
	assert_int_equal(target_set_index(&set, IP(10, 1, 2, 3)), -1);
	assert_int_equal(target_set_index(&set, IP(127, 0, 0, 1)), -1);
	assert_int_equal(target_set_index(&set, IP(192, 168, 0, 1)), -1);
	assert_int_equal(target_set_index(&set, IP(224, 0, 0, 1)), -1);
	assert_int_equal(target_set_index(&set, IP(255, 255, 255, 255)), -1);
	assert_true(target_set_index(&set, IP(1, 1, 1, 1)) >= 0);
	assert_true(target_set_index(&set, IP(198, 20, 0, 0)) >= 0);
	/* 2^32 minus the special-purpose blocks: about 3.7 billion. */
	assert_true(set.addresses > 3600000000ULL && set.addresses < 3750000000ULL);
	target_set_free(&set);
	target_set_free(&block);
}

static char *write_temp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/salvo-test-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void list_files_allow_comments_and_name_the_bad_line(void **state)
{
	struct target6_set set6 = { 0 };
	struct target_set set;
	char err[256];
	char *path;
	(void)state;

	target_set_init(&set);
	path = write_temp("# test hosts\n198.18.1.0/30  # four\n\n  198.18.2.1\n");
	assert_int_equal(
		target6_set_load_file(&set6, &set, path, TARGET6_NO_GUARD, NULL, err, sizeof(err)),
		0);
	assert_int_equal(set.count, 2);
	unlink(path);
	target_set_free(&set);

	target_set_init(&set);
	path = write_temp("198.18.1.0/24\n198.18.1.0/40\n");
	assert_int_equal(
		target6_set_load_file(&set6, &set, path, TARGET6_NO_GUARD, NULL, err, sizeof(err)),
		-EINVAL);
	assert_non_null(strstr(err, ":2: 198.18.1.0/40:"));
	unlink(path);
	target_set_free(&set);

	/* --ignore-blocklist-errors: bad lines (a bad prefix, a word, a line too long) are
	 * counted and skipped, the first one named; the good ones are all kept. */
	{
		char text[1200] = "198.18.1.0/24\n198.18.1.0/40\nnot-an-address\n";
		unsigned skipped = 0;

		size_t n = strlen(text);

		memset(text + n, 'x', 700);
		snprintf(text + n + 700, sizeof(text) - n - 700, "\n198.18.3.7\n");
		target_set_init(&set);
		path = write_temp(text);
		assert_int_equal(target6_set_load_file(&set6, &set, path, TARGET6_NO_GUARD,
						       &skipped, err, sizeof(err)),
				 0);
		assert_int_equal(skipped, 3);
		assert_int_equal(set.count, 2);
		assert_int_equal(set.ranges[1].first, 0xc6120307);
		assert_non_null(strstr(err, ":2: 198.18.1.0/40:"));
		unlink(path);
		target_set_free(&set);
	}

	target_set_init(&set);
	assert_int_equal(target6_set_load_file(&set6, &set, "/nonexistent/list", TARGET6_NO_GUARD,
					       NULL, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/list"));
	target_set_free(&set);
	assert_int_equal(set6.singles_count + set6.ranges_count, 0);
	target6_set_free(&set6);
}

static void ports_parse_lists_and_ranges(void **state)
{
	struct target_ports p;
	char err[128];
	(void)state;

	assert_int_equal(target_ports_parse("80,443,8000-8002,80", &p, err, sizeof(err)), 0);
	assert_int_equal(p.count, 5);
	assert_int_equal(p.ports[0], 80);
	assert_int_equal(p.ports[4], 8002);
	assert_int_equal(target_ports_index(&p, 443), 1);
	assert_int_equal(target_ports_index(&p, 22), -1);
	target_ports_free(&p);
	assert_int_equal(target_ports_parse("0-65535", &p, err, sizeof(err)), 0);
	assert_int_equal(p.count, 65536);
	target_ports_free(&p);
}

static void ports_reject_bad_values_naming_them(void **state)
{
	struct target_ports p;
	char err[128];
	(void)state;

	assert_int_equal(target_ports_parse("70000", &p, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'70000'"));
	assert_non_null(strstr(err, "0 to 65535"));
	assert_int_equal(target_ports_parse("80-20", &p, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'80-20'"));
	assert_int_equal(target_ports_parse("80,", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(target_ports_parse("http", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(target_ports_parse("", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(target_ports_parse("-5", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(target_ports_parse("1,,2", &p, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_parses_dotted_quads_strictly),
		cmocka_unit_test(ipv4_formats_back),
		cmocka_unit_test(address_lists_parse_sorted_and_once_each),
		cmocka_unit_test(address_lists_refuse_what_is_not_ipv4_addresses),
		cmocka_unit_test(ranges_parse_cidr_and_dash_forms),
		cmocka_unit_test(ranges_reject_bad_forms_with_a_reason),
		cmocka_unit_test(sets_merge_and_subtract_the_blocklist),
		cmocka_unit_test(clip_gives_the_parts_of_a_set_inside_a_range),
		cmocka_unit_test(cidr_blocks_cover_a_range_exactly),
		cmocka_unit_test(default_blocklist_covers_reserved_ranges),
		cmocka_unit_test(list_files_allow_comments_and_name_the_bad_line),
		cmocka_unit_test(ports_parse_lists_and_ranges),
		cmocka_unit_test(ports_reject_bad_values_naming_them),
	};

	return cmocka_run_group_tests_name("target", tests, NULL, NULL);
}
