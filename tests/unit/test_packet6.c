/*
 * Unit tests for the IPv6 frame parser and builders (src/probe/packet6.c): hand-built frames
 * with VLAN tags, each kind of extension header and chains of them, the fragment rules, every
 * truncation, lying lengths, ICMPv6 errors quoting our probes, the builders' headers read back,
 * and random mutations.  Frames under test sit in buffers of their exact length on the heap, so
 * that ASan and valgrind see any read past the end; and every view returned is checked to lie
 * inside the frame.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "probe/packet6.h"

#define FRAME_MAX 1024

/* Addresses in 2001:2::/48 (RFC 5180). */
static const uint8_t us6[16] = { 0x20, 0x01, 0x00, 0x02, [15] = 0x01 };
static const uint8_t target6[16] = { 0x20, 0x01, 0x00, 0x02, [15] = 0x05 };
static const uint8_t router6[16] = { 0x20, 0x01, 0x00, 0x02, [15] = 0xfe };
static const uint8_t smac[6] = { 2, 0, 0, 0, 0, 1 }, dmac[6] = { 2, 0, 0, 0, 0, 2 };

/* A SYN-ACK from port 443 to 40000, our SYN the other way, our UDP probe to port 53. */
static const uint8_t synack[TCP_HLEN] = { 0x01, 0xbb, 0x9c, 0x40, 0x00, 0x00, 0x03,
					  0x09, 0x00, 0x00, 0x30, 0x3a, 0x50, 0x12,
					  0x72, 0x10, 0x00, 0x00, 0x00, 0x00 };
static const uint8_t syn[TCP_HLEN] = { 0x9c, 0x40, 0x01, 0xbb, 0x00, 0x00, 0x30, 0x39, 0x00, 0x00,
				       0x00, 0x00, 0x50, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00 };
static const uint8_t udp_probe[12] = { 0x9c, 0x41, 0x00, 0x35, 0x00, 0x0c,
				       0x00, 0x00, 0x73, 0x61, 0x6c, 0x76 }; /* "salv" */

#define HOPOPTS	 0
#define ROUTING	 43
#define FRAGMENT 44
#define AH	 51
#define NO_NEXT	 59
#define DSTOPTS	 60

/* Each kind of extension header has its own size here, so that each length formula is seen. */
static uint32_t ext_size(uint8_t type)
{
	switch (type) {
	case HOPOPTS:
	case FRAGMENT:
		return 8;
	case DSTOPTS:
		return 16;
	case ROUTING:
	case AH:
		return 24;
	}
	fail_msg("no extension header of type %u", type);
	return 0;
}

/* Extension header type at p, followed by nh: Pad1 options, an atomic fragment; its length. */
static uint32_t put_ext(uint8_t *p, uint8_t type, uint8_t nh)
{
	uint32_t n = ext_size(type);

	memset(p, 0, n);
	p[0] = nh;
	if (type == FRAGMENT)
		packet_put32(p + 4, 0x12345678); /* identification */
	else if (type == AH)
		p[1] = (uint8_t)(n / 4 - 2);
	else
		p[1] = (uint8_t)(n / 8 - 1);
	return n;
}

/*
 * An IPv6 packet from src to dst: the extension headers exts[0..n-1], then upper_len bytes of
 * protocol proto.  Traffic class 0xa5 and flow label 0xbcdef (to see them told apart), hop
 * limit 57.  Returns its length.
 */
static uint32_t put_packet(uint8_t *p, const uint8_t *src, const uint8_t *dst, const uint8_t *exts,
			   int n, uint8_t proto, const uint8_t *upper, uint32_t upper_len)
{
	uint32_t off = IPV6_HLEN;

	for (int i = 0; i < n; i++)
		off += put_ext(p + off, exts[i], i + 1 < n ? exts[i + 1] : proto);
	memcpy(p + off, upper, upper_len);
	off += upper_len;
	packet_put32(p, 0x6a5bcdef);
	packet_put16(p + 4, (uint16_t)(off - IPV6_HLEN));
	p[6] = n ? exts[0] : proto;
	p[7] = 57;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	return off;
}

static uint32_t put_eth(uint8_t *f, uint16_t type)
{
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	packet_put16(f + 12, type);
	return ETH_HLEN_;
}

