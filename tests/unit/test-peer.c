// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for naming peers: parsing ADDR|NAME[:PORT] and resolving it
 * with faked name lookup and SDP search. */
/* wrap: bts_sdp_search bts_resolve_name */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "btsync/error.h"
#include "btsync/peer.h"
#include "btsync/sdp.h"
#include "btsync/util.h"
#include <bluetooth/sdp_lib.h>

int __wrap_bts_sdp_search(const bdaddr_t *src, const bdaddr_t *dst, const uuid_t *uuid,
			  struct bts_sdp_service *out, size_t max, int timeout_ms);
int __wrap_bts_resolve_name(int dev_id, const char *name, int timeout_ms, bool use_cache,
			    bdaddr_t *out);

/* The fake SDP server: records returned for any search. */
static struct bts_sdp_service fake_recs[4];
static int fake_nrecs;
static int fake_sdp_err;
static int sdp_calls;
static bdaddr_t sdp_dst;

int __wrap_bts_sdp_search(const bdaddr_t *src, const bdaddr_t *dst, const uuid_t *uuid,
			  struct bts_sdp_service *out, size_t max, int timeout_ms)
{
	(void)src; (void)uuid; (void)timeout_ms;
	sdp_calls++;
	bacpy(&sdp_dst, dst);
	if (fake_sdp_err)
		return fake_sdp_err;
	for (int i = 0; i < fake_nrecs && (size_t)i < max; i++)
		out[i] = fake_recs[i];
	return fake_nrecs;
}

/* The fake neighbourhood: "phone" is 00:11:22:33:44:55, "twin" is
 * ambiguous, anything else is not found. */
int __wrap_bts_resolve_name(int dev_id, const char *name, int timeout_ms, bool use_cache,
			    bdaddr_t *out)
{
	(void)dev_id; (void)timeout_ms; (void)use_cache;
	if (!strcmp(name, "phone"))
		return bts_addr_parse("00:11:22:33:44:55", out);
	if (!strcmp(name, "twin"))
		return -BTS_EAMBIGUOUS;
	return -BTS_ENOTFOUND;
}

static int reset(void **st)
{
	(void)st;
	memset(fake_recs, 0, sizeof(fake_recs));
	fake_nrecs = 0;
	fake_sdp_err = 0;
	sdp_calls = 0;
	return 0;
}

static void add_rec(enum bts_proto proto, uint16_t port)
{
	fake_recs[fake_nrecs].has_port = true;
	fake_recs[fake_nrecs].proto = proto;
	fake_recs[fake_nrecs].port = port;
	fake_nrecs++;
}

static void assert_addr(const bdaddr_t *a, const char *want)
{
	char buf[18];

	assert_string_equal(bts_addr_str(a, buf), want);
}

static void test_parse_addr(void **st)
{
	struct bts_peer_spec p;

	(void)st;
	assert_int_equal(bts_peer_parse("00:11:22:33:44:55", &p), 0);
	assert_true(p.has_addr);
	assert_int_equal(p.port, 0);
	assert_addr(&p.addr, "00:11:22:33:44:55");

	assert_int_equal(bts_peer_parse("aa:bb:cc:dd:ee:ff:5", &p), 0);
	assert_true(p.has_addr);
	assert_int_equal(p.port, 5);
	assert_addr(&p.addr, "AA:BB:CC:DD:EE:FF");

	assert_int_equal(bts_peer_parse("00:11:22:33:44:55:0x1001", &p), 0);
	assert_true(p.has_addr);
	assert_int_equal(p.port, 0x1001);
}

static void test_parse_name(void **st)
{
	struct bts_peer_spec p;

	(void)st;
	assert_int_equal(bts_peer_parse("phone", &p), 0);
	assert_false(p.has_addr);
	assert_string_equal(p.name, "phone");
	assert_int_equal(p.port, 0);

	assert_int_equal(bts_peer_parse("phone:7", &p), 0);
	assert_false(p.has_addr);
	assert_string_equal(p.name, "phone");
	assert_int_equal(p.port, 7);

	/* A colon followed by something not a number belongs to the name. */
	assert_int_equal(bts_peer_parse("My:Phone", &p), 0);
	assert_string_equal(p.name, "My:Phone");
	assert_int_equal(p.port, 0);

	assert_int_equal(bts_peer_parse("Kitchen radio:3", &p), 0);
	assert_string_equal(p.name, "Kitchen radio");
	assert_int_equal(p.port, 3);
}

static void test_parse_errors(void **st)
{
	struct bts_peer_spec p;
	char longname[300];

	(void)st;
	assert_int_equal(bts_peer_parse("", &p), -BTS_EBADARG);
	assert_int_equal(bts_peer_parse(NULL, &p), -BTS_EBADARG);
	assert_int_equal(bts_peer_parse("phone:", &p), -BTS_EBADARG);
	assert_int_equal(bts_peer_parse("phone:0", &p), -BTS_EBADARG);
	assert_int_equal(bts_peer_parse("phone:65536", &p), -BTS_EBADARG);
	assert_int_equal(bts_peer_parse(":5", &p), -BTS_EBADARG);
	assert_int_equal(bts_peer_parse("00:11:22:33:44:55:", &p), -BTS_EBADARG);
	assert_int_equal(bts_peer_parse("00:11:22:33:44:55:99999", &p), -BTS_EBADARG);
	/* Address-shaped typos are bad addresses, never device names. */
	assert_int_equal(bts_peer_parse("00:11:22:33:44:5G", &p), -BTS_EBADADDR);
	assert_int_equal(bts_peer_parse("00:11:22:33:44:5G:3", &p), -BTS_EBADADDR);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(bts_peer_parse(longname, &p), -BTS_EBADARG);
}

