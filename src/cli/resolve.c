/*
 * After every option is read: the defaults that depend on the dialect, names resolved to
 * modules, list files and the blocklist loaded, and the rules between options checked, so
 * that a wrong command line fails here, before anything touches the network.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "cli/cli.h"
#include "cli/parse.h"
#include "util/log.h"

/* The seed scanner's dialect: list output, its progress line and a prompt stop (the
 * orchestrator times its rate windows until the scanner has exited), unless asked otherwise. */
static void resolve_dialect(struct cli_parse *p)
{
	struct scan_config *cfg = p->cfg;

	if (!cfg->dialect_anyscan)
		return;
	if (!cli_given(p, "status-format"))
		cfg->status_format = STATUS_LEGACY;
	if (!cli_given(p, "interrupt"))
		cfg->interrupt_now = 1;
}

/* Names become modules here, so a wrong one fails before anything is opened.  Each value is
 * taken just before it is used: an error names the config file line it came from. */
/* The module's arguments are syntax too: tried now on a probe of no consequence, so that a
 * malformed payload is the error, not the blocklist or the route found later. */
static int resolve_probe_args(const struct scan_config *cfg, char *err, size_t errlen)
{
	struct probe trial = { .ops = cfg->probe, .args = cfg->probe_args };
	int ret;

	trial.params.sport_first = cfg->sport_first;
	trial.params.sport_count = cfg->sport_count ? cfg->sport_count : 1;
	trial.params.probes = 1;
	trial.params.ttl = 255;
	if ((ret = probe_init(&trial, err, errlen)))
		return ret;
	probe_close(&trial);
	return 0;
}

static int resolve_modules(struct cli_parse *p, char *err, size_t errlen)
{
	struct scan_config *cfg = p->cfg;
	const char *name;
	int ret;

	if (!(cfg->engine = io_engine_by_name(cli_later(p, "io-engine"), err, errlen)))
		return -EINVAL;
	if (!(cfg->probe = probe_by_name(name = cli_later(p, "probe-module")))) {
		if (probe_refused_reason(name))
			snprintf(err, errlen,
				 "--probe-module: '%s': a ZMap module salvo does not have: %s "
				 "(choose: %s)",
				 name, probe_refused_reason(name), probe_list());
		else
			snprintf(err, errlen,
				 "--probe-module: '%s': unknown probe module (choose: %s)", name,
				 probe_list());
		return -EINVAL;
	}
	if ((ret = resolve_probe_args(cfg, err, errlen)))
		return ret;
	if (!(name = cli_later(p, "output-module")))
		name = cfg->dialect_anyscan ? "list" : "csv";
	if (!(cfg->output = output_by_name(name))) {
		snprintf(err, errlen, "--output-module: '%s': unknown output module (choose: %s)",
			 name, output_list());
		return -EINVAL;
	}
	/* ZMap hands --output-args to its module (redis takes a server); none of salvo's
	 * takes any, and an argument silently dropped would be a surprise. */
	if ((name = cli_later(p, "output-args")) && *name) {
		snprintf(err, errlen, "--output-args: '%s': the %s output module takes none", name,
			 cfg->output->name);
		return -EINVAL;
	}
	p->argi = 0;
	return 0;
}

/* The engine's own options: only with that engine, and checked by it before anything opens. */
static int resolve_engine_options(struct cli_parse *p, char *err, size_t errlen)
{
	const struct io_engine_ops *engine = p->cfg->engine;

	for (size_t i = 0; i < cli_option_count; i++) {
		const struct cli_option *o = &cli_options[i];

		if (o->kind != CLI_ENGINE || !p->given[i] || o->engine == engine)
			continue;
		p->argi = p->argi_of[i];
		snprintf(err, errlen, "--%s: only with --io-engine=%s", o->name, o->engine->name);
		return -EINVAL;
	}
	p->argi = 0;
	if (p->cfg->iplayer && !p->cfg->dryrun && !(engine->caps & IO_CAP_IPLAYER)) {
		snprintf(
			err, errlen,
			"--iplayer: --io-engine=%s sends Ethernet frames only (-X needs af_packet)",
			engine->name);
		return -EINVAL;
	}
	return engine->check ? engine->check(p->cfg->engine_options, err, errlen) : 0;
}

