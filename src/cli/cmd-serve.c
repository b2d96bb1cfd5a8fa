// SPDX-License-Identifier: GPL-2.0-or-later
/* btsync serve: listen on RFCOMM or L2CAP, advertise the service over
 * SDP, and run a command per connection with the link on its standard
 * input and output (what `sdptool add` + `rfcomm watch` do in bash).
 *
 * One process relays every session through poll(): the command gets
 * pipes (or a pty), never the socket, so that btsync can count bytes,
 * keep L2CAP packet boundaries, turn the link's end into end of input,
 * and log each session when it ends. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "btsync/advertise.h"
#include "btsync/error.h"
#include "btsync/inquiry.h"
#include "btsync/pump.h"
#include "btsync/sdp.h"
#include "btsync/socket.h"
#include "btsync/util.h"
#include <bluetooth/sdp_lib.h>
#include "cli.h"
#include "commands.h"

#define MAX_SESSIONS 64
#define MAX_ALLOW 32
#define DEFAULT_NAME "btsync serve"
#define DEFAULT_GRACE_S 5
/* After the grace period: SIGTERM, then SIGKILL this much later. */
#define KILL_DELAY_NS 2000000000ull
#define NAME_TIMEOUT_MS 3000

enum {
	OPT_NAME = 0x100,
	OPT_DESC,
	OPT_UUID,
	OPT_CHANNEL,
	OPT_PSM,
	OPT_L2CAP,
	OPT_MAX,
	OPT_ALLOW,
	OPT_PTY,
	OPT_DISCOVERABLE,
	OPT_SECURITY,
	OPT_MTU,
	OPT_MODE,
	OPT_COUNT,
	OPT_GRACE,
	OPT_SDP,
	OPT_NO_ADVERTISE,
	OPT_IDLE,
};

static const struct option longopts[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "description", required_argument, NULL, OPT_DESC },
	{ "uuid", required_argument, NULL, OPT_UUID },
	{ "channel", required_argument, NULL, OPT_CHANNEL },
	{ "psm", required_argument, NULL, OPT_PSM },
	{ "l2cap", no_argument, NULL, OPT_L2CAP },
	{ "max", required_argument, NULL, OPT_MAX },
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "pty", no_argument, NULL, OPT_PTY },
	{ "discoverable", no_argument, NULL, OPT_DISCOVERABLE },
	{ "security", required_argument, NULL, OPT_SECURITY },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "l2cap-mode", required_argument, NULL, OPT_MODE },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "grace", required_argument, NULL, OPT_GRACE },
	{ "sdp", required_argument, NULL, OPT_SDP },
	{ "no-advertise", no_argument, NULL, OPT_NO_ADVERTISE },
	{ "idle", required_argument, NULL, OPT_IDLE },
	{ NULL, 0, NULL, 0 },
};

struct state {
	const char *name;
	const char *description;
	const char *uuid;
	enum bts_proto proto;
	bool channel_opt;
	uint16_t port;
	unsigned long max;
	bdaddr_t allow[MAX_ALLOW];
	size_t nallow;
	bool pty;
	bool discoverable;
	struct bts_sockopts so;
	bool so_l2cap_only;
	unsigned long count;    /* 0: serve until stopped */
	unsigned long grace_s;
	unsigned long idle_s;   /* 0: sessions may be idle for ever */
	enum bts_adv_method sdp;
	bool no_advertise;
};

struct session {
	bool used;
	unsigned id;
	struct bts_link link;
	bool link_open;
	pid_t pid;            /* 0: echo (no command), -1: reaped */
	int status;           /* wait status once reaped */
	int to_child;         /* write end of the child's stdin, or pty master */
	int from_child;       /* read end of the child's stdout, or pty master */
	struct bts_pump up;   /* link -> command */
	struct bts_pump down; /* command -> link (echo: link -> link) */
	bool up_done, down_done;
	char *buf;
	uint64_t start_ns;
	bool lost;            /* the link dropped (not a clean close) */
	int lost_err;
	uint64_t hangup_ns;   /* when to send SIGHUP (peer gone, command still running) */
	bool hung_up;
	uint64_t moved;       /* bytes moved either way, as last seen */
	uint64_t io_ns;       /* when that last changed (--idle) */
	bool idled;           /* closed by --idle */
};

struct server {
	struct cli *cli;
	struct state *s;
	char **argv;          /* COMMAND, NULL: echo */
	int lfd;
	uint16_t port;
	struct session sess[MAX_SESSIONS];
	unsigned nsess, next_id, accepted;
	int sigfd;
	sigset_t oldmask;
	struct out out;
	bool json;
};

static void init(void *st)
{
	struct state *s = st;

	s->name = DEFAULT_NAME;
	s->max = 1;
	s->grace_s = DEFAULT_GRACE_S;
}

