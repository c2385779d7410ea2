/* Additive increase, multiplicative decrease of the send rate; see aimd.h. */
#include "scan/aimd.h"

#include <stddef.h>

/* Below this many probes or answers a second, a change in the hit rate is noise. */
#define AIMD_MIN_SENT 1000
#define AIMD_MIN_HITS 20

uint64_t aimd_step(const struct aimd *a, uint64_t rate, const struct aimd_signals *before,
		   const struct aimd_signals *now, const char **reason)
{
	uint64_t sent = now->sent - before->sent, hits = now->successes - before->successes;
	uint64_t step = a->max / 20 ? a->max / 20 : 1;

	*reason = NULL;
	if (now->tx_busy > before->tx_busy)
		*reason = "tx ring full";
	else if (now->send_errors > before->send_errors)
		*reason = "send errors";
	else if (now->if_tx_dropped > before->if_tx_dropped)
		*reason = "interface tx_dropped";
	else if (now->rx_drops > before->rx_drops)
		*reason = "rx ring drops";
	else if (sent >= AIMD_MIN_SENT && before->sent >= AIMD_MIN_SENT &&
		 before->successes >= AIMD_MIN_HITS &&
		 /* hits/sent < half of before's hits/sent, in integers */
		 2 * hits * before->sent < before->successes * sent)
		*reason = "response rate fell";
	if (*reason)
		return rate / 2 > a->min ? rate / 2 : a->min;
	return rate + step < a->max ? rate + step : a->max;
}
