/*
 * rtnetlink queries for routes, neighbours and addresses, and the ARP requests that find a
 * next hop the neighbour table does not know; see netif.h.
 */
#include "io/netif.h"
#include "io/netif_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/arp.h"
#include "util/clock.h"

#define NETIF_BUF 32768

void netif_nl_add_attr(struct nlmsghdr *nh, unsigned short type, const void *data,
		       unsigned short len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* See netif_internal.h. */
int netif_nl_transact(struct nlmsghdr *req, int (*fn)(struct nlmsghdr *, void *), void *arg)
{
	static __thread char buf[NETIF_BUF];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, ret = 0, done = 0;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	req->nlmsg_seq = 1;
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		goto out;
	}
	while (!done) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nh;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (len == 0)
			break;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (unsigned)len);
		     nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				ret = e->error;
				done = 1;
				break;
			}
			if (ret <= 0 && (ret = fn(nh, arg)) != 0 &&
			    !(req->nlmsg_flags & NLM_F_DUMP)) {
				done = 1;
				break;
			}
			if (!(nh->nlmsg_flags & NLM_F_MULTI))
				done = 1;
		}
	}
out:
	close(fd);
	return ret;
}

int netif_nl_dump(unsigned short type, unsigned char family, int ifindex,
		  int (*fn)(struct nlmsghdr *, void *), void *arg)
{
	struct netif_request req = { 0 };
	int ret;

	req.nh.nlmsg_type = type;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (type == RTM_GETNEIGH) {
		req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
		req.nd.ndm_family = family;
		req.nd.ndm_ifindex = ifindex;
	} else {
		/* An address dump is filtered by fn: the kernel ignores ifa_index in a dump. */
		req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
		req.ifa.ifa_family = family;
	}
	ret = netif_nl_transact(&req.nh, fn, arg);
	if (ret < 0)
		return ret;
	return ret > 0 ? 0 : -ENOENT;
}

static int route_parse(struct nlmsghdr *nh, void *arg)
{
	struct netif_route *r = arg;
	struct rtmsg *rt = NLMSG_DATA(nh);
	int len = (int)RTM_PAYLOAD(nh);

	if (nh->nlmsg_type != RTM_NEWROUTE)
		return 0;
	for (struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		uint32_t v;

		if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) >= 4) {
			memcpy(&r->ifindex, RTA_DATA(a), 4);
		} else if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD(a) == 4) {
			memcpy(&v, RTA_DATA(a), 4);
			r->gateway = ntohl(v);
		} else if (a->rta_type == RTA_PREFSRC && RTA_PAYLOAD(a) == 4) {
			memcpy(&v, RTA_DATA(a), 4);
			r->prefsrc = ntohl(v);
		}
	}
	return 1;
}

/*
 * The kernel answers a lookup (not a dump) with the route its output path would take
 * (inet_rtm_getroute): RTA_OIF, RTA_GATEWAY when there is a next hop, and RTA_PREFSRC, the
 * source it chose when none was asked for.  A source that is not ours fails the lookup
 * (ip_route_output_key_hash_rcu checks it, 6.18).
 */
int netif_route_lookup(uint32_t daddr, uint32_t saddr, int ifindex, struct netif_route *r)
{
	struct netif_request req = { 0 };
	uint32_t dst = htonl(daddr), src = htonl(saddr);
	int ret;

	memset(r, 0, sizeof(*r));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.rt.rtm_family = AF_INET;
	req.rt.rtm_dst_len = 32;
	netif_nl_add_attr(&req.nh, RTA_DST, &dst, 4);
	if (saddr) {
		req.rt.rtm_src_len = 32;
		netif_nl_add_attr(&req.nh, RTA_SRC, &src, 4);
	}
	if (ifindex)
		netif_nl_add_attr(&req.nh, RTA_OIF, &ifindex, 4);
	ret = netif_nl_transact(&req.nh, route_parse, r);
	if (ret < 0)
		return ret;
	/* The answer names a source only where it is not the one asked about (rt_fill_info). */
	if (saddr && !r->prefsrc)
		r->prefsrc = saddr;
	return r->ifindex ? 0 : -ENETUNREACH;
}

struct neigh_query {
	int ifindex;
	uint32_t addr;
	uint8_t *mac;
};

static int neigh_parse(struct nlmsghdr *nh, void *arg)
{
	struct neigh_query *q = arg;
	struct ndmsg *nd = NLMSG_DATA(nh);
	int len = (int)RTM_PAYLOAD(nh);
	const uint16_t usable =
		NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP;
	int addr_match = 0, have_mac = 0;
	uint8_t mac[6];

	if (nh->nlmsg_type != RTM_NEWNEIGH || nd->ndm_family != AF_INET ||
	    nd->ndm_ifindex != q->ifindex || !(nd->ndm_state & usable))
		return 0;
	for (struct rtattr *a = (struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof(*nd)));
	     RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == 4) {
			uint32_t v;

			memcpy(&v, RTA_DATA(a), 4);
			addr_match = ntohl(v) == q->addr;
		} else if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6) {
			memcpy(mac, RTA_DATA(a), 6);
			have_mac = 1;
		}
	}
	if (!addr_match || !have_mac)
		return 0;
	memcpy(q->mac, mac, 6);
	return 1;
}

