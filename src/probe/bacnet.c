/*
 * bacnet: ZMap's bacnet module.  A BACnet/IP ReadProperty (ANSI/ASHRAE 135 annex J: BVLC
 * Original-Unicast-NPDU, an NPDU that expects a reply, a confirmed-request APDU) asking the
 * device object of any instance (4194303, the wildcard) for its object-identifier, to each
 * (address, port); the port is -p's, as in ZMap (47808 is BACnet/IP's).  The request is
 * ZMap's byte for byte but for the invoke id, which comes from the probe hash.
 *
 * As in ZMap, a UDP reply from the probed port to our source port that is a BACnet/IP
 * message (BVLC type 0x81) is a success ("bacnet"); an ICMP unreachable quoting the probe
 * is "icmp".  Unlike ZMap, a reply that answers a request by invoke id (an ack, an error, a
 * reject, an abort) must carry ours.  Fields: the payload in hex (ZMap's udp_payload), and
 * the device's instance number when the reply is the ReadProperty ack that holds it.
 */
#include "probe/probe.h"

#include "probe/field.h"
#include "probe/udp_common.h"

#define BVLC_TYPE_IP	     0x81
#define BVLC_FORWARDED_NPDU  0x04 /* carries the original sender's B/IP address (6 bytes) */
#define BVLC_DISTRIBUTE_NPDU 0x09
#define BVLC_UNICAST_NPDU    0x0a
#define BVLC_BROADCAST_NPDU  0x0b
#define NPDU_VERSION	     0x01
#define NPDU_NETWORK_MESSAGE 0x80 /* in the NPDU control: no APDU follows */
#define NPDU_DNET	     0x20 /* destination network, length, address; then a hop count */
#define NPDU_SNET	     0x08 /* source network, length, address */
#define APDU_SIMPLE_ACK	     2
#define APDU_COMPLEX_ACK     3
#define APDU_ABORT	     7
#define APDU_SEGMENTED	     0x08 /* in a complex ack: a sequence number and window follow */
#define BACNET_READ_PROPERTY 0x0c
#define BACNET_OBJECT_DEVICE 8
#define BACNET_INVOKE_ID_AT  8 /* in the request's payload */
#define BACNET_REQUEST_LEN   17

/*
 * BVLC: BACnet/IP, an NPDU to one device, the message's length (17).
 * NPDU: version 1, expecting a reply.
 * APDU: confirmed request, up to 1476 bytes unsegmented, the invoke id (patched), ReadProperty;
 *   [0] the object: device, instance 4194303 (any); [1] the property: object-identifier (75).
 */
static const uint8_t bacnet_request[BACNET_REQUEST_LEN] = {
	0x81, 0x0a, 0x00, 0x11, 0x01, 0x04, 0x00, 0x05, 0x00,
	0x0c, 0x0c, 0x02, 0x3f, 0xff, 0xff, 0x19, 0x4b,
};

/* The invoke id of our request to (daddr, dport): bits of its hash no other field uses. */
static inline uint8_t bacnet_invoke_id(uint64_t h)
{
	return (uint8_t)(h >> 8);
}

static int bacnet_template(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_udp_template(p, buf, cap, bacnet_request, sizeof(bacnet_request));
}

static int bacnet_init(struct probe *p, char *err, size_t errlen)
{
	return probe_udp_init_fixed(p, bacnet_request, sizeof(bacnet_request), err, errlen);
}

static uint32_t bacnet_patch(const struct probe *p, uint8_t *frame, uint32_t daddr, uint16_t dport,
			     uint32_t probe_num)
{
	uint32_t saddr = probe_source(&p->params, daddr);
	uint64_t h = probe_hash(&p->params, saddr, daddr, dport);
	uint8_t id = bacnet_invoke_id(h);

	frame[UDP_PAYLOAD_AT + BACNET_INVOKE_ID_AT] = id;
	/* The id is the high byte of a checksum word: the payload starts at an even offset. */
	return probe_udp_finish(p, frame, saddr, daddr, dport, probe_num, h, sizeof(bacnet_request),
				(uint32_t)id << 8);
}

/* Where the APDU starts in the BACnet/IP message d[0..len), or -1 if it holds none. */
static long bacnet_apdu_at(const uint8_t *d, size_t len)
{
	size_t at;
	uint8_t control;

	if (len < 4 || d[0] != BVLC_TYPE_IP)
		return -1;
	if (d[1] == BVLC_FORWARDED_NPDU)
		at = 10;
	else if (d[1] == BVLC_UNICAST_NPDU || d[1] == BVLC_BROADCAST_NPDU ||
		 d[1] == BVLC_DISTRIBUTE_NPDU)
		at = 4;
	else
		return -1;
	if (at + 2 > len || d[at] != NPDU_VERSION || (d[at + 1] & NPDU_NETWORK_MESSAGE))
		return -1;
	control = d[at + 1];
	at += 2;
	if (control & NPDU_DNET) {
		if (at + 3 > len)
			return -1;
		at += 3 + (size_t)d[at + 2];
	}
	if (control & NPDU_SNET) {
		if (at + 3 > len)
			return -1;
		at += 3 + (size_t)d[at + 2];
	}
	if (control & NPDU_DNET)
		at++; /* the hop count */
	return at < len ? (long)at : -1;
}

