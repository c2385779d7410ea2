/* Checkpoint files: format, atomic writing, strict reading; see checkpoint.h. */
#include "scan/checkpoint.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int checkpoint_write(const char *path, const struct scan_checkpoint *cp)
{
	char tmp[4096];
	FILE *f;
	int ret = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	if (!(f = fopen(tmp, "w")))
		return -errno;
	fprintf(f, "salvo-checkpoint %d\nseed %" PRIu64 "\nshard %" PRIu64 " of %" PRIu64 "\n",
		CHECKPOINT_VERSION, cp->seed, cp->shard, cp->shards);
	fprintf(f, "elements %" PRIu64 "\nfingerprint %016" PRIx64 "\nthreads %u\n", cp->elements,
		cp->fingerprint, cp->threads);
	for (unsigned i = 0; i < cp->threads; i++)
		fprintf(f, "thread %u next %" PRIu64 " end %" PRIu64 "\n", i, cp->next[i],
			cp->end[i]);
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
	if (ok && version != CHECKPOINT_VERSION) {
		snprintf(err, errlen, "%s: checkpoint version %d, this salvo reads version %d", path,
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
	fclose(f);
	if (!ok) {
		snprintf(err, errlen, "%s: not a salvo checkpoint, or a damaged one", path);
		return -EINVAL;
	}
	return 0;
}
