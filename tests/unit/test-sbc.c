// SPDX-License-Identifier: GPL-2.0-or-later
/* SBC settings and codec: every legal combination accepted and each
 * broken rule refused with a reason; frame lengths agree with libsbc;
 * a sine and a multi-tone survive encode -> decode with a measured SNR;
 * the decoder refuses corrupt frames and frames of another stream. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "btsync/error.h"
#include "btsync/sbc_codec.h"

static void test_settings(void **st)
{
	static const uint32_t rates[] = { 16000, 32000, 44100, 48000 };
	static const uint8_t blocks[] = { 4, 8, 12, 16 };
	struct bts_sbc_config c;
	const char *why;
	unsigned accepted = 0;

	(void)st;
	bts_sbc_config_default(&c);
	assert_int_equal(c.rate, 44100);
	assert_int_equal(c.mode, BTS_SBC_JOINT);
	assert_int_equal(c.blocks, 16);
	assert_int_equal(c.subbands, 8);
	assert_int_equal(c.allocation, BTS_SBC_LOUDNESS);
	assert_int_equal(c.bitpool, 53);
	assert_int_equal(bts_sbc_config_check(&c, &why), 0);
	/* The A2DP high-quality figures: 119-byte frames, 328 kb/s. */
	assert_int_equal(bts_sbc_frame_len(&c), 119);
	assert_int_equal(bts_sbc_bitrate(&c) / 1000, 327);
	assert_false(bts_sbc_above_a2dp_rate(&c));

	for (int r = 0; r < 4; r++)
		for (int m = 0; m < 4; m++)
			for (int b = 0; b < 4; b++)
				for (int sb = 4; sb <= 8; sb += 4)
					for (int a = 0; a < 2; a++) {
						unsigned max = (m < 2 ? 16u : 32u) * (unsigned)sb;
						sbc_t ref;

						if (max > 250)
							max = 250;
						c = (struct bts_sbc_config){ rates[r], (enum bts_sbc_mode)m,
							blocks[b], (uint8_t)sb, (enum bts_sbc_alloc)a, 2 };
						assert_int_equal(bts_sbc_bitpool_max(c.mode, c.subbands), max);
						for (unsigned bp = 2; bp <= max; bp += 7) {
							c.bitpool = (uint8_t)bp;
							assert_int_equal(bts_sbc_config_check(&c, NULL), 0);
							accepted++;
						}
						c.bitpool = (uint8_t)max;
						assert_int_equal(bts_sbc_config_check(&c, NULL), 0);
						/* Frame length agrees with libsbc's own. */
						assert_int_equal(sbc_init(&ref, 0), 0);
						ref.frequency = (uint8_t)r;
						ref.mode = (uint8_t)m;
						ref.blocks = (uint8_t)b;
						ref.subbands = sb == 8 ? SBC_SB_8 : SBC_SB_4;
						ref.allocation = (uint8_t)(a ? SBC_AM_SNR : SBC_AM_LOUDNESS);
						ref.bitpool = (uint8_t)max;
						assert_int_equal(bts_sbc_frame_len(&c), sbc_get_frame_length(&ref));
						assert_int_equal(bts_sbc_codesize(&c), sbc_get_codesize(&ref));
						sbc_finish(&ref);
						if (max < 250) {
							c.bitpool = (uint8_t)(max + 1);
							why = NULL;
							assert_int_equal(bts_sbc_config_check(&c, &why), -BTS_EBADARG);
							assert_non_null(why);
						}
					}
	assert_true(accepted > 1000);

	bts_sbc_config_default(&c);
	c.rate = 22050;
	assert_int_equal(bts_sbc_config_check(&c, &why), -BTS_EBADARG);
	assert_non_null(strstr(why, "44100"));
	bts_sbc_config_default(&c);
	c.blocks = 10;
	assert_int_equal(bts_sbc_config_check(&c, &why), -BTS_EBADARG);
	bts_sbc_config_default(&c);
	c.subbands = 6;
	assert_int_equal(bts_sbc_config_check(&c, &why), -BTS_EBADARG);
	bts_sbc_config_default(&c);
	c.bitpool = 1;
	assert_int_equal(bts_sbc_config_check(&c, &why), -BTS_EBADARG);
	/* Joint stereo with 8 subbands: 256 by the syntax, 250 by A2DP. */
	c.bitpool = 250;
	assert_int_equal(bts_sbc_config_check(&c, NULL), 0);
	assert_true(bts_sbc_above_a2dp_rate(&c));
	c.bitpool = 251;
	assert_int_equal(bts_sbc_config_check(&c, NULL), -BTS_EBADARG);

	{
		enum bts_sbc_mode m;
		enum bts_sbc_alloc a;

		assert_int_equal(bts_sbc_mode_parse("joint", &m), 0);
		assert_int_equal(m, BTS_SBC_JOINT);
		assert_int_equal(bts_sbc_mode_parse("Joint", &m), -BTS_EBADARG);
		assert_int_equal(bts_sbc_alloc_parse("snr", &a), 0);
		assert_int_equal(a, BTS_SBC_SNR);
		assert_int_equal(bts_sbc_alloc_parse("", &a), -BTS_EBADARG);
	}
}

