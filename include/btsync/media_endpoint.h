/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A2DP through bluetoothd: an SBC media endpoint on the system bus.
 *
 * bluetoothd owns the AVDTP signalling channel (PSM 25); an application
 * that wants to send or receive A2DP audio does not open that PSM itself
 * but registers an org.bluez.MediaEndpoint1 object with the adapter's
 * org.bluez.Media1 interface. bluetoothd then calls the endpoint back:
 *
 *   SelectConfiguration(caps)   when bluetoothd initiates the stream and
 *                               needs us to choose within the peer's caps;
 *   SetConfiguration(transport, props)  a stream was configured: the
 *                               org.bluez.MediaTransport1 object to use;
 *   ClearConfiguration(transport)       that stream is gone;
 *   Release()                   bluetoothd dropped the endpoint.
 *
 * MediaTransport1.Acquire() then hands over the L2CAP media socket and
 * its MTUs, on which the caller writes (source) or reads (sink) RTP/SBC
 * media packets (btsync/rtp.h, btsync/stream.h).
 *
 * One struct bts_endpoint per registration; nothing global. Calls that
 * wait process the bus meanwhile and return -EINTR as soon as a signal
 * interrupts the wait, so the caller can honour Ctrl-C. Errors follow
 * btsync/error.h; bts_endpoint_detail() has bluetoothd's own words when
 * there are any.
 */
#ifndef BTSYNC_MEDIA_ENDPOINT_H
#define BTSYNC_MEDIA_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <bluetooth/bluetooth.h>

#include "btsync/a2dp.h"

#define BTS_UUID_A2DP_SOURCE "0000110a-0000-1000-8000-00805f9b34fb"
#define BTS_UUID_A2DP_SINK "0000110b-0000-1000-8000-00805f9b34fb"

enum bts_endpoint_role {
	BTS_ENDPOINT_SOURCE, /* we send: a source endpoint, the peer is a sink */
	BTS_ENDPOINT_SINK,   /* we receive: a sink endpoint, the peer a source */
};

struct bts_endpoint;

/* Is bluetoothd on the system bus? 0, or -BTS_ENOBLUEZ (no system bus,
 * or nobody owns org.bluez). A cheap check before anything else, so that
 * a missing daemon is not reported as, say, a powered-down adapter. */
int bts_endpoint_bluez_running(void);

/* Connect to the system bus and register an SBC endpoint of this role on
 * adapter hci<dev_id>, offering caps; pref steers SelectConfiguration
 * (NULL: the A2DP high-quality defaults). Returns 0 and *out, or
 * -BTS_ENOBLUEZ (no system bus or no bluetoothd on it), -BTS_ENOADAPTER
 * (bluetoothd does not know the adapter), -ENOTSUP (bluetoothd refused
 * the endpoint: built without A2DP?), -ENOMEM, -errno. On failure *out
 * may still be set, to an unusable object whose bts_endpoint_detail()
 * says why: close it with bts_endpoint_close(). */
int bts_endpoint_open(int dev_id, enum bts_endpoint_role role,
		      const struct bts_a2dp_sbc_caps *caps,
		      const struct bts_a2dp_sbc_config *pref, struct bts_endpoint **out);

/* Source role: ask bluetoothd to connect peer's A2DP sink profile and
 * wait (up to timeout_ms) until our endpoint has a configured transport.
 * Retries once when the connection fails the way BlueZ 5.66 does on a
 * mismatched AVDTP transaction label. Returns 0, or
 *   -BTS_ENOTPAIRED  bluetoothd does not know peer, or it is not paired,
 *                    or not trusted (see bts_endpoint_peer_state());
 *   -BTS_EREFUSED    no configuration fits both sides (the peer's offer is
 *                    in bts_endpoint_offered()) or bluetoothd used another
 *                    application's endpoint;
 *   -BTS_ENOSERVICE  the device has no A2DP sink;
 *   -EHOSTDOWN, -ETIMEDOUT, -ECONNREFUSED, -EIO (detail says more), -EINTR. */
int bts_endpoint_connect(struct bts_endpoint *ep, const bdaddr_t *peer, int timeout_ms);

/* Sink role: wait (timeout_ms, < 0 forever) until a source has
 * configured a stream with us and started it. Returns 0, -ETIMEDOUT,
 * -EINTR. */
int bts_endpoint_wait_stream(struct bts_endpoint *ep, int timeout_ms);

/* Is peer known to bluetoothd, paired, trusted, connected?
 * Returns 0, -BTS_ENOTFOUND (unknown device), or -errno. */
struct bts_peer_state {
	bool paired, trusted, connected;
};
int bts_endpoint_peer_state(struct bts_endpoint *ep, const bdaddr_t *peer,
			    struct bts_peer_state *st);

/* Acquire the configured transport: the media socket (caller closes it:
 * it is a dup, non-blocking) and its read and write MTUs. Returns 0, or
 * -ENOTCONN (no transport), -EIO (detail), -EINTR. */
int bts_endpoint_acquire(struct bts_endpoint *ep, int *fd, size_t *read_mtu,
			 size_t *write_mtu);

/* The configuration of the current transport (valid after connect or
 * wait_stream), the peer's address, and the capabilities the peer offered
 * in the last SelectConfiguration (false when there was none). */
const struct bts_a2dp_sbc_config *bts_endpoint_config(const struct bts_endpoint *ep);
bool bts_endpoint_offered(const struct bts_endpoint *ep, struct bts_a2dp_sbc_caps *caps);
const bdaddr_t *bts_endpoint_peer(const struct bts_endpoint *ep);
/* The transport's State as bluetoothd last reported it: "idle" (no
 * audio flowing), "pending" (the peer started, acquire it), "active";
 * "" when there is no transport. */
const char *bts_endpoint_state(const struct bts_endpoint *ep);

/* bluetoothd's error name and message from the last failed call, or why
 * we refused a configuration; "" when there is none. */
const char *bts_endpoint_detail(const struct bts_endpoint *ep);

/* For the caller's poll(): the bus descriptor and the events to wait for. */
int bts_endpoint_fd(struct bts_endpoint *ep);
short bts_endpoint_events(struct bts_endpoint *ep);
/* Handle whatever arrived on the bus without blocking. Returns 0, or
 * -BTS_ELINKLOST once the transport was cleared or the endpoint released
 * (the stream is over), or -errno when the bus itself failed. */
int bts_endpoint_process(struct bts_endpoint *ep);

/* Release the transport if acquired, unregister the endpoint, leave the
 * bus, free. Safe on NULL and after any failure. */
void bts_endpoint_close(struct bts_endpoint *ep);

#endif
