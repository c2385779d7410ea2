/*
 * The scan's life: open (probes, memory, files, engine) -> start (threads) -> wait (the
 * monitor) -> stop (threads joined, the last checkpoint) -> close, each resource released
 * once, in reverse order.  Called by main once the configuration is complete.
 */
#include "scan/scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "io/netif.h"
#include "scan/metadata.h"
#include "scan/status.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/priv.h"
#include "util/log.h"

volatile sig_atomic_t scan_signals;
volatile sig_atomic_t scan_rate_ups, scan_rate_downs;

/* Name a worker (as top -H and /proc show it) and, with --cores, pin it: the n-th pinned
 * thread (senders first, then receivers) to the n-th CPU of the list, in turn.  The CPUs were
 * checked at parse time, so pinning does not fail here. */
static void scan_thread_place(const struct scan *s, pthread_t t, const char *role, unsigned i,
			      unsigned nth)
{
	char name[16];

	snprintf(name, sizeof(name), "salvo-%s%u", role, i);
	(void)pthread_setname_np(t, name);
	if (s->cfg->core_count) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(s->cfg->cores[nth % s->cfg->core_count], &set);
		(void)pthread_setaffinity_np(t, sizeof(set), &set);
	}
}

/* The history's first sample: where the senders start.  Safe until the writer confirms. */
static void scan_history_start(struct scan *s)
{
	uint64_t pos[CHECKPOINT_MAX_THREADS];

	for (unsigned i = 0; i < s->sender_count; i++)
		pos[i] = s->senders[i].start;
	scan_history_record(&s->history, s->start_ns, pos, 1);
}

