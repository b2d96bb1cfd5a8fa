// SPDX-License-Identifier: GPL-2.0-or-later
/* Frame encoding and decoding for the transfer protocol. Layouts are in
 * docs/protocol.md; all integers are big-endian, reserved bytes are sent
 * as zero and ignored on receipt (room for later minor versions). */
#include <errno.h>
#include <string.h>

#include "btsync/error.h"
#include "btsync/frame.h"

#define HELLO_LEN 16
#define OFFER_FIXED 30
#define REPLY_LEN 48
#define START_LEN 12
#define END_LEN 40
#define RESULT_LEN 8
#define ERROR_FIXED 4
#define ERROR_MSG_MAX 255

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)(v >> 32)); put32(p + 4, (uint32_t)v); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }
static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) << 32 | get32(p + 4); }

uint32_t bts_wire_from_err(int err)
{
	switch (-err) {
	case 0: return BTS_W_OK;
	case BTS_EVERSION: return BTS_W_VERSION;
	case BTS_ECHECKSUM: return BTS_W_CHECKSUM;
	case BTS_EREFUSED: return BTS_W_REFUSED;
	case BTS_ETOOBIG: return BTS_W_TOOBIG;
	case BTS_EUNSAFEPATH: return BTS_W_UNSAFEPATH;
	case BTS_EEXIST: case EEXIST: case EISDIR: case ENOTDIR: return BTS_W_EXISTS;
	case ENOSPC: case EDQUOT: case EFBIG: return BTS_W_NOSPACE;
	case BTS_EINTERRUPTED: case EINTR: return BTS_W_INTERRUPTED;
	case BTS_EPROTO: return BTS_W_PROTO;
	case EACCES: case EPERM: return BTS_W_DENIED;
	default: return BTS_W_IO;
	}
}

int bts_wire_to_err(uint32_t code)
{
	switch (code) {
	case BTS_W_OK: return 0;
	case BTS_W_VERSION: return -BTS_EVERSION;
	case BTS_W_CHECKSUM: return -BTS_ECHECKSUM;
	case BTS_W_REFUSED: return -BTS_EREFUSED;
	case BTS_W_TOOBIG: return -BTS_ETOOBIG;
	case BTS_W_UNSAFEPATH: return -BTS_EUNSAFEPATH;
	case BTS_W_EXISTS: return -BTS_EEXIST;
	case BTS_W_NOSPACE: return -ENOSPC;
	case BTS_W_IO: return -EIO;
	case BTS_W_DENIED: return -EACCES;
	case BTS_W_INTERRUPTED: return -BTS_EINTERRUPTED;
	default: return -BTS_EPROTO;
	}
}

void bts_frame_put_header(uint8_t hdr[BTS_FRAME_HDR], uint8_t type, size_t len)
{
	hdr[0] = type;
	hdr[1] = 0;
	put16(hdr + 2, (uint16_t)len);
}

int bts_frame_header(const uint8_t hdr[BTS_FRAME_HDR], size_t max_payload,
		     uint8_t *type, size_t *len)
{
	if (hdr[0] < BTS_F_HELLO || hdr[0] > BTS_F_TYPE_MAX || hdr[1] != 0)
		return -BTS_EPROTO;
	*type = hdr[0];
	*len = get16(hdr + 2);
	if (*len > max_payload)
		return -BTS_ETOOBIG;
	return 0;
}

/* Reserve room for a frame of payload plen; returns the payload pointer. */
static uint8_t *begin(uint8_t *buf, size_t cap, uint8_t type, size_t plen)
{
	if (plen > BTS_FRAME_MAX_PAYLOAD || cap < BTS_FRAME_HDR + plen)
		return NULL;
	bts_frame_put_header(buf, type, plen);
	memset(buf + BTS_FRAME_HDR, 0, plen);
	return buf + BTS_FRAME_HDR;
}

ssize_t bts_enc_hello(uint8_t *buf, size_t cap, const struct bts_hello *m)
{
	uint8_t *p = begin(buf, cap, BTS_F_HELLO, HELLO_LEN);

	if (!p)
		return -BTS_ETOOBIG;
	put32(p, BTS_PROTO_MAGIC);
	put16(p + 4, m->version);
	put32(p + 8, m->caps);
	put32(p + 12, m->max_payload);
	return BTS_FRAME_HDR + HELLO_LEN;
}

