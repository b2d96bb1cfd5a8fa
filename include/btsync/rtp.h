/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A2DP media packets for SBC, as pure functions over buffers:
 *
 *   RTP header (RFC 3550, 12 bytes): version 2, payload type (dynamic,
 *   96 by default), sequence number (+1 per packet, wraps at 65536),
 *   timestamp (in samples per channel, i.e. the sampling clock), SSRC;
 *   then the SBC media payload header (A2DP 4.3.4, 1 byte):
 *   F (fragmented) S (start) L (last) RFA, and a 4-bit frame count;
 *   then that many whole SBC frames.
 *
 * The same packets go over a btsync L2CAP link or, later, a bluetoothd
 * MediaTransport1 fd.
 */
#ifndef BTSYNC_RTP_H
#define BTSYNC_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define BTS_RTP_VERSION 2
#define BTS_RTP_HEADER_LEN 12
#define BTS_RTP_PT_SBC 96            /* first dynamic payload type */
#define BTS_SBC_PAYLOAD_HEADER_LEN 1
#define BTS_MEDIA_OVERHEAD (BTS_RTP_HEADER_LEN + BTS_SBC_PAYLOAD_HEADER_LEN)
#define BTS_MEDIA_FRAMES_MAX 15      /* the frame count has 4 bits */

struct bts_rtp_header {
	uint8_t version;
	bool padding;
	bool extension;
	uint8_t csrc_count;
	bool marker;
	uint8_t payload_type;
	uint16_t seq;
	uint32_t timestamp;
	uint32_t ssrc;
};

/* Write the fixed 12-byte header (no CSRCs, no extension). */
void bts_rtp_write(const struct bts_rtp_header *h, uint8_t out[BTS_RTP_HEADER_LEN]);

/* Parse an RTP packet: fills *h and the payload's place (after CSRCs and
 * the header extension, before the padding). Returns 0, or -BTS_EBADMEDIA
 * for a short packet, a version other than 2, or lengths that overrun. */
int bts_rtp_parse(const uint8_t *pkt, size_t len, struct bts_rtp_header *h,
		  size_t *payload_off, size_t *payload_len);

/* Sequence arithmetic modulo 2^16: how far b is ahead of a (negative
 * when b is behind), for gaps and late packets across the wrap. */
int bts_rtp_seq_diff(uint16_t a, uint16_t b);

/* Source side: the running RTP state of one stream. */
struct bts_packetizer {
	uint8_t payload_type;
	uint16_t seq;          /* of the next packet */
	uint32_t timestamp;    /* of the next packet's first sample */
	uint32_t ssrc;
};

/* Fill p with payload type 96 and the given starting sequence number,
 * timestamp and SSRC (callers pass random ones, as RFC 3550 asks). */
void bts_packetizer_init(struct bts_packetizer *p, uint16_t seq, uint32_t ts, uint32_t ssrc);

/* How many whole frames of frame_len bytes fit a packet of mtu bytes
 * (0..15); 0 means the MTU cannot carry even one frame. */
unsigned bts_media_frames_fit(size_t mtu, size_t frame_len);

/* Build one packet of nframes (1..15) consecutive frames of frame_len bytes
 * each, every frame holding samples_per_frame samples per channel. The
 * packet goes to out (room for BTS_MEDIA_OVERHEAD + nframes x frame_len).
 * Advances p's sequence number and timestamp. Returns the packet length or
 * -BTS_EBADARG (bad count, or out too small). */
ssize_t bts_media_build(struct bts_packetizer *p, const uint8_t *frames, unsigned nframes,
			size_t frame_len, unsigned samples_per_frame, uint8_t *out,
			size_t out_size);

/* Sink side: one received packet, pointing into the caller's buffer. */
struct bts_media_packet {
	struct bts_rtp_header rtp;
	unsigned declared;     /* frame count the payload header claims */
	unsigned nframes;      /* whole, well-formed SBC frames found */
	const uint8_t *frames; /* nframes frames back to back */
	size_t frames_len;
	size_t frame_len[BTS_MEDIA_FRAMES_MAX];
	unsigned samples;      /* samples per channel in the frames found */
	bool mismatch;         /* count lied, a frame was cut short, or junk followed */
};

/* Parse a media packet. Returns 0 (check mismatch: the good frames are
 * still usable), or -BTS_EBADMEDIA when nothing usable is in it: short
 * packet, wrong RTP version, a fragmented frame (not supported), a
 * frame count of 0, or no valid SBC frame at the start of the payload. */
int bts_media_parse(const uint8_t *pkt, size_t len, struct bts_media_packet *out);

#endif
