/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The audio stream loop, transport-agnostic: a PCM reader (WAV or raw
 * s16le), a source that turns PCM into A2DP media packets, a pacer that
 * releases them on an absolute clock, and a sink that reorders packets in
 * a small jitter buffer, fills gaps with silence and decodes. None of it
 * touches a socket: the caller moves packets over L2CAP, a bluetoothd
 * MediaTransport1 fd, or a socketpair in the tests. Memory is allocated
 * once at set-up, so it stays flat however long the stream runs.
 */
#ifndef BTSYNC_STREAM_H
#define BTSYNC_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "btsync/rtp.h"
#include "btsync/sbc_codec.h"
#include "btsync/wav.h"

/* ---- pacing ---- */

/* Packet n is due at start + samples_before_n / rate, computed from the
 * start every time (never by adding up periods), so rounding never
 * accumulates into drift however long the stream. */
struct bts_pacer {
	uint64_t start_ns;  /* CLOCK_MONOTONIC */
	uint32_t rate;
};

void bts_pacer_start(struct bts_pacer *p, uint32_t rate, uint64_t start_ns);
/* When the sample at offset `samples` is due, in CLOCK_MONOTONIC ns. */
uint64_t bts_pacer_deadline(const struct bts_pacer *p, uint64_t samples);
/* Sleep until that deadline (clock_nanosleep, TIMER_ABSTIME). Returns 0,
 * or -EINTR when a signal arrived first (the caller decides whether to
 * stop or to wait again). */
int bts_pacer_wait(const struct bts_pacer *p, uint64_t samples);

/* ---- pacing statistics ---- */

/* How late each packet left against its pacer deadline, in a histogram of
 * fixed size (flat memory however long the stream): bins of
 * BTS_PACE_BIN_NS up to BTS_PACE_BINS x that (100 ms), then one overflow
 * count. Percentiles are therefore exact to within one bin (10 us), and
 * reported as the bin's upper edge (never optimistic), capped at the
 * largest error seen. Packets that left early (a clock oddity: the pacer
 * sleeps to an absolute deadline) count as 0 late, and are counted. */
#define BTS_PACE_BIN_NS 10000u
#define BTS_PACE_BINS 10000u

struct bts_pace_stats {
	uint64_t count;     /* packets recorded */
	uint64_t early;     /* of which sent before their deadline */
	uint64_t overflow;  /* of which later than the last bin */
	uint64_t max_ns;    /* largest lateness */
	uint64_t sum_ns;    /* for the mean */
	uint32_t bins[BTS_PACE_BINS]; /* saturate at UINT32_MAX */
};

void bts_pace_stats_init(struct bts_pace_stats *st);
/* Record one packet: the time it was sent minus its deadline (ns; may be
 * negative). */
void bts_pace_stats_add(struct bts_pace_stats *st, int64_t late_ns);
/* The lateness (ns) that a fraction q (0 < q <= 1) of the packets did not
 * exceed: the upper edge of the bin holding the ceil(q x count)-th
 * smallest value, capped at max_ns; max_ns when that packet is in the
 * overflow; 0 with no packets. */
uint64_t bts_pace_stats_quantile(const struct bts_pace_stats *st, double q);

/* ---- PCM input ---- */

struct bts_pcm_reader {
	int fd;
	bool wav;                 /* a WAV header was read */
	struct bts_wav_info info; /* when wav */
	uint64_t left;            /* data bytes still to read when the size is known */
	bool bounded;             /* left is meaningful */
	uint8_t *pending;         /* samples read along with the header */
	size_t pending_len, pending_pos;
	/* When set and non-zero, a read interrupted by a signal returns
	 * -EINTR instead of waiting on (for a pipe that stays quiet). */
	const volatile sig_atomic_t *stop;
};

/* Read and check a WAV header from fd (a file or a pipe: no seeking).
 * Returns 0; -BTS_EBADMEDIA (not a WAV, or a header over 64 KiB); -errno.
 * The format is not judged here: see bts_wav_check_pcm16(). */
int bts_pcm_open_wav(struct bts_pcm_reader *r, int fd);
/* Raw s16le samples from fd. */
void bts_pcm_open_raw(struct bts_pcm_reader *r, int fd);
/* Read up to len bytes, fewer only at the end of the data. Returns the
 * count (0 at the end) or -errno (-EINTR: see stop). */
