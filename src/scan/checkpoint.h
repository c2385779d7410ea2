/*
 * Checkpoints: where a scan stopped, so --resume continues it exactly.
 *
 * A scan is its seed-keyed permutation cut into slices, one per shard and
 * sender thread; a checkpoint records, per thread, the next position of its
 * slice, plus what must not change between the runs: seed, shard, thread
 * count and a fingerprint (SipHash) of the targets after the blocklist,
 * the ports, the probe module and -P.  It is a small text file, written
 * to PATH.tmp and renamed over PATH, so a crash leaves the old or the new
 * one, never half of one.
 *
 * Version 2 also carries what lets a resumed process carry on as the same
 * scan: the validation key (replies to probes an earlier process sent still
 * validate: an orchestrator that cuts windows loses no late reply), the
 * cooldown still owed once everything is sent, and the scan's running
 * totals (progress counts the scan, not the process).  The key makes the
 * file a secret of the scan's: it is created 0600.  Version 1 files are
 * still read; they have no key and no totals.
 *
 * Version 3 adds the validation PRF the key is used with (util/prf.h): a scan
 * keeps its PRF, whatever the CPU that resumes it.  Version 2 files are read
 * as SipHash, the PRF of every scan before version 3.
 */
#ifndef SALVO_SCAN_CHECKPOINT_H
#define SALVO_SCAN_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "util/prf.h"
#include "util/siphash.h"

#define CHECKPOINT_VERSION     3
#define CHECKPOINT_MAX_THREADS 64

/* What the scan has done in all its processes so far. */
struct checkpoint_totals {
	uint64_t sent, valid, successes, failures, duplicates, alive;
	uint64_t elapsed_ms; /* time spent running, summed over the processes */
	uint64_t send_ms;    /* of which sending */
};

struct scan_checkpoint {
	uint64_t seed;
	uint64_t shard, shards;
	uint64_t elements;    /* positions in the permutation */
	uint64_t fingerprint; /* of targets, ports, probe, -P, prescan */
	unsigned threads;
	uint64_t next[CHECKPOINT_MAX_THREADS]; /* per sender thread: the next position */
	uint64_t end[CHECKPOINT_MAX_THREADS];  /* per sender thread: the end of its slice */
	/* Version 2 (zero in a version 1 file): */
	int has_key;
	uint8_t key[SIPHASH_KEY_LEN]; /* the probes' validation key */
	enum prf_kind prf;	      /* what it keys (version 3; SipHash before) */
	uint64_t cooldown_left_ms;    /* cooldown still to run once nothing is left to send */
	struct checkpoint_totals totals;
};

/* Write cp to path atomically, mode 0600; 0 or -errno. */
int checkpoint_write(const char *path, const struct scan_checkpoint *cp);

/* Read path into cp; 0, or -errno / -EINVAL with a line in err. */
int checkpoint_read(const char *path, struct scan_checkpoint *cp, char *err, size_t errlen);

/* The fingerprint of a scan description (the caller feeds its parts). */
struct checkpoint_hasher {
	uint64_t h;
};
void checkpoint_hash_init(struct checkpoint_hasher *hs);
void checkpoint_hash_add(struct checkpoint_hasher *hs, const void *data, size_t len);

#endif
