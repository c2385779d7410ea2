/*
 * Formatting helpers for the probe modules' own output fields (struct probe_field):
 * the bytes they format come from the network, so what is written is always
 * printable and never holds the csv separator or a quote.
 */
#ifndef SALVO_PROBE_FIELD_H
#define SALVO_PROBE_FIELD_H

#include <stddef.h>
#include <stdint.h>

/* Lower-case hex of data[0..len) into buf (cap bytes, NUL-terminated, cut to fit); the length. */
size_t probe_field_hex(const uint8_t *data, size_t len, char *buf, size_t cap);

/*
 * data[0..len) as text: printable ASCII kept except ',' '"' '\\', anything else written as
 * \xHH.  Cut to fit cap (NUL-terminated) at a whole character; returns the length.
 */
size_t probe_field_text(const uint8_t *data, size_t len, char *buf, size_t cap);

/* An unsigned number in decimal; returns the length (buf must hold 21 bytes). */
size_t probe_field_uint(uint64_t v, char *buf, size_t cap);

/* "null": a numeric field the result has no value for (JSON's null in json output). */
size_t probe_field_null(char *buf, size_t cap);

#endif
