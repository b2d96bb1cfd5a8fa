// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "btsync/error.h"
#include "btsync/sbc_codec.h"

static const uint32_t rates[4] = { 16000, 32000, 44100, 48000 };
static const char *const mode_names[4] = { "mono", "dual", "stereo", "joint" };
static const char *const alloc_names[2] = { "loudness", "snr" };

void bts_sbc_config_default(struct bts_sbc_config *c)
{
	c->rate = 44100;
	c->mode = BTS_SBC_JOINT;
	c->blocks = 16;
	c->subbands = 8;
	c->allocation = BTS_SBC_LOUDNESS;
	c->bitpool = 53;
}

unsigned bts_sbc_bitpool_max(enum bts_sbc_mode mode, unsigned subbands)
{
	unsigned max = (mode == BTS_SBC_MONO || mode == BTS_SBC_DUAL ? 16 : 32) * subbands;

	return max > BTS_SBC_BITPOOL_MAX ? BTS_SBC_BITPOOL_MAX : max;
}

static int rate_code(uint32_t rate)
{
	for (int i = 0; i < 4; i++)
		if (rates[i] == rate)
			return i;
	return -1;
}

int bts_sbc_config_check(const struct bts_sbc_config *c, const char **why)
{
	const char *w = NULL;

	if (rate_code(c->rate) < 0)
		w = "SBC sampling rates are 16000, 32000, 44100 and 48000 Hz";
	else if ((unsigned)c->mode > BTS_SBC_JOINT)
		w = "channel modes are mono, dual, stereo and joint";
	else if (c->blocks != 4 && c->blocks != 8 && c->blocks != 12 && c->blocks != 16)
		w = "blocks must be 4, 8, 12 or 16";
	else if (c->subbands != 4 && c->subbands != 8)
		w = "subbands must be 4 or 8";
	else if ((unsigned)c->allocation > BTS_SBC_SNR)
		w = "allocation is loudness or snr";
	else if (c->bitpool < BTS_SBC_BITPOOL_MIN)
		w = "bitpool must be at least 2";
	else if (c->bitpool > bts_sbc_bitpool_max(c->mode, c->subbands))
		w = c->mode == BTS_SBC_MONO || c->mode == BTS_SBC_DUAL
			? "bitpool above 16 x subbands, the limit for mono and dual channel"
			: "bitpool above 32 x subbands (and 250), the limit for stereo and joint stereo";
	if (why)
		*why = w;
	return w ? -BTS_EBADARG : 0;
}

unsigned bts_sbc_channels(const struct bts_sbc_config *c)
{
	return c->mode == BTS_SBC_MONO ? 1 : 2;
}

size_t bts_sbc_frame_len(const struct bts_sbc_config *c)
{
	unsigned ch = bts_sbc_channels(c);
	size_t bits;

	/* header + scale factors (4 bits per subband per channel), then the
	 * samples: per channel for mono/dual, shared (plus one join bit per
	 * subband) for stereo/joint; rounded up to whole bytes. */
	if (c->mode == BTS_SBC_MONO || c->mode == BTS_SBC_DUAL)
		bits = (size_t)c->blocks * ch * c->bitpool;
	else
		bits = (size_t)(c->mode == BTS_SBC_JOINT ? c->subbands : 0) +
		       (size_t)c->blocks * c->bitpool;
	return BTS_SBC_HEADER_LEN + (4u * c->subbands * ch) / 8 + (bits + 7) / 8;
}

unsigned bts_sbc_frame_samples(const struct bts_sbc_config *c)
{
	return (unsigned)c->blocks * c->subbands;
}

size_t bts_sbc_codesize(const struct bts_sbc_config *c)
{
	return (size_t)bts_sbc_frame_samples(c) * bts_sbc_channels(c) * 2;
}

unsigned long bts_sbc_bitrate(const struct bts_sbc_config *c)
{
	return (unsigned long)(8ull * bts_sbc_frame_len(c) * c->rate / bts_sbc_frame_samples(c));
}

bool bts_sbc_above_a2dp_rate(const struct bts_sbc_config *c)
{
	return bts_sbc_bitrate(c) > (c->mode == BTS_SBC_MONO ? BTS_SBC_A2DP_RATE_MONO
							     : BTS_SBC_A2DP_RATE_STEREO);
}

bool bts_sbc_same_stream(const struct bts_sbc_config *a, const struct bts_sbc_config *b)
{
	return a->rate == b->rate && a->mode == b->mode && a->blocks == b->blocks &&
	       a->subbands == b->subbands && a->allocation == b->allocation;
}

int bts_sbc_mode_parse(const char *s, enum bts_sbc_mode *out)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, mode_names[i])) {
			*out = (enum bts_sbc_mode)i;
			return 0;
		}
	return -BTS_EBADARG;
}

int bts_sbc_alloc_parse(const char *s, enum bts_sbc_alloc *out)
{
	for (int i = 0; i < 2; i++)
		if (!strcmp(s, alloc_names[i])) {
			*out = (enum bts_sbc_alloc)i;
			return 0;
		}
	return -BTS_EBADARG;
}

