/*
 * Name lists for messages and --help ("af_packet, af_xdp, pfring_zc"): one appender instead
 * of a snprintf loop in every registry, and one that cannot run past its buffer.
 */
#ifndef SALVO_UTIL_JOIN_H
#define SALVO_UTIL_JOIN_H

#include <stddef.h>

/* Append name to the ", "-separated list in buf (size bytes, NUL-terminated), cut to fit. */
void join_append(char *buf, size_t size, const char *name);

#endif
