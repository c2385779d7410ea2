/*
 * The network a scan uses: what the user left out (interface, source address and MAC,
 * the gateway's MAC) filled in from the kernel, and the io engine's configuration made
 * from it and from the probe.  Opens only netlink and ioctl sockets.
 */
#include "scan/scan.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "io/netif.h"
#include "io/netif6.h"

/* The interface (ifindex, or -i's) as the scan's, and our MAC on it (--source-mac, or read). */
static int resolve_interface(struct scan *s, const struct scan_config *cfg, int ifindex,
			     char err[SCAN_ERRLEN])
{
	struct probe_params *pp = &s->probe.params;
	int ret;

	s->ifindex = ifindex;
	if (!if_indextoname((unsigned)s->ifindex, s->ifname)) {
		snprintf(err, SCAN_ERRLEN, "interface %d: %s", s->ifindex, strerror(errno));
		return -errno;
	}
	/* -X: no Ethernet header goes out, so no MAC is needed (ZMap leaves them zero too). */
	if (cfg->iplayer)
		return 0;
	if (cfg->source_mac_set) {
		memcpy(pp->smac, cfg->source_mac, 6);
	} else if ((ret = netif_hwaddr(s->ifname, pp->smac))) {
		snprintf(err, SCAN_ERRLEN,
			 "%s: cannot read its MAC address: %s (give --source-mac)", s->ifname,
			 strerror(-ret));
		return ret;
	}
	return 0;
}

/* -i as an index: 0 when not given; -ENODEV with a line when there is no such interface. */
static int resolve_ifname(const struct scan_config *cfg, char err[SCAN_ERRLEN])
{
	int ifindex;

	if (!cfg->ifname)
		return 0;
	if (!(ifindex = (int)if_nametoindex(cfg->ifname))) {
		snprintf(err, SCAN_ERRLEN, "--interface: %s: no such interface", cfg->ifname);
		return -ENODEV;
	}
	return ifindex;
}

/* The IPv4 targets' route: the interface, our address and MAC, the gateway's MAC. */
static int resolve_ipv4(struct scan *s, const struct scan_config *cfg, char err[SCAN_ERRLEN])
{
	struct probe_params *pp = &s->probe.params;
	uint32_t first = cfg->targets.ranges[0].first;
	struct netif_route route;
	char a[16], b[16];
	int ret, ifindex;

	if ((ifindex = resolve_ifname(cfg, err)) < 0)
		return ifindex;
	target_format_ipv4(first, a);
	if ((ret = netif_route_lookup(first, ifindex, &route))) {
		if (!cfg->ifname || !cfg->gateway_mac_set || !cfg->source_ip_set) {
			snprintf(err, SCAN_ERRLEN,
				 "no route to %s%s%s: %s (give -i, -S and -G, or add a route)", a,
				 cfg->ifname ? " via " : "", cfg->ifname ? cfg->ifname : "",
				 strerror(-ret));
			return ret;
		}
		route.ifindex = ifindex;
	}
	if ((ret = resolve_interface(s, cfg, ifindex ? ifindex : route.ifindex, err)))
		return ret;
	if (cfg->source_ip_set) {
		pp->saddr = cfg->source_ip;
	} else if (route.prefsrc) {
		pp->saddr = route.prefsrc;
	} else if ((ret = netif_ipv4_address(s->ifindex, &pp->saddr))) {
		snprintf(err, SCAN_ERRLEN, "%s has no IPv4 address: give -S/--source-ip",
			 s->ifname);
		return ret;
	}
	if (cfg->iplayer)
		return 0;
	if (cfg->gateway_mac_set) {
		memcpy(pp->gwmac, cfg->gateway_mac, 6);
		return 0;
	}
	if (!route.gateway) {
		snprintf(err, SCAN_ERRLEN,
			 "%s is on-link on %s (no gateway to send through): give -G/--gateway-mac "
			 "with the next hop's MAC",
			 a, s->ifname);
		return -EHOSTUNREACH;
	}
	s->gateway = route.gateway;
	target_format_ipv4(route.gateway, b);
	if ((ret = netif_neigh_lookup(s->ifindex, route.gateway, pp->gwmac))) {
		/* Never fall back to broadcast: that would flood a whole segment with probes. */
		snprintf(err, SCAN_ERRLEN,
			 "the MAC of gateway %s on %s is not in the neighbour table: give "
			 "-G/--gateway-mac, or reach the gateway once so the kernel resolves it",
			 b, s->ifname);
		return ret == -ENOENT ? -EHOSTUNREACH : ret;
	}
	return 0;
}

