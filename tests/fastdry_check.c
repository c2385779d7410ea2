/*
 * fastdry_check: proves that a --fast-dryrun stream covers exactly the addresses it should.
 *
 *   salvo --fast-dryrun -p 80 -r 0 0.0.0.0/0 | fastdry_check -p 80 [-b FILE] [RANGE...]
 *
 * Reads ZMap's stream of 6-byte records (IPv4 address, port, network order) from stdin,
 * the concatenation of several runs if need be (the shards of one scan), and checks, with a
 * bitmap of the whole IPv4 space (512 MiB), that every address of RANGE... (default
 * 0.0.0.0/0) not blocklisted appears exactly once, with port PORT, and that nothing else
 * does: no blocklisted address, no address outside the ranges, no other port, no byte past
 * the last whole record (a header line before the records fails here, as in ZMap's own
 * full-space test).  Exit 0 exact, 1 not (up to ten examples of each fault said), 2 unusable
 * arguments or input.
 *
 * The blocklist is salvo's own: the built-in table as salvo's target code parses it
 * (target_set_add_default_blocklist), or with -b FILE that file's IPv4 lines as salvo's
 * range parser reads them.  What the scan should cover is worked out here, from the raw
 * ranges, not by target_set_finish, the code that made the scan: a fault there must not
 * hide itself.  Run by tests/cli/test_fastdry_check.sh (small spaces, in make test) and
 * tests/whole_space.sh (the whole space, in .ci/run).
 */
#include "target/target.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define SPACE	    (1ull << 32)
#define BITMAP_SIZE (SPACE / 8)
#define READ_SIZE   (6u << 20) /* a whole number of records */
#define EXAMPLES    10

struct check {
	uint64_t *seen; /* one bit an address */
	unsigned port;
	struct target_set targets, block; /* raw ranges: never finished */
	uint64_t records, twice, wrong_port;
};

static void say_addr(const char *what, uint32_t addr, unsigned port)
{
	char a[16];

	target_format_ipv4(addr, a);
	printf("fastdry_check: %s:%u %s\n", a, port, what);
}

/* One record; its faults are counted, and the first few said. */
static inline void take(struct check *c, const uint8_t *r)
{
	uint32_t addr = (uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 | (uint32_t)r[2] << 8 | r[3];
	unsigned port = (unsigned)r[4] << 8 | r[5];
	uint64_t bit = 1ull << (addr & 63), *w = &c->seen[addr >> 6];

	c->records++;
	if (port != c->port) {
		if (c->wrong_port++ < EXAMPLES)
			say_addr("has the wrong port", addr, port);
		return;
	}
	if (*w & bit) {
		if (c->twice++ < EXAMPLES)
			say_addr("appears more than once", addr, port);
		return;
	}
	*w |= bit;
}

/* Read stdin to its end; 0, or -errno. */
static int read_stream(struct check *c, size_t *left_over)
{
	uint8_t *buf = malloc(READ_SIZE);
	size_t have = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf + have, READ_SIZE - have);
		size_t i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int ret = -errno;

			free(buf);
			return ret;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		for (i = 0; i + 6 <= have; i += 6)
			take(c, buf + i);
		memmove(buf, buf + i, have - i);
		have -= i;
	}
	free(buf);
	*left_over = have;
	return 0;
}

static int in_any(const struct target_set *s, uint64_t a)
{
	for (size_t i = 0; i < s->count; i++)
		if (a >= s->ranges[i].first && a <= s->ranges[i].last)
			return 1;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Addresses of [lo, hi) whose bit is set. */
static uint64_t ones(const uint64_t *seen, uint64_t lo, uint64_t hi)
{
	uint64_t n = 0;

	for (; lo < hi && (lo & 63); lo++)
		n += seen[lo >> 6] >> (lo & 63) & 1;
	for (; lo + 64 <= hi; lo += 64)
		n += (uint64_t)__builtin_popcountll(seen[lo >> 6]);
	for (; lo < hi; lo++)
		n += seen[lo >> 6] >> (lo & 63) & 1;
	return n;
}

/*
 * Cut the space at every range's ends: each piece is wholly expected (in a range, in no
 * block) or wholly not, and its bits must be all set or all clear.  Returns the faults.
 */
static uint64_t compare(struct check *c, uint64_t *expected)
{
	size_t n = 0, cap = 2 * (c->targets.count + c->block.count) + 2;
	uint64_t *cut = malloc(cap * sizeof(*cut)), missing = 0, extra = 0, blocked_seen = 0;
	unsigned said = 0;

	if (!cut) {
		perror("fastdry_check");
		exit(2);
	}
	cut[n++] = 0;
	cut[n++] = SPACE;
	for (size_t i = 0; i < c->targets.count; i++) {
		cut[n++] = c->targets.ranges[i].first;
		cut[n++] = (uint64_t)c->targets.ranges[i].last + 1;
	}
	for (size_t i = 0; i < c->block.count; i++) {
		cut[n++] = c->block.ranges[i].first;
		cut[n++] = (uint64_t)c->block.ranges[i].last + 1;
	}
	qsort(cut, n, sizeof(*cut), cmp_u64);
	*expected = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		uint64_t lo = cut[i], hi = cut[i + 1], set;
		int blocked, want;

		if (lo == hi)
			continue;
		blocked = in_any(&c->block, lo);
		want = in_any(&c->targets, lo) && !blocked;
		set = ones(c->seen, lo, hi);
		if (want) {
			*expected += hi - lo;
			missing += hi - lo - set;
		} else {
			extra += set;
			if (blocked)
				blocked_seen += set;
		}
		if ((want ? set == hi - lo : set == 0) || said >= EXAMPLES)
			continue;
		for (uint64_t a = lo; a < hi && said < EXAMPLES; a++) {
			if ((int)(c->seen[a >> 6] >> (a & 63) & 1) == want)
				continue;
			say_addr(want	   ? "is missing"
				 : blocked ? "is blocklisted but appears"
					   : "is outside the ranges but appears",
				 (uint32_t)a, c->port);
			said++;
		}
	}
	free(cut);
	if (missing)
		printf("fastdry_check: %llu addresses missing\n", (unsigned long long)missing);
	if (extra)
		printf("fastdry_check: %llu addresses that should not appear do (%llu "
		       "blocklisted)\n",
		       (unsigned long long)extra, (unsigned long long)blocked_seen);
	return missing + extra;
}