int netif_neigh_lookup(int ifindex, uint32_t addr, uint8_t mac[6])
{
	struct neigh_query q = { ifindex, addr, mac };

	return netif_nl_dump(RTM_GETNEIGH, AF_INET, ifindex, neigh_parse, &q);
}

/* A packet socket of ifindex for ARP frames only: the fd, or -errno. */
static int neigh_arp_socket(int ifindex)
{
	struct sockaddr_ll sa = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ARP),
				  .sll_ifindex = ifindex };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ARP)), ret;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

/*
 * Read ARP frames on fd until a reply from addr comes (0, its MAC in out) or deadline (on
 * the monotonic clock) passes (-ETIMEDOUT).  Our own request comes back on a packet socket
 * too, and whatever else the link says: only a reply whose sender is addr counts, as any
 * ARP stack takes it.
 */
static int neigh_arp_wait(int fd, uint32_t addr, uint8_t out[6], uint64_t deadline)
{
	uint8_t frame[ARP_FRAME_LEN];
	struct arp_message m;

	for (;;) {
		uint64_t now = clock_mono_ns();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t len;
		int n;

		if (now >= deadline)
			return -ETIMEDOUT;
		n = poll(&p, 1, (int)((deadline - now + 999999) / 1000000));
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n <= 0)
			continue;
		/* A longer frame is cut to what an ARP message needs: that is all we read. */
		len = recv(fd, frame, sizeof(frame), MSG_DONTWAIT | MSG_TRUNC);
		if (len < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		if (arp_parse(frame, len < (ssize_t)sizeof(frame) ? (uint32_t)len : sizeof(frame),
			      &m) == 1 &&
		    m.op == ARP_OP_REPLY && m.spa == addr) {
			memcpy(out, m.sha, 6);
			return 0;
		}
	}
}

int netif_neigh_resolve(int ifindex, const uint8_t mac[6], uint32_t saddr, uint32_t addr,
			uint8_t out[6], int tries, int interval_ms)
{
	uint8_t request[ARP_FRAME_LEN];
	int fd, ret;

	if ((ret = netif_neigh_lookup(ifindex, addr, out)) != -ENOENT)
		return ret;
	/* 0.0.0.0/8, multicast and the limited broadcast are no neighbour's address. */
	if (!ifindex || (addr >> 24) == 0 || (addr >> 28) == 0xe || addr == 0xffffffff)
		return -EINVAL;
	if ((fd = neigh_arp_socket(ifindex)) < 0)
		return fd;
	arp_build_request(request, mac, saddr, addr);
	ret = -EHOSTUNREACH;
	for (int t = 0; t < tries && ret == -EHOSTUNREACH; t++) {
		uint64_t until = clock_mono_ns() + (uint64_t)interval_ms * 1000000;

		if (send(fd, request, sizeof(request), 0) < 0) {
			ret = -errno;
			break;
		}
		ret = neigh_arp_wait(fd, addr, out, until);
		if (ret == -ETIMEDOUT)
			ret = -EHOSTUNREACH;
	}
	close(fd);
	return ret;
}

struct addr_query {
	int ifindex;
	uint32_t *addr;
};

static int addr_parse(struct nlmsghdr *nh, void *arg)
{
	struct addr_query *q = arg;
	struct ifaddrmsg *ifa = NLMSG_DATA(nh);
	int len = (int)IFA_PAYLOAD(nh);

	if (nh->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET ||
	    (int)ifa->ifa_index != q->ifindex)
		return 0;
	for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if ((a->rta_type == IFA_LOCAL || a->rta_type == IFA_ADDRESS) &&
		    RTA_PAYLOAD(a) == 4) {
			uint32_t v;

			memcpy(&v, RTA_DATA(a), 4);
			*q->addr = ntohl(v);
			return 1;
		}
	}
	return 0;
}

int netif_ipv4_address(int ifindex, uint32_t *addr)
{
	struct addr_query q = { ifindex, addr };

	return netif_nl_dump(RTM_GETADDR, AF_INET, ifindex, addr_parse, &q);
}

void netif_format_mac(const uint8_t m[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* One SIOCGIF* request about ifname into ifr: 0 or -errno. */
static int netif_ioctl(const char *ifname, unsigned long request, struct ifreq *ifr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	memset(ifr, 0, sizeof(*ifr));
	strncpy(ifr->ifr_name, ifname, IFNAMSIZ - 1);
	if (ioctl(fd, request, ifr) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int netif_link_up(const char *ifname)
{
	struct ifreq ifr;
	int ret = netif_ioctl(ifname, SIOCGIFFLAGS, &ifr);

	if (ret)
		return ret;
	return (ifr.ifr_flags & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING);
}

int netif_hwaddr(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;
	int ret = netif_ioctl(ifname, SIOCGIFHWADDR, &ifr);

	if (!ret)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return ret;
}
