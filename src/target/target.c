/*
 * Target parsing and address sets (see target.h).  Only start-up code calls
 * the parsers; target_set_address and target_set_index run per packet and
 * allocate nothing.
 */
#include "target/target.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int target_parse_ipv4(const char *s, uint32_t *addr)
{
	uint32_t v = 0;
	int parts = 0;

	while (parts < 4) {
		unsigned octet = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9') {
			octet = octet * 10 + (unsigned)(*s - '0');
			if (++digits > 3 || octet > 255)
				return -EINVAL;
			s++;
		}
		if (digits == 0)
			return -EINVAL;
		v = (v << 8) | octet;
		parts++;
		if (parts < 4) {
			if (*s != '.')
				return -EINVAL;
			s++;
		}
	}
	if (*s != '\0')
		return -EINVAL;
	*addr = v;
	return 0;
}

static int ipv4_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* One item of a list: "a.b.c.d" or "a.b.c.d-e.f.g.h" (len bytes at s) into *r; 0 or -EINVAL. */
static int list_item(const char *s, size_t len, struct target_range *r, char *err, size_t errlen)
{
	char item[40];
	char *dash;

	if (len == 0 || len >= sizeof(item)) {
		snprintf(err, errlen, "'%.*s': expected an IPv4 address or range", (int)len, s);
		return -EINVAL;
	}
	memcpy(item, s, len);
	item[len] = '\0';
	if (strchr(item, ':')) {
		snprintf(err, errlen, "'%s': an IPv6 address (IPv6 sources are --ipv6-source-ip)",
			 item);
		return -EINVAL;
	}
	if ((dash = strchr(item, '-')))
		*dash = '\0';
	if (target_parse_ipv4(item, &r->first) ||
	    (dash ? target_parse_ipv4(dash + 1, &r->last) : (r->last = r->first, 0))) {
		if (dash)
			*dash = '-';
		snprintf(err, errlen,
			 "'%s': expected an IPv4 address or a range a.b.c.d-e.f.g.h (no CIDR "
			 "blocks)",
			 item);
		return -EINVAL;
	}
	if (r->last < r->first) {
		*dash = '-';
		snprintf(err, errlen, "'%s': the range ends before it starts", item);
		return -EINVAL;
	}
	return 0;
}

int target_parse_ipv4_list(const char *s, uint32_t *out, unsigned max, unsigned *count, char *err,
			   size_t errlen)
{
	uint64_t total = 0;
	unsigned n = 0;

	for (const char *at = s;;) {
		size_t len = strcspn(at, ",");
		struct target_range r;
		int ret;

		if ((ret = list_item(at, len, &r, err, errlen)))
			return ret;
		total += (uint64_t)r.last - r.first + 1;
		if (total > max) {
			snprintf(err, errlen, "more than %u addresses: salvo sends from %u at most",
				 max, max);
			return -EINVAL;
		}
		for (uint64_t a = r.first; a <= r.last; a++)
			out[n++] = (uint32_t)a;
		if (!at[len])
			break;
		at += len + 1;
	}
	qsort(out, n, sizeof(out[0]), ipv4_cmp);
	*count = 0;
	for (unsigned i = 0; i < n; i++)
		if (i == 0 || out[i] != out[i - 1])
			out[(*count)++] = out[i];
	return 0;
}

int target_format_ipv4(uint32_t addr, char buf[16])
{
	int n = 0;

	for (int shift = 24; shift >= 0; shift -= 8) {
		unsigned octet = (addr >> shift) & 0xff;

		if (octet >= 100)
			buf[n++] = (char)('0' + octet / 100);
		if (octet >= 10)
			buf[n++] = (char)('0' + octet / 10 % 10);
		buf[n++] = (char)('0' + octet % 10);
		if (shift)
			buf[n++] = '.';
	}
	buf[n] = '\0';
	return n;
}

