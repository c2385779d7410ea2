/* json: one JSON object per result and line (JSON Lines), with the fields chosen by -f. */
#include "output/output.h"

#include <errno.h>
#include <string.h>

/* Field values are addresses, numbers and plain words; escape anyway, never trust them. */
static size_t json_escape(const char *in, char *out)
{
	size_t n = 0;

	for (; *in; in++)
		n += output_json_escape_byte((unsigned char)*in, out + n);
	return n;
}

static int json_write(struct output *o, const struct probe_result *r)
{
	char line[OUTPUT_FIELD_COUNT * (6 * OUTPUT_FIELD_TEXT_MAX + 24) + 4];
	char value[OUTPUT_FIELD_TEXT_MAX];
	size_t used = 0;

	line[used++] = '{';
	for (unsigned i = 0; i < o->fields.count; i++) {
		enum output_field id = o->fields.id[i];
		const char *name = output_field_name(id);
		size_t nlen = strlen(name);

		if (i)
			line[used++] = ',';
		line[used++] = '"';
		memcpy(line + used, name, nlen);
		used += nlen;
		line[used++] = '"';
		line[used++] = ':';
		output_field_format(id, r, value);
		if (output_field_type(id) == OUTPUT_TYPE_STRING) {
			line[used++] = '"';
			used += json_escape(value, line + used);
			line[used++] = '"';
		} else {
			nlen = strlen(value);
			memcpy(line + used, value, nlen);
			used += nlen;
		}
	}
	line[used++] = '}';
	line[used++] = '\n';
	return fwrite(line, 1, used, o->file) == used ? 0 : -EIO;
}

const struct output_ops output_json_ops = {
	.name = "json",
	.help = "one JSON object per line with the fields of -f",
	.write = json_write,
};
