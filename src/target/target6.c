/*
 * IPv6 targets (see target6.h): parsing, RFC 5952 formatting, list files and
 * sets.  Only start-up code parses, loads and finishes; target6_set_address,
 * target6_set_index and target6_format may run per packet and allocate
 * nothing.
 */
#include "target/target6.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target/target.h"

#define TARGET6_FORMS "expected an IPv6 address, ADDR/LEN prefix or FIRST-LAST range"
/* A value is quoted in an error up to this many characters. */
#define TARGET6_QUOTE 100

static int parse_fail(char *err, size_t errlen, const char *s, const char *why)
{
	snprintf(err, errlen, "%.*s: %s", TARGET6_QUOTE, s, why);
	return -EINVAL;
}

int target6_parse_addr(const char *s, struct target6_addr *out)
{
	uint8_t b[16];

	if (inet_pton(AF_INET6, s, b) != 1)
		return -EINVAL;
	*out = target6_from_bytes(b);
	return 0;
}

/* The number of bits a value needs: 0 for 0, 128 for 2^128 - 1. */
static unsigned bit_length(struct target6_addr v)
{
	if (v.hi)
		return 128 - (unsigned)__builtin_clzll(v.hi);
	return v.lo ? 64 - (unsigned)__builtin_clzll(v.lo) : 0;
}

/* "2^64", "300" or "over 2^70": a count given as count - 1 (2^128 would not fit). */
static void describe_count(char *buf, size_t len, struct target6_addr minus_one)
{
	struct target6_addr count = target6_add(minus_one, 1);
	unsigned bits = bit_length(minus_one);

	/* minus_one all ones (bits of them): a power of two, from 4 up written as one. */
	if (bits >= 2 && (count.hi & minus_one.hi) == 0 && (count.lo & minus_one.lo) == 0)
		snprintf(buf, len, "2^%u", bits);
	else if (minus_one.hi == 0)
		snprintf(buf, len, "%" PRIu64, count.lo);
	else
		snprintf(buf, len, "over 2^%u", bits - 1);
}

/* The guard, for a prefix or range spanning last - first = span: 0, or -EINVAL with the line
 * the user needs (the size, the guard and the option that sets it). */
static int check_guard(const char *s, struct target6_addr span, uint64_t max_prefix_size, char *err,
		       size_t errlen)
{
	char size[32], guard[32];

	if (max_prefix_size == TARGET6_NO_GUARD || (span.hi == 0 && span.lo < max_prefix_size))
		return 0;
	describe_count(size, sizeof(size), span);
	if (max_prefix_size == 0)
		snprintf(guard, sizeof(guard), "0");
	else
		describe_count(guard, sizeof(guard),
			       (struct target6_addr){ 0, max_prefix_size - 1 });
	snprintf(err, errlen,
		 "%.*s: %s addresses, over the guard of %s (--max-v6-prefix-size): the IPv6 space "
		 "is scanned from lists, not swept",
		 TARGET6_QUOTE, s, size, guard);
	return -EINVAL;
}

static int parse_prefix(const char *s, const char *addr, const char *len, uint64_t max_prefix_size,
			struct target6_range *out, char *err, size_t errlen)
{
	unsigned plen = 0, host;
	struct target6_addr a, mask;
	int digits = 0;

	for (; *len >= '0' && *len <= '9' && digits < 4; len++, digits++)
		plen = plen * 10 + (unsigned)(*len - '0');
	if (digits == 0 || digits > 3 || *len != '\0' || plen > 128)
		return parse_fail(err, errlen, s, "expected a prefix length from 0 to 128");
	if (target6_parse_addr(addr, &a))
		return parse_fail(err, errlen, s, "expected an IPv6 address before the '/'");
	host = 128 - plen;
	/* mask: the host bits.  As for IPv4, host bits set in the address are ignored. */
	mask.hi = host <= 64 ? 0 : host == 128 ? UINT64_MAX : (UINT64_C(1) << (host - 64)) - 1;
	mask.lo = host >= 64 ? UINT64_MAX : (UINT64_C(1) << host) - 1;
	out->first = (struct target6_addr){ a.hi & ~mask.hi, a.lo & ~mask.lo };
	out->last = (struct target6_addr){ a.hi | mask.hi, a.lo | mask.lo };
	return check_guard(s, mask, max_prefix_size, err, errlen);
}