int target_parse_range(const char *s, struct target_range *out, const char **why)
{
	char buf[64];
	char *sep;
	uint32_t a, b;

	if (strlen(s) >= sizeof(buf)) {
		*why = "expected an IPv4 address, CIDR block or a.b.c.d-e.f.g.h range";
		return -EINVAL;
	}
	memcpy(buf, s, strlen(s) + 1);

	if ((sep = strchr(buf, '/'))) {
		char *end;
		long len;

		*sep = '\0';
		errno = 0;
		len = strtol(sep + 1, &end, 10);
		if (sep[1] < '0' || sep[1] > '9' || *end != '\0' || errno || len < 0 || len > 32) {
			*why = "expected a prefix length from 0 to 32";
			return -EINVAL;
		}
		if (target_parse_ipv4(buf, &a)) {
			*why = "expected an IPv4 address before the '/'";
			return -EINVAL;
		}
		uint32_t mask = len == 0 ? 0 : 0xffffffffu << (32 - len);

		out->first = a & mask;
		out->last = (a & mask) | ~mask;
		return 0;
	}
	if ((sep = strchr(buf, '-'))) {
		*sep = '\0';
		if (target_parse_ipv4(buf, &a) || target_parse_ipv4(sep + 1, &b)) {
			*why = "expected a range of two IPv4 addresses, a.b.c.d-e.f.g.h";
			return -EINVAL;
		}
		if (b < a) {
			*why = "the range ends before it starts";
			return -EINVAL;
		}
		out->first = a;
		out->last = b;
		return 0;
	}
	if (target_parse_ipv4(buf, &a)) {
		*why = "expected an IPv4 address, CIDR block or a.b.c.d-e.f.g.h range";
		return -EINVAL;
	}
	out->first = out->last = a;
	return 0;
}

void target_set_init(struct target_set *set)
{
	memset(set, 0, sizeof(*set));
}

void target_set_free(struct target_set *set)
{
	free(set->ranges);
	free(set->before);
	target_set_init(set);
}

