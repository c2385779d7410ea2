/*
 * The result queue: how a receive thread hands validated results to the writer without ever
 * waiting for the output.
 *
 * The idea: one queue per receive thread, with that thread its only producer and the writer
 * its only consumer, so neither side locks.  A queue is a list of chunks holding records of
 * any length back to back; the producer publishes a record by advancing its chunk's fill
 * mark, the consumer reads up to that mark and moves to the next chunk once the producer
 * has linked one.  Chunks the consumer has left behind are taken again by the producer
 * (the list's head is its cache of free chunks), so memory grows only while the backlog
 * does, and a queue that has reached its size allocates nothing more.
 *
 * What bounds the queues is a budget in bytes shared by all of them (--output-buffer): a
 * producer takes bytes before it queues a record and the writer gives them back once the
 * record is written.  Past the high-water mark the scan's senders pause; below the low-water
 * mark they go on; a full budget is the one case where a producer must wait, and with the
 * senders paused a quarter of the budget early it should not come to that.
 *
 * Called by the receive threads (resultq_reserve, resultq_commit, resultq_budget_take), the
 * writer (resultq_peek, resultq_next, resultq_budget_give) and the monitor (the marks).
 */
#ifndef SALVO_SCAN_RESULTQ_H
#define SALVO_SCAN_RESULTQ_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of records a chunk holds: one allocation per this much backlog growth. */
#define RESULTQ_CHUNK_BYTES (64 * 1024)
/* The longest record a queue takes. */
#define RESULTQ_RECORD_MAX (RESULTQ_CHUNK_BYTES / 4)

struct resultq_chunk;

struct resultq {
	/* The producer's side. */
	struct resultq_chunk *tail;	 /* the chunk being filled */
	struct resultq_chunk *first;	 /* the oldest chunk: those before head are free */
	struct resultq_chunk *head_seen; /* head as the producer last read it */
	uint32_t reserved;		 /* the length resultq_reserve handed out */
	uint64_t chunks;		 /* chunks allocated (atomic: the monitor reads it) */
	/* The consumer's side, on a line of its own. */
	struct resultq_chunk *head __attribute__((aligned(64))); /* being read (atomic) */
	uint32_t head_off;
};

/* An empty queue with its first chunk; 0 or -ENOMEM. */
int resultq_init(struct resultq *q);
/* Free every chunk (no thread may use the queue any more). */
void resultq_free(struct resultq *q);

/*
 * The producer: room for a record of len bytes (1 .. RESULTQ_RECORD_MAX), 8-byte aligned, or
 * NULL if a new chunk was needed and none could be allocated.  resultq_commit publishes it.
 */
void *resultq_reserve(struct resultq *q, uint32_t len);
void resultq_commit(struct resultq *q);

/* The consumer: the oldest record and its length, or NULL when the queue is empty. */
const void *resultq_peek(struct resultq *q, uint32_t *len);
/* The consumer: done with the record resultq_peek returned; the producer may reuse it. */
void resultq_next(struct resultq *q);

/* Bytes of memory the queue holds, chunks and all (the monitor's view). */
uint64_t resultq_memory(const struct resultq *q);

/*
 * The budget all queues share: bytes of records queued and not yet written.
 */
struct resultq_budget {
	uint64_t queued; /* bytes (atomic) */
	uint64_t size, high, low;
};

/* A budget of size bytes (at least a few records); high and low water at 3/4 and 1/2. */
void resultq_budget_init(struct resultq_budget *b, uint64_t size);

/* What a take or give did to the backlog, for the one who must hear of it. */
enum resultq_level {
	RESULTQ_LEVEL_SAME,	/* no mark crossed */
	RESULTQ_LEVEL_HIGH,	/* the backlog rose to the high-water mark or past it */
	RESULTQ_LEVEL_LOW,	/* the backlog fell to the low-water mark or below it */
	RESULTQ_LEVEL_FULL = -1 /* take: no room for it; nothing was taken */
};

/* Take n bytes for a record about to be queued. */
enum resultq_level resultq_budget_take(struct resultq_budget *b, uint64_t n);
/* Give back n bytes of records written (or dropped by the writer). */
enum resultq_level resultq_budget_give(struct resultq_budget *b, uint64_t n);

static inline uint64_t resultq_budget_queued(const struct resultq_budget *b)
{
	return __atomic_load_n(&b->queued, __ATOMIC_RELAXED);
}

static inline int resultq_budget_over_high(const struct resultq_budget *b)
{
	return resultq_budget_queued(b) >= b->high;
}

static inline int resultq_budget_under_low(const struct resultq_budget *b)
{
	return resultq_budget_queued(b) <= b->low;
}

#endif
