// SPDX-License-Identifier: GPL-2.0-or-later
/* btsync send: files, trees and stdin to a 'btsync recv', verified end to
 * end; or plain bytes to any RFCOMM/L2CAP peer with --raw. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btsync/error.h"
#include "btsync/peer.h"
#include "btsync/sdp.h"
#include "btsync/socket.h"
#include "btsync/transfer.h"
#include "btsync/util.h"
#include "cli.h"
#include "commands.h"
#include "xfer-ui.h"

enum {
	OPT_L2CAP = 0x2000,
	OPT_RAW,
	OPT_SYNC,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_MTU,
	OPT_SECURITY,
	OPT_L2CAP_MODE,
};

struct send_state {
	bool l2cap, raw, sync;
	int progress;
	unsigned long port;
	const char *name;
	unsigned long timeout_s;
	unsigned long mtu;
	enum bts_security security;
	enum bts_l2cap_mode l2mode;
};

static const struct option longopts[] = {
	{ "l2cap", no_argument, NULL, OPT_L2CAP },
	{ "channel", required_argument, NULL, 'c' },
	{ "psm", required_argument, NULL, 'p' },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "sync", no_argument, NULL, OPT_SYNC },
	{ "name", required_argument, NULL, 'n' },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "timeout", required_argument, NULL, 't' },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "security", required_argument, NULL, OPT_SECURITY },
	{ "l2cap-mode", required_argument, NULL, OPT_L2CAP_MODE },
	{ 0 },
};

static void init(void *state)
{
	struct send_state *s = state;

	s->progress = -1;
	/* Basic mode has no flow control: a receiver that falls behind
	 * loses packets. ERTM retransmits and paces the sender. */
	s->l2mode = BTS_L2MODE_ERTM;
	s->name = "stdin";
	s->timeout_s = 120;
}

static int option(struct cli *cli, void *state, int opt, const char *arg)
{
	struct send_state *s = state;

	switch (opt) {
	case OPT_L2CAP:
		s->l2cap = true;
		return 0;
	case 'c':
		return cli_parse_uint(cli, "--channel", arg, 1, BTS_RFCOMM_CHANNEL_MAX, &s->port);
	case 'p':
		s->l2cap = true;
		if (cli_parse_uint(cli, "--psm", arg, 1, 0xFFFF, &s->port))
			return BTS_EXIT_USAGE;
		if (bts_port_valid(BTS_L2CAP, s->port, 0) < 0)
			return cli_usage_error(cli, "invalid PSM '%s' (PSMs are odd, e.g. 0x1001)", arg);
		return 0;
	case OPT_RAW:
		s->raw = true;
		return 0;
	case OPT_SYNC:
		s->sync = true;
		return 0;
	case 'n':
		if (bts_path_check(arg, strlen(arg)) < 0 || strchr(arg, '/'))
			return cli_usage_error(cli, "invalid --name '%s' (a plain file name)", arg);
		s->name = arg;
		return 0;
	case OPT_PROGRESS:
		s->progress = 1;
		return 0;
	case OPT_NO_PROGRESS:
		s->progress = 0;
		return 0;
	case 't':
		return cli_parse_uint(cli, "--timeout", arg, 1, 86400, &s->timeout_s);
	case OPT_MTU:
		return cli_parse_uint(cli, "--mtu", arg, 48, 65535, &s->mtu);
	case OPT_L2CAP_MODE:
		return cli_parse_l2cap_mode(cli, arg, &s->l2mode);
	case OPT_SECURITY:
		return cli_parse_security(cli, arg, &s->security);
	}
	return cli_usage_error(cli, "unexpected option");
}

/* Check the operands before touching the radio. */
static int check_operands(struct cli *cli, const struct send_state *s, int argc, char **argv)
{
	int dashes = 0;

	if (argc < 2)
		return cli_usage_error(cli, "expected PEER and at least one FILE, DIR or '-'");
	if (s->raw && argc != 2)
		return cli_usage_error(cli, "--raw sends exactly one FILE or '-'");
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (!strcmp(argv[i], "-")) {
			if (++dashes > 1)
				return cli_usage_error(cli, "'-' (standard input) given more than once");
			continue;
		}
		if (stat(argv[i], &st) < 0)
			return cli_error(cli, -errno, "'%s'", argv[i]);
		if (access(argv[i], R_OK) < 0)
			return cli_error(cli, -errno, "'%s'", argv[i]);
		if (s->raw && S_ISDIR(st.st_mode))
			return cli_usage_error(cli, "--raw cannot send a directory ('%s')", argv[i]);
	}
	return 0;
}

