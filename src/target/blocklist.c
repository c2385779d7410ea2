/*
 * The built-in blocklist: address blocks no Internet scan should touch, from
 * the IANA IPv4 special-purpose address registry (RFC 6890 and successors),
 * the same set ZMap's blocklist.conf ships.  It applies unless the user
 * replaces it with -b FILE (-b /dev/null for none).
 */
#include "target/target.h"

static const char *const default_blocklist[] = {
	"0.0.0.0/8",	      /* RFC 1122: "this" network */
	"10.0.0.0/8",	      /* RFC 1918: private use */
	"100.64.0.0/10",      /* RFC 6598: shared address space (CGN) */
	"127.0.0.0/8",	      /* RFC 1122: loopback */
	"169.254.0.0/16",     /* RFC 3927: link local */
	"172.16.0.0/12",      /* RFC 1918: private use */
	"192.0.0.0/24",	      /* RFC 6890: IETF protocol assignments */
	"192.0.2.0/24",	      /* RFC 5737: documentation (TEST-NET-1) */
	"192.88.99.0/24",     /* RFC 3068: 6to4 relay anycast */
	"192.168.0.0/16",     /* RFC 1918: private use */
	"198.18.0.0/15",      /* RFC 2544: benchmarking */
	"198.51.100.0/24",    /* RFC 5737: documentation (TEST-NET-2) */
	"203.0.113.0/24",     /* RFC 5737: documentation (TEST-NET-3) */
	"224.0.0.0/4",	      /* RFC 5771: multicast */
	"240.0.0.0/4",	      /* RFC 1112: reserved for future use */
	"255.255.255.255/32", /* RFC 919: limited broadcast */
};

int target_set_add_default_blocklist(struct target_set *set)
{
	for (size_t i = 0; i < sizeof(default_blocklist) / sizeof(default_blocklist[0]); i++) {
		struct target_range r;
		const char *why;
		int ret;

		/* The table is constant; a parse failure here is a programming error. */
		if ((ret = target_parse_range(default_blocklist[i], &r, &why)))
			return ret;
		if ((ret = target_set_add(set, r)))
			return ret;
	}
	return 0;
}
