/* Unit tests for src/util: SipHash-2-4 against the paper's vectors, Internet checksums,
 * division by an invariant divisor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "util/checksum.h"
#include "util/fastdiv.h"
#include "util/join.h"
#include "util/json.h"
#include "util/json_check.h"
#include "util/siphash.h"

/* Appendix A of the SipHash paper: key 00 01 .. 0f, messages 00, 00 01, ... */
static void siphash_matches_published_vectors(void **state)
{
	uint8_t key[16], msg[64];
	(void)state;

	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	assert_int_equal(siphash24(msg, 0, key), 0x726fdb47dd0e0e31ULL);
	assert_int_equal(siphash24(msg, 1, key), 0x74f839c593dc67fdULL);
	assert_int_equal(siphash24(msg, 2, key), 0x0d6c8009d9a94f5aULL);
	assert_int_equal(siphash24(msg, 15, key), 0xa129ca6149be45e5ULL);
}

/* The ten-byte form used per probe gives what the general one (held to the paper) gives. */
static void siphash_of_ten_bytes_matches_the_general_form(void **state)
{
	uint8_t key[16], msg[10];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	(void)state;

	for (int round = 0; round < 1000; round++) {
		for (int i = 0; i < 16; i++)
			key[i] = (uint8_t)((x = x * 6364136223846793005ULL + 1) >> 56);
		for (int i = 0; i < 10; i++)
			msg[i] = (uint8_t)((x = x * 6364136223846793005ULL + 1) >> 56);
		assert_int_equal(
			siphash24_10(key, siphash_le64(msg), (uint16_t)(msg[8] | msg[9] << 8)),
			siphash24(msg, sizeof(msg), key));
	}
}

static void siphash_depends_on_the_key(void **state)
{
	uint8_t k1[16] = { 0 }, k2[16] = { 0 }, msg[10] = { 1, 2, 3 };
	(void)state;

	k2[15] = 1;
	assert_true(siphash24(msg, sizeof(msg), k1) != siphash24(msg, sizeof(msg), k2));
}

