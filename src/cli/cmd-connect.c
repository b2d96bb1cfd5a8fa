// SPDX-License-Identifier: GPL-2.0-or-later
/* btsync connect: netcat for RFCOMM and L2CAP. Standard input goes to the
 * link, the link goes to standard output. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btsync/error.h"
#include "btsync/peer.h"
#include "btsync/pump.h"
#include "btsync/sdp.h"
#include "btsync/socket.h"
#include "btsync/util.h"
#include "cli.h"
#include "commands.h"

/* How long to keep reading the link after standard input ends. RFCOMM
 * and L2CAP have no half-close, so closing at once would cut off the
 * reply to what we just sent (netcat's -q). */
#define DEFAULT_LINGER_S 5
#define DEFAULT_TIMEOUT_S 30
#define RX_MAX 65536

enum {
	OPT_L2CAP = 0x100,
	OPT_PSM,
	OPT_CHANNEL,
	OPT_SERVICE,
	OPT_SECURITY,
	OPT_MTU,
	OPT_MODE,
	OPT_TIMEOUT,
	OPT_LINGER,
	OPT_CRLF,
};

static const struct option longopts[] = {
	{ "l2cap", no_argument, NULL, OPT_L2CAP },
	{ "psm", required_argument, NULL, OPT_PSM },
	{ "channel", required_argument, NULL, OPT_CHANNEL },
	{ "service", required_argument, NULL, OPT_SERVICE },
	{ "security", required_argument, NULL, OPT_SECURITY },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "l2cap-mode", required_argument, NULL, OPT_MODE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "linger", required_argument, NULL, OPT_LINGER },
	{ "crlf", no_argument, NULL, OPT_CRLF },
	{ NULL, 0, NULL, 0 },
};

struct state {
	enum bts_proto proto;
	bool proto_forced;     /* --l2cap or --psm */
	uint16_t port;         /* --channel/--psm */
	bool channel_opt;      /* --channel given */
	const char *service;   /* --service */
	struct bts_sockopts so;
	bool so_l2cap_only;    /* --mtu/--l2cap-mode given */
	unsigned long timeout_s;
	long linger_s;         /* -1: until the peer closes */
	bool crlf;
};

static void init(void *st)
{
	struct state *s = st;

	s->timeout_s = DEFAULT_TIMEOUT_S;
	s->linger_s = DEFAULT_LINGER_S;
}

static int option(struct cli *cli, void *st, int opt, const char *arg)
{
	struct state *s = st;
	unsigned long v;
	int r;

	switch (opt) {
	case OPT_L2CAP:
		s->proto = BTS_L2CAP;
		s->proto_forced = true;
		return 0;
	case OPT_PSM:
		if (bts_parse_uint(arg, 1, 0xffff, &v) < 0 || bts_port_valid(BTS_L2CAP, v, 0) < 0)
			return cli_usage_error(cli, "invalid PSM '%s' (expected an odd number such as 0x1001)", arg);
		s->proto = BTS_L2CAP;
		s->proto_forced = true;
		s->port = (uint16_t)v;
		return 0;
	case OPT_CHANNEL:
		r = cli_parse_uint(cli, "--channel", arg, 1, BTS_RFCOMM_CHANNEL_MAX, &v);
		if (r)
			return r;
		s->port = (uint16_t)v;
		s->channel_opt = true;
		return 0;
	case OPT_SERVICE:
		s->service = arg;
		return 0;
	case OPT_SECURITY:
		return cli_parse_security(cli, arg, &s->so.security);
	case OPT_MTU:
		r = cli_parse_uint(cli, "--mtu", arg, 48, 65535, &v);
		if (r)
			return r;
		s->so.mtu = (uint16_t)v;
		s->so_l2cap_only = true;
		return 0;
	case OPT_MODE:
		s->so_l2cap_only = true;
		return cli_parse_l2cap_mode(cli, arg, &s->so.l2cap_mode);
	case OPT_TIMEOUT:
		return cli_parse_uint(cli, "--timeout", arg, 1, 3600, &s->timeout_s);
	case OPT_LINGER:
		if (!strcmp(arg, "forever") || !strcmp(arg, "-1")) {
			s->linger_s = -1;
			return 0;
		}
		r = cli_parse_uint(cli, "--linger", arg, 0, 86400, &v);
		if (r)
			return r;
		s->linger_s = (long)v;
		return 0;
	case OPT_CRLF:
		s->crlf = true;
		return 0;
	}
	return cli_usage_error(cli, "unexpected option");
}

