// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for the foundation: strict parsing, error text, the output
 * layer and the CLI's suggestion and exit-status mapping. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "btsync/error.h"
#include "btsync/socket.h"
#include "btsync/util.h"
#include "cli.h"
#include "output.h"

static void test_parse_uint(void **st)
{
	unsigned long v;

	(void)st;
	assert_int_equal(bts_parse_uint("30", 1, 30, &v), 0);
	assert_int_equal(v, 30);
	assert_int_equal(bts_parse_uint("0x1001", 0, 0xffff, &v), 0);
	assert_int_equal(v, 0x1001);
	assert_int_equal(bts_parse_uint("31", 1, 30, &v), -BTS_EBADARG);
	assert_int_equal(bts_parse_uint("0", 1, 30, &v), -BTS_EBADARG);
	assert_int_equal(bts_parse_uint("", 0, 30, &v), -BTS_EBADARG);
	assert_int_equal(bts_parse_uint("-1", 0, 30, &v), -BTS_EBADARG);
	assert_int_equal(bts_parse_uint(" 5", 0, 30, &v), -BTS_EBADARG);
	assert_int_equal(bts_parse_uint("5x", 0, 30, &v), -BTS_EBADARG);
	assert_int_equal(bts_parse_uint("99999999999999999999999", 0, ~0ul, &v), -BTS_EBADARG);
}

static void test_addr(void **st)
{
	bdaddr_t a;
	char buf[18];

	(void)st;
	assert_int_equal(bts_addr_parse("00:1a:7D:da:71:13", &a), 0);
	assert_int_equal(a.b[5], 0x00);
	assert_int_equal(a.b[0], 0x13);
	assert_string_equal(bts_addr_str(&a, buf), "00:1A:7D:DA:71:13");
	/* str2ba() would turn each of these into 00:00:00:00:00:00. */
	assert_int_equal(bts_addr_parse("00:1A:7D:DA:71", &a), -BTS_EBADADDR);
	assert_int_equal(bts_addr_parse("00:1A:7D:DA:71:1", &a), -BTS_EBADADDR);
	assert_int_equal(bts_addr_parse("00-1A-7D-DA-71-13", &a), -BTS_EBADADDR);
	assert_int_equal(bts_addr_parse("00:1A:7D:DA:71:1G", &a), -BTS_EBADADDR);
	assert_int_equal(bts_addr_parse("00:1A:7D:DA:71:130", &a), -BTS_EBADADDR);
	assert_int_equal(bts_addr_parse("phone", &a), -BTS_EBADADDR);
	assert_false(bts_addr_valid(NULL));
	assert_true(bts_addr_valid("FF:FF:FF:FF:FF:FF"));
}

static void test_ports(void **st)
{
	(void)st;
	assert_int_equal(bts_port_valid(BTS_RFCOMM, 1, 0), 0);
	assert_int_equal(bts_port_valid(BTS_RFCOMM, 30, 0), 0);
	assert_int_equal(bts_port_valid(BTS_RFCOMM, 31, 0), -BTS_EBADARG);
	assert_int_equal(bts_port_valid(BTS_RFCOMM, 0, 0), -BTS_EBADARG);
	assert_int_equal(bts_port_valid(BTS_RFCOMM, 0, 1), 0);
	assert_int_equal(bts_port_valid(BTS_L2CAP, 0x1001, 0), 0);
	assert_int_equal(bts_port_valid(BTS_L2CAP, 0x1002, 0), -BTS_EBADARG); /* even */
	assert_int_equal(bts_port_valid(BTS_L2CAP, 0x0101, 0), -BTS_EBADARG); /* bit 8 set */
	assert_int_equal(bts_port_valid(BTS_L2CAP, 0x10001, 0), -BTS_EBADARG);
}

static void test_parse_names(void **st)
{
	enum bts_security s;
	enum bts_l2cap_mode m;

	(void)st;
	assert_int_equal(bts_security_parse("high", &s), 0);
	assert_int_equal(s, BTS_SEC_HIGH);
	assert_int_equal(bts_security_parse("HIGH", &s), -BTS_EBADARG);
	assert_int_equal(bts_l2cap_mode_parse("ertm", &m), 0);
	assert_int_equal(m, BTS_L2MODE_ERTM);
	assert_int_equal(bts_l2cap_mode_parse("fast", &m), -BTS_EBADARG);
}

static void test_strerror(void **st)
{
	(void)st;
	for (int e = BTS_ERR_BASE + 1; e < BTS_ERR_MAX; e++) {
		const char *m = bts_strerror(-e);

		assert_non_null(m);
		assert_string_not_equal(m, "unknown btsync error");
		/* the CLI style: no full stop at the end */
		assert_int_not_equal(m[strlen(m) - 1], '.');
	}
	assert_string_equal(bts_strerror(-ETIMEDOUT), "timed out");
	assert_non_null(strstr(bts_strerror(-BTS_ENOKERNEL), "no Bluetooth support"));
}

