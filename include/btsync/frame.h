/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The btsync transfer protocol's frames (docs/protocol.md): a 4-byte
 * header (type, flags, payload length big-endian) and a payload of at
 * most 65535 bytes. These are pure functions over buffers, with no I/O,
 * so they can be unit-tested and fuzzed; every decoder checks each length
 * against the bytes it was given and returns -BTS_EPROTO on anything
 * malformed (never reads past len).
 */
#ifndef BTSYNC_FRAME_H
#define BTSYNC_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "btsync/sha256.h"

#define BTS_PROTO_MAGIC 0x42545359u   /* "BTSY" */
#define BTS_PROTO_VERSION 1
#define BTS_FRAME_HDR 4
#define BTS_FRAME_MAX_PAYLOAD 65535u
/* Longest relative path or symlink target on the wire (PATH_MAX - 1). */
#define BTS_WIRE_PATH_MAX 4095

enum bts_frame_type {
	BTS_F_HELLO = 1,  /* both ways: magic, version, capabilities */
	BTS_F_OFFER = 2,  /* send -> recv: one entry's metadata */
	BTS_F_REPLY = 3,  /* recv -> send: need it / have a prefix / done / refused */
	BTS_F_START = 4,  /* send -> recv: data follows from this offset */
	BTS_F_DATA = 5,   /* send -> recv: file bytes */
	BTS_F_END = 6,    /* send -> recv: size and SHA-256 of the whole file */
	BTS_F_RESULT = 7, /* recv -> send: stored, verified and renamed (or why not) */
	BTS_F_BYE = 8,    /* both ways: end of session, the final acknowledgement */
	BTS_F_ERROR = 9,  /* both ways: fatal error, the link closes after it */
	BTS_F_DIGEST = 10, /* send -> recv: digest of a directory tree the receiver has */
	BTS_F_TYPE_MAX = BTS_F_DIGEST,
};

/* Capabilities announced in HELLO. */
enum {
	BTS_CAP_RESUME = 1u << 0, /* HAVE replies for partial files */
	BTS_CAP_SYNC = 1u << 1,   /* replace differing files on request */
	BTS_CAP_STREAM = 1u << 2, /* entries of unknown size (pipes) */
	BTS_CAP_TREE = 1u << 3,   /* directories and symlinks */
	BTS_CAP_DIGEST = 1u << 4, /* whole unchanged trees skipped by one digest */
};
#define BTS_CAPS_ALL (BTS_CAP_RESUME | BTS_CAP_SYNC | BTS_CAP_STREAM | BTS_CAP_TREE | \
		      BTS_CAP_DIGEST)

/* Error codes carried in REPLY, RESULT and ERROR frames. */
enum bts_wire_code {
	BTS_W_OK = 0,
	BTS_W_PROTO = 1,      /* malformed or unexpected frame */
	BTS_W_VERSION = 2,    /* incompatible protocol version */
	BTS_W_CHECKSUM = 3,   /* SHA-256 mismatch */
	BTS_W_REFUSED = 4,    /* refused (e.g. not allowed, wrong kind) */
	BTS_W_TOOBIG = 5,     /* larger than --max-size */
	BTS_W_UNSAFEPATH = 6, /* name would leave the output directory */
	BTS_W_EXISTS = 7,     /* a different file exists and replacing is not allowed */
	BTS_W_NOSPACE = 8,    /* not enough free space */
	BTS_W_IO = 9,         /* I/O error on the receiver */
	BTS_W_DENIED = 10,    /* the sender is not in --allow */
	BTS_W_INTERRUPTED = 11, /* the peer was stopped by a signal */
	BTS_W_MAX
};
/* Map a library error (negative) to a wire code and back. */
uint32_t bts_wire_from_err(int err);
int bts_wire_to_err(uint32_t code);

/* Entry kinds in OFFER. */
enum bts_kind { BTS_K_FILE = 1, BTS_K_DIR = 2, BTS_K_SYMLINK = 3 };

/* OFFER flags. */
enum {
	BTS_OF_STREAM = 1u << 0, /* size unknown until END (stdin) */
	BTS_OF_SYNC = 1u << 1,   /* replace a differing file (send --sync) */
};

