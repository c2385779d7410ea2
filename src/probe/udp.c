/*
 * udp: a UDP datagram to each (address, port), carrying a payload a
 * service on that port will answer: a built-in one per well-known port
 * (below, written from each protocol's specification), or the one given
 * with --probe-args=text:...|hex:...|file:PATH for every port.
 *
 * A UDP reply from the probed port to our source port is a success
 * ("udp").  An ICMP destination-unreachable is matched through the
 * headers it quotes (our source, the target, both ports, and the keyed
 * source-port choice) and reported as "port-unreachable" (closed) or
 * "unreachable": never as open.
 */
#include "probe/probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/field.h"
#include "probe/udp_common.h"
#include "util/checksum.h"

/* DNS (RFC 1035): a recursive query for the root's NS records. */
static const uint8_t payload_dns[] = { 0x53, 0x41, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
				       0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01 };

/* NTP (RFC 5905): a version 4 client request, 48 bytes, all else zero. */
static const uint8_t payload_ntp[48] = { 0x23 };

/* SNMP v2c (RFC 3416, BER): GetRequest for sysDescr.0 with community "public". */
static const uint8_t payload_snmp[] = {
	0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, 'p',	'u',  'b',  'l',  'i',	'c',  0xa0,
	0x19, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00
};

/* NetBIOS name service (RFC 1002): node status request for "*". */
static const uint8_t payload_netbios[] = {
	0x53, 0x41, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20,
	'C',  'K',  'A',  'A',	'A',  'A',  'A',  'A',	'A',  'A',  'A',  'A',	'A',
	'A',  'A',  'A',  'A',	'A',  'A',  'A',  'A',	'A',  'A',  'A',  'A',	'A',
	'A',  'A',  'A',  'A',	'A',  'A',  0x00, 0x00, 0x21, 0x00, 0x01,
};

/* SSDP (UPnP Device Architecture 1.1): discover everything. */
static const char payload_ssdp[] = "M-SEARCH * HTTP/1.1\r\n"
				   "HOST: 239.255.255.250:1900\r\n"
				   "MAN: \"ssdp:discover\"\r\n"
				   "MX: 1\r\n"
				   "ST: ssdp:all\r\n\r\n";

/* mDNS (RFC 6762/6763): service enumeration, asking for a unicast answer (QU bit). */
static const uint8_t payload_mdns[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x09, '_',  's',  'e',	'r',  'v',  'i',  'c',	'e',  's',  0x07, '_',
	'd',  'n',  's',  '-',	's',  'd',  0x04, '_',	'u',  'd',  'p',  0x05,
	'l',  'o',  'c',  'a',	'l',  0x00, 0x00, 0x0c, 0x80, 0x01,
};

/* memcached (protocol.txt, UDP): the 8-byte frame header, then "stats". */
static const char payload_memcached[] = "\0\x01\0\0\0\x01\0\0stats\r\n";

struct udp_payload {
	uint16_t port;
	const char *name;
	const uint8_t *data;
	uint16_t len;
};

static const struct udp_payload udp_defaults[] = {
	{ 53, "dns", payload_dns, sizeof(payload_dns) },
	{ 123, "ntp", payload_ntp, sizeof(payload_ntp) },
	{ 137, "netbios-ns", payload_netbios, sizeof(payload_netbios) },
	{ 161, "snmp", payload_snmp, sizeof(payload_snmp) },
	{ 1900, "ssdp", (const uint8_t *)payload_ssdp, sizeof(payload_ssdp) - 1 },
	{ 5353, "mdns", payload_mdns, sizeof(payload_mdns) },
	{ 11211, "memcached", (const uint8_t *)payload_memcached, sizeof(payload_memcached) - 1 },
};

#define UDP_DEFAULTS (sizeof(udp_defaults) / sizeof(udp_defaults[0]))

struct udp_state {
	uint8_t custom[UDP_PAYLOAD_MAX]; /* from --probe-args */
	uint16_t custom_len;
	int have_custom;
	uint8_t by_port[65536];		/* default payload index + 1, 0 = none */
	uint32_t sum[UDP_DEFAULTS + 1]; /* payload sums; [UDP_DEFAULTS] is the custom one */
	uint16_t len[UDP_DEFAULTS + 1];
	const uint8_t *data[UDP_DEFAULTS + 1];
};

