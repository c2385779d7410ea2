/*
 * Output modules: how results are written.
 *
 * Fields are named and formatted once, here; a module decides only how a
 * record of formatted fields is laid out (csv now; json and list follow).
 * Only the output writer thread calls write, so modules need no locking.
 */
#ifndef SALVO_OUTPUT_OUTPUT_H
#define SALVO_OUTPUT_OUTPUT_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "probe/probe.h"

enum output_field {
	OUTPUT_FIELD_SADDR,
	OUTPUT_FIELD_DADDR,
	OUTPUT_FIELD_SPORT,
	OUTPUT_FIELD_DPORT,
	OUTPUT_FIELD_CLASSIFICATION,
	OUTPUT_FIELD_SUCCESS,
	OUTPUT_FIELD_TTL,
	OUTPUT_FIELD_IPID,
	OUTPUT_FIELD_WINDOW,
	OUTPUT_FIELD_TIMESTAMP,
	OUTPUT_FIELD_REPEAT,
	OUTPUT_FIELD_PROBE,
	/* ZMap's names for what the fields above hold, and its cooldown flag. */
	OUTPUT_FIELD_SADDR_RAW,
	OUTPUT_FIELD_DADDR_RAW,
	OUTPUT_FIELD_COOLDOWN,
	OUTPUT_FIELD_TIMESTAMP_STR,
	OUTPUT_FIELD_TIMESTAMP_TS,
	OUTPUT_FIELD_TIMESTAMP_US,
	OUTPUT_FIELD_COUNT
};

/* How a field is written where the format distinguishes (json: strings are quoted). */
enum output_field_type { OUTPUT_TYPE_STRING, OUTPUT_TYPE_NUMBER };

/* Fields the probe module adds are numbered from OUTPUT_FIELD_COUNT, in its table's order. */
#define OUTPUT_FIELDS_MAX 64

/* The fields -f chose: salvo's (enum output_field) and the probe module's. */
struct output_fields {
	unsigned count;
	unsigned id[OUTPUT_FIELDS_MAX];
	const struct probe_ops *probe; /* whose fields the ids past OUTPUT_FIELD_COUNT are */
};

#define OUTPUT_FIELD_TEXT_MAX 48   /* salvo's own fields (an IPv6 address: 46 with its NUL) */
#define OUTPUT_VALUE_MAX      1024 /* any field, the probe module's included */

struct output;

struct output_ops {
	const char *name;
	const char *help;
	/* Write what precedes the first record (a csv header); may be NULL. */
	int (*open)(struct output *o);
	/* Write one result; 0 or -errno. */
	int (*write)(struct output *o, const struct probe_result *r);
	/* Write what follows the last record; may be NULL.  The core flushes and closes it. */
	int (*close)(struct output *o);
};

/* A batch is written out when it holds this many records or bytes (output_batch_full). */
#define OUTPUT_BATCH_RECORDS 4096
#define OUTPUT_BATCH_BYTES   (64 * 1024)

struct output {
	const struct output_ops *ops;
	FILE *file; /* what modules write to: the batch in memory (sink.c) */
	struct output_fields fields;
	int multi_port; /* more than one port scanned: list writes ip:port */
	int continuing; /* appending to a file that already has records: no header */
	int begun;	/* output_begin wrote the header */
	const char *probe_name;
	/* Where the batch goes (sink.c). */
	int fd;
	int fd_owned;	   /* opened here (not stdout): closed by output_close */
	int stream;	   /* a pipe, socket or terminal: writes wait in poll, cancellably */
	int seekable;	   /* a regular file: a failed batch is cut back to whole records */
	const int *cancel; /* if set: a wait on a stream ends with -ECANCELED once it is set */
	/* If set: told after each write(2) which of the batch's records, [from, to), are now
	 * wholly out (a stalled pipe takes a batch in pieces; a kill may come between). */
	void (*on_written)(void *ctx, unsigned from, unsigned to);
	void *on_written_ctx;
	char *batch;
	size_t batch_len, batch_cap;
	unsigned records;		    /* in the batch */
	size_t ends[OUTPUT_BATCH_RECORDS];  /* where each record of the batch ends */
	unsigned long long records_written; /* records that reached fd, all batches */
};

const struct output_ops *output_by_name(const char *name);
const char *output_list(void);

/*
 * Parse "saddr,sport": salvo's fields and those of probe (may be NULL), or "*" for every one
 * (as ZMap); 0 or -EINVAL with "'NAME': unknown field (choose: ...)" in err.
 */
int output_fields_parse(const char *s, const struct probe_ops *probe, struct output_fields *f,
			char *err, size_t errlen);
const char *output_field_name(enum output_field id);
enum output_field_type output_field_type(enum output_field id);

/* The i-th chosen field's name, type and value (buf: OUTPUT_VALUE_MAX bytes; returns length). */
const char *output_fields_name(const struct output_fields *f, unsigned i);
enum output_field_type output_fields_type(const struct output_fields *f, unsigned i);
size_t output_fields_format(const struct output_fields *f, unsigned i, const struct probe_result *r,
			    char *buf);

/* Print every field with its type and meaning, one per line, then those of each probe
 * module that has its own (--list-output-fields). */
void output_fields_describe(FILE *f);
/* Print every output module with its help line (--list-output-modules). */
void output_modules_describe(FILE *f);
const char *output_field_names(void);

/* RFC 3339 in UTC with microseconds (2026-11-25T16:37:09.123456Z) into buf
 * (OUTPUT_FIELD_TEXT_MAX bytes); returns the length. */
size_t output_format_timestamp(uint64_t us, char *buf);

/* Format one field of r as text into buf (OUTPUT_FIELD_TEXT_MAX bytes); returns the length. */
size_t output_field_format(enum output_field id, const struct probe_result *r, char *buf);

/*
 * sink.c: records are formatted into a batch in memory and written to the file in one go, so
 * that a write that fails is known to the record: a regular file is cut back to its last
 * whole record, and the caller learns how many of the batch reached it.
 *
 * Open path ("-" = stdout); 0 or -errno with a line in err.
 * multi_port and probe_name describe the scan for modules and fields that need them;
 * append (--resume) adds to the file instead of replacing it.
 */
int output_open(struct output *o, const struct output_ops *ops, const char *path,
		const struct output_fields *fields, int multi_port, const char *probe_name,
		int append, char *err, size_t errlen);
/* Write what precedes the records (the module's open: a csv header), once, when the scan is
 * about to start, so that a scan that fails to start leaves no header on stdout. */
int output_begin(struct output *o);
/* Format one result into the batch; 0 or -errno.  Flush when output_batch_full says so. */
int output_write(struct output *o, const struct probe_result *r);
static inline int output_batch_full(const struct output *o)
{
	return o->records == OUTPUT_BATCH_RECORDS || o->batch_len >= OUTPUT_BATCH_BYTES;
}
/*
 * Write the batch out; 0 or -errno (-ECANCELED: *cancel was set while a stream would not
 * take it; -EPIPE: its reader has gone).  Either way the batch is empty after, and *written
 * (may be NULL) says how many of its records reached the file, in order: on failure the
 * rest did not (a regular file is cut back to the end of the last of those).
 */
int output_flush(struct output *o, unsigned *written);
/* Module close, the last batch, close; returns the first error. */
int output_close(struct output *o);

#endif
