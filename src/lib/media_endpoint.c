// SPDX-License-Identifier: GPL-2.0-or-later
/* An SBC org.bluez.MediaEndpoint1 on the system bus (sd-bus): register it
 * with bluetoothd, answer its callbacks, connect a device's A2DP profile,
 * acquire the media transport. See btsync/media_endpoint.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <systemd/sd-bus.h>

#include "btsync/a2dp.h"
#include "btsync/error.h"
#include "btsync/media_endpoint.h"
#include "btsync/util.h"

#define BLUEZ "org.bluez"
#define A2DP_CODEC_SBC 0x00

/* How long to wait for bluetoothd's own short calls (register, acquire,
 * release). Generous: the virtual lab runs about 25 times slower. */
#define CALL_TIMEOUT_US (30ULL * 1000 * 1000)
/* After ConnectProfile succeeded, SetConfiguration normally came first;
 * allow it this long to arrive if it did not. */
#define CONFIG_GRACE_MS 3000
/* Pause before the one retry, letting bluetoothd tear the failed AVDTP
 * session down first. */
#define RETRY_PAUSE_MS 1500
/* The most we wait for bluetoothd to confirm Release and Unregister. */
#define CLEANUP_TIMEOUT_US (3ULL * 1000 * 1000)

struct bts_endpoint {
	sd_bus *bus;
	sd_bus_slot *object;
	sd_bus_slot *props_match;
	sd_bus_slot *pending;       /* the ConnectProfile call in flight */
	enum bts_endpoint_role role;
	char adapter_path[32];
	char path[64];
	struct bts_a2dp_sbc_caps caps;
	struct bts_a2dp_sbc_config pref;
	bool have_pref;
	bool registered;

	/* the transport bluetoothd configured for us */
	char transport[128];
	bool have_transport;
	bool cleared;               /* we had one and it went away */
	bool released;              /* bluetoothd dropped the endpoint */
	bool acquired;
	struct bts_a2dp_sbc_config cfg;
	bdaddr_t peer;
	char state[16];             /* "idle", "pending", "active" */

	struct bts_a2dp_sbc_caps offered;
	bool have_offered;

	/* the ConnectProfile reply */
	bool call_done;
	int call_err;
	int cleanup_pending;        /* Release/UnregisterEndpoint replies awaited */

	char detail[256];
};

static void set_detail(struct bts_endpoint *ep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_detail(struct bts_endpoint *ep, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ep->detail, sizeof(ep->detail), fmt, ap);
	va_end(ap);
}

