/*
 * Option parsing for salvo, in ZMap's dialect: the short flags mean what
 * ZMap 4's mean, long-option aliases cover older ZMap and the orchestrator's
 * scanner.  Every error message names the option, the value and what was
 * expected.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "version.h"

enum {
	OPT_SOURCE_MAC = 256,
	OPT_USER,
	OPT_SHARDS,
	OPT_SHARD,
	OPT_IO_ENGINE,
	OPT_RECEIVERS,
	OPT_TARGET_RANGE,
	OPT_XDP_MODE,
	OPT_LIST_PROBES,
	OPT_LIST_OUTPUTS,
	OPT_LIST_FIELDS,
	OPT_DRYRUN,
	OPT_PCAP,
	OPT_PROBE_ARGS,
	OPT_OUTPUT_FILTER,
	OPT_ICMP_PRESCAN,
	OPT_CHECKPOINT_FILE,
	OPT_RESUME,
	OPT_MAX_SENDTO_FAILURES,
	OPT_MIN_HITRATE,
	OPT_STATUS_FORMAT,
	OPT_CONTROL,
	OPT_RATE_MODE,
	OPT_RATE_MIN,
	OPT_RATE_MAX,
	OPT_DIALECT,
	OPT_INTERRUPT,
};

static const struct option long_options[] = {
	{ "target-ports", required_argument, NULL, 'p' },
	{ "port", required_argument, NULL, 'p' },
	{ "interface", required_argument, NULL, 'i' },
	{ "source-ip", required_argument, NULL, 'S' },
	{ "gateway-mac", required_argument, NULL, 'G' },
	{ "source-mac", required_argument, NULL, OPT_SOURCE_MAC },
	{ "source-port", required_argument, NULL, 's' },
	{ "rate", required_argument, NULL, 'r' },
	{ "cooldown-time", required_argument, NULL, 'c' },
	{ "probes", required_argument, NULL, 'P' },
	{ "seed", required_argument, NULL, 'e' },
	{ "shards", required_argument, NULL, OPT_SHARDS },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "sender-threads", required_argument, NULL, 'T' },
	{ "receivers", required_argument, NULL, OPT_RECEIVERS },
	{ "blocklist-file", required_argument, NULL, 'b' },
	{ "blacklist-file", required_argument, NULL, 'b' },
	{ "allowlist-file", required_argument, NULL, 'w' },
	{ "whitelist-file", required_argument, NULL, 'w' },
	{ "output-file", required_argument, NULL, 'o' },
	{ "output-module", required_argument, NULL, 'O' },
	{ "output-fields", required_argument, NULL, 'f' },
	{ "output-filter", required_argument, NULL, OPT_OUTPUT_FILTER },
	{ "probe-module", required_argument, NULL, 'M' },
	{ "io-engine", required_argument, NULL, OPT_IO_ENGINE },
	{ "target-range", required_argument, NULL, OPT_TARGET_RANGE },
	{ "xdp-mode", required_argument, NULL, OPT_XDP_MODE },
	{ "dryrun", no_argument, NULL, OPT_DRYRUN },
	{ "checkpoint-file", required_argument, NULL, OPT_CHECKPOINT_FILE },
	{ "resume", no_argument, NULL, OPT_RESUME },
	{ "bandwidth", required_argument, NULL, 'B' },
	{ "max-targets", required_argument, NULL, 'n' },
	{ "max-results", required_argument, NULL, 'N' },
	{ "max-runtime", required_argument, NULL, 't' },
	{ "max-sendto-failures", required_argument, NULL, OPT_MAX_SENDTO_FAILURES },
	{ "min-hitrate", required_argument, NULL, OPT_MIN_HITRATE },
	{ "status-format", required_argument, NULL, OPT_STATUS_FORMAT },
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "rate-mode", required_argument, NULL, OPT_RATE_MODE },
	{ "dialect", required_argument, NULL, OPT_DIALECT },
	{ "interrupt", required_argument, NULL, OPT_INTERRUPT },
	{ "rate-min", required_argument, NULL, OPT_RATE_MIN },
	{ "rate-max", required_argument, NULL, OPT_RATE_MAX },
	{ "icmp-prescan", no_argument, NULL, OPT_ICMP_PRESCAN },
	{ "icmp", no_argument, NULL, OPT_ICMP_PRESCAN },
	{ "probe-args", required_argument, NULL, OPT_PROBE_ARGS },
	{ "pcap", required_argument, NULL, OPT_PCAP },
	{ "list-probe-modules", no_argument, NULL, OPT_LIST_PROBES },
	{ "list-output-modules", no_argument, NULL, OPT_LIST_OUTPUTS },
	{ "list-output-fields", no_argument, NULL, OPT_LIST_FIELDS },
	{ "metadata-file", required_argument, NULL, 'm' },
	{ "status-updates-file", required_argument, NULL, 'u' },
	{ "config", required_argument, NULL, 'C' },
	{ "user", required_argument, NULL, OPT_USER },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char short_options[] = ":p:i:S:G:s:r:c:P:e:T:b:w:o:O:f:M:m:u:B:n:N:t:C:qhV";

static void cli_usage(void)
{
	printf("salvo %s: a fast stateless Internet-scale port scanner (ZMap-compatible options)\n"
	       "\n"
	       "usage: salvo [options] TARGET... \n"
	       "  TARGET is an IPv4 address, a CIDR block (198.18.1.0/24) or a range\n"
	       "  (198.18.1.10-198.18.1.20); at least one target (or -w) is required.\n"
	       "\n"
	       "targets:\n"
	       "  -p, --target-ports=LIST    ports to scan: 80,443,8000-8100 (alias --port)\n"
	       "  -w, --allowlist-file=FILE  targets from FILE, one per line (alias --whitelist-file)\n"
	       "  -b, --blocklist-file=FILE  addresses never to scan; replaces the built-in blocklist\n"
	       "                             of reserved ranges (alias --blacklist-file; /dev/null = none)\n"
	       "      --target-range=TARGET  same as a positional TARGET\n"
	       "\n"
	       "network:\n"
	       "  -i, --interface=NAME       interface to send on (default: the route to the first target)\n"
	       "  -S, --source-ip=ADDR       source address (default: the route's source)\n"
	       "  -G, --gateway-mac=MAC      next hop's MAC (default: the kernel's neighbour table)\n"
	       "      --source-mac=MAC       our MAC (default: the interface's)\n"
	       "  -s, --source-port=P|P-Q    source ports to use (default 32768-61000)\n"
	       "      --io-engine=NAME       %s (default af_packet)\n"
	       "      --dryrun               build every probe but send nothing (no privilege needed)\n"
	       "      --pcap=FILE            with --dryrun: write the probes to FILE as pcap\n"
	       "                             (also -o FILE.pcap)\n"
	       "      --xdp-mode=MODE        af_xdp: auto (zero-copy, then copy, then skb), zc, copy, skb\n"
	       "\n"
	       "scan:\n"
	       "  -M, --probe-module=NAME    %s (default tcp_synscan)\n"
	       "      --probe-args=ARGS      for the probe module; udp: text:STR, hex:HEX or file:PATH\n"
	       "  -r, --rate=PPS             packets per second over all threads (default 10000; 0 = no limit;\n"
	       "                             K, M, G suffixes)\n"
	       "  -B, --bandwidth=BPS        the rate from bits per second on the wire (K, M, G suffixes)\n"
	       "  -c, --cooldown-time=SECS   how long to keep receiving after the last probe (default 8)\n"
	       "  -n, --max-targets=N|P%%     probe at most N (address, port) pairs, or P%% of the scan\n"
	       "  -N, --max-results=N        stop after N results\n"
	       "  -t, --max-runtime=SECS     stop sending after SECS seconds\n"
	       "      --max-sendto-failures=N  abort after N failed sends\n"
	       "      --min-hitrate=P        abort if fewer than P%% of probes succeed (checked after 10000)\n"
	       "  -P, --probes=N             probes per (address, port) (default 1)\n"
	       "      --icmp-prescan         ping every address first and probe the ports of those\n"
	       "                             that answer, pipelined (alias --icmp)\n"
	       "  -e, --seed=N               permutation seed: the same seed gives the same order\n"
	       "      --shards=N --shard=I   scan only part I (0-based) of N of the same seed's order\n"
	       "  -T, --sender-threads=N     sender threads (default 1)\n"
	       "      --checkpoint-file=F    where the scan is, written every second and at exit\n"
	       "      --resume               continue the scan in --checkpoint-file (same targets,\n"
	       "                             ports and threads; its seed; output appended)\n"
	       "      --receivers=N          receive threads, in one fanout group (default 1)\n"
	       "\n"
	       "output:\n"
	       "  -o, --output-file=FILE     results to FILE (default -: stdout)\n"
	       "  -O, --output-module=NAME   %s (default csv)\n"
	       "  -f, --output-fields=LIST   of: %s\n"
	       "                             (default saddr for one port, saddr,sport for several)\n"
	       "      --output-filter=EXPR   which replies to write (default: success = 1 && repeat = 0);\n"
	       "                             e.g. 'classification = \"rst\"', 'sport = 443 || ttl < 64'\n"
	       "  -m, --metadata-file=FILE   a JSON summary of the scan at the end\n"
	       "  -u, --status-updates-file=FILE  a CSV line of counters every second\n"
	       "      --list-output-modules, --list-output-fields, --list-probe-modules\n"
	       "  -q, --quiet                no status line on stderr\n"
	       "      --status-format=F      zmap (default), legacy (the orchestrator's progress line)\n"
	       "                             or json (one object a second); SIGUSR1/SIGUSR2: rate +/-5%%\n"
	       "      --control=PATH         a Unix socket taking 'rate N', 'pause', 'resume', 'status'\n"
	       "      --dialect=anyscan      the seed scanner's ways: list output, legacy progress line,\n"
	       "                             --interrupt=now (the default when run as 'scanner')\n"
	       "      --interrupt=MODE       what SIGINT/SIGTERM do: cooldown (stop sending, receive for\n"
	       "                             the cooldown; a second signal cuts it; the default) or now\n"
	       "                             (stop sending, write the checkpoint, exit at once; a\n"
	       "                             --resume runs the cooldown still owed)\n"
	       "      --rate-mode=aimd       adapt the rate: halve on congestion (tx ring full, drops,\n"
	       "                             send errors, answers collapsing), else grow, within\n"
	       "      --rate-min=PPS --rate-max=PPS  (default: -r / 25 and -r x 4)\n"
	       "  -C, --config=FILE          options from FILE, ZMap-style 'key value' lines (key: a long\n"
	       "                             option); the command line overrides the file\n"
	       "      --user=NAME            become NAME once the sockets are open (needs root)\n"
	       "  -h, --help                 this text\n"
	       "  -V, --version              version and the io engines built in\n",
	       SALVO_VERSION, io_engine_list(), probe_list(), output_list(), output_field_names());
}

static void cli_version(void)
{
	printf("salvo %s\nio engines: %s\n", SALVO_VERSION, io_engine_list_built());
}

int cli_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0')
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int cli_parse_rate(const char *s, uint64_t *pps)
{
	char buf[32];
	size_t len = strlen(s);
	uint64_t mult = 1, v;
	int ret;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len + 1);
	switch (buf[len - 1]) {
	case 'k':
	case 'K':
		mult = 1000;
		break;
	case 'm':
	case 'M':
		mult = 1000000;
		break;
	case 'g':
	case 'G':
		mult = 1000000000;
		break;
	}
	if (mult != 1)
		buf[len - 1] = '\0';
	if ((ret = cli_parse_uint(buf, 0, UINT64_MAX / mult, &v)))
		return ret;
	*pps = v * mult;
	return 0;
}

int cli_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		unsigned v = 0;

		for (int j = 0; j < 2; j++, s++) {
			char c = *s;

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
			else
				return -EINVAL;
		}
		mac[i] = (uint8_t)v;
		if (i < 5 && *s++ != ':')
			return -EINVAL;
	}
	return *s == '\0' ? 0 : -EINVAL;
}

/* Report a bad number: "-r: abc: expected ..." and return -EINVAL. */
static int bad_value(char *err, size_t errlen, const char *opt, const char *value,
		     const char *expected)
{
	snprintf(err, errlen, "%s: '%s': expected %s", opt, value, expected);
	return -EINVAL;
}

