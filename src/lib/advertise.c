// SPDX-License-Identifier: GPL-2.0-or-later
/* Publishing SDP records for our own listening sockets: bluetoothd's
 * ProfileManager1 over D-Bus first, the legacy /run/sdp socket second.
 * The design is explained in btsync/advertise.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <bluetooth/bluetooth.h>
#include <bluetooth/sdp.h>
#include <bluetooth/sdp_lib.h>
#include <systemd/sd-bus.h>

#include "btsync/advertise.h"
#include "btsync/error.h"
#include "btsync/sdp.h"
#include "btsync/socket.h"
#include "btsync/util.h"

#define XML_MAX 8192
/* bluetoothd answers in milliseconds, but a loaded machine (or the
 * emulated lab) can hold it up for a second or two; only a stuck one
 * takes this long. Advertising is a courtesy: past this, serve warns and
 * listens anyway rather than hang before it says where it listens. */
#define DBUS_TIMEOUT_US (8 * 1000 * 1000)
#define LEGACY_TIMEOUT_S 5
#define DEFAULT_PROVIDER "btsync"

struct bts_advert {
	enum bts_adv_method method;
	sd_bus *bus;           /* D-Bus */
	char path[64];
	sdp_session_t *sdp;    /* legacy */
	sdp_record_t *rec;
	bdaddr_t device;
};

/* --- the record as XML ------------------------------------------------ */

struct sbuf {
	char *p;
	size_t size, len;
	bool overflow;
};

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->size - b->len) {
		b->overflow = true;
		return;
	}
	b->len += (size_t)n;
}

static void sb_uuid(struct sbuf *b, const uuid_t *u)
{
	const uint8_t *d;

	switch (u->type) {
	case SDP_UUID16:
		sb_printf(b, "<uuid value=\"0x%04x\" />", u->value.uuid16);
		return;
	case SDP_UUID32:
		sb_printf(b, "<uuid value=\"0x%08x\" />", u->value.uuid32);
		return;
	default:
		d = u->value.uuid128.data;
		sb_printf(b, "<uuid value=\"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			  "%02x%02x%02x%02x%02x%02x\" />",
			  d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9],
			  d[10], d[11], d[12], d[13], d[14], d[15]);
	}
}

static void sb_text_attr(struct sbuf *b, unsigned id, const char *s)
{
	sb_printf(b, "<attribute id=\"0x%04x\"><text encoding=\"hex\" value=\"", id);
	for (; *s; s++)
		sb_printf(b, "%02x", (unsigned char)*s);
	sb_printf(b, "\" /></attribute>");
}

static bool record_valid(const struct bts_sdp_record *rec)
{
	if (!rec || !rec->name || !*rec->name)
		return false;
	if (rec->proto != BTS_RFCOMM && rec->proto != BTS_L2CAP)
		return false;
	return bts_port_valid(rec->proto, rec->port, 0) == 0;
}

