// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <unistd.h>

#include "btsync/error.h"
#include "btsync/util.h"
#include "output.h"
#include "stream-common.h"

uint32_t stream_random32(void)
{
	uint32_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (uint32_t)bts_now_ns() * 2654435761u;
	return v;
}

int stream_open_input(struct cli *cli, const char *file, bool raw, int *fd,
		      struct bts_pcm_reader *in)
{
	const char *why = "unknown layout";
	int err;

	*fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (*fd < 0)
		return cli_error(cli, -errno, "cannot open '%s'", file);
	if (raw) {
		bts_pcm_open_raw(in, *fd);
		return 0;
	}
	err = bts_pcm_open_wav(in, *fd);
	if (err == 0 && bts_wav_check_pcm16(&in->info, &why) == 0)
		return 0;
	if (*fd != STDIN_FILENO)
		close(*fd);
	*fd = -1;
	if (err == -BTS_EBADMEDIA) {
		cli_warn(cli, "'%s' is not a WAV file (for raw PCM give --format s16le, --rate and --channels)",
			 file);
		return BTS_EXIT_DATAERR;
	}
	if (err < 0)
		return cli_error(cli, err, "reading '%s'", file);
	bts_pcm_close(in);
	cli_warn(cli, "'%s': unsupported WAV format: %s (convert it to 16-bit PCM, e.g. 'sox IN -b 16 OUT.wav')",
		 file, why);
	return BTS_EXIT_DATAERR;
}

int stream_check_output(struct cli *cli, const char *output, bool raw_out, bool wav_out,
			bool *wav)
{
	if (raw_out && wav_out)
		return cli_usage_error(cli, "--raw and --wav exclude each other");
	if (!strcmp(output, "-") && isatty(STDOUT_FILENO))
		return cli_usage_error(cli, "refusing to write audio to a terminal (use -o FILE.wav, or pipe into 'aplay')");
	*wav = !strcmp(output, "-") ? wav_out : !raw_out;
	return 0;
}

static const struct out_col l2cap_source_cols[] = {
	{ "frames", "FRAMES", 8 },
	{ "packets", "PACKETS", 8 },
	{ "seconds", "AUDIO", 8 },
	{ "elapsed", "ELAPSED", 8 },
	{ "kbps", "KBPS", 6 },
	{ "jitter_ms", "JITTER_MS", 10 },
	{ "jitter_max_ms", "MAX_MS", 8 },
	{ "late", "LATE", 0 },
};

static const struct out_col a2dp_source_cols[] = {
	{ "frames", "FRAMES", 8 },
	{ "packets", "PACKETS", 8 },
	{ "seconds", "AUDIO", 8 },
	{ "elapsed", "ELAPSED", 8 },
	{ "kbps", "KBPS", 6 },
	{ "late", "LATE", 0 },
};

/* Above ordinary tasks, far below the kernel's own real-time threads and
 * audio servers (PipeWire asks for 20 and more). */
#define STREAM_RT_PRIORITY 10

