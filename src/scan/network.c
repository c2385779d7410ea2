/*
 * The network a scan uses: for each of its interfaces (-i a,b: several), what the user left
 * out (interface, source address and MAC, the gateway's MAC) filled in from the kernel, and
 * the io engine's configuration made from it and from the probe.  Each interface is found
 * as if it were the scan's only one, from what the user said of it: its own IF=VALUE items,
 * else the options' plain values.  Opens only netlink and ioctl sockets (and, for a next hop
 * the neighbour table does not know, a packet socket to ask it with ARP).
 */
#include "scan/scan.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "io/netif.h"
#include "io/netif6.h"

/* What the user said of one interface: its own values (IF=...), else the options' plain
 * ones, for every interface; NULL (count 0) where neither says. */
struct nic_wish {
	const char *ifname; /* -i's, NULL: the route's */
	const uint32_t *sources;
	unsigned source_count;
	const uint8_t *source6;
	const uint8_t *gateway_mac;
};

static void nic_wish(const struct scan_config *cfg, unsigned k, struct nic_wish *w)
{
	const struct scan_nic_config *nc = k < cfg->nic_count ? &cfg->nics[k] : NULL;

	memset(w, 0, sizeof(*w));
	w->ifname = nc ? nc->ifname : NULL;
	if (nc && nc->source_ip_count) {
		w->sources = nc->source_ips;
		w->source_count = nc->source_ip_count;
	} else if (cfg->source_ip_set) {
		w->sources = cfg->source_ips;
		w->source_count = cfg->source_ip_count;
	}
	if (nc && nc->source_ip6_set)
		w->source6 = nc->source_ip6;
	else if (cfg->source_ip6_set)
		w->source6 = cfg->source_ip6;
	if (nc && nc->gateway_mac_set)
		w->gateway_mac = nc->gateway_mac;
	else if (cfg->gateway_mac_set)
		w->gateway_mac = cfg->gateway_mac;
}

/* The interface (ifindex, or -i's) as the NIC's, and our MAC on it (--source-mac, or read). */
static int resolve_interface(struct scan_nic *n, const struct scan_config *cfg, int ifindex,
			     char err[SCAN_ERRLEN])
{
	struct probe_params *pp = &n->probe.params;
	int ret;

	n->ifindex = ifindex;
	if (!if_indextoname((unsigned)n->ifindex, n->ifname)) {
		snprintf(err, SCAN_ERRLEN, "interface %d: %s", n->ifindex, strerror(errno));
		return -errno;
	}
	/* -X: no Ethernet header goes out, so no MAC is needed (ZMap leaves them zero too). */
	if (cfg->iplayer)
		return 0;
	if (cfg->source_mac_set) {
		memcpy(pp->smac, cfg->source_mac, 6);
	} else if ((ret = netif_hwaddr(n->ifname, pp->smac))) {
		snprintf(err, SCAN_ERRLEN,
			 "%s: cannot read its MAC address: %s (give --source-mac)", n->ifname,
			 strerror(-ret));
		return ret;
	}
	return 0;
}

/* -i as an index: 0 when not given; -ENODEV with a line when there is no such interface. */
static int resolve_ifname(const struct nic_wish *w, char err[SCAN_ERRLEN])
{
	int ifindex;

	if (!w->ifname)
		return 0;
	if (!(ifindex = (int)if_nametoindex(w->ifname))) {
		snprintf(err, SCAN_ERRLEN, "--interface: %s: no such interface", w->ifname);
		return -ENODEV;
	}
	return ifindex;
}

/*
 * The next hop's MAC (the gateway's, or with none the one on-link target's), asked for when
 * the neighbour table has none; only looked up when not active (a dry run sends nothing: it
 * shows zeros for a MAC nobody knows yet).  One line in err naming the next hop and the
 * interface when it cannot be had.
 */
