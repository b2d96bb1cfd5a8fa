// SPDX-License-Identifier: GPL-2.0-or-later
/* Connectable/discoverable state of an adapter (page and inquiry scan).
 * HCISETSCAN works with and without bluetoothd: when the management
 * interface owns the adapter, the kernel turns the change into the
 * Connectable/Discoverable settings and tells bluetoothd. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bluetooth/bluetooth.h>
#include <bluetooth/hci.h>
#include <bluetooth/hci_lib.h>

#include "btsync/advertise.h"
#include "btsync/error.h"

static int hci_ctl_socket(void)
{
	int fd = socket(AF_BLUETOOTH, SOCK_RAW | SOCK_CLOEXEC, BTPROTO_HCI);

	if (fd < 0)
		return errno == EAFNOSUPPORT ? -BTS_ENOKERNEL : -errno;
	return fd;
}

int bts_adapter_get_mode(int dev_id, struct bts_scan_mode *out)
{
	struct hci_dev_info di;
	int fd = hci_ctl_socket(), err = 0;

	if (fd < 0)
		return fd;
	memset(&di, 0, sizeof(di));
	di.dev_id = (uint16_t)dev_id;
	if (ioctl(fd, HCIGETDEVINFO, &di) < 0)
		err = errno == ENODEV ? -BTS_ENOADAPTER : -errno;
	close(fd);
	if (err)
		return err;
	out->connectable = hci_test_bit(HCI_PSCAN, &di.flags) != 0;
	out->discoverable = hci_test_bit(HCI_ISCAN, &di.flags) != 0;
	return 0;
}

int bts_adapter_set_mode(int dev_id, const struct bts_scan_mode *mode)
{
	struct hci_dev_req dr;
	int fd = hci_ctl_socket(), err = 0;

	if (fd < 0)
		return fd;
	/* The padding after dev_id goes to the kernel too. */
	memset(&dr, 0, sizeof(dr));
	dr.dev_id = (uint16_t)dev_id;
	dr.dev_opt = SCAN_DISABLED;
	if (mode->connectable)
		dr.dev_opt |= SCAN_PAGE;
	if (mode->discoverable)
		dr.dev_opt |= SCAN_INQUIRY;
	if (ioctl(fd, HCISETSCAN, (unsigned long)&dr) < 0)
		err = errno == ENODEV ? -BTS_ENOADAPTER : -errno;
	close(fd);
	return err;
}