/* A SYN-ACK from the target to us after the extension headers exts[0..n-1]; its length. */
static uint32_t synack_frame(uint8_t *f, const uint8_t *exts, int n)
{
	uint32_t off = put_eth(f, ETHERTYPE_IPV6_);

	return off + put_packet(f + off, target6, us6, exts, n, IPPROTO_TCP_, synack, TCP_HLEN);
}

/* An ICMPv6 error from the router to us quoting qlen bytes of q; the frame's length. */
static uint32_t icmp6_error_frame(uint8_t *f, uint8_t type, uint8_t code, const uint8_t *q,
				  uint32_t qlen)
{
	uint8_t icmp[FRAME_MAX] = { type, code };
	uint32_t off = put_eth(f, ETHERTYPE_IPV6_);

	memcpy(icmp + 8, q, qlen);
	return off + put_packet(f + off, router6, us6, NULL, 0, IPPROTO_ICMPV6_, icmp, 8 + qlen);
}

/* Is p[0..n) inside buf[0..len)?  Compared as numbers: p may point anywhere. */
static int inside(const uint8_t *buf, uint32_t len, const uint8_t *p, uint64_t n)
{
	uintptr_t b = (uintptr_t)buf, a = (uintptr_t)p;

	return a >= b && a - b <= len && n <= len - (a - b);
}

static void assert_view_inside(const uint8_t *buf, uint32_t len, const struct packet_view6 *v)
{
	assert_true(inside(buf, len, v->l4, v->l4_len));
	assert_true(inside(buf, len, v->saddr, 16));
	assert_true(inside(buf, len, v->daddr, 16));
}

static void assert_quote_inside(const uint8_t *buf, uint32_t len, const struct packet_quote6 *q)
{
	assert_true(inside(buf, len, q->l4, 8));
	assert_true(inside(buf, len, q->saddr, 16));
	assert_true(inside(buf, len, q->daddr, 16));
}

/*
 * Parse a heap copy of f[0..len), exactly len bytes long; the status.  The view is checked
 * against the copy, then pointed at the same bytes of f, as the copy is about to go.
 */
static int parse_copy(const uint8_t *f, uint32_t len, struct packet_view6 *v)
{
	uint8_t *buf = malloc(len ? len : 1);
	int rc;

	assert_non_null(buf);
	memcpy(buf, f, len);
	rc = packet_parse_ipv6(buf, len, v);
	if (rc == 0) {
		assert_view_inside(buf, len, v);
		v->l4 = f + (v->l4 - buf);
		v->saddr = f + (v->saddr - buf);
		v->daddr = f + (v->daddr - buf);
	}
	free(buf);
	return rc;
}

static void synack_over_ipv6_gives_every_field(void **state)
{
	uint8_t f[FRAME_MAX];
	struct packet_view6 v;
	uint32_t len = synack_frame(f, NULL, 0);
	(void)state;

	assert_int_equal(len, ETH_HLEN_ + IPV6_HLEN + TCP_HLEN);
	assert_int_equal(packet_parse_ipv6(f, len, &v), 0);
	assert_ptr_equal(v.l4, f + 54);
	assert_int_equal(v.l4_len, TCP_HLEN);
	assert_ptr_equal(v.saddr, f + 22);
	assert_ptr_equal(v.daddr, f + 38);
	assert_memory_equal(v.saddr, target6, 16);
	assert_memory_equal(v.daddr, us6, 16);
	assert_int_equal(v.flow, 0xbcdef);
	assert_int_equal(v.proto, IPPROTO_TCP_);
	assert_int_equal(v.hop_limit, 57);
	assert_int_equal(parse_copy(f, len, &v), 0);
}

static void l3_parse_reads_a_packet_without_link_layer(void **state)
{
	uint8_t p[FRAME_MAX];
	struct packet_view6 v;
	uint32_t len = put_packet(p, target6, us6, NULL, 0, IPPROTO_TCP_, synack, TCP_HLEN);
	(void)state;

	assert_int_equal(packet_parse_ipv6_l3(p, len, &v), 0);
	assert_ptr_equal(v.l4, p + IPV6_HLEN);
	assert_int_equal(v.l4_len, TCP_HLEN);
	assert_ptr_equal(v.saddr, p + 8);
	assert_int_equal(v.proto, IPPROTO_TCP_);
	assert_int_equal(packet_parse_ipv6_l3(p, len - 1, &v), -1);
	assert_int_equal(packet_parse_ipv6_l3(p, IPV6_HLEN - 1, &v), -1);
}

