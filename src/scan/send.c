/*
 * The send loop: one thread per transmit queue, of one NIC's engine instance (the
 * thread's probes are that NIC's, from its sources).  Each batch: wait for the
 * pacer, reserve ring slots, let the frame source fill them, submit and
 * kick.  Nothing here allocates, locks or logs.
 *
 * Two frame sources:
 *   plain     the thread's slice of the (address, port) permutation, each
 *             element probed -P times;
 *   prescan   (--icmp-prescan) the thread's slice of a permutation of the
 *             addresses, walked twice: a discovery cursor sends ICMP echo
 *             requests, and a port cursor that trails it by PRESCAN_LAG
 *             sends the port probes to the addresses whose echo replies
 *             the receive threads marked in the live bitmap.  Ports start
 *             while discovery runs; memory is one bit per address plus a
 *             small ring of (position, time) marks.
 */
#include "scan/scan.h"

#include <errno.h>
#include <string.h>

#include "util/clock.h"

/* Give the kernel time to drain the ring before we look again. */
#define SEND_BACKOFF_US 20
/* How long after its echo request an address is port-probed (or skipped as dead). */
#define PRESCAN_LAG_NS	      1000000000ULL
#define PRESCAN_MARK_EVERY_NS 1000000ULL
#define PRESCAN_MARKS	      4096 /* > lag / mark spacing: the ring never fills */

enum { SOURCE_DONE = -1, SOURCE_WAIT = 0, SOURCE_FRAME = 1 };

struct send_source {
	/* Fill one frame (PROBE_FRAME_MAX bytes at data): SOURCE_FRAME, _WAIT or _DONE. */
	int (*next)(struct send_source *src, uint8_t *data, uint32_t *len);
	uint64_t now_ns; /* set by the loop before each batch */
	uint64_t done;	 /* positions finished, for the progress line */
};

/* A probe module's frame templates: IPv4, and IPv6 when the scan has IPv6 targets. */
struct send_templates {
	const uint8_t *t4, *t6;
	size_t len4, len6;
};

/* A template of up to this many bytes is copied whole in four 16-byte moves, not with a call:
 * the template's buffer is PROBE_FRAME_MAX bytes, and every frame has SCAN_FRAME_MIN at least
 * (scan_io_config asks the engines for that much). */
#define SEND_COPY_SHORT SCAN_FRAME_MIN

static inline void send_copy(uint8_t *data, const uint8_t *t, size_t len)
{
	if (len <= SEND_COPY_SHORT)
		memcpy(data, t, SEND_COPY_SHORT);
	else
		memcpy(data, t, len);
}

/* Probe probe_num of module p to (t, dport) into data, from the family's template; its length. */
static inline uint32_t send_patch(const struct probe *p, const struct send_templates *tm,
				  const struct scan_target *t, uint16_t dport, uint32_t probe_num,
				  uint8_t *data)
{
	if (!t->v6) {
		send_copy(data, tm->t4, tm->len4);
		return probe_patch(p, data, t->daddr, dport, probe_num);
	}
	send_copy(data, tm->t6, tm->len6);
	return probe_patch6(p, data, t->daddr6, dport, probe_num);
}

#define PLAIN_AHEAD 16 /* elements computed at once */

struct plain_source {
	struct send_source base;
	struct scan *s;
	const struct probe *probe; /* the sender's NIC's */
	struct send_templates tm;
	uint64_t pos, end;
	uint32_t probe_num;
	struct scan_target target;
	uint16_t dport;
	/* The elements of positions pos .. pos + ahead - 1, computed a batch at a time. */
	unsigned ahead, next;
	uint64_t elements[PLAIN_AHEAD];
};

static int plain_next(struct send_source *src, uint8_t *data, uint32_t *len)
{
	struct plain_source *c = (struct plain_source *)src;
	const struct scan_config *cfg = c->s->cfg;

	if (c->pos >= c->end)
		return SOURCE_DONE;
	if (c->probe_num == 0) {
		uint64_t e, addr_index;

		if (c->next == c->ahead) {
			c->ahead = c->end - c->pos < PLAIN_AHEAD ? (unsigned)(c->end - c->pos)
								 : PLAIN_AHEAD;
			target_permutation_fill(&c->s->perm, c->pos, c->ahead, c->elements);
			c->next = 0;
		}
		e = c->elements[c->next++];
		addr_index = scan_element_split(cfg, &c->s->port_div, e, &c->dport);
		scan_target_at(cfg, addr_index, &c->target);
	}
	*len = send_patch(c->probe, &c->tm, &c->target, c->dport, c->probe_num, data);
	if (++c->probe_num == cfg->probes) {
		c->probe_num = 0;
		c->pos++;
		src->done++;
	}
	return SOURCE_FRAME;
}

