/*
 * What the kernel knows about our network: the route to a target, its
 * gateway's MAC in the neighbour table, an interface's MAC and address.
 * Asked over rtnetlink at start-up, so salvo needs no -i, -S or -G on an
 * ordinary host.  Never called per packet.
 */
#ifndef SALVO_IO_NETIF_H
#define SALVO_IO_NETIF_H

#include <stdint.h>

struct netif_route {
	int ifindex;
	uint32_t gateway; /* host order; 0 when the target is on-link */
	uint32_t prefsrc; /* host order; 0 when the route names none */
};

/* The route the kernel would use to reach daddr, through ifindex if not 0. */
int netif_route_lookup(uint32_t daddr, int ifindex, struct netif_route *r);

/* The MAC of addr on ifindex from the neighbour table: 0, or -ENOENT if not resolved. */
int netif_neigh_lookup(int ifindex, uint32_t addr, uint8_t mac[6]);

/* The first IPv4 address on ifindex: 0 or -ENOENT. */
int netif_ipv4_address(int ifindex, uint32_t *addr);

/* The hardware address of ifname. */
int netif_hwaddr(const char *ifname, uint8_t mac[6]);

/* 1 when ifname is up with a carrier (IFF_UP and IFF_RUNNING), 0 when not, -ENODEV when gone. */
int netif_link_up(const char *ifname);

/* mac as aa:bb:cc:dd:ee:ff into buf (18 bytes). */
void netif_format_mac(const uint8_t mac[6], char buf[18]);

#endif
