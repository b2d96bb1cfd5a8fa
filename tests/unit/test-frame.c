// SPDX-License-Identifier: GPL-2.0-or-later
/* Transfer protocol frames: every message round-trips, and malformed,
 * truncated and oversized input is refused without reading past the end
 * (run under ASan in CI). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "btsync/error.h"
#include "btsync/frame.h"

static uint8_t buf[BTS_FRAME_HDR + BTS_FRAME_MAX_PAYLOAD];

static void check_header(ssize_t n, uint8_t type)
{
	uint8_t t;
	size_t len;

	assert_true(n >= BTS_FRAME_HDR);
	assert_int_equal(bts_frame_header(buf, BTS_FRAME_MAX_PAYLOAD, &t, &len), 0);
	assert_int_equal(t, type);
	assert_int_equal(len, (size_t)n - BTS_FRAME_HDR);
}

static void test_header(void **st)
{
	uint8_t t;
	size_t len;

	(void)st;
	bts_frame_put_header(buf, BTS_F_DATA, 7996);
	assert_int_equal(bts_frame_header(buf, 7996, &t, &len), 0);
	assert_int_equal(len, 7996);
	/* more than we said we accept */
	assert_int_equal(bts_frame_header(buf, 7995, &t, &len), -BTS_ETOOBIG);
	/* unknown types and flags */
	buf[0] = 0;
	assert_int_equal(bts_frame_header(buf, 65535, &t, &len), -BTS_EPROTO);
	buf[0] = BTS_F_TYPE_MAX + 1;
	assert_int_equal(bts_frame_header(buf, 65535, &t, &len), -BTS_EPROTO);
	buf[0] = BTS_F_DATA;
	buf[1] = 0x80;
	assert_int_equal(bts_frame_header(buf, 65535, &t, &len), -BTS_EPROTO);
}

static void test_hello(void **st)
{
	struct bts_hello h = { .version = BTS_PROTO_VERSION, .caps = BTS_CAPS_ALL, .max_payload = 7996 }, g;
	ssize_t n;

	(void)st;
	n = bts_enc_hello(buf, sizeof(buf), &h);
	check_header(n, BTS_F_HELLO);
	assert_int_equal(bts_dec_hello(buf + 4, (size_t)n - 4, &g), 0);
	assert_int_equal(g.caps, BTS_CAPS_ALL);
	assert_int_equal(g.max_payload, 7996);
	assert_int_equal(bts_dec_hello(buf + 4, (size_t)n - 5, &g), -BTS_EPROTO);
	buf[4] ^= 1; /* magic */
	assert_int_equal(bts_dec_hello(buf + 4, (size_t)n - 4, &g), -BTS_EPROTO);
	h.version = BTS_PROTO_VERSION + 1;
	n = bts_enc_hello(buf, sizeof(buf), &h);
	assert_int_equal(bts_dec_hello(buf + 4, (size_t)n - 4, &g), -BTS_EVERSION);
	assert_int_equal(bts_enc_hello(buf, 10, &h), -BTS_ETOOBIG);
}