/* tags[0..n-1] as TPIDs before the IPv6 EtherType; the frame's length. */
static uint32_t tagged_frame(uint8_t *f, const uint16_t *tags, int n)
{
	uint32_t off = 12;

	put_eth(f, 0);
	for (int i = 0; i < n; i++, off += 4) {
		packet_put16(f + off, tags[i]);
		packet_put16(f + off + 2, (uint16_t)(100 + i)); /* VLAN id */
	}
	packet_put16(f + off, ETHERTYPE_IPV6_);
	off += 2;
	return off + put_packet(f + off, target6, us6, NULL, 0, IPPROTO_TCP_, synack, TCP_HLEN);
}

static void up_to_two_vlan_tags_are_skipped(void **state)
{
	static const uint16_t q[] = { 0x8100 }, qinq[] = { 0x88a8, 0x8100 },
			      three[] = { 0x88a8, 0x8100, 0x8100 };
	uint8_t f[FRAME_MAX];
	struct packet_view6 v;
	uint32_t len;
	(void)state;

	len = tagged_frame(f, q, 1);
	assert_int_equal(parse_copy(f, len, &v), 0);
	assert_ptr_equal(v.l4, f + 58);
	assert_memory_equal(v.daddr, us6, 16);

	len = tagged_frame(f, qinq, 2);
	assert_int_equal(parse_copy(f, len, &v), 0);
	assert_ptr_equal(v.l4, f + 62);
	assert_int_equal(v.l4_len, TCP_HLEN);

	len = tagged_frame(f, three, 3);
	assert_int_equal(parse_copy(f, len, &v), -1);

	/* Tagged, but cut inside the tags. */
	len = tagged_frame(f, qinq, 2);
	for (uint32_t cut = 12; cut < 18; cut++)
		assert_int_equal(parse_copy(f, cut, &v), -1);
}

static void what_is_not_ipv6_is_refused(void **state)
{
	uint8_t f[FRAME_MAX];
	struct packet_view6 v;
	uint32_t len = synack_frame(f, NULL, 0);
	(void)state;

	packet_put16(f + 12, 0x0800);
	assert_int_equal(parse_copy(f, len, &v), -1);
	packet_put16(f + 12, ETHERTYPE_IPV6_);
	f[14] = 0x45; /* IPv4 behind the IPv6 EtherType */
	assert_int_equal(parse_copy(f, len, &v), -1);
	f[14] = 0x7a;
	assert_int_equal(parse_copy(f, len, &v), -1);
	f[14] = 0x6a;
	assert_int_equal(parse_copy(f, len, &v), 0);
}

static void each_extension_header_is_walked(void **state)
{
	static const uint8_t kinds[] = { HOPOPTS, ROUTING, FRAGMENT, AH, DSTOPTS };
	uint8_t f[FRAME_MAX];
	struct packet_view6 v;
	(void)state;

	for (size_t i = 0; i < sizeof(kinds); i++) {
		uint32_t len = synack_frame(f, &kinds[i], 1);

		assert_int_equal(len, 54 + ext_size(kinds[i]) + TCP_HLEN);
		assert_int_equal(parse_copy(f, len, &v), 0);
		assert_int_equal(v.proto, IPPROTO_TCP_);
		assert_int_equal(v.l4_len, TCP_HLEN);
		assert_ptr_equal(v.l4, f + 54 + ext_size(kinds[i]));
		assert_memory_equal(v.l4, synack, TCP_HLEN);
	}
}

static void chains_of_extension_headers_are_walked(void **state)
{
	static const uint8_t chain[] = { HOPOPTS, DSTOPTS, ROUTING, FRAGMENT, AH, DSTOPTS };
	uint8_t f[FRAME_MAX];
	struct packet_view6 v;
	uint32_t len = synack_frame(f, chain, 6), ext = 8 + 16 + 24 + 8 + 24 + 16;
	(void)state;

	assert_int_equal(parse_copy(f, len, &v), 0);
	assert_int_equal(v.proto, IPPROTO_TCP_);
	assert_int_equal(v.l4_len, TCP_HLEN);
	assert_ptr_equal(v.l4, f + 54 + ext);
	assert_int_equal(v.hop_limit, 57);
}

