/* Precise waiting for the pacer: the kernel sleeps coarsely, so spin only at the end. */
#include "util/clock.h"

#include <errno.h>

#define CLOCK_SPIN_NS 50000ULL

void clock_wait_until(uint64_t deadline_ns)
{
	uint64_t now = clock_mono_ns();

	while (now + CLOCK_SPIN_NS < deadline_ns) {
		uint64_t left = deadline_ns - now - CLOCK_SPIN_NS;
		struct timespec ts = { .tv_sec = (time_t)(left / 1000000000ULL),
				       .tv_nsec = (long)(left % 1000000000ULL) };

		if (nanosleep(&ts, NULL) != 0 && errno != EINTR)
			break;
		now = clock_mono_ns();
	}
	while (clock_mono_ns() < deadline_ns)
		;
}
