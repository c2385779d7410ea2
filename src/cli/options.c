/*
 * The option table (see options.h) and what is made from it here: --help, --list-options,
 * and the options whose values need their own parser.  The order of the entries is the
 * order of --help and of the man page.
 */
#include "cli/options.h"

#include <errno.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/parse.h"
#include "util/join.h"
#include "util/json_check.h"
#include "version.h"

#define F(x) offsetof(struct scan_config, x)

static const char *const xdp_modes[] = { "auto", "zc", "copy", "skb", NULL };
static const char *const status_formats[] = { "zmap", "legacy", "json", NULL };
static const char *const rate_modes[] = { "fixed", "aimd", NULL };
static const char *const dialects[] = { "zmap", "anyscan", NULL };
/* The index is scan_config.sport_any: 1 = disable. */
static const char *const sport_validation[] = { "enable", "disable", NULL };
static const char *const interrupts[] = { "cooldown", "now", NULL };
/* In the order of enum scan_dedup_method. */
static const char *const dedup_methods[] = { "default", "full", "window", "none", NULL };

static int opt_config(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
		      size_t errlen)
{
	(void)o;
	if (p->argi <= p->origin->file_args) {
		snprintf(err, errlen, "config files do not nest: --config %s", value);
		return -EINVAL;
	}
	/* The file itself was read before the options: this is the one cli_parse found. */
	if (value != p->origin->config_arg) {
		snprintf(err, errlen,
			 "--config: give one config file, as -C FILE or --config FILE");
		return -EINVAL;
	}
	return 0;
}

static int opt_user(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
		    size_t errlen)
{
	struct passwd *pw = getpwnam(value);

	(void)o;
	if (!pw)
		return cli_bad_value(err, errlen, "--user", value, "the name of an existing user");
	p->cfg->user = value;
	p->cfg->user_uid = pw->pw_uid;
	p->cfg->user_gid = pw->pw_gid;
	return 0;
}

/* -w and -I: a file of targets into the target set (-I: single addresses only, as ZMap's), so
 * that the keyed order, -n, shards and --resume work over either alike.  o names the option. */
static int opt_target_file(struct cli_parse *p, const struct cli_option *o, const char *value,
			   char *err, size_t errlen)
{
	int ret;

	if ((ret = cli_add_target(p, NULL, NULL, err, errlen)))
		return ret;
	if (p->target_file_count == CLI_TARGET_FILES_MAX) {
		snprintf(err, errlen, "--%s: %s: at most %d -w and -I files", o->name, value,
			 CLI_TARGET_FILES_MAX);
		return -EINVAL;
	}
	/* Read in resolve.c, when --ignore-blocklist-errors is known. */
	p->target_files[p->target_file_count].o = o;
	p->target_files[p->target_file_count].path = value;
	p->target_files[p->target_file_count++].argi = p->argi;
	return 0;
}

/* -S: one IPv4 address, or ZMap's ranges and lists of them; never an IPv6 one. */
static int opt_source_ip(struct cli_parse *p, const struct cli_option *o, const char *value,
			 char *err, size_t errlen)
{
	struct scan_config *cfg = p->cfg;
	char why[160];

	(void)o;
	if (target_parse_ipv4_list(value, cfg->source_ips, SCAN_SOURCES_MAX, &cfg->source_ip_count,
				   why, sizeof(why))) {
		snprintf(err, errlen, "--source-ip: '%.200s': %s", value, why);
		return -EINVAL;
	}
	cfg->source_ip = cfg->source_ips[0];
	cfg->source_ip_set = 1;
	return 0;
}

/* --ipv6-source-ip: one IPv6 address (the TUM fork's option), never an IPv4 one. */
static int opt_ipv6_source_ip(struct cli_parse *p, const struct cli_option *o, const char *value,
			      char *err, size_t errlen)
{
	struct target6_addr a;

	(void)o;
	if (!strchr(value, ':') || target6_parse_addr(value, &a))
		return cli_bad_value(err, errlen, "--ipv6-source-ip", value,
				     "one IPv6 address such as 2001:2::1 (an IPv4 source is -S)");
	target6_to_bytes(a, p->cfg->source_ip6);
	p->cfg->source_ip6_set = 1;
	return 0;
}

/* --user-metadata: carried into the metadata as it is, so it must be JSON. */
static int opt_user_metadata(struct cli_parse *p, const struct cli_option *o, const char *value,
			     char *err, size_t errlen)
{
	size_t at;

	(void)o;
	if (json_check(value, &at)) {
		snprintf(err, errlen,
			 "--user-metadata: '%.200s': expected one JSON value (error at byte %zu)",
			 value, at);
		return -EINVAL;
	}
	p->cfg->user_metadata = value;
	return 0;
}

static int opt_target_range(struct cli_parse *p, const struct cli_option *o, const char *value,
			    char *err, size_t errlen)
{
	(void)o;
	return cli_add_target(p, value, "--target-range: ", err, errlen);
}

/* -n: a count of probes for the whole scan, or a percentage of the address space. */
static int opt_max_targets(struct cli_parse *p, const struct cli_option *o, const char *value,
			   char *err, size_t errlen)
{
	uint64_t n;

	(void)o;
	if (strchr(value, '%')) {
		if (cli_parse_percent(value, &p->cfg->max_targets_percent) ||
		    p->cfg->max_targets_percent == 0)
			return cli_bad_value(err, errlen, "--max-targets", value,
					     "a number of probes, or a percentage such as 10%");
		return 0;
	}
	if (cli_parse_uint(value, 1, UINT64_MAX, &n))
		return cli_bad_value(err, errlen, "--max-targets", value,
				     "a whole number from 1 to 18446744073709551615");
	p->cfg->max_targets = n;
	return 0;
}

/* --cores: CPUs as ZMap takes them (a comma-separated list; ranges a-b too), each one this
 * process may run on, so that pinning cannot fail once the scan has started. */
