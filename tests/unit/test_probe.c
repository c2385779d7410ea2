/*
 * Unit tests for the tcp_synscan probe and the frame parser: the SYN's
 * fields and checksums (verified with an independent summation), and
 * stateless validation of replies: the right one accepted, each kind of
 * wrong one rejected, and any bytes survived.
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

#include "probe/print.h"
#include "probe_fixtures.h"

static struct probe make_probe(uint32_t probes)
{
	struct probe p;

	assert_int_equal(fixture_probe(&p, "tcp_synscan", probes, NULL, 32768, 28233, 11, NULL), 0);
	return p;
}

static int build_syn(const struct probe *p, uint8_t *f, uint32_t daddr, uint16_t dport,
		     uint32_t probe_num)
{
	return (int)fixture_frame(p, f, daddr, dport, probe_num);
}

static void syn_has_right_fields_and_valid_checksums(void **state)
{
	struct probe p = make_probe(1);
	uint8_t f[PROBE_FRAME_MAX];
	int len = build_syn(&p, f, TARGET, 443, 0);
	const uint8_t *ip = f + 14, *tcp = ip + 20;
	uint32_t tcp_len = (uint32_t)len - 34, pseudo;
	(void)state;

	assert_int_equal(len, 14 + 20 + 24);
	assert_int_equal(packet_get16(f + 12), 0x0800);
	assert_int_equal(f[5], 2); /* gateway MAC first */
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(packet_get16(ip + 2), 20 + 24);
	assert_int_equal(ip[9], 6);
	assert_int_equal(packet_get32(ip + 12), US);
	assert_int_equal(packet_get32(ip + 16), TARGET);
	assert_int_equal(packet_get16(tcp + 2), 443);
	assert_int_equal(tcp[13], TCP_FLAG_SYN);
	assert_true(packet_get16(tcp) >= 32768 && packet_get16(tcp) < 32768 + 28233);
	/* A header that includes its own checksum sums to 0xffff. */
	assert_int_equal(ref_sum(ip, 20, 0), 0xffff);
	pseudo = (US >> 16) + (US & 0xffff) + (TARGET >> 16) + (TARGET & 0xffff) + 6 + tcp_len;
	assert_int_equal(ref_sum(tcp, tcp_len, pseudo), 0xffff);
}

/* The incremental checksums hold for any target: 20000 random ones, checked independently. */
static void checksums_are_valid_for_random_targets(void **state)
{
	struct probe p = make_probe(4);
	uint8_t f[PROBE_FRAME_MAX];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	(void)state;

	for (int i = 0; i < 20000; i++) {
		uint32_t daddr, pseudo;
		int len;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		daddr = (uint32_t)x;
		len = build_syn(&p, f, daddr, (uint16_t)(x >> 32), (uint32_t)(x >> 60) % 4);
		assert_int_equal(ref_sum(f + 14, 20, 0), 0xffff);
		pseudo = (US >> 16) + (US & 0xffff) + (daddr >> 16) + (daddr & 0xffff) + 6 +
			 (uint32_t)(len - 34);
		assert_int_equal(ref_sum(f + 34, (size_t)(len - 34), pseudo), 0xffff);
	}
}

