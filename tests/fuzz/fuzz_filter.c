/* libFuzzer target: the --output-filter parser on any text, then matching what parsed. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "output/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct probe_result r = { .saddr = 0xc6120105,
					       .sport = 443,
					       .success = 1,
					       .ttl = 64,
					       .classification = "synack",
					       .probe = "tcp_synscan" };
	struct output_filter f;
	char text[1024], err[256];

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (output_filter_parse(text, &f, err, sizeof(err)) == 0)
		(void)output_filter_match(&f, &r);
	return 0;
}
