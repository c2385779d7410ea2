/*
 * salvo-blocklist (ZMap's zblocklist): reads addresses on stdin, one a line, and prints those
 * the allowlist takes (-w; all addresses without one) and the blocklist leaves (-b; salvo's
 * built-in one without it, as salvo's scans), each once (--no-duplicate-checking: each time it
 * comes).  A line is read as a line of a -w file is: an address, a CIDR block or a range, of
 * either family, by src/target's parsers; what follows the address on the line (a comment,
 * ",more,fields", blanks) is not read.  An address is printed as the line gives it; a block
 * or range as the CIDR blocks of its allowed part.  A line with nothing but blanks or a
 * comment is skipped; a line that is no address is copied as it is, as ZMap's does, or left
 * out with --ignore-input-errors, and one warning at the end counts them.
 *
 * Millions of lines a second: stdin and stdout go through large buffers of our own, an IPv4
 * address is one binary search over the allowed ranges (a few dozen with the built-in
 * blocklist) and one bit in a bitmap of 8 KiB pages, a page per /16 met (ZMap's paged bitmap).
 * IPv6 addresses and blocks printed go in a hash set of (address, prefix length); an address
 * or block is a duplicate when it, or a block printed before that holds it, is there.  (A
 * block that holds addresses printed before it is printed whole: the set is not searched for
 * what lies under a block.  IPv4 has no such gap: its bitmap is exact.)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "tools/tools.h"
#include "util/log.h"
#include "util/siphash.h"

#define BL_IN	       (1 << 20) /* bytes read at once, and the longest line */
#define BL_OUT	       (2 << 20) /* bytes written at once (a bad line is copied whole) */
#define BL_PAGES       65536	 /* the IPv4 bitmap: a page per /16 */
#define BL_PAGE_WORDS  1024	 /* 65536 bits */
#define BL_QUOTE       100	 /* a bad line is quoted in the warning up to this many bytes */
#define BL_SEEN6_FIRST 1024	 /* the IPv6 set's first size; it doubles at half full */

/* An IPv6 address or block printed: (first address, prefix length); 128 for an address. */
struct bl_entry6 {
	struct target6_addr a;
	uint8_t len;
	uint8_t used;
};

struct bl {
	const struct scan_config *cfg; /* targets, targets6: what may be printed */
	int dedup, ignore_errors;
	uint64_t *pages[BL_PAGES]; /* IPv4 addresses printed: NULL = none in that /16 */
	struct bl_entry6 *seen6;   /* open addressing, linear probing */
	size_t seen6_mask, seen6_count;
	uint64_t seen6_lens[3]; /* bit L: a block of prefix length L (0-128) is in the set */
	uint8_t key[SIPHASH_KEY_LEN];
	char *out;
	size_t out_len;
	uint64_t lineno, bad, first_bad;
	char first_bad_text[BL_QUOTE + 1];
	char *err;
	size_t errlen;
};

/* What cuts an address off the rest of its line, as ZMap's: blank, comma, '#'; and CR. */
static const unsigned char bl_cut[256] = {
	['\0'] = 1, [' '] = 1, ['\t'] = 1, [','] = 1, ['#'] = 1, ['\r'] = 1, ['\n'] = 1
};

static int bl_flush(struct bl *b)
{
	const char *p = b->out;

	while (b->out_len) {
		ssize_t n = write(STDOUT_FILENO, p, b->out_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			snprintf(b->err, b->errlen, "stdout: %s", strerror(e));
			return -e;
		}
		p += n;
		b->out_len -= (size_t)n;
	}
	return 0;
}

/* text[0..n) and a newline to stdout. */
static int bl_put(struct bl *b, const char *text, size_t n)
{
	int ret;

	if (b->out_len + n + 1 > BL_OUT && (ret = bl_flush(b)))
		return ret;
	memcpy(b->out + b->out_len, text, n);
	b->out_len += n;
	b->out[b->out_len++] = '\n';
	return 0;
}

static int bl_nomem(struct bl *b)
{
	snprintf(b->err, b->errlen, "out of memory");
	return -ENOMEM;
}

