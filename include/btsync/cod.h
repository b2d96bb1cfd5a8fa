/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Class of Device (Bluetooth Assigned Numbers, "Baseband"): the 24-bit
 * field an inquiry reports. Bits 2-7 minor class, 8-12 major class,
 * 13-23 service classes. Pure functions, no I/O.
 */
#ifndef BTSYNC_COD_H
#define BTSYNC_COD_H

#include <stddef.h>
#include <stdint.h>

struct bts_cod {
	uint8_t major;          /* 0..31 */
	uint8_t minor;          /* 0..63 (the 6-bit field) */
	uint16_t services;      /* bits 13-23 shifted down */
	const char *major_name; /* "Phone", "Audio/Video", ... never NULL */
	char minor_name[96];    /* "Smartphone", "Keyboard / Joystick", ... */
};

/* Decode cod (only the low 24 bits are used). Always succeeds. */
void bts_cod_decode(uint32_t cod, struct bts_cod *out);

/* "Phone / Smartphone", "Computer / Laptop", "Miscellaneous"; returns buf. */
char *bts_cod_str(uint32_t cod, char *buf, size_t size);

/* Names of the service class bits set ("Audio", "Telephony", ...); stores
 * up to max pointers to static strings and returns how many bits are set. */
size_t bts_cod_services(uint32_t cod, const char **names, size_t max);

#endif
