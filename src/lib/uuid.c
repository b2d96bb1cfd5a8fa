// SPDX-License-Identifier: GPL-2.0-or-later
/* UUIDs: parsing, printing and well-known names. Pure functions. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <bluetooth/bluetooth.h>
#include <bluetooth/sdp.h>
#include <bluetooth/sdp_lib.h>
#include <strings.h>

#include "btsync/error.h"
#include "btsync/sdp.h"
#include "btsync/util.h"

/* 00000000-0000-1000-8000-00805f9b34fb: 16/32-bit UUIDs are this base with
 * their value in the first four bytes (Core spec Vol 3, Part B, 2.5.1). */
static const uint8_t base_uuid[16] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
	0x80, 0x00, 0x00, 0x80, 0x5f, 0x9b, 0x34, 0xfb,
};

struct known {
	uint16_t uuid16;      /* 0 when the entry is a 128-bit one */
	const char *uuid128;  /* btsync's own classes */
	const char *alias;    /* what users type (NULL: none) */
	const char *name;     /* what we print */
};

/* Aliases follow sdptool's and PyBluez's spelling where they have one;
 * for profiles with a client and a server role the plain alias is the
 * server (what one searches for on a peer). Documented in btsync-lookup(1). */
static const struct known known[] = {
	{ 0x0001, NULL, "SDP-Protocol", "SDP" },
	{ 0x0003, NULL, "RFCOMM", "RFCOMM" },
	{ 0x0008, NULL, "OBEX", "OBEX" },
	{ 0x000f, NULL, "BNEP", "BNEP" },
	{ 0x0011, NULL, "HIDP", "HIDP" },
	{ 0x0017, NULL, "AVCTP", "AVCTP" },
	{ 0x0019, NULL, "AVDTP", "AVDTP" },
	{ 0x0100, NULL, "L2CAP", "L2CAP" },
	{ 0x1000, NULL, "SDP", "Service Discovery Server" },
	{ 0x1001, NULL, NULL, "Browse Group Descriptor" },
	{ 0x1002, NULL, "PUBLIC", "Public Browse Group" },
	{ 0x1101, NULL, "SP", "Serial Port" },
	{ 0x1102, NULL, "LAN", "LAN Access Using PPP" },
	{ 0x1103, NULL, "DUN", "Dialup Networking" },
	{ 0x1104, NULL, "SYNC", "IrMC Sync" },
	{ 0x1105, NULL, "OPP", "OBEX Object Push" },
	{ 0x1106, NULL, "FTP", "OBEX File Transfer" },
	{ 0x1108, NULL, "HSP", "Headset" },
	{ 0x1109, NULL, "CTP", "Cordless Telephony" },
	{ 0x110a, NULL, "A2DP-Source", "Audio Source" },
	{ 0x110b, NULL, "A2DP-Sink", "Audio Sink" },
	{ 0x110c, NULL, "AVRCP-Target", "A/V Remote Control Target" },
	{ 0x110d, NULL, "A2DP", "Advanced Audio Distribution" },
	{ 0x110e, NULL, "AVRCP", "A/V Remote Control" },
	{ 0x110f, NULL, "AVRCP-Controller", "A/V Remote Control Controller" },
	{ 0x1112, NULL, "HSP-AG", "Headset Audio Gateway" },
	{ 0x1115, NULL, "PANU", "PAN User" },
	{ 0x1116, NULL, "NAP", "Network Access Point" },
	{ 0x1117, NULL, "GN", "Group Ad-hoc Network" },
	{ 0x111e, NULL, "HFP", "Handsfree" },
	{ 0x111f, NULL, "HFP-AG", "Handsfree Audio Gateway" },
	{ 0x1124, NULL, "HID", "Human Interface Device" },
	{ 0x112d, NULL, "SAP", "SIM Access" },
	{ 0x112e, NULL, "PBAP-PCE", "Phonebook Access Client" },
	{ 0x112f, NULL, "PBAP", "Phonebook Access Server" },
	{ 0x1130, NULL, "PBAP-Profile", "Phonebook Access" },
	{ 0x1131, NULL, "HSP-HS", "Headset HS" },
	{ 0x1132, NULL, "MAP", "Message Access Server" },
	{ 0x1133, NULL, "MNS", "Message Notification Server" },
	{ 0x1134, NULL, "MAP-Profile", "Message Access Profile" },
	{ 0x1200, NULL, "PNP", "PnP Information" },
	{ 0x1203, NULL, NULL, "Generic Audio" },
	{ 0x1800, NULL, "GAP", "Generic Access" },
	{ 0x1801, NULL, "GATT", "Generic Attribute" },
	{ 0, BTS_UUID_SERVE, "btsync-serve", "btsync serve" },
	{ 0, BTS_UUID_SYNC, "btsync-sync", "btsync sync" },
	{ 0, BTS_UUID_STREAM, "btsync-stream", "btsync stream" },
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Exactly n hex digits at s (no more, no less). */
static int parse_hex(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;

	if (strlen(s) != n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int h = hexval((unsigned char)s[i]);

		if (h < 0)
			return -1;
		v = (v << 4) | (uint32_t)h;
	}
	*out = v;
	return 0;
}

static int parse128(const char *s, uint8_t out[16])
{
	size_t len = strlen(s), o = 0;
	bool dashed = len == 36;

	if (len != 36 && len != 32)
		return -1;
	for (size_t i = 0; i < len; ) {
		int hi, lo;

		if (dashed && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (s[i] != '-')
				return -1;
			i++;
			continue;
		}
		hi = hexval((unsigned char)s[i]);
		lo = i + 1 < len ? hexval((unsigned char)s[i + 1]) : -1;
		if (hi < 0 || lo < 0 || o == 16)
			return -1;
		out[o++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	return o == 16 ? 0 : -1;
}

int bts_uuid_parse(const char *s, uuid_t *out)
{
	uint32_t v;
	uint8_t b[16];

	if (!s || !*s)
		return -BTS_EBADUUID;
	for (size_t i = 0; i < BTS_ARRAY_SIZE(known); i++) {
		if (!known[i].alias || strcasecmp(s, known[i].alias))
			continue;
		if (known[i].uuid16) {
			sdp_uuid16_create(out, known[i].uuid16);
			return 0;
		}
		parse128(known[i].uuid128, b);
		sdp_uuid128_create(out, b);
		return 0;
	}
	if (!strncasecmp(s, "0x", 2)) {
		size_t n = strlen(s + 2);

		if (n >= 1 && n <= 4 && !parse_hex(s + 2, n, &v)) {
			sdp_uuid16_create(out, (uint16_t)v);
			return 0;
		}
		if (n >= 5 && n <= 8 && !parse_hex(s + 2, n, &v)) {
			sdp_uuid32_create(out, v);
			return 0;
		}
		return -BTS_EBADUUID;
	}
	if (!parse_hex(s, 4, &v)) {
		sdp_uuid16_create(out, (uint16_t)v);
		return 0;
	}
	if (!parse_hex(s, 8, &v)) {
		sdp_uuid32_create(out, v);
		return 0;
	}
	if (!parse128(s, b)) {
		sdp_uuid128_create(out, b);
		return 0;
	}
	return -BTS_EBADUUID;
}

/* The 128-bit form of any UUID, in network byte order. */
static void to128(const uuid_t *u, uint8_t out[16])
{
	uint32_t v;

	switch (u->type) {
	case SDP_UUID16:
		v = u->value.uuid16;
		break;
	case SDP_UUID32:
		v = u->value.uuid32;
		break;
	case SDP_UUID128:
		memcpy(out, &u->value.uuid128, 16);
		return;
	default:
		memset(out, 0, 16);
		return;
	}
	memcpy(out, base_uuid, 16);
	out[0] = (uint8_t)(v >> 24);
	out[1] = (uint8_t)(v >> 16);
	out[2] = (uint8_t)(v >> 8);
	out[3] = (uint8_t)v;
}

/* 1 and the short value when u is on the Bluetooth base. */
static int shorten(const uuid_t *u, uint32_t *v)
{
	uint8_t b[16];

	if (u->type == SDP_UUID16) {
		*v = u->value.uuid16;
		return 1;
	}
	if (u->type == SDP_UUID32) {
		*v = u->value.uuid32;
		return 1;
	}
	to128(u, b);
	if (memcmp(b + 4, base_uuid + 4, 12))
		return 0;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return 1;
}

char *bts_uuid_str(const uuid_t *u, char *buf, size_t size)
{
	uint8_t b[16];
	uint32_t v;

	if (!size)
		return buf;
	if (shorten(u, &v)) {
		snprintf(buf, size, v <= 0xffff ? "0x%04x" : "0x%08x", v);
		return buf;
	}
	to128(u, b);
	snprintf(buf, size,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
		 b[11], b[12], b[13], b[14], b[15]);
	return buf;
}

const char *bts_uuid_name(const uuid_t *u)
{
	uint32_t v;
	uint8_t b[16], k[16];

	if (shorten(u, &v)) {
		for (size_t i = 0; i < BTS_ARRAY_SIZE(known); i++)
			if (known[i].uuid16 && known[i].uuid16 == v)
				return known[i].name;
		return NULL;
	}
	to128(u, b);
	for (size_t i = 0; i < BTS_ARRAY_SIZE(known); i++)
		if (known[i].uuid128 && !parse128(known[i].uuid128, k) && !memcmp(k, b, 16))
			return known[i].name;
	return NULL;
}

bool bts_uuid_equal(const uuid_t *a, const uuid_t *b)
{
	uint8_t x[16], y[16];

	to128(a, x);
	to128(b, y);
	return !memcmp(x, y, 16);
}