int bts_dec_hello(const uint8_t *p, size_t len, struct bts_hello *m)
{
	if (len < HELLO_LEN || get32(p) != BTS_PROTO_MAGIC)
		return -BTS_EPROTO;
	m->version = get16(p + 4);
	m->caps = get32(p + 8);
	m->max_payload = get32(p + 12);
	if (m->version != BTS_PROTO_VERSION)
		return -BTS_EVERSION;
	if (m->max_payload < 256)
		return -BTS_EPROTO;
	return 0;
}

ssize_t bts_enc_offer(uint8_t *buf, size_t cap, const struct bts_offer *m)
{
	size_t plen, tlen;
	uint8_t *p;

	plen = strnlen(m->path, BTS_WIRE_PATH_MAX + 1);
	tlen = m->kind == BTS_K_SYMLINK ? strnlen(m->target, BTS_WIRE_PATH_MAX + 1) : 0;
	if (plen > BTS_WIRE_PATH_MAX || tlen > BTS_WIRE_PATH_MAX)
		return -BTS_ETOOBIG;
	p = begin(buf, cap, BTS_F_OFFER, OFFER_FIXED + plen + tlen);
	if (!p)
		return -BTS_ETOOBIG;
	p[0] = m->kind;
	p[1] = m->flags;
	put16(p + 2, (uint16_t)plen);
	put32(p + 4, m->mode);
	put64(p + 8, m->size);
	put64(p + 16, (uint64_t)m->mtime_sec);
	put32(p + 24, m->mtime_nsec);
	put16(p + 28, (uint16_t)tlen);
	memcpy(p + OFFER_FIXED, m->path, plen);
	memcpy(p + OFFER_FIXED + plen, m->target, tlen);
	return (ssize_t)(BTS_FRAME_HDR + OFFER_FIXED + plen + tlen);
}

int bts_dec_offer(const uint8_t *p, size_t len, struct bts_offer *m)
{
	if (len < OFFER_FIXED)
		return -BTS_EPROTO;
	m->kind = p[0];
	m->flags = p[1];
	m->path_len = get16(p + 2);
	m->mode = get32(p + 4);
	m->size = get64(p + 8);
	m->mtime_sec = (int64_t)get64(p + 16);
	m->mtime_nsec = get32(p + 24);
	m->target_len = get16(p + 28);
	if (m->kind < BTS_K_FILE || m->kind > BTS_K_SYMLINK)
		return -BTS_EPROTO;
	if (m->flags & ~(unsigned)(BTS_OF_STREAM | BTS_OF_SYNC))
		return -BTS_EPROTO;
	if (m->mode & ~07777u || m->mtime_nsec >= 1000000000u)
		return -BTS_EPROTO;
	if (m->path_len == 0 || m->path_len > BTS_WIRE_PATH_MAX ||
	    m->target_len > BTS_WIRE_PATH_MAX)
		return -BTS_EPROTO;
	if ((m->kind == BTS_K_SYMLINK) != (m->target_len > 0))
		return -BTS_EPROTO;
	if ((m->flags & BTS_OF_STREAM) && (m->kind != BTS_K_FILE || m->size != UINT64_MAX))
		return -BTS_EPROTO;
	if (!(m->flags & BTS_OF_STREAM) && m->size == UINT64_MAX)
		return -BTS_EPROTO;
	if (len != (size_t)OFFER_FIXED + m->path_len + m->target_len)
		return -BTS_EPROTO;
	memcpy(m->path, p + OFFER_FIXED, m->path_len);
	m->path[m->path_len] = '\0';
	memcpy(m->target, p + OFFER_FIXED + m->path_len, m->target_len);
	m->target[m->target_len] = '\0';
	/* An embedded NUL would make the C string differ from the wire name. */
	if (strlen(m->path) != m->path_len || strlen(m->target) != m->target_len)
		return -BTS_EPROTO;
	return 0;
}

ssize_t bts_enc_reply(uint8_t *buf, size_t cap, const struct bts_reply *m)
{
	uint8_t *p = begin(buf, cap, BTS_F_REPLY, REPLY_LEN);

	if (!p)
		return -BTS_ETOOBIG;
	p[0] = m->action;
	p[1] = m->flags;
	put32(p + 4, m->code);
	put64(p + 8, m->offset);
	memcpy(p + 16, m->hash, BTS_SHA256_LEN);
	return BTS_FRAME_HDR + REPLY_LEN;
}

