/*
 * -m/--metadata-file: a JSON document about the scan, written when it ends: the
 * configuration, the engine and the mode it reached, the counts and timings.
 */
#ifndef SALVO_SCAN_METADATA_H
#define SALVO_SCAN_METADATA_H

#include <stddef.h>

struct scan;

/* Open the file (if asked): a bad path fails before anything is sent; 0 or -errno + err. */
int scan_metadata_open(struct scan *s, char *err, size_t errlen);

/* Write the document (status: the scan's result, 0 = success) and close the file; 0 or -errno.
 * Reads the engine's counters: call it before the engine is closed. */
int scan_metadata_close(struct scan *s, int status);

#endif
