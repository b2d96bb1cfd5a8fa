// SPDX-License-Identifier: GPL-2.0-or-later
/* Class of Device decoding: the words people see in 'btsync scan'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "btsync/cod.h"
#include "btsync/util.h"

static void check(uint32_t cod, const char *want)
{
	char buf[128];

	assert_string_equal(bts_cod_str(cod, buf, sizeof(buf)), want);
}

static void test_common_devices(void **state)
{
	(void)state;
	check(0x5a020c, "Phone / Smartphone");          /* a typical Android phone */
	check(0x240418, "Audio/Video / Headphones");
	check(0x200404, "Audio/Video / Headset");
	check(0x0c010c, "Computer / Laptop");
	check(0x000104, "Computer / Desktop");
	check(0x00011c, "Computer / Tablet");
	check(0x000000, "Miscellaneous");
	check(0x001f00, "Uncategorized");
	check(0x240414, "Audio/Video / Loudspeaker");
	check(0x200408, "Audio/Video / Hands-free");
}

static void test_peripheral_and_imaging(void **state)
{
	(void)state;
	check(0x002540, "Peripheral / Keyboard");
	check(0x002580, "Peripheral / Pointing device");
	check(0x0025c0, "Peripheral / Combo keyboard/pointing device");
	check(0x002508, "Peripheral / Gamepad");
	check(0x002548, "Peripheral / Keyboard / Gamepad");
	check(0x002500, "Peripheral / Uncategorized");
	check(0x040680, "Imaging / Printer");
	check(0x0006a0, "Imaging / Camera, Printer");
	check(0x000600, "Imaging / Uncategorized");
	check(0x000300, "Network Access Point / Fully available");
	check(0x0003e0, "Network Access Point / No service available");
}

static void test_reserved_values(void **state)
{
	char buf[128];

	(void)state;
	check(0x00040c, "Audio/Video / Reserved (0x03)");
	check(0x0002fc, "Phone / Reserved (0x3f)");
	check(0x000b00, "Reserved");
	/* bits above 24 are ignored */
	check(0xff5a020c, "Phone / Smartphone");
	/* a tiny buffer is never overrun and stays terminated */
	bts_cod_str(0x5a020c, buf, 6);
	assert_string_equal(buf, "Phone");
}

static void test_fields_and_services(void **state)
{
	struct bts_cod c;
	const char *svc[16];
	size_t n;

	(void)state;
	bts_cod_decode(0x5a020c, &c);
	assert_int_equal(c.major, 2);
	assert_int_equal(c.minor, 3);
	assert_string_equal(c.major_name, "Phone");
	assert_string_equal(c.minor_name, "Smartphone");
	n = bts_cod_services(0x5a020c, svc, BTS_ARRAY_SIZE(svc));
	/* 0x5a: bits 17 (Networking), 19 (Capturing), 20 (Object Transfer),
	 * 22 (Telephony) */
	assert_int_equal(n, 4);
	assert_string_equal(svc[0], "Networking");
	assert_string_equal(svc[1], "Capturing");
	assert_string_equal(svc[2], "Object Transfer");
	assert_string_equal(svc[3], "Telephony");
	assert_int_equal(bts_cod_services(0x240418, svc, 1), 2); /* Rendering, Audio */
	assert_string_equal(svc[0], "Rendering");
	assert_int_equal(bts_cod_services(0x000000, svc, 16), 0);
	/* the reserved bit 15 names nothing */
	assert_int_equal(bts_cod_services(0x008000, svc, 16), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_common_devices),
		cmocka_unit_test(test_peripheral_and_imaging),
		cmocka_unit_test(test_reserved_values),
		cmocka_unit_test(test_fields_and_services),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
