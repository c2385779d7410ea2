/* ZMap's dry-run text of a probe; see print.h.  Not on a scan's path: only --dryrun. */
#include "probe/print.h"
#include "probe/probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#define PRINT_SEP "------------------------------------------------------\n" /* 54 dashes */

static void print_addr(char out[16], const uint8_t *p)
{
	snprintf(out, 16, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static unsigned long get32(const uint8_t *p)
{
	return (unsigned long)get16(p) << 16 | get16(p + 2);
}

static void print_eth(FILE *f, const uint8_t *frame)
{
	fprintf(f,
		"eth { shost: %02x:%02x:%02x:%02x:%02x:%02x | "
		"dhost: %02x:%02x:%02x:%02x:%02x:%02x }\n",
		frame[6], frame[7], frame[8], frame[9], frame[10], frame[11], frame[0], frame[1],
		frame[2], frame[3], frame[4], frame[5]);
}

/* The transport header's length, if the frame holds one of a kind printed; else 0. */
static uint32_t l4_header_len(unsigned proto, const uint8_t *l4, uint32_t l4_len)
{
	uint32_t doff;

	if (proto == 6 && l4_len >= 20) {
		doff = (uint32_t)(l4[12] >> 4) * 4;
		return doff >= 20 && doff <= l4_len ? doff : 20;
	}
	return (proto == 17 || proto == 1 || proto == 58) && l4_len >= 8 ? 8 : 0;
}

/* The transport block: ZMap's synscan, udp and icmp_echoscan lines (icmp6 for ICMPv6, as the
 * TUM fork's dry run names it), under the module's name for it if it has one (dns). */
static void print_l4(FILE *f, const char *name, unsigned proto, const uint8_t *l4)
{
	if (proto == 6)
		fprintf(f, "%s { source: %u | dest: %u | seq: %lu | checksum: %#04X }\n",
			name ? name : "tcp", get16(l4), get16(l4 + 2), get32(l4 + 4),
			get16(l4 + 16));
	else if (proto == 17)
		fprintf(f, "%s { source: %u | dest: %u | checksum: %#04X }\n", name ? name : "udp",
			get16(l4), get16(l4 + 2), get16(l4 + 6));
	else
		fprintf(f, "%s { type: %u | code: %u | checksum: %#04X | id: %u | seq: %u }\n",
			name	      ? name
			: proto == 58 ? "icmp6"
				      : "icmp",
			l4[0], l4[1], get16(l4 + 2), get16(l4 + 4), get16(l4 + 6));
}

/* --fast-dryrun of an IPv6 probe (as salvo builds them: no extension header): the 16 bytes of
 * its destination and its 2 of destination port. */
static int fast_record6(const uint8_t *ip, uint32_t len, uint8_t out[PROBE_FAST_MAX])
{
	if (len < IPV6_HLEN)
		return -EINVAL;
	memcpy(out, ip + 24, 16);
	if ((ip[6] == 6 || ip[6] == 17) && len >= IPV6_HLEN + 4)
		memcpy(out + 16, ip + IPV6_HLEN + 2, 2);
	else
		out[16] = out[17] = 0;
	return 18;
}

/* ZMap's layout of an IPv6 probe: the transport block, then ip6 and (without -X) eth. */
static int print_zmap6(FILE *f, const struct probe_ops *probe, const uint8_t *frame, uint32_t len,
		       int iplayer)
{
	const uint8_t *ip = frame + 14;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	uint32_t hlen;

	if (len < 14 + IPV6_HLEN ||
	    !(hlen = l4_header_len(ip[6], ip + IPV6_HLEN, len - 14 - IPV6_HLEN)))
		return -EINVAL;
	if (probe && probe->print_head)
		probe->print_head(f, ip + IPV6_HLEN + hlen, len - 14 - IPV6_HLEN - hlen);
	print_l4(f, probe ? probe->print_name : NULL, ip[6], ip + IPV6_HLEN);
	inet_ntop(AF_INET6, ip + 8, src, sizeof(src));
	inet_ntop(AF_INET6, ip + 24, dst, sizeof(dst));
	fprintf(f, "ip6 { saddr: %s | daddr: %s | hop_limit: %u }\n", src, dst, ip[7]);
	if (!iplayer)
		print_eth(f, frame);
	fputs(PRINT_SEP, f);
	return 0;
}

int probe_fast_record(const uint8_t *frame, uint32_t len, uint8_t out[PROBE_FAST_MAX])
{
	const uint8_t *ip = frame + 14;
	uint32_t ihl;

	if (len >= 14 && get16(frame + 12) == ETHERTYPE_IPV6_)
		return fast_record6(ip, len - 14, out);
	if (len < 14 + 20 || (ip[0] >> 4) != 4)
		return -EINVAL;
	ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	memcpy(out, ip + 16, 4);
	if ((ip[9] == 6 || ip[9] == 17) && len >= 14 + ihl + 4)
		memcpy(out + 4, ip + ihl + 2, 2);
	else
		out[4] = out[5] = 0;
	return 6;
}

int probe_print_zmap(FILE *f, const struct probe_ops *probe, const uint8_t *frame, uint32_t len,
		     int iplayer)
{
	const uint8_t *ip = frame + 14;
	uint32_t ihl, hlen;
	char src[16], dst[16];

	if (len >= 14 && get16(frame + 12) == ETHERTYPE_IPV6_)
		return print_zmap6(f, probe, frame, len, iplayer);
	if (len < 14 + 20 || get16(frame + 12) != 0x0800 || (ip[0] >> 4) != 4)
		return -EINVAL;
	ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	if (ihl < 20 || len < 14 + ihl || !(hlen = l4_header_len(ip[9], ip + ihl, len - 14 - ihl)))
		return -EINVAL;
	if (probe && probe->print_head)
		probe->print_head(f, ip + ihl + hlen, len - 14 - ihl - hlen);
	print_l4(f, probe ? probe->print_name : NULL, ip[9], ip + ihl);
	print_addr(src, ip + 12);
	print_addr(dst, ip + 16);
	fprintf(f, "ip { saddr: %s | daddr: %s | checksum: %#04X }\n", src, dst, get16(ip + 10));
	if (!iplayer)
		print_eth(f, frame);
	fputs(PRINT_SEP, f);
	return 0;
}
