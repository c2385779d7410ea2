/* Unit tests for --output-filter: parsing, precedence, each field kind, and clear errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "output/filter.h"

static const struct probe_result open443 = { .saddr = 0xc6120105,
					     .daddr = 0xc6120001,
					     .sport = 443,
					     .dport = 40000,
					     .ttl = 64,
					     .success = 1,
					     .classification = "synack",
					     .probe = "tcp_synscan" };
static const struct probe_result rst22 = { .saddr = 0xc6120109,
					   .sport = 22,
					   .ttl = 128,
					   .success = 0,
					   .repeat = 1,
					   .classification = "rst",
					   .probe = "tcp_synscan" };

static int match(const char *expr, const struct probe_result *r)
{
	struct output_filter f;
	char err[256];

	if (output_filter_parse(expr, &f, err, sizeof(err))) {
		print_error("%s: %s\n", expr, err);
		fail();
	}
	return output_filter_match(&f, r);
}

static void default_filter_keeps_unique_successes(void **state)
{
	(void)state;
	assert_true(match("success = 1 && repeat = 0", &open443));
	assert_false(match("success = 1 && repeat = 0", &rst22));
}

static void numbers_strings_and_addresses_compare(void **state)
{
	(void)state;
	assert_true(match("sport = 443", &open443));
	assert_true(match("sport == 443", &open443));
	assert_false(match("sport != 443", &open443));
	assert_true(match("ttl < 65", &open443));
	assert_true(match("ttl <= 64", &open443));
	assert_false(match("ttl > 64", &open443));
	assert_true(match("ttl >= 64", &open443));
	assert_true(match("classification = \"rst\"", &rst22));
	assert_true(match("classification != \"rst\"", &open443));
	assert_true(match("probe = \"tcp_synscan\"", &rst22));
	assert_true(match("saddr = 198.18.1.5", &open443));
	assert_false(match("saddr = 198.18.1.5", &rst22));
	assert_true(match("saddr > 198.18.1.5", &rst22));
	assert_true(match("daddr = 198.18.0.1", &open443));
}

/* IPv6 results compare with IPv6 addresses (in the space's order, any spelling); an address
 * of the other family is never equal, below or above. */
static void ipv6_addresses_compare(void **state)
{
	struct probe_result v6 = open443;

	(void)state;
	v6.family = 6;
	memcpy(v6.saddr6,
	       (const uint8_t[16]){ 0x20, 0x01, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5 }, 16);
	assert_true(match("saddr = 2001:2:0:1::5", &v6));
	assert_true(match("saddr = 2001:0002:0:1:0:0:0:5", &v6));
	assert_true(match("saddr = 2001:2:0:1::5 && sport = 443", &v6));
	assert_false(match("saddr = 2001:2:0:1::6", &v6));
	assert_true(match("saddr != 2001:2:0:1::6", &v6));
	assert_true(match("saddr > 2001:2:0:1::4", &v6));
	assert_true(match("saddr < 2001:2:0:2::", &v6));
	assert_false(match("saddr >= 2001:2:0:1::6", &v6));
	assert_true(match("saddr <= 2001:2:0:1::5", &v6));
	/* Across families: unequal, and not ordered. */
	assert_false(match("saddr = 198.18.1.5", &v6));
	assert_true(match("saddr != 198.18.1.5", &v6));
	assert_false(match("saddr > 0.0.0.0", &v6));
	assert_false(match("saddr < 255.255.255.255", &v6));
	assert_false(match("saddr = ::", &open443));
	assert_true(match("saddr != ::", &open443));
	assert_false(match("saddr >= ::", &open443));
}

static void and_binds_tighter_than_or_and_not_and_parens_work(void **state)
{
	(void)state;
	/* false && false || true = true; with && first: (F && F) || T. */
	assert_true(match("sport = 1 && ttl = 1 || success = 1", &open443));
	/* F && (F || T) = F */
	assert_false(match("sport = 1 && (ttl = 1 || success = 1)", &open443));
	assert_true(match("!(sport = 22)", &open443));
	assert_false(match("!!(sport = 22)", &open443));
	assert_true(match("  ( sport=443||sport=8443 )&&!repeat=1 ", &open443));
}

static void bad_expressions_say_what_and_where(void **state)
{
	static const struct {
		const char *expr, *why;
	} cases[] = {
		{ "bogus = 1", "unknown field" },
		{ "sport", "expected =, !=, <, <=, > or >=" },
		{ "sport = ", "expected a value" },
		{ "sport = abc", "expected a number" },
		{ "saddr = 300.1.1.1", "expected an IPv4 or IPv6 address" },
		{ "saddr = 2001:2::zz", "expected an IPv4 or IPv6 address" },
		{ "classification > \"a\"", "strings compare only with = and !=" },
		{ "classification = \"rst", "a string is not closed" },
		{ "(success = 1", "expected ')'" },
		{ "success = 1 extra", "unexpected text at 'extra'" },
		{ "timestamp > 1", "timestamp cannot be filtered on" },
		{ "", "expected a field name" },
		{ "success = 1 &&", "expected a field name" },
	};
	struct output_filter f;
	char err[256];
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (output_filter_parse(cases[i].expr, &f, err, sizeof(err)) != -EINVAL ||
		    !strstr(err, cases[i].why)) {
			print_error("'%s' gave '%s', expected '%s'\n", cases[i].expr, err,
				    cases[i].why);
			fail();
		}
	}
}

static void too_long_an_expression_is_refused_not_overflowed(void **state)
{
	char expr[4096];
	struct output_filter f;
	char err[256];
	size_t used = 0;
	(void)state;

	for (int i = 0; i < 100; i++)
		used += (size_t)snprintf(expr + used, sizeof(expr) - used, "%s",
					 i ? " || sport = 1" : "sport = 1");
	assert_int_equal(output_filter_parse(expr, &f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "too long"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_filter_keeps_unique_successes),
		cmocka_unit_test(numbers_strings_and_addresses_compare),
		cmocka_unit_test(ipv6_addresses_compare),
		cmocka_unit_test(and_binds_tighter_than_or_and_not_and_parens_work),
		cmocka_unit_test(bad_expressions_say_what_and_where),
		cmocka_unit_test(too_long_an_expression_is_refused_not_overflowed),
	};

	return cmocka_run_group_tests_name("filter", tests, NULL, NULL);
}
