/*
 * libFuzzer target: the target and port parsers on any text, and the
 * address set built from what parses (merge, blocklist subtraction, index
 * round trip) must stay consistent.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "target/target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[256], err[256];
	struct target_range r;
	struct target_ports ports;
	struct target_set set, block;
	const char *why;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (target_ports_parse(text, &ports, err, sizeof(err)) == 0) {
		for (uint32_t i = 0; i < ports.count; i++)
			if (target_ports_index(&ports, ports.ports[i]) != (int32_t)i)
				abort();
		target_ports_free(&ports);
	}
	if (target_parse_range(text, &r, &why) != 0)
		return 0;
	if (r.last < r.first)
		abort();
	target_set_init(&set);
	target_set_init(&block);
	target_set_add(&set, r);
	target_set_add_default_blocklist(&block);
	if (target_set_finish(&set, &block) == 0 && set.addresses) {
		/* A few indexes, including both ends, must map to addresses and back. */
		uint64_t probe_at[3] = { 0, set.addresses / 2, set.addresses - 1 };

		for (int i = 0; i < 3; i++)
			if (target_set_index(&set, target_set_address(&set, probe_at[i])) !=
			    (int64_t)probe_at[i])
				abort();
	}
	target_set_free(&set);
	target_set_free(&block);
	return 0;
}
