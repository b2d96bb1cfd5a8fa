// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * btsync stream --a2dp: SBC audio through bluetoothd's A2DP, so that the
 * far end can be any standard sink (headphones, speakers) or source (a
 * phone). btsync registers a media endpoint, bluetoothd negotiates the
 * stream and hands over the media socket, and the same source/sink loop
 * as the L2CAP stream (btsync/stream.h) runs on it.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "btsync/a2dp.h"
#include "btsync/error.h"
#include "btsync/media_endpoint.h"
#include "btsync/peer.h"
#include "btsync/stream.h"
#include "btsync/util.h"
#include "cli.h"
#include "audio-out.h"
#include "stream-a2dp.h"
#include "stream-common.h"

/* A media socket that accepts nothing for this long is a lost link: the
 * sink went out of range or was switched off (the L2CAP channel itself
 * may take much longer to time out). */
#define A2DP_STALL_MS 5000
/* How long to let queued packets leave at the end. */
#define A2DP_DRAIN_MS 2000

static void to_sbc(const struct bts_a2dp_sbc_config *a, struct bts_sbc_config *c)
{
	static const enum bts_sbc_mode modes[] = {
		[BTS_A2DP_MONO] = BTS_SBC_MONO,
		[BTS_A2DP_DUAL] = BTS_SBC_DUAL,
		[BTS_A2DP_STEREO] = BTS_SBC_STEREO,
		[BTS_A2DP_JOINT] = BTS_SBC_JOINT,
	};

	memset(c, 0, sizeof(*c));
	c->rate = a->rate;
	c->mode = modes[a->mode];
	c->blocks = (uint8_t)a->blocks;
	c->subbands = (uint8_t)a->subbands;
	c->allocation = a->alloc == BTS_A2DP_SNR ? BTS_SBC_SNR : BTS_SBC_LOUDNESS;
	c->bitpool = (uint8_t)a->bitpool;
}

static enum bts_a2dp_mode from_sbc_mode(int m)
{
	switch (m) {
	case BTS_SBC_MONO:
		return BTS_A2DP_MONO;
	case BTS_SBC_DUAL:
		return BTS_A2DP_DUAL;
	case BTS_SBC_STEREO:
		return BTS_A2DP_STEREO;
	default:
		return BTS_A2DP_JOINT;
	}
}

static uint8_t mode_bit(enum bts_a2dp_mode m)
{
	static const uint8_t bits[] = {
		[BTS_A2DP_MONO] = BTS_A2DP_MODE_MONO,
		[BTS_A2DP_DUAL] = BTS_A2DP_MODE_DUAL,
		[BTS_A2DP_STEREO] = BTS_A2DP_MODE_STEREO,
		[BTS_A2DP_JOINT] = BTS_A2DP_MODE_JOINT,
	};

	return bits[m];
}

/* The message for a failed endpoint step, with what the user can do. */
static int endpoint_error(struct cli *cli, struct bts_endpoint *ep, int err, const char *peer)
{
	const char *detail = bts_endpoint_detail(ep);
	struct bts_a2dp_sbc_caps offered;
	char buf[200];

	switch (-err) {
	case BTS_ENOBLUEZ:
		cli_warn(cli, "bluetoothd is not running on the system bus%s%s (A2DP needs it: start it with 'systemctl start bluetooth')",
			 *detail ? ": " : "", detail);
		return BTS_EXIT_UNAVAILABLE;
	case BTS_ENOADAPTER:
		cli_warn(cli, "bluetoothd does not manage this adapter (%s)", detail);
		return BTS_EXIT_UNAVAILABLE;
	case BTS_ENOTPAIRED:
		cli_warn(cli, "%s: %s; pair it first: 'bluetoothctl pair %s' then 'bluetoothctl trust %s'",
			 peer, *detail ? detail : "not paired", peer, peer);
		return BTS_EXIT_CONNECT;
	case BTS_EREFUSED:
		if (bts_endpoint_offered(ep, &offered)) {
			bts_a2dp_sbc_caps_str(&offered, buf, sizeof(buf));
			cli_warn(cli, "%s refuses every SBC configuration btsync can send: %s (it offers %s)",
				 peer, detail, buf);
			return BTS_EXIT_PEER;
		}
		cli_warn(cli, "%s: %s", peer, detail);
		return BTS_EXIT_PEER;
	case BTS_ENOSERVICE:
		cli_warn(cli, "%s has no A2DP sink (it is not headphones or a speaker?)%s%s", peer,
			 *detail ? ": " : "", detail);
		return BTS_EXIT_NOTFOUND;
	case ENOTSUP:
		cli_warn(cli, "bluetoothd refused the A2DP endpoint (%s): is it built with the A2DP plugin, and does another program hold the adapter's audio?",
			 detail);
		return BTS_EXIT_UNAVAILABLE;
	case EIO:
		cli_warn(cli, "cannot connect the A2DP stream to %s: %s (tried twice; a sink running BlueZ 5.66 fails like this on its AVDTP transaction-label bug: update BlueZ there, see 'man btsync-stream', A2DP)",
			 peer, *detail ? detail : "i/o error");
		return BTS_EXIT_CONNECT;
	default:
		if (*detail)
			return cli_error(cli, err, "%s: %s", peer, detail);
		return cli_error(cli, err, "%s", peer);
	}
}

