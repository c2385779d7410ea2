/* The status line, the -u status updates and the summary; see status.h. */
#include "scan/status.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "output/output.h"
#include "scan/scan.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"

/* "1.37 Mp/s", "523 p/s": what the status line shows. */
static void format_rate(double pps, char *buf, size_t len)
{
	if (pps >= 1e9)
		snprintf(buf, len, "%.2f Gp/s", pps / 1e9);
	else if (pps >= 1e6)
		snprintf(buf, len, "%.2f Mp/s", pps / 1e6);
	else if (pps >= 1e3)
		snprintf(buf, len, "%.2f Kp/s", pps / 1e3);
	else
		snprintf(buf, len, "%.0f p/s", pps);
}

/* How far the shard is, in percent of its positions. */
static double status_percent(const struct scan *s, const struct scan_totals *t)
{
	uint64_t slice = s->shard_end - s->shard_begin;

	return slice ? 100.0 * (double)t->positions / (double)slice : 100.0;
}

/* Seconds left at this process's pace, or -1 before it has done anything. */
static double status_eta(const struct scan *s, const struct scan_totals *t)
{
	uint64_t slice = s->shard_end - s->shard_begin, started = 0;
	double run = scan_run_s(s);

	for (unsigned i = 0; i < s->sender_count; i++)
		started += s->senders[i].start - s->senders[i].begin;
	return t->positions > started && run > 0
		       ? (double)(slice - t->positions) * run / (double)(t->positions - started)
		       : -1;
}

static void status_json(struct scan *s, const struct scan_totals *now, double send_rate)
{
	struct json_writer w;

	json_start(&w, stderr, 0);
	json_object(&w, NULL);
	json_double(&w, "elapsed_s", 3, scan_elapsed_s(s));
	json_uint(&w, "percent", (uint64_t)status_percent(s, now));
	json_uint(&w, "sent", now->io.tx_completed);
	json_uint(&w, "submitted", now->frames);
	json_uint(&w, "received", now->valid);
	json_uint(&w, "successes", now->successes);
	json_uint(&w, "failures", now->failures);
	json_uint(&w, "drops", now->io.rx_drops);
	json_uint(&w, "tx_busy", now->io.tx_busy);
	json_uint(&w, "send_errors", now->send_errors);
	json_uint(&w, "output_queued_bytes", resultq_budget_queued(&s->outq));
	json_double(&w, "output_bound_s", 1,
		    (double)scan_output_bound_ns(s, clock_mono_ns()) / 1e9);
	json_uint(&w, "rate_set", pace_rate(&s->pace));
	json_double(&w, "rate_achieved", 0, send_rate);
	json_double(&w, "hitrate", 4, scan_hit_percent(now));
	json_double(&w, "eta_s", 1, status_eta(s, now));
	json_bool(&w, "sending", __atomic_load_n(&s->senders_running, __ATOMIC_ACQUIRE) != 0);
	json_string(&w, "engine", s->cfg->engine->name);
	json_string(&w, "mode", s->engines[0].mode);
	/* Each NIC's probes sent, in -i's order. */
	json_array(&w, "nics");
	for (unsigned k = 0; k < s->nic_count; k++) {
		json_object(&w, NULL);
		json_string(&w, "interface", s->nics[k].ifname);
		json_uint(&w, "sent", scan_nic_sent(s, &s->nics[k]));
		json_end(&w);
	}
	json_end(&w);
	json_end(&w);
	fputc('\n', stderr);
}

/* Several NICs: "; sv0 5120 sent, sv1 5119": what each has sent so far. */
static void status_nics(struct scan *s)
{
	if (s->nic_count < 2)
		return;
	for (unsigned k = 0; k < s->nic_count; k++)
		fprintf(stderr, "%s %s %llu%s", k ? "," : ";", s->nics[k].ifname,
			(unsigned long long)scan_nic_sent(s, &s->nics[k]), k ? "" : " sent");
}

/* The output's backlog and hold, once it has had either: "; output: 12.3 MB queued, held
 * 4.0 s" (while held, the senders wait for the output's reader or disk). */
static void status_output(const struct scan *s)
{
	uint64_t queued = resultq_budget_queued(&s->outq);
	uint64_t bound = scan_output_bound_ns(s, clock_mono_ns());

	if (!queued && !bound)
		return;
	fprintf(stderr, "; output: %.1f MB queued, held %.1f s%s", (double)queued / 1e6,
		(double)bound / 1e9,
		__atomic_load_n(&s->out_hold, __ATOMIC_RELAXED) ? " (sending waits for it)" : "");
}

/*
 * One status line on stderr, in the format asked for:
 *   zmap    "0:05 50%; send: 50000 10.00 Kp/s (10.00 Kp/s avg); recv: 25 5 p/s; hitrate: ...",
 *           with several NICs each one's count: "; sv0 25000 sent, sv1 25000"
 *   legacy  the same up to the hit rate: the progress line orchestrators of the seed's scanner
 *           parse with (\d+):(\d+)\s+(\d+)%;\s+send:\s+(\d+)\s+...p/s\s+\(...p/s\s+avg\);...
 *   json    one object with the counters, for programs.
 */
