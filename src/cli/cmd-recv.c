// SPDX-License-Identifier: GPL-2.0-or-later
/* btsync recv: listen, advertise over SDP, and take what 'btsync send'
 * offers into a directory (or stdout), each file verified before it gets
 * its final name. --raw takes plain bytes from any peer. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btsync/error.h"
#include "btsync/sdp.h"
#include "btsync/socket.h"
#include "btsync/transfer.h"
#include "btsync/util.h"
#include "cli.h"
#include "commands.h"
#include "xfer-ui.h"

#define MAX_ALLOW 32
/* L2CAP: the incoming MTU we ask for, i.e. the sender's packet (and
 * frame) size. The kernel default of 672 means ten times the packets. */
#define RECV_L2CAP_MTU 8004

enum {
	OPT_L2CAP = 0x2000,
	OPT_RAW,
	OPT_FORCE,
	OPT_KEEP_OPEN,
	OPT_NO_ADVERTISE,
	OPT_ADVERTISE,
	OPT_ALLOW,
	OPT_MAX_SIZE,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_MTU,
	OPT_SECURITY,
	OPT_L2CAP_MODE,
};

struct recv_state {
	const char *output;
	bool l2cap, raw, force, keep_open, no_advertise;
	int progress;
	unsigned long port, timeout_s, mtu;
	uint64_t max_size;
	enum bts_security security;
	enum bts_l2cap_mode l2mode;
	bdaddr_t allow[MAX_ALLOW];
	size_t nallow;
};

static const struct option longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "l2cap", no_argument, NULL, OPT_L2CAP },
	{ "channel", required_argument, NULL, 'c' },
	{ "psm", required_argument, NULL, 'p' },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "keep-open", no_argument, NULL, OPT_KEEP_OPEN },
	{ "advertise", no_argument, NULL, OPT_ADVERTISE },
	{ "no-advertise", no_argument, NULL, OPT_NO_ADVERTISE },
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
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
	struct recv_state *s = state;

	s->progress = -1;
	/* Basic mode has no flow control: a receiver that falls behind
	 * loses packets. ERTM retransmits and paces the sender. */
	s->l2mode = BTS_L2MODE_ERTM;
	s->timeout_s = 120;
}

static int parse_allow(struct cli *cli, struct recv_state *s, const char *arg)
{
	char *dup = strdup(arg), *save = NULL, *tok;
	int status = 0;

	if (!dup)
		return cli_error(cli, -ENOMEM, NULL);
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (s->nallow == MAX_ALLOW) {
			status = cli_usage_error(cli, "--allow takes at most %d addresses", MAX_ALLOW);
			break;
		}
		if (bts_addr_parse(tok, &s->allow[s->nallow]) < 0) {
			status = cli_usage_error(cli, "invalid address '%s' in --allow", tok);
			break;
		}
		s->nallow++;
	}
	free(dup);
	return status;
}

static int option(struct cli *cli, void *state, int opt, const char *arg)
{
	struct recv_state *s = state;

	switch (opt) {
	case 'o':
		s->output = arg;
		return 0;
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
	case OPT_FORCE:
		s->force = true;
		return 0;
	case OPT_KEEP_OPEN:
		s->keep_open = true;
		return 0;
	case OPT_ADVERTISE:
		s->no_advertise = false;
		return 0;
	case OPT_NO_ADVERTISE:
		s->no_advertise = true;
		return 0;
	case OPT_ALLOW:
		return parse_allow(cli, s, arg);
	case OPT_MAX_SIZE:
		if (xui_parse_size(arg, &s->max_size) < 0)
			return cli_usage_error(cli, "invalid --max-size '%s' (bytes, or with K, M, G: 64M)", arg);
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

static bool allowed(const struct recv_state *s, const bdaddr_t *a)
{
	if (!s->nallow)
		return true;
	for (size_t i = 0; i < s->nallow; i++)
		if (!bacmp(&s->allow[i], a))
			return true;
	return false;
}

static int open_outdir(struct cli *cli, const char *dir, int *fd)
{
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return cli_error(cli, -errno, "output directory '%s'", dir);
	*fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0)
		return cli_error(cli, -errno, "output directory '%s'", dir);
	if (access(dir, W_OK) < 0) {
		int err = -errno;

		close(*fd);
		return cli_error(cli, err, "output directory '%s'", dir);
	}
	return 0;
}

/* --raw -o FILE: the file is created only when a peer connects, so check
 * now that its directory can be written, rather than after taking the
 * peer's link. */
static int check_raw_dir(struct cli *cli, const char *path)
{
	char *dup = strdup(path);
	const char *dir;
	int status = 0;

	if (!dup)
		return cli_error(cli, -ENOMEM, NULL);
	dir = dirname(dup);
	if (access(dir, W_OK) < 0)
		status = cli_error(cli, -errno, "output directory '%s'", dir);
	free(dup);
	return status;
}

/* --raw -o FILE: into a temporary file next to it, renamed when the peer
 * has closed the link (no verification is possible without the protocol). */
static int raw_session(struct cli *cli, const struct recv_state *s, const struct bts_link *link,
		       struct bts_xfer_opts *o, struct bts_xfer_stats *st)
{
	char *dup = NULL, tmp[4200], base_part[300];
	const char *dir, *base;
	int fd = STDOUT_FILENO, dfd = -1, err;
	bool to_file = strcmp(s->output, "-") != 0;

	if (to_file) {
		struct stat sb;

		dup = strdup(s->output);
		if (!dup)
			return -ENOMEM;
		base = strrchr(s->output, '/') ? strrchr(s->output, '/') + 1 : s->output;
		dir = dirname(dup);
		if (!*base || bts_part_name(base, base_part, sizeof(base_part)) < 0) {
			free(dup);
			return -BTS_EBADARG;
		}
		if (!s->force && lstat(s->output, &sb) == 0) {
			free(dup);
			return -BTS_EEXIST;
		}
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		snprintf(tmp, sizeof(tmp), "%s", base_part);
		fd = dfd < 0 ? -1 : openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			err = -errno;
			if (dfd >= 0)
				close(dfd);
			free(dup);
			return err;
		}
	}
	err = bts_raw_recv(link, fd, o, st);
	if (to_file) {
		if (err == 0 && fsync(fd) < 0)
			err = -errno;
		close(fd);
		if (err == 0 && renameat(dfd, tmp, dfd, base) < 0)
			err = -errno;
		if (err < 0)
			unlinkat(dfd, tmp, 0);
		else
			fsync(dfd);
		close(dfd);
		free(dup);
	}
	(void)cli;
	return err;
}