/* ---------------------------------------------------------------- */
/* Source: a WAV file or stdin to an A2DP sink */

static int open_input(struct cli *cli, const struct stream_a2dp_opts *o, const char *file,
		      int *fd, struct bts_pcm_reader *in, unsigned *rate, unsigned *channels)
{
	int status = stream_open_input(cli, file, o->raw_in, fd, in);

	if (status)
		return status;
	if (o->raw_in) {
		*rate = o->rate ? (unsigned)o->rate : 44100;
		*channels = o->channels ? (unsigned)o->channels : 2;
		return 0;
	}
	*rate = in->info.rate;
	*channels = in->info.channels;
	if ((o->rate && o->rate != *rate) || (o->channels && o->channels != *channels)) {
		cli_warn(cli, "'%s' is %u Hz with %u channel%s, which --rate/--channels contradict (btsync does not resample or remix)",
			 file, *rate, *channels, *channels == 1 ? "" : "s");
		return BTS_EXIT_DATAERR;
	}
	return 0;
}

/* What we can send for this input, narrowed by the options. */
static int our_caps(struct cli *cli, const struct stream_a2dp_opts *o, const char *file,
		    unsigned rate, unsigned channels, struct bts_a2dp_sbc_caps *caps,
		    struct bts_a2dp_sbc_config *pref)
{
	if (bts_a2dp_sbc_caps_for_input(rate, channels, caps) < 0) {
		cli_warn(cli, "'%s' is %u Hz: A2DP carries 16000, 32000, 44100 or 48000 Hz (resample it first, e.g. 'sox IN -r 44100 OUT.wav')",
			 file, rate);
		return BTS_EXIT_DATAERR;
	}
	memset(pref, 0, sizeof(*pref));
	pref->rate = rate;
	pref->mode = channels == 1 ? BTS_A2DP_MONO : BTS_A2DP_JOINT;
	pref->blocks = 16;
	pref->subbands = 8;
	pref->alloc = BTS_A2DP_LOUDNESS;
	pref->bitpool = o->bitpool ? (unsigned)o->bitpool : 53;
	if (o->mode >= 0) {
		enum bts_a2dp_mode m = from_sbc_mode(o->mode);

		if (!(caps->modes & mode_bit(m))) {
			cli_warn(cli, "invalid settings: --mode %s needs %u channel%s but the input has %u",
				 bts_a2dp_mode_name(m), bts_a2dp_mode_channels(m),
				 bts_a2dp_mode_channels(m) == 1 ? "" : "s", channels);
			return BTS_EXIT_USAGE;
		}
		caps->modes = mode_bit(m);
		pref->mode = m;
	}
	if (o->blocks) {
		if (o->blocks % 4) {
			cli_warn(cli, "invalid settings: --blocks must be 4, 8, 12 or 16");
			return BTS_EXIT_USAGE;
		}
		caps->blocks = (uint8_t)(0x80 >> (o->blocks / 4 - 1));
		pref->blocks = (unsigned)o->blocks;
	}
	if (o->subbands) {
		if (o->subbands != 4 && o->subbands != 8) {
			cli_warn(cli, "invalid settings: --subbands must be 4 or 8");
			return BTS_EXIT_USAGE;
		}
		caps->subbands = o->subbands == 4 ? BTS_A2DP_SUBBANDS_4 : BTS_A2DP_SUBBANDS_8;
		pref->subbands = (unsigned)o->subbands;
	}
	if (o->allocation >= 0) {
		pref->alloc = o->allocation == BTS_SBC_SNR ? BTS_A2DP_SNR : BTS_A2DP_LOUDNESS;
		caps->alloc = pref->alloc == BTS_A2DP_SNR ? BTS_A2DP_ALLOC_SNR : BTS_A2DP_ALLOC_LOUDNESS;
	}
	return 0;
}

