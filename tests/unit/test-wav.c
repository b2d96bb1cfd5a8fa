// SPDX-License-Identifier: GPL-2.0-or-later
/* WAV headers: round trip of the canonical header, files with extra
 * chunks, WAVE_FORMAT_EXTENSIBLE, streamed sizes, and malformed or
 * truncated headers refused (or asked to read more), never over-read. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "btsync/error.h"
#include "btsync/wav.h"

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void test_round_trip(void **st)
{
	uint8_t h[BTS_WAV_CANON_LEN];
	struct bts_wav_info info;

	(void)st;
	bts_wav_header(h, 44100, 2, 176400);
	assert_int_equal(bts_wav_parse(h, sizeof(h), &info), 0);
	assert_int_equal(info.format, 1);
	assert_int_equal(info.channels, 2);
	assert_int_equal(info.rate, 44100);
	assert_int_equal(info.bits, 16);
	assert_int_equal(info.block_align, 4);
	assert_int_equal(info.data_offset, 44);
	assert_int_equal(info.data_size, 176400);
	assert_true(info.size_known);
	assert_int_equal(bts_wav_check_pcm16(&info, NULL), 0);
	/* RIFF size is the file length minus 8. */
	assert_int_equal(h[4] | h[5] << 8 | h[6] << 16 | (uint32_t)h[7] << 24, 176400 + 36);

	/* Unknown (streamed) sizes: the maximum, read back as "to EOF". */
	bts_wav_header(h, 16000, 1, BTS_WAV_SIZE_UNKNOWN);
	assert_int_equal(bts_wav_parse(h, sizeof(h), &info), 0);
	assert_false(info.size_known);
	assert_int_equal(info.channels, 1);
	bts_wav_header(h, 16000, 1, 1ull << 33);
	assert_int_equal(bts_wav_parse(h, sizeof(h), &info), 0);
	assert_false(info.size_known);
}

static void test_every_truncation(void **st)
{
	uint8_t h[BTS_WAV_CANON_LEN];
	struct bts_wav_info info;

	(void)st;
	bts_wav_header(h, 48000, 2, 1000);
	/* Any prefix is "read more", never success or a crash. */
	for (size_t n = 0; n < sizeof(h); n++)
		assert_int_equal(bts_wav_parse(h, n, &info), -EAGAIN);
}

/* RIFF, a LIST chunk of odd length (padded), an extensible fmt, data. */
static void test_extra_chunks_and_extensible(void **st)
{
	uint8_t b[200];
	size_t p = 0;
	struct bts_wav_info info;

	(void)st;
	memset(b, 0, sizeof(b));
	memcpy(b, "RIFF", 4);
	put32(b + 4, 0);
	memcpy(b + 8, "WAVE", 4);
	p = 12;
	memcpy(b + p, "LIST", 4);
	put32(b + p + 4, 5);
	p += 8 + 5 + 1;
	memcpy(b + p, "fmt ", 4);
	put32(b + p + 4, 40);
	b[p + 8] = 0xFE; b[p + 9] = 0xFF;          /* extensible */
	b[p + 10] = 2;                              /* channels */
	put32(b + p + 12, 32000);
	put32(b + p + 16, 128000);
	b[p + 20] = 4;                              /* block align */
	b[p + 22] = 16;                             /* bits */
	b[p + 24] = 22;                             /* cbSize */
	b[p + 32] = 1;                              /* subformat: PCM */
	p += 8 + 40;
	memcpy(b + p, "data", 4);
	put32(b + p + 4, 0);                        /* streamed: 0 */
	p += 8;
	assert_int_equal(bts_wav_parse(b, p, &info), 0);
	assert_int_equal(info.format, 1);
	assert_int_equal(info.rate, 32000);
	assert_int_equal(info.data_offset, p);
	assert_false(info.size_known);
	assert_int_equal(bts_wav_check_pcm16(&info, NULL), 0);
	/* Extensible with a float subformat is refused with a reason. */
	b[12 + 14 + 32] = 3;
	assert_int_equal(bts_wav_parse(b, p, &info), 0);
	{
		const char *why = NULL;

		assert_int_equal(bts_wav_check_pcm16(&info, &why), -BTS_EBADMEDIA);
		assert_non_null(why);
	}
}

