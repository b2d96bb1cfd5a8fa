// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "btsync/error.h"
#include "btsync/util.h"

int bts_parse_uint(const char *s, unsigned long min, unsigned long max,
		   unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || !isxdigit((unsigned char)*s))
		return -BTS_EBADARG;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v < min || v > max)
		return -BTS_EBADARG;
	*out = v;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int bts_addr_parse(const char *s, bdaddr_t *out)
{
	uint8_t b[6];

	if (!s || strlen(s) != 17)
		return -BTS_EBADADDR;
	for (int i = 0; i < 6; i++) {
		const char *p = s + i * 3;
		int hi = hexval((unsigned char)p[0]), lo = hexval((unsigned char)p[1]);

		if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':'))
			return -BTS_EBADADDR;
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	if (out)
		for (int i = 0; i < 6; i++) /* bdaddr_t is little-endian */
			out->b[5 - i] = b[i];
	return 0;
}

int bts_addr_valid(const char *s)
{
	return bts_addr_parse(s, NULL) == 0;
}

char *bts_addr_str(const bdaddr_t *a, char *buf)
{
	snprintf(buf, 18, "%02X:%02X:%02X:%02X:%02X:%02X", a->b[5], a->b[4],
		 a->b[3], a->b[2], a->b[1], a->b[0]);
	return buf;
}

ssize_t bts_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t left = len;

	while (left) {
		ssize_t n = write(fd, p, left);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		left -= (size_t)n;
	}
	return (ssize_t)len;
}

ssize_t bts_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int bts_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

uint64_t bts_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
