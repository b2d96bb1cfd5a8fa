// SPDX-License-Identifier: GPL-2.0-or-later
/* The framed connection under both ends of a transfer: buffered frame
 * reads (RFCOMM is a byte stream, L2CAP delivers one frame per packet),
 * frame writes as single sendmsg() calls, idle timeouts and the stop flag. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "btsync/error.h"
#include "btsync/frame.h"
#include "btsync/util.h"
#include "transfer_int.h"

#define FRAME_MAX (BTS_FRAME_HDR + BTS_FRAME_MAX_PAYLOAD)

/* Receiving blocks in recv() for at most RX_TICK_MS at a time
 * (SO_RCVTIMEO), then looks with poll() whether the link hung up: after
 * the peer's DISC an RFCOMM socket polls as hung up, yet a blocking read
 * on it would sleep for ever (the kernel sets no RCV_SHUTDOWN). While data
 * flows this is one recv() per wakeup, where "try, poll, read again" cost
 * three, and MSG_WAITALL lets one wakeup take the rest of a frame instead
 * of each ~1 KB RFCOMM packet as it arrives: under emulation the
 * system calls were most of the receiver's CPU time. */
#define RX_TICK_MS 500
#define RAW_GATHER (16 * 1024)

/* A write into a full send buffer blocks for at most TX_TICK_MS
 * (SO_SNDTIMEO) before the sender looks whether the peer is still
 * taking data: the --timeout is counted from the peer's last sign of
 * life, not restarted by every partial write. */
#define TX_TICK_MS 1000

/* The send buffer for bulk transfers (the kernel doubles the figure and
 * caps it at net.core.wmem_max x 2: 416 KiB by default). RFCOMM's own is
 * a few KB: the sender blocks, and is woken, every few packets, and in
 * the lab a single write larger than the buffer (16 KB) stalls for
 * seconds. With room for several frames in flight, RFCOMM frames carry
 * XC_RFCOMM_FRAME bytes: a quarter of the write calls and wake-ups of
 * 8000-byte ones, which under emulation is a measurable part of the
 * sender's CPU time (with the clock reads gone, 0.55-0.60 s for 8 MiB
 * became 0.45-0.53 s in one boot; rctest's own was 0.22-0.25 s). The
 * receive buffer stays as the kernel sets it: in the lab a 256 KiB one,
 * and reads without MSG_WAITALL, moved 4 MiB no faster than the spread
 * between rounds of the same code (bench/README.md). */
#define XC_SNDBUF (256 * 1024)
#define XC_RFCOMM_FRAME 32000

static void set_tick(int fd, int opt, int timeout_ms, int tick_ms)
{
	int ms = timeout_ms < tick_ms ? timeout_ms : tick_ms;
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv));
}

/* Free room in the socket's send buffer (TIOCOUTQ on a Bluetooth socket:
 * sndbuf minus what is still allocated to queued data), or -1. It grows
 * only when the link layer lets go of data we queued: RFCOMM when the
 * peer's credits let it out, ERTM when the peer acknowledges. */
static int send_room(int fd)
{
	int room;

	return ioctl(fd, TIOCOUTQ, &room) == 0 ? room : -1;
}

/* A sign of life, noted without reading the clock: this is on every read
 * and write, and where the clock has no vDSO (an emulator's HPET) each
 * reading is a system call. The clock is read only once a tick has
 * passed with nothing, in xc_peer_silent(). */
static void note_alive(struct xconn *c)
{
	c->alive_seen = true;
}

/* Has the peer shown no sign of life for the timeout? A peer that takes
 * our data slowly (a full buffer that drains) is alive; one that neither
 * sends nor takes anything is silent. The clock starts when a read or
 * write begins to wait (our own work in between, hashing or fsync, is
 * not the peer's silence), and every byte that goes in or out, and room
 * freed in the send buffer, sets it back; both are noted at the next
 * tick, so the timeout may run up to one tick long. */
static bool xc_peer_silent(struct xconn *c)
{
	uint64_t now = bts_now_ns();
	int room = send_room(c->fd);

	if (room > c->sndroom)
		c->alive_seen = true;
	if (room >= 0)
		c->sndroom = room;
	if (c->alive_seen) {
		c->alive_seen = false;
		c->alive_ns = now;
	}
	return now - c->alive_ns >= (uint64_t)c->timeout_ms * 1000000u;
}

/* A bigger send buffer (XC_SNDBUF) and, on RFCOMM when it got room for
 * several of them, bigger frames. Best effort: a kernel that refuses
 * keeps its default and the link's own chunk size. */
static void sock_buffers(struct xconn *c)
{
	int sz = XC_SNDBUF, got = 0;
	socklen_t len = sizeof(got);

	setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (c->proto == BTS_RFCOMM &&
	    getsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &got, &len) == 0 && got >= 4 * XC_RFCOMM_FRAME)
		c->max_out = XC_RFCOMM_FRAME - BTS_FRAME_HDR;
}