/* The classic RFC 1071 worked example: an IPv4 header whose checksum is 0xb861. */
static void checksum_of_known_ipv4_header(void **state)
{
	const uint8_t hdr[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
				  0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	(void)state;

	assert_int_equal(csum_fold(csum_add_bytes(0, hdr, sizeof(hdr))), 0xb861);
}

static void checksum_handles_odd_length_and_u32(void **state)
{
	const uint8_t odd[3] = { 0x12, 0x34, 0x56 };
	(void)state;

	/* 0x1234 + 0x5600 = 0x6834 -> ~ = 0x97cb */
	assert_int_equal(csum_fold(csum_add_bytes(0, odd, 3)), 0x97cb);
	assert_int_equal(csum_fold(csum_add_u32(0, 0x12345600)), 0x97cb);
}

static void join_lists_names_and_never_overruns(void **state)
{
	char buf[16] = "", small[8];
	(void)state;

	join_append(buf, sizeof(buf), "csv");
	join_append(buf, sizeof(buf), "json");
	assert_string_equal(buf, "csv, json");
	join_append(buf, sizeof(buf), "list");
	assert_string_equal(buf, "csv, json, list");
	/* Full: further names are cut, the buffer stays terminated and untouched beyond. */
	memset(small, 0, sizeof(small));
	join_append(small, 6, "af_packet");
	join_append(small, 6, "af_xdp");
	assert_string_equal(small, "af_pa");
	assert_int_equal(small[6], 0);
	join_append(buf, sizeof(buf), "more");
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
}

/* The writer places commas, quotes and escapes; pretty output indents a member a line. */
static void json_writer_nests_escapes_and_indents(void **state)
{
	char buf[512] = "";
	struct json_writer w;
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	(void)state;

	json_start(&w, f, 0);
	json_object(&w, NULL);
	json_string(&w, "a\"b", "x\\y\n");
	json_uint(&w, "n", 18446744073709551615ULL);
	json_array(&w, "l");
	json_bool(&w, NULL, 1);
	json_double(&w, NULL, 2, 1.005);
	json_end(&w);
	json_object(&w, "empty");
	json_end(&w);
	json_end(&w);
	fflush(f);
	assert_string_equal(buf, "{\"a\\\"b\":\"x\\\\y\\u000a\",\"n\":18446744073709551615,"
				 "\"l\":[true,1.00],\"empty\":{}}");
	rewind(f);
	json_start(&w, f, 1);
	json_object(&w, NULL);
	json_raw(&w, "r", "12.5");
	json_array(&w, "l");
	json_string(&w, NULL, "v");
	json_end(&w);
	json_end(&w);
	fputc('\0', f);
	fclose(f);
	assert_string_equal(buf, "{\n  \"r\": 12.5,\n  \"l\": [\n    \"v\"\n  ]\n}");
}

/* Division by a precomputed reciprocal equals the divide instruction: every divisor kind
 * (1, powers of two and their neighbours, the largest), numerators at the edges (0, d - 1, d,
 * multiples and their neighbours, 2^64 - 1) and random ones. */
static void fastdiv_equals_division(void **state)
{
	uint32_t divisors[] = { 1,	    2,		 3,	      5,	   7,
				10,	    64,		 65,	      100,	   255,
				256,	    257,	 1000,	      65535,	   65536,
				65537,	    0x7fffffffu, 0x80000000u, 0x80000001u, 0xfffffffeu,
				0xffffffffu };
	uint64_t x = 0x243f6a8885a308d3ULL;
	(void)state;

	for (size_t i = 0; i < sizeof(divisors) / sizeof(divisors[0]); i++) {
		uint32_t d = divisors[i];
		struct fastdiv fd;
		uint64_t edges[] = { 0,
				     d - 1ULL,
				     d,
				     2ULL * d - 1,
				     2ULL * d,
				     (uint64_t)d * d,
				     (uint64_t)d * d + 1,
				     UINT64_MAX / d * d,
				     UINT64_MAX / d * d - 1,
				     UINT64_MAX,
				     UINT64_MAX - 1,
				     1ULL << 62,
				     (1ULL << 62) - 1 };

		fastdiv_init(&fd, d);
		for (size_t j = 0; j < sizeof(edges) / sizeof(edges[0]); j++)
			assert_int_equal(fastdiv_div(&fd, edges[j]), edges[j] / d);
		for (int j = 0; j < 100000; j++) {
			uint64_t n = (x = x * 6364136223846793005ULL + 1442695040888963407ULL);

			n >>= j % 64; /* small numerators as often as large ones */
			assert_int_equal(fastdiv_div(&fd, n), n / d);
		}
	}
}

/* JSON a user gives (--user-metadata): RFC 8259's values pass, everything else is refused
 * with the offset of the error. */
static void json_check_takes_json_and_nothing_else(void **state)
{
	const char *good[] = { "{}",
			       "[]",
			       "0",
			       "-0.5e+3",
			       "\"a\\u00e9\\n\"",
			       "true",
			       "null",
			       " {\"a\": [1, {\"b\": false}], \"c\": \"x\"} ",
			       "[[[[]]]]" };
	const char *bad[] = { "",	" ",	 "{",	  "}",	      "{\"a\"}",     "{\"a\":}",
			      "{a: 1}", "[1,]",	 "[1 2]", "01",	      "1.",	     ".5",
			      "1e",	"+1",	 "\"abc", "\"\\x\"",  "\"\\u12g4\"", "tru",
			      "nul",	"{} {}", "[1]x",  "\"a\tb\"", "{\"a\":1,}" };
	char deep[2 * JSON_CHECK_DEPTH_MAX + 8];
	size_t at = 999;
	(void)state;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(json_check(good[i], &at), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		at = 999;
		assert_int_equal(json_check(bad[i], &at), -1);
		assert_true(at <= strlen(bad[i]));
	}
	assert_int_equal(json_check("{\"a\":}", &at), -1);
	assert_int_equal(at, 5);
	/* As deep as allowed, then one deeper. */
	memset(deep, '[', JSON_CHECK_DEPTH_MAX);
	memset(deep + JSON_CHECK_DEPTH_MAX, ']', JSON_CHECK_DEPTH_MAX);
	deep[2 * JSON_CHECK_DEPTH_MAX] = '\0';
	assert_int_equal(json_check(deep, &at), 0);
	memset(deep, '[', JSON_CHECK_DEPTH_MAX + 1);
	memset(deep + JSON_CHECK_DEPTH_MAX + 1, ']', JSON_CHECK_DEPTH_MAX + 1);
	deep[2 * JSON_CHECK_DEPTH_MAX + 2] = '\0';
	assert_int_equal(json_check(deep, &at), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(siphash_matches_published_vectors),
		cmocka_unit_test(siphash_of_ten_bytes_matches_the_general_form),
		cmocka_unit_test(siphash_depends_on_the_key),
		cmocka_unit_test(checksum_of_known_ipv4_header),
		cmocka_unit_test(checksum_handles_odd_length_and_u32),
		cmocka_unit_test(fastdiv_equals_division),
		cmocka_unit_test(json_check_takes_json_and_nothing_else),
		cmocka_unit_test(join_lists_names_and_never_overruns),
		cmocka_unit_test(json_writer_nests_escapes_and_indents),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