/* A D-Bus error from bluetoothd as a btsync code, keeping its words. */
static int bus_error(struct bts_endpoint *ep, const sd_bus_error *e, int r)
{
	const char *name = e && e->name ? e->name : NULL;
	const char *msg = e && e->message ? e->message : "";

	if (!name) {
		if (ep)
			set_detail(ep, "%s", strerror(r < 0 ? -r : EIO));
		return r < 0 ? r : -EIO;
	}
	if (ep)
		set_detail(ep, "%s: %s", name, msg);
	if (!strcmp(name, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
	    !strcmp(name, SD_BUS_ERROR_NAME_HAS_NO_OWNER))
		return -BTS_ENOBLUEZ;
	if (!strcmp(name, SD_BUS_ERROR_UNKNOWN_OBJECT) ||
	    !strcmp(name, SD_BUS_ERROR_UNKNOWN_INTERFACE) ||
	    !strcmp(name, "org.bluez.Error.DoesNotExist"))
		return -BTS_ENOTFOUND;
	if (!strcmp(name, SD_BUS_ERROR_NO_REPLY) || !strcmp(name, SD_BUS_ERROR_TIMEOUT))
		return -ETIMEDOUT;
	if (!strcmp(name, SD_BUS_ERROR_ACCESS_DENIED))
		return -EACCES;
	if (!strcmp(name, "org.bluez.Error.NotSupported"))
		return -ENOTSUP;
	if (!strcmp(name, "org.bluez.Error.NotAvailable"))
		return -BTS_ENOSERVICE;
	if (!strcmp(name, "org.bluez.Error.AlreadyConnected"))
		return -EALREADY;
	if (!strcmp(name, "org.bluez.Error.InProgress"))
		return -EINPROGRESS;
	if (!strcmp(name, "org.bluez.Error.NotReady"))
		return -BTS_EADAPTERDOWN;
	if (!strcmp(name, "org.bluez.Error.NotAuthorized") ||
	    !strncmp(name, "org.bluez.Error.Authentication", 30))
		return -BTS_ENOTPAIRED;
	if (!strcmp(name, "org.bluez.Error.InvalidArguments"))
		return -EINVAL;
	/* org.bluez.Error.Failed: the message says what happened, in
	 * BlueZ's "br-connection-*" words or an errno string. */
	if (strstr(msg, "page-timeout") || strstr(msg, "Host is down"))
		return -EHOSTDOWN;
	if (strstr(msg, "refused"))
		return -ECONNREFUSED;
	if (strstr(msg, "profile-unavailable"))
		return -BTS_ENOSERVICE;
	if (strstr(msg, "timeout") || strstr(msg, "timed out"))
		return -ETIMEDOUT;
	return -EIO;
}

static void device_path(const struct bts_endpoint *ep, const bdaddr_t *a, char *out, size_t len)
{
	char s[18];

	bts_addr_str(a, s);
	for (char *p = s; *p; p++)
		if (*p == ':')
			*p = '_';
	snprintf(out, len, "%s/dev_%s", ep->adapter_path, s);
}

/* ".../dev_AA_BB_CC_DD_EE_FF" -> address. */
static int path_addr(const char *path, bdaddr_t *out)
{
	const char *p = strstr(path ? path : "", "/dev_");
	char s[18];

	if (!p || strlen(p + 5) != 17)
		return -BTS_EBADADDR;
	memcpy(s, p + 5, 18);
	for (char *q = s; *q; q++)
		if (*q == '_')
			*q = ':';
	return bts_addr_parse(s, out);
}

/* ---- the MediaEndpoint1 methods bluetoothd calls ---- */

static int on_select(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct bts_endpoint *ep = userdata;
	struct bts_a2dp_sbc_caps theirs;
	struct bts_a2dp_sbc_config cfg;
	sd_bus_message *reply = NULL;
	const void *buf;
	const char *why = NULL;
	uint8_t el[BTS_A2DP_SBC_INFO_LEN];
	size_t n;
	int r;

	r = sd_bus_message_read_array(m, 'y', &buf, &n);
	if (r < 0)
		return r;
	if (bts_a2dp_sbc_caps_parse(buf, n, &theirs) < 0) {
		set_detail(ep, "the peer's SBC capabilities are malformed");
		return sd_bus_error_set(ret_error, "org.bluez.Error.InvalidArguments",
					"malformed SBC capabilities");
	}
	ep->offered = theirs;
	ep->have_offered = true;
	if (bts_a2dp_sbc_select(&ep->caps, &theirs, ep->have_pref ? &ep->pref : NULL,
				&cfg, &why) < 0) {
		set_detail(ep, "%s", why);
		return sd_bus_error_set(ret_error, "org.bluez.Error.InvalidArguments", why);
	}
	bts_a2dp_sbc_config_build(&cfg, el);
	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_append_array(reply, 'y', el, sizeof(el));
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r < 0 ? r : 1;
}

static int on_set(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct bts_endpoint *ep = userdata;
	struct bts_a2dp_sbc_config cfg;
	const char *transport, *key, *why = NULL;
	const char *device = NULL, *state = NULL;
	bool have_cfg = false;
	int r;

	r = sd_bus_message_read(m, "o", &transport);
	if (r < 0)
		return r;
	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		r = sd_bus_message_read(m, "s", &key);
		if (r < 0)
			return r;
		if (!strcmp(key, "Configuration")) {
			const void *buf;
			size_t n;

			r = sd_bus_message_enter_container(m, 'v', "ay");
			if (r < 0)
				return r;
			r = sd_bus_message_read_array(m, 'y', &buf, &n);
			if (r < 0)
				return r;
			have_cfg = bts_a2dp_sbc_config_parse(buf, n, &cfg) == 0;
			r = sd_bus_message_exit_container(m);
		} else if (!strcmp(key, "Device")) {
			r = sd_bus_message_read(m, "v", "o", &device);
		} else if (!strcmp(key, "State")) {
			r = sd_bus_message_read(m, "v", "s", &state);
		} else {
			r = sd_bus_message_skip(m, "v");
		}
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	if (!have_cfg) {
		set_detail(ep, "bluetoothd set a malformed SBC configuration");
		return sd_bus_error_set(ret_error, "org.bluez.Error.InvalidArguments",
					"malformed SBC configuration");
	}
	if (bts_a2dp_sbc_config_within(&cfg, &ep->caps, &why) < 0) {
		set_detail(ep, "the peer chose a configuration we do not offer: %s", why);
		return sd_bus_error_set(ret_error, "org.bluez.Error.InvalidArguments", why);
	}
	if (strlen(transport) >= sizeof(ep->transport))
		return sd_bus_error_set(ret_error, "org.bluez.Error.InvalidArguments",
					"transport path too long");
	snprintf(ep->transport, sizeof(ep->transport), "%s", transport);
	ep->have_transport = true;
	ep->cleared = false;
	ep->acquired = false;
	ep->cfg = cfg;
	if (!device || path_addr(device, &ep->peer) < 0)
		path_addr(transport, &ep->peer);
	snprintf(ep->state, sizeof(ep->state), "%s", state ? state : "idle");
	return sd_bus_reply_method_return(m, "");
}

static int on_clear(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct bts_endpoint *ep = userdata;
	const char *transport;
	int r;

	(void)ret_error;
	r = sd_bus_message_read(m, "o", &transport);
	if (r < 0)
		return r;
	if (ep->have_transport && !strcmp(transport, ep->transport)) {
		ep->have_transport = false;
		ep->cleared = true;
		ep->acquired = false; /* bluetoothd already closed its side */
	}
	return sd_bus_reply_method_return(m, "");
}

static int on_release(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct bts_endpoint *ep = userdata;

	(void)ret_error;
	ep->released = true;
	ep->registered = false;
	return sd_bus_reply_method_return(m, "");
}

static const sd_bus_vtable endpoint_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("SelectConfiguration", "ay", "ay", on_select, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("SetConfiguration", "oa{sv}", "", on_set, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("ClearConfiguration", "o", "", on_clear, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("Release", "", "", on_release, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END
};

/* PropertiesChanged on our transport: follow its State. */
static int on_props(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct bts_endpoint *ep = userdata;
	const char *iface, *key, *state;
	int r;

	(void)ret_error;
	if (!ep->have_transport || strcmp(sd_bus_message_get_path(m), ep->transport))
		return 0;
	if (sd_bus_message_read(m, "s", &iface) < 0 || strcmp(iface, "org.bluez.MediaTransport1"))
		return 0;
	if (sd_bus_message_enter_container(m, 'a', "{sv}") < 0)
		return 0;
	while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
		if (sd_bus_message_read(m, "s", &key) < 0)
			return 0;
		if (!strcmp(key, "State")) {
			r = sd_bus_message_read(m, "v", "s", &state);
			if (r < 0)
				return 0;
			snprintf(ep->state, sizeof(ep->state), "%s", state);
		} else if (sd_bus_message_skip(m, "v") < 0) {
			return 0;
		}
		if (sd_bus_message_exit_container(m) < 0)
			return 0;
	}
	return 0;
}

/* ---- set-up ---- */

static int bluez_present(sd_bus *bus)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int has = 0, r;

	r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			       "org.freedesktop.DBus", "NameHasOwner", &e, &reply, "s", BLUEZ);
	if (r >= 0)
		r = sd_bus_message_read(reply, "b", &has);
	sd_bus_message_unref(reply);
	sd_bus_error_free(&e);
	if (r < 0)
		return r;
	return has ? 0 : -BTS_ENOBLUEZ;
}

int bts_endpoint_bluez_running(void)
{
	sd_bus *bus = NULL;
	int r = sd_bus_open_system(&bus);

	if (r >= 0)
		r = bluez_present(bus);
	sd_bus_flush_close_unref(bus);
	return r < 0 ? -BTS_ENOBLUEZ : 0;
}

static int register_endpoint(struct bts_endpoint *ep)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	uint8_t el[BTS_A2DP_SBC_INFO_LEN];
	const char *uuid = ep->role == BTS_ENDPOINT_SOURCE ? BTS_UUID_A2DP_SOURCE :
							     BTS_UUID_A2DP_SINK;
	int r;

	bts_a2dp_sbc_caps_build(&ep->caps, el);
	r = sd_bus_message_new_method_call(ep->bus, &m, BLUEZ, ep->adapter_path,
					   "org.bluez.Media1", "RegisterEndpoint");
	if (r >= 0)
		r = sd_bus_message_append(m, "o", ep->path);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "{sv}");
	if (r >= 0)
		r = sd_bus_message_append(m, "{sv}", "UUID", "s", uuid);
	if (r >= 0)
		r = sd_bus_message_append(m, "{sv}", "Codec", "y", (uint8_t)A2DP_CODEC_SBC);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'e', "sv");
	if (r >= 0)
		r = sd_bus_message_append(m, "s", "Capabilities");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'v', "ay");
	if (r >= 0)
		r = sd_bus_message_append_array(m, 'y', el, sizeof(el));
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r < 0) {
		sd_bus_message_unref(m);
		return r;
	}
	r = sd_bus_call(ep->bus, m, CALL_TIMEOUT_US, &e, &reply);
	if (r < 0) {
		r = bus_error(ep, &e, r);
		/* No Media1 on the adapter object: bluetoothd does not know it. */
		if (r == -BTS_ENOTFOUND)
			r = -BTS_ENOADAPTER;
	} else {
		ep->registered = true;
	}
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	sd_bus_error_free(&e);
	return r < 0 ? r : 0;
}