static int opt_cores(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
		     size_t errlen)
{
	struct scan_config *cfg = p->cfg;
	const char *s = value;
	cpu_set_t allowed;

	(void)o;
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		CPU_ZERO(&allowed);
	cfg->core_count = 0;
	do {
		uint64_t lo, hi;
		char part[32];
		size_t n = strcspn(s, ",");
		char *dash;

		if (n == 0 || n >= sizeof(part))
			goto bad;
		memcpy(part, s, n);
		part[n] = '\0';
		if ((dash = strchr(part, '-')))
			*dash = '\0';
		if (cli_parse_uint(part, 0, CPU_SETSIZE - 1, &lo) ||
		    cli_parse_uint(dash ? dash + 1 : part, lo, CPU_SETSIZE - 1, &hi))
			goto bad;
		for (uint64_t c = lo; c <= hi; c++) {
			if (!CPU_ISSET(c, &allowed)) {
				snprintf(err, errlen,
					 "--cores: %s: CPU %llu is not one this process may use",
					 value, (unsigned long long)c);
				return -EINVAL;
			}
			if (cfg->core_count == SCAN_CORES_MAX)
				goto bad;
			cfg->cores[cfg->core_count++] = (uint16_t)c;
		}
		s += n;
	} while (*s++ == ',');
	return 0;
bad:
	return cli_bad_value(err, errlen, "--cores", value,
			     "CPU numbers separated by commas, ranges such as 2-5 allowed");
}

/* -s: one port or a range. */
static int opt_source_ports(struct cli_parse *p, const struct cli_option *o, const char *value,
			    char *err, size_t errlen)
{
	const char *dash = strchr(value, '-');
	uint64_t lo, hi;
	char buf[16];

	(void)o;
	if (strlen(value) >= sizeof(buf))
		return cli_bad_value(err, errlen, "--source-port", value,
				     "a port or a range such as 40000-50000");
	memcpy(buf, value, strlen(value) + 1);
	if (dash)
		buf[dash - value] = '\0';
	if (cli_parse_uint(buf, 1, 65535, &lo) ||
	    cli_parse_uint(dash ? buf + (dash - value) + 1 : buf, 1, 65535, &hi) || hi < lo)
		return cli_bad_value(err, errlen, "--source-port", value,
				     "a port from 1 to 65535 or a range such as 40000-50000");
	p->cfg->sport_first = (uint16_t)lo;
	p->cfg->sport_count = (uint32_t)(hi - lo + 1);
	return 0;
}

/* --help, --version and the lists: printed on stdout, and nothing is scanned. */
static int opt_print(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
		     size_t errlen)
{
	(void)value;
	(void)err;
	(void)errlen;
	if (strcmp(o->name, "help") == 0)
		cli_usage(stdout, p->program);
	else if (strcmp(o->name, "version") == 0 && p->program->bit != CLI_SALVO)
		printf("%s %s\n", p->program->name, SALVO_VERSION);
	else if (strcmp(o->name, "version") == 0)
		printf("salvo %s\nio engines: %s\n", SALVO_VERSION, io_engine_list_built());
	else if (strcmp(o->name, "list-io-engines") == 0)
		io_engines_describe(stdout);
	else if (strcmp(o->name, "list-probe-modules") == 0)
		probe_modules_describe(stdout);
	else if (strcmp(o->name, "list-output-modules") == 0)
		output_modules_describe(stdout);
	else if (strcmp(o->name, "list-output-fields") == 0)
		output_fields_describe(stdout);
	else
		cli_list_options(stdout, p->program);
	p->done = 1;
	return 0;
}

