/*
 * The scan's counters summed: the per-thread counters of the senders and receivers, the
 * engine's, and what earlier processes of a resumed scan counted (from the checkpoint).
 * Read by the monitor, the status lines, the metadata and the checkpoint; never per packet.
 */
#ifndef SALVO_SCAN_TOTALS_H
#define SALVO_SCAN_TOTALS_H

#include <stdint.h>

#include "io/io.h"

struct scan;

struct scan_totals {
	uint64_t positions, frames, rx_frames, valid, duplicates, successes, failures, alive;
	uint64_t send_errors;
	uint64_t output_waits; /* results a receive thread queued only after a wait */
	struct io_stats io;    /* io.tx_completed: probes sent */
};

/* The scan's counters now, earlier processes' (a resume) included. */
void scan_totals(struct scan *s, struct scan_totals *t);

/* Probes NIC n has sent in this process: its engine instance's, or (a dry run's NICs share
 * one) what its sender threads handed it. */
struct scan_nic;
uint64_t scan_nic_sent(struct scan *s, const struct scan_nic *n);

/* Seconds the scan has run, and has spent sending, earlier processes' included. */
double scan_elapsed_s(const struct scan *s);
double scan_send_seconds(const struct scan *s);

/* Seconds this process has run its threads. */
double scan_run_s(const struct scan *s);

/* The share of probes sent that succeeded, in percent. */
double scan_hit_percent(const struct scan_totals *t);

#endif
