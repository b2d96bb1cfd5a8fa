/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A2DP SBC codec capabilities and configurations, as pure functions.
 *
 * An A2DP endpoint describes what SBC settings it accepts with a 4-byte
 * "codec information element" (A2DP spec, section 4.3.2):
 *
 *   byte 0  bits 7-4 sampling rate   16000 0x80, 32000 0x40, 44100 0x20, 48000 0x10
 *           bits 3-0 channel mode    mono 0x08, dual 0x04, stereo 0x02, joint 0x01
 *   byte 1  bits 7-4 block length    4 0x80, 8 0x40, 12 0x20, 16 0x10
 *           bits 3-2 subbands        4 0x08, 8 0x04
 *           bits 1-0 allocation      SNR 0x02, loudness 0x01
 *   byte 2  minimum bitpool, byte 3  maximum bitpool (2..250)
 *
 * As capabilities, several bits may be set per field; as a configuration,
 * exactly one. These functions parse such blobs from a peer (untrusted:
 * every input is checked, see the fuzz target), pick one configuration
 * inside both sides' capabilities, and format them for error messages.
 * They never touch D-Bus or sockets: see btsync/media_endpoint.h.
 */
#ifndef BTSYNC_A2DP_H
#define BTSYNC_A2DP_H

#include <stddef.h>
#include <stdint.h>

#define BTS_A2DP_SBC_INFO_LEN 4

/* Masks of the capability bits, laid out as in byte 0 and byte 1 above. */
enum {
	BTS_A2DP_RATE_16000 = 0x80,
	BTS_A2DP_RATE_32000 = 0x40,
	BTS_A2DP_RATE_44100 = 0x20,
	BTS_A2DP_RATE_48000 = 0x10,

	BTS_A2DP_MODE_MONO = 0x08,
	BTS_A2DP_MODE_DUAL = 0x04,
	BTS_A2DP_MODE_STEREO = 0x02,
	BTS_A2DP_MODE_JOINT = 0x01,

	BTS_A2DP_BLOCKS_4 = 0x80,
	BTS_A2DP_BLOCKS_8 = 0x40,
	BTS_A2DP_BLOCKS_12 = 0x20,
	BTS_A2DP_BLOCKS_16 = 0x10,

	BTS_A2DP_SUBBANDS_4 = 0x08,
	BTS_A2DP_SUBBANDS_8 = 0x04,

	BTS_A2DP_ALLOC_SNR = 0x02,
	BTS_A2DP_ALLOC_LOUDNESS = 0x01,
};

/* The bitpool range the A2DP spec allows in a capability element. */
#define BTS_A2DP_BITPOOL_MIN 2
#define BTS_A2DP_BITPOOL_MAX 250

/* What one side accepts: each field a mask of the bits above. */
struct bts_a2dp_sbc_caps {
	uint8_t rates;
	uint8_t modes;
	uint8_t blocks;
	uint8_t subbands;
	uint8_t alloc;
	uint8_t min_bitpool;
	uint8_t max_bitpool;
};

enum bts_a2dp_mode {
	BTS_A2DP_MONO,
	BTS_A2DP_DUAL,
	BTS_A2DP_STEREO,
	BTS_A2DP_JOINT,
};

enum bts_a2dp_alloc {
	BTS_A2DP_LOUDNESS,
	BTS_A2DP_SNR,
};

/* One configuration in natural units. */
struct bts_a2dp_sbc_config {
	unsigned rate;             /* 16000, 32000, 44100 or 48000 */
	enum bts_a2dp_mode mode;
	unsigned blocks;           /* 4, 8, 12 or 16 */
	unsigned subbands;         /* 4 or 8 */
	enum bts_a2dp_alloc alloc;
	unsigned min_bitpool;      /* what goes in byte 2 of the configuration */
	unsigned bitpool;          /* the bitpool to encode with (byte 3) */
};

/* Parse a capability element. Returns 0, or -BTS_EBADMEDIA when len is
 * not 4, a field has no bit set, or the bitpool range is empty or outside
 * 2..250. (A min_bitpool below 2 is accepted and read as 2, since some
 * devices send 0 or 1; a max below 2 is not.) */
