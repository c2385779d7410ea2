/*
 * salvo-tee (ZMap's ztee): copies its input, the csv of salvo or ZMap, to FILE byte for byte,
 * and writes the address column of each row to stdout for the next program of a pipeline
 * (zgrab2): the column the header names saddr or ip, else the first; the whole line with -r.
 * The header is not passed on (-r passes every line); --success-only passes only the rows
 * whose success column is 1 or true.
 *
 * A slow or stopped reader of stdout loses no line and holds up nothing: the main thread
 * reads stdin and writes FILE as rows come, and what stdout is owed waits in memory, a queue
 * of chunks that a writer thread empties into stdout as fast as its reader takes them.  If
 * that reader goes away (a closed pipe), FILE still gets every row.  -m and -u report once a
 * second, as ZMap's do: rows read, their rate, and the rows held for stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tools/tools.h"
#include "util/clock.h"
#include "util/log.h"

#define TEE_IN	  (1 << 20) /* bytes read at once, and the longest line */
#define TEE_QUOTE 100	    /* a line is quoted in an error up to this many bytes */

/* What stdout is owed for some rows: their columns (or lines), each with its newline. */
struct tee_chunk {
	struct tee_chunk *next;
	size_t len;
	uint64_t rows;
	char data[];
};

struct tee {
	const struct cli_tool_config *opt;
	int fd;			      /* FILE */
	FILE *status;		      /* -u, or NULL */
	long addr_col;		      /* the column written to stdout */
	long success_col;	      /* the header's success column, -1: none */
	int started;		      /* the first line was seen */
	uint64_t rows_read, rows_out; /* rows_read: the reader's, read by the monitor */
	/* The queue, and what the writer and the monitor wait for, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct tee_chunk *head, *tail;
	uint64_t rows_held; /* rows queued for stdout, not yet written */
	int eof;	    /* the reader is done: the writer ends when the queue is empty */
	int finished;	    /* the writer is done: the monitor ends */
	int stdout_errno;   /* why stdout stopped taking rows (the writer's), 0: it did not */
	char *err;
	size_t errlen;
};