static void test_offer(void **st)
{
	static struct bts_offer o, g;
	ssize_t n;

	(void)st;
	memset(&o, 0, sizeof(o));
	o.kind = BTS_K_SYMLINK;
	o.mode = 0755;
	o.mtime_sec = -5; /* before 1970 survives */
	o.mtime_nsec = 999999999;
	strcpy(o.path, "dir/link");
	strcpy(o.target, "../x");
	n = bts_enc_offer(buf, sizeof(buf), &o);
	check_header(n, BTS_F_OFFER);
	assert_int_equal(bts_dec_offer(buf + 4, (size_t)n - 4, &g), 0);
	assert_string_equal(g.path, "dir/link");
	assert_string_equal(g.target, "../x");
	assert_int_equal(g.mtime_sec, -5);
	assert_int_equal(g.mode, 0755);
	/* every truncation is refused */
	for (size_t cut = 0; cut < (size_t)n - 4; cut++)
		assert_int_equal(bts_dec_offer(buf + 4, cut, &g), -BTS_EPROTO);
	/* a trailing byte too */
	assert_int_equal(bts_dec_offer(buf + 4, (size_t)n - 3, &g), -BTS_EPROTO);

	o.kind = BTS_K_FILE;
	o.size = 1ull << 40;
	n = bts_enc_offer(buf, sizeof(buf), &o);
	assert_int_equal(bts_dec_offer(buf + 4, (size_t)n - 4, &g), 0);
	assert_int_equal(g.size, 1ull << 40);
	assert_int_equal(g.target_len, 0);

	/* a NUL inside the path */
	buf[4 + 30 + 3] = '\0';
	assert_int_equal(bts_dec_offer(buf + 4, (size_t)n - 4, &g), -BTS_EPROTO);
	/* unknown kind, unknown flags, bad mode, bad nanoseconds */
	n = bts_enc_offer(buf, sizeof(buf), &o);
	buf[4] = 9;
	assert_int_equal(bts_dec_offer(buf + 4, (size_t)n - 4, &g), -BTS_EPROTO);
	buf[4] = BTS_K_FILE;
	buf[5] = 0x40;
	assert_int_equal(bts_dec_offer(buf + 4, (size_t)n - 4, &g), -BTS_EPROTO);
	buf[5] = 0;
	buf[4 + 4] = 0xff;
	assert_int_equal(bts_dec_offer(buf + 4, (size_t)n - 4, &g), -BTS_EPROTO);
	o.mtime_nsec = 1000000000;
	n = bts_enc_offer(buf, sizeof(buf), &o);
	assert_int_equal(bts_dec_offer(buf + 4, (size_t)n - 4, &g), -BTS_EPROTO);
	/* stream flag needs the unknown size, and only for files */
	o.mtime_nsec = 0;
	o.flags = BTS_OF_STREAM;
	n = bts_enc_offer(buf, sizeof(buf), &o);
	assert_int_equal(bts_dec_offer(buf + 4, (size_t)n - 4, &g), -BTS_EPROTO);
	o.size = UINT64_MAX;
	n = bts_enc_offer(buf, sizeof(buf), &o);
	assert_int_equal(bts_dec_offer(buf + 4, (size_t)n - 4, &g), 0);
	o.flags = 0;
	n = bts_enc_offer(buf, sizeof(buf), &o);
	assert_int_equal(bts_dec_offer(buf + 4, (size_t)n - 4, &g), -BTS_EPROTO);
	/* a file with a target, a symlink without */
	o.size = 1;
	o.kind = BTS_K_SYMLINK;
	o.target[0] = '\0';
	n = bts_enc_offer(buf, sizeof(buf), &o);
	assert_int_equal(bts_dec_offer(buf + 4, (size_t)n - 4, &g), -BTS_EPROTO);
	/* an over-long path cannot be encoded */
	memset(o.path, 'a', BTS_WIRE_PATH_MAX + 1);
	o.kind = BTS_K_FILE;
	assert_int_equal(bts_enc_offer(buf, sizeof(buf), &o), -BTS_ETOOBIG);
}

