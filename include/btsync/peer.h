/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Naming a peer: "00:11:22:33:44:55", "00:11:22:33:44:55:5", "phone",
 * "phone:5". A name is resolved to an address (inquiry, or the scan
 * cache); a missing port is found over SDP by service class.
 */
#ifndef BTSYNC_PEER_H
#define BTSYNC_PEER_H

#include <stdbool.h>
#include <stdint.h>
#include <bluetooth/bluetooth.h>
#include <bluetooth/sdp.h>

#include "btsync/socket.h"

struct bts_peer_spec {
	bool has_addr;
	bdaddr_t addr;      /* when has_addr */
	char name[249];     /* device name otherwise */
	uint16_t port;      /* channel/PSM from ":N", 0 = find over SDP */
};

/* Parse a PEER argument. A trailing ":N" (N decimal or 0x hex) is a port.
 * Returns 0, or -BTS_EBADARG for an empty string or an out-of-range port. */
int bts_peer_parse(const char *s, struct bts_peer_spec *out);

struct bts_resolve_opts {
	int dev_id;               /* adapter for inquiry; -1 = default */
	const bdaddr_t *src;      /* adapter address for SDP, NULL = any */
	enum bts_proto proto;     /* protocol wanted when searching SDP */
	const uuid_t *service;    /* class to search for when the port is 0 */
	int timeout_ms;           /* bound for name resolution and SDP */
	bool use_cache;           /* accept names from the recent-scan cache */
};

/* Resolve spec into an address and port. The port comes from the spec, or
 * from an SDP search for o->service whose record offers o->proto.
 * Errors: -BTS_ENOTFOUND (no device by that name), -BTS_EAMBIGUOUS,
 * -BTS_ENOSERVICE (device has no such record), SDP/connect errors. */
int bts_peer_resolve(const struct bts_peer_spec *spec, const struct bts_resolve_opts *o,
		     bdaddr_t *addr, uint16_t *port);

/* Like bts_peer_resolve, for callers that can use either protocol: when
 * the port comes from SDP and no record offers o->proto, a record offering
 * the other protocol is taken. *proto is the protocol of *port (o->proto
 * when the spec had a port). */
int bts_peer_resolve_proto(const struct bts_peer_spec *spec, const struct bts_resolve_opts *o,
			   bdaddr_t *addr, enum bts_proto *proto, uint16_t *port);

/* Name -> address over inquiry (and the cache when use_cache). Exact
 * match first, then case-insensitive. -BTS_ENOTFOUND or -BTS_EAMBIGUOUS
 * when more than one device matches. */
int bts_resolve_name(int dev_id, const char *name, int timeout_ms, bool use_cache,
		     bdaddr_t *out);

#endif
