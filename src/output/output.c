/*
 * The table of output modules and the field registry: the only place that
 * names modules and fields.  Called from start-up (parsing) and from the
 * output writer thread (formatting).
 */
#include "output/output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "target/target.h"
#include "target/target6.h"
#include "util/join.h"

extern const struct output_ops output_csv_ops;
extern const struct output_ops output_json_ops;
extern const struct output_ops output_list_ops;

static const struct output_ops *const outputs[] = {
	&output_csv_ops,
	&output_json_ops,
	&output_list_ops,
};

struct output_field_info {
	const char *name;
	enum output_field_type type;
	const char *help;
};

static const struct output_field_info fields[OUTPUT_FIELD_COUNT] = {
	[OUTPUT_FIELD_SADDR] = { "saddr", OUTPUT_TYPE_STRING, "the target that answered" },
	[OUTPUT_FIELD_DADDR] = { "daddr", OUTPUT_TYPE_STRING, "our address the reply was sent to" },
	[OUTPUT_FIELD_SPORT] = { "sport", OUTPUT_TYPE_NUMBER, "the target's port" },
	[OUTPUT_FIELD_DPORT] = { "dport", OUTPUT_TYPE_NUMBER, "our port the reply was sent to" },
	[OUTPUT_FIELD_CLASSIFICATION] = { "classification", OUTPUT_TYPE_STRING,
					  "what the reply says: synack, rst, ..." },
	[OUTPUT_FIELD_SUCCESS] = { "success", OUTPUT_TYPE_NUMBER,
				   "1 if the port answered positively (open)" },
	[OUTPUT_FIELD_TTL] = { "ttl", OUTPUT_TYPE_NUMBER, "IP time-to-live of the reply" },
	[OUTPUT_FIELD_IPID] = { "ipid", OUTPUT_TYPE_NUMBER, "IP identification of the reply" },
	[OUTPUT_FIELD_WINDOW] = { "window", OUTPUT_TYPE_NUMBER, "TCP window of the reply" },
	[OUTPUT_FIELD_TIMESTAMP] = { "timestamp", OUTPUT_TYPE_STRING,
				     "when it was received, RFC 3339 UTC with microseconds" },
	[OUTPUT_FIELD_REPEAT] = { "repeat", OUTPUT_TYPE_NUMBER,
				  "1 if an earlier reply for the same address and port was seen" },
	[OUTPUT_FIELD_PROBE] = { "probe", OUTPUT_TYPE_STRING, "the probe module that sent it" },
	[OUTPUT_FIELD_SADDR_RAW] = { "saddr_raw", OUTPUT_TYPE_NUMBER,
				     "saddr as ZMap's integer (network order read on x86)" },
	[OUTPUT_FIELD_DADDR_RAW] = { "daddr_raw", OUTPUT_TYPE_NUMBER,
				     "daddr as ZMap's integer (network order read on x86)" },
	[OUTPUT_FIELD_COOLDOWN] = { "cooldown", OUTPUT_TYPE_NUMBER,
				    "1 if it came after the last probe was sent" },
	[OUTPUT_FIELD_TIMESTAMP_STR] = { "timestamp_str", OUTPUT_TYPE_STRING,
					 "when it was received, local time as ZMap writes it "
					 "(2026-11-25T16:37:09.123+0000)" },
	[OUTPUT_FIELD_TIMESTAMP_TS] = { "timestamp_ts", OUTPUT_TYPE_NUMBER,
					"when it was received: seconds since 1970" },
	[OUTPUT_FIELD_TIMESTAMP_US] = { "timestamp_us", OUTPUT_TYPE_NUMBER,
					"when it was received: the microseconds of that second" },
};

#define OUTPUT_COUNT (sizeof(outputs) / sizeof(outputs[0]))

const struct output_ops *output_by_name(const char *name)
{
	for (size_t i = 0; i < OUTPUT_COUNT; i++)
		if (strcmp(outputs[i]->name, name) == 0)
			return outputs[i];
	return NULL;
}

const char *output_list(void)
{
	static char buf[128];

	if (buf[0])
		return buf;
	for (size_t i = 0; i < OUTPUT_COUNT; i++)
		join_append(buf, sizeof(buf), outputs[i]->name);
	return buf;
}

const char *output_field_name(enum output_field id)
{
	return fields[id].name;
}

enum output_field_type output_field_type(enum output_field id)
{
	return fields[id].type;
}

