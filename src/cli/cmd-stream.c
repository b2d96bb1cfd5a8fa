// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * btsync stream: SBC audio in A2DP media packets over L2CAP.
 *
 *   source: WAV or raw PCM -> SBC frames -> RTP packets, paced in real time
 *   sink:   packets -> jitter buffer -> SBC decoder -> WAV file or stdout
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "btsync/error.h"
#include "btsync/peer.h"
#include "btsync/sdp.h"
#include "btsync/socket.h"
#include "btsync/stream.h"
#include "btsync/util.h"
#include "cli.h"
#include "commands.h"
#include "audio-out.h"
#include "stream-a2dp.h"
#include "stream-common.h"

/* A2DP's usual L2CAP MTU for media; big enough for 5 frames at the
 * high-quality settings. */
#define STREAM_DEFAULT_MTU 672
#define STREAM_MTU_MIN 48       /* L2CAP's minimum MTU */
#define STREAM_MTU_MAX 8192
#define STREAM_DEFAULT_LATENCY_MS 100
#define STREAM_LATENCY_MAX_MS 2000
#define STREAM_LINGER_MS 1000   /* see linger_link() */

enum {
	OPT_PSM = 0x2000,
	OPT_FAST,
	OPT_MTU,
	OPT_BLOCKS,
	OPT_SUBBANDS,
	OPT_ALLOCATION,
	OPT_FORMAT,
	OPT_LATENCY,
	OPT_SAVE_SBC,
	OPT_NO_ADVERTISE,
	OPT_RAW,
	OPT_WAV,
	OPT_SECURITY,
	OPT_TIMEOUT,
	OPT_A2DP,
	OPT_NO_REALTIME,
};

static const struct option longopts[] = {
	{ "listen", no_argument, NULL, 'l' },
	{ "output", required_argument, NULL, 'o' },
	{ "psm", required_argument, NULL, OPT_PSM },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "fast", no_argument, NULL, OPT_FAST },
	{ "rate", required_argument, NULL, 'r' },
	{ "channels", required_argument, NULL, 'c' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "mode", required_argument, NULL, 'm' },
	{ "blocks", required_argument, NULL, OPT_BLOCKS },
	{ "subbands", required_argument, NULL, OPT_SUBBANDS },
	{ "allocation", required_argument, NULL, OPT_ALLOCATION },
	{ "bitpool", required_argument, NULL, 'b' },
	{ "latency", required_argument, NULL, OPT_LATENCY },
	{ "save-sbc", required_argument, NULL, OPT_SAVE_SBC },
	{ "no-advertise", no_argument, NULL, OPT_NO_ADVERTISE },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "wav", no_argument, NULL, OPT_WAV },
	{ "security", required_argument, NULL, OPT_SECURITY },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "a2dp", no_argument, NULL, OPT_A2DP },
	{ "no-realtime", no_argument, NULL, OPT_NO_REALTIME },
	{ 0 }
};

struct state {
	bool listen, fast, no_advertise, raw_out, wav_out, raw_in, no_realtime;
	bool a2dp, l2cap_opt;   /* --a2dp; an option only the L2CAP link has */
	const char *output, *save_sbc;
	unsigned long psm, mtu, latency_ms, timeout_s;
	/* explicit settings (0 / -1 = not given) */
	unsigned long rate, channels, blocks, subbands, bitpool;
	int mode, allocation;
	enum bts_security security;
};

static void init(void *p)
{
	struct state *s = p;

	s->mode = -1;
	s->allocation = -1;
	s->latency_ms = STREAM_DEFAULT_LATENCY_MS;
	s->timeout_s = 20;
}

