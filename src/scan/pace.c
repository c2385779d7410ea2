/* The shared send schedule; the idea is in pace.h. */
#include "scan/pace.h"

#include "util/clock.h"

void pace_init(struct pace *p, uint64_t rate, uint64_t start_ns)
{
	p->rate = rate;
	p->start_ns = start_ns;
	p->claimed = 0;
}

unsigned pace_batch(const struct pace *p, unsigned max)
{
	/* About 2000 wake-ups a second at most, one packet per wake-up at low rates. */
	uint64_t b = p->rate / 2000;

	if (p->rate == 0)
		return max;
	if (b < 1)
		b = 1;
	return b > max ? max : (unsigned)b;
}

uint64_t pace_deadline(const struct pace *p, uint64_t k)
{
	unsigned __int128 ns = (unsigned __int128)k * 1000000000u / p->rate;

	return p->start_ns + (uint64_t)ns;
}

void pace_refund(struct pace *p, unsigned n)
{
	if (p->rate)
		__atomic_fetch_sub(&p->claimed, n, __ATOMIC_RELAXED);
}

void pace_wait(struct pace *p, unsigned n)
{
	uint64_t first;

	if (p->rate == 0)
		return;
	first = __atomic_fetch_add(&p->claimed, n, __ATOMIC_RELAXED);
	/* The batch may go when its first packet is due: the batch then ends on schedule. */
	clock_wait_until(pace_deadline(p, first));
}