static int resolve_next_hop(struct scan_nic *n, uint32_t gateway, uint32_t target, int active,
			    char err[SCAN_ERRLEN])
{
	struct probe_params *pp = &n->probe.params;
	uint32_t hop = gateway ? gateway : target;
	char a[16];
	int ret;

	if (!active) {
		/* A dry run shows the MAC when the table has it, zeros when not: no error. */
		if (netif_neigh_lookup(n->ifindex, hop, pp->gwmac))
			memset(pp->gwmac, 0, 6);
		return 0;
	}
	ret = netif_neigh_resolve(n->ifindex, pp->smac, pp->saddr, hop, pp->gwmac, SCAN_ARP_TRIES,
				  SCAN_ARP_INTERVAL_MS);
	if (!ret)
		return 0;
	/* Never fall back to broadcast: that would flood a whole segment with probes. */
	target_format_ipv4(hop, a);
	if (ret == -EHOSTUNREACH || ret == -ENOENT)
		snprintf(err, SCAN_ERRLEN,
			 "%s %s on %s did not answer %d ARP requests a second apart: give "
			 "-G/--gateway-mac",
			 gateway ? "gateway" : "on-link target", a, n->ifname, SCAN_ARP_TRIES);
	else
		snprintf(err, SCAN_ERRLEN, "cannot ask %s %s on %s for its MAC with ARP: %s",
			 gateway ? "gateway" : "on-link target", a, n->ifname, strerror(-ret));
	return ret == -ENOENT ? -EHOSTUNREACH : ret;
}

/*
 * A target with no gateway on the way is asked for its own MAC, when it is the scan's only
 * address of its family.  Every probe leaves with one destination MAC: many on-link targets
 * would need one ARP each, which salvo does not do (yet).
 */
static int resolve_on_link(const struct scan_nic *n, const char *target, uint64_t addresses,
			   char err[SCAN_ERRLEN])
{
	if (addresses == 1)
		return 0;
	snprintf(err, SCAN_ERRLEN,
		 "%s is on-link on %s (no gateway to send through), and salvo sends every probe "
		 "to one next hop's MAC rather than ask each target's: give -G/--gateway-mac "
		 "(a router on the link), or scan one on-link address at a time",
		 target, n->ifname);
	return -EHOSTUNREACH;
}

/*
 * The IPv4 targets' route: the interface, our address and MAC, the next hop's MAC.  Our
 * source comes first (-S, or -i's own address) and the route lookup carries it, so that a
 * policy rule on the source (a NIC per subnet, each with its table) picks the route the
 * kernel would; without either, the kernel chooses the source with the route.
 */
static int resolve_ipv4(struct scan_nic *n, const struct scan_config *cfg, const struct nic_wish *w,
			int active, char err[SCAN_ERRLEN])
{
	struct probe_params *pp = &n->probe.params;
	uint32_t first = cfg->targets.ranges[0].first, saddr = 0;
	struct netif_route route;
	char a[16];
	int ret, ifindex;

	if ((ifindex = resolve_ifname(w, err)) < 0)
		return ifindex;
	target_format_ipv4(first, a);
	if (w->source_count)
		saddr = w->sources[0];
	else if (ifindex && netif_ipv4_address(ifindex, &saddr))
		saddr = 0;
	ret = netif_route_lookup(first, saddr, ifindex, &route);
	/* -S need not be ours (ZMap's users choose their source): the kernel routes nothing
	 * from an address it does not have, so the route is the one our own packets take. */
	if (ret == -ENETUNREACH && w->source_count)
		ret = netif_route_lookup(first, 0, ifindex, &route);
	if (ret) {
		if (!w->ifname || !w->gateway_mac || !w->source_count) {
			snprintf(err, SCAN_ERRLEN,
				 "no route to %s%s%s: %s (give -i, -S and -G, or add a route)", a,
				 w->ifname ? " via " : "", w->ifname ? w->ifname : "",
				 strerror(-ret));
			return ret;
		}
		route.ifindex = ifindex;
	}
	if ((ret = resolve_interface(n, cfg, ifindex ? ifindex : route.ifindex, err)))
		return ret;
	if (saddr) {
		pp->saddr = saddr;
	} else if (route.prefsrc) {
		pp->saddr = route.prefsrc;
	} else if ((ret = netif_ipv4_address(n->ifindex, &pp->saddr))) {
		snprintf(err, SCAN_ERRLEN, "%s has no IPv4 address: give -S/--source-ip",
			 n->ifname);
		return ret;
	}
	if (cfg->iplayer)
		return 0;
	if (w->gateway_mac) {
		memcpy(pp->gwmac, w->gateway_mac, 6);
		return 0;
	}
	if (!route.gateway && (ret = resolve_on_link(n, a, cfg->targets.addresses, err)))
		return ret;
	n->gateway = route.gateway;
	return resolve_next_hop(n, route.gateway, first, active, err);
}