struct prescan_mark {
	uint64_t pos, ns;
};

struct prescan_source {
	struct send_source base;
	struct scan *s;
	const struct probe *probe, *echo_probe; /* the sender's NIC's */
	struct send_templates tm, echo;		/* the probe's templates, the echo request's */
	uint64_t end;
	uint64_t disc;	/* next address position to ping */
	uint64_t port;	/* next address position to port-probe */
	uint64_t ready; /* positions below this were pinged at least PRESCAN_LAG ago */
	int in_host;	/* probing the ports of the address at port */
	struct scan_target target;
	uint32_t port_index, probe_num;
	struct prescan_mark marks[PRESCAN_MARKS];
	unsigned mark_head, mark_tail; /* ring of (disc, time) */
	uint64_t last_mark_ns;
	int final_mark;
};

static void prescan_mark(struct prescan_source *c)
{
	if (c->mark_head - c->mark_tail == PRESCAN_MARKS)
		return; /* cannot happen with the spacing above; never overwrite */
	c->marks[c->mark_head % PRESCAN_MARKS] = (struct prescan_mark){ c->disc, c->base.now_ns };
	c->mark_head++;
	c->last_mark_ns = c->base.now_ns;
}

static int prescan_next(struct send_source *src, uint8_t *data, uint32_t *len)
{
	struct prescan_source *c = (struct prescan_source *)src;
	struct scan *s = c->s;
	const struct scan_config *cfg = s->cfg;

	/* Addresses whose echo is old enough: probe the live ones, skip the rest. */
	while (c->mark_tail != c->mark_head &&
	       c->marks[c->mark_tail % PRESCAN_MARKS].ns + PRESCAN_LAG_NS <= src->now_ns)
		c->ready = c->marks[c->mark_tail++ % PRESCAN_MARKS].pos;
	while (c->port < c->ready) {
		if (c->in_host) {
			uint16_t dport = cfg->ports.ports[c->port_index];

			*len = send_patch(c->probe, &c->tm, &c->target, dport, c->probe_num, data);
			if (++c->probe_num == cfg->probes) {
				c->probe_num = 0;
				if (++c->port_index == cfg->ports.count) {
					c->in_host = 0;
					c->port++;
					src->done++;
				}
			}
			return SOURCE_FRAME;
		}
		uint64_t a = target_permutation_at(&s->perm_addr, c->port);

		if (dedup_test(&s->live, a)) {
			c->in_host = 1;
			c->port_index = 0;
			c->probe_num = 0;
			scan_target_at(cfg, a, &c->target);
		} else {
			c->port++;
			src->done++;
		}
	}
	if (c->disc < c->end) {
		struct scan_target t;

		scan_target_at(cfg, target_permutation_at(&s->perm_addr, c->disc), &t);
		*len = send_patch(c->echo_probe, &c->echo, &t, 0, 0, data);
		c->disc++;
		if (src->now_ns >= c->last_mark_ns + PRESCAN_MARK_EVERY_NS || c->disc == c->end)
			prescan_mark(c);
		return SOURCE_FRAME;
	}
	return c->port >= c->end ? SOURCE_DONE : SOURCE_WAIT;
}