static int option(struct cli *cli, void *p, int opt, const char *arg)
{
	struct state *s = p;
	enum bts_sbc_mode m;
	enum bts_sbc_alloc a;

	if (opt == OPT_PSM || opt == OPT_MTU || opt == OPT_SAVE_SBC || opt == OPT_NO_ADVERTISE ||
	    opt == OPT_SECURITY)
		s->l2cap_opt = true;
	switch (opt) {
	case 'l':
		s->listen = true;
		return 0;
	case OPT_A2DP:
		s->a2dp = true;
		return 0;
	case 'o':
		s->output = arg;
		return 0;
	case OPT_PSM:
		if (bts_parse_uint(arg, 1, 0xFFFF, &s->psm) < 0 ||
		    bts_port_valid(BTS_L2CAP, s->psm, 0) < 0)
			return cli_usage_error(cli, "invalid PSM '%s' (expected an odd number like 0x1001, with bit 8 clear)", arg);
		return 0;
	case OPT_MTU:
		return cli_parse_uint(cli, "--mtu", arg, STREAM_MTU_MIN, STREAM_MTU_MAX, &s->mtu);
	case OPT_FAST:
		s->fast = true;
		return 0;
	case OPT_NO_REALTIME:
		s->no_realtime = true;
		return 0;
	case 'r':
		return cli_parse_uint(cli, "--rate", arg, 1, 192000, &s->rate);
	case 'c':
		return cli_parse_uint(cli, "--channels", arg, 1, 2, &s->channels);
	case OPT_FORMAT:
		if (strcmp(arg, "s16le") && strcmp(arg, "wav"))
			return cli_usage_error(cli, "invalid --format '%s' (expected s16le for raw PCM, or wav)", arg);
		s->raw_in = !strcmp(arg, "s16le");
		return 0;
	case 'm':
		if (bts_sbc_mode_parse(arg, &m) < 0)
			return cli_usage_error(cli, "invalid --mode '%s' (expected mono, dual, stereo or joint)", arg);
		s->mode = (int)m;
		return 0;
	case OPT_BLOCKS:
		return cli_parse_uint(cli, "--blocks", arg, 4, 16, &s->blocks);
	case OPT_SUBBANDS:
		return cli_parse_uint(cli, "--subbands", arg, 4, 8, &s->subbands);
	case OPT_ALLOCATION:
		if (bts_sbc_alloc_parse(arg, &a) < 0)
			return cli_usage_error(cli, "invalid --allocation '%s' (expected loudness or snr)", arg);
		s->allocation = (int)a;
		return 0;
	case 'b':
		return cli_parse_uint(cli, "--bitpool", arg, BTS_SBC_BITPOOL_MIN, BTS_SBC_BITPOOL_MAX,
				      &s->bitpool);
	case OPT_LATENCY:
		return cli_parse_uint(cli, "--latency", arg, 0, STREAM_LATENCY_MAX_MS, &s->latency_ms);
	case OPT_SAVE_SBC:
		s->save_sbc = arg;
		return 0;
	case OPT_NO_ADVERTISE:
		s->no_advertise = true;
		return 0;
	case OPT_RAW:
		s->raw_out = true;
		return 0;
	case OPT_WAV:
		s->wav_out = true;
		return 0;
	case OPT_SECURITY:
		return cli_parse_security(cli, arg, &s->security);
	case OPT_TIMEOUT:
		return cli_parse_uint(cli, "--timeout", arg, 1, 3600, &s->timeout_s);
	}
	return cli_usage_error(cli, "unexpected option");
}

/* ---------------------------------------------------------------- */
/* Source */

/* Errors that mean the Bluetooth link went away mid-stream. */
static bool link_error(int err)
{
	switch (-err) {
	case ECONNRESET: case ENOTCONN: case ETIMEDOUT: case EHOSTDOWN:
	case EHOSTUNREACH: case EPIPE: case ECONNABORTED: case EIO:
		return true;
	default:
		return false;
	}
}

/* Packets that left this host can still be in flight (in the controller,
 * or a slow emulated link): a disconnect sent now overtakes them and the
 * far end loses the last ones (in the lab, up to half a second of audio).
 * So keep the link up a little longer, unless the peer hangs up first. */
static void linger_link(int fd)
{
	uint64_t end = bts_now_ns() + STREAM_LINGER_MS * 1000000ull;

	while (!cli_stop_signal) {
		uint64_t now = bts_now_ns();
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (now >= end || poll(&p, 1, (int)((end - now) / 1000000 + 1)) != 0)
			break;
	}
}

/* Settings from the options and the input's own format. Prints the
 * error; returns 0 or an exit status. */