int bts_endpoint_open(int dev_id, enum bts_endpoint_role role,
		      const struct bts_a2dp_sbc_caps *caps,
		      const struct bts_a2dp_sbc_config *pref, struct bts_endpoint **out)
{
	struct bts_endpoint *ep;
	int r;

	*out = NULL;
	if (dev_id < 0 || !caps)
		return -BTS_EBADARG;
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	ep->role = role;
	ep->caps = *caps;
	if (pref) {
		ep->pref = *pref;
		ep->have_pref = true;
	}
	snprintf(ep->adapter_path, sizeof(ep->adapter_path), "/org/bluez/hci%d", dev_id);
	/* One path per process and role, so two btsync instances (or a
	 * source and a sink) can register side by side. */
	snprintf(ep->path, sizeof(ep->path), "/org/btsync/a2dp/%s%ld",
		 role == BTS_ENDPOINT_SOURCE ? "source" : "sink", (long)getpid());

	r = sd_bus_open_system(&ep->bus);
	if (r < 0) {
		set_detail(ep, "cannot reach the system bus: %s", strerror(-r));
		r = -BTS_ENOBLUEZ;
		goto fail;
	}
	r = bluez_present(ep->bus);
	if (r < 0) {
		if (r != -BTS_ENOBLUEZ)
			r = -BTS_ENOBLUEZ;
		goto fail;
	}
	r = sd_bus_add_object_vtable(ep->bus, &ep->object, ep->path,
				     "org.bluez.MediaEndpoint1", endpoint_vtable, ep);
	if (r < 0)
		goto fail;
	r = sd_bus_match_signal(ep->bus, &ep->props_match, BLUEZ, NULL,
				"org.freedesktop.DBus.Properties", "PropertiesChanged",
				on_props, ep);
	if (r < 0)
		goto fail;
	r = register_endpoint(ep);
	if (r < 0)
		goto fail;
	*out = ep;
	return 0;
fail:
	/* Keep the object (without its bus) so the caller can read the
	 * detail; bts_endpoint_close() frees it. */
	ep->pending = sd_bus_slot_unref(ep->pending);
	ep->props_match = sd_bus_slot_unref(ep->props_match);
	ep->object = sd_bus_slot_unref(ep->object);
	ep->bus = sd_bus_flush_close_unref(ep->bus);
	ep->registered = false;
	*out = ep;
	return r;
}

