// SPDX-License-Identifier: GPL-2.0-or-later
/* The pacing histogram behind "stream" p50/p99: percentiles land on the
 * right 10 us bin (never below the true value, never above the largest
 * value seen), early packets count as on time, errors past the last bin
 * are still counted and reported as the maximum. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "btsync/stream.h"

static struct bts_pace_stats *new_stats(void)
{
	struct bts_pace_stats *st = malloc(sizeof(*st));

	assert_non_null(st);
	bts_pace_stats_init(st);
	return st;
}

static void test_empty(void **state)
{
	struct bts_pace_stats *st = new_stats();

	(void)state;
	assert_int_equal(bts_pace_stats_quantile(st, 0.5), 0);
	assert_int_equal(bts_pace_stats_quantile(st, 0.99), 0);
	assert_int_equal(st->count, 0);
	free(st);
}

/* 1..100 x 100 us: p50 is the 50th value (5.00 ms), p99 the 99th. */
static void test_uniform(void **state)
{
	struct bts_pace_stats *st = new_stats();

	(void)state;
	for (int i = 100; i >= 1; i--) /* order must not matter */
		bts_pace_stats_add(st, (int64_t)i * 100000);
	assert_int_equal(st->count, 100);
	assert_int_equal(st->max_ns, 10000000);
	/* 5.00 ms sits at the lower edge of bin 500: its upper edge is 5.01 ms. */
	assert_int_equal(bts_pace_stats_quantile(st, 0.50), 5010000);
	assert_int_equal(bts_pace_stats_quantile(st, 0.99), 9910000);
	/* q = 1 is the maximum itself, not a bin edge above it. */
	assert_int_equal(bts_pace_stats_quantile(st, 1.0), 10000000);
	assert_int_equal(st->sum_ns, 5050ull * 100000);
	free(st);
}

/* The rank is ceil(q x n): with 3 values p50 is the 2nd. */
static void test_rank(void **state)
{
	struct bts_pace_stats *st = new_stats();

	(void)state;
	bts_pace_stats_add(st, 15000);   /* bin 1 */
	bts_pace_stats_add(st, 1000000); /* bin 100 */
	bts_pace_stats_add(st, 2000000); /* bin 200 */
	assert_int_equal(bts_pace_stats_quantile(st, 0.5), 1010000);
	assert_int_equal(bts_pace_stats_quantile(st, 0.34), 1010000);
	assert_int_equal(bts_pace_stats_quantile(st, 0.33), 20000);
	/* Capped at the largest value: bin 200's edge would be 2.01 ms. */
	assert_int_equal(bts_pace_stats_quantile(st, 0.99), 2000000);
	free(st);
}

static void test_early_and_overflow(void **state)
{
	struct bts_pace_stats *st = new_stats();

	(void)state;
	for (int i = 0; i < 97; i++)
		bts_pace_stats_add(st, -5000); /* early: on time */
	bts_pace_stats_add(st, 150000000);     /* 150 ms: past the last bin */
	bts_pace_stats_add(st, 250000000);
	bts_pace_stats_add(st, 3000);
	assert_int_equal(st->count, 100);
	assert_int_equal(st->early, 97);
	assert_int_equal(st->overflow, 2);
	assert_int_equal(st->max_ns, 250000000);
	/* Bin 0's upper edge: within 10 us of the deadline. */
	assert_int_equal(bts_pace_stats_quantile(st, 0.5), 10000);
	assert_int_equal(bts_pace_stats_quantile(st, 0.98), 10000);
	/* The 99th packet is in the overflow: reported as the maximum. */
	assert_int_equal(bts_pace_stats_quantile(st, 0.99), 250000000);
	free(st);
}

/* The edge of the range: 99.99 ms is the last bin, 100 ms overflows. */
static void test_last_bin(void **state)
{
	struct bts_pace_stats *st = new_stats();

	(void)state;
	bts_pace_stats_add(st, (int64_t)BTS_PACE_BINS * BTS_PACE_BIN_NS - 1);
	assert_int_equal(st->overflow, 0);
	assert_int_equal(st->bins[BTS_PACE_BINS - 1], 1);
	bts_pace_stats_add(st, (int64_t)BTS_PACE_BINS * BTS_PACE_BIN_NS);
	assert_int_equal(st->overflow, 1);
	free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_uniform),
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_early_and_overflow),
		cmocka_unit_test(test_last_bin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
