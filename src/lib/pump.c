// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "btsync/pump.h"

void bts_pump_init(struct bts_pump *p, int in, int out, unsigned flags,
		   char *buf, size_t cap, size_t rmax)
{
	memset(p, 0, sizeof(*p));
	p->in = in;
	p->out = out;
	p->flags = flags;
	p->buf = buf;
	p->cap = cap;
	if (rmax > cap / 2)
		rmax = cap / 2;
	p->rmax = rmax ? rmax : 1;
}

void bts_pump_events(const struct bts_pump *p, short *in_ev, short *out_ev)
{
	*in_ev = 0;
	*out_ev = 0;
	if (p->rerr || p->werr)
		return;
	if (p->len)
		*out_ev = POLLOUT;
	else if (!p->eof)
		*in_ev = POLLIN;
}

/* Rewrite the n bytes just read at buf[0..n) for line-ending translation;
 * the result may be up to twice as long (buf has room). Returns the new
 * length. */
static size_t translate(struct bts_pump *p, size_t n)
{
	char *b = p->buf;
	size_t extra = 0, w;

	if (p->flags & BTS_PUMP_CRLF_OUT) {
		for (size_t i = 0; i < n; i++)
			extra += b[i] == '\n';
		if (!extra)
			return n;
		/* Expand in place from the end backwards. */
		w = n + extra;
		for (size_t i = n; i-- > 0;) {
			b[--w] = b[i];
			if (b[i] == '\n')
				b[--w] = '\r';
		}
		return n + extra;
	}
	if (p->flags & BTS_PUMP_CRLF_IN) {
		/* Shift right by one to make room for a '\r' held back from
		 * the previous read. */
		size_t start = 0;

		if (p->cr_pending) {
			memmove(b + 1, b, n);
			b[0] = '\r';
			n++;
			p->cr_pending = false;
		}
		w = 0;
		for (size_t i = start; i < n; i++) {
			if (b[i] == '\r') {
				if (i + 1 == n) {
					p->cr_pending = true;
					break;
				}
				if (b[i + 1] == '\n')
					continue;
			}
			b[w++] = b[i];
		}
		return w;
	}
	return n;
}

static int do_read(struct bts_pump *p)
{
	size_t want = p->rmax;
	ssize_t n;

	if ((p->flags & BTS_PUMP_CRLF_OUT) && (p->flags & BTS_PUMP_PACKET) && want > 1)
		want /= 2; /* expansion must still fit one packet */
	do
		n = read(p->in, p->buf, want);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == ECONNRESET && (p->flags & BTS_PUMP_RESET_EOF) && !p->reset) {
		/* An L2CAP socket reports the peer's disconnection before
		 * the packets still queued (the kernel hands out a pending
		 * socket error first, and clears it): read on, and only an
		 * empty queue is the end. Seen when the peer sends and hangs
		 * up before we got to read, e.g. with btsync under valgrind. */
		p->reset = true;
		do
			n = read(p->in, p->buf, want);
		while (n < 0 && errno == EINTR);
	}
	if (n < 0) {
		if ((errno == EAGAIN || errno == EWOULDBLOCK) && !p->reset)
			return 0;
		if ((errno == EIO && (p->flags & BTS_PUMP_PTY_IN)) || p->reset)
			n = 0;
		else {
			p->rerr = -errno;
			return p->rerr;
		}
	}
	if (n == 0) {
		p->eof = true;
		if (p->cr_pending) {
			p->buf[0] = '\r';
			p->cr_pending = false;
			p->off = 0;
			p->len = 1;
		}
		return 1;
	}
	p->bytes_in += (uint64_t)n;
	p->off = 0;
	p->len = translate(p, (size_t)n);
	return 1;
}

static int do_write(struct bts_pump *p)
{
	ssize_t n;

	do
		n = write(p->out, p->buf + p->off, p->len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		p->werr = -errno;
		return p->werr;
	}
	if ((p->flags & BTS_PUMP_PACKET) && (size_t)n != p->len) {
		/* A SEQPACKET socket never takes part of a packet. */
		p->werr = -EMSGSIZE;
		return p->werr;
	}
	p->bytes_out += (uint64_t)n;
	p->off += (size_t)n;
	p->len -= (size_t)n;
	return 1;
}

int bts_pump_step(struct bts_pump *p, bool in_ready, bool out_ready)
{
	int progress = 0, r;

	if (p->rerr || p->werr)
		return p->werr ? p->werr : p->rerr;
	if (!p->len && !p->eof && in_ready) {
		r = do_read(p);
		if (r < 0)
			return r;
		progress |= r;
		/* Try the write at once: the destination is usually ready. */
		out_ready = true;
	}
	if (p->len && out_ready) {
		r = do_write(p);
		if (r < 0)
			return r;
		progress |= r;
	}
	return progress;
}

bool bts_pump_drained(const struct bts_pump *p)
{
	return p->eof && !p->len;
}