/* -r or -B, and --rate-mode=aimd's bounds. */
static int resolve_rates(struct cli_parse *p, char *err, size_t errlen)
{
	struct scan_config *cfg = p->cfg;

	if (cfg->bandwidth_bps && cli_given(p, "rate")) {
		snprintf(err, errlen,
			 "--bandwidth: give either -r/--rate or -B/--bandwidth, not both");
		return -EINVAL;
	}
	if (!cfg->rate_aimd) {
		if (!cfg->rate_min && !cfg->rate_max)
			return 0;
		snprintf(err, errlen, "--rate-min/--rate-max: only with --rate-mode=aimd");
		return -EINVAL;
	}
	if (cfg->bandwidth_bps || cfg->rate == 0) {
		snprintf(err, errlen, "--rate-mode=aimd: needs a starting -r rate (not 0, not -B)");
		return -EINVAL;
	}
	if (!cfg->rate_max)
		cfg->rate_max = cfg->rate * 4;
	if (!cfg->rate_min)
		cfg->rate_min = cfg->rate_max / 100 ? cfg->rate_max / 100 : 1;
	if (cfg->rate_min > cfg->rate_max) {
		snprintf(err, errlen, "--rate-min: %llu is above --rate-max %llu",
			 (unsigned long long)cfg->rate_min, (unsigned long long)cfg->rate_max);
		return -EINVAL;
	}
	if (cfg->rate < cfg->rate_min)
		cfg->rate = cfg->rate_min;
	if (cfg->rate > cfg->rate_max)
		cfg->rate = cfg->rate_max;
	return 0;
}

/* --resume, --pcap, --dryrun and --shard: what each needs of the others. */
static int resolve_modes(struct cli_parse *p, char *err, size_t errlen)
{
	struct scan_config *cfg = p->cfg;

	if (cfg->resume && !cfg->checkpoint_file) {
		snprintf(err, errlen, "--resume: needs --checkpoint-file FILE to resume from");
		return -EINVAL;
	}
	if (cfg->log_file && cfg->log_directory) {
		snprintf(err, errlen, "--log-file and --log-directory: give one of them");
		return -EINVAL;
	}
	if (cfg->fast_dryrun && cfg->pcap_file) {
		snprintf(
			err, errlen,
			"--fast-dryrun: prints six bytes a probe on stdout; --pcap %s writes pcap: "
			"give one of them",
			cfg->pcap_file);
		return -EINVAL;
	}
	if (cfg->pcap_file && !cfg->dryrun) {
		snprintf(err, errlen,
			 "--pcap: %s: only with --dryrun (salvo never captures a real scan)",
			 cfg->pcap_file);
		return -EINVAL;
	}
	if (cfg->dryrun) {
		size_t olen = strlen(cfg->output_file);

		/* ZMap's habit: --dryrun -o probes.pcap writes the probes there. */
		if (!cfg->pcap_file && olen > 5 &&
		    strcmp(cfg->output_file + olen - 5, ".pcap") == 0) {
			cfg->pcap_file = cfg->output_file;
			cfg->output_file = "/dev/null";
		}
		/* A dry run has no results: on stdout their csv header would be all they wrote,
		 * before the probes printed there (ZMap's dry run has none either). */
		if (strcmp(cfg->output_file, "-") == 0)
			cfg->no_header_row = 1;
		cfg->engine = io_engine_find("dryrun");
		cfg->cooldown_s = 0; /* nothing was sent: nothing can answer */
	}
	if (cli_given(p, "shard") && cfg->shard >= cfg->shards) {
		snprintf(err, errlen,
			 "--shard: %llu: expected a shard from 0 to %llu (--shards %llu)",
			 (unsigned long long)cfg->shard, (unsigned long long)cfg->shards - 1,
			 (unsigned long long)cfg->shards);
		return -EINVAL;
	}
	return 0;
}

