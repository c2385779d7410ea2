/* Checkpoint files: format, atomic writing, strict reading; see checkpoint.h. */
#include "scan/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/siphash.h"

/* A fixed key: the fingerprint only has to tell scans apart, not resist anyone. */
static const uint8_t fingerprint_key[SIPHASH_KEY_LEN] = "salvo-checkpoint";

void checkpoint_hash_init(struct checkpoint_hasher *hs)
{
	hs->h = 0x736376;
}

void checkpoint_hash_add(struct checkpoint_hasher *hs, const void *data, size_t len)
{
	uint8_t buf[8];

	memcpy(buf, &hs->h, 8);
	/* Chain: hash(previous || data), in two calls to avoid a copy of data. */
	hs->h = siphash24(data, len, fingerprint_key) ^ siphash24(buf, 8, fingerprint_key) * 31;
}

/* PATH.tmp, created 0600 (the file holds the scan's key), for writing. */
static FILE *checkpoint_create_tmp(const char *tmp)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f;

	if (fd < 0)
		return NULL;
	/* A PATH.tmp left by an older salvo may be wider open: narrow it. */
	if (fchmod(fd, 0600) || !(f = fdopen(fd, "w"))) {
		int e = errno;

		close(fd);
		errno = e;
		return NULL;
	}
	return f;
}

static void checkpoint_print(FILE *f, const struct scan_checkpoint *cp)
{
	const struct checkpoint_totals *t = &cp->totals;

	fprintf(f, "salvo-checkpoint %d\nseed %" PRIu64 "\nshard %" PRIu64 " of %" PRIu64 "\n",
		CHECKPOINT_VERSION, cp->seed, cp->shard, cp->shards);
	fprintf(f, "elements %" PRIu64 "\nfingerprint %016" PRIx64 "\nthreads %u\n", cp->elements,
		cp->fingerprint, cp->threads);
	for (unsigned i = 0; i < cp->threads; i++)
		fprintf(f, "thread %u next %" PRIu64 " end %" PRIu64 "\n", i, cp->next[i],
			cp->end[i]);
	fprintf(f, "key ");
	for (unsigned i = 0; i < SIPHASH_KEY_LEN; i++)
		fprintf(f, "%02x", cp->key[i]);
	fprintf(f, "\ncooldown_left_ms %" PRIu64 "\n", cp->cooldown_left_ms);
	fprintf(f,
		"totals sent %" PRIu64 " valid %" PRIu64 " successes %" PRIu64 " failures %" PRIu64
		" duplicates %" PRIu64 " alive %" PRIu64 "\n",
		t->sent, t->valid, t->successes, t->failures, t->duplicates, t->alive);
	fprintf(f, "elapsed_ms %" PRIu64 " send_ms %" PRIu64 "\n", t->elapsed_ms, t->send_ms);
	fprintf(f, "prf %s\n", prf_name(cp->prf));
}

int checkpoint_write(const char *path, const struct scan_checkpoint *cp)
{
	char tmp[4096];
	FILE *f;
	int ret = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	if (!(f = checkpoint_create_tmp(tmp)))
		return -errno;
	checkpoint_print(f, cp);
	if (fflush(f) || fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "key" followed by 32 lower-case hex digits. */
static int checkpoint_parse_key(const char *line, uint8_t key[SIPHASH_KEY_LEN])
{
	char hex[2 * SIPHASH_KEY_LEN + 2];

	if (sscanf(line, "key %33s", hex) != 1 || strlen(hex) != 2 * SIPHASH_KEY_LEN)
		return -EINVAL;
	for (unsigned i = 0; i < SIPHASH_KEY_LEN; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* "prf" and a PRF's name (version 3). */
static int checkpoint_parse_prf(const char *line, enum prf_kind *prf)
{
	char name[32];

	if (sscanf(line, "prf %31s", name) != 1)
		return -EINVAL;
	return prf_parse(name, prf);
}

/* The lines versions 2 and 3 add after the threads; 1 if they are all there and well formed. */
static int checkpoint_read_v2(FILE *f, int version, struct scan_checkpoint *cp)
{
	struct checkpoint_totals *t = &cp->totals;
	char line[256];
	int ok;

	ok = fgets(line, sizeof(line), f) && checkpoint_parse_key(line, cp->key) == 0;
	ok = ok && fgets(line, sizeof(line), f) &&
	     sscanf(line, "cooldown_left_ms %" SCNu64, &cp->cooldown_left_ms) == 1;
	ok = ok && fgets(line, sizeof(line), f) &&
	     sscanf(line,
		    "totals sent %" SCNu64 " valid %" SCNu64 " successes %" SCNu64
		    " failures %" SCNu64 " duplicates %" SCNu64 " alive %" SCNu64,
		    &t->sent, &t->valid, &t->successes, &t->failures, &t->duplicates,
		    &t->alive) == 6;
	ok = ok && fgets(line, sizeof(line), f) &&
	     sscanf(line, "elapsed_ms %" SCNu64 " send_ms %" SCNu64, &t->elapsed_ms, &t->send_ms) ==
		     2;
	cp->prf = PRF_SIPHASH;
	if (ok && version >= 3)
		ok = fgets(line, sizeof(line), f) && checkpoint_parse_prf(line, &cp->prf) == 0;
	cp->has_key = ok;
	return ok;
}

int checkpoint_read(const char *path, struct scan_checkpoint *cp, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	int version = 0, ok;
	char line[256];

	memset(cp, 0, sizeof(*cp));
	if (!f) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	ok = fgets(line, sizeof(line), f) && sscanf(line, "salvo-checkpoint %d", &version) == 1;
	if (ok && (version < 1 || version > CHECKPOINT_VERSION)) {
		snprintf(err, errlen,
			 "%s: checkpoint version %d, this salvo reads versions 1 to %d", path,
			 version, CHECKPOINT_VERSION);
		fclose(f);
		return -EINVAL;
	}
	ok = ok && fgets(line, sizeof(line), f) && sscanf(line, "seed %" SCNu64, &cp->seed) == 1;
	ok = ok && fgets(line, sizeof(line), f) &&
	     sscanf(line, "shard %" SCNu64 " of %" SCNu64, &cp->shard, &cp->shards) == 2;
	ok = ok && fgets(line, sizeof(line), f) &&
	     sscanf(line, "elements %" SCNu64, &cp->elements) == 1;
	ok = ok && fgets(line, sizeof(line), f) &&
	     sscanf(line, "fingerprint %" SCNx64, &cp->fingerprint) == 1;
	ok = ok && fgets(line, sizeof(line), f) && sscanf(line, "threads %u", &cp->threads) == 1 &&
	     cp->threads >= 1 && cp->threads <= CHECKPOINT_MAX_THREADS;
	for (unsigned i = 0; ok && i < cp->threads; i++) {
		unsigned idx;

		ok = fgets(line, sizeof(line), f) &&
		     sscanf(line, "thread %u next %" SCNu64 " end %" SCNu64, &idx, &cp->next[i],
			    &cp->end[i]) == 3 &&
		     idx == i && cp->next[i] <= cp->end[i] && cp->end[i] <= cp->elements;
	}
	if (ok && version >= 2)
		ok = checkpoint_read_v2(f, version, cp);
	fclose(f);
	if (!ok) {
		snprintf(err, errlen, "%s: not a salvo checkpoint, or a damaged one", path);
		return -EINVAL;
	}
	return 0;
}
