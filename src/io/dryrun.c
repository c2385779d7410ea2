/*
 * The dryrun io engine, chosen by --dryrun (never by --io-engine): every
 * probe is built exactly as for a real scan, then written to a pcap file
 * with libpcap (--pcap FILE, or -o FILE.pcap) or printed on stdout as ZMap's
 * dry run prints it (probe/print.c).  Nothing is sent and nothing is
 * received, so it needs no privilege and no network.
 *
 * pcap and text: frames are written in batches under one lock, so several
 * sender threads share one file or stdout.
 *
 * --fast-dryrun (ZMap's stream of 6-byte records, 18 for IPv6, and nothing
 * else on stdout) is the one that must keep up with the senders: each queue
 * writes its records into a buffer of its own, with no lock and no stdio,
 * and hands the buffer to write(2) whole when it is nearly full and when the
 * sender is done.  Only that write takes the lock, so that buffers follow one
 * another in the stream: a pipe takes a large write in pieces and, unlocked,
 * would let another thread's bytes in between two of them, splitting a record.
 *
 * No code but io.c's table should name this file's symbols.
 */
#include "io/io.h"
#include "probe/print.h"
#include "util/alloc.h"
#include "util/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DRY_FRAMES  256 /* per queue; also the largest batch */
#define DRY_SNAPLEN 65535
/* --fast-dryrun: a queue's buffer of records, 256 KiB (43,690 IPv4 probes a write(2) and a
 * lock taken; small enough to stay in the core's cache), flushed while a whole batch of the
 * longest records still fits.  The pipe it goes to is grown to hold four of them. */
#define DRY_OUT_BYTES (1u << 18)
#define DRY_PIPE_SIZE (1 << 20)
#define DRY_OUT_FULL  (DRY_OUT_BYTES - DRY_FRAMES * PROBE_FAST_MAX)

struct dry_queue {
	uint8_t *frames; /* DRY_FRAMES buffers of frame_size bytes */
	uint8_t *out;	 /* --fast-dryrun: records not written out yet */
	size_t out_used;
	uint64_t out_records; /* how many records out holds */
	/* Counters, read by dry_stats from another thread. */
	uint64_t submitted;   /* frames taken in */
	uint64_t completed;   /* written out: to the file, stdout or (fast) the kernel */
	uint64_t unprintable; /* frames the layout has no form for: a bug, counted refused */
	uint64_t lost;	      /* fast: records of a buffer write(2) refused, counted refused */
} __attribute__((aligned(64)));

struct dry_state {
	struct dry_queue *q;
	unsigned count;
	unsigned frame_size;
	pcap_t *pcap;
	pcap_dumper_t *dumper;
	pthread_mutex_t lock;
	int lock_made;
	unsigned skip; /* -X: the Ethernet header is not sent, so it is not shown either */
	int fast;      /* --fast-dryrun */
	const struct probe_ops *probe; /* whose dry-run text it is */
};

