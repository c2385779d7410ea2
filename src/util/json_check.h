/* Whether a text is one JSON value (RFC 8259), for JSON a user hands salvo to carry into its
 * own documents (--user-metadata): checked, never interpreted. */
#ifndef SALVO_UTIL_JSON_CHECK_H
#define SALVO_UTIL_JSON_CHECK_H

#include <stddef.h>

/* Nesting deeper than this is refused: a user's metadata has no need of it, and the checker
 * recurses. */
#define JSON_CHECK_DEPTH_MAX 64

/* 0 if text (NUL-terminated) is exactly one JSON value with optional white space around it;
 * otherwise -1, with the byte offset of the first error in *where. */
int json_check(const char *text, size_t *where);

#endif
