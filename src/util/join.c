/* join_append: see join.h. */
#include "util/join.h"

#include <stdio.h>
#include <string.h>

void join_append(char *buf, size_t size, const char *name)
{
	size_t used = strnlen(buf, size);

	if (used + 1 >= size)
		return;
	snprintf(buf + used, size - used, "%s%s", used ? ", " : "", name);
}