static void advertise(struct cli *cli, const struct recv_state *s, uint16_t port,
		      struct bts_advert **adv)
{
	struct bts_sdp_record rec = {
		.name = "btsync recv",
		.description = s->raw ? "btsync receiver (raw bytes)" : "btsync file receiver",
		.provider = "btsync",
		.add_spp_class = s->raw,
		.proto = s->l2cap ? BTS_L2CAP : BTS_RFCOMM,
		.port = port,
	};
	int err;

	bts_uuid_parse(BTS_UUID_SYNC, &rec.service_class);
	err = bts_sdp_advertise(&rec, &cli->adapter.addr, adv);
	if (err < 0) {
		char a[18];

		*adv = NULL;
		cli_warn(cli, "cannot advertise over SDP (%s): senders must give the %s: btsync send %s%s:%u",
			 bts_strerror(err), s->l2cap ? "PSM" : "channel", s->l2cap ? "--l2cap " : "",
			 bts_addr_str(&cli->adapter.addr, a), port);
	}
}

static int run(struct cli *cli, void *state, int argc, char **argv)
{
	struct recv_state *s = state;
	struct bts_sockopts so = { .security = s->security, .l2cap_mode = s->l2mode };
	struct bts_advert *adv = NULL;
	enum bts_proto proto = s->l2cap ? BTS_L2CAP : BTS_RFCOMM;
	int lfd, outdir = -1, status = 0;
	bool to_stdout;
	uint16_t port;
	char a[18];
	FILE *summary;

	(void)argv;
	if (argc > 0)
		return cli_usage_error(cli, "unexpected operand '%s' (use -o DIR)", argv[0]);
	if (!s->output)
		s->output = s->raw ? "-" : ".";
	to_stdout = !strcmp(s->output, "-");
	summary = to_stdout ? stderr : stdout;
	if (to_stdout && s->keep_open && s->raw)
		return cli_usage_error(cli, "--keep-open with --raw -o - would join streams: give -o FILE");
	/* Operands first: a typo should not wait for the radio. */
	status = cli_open_adapter(cli);
	if (status)
		return status;
	if (!s->raw && !to_stdout) {
		status = open_outdir(cli, s->output, &outdir);
		if (status)
			return status;
	}
	if (s->raw && !to_stdout) {
		status = check_raw_dir(cli, s->output);
		if (status)
			return status;
	}
	if (proto == BTS_L2CAP)
		so.mtu = (uint16_t)(s->mtu ? s->mtu : RECV_L2CAP_MTU);
	cli_catch_signals();
	lfd = bts_listen(&cli->adapter.addr, proto, (uint16_t)s->port, &so, 1, &port);
	if (lfd < 0) {
		if (outdir >= 0)
			close(outdir);
		if (lfd == -EADDRINUSE)
			return cli_error(cli, lfd, "%s %lu is taken (pick another, or leave it out for the first free one)",
					 s->l2cap ? "PSM" : "channel", s->port);
		return cli_error(cli, lfd, "listen");
	}
	if (!s->no_advertise)
		advertise(cli, s, port, &adv);
	if (!cli->quiet) {
		fprintf(stderr, "listening on hci%d (%s) %s %s %u\n", cli->adapter.dev_id,
			bts_addr_str(&cli->adapter.addr, a), s->l2cap ? "L2CAP" : "RFCOMM",
			s->l2cap ? "PSM" : "channel", port);
		fflush(stderr);
	}

	for (;;) {
		struct bts_xfer_opts o = { .stop = &cli_stop_signal, .outdir_fd = outdir,
					   .out_fd = to_stdout ? STDOUT_FILENO : -1,
					   .max_size = s->max_size, .force = s->force };
		struct bts_xfer_stats st;
		struct bts_link link;
		char errpath[4096] = "", peer[18];
		struct xui u;
		int err;

		err = cli_wait_client(lfd, proto, &link);
		if (err < 0) {
			if (cli_stop_signal) {
				/* Stopping a --keep-open receiver between transfers is
				 * the normal way to end it. */
				status = s->keep_open ? BTS_EXIT_OK : BTS_EXIT_INTERRUPTED;
				break;
			}
			status = cli_error(cli, err, "accept");
			break;
		}
		bts_addr_str(&link.peer, peer);
		if (!allowed(s, &link.peer)) {
			cli_warn(cli, "refused a connection from %s (not in --allow)", peer);
			bts_recv_refuse(&link, BTS_W_DENIED, "not allowed");
			close(link.fd);
			continue;
		}
		cli_debug(cli, 1, "connection from %s", peer);
		xui_init(&u, cli, "receiving", s->progress);
		o.timeout_ms = (int)(s->timeout_s * 1000);
		o.event = xui_event;
		o.ud = &u;
		memset(&st, 0, sizeof(st));
		if (s->raw)
			err = raw_session(cli, s, &link, &o, &st);
		else
			err = bts_recv_session(&link, &o, &st, errpath, sizeof(errpath));
		close(link.fd);
		xui_clear(&u);
		err = xui_local_cause(cli, err);
		/* "Interrupted" that is not ours is the sender's: for this side
		 * the link is gone, and the partial file waits for a resume. */
		status = err == -BTS_EINTERRUPTED && !cli_stop_signal ? BTS_EXIT_LINKLOST
								   : xui_exit_status(err);
		if (err < 0) {
			char why[256];
			bool entry = u.failed_reported &&
				     (err == -BTS_EEXIST || err == -BTS_ETOOBIG || err == -BTS_EUNSAFEPATH ||
				      err == -BTS_EREFUSED || err == -ENOSPC || err == -BTS_ECHECKSUM);

			if (!entry) {
				xui_reason(err, err == -BTS_EINTERRUPTED && !cli_stop_signal, why, sizeof(why));
				if (errpath[0])
					cli_warn(cli, "%s: '%s': %s", peer, errpath, why);
				else
					cli_warn(cli, "%s: %s", peer, why);
			}
			if ((status == BTS_EXIT_LINKLOST || status == BTS_EXIT_UNAVAILABLE) && !s->raw &&
			    errpath[0])
				cli_warn(cli, "the partial file is kept: the next send resumes it");
		}
		xui_summary(cli, summary, "recv", &st, peer, err);
		if (!s->keep_open || cli_stop_signal)
			break;
	}
	if (adv)
		bts_sdp_withdraw(adv);
	close(lfd);
	if (outdir >= 0)
		close(outdir);
	return status;
}

