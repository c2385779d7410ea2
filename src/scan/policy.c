/* The limits and the adaptive rate, as decisions; see policy.h. */
#include "scan/policy.h"

#include <stdio.h>

enum policy_verdict policy_limits(const struct scan_config *cfg, struct policy_state *st,
				  const struct scan_totals *t, double run_s, int link, int sending,
				  const char *ifname, const char **limit, char *reason,
				  size_t reason_len)
{
	if (sending && !cfg->dryrun) {
		st->link_down_s = link == 1 ? 0 : st->link_down_s + 1;
		if (st->link_down_s >= POLICY_LINK_DOWN_S) {
			snprintf(reason, reason_len, "interface %s %s for %u s: sending stopped",
				 ifname, link < 0 ? "is gone" : "is down (not up, or no carrier)",
				 st->link_down_s);
			return POLICY_ABORT;
		}
	}
	if (cfg->max_sendto_failures && t->send_errors >= cfg->max_sendto_failures) {
		snprintf(reason, reason_len,
			 "--max-sendto-failures: %llu sends failed (limit %llu)",
			 (unsigned long long)t->send_errors,
			 (unsigned long long)cfg->max_sendto_failures);
		return POLICY_ABORT;
	}
	if (cfg->min_hitrate > 0 && t->io.tx_completed >= 10000 &&
	    scan_hit_percent(t) < cfg->min_hitrate) {
		snprintf(reason, reason_len,
			 "--min-hitrate: %.4f%% of %llu probes succeeded, below %.4f%%",
			 scan_hit_percent(t), (unsigned long long)t->io.tx_completed,
			 cfg->min_hitrate);
		return POLICY_ABORT;
	}
	*limit = NULL;
	if (cfg->max_runtime_s && run_s >= (double)cfg->max_runtime_s)
		*limit = "max-runtime";
	if (cfg->max_results && t->successes >= cfg->max_results)
		*limit = "max-results";
	return *limit ? POLICY_STOP : POLICY_GO;
}

uint64_t policy_rate(const struct scan_config *cfg, struct policy_state *st,
		     const struct scan_totals *t, uint64_t if_tx_dropped, uint64_t rate,
		     const char **why)
{
	const struct aimd limits = { .min = cfg->rate_min, .max = cfg->rate_max };
	struct aimd_signals now = { .sent = t->io.tx_completed,
				    .successes = t->successes,
				    .tx_busy = t->io.tx_busy,
				    .rx_drops = t->io.rx_drops,
				    .if_tx_dropped = if_tx_dropped,
				    .send_errors = t->send_errors };
	const struct aimd_signals *prev = &st->aimd_prev;
	uint64_t next = rate;

	*why = NULL;
	/* The first second has nothing to compare with. */
	if (prev->sent || prev->tx_busy || prev->if_tx_dropped)
		next = aimd_step(&limits, rate, prev, &now, why);
	st->aimd_prev = now;
	return next;
}
