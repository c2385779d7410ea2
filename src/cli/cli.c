/*
 * The command line, in ZMap's dialect: the short flags mean what ZMap 4's mean, long-option
 * aliases cover older ZMap and the orchestrator's scanner.  This file reads the arguments
 * (a -C file's lines first) and hands each option's value to the table's parser
 * (values.c, parsers.c); resolve.c then completes the configuration.  Every error names
 * the option, the value and what was expected.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/parse.h"

/* getopt's arrays, made from the table for one program: a long option's val is 256 + the
 * index of its canonical entry. */
static struct option long_options[CLI_OPTIONS_MAX + 1];
static char short_options[3 * CLI_OPTIONS_MAX + 2];

static void cli_getopt_tables(const struct cli_program *prog)
{
	char *s = short_options;
	size_t n = 0;

	cli_options_init();
	*s++ = ':'; /* a missing value is reported as such */
	for (size_t i = 0; i < cli_option_count; i++) {
		const struct cli_option *o = &cli_options[i], *c = cli_option_canonical(o);

		if (!cli_option_in(o, prog->bit))
			continue;
		long_options[n++] =
			(struct option){ o->name, c->arg ? required_argument : no_argument, NULL,
					 256 + (int)(c - cli_options) };
		if (o->letter) {
			*s++ = (char)o->letter;
			if (o->arg)
				*s++ = ':';
		}
	}
	long_options[n] = (struct option){ 0 };
	*s = '\0';
}

/* Letters are unique within a program, not across them (salvo's -m is salvo-tee's -m). */
static const struct cli_option *cli_option_by_letter(int letter, unsigned bit)
{
	for (size_t i = 0; i < cli_option_count; i++)
		if (cli_options[i].letter == letter && cli_option_in(&cli_options[i], bit))
			return &cli_options[i];
	return NULL;
}

/* cli_zmap_refused for "--name" or "--name=value". */
static const char *cli_zmap_long_refused(const char *arg)
{
	char name[64];
	size_t n;

	if (strncmp(arg, "--", 2))
		return NULL;
	n = strcspn(arg + 2, "=");
	if (n >= sizeof(name))
		return NULL;
	memcpy(name, arg + 2, n);
	name[n] = '\0';
	return cli_zmap_refused(name, 0);
}

/* What getopt could not take: a missing value, an unknown option, a value given to a flag.
 * Only salvo's own command line is ZMap's zmap's, whose options it may name as refused. */
static int cli_getopt_error(const struct cli_program *prog, char **argv, int opt, char *err,
			    size_t errlen)
{
	const char *arg = argv[optind - 1];
	const char *refused = NULL;
	char unknown[64];

	snprintf(unknown, sizeof(unknown), "unknown option (see %s --help)", prog->name);
	if (opt == ':')
		snprintf(err, errlen, "%s: needs a value (see %s --help)", arg, prog->name);
	/* A known long option given a value it does not take ("--dryrun=yes"). */
	else if (optopt >= 256 || (optopt && strncmp(arg, "--", 2) == 0))
		snprintf(err, errlen, "%s: this option takes no value (see %s --help)", arg,
			 prog->name);
	else if (optopt) {
		if (prog->bit == CLI_SALVO)
			refused = cli_zmap_refused(NULL, optopt);
		snprintf(err, errlen, "-%c: %s", optopt, refused ?: unknown);
	} else {
		if (prog->bit == CLI_SALVO)
			refused = cli_zmap_long_refused(arg);
		snprintf(err, errlen, "%s: %s", arg, refused ?: unknown);
	}
	return -EINVAL;
}

