/*
 * Unit tests for option parsing: defaults, ZMap-compatible flags and
 * aliases, and one clear error for each kind of bad value.
 */
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

#include "cli/cli.h"
#include "cli/options.h"
#include "tools/tools.h"

static int parse(struct cli_config *cfg, char *err, const char *const *args)
{
	char *argv[64];
	int argc = 0;

	argv[argc++] = "salvo";
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	return cli_parse(argc, argv, cfg, err, CLI_ERRLEN);
}

#define PARSE(...) parse(&cfg, err, (const char *const[]){ __VA_ARGS__, NULL })

static void defaults_match_zmap(void **state)
{
	struct cli_config cfg;
	char err[CLI_ERRLEN];
	(void)state;

	assert_int_equal(PARSE("-p", "80", "-b", "/dev/null", "198.18.1.0/24"), 0);
	assert_int_equal(cfg.scan.rate, 10000);
	assert_int_equal(cfg.scan.cooldown_s, 8);
	assert_int_equal(cfg.scan.probes, 1);
	assert_int_equal(cfg.scan.sender_threads, 1);
	assert_int_equal(cfg.scan.shards, 1);
	assert_string_equal(cfg.scan.engine->name, "af_packet");
	assert_string_equal(cfg.scan.probe->name, "tcp_synscan");
	assert_string_equal(cfg.scan.output->name, "csv");
	assert_string_equal(cfg.scan.output_file, "-");
	assert_int_equal(cfg.scan.targets.addresses, 256);
	assert_int_equal(cfg.scan.fields.count, 1); /* saddr for one port */
	cli_config_free(&cfg);

	assert_int_equal(PARSE("-p", "80,443", "-b", "/dev/null", "198.18.1.1"), 0);
	assert_int_equal(cfg.scan.fields.count, 2); /* saddr,sport for several */
	cli_config_free(&cfg);
}

static void short_and_long_flags_and_aliases(void **state)
{
	struct cli_config cfg;
	char err[CLI_ERRLEN];
	(void)state;

	assert_int_equal(PARSE("--port", "22,80-81", "--target-range", "198.18.1.0/30",
			       "198.18.2.1-198.18.2.2", "-r", "20k", "-c", "2", "-P", "2", "-e",
			       "7", "--shards", "3", "--shard", "2", "-T", "2", "--blacklist-file",
			       "/dev/null", "-o", "out.csv", "-f", "saddr,dport,timestamp", "-q",
			       "-i", "veth0", "-S", "198.18.0.1", "-G", "02:00:00:00:00:02",
			       "--source-mac", "02:00:00:00:00:01", "--io-engine=af_packet",
			       "--receivers", "2", "-s", "40000-40009"),
			 0);
	assert_int_equal(cfg.scan.ports.count, 3);
	assert_int_equal(cfg.scan.targets.addresses, 6);
	assert_int_equal(cfg.scan.rate, 20000);
	assert_int_equal(cfg.scan.cooldown_s, 2);
	assert_int_equal(cfg.scan.probes, 2);
	assert_int_equal(cfg.scan.seed, 7);
	assert_int_equal(cfg.scan.shard, 2);
	assert_int_equal(cfg.scan.shards, 3);
	assert_int_equal(cfg.scan.sender_threads, 2);
	assert_int_equal(cfg.scan.receivers, 2);
	assert_int_equal(cfg.scan.quiet, 1);
	assert_int_equal(cfg.scan.fields.count, 3);
	assert_int_equal(cfg.scan.gateway_mac[5], 2);
	assert_int_equal(cfg.scan.sport_first, 40000);
	assert_int_equal(cfg.scan.sport_count, 10);
	assert_int_equal(cfg.scan.nic_count, 1);
	assert_string_equal(cfg.scan.nics[0].ifname, "veth0");
	cli_config_free(&cfg);
}