const struct cmd cmd_recv = {
	.name = "recv",
	.summary = "receive files sent with 'btsync send'",
	.usage = "",
	.help =
		"Listens (first free RFCOMM channel, or --channel/--psm), advertises itself\n"
		"over SDP so 'btsync send ADDR' finds it, and takes one transfer (all\n"
		"transfers with --keep-open). Files land under their final names only\n"
		"once verified (SHA-256) and synced; partial files are kept hidden as\n"
		"'.btsync-NAME.part' so an interrupted transfer resumes.\n\n"
		"Options:\n"
		"  -o, --output DIR|-     where to write (default: current directory); '-'\n"
		"                         writes file data to stdout; with --raw, a FILE\n"
		"      --l2cap            use L2CAP instead of RFCOMM\n"
		"  -c, --channel N        RFCOMM channel to listen on (default: first free)\n"
		"  -p, --psm N            L2CAP PSM to listen on (implies --l2cap)\n"
		"      --allow ADDR,...   accept only these senders\n"
		"      --keep-open        accept transfers until interrupted\n"
		"      --force            replace existing files that differ\n"
		"      --max-size SIZE    refuse files larger than SIZE (e.g. 500M)\n"
		"      --no-advertise     do not publish an SDP record\n"
		"      --raw              no protocol: write what the peer sends until it\n"
		"                         closes (PyBluez scripts, serial apps)\n"
		"      --progress, --no-progress  force the progress line on/off\n"
		"  -t, --timeout SEC      give up when the sender is silent this long (120)\n"
		"      --mtu N            L2CAP incoming MTU (default 8004)\n"
		"      --l2cap-mode MODE  ertm (default: retransmission, flow control),\n"
		"                         basic or streaming\n"
		"      --security LEVEL   low, medium, high or fips\n\n"
		"Examples:\n"
		"  btsync recv -o ~/Inbox\n"
		"  btsync recv --keep-open --allow 00:1A:7D:DA:71:13 -o /srv/backup\n"
		"  btsync recv -o - | tar x\n",
	.shortopts = "o:c:p:t:",
	.longopts = longopts,
	.state_size = sizeof(struct recv_state),
	.init = init,
	.option = option,
	.run = run,
};