int xc_init(struct xconn *c, const struct bts_link *link, const struct bts_xfer_opts *o,
	    struct bts_xfer_stats *st)
{
	memset(c, 0, sizeof(*c));
	c->fd = link->fd;
	c->proto = link->proto;
	c->o = o;
	c->st = st;
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : XC_DEFAULT_TIMEOUT_MS;
	/* Room for one whole frame plus a frame's worth of read-ahead on
	 * the stream socket. */
	c->rcap = 2 * FRAME_MAX;
	c->rbuf = malloc(c->rcap);
	c->fcap = FRAME_MAX;
	c->fbuf = malloc(c->fcap);
	if (!c->rbuf || !c->fbuf) {
		xc_free(c);
		return -ENOMEM;
	}
	c->max_in = BTS_FRAME_MAX_PAYLOAD;
	if (link->proto == BTS_L2CAP && link->imtu > BTS_FRAME_HDR)
		c->max_in = link->imtu - BTS_FRAME_HDR;
	c->max_out = bts_link_chunk(link) - BTS_FRAME_HDR;
	sock_buffers(c);
	/* A peer that stops reading must not block a write for ever. */
	set_tick(c->fd, SO_SNDTIMEO, c->timeout_ms, TX_TICK_MS);
	set_tick(c->fd, SO_RCVTIMEO, c->timeout_ms, RX_TICK_MS);
	c->sndroom = send_room(c->fd);
	note_alive(c);
	return 0;
}

void xc_free(struct xconn *c)
{
	free(c->rbuf);
	free(c->fbuf);
	c->rbuf = c->fbuf = NULL;
}

int xc_stopped(const struct xconn *c)
{
	return c->o->stop && *c->o->stop ? -BTS_EINTERRUPTED : 0;
}

void xc_event(const struct bts_xfer_opts *o, enum bts_event_kind kind, const char *path,
	      uint64_t done, uint64_t total, int how, int err, bool remote)
{
	struct bts_event ev = {
		.kind = kind, .path = path, .done = done, .total = total,
		.how = how, .err = err, .remote = remote,
	};

	if (o->event)
		o->event(&ev, o->ud);
}

static int send_iov(struct xconn *c, struct iovec *iov, int n)
{
	struct msghdr mh;
	size_t total = 0;

	for (int i = 0; i < n; i++)
		total += iov[i].iov_len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)n;
	note_alive(c);
	while (total) {
		ssize_t w = sendmsg(c->fd, &mh, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
				if (xc_stopped(c))
					return -BTS_EINTERRUPTED;
				if (errno != EINTR && xc_peer_silent(c))
					return -ETIMEDOUT;
				continue;
			}
			return -errno;
		}
		c->st->wire_tx += (uint64_t)w;
		total -= (size_t)w;
		note_alive(c); /* there was room: the link took data */
		/* A stream socket may take part of it: skip what went. */
		while (w > 0 && mh.msg_iovlen) {
			if ((size_t)w >= mh.msg_iov->iov_len) {
				w -= (ssize_t)mh.msg_iov->iov_len;
				mh.msg_iov++;
				mh.msg_iovlen--;
			} else {
				mh.msg_iov->iov_base = (uint8_t *)mh.msg_iov->iov_base + w;
				mh.msg_iov->iov_len -= (size_t)w;
				w = 0;
			}
		}
	}
	return 0;
}

int xc_send_frame(struct xconn *c, uint8_t type, const void *payload, size_t len)
{
	uint8_t hdr[BTS_FRAME_HDR];
	struct iovec iov[2] = {
		{ .iov_base = hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)payload, .iov_len = len },
	};

	if (len > c->max_out)
		return -BTS_ETOOBIG;
	bts_frame_put_header(hdr, type, len);
	return send_iov(c, iov, len ? 2 : 1);
}

int xc_send_raw(struct xconn *c, const void *buf, size_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	return send_iov(c, &iov, 1);
}

int xc_send_fbuf(struct xconn *c, ssize_t len)
{
	struct iovec iov = { .iov_base = c->fbuf, .iov_len = (size_t)len };

	if (len < 0)
		return (int)len;
	if ((size_t)len - BTS_FRAME_HDR > c->max_out)
		return -BTS_ETOOBIG;
	return send_iov(c, &iov, 1);
}

/* Wait until fd is readable: returns the poll revents (> 0), 0 when a
 * zero timeout finds nothing, or an error. */
