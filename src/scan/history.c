/* The senders' positions over time; the idea is in history.h. */
#include "scan/history.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Samples kept: enough for a fine grain over a long cooldown, small for any. */
#define HISTORY_SAMPLES	 1024
#define HISTORY_EVERY_NS 100000000ULL /* 100 ms at the finest */

int scan_history_init(struct scan_history *h, unsigned senders, uint64_t span_ns)
{
	memset(h, 0, sizeof(*h));
	h->cap = HISTORY_SAMPLES;
	h->senders = senders;
	h->every_ns = span_ns / (HISTORY_SAMPLES / 2);
	if (h->every_ns < HISTORY_EVERY_NS)
		h->every_ns = HISTORY_EVERY_NS;
	h->ns = calloc(h->cap, sizeof(*h->ns));
	/* The ring's samples, then the safe one. */
	h->pos = calloc(((size_t)h->cap + 1) * senders, sizeof(*h->pos));
	if (!h->ns || !h->pos) {
		scan_history_free(h);
		return -ENOMEM;
	}
	return 0;
}

void scan_history_free(struct scan_history *h)
{
	free(h->ns);
	free(h->pos);
	h->ns = h->pos = NULL;
	h->count = 0;
	h->safe_ns = 0;
}

static uint64_t *history_slot(const struct scan_history *h, unsigned i)
{
	return h->pos + (size_t)i * h->senders;
}

void scan_history_record(struct scan_history *h, uint64_t now_ns, const uint64_t *pos, int force)
{
	unsigned last = (h->head + h->cap - 1) % h->cap;

	if (!h->ns || (!force && h->count && now_ns - h->ns[last] < h->every_ns))
		return;
	if (!h->safe_ns) {
		h->safe_ns = now_ns;
		memcpy(history_slot(h, h->cap), pos, h->senders * sizeof(*pos));
	}
	h->ns[h->head] = now_ns;
	memcpy(history_slot(h, h->head), pos, h->senders * sizeof(*pos));
	h->head = (h->head + 1) % h->cap;
	if (h->count < h->cap)
		h->count++;
}

/* The ring index of the latest sample at or before t_ns, or -1 if none is kept. */
static int history_find(const struct scan_history *h, uint64_t t_ns)
{
	for (unsigned k = 1; k <= h->count; k++) {
		unsigned i = (h->head + h->cap - k) % h->cap;

		if (h->ns[i] <= t_ns)
			return (int)i;
	}
	return -1;
}

void scan_history_settle(struct scan_history *h, uint64_t t_ns)
{
	int i = history_find(h, t_ns);

	if (i >= 0 && h->ns[i] > h->safe_ns) {
		h->safe_ns = h->ns[i];
		memcpy(history_slot(h, h->cap), history_slot(h, (unsigned)i),
		       h->senders * sizeof(*h->pos));
	}
}

int scan_history_safe(const struct scan_history *h, uint64_t *pos)
{
	if (!h->safe_ns)
		return -ENOENT;
	memcpy(pos, history_slot(h, h->cap), h->senders * sizeof(*pos));
	return 0;
}

int scan_history_at(const struct scan_history *h, uint64_t t_ns, uint64_t *pos)
{
	int i = history_find(h, t_ns);

	if (i < 0)
		return -ENOENT;
	memcpy(pos, history_slot(h, (unsigned)i), h->senders * sizeof(*pos));
	return 0;
}
