/*
 * Policy: what the scan's counters say should happen next, decided once a second by the
 * monitor and applied by it.  Pure functions of their inputs (no clock, no I/O, no flags
 * of the scan set here): the monitor reads the counters and the link, asks, and acts.
 *   limits   -t, -N, --max-sendto-failures, --min-hitrate and a link that stays down:
 *            go on, stop sending (a limit reached), or abort (with the reason).
 *   rate     --rate-mode=aimd: the rate for the next second (aimd.h).
 */
#ifndef SALVO_SCAN_POLICY_H
#define SALVO_SCAN_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "scan/aimd.h"
#include "scan/config.h"
#include "scan/totals.h"

/* A link that stays down this long (peer or cable gone, interface removed) ends the scan: the
 * senders would otherwise wait for ring slots the kernel never frees, for ever. */
#define POLICY_LINK_DOWN_S 3

enum policy_verdict { POLICY_GO, POLICY_STOP, POLICY_ABORT };

struct policy_state {
	unsigned link_down_s;	       /* seconds the link has been seen down in a row */
	struct aimd_signals aimd_prev; /* the counters a second ago */
};

/*
 * The limits, with the totals now, the seconds this process has run, whether the link is up
 * (1), down (0) or gone (-1), and whether the senders still send.  POLICY_STOP names the
 * option reached in *limit; POLICY_ABORT writes the reason into reason.
 */
enum policy_verdict policy_limits(const struct scan_config *cfg, struct policy_state *st,
				  const struct scan_totals *t, double run_s, int link, int sending,
				  const char *ifname, const char **limit, char *reason,
				  size_t reason_len);

/*
 * --rate-mode=aimd: the rate for the next second from the rate now, the totals now and the
 * interface's tx_dropped counter; *why says why it fell (NULL when it did not).
 */
uint64_t policy_rate(const struct scan_config *cfg, struct policy_state *st,
		     const struct scan_totals *t, uint64_t if_tx_dropped, uint64_t rate,
		     const char **why);

#endif