/* buf[0..len) to fd; 0 or -errno, with the bytes written in *done. */
static int tee_write_all(int fd, const char *buf, size_t len, size_t *done)
{
	for (*done = 0; *done < len;) {
		ssize_t n = write(fd, buf + *done, len - *done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		*done += (size_t)n;
	}
	return 0;
}

/* Field k of line[0..len): its start and length, or 0 when the line has fewer fields.  A field
 * in double quotes may hold commas ("" inside is a quote). */
static int tee_field(const char *line, size_t len, long k, const char **f, size_t *flen)
{
	size_t i = 0;

	for (long col = 0;; col++) {
		size_t start = i;
		int quoted = i < len && line[i] == '"';

		for (i += quoted; i < len && (quoted || line[i] != ','); i++)
			if (quoted && line[i] == '"')
				quoted = i + 1 < len && line[i + 1] == '"' ? (i++, 1) : 0;
		if (col == k) {
			*f = line + start;
			*flen = i - start;
			return 1;
		}
		if (i++ >= len)
			return 0;
	}
}

/* ZMap's rule for success: "true" in any case, or a number other than 0. */
static int tee_true(const char *f, size_t n)
{
	int nonzero = 0;

	if (n == 4 && strncasecmp(f, "true", 4) == 0)
		return 1;
	for (size_t i = 0; i < n; i++) {
		if (f[i] < '0' || f[i] > '9')
			return 0;
		nonzero |= f[i] != '0';
	}
	return nonzero;
}

/* The first line: a header when a column is named saddr or ip; its success column. */
static int tee_header(struct tee *t, const char *line, size_t len)
{
	const char *f;
	size_t n;
	int header = 0;

	t->started = 1;
	t->success_col = -1;
	for (long k = 0; tee_field(line, len, k, &f, &n); k++) {
		if (!header &&
		    ((n == 5 && !memcmp(f, "saddr", 5)) || (n == 2 && !memcmp(f, "ip", 2)))) {
			t->addr_col = k;
			header = 1;
		}
		if (t->success_col < 0 && n == 7 && !memcmp(f, "success", 7))
			t->success_col = k;
	}
	if (t->opt->success_only && (!header || t->success_col < 0)) {
		snprintf(t->err, t->errlen,
			 "--success-only: the input's first line names no success column: '%.*s'",
			 (int)(len < TEE_QUOTE ? len : TEE_QUOTE), line);
		return -EINVAL;
	}
	return header;
}

/* One line (no newline; a CR before it dropped) into the chunk c: 0 or -errno. */
static int tee_line(struct tee *t, const char *line, size_t len, struct tee_chunk *c)
{
	const char *f = line;
	size_t n = len;
	int ret;

	if (len && line[len - 1] == '\r')
		n = --len;
	if (!t->started) {
		if ((ret = tee_header(t, line, len)) < 0)
			return ret;
		if (ret && !t->opt->raw)
			return 0;
	}
	if (!t->opt->raw) {
		if (t->opt->success_only &&
		    !(tee_field(line, len, t->success_col, &f, &n) && tee_true(f, n)))
			return 0;
		if (!tee_field(line, len, t->addr_col, &f, &n))
			return 0;
	}
	memcpy(c->data + c->len, f, n);
	c->len += n;
	c->data[c->len++] = '\n';
	c->rows++;
	return 0;
}

static void tee_push(struct tee *t, struct tee_chunk *c)
{
	pthread_mutex_lock(&t->lock);
	if (t->tail)
		t->tail->next = c;
	else
		t->head = c;
	t->tail = c;
	t->rows_held += c->rows;
	pthread_cond_broadcast(&t->wake);
	pthread_mutex_unlock(&t->lock);
}

/* The lines of buf[0..len) (the last one may lack its newline) to stdout's queue. */
static int tee_lines(struct tee *t, const char *buf, size_t len)
{
	struct tee_chunk *c = malloc(sizeof(*c) + len + 1);
	const char *p = buf, *end = buf + len, *nl;
	uint64_t lines = 0;
	int ret = 0;

	if (!c) {
		snprintf(t->err, t->errlen, "out of memory");
		return -ENOMEM;
	}
	*c = (struct tee_chunk){ 0 };
	while (p < end && !ret) {
		nl = memchr(p, '\n', (size_t)(end - p));
		ret = tee_line(t, p, (size_t)((nl ? nl : end) - p), c);
		p = nl ? nl + 1 : end;
		lines++;
	}
	__atomic_add_fetch(&t->rows_read, lines, __ATOMIC_RELAXED);
	if (ret || !c->len)
		free(c);
	else
		tee_push(t, c);
	return ret;
}

/* stdin to FILE and the queue, a buffer of whole lines at a time. */
static int tee_read(struct tee *t, char *buf, const char *path)
{
	size_t have = 0;
	int ret;

	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf + have, TEE_IN - have);
		const char *nl;
		size_t whole, done;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(t->err, t->errlen, "stdin: %s", strerror(errno));
			return -EIO;
		}
		/* FILE gets the bytes as they come, whatever becomes of stdout. */
		if (n > 0 && (ret = tee_write_all(t->fd, buf + have, (size_t)n, &done))) {
			snprintf(t->err, t->errlen, "%s: %s", path, strerror(-ret));
			return ret;
		}
		if (n == 0)
			return have ? tee_lines(t, buf, have) : 0;
		have += (size_t)n;
		if (!(nl = memrchr(buf, '\n', have))) {
			if (have < TEE_IN)
				continue;
			snprintf(t->err, t->errlen, "stdin: a line longer than %d bytes", TEE_IN);
			return -EINVAL;
		}
		whole = (size_t)(nl - buf) + 1;
		if ((ret = tee_lines(t, buf, whole)))
			return ret;
		have -= whole;
		memmove(buf, buf + whole, have);
	}
}