/* The orchestrator's dialect stops at once on a signal; ZMap's keeps its cooldown. */
static void interrupt_mode_follows_the_dialect_unless_given(void **state)
{
	struct cli_config cfg;
	char err[CLI_ERRLEN];
	(void)state;

	assert_int_equal(PARSE("-p", "80", "-b", "/dev/null", "198.18.1.1"), 0);
	assert_int_equal(cfg.scan.interrupt_now, 0);
	cli_config_free(&cfg);
	assert_int_equal(PARSE("--dialect=anyscan", "-p", "80", "-b", "/dev/null", "198.18.1.1"),
			 0);
	assert_int_equal(cfg.scan.interrupt_now, 1);
	cli_config_free(&cfg);
	assert_int_equal(PARSE("--dialect=anyscan", "--interrupt=cooldown", "-p", "80", "-b",
			       "/dev/null", "198.18.1.1"),
			 0);
	assert_int_equal(cfg.scan.interrupt_now, 0);
	cli_config_free(&cfg);
	assert_int_equal(PARSE("--interrupt", "now", "-p", "80", "-b", "/dev/null", "198.18.1.1"),
			 0);
	assert_int_equal(cfg.scan.interrupt_now, 1);
	cli_config_free(&cfg);
	assert_int_equal(PARSE("--interrupt=later", "-p", "80", "198.18.1.1"), -EINVAL);
	assert_string_equal(err, "--interrupt: 'later': expected cooldown or now");
}

static void missing_target_is_an_error(void **state)
{
	struct cli_config cfg;
	char err[CLI_ERRLEN];
	(void)state;

	assert_int_equal(PARSE("-p", "80"), -EINVAL);
	assert_non_null(strstr(err, "no targets"));
	assert_int_equal(PARSE("198.18.1.1", "-b", "/dev/null"), -EINVAL);
	assert_non_null(strstr(err, "no ports"));
	/* A dry run sends nothing: no target is ZMap's whole space less the blocklist. */
	assert_int_equal(PARSE("--dryrun", "-p", "80"), 0);
	assert_int_equal(cfg.scan.targets.addresses, 3702258432ULL);
	cli_config_free(&cfg);
	assert_int_equal(PARSE("--dryrun", "-p", "80", "-b", "/dev/null"), 0);
	assert_int_equal(cfg.scan.targets.addresses, 1ULL << 32);
	cli_config_free(&cfg);
}

static void default_blocklist_refuses_reserved_targets(void **state)
{
	struct cli_config cfg;
	char err[CLI_ERRLEN];
	(void)state;

	assert_int_equal(PARSE("-p", "80", "198.18.1.0/24"), -EINVAL);
	assert_non_null(strstr(err, "built-in blocklist"));
	assert_int_equal(PARSE("-p", "80", "10.0.0.0/8", "192.168.1.1"), -EINVAL);
	/* Public addresses pass the parser (nothing is sent by parsing). */
	assert_int_equal(PARSE("-p", "80", "1.1.1.0/24"), 0);
	assert_int_equal(cfg.scan.blocklist_default, 1);
	cli_config_free(&cfg);
}

struct bad_case {
	const char *flag, *value, *expect;
};

