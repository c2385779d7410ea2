/*
 * The command line: ZMap-compatible options parsed into a struct
 * scan_config.  Parsing validates every value and loads list files, but
 * opens no socket and needs no privilege: a bad value is reported before
 * anything touches the network.
 */
#ifndef SALVO_CLI_CLI_H
#define SALVO_CLI_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "scan/config.h"

#define CLI_ERRLEN 512

/*
 * The programs of salvo's one binary: salvo itself, and the tools it is run as under another
 * name (src/tools).  The option table is one for all of them; each entry says which programs
 * take it, by these bits.
 */
enum cli_program_bit {
	CLI_SALVO = 1 << 0,
	CLI_ITERATE = 1 << 1,
	CLI_BLOCKLIST = 1 << 2,
	CLI_TEE = 1 << 3,
};

struct cli_parse;

/* One program's command line: its options, its --help, and what its operands are. */
struct cli_program {
	const char *name;    /* what --help, --version and its errors call it */
	unsigned bit;	     /* its options: the table's entries with this bit */
	const char *summary; /* --help's first line, after the name and version */
	const char *usage;   /* --help's lines before the options */
	const char *epilog;  /* --help's lines after them, or NULL */
	/* Once every option is read: the operands argv[first..argc-1], defaults that depend on
	 * other options, and the rules between options; 0 or -errno with a line in err. */
	int (*resolve)(struct cli_parse *p, int argc, char **argv, int first, char *err,
		       size_t errlen);
};

/* The tools' own options and operand (src/tools); salvo leaves them 0. */
struct cli_tool_config {
	int no_duplicate_checking; /* salvo-blocklist: print an address each time it comes */
	int ignore_input_errors;   /* salvo-blocklist: leave out lines that are no address */
	int raw;		   /* salvo-tee: whole lines to stdout */
	int success_only;	   /* salvo-tee: only rows whose success column is 1 or true */
	int monitor;		   /* salvo-tee: a progress line on stderr every second */
	const char *file;	   /* salvo-tee: the FILE the input is copied to */
};

/* The scan's configuration, and what the command line keeps to fill it. */
struct cli_config {
	struct scan_config scan;
	struct cli_tool_config tool;
	/* -C/--config: the file's text and the arguments made of it (values point into them). */
	const char *config_file;
	char *config_text, *config_arena;
	char **config_argv;
	unsigned *config_lines;
};

/* salvo's own command line (also run as "scanner", the orchestrator's dialect). */
extern const struct cli_program cli_salvo;

/*
 * Parse argv into cfg as program prog's command line.  Returns 0 to run, 1 when the run is
 * complete (--help, --version printed to stdout), or -EINVAL/-ENOMEM with one line for the
 * user in err (without the "salvo: " prefix).  cli_parse is salvo's.
 */
int cli_parse_program(const struct cli_program *prog, int argc, char **argv, struct cli_config *cfg,
		      char *err, size_t errlen);
int cli_parse(int argc, char **argv, struct cli_config *cfg, char *err, size_t errlen);
void cli_config_free(struct cli_config *cfg);

/* The tools' resolve steps (struct cli_program), with salvo's own rules where they share them
 * (resolve.c). */
int cli_resolve_iterate(struct cli_parse *p, int argc, char **argv, int first, char *err,
			size_t errlen);
int cli_resolve_blocklist(struct cli_parse *p, int argc, char **argv, int first, char *err,
			  size_t errlen);
int cli_resolve_tee(struct cli_parse *p, int argc, char **argv, int first, char *err,
		    size_t errlen);

/* Value parsers, exposed for the unit tests. */
int cli_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int cli_parse_rate(const char *s, uint64_t *pps);
/* Bytes, with an optional K, M or G (KB/KiB...: powers of 1024); 0 or -EINVAL/-ERANGE. */
int cli_parse_size(const char *s, uint64_t *bytes);
int cli_parse_mac(const char *s, uint8_t mac[6]);
int cli_parse_percent(const char *s, double *out);

#endif
