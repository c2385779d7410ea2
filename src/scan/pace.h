/*
 * Global pacing: one schedule shared by every sender thread.
 *
 * The idea: packet number k (counted over all threads) may leave at
 * base_ns + (k - base_k) / rate.  A sender claims a batch of numbers with
 * one atomic add and sleeps until the first of them is due, so the rate
 * holds across threads without a lock and without drift.  Rate 0 means no
 * limit.
 *
 * The rate can change while the scan runs (SIGUSR1/SIGUSR2): the schedule
 * is rebased at the current count and time.  Its three numbers are read
 * under a sequence counter (a seqlock), so senders never lock; the one
 * writer is the monitor thread.
 */
#ifndef SALVO_SCAN_PACE_H
#define SALVO_SCAN_PACE_H

#include <stdint.h>

struct pace {
	uint64_t claimed; /* packets claimed so far, all threads (atomic) */
	unsigned seq;	  /* odd while the schedule below is being changed */
	uint64_t rate;	  /* packets per second, 0 = unlimited */
	uint64_t base_ns;
	uint64_t base_k;
	const int *stop; /* if set: a wait ends early once *stop is set (atomic) */
};

void pace_init(struct pace *p, uint64_t rate, uint64_t start_ns);

/* A good batch size for this rate: small at low rates so packets are spread out. */
unsigned pace_batch(const struct pace *p, unsigned max);

/* The rate now. */
uint64_t pace_rate(const struct pace *p);

/* Change the rate from now on (one writer: the monitor). */
void pace_set_rate(struct pace *p, uint64_t rate, uint64_t now_ns);

/* Claim n packets and wait until they are due; 1 if *stop cut the wait short, else 0. */
int pace_wait(struct pace *p, unsigned n);

/* Give back n claimed packets that were not sent. */
void pace_refund(struct pace *p, unsigned n);

#endif