/* How a list file is read: which families, and whether a line may be more than one address. */
enum list_kind {
	LIST_BOTH,    /* -w, -b: IPv4 and IPv6 targets, blocks and ranges */
	LIST_SINGLES, /* -I: one address a line, as ZMap's (and IPv6 ones too) */
	LIST_V6,      /* --ipv6-target-file: IPv6 only, as the TUM fork's */
};

/*
 * Read a -b, -w, -I or --ipv6-target-file file into set and set6 (IPv6 ranges held to guard);
 * 0 or the error, in one line naming the option.  With --ignore-blocklist-errors a bad line is
 * skipped, and a warning says how many and the first.
 */
static int load_list(struct cli_parse *p, const char *opt, const char *path, enum list_kind kind,
		     struct target_set *set, struct target6_set *set6, uint64_t guard, char *err,
		     size_t errlen)
{
	char ferr[CLI_ERRLEN - 32];
	unsigned skipped = 0, *skip = p->cfg->ignore_blocklist_errors ? &skipped : NULL;
	int ret = kind == LIST_SINGLES
			  ? target6_set_load_singles(set6, set, path, skip, ferr, sizeof(ferr))
			  : target6_set_load_file(set6, kind == LIST_V6 ? NULL : set, path, guard,
						  skip, ferr, sizeof(ferr));

	if (ret) {
		snprintf(err, errlen, "--%s: %s", opt, ferr);
		return ret == -ENOMEM ? ret : -EINVAL;
	}
	if (skipped)
		log_msg(LOG_WARN, "--%s: %s: %u bad line%s skipped (the first: %s)", opt, path,
			skipped, skipped == 1 ? "" : "s", ferr);
	return 0;
}

/* The largest IPv6 target of the command line held to --max-v6-prefix-size (files are held
 * to it as they are read): its parse with the guard says why, naming it. */
static int resolve_v6_guard(struct cli_parse *p, char *err, size_t errlen)
{
	struct target6_range r;
	char why[CLI_ERRLEN - 32];

	if (!p->v6_largest || p->v6_largest_size <= p->cfg->max_v6_prefix_size)
		return 0;
	if (target6_parse(p->v6_largest, p->cfg->max_v6_prefix_size, &r, why, sizeof(why)))
		snprintf(err, errlen, "%s", why);
	else
		snprintf(err, errlen, "%s: over --max-v6-prefix-size", p->v6_largest);
	return -EINVAL;
}

/* IPv6 targets need a module with IPv6 probes, and (for now) a dry run. */
static int resolve_v6_rules(struct cli_parse *p, char *err, size_t errlen)
{
	const struct scan_config *cfg = p->cfg;

	if (!cfg->targets6.addresses)
		return 0;
	if (!cfg->probe->template6) {
		snprintf(err, errlen, "--probe-module: %s has no IPv6 probe (tcp_synscan has)",
			 cfg->probe->name);
		return -EINVAL;
	}
	if (!cfg->dryrun && !(cfg->engine->caps & IO_CAP_IPV6)) {
		snprintf(err, errlen,
			 "--io-engine=%s: IPv6 targets are not scanned by this engine yet "
			 "(--dryrun builds and shows their probes)",
			 cfg->engine->name);
		return -EINVAL;
	}
	return 0;
}