/* Send one whole packet on the non-blocking media socket, waiting (and
 * serving the bus) while it is full, at most A2DP_STALL_MS. */
static int send_packet(struct bts_endpoint *ep, int fd, const uint8_t *pkt, size_t len,
		       uint64_t *blocked_ns)
{
	uint64_t deadline = 0, t0 = 0;

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = fd, .events = POLLOUT },
			{ .fd = bts_endpoint_fd(ep), .events = bts_endpoint_events(ep) },
		};
		ssize_t n = send(fd, pkt, len, MSG_NOSIGNAL);
		uint64_t now;
		int r;

		if (n == (ssize_t)len) {
			if (t0)
				*blocked_ns += bts_now_ns() - t0;
			return 0;
		}
		if (n >= 0)
			return -EIO; /* a SEQPACKET socket never sends part of one */
		if (errno == EINTR) {
			if (cli_stop_signal)
				return -EINTR;
			continue;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		now = bts_now_ns();
		if (!deadline) {
			t0 = now;
			deadline = now + A2DP_STALL_MS * 1000000ull;
		}
		if (now >= deadline)
			return -BTS_ELINKLOST;
		r = poll(pfd, 2, 100);
		if (r < 0 && errno == EINTR && cli_stop_signal)
			return -EINTR;
		if (r > 0 && (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)))
			return -BTS_ELINKLOST;
		r = bts_endpoint_process(ep);
		if (r < 0)
			return r;
	}
}

