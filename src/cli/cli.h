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

/* The scan's configuration, and what the command line keeps to fill it. */
struct cli_config {
	struct scan_config scan;
	/* -C/--config: the file's text and the arguments made of it (values point into them). */
	const char *config_file;
	char *config_text, *config_arena;
	char **config_argv;
	unsigned *config_lines;
};

/*
 * Parse argv into cfg.  Returns 0 to scan, 1 when the run is complete
 * (--help, --version printed to stdout), or -EINVAL/-ENOMEM with one line
 * for the user in err (without the "salvo: " prefix).
 */
int cli_parse(int argc, char **argv, struct cli_config *cfg, char *err, size_t errlen);
void cli_config_free(struct cli_config *cfg);

/* Value parsers, exposed for the unit tests. */
int cli_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int cli_parse_rate(const char *s, uint64_t *pps);
/* Bytes, with an optional K, M or G (KB/KiB...: powers of 1024); 0 or -EINVAL/-ERANGE. */
int cli_parse_size(const char *s, uint64_t *bytes);
int cli_parse_mac(const char *s, uint8_t mac[6]);
int cli_parse_percent(const char *s, double *out);

#endif