/* The word of the IPv4 bitmap that holds a; NULL when out of memory. */
static uint64_t *bl_word4(struct bl *b, uint32_t a)
{
	uint64_t **page = &b->pages[a >> 16];

	if (!*page && !(*page = calloc(BL_PAGE_WORDS, sizeof(uint64_t))))
		return NULL;
	return &(*page)[(a & 0xffff) >> 6];
}

static int bl_single4(struct bl *b, uint32_t a, const char *text, size_t n)
{
	uint64_t *w, bit = UINT64_C(1) << (a & 63);

	if (target_set_index(&b->cfg->targets, a) < 0)
		return 0;
	if (b->dedup) {
		if (!(w = bl_word4(b, a)))
			return bl_nomem(b);
		if (*w & bit)
			return 0;
		*w |= bit;
	}
	return bl_put(b, text, n);
}

/* [first, last] as CIDR blocks, a line each ("a.b.c.d" for a block of one). */
static int bl_blocks4(struct bl *b, uint32_t first, uint32_t last)
{
	for (;;) {
		unsigned len = target_cidr_at(first, last);
		uint64_t next = (uint64_t)first + (UINT64_C(1) << (32 - len));
		char text[24];
		size_t n = (size_t)target_format_ipv4(first, text);
		int ret;

		if (len < 32)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "/%u", len);
		if ((ret = bl_put(b, text, n)) || next > last)
			return ret;
		first = (uint32_t)next;
	}
}

/* The addresses at x .. x + span - 1 (one bitmap word) whose bits in fresh are set: the runs
 * of them, continuing *run (the first address of the run open, or UINT64_MAX). */
static int bl_runs_in_word(struct bl *b, uint64_t x, unsigned span, uint64_t fresh, unsigned bit,
			   uint64_t *run)
{
	for (unsigned i = 0; i < span; i++) {
		int ret;

		if (fresh >> (bit + i) & 1) {
			if (*run == UINT64_MAX)
				*run = x + i;
		} else if (*run != UINT64_MAX) {
			if ((ret = bl_blocks4(b, (uint32_t)*run, (uint32_t)(x + i - 1))))
				return ret;
			*run = UINT64_MAX;
		}
	}
	return 0;
}

/* An allowed part of an IPv4 block or range line: its addresses not printed before, marked
 * now, as CIDR blocks.  A word of the bitmap at a time. */
static int bl_part4(void *ctx, struct target_range part)
{
	struct bl *b = ctx;
	uint64_t x = part.first, end = (uint64_t)part.last + 1, run = UINT64_MAX;
	int ret;

	if (!b->dedup)
		return bl_blocks4(b, part.first, part.last);
	while (x < end) {
		unsigned bit = (unsigned)(x & 63);
		unsigned span = end - x < 64 - bit ? (unsigned)(end - x) : 64 - bit;
		uint64_t mask = (span == 64 ? ~UINT64_C(0) : (UINT64_C(1) << span) - 1) << bit;
		uint64_t *w = bl_word4(b, (uint32_t)x), fresh;

		if (!w)
			return bl_nomem(b);
		fresh = ~*w & mask;
		*w |= mask;
		if (fresh == mask && run == UINT64_MAX)
			run = x;
		else if (fresh != mask && (ret = bl_runs_in_word(b, x, span, fresh, bit, &run)))
			return ret;
		x += span;
	}
	return run == UINT64_MAX ? 0 : bl_blocks4(b, (uint32_t)run, part.last);
}

/* a with all but its first len bits cleared. */
static struct target6_addr bl_mask6(struct target6_addr a, unsigned len)
{
	if (len <= 64) {
		a.hi = len ? a.hi & ~UINT64_C(0) << (64 - len) : 0;
		a.lo = 0;
	} else if (len < 128) {
		a.lo &= ~UINT64_C(0) << (128 - len);
	}
	return a;
}

static size_t bl_slot6(const struct bl *b, struct target6_addr a, unsigned len)
{
	uint8_t k[17];

	target6_to_bytes(a, k);
	k[16] = (uint8_t)len;
	return (size_t)siphash24(k, sizeof(k), b->key) & b->seen6_mask;
}

/* The slot of (a, len), or the empty slot where it would go. */
static struct bl_entry6 *bl_find6(const struct bl *b, struct target6_addr a, unsigned len)
{
	size_t i = bl_slot6(b, a, len);

