/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pure half of bts_sdp_search(): turning the AttributeLists of a
 * Service Search Attribute Response (a data element sequence of records,
 * each a sequence of attribute id / value pairs) into bts_sdp_service.
 * No I/O, so it can be tested with built records and fuzzed. Nothing
 * past len is read; records beyond max are validated and counted.
 */
#ifndef BTSYNC_SDP_PARSE_H
#define BTSYNC_SDP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "btsync/sdp.h"

/* Parse len bytes of AttributeLists; records from host. Stores up to max
 * services (out may be NULL when max is 0) and returns how many records
 * there are, or -BTS_EPROTO when the data is malformed or truncated. */
int bts_sdp_parse_records(const uint8_t *buf, size_t len, const bdaddr_t *host,
			  struct bts_sdp_service *out, size_t max);

#endif
