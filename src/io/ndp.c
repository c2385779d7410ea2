/*
 * Neighbor Discovery frames for the engines that own their network; see ndp.h.  The engine
 * calls ndp_parse on each IPv6 frame it receives (the scan has IPv6 targets) and the
 * builders for its own control frames.
 */
#include "io/ndp.h"

#include <errno.h>
#include <string.h>

#include "probe/packet6.h"
#include "util/checksum.h"

#define NDP_HLEN      24 /* ICMPv6 header, flags or reserved word, target address */
#define NDP_OPT_SLLA  1	 /* source link-layer address */
#define NDP_OPT_TLLA  2	 /* target link-layer address */
#define NDP_HOP_LIMIT 255

static const uint8_t ndp_unspecified[16];
static const uint8_t ndp_all_nodes[16] = { 0xff, 0x02, [15] = 1 };

void ndp_solicited_node_mac(const uint8_t addr[16], uint8_t mac[6])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	mac[2] = 0xff;
	memcpy(mac + 3, addr + 13, 3);
}

/* ff02::1:ff00:0/104 and the last three bytes of addr: where solicitations for it go. */
static void ndp_solicited_node(const uint8_t addr[16], uint8_t group[16])
{
	static const uint8_t prefix[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	memcpy(group, prefix, sizeof(prefix));
	memcpy(group + 13, addr + 13, 3);
}

/* The ICMPv6 checksum's sum over the pseudo-header and the message (RFC 4443 section 2.3). */
static uint32_t ndp_sum(const uint8_t *saddr, const uint8_t *daddr, const uint8_t *icmp,
			uint32_t len)
{
	uint32_t sum = csum_add_addr6(csum_add_addr6(0, saddr), daddr);

	sum = csum_add_u32(sum, len) + IPPROTO_ICMPV6_;
	return csum_add_bytes(sum, icmp, len);
}

/* A solicitation or advertisement with one link-layer address option (ours). */
static unsigned ndp_build(uint8_t *frame, const uint8_t dmac[6], const uint8_t mac[6],
			  const uint8_t saddr[16], const uint8_t daddr[16], uint8_t type,
			  uint8_t flags, const uint8_t target[16])
{
	uint8_t *ip = frame + ETH_HLEN_, *icmp = ip + IPV6_HLEN;

	packet_build_eth6(frame, dmac, mac);
	packet_build_ipv6(ip, saddr, IPPROTO_ICMPV6_, NDP_HLEN + 8, NDP_HOP_LIMIT);
	memcpy(ip + 24, daddr, 16);
	memset(icmp, 0, NDP_HLEN);
	icmp[0] = type;
	icmp[4] = flags;
	memcpy(icmp + 8, target, 16);
	icmp[NDP_HLEN] = type == ICMP6_NEIGH_SOLICIT ? NDP_OPT_SLLA : NDP_OPT_TLLA;
	icmp[NDP_HLEN + 1] = 1; /* in units of 8 bytes */
	memcpy(icmp + NDP_HLEN + 2, mac, 6);
	packet_put16(icmp + 2, csum_fold(ndp_sum(saddr, daddr, icmp, NDP_HLEN + 8)));
	return ETH_HLEN_ + IPV6_HLEN + NDP_HLEN + 8;
}

unsigned ndp_build_solicit(uint8_t *frame, const uint8_t mac[6], const uint8_t saddr[16],
			   const uint8_t target[16])
{
	uint8_t group[16], group_mac[6];

	ndp_solicited_node(target, group);
	ndp_solicited_node_mac(target, group_mac);
	return ndp_build(frame, group_mac, mac, saddr, group, ICMP6_NEIGH_SOLICIT, 0, target);
}

unsigned ndp_answer(uint8_t *frame, const struct ndp_message *ns, const uint8_t mac[6],
		    const uint8_t addr[16])
{
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };

	if (ns->type != ICMP6_NEIGH_SOLICIT || memcmp(ns->target, addr, 16))
		return 0;
	if (!memcmp(ns->saddr, ndp_unspecified, 16))
		return ndp_build(frame, all_nodes_mac, mac, addr, ndp_all_nodes, ICMP6_NEIGH_ADVERT,
				 NDP_FLAG_OVERRIDE, addr);
	/* The frame's sender: a unicast solicitation (NUD) may carry no link-layer option. */
	return ndp_build(frame, ns->has_lladdr ? ns->lladdr : ns->eth_src, mac, addr, ns->saddr,
			 ICMP6_NEIGH_ADVERT, NDP_FLAG_SOLICITED | NDP_FLAG_OVERRIDE, addr);
}

