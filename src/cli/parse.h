/*
 * One parse of a command line, shared by the files of src/cli: the options' values as they
 * are read (cli.c), taken apart by kind (values.c) or by the option's own parser
 * (parsers.c), then resolved into a complete scan configuration (resolve.c).
 */
#ifndef SALVO_CLI_PARSE_H
#define SALVO_CLI_PARSE_H

#include "cli/options.h"

/* Where the arguments came from: argv[1..file_args] are lines of the --config file. */
struct cli_origin {
	const char *path;
	int file_args;
	const unsigned *line;	/* line number of each file argument, by argv index */
	const char *config_arg; /* the command line's -C/--config value, NULL = none */
};

#define CLI_TARGET_FILES_MAX 16

struct cli_parse {
	const struct cli_program *program; /* whose command line this is */
	struct scan_config *cfg;
	struct cli_tool_config *tool;
	const struct cli_origin *origin;
	int argi;			      /* the argument being handled (for errors) */
	int argi_of[CLI_OPTIONS_MAX];	      /* the argument each option came from */
	unsigned char given[CLI_OPTIONS_MAX]; /* the option was given (not a default) */
	const char *later[CLI_OPTIONS_MAX];   /* CLI_LATER values */
	struct target_set block;	      /* the blocklist, while it is built */
	struct target6_set block6;	      /* its IPv6 part */
	/* The largest IPv6 target given on the command line, held to --max-v6-prefix-size once
	 * every option is read: its text and its size (UINT64_MAX: 2^64 or more). */
	const char *v6_largest;
	uint64_t v6_largest_size;
	int targets_given; /* a target, -w or --target-range was given */
	/* -w and -I files, loaded once every option is read (--ignore-blocklist-errors may
	 * come after them). */
	struct {
		const struct cli_option *o;
		const char *path;
		int argi;
	} target_files[CLI_TARGET_FILES_MAX];
	unsigned target_file_count;
	int file_targets; /* ... by the config file: the command line's replace them */
	/* cfg->nics as the options name them: the place of each in -i's list (0: not listed
	 * yet, only named by an IF=VALUE item: which option, which argument), and whether the
	 * list so far is the config file's (the command line's -i replaces it). */
	unsigned nic_order[SCAN_NICS_MAX];
	unsigned nic_listed;
	const char *nic_named_by[SCAN_NICS_MAX];
	int nic_named_argi[SCAN_NICS_MAX];
	int file_nics;
	int done; /* --help, --version, --list-*: printed, nothing to scan */
};

/* config_file.c: the -C/--config value on the command line (before any "--"), or NULL. */
char *cli_config_find(int argc, char **argv);
/*
 * Read the config file at path into arguments "--key=value" / "--key" placed before the
 * command line's (their memory is cfg's); the new argv is cfg->config_argv, its length
 * *new_argc; origin says which arguments are the file's lines.  0 or -errno + err.
 */
struct cli_config;
int cli_config_load(const char *path, int argc, char **argv, struct cli_config *cfg,
		    struct cli_origin *origin, int *new_argc, char *err, size_t errlen);

/* Take value for option o (its kind's parser, or its own); 0 or -errno with a line in err. */
int cli_apply(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
	      size_t errlen);

/* Was the option of that long name given?  Its CLI_LATER value (or default), or NULL.  The
 * argument it came from is made the one errors name. */
int cli_given(const struct cli_parse *p, const char *name);
const char *cli_later(struct cli_parse *p, const char *name);

/* "OPT: 'VALUE': expected EXPECTED" into err; returns -EINVAL. */
int cli_bad_value(char *err, size_t errlen, const char *opt, const char *value,
		  const char *expected);

/* Set the CLI_LATER value of the option of that long name, as if given. */
void cli_set_later(struct cli_parse *p, const char *name, const char *value);

/* parsers.c: once the engine is known: cfg->nics in -i's order (for an engine whose ports
 * are no interfaces, in the order of its ports), every IF=VALUE item matched to one of them;
 * 0 or -EINVAL with a line in err. */
int cli_resolve_nics(struct cli_parse *p, char *err, size_t errlen);

/* Add one positional or --target-range target; 0 or -errno with a line in err. */
int cli_add_target(struct cli_parse *p, const char *value, const char *prefix, char *err,
		   size_t errlen);

/* Once every option is read: defaults of the dialect, names to modules, files, the rules
 * between options; 0 or -errno with a line in err. */
int cli_resolve(struct cli_parse *p, int argc, char **argv, int first_target, char *err,
		size_t errlen);

#endif
