/*
 * rtnetlink queries for IPv6 routes, neighbours and addresses, and the one echo request that
 * makes the kernel resolve a next hop with Neighbor Discovery; see netif6.h.
 */
#include "io/netif6.h"
#include "io/netif_internal.h"

#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/clock.h"

#define NETIF6_POLL_US 10000

static const uint8_t netif6_any[16];

static int route6_parse(struct nlmsghdr *nh, void *arg)
{
	struct netif_route6 *r = arg;
	struct rtmsg *rt = NLMSG_DATA(nh);
	int len = (int)RTM_PAYLOAD(nh);

	if (nh->nlmsg_type != RTM_NEWROUTE)
		return 0;
	for (struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) >= 4)
			memcpy(&r->ifindex, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD(a) == 16)
			memcpy(r->gateway, RTA_DATA(a), 16);
		else if (a->rta_type == RTA_PREFSRC && RTA_PAYLOAD(a) == 16)
			memcpy(r->prefsrc, RTA_DATA(a), 16);
	}
	return 1;
}

/*
 * The kernel answers a lookup (not a dump) with the route it would use for daddr: RTA_OIF,
 * RTA_GATEWAY when there is a next hop, and RTA_PREFSRC holding the route's src or, when it
 * names none, the source the kernel would choose (rt6_fill_node, seen on 6.18).
 */
int netif_route6_lookup(const uint8_t daddr[16], const uint8_t saddr[16], int ifindex,
			struct netif_route6 *r)
{
	struct netif_request req = { 0 };
	int ret;

	memset(r, 0, sizeof(*r));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.rt.rtm_family = AF_INET6;
	req.rt.rtm_dst_len = 128;
	netif_nl_add_attr(&req.nh, RTA_DST, daddr, 16);
	if (saddr && memcmp(saddr, netif6_any, 16)) {
		req.rt.rtm_src_len = 128;
		netif_nl_add_attr(&req.nh, RTA_SRC, saddr, 16);
	}
	if (ifindex)
		netif_nl_add_attr(&req.nh, RTA_OIF, &ifindex, 4);
	ret = netif_nl_transact(&req.nh, route6_parse, r);
	if (ret < 0)
		return ret;
	return r->ifindex ? 0 : -ENETUNREACH;
}

struct neigh6_query {
	int ifindex;
	const uint8_t *addr;
	uint8_t *mac;
};

/*
 * Only states in which a neighbour has answered (or an administrator set the MAC) count.
 * NOARP entries are left out: the kernel makes them up for multicast addresses, and a
 * group MAC would turn every probe into a multicast on the link.
 */
static int neigh6_parse(struct nlmsghdr *nh, void *arg)
{
	const uint16_t usable = NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT;
	struct neigh6_query *q = arg;
	struct ndmsg *nd = NLMSG_DATA(nh);
	int len = (int)RTM_PAYLOAD(nh);
	int addr_match = 0, have_mac = 0;
	uint8_t mac[6];

	if (nh->nlmsg_type != RTM_NEWNEIGH || nd->ndm_family != AF_INET6 ||
	    nd->ndm_ifindex != q->ifindex || !(nd->ndm_state & usable))
		return 0;
	for (struct rtattr *a = (struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof(*nd)));
	     RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == 16) {
			addr_match = !memcmp(RTA_DATA(a), q->addr, 16);
		} else if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6) {
			memcpy(mac, RTA_DATA(a), 6);
			have_mac = 1;
		}
	}
	if (!addr_match || !have_mac || (mac[0] & 1))
		return 0;
	memcpy(q->mac, mac, 6);
	return 1;
}

int netif_neigh6_lookup(int ifindex, const uint8_t addr[16], uint8_t mac[6])
{
	struct neigh6_query q = { ifindex, addr, mac };

	return netif_nl_dump(RTM_GETNEIGH, AF_INET6, ifindex, neigh6_parse, &q);
}

/*
 * Only a unicast neighbour on ifindex's link may be solicited: an address the kernel routes
 * through a gateway (a scan target, or a mistake) or to ourselves gets no packet from here.
 */
