/*
 * The dpdk engine's own options, declared once: by the engine (src/io/dpdk.c) when it is
 * built in, by its stub in src/io/io.c when it is not, so that a command line written for
 * DPDK fails with "dpdk not built in" rather than with an unknown option.  The orchestrator's
 * adapter spells them this way.
 */
#ifndef SALVO_IO_DPDK_OPTIONS_H
#define SALVO_IO_DPDK_OPTIONS_H

#include "io/io.h"

enum { DPDK_EAL_ARGS, DPDK_PORT, DPDK_NUM_TXQ, DPDK_NUM_RXQ, DPDK_GATEWAY_IP, DPDK_GATEWAY_IPV6 };

static const struct io_option dpdk_options[] = {
	[DPDK_EAL_ARGS] = { "dpdk-eal-args", "ARGS",
			    "dpdk: EAL arguments, passed through (e.g. '-a 0000:00:06.0 -l 0-3', "
			    "or '--vdev=net_af_xdp0,iface=eth1 --no-huge')" },
	[DPDK_PORT] = { "dpdk-port", "N",
			"dpdk: the port to scan from (default 0), or several (0,1): one scan "
			"through all, each port named by its number in -S, -G, --gateway-ip "
			"PORT=VALUE" },
	[DPDK_NUM_TXQ] = { "dpdk-num-txq", "N", "dpdk: transmit queues (default: -T)" },
	[DPDK_NUM_RXQ] = { "dpdk-num-rxq", "N", "dpdk: receive queues (default: --receivers)" },
	[DPDK_GATEWAY_IP] = { "gateway-ip", "ADDR",
			      "dpdk: the next hop's address: its MAC is asked with ARP (or give "
			      "-G); several ports: PORT=ADDR,PORT=ADDR" },
	[DPDK_GATEWAY_IPV6] = { "gateway-ipv6", "ADDR",
				"dpdk: the IPv6 next hop's address: its MAC is asked with Neighbor "
				"Discovery (or give -G); several ports: PORT=ADDR,PORT=ADDR" },
	{ NULL, NULL, NULL },
};

#endif
