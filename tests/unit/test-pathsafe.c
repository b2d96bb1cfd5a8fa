// SPDX-License-Identifier: GPL-2.0-or-later
/* Names from the network: what recv may create, which symlinks it may
 * make, and the temporary names it uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "btsync/error.h"
#include "btsync/transfer.h"

static int check(const char *p)
{
	return bts_path_check(p, strlen(p));
}

static void test_paths(void **st)
{
	static const char *const good[] = {
		"a", "a/b/c", "photo 1.jpg", ".hidden", "..dots", "a/...", "dir/file.tar.gz",
		"caf\xc3\xa9", "a/b.btsync-part",
	};
	static const char *const bad[] = {
		"", "/etc/passwd", "..", ".", "../x", "a/../../x", "a/..", "a/./b", "./a",
		"a//b", "a/", "/", "a\\b", "..\\x", "a\nb", "tab\there", "del\x7f",
		".btsync-x.part", "d/.btsync-y.part",
	};
	char longname[300];

	(void)st;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(check(good[i]), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(check(bad[i]), -BTS_EUNSAFEPATH);
	/* an embedded NUL: the length says more than the C string */
	assert_int_equal(bts_path_check("a\0b", 3), -BTS_EUNSAFEPATH);
	/* components longer than NAME_MAX */
	memset(longname, 'x', 256);
	longname[256] = '\0';
	assert_int_equal(check(longname), -BTS_EUNSAFEPATH);
	longname[255] = '\0';
	assert_int_equal(check(longname), 0);
	assert_int_equal(bts_path_check(NULL, 0), -BTS_EUNSAFEPATH);
}

static void test_symlinks(void **st)
{
	(void)st;
	assert_int_equal(bts_symlink_check("tree/link", "file"), 0);
	assert_int_equal(bts_symlink_check("tree/link", "../tree/file"), 0);
	assert_int_equal(bts_symlink_check("tree/a/link", "../../x"), 0);
	assert_int_equal(bts_symlink_check("tree/a/link", "./b/c"), 0);
	assert_int_equal(bts_symlink_check("link", "."), 0);
	assert_int_equal(bts_symlink_check("link", ".."), -BTS_EUNSAFEPATH);
	assert_int_equal(bts_symlink_check("tree/link", "../../etc"), -BTS_EUNSAFEPATH);
	assert_int_equal(bts_symlink_check("tree/link", "/etc/passwd"), -BTS_EUNSAFEPATH);
	assert_int_equal(bts_symlink_check("tree/link", ""), -BTS_EUNSAFEPATH);
	/* ".." after a real name resolves through whatever that name is */
	assert_int_equal(bts_symlink_check("tree/a/link", "b/../../x"), -BTS_EUNSAFEPATH);
	assert_int_equal(bts_symlink_check("tree/link", "x\ny"), -BTS_EUNSAFEPATH);
}

static void test_part_names(void **st)
{
	char out[400], long1[256], long2[256];

	(void)st;
	assert_int_equal(bts_part_name("file.txt", out, sizeof(out)), 0);
	assert_string_equal(out, ".btsync-file.txt.part");
	assert_int_equal(bts_part_name("file.txt", out, 10), -BTS_ETOOBIG);
	/* long names stay within NAME_MAX and stay distinct */
	memset(long1, 'a', 255);
	long1[255] = '\0';
	memcpy(long2, long1, sizeof(long1));
	long2[254] = 'b';
	assert_int_equal(bts_part_name(long1, out, sizeof(out)), 0);
	assert_true(strlen(out) <= 255);
	{
		char other[400];

		assert_int_equal(bts_part_name(long2, other, sizeof(other)), 0);
		assert_string_not_equal(out, other);
	}
	/* and are themselves refused as incoming names */
	assert_int_equal(check(out), -BTS_EUNSAFEPATH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_symlinks),
		cmocka_unit_test(test_part_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
