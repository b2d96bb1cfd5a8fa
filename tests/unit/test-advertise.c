// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for the SDP record btsync advertises through bluetoothd's
 * ProfileManager1 (XML) and for the option parsing around it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "btsync/advertise.h"
#include "btsync/error.h"
#include <bluetooth/sdp_lib.h>

static void serve_uuid(uuid_t *u)
{
	/* BTS_UUID_SERVE, a9977d01-8aeb-4bef-8ec4-1ff4b8f8cd22 */
	static const uint8_t b[16] = { 0xa9, 0x97, 0x7d, 0x01, 0x8a, 0xeb, 0x4b, 0xef,
				       0x8e, 0xc4, 0x1f, 0xf4, 0xb8, 0xf8, 0xcd, 0x22 };
	uint128_t v;

	memcpy(&v, b, sizeof(v));
	sdp_uuid128_create(u, &v);
}

static void test_xml_rfcomm(void **st)
{
	struct bts_sdp_record r = { .name = "echo <&> \"x\"", .description = "d",
				    .proto = BTS_RFCOMM, .port = 12, .add_spp_class = true };
	char xml[4096];
	int n;

	(void)st;
	serve_uuid(&r.service_class);
	n = bts_sdp_record_xml(&r, xml, sizeof(xml));
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(xml));
	/* Classes: ours, then Serial Port. */
	assert_non_null(strstr(xml, "<attribute id=\"0x0001\"><sequence>"
				    "<uuid value=\"a9977d01-8aeb-4bef-8ec4-1ff4b8f8cd22\" />"
				    "<uuid value=\"0x1101\" /></sequence></attribute>"));
	/* L2CAP, then RFCOMM channel 12. */
	assert_non_null(strstr(xml, "<sequence><sequence><uuid value=\"0x0100\" /></sequence>"
				    "<sequence><uuid value=\"0x0003\" /><uint8 value=\"0x0c\" />"
				    "</sequence></sequence>"));
	/* Public browse group, so that browsing lists it. */
	assert_non_null(strstr(xml, "<attribute id=\"0x0005\"><sequence><uuid value=\"0x1002\" />"));
	/* SPP 1.2 profile descriptor. */
	assert_non_null(strstr(xml, "<attribute id=\"0x0009\"><sequence><sequence>"
				    "<uuid value=\"0x1101\" /><uint16 value=\"0x0102\" />"));
	/* Name hex-encoded: no markup can leak from it. */
	assert_null(strstr(xml, "<&>"));
	assert_non_null(strstr(xml, "<attribute id=\"0x0100\"><text encoding=\"hex\" "
				    "value=\"6563686f203c263e20227822\" />"));
	assert_non_null(strstr(xml, "<attribute id=\"0x0101\"><text encoding=\"hex\" value=\"64\" />"));
	/* Default provider "btsync". */
	assert_non_null(strstr(xml, "<attribute id=\"0x0102\"><text encoding=\"hex\" "
				    "value=\"627473796e63\" />"));
	assert_non_null(strstr(xml, "</record>"));
}

static void test_xml_l2cap(void **st)
{
	struct bts_sdp_profile prof = { .version = 0x0103 };
	struct bts_sdp_record r = { .name = "n", .proto = BTS_L2CAP, .port = 0x1001,
				    .profile = &prof };
	char xml[4096];

	(void)st;
	sdp_uuid16_create(&r.service_class, 0x1234);
	sdp_uuid16_create(&prof.uuid, 0x1234);
	assert_true(bts_sdp_record_xml(&r, xml, sizeof(xml)) > 0);
	assert_non_null(strstr(xml, "<sequence><sequence><uuid value=\"0x0100\" />"
				    "<uint16 value=\"0x1001\" /></sequence></sequence>"));
	assert_null(strstr(xml, "0x0003"));
	assert_non_null(strstr(xml, "<uuid value=\"0x1234\" /><uint16 value=\"0x0103\" />"));
	/* No description attribute when none was given. */
	assert_null(strstr(xml, "0x0101"));
}

static void test_xml_errors(void **st)
{
	struct bts_sdp_record r = { .name = "n", .proto = BTS_RFCOMM, .port = 31 };
	char xml[4096];

	(void)st;
	sdp_uuid16_create(&r.service_class, 0x1101);
	assert_int_equal(bts_sdp_record_xml(&r, xml, sizeof(xml)), -BTS_EBADARG);
	r.port = 0;
	assert_int_equal(bts_sdp_record_xml(&r, xml, sizeof(xml)), -BTS_EBADARG);
	r.port = 3;
	r.name = "";
	assert_int_equal(bts_sdp_record_xml(&r, xml, sizeof(xml)), -BTS_EBADARG);
	r.name = "n";
	r.proto = BTS_L2CAP;
	r.port = 0x1002; /* even PSM */
	assert_int_equal(bts_sdp_record_xml(&r, xml, sizeof(xml)), -BTS_EBADARG);
	r.proto = BTS_RFCOMM;
	r.port = 3;
	assert_int_equal(bts_sdp_record_xml(&r, xml, 100), -BTS_ETOOBIG);
	assert_true(bts_sdp_record_xml(&r, xml, sizeof(xml)) > 0);
}

static void test_method_parse(void **st)
{
	enum bts_adv_method m;

	(void)st;
	assert_int_equal(bts_adv_method_parse("dbus", &m), 0);
	assert_int_equal(m, BTS_ADV_DBUS);
	assert_int_equal(bts_adv_method_parse("legacy", &m), 0);
	assert_int_equal(m, BTS_ADV_LEGACY);
	assert_int_equal(bts_adv_method_parse("auto", &m), 0);
	assert_int_equal(m, BTS_ADV_AUTO);
	assert_int_equal(bts_adv_method_parse("DBus", &m), -BTS_EBADARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_rfcomm),
		cmocka_unit_test(test_xml_l2cap),
		cmocka_unit_test(test_xml_errors),
		cmocka_unit_test(test_method_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
