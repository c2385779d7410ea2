/*
 * IPv6 target sets: what an IPv6 scan covers.
 *
 * The IPv6 space is scanned from lists, not swept.  A set holds a hitlist of
 * single addresses (tens of millions) and a few prefixes or ranges, each no
 * larger than a guard (--max-v6-prefix-size, 2^32 addresses by default), and
 * keeps the two apart:
 *   - singles: a sorted array of distinct addresses, 16 bytes each and
 *     nothing else, so index -> address is an array read and address ->
 *     index a binary search;
 *   - ranges: sorted, disjoint, inclusive ranges with the count of addresses
 *     before each (before[]), as target.h does for IPv4.
 * The index space is the singles first, [0, singles_count), then the ranges'
 * addresses in order.  It depends on the set only, not on the order of the
 * lines it was read from, so a shard, a --resume position or a dedup bit (one
 * per index) means the same thing in every process that loads the same lists.
 * No address is in the set twice: singles inside a range are dropped and
 * overlapping or adjacent ranges merged when the set is finished.
 *
 * A blocklist is a set too, but it is never counted: its ranges may be as
 * large as fc00::/7, which is why a range is (first, last) and not (first,
 * count).  Only the targets' ranges are held to the guard.
 *
 * An address is two host-order 64-bit halves, hi holding the first eight bytes
 * on the wire, so comparing (hi, lo) orders addresses as the IPv6 space does.
 */
#ifndef SALVO_TARGET_TARGET6_H
#define SALVO_TARGET_TARGET6_H

#include <stddef.h>
#include <stdint.h>

struct target_set;

struct target6_addr {
	uint64_t hi; /* bytes 0..7 on the wire, as a number */
	uint64_t lo; /* bytes 8..15 */
};

struct target6_range {
	struct target6_addr first; /* inclusive */
	struct target6_addr last;  /* inclusive */
};

struct target6_set {
	struct target6_addr *singles; /* sorted and distinct after target6_set_finish */
	size_t singles_count;
	size_t singles_capacity;
	struct target6_range *ranges; /* sorted and disjoint after target6_set_finish */
	uint64_t *before; /* before[i]: addresses in ranges[0..i-1]; set by target6_set_finish */
	size_t ranges_count;
	size_t ranges_capacity;
	uint64_t addresses; /* singles_count + the ranges' addresses, after target6_set_finish */
};

/* The longest text target6_format writes, with its NUL (INET6_ADDRSTRLEN). */
#define TARGET6_ADDRSTRLEN 46
/* --max-v6-prefix-size's default: the largest prefix or range a target may be. */
#define TARGET6_DEFAULT_GUARD (UINT64_C(1) << 32)
/* A max_prefix_size that refuses nothing: for blocklists. */
#define TARGET6_NO_GUARD UINT64_MAX
/* The most addresses a finished target set may hold: what the permutation can walk. */
#define TARGET6_MAX_ADDRESSES (UINT64_C(1) << 62)