static int connect_peer(struct cli *cli, const struct send_state *s, const char *peer,
			struct bts_link *link)
{
	struct bts_sockopts so = { .security = s->security, .mtu = (uint16_t)s->mtu, .l2cap_mode = s->l2mode,
				   .connect_timeout_ms = 20000,
				   .stop = &cli_stop_signal };
	struct bts_resolve_opts ro = { .dev_id = cli->adapter.dev_id, .src = &cli->adapter.addr,
				       .timeout_ms = 15000, .use_cache = true };
	enum bts_proto proto = s->l2cap ? BTS_L2CAP : BTS_RFCOMM;
	struct bts_peer_spec spec;
	uuid_t uuid;
	bdaddr_t addr;
	uint16_t port;
	char a[18];
	int err;

	link->fd = -1; /* defined on every early return */
	if (bts_peer_parse(peer, &spec) < 0)
		return cli_usage_error(cli, "invalid PEER '%s' (an address like 00:11:22:33:44:55, a name, either with :CHANNEL)",
				       peer);
	if (spec.port && s->port && spec.port != s->port)
		return cli_usage_error(cli, "PEER gives port %u but --channel/--psm says %lu",
				       spec.port, s->port);
	if (!spec.port)
		spec.port = (uint16_t)s->port;
	if (spec.port && bts_port_valid(proto, spec.port, 0) < 0)
		return cli_usage_error(cli, "invalid %s %u", s->l2cap ? "PSM" : "RFCOMM channel", spec.port);
	/* btsync recv advertises its own class; a raw peer is most likely
	 * a serial-port service. */
	bts_uuid_parse(s->raw ? "SP" : BTS_UUID_SYNC, &uuid);
	ro.proto = proto;
	ro.service = &uuid;
	err = bts_peer_resolve(&spec, &ro, &addr, &port);
	if (err < 0 && cli_stop_signal)
		return BTS_EXIT_INTERRUPTED; /* Ctrl-C during the SDP search or name inquiry */
	if (err < 0) {
		if (err == -BTS_ENOSERVICE || err == -BTS_ENOSDP)
			return cli_error(cli, err, "'%s': no %s service found over SDP (is 'btsync recv%s' running there? "
					 "or give the port: %s:N)", peer, s->raw ? "serial port" : "btsync recv",
					 s->raw ? " --raw" : "", peer);
		return cli_error(cli, err, "'%s'", peer);
	}
	bts_addr_str(&addr, a);
	cli_debug(cli, 1, "connecting to %s %s %u", a, s->l2cap ? "PSM" : "channel", port);
	err = bts_connect(&cli->adapter.addr, &addr, proto, port, &so, link);
	if (err < 0 && cli_stop_signal)
		return BTS_EXIT_INTERRUPTED;
	if (err < 0)
		return cli_connect_error(cli, err, "connect to %s %s %u", a, s->l2cap ? "PSM" : "channel", port);
	cli_debug(cli, 1, "connected (chunk %zu bytes)", bts_link_chunk(link));
	return 0;
}

static void report(struct cli *cli, struct xui *u, int err, const char *path, bool remote)
{
	char why[256];

	xui_clear(u);
	xui_reason(err, remote, why, sizeof(why));
	if (path && *path)
		cli_warn(cli, "'%s': %s", path, why);
	else
		cli_warn(cli, "%s", why);
}

