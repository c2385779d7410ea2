/* json: one JSON object per result and line (JSON Lines), with the fields chosen by -f. */
#include "output/output.h"

#include <errno.h>

#include "util/json.h"

static int json_write(struct output *o, const struct probe_result *r)
{
	char value[OUTPUT_FIELD_TEXT_MAX];
	struct json_writer w;

	json_start(&w, o->file, 0);
	json_object(&w, NULL);
	for (unsigned i = 0; i < o->fields.count; i++) {
		enum output_field id = o->fields.id[i];

		output_field_format(id, r, value);
		/* Field values are addresses, numbers and plain words: escaped anyway. */
		if (output_field_type(id) == OUTPUT_TYPE_STRING)
			json_string(&w, output_field_name(id), value);
		else
			json_raw(&w, output_field_name(id), value);
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
