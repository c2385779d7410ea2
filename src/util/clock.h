/* Monotonic and wall-clock time in the units the scan core counts in. */
#ifndef SALVO_UTIL_CLOCK_H
#define SALVO_UTIL_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline uint64_t clock_real_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

/* Sleep until the monotonic clock reads deadline_ns: sleep while far, spin the last 50 us. */
void clock_wait_until(uint64_t deadline_ns);

/* Sleep about us microseconds (a signal may cut it short: callers loop on a condition). */
static inline void clock_sleep_us(uint64_t us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000L };

	nanosleep(&ts, NULL);
}

#endif