bool stream_try_realtime(struct cli *cli)
{
	struct sched_param sp = { .sched_priority = STREAM_RT_PRIORITY };

	/* Timer slack lets the kernel fire a sleep up to 50 us late by
	 * default, to merge wake-ups: not what a paced sender wants. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) < 0) {
		cli_debug(cli, 1, "pacing without real-time scheduling (%s)", strerror(errno));
		return false;
	}
	cli_debug(cli, 1, "pacing with real-time scheduling (SCHED_FIFO %d)", STREAM_RT_PRIORITY);
	return true;
}

void stream_print_source_stats(struct cli *cli, enum stream_kind kind,
			       const struct bts_source *src, const struct bts_sbc_config *c,
			       size_t mtu, const struct stream_send_stats *ss, bool done)
{
	struct out o;
	double audio = (double)src->samples_total / c->rate;
	bool l2cap = kind == STREAM_L2CAP;

	if (l2cap)
		out_init(&o, cli->format, stdout, l2cap_source_cols,
			 BTS_ARRAY_SIZE(l2cap_source_cols), true);
	else
		out_init(&o, cli->format, stdout, a2dp_source_cols,
			 BTS_ARRAY_SIZE(a2dp_source_cols), true);
	out_begin(&o);
	out_int(&o, "frames", (long long)src->frames_total);
	out_int(&o, "packets", (long long)ss->packets);
	out_int(&o, "bytes", (long long)ss->bytes);
	out_double(&o, "seconds", audio, 2);
	out_double(&o, "elapsed", (double)(ss->end_ns - ss->start_ns) / 1e9, 3);
	out_double(&o, "kbps", audio > 0 ? (double)ss->bytes * 8 / audio / 1000 : 0, 1);
	out_bool(&o, "realtime", ss->realtime);
	if (l2cap) {
		out_double(&o, "jitter_ms",
			   ss->packets ? ss->jitter_sum / (double)ss->packets : 0, 3);
		out_double(&o, "jitter_max_ms", ss->jitter_max, 3);
		if (ss->pace && ss->pace->count) {
			out_double(&o, "pace_p50_ms",
				   (double)bts_pace_stats_quantile(ss->pace, 0.50) / 1e6, 3);
			out_double(&o, "pace_p99_ms",
				   (double)bts_pace_stats_quantile(ss->pace, 0.99) / 1e6, 3);
			out_double(&o, "pace_max_ms", (double)ss->pace->max_ns / 1e6, 3);
			out_double(&o, "paced_seconds",
				   (double)(ss->paced_end_ns - ss->start_ns) / 1e9, 4);
		}
	}
	out_int(&o, "late", (long long)ss->late);
	out_int(&o, "rate", c->rate);
	out_str(&o, "mode", bts_sbc_mode_name(c->mode));
	if (!l2cap) {
		out_int(&o, "blocks", c->blocks);
		out_int(&o, "subbands", c->subbands);
		out_str(&o, "allocation", bts_sbc_alloc_name(c->allocation));
	}
	out_int(&o, "bitpool", c->bitpool);
	if (l2cap)
		out_int(&o, "frame_bytes", (long long)bts_sbc_frame_len(c));
	else
		out_int(&o, "mtu", (long long)mtu);
	out_int(&o, "frames_per_packet", src->frames_per_packet);
	out_bool(&o, "complete", done);
	out_end(&o);
}

static const struct out_col sink_cols[] = {
	{ "packets", "PACKETS", 8 },
	{ "lost", "LOST", 6 },
	{ "late", "LATE", 6 },
	{ "bad", "BAD", 6 },
	{ "frames", "FRAMES", 8 },
	{ "seconds", "DECODED", 8 },
	{ "silence_s", "SILENCE", 0 },
};

void stream_print_sink_stats(struct cli *cli, enum stream_kind kind, FILE *f,
			     const struct bts_sink *sk, double span, const char *peer, bool done)
{
	struct out o;
	uint32_t rate = sk->have_format ? sk->cfg.rate : 0;
	bool l2cap = kind == STREAM_L2CAP;

	out_init(&o, cli->format, f, sink_cols, BTS_ARRAY_SIZE(sink_cols), true);
	out_begin(&o);
	out_int(&o, "packets", (long long)sk->st.packets);
	out_int(&o, "lost", (long long)sk->st.lost);
	out_int(&o, "late", (long long)sk->st.late);
	out_int(&o, "bad", (long long)sk->st.bad_packets);
	if (l2cap) {
		out_int(&o, "mismatched", (long long)sk->st.mismatched);
		out_int(&o, "duplicates", (long long)sk->st.duplicates);
		out_int(&o, "foreign", (long long)sk->st.foreign);
	}
	out_int(&o, "frames", (long long)sk->st.frames);
	out_int(&o, "bad_frames", (long long)sk->st.bad_frames);
	out_int(&o, "samples", (long long)sk->st.samples);
	out_double(&o, "seconds", rate ? (double)sk->st.samples / rate : 0, 3);
	out_double(&o, "silence_s", rate ? (double)sk->st.silence / rate : 0, 3);
	if (l2cap)
		out_double(&o, "arrival_span", span, 3);
	else
		out_str(&o, "peer", peer);
	out_int(&o, "rate", rate);
	out_int(&o, "channels", sk->have_format ? bts_sbc_channels(&sk->cfg) : 0);
	if (l2cap)
		out_str(&o, "mode", sk->have_format ? bts_sbc_mode_name(sk->cfg.mode) : NULL);
	out_int(&o, "bitpool", sk->have_format ? sk->cfg.bitpool : 0);
	out_bool(&o, "complete", done);
	out_end(&o);
}
