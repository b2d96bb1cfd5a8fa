// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for A2DP SBC capability parsing and configuration selection:
 * what btsync answers when a real sink describes itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "btsync/a2dp.h"
#include "btsync/error.h"

/* What most headphones offer: everything, bitpool 2-53. */
static const uint8_t typical_sink[4] = { 0xff, 0xff, 2, 53 };

static struct bts_a2dp_sbc_caps parse_ok(const uint8_t *b)
{
	struct bts_a2dp_sbc_caps c;

	assert_int_equal(bts_a2dp_sbc_caps_parse(b, 4, &c), 0);
	return c;
}

static void test_parse(void **st)
{
	struct bts_a2dp_sbc_caps c;
	uint8_t out[4];

	(void)st;
	c = parse_ok(typical_sink);
	assert_int_equal(c.rates, 0xf0);
	assert_int_equal(c.modes, 0x0f);
	assert_int_equal(c.blocks, 0xf0);
	assert_int_equal(c.subbands, 0x0c);
	assert_int_equal(c.alloc, 0x03);
	assert_int_equal(c.min_bitpool, 2);
	assert_int_equal(c.max_bitpool, 53);
	bts_a2dp_sbc_caps_build(&c, out);
	assert_memory_equal(out, typical_sink, 4);

	/* Wrong length, empty fields, inverted or out-of-spec bitpools. */
	assert_int_equal(bts_a2dp_sbc_caps_parse(typical_sink, 3, &c), -BTS_EBADMEDIA);
	assert_int_equal(bts_a2dp_sbc_caps_parse(typical_sink, 5, &c), -BTS_EBADMEDIA);
	assert_int_equal(bts_a2dp_sbc_caps_parse(NULL, 4, &c), -BTS_EBADMEDIA);
	assert_int_equal(bts_a2dp_sbc_caps_parse((const uint8_t[]){ 0x0f, 0xff, 2, 53 }, 4, &c),
			 -BTS_EBADMEDIA); /* no rate */
	assert_int_equal(bts_a2dp_sbc_caps_parse((const uint8_t[]){ 0xf0, 0xff, 2, 53 }, 4, &c),
			 -BTS_EBADMEDIA); /* no mode */
	assert_int_equal(bts_a2dp_sbc_caps_parse((const uint8_t[]){ 0xff, 0x0f, 2, 53 }, 4, &c),
			 -BTS_EBADMEDIA); /* no block length */
	assert_int_equal(bts_a2dp_sbc_caps_parse((const uint8_t[]){ 0xff, 0xf3, 2, 53 }, 4, &c),
			 -BTS_EBADMEDIA); /* no subbands */
	assert_int_equal(bts_a2dp_sbc_caps_parse((const uint8_t[]){ 0xff, 0xfc, 2, 53 }, 4, &c),
			 -BTS_EBADMEDIA); /* no allocation */
	assert_int_equal(bts_a2dp_sbc_caps_parse((const uint8_t[]){ 0xff, 0xff, 60, 53 }, 4, &c),
			 -BTS_EBADMEDIA);
	assert_int_equal(bts_a2dp_sbc_caps_parse((const uint8_t[]){ 0xff, 0xff, 2, 251 }, 4, &c),
			 -BTS_EBADMEDIA);
	assert_int_equal(bts_a2dp_sbc_caps_parse((const uint8_t[]){ 0xff, 0xff, 0, 1 }, 4, &c),
			 -BTS_EBADMEDIA);
	/* A minimum of 0 is common in the wild and read as the spec's 2. */
	c = parse_ok((const uint8_t[]){ 0xff, 0xff, 0, 53 });
	assert_int_equal(c.min_bitpool, 2);
}

static void test_default_is_high_quality(void **st)
{
	struct bts_a2dp_sbc_caps ours, theirs = parse_ok(typical_sink);
	struct bts_a2dp_sbc_config cfg;
	const char *why = "unset";
	uint8_t el[4];

	(void)st;
	assert_int_equal(bts_a2dp_sbc_caps_for_input(44100, 2, &ours), 0);
	assert_int_equal(bts_a2dp_sbc_select(&ours, &theirs, NULL, &cfg, &why), 0);
	assert_null(why);
	assert_int_equal(cfg.rate, 44100);
	assert_int_equal(cfg.mode, BTS_A2DP_JOINT);
	assert_int_equal(cfg.blocks, 16);
	assert_int_equal(cfg.subbands, 8);
	assert_int_equal(cfg.alloc, BTS_A2DP_LOUDNESS);
	assert_int_equal(cfg.bitpool, 53);
	assert_int_equal(cfg.min_bitpool, 2);
	/* The element sent back: 44.1 kHz|joint, 16|8|loudness, 2, 53. */
	assert_int_equal(bts_a2dp_sbc_config_build(&cfg, el), 0);
	assert_memory_equal(el, ((const uint8_t[]){ 0x21, 0x15, 2, 53 }), 4);
	assert_int_equal(bts_a2dp_sbc_config_within(&cfg, &theirs, NULL), 0);
}

