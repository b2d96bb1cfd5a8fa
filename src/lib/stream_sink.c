// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btsync/error.h"
#include "btsync/stream.h"

/* Slots in the jitter buffer: at 44.1 kHz with 672-byte packets (4
 * frames, 11.6 ms each) 256 packets hold about 3 s, more than the
 * largest --latency. */
#define SINK_SLOTS 256
/* A timestamp jump larger than this is not a gap to fill with silence
 * but a broken or restarted stream. */
#define SINK_MAX_FILL_SECONDS 10

struct bts_sink_slot {
	bool used;
	uint16_t seq;
	uint32_t ts;
	size_t len;
	uint64_t arrival_ns;
};

int bts_sink_init(struct bts_sink *s, unsigned latency_ms, size_t pkt_max)
{
	void *cb_ctx = s->ctx;
	int (*f)(void *, const struct bts_sbc_config *) = s->on_format;
	int (*p)(void *, const void *, size_t) = s->on_pcm;
	int (*fr)(void *, const uint8_t *, size_t) = s->on_frame;
	int err;

	memset(s, 0, sizeof(*s));
	s->ctx = cb_ctx;
	s->on_format = f;
	s->on_pcm = p;
	s->on_frame = fr;
	if (pkt_max < BTS_MEDIA_OVERHEAD || pkt_max > 65535 || latency_ms > 60000)
		return -BTS_EBADARG;
	s->cap = SINK_SLOTS;
	s->pkt_max = pkt_max;
	s->latency_ns = (uint64_t)latency_ms * 1000000ull;
	s->slots = calloc(s->cap, sizeof(*s->slots));
	s->store = malloc(s->cap * pkt_max);
	if (!s->slots || !s->store) {
		bts_sink_free(s);
		return -ENOMEM;
	}
	err = bts_sbc_decoder_init(&s->dec);
	if (err < 0) {
		bts_sink_free(s);
		return err;
	}
	return 0;
}

void bts_sink_free(struct bts_sink *s)
{
	bts_sbc_finish(&s->dec);
	free(s->slots);
	free(s->store);
	s->slots = NULL;
	s->store = NULL;
}

static int emit_silence(struct bts_sink *s, uint64_t samples)
{
	unsigned ch = bts_sbc_channels(&s->cfg);
	size_t per = sizeof(s->pcm) / (2 * ch);

	if (!s->have_format)
		return 0;  /* nothing to pace against before the first frame */
	memset(s->pcm, 0, sizeof(s->pcm));
	s->st.samples += samples;
	s->st.silence += samples;
	while (samples) {
		size_t n = samples < per ? (size_t)samples : per;
		int err = s->on_pcm(s->ctx, s->pcm, n * 2 * ch);

		if (err < 0)
			return err;
		samples -= n;
	}
	return 0;
}

/* Decode the frames of one packet, in order. */
static int play(struct bts_sink *s, const uint8_t *pkt, size_t len, unsigned gap_packets,
		uint32_t ts)
{
	struct bts_media_packet m;
	int err;

	if (bts_media_parse(pkt, len, &m) < 0)
		return 0;  /* checked on arrival: cannot happen */
	/* Fill what went missing before this packet: the timestamps say how
	 * much audio that was; without a plausible one, assume the lost
	 * packets were as long as the last one. */
	if (s->have_ts && (gap_packets || ts != s->next_ts)) {
		uint32_t d = ts - s->next_ts;
		uint64_t fill = 0;

		if (s->have_format && d < (uint32_t)(SINK_MAX_FILL_SECONDS * s->cfg.rate))
			fill = d;
		else if (gap_packets)
			fill = (uint64_t)gap_packets * s->last_samples;
		err = emit_silence(s, fill);
		if (err < 0)
			return err;
	}
	for (unsigned i = 0, off = 0; i < m.nframes; off += (unsigned)m.frame_len[i], i++) {
		const uint8_t *f = m.frames + off;
		struct bts_sbc_config c;
		size_t flen;
		ssize_t n;

		if (s->on_frame) {
			err = s->on_frame(s->ctx, f, m.frame_len[i]);
			if (err < 0)
				return err;
		}
		n = bts_sbc_decode(&s->dec, f, m.frame_len[i], s->pcm, sizeof(s->pcm));
		if (n < 0) {
			s->st.bad_frames++;
			/* Keep time: a frame's worth of silence in its place. */
			if (bts_sbc_parse_header(f, m.frame_len[i], &c, &flen) == 0 &&
			    (!s->have_format || bts_sbc_same_stream(&c, &s->cfg))) {
				err = emit_silence(s, bts_sbc_frame_samples(&c));
				if (err < 0)
					return err;
			}
			continue;
		}
		if (!s->have_format) {
			s->cfg = s->dec.cfg;
			s->have_format = true;
			err = s->on_format(s->ctx, &s->cfg);
			if (err < 0)
				return err;
		}
		s->st.frames++;
		s->st.samples += (uint64_t)n / (2 * bts_sbc_channels(&s->cfg));
		err = s->on_pcm(s->ctx, s->pcm, (size_t)n);
		if (err < 0)
			return err;
	}
	s->have_ts = true;
	s->next_ts = ts + m.samples;
	s->last_samples = m.samples;
	return 0;
}