const char *bts_sbc_mode_name(enum bts_sbc_mode m)
{
	return (unsigned)m < 4 ? mode_names[m] : "?";
}

const char *bts_sbc_alloc_name(enum bts_sbc_alloc a)
{
	return (unsigned)a < 2 ? alloc_names[a] : "?";
}

int bts_sbc_parse_header(const uint8_t *buf, size_t len, struct bts_sbc_config *cfg,
			 size_t *frame_len)
{
	struct bts_sbc_config c;
	static const uint8_t blocks[4] = { 4, 8, 12, 16 };

	if (len < BTS_SBC_HEADER_LEN)
		return -EAGAIN;
	if (buf[0] != BTS_SBC_SYNCWORD)
		return -BTS_EBADMEDIA;
	/* byte 1: rate(2) blocks(2) mode(2) allocation(1) subbands(1) */
	c.rate = rates[buf[1] >> 6];
	c.blocks = blocks[(buf[1] >> 4) & 3];
	c.mode = (enum bts_sbc_mode)((buf[1] >> 2) & 3);
	c.allocation = (enum bts_sbc_alloc)((buf[1] >> 1) & 1);
	c.subbands = buf[1] & 1 ? 8 : 4;
	c.bitpool = buf[2];
	if (bts_sbc_config_check(&c, NULL) < 0)
		return -BTS_EBADMEDIA;
	*cfg = c;
	*frame_len = bts_sbc_frame_len(&c);
	return 0;
}

static void to_libsbc(const struct bts_sbc_config *c, sbc_t *s)
{
	s->frequency = (uint8_t)rate_code(c->rate);
	s->blocks = (uint8_t)(c->blocks / 4 - 1);
	s->subbands = c->subbands == 8 ? SBC_SB_8 : SBC_SB_4;
	s->mode = (uint8_t)c->mode;        /* same codes as SBC_MODE_* */
	s->allocation = c->allocation == BTS_SBC_SNR ? SBC_AM_SNR : SBC_AM_LOUDNESS;
	s->bitpool = c->bitpool;
	/* Our PCM is little-endian on every host (WAV's byte order). */
	s->endian = SBC_LE;
}

int bts_sbc_encoder_init(struct bts_sbc *e, const struct bts_sbc_config *cfg)
{
	int r;

	memset(e, 0, sizeof(*e));
	if (bts_sbc_config_check(cfg, NULL) < 0)
		return -BTS_EBADARG;
	r = sbc_init(&e->sbc, 0);
	if (r < 0)
		return r == -ENOMEM ? -ENOMEM : -BTS_ECODEC;
	to_libsbc(cfg, &e->sbc);
	e->cfg = *cfg;
	e->ready = e->open = true;
	return 0;
}

ssize_t bts_sbc_encode(struct bts_sbc *e, const void *pcm, void *out, size_t out_size)
{
	ssize_t written = 0, used;
	size_t codesize = bts_sbc_codesize(&e->cfg);

	if (out_size < bts_sbc_frame_len(&e->cfg))
		return -BTS_ECODEC;
	used = sbc_encode(&e->sbc, pcm, codesize, out, out_size, &written);
	if (used != (ssize_t)codesize || written <= 0)
		return -BTS_ECODEC;
	return written;
}

int bts_sbc_decoder_init(struct bts_sbc *d)
{
	int r;

	memset(d, 0, sizeof(*d));
	r = sbc_init(&d->sbc, 0);
	if (r < 0)
		return r == -ENOMEM ? -ENOMEM : -BTS_ECODEC;
	d->sbc.endian = SBC_LE;
	d->open = true;
	return 0;
}

ssize_t bts_sbc_decode(struct bts_sbc *d, const uint8_t *frame, size_t len, void *pcm,
		       size_t pcm_size)
{
	struct bts_sbc_config c;
	size_t flen, out = 0;
	ssize_t r;

	if (bts_sbc_parse_header(frame, len, &c, &flen) < 0 || flen > len)
		return -BTS_EBADMEDIA;
	/* libsbc sets its synthesis state up from the first frame it sees
	 * and trusts every later header: a frame of another shape would be
	 * decoded with the wrong channel count, so it never gets there. */
	if (d->ready && !bts_sbc_same_stream(&d->cfg, &c))
		return -BTS_EBADMEDIA;
	if (pcm_size < bts_sbc_codesize(&c))
		return -BTS_ECODEC;
	r = sbc_decode(&d->sbc, frame, flen, pcm, pcm_size, &out);
	if (r <= 0 || out != bts_sbc_codesize(&c)) {
		/* -1 short, -2 sync, -3 CRC, -4 bitpool: all bad media. */
		if (!d->ready) {
			/* libsbc took its settings from this frame: start over. */
			sbc_reinit(&d->sbc, 0);
			d->sbc.endian = SBC_LE;
		}
		return -BTS_EBADMEDIA;
	}
	if (!d->ready) {
		d->cfg = c;
		d->ready = true;
	}
	d->cfg.bitpool = c.bitpool;
	return (ssize_t)out;
}

void bts_sbc_finish(struct bts_sbc *s)
{
	if (s->open)
		sbc_finish(&s->sbc);
	memset(s, 0, sizeof(*s));
}
