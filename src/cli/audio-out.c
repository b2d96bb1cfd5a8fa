// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btsync/error.h"
#include "btsync/util.h"
#include "btsync/wav.h"
#include "audio-out.h"

#define AUDIO_OUT_BUF 65536

void audio_out_init(struct audio_out *o)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}

int audio_out_open(struct audio_out *o, const char *path, bool wav)
{
	audio_out_init(o);
	o->wav = wav;
	o->buf = malloc(AUDIO_OUT_BUF);
	if (!o->buf)
		return -ENOMEM;
	if (!strcmp(path, "-")) {
		struct stat st;

		o->fd = STDOUT_FILENO;
		o->is_stdout = true;
		o->seekable = fstat(o->fd, &st) == 0 && S_ISREG(st.st_mode) &&
			      lseek(o->fd, 0, SEEK_CUR) == 0;
		return 0;
	}
	/* A temporary name until the stream is complete. */
	o->path = strdup(path);
	if (!o->path || asprintf(&o->tmp, "%s.btsync-XXXXXX", path) < 0) {
		o->tmp = NULL;
		return -ENOMEM;
	}
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		int err = -errno;

		free(o->tmp);
		o->tmp = NULL;
		return err;
	}
	fchmod(o->fd, 0644);
	o->seekable = true;
	return 0;
}

int audio_out_flush(struct audio_out *o)
{
	ssize_t n = o->len ? bts_write_all(o->fd, o->buf, o->len) : 0;

	o->len = 0;
	return n < 0 ? (int)n : 0;
}

int audio_out_write(struct audio_out *o, const void *p, size_t len)
{
	o->bytes += len;
	if (o->len + len > AUDIO_OUT_BUF) {
		int err = audio_out_flush(o);

		if (err < 0)
			return err;
		if (len > AUDIO_OUT_BUF) {
			ssize_t n = bts_write_all(o->fd, p, len);

			return n < 0 ? (int)n : 0;
		}
	}
	memcpy(o->buf + o->len, p, len);
	o->len += len;
	return 0;
}

int audio_out_format(struct audio_out *o, const struct bts_sbc_config *cfg)
{
	uint8_t hdr[BTS_WAV_CANON_LEN];

	o->cfg = *cfg;
	o->have_format = true;
	if (!o->wav)
		return 0;
	bts_wav_header(hdr, cfg->rate, (uint16_t)bts_sbc_channels(cfg), BTS_WAV_SIZE_UNKNOWN);
	return audio_out_write(o, hdr, sizeof(hdr));
}

int audio_out_finish(struct audio_out *o)
{
	uint8_t hdr[BTS_WAV_CANON_LEN];
	int err = audio_out_flush(o);

	if (err < 0 || !o->wav || !o->have_format || !o->seekable || o->bytes < sizeof(hdr))
		return err;
	bts_wav_header(hdr, o->cfg.rate, (uint16_t)bts_sbc_channels(&o->cfg),
		       o->bytes - sizeof(hdr));
	if (pwrite(o->fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		return bts_neg_errno();
	return 0;
}

int audio_out_close(struct audio_out *o, bool keep)
{
	int err = 0;

	if (o->fd >= 0)
		err = audio_out_flush(o);
	if (o->fd >= 0 && !o->is_stdout) {
		if (!err && keep && fsync(o->fd) < 0)
			err = -errno;
		if (close(o->fd) < 0 && !err)
			err = -errno;
	}
	if (o->tmp) {
		if (keep && !err && rename(o->tmp, o->path) < 0)
			err = -errno;
		if (!keep || err)
			unlink(o->tmp);
	}
	free(o->tmp);
	free(o->path);
	free(o->buf);
	audio_out_init(o);
	return err;
}
