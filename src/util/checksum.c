/* Internet checksum helpers; see checksum.h. */
#include "util/checksum.h"

uint32_t csum_add_bytes(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	/* Fold now and then so long inputs cannot overflow 32 bits. */
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}