	while (b->seen6[i].used && (b->seen6[i].len != len || target6_cmp(b->seen6[i].a, a)))
		i = (i + 1) & b->seen6_mask;
	return &b->seen6[i];
}

static int bl_grow6(struct bl *b)
{
	struct bl_entry6 *old = b->seen6;
	size_t old_size = old ? b->seen6_mask + 1 : 0, size = old ? 2 * old_size : BL_SEEN6_FIRST;

	if (!(b->seen6 = calloc(size, sizeof(*b->seen6)))) {
		b->seen6 = old;
		return bl_nomem(b);
	}
	b->seen6_mask = size - 1;
	for (size_t i = 0; i < old_size; i++)
		if (old[i].used)
			*bl_find6(b, old[i].a, old[i].len) = old[i];
	free(old);
	return 0;
}

/* Take the IPv6 block (a, len) (len 128: an address): 1 when it is new, 0 when it, or a block
 * printed before that holds it, is in the set; or -ENOMEM. */
static int bl_take6(struct bl *b, struct target6_addr a, unsigned len)
{
	struct bl_entry6 *e;
	int ret;

	/* One look for each prefix length a block of the set has, up to len. */
	for (unsigned w = 0; w < 3 && b->seen6; w++)
		for (uint64_t lens = b->seen6_lens[w]; lens; lens &= lens - 1) {
			unsigned l = w * 64 + (unsigned)__builtin_ctzll(lens);

			if (l > len)
				break;
			if (bl_find6(b, bl_mask6(a, l), l)->used)
				return 0;
		}
	if (2 * (b->seen6_count + 1) > (b->seen6 ? b->seen6_mask + 1 : 0) && (ret = bl_grow6(b)))
		return ret;
	e = bl_find6(b, a, len);
	*e = (struct bl_entry6){ a, (uint8_t)len, 1 };
	b->seen6_count++;
	b->seen6_lens[len / 64] |= UINT64_C(1) << (len % 64);
	return 1;
}

static int bl_single6(struct bl *b, struct target6_addr a, const char *text, size_t n)
{
	int ret;

	if (!target6_set_contains(&b->cfg->targets6, a))
		return 0;
	if (b->dedup && (ret = bl_take6(b, a, 128)) <= 0)
		return ret;
	return bl_put(b, text, n);
}

/* The last address of the IPv6 block (first, len): first with its 128 - len low bits set. */
static struct target6_addr bl_block_last6(struct target6_addr first, unsigned len)
{
	if (len < 64)
		return (struct target6_addr){ first.hi | ~UINT64_C(0) >> len, ~UINT64_C(0) };
	if (len < 128)
		first.lo |= ~UINT64_C(0) >> (len - 64);
	return first;
}

/* An allowed part of an IPv6 block or range line, as CIDR blocks not printed before. */
static int bl_part6(void *ctx, const struct target6_range *part)
{
	struct bl *b = ctx;
	struct target6_addr first = part->first;

	for (;;) {
		unsigned len = target6_cidr_at(first, part->last);
		struct target6_addr last = bl_block_last6(first, len);
		char text[TARGET6_ADDRSTRLEN + 5];
		size_t n = (size_t)target6_format(first, text);
		int ret = b->dedup ? bl_take6(b, first, len) : 1;

		if (ret < 0)
			return ret;
		if (len < 128)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "/%u", len);
		if (ret && (ret = bl_put(b, text, n)))
			return ret;
		if (target6_cmp(last, part->last) >= 0)
			return 0;
		first = target6_add(last, 1);
	}
}

static int bl_token4(struct bl *b, const char *tok, size_t n, int range)
{
	struct target_range r;
	const char *why;
	uint32_t a;

	if (!range)
		return target_parse_ipv4(tok, &a) ? 1 : bl_single4(b, a, tok, n);
	if (target_parse_range(tok, &r, &why))
		return 1;
	return target_set_clip(&b->cfg->targets, r, bl_part4, b);
}

