/*
 * libFuzzer target: IPv6 targets.  The parser on any text; the formatter on
 * any 16 bytes (RFC 5952 text that parses back, and glibc's text outside the
 * IPv4-compatible block); and a small set built from the input's lines (lines
 * starting with '!' go to the blocklist, without the guard) that must stay
 * consistent: every index maps to an address that maps back, no blocked address
 * is in the set, and each listed target's ends are either in the set or blocked.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "target/target6.h"

#define FUZZ_GUARD	 4096
#define FUZZ_MAX_TARGETS 32

static int in_block(const struct target6_set *block, struct target6_addr a)
{
	for (size_t i = 0; i < block->singles_count; i++)
		if (target6_cmp(block->singles[i], a) == 0)
			return 1;
	for (size_t i = 0; i < block->ranges_count; i++)
		if (target6_cmp(block->ranges[i].first, a) <= 0 &&
		    target6_cmp(a, block->ranges[i].last) <= 0)
			return 1;
	return 0;
}

static void check_format(const uint8_t *data)
{
	struct target6_addr a = target6_from_bytes(data), back;
	char ours[TARGET6_ADDRSTRLEN], libc[INET6_ADDRSTRLEN];
	uint8_t bytes[16];

	if ((size_t)target6_format(a, ours) != strlen(ours))
		abort();
	if (target6_parse_addr(ours, &back) || target6_cmp(back, a) != 0)
		abort();
	target6_to_bytes(a, bytes);
	if (memcmp(bytes, data, 16) != 0)
		abort();
	/* glibc writes ::a.b.c.d for the deprecated IPv4-compatible block; RFC 5952 does not. */
	if (!(a.hi == 0 && a.lo >> 32 == 0 && a.lo >> 16 != 0) &&
	    (!inet_ntop(AF_INET6, data, libc, sizeof(libc)) || strcmp(ours, libc) != 0))
		abort();
}

static void check_parse(const char *text)
{
	struct target6_range r;
	struct target6_addr back;
	char err[256], buf[TARGET6_ADDRSTRLEN];

	if (target6_parse(text, FUZZ_GUARD, &r, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort(); /* a refusal always says why */
		return;
	}
	if (target6_cmp(r.first, r.last) > 0)
		abort();
	if (target6_sub(r.last, r.first).hi || target6_sub(r.last, r.first).lo >= FUZZ_GUARD)
		abort();
	target6_format(r.first, buf);
	if (target6_parse_addr(buf, &back) || target6_cmp(back, r.first) != 0)
		abort();
}

/* Every index of the finished set maps to an address that maps back (up to a bound, both
 * ends included) and that is not blocked. */
static void check_set(const struct target6_set *set, const struct target6_set *block)
{
	for (uint64_t i = 0; i < set->addresses; i++) {
		struct target6_addr a;

		if (i == 2000 && set->addresses > 2100)
			i = set->addresses - 100;
		target6_set_address(set, i, &a);
		if (target6_set_index(set, a) != (int64_t)i || in_block(block, a))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct target6_range targets[FUZZ_MAX_TARGETS];
	struct target6_set set, block;
	char text[1024], err[256];
	size_t ntargets = 0;

	if (size >= 16)
		check_format(data);
	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_parse(text);

	target6_set_init(&set);
	target6_set_init(&block);
	for (char *line = text, *next; line; line = next) {
		struct target6_range r;

		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if (line[0] == '!') {
			if (target6_parse(line + 1, TARGET6_NO_GUARD, &r, err, sizeof(err)) == 0)
				target6_set_add(&block, &r);
		} else if (target6_parse(line, FUZZ_GUARD, &r, err, sizeof(err)) == 0 &&
			   ntargets < FUZZ_MAX_TARGETS) {
			targets[ntargets++] = r;
			target6_set_add(&set, &r);
		}
	}
	if (target6_set_finish(&set, &block) != 0)
		abort(); /* at most 32 ranges of 4096: always countable */
	check_set(&set, &block);
	for (size_t i = 0; i < ntargets; i++)
		if ((target6_set_index(&set, targets[i].first) < 0 &&
		     !in_block(&block, targets[i].first)) ||
		    (target6_set_index(&set, targets[i].last) < 0 &&
		     !in_block(&block, targets[i].last)))
			abort();
	target6_set_free(&set);
	target6_set_free(&block);
	return 0;
}
