/*
 * What the probe modules' unit tests share: addresses, a probe set up as the scan would
 * set it up, a frame built from it, an independent checksum, and replies built by hand.
 * Header-only (static inline): each test binary is one .c file.
 */
#ifndef SALVO_TESTS_PROBE_FIXTURES_H
#define SALVO_TESTS_PROBE_FIXTURES_H

#include <stdio.h>
#include <string.h>

#include "probe/packet.h"
#include "probe/probe.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define US	       IP(198, 18, 0, 1)
#define TARGET	       IP(198, 18, 1, 5)

/* The validation PRF of the fixture's probes: each test binary runs its tests once with each
 * (fixture_run_each_prf), so that every reply check holds for both. */
static enum prf_kind fixture_prf;

/* The group of tests once with SipHash and once with AES; how many failed. */
static inline int fixture_run_each_prf(const char *group, const struct CMUnitTest *tests,
				       size_t count)
{
	char name[64];
	int failed = 0;

	for (int k = PRF_SIPHASH; k <= PRF_AES; k++) {
		fixture_prf = (enum prf_kind)k;
		snprintf(name, sizeof(name), "%s, %s", group, prf_name(fixture_prf));
		failed += _cmocka_run_group_tests(name, tests, count, NULL, NULL);
	}
	return failed;
}

/*
 * The probe module name with -P probes, --probe-args args (may be NULL), source ports
 * sport_first..+sport_count-1 and a key made from key_step; probe_init's status.
 */
static inline int fixture_probe(struct probe *p, const char *name, uint32_t probes,
				const char *args, uint16_t sport_first, uint32_t sport_count,
				unsigned key_step, char *err)
{
	static const uint8_t smac[6] = { 2, 0, 0, 0, 0, 1 }, gw[6] = { 2, 0, 0, 0, 0, 2 };

	memset(p, 0, sizeof(*p));
	p->ops = probe_by_name(name);
	assert_non_null(p->ops);
	p->params.saddr = US;
	memcpy(p->params.smac, smac, 6);
	memcpy(p->params.gwmac, gw, 6);
	p->params.sport_first = sport_first;
	p->params.sport_count = sport_count;
	p->params.probes = probes;
	p->params.ttl = 255;
	for (unsigned i = 0; i < sizeof(p->params.key); i++)
		p->params.key[i] = (uint8_t)(i * key_step + 3);
	p->params.prf = fixture_prf;
	p->args = args;
	return probe_init(p, err, err ? 256 : 0);
}

/* Reference one's-complement sum, written independently of util/checksum.c. */
static inline uint16_t ref_sum(const uint8_t *p, size_t len, uint32_t start)
{
	uint64_t s = start;

	for (size_t i = 0; i < len; i++)
		s += (i % 2 == 0) ? (uint64_t)p[i] * 256 : p[i];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The frame the scan would send to (daddr, dport), probe number k; its length. */
static inline uint32_t fixture_frame(const struct probe *p, uint8_t *f, uint32_t daddr,
				     uint16_t dport, uint32_t k)
{
	assert_true(probe_template(p, f, PROBE_FRAME_MAX) > 0);
	return probe_patch(p, f, daddr, dport, k);
}

/* Does the frame validate as a reply to p, as the receive path checks it? */
static inline int fixture_check(const struct probe *p, const uint8_t *f, uint32_t len,
				struct probe_result *r)
{
	struct packet_view v;

	return packet_parse_ipv4(f, len, &v) == 0 && probe_validate(p, &v, r);
}

/* An ICMP error (type, code) from router to us quoting the probe's IP header and 8 bytes. */
static inline uint32_t fixture_icmp_error(const uint8_t *probe_frame, uint8_t *f, uint32_t router,
					  uint8_t type, uint8_t code)
{
	memset(f, 0, 128);
	packet_put16(f + 12, 0x0800);
	f[14] = 0x45;
	packet_put16(f + 16, 20 + 8 + 28);
	f[22] = 64;
	f[23] = 1;
	packet_put32(f + 26, router);
	packet_put32(f + 30, US);
	f[34] = type;
	f[35] = code;
	memcpy(f + 42, probe_frame + 14, 28);
	return 14 + 20 + 8 + 28;
}

#endif
