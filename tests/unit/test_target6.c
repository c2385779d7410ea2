/*
 * Unit tests for IPv6 targets (src/target/target6.c, blocklist6.c): RFC 5952
 * text, parsing and the guard, sets (dedup, merge, blocklists, the index
 * space), list files, and a million-address hitlist.
 *
 * SALVO_TARGET6_HITLIST=N sizes the hitlist case (default 1000000); the
 * timings and peak memory it prints are what doc/ipv6.md reports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "target/target.h"
#include "target/target6.h"

static struct target6_addr A(const char *s) {
	struct target6_addr a = { 0, 0 };

	if (target6_parse_addr(s, &a) != 0)
		fail_msg("test address %s does not parse", s);
	return a;
}

static struct target6_range
R(const char *s) {
	struct target6_range r;
	char err[256];

	if (target6_parse(s, TARGET6_NO_GUARD, &r, err, sizeof(err)) != 0)
		fail_msg("test target %s does not parse: %s", s, err);
	return r;
}

static void
add(struct target6_set *set, const char *s)
{
	struct target6_range r = R(s);

	assert_int_equal(target6_set_add(set, &r), 0);
}

static const char *fmt(struct target6_addr a)
{
	static char buf[TARGET6_ADDRSTRLEN];

	target6_format(a, buf);
	return buf;
}

/* splitmix64: a fixed sequence of random-looking numbers. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void format_follows_rfc5952(void **state)
{
	static const char *const cases[][2] = {
		{ "2001:db8:0:0:0:0:0:1", "2001:db8::1" },
		{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" }, /* no :: for one field */
		{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },	    /* the longest run */
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },    /* the first of equal runs */
		{ "2001:DB8:0:0:0:0:0:AAAA", "2001:db8::aaaa" },    /* lower case */
		{ "2001:0db8:0001:0000:0000:0ab9:C0A8:0102", "2001:db8:1::ab9:c0a8:102" },
		{ "0:0:0:0:0:0:0:0", "::" },
		{ "0:0:0:0:0:0:0:1", "::1" },
		{ "1:0:0:0:0:0:0:0", "1::" },
		{ "1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0" },
		{ "0:1:0:0:1:0:0:0", "0:1:0:0:1::" },
		{ "::ffff:198.18.0.1", "::ffff:198.18.0.1" }, /* section 5: IPv4-mapped */
		{ "::1.2.3.4", "::102:304" }, /* IPv4-compatible is deprecated: hex */
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[TARGET6_ADDRSTRLEN];
		int n = target6_format(A(cases[i][0]), buf);

		assert_string_equal(buf, cases[i][1]);
		assert_int_equal(n, strlen(cases[i][1]));
	}
}

/* glibc's inet_ntop is RFC 5952 too, except for ::a.b.c.d: the two must agree elsewhere,
 * and the text must parse back to the same address. */
static void format_agrees_with_inet_ntop_and_parses_back(void **state)
{
	uint64_t seed = 5952;
	(void)state;

	for (int i = 0; i < 200000; i++) {
		uint8_t b[16];
		char ours[TARGET6_ADDRSTRLEN], libc[INET6_ADDRSTRLEN];
		uint64_t r = next_random(&seed), zeros = next_random(&seed);
		struct target6_addr a = { next_random(&seed), next_random(&seed) };

		/* Zero a random choice of fields, so that runs of every length occur. */
		for (int w = 0; w < 8; w++) {
			uint64_t *half = w < 4 ? &a.hi : &a.lo;

			if (zeros >> w & 1)
				*half &= ~(UINT64_C(0xffff) << (48 - 16 * (w & 3)));
		}
		if (r % 16 == 0)
			a.hi = 0, a.lo = (a.lo & 0xffffffff) | UINT64_C(0xffff) << 32;
		target6_format(a, ours);
		target6_to_bytes(a, b);
		assert_non_null(inet_ntop(AF_INET6, b, libc, sizeof(libc)));
		if (!(a.hi == 0 && a.lo >> 32 == 0 && a.lo >> 16 != 0))
			assert_string_equal(ours, libc);
		assert_true(target6_cmp(A(ours), a) == 0);
	}
}

static void addresses_convert_to_and_from_wire_bytes(void **state)
{
	static const uint8_t wire[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, 2,	 3,  4,
					  5,	6,    7,    8,	  9, 10, 11, 12 };
	struct target6_addr a = target6_from_bytes(wire);
	uint8_t back[16];
	(void)state;

	assert_int_equal(a.hi, 0x20010db801020304ULL);
	assert_int_equal(a.lo, 0x05060708090a0b0cULL);
	target6_to_bytes(a, back);
	assert_memory_equal(back, wire, 16);
}

static void arithmetic_carries_across_the_halves(void **state)
{
	struct target6_addr a = { 1, UINT64_MAX };
	(void)state;

	a = target6_add(a, 1);
	assert_int_equal(a.hi, 2);
	assert_int_equal(a.lo, 0);
	a = target6_sub(a, (struct target6_addr){ 0, 1 });
	assert_int_equal(a.hi, 1);
	assert_int_equal(a.lo, UINT64_MAX);
	assert_int_equal(target6_distance(A("2001:db8::ffff:fff0"), A("2001:db8::1:0:5")), 0x15);
	assert_true(target6_cmp(A("2001:db8::1"), A("2001:db8::2")) < 0);
	assert_true(target6_cmp(A("2001:db9::"), A("2001:db8::ffff")) > 0);
	assert_int_equal(target6_cmp(A("2001:db8::"), A("2001:db8:0::0")), 0);
}