/* Encode, decode, align by the lag with the least error, return SNR dB.
 * freqs: tones summed (equal amplitude), channel 2 phase-shifted. */
static double round_trip_snr(const struct bts_sbc_config *cfg, const double *freqs, int nf,
			     double seconds, unsigned *lag_out)
{
	struct bts_sbc e, d;
	unsigned ch = bts_sbc_channels(cfg), spf = bts_sbc_frame_samples(cfg);
	size_t nframes = (size_t)(seconds * cfg->rate) / spf, n = nframes * spf;
	int16_t *in = calloc(n * ch, 2), *out = calloc(n * ch, 2);
	uint8_t frame[BTS_SBC_FRAME_MAX];
	double best = -1, best_err = 0, sig = 0;
	unsigned best_lag = 0;

	assert_non_null(in);
	assert_non_null(out);
	for (size_t i = 0; i < n; i++)
		for (unsigned c = 0; c < ch; c++) {
			double v = 0;

			for (int k = 0; k < nf; k++)
				v += sin(2 * M_PI * freqs[k] * (double)i / cfg->rate + c * 0.7 + k);
			in[i * ch + c] = (int16_t)lrint(v / nf * 0.5 * 32767);
		}
	assert_int_equal(bts_sbc_encoder_init(&e, cfg), 0);
	assert_int_equal(bts_sbc_decoder_init(&d), 0);
	for (size_t f = 0; f < nframes; f++) {
		ssize_t fl = bts_sbc_encode(&e, in + f * spf * ch, frame, sizeof(frame));
		uint8_t pcm[BTS_SBC_FRAME_SAMPLES_MAX * 4];

		assert_int_equal(fl, (ssize_t)bts_sbc_frame_len(cfg));
		assert_int_equal(bts_sbc_decode(&d, frame, (size_t)fl, pcm, sizeof(pcm)),
				 (ssize_t)(spf * ch * 2));
		/* s16le on the wire whatever the host. */
		for (size_t k = 0; k < spf * ch; k++)
			out[f * spf * ch + k] = (int16_t)(pcm[2 * k] | pcm[2 * k + 1] << 8);
	}
	assert_true(bts_sbc_same_stream(&d.cfg, cfg));
	bts_sbc_finish(&e);
	bts_sbc_finish(&d);
	/* The filter banks delay the signal; find the lag (up to 2 frames). */
	for (unsigned lag = 0; lag < 2 * spf; lag++) {
		double err = 0, s = 0;

		for (size_t i = 2 * spf; i + lag < n; i++)
			for (unsigned c = 0; c < ch; c++) {
				double a = in[i * ch + c], b = out[(i + lag) * ch + c];

				err += (a - b) * (a - b);
				s += a * a;
			}
		if (best < 0 || err < best_err) {
			best = 1;
			best_err = err;
			best_lag = lag;
			sig = s;
		}
	}
	free(in);
	free(out);
	if (lag_out)
		*lag_out = best_lag;
	return 10 * log10(sig / (best_err > 0 ? best_err : 1e-9));
}

