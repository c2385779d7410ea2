/*
 * Global pacing: one schedule shared by every sender thread.
 *
 * The idea: packet number k (counted over all threads) may leave at
 * start + k / rate.  A sender claims a batch of numbers with one atomic
 * add and sleeps until the last of them is due, so the rate holds across
 * threads without a lock and without drift.  Rate 0 means no limit.
 */
#ifndef SALVO_SCAN_PACE_H
#define SALVO_SCAN_PACE_H

#include <stdint.h>

struct pace {
	uint64_t rate; /* packets per second, 0 = unlimited */
	uint64_t start_ns;
	uint64_t claimed; /* packets claimed so far, all threads (atomic) */
};

void pace_init(struct pace *p, uint64_t rate, uint64_t start_ns);

/* A good batch size for this rate: small at low rates so packets are spread out. */
unsigned pace_batch(const struct pace *p, unsigned max);

/* The time packet number k may leave. */
uint64_t pace_deadline(const struct pace *p, uint64_t k);

/* Claim n packets and wait until they are due. */
void pace_wait(struct pace *p, unsigned n);

/* Give back n claimed packets that were not sent. */
void pace_refund(struct pace *p, unsigned n);

#endif