void output_fields_describe(FILE *f)
{
	const struct probe_ops *probe;

	for (int i = 0; i < OUTPUT_FIELD_COUNT; i++)
		fprintf(f, "%-17s %-7s %s\n", fields[i].name,
			fields[i].type == OUTPUT_TYPE_STRING ? "string" : "number", fields[i].help);
	for (size_t m = 0; (probe = probe_at(m)); m++) {
		if (!probe->field_count)
			continue;
		fprintf(f, "\nwith -M %s:\n", probe->name);
		for (unsigned i = 0; i < probe->field_count; i++)
			fprintf(f, "%-17s %-7s %s\n", probe->fields[i].name,
				probe->fields[i].number ? "number" : "string",
				probe->fields[i].help);
	}
}

void output_modules_describe(FILE *f)
{
	for (size_t i = 0; i < OUTPUT_COUNT; i++)
		fprintf(f, "%-6s %s\n", outputs[i]->name, outputs[i]->help);
}

const char *output_field_names(void)
{
	static char buf[320];

	if (buf[0])
		return buf;
	for (int i = 0; i < OUTPUT_FIELD_COUNT; i++)
		join_append(buf, sizeof(buf), fields[i].name);
	return buf;
}

static int name_is(const char *name, const char *p, size_t len)
{
	return strlen(name) == len && memcmp(name, p, len) == 0;
}

/* The id of the field named p[0..len), salvo's or probe's, or -1. */
static int field_find(const struct probe_ops *probe, const char *p, size_t len)
{
	for (int i = 0; i < OUTPUT_FIELD_COUNT; i++)
		if (name_is(fields[i].name, p, len))
			return i;
	for (unsigned i = 0; probe && i < probe->field_count; i++)
		if (name_is(probe->fields[i].name, p, len))
			return OUTPUT_FIELD_COUNT + (int)i;
	return -1;
}

static void unknown_field(const struct probe_ops *probe, const char *p, size_t len, char *err,
			  size_t errlen)
{
	char names[1024] = "";

	join_append(names, sizeof(names), output_field_names());
	for (unsigned i = 0; probe && i < probe->field_count; i++)
		join_append(names, sizeof(names), probe->fields[i].name);
	snprintf(err, errlen, "'%.*s': unknown field (choose: %s)", (int)len, p, names);
}

int output_fields_parse(const char *s, const struct probe_ops *probe, struct output_fields *out,
			char *err, size_t errlen)
{
	const char *p = s;

	out->count = 0;
	out->probe = probe;
	if (strcmp(s, "*") == 0) {
		for (unsigned i = 0; i < OUTPUT_FIELD_COUNT; i++)
			out->id[out->count++] = i;
		for (unsigned i = 0; probe && i < probe->field_count; i++) {
			if (out->count == OUTPUT_FIELDS_MAX) {
				snprintf(err, errlen, "'*': more than %d fields",
					 OUTPUT_FIELDS_MAX);
				return -EINVAL;
			}
			out->id[out->count++] = OUTPUT_FIELD_COUNT + i;
		}
		return 0;
	}
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int found = field_find(probe, p, len);

		if (found < 0) {
			unknown_field(probe, p, len, err, errlen);
			return -EINVAL;
		}
		if (out->count == OUTPUT_FIELDS_MAX) {
			snprintf(err, errlen, "'%s': too many fields", s);
			return -EINVAL;
		}
		out->id[out->count++] = (unsigned)found;
		if (!end)
			return 0;
		p = end + 1;
	}
}

static size_t format_uint(uint64_t v, char *buf)
{
	char tmp[24];
	size_t n = 0, len;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (len = 0; len < n; len++)
		buf[len] = tmp[n - 1 - len];
	buf[len] = '\0';
	return len;
}

size_t output_format_timestamp(uint64_t us, char *buf)
{
	time_t secs = (time_t)(us / 1000000);
	struct tm tm;

	if (!gmtime_r(&secs, &tm))
		return format_uint(us, buf);
	return (size_t)snprintf(buf, OUTPUT_FIELD_TEXT_MAX, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
				tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
				tm.tm_sec, (unsigned)(us % 1000000));
}

