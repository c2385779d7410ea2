/*
 * upnp: ZMap's upnp module.  An SSDP search (UPnP Device Architecture: M-SEARCH for
 * upnp:rootdevice, ZMap's text byte for byte), sent unicast to each (address, port); the
 * port is -p's, as in ZMap (1900 is SSDP's).  ssdp:all, which the udp module sends, makes a
 * device answer once per service; upnp:rootdevice once per device.
 *
 * Classified as ZMap does: a reply whose first non-empty line is "HTTP/1.1 200 OK" is a
 * success ("upnp"); another first line is "no-http-header", an empty reply "none", and an
 * ICMP unreachable quoting the probe "icmp-unreach" (none of these a success).  The fields
 * are the values of the reply's headers (name matched in any case), from the part of the
 * reply a result keeps (PROBE_DATA_MAX bytes): a header cut there is written as far as it
 * goes, one beyond it is empty, as are all of them when the reply is not a success.
 */
#include "probe/probe.h"

#include <ctype.h>
#include <string.h>

#include "probe/field.h"
#include "probe/udp_common.h"

static const char upnp_request[] = "M-SEARCH * HTTP/1.1\r\n"
				   "Host:239.255.255.250:1900\r\n"
				   "ST:upnp:rootdevice\r\n"
				   "Man:\"ssdp:discover\"\r\n"
				   "MX:3\r\n\r\n";

#define UPNP_REQUEST_LEN (sizeof(upnp_request) - 1)
#define UPNP_STATUS_OK	 "HTTP/1.1 200 OK"

static int upnp_template(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_udp_template(p, buf, cap, (const uint8_t *)upnp_request, UPNP_REQUEST_LEN);
}

static int upnp_init(struct probe *p, char *err, size_t errlen)
{
	return probe_udp_init_fixed(p, (const uint8_t *)upnp_request, UPNP_REQUEST_LEN, err,
				    errlen);
}

/* The request is the same for every target: only the headers change. */
static uint32_t upnp_patch(const struct probe *p, uint8_t *frame, uint32_t daddr, uint16_t dport,
			   uint32_t probe_num)
{
	uint32_t saddr = probe_source(&p->params, daddr);
	uint64_t h = probe_hash(&p->params, saddr, daddr, dport);

	return probe_udp_finish(p, frame, saddr, daddr, dport, probe_num, h, UPNP_REQUEST_LEN, 0);
}

static int upnp_template6(const struct probe *p, uint8_t *buf, size_t cap)
{
	return probe_udp_template6(p, buf, cap, (const uint8_t *)upnp_request, UPNP_REQUEST_LEN);
}

static uint32_t upnp_patch6(const struct probe *p, uint8_t *frame, const uint8_t daddr[16],
			    uint16_t dport, uint32_t probe_num)
{
	uint64_t h = probe_hash6(&p->params, p->params.saddr6, daddr, dport);

	return probe_udp_finish6(p, frame, daddr, dport, probe_num, h, UPNP_REQUEST_LEN, 0);
}

/*
 * The line of r's data that starts at *pos, without its "\n" or "\r\n": its start and
 * length, *pos moved past it.  0 once the data is used up.
 */
static int upnp_line(const struct probe_result *r, size_t *pos, const uint8_t **line, size_t *len)
{
	size_t start = *pos, end = start;

	if (start >= r->data_len)
		return 0;
	while (end < r->data_len && r->data[end] != '\n')
		end++;
	*pos = end < r->data_len ? end + 1 : end;
	if (end > start && r->data[end - 1] == '\r')
		end--;
	*line = r->data + start;
	*len = end - start;
	return 1;
}

/* Where the headers of a success start in r's data (after "HTTP/1.1 200 OK"); else -1, why. */
static long upnp_headers(const struct probe_result *r, const char **why)
{
	const uint8_t *line;
	size_t pos = 0, len;

	while (upnp_line(r, &pos, &line, &len)) {
		if (len == 0)
			continue;
		if (len == sizeof(UPNP_STATUS_OK) - 1 && memcmp(line, UPNP_STATUS_OK, len) == 0)
			return (long)pos;
		*why = "no-http-header";
		return -1;
	}
	*why = "none";
	return -1;
}

