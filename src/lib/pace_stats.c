// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdint.h>
#include <string.h>

#include "btsync/stream.h"

void bts_pace_stats_init(struct bts_pace_stats *st)
{
	memset(st, 0, sizeof(*st));
}

void bts_pace_stats_add(struct bts_pace_stats *st, int64_t late_ns)
{
	uint64_t v, bin;

	if (late_ns < 0) {
		st->early++;
		v = 0;
	} else {
		v = (uint64_t)late_ns;
	}
	st->count++;
	st->sum_ns += v;
	if (v > st->max_ns)
		st->max_ns = v;
	bin = v / BTS_PACE_BIN_NS;
	if (bin >= BTS_PACE_BINS) {
		st->overflow++;
		return;
	}
	if (st->bins[bin] != UINT32_MAX)
		st->bins[bin]++;
}

uint64_t bts_pace_stats_quantile(const struct bts_pace_stats *st, double q)
{
	uint64_t rank, seen = 0;

	if (!st->count)
		return 0;
	if (!(q > 0))
		q = 0;
	if (q > 1)
		q = 1;
	/* The rank-th smallest value, 1-based: ceil(q x count), at least 1. */
	rank = (uint64_t)(q * (double)st->count);
	if ((double)rank < q * (double)st->count)
		rank++;
	if (rank < 1)
		rank = 1;
	for (uint32_t i = 0; i < BTS_PACE_BINS; i++) {
		seen += st->bins[i];
		if (seen >= rank) {
			uint64_t edge = (uint64_t)(i + 1) * BTS_PACE_BIN_NS;

			return edge < st->max_ns ? edge : st->max_ns;
		}
	}
	return st->max_ns;
}