static void test_small_messages(void **st)
{
	struct bts_reply r = { .action = BTS_R_HAVE, .flags = BTS_RF_FINAL, .offset = 12345 }, rr;
	struct bts_start s = { .flags = BTS_SF_ABANDON, .offset = 77 }, ss;
	struct bts_end e = { .size = 99 }, ee;
	struct bts_result res = { .code = BTS_W_NOSPACE, .how = BTS_HOW_RESUMED }, rres;
	struct bts_error er = { .code = BTS_W_IO }, eer;
	ssize_t n;

	(void)st;
	memset(r.hash, 0xab, sizeof(r.hash));
	n = bts_enc_reply(buf, sizeof(buf), &r);
	check_header(n, BTS_F_REPLY);
	assert_int_equal(bts_dec_reply(buf + 4, (size_t)n - 4, &rr), 0);
	assert_int_equal(rr.offset, 12345);
	assert_memory_equal(rr.hash, r.hash, 32);
	assert_int_equal(bts_dec_reply(buf + 4, (size_t)n - 5, &rr), -BTS_EPROTO);
	/* a refusal must carry a code, an acceptance must not */
	r.action = BTS_R_REFUSE;
	n = bts_enc_reply(buf, sizeof(buf), &r);
	assert_int_equal(bts_dec_reply(buf + 4, (size_t)n - 4, &rr), -BTS_EPROTO);
	buf[4] = 7;
	assert_int_equal(bts_dec_reply(buf + 4, (size_t)n - 4, &rr), -BTS_EPROTO);

	n = bts_enc_start(buf, sizeof(buf), &s);
	check_header(n, BTS_F_START);
	assert_int_equal(bts_dec_start(buf + 4, (size_t)n - 4, &ss), 0);
	assert_int_equal(ss.offset, 77);
	assert_int_equal(ss.flags, BTS_SF_ABANDON);

	memset(e.hash, 0x5a, sizeof(e.hash));
	n = bts_enc_end(buf, sizeof(buf), &e);
	check_header(n, BTS_F_END);
	assert_int_equal(bts_dec_end(buf + 4, (size_t)n - 4, &ee), 0);
	assert_int_equal(ee.size, 99);
	assert_int_equal(bts_dec_end(buf + 4, 39, &ee), -BTS_EPROTO);

	n = bts_enc_result(buf, sizeof(buf), &res);
	check_header(n, BTS_F_RESULT);
	assert_int_equal(bts_dec_result(buf + 4, (size_t)n - 4, &rres), 0);
	assert_int_equal(rres.code, BTS_W_NOSPACE);
	assert_int_equal(bts_wire_to_err(rres.code), -ENOSPC);

	n = bts_enc_bye(buf, sizeof(buf));
	check_header(n, BTS_F_BYE);

	/* the peer's message is sanitised for the terminal */
	strcpy(er.msg, "disk \x1b[31mfull\n");
	n = bts_enc_error(buf, sizeof(buf), &er);
	check_header(n, BTS_F_ERROR);
	assert_int_equal(bts_dec_error(buf + 4, (size_t)n - 4, &eer), 0);
	assert_string_equal(eer.msg, "disk ?[31mfull?");
	assert_int_equal(bts_dec_error(buf + 4, 3, &eer), -BTS_EPROTO);
}

static void test_wire_codes(void **st)
{
	(void)st;
	for (uint32_t c = 0; c < BTS_W_MAX; c++)
		assert_int_equal(bts_wire_from_err(bts_wire_to_err(c)), c);
	assert_int_equal(bts_wire_to_err(BTS_W_MAX + 5), -BTS_EPROTO);
}

/* Random bytes never crash a decoder (ASan/UBSan watch). */
static void test_random_garbage(void **st)
{
	static struct bts_offer o;
	struct bts_hello h;
	struct bts_reply r;
	struct bts_start s;
	struct bts_end e;
	struct bts_result res;
	struct bts_error er;
	unsigned seed = 99;

	(void)st;
	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(round % 300);
		uint8_t *p = malloc(len ? len : 1);

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			p[i] = (uint8_t)(seed >> 16);
		}
		if (len >= 30) { /* make some offers plausible */
			p[0] = 1 + round % 3;
			p[1] = 0;
			p[2] = 0;
			p[3] = (uint8_t)(len - 30);
			p[28] = p[29] = 0;
		}
		bts_dec_hello(p, len, &h);
		bts_dec_offer(p, len, &o);
		bts_dec_reply(p, len, &r);
		bts_dec_start(p, len, &s);
		bts_dec_end(p, len, &e);
		bts_dec_result(p, len, &res);
		bts_dec_error(p, len, &er);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_hello),
		cmocka_unit_test(test_offer),
		cmocka_unit_test(test_small_messages),
		cmocka_unit_test(test_wire_codes),
		cmocka_unit_test(test_random_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