int bts_a2dp_sbc_caps_parse(const uint8_t *buf, size_t len, struct bts_a2dp_sbc_caps *out);

/* Write caps as a 4-byte element. */
void bts_a2dp_sbc_caps_build(const struct bts_a2dp_sbc_caps *caps,
			     uint8_t out[BTS_A2DP_SBC_INFO_LEN]);

/* Everything an SBC encoder can do (all rates, modes, ...; bitpool 2..250). */
void bts_a2dp_sbc_caps_all(struct bts_a2dp_sbc_caps *out);

/* The capabilities btsync offers for input of this many channels (1 or 2)
 * at this rate (0: any of the four): a mono input can be sent as mono
 * only, a stereo one in the three two-channel modes. */
int bts_a2dp_sbc_caps_for_input(unsigned rate, unsigned channels,
				struct bts_a2dp_sbc_caps *out);

/* Parse a configuration element: exactly one bit per field and a bitpool
 * the SBC frame format can carry for that mode and subband count.
 * Returns 0 or -BTS_EBADMEDIA. */
int bts_a2dp_sbc_config_parse(const uint8_t *buf, size_t len,
			      struct bts_a2dp_sbc_config *out);

/* Write cfg as a 4-byte element. Returns 0, or -BTS_EBADARG if a field
 * holds a value A2DP cannot express. */
int bts_a2dp_sbc_config_build(const struct bts_a2dp_sbc_config *cfg,
			      uint8_t out[BTS_A2DP_SBC_INFO_LEN]);

/* Is cfg inside caps (every field offered, bitpool within the range)?
 * Returns 0 or -BTS_EREFUSED with *why (static phrase) naming the field. */
int bts_a2dp_sbc_config_within(const struct bts_a2dp_sbc_config *cfg,
			       const struct bts_a2dp_sbc_caps *caps, const char **why);

/* The largest bitpool an SBC frame holds for this mode and subband count
 * (16 x subbands per channel-coded half, 32 x subbands for stereo modes),
 * capped at A2DP's 250. */
unsigned bts_a2dp_sbc_bitpool_limit(enum bts_a2dp_mode mode, unsigned sb);

/* Choose one configuration inside both ours and theirs, closest to pref
 * (pref may be NULL: the A2DP high-quality settings, 44.1 kHz joint stereo
 * 16 blocks 8 subbands loudness bitpool 53). For each field the preferred
 * value wins when both sides offer it, otherwise the best common one
 * (rates 44100, 48000, 32000, 16000; modes joint, stereo, dual, mono;
 * more blocks, more subbands; loudness). The bitpool is pref's clamped
 * into the common range, which also respects the frame format's limit.
 * out->min_bitpool is the lowest bitpool both accept.
 * Returns 0, or -BTS_EREFUSED with *why set to a static phrase such as
 * "no common sampling rate". */
int bts_a2dp_sbc_select(const struct bts_a2dp_sbc_caps *ours,
			const struct bts_a2dp_sbc_caps *theirs,
			const struct bts_a2dp_sbc_config *pref,
			struct bts_a2dp_sbc_config *out, const char **why);

/* "44100,48000 Hz, joint-stereo,stereo, blocks 16, subbands 8,
 * loudness,snr, bitpool 2-53" into buf (always terminated). Returns the
 * length snprintf would have produced. */
int bts_a2dp_sbc_caps_str(const struct bts_a2dp_sbc_caps *caps, char *buf, size_t len);

/* "44100 Hz joint-stereo, 16 blocks, 8 subbands, loudness, bitpool 53". */
int bts_a2dp_sbc_config_str(const struct bts_a2dp_sbc_config *cfg, char *buf, size_t len);

/* Name of a mode: "mono", "dual-channel", "stereo", "joint-stereo". */
const char *bts_a2dp_mode_name(enum bts_a2dp_mode mode);

/* Channels a mode carries: 1 for mono, else 2. */
unsigned bts_a2dp_mode_channels(enum bts_a2dp_mode mode);

#endif