static void more_than_eight_extension_headers_are_refused(void **state)
{
	static const uint8_t nine[] = { HOPOPTS, DSTOPTS, DSTOPTS, DSTOPTS, DSTOPTS,
					DSTOPTS, DSTOPTS, DSTOPTS, DSTOPTS };
	uint8_t f[FRAME_MAX];
	struct packet_view6 v;
	uint32_t len;
	(void)state;

	assert_int_equal(PACKET6_MAX_EXT, 8);
	len = synack_frame(f, nine, 8);
	assert_int_equal(parse_copy(f, len, &v), 0);
	assert_ptr_equal(v.l4, f + 54 + 8 + 7 * 16);
	len = synack_frame(f, nine, 9);
	assert_int_equal(parse_copy(f, len, &v), -1);
}

static void only_whole_fragments_are_accepted(void **state)
{
	static const uint8_t frag[] = { FRAGMENT }, later[] = { HOPOPTS, FRAGMENT };
	uint8_t f[FRAME_MAX];
	struct packet_view6 v;
	uint32_t len = synack_frame(f, frag, 1);
	uint8_t *word = f + 54 + 2; /* offset, reserved bits, M */
	(void)state;

	assert_int_equal(parse_copy(f, len, &v), 0); /* an atomic fragment: offset 0, M clear */
	packet_put16(word, 0x0001);		     /* M: the first of several */
	assert_int_equal(parse_copy(f, len, &v), -1);
	packet_put16(word, 0x0008); /* offset 1 (8 bytes), the last */
	assert_int_equal(parse_copy(f, len, &v), -1);
	packet_put16(word, 0xfff9);
	assert_int_equal(parse_copy(f, len, &v), -1);
	packet_put16(word, 0x0006); /* reserved bits only: still whole */
	assert_int_equal(parse_copy(f, len, &v), 0);
	assert_ptr_equal(v.l4, f + 62);

	len = synack_frame(f, later, 2);
	assert_int_equal(parse_copy(f, len, &v), 0);
	packet_put16(f + 54 + 8 + 2, 0x0011); /* offset 2 and M, behind a hop-by-hop header */
	assert_int_equal(parse_copy(f, len, &v), -1);
}

static void no_next_header_and_jumbograms_are_refused(void **state)
{
	static const uint8_t dst[] = { DSTOPTS };
	uint8_t f[FRAME_MAX];
	struct packet_view6 v;
	uint32_t len = synack_frame(f, NULL, 0);
	(void)state;

	f[20] = NO_NEXT;
	assert_int_equal(parse_copy(f, len, &v), -1);
	len = synack_frame(f, dst, 1);
	f[54] = NO_NEXT;
	assert_int_equal(parse_copy(f, len, &v), -1);

	/* Payload length 0 with a jumbo payload option (RFC 2675). */
	len = synack_frame(f, NULL, 0);
	packet_put16(f + 18, 0);
	assert_int_equal(parse_copy(f, len, &v), -1);
}

static void padding_after_the_payload_is_ignored(void **state)
{
	static const uint8_t dst[] = { DSTOPTS };
	uint8_t f[FRAME_MAX];
	struct packet_view6 v;
	uint32_t len = synack_frame(f, dst, 1);
	(void)state;

	memset(f + len, 0xee, 12);
	assert_int_equal(parse_copy(f, len + 12, &v), 0);
	assert_int_equal(v.l4_len, TCP_HLEN);
	assert_ptr_equal(v.l4, f + 54 + 16);

	/* A payload length past the frame is not cut to fit, as IPv4's is: it is refused. */
	packet_put16(f + 18, (uint16_t)(16 + TCP_HLEN + 1));
	assert_int_equal(parse_copy(f, len, &v), -1);
	/* Shorter than the frame: what the payload length says is the packet. */
	packet_put16(f + 18, (uint16_t)(16 + 4));
	assert_int_equal(parse_copy(f, len, &v), 0);
	assert_int_equal(v.l4_len, 4);
}

