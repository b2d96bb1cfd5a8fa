// SPDX-License-Identifier: GPL-2.0-or-later
/* A2DP media packets: RTP header round trip and malformed headers, the
 * sequence number across its wrap, and packetize/depacketize round trips
 * of real SBC frames for every MTU from the smallest that carries one
 * frame up to past 15 frames; packets that lie are caught. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "btsync/error.h"
#include "btsync/rtp.h"
#include "btsync/sbc_codec.h"

static void test_rtp_header(void **st)
{
	struct bts_rtp_header h = {
		.version = 2, .marker = true, .payload_type = 96, .seq = 0xBEEF,
		.timestamp = 0x01020304, .ssrc = 0xCAFEF00D,
	}, g;
	uint8_t b[BTS_RTP_HEADER_LEN + 4];
	size_t off, len;

	(void)st;
	bts_rtp_write(&h, b);
	/* Wire layout (RFC 3550 5.1), byte by byte. */
	assert_int_equal(b[0], 0x80);
	assert_int_equal(b[1], 0x80 | 96);
	assert_int_equal(b[2], 0xBE);
	assert_int_equal(b[3], 0xEF);
	assert_int_equal(b[4], 0x01);
	assert_int_equal(b[7], 0x04);
	assert_int_equal(b[8], 0xCA);
	assert_int_equal(b[11], 0x0D);
	memset(b + 12, 0xAA, 4);
	assert_int_equal(bts_rtp_parse(b, sizeof(b), &g, &off, &len), 0);
	assert_int_equal(g.version, 2);
	assert_true(g.marker);
	assert_int_equal(g.payload_type, 96);
	assert_int_equal(g.seq, 0xBEEF);
	assert_int_equal(g.timestamp, 0x01020304);
	assert_int_equal(g.ssrc, 0xCAFEF00D);
	assert_int_equal(off, 12);
	assert_int_equal(len, 4);
}

static void test_rtp_malformed(void **st)
{
	struct bts_rtp_header h = { .version = 2, .payload_type = 96 }, g;
	uint8_t b[64];
	size_t off, len;

	(void)st;
	bts_rtp_write(&h, b);
	for (size_t n = 0; n < BTS_RTP_HEADER_LEN; n++)
		assert_int_equal(bts_rtp_parse(b, n, &g, &off, &len), -BTS_EBADMEDIA);
	for (int v = 0; v < 4; v++) {
		b[0] = (uint8_t)(v << 6);
		assert_int_equal(bts_rtp_parse(b, 20, &g, &off, &len) == 0, v == 2);
	}
	b[0] = 0x80 | 3;                  /* 3 CSRCs: 24 bytes of header */
	assert_int_equal(bts_rtp_parse(b, 23, &g, &off, &len), -BTS_EBADMEDIA);
	assert_int_equal(bts_rtp_parse(b, 30, &g, &off, &len), 0);
	assert_int_equal(off, 24);
	b[0] = 0x90;                      /* extension of 2 words */
	b[12] = 0; b[13] = 0; b[14] = 0; b[15] = 2;
	assert_int_equal(bts_rtp_parse(b, 23, &g, &off, &len), -BTS_EBADMEDIA);
	assert_int_equal(bts_rtp_parse(b, 25, &g, &off, &len), 0);
	assert_int_equal(off, 24);
	assert_int_equal(len, 1);
	b[0] = 0xA0;                      /* padding: the last byte counts it */
	b[19] = 4;
	assert_int_equal(bts_rtp_parse(b, 20, &g, &off, &len), 0);
	assert_int_equal(len, 4);
	b[19] = 9;                        /* more padding than payload */
	assert_int_equal(bts_rtp_parse(b, 20, &g, &off, &len), -BTS_EBADMEDIA);
	b[19] = 0;
	assert_int_equal(bts_rtp_parse(b, 20, &g, &off, &len), -BTS_EBADMEDIA);
}