/* ---- waiting ---- */

/* Process the bus until done(ep) or the deadline (0: none) passes.
 * Returns 0 when done, -ETIMEDOUT, -EINTR, or a bus error. */
static int pump(struct bts_endpoint *ep, bool (*done)(const struct bts_endpoint *),
		uint64_t deadline_ns)
{
	for (;;) {
		int r = sd_bus_process(ep->bus, NULL);
		uint64_t now, wait_us;

		if (r < 0)
			return r;
		if (done(ep))
			return 0;
		if (r > 0)
			continue;
		now = bts_now_ns();
		if (deadline_ns && now >= deadline_ns)
			return -ETIMEDOUT;
		/* Wake at least every 200 ms: the caller's signal flag is
		 * checked through EINTR, but a signal landing between the
		 * check and the wait would otherwise be missed. */
		wait_us = 200000;
		if (deadline_ns && (deadline_ns - now) / 1000 < wait_us)
			wait_us = (deadline_ns - now) / 1000 + 1;
		r = sd_bus_wait(ep->bus, wait_us);
		if (r == -EINTR)
			return -EINTR;
		if (r < 0)
			return r;
	}
}

static uint64_t deadline_after(int timeout_ms)
{
	return timeout_ms < 0 ? 0 : bts_now_ns() + (uint64_t)timeout_ms * 1000000ULL;
}

