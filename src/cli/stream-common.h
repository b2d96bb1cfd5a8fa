/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What btsync's own L2CAP stream (cmd-stream.c) and stream --a2dp
 * (stream-a2dp.c) share: the input, the output checks and the summaries
 * they print (documented in btsync-stream(1)). */
#ifndef BTSYNC_STREAM_COMMON_H
#define BTSYNC_STREAM_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "btsync/stream.h"
#include "cli.h"

enum stream_kind {
	STREAM_L2CAP, /* btsync's own stream: paced, with jitter figures */
	STREAM_A2DP,  /* through bluetoothd */
};

/* RTP starting values. */
uint32_t stream_random32(void);

/* Open file ("-": stdin) as raw s16le PCM (raw) or as a WAV file, which
 * must be 16-bit PCM. Prints the error; returns 0 or an exit status. On
 * failure nothing is left open and *fd is -1. */
int stream_open_input(struct cli *cli, const char *file, bool raw, int *fd,
		      struct bts_pcm_reader *in);

/* The sink's output options: refuses --raw with --wav and audio on a
 * terminal; *wav: whether the output gets a WAV header. Returns 0 or the
 * usage exit status (printed). */
int stream_check_output(struct cli *cli, const char *output, bool raw_out, bool wav_out,
			bool *wav);

struct stream_send_stats {
	uint64_t packets, bytes, late;
	uint64_t start_ns, end_ns;
	double jitter_sum, jitter_max; /* L2CAP: |send time - deadline|, ms */
	uint64_t blocked_ns;           /* A2DP: waiting for room in the socket */
	/* L2CAP, paced: lateness of each write (NULL: not paced), and when
	 * the last packet's audio ends by the clock (its send time plus its
	 * duration): paced_end_ns - start_ns against the audio's length is
	 * the drift. */
	const struct bts_pace_stats *pace;
	uint64_t paced_end_ns;
	bool realtime;                 /* paced under SCHED_FIFO */
};

/* A paced sender asks for real-time scheduling (SCHED_FIFO, a low
 * priority, not inherited by children) and a 1 ns timer slack, so that
 * its wake-ups are not queued behind other tasks of the same machine.
 * Without the privilege (CAP_SYS_NICE or an RLIMIT_RTPRIO) it carries
 * on as it was; -v says which. Returns whether it got it. */
bool stream_try_realtime(struct cli *cli);

/* The sender's summary on stdout; mtu is printed for A2DP only. */
void stream_print_source_stats(struct cli *cli, enum stream_kind kind,
			       const struct bts_source *src, const struct bts_sbc_config *c,
			       size_t mtu, const struct stream_send_stats *ss, bool done);

/* The receiver's summary on f; span (seconds from the first packet to
 * the last) is printed for L2CAP, peer for A2DP. */
void stream_print_sink_stats(struct cli *cli, enum stream_kind kind, FILE *f,
			     const struct bts_sink *sk, double span, const char *peer, bool done);

#endif
