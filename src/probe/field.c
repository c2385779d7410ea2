/* Formatting of the probe modules' own fields; see field.h.  Runs in the output writer thread. */
#include "probe/field.h"

#include <stdio.h>

static const char hex_digits[] = "0123456789abcdef";

size_t probe_field_hex(const uint8_t *data, size_t len, char *buf, size_t cap)
{
	size_t n = 0;

	if (!cap)
		return 0;
	for (size_t i = 0; i < len && n + 2 < cap; i++) {
		buf[n++] = hex_digits[data[i] >> 4];
		buf[n++] = hex_digits[data[i] & 15];
	}
	buf[n] = '\0';
	return n;
}

size_t probe_field_text(const uint8_t *data, size_t len, char *buf, size_t cap)
{
	size_t n = 0;

	if (!cap)
		return 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = data[i];

		if (c >= 0x20 && c < 0x7f && c != ',' && c != '"' && c != '\\') {
			if (n + 1 >= cap)
				break;
			buf[n++] = (char)c;
		} else {
			if (n + 4 >= cap)
				break;
			buf[n++] = '\\';
			buf[n++] = 'x';
			buf[n++] = hex_digits[c >> 4];
			buf[n++] = hex_digits[c & 15];
		}
	}
	buf[n] = '\0';
	return n;
}

size_t probe_field_uint(uint64_t v, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%llu", (unsigned long long)v);

	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

size_t probe_field_null(char *buf, size_t cap)
{
	return probe_field_text((const uint8_t *)"null", 4, buf, cap);
}
