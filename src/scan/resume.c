/*
 * A running scan's checkpoints and --resume: what goes into the checkpoint file (where each
 * sender thread is, the key, the cooldown owed, the totals), and how a resumed scan takes
 * it back.  The file format itself is checkpoint.c's.
 */
#include "scan/scan.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"

/* What a checkpoint must agree with: the targets after the blocklist, ports, probe, -P. */
uint64_t scan_fingerprint(const struct scan_config *cfg)
{
	struct checkpoint_hasher hs;
	/* The permutation's version too: another order of the same scan is another scan. */
	uint32_t knobs[4] = { cfg->probes, (uint32_t)cfg->icmp_prescan, cfg->ports.count,
			      PERMUTATION_VERSION };

	checkpoint_hash_init(&hs);
	checkpoint_hash_add(&hs, cfg->targets.ranges,
			    cfg->targets.count * sizeof(cfg->targets.ranges[0]));
	/* The IPv6 set as finished: its singles, then its ranges (first, last).  Only when there
	 * is one, so that an IPv4 scan's fingerprint (and its checkpoints) stay what they were. */
	if (cfg->targets6.addresses) {
		checkpoint_hash_add(&hs, cfg->targets6.singles,
				    cfg->targets6.singles_count * sizeof(cfg->targets6.singles[0]));
		checkpoint_hash_add(&hs, cfg->targets6.ranges,
				    cfg->targets6.ranges_count * sizeof(cfg->targets6.ranges[0]));
	}
	checkpoint_hash_add(&hs, cfg->ports.ports, cfg->ports.count * sizeof(cfg->ports.ports[0]));
	checkpoint_hash_add(&hs, cfg->probe->name, strlen(cfg->probe->name));
	if (cfg->probe_args)
		checkpoint_hash_add(&hs, cfg->probe_args, strlen(cfg->probe_args));
	checkpoint_hash_add(&hs, knobs, sizeof(knobs));
	return hs.h;
}

/* A live checkpoint's margin for a reply's way back: a probe sent this long before the
 * writer's confirmed time has had its reply written, if it came by then. */
#define CHECKPOINT_LIVE_MARGIN_NS 100000000ULL

/*
 * A checkpoint written while the scan runs is what a SIGKILL leaves: it claims only probes
 * whose replies reached the output, so that results still queued (a paused reader) are sent
 * for again by the resumed scan.  With a writer that keeps up that is 100-200 ms back.
 */
/* No sender's position past pos[]: the checkpoint goes back there where it is further on. */
static void checkpoint_rewind_to(struct scan_checkpoint *cp, const uint64_t *pos, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (pos[i] < cp->next[i])
			cp->next[i] = pos[i];
}

static void scan_checkpoint_rewind_live(struct scan *s, struct scan_checkpoint *cp)
{
	uint64_t pos[CHECKPOINT_MAX_THREADS];
	uint64_t confirmed = __atomic_load_n(&s->confirmed_ns, __ATOMIC_ACQUIRE);

	if (confirmed <= CHECKPOINT_LIVE_MARGIN_NS ||
	    scan_history_at(&s->history, confirmed - CHECKPOINT_LIVE_MARGIN_NS, pos))
		/* Nothing kept that old (a reader paused past the history): the oldest safe one. */
		if (scan_history_safe(&s->history, pos))
			return;
	checkpoint_rewind_to(cp, pos, s->sender_count);
}

/* Where every sender thread stands now (live: as far as its results are written), and what
 * the scan has done so far. */
static void scan_checkpoint_fill(struct scan *s, struct scan_checkpoint *cp, int live)
{
	const struct scan_config *cfg = s->cfg;
	struct scan_totals t;
	uint64_t now = clock_mono_ns(), safe[CHECKPOINT_MAX_THREADS];

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
	if (live)
		scan_checkpoint_rewind_live(s, cp);
	/* The output failed: back to where every result of the probes before was written. */
	if (__atomic_load_n(&s->output_failed, __ATOMIC_ACQUIRE) &&
	    scan_history_safe(&s->history, safe) == 0)
		checkpoint_rewind_to(cp, safe, s->sender_count);
	cp->has_key = 1;
	memcpy(cp->key, s->nics[0].probe.params.key, sizeof(cp->key));
	cp->prf = s->nics[0].probe.params.prf;
	/* Once the cooldown runs, what is left of it; before, all of it. */
	cp->cooldown_left_ms =
		s->cooldown_end_ns
			? (s->cooldown_end_ns > now ? (s->cooldown_end_ns - now) / 1000000 : 0)
			: s->cooldown_ns / 1000000;
	scan_totals(s, &t);
	cp->totals =
		(struct checkpoint_totals){ .sent = t.io.tx_completed,
					    .valid = t.valid,
					    .successes = t.successes,
					    .failures = t.failures,
					    .duplicates = t.duplicates,
					    .alive = t.alive,
					    .elapsed_ms = (uint64_t)(scan_elapsed_s(s) * 1e3),
					    .send_ms = (uint64_t)(scan_send_seconds(s) * 1e3) };
}

static int checkpoint_save(struct scan *s, char *err, int live)
{
	struct scan_checkpoint cp;
	int ret;

	if (!s->cfg->checkpoint_file || !s->senders)
		return 0;
	scan_checkpoint_fill(s, &cp, live);
	if ((ret = checkpoint_write(s->cfg->checkpoint_file, &cp)) && err)
		snprintf(err, SCAN_ERRLEN, "--checkpoint-file %s: %s", s->cfg->checkpoint_file,
			 strerror(-ret));
	return ret;
}

int scan_checkpoint_save(struct scan *s, char *err)
{
	return checkpoint_save(s, err, 0);
}

int scan_checkpoint_save_live(struct scan *s)
{
	return checkpoint_save(s, NULL, 1);
}

/*
 * --resume, before anything else: the checkpoint's seed, key and PRF (replies to earlier
 * processes' probes still validate) and its totals.  The slices are checked later.
 */
int scan_resume_load(struct scan *s, struct scan_checkpoint *cp, char err[SCAN_ERRLEN])
{
	const struct scan_config *cfg = s->cfg;
	char cerr[SCAN_ERRLEN - 32];
	int ret;

	if ((ret = checkpoint_read(cfg->checkpoint_file, cp, cerr, sizeof(cerr)))) {
		snprintf(err, SCAN_ERRLEN, "--resume: %s", cerr);
		return ret;
	}
	if (cfg->seed_set && cfg->seed != cp->seed) {
		snprintf(err, SCAN_ERRLEN,
			 "--resume: -e %llu differs from the checkpoint's seed %llu",
			 (unsigned long long)cfg->seed, (unsigned long long)cp->seed);
		return -EINVAL;
	}
	s->seed = cp->seed;
	if (cp->has_key) {
		memcpy(s->nics[0].probe.params.key, cp->key, sizeof(cp->key));
		s->nics[0].probe.params.prf = cp->prf;
		s->base = cp->totals;
	}
	return 0;
}

/* --resume: the checkpoint must describe this very scan; then each thread starts where it was. */
int scan_resume(struct scan *s, const struct scan_checkpoint *cp, char err[SCAN_ERRLEN])
{
	const struct scan_config *cfg = s->cfg;
	const char *path = cfg->checkpoint_file;
	int left = 0;

	if (cp->fingerprint != s->fingerprint || cp->elements != s->positions) {
		snprintf(
			err, SCAN_ERRLEN,
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