static void test_exit_status(void **st)
{
	(void)st;
	assert_int_equal(cli_exit_status(0), BTS_EXIT_OK);
	assert_int_equal(cli_exit_status(-BTS_ENOKERNEL), BTS_EXIT_UNAVAILABLE);
	assert_int_equal(cli_exit_status(-BTS_ENOADAPTER), BTS_EXIT_UNAVAILABLE);
	assert_int_equal(cli_exit_status(-BTS_EADAPTERDOWN), BTS_EXIT_UNAVAILABLE);
	assert_int_equal(cli_exit_status(-BTS_EAMBIGUOUS), BTS_EXIT_AMBIGUOUS);
	assert_int_equal(cli_exit_status(-EHOSTDOWN), BTS_EXIT_CONNECT);
	assert_int_equal(cli_exit_status(-ECONNRESET), BTS_EXIT_LINKLOST);
	assert_int_equal(cli_exit_status(-BTS_ECHECKSUM), BTS_EXIT_PEER);
	assert_int_equal(cli_exit_status(-ENOSPC), BTS_EXIT_CANTCREAT);
	assert_int_equal(cli_exit_status(-EPERM), BTS_EXIT_NOPERM);
	assert_int_equal(cli_exit_status(-BTS_ENOTIMPL), BTS_EXIT_NOTIMPL);
}

static void test_closest(void **st)
{
	static const char *const cmds[] = { "scan", "lookup", "connect", "send",
					     "recv", "serve", "stream" };
	size_t n = BTS_ARRAY_SIZE(cmds);

	(void)st;
	assert_string_equal(cli_closest("scn", cmds, n), "scan");
	assert_string_equal(cli_closest("sned", cmds, n), "send");
	assert_string_equal(cli_closest("lokup", cmds, n), "lookup");
	assert_string_equal(cli_closest("str", cmds, n), "stream");
	assert_null(cli_closest("frobnicate", cmds, n));
}

static char *capture(void (*fn)(FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f);
	fclose(f);
	return buf;
}

static const struct out_col cols[] = {
	{ "address", "ADDRESS", 17 },
	{ "name", "NAME", 0 },
};

static void emit(FILE *f, enum out_format fmt)
{
	struct out *o = malloc(sizeof(*o));
	static const char *const tags[] = { "a\"b", "c" };

	out_init(o, fmt, f, cols, 2, true);
	out_begin(o);
	out_str(o, "address", "00:11:22:33:44:55");
	out_str(o, "name", "Bob's \"phone\", new\n");
	out_int(o, "rssi", -40);
	out_strv(o, "tags", tags, 2);
	out_end(o);
	out_begin(o);
	out_str(o, "address", "66:77:88:99:AA:BB");
	out_str(o, "name", NULL);
	out_bool(o, "le", true);
	out_end(o);
	free(o);
}

static void emit_json(FILE *f) { emit(f, OUT_JSON); }
static void emit_csv(FILE *f) { emit(f, OUT_CSV); }
static void emit_text(FILE *f) { emit(f, OUT_TEXT); }

static void test_output(void **st)
{
	char *s;

	(void)st;
	s = capture(emit_json);
	assert_string_equal(s,
		"{\"address\":\"00:11:22:33:44:55\",\"name\":\"Bob's \\\"phone\\\", new\\n\","
		"\"rssi\":-40,\"tags\":[\"a\\\"b\",\"c\"]}\n"
		"{\"address\":\"66:77:88:99:AA:BB\",\"name\":null,\"le\":true}\n");
	free(s);
	s = capture(emit_csv);
	assert_string_equal(s, "address,name\n"
			       "00:11:22:33:44:55,\"Bob's \"\"phone\"\", new\n\"\n"
			       "66:77:88:99:AA:BB,-\n");
	free(s);
	s = capture(emit_text);
	assert_string_equal(s, "ADDRESS           NAME\n"
			       "00:11:22:33:44:55 Bob's \"phone\", new\n\n"
			       "66:77:88:99:AA:BB -\n");
	free(s);
}

static void test_json_quote_truncates(void **st)
{
	char buf[8];

	(void)st;
	json_quote("abcdefghij", buf, sizeof(buf));
	assert_int_equal(buf[0], '"');
	assert_int_equal(buf[strlen(buf) - 1], '"');
	assert_true(strlen(buf) < sizeof(buf));
	json_quote("\x01", buf, sizeof(buf)); /* escape does not fit: dropped whole */
	assert_string_equal(buf, "\"\"");
	{
		char big[16];

		json_quote("\x01", big, sizeof(big));
		assert_string_equal(big, "\"\\u0001\"");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_parse_names),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_closest),
		cmocka_unit_test(test_output),
		cmocka_unit_test(test_json_quote_truncates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