static const struct cli_option base_options[] = {
	/* targets */
	{ .name = "target-ports",
	  .letter = 'p',
	  .arg = "LIST",
	  .group = CLI_TARGETS,
	  .help = "ports to scan: 80,443,8000-8100",
	  .kind = CLI_LATER,
	  .programs = CLI_SALVO | CLI_ITERATE },
	{ .name = "port", .alias_of = "target-ports" },
	{ .name = "allowlist-file",
	  .letter = 'w',
	  .arg = "FILE",
	  .group = CLI_TARGETS,
	  .help = "only those in FILE, one address, block or range a line (# comments)",
	  .kind = CLI_CUSTOM,
	  .parse = opt_target_file,
	  .complete = CLI_COMPLETE_FILE,
	  .programs = CLI_SALVO | CLI_ITERATE | CLI_BLOCKLIST },
	{ .name = "whitelist-file", .alias_of = "allowlist-file" },
	{ .name = "list-of-ips-file",
	  .letter = 'I',
	  .arg = "FILE",
	  .group = CLI_TARGETS,
	  .help = "targets from FILE, one address a line, IPv4 or IPv6 (# comments), as ZMap's; "
		  "any size",
	  .kind = CLI_CUSTOM,
	  .parse = opt_target_file,
	  .complete = CLI_COMPLETE_FILE,
	  .programs = CLI_SALVO | CLI_ITERATE },
	{ .name = "ipv6-target-file",
	  .arg = "FILE",
	  .group = CLI_TARGETS,
	  .help = "IPv6 targets from FILE, one address, prefix or range a line (# comments), as "
		  "the TUM fork's; a hitlist of tens of millions is fine",
	  .kind = CLI_CUSTOM,
	  .parse = opt_target_file,
	  .complete = CLI_COMPLETE_FILE,
	  .programs = CLI_SALVO | CLI_ITERATE },
	{ .name = "max-v6-prefix-size",
	  .arg = "N",
	  .group = CLI_TARGETS,
	  .help = "the most addresses one IPv6 target (prefix or range) may cover: the IPv6 space "
		  "is scanned from lists, not swept",
	  .def = "4294967296",
	  .kind = CLI_U64,
	  .field = F(max_v6_prefix_size),
	  .min = 1,
	  .max = UINT64_C(1) << 62,
	  .programs = CLI_SALVO | CLI_ITERATE },
	{ .name = "ignore-blocklist-errors",
	  .group = CLI_TARGETS,
	  .help = "skip bad lines of -b, -w and -I files with a warning, as ZMap does",
	  .kind = CLI_FLAG,
	  .field = F(ignore_blocklist_errors),
	  .programs = CLI_SALVO | CLI_ITERATE | CLI_BLOCKLIST },
	{ .name = "blocklist-file",
	  .letter = 'b',
	  .arg = "FILE",
	  .group = CLI_TARGETS,
	  .help = "addresses to leave out, in the same format; replaces the built-in blocklist "
		  "of reserved ranges (/dev/null: none)",
	  .kind = CLI_LATER,
	  .complete = CLI_COMPLETE_FILE,
	  .programs = CLI_SALVO | CLI_ITERATE | CLI_BLOCKLIST },
	{ .name = "blacklist-file", .alias_of = "blocklist-file" },
	{ .name = "target-range",
	  .arg = "TARGET",
	  .group = CLI_TARGETS,
	  .help = "the same as a positional TARGET",
	  .kind = CLI_CUSTOM,
	  .parse = opt_target_range },

	/* network */
	{ .name = "interface",
	  .letter = 'i',
	  .arg = "NAME",
	  .group = CLI_NETWORK,
	  .help = "interface to send on (default: the route to the first target)",
	  .kind = CLI_STRING,
	  .field = F(ifname),
	  .min = 1,
	  .max = 15,
	  .expected = "an interface name of 1 to 15 characters",
	  .complete = CLI_COMPLETE_IFACE },
	{ .name = "source-ip",
	  .letter = 'S',
	  .arg = "ADDR",
	  .group = CLI_NETWORK,
	  .help = "source address, or a range or list of them (a-b, a,b,c: each target is "
		  "probed from one, chosen by its address) (default: -i's address, or the "
		  "route's source)",
	  .kind = CLI_CUSTOM,
	  .parse = opt_source_ip },
	{ .name = "ipv6-source-ip",
	  .arg = "ADDR",
	  .group = CLI_NETWORK,
	  .help = "source address of the IPv6 probes",
	  .kind = CLI_CUSTOM,
	  .parse = opt_ipv6_source_ip },
	{ .name = "gateway-mac",
	  .letter = 'G',
	  .arg = "MAC",
	  .group = CLI_NETWORK,
	  .help = "the next hop's MAC (default: the neighbour table, else asked with ARP or "
		  "Neighbor Discovery; never broadcast)",
	  .kind = CLI_MAC,
	  .field = F(gateway_mac),
	  .flag = F(gateway_mac_set),
	  .expected = "a MAC address such as 02:00:00:00:00:01" },
	{ .name = "iplayer",
	  .letter = 'X',
	  .group = CLI_NETWORK,
	  .help = "send IP packets with no Ethernet header, for a VPN or tun interface "
		  "(af_packet)",
	  .kind = CLI_FLAG,
	  .field = F(iplayer) },
	{ .name = "source-mac",
	  .arg = "MAC",
	  .group = CLI_NETWORK,
	  .help = "our MAC (default: the interface's)",
	  .kind = CLI_MAC,
	  .field = F(source_mac),
	  .flag = F(source_mac_set),
	  .expected = "a MAC address such as 02:00:00:00:00:01" },
	{ .name = "source-port",
	  .letter = 's',
	  .arg = "P|P-Q",
	  .group = CLI_NETWORK,
	  .help = "source ports to use",
	  .def = "32768-61000",
	  .kind = CLI_CUSTOM,
	  .parse = opt_source_ports },
	{ .name = "validate-source-port",
	  .arg = "enable|disable",
	  .group = CLI_NETWORK,
	  .help = "disable: a reply to any of our source ports counts, not only to the probe's "
		  "own (for middleboxes that rewrite ports; ZMap's)",
	  .def = "enable",
	  .kind = CLI_CHOICE,
	  .field = F(sport_any),
	  .words = sport_validation },
	{ .name = "io-engine",
	  .arg = "NAME",
	  .group = CLI_NETWORK,
	  .help = "how packets are sent and received: %s",
	  .list = io_engine_list,
	  .def = "af_packet",
	  .kind = CLI_LATER,
	  .complete = CLI_COMPLETE_WORDS,
	  .complete_list = io_engine_list },
	{ .name = "list-io-engines",
	  .group = CLI_NETWORK,
	  .help = "the io engines, whether each is built in (and against what) or why not",
	  .kind = CLI_CUSTOM,
	  .parse = opt_print },
	{ .name = "xdp-mode",
	  .arg = "MODE",
	  .group = CLI_NETWORK,
	  .help = "af_xdp: auto (zero-copy, then copy, then skb), zc, copy or skb",
	  .kind = CLI_CHOICE,
	  .field = F(xdp_mode),
	  .words = xdp_modes },
	{ .name = "dryrun",
	  .letter = 'd',
	  .group = CLI_NETWORK,
	  .help = "build every probe but send nothing (no privilege needed)",
	  .kind = CLI_FLAG,
	  .field = F(dryrun) },
	{ .name = "fast-dryrun",
	  .group = CLI_NETWORK,
	  .help = "a dry run that writes only each probe's destination on stdout, as ZMap's: "
		  "4 bytes of IPv4 address and 2 of port in network order (16 and 2 for IPv6)",
	  .kind = CLI_FLAG,
	  .field = F(fast_dryrun) },
	{ .name = "pcap",
	  .arg = "FILE",
	  .group = CLI_NETWORK,
	  .help = "with --dryrun: write the probes to FILE as pcap (also -o FILE.pcap)",
	  .kind = CLI_STRING,
	  .field = F(pcap_file),
	  .min = 1,
	  .expected = "a file name",
	  .complete = CLI_COMPLETE_FILE },

	/* scan */
	{ .name = "probe-module",
	  .letter = 'M',
	  .arg = "NAME",
	  .group = CLI_SCAN,
	  .help = "what to send: %s (tcp, icmp: short names)",
	  .list = probe_list,
	  .def = "tcp_synscan",
	  .kind = CLI_LATER,
	  .complete = CLI_COMPLETE_WORDS,
	  .complete_list = probe_names_all },
	{ .name = "probe-args",
	  .arg = "ARGS",
	  .group = CLI_SCAN,
	  .help = "arguments for the probe module (-M): --list-probe-modules says what each takes",
	  .man = "PROBE MODULES below lists them.",
	  .kind = CLI_STRING,
	  .field = F(probe_args) },
	{ .name = "rate",
	  .letter = 'r',
	  .arg = "PPS",
	  .group = CLI_SCAN,
	  .help = "packets per second over all threads (0: no limit; K, M, G suffixes)",
	  .def = "10000",
	  .kind = CLI_RATE,
	  .field = F(rate),
	  .expected = "packets per second: a whole number, optionally with K, M or G (0 = no "
		      "limit)" },
	{ .name = "bandwidth",
	  .letter = 'B',
	  .arg = "BPS",
	  .group = CLI_SCAN,
	  .help = "the rate from bits per second on the wire (K, M, G suffixes)",
	  .kind = CLI_RATE,
	  .field = F(bandwidth_bps),
	  .min = 1,
	  .expected = "bits per second on the wire, with K, M or G (e.g. 100M)" },
	{ .name = "cooldown-time",
	  .letter = 'c',
	  .arg = "SECS",
	  .group = CLI_SCAN,
	  .help = "how long to keep receiving after the last probe",
	  .def = "8",
	  .kind = CLI_UINT,
	  .field = F(cooldown_s),
	  .max = 86400 },
	{ .name = "max-targets",
	  .letter = 'n',
	  .arg = "N|P%",
	  .group = CLI_SCAN,
	  .help = "probe at most N (address, port) pairs in all, shared over the shards, or P% of "
		  "the address space times the ports (as ZMap)",
	  .kind = CLI_CUSTOM,
	  .parse = opt_max_targets,
	  .programs = CLI_SALVO | CLI_ITERATE },
	{ .name = "max-results",
	  .letter = 'N',
	  .arg = "N",
	  .group = CLI_SCAN,
	  .help = "stop after N results",
	  .kind = CLI_U64,
	  .field = F(max_results),
	  .min = 1,
	  .max = UINT64_MAX },
	{ .name = "max-runtime",
	  .letter = 't',
	  .arg = "SECS",
	  .group = CLI_SCAN,
	  .help = "stop sending after SECS seconds",
	  .kind = CLI_UINT,
	  .field = F(max_runtime_s),
	  .min = 1,
	  .max = 31536000 },
	{ .name = "retries",
	  .arg = "N",
	  .group = CLI_SCAN,
	  .help = "send a probe the kernel refuses up to N more times before counting it failed "
		  "(af_packet's sendmmsg; a full ring is always waited on)",
	  .def = "10",
	  .kind = CLI_UINT,
	  .field = F(retries),
	  .max = 1000 },
	{ .name = "batch",
	  .arg = "N",
	  .group = CLI_SCAN,
	  .help = "at most N probes between looks at the rate (default: sized to the rate, up to "
		  "1024)",
	  .kind = CLI_UINT,
	  .field = F(batch),
	  .min = 1,
	  .max = SCAN_TX_BATCH },
	{ .name = "max-sendto-failures",
	  .arg = "N",
	  .group = CLI_SCAN,
	  .help = "abort after N failed sends",
	  .kind = CLI_U64,
	  .field = F(max_sendto_failures),
	  .min = 1,
	  .max = UINT64_MAX },
	{ .name = "min-hitrate",
	  .arg = "P",
	  .group = CLI_SCAN,
	  .help = "abort if fewer than P% of probes succeed (checked after 10000)",
	  .kind = CLI_PERCENT,
	  .field = F(min_hitrate),
	  .expected = "a percentage from 0 to 100" },
	{ .name = "probes",
	  .letter = 'P',
	  .arg = "N",
	  .group = CLI_SCAN,
	  .help = "probes per (address, port)",
	  .def = "1",
	  .kind = CLI_UINT,
	  .field = F(probes),
	  .min = 1,
	  .max = 255 },
	{ .name = "probe-ttl",
	  .arg = "N",
	  .group = CLI_SCAN,
	  .help = "the IP TTL of the probes, as ZMap's",
	  .def = "255",
	  .kind = CLI_UINT,
	  .field = F(probe_ttl),
	  .min = 1,
	  .max = 255 },
	{ .name = "icmp-prescan",
	  .group = CLI_SCAN,
	  .help = "ping every address first and probe the ports of those that answer, pipelined",
	  .kind = CLI_FLAG,
	  .field = F(icmp_prescan) },
	{ .name = "icmp", .alias_of = "icmp-prescan" },
	{ .name = "seed",
	  .letter = 'e',
	  .arg = "N",
	  .group = CLI_SCAN,
	  .help = "permutation seed: the same seed gives the same order",
	  .kind = CLI_U64,
	  .field = F(seed),
	  .flag = F(seed_set),
	  .max = UINT64_MAX,
	  .programs = CLI_SALVO | CLI_ITERATE },
	{ .name = "shards",
	  .arg = "N",
	  .group = CLI_SCAN,
	  .help = "split the scan into N parts of the same seed's order",
	  .def = "1",
	  .kind = CLI_U64,
	  .field = F(shards),
	  .min = 1,
	  .max = 65535,
	  .programs = CLI_SALVO | CLI_ITERATE },
	{ .name = "shard",
	  .arg = "I",
	  .group = CLI_SCAN,
	  .help = "scan only part I (from 0) of --shards: the parts together are the whole scan",
	  .kind = CLI_U64,
	  .field = F(shard),
	  .max = 65534,
	  .programs = CLI_SALVO | CLI_ITERATE },
	{ .name = "sender-threads",
	  .letter = 'T',
	  .arg = "N",
	  .group = CLI_SCAN,
	  .help = "sender threads, one interface queue each",
	  .def = "1",
	  .kind = CLI_UINT,
	  .field = F(sender_threads),
	  .min = 1,
	  .max = 64 },
	{ .name = "cores",
	  .arg = "LIST",
	  .group = CLI_SCAN,
	  .help = "pin the sender threads, then the receive threads, to these CPUs in turn (e.g. "
		  "2,3 or 0-3), as ZMap's",
	  .kind = CLI_CUSTOM,
	  .parse = opt_cores },
	{ .name = "receivers",
	  .arg = "N",
	  .group = CLI_SCAN,
	  .help = "receive threads, in one fanout group",
	  .def = "1",
	  .kind = CLI_UINT,
	  .field = F(receivers),
	  .min = 1,
	  .max = 64 },
	{ .name = "checkpoint-file",
	  .arg = "FILE",
	  .group = CLI_SCAN,
	  .help = "where the scan is, written every second and at exit (mode 0600)",
	  .man = "It holds the scan's validation key, so that a resumed scan still recognises "
		 "replies to the probes of the run before; FILE.seen beside it records which "
		 "replies were reported, so a resumed scan reports none twice.",
	  .kind = CLI_STRING,
	  .field = F(checkpoint_file),
	  .min = 1,
	  .expected = "a file name",
	  .complete = CLI_COMPLETE_FILE },
	{ .name = "resume",
	  .group = CLI_SCAN,
	  .help = "continue the scan in --checkpoint-file (same targets, ports, probe and threads; "
		  "its seed; output appended)",
	  .kind = CLI_FLAG,
	  .field = F(resume) },

	/* output */
	{ .name = "output-file",
	  .letter = 'o',
	  .arg = "FILE",
	  .group = CLI_OUTPUT,
	  .help = "results to FILE, - for standard output",
	  .def = "-",
	  .kind = CLI_STRING,
	  .field = F(output_file),
	  .min = 1,
	  .expected = "a file name, or - for stdout",
	  .complete = CLI_COMPLETE_FILE },
	{ .name = "output-module",
	  .letter = 'O',
	  .arg = "NAME",
	  .group = CLI_OUTPUT,
	  .help = "how results are written: %s (default csv; list as scanner)",
	  .list = output_list,
	  .kind = CLI_LATER,
	  .complete = CLI_COMPLETE_WORDS,
	  .complete_list = output_list },
	{ .name = "output-args",
	  .arg = "ARGS",
	  .group = CLI_OUTPUT,
	  .help = "arguments for the output module, as ZMap's (salvo's csv, json and list take "
		  "none)",
	  .kind = CLI_LATER },
	{ .name = "output-fields",
	  .letter = 'f',
	  .arg = "LIST",
	  .group = CLI_OUTPUT,
	  .help = "of: %s (default saddr for one port, saddr,sport for several)",
	  .list = output_field_names,
	  .kind = CLI_LATER,
	  .complete = CLI_COMPLETE_WORDS,
	  .complete_list = output_field_names },
	{ .name = "output-filter",
	  .arg = "EXPR",
	  .group = CLI_OUTPUT,
	  .help = "which replies to write, e.g. 'classification = \"rst\"' or "
		  "'sport = 443 || ttl < 64'",
	  .def = "success = 1 && repeat = 0",
	  .kind = CLI_LATER },
	{ .name = "dedup-method",
	  .arg = "METHOD",
	  .group = CLI_OUTPUT,
	  .help = "default, full or window: each reply written once (salvo's dedup is exact); "
		  "none: repeats written too",
	  .kind = CLI_CHOICE,
	  .field = F(dedup_method),
	  .words = dedup_methods },
	{ .name = "dedup-window-size",
	  .arg = "N",
	  .group = CLI_OUTPUT,
	  .help = "accepted for ZMap's command lines: salvo's dedup is exact, it needs no window",
	  .def = "1000000",
	  .kind = CLI_U64,
	  .field = F(dedup_window_size),
	  .min = 1,
	  .max = UINT32_MAX },
	{ .name = "output-buffer",
	  .arg = "SIZE",
	  .group = CLI_OUTPUT,
	  .help = "results queued for a slow output before the senders pause (K, M, G)",
	  .man = "Results wait here, in memory taken as needed, while the output's reader or disk "
		 "is slower than the scan; at three quarters full the senders pause, at half they "
		 "go on, so a slow or paused reader slows the scan down instead of losing replies.",
	  .def = "256M",
	  .kind = CLI_SIZE,
	  .field = F(output_buffer),
	  .min = 1 << 20,
	  .max = 1ULL << 40,
	  .expected = "a size in bytes from 1M to 1024G, with K, M or G (e.g. 256M)" },
	{ .name = "metadata-file",
	  .letter = 'm',
	  .arg = "FILE",
	  .group = CLI_OUTPUT,
	  .help = "a JSON summary of the scan at the end",
	  .kind = CLI_STRING,
	  .field = F(metadata_file),
	  .min = 1,
	  .expected = "a file name",
	  .complete = CLI_COMPLETE_FILE },
	{ .name = "notes",
	  .arg = "TEXT",
	  .group = CLI_OUTPUT,
	  .help = "text to carry in the metadata (-m) as \"notes\", as ZMap's",
	  .kind = CLI_STRING,
	  .field = F(notes) },
	{ .name = "user-metadata",
	  .arg = "JSON",
	  .group = CLI_OUTPUT,
	  .help = "JSON to carry in the metadata (-m) as \"user_metadata\", as ZMap's",
	  .kind = CLI_CUSTOM,
	  .parse = opt_user_metadata },
	{ .name = "no-header-row",
	  .group = CLI_OUTPUT,
	  .help = "csv: no header line naming the fields, as ZMap's",
	  .kind = CLI_FLAG,
	  .field = F(no_header_row) },
	{ .name = "disable-syslog",
	  .group = CLI_OUTPUT,
	  .help = "accepted for ZMap's command lines: salvo never writes to syslog",
	  .kind = CLI_FLAG,
	  .field = F(disable_syslog),
	  .programs = CLI_SALVO | CLI_ITERATE | CLI_BLOCKLIST },
	{ .name = "verbosity",
	  .letter = 'v',
	  .arg = "N",
	  .group = CLI_OUTPUT,
	  .help = "which messages, as ZMap's levels: 0 fatal, 1 errors, 2 warnings, 3 news "
		  "(the start and end lines), 4-5 more",
	  .def = "3",
	  .kind = CLI_UINT,
	  .field = F(verbosity),
	  .min = 0,
	  .max = 5,
	  .programs = CLI_SALVO | CLI_ITERATE | CLI_BLOCKLIST },
	{ .name = "log-file",
	  .letter = 'l',
	  .arg = "FILE",
	  .group = CLI_OUTPUT,
	  .help = "messages to FILE (appended) instead of stderr; errors that end the run also "
		  "on stderr",
	  .kind = CLI_STRING,
	  .field = F(log_file),
	  .min = 1,
	  .expected = "a file name",
	  .complete = CLI_COMPLETE_FILE,
	  .programs = CLI_SALVO | CLI_ITERATE | CLI_BLOCKLIST | CLI_TEE },
	{ .name = "log-directory",
	  .letter = 'L',
	  .arg = "DIR",
	  .group = CLI_OUTPUT,
	  .help = "messages to a new file DIR/salvo-YYYYMMDDTHHMMSSZ.log",
	  .kind = CLI_STRING,
	  .field = F(log_directory),
	  .min = 1,
	  .expected = "a directory",
	  .complete = CLI_COMPLETE_FILE },
	{ .name = "status-updates-file",
	  .letter = 'u',
	  .arg = "FILE",
	  .group = CLI_OUTPUT,
	  .help = "a CSV line of counters every second",
	  .kind = CLI_STRING,
	  .field = F(status_updates_file),
	  .min = 1,
	  .expected = "a file name",
	  .complete = CLI_COMPLETE_FILE,
	  .programs = CLI_SALVO | CLI_TEE },
	/* The tools' own (src/tools). */
	{ .name = "no-duplicate-checking",
	  .group = CLI_OUTPUT,
	  .help = "print an address each time it comes (default: once, the first time)",
	  .kind = CLI_TOOL_FLAG,
	  .field = offsetof(struct cli_tool_config, no_duplicate_checking),
	  .programs = CLI_BLOCKLIST },
	{ .name = "ignore-input-errors",
	  .group = CLI_OUTPUT,
	  .help = "leave out input lines that hold no address (default: copied as they are, as "
		  "ZMap's)",
	  .kind = CLI_TOOL_FLAG,
	  .field = offsetof(struct cli_tool_config, ignore_input_errors),
	  .programs = CLI_BLOCKLIST },
	{ .name = "raw",
	  .letter = 'r',
	  .group = CLI_OUTPUT,
	  .help = "write each line whole to stdout, not its address column",
	  .kind = CLI_TOOL_FLAG,
	  .field = offsetof(struct cli_tool_config, raw),
	  .programs = CLI_TEE },
	{ .name = "success-only",
	  .group = CLI_OUTPUT,
	  .help = "write to stdout only the rows whose success column is 1 or true",
	  .kind = CLI_TOOL_FLAG,
	  .field = offsetof(struct cli_tool_config, success_only),
	  .programs = CLI_TEE },
	{ .name = "monitor",
	  .letter = 'm',
	  .group = CLI_OUTPUT,
	  .help = "a line on stderr every second: rows read, their rate, and the rows held for a "
		  "slow reader of stdout",
	  .kind = CLI_TOOL_FLAG,
	  .field = offsetof(struct cli_tool_config, monitor),
	  .programs = CLI_TEE },
	{ .name = "list-output-modules",
	  .group = CLI_OUTPUT,
	  .help = "the output modules, and what each writes",
	  .kind = CLI_CUSTOM,
	  .parse = opt_print },
	{ .name = "list-output-fields",
	  .group = CLI_OUTPUT,
	  .help = "the output fields, their types and meanings",
	  .kind = CLI_CUSTOM,
	  .parse = opt_print },
	{ .name = "list-probe-modules",
	  .group = CLI_OUTPUT,
	  .help = "the probe modules, and what each sends",
	  .kind = CLI_CUSTOM,
	  .parse = opt_print },
	{ .name = "quiet",
	  .letter = 'q',
	  .group = CLI_OUTPUT,
	  .help = "no status line on stderr",
	  .kind = CLI_FLAG,
	  .field = F(quiet) },
	{ .name = "status-format",
	  .arg = "F",
	  .group = CLI_OUTPUT,
	  .help = "the status line: zmap, legacy (the orchestrator's progress line) or json",
	  .kind = CLI_CHOICE,
	  .field = F(status_format),
	  .words = status_formats },

	/* running */
	{ .name = "control",
	  .arg = "PATH",
	  .group = CLI_RUNNING,
	  .help = "a Unix socket taking 'rate N', 'pause', 'resume' and 'status', a line each",
	  .kind = CLI_STRING,
	  .field = F(control_path),
	  .min = 1,
	  .expected = "a socket path",
	  .complete = CLI_COMPLETE_FILE },
	{ .name = "rate-mode",
	  .arg = "MODE",
	  .group = CLI_RUNNING,
	  .help = "fixed, or aimd: halve the rate on congestion (tx ring full, drops, send "
		  "errors, answers collapsing), else add --rate-max/20 a second",
	  .kind = CLI_CHOICE,
	  .field = F(rate_aimd),
	  .words = rate_modes },
	{ .name = "rate-min",
	  .arg = "PPS",
	  .group = CLI_RUNNING,
	  .help = "aimd: the lowest rate (default: --rate-max / 100)",
	  .kind = CLI_RATE,
	  .field = F(rate_min),
	  .min = 1,
	  .expected = "packets per second, 1 or more (K, M, G suffixes)" },
	{ .name = "rate-max",
	  .arg = "PPS",
	  .group = CLI_RUNNING,
	  .help = "aimd: the highest rate (default: --rate x 4)",
	  .kind = CLI_RATE,
	  .field = F(rate_max),
	  .min = 1,
	  .expected = "packets per second, 1 or more (K, M, G suffixes)" },
	{ .name = "dialect",
	  .arg = "NAME",
	  .group = CLI_RUNNING,
	  .help = "zmap, or anyscan: the seed scanner's ways (list output, legacy progress line, "
		  "--interrupt=now; the default when run as 'scanner')",
	  .kind = CLI_CHOICE,
	  .field = F(dialect_anyscan),
	  .words = dialects },
	{ .name = "interrupt",
	  .arg = "MODE",
	  .group = CLI_RUNNING,
	  .help = "what SIGINT/SIGTERM do: cooldown (stop sending, receive for the cooldown; a "
		  "second signal cuts it) or now (stop sending, write the checkpoint, exit at "
		  "once; a --resume runs the cooldown still owed)",
	  .kind = CLI_CHOICE,
	  .field = F(interrupt_now),
	  .words = interrupts },
	{ .name = "config",
	  .letter = 'C',
	  .arg = "FILE",
	  .group = CLI_RUNNING,
	  .help = "options from FILE, ZMap-style 'key value' lines (key: a long option); the "
		  "command line overrides the file",
	  .man = "For example 'rate 50000', 'target-ports 80,443', 'dryrun' for a flag; # starts "
		 "a comment line.  Targets given on the command line replace the file's.  An error "
		 "names the file and the line.",
	  .kind = CLI_CUSTOM,
	  .parse = opt_config,
	  .complete = CLI_COMPLETE_FILE },
	{ .name = "user",
	  .arg = "NAME",
	  .group = CLI_RUNNING,
	  .help = "become NAME once the sockets are open (needs root)",
	  .man = "Output files are opened before, checkpoints written after the switch.",
	  .kind = CLI_CUSTOM,
	  .parse = opt_user,
	  .complete = CLI_COMPLETE_USER },
	{ .name = "list-options",
	  .group = CLI_RUNNING,
	  .help = "every option, a line each, tab-separated (for tools)",
	  .kind = CLI_CUSTOM,
	  .parse = opt_print,
	  .programs = CLI_SALVO | CLI_ITERATE | CLI_BLOCKLIST | CLI_TEE },
	{ .name = "help",
	  .letter = 'h',
	  .group = CLI_RUNNING,
	  .help = "this text",
	  .kind = CLI_CUSTOM,
	  .parse = opt_print,
	  .programs = CLI_SALVO | CLI_ITERATE | CLI_BLOCKLIST | CLI_TEE },
	{ .name = "version",
	  .letter = 'V',
	  .group = CLI_RUNNING,
	  .help = "the version (salvo's: and the io engines built in)",
	  .kind = CLI_CUSTOM,
	  .parse = opt_print,
	  .programs = CLI_SALVO | CLI_ITERATE | CLI_BLOCKLIST | CLI_TEE },
};

