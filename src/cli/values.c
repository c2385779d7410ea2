/*
 * Values of options taken apart by kind (see enum cli_kind): whole numbers, rates with
 * K/M/G, percentages, MAC and IPv4 addresses, names from a list, strings; each bad value
 * gets one line naming the option, the value and what was expected.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/parse.h"

int cli_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0')
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/*
 * A whole number with an optional K, M or G (either case) multiplying it by unit, unit^2 or
 * unit^3, and nothing after but what follows a suffix in `after` (e.g. "B"); 0 or -errno.
 */
static int parse_scaled(const char *s, uint64_t unit, const char *const *after, uint64_t *out)
{
	static const char suffixes[] = "KMG";
	char buf[32];
	size_t len = strlen(s);
	const char *k;
	uint64_t mult = 1, v;
	int ret;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len + 1);
	for (; after && *after; after++) {
		size_t n = strlen(*after);

		if (len > n + 1 && strcmp(buf + len - n, *after) == 0) {
			buf[len -= n] = '\0';
			break;
		}
	}
	if (buf[len - 1] && (k = strchr(suffixes, buf[len - 1] & ~0x20))) {
		for (long i = 0; i <= k - suffixes; i++)
			mult *= unit;
		buf[len - 1] = '\0';
	} else if (len != strlen(s)) {
		return -EINVAL; /* a B or iB with no K, M or G before it */
	}
	if ((ret = cli_parse_uint(buf, 0, UINT64_MAX / mult, &v)))
		return ret;
	*out = v * mult;
	return 0;
}

int cli_parse_rate(const char *s, uint64_t *pps)
{
	return parse_scaled(s, 1000, NULL, pps);
}

int cli_parse_size(const char *s, uint64_t *bytes)
{
	/* 256M, 256MB, 256MiB and 256m all mean 256 x 1024 x 1024 bytes. */
	static const char *const after[] = { "iB", "B", NULL };

	return parse_scaled(s, 1024, after, bytes);
}

int cli_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		unsigned v = 0;

		for (int j = 0; j < 2; j++, s++) {
			char c = *s;

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
			else
				return -EINVAL;
		}
		mac[i] = (uint8_t)v;
		if (i < 5 && *s++ != ':')
			return -EINVAL;
	}
	return *s == '\0' ? 0 : -EINVAL;
}

int cli_parse_percent(const char *s, double *out)
{
	char *end;
	double v;

	if ((*s < '0' || *s > '9') && *s != '.')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (*end == '%')
		end++;
	if (errno || *end || v < 0 || v > 100)
		return -EINVAL;
	*out = v;
	return 0;
}

int cli_bad_value(char *err, size_t errlen, const char *opt, const char *value,
		  const char *expected)
{
	snprintf(err, errlen, "%s: '%s': expected %s", opt, value, expected);
	return -EINVAL;
}

/* "a, b or c" from the words of a choice. */
static void choice_expected(const char *const *words, char *buf, size_t len)
{
	size_t n = 0, count = 0;

	while (words[count])
		count++;
	buf[0] = '\0';
	for (size_t i = 0; i < count && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
				      i == 0	       ? ""
				      : i + 1 == count ? " or "
						       : ", ",
				      words[i]);
}

/* What a bad value of o is told: the entry's words, or what its kind takes. */
static int apply_bad(const struct cli_option *o, const char *value, char *err, size_t errlen)
{
	char opt[48], expected[160];

	snprintf(opt, sizeof(opt), "--%s", o->name);
	if (o->expected)
		snprintf(expected, sizeof(expected), "%s", o->expected);
	else if (o->kind == CLI_CHOICE)
		choice_expected(o->words, expected, sizeof(expected));
	else
		snprintf(expected, sizeof(expected), "a whole number from %llu to %llu",
			 (unsigned long long)o->min, (unsigned long long)o->max);
	return cli_bad_value(err, errlen, opt, value, expected);
}

/* The numbers and names: into the field, or -EINVAL. */
static int apply_value(const struct cli_option *o, void *field, const char *value)
{
	uint64_t v;
	size_t len = strlen(value);

	switch (o->kind) {
	case CLI_UINT:
	case CLI_U64:
		if (cli_parse_uint(value, o->min, o->max, &v))
			return -EINVAL;
		if (o->kind == CLI_UINT)
			*(unsigned *)field = (unsigned)v;
		else
			*(uint64_t *)field = v;
		return 0;
	case CLI_RATE:
		if (cli_parse_rate(value, &v) || v < o->min)
			return -EINVAL;
		*(uint64_t *)field = v;
		return 0;
	case CLI_SIZE:
		if (cli_parse_size(value, &v) || v < o->min || (o->max && v > o->max))
			return -EINVAL;
		*(uint64_t *)field = v;
		return 0;
	case CLI_PERCENT:
		return cli_parse_percent(value, field) ? -EINVAL : 0;
	case CLI_MAC:
		return cli_parse_mac(value, field) ? -EINVAL : 0;
	case CLI_STRING:
		if (len < o->min || (o->max && len > o->max))
			return -EINVAL;
		*(const char **)field = value;
		return 0;
	case CLI_CHOICE:
		for (int i = 0; o->words[i]; i++) {
			if (strcmp(value, o->words[i]) == 0) {
				*(int *)field = i;
				return 0;
			}
		}
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

int cli_apply(struct cli_parse *p, const struct cli_option *o, const char *value, char *err,
	      size_t errlen)
{
	char *cfg = (char *)p->cfg;
	int ret;

	switch (o->kind) {
	case CLI_FLAG:
		*(int *)(cfg + o->field) = 1;
		return 0;
	case CLI_LATER:
		p->later[o - cli_options] = value;
		return 0;
	case CLI_ENGINE:
		p->cfg->engine_options[o->field] = value;
		return 0;
	case CLI_TOOL_FLAG:
		*(int *)((char *)p->tool + o->field) = 1;
		return 0;
	case CLI_CUSTOM:
		return o->parse(p, o, value, err, errlen);
	default:
		break;
	}
	if ((ret = apply_value(o, cfg + o->field, value)))
		return apply_bad(o, value, err, errlen);
	if (o->flag)
		*(int *)(cfg + o->flag) = 1;
	return 0;
}

int cli_given(const struct cli_parse *p, const char *name)
{
	const struct cli_option *o = cli_option_find(name);

	return o && p->given[o - cli_options];
}

void cli_set_later(struct cli_parse *p, const char *name, const char *value)
{
	p->later[cli_option_find(name) - cli_options] = value;
}

const char *cli_later(struct cli_parse *p, const char *name)
{
	const struct cli_option *o = cli_option_find(name);

	if (!o)
		return NULL;
	p->argi = p->argi_of[o - cli_options];
	return p->later[o - cli_options];
}