/* Our IPv6 source: --ipv6-source-ip, the interface's (-i), the route's, or the interface's
 * first global one. */
static int resolve_source6(struct scan_nic *n, const uint8_t chosen[16],
			   const struct netif_route6 *route, char err[SCAN_ERRLEN])
{
	static const uint8_t zero[16];
	uint8_t *saddr6 = n->probe.params.saddr6;

	if (memcmp(chosen, zero, 16))
		memcpy(saddr6, chosen, 16);
	else if (memcmp(route->prefsrc, zero, 16))
		memcpy(saddr6, route->prefsrc, 16);
	else if (netif_ipv6_address(n->ifindex, saddr6)) {
		snprintf(err, SCAN_ERRLEN, "%s has no global IPv6 address: give --ipv6-source-ip",
			 n->ifname);
		return -EADDRNOTAVAIL;
	}
	return 0;
}

/*
 * The IPv6 next hop's MAC (the gateway's, or the one on-link target's) from Neighbor
 * Discovery, or only the neighbour table when not active, as resolve_next_hop: never a
 * guessed or multicast one.
 */
static int resolve_next_hop6(struct scan_nic *n, const uint8_t gateway[16],
			     const uint8_t target[16], int active, char err[SCAN_ERRLEN])
{
	static const uint8_t zero[16];
	struct probe_params *pp = &n->probe.params;
	const uint8_t *hop = memcmp(gateway, zero, 16) ? gateway : target;
	char b[TARGET6_ADDRSTRLEN];
	int ret;

	if (!active) {
		if (netif_neigh6_lookup(n->ifindex, hop, pp->gwmac6))
			memset(pp->gwmac6, 0, 6);
		return 0;
	}
	if (!(ret = netif_neigh6_resolve(n->ifindex, hop, pp->gwmac6, SCAN_NDP_TIMEOUT_MS)))
		return 0;
	target6_format(target6_from_bytes(hop), b);
	snprintf(err, SCAN_ERRLEN,
		 "IPv6 %s %s on %s did not answer Neighbor Discovery: give -G/--gateway-mac",
		 hop == gateway ? "gateway" : "on-link target", b, n->ifname);
	return ret == -ENOENT ? -EHOSTUNREACH : ret;
}

/*
 * The IPv6 targets' route, as the IPv4 one's: the interface (unless the IPv4 targets chose
 * it: then the same one), our IPv6 address (first, so that the lookup carries it), and the
 * next hop's MAC.
 */
