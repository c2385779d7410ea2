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
 */
#include "probe/field.h"
#include "probe/icmp_echo.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/checksum.h"
#include "util/clock.h"

#define ECHOTIME_PAYLOAD_LEN 16
#define ECHOTIME_CHECKED_LEN 12 /* the payload bytes the check word covers */
#define ECHOTIME_FRAME_LEN   (PROBE_ECHO_FRAME_LEN + ECHOTIME_PAYLOAD_LEN)
#define ECHOTIME_FLAG_ERROR  0x80 /* in probe_result.flags: an ICMP error quoting our request */

/*
 * What a result keeps in r->data: the ICMP type and code of the reply (or error), two zero
 * bytes, our identifier and sequence number as the reply (or the quote) carries them, then
 * the payload.  ECHOTIME_DATA_LEN bytes when the time came back, ECHOTIME_DATA_NO_TIME when
 * not.
 */
#define ECHOTIME_DATA_LEN     (ICMP_HLEN + ECHOTIME_PAYLOAD_LEN)
#define ECHOTIME_DATA_NO_TIME ICMP_HLEN

static int echotime_template(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_echo_template(p, ECHOTIME_PAYLOAD_LEN, buf, cap);
}

static int echotime_init(struct probe *p, char *err, size_t errlen)
{
	if (p->args) {
		snprintf(err, errlen, "--probe-args: icmp_echo_time takes none (got '%s')",
			 p->args);
		return -EINVAL;
	}
	probe_echo_sum_template(p, ECHOTIME_PAYLOAD_LEN);
	return 0;
}

/* The check word of a payload's first ECHOTIME_CHECKED_LEN bytes. */
static uint32_t echotime_check_word(const struct probe *p, const uint8_t *payload)
{
	return (uint32_t)siphash24(payload, ECHOTIME_CHECKED_LEN, p->params.key);
}

static uint32_t echotime_patch(const struct probe *p, uint8_t *frame, uint32_t daddr,
			       uint16_t dport, uint32_t probe_num)
{
	uint8_t *payload = frame + PROBE_ECHO_FRAME_LEN;
	uint64_t now = clock_real_us();
	uint32_t sec = (uint32_t)(now / 1000000), usec = (uint32_t)(now % 1000000), check, sum;

	(void)dport;
	packet_put32(payload, sec);
	packet_put32(payload + 4, usec);
	packet_put32(payload + 8, daddr);
	check = echotime_check_word(p, payload);
	packet_put32(payload + 12, check);
	sum = csum_add_u32(csum_add_u32(csum_add_u32(csum_add_u32(0, sec), usec), daddr), check);
	probe_echo_patch(p, frame, daddr, probe_num, sum);
	return ECHOTIME_FRAME_LEN;
}

/* Is this payload (ECHOTIME_PAYLOAD_LEN bytes) one we sent to target? */
static int echotime_payload_ours(const struct probe *p, const uint8_t *payload, uint32_t target)
{
	return packet_get32(payload + 8) == target &&
	       packet_get32(payload + 12) == echotime_check_word(p, payload);
}

static int echotime_validate(const struct probe *p, const struct packet_view *v,
			     struct probe_result *r)
{
	uint8_t rec[ECHOTIME_DATA_LEN] = { 0 };
	struct packet_quote q;
	const uint8_t *quoted_end;
	int kind = probe_echo_check(p, v, r, &q);

	if (kind == PROBE_ECHO_REPLY) {
		/* The time must come back, and be the one we wrote. */
		if (v->l4_len < ECHOTIME_DATA_LEN ||
		    !echotime_payload_ours(p, v->l4 + ICMP_HLEN, r->saddr))
			return 0;
		r->flags = 0;
		probe_result_keep_data(r, v->l4, ECHOTIME_DATA_LEN);
		return 1;
	}
	if (kind != PROBE_ECHO_ERROR)
		return 0;
	r->flags = ECHOTIME_FLAG_ERROR;
	rec[0] = q.icmp_type;
	rec[1] = q.icmp_code;
	memcpy(rec + 4, q.l4 + 4, 4); /* the identifier and sequence number quoted */
	/* The quote may stop anywhere after the echo header; a payload it holds must be ours. */
	quoted_end = v->l4 + v->l4_len;
	if (quoted_end - q.l4 < ECHOTIME_DATA_LEN) {
		probe_result_keep_data(r, rec, ECHOTIME_DATA_NO_TIME);
		return 1;
	}
	if (!echotime_payload_ours(p, q.l4 + ICMP_HLEN, r->saddr))
		return 0;
	memcpy(rec + ICMP_HLEN, q.l4 + ICMP_HLEN, ECHOTIME_PAYLOAD_LEN);
	probe_result_keep_data(r, rec, ECHOTIME_DATA_LEN);
	return 1;
}

static void echotime_classify(const struct probe *p, struct probe_result *r)
{
	(void)p;
	if (!(r->flags & ECHOTIME_FLAG_ERROR)) {
		r->classification = "echoreply";
		r->success = 1;
	} else {
		r->classification = r->data[0] == ICMP_UNREACH ? "unreach" : "timxceed";
		r->success = 0;
	}
}

/* The send time in microseconds since the Epoch, or 0 if the reply did not bring it back. */
static uint64_t echotime_sent_us(const struct probe_result *r)
{
	if (r->data_len < ECHOTIME_DATA_LEN)
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

/* ZMap prints the address as it lies in memory, read as a number on a little-endian host. */
static size_t echotime_field_dst_raw(const struct probe_result *r, char *buf, size_t cap)
{
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
	{ "type", 1, "ICMP type of the reply (0 echo reply, 3 unreachable, 11 time exceeded)",
	  echotime_field_type },
	{ "code", 1, "ICMP code of the reply", echotime_field_code },
	{ "icmp_id", 1, "ICMP identifier of our request", echotime_field_id },
	{ "seq", 1, "ICMP sequence number of our request", echotime_field_seq },
	{ "sent_timestamp_ts", 1, "when the request was sent, seconds since the Epoch (0: unknown)",
	  echotime_field_sent_ts },
	{ "sent_timestamp_us", 1, "microsecond part of the send time", echotime_field_sent_us },
	{ "dst_raw", 1, "the address probed as ZMap prints it (its bytes read little-endian)",
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
	.classify = echotime_classify,
};