/* An IPv6 target: taken whatever its size, the largest kept for the guard (resolve.c). */
static int cli_add_target6(struct cli_parse *p, const char *value, const char *prefix, char *err,
			   size_t errlen)
{
	struct target6_range r;
	struct target6_addr size;
	char why[CLI_ERRLEN - 64];

	if (target6_parse(value, TARGET6_NO_GUARD, &r, why, sizeof(why))) {
		snprintf(err, errlen, "%s%s", prefix, why);
		return -EINVAL;
	}
	size = target6_sub(r.last, r.first);
	if (size.hi || size.lo == UINT64_MAX)
		size.lo = UINT64_MAX;
	else
		size.lo++;
	if (!p->v6_largest || size.lo > p->v6_largest_size) {
		p->v6_largest = value;
		p->v6_largest_size = size.lo;
	}
	if (target6_set_add(&p->cfg->targets6, &r)) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

int cli_add_target(struct cli_parse *p, const char *value, const char *prefix, char *err,
		   size_t errlen)
{
	struct target_range r;
	const char *why;
	int ret;

	/* Targets on the command line replace those of the config file. */
	if (p->argi >= 1 && p->argi <= p->origin->file_args) {
		p->file_targets = 1;
	} else if (p->file_targets) {
		target_set_free(&p->cfg->targets);
		target_set_init(&p->cfg->targets);
		target6_set_free(&p->cfg->targets6);
		target6_set_init(&p->cfg->targets6);
		p->v6_largest = NULL;
		p->v6_largest_size = 0;
		p->target_file_count = 0;
		p->file_targets = 0;
	}
	p->targets_given = 1;
	if (!value)
		return 0; /* -w loads its file itself */
	if (strchr(value, ':'))
		return (ret = cli_add_target6(p, value, prefix, err, errlen)) ? ret : 0;
	if (target_parse_range(value, &r, &why)) {
		snprintf(err, errlen, "%s'%s': %s", prefix, value, why);
		return -EINVAL;
	}
	if (target_set_add(&p->cfg->targets, r)) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* Every option's default, as if given (CLI_LATER ones are kept for resolve.c). */
static int cli_defaults(struct cli_parse *p, const char *argv0, char *err, size_t errlen)
{
	const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
	int ret;

	cli_options_init();
	for (size_t i = 0; i < cli_option_count; i++)
		if (cli_options[i].def &&
		    (ret = cli_apply(p, &cli_options[i], cli_options[i].def, err, errlen)))
			return ret;
	/* The orchestrator runs salvo through a hard link named "scanner". */
	p->cfg->dialect_anyscan = p->program->bit == CLI_SALVO && strcmp(base, "scanner") == 0;
	return 0;
}

static int cli_read_options(struct cli_parse *p, int argc, char **argv, char *err, size_t errlen)
{
	int opt, ret;

	cli_getopt_tables(p->program);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		const struct cli_option *o;
		size_t i;

		p->argi = optind - 1;
		if (opt == ':' || opt == '?')
			return cli_getopt_error(p->program, argv, opt, err, errlen);
		o = opt >= 256 ? &cli_options[opt - 256]
			       : cli_option_by_letter(opt, p->program->bit);
		i = (size_t)(o - cli_options);
		p->given[i] = 1;
		p->argi_of[i] = p->argi;
		if ((ret = cli_apply(p, o, optarg, err, errlen)) || p->done)
			return ret;
	}
	p->argi = 0;
	return 0;
}

/* An error on a line of the config file names the file and the line. */
static void cli_name_config_line(const struct cli_parse *p, char *err, size_t errlen)
{
	char msg[CLI_ERRLEN];

	if (p->argi < 1 || p->argi > p->origin->file_args)
		return;
	snprintf(msg, sizeof(msg), "%s", err);
	snprintf(err, errlen, "--config %s line %u: %s", p->origin->path, p->origin->line[p->argi],
		 msg);
}

int cli_parse_program(const struct cli_program *prog, int argc, char **argv, struct cli_config *cfg,
		      char *err, size_t errlen)
{
	struct cli_origin origin = { 0 };
	struct cli_parse p;
	/* -C is salvo's: a tool given one says it does not know the option. */
	char *config = cli_option_in(cli_option_find("config"), prog->bit)
			       ? cli_config_find(argc, argv)
			       : NULL;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	memset(&p, 0, sizeof(p));
	target_set_init(&cfg->scan.targets);
	target6_set_init(&cfg->scan.targets6);
	target_set_init(&p.block);
	target6_set_init(&p.block6);
	p.program = prog;
	p.cfg = &cfg->scan;
	p.tool = &cfg->tool;
	p.origin = &origin;
	if (config) {
		if ((ret = cli_config_load(config, argc, argv, cfg, &origin, &argc, err, errlen)))
			goto out;
		origin.config_arg = config;
		cfg->config_file = config;
		argv = cfg->config_argv;
	}
	if (!(ret = cli_defaults(&p, argv[0], err, errlen)) &&
	    !(ret = cli_read_options(&p, argc, argv, err, errlen)) && !p.done)
		ret = prog->resolve(&p, argc, argv, optind, err, errlen);
	if (ret)
		cli_name_config_line(&p, err, errlen);
out:
	target_set_free(&p.block);
	target6_set_free(&p.block6);
	if (ret || p.done)
		cli_config_free(cfg);
	return ret ? ret : p.done;
}

const struct cli_program cli_salvo = {
	.name = "salvo",
	.bit = CLI_SALVO,
	.summary = "a fast stateless Internet-scale port scanner (ZMap-compatible options)",
	.usage =
		"usage: salvo [options] [TARGET...]\n"
		"  TARGET is an IPv4 or IPv6 address, a CIDR block or prefix (198.18.1.0/24,\n"
		"  2001:2::/120) or a range (198.18.1.10-198.18.1.20); -w, -I and\n"
		"  --ipv6-target-file read more from files.  A scan needs a target and -p (the\n"
		"  icmp modules take no -p); a dry run (--dryrun, --fast-dryrun) needs no target:\n"
		"  without one it covers the whole IPv4 space less the blocklist.  Reserved and\n"
		"  private ranges are blocked unless -b replaces the built-in blocklist.\n",
	.epilog = "SIGINT/SIGTERM stop the scan (results kept); SIGUSR1/SIGUSR2: rate +/-5%.\n",
	.resolve = cli_resolve,
};

int cli_parse(int argc, char **argv, struct cli_config *cfg, char *err, size_t errlen)
{
	return cli_parse_program(&cli_salvo, argc, argv, cfg, err, errlen);
}

void cli_config_free(struct cli_config *cfg)
{
	target_set_free(&cfg->scan.targets);
	target6_set_free(&cfg->scan.targets6);
	target_ports_free(&cfg->scan.ports);
	free(cfg->config_text);
	free(cfg->config_arena);
	free(cfg->config_argv);
	free(cfg->config_lines);
	cfg->config_text = cfg->config_arena = NULL;
	cfg->config_argv = NULL;
	cfg->config_lines = NULL;
}
