// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "btsync/error.h"
#include "btsync/rtp.h"
#include "btsync/sbc_codec.h"

/* SBC media payload header bits (A2DP 4.3.4). */
#define SBC_PH_FRAGMENTED 0x80
#define SBC_PH_START 0x40
#define SBC_PH_LAST 0x20
#define SBC_PH_COUNT 0x0F

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

void bts_rtp_write(const struct bts_rtp_header *h, uint8_t out[BTS_RTP_HEADER_LEN])
{
	out[0] = (uint8_t)(h->version << 6 | (h->padding ? 0x20 : 0) |
			   (h->extension ? 0x10 : 0) | (h->csrc_count & 0x0F));
	out[1] = (uint8_t)((h->marker ? 0x80 : 0) | (h->payload_type & 0x7F));
	put_be16(out + 2, h->seq);
	put_be32(out + 4, h->timestamp);
	put_be32(out + 8, h->ssrc);
}

int bts_rtp_parse(const uint8_t *pkt, size_t len, struct bts_rtp_header *h,
		  size_t *payload_off, size_t *payload_len)
{
	size_t off, end = len;

	if (len < BTS_RTP_HEADER_LEN)
		return -BTS_EBADMEDIA;
	h->version = pkt[0] >> 6;
	h->padding = pkt[0] & 0x20;
	h->extension = pkt[0] & 0x10;
	h->csrc_count = pkt[0] & 0x0F;
	h->marker = pkt[1] & 0x80;
	h->payload_type = pkt[1] & 0x7F;
	h->seq = be16(pkt + 2);
	h->timestamp = be32(pkt + 4);
	h->ssrc = be32(pkt + 8);
	if (h->version != BTS_RTP_VERSION)
		return -BTS_EBADMEDIA;
	off = BTS_RTP_HEADER_LEN + 4u * h->csrc_count;
	if (off > len)
		return -BTS_EBADMEDIA;
	if (h->extension) {
		/* 16-bit profile field, 16-bit length in 32-bit words. */
		if (len - off < 4)
			return -BTS_EBADMEDIA;
		off += 4 + 4u * be16(pkt + off + 2);
		if (off > len)
			return -BTS_EBADMEDIA;
	}
	if (h->padding) {
		/* The last byte counts the padding, itself included. */
		uint8_t pad = pkt[len - 1];

		if (pad == 0 || pad > len - off)
			return -BTS_EBADMEDIA;
		end = len - pad;
	}
	*payload_off = off;
	*payload_len = end - off;
	return 0;
}

int bts_rtp_seq_diff(uint16_t a, uint16_t b)
{
	return (int16_t)(uint16_t)(b - a);
}

void bts_packetizer_init(struct bts_packetizer *p, uint16_t seq, uint32_t ts, uint32_t ssrc)
{
	p->payload_type = BTS_RTP_PT_SBC;
	p->seq = seq;
	p->timestamp = ts;
	p->ssrc = ssrc;
}

unsigned bts_media_frames_fit(size_t mtu, size_t frame_len)
{
	size_t n;

	if (frame_len == 0 || mtu < BTS_MEDIA_OVERHEAD)
		return 0;
	n = (mtu - BTS_MEDIA_OVERHEAD) / frame_len;
	return n > BTS_MEDIA_FRAMES_MAX ? BTS_MEDIA_FRAMES_MAX : (unsigned)n;
}

ssize_t bts_media_build(struct bts_packetizer *p, const uint8_t *frames, unsigned nframes,
			size_t frame_len, unsigned samples_per_frame, uint8_t *out,
			size_t out_size)
{
	struct bts_rtp_header h = {
		.version = BTS_RTP_VERSION,
		.payload_type = p->payload_type,
		.seq = p->seq,
		.timestamp = p->timestamp,
		.ssrc = p->ssrc,
	};
	size_t len = BTS_MEDIA_OVERHEAD + (size_t)nframes * frame_len;

	if (nframes < 1 || nframes > BTS_MEDIA_FRAMES_MAX || out_size < len)
		return -BTS_EBADARG;
	bts_rtp_write(&h, out);
	out[BTS_RTP_HEADER_LEN] = (uint8_t)nframes;
	memcpy(out + BTS_MEDIA_OVERHEAD, frames, (size_t)nframes * frame_len);
	p->seq++;
	p->timestamp += nframes * samples_per_frame;
	return (ssize_t)len;
}

int bts_media_parse(const uint8_t *pkt, size_t len, struct bts_media_packet *out)
{
	size_t off, plen, pos;
	uint8_t ph;

	memset(out, 0, sizeof(*out));
	if (bts_rtp_parse(pkt, len, &out->rtp, &off, &plen) < 0)
		return -BTS_EBADMEDIA;
	if (plen < BTS_SBC_PAYLOAD_HEADER_LEN)
		return -BTS_EBADMEDIA;
	ph = pkt[off];
	if (ph & SBC_PH_FRAGMENTED)
		return -BTS_EBADMEDIA;
	out->declared = ph & SBC_PH_COUNT;
	if (out->declared == 0)
		return -BTS_EBADMEDIA;
	off += BTS_SBC_PAYLOAD_HEADER_LEN;
	plen -= BTS_SBC_PAYLOAD_HEADER_LEN;
	out->frames = pkt + off;
	/* Walk the frames by their own headers: a count that lies, a frame
	 * cut short or trailing junk all show up as a mismatch, and only the
	 * whole frames before the damage are handed on. */
	pos = 0;
	while (out->nframes < out->declared && pos < plen) {
		struct bts_sbc_config c;
		size_t flen;

		if (bts_sbc_parse_header(out->frames + pos, plen - pos, &c, &flen) < 0 ||
		    flen > plen - pos)
			break;
		out->frame_len[out->nframes++] = flen;
		out->samples += bts_sbc_frame_samples(&c);
		pos += flen;
	}
	out->frames_len = pos;
	out->mismatch = out->nframes != out->declared || pos != plen;
	if (out->nframes == 0)
		return -BTS_EBADMEDIA;
	return 0;
}
