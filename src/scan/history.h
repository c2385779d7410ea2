/*
 * Where the senders were: the scan's positions, sampled by the monitor a few times a second,
 * and the latest sample known to be safe.  A sample is safe once it is a cooldown older than
 * the writer's confirmed time (every result received before that was written): every reply
 * to a probe sent before it came in before that time, and was written.  When the output
 * fails, the checkpoint goes back to the safe sample, so that a resumed scan sends again
 * every probe whose result may not have reached the file.
 * Used by the monitor thread only (and by the checkpoint, on the same thread).
 */
#ifndef SALVO_SCAN_HISTORY_H
#define SALVO_SCAN_HISTORY_H

#include <stdint.h>

struct scan_history {
	uint64_t *ns;  /* cap samples' times */
	uint64_t *pos; /* cap x senders positions; the safe sample after them */
	unsigned cap, senders;
	unsigned head, count; /* ring: the next slot, samples held */
	uint64_t every_ns;    /* the least time between two samples */
	uint64_t safe_ns;     /* the safe sample's time; 0: none yet */
};

/* Room for span_ns of samples of senders positions each; 0 or -ENOMEM. */
int scan_history_init(struct scan_history *h, unsigned senders, uint64_t span_ns);
void scan_history_free(struct scan_history *h);

/*
 * A sample: pos[i] is a position every probe before which sender i had handed over by
 * now_ns (read the positions, then the clock).  Kept if the last one is old enough, or
 * always with force.  The first sample is the safe one until settle finds a later one.
 */
void scan_history_record(struct scan_history *h, uint64_t now_ns, const uint64_t *pos, int force);

/* Everything sent by t_ns is safe: the latest sample at or before it becomes the safe one. */
void scan_history_settle(struct scan_history *h, uint64_t t_ns);

/* The safe sample's positions into pos; 0, or -ENOENT before the first sample. */
int scan_history_safe(const struct scan_history *h, uint64_t *pos);

/* The latest kept sample at or before t_ns into pos; 0, or -ENOENT if none is kept. */
int scan_history_at(const struct scan_history *h, uint64_t t_ns, uint64_t *pos);

#endif