static int pick_settings(struct cli *cli, const struct state *s, struct bts_pcm_reader *in,
			 const char *file, struct bts_sbc_config *c)
{
	unsigned rate, channels;
	const char *why;

	bts_sbc_config_default(c);
	if (in->wav) {
		/* 16-bit PCM: stream_open_input() checked it. */
		rate = in->info.rate;
		channels = in->info.channels;
		if (s->rate && s->rate != rate) {
			cli_warn(cli, "'%s' is %u Hz but --rate %lu was given (btsync does not resample; convert it first, e.g. 'sox IN -r %lu OUT.wav')",
				 file, rate, s->rate, s->rate);
			return BTS_EXIT_DATAERR;
		}
		if (s->channels && s->channels != channels) {
			cli_warn(cli, "'%s' has %u channel%s but --channels %lu was given (btsync does not remix)",
				 file, channels, channels == 1 ? "" : "s", s->channels);
			return BTS_EXIT_DATAERR;
		}
	} else {
		rate = s->rate ? (unsigned)s->rate : 44100;
		channels = s->channels ? (unsigned)s->channels : 2;
	}
	c->rate = rate;
	if (s->mode >= 0)
		c->mode = (enum bts_sbc_mode)s->mode;
	else
		c->mode = channels == 1 ? BTS_SBC_MONO : BTS_SBC_JOINT;
	if (bts_sbc_channels(c) != channels) {
		cli_warn(cli, "invalid settings: --mode %s needs %u channel%s but the input has %u",
			 bts_sbc_mode_name(c->mode), bts_sbc_channels(c),
			 bts_sbc_channels(c) == 1 ? "" : "s", channels);
		return in->wav ? BTS_EXIT_DATAERR : BTS_EXIT_USAGE;
	}
	if (s->blocks)
		c->blocks = (uint8_t)s->blocks;
	if (s->subbands)
		c->subbands = (uint8_t)s->subbands;
	if (s->allocation >= 0)
		c->allocation = (enum bts_sbc_alloc)s->allocation;
	if (s->bitpool)
		c->bitpool = (uint8_t)s->bitpool;
	if (bts_sbc_config_check(c, &why) < 0) {
		if (c->bitpool > bts_sbc_bitpool_max(c->mode, c->subbands)) {
			cli_warn(cli, "invalid settings: bitpool %u is above %u, the most %s with %u subbands allows",
				 c->bitpool, bts_sbc_bitpool_max(c->mode, c->subbands),
				 bts_sbc_mode_name(c->mode), c->subbands);
			return BTS_EXIT_USAGE;
		}
		if (in->wav && !s->rate && c->rate == rate && !strncmp(why, "SBC sampling", 12)) {
			/* The file's own rate is the problem. */
			cli_warn(cli, "'%s' is %u Hz: %s (resample it first, e.g. 'sox IN -r 48000 OUT.wav')",
				 file, rate, why);
			return BTS_EXIT_DATAERR;
		}
		cli_warn(cli, "invalid settings: %s", why);
		return BTS_EXIT_USAGE;
	}
	if (bts_sbc_above_a2dp_rate(c) && !cli->quiet)
		cli_warn(cli, "note: %lu kb/s is above the %u kb/s A2DP requires sinks to decode; btsync decodes it, some headphones may not",
			 bts_sbc_bitrate(c) / 1000,
			 (c->mode == BTS_SBC_MONO ? BTS_SBC_A2DP_RATE_MONO : BTS_SBC_A2DP_RATE_STEREO) / 1000);
	return 0;
}

