/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Moving files, trees and streams between two btsync peers over an
 * established link (docs/protocol.md), and plain bytes for peers that are
 * not btsync (--raw). The library never prints: progress and per-entry
 * outcomes go through callbacks, and every function follows btsync/error.h.
 *
 * Memory stays flat whatever the size: one read buffer and one frame
 * buffer per session, allocated once.
 */
#ifndef BTSYNC_TRANSFER_H
#define BTSYNC_TRANSFER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "btsync/frame.h"
#include "btsync/socket.h"

/* ---- path safety (pathsafe.c) ---- */

/* Is p (len bytes, not necessarily NUL-terminated) a safe relative path
 * to create under an output directory? Refuses: empty, absolute, "."/".."
 * or empty components ("a//b", trailing "/"), NUL or other control bytes,
 * backslashes, components over 255 bytes, names of btsync's own temporary
 * files (".btsync-*"). Returns 0 or -BTS_EUNSAFEPATH. */
int bts_path_check(const char *p, size_t len);

/* Would a symlink at relative path linkpath with this target stay inside
 * the tree it is created in (resolving the target lexically from the
 * link's directory)? Absolute targets always escape. 0 or -BTS_EUNSAFEPATH. */
int bts_symlink_check(const char *linkpath, const char *target);

/* Name of the temporary file used while receiving base (a final path
 * component): ".btsync-BASE.part", shortened with a hash when too long.
 * Returns 0 or -BTS_ETOOBIG if out is too small (64 + NAME_MAX is enough). */
int bts_part_name(const char *base, char *out, size_t size);

/* ---- manifest decisions (manifest.c) ---- */

/* What the receiver already has for an offered file. */
struct bts_have {
	bool final_exists;     /* something exists under the final name */
	bool final_regular;    /* ... and it is a regular file */
	bool final_dir;        /* ... or a directory */
	uint64_t final_size;
	bool part_exists;      /* a regular .part file exists */
	uint64_t part_size;
};

enum bts_plan {
	BTS_PLAN_NEED,          /* ask for everything */
	BTS_PLAN_CHECK_FINAL,   /* hash the final file, send HAVE (same size) */
	BTS_PLAN_CHECK_PART,    /* hash the .part prefix, send HAVE (resume) */
	BTS_PLAN_REFUSE_EXISTS, /* a different file is in the way */
};

/* Receiver: decide how to answer an OFFER of a regular file (size, or
 * stream when size is unknown). may_replace = recv --force or the offer's
 * sync flag. */
enum bts_plan bts_manifest_plan(const struct bts_have *have, uint64_t size, bool stream,
				bool may_replace);

enum bts_verdict {
	BTS_V_SKIP,       /* receiver has the whole file: START at the end, no data */
	BTS_V_RESUME,     /* receiver's prefix matches: send from reply offset */
	BTS_V_SEND_ALL,   /* send from 0 */
	BTS_V_ABANDON,    /* receiver has a different file it may not replace */
};

/* Sender: given the REPLY to a HAVE and whether the receiver's prefix
 * hash equals ours over the same bytes (prefix_ok; false when the offset
 * is beyond our size), decide what to do. */
enum bts_verdict bts_manifest_verdict(const struct bts_reply *r, uint64_t size, bool prefix_ok);

/* ---- sessions ---- */

struct bts_xfer_stats {
	uint64_t files;          /* regular files stored (new, replaced or resumed) */
	uint64_t skipped;        /* files already identical on the receiver */
	uint64_t resumed;        /* files continued from a verified prefix */
	uint64_t dirs, symlinks;
	uint64_t refused;        /* entries refused (session went on) */
	uint64_t data_bytes;     /* file bytes carried in DATA frames */
	uint64_t wire_tx, wire_rx; /* every byte written to / read from the link */
	uint64_t ns;             /* session duration */
};

enum bts_event_kind {
	BTS_EV_BEGIN,     /* data starts: path, done (a resume's offset), total
			   * (UINT64_MAX unknown) */
	BTS_EV_PROGRESS,  /* bytes of the current entry done so far */
	BTS_EV_DONE,      /* the entry finished: how (bts_how) */
	BTS_EV_FAILED,    /* the entry failed: err (the session may go on) */
};

struct bts_event {
	enum bts_event_kind kind;
	const char *path;
	uint64_t done, total;
	int how;
	int err;
	bool remote;                  /* err came from the peer */
};

typedef void (*bts_event_fn)(const struct bts_event *ev, void *ud);

struct bts_xfer_opts {
	volatile sig_atomic_t *stop; /* set by a signal handler: give up cleanly */
	int timeout_ms;              /* idle limit waiting for the peer; 0 = 120 s */
	bts_event_fn event;          /* may be NULL */
	void *ud;
	/* send */
	bool sync;                   /* ask the receiver to replace differing files */
	/* recv */
	int outdir_fd;               /* directory to write into, or -1 */
	int out_fd;                  /* >= 0: write file data here (recv -o -) */
	uint64_t max_size;           /* largest file accepted; 0 = no limit */
	bool force;                  /* replace differing files */
};

struct bts_sender;

/* Handshake on link. Returns 0 and *out, or an error (-BTS_EVERSION,
 * -BTS_ELINKLOST, the receiver's refusal...). */
int bts_send_open(const struct bts_link *link, const struct bts_xfer_opts *o,
		  struct bts_sender **out);
/* Send a file, a directory tree or a symlink; the name on the other side
 * is the last component of path. A refusal of one entry is returned
 * (e.g. -BTS_EEXIST) but leaves the session usable; check
 * bts_send_alive() before going on. */
int bts_send_path(struct bts_sender *s, const char *path);
/* Send what fd yields until EOF under name (stdin); the hash goes at END. */
int bts_send_stream(struct bts_sender *s, int fd, const char *name);
/* Is the session still usable after an error? */
bool bts_send_alive(const struct bts_sender *s);
/* End the session and wait for the receiver's final acknowledgement. */
int bts_send_close(struct bts_sender *s);
/* Counters so far (the duration runs until bts_send_close()). */
const struct bts_xfer_stats *bts_send_stats(struct bts_sender *s);
/* The path of the entry an error refers to ("" if none); the peer's
 * message, if it sent one. */
const char *bts_send_errpath(const struct bts_sender *s);
const char *bts_send_peer_msg(const struct bts_sender *s);
void bts_send_free(struct bts_sender *s);

/* Serve one sending peer on link until its BYE (returns 0), or an error.
 * Entry refusals are reported through the event callback and counted in
 * stats->refused; the return value is then -BTS_EREFUSED-ish (the first
 * entry error) once the session ends cleanly. errpath (PATH_MAX bytes)
 * receives the path the error refers to. */
int bts_recv_session(const struct bts_link *link, const struct bts_xfer_opts *o,
		     struct bts_xfer_stats *st, char *errpath, size_t errpath_size);

/* Tell a peer we will not serve it (ERROR frame with code), best effort. */
void bts_recv_refuse(const struct bts_link *link, uint32_t code, const char *msg);

/* --raw: copy fd to the link in link-sized writes until EOF, then close
 * the sending side gracefully; and the link to fd until the peer closes. */
int bts_raw_send(const struct bts_link *link, int fd, const struct bts_xfer_opts *o,
		 struct bts_xfer_stats *st);
int bts_raw_recv(const struct bts_link *link, int fd, const struct bts_xfer_opts *o,
		 struct bts_xfer_stats *st);

#endif