static int parse_range(const char *s, const char *first, const char *last, uint64_t max_prefix_size,
		       struct target6_range *out, char *err, size_t errlen)
{
	if (target6_parse_addr(first, &out->first) || target6_parse_addr(last, &out->last))
		return parse_fail(err, errlen, s,
				  "expected a range of two IPv6 addresses, FIRST-LAST");
	if (target6_cmp(out->last, out->first) < 0)
		return parse_fail(err, errlen, s, "the range ends before it starts");
	return check_guard(s, target6_sub(out->last, out->first), max_prefix_size, err, errlen);
}

int target6_parse(const char *s, uint64_t max_prefix_size, struct target6_range *out, char *err,
		  size_t errlen)
{
	const char *sep = strpbrk(s, "/-%[]");
	char head[64];

	if (!sep) {
		/* The common case, a hitlist's line: one address, parsed in place. */
		if (target6_parse_addr(s, &out->first))
			return parse_fail(err, errlen, s, TARGET6_FORMS);
		out->last = out->first;
		return 0;
	}
	if (strchr(s, '%'))
		return parse_fail(err, errlen, s,
				  "expected an address without a zone id (%...): a target is "
				  "a global address");
	if (strpbrk(s, "[]"))
		return parse_fail(err, errlen, s, "expected an address without brackets");
	if ((size_t)(sep - s) >= sizeof(head))
		return parse_fail(err, errlen, s, TARGET6_FORMS);
	memcpy(head, s, (size_t)(sep - s));
	head[sep - s] = '\0';
	if (*sep == '/')
		return parse_prefix(s, head, sep + 1, max_prefix_size, out, err, errlen);
	return parse_range(s, head, sep + 1, max_prefix_size, out, err, errlen);
}

static int put_hex(char *p, unsigned v)
{
	static const char digits[] = "0123456789abcdef";
	int n = 0;

	for (int shift = 12; shift >= 0; shift -= 4)
		if ((v >> shift) || shift == 0)
			p[n++] = digits[(v >> shift) & 0xf];
	return n;
}

/*
 * glibc's inet_ntop is RFC 5952 but for one deviation (it writes ::a.b.c.d, the
 * deprecated IPv4-compatible form, where RFC 5952 section 4 wants hex fields),
 * and it formats through sprintf: output calls this per reply, so it is ours.
 */
int target6_format(struct target6_addr addr, char buf[TARGET6_ADDRSTRLEN])
{
	unsigned w[8];
	int best = -1, best_len = 1, run = 0, n = 0;

	if (addr.hi == 0 && addr.lo >> 32 == 0xffff) {
		/* IPv4-mapped: RFC 5952 section 5 keeps the dotted quad. */
		memcpy(buf, "::ffff:", 7);
		return 7 + target_format_ipv4((uint32_t)addr.lo, buf + 7);
	}
	for (int i = 0; i < 8; i++) {
		w[i] = (unsigned)((i < 4 ? addr.hi : addr.lo) >> (48 - 16 * (i & 3))) & 0xffff;
		run = w[i] ? 0 : run + 1;
		/* The longest run of two or more zero fields; strictly longer keeps the first. */
		if (run > best_len) {
			best = i - run + 1;
			best_len = run;
		}
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			buf[n++] = ':';
			buf[n++] = ':';
			i += best_len - 1;
			continue;
		}
		if (n > 0 && buf[n - 1] != ':')
			buf[n++] = ':';
		n += put_hex(buf + n, w[i]);
	}
	buf[n] = '\0';
	return n;
}

void target6_set_init(struct target6_set *set)
{
	memset(set, 0, sizeof(*set));
}

void target6_set_free(struct target6_set *set)
{
	free(set->singles);
	free(set->ranges);
	free(set->before);
	target6_set_init(set);
}

/* Make room for one more element: the capacity doubles, so loading n lines copies O(n)
 * (and glibc moves large blocks with mremap, without copying). */