static int stream_out(struct cli *cli, struct bts_endpoint *ep, const char *peer,
		      const char *file, struct bts_pcm_reader *in, bool fast, bool realtime)
{
	struct bts_sbc_config cfg;
	struct bts_a2dp_sbc_caps offered;
	struct bts_source src;
	struct bts_pacer pacer;
	struct stream_send_stats ss;
	size_t rmtu = 0, wmtu = 0;
	uint64_t sent = 0;
	uint8_t *pkt = NULL;
	int fd = -1, err, status = 0;
	char desc[128];

	to_sbc(bts_endpoint_config(ep), &cfg);
	err = bts_endpoint_acquire(ep, &fd, &rmtu, &wmtu);
	if (err < 0)
		return err == -EINTR ? BTS_EXIT_INTERRUPTED : endpoint_error(cli, ep, err, peer);
	err = bts_source_init(&src, &cfg, in, wmtu, stream_random32(), (uint16_t)stream_random32(),
			      stream_random32());
	if (err < 0) {
		close(fd);
		if (err == -BTS_ETOOBIG) {
			cli_warn(cli, "the sink's MTU of %zu bytes cannot carry one %zu-byte SBC frame",
				 wmtu, bts_sbc_frame_len(&cfg));
			return BTS_EXIT_PEER;
		}
		return cli_error(cli, err, "encoder");
	}
	pkt = malloc(wmtu);
	if (!pkt) {
		status = cli_error(cli, -ENOMEM, NULL);
		goto out;
	}
	bts_a2dp_sbc_config_str(bts_endpoint_config(ep), desc, sizeof(desc));
	if (!cli->quiet)
		fprintf(stderr, "btsync: stream: playing to %s over A2DP: %s (%lu kb/s), MTU %zu, %u frames per packet\n",
			peer, desc, bts_sbc_bitrate(&cfg) / 1000, wmtu, src.frames_per_packet);

	if (bts_endpoint_offered(ep, &offered)) {
		bts_a2dp_sbc_caps_str(&offered, desc, sizeof(desc));
		cli_debug(cli, 1, "the sink offered %s", desc);
	}
	memset(&ss, 0, sizeof(ss));
	if (!fast && realtime)
		ss.realtime = stream_try_realtime(cli);
	ss.start_ns = bts_now_ns();
	for (;;) {
		unsigned samples;
		ssize_t len;

		if (cli_stop_signal) {
			status = BTS_EXIT_INTERRUPTED;
			break;
		}
		len = bts_source_next(&src, pkt, wmtu, &samples);
		if (len < 0) {
			status = cli_error(cli, (int)len, "reading '%s'", file);
			break;
		}
		if (len == 0)
			break;
		/* The stream's clock starts with its first packet, not with
		 * the encoder's set-up. */
		if (!ss.packets)
			bts_pacer_start(&pacer, cfg.rate, bts_now_ns());
		if (!fast && bts_pacer_wait(&pacer, sent) == -EINTR && cli_stop_signal) {
			status = BTS_EXIT_INTERRUPTED;
			break;
		}
		if (!fast && bts_now_ns() > bts_pacer_deadline(&pacer, sent + samples))
			ss.late++;
		err = bts_endpoint_process(ep);
		if (err == 0)
			err = send_packet(ep, fd, pkt, (size_t)len, &ss.blocked_ns);
		if (err == -EINTR) {
			status = BTS_EXIT_INTERRUPTED;
			break;
		}
		if (err < 0) {
			if (err == -ENOTCONN || err == -ECONNRESET || err == -EPIPE || err == -EIO)
				err = -BTS_ELINKLOST;
			status = cli_error(cli, err, "streaming to %s", peer);
			break;
		}
		if (!ss.packets)
			cli_debug(cli, 1, "first packet sent %.1f ms after the start",
				  (double)(bts_now_ns() - ss.start_ns) / 1e6);
		ss.packets++;
		ss.bytes += (uint64_t)len;
		sent += samples;
	}
	if (status == 0)
		bts_link_drain(fd, A2DP_DRAIN_MS, &cli_stop_signal);
	ss.end_ns = bts_now_ns();
	cli_debug(cli, 1, "waited %.1f ms in total for room in the media socket",
		  (double)ss.blocked_ns / 1e6);
	if (!cli->quiet || cli->format == OUT_JSON)
		stream_print_source_stats(cli, STREAM_A2DP, &src, &cfg, wmtu, &ss, status == 0);
out:
	free(pkt);
	bts_source_free(&src);
	close(fd);
	return status;
}