static int bl_token6(struct bl *b, const char *tok, size_t n, int range)
{
	struct target6_range r;
	struct target6_addr a;
	char why[160];

	if (!range)
		return target6_parse_addr(tok, &a) ? 1 : bl_single6(b, a, tok, n);
	if (target6_parse(tok, TARGET6_NO_GUARD, &r, why, sizeof(why)))
		return 1;
	return target6_set_clip(&b->cfg->targets6, &r, bl_part6, b);
}

/* One address, block or range (NUL-terminated): 0, 1 when it is none, or -errno. */
static int bl_token(struct bl *b, const char *tok, size_t n)
{
	int range = memchr(tok, '/', n) || memchr(tok, '-', n);

	return memchr(tok, ':', n) ? bl_token6(b, tok, n, range) : bl_token4(b, tok, n, range);
}

/* A line that is no address: copied, unless --ignore-input-errors; counted either way. */
static int bl_bad_line(struct bl *b, const char *line, size_t len)
{
	if (!b->bad++) {
		size_t q = len < BL_QUOTE ? len : BL_QUOTE;

		memcpy(b->first_bad_text, line, q);
		b->first_bad_text[q] = '\0';
		b->first_bad = b->lineno;
	}
	return b->ignore_errors ? 0 : bl_put(b, line, len);
}

/* The address of a line: its start *tok and end *end (equal when the line has none). */
static void bl_span(const char *line, size_t len, size_t *tok, size_t *end)
{
	size_t i = 0, e;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	for (e = i; e < len && !bl_cut[(unsigned char)line[e]]; e++)
		;
	*tok = i;
	*end = e;
}

/* One line, without its newline; line[len] may be written (it is the newline's byte). */
static int bl_line(struct bl *b, char *line, size_t len)
{
	size_t i, end;
	char saved;
	int ret;

	bl_span(line, len, &i, &end);
	if (end == i)
		return i == len || line[i] == '#' || line[i] == '\r' ? 0
								     : bl_bad_line(b, line, len);
	saved = line[end];
	line[end] = '\0';
	ret = bl_token(b, line + i, end - i);
	line[end] = saved;
	return ret == 1 ? bl_bad_line(b, line, len) : ret;
}

/*
 * A line read ahead.  The lines of a buffer are taken in batches: first each line that is an
 * allowed IPv4 address (most lines, most of the time) is taken apart and its word of the
 * bitmap fetched, so that the batch's lines wait on memory together rather than one after
 * the other (the bitmap is as large as the space its addresses are spread over); then each
 * line is handled in its turn, any other line whole.
 */
enum bl_kind { BL_SKIP, BL_V4, BL_LINE };

struct bl_ahead {
	char *line;
	size_t len, tok, toklen; /* its address is line[tok .. tok + toklen) */
	uint64_t lineno;
	enum bl_kind kind;
	uint64_t *word; /* BL_V4: the address's word of the bitmap (NULL: no dedup), its bit */
	uint64_t bit;
};

#define BL_AHEAD 32 /* lines a batch */

static int bl_look(struct bl *b, struct bl_ahead *a)
{
	char tok[16];
	uint32_t addr;

	bl_span(a->line, a->len, &a->tok, &a->toklen);
	a->toklen -= a->tok;
	a->kind = BL_LINE;
	a->word = NULL;
	if (a->toklen == 0 || a->toklen >= sizeof(tok))
		return 0;
	memcpy(tok, a->line + a->tok, a->toklen);
	tok[a->toklen] = '\0';
	if (target_parse_ipv4(tok, &addr))
		return 0; /* a block, a range, IPv6 or no address: handled whole */
	if (target_set_index(&b->cfg->targets, addr) < 0) {
		a->kind = BL_SKIP;
		return 0;
	}
	a->kind = BL_V4;
	if (b->dedup) {
		if (!(a->word = bl_word4(b, addr)))
			return bl_nomem(b);
		a->bit = UINT64_C(1) << (addr & 63);
		__builtin_prefetch(a->word, 1);
	}
	return 0;
}

static int bl_take(struct bl *b, struct bl_ahead *a)
{
	switch (a->kind) {
	case BL_SKIP:
		return 0;
	case BL_V4:
		if (a->word) {
			if (*a->word & a->bit)
				return 0;
			*a->word |= a->bit;
		}
		return bl_put(b, a->line + a->tok, a->toklen);
	default:
		b->lineno = a->lineno;
		return bl_line(b, a->line, a->len);
	}
}

