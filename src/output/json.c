/* json: one JSON object per result and line (JSON Lines), with the fields chosen by -f. */
#include "output/output.h"

#include <errno.h>

#include "util/json.h"

static int json_write(struct output *o, const struct probe_result *r)
{
	char value[OUTPUT_VALUE_MAX];
	struct json_writer w;

	json_start(&w, o->file, 0);
	json_object(&w, NULL);
	for (unsigned i = 0; i < o->fields.count; i++) {
		const char *name = output_fields_name(&o->fields, i);

		output_fields_format(&o->fields, i, r, value);
		/* A probe module's strings come from the network: json_string escapes them. */
		if (output_fields_type(&o->fields, i) == OUTPUT_TYPE_STRING)
			json_string(&w, name, value);
		else
			json_raw(&w, name, value);
	}
	json_end(&w);
	fputc('\n', o->file);
	return ferror(o->file) ? -EIO : 0;
}

const struct output_ops output_json_ops = {
	.name = "json",
	.help = "one JSON object per line with the fields of -f",
	.write = json_write,
};