static void every_bad_value_names_itself(void **state)
{
	static const struct bad_case cases[] = {
		{ "-p", "70000", "'70000'" },
		{ "-p", "80-20", "'80-20'" },
		{ "-r", "abc", "--rate: 'abc'" },
		{ "-r", "-5", "--rate: '-5'" },
		{ "-r", "10x", "--rate: '10x'" },
		{ "-G", "zz:00:00:00:00:00", "--gateway-mac: 'zz:00:00:00:00:00'" },
		{ "-G", "02:00:00:00:00", "--gateway-mac" },
		{ "--source-mac", "02:00:00:00:00:01:03", "--source-mac" },
		{ "-S", "300.1.1.1", "--source-ip: '300.1.1.1'" },
		{ "-c", "x", "--cooldown-time: 'x'" },
		{ "-P", "0", "--probes: '0'" },
		{ "-T", "1000", "--sender-threads: '1000'" },
		{ "-e", "99999999999999999999999", "--seed" },
		{ "-f", "saddr,bogus", "'bogus': unknown field" },
		{ "-M", "bogus", "--probe-module: 'bogus'" },
		{ "-O", "bogus", "--output-module: 'bogus'" },
		{ "-w", "/nonexistent/allow", "--allowlist-file: /nonexistent/allow" },
		{ "-b", "/nonexistent/block", "--blocklist-file: /nonexistent/block" },
		/* The list of engines follows the table (tests/cli/test_dispatch.sh checks it). */
		{ "--io-engine", "bogus", "Unknown --io-engine 'bogus' (choose: af_packet, " },
		{ "-s", "0", "--source-port" },
		{ "-s", "9-3", "--source-port" },
		{ "-i", "", "--interface" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cli_config cfg;
		char err[CLI_ERRLEN] = "";

		if (PARSE("-p", "80", "-b", "/dev/null", cases[i].flag, cases[i].value,
			  "198.18.1.1") != -EINVAL ||
		    !strstr(err, cases[i].expect)) {
			print_error("%s %s gave \"%s\", expected \"%s\"\n", cases[i].flag,
				    cases[i].value, err, cases[i].expect);
			fail();
		}
		assert_null(strchr(err, '\n'));
	}
}

static void bad_targets_and_shards_are_errors(void **state)
{
	struct cli_config cfg;
	char err[CLI_ERRLEN];
	(void)state;

	assert_int_equal(PARSE("-p", "80", "-b", "/dev/null", "198.18.1.0/33"), -EINVAL);
	assert_non_null(strstr(err, "'198.18.1.0/33'"));
	assert_int_equal(PARSE("-p", "80", "-b", "/dev/null", "300.1.1.1"), -EINVAL);
	assert_non_null(strstr(err, "'300.1.1.1'"));
	assert_int_equal(
		PARSE("-p", "80", "-b", "/dev/null", "--shards", "3", "--shard", "3", "198.18.1.1"),
		-EINVAL);
	assert_non_null(strstr(err, "--shard: 3"));
	assert_int_equal(PARSE("-p", "80", "--bogus-flag", "198.18.1.1"), -EINVAL);
	assert_non_null(strstr(err, "--bogus-flag"));
	assert_int_equal(PARSE("198.18.1.1", "-p"), -EINVAL);
	assert_non_null(strstr(err, "needs a value"));
}

static void engines_not_built_say_so(void **state)
{
	struct cli_config cfg;
	char err[CLI_ERRLEN];
	(void)state;

	assert_int_equal(PARSE("-p", "80", "--io-engine=pfring_zc", "198.18.1.1"), -EINVAL);
	assert_non_null(strstr(err, "USE_PFRING_ZC=1"));
#ifdef SALVO_HAVE_AF_XDP
	assert_int_equal(PARSE("-p", "80", "-b", "/dev/null", "--io-engine=af_xdp",
			       "--xdp-mode=skb", "198.18.1.1"),
			 0);
	assert_string_equal(cfg.scan.engine->name, "af_xdp");
	assert_int_equal(cfg.scan.xdp_mode, IO_XDP_MODE_SKB);
	cli_config_free(&cfg);
#else
	assert_int_equal(PARSE("-p", "80", "--io-engine=af_xdp", "198.18.1.1"), -EINVAL);
	assert_non_null(strstr(err, "af_xdp not built in (needs libxdp"));
#endif
	assert_int_equal(PARSE("-p", "80", "--xdp-mode=fast", "198.18.1.1"), -EINVAL);
	assert_non_null(strstr(err, "--xdp-mode: 'fast': expected auto, zc, copy or skb"));
}

static void value_parsers(void **state)
{
	uint64_t v;
	uint8_t mac[6];
	(void)state;

	assert_int_equal(cli_parse_rate("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cli_parse_rate("1M", &v), 0);
	assert_int_equal(v, 1000000);
	assert_int_equal(cli_parse_rate("", &v), -EINVAL);
	assert_int_equal(cli_parse_rate("K", &v), -EINVAL);
	assert_int_equal(cli_parse_rate("99999999999999999999G", &v), -EINVAL);
	assert_int_equal(cli_parse_mac("aA:bB:cC:00:11:ff", mac), 0);
	assert_int_equal(mac[0], 0xaa);
	assert_int_equal(mac[5], 0xff);
	assert_int_equal(cli_parse_mac("aa:bb:cc:00:11:ff:", mac), -EINVAL);
	assert_int_equal(cli_parse_mac("aa-bb-cc-00-11-ff", mac), -EINVAL);
	assert_int_equal(cli_parse_uint("12", 0, 10, &v), -ERANGE);
	assert_int_equal(cli_parse_uint(" 1", 0, 10, &v), -EINVAL);
}

/* --output-buffer's sizes: powers of 1024, with or without B or iB. */
static void size_parser_takes_binary_units(void **state)
{
	uint64_t v;
	(void)state;

	assert_int_equal(cli_parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(cli_parse_size("64k", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(cli_parse_size("256M", &v), 0);
	assert_int_equal(v, 256ULL << 20);
	assert_int_equal(cli_parse_size("256MB", &v), 0);
	assert_int_equal(v, 256ULL << 20);
	assert_int_equal(cli_parse_size("2GiB", &v), 0);
	assert_int_equal(v, 2ULL << 30);
	assert_int_equal(cli_parse_size("", &v), -EINVAL);
	assert_int_equal(cli_parse_size("M", &v), -EINVAL);
	assert_int_equal(cli_parse_size("256iB", &v), -EINVAL);
	assert_int_equal(cli_parse_size("256B", &v), -EINVAL);
	assert_int_equal(cli_parse_size("256MiBs", &v), -EINVAL);
	assert_int_equal(cli_parse_size("-1M", &v), -EINVAL);
	assert_int_equal(cli_parse_size("99999999999G", &v), -ERANGE);
}

/* Writes text to a fresh temporary file; its path goes to path (64 bytes). */
static void write_config(char *path, const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, 64, "/tmp/salvo-test-config.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void config_file_sets_options_and_the_command_line_overrides_it(void **state)
{
	struct cli_config cfg;
	char err[CLI_ERRLEN], path[64];
	(void)state;

	write_config(path, "# salvo@lab.conf\n"
			   "target-ports 80,443\r\n"
			   "  rate   5000  \n"
			   "\n"
			   "blocklist-file /dev/null\n"
			   "target-range 198.18.1.0/30\n"
			   "output-filter success = 1 && repeat = 0\n"
			   "quiet\n");
	assert_int_equal(PARSE("-C", path), 0);
	assert_int_equal(cfg.scan.ports.count, 2);
	assert_int_equal(cfg.scan.rate, 5000);
	assert_int_equal(cfg.scan.targets.addresses, 4);
	assert_int_equal(cfg.scan.quiet, 1);
	assert_string_equal(cfg.config_file, path);
	cli_config_free(&cfg);

	/* Later wins: the command line's rate and ports; its targets replace the file's. */
	assert_int_equal(PARSE("--config", path, "-r", "700", "-p", "22", "198.18.2.0/31"), 0);
	assert_int_equal(cfg.scan.rate, 700);
	assert_int_equal(cfg.scan.ports.count, 1);
	assert_int_equal(cfg.scan.targets.addresses, 2);
	cli_config_free(&cfg);
	assert_int_equal(PARSE("--config="
			       "/dev/null",
			       "-p", "1", "-b", "/dev/null", "198.18.1.1"),
			 0);
	cli_config_free(&cfg);
	unlink(path);
}

/* -i a,b and -i repeated list the NICs in order; IF=VALUE items of -S, --ipv6-source-ip and
 * -G are that NIC's own, whether given before or after -i; plain values stay for every NIC. */
static void several_interfaces_and_their_own_values(void **state)
{
	struct cli_config cfg;
	char err[CLI_ERRLEN];
	(void)state;

	assert_int_equal(PARSE("-p", "80", "-b", "/dev/null", "-S", "sv1=198.18.2.1", "-G",
			       "sv0=02:00:00:00:00:0a", "-i", "sv0,sv1", "-i", "sv2", "-S",
			       "198.18.0.9", "-S", "sv2=198.18.4.1-198.18.4.3", "--ipv6-source-ip",
			       "sv2=2001:2:4::1", "198.18.1.0/24"),
			 0);
	assert_int_equal(cfg.scan.nic_count, 3);
	assert_string_equal(cfg.scan.nics[0].ifname, "sv0");
	assert_string_equal(cfg.scan.nics[1].ifname, "sv1");
	assert_string_equal(cfg.scan.nics[2].ifname, "sv2");
	assert_int_equal(cfg.scan.nics[0].source_ip_count, 0);
	assert_int_equal(cfg.scan.nics[0].gateway_mac_set, 1);
	assert_int_equal(cfg.scan.nics[0].gateway_mac[5], 0x0a);
	assert_int_equal(cfg.scan.nics[1].source_ip_count, 1);
	assert_int_equal(cfg.scan.nics[1].source_ips[0], 0xc6120201);
	assert_int_equal(cfg.scan.nics[1].gateway_mac_set, 0);
	assert_int_equal(cfg.scan.nics[2].source_ip_count, 3);
	assert_int_equal(cfg.scan.nics[2].source_ip6_set, 1);
	assert_int_equal(cfg.scan.nics[2].source_ip6[5], 4);
	assert_int_equal(cfg.scan.source_ip_set, 1);
	assert_int_equal(cfg.scan.source_ip, 0xc6120009);
	assert_int_equal(cfg.scan.gateway_mac_set, 0);
	cli_config_free(&cfg);
}

/* An interface twice, an IF= item for an interface -i does not list, a bad value after IF=:
 * each one line naming the option and the value. */
static void bad_interface_lists_are_errors(void **state)
{
	static const struct {
		const char *a[8];
		const char *err;
	} cases[] = {
		{ { "-i", "sv0,sv1,sv0" }, "--interface: sv0: given twice" },
		{ { "-i", "sv0", "-i", "sv0" }, "--interface: sv0: given twice" },
		{ { "-i", "sv0,,sv1" }, "--interface: '': expected an interface name" },
		{ {
			  "-i",
			  "sv0,sv1,",
		  },
		  "--interface: '': expected an interface name" },
		{ { "-i", "a-name-far-too-long0" },
		  "--interface: 'a-name-far-too-long0': expected" },
		{ { "-i", "sv0", "-S", "sv9=198.18.0.1" },
		  "--source-ip: sv9=...: sv9 is not one of the interfaces the scan sends through "
		  "(sv0)" },
		{ { "-G", "sv1=02:00:00:00:00:01" },
		  "--gateway-mac: sv1=...: a value for interface sv1 alone, but -i names no "
		  "interface (give -i sv1)" },
		{ { "-i", "sv0", "-S", "sv0=2001:2::1" }, "--source-ip: 'sv0=2001:2::1': " },
		{ { "-i", "sv0", "-G", "sv0=02:00" }, "--gateway-mac: 'sv0=02:00': expected" },
		{ { "-i", "sv0", "-S", "=198.18.0.1" }, "--source-ip: '': expected an interface" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cli_config cfg;
		char err[CLI_ERRLEN] = "";
		const char *const *a = cases[i].a;

		assert_int_equal(PARSE("-p", "80", "-b", "/dev/null", a[0], a[1],
				       a[2] ? a[2] : "-q", a[2] ? a[3] : "-q", "198.18.1.1"),
				 -EINVAL);
		if (!strstr(err, cases[i].err))
			fail_msg("case %zu: '%s' does not contain '%s'", i, err, cases[i].err);
	}
}

/* The config file's -i list is replaced by the command line's, not added to. */
static void config_file_interfaces_give_way_to_the_command_line(void **state)
{
	struct cli_config cfg;
	char err[CLI_ERRLEN], path[64];
	(void)state;

	write_config(path, "interface sv0,sv1\ntarget-ports 80\nblocklist-file /dev/null\n");
	assert_int_equal(PARSE("-C", path, "198.18.1.1"), 0);
	assert_int_equal(cfg.scan.nic_count, 2);
	cli_config_free(&cfg);
	assert_int_equal(PARSE("-C", path, "-i", "sv2", "198.18.1.1"), 0);
	assert_int_equal(cfg.scan.nic_count, 1);
	assert_string_equal(cfg.scan.nics[0].ifname, "sv2");
	cli_config_free(&cfg);
	unlink(path);
}

/* Regression: an error after an option whose parser succeeded returned 0, and salvo went on
 * with a freed configuration (SIGSEGV) — found by the bad-input matrix. */
static void an_error_after_a_good_option_is_still_an_error(void **state)
{
	struct cli_config cfg;
	char err[CLI_ERRLEN];
	(void)state;

	assert_int_equal(PARSE("-c", "0", "-p", "80", "198.18.1.1", "--frobnicate", "1"), -EINVAL);
	assert_string_equal(err, "--frobnicate: unknown option (see salvo --help)");
	assert_int_equal(PARSE("-P", "2", "198.18.1.1", "--dryrun=yes"), -EINVAL);
	assert_string_equal(err, "--dryrun=yes: this option takes no value (see salvo --help)");
	assert_int_equal(PARSE("-T", "2", "-p"), -EINVAL);
	assert_string_equal(err, "-p: needs a value (see salvo --help)");
}

static void config_file_errors_name_the_line(void **state)
{
	struct cli_config cfg;
	char err[CLI_ERRLEN], path[64], want[160];
	static const struct {
		const char *text, *message;
	} cases[] = {
		{ "target-ports 80\nrate abc\n", "line 2: --rate: 'abc'" },
		{ "frobnicate 1\n", "line 1: 'frobnicate 1': unknown option" },
		{ "rat 5\n", "line 1: 'rat 5': unknown option" },
		{ "\n\nrate\n", "line 3: 'rate': needs a value" },
		{ "dryrun yes\n", "line 1: 'dryrun yes': this option takes no value" },
		{ "config /etc/other.conf\n", "line 1: config files do not nest" },
		{ "target-ports 99999\n", "line 1: --target-ports: '99999'" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_config(path, cases[i].text);
		assert_int_equal(PARSE("-C", path, "-b", "/dev/null", "198.18.1.1"), -EINVAL);
		snprintf(want, sizeof(want), "--config %s %s", path, cases[i].message);
		if (!strstr(err, want))
			fail_msg("config %zu: got \"%s\", want \"%s\"", i, err, want);
		unlink(path);
	}
	assert_int_equal(PARSE("-C", "/nonexistent/salvo.conf"), -EINVAL);
	assert_string_equal(err, "--config: /nonexistent/salvo.conf: No such file or directory");
	assert_int_equal(PARSE("-C", "/tmp"), -EINVAL);
	assert_non_null(strstr(err, "(this is a directory)"));
	assert_int_equal(PARSE("-p", "80", "--user", "no-such-user-here", "198.18.1.1"), -EINVAL);
	assert_string_equal(err,
			    "--user: 'no-such-user-here': expected the name of an existing user");
}

static const struct cli_program *const programs[] = { &cli_salvo, &tool_iterate.program,
						      &tool_blocklist.program, &tool_tee.program };

/* The one table serves every program: within each, a letter and a long name are taken once
 * (salvo's -m and salvo-tee's -m are different options of different programs). */
static void each_program_has_its_letters_and_names_once(void **state)
{
	(void)state;
	cli_options_init();
	for (size_t k = 0; k < sizeof(programs) / sizeof(programs[0]); k++) {
		unsigned bit = programs[k]->bit, taken = 0;

		for (size_t i = 0; i < cli_option_count; i++) {
			const struct cli_option *a = &cli_options[i];

			if (!cli_option_in(a, bit))
				continue;
			taken++;
			for (size_t j = i + 1; j < cli_option_count; j++) {
				const struct cli_option *b = &cli_options[j];

				if (!cli_option_in(b, bit))
					continue;
				if (a->letter && a->letter == b->letter)
					fail_msg("%s: -%c is both --%s and --%s", programs[k]->name,
						 a->letter, a->name, b->name);
				assert_string_not_equal(a->name, b->name);
			}
		}
		assert_true(taken >= 8);
	}
}

/* Parse as program prog. */
static int parse_as(const struct cli_program *prog, struct cli_config *cfg, char *err,
		    const char *const *args)
{
	char *argv[64];
	int argc = 0;

	argv[argc++] = (char *)prog->name;
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	return cli_parse_program(prog, argc, argv, cfg, err, CLI_ERRLEN);
}

#define PARSE_AS(prog, ...) parse_as(prog, &cfg, err, (const char *const[]){ __VA_ARGS__, NULL })

static void tools_take_their_options_and_refuse_salvos(void **state)
{
	struct cli_config cfg;
	char err[CLI_ERRLEN];
	(void)state;

	/* salvo-tee's -m is --monitor, -r --raw; FILE is its operand. */
	assert_int_equal(PARSE_AS(&tool_tee.program, "-m", "-r", "out.csv"), 0);
	assert_int_equal(cfg.tool.monitor, 1);
	assert_int_equal(cfg.tool.raw, 1);
	assert_string_equal(cfg.tool.file, "out.csv");
	cli_config_free(&cfg);
	/* salvo's -m is --metadata-file, and it has no --monitor. */
	assert_int_equal(PARSE("-m", "meta.json", "-p", "80", "-b", "/dev/null", "198.18.1.1"), 0);
	assert_string_equal(cfg.scan.metadata_file, "meta.json");
	cli_config_free(&cfg);
	assert_int_equal(PARSE("--monitor", "-p", "80", "198.18.1.1"), -EINVAL);
	assert_string_equal(err, "--monitor: unknown option (see salvo --help)");
	/* salvo-iterate takes salvo's target options, not its network ones. */
	assert_int_equal(PARSE_AS(&tool_iterate.program, "-r", "5", "198.18.1.1"), -EINVAL);
	assert_string_equal(err, "-r: unknown option (see salvo-iterate --help)");
	assert_int_equal(PARSE_AS(&tool_iterate.program, "-b", "/dev/null", "-e", "3", "--shards",
				  "2", "--shard", "1", "-n", "10", "198.18.1.0/24"),
			 0);
	assert_int_equal(cfg.scan.targets.addresses, 256);
	assert_int_equal(cfg.scan.ports.count, 1); /* no -p: the addresses */
	assert_int_equal(cfg.scan.ports.ports[0], 0);
	assert_int_equal(cfg.scan.shard, 1);
	assert_int_equal(cfg.scan.max_targets, 10);
	cli_config_free(&cfg);
	/* salvo-iterate with no target: the whole space less the blocklist, as a dry run. */
	assert_int_equal(PARSE_AS(&tool_iterate.program, "-p", "80"), 0);
	assert_true(cfg.scan.targets.addresses > 3000000000ULL);
	assert_true(cfg.scan.targets.addresses < 4294967296ULL);
	cli_config_free(&cfg);
	/* salvo-blocklist: -w less -b for each family, nothing to count for IPv6. */
	assert_int_equal(PARSE_AS(&tool_blocklist.program, "--no-duplicate-checking"), 0);
	assert_int_equal(cfg.tool.no_duplicate_checking, 1);
	assert_int_equal(cfg.scan.targets.addresses, 4294967296ULL - 592708864ULL);
	assert_true(target6_set_contains(&cfg.scan.targets6,
					 (struct target6_addr){ 0x2a00ULL << 48, 1 }));
	assert_false(target6_set_contains(&cfg.scan.targets6,
					  (struct target6_addr){ 0xfe80ULL << 48, 1 }));
	cli_config_free(&cfg);
	/* -C is salvo's alone. */
	assert_int_equal(PARSE_AS(&tool_blocklist.program, "-C", "/dev/null"), -EINVAL);
	assert_string_equal(err, "-C: unknown option (see salvo-blocklist --help)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_match_zmap),
		cmocka_unit_test(short_and_long_flags_and_aliases),
		cmocka_unit_test(interrupt_mode_follows_the_dialect_unless_given),
		cmocka_unit_test(missing_target_is_an_error),
		cmocka_unit_test(default_blocklist_refuses_reserved_targets),
		cmocka_unit_test(every_bad_value_names_itself),
		cmocka_unit_test(bad_targets_and_shards_are_errors),
		cmocka_unit_test(engines_not_built_say_so),
		cmocka_unit_test(value_parsers),
		cmocka_unit_test(size_parser_takes_binary_units),
		cmocka_unit_test(each_program_has_its_letters_and_names_once),
		cmocka_unit_test(tools_take_their_options_and_refuse_salvos),
		cmocka_unit_test(config_file_sets_options_and_the_command_line_overrides_it),
		cmocka_unit_test(config_file_errors_name_the_line),
		cmocka_unit_test(an_error_after_a_good_option_is_still_an_error),
		cmocka_unit_test(several_interfaces_and_their_own_values),
		cmocka_unit_test(bad_interface_lists_are_errors),
		cmocka_unit_test(config_file_interfaces_give_way_to_the_command_line),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
