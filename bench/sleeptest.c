// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/sleeptest: the floor under "btsync stream" pacing on this machine.
 * Sleeps to absolute CLOCK_MONOTONIC deadlines one packet apart (the
 * default: 5 SBC frames of 128 samples at 44.1 kHz, 14.512 ms) and prints
 * how late each wake-up was, as "p50_ms P p99_ms P max_ms P": what any
 * real-time sender gets from the scheduler, with nothing else to do.
 *
 *   sleeptest SECONDS [PERIOD_US]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? strtod(argv[1], NULL) : 10;
	long period_us = argc > 2 ? strtol(argv[2], NULL, 10) : 14512;
	size_t n = (size_t)(secs * 1e6 / (double)period_us), i;
	uint64_t *late, start;

	if (n < 1 || period_us < 100)
		return 2;
	late = calloc(n, sizeof(*late));
	if (!late)
		return 1;
	start = now_ns();
	for (i = 0; i < n; i++) {
		uint64_t due = start + (uint64_t)(i + 1) * (uint64_t)period_us * 1000u;
		struct timespec ts = { .tv_sec = (time_t)(due / 1000000000u),
				       .tv_nsec = (long)(due % 1000000000u) };
		uint64_t t;

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		t = now_ns();
		late[i] = t > due ? t - due : 0;
	}
	qsort(late, n, sizeof(*late), cmp);
	printf("p50_ms %.3f p99_ms %.3f max_ms %.3f n %zu\n", (double)late[(n - 1) / 2] / 1e6,
	       (double)late[(size_t)((double)n * 0.99 + 0.999) - 1] / 1e6, (double)late[n - 1] / 1e6, n);
	free(late);
	return 0;
}