static void lying_extension_lengths_are_refused(void **state)
{
	static const uint8_t dst[] = { DSTOPTS }, two[] = { HOPOPTS, AH };
	uint8_t f[FRAME_MAX];
	struct packet_view6 v;
	uint32_t len = synack_frame(f, dst, 1);
	(void)state;

	f[55] = 5; /* 48 bytes: past the payload and the frame */
	assert_int_equal(parse_copy(f, len, &v), -1);
	f[55] = 255;
	assert_int_equal(parse_copy(f, len, &v), -1);
	f[55] = 3; /* 32 bytes, and a payload length of 32: nothing after */
	packet_put16(f + 18, 32);
	assert_int_equal(parse_copy(f, len, &v), 0);
	assert_int_equal(v.l4_len, 0);
	assert_ptr_equal(v.l4, f + 54 + 32);

	/* Inside the frame (padding follows) but past the payload length. */
	f[55] = 1;
	memset(f + len, 0, 64);
	packet_put16(f + 18, 8);
	assert_int_equal(parse_copy(f, len + 64, &v), -1);
	/* The payload ends inside the extension header's first two bytes. */
	packet_put16(f + 18, 1);
	assert_int_equal(parse_copy(f, len + 64, &v), -1);

	/* AH counts 4-byte words less 2: 255 is 1028 bytes. */
	len = synack_frame(f, two, 2);
	f[54 + 8 + 1] = 255;
	assert_int_equal(parse_copy(f, len, &v), -1);
	f[54 + 8 + 1] = 0; /* 8 bytes: then 16 bytes of ICV are read as TCP */
	assert_int_equal(parse_copy(f, len, &v), 0);
	assert_ptr_equal(v.l4, f + 54 + 8 + 8);
	assert_int_equal(v.l4_len, 16 + TCP_HLEN);
}

/* Every frame cut short at each length is refused, and read only within what it has. */
static void assert_every_truncation_refused(const uint8_t *f, uint32_t len)
{
	struct packet_view6 v;

	assert_int_equal(parse_copy(f, len, &v), 0);
	for (uint32_t cut = 0; cut < len; cut++)
		assert_int_equal(parse_copy(f, cut, &v), -1);
}

static void every_truncation_is_refused(void **state)
{
	static const uint8_t chain[] = { HOPOPTS, ROUTING, FRAGMENT, AH, DSTOPTS };
	static const uint16_t qinq[] = { 0x88a8, 0x8100 };
	uint8_t f[FRAME_MAX], q[FRAME_MAX];
	uint32_t qlen;
	(void)state;

	assert_every_truncation_refused(f, synack_frame(f, NULL, 0));
	assert_every_truncation_refused(f, synack_frame(f, chain, 5));
	assert_every_truncation_refused(f, tagged_frame(f, qinq, 2));
	qlen = put_packet(q, us6, target6, chain, 5, IPPROTO_TCP_, syn, TCP_HLEN);
	assert_every_truncation_refused(f, icmp6_error_frame(f, ICMP6_DST_UNREACH, 4, q, qlen));
}

/* What an ICMPv6 error quoting q[0..qlen) parses to; the quote's status. */
static int quote_of(uint8_t type, uint8_t code, const uint8_t *q, uint32_t qlen,
		    struct packet_quote6 *out)
{
	uint8_t f[FRAME_MAX], *buf;
	uint32_t len = icmp6_error_frame(f, type, code, q, qlen);
	struct packet_view6 v;
	int rc;

	buf = malloc(len);
	assert_non_null(buf);
	memcpy(buf, f, len);
	assert_int_equal(packet_parse_ipv6(buf, len, &v), 0);
	assert_int_equal(v.proto, IPPROTO_ICMPV6_);
	rc = packet_parse_icmp6_quote(&v, out);
	if (rc == 0) {
		assert_quote_inside(buf, len, out);
		/* The same bytes of q, as buf is about to go. */
		out->saddr = q + (out->saddr - (buf + 62));
		out->daddr = q + (out->daddr - (buf + 62));
		out->l4 = q + (out->l4 - (buf + 62));
	}
	free(buf);
	return rc;
}

