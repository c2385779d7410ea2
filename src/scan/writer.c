/*
 * The result writer: one thread that drains the receive threads' queues into the output.
 *
 * Results are formatted into the output's batch and written out at the end of every drain
 * round (and whenever the batch is full), so that a process killed outright loses little.
 * A round whose batch reached the file moves the confirmed time to the round's start: every
 * result received before it is in the file (what the checkpoint's rewind is measured from).
 *
 * When the output fails (a full disk, a reader gone, a second signal while it stalls), the
 * writer stops the scan and takes back every result that did not reach the file: its bit
 * never reaches .seen (dedup_persist follows the write) and is cleared in this process's
 * view, so that --resume, which sends those probes again, writes it then; and the
 * results still queued are drained the same way, so no receive thread waits on a dead output.
 */
#include "scan/scan.h"

#include <errno.h>
#include <string.h>

#include "util/clock.h"

/* What the writer must remember of each record in the output's batch until it is out. */
struct writer_pending {
	uint64_t element;
	uint8_t repeat;
};

struct writer {
	struct scan *s;
	struct writer_pending pending[OUTPUT_BATCH_RECORDS];
	unsigned count;
	uint64_t bytes; /* of the queued records in the batch: given back once it is out */
};

/* A result that will not reach the output: forget it was seen, so a resume writes it. */
static void writer_take_back(struct scan *s, uint64_t element, int repeat)
{
	if (!repeat)
		dedup_clear(&s->dedup, element);
	__atomic_store_n(&s->unwritten, s->unwritten + 1, __ATOMIC_RELAXED);
}

/* The output failed with err: stop the scan (the checkpoint rewinds to confirmed_ns). */
static void writer_fail(struct writer *w, int err)
{
	struct scan *s = w->s;

	if (__atomic_load_n(&s->output_failed, __ATOMIC_RELAXED))
		return;
	s->writer_error = err;
	/* Release: the error is set before the flag is seen. */
	__atomic_store_n(&s->output_failed, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&s->stop_sending, 1, __ATOMIC_RELEASE);
	scan_wake_monitor(s);
}

/* The batch's records are out of the queue's budget; below the low-water mark the monitor
 * lets the senders go on. */
static void writer_give(struct writer *w)
{
	if (w->bytes && resultq_budget_give(&w->s->outq, w->bytes) == RESULTQ_LEVEL_LOW)
		scan_wake_monitor(w->s);
	w->bytes = 0;
}

/* Records [from, to) of the batch are out: into .seen now (not when they were received), one
 * write at a time, so that a kill in the middle of a batch leaves each result once. */
static void writer_written(void *ctx, unsigned from, unsigned to)
{
	struct writer *w = ctx;

	for (unsigned i = from; i < to; i++)
		if (!w->pending[i].repeat)
			dedup_persist(&w->s->dedup, w->pending[i].element);
}

/* Write the batch out; the records that did not reach the file are taken back. */
static int writer_flush(struct writer *w)
{
	struct scan *s = w->s;
	unsigned done = 0;
	int ret = output_flush(&s->output, &done);

	for (unsigned i = done; i < w->count; i++)
		writer_take_back(s, w->pending[i].element, w->pending[i].repeat);
	__atomic_store_n(&s->written, s->written + done, __ATOMIC_RELAXED);
	w->count = 0;
	writer_give(w);
	if (ret)
		writer_fail(w, ret);
	return ret;
}

/* One queued record: into the batch (out when full), or taken back if the output failed.
 * Its bytes stay in the budget until the batch is out: the backlog is what is not written. */
static void writer_take(struct writer *w, const struct scan_record *rec, uint32_t len)
{
	w->bytes += len;
	struct scan *s = w->s;
	struct probe_result r;
	int ret;

	if (__atomic_load_n(&s->output_failed, __ATOMIC_RELAXED)) {
		writer_take_back(s, rec->element, rec->r.repeat);
		return;
	}
	/* -N: results past the limit are drained, not written. */
	if (s->cfg->max_results &&
	    __atomic_load_n(&s->written, __ATOMIC_RELAXED) + w->count >= s->cfg->max_results)
		return;
	memcpy(&r, &rec->r, len - offsetof(struct scan_record, r));
	if ((ret = output_write(&s->output, &r))) {
		writer_take_back(s, rec->element, rec->r.repeat);
		writer_fail(w, ret);
		return;
	}
	w->pending[w->count++] = (struct writer_pending){ rec->element, rec->r.repeat };
	/* A small --output-buffer is given back a sixteenth at a time, not a batch at once: the
	 * senders then follow a slow reader in steps, not in bursts. */
	if (output_batch_full(&s->output) || w->bytes >= s->outq.size / 16)
		(void)writer_flush(w);
}

/* Move every queued result to the output's batch; returns how many. */
static unsigned writer_drain(struct writer *w)
{
	struct scan *s = w->s;
	unsigned moved = 0;

	for (unsigned i = 0; i < s->receiver_count; i++) {
		struct resultq *q = &s->receivers[i].results;
		const struct scan_record *rec;
		uint32_t len;

		while ((rec = resultq_peek(q, &len))) {
			writer_take(w, rec, len);
			resultq_next(q);
			moved++;
		}
	}
	/* What was taken back or dropped by -N is no longer queued either. */
	if (!w->count)
		writer_give(w);
	return moved;
}

void *scan_writer_main(void *arg)
{
	struct scan *s = arg;
	static struct writer w; /* one writer thread; its batch's records are too big for a stack */
	uint64_t next_flush = clock_mono_ns() + 1000000000ULL;

	memset(&w, 0, sizeof(w));
	w.s = s;
	s->output.on_written = writer_written;
	s->output.on_written_ctx = &w;
	for (;;) {
		/* Read the flag first: a result queued before it was set is drained below. */
		int last = __atomic_load_n(&s->stop_writing, __ATOMIC_ACQUIRE);
		uint64_t round = clock_mono_ns();
		unsigned moved = writer_drain(&w);

		/* Out per round: a process killed outright loses no result already queued. */
		if (moved || round >= next_flush) {
			if (w.count)
				(void)writer_flush(&w);
			next_flush = clock_mono_ns() + 1000000000ULL;
		}
		/* Everything received before the round began is in the file now. */
		if (!__atomic_load_n(&s->output_failed, __ATOMIC_RELAXED))
			__atomic_store_n(&s->confirmed_ns, round, __ATOMIC_RELEASE);
		if (last && moved == 0)
			break;
		if (moved == 0)
			clock_sleep_us(1000);
	}
	s->output.on_written = NULL;
	return NULL;
}

uint64_t scan_output_bound_ns(const struct scan *s, uint64_t now_ns)
{
	uint64_t bound = __atomic_load_n(&s->out_bound_ns, __ATOMIC_RELAXED);

	if (__atomic_load_n(&s->out_hold, __ATOMIC_ACQUIRE) && now_ns > s->out_hold_since_ns)
		bound += now_ns - s->out_hold_since_ns;
	return bound;
}

void scan_join_watching(struct scan *s, pthread_t t)
{
	while (pthread_tryjoin_np(t, NULL) == EBUSY) {
		if (scan_signals >= 2 && !__atomic_load_n(&s->output_cancel, __ATOMIC_RELAXED))
			__atomic_store_n(&s->output_cancel, 1, __ATOMIC_RELEASE);
		/* Short: a scan interrupted with --interrupt=now exits within milliseconds. */
		clock_sleep_us(1000);
	}
}
