/* The lazily mapped dedup bitmap; see dedup.h. */
#include "scan/dedup.h"

#include <errno.h>
#include <sys/mman.h>

int dedup_init(struct dedup *d, uint64_t n)
{
	size_t words = (size_t)((n + 63) / 64);

	d->n = n;
	d->len = words * sizeof(uint64_t);
	if (d->len == 0)
		d->len = sizeof(uint64_t);
	d->bits = mmap(NULL, d->len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (d->bits == MAP_FAILED) {
		d->bits = NULL;
		return -errno;
	}
	return 0;
}

void dedup_free(struct dedup *d)
{
	if (d->bits)
		munmap(d->bits, d->len);
	d->bits = NULL;
}
