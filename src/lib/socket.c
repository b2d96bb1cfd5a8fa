// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bluetooth/bluetooth.h>
#include <bluetooth/l2cap.h>
#include <bluetooth/rfcomm.h>

#include "btsync/error.h"
#include "btsync/socket.h"
#include "btsync/util.h"

/* RFCOMM: 8 KiB writes run at full speed on the virtual controllers;
 * 16 KiB single writes stall (one write per ~2 s) with the default
 * SO_SNDBUF. Stay at 8000 bytes, as rctest's -b 8000 default does. */
#define RFCOMM_CHUNK 8000

union bt_sockaddr {
	struct sockaddr sa;
	struct sockaddr_rc rc;
	struct sockaddr_l2 l2;
};

static int bt_socket(enum bts_proto proto)
{
	int fd;

	if (proto == BTS_RFCOMM)
		fd = socket(AF_BLUETOOTH, SOCK_STREAM | SOCK_CLOEXEC, BTPROTO_RFCOMM);
	else
		fd = socket(AF_BLUETOOTH, SOCK_SEQPACKET | SOCK_CLOEXEC, BTPROTO_L2CAP);
	if (fd < 0) {
		if (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)
			return -BTS_ENOKERNEL;
		return -errno;
	}
	return fd;
}

static socklen_t make_addr(union bt_sockaddr *a, enum bts_proto proto,
			   const bdaddr_t *addr, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	if (proto == BTS_RFCOMM) {
		a->rc.rc_family = AF_BLUETOOTH;
		bacpy(&a->rc.rc_bdaddr, addr ? addr : BDADDR_ANY);
		a->rc.rc_channel = (uint8_t)port;
		return sizeof(a->rc);
	}
	a->l2.l2_family = AF_BLUETOOTH;
	bacpy(&a->l2.l2_bdaddr, addr ? addr : BDADDR_ANY);
	a->l2.l2_psm = htobs(port);
	a->l2.l2_bdaddr_type = BDADDR_BREDR;
	return sizeof(a->l2);
}

static void read_addr(const union bt_sockaddr *a, enum bts_proto proto,
		      bdaddr_t *addr, uint16_t *port)
{
	if (proto == BTS_RFCOMM) {
		bacpy(addr, &a->rc.rc_bdaddr);
		if (port)
			*port = a->rc.rc_channel;
	} else {
		bacpy(addr, &a->l2.l2_bdaddr);
		if (port)
			*port = btohs(a->l2.l2_psm);
	}
}

/* Options that must be set before connect()/listen(). */
static int apply_opts(int fd, enum bts_proto proto, const struct bts_sockopts *o)
{
	if (o->security != BTS_SEC_DEFAULT) {
		struct bt_security sec = { .level = (uint8_t)o->security };

		if (setsockopt(fd, SOL_BLUETOOTH, BT_SECURITY, &sec, sizeof(sec)) < 0)
			return -errno;
	}
	if (proto == BTS_L2CAP && (o->mtu || o->l2cap_mode != BTS_L2MODE_BASIC)) {
		struct l2cap_options lo;
		socklen_t len = sizeof(lo);

		memset(&lo, 0, sizeof(lo));
		if (getsockopt(fd, SOL_L2CAP, L2CAP_OPTIONS, &lo, &len) < 0)
			return -errno;
		if (o->mtu)
			lo.imtu = o->mtu;
		switch (o->l2cap_mode) {
		case BTS_L2MODE_ERTM:
			lo.mode = L2CAP_MODE_ERTM;
			break;
		case BTS_L2MODE_STREAMING:
			lo.mode = L2CAP_MODE_STREAMING;
			break;
		default:
			lo.mode = L2CAP_MODE_BASIC;
			break;
		}
		if (setsockopt(fd, SOL_L2CAP, L2CAP_OPTIONS, &lo, sizeof(lo)) < 0)
			return -errno;
	}
	return 0;
}