static void parse_reads_addresses_prefixes_and_ranges(void **state)
{
	struct target6_range r;
	char err[256];
	(void)state;

	assert_int_equal(target6_parse("2001:db8::1", TARGET6_DEFAULT_GUARD, &r, err, 256), 0);
	assert_string_equal(fmt(r.first), "2001:db8::1");
	assert_int_equal(target6_cmp(r.first, r.last), 0);
	/* Host bits are ignored, as the IPv4 parser does with 198.18.1.77/24. */
	assert_int_equal(target6_parse("2001:db8::1:77/112", TARGET6_DEFAULT_GUARD, &r, err, 256),
			 0);
	assert_string_equal(fmt(r.first), "2001:db8::1:0");
	assert_string_equal(fmt(r.last), "2001:db8::1:ffff");
	/* Exactly the guard is allowed. */
	assert_int_equal(target6_parse("2001:db8::/96", TARGET6_DEFAULT_GUARD, &r, err, 256), 0);
	assert_string_equal(fmt(r.last), "2001:db8::ffff:ffff");
	assert_int_equal(target6_parse("2001:db8::1/128", TARGET6_DEFAULT_GUARD, &r, err, 256), 0);
	assert_int_equal(target6_cmp(r.first, r.last), 0);
	assert_int_equal(target6_parse("2001:db8::5-2001:db8::1:9", 1 << 20, &r, err, 256), 0);
	assert_int_equal(target6_distance(r.first, r.last), 0x10004);
	/* Without a guard (blocklists) anything goes, even the whole space. */
	assert_int_equal(target6_parse("::/0", TARGET6_NO_GUARD, &r, err, 256), 0);
	assert_int_equal(r.first.hi | r.first.lo, 0);
	assert_int_equal(r.last.hi & r.last.lo, UINT64_MAX);
	assert_int_equal(target6_parse("8000::/1", TARGET6_NO_GUARD, &r, err, 256), 0);
	assert_string_equal(fmt(r.first), "8000::");
	assert_int_equal(target6_parse("2001:db8::/65", TARGET6_NO_GUARD, &r, err, 256), 0);
	assert_string_equal(fmt(r.last), "2001:db8::7fff:ffff:ffff:ffff");
}

static void expect_refused(const char *s, const char *why)
{
	struct target6_range r;
	char err[256] = "";

	if (target6_parse(s, TARGET6_DEFAULT_GUARD, &r, err, sizeof(err)) != -EINVAL)
		fail_msg("'%s' was accepted", s);
	if (!strstr(err, why))
		fail_msg("'%s': error '%s' does not say '%s'", s, err, why);
}

static void parse_refuses_bad_forms_with_a_reason(void **state)
{
	(void)state;

	expect_refused("2001:db8:::1", "2001:db8:::1: expected an IPv6 address, ADDR/LEN");
	expect_refused("12345::", "expected an IPv6 address");
	expect_refused("2001:db8::g", "expected an IPv6 address");
	expect_refused("", "expected an IPv6 address");
	expect_refused("198.18.0.1", "expected an IPv6 address");
	expect_refused(" 2001:db8::1", "expected an IPv6 address");
	expect_refused("fe80::1%eth0", "fe80::1%eth0: expected an address without a zone id");
	expect_refused("fe80::1%eth0/64", "zone id");
	expect_refused("[2001:db8::1]", "without brackets");
	expect_refused("[2001:db8::]/64", "without brackets");
	expect_refused("2001:db8::/129", "expected a prefix length from 0 to 128");
	expect_refused("2001:db8::/1000", "0 to 128");
	expect_refused("2001:db8::/", "0 to 128");
	expect_refused("2001:db8::/-1", "0 to 128");
	expect_refused("2001:db8::/64x", "0 to 128");
	expect_refused("2001:db8:/64", "expected an IPv6 address before the '/'");
	expect_refused("2001:db8::9-2001:db8::5", "the range ends before it starts");
	expect_refused("2001:db8::1-", "expected a range of two IPv6 addresses");
	expect_refused("2001:db8::1-2001:db8::2-2001:db8::3", "range of two");
}