static int run_source(struct cli *cli, struct state *s, int argc, char **argv)
{
	struct bts_peer_spec spec;
	struct bts_resolve_opts ro;
	struct bts_sockopts so;
	struct bts_pcm_reader in;
	uuid_t stream_uuid;
	struct bts_source src;
	struct bts_sbc_config cfg;
	struct bts_link link;
	struct bts_pacer pacer;
	struct stream_send_stats ss;
	struct bts_pace_stats *pace = NULL;
	uint8_t *pkt = NULL;
	uint64_t sent_samples = 0, next_report;
	const char *file;
	bdaddr_t addr;
	uint16_t port;
	size_t mtu;
	int fd = -1, err, status = 0;
	char abuf[18];

	if (argc != 2)
		return cli_usage_error(cli, argc < 2 ? "missing PEER and FILE (a WAV file, or - for standard input)"
					: "too many operands");
	if (s->output || s->save_sbc || s->raw_out || s->wav_out || s->no_advertise)
		return cli_usage_error(cli, "-o, --save-sbc, --raw, --wav and --no-advertise are for --listen");
	file = argv[1];
	err = bts_peer_parse(argv[0], &spec);
	if (err < 0)
		return cli_usage_error(cli, "invalid PEER '%s' (expected an address like 00:11:22:33:44:55, or a device name)",
				       argv[0]);
	if (s->psm)
		spec.port = (uint16_t)s->psm;

	/* The input first: a bad file fails before any radio traffic. */
	status = stream_open_input(cli, file, s->raw_in, &fd, &in);
	if (status)
		return status;
	status = pick_settings(cli, s, &in, file, &cfg);
	if (status)
		goto out_in;

	status = cli_open_adapter(cli);
	if (status)
		goto out_in;
	memset(&ro, 0, sizeof(ro));
	ro.dev_id = cli->adapter.dev_id;
	ro.src = &cli->adapter.addr;
	ro.proto = BTS_L2CAP;
	ro.timeout_ms = (int)s->timeout_s * 1000;
	ro.use_cache = true;
	if (bts_uuid_parse(BTS_UUID_STREAM, &stream_uuid) == 0)
		ro.service = &stream_uuid;
	err = bts_peer_resolve(&spec, &ro, &addr, &port);
	if (err < 0) {
		if (err == -BTS_ENOTIMPL && spec.has_addr && !spec.port)
			status = cli_usage_error(cli, "finding the stream's PSM over SDP is not available yet: give it with --psm (the listener prints it)");
		else
			status = cli_error(cli, err, "cannot find the stream service on '%s'", argv[0]);
		goto out_in;
	}
	memset(&so, 0, sizeof(so));
	so.security = s->security;
	so.connect_timeout_ms = (int)s->timeout_s * 1000;
	bts_addr_str(&addr, abuf);
	cli_debug(cli, 1, "connecting to %s PSM 0x%04x", abuf, port);
	err = bts_connect(&cli->adapter.addr, &addr, BTS_L2CAP, port, &so, &link);
	if (err < 0) {
		status = cli_connect_error(cli, err, "cannot connect to %s PSM 0x%04x", abuf, port);
		goto out_in;
	}
	mtu = link.omtu ? link.omtu : STREAM_DEFAULT_MTU;
	if (s->mtu && s->mtu < mtu)
		mtu = s->mtu;
	err = bts_source_init(&src, &cfg, &in, mtu, stream_random32(), (uint16_t)stream_random32(),
			      stream_random32());
	if (err == -BTS_ETOOBIG) {
		cli_warn(cli, "the link's MTU of %zu bytes cannot carry one %zu-byte SBC frame in a media packet (lower --bitpool, --blocks or --subbands)",
			 mtu, bts_sbc_frame_len(&cfg));
		status = BTS_EXIT_USAGE;
		goto out_link;
	}
	if (err < 0) {
		status = cli_error(cli, err, "encoder");
		goto out_link;
	}
	pkt = malloc(mtu);
	/* Flat: one fixed histogram however long the stream. */
	pace = malloc(sizeof(*pace));
	if (!pkt || !pace) {
		status = cli_error(cli, -ENOMEM, NULL);
		goto out_src;
	}
	if (!cli->quiet)
		fprintf(stderr, "btsync: stream: streaming to %s PSM 0x%04x: %u Hz %s, %u blocks, %u subbands, %s, bitpool %u (%lu kb/s), %u frames per packet\n",
			abuf, port, cfg.rate, bts_sbc_mode_name(cfg.mode), cfg.blocks, cfg.subbands,
			bts_sbc_alloc_name(cfg.allocation), cfg.bitpool, bts_sbc_bitrate(&cfg) / 1000,
			src.frames_per_packet);

	memset(&ss, 0, sizeof(ss));
	if (!s->fast && !s->no_realtime)
		ss.realtime = stream_try_realtime(cli);
	bts_pace_stats_init(pace);
	ss.pace = s->fast ? NULL : pace;
	cli_catch_signals();
	in.stop = &cli_stop_signal;
	ss.start_ns = bts_now_ns();
	bts_pacer_start(&pacer, cfg.rate, ss.start_ns);
	next_report = ss.start_ns + 1000000000ull;
	for (;;) {
		unsigned samples;
		ssize_t len;
		uint64_t now, due;
		double dev;

		if (cli_stop_signal) {
			status = BTS_EXIT_INTERRUPTED;
			break;
		}
		len = bts_source_next(&src, pkt, mtu, &samples);
		if (len == -EINTR) {
			status = BTS_EXIT_INTERRUPTED;
			break;
		}
		if (len < 0) {
			status = cli_error(cli, (int)len, "reading '%s'", file);
			break;
		}
		if (len == 0)
			break;
		due = bts_pacer_deadline(&pacer, sent_samples);
		if (!s->fast) {
			err = bts_pacer_wait(&pacer, sent_samples);
			if (err == -EINTR && cli_stop_signal) {
				status = BTS_EXIT_INTERRUPTED;
				break;
			}
		}
		now = bts_now_ns();
		if (!s->fast) {
			dev = ((double)now - (double)due) / 1e6;
			if (dev < 0)
				dev = -dev;
			ss.jitter_sum += dev;
			if (dev > ss.jitter_max)
				ss.jitter_max = dev;
			/* Late: sent after the previous packet's audio would
			 * have run out at the far end. */
			if (now > due + (uint64_t)samples * 1000000000ull / cfg.rate)
				ss.late++;
		}
		for (;;) {
			ssize_t n = send(link.fd, pkt, (size_t)len, MSG_NOSIGNAL);

			if (n == len)
				break;
			if (n < 0 && errno == EINTR && !cli_stop_signal)
				continue;
			err = n < 0 ? -errno : -EIO;
			break;
		}
		if (cli_stop_signal) {
			status = BTS_EXIT_INTERRUPTED;
			break;
		}
		if (err < 0 && err != -EINTR) {
			status = cli_error(cli, err, "sending to %s", abuf);
			if (link_error(err))
				status = BTS_EXIT_LINKLOST;
			break;
		}
		err = 0;
		if (!s->fast) {
			/* When the write returned, against the deadline: what
			 * the far end sees, the send call included. */
			uint64_t sent = bts_now_ns();

			bts_pace_stats_add(pace, (int64_t)(sent - due));
			ss.paced_end_ns = sent + (uint64_t)samples * 1000000000ull / cfg.rate;
		}
		ss.packets++;
		ss.bytes += (uint64_t)len;
		sent_samples += samples;
		if (cli->verbose && now >= next_report) {
			ss.end_ns = now;
			fprintf(stderr, "btsync: stream: %.1f s sent, %" PRIu64 " packets, %" PRIu64 " late, jitter %.2f ms (max %.2f)",
				(double)sent_samples / cfg.rate, ss.packets, ss.late,
				ss.packets ? ss.jitter_sum / (double)ss.packets : 0, ss.jitter_max);
			if (ss.pace)
				fprintf(stderr, ", send error p50 %.2f ms p99 %.2f ms",
					(double)bts_pace_stats_quantile(pace, 0.50) / 1e6,
					(double)bts_pace_stats_quantile(pace, 0.99) / 1e6);
			fputc('\n', stderr);
			next_report += 1000000000ull;
		}
	}
	ss.end_ns = bts_now_ns();
	if (status == 0) {
		uint64_t t0 = bts_now_ns();
		int derr = bts_link_drain(link.fd, 10000, &cli_stop_signal);

		cli_debug(cli, 1, "send queue drained in %.0f ms%s", (double)(bts_now_ns() - t0) / 1e6,
			  derr < 0 ? " (gave up)" : "");
	}
	if (status == 0)
		linger_link(link.fd);
	if (!cli->quiet || cli->format == OUT_JSON)
		stream_print_source_stats(cli, STREAM_L2CAP, &src, &cfg, 0, &ss, status == 0);
	if (ss.pace && cli->verbose && ss.pace->count)
		fprintf(stderr, "btsync: stream: send error p50 %.3f ms, p99 %.3f ms, max %.3f ms over %" PRIu64 " packets; paced %.3f s for %.3f s of audio\n",
			(double)bts_pace_stats_quantile(pace, 0.50) / 1e6,
			(double)bts_pace_stats_quantile(pace, 0.99) / 1e6,
			(double)pace->max_ns / 1e6, pace->count,
			(double)(ss.paced_end_ns - ss.start_ns) / 1e9,
			(double)src.samples_total / cfg.rate);
out_src:
	free(pkt);
	free(pace);
	bts_source_free(&src);
out_link:
	shutdown(link.fd, SHUT_RDWR);
	close(link.fd);
out_in:
	bts_pcm_close(&in);
	if (fd >= 0 && fd != STDIN_FILENO)
		close(fd);
	return status;
}

