/*
 * libFuzzer target: the receive path on any bytes.  Every frame goes
 * through the Ethernet/IPv4 parser and, if it parses, through each probe
 * module's validate and classify, as a receive thread would; a validated
 * reply is then filtered.  Nothing may crash, hang or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "output/filter.h"
#include "probe/packet.h"
#include "probe/probe.h"

static struct probe probes[3];
static struct output_filter filter;

static void setup(void)
{
	static const char *const names[] = { "tcp_synscan", "udp", "icmp_echoscan" };
	char err[256];

	for (int i = 0; i < 3; i++) {
		probes[i].ops = probe_by_name(names[i]);
		probes[i].params.saddr = 0xc6120001; /* 198.18.0.1 */
		probes[i].params.sport_first = 32768;
		probes[i].params.sport_count = 28233;
		probes[i].params.probes = 2;
		probes[i].params.ttl = 255;
		memset(probes[i].params.key, 7, sizeof(probes[i].params.key));
		probe_init(&probes[i], err, sizeof(err));
	}
	output_filter_parse("success = 1 && repeat = 0 || classification = \"rst\"", &filter, err,
			    sizeof(err));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct packet_view v;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size > 65535 || packet_parse_ipv4(data, (uint32_t)size, &v))
		return 0;
	for (int i = 0; i < 3; i++) {
		struct probe_result r = { 0 };

		if (probe_validate(&probes[i], &v, &r)) {
			probe_classify(&probes[i], &r);
			(void)output_filter_match(&filter, &r);
		}
	}
	return 0;
}
