/* The result queue and its budget; the idea is in resultq.h. */
#include "scan/resultq.h"

#include <errno.h>
#include <stdlib.h>

struct resultq_chunk {
	struct resultq_chunk *next; /* set once by the producer, when the chunk is full */
	uint32_t used;		    /* bytes of records published */
	uint8_t bytes[RESULTQ_CHUNK_BYTES] __attribute__((aligned(8)));
};

/* Each record: its length in a header of 8 bytes (the record stays 8-byte aligned). */
#define RESULTQ_HEADER 8

static uint32_t resultq_span(uint32_t len)
{
	return RESULTQ_HEADER + ((len + 7u) & ~7u);
}

static struct resultq_chunk *resultq_chunk_alloc(struct resultq *q)
{
	struct resultq_chunk *c = malloc(sizeof(*c));

	if (c)
		__atomic_store_n(&q->chunks, q->chunks + 1, __ATOMIC_RELAXED);
	return c;
}

int resultq_init(struct resultq *q)
{
	struct resultq_chunk *c;

	q->chunks = 0;
	if (!(c = resultq_chunk_alloc(q)))
		return -ENOMEM;
	c->next = NULL;
	c->used = 0;
	q->tail = q->first = q->head_seen = q->head = c;
	q->head_off = 0;
	q->reserved = 0;
	return 0;
}

void resultq_free(struct resultq *q)
{
	struct resultq_chunk *c = q->first, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	q->first = q->tail = q->head = q->head_seen = NULL;
}

/*
 * A chunk for the producer: one the consumer has left behind, or a new one.  Chunks from
 * first up to (not including) head are free; head is re-read only when those run out.
 */
static struct resultq_chunk *resultq_chunk_get(struct resultq *q)
{
	struct resultq_chunk *c;

	if (q->first == q->head_seen)
		/* Acquire: the consumer is done reading a chunk before it moves head past it. */
		q->head_seen = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);
	if (q->first != q->head_seen) {
		c = q->first;
		q->first = c->next;
		return c;
	}
	return resultq_chunk_alloc(q);
}

void *resultq_reserve(struct resultq *q, uint32_t len)
{
	uint32_t span = resultq_span(len), used = q->tail->used;
	uint8_t *rec;

	if (used + span > RESULTQ_CHUNK_BYTES) {
		struct resultq_chunk *c = resultq_chunk_get(q);

		if (!c)
			return NULL;
		c->next = NULL;
		c->used = 0;
		/* Release: the new chunk is empty before the consumer can step into it, and every
		 * record of the full one is published before its next is. */
		__atomic_store_n(&q->tail->next, c, __ATOMIC_RELEASE);
		q->tail = c;
		used = 0;
	}
	rec = q->tail->bytes + used;
	*(uint32_t *)rec = len;
	q->reserved = span;
	return rec + RESULTQ_HEADER;
}

void resultq_commit(struct resultq *q)
{
	/* Release: the record is written before the consumer can see the new fill mark. */
	__atomic_store_n(&q->tail->used, q->tail->used + q->reserved, __ATOMIC_RELEASE);
}

const void *resultq_peek(struct resultq *q, uint32_t *len)
{
	for (;;) {
		struct resultq_chunk *c = q->head, *next;
		const uint8_t *rec;

		if (q->head_off < __atomic_load_n(&c->used, __ATOMIC_ACQUIRE)) {
			rec = c->bytes + q->head_off;
			*len = *(const uint32_t *)rec;
			return rec + RESULTQ_HEADER;
		}
		if (!(next = __atomic_load_n(&c->next, __ATOMIC_ACQUIRE)))
			return NULL;
		/* A chunk with a next is final, but records may have been published in it
		 * between the two loads above: look again before leaving it. */
		if (q->head_off < __atomic_load_n(&c->used, __ATOMIC_ACQUIRE))
			continue;
		q->head_off = 0;
		/* Release: done with c; from now on the producer may fill it again. */
		__atomic_store_n(&q->head, next, __ATOMIC_RELEASE);
	}
}

void resultq_next(struct resultq *q)
{
	q->head_off += resultq_span(*(const uint32_t *)(q->head->bytes + q->head_off));
}

uint64_t resultq_memory(const struct resultq *q)
{
	return __atomic_load_n(&q->chunks, __ATOMIC_RELAXED) * sizeof(struct resultq_chunk);
}

void resultq_budget_init(struct resultq_budget *b, uint64_t size)
{
	b->queued = 0;
	b->size = size;
	b->high = size - size / 4;
	b->low = size / 2;
}

enum resultq_level resultq_budget_take(struct resultq_budget *b, uint64_t n)
{
	uint64_t cur = __atomic_load_n(&b->queued, __ATOMIC_RELAXED);

	do {
		if (cur + n > b->size)
			return RESULTQ_LEVEL_FULL;
	} while (!__atomic_compare_exchange_n(&b->queued, &cur, cur + n, 1, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return cur < b->high && cur + n >= b->high ? RESULTQ_LEVEL_HIGH : RESULTQ_LEVEL_SAME;
}

enum resultq_level resultq_budget_give(struct resultq_budget *b, uint64_t n)
{
	uint64_t cur = __atomic_fetch_sub(&b->queued, n, __ATOMIC_RELAXED);

	return cur > b->low && cur - n <= b->low ? RESULTQ_LEVEL_LOW : RESULTQ_LEVEL_SAME;
}
