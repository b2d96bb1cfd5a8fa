// SPDX-License-Identifier: GPL-2.0-or-later
/* EIR / advertising data and HCI inquiry result parsing: well-formed,
 * malformed and truncated input, all from raw bytes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "btsync/eir.h"
#include "btsync/error.h"
#include "btsync/inquiry.h"
#include "btsync/sdp.h"
#include "btsync/util.h"

static void test_eir_typical(void **state)
{
	/* flags, complete name "btlab-1", 16-bit UUIDs SP + OPP, TX power,
	 * then zero padding as in a 240-byte EIR */
	uint8_t eir[240] = {
		0x02, 0x01, 0x06,
		0x08, 0x09, 'b', 't', 'l', 'a', 'b', '-', '1',
		0x05, 0x03, 0x01, 0x11, 0x05, 0x11,
		0x02, 0x0a, 0xf4,
		0x04, 0x0d, 0x0c, 0x02, 0x5a,
	};
	struct bts_eir e;
	char buf[64];

	(void)state;
	assert_int_equal(bts_eir_parse(eir, sizeof(eir), &e), 5);
	assert_true(e.has_name);
	assert_true(e.name_complete);
	assert_string_equal(e.name, "btlab-1");
	assert_true(e.has_flags);
	assert_int_equal(e.flags, 0x06);
	assert_int_equal(e.nuuids, 2);
	assert_string_equal(bts_uuid_str(&e.uuids[0], buf, sizeof(buf)), "0x1101");
	assert_string_equal(bts_uuid_str(&e.uuids[1], buf, sizeof(buf)), "0x1105");
	assert_true(e.has_tx_power);
	assert_int_equal(e.tx_power, -12);
	assert_true(e.has_class);
	assert_int_equal(e.cod, 0x5a020c);
}

static void test_eir_uuid128_and_short_name(void **state)
{
	/* 128-bit UUIDs are little-endian on the air */
	uint8_t eir[] = {
		0x11, 0x07, 0x22, 0xcd, 0xf8, 0xb8, 0xf4, 0x1f, 0xc4, 0x8e, 0xef, 0x4b,
		0xeb, 0x8a, 0x01, 0x7d, 0x97, 0xa9,
		0x04, 0x08, 'p', 'h', 'o',
		0x05, 0x05, 0x78, 0x56, 0x34, 0x12,
	};
	struct bts_eir e;
	char buf[64];

	(void)state;
	assert_int_equal(bts_eir_parse(eir, sizeof(eir), &e), 3);
	assert_int_equal(e.nuuids, 2);
	assert_string_equal(bts_uuid_str(&e.uuids[0], buf, sizeof(buf)), BTS_UUID_SERVE);
	assert_string_equal(bts_uuid_str(&e.uuids[1], buf, sizeof(buf)), "0x12345678");
	assert_true(e.has_name);
	assert_false(e.name_complete);
	assert_string_equal(e.name, "pho");
}

static void test_eir_complete_name_wins(void **state)
{
	uint8_t eir[] = {
		0x05, 0x09, 'f', 'u', 'l', 'l',
		0x03, 0x08, 'f', 'u',
	};
	struct bts_eir e;

	(void)state;
	assert_int_equal(bts_eir_parse(eir, sizeof(eir), &e), 2);
	assert_string_equal(e.name, "full");
	assert_true(e.name_complete);
}