static struct cli_option all_options[CLI_OPTIONS_MAX];
const struct cli_option *cli_options = all_options;
size_t cli_option_count;

/* An engine's options go with the network options, in its own words ("dpdk: ..."). */
void cli_options_init(void)
{
	const struct io_engine_ops *e;
	size_t n = sizeof(base_options) / sizeof(base_options[0]);

	if (cli_option_count)
		return;
	memcpy(all_options, base_options, sizeof(base_options));
	for (size_t i = 0; (e = io_engine_at(i)); i++)
		for (size_t k = 0; e->options && e->options[k].name && n < CLI_OPTIONS_MAX; k++)
			all_options[n++] = (struct cli_option){ .name = e->options[k].name,
								.arg = e->options[k].arg,
								.group = CLI_NETWORK,
								.help = e->options[k].help,
								.kind = CLI_ENGINE,
								.field = k,
								.engine = e };
	cli_option_count = n;
}

/* ZMap 4.3's options that salvo does not take (doc/zmap-compat.md), so that a ZMap command
 * line fails naming the reason rather than with "unknown option". */
static const struct {
	const char *name;
	char letter;
	const char *why;
} zmap_refused[] = {
	{ "netmap-wait-ping", 0, "a netmap option, and salvo has no netmap engine" },
};

