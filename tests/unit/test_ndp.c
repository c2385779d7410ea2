/*
 * Unit tests for Neighbor Discovery (src/io/ndp.c), what the dpdk engine answers and asks
 * with: the solicitation and the advertisement field by field with known checksums (computed
 * apart, in Python), the answers to a solicitation (multicast, unicast without an option,
 * duplicate address detection, someone else's address), advertisements read back, every
 * validity check of RFC 4861 section 7.1, and every truncation.  Frames under test sit in
 * heap buffers of their exact length, so that ASan and valgrind see any read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/ndp.h"
#include "probe/packet6.h"

/* Addresses in 2001:2::/48 (RFC 5180). */
static const uint8_t us6[16] = { 0x20, 0x01, 0x00, 0x02, [15] = 0x01 };
static const uint8_t gw6[16] = { 0x20, 0x01, 0x00, 0x02, [15] = 0x02 };
static const uint8_t other6[16] = { 0x20, 0x01, 0x00, 0x02, [15] = 0x03 };
static const uint8_t group6[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff, [15] = 0x02 };
static const uint8_t all_nodes6[16] = { 0xff, 0x02, [15] = 0x01 };
static const uint8_t unspecified6[16];
static const uint8_t us_mac[6] = { 2, 0, 0, 0, 0, 1 }, gw_mac[6] = { 2, 0, 0, 0, 0, 2 };

#define IP   ETH_HLEN_
#define ICMP (ETH_HLEN_ + IPV6_HLEN)

