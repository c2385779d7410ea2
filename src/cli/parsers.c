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
#include "util/join.h"
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

/*
 * The interfaces and what the user says of each alone: cfg->nics, an entry per name, made by
 * whichever option names it first (-i, or an IF=VALUE item of -S, --ipv6-source-ip or -G);
 * -i gives each its place in the list, cli_resolve_nics puts them in it.
 */

/* The entry of interface name[0..len), made if new: its index, or -EINVAL with a line. */
static int nic_entry(struct cli_parse *p, const char *opt, const char *name, size_t len, char *err,
		     size_t errlen)
{
	struct scan_config *cfg = p->cfg;
	unsigned i;

	if (len == 0 || len >= SCAN_IFNAME_LEN) {
		snprintf(err, errlen,
			 "%s: '%.*s': expected an interface name of 1 to %d characters", opt,
			 (int)(len > 64 ? 64 : len), name, SCAN_IFNAME_LEN - 1);
		return -EINVAL;
	}
	for (i = 0; i < cfg->nic_count; i++)
		if (strlen(cfg->nics[i].ifname) == len && !memcmp(cfg->nics[i].ifname, name, len))
			return (int)i;
	if (cfg->nic_count == SCAN_NICS_MAX) {
		snprintf(err, errlen, "%s: %.*s: more than %d interfaces", opt, (int)len, name,
			 SCAN_NICS_MAX);
		return -EINVAL;
	}
	memset(&cfg->nics[i], 0, sizeof(cfg->nics[i]));
	memcpy(cfg->nics[i].ifname, name, len);
	p->nic_order[i] = 0;
	p->nic_named_by[i] = opt;
	p->nic_named_argi[i] = p->argi;
	cfg->nic_count++;
	return (int)i;
}

/* The command line's -i replaces the config file's: its interfaces are unlisted, and those
 * that nothing else named are gone. */
static void nic_unlist_all(struct cli_parse *p)
{
	struct scan_config *cfg = p->cfg;
	unsigned kept = 0;

	for (unsigned i = 0; i < cfg->nic_count; i++) {
		const struct scan_nic_config *n = &cfg->nics[i];

		if (!n->source_ip_count && !n->source_ip6_set && !n->gateway_mac_set)
			continue;
		cfg->nics[kept] = *n;
		p->nic_order[kept] = 0;
		p->nic_named_by[kept] = p->nic_named_by[i];
		p->nic_named_argi[kept++] = p->nic_named_argi[i];
	}
	cfg->nic_count = kept;
	p->nic_listed = 0;
}

/* -i: one interface or a list of them (a,b), each once; given again, it adds to the list. */
int cli_opt_interface(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
		      size_t errlen)
{
	const char *s = value;

	(void)o;
	if (p->argi >= 1 && p->argi <= p->origin->file_args) {
		p->file_nics = 1;
	} else if (p->file_nics) {
		nic_unlist_all(p);
		p->file_nics = 0;
	}
	do {
		size_t n = strcspn(s, ",");
		int i = nic_entry(p, "--interface", s, n, err, errlen);

		if (i < 0)
			return i;
		if (p->nic_order[i]) {
			snprintf(err, errlen, "--interface: %.*s: given twice", (int)n, s);
			return -EINVAL;
		}
		p->nic_order[i] = ++p->nic_listed;
		s += n;
	} while (*s++ == ',');
	return 0;
}

/* An IF=VALUE item: the entry of IF (made if new), VALUE in *rest; -EINVAL with a line. */
static int nic_item(struct cli_parse *p, const char *opt, const char *value, const char **rest,
		    char *err, size_t errlen)
{
	const char *eq = strchr(value, '=');

	*rest = eq + 1;
	return nic_entry(p, opt, value, (size_t)(eq - value), err, errlen);
}

/* -S: one IPv4 address, or ZMap's ranges and lists of them; never an IPv6 one.  IF=... is
 * interface IF's own. */
int cli_opt_source_ip(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
		      size_t errlen)
{
	struct scan_config *cfg = p->cfg;
	uint32_t *out = cfg->source_ips;
	unsigned *count = &cfg->source_ip_count;
	const char *spec = value;
	char why[160];
	int i;

	(void)o;
	if (strchr(value, '=')) {
		if ((i = nic_item(p, "--source-ip", value, &spec, err, errlen)) < 0)
			return i;
		out = cfg->nics[i].source_ips;
		count = &cfg->nics[i].source_ip_count;
	}
	if (target_parse_ipv4_list(spec, out, SCAN_SOURCES_MAX, count, why, sizeof(why))) {
		snprintf(err, errlen, "--source-ip: '%.200s': %s", value, why);
		return -EINVAL;
	}
	if (spec == value) {
		cfg->source_ip = cfg->source_ips[0];
		cfg->source_ip_set = 1;
	}
	return 0;
}

