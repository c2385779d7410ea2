/*
 * The monitor: what salvo tells people and programs while and after it
 * scans.  Once a second it sums the per-thread counters into a status
 * line on stderr (unless -q) and a line of the -u status-updates CSV; it
 * decides when the cooldown ends; at the end it prints the summary and
 * writes the -m metadata JSON.  Runs on the main thread, never per packet.
 */
#include "scan/scan.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "io/netif.h"
#include "scan/aimd.h"
#include "target/target.h"
#include "util/clock.h"
#include "version.h"

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

void scan_totals(struct scan *s, struct scan_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < s->sender_count && s->senders; i++) {
		t->positions += __atomic_load_n(&s->senders[i].done, __ATOMIC_RELAXED);
		t->frames += __atomic_load_n(&s->senders[i].frames, __ATOMIC_RELAXED);
		t->send_errors += __atomic_load_n(&s->senders[i].send_errors, __ATOMIC_RELAXED);
	}
	for (unsigned i = 0; i < s->receiver_count; i++) {
		struct scan_receiver *r = &s->receivers[i];

		t->rx_frames += __atomic_load_n(&r->frames, __ATOMIC_RELAXED);
		t->valid += __atomic_load_n(&r->valid, __ATOMIC_RELAXED);
		t->duplicates += __atomic_load_n(&r->duplicates, __ATOMIC_RELAXED);
		t->successes += __atomic_load_n(&r->successes, __ATOMIC_RELAXED);
		t->failures += __atomic_load_n(&r->failures, __ATOMIC_RELAXED);
		t->alive += __atomic_load_n(&r->alive, __ATOMIC_RELAXED);
	}
	io_stats(&s->engine, &t->io);
	/* A resumed scan's counts go on from where the checkpoint left them. */
	t->io.tx_completed += s->base.sent;
	t->valid += s->base.valid;
	t->successes += s->base.successes;
	t->failures += s->base.failures;
	t->duplicates += s->base.duplicates;
	t->alive += s->base.alive;
}

double scan_elapsed_s(const struct scan *s)
{
	uint64_t run = s->start_ns ? clock_mono_ns() - s->start_ns : 0;

	return (double)s->base.elapsed_ms / 1e3 + (double)run / 1e9;
}

/* The share of probes sent that succeeded, in percent. */
static double hit_percent(const struct scan_totals *t)
{
	return t->io.tx_completed ? 100.0 * (double)t->successes / (double)t->io.tx_completed : 0.0;
}

/*
 * One status line a second on stderr, in the format asked for:
 *   zmap    "0:05 50%; send: 50000 10.00 Kp/s (10.00 Kp/s avg); recv: 25 5 p/s; hitrate: ..."
 *   legacy  the same up to the hit rate: the progress line orchestrators of the seed's scanner
 *           parse with (\d+):(\d+)\s+(\d+)%;\s+send:\s+(\d+)\s+...p/s\s+\(...p/s\s+avg\);...
 *   json    one object with the counters, for programs.
 */