static int grow(void **array, size_t *capacity, size_t count, size_t size)
{
	size_t cap;
	void *n;

	if (count < *capacity)
		return 0;
	cap = *capacity ? *capacity * 2 : 64;
	if (cap > SIZE_MAX / size)
		return -ENOMEM;
	n = realloc(*array, cap * size);
	if (!n)
		return -ENOMEM;
	*array = n;
	*capacity = cap;
	return 0;
}

int target6_set_add_address(struct target6_set *set, struct target6_addr addr)
{
	if (grow((void **)&set->singles, &set->singles_capacity, set->singles_count, sizeof(addr)))
		return -ENOMEM;
	set->singles[set->singles_count++] = addr;
	return 0;
}

static int ranges_push(struct target6_range **ranges, size_t *count, size_t *capacity,
		       struct target6_range r)
{
	if (grow((void **)ranges, capacity, *count, sizeof(r)))
		return -ENOMEM;
	(*ranges)[(*count)++] = r;
	return 0;
}

int target6_set_add(struct target6_set *set, const struct target6_range *r)
{
	if (target6_cmp(r->first, r->last) == 0)
		return target6_set_add_address(set, r->first);
	return ranges_push(&set->ranges, &set->ranges_count, &set->ranges_capacity, *r);
}

/* One line of a list, trimmed and not empty: 0, -EINVAL with "VALUE: why" in err, -ENOMEM.
 * single: one address a line (-I), of either family when v4 is given. */
static int load_line(struct target6_set *set, struct target_set *v4, const char *line,
		     uint64_t max_prefix_size, int single, char *err, size_t errlen)
{
	struct target6_range r;
	int ret;

	if (v4 && !strchr(line, ':')) {
		struct target_range r4;
		const char *why;

		if (target_parse_range(line, &r4, &why))
			return parse_fail(err, errlen, line, why);
		if (single && r4.first != r4.last)
			return parse_fail(err, errlen, line, "expected one address a line");
		return target_set_add(v4, r4);
	}
	if ((ret = target6_parse(line, max_prefix_size, &r, err, errlen)))
		return ret;
	if (single && target6_cmp(r.first, r.last) != 0)
		return parse_fail(err, errlen, line, "expected one address a line");
	return target6_set_add(set, &r);
}

/* A bad line: the error, or with skipped (--ignore-blocklist-errors) counted and the first
 * one's text kept in err for the warning. */
static int load_bad_line(unsigned *skipped, char *err, size_t errlen, const char *path,
			 unsigned lineno, const char *what)
{
	if (!skipped || *skipped == 0)
		snprintf(err, errlen, "%s:%u: %s", path, lineno, what);
	if (!skipped)
		return -EINVAL;
	(*skipped)++;
	return 0;
}

