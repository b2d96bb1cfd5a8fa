// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for the byte pump behind connect and serve: socketpairs
 * stand in for RFCOMM (SOCK_STREAM) and L2CAP (SOCK_SEQPACKET). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "btsync/pump.h"

/* wrap: read */
/* The next read() on this descriptor fails with ECONNRESET, as an L2CAP
 * socket's first read does when the peer disconnected after sending. */
static int reset_fd = -1;

ssize_t __real_read(int fd, void *b, size_t n);
ssize_t __wrap_read(int fd, void *b, size_t n);
ssize_t __wrap_read(int fd, void *b, size_t n)
{
	if (fd >= 0 && fd == reset_fd) {
		reset_fd = -1;
		errno = ECONNRESET;
		return -1;
	}
	return __real_read(fd, b, n);
}

static char buf[4096];

/* Run the pump until in is drained (blocking fds are fine: the test
 * writes everything before running it). */
static void run_until_drained(struct bts_pump *p)
{
	for (int i = 0; i < 10000 && !bts_pump_drained(p); i++) {
		int r = bts_pump_step(p, true, true);

		assert_true(r >= 0);
	}
	assert_true(bts_pump_drained(p));
}

static size_t slurp(int fd, char *out, size_t max)
{
	size_t got = 0;
	ssize_t n;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (got < max && (n = read(fd, out + got, max - got)) > 0)
		got += (size_t)n;
	return got;
}

static void test_stream_binary(void **st)
{
	int a[2], b[2];
	struct bts_pump p;
	char data[3000], out[4000];

	(void)st;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + 3); /* includes NUL, CR and LF bytes */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
	assert_int_equal(write(a[1], data, sizeof(data)), (ssize_t)sizeof(data));
	close(a[1]);
	bts_pump_init(&p, a[0], b[0], 0, buf, sizeof(buf), 1000);
	run_until_drained(&p);
	assert_int_equal(p.bytes_in, sizeof(data));
	assert_int_equal(p.bytes_out, sizeof(data));
	assert_int_equal(slurp(b[1], out, sizeof(out)), sizeof(data));
	assert_memory_equal(out, data, sizeof(data));
	close(a[0]); close(b[0]); close(b[1]);
}