ssize_t bts_pcm_read(struct bts_pcm_reader *r, void *buf, size_t len);
void bts_pcm_close(struct bts_pcm_reader *r); /* frees; does not close fd */

/* ---- source: PCM -> media packets ---- */

struct bts_source {
	struct bts_sbc enc;
	struct bts_packetizer pk;
	struct bts_pcm_reader *in;
	unsigned frames_per_packet;
	size_t frame_len, codesize;
	uint8_t *pcm;     /* one packet's worth of PCM */
	uint8_t *frames;  /* one packet's worth of frames */
	bool eof;
	uint64_t frames_total, samples_total, pcm_bytes;
};

/* Set up an encoder for cfg sending packets of at most mtu bytes.
 * -BTS_EBADARG bad settings; -BTS_ETOOBIG when the MTU cannot carry even
 * one frame (lower the bitpool, blocks or subbands); -ENOMEM. ssrc, seq
 * and ts are the RTP starting values (random ones, from the caller). */
int bts_source_init(struct bts_source *s, const struct bts_sbc_config *cfg,
		    struct bts_pcm_reader *in, size_t mtu, uint32_t ssrc, uint16_t seq,
		    uint32_t ts);
/* Build the next packet into out (room for mtu bytes). Returns its length,
 * 0 at the end of the input (the last frame is padded with silence), or a
 * negative error. *samples gets the samples per channel it carries. */
ssize_t bts_source_next(struct bts_source *s, uint8_t *out, size_t out_size,
			unsigned *samples);
void bts_source_free(struct bts_source *s);

/* ---- sink: media packets -> PCM ---- */

struct bts_sink_stats {
	uint64_t packets;        /* received, good or bad */
	uint64_t bad_packets;    /* nothing usable: skipped */
	uint64_t mismatched;     /* frame count lied, truncated frame, junk: good frames kept */
	uint64_t lost;           /* missing sequence numbers */
	uint64_t late;           /* arrived after their turn: dropped */
	uint64_t duplicates;
	uint64_t foreign;        /* another SSRC or another stream shape: dropped */
	uint64_t frames;         /* decoded */
	uint64_t bad_frames;     /* failed to decode (CRC...): replaced by silence */
	uint64_t samples;        /* output, per channel, silence included */
	uint64_t silence;        /* of which silence filling gaps */
};

struct bts_sink_slot;

struct bts_sink {
	/* Callbacks: return 0 or a negative error, which stops the sink. */
	int (*on_format)(void *ctx, const struct bts_sbc_config *cfg); /* before the first PCM */
	int (*on_pcm)(void *ctx, const void *pcm, size_t len);         /* s16le, interleaved */
	int (*on_frame)(void *ctx, const uint8_t *frame, size_t len);  /* may be NULL */
	void *ctx;

	struct bts_sink_stats st;
	struct bts_sbc dec;
	struct bts_sbc_config cfg;
	bool have_format;
	bool have_ssrc;
	uint32_t ssrc;
	/* jitter buffer */
	struct bts_sink_slot *slots;
	uint8_t *store;
	unsigned cap, held;
	size_t pkt_max;
	uint64_t latency_ns;
	bool started, primed;
	uint64_t prime_at;       /* first arrival + latency */
	uint16_t next_seq;
	bool have_ts;
	uint32_t next_ts;        /* timestamp expected after the last released packet */
	unsigned last_samples;   /* samples in the last released packet */
	uint8_t pcm[BTS_SBC_FRAME_SAMPLES_MAX * 2 * 2];
};

/* Jitter buffer of latency_ms (0 = release in order as soon as possible)
 * for packets of up to pkt_max bytes. 0, -BTS_EBADARG, -ENOMEM. */
int bts_sink_init(struct bts_sink *s, unsigned latency_ms, size_t pkt_max);
/* One packet as received at now_ns (CLOCK_MONOTONIC); releases whatever
 * is due. Bad media is counted, never an error: errors come only from
 * the callbacks. */
int bts_sink_packet(struct bts_sink *s, const uint8_t *pkt, size_t len, uint64_t now_ns);
/* Release what is due by now_ns (call when the wait below expires). */
int bts_sink_poll(struct bts_sink *s, uint64_t now_ns);
/* Milliseconds until something falls due (for poll()); -1 when nothing waits. */
int bts_sink_timeout_ms(const struct bts_sink *s, uint64_t now_ns);
/* End of stream: release everything held. */
int bts_sink_flush(struct bts_sink *s);
void bts_sink_free(struct bts_sink *s);

#endif
