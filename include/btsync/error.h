/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * btsync error contract.
 *
 * Every libbtsync function that can fail returns an int (or ssize_t):
 *   >= 0  success (often a count or a descriptor),
 *   <  0  failure: either -errno (a system error, e.g. -ETIMEDOUT) or
 *         -BTS_E* (a library condition that errno cannot name).
 * The library never prints and never exits. errno is preserved across the
 * cleanup a failing function does, so callers may still read it.
 *
 * bts_strerror() turns either kind into a lowercase phrase without a full
 * stop, suitable for "btsync: scan: <phrase>".
 */
#ifndef BTSYNC_ERROR_H
#define BTSYNC_ERROR_H

/* Library codes live above every errno value so the two never collide. */
#define BTS_ERR_BASE 5000

enum bts_err {
	BTS_ENOKERNEL = BTS_ERR_BASE + 1, /* socket(AF_BLUETOOTH) -> EAFNOSUPPORT */
	BTS_ENOADAPTER,      /* no controller, or none matching -i */
	BTS_EADAPTERDOWN,    /* controller present but not up */
	BTS_ERFKILL,         /* controller blocked by rfkill */
	BTS_ENOTFOUND,       /* device, name or service not found */
	BTS_EAMBIGUOUS,      /* a name matches more than one device */
	BTS_EBADADDR,        /* not a valid Bluetooth address */
	BTS_EBADUUID,        /* not a valid UUID or service name */
	BTS_EBADARG,         /* an argument out of range or malformed */
	BTS_ENOSDP,          /* no SDP server reachable (bluetoothd missing?) */
	BTS_ENOSERVICE,      /* SDP answered, but no matching record */
	BTS_EPROTO,          /* peer broke the protocol (bad frame, bad field) */
	BTS_EVERSION,        /* peer speaks an incompatible protocol version */
	BTS_ECHECKSUM,       /* end-to-end hash mismatch */
	BTS_EREFUSED,        /* peer refused the request */
	BTS_ETOOBIG,         /* a size exceeds a configured or protocol limit */
	BTS_EUNSAFEPATH,     /* a path would leave the output directory */
	BTS_EEXIST,          /* a different file exists and --force not given */
	BTS_ECODEC,          /* the audio codec refused the data or settings */
	BTS_EBADMEDIA,       /* malformed media (WAV, RTP, SBC) */
	BTS_ENOBLUEZ,        /* bluetoothd not on the system bus */
	BTS_ENOTPAIRED,      /* device must be paired/trusted first */
	BTS_ENOTIMPL,        /* feature not built yet */
	BTS_ELINKLOST,       /* the Bluetooth link dropped mid-session */
	BTS_EINTERRUPTED,    /* stopped by a signal the caller asked to honour */
	BTS_EAUTH,           /* connect: authentication or encryption failed */
	BTS_ERR_MAX
};

/* Human-readable phrase for a negative return value (or a positive errno).
 * Never returns NULL. */
const char *bts_strerror(int err);

/* Convenience: return -errno, with a fallback when errno is 0. */
int bts_neg_errno(void);

#endif
