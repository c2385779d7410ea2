/*
 * libFuzzer target: the real receive path on any bytes.  Every frame goes through
 * scan_receive_frame, as a receive thread hands it over, for a scan of each probe module in
 * the table, from four sources (-S a list: the reply must come to its target's), and one
 * with --icmp-prescan, one with -X's bare IP packets, from one source: parse, validate,
 * map back to the scan's targets
 * and ports, dedup, classify, filter and queue.  Nothing may crash, hang or read out of
 * bounds, and a result queued must be one of the scan's (address, port) pairs.  The scans of
 * modules with IPv6 probes cover IPv6 targets too, so IPv6 frames take their path.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/scan.h"

#define SCANS_MAX 16

static struct scan_config cfgs[SCANS_MAX];
static struct scan scans[SCANS_MAX];
static struct scan_receiver *receivers[SCANS_MAX];
static size_t scan_count;

/* 198.18.0.1, 198.18.0.2, 198.18.0.9, 198.18.0.10: a list with a gap. */
static const uint32_t sources[] = { 0xc6120001, 0xc6120002, 0xc6120009, 0xc612000a };

static void setup_probe(struct probe *p, const struct probe_ops *ops, int many_sources)
{
	char err[256];

	p->ops = ops;
	p->params.saddr = 0xc6120001; /* 198.18.0.1 */
	if (many_sources) {
		p->params.saddrs = sources;
		p->params.saddr_count = sizeof(sources) / sizeof(sources[0]);
	}
	p->params.saddr6[0] = 0x20; /* 2001:2::1 */
	p->params.saddr6[1] = 0x01;
	p->params.saddr6[3] = 0x02;
	p->params.saddr6[15] = 0x01;
	p->params.sport_first = 32768;
	p->params.sport_count = 28233;
	p->params.probes = 2;
	p->params.ttl = 255;
	memset(p->params.key, 7, sizeof(p->params.key));
	if (probe_init(p, err, sizeof(err)))
		abort();
}

/* IPv6 targets, for a module that probes IPv6: a /112 and a few addresses of 2001:2::/48. */
static void setup_targets6(struct target6_set *set)
{
	static const char *const targets[] = { "2001:2:0:1::/112", "2001:2::5", "2001:2:0:ff::1" };
	struct target6_range r;
	char err[256];

	target6_set_init(set);
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (target6_parse(targets[i], TARGET6_NO_GUARD, &r, err, sizeof(err)) ||
		    target6_set_add(set, &r))
			abort();
	if (target6_set_finish(set, NULL))
		abort();
}

/* A scan of 198.18.0.0/15 with ports 1-1024 and 8080 (port 0 for a probe of addresses). */
static void setup_scan(const struct probe_ops *ops, int prescan, int iplayer)
{
	struct scan_config *cfg = &cfgs[scan_count];
	struct scan *s = &scans[scan_count];
	struct target_range r;
	struct target_set block;
	const char *why;
	char err[256];

	target_set_init(&cfg->targets);
	target_set_init(&block);
	if (target_parse_range("198.18.0.0/15", &r, &why) || target_set_add(&cfg->targets, r) ||
	    target_set_finish(&cfg->targets, &block) ||
	    target_ports_parse(ops->portless ? "0" : "1-1024,8080", &cfg->ports, err,
			       sizeof(err)) ||
	    output_filter_parse("success = 1 && repeat = 0 || classification = \"rst\"",
				&cfg->filter, err, sizeof(err)))
		abort();
	cfg->probe = ops;
	cfg->icmp_prescan = prescan;
	cfg->iplayer = iplayer;
	if (ops->template6)
		setup_targets6(&cfg->targets6);
	s->cfg = cfg;
	s->nic_count = 1;
	setup_probe(&s->nics[0].probe, ops, !prescan && !iplayer);
	s->elements = scan_config_addresses(cfg) * cfg->ports.count;
	if (dedup_init(&s->dedup, s->elements))
		abort();
	if (prescan) {
		setup_probe(&s->nics[0].prescan, probe_by_name("icmp_echoscan"), 0);
		if (dedup_init(&s->live, scan_config_addresses(cfg)))
			abort();
	}
	/* A receiver's counters must stay aligned. */
	if (posix_memalign((void **)&receivers[scan_count], 64, sizeof(struct scan_receiver)))
		abort();
	memset(receivers[scan_count], 0, sizeof(struct scan_receiver));
	receivers[scan_count]->scan = s;
	receivers[scan_count]->nic = &s->nics[0];
	resultq_budget_init(&s->outq, 1 << 20);
	s->wake_fd = -1;
	if (resultq_init(&receivers[scan_count]->results))
		abort();
	scan_count++;
}

static void setup(void)
{
	const struct probe_ops *ops;

	for (size_t i = 0; (ops = probe_at(i)) && scan_count < SCANS_MAX - 2; i++)
		setup_scan(ops, 0, 0);
	setup_scan(probe_by_name("tcp_synscan"), 1, 0);
	setup_scan(probe_by_name("tcp_synscan"), 0, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!scan_count)
		setup();
	if (size > 65535)
		return 0;
	for (size_t i = 0; i < scan_count; i++) {
		struct scan_receiver *rcv = receivers[i];
		const struct scan_config *cfg = scans[i].cfg;

		scan_receive_frame(rcv, data, (uint32_t)size);
		/* What was queued is a reply from a target, from a scanned port, whole. */
		const struct scan_record *rec;
		uint32_t len;

		while ((rec = resultq_peek(&rcv->results, &len))) {
			const struct probe_result *r = &rec->r;

			if (len != SCAN_RECORD_LEN(r) || r->data_len > PROBE_DATA_MAX)
				abort();
			if ((r->family == 6 ? target6_set_index(&cfg->targets6,
								target6_from_bytes(r->saddr6))
					    : target_set_index(&cfg->targets, r->saddr)) < 0 ||
			    target_ports_index(&cfg->ports, r->sport) < 0)
				abort();
			resultq_next(&rcv->results);
			(void)resultq_budget_give(&scans[i].outq, len);
		}
	}
	return 0;
}
