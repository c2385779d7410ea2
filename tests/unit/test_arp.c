/*
 * Unit tests for ARP (src/io/arp.c), what salvo asks a next hop with (netif.c) and what the
 * dpdk engine answers for its address: the request byte for byte against RFC 826's layout,
 * a request read back, the answer to a request for our address (and none for another's or
 * for a reply), replies read back, what is not ARP, what is ARP of another kind, a multicast
 * sender, and every truncation.  Frames under test sit in heap buffers of their exact
 * length, so that ASan and valgrind see any read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/arp.h"

/* Addresses in 198.18.0.0/15 (RFC 2544). */
#define US    0xc6120001u /* 198.18.0.1 */
#define GW    0xc6120002u /* 198.18.0.2 */
#define OTHER 0xc6120003u /* 198.18.0.3 */

static const uint8_t us_mac[6] = { 2, 0, 0, 0, 0, 1 }, gw_mac[6] = { 2, 0, 0, 0, 0, 2 };

/* arp_parse on a heap copy of exactly len bytes. */
static int parse(const uint8_t *frame, uint32_t len, struct arp_message *m)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, frame, len);
	ret = arp_parse(copy, len, m);
	free(copy);
	return ret;
}

static void request_frame_byte_by_byte(void **state)
{
	static const uint8_t want[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2,	  0,	0, 0, 0, 1, /* Ethernet */
		0x08, 0x06,						    /* ARP */
		0x00, 0x01, 0x08, 0x00, 6,    4,    0x00, 0x01,	      /* Ethernet, IPv4, request */
		2,    0,    0,	  0,	0,    1,    198,  18,	0, 1, /* sender */
		0,    0,    0,	  0,	0,    0,    198,  18,	0, 2, /* target */
	};
	uint8_t frame[ARP_FRAME_LEN];

	(void)state;
	memset(frame, 0xaa, sizeof(frame));
	assert_int_equal(arp_build_request(frame, us_mac, US, GW), ARP_FRAME_LEN);
	assert_memory_equal(frame, want, sizeof(want));
	for (size_t i = sizeof(want); i < ARP_FRAME_LEN; i++)
		assert_int_equal(frame[i], 0);
}

static void request_parses_back(void **state)
{
	uint8_t frame[ARP_FRAME_LEN];
	struct arp_message m;

	(void)state;
	arp_build_request(frame, us_mac, US, GW);
	assert_int_equal(parse(frame, sizeof(frame), &m), 1);
	assert_int_equal(m.op, ARP_OP_REQUEST);
	assert_memory_equal(m.sha, us_mac, 6);
	assert_int_equal(m.spa, US);
	assert_int_equal(m.tpa, GW);
}

/* The gateway asks for us: the reply goes to it, from our MAC, and reads back as a reply. */
static void request_for_our_address_is_answered_to_its_sender(void **state)
{
	uint8_t req[ARP_FRAME_LEN], reply[ARP_FRAME_LEN];
	struct arp_message m, r;

	(void)state;
	arp_build_request(req, gw_mac, GW, US);
	assert_int_equal(parse(req, sizeof(req), &m), 1);
	assert_int_equal(arp_answer(reply, &m, us_mac, US), ARP_FRAME_LEN);
	assert_memory_equal(reply, gw_mac, 6);
	assert_memory_equal(reply + 6, us_mac, 6);
	assert_int_equal(parse(reply, sizeof(reply), &r), 1);
	assert_int_equal(r.op, ARP_OP_REPLY);
	assert_memory_equal(r.sha, us_mac, 6);
	assert_int_equal(r.spa, US);
	assert_memory_equal(r.tha, gw_mac, 6);
	assert_int_equal(r.tpa, GW);
}

static void request_for_another_address_or_a_reply_is_not_answered(void **state)
{
	uint8_t req[ARP_FRAME_LEN], reply[ARP_FRAME_LEN];
	struct arp_message m;

	(void)state;
	arp_build_request(req, gw_mac, GW, OTHER);
	assert_int_equal(parse(req, sizeof(req), &m), 1);
	assert_int_equal(arp_answer(reply, &m, us_mac, US), 0);
	m.tpa = US;
	m.op = ARP_OP_REPLY;
	assert_int_equal(arp_answer(reply, &m, us_mac, US), 0);
}

static void what_is_not_arp_passes(void **state)
{
	uint8_t frame[ARP_FRAME_LEN];
	struct arp_message m;

	(void)state;
	arp_build_request(frame, us_mac, US, GW);
	frame[12] = 0x08;
	frame[13] = 0x00; /* IPv4 */
	assert_int_equal(parse(frame, sizeof(frame), &m), 0);
	assert_int_equal(parse(frame, 13, &m), 0);
	assert_int_equal(parse(frame, 0, &m), 0);
}

/* Another hardware type, protocol or address length; a sender MAC of a group. */
static void arp_of_another_kind_or_from_a_group_is_refused(void **state)
{
	static const struct {
		unsigned off;
		uint8_t value;
	} bad[] = { { 15, 6 }, { 16, 0x86 }, { 18, 8 }, { 19, 16 }, { 22, 0x01 }, { 22, 0xff } };
	uint8_t frame[ARP_FRAME_LEN];
	struct arp_message m;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		arp_build_request(frame, us_mac, US, GW);
		frame[bad[i].off] = bad[i].value;
		assert_int_equal(parse(frame, sizeof(frame), &m), -EBADMSG);
	}
}

/* ARP cut anywhere inside its 28 bytes is refused; from there on, padding may be missing. */
static void every_truncation_is_refused(void **state)
{
	uint8_t frame[ARP_FRAME_LEN];
	struct arp_message m;

	(void)state;
	arp_build_request(frame, us_mac, US, GW);
	for (uint32_t len = 14; len < 42; len++)
		assert_int_equal(parse(frame, len, &m), -EBADMSG);
	for (uint32_t len = 42; len <= ARP_FRAME_LEN; len++)
		assert_int_equal(parse(frame, len, &m), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_frame_byte_by_byte),
		cmocka_unit_test(request_parses_back),
		cmocka_unit_test(request_for_our_address_is_answered_to_its_sender),
		cmocka_unit_test(request_for_another_address_or_a_reply_is_not_answered),
		cmocka_unit_test(what_is_not_arp_passes),
		cmocka_unit_test(arp_of_another_kind_or_from_a_group_is_refused),
		cmocka_unit_test(every_truncation_is_refused),
	};

	return cmocka_run_group_tests_name("arp", tests, NULL, NULL);
}
