// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btsync/error.h"
#include "btsync/stream.h"
#include "btsync/util.h"

#define HEADER_READ 4096

int bts_pcm_open_wav(struct bts_pcm_reader *r, int fd)
{
	size_t len = 0, size = HEADER_READ;
	uint8_t *buf;
	int err;

	memset(r, 0, sizeof(*r));
	r->fd = fd;
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	/* Read in small steps until the data chunk shows up, so a pipe is
	 * never over-read and a junk file is refused early. */
	for (;;) {
		ssize_t n;

		err = bts_wav_parse(buf, len, &r->info);
		if (err != -EAGAIN)
			break;
		if (len == size) {
			uint8_t *nb;

			if (size >= BTS_WAV_HEADER_MAX + 8) {
				err = -BTS_EBADMEDIA;
				break;
			}
			size *= 2;
			nb = realloc(buf, size);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
		}
		do
			n = read(fd, buf + len, size - len);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0) {
			err = -BTS_EBADMEDIA; /* ended inside the header */
			break;
		}
		len += (size_t)n;
	}
	if (err < 0) {
		free(buf);
		return err;
	}
	r->wav = true;
	r->bounded = r->info.size_known;
	r->left = r->info.data_size;
	r->pending = buf;
	r->pending_pos = r->info.data_offset;
	r->pending_len = len;
	return 0;
}

void bts_pcm_open_raw(struct bts_pcm_reader *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
}

ssize_t bts_pcm_read(struct bts_pcm_reader *r, void *buf, size_t len)
{
	size_t got = 0;

	if (r->bounded && len > r->left)
		len = (size_t)r->left;
	if (r->pending_pos < r->pending_len) {
		size_t n = r->pending_len - r->pending_pos;

		if (n > len)
			n = len;
		memcpy(buf, r->pending + r->pending_pos, n);
		r->pending_pos += n;
		got = n;
	}
	while (got < len) {
		ssize_t n = read(r->fd, (uint8_t *)buf + got, len - got);

		if (n < 0) {
			if (errno == EINTR && !(r->stop && *r->stop))
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (r->bounded)
		r->left -= got;
	return (ssize_t)got;
}

void bts_pcm_close(struct bts_pcm_reader *r)
{
	free(r->pending);
	r->pending = NULL;
	r->pending_len = r->pending_pos = 0;
}

int bts_source_init(struct bts_source *s, const struct bts_sbc_config *cfg,
		    struct bts_pcm_reader *in, size_t mtu, uint32_t ssrc, uint16_t seq,
		    uint32_t ts)
{
	int err;

	memset(s, 0, sizeof(*s));
	if (bts_sbc_config_check(cfg, NULL) < 0)
		return -BTS_EBADARG;
	s->frame_len = bts_sbc_frame_len(cfg);
	s->codesize = bts_sbc_codesize(cfg);
	s->frames_per_packet = bts_media_frames_fit(mtu, s->frame_len);
	if (s->frames_per_packet == 0)
		return -BTS_ETOOBIG;
	err = bts_sbc_encoder_init(&s->enc, cfg);
	if (err < 0)
		return err;
	s->pcm = malloc(s->codesize * s->frames_per_packet);
	s->frames = malloc(s->frame_len * s->frames_per_packet);
	if (!s->pcm || !s->frames) {
		bts_source_free(s);
		return -ENOMEM;
	}
	s->in = in;
	bts_packetizer_init(&s->pk, seq, ts, ssrc);
	return 0;
}

ssize_t bts_source_next(struct bts_source *s, uint8_t *out, size_t out_size,
			unsigned *samples)
{
	unsigned n = 0, spf = bts_sbc_frame_samples(&s->enc.cfg);
	ssize_t got, len;

	*samples = 0;
	if (s->eof)
		return 0;
	got = bts_pcm_read(s->in, s->pcm, s->codesize * s->frames_per_packet);
	if (got < 0)
		return got;
	s->pcm_bytes += (uint64_t)got;
	if ((size_t)got < s->codesize * s->frames_per_packet)
		s->eof = true;
	if (got == 0)
		return 0;
	/* The input ends inside a frame: pad it with silence, so the output
	 * is at most one frame longer than the input. */
	n = (unsigned)(((size_t)got + s->codesize - 1) / s->codesize);
	memset(s->pcm + got, 0, n * s->codesize - (size_t)got);
	for (unsigned i = 0; i < n; i++) {
		ssize_t fl = bts_sbc_encode(&s->enc, s->pcm + i * s->codesize,
					    s->frames + i * s->frame_len, s->frame_len);

		if (fl != (ssize_t)s->frame_len)
			return -BTS_ECODEC;
	}
	len = bts_media_build(&s->pk, s->frames, n, s->frame_len, spf, out, out_size);
	if (len < 0)
		return len;
	s->frames_total += n;
	s->samples_total += (uint64_t)n * spf;
	*samples = n * spf;
	return len;
}

void bts_source_free(struct bts_source *s)
{
	bts_sbc_finish(&s->enc);
	free(s->pcm);
	free(s->frames);
	s->pcm = s->frames = NULL;
}