const char *cli_zmap_refused(const char *name, int letter)
{
	for (size_t i = 0; i < sizeof(zmap_refused) / sizeof(zmap_refused[0]); i++)
		if ((name && strcmp(name, zmap_refused[i].name) == 0) ||
		    (letter && letter == zmap_refused[i].letter))
			return zmap_refused[i].why ? zmap_refused[i].why
						   : "a ZMap option salvo does not take yet "
						     "(see doc/zmap-compat.md)";
	return NULL;
}

const struct cli_option *cli_option_find(const char *name)
{
	cli_options_init();
	for (size_t i = 0; i < cli_option_count; i++)
		if (strcmp(cli_options[i].name, name) == 0)
			return cli_option_canonical(&cli_options[i]);
	return NULL;
}

const struct cli_option *cli_option_canonical(const struct cli_option *o)
{
	return o->alias_of ? cli_option_find(o->alias_of) : o;
}

int cli_option_in(const struct cli_option *o, unsigned bit)
{
	const struct cli_option *c = cli_option_canonical(o);

	return ((c->programs ? c->programs : CLI_SALVO) & bit) != 0;
}

static const char *const group_titles[CLI_GROUPS] = { "target", "network", "scan", "output",
						      "running" };

/* "-p, --target-ports=LIST" */
static void option_spelling(const struct cli_option *o, char *buf, size_t len)
{
	if (o->letter)
		snprintf(buf, len, "-%c, --%s%s%s", o->letter, o->name, o->arg ? "=" : "",
			 o->arg ? o->arg : "");
	else
		snprintf(buf, len, "    --%s%s%s", o->name, o->arg ? "=" : "",
			 o->arg ? o->arg : "");
}