static int fill_link(int fd, enum bts_proto proto, struct bts_link *link)
{
	union bt_sockaddr a;
	socklen_t len;

	/* zeroed: a short address from the kernel leaves no garbage */
	memset(&a, 0, sizeof(a));
	link->fd = fd;
	link->proto = proto;
	len = sizeof(a);
	if (getsockname(fd, &a.sa, &len) < 0)
		return -errno;
	read_addr(&a, proto, &link->local, NULL);
	len = sizeof(a);
	if (getpeername(fd, &a.sa, &len) < 0)
		return -errno;
	read_addr(&a, proto, &link->peer, &link->port);
	link->imtu = link->omtu = 0;
	if (proto == BTS_L2CAP) {
		struct l2cap_options lo;

		len = sizeof(lo);
		if (getsockopt(fd, SOL_L2CAP, L2CAP_OPTIONS, &lo, &len) < 0)
			return -errno;
		link->imtu = lo.imtu;
		link->omtu = lo.omtu;
	}
	return 0;
}

static int wait_connected(int fd, int timeout_ms, const volatile sig_atomic_t *stop)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int err = 0, r;
	socklen_t len = sizeof(err);

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR && !(stop && *stop));
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -errno;
	return err ? -err : 0;
}

/* socket(), bind() to the adapter (and port), then the options that must
 * precede connect()/listen(). Returns the fd or a negative error. */
static int open_bound(enum bts_proto proto, const bdaddr_t *src, uint16_t port,
		      const struct bts_sockopts *opts)
{
	union bt_sockaddr a;
	socklen_t alen = make_addr(&a, proto, src, port);
	int fd = bt_socket(proto), err, saved;

	if (fd < 0)
		return fd;
	if (bind(fd, &a.sa, alen) < 0)
		err = -errno;
	else
		err = apply_opts(fd, proto, opts);
	if (err == 0)
		return fd;
	saved = errno;
	close(fd);
	errno = saved;
	return err;
}

int bts_connect(const bdaddr_t *src, const bdaddr_t *dst, enum bts_proto proto,
		uint16_t port, const struct bts_sockopts *opts,
		struct bts_link *link)
{
	static const struct bts_sockopts defaults;
	union bt_sockaddr a;
	socklen_t alen;
	int fd, err, saved;

	if (!opts)
		opts = &defaults;
	if (bts_port_valid(proto, port, 0) < 0)
		return -BTS_EBADARG;
	fd = open_bound(proto, src, 0, opts);
	if (fd < 0)
		return fd;
	alen = make_addr(&a, proto, dst, port);
	if (opts->connect_timeout_ms > 0) {
		int fl = fcntl(fd, F_GETFL);

		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
		if (connect(fd, &a.sa, alen) < 0) {
			if (errno != EINPROGRESS && errno != EAGAIN) {
				err = -errno;
				goto fail;
			}
			err = wait_connected(fd, opts->connect_timeout_ms, opts->stop);
			if (err < 0)
				goto fail;
		}
		fcntl(fd, F_SETFL, fl);
	} else {
		while (connect(fd, &a.sa, alen) < 0) {
			if (errno != EINTR || (opts->stop && *opts->stop)) {
				err = -errno;
				goto fail;
			}
		}
	}
	err = fill_link(fd, proto, link);
	if (err < 0)
		goto fail;
	return 0;
fail:
	/* A connect refused for security (the controller's "authentication
	 * failure", "PIN or key missing", "pairing not allowed") comes back
	 * as EACCES: no capability is missing, the devices are not paired. */
	if (err == -EACCES)
		err = -BTS_EAUTH;
	saved = errno;
	close(fd);
	errno = saved;
	return err;
}