/* -1, 0 or 1 as a is before, equal to or after b. */
static inline int target6_cmp(struct target6_addr a, struct target6_addr b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

/* a + n, modulo 2^128. */
static inline struct target6_addr target6_add(struct target6_addr a, uint64_t n)
{
	struct target6_addr r = { a.hi + (a.lo + n < a.lo), a.lo + n };

	return r;
}

/* b - a, modulo 2^128: the distance from a to b when a <= b. */
static inline struct target6_addr target6_sub(struct target6_addr b, struct target6_addr a)
{
	struct target6_addr r = { b.hi - a.hi - (b.lo < a.lo), b.lo - a.lo };

	return r;
}

/* b - a when a <= b and the distance is below 2^64 (two addresses of one range of a
 * finished target set). */
static inline uint64_t target6_distance(struct target6_addr a, struct target6_addr b)
{
	return b.lo - a.lo;
}

/* The address in a packet's 16 bytes (network order), and back. */
static inline struct target6_addr target6_from_bytes(const uint8_t b[16])
{
	struct target6_addr a = { 0, 0 };

	for (int i = 0; i < 8; i++) {
		a.hi = a.hi << 8 | b[i];
		a.lo = a.lo << 8 | b[i + 8];
	}
	return a;
}

static inline void target6_to_bytes(struct target6_addr a, uint8_t b[16])
{
	for (int i = 7; i >= 0; i--) {
		b[i] = (uint8_t)a.hi;
		b[i + 8] = (uint8_t)a.lo;
		a.hi >>= 8;
		a.lo >>= 8;
	}
}

/* Parse one address (inet_pton's forms, nothing around it).  0 or -EINVAL. */
int target6_parse_addr(const char *s, struct target6_addr *out);

/*
 * Parse one target: "ADDR", "ADDR/LEN" (host bits are ignored, as for IPv4:
 * 2001:db8::1/64 is 2001:db8::/64) or "FIRST-LAST".  A prefix or range of more
 * than max_prefix_size addresses is refused (TARGET6_NO_GUARD refuses none); a
 * single address always passes.  Returns 0, or -EINVAL with "VALUE: why" in err.
 */
int target6_parse(const char *s, uint64_t max_prefix_size, struct target6_range *out, char *err,
		  size_t errlen);

/*
 * Format addr as RFC 5952 says: lower case, no leading zeros, the longest run
 * of two or more zero fields (the first of equal runs) as "::", and an
 * IPv4-mapped address as ::ffff:a.b.c.d.  Allocation-free and without libc
 * formatting, so output may call it for every reply.  Returns the length.
 */
int target6_format(struct target6_addr addr, char buf[TARGET6_ADDRSTRLEN]);

void target6_set_init(struct target6_set *set);
void target6_set_free(struct target6_set *set);
int target6_set_add_address(struct target6_set *set, struct target6_addr addr);
/* A range of one address is kept as a single. */
int target6_set_add(struct target6_set *set, const struct target6_range *r);

/*
 * Load a list file: one target a line as target6_parse reads it, '#' starts a
 * comment, blank lines are ignored.  Lines without a ':' are IPv4 targets:
 * added to v4 when it is given (blocklists take both families), bad lines
 * otherwise.  On a bad line returns -EINVAL with "PATH:LINE: VALUE: why" in
 * err; on an unreadable file -errno.  With skipped (--ignore-blocklist-errors)
 * bad lines are counted there instead and the first one's text is left in err.
 */
int target6_set_load_file(struct target6_set *set, struct target_set *v4, const char *path,
			  uint64_t max_prefix_size, unsigned *skipped, char *err, size_t errlen);
/* The same for -I (ZMap's list of single addresses, which salvo extends to IPv6): one
 * address a line, of either family; a block or range is a bad line. */
int target6_set_load_singles(struct target6_set *set, struct target_set *v4, const char *path,
			     unsigned *skipped, char *err, size_t errlen);

/* Add the built-in IPv6 blocklist (the IANA IPv6 special-purpose registry, multicast). */
int target6_set_add_default_blocklist(struct target6_set *set);

/*
 * Sort, deduplicate and merge set; then subtract block (finished or not, or
 * NULL) and count.  Returns 0, -ENOMEM, or -ERANGE when the set would hold
 * more than TARGET6_MAX_ADDRESSES.
 */
int target6_set_finish(struct target6_set *set, struct target6_set *block);

/*
 * The same without the count, for a set that is looked up and never walked,
 * which may then be as large as ::/0 (salvo-blocklist's allowlist): only
 * target6_set_contains may be asked of it.  0 or -ENOMEM.
 */
int target6_set_normalize(struct target6_set *set, struct target6_set *block);

/* Is addr in a normalized or finished set?  Allocation-free. */
int target6_set_contains(const struct target6_set *set, struct target6_addr addr);

/*
 * Call fn with each part of a normalized or finished set inside r (its singles and ranges
 * clipped to r), in address order; stops at fn's first nonzero return and returns it, else
 * 0.  Allocation-free.
 */
int target6_set_clip(const struct target6_set *set, const struct target6_range *r,
		     int (*fn)(void *ctx, const struct target6_range *part), void *ctx);

/* As target_cidr_at (target.h): the prefix length of the largest CIDR block that starts at
 * first and ends at or before last. */
unsigned target6_cidr_at(struct target6_addr first, struct target6_addr last);

/* The index-th address of a finished set; index < set->addresses.  Allocation-free. */
void target6_set_address(const struct target6_set *set, uint64_t index, struct target6_addr *out);

/* The index of addr in a finished set, or -1 when addr is not in it.  Allocation-free. */
int64_t target6_set_index(const struct target6_set *set, struct target6_addr addr);

#endif
