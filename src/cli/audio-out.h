/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The decoded audio a stream sink writes (stream --listen, with or
 * without --a2dp): a file written under a temporary name
 * (PATH.btsync-XXXXXX) and renamed into place only when complete, or
 * standard output ("-"); buffered; optionally a WAV header whose sizes
 * are filled in at the end when the output can seek. */
#ifndef BTSYNC_AUDIO_OUT_H
#define BTSYNC_AUDIO_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btsync/stream.h"

struct audio_out {
	int fd;                 /* -1 when not open */
	bool is_stdout, seekable;
	bool wav;               /* starts with a WAV header (audio_out_format) */
	bool have_format;       /* audio_out_format was called */
	struct bts_sbc_config cfg; /* when have_format */
	char *path, *tmp;       /* final and temporary names; NULL for stdout */
	uint8_t *buf;           /* NULL when not open */
	size_t len;
	uint64_t bytes;         /* written so far, header included */
};

/* Not open: audio_out_close() on it does nothing. */
void audio_out_init(struct audio_out *o);
/* Open path, or standard output for "-"; wav: audio_out_format() writes
 * a header. 0, -ENOMEM or -errno (o->fd stays -1 on failure; close it
 * with audio_out_close() all the same, to free the buffer). */
int audio_out_open(struct audio_out *o, const char *path, bool wav);
/* The stream's format, known with its first frame: a WAV output gets its
 * header, with the sizes at their maximum until audio_out_finish(). */
int audio_out_format(struct audio_out *o, const struct bts_sbc_config *cfg);
int audio_out_write(struct audio_out *o, const void *p, size_t len);
int audio_out_flush(struct audio_out *o);
/* Flush, and fill in the WAV header's sizes when the output can seek
 * (a pipe keeps the maximum, which players read as "until the end"). */
int audio_out_finish(struct audio_out *o);
/* Flush, then rename into place (keep) or remove; frees everything.
 * 0 or -errno. */
int audio_out_close(struct audio_out *o, bool keep);

#endif
