// SPDX-License-Identifier: GPL-2.0-or-later
/* SDP response parsing: AttributeLists built from records made with
 * libbluetooth's builders (what a real server sends), then parsed back
 * into bts_sdp_service; plus truncated and corrupted responses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <bluetooth/bluetooth.h>
#include <bluetooth/sdp.h>
#include <bluetooth/sdp_lib.h>

#include "btsync/error.h"
#include "btsync/sdp.h"
#include "btsync/sdp_parse.h"

/* An RFCOMM record like 'sdptool add --channel=N SP' makes. */
static sdp_record_t *rfcomm_record(uint32_t handle, uint8_t channel, const char *name)
{
	sdp_record_t *rec = sdp_record_alloc();
	uuid_t root, svc, l2cap, rfcomm;
	sdp_profile_desc_t prof;
	sdp_list_t *roots, *classes, *profiles, *l2, *rf, *proto, *access;
	sdp_data_t *ch = sdp_data_alloc(SDP_UINT8, &channel);

	sdp_attr_add_new(rec, SDP_ATTR_RECORD_HANDLE, SDP_UINT32, &handle);
	rec->handle = handle;
	sdp_uuid16_create(&root, PUBLIC_BROWSE_GROUP);
	roots = sdp_list_append(NULL, &root);
	sdp_set_browse_groups(rec, roots);
	sdp_uuid16_create(&svc, SERIAL_PORT_SVCLASS_ID);
	classes = sdp_list_append(NULL, &svc);
	sdp_set_service_classes(rec, classes);
	sdp_uuid16_create(&prof.uuid, SERIAL_PORT_PROFILE_ID);
	prof.version = 0x0102;
	profiles = sdp_list_append(NULL, &prof);
	sdp_set_profile_descs(rec, profiles);
	sdp_uuid16_create(&l2cap, L2CAP_UUID);
	l2 = sdp_list_append(NULL, &l2cap);
	proto = sdp_list_append(NULL, l2);
	sdp_uuid16_create(&rfcomm, RFCOMM_UUID);
	rf = sdp_list_append(NULL, &rfcomm);
	rf = sdp_list_append(rf, ch);
	proto = sdp_list_append(proto, rf);
	access = sdp_list_append(NULL, proto);
	sdp_set_access_protos(rec, access);
	sdp_set_info_attr(rec, name, "btsync tests", "a serial port");

	sdp_data_free(ch);
	sdp_list_free(l2, NULL);
	sdp_list_free(rf, NULL);
	sdp_list_free(proto, NULL);
	sdp_list_free(access, NULL);
	sdp_list_free(roots, NULL);
	sdp_list_free(classes, NULL);
	sdp_list_free(profiles, NULL);
	return rec;
}

/* An L2CAP-only record with a 128-bit class and no name. */
static sdp_record_t *l2cap_record(uint32_t handle, uint16_t psm)
{
	sdp_record_t *rec = sdp_record_alloc();
	uuid_t svc, l2cap;
	sdp_list_t *classes, *l2, *proto, *access;
	sdp_data_t *p = sdp_data_alloc(SDP_UINT16, &psm);
	const uint8_t u[16] = { 0xeb, 0x9f, 0x74, 0x97, 0xe7, 0xcf, 0x41, 0x4b,
				0x98, 0x0a, 0x53, 0x97, 0xda, 0x6c, 0x6d, 0x9a };

	sdp_attr_add_new(rec, SDP_ATTR_RECORD_HANDLE, SDP_UINT32, &handle);
	rec->handle = handle;
	sdp_uuid128_create(&svc, u);
	classes = sdp_list_append(NULL, &svc);
	sdp_set_service_classes(rec, classes);
	sdp_uuid16_create(&l2cap, L2CAP_UUID);
	l2 = sdp_list_append(NULL, &l2cap);
	l2 = sdp_list_append(l2, p);
	proto = sdp_list_append(NULL, l2);
	access = sdp_list_append(NULL, proto);
	sdp_set_access_protos(rec, access);

	sdp_data_free(p);
	sdp_list_free(l2, NULL);
	sdp_list_free(proto, NULL);
	sdp_list_free(access, NULL);
	sdp_list_free(classes, NULL);
	return rec;
}

/* AttributeLists: a 16-bit-length sequence around the records. */
static uint8_t *attribute_lists(size_t *len)
{
	sdp_record_t *recs[2] = { rfcomm_record(0x10005, 7, "Serial Port"),
				  l2cap_record(0x10006, 0x1001) };
	uint8_t *out = malloc(4096);
	size_t o = 3;

	assert_non_null(out);
	for (int i = 0; i < 2; i++) {
		sdp_buf_t b;

		memset(&b, 0, sizeof(b));
		assert_true(sdp_gen_record_pdu(recs[i], &b) >= 0);
		assert_true(o + b.data_size <= 4096);
		memcpy(out + o, b.data, b.data_size);
		o += b.data_size;
		free(b.data);
		sdp_record_free(recs[i]);
	}
	out[0] = SDP_SEQ16;
	out[1] = (uint8_t)((o - 3) >> 8);
	out[2] = (uint8_t)(o - 3);
	*len = o;
	return out;
}