static void test_packets_keep_boundaries(void **st)
{
	int a[2], b[2];
	struct bts_pump p;
	char pkt[200];
	ssize_t n;

	(void)st;
	/* Two packets of 10 and 60 bytes arrive as two packets, never
	 * merged into one write. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, a), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, b), 0);
	memset(pkt, 'x', sizeof(pkt));
	assert_int_equal(write(a[1], pkt, 10), 10);
	assert_int_equal(write(a[1], pkt, 60), 60);
	close(a[1]);
	bts_pump_init(&p, a[0], b[0], BTS_PUMP_PACKET, buf, sizeof(buf), 100);
	run_until_drained(&p);
	n = read(b[1], pkt, sizeof(pkt));
	assert_int_equal(n, 10);
	n = read(b[1], pkt, sizeof(pkt));
	assert_int_equal(n, 60);
	close(a[0]); close(b[0]); close(b[1]);
}

static void test_crlf(void **st)
{
	int a[2], b[2];
	struct bts_pump p;
	char out[64];
	size_t n;

	(void)st;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
	assert_int_equal(write(a[1], "a\nb\n\n", 5), 5);
	close(a[1]);
	bts_pump_init(&p, a[0], b[0], BTS_PUMP_CRLF_OUT, buf, sizeof(buf), 1000);
	run_until_drained(&p);
	n = slurp(b[1], out, sizeof(out));
	assert_int_equal(n, 8);
	assert_memory_equal(out, "a\r\nb\r\n\r\n", 8);
	close(a[0]); close(b[0]); close(b[1]);

	/* CR LF split across two reads still becomes LF; a lone CR stays. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, a), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
	assert_int_equal(write(a[1], "x\r", 2), 2);
	assert_int_equal(write(a[1], "\ny\rz\r\n", 6), 6);
	assert_int_equal(write(a[1], "end\r", 4), 4);
	close(a[1]);
	bts_pump_init(&p, a[0], b[0], BTS_PUMP_CRLF_IN, buf, sizeof(buf), 1000);
	run_until_drained(&p);
	n = slurp(b[1], out, sizeof(out));
	assert_int_equal(n, 10);
	assert_memory_equal(out, "x\ny\rz\nend\r", 10);
	close(a[0]); close(b[0]); close(b[1]);
}

static void test_errors(void **st)
{
	int a[2], b[2];
	struct bts_pump p;
	short in_ev, out_ev;

	(void)st;
	/* Writing to a closed peer fails with EPIPE and stops the pump. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
	close(b[1]);
	assert_int_equal(write(a[1], "data", 4), 4);
	bts_pump_init(&p, a[0], b[0], 0, buf, sizeof(buf), 1000);
	{
		struct sigaction sa = { .sa_handler = SIG_IGN };

		sigaction(SIGPIPE, &sa, NULL);
	}
	assert_int_equal(bts_pump_step(&p, true, true), -EPIPE);
	assert_int_equal(p.werr, -EPIPE);
	bts_pump_events(&p, &in_ev, &out_ev);
	assert_int_equal(in_ev | out_ev, 0);
	close(a[0]); close(a[1]); close(b[0]);

	/* A non-blocking source with nothing to read makes no progress. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
	fcntl(a[0], F_SETFL, O_NONBLOCK);
	bts_pump_init(&p, a[0], a[0], 0, buf, sizeof(buf), 1000);
	assert_int_equal(bts_pump_step(&p, true, false), 0);
	bts_pump_events(&p, &in_ev, &out_ev);
	assert_int_equal(in_ev, POLLIN);
	assert_int_equal(out_ev, 0);
	close(a[0]); close(a[1]);
}

/* The peer sent two packets and hung up before we read: the socket says
 * ECONNRESET first, then still has both packets. Nothing may be lost. */
static void test_reset_keeps_queued_data(void **st)
{
	int a[2], b[2];
	struct bts_pump p;
	char pkt[200];

	(void)st;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, a), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, b), 0);
	assert_int_equal(write(a[1], "abc", 3), 3);
	assert_int_equal(write(a[1], "defg", 4), 4);
	close(a[1]);
	fcntl(a[0], F_SETFL, O_NONBLOCK);
	bts_pump_init(&p, a[0], b[0], BTS_PUMP_PACKET | BTS_PUMP_RESET_EOF, buf, sizeof(buf), 100);
	reset_fd = a[0];
	run_until_drained(&p);
	assert_int_equal(p.rerr, 0);
	assert_int_equal(p.bytes_in, 7);
	assert_int_equal(read(b[1], pkt, sizeof(pkt)), 3);
	assert_memory_equal(pkt, "abc", 3);
	assert_int_equal(read(b[1], pkt, sizeof(pkt)), 4);
	assert_memory_equal(pkt, "defg", 4);
	close(a[0]); close(b[0]); close(b[1]);

	/* Nothing queued: ECONNRESET is the end, not an error, even on a
	 * non-blocking socket that would say EAGAIN next. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, a), 0);
	fcntl(a[0], F_SETFL, O_NONBLOCK);
	bts_pump_init(&p, a[0], a[0], BTS_PUMP_RESET_EOF, buf, sizeof(buf), 100);
	reset_fd = a[0];
	assert_int_equal(bts_pump_step(&p, true, false), 1);
	assert_true(bts_pump_drained(&p));
	assert_int_equal(p.rerr, 0);
	close(a[0]); close(a[1]);

	/* Without RESET_EOF, ECONNRESET is an error. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, a), 0);
	bts_pump_init(&p, a[0], a[0], 0, buf, sizeof(buf), 100);
	reset_fd = a[0];
	assert_int_equal(bts_pump_step(&p, true, false), -ECONNRESET);
	close(a[0]); close(a[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_binary),
		cmocka_unit_test(test_packets_keep_boundaries),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_reset_keeps_queued_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
