/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * WAV (RIFF/WAVE) headers as pure functions over buffers: parse the start
 * of a file up to its "data" chunk, and build the canonical 44-byte header
 * for 16-bit PCM. No I/O here, so both sides can be fuzzed and unit-tested.
 */
#ifndef BTSYNC_WAV_H
#define BTSYNC_WAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest header bts_wav_parse() is asked to look through: chunks
 * before "data" (LIST, fact, bext...) beyond this are refused rather than
 * buffered, so reading a header never takes unbounded memory. */
#define BTS_WAV_HEADER_MAX 65536
#define BTS_WAV_CANON_LEN 44     /* RIFF + fmt (16 bytes) + data headers */

/* data_size in a header whose writer did not know the length (a pipe). */
#define BTS_WAV_SIZE_UNKNOWN 0xFFFFFFFFu

struct bts_wav_info {
	uint16_t format;        /* 1 = PCM (WAVE_FORMAT_EXTENSIBLE is reduced to its subformat) */
	uint16_t channels;
	uint32_t rate;          /* frames per second */
	uint16_t bits;          /* bits per sample */
	uint16_t block_align;   /* bytes per frame */
	size_t data_offset;     /* where the samples start */
	uint32_t data_size;     /* bytes of samples; BTS_WAV_SIZE_UNKNOWN or 0 = read to EOF */
	bool size_known;        /* data_size is meaningful */
};

/* Parse buf[0..len) as the start of a WAV file.
 * Returns 0 and fills *out once the "data" chunk header is inside buf;
 * -EAGAIN when buf ends before it (read more, up to BTS_WAV_HEADER_MAX);
 * -BTS_EBADMEDIA when it is not a RIFF/WAVE file or is malformed.
 * It does not judge the format: see bts_wav_check_pcm16(). */
int bts_wav_parse(const uint8_t *buf, size_t len, struct bts_wav_info *out);

/* Is info 16-bit little-endian integer PCM with 1 or 2 channels? Returns
 * 0, or -BTS_EBADMEDIA with *why (a static phrase) set. */
int bts_wav_check_pcm16(const struct bts_wav_info *info, const char **why);

/* Write the canonical 44-byte header for 16-bit PCM into out. data_bytes
 * above what RIFF can hold, or BTS_WAV_SIZE_UNKNOWN, writes the maximum
 * sizes (0xFFFFFFFF), which players read as "until the end of input". */
void bts_wav_header(uint8_t out[BTS_WAV_CANON_LEN], uint32_t rate, uint16_t channels,
		    uint64_t data_bytes);

#endif