/* The writer thread: the queue into stdout until the reader is done and the queue empty.  If
 * stdout fails (its reader gone), the rest is dropped: FILE has it. */
static void *tee_writer(void *arg)
{
	struct tee *t = arg;

	for (;;) {
		struct tee_chunk *c;
		size_t done;
		int ret;

		pthread_mutex_lock(&t->lock);
		while (!t->head && !t->eof)
			pthread_cond_wait(&t->wake, &t->lock);
		if (!(c = t->head)) {
			t->finished = 1;
			pthread_cond_broadcast(&t->wake);
			pthread_mutex_unlock(&t->lock);
			return NULL;
		}
		if (!(t->head = c->next))
			t->tail = NULL;
		pthread_mutex_unlock(&t->lock);
		if (!t->stdout_errno &&
		    (ret = tee_write_all(STDOUT_FILENO, c->data, c->len, &done))) {
			t->stdout_errno = -ret;
			/* The rows it did take whole, for the warning. */
			for (size_t i = 0; i < done; i++)
				t->rows_out += c->data[i] == '\n';
		} else if (!t->stdout_errno) {
			t->rows_out += c->rows;
		}
		pthread_mutex_lock(&t->lock);
		t->rows_held -= c->rows;
		pthread_mutex_unlock(&t->lock);
		free(c);
	}
}

/* ZMap's ztee columns, once a second: -u's csv line, and -m's line on stderr. */
struct tee_stats {
	uint64_t last_read, held_sum;
	unsigned seconds;
};

static void tee_report(struct tee *t, struct tee_stats *s, uint64_t held)
{
	uint64_t read = __atomic_load_n(&t->rows_read, __ATOMIC_RELAXED);
	unsigned secs = ++s->seconds;
	unsigned long long last = read - s->last_read, avg = read / secs;

	s->last_read = read;
	s->held_sum += held;
	if (t->status) {
		fprintf(t->status, "%u,%llu,%llu,%llu,%llu,%llu\n", secs, (unsigned long long)read,
			last, avg, (unsigned long long)held,
			(unsigned long long)(s->held_sum / secs));
		fflush(t->status);
	}
	if (t->opt->monitor)
		fprintf(stderr,
			"%2u:%02u read_rate: %llu rows/s (avg %llu rows/s), buffer_size: %llu "
			"(avg %llu)\n",
			secs / 60, secs % 60, last, avg, (unsigned long long)held,
			(unsigned long long)(s->held_sum / secs));
}

