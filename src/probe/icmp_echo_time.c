/*
 * icmp_echo_time (ZMap's): icmp_echoscan's echo request carrying the time it was sent, which
 * the echo reply brings back, so each reply gives the round trip time.  The request, its
 * identifier and sequence number and the matching of replies are icmp_echoscan's
 * (icmp_echo.h); this file adds the payload and the fields.
 *
 * The payload, 16 bytes in network order: the send time (CLOCK_REALTIME) in seconds and
 * microseconds, the address probed, and a check word: the low 32 bits of SipHash, under the
 * scan's key, of the twelve bytes before it.  What comes back is untrusted: anyone on the
 * path could write another time, so a reply whose check word does not match is not taken.
 * (ZMap's payload is the first three in host order, unchecked.)
 *
 * Classification as ZMap's: "echoreply" (the success), "unreach" or "timxceed" for an ICMP
 * error quoting our request; such an error carries the time too when it quotes the payload
 * (RFC 1812 routers quote up to 576 bytes; one quoting only 8 has no time: its time fields
 * are 0).  rtt_us, receive time less send time, is salvo's: ZMap leaves the subtraction to
 * the user.
 *
 * Over IPv6 the request is ICMPv6's (type 128) and its payload 28 bytes: the time, the 16-byte
 * address probed, and the check word over the 24 bytes before it.  ICMPv6 errors quote as much
 * as fits in 1280 bytes, so they bring the time back too; they are "unreach" (type 1) or
 * "timxceed" (type 3) as ICMP's are.  dst_raw, a number of ZMap's IPv4 layout, is null there.
 */
#include "probe/field.h"
#include "probe/icmp_echo.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/checksum.h"
#include "util/clock.h"

#define ECHOTIME_TIME_LEN     8 /* seconds and microseconds, the payload's start */
#define ECHOTIME_PAYLOAD_LEN  (ECHOTIME_TIME_LEN + 4 + 4)  /* the time, the address, the check */
#define ECHOTIME6_PAYLOAD_LEN (ECHOTIME_TIME_LEN + 16 + 4) /* ... with an IPv6 address */
#define ECHOTIME_FRAME_LEN    (PROBE_ECHO_FRAME_LEN + ECHOTIME_PAYLOAD_LEN)
#define ECHOTIME6_FRAME_LEN   (PROBE_ECHO6_FRAME_LEN + ECHOTIME6_PAYLOAD_LEN)
#define ECHOTIME_FLAG_ERROR   0x80 /* in probe_result.flags: an ICMP error quoting our request */

/*
 * What a result keeps in r->data: the ICMP type and code of the reply (or error), two zero
 * bytes, our identifier and sequence number as the reply (or the quote) carries them, then
 * the payload.  ECHOTIME_DATA_LEN (IPv6: ECHOTIME6_DATA_LEN) bytes when the time came back,
 * ECHOTIME_DATA_NO_TIME when not.
 */
#define ECHOTIME_DATA_LEN     (ICMP_HLEN + ECHOTIME_PAYLOAD_LEN)
#define ECHOTIME6_DATA_LEN    (ICMP_HLEN + ECHOTIME6_PAYLOAD_LEN)
#define ECHOTIME_DATA_NO_TIME ICMP_HLEN

static int echotime_template(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_echo_template(p, ECHOTIME_PAYLOAD_LEN, buf, cap);
}

static int echotime_template6(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_echo_template6(p, ECHOTIME6_PAYLOAD_LEN, buf, cap);
}

static int echotime_init(struct probe *p, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	probe_echo_sum_template(p, ECHOTIME_PAYLOAD_LEN, ECHOTIME6_PAYLOAD_LEN);
	return 0;
}

/* The check word of a payload's first len bytes: the time and the address. */
static uint32_t echotime_check_word(const struct probe *p, const uint8_t *payload, size_t len)
{
	return (uint32_t)siphash24(payload, len, p->params.key);
}

/* Write the payload of a request to target (alen bytes in network order: 4 or 16): the send
 * time, the address, the check word over both.  Returns the payload's one's-complement sum. */
static uint32_t echotime_payload(const struct probe *p, uint8_t *payload, const uint8_t *target,
				 size_t alen)
{
	uint64_t now = clock_real_us();

	packet_put32(payload, (uint32_t)(now / 1000000));
	packet_put32(payload + 4, (uint32_t)(now % 1000000));
	memcpy(payload + ECHOTIME_TIME_LEN, target, alen);
	packet_put32(payload + ECHOTIME_TIME_LEN + alen,
		     echotime_check_word(p, payload, ECHOTIME_TIME_LEN + alen));
	return csum_add_bytes(0, payload, ECHOTIME_TIME_LEN + alen + 4);
}