static void test_seq_wrap(void **st)
{
	struct bts_packetizer p;
	uint8_t frame[BTS_SBC_FRAME_MAX], pkt[1024];
	struct bts_media_packet m;

	(void)st;
	assert_int_equal(bts_rtp_seq_diff(65535, 0), 1);
	assert_int_equal(bts_rtp_seq_diff(0, 65535), -1);
	assert_int_equal(bts_rtp_seq_diff(65530, 4), 10);
	assert_int_equal(bts_rtp_seq_diff(100, 100), 0);

	/* A minimal valid frame: mono, 4 blocks, 4 subbands, bitpool 2. */
	memset(frame, 0, sizeof(frame));
	frame[0] = BTS_SBC_SYNCWORD;
	frame[1] = 0x80 | 0x00 | 0x00 | 0x00 | 0x00; /* 44.1k, 4 blk, mono, loudness, 4 sb */
	frame[2] = 2;
	bts_packetizer_init(&p, 65534, 0xFFFFFFF0u, 7);
	for (int i = 0; i < 4; i++) {
		ssize_t n = bts_media_build(&p, frame, 1, 4 + 2 + 1, 16, pkt, sizeof(pkt));

		assert_true(n > 0);
		assert_int_equal(bts_media_parse(pkt, (size_t)n, &m), 0);
		assert_int_equal(m.rtp.seq, (uint16_t)(65534 + i));
		/* The timestamp wraps too, modulo 2^32. */
		assert_int_equal(m.rtp.timestamp, (uint32_t)(0xFFFFFFF0u + 16u * (unsigned)i));
		assert_false(m.mismatch);
	}
	assert_int_equal(p.seq, 2);
}

/* Encode n frames of a tone with cfg into frames[]. */
static size_t make_frames(const struct bts_sbc_config *cfg, uint8_t *frames, unsigned n)
{
	struct bts_sbc e;
	size_t fl = bts_sbc_frame_len(cfg), cs = bts_sbc_codesize(cfg);
	int16_t *pcm = malloc(cs);

	assert_non_null(pcm);
	assert_int_equal(bts_sbc_encoder_init(&e, cfg), 0);
	for (unsigned i = 0; i < n; i++) {
		for (size_t k = 0; k < cs / 2; k++)
			pcm[k] = (int16_t)((k * 37 + i * 101) % 2000 - 1000);
		assert_int_equal(bts_sbc_encode(&e, pcm, frames + i * fl, fl), (ssize_t)fl);
	}
	bts_sbc_finish(&e);
	free(pcm);
	return fl;
}

static void test_every_mtu(void **st)
{
	static const struct bts_sbc_config cfgs[] = {
		{ 44100, BTS_SBC_JOINT, 16, 8, BTS_SBC_LOUDNESS, 53 },  /* 119 bytes */
		{ 48000, BTS_SBC_MONO, 8, 4, BTS_SBC_SNR, 10 },         /* small */
		{ 16000, BTS_SBC_DUAL, 12, 8, BTS_SBC_LOUDNESS, 128 },
		{ 32000, BTS_SBC_STEREO, 4, 4, BTS_SBC_SNR, 128 },
	};
	(void)st;
	for (size_t c = 0; c < sizeof(cfgs) / sizeof(cfgs[0]); c++) {
		size_t fl = bts_sbc_frame_len(&cfgs[c]);
		unsigned total = 40;
		uint8_t *frames = malloc(fl * total), *pkt = malloc(BTS_MEDIA_OVERHEAD + 16 * fl + 64);
		size_t minmtu = BTS_MEDIA_OVERHEAD + fl;

		assert_non_null(frames);
		assert_non_null(pkt);
		assert_int_equal(make_frames(&cfgs[c], frames, total), fl);
		assert_int_equal(bts_media_frames_fit(minmtu - 1, fl), 0);
		for (size_t mtu = minmtu; mtu <= BTS_MEDIA_OVERHEAD + 16 * fl + 3; mtu++) {
			struct bts_packetizer p;
			unsigned per = bts_media_frames_fit(mtu, fl), done = 0, expect_seq = 100;
			uint32_t expect_ts = 5000;

			assert_true(per >= 1 && per <= 15);
			assert_true(BTS_MEDIA_OVERHEAD + per * fl <= mtu);
			if (per < 15)
				assert_true(BTS_MEDIA_OVERHEAD + (per + 1) * fl > mtu);
			bts_packetizer_init(&p, 100, 5000, 0x1234);
			while (done < total) {
				unsigned n = total - done < per ? total - done : per;
				ssize_t len = bts_media_build(&p, frames + done * fl, n, fl,
							      bts_sbc_frame_samples(&cfgs[c]), pkt, mtu);
				struct bts_media_packet m;

				assert_true(len > 0 && (size_t)len <= mtu);
				assert_int_equal(bts_media_parse(pkt, (size_t)len, &m), 0);
				assert_false(m.mismatch);
				assert_int_equal(m.rtp.payload_type, 96);
				assert_int_equal(m.rtp.ssrc, 0x1234);
				assert_int_equal(m.rtp.seq, expect_seq);
				assert_int_equal(m.rtp.timestamp, expect_ts);
				assert_int_equal(m.declared, n);
				assert_int_equal(m.nframes, n);
				assert_int_equal(m.frames_len, n * fl);
				assert_memory_equal(m.frames, frames + done * fl, n * fl);
				expect_seq++;
				expect_ts += n * bts_sbc_frame_samples(&cfgs[c]);
				done += n;
			}
		}
		free(frames);
		free(pkt);
	}
}

