/* clock.h - the two clocks alfoil reads, in microseconds: the monotonic
 * one (intervals, timeouts) and the wall clock (what live packets are
 * stamped with, what the database keeps). */
#ifndef ALFOIL_LIB_CLOCK_H
#define ALFOIL_LIB_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static inline uint64_t clock_wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

#endif
