/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Extended Inquiry Response and LE advertising data: both are a list of
 * [length][type][length-1 bytes of data] structures (Core spec Vol 3,
 * Part C, 8 and 11). The parser is a pure function over a byte buffer so
 * it can be fuzzed; it never reads past len.
 */
#ifndef BTSYNC_EIR_H
#define BTSYNC_EIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bluetooth/bluetooth.h>
#include <bluetooth/sdp.h>

#define BTS_NAME_MAX 248        /* HCI name length, without the NUL */
#define BTS_EIR_MAX_UUIDS 16

/* AD/EIR data types we interpret (Assigned Numbers, "Common Data Types"). */
enum {
	BTS_EIR_FLAGS = 0x01,
	BTS_EIR_UUID16_SOME = 0x02,
	BTS_EIR_UUID16_ALL = 0x03,
	BTS_EIR_UUID32_SOME = 0x04,
	BTS_EIR_UUID32_ALL = 0x05,
	BTS_EIR_UUID128_SOME = 0x06,
	BTS_EIR_UUID128_ALL = 0x07,
	BTS_EIR_NAME_SHORT = 0x08,
	BTS_EIR_NAME_COMPLETE = 0x09,
	BTS_EIR_TX_POWER = 0x0a,
	BTS_EIR_CLASS = 0x0d,
	BTS_EIR_APPEARANCE = 0x19,
	BTS_EIR_MANUFACTURER = 0xff,
};

struct bts_eir {
	bool has_name;
	bool name_complete;          /* complete (0x09) rather than shortened */
	char name[BTS_NAME_MAX + 1]; /* sanitized: valid UTF-8, no controls */
	bool has_flags;
	uint8_t flags;
	bool has_tx_power;
	int8_t tx_power;
	bool has_class;
	uint32_t cod;
	bool has_appearance;
	uint16_t appearance;
	bool has_manufacturer;
	uint16_t manufacturer;       /* company identifier */
	uuid_t uuids[BTS_EIR_MAX_UUIDS];
	size_t nuuids;               /* stored (extra ones are dropped) */
	size_t nfields;              /* structures parsed */
};

/* Parse len bytes of EIR or advertising data into out (zeroed first).
 * A zero length byte ends the significant part (the rest is padding).
 * Returns the number of structures parsed, or -BTS_EPROTO when a
 * structure runs past the end or a field has the wrong size; out then
 * holds whatever was parsed before the fault. */
int bts_eir_parse(const uint8_t *data, size_t len, struct bts_eir *out);

/* Copy a device name of at most len bytes (stopping at NUL) into dst
 * (size >= 1), replacing control characters and invalid UTF-8 with '?'
 * and trimming trailing spaces. Returns dst. */
char *bts_name_sanitize(const uint8_t *src, size_t len, char *dst, size_t size);

#endif
