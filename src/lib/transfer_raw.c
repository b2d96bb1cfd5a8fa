// SPDX-License-Identifier: GPL-2.0-or-later
/* --raw: plain bytes for peers that are not btsync (a PyBluez script's
 * sendall()/recv(), a serial app). No framing and no verification: the
 * end of data is the peer closing the link. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "btsync/error.h"
#include "btsync/util.h"
#include "transfer_int.h"

#define RAW_BUF (256 * 1024)
/* How long close() may wait for queued data to leave on its way out. */
#define RAW_LINGER_S 30

int bts_raw_send(const struct bts_link *link, int fd, const struct bts_xfer_opts *o,
		 struct bts_xfer_stats *st)
{
	uint64_t t0 = bts_now_ns(), done = 0;
	struct linger lg = { .l_onoff = 1, .l_linger = RAW_LINGER_S };
	struct xconn c;
	size_t chunk, cap;
	uint8_t *buf;
	int err = 0;

	err = xc_init(&c, link, o, st);
	if (err < 0)
		return err;
	/* Plain bytes in writes as large as a frame would be (on L2CAP one
	 * packet each, up to the MTU). */
	chunk = c.max_out + BTS_FRAME_HDR;
	cap = (RAW_BUF / chunk) * chunk;
	if (!cap)
		cap = chunk;
	buf = malloc(cap);
	if (!buf) {
		xc_free(&c);
		return -ENOMEM;
	}
	xc_event(o, BTS_EV_BEGIN, "-", 0, UINT64_MAX, 0, 0, false);
	for (;;) {
		ssize_t n = bts_read_full(fd, buf, cap);

		if (n < 0) {
			err = (int)n;
			break;
		}
		if (n == 0)
			break;
		for (size_t off = 0; off < (size_t)n; off += chunk) {
			size_t l = (size_t)n - off < chunk ? (size_t)n - off : chunk;

			err = xc_send_raw(&c, buf + off, l);
			if (err < 0)
				goto out;
		}
		done += (uint64_t)n;
		st->data_bytes += (uint64_t)n;
		xc_event(o, BTS_EV_PROGRESS, "-", done, UINT64_MAX, 0, 0, false);
		if ((err = xc_stopped(&c)) < 0)
			goto out;
	}
out:
	if (err == 0) {
		/* Let the queued bytes leave before the link goes down. */
		setsockopt(link->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		shutdown(link->fd, SHUT_RDWR);
		xc_event(o, BTS_EV_DONE, "-", done, done, 0, 0, false);
	}
	st->ns = bts_now_ns() - t0;
	xc_free(&c);
	free(buf);
	return err;
}

int bts_raw_recv(const struct bts_link *link, int fd, const struct bts_xfer_opts *o,
		 struct bts_xfer_stats *st)
{
	uint64_t t0 = bts_now_ns(), done = 0;
	struct xconn c;
	uint8_t *buf = malloc(RAW_BUF);
	int err;

	if (!buf)
		return -ENOMEM;
	err = xc_init(&c, link, o, st);
	if (err < 0) {
		free(buf);
		return err;
	}
	xc_event(o, BTS_EV_BEGIN, "-", 0, UINT64_MAX, 0, 0, false);
	for (;;) {
		ssize_t w, n = xc_read_raw(&c, buf, RAW_BUF);

		/* The end of a raw stream is the peer closing the link; RFCOMM
		 * reports its orderly close (DISC) as ECONNRESET once the
		 * queued data is read. */
		if (n == -BTS_ELINKLOST || n == -ECONNRESET)
			break;
		if (n < 0) {
			err = (int)n;
			break;
		}
		w = bts_write_all(fd, buf, (size_t)n);
		if (w < 0) {
			err = (int)w;
			break;
		}
		done += (uint64_t)n;
		st->data_bytes += (uint64_t)n;
		xc_event(o, BTS_EV_PROGRESS, "-", done, UINT64_MAX, 0, 0, false);
	}
	if (err == 0)
		xc_event(o, BTS_EV_DONE, "-", done, done, 0, 0, false);
	st->ns = bts_now_ns() - t0;
	xc_free(&c);
	free(buf);
	return err;
}
