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
 */
#ifndef SALVO_SCAN_CHECKPOINT_H
#define SALVO_SCAN_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#define CHECKPOINT_VERSION 1
#define CHECKPOINT_MAX_THREADS 64

struct scan_checkpoint {
	uint64_t seed;
	uint64_t shard, shards;
	uint64_t elements;    /* positions in the permutation */
	uint64_t fingerprint; /* of targets, ports, probe, -P, prescan */
	unsigned threads;
	uint64_t next[CHECKPOINT_MAX_THREADS]; /* per sender thread: the next position */
	uint64_t end[CHECKPOINT_MAX_THREADS];  /* per sender thread: the end of its slice */
};

/* Write cp to path atomically; 0 or -errno. */
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