static bool call_finished(const struct bts_endpoint *ep)
{
	return ep->call_done;
}

static bool transport_ready(const struct bts_endpoint *ep)
{
	return ep->have_transport || ep->released;
}

static bool stream_started(const struct bts_endpoint *ep)
{
	return ep->released || (ep->have_transport && (!strcmp(ep->state, "pending") ||
						       !strcmp(ep->state, "active")));
}

static int on_connect_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct bts_endpoint *ep = userdata;
	const sd_bus_error *e = sd_bus_message_get_error(m);

	(void)ret_error;
	ep->call_done = true;
	ep->call_err = e ? bus_error(ep, e, -EIO) : 0;
	return 1;
}

static int device_call(struct bts_endpoint *ep, const bdaddr_t *peer, const char *method,
		       const char *uuid, int timeout_ms)
{
	char dev[96];
	int r;

	device_path(ep, peer, dev, sizeof(dev));
	ep->call_done = false;
	ep->call_err = 0;
	r = sd_bus_call_method_async(ep->bus, &ep->pending, BLUEZ, dev, "org.bluez.Device1",
				     method, on_connect_reply, ep, "s", uuid);
	if (r < 0)
		return r;
	r = pump(ep, call_finished, deadline_after(timeout_ms));
	/* Dropping the slot cancels the call if it is still in flight. */
	ep->pending = sd_bus_slot_unref(ep->pending);
	return r < 0 ? r : ep->call_err;
}

static int get_bool(struct bts_endpoint *ep, const char *dev, const char *prop, bool *out)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int v = 0, r;

	r = sd_bus_get_property_trivial(ep->bus, BLUEZ, dev, "org.bluez.Device1", prop, &e,
					'b', &v);
	if (r < 0)
		r = bus_error(ep, &e, r);
	sd_bus_error_free(&e);
	*out = v;
	return r < 0 ? r : 0;
}

int bts_endpoint_peer_state(struct bts_endpoint *ep, const bdaddr_t *peer,
			    struct bts_peer_state *st)
{
	char dev[96];
	int r;

	memset(st, 0, sizeof(*st));
	device_path(ep, peer, dev, sizeof(dev));
	r = get_bool(ep, dev, "Paired", &st->paired);
	if (r == 0)
		r = get_bool(ep, dev, "Trusted", &st->trusted);
	if (r == 0)
		r = get_bool(ep, dev, "Connected", &st->connected);
	/* An unknown object or property: bluetoothd has no such device. */
	if (r == -BTS_ENOTFOUND || r == -EINVAL)
		return -BTS_ENOTFOUND;
	return r;
}

static void pause_ms(struct bts_endpoint *ep, int ms)
{
	/* Keep answering bluetoothd while we wait. */
	pump(ep, transport_ready, deadline_after(ms));
}

