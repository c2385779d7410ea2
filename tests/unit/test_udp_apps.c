/*
 * Unit tests for the UDP modules with a fixed request, ZMap's ntp, upnp and bacnet: the
 * request each sends (bytes and checksums, verified independently), --probe-args refused,
 * which replies validate (ports, addresses, truncation, BACnet's invoke id, ICMP through the
 * quote), how they are classified, and what their fields say.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "probe/udp_common.h"
#include "probe_fixtures.h"

#define NTP_PORT    123
#define SSDP_PORT   1900
#define BACNET_PORT 47808

static const char upnp_request[] = "M-SEARCH * HTTP/1.1\r\nHost:239.255.255.250:1900\r\n"
				   "ST:upnp:rootdevice\r\nMan:\"ssdp:discover\"\r\nMX:3\r\n\r\n";

/* ZMap's BACnet request; byte 8, the invoke id, differs per target. */
static const uint8_t bacnet_request[17] = { 0x81, 0x0a, 0x00, 0x11, 0x01, 0x04, 0x00, 0x05, 0x00,
					    0x0c, 0x0c, 0x02, 0x3f, 0xff, 0xff, 0x19, 0x4b };

static void make_probe(struct probe *p, const char *name)
{
	char err[256];

	assert_int_equal(fixture_probe(p, name, 1, NULL, 40000, 1000, 5, err), 0);
	assert_int_equal(p->ops->portless, 0);
}

/* The IPv4 and UDP lengths and checksums of a frame, recomputed by ref_sum. */
static void check_sums(const uint8_t *f, uint32_t len, uint32_t daddr)
{
	uint32_t ulen = len - 34;
	uint32_t pseudo = (US >> 16) + (US & 0xffff) + (daddr >> 16) + (daddr & 0xffff) + 17 + ulen;

	assert_int_equal(packet_get16(f + 16), len - 14);
	assert_int_equal(packet_get16(f + 38), ulen);
	assert_int_equal(ref_sum(f + 14, 20, 0), 0xffff);
	assert_int_equal(ref_sum(f + 34, ulen, pseudo), 0xffff);
}

/* A UDP reply to the probe frame: addresses and ports swapped, then payload.  Its length. */
static uint32_t reply(const uint8_t *probe_frame, uint8_t *f, const void *payload, uint32_t len)
{
	memset(f, 0, 42);
	memcpy(f, probe_frame + 6, 6);
	memcpy(f + 6, probe_frame, 6);
	packet_put16(f + 12, 0x0800);
	f[14] = 0x45;
	packet_put16(f + 16, (uint16_t)(28 + len));
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, probe_frame + 30, 4);
	memcpy(f + 30, probe_frame + 26, 4);
	memcpy(f + 34, probe_frame + 36, 2);
	memcpy(f + 36, probe_frame + 34, 2);
	packet_put16(f + 38, (uint16_t)(8 + len));
	memcpy(f + 42, payload, len);
	return 42 + len;
}

/* Validate as the receive path does, which clears the kept data first; classify if valid. */
static int check(const struct probe *p, const uint8_t *f, uint32_t len, struct probe_result *r)
{
	memset(r, 0, sizeof(*r));
	if (!fixture_check(p, f, len, r))
		return 0;
	probe_classify(p, r);
	return 1;
}

