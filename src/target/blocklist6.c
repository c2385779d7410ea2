/*
 * The built-in IPv6 blocklist: every entry of the IANA IPv6 Special-Purpose
 * Address Registry (RFC 6890 and its successors, as of 2025), plus multicast
 * and the deprecated site-local block from the IPv6 Address Space registry.
 * It plays the part blocklist.c plays for IPv4 and is replaced the same way,
 * by -b FILE (-b /dev/null for none).  2001:2::/48, where salvo's namespace
 * tests put their IPv6 hosts, is in it: those tests pass -b.
 *
 * Unlike ZMap's IPv4 list, which leaves a few globally reachable service
 * blocks (AS112, AMT) scannable, this keeps every registry entry: the rule is
 * "the registry", which anyone can check line by line against IANA's page.
 */
#include "target/target6.h"

/*
 * One line per registry entry.  The whole of 2001::/23 is blocked; its
 * sub-entries follow it for the record.  64:ff9b::/96 matters more than it
 * looks: through a NAT64 a probe there reaches an IPv4 address, past the IPv4
 * blocklist.
 */
static const char *const default_blocklist6[] = {
	"::1/128",	     /* RFC 4291: loopback */
	"::/128",	     /* RFC 4291: unspecified */
	"::ffff:0:0/96",     /* RFC 4291: IPv4-mapped */
	"64:ff9b::/96",	     /* RFC 6052: IPv4-IPv6 translation, well-known prefix */
	"64:ff9b:1::/48",    /* RFC 8215: IPv4-IPv6 translation, local use */
	"100::/64",	     /* RFC 6666: discard-only */
	"100:0:0:1::/64",    /* RFC 9780: dummy IPv6 prefix */
	"2001::/23",	     /* RFC 2928: IETF protocol assignments */
	"2001::/32",	     /* RFC 4380, RFC 8190: Teredo */
	"2001:1::1/128",     /* RFC 7723: Port Control Protocol anycast */
	"2001:1::2/128",     /* RFC 8155: TURN anycast */
	"2001:1::3/128",     /* RFC 9665: DNS-SD service registration protocol anycast */
	"2001:2::/48",	     /* RFC 5180: benchmarking */
	"2001:3::/32",	     /* RFC 7450: AMT */
	"2001:4:112::/48",   /* RFC 7535: AS112-v6 */
	"2001:10::/28",	     /* RFC 4843: deprecated (previously ORCHID) */
	"2001:20::/28",	     /* RFC 7343: ORCHIDv2 */
	"2001:30::/28",	     /* RFC 9374: drone remote ID protocol entity tags */
	"2001:db8::/32",     /* RFC 3849: documentation */
	"2002::/16",	     /* RFC 3056: 6to4 */
	"2620:4f:8000::/48", /* RFC 7534: direct delegation AS112 service */
	"3fff::/20",	     /* RFC 9637: documentation */
	"5f00::/16",	     /* RFC 9602: segment routing (SRv6) SIDs */
	"fc00::/7",	     /* RFC 4193, RFC 8190: unique local */
	"fe80::/10",	     /* RFC 4291: link-local unicast */
	"fec0::/10",	     /* RFC 3879: site-local, deprecated (IPv6 Address Space registry) */
	"ff00::/8",	     /* RFC 4291: multicast (IPv6 Address Space registry) */
};

int target6_set_add_default_blocklist(struct target6_set *set)
{
	for (size_t i = 0; i < sizeof(default_blocklist6) / sizeof(default_blocklist6[0]); i++) {
		struct target6_range r;
		char err[160];
		int ret;

		/* The table is constant; a parse failure here is a programming error. */
		if ((ret = target6_parse(default_blocklist6[i], TARGET6_NO_GUARD, &r, err,
					 sizeof(err))))
			return ret;
		if ((ret = target6_set_add(set, &r)))
			return ret;
	}
	return 0;
}