static void test_eir_malformed(void **state)
{
	struct bts_eir e;
	/* the second structure claims 9 bytes, 3 are left */
	uint8_t overrun[] = { 0x02, 0x01, 0x06, 0x09, 0x09, 'a', 'b' };
	/* a 16-bit UUID list with an odd length */
	uint8_t odd_uuid[] = { 0x04, 0x03, 0x01, 0x11, 0x05 };
	/* TX power of two bytes, class of two bytes, flags of none */
	uint8_t bad_tx[] = { 0x03, 0x0a, 0x01, 0x02 };
	uint8_t bad_class[] = { 0x03, 0x0d, 0x01, 0x02 };
	uint8_t bad_flags[] = { 0x01, 0x01 };
	/* the length byte is the last byte */
	uint8_t lone_len[] = { 0x02, 0x01, 0x06, 0x05 };

	(void)state;
	assert_int_equal(bts_eir_parse(overrun, sizeof(overrun), &e), -BTS_EPROTO);
	/* what came before the fault is kept */
	assert_true(e.has_flags);
	assert_false(e.has_name);
	assert_int_equal(bts_eir_parse(odd_uuid, sizeof(odd_uuid), &e), -BTS_EPROTO);
	assert_int_equal(bts_eir_parse(bad_tx, sizeof(bad_tx), &e), -BTS_EPROTO);
	assert_int_equal(bts_eir_parse(bad_class, sizeof(bad_class), &e), -BTS_EPROTO);
	assert_int_equal(bts_eir_parse(bad_flags, sizeof(bad_flags), &e), -BTS_EPROTO);
	assert_int_equal(bts_eir_parse(lone_len, sizeof(lone_len), &e), -BTS_EPROTO);
	/* every truncation of a good EIR is either parsed or rejected, and
	 * the name never holds bytes from beyond the cut */
	{
		uint8_t good[] = { 0x02, 0x01, 0x06, 0x06, 0x09, 'a', 'b', 'c', 'd', 'e' };

		for (size_t len = 0; len <= sizeof(good); len++) {
			int r = bts_eir_parse(good, len, &e);

			if (len == sizeof(good)) {
				assert_int_equal(r, 2);
				assert_string_equal(e.name, "abcde");
			} else if (len == 0 || len == 3) {
				assert_true(r >= 0);
				assert_false(e.has_name);
			} else {
				assert_int_equal(r, -BTS_EPROTO);
				assert_false(e.has_name);
			}
		}
	}
	assert_int_equal(bts_eir_parse(NULL, 0, &e), 0);
	assert_int_equal(bts_eir_parse(NULL, 3, &e), -BTS_EPROTO);
}

static void test_eir_uuid_overflow(void **state)
{
	uint8_t eir[2 + 2 * 30];
	struct bts_eir e;

	(void)state;
	eir[0] = 1 + 2 * 30;
	eir[1] = BTS_EIR_UUID16_ALL;
	for (int i = 0; i < 30; i++) {
		eir[2 + 2 * i] = (uint8_t)i;
		eir[3 + 2 * i] = 0x11;
	}
	assert_int_equal(bts_eir_parse(eir, sizeof(eir), &e), 1);
	assert_int_equal(e.nuuids, BTS_EIR_MAX_UUIDS);
}

static void test_name_sanitize(void **state)
{
	char out[16];
	const uint8_t ctl[] = { 'a', 0x01, 'b', '\n', 'c' };
	const uint8_t utf8[] = { 'c', 0xc3, 0xa9, ' ', 0xe2, 0x82, 0xac, ' ', ' ' };
	const uint8_t bad[] = { 'x', 0xc3, 'y', 0xff, 0xe2, 0x82 };
	const uint8_t nul[] = { 'a', 'b', 0, 'c' };
	const uint8_t overlong[] = { 0xc0, 0xaf, 0xed, 0xa0, 0x80 };

	(void)state;
	assert_string_equal(bts_name_sanitize(ctl, sizeof(ctl), out, sizeof(out)), "a?b?c");
	assert_string_equal(bts_name_sanitize(utf8, sizeof(utf8), out, sizeof(out)),
			    "c\xc3\xa9 \xe2\x82\xac");
	assert_string_equal(bts_name_sanitize(bad, sizeof(bad), out, sizeof(out)), "x?y???");
	assert_string_equal(bts_name_sanitize(nul, sizeof(nul), out, sizeof(out)), "ab");
	assert_string_equal(bts_name_sanitize(overlong, sizeof(overlong), out, sizeof(out)),
			    "?????");
	/* a multi-byte character that does not fit is left out whole */
	assert_string_equal(bts_name_sanitize(utf8, sizeof(utf8), out, 3), "c");
}

