/*
 * The only list of salvo's tools (see tools.h), and the lookup by the name the binary was
 * run as.  main() is its one caller.
 */
#include "tools/tools.h"

#include <string.h>

static const struct tool_ops *const tools[] = {
	&tool_iterate,
	&tool_blocklist,
	&tool_tee,
};

const struct tool_ops *tool_by_name(const char *argv0)
{
	const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (strcmp(base, tools[i]->program.name) == 0 ||
		    strcmp(base, tools[i]->zmap_name) == 0)
			return tools[i];
	return NULL;
}
