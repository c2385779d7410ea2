/*
 * salvo's XDP steering program for the af_xdp io engine.
 *
 * Runs on the scanning interface and sends to salvo's AF_XDP socket (via
 * xsks_map, keyed by receive queue) only the frames that can be replies to
 * our probes: IPv4 to one of our addresses (-S may give several: see
 * bpf/steer.h), or IPv6 to our IPv6 address when the
 * scan has IPv6 targets, and of the kinds the probe expects: TCP or UDP to
 * a port in our source-port range, ICMP(v6) errors, ICMP(v6) echo replies.
 * Everything else (ARP, Neighbor Discovery, the host's own traffic) passes
 * to the kernel as if we were not there: the kernel keeps answering ARP and
 * NDP for our addresses, which is how targets and gateways find our MAC.
 * Redirected replies never reach the host's TCP stack, so the host sends
 * no RST for them.
 *
 * The user-space side writes its addresses and port range into config_map
 * before it attaches the program.  Built with clang -target bpf; loaded by
 * src/io/af_xdp.c from an object embedded in the salvo binary.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "bpf/steer.h"
#include "probe/replies.h"

#define VLAN_HLEN 4

/* linux/icmp.h pulls in libc headers that do not exist for the BPF target.  ICMPv6 messages
 * start the same way. */
struct icmp_head {
	__u8 type;
	__u8 code;
	__u16 checksum;
};

#define ICMP_ECHO_REPLY	    0
#define ICMP_UNREACHABLE    3
#define ICMP_TIME_EXCEEDED_ 11

#define ICMP6_UNREACHABLE   1
#define ICMP6_TIME_EXCEEDED 3
#define ICMP6_ECHO_REPLY    129

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, STEER_XSKS_MAX);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct steer_config);
} config_map SEC(".maps");

/* Our IPv4 sources (network order keys) when they are a list with gaps (daddr_listed). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, STEER_SOURCES_MAX);
	__type(key, __u32);
	__type(value, __u8);
} sources_map SEC(".maps");

/*
 * Every read goes through bpf_xdp_load_bytes, whose bounds check is the kernel's.  Adding a
 * variable offset (a VLAN tag, the IP header length) to a packet pointer is refused to
 * programs loaded without CAP_PERFMON (the verifier's Spectre v1 rule), and salvo must load
 * this with CAP_BPF and CAP_NET_ADMIN only.
 */

static __always_inline int steer_redirect(struct xdp_md *ctx)
{
	/* No socket on this queue: let the kernel have it rather than drop it. */
	return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
}

/* TCP or UDP (proto) at off: ours when the probe expects it and it is to one of our ports. */
static __always_inline int steer_ports(struct xdp_md *ctx, const struct steer_config *cfg,
				       __u8 proto, __u32 off)
{
	union {
		struct tcphdr tcp;
		struct udphdr udp;
	} l4;
	__u16 dport;

	if (proto == IPPROTO_TCP && (cfg->replies & PROBE_REPLY_TCP)) {
		if (bpf_xdp_load_bytes(ctx, off, &l4.tcp, sizeof(l4.tcp)))
			return XDP_PASS;
		dport = bpf_ntohs(l4.tcp.dest);
	} else if (proto == IPPROTO_UDP && (cfg->replies & PROBE_REPLY_UDP)) {
		if (bpf_xdp_load_bytes(ctx, off, &l4.udp, sizeof(l4.udp)))
			return XDP_PASS;
		dport = bpf_ntohs(l4.udp.dest);
	} else {
		return XDP_PASS;
	}
	if (dport < cfg->sport_first || dport > cfg->sport_last)
		return XDP_PASS;
	return steer_redirect(ctx);
}

