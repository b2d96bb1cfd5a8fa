/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device discovery: BR/EDR inquiry and LE scanning over a raw HCI socket,
 * so each result is returned as its event arrives (hci_inquiry() only
 * returns when the inquiry ends), and remote name requests.
 *
 * The event parser is a pure function over a byte buffer; the scanner
 * feeds it what the socket reads.
 */
#ifndef BTSYNC_INQUIRY_H
#define BTSYNC_INQUIRY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bluetooth/bluetooth.h>

#include "btsync/eir.h"

enum bts_dev_type { BTS_DEV_BREDR = 0, BTS_DEV_LE };

/* Where a device's name came from. */
enum bts_name_src {
	BTS_NAME_NONE = 0,   /* not known (yet) */
	BTS_NAME_SHORT,      /* shortened name from EIR / advertising data */
	BTS_NAME_COMPLETE,   /* complete name from EIR / advertising data */
	BTS_NAME_REQUEST,    /* remote name request */
	BTS_NAME_CACHE,      /* the recent-scan cache */
	BTS_NAME_FAILED,     /* asked, but the device did not answer */
};

struct bts_device {
	bdaddr_t addr;
	enum bts_dev_type type;
	uint8_t addr_type;        /* LE: 0 public, 1 random (BR/EDR: 0) */
	bool has_class;
	uint32_t cod;             /* class of device, 24 bits */
	bool has_rssi;
	int8_t rssi;              /* dBm */
	uint8_t pscan_rep_mode;   /* page scan repetition mode (R0..R2) */
	uint16_t clock_offset;    /* bits 14..2 of the clock difference */
	uint8_t adv_type;         /* LE: advertising event type */
	enum bts_name_src name_src;
	char name[BTS_NAME_MAX + 1];
	int64_t seen;             /* Unix time last seen (cache) */
};

/* HCI event codes the parser understands (Core spec Vol 4, Part E, 7.7). */
#define BTS_EVT_INQUIRY_COMPLETE 0x01
#define BTS_EVT_INQUIRY_RESULT 0x02
#define BTS_EVT_REMOTE_NAME 0x07
#define BTS_EVT_CMD_COMPLETE 0x0e
#define BTS_EVT_CMD_STATUS 0x0f
#define BTS_EVT_INQUIRY_RESULT_RSSI 0x22
#define BTS_EVT_EXT_INQUIRY_RESULT 0x2f
#define BTS_EVT_LE_META 0x3e
#define BTS_LE_ADV_REPORT 0x02
#define BTS_LE_EXT_ADV_REPORT 0x0d

/* Parse one HCI event (event code, parameter length, parameters: what
 * follows the 0x04 packet type byte) into up to max devices. Handles the
 * three inquiry result events and LE (extended) advertising reports; others
 * give 0. Returns how many devices were stored, or -BTS_EPROTO when the
 * event is truncated or its counts do not match its length. */
int bts_parse_inquiry_event(const uint8_t *evt, size_t len,
			    struct bts_device *out, size_t max);

/* Merge d into list[0..*n) (same address and type = same device), keeping
 * the best name and the latest RSSI. Returns the index, or -ENOSPC when
 * the list is full. *is_new tells whether it was added; *name_gained
 * whether this update brought a name it did not have. */
int bts_devlist_merge(struct bts_device *list, size_t *n, size_t max,
		      const struct bts_device *d, bool *is_new, bool *name_gained);

/* Indices of the devices named name: exact matches if there are any,
 * else case-insensitive ones. Stores up to max indices; returns the
 * number of matches. */
size_t bts_match_name(const struct bts_device *list, size_t n, const char *name,
		      size_t *idx, size_t max);

/* Inquiry length in 1.28 s units for a duration in seconds (1..48). */
unsigned bts_inquiry_length(unsigned seconds);

struct bts_scan_opts {
	int dev_id;            /* hciN; -1 = the default adapter */
	bool bredr;            /* BR/EDR inquiry */
	bool le;               /* LE active scan */
	unsigned length;       /* inquiry length, 1.28 s units (1..48) */
	const volatile sig_atomic_t *stop; /* set by a signal handler: stop early */
};

#define BTS_SCAN_QUEUE 64

/* A running scan. Caller-owned; no field is for the caller to touch. */
struct bts_scan {
	int fd;
	int dev_id;
	bool bredr_active;
	bool le_active;
	bool le_enabled;        /* we turned LE scanning on (turn it off) */
	bool le_ext;            /* ... with the extended scanning commands */
	uint64_t bredr_deadline_ns;
	uint64_t le_deadline_ns;
	const volatile sig_atomic_t *stop;
	struct bts_device queue[BTS_SCAN_QUEUE]; /* results read while waiting */
	size_t qhead, qlen;
	int le_status;          /* why LE could not start (0 = it did) */
};

/* Open the adapter's raw HCI socket and start the inquiry and/or LE scan.
 * Needs CAP_NET_RAW (-EPERM otherwise). If only LE fails (no LE support)
 * and BR/EDR was also asked for, the scan goes on and s->le_status holds
 * the reason. */
int bts_scan_start(const struct bts_scan_opts *o, struct bts_scan *s);

/* Wait for the next result. Returns 1 with *out filled, 0 when the scan
 * ended (inquiry complete and LE time over), -EINTR when stopped. */
int bts_scan_next(struct bts_scan *s, struct bts_device *out);

/* Ask a BR/EDR device its name over the scan's socket (after the inquiry
 * ended: a controller pages one device at a time). Returns 0 with name
 * filled (sanitized), -ETIMEDOUT, -EHOSTDOWN (page timeout), -EINTR. */
int bts_scan_remote_name(struct bts_scan *s, const struct bts_device *d,
			 char *name, size_t size, int timeout_ms);

/* Cancel what still runs and close the socket. Safe to call twice. */
void bts_scan_close(struct bts_scan *s);

/* Remote name request for one address, on its own socket. */
int bts_remote_name(int dev_id, const bdaddr_t *addr, char *name, size_t size,
		    int timeout_ms, const volatile sig_atomic_t *stop);

struct bts_remote_info {
	uint8_t lmp_version;
	uint16_t lmp_subversion;
	uint16_t manufacturer;
	uint8_t features[8];
};

/* Connect (ACL), read the remote version and features, disconnect. */
int bts_remote_info(int dev_id, const bdaddr_t *addr, struct bts_remote_info *out,
		    int timeout_ms);

/* Discover devices and match name: the cache first (when use_cache and
 * it holds a match), else an inquiry of about timeout_ms with names.
 * Stores up to max matches in out; returns the match count (exact
 * matches if any, else case-insensitive). The inquiry results are saved
 * to the cache file when cache_path is not NULL. */
int bts_find_by_name(int dev_id, const char *name, int timeout_ms, bool use_cache,
		     const char *cache_path, struct bts_device *out, size_t max,
		     const volatile sig_atomic_t *stop);

#endif
