/*
 * Scan set-up, the thread lifecycle and the monitor (status line and
 * summary on stderr).  Called by main once the command line is parsed.
 */
#include "scan/scan.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "io/netif.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/priv.h"

volatile sig_atomic_t scan_signals;
volatile sig_atomic_t scan_rate_ups, scan_rate_downs;

static int resolve_from_kernel(struct scan *s, const struct salvo_config *cfg,
			       char err[SCAN_ERRLEN])
{
	struct probe_params *pp = &s->probe.params;
	uint32_t first = cfg->targets.ranges[0].first;
	struct netif_route route;
	char a[16], b[16];
	int ret, ifindex = 0;

	if (cfg->ifname) {
		if (!(ifindex = (int)if_nametoindex(cfg->ifname))) {
			snprintf(err, SCAN_ERRLEN, "--interface: %s: no such interface", cfg->ifname);
			return -ENODEV;
		}
	}
	target_format_ipv4(first, a);
	ret = netif_route_lookup(first, ifindex, &route);
	if (ret) {
		if (!cfg->ifname || !cfg->gateway_mac_set || !cfg->source_ip_set) {
			snprintf(err, SCAN_ERRLEN,
				 "no route to %s%s%s: %s (give -i, -S and -G, or add a route)", a,
				 cfg->ifname ? " via " : "", cfg->ifname ? cfg->ifname : "",
				 strerror(-ret));
			return ret;
		}
		route.ifindex = ifindex;
	}
	s->ifindex = ifindex ? ifindex : route.ifindex;
	if (!if_indextoname((unsigned)s->ifindex, s->ifname)) {
		snprintf(err, SCAN_ERRLEN, "interface %d: %s", s->ifindex, strerror(errno));
		return -errno;
	}

	if (cfg->source_ip_set) {
		pp->saddr = cfg->source_ip;
	} else if (route.prefsrc) {
		pp->saddr = route.prefsrc;
	} else if ((ret = netif_ipv4_address(s->ifindex, &pp->saddr))) {
		snprintf(err, SCAN_ERRLEN, "%s has no IPv4 address: give -S/--source-ip", s->ifname);
		return ret;
	}

	if (cfg->source_mac_set) {
		memcpy(pp->smac, cfg->source_mac, 6);
	} else if ((ret = netif_hwaddr(s->ifname, pp->smac))) {
		snprintf(err, SCAN_ERRLEN, "%s: cannot read its MAC address: %s (give --source-mac)",
			 s->ifname, strerror(-ret));
		return ret;
	}

	if (cfg->gateway_mac_set) {
		memcpy(pp->gwmac, cfg->gateway_mac, 6);
		return 0;
	}
	if (!route.gateway) {
		snprintf(err, SCAN_ERRLEN,
			 "%s is on-link on %s (no gateway to send through): give -G/--gateway-mac "
			 "with the next hop's MAC",
			 a, s->ifname);
		return -EHOSTUNREACH;
	}
	s->gateway = route.gateway;
	target_format_ipv4(route.gateway, b);
	if ((ret = netif_neigh_lookup(s->ifindex, route.gateway, pp->gwmac))) {
		/* Never fall back to broadcast: that would flood a whole segment with probes. */
		snprintf(err, SCAN_ERRLEN,
			 "the MAC of gateway %s on %s is not in the neighbour table: give "
			 "-G/--gateway-mac, or reach the gateway once so the kernel resolves it",
			 b, s->ifname);
		return ret == -ENOENT ? -EHOSTUNREACH : ret;
	}
	return 0;
}

int scan_resolve_network(struct scan *s, const struct salvo_config *cfg, char err[SCAN_ERRLEN])
{
	struct probe_params *pp = &s->probe.params;
	char ignored[SCAN_ERRLEN];

	if (!cfg->dryrun)
		return resolve_from_kernel(s, cfg, err);
	/*
	 * A dry run sends nothing: use what the kernel knows if it can tell,
	 * else the options given, else zeros, so probes can be built anywhere.
	 */
	if (resolve_from_kernel(s, cfg, ignored) == 0)
		return 0;
	snprintf(s->ifname, sizeof(s->ifname), "%s", cfg->ifname ? cfg->ifname : "none");
	s->ifindex = 0;
	pp->saddr = cfg->source_ip_set ? cfg->source_ip : 0;
	memcpy(pp->smac, cfg->source_mac, 6);
	memcpy(pp->gwmac, cfg->gateway_mac, 6);
	return 0;
}

