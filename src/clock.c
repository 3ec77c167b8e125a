/*
 * The one clock for durations and deadlines: CLOCK_MONOTONIC, which
 * never steps back when the wall clock is set, so that a timeout or a
 * measured time cannot go negative or stretch.  Dates (the day a visit
 * counts on) come from the database, not from here.
 */
#include "config.h"

#include <time.h>

#include "footfall.h"

/* Seconds since an arbitrary start, to the nanosecond. */
double
clock_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The same clock in whole milliseconds. */
long long
clock_ms(void)
{
	return (long long)(clock_now() * 1000);
}
