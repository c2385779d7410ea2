/*
 * What the kernel knows about our IPv6 network, as netif.h for IPv4: the route to a
 * target, the next hop's MAC in the neighbour table (resolved with Neighbor Discovery when
 * the table has none yet), and an interface's global address.  Asked over rtnetlink at
 * start-up, so an IPv6 scan needs no -i, -S or -G on an ordinary host.  Never called per
 * packet.  Addresses are 16 bytes in network order, as on the wire and in struct in6_addr.
 */
#ifndef SALVO_IO_NETIF6_H
#define SALVO_IO_NETIF6_H

#include <stdint.h>

struct netif_route6 {
	int ifindex;
	uint8_t gateway[16]; /* the next hop; all zero when the destination is on-link */
	uint8_t prefsrc[16]; /* the route's preferred source; all zero when it names none */
};

/*
 * The route the kernel would use to reach daddr from saddr (unless NULL or all zero) through
 * ifindex (if not 0): one RTM_GETROUTE request answered by the whole FIB, policy rules
 * included, as `ip -6 route get DADDR from SADDR oif IF` (see netif_route_lookup).  0, or
 * -errno (-ENETUNREACH when there is none; an unreachable or prohibit route gives the
 * kernel's error for it).  prefsrc is the route's src when it names one, else the source
 * address the kernel would choose for daddr: the kernel's answer carries either in
 * RTA_PREFSRC.  It stays all zero only when the kernel has no address to choose.
 */
int netif_route6_lookup(const uint8_t daddr[16], const uint8_t saddr[16], int ifindex,
			struct netif_route6 *r);

/*
 * The MAC of addr on ifindex from the IPv6 neighbour table, from a usable entry only
 * (REACHABLE, STALE, DELAY, PROBE or PERMANENT; never INCOMPLETE, FAILED or a NOARP entry
 * whose MAC the kernel computed itself): 0, or -ENOENT.
 */
int netif_neigh6_lookup(int ifindex, const uint8_t addr[16], uint8_t mac[6]);

/*
 * The MAC of addr, a neighbour on ifindex's link (the next hop, never a scan target), asking
 * the kernel to resolve it with Neighbor Discovery when the table has no usable entry: salvo
 * sends addr one ICMPv6 echo request with hop limit 1 from a raw socket bound to ifindex,
 * which the kernel holds while it solicits addr; then the table is polled every 10 ms for up
 * to timeout_ms.  0, -EHOSTUNREACH when no answer came, -EINVAL when addr is multicast,
 * unspecified or not on ifindex's link (the kernel routes it through a gateway or to
 * ourselves: then nothing is sent), or -errno (-EPERM without CAP_NET_RAW).  Never a guessed
 * or multicast MAC.
 */
int netif_neigh6_resolve(int ifindex, const uint8_t addr[16], uint8_t mac[6], int timeout_ms);

/*
 * The first global-scope IPv6 address on ifindex that may source packets (not link-local,
 * not deprecated, not tentative or failed duplicate address detection): 0 or -ENOENT.
 */
int netif_ipv6_address(int ifindex, uint8_t addr[16]);

#endif