/* The monitor thread: a report every second from the start until the writer is done. */
static void *tee_monitor(void *arg)
{
	struct tee *t = arg;
	struct tee_stats s = { 0 };
	struct timespec start, at;

	if (t->status) {
		fprintf(t->status, "time_past,total_read_in,read_in_last_sec,read_per_sec_avg,"
				   "buffer_current_size,buffer_avg_size\n");
		fflush(t->status);
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	pthread_mutex_lock(&t->lock);
	while (!t->finished) {
		uint64_t held;

		at = (struct timespec){ start.tv_sec + s.seconds + 1, start.tv_nsec };
		if (pthread_cond_timedwait(&t->wake, &t->lock, &at) != ETIMEDOUT)
			continue;
		held = t->rows_held;
		/* Not under the lock: stderr may be slow, and the writer must not wait on it. */
		pthread_mutex_unlock(&t->lock);
		tee_report(t, &s, held);
		pthread_mutex_lock(&t->lock);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

/* The queue's lock and condition; the condition waits on the monotonic clock. */
static int tee_sync_init(struct tee *t)
{
	pthread_condattr_t ca;
	int ret;

	if ((ret = pthread_condattr_init(&ca)))
		return -ret;
	if (!(ret = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC)) &&
	    !(ret = pthread_cond_init(&t->wake, &ca)) && (ret = pthread_mutex_init(&t->lock, NULL)))
		pthread_cond_destroy(&t->wake);
	pthread_condattr_destroy(&ca);
	return -ret;
}

/* stdin to FILE and the queue while the writer (and the monitor) run; then they end. */
static int tee_copy(struct tee *t, char *buf, const struct cli_config *cfg)
{
	int monitoring = cfg->tool.monitor || t->status, ret, cret;
	pthread_t writer, monitor;

	if ((ret = pthread_create(&writer, NULL, tee_writer, t))) {
		snprintf(t->err, t->errlen, "a thread: %s", strerror(ret));
		return -ret;
	}
	if (monitoring && (cret = pthread_create(&monitor, NULL, tee_monitor, t))) {
		log_msg(LOG_WARN, "-m/-u: no monitor thread: %s", strerror(cret));
		monitoring = 0;
	}
	ret = tee_read(t, buf, cfg->tool.file);
	/* FILE is whole now, whenever stdout's reader takes the rest. */
	if (close(t->fd) && !ret) {
		snprintf(t->err, t->errlen, "%s: %s", cfg->tool.file, strerror(errno));
		ret = -EIO;
	}
	t->fd = -1;
	pthread_mutex_lock(&t->lock);
	t->eof = 1;
	pthread_cond_broadcast(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(writer, NULL);
	if (monitoring)
		pthread_join(monitor, NULL);
	return ret;
}

/* How stdout ended: its reader going away is a warning (FILE has every row), else an error. */
static int tee_stdout_end(struct tee *t, const char *path)
{
	if (t->stdout_errno == EPIPE)
		log_msg(LOG_WARN, "stdout: its reader went away after %llu rows; %s has every row",
			(unsigned long long)t->rows_out, path);
	else if (t->stdout_errno) {
		snprintf(t->err, t->errlen, "stdout: %s (%s has every row)",
			 strerror(t->stdout_errno), path);
		return -t->stdout_errno;
	}
	return 0;
}

static int tee_run(const struct cli_config *cfg, char *err, size_t errlen)
{
	struct tee t = { .opt = &cfg->tool, .fd = -1, .err = err, .errlen = errlen };
	const char *status = cfg->scan.status_updates_file;
	struct sigaction sa = { .sa_handler = SIG_IGN };
	char *buf;
	int ret;

	/* A closed stdout is for the writer to handle (FILE goes on), not a signal to die of. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	if ((t.fd = open(cfg->tool.file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", cfg->tool.file, strerror(errno));
		return ret;
	}
	if (status && !(t.status = fopen(status, "w"))) {
		ret = -errno;
		snprintf(err, errlen, "--status-updates-file: %s: %s", status, strerror(errno));
		goto out_fd;
	}
	if (!(buf = malloc(TEE_IN))) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out_status;
	}
	if ((ret = tee_sync_init(&t))) {
		snprintf(err, errlen, "a lock: %s", strerror(-ret));
		goto out_buf;
	}
	ret = tee_copy(&t, buf, cfg);
	if (!ret)
		ret = tee_stdout_end(&t, cfg->tool.file);
	pthread_cond_destroy(&t.wake);
	pthread_mutex_destroy(&t.lock);
out_buf:
	free(buf);
out_status:
	if (t.status)
		fclose(t.status);
out_fd:
	if (t.fd >= 0)
		close(t.fd);
	return ret;
}

const struct tool_ops tool_tee = {
	.program = {
		.name = "salvo-tee",
		.bit = CLI_TEE,
		.summary = "the csv of a scan to FILE, its addresses to stdout (ZMap's ztee)",
		.usage = "usage: salvo-tee [options] FILE <CSV\n"
			 "  Copies stdin to FILE and writes each row's saddr (or ip) column to\n"
			 "  stdout, the header left out; a slow reader of stdout loses no row.\n",
		.resolve = cli_resolve_tee,
	},
	.zmap_name = "ztee",
	.run = tee_run,
};