static uint32_t echotime_patch(const struct probe *p, uint8_t *frame, uint32_t daddr,
			       uint16_t dport, uint32_t probe_num)
{
	uint8_t target[4];

	(void)dport;
	packet_put32(target, daddr);
	probe_echo_patch(p, frame, daddr, probe_num,
			 echotime_payload(p, frame + PROBE_ECHO_FRAME_LEN, target, 4));
	return ECHOTIME_FRAME_LEN;
}

static uint32_t echotime_patch6(const struct probe *p, uint8_t *frame, const uint8_t daddr[16],
				uint16_t dport, uint32_t probe_num)
{
	(void)dport;
	probe_echo_patch6(p, frame, daddr, probe_num,
			  echotime_payload(p, frame + PROBE_ECHO6_FRAME_LEN, daddr, 16));
	return ECHOTIME6_FRAME_LEN;
}

/* Is this payload one we sent to target (alen bytes)? */
static int echotime_payload_ours(const struct probe *p, const uint8_t *payload,
				 const uint8_t *target, size_t alen)
{
	return memcmp(payload + ECHOTIME_TIME_LEN, target, alen) == 0 &&
	       packet_get32(payload + ECHOTIME_TIME_LEN + alen) ==
		       echotime_check_word(p, payload, ECHOTIME_TIME_LEN + alen);
}

/*
 * What validate keeps of an echo reply or an error (kind, as probe_echo_check says) to our
 * request to target (alen bytes): icmp is the reply's ICMP header, or the quoted request's,
 * with len bytes there; type and code are the error's.  1, or 0 if the payload is not ours.
 * A reply must bring the time back; a quote may stop anywhere after the echo header, and a
 * payload it holds must be ours.
 */
static int echotime_keep(const struct probe *p, struct probe_result *r, int kind,
			 const uint8_t *icmp, size_t len, uint8_t type, uint8_t code,
			 const uint8_t *target, size_t alen)
{
	size_t data_len = ICMP_HLEN + ECHOTIME_TIME_LEN + alen + 4;
	uint8_t rec[ECHOTIME6_DATA_LEN] = { 0 };

	if (kind == PROBE_ECHO_REPLY) {
		if (len < data_len || !echotime_payload_ours(p, icmp + ICMP_HLEN, target, alen))
			return 0;
		r->flags = 0;
		probe_result_keep_data(r, icmp, data_len);
		return 1;
	}
	r->flags = ECHOTIME_FLAG_ERROR;
	rec[0] = type;
	rec[1] = code;
	memcpy(rec + 4, icmp + 4, 4); /* the identifier and sequence number quoted */
	if (len < data_len) {
		probe_result_keep_data(r, rec, ECHOTIME_DATA_NO_TIME);
		return 1;
	}
	if (!echotime_payload_ours(p, icmp + ICMP_HLEN, target, alen))
		return 0;
	memcpy(rec + ICMP_HLEN, icmp + ICMP_HLEN, data_len - ICMP_HLEN);
	probe_result_keep_data(r, rec, data_len);
	return 1;
}

static int echotime_validate(const struct probe *p, const struct packet_view *v,
			     struct probe_result *r)
{
	struct packet_quote q;
	uint8_t target[4];
	int kind = probe_echo_check(p, v, r, &q);

	if (!kind)
		return 0;
	packet_put32(target, r->saddr);
	if (kind == PROBE_ECHO_REPLY)
		return echotime_keep(p, r, kind, v->l4, v->l4_len, 0, 0, target, 4);
	return echotime_keep(p, r, kind, q.l4, (size_t)(v->l4 + v->l4_len - q.l4), q.icmp_type,
			     q.icmp_code, target, 4);
}

static int echotime_validate6(const struct probe *p, const struct packet_view6 *v,
			      struct probe_result *r)
{
	struct packet_quote6 q;
	int kind = probe_echo_check6(p, v, r, &q);

	if (!kind)
		return 0;
	if (kind == PROBE_ECHO_REPLY)
		return echotime_keep(p, r, kind, v->l4, v->l4_len, 0, 0, r->saddr6, 16);
	return echotime_keep(p, r, kind, q.l4, (size_t)(v->l4 + v->l4_len - q.l4), q.icmp_type,
			     q.icmp_code, r->saddr6, 16);
}

