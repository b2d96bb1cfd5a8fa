/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The recent-scan cache: a plain text file, one device per line,
 *   SEEN<TAB>ADDRESS<TAB>TYPE<TAB>ADDRTYPE<TAB>CLASS<TAB>NAME
 * SEEN is Unix seconds, TYPE "bredr" or "le", CLASS "0x5a020c" or "-",
 * NAME the device name ("" when unknown). Lines that do not parse are
 * skipped. Written whole to a temporary file and renamed into place.
 */
#ifndef BTSYNC_NAMECACHE_H
#define BTSYNC_NAMECACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btsync/inquiry.h"

#define BTS_CACHE_MAX 256
/* Entries older than this are not used to resolve names by default. */
#define BTS_CACHE_MAX_AGE (15 * 60)

/* $XDG_CACHE_HOME/btsync/devices, else $HOME/.cache/btsync/devices.
 * Returns 0, -ENOENT when neither variable is set, -ENAMETOOLONG. */
int bts_cache_default_path(char *buf, size_t size);

/* Read entries seen at most max_age seconds before now (max_age < 0: all)
 * into out. Returns the count (0 when the file does not exist) or -errno. */
int bts_cache_read(const char *path, int64_t now, int64_t max_age,
		   struct bts_device *out, size_t max);

/* Store devs (seen = now) in the cache, merged with the entries already
 * there unless replace. Creates the directory. Returns 0 or -errno. */
int bts_cache_write(const char *path, const struct bts_device *devs, size_t n,
		    int64_t now, bool replace);

/* One cache line -> device (pure; for tests). 0 or -BTS_EPROTO. */
int bts_cache_parse_line(const char *line, struct bts_device *out);

#endif