int bts_endpoint_connect(struct bts_endpoint *ep, const bdaddr_t *peer, int timeout_ms)
{
	struct bts_peer_state st;
	uint64_t deadline = deadline_after(timeout_ms);
	int r;

	if (ep->role != BTS_ENDPOINT_SOURCE)
		return -BTS_EBADARG;
	r = bts_endpoint_peer_state(ep, peer, &st);
	if (r == -BTS_ENOTFOUND) {
		set_detail(ep, "bluetoothd does not know the device");
		return -BTS_ENOTPAIRED;
	}
	if (r < 0)
		return r;
	if (!st.paired) {
		set_detail(ep, "the device is not paired");
		return -BTS_ENOTPAIRED;
	}

	for (int attempt = 0; attempt < 2; attempt++) {
		uint64_t now = bts_now_ns();
		int left = deadline ? (now >= deadline ? 0 : (int)((deadline - now) / 1000000)) : -1;

		if (left == 0)
			return -ETIMEDOUT;
		ep->have_offered = false;
		r = device_call(ep, peer, "ConnectProfile", BTS_UUID_A2DP_SINK, left);
		if (r == -EINTR)
			return r;
		if (r == 0 || r == -EALREADY) {
			/* Connected: our SetConfiguration normally came first. */
			r = pump(ep, transport_ready, deadline_after(CONFIG_GRACE_MS));
			if (r == -EINTR)
				return r;
			if (ep->have_transport)
				return 0;
			if (ep->released)
				return -BTS_ELINKLOST;
			/* The link is up but with another application's
			 * endpoint (or a stream left over): drop the profile
			 * and try again once, so that ours gets chosen. */
			set_detail(ep, "the device's A2DP stream uses another application's endpoint");
			if (attempt == 0) {
				device_call(ep, peer, "DisconnectProfile", BTS_UUID_A2DP_SINK, 10000);
				pause_ms(ep, RETRY_PAUSE_MS);
				continue;
			}
			return -BTS_EREFUSED;
		}
		if (ep->have_transport)
			return 0;
		/* We refused every configuration the sink offered (bluetoothd
		 * then reports a failure of its own, less telling). */
		if (ep->have_offered) {
			struct bts_a2dp_sbc_config tmp;
			const char *why = NULL;

			if (bts_a2dp_sbc_select(&ep->caps, &ep->offered,
						ep->have_pref ? &ep->pref : NULL, &tmp, &why) < 0) {
				set_detail(ep, "%s", why);
				return -BTS_EREFUSED;
			}
		}
		/* BlueZ 5.66 as a sink can answer our SET_CONFIGURATION with
		 * the wrong AVDTP transaction label after it queried our
		 * endpoints ("Transaction label doesn't match" in its log);
		 * bluetoothd then reports br-connection-canceled or an I/O
		 * error. A second attempt usually finds the sink's endpoint
		 * cache filled and succeeds. */
		if (attempt == 0 && (r == -EIO || r == -EINPROGRESS || r == -ETIMEDOUT)) {
			pause_ms(ep, RETRY_PAUSE_MS);
			continue;
		}
		return r;
	}
	return r;
}

int bts_endpoint_wait_stream(struct bts_endpoint *ep, int timeout_ms)
{
	int r = pump(ep, stream_started, deadline_after(timeout_ms));

	if (r < 0)
		return r;
	return ep->released ? -BTS_ELINKLOST : 0;
}

int bts_endpoint_acquire(struct bts_endpoint *ep, int *fd, size_t *read_mtu,
			 size_t *write_mtu)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	uint16_t rmtu = 0, wmtu = 0;
	int tfd = -1, r;

	*fd = -1;
	if (!ep->have_transport)
		return -ENOTCONN;
	/* A source starts the stream itself (Acquire sends AVDTP START);
	 * a sink takes a stream the source has started ("pending"). */
	r = sd_bus_call_method(ep->bus, BLUEZ, ep->transport, "org.bluez.MediaTransport1",
			       ep->role == BTS_ENDPOINT_SOURCE ? "Acquire" : "TryAcquire",
			       &e, &reply, "");
	if (r < 0) {
		r = bus_error(ep, &e, r);
		goto out;
	}
	r = sd_bus_message_read(reply, "hqq", &tfd, &rmtu, &wmtu);
	if (r < 0)
		goto out;
	ep->acquired = true;
	tfd = fcntl(tfd, F_DUPFD_CLOEXEC, 3);
	if (tfd < 0) {
		r = -errno;
		goto out;
	}
	r = bts_set_nonblock(tfd);
	if (r < 0) {
		close(tfd);
		goto out;
	}
	*fd = tfd;
	*read_mtu = rmtu;
	*write_mtu = wmtu;
	r = 0;
