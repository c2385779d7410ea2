/*
 * ntp: ZMap's ntp module.  An NTP client request (RFC 5905: 48 bytes, LI 3 "clock not
 * synchronised", version 4, mode 3 "client", all else zero) to each (address, port); the
 * port is -p's, as in ZMap (123 is NTP's).
 *
 * Any UDP reply from the probed port to our source port is a success ("ntp"), as in ZMap;
 * an ICMP unreachable quoting the probe is "icmp" (not a success).  The fields are the
 * server's header, each the unsigned big-endian number at its RFC 5905 offset, and "null"
 * when the reply is too short to hold it (or is an ICMP error).
 */
#include "probe/probe.h"

#include "probe/field.h"
#include "probe/udp_common.h"

#define NTP_HEADER_LEN 48

static const uint8_t ntp_request[NTP_HEADER_LEN] = { 0xe3 };

static int ntp_template(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_udp_template(p, buf, cap, ntp_request, sizeof(ntp_request));
}

static int ntp_init(struct probe *p, char *err, size_t errlen)
{
	return probe_udp_init_fixed(p, ntp_request, sizeof(ntp_request), err, errlen);
}

/* The request is the same for every target: only the headers change. */
static uint32_t ntp_patch(const struct probe *p, uint8_t *frame, uint32_t daddr, uint16_t dport,
			  uint32_t probe_num)
{
	uint32_t saddr = probe_source(&p->params, daddr);
	uint64_t h = probe_hash(&p->params, saddr, daddr, dport);

	return probe_udp_finish(p, frame, saddr, daddr, dport, probe_num, h, sizeof(ntp_request),
				0);
}

static int ntp_template6(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_udp_template6(p, buf, cap, ntp_request, sizeof(ntp_request));
}

static uint32_t ntp_patch6(const struct probe *p, uint8_t *frame, const uint8_t daddr[16],
			   uint16_t dport, uint32_t probe_num)
{
	uint64_t h = probe_hash6(&p->params, p->params.saddr6, daddr, dport);

	return probe_udp_finish6(p, frame, daddr, dport, probe_num, h, sizeof(ntp_request), 0);
}

static void ntp_classify(const struct probe *p, struct probe_result *r)
{
	(void)p;
	r->success = !(r->flags & UDP_FLAG_ICMP);
	r->classification = r->success ? "ntp" : "icmp";
}

/* The size-byte big-endian number at off in the reply's NTP header, or null if it is not there. */
static size_t ntp_field(const struct probe_result *r, unsigned off, unsigned size, char *buf,
			size_t cap)
{
	uint64_t v = 0;

	if ((r->flags & UDP_FLAG_ICMP) || r->data_len < off + size)
		return probe_field_null(buf, cap);
	for (unsigned i = 0; i < size; i++)
		v = v << 8 | r->data[off + i];
	return probe_field_uint(v, buf, cap);
}

/* One formatter per header field (struct probe_field's format takes no argument of its own). */
#define NTP_FIELD(name, off, size)                                                                 \
	static size_t ntp_field_##name(const struct probe_result *r, char *buf, size_t cap)        \
	{                                                                                          \
		return ntp_field(r, off, size, buf, cap);                                          \
	}

NTP_FIELD(li_vn_mode, 0, 1)
NTP_FIELD(stratum, 1, 1)
NTP_FIELD(poll, 2, 1)
NTP_FIELD(precision, 3, 1)
NTP_FIELD(root_delay, 4, 4)
NTP_FIELD(root_dispersion, 8, 4)
NTP_FIELD(reference_id, 12, 4)
NTP_FIELD(reference_timestamp, 16, 8)
NTP_FIELD(originate_timestamp, 24, 8)
NTP_FIELD(receive_timestamp, 32, 8)
NTP_FIELD(transmit_timestamp, 40, 8)

/* ZMap's names; the values are as the reply carries them (precision and poll unsigned). */
static const struct probe_field ntp_fields[] = {
	{ "LI_VN_MODE", 1, "leap indicator, version and mode (first byte)", ntp_field_li_vn_mode },
	{ "stratum", 1, "the server's stratum (1: a reference clock, 16: unsynchronised)",
	  ntp_field_stratum },
	{ "poll", 1, "poll interval exponent, as a byte", ntp_field_poll },
	{ "precision", 1, "precision exponent, as a byte (236 is -20)", ntp_field_precision },
	{ "root_delay", 1, "root delay, 16.16 fixed-point seconds", ntp_field_root_delay },
	{ "root_dispersion", 1, "root dispersion, 16.16 fixed-point seconds",
	  ntp_field_root_dispersion },
	{ "reference_clock_identifier", 1, "reference id (an address, or ASCII for stratum 1)",
	  ntp_field_reference_id },
	{ "reference_timestamp", 1, "when the clock was last set, 32.32 NTP time",
	  ntp_field_reference_timestamp },
	{ "originate_timestamp", 1, "the request's transmit time as echoed, 32.32 NTP time",
	  ntp_field_originate_timestamp },
	{ "receive_timestamp", 1, "when the request arrived, 32.32 NTP time",
	  ntp_field_receive_timestamp },
	{ "transmit_timestamp", 1, "when the reply left, 32.32 NTP time",
	  ntp_field_transmit_timestamp },
};

/* ZMap's dry-run line for an NTP probe, before its udp block. */
static void ntp_print_head(FILE *f, const uint8_t *payload, uint32_t len)
{
	if (len >= 3)
		fprintf(f, "ntp { LI_VN_MODE: %u | stratum: %u | poll: %u }\n", payload[0],
			payload[1], payload[2]);
}

const struct probe_ops probe_ntp_ops = {
	.name = "ntp",
	.help = "NTP client request (ZMap's ntp); success = any UDP reply from the port",
	.replies = PROBE_REPLY_UDP | PROBE_REPLY_ICMP_ERROR,
	.fields = ntp_fields,
	.field_count = sizeof(ntp_fields) / sizeof(ntp_fields[0]),
	.print_head = ntp_print_head,
	.init = ntp_init,
	.template = ntp_template,
	.patch = ntp_patch,
	.validate = probe_udp_validate,
	.template6 = ntp_template6,
	.patch6 = ntp_patch6,
	.validate6 = probe_udp_validate6,
	.classify = ntp_classify,
};
