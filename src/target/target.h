/*
 * Address sets and port lists: what a scan covers.
 *
 * A target set is a sorted list of disjoint inclusive IPv4 ranges (host
 * order) with the count of addresses before each range, so that "the i-th
 * address of the set" and "the index of this address" are both a binary
 * search.  The scan is the product of the address set and the port list,
 * numbered 0 .. addresses*ports-1 as address_index * ports + port_index; the
 * permutation (permutation.h) walks those numbers in a keyed random order.
 * Memory grows with the number of ranges, never with the number of
 * addresses: 0.0.0.0/0 minus the default blocklist is about twenty ranges.
 */
#ifndef SALVO_TARGET_TARGET_H
#define SALVO_TARGET_TARGET_H

#include <stddef.h>
#include <stdint.h>

struct target_range {
	uint32_t first; /* host order, inclusive */
	uint32_t last;	/* host order, inclusive */
};

struct target_set {
	struct target_range *ranges;
	uint64_t *before; /* before[i]: addresses in ranges[0..i-1]; set by target_set_finish */
	size_t count;
	size_t capacity;
	uint64_t addresses; /* total, valid after target_set_finish */
};

#define TARGET_MAX_PORTS 65536

struct target_ports {
	uint16_t *ports; /* in the order given, without duplicates */
	uint32_t count;
	uint32_t *index_of; /* 65536 entries: port -> index + 1, 0 = not scanned */
};

/*
 * Parse one target: "a.b.c.d", "a.b.c.d/len" or "a.b.c.d-e.f.g.h".
 * Returns 0, or -EINVAL with a reason in why (a static string).
 */
int target_parse_range(const char *s, struct target_range *out, const char **why);

/* Parse a dotted quad strictly (no leading junk, no trailing junk). */
int target_parse_ipv4(const char *s, uint32_t *addr);

/*
 * Parse a list of addresses, as ZMap's -S takes them: "a.b.c.d", "a.b.c.d-e.f.g.h", or such
 * items separated by commas.  At most max addresses in all, into out sorted (host order)
 * with duplicates dropped, their number in *count.  0, or -EINVAL with one line in err
 * (what is wrong and with which item: an IPv6 address, a CIDR block, a range backwards,
 * more than max addresses).
 */
int target_parse_ipv4_list(const char *s, uint32_t *out, unsigned max, unsigned *count, char *err,
			   size_t errlen);

/* Format addr (host order) as a dotted quad; buf must hold 16 bytes. Returns length. */
int target_format_ipv4(uint32_t addr, char buf[16]);

void target_set_init(struct target_set *set);
void target_set_free(struct target_set *set);
int target_set_add(struct target_set *set, struct target_range r);

/* Add the built-in blocklist (IANA special-purpose registries, as ZMap's blocklist.conf). */
int target_set_add_default_blocklist(struct target_set *set);

/* Sort and merge; then subtract block (already finished or not) and count. */
int target_set_finish(struct target_set *set, struct target_set *block);

/* The index-th address of a finished set; index < set->addresses. */
uint32_t target_set_address(const struct target_set *set, uint64_t index);

/* The index of addr in a finished set, or -1 when addr is not in it. */
int64_t target_set_index(const struct target_set *set, uint32_t addr);

/*
 * Call fn with each part of a finished set inside r (the set's ranges clipped to r), in
 * order; stops at fn's first nonzero return and returns it, else 0.  Allocation-free.
 */
int target_set_clip(const struct target_set *set, struct target_range r,
		    int (*fn)(void *ctx, struct target_range part), void *ctx);

/*
 * The prefix length of the largest CIDR block that starts at first and ends at or before last
 * (first <= last): a range is written as blocks by taking this one and going on after it.
 */
unsigned target_cidr_at(uint32_t first, uint32_t last);

/* Parse "22,80,8000-8100" into ports; 0 or -EINVAL with a reason in err. */
int target_ports_parse(const char *s, struct target_ports *ports, char *err, size_t errlen);
void target_ports_free(struct target_ports *ports);

/* Index of port in the list, or -1. */
static inline int32_t target_ports_index(const struct target_ports *ports, uint16_t port)
{
	return (int32_t)ports->index_of[port] - 1;
}

#endif
