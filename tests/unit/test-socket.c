// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for bts_connect()'s error reporting, with the kernel's
 * socket calls faked: what a failed connect returns decides the message
 * and the exit status the user gets; and for the listening socket, which
 * must not let accept() block. */
/* wrap: socket bind connect poll getsockopt */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "btsync/error.h"
#include "btsync/socket.h"

int __real_socket(int domain, int type, int protocol);
int __real_bind(int fd, const struct sockaddr *a, socklen_t len);
int __wrap_socket(int domain, int type, int protocol);
int __wrap_bind(int fd, const struct sockaddr *a, socklen_t len);
int __wrap_connect(int fd, const struct sockaddr *a, socklen_t len);
int __wrap_poll(struct pollfd *p, nfds_t n, int timeout);
int __real_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int __wrap_getsockopt(int fd, int level, int name, void *val, socklen_t *len);

/* How the fake kernel answers: connect() fails at once with
 * connect_errno, or (non-blocking) says EINPROGRESS and the error comes
 * later through SO_ERROR. */
static int connect_errno;
static int so_error;

int __wrap_socket(int domain, int type, int protocol)
{
	(void)domain; (void)type; (void)protocol;
	return __real_socket(AF_UNIX, SOCK_STREAM, 0);
}

/* The stand-in socket gets an address of its own (the kernel picks an
 * abstract one), so that it can listen. */
int __wrap_bind(int fd, const struct sockaddr *a, socklen_t len)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };

	(void)a; (void)len;
	return __real_bind(fd, (const struct sockaddr *)&un, sizeof(sa_family_t));
}

int __wrap_connect(int fd, const struct sockaddr *a, socklen_t len)
{
	(void)fd; (void)a; (void)len;
	errno = connect_errno;
	return -1;
}

int __wrap_poll(struct pollfd *p, nfds_t n, int timeout)
{
	(void)timeout;
	for (nfds_t i = 0; i < n; i++)
		p[i].revents = POLLOUT;
	return (int)n;
}

int __wrap_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	if (level == SOL_SOCKET && name == SO_ERROR) {
		memcpy(val, &so_error, sizeof(so_error));
		*len = sizeof(so_error);
		return 0;
	}
	return __real_getsockopt(fd, level, name, val, len);
}

static int try_connect(int timeout_ms)
{
	bdaddr_t src = {{0}}, dst = {{1, 2, 3, 4, 5, 6}};
	struct bts_sockopts so = { .connect_timeout_ms = timeout_ms };
	struct bts_link link;

	return bts_connect(&src, &dst, BTS_RFCOMM, 1, &so, &link);
}

/* The controller refused the link's security (not paired): EACCES from
 * the kernel is an authentication failure, not a missing capability. */
static void test_auth_failure(void **st)
{
	(void)st;
	connect_errno = EACCES;
	assert_int_equal(try_connect(0), -BTS_EAUTH);
	connect_errno = EINPROGRESS;
	so_error = EACCES;
	assert_int_equal(try_connect(5000), -BTS_EAUTH);
	assert_non_null(strstr(bts_strerror(-BTS_EAUTH), "pair"));
}

/* Other failures pass through unchanged. */
static void test_other_errors(void **st)
{
	(void)st;
	connect_errno = ECONNREFUSED;
	assert_int_equal(try_connect(0), -ECONNREFUSED);
	connect_errno = EINPROGRESS;
	so_error = EHOSTDOWN;
	assert_int_equal(try_connect(5000), -EHOSTDOWN);
}

/* A client that poll() saw may hang up before accept() runs, and the
 * kernel then drops it from the queue: accept() must say EAGAIN, not
 * sleep until the next client (serve and recv stuck, deaf to SIGTERM). */
static void test_listen_nonblocking(void **st)
{
	bdaddr_t any = {{0}};
	struct bts_link link;
	uint16_t port = 0;
	int fd;

	(void)st;
	fd = bts_listen(&any, BTS_RFCOMM, 0, NULL, 1, &port);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	alarm(5); /* a blocking accept() fails the test instead of hanging it */
	assert_int_equal(bts_accept(fd, BTS_RFCOMM, &link), -EAGAIN);
	alarm(0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_failure),
		cmocka_unit_test(test_other_errors),
		cmocka_unit_test(test_listen_nonblocking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