static int bl_batch(struct bl *b, struct bl_ahead *batch, unsigned n)
{
	int ret;

	for (unsigned i = 0; i < n; i++)
		if ((ret = bl_look(b, &batch[i])))
			return ret;
	for (unsigned i = 0; i < n; i++)
		if ((ret = bl_take(b, &batch[i])))
			return ret;
	return 0;
}

/* The lines of buf[0..len) ending in a newline, in batches; the length they take. */
static int bl_lines(struct bl *b, char *buf, size_t len, size_t *used)
{
	struct bl_ahead batch[BL_AHEAD];
	char *p = buf, *nl;
	unsigned n = 0;
	int ret;

	while ((nl = memchr(p, '\n', len - (size_t)(p - buf)))) {
		batch[n++] = (struct bl_ahead){ .line = p,
						.len = (size_t)(nl - p),
						.lineno = ++b->lineno };
		p = nl + 1;
		if (n == BL_AHEAD) {
			if ((ret = bl_batch(b, batch, n)))
				return ret;
			n = 0;
		}
	}
	*used = (size_t)(p - buf);
	return bl_batch(b, batch, n);
}

/* stdin, a buffer at a time, to the last line (which may lack its newline). */
static int bl_read(struct bl *b, char *buf)
{
	size_t have = 0, used;
	int ret;

	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf + have, BL_IN - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			snprintf(b->err, b->errlen, "stdin: %s", strerror(e));
			return -e;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		if ((ret = bl_lines(b, buf, have, &used)))
			return ret;
		have -= used;
		memmove(buf, buf + used, have);
		if (have == BL_IN) {
			snprintf(b->err, b->errlen, "stdin: line %llu: longer than %d bytes",
				 (unsigned long long)b->lineno + 1, BL_IN);
			return -EINVAL;
		}
	}
	if (!have)
		return 0;
	/* The last line, without its newline: one more in the buffer's spare byte. */
	buf[have++] = '\n';
	return bl_lines(b, buf, have, &used);
}

static void bl_free(struct bl *b)
{
	for (size_t i = 0; i < BL_PAGES; i++)
		free(b->pages[i]);
	free(b->seen6);
	free(b->out);
	free(b);
}

static int blocklist_run(const struct cli_config *cfg, char *err, size_t errlen)
{
	struct bl *b = calloc(1, sizeof(*b));
	char *in = malloc(BL_IN + 1); /* + 1: a newline after the last line */
	int ret;

	if (!b || !in || !(b->out = malloc(BL_OUT))) {
		free(in);
		if (b)
			bl_free(b);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	b->cfg = &cfg->scan;
	b->dedup = !cfg->tool.no_duplicate_checking;
	b->ignore_errors = cfg->tool.ignore_input_errors;
	b->err = err;
	b->errlen = errlen;
	/* A key no input can aim collisions at. */
	if (getrandom(b->key, sizeof(b->key), 0) != (ssize_t)sizeof(b->key)) {
		ret = -errno;
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
	} else if (!(ret = bl_read(b, in))) {
		ret = bl_flush(b);
	}
	if (!ret && b->bad)
		log_msg(LOG_WARN,
			"input lines with no address: %llu, %s (the first, line %llu: %s)",
			(unsigned long long)b->bad,
			b->ignore_errors ? "left out (--ignore-input-errors)"
					 : "copied as they are",
			(unsigned long long)b->first_bad, b->first_bad_text);
	free(in);
	bl_free(b);
	return ret;
}

const struct tool_ops tool_blocklist = {
	.program = {
		.name = "salvo-blocklist",
		.bit = CLI_BLOCKLIST,
		.summary = "addresses on stdin, less the blocklist, once each (ZMap's zblocklist)",
		.usage = "usage: salvo-blocklist [options] <ADDRESSES\n"
			 "  Prints each address of stdin (one a line: an address, a CIDR block or a\n"
			 "  range, of either family; the rest of the line is not read) that -w allows\n"
			 "  and -b leaves, once; without -b, salvo's built-in blocklist applies.\n",
		.resolve = cli_resolve_blocklist,
	},
	.zmap_name = "zblocklist",
	.run = blocklist_run,
};