static int scan_start_threads(struct scan *s, char err[SCAN_ERRLEN])
{
	sigset_t all, old;
	int ret = 0;

	/* Signals go to the monitoring thread only: workers are started with them blocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (unsigned i = 0; i < s->receiver_count && !ret; i++)
		if (!(ret = -pthread_create(&s->receivers[i].thread, NULL, scan_receiver_main,
					    &s->receivers[i])))
			scan_thread_place(s, s->receivers[i].thread, "recv", i,
					  s->sender_count + i);
	if (!ret)
		ret = -pthread_create(&s->writer, NULL, scan_writer_main, s);
	s->start_ns = clock_mono_ns();
	scan_history_start(s);
	pace_init(&s->pace, s->rate, s->start_ns);
	s->pace.stop = &s->stop_sending;
	__atomic_store_n(&s->senders_running, s->sender_count, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < s->sender_count && !ret; i++)
		if (!(ret = -pthread_create(&s->senders[i].thread, NULL, scan_sender_main,
					    &s->senders[i])))
			scan_thread_place(s, s->senders[i].thread, "send", i, i);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		snprintf(err, SCAN_ERRLEN, "cannot start threads: %s", strerror(-ret));
	return ret;
}

/*
 * Sender threads: -T, at least one per NIC, dealt to the NICs in turn (sender i to NIC
 * i % nic_count, as its queue i / nic_count there), so each NIC carries its threads' share
 * of the permutation; fewer when the NICs have fewer queues (af_xdp: one thread a queue).
 * Each NIC has an engine instance of its own; a dry run's NICs share one, which takes
 * every sender's frames (sender i on its queue i).
 */
static void scan_fit_threads(struct scan *s)
{
	unsigned n = s->nic_count, fit = 0;
	struct io_config io;

	s->engine_count = s->cfg->dryrun ? 1 : n;
	s->sender_count = s->cfg->sender_threads > n ? s->cfg->sender_threads : n;
	for (unsigned k = 0; k < n; k++) {
		unsigned max;

		s->nics[k].engine = &s->engines[s->engine_count < n ? 0 : k];
		scan_io_config(s, &s->nics[k], &io);
		if ((max = io_engine_queues_max(s->cfg->engine, &io)) && (!fit || max < fit))
			fit = max;
	}
	if (fit && s->sender_count > fit * n)
		s->sender_count = fit * n;
	for (unsigned k = 0; k < n; k++)
		s->nics[k].senders = (s->sender_count + n - 1 - k) / n;
}

/* "sv0" or "sv0,sv1": the NICs' names, for a line. */
static void scan_nic_names(const struct scan *s, char *buf, size_t len)
{
	buf[0] = '\0';
	for (unsigned k = 0; k < s->nic_count; k++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", k ? "," : "",
			 s->nics[k].ifname);
}

/* Fewer threads than asked, for the engine's queues: said in one line rather than refused. */
static void scan_threads_notice(const struct scan *s)
{
	const struct scan_config *cfg = s->cfg;
	/* An engine that receives nothing (dryrun) has no receive threads by design. */
	int rx_short = (cfg->engine->caps & IO_CAP_RX) &&
		       s->receiver_count < cfg->receivers * s->engine_count;
	char names[SCAN_NICS_MAX * SCAN_IFNAME_LEN];

	if (cfg->quiet || (s->sender_count >= cfg->sender_threads && !rx_short))
		return;
	scan_nic_names(s, names, sizeof(names));
	log_msg(LOG_WARN,
		"%s on %s: %u sender thread%s and %u receive thread%s, not the -T %u and "
		"--receivers %u asked (the interface has fewer queues)",
		cfg->engine->name, names, s->sender_count, s->sender_count == 1 ? "" : "s",
		s->receiver_count, s->receiver_count == 1 ? "" : "s", cfg->sender_threads,
		cfg->receivers);
}

/*
 * The dedup bitmap: in memory, or with a checkpoint in the file PATH.seen beside it, kept by
 * --resume, so that what earlier processes reported stays reported once.
 */
static int scan_dedup_init(struct scan *s, char err[SCAN_ERRLEN])
{
	const char *cp = s->cfg->checkpoint_file;
	char path[4096];
	int ret;

	if (!cp) {
		if ((ret = dedup_init(&s->dedup, s->elements)))
			snprintf(err, SCAN_ERRLEN, "dedup bitmap of %llu bits: %s",
				 (unsigned long long)s->elements, strerror(-ret));
		return ret;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s.seen", cp) >= sizeof(path))
		ret = -ENAMETOOLONG;
	else
		ret = dedup_init_file(&s->dedup, s->elements, path, s->cfg->resume);
	/* The file is the checkpoint's companion: the option to fix is --checkpoint-file. */
	if (ret)
		snprintf(err, SCAN_ERRLEN, "--checkpoint-file %.200s: %.210s.seen: %s", cp, cp,
			 strerror(-ret));
	return ret;
}

static int scan_alloc(struct scan *s, char err[SCAN_ERRLEN])
{
	const struct scan_config *cfg = s->cfg;
	uint64_t slice;
	int ret;

	s->elements = scan_config_addresses(cfg) * cfg->ports.count;
	if ((ret = target_permutation_init(&s->perm, s->elements, s->seed))) {
		snprintf(err, SCAN_ERRLEN, "the scan is too large: %llu addresses x %u ports",
			 (unsigned long long)scan_config_addresses(cfg), cfg->ports.count);
		return ret;
	}
	fastdiv_init(&s->port_div, cfg->ports.count); /* not 0: the scan is not empty */
	s->positions = s->elements;
	if (cfg->icmp_prescan) {
		/* Senders walk addresses (both families'), not (address, port) elements: slice
		 * those. */
		s->positions = scan_config_addresses(cfg);
		if ((ret = target_permutation_init(&s->perm_addr, s->positions, s->seed)) ||
		    (ret = dedup_init(&s->live, s->positions))) {
			snprintf(err, SCAN_ERRLEN, "--icmp-prescan: %s", strerror(-ret));
			return ret;
		}
	}
	/* -n: only the first part of this shard's slice. */
	target_permutation_shard(s->positions, cfg->shard, cfg->shards, cfg->max_targets,
				 &s->shard_begin, &s->shard_end);
	if ((ret = scan_dedup_init(s, err)))
		return ret;
	resultq_budget_init(&s->outq, cfg->output_buffer);
	s->senders = alloc_array_aligned(s->sender_count, sizeof(*s->senders));
	/* The history spans a cooldown and the monitor's delays: the rewind looks that far. */
	if (!s->senders ||
	    scan_history_init(&s->history, s->sender_count, s->cooldown_ns + 2000000000ULL)) {
		snprintf(err, SCAN_ERRLEN, "out of memory");
		return -ENOMEM;
	}
	slice = s->shard_end - s->shard_begin;
	for (unsigned i = 0; i < s->sender_count; i++) {
		uint64_t b, e;

		target_permutation_slice(slice, i, s->sender_count, &b, &e);
		s->senders[i].scan = s;
		s->senders[i].nic = &s->nics[i % s->nic_count];
		s->senders[i].engine = s->senders[i].nic->engine;
		s->senders[i].queue = s->engine_count < s->nic_count ? i : i / s->nic_count;
		s->senders[i].begin = s->shard_begin + b;
		s->senders[i].start = s->shard_begin + b;
		s->senders[i].end = s->shard_begin + e;
	}
	return 0;
}

/* One receive thread per queue each engine instance asks us to poll. */
static int scan_alloc_receivers(struct scan *s, char err[SCAN_ERRLEN])
{
	unsigned i = 0;

	s->receiver_count = 0;
	for (unsigned e = 0; e < s->engine_count; e++)
		s->receiver_count += s->engines[e].rx_queues;
	s->receivers = alloc_array_aligned(s->receiver_count, sizeof(*s->receivers));
	if (!s->receivers) {
		snprintf(err, SCAN_ERRLEN, "out of memory");
		return -ENOMEM;
	}
	for (unsigned e = 0; e < s->engine_count; e++) {
		for (unsigned q = 0; q < s->engines[e].rx_queues; q++, i++) {
			s->receivers[i].scan = s;
			s->receivers[i].nic = &s->nics[e];
			s->receivers[i].engine = &s->engines[e];
			s->receivers[i].queue = q;
			if (resultq_init(&s->receivers[i].results)) {
				snprintf(err, SCAN_ERRLEN, "out of memory");
				return -ENOMEM;
			}
		}
	}
	return 0;
}

static void scan_close_probes(struct scan *s)
{
	for (unsigned k = 0; k < s->nic_count; k++) {
		probe_close(&s->nics[k].probe);
		probe_close(&s->nics[k].prescan);
	}
}

/* NIC n's probes, with the scan's parameters (key, ports, -P, TTL) beside its addresses. */
static int scan_open_nic_probes(struct scan *s, struct scan_nic *n, char err[SCAN_ERRLEN])
{
	const struct scan_config *cfg = s->cfg;
	struct probe_params *pp = &n->probe.params;
	int ret;

	pp->sport_first = cfg->sport_first;
	pp->sport_count = cfg->sport_count;
	pp->probes = cfg->probes;
	pp->sport_any = cfg->sport_any;
	pp->ttl = (uint8_t)cfg->probe_ttl;
	if (n != &s->nics[0]) {
		memcpy(pp->key, s->nics[0].probe.params.key, sizeof(pp->key));
		pp->prf = s->nics[0].probe.params.prf;
	}
	n->probe.ops = cfg->probe;
	n->probe.args = cfg->probe_args;
	if ((ret = probe_init(&n->probe, err, SCAN_ERRLEN)))
		return ret;
	if (cfg->prescan_probe) {
		n->prescan.ops = cfg->prescan_probe;
		n->prescan.params = *pp;
		if ((ret = probe_init(&n->prescan, err, SCAN_ERRLEN)))
			return ret;
	}
	return 0;
}

/*
 * The probe modules, with the scan's key and seed (a resume's, from the checkpoint in cp),
 * the frame size and the rate in packets per second.  On failure nothing stays open.
 */
static int scan_open_probes(struct scan *s, struct scan_checkpoint *cp, char err[SCAN_ERRLEN])
{
	const struct scan_config *cfg = s->cfg;
	uint8_t *key = s->nics[0].probe.params.key;
	uint8_t tmpl[PROBE_FRAME_MAX];
	int ret, tlen;

	/* One key for the scan: every NIC's probes are checked alike. */
	if (getrandom(key, SIPHASH_KEY_LEN, 0) != (ssize_t)SIPHASH_KEY_LEN) {
		snprintf(err, SCAN_ERRLEN, "getrandom: %s", strerror(errno));
		return -errno;
	}
	s->nics[0].probe.params.prf = prf_best();
	s->seed = cfg->seed;
	s->cooldown_ns = (uint64_t)cfg->cooldown_s * 1000000000ULL;
	/* The checkpoint's key and PRF replace the new ones before any probe module sees them. */
	if (cfg->resume && (ret = scan_resume_load(s, cp, err)))
		return ret;
	for (unsigned k = 0; k < s->nic_count; k++)
		if ((ret = scan_open_nic_probes(s, &s->nics[k], err)))
			goto out_probes;
	if ((tlen = probe_template(&s->nics[0].probe, tmpl, sizeof(tmpl))) < 0) {
		snprintf(err, SCAN_ERRLEN, "%s: the probe does not fit in a frame",
			 cfg->probe->name);
		ret = tlen;
		goto out_probes;
	}
	s->frame_len = s->nics[0].probe.frame_len_max > (uint32_t)tlen
			       ? s->nics[0].probe.frame_len_max
			       : (uint32_t)tlen;
	/* A module's IPv6 frames are its IPv4 ones behind a header 20 bytes longer. */
	if (cfg->targets6.addresses)
		s->frame_len += IPV6_HLEN - IPV4_HLEN;
	s->rate = cfg->rate;
	if (cfg->bandwidth_bps) {
		/* On the wire a frame is at least 60 bytes, plus FCS, preamble and gap: 24. */
		uint64_t wire_bits = ((uint64_t)(tlen < 60 ? 60 : tlen) + 24) * 8;

		s->rate = cfg->bandwidth_bps / wire_bits ? cfg->bandwidth_bps / wire_bits : 1;
	}
	s->fingerprint = scan_fingerprint(cfg);
	return 0;
out_probes:
	scan_close_probes(s);
	return ret;
}

static void scan_free(struct scan *s)
{
	for (unsigned i = 0; s->receivers && i < s->receiver_count; i++)
		if (s->receivers[i].results.first)
			resultq_free(&s->receivers[i].results);
	scan_history_free(&s->history);
	free(s->senders);
	free(s->receivers);
	s->senders = NULL;
	s->receivers = NULL;
	dedup_free(&s->dedup);
	dedup_free(&s->live);
}

/*
 * The files, -m and -u, and the control socket, before the engine: a bad path is the user's
 * to fix before any raw socket is opened.  The output last of them, so that a bad -u, -m or
 * --control leaves no csv header on stdout.
 */
static int scan_open_files(struct scan *s, char err[SCAN_ERRLEN])
{
	const struct scan_config *cfg = s->cfg;
	int ret;

	if ((ret = scan_status_open(s, err, SCAN_ERRLEN)) ||
	    (ret = scan_metadata_open(s, err, SCAN_ERRLEN)) || (ret = scan_control_open(s, err)) ||
	    (ret = scan_wake_open(s, err)) ||
	    (ret = output_open(&s->output, cfg->output, cfg->output_file, &cfg->fields,
			       cfg->ports.count > 1, cfg->probe->name, cfg->resume, err,
			       SCAN_ERRLEN))) {
		(void)scan_status_close(s);
		(void)scan_metadata_close(s, ret);
		scan_control_close(s);
		scan_wake_close(s);
	}
	/* --no-header-row: written as if the file already had its header. */
	if (!ret && cfg->no_header_row)
		s->output.continuing = 1;
	/* A second signal ends a wait for a stalled reader (writer.c). */
	s->output.cancel = &s->output_cancel;
	return ret;
}

/*
 * Close the files, the metadata first (written from the engine's counters: the engine must
 * still be open).  The first error is kept: ret, or the files' (named in err).
 */
static int scan_close_files(struct scan *s, int ret, char err[SCAN_ERRLEN])
{
	const struct scan_config *cfg = s->cfg;
	int oret;

	if ((oret = scan_metadata_close(s, ret)) && !ret) {
		ret = oret;
		snprintf(err, SCAN_ERRLEN, "--metadata-file: %s", strerror(-ret));
	}
	if ((oret = scan_status_close(s)) && !ret) {
		ret = oret;
		snprintf(err, SCAN_ERRLEN, "--status-updates-file: %s", strerror(-ret));
	}
	scan_control_close(s);
	scan_wake_close(s);
	oret = output_close(&s->output);
	if (!ret && oret) {
		ret = oret;
		snprintf(err, SCAN_ERRLEN, "--output-file %s: %s", cfg->output_file,
			 strerror(-ret));
	}
	return ret;
}

static void scan_close_engines(struct scan *s)
{
	for (unsigned e = s->engine_count; e-- > 0;)
		io_engine_close(&s->engines[e]);
}

/* One engine instance per NIC (a dry run's one for all), each NIC's MACs from its own when
 * the engine has a network of its own.  On failure the ones opened are closed again. */
static int scan_open_engines(struct scan *s, char err[SCAN_ERRLEN])
{
	const struct scan_config *cfg = s->cfg;
	char ioerr[IO_ERRLEN];
	struct io_config io;
	int ret;

	for (unsigned e = 0; e < s->engine_count; e++) {
		struct scan_nic *n = &s->nics[e];

		scan_io_config(s, n, &io);
		if ((ret = io_engine_open(&s->engines[e], cfg->engine, &io, ioerr))) {
			/* Engines name themselves at the start of their messages. */
			snprintf(err, SCAN_ERRLEN, "%s", ioerr);
			while (e-- > 0)
				io_engine_close(&s->engines[e]);
			return ret;
		}
		/* An engine with a network of its own found our MAC and the next hops' itself. */
		if (cfg->engine->caps & IO_CAP_OWN_NETWORK) {
			memcpy(n->probe.params.smac, s->engines[e].mac, 6);
			memcpy(n->probe.params.gwmac, s->engines[e].gateway_mac, 6);
			memcpy(n->probe.params.gwmac6, s->engines[e].gateway_mac6, 6);
			n->prescan.params = n->probe.params;
		}
	}
	return 0;
}

/*
 * The engine instances, and what depends on them: the receive threads' slots, the
 * privileges they no longer need (sockets open, programs attached, no thread started yet),
 * the output's first line.  On failure the engines are closed again.
 */
static int scan_open_engine(struct scan *s, char err[SCAN_ERRLEN])
{
	const struct scan_config *cfg = s->cfg;
	int ret;

	if ((ret = scan_open_engines(s, err)))
		return ret;
	if ((ret = scan_alloc_receivers(s, err)))
		goto out_engine;
	scan_threads_notice(s);
	if ((ret = priv_drop(cfg->engine->keep_privileges, cfg->user ? cfg->user_uid : (unsigned)-1,
			     cfg->user_gid, err, SCAN_ERRLEN)))
		goto out_engine;
	if ((ret = output_begin(&s->output))) {
		snprintf(err, SCAN_ERRLEN, "--output-file %s: %s", cfg->output_file,
			 strerror(-ret));
		goto out_engine;
	}
	return 0;
out_engine:
	scan_close_engines(s);
	return ret;
}

/* Everything the scan needs before its threads start; on failure nothing stays open. */
static int scan_open(struct scan *s, char err[SCAN_ERRLEN])
{
	struct scan_checkpoint cp;
	int ret;

	s->control_fd = s->wake_fd = -1; /* never fd 0 by accident */
	if ((ret = scan_open_probes(s, &cp, err)))
		return ret;
	scan_fit_threads(s);
	if ((ret = scan_alloc(s, err)))
		goto out_memory;
	if (s->cfg->resume && (ret = scan_resume(s, &cp, err)))
		goto out_memory;
	/* The first checkpoint now, the scan's start: an unwritable path fails before any probe
	 * is sent, not at the end of the scan. */
	if ((ret = scan_checkpoint_save(s, err)))
		goto out_memory;
	if ((ret = scan_open_files(s, err)))
		goto out_memory;
	if ((ret = scan_open_engine(s, err)))
		goto out_files;
	return 0;
out_files:
	(void)scan_close_files(s, ret, err);
out_memory:
	scan_free(s);
	scan_close_probes(s);
	return ret;
}

/* "198.18.0.1 (02:..:01) on sv0, gateway 02:..:02": NIC n's part of the banner. */
static void scan_banner_nic(const struct scan *s, const struct scan_nic *n, char *buf, size_t len)
{
	const struct scan_config *cfg = s->cfg;
	const struct probe_params *pp = &n->probe.params;
	char src[16 + TARGET6_ADDRSTRLEN + 8], mac[18], gw[18];

	/* The source of each family the scan has: "198.18.0.1", "2001:2::1" or both. */
	if (cfg->targets.addresses)
		target_format_ipv4(pp->saddr, src);
	if (cfg->targets6.addresses) {
		char src6[TARGET6_ADDRSTRLEN];

		target6_format(target6_from_bytes(pp->saddr6), src6);
		if (cfg->targets.addresses)
			snprintf(src + strlen(src), sizeof(src) - strlen(src), " and %s", src6);
		else
			snprintf(src, sizeof(src), "%s", src6);
	}
	netif_format_mac(pp->smac, mac);
	netif_format_mac(cfg->targets.addresses ? pp->gwmac : pp->gwmac6, gw);
	snprintf(buf, len, "%s (%s) on %s, probe %s, gateway %s", src, mac, n->ifname,
		 cfg->probe->name, gw);
}

static void scan_banner(const struct scan *s)
{
	const struct scan_config *cfg = s->cfg;
	char nics[SCAN_NICS_MAX * 160] = "";

	/* One NIC: "from SRC (MAC) on IF, probe P, gateway GW"; several: each NIC's in turn,
	 * "from ... on sv0, ...; from ... on sv1, ...". */
	for (unsigned k = 0; k < s->nic_count; k++) {
		size_t used = strlen(nics);

		if (k)
			used += (size_t)snprintf(nics + used, sizeof(nics) - used, "; from ");
		scan_banner_nic(s, &s->nics[k], nics + used, sizeof(nics) - used);
	}
	log_msg(LOG_INFO,
		"scanning %llu addresses x %u ports = %llu probes%s (shard %llu/%llu: "
		"%llu) from %s; engine %s (%s); rate %llu pps; seed %llu",
		(unsigned long long)scan_config_addresses(cfg), cfg->ports.count,
		(unsigned long long)s->elements, cfg->probes > 1 ? " (each xP)" : "",
		(unsigned long long)cfg->shard, (unsigned long long)cfg->shards,
		(unsigned long long)(s->shard_end - s->shard_begin), nics, cfg->engine->name,
		s->engines[0].mode, (unsigned long long)s->rate, (unsigned long long)s->seed);
}

/*
 * The output failed, or was abandoned: one line with what was written, what was not and
 * what resumes it (ckpt: the last checkpoint's error).  A reader that went away (EPIPE) is
 * no error to tell: -EPIPE goes back quietly, and main exits as a pipeline expects.
 */
static int scan_output_error(struct scan *s, int ckpt, char err[SCAN_ERRLEN])
{
	const struct scan_config *cfg = s->cfg;
	int ret = s->writer_error;
	char why[64], resume[256];

	if (ret == -EPIPE)
		return ret;
	if (ret == -ECANCELED)
		snprintf(why, sizeof(why),
			 "interrupted again while the output's reader was stalled");
	else
		snprintf(why, sizeof(why), "%s", strerror(-ret));
	if (!cfg->checkpoint_file)
		snprintf(resume, sizeof(resume),
			 "without --checkpoint-file the scan cannot resume");
	else if (ckpt)
		snprintf(resume, sizeof(resume),
			 "the checkpoint could not be written (%.30s): %.80s still holds the "
			 "one before, and --resume continues from there",
			 strerror(-ckpt), cfg->checkpoint_file);
	else
		snprintf(resume, sizeof(resume),
			 "--resume --checkpoint-file %.100s sends again what they need",
			 cfg->checkpoint_file);
	snprintf(err, SCAN_ERRLEN, "--output-file %.100s: %s: %llu results written, %llu not; %s",
		 cfg->output_file, why,
		 (unsigned long long)__atomic_load_n(&s->written, __ATOMIC_RELAXED),
		 (unsigned long long)__atomic_load_n(&s->unwritten, __ATOMIC_RELAXED), resume);
	return ret;
}

/* Say once that the exit waits for the output, and how to cut the wait short. */
static void scan_drain_notice(const struct scan *s)
{
	uint64_t queued = resultq_budget_queued(&s->outq);

	if (s->cfg->quiet || !queued || __atomic_load_n(&s->output_failed, __ATOMIC_RELAXED))
		return;
	log_msg(LOG_INFO,
		"writing the %llu bytes of results still queued before exiting (a second "
		"signal abandons them, and the checkpoint keeps them to resume)",
		(unsigned long long)queued);
}

/* Join every thread that started, last checkpoint, the threads' errors, the summary. */
static int scan_stop(struct scan *s, int ret, char err[SCAN_ERRLEN])
{
	int ckpt;

	__atomic_store_n(&s->stop_sending, 1, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < s->sender_count; i++)
		if (s->senders[i].thread)
			pthread_join(s->senders[i].thread, NULL);
	if (!s->send_done_ns)
		s->send_done_ns = clock_mono_ns();
	__atomic_store_n(&s->stop_receiving, 1, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < s->receiver_count; i++)
		if (s->receivers[i].thread)
			scan_join_watching(s, s->receivers[i].thread);
	__atomic_store_n(&s->stop_writing, 1, __ATOMIC_RELEASE);
	scan_drain_notice(s);
	if (s->writer)
		scan_join_watching(s, s->writer);
	/* Every thread has stopped: this checkpoint's positions and totals are exact. */
	ckpt = scan_checkpoint_save(s, ret || s->writer_error ? NULL : err);
	if (!ret && s->writer_error)
		ret = scan_output_error(s, ckpt, err);
	if (!ret)
		ret = ckpt; /* its line is in err */
	if (!ret && s->abort_reason[0]) {
		ret = -ECANCELED;
		snprintf(err, SCAN_ERRLEN, "%s", s->abort_reason);
	}
	for (unsigned i = 0; i < s->sender_count && !ret; i++)
		if ((ret = s->senders[i].error))
			snprintf(err, SCAN_ERRLEN, "sender %u: %s", i, strerror(-ret));
	for (unsigned i = 0; i < s->receiver_count && !ret; i++)
		if ((ret = s->receivers[i].error))
			snprintf(err, SCAN_ERRLEN, "receiver %u: %s", i, strerror(-ret));
	if (!s->cfg->quiet)
		scan_summary(s);
	return ret;
}

static int scan_close(struct scan *s, int ret, char err[SCAN_ERRLEN])
{
	ret = scan_close_files(s, ret, err);
	scan_close_engines(s);
	scan_free(s);
	scan_close_probes(s);
	return ret;
}

int scan_run(struct scan *s, char err[SCAN_ERRLEN])
{
	int ret;

	if ((ret = scan_open(s, err)))
		return ret;
	if (!s->cfg->quiet)
		scan_banner(s);
	if (!(ret = scan_start_threads(s, err)))
		scan_monitor(s);
	ret = scan_stop(s, ret, err);
	return scan_close(s, ret, err);
}
