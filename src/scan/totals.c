/* The scan's counters summed over threads, engine and earlier processes; see totals.h. */
#include "scan/totals.h"

#include <string.h>

#include "scan/scan.h"
#include "util/clock.h"

void scan_totals(struct scan *s, struct scan_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < s->sender_count && s->senders; i++) {
		t->positions += __atomic_load_n(&s->senders[i].done, __ATOMIC_RELAXED);
		t->frames += __atomic_load_n(&s->senders[i].frames, __ATOMIC_RELAXED);
		t->send_errors += __atomic_load_n(&s->senders[i].send_errors, __ATOMIC_RELAXED);
	}
	for (unsigned i = 0; i < s->receiver_count; i++) {
		struct scan_receiver *r = &s->receivers[i];

		t->rx_frames += __atomic_load_n(&r->frames, __ATOMIC_RELAXED);
		t->valid += __atomic_load_n(&r->valid, __ATOMIC_RELAXED);
		t->duplicates += __atomic_load_n(&r->duplicates, __ATOMIC_RELAXED);
		t->successes += __atomic_load_n(&r->successes, __ATOMIC_RELAXED);
		t->failures += __atomic_load_n(&r->failures, __ATOMIC_RELAXED);
		t->alive += __atomic_load_n(&r->alive, __ATOMIC_RELAXED);
		t->output_waits += __atomic_load_n(&r->output_waits, __ATOMIC_RELAXED);
	}
	for (unsigned e = 0; e < s->engine_count; e++) {
		struct io_stats st;

		io_stats(&s->engines[e], &st);
		io_stats_add(&t->io, &st);
	}
	/* A resumed scan's counts go on from where the checkpoint left them. */
	t->io.tx_completed += s->base.sent;
	t->valid += s->base.valid;
	t->successes += s->base.successes;
	t->failures += s->base.failures;
	t->duplicates += s->base.duplicates;
	t->alive += s->base.alive;
}

uint64_t scan_nic_sent(struct scan *s, const struct scan_nic *n)
{
	struct io_stats st;
	uint64_t frames = 0;

	if (s->engine_count == s->nic_count) {
		io_stats(n->engine, &st);
		return st.tx_completed;
	}
	for (unsigned i = 0; i < s->sender_count && s->senders; i++)
		if (s->senders[i].nic == n)
			frames += __atomic_load_n(&s->senders[i].frames, __ATOMIC_RELAXED);
	return frames;
}

double scan_run_s(const struct scan *s)
{
	return s->start_ns ? (double)(clock_mono_ns() - s->start_ns) / 1e9 : 0.0;
}

double scan_elapsed_s(const struct scan *s)
{
	return (double)s->base.elapsed_ms / 1e3 + scan_run_s(s);
}

double scan_send_seconds(const struct scan *s)
{
	uint64_t last_send = s->start_ns;

	/* The senders' own clocks: the monitor only looks every 50 ms. */
	for (unsigned i = 0; i < s->sender_count && s->senders; i++)
		if (s->senders[i].last_send_ns > last_send)
			last_send = s->senders[i].last_send_ns;
	return (double)s->base.send_ms / 1e3 + (double)(last_send - s->start_ns) / 1e9;
}

double scan_hit_percent(const struct scan_totals *t)
{
	return t->io.tx_completed ? 100.0 * (double)t->successes / (double)t->io.tx_completed : 0.0;
}
