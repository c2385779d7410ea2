/* salvo's message log; see log.h. */
#include "util/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static unsigned log_verbosity = LOG_LEVEL_DEFAULT;
static FILE *log_file; /* NULL: stderr */
static const char *log_name = "salvo";

void log_set_name(const char *name)
{
	log_name = name;
}

int log_open(unsigned verbosity, const char *file, const char *dir, char *err, size_t errlen)
{
	char path[4096];
	const char *opt = file ? "--log-file" : "--log-directory";

	log_verbosity = verbosity;
	if (!file && dir) {
		time_t now = time(NULL);
		struct tm tm;
		char stamp[32];

		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		if (snprintf(path, sizeof(path), "%s/salvo-%s.log", dir, stamp) >=
		    (int)sizeof(path)) {
			snprintf(err, errlen, "--log-directory: %s: name too long", dir);
			return -ENAMETOOLONG;
		}
		file = path;
	}
	if (file && !(log_file = fopen(file, "a"))) {
		int e = errno;

		snprintf(err, errlen, "%s: %s: %s", opt, file, strerror(e));
		return -e;
	}
	if (log_file)
		setvbuf(log_file, NULL, _IOLBF, 0);
	return 0;
}

int log_enabled(enum log_level level)
{
	return (unsigned)level <= log_verbosity;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	char line[1024];

	if (!log_enabled(level) && level > LOG_ERROR)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* What ends the run reaches stderr whatever the log; the rest goes to one place. */
	if (!log_file || level <= LOG_ERROR)
		fprintf(stderr, "%s: %s\n", log_name, line);
	if (log_file && log_enabled(level))
		fprintf(log_file, "%s: %s\n", log_name, line);
}

void log_close(void)
{
	if (log_file)
		fclose(log_file);
	log_file = NULL;
}