static void parse_refuses_more_than_the_guard_in_one_line(void **state)
{
	struct target6_range r;
	char err[256];
	(void)state;

	assert_int_equal(target6_parse("2001:db8::/64", TARGET6_DEFAULT_GUARD, &r, err, 256),
			 -EINVAL);
	assert_string_equal(err, "2001:db8::/64: 2^64 addresses, over the guard of 2^32 "
				 "(--max-v6-prefix-size): the IPv6 space is scanned from lists, "
				 "not swept");
	assert_int_equal(target6_parse("2001:db8::/95", TARGET6_DEFAULT_GUARD, &r, err, 256),
			 -EINVAL);
	assert_non_null(strstr(err, ": 2^33 addresses, over the guard of 2^32 "));
	assert_int_equal(target6_parse("::/0", TARGET6_DEFAULT_GUARD, &r, err, 256), -EINVAL);
	assert_non_null(strstr(err, "::/0: 2^128 addresses"));
	/* A range one over the guard: the exact count. */
	assert_int_equal(
		target6_parse("2001:db8::-2001:db8::1:0:0", TARGET6_DEFAULT_GUARD, &r, err, 256),
		-EINVAL);
	assert_non_null(strstr(err, ": 4294967297 addresses, over the guard of 2^32 "));
	assert_int_equal(target6_parse("::-ffff::", TARGET6_DEFAULT_GUARD, &r, err, 256), -EINVAL);
	assert_non_null(strstr(err, ": over 2^127 addresses"));
	/* A guard that is not a power of two is written out. */
	assert_int_equal(target6_parse("2001:db8::/118", 1000, &r, err, 256), -EINVAL);
	assert_non_null(strstr(err, ": 2^10 addresses, over the guard of 1000 "));
	assert_int_equal(target6_parse("2001:db8::/119", 1000, &r, err, 256), 0);
	assert_int_equal(target6_parse("2001:db8::/127", 1, &r, err, 256), -EINVAL);
	assert_non_null(strstr(err, ": 2 addresses, over the guard of 1 "));
}

/* The set's addresses in index order, as text joined by spaces. */
static const char *contents(const struct target6_set *set)
{
	static char text[4096];
	size_t n = 0;

	text[0] = '\0';
	for (uint64_t i = 0; i < set->addresses && n < sizeof(text) - 50; i++) {
		struct target6_addr a;

		target6_set_address(set, i, &a);
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s", n ? " " : "", fmt(a));
	}
	return text;
}

static void finish_dedups_and_drops_singles_inside_ranges(void **state)
{
	struct target6_set set;
	(void)state;

	target6_set_init(&set);
	add(&set, "2001:db8::9");
	add(&set, "2001:db8::1");
	add(&set, "2001:db8::9");
	add(&set, "2001:db8::1:5"); /* inside the range below: dropped */
	add(&set, "2001:db8::1:0-2001:db8::1:7");
	add(&set, "2001:db8::1:8"); /* just after it: kept, as a single */
	add(&set, "2001:db8::1:0/128");
	assert_int_equal(target6_set_finish(&set, NULL), 0);
	assert_int_equal(set.singles_count, 3);
	assert_int_equal(set.ranges_count, 1);
	assert_int_equal(set.addresses, 3 + 8);
	assert_string_equal(contents(&set), "2001:db8::1 2001:db8::9 2001:db8::1:8 "
					    "2001:db8::1:0 2001:db8::1:1 2001:db8::1:2 "
					    "2001:db8::1:3 2001:db8::1:4 2001:db8::1:5 "
					    "2001:db8::1:6 2001:db8::1:7");
	assert_int_equal(target6_set_index(&set, A("2001:db8::1:5")), 3 + 5);
	assert_int_equal(target6_set_index(&set, A("2001:db8::1:8")), 2);
	assert_int_equal(target6_set_index(&set, A("2001:db8::2")), -1);
	/* Finishing again changes nothing. */
	assert_int_equal(target6_set_finish(&set, NULL), 0);
	assert_int_equal(set.addresses, 11);
	target6_set_free(&set);
}

static void finish_merges_overlapping_and_adjacent_ranges(void **state)
{
	struct target6_set set;
	(void)state;

	target6_set_init(&set);
	add(&set, "2001:db8::10-2001:db8::1f");
	add(&set, "2001:db8::18-2001:db8::27"); /* overlaps */
	add(&set, "2001:db8::28-2001:db8::2f"); /* adjacent */
	add(&set, "2001:db8::20/124");		/* inside */
	add(&set, "2001:db8::31-2001:db8::32"); /* a gap of one before it */
	add(&set, "2001:db8:0:1::/112");
	add(&set, "2001:db8::ffff:ffff:ffff:fff0/124"); /* adjacent across the halves */
	add(&set, "2001:db8:0:1::/120");
	assert_int_equal(target6_set_finish(&set, NULL), 0);
	assert_int_equal(set.ranges_count, 3);
	assert_string_equal(fmt(set.ranges[0].first), "2001:db8::10");
	assert_string_equal(fmt(set.ranges[0].last), "2001:db8::2f");
	assert_string_equal(fmt(set.ranges[2].first), "2001:db8::ffff:ffff:ffff:fff0");
	assert_string_equal(fmt(set.ranges[2].last), "2001:db8:0:1::ffff");
	assert_int_equal(set.addresses, 32 + 2 + 16 + 65536);
	assert_int_equal(target6_set_index(&set, A("2001:db8::30")), -1);
	assert_int_equal(target6_set_index(&set, A("2001:db8::32")), 33);
	assert_int_equal(target6_set_index(&set, A("2001:db8:0:1::2")), 32 + 2 + 16 + 2);
	target6_set_free(&set);
}

