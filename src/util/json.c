/* The JSON writer; see json.h. */
#include "util/json.h"

#include <string.h>

size_t json_escape_byte(unsigned char c, char out[6])
{
	static const char hex[] = "0123456789abcdef";

	if (c == '"' || c == '\\') {
		out[0] = '\\';
		out[1] = (char)c;
		return 2;
	}
	if (c < 0x20) {
		memcpy(out, "\\u00", 4);
		out[4] = hex[c >> 4];
		out[5] = hex[c & 15];
		return 6;
	}
	out[0] = (char)c;
	return 1;
}

static void json_quoted(FILE *f, const char *s)
{
	char esc[6];

	fputc('"', f);
	for (; s && *s; s++)
		fwrite(esc, 1, json_escape_byte((unsigned char)*s, esc), f);
	fputc('"', f);
}

/* The comma, line break and indent before a member, and its key. */
static void json_member(struct json_writer *w, const char *key)
{
	if (w->filled[w->depth])
		fputc(',', w->f);
	w->filled[w->depth] = 1;
	if (w->pretty && w->depth) {
		fputc('\n', w->f);
		for (unsigned i = 0; i < w->depth; i++)
			fputs("  ", w->f);
	}
	if (key) {
		json_quoted(w->f, key);
		fputs(w->pretty ? ": " : ":", w->f);
	}
}

void json_start(struct json_writer *w, FILE *f, int pretty)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->pretty = pretty;
}

static void json_open(struct json_writer *w, const char *key, char open, char close)
{
	json_member(w, key);
	fputc(open, w->f);
	if (w->depth < JSON_DEPTH_MAX) {
		w->filled[++w->depth] = 0;
		w->closer[w->depth] = close;
	}
}

void json_object(struct json_writer *w, const char *key)
{
	json_open(w, key, '{', '}');
}

void json_array(struct json_writer *w, const char *key)
{
	json_open(w, key, '[', ']');
}

void json_end(struct json_writer *w)
{
	int any = w->filled[w->depth];
	char c = w->closer[w->depth];

	if (!w->depth)
		return;
	w->depth--;
	if (w->pretty && any) {
		fputc('\n', w->f);
		for (unsigned i = 0; i < w->depth; i++)
			fputs("  ", w->f);
	}
	fputc(c, w->f);
}

void json_string(struct json_writer *w, const char *key, const char *value)
{
	json_member(w, key);
	json_quoted(w->f, value);
}

void json_uint(struct json_writer *w, const char *key, uint64_t value)
{
	json_member(w, key);
	fprintf(w->f, "%llu", (unsigned long long)value);
}

void json_bool(struct json_writer *w, const char *key, int value)
{
	json_member(w, key);
	fputs(value ? "true" : "false", w->f);
}

void json_double(struct json_writer *w, const char *key, int decimals, double value)
{
	json_member(w, key);
	fprintf(w->f, "%.*f", decimals, value);
}

void json_raw(struct json_writer *w, const char *key, const char *value)
{
	json_member(w, key);
	fputs(value, w->f);
}