/* REPLY actions. */
enum bts_reply_action {
	BTS_R_NEED = 0,   /* send everything */
	BTS_R_HAVE = 1,   /* I have `offset` bytes hashing to `hash`: check them */
	BTS_R_DONE = 2,   /* entry handled (directory, symlink): nothing to send */
	BTS_R_REFUSE = 3, /* refused with `code`; the session goes on */
};
/* REPLY flags. */
enum {
	BTS_RF_FINAL = 1u << 0,   /* HAVE refers to the file under its final name */
	BTS_RF_REPLACE = 1u << 1, /* the receiver may replace a differing file */
	/* DONE for a directory that was there before: a DIGEST may follow
	 * (only sent when both sides announced BTS_CAP_DIGEST). */
	BTS_RF_EXISTED = 1u << 2,
};
/* START flags. */
enum { BTS_SF_ABANDON = 1u << 0 }; /* the sender gives this entry up */
/* RESULT "how" values. */
enum bts_how { BTS_HOW_NEW = 0, BTS_HOW_IDENTICAL = 1, BTS_HOW_RESUMED = 2, BTS_HOW_REPLACED = 3 };

struct bts_hello {
	uint16_t version;
	uint32_t caps;
	uint32_t max_payload; /* largest frame payload this side accepts */
};

struct bts_offer {
	uint8_t kind;
	uint8_t flags;
	uint32_t mode;        /* permission bits (07777) */
	uint64_t size;        /* bytes; UINT64_MAX with BTS_OF_STREAM */
	int64_t mtime_sec;
	uint32_t mtime_nsec;
	uint16_t path_len;
	uint16_t target_len;  /* symlinks only */
	char path[BTS_WIRE_PATH_MAX + 1];   /* NUL-terminated copy */
	char target[BTS_WIRE_PATH_MAX + 1];
};

struct bts_reply {
	uint8_t action;
	uint8_t flags;
	uint32_t code;
	uint64_t offset;
	uint8_t hash[BTS_SHA256_LEN];
};

struct bts_start {
	uint8_t flags;
	uint64_t offset;
};

struct bts_end {
	uint64_t size;
	uint8_t hash[BTS_SHA256_LEN];
};

struct bts_result {
	uint32_t code;
	uint8_t how;
};

struct bts_error {
	uint32_t code;
	char msg[256];
};

/* Header. bts_frame_header() validates a received header: returns 0 and
 * fills type and len, -BTS_EPROTO for an unknown type or non-zero flags,
 * -BTS_ETOOBIG when len exceeds max_payload. */
void bts_frame_put_header(uint8_t hdr[BTS_FRAME_HDR], uint8_t type, size_t len);
int bts_frame_header(const uint8_t hdr[BTS_FRAME_HDR], size_t max_payload,
		     uint8_t *type, size_t *len);

/* Encoders write a whole frame (header + payload) into buf and return its
 * length, or -BTS_ETOOBIG when cap is too small or a field too long. */
ssize_t bts_enc_hello(uint8_t *buf, size_t cap, const struct bts_hello *m);
ssize_t bts_enc_offer(uint8_t *buf, size_t cap, const struct bts_offer *m);
ssize_t bts_enc_reply(uint8_t *buf, size_t cap, const struct bts_reply *m);
ssize_t bts_enc_start(uint8_t *buf, size_t cap, const struct bts_start *m);
ssize_t bts_enc_end(uint8_t *buf, size_t cap, const struct bts_end *m);
ssize_t bts_enc_result(uint8_t *buf, size_t cap, const struct bts_result *m);
ssize_t bts_enc_bye(uint8_t *buf, size_t cap);
ssize_t bts_enc_error(uint8_t *buf, size_t cap, const struct bts_error *m);
ssize_t bts_enc_digest(uint8_t *buf, size_t cap, const uint8_t md[BTS_SHA256_LEN]);

/* Decoders take the payload (after the header). 0 or -BTS_EPROTO
 * (-BTS_EVERSION for a HELLO of another major version). */
int bts_dec_hello(const uint8_t *p, size_t len, struct bts_hello *m);
int bts_dec_offer(const uint8_t *p, size_t len, struct bts_offer *m);
int bts_dec_reply(const uint8_t *p, size_t len, struct bts_reply *m);
int bts_dec_start(const uint8_t *p, size_t len, struct bts_start *m);
int bts_dec_end(const uint8_t *p, size_t len, struct bts_end *m);
int bts_dec_result(const uint8_t *p, size_t len, struct bts_result *m);
int bts_dec_error(const uint8_t *p, size_t len, struct bts_error *m);
int bts_dec_digest(const uint8_t *p, size_t len, uint8_t md[BTS_SHA256_LEN]);

#endif
