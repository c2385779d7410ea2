/*
 * What only netif.c (IPv4) and netif6.c (IPv6) share: one rtnetlink request buffer and the
 * request/answer loop, so that both families ask the kernel the same way.  Nothing else
 * includes this.
 */
#ifndef SALVO_IO_NETIF_INTERNAL_H
#define SALVO_IO_NETIF_INTERNAL_H

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* One request: a header, a family's message, and room for its attributes (two addresses and
 * an interface). */
struct netif_request {
	struct nlmsghdr nh;
	union {
		struct rtmsg rt;
		struct ndmsg nd;
		struct ifaddrmsg ifa;
	};
	char attrs[64];
};

/* Append attribute type with len bytes of data to the request nh (attrs must have room). */
void netif_nl_add_attr(struct nlmsghdr *nh, unsigned short type, const void *data,
		       unsigned short len);

/*
 * Send req and feed every reply message to fn until it returns non-zero
 * (done) or the kernel says the dump is over.  Returns fn's positive
 * result, 0 when nothing matched, or -errno.
 */
int netif_nl_transact(struct nlmsghdr *req, int (*fn)(struct nlmsghdr *, void *), void *arg);

/*
 * Dump the kernel's neighbours (RTM_GETNEIGH, of ifindex) or addresses (RTM_GETADDR) of one
 * family through fn, as netif_nl_transact does: 0 when fn found what it looks for, -ENOENT
 * when nothing matched, or -errno.
 */
int netif_nl_dump(unsigned short type, unsigned char family, int ifindex,
		  int (*fn)(struct nlmsghdr *, void *), void *arg);

#endif