static struct bts_sink_slot *slot_of(struct bts_sink *s, uint16_t seq)
{
	return &s->slots[seq % s->cap];
}

/* The held packet with the lowest sequence number (relative to next). */
static struct bts_sink_slot *oldest(struct bts_sink *s)
{
	struct bts_sink_slot *best = NULL;
	int best_d = 0;

	for (unsigned i = 0; i < s->cap && s->held; i++) {
		struct bts_sink_slot *sl = &s->slots[i];
		int d;

		if (!sl->used)
			continue;
		d = bts_rtp_seq_diff(s->next_seq, sl->seq);
		if (!best || d < best_d) {
			best = sl;
			best_d = d;
		}
	}
	return best;
}

static int release(struct bts_sink *s, struct bts_sink_slot *sl)
{
	unsigned gap = (unsigned)bts_rtp_seq_diff(s->next_seq, sl->seq);
	int err;

	s->st.lost += gap;
	err = play(s, s->store + (size_t)(sl - s->slots) * s->pkt_max, sl->len, gap, sl->ts);
	sl->used = false;
	s->held--;
	s->next_seq = (uint16_t)(sl->seq + 1);
	return err;
}

/* Release in order: the next packet if it is here; past a hole only once
 * the packet after it has waited its full latency (the missing one is
 * then declared lost), or when flushing or full. */
static int drain(struct bts_sink *s, uint64_t now, bool flush)
{
	int err;

	if (!s->primed) {
		if (!flush && s->held < s->cap && now < s->prime_at)
			return 0;
		s->primed = true;
	}
	while (s->held) {
		struct bts_sink_slot *sl = slot_of(s, s->next_seq);

		if (!(sl->used && sl->seq == s->next_seq)) {
			sl = oldest(s);
			if (!flush && s->held < s->cap && now < sl->arrival_ns + s->latency_ns)
				break;
		}
		err = release(s, sl);
		if (err < 0)
			return err;
	}
	return 0;
}

int bts_sink_packet(struct bts_sink *s, const uint8_t *pkt, size_t len, uint64_t now_ns)
{
	struct bts_media_packet m;
	struct bts_sink_slot *sl;
	int d, err;

	s->st.packets++;
	if (len > s->pkt_max || bts_media_parse(pkt, len, &m) < 0) {
		s->st.bad_packets++;
		return drain(s, now_ns, false);
	}
	if (m.mismatch)
		s->st.mismatched++;
	/* One stream at a time: the first SSRC wins. */
	if (s->have_ssrc && m.rtp.ssrc != s->ssrc) {
		s->st.foreign++;
		return drain(s, now_ns, false);
	}
	if (!s->started) {
		s->started = true;
		s->have_ssrc = true;
		s->ssrc = m.rtp.ssrc;
		s->next_seq = m.rtp.seq;
		s->prime_at = now_ns + s->latency_ns;
	}
	d = bts_rtp_seq_diff(s->next_seq, m.rtp.seq);
	if (d < 0) {
		s->st.late++;
		return drain(s, now_ns, false);
	}
	if ((unsigned)d >= s->cap) {
		/* Too far ahead to hold: play out what we have and jump. */
		err = drain(s, now_ns, true);
		if (err < 0)
			return err;
		d = bts_rtp_seq_diff(s->next_seq, m.rtp.seq);
		if ((unsigned)d >= s->cap) {
			s->st.lost += (unsigned)d;
			s->next_seq = m.rtp.seq;
			s->have_ts = false;  /* no silence across a jump */
		}
	}
	sl = slot_of(s, m.rtp.seq);
	if (sl->used) {
		s->st.duplicates++;
		return drain(s, now_ns, false);
	}
	sl->used = true;
	sl->seq = m.rtp.seq;
	sl->ts = m.rtp.timestamp;
	sl->len = len;
	sl->arrival_ns = now_ns;
	memcpy(s->store + (size_t)(sl - s->slots) * s->pkt_max, pkt, len);
	s->held++;
	return drain(s, now_ns, false);
}

int bts_sink_poll(struct bts_sink *s, uint64_t now_ns)
{
	return drain(s, now_ns, false);
}

int bts_sink_timeout_ms(const struct bts_sink *s, uint64_t now_ns)
{
	uint64_t due = UINT64_MAX;

	if (!s->held)
		return -1;
	if (!s->primed) {
		due = s->prime_at;
	} else {
		for (unsigned i = 0; i < s->cap; i++)
			if (s->slots[i].used && s->slots[i].arrival_ns + s->latency_ns < due)
				due = s->slots[i].arrival_ns + s->latency_ns;
	}
	if (due <= now_ns)
		return 0;
	return (int)((due - now_ns + 999999) / 1000000);
}

int bts_sink_flush(struct bts_sink *s)
{
	return drain(s, UINT64_MAX, true);
}