static void echotime_classify(const struct probe *p, struct probe_result *r)
{
	(void)p;
	if (!(r->flags & ECHOTIME_FLAG_ERROR)) {
		r->classification = "echoreply";
		r->success = 1;
	} else {
		uint8_t unreach = r->family == 6 ? ICMP6_DST_UNREACH : ICMP_UNREACH;

		r->classification = r->data[0] == unreach ? "unreach" : "timxceed";
		r->success = 0;
	}
}

/* The send time in microseconds since the Epoch, or 0 if the reply did not bring it back
 * (the time is at the same place in both families' payloads). */
static uint64_t echotime_sent_us(const struct probe_result *r)
{
	if (r->data_len <= ECHOTIME_DATA_NO_TIME)
		return 0;
	return (uint64_t)packet_get32(r->data + ICMP_HLEN) * 1000000 +
	       packet_get32(r->data + ICMP_HLEN + 4);
}

static size_t echotime_field_type(const struct probe_result *r, char *buf, size_t cap)
{
	return probe_field_uint(r->data[0], buf, cap);
}

static size_t echotime_field_code(const struct probe_result *r, char *buf, size_t cap)
{
	return probe_field_uint(r->data[1], buf, cap);
}

static size_t echotime_field_id(const struct probe_result *r, char *buf, size_t cap)
{
	return probe_field_uint(packet_get16(r->data + 4), buf, cap);
}

static size_t echotime_field_seq(const struct probe_result *r, char *buf, size_t cap)
{
	return probe_field_uint(packet_get16(r->data + 6), buf, cap);
}

static size_t echotime_field_sent_ts(const struct probe_result *r, char *buf, size_t cap)
{
	return probe_field_uint(echotime_sent_us(r) / 1000000, buf, cap);
}

static size_t echotime_field_sent_us(const struct probe_result *r, char *buf, size_t cap)
{
	return probe_field_uint(echotime_sent_us(r) % 1000000, buf, cap);
}

/* ZMap prints the address as it lies in memory, read as a number on a little-endian host;
 * an IPv6 address is no such number: null. */
static size_t echotime_field_dst_raw(const struct probe_result *r, char *buf, size_t cap)
{
	if (r->family == 6)
		return probe_field_null(buf, cap);
	return probe_field_uint(__builtin_bswap32(r->saddr), buf, cap);
}

/* Signed: a step of the wall clock between sending and receiving can make it negative. */
static size_t echotime_field_rtt_us(const struct probe_result *r, char *buf, size_t cap)
{
	uint64_t sent = echotime_sent_us(r);
	long long rtt = sent ? (long long)(r->timestamp_us - sent) : 0;
	int n = snprintf(buf, cap, "%lld", rtt);

	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

static const struct probe_field echotime_fields[] = {
	{ "type", 1,
	  "ICMP type of the reply (0 echo reply, 3 unreachable, 11 time exceeded; ICMPv6: 129, 1, "
	  "3)",
	  echotime_field_type },
	{ "code", 1, "ICMP code of the reply", echotime_field_code },
	{ "icmp_id", 1, "ICMP identifier of our request", echotime_field_id },
	{ "seq", 1, "ICMP sequence number of our request", echotime_field_seq },
	{ "sent_timestamp_ts", 1, "when the request was sent, seconds since the Epoch (0: unknown)",
	  echotime_field_sent_ts },
	{ "sent_timestamp_us", 1, "microsecond part of the send time", echotime_field_sent_us },
	{ "dst_raw", 1,
	  "the IPv4 address probed as ZMap prints it (its bytes read little-endian); null for IPv6",
	  echotime_field_dst_raw },
	{ "rtt_us", 1, "round trip time in microseconds: receive time less send time (0: unknown)",
	  echotime_field_rtt_us },
};

const struct probe_ops probe_icmp_echo_time_ops = {
	.name = "icmp_echo_time",
	.help = "ICMP echo request carrying its send time; alive = echo reply, with the round "
		"trip time",
	.replies = PROBE_REPLY_ICMP_ECHO | PROBE_REPLY_ICMP_ERROR,
	.portless = 1,
	.fields = echotime_fields,
	.field_count = sizeof(echotime_fields) / sizeof(echotime_fields[0]),
	.init = echotime_init,
	.template = echotime_template,
	.patch = echotime_patch,
	.validate = echotime_validate,
	.template6 = echotime_template6,
	.patch6 = echotime_patch6,
	.validate6 = echotime_validate6,
	.classify = echotime_classify,
};