/* Cut a comment and the blanks around a line; returns its start. */
static char *trim_line(char *line)
{
	char *end;

	if ((end = strchr(line, '#')))
		*end = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	end = line + strlen(line);
	while (end > line &&
	       (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return line;
}

static int load_file(struct target6_set *set, struct target_set *v4, const char *path,
		     uint64_t max_prefix_size, int single, unsigned *skipped, char *err,
		     size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[512], why[256];
	unsigned lineno = 0;
	int ret = 0;

	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	/* One reader: fgets_unlocked, the stream's lock taken by no other thread. */
	while (fgets_unlocked(line, sizeof(line), f)) {
		char *start;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			int c;

			if ((ret = load_bad_line(skipped, err, errlen, path, lineno,
						 "line too long")))
				break;
			while ((c = getc_unlocked(f)) != EOF && c != '\n')
				;
			continue;
		}
		start = trim_line(line);
		if (*start == '\0')
			continue;
		ret = load_line(set, v4, start, max_prefix_size, single, why, sizeof(why));
		if (ret == -EINVAL &&
		    (ret = load_bad_line(skipped, err, errlen, path, lineno, why)))
			break;
		if (ret) {
			snprintf(err, errlen, "%s: out of memory", path);
			break;
		}
	}
	if (ret == 0 && ferror(f)) {
		ret = -EIO;
		snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
	}
	fclose(f);
	return ret;
}

int target6_set_load_file(struct target6_set *set, struct target_set *v4, const char *path,
			  uint64_t max_prefix_size, unsigned *skipped, char *err, size_t errlen)
{
	return load_file(set, v4, path, max_prefix_size, 0, skipped, err, errlen);
}

int target6_set_load_singles(struct target6_set *set, struct target_set *v4, const char *path,
			     unsigned *skipped, char *err, size_t errlen)
{
	return load_file(set, v4, path, TARGET6_NO_GUARD, 1, skipped, err, errlen);
}

static inline unsigned addr_byte(const struct target6_addr *a, unsigned k)
{
	return (unsigned)((k < 8 ? a->hi : a->lo) >> (56 - 8 * (k & 7))) & 0xff;
}

static void insertion_sort(struct target6_addr *a, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct target6_addr v = a[i];
		size_t j = i;

		for (; j > 0 && target6_cmp(a[j - 1], v) > 0; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

/*
 * Sort addresses that agree on their first k bytes: an in-place MSD radix sort
 * (American flag sort), so that sorting a hitlist needs no second copy of it.
 * A byte all addresses share costs one counting pass and no moves: a list out
 * of one /48 starts its work at the seventh byte.
 */
static void sort_addrs(struct target6_addr *a, size_t n, unsigned k)
{
	size_t next[256], end[256], start = 0;

	if (n <= 32) {
		insertion_sort(a, n);
		return;
	}
	for (; k < 16; k++) {
		memset(end, 0, sizeof(end));
		for (size_t i = 0; i < n; i++)
			end[addr_byte(&a[i], k)]++;
		if (end[addr_byte(&a[0], k)] != n)
			break;
	}
	if (k == 16)
		return; /* all equal */
	for (unsigned b = 0; b < 256; b++) {
		next[b] = start;
		start += end[b];
		end[b] = start;
	}
	/* Each address goes straight to its bucket's next free slot, displacing the one there. */
	for (unsigned b = 0; b < 256; b++) {
		while (next[b] < end[b]) {
			struct target6_addr v = a[next[b]];
			unsigned d;

			while ((d = addr_byte(&v, k)) != b) {
				struct target6_addr t = a[next[d]];

				a[next[d]++] = v;
				v = t;
			}
			a[next[b]++] = v;
		}
	}
	start = 0;
	for (unsigned b = 0; b < 256 && k < 15; b++) {
		if (end[b] - start > 1)
			sort_addrs(a + start, end[b] - start, k + 1);
		start = end[b];
	}
}

static int range_cmp(const void *a, const void *b)
{
	const struct target6_range *x = a, *y = b;

	return target6_cmp(x->first, y->first);
}

/* Sort and merge overlapping or adjacent ranges in place. */
static void normalize_ranges(struct target6_set *set)
{
	static const struct target6_addr top = { UINT64_MAX, UINT64_MAX };
	size_t out = 0;

	if (set->ranges_count == 0)
		return;
	qsort(set->ranges, set->ranges_count, sizeof(set->ranges[0]), range_cmp);
	for (size_t i = 1; i < set->ranges_count; i++) {
		struct target6_range *cur = &set->ranges[out];
		const struct target6_range *r = &set->ranges[i];

		if (target6_cmp(cur->last, top) == 0 ||
		    target6_cmp(r->first, target6_add(cur->last, 1)) <= 0) {
			if (target6_cmp(r->last, cur->last) > 0)
				cur->last = r->last;
		} else {
			set->ranges[++out] = *r;
		}
	}
	set->ranges_count = out + 1;
}

/* Sort and deduplicate the singles, and drop those a range covers (ranges normalized). */
static void normalize_singles(struct target6_set *set)
{
	size_t out = 0, j = 0;

	sort_addrs(set->singles, set->singles_count, 0);
	for (size_t i = 0; i < set->singles_count; i++) {
		struct target6_addr x = set->singles[i];

		if (out > 0 && target6_cmp(set->singles[out - 1], x) == 0)
			continue;
		while (j < set->ranges_count && target6_cmp(set->ranges[j].last, x) < 0)
			j++;
		if (j < set->ranges_count && target6_cmp(set->ranges[j].first, x) <= 0)
			continue;
		set->singles[out++] = x;
	}
	set->singles_count = out;
}

/*
 * A walk over a normalized set's singles and ranges together, in address
 * order: the two are disjoint, so this is a sorted list of disjoint ranges.
 */
struct block_cursor {
	const struct target6_set *set;
	size_t single;
	size_t range;
};

/* The cursor's range into r; 0 when the walk is over. */
static int cursor_peek(const struct block_cursor *c, struct target6_range *r)
{
	const struct target6_set *s = c->set;
	int have_single = s && c->single < s->singles_count;
	int have_range = s && c->range < s->ranges_count;

	if (have_single &&
	    (!have_range || target6_cmp(s->singles[c->single], s->ranges[c->range].first) < 0)) {
		r->first = r->last = s->singles[c->single];
		return 1;
	}
	if (have_range) {
		*r = s->ranges[c->range];
		return 1;
	}
	return 0;
}

static void cursor_next(struct block_cursor *c)
{
	const struct target6_set *s = c->set;

	if (c->single < s->singles_count &&
	    (c->range == s->ranges_count ||
	     target6_cmp(s->singles[c->single], s->ranges[c->range].first) < 0))
		c->single++;
	else
		c->range++;
}

static void subtract_from_singles(struct target6_set *set, const struct target6_set *block)
{
	struct block_cursor c = { block, 0, 0 };
	struct target6_range b;
	size_t out = 0;

	for (size_t i = 0; i < set->singles_count; i++) {
		struct target6_addr x = set->singles[i];
		int more;

		while ((more = cursor_peek(&c, &b)) && target6_cmp(b.last, x) < 0)
			cursor_next(&c);
		if (more && target6_cmp(b.first, x) <= 0)
			continue;
		set->singles[out++] = x;
	}
	set->singles_count = out;
}

/* The ranges of set minus block, as a new array in out (a block can split a range). */
static int subtract_from_ranges(const struct target6_set *set, const struct target6_set *block,
				struct target6_range **out, size_t *count)
{
	struct block_cursor c = { block, 0, 0 };
	size_t capacity = 0;
	struct target6_range b;

	*out = NULL;
	*count = 0;
	for (size_t i = 0; i < set->ranges_count; i++) {
		struct target6_range r = set->ranges[i];
		struct block_cursor k;
		int whole = 1; /* r.first .. r.last is still to be kept */

		while (cursor_peek(&c, &b) && target6_cmp(b.last, r.first) < 0)
			cursor_next(&c);
		for (k = c; whole && cursor_peek(&k, &b) && target6_cmp(b.first, r.last) <= 0;
		     cursor_next(&k)) {
			if (target6_cmp(b.first, r.first) > 0) {
				struct target6_range kept = {
					r.first, target6_sub(b.first, (struct target6_addr){ 0, 1 })
				};

				if (ranges_push(out, count, &capacity, kept))
					return -ENOMEM;
			}
			if (target6_cmp(b.last, r.last) >= 0)
				whole = 0;
			else
				r.first = target6_add(b.last, 1);
		}
		if (whole && ranges_push(out, count, &capacity, r))
			return -ENOMEM;
	}
	return 0;
}

/* before[] and the total; -ERANGE past what the permutation walks. */
static int count_addresses(struct target6_set *set)
{
	uint64_t total = set->singles_count;

	free(set->before);
	set->before = malloc((set->ranges_count ? set->ranges_count : 1) * sizeof(uint64_t));
	if (!set->before)
		return -ENOMEM;
	for (size_t i = 0; i < set->ranges_count; i++) {
		struct target6_addr span = target6_sub(set->ranges[i].last, set->ranges[i].first);

		if (span.hi || span.lo >= TARGET6_MAX_ADDRESSES - total)
			return -ERANGE;
		set->before[i] = total - set->singles_count;
		total += span.lo + 1;
	}
	if (total > TARGET6_MAX_ADDRESSES)
		return -ERANGE;
	set->addresses = total;
	return 0;
}

/* Give back what doubling left unused: a hitlist is most of a scan's memory. */
static void shrink_singles(struct target6_set *set)
{
	struct target6_addr *n;

	if (set->singles_count == set->singles_capacity)
		return;
	if (set->singles_count == 0) {
		free(set->singles);
		set->singles = NULL;
		set->singles_capacity = 0;
		return;
	}
	n = realloc(set->singles, set->singles_count * sizeof(*n));
	if (n) {
		set->singles = n;
		set->singles_capacity = set->singles_count;
	}
}

int target6_set_normalize(struct target6_set *set, struct target6_set *block)
{
	struct target6_range *ranges;
	size_t count;
	int ret;

	normalize_ranges(set);
	normalize_singles(set);
	if (block) {
		normalize_ranges(block);
		normalize_singles(block);
		subtract_from_singles(set, block);
		if ((ret = subtract_from_ranges(set, block, &ranges, &count))) {
			free(ranges);
			return ret;
		}
		free(set->ranges);
		set->ranges = ranges;
		set->ranges_count = set->ranges_capacity = count;
	}
	shrink_singles(set);
	return 0;
}

int target6_set_finish(struct target6_set *set, struct target6_set *block)
{
	int ret = target6_set_normalize(set, block);

	return ret ? ret : count_addresses(set);
}

/* The index of the first range whose last address is not below addr (ranges_count: none). */
static size_t range_at_or_after(const struct target6_set *set, struct target6_addr addr)
{
	size_t lo = 0, hi = set->ranges_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (target6_cmp(set->ranges[mid].last, addr) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void target6_set_address(const struct target6_set *set, uint64_t index, struct target6_addr *out)
{
	size_t lo = 0, hi = set->ranges_count;

	if (index < set->singles_count) {
		*out = set->singles[index];
		return;
	}
	index -= set->singles_count;
	/* The last range whose first index is <= index. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->before[mid] <= index)
			lo = mid;
		else
			hi = mid;
	}
	*out = target6_add(set->ranges[lo].first, index - set->before[lo]);
}

/* The index of the first single not below addr. */
static size_t single_at_or_after(const struct target6_set *set, struct target6_addr addr)
{
	size_t lo = 0, hi = set->singles_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (target6_cmp(set->singles[mid], addr) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int64_t target6_set_index(const struct target6_set *set, struct target6_addr addr)
{
	size_t lo = single_at_or_after(set, addr);

	if (lo < set->singles_count && target6_cmp(set->singles[lo], addr) == 0)
		return (int64_t)lo;
	lo = range_at_or_after(set, addr);
	if (lo == set->ranges_count || target6_cmp(set->ranges[lo].first, addr) > 0)
		return -1;
	return (int64_t)(set->singles_count + set->before[lo] +
			 target6_distance(set->ranges[lo].first, addr));
}

int target6_set_contains(const struct target6_set *set, struct target6_addr addr)
{
	size_t lo = single_at_or_after(set, addr), r;

	if (lo < set->singles_count && target6_cmp(set->singles[lo], addr) == 0)
		return 1;
	r = range_at_or_after(set, addr);
	return r < set->ranges_count && target6_cmp(set->ranges[r].first, addr) <= 0;
}

int target6_set_clip(const struct target6_set *set, const struct target6_range *r,
		     int (*fn)(void *ctx, const struct target6_range *part), void *ctx)
{
	struct block_cursor c = { set, single_at_or_after(set, r->first),
				  range_at_or_after(set, r->first) };
	struct target6_range part;

	for (; cursor_peek(&c, &part) && target6_cmp(part.first, r->last) <= 0; cursor_next(&c)) {
		int ret;

		if (target6_cmp(part.first, r->first) < 0)
			part.first = r->first;
		if (target6_cmp(part.last, r->last) > 0)
			part.last = r->last;
		if ((ret = fn(ctx, &part)))
			return ret;
	}
	return 0;
}

unsigned target6_cidr_at(struct target6_addr first, struct target6_addr last)
{
	/* count - 1 = last - first; count is 2^128 only for all of ::/0. */
	struct target6_addr count = target6_add(target6_sub(last, first), 1);
	unsigned bits = first.lo   ? (unsigned)__builtin_ctzll(first.lo)
			: first.hi ? 64 + (unsigned)__builtin_ctzll(first.hi)
				   : 128;
	unsigned fit = count.hi || count.lo ? bit_length(count) - 1 : 128;

	return 128 - (bits < fit ? bits : fit);
}
