// SPDX-License-Identifier: GPL-2.0-or-later
/* Media packets come from the radio. The input is a run of packets, each
 * a 2-byte big-endian length then the bytes, fed to the sink (parser,
 * jitter buffer, SBC decoder, gap filling) at 10 ms steps; the parser's
 * verdict on each must describe frames inside the packet. Nothing may
 * crash, overrun, or make the sink fail (only its callbacks may). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btsync/rtp.h"
#include "btsync/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t out_samples;

static int on_format(void *ctx, const struct bts_sbc_config *cfg)
{
	(void)ctx;
	if (bts_sbc_config_check(cfg, NULL) < 0)
		abort();
	return 0;
}

static int on_pcm(void *ctx, const void *pcm, size_t len)
{
	(void)ctx;
	(void)pcm;
	out_samples += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bts_sink s;
	uint64_t now = 0;
	size_t pos = 0;

	memset(&s, 0, sizeof(s));
	s.on_format = on_format;
	s.on_pcm = on_pcm;
	if (bts_sink_init(&s, (unsigned)(size % 3) * 20, 1024) < 0)
		abort();
	while (pos + 2 <= size) {
		size_t len = (size_t)(data[pos] << 8 | data[pos + 1]) % 1100;
		struct bts_media_packet m;

		pos += 2;
		if (len > size - pos)
			len = size - pos;
		if (bts_media_parse(data + pos, len, &m) == 0 &&
		    (m.nframes == 0 || m.nframes > 15 ||
		     m.frames < data + pos || m.frames + m.frames_len > data + pos + len))
			abort();
		if (bts_sink_packet(&s, data + pos, len, now) < 0)
			abort();
		pos += len;
		now += 10000000;
	}
	if (bts_sink_flush(&s) < 0)
		abort();
	bts_sink_free(&s);
	return 0;
}