static void upnp_classify(const struct probe *p, struct probe_result *r)
{
	const char *why;

	(void)p;
	if (r->flags & UDP_FLAG_ICMP) {
		r->classification = "icmp-unreach";
		r->success = 0;
	} else if (upnp_headers(r, &why) >= 0) {
		r->classification = "upnp";
		r->success = 1;
	} else {
		r->classification = why;
		r->success = 0;
	}
}

/* Is line[0..len) the header name (any case) followed by ':'? */
static int upnp_is_header(const uint8_t *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (len <= n || line[n] != ':')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (tolower(line[i]) != tolower((unsigned char)name[i]))
			return 0;
	return 1;
}

/* The value of the first header called name in a successful reply, as text; else empty. */
static size_t upnp_header(const struct probe_result *r, const char *name, char *buf, size_t cap)
{
	const uint8_t *line;
	const char *why;
	size_t pos, len, n = strlen(name) + 1;
	/* An ICMP error keeps no data: it has no headers either. */
	long at = upnp_headers(r, &why);

	if (at < 0)
		return probe_field_text(NULL, 0, buf, cap);
	for (pos = (size_t)at; upnp_line(r, &pos, &line, &len);) {
		if (!upnp_is_header(line, len, name))
			continue;
		/* The value without the white space around it. */
		while (n < len && (line[n] == ' ' || line[n] == '\t'))
			n++;
		while (len > n && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			len--;
		return probe_field_text(line + n, len - n, buf, cap);
	}
	return probe_field_text(NULL, 0, buf, cap);
}

/* One formatter per header (struct probe_field's format takes no argument of its own). */
#define UPNP_FIELD(field, header)                                                                  \
	static size_t upnp_field_##field(const struct probe_result *r, char *buf, size_t cap)      \
	{                                                                                          \
		return upnp_header(r, header, buf, cap);                                           \
	}

UPNP_FIELD(server, "Server")
UPNP_FIELD(location, "Location")
UPNP_FIELD(usn, "USN")
UPNP_FIELD(st, "ST")
UPNP_FIELD(ext, "EXT")
UPNP_FIELD(cache_control, "Cache-Control")
UPNP_FIELD(x_user_agent, "X-User-Agent")
UPNP_FIELD(agent, "Agent")
UPNP_FIELD(date, "Date")

static size_t upnp_field_data(const struct probe_result *r, char *buf, size_t cap)
{
	return probe_field_hex(r->data, r->data_len, buf, cap);
}

/* ZMap's names. */
static const struct probe_field upnp_fields[] = {
	{ "server", 0, "the reply's Server header", upnp_field_server },
	{ "location", 0, "its Location header: the device description's URL", upnp_field_location },
	{ "usn", 0, "its USN header: the unique service name", upnp_field_usn },
	{ "st", 0, "its ST header: the search target answered", upnp_field_st },
	{ "ext", 0, "its EXT header", upnp_field_ext },
	{ "cache_control", 0, "its Cache-Control header", upnp_field_cache_control },
	{ "x_user_agent", 0, "its X-User-Agent header", upnp_field_x_user_agent },
	{ "agent", 0, "its Agent header", upnp_field_agent },
	{ "date", 0, "its Date header", upnp_field_date },
	{ "data", 0, "the reply's UDP payload in hex (its first 256 bytes)", upnp_field_data },
};

const struct probe_ops probe_upnp_ops = {
	.name = "upnp",
	.help = "SSDP M-SEARCH for upnp:rootdevice (ZMap's upnp); success = HTTP/1.1 200 OK",
	.replies = PROBE_REPLY_UDP | PROBE_REPLY_ICMP_ERROR,
	.fields = upnp_fields,
	.field_count = sizeof(upnp_fields) / sizeof(upnp_fields[0]),
	.init = upnp_init,
	.template = upnp_template,
	.patch = upnp_patch,
	.validate = probe_udp_validate,
	.template6 = upnp_template6,
	.patch6 = upnp_patch6,
	.validate6 = probe_udp_validate6,
	.classify = upnp_classify,
};