int bts_dec_reply(const uint8_t *p, size_t len, struct bts_reply *m)
{
	if (len != REPLY_LEN)
		return -BTS_EPROTO;
	m->action = p[0];
	m->flags = p[1];
	m->code = get32(p + 4);
	m->offset = get64(p + 8);
	memcpy(m->hash, p + 16, BTS_SHA256_LEN);
	if (m->action > BTS_R_REFUSE ||
	    m->flags & ~(unsigned)(BTS_RF_FINAL | BTS_RF_REPLACE | BTS_RF_EXISTED))
		return -BTS_EPROTO;
	if ((m->action == BTS_R_REFUSE) != (m->code != BTS_W_OK))
		return -BTS_EPROTO;
	return 0;
}

ssize_t bts_enc_digest(uint8_t *buf, size_t cap, const uint8_t md[BTS_SHA256_LEN])
{
	uint8_t *p = begin(buf, cap, BTS_F_DIGEST, BTS_SHA256_LEN);

	if (!p)
		return -BTS_ETOOBIG;
	memcpy(p, md, BTS_SHA256_LEN);
	return BTS_FRAME_HDR + BTS_SHA256_LEN;
}

int bts_dec_digest(const uint8_t *p, size_t len, uint8_t md[BTS_SHA256_LEN])
{
	if (len != BTS_SHA256_LEN)
		return -BTS_EPROTO;
	memcpy(md, p, BTS_SHA256_LEN);
	return 0;
}

ssize_t bts_enc_start(uint8_t *buf, size_t cap, const struct bts_start *m)
{
	uint8_t *p = begin(buf, cap, BTS_F_START, START_LEN);

	if (!p)
		return -BTS_ETOOBIG;
	p[0] = m->flags;
	put64(p + 4, m->offset);
	return BTS_FRAME_HDR + START_LEN;
}

int bts_dec_start(const uint8_t *p, size_t len, struct bts_start *m)
{
	if (len != START_LEN)
		return -BTS_EPROTO;
	m->flags = p[0];
	m->offset = get64(p + 4);
	if (m->flags & ~(unsigned)BTS_SF_ABANDON)
		return -BTS_EPROTO;
	return 0;
}

ssize_t bts_enc_end(uint8_t *buf, size_t cap, const struct bts_end *m)
{
	uint8_t *p = begin(buf, cap, BTS_F_END, END_LEN);

	if (!p)
		return -BTS_ETOOBIG;
	put64(p, m->size);
	memcpy(p + 8, m->hash, BTS_SHA256_LEN);
	return BTS_FRAME_HDR + END_LEN;
}

int bts_dec_end(const uint8_t *p, size_t len, struct bts_end *m)
{
	if (len != END_LEN)
		return -BTS_EPROTO;
	m->size = get64(p);
	memcpy(m->hash, p + 8, BTS_SHA256_LEN);
	return 0;
}

ssize_t bts_enc_result(uint8_t *buf, size_t cap, const struct bts_result *m)
{
	uint8_t *p = begin(buf, cap, BTS_F_RESULT, RESULT_LEN);

	if (!p)
		return -BTS_ETOOBIG;
	put32(p, m->code);
	p[4] = m->how;
	return BTS_FRAME_HDR + RESULT_LEN;
}

int bts_dec_result(const uint8_t *p, size_t len, struct bts_result *m)
{
	if (len != RESULT_LEN)
		return -BTS_EPROTO;
	m->code = get32(p);
	m->how = p[4];
	if (m->how > BTS_HOW_REPLACED)
		return -BTS_EPROTO;
	return 0;
}

ssize_t bts_enc_bye(uint8_t *buf, size_t cap)
{
	if (!begin(buf, cap, BTS_F_BYE, 0))
		return -BTS_ETOOBIG;
	return BTS_FRAME_HDR;
}

ssize_t bts_enc_error(uint8_t *buf, size_t cap, const struct bts_error *m)
{
	size_t n = strnlen(m->msg, ERROR_MSG_MAX);
	uint8_t *p = begin(buf, cap, BTS_F_ERROR, ERROR_FIXED + n);

	if (!p)
		return -BTS_ETOOBIG;
	put32(p, m->code);
	memcpy(p + ERROR_FIXED, m->msg, n);
	return (ssize_t)(BTS_FRAME_HDR + ERROR_FIXED + n);
}

int bts_dec_error(const uint8_t *p, size_t len, struct bts_error *m)
{
	size_t n;

	if (len < ERROR_FIXED || len > ERROR_FIXED + ERROR_MSG_MAX)
		return -BTS_EPROTO;
	m->code = get32(p);
	n = len - ERROR_FIXED;
	/* The text comes from the peer and ends up on a terminal: keep
	 * printable ASCII only. */
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[ERROR_FIXED + i];

		m->msg[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	m->msg[n] = '\0';
	return 0;
}