static void port_unreachable_quoting_tcp_and_udp_probes(void **state)
{
	uint8_t q[FRAME_MAX];
	uint32_t qlen = put_packet(q, us6, target6, NULL, 0, IPPROTO_TCP_, syn, TCP_HLEN);
	struct packet_quote6 quote;
	(void)state;

	assert_int_equal(quote_of(ICMP6_DST_UNREACH, 4, q, qlen, &quote), 0);
	assert_int_equal(quote.icmp_type, ICMP6_DST_UNREACH);
	assert_int_equal(quote.icmp_code, 4);
	assert_int_equal(quote.proto, IPPROTO_TCP_);
	assert_ptr_equal(quote.saddr, q + 8);
	assert_ptr_equal(quote.daddr, q + 24);
	assert_ptr_equal(quote.l4, q + IPV6_HLEN);
	assert_memory_equal(quote.saddr, us6, 16);
	assert_memory_equal(quote.daddr, target6, 16);

	qlen = put_packet(q, us6, target6, NULL, 0, IPPROTO_UDP_, udp_probe, sizeof(udp_probe));
	assert_int_equal(quote_of(ICMP6_DST_UNREACH, 4, q, qlen, &quote), 0);
	assert_int_equal(quote.proto, IPPROTO_UDP_);
	assert_ptr_equal(quote.l4, q + IPV6_HLEN);
	assert_int_equal(packet_get16(quote.l4 + 2), 53);
}

static void quoted_extension_headers_are_walked(void **state)
{
	static const uint8_t chain[] = { HOPOPTS, DSTOPTS, ROUTING, FRAGMENT };
	uint8_t q[FRAME_MAX];
	uint32_t qlen =
		put_packet(q, us6, target6, chain, 4, IPPROTO_UDP_, udp_probe, sizeof(udp_probe));
	struct packet_quote6 quote;
	(void)state;

	assert_int_equal(quote_of(ICMP6_DST_UNREACH, 4, q, qlen, &quote), 0);
	assert_int_equal(quote.proto, IPPROTO_UDP_);
	assert_ptr_equal(quote.l4, q + IPV6_HLEN + 8 + 16 + 24 + 8);
	assert_memory_equal(quote.l4, udp_probe, 8);

	/* A quoted fragment that is not whole, No Next Header, and too many headers. */
	q[IPV6_HLEN + 48 + 3] = 1; /* M */
	assert_int_equal(quote_of(ICMP6_DST_UNREACH, 4, q, qlen, &quote), -1);
	q[IPV6_HLEN + 48 + 3] = 0;
	q[IPV6_HLEN + 48] = NO_NEXT;
	assert_int_equal(quote_of(ICMP6_DST_UNREACH, 4, q, qlen, &quote), -1);
	{
		static const uint8_t nine[] = { DSTOPTS, DSTOPTS, DSTOPTS, DSTOPTS, DSTOPTS,
						DSTOPTS, DSTOPTS, DSTOPTS, DSTOPTS };

		qlen = put_packet(q, us6, target6, nine, 8, IPPROTO_TCP_, syn, TCP_HLEN);
		assert_int_equal(quote_of(ICMP6_DST_UNREACH, 4, q, qlen, &quote), 0);
		qlen = put_packet(q, us6, target6, nine, 9, IPPROTO_TCP_, syn, TCP_HLEN);
		assert_int_equal(quote_of(ICMP6_DST_UNREACH, 4, q, qlen, &quote), -1);
	}
}

static void quotes_cut_short_need_eight_bytes_of_the_upper_layer(void **state)
{
	static const uint8_t chain[] = { DSTOPTS, FRAGMENT };
	uint8_t q[FRAME_MAX];
	uint32_t qlen = put_packet(q, us6, target6, chain, 2, IPPROTO_TCP_, syn, TCP_HLEN);
	uint32_t need = IPV6_HLEN + 16 + 8 + 8;
	struct packet_quote6 quote;
	(void)state;

	/* The quote's payload length still says 44 bytes: it is not believed. */
	for (uint32_t cut = 0; cut <= qlen; cut++)
		assert_int_equal(quote_of(ICMP6_DST_UNREACH, 4, q, cut, &quote),
				 cut >= need ? 0 : -1);
	/* Nor when it lies the other way, or says 0. */
	packet_put16(q + 4, 1000);
	assert_int_equal(quote_of(ICMP6_DST_UNREACH, 4, q, need, &quote), 0);
	packet_put16(q + 4, 0);
	assert_int_equal(quote_of(ICMP6_DST_UNREACH, 4, q, need, &quote), 0);
	assert_ptr_equal(quote.l4, q + IPV6_HLEN + 24);
	/* A quoted extension length past the bytes there. */
	q[IPV6_HLEN + 1] = 20;
	assert_int_equal(quote_of(ICMP6_DST_UNREACH, 4, q, qlen, &quote), -1);
}