static void test_malformed(void **st)
{
	uint8_t h[BTS_WAV_CANON_LEN], b[BTS_WAV_CANON_LEN];
	struct bts_wav_info info;
	const char *why;

	(void)st;
	bts_wav_header(h, 44100, 2, 100);

	memcpy(b, h, sizeof(b));
	memcpy(b, "RIFX", 4);                       /* big-endian RIFF: no */
	assert_int_equal(bts_wav_parse(b, sizeof(b), &info), -BTS_EBADMEDIA);

	memcpy(b, h, sizeof(b));
	memcpy(b + 8, "AVI ", 4);
	assert_int_equal(bts_wav_parse(b, sizeof(b), &info), -BTS_EBADMEDIA);

	memcpy(b, h, sizeof(b));
	put32(b + 16, 8);                           /* fmt too short */
	memcpy(b + 28, "data", 4);
	put32(b + 32, 0);
	assert_int_equal(bts_wav_parse(b, 36, &info), -BTS_EBADMEDIA);

	memcpy(b, h, sizeof(b));
	memcpy(b + 12, "junk", 4);                  /* data before any fmt */
	put32(b + 16, 16);
	assert_int_equal(bts_wav_parse(b, sizeof(b), &info), -BTS_EBADMEDIA);

	memcpy(b, h, sizeof(b));
	put32(b + 16, 0x7FFFFFF0);                  /* absurd chunk size */
	assert_int_equal(bts_wav_parse(b, sizeof(b), &info), -BTS_EBADMEDIA);

	/* Formats parsed but refused, each with a reason. */
	memcpy(b, h, sizeof(b));
	b[34] = 8;                                  /* 8-bit */
	assert_int_equal(bts_wav_parse(b, sizeof(b), &info), 0);
	assert_int_equal(bts_wav_check_pcm16(&info, &why), -BTS_EBADMEDIA);
	assert_non_null(why);
	memcpy(b, h, sizeof(b));
	b[22] = 3;                                  /* 3 channels */
	assert_int_equal(bts_wav_parse(b, sizeof(b), &info), 0);
	assert_int_equal(bts_wav_check_pcm16(&info, &why), -BTS_EBADMEDIA);
	memcpy(b, h, sizeof(b));
	b[20] = 3;                                  /* IEEE float */
	assert_int_equal(bts_wav_parse(b, sizeof(b), &info), 0);
	assert_int_equal(bts_wav_check_pcm16(&info, &why), -BTS_EBADMEDIA);
}

/* Random bytes after a valid RIFF/WAVE start: any answer but a crash or
 * an over-read (run under ASan in CI). */
static void test_garbage(void **st)
{
	struct bts_wav_info info;
	uint32_t x = 12345;

	(void)st;
	for (int round = 0; round < 2000; round++) {
		size_t n = 12 + (size_t)(x % 120);
		uint8_t *b = malloc(n);

		assert_non_null(b);
		memcpy(b, "RIFF\0\0\0\0WAVE", 12);
		for (size_t i = 12; i < n; i++) {
			x = x * 1103515245u + 12345u;
			b[i] = (uint8_t)(x >> 16);
			if (i % 8 == 4 && (x & 1))
				memcpy(b + i - 4, x & 2 ? "fmt " : "data", 4);
		}
		int r = bts_wav_parse(b, n, &info);

		assert_true(r == 0 || r == -EAGAIN || r == -BTS_EBADMEDIA);
		if (r == 0)
			assert_true(info.data_offset <= n);
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_extra_chunks_and_extensible),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