/*
 * A value that must be one of names (NULL-terminated; index = the value's code): its index,
 * or -EINVAL with "OPT: 'VALUE': expected EXPECTED" in err.
 */
static int parse_choice(const char *opt, const char *value, const char *const *names,
			const char *expected, char *err, size_t errlen)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(value, names[i]) == 0)
			return i;
	return bad_value(err, errlen, opt, value, expected);
}

/* A path option: any non-empty value goes to *dst (opening it is for later). */
static int take_path(const char *opt, const char *value, const char **dst, const char *expected,
		     char *err, size_t errlen)
{
	if (value[0] == '\0')
		return bad_value(err, errlen, opt, value, expected);
	*dst = value;
	return 0;
}

static int parse_count(const char *opt, const char *s, uint64_t min, uint64_t max,
		       uint64_t *out, char *err, size_t errlen)
{
	char expected[96];

	if (cli_parse_uint(s, min, max, out) == 0)
		return 0;
	snprintf(expected, sizeof(expected), "a whole number from %llu to %llu",
		 (unsigned long long)min, (unsigned long long)max);
	return bad_value(err, errlen, opt, s, expected);
}

static int add_target(struct target_set *allow, const char *s, const char *opt, char *err,
		      size_t errlen)
{
	struct target_range r;
	const char *why;

	if (target_parse_range(s, &r, &why)) {
		snprintf(err, errlen, "%s'%s': %s", opt, s, why);
		return -EINVAL;
	}
	if (target_set_add(allow, r)) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int parse_source_ports(const char *s, struct salvo_config *cfg, char *err, size_t errlen)
{
	const char *dash = strchr(s, '-');
	uint64_t lo, hi;
	char buf[16];

	if (strlen(s) >= sizeof(buf))
		return bad_value(err, errlen, "--source-port", s, "a port or a range such as 40000-50000");
	memcpy(buf, s, strlen(s) + 1);
	if (dash)
		buf[dash - s] = '\0';
	if (cli_parse_uint(buf, 1, 65535, &lo) ||
	    cli_parse_uint(dash ? buf + (dash - s) + 1 : buf, 1, 65535, &hi) || hi < lo)
		return bad_value(err, errlen, "--source-port", s,
				 "a port from 1 to 65535 or a range such as 40000-50000");
	cfg->sport_first = (uint16_t)lo;
	cfg->sport_count = (uint32_t)(hi - lo + 1);
	return 0;
}

/* A percentage from 0 to 100 ("12.5" or "12.5%"); 0 or -EINVAL. */
static int parse_percent(const char *s, double *out)
{
	char *end;
	double v;

	if ((*s < '0' || *s > '9') && *s != '.')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (*end == '%')
		end++;
	if (errno || *end || v < 0 || v > 100)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Drop the targets given so far: the config file's, which the command line's replace. */
static void cli_forget_targets(struct salvo_config *cfg)
{
	target_set_free(&cfg->targets);
	target_set_init(&cfg->targets);
}

/* Where the arguments came from: argv[1..file_args] are lines of the --config file. */
struct cli_origin {
	const char *path;
	int file_args;
	const unsigned *line; /* line number of each file argument, by argv index */
	const char *config_arg; /* the command line's -C/--config value, NULL = none */
};

static int cli_parse_args(int argc, char **argv, struct salvo_config *cfg,
			  const struct cli_origin *origin, char *err, size_t errlen)
{
	struct target_set block;
	const char *ports_arg = NULL, *blocklist = NULL, *fields_arg = NULL;
	const char *filter_arg = "success = 1 && repeat = 0";
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int output_set = 0, status_set = 0, interrupt_set = 0;
	const char *engine = "af_packet", *probe = "tcp_synscan", *output = "csv";
	int shard_set = 0, ret = -EINVAL, opt, targets_given = 0, rate_set = 0;
	uint64_t v;
	int argi = 0, file_targets = 0;
	/* Where the values parsed after the loop came from, to name a config line in errors. */
	int ports_argi = 0, fields_argi = 0, filter_argi = 0, blocklist_argi = 0;

	target_set_init(&block);
	cfg->rate = 10000;
	cfg->cooldown_s = 8;
	cfg->probes = 1;
	cfg->shards = 1;
	cfg->sender_threads = 1;
	cfg->receivers = 1;
	cfg->output_file = "-";
	cfg->sport_first = 32768;
	cfg->sport_count = 61000 - 32768 + 1;
	/* The orchestrator runs salvo through a hard link named "scanner". */
	cfg->dialect_anyscan = strcmp(base, "scanner") == 0;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		/* The argument being handled, to name the config line in errors. */
		argi = optind - 1;
		/* Targets on the command line replace those of the config file. */
		if (opt == 'w' || opt == OPT_TARGET_RANGE) {
			if (argi <= origin->file_args)
				file_targets = 1;
			else if (file_targets) {
				cli_forget_targets(cfg);
				file_targets = targets_given = 0;
			}
		}
		switch (opt) {
		case 'C':
			if (argi <= origin->file_args) {
				snprintf(err, errlen, "config files do not nest: --config %s", optarg);
				goto out;
			}
			if (optarg != origin->config_arg) {
				snprintf(err, errlen, "--config: give one config file, as -C FILE or "
						      "--config FILE");
				goto out;
			}
			break;
		case OPT_USER: {
			struct passwd *pw = getpwnam(optarg);

			if (!pw) {
				ret = bad_value(err, errlen, "--user", optarg,
						"the name of an existing user");
				goto out;
			}
			cfg->user = optarg;
			cfg->user_uid = pw->pw_uid;
			cfg->user_gid = pw->pw_gid;
			break;
		}
		case 'p':
			ports_arg = optarg;
			ports_argi = argi;
			break;
		case 'i':
			if (optarg[0] == '\0' || strlen(optarg) >= 16) {
				ret = bad_value(err, errlen, "--interface", optarg,
						"an interface name of 1 to 15 characters");
				goto out;
			}
			cfg->ifname = optarg;
			break;
		case 'S':
			if (target_parse_ipv4(optarg, &cfg->source_ip)) {
				ret = bad_value(err, errlen, "--source-ip", optarg,
						"an IPv4 address such as 198.18.0.1");
				goto out;
			}
			cfg->source_ip_set = 1;
			break;
		case 'G':
			if (cli_parse_mac(optarg, cfg->gateway_mac)) {
				ret = bad_value(err, errlen, "--gateway-mac", optarg,
						"a MAC address such as 02:00:00:00:00:01");
				goto out;
			}
			cfg->gateway_mac_set = 1;
			break;
		case OPT_SOURCE_MAC:
			if (cli_parse_mac(optarg, cfg->source_mac)) {
				ret = bad_value(err, errlen, "--source-mac", optarg,
						"a MAC address such as 02:00:00:00:00:01");
				goto out;
			}
			cfg->source_mac_set = 1;
			break;
		case 's':
			if ((ret = parse_source_ports(optarg, cfg, err, errlen)))
				goto out;
			break;
		case 'r':
			rate_set = 1;
			if (cli_parse_rate(optarg, &cfg->rate)) {
				ret = bad_value(err, errlen, "--rate", optarg,
						"packets per second: a whole number, optionally with "
						"K, M or G (0 = no limit)");
				goto out;
			}
			break;
		case 'c':
			if ((ret = parse_count("--cooldown-time", optarg, 0, 86400, &v, err, errlen)))
				goto out;
			cfg->cooldown_s = (unsigned)v;
			break;
		case 'P':
			if ((ret = parse_count("--probes", optarg, 1, 255, &v, err, errlen)))
				goto out;
			cfg->probes = (unsigned)v;
			break;
		case 'e':
			if ((ret = parse_count("--seed", optarg, 0, UINT64_MAX, &cfg->seed, err,
					       errlen)))
				goto out;
			cfg->seed_set = 1;
			break;
		case OPT_SHARDS:
			if ((ret = parse_count("--shards", optarg, 1, 65535, &cfg->shards, err,
					       errlen)))
				goto out;
			break;
		case OPT_SHARD:
			if ((ret = parse_count("--shard", optarg, 0, 65534, &cfg->shard, err, errlen)))
				goto out;
			shard_set = 1;
			break;
		case 'T':
			if ((ret = parse_count("--sender-threads", optarg, 1, 64, &v, err, errlen)))
				goto out;
			cfg->sender_threads = (unsigned)v;
			break;
		case OPT_RECEIVERS:
			if ((ret = parse_count("--receivers", optarg, 1, 64, &v, err, errlen)))
				goto out;
			cfg->receivers = (unsigned)v;
			break;
		case 'b':
			blocklist = optarg;
			blocklist_argi = argi;
			break;
		case 'w': {
			char ferr[CLI_ERRLEN - 32];

			if ((ret = target_set_load_file(&cfg->targets, optarg, ferr, sizeof(ferr)))) {
				snprintf(err, errlen, "--allowlist-file: %s", ferr);
				ret = ret == -ENOMEM ? ret : -EINVAL;
				goto out;
			}
			targets_given = 1;
			break;
		}
		case 'o':
			if ((ret = take_path("--output-file", optarg, &cfg->output_file,
					     "a file name, or - for stdout", err, errlen)))
				goto out;
			break;
		case 'O':
			output = optarg;
			output_set = 1;
			break;
		case 'm':
		case 'u':
			if ((ret = take_path(opt == 'm' ? "--metadata-file" : "--status-updates-file",
					     optarg,
					     opt == 'm' ? &cfg->metadata_file : &cfg->status_updates_file,
					     "a file name", err, errlen)))
				goto out;
			break;
		case 'f':
			fields_arg = optarg;
			fields_argi = argi;
			break;
		case 'M':
			probe = optarg;
			break;
		case OPT_IO_ENGINE:
			engine = optarg;
			break;
		case OPT_XDP_MODE:
			/* In the order of enum io_xdp_mode. */
			if ((ret = parse_choice("--xdp-mode", optarg,
						(const char *const[]){ "auto", "zc", "copy", "skb", NULL },
						"auto, zc, copy or skb", err, errlen)) < 0)
				goto out;
			cfg->xdp_mode = (enum io_xdp_mode)ret;
			break;
		case OPT_TARGET_RANGE:
			if ((ret = add_target(&cfg->targets, optarg, "--target-range: ", err, errlen)))
				goto out;
			targets_given = 1;
			break;
		case 'q':
			cfg->quiet = 1;
			break;
		case 'h':
			cli_usage();
			ret = 1;
			goto out;
		case 'V':
			cli_version();
			ret = 1;
			goto out;
		case OPT_DRYRUN:
			cfg->dryrun = 1;
			break;
		case OPT_ICMP_PRESCAN:
			cfg->icmp_prescan = 1;
			break;
		case OPT_CHECKPOINT_FILE:
			if ((ret = take_path("--checkpoint-file", optarg, &cfg->checkpoint_file,
					     "a file name", err, errlen)))
				goto out;
			break;
		case OPT_RESUME:
			cfg->resume = 1;
			break;
		case 'B':
			if (cli_parse_rate(optarg, &cfg->bandwidth_bps) || cfg->bandwidth_bps == 0) {
				ret = bad_value(err, errlen, "--bandwidth", optarg,
						"bits per second on the wire, with K, M or G (e.g. 100M)");
				goto out;
			}
			break;
		case 'n':
			if (strchr(optarg, '%')) {
				if (parse_percent(optarg, &cfg->max_targets_percent) ||
				    cfg->max_targets_percent == 0) {
					ret = bad_value(err, errlen, "--max-targets", optarg,
							"a number of probes, or a percentage such as 10%");
					goto out;
				}
			} else if ((ret = parse_count("--max-targets", optarg, 1, UINT64_MAX,
						      &cfg->max_targets, err, errlen))) {
				goto out;
			}
			break;
		case 'N':
			if ((ret = parse_count("--max-results", optarg, 1, UINT64_MAX, &cfg->max_results,
					       err, errlen)))
				goto out;
			break;
		case 't':
			if ((ret = parse_count("--max-runtime", optarg, 1, 31536000, &v, err, errlen)))
				goto out;
			cfg->max_runtime_s = (unsigned)v;
			break;
		case OPT_MAX_SENDTO_FAILURES:
			if ((ret = parse_count("--max-sendto-failures", optarg, 1, UINT64_MAX,
					       &cfg->max_sendto_failures, err, errlen)))
				goto out;
			break;
		case OPT_MIN_HITRATE:
			if (parse_percent(optarg, &cfg->min_hitrate)) {
				ret = bad_value(err, errlen, "--min-hitrate", optarg,
						"a percentage from 0 to 100");
				goto out;
			}
			break;
		case OPT_RATE_MODE:
			if ((ret = parse_choice("--rate-mode", optarg,
						(const char *const[]){ "fixed", "aimd", NULL },
						"fixed or aimd", err, errlen)) < 0)
				goto out;
			cfg->rate_aimd = ret;
			break;
		case OPT_RATE_MIN:
		case OPT_RATE_MAX:
			if (cli_parse_rate(optarg, opt == OPT_RATE_MIN ? &cfg->rate_min : &cfg->rate_max) ||
			    (opt == OPT_RATE_MIN ? cfg->rate_min : cfg->rate_max) == 0) {
				ret = bad_value(err, errlen, opt == OPT_RATE_MIN ? "--rate-min" : "--rate-max",
						optarg, "packets per second, 1 or more (K, M, G suffixes)");
				goto out;
			}
			break;
		case OPT_CONTROL:
			if ((ret = take_path("--control", optarg, &cfg->control_path, "a socket path",
					     err, errlen)))
				goto out;
			break;
		case OPT_DIALECT:
			if ((ret = parse_choice("--dialect", optarg,
						(const char *const[]){ "zmap", "anyscan", NULL },
						"zmap or anyscan", err, errlen)) < 0)
				goto out;
			cfg->dialect_anyscan = ret;
			break;
		case OPT_INTERRUPT:
			interrupt_set = 1;
			if ((ret = parse_choice("--interrupt", optarg,
						(const char *const[]){ "cooldown", "now", NULL },
						"cooldown or now", err, errlen)) < 0)
				goto out;
			cfg->interrupt_now = ret;
			break;
		case OPT_STATUS_FORMAT:
			status_set = 1;
			/* In the order of STATUS_ZMAP, STATUS_LEGACY, STATUS_JSON. */
			if ((ret = parse_choice("--status-format", optarg,
						(const char *const[]){ "zmap", "legacy", "json", NULL },
						"zmap, legacy or json", err, errlen)) < 0)
				goto out;
			cfg->status_format = ret;
			break;
		case OPT_PROBE_ARGS:
			cfg->probe_args = optarg;
			break;
		case OPT_OUTPUT_FILTER:
			filter_arg = optarg;
			filter_argi = argi;
			break;
		case OPT_PCAP:
			if ((ret = take_path("--pcap", optarg, &cfg->pcap_file, "a file name", err,
					     errlen)))
				goto out;
			break;
		case OPT_LIST_PROBES:
			probe_modules_describe(stdout);
			ret = 1;
			goto out;
		case OPT_LIST_OUTPUTS:
			output_modules_describe(stdout);
			ret = 1;
			goto out;
		case OPT_LIST_FIELDS:
			output_fields_describe(stdout);
			ret = 1;
			goto out;
		case ':':
			snprintf(err, errlen, "%s: needs a value (see salvo --help)", argv[optind - 1]);
			goto out;
		default:
			/* A known long option given a value it does not take ("--dryrun=yes"). */
			if (optopt >= OPT_SOURCE_MAC || (optopt && strncmp(argv[optind - 1], "--", 2) == 0))
				snprintf(err, errlen, "%s: this option takes no value (see salvo --help)",
					 argv[optind - 1]);
			else if (optopt)
				snprintf(err, errlen, "-%c: unknown option (see salvo --help)", optopt);
			else
				snprintf(err, errlen, "%s: unknown option (see salvo --help)",
					 argv[optind - 1]);
			goto out;
		}
	}
	argi = 0;

	/* The seed scanner's dialect: list output, its progress line and a prompt stop (the
	 * orchestrator times its rate windows until the scanner has exited), unless asked
	 * otherwise. */
	if (cfg->dialect_anyscan) {
		if (!output_set)
			output = "list";
		if (!status_set)
			cfg->status_format = STATUS_LEGACY;
		if (!interrupt_set)
			cfg->interrupt_now = 1;
	}
	/* Names are resolved here, so a wrong one fails before anything is opened. */
	ret = -EINVAL;
	if (!(cfg->engine = io_engine_by_name(engine, err, errlen)))
		goto out;
	if (!(cfg->probe = probe_by_name(probe))) {
		snprintf(err, errlen, "--probe-module: '%s': unknown probe module (choose: %s)", probe,
			 probe_list());
		goto out;
	}
	if (!(cfg->output = output_by_name(output))) {
		snprintf(err, errlen, "--output-module: '%s': unknown output module (choose: %s)",
			 output, output_list());
		goto out;
	}
	if (cfg->bandwidth_bps && rate_set) {
		snprintf(err, errlen, "--bandwidth: give either -r/--rate or -B/--bandwidth, not both");
		goto out;
	}
	if (cfg->rate_aimd) {
		if (cfg->bandwidth_bps || cfg->rate == 0) {
			snprintf(err, errlen, "--rate-mode=aimd: needs a starting -r rate (not 0, not -B)");
			goto out;
		}
		if (!cfg->rate_max)
			cfg->rate_max = cfg->rate * 4;
		if (!cfg->rate_min)
			cfg->rate_min = cfg->rate_max / 100 ? cfg->rate_max / 100 : 1;
		if (cfg->rate_min > cfg->rate_max) {
			snprintf(err, errlen, "--rate-min: %llu is above --rate-max %llu",
				 (unsigned long long)cfg->rate_min, (unsigned long long)cfg->rate_max);
			goto out;
		}
		if (cfg->rate < cfg->rate_min)
			cfg->rate = cfg->rate_min;
		if (cfg->rate > cfg->rate_max)
			cfg->rate = cfg->rate_max;
	} else if (cfg->rate_min || cfg->rate_max) {
		snprintf(err, errlen, "--rate-min/--rate-max: only with --rate-mode=aimd");
		goto out;
	}
	if (cfg->resume && !cfg->checkpoint_file) {
		snprintf(err, errlen, "--resume: needs --checkpoint-file FILE to resume from");
		goto out;
	}
	if (cfg->pcap_file && !cfg->dryrun) {
		snprintf(err, errlen, "--pcap: %s: only with --dryrun (salvo never captures a real scan)",
			 cfg->pcap_file);
		goto out;
	}
	if (cfg->dryrun) {
		size_t olen = strlen(cfg->output_file);

		/* ZMap's habit: --dryrun -o probes.pcap writes the probes there. */
		if (!cfg->pcap_file && olen > 5 && strcmp(cfg->output_file + olen - 5, ".pcap") == 0) {
			cfg->pcap_file = cfg->output_file;
			cfg->output_file = "/dev/null";
		}
		cfg->engine = io_engine_find("dryrun");
		cfg->cooldown_s = 0; /* nothing was sent: nothing can answer */
	}
	if (shard_set && cfg->shard >= cfg->shards) {
		snprintf(err, errlen, "--shard: %llu: expected a shard from 0 to %llu (--shards %llu)",
			 (unsigned long long)cfg->shard, (unsigned long long)cfg->shards - 1,
			 (unsigned long long)cfg->shards);
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		if (file_targets) {
			cli_forget_targets(cfg);
			file_targets = 0;
		}
		if ((ret = add_target(&cfg->targets, argv[i], "", err, errlen)))
			goto out;
		targets_given = 1;
	}
	if (!targets_given) {
		snprintf(err, errlen, "no targets: give addresses, CIDR blocks or ranges "
				      "(e.g. salvo -p 80 198.18.1.0/24), or -w FILE");
		ret = -EINVAL;
		goto out;
	}
	if (cfg->icmp_prescan)
		cfg->prescan_probe = probe_by_name("icmp_echoscan");
	if (cfg->icmp_prescan && cfg->probe->portless) {
		snprintf(err, errlen, "--icmp-prescan: %s already probes addresses, not ports",
			 cfg->probe->name);
		ret = -EINVAL;
		goto out;
	}
	if (cfg->probe->portless) {
		if (ports_arg) {
			snprintf(err, errlen, "--target-ports: %s: %s probes addresses, not ports",
				 ports_arg, cfg->probe->name);
			ret = -EINVAL;
			goto out;
		}
		ports_arg = "0";
	} else if (!ports_arg) {
		snprintf(err, errlen, "no ports: give -p/--target-ports, e.g. -p 80,443");
		ret = -EINVAL;
		goto out;
	}
	{
		char perr[CLI_ERRLEN - 32];

		if ((ret = target_ports_parse(ports_arg, &cfg->ports, perr, sizeof(perr)))) {
			argi = ports_argi;
			snprintf(err, errlen, "--target-ports: %s", perr);
			goto out;
		}
	}
	if (fields_arg) {
		char ferr[CLI_ERRLEN - 32];

		if ((ret = output_fields_parse(fields_arg, &cfg->fields, ferr, sizeof(ferr)))) {
			argi = fields_argi;
			snprintf(err, errlen, "--output-fields: %s", ferr);
			goto out;
		}
	} else {
		cfg->fields.count = 0;
		cfg->fields.id[cfg->fields.count++] = OUTPUT_FIELD_SADDR;
		if (cfg->ports.count > 1)
			cfg->fields.id[cfg->fields.count++] = OUTPUT_FIELD_SPORT;
	}

	{
		char ferr[CLI_ERRLEN - 32];

		if ((ret = output_filter_parse(filter_arg, &cfg->filter, ferr, sizeof(ferr)))) {
			argi = filter_argi;
			snprintf(err, errlen, "--output-filter: %s", ferr);
			goto out;
		}
	}
	cfg->ports_spec = ports_arg;
	cfg->blocklist_file = blocklist;
	if (blocklist) {
		char ferr[CLI_ERRLEN - 32];

		if ((ret = target_set_load_file(&block, blocklist, ferr, sizeof(ferr)))) {
			argi = blocklist_argi;
			snprintf(err, errlen, "--blocklist-file: %s", ferr);
			ret = ret == -ENOMEM ? ret : -EINVAL;
			goto out;
		}
	} else {
		cfg->blocklist_default = 1;
		if ((ret = target_set_add_default_blocklist(&block)))
			goto out_nomem;
	}
	if ((ret = target_set_finish(&cfg->targets, &block)))
		goto out_nomem;
	if (cfg->targets.addresses == 0) {
		snprintf(err, errlen, "no targets left after the %s: every address given is blocked%s",
			 cfg->blocklist_default ? "built-in blocklist of reserved ranges" : "blocklist",
			 cfg->blocklist_default
				 ? " (use -b FILE to replace it, e.g. -b /dev/null inside a test network)"
				 : "");
		ret = -EINVAL;
		goto out;
	}
	if (cfg->probes > cfg->sport_count) {
		snprintf(err, errlen, "--probes: %u: more probes per target than source ports (%u)",
			 cfg->probes, cfg->sport_count);
		ret = -EINVAL;
		goto out;
	}
	if (!cfg->seed_set && getrandom(&cfg->seed, sizeof(cfg->seed), 0) != sizeof(cfg->seed)) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		ret = -EIO;
		goto out;
	}
	target_set_free(&block);
	return 0;

out_nomem:
	snprintf(err, errlen, "out of memory");
	ret = -ENOMEM;
out:
	/* Only errors (and ret 1: --help, --version, --list-*) come here; a case that jumps here
	 * after an earlier option's parser left ret at 0 must still fail. */
	if (ret == 0)
		ret = -EINVAL;
	if (argi >= 1 && argi <= origin->file_args) {
		char msg[CLI_ERRLEN];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errlen, "--config %s line %u: %s", origin->path, origin->line[argi],
			 msg);
	}
	target_set_free(&block);
	return ret;
}

