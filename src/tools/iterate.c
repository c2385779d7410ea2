/*
 * salvo-iterate (ZMap's ziterate): the (address[,port]) pairs a salvo scan of the same
 * options would probe, one a line, in the order one sender thread of that scan probes them:
 * the shard's slice of the keyed permutation (cut by -n), each position taken apart into an
 * address and a port by the scan's own code (src/target, scan/config.h).  It opens no socket
 * and needs no privilege.  "addr" for one port (or no -p), "addr,port" for several, as
 * ZMap's; IPv6 addresses in RFC 5952 text.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target/permutation.h"
#include "tools/tools.h"

#define ITERATE_OUT   (1 << 20) /* bytes written at once */
#define ITERATE_LINE  64	/* the longest line: an IPv6 address, a port, a newline */
#define ITERATE_AHEAD 64	/* positions computed at once (target_permutation_fill) */

/* buf[0..len) to fd 1, whatever the size of each write. */
static int iterate_write(const char *buf, size_t len, char *err, size_t errlen)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			snprintf(err, errlen, "stdout: %s", strerror(e));
			return -e;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One line for target t (and dport when with_port) at p; its length. */
static size_t iterate_line(char *p, const struct scan_target *t, uint16_t dport, int with_port)
{
	size_t n = t->v6 ? (size_t)target6_format(target6_from_bytes(t->daddr6), p)
			 : (size_t)target_format_ipv4(t->daddr, p);

	if (with_port) {
		char digits[5];
		int k = 0;

		p[n++] = ',';
		do
			digits[k++] = (char)('0' + dport % 10);
		while ((dport /= 10));
		while (k)
			p[n++] = digits[--k];
	}
	p[n++] = '\n';
	return n;
}

static int iterate_run(const struct cli_config *cli, char *err, size_t errlen)
{
	const struct scan_config *cfg = &cli->scan;
	uint64_t n = scan_config_addresses(cfg) * cfg->ports.count, begin, end, e[ITERATE_AHEAD];
	int with_port = cfg->ports.count > 1, ret = 0;
	struct target_permutation perm;
	struct fastdiv port_div;
	size_t len = 0;
	char *out;

	/* The scan's own check (scan.c): the permutation walks at most 2^62 elements. */
	if (target_permutation_init(&perm, n, cfg->seed)) {
		snprintf(err, errlen, "the scan is too large: %llu addresses x %u ports",
			 (unsigned long long)scan_config_addresses(cfg), cfg->ports.count);
		return -EINVAL;
	}
	fastdiv_init(&port_div, cfg->ports.count);
	target_permutation_shard(n, cfg->shard, cfg->shards, cfg->max_targets, &begin, &end);
	if (!(out = malloc(ITERATE_OUT))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (uint64_t pos = begin; pos < end && !ret; pos += ITERATE_AHEAD) {
		unsigned count = end - pos < ITERATE_AHEAD ? (unsigned)(end - pos) : ITERATE_AHEAD;

		target_permutation_fill(&perm, pos, count, e);
		for (unsigned i = 0; i < count; i++) {
			struct scan_target t;
			uint16_t dport;

			scan_target_at(cfg, scan_element_split(cfg, &port_div, e[i], &dport), &t);
			len += iterate_line(out + len, &t, dport, with_port);
		}
		if (len > ITERATE_OUT - ITERATE_AHEAD * ITERATE_LINE) {
			ret = iterate_write(out, len, err, errlen);
			len = 0;
		}
	}
	if (!ret)
		ret = iterate_write(out, len, err, errlen);
	free(out);
	return ret;
}

const struct tool_ops tool_iterate = {
	.program = {
		.name = "salvo-iterate",
		.bit = CLI_ITERATE,
		.summary = "the (address[,port]) pairs salvo would probe, in its order (ZMap's "
			   "ziterate)",
		.usage = "usage: salvo-iterate [options] [TARGET...]\n"
			 "  Prints what salvo --dryrun with the same options probes, one a line:\n"
			 "  addr for one port (or no -p), addr,port for several.  TARGET is as\n"
			 "  salvo's; none is the whole IPv4 space less the blocklist.\n",
		.resolve = cli_resolve_iterate,
	},
	.zmap_name = "ziterate",
	.run = iterate_run,
};