static int run(struct cli *cli, void *state, int argc, char **argv)
{
	struct send_state *s = state;
	struct bts_xfer_opts o = { .stop = &cli_stop_signal, .outdir_fd = -1, .out_fd = -1 };
	struct bts_xfer_stats st;
	struct bts_sender *snd;
	struct bts_link link;
	struct xui u;
	char peer[18];
	int status, err, first = 0;

	status = check_operands(cli, s, argc, argv);
	if (status)
		return status;
	/* Operands first: a typo should not wait for the radio. */
	status = cli_open_adapter(cli);
	if (status)
		return status;
	cli_catch_signals();
	status = connect_peer(cli, s, argv[0], &link);
	if (status)
		return status;
	bts_addr_str(&link.peer, peer);
	xui_init(&u, cli, "sending", s->progress);
	o.timeout_ms = (int)(s->timeout_s * 1000);
	o.event = xui_event;
	o.ud = &u;
	o.sync = s->sync;
	memset(&st, 0, sizeof(st));

	if (s->raw) {
		int fd = strcmp(argv[1], "-") ? open(argv[1], O_RDONLY | O_CLOEXEC) : STDIN_FILENO;

		if (fd < 0) {
			err = -errno;
			close(link.fd);
			return cli_error(cli, err, "'%s'", argv[1]);
		}
		err = bts_raw_send(&link, fd, &o, &st);
		if (fd != STDIN_FILENO)
			close(fd);
		close(link.fd);
		xui_clear(&u);
		err = xui_local_cause(cli, err);
		if (err < 0)
			report(cli, &u, err, argv[1], false);
		xui_summary(cli, stdout, "send", &st, peer, err);
		return xui_exit_status(err);
	}

	err = bts_send_open(&link, &o, &snd);
	if (err < 0) {
		close(link.fd);
		if (err == -BTS_ELINKLOST || err == -ECONNRESET)
			return cli_error(cli, err, "%s closed the link during the handshake (not 'btsync recv'? refused by its --allow?)",
					 peer);
		return cli_error(cli, err, "handshake with %s", peer);
	}
	for (int i = 1; i < argc; i++) {
		u.failed_reported = false;
		if (!strcmp(argv[i], "-"))
			err = bts_send_stream(snd, STDIN_FILENO, s->name);
		else
			err = bts_send_path(snd, argv[i]);
		if (err == 0)
			continue;
		err = xui_local_cause(cli, err);
		if (!first)
			first = err;
		if (!bts_send_alive(snd)) {
			report(cli, &u, err, bts_send_errpath(snd), bts_send_peer_msg(snd)[0]);
			break;
		}
		/* Refusals were printed entry by entry as they came. */
		if (!u.failed_reported)
			report(cli, &u, err, bts_send_errpath(snd)[0] ? bts_send_errpath(snd) : argv[i],
			       false);
	}
	if (bts_send_alive(snd)) {
		err = bts_send_close(snd);
		if (err < 0) {
			err = xui_local_cause(cli, err);
			if (!first)
				first = err;
			report(cli, &u, err, NULL, bts_send_peer_msg(snd)[0]);
		}
	}
	xui_clear(&u);
	st = *bts_send_stats(snd);
	bts_send_free(snd);
	close(link.fd);
	xui_summary(cli, stdout, "send", &st, peer, first);
	/* The sender creates no files: "exists" is the receiver refusing an
	 * entry, a peer refusal (5), unlike "no space" (73). */
	if (first == -BTS_EEXIST)
		return BTS_EXIT_PEER;
	/* "Interrupted" that is not ours is the receiver's: for this side
	 * the link is gone, and a new send resumes (4, not 130). */
	if (first == -BTS_EINTERRUPTED && !cli_stop_signal)
		return BTS_EXIT_LINKLOST;
	return xui_exit_status(first);
}

const struct cmd cmd_send = {
	.name = "send",
	.summary = "send files, directories or stdin, verified end to end",
	.usage = "PEER FILE|DIR|-...",
	.help =
		"Sends to 'btsync recv' on PEER, found over SDP unless PEER ends in :CHANNEL\n"
		"(or :PSM with --l2cap). Each file is checked with SHA-256 on arrival; send\n"
		"exits 0 only when the receiver has every file verified and on its disk.\n"
		"Files the receiver already has are skipped; interrupted ones resume.\n\n"
		"Options:\n"
		"      --l2cap            use L2CAP instead of RFCOMM\n"
		"  -c, --channel N        RFCOMM channel (instead of PEER:N or SDP)\n"
		"  -p, --psm N            L2CAP PSM (implies --l2cap)\n"
		"      --sync             replace files that differ on the receiver\n"
		"  -n, --name NAME        name for data from stdin ('-'; default: stdin)\n"
		"      --raw              no protocol: plain bytes of one FILE or '-' (for\n"
		"                         PyBluez scripts and serial apps)\n"
		"      --progress, --no-progress  force the progress line on/off (default:\n"
		"                         on when stderr is a terminal)\n"
		"  -t, --timeout SEC      give up when the receiver is silent this long (120)\n"
		"      --mtu N            L2CAP incoming MTU to ask for\n"
		"      --l2cap-mode MODE  ertm (default: retransmission, flow control),\n"
		"                         basic or streaming\n"
		"      --security LEVEL   low, medium, high or fips\n\n"
		"Examples:\n"
		"  btsync send 00:1A:7D:DA:71:13 photo.jpg notes.txt\n"
		"  btsync send --sync laptop ~/Music            # again later: only changes move\n"
		"  tar c project | btsync send 00:1A:7D:DA:71:13:3 - --name project.tar\n",
	.shortopts = "c:p:n:t:",
	.longopts = longopts,
	.state_size = sizeof(struct send_state),
	.init = init,
	.option = option,
	.run = run,
};
