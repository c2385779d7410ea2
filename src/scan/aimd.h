/*
 * --rate-mode=aimd: find the rate the path takes, as TCP does.
 *
 * Once a second the monitor compares the counters with the second before.
 * Any sign of congestion halves the rate (never below --rate-min): the
 * engine refusing frames (TX ring full, ENOBUFS), frames dropped before we
 * could read them (RX ring full), the interface dropping on transmit
 * (tx_dropped), failed sends, or the share of probes answered falling to
 * less than half of what it was.  Otherwise the rate grows by a
 * twentieth of --rate-max (never above it).  aimd_step is pure: the tests
 * drive it with synthetic counters.
 */
#ifndef SALVO_SCAN_AIMD_H
#define SALVO_SCAN_AIMD_H

#include <stdint.h>

struct aimd_signals {
	uint64_t sent, successes;
	uint64_t tx_busy, rx_drops, if_tx_dropped, send_errors;
};

struct aimd {
	uint64_t min, max;
};

/*
 * The rate for the next second, from the rate now and the counters a
 * second ago and now.  *reason says why it fell (NULL when it did not).
 */
uint64_t aimd_step(const struct aimd *a, uint64_t rate, const struct aimd_signals *before,
		   const struct aimd_signals *now, const char **reason);

#endif
