// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <time.h>

#include "btsync/stream.h"

void bts_pacer_start(struct bts_pacer *p, uint32_t rate, uint64_t start_ns)
{
	p->start_ns = start_ns;
	p->rate = rate ? rate : 1;
}

uint64_t bts_pacer_deadline(const struct bts_pacer *p, uint64_t samples)
{
	/* Whole seconds and the remainder apart, so samples x 1e9 cannot
	 * overflow however long the stream (2^64 ns is 584 years). */
	uint64_t secs = samples / p->rate, rem = samples % p->rate;

	return p->start_ns + secs * 1000000000ull + rem * 1000000000ull / p->rate;
}

int bts_pacer_wait(const struct bts_pacer *p, uint64_t samples)
{
	uint64_t t = bts_pacer_deadline(p, samples);
	struct timespec ts = {
		.tv_sec = (time_t)(t / 1000000000ull),
		.tv_nsec = (long)(t % 1000000000ull),
	};
	int r;

	/* An absolute deadline: an interrupted or late wake-up does not push
	 * every later packet back, as a relative sleep would. */
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	return r ? -r : 0;
}
