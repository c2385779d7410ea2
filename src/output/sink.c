/*
 * Where formatted results go: a batch in memory, then the output file.
 *
 * Modules write to o->file, a stdio stream whose every write lands in the batch; the writer
 * thread ends each record there (output_write) and writes the batch out with write(2)
 * (output_flush).  Owning that last step is what lets salvo keep every result:
 *   - a write that fails part-way is known to the record: a regular file is cut back to the
 *     end of its last whole record and the caller learns how many records reached it, so a
 *     resumed scan can write the rest exactly once;
 *   - a pipe, socket or terminal whose reader stalls is waited for in poll, a slice at a
 *     time, so that the wait can be abandoned (*cancel) instead of blocking in write(2);
 *   - a reader that has gone is -EPIPE (SIGPIPE is ignored by main), not a dead process.
 * Called by the writer thread only (and by start-up for output_open/output_begin).
 */
#include "output/output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How long one wait for a stalled stream lasts before *cancel is looked at again. */
#define SINK_POLL_MS 100

/* The stream's write: append to the batch, growing it (rarely: records are small). */
static ssize_t sink_cookie_write(void *cookie, const char *buf, size_t len)
{
	struct output *o = cookie;

	if (o->batch_len + len > o->batch_cap) {
		size_t cap = o->batch_cap ? o->batch_cap : 2 * OUTPUT_BATCH_BYTES;
		char *p;

		while (cap < o->batch_len + len)
			cap *= 2;
		if (!(p = realloc(o->batch, cap))) {
			errno = ENOMEM;
			return -1;
		}
		o->batch = p;
		o->batch_cap = cap;
	}
	memcpy(o->batch + o->batch_len, buf, len);
	o->batch_len += len;
	return (ssize_t)len;
}

static int sink_open_fd(struct output *o, const char *path, int append)
{
	struct stat st;

	if (strcmp(path, "-") == 0) {
		o->fd = STDOUT_FILENO;
	} else {
		int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);

		if ((o->fd = open(path, flags, 0666)) < 0)
			return -errno;
		o->fd_owned = 1;
	}
	if (fstat(o->fd, &st))
		return -errno;
	o->seekable = S_ISREG(st.st_mode);
	o->stream = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode);
	/* --resume onto records already there: no second header. */
	o->continuing = append && o->seekable && st.st_size > 0;
	return 0;
}

int output_open(struct output *o, const struct output_ops *ops, const char *path,
		const struct output_fields *fieldset, int multi_port, const char *probe_name,
		int append, char *err, size_t errlen)
{
	cookie_io_functions_t io = { .write = sink_cookie_write };
	int ret;

	memset(o, 0, sizeof(*o));
	o->ops = ops;
	o->fields = *fieldset;
	o->multi_port = multi_port;
	o->probe_name = probe_name;
	o->fd = -1;
	if ((ret = sink_open_fd(o, path, append)))
		goto out_err;
	if (!(o->file = fopencookie(o, "w", io))) {
		ret = -ENOMEM;
		goto out_fd;
	}
	return 0;
out_fd:
	if (o->fd_owned)
		close(o->fd);
	o->fd = -1;
out_err:
	snprintf(err, errlen, "--output-file: %s: %s", path, strerror(-ret));
	return ret;
}

int output_begin(struct output *o)
{
	int ret;

	if (o->begun || o->continuing || !o->ops->open)
		return 0;
	o->begun = 1;
	if (o->ops->open(o) || fflush(o->file))
		return -(errno ? errno : EIO);
	/* Out at once: a header is the sign the scan has started. */
	ret = output_flush(o, NULL);
	return ret;
}

int output_write(struct output *o, const struct probe_result *r)
{
	int ret = o->ops->write(o, r);

	/* Into the batch now, so that the record's end is known. */
	if (fflush(o->file) && !ret)
		ret = -(errno ? errno : EIO);
	if (ret)
		return ret;
	o->ends[o->records++] = o->batch_len;
	return 0;
}