static void test_media_malformed(void **st)
{
	struct bts_sbc_config cfg;
	struct bts_packetizer p;
	struct bts_media_packet m;
	uint8_t frames[4 * 119], pkt[1024], bad[1024];
	ssize_t len;

	(void)st;
	bts_sbc_config_default(&cfg);
	assert_int_equal(make_frames(&cfg, frames, 4), 119);
	bts_packetizer_init(&p, 1, 0, 9);
	len = bts_media_build(&p, frames, 4, 119, 128, pkt, sizeof(pkt));
	assert_int_equal(len, 13 + 4 * 119);

	/* A frame count that claims more than is there: the 4 real frames
	 * survive, the lie is flagged. */
	memcpy(bad, pkt, (size_t)len);
	bad[12] = 6;
	assert_int_equal(bts_media_parse(bad, (size_t)len, &m), 0);
	assert_true(m.mismatch);
	assert_int_equal(m.nframes, 4);
	/* Claims fewer: 2 used, the rest is junk after them. */
	bad[12] = 2;
	assert_int_equal(bts_media_parse(bad, (size_t)len, &m), 0);
	assert_true(m.mismatch);
	assert_int_equal(m.nframes, 2);
	/* Truncated: the last frame is cut short. */
	bad[12] = 4;
	assert_int_equal(bts_media_parse(bad, (size_t)len - 10, &m), 0);
	assert_true(m.mismatch);
	assert_int_equal(m.nframes, 3);
	/* Count 0, fragmented, no payload header, wrong version, garbage. */
	bad[12] = 0;
	assert_int_equal(bts_media_parse(bad, (size_t)len, &m), -BTS_EBADMEDIA);
	bad[12] = 0x80 | 0x40 | 1;
	assert_int_equal(bts_media_parse(bad, (size_t)len, &m), -BTS_EBADMEDIA);
	assert_int_equal(bts_media_parse(pkt, 12, &m), -BTS_EBADMEDIA);
	memcpy(bad, pkt, (size_t)len);
	bad[0] = 0x40;
	assert_int_equal(bts_media_parse(bad, (size_t)len, &m), -BTS_EBADMEDIA);
	memcpy(bad, pkt, (size_t)len);
	bad[13] = 0x9D;                   /* first frame's syncword */
	assert_int_equal(bts_media_parse(bad, (size_t)len, &m), -BTS_EBADMEDIA);
	memcpy(bad, pkt, (size_t)len);
	bad[15] = 255;                    /* bitpool over the mode's limit */
	assert_int_equal(bts_media_parse(bad, (size_t)len, &m), -BTS_EBADMEDIA);

	/* Random packets: any verdict, never a crash or an over-read. */
	{
		uint32_t x = 99;

		for (int r = 0; r < 5000; r++) {
			size_t n = (size_t)(x % 200);

			for (size_t i = 0; i < n; i++) {
				x = x * 1103515245u + 12345u;
				bad[i] = (uint8_t)(x >> 16);
			}
			if (n > 13) {
				bad[0] = 0x80;
				bad[13] = BTS_SBC_SYNCWORD;
			}
			int v = bts_media_parse(bad, n, &m);

			assert_true(v == 0 || v == -BTS_EBADMEDIA);
			if (v == 0)
				assert_true(m.frames_len <= n && m.nframes <= 15);
			x = x * 1103515245u + 12345u;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtp_header),
		cmocka_unit_test(test_rtp_malformed),
		cmocka_unit_test(test_seq_wrap),
		cmocka_unit_test(test_every_mtu),
		cmocka_unit_test(test_media_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