static int scan_start_threads(struct scan *s, char err[SCAN_ERRLEN])
{
	sigset_t all, old;
	int ret = 0;

	/* Signals go to the monitoring thread only: workers are started with them blocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (unsigned i = 0; i < s->receiver_count && !ret; i++)
		ret = -pthread_create(&s->receivers[i].thread, NULL, scan_receiver_main,
				      &s->receivers[i]);
	if (!ret)
		ret = -pthread_create(&s->writer, NULL, scan_writer_main, s);
	s->start_ns = clock_mono_ns();
	pace_init(&s->pace, s->rate, s->start_ns);
	s->pace.stop = &s->stop_sending;
	__atomic_store_n(&s->senders_running, s->sender_count, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < s->sender_count && !ret; i++)
		ret = -pthread_create(&s->senders[i].thread, NULL, scan_sender_main,
				      &s->senders[i]);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		snprintf(err, SCAN_ERRLEN, "cannot start threads: %s", strerror(-ret));
	return ret;
}

/* What a checkpoint must agree with: the targets after the blocklist, ports, probe, -P. */
static uint64_t scan_fingerprint(const struct salvo_config *cfg)
{
	struct checkpoint_hasher hs;
	uint32_t knobs[3] = { cfg->probes, (uint32_t)cfg->icmp_prescan, cfg->ports.count };

	checkpoint_hash_init(&hs);
	checkpoint_hash_add(&hs, cfg->targets.ranges,
			    cfg->targets.count * sizeof(cfg->targets.ranges[0]));
	checkpoint_hash_add(&hs, cfg->ports.ports, cfg->ports.count * sizeof(cfg->ports.ports[0]));
	checkpoint_hash_add(&hs, cfg->probe->name, strlen(cfg->probe->name));
	if (cfg->probe_args)
		checkpoint_hash_add(&hs, cfg->probe_args, strlen(cfg->probe_args));
	checkpoint_hash_add(&hs, knobs, sizeof(knobs));
	return hs.h;
}

/* Where every sender thread stands now, and what the scan has done so far. */
static void scan_checkpoint_fill(struct scan *s, struct scan_checkpoint *cp)
{
	const struct salvo_config *cfg = s->cfg;
	struct scan_totals t;
	uint64_t now = clock_mono_ns();

	memset(cp, 0, sizeof(*cp));
	cp->seed = s->seed;
	cp->shard = cfg->shard;
	cp->shards = cfg->shards;
	cp->elements = s->positions;
	cp->fingerprint = s->fingerprint;
	cp->threads = s->sender_count;
	for (unsigned i = 0; i < s->sender_count; i++) {
		cp->next[i] = s->senders[i].begin +
			      __atomic_load_n(&s->senders[i].done, __ATOMIC_ACQUIRE);
		cp->end[i] = s->senders[i].end;
	}
	cp->has_key = 1;
	memcpy(cp->key, s->probe.params.key, sizeof(cp->key));
	/* Once the cooldown runs, what is left of it; before, all of it. */
	cp->cooldown_left_ms = s->cooldown_end_ns ? (s->cooldown_end_ns > now
							     ? (s->cooldown_end_ns - now) / 1000000
							     : 0)
						  : s->cooldown_ns / 1000000;
	scan_totals(s, &t);
	cp->totals = (struct checkpoint_totals){ .sent = t.io.tx_completed,
						 .valid = t.valid,
						 .successes = t.successes,
						 .failures = t.failures,
						 .duplicates = t.duplicates,
						 .alive = t.alive,
						 .elapsed_ms = (uint64_t)(scan_elapsed_s(s) * 1e3),
						 .send_ms = (uint64_t)(scan_send_seconds(s) * 1e3) };
}

int scan_checkpoint_save(struct scan *s, char *err)
{
	struct scan_checkpoint cp;
	int ret;

	if (!s->cfg->checkpoint_file || !s->senders)
		return 0;
	scan_checkpoint_fill(s, &cp);
	if ((ret = checkpoint_write(s->cfg->checkpoint_file, &cp)) && err)
		snprintf(err, SCAN_ERRLEN, "--checkpoint-file %s: %s", s->cfg->checkpoint_file,
			 strerror(-ret));
	return ret;
}

/*
 * --resume, before anything else: the checkpoint's seed and key (replies to earlier
 * processes' probes still validate) and its totals.  The slices are checked later.
 */
static int scan_resume_load(struct scan *s, struct scan_checkpoint *cp, char err[SCAN_ERRLEN])
{
	const struct salvo_config *cfg = s->cfg;
	char cerr[SCAN_ERRLEN - 32];
	int ret;

	if ((ret = checkpoint_read(cfg->checkpoint_file, cp, cerr, sizeof(cerr)))) {
		snprintf(err, SCAN_ERRLEN, "--resume: %s", cerr);
		return ret;
	}
	if (cfg->seed_set && cfg->seed != cp->seed) {
		snprintf(err, SCAN_ERRLEN, "--resume: -e %llu differs from the checkpoint's seed %llu",
			 (unsigned long long)cfg->seed, (unsigned long long)cp->seed);
		return -EINVAL;
	}
	s->seed = cp->seed;
	if (cp->has_key) {
		memcpy(s->probe.params.key, cp->key, sizeof(cp->key));
		s->base = cp->totals;
	}
	return 0;
}

/* --resume: the checkpoint must describe this very scan; then each thread starts where it was. */
static int scan_resume(struct scan *s, const struct scan_checkpoint *cp, char err[SCAN_ERRLEN])
{
	const struct salvo_config *cfg = s->cfg;
	const char *path = cfg->checkpoint_file;
	int left = 0;

	if (cp->fingerprint != s->fingerprint || cp->elements != s->positions) {
		snprintf(err, SCAN_ERRLEN,
			 "--resume: %s is a checkpoint of another scan (targets, ports, probe or -P "
			 "differ); run the same scan, or start afresh without --resume",
			 path);
		return -EINVAL;
	}
	if (cp->shard != cfg->shard || cp->shards != cfg->shards) {
		snprintf(err, SCAN_ERRLEN, "--resume: %s is shard %llu of %llu, not %llu of %llu",
			 path, (unsigned long long)cp->shard, (unsigned long long)cp->shards,
			 (unsigned long long)cfg->shard, (unsigned long long)cfg->shards);
		return -EINVAL;
	}
	if (cp->threads != s->sender_count) {
		snprintf(err, SCAN_ERRLEN,
			 "--resume: %s was written with %u sender threads; resume with -T %u", path,
			 cp->threads, cp->threads);
		return -EINVAL;
	}
	for (unsigned i = 0; i < s->sender_count; i++) {
		if (cp->end[i] != s->senders[i].end || cp->next[i] < s->senders[i].begin) {
			snprintf(err, SCAN_ERRLEN, "--resume: %s: thread %u's slice does not match",
				 path, i);
			return -EINVAL;
		}
		s->senders[i].start = cp->next[i];
		left |= cp->next[i] < cp->end[i];
	}
	/* Everything was sent: only the cooldown the last process did not finish is owed. */
	if (!left && cp->has_key)
		s->cooldown_ns = cp->cooldown_left_ms * 1000000ULL;
	return 0;
}

/* Sender threads: -T, or as many as the engine has queues on this interface (af_xdp). */
static void scan_fit_threads(struct scan *s, const struct io_config *io)
{
	unsigned max = io_engine_queues_max(s->cfg->engine, io);

	s->sender_count = s->cfg->sender_threads;
	if (max && s->sender_count > max)
		s->sender_count = max;
}

/* Fewer threads than asked, for the engine's queues: said in one line rather than refused. */
static void scan_threads_notice(const struct scan *s)
{
	const struct salvo_config *cfg = s->cfg;

	if (cfg->quiet ||
	    (s->sender_count >= cfg->sender_threads && s->receiver_count >= cfg->receivers))
		return;
	fprintf(stderr,
		"salvo: %s on %s: %u sender thread%s and %u receive thread%s, not the -T %u and "
		"--receivers %u asked (the interface has fewer queues)\n",
		cfg->engine->name, s->ifname, s->sender_count, s->sender_count == 1 ? "" : "s",
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
	const struct salvo_config *cfg = s->cfg;
	uint64_t slice;
	int ret;

	s->elements = cfg->targets.addresses * cfg->ports.count;
	if ((ret = target_permutation_init(&s->perm, s->elements, s->seed))) {
		snprintf(err, SCAN_ERRLEN, "the scan is too large: %llu addresses x %u ports",
			 (unsigned long long)cfg->targets.addresses, cfg->ports.count);
		return ret;
	}
	s->positions = s->elements;
	if (cfg->icmp_prescan) {
		/* Senders walk addresses, not (address, port) elements: slice those. */
		s->positions = cfg->targets.addresses;
		if ((ret = target_permutation_init(&s->perm_addr, cfg->targets.addresses,
						   s->seed)) ||
		    (ret = dedup_init(&s->live, cfg->targets.addresses))) {
			snprintf(err, SCAN_ERRLEN, "--icmp-prescan: %s", strerror(-ret));
			return ret;
		}
	}
	target_permutation_slice(s->positions, cfg->shard, cfg->shards, &s->shard_begin,
				 &s->shard_end);
	/* -n: only the first part of this shard's slice. */
	if (cfg->max_targets || cfg->max_targets_percent > 0) {
		uint64_t limit = cfg->max_targets;

		if (cfg->max_targets_percent > 0)
			limit = (uint64_t)((double)(s->shard_end - s->shard_begin) *
					   cfg->max_targets_percent / 100.0 + 0.5);
		if (limit < s->shard_end - s->shard_begin)
			s->shard_end = s->shard_begin + limit;
	}
	if ((ret = scan_dedup_init(s, err)))
		return ret;
	s->senders = alloc_array_aligned(s->sender_count, sizeof(*s->senders));
	if (!s->senders) {
		snprintf(err, SCAN_ERRLEN, "out of memory");
		return -ENOMEM;
	}
	slice = s->shard_end - s->shard_begin;
	for (unsigned i = 0; i < s->sender_count; i++) {
		uint64_t b, e;

		target_permutation_slice(slice, i, s->sender_count, &b, &e);
		s->senders[i].scan = s;
		s->senders[i].queue = i;
		s->senders[i].begin = s->shard_begin + b;
		s->senders[i].start = s->shard_begin + b;
		s->senders[i].end = s->shard_begin + e;
	}
	return 0;
}

/* One receive thread per queue the engine asks us to poll. */
static int scan_alloc_receivers(struct scan *s, char err[SCAN_ERRLEN])
{
	s->receiver_count = s->engine.rx_queues;
	s->receivers = alloc_array_aligned(s->receiver_count, sizeof(*s->receivers));
	if (!s->receivers) {
		snprintf(err, SCAN_ERRLEN, "out of memory");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < s->receiver_count; i++) {
		s->receivers[i].scan = s;
		s->receivers[i].queue = i;
	}
	return 0;
}

int scan_run(struct scan *s, char err[SCAN_ERRLEN])
{
	const struct salvo_config *cfg = s->cfg;
	struct probe_params *pp = &s->probe.params;
	struct io_config io = { 0 };
	uint8_t tmpl[PROBE_FRAME_MAX];
	char ioerr[IO_ERRLEN], src[16], mac[18], gw[18];
	struct scan_checkpoint resume_from;
	int ret, oret, tlen;

	s->control_fd = -1; /* closed on every exit path below: never fd 0 by accident */
	s->probe.ops = cfg->probe;
	s->probe.args = cfg->probe_args;
	pp->sport_first = cfg->sport_first;
	pp->sport_count = cfg->sport_count;
	pp->probes = cfg->probes;
	pp->ttl = 255;
	if (getrandom(pp->key, sizeof(pp->key), 0) != (ssize_t)sizeof(pp->key)) {
		snprintf(err, SCAN_ERRLEN, "getrandom: %s", strerror(errno));
		return -errno;
	}
	s->seed = cfg->seed;
	s->cooldown_ns = (uint64_t)cfg->cooldown_s * 1000000000ULL;
	/* The checkpoint's key replaces the new one before any probe module sees it. */
	if (cfg->resume && (ret = scan_resume_load(s, &resume_from, err)))
		return ret;
	if ((ret = probe_init(&s->probe, err, SCAN_ERRLEN)))
		return ret;
	if (cfg->prescan_probe) {
		s->prescan.ops = cfg->prescan_probe;
		s->prescan.params = *pp;
		if ((ret = probe_init(&s->prescan, err, SCAN_ERRLEN)))
			goto out_alloc;
	}
	if ((tlen = probe_template(&s->probe, tmpl, sizeof(tmpl))) < 0) {
		snprintf(err, SCAN_ERRLEN, "%s: the probe does not fit in a frame", cfg->probe->name);
		ret = tlen;
		goto out_alloc;
	}
	s->fingerprint = scan_fingerprint(cfg);
	io.ifname = s->ifname;
	io.ifindex = s->ifindex;
	scan_fit_threads(s, &io);
	io.tx_queues = s->sender_count;
	io.rx_queues = cfg->receivers;
	if ((ret = scan_alloc(s, err)))
		goto out_alloc;
	if (cfg->resume && (ret = scan_resume(s, &resume_from, err)))
		goto out_alloc;
	/* The first checkpoint now, the scan's start: an unwritable path fails before any probe
	 * is sent, not at the end of the scan. */
	if ((ret = scan_checkpoint_save(s, err)))
		goto out_alloc;

	io.frame_len_max = s->probe.frame_len_max > (uint32_t)tlen ? s->probe.frame_len_max
								 : (unsigned)tlen;
	s->rate = cfg->rate;
	if (cfg->bandwidth_bps) {
		/* On the wire a frame is at least 60 bytes, plus FCS, preamble and gap: 24. */
		uint64_t wire_bits = ((uint64_t)(tlen < 60 ? 60 : tlen) + 24) * 8;

		s->rate = cfg->bandwidth_bps / wire_bits ? cfg->bandwidth_bps / wire_bits : 1;
	}
	io.replies = cfg->probe->replies | (cfg->prescan_probe ? PROBE_REPLY_ICMP_ECHO : 0);
	io.rx_daddr = pp->saddr;
	io.rx_sport_first = cfg->sport_first;
	io.rx_sport_count = cfg->sport_count;
	io.xdp_mode = cfg->xdp_mode;
	io.pcap_file = cfg->pcap_file;
	/* Files and the control socket before the engine: a bad path is the user's to fix before
	 * any raw socket is opened.  The output last of them, so that a bad -u, -m or --control
	 * leaves no csv header on stdout. */
	if ((ret = scan_monitor_open(s, err)))
		goto out_output;
	if ((ret = scan_control_open(s, err)))
		goto out_output;
	if ((ret = output_open(&s->output, cfg->output, cfg->output_file, &cfg->fields,
			       cfg->ports.count > 1, cfg->probe->name, cfg->resume, err,
			       SCAN_ERRLEN)))
		goto out_output;
	if ((ret = io_engine_open(&s->engine, cfg->engine, &io, ioerr))) {
		/* Engines name themselves at the start of their messages. */
		snprintf(err, SCAN_ERRLEN, "%s", ioerr);
		goto out_output;
	}
	if ((ret = scan_alloc_receivers(s, err)))
		goto out_engine;
	scan_threads_notice(s);
	/* Sockets open, program attached, no thread started yet: keep only what closing needs. */
	if ((ret = priv_drop(cfg->engine->keep_privileges, cfg->user ? cfg->user_uid : (unsigned)-1,
			     cfg->user_gid, err, SCAN_ERRLEN)))
		goto out_engine;
	if ((ret = output_begin(&s->output))) {
		snprintf(err, SCAN_ERRLEN, "--output-file %s: %s", cfg->output_file, strerror(-ret));
		goto out_engine;
	}

	if (!cfg->quiet) {
		target_format_ipv4(pp->saddr, src);
		netif_format_mac(pp->smac, mac);
		netif_format_mac(pp->gwmac, gw);
		fprintf(stderr,
			"salvo: scanning %llu addresses x %u ports = %llu probes%s (shard %llu/%llu: "
			"%llu) from %s (%s) on %s, probe %s, gateway %s; engine %s (%s); rate %llu pps; "
			"seed %llu\n",
			(unsigned long long)cfg->targets.addresses, cfg->ports.count,
			(unsigned long long)s->elements, cfg->probes > 1 ? " (each xP)" : "",
			(unsigned long long)cfg->shard, (unsigned long long)cfg->shards,
			(unsigned long long)(s->shard_end - s->shard_begin), src, mac, s->ifname,
			cfg->probe->name, gw, cfg->engine->name, s->engine.mode,
			(unsigned long long)s->rate, (unsigned long long)s->seed);
	}

	if ((ret = scan_start_threads(s, err))) {
		/* Whatever started must be stopped before the engine goes away. */
		__atomic_store_n(&s->stop_sending, 1, __ATOMIC_RELEASE);
	} else {
		scan_monitor(s);
	}
	__atomic_store_n(&s->stop_sending, 1, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < s->sender_count; i++)
		if (s->senders[i].thread)
			pthread_join(s->senders[i].thread, NULL);
	if (!s->send_done_ns)
		s->send_done_ns = clock_mono_ns();
	__atomic_store_n(&s->stop_receiving, 1, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < s->receiver_count; i++)
		if (s->receivers[i].thread)
			pthread_join(s->receivers[i].thread, NULL);
	__atomic_store_n(&s->stop_writing, 1, __ATOMIC_RELEASE);
	if (s->writer)
		pthread_join(s->writer, NULL);
	/* Every thread has stopped: this checkpoint's positions and totals are exact. */
	if ((oret = scan_checkpoint_save(s, ret ? NULL : err)) && !ret)
		ret = oret;

	if (!ret && s->abort_reason[0]) {
		ret = -ECANCELED;
		snprintf(err, SCAN_ERRLEN, "%s", s->abort_reason);
	}
	if (!ret) {
		for (unsigned i = 0; i < s->sender_count && !ret; i++)
			if ((ret = s->senders[i].error))
				snprintf(err, SCAN_ERRLEN, "sender %u: %s", i, strerror(-ret));
		for (unsigned i = 0; i < s->receiver_count && !ret; i++)
			if ((ret = s->receivers[i].error))
				snprintf(err, SCAN_ERRLEN, "receiver %u: %s", i, strerror(-ret));
	}
	if (!cfg->quiet)
		scan_summary(s);
out_engine:
	/* The metadata reads the engine's final counters: write it before the engine goes. */
	if ((oret = scan_monitor_close(s, ret)) && !ret) {
		ret = oret;
		snprintf(err, SCAN_ERRLEN, "--metadata-file: %s", strerror(-ret));
	}
	io_engine_close(&s->engine);
out_output:
	scan_control_close(s);
	scan_monitor_close(s, ret);
	oret = output_close(&s->output);
	if (!ret && (oret || s->writer_error)) {
		ret = oret ? oret : s->writer_error;
		snprintf(err, SCAN_ERRLEN, "--output-file %s: %s", cfg->output_file, strerror(-ret));
	}
out_alloc:
	free(s->senders);
	free(s->receivers);
	dedup_free(&s->dedup);
	dedup_free(&s->live);
	probe_close(&s->probe);
	probe_close(&s->prescan);
	return ret;
}
