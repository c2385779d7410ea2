/*
 * Unit tests for tcp_synackscan and icmp_echo_time: the probes' fields and checksums
 * (checked with an independent summation), stateless validation of the replies (the true
 * one accepted, each kind of wrong one rejected, truncations and random bytes survived),
 * classification, the modules' own output fields, --probe-args refused, and -M ipip refused
 * as a ZMap module salvo does not have.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "probe_fixtures.h"
#include "util/clock.h"

#define ROUTER	      IP(198, 18, 0, 2)
#define SYNACK_LEN    (14 + 20 + 24)
#define ECHOTIME_LEN  (14 + 20 + 8 + 16)
#define TCP_REPLY_LEN (14 + 20 + 20)

static struct probe make_probe(const char *name, uint32_t probes)
{
	struct probe p;

	assert_int_equal(fixture_probe(&p, name, probes, NULL, 32768, 28233, 5, NULL), 0);
	return p;
}

/* The module's field name of r, formatted (a buffer per call site is not needed: one). */
static const char *field(const struct probe *p, const struct probe_result *r, const char *name)
{
	static char buf[1024];

	for (unsigned i = 0; i < p->ops->field_count; i++) {
		if (strcmp(p->ops->fields[i].name, name) == 0) {
			size_t n = p->ops->fields[i].format(r, buf, sizeof(buf));

			assert_int_equal(n, strlen(buf));
			return buf;
		}
	}
	fail_msg("no field %s", name);
	return NULL;
}

/* The TCP checksum of a frame's segment over the pseudo-header, folded: 0xffff if right. */
static uint16_t tcp_sum(const uint8_t *f, uint32_t len)
{
	uint32_t saddr = packet_get32(f + 26), daddr = packet_get32(f + 30);
	uint32_t pseudo = (saddr >> 16) + (saddr & 0xffff) + (daddr >> 16) + (daddr & 0xffff) + 6 +
			  (len - 34);

	return ref_sum(f + 34, len - 34, pseudo);
}

/* ---- tcp_synackscan ---- */

static void synack_has_both_flags_mss_and_valid_checksums(void **state)
{
	struct probe p = make_probe("tcp_synackscan", 1);
	uint8_t f[PROBE_FRAME_MAX];
	const uint8_t *tcp = f + 34;
	uint64_t x = 0x2545f4914f6cdd1dULL;
	(void)state;

	assert_int_equal(fixture_frame(&p, f, TARGET, 443, 0), SYNACK_LEN);
	assert_int_equal(packet_get16(f + 16), 20 + 24);
	assert_int_equal(f[23], 6);
	assert_int_equal(packet_get32(f + 26), US);
	assert_int_equal(packet_get32(f + 30), TARGET);
	assert_int_equal(packet_get16(tcp + 2), 443);
	assert_int_equal(tcp[13], TCP_FLAG_SYN | TCP_FLAG_ACK);
	assert_int_equal(tcp[12] >> 4, 6);
	assert_int_equal(packet_get16(tcp + 14), 65535);
	assert_int_equal(packet_get32(tcp + 20), 0x020405b4); /* MSS 1460, as ZMap's */
	assert_true(packet_get32(tcp + 8) != 0);
	assert_true(packet_get32(tcp + 4) != packet_get32(tcp + 8));
	for (int i = 0; i < 20000; i++) {
		uint32_t daddr;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		daddr = (uint32_t)x;
		fixture_frame(&p, f, daddr, (uint16_t)(x >> 32), 0);
		assert_int_equal(ref_sum(f + 14, 20, 0), 0xffff);
		assert_int_equal(tcp_sum(f, SYNACK_LEN), 0xffff);
	}
}

