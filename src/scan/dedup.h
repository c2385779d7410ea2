/*
 * Exact duplicate suppression: one bit per element of the scan
 * (address index * ports + port index), so the memory is the scan's size
 * in bits, not a fixed 2^32.  The bitmap is mapped lazily (MAP_NORESERVE):
 * only pages that a reply touches are ever backed by memory, so a sparse
 * result set over a huge scan stays small.  Test-and-set is one atomic OR,
 * safe from several receive threads.
 *
 * With a checkpoint the bitmap is a file beside it (sparse), so a resumed
 * process knows what the earlier ones reported: a reply that arrives again
 * in the next process's window (a retransmitted SYN-ACK) is a duplicate
 * there too.  The receive threads test and set a private copy-on-write view
 * of the file; a bit reaches the file itself (dedup_persist) only once its
 * result is written, or needs no writing, so that a process killed outright
 * (SIGKILL) leaves no bit of a result that was still queued: the resumed
 * scan sends that probe again and reports its reply.
 */
#ifndef SALVO_SCAN_DEDUP_H
#define SALVO_SCAN_DEDUP_H

#include <stddef.h>
#include <stdint.h>

struct dedup {
	uint64_t *bits; /* what this process has seen */
	uint64_t *file; /* with a file: what is recorded in it; NULL in memory */
	size_t len;	/* bytes mapped, each */
	uint64_t n;
};

int dedup_init(struct dedup *d, uint64_t n);

/*
 * The bitmap in the file at path (created 0600): kept as it is when keep is set and the file
 * has the size n bits take, otherwise cleared.  0 or -errno.
 */
int dedup_init_file(struct dedup *d, uint64_t n, const char *path, int keep);
void dedup_free(struct dedup *d);

/* Is element i marked? */
static inline int dedup_test(const struct dedup *d, uint64_t i)
{
	return (__atomic_load_n(&d->bits[i >> 6], __ATOMIC_RELAXED) >> (i & 63)) & 1;
}

/* Mark element i; returns 1 if it was already marked. */
static inline int dedup_test_and_set(struct dedup *d, uint64_t i)
{
	uint64_t mask = 1ULL << (i & 63);

	return (__atomic_fetch_or(&d->bits[i >> 6], mask, __ATOMIC_RELAXED) & mask) != 0;
}

/* Record element i in the file: its result is written, or was never to be. */
static inline void dedup_persist(struct dedup *d, uint64_t i)
{
	if (d->file)
		__atomic_fetch_or(&d->file[i >> 6], 1ULL << (i & 63), __ATOMIC_RELAXED);
}

/* Unmark element i: a result that was not written after all (writer.c). */
static inline void dedup_clear(struct dedup *d, uint64_t i)
{
	__atomic_fetch_and(&d->bits[i >> 6], ~(1ULL << (i & 63)), __ATOMIC_RELAXED);
}

#endif