/* ZMap's timestamp_str: local time with milliseconds and the zone's offset. */
static size_t format_timestamp_zmap(uint64_t us, char *buf)
{
	time_t secs = (time_t)(us / 1000000);
	char zone[8];
	struct tm tm;

	if (!localtime_r(&secs, &tm) || !strftime(zone, sizeof(zone), "%z", &tm))
		return format_uint(us, buf);
	return (size_t)snprintf(buf, OUTPUT_FIELD_TEXT_MAX, "%04d-%02d-%02dT%02d:%02d:%02d.%03u%s",
				tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
				tm.tm_sec, (unsigned)(us % 1000000 / 1000), zone);
}

/* An address of either family: RFC 5952 text for IPv6. */
static size_t format_addr(const struct probe_result *r, uint32_t addr, const uint8_t addr6[16],
			  char *buf)
{
	if (r->family == 6)
		return (size_t)target6_format(target6_from_bytes(addr6), buf);
	return (size_t)target_format_ipv4(addr, buf);
}

size_t output_field_format(enum output_field id, const struct probe_result *r, char *buf)
{
	switch (id) {
	case OUTPUT_FIELD_SADDR:
		return format_addr(r, r->saddr, r->saddr6, buf);
	case OUTPUT_FIELD_DADDR:
		return format_addr(r, r->daddr, r->daddr6, buf);
	case OUTPUT_FIELD_SPORT:
		return format_uint(r->sport, buf);
	case OUTPUT_FIELD_DPORT:
		return format_uint(r->dport, buf);
	case OUTPUT_FIELD_CLASSIFICATION: {
		size_t n = strlen(r->classification ? r->classification : "");

		if (n >= OUTPUT_FIELD_TEXT_MAX)
			n = OUTPUT_FIELD_TEXT_MAX - 1;
		memcpy(buf, r->classification ? r->classification : "", n);
		buf[n] = '\0';
		return n;
	}
	case OUTPUT_FIELD_SUCCESS:
		return format_uint(r->success, buf);
	case OUTPUT_FIELD_TTL:
		return format_uint(r->ttl, buf);
	case OUTPUT_FIELD_IPID:
		return format_uint(r->ipid, buf);
	case OUTPUT_FIELD_WINDOW:
		return format_uint(r->window, buf);
	case OUTPUT_FIELD_TIMESTAMP:
		return output_format_timestamp(r->timestamp_us, buf);
	case OUTPUT_FIELD_REPEAT:
		return format_uint(r->repeat, buf);
	case OUTPUT_FIELD_PROBE:
		return (size_t)snprintf(buf, OUTPUT_FIELD_TEXT_MAX, "%s", r->probe ? r->probe : "");
	/* ZMap's integers are IPv4's: an IPv6 result has 0 there. */
	case OUTPUT_FIELD_SADDR_RAW:
		return format_uint(r->family == 6 ? 0 : __builtin_bswap32(r->saddr), buf);
	case OUTPUT_FIELD_DADDR_RAW:
		return format_uint(r->family == 6 ? 0 : __builtin_bswap32(r->daddr), buf);
	case OUTPUT_FIELD_COOLDOWN:
		return format_uint(r->cooldown, buf);
	case OUTPUT_FIELD_TIMESTAMP_STR:
		return format_timestamp_zmap(r->timestamp_us, buf);
	case OUTPUT_FIELD_TIMESTAMP_TS:
		return format_uint(r->timestamp_us / 1000000, buf);
	case OUTPUT_FIELD_TIMESTAMP_US:
		return format_uint(r->timestamp_us % 1000000, buf);
	case OUTPUT_FIELD_COUNT:
		break;
	}
	buf[0] = '\0';
	return 0;
}

const char *output_fields_name(const struct output_fields *f, unsigned i)
{
	unsigned id = f->id[i];

	return id < OUTPUT_FIELD_COUNT ? fields[id].name
				       : f->probe->fields[id - OUTPUT_FIELD_COUNT].name;
}

enum output_field_type output_fields_type(const struct output_fields *f, unsigned i)
{
	unsigned id = f->id[i];

	if (id < OUTPUT_FIELD_COUNT)
		return fields[id].type;
	return f->probe->fields[id - OUTPUT_FIELD_COUNT].number ? OUTPUT_TYPE_NUMBER
								: OUTPUT_TYPE_STRING;
}

size_t output_fields_format(const struct output_fields *f, unsigned i, const struct probe_result *r,
			    char *buf)
{
	unsigned id = f->id[i];

	if (id < OUTPUT_FIELD_COUNT)
		return output_field_format((enum output_field)id, r, buf);
	return f->probe->fields[id - OUTPUT_FIELD_COUNT].format(r, buf, OUTPUT_VALUE_MAX);
}