/* The positional targets, and the ports (or none, for a probe of addresses). */
static int resolve_targets(struct cli_parse *p, int argc, char **argv, int first, char *err,
			   size_t errlen)
{
	struct scan_config *cfg = p->cfg;
	const char *ports;
	char perr[CLI_ERRLEN - 32];
	int ret;

	for (unsigned i = 0; i < p->target_file_count; i++) {
		const struct cli_option *o = p->target_files[i].o;
		enum list_kind kind = o->letter == 'I'				 ? LIST_SINGLES
				      : strcmp(o->name, "ipv6-target-file") == 0 ? LIST_V6
										 : LIST_BOTH;

		p->argi = p->target_files[i].argi;
		if ((ret = load_list(p, o->name, p->target_files[i].path, kind, &cfg->targets,
				     &cfg->targets6, cfg->max_v6_prefix_size, err, errlen)))
			return ret;
	}
	p->argi = 0;
	for (int i = first; i < argc; i++)
		if ((ret = cli_add_target(p, argv[i], "", err, errlen)))
			return ret;
	if ((ret = resolve_v6_guard(p, err, errlen)))
		return ret;
	/* ZMap's dry run of no target is one of the whole space (less the blocklist): it sends
	 * nothing, so the rule that a scan names its targets does not apply. */
	if (!p->targets_given && cfg->dryrun &&
	    (ret = cli_add_target(p, "0.0.0.0/0", "", err, errlen)))
		return ret;
	if (!p->targets_given) {
		snprintf(
			err, errlen,
			"no targets: give IPv4 or IPv6 addresses, CIDR blocks or ranges, or "
			"-w, -I or --ipv6-target-file FILE (only a dry run, --dryrun, needs none)");
		return -EINVAL;
	}
	if (cfg->icmp_prescan)
		cfg->prescan_probe = probe_by_name("icmp_echoscan");
	if (cfg->icmp_prescan && cfg->probe->portless) {
		snprintf(err, errlen, "--icmp-prescan: %s already probes addresses, not ports",
			 cfg->probe->name);
		return -EINVAL;
	}
	ports = cli_later(p, "target-ports");
	if (cfg->probe->portless && ports) {
		snprintf(err, errlen, "--target-ports: %s: %s probes addresses, not ports", ports,
			 cfg->probe->name);
		return -EINVAL;
	}
	if (cfg->probe->portless)
		ports = "0";
	if (!ports) {
		snprintf(err, errlen, "no ports: give -p/--target-ports, e.g. -p 80,443");
		return -EINVAL;
	}
	if ((ret = target_ports_parse(ports, &cfg->ports, perr, sizeof(perr)))) {
		snprintf(err, errlen, "--target-ports: %s", perr);
		return ret;
	}
	cfg->ports_spec = ports;
	p->argi = 0;
	return 0;
}

/* -f (default: saddr, and sport with several ports) and --output-filter. */
static int resolve_output(struct cli_parse *p, char *err, size_t errlen)
{
	struct scan_config *cfg = p->cfg;
	const char *fields = cli_later(p, "output-fields"), *filter;
	char ferr[CLI_ERRLEN - 32];
	int ret;

	if (fields &&
	    (ret = output_fields_parse(fields, cfg->probe, &cfg->fields, ferr, sizeof(ferr)))) {
		snprintf(err, errlen, "--output-fields: %s", ferr);
		return ret;
	}
	if (!fields) {
		cfg->fields.count = 0;
		cfg->fields.probe = cfg->probe;
		cfg->fields.id[cfg->fields.count++] = OUTPUT_FIELD_SADDR;
		if (cfg->ports.count > 1)
			cfg->fields.id[cfg->fields.count++] = OUTPUT_FIELD_SPORT;
	}
	filter = cli_later(p, "output-filter");
	/* --dedup-method=none: repeats too, unless a filter of the user's says otherwise. */
	if (cfg->dedup_method == SCAN_DEDUP_NONE && !cli_given(p, "output-filter"))
		filter = "success = 1";
	if ((ret = output_filter_parse(filter, &cfg->filter, ferr, sizeof(ferr)))) {
		snprintf(err, errlen, "--output-filter: %s", ferr);
		return ret;
	}
	p->argi = 0;
	return 0;
}