/* A read error on the link that only means "the peer closed": the kernel
 * reports a remote disconnection as ECONNRESET after the last data. */
static bool peer_closed(int err)
{
	return err == 0 || err == -ECONNRESET;
}

/* Syntax only: before the adapter is opened, so usage errors come first. */
static int parse_peer(struct cli *cli, struct state *s, const char *arg,
		      struct bts_peer_spec *spec)
{
	int err = bts_peer_parse(arg, spec);

	if (err == -BTS_EBADADDR)
		return cli_usage_error(cli, "invalid address in '%s' (expected 00:11:22:33:44:55)", arg);
	if (err < 0)
		return cli_usage_error(cli, "invalid peer '%s' (expected ADDR, NAME, ADDR:PORT or NAME:PORT)", arg);
	if (spec->port && s->port)
		return cli_usage_error(cli, "peer '%s' already names a port: drop --channel/--psm", arg);
	if (s->port)
		spec->port = s->port;
	if (spec->port && s->service)
		return cli_usage_error(cli, "--service looks up the port: do not give one as well");
	return 0;
}

static int resolve_peer(struct cli *cli, struct state *s, const char *arg,
			struct bts_peer_spec spec, bdaddr_t *addr,
			enum bts_proto *proto, uint16_t *port)
{
	struct bts_resolve_opts ro;
	uuid_t svc;
	int err;

	memset(&ro, 0, sizeof(ro));
	ro.dev_id = cli->adapter.dev_id;
	ro.src = &cli->adapter.addr;
	ro.proto = s->proto;
	ro.timeout_ms = (int)s->timeout_s * 1000;
	ro.use_cache = true;
	if (!spec.port) {
		const char *name = s->service ? s->service : BTS_UUID_SERVE;

		err = bts_uuid_parse(name, &svc);
		if (err == -BTS_EBADUUID)
			return cli_usage_error(cli, "invalid service '%s' (expected a UUID such as 0x1101 or a name such as SP)", name);
		if (err < 0)
			return cli_error(cli, err, "service '%s'", name);
		ro.service = &svc;
	}
	if (s->proto_forced)
		err = bts_peer_resolve(&spec, &ro, addr, port);
	else
		err = bts_peer_resolve_proto(&spec, &ro, addr, proto, port);
	if (s->proto_forced)
		*proto = s->proto;
	if (err == -BTS_ENOSERVICE)
		return cli_error(cli, err, "'%s' offers no %s service%s (give a port: PEER:CHANNEL, --channel or --psm)",
				 arg, s->service ? s->service : "btsync serve",
				 s->proto_forced ? " over L2CAP" : "");
	if (err == -BTS_EBADARG)
		return cli_usage_error(cli, "invalid %s %u for peer '%s'",
				       s->proto == BTS_L2CAP ? "PSM" : "channel", spec.port, arg);
	if (err < 0)
		return cli_error(cli, err, "'%s'", arg);
	return 0;
}

