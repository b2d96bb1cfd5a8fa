/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SDP advertising details beyond btsync/sdp.h: choosing the path, the
 * record as bluetoothd's XML, and the adapter's scan mode while serving.
 *
 * How bts_sdp_advertise() publishes a record for a socket we already
 * listen on:
 *
 *  1. D-Bus (preferred): org.bluez.ProfileManager1.RegisterProfile with a
 *     fresh random profile UUID, Role "server", our record as the
 *     ServiceRecord option, and NO Channel/PSM option. bluetoothd then
 *     opens no socket of its own (it only listens when a profile names a
 *     channel/PSM, or its UUID is one of the profiles it knows, such as
 *     Serial Port, hence the random profile UUID) and never calls
 *     Profile1.NewConnection: it only adds the record to the SDP server
 *     of every adapter. Our own listening socket keeps the connections.
 *     The random UUID also keeps two btsync processes (or another
 *     program's SPP profile) from clashing on "UUID already registered".
 *     bluetoothd drops the registration when our bus connection closes,
 *     so the record goes away with the process, whatever kills it.
 *  2. Legacy (fallback): the /run/sdp socket of `bluetoothd -C`, with
 *     libbluetooth's sdp_device_record_register(). bluetoothd removes the
 *     records of a session when its socket closes; the socket is made
 *     close-on-exec so that commands we run do not keep it open.
 */
#ifndef BTSYNC_ADVERTISE_H
#define BTSYNC_ADVERTISE_H

#include <stdbool.h>
#include <stddef.h>
#include <bluetooth/bluetooth.h>

#include "btsync/sdp.h"

enum bts_adv_method {
	BTS_ADV_AUTO = 0,   /* D-Bus, then the legacy socket */
	BTS_ADV_DBUS = 1,
	BTS_ADV_LEGACY = 2,
};

/* bts_sdp_advertise() with a chosen path. With BTS_ADV_AUTO the D-Bus
 * error is returned when both fail. */
int bts_sdp_advertise_via(const struct bts_sdp_record *rec, const bdaddr_t *adapter,
			  enum bts_adv_method method, struct bts_advert **out);

/* The path an advert took: BTS_ADV_DBUS or BTS_ADV_LEGACY. */
enum bts_adv_method bts_advert_method(const struct bts_advert *adv);

/* Parse "auto", "dbus", "legacy". 0 or -BTS_EBADARG. */
int bts_adv_method_parse(const char *s, enum bts_adv_method *out);

/* The record as the XML bluetoothd's ServiceRecord option takes (text
 * attributes hex-encoded, so no escaping issues). Returns the length
 * written (NUL-terminated), -BTS_ETOOBIG when buf is too small, or
 * -BTS_EBADARG for a record without name or with an invalid port. */
int bts_sdp_record_xml(const struct bts_sdp_record *rec, char *buf, size_t size);

/* Connectable (page scan) and discoverable (inquiry scan) state of an
 * adapter, to set while serving and put back afterwards. */
struct bts_scan_mode {
	bool connectable;
	bool discoverable;
};

/* Read the current mode of adapter dev_id. */
int bts_adapter_get_mode(int dev_id, struct bts_scan_mode *out);
/* Set it (HCISETSCAN; the kernel keeps bluetoothd informed). Needs
 * CAP_NET_ADMIN: -EPERM otherwise. */
int bts_adapter_set_mode(int dev_id, const struct bts_scan_mode *mode);

#endif