/* A config file may be this large: far more than any real one, small enough to read whole. */
#define CLI_CONFIG_MAX (1 << 20)

/* The -C/--config value on the command line (before any "--"), or NULL. */
static char *cli_find_config(int argc, char **argv)
{
	char *found = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if ((strcmp(argv[i], "-C") == 0 || strcmp(argv[i], "--config") == 0) && i + 1 < argc)
			found = argv[++i];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			found = argv[i] + 9;
		else if (strncmp(argv[i], "-C", 2) == 0)
			found = argv[i] + 2;
	}
	return found;
}

/*
 * Reads a ZMap-style config file ("key value" lines, the key a long option; "#" starts a
 * comment line) into arguments "--key=value" / "--key", placed before the command line's so
 * that the command line overrides the file.
 */
static int cli_load_config(const char *path, int argc, char **argv, struct salvo_config *cfg,
			   struct cli_origin *origin, int *new_argc, char *err, size_t errlen)
{
	struct stat st = { 0 };
	FILE *f = fopen(path, "r");
	size_t len, lines = 1, out = 0;
	char *text, *arena, *p, **args;
	unsigned *line_of, lineno = 0;
	int n = 1;

	if (!f) {
		snprintf(err, errlen, "--config: %s: %s", path, strerror(errno));
		return -EINVAL;
	}
	/* A directory reads as an error; /dev/null as an empty file; /dev/zero is cut at 1 MiB. */
	if (fstat(fileno(f), &st) || S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "--config: %s: expected a file of key value lines%s", path,
			 S_ISDIR(st.st_mode) ? " (this is a directory)" : "");
		fclose(f);
		return -EINVAL;
	}
	text = malloc(CLI_CONFIG_MAX + 1);
	if (!text) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	len = fread(text, 1, CLI_CONFIG_MAX + 1, f);
	if (ferror(f) || len > CLI_CONFIG_MAX || memchr(text, '\0', len)) {
		snprintf(err, errlen, "--config: %s: %s", path,
			 ferror(f) ? strerror(errno)
			 : len > CLI_CONFIG_MAX ? "expected a file of key value lines of at most 1 MiB"
						: "expected text, found a NUL byte");
		free(text);
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	text[len] = '\0';
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	/* Each line becomes at most one argument of its length plus "--" and a NUL. */
	arena = malloc(len + 3 * lines + 1);
	args = calloc((size_t)argc + lines + 1, sizeof(*args));
	line_of = calloc((size_t)argc + lines + 1, sizeof(*line_of));
	cfg->config_text = text;
	cfg->config_arena = arena;
	cfg->config_argv = args;
	cfg->config_lines = line_of;
	if (!arena || !args || !line_of) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	args[0] = argv[0];
	for (p = text; p; ) {
		char *eol = strchr(p, '\n'), *key, *end, *value;

		if (eol)
			*eol = '\0';
		lineno++;
		key = p + strspn(p, " \t\r");
		p = eol ? eol + 1 : NULL;
		if (*key == '\0' || *key == '#')
			continue;
		end = key + strcspn(key, " \t\r");
		value = end + strspn(end, " \t");
		*end = '\0';
		/* Trailing blanks and a CR of a CRLF file are not part of the value. */
		for (char *t = value + strlen(value); t > value && strchr(" \t\r", t[-1]); )
			*--t = '\0';
		/* Keys are whole option names: no abbreviations, and a value where one is due. */
		const struct option *o = long_options;

		while (o->name && strcmp(o->name, key) != 0)
			o++;
		if (!o->name || (o->has_arg == required_argument && !*value) ||
		    (o->has_arg == no_argument && *value)) {
			snprintf(err, errlen, "--config %s line %u: '%s%s%s': %s", path, lineno, key,
				 *value ? " " : "", value,
				 !o->name ? "unknown option (keys are long option names, e.g. rate 10000)"
				 : *value ? "this option takes no value"
					  : "needs a value (key value)");
			return -EINVAL;
		}
		line_of[n] = lineno;
		args[n++] = arena + out;
		out += (size_t)snprintf(arena + out, len + 3 * lines + 1 - out, "--%s%s%s", key,
					*value ? "=" : "", value) + 1;
	}
	origin->file_args = n - 1;
	for (int i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	origin->path = path;
	origin->line = line_of;
	*new_argc = n;
	return 0;
}

int cli_parse(int argc, char **argv, struct salvo_config *cfg, char *err, size_t errlen)
{
	struct cli_origin origin = { 0 };
	char *config = cli_find_config(argc, argv);
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	target_set_init(&cfg->targets);
	if (config) {
		int n;

		if ((ret = cli_load_config(config, argc, argv, cfg, &origin, &n, err, errlen))) {
			cli_config_free(cfg);
			return ret;
		}
		origin.config_arg = config;
		cfg->config_file = config;
		argc = n;
		argv = cfg->config_argv;
	}
	ret = cli_parse_args(argc, argv, cfg, &origin, err, errlen);
	if (ret)
		cli_config_free(cfg);
	return ret;
}

void cli_config_free(struct salvo_config *cfg)
{
	target_set_free(&cfg->targets);
	target_ports_free(&cfg->ports);
	free(cfg->config_text);
	free(cfg->config_arena);
	free(cfg->config_argv);
	free(cfg->config_lines);
	cfg->config_text = cfg->config_arena = NULL;
	cfg->config_argv = NULL;
	cfg->config_lines = NULL;
}