/* What a target sends back to the SYN-ACK in probe: ports swapped, these flags and numbers. */
static uint32_t tcp_reply(const uint8_t *probe, uint8_t *f, uint8_t flags, uint32_t seq,
			  uint32_t ack)
{
	memset(f, 0, 64);
	memcpy(f, probe + 6, 6);
	memcpy(f + 6, probe, 6);
	packet_put16(f + 12, 0x0800);
	f[14] = 0x45;
	packet_put16(f + 16, 40);
	f[22] = 64;
	f[23] = 6;
	memcpy(f + 26, probe + 30, 4);
	memcpy(f + 30, probe + 26, 4);
	memcpy(f + 34, probe + 36, 2);
	memcpy(f + 36, probe + 34, 2);
	packet_put32(f + 38, seq);
	packet_put32(f + 42, ack);
	f[46] = 5 << 4;
	f[47] = flags;
	return TCP_REPLY_LEN;
}

static uint32_t probe_seq(const uint8_t *probe)
{
	return packet_get32(probe + 38);
}

static uint32_t probe_ack(const uint8_t *probe)
{
	return packet_get32(probe + 42);
}

/* RFC 9293's answer to an unexpected SYN-ACK, <SEQ=SEG.ACK><CTL=RST>: a success. */
static void rst_carrying_our_ack_is_a_success(void **state)
{
	struct probe p = make_probe("tcp_synackscan", 1);
	uint8_t probe[PROBE_FRAME_MAX], f[64];
	struct probe_result r = { 0 };
	char want[16];
	(void)state;

	fixture_frame(&p, probe, TARGET, 22, 0);
	tcp_reply(probe, f, TCP_FLAG_RST, probe_ack(probe), 0);
	assert_int_equal(fixture_check(&p, f, TCP_REPLY_LEN, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "rst");
	assert_int_equal(r.success, 1);
	assert_int_equal(r.saddr, TARGET);
	assert_int_equal(r.sport, 22);
	assert_int_equal(r.dport, packet_get16(probe + 34));
	snprintf(want, sizeof(want), "%u", probe_ack(probe));
	assert_string_equal(field(&p, &r, "seqnum"), want);
	assert_string_equal(field(&p, &r, "acknum"), "0");
	assert_string_equal(field(&p, &r, "icmp_responder"), "");
	assert_string_equal(field(&p, &r, "icmp_type"), "0");
}

/* ZMap's two other forms of RST: one past our ack, or acknowledging our seq + 1. */
static void rst_one_past_our_ack_or_acking_our_seq_validates(void **state)
{
	struct probe p = make_probe("tcp_synackscan", 1);
	uint8_t probe[PROBE_FRAME_MAX], f[64];
	struct probe_result r = { 0 };
	(void)state;

	fixture_frame(&p, probe, TARGET, 80, 0);
	tcp_reply(probe, f, TCP_FLAG_RST, probe_ack(probe) + 1, 0);
	assert_int_equal(fixture_check(&p, f, TCP_REPLY_LEN, &r), 1);
	tcp_reply(probe, f, TCP_FLAG_RST | TCP_FLAG_ACK, 777, probe_seq(probe) + 1);
	assert_int_equal(fixture_check(&p, f, TCP_REPLY_LEN, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "rst");
	assert_string_equal(field(&p, &r, "seqnum"), "777");
}

static void synack_reply_is_a_success_as_zmap_counts_it(void **state)
{
	struct probe p = make_probe("tcp_synackscan", 1);
	uint8_t probe[PROBE_FRAME_MAX], f[64];
	struct probe_result r = { 0 };
	(void)state;

	fixture_frame(&p, probe, TARGET, 443, 0);
	tcp_reply(probe, f, TCP_FLAG_SYN | TCP_FLAG_ACK, 1, probe_seq(probe) + 1);
	assert_int_equal(fixture_check(&p, f, TCP_REPLY_LEN, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "synack");
	assert_int_equal(r.success, 1);
}

static void synack_replies_with_wrong_numbers_ports_or_addresses_are_rejected(void **state)
{
	struct probe p = make_probe("tcp_synackscan", 2), other = make_probe("tcp_synackscan", 2);
	uint8_t probe[PROBE_FRAME_MAX], f[64];
	struct probe_result r;
	uint32_t ack, seq;
	(void)state;

	fixture_frame(&p, probe, TARGET, 443, 1);
	ack = probe_ack(probe);
	seq = probe_seq(probe);
	tcp_reply(probe, f, TCP_FLAG_RST, ack, 0);
	assert_int_equal(fixture_check(&p, f, TCP_REPLY_LEN, &r), 1);

	tcp_reply(probe, f, TCP_FLAG_RST, ack + 2, 0);
	assert_int_equal(fixture_check(&p, f, TCP_REPLY_LEN, &r), 0);
	tcp_reply(probe, f, TCP_FLAG_RST, ack - 1, seq);
	assert_int_equal(fixture_check(&p, f, TCP_REPLY_LEN, &r), 0);
	tcp_reply(probe, f, TCP_FLAG_SYN | TCP_FLAG_ACK, ack, seq); /* acks seq, not seq + 1 */
	assert_int_equal(fixture_check(&p, f, TCP_REPLY_LEN, &r), 0);
	tcp_reply(probe, f, TCP_FLAG_ACK, ack, seq + 1); /* neither SYN nor RST */
	assert_int_equal(fixture_check(&p, f, TCP_REPLY_LEN, &r), 0);

	tcp_reply(probe, f, TCP_FLAG_RST, ack, 0);
	packet_put16(f + 36, packet_get16(f + 36) + 1); /* not our source port */
	assert_int_equal(fixture_check(&p, f, TCP_REPLY_LEN, &r), 0);
	tcp_reply(probe, f, TCP_FLAG_RST, ack, 0);
	packet_put16(f + 34, 444); /* from a port not probed */
	assert_int_equal(fixture_check(&p, f, TCP_REPLY_LEN, &r), 0);
	tcp_reply(probe, f, TCP_FLAG_RST, ack, 0);
	packet_put32(f + 26, TARGET + 1); /* from another address */
	assert_int_equal(fixture_check(&p, f, TCP_REPLY_LEN, &r), 0);
	tcp_reply(probe, f, TCP_FLAG_RST, ack, 0);
	packet_put32(f + 30, US + 1); /* not to us */
	assert_int_equal(fixture_check(&p, f, TCP_REPLY_LEN, &r), 0);

	other.params.key[3] ^= 1; /* another scan's key */
	assert_int_equal(probe_init(&other, NULL, 0), 0);
	tcp_reply(probe, f, TCP_FLAG_RST, ack, 0);
	assert_int_equal(fixture_check(&other, f, TCP_REPLY_LEN, &r), 0);
	fixture_frame(&p, probe, TARGET, 443, 2); /* a third source port was never used */
	tcp_reply(probe, f, TCP_FLAG_RST, probe_ack(probe), 0);
	assert_int_equal(fixture_check(&p, f, TCP_REPLY_LEN, &r), 0);

	fixture_frame(&p, probe, TARGET, 443, 0);
	tcp_reply(probe, f, TCP_FLAG_RST, probe_ack(probe), 0);
	for (uint32_t len = 0; len < TCP_REPLY_LEN; len++)
		assert_int_equal(fixture_check(&p, f, len, &r), 0);
}

/* An ICMP error quoting the probe (IP header + 8 bytes: ports and our sequence number). */
static void icmp_error_quoting_our_synack_is_icmp_not_success(void **state)
{
	struct probe p = make_probe("tcp_synackscan", 1);
	uint8_t probe[PROBE_FRAME_MAX], f[128];
	struct probe_result r = { 0 };
	uint32_t len;
	(void)state;

	fixture_frame(&p, probe, TARGET, 8080, 0);
	len = fixture_icmp_error(probe, f, ROUTER, 3, 13);
	assert_int_equal(fixture_check(&p, f, len, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "icmp");
	assert_int_equal(r.success, 0);
	assert_int_equal(r.saddr, TARGET);
	assert_int_equal(r.sport, 8080);
	assert_string_equal(field(&p, &r, "icmp_responder"), "198.18.0.2");
	assert_string_equal(field(&p, &r, "icmp_type"), "3");
	assert_string_equal(field(&p, &r, "icmp_code"), "13");
	assert_string_equal(field(&p, &r, "seqnum"), "0");

	f[42 + 20 + 4] ^= 0x40; /* the quoted sequence number is not ours */
	assert_int_equal(fixture_check(&p, f, len, &r), 0);
	fixture_icmp_error(probe, f, ROUTER, 3, 13);
	f[42 + 20 + 1] ^= 1; /* nor the quoted source port */
	assert_int_equal(fixture_check(&p, f, len, &r), 0);
	fixture_icmp_error(probe, f, ROUTER, 3, 13);
	f[42 + 9] = 17; /* a quoted UDP datagram */
	assert_int_equal(fixture_check(&p, f, len, &r), 0);
}

static void synack_takes_no_probe_args(void **state)
{
	struct probe p;
	char err[256] = "";
	(void)state;

	assert_int_equal(fixture_probe(&p, "tcp_synackscan", 1, "mss", 32768, 100, 1, err),
			 -EINVAL);
	assert_string_equal(err, "--probe-args: tcp_synackscan takes none (got 'mss')");
}

/* ---- icmp_echo_time ---- */

static void echo_time_request_carries_its_send_time_and_valid_checksums(void **state)
{
	struct probe p = make_probe("icmp_echo_time", 1), scan = make_probe("icmp_echoscan", 1);
	uint8_t f[PROBE_FRAME_MAX], plain[PROBE_FRAME_MAX];
	const uint8_t *icmp = f + 34, *payload = icmp + 8;
	uint64_t before, after, sent, x = 0x9e3779b97f4a7c15ULL;
	(void)state;

	before = clock_real_us();
	assert_int_equal(fixture_frame(&p, f, TARGET, 0, 0), ECHOTIME_LEN);
	after = clock_real_us();
	assert_int_equal(p.ops->portless, 1);
	assert_int_equal(packet_get16(f + 16), 20 + 8 + 16);
	assert_int_equal(icmp[0], 8);
	assert_int_equal(icmp[1], 0);
	sent = (uint64_t)packet_get32(payload) * 1000000 + packet_get32(payload + 4);
	assert_true(packet_get32(payload + 4) < 1000000);
	assert_true(sent >= before && sent <= after);
	assert_int_equal(packet_get32(payload + 8), TARGET);
	assert_int_equal(packet_get32(payload + 12),
			 (uint32_t)siphash24(payload, 12, p.params.key));
	/* The identifier and sequence number are icmp_echoscan's (one key, one scheme). */
	fixture_frame(&scan, plain, TARGET, 0, 0);
	assert_memory_equal(icmp + 4, plain + 38, 4);
	for (int i = 0; i < 5000; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		fixture_frame(&p, f, (uint32_t)(x >> 32), 0, 0);
		assert_int_equal(ref_sum(f + 14, 20, 0), 0xffff);
		assert_int_equal(ref_sum(f + 34, 24, 0), 0xffff);
	}
}

/* The echo reply to request: addresses swapped, type 0, the rest echoed. */
static uint32_t echo_reply(const uint8_t *request, uint8_t *f)
{
	memset(f, 0, 128);
	packet_put16(f + 12, 0x0800);
	f[14] = 0x45;
	packet_put16(f + 16, 20 + 24);
	f[22] = 61;
	f[23] = 1;
	memcpy(f + 26, request + 30, 4);
	memcpy(f + 30, request + 26, 4);
	memcpy(f + 34, request + 34, 24);
	f[34] = 0;
	return ECHOTIME_LEN;
}

static void echo_reply_gives_the_round_trip_time(void **state)
{
	struct probe p = make_probe("icmp_echo_time", 2);
	uint8_t req[PROBE_FRAME_MAX], f[128];
	struct probe_result r = { 0 };
	uint64_t sent;
	char want[32];
	(void)state;

	fixture_frame(&p, req, TARGET, 0, 1);
	/* A known send time, its check word recomputed as the sender would. */
	packet_put32(req + 42, 1790000000);
	packet_put32(req + 46, 999999);
	packet_put32(req + 54, (uint32_t)siphash24(req + 42, 12, p.params.key));
	echo_reply(req, f);
	assert_int_equal(fixture_check(&p, f, ECHOTIME_LEN, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "echoreply");
	assert_int_equal(r.success, 1);
	assert_int_equal(r.saddr, TARGET);
	assert_int_equal(r.ttl, 61);
	sent = 1790000000ULL * 1000000 + 999999;
	r.timestamp_us = sent + 1234; /* as the core sets it after classify */
	assert_string_equal(field(&p, &r, "rtt_us"), "1234");
	assert_string_equal(field(&p, &r, "sent_timestamp_ts"), "1790000000");
	assert_string_equal(field(&p, &r, "sent_timestamp_us"), "999999");
	assert_string_equal(field(&p, &r, "type"), "0");
	assert_string_equal(field(&p, &r, "code"), "0");
	snprintf(want, sizeof(want), "%u", packet_get16(req + 38));
	assert_string_equal(field(&p, &r, "icmp_id"), want);
	snprintf(want, sizeof(want), "%u", packet_get16(req + 40));
	assert_string_equal(field(&p, &r, "seq"), want);
	/* 198.18.1.5 as ZMap prints dst_raw on x86: bytes c6 12 01 05 read little-endian. */
	assert_string_equal(field(&p, &r, "dst_raw"), "83956422");
	/* A step back of the wall clock shows as what it is, not as a huge number. */
	r.timestamp_us = sent - 5;
	assert_string_equal(field(&p, &r, "rtt_us"), "-5");
}

static void forged_or_altered_time_is_rejected(void **state)
{
	struct probe p = make_probe("icmp_echo_time", 1), other = make_probe("icmp_echo_time", 1);
	uint8_t req[PROBE_FRAME_MAX], f[128];
	struct probe_result r;
	(void)state;

	fixture_frame(&p, req, TARGET, 0, 0);
	echo_reply(req, f);
	assert_int_equal(fixture_check(&p, f, ECHOTIME_LEN, &r), 1);
	for (int off = 0; off < 16; off++) { /* any payload byte: time, address or check word */
		echo_reply(req, f);
		f[42 + off] ^= 0x10;
		assert_int_equal(fixture_check(&p, f, ECHOTIME_LEN, &r), 0);
	}
	echo_reply(req, f);
	f[38] ^= 1; /* another identifier */
	assert_int_equal(fixture_check(&p, f, ECHOTIME_LEN, &r), 0);
	echo_reply(req, f);
	packet_put16(f + 40, packet_get16(f + 40) + 1); /* a second request was never sent */
	assert_int_equal(fixture_check(&p, f, ECHOTIME_LEN, &r), 0);
	echo_reply(req, f);
	packet_put32(f + 26, TARGET + 1); /* another address */
	assert_int_equal(fixture_check(&p, f, ECHOTIME_LEN, &r), 0);
	echo_reply(req, f);
	f[34] = 8; /* a request, not a reply */
	assert_int_equal(fixture_check(&p, f, ECHOTIME_LEN, &r), 0);
	other.params.key[9] ^= 1; /* another scan's key */
	assert_int_equal(probe_init(&other, NULL, 0), 0);
	echo_reply(req, f);
	assert_int_equal(fixture_check(&other, f, ECHOTIME_LEN, &r), 0);
	/* A reply cut short of the check word: the IP length says less, or the frame ends. */
	echo_reply(req, f);
	packet_put16(f + 16, 20 + 8 + 12);
	assert_int_equal(fixture_check(&p, f, ECHOTIME_LEN - 4, &r), 0);
	echo_reply(req, f);
	for (uint32_t len = 0; len < ECHOTIME_LEN; len++)
		assert_int_equal(fixture_check(&p, f, len, &r), 0);
}

/* An ICMP error (type, code) from ROUTER quoting quoted bytes of the request. */
static uint32_t echo_error(const uint8_t *request, uint8_t *f, uint8_t type, uint8_t code,
			   uint32_t quoted)
{
	memset(f, 0, 128);
	packet_put16(f + 12, 0x0800);
	f[14] = 0x45;
	packet_put16(f + 16, (uint16_t)(20 + 8 + quoted));
	f[22] = 64;
	f[23] = 1;
	packet_put32(f + 26, ROUTER);
	packet_put32(f + 30, US);
	f[34] = type;
	f[35] = code;
	memcpy(f + 42, request + 14, quoted);
	return 14 + 20 + 8 + quoted;
}

static void errors_quoting_the_request_are_unreach_or_timxceed(void **state)
{
	struct probe p = make_probe("icmp_echo_time", 1);
	uint8_t req[PROBE_FRAME_MAX], f[128];
	struct probe_result r = { 0 };
	uint32_t len;
	char want[16];
	(void)state;

	fixture_frame(&p, req, TARGET, 0, 0);
	/* The whole request quoted (RFC 1812): the time is there. */
	len = echo_error(req, f, 3, 1, 20 + 24);
	assert_int_equal(fixture_check(&p, f, len, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "unreach");
	assert_int_equal(r.success, 0);
	assert_int_equal(r.saddr, TARGET);
	assert_string_equal(field(&p, &r, "type"), "3");
	assert_string_equal(field(&p, &r, "code"), "1");
	snprintf(want, sizeof(want), "%u", packet_get32(req + 42));
	assert_string_equal(field(&p, &r, "sent_timestamp_ts"), want);
	r.timestamp_us = (uint64_t)packet_get32(req + 42) * 1000000 + packet_get32(req + 46) + 7;
	assert_string_equal(field(&p, &r, "rtt_us"), "7");
	f[42 + 28 + 3] ^= 1; /* a quoted time that is not the one we sent */
	assert_int_equal(fixture_check(&p, f, len, &r), 0);

	/* Only 8 bytes quoted (RFC 792): matched by identifier, no time. */
	len = echo_error(req, f, 11, 0, 20 + 8);
	memset(&r, 0, sizeof(r));
	assert_int_equal(fixture_check(&p, f, len, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "timxceed");
	assert_string_equal(field(&p, &r, "type"), "11");
	assert_string_equal(field(&p, &r, "sent_timestamp_ts"), "0");
	r.timestamp_us = 1790000000000000ULL;
	assert_string_equal(field(&p, &r, "rtt_us"), "0");
	f[42 + 20 + 4] ^= 1; /* the quoted identifier is not ours */
	assert_int_equal(fixture_check(&p, f, len, &r), 0);
}

/* Random and mutated replies: validation never crashes or reads out of bounds (ASan). */
static void random_bytes_are_survived(void **state)
{
	struct probe echo = make_probe("icmp_echo_time", 2),
		     synack = make_probe("tcp_synackscan", 2);
	uint8_t req[PROBE_FRAME_MAX], good[128], buf[128];
	struct probe_result r;
	uint64_t x = 88172645463325252ULL;
	(void)state;

	for (int i = 0; i < 100000; i++) {
		const struct probe *p = (i & 1) ? &echo : &synack;
		uint32_t len, good_len;
		uint8_t *copy;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		fixture_frame(p, req, TARGET, 80, 0);
		if (i & 1)
			good_len =
				(i & 2) ? echo_reply(req, good) : echo_error(req, good, 3, 3, 44);
		else
			good_len = tcp_reply(req, good, TCP_FLAG_RST, probe_ack(req), 0);
		len = (uint32_t)(x % (good_len + 8));
		memcpy(buf, good, sizeof(buf));
		for (uint32_t k = 0; k < len; k++)
			if ((x >> (k % 60)) & 1 && (x >> 3) % 4 == 0)
				buf[k] = (uint8_t)(x >> (k % 56));
		copy = malloc(len ? len : 1); /* exactly len bytes, so ASan sees an overread */
		memcpy(copy, buf, len);
		if (fixture_check(p, copy, len, &r))
			probe_classify(p, &r);
		free(copy);
	}
}

static void echo_time_takes_no_probe_args(void **state)
{
	struct probe p;
	char err[256] = "";
	(void)state;

	assert_int_equal(fixture_probe(&p, "icmp_echo_time", 1, "x", 32768, 100, 1, err), -EINVAL);
	assert_string_equal(err, "--probe-args: icmp_echo_time takes none (got 'x')");
}

/* ---- -M ---- */

static int parse(struct cli_config *cfg, char *err, const char *const *args)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = "salvo";
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	return cli_parse(argc, argv, cfg, err, CLI_ERRLEN);
}

/* Both modules are chosen by name, with their own fields; ipip is refused, saying why. */
static void modules_by_name_and_ipip_refused_as_zmaps(void **state)
{
	struct cli_config cfg;
	char err[CLI_ERRLEN] = "";
	(void)state;

	assert_int_equal(parse(&cfg, err,
			       (const char *const[]){ "-M", "icmp_echo_time", "-f",
						      "saddr,rtt_us,sent_timestamp_ts", "-b",
						      "/dev/null", "198.18.1.0/24", NULL }),
			 0);
	assert_string_equal(cfg.scan.probe->name, "icmp_echo_time");
	assert_int_equal(cfg.scan.fields.count, 3);
	cli_config_free(&cfg);
	assert_int_equal(parse(&cfg, err,
			       (const char *const[]){ "-M", "tcp_synackscan", "-p", "80", "-f",
						      "saddr,seqnum,acknum", "-b", "/dev/null",
						      "198.18.1.0/24", NULL }),
			 0);
	assert_string_equal(cfg.scan.probe->name, "tcp_synackscan");
	cli_config_free(&cfg);

	assert_null(probe_by_name("ipip"));
	assert_non_null(probe_refused_reason("ipip"));
	assert_null(probe_refused_reason("tcp_synackscan"));
	assert_null(probe_refused_reason("bogus"));
	assert_int_equal(parse(&cfg, err,
			       (const char *const[]){ "-M", "ipip", "-p", "80", "-b", "/dev/null",
						      "198.18.1.0/24", NULL }),
			 -EINVAL);
	assert_non_null(strstr(err, "--probe-module: 'ipip': a ZMap module salvo does not have: "));
	assert_non_null(strstr(err, probe_refused_reason("ipip")));
	assert_null(strchr(err, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(synack_has_both_flags_mss_and_valid_checksums),
		cmocka_unit_test(rst_carrying_our_ack_is_a_success),
		cmocka_unit_test(rst_one_past_our_ack_or_acking_our_seq_validates),
		cmocka_unit_test(synack_reply_is_a_success_as_zmap_counts_it),
		cmocka_unit_test(synack_replies_with_wrong_numbers_ports_or_addresses_are_rejected),
		cmocka_unit_test(icmp_error_quoting_our_synack_is_icmp_not_success),
		cmocka_unit_test(synack_takes_no_probe_args),
		cmocka_unit_test(echo_time_request_carries_its_send_time_and_valid_checksums),
		cmocka_unit_test(echo_reply_gives_the_round_trip_time),
		cmocka_unit_test(forged_or_altered_time_is_rejected),
		cmocka_unit_test(errors_quoting_the_request_are_unreach_or_timxceed),
		cmocka_unit_test(random_bytes_are_survived),
		cmocka_unit_test(echo_time_takes_no_probe_args),
		cmocka_unit_test(modules_by_name_and_ipip_refused_as_zmaps),
	};

	return fixture_run_each_prf("synack_echotime", tests, sizeof(tests) / sizeof(tests[0]));
}