/* The ICMPv6 checksum, summed here apart from ndp.c: pseudo-header and message. */
static uint16_t icmp6_checksum(const uint8_t *frame, uint32_t icmp_len)
{
	uint32_t sum = icmp_len + IPPROTO_ICMPV6_;
	uint8_t buf[512];

	assert_true(icmp_len <= sizeof(buf));
	memcpy(buf, frame + ICMP, icmp_len);
	buf[2] = buf[3] = 0;
	for (int i = 0; i < 32; i += 2)
		sum += (uint32_t)(frame[IP + 8 + i] << 8 | frame[IP + 9 + i]);
	for (uint32_t i = 0; i < icmp_len; i += 2)
		sum += (uint32_t)(buf[i] << 8 | (i + 1 < icmp_len ? buf[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* After a test changed the message: its payload length and checksum made right again. */
static void fix_up(uint8_t *frame, uint32_t icmp_len)
{
	packet_put16(frame + IP + 4, (uint16_t)icmp_len);
	packet_put16(frame + ICMP + 2, icmp6_checksum(frame, icmp_len));
}

/* ndp_parse on a heap copy of exactly len bytes. */
static int parse(const uint8_t *frame, uint32_t len, struct ndp_message *m)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, frame, len);
	ret = ndp_parse(copy, len, m);
	free(copy);
	return ret;
}

/* The gateway's solicitation for addr (ours by default), as Linux sends it. */
static unsigned gateway_solicits(uint8_t *frame, const uint8_t addr[16])
{
	return ndp_build_solicit(frame, gw_mac, gw6, addr);
}

static void solicitation_frame_field_by_field(void **state)
{
	static const uint8_t group_mac[6] = { 0x33, 0x33, 0xff, 0, 0, 2 };
	uint8_t f[NDP_FRAME_LEN];

	(void)state;
	assert_int_equal(ndp_build_solicit(f, us_mac, us6, gw6), 86);
	assert_memory_equal(f, group_mac, 6);
	assert_memory_equal(f + 6, us_mac, 6);
	assert_int_equal(packet_get16(f + 12), ETHERTYPE_IPV6_);
	assert_int_equal(f[IP], 0x60);
	assert_int_equal(packet_get16(f + IP + 4), 32);
	assert_int_equal(f[IP + 6], IPPROTO_ICMPV6_);
	assert_int_equal(f[IP + 7], 255);
	assert_memory_equal(f + IP + 8, us6, 16);
	assert_memory_equal(f + IP + 24, group6, 16);
	assert_int_equal(f[ICMP], ICMP6_NEIGH_SOLICIT);
	assert_int_equal(f[ICMP + 1], 0);
	assert_int_equal(packet_get16(f + ICMP + 2), 0x3793);
	assert_int_equal(packet_get32(f + ICMP + 4), 0);
	assert_memory_equal(f + ICMP + 8, gw6, 16);
	assert_int_equal(f[ICMP + 24], 1); /* source link-layer address, 8 bytes */
	assert_int_equal(f[ICMP + 25], 1);
	assert_memory_equal(f + ICMP + 26, us_mac, 6);
	assert_int_equal(icmp6_checksum(f, 32), 0x3793);
}

static void solicitation_parses_back(void **state)
{
	uint8_t f[NDP_FRAME_LEN];
	struct ndp_message m;

	(void)state;
	assert_int_equal(parse(f, ndp_build_solicit(f, us_mac, us6, gw6), &m), 1);
	assert_int_equal(m.type, ICMP6_NEIGH_SOLICIT);
	assert_memory_equal(m.saddr, us6, 16);
	assert_memory_equal(m.target, gw6, 16);
	assert_memory_equal(m.eth_src, us_mac, 6);
	assert_int_equal(m.has_lladdr, 1);
	assert_memory_equal(m.lladdr, us_mac, 6);
}

static void solicitation_for_our_address_is_answered_solicited_and_override(void **state)
{
	uint8_t ns[NDP_FRAME_LEN], na[NDP_FRAME_LEN];
	struct ndp_message m, back;

	(void)state;
	assert_int_equal(parse(ns, gateway_solicits(ns, us6), &m), 1);
	assert_int_equal(ndp_answer(na, &m, us_mac, us6), 86);
	assert_memory_equal(na, gw_mac, 6);
	assert_memory_equal(na + 6, us_mac, 6);
	assert_int_equal(na[IP + 7], 255);
	assert_memory_equal(na + IP + 8, us6, 16);
	assert_memory_equal(na + IP + 24, gw6, 16);
	assert_int_equal(na[ICMP], ICMP6_NEIGH_ADVERT);
	assert_int_equal(packet_get16(na + ICMP + 2), 0xb395);
	assert_int_equal(na[ICMP + 4], NDP_FLAG_SOLICITED | NDP_FLAG_OVERRIDE);
	assert_memory_equal(na + ICMP + 8, us6, 16);
	assert_int_equal(na[ICMP + 24], 2); /* target link-layer address, 8 bytes */
	assert_int_equal(na[ICMP + 25], 1);
	assert_memory_equal(na + ICMP + 26, us_mac, 6);
	assert_int_equal(icmp6_checksum(na, 32), 0xb395);
	/* What the gateway reads of it. */
	assert_int_equal(parse(na, 86, &back), 1);
	assert_int_equal(back.type, ICMP6_NEIGH_ADVERT);
	assert_memory_equal(back.target, us6, 16);
	assert_memory_equal(back.lladdr, us_mac, 6);
}

/* Neighbor unreachability detection: unicast, to our MAC, and no option is needed. */
static void unicast_solicitation_without_option_is_answered_to_its_sender(void **state)
{
	uint8_t ns[NDP_FRAME_LEN], na[NDP_FRAME_LEN];
	struct ndp_message m;

	(void)state;
	gateway_solicits(ns, us6);
	memcpy(ns, us_mac, 6);
	memcpy(ns + IP + 24, us6, 16);
	fix_up(ns, 24);
	assert_int_equal(parse(ns, ICMP + 24, &m), 1);
	assert_int_equal(m.has_lladdr, 0);
	assert_int_equal(ndp_answer(na, &m, us_mac, us6), 86);
	assert_memory_equal(na, gw_mac, 6);
	assert_memory_equal(na + IP + 24, gw6, 16);
	assert_int_equal(na[ICMP + 4], NDP_FLAG_SOLICITED | NDP_FLAG_OVERRIDE);
}

/* Another node trying our address: defended to all nodes, not solicited (RFC 4861 7.2.4). */
static void duplicate_address_detection_is_answered_to_all_nodes(void **state)
{
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t ns[NDP_FRAME_LEN], na[NDP_FRAME_LEN];
	struct ndp_message m;

	(void)state;
	ndp_build_solicit(ns, gw_mac, unspecified6, us6);
	fix_up(ns, 24); /* no source link-layer address from the unspecified address */
	assert_int_equal(parse(ns, ICMP + 24, &m), 1);
	assert_int_equal(ndp_answer(na, &m, us_mac, us6), 86);
	assert_memory_equal(na, all_nodes_mac, 6);
	assert_memory_equal(na + IP + 24, all_nodes6, 16);
	assert_int_equal(na[ICMP + 4], NDP_FLAG_OVERRIDE);
	assert_int_equal(icmp6_checksum(na, 32), packet_get16(na + ICMP + 2));
}

static void solicitation_for_another_address_is_not_answered(void **state)
{
	uint8_t ns[NDP_FRAME_LEN], na[NDP_FRAME_LEN];
	struct ndp_message m;

	(void)state;
	assert_int_equal(parse(ns, gateway_solicits(ns, other6), &m), 1);
	assert_int_equal(ndp_answer(na, &m, us_mac, us6), 0);
	/* Nor is an advertisement "answered". */
	assert_int_equal(parse(ns, gateway_solicits(ns, us6), &m), 1);
	assert_int_equal(ndp_answer(na, &m, us_mac, us6), 86);
	assert_int_equal(parse(na, 86, &m), 1);
	assert_int_equal(ndp_answer(ns, &m, gw_mac, us6), 0);
}

/* The gateway's answer to our solicitation: its target and MAC, with the option or without. */
static void advertisement_gives_target_and_its_mac(void **state)
{
	uint8_t ns[NDP_FRAME_LEN], na[NDP_FRAME_LEN];
	struct ndp_message m;

	(void)state;
	assert_int_equal(parse(ns, ndp_build_solicit(ns, us_mac, us6, gw6), &m), 1);
	assert_int_equal(ndp_answer(na, &m, gw_mac, gw6), 86);
	assert_int_equal(parse(na, 86, &m), 1);
	assert_int_equal(m.type, ICMP6_NEIGH_ADVERT);
	assert_int_equal(m.flags, NDP_FLAG_SOLICITED | NDP_FLAG_OVERRIDE);
	assert_memory_equal(m.saddr, gw6, 16);
	assert_memory_equal(m.target, gw6, 16);
	assert_int_equal(m.has_lladdr, 1);
	assert_memory_equal(m.lladdr, gw_mac, 6);
	fix_up(na, 24);
	assert_int_equal(parse(na, ICMP + 24, &m), 1);
	assert_int_equal(m.has_lladdr, 0);
	assert_memory_equal(m.eth_src, gw_mac, 6);
}

/* Other frames pass on to the scan: IPv4, TCP over IPv6, other ICMPv6 messages. */
static void what_is_not_ndp_passes(void **state)
{
	uint8_t f[NDP_FRAME_LEN];
	struct ndp_message m;

	(void)state;
	gateway_solicits(f, us6);
	f[ICMP] = ICMP6_ECHO_REPLY;
	fix_up(f, 32);
	assert_int_equal(parse(f, 86, &m), 0);
	gateway_solicits(f, us6);
	f[IP + 6] = 6; /* TCP */
	assert_int_equal(parse(f, 86, &m), 0);
	gateway_solicits(f, us6);
	packet_put16(f + 12, 0x0800);
	assert_int_equal(parse(f, 86, &m), 0);
	assert_int_equal(parse(f, 0, &m), 0);
}

/* A solicitation changed one way, its checksum made right again unless the change is it. */
static int parse_changed(void (*change)(uint8_t *f, uint32_t *icmp_len), int fix)
{
	uint8_t f[NDP_FRAME_LEN + 16] = { 0 };
	uint32_t icmp_len = 32;
	struct ndp_message m;

	gateway_solicits(f, us6);
	change(f, &icmp_len);
	if (fix)
		fix_up(f, icmp_len);
	return parse(f, ICMP + icmp_len, &m);
}

static void hop_limit_254(uint8_t *f, uint32_t *l)
{
	(void)l;
	f[IP + 7] = 254;
}
static void code_1(uint8_t *f, uint32_t *l)
{
	(void)l;
	f[ICMP + 1] = 1;
}
static void checksum_off_by_one(uint8_t *f, uint32_t *l)
{
	(void)l;
	f[ICMP + 3] ^= 1;
}
static void sixteen_bytes_long(uint8_t *f, uint32_t *l)
{
	(void)f;
	*l = 16;
}
static void option_of_length_0(uint8_t *f, uint32_t *l)
{
	(void)l;
	f[ICMP + 25] = 0;
}
static void option_past_the_end(uint8_t *f, uint32_t *l)
{
	(void)l;
	f[ICMP + 25] = 2;
}
static void option_cut_to_one_byte(uint8_t *f, uint32_t *l)
{
	(void)f;
	*l = 25;
}
static void multicast_target(uint8_t *f, uint32_t *l)
{
	(void)l;
	memcpy(f + ICMP + 8, group6, 16);
}
static void multicast_source(uint8_t *f, uint32_t *l)
{
	(void)l;
	memcpy(f + IP + 8, all_nodes6, 16);
}
static void dad_with_an_option(uint8_t *f, uint32_t *l)
{
	(void)l;
	memset(f + IP + 8, 0, 16);
}
static void dad_to_a_unicast_address(uint8_t *f, uint32_t *l)
{
	memset(f + IP + 8, 0, 16);
	memcpy(f + IP + 24, us6, 16);
	*l = 24;
}
static void solicited_advertisement_to_all_nodes(uint8_t *f, uint32_t *l)
{
	(void)l;
	f[ICMP] = ICMP6_NEIGH_ADVERT;
	f[ICMP + 4] = NDP_FLAG_SOLICITED;
	f[ICMP + 24] = 2;
	memcpy(f + IP + 24, all_nodes6, 16);
}
static void unsolicited_advertisement_to_all_nodes(uint8_t *f, uint32_t *l)
{
	(void)l;
	f[ICMP] = ICMP6_NEIGH_ADVERT;
	f[ICMP + 4] = NDP_FLAG_OVERRIDE;
	memcpy(f + IP + 24, all_nodes6, 16);
}
static void unknown_option_added(uint8_t *f, uint32_t *l)
{
	f[ICMP + 32] = 14; /* nonce (RFC 3971), 8 bytes */
	f[ICMP + 33] = 1;
	*l = 40;
}

/* RFC 4861 section 7.1: what fails a check is dropped (-EBADMSG), not passed on. */
static void invalid_messages_are_refused(void **state)
{
	(void)state;
	assert_int_equal(parse_changed(hop_limit_254, 1), -EBADMSG);
	assert_int_equal(parse_changed(code_1, 1), -EBADMSG);
	assert_int_equal(parse_changed(checksum_off_by_one, 0), -EBADMSG);
	assert_int_equal(parse_changed(sixteen_bytes_long, 1), -EBADMSG);
	assert_int_equal(parse_changed(option_of_length_0, 1), -EBADMSG);
	assert_int_equal(parse_changed(option_past_the_end, 1), -EBADMSG);
	assert_int_equal(parse_changed(option_cut_to_one_byte, 1), -EBADMSG);
	assert_int_equal(parse_changed(multicast_target, 1), -EBADMSG);
	assert_int_equal(parse_changed(multicast_source, 1), -EBADMSG);
	assert_int_equal(parse_changed(dad_with_an_option, 1), -EBADMSG);
	assert_int_equal(parse_changed(dad_to_a_unicast_address, 1), -EBADMSG);
	assert_int_equal(parse_changed(solicited_advertisement_to_all_nodes, 1), -EBADMSG);
	/* And what RFC 4861 allows is taken. */
	assert_int_equal(parse_changed(unsolicited_advertisement_to_all_nodes, 1), 1);
	assert_int_equal(parse_changed(unknown_option_added, 1), 1);
}

/* A frame cut anywhere: never read past, never taken (the IPv6 payload is not all there). */
static void every_truncation_is_refused(void **state)
{
	uint8_t f[NDP_FRAME_LEN];
	struct ndp_message m;
	unsigned len = gateway_solicits(f, us6);

	(void)state;
	for (unsigned cut = 0; cut < len; cut++)
		assert_true(parse(f, cut, &m) <= 0);
	assert_int_equal(parse(f, len, &m), 1);
}

static void solicited_node_mac_is_33_33_ff_and_the_last_three_bytes(void **state)
{
	static const uint8_t addr[16] = { 0x20, 0x01, 0x00, 0x02, [13] = 0xab, 0xcd, 0xef };
	static const uint8_t want[6] = { 0x33, 0x33, 0xff, 0xab, 0xcd, 0xef };
	uint8_t mac[6];

	(void)state;
	ndp_solicited_node_mac(addr, mac);
	assert_memory_equal(mac, want, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(solicitation_frame_field_by_field),
		cmocka_unit_test(solicitation_parses_back),
		cmocka_unit_test(solicitation_for_our_address_is_answered_solicited_and_override),
		cmocka_unit_test(unicast_solicitation_without_option_is_answered_to_its_sender),
		cmocka_unit_test(duplicate_address_detection_is_answered_to_all_nodes),
		cmocka_unit_test(solicitation_for_another_address_is_not_answered),
		cmocka_unit_test(advertisement_gives_target_and_its_mac),
		cmocka_unit_test(what_is_not_ndp_passes),
		cmocka_unit_test(invalid_messages_are_refused),
		cmocka_unit_test(every_truncation_is_refused),
		cmocka_unit_test(solicited_node_mac_is_33_33_ff_and_the_last_three_bytes),
	};

	return cmocka_run_group_tests_name("ndp", tests, NULL, NULL);
}
