/* salvo's messages (not its status lines or results), at ZMap's levels: -v picks how many,
 * -l or -L sends them to a file instead of stderr.  Errors that end the run always reach
 * stderr too, since whoever started salvo reads them there. */
#ifndef SALVO_UTIL_LOG_H
#define SALVO_UTIL_LOG_H

#include <stddef.h>

/* ZMap's verbosity levels (-v N prints the levels up to N; 3 by default). */
enum log_level { LOG_FATAL, LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG_TRACE };

#define LOG_LEVEL_DEFAULT LOG_INFO

/* Messages up to level verbosity, to file (-l), or to a new timestamped file in dir (-L),
 * or to stderr (both NULL).  0, or -errno with a line in err. */
int log_open(unsigned verbosity, const char *file, const char *dir, char *err, size_t errlen);

/* What messages begin with: "salvo" unless a tool says its own name (src/tools). */
void log_set_name(const char *name);

/* One message line, "salvo: " (or the tool's name) and fmt (no newline needed). */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whether a message at level would be written (to skip formatting it). */
int log_enabled(enum log_level level);

void log_close(void);

#endif
