// SPDX-License-Identifier: GPL-2.0-or-later
/* The stream loop without a radio: PCM through the source into packets,
 * packets into the sink, PCM out. Lost, reordered, late, duplicated and
 * malformed packets are counted and timing holds (gaps become silence of
 * the right length); a WAV read from a pipe; the pacer's deadlines do not
 * drift. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "btsync/error.h"
#include "btsync/stream.h"
#include "btsync/util.h"

#define MAXPKT 1024
#define MAXPKTS 512

struct capture {
	uint8_t *pcm;
	size_t len, cap;
	int formats;
	struct bts_sbc_config cfg;
	size_t sbc_bytes;
};

static int cap_format(void *p, const struct bts_sbc_config *cfg)
{
	struct capture *c = p;

	c->formats++;
	c->cfg = *cfg;
	return 0;
}

static int cap_pcm(void *p, const void *pcm, size_t len)
{
	struct capture *c = p;

	if (c->len + len > c->cap) {
		c->cap = (c->len + len) * 2;
		c->pcm = realloc(c->pcm, c->cap);
		assert_non_null(c->pcm);
	}
	memcpy(c->pcm + c->len, pcm, len);
	c->len += len;
	return 0;
}

static int cap_frame(void *p, const uint8_t *f, size_t len)
{
	struct capture *c = p;

	(void)f;
	c->sbc_bytes += len;
	return 0;
}

/* Raw PCM in a pipe (samples frames of stereo) -> packets. */
struct packets {
	uint8_t data[MAXPKTS][MAXPKT];
	size_t len[MAXPKTS];
	unsigned samples[MAXPKTS];
	size_t n;
};

static void make_packets(struct packets *pk, const struct bts_sbc_config *cfg, size_t frames_in,
			 size_t mtu, uint16_t seq0)
{
	unsigned ch = bts_sbc_channels(cfg);
	size_t bytes = frames_in * ch * 2;
	int16_t *pcm = malloc(bytes);
	int fds[2];
	struct bts_pcm_reader r;
	struct bts_source src;

	assert_non_null(pcm);
	for (size_t i = 0; i < frames_in * ch; i++)
		pcm[i] = (int16_t)((i * 73) % 4000 - 2000);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	/* Small enough for the socket buffer: write it all, then close. */
	assert_int_equal(bts_write_all(fds[0], pcm, bytes), (ssize_t)bytes);
	close(fds[0]);
	bts_pcm_open_raw(&r, fds[1]);
	assert_int_equal(bts_source_init(&src, cfg, &r, mtu, 0xABCD, seq0, 1000), 0);
	pk->n = 0;
	for (;;) {
		ssize_t n = bts_source_next(&src, pk->data[pk->n], MAXPKT, &pk->samples[pk->n]);

		assert_true(n >= 0);
		if (n == 0)
			break;
		assert_true((size_t)n <= mtu);
		pk->len[pk->n++] = (size_t)n;
		assert_true(pk->n < MAXPKTS);
	}
	assert_int_equal(src.pcm_bytes, bytes);
	bts_source_free(&src);
	bts_pcm_close(&r);
	close(fds[1]);
	free(pcm);
}

static void sink_setup(struct bts_sink *s, struct capture *c, unsigned latency)
{
	memset(c, 0, sizeof(*c));
	memset(s, 0, sizeof(*s));
	s->on_format = cap_format;
	s->on_pcm = cap_pcm;
	s->on_frame = cap_frame;
	s->ctx = c;
	assert_int_equal(bts_sink_init(s, latency, MAXPKT), 0);
}

