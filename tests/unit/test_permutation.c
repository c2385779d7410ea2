/* Unit tests for the keyed permutation and the slicing of it into shards and threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "target/permutation.h"

/* Every element of [0, n) exactly once over positions [0, n). */
static void check_bijection(uint64_t n, uint64_t seed)
{
	struct target_permutation p;
	uint8_t *seen = calloc(n, 1);

	assert_non_null(seen);
	assert_int_equal(target_permutation_init(&p, n, seed), 0);
	for (uint64_t pos = 0; pos < n; pos++) {
		uint64_t e = target_permutation_at(&p, pos);

		assert_true(e < n);
		assert_int_equal(seen[e], 0);
		seen[e] = 1;
	}
	free(seen);
}

static void permutation_is_a_bijection_for_every_small_size(void **state)
{
	(void)state;
	for (uint64_t n = 1; n <= 300; n++)
		check_bijection(n, n * 7919);
}

static void permutation_is_a_bijection_for_awkward_large_sizes(void **state)
{
	(void)state;
	check_bijection(65536, 1);     /* a power of four */
	check_bijection(65537, 2);     /* just above one: the domain is 4x larger */
	check_bijection(1000003, 3);   /* prime */
	check_bijection(256 * 100, 4); /* a /24 x 100 ports */
}

static void permutation_depends_on_seed_only(void **state)
{
	struct target_permutation a, b, c;
	int differ = 0;
	(void)state;

	target_permutation_init(&a, 100000, 42);
	target_permutation_init(&b, 100000, 42);
	target_permutation_init(&c, 100000, 43);
	for (uint64_t pos = 0; pos < 1000; pos++) {
		assert_int_equal(target_permutation_at(&a, pos), target_permutation_at(&b, pos));
		differ += target_permutation_at(&a, pos) != target_permutation_at(&c, pos);
	}
	assert_true(differ > 900);
}

static void permutation_is_not_the_identity(void **state)
{
	struct target_permutation p;
	int fixed = 0;
	(void)state;

	target_permutation_init(&p, 1 << 20, 7);
	for (uint64_t pos = 0; pos < 10000; pos++)
		fixed += target_permutation_at(&p, pos) == pos;
	assert_true(fixed < 10);
}

/*
 * A scan's consecutive probes go all over the target space (a router sees one probe of the
 * scan now and then, not a burst): 4096 consecutive positions, for several seeds and odd
 * sizes, fill each sixteenth of the elements with 256 +- 25 %, and two consecutive
 * elements are rarely close (within a thousandth of the scan).
 */
static void consecutive_positions_spread_over_the_scan(void **state)
{
	static const uint64_t sizes[] = { 1000003, 1 << 20, 123456789 };
	(void)state;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (uint64_t seed = 1; seed <= 3; seed++) {
			struct target_permutation p;
			unsigned bins[16] = { 0 }, close = 0;
			uint64_t n = sizes[i], prev = 0;

			assert_int_equal(target_permutation_init(&p, n, seed), 0);
			for (uint64_t pos = 0; pos < 4096; pos++) {
				uint64_t e = target_permutation_at(&p, pos);

				bins[e * 16 / n]++;
				close += pos && (e > prev ? e - prev : prev - e) < n / 1000;
				prev = e;
			}
			for (int b = 0; b < 16; b++)
				assert_in_range(bins[b], 192, 320);
			assert_true(close < 40);
		}
	}
}

static void permutation_rejects_empty_domain(void **state)
{
	struct target_permutation p;
	(void)state;

	assert_int_equal(target_permutation_init(&p, 0, 1), -22);
}

static void slices_are_disjoint_complete_and_balanced(void **state)
{
	(void)state;
	for (uint64_t n = 0; n < 200; n += 7) {
		for (uint64_t parts = 1; parts <= 9; parts++) {
			uint64_t expect = 0;

			for (uint64_t i = 0; i < parts; i++) {
				uint64_t b, e;

				target_permutation_slice(n, i, parts, &b, &e);
				assert_int_equal(b, expect);
				assert_true(e - b == n / parts || e - b == n / parts + 1);
				expect = e;
			}
			assert_int_equal(expect, n);
		}
	}
}

/* Shards x threads of one seed cover the scan exactly, as a sharded run does. */
static void shards_and_threads_partition_one_seed(void **state)
{
	const uint64_t n = 5000, shards = 3, threads = 4;
	struct target_permutation p;
	uint8_t *seen = calloc(n, 1);
	(void)state;

	target_permutation_init(&p, n, 99);
	for (uint64_t s = 0; s < shards; s++) {
		uint64_t sb, se;

		target_permutation_slice(n, s, shards, &sb, &se);
		for (uint64_t t = 0; t < threads; t++) {
			uint64_t tb, te;

			target_permutation_slice(se - sb, t, threads, &tb, &te);
			for (uint64_t pos = sb + tb; pos < sb + te; pos++) {
				uint64_t e = target_permutation_at(&p, pos);

				assert_int_equal(seen[e], 0);
				seen[e] = 1;
			}
		}
	}
	for (uint64_t e = 0; e < n; e++)
		assert_int_equal(seen[e], 1);
	free(seen);
}

