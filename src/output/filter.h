/*
 * --output-filter: which replies reach the output.
 *
 * A small expression language over the output fields, as ZMap's:
 *     success = 1 && repeat = 0          (the default)
 *     sport = 443 || sport = 8443
 *     classification = "rst" && !(ttl > 64)
 *     saddr = 198.18.1.5
 * Comparisons are = (or ==), !=, <, <=, >, >=; number fields compare as
 * numbers, address fields (saddr, daddr) as addresses, string fields
 * (classification, probe) with = and != only.  && binds tighter than ||.
 *
 * The expression is parsed once into a fixed array of nodes; matching a
 * reply walks it without allocating, so the receive threads can filter.
 */
#ifndef SALVO_OUTPUT_FILTER_H
#define SALVO_OUTPUT_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "output/output.h"

#define FILTER_MAX_NODES  64
#define FILTER_MAX_STRING 32

enum filter_node_kind { FILTER_AND, FILTER_OR, FILTER_NOT, FILTER_CMP };
enum filter_op { FILTER_EQ, FILTER_NE, FILTER_LT, FILTER_LE, FILTER_GT, FILTER_GE };

struct filter_node {
	enum filter_node_kind kind;
	uint8_t left, right; /* child node indexes (NOT uses left) */
	enum output_field field;
	enum filter_op op;
	uint64_t number; /* number and IPv4 address comparisons */
	uint8_t family;	 /* an address comparison's: 4, or 6 with the address in addr6 */
	uint8_t addr6[16];
	char string[FILTER_MAX_STRING];
};

struct output_filter {
	struct filter_node nodes[FILTER_MAX_NODES];
	unsigned count;
	unsigned root;
};

/* Parse text; 0, or -EINVAL with "why at 'the rest'" (naming the place) in err. */
int output_filter_parse(const char *text, struct output_filter *f, char *err, size_t errlen);

/* Does r pass the filter? */
int output_filter_match(const struct output_filter *f, const struct probe_result *r);

#endif