/* Each --probe-args preset: well-formed options (walked as TLVs), right length, valid sums. */
static void option_presets_are_well_formed(void **state)
{
	static const struct {
		const char *name;
		unsigned opt_len;
		const char *kinds; /* option kinds in order, as characters '0' + kind */
	} presets[] = {
		{ "mss", 4, "2" },	     { "none", 0, "" },	       { "linux", 20, "24813" },
		{ "windows", 12, "213114" }, { "bsd", 24, "2131184" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++) {
		struct probe p = make_probe(1);
		uint8_t f[PROBE_FRAME_MAX];
		char kinds[16] = "", err[128];
		unsigned k = 0, off;
		const uint8_t *tcp;
		uint32_t len, pseudo;

		p.args = presets[i].name;
		assert_int_equal(probe_init(&p, err, sizeof(err)), 0);
		len = (uint32_t)build_syn(&p, f, TARGET, 80, 0);
		tcp = f + 34;
		assert_int_equal(len, 54 + presets[i].opt_len);
		assert_int_equal((tcp[12] >> 4) * 4, 20 + presets[i].opt_len);
		for (off = 20; off < 20 + presets[i].opt_len && tcp[off] != 0;) {
			kinds[k++] = (char)('0' + tcp[off]);
			if (tcp[off] == 1) {
				off++;
				continue;
			}
			assert_true(tcp[off + 1] >= 2);
			if (tcp[off] == 8) { /* timestamps: length 10, TSval from the key */
				assert_int_equal(tcp[off + 1], 10);
				assert_memory_equal(tcp + off + 2, p.params.key + 4, 4);
			}
			off += tcp[off + 1];
		}
		assert_true(off <= 20 + presets[i].opt_len);
		assert_string_equal(kinds, presets[i].kinds);
		assert_int_equal(ref_sum(f + 14, 20, 0), 0xffff);
		pseudo = (US >> 16) + (US & 0xffff) + (TARGET >> 16) + (TARGET & 0xffff) + 6 +
			 (len - 34);
		assert_int_equal(ref_sum(tcp, len - 34, pseudo), 0xffff);
	}
}

static void unknown_preset_is_named(void **state)
{
	struct probe p = make_probe(1);
	char err[160];
	(void)state;

	p.args = "solaris";
	assert_int_equal(probe_init(&p, err, sizeof(err)), -22);
	assert_non_null(
		strstr(err, "'solaris': tcp_synscan options are mss, none, linux, windows or bsd"));
}

static void syns_to_different_targets_differ(void **state)
{
	struct probe p = make_probe(1);
	uint8_t a[PROBE_FRAME_MAX], b[PROBE_FRAME_MAX];
	(void)state;

	build_syn(&p, a, TARGET, 80, 0);
	build_syn(&p, b, TARGET, 81, 0);
	assert_true(packet_get32(a + 38) != packet_get32(b + 38)); /* sequence numbers */
	build_syn(&p, b, TARGET, 80, 0);
	assert_memory_equal(a, b, 58); /* deterministic */
}

/* Build the reply a target would send to the SYN in syn. */
static uint32_t build_reply(const uint8_t *syn, uint8_t *f, uint8_t flags, uint32_t ack_delta)
{
	const uint8_t *sip = syn + 14, *stcp = sip + 20;

	memset(f, 0, 60);
	memcpy(f, syn + 6, 6);
	memcpy(f + 6, syn, 6);
	packet_put16(f + 12, 0x0800);
	f[14] = 0x45;
	packet_put16(f + 16, 40);
	f[22] = 64;
	f[23] = 6;
	memcpy(f + 26, sip + 16, 4); /* from the target */
	memcpy(f + 30, sip + 12, 4); /* to us */
	memcpy(f + 34, stcp + 2, 2);
	memcpy(f + 36, stcp, 2);
	packet_put32(f + 38, 12345);
	packet_put32(f + 42, packet_get32(stcp + 4) + ack_delta);
	f[46] = 5 << 4;
	f[47] = flags;
	packet_put16(f + 48, 29200);
	return 60;
}

static void synack_with_right_ack_validates_as_open(void **state)
{
	struct probe p = make_probe(1);
	uint8_t syn[PROBE_FRAME_MAX], reply[64];
	struct probe_result r = { 0 };
	uint32_t len;
	(void)state;

	build_syn(&p, syn, TARGET, 443, 0);
	len = build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
	assert_int_equal(fixture_check(&p, reply, len, &r), 1);
	probe_classify(&p, &r);
	assert_int_equal(r.saddr, TARGET);
	assert_int_equal(r.sport, 443);
	assert_int_equal(r.ttl, 64);
	assert_int_equal(r.window, 29200);
	assert_string_equal(r.classification, "synack");
	assert_int_equal(r.success, 1);
	/* ZMap's seqnum and acknum fields: the reply's numbers, the ack our sequence + 1. */
	{
		char text[32], want[32];
		const struct probe_field *fl = p.ops->fields;

		assert_int_equal(p.ops->field_count, 2);
		assert_string_equal(fl[0].name, "seqnum");
		fl[0].format(&r, text, sizeof(text));
		assert_string_equal(text, "12345");
		fl[1].format(&r, text, sizeof(text));
		snprintf(want, sizeof(want), "%u", packet_get32(syn + 38) + 1);
		assert_string_equal(text, want);
	}
}

/* --validate-source-port=disable: a reply to another of our ports counts (a middlebox
 * rewrote it), one outside our range never does; the ack is still checked. */
static void disabled_source_port_validation_takes_any_of_our_ports(void **state)
{
	struct probe p = make_probe(1);
	uint8_t syn[PROBE_FRAME_MAX], reply[64];
	struct probe_result r;
	uint16_t ours;
	(void)state;

	build_syn(&p, syn, TARGET, 443, 0);
	build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
	ours = packet_get16(reply + 36);
	packet_put16(reply + 36, ours == p.params.sport_first ? ours + 1 : ours - 1);
	assert_int_equal(fixture_check(&p, reply, 60, &r), 0);
	p.params.sport_any = 1;
	assert_int_equal(fixture_check(&p, reply, 60, &r), 1);
	packet_put16(reply + 36, (uint16_t)(p.params.sport_first + p.params.sport_count));
	assert_int_equal(fixture_check(&p, reply, 60, &r), 0);
	build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 2);
	assert_int_equal(fixture_check(&p, reply, 60, &r), 0);
}