static void only_errors_quoting_ipv6_are_quotes(void **state)
{
	static const uint8_t errors[] = { ICMP6_DST_UNREACH, ICMP6_PACKET_TOO_BIG,
					  ICMP6_TIME_EXCEEDED, ICMP6_PARAM_PROB };
	static const uint8_t others[] = { 0,
					  5,
					  127,
					  ICMP6_ECHO_REQUEST,
					  ICMP6_ECHO_REPLY,
					  ICMP6_NEIGH_SOLICIT,
					  ICMP6_NEIGH_ADVERT };
	uint8_t q[FRAME_MAX], f[FRAME_MAX];
	uint32_t qlen = put_packet(q, us6, target6, NULL, 0, IPPROTO_TCP_, syn, TCP_HLEN), len;
	struct packet_quote6 quote;
	struct packet_view6 v;
	(void)state;

	for (size_t i = 0; i < sizeof(errors); i++) {
		assert_int_equal(quote_of(errors[i], 0, q, qlen, &quote), 0);
		assert_int_equal(quote.icmp_type, errors[i]);
	}
	for (size_t i = 0; i < sizeof(others); i++)
		assert_int_equal(quote_of(others[i], 0, q, qlen, &quote), -1);
	q[0] = 0x45;
	assert_int_equal(quote_of(ICMP6_DST_UNREACH, 4, q, qlen, &quote), -1);
	q[0] = 0x60;

	/* The same bytes, but not ICMPv6. */
	len = icmp6_error_frame(f, ICMP6_DST_UNREACH, 4, q, qlen);
	f[20] = IPPROTO_UDP_;
	assert_int_equal(packet_parse_ipv6(f, len, &v), 0);
	assert_int_equal(packet_parse_icmp6_quote(&v, &quote), -1);
}

static void built_headers_parse_back(void **state)
{
	uint8_t f[FRAME_MAX], zero[16] = { 0 };
	struct packet_view6 v;
	uint32_t len;
	(void)state;

	memset(f, 0xcc, sizeof(f));
	assert_int_equal(packet_build_eth6(f, dmac, smac), ETH_HLEN_);
	assert_memory_equal(f, dmac, 6);
	assert_memory_equal(f + 6, smac, 6);
	assert_int_equal(packet_get16(f + 12), 0x86dd);
	assert_int_equal(packet_build_ipv6(f + 14, us6, IPPROTO_TCP_, TCP_HLEN, 64), IPV6_HLEN);
	assert_int_equal(packet_get32(f + 14), 0x60000000); /* traffic class and flow label 0 */
	assert_int_equal(packet_get16(f + 18), TCP_HLEN);
	assert_int_equal(f[20], IPPROTO_TCP_);
	assert_int_equal(f[21], 64);
	assert_memory_equal(f + 22, us6, 16);
	assert_memory_equal(f + 38, zero, 16); /* for the patch step */
	memcpy(f + 54, syn, TCP_HLEN);
	memcpy(f + 38, target6, 16);
	len = 54 + TCP_HLEN;

	assert_int_equal(parse_copy(f, len, &v), 0);
	assert_ptr_equal(v.l4, f + 54);
	assert_int_equal(v.l4_len, TCP_HLEN);
	assert_int_equal(v.flow, 0);
	assert_int_equal(v.proto, IPPROTO_TCP_);
	assert_int_equal(v.hop_limit, 64);
	assert_memory_equal(v.saddr, us6, 16);
	assert_memory_equal(v.daddr, target6, 16);

	/* A built probe, quoted in an error, is found again. */
	{
		struct packet_quote6 quote;

		assert_int_equal(quote_of(ICMP6_TIME_EXCEEDED, 0, f + 14, len - 14, &quote), 0);
		assert_int_equal(quote.proto, IPPROTO_TCP_);
		assert_ptr_equal(quote.l4, f + 54);
		assert_memory_equal(quote.daddr, target6, 16);
	}
}

/* xorshift64: a fixed sequence of random-looking numbers. */
static uint64_t next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * Valid frames with a few bytes changed and their length cut or grown: the parsers never
 * crash (ASan, valgrind) and every view they return lies inside the bytes they were given.
 * Most changes hit headers, where the lengths are.
 */