static void finish_subtracts_block_singles_and_ranges(void **state)
{
	struct target6_set set, block;
	(void)state;

	target6_set_init(&set);
	target6_set_init(&block);
	add(&set, "2001:db8::1");
	add(&set, "2001:db8::2");
	add(&set, "2001:db8::5:1");
	add(&set, "2001:db8::100-2001:db8::10f");
	add(&set, "2001:db8::200-2001:db8::20f");
	add(&block, "2001:db8::2");		    /* a blocked single */
	add(&block, "2001:db8::5:0/112");	    /* a blocked range holding a single */
	add(&block, "2001:db8::103");		    /* splits a range */
	add(&block, "2001:db8::10a-2001:db8::203"); /* ends one range, starts the next */
	add(&block, "2001:db8::20f");		    /* the last address */
	add(&block, "2001:db8::20f");
	assert_int_equal(target6_set_finish(&set, &block), 0);
	assert_string_equal(
		contents(&set),
		"2001:db8::1 2001:db8::100 2001:db8::101 2001:db8::102 "
		"2001:db8::104 2001:db8::105 2001:db8::106 2001:db8::107 "
		"2001:db8::108 2001:db8::109 2001:db8::204 2001:db8::205 "
		"2001:db8::206 2001:db8::207 2001:db8::208 2001:db8::209 "
		"2001:db8::20a 2001:db8::20b 2001:db8::20c 2001:db8::20d 2001:db8::20e");
	assert_int_equal(set.ranges_count, 3);
	assert_int_equal(target6_set_index(&set, A("2001:db8::2")), -1);
	assert_int_equal(target6_set_index(&set, A("2001:db8::103")), -1);
	assert_int_equal(target6_set_index(&set, A("2001:db8::104")), 4);
	target6_set_free(&set);
	target6_set_free(&block);
}