static const uuid_t *serve_class(void)
{
	static uuid_t u;

	sdp_uuid16_create(&u, 0x1101);
	return &u;
}

static void test_resolve_explicit(void **st)
{
	struct bts_peer_spec p;
	struct bts_resolve_opts o = { .dev_id = -1, .proto = BTS_RFCOMM, .service = serve_class() };
	bdaddr_t a;
	uint16_t port = 0;

	(void)st;
	assert_int_equal(bts_peer_parse("00:11:22:33:44:55:3", &p), 0);
	assert_int_equal(bts_peer_resolve(&p, &o, &a, &port), 0);
	assert_int_equal(port, 3);
	assert_addr(&a, "00:11:22:33:44:55");
	assert_int_equal(sdp_calls, 0);

	/* Channel 31 does not exist; PSM 4 is even. */
	assert_int_equal(bts_peer_parse("00:11:22:33:44:55:31", &p), 0);
	assert_int_equal(bts_peer_resolve(&p, &o, &a, &port), -BTS_EBADARG);
	o.proto = BTS_L2CAP;
	assert_int_equal(bts_peer_parse("00:11:22:33:44:55:4", &p), 0);
	assert_int_equal(bts_peer_resolve(&p, &o, &a, &port), -BTS_EBADARG);
}

static void test_resolve_sdp(void **st)
{
	struct bts_peer_spec p;
	struct bts_resolve_opts o = { .dev_id = -1, .proto = BTS_RFCOMM, .service = serve_class() };
	enum bts_proto proto;
	bdaddr_t a;
	uint16_t port = 0;

	(void)st;
	add_rec(BTS_L2CAP, 0x1003);
	add_rec(BTS_RFCOMM, 12);
	assert_int_equal(bts_peer_parse("00:11:22:33:44:55", &p), 0);
	assert_int_equal(bts_peer_resolve(&p, &o, &a, &port), 0);
	assert_int_equal(port, 12);
	assert_int_equal(sdp_calls, 1);
	assert_addr(&sdp_dst, "00:11:22:33:44:55");

	o.proto = BTS_L2CAP;
	assert_int_equal(bts_peer_resolve(&p, &o, &a, &port), 0);
	assert_int_equal(port, 0x1003);

	/* Only L2CAP on offer: strict resolve fails, the lenient one
	 * switches protocol. */
	reset(NULL);
	add_rec(BTS_L2CAP, 0x1005);
	o.proto = BTS_RFCOMM;
	assert_int_equal(bts_peer_resolve(&p, &o, &a, &port), -BTS_ENOSERVICE);
	assert_int_equal(bts_peer_resolve_proto(&p, &o, &a, &proto, &port), 0);
	assert_int_equal(proto, BTS_L2CAP);
	assert_int_equal(port, 0x1005);
}

static void test_resolve_failures(void **st)
{
	struct bts_peer_spec p;
	struct bts_resolve_opts o = { .dev_id = -1, .proto = BTS_RFCOMM, .service = serve_class() };
	bdaddr_t a;
	uint16_t port = 0;

	(void)st;
	/* No record at all. */
	assert_int_equal(bts_peer_parse("00:11:22:33:44:55", &p), 0);
	assert_int_equal(bts_peer_resolve(&p, &o, &a, &port), -BTS_ENOSERVICE);
	/* A record without a port is no use. */
	fake_recs[0].has_port = false;
	fake_nrecs = 1;
	assert_int_equal(bts_peer_resolve(&p, &o, &a, &port), -BTS_ENOSERVICE);
	/* SDP errors pass through. */
	fake_sdp_err = -EHOSTDOWN;
	assert_int_equal(bts_peer_resolve(&p, &o, &a, &port), -EHOSTDOWN);
	/* No port and no class to look for. */
	o.service = NULL;
	assert_int_equal(bts_peer_resolve(&p, &o, &a, &port), -BTS_EBADARG);
	/* Name errors pass through, before any SDP. */
	o.service = serve_class();
	sdp_calls = 0;
	assert_int_equal(bts_peer_parse("nobody", &p), 0);
	assert_int_equal(bts_peer_resolve(&p, &o, &a, &port), -BTS_ENOTFOUND);
	assert_int_equal(bts_peer_parse("twin:3", &p), 0);
	assert_int_equal(bts_peer_resolve(&p, &o, &a, &port), -BTS_EAMBIGUOUS);
	assert_int_equal(sdp_calls, 0);
}

static void test_resolve_name(void **st)
{
	struct bts_peer_spec p;
	struct bts_resolve_opts o = { .dev_id = -1, .proto = BTS_RFCOMM, .service = serve_class() };
	bdaddr_t a;
	uint16_t port = 0;

	(void)st;
	assert_int_equal(bts_peer_parse("phone:4", &p), 0);
	assert_int_equal(bts_peer_resolve(&p, &o, &a, &port), 0);
	assert_addr(&a, "00:11:22:33:44:55");
	assert_int_equal(port, 4);
	assert_int_equal(sdp_calls, 0);

	add_rec(BTS_RFCOMM, 9);
	assert_int_equal(bts_peer_parse("phone", &p), 0);
	assert_int_equal(bts_peer_resolve(&p, &o, &a, &port), 0);
	assert_int_equal(port, 9);
	assert_addr(&sdp_dst, "00:11:22:33:44:55");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parse_addr, reset),
		cmocka_unit_test_setup(test_parse_name, reset),
		cmocka_unit_test_setup(test_parse_errors, reset),
		cmocka_unit_test_setup(test_resolve_explicit, reset),
		cmocka_unit_test_setup(test_resolve_sdp, reset),
		cmocka_unit_test_setup(test_resolve_failures, reset),
		cmocka_unit_test_setup(test_resolve_name, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