/* "--port": the aliases of o, or "" if none. */
static void option_aliases(const struct cli_option *o, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < cli_option_count; i++)
		if (cli_options[i].alias_of && strcmp(cli_options[i].alias_of, o->name) == 0)
			join_append(buf, len, cli_options[i].name);
}

/* The help text with its list in, the default and the aliases after it. */
static void option_help(const struct cli_option *o, char *buf, size_t len)
{
	char aliases[64];
	/* Only a help with a list is a format: the others may say "P%". */
	size_t n = o->list ? (size_t)snprintf(buf, len, o->help, o->list())
			   : (size_t)snprintf(buf, len, "%s", o->help);

	option_aliases(o, aliases, sizeof(aliases));
	if (o->def && n < len)
		n += (size_t)snprintf(buf + n, len - n, " (default %s)", o->def);
	if (aliases[0] && n < len)
		snprintf(buf + n, len - n, " (alias --%s)", aliases);
}

/* Words of text at most width wide a line, lines after the first indented by indent. */
static void print_wrapped(FILE *f, const char *text, int indent, int width)
{
	int col = 0;

	while (*text) {
		size_t word = strcspn(text, " ");

		if (col && col + 1 + (int)word > width) {
			fprintf(f, "\n%*s", indent, "");
			col = 0;
		} else if (col) {
			fputc(' ', f);
			col++;
		}
		fwrite(text, 1, word, f);
		col += (int)word;
		text += word;
		text += strspn(text, " ");
	}
	fputc('\n', f);
}

