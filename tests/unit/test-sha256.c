// SPDX-License-Identifier: GPL-2.0-or-later
/* SHA-256: FIPS 180-4 example vectors, every split of the input across
 * update() calls, the portable and accelerated code agreeing, and the
 * digest of a file matching sha256sum(1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "btsync/sha256.h"

static void hex_of(const void *d, size_t n, int portable, char out[65])
{
	struct bts_sha256 c;
	uint8_t md[32];

	bts_sha256_init(&c);
	c.portable = portable;
	bts_sha256_update(&c, d, n);
	bts_sha256_final(&c, md);
	bts_sha256_hex(md, out);
}

static void test_vectors(void **st)
{
	static const struct { const char *in; const char *md; } v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
		  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	char out[65];

	(void)st;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (int portable = 0; portable < 2; portable++) {
			hex_of(v[i].in, strlen(v[i].in), portable, out);
			assert_string_equal(out, v[i].md);
		}
}

static void test_million_a(void **st)
{
	struct bts_sha256 c;
	uint8_t md[32], block[1000];
	char out[65];

	(void)st;
	memset(block, 'a', sizeof(block));
	bts_sha256_init(&c);
	for (int i = 0; i < 1000; i++)
		bts_sha256_update(&c, block, sizeof(block));
	bts_sha256_final(&c, md);
	assert_string_equal(bts_sha256_hex(md, out),
			    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Every way of cutting the input into two update() calls, around the
 * 55/56/64-byte padding edges, gives the one-shot digest; and the two
 * block functions agree on random data of every length up to 300. */
static void test_splits_and_paths(void **st)
{
	uint8_t data[300], one[32], two[32];
	unsigned seed = 12345;

	(void)st;
	for (size_t i = 0; i < sizeof(data); i++) {
		seed = seed * 1103515245u + 12345u;
		data[i] = (uint8_t)(seed >> 16);
	}
	for (size_t n = 0; n <= sizeof(data); n++) {
		char a[65], b[65];

		hex_of(data, n, 0, a);
		hex_of(data, n, 1, b);
		assert_string_equal(a, b);
		bts_sha256(data, n, one);
		for (size_t cut = 0; cut <= n; cut += (n > 70 ? 13 : 1)) {
			struct bts_sha256 c;

			bts_sha256_init(&c);
			bts_sha256_update(&c, data, cut);
			bts_sha256_update(&c, data + cut, n - cut);
			bts_sha256_final(&c, two);
			assert_memory_equal(one, two, 32);
		}
	}
}

static void test_matches_sha256sum(void **st)
{
	char path[] = "/tmp/btsync-sha-XXXXXX", cmd[128], want[80] = "", got[65];
	uint8_t buf[65536], md[32];
	struct bts_sha256 c;
	unsigned seed = 7;
	int fd;
	FILE *p;

	(void)st;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	bts_sha256_init(&c);
	for (int round = 0; round < 40; round++) {
		size_t n = sizeof(buf) - (size_t)round * 977;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (uint8_t)(seed >> 16);
		}
		assert_int_equal(write(fd, buf, n), (ssize_t)n);
		bts_sha256_update(&c, buf, n);
	}
	close(fd);
	bts_sha256_final(&c, md);
	snprintf(cmd, sizeof(cmd), "sha256sum %s", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(want, sizeof(want), p));
	pclose(p);
	unlink(path);
	want[64] = '\0';
	assert_string_equal(bts_sha256_hex(md, got), want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_splits_and_paths),
		cmocka_unit_test(test_matches_sha256sum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
