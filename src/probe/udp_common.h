/*
 * What the UDP probe modules (udp, ntp, upnp, bacnet) share: the frame of a datagram whose
 * source port and IP id come from the probe hash, and the validation of the replies to it.
 *
 * A reply validates when it comes from the probed (address, port) to one of the source
 * ports the hash chose for that target, or when it is an ICMP destination-unreachable
 * quoting such a probe of ours (our address, the target, both ports): the quote is what
 * ties an error sent by a router to the probe it answers.  Nothing is remembered between
 * sending and receiving.  Only the probe modules call these.
 */
#ifndef SALVO_PROBE_UDP_COMMON_H
#define SALVO_PROBE_UDP_COMMON_H

#include "probe/probe.h"

#define ICMP_UNREACH_PORT  3
#define UDP_PAYLOAD_MAX	   (PROBE_FRAME_MAX - ETH_HLEN_ - IPV4_HLEN - UDP_HLEN)
#define UDP_PAYLOAD_AT	   (ETH_HLEN_ + IPV4_HLEN + UDP_HLEN) /* where a frame's payload starts */
#define UDP_PAYLOAD_AT6	   (ETH_HLEN_ + IPV6_HLEN + UDP_HLEN) /* the same in an IPv6 frame */
#define UDP_FLAG_ICMP	   0x80 /* in probe_result.flags: an ICMP error; low bits hold its code */
#define UDP_FLAG_ICMP6	   0x40 /* with UDP_FLAG_ICMP: an ICMPv6 one (its code in the low 6 bits) */
#define ICMP6_UNREACH_PORT 4

/*
 * Write Ethernet, IPv4 (lengths, addresses and checksums left for patch) and a zeroed UDP
 * header into buf (cap bytes), then the payload (len bytes, none if 0).  Returns the
 * frame's length or -ENOSPC.
 */
int probe_udp_template(const struct probe *p, uint8_t *buf, size_t cap, const uint8_t *payload,
		       uint16_t len);

/* The same over IPv6 (payload length left for patch). */
int probe_udp_template6(const struct probe *p, uint8_t *buf, size_t cap, const uint8_t *payload,
			uint16_t len);

/*
 * Set p->sum_l3 and p->sum_l4 for probe_udp_finish (and p->sum_l4_6 for probe_udp_finish6): the
 * template's IPv4 header but its source, and the pseudo-header's constant part (the protocol;
 * our IPv6 address) plus payload_sum, the sum (csum_add_bytes) of the part of the payload that
 * is the same in every probe.
 */
void probe_udp_sums(struct probe *p, uint32_t payload_sum);

/*
 * Finish the frame of probe probe_num from saddr (probe_source's choice for daddr) to
 * (daddr, dport), whose payload (len bytes) is in place at UDP_PAYLOAD_AT: addresses,
 * lengths, the source port and IP id from h (the probe hash of saddr, daddr, dport), and
 * both checksums.  payload_sum is the sum of what the payload holds beyond what
 * probe_udp_sums was given.  Returns the frame's length.
 */
uint32_t probe_udp_finish(const struct probe *p, uint8_t *frame, uint32_t saddr, uint32_t daddr,
			  uint16_t dport, uint32_t probe_num, uint64_t h, uint16_t len,
			  uint32_t payload_sum);

/* probe_udp_finish over IPv6: the payload in place at UDP_PAYLOAD_AT6, h the probe_hash6. */
uint32_t probe_udp_finish6(const struct probe *p, uint8_t *frame, const uint8_t daddr[16],
			   uint16_t dport, uint32_t probe_num, uint64_t h, uint16_t len,
			   uint32_t payload_sum);

/* The validate6 of every UDP module: a UDP reply, or an ICMPv6 destination unreachable
 * quoting one of our probes (its code in r->flags with UDP_FLAG_ICMP | UDP_FLAG_ICMP6). */
int probe_udp_validate6(const struct probe *p, const struct packet_view6 *v,
			struct probe_result *r);

/* A closed port by the ICMP error in r->flags, of either family (port unreachable). */
static inline int probe_udp_port_unreachable(const struct probe_result *r)
{
	if (!(r->flags & UDP_FLAG_ICMP))
		return 0;
	return r->flags & UDP_FLAG_ICMP6 ? (r->flags & 0x3f) == ICMP6_UNREACH_PORT
					 : (r->flags & 0x7f) == ICMP_UNREACH_PORT;
}

/*
 * The validate of every UDP module: 1 for a reply to one of our probes, with r filled and
 * the reply's payload kept in r->data (nothing for an ICMP error, whose code goes in
 * r->flags with UDP_FLAG_ICMP); else 0.
 */
int probe_udp_validate(const struct probe *p, const struct packet_view *v, struct probe_result *r);

/*
 * The init of a module that sends one fixed payload (len bytes, as its template writes it)
 * and takes no --probe-args (its args_help is NULL: probe_init refuses them): 0.
 */
int probe_udp_init_fixed(struct probe *p, const uint8_t *payload, uint16_t len, char *err,
			 size_t errlen);

#endif