static int run_source(struct cli *cli, const struct stream_a2dp_opts *o, int argc, char **argv)
{
	struct bts_peer_spec spec;
	struct bts_pcm_reader in;
	struct bts_a2dp_sbc_caps caps;
	struct bts_a2dp_sbc_config pref;
	struct bts_endpoint *ep = NULL;
	struct bts_peer_state st;
	unsigned rate = 0, channels = 0;
	const char *file;
	bdaddr_t addr;
	char peer[18];
	int fd = -1, err, status;

	if (argc != 2)
		return cli_usage_error(cli, argc < 2 ? "missing PEER and FILE (a WAV file, or - for standard input)"
					: "too many operands");
	if (o->output || o->raw_out || o->wav_out)
		return cli_usage_error(cli, "-o, --raw and --wav are for --listen");
	if (bts_peer_parse(argv[0], &spec) < 0)
		return cli_usage_error(cli, "invalid PEER '%s' (expected an address like 00:11:22:33:44:55, or a device name)",
				       argv[0]);
	if (spec.port)
		return cli_usage_error(cli, "A2DP has no channel or PSM to give: use just the address of the headphones or speaker");
	file = argv[1];

	memset(&in, 0, sizeof(in));
	status = open_input(cli, o, file, &fd, &in, &rate, &channels);
	if (status == 0)
		status = our_caps(cli, o, file, rate, channels, &caps, &pref);
	if (status == 0 && (err = bts_endpoint_bluez_running()) < 0)
		status = endpoint_error(cli, NULL, err, NULL);
	if (status == 0 && cli_open_adapter(cli))
		status = BTS_EXIT_UNAVAILABLE;
	if (status)
		goto out;
	if (spec.has_addr) {
		addr = spec.addr;
	} else {
		err = bts_resolve_name(cli->adapter.dev_id, spec.name, (int)o->timeout_s * 1000,
				       true, &addr);
		if (err < 0) {
			status = cli_error(cli, err, "cannot find '%s'", spec.name);
			goto out;
		}
	}
	bts_addr_str(&addr, peer);

	err = bts_endpoint_open(cli->adapter.dev_id, BTS_ENDPOINT_SOURCE, &caps, &pref, &ep);
	if (err < 0) {
		status = endpoint_error(cli, ep, err, peer);
		goto out;
	}
	err = bts_endpoint_peer_state(ep, &addr, &st);
	if (err == -BTS_ENOTFOUND || (err == 0 && !st.paired)) {
		cli_warn(cli, "%s is not paired with hci%d; pair it first: 'bluetoothctl pair %s' then 'bluetoothctl trust %s'",
			 peer, cli->adapter.dev_id, peer, peer);
		status = BTS_EXIT_CONNECT;
		goto out;
	}
	if (err == 0 && !st.trusted && !cli->quiet)
		cli_warn(cli, "note: %s is paired but not trusted; if the sink refuses, run 'bluetoothctl trust %s'",
			 peer, peer);
	cli_catch_signals();
	cli_debug(cli, 1, "connecting the A2DP sink profile of %s", peer);
	err = bts_endpoint_connect(ep, &addr, (int)o->timeout_s * 1000);
	if (err == -EINTR) {
		status = BTS_EXIT_INTERRUPTED;
		goto out;
	}
	if (err < 0) {
		status = endpoint_error(cli, ep, err, peer);
		goto out;
	}
	status = stream_out(cli, ep, peer, file, &in, o->fast, !o->no_realtime);
out:
	/* Release the transport and unregister, also after Ctrl-C. */
	bts_endpoint_close(ep);
	bts_pcm_close(&in);
	if (fd >= 0 && fd != STDIN_FILENO)
		close(fd);
	return status;
}

/* ---------------------------------------------------------------- */
/* Sink: an A2DP source (a phone, bluealsa, btsync) to WAV or stdout */

static int on_format(void *p, const struct bts_sbc_config *cfg)
{
	return audio_out_format(p, cfg);
}

static int on_pcm(void *p, const void *pcm, size_t len)
{
	return audio_out_write(p, pcm, len);
}

/* What the sink offers: everything, narrowed by the settings given
 * (a sink may limit the rate, the channels or the bitrate it accepts). */
static int sink_caps(struct cli *cli, const struct stream_a2dp_opts *o,
		     struct bts_a2dp_sbc_caps *caps)
{
	char buf[200];

	bts_a2dp_sbc_caps_all(caps);
	if (o->rate || o->channels) {
		if (bts_a2dp_sbc_caps_for_input((unsigned)o->rate,
						o->channels ? (unsigned)o->channels : 2, caps) < 0)
			return cli_usage_error(cli, "invalid --rate %lu (A2DP carries 16000, 32000, 44100 or 48000 Hz)",
					       o->rate);
		if (!o->channels)
			caps->modes |= BTS_A2DP_MODE_MONO;
	}
	if (o->mode >= 0) {
		uint8_t bit = mode_bit(from_sbc_mode(o->mode));

		if (!(caps->modes & bit))
			return cli_usage_error(cli, "--mode %s contradicts --channels %lu",
					       bts_a2dp_mode_name(from_sbc_mode(o->mode)), o->channels);
		caps->modes = bit;
	}
	if (o->blocks) {
		if (o->blocks % 4)
			return cli_usage_error(cli, "invalid --blocks %lu (expected 4, 8, 12 or 16)", o->blocks);
		caps->blocks = (uint8_t)(0x80 >> (o->blocks / 4 - 1));
	}
	if (o->subbands) {
		if (o->subbands != 4 && o->subbands != 8)
			return cli_usage_error(cli, "invalid --subbands %lu (expected 4 or 8)", o->subbands);
		caps->subbands = o->subbands == 4 ? BTS_A2DP_SUBBANDS_4 : BTS_A2DP_SUBBANDS_8;
	}
	if (o->allocation >= 0)
		caps->alloc = o->allocation == BTS_SBC_SNR ? BTS_A2DP_ALLOC_SNR : BTS_A2DP_ALLOC_LOUDNESS;
	if (o->bitpool)
		caps->max_bitpool = (uint8_t)o->bitpool;
	bts_a2dp_sbc_caps_str(caps, buf, sizeof(buf));
	cli_debug(cli, 1, "offering %s", buf);
	return 0;
}

