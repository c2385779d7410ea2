/* The lazily mapped dedup bitmap, in memory or in a file; see dedup.h. */
#include "scan/dedup.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static size_t dedup_bytes(uint64_t n)
{
	size_t words = (size_t)((n + 63) / 64);

	return words ? words * sizeof(uint64_t) : sizeof(uint64_t);
}

int dedup_init(struct dedup *d, uint64_t n)
{
	d->file = NULL;
	d->n = n;
	d->len = dedup_bytes(n);
	d->bits = mmap(NULL, d->len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (d->bits == MAP_FAILED) {
		d->bits = NULL;
		return -errno;
	}
	return 0;
}

int dedup_init_file(struct dedup *d, uint64_t n, const char *path, int keep)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	struct stat st;
	int ret = 0;

	if (fd < 0)
		return -errno;
	d->n = n;
	d->len = dedup_bytes(n);
	if (fstat(fd, &st) || fchmod(fd, 0600)) {
		ret = -errno;
		goto out;
	}
	/* Truncating to 0 first clears it; the second truncate makes it sparse, not written. */
	if ((!keep || (uint64_t)st.st_size != d->len) &&
	    (ftruncate(fd, 0) || ftruncate(fd, (off_t)d->len))) {
		ret = -errno;
		goto out;
	}
	/* Two views of one file: the shared one is the record; the private one is the receive
	 * threads', whose bits reach the file only through dedup_persist. */
	d->file = mmap(NULL, d->len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
	if (d->file == MAP_FAILED) {
		d->file = NULL;
		ret = -errno;
		goto out;
	}
	d->bits = mmap(NULL, d->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE, fd, 0);
	if (d->bits == MAP_FAILED) {
		d->bits = NULL;
		ret = -errno;
		munmap(d->file, d->len);
		d->file = NULL;
	}
out:
	close(fd); /* the mapping keeps the file */
	return ret;
}

void dedup_free(struct dedup *d)
{
	if (d->bits)
		munmap(d->bits, d->len);
	if (d->file)
		munmap(d->file, d->len);
	d->bits = NULL;
	d->file = NULL;
}