/* The guard is for targets: a blocklist range may be any size, and subtracting it works. */
static void blocklists_may_hold_ranges_beyond_the_guard(void **state)
{
	struct target6_set set, block;
	(void)state;

	target6_set_init(&set);
	target6_set_init(&block);
	add(&set, "fd00::1");
	add(&set, "2001:db8::/96");
	add(&set, "2600::1");
	add(&set, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0/124");
	add(&block, "fc00::/7");
	add(&block, "2000::/4");
	add(&block, "8000::/1");
	add(&block, "::/0"); /* overlaps all of the above */
	add(&block, "::/1");
	assert_int_equal(target6_set_finish(&set, &block), 0);
	assert_int_equal(set.addresses, 0);
	assert_int_equal(target6_set_index(&set, A("2600::1")), -1);
	target6_set_free(&set);
	target6_set_free(&block);

	target6_set_init(&set);
	target6_set_init(&block);
	add(&set, "2001:db8::/96");
	add(&set, "3000::1");
	add(&block, "2000::/4");
	assert_int_equal(target6_set_finish(&set, &block), 0);
	assert_string_equal(contents(&set), "3000::1");
	target6_set_free(&set);
	target6_set_free(&block);
}

static void finish_refuses_more_than_the_permutation_walks(void **state)
{
	struct target6_set set;
	(void)state;

	target6_set_init(&set);
	add(&set, "2001:db8::/64"); /* added without the guard */
	assert_int_equal(target6_set_finish(&set, NULL), -ERANGE);
	target6_set_free(&set);
	target6_set_init(&set);
	add(&set, "2001:db8::/67");
	add(&set, "2001:db9::/67");
	add(&set, "2001:dba::1");
	assert_int_equal(target6_set_finish(&set, NULL), -ERANGE);
	target6_set_free(&set);
	target6_set_init(&set);
	add(&set, "2001:db8::/66");
	assert_int_equal(target6_set_finish(&set, NULL), 0);
	assert_int_equal(set.addresses, TARGET6_MAX_ADDRESSES);
	target6_set_free(&set);
}

/* salvo-blocklist's IPv6 set: all of the space less the blocklist, looked up, never counted. */
static void normalize_takes_all_of_the_space_less_a_blocklist(void **state)
{
	struct target6_set set, block;
	(void)state;

	target6_set_init(&set);
	target6_set_init(&block);
	add(&set, "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	assert_int_equal(target6_set_add_default_blocklist(&block), 0);
	assert_int_equal(target6_set_normalize(&set, &block), 0);
	assert_true(target6_set_contains(&set, A("2606:4700::1111")));
	assert_true(target6_set_contains(&set, A("::2")));
	assert_true(target6_set_contains(&set, A("2001:200::1"))); /* past 2001::/23 */
	assert_false(target6_set_contains(&set, A("2001:1::3")));
	assert_false(target6_set_contains(&set, A("2001:db8::1")));
	assert_false(target6_set_contains(&set, A("2001:2::5")));
	assert_false(target6_set_contains(&set, A("ff02::1")));
	assert_false(target6_set_contains(&set, A("::1")));
	assert_false(target6_set_contains(&set, A("fe80::1")));
	/* Too large to count: finishing it is refused, normalizing it is not. */
	assert_int_equal(target6_set_finish(&set, &block), -ERANGE);
	target6_set_free(&set);
	target6_set_free(&block);
}

static int clip_collect(void *ctx, const struct target6_range *part)
{
	char *text = ctx;
	size_t n = strlen(text);

	n += (size_t)snprintf(text + n, 512 - n, "%s%s", n ? " " : "", fmt(part->first));
	snprintf(text + n, 512 - n, "-%s", fmt(part->last));
	return 0;
}

static void clip_walks_singles_and_ranges_in_address_order(void **state)
{
	struct target6_set set;
	struct target6_range r;
	char text[512] = "";
	(void)state;

	target6_set_init(&set);
	add(&set, "2001:db8::1:5");
	add(&set, "2001:db8::7");
	add(&set, "2001:db8::100-2001:db8::1ff");
	add(&set, "2001:db8::2:0/112");
	add(&set, "2001:db8::9:9");
	assert_int_equal(target6_set_normalize(&set, NULL), 0);
	r = R("2001:db8::180-2001:db8::2:3");
	assert_int_equal(target6_set_clip(&set, &r, clip_collect, text), 0);
	assert_string_equal(text, "2001:db8::180-2001:db8::1ff 2001:db8::1:5-2001:db8::1:5 "
				  "2001:db8::2:0-2001:db8::2:3");
	target6_set_free(&set);
}

static void check_cidr6_cover(struct target6_range r)
{
	struct target6_addr x = r.first;

	for (;;) {
		unsigned len = target6_cidr_at(x, r.last);
		/* The block's size - 1: its 128 - len low bits set. */
		struct target6_addr span =
			len < 64    ? (struct target6_addr){ UINT64_MAX >> len, UINT64_MAX }
			: len < 128 ? (struct target6_addr){ 0, UINT64_MAX >> (len - 64) }
				    : (struct target6_addr){ 0, 0 };
		struct target6_addr last = { x.hi | span.hi, x.lo | span.lo };

		/* Aligned: the block's low bits are clear at its start. */
		assert_int_equal(x.hi & span.hi, 0);
		assert_int_equal(x.lo & span.lo, 0);
		assert_true(target6_cmp(last, r.last) <= 0);
		if (target6_cmp(last, r.last) == 0)
			return;
		x = target6_add(last, 1);
	}
}

static void cidr_blocks_of_ipv6_ranges(void **state)
{
	uint64_t seed = 11;
	(void)state;

	assert_int_equal(target6_cidr_at(A("::"), A("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")), 0);
	assert_int_equal(target6_cidr_at(A("2001:db8::"), A("2001:db8::ffff")), 112);
	assert_int_equal(target6_cidr_at(A("2001:db8::"), A("2001:db8:0:0:ffff:ffff:ffff:ffff")),
			 64);
	assert_int_equal(target6_cidr_at(A("2001:db8::"), A("2001:db8:0:1:ffff:ffff:ffff:fffe")),
			 64);
	assert_int_equal(target6_cidr_at(A("2001:db8::1"), A("2001:db8::ffff")), 128);
	assert_int_equal(target6_cidr_at(A("2001:db8::2"), A("2001:db8::5")), 127);
	check_cidr6_cover(R("::/0"));
	check_cidr6_cover(R("2001:db8::3-2001:db8:0:3::1"));
	for (int i = 0; i < 2000; i++) {
		struct target6_range r;

		r.first.hi = next_random(&seed);
		r.first.lo = next_random(&seed);
		r.last = target6_add(r.first, next_random(&seed) % (i % 2 ? 1000000 : 500));
		if (target6_cmp(r.last, r.first) < 0)
			r.last = (struct target6_addr){ UINT64_MAX, UINT64_MAX };
		check_cidr6_cover(r);
	}
}

static void default_blocklist_removes_special_purpose_addresses(void **state)
{
	static const char *const blocked[] = {
		"2001:db8::1",
		"fe80::1",
		"::1",
		"::",
		"::ffff:8.8.8.8",
		"64:ff9b::808:808",
		"100::1",
		"2001::1",
		"2001:2::5",
		"2001:2:0:ffff::1",
		"2002:c612::1",
		"fd12:3456::1",
		"fc00::1",
		"fec0::1",
		"ff02::1",
		"ff0e::1",
		"3fff::1",
		"5f00::1",
		"2620:4f:8000::1",
		"2001:1ff:ffff::1",
		"2001:2:1::1",
	};
	static const char *const kept[] = {
		"2606:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001::1",
		"2001:200::1",	   "2620:fe::fe",	   "2003::1",
		"2c0f:fb50::1",
	};
	struct target6_set set, block;
	(void)state;

	target6_set_init(&set);
	target6_set_init(&block);
	for (size_t i = 0; i < sizeof(blocked) / sizeof(blocked[0]); i++)
		add(&set, blocked[i]);
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		add(&set, kept[i]);
	add(&set, "2001:db8::/120");
	add(&set, "2a00:1450::/112");
	assert_int_equal(target6_set_add_default_blocklist(&block), 0);
	assert_int_equal(target6_set_finish(&set, &block), 0);
	for (size_t i = 0; i < sizeof(blocked) / sizeof(blocked[0]); i++)
		if (target6_set_index(&set, A(blocked[i])) != -1)
			fail_msg("%s was not blocked", blocked[i]);
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (target6_set_index(&set, A(kept[i])) < 0)
			fail_msg("%s was blocked", kept[i]);
	assert_int_equal(set.addresses, sizeof(kept) / sizeof(kept[0]) + 65536);
	target6_set_free(&set);
	target6_set_free(&block);
}

/* A blocklist is normalized by finish but not counted: look through it by hand. */
static int in_block(const struct target6_set *block, struct target6_addr a)
{
	for (size_t i = 0; i < block->singles_count; i++)
		if (target6_cmp(block->singles[i], a) == 0)
			return 1;
	for (size_t i = 0; i < block->ranges_count; i++)
		if (target6_cmp(block->ranges[i].first, a) <= 0 &&
		    target6_cmp(a, block->ranges[i].last) <= 0)
			return 1;
	return 0;
}

static void every_index_round_trips_in_a_mixed_set(void **state)
{
	struct target6_set set, block;
	uint64_t seed = 42;
	(void)state;

	target6_set_init(&set);
	target6_set_init(&block);
	for (int i = 0; i < 3000; i++) {
		/* Clustered singles, so some fall inside the ranges and some repeat. */
		struct target6_addr a = { 0x20010db800000000ULL | (next_random(&seed) % 4),
					  next_random(&seed) % 5000 };

		assert_int_equal(target6_set_add_address(&set, a), 0);
	}
	add(&set, "2001:db8::/118");
	add(&set, "2001:db8:0:1::100-2001:db8:0:1::1ff");
	add(&set, "2001:db8:0:2:ffff:ffff:ffff:ff00-2001:db8:0:3::ff");
	add(&block, "2001:db8::80/121");
	add(&block, "2001:db8:0:2::1000-2001:db8:0:2::1100");
	add(&block, "2001:db8:0:1::150");
	assert_int_equal(target6_set_finish(&set, &block), 0);
	assert_true(set.singles_count > 1000);
	assert_int_equal(set.ranges_count, 5);
	for (uint64_t i = 0; i < set.addresses; i++) {
		struct target6_addr a, prev = { 0, 0 };

		target6_set_address(&set, i, &a);
		assert_int_equal(target6_set_index(&set, a), (int64_t)i);
		if (i > 0 && i != set.singles_count)
			assert_true(target6_cmp(prev, a) < 0); /* sorted, each part */
		prev = a;
		assert_false(in_block(&block, a));
	}
	target6_set_free(&set);
	target6_set_free(&block);
}

/* Sorting: the set's singles must be what qsort and a dedup give, whatever the input's
 * shape (shared prefixes, many repeats, the ends of the space). */
static int addr_qsort_cmp(const void *a, const void *b)
{
	return target6_cmp(*(const struct target6_addr *)a, *(const struct target6_addr *)b);
}

static void finish_sorts_like_qsort(void **state)
{
	enum { N = 50000 };
	struct target6_addr *copy = malloc(N * sizeof(*copy));
	struct target6_set set;
	uint64_t seed = 7;
	size_t distinct = 0;
	(void)state;

	assert_non_null(copy);
	target6_set_init(&set);
	for (int i = 0; i < N; i++) {
		uint64_t r = next_random(&seed);
		struct target6_addr a = { next_random(&seed), next_random(&seed) };

		if (r % 3 == 0)
			a.hi = (a.hi & 0xff) | 0x20010db800000000ULL; /* one /56 */
		if (r % 5 == 0)
			a.lo &= 0x0f00000000000003ULL; /* many repeats */
		if (r % 97 == 0)
			a = (struct target6_addr){ UINT64_MAX, UINT64_MAX - (r >> 60) };
		if (r % 89 == 0)
			a = (struct target6_addr){ 0, r >> 62 };
		copy[i] = a;
		assert_int_equal(target6_set_add_address(&set, a), 0);
	}
	qsort(copy, N, sizeof(copy[0]), addr_qsort_cmp);
	for (int i = 0; i < N; i++)
		if (i == 0 || target6_cmp(copy[i - 1], copy[i]) != 0)
			copy[distinct++] = copy[i];
	assert_int_equal(target6_set_finish(&set, NULL), 0);
	assert_int_equal(set.singles_count, distinct);
	assert_memory_equal(set.singles, copy, distinct * sizeof(copy[0]));
	target6_set_free(&set);
	free(copy);
}

static char *write_temp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/salvo-test6-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void list_files_allow_comments_and_name_the_bad_line(void **state)
{
	struct target6_set set;
	struct target_set v4;
	char err[256], text[1200];
	unsigned skipped = 0;
	char *path;
	size_t n;
	(void)state;

	target6_set_init(&set);
	path = write_temp("# hitlist\n2001:db8::1\n\n  2001:db8::2  # a comment\r\n"
			  "2001:db8::/120\n\t2001:db8::5-2001:db8::6\n");
	assert_int_equal(target6_set_load_file(&set, NULL, path, TARGET6_DEFAULT_GUARD, NULL, err,
					       sizeof(err)),
			 0);
	assert_int_equal(set.singles_count, 2);
	assert_int_equal(set.ranges_count, 2);
	unlink(path);
	target6_set_free(&set);

	target6_set_init(&set);
	path = write_temp("2001:db8::1\n2001:db8::/64\n");
	assert_int_equal(target6_set_load_file(&set, NULL, path, TARGET6_DEFAULT_GUARD, NULL, err,
					       sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, ":2: 2001:db8::/64: 2^64 addresses, over the guard of 2^32"));
	assert_true(strncmp(err, path, strlen(path)) == 0);
	unlink(path);
	target6_set_free(&set);

	/* --ignore-blocklist-errors: bad lines are counted and skipped, the first named. */
	snprintf(text, sizeof(text), "2001:db8::1\nfe80::1%%eth0\n198.18.0.1\nnot-an-address\n");
	n = strlen(text);
	memset(text + n, 'x', 700);
	snprintf(text + n + 700, sizeof(text) - n - 700, "\n2001:db8::7\n");
	target6_set_init(&set);
	path = write_temp(text);
	assert_int_equal(target6_set_load_file(&set, NULL, path, TARGET6_DEFAULT_GUARD, &skipped,
					       err, sizeof(err)),
			 0);
	assert_int_equal(skipped, 4);
	assert_int_equal(set.singles_count, 2);
	assert_string_equal(fmt(set.singles[1]), "2001:db8::7");
	assert_non_null(strstr(err, ":2: fe80::1%eth0: expected an address without a zone id"));
	target6_set_free(&set);

	/* A blocklist file holds both families: IPv4 lines go to the IPv4 set. */
	target6_set_init(&set);
	target_set_init(&v4);
	skipped = 0;
	assert_int_equal(target6_set_load_file(&set, &v4, path, TARGET6_NO_GUARD, &skipped, err,
					       sizeof(err)),
			 0);
	assert_int_equal(skipped, 3);
	assert_int_equal(set.singles_count, 2);
	assert_int_equal(v4.count, 1);
	assert_int_equal(v4.ranges[0].first, 0xc6120001);
	assert_non_null(strstr(err, ":2: fe80::1%eth0"));
	unlink(path);
	target6_set_free(&set);
	target_set_free(&v4);

	target6_set_init(&set);
	assert_int_equal(target6_set_load_file(&set, NULL, "/nonexistent/list",
					       TARGET6_DEFAULT_GUARD, NULL, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/list: "));
	target6_set_free(&set);
}

/* -I: one address a line, of either family; a block or a range is a bad line. */
static void singles_lists_take_one_address_a_line_of_either_family(void **state)
{
	struct target6_set set;
	struct target_set v4;
	char err[256];
	unsigned skipped = 0;
	char *path;
	(void)state;

	target6_set_init(&set);
	target_set_init(&v4);
	path = write_temp("198.18.0.1\n2001:2::1\n# a comment\n2001:2::9\n198.18.0.7\n");
	assert_int_equal(target6_set_load_singles(&set, &v4, path, NULL, err, sizeof(err)), 0);
	assert_int_equal(set.singles_count, 2);
	assert_int_equal(set.ranges_count, 0);
	assert_int_equal(v4.count, 2);
	assert_int_equal(v4.ranges[1].first, 0xc6120007);
	unlink(path);
	target6_set_free(&set);
	target_set_free(&v4);

	target6_set_init(&set);
	target_set_init(&v4);
	path = write_temp("2001:2::1\n2001:2::/127\n198.18.0.0/31\n2001:2::3-2001:2::3\n");
	assert_int_equal(target6_set_load_singles(&set, &v4, path, NULL, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, ":2: 2001:2::/127: expected one address a line"));
	target6_set_free(&set);
	target6_set_init(&set);
	assert_int_equal(target6_set_load_singles(&set, &v4, path, &skipped, err, sizeof(err)), 0);
	assert_int_equal(skipped, 2);
	assert_non_null(strstr(err, ":2: 2001:2::/127: expected one address a line"));
	/* A range of one address is one address. */
	assert_int_equal(set.singles_count, 2);
	assert_int_equal(v4.count, 0);
	unlink(path);
	target6_set_free(&set);
	target_set_free(&v4);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* VmRSS or VmHWM (the peak) of this process, in kB; -1 when /proc does not say. */
static long rss_kb(const char *field)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, strlen(field)) == 0)
			kb = strtol(line + strlen(field) + 1, NULL, 10);
	fclose(f);
	return kb;
}

/* Start a new peak: VmHWM falls back to VmRSS (Linux 4.0). */
static void reset_peak_rss(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");

	if (f) {
		fputs("5", f);
		fclose(f);
	}
}

/* Seconds per target6_set_index of addresses at random indexes, as replies would come. */
static double time_lookups(const struct target6_set *set)
{
	enum { LOOKUPS = 100000 };
	struct target6_addr *probe = malloc(LOOKUPS * sizeof(*probe));
	uint64_t seed = 1, sum = 0, expected = 0;
	struct timespec t0;
	double t;

	assert_non_null(probe);
	for (int i = 0; i < LOOKUPS; i++) {
		uint64_t index = next_random(&seed) % set->addresses;

		target6_set_address(set, index, &probe[i]);
		expected += index;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < LOOKUPS; i++)
		sum += (uint64_t)target6_set_index(set, probe[i]);
	t = seconds_since(&t0) / LOOKUPS;
	assert_int_equal(sum, expected);
	free(probe);
	return t;
}

/* The hitlist's i-th draw: every 64th line repeats the one before it. */
static uint64_t redraw(uint64_t *seed, size_t i)
{
	if (i > 0 && i % 64 == 0)
		*seed -= 0x9e3779b97f4a7c15ULL * 2; /* the previous line's two draws again */
	return next_random(seed);
}

/* A hitlist in 2001:2::/48 (benchmarking space), in random order. */
static char *write_hitlist(size_t n, uint64_t seed)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/salvo-hitlist6-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++) {
		uint64_t r = redraw(&seed, i);
		struct target6_addr a = { 0x2001000200000000ULL | (r & 0xffff),
					  next_random(&seed) };

		assert_true(fprintf(f, "%s\n", fmt(a)) > 0);
	}
	assert_int_equal(fclose(f), 0);
	return path;
}

