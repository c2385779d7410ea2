/* Unit tests for output fields and the csv module. */
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

#include "output/output.h"
#include "util/json.h"

static void fields_parse_and_reject_unknown(void **state)
{
	struct output_fields f;
	char err[256];
	(void)state;

	assert_int_equal(output_fields_parse("saddr,sport,timestamp", &f, err, sizeof(err)), 0);
	assert_int_equal(f.count, 3);
	assert_int_equal(f.id[2], OUTPUT_FIELD_TIMESTAMP);
	assert_int_equal(output_fields_parse("saddr,,sport", &f, err, sizeof(err)), -EINVAL);
	assert_int_equal(output_fields_parse("nope", &f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'nope': unknown field (choose: saddr"));
}

static void csv_has_header_and_formatted_rows(void **state)
{
	const struct probe_result r = { .saddr = 0xc6120105,
					.daddr = 0xc6120001,
					.sport = 443,
					.dport = 40001,
					.ttl = 64,
					.success = 1,
					.classification = "synack",
					.timestamp_us = 1795624629123456ULL };
	struct output o;
	struct output_fields f;
	char err[256], path[] = "/tmp/salvo-out-XXXXXX", text[512] = "";
	int fd = mkstemp(path);
	FILE *in;
	size_t n;
	(void)state;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(output_fields_parse("saddr,sport,daddr,dport,classification,success,ttl,"
					     "timestamp",
					     &f, err, sizeof(err)),
			 0);
	assert_int_equal(output_open(&o, output_by_name("csv"), path, &f, 1, "tcp_synscan", 0, err,
				     sizeof(err)),
			 0);
	assert_int_equal(output_begin(&o), 0);
	assert_int_equal(output_write(&o, &r), 0);
	assert_int_equal(output_close(&o), 0);
	in = fopen(path, "r");
	n = fread(text, 1, sizeof(text) - 1, in);
	text[n] = '\0';
	fclose(in);
	unlink(path);
	assert_string_equal(text, "saddr,sport,daddr,dport,classification,success,ttl,timestamp\n"
				  "198.18.1.5,443,198.18.0.1,40001,synack,1,64,"
				  "2026-11-25T16:37:09.123456Z\n");
}

/* Write r with module name and fields, return what was written. */
static void render(const char *module, const char *fieldlist, int multi_port,
		   const struct probe_result *r, char *text, size_t cap)
{
	struct output o;
	struct output_fields f;
	char err[256], path[] = "/tmp/salvo-out-XXXXXX";
	int fd = mkstemp(path);
	FILE *in;
	size_t n;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(output_fields_parse(fieldlist, &f, err, sizeof(err)), 0);
	assert_int_equal(output_open(&o, output_by_name(module), path, &f, multi_port,
				     "tcp_synscan", 0, err, sizeof(err)),
			 0);
	assert_int_equal(output_begin(&o), 0);
	assert_int_equal(output_write(&o, r), 0);
	assert_int_equal(output_close(&o), 0);
	in = fopen(path, "r");
	n = fread(text, 1, cap - 1, in);
	text[n] = '\0';
	fclose(in);
	unlink(path);
}

static void json_writes_one_typed_object_per_line(void **state)
{
	const struct probe_result r = { .saddr = 0xc6120105,
					.sport = 443,
					.success = 1,
					.classification = "synack",
					.probe = "tcp_synscan",
					.timestamp_us = 1795624629000001ULL };
	char text[512];
	(void)state;

	render("json", "saddr,sport,classification,success,repeat,probe,timestamp", 1, &r, text,
	       sizeof(text));
	assert_string_equal(text, "{\"saddr\":\"198.18.1.5\",\"sport\":443,\"classification\":"
				  "\"synack\",\"success\":1,\"repeat\":0,\"probe\":\"tcp_synscan\","
				  "\"timestamp\":\"2026-11-25T16:37:09.000001Z\"}\n");
}

static void list_writes_ip_or_ip_port(void **state)
{
	const struct probe_result r = { .saddr = 0xc6120105, .sport = 8080 };
	const struct probe_result r0 = { .saddr = 0x01020304, .sport = 0 };
	char text[64];
	(void)state;

	render("list", "saddr", 0, &r, text, sizeof(text));
	assert_string_equal(text, "198.18.1.5\n");
	render("list", "saddr", 1, &r, text, sizeof(text));
	assert_string_equal(text, "198.18.1.5:8080\n");
	render("list", "saddr", 1, &r0, text, sizeof(text));
	assert_string_equal(text, "1.2.3.4:0\n");
}

static void open_fails_clearly_on_a_bad_path(void **state)
{
	struct output o;
	struct output_fields f = { 1, { OUTPUT_FIELD_SADDR } };
	char err[256];
	(void)state;

	assert_int_equal(output_open(&o, output_by_name("csv"), "/nonexistent/dir/out.csv", &f, 0,
				     "tcp_synscan", 0, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/dir/out.csv"));
}

static void json_escapes_quotes_backslashes_and_control_bytes(void **state)
{
	const char *in = "a\"b\\c\n\x01\x7f\xc3\xa9";
	char out[64];
	size_t n = 0;
	(void)state;

	for (const char *p = in; *p; p++)
		n += json_escape_byte((unsigned char)*p, out + n);
	out[n] = '\0';
	/* DEL and UTF-8 pass through: JSON escapes only bytes below 0x20, quote and backslash. */
	assert_string_equal(out, "a\\\"b\\\\c\\u000a\\u0001\x7f\xc3\xa9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_escapes_quotes_backslashes_and_control_bytes),
		cmocka_unit_test(fields_parse_and_reject_unknown),
		cmocka_unit_test(csv_has_header_and_formatted_rows),
		cmocka_unit_test(json_writes_one_typed_object_per_line),
		cmocka_unit_test(list_writes_ip_or_ip_port),
		cmocka_unit_test(open_fails_clearly_on_a_bad_path),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
