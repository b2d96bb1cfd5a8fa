/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to the transfer modules: the framed connection both sides use. */
#ifndef BTSYNC_TRANSFER_INT_H
#define BTSYNC_TRANSFER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "btsync/socket.h"
#include "btsync/transfer.h"

#define XC_DEFAULT_TIMEOUT_MS 120000

struct xconn {
	int fd;
	enum bts_proto proto;
	const struct bts_xfer_opts *o;
	struct bts_xfer_stats *st;
	int timeout_ms;
	/* The peer's last sign of life (bts_now_ns()): a byte received, or
	 * room freed in our send buffer (the link took what we queued); one
	 * seen since the clock was last read; and that room as last seen
	 * (TIOCOUTQ). See xc_peer_silent(). */
	uint64_t alive_ns;
	bool alive_seen;
	int sndroom;
	uint8_t *rbuf;          /* received bytes rbuf[rpos..rlen) */
	size_t rcap, rpos, rlen;
	size_t max_in;          /* largest payload we accept */
	size_t max_out;         /* largest payload we send */
	uint8_t *fbuf;          /* control frames are encoded here */
	size_t fcap;
};

int xc_init(struct xconn *c, const struct bts_link *link, const struct bts_xfer_opts *o,
	    struct bts_xfer_stats *st);
void xc_free(struct xconn *c);
/* Send an encoded frame from c->fbuf (len from an encoder; < 0 passes
 * through). */
int xc_send_fbuf(struct xconn *c, ssize_t len);
/* Send one frame of type with payload (header and payload in one write:
 * on L2CAP one packet). */
int xc_send_frame(struct xconn *c, uint8_t type, const void *payload, size_t len);
/* Send bytes as they are (--raw), looping over short writes. */
int xc_send_raw(struct xconn *c, const void *buf, size_t len);
/* Receive one frame; payload points into c->rbuf until the next call.
 * Link closed: -BTS_ELINKLOST. */
int xc_recv(struct xconn *c, uint8_t *type, const uint8_t **payload, size_t *len);
/* Read bytes as they come (--raw): on RFCOMM up to 16 KiB at a time, fewer
 * when the stream pauses for a moment; waits up to the timeout for the
 * first byte; never blocks on a hung-up socket. Bytes, or an error
 * (-BTS_ELINKLOST: closed). */
ssize_t xc_read_raw(struct xconn *c, void *buf, size_t len);
/* Is something (a frame, or EOF) waiting to be read right now? */
int xc_pending(struct xconn *c);
/* Best-effort ERROR frame for err. */
void xc_send_error(struct xconn *c, int err, const char *msg);
/* Check the stop flag: -BTS_EINTERRUPTED when set. */
int xc_stopped(const struct xconn *c);
/* The digest of the tree under directory dfd (see treedigest.c), read
 * through buf. Returns 0 with md and the counts set; 1 when the tree
 * cannot be summed up (an entry the protocol does not carry, an unreadable
 * or changing file, too deep, or more than budget_ms of work, 0 = no
 * limit): the entries then go one by one and say what is wrong;
 * -BTS_EINTERRUPTED when *stop was set; or -ENOMEM. */
#define XTREE_MAX_DEPTH 128
struct xtree_counts {
	uint64_t files, dirs, symlinks, bytes;
};
int xtree_digest(int dfd, uint8_t *buf, size_t cap, const volatile sig_atomic_t *stop,
		 int budget_ms, uint8_t md[BTS_SHA256_LEN], struct xtree_counts *n);
/* How long either side may spend on a digest: well inside the other
 * side's idle timeout, which is waiting meanwhile. */
int xtree_budget_ms(const struct xconn *c);

/* Emit an event if the caller asked for them. */
void xc_event(const struct bts_xfer_opts *o, enum bts_event_kind kind, const char *path,
	      uint64_t done, uint64_t total, int how, int err, bool remote);

#endif