static int dry_init(struct io_engine *e, const struct io_config *cfg, char err[IO_ERRLEN])
{
	struct dry_state *s = e->priv;

	s->count = cfg->tx_queues;
	s->frame_size = cfg->frame_len_max;
	if (!(s->q = alloc_array_aligned(s->count, sizeof(*s->q)))) {
		snprintf(err, IO_ERRLEN, "dryrun: out of memory");
		return -ENOMEM;
	}
	s->fast = cfg->print_fast;
	for (unsigned i = 0; i < s->count; i++)
		if (!(s->q[i].frames = malloc((size_t)DRY_FRAMES * s->frame_size)) ||
		    (s->fast && !(s->q[i].out = malloc(DRY_OUT_BYTES)))) {
			snprintf(err, IO_ERRLEN, "dryrun: out of memory");
			return -ENOMEM;
		}
	/* No sockets and no receive queues: replies cannot come. */
	e->rx_queues = 0;
	/* One file or one stdout shared by the sender threads. */
	if (pthread_mutex_init(&s->lock, NULL)) {
		snprintf(err, IO_ERRLEN, "dryrun: cannot create a lock");
		return -ENOMEM;
	}
	s->lock_made = 1;
	s->skip = cfg->iplayer ? 14 : 0;
	/* Fast records go to the descriptor itself: nothing stdio holds may follow them. */
	if (s->fast && fflush(stdout)) {
		snprintf(err, IO_ERRLEN, "dryrun: stdout: %s", strerror(errno));
		return -EIO;
	}
	/* A pipe of 1 MiB (64 KiB by default; 1 MiB is the unprivileged limit) takes several
	 * buffers before a writer, holding the lock, waits for the reader.  Not a pipe, or
	 * the limit lowered: left as it is. */
	if (s->fast)
		(void)fcntl(STDOUT_FILENO, F_SETPIPE_SZ, DRY_PIPE_SIZE);
	s->probe = cfg->print_probe;
	if (cfg->pcap_file) {
		s->pcap = pcap_open_dead(cfg->iplayer ? DLT_RAW : DLT_EN10MB, DRY_SNAPLEN);
		if (!s->pcap || !(s->dumper = pcap_dump_open(s->pcap, cfg->pcap_file))) {
			/* libpcap's message names the file already ("PATH: No such file ..."). */
			snprintf(err, IO_ERRLEN, "--pcap: %s",
				 s->pcap ? pcap_geterr(s->pcap) : "libpcap failed");
			return -EIO;
		}
		snprintf(e->mode, IO_MODE_LEN, "dry run, probes written to %s", cfg->pcap_file);
	} else {
		snprintf(e->mode, IO_MODE_LEN, "dry run, probes printed on stdout as ZMap's%s",
			 s->fast ? " --fast-dryrun (6 bytes an IPv4 probe, 18 an IPv6 one)" : "");
	}
	return 0;
}

static unsigned dry_tx_reserve(struct io_engine *e, unsigned qi, struct io_frame *frames,
			       unsigned n)
{
	struct dry_state *s = e->priv;
	struct dry_queue *q = &s->q[qi];

	if (n > DRY_FRAMES)
		n = DRY_FRAMES;
	for (unsigned i = 0; i < n; i++) {
		frames[i].data = q->frames + (size_t)i * s->frame_size;
		frames[i].cap = s->frame_size;
		frames[i].len = 0;
	}
	return n;
}

/*
 * Write queue q's records out, whole, under the lock (see the top of the file).  A buffer
 * write(2) refuses is lost, its records counted refused; 0 or -errno.
 */
static int dry_out_flush(struct dry_state *s, struct dry_queue *q)
{
	size_t done = 0;
	int ret = 0;

	if (!q->out_used)
		return 0;
	pthread_mutex_lock(&s->lock);
	while (done < q->out_used) {
		ssize_t w = write(STDOUT_FILENO, q->out + done, q->out_used - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ret = w < 0 ? -errno : -EIO;
			break;
		}
		done += (size_t)w;
	}
	pthread_mutex_unlock(&s->lock);
	if (ret)
		__atomic_store_n(&q->lost, q->lost + q->out_records, __ATOMIC_RELAXED);
	else
		__atomic_store_n(&q->completed, q->completed + q->out_records, __ATOMIC_RELAXED);
	q->out_used = 0;
	q->out_records = 0;
	return ret;
}

/*
 * --fast-dryrun: each frame's record into the queue's buffer; no lock but the flush's.
 * Returns 0, or the flush's -errno (the send loop counts it as a failed send).
 */
static int dry_fast_submit(struct dry_state *s, struct dry_queue *q, const struct io_frame *frames,
			   unsigned n)
{
	unsigned bad = 0;
	int ret = 0;

	for (unsigned i = 0; i < n; i++) {
		int len = probe_fast_record(frames[i].data, frames[i].len, q->out + q->out_used);

		if (len < 0) {
			bad++;
			continue;
		}
		q->out_used += (size_t)len;
		q->out_records++;
	}
	__atomic_store_n(&q->submitted, q->submitted + n - bad, __ATOMIC_RELAXED);
	__atomic_store_n(&q->unprintable, q->unprintable + bad, __ATOMIC_RELAXED);
	if (q->out_used > DRY_OUT_FULL)
		ret = dry_out_flush(s, q);
	return ret;
}

