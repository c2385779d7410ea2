/*
 * Zeroed, cache-line-aligned arrays for per-thread state: structs marked
 * aligned(64) (so two threads' counters never share a line) need memory
 * that really is 64-byte aligned, which calloc does not promise.
 * Free with free().
 */
#ifndef SALVO_UTIL_ALLOC_H
#define SALVO_UTIL_ALLOC_H

#include <stdlib.h>
#include <string.h>

#define ALLOC_CACHE_LINE 64

static inline void *alloc_array_aligned(size_t count, size_t size)
{
	void *p = NULL;

	if (count == 0)
		count = 1;
	if (size && count > (size_t)-1 / size)
		return NULL;
	if (posix_memalign(&p, ALLOC_CACHE_LINE, count * size))
		return NULL;
	memset(p, 0, count * size);
	return p;
}

#endif