static void test_bitpool_range_excludes_default(void **st)
{
	struct bts_a2dp_sbc_caps ours, theirs;
	struct bts_a2dp_sbc_config cfg, pref = {
		44100, BTS_A2DP_JOINT, 16, 8, BTS_A2DP_LOUDNESS, 2, 53,
	};

	(void)st;
	bts_a2dp_sbc_caps_for_input(44100, 2, &ours);
	/* A cheap speaker: bitpool 2-35 only. */
	theirs = parse_ok((const uint8_t[]){ 0xff, 0xff, 2, 35 });
	assert_int_equal(bts_a2dp_sbc_select(&ours, &theirs, &pref, &cfg, NULL), 0);
	assert_int_equal(cfg.bitpool, 35);
	assert_int_equal(bts_a2dp_sbc_config_within(&cfg, &theirs, NULL), 0);
	/* A sink that insists on a high bitpool: 60-80. */
	theirs = parse_ok((const uint8_t[]){ 0xff, 0xff, 60, 80 });
	assert_int_equal(bts_a2dp_sbc_select(&ours, &theirs, &pref, &cfg, NULL), 0);
	assert_int_equal(cfg.bitpool, 60);
	assert_int_equal(cfg.min_bitpool, 60);
	assert_int_equal(bts_a2dp_sbc_config_within(&cfg, &theirs, NULL), 0);
	/* A user asking for more than the sink takes gets the sink's max. */
	pref.bitpool = 200;
	theirs = parse_ok(typical_sink);
	assert_int_equal(bts_a2dp_sbc_select(&ours, &theirs, &pref, &cfg, NULL), 0);
	assert_int_equal(cfg.bitpool, 53);
}

static void test_bitpool_frame_limit(void **st)
{
	struct bts_a2dp_sbc_caps ours, theirs;
	struct bts_a2dp_sbc_config cfg, pref = {
		44100, BTS_A2DP_MONO, 16, 4, BTS_A2DP_LOUDNESS, 2, 250,
	};

	(void)st;
	/* Mono with 4 subbands holds at most 64, whatever both sides say. */
	bts_a2dp_sbc_caps_for_input(44100, 1, &ours);
	theirs = parse_ok((const uint8_t[]){ 0xff, 0xf9, 2, 250 }); /* 4 subbands only */
	assert_int_equal(bts_a2dp_sbc_select(&ours, &theirs, &pref, &cfg, NULL), 0);
	assert_int_equal(cfg.subbands, 4);
	assert_int_equal(cfg.bitpool, 64);
	assert_int_equal(bts_a2dp_sbc_bitpool_limit(BTS_A2DP_JOINT, 8), 250);
	assert_int_equal(bts_a2dp_sbc_bitpool_limit(BTS_A2DP_STEREO, 4), 128);
	assert_int_equal(bts_a2dp_sbc_bitpool_limit(BTS_A2DP_DUAL, 8), 128);
	/* A range entirely above the frame limit cannot be met. */
	theirs = parse_ok((const uint8_t[]){ 0xff, 0xf9, 70, 250 });
	const char *why = NULL;
	assert_int_equal(bts_a2dp_sbc_select(&ours, &theirs, &pref, &cfg, &why), -BTS_EREFUSED);
	assert_string_equal(why, "no common bitpool");
}

static void test_mono_only_sink(void **st)
{
	struct bts_a2dp_sbc_caps ours, theirs;
	struct bts_a2dp_sbc_config cfg;
	const char *why = NULL;

	(void)st;
	theirs = parse_ok((const uint8_t[]){ 0xf8, 0xff, 2, 32 });
	/* Mono input: mono, bitpool as high as the sink takes. */
	bts_a2dp_sbc_caps_for_input(44100, 1, &ours);
	assert_int_equal(bts_a2dp_sbc_select(&ours, &theirs, NULL, &cfg, &why), 0);
	assert_int_equal(cfg.mode, BTS_A2DP_MONO);
	assert_int_equal(bts_a2dp_mode_channels(cfg.mode), 1);
	assert_int_equal(cfg.bitpool, 32);
	/* Stereo input and a mono-only sink: nothing in common. */
	bts_a2dp_sbc_caps_for_input(44100, 2, &ours);
	assert_int_equal(bts_a2dp_sbc_select(&ours, &theirs, NULL, &cfg, &why), -BTS_EREFUSED);
	assert_string_equal(why, "no common channel mode");
}

