// SPDX-License-Identifier: GPL-2.0-or-later
/* Device names to addresses: the recent-scan cache, else an inquiry
 * followed by remote name requests for devices without an EIR name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btsync/error.h"
#include "btsync/inquiry.h"
#include "btsync/namecache.h"
#include "btsync/peer.h"
#include "btsync/util.h"

#define FIND_MAX_DEVICES 64
/* One name request should not eat the whole budget of a busy area. */
#define FIND_NAME_TIMEOUT_MS 5000

static int from_list(const struct bts_device *list, size_t n, const char *name,
		     struct bts_device *out, size_t max)
{
	size_t idx[16];
	size_t found = bts_match_name(list, n, name, idx, BTS_ARRAY_SIZE(idx));

	for (size_t i = 0; i < found && i < max && i < BTS_ARRAY_SIZE(idx); i++)
		out[i] = list[idx[i]];
	return (int)found;
}

int bts_find_by_name(int dev_id, const char *name, int timeout_ms, bool use_cache,
		     const char *cache_path, struct bts_device *out, size_t max,
		     const volatile sig_atomic_t *stop)
{
	struct bts_scan_opts o = { .dev_id = dev_id, .bredr = true, .stop = stop };
	struct bts_device *list, d;
	struct bts_scan s;
	uint64_t deadline;
	size_t n = 0;
	int err, found;

	if (!name || !*name)
		return -BTS_EBADARG;
	if (timeout_ms <= 0)
		timeout_ms = 15000;
	list = calloc(FIND_MAX_DEVICES, sizeof(*list));
	if (!list)
		return -ENOMEM;
	if (use_cache && cache_path) {
		int r = bts_cache_read(cache_path, (int64_t)time(NULL), BTS_CACHE_MAX_AGE,
				       list, FIND_MAX_DEVICES);

		if (r > 0) {
			found = from_list(list, (size_t)r, name, out, max);
			if (found > 0) {
				free(list);
				return found;
			}
		}
	}
	deadline = bts_now_ns() + (uint64_t)timeout_ms * 1000000;
	/* about two thirds of the time for the inquiry, the rest for names */
	o.length = bts_inquiry_length((unsigned)(timeout_ms * 2 / 3 / 1000));
	err = bts_scan_start(&o, &s);
	if (err < 0)
		goto out;
	while ((err = bts_scan_next(&s, &d)) > 0) {
		bool is_new, gained;

		bts_devlist_merge(list, &n, FIND_MAX_DEVICES, &d, &is_new, &gained);
	}
	for (size_t i = 0; err == 0 && i < n; i++) {
		uint64_t now = bts_now_ns();
		int left, r;

		if (list[i].name_src != BTS_NAME_NONE)
			continue;
		if (now >= deadline)
			break;
		left = (int)((deadline - now) / 1000000);
		if (left > FIND_NAME_TIMEOUT_MS)
			left = FIND_NAME_TIMEOUT_MS;
		r = bts_scan_remote_name(&s, &list[i], list[i].name, sizeof(list[i].name), left);
		if (r == -EINTR)
			err = r;
		list[i].name_src = r == 0 ? BTS_NAME_REQUEST : BTS_NAME_FAILED;
	}
	bts_scan_close(&s);
	if (err < 0)
		goto out;
	if (cache_path)
		bts_cache_write(cache_path, list, n, (int64_t)time(NULL), false);
	err = from_list(list, n, name, out, max);
out:
	free(list);
	return err;
}

int bts_resolve_name(int dev_id, const char *name, int timeout_ms, bool use_cache,
		     bdaddr_t *out)
{
	struct bts_device found[4];
	char path[4096];
	int n;

	n = bts_find_by_name(dev_id, name, timeout_ms, use_cache,
			     bts_cache_default_path(path, sizeof(path)) == 0 ? path : NULL,
			     found, BTS_ARRAY_SIZE(found), NULL);
	if (n < 0)
		return n;
	if (n == 0)
		return -BTS_ENOTFOUND;
	if (n > 1)
		return -BTS_EAMBIGUOUS;
	bacpy(out, &found[0].addr);
	return 0;
}