/* Wait until the stream takes bytes, or *cancel is set. */
static int sink_wait(struct output *o)
{
	struct pollfd pfd = { .fd = o->fd, .events = POLLOUT };

	for (;;) {
		if (o->cancel && __atomic_load_n(o->cancel, __ATOMIC_ACQUIRE))
			return -ECANCELED;
		int n = poll(&pfd, 1, SINK_POLL_MS);

		if (n < 0 && errno != EINTR)
			return -errno;
		/* POLLERR/POLLHUP: the write below says what went wrong. */
		if (n > 0)
			return 0;
	}
}

/* From record i on, the first of the batch's records not wholly within its first done bytes. */
static unsigned sink_whole_records(const struct output *o, unsigned i, size_t done)
{
	while (i < o->records && o->ends[i] <= done)
		i++;
	return i;
}

/*
 * Where the next write to a stream ends: at most PIPE_BUF bytes after done (what a pipe takes
 * whole once poll says it has room), cut at a record's end, so that a write abandoned later
 * never leaves half a record in a pipe (a pipe cannot be cut back).  A record longer than
 * that goes in one write.  *next is the first record not yet wholly written.
 */
static size_t sink_chunk_end(const struct output *o, size_t done, unsigned *next)
{
	size_t end = 0;

	*next = sink_whole_records(o, *next, done);
	for (unsigned i = *next; i < o->records && o->ends[i] - done <= PIPE_BUF; i++)
		end = o->ends[i];
	if (end)
		return end;
	if (*next < o->records)
		return o->ends[*next];
	/* Past the last record (or no record: a header alone). */
	return o->batch_len - done > PIPE_BUF ? done + PIPE_BUF : o->batch_len;
}

/* Write the batch; *done is how many bytes went, also on failure. */
static int sink_write_all(struct output *o, size_t *done)
{
	unsigned next = 0, told = 0;

	*done = 0;
	while (*done < o->batch_len) {
		size_t end = o->batch_len;
		ssize_t n;
		int ret;

		if (o->stream) {
			if ((ret = sink_wait(o)))
				return ret;
			end = sink_chunk_end(o, *done, &next);
		}
		n = write(o->fd, o->batch + *done, end - *done);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		*done += (size_t)n;
		if (o->on_written) {
			unsigned whole = sink_whole_records(o, told, *done);

			if (whole > told)
				o->on_written(o->on_written_ctx, told, whole);
			told = whole;
		}
	}
	return 0;
}

int output_flush(struct output *o, unsigned *written)
{
	off_t base = o->seekable ? lseek(o->fd, 0, SEEK_CUR) : -1;
	size_t done = 0, cut = 0;
	unsigned whole;
	int ret = 0;

	if (fflush(o->file))
		ret = -(errno ? errno : EIO);
	if (!ret && o->batch_len)
		ret = sink_write_all(o, &done);
	if ((whole = sink_whole_records(o, 0, done)))
		cut = o->ends[whole - 1];
	/* Half a record is no record: cut the file back to the last whole one (the header, if
	 * the batch held only part of it, goes too), and carry on writing from there. */
	if (ret && o->seekable && base >= 0 && done > cut) {
		if (ftruncate(o->fd, base + (off_t)cut) == 0)
			(void)lseek(o->fd, base + (off_t)cut, SEEK_SET);
	}
	o->records_written += whole;
	o->batch_len = 0;
	o->records = 0;
	if (written)
		*written = whole;
	return ret;
}

int output_close(struct output *o)
{
	int ret = 0;

	if (!o->file)
		return 0;
	if (o->ops->close)
		ret = o->ops->close(o);
	if (fflush(o->file) && !ret)
		ret = -(errno ? errno : EIO);
	if (o->batch_len) {
		int fret = output_flush(o, NULL);

		if (!ret)
			ret = fret;
	}
	/* The stream's close writes nothing: its buffer is empty. */
	fclose(o->file);
	o->file = NULL;
	if (o->fd_owned && close(o->fd) && !ret)
		ret = -errno;
	o->fd = -1;
	free(o->batch);
	o->batch = NULL;
	o->batch_cap = 0;
	return ret;
}
