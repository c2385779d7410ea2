/*
 * What the kernel knows about our network: the route to a target, its
 * gateway's MAC in the neighbour table, an interface's MAC and address.
 * Asked over rtnetlink at start-up, so salvo needs no -i, -S or -G on an
 * ordinary host; a next hop the neighbour table does not know yet is asked
 * with ARP (arp.h) on a packet socket.  Never called per packet.
 */
#ifndef SALVO_IO_NETIF_H
#define SALVO_IO_NETIF_H

#include <stdint.h>

struct netif_route {
	int ifindex;
	uint32_t gateway; /* host order; 0 when the target is on-link */
	uint32_t prefsrc; /* host order: the source asked for, else the kernel's choice, or 0 */
};

/*
 * The route the kernel would use to reach daddr from saddr (if not 0) through ifindex (if
 * not 0): one RTM_GETROUTE request, not a dump, answered by the kernel's whole FIB with its
 * policy rules, as `ip route get DADDR from SADDR oif IF` is.  A host with a NIC per subnet
 * routes each NIC's traffic by a rule on its source address (ip rule add from A table T):
 * only a lookup that carries the source finds that route.  0, or -errno: -ENETUNREACH when
 * there is none, and also when saddr is not one of our addresses (the kernel routes nothing
 * from an address it does not have).
 */
int netif_route_lookup(uint32_t daddr, uint32_t saddr, int ifindex, struct netif_route *r);

/* The MAC of addr on ifindex from the neighbour table: 0, or -ENOENT if not resolved. */
int netif_neigh_lookup(int ifindex, uint32_t addr, uint8_t mac[6]);

/*
 * The MAC of addr, a neighbour on ifindex's link (the next hop, or an on-link target): from
 * the neighbour table when it has a usable entry, else asked by salvo itself, as masscan
 * does: a broadcast ARP request from (mac, saddr) on a packet socket bound to ifindex, tries
 * times, interval_ms apart, until a reply from addr comes.  A cold neighbour table is no
 * reason to refuse a scan.  0, -EHOSTUNREACH when nobody answered, -EINVAL for an address
 * that is nobody's (0, multicast, broadcast: nothing is sent), or -errno (-EPERM without
 * CAP_NET_RAW).  Never a guessed or multicast MAC.
 */
int netif_neigh_resolve(int ifindex, const uint8_t mac[6], uint32_t saddr, uint32_t addr,
			uint8_t out[6], int tries, int interval_ms);

/* The first IPv4 address on ifindex: 0 or -ENOENT. */
int netif_ipv4_address(int ifindex, uint32_t *addr);

/* The hardware address of ifname. */
int netif_hwaddr(const char *ifname, uint8_t mac[6]);

/* 1 when ifname is up with a carrier (IFF_UP and IFF_RUNNING), 0 when not, -ENODEV when gone. */
int netif_link_up(const char *ifname);

/* mac as aa:bb:cc:dd:ee:ff into buf (18 bytes). */
void netif_format_mac(const uint8_t mac[6], char buf[18]);

#endif