int target_set_add(struct target_set *set, struct target_range r)
{
	if (set->count == set->capacity) {
		size_t cap = set->capacity ? set->capacity * 2 : 16;
		struct target_range *n = realloc(set->ranges, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		set->ranges = n;
		set->capacity = cap;
	}
	set->ranges[set->count++] = r;
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct target_range *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return 0;
}

/* Sort and merge overlapping or adjacent ranges in place. */
static void target_set_normalize(struct target_set *set)
{
	size_t out = 0;

	if (set->count == 0)
		return;
	qsort(set->ranges, set->count, sizeof(set->ranges[0]), range_cmp);
	for (size_t i = 1; i < set->count; i++) {
		struct target_range *cur = &set->ranges[out];

		if ((uint64_t)set->ranges[i].first <= (uint64_t)cur->last + 1) {
			if (set->ranges[i].last > cur->last)
				cur->last = set->ranges[i].last;
		} else {
			set->ranges[++out] = set->ranges[i];
		}
	}
	set->count = out + 1;
}

int target_set_finish(struct target_set *set, struct target_set *block)
{
	struct target_set result;
	size_t j = 0;

	target_set_normalize(set);
	if (block)
		target_set_normalize(block);
	target_set_init(&result);

	/* Walk both sorted lists once, keeping the parts of each range outside block. */
	for (size_t i = 0; i < set->count; i++) {
		uint64_t first = set->ranges[i].first, last = set->ranges[i].last;

		while (block && j < block->count && block->ranges[j].last < first)
			j++;
		for (size_t k = j; block && k < block->count && block->ranges[k].first <= last;
		     k++) {
			if (block->ranges[k].first > first) {
				struct target_range r = { (uint32_t)first,
							  block->ranges[k].first - 1 };

				if (target_set_add(&result, r))
					goto out_nomem;
			}
			first = (uint64_t)block->ranges[k].last + 1;
			if (first > last)
				break;
		}
		if (first <= last) {
			struct target_range r = { (uint32_t)first, (uint32_t)last };

			if (target_set_add(&result, r))
				goto out_nomem;
		}
	}

	result.before = calloc(result.count ? result.count : 1, sizeof(uint64_t));
	if (!result.before)
		goto out_nomem;
	for (size_t i = 0; i < result.count; i++) {
		result.before[i] = result.addresses;
		result.addresses += (uint64_t)result.ranges[i].last - result.ranges[i].first + 1;
	}
	target_set_free(set);
	*set = result;
	return 0;

out_nomem:
	target_set_free(&result);
	return -ENOMEM;
}

uint32_t target_set_address(const struct target_set *set, uint64_t index)
{
	size_t lo = 0, hi = set->count;

	/* Find the last range whose first index is <= index. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->before[mid] <= index)
			lo = mid;
		else
			hi = mid;
	}
	return set->ranges[lo].first + (uint32_t)(index - set->before[lo]);
}

/* The index of the first range whose last address is not below addr (count: none). */
static size_t range_at_or_after(const struct target_set *set, uint32_t addr)
{
	size_t lo = 0, hi = set->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->ranges[mid].last < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int64_t target_set_index(const struct target_set *set, uint32_t addr)
{
	size_t lo = range_at_or_after(set, addr);

	if (lo == set->count || set->ranges[lo].first > addr)
		return -1;
	return (int64_t)(set->before[lo] + (addr - set->ranges[lo].first));
}

int target_set_clip(const struct target_set *set, struct target_range r,
		    int (*fn)(void *ctx, struct target_range part), void *ctx)
{
	for (size_t i = range_at_or_after(set, r.first);
	     i < set->count && set->ranges[i].first <= r.last; i++) {
		struct target_range part = set->ranges[i];
		int ret;

		if (part.first < r.first)
			part.first = r.first;
		if (part.last > r.last)
			part.last = r.last;
		if ((ret = fn(ctx, part)))
			return ret;
	}
	return 0;
}

unsigned target_cidr_at(uint32_t first, uint32_t last)
{
	uint64_t count = (uint64_t)last - first + 1;
	unsigned bits = first ? (unsigned)__builtin_ctz(first) : 32;

	/* The block of 2^bits addresses at first, halved until it ends at or before last. */
	while (bits && (UINT64_C(1) << bits) > count)
		bits--;
	return 32 - bits;
}

static int port_parse_one(const char *s, const char *end, uint32_t *out)
{
	uint32_t v = 0;

	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint32_t)(*s - '0');
		if (v > 65535)
			return -ERANGE;
	}
	*out = v;
	return 0;
}

int target_ports_parse(const char *s, struct target_ports *ports, char *err, size_t errlen)
{
	const char *p = s;

	memset(ports, 0, sizeof(*ports));
	ports->index_of = calloc(TARGET_MAX_PORTS, sizeof(uint32_t));
	ports->ports = malloc(TARGET_MAX_PORTS * sizeof(uint16_t));
	if (!ports->index_of || !ports->ports) {
		target_ports_free(ports);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (*s == '\0') {
		snprintf(err, errlen, "'': expected ports such as 80,443,8000-8100");
		goto out_invalid;
	}
	while (*p) {
		const char *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		const char *dash = memchr(p, '-', (size_t)(end - p));
		uint32_t lo, hi;
		int r;

		if (dash) {
			r = port_parse_one(p, dash, &lo);
			if (!r)
				r = port_parse_one(dash + 1, end, &hi);
		} else {
			r = port_parse_one(p, end, &lo);
			hi = lo;
		}
		if (r == -ERANGE) {
			snprintf(err, errlen, "'%.*s': expected ports from 0 to 65535",
				 (int)(end - p), p);
			goto out_invalid;
		}
		if (r) {
			snprintf(err, errlen,
				 "'%.*s': expected a port or a range such as 8000-8100",
				 (int)(end - p), p);
			goto out_invalid;
		}
		if (hi < lo) {
			snprintf(err, errlen, "'%.*s': the range ends before it starts",
				 (int)(end - p), p);
			goto out_invalid;
		}
		for (uint32_t port = lo; port <= hi; port++) {
			if (ports->index_of[port])
				continue;
			ports->ports[ports->count] = (uint16_t)port;
			ports->index_of[port] = ++ports->count;
		}
		if (!comma)
			break;
		p = comma + 1;
		if (*p == '\0') {
			snprintf(err, errlen, "'%s': trailing comma", s);
			goto out_invalid;
		}
	}
	return 0;

out_invalid:
	target_ports_free(ports);
	return -EINVAL;
}

void target_ports_free(struct target_ports *ports)
{
	free(ports->ports);
	free(ports->index_of);
	memset(ports, 0, sizeof(*ports));
}