static int parse_allow(struct cli *cli, struct state *s, const char *arg)
{
	char buf[18];
	const char *p = arg;

	while (*p) {
		size_t len = strcspn(p, ",");

		if (len == 0 || len >= sizeof(buf))
			return cli_usage_error(cli, "invalid --allow list '%s' (expected ADDR,ADDR,...)", arg);
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (s->nallow == MAX_ALLOW)
			return cli_usage_error(cli, "--allow takes at most %d addresses", MAX_ALLOW);
		if (bts_addr_parse(buf, &s->allow[s->nallow]) < 0)
			return cli_usage_error(cli, "invalid address '%s' in --allow (expected 00:11:22:33:44:55)", buf);
		s->nallow++;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!s->nallow)
		return cli_usage_error(cli, "--allow needs at least one address");
	return 0;
}

static int option(struct cli *cli, void *st, int opt, const char *arg)
{
	struct state *s = st;
	unsigned long v;
	int r;

	switch (opt) {
	case OPT_NAME:
		if (!*arg)
			return cli_usage_error(cli, "--name must not be empty");
		s->name = arg;
		return 0;
	case OPT_DESC:
		s->description = arg;
		return 0;
	case OPT_UUID:
		s->uuid = arg;
		return 0;
	case OPT_CHANNEL:
		r = cli_parse_uint(cli, "--channel", arg, 1, BTS_RFCOMM_CHANNEL_MAX, &v);
		if (r)
			return r;
		s->port = (uint16_t)v;
		s->channel_opt = true;
		return 0;
	case OPT_PSM:
		if (bts_parse_uint(arg, 1, 0xffff, &v) < 0 || bts_port_valid(BTS_L2CAP, v, 0) < 0)
			return cli_usage_error(cli, "invalid PSM '%s' (expected an odd number such as 0x1001)", arg);
		s->port = (uint16_t)v;
		s->proto = BTS_L2CAP;
		return 0;
	case OPT_L2CAP:
		s->proto = BTS_L2CAP;
		return 0;
	case OPT_MAX:
		return cli_parse_uint(cli, "--max", arg, 1, MAX_SESSIONS, &s->max);
	case OPT_ALLOW:
		return parse_allow(cli, s, arg);
	case OPT_PTY:
		s->pty = true;
		return 0;
	case OPT_DISCOVERABLE:
		s->discoverable = true;
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
	case OPT_COUNT:
		return cli_parse_uint(cli, "--count", arg, 1, 1000000, &s->count);
	case OPT_GRACE:
		return cli_parse_uint(cli, "--grace", arg, 0, 3600, &s->grace_s);
	case OPT_SDP:
		if (bts_adv_method_parse(arg, &s->sdp) < 0)
			return cli_usage_error(cli, "invalid --sdp '%s' (expected auto, dbus or legacy)", arg);
		return 0;
	case OPT_NO_ADVERTISE:
		s->no_advertise = true;
		return 0;
	case OPT_IDLE:
		return cli_parse_uint(cli, "--idle", arg, 1, 86400, &s->idle_s);
	}
	return cli_usage_error(cli, "unexpected option");
}