static int relay(struct cli *cli, struct state *s, struct bts_link *link, const char *peer)
{
	static char tx_buf[2 * RX_MAX], rx_buf[2 * RX_MAX];
	struct bts_pump tx, rx;
	unsigned txf = 0, rxf = BTS_PUMP_RESET_EOF;
	uint64_t deadline = 0, rx_seen = 0;
	size_t rx_max = RX_MAX;

	if (link->proto == BTS_L2CAP) {
		txf |= BTS_PUMP_PACKET;
		if (link->imtu)
			rx_max = link->imtu; /* one whole packet per read */
	}
	if (s->crlf) {
		txf |= BTS_PUMP_CRLF_OUT;
		rxf |= BTS_PUMP_CRLF_IN;
	}
	bts_pump_init(&tx, STDIN_FILENO, link->fd, txf, tx_buf, sizeof(tx_buf),
		      bts_link_chunk(link));
	bts_pump_init(&rx, link->fd, STDOUT_FILENO, rxf, rx_buf, sizeof(rx_buf), rx_max);
	bts_set_nonblock(link->fd);

	for (;;) {
		struct pollfd pf[3];
		short ev[4];
		int n, timeout = -1, r;

		if (cli_stop_signal)
			return BTS_EXIT_INTERRUPTED;
		if (bts_pump_drained(&rx))
			return BTS_EXIT_OK; /* the peer closed: all its data is out */
		if (bts_pump_drained(&tx) && s->linger_s >= 0) {
			/* Quiet time counts from end of input or the last data
			 * from the peer, whichever is later. */
			if (!deadline || rx.bytes_in != rx_seen) {
				if (!deadline)
					cli_debug(cli, 1, "end of input; closing after %ld s without data from the peer",
						  s->linger_s);
				rx_seen = rx.bytes_in;
				deadline = bts_now_ns() + (uint64_t)s->linger_s * 1000000000ull;
			}
			{
				uint64_t now = bts_now_ns();

				if (now >= deadline && !rx.len)
					return BTS_EXIT_OK;
				timeout = now >= deadline ? 0 : (int)((deadline - now) / 1000000) + 1;
			}
		}
		bts_pump_events(&tx, &ev[0], &ev[1]);
		bts_pump_events(&rx, &ev[2], &ev[3]);
		n = 0;
		pf[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = ev[0] };
		pf[n++] = (struct pollfd){ .fd = link->fd, .events = (short)(ev[1] | ev[2]) };
		pf[n++] = (struct pollfd){ .fd = STDOUT_FILENO, .events = ev[3] };
		r = poll(pf, (nfds_t)n, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return cli_error(cli, -errno, "poll");
		}
		/* A hang-up or error on the link is reported by the read.
		 * Errors are kept in rerr/werr, checked just below. */
		(void)bts_pump_step(&rx, pf[1].revents & (POLLIN | POLLHUP | POLLERR),
				  pf[2].revents & (POLLOUT | POLLERR));
		if (rx.werr) {
			if (rx.werr == -EPIPE)
				return BTS_EXIT_OK; /* the reader went away, as with `| head` */
			return cli_error(cli, rx.werr, "writing standard output");
		}
		if (rx.rerr)
			return cli_error(cli, -BTS_ELINKLOST, "link to %s: %s", peer, bts_strerror(rx.rerr));
		(void)bts_pump_step(&tx, pf[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL),
				  pf[1].revents & (POLLOUT | POLLERR | POLLHUP));
		if (tx.rerr)
			return cli_error(cli, tx.rerr, "reading standard input");
		if (tx.werr) {
			/* The peer may have closed while we were sending: read
			 * what it sent before, then decide. */
			if (peer_closed(tx.werr) || tx.werr == -EPIPE || tx.werr == -ENOTCONN) {
				int e = 0;
				socklen_t len = sizeof(e);

				getsockopt(link->fd, SOL_SOCKET, SO_ERROR, &e, &len);
				if (peer_closed(-e) && !rx.rerr) {
					cli_debug(cli, 1, "peer closed the link before taking all input");
					return BTS_EXIT_OK;
				}
			}
			return cli_error(cli, -BTS_ELINKLOST, "link to %s: %s", peer, bts_strerror(tx.werr));
		}
	}
}