static void random_mutations_stay_inside_the_frame(void **state)
{
	static const uint8_t chain[] = { HOPOPTS, ROUTING, FRAGMENT, AH, DSTOPTS },
			     qchain[] = { DSTOPTS, FRAGMENT };
	static const uint16_t qinq[] = { 0x88a8, 0x8100 };
	uint8_t frames[5][FRAME_MAX], q[FRAME_MAX];
	uint32_t lens[5], qlen, parsed = 0, quoted = 0;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	(void)state;

	lens[0] = synack_frame(frames[0], NULL, 0);
	lens[1] = synack_frame(frames[1], chain, 5);
	lens[2] = tagged_frame(frames[2], qinq, 2);
	qlen = put_packet(q, us6, target6, qchain, 2, IPPROTO_TCP_, syn, TCP_HLEN);
	lens[3] = icmp6_error_frame(frames[3], ICMP6_DST_UNREACH, 4, q, qlen);
	qlen = put_packet(q, us6, target6, NULL, 0, IPPROTO_UDP_, udp_probe, sizeof(udp_probe));
	lens[4] = icmp6_error_frame(frames[4], ICMP6_TIME_EXCEEDED, 0, q, qlen);

	for (int i = 0; i < 100000; i++) {
		uint64_t r = next_random(&x);
		int t = (int)(r % 5);
		uint32_t len = lens[t] - 16 + (uint32_t)((r >> 8) % 32), span;
		int changes = 1 + (int)((r >> 16) % 4);
		struct packet_view6 v;
		struct packet_quote6 quote;
		uint8_t *buf = malloc(len);

		assert_non_null(buf);
		memcpy(buf, frames[t], len < lens[t] ? len : lens[t]);
		for (uint32_t k = lens[t]; k < len; k++)
			buf[k] = (uint8_t)next_random(&x);
		for (int c = 0; c < changes; c++) {
			r = next_random(&x);
			span = (r & 1) ? (len < 130 ? len : 130) : len;
			buf[(r >> 8) % span] = (uint8_t)(r >> 40);
		}
		if (packet_parse_ipv6(buf, len, &v) == 0) {
			assert_view_inside(buf, len, &v);
			parsed++;
			if (packet_parse_icmp6_quote(&v, &quote) == 0) {
				assert_quote_inside(buf, len, &quote);
				quoted++;
			}
		}
		if (packet_parse_ipv6_l3(buf + 14, len - 14, &v) == 0) {
			assert_view_inside(buf + 14, len - 14, &v);
			if (packet_parse_icmp6_quote(&v, &quote) == 0)
				assert_quote_inside(buf + 14, len - 14, &quote);
		}
		free(buf);
	}
	/* The mutations left enough frames whole to reach the walks and the quotes. */
	assert_true(parsed > 10000);
	assert_true(quoted > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(synack_over_ipv6_gives_every_field),
		cmocka_unit_test(l3_parse_reads_a_packet_without_link_layer),
		cmocka_unit_test(up_to_two_vlan_tags_are_skipped),
		cmocka_unit_test(what_is_not_ipv6_is_refused),
		cmocka_unit_test(each_extension_header_is_walked),
		cmocka_unit_test(chains_of_extension_headers_are_walked),
		cmocka_unit_test(more_than_eight_extension_headers_are_refused),
		cmocka_unit_test(only_whole_fragments_are_accepted),
		cmocka_unit_test(no_next_header_and_jumbograms_are_refused),
		cmocka_unit_test(padding_after_the_payload_is_ignored),
		cmocka_unit_test(lying_extension_lengths_are_refused),
		cmocka_unit_test(every_truncation_is_refused),
		cmocka_unit_test(port_unreachable_quoting_tcp_and_udp_probes),
		cmocka_unit_test(quoted_extension_headers_are_walked),
		cmocka_unit_test(quotes_cut_short_need_eight_bytes_of_the_upper_layer),
		cmocka_unit_test(only_errors_quoting_ipv6_are_quotes),
		cmocka_unit_test(built_headers_parse_back),
		cmocka_unit_test(random_mutations_stay_inside_the_frame),
	};

	return cmocka_run_group_tests_name("packet6", tests, NULL, NULL);
}
