// SPDX-License-Identifier: GPL-2.0-or-later
/* The recent-scan cache: line format, write/merge/replace, age limits. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "btsync/error.h"
#include "btsync/namecache.h"
#include "btsync/util.h"

static char dir[] = "/tmp/btsync-test-cache-XXXXXX";
static char path[256];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	/* a directory that does not exist yet: the writer makes it */
	snprintf(path, sizeof(path), "%s/sub/btsync/devices", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct bts_device dev(const char *addr, const char *name, uint32_t cod)
{
	struct bts_device d;

	memset(&d, 0, sizeof(d));
	assert_int_equal(bts_addr_parse(addr, &d.addr), 0);
	if (name) {
		snprintf(d.name, sizeof(d.name), "%s", name);
		d.name_src = BTS_NAME_REQUEST;
	}
	if (cod) {
		d.has_class = true;
		d.cod = cod;
	}
	return d;
}

static void test_parse_line(void **state)
{
	struct bts_device d;
	char a[18];

	(void)state;
	assert_int_equal(bts_cache_parse_line("1700000000\t11:22:33:44:55:66\tbredr\t0\t0x5a020c\tmy phone\n", &d), 0);
	assert_int_equal(d.seen, 1700000000);
	assert_string_equal(bts_addr_str(&d.addr, a), "11:22:33:44:55:66");
	assert_int_equal(d.type, BTS_DEV_BREDR);
	assert_true(d.has_class);
	assert_int_equal(d.cod, 0x5a020c);
	assert_string_equal(d.name, "my phone");
	assert_int_equal(d.name_src, BTS_NAME_CACHE);
	assert_int_equal(bts_cache_parse_line("5\tAA:BB:CC:DD:EE:FF\tle\t1\t-\t", &d), 0);
	assert_int_equal(d.type, BTS_DEV_LE);
	assert_int_equal(d.addr_type, 1);
	assert_false(d.has_class);
	assert_int_equal(d.name_src, BTS_NAME_NONE);
	/* a tab in no place for one ends up in the name, harmlessly */
	assert_int_equal(bts_cache_parse_line("5\tAA:BB:CC:DD:EE:FF\tle\t1\t-\ta\tb", &d), 0);
	assert_string_equal(d.name, "a?b");

	static const char *const bad[] = {
		"", "garbage", "x\t11:22:33:44:55:66\tbredr\t0\t-\tn",
		"-5\t11:22:33:44:55:66\tbredr\t0\t-\tn",
		"5\t11:22:33:44:55\tbredr\t0\t-\tn",
		"5\t11:22:33:44:55:66\tusb\t0\t-\tn",
		"5\t11:22:33:44:55:66\tbredr\t2\t-\tn",
		"5\t11:22:33:44:55:66\tbredr\t0\t5a020c\tn",
		"5\t11:22:33:44:55:66\tbredr\t0\t0x1000000\tn",
		"5\t11:22:33:44:55:66\tbredr\t0\t-",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(bts_cache_parse_line(bad[i], &d), -BTS_EPROTO);
}

static void test_write_read_age(void **state)
{
	struct bts_device in[2], out[8];
	struct stat sb;

	(void)state;
	unlink(path);
	assert_int_equal(bts_cache_read(path, 1000, -1, out, 8), 0); /* no file yet */
	in[0] = dev("11:11:11:11:11:11", "phone", 0x5a020c);
	in[1] = dev("22:22:22:22:22:22", NULL, 0x240418);
	assert_int_equal(bts_cache_write(path, in, 2, 1000, false), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(bts_cache_read(path, 1000, 60, out, 8), 2);
	assert_string_equal(out[0].name, "phone");
	assert_int_equal(out[0].seen, 1000);
	assert_int_equal(out[0].cod, 0x5a020c);
	assert_int_equal(out[1].name_src, BTS_NAME_NONE);
	/* too old for a 60 s limit 100 s later, still there with no limit */
	assert_int_equal(bts_cache_read(path, 1100, 60, out, 8), 0);
	assert_int_equal(bts_cache_read(path, 1100, -1, out, 8), 2);
	/* a timestamp from the future is not trusted */
	assert_int_equal(bts_cache_read(path, 900, 60, out, 8), 0);

	/* merge: a later scan updates one entry and adds another; a device
	 * whose name could not be had keeps the name it had */
	in[0] = dev("22:22:22:22:22:22", "speaker", 0x240418);
	in[1] = dev("11:11:11:11:11:11", NULL, 0x5a020c);
	in[1].name_src = BTS_NAME_FAILED;
	assert_int_equal(bts_cache_write(path, in, 2, 2000, false), 0);
	assert_int_equal(bts_cache_read(path, 2000, 60, out, 8), 2);
	assert_string_equal(out[0].name, "phone");
	assert_int_equal(out[0].seen, 2000);
	assert_string_equal(out[1].name, "speaker");

	/* replace (--flush): only the new scan remains */
	in[0] = dev("33:33:33:33:33:33", "laptop", 0);
	assert_int_equal(bts_cache_write(path, in, 1, 3000, true), 0);
	assert_int_equal(bts_cache_read(path, 3000, -1, out, 8), 1);
	assert_string_equal(out[0].name, "laptop");
	/* no temporary files left behind */
	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "test $(ls '%s/sub/btsync' | wc -l) -eq 1", dir);
		assert_int_equal(system(cmd), 0);
	}
}

static void test_garbage_lines_skipped(void **state)
{
	struct bts_device out[8];
	FILE *f;
	char longline[2000];

	(void)state;
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "junk\n%s\n100\t44:44:44:44:44:44\tbredr\t0\t-\tok\n\n", longline);
	fprintf(f, "100\t55:55:55:55:55:55\tbredr\t0\t-\t");
	fclose(f);
	assert_int_equal(bts_cache_read(path, 100, 10, out, 8), 2);
	assert_string_equal(out[0].name, "ok");
	assert_int_equal(bts_cache_read(path, 100, 10, out, 1), 1);
}

static void test_default_path(void **state)
{
	char buf[256];

	(void)state;
	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	assert_int_equal(bts_cache_default_path(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/x/cache/btsync/devices");
	setenv("XDG_CACHE_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(bts_cache_default_path(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/home/u/.cache/btsync/devices");
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	assert_int_equal(bts_cache_default_path(buf, sizeof(buf)), -ENOENT);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(bts_cache_default_path(buf, 10), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_write_read_age),
		cmocka_unit_test(test_garbage_lines_skipped),
		cmocka_unit_test(test_default_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
