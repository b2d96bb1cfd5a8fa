/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SBC settings and a thin wrapper over libsbc. Settings are checked
 * against the SBC/A2DP limits before libsbc sees them (libsbc itself
 * trusts its caller), PCM is always 16-bit little-endian whatever the
 * host, and every frame handed to the decoder has been validated first,
 * so corrupt media is refused here instead of confusing libsbc.
 */
#ifndef BTSYNC_SBC_CODEC_H
#define BTSYNC_SBC_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sbc/sbc.h>

enum bts_sbc_mode {
	BTS_SBC_MONO = 0,   /* the values are the frame header's */
	BTS_SBC_DUAL = 1,
	BTS_SBC_STEREO = 2,
	BTS_SBC_JOINT = 3,
};

enum bts_sbc_alloc {
	BTS_SBC_LOUDNESS = 0,
	BTS_SBC_SNR = 1,
};

#define BTS_SBC_SYNCWORD 0x9C
#define BTS_SBC_HEADER_LEN 4
#define BTS_SBC_BITPOOL_MIN 2
#define BTS_SBC_BITPOOL_MAX 250      /* A2DP's capability range ends here */
#define BTS_SBC_FRAME_MAX 520        /* longest valid frame (joint, 16x8, bitpool 250: 513) */
#define BTS_SBC_FRAME_SAMPLES_MAX 128 /* 16 blocks x 8 subbands, per channel */
/* A2DP asks decoders to cope with up to these rates; above them a
 * standard sink may refuse the stream (btsync's own sink does not). */
#define BTS_SBC_A2DP_RATE_MONO 320000
#define BTS_SBC_A2DP_RATE_STEREO 512000

struct bts_sbc_config {
	uint32_t rate;            /* 16000, 32000, 44100, 48000 */
	enum bts_sbc_mode mode;
	uint8_t blocks;           /* 4, 8, 12, 16 */
	uint8_t subbands;         /* 4, 8 */
	enum bts_sbc_alloc allocation;
	uint8_t bitpool;          /* 2 .. bts_sbc_bitpool_max() */
};

/* A2DP's high-quality defaults: 44.1 kHz joint stereo, 16 blocks,
 * 8 subbands, loudness, bitpool 53 (328 kb/s). */
void bts_sbc_config_default(struct bts_sbc_config *c);

/* Largest bitpool the SBC syntax allows for a mode: 16 x subbands for
 * mono and dual channel, 32 x subbands for stereo and joint stereo,
 * capped at A2DP's 250. */
unsigned bts_sbc_bitpool_max(enum bts_sbc_mode mode, unsigned subbands);

/* 0 when c is a valid SBC configuration, else -BTS_EBADARG with *why set
 * to a static phrase naming the rule broken (the caller may add the
 * numbers, e.g. from bts_sbc_bitpool_max()). */
int bts_sbc_config_check(const struct bts_sbc_config *c, const char **why);

unsigned bts_sbc_channels(const struct bts_sbc_config *c);
/* Bytes of one encoded frame. */
size_t bts_sbc_frame_len(const struct bts_sbc_config *c);
/* Samples per channel in one frame (blocks x subbands). */
unsigned bts_sbc_frame_samples(const struct bts_sbc_config *c);
/* Bytes of PCM one frame encodes (samples x channels x 2). */
size_t bts_sbc_codesize(const struct bts_sbc_config *c);
/* Bit rate in bits per second. */
unsigned long bts_sbc_bitrate(const struct bts_sbc_config *c);
/* Above what A2DP requires sinks to decode? */
bool bts_sbc_above_a2dp_rate(const struct bts_sbc_config *c);

/* Do two configurations describe the same stream? (everything but the
 * bitpool, which a source may change between frames) */
bool bts_sbc_same_stream(const struct bts_sbc_config *a, const struct bts_sbc_config *b);

/* Parse "mono", "dual", "stereo", "joint" / "loudness", "snr". 0 or -BTS_EBADARG. */
int bts_sbc_mode_parse(const char *s, enum bts_sbc_mode *out);
int bts_sbc_alloc_parse(const char *s, enum bts_sbc_alloc *out);
const char *bts_sbc_mode_name(enum bts_sbc_mode m);
const char *bts_sbc_alloc_name(enum bts_sbc_alloc a);

/* Parse an SBC frame header at buf. Returns 0 and fills *cfg and
 * *frame_len (which may exceed len: the caller checks); -EAGAIN when len
 * is shorter than the header; -BTS_EBADMEDIA for a wrong syncword or a
 * bitpool outside the mode's limits. The CRC is checked by the decoder. */
int bts_sbc_parse_header(const uint8_t *buf, size_t len, struct bts_sbc_config *cfg,
			 size_t *frame_len);

/* One libsbc instance, encoder or decoder. */
struct bts_sbc {
	sbc_t sbc;
	struct bts_sbc_config cfg;  /* encoder: fixed; decoder: from the first frame */
	bool ready;                 /* decoder: cfg known */
	bool open;
};

/* Set up an encoder for a checked configuration. 0, -BTS_EBADARG, -ENOMEM. */
int bts_sbc_encoder_init(struct bts_sbc *e, const struct bts_sbc_config *cfg);
/* Encode exactly bts_sbc_codesize() bytes of s16le PCM into out (room for
 * bts_sbc_frame_len()). Returns the frame length or -BTS_ECODEC. */
ssize_t bts_sbc_encode(struct bts_sbc *e, const void *pcm, void *out, size_t out_size);

/* Set up a decoder; it takes its settings from the first frame. */
int bts_sbc_decoder_init(struct bts_sbc *d);
/* Decode the one whole frame frame[0..len) into pcm (s16le, room for
 * BTS_SBC_FRAME_SAMPLES_MAX x 2 x 2 bytes). Returns the PCM bytes written;
 * -BTS_EBADMEDIA when the frame is malformed, fails its CRC, or belongs to
 * another stream (rate, mode, blocks, subbands or allocation changed). */
ssize_t bts_sbc_decode(struct bts_sbc *d, const uint8_t *frame, size_t len, void *pcm,
		       size_t pcm_size);

void bts_sbc_finish(struct bts_sbc *s);

#endif