int probe_udp_payload_for_port(uint16_t port, const uint8_t **data, uint16_t *len,
			       const char **name)
{
	for (size_t i = 0; i < UDP_DEFAULTS; i++) {
		if (udp_defaults[i].port == port) {
			*data = udp_defaults[i].data;
			*len = udp_defaults[i].len;
			*name = udp_defaults[i].name;
			return 1;
		}
	}
	*data = NULL;
	*len = 0;
	*name = NULL;
	return 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int udp_parse_args(struct udp_state *st, const char *args, char *err, size_t errlen)
{
	size_t n;

	if (strncmp(args, "text:", 5) == 0) {
		n = strlen(args + 5);
		if (n > UDP_PAYLOAD_MAX)
			goto too_long;
		memcpy(st->custom, args + 5, n);
	} else if (strncmp(args, "hex:", 4) == 0) {
		const char *h = args + 4;

		n = strlen(h);
		if (n % 2) {
			snprintf(err, errlen,
				 "--probe-args: '%s': expected an even number of hex digits", args);
			return -EINVAL;
		}
		n /= 2;
		if (n > UDP_PAYLOAD_MAX)
			goto too_long;
		for (size_t i = 0; i < n; i++) {
			int hi = hex_value(h[2 * i]), lo = hex_value(h[2 * i + 1]);

			if (hi < 0 || lo < 0) {
				snprintf(err, errlen, "--probe-args: '%s': '%c%c' is not hex", args,
					 h[2 * i], h[2 * i + 1]);
				return -EINVAL;
			}
			st->custom[i] = (uint8_t)(hi << 4 | lo);
		}
	} else if (strncmp(args, "file:", 5) == 0) {
		FILE *f = fopen(args + 5, "rb");
		uint8_t extra;

		if (!f) {
			int e = errno;

			snprintf(err, errlen, "--probe-args: %s: %s", args + 5, strerror(e));
			return -e;
		}
		n = fread(st->custom, 1, UDP_PAYLOAD_MAX, f);
		if (ferror(f)) {
			snprintf(err, errlen, "--probe-args: %s: %s", args + 5, strerror(errno));
			fclose(f);
			return -EIO;
		}
		if (fread(&extra, 1, 1, f) == 1) {
			fclose(f);
			goto too_long;
		}
		fclose(f);
	} else {
		snprintf(err, errlen,
			 "--probe-args: '%s': expected text:STRING, hex:DIGITS or file:PATH", args);
		return -EINVAL;
	}
	st->custom_len = (uint16_t)n;
	st->have_custom = 1;
	return 0;

too_long:
	snprintf(err, errlen, "--probe-args: the payload is longer than %d bytes", UDP_PAYLOAD_MAX);
	return -EINVAL;
}

/* The headers only: the payload depends on the port and is copied per packet. */
static int udp_template(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_udp_template(p, buf, cap, NULL, 0);
}

static int udp_init(struct probe *p, char *err, size_t errlen)
{
	struct udp_state *st = calloc(1, sizeof(*st));
	int ret;

	if (!st) {
		snprintf(err, errlen, "udp: out of memory");
		return -ENOMEM;
	}
	if (p->args && (ret = udp_parse_args(st, p->args, err, errlen))) {
		free(st);
		return ret;
	}
	for (size_t i = 0; i < UDP_DEFAULTS; i++) {
		st->by_port[udp_defaults[i].port] = (uint8_t)(i + 1);
		st->data[i] = udp_defaults[i].data;
		st->len[i] = udp_defaults[i].len;
		st->sum[i] = csum_add_bytes(0, udp_defaults[i].data, udp_defaults[i].len);
	}
	p->frame_len_max = ETH_HLEN_ + IPV4_HLEN + UDP_HLEN + (uint32_t)st->custom_len;
	for (size_t i = 0; i < UDP_DEFAULTS && !st->have_custom; i++)
		if (ETH_HLEN_ + IPV4_HLEN + UDP_HLEN + (uint32_t)st->len[i] > p->frame_len_max)
			p->frame_len_max = ETH_HLEN_ + IPV4_HLEN + UDP_HLEN + (uint32_t)st->len[i];
	st->data[UDP_DEFAULTS] = st->custom;
	st->len[UDP_DEFAULTS] = st->custom_len;
	st->sum[UDP_DEFAULTS] = csum_add_bytes(0, st->custom, st->custom_len);
	probe_udp_sums(p, 0);
	p->priv = st;
	return 0;
}

static void udp_close(struct probe *p)
{
	free(p->priv);
}

/* The payload for dport: the custom one, the port's built-in one, or none; its length. */
static unsigned udp_payload_for(const struct udp_state *st, uint16_t dport, uint16_t *plen)
{
	unsigned which = UDP_DEFAULTS; /* the custom payload, or none */

	*plen = st->have_custom ? st->custom_len : 0;
	if (!st->have_custom && st->by_port[dport]) {
		which = st->by_port[dport] - 1u;
		*plen = st->len[which];
	}
	return which;
}

static uint32_t udp_patch(const struct probe *p, uint8_t *frame, uint32_t daddr, uint16_t dport,
			  uint32_t probe_num)
{
	const struct probe_params *pp = &p->params;
	const struct udp_state *st = p->priv;
	uint32_t saddr = probe_source(pp, daddr);
	uint64_t h = probe_hash(pp, saddr, daddr, dport);
	uint16_t plen;
	unsigned which = udp_payload_for(st, dport, &plen);

	memcpy(frame + UDP_PAYLOAD_AT, st->data[which], plen);
	return probe_udp_finish(p, frame, saddr, daddr, dport, probe_num, h, plen,
				plen ? st->sum[which] : 0);
}

static int udp_template6(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_udp_template6(p, buf, cap, NULL, 0);
}

static uint32_t udp_patch6(const struct probe *p, uint8_t *frame, const uint8_t daddr[16],
			   uint16_t dport, uint32_t probe_num)
{
	const struct probe_params *pp = &p->params;
	const struct udp_state *st = p->priv;
	uint64_t h = probe_hash6(pp, pp->saddr6, daddr, dport);
	uint16_t plen;
	unsigned which = udp_payload_for(st, dport, &plen);

	memcpy(frame + UDP_PAYLOAD_AT6, st->data[which], plen);
	return probe_udp_finish6(p, frame, daddr, dport, probe_num, h, plen,
				 plen ? st->sum[which] : 0);
}

static void udp_classify(const struct probe *p, struct probe_result *r)
{
	(void)p;
	if (!(r->flags & UDP_FLAG_ICMP)) {
		r->classification = "udp";
		r->success = 1;
	} else if (probe_udp_port_unreachable(r)) {
		r->classification = "port-unreachable";
		r->success = 0;
	} else {
		r->classification = "unreachable";
		r->success = 0;
	}
}

static size_t udp_field_data(const struct probe_result *r, char *buf, size_t cap)
{
	return probe_field_hex(r->data, r->data_len, buf, cap);
}

static size_t udp_field_data_len(const struct probe_result *r, char *buf, size_t cap)
{
	return probe_field_uint(r->data_len, buf, cap);
}

static const struct probe_field udp_fields[] = {
	{ "data", 0, "the reply's UDP payload in hex (its first 256 bytes)", udp_field_data },
	{ "data_len", 1, "bytes of UDP payload kept in data (at most 256)", udp_field_data_len },
};

const struct probe_ops probe_udp_ops = {
	.name = "udp",
	.help = "UDP with a per-port payload (DNS, NTP, SNMP, ...); open = a UDP reply, "
		"closed = ICMP port unreachable",
	.args_help = "text:STR, hex:HEX or file:PATH: one payload for every port (default: a "
		     "request of the port's protocol where salvo knows one)",
	.replies = PROBE_REPLY_UDP | PROBE_REPLY_ICMP_ERROR,
	.fields = udp_fields,
	.field_count = sizeof(udp_fields) / sizeof(udp_fields[0]),
	.init = udp_init,
	.template = udp_template,
	.patch = udp_patch,
	.validate = probe_udp_validate,
	.classify = udp_classify,
	.close = udp_close,
	.template6 = udp_template6,
	.patch6 = udp_patch6,
	.validate6 = probe_udp_validate6,
};