static int dry_tx_submit(struct io_engine *e, unsigned qi, const struct io_frame *frames,
			 unsigned n)
{
	struct dry_state *s = e->priv;
	struct dry_queue *q = &s->q[qi];
	unsigned bad = 0;

	if (!n)
		return 0;
	if (s->fast)
		return dry_fast_submit(s, q, frames, n);
	pthread_mutex_lock(&s->lock);
	if (s->dumper) {
		struct pcap_pkthdr h = { 0 };
		uint64_t us = clock_real_us();

		h.ts.tv_sec = (time_t)(us / 1000000);
		h.ts.tv_usec = (suseconds_t)(us % 1000000);
		for (unsigned i = 0; i < n; i++) {
			h.caplen = h.len = frames[i].len - s->skip;
			pcap_dump((u_char *)s->dumper, &h, frames[i].data + s->skip);
		}
	} else {
		for (unsigned i = 0; i < n; i++)
			bad += probe_print_zmap(stdout, s->probe, frames[i].data, frames[i].len,
						s->skip != 0) != 0;
	}
	pthread_mutex_unlock(&s->lock);
	__atomic_store_n(&q->unprintable, q->unprintable + bad, __ATOMIC_RELAXED);
	__atomic_store_n(&q->submitted, q->submitted + n - bad, __ATOMIC_RELAXED);
	__atomic_store_n(&q->completed, q->completed + n - bad, __ATOMIC_RELAXED);
	return 0;
}

/* The sender is done: its last records go out now, not at close. */
static unsigned dry_tx_flush(struct io_engine *e, unsigned qi)
{
	struct dry_state *s = e->priv;

	if (s->fast)
		(void)dry_out_flush(s, &s->q[qi]);
	return 0;
}

static int dry_rx_poll(struct io_engine *e, unsigned qi, int timeout_ms, io_rx_fn fn, void *ctx)
{
	(void)e;
	(void)qi;
	(void)fn;
	(void)ctx;
	if (timeout_ms > 0)
		clock_sleep_us((uint64_t)timeout_ms * 1000);
	return 0;
}

static void dry_stats(struct io_engine *e, struct io_stats *st)
{
	struct dry_state *s = e->priv;

	for (unsigned i = 0; s->q && i < s->count; i++) {
		const struct dry_queue *q = &s->q[i];

		st->tx_submitted += __atomic_load_n(&q->submitted, __ATOMIC_RELAXED);
		st->tx_completed += __atomic_load_n(&q->completed, __ATOMIC_RELAXED);
		st->tx_errors += __atomic_load_n(&q->unprintable, __ATOMIC_RELAXED) +
				 __atomic_load_n(&q->lost, __ATOMIC_RELAXED);
	}
}

static void dry_close(struct io_engine *e)
{
	struct dry_state *s = e->priv;

	/* A sender that stopped before its flush (none should) still has its records out. */
	for (unsigned i = 0; s->fast && s->q && s->lock_made && i < s->count; i++)
		(void)dry_out_flush(s, &s->q[i]);
	if (s->dumper)
		pcap_dump_close(s->dumper);
	else
		fflush(stdout);
	if (s->pcap)
		pcap_close(s->pcap);
	for (unsigned i = 0; s->q && i < s->count; i++) {
		free(s->q[i].frames);
		free(s->q[i].out);
	}
	free(s->q);
	if (s->lock_made)
		pthread_mutex_destroy(&s->lock);
	s->q = NULL;
	s->dumper = NULL;
	s->pcap = NULL;
}

const struct io_engine_ops io_dryrun_ops = {
	.name = "dryrun",
	.help = "send nothing: print the probes as ZMap does, or write them to a pcap file "
		"(--dryrun)",
	.caps = IO_CAP_TX | IO_CAP_MULTI_QUEUE,
	.hidden = 1,
	.priv_size = sizeof(struct dry_state),
	.init = dry_init,
	.tx_reserve = dry_tx_reserve,
	.tx_submit = dry_tx_submit,
	.tx_flush = dry_tx_flush,
	.rx_poll = dry_rx_poll,
	.stats = dry_stats,
	.close = dry_close,
};