/* HCI events as the raw socket delivers them (after the 0x04 byte). */
static void test_inquiry_result_events(void **state)
{
	/* Inquiry Result with RSSI: 1 response */
	const uint8_t rssi[] = {
		0x22, 15, 1,
		0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* 11:22:33:44:55:66 */
		0x01, 0x00, 0x0c, 0x02, 0x5a, 0x34, 0x12, 0xc4,
	};
	/* plain Inquiry Result */
	const uint8_t plain[] = {
		0x02, 15, 1,
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x18, 0x04, 0x24, 0x00, 0x00,
	};
	/* RSSI variant with the page scan mode byte (15 bytes per response) */
	const uint8_t pscan[] = {
		0x22, 16, 1,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x0c, 0x01, 0x0c, 0x00, 0x00, 0xb0,
	};
	struct bts_device d[4];
	char addr[18];

	(void)state;
	assert_int_equal(bts_parse_inquiry_event(rssi, sizeof(rssi), d, 4), 1);
	assert_string_equal(bts_addr_str(&d[0].addr, addr), "11:22:33:44:55:66");
	assert_int_equal(d[0].type, BTS_DEV_BREDR);
	assert_true(d[0].has_class);
	assert_int_equal(d[0].cod, 0x5a020c);
	assert_int_equal(d[0].clock_offset, 0x1234);
	assert_int_equal(d[0].pscan_rep_mode, 1);
	assert_true(d[0].has_rssi);
	assert_int_equal(d[0].rssi, -60);

	assert_int_equal(bts_parse_inquiry_event(plain, sizeof(plain), d, 4), 1);
	assert_int_equal(d[0].cod, 0x240418);
	assert_false(d[0].has_rssi);
	assert_int_equal(d[0].pscan_rep_mode, 2);

	assert_int_equal(bts_parse_inquiry_event(pscan, sizeof(pscan), d, 4), 1);
	assert_int_equal(d[0].cod, 0x0c010c);
	assert_int_equal(d[0].rssi, -80);
}

static void test_extended_inquiry_result(void **state)
{
	uint8_t ev[2 + 255];
	struct bts_device d[2];
	const uint8_t name[] = { 0x08, 0x09, 'b', 't', 'l', 'a', 'b', '-', '1' };

	(void)state;
	memset(ev, 0, sizeof(ev));
	ev[0] = 0x2f;
	ev[1] = 255;
	ev[2] = 1;
	memcpy(ev + 3, "\x01\x02\x03\x04\x05\x06", 6);
	ev[9] = 0x01;
	ev[11] = 0x0c; ev[12] = 0x01; ev[13] = 0x0c; /* Computer / Laptop */
	ev[16] = (uint8_t)-42;
	memcpy(ev + 17, name, sizeof(name));
	assert_int_equal(bts_parse_inquiry_event(ev, sizeof(ev), d, 2), 1);
	assert_int_equal(d[0].cod, 0x0c010c);
	assert_int_equal(d[0].rssi, -42);
	assert_int_equal(d[0].name_src, BTS_NAME_COMPLETE);
	assert_string_equal(d[0].name, "btlab-1");
	/* EIR garbage after a good name: the name is still used */
	ev[17 + sizeof(name)] = 0xee;
	ev[18 + sizeof(name)] = 0x09;
	assert_int_equal(bts_parse_inquiry_event(ev, sizeof(ev), d, 2), 1);
	assert_string_equal(d[0].name, "btlab-1");
	/* truncated: the EIR part is cut */
	ev[1] = 200;
	assert_int_equal(bts_parse_inquiry_event(ev, 202, d, 2), -BTS_EPROTO);
}