/* Our IPv6 source: --ipv6-source-ip, the route's, or the interface's first global one. */
static int resolve_source6(struct scan *s, const struct scan_config *cfg,
			   const struct netif_route6 *route, char err[SCAN_ERRLEN])
{
	static const uint8_t zero[16];
	uint8_t *saddr6 = s->probe.params.saddr6;

	if (cfg->source_ip6_set)
		memcpy(saddr6, cfg->source_ip6, 16);
	else if (memcmp(route->prefsrc, zero, 16))
		memcpy(saddr6, route->prefsrc, 16);
	else if (netif_ipv6_address(s->ifindex, saddr6)) {
		snprintf(err, SCAN_ERRLEN, "%s has no global IPv6 address: give --ipv6-source-ip",
			 s->ifname);
		return -EADDRNOTAVAIL;
	}
	return 0;
}

/*
 * The IPv6 targets' route: the interface (unless the IPv4 targets chose it: then the same
 * one), our IPv6 address, and the next hop's MAC from Neighbor Discovery: never a guessed or
 * multicast one.
 */
static int resolve_ipv6(struct scan *s, const struct scan_config *cfg, char err[SCAN_ERRLEN])
{
	static const uint8_t zero[16];
	struct probe_params *pp = &s->probe.params;
	struct target6_addr first;
	struct netif_route6 route;
	uint8_t daddr[16];
	char a[TARGET6_ADDRSTRLEN], b[TARGET6_ADDRSTRLEN];
	int ret, ifindex = s->ifindex;

	if (!ifindex && (ifindex = resolve_ifname(cfg, err)) < 0)
		return ifindex;
	target6_set_address(&cfg->targets6, 0, &first);
	target6_to_bytes(first, daddr);
	target6_format(first, a);
	if ((ret = netif_route6_lookup(daddr, ifindex, &route))) {
		if (!ifindex || !cfg->gateway_mac_set || !cfg->source_ip6_set) {
			snprintf(
				err, SCAN_ERRLEN,
				"no IPv6 route to %s: %s (give -i, --ipv6-source-ip and -G, or add "
				"a route)",
				a, strerror(-ret));
			return ret;
		}
		memset(&route, 0, sizeof(route));
		route.ifindex = ifindex;
	}
	if (s->ifindex && route.ifindex != s->ifindex) {
		snprintf(err, SCAN_ERRLEN,
			 "the IPv4 and the IPv6 targets are reached through different interfaces: "
			 "give -i");
		return -EINVAL;
	}
	if (!s->ifindex && (ret = resolve_interface(s, cfg, route.ifindex, err)))
		return ret;
	if ((ret = resolve_source6(s, cfg, &route, err)))
		return ret;
	if (cfg->iplayer) /* no Ethernet header goes out: no MAC is needed */
		return 0;
	if (cfg->gateway_mac_set) {
		memcpy(pp->gwmac6, cfg->gateway_mac, 6);
		return 0;
	}
	if (!memcmp(route.gateway, zero, 16)) {
		snprintf(err, SCAN_ERRLEN,
			 "%s is on-link on %s (no gateway to send through): give -G/--gateway-mac "
			 "with the next hop's MAC",
			 a, s->ifname);
		return -EHOSTUNREACH;
	}
	if ((ret = netif_neigh6_resolve(s->ifindex, route.gateway, pp->gwmac6,
					SCAN_NDP_TIMEOUT_MS))) {
		target6_format(target6_from_bytes(route.gateway), b);
		snprintf(err, SCAN_ERRLEN,
			 "IPv6 gateway %s on %s did not answer Neighbor Discovery: give "
			 "-G/--gateway-mac",
			 b, s->ifname);
		return ret;
	}
	return 0;
}