/*
 * A reply from the probed port: it must be a BACnet/IP message, and if it answers a
 * request by invoke id, it must carry the id of ours.
 */
static int bacnet_validate(const struct probe *p, const struct packet_view *v,
			   struct probe_result *r)
{
	const struct probe_params *pp = &p->params;
	long at;

	if (!probe_udp_validate(p, v, r))
		return 0;
	if (r->flags & UDP_FLAG_ICMP)
		return 1;
	if (r->data_len < 4 || r->data[0] != BVLC_TYPE_IP)
		return 0;
	at = bacnet_apdu_at(r->data, r->data_len);
	if (at >= 0 && (r->data[at] >> 4) >= APDU_SIMPLE_ACK && (r->data[at] >> 4) <= APDU_ABORT) {
		uint64_t h = probe_hash(pp, r->daddr, r->saddr, r->sport);

		if ((size_t)at + 2 > r->data_len || r->data[at + 1] != bacnet_invoke_id(h))
			return 0;
	}
	return 1;
}

static void bacnet_classify(const struct probe *p, struct probe_result *r)
{
	(void)p;
	r->success = !(r->flags & UDP_FLAG_ICMP);
	r->classification = r->success ? "bacnet" : "icmp";
}

/* The device instance a ReadProperty ack of the object-identifier holds, or -1. */
static long bacnet_device_instance(const uint8_t *d, size_t len)
{
	long apdu = bacnet_apdu_at(d, len);
	size_t i;
	uint32_t id;

	if (apdu < 0 || (d[apdu] >> 4) != APDU_COMPLEX_ACK)
		return -1;
	i = (size_t)apdu + ((d[apdu] & APDU_SEGMENTED) ? 4 : 2);
	/* Service, then [0] the object asked (4 bytes), then [1] the property (1-4 bytes). */
	if (i + 7 > len || d[i] != BACNET_READ_PROPERTY || d[i + 1] != 0x0c ||
	    (d[i + 6] & 0xf8) != 0x18 || (d[i + 6] & 7) < 1 || (d[i + 6] & 7) > 4)
		return -1;
	i += 7 + (d[i + 6] & 7);
	/* [2] an array index, if any (1-4 bytes). */
	if (i < len && (d[i] & 0xf8) == 0x28) {
		if ((d[i] & 7) < 1 || (d[i] & 7) > 4)
			return -1;
		i += 1 + (d[i] & 7);
	}
	/* [3] opening the value: an application-tagged object identifier, 4 bytes. */
	if (i + 6 > len || d[i] != 0x3e || d[i + 1] != 0xc4)
		return -1;
	id = packet_get32(d + i + 2);
	return id >> 22 == BACNET_OBJECT_DEVICE ? (long)(id & 0x3fffff) : -1;
}

static size_t bacnet_field_device_instance(const struct probe_result *r, char *buf, size_t cap)
{
	long instance = bacnet_device_instance(r->data, r->data_len);

	if (instance < 0)
		return probe_field_null(buf, cap);
	return probe_field_uint((uint64_t)instance, buf, cap);
}

static size_t bacnet_field_udp_payload(const struct probe_result *r, char *buf, size_t cap)
{
	return probe_field_hex(r->data, r->data_len, buf, cap);
}

static const struct probe_field bacnet_fields[] = {
	{ "udp_payload", 0, "the reply's UDP payload in hex (its first 256 bytes)",
	  bacnet_field_udp_payload },
	{ "device_instance", 1, "the device object's instance number, from a ReadProperty ack",
	  bacnet_field_device_instance },
};

const struct probe_ops probe_bacnet_ops = {
	.name = "bacnet",
	.help = "BACnet/IP ReadProperty of the device object (ZMap's bacnet); "
		"success = a BACnet/IP reply",
	.replies = PROBE_REPLY_UDP | PROBE_REPLY_ICMP_ERROR,
	.fields = bacnet_fields,
	.field_count = sizeof(bacnet_fields) / sizeof(bacnet_fields[0]),
	.init = bacnet_init,
	.template = bacnet_template,
	.patch = bacnet_patch,
	.validate = bacnet_validate,
	.classify = bacnet_classify,
};
