/*
 * The monitor: the calling thread's loop while the scan runs.  Every 50 ms (sooner when the
 * last sender finishes, a control client connects or the cooldown ends) it takes
 * signals (SIGINT/SIGTERM stop sending; SIGUSR1/SIGUSR2 change the rate) and control
 * socket commands, and notices when the senders are done and the cooldown starts and
 * ends; once a second it sums the counters, asks the policy (limits, adaptive rate) and
 * applies its answer, writes the status lines and the checkpoint.  Never per packet.
 */
#include "scan/scan.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "io/netif.h"
#include "scan/policy.h"
#include "scan/status.h"
#include "util/clock.h"
#include "util/log.h"

int scan_wake_open(struct scan *s, char err[SCAN_ERRLEN])
{
	if ((s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		int ret = -errno;

		snprintf(err, SCAN_ERRLEN, "eventfd: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

void scan_wake_monitor(struct scan *s)
{
	uint64_t one = 1;

	/* Cannot fail but by overflow, and then the monitor is awake anyway. */
	if (write(s->wake_fd, &one, sizeof(one)) < 0)
		return;
}

void scan_wake_close(struct scan *s)
{
	if (s->wake_fd >= 0)
		close(s->wake_fd);
	s->wake_fd = -1;
}

/* Sleep up to 50 ms, less if the next once-a-second tick or the cooldown's end comes sooner
 * (so that ticks keep time and the last one before the end is not slept through); a wake-up,
 * a control client or a signal (this thread is the one that takes them) ends it early. */
static void monitor_wait(struct scan *s, uint64_t now, uint64_t next_tick)
{
	struct pollfd pfd[2] = { { .fd = s->wake_fd, .events = POLLIN },
				 { .fd = s->control_fd, .events = POLLIN } };
	uint64_t until = now + 50000000ULL;
	int ms;
	uint64_t v;

	if (next_tick < until)
		until = next_tick;
	if (s->cooldown_end_ns && s->cooldown_end_ns < until)
		until = s->cooldown_end_ns;
	ms = until > now ? (int)((until - now + 999999) / 1000000) : 0;
	if (poll(pfd, s->control_fd >= 0 ? 2 : 1, ms) > 0 && (pfd[0].revents & POLLIN) &&
	    read(s->wake_fd, &v, sizeof(v)) < 0)
		return; /* EAGAIN: another read emptied it */
}

/* SIGUSR1/SIGUSR2: the rate up or down by 5 %, once per signal. */
static void monitor_rate_signals(struct scan *s, unsigned *ups, unsigned *downs)
{
	unsigned u = (unsigned)scan_rate_ups, d = (unsigned)scan_rate_downs;
	uint64_t rate = pace_rate(&s->pace);

	if (u == *ups && d == *downs)
		return;
	for (; *ups != u; (*ups)++)
		rate = rate + rate / 20 + (rate < 20);
	for (; *downs != d; (*downs)++)
		rate = rate > 1 ? rate - rate / 20 - (rate < 20 && rate > 1) : 1;
	if (pace_rate(&s->pace) == 0)
		return; /* unlimited stays unlimited */
	pace_set_rate(&s->pace, rate, clock_mono_ns());
	if (!s->cfg->quiet)
		log_msg(LOG_INFO, "rate now %llu pps", (unsigned long long)rate);
}

/* The interface's transmit drops, from sysfs (0 when it cannot be read). */
static uint64_t interface_tx_dropped(const char *ifname)
{
	char path[96];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/tx_dropped", ifname);
	if ((f = fopen(path, "r"))) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/* The NICs' transmit drops summed. */
static uint64_t monitor_tx_dropped(const struct scan *s)
{
	uint64_t sum = 0;

	for (unsigned k = 0; k < s->nic_count; k++)
		sum += interface_tx_dropped(s->nics[k].ifname);
	return sum;
}

/* The NICs' links: 1 when every one is up, else the first one down (0) or gone (-1), named
 * in *ifname. */
static int monitor_link(struct scan *s, const char **ifname)
{
	*ifname = s->nics[0].ifname;
	if (s->cfg->dryrun)
		return 1;
	for (unsigned k = 0; k < s->nic_count; k++) {
		int link = io_link_up(s->nics[k].engine);

		if (link == IO_LINK_ASK_KERNEL)
			link = netif_link_up(s->nics[k].ifname);
		if (link != 1) {
			*ifname = s->nics[k].ifname;
			return link;
		}
	}
	return 1;
}

/* Once a second: what the policy says about the limits and the rate, applied. */
static void monitor_policy(struct scan *s, struct policy_state *st, const struct scan_totals *t,
			   int sending)
{
	const struct scan_config *cfg = s->cfg;
	const char *limit = NULL, *why, *ifname = s->nics[0].ifname;
	int link = sending ? monitor_link(s, &ifname) : 1;
	enum policy_verdict v;
	uint64_t rate, next;

	v = policy_limits(cfg, st, t, scan_run_s(s), link, sending, ifname, &limit, s->abort_reason,
			  sizeof(s->abort_reason));
	if (v != POLICY_GO && !__atomic_load_n(&s->stop_sending, __ATOMIC_RELAXED)) {
		__atomic_store_n(&s->stop_sending, 1, __ATOMIC_RELEASE);
		/* An abort ends with its own error line; a limit reached is news. */
		if (v == POLICY_STOP && !cfg->quiet)
			log_msg(LOG_INFO, "--%s reached: sending stops", limit);
	}
	if (!cfg->rate_aimd || !sending)
		return;
	rate = pace_rate(&s->pace);
	next = policy_rate(cfg, st, t, monitor_tx_dropped(s), rate, &why);
	if (next == rate)
		return;
	pace_set_rate(&s->pace, next, clock_mono_ns());
	if (why && !cfg->quiet)
		log_msg(LOG_INFO, "aimd: rate %llu -> %llu pps (%s)", (unsigned long long)rate,
			(unsigned long long)next, why);
}

/*
 * The output's hold on the senders: on at the budget's high-water mark (a receive thread
 * wakes us when it crosses it), off at the low-water mark (the writer wakes us) with the
 * schedule rebased, so that the paused time does not come back as a burst.
 */
static void monitor_output_hold(struct scan *s, uint64_t now)
{
	int hold = __atomic_load_n(&s->out_hold, __ATOMIC_RELAXED);

	if (!hold && resultq_budget_over_high(&s->outq)) {
		s->out_hold_since_ns = now;
		__atomic_store_n(&s->out_hold, 1, __ATOMIC_RELEASE);
	} else if (hold && resultq_budget_under_low(&s->outq)) {
		pace_set_rate(&s->pace, pace_rate(&s->pace), now);
		__atomic_store_n(&s->out_bound_ns, s->out_bound_ns + (now - s->out_hold_since_ns),
				 __ATOMIC_RELAXED);
		__atomic_store_n(&s->out_hold, 0, __ATOMIC_RELEASE);
	}
}

/* Where the senders are now, into the history; and which of its samples is safe: a cooldown
 * (and a margin for a late receive stamp) before the writer's confirmed time. */
static void monitor_history(struct scan *s)
{
	uint64_t pos[CHECKPOINT_MAX_THREADS], confirmed, margin = s->cooldown_ns + 100000000ULL;

	for (unsigned i = 0; i < s->sender_count && i < CHECKPOINT_MAX_THREADS; i++)
		pos[i] = s->senders[i].begin +
			 __atomic_load_n(&s->senders[i].done, __ATOMIC_ACQUIRE);
	scan_history_record(&s->history, clock_mono_ns(), pos, 0);
	confirmed = __atomic_load_n(&s->confirmed_ns, __ATOMIC_ACQUIRE);
	if (confirmed > margin)
		scan_history_settle(&s->history, confirmed - margin);
}

/* Has the scan nothing left to wait for: the cooldown over, cut, or not needed? */
static int monitor_done(struct scan *s, uint64_t now)
{
	const struct scan_config *cfg = s->cfg;

	if (!s->cooldown_end_ns)
		return 0;
	/* An abort, or -N reached, needs no cooldown: the results it wants are in. */
	return now >= s->cooldown_end_ns || scan_signals >= 2 || s->abort_reason[0] ||
	       (cfg->max_results &&
		__atomic_load_n(&s->written, __ATOMIC_RELAXED) >= cfg->max_results);
}

void scan_monitor(struct scan *s)
{
	struct scan_totals prev, now;
	struct policy_state policy = { 0 };
	uint64_t last = clock_mono_ns();
	unsigned ups = (unsigned)scan_rate_ups, downs = (unsigned)scan_rate_downs;

	scan_totals(s, &prev);
	for (;;) {
		int sending = __atomic_load_n(&s->senders_running, __ATOMIC_ACQUIRE) != 0;
		uint64_t t;

		if (scan_signals >= 1) {
			__atomic_store_n(&s->stop_sending, 1, __ATOMIC_RELEASE);
			/* --interrupt=now: no cooldown; the checkpoint says what is still owed. */
			if (s->cfg->interrupt_now)
				break;
		}
		/* The output failed: nothing more can be written, there is nothing to wait for. */
		if (__atomic_load_n(&s->output_failed, __ATOMIC_ACQUIRE))
			break;
		monitor_output_hold(s, clock_mono_ns());
		monitor_history(s);
		monitor_rate_signals(s, &ups, &downs);
		scan_control_poll(s);
		if (!sending && !s->cooldown_end_ns) {
			s->send_done_ns = clock_mono_ns();
			s->cooldown_end_ns = s->send_done_ns + s->cooldown_ns;
		}
		t = clock_mono_ns();
		if (monitor_done(s, t))
			break;
		if (t - last >= 1000000000ULL) {
			scan_totals(s, &now);
			monitor_policy(s, &policy, &now, sending);
			scan_status_tick(s, &now, &prev, (double)(t - last) / 1e9);
			/* A failed periodic write is retried next second; the last one reports. */
			(void)scan_checkpoint_save_live(s);
			prev = now;
			last = t;
		}
		monitor_wait(s, t, last + 1000000000ULL);
	}
}