static const char *port_kind(enum bts_proto proto)
{
	return proto == BTS_L2CAP ? "PSM" : "channel";
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* --- the command's side ------------------------------------------------ */

/* In the child: become a session leader, wire up stdin/stdout, set the
 * environment and exec. Never returns. */
__attribute__((noreturn))
static void child_exec(struct server *sv, struct session *ss, int in_fd, int out_fd,
		       const char *pty_name)
{
	char addr[18], port[8], name[256] = "";
	int fd;

	sigprocmask(SIG_SETMASK, &sv->oldmask, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	setsid();
	if (pty_name) {
		struct termios t;

		fd = open(pty_name, O_RDWR);
		if (fd < 0)
			_exit(126);
		ioctl(fd, TIOCSCTTY, 0);
		/* Raw: bytes pass unchanged, as on a pipe; a program that
		 * wants a cooked terminal sets it up itself. */
		if (tcgetattr(fd, &t) == 0) {
			cfmakeraw(&t);
			tcsetattr(fd, TCSANOW, &t);
		}
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	} else {
		dup2(in_fd, STDIN_FILENO);
		dup2(out_fd, STDOUT_FILENO);
	}
	/* Drop our copies of every other descriptor (other sessions' links
	 * and pipes, the listening socket, the bus) before the name lookup:
	 * close-on-exec alone would keep them open while it runs, and a
	 * session closed meanwhile would not look closed to its peer. */
	close_range(3, ~0u, 0);
	bts_addr_str(&ss->link.peer, addr);
	snprintf(port, sizeof(port), "%u", sv->port);
	if (bts_remote_name(sv->cli->adapter.dev_id, &ss->link.peer, name, sizeof(name),
			    NAME_TIMEOUT_MS, NULL) < 0)
		name[0] = '\0';
	setenv("BTSYNC_PEER_ADDR", addr, 1);
	setenv("BTSYNC_PEER_NAME", name, 1);
	setenv(sv->s->proto == BTS_L2CAP ? "BTSYNC_PSM" : "BTSYNC_CHANNEL", port, 1);
	unsetenv(sv->s->proto == BTS_L2CAP ? "BTSYNC_CHANNEL" : "BTSYNC_PSM");
	execvp(sv->argv[0], sv->argv);
	fprintf(stderr, "btsync: serve: cannot run '%s': %s\n", sv->argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static int open_pty(int *master, char *name, size_t size)
{
	int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (grantpt(fd) < 0 || unlockpt(fd) < 0 || ptsname_r(fd, name, size) != 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	*master = fd;
	return 0;
}

static int start_command(struct server *sv, struct session *ss)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, master = -1, err;
	char pty_name[64];
	pid_t pid;

	if (sv->s->pty) {
		err = open_pty(&master, pty_name, sizeof(pty_name));
		if (err < 0)
			return err;
	} else if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		err = -errno;
		close_fd(&in[0]);
		close_fd(&in[1]);
		return err;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close_fd(&in[0]); close_fd(&in[1]); close_fd(&out[0]); close_fd(&out[1]);
		close_fd(&master);
		return err;
	}
	if (pid == 0)
		child_exec(sv, ss, in[0], out[1], sv->s->pty ? pty_name : NULL);
	ss->pid = pid;
	if (sv->s->pty) {
		ss->to_child = master;
		ss->from_child = master;
	} else {
		close(in[0]);
		close(out[1]);
		ss->to_child = in[1];
		ss->from_child = out[0];
		bts_set_nonblock(ss->to_child);
	}
	bts_set_nonblock(ss->from_child);
	return 0;
}

/* --- logging ------------------------------------------------------------ */

/* Bytes received from the peer (echo mode has only the down pump). */
static uint64_t bytes_in(const struct server *sv, const struct session *ss)
{
	return sv->argv ? ss->up.bytes_in : ss->down.bytes_in;
}

static void log_event(struct server *sv, struct session *ss, const char *event)
{
	struct cli *cli = sv->cli;
	char addr[18];
	double secs;

	bts_addr_str(&ss->link.peer, addr);
	secs = (double)(bts_now_ns() - ss->start_ns) / 1e9;
	if (sv->json) {
		out_begin(&sv->out);
		out_str(&sv->out, "event", event);
		if (ss->id)
			out_int(&sv->out, "session", ss->id);
		out_str(&sv->out, "peer", addr);
		if (!strcmp(event, "closed")) {
			out_double(&sv->out, "duration", secs, 3);
			out_int(&sv->out, "bytes_in", (long long)bytes_in(sv, ss));
			out_int(&sv->out, "bytes_out", (long long)ss->down.bytes_out);
			out_bool(&sv->out, "link_lost", ss->lost);
			out_bool(&sv->out, "idle_timeout", ss->idled);
			if (ss->pid == -1 && WIFEXITED(ss->status))
				out_int(&sv->out, "exit_status", WEXITSTATUS(ss->status));
			else if (ss->pid == -1 && WIFSIGNALED(ss->status))
				out_int(&sv->out, "signal", WTERMSIG(ss->status));
		}
		out_end(&sv->out);
		fflush(stdout);
		return;
	}
	if (cli->quiet)
		return;
	if (!strcmp(event, "connected")) {
		cli_warn(cli, "session %u: %s connected", ss->id, addr);
	} else if (!strcmp(event, "refused")) {
		cli_warn(cli, "%s refused (not in --allow)", addr);
	} else {
		char status[64] = "";

		if (ss->pid == -1 && WIFEXITED(ss->status))
			snprintf(status, sizeof(status), ", exit status %d", WEXITSTATUS(ss->status));
		else if (ss->pid == -1 && WIFSIGNALED(ss->status))
			snprintf(status, sizeof(status), ", killed by signal %d", WTERMSIG(ss->status));
		cli_warn(cli, "session %u: %s %s after %.1f s, %llu bytes in, %llu bytes out%s%s%s",
			 ss->id, addr,
			 ss->lost ? "link lost" : ss->idled ? "closed (idle for --idle seconds)" : "closed",
			 secs,
			 (unsigned long long)bytes_in(sv, ss),
			 (unsigned long long)ss->down.bytes_out, status,
			 ss->lost ? ": " : "", ss->lost ? bts_strerror(ss->lost_err) : "");
	}
}

/* --- sessions ------------------------------------------------------------ */

static bool allowed(const struct state *s, const bdaddr_t *a)
{
	if (!s->nallow)
		return true;
	for (size_t i = 0; i < s->nallow; i++)
		if (!bacmp(&s->allow[i], a))
			return true;
	return false;
}

static void accept_one(struct server *sv)
{
	struct session *ss = NULL;
	struct bts_link link;
	size_t rx, tx;
	int err;

	err = bts_accept(sv->lfd, sv->s->proto, &link);
	if (err < 0) {
		if (err != -EAGAIN && err != -EINTR)
			cli_debug(sv->cli, 1, "accept: %s", bts_strerror(err));
		return;
	}
	if (!allowed(sv->s, &link.peer)) {
		struct session tmp = { .link = link, .start_ns = bts_now_ns() };

		log_event(sv, &tmp, "refused");
		close(link.fd);
		return;
	}
	for (size_t i = 0; i < MAX_SESSIONS; i++)
		if (!sv->sess[i].used) {
			ss = &sv->sess[i];
			break;
		}
	if (!ss) { /* cannot happen: we stop accepting at --max */
		close(link.fd);
		return;
	}
	memset(ss, 0, sizeof(*ss));
	ss->link = link;
	ss->link_open = true;
	ss->to_child = ss->from_child = -1;
	ss->id = ++sv->next_id;
	ss->start_ns = bts_now_ns();
	ss->io_ns = ss->start_ns;
	/* Whole L2CAP packets per read (a shorter read truncates them). */
	rx = link.proto == BTS_L2CAP && link.imtu ? link.imtu : bts_link_chunk(&link);
	tx = bts_link_chunk(&link);
	ss->buf = malloc(2 * rx + 2 * (tx > rx ? tx : rx));
	if (!ss->buf) {
		close(link.fd);
		return;
	}
	bts_set_nonblock(link.fd);
	if (sv->argv) {
		err = start_command(sv, ss);
		if (err < 0) {
			cli_error(sv->cli, err, "session %u: starting '%s'", ss->id, sv->argv[0]);
			free(ss->buf);
			close(link.fd);
			return;
		}
		bts_pump_init(&ss->up, link.fd, ss->to_child, BTS_PUMP_RESET_EOF,
			      ss->buf, 2 * rx, rx);
		bts_pump_init(&ss->down, ss->from_child, link.fd,
			      (link.proto == BTS_L2CAP ? BTS_PUMP_PACKET : 0) |
			      (sv->s->pty ? BTS_PUMP_PTY_IN : 0),
			      ss->buf + 2 * rx, 2 * (tx > rx ? tx : rx), tx);
	} else {
		/* Echo: the down pump reads the link and writes it back. */
		ss->pid = -1;
		ss->status = 0;
		ss->up_done = true;
		bts_pump_init(&ss->down, link.fd, link.fd,
			      BTS_PUMP_RESET_EOF | (link.proto == BTS_L2CAP ? BTS_PUMP_PACKET : 0),
			      ss->buf, 2 * rx, rx);
	}
	ss->used = true;
	sv->nsess++;
	sv->accepted++;
	log_event(sv, ss, "connected");
}

/* Bound on waiting for the last data to leave before closing a link. */
#define DRAIN_MS 1000

static void close_link(struct session *ss)
{
	if (ss->link_open) {
		if (ss->down.bytes_out && !ss->down.werr)
			bts_link_drain(ss->link.fd, DRAIN_MS, NULL);
		close(ss->link.fd);
		ss->link_open = false;
	}
}

static void mark_lost(struct session *ss, int err)
{
	if (!ss->lost && err != -ECONNRESET && err != -EPIPE && err != -ENOTCONN) {
		ss->lost = true;
		ss->lost_err = err;
	}
}

/* Move data and follow the ends of both directions. */
static void service(struct server *sv, struct session *ss, short link_rev, short cin_rev,
		    short cout_rev)
{
	bool pty = sv->s->pty;

	if (!ss->up_done) {
		bts_pump_step(&ss->up, link_rev & (POLLIN | POLLHUP | POLLERR),
			      cin_rev & (POLLOUT | POLLERR | POLLHUP));
		if (ss->up.rerr)
			mark_lost(ss, ss->up.rerr);
		if (bts_pump_drained(&ss->up) || ss->up.rerr || ss->up.werr) {
			/* The peer closed (or the command stopped reading):
			 * end of input for the command. On a pty that is a
			 * hang-up, as when a serial line drops. */
			ss->up_done = true;
			if (pty) {
				close_fd(&ss->to_child);
				ss->from_child = -1;
				ss->down_done = true;
				close_link(ss);
			} else {
				close_fd(&ss->to_child);
			}
			/* The peer is gone: a command still running after the
			 * grace period gets SIGHUP, as on a serial line that
			 * hangs up, so that it cannot hold the slot forever. */
			if (!ss->up.werr)
				ss->hangup_ns = bts_now_ns() + sv->s->grace_s * 1000000000ull;
		}
	}
	if (!ss->down_done) {
		short in_rev = sv->argv ? cout_rev : link_rev;

		bts_pump_step(&ss->down, in_rev & (POLLIN | POLLHUP | POLLERR),
			      link_rev & (POLLOUT | POLLERR | POLLHUP));
		if (!sv->argv && ss->down.rerr)
			mark_lost(ss, ss->down.rerr);
		if (ss->down.werr)
			mark_lost(ss, ss->down.werr);
		if (bts_pump_drained(&ss->down) || ss->down.rerr || ss->down.werr) {
			/* The command closed its output (or the link broke):
			 * the session is over for the peer. */
			ss->down_done = true;
			if (sv->argv && !pty)
				close_fd(&ss->from_child);
			if (pty) {
				close_fd(&ss->to_child);
				ss->from_child = -1;
				ss->up_done = true;
			}
			close_link(ss);
			if (!ss->up_done) {
				ss->up_done = true;
				close_fd(&ss->to_child);
			}
		}
	}
}

static void finish_if_done(struct server *sv, struct session *ss)
{
	if (!ss->used || !ss->up_done || !ss->down_done || ss->pid > 0)
		return;
	close_link(ss);
	close_fd(&ss->to_child);
	close_fd(&ss->from_child);
	log_event(sv, ss, "closed");
	free(ss->buf);
	ss->used = false;
	sv->nsess--;
}

static void reap(struct server *sv)
{
	struct signalfd_siginfo si;
	pid_t pid;
	int status;

	while (read(sv->sigfd, &si, sizeof(si)) == sizeof(si))
		;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (size_t i = 0; i < MAX_SESSIONS; i++)
			if (sv->sess[i].used && sv->sess[i].pid == pid) {
				sv->sess[i].pid = -1;
				sv->sess[i].status = status;
			}
}

static void signal_sessions(struct server *sv, int sig)
{
	for (size_t i = 0; i < MAX_SESSIONS; i++) {
		struct session *ss = &sv->sess[i];

		if (!ss->used)
			continue;
		if (ss->pid > 0)
			kill(-ss->pid, sig); /* its process group (setsid) */
		if (sig == SIGKILL || !sv->argv) {
			close_link(ss);
			ss->up_done = ss->down_done = true;
		}
	}
}

/* --idle: nothing moved either way for that long. The peer is treated as
 * gone: the link closes, the command's input ends, and a command still
 * running gets SIGHUP after --grace, as when a peer leaves. */
static void idle_out(struct server *sv, struct session *ss)
{
	ss->idled = true;
	cli_debug(sv->cli, 1, "session %u: idle for %lu s: closing", ss->id, sv->s->idle_s);
	close_link(ss);
	if (!ss->up_done) {
		ss->up_done = true;
		close_fd(&ss->to_child);
		ss->hangup_ns = bts_now_ns() + sv->s->grace_s * 1000000000ull;
	}
	if (!ss->down_done) {
		ss->down_done = true;
		if (sv->s->pty)
			ss->from_child = -1; /* the same fd as to_child, closed */
		else
			close_fd(&ss->from_child);
	}
}

/* Close sessions idle for --idle; return the poll timeout shortened to
 * the next session's idle limit. */
static int idle_timers(struct server *sv, int timeout)
{
	uint64_t limit = (uint64_t)sv->s->idle_s * 1000000000ull, now = bts_now_ns();

	if (!limit)
		return timeout;
	for (size_t i = 0; i < MAX_SESSIONS; i++) {
		struct session *ss = &sv->sess[i];
		uint64_t moved;
		int ms;

		if (!ss->used || !ss->link_open)
			continue;
		moved = ss->up.bytes_in + ss->down.bytes_in + ss->down.bytes_out;
		if (moved != ss->moved) {
			ss->moved = moved;
			ss->io_ns = now;
		}
		if (now - ss->io_ns >= limit) {
			idle_out(sv, ss);
			finish_if_done(sv, ss);
			continue;
		}
		ms = (int)((ss->io_ns + limit - now) / 1000000) + 1;
		if (timeout < 0 || ms < timeout)
			timeout = ms;
	}
	return timeout;
}

/* --- the loop ------------------------------------------------------------ */

/* Send due SIGHUPs; return the poll timeout (ms) shortened to the next
 * one still to come. */
static int hangup_timers(struct server *sv, int timeout)
{
	uint64_t now = bts_now_ns();

	for (size_t i = 0; i < MAX_SESSIONS; i++) {
		struct session *ss = &sv->sess[i];
		int ms;

		if (!ss->used || ss->pid <= 0 || !ss->hangup_ns || ss->hung_up)
			continue;
		if (now >= ss->hangup_ns) {
			kill(-ss->pid, SIGHUP);
			ss->hung_up = true;
			cli_debug(sv->cli, 1, "session %u: peer gone, command still running: SIGHUP", ss->id);
			continue;
		}
		ms = (int)((ss->hangup_ns - now) / 1000000) + 1;
		if (timeout < 0 || ms < timeout)
			timeout = ms;
	}
	return timeout;
}

static int add_pfd(struct pollfd *pf, size_t *n, int fd, short ev)
{
	if (fd < 0)
		return -1;
	for (size_t i = 0; i < *n; i++)
		if (pf[i].fd == fd) {
			pf[i].events = (short)(pf[i].events | ev);
			return (int)i;
		}
	pf[*n] = (struct pollfd){ .fd = fd, .events = ev };
	return (int)(*n)++;
}

static short rev(const struct pollfd *pf, int idx)
{
	return idx < 0 ? 0 : pf[idx].revents;
}

static int serve_loop(struct server *sv, struct bts_advert **adv,
		      const struct bts_scan_mode *saved, bool *mode_changed)
{
	struct state *s = sv->s;
	bool stopping = false, listening = true;
	uint64_t deadline = 0;
	int kill_stage = 0;

	for (;;) {
		struct pollfd pf[2 + 3 * MAX_SESSIONS];
		int idx[MAX_SESSIONS][3];
		size_t n = 0;
		int timeout = -1, r, lidx = -1;

		if (cli_stop_signal) {
			cli_stop_signal = 0;
			if (stopping) {
				kill_stage = 2; /* a second signal: no more waiting */
				signal_sessions(sv, SIGKILL);
			}
			stopping = true;
		}
		if (listening && (stopping || (s->count && sv->accepted >= s->count))) {
			/* Stop listening and withdraw the record first, so no
			 * new client finds or reaches us; then wind down. */
			close_fd(&sv->lfd);
			listening = false;
			bts_sdp_withdraw(*adv);
			*adv = NULL;
			if (*mode_changed)
				bts_adapter_set_mode(sv->cli->adapter.dev_id, saved);
			*mode_changed = false;
			if (stopping) {
				deadline = bts_now_ns() + (uint64_t)s->grace_s * 1000000000ull;
				if (sv->nsess && !sv->cli->quiet && !sv->json)
					cli_warn(sv->cli, "stopping: waiting up to %lu s for %u session%s",
						 s->grace_s, sv->nsess, sv->nsess == 1 ? "" : "s");
			}
		}
		if (!listening && !sv->nsess)
			return BTS_EXIT_OK;
		if (deadline) {
			uint64_t now = bts_now_ns();

			if (now >= deadline) {
				if (kill_stage == 0) {
					signal_sessions(sv, SIGTERM);
					kill_stage = 1;
					deadline = now + KILL_DELAY_NS;
				} else if (kill_stage == 1) {
					signal_sessions(sv, SIGKILL);
					kill_stage = 2;
					deadline = 0;
				}
				now = bts_now_ns();
			}
			if (deadline)
				timeout = (int)((deadline - now) / 1000000) + 1;
		}

		timeout = idle_timers(sv, timeout);
		timeout = hangup_timers(sv, timeout);
		add_pfd(pf, &n, sv->sigfd, POLLIN);
		if (listening && sv->nsess < s->max)
			lidx = add_pfd(pf, &n, sv->lfd, POLLIN);
		for (size_t i = 0; i < MAX_SESSIONS; i++) {
			struct session *ss = &sv->sess[i];
			short a, b, c, d;

			idx[i][0] = idx[i][1] = idx[i][2] = -1;
			if (!ss->used)
				continue;
			a = b = c = d = 0;
			if (!ss->up_done)
				bts_pump_events(&ss->up, &a, &b);
			if (!ss->down_done)
				bts_pump_events(&ss->down, &c, &d);
			if (ss->link_open)
				idx[i][0] = add_pfd(pf, &n, ss->link.fd,
						    (short)(a | d | (sv->argv ? 0 : c)));
			if (sv->argv) {
				idx[i][1] = add_pfd(pf, &n, ss->to_child, b);
				idx[i][2] = add_pfd(pf, &n, ss->from_child, c);
			}
		}
		r = poll(pf, (nfds_t)n, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return cli_error(sv->cli, -errno, "poll");
		}
		if (pf[0].revents)
			reap(sv);
		for (size_t i = 0; i < MAX_SESSIONS; i++) {
			struct session *ss = &sv->sess[i];

			if (!ss->used)
				continue;
			service(sv, ss, rev(pf, idx[i][0]), rev(pf, idx[i][1]), rev(pf, idx[i][2]));
			finish_if_done(sv, ss);
		}
		if (lidx >= 0 && (pf[lidx].revents & POLLIN))
			accept_one(sv);
	}
}

static int make_record(struct cli *cli, struct state *s, uint16_t port, uuid_t *cls,
		       struct bts_sdp_record *rec)
{
	const char *u = s->uuid ? s->uuid : BTS_UUID_SERVE;
	uuid_t spp;
	int err;

	err = bts_uuid_parse(u, cls);
	if (err == -BTS_EBADUUID)
		return cli_usage_error(cli, "invalid --uuid '%s' (expected a UUID such as 0x1101 or a name such as SP)", u);
	if (err < 0)
		return cli_error(cli, err, "service class '%s'", u);
	memset(rec, 0, sizeof(*rec));
	rec->name = s->name;
	rec->description = s->description ? s->description
			   : (s->proto == BTS_L2CAP ? "btsync serve over L2CAP" : "btsync serve");
	rec->provider = "btsync";
	rec->service_class = *cls;
	/* Over RFCOMM we are a serial port too, so that phone terminal apps
	 * (which browse for SPP) find the service. */
	sdp_uuid16_create(&spp, SERIAL_PORT_SVCLASS_ID);
	rec->add_spp_class = s->proto == BTS_RFCOMM && !bts_uuid_equal(cls, &spp);
	rec->proto = s->proto;
	rec->port = port;
	return 0;
}

static const char *adv_method_name(const struct bts_advert *adv)
{
	return bts_advert_method(adv) == BTS_ADV_LEGACY ? "legacy SDP socket" : "bluetoothd D-Bus";
}

static int run(struct cli *cli, void *st, int argc, char **argv)
{
	static struct server sv;
	struct state *s = st;
	struct bts_advert *adv = NULL;
	struct bts_scan_mode saved = { 0 }, want;
	struct bts_sdp_record rec;
	bool mode_changed = false;
	sigset_t mask;
	uuid_t cls;
	char addr[18];
	int err, status;

	if (argc > 0 && !strcmp(argv[0], "--")) {
		argc--;
		argv++;
	}
	if (s->so_l2cap_only && s->proto != BTS_L2CAP)
		return cli_usage_error(cli, "--mtu and --l2cap-mode apply to L2CAP: add --l2cap or --psm");
	if (s->channel_opt && s->proto == BTS_L2CAP)
		return cli_usage_error(cli, "--channel is for RFCOMM: use --psm with L2CAP");
	if (s->pty && !argc)
		return cli_usage_error(cli, "--pty needs a COMMAND to run");
	status = cli_open_adapter(cli);
	if (status)
		return status;

	memset(&sv, 0, sizeof(sv));
	sv.cli = cli;
	sv.s = s;
	sv.argv = argc ? argv : NULL;
	sv.json = cli->format == OUT_JSON;
	out_init(&sv.out, OUT_JSON, stdout, NULL, 0, false);
	bts_addr_str(&cli->adapter.addr, addr);

	cli_catch_signals();
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &sv.oldmask);
	sv.sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sv.sigfd < 0)
		return cli_error(cli, -errno, "signalfd");

	sv.lfd = bts_listen(&cli->adapter.addr, s->proto, s->port, &s->so, 5, &sv.port);
	if (sv.lfd < 0) {
		err = sv.lfd;
		close(sv.sigfd);
		if (err == -EADDRINUSE && s->port)
			return cli_error(cli, err, "%s %u is taken (try another, or leave it out to take a free one)",
					 port_kind(s->proto), s->port);
		if (s->port)
			return cli_error(cli, err, "listening on %s %u", port_kind(s->proto), s->port);
		return cli_error(cli, err, "listening");
	}
	bts_set_nonblock(sv.lfd);

	status = make_record(cli, s, sv.port, &cls, &rec);
	if (status) {
		close(sv.lfd);
		close(sv.sigfd);
		return status;
	}

	/* Connectable (and discoverable when asked) while we serve. */
	if (bts_adapter_get_mode(cli->adapter.dev_id, &saved) == 0) {
		want.connectable = true;
		want.discoverable = saved.discoverable || s->discoverable;
		if (want.connectable != saved.connectable || want.discoverable != saved.discoverable) {
			err = bts_adapter_set_mode(cli->adapter.dev_id, &want);
			if (err < 0)
				cli_warn(cli, "cannot make hci%d %s: %s", cli->adapter.dev_id,
					 s->discoverable ? "connectable and discoverable" : "connectable",
					 bts_strerror(err));
			else
				mode_changed = true;
		}
	}

	if (!s->no_advertise) {
		err = bts_sdp_advertise_via(&rec, &cli->adapter.addr, s->sdp, &adv);
		if (err < 0)
			cli_warn(cli, "cannot advertise over SDP: %s; clients must name the %s: btsync connect %s%s:%u",
				 bts_strerror(err), port_kind(s->proto),
				 s->proto == BTS_L2CAP ? "--l2cap " : "", addr, sv.port);
	}
	if (sv.json) {
		out_begin(&sv.out);
		out_str(&sv.out, "event", "listening");
		out_str(&sv.out, "address", addr);
		out_str(&sv.out, "proto", s->proto == BTS_L2CAP ? "l2cap" : "rfcomm");
		out_int(&sv.out, s->proto == BTS_L2CAP ? "psm" : "channel", sv.port);
		out_str(&sv.out, "advertised", !adv ? NULL
			: bts_advert_method(adv) == BTS_ADV_LEGACY ? "legacy" : "dbus");
		out_end(&sv.out);
		fflush(stdout);
	} else if (!cli->quiet) {
		char ubuf[64];

		if (adv)
			cli_warn(cli, "listening on %s %s %u; advertised as '%s' (%s) via %s", addr,
				 port_kind(s->proto), sv.port, s->name,
				 bts_uuid_str(&cls, ubuf, sizeof(ubuf)), adv_method_name(adv));
		else
			cli_warn(cli, "listening on %s %s %u", addr, port_kind(s->proto), sv.port);
	}

	status = serve_loop(&sv, &adv, &saved, &mode_changed);
	if (mode_changed)
		bts_adapter_set_mode(cli->adapter.dev_id, &saved);

	/* serve_loop withdrew and restored when it stopped listening; this
	 * covers the error returns. */
	bts_sdp_withdraw(adv);
	close_fd(&sv.lfd);
	close(sv.sigfd);
	sigprocmask(SIG_SETMASK, &sv.oldmask, NULL);
	return status;
}

const struct cmd cmd_serve = {
	.name = "serve",
	.summary = "listen, advertise over SDP and run a command per connection",
	.usage = "[-- COMMAND [ARGS...]]",
	.help =
		"For each connection, COMMAND runs with the link on its standard input and\n"
		"output (no shell: use 'sh -c' for one), and BTSYNC_PEER_ADDR,\n"
		"BTSYNC_PEER_NAME and BTSYNC_CHANNEL (or BTSYNC_PSM) in its environment.\n"
		"Without COMMAND, serve echoes what it receives. Sessions are logged on\n"
		"stderr (with --json: JSON lines on stdout) when they end.\n\n"
		"Options:\n"
		"      --name NAME          service name in the SDP record (default 'btsync serve')\n"
		"      --description TEXT   service description in the SDP record\n"
		"      --uuid UUID|NAME     service class (default: btsync serve's own, which\n"
		"                           'btsync connect ADDR' looks for)\n"
		"      --channel C          RFCOMM channel (default: the first free one)\n"
		"      --l2cap              serve over L2CAP instead of RFCOMM\n"
		"      --psm P              L2CAP PSM (odd; default: the first free from 0x1001)\n"
		"      --max N              sessions at once (default 1; others wait)\n"
		"      --allow ADDR,...     accept only these peers; others are disconnected\n"
		"      --pty                give COMMAND a pseudo-terminal (raw mode) instead of pipes\n"
		"      --discoverable       make the adapter discoverable while serving\n"
		"      --count N            exit after N sessions have been served\n"
		"      --grace SECONDS      on SIGINT/SIGTERM, let sessions finish this long\n"
		"                           before stopping them; after a peer has gone, let\n"
		"                           its command run this long before SIGHUP (default 5)\n"
		"      --idle SECONDS       close a session when nothing has moved either way\n"
		"                           for this long (default: no limit); its command is\n"
		"                           treated as after the peer left\n"
		"      --security LEVEL     low, medium, high or fips\n"
		"      --mtu BYTES          L2CAP: largest packet to accept\n"
		"      --l2cap-mode MODE    L2CAP: basic, ertm or streaming\n"
		"      --sdp METHOD         advertise via auto (default), dbus or legacy\n"
		"      --no-advertise       do not publish an SDP record\n\n"
		"Examples:\n"
		"  btsync serve                                  # an echo service\n"
		"  btsync serve --name 'Sensor log' -- tee -a /var/log/sensor.log\n"
		"  btsync serve --pty --allow 00:1A:7D:DA:71:13 -- /sbin/agetty - vt100\n"
		"  btsync serve --l2cap --max 4 -- sh -c 'wc -c'\n",
	.longopts = longopts,
	.state_size = sizeof(struct state),
	.init = init,
	.option = option,
	.run = run,
	.flags = CMD_POSIX_ARGS,
};
