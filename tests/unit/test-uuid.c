// SPDX-License-Identifier: GPL-2.0-or-later
/* UUID parsing, printing, names and comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "btsync/error.h"
#include "btsync/sdp.h"

static const char *roundtrip(const char *in, char *buf, size_t size)
{
	uuid_t u;

	assert_int_equal(bts_uuid_parse(in, &u), 0);
	return bts_uuid_str(&u, buf, size);
}

static void test_forms(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(roundtrip("0x1101", buf, sizeof(buf)), "0x1101");
	assert_string_equal(roundtrip("1101", buf, sizeof(buf)), "0x1101");
	assert_string_equal(roundtrip("0x3", buf, sizeof(buf)), "0x0003");
	assert_string_equal(roundtrip("0X110B", buf, sizeof(buf)), "0x110b");
	assert_string_equal(roundtrip("0x00001101", buf, sizeof(buf)), "0x1101");
	assert_string_equal(roundtrip("0x12345678", buf, sizeof(buf)), "0x12345678");
	assert_string_equal(roundtrip("12345678", buf, sizeof(buf)), "0x12345678");
	/* 128-bit on the Bluetooth base: shortened */
	assert_string_equal(roundtrip("00001101-0000-1000-8000-00805F9B34FB", buf, sizeof(buf)),
			    "0x1101");
	assert_string_equal(roundtrip("0000110100001000800000805f9b34fb", buf, sizeof(buf)),
			    "0x1101");
	assert_string_equal(roundtrip(BTS_UUID_SERVE, buf, sizeof(buf)), BTS_UUID_SERVE);
	assert_string_equal(roundtrip("A9977D01-8AEB-4BEF-8EC4-1FF4B8F8CD22", buf, sizeof(buf)),
			    BTS_UUID_SERVE);
}

static void test_names(void **state)
{
	char buf[64];
	uuid_t u;

	(void)state;
	assert_string_equal(roundtrip("SP", buf, sizeof(buf)), "0x1101");
	assert_string_equal(roundtrip("sp", buf, sizeof(buf)), "0x1101");
	assert_string_equal(roundtrip("OPP", buf, sizeof(buf)), "0x1105");
	assert_string_equal(roundtrip("FTP", buf, sizeof(buf)), "0x1106");
	assert_string_equal(roundtrip("DUN", buf, sizeof(buf)), "0x1103");
	assert_string_equal(roundtrip("HSP", buf, sizeof(buf)), "0x1108");
	assert_string_equal(roundtrip("HFP", buf, sizeof(buf)), "0x111e");
	assert_string_equal(roundtrip("A2DP-Source", buf, sizeof(buf)), "0x110a");
	assert_string_equal(roundtrip("a2dp-sink", buf, sizeof(buf)), "0x110b");
	assert_string_equal(roundtrip("AVRCP", buf, sizeof(buf)), "0x110e");
	assert_string_equal(roundtrip("PANU", buf, sizeof(buf)), "0x1115");
	assert_string_equal(roundtrip("NAP", buf, sizeof(buf)), "0x1116");
	assert_string_equal(roundtrip("GN", buf, sizeof(buf)), "0x1117");
	assert_string_equal(roundtrip("PBAP", buf, sizeof(buf)), "0x112f");
	assert_string_equal(roundtrip("MAP", buf, sizeof(buf)), "0x1132");
	assert_string_equal(roundtrip("HID", buf, sizeof(buf)), "0x1124");
	assert_string_equal(roundtrip("SAP", buf, sizeof(buf)), "0x112d");
	assert_string_equal(roundtrip("btsync-serve", buf, sizeof(buf)), BTS_UUID_SERVE);
	assert_string_equal(roundtrip("btsync-sync", buf, sizeof(buf)), BTS_UUID_SYNC);
	assert_string_equal(roundtrip("BTSYNC-STREAM", buf, sizeof(buf)), BTS_UUID_STREAM);

	assert_int_equal(bts_uuid_parse("0x1101", &u), 0);
	assert_string_equal(bts_uuid_name(&u), "Serial Port");
	assert_int_equal(bts_uuid_parse("00001108-0000-1000-8000-00805f9b34fb", &u), 0);
	assert_string_equal(bts_uuid_name(&u), "Headset");
	assert_int_equal(bts_uuid_parse(BTS_UUID_STREAM, &u), 0);
	assert_string_equal(bts_uuid_name(&u), "btsync stream");
	assert_int_equal(bts_uuid_parse("0x7777", &u), 0);
	assert_null(bts_uuid_name(&u));
	assert_int_equal(bts_uuid_parse("01234567-89ab-cdef-0123-456789abcdef", &u), 0);
	assert_null(bts_uuid_name(&u));
}

static void test_rejects(void **state)
{
	static const char *const bad[] = {
		"", "0x", "0x123456789", "11011", "110", "xyz", "SPP ", " SP",
		"0x11g1", "00001101-0000-1000-8000-00805f9b34f", "00001101-0000-1000-8000-00805f9b34fbb",
		"00001101+0000-1000-8000-00805f9b34fb", "0000110-10000-1000-8000-00805f9b34fb",
		"-1101", "+1101", "0x-101",
	};
	uuid_t u;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(bts_uuid_parse(bad[i], &u), -BTS_EBADUUID);
	assert_int_equal(bts_uuid_parse(NULL, &u), -BTS_EBADUUID);
}

static void test_equal(void **state)
{
	uuid_t a, b, c;

	(void)state;
	assert_int_equal(bts_uuid_parse("0x1101", &a), 0);
	assert_int_equal(bts_uuid_parse("0x00001101", &b), 0);
	assert_int_equal(bts_uuid_parse("00001101-0000-1000-8000-00805f9b34fb", &c), 0);
	assert_true(bts_uuid_equal(&a, &b));
	assert_true(bts_uuid_equal(&a, &c));
	assert_true(bts_uuid_equal(&c, &b));
	assert_int_equal(bts_uuid_parse("0x1102", &b), 0);
	assert_false(bts_uuid_equal(&a, &b));
	assert_int_equal(bts_uuid_parse(BTS_UUID_SYNC, &b), 0);
	assert_false(bts_uuid_equal(&a, &b));
	assert_true(bts_uuid_equal(&b, &b));
}

static void test_small_buffer(void **state)
{
	char buf[8];
	uuid_t u;

	(void)state;
	assert_int_equal(bts_uuid_parse(BTS_UUID_SYNC, &u), 0);
	bts_uuid_str(&u, buf, sizeof(buf));
	assert_int_equal(strlen(buf), 7);
	assert_memory_equal(buf, "f39b691", 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