int bts_sdp_record_xml(const struct bts_sdp_record *rec, char *buf, size_t size)
{
	struct sbuf b = { .p = buf, .size = size };
	uuid_t spp;

	if (!record_valid(rec))
		return -BTS_EBADARG;
	if (!size)
		return -BTS_ETOOBIG;
	buf[0] = '\0';
	sdp_uuid16_create(&spp, SERIAL_PORT_SVCLASS_ID);
	sb_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><record>");
	/* ServiceClassIDList */
	sb_printf(&b, "<attribute id=\"0x%04x\"><sequence>", SDP_ATTR_SVCLASS_ID_LIST);
	sb_uuid(&b, &rec->service_class);
	if (rec->add_spp_class)
		sb_uuid(&b, &spp);
	sb_printf(&b, "</sequence></attribute>");
	/* ProtocolDescriptorList: L2CAP (with the PSM), then RFCOMM (with
	 * the channel) when the service runs over RFCOMM. */
	sb_printf(&b, "<attribute id=\"0x%04x\"><sequence><sequence><uuid value=\"0x%04x\" />",
		  SDP_ATTR_PROTO_DESC_LIST, L2CAP_UUID);
	if (rec->proto == BTS_L2CAP)
		sb_printf(&b, "<uint16 value=\"0x%04x\" /></sequence>", rec->port);
	else
		sb_printf(&b, "</sequence><sequence><uuid value=\"0x%04x\" /><uint8 value=\"0x%02x\" /></sequence>",
			  RFCOMM_UUID, rec->port);
	sb_printf(&b, "</sequence></attribute>");
	/* BrowseGroupList: public, so that a browse (sdptool browse) lists it. */
	sb_printf(&b, "<attribute id=\"0x%04x\"><sequence><uuid value=\"0x%04x\" /></sequence></attribute>",
		  SDP_ATTR_BROWSE_GRP_LIST, PUBLIC_BROWSE_GROUP);
	/* LanguageBaseAttributeIDList: English, UTF-8, base 0x0100. */
	sb_printf(&b, "<attribute id=\"0x%04x\"><sequence><uint16 value=\"0x656e\" />"
		  "<uint16 value=\"0x006a\" /><uint16 value=\"0x0100\" /></sequence></attribute>",
		  SDP_ATTR_LANG_BASE_ATTR_ID_LIST);
	/* BluetoothProfileDescriptorList */
	if (rec->profile || rec->add_spp_class) {
		sb_printf(&b, "<attribute id=\"0x%04x\"><sequence><sequence>",
			  SDP_ATTR_PFILE_DESC_LIST);
		sb_uuid(&b, rec->profile ? &rec->profile->uuid : &spp);
		sb_printf(&b, "<uint16 value=\"0x%04x\" /></sequence></sequence></attribute>",
			  rec->profile ? rec->profile->version : 0x0102);
	}
	sb_text_attr(&b, SDP_ATTR_SVCNAME_PRIMARY, rec->name);
	if (rec->description && *rec->description)
		sb_text_attr(&b, SDP_ATTR_SVCDESC_PRIMARY, rec->description);
	sb_text_attr(&b, SDP_ATTR_PROVNAME_PRIMARY,
		     rec->provider && *rec->provider ? rec->provider : DEFAULT_PROVIDER);
	sb_printf(&b, "</record>");
	if (b.overflow)
		return -BTS_ETOOBIG;
	return (int)b.len;
}

/* --- D-Bus: org.bluez.ProfileManager1 ---------------------------------- */

