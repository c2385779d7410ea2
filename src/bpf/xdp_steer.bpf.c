/*
 * salvo's XDP steering program for the af_xdp io engine.
 *
 * Runs on the scanning interface and sends to salvo's AF_XDP socket (via
 * xsks_map, keyed by receive queue) only the frames that can be replies to
 * our probes: IPv4 to our address, and of the kinds the probe expects:
 * TCP or UDP to a port in our source-port range, ICMP errors, ICMP echo
 * replies.  Everything else (ARP, the host's own traffic) passes to the
 * kernel as if we were not there.  Redirected replies never reach the
 * host's TCP stack, so the host sends no RST for them.
 *
 * The user-space side writes its address and port range into config_map
 * before it attaches the program.  Built with clang -target bpf; loaded by
 * src/io/af_xdp.c from an object embedded in the salvo binary.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "bpf/steer.h"
#include "probe/replies.h"

#define VLAN_HLEN 4

/* linux/icmp.h pulls in libc headers that do not exist for the BPF target. */
struct icmp_head {
	__u8 type;
	__u8 code;
	__u16 checksum;
};

#define ICMP_ECHO_REPLY	    0
#define ICMP_UNREACHABLE    3
#define ICMP_TIME_EXCEEDED_ 11

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

/*
 * Every read goes through bpf_xdp_load_bytes.  Adding a variable offset (a VLAN tag, the IP
 * header length) to a packet pointer is refused to programs loaded without CAP_PERFMON (the
 * verifier's Spectre v1 rule), and salvo must load this with CAP_BPF and CAP_NET_ADMIN only.
 */
SEC("xdp")
int salvo_steer(struct xdp_md *ctx)
{
	struct steer_config *cfg;
	struct iphdr ip;
	union {
		struct tcphdr tcp;
		struct udphdr udp;
		struct icmp_head icmp;
	} l4;
	__u16 proto, dport;
	__u32 key = 0, off = sizeof(struct ethhdr);

	if (bpf_xdp_load_bytes(ctx, offsetof(struct ethhdr, h_proto), &proto, sizeof(proto)))
		return XDP_PASS;
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		if (bpf_xdp_load_bytes(ctx, off + 2, &proto, sizeof(proto)))
			return XDP_PASS;
		off += VLAN_HLEN;
	}
	if (proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (bpf_xdp_load_bytes(ctx, off, &ip, sizeof(ip)) || ip.ihl < 5)
		return XDP_PASS;
	cfg = bpf_map_lookup_elem(&config_map, &key);
	if (!cfg || ip.daddr != cfg->daddr_be)
		return XDP_PASS;
	off += ip.ihl * 4;
	if (ip.protocol == IPPROTO_TCP && (cfg->replies & PROBE_REPLY_TCP)) {
		if (bpf_xdp_load_bytes(ctx, off, &l4.tcp, sizeof(l4.tcp)))
			return XDP_PASS;
		dport = bpf_ntohs(l4.tcp.dest);
	} else if (ip.protocol == IPPROTO_UDP && (cfg->replies & PROBE_REPLY_UDP)) {
		if (bpf_xdp_load_bytes(ctx, off, &l4.udp, sizeof(l4.udp)))
			return XDP_PASS;
		dport = bpf_ntohs(l4.udp.dest);
	} else if (ip.protocol == IPPROTO_ICMP) {
		if (bpf_xdp_load_bytes(ctx, off, &l4.icmp, sizeof(l4.icmp)))
			return XDP_PASS;
		if (((l4.icmp.type == ICMP_UNREACHABLE || l4.icmp.type == ICMP_TIME_EXCEEDED_) &&
		     (cfg->replies & PROBE_REPLY_ICMP_ERROR)) ||
		    (l4.icmp.type == ICMP_ECHO_REPLY && (cfg->replies & PROBE_REPLY_ICMP_ECHO)))
			return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
		return XDP_PASS;
	} else {
		return XDP_PASS;
	}
	if (dport < cfg->sport_first || dport > cfg->sport_last)
		return XDP_PASS;
	/* No socket on this queue: let the kernel have it rather than drop it. */
	return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
