/*
 * What tcp_synscan (tcp_syn.c) shares with the other TCP probe modules (tcp_synack.c): its
 * segment with any flags, the per-target patch, and the first checks of a reply.
 *
 * The frame is tcp_synscan's with the option preset p->variant; init of a module that offers
 * no presets sets PROBE_TCP_PRESET_DEFAULT.  The per-target words (addresses, ports, sequence
 * and acknowledgement numbers, IP id) are added to the sums of the constant ones, as
 * tcp_synscan does, so a checksum costs a few additions.
 */
#ifndef SALVO_PROBE_TCP_SYN_H
#define SALVO_PROBE_TCP_SYN_H

#include "probe/probe.h"
#include "util/checksum.h"

/* tcp_synscan's preset without --probe-args: MSS 1460, window 65535. */
#define PROBE_TCP_PRESET_DEFAULT 0

/* The constant frame with these TCP flags (TCP_FLAG_*): its length or -ENOSPC. */
int probe_tcp_template(const struct probe *p, uint8_t flags, uint8_t *buf, size_t cap);
/* The same over IPv6 (from params.saddr6). */
int probe_tcp_template6(const struct probe *p, uint8_t flags, uint8_t *buf, size_t cap);

/* Sum that frame's constant fields (not the IPv4 source: see probe_params) into p->sum_l3,
 * p->sum_l4 and (IPv6) p->sum_l4_6; 0, or -ENOSPC and a line. */
int probe_tcp_sum_template(struct probe *p, uint8_t flags, char *err, size_t errlen);

/* The segment's length (header and options) for p's preset. */
uint32_t probe_tcp_len(const struct probe *p);

/*
 * Write the per-target fields into a copy of the template, from saddr (probe_source's
 * choice for daddr); return the frame's length.
 */
static inline uint32_t probe_tcp_patch(const struct probe *p, uint8_t *frame, uint32_t saddr,
				       uint32_t daddr, uint16_t dport, uint16_t sport, uint32_t seq,
				       uint32_t ack, uint16_t ipid)
{
	uint8_t *ip = frame + ETH_HLEN_, *tcp = ip + IPV4_HLEN;
	uint32_t sum = csum_add_u32(csum_add_u32(p->sum_l4 + sport + dport, seq), saddr);

	packet_put16(ip + 4, ipid);
	packet_put32(ip + 12, saddr);
	packet_put32(ip + 16, daddr);
	packet_put16(ip + 10,
		     csum_fold(csum_add_u32(csum_add_u32(p->sum_l3 + ipid, daddr), saddr)));

	packet_put16(tcp, sport);
	packet_put16(tcp + 2, dport);
	packet_put32(tcp + 4, seq);
	packet_put32(tcp + 8, ack);
	packet_put16(tcp + 16, csum_fold(csum_add_u32(csum_add_u32(sum, ack), daddr)));
	return ETH_HLEN_ + IPV4_HLEN + probe_tcp_len(p);
}

/* The same over IPv6: no IP id, and the pseudo-header's addresses are 16 bytes. */
static inline uint32_t probe_tcp_patch6(const struct probe *p, uint8_t *frame,
					const uint8_t daddr[16], uint16_t dport, uint16_t sport,
					uint32_t seq, uint32_t ack)
{
	uint8_t *ip = frame + ETH_HLEN_, *tcp = ip + IPV6_HLEN;
	uint32_t sum = csum_add_u32(csum_add_u32(p->sum_l4_6 + sport + dport, seq), ack);

	memcpy(ip + 24, daddr, 16);
	packet_put16(tcp, sport);
	packet_put16(tcp + 2, dport);
	packet_put32(tcp + 4, seq);
	packet_put32(tcp + 8, ack);
	packet_put16(tcp + 16, csum_fold(csum_add_addr6(sum, daddr)));
	return ETH_HLEN_ + IPV6_HLEN + probe_tcp_len(p);
}

/*
 * Is v a TCP segment to us, from a port we probe, to a source port of the probes sent there?
 * Then 1 and *hash, the hash of that probe (probe_hash of the target and its port); else 0.
 * The caller checks what the reply must echo from the hash.
 */
int probe_tcp_reply_hash(const struct probe *p, const struct packet_view *v, uint64_t *hash);

/*
 * Fill r (addresses, ports, IP id, TTL, window, flags) from a TCP reply that checked out, and
 * keep its sequence and acknowledgement numbers as the first 8 bytes of r->data.
 */
void probe_tcp_result(const struct packet_view *v, struct probe_result *r);

/* probe_tcp_reply_hash and probe_tcp_result for IPv6. */
int probe_tcp_reply_hash6(const struct probe *p, const struct packet_view6 *v, uint64_t *hash);
void probe_tcp_result6(const struct packet_view6 *v, struct probe_result *r);

/* ZMap's seqnum and acknum fields, from the numbers probe_tcp_result kept (0 if none). */
size_t probe_tcp_field_seqnum(const struct probe_result *r, char *buf, size_t cap);
size_t probe_tcp_field_acknum(const struct probe_result *r, char *buf, size_t cap);

#endif