static void test_48k_only_sink(void **st)
{
	struct bts_a2dp_sbc_caps ours, theirs;
	struct bts_a2dp_sbc_config cfg;
	const char *why = NULL;
	char offered[160];

	(void)st;
	theirs = parse_ok((const uint8_t[]){ 0x1f, 0xff, 2, 51 });
	/* Any rate acceptable (the caller can produce any): 48000 chosen. */
	bts_a2dp_sbc_caps_for_input(0, 2, &ours);
	assert_int_equal(bts_a2dp_sbc_select(&ours, &theirs, NULL, &cfg, &why), 0);
	assert_int_equal(cfg.rate, 48000);
	assert_int_equal(cfg.bitpool, 51);
	/* A 44.1 kHz file cannot go to it (no resampling): the error names
	 * the field and the offer can be listed. */
	bts_a2dp_sbc_caps_for_input(44100, 2, &ours);
	assert_int_equal(bts_a2dp_sbc_select(&ours, &theirs, NULL, &cfg, &why), -BTS_EREFUSED);
	assert_string_equal(why, "no common sampling rate");
	bts_a2dp_sbc_caps_str(&theirs, offered, sizeof(offered));
	assert_string_equal(offered, "48000 Hz, mono,dual-channel,stereo,joint-stereo, "
			    "blocks 4,8,12,16, subbands 4,8, loudness,snr, bitpool 2-51");
	/* A 48 kHz file goes. */
	bts_a2dp_sbc_caps_for_input(48000, 2, &ours);
	assert_int_equal(bts_a2dp_sbc_select(&ours, &theirs, NULL, &cfg, &why), 0);
	assert_int_equal(cfg.rate, 48000);
}

static void test_nothing_compatible(void **st)
{
	struct bts_a2dp_sbc_caps ours, theirs;
	struct bts_a2dp_sbc_config cfg;
	const char *why = NULL;
	char offered[160];

	(void)st;
	bts_a2dp_sbc_caps_for_input(44100, 2, &ours);
	ours.blocks = BTS_A2DP_BLOCKS_16;
	theirs = parse_ok((const uint8_t[]){ 0x21, 0x8f, 2, 53 }); /* 4 blocks only */
	assert_int_equal(bts_a2dp_sbc_select(&ours, &theirs, NULL, &cfg, &why), -BTS_EREFUSED);
	assert_string_equal(why, "no common block length");
	bts_a2dp_sbc_caps_str(&theirs, offered, sizeof(offered));
	assert_string_equal(offered, "44100 Hz, joint-stereo, blocks 4, subbands 4,8, "
			    "loudness,snr, bitpool 2-53");

	ours.alloc = BTS_A2DP_ALLOC_SNR;
	theirs = parse_ok((const uint8_t[]){ 0x2f, 0xfd, 2, 53 }); /* loudness only */
	assert_int_equal(bts_a2dp_sbc_select(&ours, &theirs, NULL, &cfg, &why), -BTS_EREFUSED);
	assert_string_equal(why, "no common allocation method");
}

static void test_preferences_win_when_offered(void **st)
{
	struct bts_a2dp_sbc_caps ours, theirs = parse_ok(typical_sink);
	struct bts_a2dp_sbc_config cfg, pref = {
		32000, BTS_A2DP_STEREO, 8, 4, BTS_A2DP_SNR, 2, 30,
	};
	char s[128];

	(void)st;
	bts_a2dp_sbc_caps_all(&ours);
	assert_int_equal(bts_a2dp_sbc_select(&ours, &theirs, &pref, &cfg, NULL), 0);
	assert_int_equal(cfg.rate, 32000);
	assert_int_equal(cfg.mode, BTS_A2DP_STEREO);
	assert_int_equal(cfg.blocks, 8);
	assert_int_equal(cfg.subbands, 4);
	assert_int_equal(cfg.alloc, BTS_A2DP_SNR);
	assert_int_equal(cfg.bitpool, 30);
	bts_a2dp_sbc_config_str(&cfg, s, sizeof(s));
	assert_string_equal(s, "32000 Hz stereo, 8 blocks, 4 subbands, snr, bitpool 30");
}