/* Receive until the source stops (suspends, disconnects, hangs up). */
static int receive(struct cli *cli, struct bts_endpoint *ep, int fd, struct bts_sink *sink,
		   uint8_t *pkt, size_t pkt_size, bool *done)
{
	bool got = false;

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = bts_endpoint_fd(ep), .events = bts_endpoint_events(ep) },
		};
		int timeout = bts_sink_timeout_ms(sink, bts_now_ns());
		const char *state;
		ssize_t n;
		int r;

		if (cli_stop_signal)
			return -EINTR;
		if (timeout < 0 || timeout > 200)
			timeout = 200;
		r = poll(pfd, 2, timeout);
		if (r < 0 && errno != EINTR)
			return -errno;
		r = bts_endpoint_process(ep);
		if (r == -BTS_ELINKLOST) {
			*done = true; /* the source closed the stream */
			return 0;
		}
		if (r < 0)
			return r;
		state = bts_endpoint_state(ep);
		if (got && !strcmp(state, "idle")) {
			*done = true; /* suspended: the source stopped playing */
			return 0;
		}
		if (pfd[0].revents & POLLIN) {
			n = recv(fd, pkt, pkt_size, 0);
			if (n == 0 || (n < 0 && (errno == ECONNRESET || errno == ENOTCONN))) {
				*done = true;
				return 0;
			}
			if (n < 0 && errno != EINTR && errno != EAGAIN)
				return -errno;
			if (n > 0) {
				got = true;
				r = bts_sink_packet(sink, pkt, (size_t)n, bts_now_ns());
				if (r < 0)
					return r;
				continue;
			}
		} else if (pfd[0].revents & (POLLHUP | POLLERR)) {
			*done = true;
			return 0;
		}
		r = bts_sink_poll(sink, bts_now_ns());
		if (r < 0)
			return r;
		if (cli->verbose >= 2 && sink->st.packets && sink->st.packets % 100 == 0)
			cli_debug(cli, 2, "%" PRIu64 " packets, %" PRIu64 " lost", sink->st.packets,
				  sink->st.lost);
	}
}

