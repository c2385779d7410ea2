/*
 * The receive loop and the result writer.
 *
 * A receive thread polls its engine queue; each frame is parsed, validated
 * by the probe module, mapped back to its element of the scan (which also
 * proves the address and port were targets), deduplicated and, if it is a
 * success, queued for the writer.  Frames from the network are untrusted:
 * every step checks its bounds, and no step allocates.
 */
#include "scan/scan.h"

#include <errno.h>
#include <sched.h>

#include "util/clock.h"

static void result_push(struct scan_receiver *rcv, const struct probe_result *r)
{
	uint64_t head = rcv->q_head;

	/* Back-pressure: wait for the writer rather than drop a result. */
	while (head - __atomic_load_n(&rcv->q_tail, __ATOMIC_ACQUIRE) >= SCAN_RESULT_QUEUE)
		sched_yield();
	rcv->q[head & (SCAN_RESULT_QUEUE - 1)] = *r;
	/* Release: the record is written before the writer can see the new head. */
	__atomic_store_n(&rcv->q_head, head + 1, __ATOMIC_RELEASE);
}

static inline void count(uint64_t *c)
{
	__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
}

/* --icmp-prescan: an echo reply from the address of addr_index (of both families' targets)
 * marks it live for the port probes. */
static void prescan_mark_live(struct scan *s, uint64_t addr_index, struct scan_receiver *rcv)
{
	if (!dedup_test_and_set(&s->live, addr_index))
		count(&rcv->alive);
}

/* A validated reply to (addr_index, port_index) of the scan: classified, deduplicated,
 * counted, filtered, queued for the writer. */
static void receive_result(struct scan_receiver *rcv, struct probe_result *r, uint64_t addr_index,
			   uint32_t port_index)
{
	struct scan *s = rcv->scan;
	const struct scan_config *cfg = s->cfg;
	uint64_t element = addr_index * cfg->ports.count + port_index;

	count(&rcv->valid);
	probe_classify(&s->probe, r);
	r->repeat = (uint8_t)dedup_test_and_set(&s->dedup, element);
	r->probe = cfg->probe->name;
	r->cooldown = __atomic_load_n(&s->senders_running, __ATOMIC_RELAXED) == 0;
	if (r->repeat)
		count(&rcv->duplicates);
	else
		count(r->success ? &rcv->successes : &rcv->failures);
	if (!output_filter_match(&cfg->filter, r))
		return;
	r->timestamp_us = clock_real_us();
	result_push(rcv, r);
}

/* An IPv6 frame: the same steps; its address's index comes after the IPv4 targets'. */
static void receive_frame6(struct scan_receiver *rcv, const uint8_t *data, uint32_t len)
{
	struct scan *s = rcv->scan;
	const struct scan_config *cfg = s->cfg;
	struct packet_view6 v;
	struct probe_result r;
	int32_t port_index;
	int64_t addr_index;

	if (cfg->iplayer ? packet_parse_ipv6_l3(data, len, &v) : packet_parse_ipv6(data, len, &v))
		return;
	if (cfg->icmp_prescan && v.proto == IPPROTO_ICMPV6_ &&
	    probe_validate6(&s->prescan, &v, &r)) {
		probe_classify(&s->prescan, &r);
		if (r.success && (addr_index = target6_set_index(
					  &cfg->targets6, target6_from_bytes(r.saddr6))) >= 0)
			prescan_mark_live(s, cfg->targets.addresses + (uint64_t)addr_index, rcv);
		return;
	}
	r.family = 6;
	r.data_len = 0;
	if (!probe_validate6(&s->probe, &v, &r))
		return;
	/* A reply from an address or port we did not scan is not ours, whatever it says. */
	if ((port_index = target_ports_index(&cfg->ports, r.sport)) < 0 ||
	    (addr_index = target6_set_index(&cfg->targets6, target6_from_bytes(r.saddr6))) < 0)
		return;
	receive_result(rcv, &r, cfg->targets.addresses + (uint64_t)addr_index,
		       (uint32_t)port_index);
}