int bts_listen(const bdaddr_t *src, enum bts_proto proto, uint16_t port,
	       const struct bts_sockopts *opts, int backlog, uint16_t *bound)
{
	static const struct bts_sockopts defaults;
	union bt_sockaddr a;
	socklen_t alen;
	int fd, err, saved;

	if (!opts)
		opts = &defaults;
	if (bts_port_valid(proto, port, 1) < 0)
		return -BTS_EBADARG;
	/* Port 0: RFCOMM picks the first free channel at listen(), L2CAP the
	 * first free dynamic PSM at bind(); either way no other process can
	 * take it between our asking and our binding. */
	fd = open_bound(proto, src, port, opts);
	if (fd < 0)
		return fd;
	if (listen(fd, backlog > 0 ? backlog : 5) < 0) {
		err = -errno;
		goto fail;
	}
	/* Non-blocking: a connection that poll() reported can be gone by
	 * the time accept() looks (the peer closed it, and the kernel drops
	 * closed ones from the queue); a blocking accept() would then sleep
	 * until the next client, deaf to signals, since it restarts. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		err = -errno;
		goto fail;
	}
	if (bound) {
		bdaddr_t ignored;

		memset(&a, 0, sizeof(a));
		alen = sizeof(a);
		if (getsockname(fd, &a.sa, &alen) < 0) {
			err = -errno;
			goto fail;
		}
		read_addr(&a, proto, &ignored, bound);
	}
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return err;
}

int bts_accept(int lfd, enum bts_proto proto, struct bts_link *link)
{
	int fd, err;

	do
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;
	err = fill_link(fd, proto, link);
	if (err < 0) {
		close(fd);
		return err;
	}
	/* Report the listening port, not the peer's. */
	{
		union bt_sockaddr a;
		socklen_t len = sizeof(a);
		bdaddr_t ignored;

		memset(&a, 0, sizeof(a));
		if (getsockname(lfd, &a.sa, &len) == 0)
			read_addr(&a, proto, &ignored, &link->port);
	}
	return 0;
}

size_t bts_link_chunk(const struct bts_link *link)
{
	if (link->proto == BTS_L2CAP && link->omtu)
		return link->omtu;
	return RFCOMM_CHUNK;
}

int bts_link_drain(int fd, int timeout_ms, const volatile sig_atomic_t *stop)
{
	uint64_t end = bts_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	int sndbuf = 0, room = 0;
	socklen_t len = sizeof(sndbuf);

	/* TIOCOUTQ on a Bluetooth socket is the free send space: the data
	 * is gone when the whole SO_SNDBUF is free again. */
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) < 0)
		return -errno;
	for (;;) {
		if (ioctl(fd, TIOCOUTQ, &room) < 0)
			return -errno;
		if (room >= sndbuf)
			return 0;
		if (stop && *stop)
			return -EINTR;
		if (bts_now_ns() >= end)
			return -ETIMEDOUT;
		poll(NULL, 0, 10);
	}
}

int bts_port_valid(enum bts_proto proto, unsigned long port, int allow_any)
{
	if (port == 0)
		return allow_any ? 0 : -BTS_EBADARG;
	if (proto == BTS_RFCOMM)
		return port <= BTS_RFCOMM_CHANNEL_MAX ? 0 : -BTS_EBADARG;
	/* PSMs are odd, and the least significant bit of the most
	 * significant octet is 0 (Core spec, L2CAP connection request). */
	if (port > 0xFFFF || !(port & 1) || (port & 0x100))
		return -BTS_EBADARG;
	return 0;
}

int bts_security_parse(const char *s, enum bts_security *out)
{
	static const char *const names[] = { "low", "medium", "high", "fips" };

	for (unsigned i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum bts_security)(i + 1);
			return 0;
		}
	return -BTS_EBADARG;
}

int bts_l2cap_mode_parse(const char *s, enum bts_l2cap_mode *out)
{
	static const char *const names[] = { "basic", "ertm", "streaming" };

	for (unsigned i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum bts_l2cap_mode)i;
			return 0;
		}
	return -BTS_EBADARG;
}
