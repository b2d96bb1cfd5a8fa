/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What send and recv show while they work: the progress line, per-entry
 * notes, the summary (text or --json through the output layer), and the
 * option parsing they share. */
#ifndef BTSYNC_XFER_UI_H
#define BTSYNC_XFER_UI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "btsync/transfer.h"
#include "cli.h"

struct xui {
	struct cli *cli;
	const char *verb;       /* "sending", "receiving" */
	bool progress;          /* draw the progress line on stderr */
	bool drawn;             /* a progress line is on screen */
	char path[256];
	uint64_t total, offset, done;
	uint64_t t_begin, last_draw;
	bool failed_reported;   /* an entry failure was already printed */
};

/* progress: 1 forced on, 0 off, -1 when stderr is a terminal. */
void xui_init(struct xui *u, struct cli *cli, const char *verb, int progress);
/* bts_event_fn */
void xui_event(const struct bts_event *ev, void *ud);
/* Remove the progress line, if any. */
void xui_clear(struct xui *u);
/* The one-line summary (text) or one JSON record on f. role "send"/"recv". */
void xui_summary(struct cli *cli, FILE *f, const char *role, const struct bts_xfer_stats *st,
		 const char *peer, int err);
/* A reason for an error the peer reported, with a hint when there is one. */
const char *xui_reason(int err, bool remote, char *buf, size_t size);
/* Exit status for an error of a session under way: as cli_exit_status(),
 * except that a timeout (the peer silent for --timeout, or the kernel's
 * supervision timeout) is a lost link (4), not a failed connect (3). */
int xui_exit_status(int err);
/* For a session error that means a lost link: when it was this machine's
 * own adapter that went away (down, blocked, removed), that adapter error
 * (exit status 69, and a message that says so); else err unchanged. */
int xui_local_cause(struct cli *cli, int err);
/* "64M", "1G", "4096", "10k": bytes, strictly. 0 or -BTS_EBADARG. */
int xui_parse_size(const char *s, uint64_t *out);

#endif