void scan_receive_frame(void *ctx, const uint8_t *data, uint32_t len)
{
	struct scan_receiver *rcv = ctx;
	struct scan *s = rcv->scan;
	const struct scan_config *cfg = s->cfg;
	struct packet_view v;
	struct probe_result r;
	int32_t port_index;
	int64_t addr_index;

	count(&rcv->frames);
	if (cfg->iplayer ? packet_parse_ipv4_l3(data, len, &v) : packet_parse_ipv4(data, len, &v)) {
		if (cfg->targets6.addresses)
			receive_frame6(rcv, data, len);
		return;
	}
	/* --icmp-prescan: an echo reply marks its address live for the port probes. */
	if (cfg->icmp_prescan && v.proto == IPPROTO_ICMP_ && probe_validate(&s->prescan, &v, &r)) {
		probe_classify(&s->prescan, &r);
		if (r.success && (addr_index = target_set_index(&cfg->targets, r.saddr)) >= 0)
			prescan_mark_live(s, (uint64_t)addr_index, rcv);
		return;
	}
	r.family = 4;
	r.data_len = 0;
	if (!probe_validate(&s->probe, &v, &r))
		return;
	/* A reply from an address or port we did not scan is not ours, whatever it says. */
	if ((port_index = target_ports_index(&cfg->ports, r.sport)) < 0 ||
	    (addr_index = target_set_index(&cfg->targets, r.saddr)) < 0)
		return;
	receive_result(rcv, &r, (uint64_t)addr_index, (uint32_t)port_index);
}

void *scan_receiver_main(void *arg)
{
	struct scan_receiver *rcv = arg;
	struct scan *s = rcv->scan;

	while (!__atomic_load_n(&s->stop_receiving, __ATOMIC_ACQUIRE)) {
		int ret = io_rx_poll(&s->engine, rcv->queue, SCAN_RX_POLL_MS, scan_receive_frame,
				     rcv);

		if (ret < 0 && ret != -EINTR) {
			rcv->error = ret;
			break;
		}
	}
	/* One last look: replies already in the ring are results too. */
	(void)io_rx_poll(&s->engine, rcv->queue, 0, scan_receive_frame, rcv);
	return NULL;
}

/* Move every queued result to the output; returns how many. */
static unsigned writer_drain(struct scan *s)
{
	uint64_t written = s->written; /* only this thread writes it */
	unsigned moved = 0;

	for (unsigned i = 0; i < s->receiver_count; i++) {
		struct scan_receiver *rcv = &s->receivers[i];
		uint64_t tail = rcv->q_tail;
		uint64_t head = __atomic_load_n(&rcv->q_head, __ATOMIC_ACQUIRE);

		for (; tail != head; tail++, moved++) {
			/* -N: results past the limit are drained, not written. */
			if (s->cfg->max_results && written >= s->cfg->max_results)
				continue;
			if (output_write(&s->output, &rcv->q[tail & (SCAN_RESULT_QUEUE - 1)]) &&
			    !s->writer_error)
				s->writer_error = -EIO;
			written++;
		}
		/* Release: we are done with the slots before the receiver may reuse them. */
		__atomic_store_n(&rcv->q_tail, tail, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&s->written, written, __ATOMIC_RELAXED);
	return moved;
}

void *scan_writer_main(void *arg)
{
	struct scan *s = arg;
	uint64_t next_flush = clock_mono_ns() + 1000000000ULL;

	for (;;) {
		/* Read the flag first: a result queued before it was set is drained below. */
		int last = __atomic_load_n(&s->stop_writing, __ATOMIC_ACQUIRE);
		unsigned moved = writer_drain(s);

		/* Flushed per batch: a process killed outright loses no result already queued. */
		if (moved || clock_mono_ns() >= next_flush) {
			if (output_flush(&s->output) && !s->writer_error)
				s->writer_error = -EIO;
			next_flush = clock_mono_ns() + 1000000000ULL;
		}
		if (last && moved == 0)
			break;
		if (moved == 0)
			clock_sleep_us(1000);
	}
	return NULL;
}