/* ---------------------------------------------------------------- */
/* Sink */

struct sink_ctx {
	struct cli *cli;
	struct audio_out out, sbc;
	bool save_sbc;
};

static int on_format(void *p, const struct bts_sbc_config *cfg)
{
	struct sink_ctx *c = p;

	cli_debug(c->cli, 1, "receiving %u Hz %s, %u blocks, %u subbands, %s, bitpool %u",
		  cfg->rate, bts_sbc_mode_name(cfg->mode), cfg->blocks, cfg->subbands,
		  bts_sbc_alloc_name(cfg->allocation), cfg->bitpool);
	return audio_out_format(&c->out, cfg);
}

static int on_pcm(void *p, const void *pcm, size_t len)
{
	struct sink_ctx *c = p;

	return audio_out_write(&c->out, pcm, len);
}

static int on_frame(void *p, const uint8_t *frame, size_t len)
{
	struct sink_ctx *c = p;

	return c->save_sbc ? audio_out_write(&c->sbc, frame, len) : 0;
}

static int run_sink(struct cli *cli, struct state *s, int argc, char **argv)
{
	struct bts_sockopts so;
	struct bts_sdp_record rec;
	struct bts_advert *adv = NULL;
	struct sink_ctx ctx;
	struct bts_sink sink;
	struct bts_link link;
	uint8_t *pkt = NULL;
	uint16_t psm = 0;
	int lfd, err, status = 0;
	uint64_t first_ns = 0, last_ns = 0;
	const char *output = s->output ? s->output : "-";
	FILE *statf = stdout;
	bool done = false, partial = false, wav;
	char abuf[18];

	(void)argv;
	if (argc > 0)
		return cli_usage_error(cli, "--listen takes no operands (write the audio with -o FILE or -o -)");
	if (s->fast || s->rate || s->channels || s->raw_in || s->mode >= 0 || s->blocks ||
	    s->subbands || s->allocation >= 0 || s->bitpool)
		return cli_usage_error(cli, "encoder settings and --fast are for the sending side; the sink follows the stream's SBC headers");
	status = stream_check_output(cli, output, s->raw_out, s->wav_out, &wav);
	if (status)
		return status;
	status = cli_open_adapter(cli);
	if (status)
		return status;

	memset(&ctx, 0, sizeof(ctx));
	ctx.cli = cli;
	audio_out_init(&ctx.out);
	audio_out_init(&ctx.sbc);
	memset(&sink, 0, sizeof(sink));
	sink.on_format = on_format;
	sink.on_pcm = on_pcm;
	sink.on_frame = on_frame;
	sink.ctx = &ctx;

	memset(&so, 0, sizeof(so));
	so.security = s->security;
	so.mtu = (uint16_t)(s->mtu ? s->mtu : STREAM_DEFAULT_MTU);
	lfd = bts_listen(&cli->adapter.addr, BTS_L2CAP, (uint16_t)s->psm, &so, 1, &psm);
	if (lfd < 0) {
		if (lfd == -EADDRINUSE)
			return cli_error(cli, lfd, "PSM 0x%04lx is taken (choose another with --psm, or leave it out)",
					 s->psm);
		return cli_error(cli, lfd, "cannot listen on L2CAP");
	}
	if (!s->no_advertise) {
		memset(&rec, 0, sizeof(rec));
		rec.name = "btsync stream";
		rec.description = "SBC audio in A2DP media packets";
		rec.proto = BTS_L2CAP;
		rec.port = psm;
		err = bts_uuid_parse(BTS_UUID_STREAM, &rec.service_class);
		if (err == 0)
			err = bts_sdp_advertise(&rec, &cli->adapter.addr, &adv);
		if (err < 0) {
			adv = NULL;
			cli_warn(cli, "warning: cannot advertise over SDP: %s; senders must give --psm 0x%04x",
				 bts_strerror(err), psm);
		}
	}
	if (!cli->quiet)
		fprintf(stderr, "btsync: stream: listening on hci%d (%s) L2CAP PSM 0x%04x\n",
			cli->adapter.dev_id, bts_addr_str(&cli->adapter.addr, abuf), psm);

	cli_catch_signals();
	err = cli_wait_client(lfd, BTS_L2CAP, &link);
	close(lfd);
	if (err < 0) {
		status = cli_stop_signal ? BTS_EXIT_INTERRUPTED : cli_error(cli, err, "accept");
		goto out_adv;
	}
	cli_debug(cli, 1, "connected from %s (imtu %u, omtu %u)", bts_addr_str(&link.peer, abuf),
		  link.imtu, link.omtu);

	err = audio_out_open(&ctx.out, output, wav);
	if (err == 0 && s->save_sbc) {
		ctx.save_sbc = true;
		err = audio_out_open(&ctx.sbc, s->save_sbc, false);
	}
	if (err < 0) {
		status = cli_error(cli, err, "cannot create '%s'",
				   ctx.out.fd < 0 ? output : s->save_sbc);
		goto out_files;
	}
	if (ctx.out.is_stdout)
		statf = stderr;
	/* L2CAP basic mode has no flow control: what a full receive buffer
	 * cannot take is dropped. Room for a second or so of a fast sender
	 * (best effort: above net.core.rmem_max only with CAP_NET_ADMIN). */
	{
		int sz = 1 << 20;

		if (setsockopt(link.fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
			setsockopt(link.fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	/* Room for one byte more than the MTU, so an oversized packet shows. */
	pkt = malloc((size_t)link.imtu + 1);
	err = pkt ? bts_sink_init(&sink, (unsigned)s->latency_ms, (size_t)link.imtu + 1) : -ENOMEM;
	if (err < 0) {
		status = cli_error(cli, err, "jitter buffer");
		goto out_files;
	}

	for (;;) {
		struct pollfd pfd = { .fd = link.fd, .events = POLLIN };
		int timeout = bts_sink_timeout_ms(&sink, bts_now_ns());
		ssize_t n;
		int r;

		if (cli_stop_signal) {
			status = BTS_EXIT_INTERRUPTED;
			break;
		}
		r = poll(&pfd, 1, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			status = cli_error(cli, -errno, "poll");
			break;
		}
		if (r == 0) {
			err = bts_sink_poll(&sink, bts_now_ns());
			if (err < 0) {
				status = cli_error(cli, err, "writing '%s'", output);
				break;
			}
			continue;
		}
		n = recv(link.fd, pkt, (size_t)link.imtu + 1, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* The source hung up: its last packets are in. */
			if (errno == ECONNRESET || errno == ENOTCONN) {
				cli_debug(cli, 1, "the sender hung up: %s", strerror(errno));
				done = true;
				break;
			}
			err = -errno;
			status = cli_error(cli, err, "receiving");
			if (link_error(err))
				status = BTS_EXIT_LINKLOST;
			break;
		}
		if (n == 0) {
			cli_debug(cli, 1, "the sender closed the stream");
			done = true;
			break;
		}
		last_ns = bts_now_ns();
		if (!first_ns)
			first_ns = last_ns;
		err = bts_sink_packet(&sink, pkt, (size_t)n, last_ns);
		if (err < 0) {
			status = cli_error(cli, err, "writing '%s'", output);
			break;
		}
		if (cli->verbose >= 2 && sink.st.packets % 100 == 0)
			cli_debug(cli, 2, "%" PRIu64 " packets, %" PRIu64 " lost, %" PRIu64 " bad",
				  sink.st.packets, sink.st.lost, sink.st.bad_packets);
	}
	/* End of stream, or interrupted: what arrived is still good audio,
	 * so it is played out and the file completed either way. */
	partial = status == BTS_EXIT_INTERRUPTED || status == BTS_EXIT_LINKLOST;
	if (status == 0 || partial) {
		err = bts_sink_flush(&sink);
		if (err == 0)
			err = audio_out_finish(&ctx.out);
		if (err < 0)
			status = cli_error(cli, err, "writing '%s'", output);
	}
	if (!cli->quiet || cli->format == OUT_JSON)
		stream_print_sink_stats(cli, STREAM_L2CAP, statf, &sink,
					last_ns > first_ns ? (double)(last_ns - first_ns) / 1e9 : 0,
					NULL, done);
	shutdown(link.fd, SHUT_RDWR);
	close(link.fd);
out_files:
	{
		bool keep = status == 0 || status == BTS_EXIT_INTERRUPTED ||
			    status == BTS_EXIT_LINKLOST;
		int e1 = audio_out_close(&ctx.out, keep);
		int e2 = audio_out_close(&ctx.sbc, keep);

		if (!status && (e1 < 0 || e2 < 0))
			status = cli_error(cli, e1 < 0 ? e1 : e2, "writing '%s'",
					   e1 < 0 ? output : s->save_sbc);
	}
	bts_sink_free(&sink);
	free(pkt);
out_adv:
	if (adv)
		bts_sdp_withdraw(adv);
	return status;
}

static int run(struct cli *cli, void *p, int argc, char **argv)
{
	struct state *s = p;

	if (s->a2dp) {
		struct stream_a2dp_opts o = {
			.listen = s->listen, .fast = s->fast, .l2cap_only = s->l2cap_opt,
			.raw_in = s->raw_in, .raw_out = s->raw_out, .wav_out = s->wav_out,
			.output = s->output, .rate = s->rate, .channels = s->channels,
			.blocks = s->blocks, .subbands = s->subbands, .bitpool = s->bitpool,
			.mode = s->mode, .allocation = s->allocation,
			.latency_ms = s->latency_ms, .timeout_s = s->timeout_s,
			.no_realtime = s->no_realtime,
		};

		return stream_a2dp_run(cli, &o, argc, argv);
	}
	if (s->listen)
		return run_sink(cli, s, argc, argv);
	return run_source(cli, s, argc, argv);
}

const struct cmd cmd_stream = {
	.name = "stream",
	.summary = "stream SBC audio A2DP-style, or receive and decode it",
	.usage = "PEER FILE.wav|-   or   --listen [-o OUT.wav|-]",
	.help =
		"Sending (PEER FILE.wav|-):\n"
		"      --psm PSM            the listener's L2CAP PSM (printed by 'stream --listen')\n"
		"      --fast               send as fast as the link allows, not in real time\n"
		"      --no-realtime        pace without asking for real-time scheduling\n"
		"  -r, --rate HZ            16000, 32000, 44100 or 48000 (default: the WAV's, else 44100)\n"
		"  -c, --channels N         1 or 2 (default: the WAV's, else 2)\n"
		"      --format s16le       the input is raw 16-bit little-endian PCM, not WAV\n"
		"  -m, --mode MODE          mono, dual, stereo or joint (default: joint, mono for 1 channel)\n"
		"      --blocks N           4, 8, 12 or 16 (default 16)\n"
		"      --subbands N         4 or 8 (default 8)\n"
		"      --allocation A       loudness or snr (default loudness)\n"
		"  -b, --bitpool N          2-250 within the mode's limit (default 53: 328 kb/s)\n"
		"      --mtu N              largest packet to send (default: the link's MTU)\n"
		"\n"
		"Receiving (--listen):\n"
		"  -l, --listen             accept one stream, decode it, write the audio\n"
		"  -o, --output FILE|-      WAV file (default), or - for raw PCM on stdout\n"
		"      --raw / --wav        raw PCM into FILE / a WAV header on stdout\n"
		"      --latency MS         jitter buffer (default 100, 0-2000)\n"
		"      --save-sbc FILE      also keep the SBC frames as received (for sbcdec)\n"
		"      --psm PSM            listen on this PSM (default: the first free one)\n"
		"      --mtu N              incoming MTU to ask for (default 672)\n"
		"      --no-advertise       do not publish an SDP record\n"
		"\n"
		"Both: --security low|medium|high|fips, --timeout SECONDS (connect, default 20).\n"
		"      --a2dp               through bluetoothd to/from standard A2DP devices\n"
		"                           (see 'man btsync-stream', section A2DP)\n"
		"\n"
		"Examples:\n"
		"  btsync stream --listen -o out.wav\n"
		"  btsync stream --listen -o - | aplay -f cd\n"
		"  btsync stream --psm 0x1001 00:11:22:33:44:55 song.wav\n",
	.shortopts = "lo:r:c:m:b:",
	.longopts = longopts,
	.state_size = sizeof(struct state),
	.init = init,
	.option = option,
	.run = run,
};