out:
	sd_bus_message_unref(reply);
	sd_bus_error_free(&e);
	return r;
}

const struct bts_a2dp_sbc_config *bts_endpoint_config(const struct bts_endpoint *ep)
{
	return &ep->cfg;
}

bool bts_endpoint_offered(const struct bts_endpoint *ep, struct bts_a2dp_sbc_caps *caps)
{
	if (ep->have_offered && caps)
		*caps = ep->offered;
	return ep->have_offered;
}

const bdaddr_t *bts_endpoint_peer(const struct bts_endpoint *ep)
{
	return &ep->peer;
}

const char *bts_endpoint_state(const struct bts_endpoint *ep)
{
	return ep->have_transport ? ep->state : "";
}

const char *bts_endpoint_detail(const struct bts_endpoint *ep)
{
	return ep ? ep->detail : "";
}

int bts_endpoint_fd(struct bts_endpoint *ep)
{
	return sd_bus_get_fd(ep->bus);
}

short bts_endpoint_events(struct bts_endpoint *ep)
{
	int ev = sd_bus_get_events(ep->bus);

	return (short)(ev < 0 ? POLLIN : ev);
}

int bts_endpoint_process(struct bts_endpoint *ep)
{
	int r;

	do {
		r = sd_bus_process(ep->bus, NULL);
	} while (r > 0);
	if (r < 0)
		return r;
	if (ep->cleared || ep->released)
		return -BTS_ELINKLOST;
	return 0;
}

static int on_cleanup_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct bts_endpoint *ep = userdata;

	(void)m;
	(void)ret_error;
	ep->cleanup_pending--;
	return 1;
}

static bool cleanup_done(const struct bts_endpoint *ep)
{
	return ep->cleanup_pending <= 0;
}

/* Send a cleanup call without waiting for it yet. */
static void cleanup_call(struct bts_endpoint *ep, sd_bus_slot **slot, const char *path,
			 const char *iface, const char *method, const char *obj)
{
	sd_bus_message *m = NULL;
	int r = sd_bus_message_new_method_call(ep->bus, &m, BLUEZ, path, iface, method);

	if (r >= 0 && obj)
		r = sd_bus_message_append(m, "o", obj);
	if (r >= 0)
		r = sd_bus_call_async(ep->bus, slot, m, on_cleanup_reply, ep, CLEANUP_TIMEOUT_US);
	if (r >= 0)
		ep->cleanup_pending++;
	sd_bus_message_unref(m);
}

void bts_endpoint_close(struct bts_endpoint *ep)
{
	sd_bus_slot *release = NULL, *unregister = NULL;

	if (!ep)
		return;
	if (ep->bus) {
		/* One after the other, each with a short bound on the wait (on
		 * Ctrl-C a slow or hung bluetoothd must not keep us long).
		 * Not both at once: bluetoothd 5.66 crashed (SIGSEGV) in the
		 * lab when UnregisterEndpoint arrived while it was still
		 * releasing the transport. */
		if (ep->acquired && ep->have_transport) {
			ep->cleanup_pending = 0;
			cleanup_call(ep, &release, ep->transport, "org.bluez.MediaTransport1",
				     "Release", NULL);
			if (ep->cleanup_pending > 0)
				pump(ep, cleanup_done,
				     deadline_after((int)(CLEANUP_TIMEOUT_US / 1000)));
		}
		if (ep->registered) {
			ep->cleanup_pending = 0;
			cleanup_call(ep, &unregister, ep->adapter_path, "org.bluez.Media1",
				     "UnregisterEndpoint", ep->path);
			if (ep->cleanup_pending > 0)
				pump(ep, cleanup_done,
				     deadline_after((int)(CLEANUP_TIMEOUT_US / 1000)));
		}
		sd_bus_slot_unref(release);
		sd_bus_slot_unref(unregister);
		sd_bus_slot_unref(ep->pending);
		sd_bus_slot_unref(ep->props_match);
		sd_bus_slot_unref(ep->object);
		sd_bus_flush_close_unref(ep->bus);
	}
	free(ep);
}