static void rst_validates_as_closed(void **state)
{
	struct probe p = make_probe(1);
	uint8_t syn[PROBE_FRAME_MAX], reply[64];
	struct probe_result r = { 0 };
	(void)state;

	build_syn(&p, syn, TARGET, 22, 0);
	build_reply(syn, reply, TCP_FLAG_RST | TCP_FLAG_ACK, 1);
	assert_int_equal(fixture_check(&p, reply, 60, &r), 1);
	probe_classify(&p, &r);
	assert_string_equal(r.classification, "rst");
	assert_int_equal(r.success, 0);
}

static void replies_with_wrong_ack_port_or_address_are_rejected(void **state)
{
	struct probe p = make_probe(1);
	uint8_t syn[PROBE_FRAME_MAX], reply[64];
	struct probe_result r;
	(void)state;

	build_syn(&p, syn, TARGET, 443, 0);
	build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 0); /* ack = seq */
	assert_int_equal(fixture_check(&p, reply, 60, &r), 0);
	build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 2); /* ack = seq + 2 */
	assert_int_equal(fixture_check(&p, reply, 60, &r), 0);

	build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
	packet_put16(reply + 36, packet_get16(reply + 36) + 1); /* our port off by one */
	assert_int_equal(fixture_check(&p, reply, 60, &r), 0);

	build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
	packet_put16(reply + 34, 444); /* their port differs from the probed one */
	assert_int_equal(fixture_check(&p, reply, 60, &r), 0);

	build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
	packet_put32(reply + 26, TARGET + 1); /* another address */
	assert_int_equal(fixture_check(&p, reply, 60, &r), 0);

	build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
	packet_put32(reply + 30, US + 1); /* not to us */
	assert_int_equal(fixture_check(&p, reply, 60, &r), 0);

	build_reply(syn, reply, TCP_FLAG_ACK, 1); /* neither SYN nor RST */
	assert_int_equal(fixture_check(&p, reply, 60, &r), 0);
}

/* The probe hash is the PRF of (source, destination, port) in network order: SipHash of the
 * ten bytes, or AES of them in a block with zeros and their length last (util/prf.h).  The same
 * value for the same probe in every build, so a checkpoint's key still recognises late replies. */
