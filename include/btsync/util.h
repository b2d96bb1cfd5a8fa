/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by the library and the CLI: strict parsing and
 * full reads/writes. All follow the contract in btsync/error.h. */
#ifndef BTSYNC_UTIL_H
#define BTSYNC_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <bluetooth/bluetooth.h>

#define BTS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parse a whole decimal (or 0x-prefixed hex) unsigned number in [min,max].
 * Rejects empty strings, signs, trailing junk and overflow: -BTS_EBADARG. */
int bts_parse_uint(const char *s, unsigned long min, unsigned long max,
		   unsigned long *out);

/* Parse "XX:XX:XX:XX:XX:XX" strictly (hex pairs, colons, nothing else).
 * Returns 0 or -BTS_EBADADDR. Unlike str2ba(), garbage is never 00:00:... */
int bts_addr_parse(const char *s, bdaddr_t *out);
/* Is s shaped like an address? (same rules, no output) */
int bts_addr_valid(const char *s);
/* Format into buf (at least 18 bytes); returns buf. */
char *bts_addr_str(const bdaddr_t *a, char *buf);

/* write() the whole buffer, looping over short writes and EINTR.
 * Returns len or -errno. */
ssize_t bts_write_all(int fd, const void *buf, size_t len);
/* read() exactly len bytes unless EOF comes first. Returns the number of
 * bytes read (less than len only at EOF) or -errno. */
ssize_t bts_read_full(int fd, void *buf, size_t len);

/* Add O_NONBLOCK to fd's flags. Returns 0 or -errno. */
int bts_set_nonblock(int fd);

/* Monotonic clock in nanoseconds. */
uint64_t bts_now_ns(void);

#endif
