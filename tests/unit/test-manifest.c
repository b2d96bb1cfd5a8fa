// SPDX-License-Identifier: GPL-2.0-or-later
/* The manifest decisions: what the receiver asks for given what it has,
 * and what the sender does with the answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "btsync/transfer.h"

static void test_plan(void **st)
{
	struct bts_have none = { 0 };
	struct bts_have same = { .final_exists = true, .final_regular = true, .final_size = 100 };
	struct bts_have other = { .final_exists = true, .final_regular = true, .final_size = 50 };
	struct bts_have dir = { .final_exists = true, .final_dir = true };
	struct bts_have link = { .final_exists = true };
	struct bts_have part = { .part_exists = true, .part_size = 40 };
	struct bts_have bigpart = { .part_exists = true, .part_size = 400 };
	struct bts_have emptypart = { .part_exists = true, .part_size = 0 };
	struct bts_have both = { .final_exists = true, .final_regular = true, .final_size = 50,
				 .part_exists = true, .part_size = 40 };

	(void)st;
	assert_int_equal(bts_manifest_plan(&none, 100, false, false), BTS_PLAN_NEED);
	/* same size: let the hashes decide, whatever the permission */
	assert_int_equal(bts_manifest_plan(&same, 100, false, false), BTS_PLAN_CHECK_FINAL);
	assert_int_equal(bts_manifest_plan(&same, 100, false, true), BTS_PLAN_CHECK_FINAL);
	/* different size: certainly different */
	assert_int_equal(bts_manifest_plan(&other, 100, false, false), BTS_PLAN_REFUSE_EXISTS);
	assert_int_equal(bts_manifest_plan(&other, 100, false, true), BTS_PLAN_NEED);
	/* a directory is never replaced by a file; a symlink only when allowed */
	assert_int_equal(bts_manifest_plan(&dir, 100, false, true), BTS_PLAN_REFUSE_EXISTS);
	assert_int_equal(bts_manifest_plan(&link, 100, false, false), BTS_PLAN_REFUSE_EXISTS);
	assert_int_equal(bts_manifest_plan(&link, 100, false, true), BTS_PLAN_NEED);
	/* partial files resume when they can be a prefix */
	assert_int_equal(bts_manifest_plan(&part, 100, false, false), BTS_PLAN_CHECK_PART);
	assert_int_equal(bts_manifest_plan(&bigpart, 100, false, false), BTS_PLAN_NEED);
	assert_int_equal(bts_manifest_plan(&emptypart, 100, false, false), BTS_PLAN_NEED);
	assert_int_equal(bts_manifest_plan(&both, 100, false, true), BTS_PLAN_CHECK_PART);
	/* streams cannot be checked or resumed */
	assert_int_equal(bts_manifest_plan(&part, UINT64_MAX, true, false), BTS_PLAN_NEED);
	assert_int_equal(bts_manifest_plan(&same, UINT64_MAX, true, false), BTS_PLAN_REFUSE_EXISTS);
	assert_int_equal(bts_manifest_plan(&same, UINT64_MAX, true, true), BTS_PLAN_NEED);
}

static void test_verdict(void **st)
{
	struct bts_reply need = { .action = BTS_R_NEED };
	struct bts_reply final = { .action = BTS_R_HAVE, .flags = BTS_RF_FINAL, .offset = 100 };
	struct bts_reply final_rep = { .action = BTS_R_HAVE, .flags = BTS_RF_FINAL | BTS_RF_REPLACE,
				       .offset = 100 };
	struct bts_reply part = { .action = BTS_R_HAVE, .offset = 40 };
	struct bts_reply liar = { .action = BTS_R_HAVE, .offset = 500 };
	struct bts_reply final_short = { .action = BTS_R_HAVE, .flags = BTS_RF_FINAL, .offset = 40 };

	(void)st;
	assert_int_equal(bts_manifest_verdict(&need, 100, false), BTS_V_SEND_ALL);
	assert_int_equal(bts_manifest_verdict(&final, 100, true), BTS_V_SKIP);
	assert_int_equal(bts_manifest_verdict(&final, 100, false), BTS_V_ABANDON);
	assert_int_equal(bts_manifest_verdict(&final_rep, 100, false), BTS_V_SEND_ALL);
	assert_int_equal(bts_manifest_verdict(&part, 100, true), BTS_V_RESUME);
	assert_int_equal(bts_manifest_verdict(&part, 100, false), BTS_V_SEND_ALL);
	/* an offset past our end cannot be a prefix */
	assert_int_equal(bts_manifest_verdict(&liar, 100, true), BTS_V_SEND_ALL);
	/* a "final" that is shorter is not the same file */
	assert_int_equal(bts_manifest_verdict(&final_short, 100, true), BTS_V_ABANDON);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_verdict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
