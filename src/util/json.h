/*
 * A small JSON writer onto a stdio stream, used wherever salvo writes JSON (the json
 * output module, the json status line, the -m metadata): it places the commas and
 * quotes, escapes strings, and indents when asked.  Values the caller formats itself
 * (a number with its own precision) go in through json_raw.
 */
#ifndef SALVO_UTIL_JSON_H
#define SALVO_UTIL_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Objects and arrays open at once, at most: salvo's documents are shallow. */
#define JSON_DEPTH_MAX 8

struct json_writer {
	FILE *f;
	int pretty;				  /* a member a line, indented two spaces a level */
	unsigned depth;				  /* objects and arrays open */
	unsigned char filled[JSON_DEPTH_MAX + 1]; /* a member was written at this depth */
	char closer[JSON_DEPTH_MAX + 1];	  /* what closes it: '}' or ']' */
};

/* Start writing to f, on one line or (pretty) a member a line. */
void json_start(struct json_writer *w, FILE *f, int pretty);

/* Open an object or array as a member named key (NULL: at the top, or in an array); opening
 * more than JSON_DEPTH_MAX deep is the caller's bug (the extra levels are not tracked). */
void json_object(struct json_writer *w, const char *key);
void json_array(struct json_writer *w, const char *key);
void json_end(struct json_writer *w); /* closes the innermost object or array */

/* Members (key NULL in an array).  A NULL string is written as "". */
void json_string(struct json_writer *w, const char *key, const char *value);
void json_uint(struct json_writer *w, const char *key, uint64_t value);
void json_bool(struct json_writer *w, const char *key, int value);
void json_double(struct json_writer *w, const char *key, int decimals, double value);
void json_raw(struct json_writer *w, const char *key, const char *value);

/* One byte as it goes into a JSON string (quote, backslash and control bytes escaped) into
 * out; returns the length (1, 2 or 6). */
size_t json_escape_byte(unsigned char c, char out[6]);

#endif
