/* Unit tests for src/util: SipHash-2-4 against the paper's vectors, Internet checksums,
 * division by an invariant divisor. */
#include <errno.h>
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
#include "util/prf.h"
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

static void hex16(const char *hex, uint8_t out[16])
{
	for (int i = 0; i < 16; i++)
		assert_int_equal(sscanf(hex + 2 * i, "%2hhx", &out[i]), 1);
}

/* FIPS-197: Appendix A.1 (the last round key of 2b7e..3c), B (its cipher example) and C.1. */
static void aes128_matches_fips197(void **state)
{
	uint8_t key[16], in[16], want[16], out[16], rk[PRF_AES_ROUNDS + 1][16];
	(void)state;

	hex16("2b7e151628aed2a6abf7158809cf4f3c", key);
	prf_aes128_expand(key, rk);
	hex16("d014f9a8c9ee2589e13f0cc8b6630ca6", want);
	assert_memory_equal(rk[PRF_AES_ROUNDS], want, 16);
	hex16("3243f6a8885a308d313198a2e0370734", in);
	hex16("3925841d02dc09fbdc118597196a0b32", want);
	prf_aes128_encrypt(rk, in, out);
	assert_memory_equal(out, want, 16);

	hex16("000102030405060708090a0b0c0d0e0f", key);
	prf_aes128_expand(key, rk);
	hex16("00112233445566778899aabbccddeeff", in);
	hex16("69c4e0d86a7b0430d8cdb78070b4c55a", want);
	prf_aes128_encrypt(rk, in, out);
	assert_memory_equal(out, want, 16);
}

/*
 * PRF_AES's values for key 00 .. 0f, computed apart from salvo (SipHash written from the
 * paper in Python, AES from Python's cryptography package): a probe 198.18.0.1 ->
 * 198.18.1.5:443, and its IPv6 form 2001:2::1 -> 2001:2:0:1::5:443.  These are the values a
 * scan's probes carry: a resumed scan must compute them again, so they never change.
 */
static void prf_aes_known_answers(void **state)
{
	static const uint8_t in6[PRF_IN6_LEN] = { 0x20, 0x01, 0, 2, 0, 0,    0,	  0,	0,
						  0,	0,    0, 0, 0, 0,    1,	  0x20, 0x01,
						  0,	2,    0, 0, 0, 1,    0,	  0,	0,
						  0,	0,    0, 0, 5, 0x01, 0xbb };
	uint8_t key[16], in[10] = { 198, 18, 0, 1, 198, 18, 1, 5, 0x01, 0xbb };
	struct prf_aes a;
	(void)state;

	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int native = 0; native < 2; native++) {
		prf_aes_init(&a, key, native);
		assert_int_equal(a.hash10(&a, siphash_le64(in), (uint16_t)(in[8] | in[9] << 8)),
				 0x187332516cbb400bULL);
		assert_int_equal(a.hash34(&a, in6), 0xea788200e6533babULL);
	}
}

/* AES-NI gives what the portable AES gives, for any key and input (skipped without AES-NI). */
static void prf_aes_native_equals_portable(void **state)
{
	uint8_t key[16], in[PRF_IN6_LEN];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	struct prf_aes soft, ni;
	(void)state;

	if (!prf_aes_native()) {
		print_message("no AES-NI on this CPU: nothing to compare\n");
		skip();
	}
	for (int round = 0; round < 2000; round++) {
		for (int i = 0; i < 16; i++)
			key[i] = (uint8_t)((x = x * 6364136223846793005ULL + 1) >> 56);
		for (int i = 0; i < PRF_IN6_LEN; i++)
			in[i] = (uint8_t)((x = x * 6364136223846793005ULL + 1) >> 56);
		prf_aes_init(&soft, key, 0);
		prf_aes_init(&ni, key, 1);
		assert_true(ni.hash10 != soft.hash10);
		assert_memory_equal(ni.round_keys, soft.round_keys, sizeof(ni.round_keys));
		assert_int_equal(
			ni.hash10(&ni, siphash_le64(in), (uint16_t)(in[8] | in[9] << 8)),
			soft.hash10(&soft, siphash_le64(in), (uint16_t)(in[8] | in[9] << 8)));
		assert_int_equal(ni.hash34(&ni, in), soft.hash34(&soft, in));
	}
}

/* Each PRF has one name, and a name one PRF: checkpoints keep the choice by name. */
static void prf_names_round_trip(void **state)
{
	enum prf_kind k = PRF_SIPHASH;
	(void)state;

	assert_int_equal(prf_parse(prf_name(PRF_AES), &k), 0);
	assert_int_equal(k, PRF_AES);
	assert_int_equal(prf_parse(prf_name(PRF_SIPHASH), &k), 0);
	assert_int_equal(k, PRF_SIPHASH);
	assert_int_equal(prf_parse("aes", &k), -EINVAL);
	assert_int_equal(prf_best(), prf_aes_native() ? PRF_AES : PRF_SIPHASH);
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
		cmocka_unit_test(aes128_matches_fips197),
		cmocka_unit_test(prf_aes_known_answers),
		cmocka_unit_test(prf_aes_native_equals_portable),
		cmocka_unit_test(prf_names_round_trip),
		cmocka_unit_test(checksum_of_known_ipv4_header),
		cmocka_unit_test(checksum_handles_odd_length_and_u32),
		cmocka_unit_test(fastdiv_equals_division),
		cmocka_unit_test(json_check_takes_json_and_nothing_else),
		cmocka_unit_test(join_lists_names_and_never_overruns),
		cmocka_unit_test(json_writer_nests_escapes_and_indents),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