static void test_malformed_events(void **state)
{
	struct bts_device d[4];
	/* says 2 responses, carries one */
	const uint8_t short_rsp[] = {
		0x22, 15, 2,
		0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
		0x01, 0x00, 0x0c, 0x02, 0x5a, 0x34, 0x12, 0xc4,
	};
	/* parameter length larger than the buffer */
	const uint8_t cut[] = { 0x22, 15, 1, 0x66, 0x55 };
	const uint8_t empty[] = { 0x22, 0 };
	const uint8_t zero[] = { 0x22, 1, 0 };
	const uint8_t other[] = { 0x0e, 4, 1, 0x01, 0x04, 0x00 };

	(void)state;
	assert_int_equal(bts_parse_inquiry_event(short_rsp, sizeof(short_rsp), d, 4), -BTS_EPROTO);
	assert_int_equal(bts_parse_inquiry_event(cut, sizeof(cut), d, 4), -BTS_EPROTO);
	assert_int_equal(bts_parse_inquiry_event(empty, sizeof(empty), d, 4), -BTS_EPROTO);
	assert_int_equal(bts_parse_inquiry_event(zero, sizeof(zero), d, 4), 0);
	assert_int_equal(bts_parse_inquiry_event(other, sizeof(other), d, 4), 0);
	assert_int_equal(bts_parse_inquiry_event(other, 1, d, 4), -BTS_EPROTO);
}

static void test_le_advertising_report(void **state)
{
	const uint8_t ev[] = {
		0x3e, 22, 0x02, 1,
		0x00, 0x01, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xcf, /* ADV_IND, random */
		10, 0x02, 0x01, 0x06, 0x06, 0x09, 'b', 'e', 'a', 'c', 'n',
		0xb5,
	};
	const uint8_t no_rssi[] = {
		0x3e, 12, 0x02, 1,
		0x04, 0x00, 1, 2, 3, 4, 5, 6, 0, 127,
	};
	struct bts_device d[2];
	char addr[18];

	(void)state;
	assert_int_equal(bts_parse_inquiry_event(ev, sizeof(ev), d, 2), 1);
	assert_int_equal(d[0].type, BTS_DEV_LE);
	assert_int_equal(d[0].addr_type, 1);
	assert_string_equal(bts_addr_str(&d[0].addr, addr), "CF:EE:DD:CC:BB:AA");
	assert_string_equal(d[0].name, "beacn");
	assert_int_equal(d[0].rssi, -75);
	assert_false(d[0].has_class);
	assert_int_equal(bts_parse_inquiry_event(no_rssi, sizeof(no_rssi), d, 2), 1);
	assert_false(d[0].has_rssi);
	assert_int_equal(d[0].adv_type, 4);
	assert_int_equal(d[0].name_src, BTS_NAME_NONE);
	/* data length past the event */
	{
		uint8_t bad[sizeof(ev)];

		memcpy(bad, ev, sizeof(ev));
		bad[12] = 11;
		assert_int_equal(bts_parse_inquiry_event(bad, sizeof(bad), d, 2), -BTS_EPROTO);
		/* every truncation is rejected, never read past */
		for (size_t len = 2; len < sizeof(ev); len++) {
			bad[1] = (uint8_t)(len - 2);
			memcpy(bad, ev, 1);
			bad[12] = 10;
			assert_int_equal(bts_parse_inquiry_event(bad, len, d, 2), -BTS_EPROTO);
		}
	}
}

static void test_le_extended_report(void **state)
{
	/* one report: legacy ADV_IND (0x13), random address, RSSI -50,
	 * data "btlab-1" */
	const uint8_t ev[] = {
		0x3e, 2 + 24 + 9, 0x0d, 1,
		0x13, 0x00, 0x01, 0x06, 0x05, 0x04, 0x03, 0x02, 0xc1,
		0x01, 0x00, 0xff, 0x7f, 0xce, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 9,
		0x08, 0x09, 'b', 't', 'l', 'a', 'b', '-', '1',
	};
	struct bts_device d[2];
	char addr[18];
	uint8_t bad[sizeof(ev)];

	(void)state;
	assert_int_equal(bts_parse_inquiry_event(ev, sizeof(ev), d, 2), 1);
	assert_int_equal(d[0].type, BTS_DEV_LE);
	assert_int_equal(d[0].addr_type, 1);
	assert_string_equal(bts_addr_str(&d[0].addr, addr), "C1:02:03:04:05:06");
	assert_true(d[0].has_rssi);
	assert_int_equal(d[0].rssi, -50);
	assert_string_equal(d[0].name, "btlab-1");
	/* every truncation is rejected */
	memcpy(bad, ev, sizeof(ev));
	for (size_t len = 2; len < sizeof(ev); len++) {
		bad[1] = (uint8_t)(len - 2);
		assert_int_equal(bts_parse_inquiry_event(bad, len, d, 2), -BTS_EPROTO);
	}
}