static int run_sink(struct cli *cli, const struct stream_a2dp_opts *o, int argc, char **argv)
{
	struct bts_a2dp_sbc_caps caps;
	struct bts_endpoint *ep = NULL;
	struct bts_sink sink;
	struct audio_out out;
	const char *output = o->output ? o->output : "-";
	size_t rmtu = 0, wmtu = 0;
	uint8_t *pkt = NULL;
	bool done = false, sink_ready = false, wav;
	char peer[18] = "", abuf[18], desc[128];
	int fd = -1, err, status = 0;

	(void)argv;
	if (argc > 0)
		return cli_usage_error(cli, "--listen takes no operands (write the audio with -o FILE or -o -)");
	if (o->fast || o->raw_in)
		return cli_usage_error(cli, "--fast and --format are for the sending side");
	status = stream_check_output(cli, output, o->raw_out, o->wav_out, &wav);
	if (status)
		return status;
	err = bts_endpoint_bluez_running();
	if (err < 0)
		return endpoint_error(cli, NULL, err, NULL);
	if (cli_open_adapter(cli))
		return BTS_EXIT_UNAVAILABLE;

	audio_out_init(&out);
	memset(&sink, 0, sizeof(sink));
	sink.on_format = on_format;
	sink.on_pcm = on_pcm;
	sink.ctx = &out;

	status = sink_caps(cli, o, &caps);
	if (status)
		return status;
	err = bts_endpoint_open(cli->adapter.dev_id, BTS_ENDPOINT_SINK, &caps, NULL, &ep);
	if (err < 0) {
		status = endpoint_error(cli, ep, err, "sink");
		goto out;
	}
	if (!cli->quiet)
		fprintf(stderr, "btsync: stream: waiting for an A2DP source on hci%d (%s): connect and play from the other device (it must be paired and trusted)\n",
			cli->adapter.dev_id, bts_addr_str(&cli->adapter.addr, abuf));
	cli_catch_signals();
	err = bts_endpoint_wait_stream(ep, -1);
	if (err < 0) {
		status = err == -EINTR ? BTS_EXIT_INTERRUPTED : endpoint_error(cli, ep, err, "source");
		goto out;
	}
	bts_addr_str(bts_endpoint_peer(ep), peer);
	err = bts_endpoint_acquire(ep, &fd, &rmtu, &wmtu);
	if (err < 0) {
		status = endpoint_error(cli, ep, err, peer);
		goto out;
	}
	bts_a2dp_sbc_config_str(bts_endpoint_config(ep), desc, sizeof(desc));
	/* For a sink the configured bitpool is the most the source may use;
	 * the frames say what it does use. */
	if (!cli->quiet)
		fprintf(stderr, "btsync: stream: receiving from %s over A2DP: %s at most, MTU %zu\n",
			peer, desc, rmtu);
	err = audio_out_open(&out, output, wav);
	if (err < 0) {
		status = cli_error(cli, err, "cannot create '%s'", output);
		goto out;
	}
	/* One byte more than the MTU, so an oversized packet shows. */
	pkt = malloc(rmtu + 1);
	err = pkt ? bts_sink_init(&sink, (unsigned)o->latency_ms, rmtu + 1) : -ENOMEM;
	if (err < 0) {
		status = cli_error(cli, err, "jitter buffer");
		goto out;
	}
	sink_ready = true;
	err = receive(cli, ep, fd, &sink, pkt, rmtu + 1, &done);
	if (err == -EINTR)
		status = BTS_EXIT_INTERRUPTED;
	else if (err < 0)
		status = cli_error(cli, err, "receiving from %s", peer);
	/* What arrived is good audio either way: play it out. */
	if (status == 0 || status == BTS_EXIT_INTERRUPTED) {
		err = bts_sink_flush(&sink);
		if (err < 0)
			status = cli_error(cli, err, "writing '%s'", output);
	}
	if (!cli->quiet || cli->format == OUT_JSON)
		stream_print_sink_stats(cli, STREAM_A2DP, out.is_stdout ? stderr : stdout, &sink, 0,
					peer, done);
out:
	if (out.buf) {
		bool keep = status == 0 || status == BTS_EXIT_INTERRUPTED;
		/* Complete the WAV header first; a failure removes the file. */
		int e = keep ? audio_out_finish(&out) : 0;

		err = audio_out_close(&out, keep && !e);
		if (e < 0)
			err = e;
		if (err < 0 && !status)
			status = cli_error(cli, err, "writing '%s'", output);
	}
	if (sink_ready)
		bts_sink_free(&sink);
	free(pkt);
	if (fd >= 0)
		close(fd);
	bts_endpoint_close(ep);
	return status;
}

int stream_a2dp_run(struct cli *cli, const struct stream_a2dp_opts *o, int argc, char **argv)
{
	if (o->l2cap_only)
		return cli_usage_error(cli, "--psm, --mtu, --save-sbc, --no-advertise and --security are for btsync's own L2CAP stream, not --a2dp (bluetoothd sets up the A2DP link)");
	if (o->fast && !o->listen)
		return cli_usage_error(cli, "--fast does not go with --a2dp: a sink plays in real time, and packets sent faster would overflow it");
	return o->listen ? run_sink(cli, o, argc, argv) : run_source(cli, o, argc, argv);
}
