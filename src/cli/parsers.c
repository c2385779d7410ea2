/*
 * The options' own parsers: the values the table's kinds (values.c) do not cover, each
 * named by its entry in options.c as CLI_CUSTOM.  Each checks its value, stores it in the
 * parse's configuration, and fills err with one line naming the option when it is bad.
 */
#include "cli/options.h"

#include <errno.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/parse.h"
#include "util/json_check.h"
#include "version.h"

int cli_opt_config(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
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

int cli_opt_user(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
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
int cli_opt_target_file(struct cli_parse *p, const struct cli_option *o, const char *value,
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
int cli_opt_source_ip(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
		      size_t errlen)
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
int cli_opt_ipv6_source_ip(struct cli_parse *p, const struct cli_option *o, const char *value,
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
int cli_opt_user_metadata(struct cli_parse *p, const struct cli_option *o, const char *value,
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

int cli_opt_target_range(struct cli_parse *p, const struct cli_option *o, const char *value,
			 char *err, size_t errlen)
{
	(void)o;
	return cli_add_target(p, value, "--target-range: ", err, errlen);
}

/* -n: a count of probes for the whole scan, or a percentage of the address space. */
int cli_opt_max_targets(struct cli_parse *p, const struct cli_option *o, const char *value,
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
int cli_opt_cores(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
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
int cli_opt_source_ports(struct cli_parse *p, const struct cli_option *o, const char *value,
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
int cli_opt_print(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
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