void cli_usage(FILE *f, const struct cli_program *prog)
{
	char spelling[64], help[1024];

	cli_options_init();
	fprintf(f, "%s %s: %s\n\n%s", prog->name, SALVO_VERSION, prog->summary, prog->usage);
	for (int g = 0; g < CLI_GROUPS; g++) {
		int title = 0;

		for (size_t i = 0; i < cli_option_count; i++) {
			const struct cli_option *o = &cli_options[i];

			if (o->alias_of || o->group != (enum cli_group)g ||
			    !cli_option_in(o, prog->bit))
				continue;
			if (!title++)
				fprintf(f, "\n%s options:\n", group_titles[g]);
			option_spelling(o, spelling, sizeof(spelling));
			option_help(o, help, sizeof(help));
			fprintf(f, "  %-27s ", spelling);
			if (strlen(spelling) > 27)
				fprintf(f, "\n%30s", "");
			print_wrapped(f, help, 30, 68);
		}
	}
	if (prog->epilog)
		fprintf(f, "\n%s", prog->epilog);
}

/* What the completion offers for a value: "files", "interfaces", "users", "words: a b c". */
static void option_completion(const struct cli_option *o, char *buf, size_t len)
{
	static const char *const fixed[] = { [CLI_COMPLETE_FILE] = "files",
					     [CLI_COMPLETE_IFACE] = "interfaces",
					     [CLI_COMPLETE_USER] = "users" };
	const char *const *words = o->complete_words ? o->complete_words : o->words;
	const char *list = o->complete_list ? o->complete_list() : "";
	size_t n;

	if (o->complete != CLI_COMPLETE_NONE && o->complete != CLI_COMPLETE_WORDS) {
		snprintf(buf, len, "%s", fixed[o->complete]);
		return;
	}
	if (!words && !*list) {
		snprintf(buf, len, "%s", o->arg ? "value" : "-");
		return;
	}
	n = (size_t)snprintf(buf, len, "words:");
	for (size_t i = 0; words && words[i] && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " %s", words[i]);
	/* A list of names reads "a, b, c". */
	while (*list && n < len) {
		size_t w = strcspn(list, ", ");

		n += (size_t)snprintf(buf + n, len - n, " %.*s", (int)w, list);
		list += w;
		list += strspn(list, ", ");
	}
}

/*
 * --list-options: a line an option (aliases included), fields separated by tabs:
 *   long name, short letter (- if none), value name (- if none), group, the option it is an
 *   alias of (-), completion (files, interfaces, users, words: ..., value, -), help, man text.
 * The build makes the man page's option sections and the bash completion from it.
 */
void cli_list_options(FILE *f, const struct cli_program *prog)
{
	char help[1024], complete[512];

	cli_options_init();
	for (size_t i = 0; i < cli_option_count; i++) {
		const struct cli_option *o = &cli_options[i];
		const struct cli_option *c = cli_option_canonical(o);

		if (!cli_option_in(o, prog->bit))
			continue;
		option_help(c, help, sizeof(help));
		option_completion(c, complete, sizeof(complete));
		fprintf(f, "%s\t%c\t%s\t%s\t%s\t%s\t%s\t%s\n", o->name, o->letter ? o->letter : '-',
			c->arg ? c->arg : "-", group_titles[c->group],
			o->alias_of ? o->alias_of : "-", complete, help, c->man ? c->man : "-");
	}
}
