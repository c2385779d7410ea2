/*
 * The dryrun io engine, chosen by --dryrun (never by --io-engine): every
 * probe is built exactly as for a real scan, then written to a pcap file
 * with libpcap (--pcap FILE, or -o FILE.pcap) or printed on stdout as ZMap's
 * dry run prints it (probe/print.c).  Nothing is sent and nothing is
 * received, so it needs no privilege and no network.
 *
 * Frames are written in batches under one lock, so several sender threads
 * share one file; without a file nothing is shared.
 *
 * No code but io.c's table should name this file's symbols.
 */
#include "io/io.h"
#include "probe/print.h"
#include "util/alloc.h"
#include "util/clock.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DRY_FRAMES  256 /* per queue; also the largest batch */
#define DRY_SNAPLEN 65535

struct dry_queue {
	uint8_t *frames; /* DRY_FRAMES buffers of frame_size bytes */
	uint64_t written;
	uint64_t unprintable; /* frames the text layout has no form for: a bug, counted refused */
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
	for (unsigned i = 0; i < s->count; i++)
		if (!(s->q[i].frames = malloc((size_t)DRY_FRAMES * s->frame_size))) {
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
	s->fast = cfg->print_fast;
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
			 s->fast ? " --fast-dryrun (6 bytes each)" : "");
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

static int dry_tx_submit(struct io_engine *e, unsigned qi, const struct io_frame *frames,
			 unsigned n)
{
	struct dry_state *s = e->priv;
	struct dry_queue *q = &s->q[qi];

	if (s->dumper && n) {
		struct pcap_pkthdr h = { 0 };
		uint64_t us = clock_real_us();

		h.ts.tv_sec = (time_t)(us / 1000000);
		h.ts.tv_usec = (suseconds_t)(us % 1000000);
		pthread_mutex_lock(&s->lock);
		for (unsigned i = 0; i < n; i++) {
			h.caplen = h.len = frames[i].len - s->skip;
			pcap_dump((u_char *)s->dumper, &h, frames[i].data + s->skip);
		}
		pthread_mutex_unlock(&s->lock);
	} else if (n) {
		unsigned bad = 0;

		pthread_mutex_lock(&s->lock);
		for (unsigned i = 0; i < n; i++)
			bad += (s->fast ? probe_print_fast(stdout, frames[i].data, frames[i].len)
					: probe_print_zmap(stdout, s->probe, frames[i].data,
							   frames[i].len, s->skip != 0)) != 0;
		pthread_mutex_unlock(&s->lock);
		__atomic_store_n(&q->unprintable, q->unprintable + bad, __ATOMIC_RELAXED);
		n -= bad;
	}
	__atomic_store_n(&q->written, q->written + n, __ATOMIC_RELAXED);
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
		uint64_t w = __atomic_load_n(&s->q[i].written, __ATOMIC_RELAXED);

		st->tx_submitted += w;
		st->tx_completed += w;
		st->tx_errors += __atomic_load_n(&s->q[i].unprintable, __ATOMIC_RELAXED);
	}
}

static void dry_close(struct io_engine *e)
{
	struct dry_state *s = e->priv;

	if (s->dumper)
		pcap_dump_close(s->dumper);
	else
		fflush(stdout);
	if (s->pcap)
		pcap_close(s->pcap);
	for (unsigned i = 0; s->q && i < s->count; i++)
		free(s->q[i].frames);
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
	.rx_poll = dry_rx_poll,
	.stats = dry_stats,
	.close = dry_close,
};
