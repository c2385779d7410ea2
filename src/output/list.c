/*
 * list: the bare minimum, one result per line: "ip" when one port was
 * scanned, "ip:port" when several were.  The format orchestrators that
 * drive scanners as subprocesses parse; -f does not apply.
 */
#include "output/output.h"

#include <errno.h>

#include "target/target.h"
#include "target/target6.h"

static int list_write(struct output *o, const struct probe_result *r)
{
	char line[TARGET6_ADDRSTRLEN + 16];
	size_t used = 0;

	/* IPv6 with several ports: [addr]:port, as URLs write it (RFC 3986). */
	if (r->family == 6) {
		if (o->multi_port)
			line[used++] = '[';
		used += (size_t)target6_format(target6_from_bytes(r->saddr6), line + used);
		if (o->multi_port)
			line[used++] = ']';
	} else {
		used = (size_t)target_format_ipv4(r->saddr, line);
	}
	if (o->multi_port) {
		unsigned port = r->sport, div = 10000;

		line[used++] = ':';
		while (div > 1 && port < div)
			div /= 10;
		for (; div; div /= 10)
			line[used++] = (char)('0' + port / div % 10);
	}
	line[used++] = '\n';
	return fwrite(line, 1, used, o->file) == used ? 0 : -EIO;
}

const struct output_ops output_list_ops = {
	.name = "list",
	.help = "one ip (one port scanned) or ip:port (several) per line",
	.write = list_write,
};