/* A batch gives the same elements as one at a time, for every batch length, at the start,
 * the middle and the end of the domain (where a batch is cut short). */
/* -n is for the whole scan: the shards' cut slices hold max_targets positions in all, each
 * shard the first positions of its own slice, the first (max_targets mod shards) one more. */
static void shard_cut_shares_max_targets_over_the_shards(void **state)
{
	const uint64_t n = 1000, shards = 7;
	(void)state;

	for (uint64_t max = 0; max <= n + 5; max += 13) {
		uint64_t total = 0;

		for (uint64_t i = 0; i < shards; i++) {
			uint64_t b, e, sb, se, want;

			target_permutation_slice(n, i, shards, &sb, &se);
			target_permutation_shard(n, i, shards, max, &b, &e);
			assert_int_equal(b, sb);
			want = max ? max / shards + (i < max % shards) : se - sb;
			assert_int_equal(e - b, want < se - sb ? want : se - sb);
			total += e - b;
		}
		assert_int_equal(total, max && max < n ? max : n);
	}
}

/*
 * The order of PERMUTATION_VERSION 2, known answers: a seed gives the same order in every
 * build (checkpoints and shards on other machines depend on it), however fill computes it.
 */
static void permutation_order_is_version_2s(void **state)
{
	static const struct {
		uint64_t n;
		uint64_t at[6]; /* the elements at positions 0, n/7, 2n/7 ... 5n/7 */
	} known[] = {
		{ 1000, { 281, 967, 436, 654, 954, 191 } },
		{ 1ULL << 20, { 919959, 623433, 165223, 863248, 678699, 1041400 } },
		{ 3702258432ULL,
		  { 671095795, 2288343838, 2320393595, 1246511079, 2944225689, 2430700246 } },
		{ (1ULL << 32) + 12345,
		  { 2354695547, 3835880721, 1380008716, 2562091156, 413835015, 2953225238 } },
	};
	(void)state;

	assert_int_equal(PERMUTATION_VERSION, 2);
	for (size_t j = 0; j < sizeof(known) / sizeof(known[0]); j++) {
		struct target_permutation p;
		uint64_t out[1];

		assert_int_equal(target_permutation_init(&p, known[j].n, 0x5eedULL + j), 0);
		for (uint64_t i = 0; i < 6; i++) {
			assert_int_equal(target_permutation_at(&p, i * (known[j].n / 7)),
					 known[j].at[i]);
			target_permutation_fill(&p, i * (known[j].n / 7), 1, out);
			assert_int_equal(out[0], known[j].at[i]);
		}
	}
}

/* fill gives target_permutation_at's elements, AVX2 or not, whatever the count and start. */
static void fill_equals_one_at_a_time(void **state)
{
	uint64_t sizes[] = { 1, 2, 3, 17, 1000, 65537, 3000000001ULL };
	uint64_t out[33];
	(void)state;

	for (size_t i = 0; i < 2 * sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct target_permutation p;
		uint64_t n = sizes[i / 2];

		assert_int_equal(target_permutation_init(&p, n, 0x5eed + i), 0);
		if (i % 2)
			p.avx2 = 0;
		for (unsigned count = 1; count <= 33; count++) {
			uint64_t starts[] = { 0, n / 2, n > count ? n - count : 0 };

			for (int k = 0; k < 3; k++) {
				unsigned c =
					n - starts[k] < count ? (unsigned)(n - starts[k]) : count;

				target_permutation_fill(&p, starts[k], c, out);
				for (unsigned j = 0; j < c; j++)
					assert_int_equal(out[j],
							 target_permutation_at(&p, starts[k] + j));
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(permutation_is_a_bijection_for_every_small_size),
		cmocka_unit_test(permutation_is_a_bijection_for_awkward_large_sizes),
		cmocka_unit_test(permutation_depends_on_seed_only),
		cmocka_unit_test(permutation_is_not_the_identity),
		cmocka_unit_test(consecutive_positions_spread_over_the_scan),
		cmocka_unit_test(permutation_rejects_empty_domain),
		cmocka_unit_test(permutation_order_is_version_2s),
		cmocka_unit_test(fill_equals_one_at_a_time),
		cmocka_unit_test(slices_are_disjoint_complete_and_balanced),
		cmocka_unit_test(shards_and_threads_partition_one_seed),
		cmocka_unit_test(shard_cut_shares_max_targets_over_the_shards),
	};

	return cmocka_run_group_tests_name("permutation", tests, NULL, NULL);
}
