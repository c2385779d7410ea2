/*
 * What icmp_echoscan (icmp_echo.c) shares with icmp_echo_time: the echo request with room
 * for a payload, its per-target identifier, sequence number and checksums, and the matching
 * of echo replies and of ICMP errors that quote a request.
 *
 * The identifier and first sequence number come from the probe hash of the address, so a
 * reply validates statelessly when it echoes both from the address probed.
 */
#ifndef SALVO_PROBE_ICMP_ECHO_H
#define SALVO_PROBE_ICMP_ECHO_H

#include "probe/packet6.h"
#include "probe/probe.h"

/* The request's frame without payload: IPv4, and IPv6 (ICMPv6 type 128). */
#define PROBE_ECHO_FRAME_LEN  (ETH_HLEN_ + IPV4_HLEN + ICMP_HLEN)
#define PROBE_ECHO6_FRAME_LEN (ETH_HLEN_ + IPV6_HLEN + ICMP_HLEN)

/* What probe_echo_check found. */
#define PROBE_ECHO_REPLY 1 /* an echo reply to one of our requests */
#define PROBE_ECHO_ERROR 2 /* an ICMP error quoting one of our requests */

/* An echo request with payload_len bytes of zeros after the header: its length or -ENOSPC. */
int probe_echo_template(const struct probe *p, uint16_t payload_len, uint8_t *buf, size_t cap);

/* The IPv6 echo request with payload_len bytes of zeros: its length or -ENOSPC. */
int probe_echo_template6(const struct probe *p, uint16_t payload_len, uint8_t *buf, size_t cap);

/* Sum the constant fields of those frames (payload_len and payload6_len bytes of payload) into
 * p->sum_l3, p->sum_l4 and p->sum_l4_6. */
void probe_echo_sum_template(struct probe *p, uint16_t payload_len, uint16_t payload6_len);

/*
 * Write the addresses, identifier, sequence number and checksums of request probe_num to
 * daddr into a copy of the template whose payload patch has written: payload_sum is that
 * payload's one's-complement sum (0 for none).
 */
void probe_echo_patch(const struct probe *p, uint8_t *frame, uint32_t daddr, uint32_t probe_num,
		      uint32_t payload_sum);
void probe_echo_patch6(const struct probe *p, uint8_t *frame, const uint8_t daddr[16],
		       uint32_t probe_num, uint32_t payload_sum);

/*
 * Is v an echo reply to one of our requests, or an ICMP error quoting one (then q holds the
 * quote)?  PROBE_ECHO_REPLY or PROBE_ECHO_ERROR with r filled but for flags, classification
 * and success; 0 if neither.
 */
int probe_echo_check(const struct probe *p, const struct packet_view *v, struct probe_result *r,
		     struct packet_quote *q);

/* The same over IPv6: an ICMPv6 echo reply, or an ICMPv6 error quoting one of our requests. */
int probe_echo_check6(const struct probe *p, const struct packet_view6 *v, struct probe_result *r,
		      struct packet_quote6 *q);

#endif