static int neigh6_check_on_link(int ifindex, const uint8_t addr[16])
{
	struct netif_route6 r;
	int ret;

	if (addr[0] == 0xff || !memcmp(addr, netif6_any, 16))
		return -EINVAL;
	ret = netif_route6_lookup(addr, NULL, ifindex, &r);
	if (ret)
		return ret;
	if (!ifindex || r.ifindex != ifindex || memcmp(r.gateway, netif6_any, 16))
		return -EINVAL;
	return 0;
}

/*
 * One ICMPv6 echo request to addr out of ifindex.  With no usable neighbour entry the kernel
 * queues it and sends a Neighbor Solicitation; the answer fills the table, which is all we
 * want.  Hop limit 1 keeps it on the link whatever the routes do meanwhile, and the socket
 * is closed at once: the echo reply, if any, is nobody's business.
 */
static int neigh6_solicit(int ifindex, const uint8_t addr[16])
{
	struct icmp6_hdr echo = { .icmp6_type = ICMP6_ECHO_REQUEST };
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)ifindex };
	int hops = 1, fd, ret = 0;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	memcpy(&sa.sin6_addr, addr, 16);
	/* The kernel computes the ICMPv6 checksum of raw ICMPv6 sockets itself (RFC 3542). */
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &ifindex, sizeof(ifindex)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    sendto(fd, &echo, sizeof(echo), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int netif_neigh6_resolve(int ifindex, const uint8_t addr[16], uint8_t mac[6], int timeout_ms)
{
	uint64_t deadline;
	int ret = netif_neigh6_lookup(ifindex, addr, mac);

	if (ret != -ENOENT)
		return ret;
	if ((ret = neigh6_check_on_link(ifindex, addr)) || (ret = neigh6_solicit(ifindex, addr)))
		return ret;
	deadline = clock_mono_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000;
	for (;;) {
		clock_sleep_us(NETIF6_POLL_US);
		ret = netif_neigh6_lookup(ifindex, addr, mac);
		if (ret != -ENOENT)
			return ret;
		if (clock_mono_ns() >= deadline)
			return -EHOSTUNREACH;
	}
}

struct addr6_query {
	int ifindex;
	uint8_t *addr;
};

/*
 * A tentative address is not ours yet (duplicate address detection may fail, and the kernel
 * drops what is sent to it), a deprecated one is on its way out: neither may source a scan.
 * The flags past the first eight come in IFA_FLAGS; these three fit in ifa_flags too.
 */
static int addr6_parse(struct nlmsghdr *nh, void *arg)
{
	const uint32_t unusable = IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_DEPRECATED;
	struct addr6_query *q = arg;
	struct ifaddrmsg *ifa = NLMSG_DATA(nh);
	int len = (int)IFA_PAYLOAD(nh);
	const void *local = NULL, *address = NULL;
	uint32_t flags;

	if (nh->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET6 ||
	    (int)ifa->ifa_index != q->ifindex || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return 0;
	flags = ifa->ifa_flags;
	for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFA_FLAGS && RTA_PAYLOAD(a) == 4)
			memcpy(&flags, RTA_DATA(a), 4);
		else if (a->rta_type == IFA_LOCAL && RTA_PAYLOAD(a) == 16)
			local = RTA_DATA(a);
		else if (a->rta_type == IFA_ADDRESS && RTA_PAYLOAD(a) == 16)
			address = RTA_DATA(a);
	}
	/* With a peer (ip addr add A peer P) IFA_ADDRESS is the peer's and IFA_LOCAL ours. */
	if (!local)
		local = address;
	if (!local || (flags & unusable))
		return 0;
	memcpy(q->addr, local, 16);
	return 1;
}

int netif_ipv6_address(int ifindex, uint8_t addr[16])
{
	struct addr6_query q = { ifindex, addr };

	return netif_nl_dump(RTM_GETADDR, AF_INET6, ifindex, addr6_parse, &q);
}
