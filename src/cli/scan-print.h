/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One device as a record of the output layer, shared by scan and lookup
 * so their fields never differ (documented in btsync-scan(1)); and the
 * scan cache as both use it, so they agree on what is fresh. */
#ifndef BTSYNC_SCAN_PRINT_H
#define BTSYNC_SCAN_PRINT_H

#include <stdbool.h>
#include <stddef.h>

#include "btsync/inquiry.h"
#include "output.h"

/* Columns for scan output; with_event adds the EVENT column
 * (--continuous: "appeared" / "gone"). */
void scan_print_init(struct out *o, enum out_format fmt, bool with_event);

/* Set the device's fields on a record already begun. */
void scan_print_fields(struct out *o, const struct bts_device *d);

/* One whole row (event may be NULL). */
void scan_print_device(struct out *o, const struct bts_device *d, const char *event);

/* The cache's entries seen in the last BTS_CACHE_MAX_AGE seconds, at most
 * BTS_CACHE_MAX of them, into list. Returns how many (0 when the cache
 * does not exist or cannot be read). */
size_t scan_cache_read(const char *path, struct bts_device *list);

/* Store n devices as seen now, merged with the cache unless replace
 * (--flush). 0 or -errno. */
int scan_cache_write(const char *path, const struct bts_device *devs, size_t n, bool replace);

#endif