/* --ipv6-source-ip: one IPv6 address (the TUM fork's option), never an IPv4 one; IF=ADDR is
 * interface IF's own. */
int cli_opt_ipv6_source_ip(struct cli_parse *p, const struct cli_option *o, const char *value,
			   char *err, size_t errlen)
{
	struct scan_config *cfg = p->cfg;
	const char *spec = value;
	struct target6_addr a;
	int i = -1;

	(void)o;
	if (strchr(value, '=') &&
	    (i = nic_item(p, "--ipv6-source-ip", value, &spec, err, errlen)) < 0)
		return i;
	if (!strchr(spec, ':') || target6_parse_addr(spec, &a))
		return cli_bad_value(err, errlen, "--ipv6-source-ip", value,
				     "one IPv6 address such as 2001:2::1 (an IPv4 source is -S)");
	if (i >= 0) {
		target6_to_bytes(a, cfg->nics[i].source_ip6);
		cfg->nics[i].source_ip6_set = 1;
	} else {
		target6_to_bytes(a, cfg->source_ip6);
		cfg->source_ip6_set = 1;
	}
	return 0;
}

/* -G: the next hop's MAC; IF=MAC is interface IF's own. */
int cli_opt_gateway_mac(struct cli_parse *p, const struct cli_option *o, const char *value,
			char *err, size_t errlen)
{
	struct scan_config *cfg = p->cfg;
	const char *spec = value;
	uint8_t mac[6];
	int i = -1;

	(void)o;
	if (strchr(value, '=') && (i = nic_item(p, "--gateway-mac", value, &spec, err, errlen)) < 0)
		return i;
	if (cli_parse_mac(spec, mac))
		return cli_bad_value(err, errlen, "--gateway-mac", value,
				     "a MAC address such as 02:00:00:00:00:01, or IF=MAC");
	memcpy(i >= 0 ? cfg->nics[i].gateway_mac : cfg->gateway_mac, mac, 6);
	*(i >= 0 ? &cfg->nics[i].gateway_mac_set : &cfg->gateway_mac_set) = 1;
	return 0;
}

/* The NICs' own names: -i's, or an engine's ports (dpdk's --dpdk-port 0,1). */
static int nics_from_engine(struct cli_parse *p, char *err, size_t errlen)
{
	const struct io_engine_ops *e = p->cfg->engine;
	char names[SCAN_NICS_MAX][IO_PORT_NAME_LEN];
	unsigned ports = e->ports ? e->ports(p->cfg->engine_options, names, SCAN_NICS_MAX) : 0;
	int i;

	if (ports <= 1)
		return 0;
	for (unsigned k = 0; k < p->cfg->nic_count; k++)
		if (p->nic_order[k]) {
			p->argi = p->argi_of[cli_option_find("interface") - cli_options];
			snprintf(err, errlen,
				 "--interface: --io-engine=%s sends through the ports of its own "
				 "options, not through interfaces; name a port's own -S, -G with "
				 "PORT=VALUE",
				 e->name);
			return -EINVAL;
		}
	for (unsigned k = 0; k < ports; k++) {
		if ((i = nic_entry(p, "--interface", names[k], strlen(names[k]), err, errlen)) < 0)
			return i;
		p->nic_order[i] = ++p->nic_listed;
	}
	return 0;
}

int cli_resolve_nics(struct cli_parse *p, char *err, size_t errlen)
{
	struct scan_config *cfg = p->cfg;
	struct scan_nic_config sorted[SCAN_NICS_MAX];
	char listed[256] = "";
	int ret;

	if ((ret = nics_from_engine(p, err, errlen)))
		return ret;
	for (unsigned i = 0; i < cfg->nic_count; i++)
		if (p->nic_order[i])
			join_append(listed, sizeof(listed), cfg->nics[i].ifname);
	for (unsigned i = 0; i < cfg->nic_count; i++) {
		if (p->nic_order[i]) {
			sorted[p->nic_order[i] - 1] = cfg->nics[i];
			continue;
		}
		p->argi = p->nic_named_argi[i];
		if (!p->nic_listed)
			snprintf(err, errlen,
				 "%s: %s=...: a value for interface %s alone, but -i names no "
				 "interface (give -i %s)",
				 p->nic_named_by[i], cfg->nics[i].ifname, cfg->nics[i].ifname,
				 cfg->nics[i].ifname);
		else
			snprintf(err, errlen,
				 "%s: %s=...: %s is not one of the interfaces the scan sends "
				 "through (%s)",
				 p->nic_named_by[i], cfg->nics[i].ifname, cfg->nics[i].ifname,
				 listed);
		return -EINVAL;
	}
	memcpy(cfg->nics, sorted, p->nic_listed * sizeof(sorted[0]));
	cfg->nic_count = p->nic_listed;
	p->argi = 0;
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