static int run(struct cli *cli, void *st, int argc, char **argv)
{
	struct state *s = st;
	struct bts_peer_spec spec;
	struct bts_link link;
	enum bts_proto proto;
	bdaddr_t addr;
	uint16_t port = 0;
	char abuf[18];
	int err, status;

	if (argc != 1)
		return cli_usage_error(cli, argc ? "too many operands" : "missing PEER");
	if (s->so_l2cap_only && s->proto != BTS_L2CAP)
		return cli_usage_error(cli, "--mtu and --l2cap-mode apply to L2CAP: add --l2cap or --psm");
	if (s->channel_opt && s->proto == BTS_L2CAP)
		return cli_usage_error(cli, "--channel is for RFCOMM: use --psm with L2CAP");
	status = parse_peer(cli, s, argv[0], &spec);
	if (status)
		return status;
	status = cli_open_adapter(cli);
	if (status)
		return status;
	cli_catch_signals();
	proto = s->proto;
	status = resolve_peer(cli, s, argv[0], spec, &addr, &proto, &port);
	if (status)
		return status;
	bts_addr_str(&addr, abuf);
	cli_debug(cli, 1, "connecting to %s %s %u", abuf,
		  proto == BTS_L2CAP ? "PSM" : "channel", port);
	s->so.connect_timeout_ms = (int)s->timeout_s * 1000;
	s->so.stop = &cli_stop_signal;
	err = bts_connect(&cli->adapter.addr, &addr, proto, port, &s->so, &link);
	if (err < 0) {
		if (cli_stop_signal)
			return BTS_EXIT_INTERRUPTED;
		if (err == -EBUSY && proto == BTS_RFCOMM)
			return cli_connect_error(cli, err, "%s channel %u (RFCOMM allows one link per channel between two devices, and one is open)",
						 abuf, port);
		return cli_connect_error(cli, err, "%s %s %u", abuf,
					 proto == BTS_L2CAP ? "PSM" : "channel", port);
	}
	cli_debug(cli, 1, "connected to %s %s %u%s", abuf,
		  proto == BTS_L2CAP ? "PSM" : "channel", port,
		  proto == BTS_L2CAP ? " (L2CAP)" : " (RFCOMM)");
	if (proto == BTS_L2CAP)
		cli_debug(cli, 1, "MTU in %u, out %u", link.imtu, link.omtu);
	status = relay(cli, s, &link, abuf);
	if (status == BTS_EXIT_OK)
		bts_link_drain(link.fd, 1000, NULL); /* the last write must not be overtaken */
	close(link.fd);
	return status;
}

const struct cmd cmd_connect = {
	.name = "connect",
	.summary = "open an interactive RFCOMM or L2CAP session (like netcat)",
	.usage = "PEER",
	.help =
		"PEER is ADDR, NAME, ADDR:PORT or NAME:PORT. Without a port, btsync asks the\n"
		"peer over SDP for its 'btsync serve' service (or --service) and connects\n"
		"to the channel or PSM the record names.\n\n"
		"Options:\n"
		"      --channel C          RFCOMM channel (1-30); same as PEER:C\n"
		"      --l2cap              use L2CAP (SEQPACKET) instead of RFCOMM\n"
		"      --psm P              L2CAP PSM (odd, e.g. 0x1001); implies --l2cap\n"
		"      --service UUID|NAME  find the port of this service class over SDP\n"
		"      --security LEVEL     low, medium, high or fips (default: the kernel's)\n"
		"      --mtu BYTES          L2CAP: largest packet to accept\n"
		"      --l2cap-mode MODE    L2CAP: basic, ertm (retransmit) or streaming (drop)\n"
		"      --timeout SECONDS    give up connecting and looking up after this (default 30)\n"
		"      --linger SECONDS     after end of input, close once the peer has been quiet\n"
		"                           this long (default 5; 'forever': until the peer closes)\n"
		"      --crlf               send line ends as CR LF, and turn received CR LF into LF\n\n"
		"Exit status: 0 when the peer closes the link or input ends, 4 when the link\n"
		"drops, 3 when the connection fails.\n\n"
		"Examples:\n"
		"  btsync connect 00:1A:7D:DA:71:13            # talk to its btsync serve\n"
		"  echo hello | btsync connect phone:3          # RFCOMM channel 3 of device 'phone'\n"
		"  btsync connect --psm 0x1001 --linger 0 00:1A:7D:DA:71:13 < packets\n",
	.longopts = longopts,
	.state_size = sizeof(struct state),
	.init = init,
	.option = option,
	.run = run,
};