static void test_config_parse(void **st)
{
	struct bts_a2dp_sbc_config cfg;
	struct bts_a2dp_sbc_caps ours;
	const char *why;
	uint8_t el[4];

	(void)st;
	assert_int_equal(bts_a2dp_sbc_config_parse((const uint8_t[]){ 0x11, 0x15, 2, 51 }, 4, &cfg), 0);
	assert_int_equal(cfg.rate, 48000);
	assert_int_equal(cfg.mode, BTS_A2DP_JOINT);
	assert_int_equal(cfg.blocks, 16);
	assert_int_equal(cfg.subbands, 8);
	assert_int_equal(cfg.alloc, BTS_A2DP_LOUDNESS);
	assert_int_equal(cfg.bitpool, 51);
	assert_int_equal(bts_a2dp_sbc_config_build(&cfg, el), 0);
	assert_memory_equal(el, ((const uint8_t[]){ 0x11, 0x15, 2, 51 }), 4);
	/* Two bits in one field is a capability, not a configuration. */
	assert_int_equal(bts_a2dp_sbc_config_parse((const uint8_t[]){ 0x31, 0x15, 2, 51 }, 4, &cfg),
			 -BTS_EBADMEDIA);
	assert_int_equal(bts_a2dp_sbc_config_parse((const uint8_t[]){ 0x21, 0x17, 2, 51 }, 4, &cfg),
			 -BTS_EBADMEDIA);
	/* Mono, 4 subbands, bitpool 100: beyond what a frame can carry. */
	assert_int_equal(bts_a2dp_sbc_config_parse((const uint8_t[]){ 0x28, 0x19, 2, 100 }, 4, &cfg),
			 -BTS_EBADMEDIA);
	/* A remote source configuring our mono-only sink with stereo. */
	bts_a2dp_sbc_caps_for_input(0, 1, &ours);
	assert_int_equal(bts_a2dp_sbc_config_parse((const uint8_t[]){ 0x21, 0x15, 2, 53 }, 4, &cfg), 0);
	assert_int_equal(bts_a2dp_sbc_config_within(&cfg, &ours, &why), -BTS_EREFUSED);
	assert_string_equal(why, "channel mode not offered");
	/* Building refuses values A2DP has no bit for. */
	cfg.rate = 22050;
	assert_int_equal(bts_a2dp_sbc_config_build(&cfg, el), -BTS_EBADARG);
	assert_int_equal(bts_a2dp_sbc_caps_for_input(22050, 2, &ours), -BTS_EBADARG);
	assert_int_equal(bts_a2dp_sbc_caps_for_input(44100, 3, &ours), -BTS_EBADARG);
}

/* Every possible element either parses into something selectable and
 * buildable, or is refused: never a crash, never an invalid result. */
static void test_exhaustive_fields(void **st)
{
	struct bts_a2dp_sbc_caps ours, theirs;
	struct bts_a2dp_sbc_config cfg;
	uint8_t el[4], back[4];

	(void)st;
	bts_a2dp_sbc_caps_all(&ours);
	for (unsigned b0 = 0; b0 < 256; b0++) {
		for (unsigned b1 = 0; b1 < 256; b1++) {
			el[0] = (uint8_t)b0;
			el[1] = (uint8_t)b1;
			el[2] = (uint8_t)(b0 ^ b1);
			el[3] = (uint8_t)(b0 + b1);
			if (bts_a2dp_sbc_caps_parse(el, 4, &theirs) < 0)
				continue;
			if (bts_a2dp_sbc_select(&ours, &theirs, NULL, &cfg, NULL) < 0)
				continue;
			assert_int_equal(bts_a2dp_sbc_config_within(&cfg, &theirs, NULL), 0);
			assert_int_equal(bts_a2dp_sbc_config_build(&cfg, back), 0);
			assert_int_equal(bts_a2dp_sbc_config_parse(back, 4, &cfg), 0);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_default_is_high_quality),
		cmocka_unit_test(test_bitpool_range_excludes_default),
		cmocka_unit_test(test_bitpool_frame_limit),
		cmocka_unit_test(test_mono_only_sink),
		cmocka_unit_test(test_48k_only_sink),
		cmocka_unit_test(test_nothing_compatible),
		cmocka_unit_test(test_preferences_win_when_offered),
		cmocka_unit_test(test_config_parse),
		cmocka_unit_test(test_exhaustive_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
