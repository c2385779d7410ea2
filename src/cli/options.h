/*
 * The option table: every command-line option of salvo, once.  Everything else about an
 * option is derived from its entry: getopt's arrays, --help, the keys a -C config file
 * may use, --list-options (from which the build generates the man page's option sections
 * and the bash completion), and how its value is parsed and where it goes.  Adding an
 * option is adding an entry (and, for a new kind of value, a parser).  The table is
 * options.c's alone; the options' own parsers are parsers.c's, and what is written from the
 * table (--help, --list-options) help.c's.
 *
 * Only the command line's files include this header.
 */
#ifndef SALVO_CLI_OPTIONS_H
#define SALVO_CLI_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "scan/config.h"

/* The sections of --help and of the man page, in their order. */
enum cli_group { CLI_TARGETS, CLI_NETWORK, CLI_SCAN, CLI_OUTPUT, CLI_RUNNING, CLI_GROUPS };

/* How an option's value is taken, and where it goes (field: an offset in struct scan_config). */
enum cli_kind {
	CLI_FLAG,    /* no value: the int at field becomes 1 */
	CLI_UINT,    /* unsigned at field: a whole number from min to max */
	CLI_U64,     /* uint64_t at field: a whole number from min to max */
	CLI_RATE,    /* uint64_t at field: a number with an optional K, M or G, at least min */
	CLI_SIZE,    /* uint64_t at field: bytes with an optional K, M or G (of 1024), min to max */
	CLI_PERCENT, /* double at field: 0 to 100, with or without a % */
	CLI_PATH,    /* const char * at field: any value but an empty one */
	CLI_STRING,  /* const char * at field: the value as given */
	CLI_CHOICE,  /* int at field: the index of the value in words */
	CLI_MAC,     /* uint8_t[6] at field, and the int at flag set */
	CLI_LATER,   /* kept as given: resolved once every option is read (resolve.c) */
	CLI_CUSTOM,  /* parse() takes it */
	CLI_ENGINE,  /* an engine's own option: kept as given, in engine_options[field] */
	CLI_TOOL_FLAG, /* no value: the int at field of struct cli_tool_config becomes 1 */
};

/* What the bash completion offers for the value. */
enum cli_complete {
	CLI_COMPLETE_NONE,
	CLI_COMPLETE_FILE,
	CLI_COMPLETE_IFACE,
	CLI_COMPLETE_USER,
	CLI_COMPLETE_WORDS
};

struct cli_parse;
struct cli_option;

typedef int (*cli_parse_fn)(struct cli_parse *p, const struct cli_option *o, const char *value,
			    char *err, size_t errlen);

struct cli_option {
	const char *name; /* the long name, without the dashes */
	int letter;	  /* the short option, 0 if none */
	const char *arg;  /* what the value is called in --help ("N", "FILE"); NULL: no value */
	enum cli_group group;
	const char *help;	   /* what it does; one %s is replaced by list() */
	const char *def;	   /* the value it has when not given, parsed as if given */
	const char *(*list)(void); /* names the help mentions (engines, probes, ...) */
	const char *man;	   /* more for the man page, after help (plain text) */
	enum cli_kind kind;
	size_t field; /* offsetof(struct scan_config, ...) */
	size_t flag;  /* CLI_MAC: offsetof the int that says it was given */
	uint64_t min, max;
	const char *const *words; /* CLI_CHOICE: the values (index = what is stored) */
	const char *expected;	  /* what a bad value is told it should be */
	cli_parse_fn parse;	  /* CLI_CUSTOM */
	const char *alias_of;	  /* set: another name for that option (nothing else is set) */
	enum cli_complete complete;
	const char *const *complete_words;  /* CLI_COMPLETE_WORDS when not words */
	const char *(*complete_list)(void); /* or a list of names, comma-separated */
	const struct io_engine_ops *engine; /* CLI_ENGINE: the engine that declared it */
	unsigned programs; /* enum cli_program_bit: who takes it; 0 = salvo alone */
};

/* Options the table may hold at most (per-option state of a parse is sized by it). */
#define CLI_OPTIONS_MAX 128

/* Does program bit take option o?  An alias goes with its option. */
int cli_option_in(const struct cli_option *o, unsigned bit);

/* The table and, after it, every engine's own options (made by cli_options_init). */
extern const struct cli_option *cli_options;
extern size_t cli_option_count;

/* Make cli_options; the first call does it, the others return at once. */
void cli_options_init(void);

/* The entry of a long name (an alias gives its option), or NULL. */
const struct cli_option *cli_option_find(const char *name);

/* Why salvo does not take a ZMap option it was given: name is the long name (no dashes, no
 * "=value") or NULL, letter its short form or 0; NULL when it is no ZMap option either. */
const char *cli_zmap_refused(const char *name, int letter);

/* The option an entry is another name for, or the entry itself. */
const struct cli_option *cli_option_canonical(const struct cli_option *o);

/* help.c: --help, --list-options: of program prog's options. */
void cli_usage(FILE *f, const struct cli_program *prog);
void cli_list_options(FILE *f, const struct cli_program *prog);

/* parsers.c: the CLI_CUSTOM entries' parsers, one per kind of value the table names. */
int cli_opt_config(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
		   size_t errlen);
int cli_opt_user(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
		 size_t errlen);
/* -w, -I and --ipv6-target-file: o says which. */
int cli_opt_target_file(struct cli_parse *p, const struct cli_option *o, const char *value,
			char *err, size_t errlen);
int cli_opt_interface(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
		      size_t errlen);
int cli_opt_gateway_mac(struct cli_parse *p, const struct cli_option *o, const char *value,
			char *err, size_t errlen);
int cli_opt_source_ip(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
		      size_t errlen);
int cli_opt_ipv6_source_ip(struct cli_parse *p, const struct cli_option *o, const char *value,
			   char *err, size_t errlen);
int cli_opt_user_metadata(struct cli_parse *p, const struct cli_option *o, const char *value,
			  char *err, size_t errlen);
int cli_opt_target_range(struct cli_parse *p, const struct cli_option *o, const char *value,
			 char *err, size_t errlen);
int cli_opt_max_targets(struct cli_parse *p, const struct cli_option *o, const char *value,
			char *err, size_t errlen);
int cli_opt_cores(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
		  size_t errlen);
int cli_opt_source_ports(struct cli_parse *p, const struct cli_option *o, const char *value,
			 char *err, size_t errlen);
/* --help, --version and the --list-* options: printed on stdout, the parse is done. */
int cli_opt_print(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
		  size_t errlen);

#endif