static int random_uuid(char *buf, size_t size)
{
	uint8_t r[16];
	size_t got = 0;

	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
	}
	r[6] = (uint8_t)((r[6] & 0x0f) | 0x40); /* version 4 */
	r[8] = (uint8_t)((r[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(buf, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
		 r[11], r[12], r[13], r[14], r[15]);
	return 0;
}

static int dbus_error(const sd_bus_error *e, int r)
{
	if (sd_bus_error_has_name(e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
	    sd_bus_error_has_name(e, SD_BUS_ERROR_NAME_HAS_NO_OWNER) ||
	    sd_bus_error_has_name(e, SD_BUS_ERROR_UNKNOWN_OBJECT) ||
	    sd_bus_error_has_name(e, SD_BUS_ERROR_UNKNOWN_METHOD))
		return -BTS_ENOBLUEZ;
	if (sd_bus_error_has_name(e, "org.bluez.Error.InvalidArguments"))
		return -BTS_EBADARG;
	if (sd_bus_error_has_name(e, "org.bluez.Error.NotPermitted") ||
	    sd_bus_error_has_name(e, SD_BUS_ERROR_ACCESS_DENIED))
		return -EACCES;
	return r < 0 ? r : -EIO;
}

static int advertise_dbus(const struct bts_sdp_record *rec, struct bts_advert *a)
{
	static unsigned serial;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	char xml[XML_MAX], uuid[40];
	int r;

	r = bts_sdp_record_xml(rec, xml, sizeof(xml));
	if (r < 0)
		return r;
	r = random_uuid(uuid, sizeof(uuid));
	if (r < 0)
		return r;
	r = sd_bus_open_system(&a->bus);
	if (r < 0) {
		a->bus = NULL;
		return -BTS_ENOBLUEZ; /* no system bus at all */
	}
	sd_bus_set_method_call_timeout(a->bus, DBUS_TIMEOUT_US);
	snprintf(a->path, sizeof(a->path), "/org/btsync/profile/p%ld_%u",
		 (long)getpid(), ++serial);
	r = sd_bus_call_method(a->bus, "org.bluez", "/org/bluez", "org.bluez.ProfileManager1",
			       "RegisterProfile", &e, NULL, "osa{sv}", a->path, uuid, 6,
			       "Name", "s", rec->name,
			       "Role", "s", "server",
			       "ServiceRecord", "s", xml,
			       "RequireAuthentication", "b", 0,
			       "RequireAuthorization", "b", 0,
			       "AutoConnect", "b", 0);
	if (r < 0) {
		r = dbus_error(&e, r);
		sd_bus_error_free(&e);
		sd_bus_flush_close_unref(a->bus);
		a->bus = NULL;
		return r;
	}
	a->method = BTS_ADV_DBUS;
	return 0;
}

static void withdraw_dbus(struct bts_advert *a)
{
	/* Closing the connection would do as well; saying it is cleaner and
	 * takes effect before we return. */
	sd_bus_call_method(a->bus, "org.bluez", "/org/bluez", "org.bluez.ProfileManager1",
			   "UnregisterProfile", NULL, NULL, "o", a->path);
	sd_bus_flush_close_unref(a->bus);
	a->bus = NULL;
}

/* --- legacy: the /run/sdp socket of bluetoothd -C ------------------------ */

static sdp_record_t *build_record(const struct bts_sdp_record *rec)
{
	sdp_record_t *r = sdp_record_alloc();
	uuid_t root, l2cap, rfcomm, spp;
	sdp_list_t *classes = NULL, *browse = NULL, *l2 = NULL, *rf = NULL, *proto = NULL,
		   *access = NULL, *pfiles = NULL;
	sdp_data_t *port = NULL;
	sdp_profile_desc_t pd;
	uint8_t ch = (uint8_t)rec->port;
	uint16_t psm = rec->port;
	bool ok = false;

	if (!r)
		return NULL;
	sdp_uuid16_create(&root, PUBLIC_BROWSE_GROUP);
	sdp_uuid16_create(&l2cap, L2CAP_UUID);
	sdp_uuid16_create(&rfcomm, RFCOMM_UUID);
	sdp_uuid16_create(&spp, SERIAL_PORT_SVCLASS_ID);

	classes = sdp_list_append(NULL, (void *)&rec->service_class);
	if (rec->add_spp_class)
		classes = sdp_list_append(classes, &spp);
	if (!classes || sdp_set_service_classes(r, classes) < 0)
		goto out;
	browse = sdp_list_append(NULL, &root);
	if (!browse || sdp_set_browse_groups(r, browse) < 0)
		goto out;
	l2 = sdp_list_append(NULL, &l2cap);
	if (rec->proto == BTS_L2CAP) {
		port = sdp_data_alloc(SDP_UINT16, &psm);
		l2 = sdp_list_append(l2, port);
		proto = sdp_list_append(NULL, l2);
	} else {
		port = sdp_data_alloc(SDP_UINT8, &ch);
		rf = sdp_list_append(NULL, &rfcomm);
		rf = sdp_list_append(rf, port);
		proto = sdp_list_append(NULL, l2);
		proto = sdp_list_append(proto, rf);
	}
	access = sdp_list_append(NULL, proto);
	if (!port || !access || sdp_set_access_protos(r, access) < 0)
		goto out;
	sdp_add_lang_attr(r);
	if (rec->profile || rec->add_spp_class) {
		pd.uuid = rec->profile ? rec->profile->uuid : spp;
		pd.version = rec->profile ? rec->profile->version : 0x0102;
		pfiles = sdp_list_append(NULL, &pd);
		if (!pfiles || sdp_set_profile_descs(r, pfiles) < 0)
			goto out;
	}
	sdp_set_info_attr(r, rec->name,
			  rec->provider && *rec->provider ? rec->provider : DEFAULT_PROVIDER,
			  rec->description && *rec->description ? rec->description : NULL);
	ok = true;
out:
	sdp_list_free(classes, NULL);
	sdp_list_free(browse, NULL);
	sdp_list_free(l2, NULL);
	sdp_list_free(rf, NULL);
	sdp_list_free(proto, NULL);
	sdp_list_free(access, NULL);
	sdp_list_free(pfiles, NULL);
	sdp_data_free(port);
	if (!ok) {
		sdp_record_free(r);
		return NULL;
	}
	return r;
}

static int advertise_legacy(const struct bts_sdp_record *rec, const bdaddr_t *adapter,
			    struct bts_advert *a)
{
	int fd;

	if (!record_valid(rec))
		return -BTS_EBADARG;
	a->sdp = sdp_connect(BDADDR_ANY, BDADDR_LOCAL, SDP_RETRY_IF_BUSY);
	if (!a->sdp) {
		/* ENOENT: no /run/sdp (bluetoothd without -C);
		 * ECONNREFUSED: no bluetoothd. */
		return -BTS_ENOSDP;
	}
	/* Commands run by btsync serve must not inherit the session: the
	 * record lives exactly as long as this socket. */
	fd = sdp_get_socket(a->sdp);
	fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
	/* libbluetooth waits for bluetoothd's answer without a limit. */
	{
		struct timeval tv = { .tv_sec = LEGACY_TIMEOUT_S };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	a->rec = build_record(rec);
	if (!a->rec) {
		sdp_close(a->sdp);
		a->sdp = NULL;
		return -ENOMEM;
	}
	bacpy(&a->device, adapter ? adapter : BDADDR_ANY);
	errno = 0;
	if (sdp_device_record_register(a->sdp, &a->device, a->rec, 0) < 0) {
		int err = errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT
			: errno ? -errno : -BTS_ENOSDP;

		sdp_record_free(a->rec);
		a->rec = NULL;
		sdp_close(a->sdp);
		a->sdp = NULL;
		return err;
	}
	a->method = BTS_ADV_LEGACY;
	return 0;
}

static void withdraw_legacy(struct bts_advert *a)
{
	/* Unregistering frees the record on success; closing the session
	 * would remove it as well. */
	if (sdp_device_record_unregister(a->sdp, &a->device, a->rec) < 0)
		sdp_record_free(a->rec);
	a->rec = NULL;
	sdp_close(a->sdp);
	a->sdp = NULL;
}

/* --- the API ----------------------------------------------------------- */

int bts_sdp_advertise_via(const struct bts_sdp_record *rec, const bdaddr_t *adapter,
			  enum bts_adv_method method, struct bts_advert **out)
{
	struct bts_advert *a;
	int err = -BTS_ENOBLUEZ;

	*out = NULL;
	if (!record_valid(rec))
		return -BTS_EBADARG;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	if (method != BTS_ADV_LEGACY) {
		/* D-Bus registers on every adapter; adapter only narrows the
		 * legacy path. */
		err = advertise_dbus(rec, a);
		/* A bluetoothd that does not answer on D-Bus will not answer
		 * on /run/sdp either: do not wait twice. */
		if (err == 0 || method == BTS_ADV_DBUS || err == -BTS_EBADARG ||
		    err == -ETIMEDOUT)
			goto done;
	}
	{
		int lerr = advertise_legacy(rec, adapter, a);

		/* In auto mode the D-Bus error says more ("bluetoothd is not
		 * running") unless D-Bus was fine and the record refused. */
		if (lerr == 0 || method == BTS_ADV_LEGACY)
			err = lerr;
	}
done:
	if (err < 0) {
		free(a);
		return err;
	}
	*out = a;
	return 0;
}

int bts_sdp_advertise(const struct bts_sdp_record *rec, const bdaddr_t *adapter,
		      struct bts_advert **out)
{
	return bts_sdp_advertise_via(rec, adapter, BTS_ADV_AUTO, out);
}

void bts_sdp_withdraw(struct bts_advert *adv)
{
	int saved = errno;

	if (!adv)
		return;
	if (adv->method == BTS_ADV_DBUS)
		withdraw_dbus(adv);
	else if (adv->method == BTS_ADV_LEGACY)
		withdraw_legacy(adv);
	free(adv);
	errno = saved;
}

enum bts_adv_method bts_advert_method(const struct bts_advert *adv)
{
	return adv ? adv->method : BTS_ADV_AUTO;
}

int bts_adv_method_parse(const char *s, enum bts_adv_method *out)
{
	static const char *const names[] = { "auto", "dbus", "legacy" };

	for (unsigned i = 0; i < BTS_ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i])) {
			*out = (enum bts_adv_method)i;
			return 0;
		}
	return -BTS_EBADARG;
}