static void test_parse_records(void **state)
{
	struct bts_sdp_service s[4];
	bdaddr_t host = { { 1, 2, 3, 4, 5, 6 } };
	size_t len;
	uint8_t *buf = attribute_lists(&len);
	char u[64];

	(void)state;
	assert_int_equal(bts_sdp_parse_records(buf, len, &host, s, 4), 2);
	assert_int_equal(bacmp(&s[0].host, &host), 0);
	assert_int_equal(s[0].handle, 0x10005);
	assert_string_equal(s[0].name, "Serial Port");
	assert_string_equal(s[0].provider, "btsync tests");
	assert_string_equal(s[0].description, "a serial port");
	assert_true(s[0].has_port);
	assert_int_equal(s[0].proto, BTS_RFCOMM);
	assert_int_equal(s[0].port, 7);
	assert_int_equal(s[0].nclasses, 1);
	assert_string_equal(bts_uuid_str(&s[0].classes[0], u, sizeof(u)), "0x1101");
	assert_int_equal(s[0].nprofiles, 1);
	assert_string_equal(bts_uuid_str(&s[0].profiles[0].uuid, u, sizeof(u)), "0x1101");
	assert_int_equal(s[0].profiles[0].version, 0x0102);

	assert_int_equal(s[1].handle, 0x10006);
	assert_string_equal(s[1].name, "");
	assert_true(s[1].has_port);
	assert_int_equal(s[1].proto, BTS_L2CAP);
	assert_int_equal(s[1].port, 0x1001);
	assert_int_equal(s[1].nclasses, 1);
	assert_string_equal(bts_uuid_str(&s[1].classes[0], u, sizeof(u)), BTS_UUID_STREAM);
	assert_int_equal(s[1].nprofiles, 0);

	/* room for one: both counted, one stored */
	memset(s, 0, sizeof(s));
	assert_int_equal(bts_sdp_parse_records(buf, len, &host, s, 1), 2);
	assert_int_equal(s[0].port, 7);
	assert_int_equal(s[1].handle, 0);
	free(buf);
}

static void test_empty_response(void **state)
{
	const uint8_t empty[] = { SDP_SEQ8, 0 };
	struct bts_sdp_service s[1];
	bdaddr_t host = { { 0 } };

	(void)state;
	assert_int_equal(bts_sdp_parse_records(empty, sizeof(empty), &host, s, 1), 0);
	assert_int_equal(bts_sdp_parse_records(empty, 1, &host, s, 1), -BTS_EPROTO);
	assert_int_equal(bts_sdp_parse_records(NULL, 0, &host, s, 1), -BTS_EPROTO);
}

static void test_truncated(void **state)
{
	struct bts_sdp_service s[4];
	bdaddr_t host = { { 0 } };
	size_t len, boundary;
	uint8_t *buf = attribute_lists(&len);

	(void)state;
	/* cut anywhere with the outer length left as it was */
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(bts_sdp_parse_records(buf, cut, &host, s, 4), -BTS_EPROTO);
	/* cut anywhere with the outer length fixed up: the inner records run
	 * short. The first record is a SEQ8: 2 header bytes + its length. */
	assert_int_equal(buf[3], SDP_SEQ8);
	boundary = 3 + 2 + buf[4];
	for (size_t cut = 3; cut < len; cut++) {
		uint8_t *copy = malloc(cut);
		int r;

		memcpy(copy, buf, cut);
		copy[1] = (uint8_t)((cut - 3) >> 8);
		copy[2] = (uint8_t)(cut - 3);
		r = bts_sdp_parse_records(copy, cut, &host, s, 4);
		/* whole records parse, a record cut short is an error */
		if (cut == 3)
			assert_int_equal(r, 0);
		else if (cut == boundary)
			assert_int_equal(r, 1);
		else
			assert_int_equal(r, -BTS_EPROTO);
		free(copy);
	}
	free(buf);
}

static void test_corrupted(void **state)
{
	struct bts_sdp_service s[4];
	bdaddr_t host = { { 0 } };
	size_t len;
	uint8_t *buf = attribute_lists(&len);

	(void)state;
	/* flip every byte to a few bad values: whatever comes out is bounded */
	for (size_t i = 0; i < len; i++) {
		static const uint8_t vals[] = { 0x00, 0xff, 0x36, 0x09, 0x25 };

		for (size_t v = 0; v < sizeof(vals); v++) {
			uint8_t keep = buf[i];
			int r;

			buf[i] = vals[v];
			r = bts_sdp_parse_records(buf, len, &host, s, 4);
			assert_true(r == -BTS_EPROTO || (r >= 0 && r <= 64));
			for (int k = 0; k < r && k < 4; k++) {
				assert_true(strlen(s[k].name) < sizeof(s[k].name));
				assert_true(s[k].nclasses <= BTS_SDP_MAX_CLASSES);
			}
			buf[i] = keep;
		}
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_records),
		cmocka_unit_test(test_empty_response),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