static void probe_hash_is_the_prf_of_the_network_order_bytes(void **state)
{
	struct probe p = make_probe(1);
	const uint32_t daddrs[] = { 0xc6120101, 0x01020304, 0xffffffff, 0 };
	uint8_t in[16] = { 0 }, out[16];
	struct prf_aes soft;
	(void)state;

	prf_aes_init(&soft, p.params.key, 0);
	in[15] = 10;
	for (size_t i = 0; i < sizeof(daddrs) / sizeof(daddrs[0]); i++) {
		uint16_t dport = (uint16_t)(0x1234 * (i + 1));
		uint64_t want;

		packet_put32(in, p.params.saddr);
		packet_put32(in + 4, daddrs[i]);
		packet_put16(in + 8, dport);
		prf_aes128_encrypt(soft.round_keys, in, out);
		want = fixture_prf == PRF_AES ? siphash_le64(out) : siphash24(in, 10, p.params.key);
		assert_int_equal(probe_hash(&p.params, p.params.saddr, daddrs[i], dport), want);
	}
	probe_close(&p);
}

/* A probe of the same key under the given PRF. */
static struct probe make_probe_prf(uint32_t probes, enum prf_kind prf)
{
	enum prf_kind saved = fixture_prf;
	struct probe p;

	fixture_prf = prf;
	p = make_probe(probes);
	fixture_prf = saved;
	return p;
}

/*
 * SipHash and AES accept and refuse the same replies, each to its own probes: for random
 * targets, ports and repeats, the reply each probe draws validates, and the same reply one off
 * in its acknowledgement, from another port, to another source port or with another key's
 * hash does not, with either PRF.  A reply to one PRF's probe is refused by the other's: a scan
 * must keep its PRF across a resume (checkpoints carry it).
 */
static void both_prfs_accept_the_same_replies(void **state)
{
	struct probe p[2] = { make_probe_prf(3, PRF_SIPHASH), make_probe_prf(3, PRF_AES) };
	uint8_t syn[PROBE_FRAME_MAX], reply[64];
	struct probe_result r;
	uint64_t x = 0x2545f4914f6cdd1dULL;
	unsigned crossed = 0;
	(void)state;

	for (int i = 0; i < 5000; i++) {
		uint32_t daddr, k;
		uint16_t dport;
		int got[2][5];

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		daddr = (uint32_t)x;
		dport = (uint16_t)(x >> 32);
		k = (uint32_t)(x >> 48) % 3;
		for (int j = 0; j < 2; j++) {
			build_syn(&p[j], syn, daddr, dport, k);
			build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
			got[j][0] = fixture_check(&p[j], reply, 60, &r);
			crossed += (unsigned)fixture_check(&p[1 - j], reply, 60, &r);
			build_reply(syn, reply, TCP_FLAG_RST | TCP_FLAG_ACK, 0);
			got[j][1] = fixture_check(&p[j], reply, 60, &r);
			build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
			packet_put16(reply + 34, (uint16_t)(dport + 1));
			got[j][2] = fixture_check(&p[j], reply, 60, &r);
			build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
			packet_put16(reply + 36, (uint16_t)(packet_get16(reply + 36) ^ 0x4000));
			got[j][3] = fixture_check(&p[j], reply, 60, &r);
			build_reply(syn, reply, TCP_FLAG_RST, 1);
			got[j][4] = fixture_check(&p[j], reply, 60, &r);
		}
		assert_int_equal(got[0][0], 1);
		for (int c = 1; c < 5; c++)
			assert_int_equal(got[0][c], got[1][c]);
		assert_int_equal(got[0][1], 0);
		assert_int_equal(got[0][4], 1);
	}
	/* A forged reply passes by chance at most once in 2^32 tries: never in 10,000. */
	assert_int_equal(crossed, 0);
}

