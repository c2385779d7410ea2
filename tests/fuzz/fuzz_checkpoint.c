/* libFuzzer target: the checkpoint reader on any file contents. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "scan/checkpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct scan_checkpoint cp;
	char err[256];
	FILE *f;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/salvo-fuzz-checkpoint.%d", (int)getpid());
	if (!(f = fopen(path, "wb")))
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (checkpoint_read(path, &cp, err, sizeof(err)) == 0) {
		for (unsigned i = 0; i < cp.threads; i++)
			if (cp.next[i] > cp.end[i] || cp.end[i] > cp.elements)
				abort();
	}
	unlink(path);
	return 0;
}