static void status_line(struct scan *s, const struct scan_totals *now,
			const struct scan_totals *prev, double interval_s)
{
	double elapsed = scan_elapsed_s(s), eta;
	double send_rate = (double)(now->io.tx_completed - prev->io.tx_completed) / interval_s;
	char rate[24], avg[24], rrate[24];

	if (s->cfg->status_format == STATUS_JSON) {
		status_json(s, now, send_rate);
		return;
	}
	format_rate(send_rate, rate, sizeof(rate));
	format_rate(elapsed > 0 ? (double)now->io.tx_completed / elapsed : 0, avg, sizeof(avg));
	format_rate((double)(now->successes - prev->successes) / interval_s, rrate, sizeof(rrate));
	fprintf(stderr, "%u:%02u %u%%; send: %llu %s (%s avg); recv: %llu %s; hitrate: %.2f%%",
		(unsigned)elapsed / 60, (unsigned)elapsed % 60, (unsigned)status_percent(s, now),
		(unsigned long long)now->io.tx_completed, rate, avg,
		(unsigned long long)now->successes, rrate, scan_hit_percent(now));
	if (s->cfg->status_format == STATUS_ZMAP) {
		fprintf(stderr, "; drops: %llu; tx busy: %llu",
			(unsigned long long)now->io.rx_drops, (unsigned long long)now->io.tx_busy);
		if ((eta = status_eta(s, now)) >= 0)
			fprintf(stderr, "; %u:%02u left", (unsigned)eta / 60, (unsigned)eta % 60);
		if (s->cfg->rate_aimd)
			fprintf(stderr, "; rate %llu", (unsigned long long)pace_rate(&s->pace));
		status_nics(s);
		status_output(s);
		if (!__atomic_load_n(&s->senders_running, __ATOMIC_ACQUIRE))
			fprintf(stderr, " (cooldown)");
	}
	fputc('\n', stderr);
}

static void status_file_line(struct scan *s, const struct scan_totals *now,
			     const struct scan_totals *prev, double interval_s)
{
	char when[OUTPUT_FIELD_TEXT_MAX];

	output_format_timestamp(clock_real_us(), when);
	fprintf(s->status_file, "%s,%.3f,%.2f,%llu,%.0f,%llu,%.0f,%.4f,%llu,%llu,%llu,%llu,%.3f\n",
		when, scan_elapsed_s(s), status_percent(s, now),
		(unsigned long long)now->io.tx_completed,
		(double)(now->io.tx_completed - prev->io.tx_completed) / interval_s,
		(unsigned long long)now->successes,
		(double)(now->successes - prev->successes) / interval_s, scan_hit_percent(now),
		(unsigned long long)now->valid, (unsigned long long)now->io.rx_drops,
		(unsigned long long)now->io.tx_busy,
		(unsigned long long)resultq_budget_queued(&s->outq),
		(double)scan_output_bound_ns(s, clock_mono_ns()) / 1e9);
	fflush(s->status_file);
}

void scan_status_tick(struct scan *s, const struct scan_totals *now, const struct scan_totals *prev,
		      double interval_s)
{
	if (!s->cfg->quiet)
		status_line(s, now, prev, interval_s);
	if (s->status_file)
		status_file_line(s, now, prev, interval_s);
}

int scan_status_open(struct scan *s, char *err, size_t errlen)
{
	const char *path = s->cfg->status_updates_file;

	if (!path)
		return 0;
	if (!(s->status_file = fopen(path, "w"))) {
		int e = errno;

		snprintf(err, errlen, "--status-updates-file: %s: %s", path, strerror(e));
		return -e;
	}
	fprintf(s->status_file, "real_time,elapsed_s,percent,sent,send_rate,successes,"
				"success_rate,hitrate,valid,rx_drops,tx_busy,output_queued_bytes,"
				"output_bound_s\n");
	return 0;
}

int scan_status_close(struct scan *s)
{
	int ret = 0;

	if (s->status_file && fclose(s->status_file))
		ret = -errno;
	s->status_file = NULL;
	return ret;
}

void scan_summary(struct scan *s)
{
	struct scan_totals t;
	double secs = scan_elapsed_s(s);
	double send_secs = scan_send_seconds(s);
	double bound = (double)scan_output_bound_ns(s, clock_mono_ns()) / 1e9;
	char alive[48] = "", out[96] = "";

	scan_totals(s, &t);
	if (s->cfg->icmp_prescan)
		snprintf(alive, sizeof(alive), "; prescan: %llu hosts alive",
			 (unsigned long long)t.alive);
	/* Whether a slow output ever held the scan back, and for how long. */
	if (bound > 0)
		snprintf(out, sizeof(out), "; the output held sending back for %.1fs", bound);
	log_msg(LOG_INFO,
		"done in %.1fs: sent %llu probes (%.0f pps), %llu replies valid, "
		"%llu successes (unique), %llu failures, %llu duplicates; tx refused %llu, "
		"tx busy %llu, rx drops %llu%s%s%s",
		secs, (unsigned long long)t.io.tx_completed,
		send_secs > 0 ? (double)t.io.tx_completed / send_secs : 0.0,
		(unsigned long long)t.valid, (unsigned long long)t.successes,
		(unsigned long long)t.failures, (unsigned long long)t.duplicates,
		(unsigned long long)t.io.tx_errors, (unsigned long long)t.io.tx_busy,
		(unsigned long long)t.io.rx_drops, alive, out,
		scan_signals ? " (interrupted)" : "");
}
