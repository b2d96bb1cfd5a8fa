/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 (FIPS 180-4), streaming. Used for the end-to-end check of every
 * file btsync moves, so it sits in the transfer hot path: the block
 * function uses the x86 SHA extensions when the CPU has them and a
 * portable implementation otherwise (same results, checked by the tests).
 */
#ifndef BTSYNC_SHA256_H
#define BTSYNC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define BTS_SHA256_LEN 32

struct bts_sha256 {
	uint32_t h[8];
	uint64_t len;       /* bytes hashed so far */
	uint8_t buf[64];    /* partial block */
	size_t nbuf;
	int portable;       /* set after init to force the portable code (tests) */
};

void bts_sha256_init(struct bts_sha256 *c);
void bts_sha256_update(struct bts_sha256 *c, const void *data, size_t len);
/* Write the digest; c must be re-initialised before reuse. */
void bts_sha256_final(struct bts_sha256 *c, uint8_t out[BTS_SHA256_LEN]);
/* One-shot. */
void bts_sha256(const void *data, size_t len, uint8_t out[BTS_SHA256_LEN]);
/* Lowercase hex, NUL-terminated (65 bytes). Returns out. */
char *bts_sha256_hex(const uint8_t d[BTS_SHA256_LEN], char out[65]);
/* Does this CPU run the accelerated block function? */
int bts_sha256_accelerated(void);

#endif
