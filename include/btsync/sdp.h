/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SDP: UUIDs, service search and browse (client side), and advertising
 * records for our own listening sockets (server side).
 */
#ifndef BTSYNC_SDP_H
#define BTSYNC_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bluetooth/bluetooth.h>
#include <bluetooth/sdp.h>

#include "btsync/socket.h"

/* btsync's own service classes (random 128-bit UUIDs). A peer given by
 * address alone is looked up by the class of the command talking to it. */
#define BTS_UUID_SERVE  "a9977d01-8aeb-4bef-8ec4-1ff4b8f8cd22" /* btsync serve */
#define BTS_UUID_SYNC   "f39b691f-b907-45b8-b5dc-46bfc4c4a4ec" /* btsync recv */
#define BTS_UUID_STREAM "eb9f7497-e7cf-414b-980a-5397da6c6d9a" /* btsync stream --listen */

/* Parse a UUID: 16-bit ("0x1101", "1101"), 32-bit ("0x00001101"),
 * 128-bit ("00001101-0000-1000-8000-00805f9b34fb"), or a well-known
 * name ("SP", "OPP", "A2DP-Sink", ..., case-insensitive; see
 * btsync-lookup(1)). Returns 0 or -BTS_EBADUUID. */
int bts_uuid_parse(const char *s, uuid_t *out);
/* Canonical text: "0x1101" for 16/32-bit, the dashed form for 128-bit
 * (128-bit UUIDs on the Bluetooth base are shortened). Returns buf. */
char *bts_uuid_str(const uuid_t *u, char *buf, size_t size);
/* Well-known name ("Serial Port"), or NULL. */
const char *bts_uuid_name(const uuid_t *u);
/* Compare, treating 16/32-bit forms as their 128-bit base equivalents. */
bool bts_uuid_equal(const uuid_t *a, const uuid_t *b);

#define BTS_SDP_MAX_CLASSES 8
#define BTS_SDP_MAX_PROFILES 8

struct bts_sdp_profile {
	uuid_t uuid;
	uint16_t version; /* 0x0102 = 1.2 */
};

/* One service record, with the fields PyBluez's find_service returns. */
struct bts_sdp_service {
	bdaddr_t host;
	uint32_t handle;
	char name[256];
	char description[256];
	char provider[256];
	bool has_port;
	enum bts_proto proto;  /* RFCOMM when the record has an RFCOMM channel */
	uint16_t port;         /* RFCOMM channel or L2CAP PSM */
	uuid_t classes[BTS_SDP_MAX_CLASSES];
	size_t nclasses;
	struct bts_sdp_profile profiles[BTS_SDP_MAX_PROFILES];
	size_t nprofiles;
};

/* Search dst's SDP server (from adapter src, NULL = any) for records with
 * uuid (NULL = every public record, i.e. browse). Stores up to max records
 * in out; returns how many matched (may exceed max) or a negative error:
 * -EHOSTDOWN/-ETIMEDOUT (unreachable), -BTS_ENOSDP (no SDP server).
 * timeout_ms bounds the whole exchange. */
int bts_sdp_search(const bdaddr_t *src, const bdaddr_t *dst, const uuid_t *uuid,
		   struct bts_sdp_service *out, size_t max, int timeout_ms);

/* A record to advertise for a socket we already listen on. */
struct bts_sdp_record {
	const char *name;
	const char *description;   /* may be NULL */
	const char *provider;      /* may be NULL: "btsync" */
	uuid_t service_class;      /* primary class (one of BTS_UUID_* or user's) */
	bool add_spp_class;        /* also list Serial Port (for phone apps) */
	const struct bts_sdp_profile *profile; /* may be NULL */
	enum bts_proto proto;
	uint16_t port;             /* RFCOMM channel or L2CAP PSM */
};

struct bts_advert;

/* Publish rec on the local SDP server for adapter (NULL = all): through
 * bluetoothd's D-Bus API, or the legacy /run/sdp socket as a fallback.
 * The record lives until bts_sdp_withdraw() or process exit.
 * Errors: -BTS_ENOBLUEZ / -BTS_ENOSDP when neither path works. */
int bts_sdp_advertise(const struct bts_sdp_record *rec, const bdaddr_t *adapter,
		      struct bts_advert **out);
void bts_sdp_withdraw(struct bts_advert *adv);

#endif