/*
 * The options after the fixed part: each at least 8 bytes long and within the message
 * (RFC 4861 section 7.1: a zero length invalidates the message); the link-layer address
 * option of the kind given, if there is one, into m.  0 or -EBADMSG.
 */
static int ndp_options(const uint8_t *p, uint32_t len, uint8_t kind, struct ndp_message *m)
{
	for (uint32_t off = 0; off < len;) {
		uint32_t olen;

		if (len - off < 2 || !p[off + 1] || (olen = p[off + 1] * 8u) > len - off)
			return -EBADMSG;
		if (p[off] == kind && olen == 8) {
			memcpy(m->lladdr, p + off + 2, 6);
			m->has_lladdr = 1;
		}
		off += olen;
	}
	return 0;
}

/* Is addr a solicited-node group (ff02::1:ffxx:xxxx)? */
static int ndp_is_solicited_node(const uint8_t *addr)
{
	uint8_t group[16];

	ndp_solicited_node(addr, group);
	return !memcmp(addr, group, 16);
}

int ndp_parse(const uint8_t *frame, uint32_t len, struct ndp_message *m)
{
	struct packet_view6 v;
	const uint8_t *icmp;

	if (packet_parse_ipv6(frame, len, &v) || v.proto != IPPROTO_ICMPV6_ || v.l4_len < 1 ||
	    (v.l4[0] != ICMP6_NEIGH_SOLICIT && v.l4[0] != ICMP6_NEIGH_ADVERT))
		return 0;
	icmp = v.l4;
	if (v.hop_limit != NDP_HOP_LIMIT || v.l4_len < NDP_HLEN || icmp[1] != 0 ||
	    csum_fold(ndp_sum(v.saddr, v.daddr, icmp, v.l4_len)) != 0 || icmp[8] == 0xff)
		return -EBADMSG;
	/* A multicast source is nobody's address (RFC 4291 section 2.7): nobody to answer. */
	if (v.saddr[0] == 0xff)
		return -EBADMSG;
	memset(m, 0, sizeof(*m));
	m->type = icmp[0];
	m->flags = icmp[4];
	memcpy(m->saddr, v.saddr, 16);
	memcpy(m->target, icmp + 8, 16);
	memcpy(m->eth_src, frame + ETH_ALEN_, 6);
	if (ndp_options(icmp + NDP_HLEN, v.l4_len - NDP_HLEN,
			m->type == ICMP6_NEIGH_SOLICIT ? NDP_OPT_SLLA : NDP_OPT_TLLA, m))
		return -EBADMSG;
	/* Duplicate address detection: to the solicited-node group, and nobody's address. */
	if (m->type == ICMP6_NEIGH_SOLICIT && !memcmp(m->saddr, ndp_unspecified, 16) &&
	    (!ndp_is_solicited_node(v.daddr) || m->has_lladdr))
		return -EBADMSG;
	/* An advertisement to a multicast group answers nobody's solicitation. */
	if (m->type == ICMP6_NEIGH_ADVERT && v.daddr[0] == 0xff && (m->flags & NDP_FLAG_SOLICITED))
		return -EBADMSG;
	return 1;
}
