/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFCOMM and L2CAP sockets, following the kernel's sequence:
 * socket, bind to the adapter, security and mode options, connect (or
 * listen), then query the MTUs. All functions follow btsync/error.h.
 */
#ifndef BTSYNC_SOCKET_H
#define BTSYNC_SOCKET_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <bluetooth/bluetooth.h>

enum bts_proto {
	BTS_RFCOMM = 0,  /* stream socket, channels 1-30 */
	BTS_L2CAP = 1,   /* SEQPACKET socket, PSMs (odd; dynamic from 0x1001) */
};

#define BTS_RFCOMM_CHANNEL_MAX 30
#define BTS_L2CAP_PSM_DYN_START 0x1001

enum bts_security {
	BTS_SEC_DEFAULT = 0, /* leave the kernel's default (BT_SECURITY_LOW) */
	BTS_SEC_LOW = 1,
	BTS_SEC_MEDIUM = 2,
	BTS_SEC_HIGH = 3,
	BTS_SEC_FIPS = 4,
};

enum bts_l2cap_mode {
	BTS_L2MODE_BASIC = 0,     /* kernel default: reliable on BR/EDR ACL */
	BTS_L2MODE_ERTM = 1,      /* enhanced retransmission: retransmit until failure */
	BTS_L2MODE_STREAMING = 2, /* streaming: drop and move on */
};

/* Options for connect and listen. Zero-initialised means defaults. */
struct bts_sockopts {
	enum bts_security security;
	enum bts_l2cap_mode l2cap_mode;
	uint16_t mtu;           /* L2CAP incoming MTU to ask for; 0 = default */
	int connect_timeout_ms; /* 0 = kernel default; <0 = no limit */
	/* bts_connect() gives up with -EINTR when a signal arrives while
	 * this is set (NULL: it waits on). */
	const volatile sig_atomic_t *stop;
};

/* A connected link. */
struct bts_link {
	int fd;
	enum bts_proto proto;
	bdaddr_t local;
	bdaddr_t peer;
	uint16_t port;  /* RFCOMM channel or L2CAP PSM */
	uint16_t imtu;  /* L2CAP: largest packet we receive; RFCOMM: 0 */
	uint16_t omtu;  /* L2CAP: largest packet we may send; RFCOMM: 0 */
};

/* Connect to dst on port. src may be NULL (any adapter).
 * Returns 0 and fills *link, or a negative error:
 * -ETIMEDOUT, -EHOSTDOWN, -ECONNREFUSED, -BTS_EAUTH (the link's
 * authentication or encryption failed: not paired), -BTS_ENOKERNEL,
 * -BTS_EBADARG ... */
int bts_connect(const bdaddr_t *src, const bdaddr_t *dst, enum bts_proto proto,
		uint16_t port, const struct bts_sockopts *opts,
		struct bts_link *link);

/* Create a listening socket bound to src (NULL = any) on port; port 0
 * takes the first free channel/PSM atomically at bind/listen time. On
 * success returns the fd (non-blocking: wait for clients with poll()) and
 * stores the port actually bound in *bound. */
int bts_listen(const bdaddr_t *src, enum bts_proto proto, uint16_t port,
	       const struct bts_sockopts *opts, int backlog, uint16_t *bound);

/* Accept one connection on a listening fd. Fills *link. On a socket from
 * bts_listen() returns -EAGAIN when no connection is waiting: the one
 * poll() saw may have been closed by its peer since. */
int bts_accept(int lfd, enum bts_proto proto, struct bts_link *link);

/* Largest write that moves at full speed on this link. Virtual and many
 * real controllers stall on single writes of 16 KiB or more with the
 * default SO_SNDBUF, so RFCOMM writes are capped well below that; L2CAP
 * writes are whole packets of at most omtu. */
size_t bts_link_chunk(const struct bts_link *link);

/* Wait (up to timeout_ms) until everything written to the link has left
 * the socket for the controller, so that a close() right after the last
 * write cannot overtake it (SO_LINGER does not wait for that, and closing
 * an L2CAP basic-mode socket drops what is queued). Stops early once
 * *stop becomes non-zero (stop may be NULL). Returns 0, -ETIMEDOUT,
 * -EINTR when stopped, or -errno. */
int bts_link_drain(int fd, int timeout_ms, const volatile sig_atomic_t *stop);

/* Validate a port for proto: RFCOMM 1-30, L2CAP odd with the low bit of
 * the upper byte clear (0x0001-0xFEFF); 0 allowed when allow_any. */
int bts_port_valid(enum bts_proto proto, unsigned long port, int allow_any);

/* Parse "low", "medium", "high", "fips". */
int bts_security_parse(const char *s, enum bts_security *out);
/* Parse "basic", "ertm", "streaming". */
int bts_l2cap_mode_parse(const char *s, enum bts_l2cap_mode *out);

#endif