static void hitlist_of_a_million_loads_fast_and_finds_every_address(void **state)
{
	const char *env = getenv("SALVO_TARGET6_HITLIST");
	size_t n = env ? strtoul(env, NULL, 10) : 1000000;
	struct target6_set set;
	struct timespec t0;
	uint64_t seed = 2544;
	long rss_before, rss_peak;
	double load, finish, lookup;
	char err[256];
	char *path = write_hitlist(n, seed);
	(void)state;

	reset_peak_rss();
	rss_before = rss_kb("VmRSS");
	target6_set_init(&set);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(target6_set_load_file(&set, NULL, path, TARGET6_DEFAULT_GUARD, NULL, err,
					       sizeof(err)),
			 0);
	load = seconds_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(target6_set_finish(&set, NULL), 0);
	finish = seconds_since(&t0);
	rss_peak = rss_kb("VmHWM");
	unlink(path);
	assert_int_equal(set.singles_count, n - (n - 1) / 64);
	assert_int_equal(set.addresses, set.singles_count);

	/* Every 1000th index maps to an address that maps back; then every 1000th listed address,
	 * drawn again from the same sequence, is found at the index that gives it back. */
	for (uint64_t i = 0; i < set.addresses; i += 1000) {
		struct target6_addr a;

		target6_set_address(&set, i, &a);
		assert_int_equal(target6_set_index(&set, a), (int64_t)i);
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t r = redraw(&seed, i);
		struct target6_addr a = { 0x2001000200000000ULL | (r & 0xffff),
					  next_random(&seed) },
				    back;
		int64_t index;

		if (i % 1000)
			continue;
		index = target6_set_index(&set, a);
		assert_true(index >= 0);
		target6_set_address(&set, (uint64_t)index, &back);
		assert_int_equal(target6_cmp(back, a), 0);
	}
	lookup = time_lookups(&set);
	print_message("hitlist of %zu lines (%zu distinct): load %.3f s, finish %.3f s, "
		      "address -> index %.0f ns; peak RSS %ld kB over %ld kB before: "
		      "%.1f bytes per address\n",
		      n, set.singles_count, load, finish, lookup * 1e9, rss_peak - rss_before,
		      rss_before,
		      (double)(rss_peak - rss_before) * 1024.0 / (double)set.singles_count);
	target6_set_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_follows_rfc5952),
		cmocka_unit_test(format_agrees_with_inet_ntop_and_parses_back),
		cmocka_unit_test(addresses_convert_to_and_from_wire_bytes),
		cmocka_unit_test(arithmetic_carries_across_the_halves),
		cmocka_unit_test(parse_reads_addresses_prefixes_and_ranges),
		cmocka_unit_test(parse_refuses_bad_forms_with_a_reason),
		cmocka_unit_test(parse_refuses_more_than_the_guard_in_one_line),
		cmocka_unit_test(finish_dedups_and_drops_singles_inside_ranges),
		cmocka_unit_test(finish_merges_overlapping_and_adjacent_ranges),
		cmocka_unit_test(finish_subtracts_block_singles_and_ranges),
		cmocka_unit_test(blocklists_may_hold_ranges_beyond_the_guard),
		cmocka_unit_test(finish_refuses_more_than_the_permutation_walks),
		cmocka_unit_test(normalize_takes_all_of_the_space_less_a_blocklist),
		cmocka_unit_test(clip_walks_singles_and_ranges_in_address_order),
		cmocka_unit_test(cidr_blocks_of_ipv6_ranges),
		cmocka_unit_test(default_blocklist_removes_special_purpose_addresses),
		cmocka_unit_test(every_index_round_trips_in_a_mixed_set),
		cmocka_unit_test(finish_sorts_like_qsort),
		cmocka_unit_test(list_files_allow_comments_and_name_the_bad_line),
		cmocka_unit_test(singles_lists_take_one_address_a_line_of_either_family),
		cmocka_unit_test(hitlist_of_a_million_loads_fast_and_finds_every_address),
	};

	return cmocka_run_group_tests_name("target6", tests, NULL, NULL);
}