/* An ICMP or ICMPv6 message at off, whose error and echo-reply types the caller names. */
static __always_inline int steer_icmp(struct xdp_md *ctx, const struct steer_config *cfg, __u32 off,
				      __u8 error1, __u8 error2, __u8 echo_reply)
{
	struct icmp_head icmp;

	if (bpf_xdp_load_bytes(ctx, off, &icmp, sizeof(icmp)))
		return XDP_PASS;
	if (((icmp.type == error1 || icmp.type == error2) &&
	     (cfg->replies & PROBE_REPLY_ICMP_ERROR)) ||
	    (icmp.type == echo_reply && (cfg->replies & PROBE_REPLY_ICMP_ECHO)))
		return steer_redirect(ctx);
	return XDP_PASS;
}

static __always_inline int steer_ipv4(struct xdp_md *ctx, const struct steer_config *cfg, __u32 off)
{
	struct iphdr ip;

	if (bpf_xdp_load_bytes(ctx, off, &ip, sizeof(ip)) || ip.ihl < 5 ||
	    bpf_ntohl(ip.daddr) - cfg->daddr_first > cfg->daddr_span)
		return XDP_PASS;
	if (cfg->daddr_listed && !bpf_map_lookup_elem(&sources_map, &ip.daddr))
		return XDP_PASS;
	off += ip.ihl * 4;
	if (ip.protocol == IPPROTO_ICMP)
		return steer_icmp(ctx, cfg, off, ICMP_UNREACHABLE, ICMP_TIME_EXCEEDED_,
				  ICMP_ECHO_REPLY);
	return steer_ports(ctx, cfg, ip.protocol, off);
}

/*
 * Only a Next Header of TCP, UDP or ICMPv6 is looked at: a reply behind extension headers
 * (rare for the SYN-ACKs, datagrams and errors a scan gets back) passes to the kernel, which
 * answers it as it would without salvo, and salvo does not see it.  Walking the chain here
 * would cost a bounded loop for almost no replies.  Of ICMPv6, only destination unreachable
 * and time exceeded (errors) and echo replies are ours: Neighbor Discovery (133-137), packet
 * too big and the rest are the kernel's, which must keep answering NDP for our address.
 */
static __always_inline int steer_ipv6(struct xdp_md *ctx, const struct steer_config *cfg, __u32 off)
{
	struct ipv6hdr ip6;

	if (!cfg->ipv6 || bpf_xdp_load_bytes(ctx, off, &ip6, sizeof(ip6)) || ip6.version != 6)
		return XDP_PASS;
	if (ip6.daddr.in6_u.u6_addr32[0] != cfg->daddr6[0] ||
	    ip6.daddr.in6_u.u6_addr32[1] != cfg->daddr6[1] ||
	    ip6.daddr.in6_u.u6_addr32[2] != cfg->daddr6[2] ||
	    ip6.daddr.in6_u.u6_addr32[3] != cfg->daddr6[3])
		return XDP_PASS;
	off += sizeof(ip6);
	if (ip6.nexthdr == IPPROTO_ICMPV6)
		return steer_icmp(ctx, cfg, off, ICMP6_UNREACHABLE, ICMP6_TIME_EXCEEDED,
				  ICMP6_ECHO_REPLY);
	return steer_ports(ctx, cfg, ip6.nexthdr, off);
}

SEC("xdp")
int salvo_steer(struct xdp_md *ctx)
{
	struct steer_config *cfg;
	__u16 proto;
	__u32 key = 0, off = sizeof(struct ethhdr);

	if (bpf_xdp_load_bytes(ctx, offsetof(struct ethhdr, h_proto), &proto, sizeof(proto)))
		return XDP_PASS;
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		if (bpf_xdp_load_bytes(ctx, off + 2, &proto, sizeof(proto)))
			return XDP_PASS;
		off += VLAN_HLEN;
	}
	cfg = bpf_map_lookup_elem(&config_map, &key);
	if (!cfg)
		return XDP_PASS;
	if (proto == bpf_htons(ETH_P_IP))
		return steer_ipv4(ctx, cfg, off);
	if (proto == bpf_htons(ETH_P_IPV6))
		return steer_ipv6(ctx, cfg, off);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
