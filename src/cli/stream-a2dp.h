/* SPDX-License-Identifier: GPL-2.0-or-later */
/* btsync stream --a2dp: the same SBC stream, through bluetoothd to a
 * standard A2DP sink (headphones, speakers) or from a standard source. */
#ifndef BTSYNC_STREAM_A2DP_H
#define BTSYNC_STREAM_A2DP_H

#include <stdbool.h>

#include "cli.h"

/* The stream options that matter for A2DP, as cmd-stream.c parsed them.
 * Numbers are 0 and enums -1 when not given. */
struct stream_a2dp_opts {
	bool listen;          /* be a sink */
	bool fast;            /* refused: a sink plays in real time */
	bool no_realtime;     /* pace without SCHED_FIFO */
	bool l2cap_only;      /* --psm, --mtu, --save-sbc, --no-advertise or
	                       * --security given: refused, they do not apply */
	bool raw_in;          /* --format s16le */
	bool raw_out, wav_out;
	const char *output;   /* -o, NULL = stdout */
	unsigned long rate, channels, blocks, subbands, bitpool;
	int mode;             /* enum bts_sbc_mode or -1 */
	int allocation;       /* enum bts_sbc_alloc or -1 */
	unsigned long latency_ms;
	unsigned long timeout_s; /* connecting (source) */
};

/* Run "stream --a2dp" with the operands left in argv. Prints its own
 * errors; returns the exit status. */
int stream_a2dp_run(struct cli *cli, const struct stream_a2dp_opts *o, int argc, char **argv);

#endif