static int resolve_ipv6(struct scan_nic *n, const struct scan_config *cfg, const struct nic_wish *w,
			int active, char err[SCAN_ERRLEN])
{
	static const uint8_t zero[16];
	struct target6_addr first;
	struct netif_route6 route;
	uint8_t daddr[16], saddr[16] = { 0 };
	char a[TARGET6_ADDRSTRLEN];
	int ret, ifindex = n->ifindex;

	if (!ifindex && (ifindex = resolve_ifname(w, err)) < 0)
		return ifindex;
	target6_set_address(&cfg->targets6, 0, &first);
	target6_to_bytes(first, daddr);
	target6_format(first, a);
	if (w->source6)
		memcpy(saddr, w->source6, 16);
	else if (ifindex && netif_ipv6_address(ifindex, saddr))
		memset(saddr, 0, 16);
	ret = netif_route6_lookup(daddr, saddr, ifindex, &route);
	if (ret == -ENETUNREACH && w->source6)
		ret = netif_route6_lookup(daddr, NULL, ifindex, &route);
	if (ret) {
		if (!ifindex || !w->gateway_mac || !w->source6) {
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
	if (n->ifindex && route.ifindex != n->ifindex) {
		snprintf(err, SCAN_ERRLEN,
			 "the IPv4 and the IPv6 targets are reached through different interfaces: "
			 "give -i");
		return -EINVAL;
	}
	if (!n->ifindex && (ret = resolve_interface(n, cfg, route.ifindex, err)))
		return ret;
	if ((ret = resolve_source6(n, saddr, &route, err)))
		return ret;
	if (cfg->iplayer) /* no Ethernet header goes out: no MAC is needed */
		return 0;
	if (w->gateway_mac) {
		memcpy(n->probe.params.gwmac6, w->gateway_mac, 6);
		return 0;
	}
	if (!memcmp(route.gateway, zero, 16) &&
	    (ret = resolve_on_link(n, a, cfg->targets6.addresses, err)))
		return ret;
	return resolve_next_hop6(n, route.gateway, daddr, active, err);
}

/* active: the next hops may be asked for their MAC (not in a dry run: it sends nothing). */
static int resolve_from_kernel(struct scan_nic *n, const struct scan_config *cfg,
			       const struct nic_wish *w, int active, char err[SCAN_ERRLEN])
{
	int ret;

	n->ifindex = 0;
	if (cfg->targets.addresses && (ret = resolve_ipv4(n, cfg, w, active, err)))
		return ret;
	return cfg->targets6.addresses ? resolve_ipv6(n, cfg, w, active, err) : 0;
}

/* Options given, else zeros: what a dry run, or an engine that finds its MACs itself, has. */
static void resolve_from_options(struct scan_nic *n, const struct scan_config *cfg,
				 const struct nic_wish *w, const char *name)
{
	static const uint8_t zero[16];
	struct probe_params *pp = &n->probe.params;

	snprintf(n->ifname, sizeof(n->ifname), "%s", w->ifname ? w->ifname : name);
	n->ifindex = 0;
	pp->saddr = w->source_count ? w->sources[0] : 0;
	memcpy(pp->saddr6, w->source6 ? w->source6 : zero, 16);
	memcpy(pp->smac, cfg->source_mac, 6);
	memcpy(pp->gwmac, w->gateway_mac ? w->gateway_mac : zero, 6);
	memcpy(pp->gwmac6, w->gateway_mac ? w->gateway_mac : zero, 6);
}

/* One NIC's network, as scan_resolve_network says, with -S's first address as the source. */
static int resolve_network(struct scan_nic *n, const struct scan_config *cfg,
			   const struct nic_wish *w, char err[SCAN_ERRLEN])
{
	char ignored[SCAN_ERRLEN];

	/* The engine's port is no kernel interface: no route to take the source addresses from.
	 * Each family scanned needs its own. */
	if (!cfg->dryrun && (cfg->engine->caps & IO_CAP_OWN_NETWORK)) {
		if ((cfg->targets.addresses && !w->source_count) ||
		    (cfg->targets6.addresses && !w->source6)) {
			int v4 = cfg->targets.addresses && !w->source_count;
			char port[SCAN_IFNAME_LEN + 48] = "";

			if (cfg->nic_count > 1)
				snprintf(port, sizeof(port), " for port %s (or %s=ADDR)", w->ifname,
					 w->ifname);
			snprintf(
				err, SCAN_ERRLEN,
				"--io-engine=%s: give %s%s: its port is not a kernel interface, so "
				"there is no route to take the source address from",
				cfg->engine->name, v4 ? "-S/--source-ip" : "--ipv6-source-ip",
				port);
			return -EINVAL;
		}
		resolve_from_options(n, cfg, w, cfg->engine->name);
		return 0;
	}
	if (!cfg->dryrun)
		return resolve_from_kernel(n, cfg, w, 1, err);
	/*
	 * A dry run sends nothing, not even an ARP request: use what the kernel knows if it
	 * can tell, else the options given, else zeros, so probes can be built anywhere.
	 */
	if (resolve_from_kernel(n, cfg, w, 0, ignored) == 0)
		return 0;
	resolve_from_options(n, cfg, w, "none");
	return 0;
}

/*
 * Every IPv4 source of the scan, on any interface, sorted, each once: what every engine
 * instance takes replies to (a reply may come back by another interface than its probe
 * left by).  -EINVAL with a line when there are more than the receive filters hold.
 */
static int resolve_sources(struct scan *s, char err[SCAN_ERRLEN])
{
	unsigned count = 0;

	for (unsigned k = 0; k < s->nic_count; k++) {
		const struct probe_params *pp = &s->nics[k].probe.params;
		unsigned n = pp->saddr_count > 1 ? pp->saddr_count : 1;

		for (unsigned i = 0; i < n; i++) {
			uint32_t a = pp->saddr_count > 1 ? pp->saddrs[i] : pp->saddr;
			unsigned at = 0;

			while (at < count && s->sources[at] < a)
				at++;
			if (at < count && s->sources[at] == a)
				continue;
			if (count == SCAN_SOURCES_MAX) {
				snprintf(err, SCAN_ERRLEN,
					 "--source-ip: more than %d source addresses over the %u "
					 "interfaces: salvo sends from %d at most",
					 SCAN_SOURCES_MAX, s->nic_count, SCAN_SOURCES_MAX);
				return -EINVAL;
			}
			memmove(s->sources + at + 1, s->sources + at,
				(count - at) * sizeof(s->sources[0]));
			s->sources[at] = a;
			count++;
		}
	}
	s->source_count = count;
	return 0;
}

/* Every -i interface exists, before any is asked anything: a typo in the second sends
 * nothing on the first.  A dry run, or an engine with ports of its own, asks no interface. */
static int resolve_ifnames(const struct scan_config *cfg, char err[SCAN_ERRLEN])
{
	struct nic_wish w;
	int ret;

	if (cfg->dryrun || (cfg->engine->caps & IO_CAP_OWN_NETWORK))
		return 0;
	for (unsigned k = 0; k < cfg->nic_count; k++) {
		nic_wish(cfg, k, &w);
		if ((ret = resolve_ifname(&w, err)) < 0)
			return ret;
	}
	return 0;
}

int scan_resolve_network(struct scan *s, const struct scan_config *cfg, char err[SCAN_ERRLEN])
{
	struct nic_wish w;
	int ret;

	s->nic_count = cfg->nic_count ? cfg->nic_count : 1;
	if ((ret = resolve_ifnames(cfg, err)))
		return ret;
	for (unsigned k = 0; k < s->nic_count; k++) {
		struct probe_params *pp = &s->nics[k].probe.params;

		nic_wish(cfg, k, &w);
		if ((ret = resolve_network(&s->nics[k], cfg, &w, err)))
			return ret;
		s->nics[k].gateway_mac = w.gateway_mac;
		/* -S a range or list: the route and the next hop were found from its first
		 * address; the probes go from all of them (probe_source). */
		if (w.source_count > 1) {
			pp->saddrs = w.sources;
			pp->saddr_count = w.source_count;
		}
	}
	return resolve_sources(s, err);
}

/* What NIC n's engine instance is to open: queues, the frame size, what to take off the wire. */
void scan_io_config(const struct scan *s, const struct scan_nic *n, struct io_config *io)
{
	const struct scan_config *cfg = s->cfg;
	const struct probe_params *pp = &n->probe.params;

	memset(io, 0, sizeof(*io));
	io->ifname = n->ifname;
	io->ifindex = n->ifindex;
	io->port = (unsigned)(n - s->nics);
	/* A dry run's one instance takes every NIC's senders' frames; before the threads are
	 * counted (queues_max), as many as asked. */
	io->tx_queues = s->engine_count < s->nic_count ? s->sender_count : n->senders;
	if (!io->tx_queues)
		io->tx_queues = cfg->sender_threads;
	io->rx_queues = cfg->receivers;
	io->frame_len_max = s->frame_len > SCAN_FRAME_MIN ? s->frame_len : SCAN_FRAME_MIN;
	io->replies = cfg->probe->replies | (cfg->prescan_probe ? PROBE_REPLY_ICMP_ECHO : 0);
	io->rx_daddr = pp->saddr;
	io->rx_daddrs = s->source_count > 1 ? s->sources : NULL;
	io->rx_daddr_count = s->source_count;
	io->own_daddrs = pp->saddrs;
	io->own_daddr_count = pp->saddr_count;
	io->rx_ipv4 = cfg->targets.addresses != 0;
	io->rx_ipv6 = cfg->targets6.addresses != 0;
	memcpy(io->rx_daddr6, pp->saddr6, 16);
	io->rx_sport_first = cfg->sport_first;
	io->rx_sport_count = cfg->sport_count;
	io->xdp_mode = cfg->xdp_mode;
	io->iplayer = cfg->iplayer;
	io->print_fast = cfg->fast_dryrun;
	io->print_probe = cfg->probe;
	io->retries = cfg->retries;
	io->pcap_file = cfg->pcap_file;
	io->source_mac = cfg->source_mac_set ? cfg->source_mac : NULL;
	io->gateway_mac = n->gateway_mac;
	io->options = cfg->engine_options;
}