static void test_clean_stream_length(void **st)
{
	static struct packets pk;
	struct bts_sbc_config cfg;
	struct bts_sink s;
	struct capture c;
	size_t in_frames = 44100 + 37; /* not a whole number of SBC frames */

	(void)st;
	bts_sbc_config_default(&cfg);
	make_packets(&pk, &cfg, in_frames, 672, 65500); /* seq wraps mid-stream */
	/* 672-byte MTU: 5 frames of 119 bytes per packet. */
	assert_int_equal(pk.len[0], 13 + 5 * 119);
	sink_setup(&s, &c, 0);
	for (size_t i = 0; i < pk.n; i++)
		assert_int_equal(bts_sink_packet(&s, pk.data[i], pk.len[i], 1000 + i), 0);
	assert_int_equal(bts_sink_flush(&s), 0);
	assert_int_equal(c.formats, 1);
	assert_true(bts_sbc_same_stream(&c.cfg, &cfg));
	/* Output = input rounded up to whole frames: within one frame. */
	assert_true(c.len / 4 >= in_frames);
	assert_true(c.len / 4 < in_frames + 128);
	assert_int_equal(s.st.packets, pk.n);
	assert_int_equal(s.st.lost + s.st.late + s.st.bad_packets + s.st.silence, 0);
	assert_int_equal(c.sbc_bytes, s.st.frames * 119);
	bts_sink_free(&s);
	free(c.pcm);
}

static void test_loss_reorder_garbage(void **st)
{
	static struct packets pk;
	struct bts_sbc_config cfg;
	struct bts_sink s, ref;
	struct capture c, rc;
	uint8_t junk[200];
	uint64_t t = 0;

	(void)st;
	bts_sbc_config_default(&cfg);
	make_packets(&pk, &cfg, 44100 / 2, 500, 10);   /* 4 frames per packet */
	assert_true(pk.n > 20);

	/* Reference: everything in order. */
	sink_setup(&ref, &rc, 0);
	for (size_t i = 0; i < pk.n; i++)
		assert_int_equal(bts_sink_packet(&ref, pk.data[i], pk.len[i], 0), 0);
	assert_int_equal(bts_sink_flush(&ref), 0);

	/* Drop packet 5, swap 8 and 9, duplicate 9, garbage in between,
	 * a version-1 packet, and packet 5 again much later (late). */
	sink_setup(&s, &c, 50);
	memset(junk, 0x77, sizeof(junk));
	for (size_t i = 0; i < pk.n; i++) {
		size_t j = i == 8 ? 9 : i == 9 ? 8 : i;

		t += 11000000; /* 11 ms apart */
		if (i == 5)
			continue;
		assert_int_equal(bts_sink_packet(&s, pk.data[j], pk.len[j], t), 0);
		if (i == 8) /* packet 9 again while it waits for 8 */
			assert_int_equal(bts_sink_packet(&s, pk.data[j], pk.len[j], t), 0);
		if (i == 3) {
			assert_int_equal(bts_sink_packet(&s, junk, sizeof(junk), t), 0);
			assert_int_equal(bts_sink_packet(&s, junk, 3, t), 0);
			pk.data[4][0] ^= 0xC0; /* version 1 */
			assert_int_equal(bts_sink_packet(&s, pk.data[4], pk.len[4], t), 0);
			pk.data[4][0] ^= 0xC0;
		}
		if (i == 15)
			assert_int_equal(bts_sink_packet(&s, pk.data[5], pk.len[5], t), 0);
		assert_int_equal(bts_sink_poll(&s, t), 0);
	}
	assert_int_equal(bts_sink_flush(&s), 0);
	assert_int_equal(s.st.lost, 1);
	assert_int_equal(s.st.late, 1);
	assert_int_equal(s.st.duplicates, 1);
	assert_int_equal(s.st.bad_packets, 3);
	/* Timing holds: the lost packet became exactly its length of silence,
	 * everything else is bit-identical to the clean run. */
	assert_int_equal(s.st.silence, pk.samples[5]);
	assert_int_equal(c.len, rc.len);
	{
		size_t a = 0, b = 0;

		for (size_t i = 0; i < 5; i++)
			a += pk.samples[i] * 4;
		b = a + pk.samples[5] * 4;
		assert_memory_equal(c.pcm, rc.pcm, a);
		for (size_t i = a; i < b; i++)
			assert_int_equal(c.pcm[i], 0);
		/* The decoder's filter bank still holds the audio before the
		 * gap for one frame; from the second frame on, identical. */
		b += 2 * 128 * 4;
		assert_memory_equal(c.pcm + b, rc.pcm + b, c.len - b);
	}
	bts_sink_free(&s);
	bts_sink_free(&ref);
	free(c.pcm);
	free(rc.pcm);
}

