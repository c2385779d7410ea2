/* csv: a header line naming the fields, then one comma-separated line per result. */
#include "output/output.h"

#include <errno.h>

static int csv_open(struct output *o)
{
	for (unsigned i = 0; i < o->fields.count; i++) {
		if (i && fputc(',', o->file) == EOF)
			return -EIO;
		if (fputs(output_fields_name(&o->fields, i), o->file) == EOF)
			return -EIO;
	}
	return fputc('\n', o->file) == EOF ? -EIO : 0;
}

static int csv_write(struct output *o, const struct probe_result *r)
{
	char line[OUTPUT_FIELDS_MAX * (OUTPUT_VALUE_MAX + 1) + 1];
	size_t used = 0;

	for (unsigned i = 0; i < o->fields.count; i++) {
		if (i)
			line[used++] = ',';
		used += output_fields_format(&o->fields, i, r, line + used);
	}
	line[used++] = '\n';
	return fwrite(line, 1, used, o->file) == used ? 0 : -EIO;
}

const struct output_ops output_csv_ops = {
	.name = "csv",
	.help = "comma-separated values with a header line",
	.open = csv_open,
	.write = csv_write,
};