/* The loop shared by both sources: pacing, reserve, fill, submit, kick, publish counters. */
static void send_loop(struct scan_sender *snd, struct send_source *src)
{
	struct scan *s = snd->scan;
	struct io_frame frames[SCAN_TX_BATCH];
	uint64_t frames_sent = 0;
	int state = SOURCE_FRAME, ret;

	while (state != SOURCE_DONE && !__atomic_load_n(&s->stop_sending, __ATOMIC_RELAXED)) {
		unsigned want, filled = 0;

		/* Paused by the control socket, or held while the output catches up: the
		 * monitor rebases the schedule before letting go, so no burst follows. */
		if (__atomic_load_n(&s->paused, __ATOMIC_ACQUIRE)) {
			clock_sleep_us(10000);
			continue;
		}
		if (__atomic_load_n(&s->out_hold, __ATOMIC_ACQUIRE)) {
			clock_sleep_us(1000);
			continue;
		}
		/* The rate may have changed (control socket, signals): size batches for it. */
		want = pace_batch(&s->pace, s->cfg->batch ? s->cfg->batch : SCAN_TX_BATCH);
		if (pace_wait(&s->pace, want)) {
			pace_refund(&s->pace, want);
			break;
		}
		src->now_ns = clock_mono_ns();
		state = SOURCE_FRAME;
		while (filled < want && state == SOURCE_FRAME) {
			unsigned got =
				io_tx_reserve(snd->engine, snd->queue, frames, want - filled);
			unsigned i;

			if (got == 0) {
				/* Ring full: kick what is queued and let the kernel catch up. */
				(void)io_tx_submit(snd->engine, snd->queue, frames, 0);
				if (__atomic_load_n(&s->stop_sending, __ATOMIC_RELAXED))
					break;
				clock_sleep_us(SEND_BACKOFF_US);
				continue;
			}
			for (i = 0; i < got; i++)
				if ((state = src->next(src, frames[i].data, &frames[i].len)) !=
				    SOURCE_FRAME)
					break;
			/* Slots reserved but not filled are handed back by submit. */
			ret = io_tx_submit(snd->engine, snd->queue, frames, i);
			/* No room now is back-pressure (counted by the engine), not a failure. */
			if (ret < 0 && ret != -EAGAIN && ret != -ENOBUFS)
				__atomic_store_n(&snd->send_errors, snd->send_errors + 1,
						 __ATOMIC_RELAXED);
			filled += i;
			frames_sent += i;
		}
		/* Tokens for frames not sent go back, so a pause does not turn into a burst. */
		if (filled < want)
			pace_refund(&s->pace, want - filled);
		__atomic_store_n(&snd->frames, frames_sent, __ATOMIC_RELAXED);
		__atomic_store_n(&snd->done, src->done, __ATOMIC_RELAXED);
		if (state == SOURCE_WAIT && filled == 0)
			clock_sleep_us(1000);
	}
}

/* Module p's templates into b4 and b6 (PROBE_FRAME_MAX bytes each), the IPv6 one when the
 * scan has IPv6 targets (resolve.c made sure the module has IPv6 probes then); 0 or -errno. */
static int send_templates_build(const struct scan *s, const struct probe *p, uint8_t *b4,
				uint8_t *b6, struct send_templates *tm)
{
	int len4, len6 = 0;

	/* Zeros past the frames: send_copy copies SEND_COPY_SHORT bytes of a shorter one. */
	memset(b4, 0, PROBE_FRAME_MAX);
	memset(b6, 0, PROBE_FRAME_MAX);
	if ((len4 = probe_template(p, b4, PROBE_FRAME_MAX)) < 0)
		return len4;
	if (s->cfg->targets6.addresses && (len6 = probe_template6(p, b6, PROBE_FRAME_MAX)) < 0)
		return len6;
	*tm = (struct send_templates){ b4, b6, (size_t)len4, (size_t)len6 };
	return 0;
}

void *scan_sender_main(void *arg)
{
	struct scan_sender *snd = arg;
	struct scan *s = snd->scan;
	uint8_t tmpl[PROBE_FRAME_MAX], tmpl6[PROBE_FRAME_MAX];
	struct send_templates tm;
	uint64_t flush_deadline;

	if ((snd->error = send_templates_build(s, &snd->nic->probe, tmpl, tmpl6, &tm)))
		goto out;
	if (s->cfg->icmp_prescan) {
		/* 64 KiB with its mark ring and the echo templates: well within a thread's stack.
		 */
		uint8_t echo[PROBE_FRAME_MAX], echo6[PROBE_FRAME_MAX];
		struct prescan_source c;

		memset(&c, 0, sizeof(c));
		if ((snd->error =
			     send_templates_build(s, &snd->nic->prescan, echo, echo6, &c.echo)))
			goto out;
		c.base.next = prescan_next;
		c.s = s;
		c.probe = &snd->nic->probe;
		c.echo_probe = &snd->nic->prescan;
		c.tm = tm;
		c.disc = c.port = c.ready = snd->start;
		c.base.done = snd->start - snd->begin;
		c.end = snd->end;
		send_loop(snd, &c.base);
	} else {
		struct plain_source c = { .base.next = plain_next,
					  .base.done = snd->start - snd->begin,
					  .s = s,
					  .probe = &snd->nic->probe,
					  .tm = tm,
					  .pos = snd->start,
					  .end = snd->end };

		send_loop(snd, &c.base);
	}

	snd->last_send_ns = clock_mono_ns();
	/* Push out what is still in the ring; give up after a second. */
	flush_deadline = clock_mono_ns() + 1000000000ULL;
	while (io_tx_flush(snd->engine, snd->queue) && clock_mono_ns() < flush_deadline)
		clock_sleep_us(SEND_BACKOFF_US);
out:
	/* The last sender out: the monitor starts the cooldown now, not at its next tick. */
	if (__atomic_fetch_sub(&s->senders_running, 1, __ATOMIC_RELEASE) == 1)
		scan_wake_monitor(s);
	return NULL;
}