static void test_devlist_and_match(void **state)
{
	struct bts_device list[4], d;
	size_t n = 0, idx[4];
	bool is_new, gained;

	(void)state;
	memset(&d, 0, sizeof(d));
	bts_addr_parse("00:00:00:00:00:01", &d.addr);
	d.has_rssi = true;
	d.rssi = -50;
	assert_int_equal(bts_devlist_merge(list, &n, 4, &d, &is_new, &gained), 0);
	assert_true(is_new);
	assert_false(gained);
	/* the same device again, now with a name from a name request */
	strcpy(d.name, "Phone");
	d.name_src = BTS_NAME_REQUEST;
	d.rssi = -40;
	assert_int_equal(bts_devlist_merge(list, &n, 4, &d, &is_new, &gained), 0);
	assert_false(is_new);
	assert_true(gained);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].rssi, -40);
	/* a shortened name does not replace it */
	strcpy(d.name, "Ph");
	d.name_src = BTS_NAME_SHORT;
	bts_devlist_merge(list, &n, 4, &d, &is_new, &gained);
	assert_string_equal(list[0].name, "Phone");
	/* same address over LE is another entry */
	d.type = BTS_DEV_LE;
	strcpy(d.name, "phone");
	d.name_src = BTS_NAME_COMPLETE;
	assert_int_equal(bts_devlist_merge(list, &n, 4, &d, &is_new, &gained), 1);
	d.type = BTS_DEV_BREDR;
	bts_addr_parse("00:00:00:00:00:02", &d.addr);
	strcpy(d.name, "PHONE");
	assert_int_equal(bts_devlist_merge(list, &n, 4, &d, &is_new, &gained), 2);
	bts_addr_parse("00:00:00:00:00:03", &d.addr);
	strcpy(d.name, "laptop");
	bts_devlist_merge(list, &n, 4, &d, &is_new, &gained);
	bts_addr_parse("00:00:00:00:00:04", &d.addr);
	assert_int_equal(bts_devlist_merge(list, &n, 4, &d, &is_new, &gained), -ENOSPC);

	/* exact match first: only "Phone" */
	assert_int_equal(bts_match_name(list, n, "Phone", idx, 4), 1);
	assert_int_equal(idx[0], 0);
	/* no exact "pHone": case-insensitive, and 00:..:01 over LE counts once */
	assert_int_equal(bts_match_name(list, n, "pHone", idx, 4), 2);
	assert_int_equal(idx[0], 0);
	assert_int_equal(idx[1], 2);
	assert_int_equal(bts_match_name(list, n, "tablet", idx, 4), 0);
	assert_int_equal(bts_match_name(list, n, "laptop", idx, 4), 1);
}

static void test_inquiry_length(void **state)
{
	(void)state;
	assert_int_equal(bts_inquiry_length(0), 1);
	assert_int_equal(bts_inquiry_length(1), 1);
	assert_int_equal(bts_inquiry_length(10), 8);   /* 10.24 s */
	assert_int_equal(bts_inquiry_length(5), 4);    /* 5.12 s */
	assert_int_equal(bts_inquiry_length(61), 48);  /* the maximum, 61.44 s */
	assert_int_equal(bts_inquiry_length(1000), 48);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eir_typical),
		cmocka_unit_test(test_eir_uuid128_and_short_name),
		cmocka_unit_test(test_eir_complete_name_wins),
		cmocka_unit_test(test_eir_malformed),
		cmocka_unit_test(test_eir_uuid_overflow),
		cmocka_unit_test(test_name_sanitize),
		cmocka_unit_test(test_inquiry_result_events),
		cmocka_unit_test(test_extended_inquiry_result),
		cmocka_unit_test(test_malformed_events),
		cmocka_unit_test(test_le_advertising_report),
		cmocka_unit_test(test_le_extended_report),
		cmocka_unit_test(test_devlist_and_match),
		cmocka_unit_test(test_inquiry_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