static void test_snr(void **st)
{
	struct bts_sbc_config c;
	static const double sine[] = { 1000 };
	static const double multi[] = { 440, 1000, 3150, 7000 };
	unsigned lag;
	double snr;

	(void)st;
	bts_sbc_config_default(&c);
	snr = round_trip_snr(&c, sine, 1, 1.0, &lag);
	printf("# 1 kHz sine, 44.1 kHz joint bitpool 53: SNR %.1f dB, delay %u samples\n", snr, lag);
	assert_true(snr > 55.0); /* measured 66.6 dB */
	snr = round_trip_snr(&c, multi, 4, 1.0, &lag);
	printf("# multi-tone, 44.1 kHz joint bitpool 53: SNR %.1f dB, delay %u samples\n", snr, lag);
	assert_true(snr > 38.0); /* measured 45.2 dB */
	assert_int_equal(lag, 73); /* 8 subbands: analysis + synthesis delay */
	/* More bits, more SNR: the bitpool is really used. */
	{
		double lo, hi;

		c.bitpool = 20;
		lo = round_trip_snr(&c, multi, 4, 0.5, NULL);
		c.bitpool = 100;
		hi = round_trip_snr(&c, multi, 4, 0.5, NULL);
		printf("# multi-tone: bitpool 20 %.1f dB, bitpool 100 %.1f dB\n", lo, hi);
		assert_true(hi > lo + 6);
	}
	/* Mono, 4 subbands, SNR allocation, 16 kHz. */
	c = (struct bts_sbc_config){ 16000, BTS_SBC_MONO, 8, 4, BTS_SBC_SNR, 32 };
	snr = round_trip_snr(&c, sine, 1, 1.0, &lag);
	printf("# 1 kHz sine, 16 kHz mono 4 subbands bitpool 32: SNR %.1f dB, delay %u\n", snr, lag);
	assert_true(snr > 50.0); /* measured 59.8 dB */
}

static void test_decoder_refuses(void **st)
{
	struct bts_sbc_config c, other;
	struct bts_sbc e, d;
	uint8_t pcm[BTS_SBC_FRAME_SAMPLES_MAX * 4], frame[BTS_SBC_FRAME_MAX], f2[BTS_SBC_FRAME_MAX];
	int16_t in[128 * 2];

	(void)st;
	bts_sbc_config_default(&c);
	for (int i = 0; i < 256; i++)
		in[i] = (int16_t)(i * 100);
	assert_int_equal(bts_sbc_encoder_init(&e, &c), 0);
	assert_int_equal(bts_sbc_encode(&e, in, frame, sizeof(frame)), 119);
	bts_sbc_finish(&e);
	other = c;
	other.mode = BTS_SBC_MONO;
	assert_int_equal(bts_sbc_encoder_init(&e, &other), 0);
	assert_true(bts_sbc_encode(&e, in, f2, sizeof(f2)) > 0);
	bts_sbc_finish(&e);

	assert_int_equal(bts_sbc_decoder_init(&d), 0);
	/* Garbage first: refused, and the decoder still takes the real
	 * stream's settings from the first good frame afterwards. */
	{
		uint8_t junk[119];

		memset(junk, 0x5A, sizeof(junk));
		junk[0] = BTS_SBC_SYNCWORD;
		junk[1] = frame[1];
		junk[2] = frame[2];
		assert_int_equal(bts_sbc_decode(&d, junk, sizeof(junk), pcm, sizeof(pcm)),
				 -BTS_EBADMEDIA);
	}
	assert_int_equal(bts_sbc_decode(&d, frame, 119, pcm, sizeof(pcm)), 512);
	/* Truncated. */
	assert_int_equal(bts_sbc_decode(&d, frame, 100, pcm, sizeof(pcm)), -BTS_EBADMEDIA);
	/* Another stream's shape (mono) after joint stereo. */
	assert_int_equal(bts_sbc_decode(&d, f2, bts_sbc_frame_len(&other), pcm, sizeof(pcm)),
			 -BTS_EBADMEDIA);
	/* A flipped bit in the scale factors fails the CRC. */
	frame[5] ^= 0x10;
	assert_int_equal(bts_sbc_decode(&d, frame, 119, pcm, sizeof(pcm)), -BTS_EBADMEDIA);
	frame[5] ^= 0x10;
	assert_int_equal(bts_sbc_decode(&d, frame, 119, pcm, sizeof(pcm)), 512);
	bts_sbc_finish(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_snr),
		cmocka_unit_test(test_decoder_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
