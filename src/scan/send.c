/*
 * The send loop: one thread per transmit queue.  Each batch: wait for the
 * pacer, reserve ring slots, copy the template into each and patch in the
 * target, submit and kick.  Nothing here allocates, locks or logs.
 */
#include "scan/scan.h"

#include <errno.h>
#include <string.h>

#include "util/clock.h"

/* Give the kernel time to drain the ring before we look again. */
#define SEND_BACKOFF_US 20
void *scan_sender_main(void *arg)
{
	struct scan_sender *snd = arg;
	struct scan *s = snd->scan;
	const struct salvo_config *cfg = s->cfg;
	struct io_frame frames[SCAN_TX_BATCH];
	uint8_t tmpl[PROBE_FRAME_MAX];
	int tlen = probe_template(&s->probe, tmpl, sizeof(tmpl));
	unsigned batch = pace_batch(&s->pace, SCAN_TX_BATCH);
	uint64_t pos = snd->begin, frames_sent = 0;
	uint32_t probe_num = 0, daddr = 0;
	uint16_t dport = 0;
	uint64_t flush_deadline;

	if (tlen < 0) {
		snd->error = tlen;
		goto out;
	}
	while (pos < snd->end && !__atomic_load_n(&s->stop_sending, __ATOMIC_RELAXED)) {
		unsigned want = batch, filled = 0;

		pace_wait(&s->pace, want);
		while (filled < want && pos < snd->end) {
			unsigned got = io_tx_reserve(&s->engine, snd->queue, frames, want - filled);

			if (got == 0) {
				/* Ring full: kick what is queued and let the kernel catch up. */
				(void)io_tx_submit(&s->engine, snd->queue, frames, 0);
				if (__atomic_load_n(&s->stop_sending, __ATOMIC_RELAXED))
					break;
				clock_sleep_us(SEND_BACKOFF_US);
				continue;
			}
			unsigned i;

			for (i = 0; i < got && pos < snd->end; i++) {
				if (probe_num == 0) {
					uint64_t e = target_permutation_at(&s->perm, pos);
					uint64_t addr_index = e / cfg->ports.count;

					daddr = target_set_address(&cfg->targets, addr_index);
					dport = cfg->ports.ports[e % cfg->ports.count];
				}
				memcpy(frames[i].data, tmpl, (size_t)tlen);
				frames[i].len = probe_patch(&s->probe, frames[i].data, daddr, dport,
							    probe_num);
				if (++probe_num == cfg->probes) {
					probe_num = 0;
					pos++;
				}
			}
			/* Slots reserved but not filled (end of slice) are simply not submitted. */
			(void)io_tx_submit(&s->engine, snd->queue, frames, i);
			filled += i;
			frames_sent += i;
		}
		__atomic_store_n(&snd->frames, frames_sent, __ATOMIC_RELAXED);
		__atomic_store_n(&snd->done, pos - snd->begin, __ATOMIC_RELAXED);
	}

	snd->last_send_ns = clock_mono_ns();
	/* Push out what is still in the ring; give up after a second. */
	flush_deadline = clock_mono_ns() + 1000000000ULL;
	while (io_tx_flush(&s->engine, snd->queue) && clock_mono_ns() < flush_deadline)
		clock_sleep_us(SEND_BACKOFF_US);
out:
	__atomic_fetch_sub(&s->senders_running, 1, __ATOMIC_RELEASE);
	return NULL;
}