static void test_lying_count_and_bad_frame(void **st)
{
	static struct packets pk;
	struct bts_sbc_config cfg;
	struct bts_sink s;
	struct capture c;

	(void)st;
	bts_sbc_config_default(&cfg);
	make_packets(&pk, &cfg, 128 * 40, 672, 0);
	pk.data[2][12] = 9;        /* claims 9, holds 5 */
	pk.data[3][13 + 119 + 10] ^= 0xFF;  /* second frame's scale factors: CRC fails */
	sink_setup(&s, &c, 0);
	for (size_t i = 0; i < pk.n; i++)
		assert_int_equal(bts_sink_packet(&s, pk.data[i], pk.len[i], 0), 0);
	assert_int_equal(bts_sink_flush(&s), 0);
	assert_int_equal(s.st.mismatched, 1);
	assert_int_equal(s.st.bad_frames, 1);
	/* Still the full length: the bad frame became 128 samples of silence. */
	assert_int_equal(c.len, 128 * 40 * 4);
	assert_int_equal(s.st.silence, 128);
	bts_sink_free(&s);
	free(c.pcm);
}

static void test_wav_from_pipe(void **st)
{
	uint8_t hdr[BTS_WAV_CANON_LEN], buf[256];
	int fds[2];
	struct bts_pcm_reader r;
	ssize_t n;
	size_t total = 0;

	(void)st;
	bts_wav_header(hdr, 48000, 1, 100);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(bts_write_all(fds[1], hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
	memset(buf, 1, sizeof(buf));
	/* 100 bytes of samples, then junk past the data chunk's end. */
	assert_int_equal(bts_write_all(fds[1], buf, 150), 150);
	close(fds[1]);
	assert_int_equal(bts_pcm_open_wav(&r, fds[0]), 0);
	assert_int_equal(r.info.rate, 48000);
	while ((n = bts_pcm_read(&r, buf, 7)) > 0)
		total += (size_t)n;
	assert_int_equal(n, 0);
	assert_int_equal(total, 100);
	bts_pcm_close(&r);
	close(fds[0]);

	/* Not a WAV. */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(bts_write_all(fds[1], "hello world, not a wav file at all", 34), 34);
	close(fds[1]);
	assert_int_equal(bts_pcm_open_wav(&r, fds[0]), -BTS_EBADMEDIA);
	close(fds[0]);
}

static void test_pacer(void **st)
{
	struct bts_pacer p;
	uint64_t t0;

	(void)st;
	bts_pacer_start(&p, 44100, 5);
	/* One hour of 128-sample packets lands exactly on the hour. */
	assert_int_equal(bts_pacer_deadline(&p, 44100ull * 3600), 5 + 3600ull * 1000000000ull);
	assert_int_equal(bts_pacer_deadline(&p, 128), 5 + 128ull * 1000000000ull / 44100);
	/* And after a week, still no overflow or drift. */
	assert_int_equal(bts_pacer_deadline(&p, 44100ull * 604800), 5 + 604800ull * 1000000000ull);
	/* Waiting really waits until the deadline. */
	t0 = bts_now_ns();
	bts_pacer_start(&p, 1000, t0);
	assert_int_equal(bts_pacer_wait(&p, 30), 0);
	assert_true(bts_now_ns() >= t0 + 30000000ull);
	assert_true(bts_now_ns() < t0 + 200000000ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_stream_length),
		cmocka_unit_test(test_loss_reorder_garbage),
		cmocka_unit_test(test_lying_count_and_bad_frame),
		cmocka_unit_test(test_wav_from_pipe),
		cmocka_unit_test(test_pacer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
