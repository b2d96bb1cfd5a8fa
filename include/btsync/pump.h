/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A one-way byte pump between two descriptors, driven by the caller's
 * poll() loop: what btsync connect runs between stdin/stdout and a link,
 * and btsync serve between a link and a command's pipes or pty.
 *
 * Each pump holds at most one buffer of data (flat memory whatever the
 * size of the stream). In packet mode every read becomes exactly one
 * write, so L2CAP packet boundaries survive: reads are limited to the
 * destination's MTU. Descriptors may be blocking or not; EAGAIN simply
 * leaves the data queued for the next POLLOUT.
 *
 *   bts_pump_init(&p, in, out, ...);
 *   loop: bts_pump_events(&p, &in_ev, &out_ev); poll(...);
 *         bts_pump_run(&p);   // reads and/or writes what is ready
 *         if (bts_pump_done(&p)) ...
 */
#ifndef BTSYNC_PUMP_H
#define BTSYNC_PUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	BTS_PUMP_PACKET = 1 << 0,    /* one read -> one write (SEQPACKET destination) */
	BTS_PUMP_CRLF_OUT = 1 << 1,  /* turn "\n" into "\r\n" on the way through */
	BTS_PUMP_CRLF_IN = 1 << 2,   /* turn "\r\n" into "\n" on the way through */
	BTS_PUMP_PTY_IN = 1 << 3,    /* in is a pty master: EIO means EOF */
	BTS_PUMP_RESET_EOF = 1 << 4, /* ECONNRESET on in means EOF (peer closed),
				      * once the data still queued is read */
};

struct bts_pump {
	int in, out;
	unsigned flags;
	size_t rmax;      /* largest read (packet mode: destination MTU) */
	char *buf;        /* caller's buffer of at least 2 * rmax bytes */
	size_t cap;
	size_t off, len;  /* pending data: buf[off .. off+len) */
	bool eof;         /* in reached EOF (or reset, see flags) */
	bool cr_pending;  /* CRLF_IN: a '\r' held back waiting for the next byte */
	bool reset;       /* RESET_EOF: ECONNRESET seen, reading what is left */
	int rerr;         /* read error (-errno), 0 if none */
	int werr;         /* write error (-errno), 0 if none */
	uint64_t bytes_in;  /* bytes read from in */
	uint64_t bytes_out; /* bytes written to out */
};

/* buf must hold 2 * rmax bytes (room for CRLF expansion). */
void bts_pump_init(struct bts_pump *p, int in, int out, unsigned flags,
		   char *buf, size_t cap, size_t rmax);

/* The poll events this pump wants on in and on out (0 when none). */
void bts_pump_events(const struct bts_pump *p, short *in_ev, short *out_ev);

/* Read (when nothing is pending and in is not finished) and write what
 * is pending. Call after poll() said in or out is ready (or with
 * blocking descriptors, whenever). Returns 1 if it made progress, 0 if
 * not, or a negative error (also stored in rerr/werr). */
int bts_pump_step(struct bts_pump *p, bool in_ready, bool out_ready);

/* EOF seen on in and everything read has been written. */
bool bts_pump_drained(const struct bts_pump *p);

#endif
