/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Local Bluetooth controllers: finding the one the user meant and checking
 * that it can be used. */
#ifndef BTSYNC_ADAPTER_H
#define BTSYNC_ADAPTER_H

#include <stdbool.h>
#include <stdint.h>
#include <bluetooth/bluetooth.h>

struct bts_adapter {
	int dev_id;          /* N in hciN */
	bdaddr_t addr;
	char name[249];      /* local name, may be empty */
	bool up;
	bool rfkill_blocked; /* soft or hard block */
};

/* Is AF_BLUETOOTH available at all? 0, or -BTS_ENOKERNEL. */
int bts_bluetooth_available(void);

/* Find the adapter named by spec ("hciN", "N" or an address; NULL or ""
 * means the first adapter that is up, else the first one).
 * Fills *out even when the adapter is unusable, then returns:
 *   0                 usable (present, up, not blocked)
 *   -BTS_ENOKERNEL    no Bluetooth in this kernel
 *   -BTS_ENOADAPTER   no adapter / none matching spec
 *   -BTS_ERFKILL      adapter blocked by rfkill
 *   -BTS_EADAPTERDOWN adapter present but down
 *   -BTS_EBADARG      spec malformed
 *   -errno            other system errors (e.g. -EPERM) */
int bts_adapter_open(const char *spec, struct bts_adapter *out);

/* List up to max adapters into out; returns the count or a negative error. */
int bts_adapter_list(struct bts_adapter *out, int max);

#endif