static void scan_status_line(struct scan *s, const struct scan_totals *now,
			     const struct scan_totals *prev, double interval_s)
{
	double elapsed = scan_elapsed_s(s);
	double run = (double)(clock_mono_ns() - s->start_ns) / 1e9;
	uint64_t slice = s->shard_end - s->shard_begin;
	uint64_t started = 0;
	unsigned percent;
	char rate[24], avg[24], rrate[24];
	double hit = hit_percent(now);
	double send_rate = (double)(now->io.tx_completed - prev->io.tx_completed) / interval_s;
	double eta;

	for (unsigned i = 0; i < s->sender_count; i++)
		started += s->senders[i].start - s->senders[i].begin;
	percent = slice ? (unsigned)(now->positions * 100 / slice) : 100;
	/* Positions done in this process, over its time: what is left at that pace. */
	eta = now->positions > started && run > 0
		      ? (double)(slice - now->positions) * run / (double)(now->positions - started)
		      : -1;
	if (s->cfg->status_format == STATUS_JSON) {
		fprintf(stderr,
			"{\"elapsed_s\":%.3f,\"percent\":%u,\"sent\":%llu,\"submitted\":%llu,"
			"\"received\":%llu,\"successes\":%llu,\"failures\":%llu,\"drops\":%llu,"
			"\"tx_busy\":%llu,\"send_errors\":%llu,\"rate_set\":%llu,"
			"\"rate_achieved\":%.0f,\"hitrate\":%.4f,\"eta_s\":%.1f,\"sending\":%s,"
			"\"engine\":\"%s\",\"mode\":\"%s\"}\n",
			elapsed, percent, (unsigned long long)now->io.tx_completed,
			(unsigned long long)now->frames, (unsigned long long)now->valid,
			(unsigned long long)now->successes, (unsigned long long)now->failures,
			(unsigned long long)now->io.rx_drops, (unsigned long long)now->io.tx_busy,
			(unsigned long long)now->send_errors,
			(unsigned long long)pace_rate(&s->pace), send_rate, hit, eta,
			__atomic_load_n(&s->senders_running, __ATOMIC_ACQUIRE) ? "true" : "false",
			s->cfg->engine->name, s->engine.mode);
		return;
	}
	format_rate(send_rate, rate, sizeof(rate));
	format_rate(elapsed > 0 ? (double)now->io.tx_completed / elapsed : 0, avg, sizeof(avg));
	format_rate((double)(now->successes - prev->successes) / interval_s, rrate, sizeof(rrate));
	fprintf(stderr, "%u:%02u %u%%; send: %llu %s (%s avg); recv: %llu %s; hitrate: %.2f%%",
		(unsigned)elapsed / 60, (unsigned)elapsed % 60, percent,
		(unsigned long long)now->io.tx_completed, rate, avg,
		(unsigned long long)now->successes, rrate, hit);
	if (s->cfg->status_format == STATUS_ZMAP) {
		fprintf(stderr, "; drops: %llu; tx busy: %llu", (unsigned long long)now->io.rx_drops,
			(unsigned long long)now->io.tx_busy);
		if (eta >= 0)
			fprintf(stderr, "; %u:%02u left", (unsigned)eta / 60, (unsigned)eta % 60);
		if (s->cfg->rate_aimd)
			fprintf(stderr, "; rate %llu", (unsigned long long)pace_rate(&s->pace));
		if (!__atomic_load_n(&s->senders_running, __ATOMIC_ACQUIRE))
			fprintf(stderr, " (cooldown)");
	}
	fputc('\n', stderr);
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
		fprintf(stderr, "salvo: rate now %llu pps\n", (unsigned long long)rate);
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

/* --rate-mode=aimd: one step a second from what the counters did. */
static void monitor_aimd(struct scan *s, const struct scan_totals *t, struct aimd_signals *prev)
{
	const struct aimd limits = { .min = s->cfg->rate_min, .max = s->cfg->rate_max };
	struct aimd_signals now = { .sent = t->io.tx_completed,
				    .successes = t->successes,
				    .tx_busy = t->io.tx_busy,
				    .rx_drops = t->io.rx_drops,
				    .if_tx_dropped = interface_tx_dropped(s->ifname),
				    .send_errors = t->send_errors };
	uint64_t rate = pace_rate(&s->pace), next;
	const char *why;

	if (prev->sent || prev->tx_busy || prev->if_tx_dropped) {
		next = aimd_step(&limits, rate, prev, &now, &why);
		if (next != rate) {
			pace_set_rate(&s->pace, next, clock_mono_ns());
			if (why && !s->cfg->quiet)
				fprintf(stderr, "salvo: aimd: rate %llu -> %llu pps (%s)\n",
					(unsigned long long)rate, (unsigned long long)next, why);
		}
	}
	*prev = now;
}

/* A link that stays down this long (peer or cable gone, interface removed) ends the scan: the
 * senders would otherwise wait for ring slots the kernel never frees, for ever. */
#define MONITOR_LINK_DOWN_S 3

/* The limits that end sending early; those that abort set abort_reason. */
static void monitor_limits(struct scan *s, const struct scan_totals *t, uint64_t now_ns,
			   int sending)
{
	const struct salvo_config *cfg = s->cfg;
	const char *stop = NULL;

	if (sending && !cfg->dryrun) {
		int up = netif_link_up(s->ifname);

		s->link_down_s = up == 1 ? 0 : s->link_down_s + 1;
		if (s->link_down_s >= MONITOR_LINK_DOWN_S && !s->abort_reason[0]) {
			snprintf(s->abort_reason, sizeof(s->abort_reason),
				 "interface %s %s for %u s: sending stopped", s->ifname,
				 up < 0 ? "is gone" : "is down (not up, or no carrier)",
				 s->link_down_s);
			stop = "link-down";
		}
	}
	if (cfg->max_runtime_s && now_ns - s->start_ns >= (uint64_t)cfg->max_runtime_s * 1000000000ULL)
		stop = "max-runtime";
	if (cfg->max_results && t->successes >= cfg->max_results)
		stop = "max-results";
	if (cfg->max_sendto_failures && t->send_errors >= cfg->max_sendto_failures) {
		snprintf(s->abort_reason, sizeof(s->abort_reason),
			 "--max-sendto-failures: %llu sends failed (limit %llu)",
			 (unsigned long long)t->send_errors,
			 (unsigned long long)cfg->max_sendto_failures);
		stop = "max-sendto-failures";
	}
	if (cfg->min_hitrate > 0 && t->io.tx_completed >= 10000 &&
	    hit_percent(t) < cfg->min_hitrate) {
		snprintf(s->abort_reason, sizeof(s->abort_reason),
			 "--min-hitrate: %.4f%% of %llu probes succeeded, below %.4f%%", hit_percent(t),
			 (unsigned long long)t->io.tx_completed, cfg->min_hitrate);
		stop = "min-hitrate";
	}
	if (stop && !__atomic_load_n(&s->stop_sending, __ATOMIC_RELAXED)) {
		__atomic_store_n(&s->stop_sending, 1, __ATOMIC_RELEASE);
		/* An abort ends with its own error line; a limit reached is news. */
		if (!cfg->quiet && !s->abort_reason[0])
			fprintf(stderr, "salvo: --%s reached: sending stops\n", stop);
	}
}

/* Seconds spent sending, earlier processes' included. */
double scan_send_seconds(const struct scan *s)
{
	uint64_t last_send = s->start_ns;

	/* The senders' own clocks: the monitor only looks every 50 ms. */
	for (unsigned i = 0; i < s->sender_count && s->senders; i++)
		if (s->senders[i].last_send_ns > last_send)
			last_send = s->senders[i].last_send_ns;
	return (double)s->base.send_ms / 1e3 + (double)(last_send - s->start_ns) / 1e9;
}

static void status_file_line(struct scan *s, const struct scan_totals *now,
			     const struct scan_totals *prev, double interval_s)
{
	double elapsed = scan_elapsed_s(s);
	uint64_t slice = s->shard_end - s->shard_begin;
	char when[OUTPUT_FIELD_TEXT_MAX];

	output_format_timestamp(clock_real_us(), when);
	fprintf(s->status_file, "%s,%.3f,%.2f,%llu,%.0f,%llu,%.0f,%.4f,%llu,%llu,%llu\n", when,
		elapsed, slice ? 100.0 * (double)now->positions / (double)slice : 100.0,
		(unsigned long long)now->io.tx_completed,
		(double)(now->io.tx_completed - prev->io.tx_completed) / interval_s,
		(unsigned long long)now->successes,
		(double)(now->successes - prev->successes) / interval_s,
		hit_percent(now),
		(unsigned long long)now->valid, (unsigned long long)now->io.rx_drops,
		(unsigned long long)now->io.tx_busy);
	fflush(s->status_file);
}

/* The monitoring thread's loop: status lines until sending, then the cooldown, ends. */
void scan_monitor(struct scan *s)
{
	const struct salvo_config *cfg = s->cfg;
	struct scan_totals prev = { 0 }, now;
	uint64_t last = clock_mono_ns();
	unsigned ups = (unsigned)scan_rate_ups, downs = (unsigned)scan_rate_downs;
	struct aimd_signals aimd_prev = { 0 };

	scan_totals(s, &prev);
	for (;;) {
		int sending = __atomic_load_n(&s->senders_running, __ATOMIC_ACQUIRE) != 0;
		uint64_t t;

		if (scan_signals >= 1) {
			__atomic_store_n(&s->stop_sending, 1, __ATOMIC_RELEASE);
			/* --interrupt=now: no cooldown; the checkpoint says what is still owed. */
			if (cfg->interrupt_now)
				break;
		}
		monitor_rate_signals(s, &ups, &downs);
		scan_control_poll(s);
		if (!sending && !s->cooldown_end_ns) {
			s->send_done_ns = clock_mono_ns();
			s->cooldown_end_ns = s->send_done_ns + s->cooldown_ns;
		}
		t = clock_mono_ns();
		/* An abort, or -N reached, needs no cooldown: the results it wants are in. */
		if (s->cooldown_end_ns &&
		    (t >= s->cooldown_end_ns || scan_signals >= 2 || s->abort_reason[0] ||
		     (cfg->max_results &&
		      __atomic_load_n(&s->written, __ATOMIC_RELAXED) >= cfg->max_results)))
			break;
		if (t - last >= 1000000000ULL) {
			scan_totals(s, &now);
			monitor_limits(s, &now, t, sending);
			if (cfg->rate_aimd && sending)
				monitor_aimd(s, &now, &aimd_prev);
			if (!cfg->quiet)
				scan_status_line(s, &now, &prev, (double)(t - last) / 1e9);
			if (s->status_file)
				status_file_line(s, &now, &prev, (double)(t - last) / 1e9);
			/* A failed periodic write is retried next second; the last one reports. */
			(void)scan_checkpoint_save(s, NULL);
			prev = now;
			last = t;
		}
		/* A signal ends the sleep early (this thread is the one that takes them). */
		clock_sleep_us(50000);
	}
}

void scan_summary(struct scan *s)
{
	struct scan_totals t;
	double secs = scan_elapsed_s(s);
	double send_secs = scan_send_seconds(s);
	char alive[48] = "";

	scan_totals(s, &t);
	if (s->cfg->icmp_prescan)
		snprintf(alive, sizeof(alive), "; prescan: %llu hosts alive",
			 (unsigned long long)t.alive);
	fprintf(stderr,
		"salvo: done in %.1fs: sent %llu probes (%.0f pps), %llu replies valid, "
		"%llu successes (unique), %llu failures, %llu duplicates; tx refused %llu, "
		"tx busy %llu, rx drops %llu%s%s\n",
		secs, (unsigned long long)t.io.tx_completed,
		send_secs > 0 ? (double)t.io.tx_completed / send_secs : 0.0,
		(unsigned long long)t.valid, (unsigned long long)t.successes,
		(unsigned long long)t.failures, (unsigned long long)t.duplicates,
		(unsigned long long)t.io.tx_errors, (unsigned long long)t.io.tx_busy,
		(unsigned long long)t.io.rx_drops, alive, scan_signals ? " (interrupted)" : "");
}


int scan_monitor_open(struct scan *s, char err[SCAN_ERRLEN])
{
	const struct salvo_config *cfg = s->cfg;

	if (cfg->status_updates_file) {
		if (!(s->status_file = fopen(cfg->status_updates_file, "w"))) {
			int e = errno;

			snprintf(err, SCAN_ERRLEN, "--status-updates-file: %s: %s",
				 cfg->status_updates_file, strerror(e));
			return -e;
		}
		fprintf(s->status_file, "real_time,elapsed_s,percent,sent,send_rate,successes,"
					"success_rate,hitrate,valid,rx_drops,tx_busy\n");
	}
	if (cfg->metadata_file) {
		if (!(s->metadata = fopen(cfg->metadata_file, "w"))) {
			int e = errno;

			snprintf(err, SCAN_ERRLEN, "--metadata-file: %s: %s", cfg->metadata_file,
				 strerror(e));
			scan_monitor_close(s, 0);
			return -e;
		}
	}
	s->start_real_us = clock_real_us();
	return 0;
}

/* A JSON string: the values are ours (paths, names), but a path may hold anything. */
static void json_string(FILE *f, const char *v)
{
	char esc[6];

	fputc('"', f);
	for (; v && *v; v++)
		fwrite(esc, 1, output_json_escape_byte((unsigned char)*v, esc), f);
	fputc('"', f);
}

static void json_time(FILE *f, uint64_t us)
{
	char when[OUTPUT_FIELD_TEXT_MAX];

	output_format_timestamp(us, when);
	json_string(f, when);
}

static void write_metadata(struct scan *s, int status)
{
	const struct salvo_config *cfg = s->cfg;
	const struct probe_params *pp = &s->probe.params;
	struct scan_totals t;
	double secs = scan_elapsed_s(s), send_secs;
	char addr[16], mac[18];
	FILE *f = s->metadata;

	scan_totals(s, &t);
	send_secs = scan_send_seconds(s);
	fprintf(f, "{\n  \"salvo_version\": \"%s\",\n  \"start_time\": ", SALVO_VERSION);
	json_time(f, s->start_real_us);
	fprintf(f, ",\n  \"end_time\": ");
	json_time(f, clock_real_us());
	fprintf(f, ",\n  \"duration_s\": %.3f,\n  \"send_duration_s\": %.3f,\n", secs, send_secs);
	fprintf(f, "  \"interrupted\": %s,\n  \"exit_status\": %d,\n",
		scan_signals ? "true" : "false", status ? 1 : 0);
	fprintf(f, "  \"config\": {\n    \"addresses\": %llu,\n    \"ports\": ",
		(unsigned long long)cfg->targets.addresses);
	json_string(f, cfg->ports_spec);
	fprintf(f, ",\n    \"port_count\": %u,\n    \"probes_per_target\": %u,\n",
		cfg->ports.count, cfg->probes);
	fprintf(f, "    \"rate\": %llu,\n    \"cooldown_s\": %u,\n    \"seed\": %llu,\n",
		(unsigned long long)cfg->rate, cfg->cooldown_s, (unsigned long long)s->seed);
	fprintf(f, "    \"shards\": %llu,\n    \"shard\": %llu,\n    \"sender_threads\": %u,\n",
		(unsigned long long)cfg->shards, (unsigned long long)cfg->shard,
		s->sender_count);
	fprintf(f, "    \"receive_threads\": %u,\n    \"interface\": ", s->receiver_count);
	json_string(f, s->ifname);
	target_format_ipv4(pp->saddr, addr);
	fprintf(f, ",\n    \"source_ip\": \"%s\",\n", addr);
	netif_format_mac(pp->smac, mac);
	fprintf(f, "    \"source_mac\": \"%s\",\n", mac);
	netif_format_mac(pp->gwmac, mac);
	fprintf(f, "    \"gateway_mac\": \"%s\",\n    \"source_ports\": \"%u-%u\",\n", mac,
		cfg->sport_first, cfg->sport_first + cfg->sport_count - 1);
	fprintf(f, "    \"blocklist\": ");
	json_string(f, cfg->blocklist_default ? "built-in" : cfg->blocklist_file);
	fprintf(f, ",\n    \"probe_module\": \"%s\",\n    \"output_module\": \"%s\",\n",
		cfg->probe->name, cfg->output->name);
	fprintf(f, "    \"output_file\": ");
	json_string(f, cfg->output_file);
	fprintf(f, ",\n    \"output_fields\": [");
	for (unsigned i = 0; i < cfg->fields.count; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", output_field_name(cfg->fields.id[i]));
	fprintf(f, "]\n  },\n  \"engine\": { \"name\": \"%s\", \"mode\": ", cfg->engine->name);
	json_string(f, s->engine.mode);
	fprintf(f, " },\n  \"counts\": {\n    \"probes_in_shard\": %llu,\n",
		(unsigned long long)(s->shard_end - s->shard_begin) * cfg->probes);
	fprintf(f, "    \"sent\": %llu,\n    \"tx_errors\": %llu,\n    \"tx_busy\": %llu,\n",
		(unsigned long long)t.io.tx_completed, (unsigned long long)t.io.tx_errors,
		(unsigned long long)t.io.tx_busy);
	fprintf(f, "    \"rx_frames\": %llu,\n    \"rx_drops\": %llu,\n    \"valid\": %llu,\n",
		(unsigned long long)t.rx_frames, (unsigned long long)t.io.rx_drops,
		(unsigned long long)t.valid);
	fprintf(f, "    \"successes\": %llu,\n    \"failures\": %llu,\n    \"duplicates\": %llu,\n",
		(unsigned long long)t.successes, (unsigned long long)t.failures,
		(unsigned long long)t.duplicates);
	fprintf(f, "    \"alive\": %llu,\n", (unsigned long long)t.alive);
	fprintf(f, "    \"results_written\": %llu\n  },\n",
		(unsigned long long)__atomic_load_n(&s->written, __ATOMIC_RELAXED));
	fprintf(f, "  \"rates\": { \"send_pps_avg\": %.1f, \"hitrate_percent\": %.4f }\n}\n",
		send_secs > 0 ? (double)t.io.tx_completed / send_secs : 0.0,
		hit_percent(&t));
}

int scan_monitor_close(struct scan *s, int status)
{
	int ret = 0;

	if (s->metadata) {
		if (s->start_ns)
			write_metadata(s, status);
		if (fclose(s->metadata))
			ret = -errno;
		s->metadata = NULL;
	}
	if (s->status_file) {
		if (fclose(s->status_file) && !ret)
			ret = -errno;
		s->status_file = NULL;
	}
	return ret;
}
