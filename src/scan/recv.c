/*
 * The receive loop.
 *
 * A receive thread polls its engine queue; each frame is parsed, validated
 * by the probe module, mapped back to its element of the scan (which also
 * proves the address and port were targets), deduplicated and, if the
 * output filter keeps it, queued for the writer (writer.c).  The thread
 * never waits for the output: the queue grows within --output-buffer, and
 * the senders pause before it is full, so the engine's ring is drained
 * whatever the output's reader does.  Frames from the network are
 * untrusted: every step checks its bounds, and nothing is allocated but a
 * queue chunk when the backlog grows past any it had before.
 */
#include "scan/scan.h"

#include <errno.h>
#include <string.h>

#include "util/clock.h"

static inline void count(uint64_t *c)
{
	__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
}

/* Queue r for the writer.  Only a full --output-buffer (the senders should have paused long
 * before) makes the thread wait, counted, rather than drop the result. */
static void result_push(struct scan_receiver *rcv, const struct probe_result *r, uint64_t element)
{
	struct scan *s = rcv->scan;
	uint32_t len = SCAN_RECORD_LEN(r);
	struct scan_record *rec = NULL;
	enum resultq_level level;
	int waited = 0;

	for (;;) {
		if ((level = resultq_budget_take(&s->outq, len)) != RESULTQ_LEVEL_FULL) {
			if ((rec = resultq_reserve(&rcv->results, len)))
				break;
			(void)resultq_budget_give(&s->outq, len); /* no memory for a chunk */
		}
		if (!waited++)
			count(&rcv->output_waits);
		clock_sleep_us(100);
	}
	rec->element = element;
	rec->rx_ns = clock_mono_ns();
	memcpy(&rec->r, r, offsetof(struct probe_result, data) + r->data_len);
	resultq_commit(&rcv->results);
	/* The monitor holds the senders back from here on. */
	if (level == RESULTQ_LEVEL_HIGH)
		scan_wake_monitor(s);
}

/* --icmp-prescan: an echo reply from the address of addr_index (of both families' targets)
 * marks it live for the port probes. */
static void prescan_mark_live(struct scan *s, uint64_t addr_index, struct scan_receiver *rcv)
{
	if (!dedup_test_and_set(&s->live, addr_index))
		count(&rcv->alive);
}

/* A validated reply to (addr_index, port_index) of the scan (to a probe of p): classified,
 * deduplicated, counted, filtered, queued for the writer. */
static void receive_result(struct scan_receiver *rcv, const struct probe *p, struct probe_result *r,
			   uint64_t addr_index, uint32_t port_index)
{
	struct scan *s = rcv->scan;
	const struct scan_config *cfg = s->cfg;
	uint64_t element = addr_index * cfg->ports.count + port_index;

	count(&rcv->valid);
	probe_classify(p, r);
	r->repeat = (uint8_t)dedup_test_and_set(&s->dedup, element);
	r->probe = cfg->probe->name;
	r->cooldown = __atomic_load_n(&s->senders_running, __ATOMIC_RELAXED) == 0;
	if (r->repeat)
		count(&rcv->duplicates);
	else
		count(r->success ? &rcv->successes : &rcv->failures);
	/* Filtered out: nothing to write, so nothing a kill could lose; the file has it now. */
	if (!output_filter_match(&cfg->filter, r)) {
		if (!r->repeat)
			dedup_persist(&s->dedup, element);
		return;
	}
	r->timestamp_us = clock_real_us();
	result_push(rcv, r, element);
}

/* An IPv6 frame: the same steps; its address's index comes after the IPv4 targets'. */
static void receive_frame6(struct scan_receiver *rcv, const uint8_t *data, uint32_t len)
{
	struct scan *s = rcv->scan;
	const struct scan_config *cfg = s->cfg;
	struct packet_view6 v;
	struct probe_result r;
	struct scan_nic *nic;
	int32_t port_index;
	int64_t addr_index;

	if (cfg->iplayer ? packet_parse_ipv6_l3(data, len, &v) : packet_parse_ipv6(data, len, &v))
		return;
	/* Checked with the probes of the NIC whose source it came to. */
	if (!(nic = scan_nic_of6(s, rcv->nic, v.daddr)))
		return;
	if (cfg->icmp_prescan && v.proto == IPPROTO_ICMPV6_ &&
	    probe_validate6(&nic->prescan, &v, &r)) {
		probe_classify(&nic->prescan, &r);
		if (r.success && (addr_index = target6_set_index(
					  &cfg->targets6, target6_from_bytes(r.saddr6))) >= 0)
			prescan_mark_live(s, cfg->targets.addresses + (uint64_t)addr_index, rcv);
		return;
	}
	r.family = 6;
	r.data_len = 0;
	if (!probe_validate6(&nic->probe, &v, &r))
		return;
	/* A reply from an address or port we did not scan is not ours, whatever it says. */
	if ((port_index = target_ports_index(&cfg->ports, r.sport)) < 0 ||
	    (addr_index = target6_set_index(&cfg->targets6, target6_from_bytes(r.saddr6))) < 0)
		return;
	receive_result(rcv, &nic->probe, &r, cfg->targets.addresses + (uint64_t)addr_index,
		       (uint32_t)port_index);
}

void scan_receive_frame(void *ctx, const uint8_t *data, uint32_t len)
{
	struct scan_receiver *rcv = ctx;
	struct scan *s = rcv->scan;
	const struct scan_config *cfg = s->cfg;
	struct packet_view v;
	struct probe_result r;
	struct scan_nic *nic;
	int32_t port_index;
	int64_t addr_index;

	count(&rcv->frames);
	if (cfg->iplayer ? packet_parse_ipv4_l3(data, len, &v) : packet_parse_ipv4(data, len, &v)) {
		if (cfg->targets6.addresses)
			receive_frame6(rcv, data, len);
		return;
	}
	/* Checked with the probes of the NIC whose source it came to, whichever NIC it came
	 * back by. */
	if (!(nic = scan_nic_of(s, rcv->nic, v.daddr)))
		return;
	/* --icmp-prescan: an echo reply marks its address live for the port probes. */
	if (cfg->icmp_prescan && v.proto == IPPROTO_ICMP_ &&
	    probe_validate(&nic->prescan, &v, &r)) {
		probe_classify(&nic->prescan, &r);
		if (r.success && (addr_index = target_set_index(&cfg->targets, r.saddr)) >= 0)
			prescan_mark_live(s, (uint64_t)addr_index, rcv);
		return;
	}
	r.family = 4;
	r.data_len = 0;
	if (!probe_validate(&nic->probe, &v, &r))
		return;
	/* A reply from an address or port we did not scan is not ours, whatever it says. */
	if ((port_index = target_ports_index(&cfg->ports, r.sport)) < 0 ||
	    (addr_index = target_set_index(&cfg->targets, r.saddr)) < 0)
		return;
	receive_result(rcv, &nic->probe, &r, (uint64_t)addr_index, (uint32_t)port_index);
}

void *scan_receiver_main(void *arg)
{
	struct scan_receiver *rcv = arg;
	struct scan *s = rcv->scan;

	while (!__atomic_load_n(&s->stop_receiving, __ATOMIC_ACQUIRE)) {
		int ret = io_rx_poll(rcv->engine, rcv->queue, SCAN_RX_POLL_MS, scan_receive_frame,
				     rcv);

		if (ret < 0 && ret != -EINTR) {
			rcv->error = ret;
			break;
		}
	}
	/* One last look: replies already in the ring are results too. */
	(void)io_rx_poll(rcv->engine, rcv->queue, 0, scan_receive_frame, rcv);
	return NULL;
}
