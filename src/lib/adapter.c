// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bluetooth/bluetooth.h>
#include <bluetooth/hci.h>
#include <bluetooth/hci_lib.h>

#include "btsync/adapter.h"
#include "btsync/error.h"
#include "btsync/util.h"

#define MAX_ADAPTERS 16

#define SYSFS_BLUETOOTH "/sys/class/bluetooth"

static int open_ctl(void)
{
	int fd = socket(AF_BLUETOOTH, SOCK_RAW | SOCK_CLOEXEC, BTPROTO_HCI);

	if (fd < 0) {
		if (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)
			return -BTS_ENOKERNEL;
		return -errno;
	}
	return fd;
}

int bts_bluetooth_available(void)
{
	int fd = open_ctl();

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int read_flag(const char *path)
{
	FILE *f = fopen(path, "re");
	char line[32];
	unsigned long v = 0;

	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (bts_parse_uint(line, 0, 255, &v) < 0)
			v = 0;
	}
	fclose(f);
	return (int)v;
}

/* rfkill state lives next to the HCI device in sysfs:
 * /sys/class/bluetooth/hciN/rfkillM/{soft,hard}. */
static bool rfkill_blocked(int dev_id)
{
	char dir[128], path[400];
	struct dirent *de;
	DIR *d;
	bool blocked = false;

	snprintf(dir, sizeof(dir), SYSFS_BLUETOOTH "/hci%d", dev_id);
	d = opendir(dir);
	if (!d)
		return false;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "rfkill", 6))
			continue;
		snprintf(path, sizeof(path), "%s/%s/soft", dir, de->d_name);
		blocked |= read_flag(path) != 0;
		snprintf(path, sizeof(path), "%s/%s/hard", dir, de->d_name);
		blocked |= read_flag(path) != 0;
	}
	closedir(d);
	return blocked;
}

static void fill(const struct hci_dev_info *di, struct bts_adapter *a)
{
	memset(a, 0, sizeof(*a));
	a->dev_id = di->dev_id;
	bacpy(&a->addr, &di->bdaddr);
	a->up = (di->flags & (1u << HCI_UP)) != 0;
	a->rfkill_blocked = rfkill_blocked(di->dev_id);
	if (a->up) {
		int dd = hci_open_dev(di->dev_id);

		if (dd >= 0) {
			if (hci_read_local_name(dd, sizeof(a->name), a->name, 1000) < 0)
				a->name[0] = '\0';
			a->name[sizeof(a->name) - 1] = '\0';
			hci_close_dev(dd);
		}
	}
}

static int by_dev_id(const void *a, const void *b)
{
	const struct bts_adapter *x = a, *y = b;

	return (x->dev_id > y->dev_id) - (x->dev_id < y->dev_id);
}

int bts_adapter_list(struct bts_adapter *out, int max)
{
	/* struct hci_dev_list_req ends in a flexible array of requests. */
	union {
		struct hci_dev_list_req req;
		char raw[sizeof(struct hci_dev_list_req) +
			 MAX_ADAPTERS * sizeof(struct hci_dev_req)];
	} dl;
	int ctl, n = 0;

	ctl = open_ctl();
	if (ctl < 0)
		return ctl;
	memset(&dl, 0, sizeof(dl));
	dl.req.dev_num = MAX_ADAPTERS;
	if (ioctl(ctl, HCIGETDEVLIST, &dl) < 0) {
		int err = -errno;

		close(ctl);
		return err;
	}
	for (int i = 0; i < dl.req.dev_num && n < max; i++) {
		struct hci_dev_info di = { .dev_id = dl.req.dev_req[i].dev_id };

		if (ioctl(ctl, HCIGETDEVINFO, &di) < 0)
			continue;
		fill(&di, &out[n++]);
	}
	close(ctl);
	/* The kernel lists the newest controller first; users expect hci0
	 * before hci1 (and "the first adapter that is up" to mean hci0). */
	qsort(out, (size_t)n, sizeof(*out), by_dev_id);
	return n;
}

static int usable(const struct bts_adapter *a)
{
	if (a->rfkill_blocked)
		return -BTS_ERFKILL;
	if (!a->up)
		return -BTS_EADAPTERDOWN;
	return 0;
}

int bts_adapter_open(const char *spec, struct bts_adapter *out)
{
	struct bts_adapter list[MAX_ADAPTERS];
	unsigned long id = 0;
	bdaddr_t want;
	int n, by_id = -1;

	memset(out, 0, sizeof(*out));
	memset(list, 0, sizeof(list));
	out->dev_id = -1;
	if (spec && *spec) {
		if ((!strncmp(spec, "hci", 3) &&
		     bts_parse_uint(spec + 3, 0, 1023, &id) == 0) ||
		    bts_parse_uint(spec, 0, 1023, &id) == 0)
			by_id = 1;
		else if (bts_addr_parse(spec, &want) == 0)
			by_id = 0;
		else
			return -BTS_EBADARG;
	}
	n = bts_adapter_list(list, MAX_ADAPTERS);
	if (n < 0)
		return n;
	if (n == 0)
		return -BTS_ENOADAPTER;
	if (by_id < 0) {
		for (int i = 0; i < n; i++)
			if (usable(&list[i]) == 0) {
				*out = list[i];
				return 0;
			}
		*out = list[0];
		return usable(out);
	}
	for (int i = 0; i < n; i++) {
		if ((by_id && list[i].dev_id == (int)id) ||
		    (!by_id && !bacmp(&list[i].addr, &want))) {
			*out = list[i];
			return usable(out);
		}
	}
	return -BTS_ENOADAPTER;
}