/* The -b file into p->block and p->block6, or the built-in blocklist without one. */
static int load_blocklist(struct cli_parse *p, char *err, size_t errlen)
{
	struct scan_config *cfg = p->cfg;
	const char *file = cli_later(p, "blocklist-file");
	int ret;

	cfg->blocklist_file = file;
	cfg->blocklist_default = !file;
	if (file && (ret = load_list(p, "blocklist-file", file, LIST_BOTH, &p->block, &p->block6,
				     TARGET6_NO_GUARD, err, errlen)))
		return ret;
	p->argi = 0;
	if (!file && (target_set_add_default_blocklist(&p->block) ||
		      target6_set_add_default_blocklist(&p->block6))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* -b, or the built-in blocklist, taken from the targets: something must be left. */
static int resolve_blocklist(struct cli_parse *p, char *err, size_t errlen)
{
	struct scan_config *cfg = p->cfg;
	const char *file = cli_later(p, "blocklist-file");
	int ret;

	if ((ret = load_blocklist(p, err, errlen)))
		return ret;
	if (target_set_finish(&cfg->targets, &p->block)) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if ((ret = target6_set_finish(&cfg->targets6, &p->block6))) {
		snprintf(err, errlen, "%s",
			 ret == -ERANGE ? "the IPv6 targets are more than 2^62 addresses"
					: "out of memory");
		return ret;
	}
	if (cfg->targets.addresses + cfg->targets6.addresses == 0) {
		snprintf(err, errlen,
			 "no targets left after the %s: every address given is blocked%s",
			 file ? "blocklist" : "built-in blocklist of reserved ranges",
			 file ? ""
			      : " (use -b FILE to replace it, e.g. -b /dev/null inside a test "
				"network)");
		return -EINVAL;
	}
	return 0;
}

/*
 * -n N%: as ZMap reads it, N percent of the whole search space (every IPv4 address times
 * the ports), truncated; then a count like any other.
 */
static int resolve_max_targets(struct cli_parse *p, char *err, size_t errlen)
{
	struct scan_config *cfg = p->cfg;
	double space = 4294967296.0 * cfg->ports.count, n;

	if (cfg->max_targets_percent <= 0)
		return 0;
	n = cfg->max_targets_percent * space / 100.0;
	if (n >= space)
		n = space;
	if (n < 1) {
		snprintf(err, errlen,
			 "--max-targets: %g%% of the address space times %u ports is no probe at "
			 "all: give a larger percentage or a count",
			 cfg->max_targets_percent, cfg->ports.count);
		return -EINVAL;
	}
	cfg->max_targets = (uint64_t)n;
	return 0;
}

int cli_resolve(struct cli_parse *p, int argc, char **argv, int first_target, char *err,
		size_t errlen)
{
	struct scan_config *cfg = p->cfg;
	int ret;

	resolve_dialect(p);
	if (cfg->fast_dryrun) /* ZMap's --fast-dryrun is a dry run of its own */
		cfg->dryrun = 1;
	if ((ret = resolve_modules(p, err, errlen)) ||
	    (ret = resolve_engine_options(p, err, errlen)) ||
	    (ret = cli_resolve_nics(p, err, errlen)) || (ret = resolve_rates(p, err, errlen)) ||
	    (ret = resolve_modes(p, err, errlen)) ||
	    (ret = resolve_targets(p, argc, argv, first_target, err, errlen)) ||
	    (ret = resolve_output(p, err, errlen)) || (ret = resolve_blocklist(p, err, errlen)) ||
	    (ret = resolve_max_targets(p, err, errlen)) || (ret = resolve_v6_rules(p, err, errlen)))
		return ret;
	if (cfg->probes > cfg->sport_count) {
		snprintf(err, errlen, "--probes: %u: more probes per target than source ports (%u)",
			 cfg->probes, cfg->sport_count);
		return -EINVAL;
	}
	if (!cfg->seed_set && getrandom(&cfg->seed, sizeof(cfg->seed), 0) != sizeof(cfg->seed)) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		return -EIO;
	}
	return 0;
}

/*
 * salvo-iterate: salvo's rules over a dry run of the same options, so that it lists what
 * salvo --dryrun of them probes; no target is the whole IPv4 space less the blocklist, as in
 * salvo's (and ZMap's) dry runs.
 */
int cli_resolve_iterate(struct cli_parse *p, int argc, char **argv, int first, char *err,
			size_t errlen)
{
	struct scan_config *cfg = p->cfg;

	cfg->dryrun = 1;
	/* No -p: addresses only, as ZMap's ziterate lists them, in a one-port scan's order. */
	if (!cli_later(p, "target-ports"))
		cli_set_later(p, "target-ports", "0");
	/* Each process would draw its own seed, and the shards would overlap (ZMap's ziterate
	 * refuses this too). */
	if (cfg->shards > 1 && !cfg->seed_set) {
		snprintf(err, errlen,
			 "--shards: %llu: the shards must walk one order: give them all --seed N",
			 (unsigned long long)cfg->shards);
		return -EINVAL;
	}
	return cli_resolve(p, argc, argv, first, err, errlen);
}

/*
 * salvo-blocklist: the addresses it lets through, per family: the -w files' (all of them
 * without one) less the -b files' (the built-in blocklist without one, as salvo's).  These
 * sets are looked up, never walked: IPv6 prefixes are not held to --max-v6-prefix-size, and
 * the IPv6 set, which may be nearly all of ::/0, is not counted.
 */
int cli_resolve_blocklist(struct cli_parse *p, int argc, char **argv, int first, char *err,
			  size_t errlen)
{
	static const struct target6_range all6 = { { 0, 0 }, { UINT64_MAX, UINT64_MAX } };
	struct scan_config *cfg = p->cfg;
	int ret;

	if (first < argc) {
		snprintf(err, errlen, "%s: takes no operand: the addresses come on stdin",
			 argv[first]);
		return -EINVAL;
	}
	for (unsigned i = 0; i < p->target_file_count; i++) {
		p->argi = p->target_files[i].argi;
		if ((ret = load_list(p, "allowlist-file", p->target_files[i].path, LIST_BOTH,
				     &cfg->targets, &cfg->targets6, TARGET6_NO_GUARD, err, errlen)))
			return ret;
	}
	if (!p->target_file_count &&
	    (target_set_add(&cfg->targets, (struct target_range){ 0, UINT32_MAX }) ||
	     target6_set_add(&cfg->targets6, &all6)))
		goto out_nomem;
	if ((ret = load_blocklist(p, err, errlen)))
		return ret;
	if (target_set_finish(&cfg->targets, &p->block) ||
	    target6_set_normalize(&cfg->targets6, &p->block6))
		goto out_nomem;
	return 0;
out_nomem:
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

/* salvo-tee: one operand, the FILE its input is copied to. */
int cli_resolve_tee(struct cli_parse *p, int argc, char **argv, int first, char *err, size_t errlen)
{
	if (first == argc) {
		snprintf(
			err, errlen,
			"FILE: none given: salvo-tee copies its input to FILE (salvo-tee [options] "
			"FILE)");
		return -EINVAL;
	}
	if (argc - first > 1) {
		snprintf(err, errlen, "%s: one FILE only (the input goes to %s)", argv[first + 1],
			 argv[first]);
		return -EINVAL;
	}
	if (p->tool->raw && p->tool->success_only) {
		snprintf(err, errlen,
			 "--success-only: needs the success column of the csv header, which "
			 "-r/--raw ignores");
		return -EINVAL;
	}
	p->tool->file = argv[first];
	return 0;
}