static int wait_readable(struct xconn *c, int timeout_ms)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	int r;

	for (;;) {
		int err = xc_stopped(c);

		if (err < 0)
			return err;
		r = poll(&p, 1, timeout_ms);
		if (r > 0)
			return p.revents;
		if (r == 0)
			return timeout_ms == 0 ? 0 : -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/* Read up to len bytes; with waitall, wait for all of them (RFCOMM
 * only: an L2CAP read is one packet). Returns a count > 0 (possibly
 * short when a tick passed with some data), or an error: -BTS_ELINKLOST
 * when hung up, -ETIMEDOUT after timeout_ms without a byte. */
static ssize_t read_some(struct xconn *c, void *buf, size_t len, bool waitall)
{
	note_alive(c);
	for (;;) {
		ssize_t n;
		int ev;

		/* Look before every read, not only after EINTR: a signal that
		 * lands while a read is copying data cuts it short and the read
		 * returns those bytes, so a busy transfer would never see it. */
		if (xc_stopped(c))
			return -BTS_EINTERRUPTED;
		n = recv(c->fd, buf, len, waitall ? MSG_WAITALL : 0);
		if (n > 0) {
			c->st->wire_rx += (uint64_t)n;
			note_alive(c);
			return n;
		}
		if (n == 0)
			return -BTS_ELINKLOST;
		if (errno == EINTR) {
			if (xc_stopped(c))
				return -BTS_EINTERRUPTED;
			continue;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		/* A tick without data: hung up, stopped, or just quiet. */
		ev = wait_readable(c, 0);
		if (ev < 0)
			return ev;
		if (ev & (POLLHUP | POLLERR)) {
			/* Whatever is still queued comes first. */
			n = recv(c->fd, buf, len, MSG_DONTWAIT);
			if (n > 0) {
				c->st->wire_rx += (uint64_t)n;
				return n;
			}
			return -BTS_ELINKLOST;
		}
		if (ev)
			continue;
		if (xc_peer_silent(c))
			return -ETIMEDOUT;
	}
}

/* Read more bytes into the stream buffer: at least one, and with
 * need > 0 wait for that many (the rest of a frame). */
static int fill(struct xconn *c, size_t need)
{
	ssize_t n;

	if (c->rpos && c->rcap - c->rlen < FRAME_MAX) {
		memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
		c->rlen -= c->rpos;
		c->rpos = 0;
	}
	if (need)
		n = read_some(c, c->rbuf + c->rlen, need, true);
	else
		n = read_some(c, c->rbuf + c->rlen, c->rcap - c->rlen, false);
	if (n < 0)
		return (int)n;
	c->rlen += (size_t)n;
	return 0;
}

int xc_recv(struct xconn *c, uint8_t *type, const uint8_t **payload, size_t *len)
{
	int err;

	if (c->proto == BTS_L2CAP) {
		ssize_t n;

		n = read_some(c, c->rbuf, c->rcap, false);
		if (n < 0)
			return (int)n;
		if (n < BTS_FRAME_HDR)
			return -BTS_EPROTO;
		err = bts_frame_header(c->rbuf, c->max_in, type, len);
		if (err < 0)
			return err;
		/* One frame per packet, exactly. */
		if (*len != (size_t)n - BTS_FRAME_HDR)
			return -BTS_EPROTO;
		*payload = c->rbuf + BTS_FRAME_HDR;
		return 0;
	}
	while (c->rlen - c->rpos < BTS_FRAME_HDR)
		if ((err = fill(c, 0)) < 0)
			return err;
	err = bts_frame_header(c->rbuf + c->rpos, c->max_in, type, len);
	if (err < 0)
		return err;
	while (c->rlen - c->rpos < BTS_FRAME_HDR + *len)
		if ((err = fill(c, BTS_FRAME_HDR + *len - (c->rlen - c->rpos))) < 0)
			return err;
	*payload = c->rbuf + c->rpos + BTS_FRAME_HDR;
	c->rpos += BTS_FRAME_HDR + *len;
	if (c->rpos == c->rlen)
		c->rpos = c->rlen = 0;
	return 0;
}

int xtree_budget_ms(const struct xconn *c)
{
	int ms = c->timeout_ms / 4;

	return ms < 30000 ? (ms > 0 ? ms : 1) : 30000;
}

int xc_pending(struct xconn *c)
{
	int ev;

	if (c->rlen > c->rpos)
		return 1;
	ev = wait_readable(c, 0);
	return ev < 0 ? ev : ev > 0;
}

ssize_t xc_read_raw(struct xconn *c, void *buf, size_t len)
{
	/* On RFCOMM, wait for a useful amount rather than taking each
	 * ~1 KB packet in a call of its own (and writing it out in another);
	 * a stream that pauses still comes through within a tick. */
	if (c->proto == BTS_RFCOMM && len > RAW_GATHER)
		return read_some(c, buf, RAW_GATHER, true);
	return read_some(c, buf, len, c->proto == BTS_RFCOMM);
}

void xc_send_error(struct xconn *c, int err, const char *msg)
{
	struct bts_error e;

	e.code = bts_wire_from_err(err);
	snprintf(e.msg, sizeof(e.msg), "%s", msg ? msg : bts_strerror(err));
	xc_send_fbuf(c, bts_enc_error(c->fbuf, c->fcap, &e));
}
