// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "btsync/error.h"
#include "btsync/wav.h"

#define WAVE_FORMAT_PCM 0x0001
#define WAVE_FORMAT_EXTENSIBLE 0xFFFE

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int parse_fmt(const uint8_t *p, uint32_t size, struct bts_wav_info *out)
{
	if (size < 16)
		return -BTS_EBADMEDIA;
	out->format = le16(p);
	out->channels = le16(p + 2);
	out->rate = le32(p + 4);
	out->block_align = le16(p + 12);
	out->bits = le16(p + 14);
	if (out->format == WAVE_FORMAT_EXTENSIBLE) {
		/* cbSize, valid bits, channel mask, then the subformat GUID
		 * whose first two bytes are the real format tag. */
		if (size < 40 || le16(p + 16) < 22)
			return -BTS_EBADMEDIA;
		out->format = le16(p + 24);
	}
	return 0;
}

int bts_wav_parse(const uint8_t *buf, size_t len, struct bts_wav_info *out)
{
	bool have_fmt = false;
	size_t pos;

	memset(out, 0, sizeof(*out));
	if (len < 12)
		return -EAGAIN;
	if (memcmp(buf, "RIFF", 4) || memcmp(buf + 8, "WAVE", 4))
		return -BTS_EBADMEDIA;
	pos = 12;
	for (;;) {
		uint32_t size;

		if (pos > BTS_WAV_HEADER_MAX)
			return -BTS_EBADMEDIA;
		if (len < 8 || pos > len - 8)
			return -EAGAIN;
		size = le32(buf + pos + 4);
		if (!memcmp(buf + pos, "data", 4)) {
			if (!have_fmt)
				return -BTS_EBADMEDIA;
			out->data_offset = pos + 8;
			out->data_size = size;
			/* Writers streaming to a pipe leave 0 or 0xFFFFFFFF. */
			out->size_known = size != 0 && size != BTS_WAV_SIZE_UNKNOWN;
			return 0;
		}
		/* Every chunk before "data" must fit the header window. */
		if (size > BTS_WAV_HEADER_MAX)
			return -BTS_EBADMEDIA;
		if (len - pos - 8 < size)
			return -EAGAIN;
		if (!memcmp(buf + pos, "fmt ", 4)) {
			if (have_fmt || parse_fmt(buf + pos + 8, size, out) < 0)
				return -BTS_EBADMEDIA;
			have_fmt = true;
		}
		/* Chunks are padded to an even length. */
		pos += 8 + (size_t)size + (size & 1);
	}
}

int bts_wav_check_pcm16(const struct bts_wav_info *info, const char **why)
{
	const char *w = NULL;

	if (info->format != WAVE_FORMAT_PCM)
		w = "not integer PCM (compressed or floating-point WAV)";
	else if (info->bits != 16)
		w = "not 16 bits per sample";
	else if (info->channels < 1 || info->channels > 2)
		w = "SBC carries 1 or 2 channels only";
	else if (info->block_align != info->channels * 2)
		w = "block alignment does not match 16-bit samples";
	else if (info->rate == 0)
		w = "sampling rate is 0";
	if (why)
		*why = w;
	return w ? -BTS_EBADMEDIA : 0;
}

void bts_wav_header(uint8_t out[BTS_WAV_CANON_LEN], uint32_t rate, uint16_t channels,
		    uint64_t data_bytes)
{
	uint32_t data32, riff32;

	if (data_bytes >= (uint64_t)BTS_WAV_SIZE_UNKNOWN - 36) {
		data32 = BTS_WAV_SIZE_UNKNOWN;
		riff32 = BTS_WAV_SIZE_UNKNOWN;
	} else {
		data32 = (uint32_t)data_bytes;
		riff32 = data32 + 36;
	}
	memcpy(out, "RIFF", 4); /* NOLINT(bugprone-not-null-terminated-result): a FourCC */
	put32(out + 4, riff32);
	memcpy(out + 8, "WAVEfmt ", 8); /* NOLINT(bugprone-not-null-terminated-result) */
	put32(out + 16, 16);
	put16(out + 20, WAVE_FORMAT_PCM);
	put16(out + 22, channels);
	put32(out + 24, rate);
	put32(out + 28, rate * channels * 2u);
	put16(out + 32, (uint16_t)(channels * 2));
	put16(out + 34, 16);
	memcpy(out + 36, "data", 4); /* NOLINT(bugprone-not-null-terminated-result) */
	put32(out + 40, data32);
}