/* -b FILE: its IPv4 lines (comments after '#', blank lines and IPv6 lines skipped). */
static int load_blocklist(const char *path, struct target_set *block)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned n = 0;

	if (!f) {
		fprintf(stderr, "fastdry_check: -b %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *end;
		struct target_range r;
		const char *why;

		n++;
		line[strcspn(line, "#\r\n")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		end = s + strlen(s);
		while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (!*s || strchr(s, ':'))
			continue;
		if (target_parse_range(s, &r, &why) || target_set_add(block, r)) {
			fprintf(stderr, "fastdry_check: -b %s:%u: %s\n", path, n, s);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: fastdry_check [-p PORT] [-b FILE] [RANGE...] <records\n");
	exit(2);
}

/* Read the stream and compare it with what the ranges and the blocklist say: 0 exact, 1 not,
 * 2 the stream or the bitmap failed. */
static int check_stream(struct check *c)
{
	uint64_t expected, faults;
	struct timespec t0, t1;
	size_t left_over = 0;
	int ret;

	/* Pages are touched only where records land; huge ones spare the TLB a miss a record. */
	c->seen = mmap(NULL, BITMAP_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (c->seen == MAP_FAILED) {
		perror("fastdry_check: a bitmap of the IPv4 space (512 MiB)");
		return 2;
	}
	(void)madvise(c->seen, BITMAP_SIZE, MADV_HUGEPAGE);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((ret = read_stream(c, &left_over))) {
		fprintf(stderr, "fastdry_check: stdin: %s\n", strerror(-ret));
		munmap(c->seen, BITMAP_SIZE);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (left_over)
		printf("fastdry_check: %zu bytes after the last whole record\n", left_over);
	if (c->twice)
		printf("fastdry_check: %llu records repeat an address\n",
		       (unsigned long long)c->twice);
	if (c->wrong_port)
		printf("fastdry_check: %llu records have a port other than %u\n",
		       (unsigned long long)c->wrong_port, c->port);
	faults = compare(c, &expected) + c->twice + c->wrong_port + (left_over != 0);
	printf("fastdry_check: %llu records in %.1f s; %llu addresses expected (%zu ranges less "
	       "%zu blocked): %s\n",
	       (unsigned long long)c->records,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       (unsigned long long)expected, c->targets.count, c->block.count,
	       faults ? "NOT exact" : "exact, each once, none blocked");
	munmap(c->seen, BITMAP_SIZE);
	return faults ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct check c = { .port = 80 };
	const char *block_file = NULL;
	int opt, ret = 2;

	while ((opt = getopt(argc, argv, "p:b:")) != -1) {
		char *end;

		if (opt == 'p') {
			unsigned long p = strtoul(optarg, &end, 10);

			if (*end || end == optarg || p > 65535)
				usage();
			c.port = (unsigned)p;
		} else if (opt == 'b') {
			block_file = optarg;
		} else {
			usage();
		}
	}
	target_set_init(&c.targets);
	target_set_init(&c.block);
	for (int i = optind; i < argc; i++) {
		struct target_range r;
		const char *why;

		if (target_parse_range(argv[i], &r, &why) || target_set_add(&c.targets, r)) {
			fprintf(stderr, "fastdry_check: %s: not an IPv4 range\n", argv[i]);
			goto out;
		}
	}
	if (optind == argc && target_set_add(&c.targets, (struct target_range){ 0, UINT32_MAX }))
		goto out;
	if (block_file ? load_blocklist(block_file, &c.block) != 0
		       : target_set_add_default_blocklist(&c.block) != 0)
		goto out;
	ret = check_stream(&c);
out:
	target_set_free(&c.targets);
	target_set_free(&c.block);
	return ret;
}