static void a_different_key_rejects_the_reply(void **state)
{
	struct probe p = make_probe(1), other = make_probe(1);
	uint8_t syn[PROBE_FRAME_MAX], reply[64];
	struct probe_result r;
	(void)state;

	other.params.key[0] ^= 1;
	assert_int_equal(probe_init(&other, NULL, 0), 0);
	build_syn(&p, syn, TARGET, 443, 0);
	build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
	assert_int_equal(fixture_check(&other, reply, 60, &r), 0);
	assert_int_equal(fixture_check(&p, reply, 60, &r), 1);
}

static void every_repeat_probe_validates(void **state)
{
	struct probe p = make_probe(3);
	uint8_t syn[PROBE_FRAME_MAX], reply[64];
	struct probe_result r;
	(void)state;

	for (uint32_t k = 0; k < 3; k++) {
		build_syn(&p, syn, TARGET, 80, k);
		build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
		assert_int_equal(fixture_check(&p, reply, 60, &r), 1);
	}
	/* A fourth source port was never used. */
	build_syn(&p, syn, TARGET, 80, 3);
	build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
	assert_int_equal(fixture_check(&p, reply, 60, &r), 0);
}

static void parser_handles_vlan_options_truncation_and_fragments(void **state)
{
	struct probe p = make_probe(1);
	uint8_t syn[PROBE_FRAME_MAX], reply[64], tagged[80], opts[80];
	struct packet_view v;
	struct probe_result r;
	(void)state;

	build_syn(&p, syn, TARGET, 443, 0);
	build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);

	/* One 802.1Q tag. */
	memcpy(tagged, reply, 12);
	packet_put16(tagged + 12, 0x8100);
	packet_put16(tagged + 14, 7);
	memcpy(tagged + 16, reply + 12, 48);
	assert_int_equal(fixture_check(&p, tagged, 64, &r), 1);

	/* IP options: ihl 6, the TCP header moves by 4 bytes. */
	memcpy(opts, reply, 34);
	opts[14] = 0x46;
	packet_put16(opts + 16, 44);
	memset(opts + 34, 1, 4); /* NOPs */
	memcpy(opts + 38, reply + 34, 20);
	assert_int_equal(fixture_check(&p, opts, 58, &r), 1);

	/* Truncated anywhere: never accepted, never read past the end. */
	for (uint32_t len = 0; len < 54; len++)
		assert_int_equal(fixture_check(&p, reply, len, &r), 0);

	/* A fragment is dropped. */
	reply[20] = 0x20; /* MF */
	assert_int_equal(packet_parse_ipv4(reply, 60, &v), -1);
	reply[20] = 0;
	packet_put16(reply + 20, 8); /* offset */
	assert_int_equal(packet_parse_ipv4(reply, 60, &v), -1);

	/* Bad version and bad header lengths. */
	build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
	reply[14] = 0x65;
	assert_int_equal(packet_parse_ipv4(reply, 60, &v), -1);
	reply[14] = 0x44;
	assert_int_equal(packet_parse_ipv4(reply, 60, &v), -1);
	reply[14] = 0x4f; /* 60-byte header in a 46-byte packet */
	assert_int_equal(packet_parse_ipv4(reply, 60, &v), -1);
}