/* len bytes in lower-case hex, written here independently of probe/field.c. */
static const char *hex(const void *data, size_t len)
{
	static char buf[1024];

	for (size_t i = 0; i < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", ((const uint8_t *)data)[i]);
	buf[2 * len] = '\0';
	return buf;
}

/* The module field called name, formatted for r. */
static const char *field(const struct probe *p, const char *name, const struct probe_result *r)
{
	static char buf[1024];

	for (unsigned i = 0; i < p->ops->field_count; i++) {
		if (strcmp(p->ops->fields[i].name, name) == 0) {
			size_t n = p->ops->fields[i].format(r, buf, sizeof(buf));

			assert_int_equal(n, strlen(buf));
			return buf;
		}
	}
	fail_msg("no field %s in %s", name, p->ops->name);
	return NULL;
}

static void requests_are_zmaps_with_valid_checksums(void **state)
{
	struct probe ntp, upnp, bacnet;
	uint8_t f[PROBE_FRAME_MAX], ntp_request[48] = { 0xe3 }, ids[256] = { 0 };
	uint64_t x = 99;
	unsigned distinct = 0;
	(void)state;

	make_probe(&ntp, "ntp");
	make_probe(&upnp, "upnp");
	make_probe(&bacnet, "bacnet");
	for (int i = 0; i < 2000; i++) {
		uint32_t daddr, n;
		uint16_t port;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		daddr = (uint32_t)(x >> 32);
		port = (uint16_t)(x >> 16);
		n = fixture_frame(&ntp, f, daddr, port, 0);
		assert_int_equal(n, 42 + 48);
		assert_memory_equal(f + 42, ntp_request, 48);
		check_sums(f, n, daddr);
		assert_int_equal(packet_get16(f + 36), port);
		assert_in_range(packet_get16(f + 34), 40000, 40999);

		n = fixture_frame(&upnp, f, daddr, port, 0);
		assert_int_equal(n, 42 + strlen(upnp_request));
		assert_memory_equal(f + 42, upnp_request, strlen(upnp_request));
		check_sums(f, n, daddr);

		n = fixture_frame(&bacnet, f, daddr, port, 0);
		assert_int_equal(n, 42 + 17);
		assert_memory_equal(f + 42, bacnet_request, 8);
		assert_memory_equal(f + 51, bacnet_request + 9, 8);
		check_sums(f, n, daddr);
		distinct += !ids[f[50]];
		ids[f[50]] = 1;
	}
	/* The invoke id comes from the hash: it varies with the target. */
	assert_true(distinct > 200);
}

static void probe_args_are_refused_in_one_line(void **state)
{
	static const char *const names[] = { "ntp", "upnp", "bacnet" };
	char err[256], want[128];
	struct probe p;
	(void)state;

	for (unsigned i = 0; i < 3; i++) {
		memset(err, 0, sizeof(err));
		assert_int_equal(fixture_probe(&p, names[i], 1, "text:hi", 40000, 1000, 5, err),
				 -EINVAL);
		snprintf(want, sizeof(want), "--probe-args: %s takes none (got 'text:hi')",
			 names[i]);
		assert_string_equal(err, want);
	}
}

/* An NTP server's reply: version 4, mode 4, stratum 2, every field a distinct value. */
static const uint8_t ntp_reply[48] = {
	0x24, 0x02, 0x06, 0xec, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x00, 0x02, 0x58,
	0xc6, 0x12, 0x00, 0x09, 0xe9, 0x1c, 0x2d, 0x80, 0x12, 0x34, 0x56, 0x78,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xfe, 0xe9, 0x1c, 0x2d, 0x81, 0x00, 0x00, 0x00, 0x00,
};

static void ntp_reply_is_a_success_and_its_header_the_fields(void **state)
{
	struct probe p;
	uint8_t req[PROBE_FRAME_MAX], f[256];
	struct probe_result r;
	uint32_t n;
	(void)state;

	make_probe(&p, "ntp");
	fixture_frame(&p, req, TARGET, NTP_PORT, 0);
	n = reply(req, f, ntp_reply, sizeof(ntp_reply));
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_string_equal(r.classification, "ntp");
	assert_int_equal(r.success, 1);
	assert_int_equal(r.saddr, TARGET);
	assert_int_equal(r.sport, NTP_PORT);
	assert_string_equal(field(&p, "LI_VN_MODE", &r), "36");
	assert_string_equal(field(&p, "stratum", &r), "2");
	assert_string_equal(field(&p, "poll", &r), "6");
	assert_string_equal(field(&p, "precision", &r), "236");
	assert_string_equal(field(&p, "root_delay", &r), "300");
	assert_string_equal(field(&p, "root_dispersion", &r), "600");
	assert_string_equal(field(&p, "reference_clock_identifier", &r), "3323068425");
	assert_string_equal(field(&p, "reference_timestamp", &r), "16797350738269591160");
	assert_string_equal(field(&p, "originate_timestamp", &r), "1");
	assert_string_equal(field(&p, "receive_timestamp", &r), "18446744073709551614");
	assert_string_equal(field(&p, "transmit_timestamp", &r), "16797350742259138560");

	/* A short reply is still an answer from the port: the fields it holds, null beyond. */
	n = reply(req, f, ntp_reply, 12);
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_int_equal(r.success, 1);
	assert_string_equal(field(&p, "stratum", &r), "2");
	assert_string_equal(field(&p, "root_dispersion", &r), "600");
	assert_string_equal(field(&p, "reference_clock_identifier", &r), "null");
	assert_string_equal(field(&p, "transmit_timestamp", &r), "null");
	n = reply(req, f, ntp_reply, 47);
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_string_equal(field(&p, "receive_timestamp", &r), "18446744073709551614");
	assert_string_equal(field(&p, "transmit_timestamp", &r), "null");
}

/* Each module rejects replies that are not to its probe: other ports, addresses, cut frames. */
static void replies_not_to_our_probe_are_rejected(void **state)
{
	static const char *const names[] = { "ntp", "upnp", "bacnet" };
	static const uint8_t payload[] = { 0x81, 0x0a, 0x00, 0x06, 0x01, 0x00 };
	uint8_t req[PROBE_FRAME_MAX], f[256];
	struct probe_result r;
	struct probe p;
	uint32_t n;
	(void)state;

	for (unsigned i = 0; i < 3; i++) {
		make_probe(&p, names[i]);
		fixture_frame(&p, req, TARGET, 4000, 0);
		n = reply(req, f, payload, sizeof(payload));
		assert_int_equal(check(&p, f, n, &r), 1);
		packet_put16(f + 34, 4001); /* from another port than the probed one */
		assert_int_equal(check(&p, f, n, &r), 0);
		reply(req, f, payload, sizeof(payload));
		packet_put16(f + 36, packet_get16(f + 36) ^ 1); /* to a port we did not use */
		assert_int_equal(check(&p, f, n, &r), 0);
		reply(req, f, payload, sizeof(payload));
		packet_put32(f + 26, TARGET + 1); /* from another address */
		assert_int_equal(check(&p, f, n, &r), 0);
		reply(req, f, payload, sizeof(payload));
		packet_put32(f + 30, US + 1); /* to another address */
		assert_int_equal(check(&p, f, n, &r), 0);
		/* Cut short: no UDP header, no reply; a payload cut short is kept as far as it
		 * arrived, whatever the UDP length says (bacnet needs its 4-byte BVLC header). */
		reply(req, f, payload, sizeof(payload));
		for (uint32_t cut = 0; cut < 42; cut++)
			assert_int_equal(check(&p, f, cut, &r), 0);
		for (uint32_t cut = 42; cut < n; cut++) {
			int valid = strcmp(names[i], "bacnet") != 0 || cut >= 42 + 4;

			assert_int_equal(check(&p, f, cut, &r), valid);
			if (valid)
				assert_int_equal(r.data_len, cut - 42);
		}
	}
}

static void icmp_unreachable_is_classified_as_zmap_does(void **state)
{
	static const char *const names[] = { "ntp", "upnp", "bacnet" };
	static const char *const classes[] = { "icmp", "icmp-unreach", "icmp" };
	static const char *const fields[] = { "stratum", "server", "device_instance" };
	static const char *const empty[] = { "null", "", "null" };
	uint8_t req[PROBE_FRAME_MAX], f[128];
	struct probe_result r;
	struct probe p;
	uint32_t n;
	(void)state;

	for (unsigned i = 0; i < 3; i++) {
		make_probe(&p, names[i]);
		fixture_frame(&p, req, TARGET, 4000, 0);
		n = fixture_icmp_error(req, f, IP(198, 18, 0, 2), 3, 3);
		assert_int_equal(check(&p, f, n, &r), 1);
		assert_string_equal(r.classification, classes[i]);
		assert_int_equal(r.success, 0);
		assert_int_equal(r.saddr, TARGET);
		assert_int_equal(r.sport, 4000);
		assert_string_equal(field(&p, fields[i], &r), empty[i]);
		/* A quote of a probe that is not ours: another source port, another target. */
		packet_put16(f + 42 + 20, packet_get16(f + 42 + 20) ^ 1);
		assert_int_equal(check(&p, f, n, &r), 0);
		n = fixture_icmp_error(req, f, TARGET, 3, 3);
		packet_put32(f + 42 + 16, TARGET + 1);
		assert_int_equal(check(&p, f, n, &r), 0);
		n = fixture_icmp_error(req, f, TARGET, 11, 0); /* time exceeded: no answer */
		assert_int_equal(check(&p, f, n, &r), 0);
	}
}

static const char ssdp_reply[] = "HTTP/1.1 200 OK\r\n"
				 "CACHE-CONTROL: max-age=1800\r\n"
				 "EXT:\r\n"
				 "Location:  http://198.18.1.5:5000/rootDesc.xml \r\n"
				 "server: Linux/5.10, UPnP/1.0 \"salvo\"\r\n"
				 "ST: upnp:rootdevice\r\n"
				 "USN: uuid:1234::upnp:rootdevice\r\n"
				 "\r\n";

static void upnp_200_ok_is_a_success_and_its_headers_the_fields(void **state)
{
	struct probe p;
	uint8_t req[PROBE_FRAME_MAX], f[600];
	struct probe_result r;
	uint32_t n;
	(void)state;

	make_probe(&p, "upnp");
	fixture_frame(&p, req, TARGET, SSDP_PORT, 0);
	n = reply(req, f, ssdp_reply, strlen(ssdp_reply));
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_string_equal(r.classification, "upnp");
	assert_int_equal(r.success, 1);
	/* Names in any case; the value without the white space around it, escaped for csv. */
	assert_string_equal(field(&p, "server", &r), "Linux/5.10\\x2c UPnP/1.0 \\x22salvo\\x22");
	assert_string_equal(field(&p, "location", &r), "http://198.18.1.5:5000/rootDesc.xml");
	assert_string_equal(field(&p, "cache_control", &r), "max-age=1800");
	assert_string_equal(field(&p, "st", &r), "upnp:rootdevice");
	assert_string_equal(field(&p, "usn", &r), "uuid:1234::upnp:rootdevice");
	assert_string_equal(field(&p, "ext", &r), "");
	assert_string_equal(field(&p, "date", &r), "");
	assert_string_equal(field(&p, "data", &r), hex(ssdp_reply, strlen(ssdp_reply)));

	/* Lines may end in a bare "\n" and the reply start with empty lines, as ZMap allows. */
	n = reply(req, f, "\n\nHTTP/1.1 200 OK\nST:x\n", 23);
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_int_equal(r.success, 1);
	assert_string_equal(field(&p, "st", &r), "x");
}

static void upnp_other_replies_are_not_successes(void **state)
{
	struct probe p;
	uint8_t req[PROBE_FRAME_MAX], f[600];
	char big[400];
	struct probe_result r;
	uint32_t n;
	(void)state;

	make_probe(&p, "upnp");
	fixture_frame(&p, req, TARGET, SSDP_PORT, 0);
	n = reply(req, f, "HTTP/1.1 404 Not Found\r\nServer: x\r\n\r\n", 37);
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_string_equal(r.classification, "no-http-header");
	assert_int_equal(r.success, 0);
	assert_string_equal(field(&p, "server", &r), "");
	n = reply(req, f, "HTTP/1.1 200 OKAY\r\n", 19);
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_string_equal(r.classification, "no-http-header");
	n = reply(req, f, "", 0);
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_string_equal(r.classification, "none");
	assert_int_equal(r.success, 0);
	n = reply(req, f, "\r\n\r\n", 4);
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_string_equal(r.classification, "none");

	/* Past the 256 bytes a result keeps: a header cut there is written as far as it goes,
	 * one beyond it is empty. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "HTTP/1.1 200 OK\r\nX-Pad: ", 24);
	memcpy(big + 230, "\r\nServer: abcdefghijklmnopqrstuvwxyz\r\nST: late\r\n", 48);
	n = reply(req, f, big, 278);
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_int_equal(r.data_len, 256);
	assert_int_equal(r.success, 1);
	assert_string_equal(field(&p, "server", &r), "abcdefghijklmnop");
	assert_string_equal(field(&p, "st", &r), "");
}

/* A ReadProperty ack of device 123456's object-identifier to invoke id, after an NPDU of
 * npdu_len bytes (version, control and what the control announces). */
static uint32_t bacnet_ack(uint8_t *d, const uint8_t *npdu, uint32_t npdu_len, uint8_t invoke_id)
{
	static const uint8_t apdu[] = { 0x30, 0x00, 0x0c, 0x0c, 0x02, 0x01, 0xe2, 0x40, 0x19,
					0x4b, 0x3e, 0xc4, 0x02, 0x01, 0xe2, 0x40, 0x3f };
	uint32_t len = 4 + npdu_len + sizeof(apdu);

	d[0] = 0x81;
	d[1] = 0x0a;
	packet_put16(d + 2, (uint16_t)len);
	memcpy(d + 4, npdu, npdu_len);
	memcpy(d + 4 + npdu_len, apdu, sizeof(apdu));
	d[4 + npdu_len + 1] = invoke_id;
	return len;
}

static void bacnet_ack_with_our_invoke_id_gives_the_device_instance(void **state)
{
	static const uint8_t plain[] = { 0x01, 0x00 };
	/* Routed: from network 5, MAC address 0x0a (one byte); and to network 5 (address 0x0a)
	 * from network 7 (address 0x0b0c), with a hop count. */
	static const uint8_t routed[] = { 0x01, 0x08, 0x00, 0x05, 0x01, 0x0a };
	static const uint8_t both[] = { 0x01, 0x28, 0x00, 0x05, 0x01, 0x0a,
					0x00, 0x07, 0x02, 0x0b, 0x0c, 0xff };
	struct probe p;
	uint8_t req[PROBE_FRAME_MAX], f[256], d[64];
	struct probe_result r;
	uint32_t n, len;
	uint8_t id;
	(void)state;

	make_probe(&p, "bacnet");
	fixture_frame(&p, req, TARGET, BACNET_PORT, 0);
	id = req[42 + 8];
	len = bacnet_ack(d, plain, sizeof(plain), id);
	n = reply(req, f, d, len);
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_string_equal(r.classification, "bacnet");
	assert_int_equal(r.success, 1);
	assert_string_equal(field(&p, "device_instance", &r), "123456");
	assert_string_equal(field(&p, "udp_payload", &r), hex(d, len));
	assert_string_equal(hex(d, 7), "810a0017010030");
	len = bacnet_ack(d, routed, sizeof(routed), id);
	n = reply(req, f, d, len);
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_string_equal(field(&p, "device_instance", &r), "123456");
	len = bacnet_ack(d, both, sizeof(both), id);
	n = reply(req, f, d, len);
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_string_equal(field(&p, "device_instance", &r), "123456");
	len = bacnet_ack(d, both, sizeof(both), (uint8_t)(id ^ 0x80));
	n = reply(req, f, d, len);
	assert_int_equal(check(&p, f, n, &r), 0);
	/* Cut anywhere after its invoke id, the ack still validates but the instance is there
	 * only if its four bytes are (the closing tag may be missing). */
	len = bacnet_ack(d, plain, sizeof(plain), id);
	for (uint32_t cut = 8; cut < len - 1; cut++) {
		n = reply(req, f, d, cut);
		assert_int_equal(check(&p, f, n, &r), 1);
		assert_string_equal(field(&p, "device_instance", &r), "null");
	}
	n = reply(req, f, d, len - 1);
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_string_equal(field(&p, "device_instance", &r), "123456");

	/* Another invoke id: not an answer to our request. */
	len = bacnet_ack(d, plain, sizeof(plain), (uint8_t)(id + 1));
	n = reply(req, f, d, len);
	assert_int_equal(check(&p, f, n, &r), 0);
}

static void bacnet_replies_must_be_bacnet_ip(void **state)
{
	struct probe p;
	uint8_t req[PROBE_FRAME_MAX], f[256];
	uint8_t error[] = { 0x81, 0x0a, 0x00, 0x0d, 0x01, 0x00, 0x50,
			    0x00, 0x0c, 0x91, 0x02, 0x91, 0x20 };
	static const uint8_t bvlc_result[] = { 0x81, 0x00, 0x00, 0x06, 0x00, 0x30 };
	static const uint8_t not_bacnet[] = { 0x80, 0x0a, 0x00, 0x06, 0x01, 0x00 };
	struct probe_result r;
	uint32_t n;
	(void)state;

	make_probe(&p, "bacnet");
	fixture_frame(&p, req, TARGET, BACNET_PORT, 0);
	/* An error PDU answering our request: a BACnet device, as ZMap counts it. */
	error[7] = req[42 + 8];
	n = reply(req, f, error, sizeof(error));
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_int_equal(r.success, 1);
	assert_string_equal(field(&p, "device_instance", &r), "null");
	assert_string_equal(field(&p, "udp_payload", &r), hex(error, sizeof(error)));
	error[7]++;
	assert_int_equal(check(&p, f, reply(req, f, error, sizeof(error)), &r), 0);
	/* A BVLC result carries no APDU and so no invoke id. */
	n = reply(req, f, bvlc_result, sizeof(bvlc_result));
	assert_int_equal(check(&p, f, n, &r), 1);
	assert_string_equal(r.classification, "bacnet");
	n = reply(req, f, not_bacnet, sizeof(not_bacnet));
	assert_int_equal(check(&p, f, n, &r), 0);
	n = reply(req, f, bvlc_result, 3); /* shorter than a BVLC header */
	assert_int_equal(check(&p, f, n, &r), 0);
}

/*
 * Whatever a reply holds, classify and every field stay within the kept data and the buffer
 * they are given: random bytes, and mutations of real replies (where the parsers go deeper).
 */
static void any_payload_is_classified_and_formatted_in_bounds(void **state)
{
	static const char *const names[] = { "ntp", "upnp", "bacnet" };
	uint8_t seeds[3][64] = { { 0 } }, d[64];
	static const size_t caps[] = { 21, 22, 25, 40, 64, 1024 }; /* 21: a number fits */
	char buf[1024 + 1];
	struct probe_result r;
	uint64_t x = 7;
	(void)state;

	memcpy(seeds[0], ntp_reply, sizeof(ntp_reply));
	memcpy(seeds[1], ssdp_reply, sizeof(seeds[1]));
	bacnet_ack(seeds[2], (const uint8_t *)"\x01\x28\x00\x05\x01\x0a\x00\x07\x02\x0b\x0c\xff",
		   12, 0);
	for (unsigned m = 0; m < 3; m++) {
		struct probe p;

		make_probe(&p, names[m]);
		for (int i = 0; i < 20000; i++) {
			memset(&r, 0, sizeof(r));
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			r.data_len = (uint16_t)(x >> 33) % (PROBE_DATA_MAX + 1);
			memcpy(d, seeds[m], sizeof(d));
			for (int k = 0; k < 3; k++) /* a few bytes changed */
				d[(x >> (8 * k + 8)) % sizeof(d)] = (uint8_t)(x >> (8 * k + 40));
			for (unsigned j = 0; j < r.data_len; j++)
				r.data[j] =
					j < sizeof(d) && (i & 1) ? d[j] : (uint8_t)(x >> (j % 56));
			if (i % 7 == 0) {
				r.data_len = 0;
				r.flags = UDP_FLAG_ICMP | 3;
			}
			probe_classify(&p, &r);
			assert_non_null(r.classification);
			for (unsigned f = 0; f < p.ops->field_count; f++) {
				size_t cap = caps[(unsigned)(x >> 20) % 6], n;

				memset(buf, 'X', sizeof(buf));
				n = p.ops->fields[f].format(&r, buf, cap);
				assert_true(n < cap);
				assert_int_equal(strlen(buf), n);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(requests_are_zmaps_with_valid_checksums),
		cmocka_unit_test(probe_args_are_refused_in_one_line),
		cmocka_unit_test(ntp_reply_is_a_success_and_its_header_the_fields),
		cmocka_unit_test(replies_not_to_our_probe_are_rejected),
		cmocka_unit_test(icmp_unreachable_is_classified_as_zmap_does),
		cmocka_unit_test(upnp_200_ok_is_a_success_and_its_headers_the_fields),
		cmocka_unit_test(upnp_other_replies_are_not_successes),
		cmocka_unit_test(bacnet_ack_with_our_invoke_id_gives_the_device_instance),
		cmocka_unit_test(bacnet_replies_must_be_bacnet_ip),
		cmocka_unit_test(any_payload_is_classified_and_formatted_in_bounds),
	};

	return fixture_run_each_prf("udp_apps", tests, sizeof(tests) / sizeof(tests[0]));
}
