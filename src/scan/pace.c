/* The shared send schedule; the idea is in pace.h. */
#include "scan/pace.h"

#include "util/clock.h"

void pace_init(struct pace *p, uint64_t rate, uint64_t start_ns)
{
	p->claimed = 0;
	p->seq = 0;
	p->rate = rate;
	p->base_ns = start_ns;
	p->base_k = 0;
	p->stop = NULL;
}

unsigned pace_batch(const struct pace *p, unsigned max)
{
	/* About 2000 wake-ups a second at most, one packet per wake-up at low rates. */
	uint64_t rate = pace_rate(p), b = rate / 2000;

	if (rate == 0)
		return max;
	if (b < 1)
		b = 1;
	return b > max ? max : (unsigned)b;
}

/* Read the schedule consistently: retry while the writer is inside it. */
static void pace_read(const struct pace *p, uint64_t *rate, uint64_t *base_ns, uint64_t *base_k)
{
	unsigned before, after;

	do {
		before = __atomic_load_n(&p->seq, __ATOMIC_ACQUIRE);
		*rate = __atomic_load_n(&p->rate, __ATOMIC_RELAXED);
		*base_ns = __atomic_load_n(&p->base_ns, __ATOMIC_RELAXED);
		*base_k = __atomic_load_n(&p->base_k, __ATOMIC_RELAXED);
		/* Acquire: the fields are read before the sequence is checked again. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		after = __atomic_load_n(&p->seq, __ATOMIC_RELAXED);
	} while ((before & 1) || before != after);
}

uint64_t pace_rate(const struct pace *p)
{
	uint64_t rate, base_ns, base_k;

	pace_read(p, &rate, &base_ns, &base_k);
	return rate;
}

void pace_set_rate(struct pace *p, uint64_t rate, uint64_t now_ns)
{
	uint64_t k = __atomic_load_n(&p->claimed, __ATOMIC_RELAXED);

	__atomic_store_n(&p->seq, p->seq + 1, __ATOMIC_RELAXED);
	/* Release: readers see the odd sequence before any changed field. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&p->rate, rate, __ATOMIC_RELAXED);
	__atomic_store_n(&p->base_ns, now_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&p->base_k, k, __ATOMIC_RELAXED);
	/* Release: the fields are written before the sequence turns even again. */
	__atomic_store_n(&p->seq, p->seq + 1, __ATOMIC_RELEASE);
}

void pace_refund(struct pace *p, unsigned n)
{
	__atomic_fetch_sub(&p->claimed, n, __ATOMIC_RELAXED);
}

/* At low rates a wait is long: sleep it in slices this long, so that a stop is seen soon. */
#define PACE_SLICE_NS 10000000ULL

int pace_wait(struct pace *p, unsigned n)
{
	uint64_t first = __atomic_fetch_add(&p->claimed, n, __ATOMIC_RELAXED);
	uint64_t rate, base_ns, base_k, due;

	pace_read(p, &rate, &base_ns, &base_k);
	if (rate == 0)
		return 0;
	/* Numbers claimed before a rebase are due at once: they are late already. */
	if (first <= base_k)
		return 0;
	/* The batch may go when its first packet is due: the batch then ends on schedule. */
	due = base_ns + (uint64_t)((unsigned __int128)(first - base_k) * 1000000000u / rate);
	while (p->stop && clock_mono_ns() + PACE_SLICE_NS < due) {
		if (__atomic_load_n(p->stop, __ATOMIC_RELAXED))
			return 1;
		clock_sleep_us(PACE_SLICE_NS / 1000);
	}
	clock_wait_until(due);
	return 0;
}