/* Random and mutated frames: validation must never crash or read out of bounds (ASan). */
static void random_bytes_are_survived(void **state)
{
	struct probe p = make_probe(2);
	uint8_t syn[PROBE_FRAME_MAX], reply[64];
	struct probe_result r;
	uint64_t x = 88172645463325252ULL;
	(void)state;

	build_syn(&p, syn, TARGET, 443, 0);
	for (int i = 0; i < 200000; i++) {
		uint32_t len;
		uint8_t *buf;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		len = (uint32_t)(x % 80);
		buf = malloc(len ? len : 1);
		build_reply(syn, reply, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
		memcpy(buf, reply, len < 60 ? len : 60);
		for (uint32_t k = 0; k < len; k++)
			if ((x >> (k % 60)) & 1 && (x >> 3) % 4 == 0)
				buf[k] = (uint8_t)(x >> (k % 56));
		(void)fixture_check(&p, buf, len, &r);
		free(buf);
	}
}

/* The checksum a block of the dry-run text shows ("... checksum: 0X1A2B ..."). */
static unsigned printed_checksum(const char *line)
{
	const char *at = strstr(line, "checksum: ");

	assert_non_null(at);
	return (unsigned)strtoul(at + 10, NULL, 16);
}

/*
 * Every module's probes, printed as ZMap's dry run prints them: each printed checksum is the
 * frame's, and the frame's checksums are right (summed again independently, over the
 * pseudo-header for TCP and UDP).  New modules are covered as they join the table.
 */
static void dryrun_text_checksums_are_the_frames_and_right(void **state)
{
	const struct probe_ops *ops;
	(void)state;

	for (size_t m = 0; (ops = probe_at(m)); m++) {
		struct probe p;
		char err[256];

		if (fixture_probe(&p, ops->name, 1, NULL, 40000, 1000, 3, err))
			continue; /* a module that needs --probe-args: its own tests print it */
		for (uint32_t k = 0; k < 40; k++) {
			uint8_t f[PROBE_FRAME_MAX];
			uint32_t len =
				fixture_frame(&p, f, TARGET + k * 7919, (uint16_t)(k * 131 + 1), 0);
			const uint8_t *ip = f + 14, *l4 = ip + 20;
			uint32_t l4_len = len - 34, pseudo = 0;
			char *text, *second, *first;
			size_t size;
			FILE *mf = open_memstream(&text, &size);

			assert_int_equal(probe_print_zmap(mf, p.ops, f, len, 0), 0);
			fclose(mf);
			/* The ip block, and the transport block just before it. */
			assert_non_null(second = strstr(text, "ip { saddr"));
			assert_int_equal(printed_checksum(second), packet_get16(ip + 10));
			assert_int_equal(ref_sum(ip, 20, 0), 0xffff);
			if (ip[9] == IPPROTO_TCP_ || ip[9] == IPPROTO_UDP_)
				pseudo = ref_sum(ip + 12, 8, ip[9] + l4_len);
			for (first = second - 1; first > text && first[-1] != '\n'; first--)
				;
			assert_int_equal(printed_checksum(first),
					 packet_get16(l4 + (ip[9] == IPPROTO_TCP_   ? 16
							    : ip[9] == IPPROTO_UDP_ ? 6
										    : 2)));
			assert_int_equal(ref_sum(l4, l4_len, pseudo), 0xffff);
			free(text);
		}
		probe_close(&p);
	}
}

/* Modules whose dry-run text ZMap prints its own way: dns opens with dashes and names its
 * block "dns"; ntp prints its header line before the udp block. */
static void dryrun_text_of_dns_and_ntp_is_zmaps(void **state)
{
	static const char *const want[][2] = {
		{ "dns", "------------------------------------------------------\ndns { source: " },
		{ "ntp", "ntp { LI_VN_MODE: 227 | stratum: 0 | poll: 0 }\nudp { source: " },
		{ "bacnet", "udp { source: " },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct probe p;
		uint8_t f[PROBE_FRAME_MAX];
		char err[256], *text;
		size_t size;
		uint32_t len;
		FILE *mf;

		assert_int_equal(fixture_probe(&p, want[i][0], 1, NULL, 40000, 100, 3, err), 0);
		len = fixture_frame(&p, f, TARGET, 53, 0);
		assert_non_null(mf = open_memstream(&text, &size));
		assert_int_equal(probe_print_zmap(mf, p.ops, f, len, 0), 0);
		fclose(mf);
		assert_memory_equal(text, want[i][1], strlen(want[i][1]));
		assert_non_null(strstr(text, "\nip { saddr: 198.18.0.1 | daddr: 198.18.1.5 | "));
		free(text);
		probe_close(&p);
	}
}

/* ZMap's dry-run layout, field for field, for frames built by hand (so the expected text is
 * known byte by byte): ZMap's format strings give "%#04X" checksums (0X1234, and 0000 for
 * zero), lower-case MACs, the transport block first and 54 dashes after each probe. */
static void dryrun_text_is_zmaps_layout(void **state)
{
	static const uint8_t eth[14] = { 0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0 };
	static const uint8_t ip[20] = { 0x45, 0,    0,	 40, 0x12, 0x34, 0,   0,  255, 6,
					0xab, 0xcd, 198, 18, 0,	   1,	 198, 18, 1,   200 };
	static const uint8_t tcp[20] = { 0xd4, 0x31, 0,	   80,	 0x83, 0x18, 0x5e, 0xf8, 0, 0,
					 0,    0,    0x50, 0x02, 0xff, 0xff, 0x00, 0x0a, 0, 0 };
	static const uint8_t udp[8] = { 0xc5, 0x63, 0, 53, 0, 8, 0x55, 0xb9 };
	static const uint8_t icmp[8] = { 8, 0, 0x59, 0xfd, 0xb2, 0xc8, 0xeb, 0x39 };
	const char *sep = "------------------------------------------------------\n";
	uint8_t frame[64];
	char *text;
	size_t size;
	FILE *f;
	(void)state;

	assert_int_equal(strlen(sep), 55);
	assert_non_null(f = open_memstream(&text, &size));
	memcpy(frame, eth, 14);
	memcpy(frame + 14, ip, 20);
	memcpy(frame + 34, tcp, 20);
	assert_int_equal(probe_print_zmap(f, NULL, frame, 54, 0), 0);
	frame[14 + 9] = 17;
	memcpy(frame + 34, udp, 8);
	assert_int_equal(probe_print_zmap(f, NULL, frame, 42, 0), 0);
	frame[14 + 9] = 1;
	memcpy(frame + 34, icmp, 8);
	assert_int_equal(probe_print_zmap(f, NULL, frame, 42, 0), 0);
	/* Not a probe: too short, not IPv4, an unknown protocol. */
	assert_int_equal(probe_print_zmap(f, NULL, frame, 30, 0), -EINVAL);
	frame[12] = 0x86;
	assert_int_equal(probe_print_zmap(f, NULL, frame, 42, 0), -EINVAL);
	frame[12] = 0x08;
	frame[14 + 9] = 47;
	assert_int_equal(probe_print_zmap(f, NULL, frame, 42, 0), -EINVAL);
	fclose(f);
	assert_string_equal(
		text, "tcp { source: 54321 | dest: 80 | seq: 2199412472 | checksum: 0X0A }\n"
		      "ip { saddr: 198.18.0.1 | daddr: 198.18.1.200 | checksum: 0XABCD }\n"
		      "eth { shost: 02:00:00:00:00:01 | dhost: 02:00:00:00:00:02 }\n"
		      "------------------------------------------------------\n"
		      "udp { source: 50531 | dest: 53 | checksum: 0X55B9 }\n"
		      "ip { saddr: 198.18.0.1 | daddr: 198.18.1.200 | checksum: 0XABCD }\n"
		      "eth { shost: 02:00:00:00:00:01 | dhost: 02:00:00:00:00:02 }\n"
		      "------------------------------------------------------\n"
		      "icmp { type: 8 | code: 0 | checksum: 0X59FD | id: 45768 | seq: 60217 }\n"
		      "ip { saddr: 198.18.0.1 | daddr: 198.18.1.200 | checksum: 0XABCD }\n"
		      "eth { shost: 02:00:00:00:00:01 | dhost: 02:00:00:00:00:02 }\n"
		      "------------------------------------------------------\n");
	free(text);
}

/* --fast-dryrun's record, byte for byte: ZMap's 4 bytes of destination address and 2 of
 * destination port as on the wire (port 0 for ICMP), 16 and 2 for IPv6, nothing for a frame
 * that is no probe. */
static void fast_record_is_the_destination_as_on_the_wire(void **state)
{
	static const uint8_t ip[20] = { 0x45, 0,    0,	 40, 0x12, 0x34, 0,   0,  255, 6,
					0xab, 0xcd, 198, 18, 0,	   1,	 198, 18, 1,   200 };
	static const uint8_t tcp[4] = { 0xd4, 0x31, 0x01, 0xbb };
	static const uint8_t ip6[8] = { 0x60, 0, 0, 0, 0, 20, 17, 64 };
	uint8_t frame[80] = { [12] = 0x08 }, out[PROBE_FAST_MAX];
	(void)state;

	memcpy(frame + 14, ip, 20);
	memcpy(frame + 34, tcp, 4);
	memset(out, 0xee, sizeof(out));
	assert_int_equal(probe_fast_record(frame, 54, out), 6);
	assert_memory_equal(out, ((const uint8_t[]){ 198, 18, 1, 200, 0x01, 0xbb }), 6);
	frame[14 + 9] = 17; /* udp: the same place */
	assert_int_equal(probe_fast_record(frame, 42, out), 6);
	assert_memory_equal(out + 4, ((const uint8_t[]){ 0x01, 0xbb }), 2);
	frame[14 + 9] = 1; /* icmp: no port */
	assert_int_equal(probe_fast_record(frame, 42, out), 6);
	assert_memory_equal(out, ((const uint8_t[]){ 198, 18, 1, 200, 0, 0 }), 6);
	assert_int_equal(probe_fast_record(frame, 30, out), -EINVAL);
	frame[14] = 0x65; /* not IPv4 */
	assert_int_equal(probe_fast_record(frame, 42, out), -EINVAL);

	frame[12] = 0x86;
	frame[13] = 0xdd;
	memcpy(frame + 14, ip6, 8);
	for (int i = 0; i < 16; i++)
		frame[14 + 24 + i] = (uint8_t)(0x20 + i); /* the destination */
	frame[14 + 40 + 2] = 0x00;
	frame[14 + 40 + 3] = 0x35;
	assert_int_equal(probe_fast_record(frame, 14 + 40 + 8, out), 18);
	for (int i = 0; i < 16; i++)
		assert_int_equal(out[i], 0x20 + i);
	assert_int_equal(out[16] << 8 | out[17], 53);
	assert_int_equal(probe_fast_record(frame, 14 + 39, out), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syn_has_right_fields_and_valid_checksums),
		cmocka_unit_test(checksums_are_valid_for_random_targets),
		cmocka_unit_test(option_presets_are_well_formed),
		cmocka_unit_test(unknown_preset_is_named),
		cmocka_unit_test(syns_to_different_targets_differ),
		cmocka_unit_test(synack_with_right_ack_validates_as_open),
		cmocka_unit_test(rst_validates_as_closed),
		cmocka_unit_test(dryrun_text_checksums_are_the_frames_and_right),
		cmocka_unit_test(dryrun_text_of_dns_and_ntp_is_zmaps),
		cmocka_unit_test(disabled_source_port_validation_takes_any_of_our_ports),
		cmocka_unit_test(replies_with_wrong_ack_port_or_address_are_rejected),
		cmocka_unit_test(probe_hash_is_the_prf_of_the_network_order_bytes),
		cmocka_unit_test(both_prfs_accept_the_same_replies),
		cmocka_unit_test(a_different_key_rejects_the_reply),
		cmocka_unit_test(every_repeat_probe_validates),
		cmocka_unit_test(parser_handles_vlan_options_truncation_and_fragments),
		cmocka_unit_test(random_bytes_are_survived),
		cmocka_unit_test(dryrun_text_is_zmaps_layout),
		cmocka_unit_test(fast_record_is_the_destination_as_on_the_wire),
	};

	return fixture_run_each_prf("probe", tests, sizeof(tests) / sizeof(tests[0]));
}
