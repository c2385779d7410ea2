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
#include <time.h>
#include <unistd.h>

#include "output/output.h"
#include "probe/field.h"
#include "util/json.h"

static void fields_parse_and_reject_unknown(void **state)
{
	struct output_fields f;
	char err[256];
	(void)state;

	assert_int_equal(output_fields_parse("saddr,sport,timestamp", NULL, &f, err, sizeof(err)),
			 0);
	assert_int_equal(f.count, 3);
	assert_int_equal(f.id[2], OUTPUT_FIELD_TIMESTAMP);
	assert_int_equal(output_fields_parse("saddr,,sport", NULL, &f, err, sizeof(err)), -EINVAL);
	assert_int_equal(output_fields_parse("nope", NULL, &f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'nope': unknown field (choose: saddr"));
}

/* A probe module's fields: known with that module only, formatted from the kept payload
 * (hex in csv; printable text escaped, never a bare comma or quote). */
static void probe_fields_come_with_their_module(void **state)
{
	const struct probe_ops *udp = probe_by_name("udp");
	struct probe_result r = { .saddr = 0xc6120105 };
	const uint8_t payload[] = { 0x00, 0xab, 0x2c, 0x41 };
	struct output_fields f;
	char err[512], value[OUTPUT_VALUE_MAX];
	(void)state;

	assert_int_equal(output_fields_parse("saddr,data", NULL, &f, err, sizeof(err)), -EINVAL);
	assert_int_equal(output_fields_parse("saddr,data,data_len", udp, &f, err, sizeof(err)), 0);
	assert_string_equal(output_fields_name(&f, 1), "data");
	assert_int_equal(output_fields_type(&f, 2), OUTPUT_TYPE_NUMBER);
	probe_result_keep_data(&r, payload, sizeof(payload));
	assert_int_equal(output_fields_format(&f, 1, &r, value), 8);
	assert_string_equal(value, "00ab2c41");
	output_fields_format(&f, 2, &r, value);
	assert_string_equal(value, "4");
	assert_int_equal(output_fields_parse("nope", udp, &f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "data, data_len)"));
	assert_int_equal(probe_field_text(payload, sizeof(payload), value, sizeof(value)), 13);
	assert_string_equal(value, "\\x00\\xab\\x2cA");
	/* Cut at a whole character when the buffer is short. */
	assert_int_equal(probe_field_text(payload, sizeof(payload), value, 6), 4);
	/* More than PROBE_DATA_MAX bytes: the first PROBE_DATA_MAX are kept. */
	{
		uint8_t big[PROBE_DATA_MAX + 10];

		memset(big, 0x5a, sizeof(big));
		probe_result_keep_data(&r, big, sizeof(big));
		assert_int_equal(r.data_len, PROBE_DATA_MAX);
		assert_int_equal(output_fields_format(&f, 1, &r, value), 2 * PROBE_DATA_MAX);
	}
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
					     NULL, &f, err, sizeof(err)),
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
	assert_int_equal(output_fields_parse(fieldlist, NULL, &f, err, sizeof(err)), 0);
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

/* ZMap's field names: saddr_raw as ZMap prints it on x86 (the address's bytes in network
 * order read as a little-endian integer), the timestamp split and in ZMap's text, cooldown. */
static void zmap_field_names_format_as_zmap(void **state)
{
	const struct probe_result r = { .saddr = 0x01020304,
					.daddr = 0xc6120001,
					.cooldown = 1,
					.timestamp_us = 1795624629123456ULL };
	struct output_fields f;
	char err[512], value[OUTPUT_VALUE_MAX];
	/* daddr 198.18.0.1: bytes c6 12 00 01 read little-endian are 16782022. */
	const char *want[] = { "67305985",   "16782022", "1", "2026-11-25T16:37:09.123+0000",
			       "1795624629", "123456" };
	(void)state;

	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(output_fields_parse("saddr_raw,daddr_raw,cooldown,timestamp_str,"
					     "timestamp_ts,timestamp_us",
					     NULL, &f, err, sizeof(err)),
			 0);
	for (unsigned i = 0; i < f.count; i++) {
		output_fields_format(&f, i, &r, value);
		assert_string_equal(value, want[i]);
	}
	assert_int_equal(output_fields_type(&f, 3), OUTPUT_TYPE_STRING);
	assert_int_equal(output_fields_type(&f, 4), OUTPUT_TYPE_NUMBER);
	/* -f '*': every field, salvo's and the module's, for every module. */
	for (size_t m = 0; probe_at(m); m++) {
		assert_int_equal(output_fields_parse("*", probe_at(m), &f, err, sizeof(err)), 0);
		assert_int_equal(f.count, OUTPUT_FIELD_COUNT + probe_at(m)->field_count);
		assert_string_equal(output_fields_name(&f, f.count - 1),
				    probe_at(m)->field_count
					    ? probe_at(m)->fields[probe_at(m)->field_count - 1].name
					    : "timestamp_us");
	}
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

/* IPv6 results: RFC 5952 text in csv and json, [addr]:port in list with several ports, and
 * ZMap's IPv4-only integers 0. */
static void ipv6_results_print_their_addresses(void **state)
{
	struct probe_result r = { .family = 6, .sport = 443, .success = 1, .saddr = 0x01020304 };
	char text[512];
	(void)state;

	memcpy(r.saddr6,
	       (const uint8_t[16]){ 0x20, 0x01, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5 }, 16);
	memcpy(r.daddr6,
	       (const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 },
	       16);
	render("csv", "saddr,daddr,sport,saddr_raw", 1, &r, text, sizeof(text));
	assert_string_equal(text,
			    "saddr,daddr,sport,saddr_raw\n2001:2:0:1::5,2001:db8::1:0:0:1,443,0\n");
	render("json", "saddr,sport", 1, &r, text, sizeof(text));
	assert_string_equal(text, "{\"saddr\":\"2001:2:0:1::5\",\"sport\":443}\n");
	render("list", "saddr", 1, &r, text, sizeof(text));
	assert_string_equal(text, "[2001:2:0:1::5]:443\n");
	render("list", "saddr", 0, &r, text, sizeof(text));
	assert_string_equal(text, "2001:2:0:1::5\n");
	/* The longest address there is fits. */
	memset(r.saddr6, 0xff, 16);
	render("list", "saddr", 1, &r, text, sizeof(text));
	assert_string_equal(text, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:443\n");
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
	struct output_fields f = { 1, { OUTPUT_FIELD_SADDR }, NULL };
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
		cmocka_unit_test(probe_fields_come_with_their_module),
		cmocka_unit_test(csv_has_header_and_formatted_rows),
		cmocka_unit_test(zmap_field_names_format_as_zmap),
		cmocka_unit_test(json_writes_one_typed_object_per_line),
		cmocka_unit_test(list_writes_ip_or_ip_port),
		cmocka_unit_test(ipv6_results_print_their_addresses),
		cmocka_unit_test(open_fails_clearly_on_a_bad_path),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
