/*
 * salvo's companion tools: ZMap's ziterate, zblocklist and ztee over salvo's targets,
 * blocklist and permutation (src/target), with ZMap's options.  A tool is salvo's binary run
 * under the tool's name (the build makes hard links): main() asks tool_by_name which tool,
 * if any, the name it was run as is, parses the tool's command line (src/cli: the one option
 * table, each entry saying which programs take it) and calls tool_run.
 *
 * Adding a tool is one file filling one const struct tool_ops, one line of the table in
 * tools.c, its bit in enum cli_program_bit, and its options' bits in the option table.
 */
#ifndef SALVO_TOOLS_TOOLS_H
#define SALVO_TOOLS_TOOLS_H

#include <stddef.h>

#include "cli/cli.h"

struct tool_ops {
	/* Its name (salvo-iterate), a one-line summary and --help, the bit that picks its
	 * options from the table, and how its operands and options are resolved. */
	struct cli_program program;
	const char *zmap_name; /* the ZMap tool it stands in for, whose name it answers to */
	/*
	 * Do the work of the resolved command line cfg, reading stdin and writing stdout as the
	 * tool does.  Returns 0, or -errno with one line in err (without the tool's name, which
	 * main adds).  The messages it logs go through util/log, opened by main.
	 */
	int (*run)(const struct cli_config *cfg, char *err, size_t errlen);
};

extern const struct tool_ops tool_iterate, tool_blocklist, tool_tee;

/* The tool whose salvo- or ZMap name is argv0's last component, or NULL (salvo itself). */
const struct tool_ops *tool_by_name(const char *argv0);

static inline int tool_run(const struct tool_ops *tool, const struct cli_config *cfg, char *err,
			   size_t errlen)
{
	return tool->run(cfg, err, errlen);
}

#endif