static int resolve_from_kernel(struct scan *s, const struct scan_config *cfg, char err[SCAN_ERRLEN])
{
	int ret;

	s->ifindex = 0;
	if (cfg->targets.addresses && (ret = resolve_ipv4(s, cfg, err)))
		return ret;
	return cfg->targets6.addresses ? resolve_ipv6(s, cfg, err) : 0;
}

/* Options given, else zeros: what a dry run, or an engine that finds its MACs itself, has. */
static void resolve_from_options(struct scan *s, const struct scan_config *cfg, const char *name)
{
	struct probe_params *pp = &s->probe.params;

	snprintf(s->ifname, sizeof(s->ifname), "%s", cfg->ifname ? cfg->ifname : name);
	s->ifindex = 0;
	pp->saddr = cfg->source_ip_set ? cfg->source_ip : 0;
	memcpy(pp->saddr6, cfg->source_ip6, 16);
	memcpy(pp->smac, cfg->source_mac, 6);
	memcpy(pp->gwmac, cfg->gateway_mac, 6);
	memcpy(pp->gwmac6, cfg->gateway_mac, 6);
}

int scan_resolve_network(struct scan *s, const struct scan_config *cfg, char err[SCAN_ERRLEN])
{
	char ignored[SCAN_ERRLEN];

	/* The engine's port is no kernel interface: no route to take the source addresses from.
	 * Each family scanned needs its own. */
	if (!cfg->dryrun && (cfg->engine->caps & IO_CAP_OWN_NETWORK)) {
		if ((cfg->targets.addresses && !cfg->source_ip_set) ||
		    (cfg->targets6.addresses && !cfg->source_ip6_set)) {
			snprintf(err, SCAN_ERRLEN,
				 "--io-engine=%s: give %s: its port is not a kernel interface, so "
				 "there is no route to take the source address from",
				 cfg->engine->name,
				 cfg->targets.addresses && !cfg->source_ip_set
					 ? "-S/--source-ip"
					 : "--ipv6-source-ip");
			return -EINVAL;
		}
		resolve_from_options(s, cfg, cfg->engine->name);
		return 0;
	}
	if (!cfg->dryrun)
		return resolve_from_kernel(s, cfg, err);
	/*
	 * A dry run sends nothing: use what the kernel knows if it can tell,
	 * else the options given, else zeros, so probes can be built anywhere.
	 */
	if (resolve_from_kernel(s, cfg, ignored) == 0)
		return 0;
	resolve_from_options(s, cfg, "none");
	return 0;
}

/* What the io engine is to open: queues, the frame size, and what to take off the wire. */
void scan_io_config(const struct scan *s, struct io_config *io)
{
	const struct scan_config *cfg = s->cfg;

	memset(io, 0, sizeof(*io));
	io->ifname = s->ifname;
	io->ifindex = s->ifindex;
	io->tx_queues = s->sender_count ? s->sender_count : cfg->sender_threads;
	io->rx_queues = cfg->receivers;
	io->frame_len_max = s->frame_len;
	io->replies = cfg->probe->replies | (cfg->prescan_probe ? PROBE_REPLY_ICMP_ECHO : 0);
	io->rx_daddr = s->probe.params.saddr;
	io->rx_ipv4 = cfg->targets.addresses != 0;
	io->rx_ipv6 = cfg->targets6.addresses != 0;
	memcpy(io->rx_daddr6, s->probe.params.saddr6, 16);
	io->rx_sport_first = cfg->sport_first;
	io->rx_sport_count = cfg->sport_count;
	io->xdp_mode = cfg->xdp_mode;
	io->iplayer = cfg->iplayer;
	io->print_fast = cfg->fast_dryrun;
	io->print_probe = cfg->probe;
	io->retries = cfg->retries;
	io->pcap_file = cfg->pcap_file;
	io->source_mac = cfg->source_mac_set ? cfg->source_mac : NULL;
	io->gateway_mac = cfg->gateway_mac_set ? cfg->gateway_mac : NULL;
	io->options = cfg->engine_options;
}
