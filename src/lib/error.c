// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "btsync/error.h"

static const char *const lib_messages[] = {
	[BTS_ENOKERNEL - BTS_ERR_BASE] =
		"this kernel has no Bluetooth support (socket(AF_BLUETOOTH) is not available; is the bluetooth module loaded?)",
	[BTS_ENOADAPTER - BTS_ERR_BASE] = "no Bluetooth adapter found",
	[BTS_EADAPTERDOWN - BTS_ERR_BASE] = "Bluetooth adapter is down",
	[BTS_ERFKILL - BTS_ERR_BASE] = "Bluetooth adapter is blocked by rfkill",
	[BTS_ENOTFOUND - BTS_ERR_BASE] = "not found",
	[BTS_EAMBIGUOUS - BTS_ERR_BASE] = "name matches more than one device",
	[BTS_EBADADDR - BTS_ERR_BASE] = "not a valid Bluetooth address",
	[BTS_EBADUUID - BTS_ERR_BASE] = "not a valid UUID or service name",
	[BTS_EBADARG - BTS_ERR_BASE] = "invalid argument",
	[BTS_ENOSDP - BTS_ERR_BASE] = "no SDP server reachable",
	[BTS_ENOSERVICE - BTS_ERR_BASE] = "no matching service record",
	[BTS_EPROTO - BTS_ERR_BASE] = "peer sent data that breaks the protocol",
	[BTS_EVERSION - BTS_ERR_BASE] = "peer speaks an incompatible protocol version",
	[BTS_ECHECKSUM - BTS_ERR_BASE] = "checksum mismatch: data was corrupted in transit",
	[BTS_EREFUSED - BTS_ERR_BASE] = "refused by peer",
	[BTS_ETOOBIG - BTS_ERR_BASE] = "size exceeds the allowed limit",
	[BTS_EUNSAFEPATH - BTS_ERR_BASE] = "unsafe path (absolute, '..', or escaping the output directory)",
	[BTS_EEXIST - BTS_ERR_BASE] = "a different file already exists (use --force to replace it)",
	[BTS_ECODEC - BTS_ERR_BASE] = "audio codec error",
	[BTS_EBADMEDIA - BTS_ERR_BASE] = "malformed media data",
	[BTS_ENOBLUEZ - BTS_ERR_BASE] = "bluetoothd is not running (no org.bluez on the system bus)",
	[BTS_ENOTPAIRED - BTS_ERR_BASE] = "device is not paired",
	[BTS_ENOTIMPL - BTS_ERR_BASE] = "not implemented yet",
	[BTS_ELINKLOST - BTS_ERR_BASE] = "Bluetooth link lost",
	[BTS_EINTERRUPTED - BTS_ERR_BASE] = "interrupted",
	[BTS_EAUTH - BTS_ERR_BASE] =
		"authentication failed (pair the devices first: 'bluetoothctl pair ADDR', and accept on both)",
};

const char *bts_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err > BTS_ERR_BASE && err < BTS_ERR_MAX) {
		const char *m = lib_messages[err - BTS_ERR_BASE];
		return m ? m : "unknown btsync error";
	}
	if (err == 0)
		return "success";
	switch (err) {
	/* glibc's wording for the errors Bluetooth users meet most is
	 * cryptic; say what they mean on a Bluetooth link. */
	case EHOSTDOWN:
		return "host is down (device out of range or not accepting connections)";
	case ECONNREFUSED:
		return "connection refused (nothing listening on that channel/PSM, or the listener's --security needs the devices paired)";
	case ECONNRESET:
		return "connection reset by peer";
	case ETIMEDOUT:
		return "timed out";
	case EACCES:
	case EPERM:
		return "permission denied";
	default:
		return strerror(err);
	}
}

int bts_neg_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}
