// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Discovery over a raw HCI socket. hci_inquiry() (the HCIINQUIRY ioctl)
 * returns only when the inquiry ends; reading the events ourselves lets
 * the CLI print each device as its Inquiry Result arrives.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bluetooth/bluetooth.h>
#include <bluetooth/hci.h>
#include <bluetooth/hci_lib.h>

#include "btsync/error.h"
#include "btsync/inquiry.h"
#include "btsync/util.h"

/* General Inquiry Access Code 0x9e8b33, sent little-endian. */
static const uint8_t giac[3] = { 0x33, 0x8b, 0x9e };

/* Per-response sizes of the inquiry result events (Vol 4, Part E, 7.7.2,
 * 7.7.33, 7.7.38). Like every host stack we read num_responses records
 * one after the other; controllers send one response per event anyway. */
#define INQ_INFO_SIZE 14      /* addr, pscan rep, period, mode, class, clock */
#define INQ_RSSI_SIZE 14      /* addr, pscan rep, period, class, clock, rssi */
#define INQ_RSSI_PSCAN_SIZE 15 /* some controllers add the page scan mode */
#define EXT_INQ_SIZE 254      /* addr .. rssi (14) + 240 bytes of EIR */
#define EIR_DATA_SIZE 240

/* A remote name request pages the device: 5.12 s page timeout by default. */
#define NAME_TIMEOUT_DEFAULT 10000
#define CMD_TIMEOUT_MS 2000
/* How long past the inquiry length we wait for Inquiry Complete. */
#define INQUIRY_SLACK_MS 5000

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get_le24(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
}

static void fill_eir(struct bts_device *d, const uint8_t *data, size_t len)
{
	struct bts_eir eir;

	/* a malformed tail still leaves the fields before it usable */
	bts_eir_parse(data, len, &eir);
	if (eir.has_name && eir.name[0]) {
		snprintf(d->name, sizeof(d->name), "%s", eir.name);
		d->name_src = eir.name_complete ? BTS_NAME_COMPLETE : BTS_NAME_SHORT;
	}
	if (eir.has_class && !d->has_class) {
		d->has_class = true;
		d->cod = eir.cod;
	}
}

/* LE Extended Advertising Report (Vol 4, Part E, 7.7.65.13): controllers
 * that advertise with extended commands report even legacy scanners this
 * way (the virtual controllers do). Per report: event type (2), address
 * type, address, primary and secondary PHY, SID, TX power, RSSI, periodic
 * interval (2), direct address type and address, data length, data. */
#define EXT_REPORT_HDR 24

static int parse_le_ext(const uint8_t *p, size_t len, struct bts_device *out, size_t max)
{
	size_t num, off = 2, n = 0;

	if (len < 2)
		return -BTS_EPROTO;
	num = p[1];
	for (size_t i = 0; i < num; i++) {
		struct bts_device d;
		size_t dlen;

		if (len - off < EXT_REPORT_HDR)
			return -BTS_EPROTO;
		dlen = p[off + 23];
		if (len - off - EXT_REPORT_HDR < dlen)
			return -BTS_EPROTO;
		memset(&d, 0, sizeof(d));
		d.type = BTS_DEV_LE;
		d.adv_type = p[off] & 0x7f;
		/* 0/2 public (identity), 1/3 random (identity), 0xff anonymous */
		d.addr_type = p[off + 2] == 0xff ? 1 : p[off + 2] & 1;
		memcpy(&d.addr, p + off + 3, 6);
		if ((int8_t)p[off + 13] != 127) {
			d.has_rssi = true;
			d.rssi = (int8_t)p[off + 13];
		}
		fill_eir(&d, p + off + EXT_REPORT_HDR, dlen);
		if (n < max)
			out[n] = d;
		n++;
		off += EXT_REPORT_HDR + dlen;
	}
	return (int)(n < max ? n : max);
}

static int parse_le_meta(const uint8_t *p, size_t len, struct bts_device *out, size_t max)
{
	size_t num, off, n = 0;

	if (len < 1)
		return -BTS_EPROTO;
	if (p[0] == BTS_LE_EXT_ADV_REPORT)
		return parse_le_ext(p, len, out, max);
	if (p[0] != BTS_LE_ADV_REPORT)
		return 0;
	if (len < 2)
		return -BTS_EPROTO;
	num = p[1];
	off = 2;
	for (size_t i = 0; i < num; i++) {
		struct bts_device d;
		size_t dlen;

		/* event type, address type, address, data length */
		if (len - off < 9)
			return -BTS_EPROTO;
		dlen = p[off + 8];
		if (len - off - 9 < dlen + 1) /* data and RSSI */
			return -BTS_EPROTO;
		memset(&d, 0, sizeof(d));
		d.type = BTS_DEV_LE;
		d.adv_type = p[off];
		d.addr_type = p[off + 1];
		memcpy(&d.addr, p + off + 2, 6);
		fill_eir(&d, p + off + 9, dlen);
		/* 127: RSSI not available */
		if ((int8_t)p[off + 9 + dlen] != 127) {
			d.has_rssi = true;
			d.rssi = (int8_t)p[off + 9 + dlen];
		}
		if (n < max)
			out[n] = d;
		n++;
		off += 9 + dlen + 1;
	}
	return (int)(n < max ? n : max);
}

int bts_parse_inquiry_event(const uint8_t *evt, size_t len,
			    struct bts_device *out, size_t max)
{
	const uint8_t *p;
	size_t plen, num, rec;
	size_t n = 0;

	if (len < 2)
		return -BTS_EPROTO;
	plen = evt[1];
	if (plen > len - 2)
		return -BTS_EPROTO;
	p = evt + 2;
	switch (evt[0]) {
	case BTS_EVT_INQUIRY_RESULT: /* NOLINT(bugprone-branch-clone): sizes happen to be equal */
		rec = INQ_INFO_SIZE;
		break;
	case BTS_EVT_INQUIRY_RESULT_RSSI:
		rec = INQ_RSSI_SIZE;
		break;
	case BTS_EVT_EXT_INQUIRY_RESULT:
		rec = EXT_INQ_SIZE;
		break;
	case BTS_EVT_LE_META:
		return parse_le_meta(p, plen, out, max);
	default:
		return 0;
	}
	if (plen < 1)
		return -BTS_EPROTO;
	num = p[0];
	if (num == 0)
		return 0;
	if (evt[0] == BTS_EVT_INQUIRY_RESULT_RSSI && (plen - 1) == num * INQ_RSSI_PSCAN_SIZE)
		rec = INQ_RSSI_PSCAN_SIZE;
	if (evt[0] == BTS_EVT_EXT_INQUIRY_RESULT) {
		if (num != 1 || plen - 1 < EXT_INQ_SIZE)
			return -BTS_EPROTO;
	} else if ((plen - 1) / num != rec || (plen - 1) % num) {
		return -BTS_EPROTO;
	}
	for (size_t i = 0; i < num && n < max; i++) {
		const uint8_t *r = p + 1 + i * rec;
		struct bts_device *d = &out[n++];

		memset(d, 0, sizeof(*d));
		d->type = BTS_DEV_BREDR;
		memcpy(&d->addr, r, 6);
		d->pscan_rep_mode = r[6];
		d->has_class = true;
		switch (rec) {
		case INQ_INFO_SIZE:
			if (evt[0] == BTS_EVT_INQUIRY_RESULT) {
				/* rep mode, period mode, (page scan mode), class, clock */
				d->cod = get_le24(r + 9);
				d->clock_offset = get_le16(r + 12);
				break;
			}
			/* rep mode, period mode, class, clock, rssi */
			d->cod = get_le24(r + 8);
			d->clock_offset = get_le16(r + 11);
			d->has_rssi = true;
			d->rssi = (int8_t)r[13];
			break;
		case INQ_RSSI_PSCAN_SIZE:
			d->cod = get_le24(r + 9);
			d->clock_offset = get_le16(r + 12);
			d->has_rssi = true;
			d->rssi = (int8_t)r[14];
			break;
		default: /* extended: rep mode, reserved, class, clock, rssi, EIR */
			d->cod = get_le24(r + 8);
			d->clock_offset = get_le16(r + 11);
			d->has_rssi = true;
			d->rssi = (int8_t)r[13];
			fill_eir(d, r + 14, EIR_DATA_SIZE);
			break;
		}
	}
	return (int)n;
}

static int name_rank(enum bts_name_src s)
{
	switch (s) {
	case BTS_NAME_NONE:
		return 0;
	case BTS_NAME_FAILED:
		return 1;
	case BTS_NAME_SHORT:
		return 2;
	case BTS_NAME_CACHE:
		return 3;
	default:
		return 4;
	}
}

int bts_devlist_merge(struct bts_device *list, size_t *n, size_t max,
		      const struct bts_device *d, bool *is_new, bool *name_gained)
{
	struct bts_device *e;
	size_t i;

	*is_new = false;
	*name_gained = false;
	for (i = 0; i < *n; i++)
		if (list[i].type == d->type && !bacmp(&list[i].addr, &d->addr))
			break;
	if (i == *n) {
		if (*n == max)
			return -ENOSPC;
		list[(*n)++] = *d;
		*is_new = true;
		*name_gained = name_rank(d->name_src) >= name_rank(BTS_NAME_SHORT);
		return (int)i;
	}
	e = &list[i];
	if (name_rank(d->name_src) >= name_rank(e->name_src) &&
	    name_rank(d->name_src) > name_rank(BTS_NAME_NONE)) {
		*name_gained = name_rank(e->name_src) < name_rank(BTS_NAME_SHORT) &&
			       name_rank(d->name_src) >= name_rank(BTS_NAME_SHORT);
		e->name_src = d->name_src;
		memcpy(e->name, d->name, sizeof(e->name));
	}
	if (d->has_rssi) {
		e->has_rssi = true;
		e->rssi = d->rssi;
	}
	if (d->has_class) {
		e->has_class = true;
		e->cod = d->cod;
	}
	if (d->type == BTS_DEV_BREDR) {
		e->pscan_rep_mode = d->pscan_rep_mode;
		e->clock_offset = d->clock_offset;
	} else {
		e->adv_type = d->adv_type;
		e->addr_type = d->addr_type;
	}
	if (d->seen > e->seen)
		e->seen = d->seen;
	return (int)i;
}

size_t bts_match_name(const struct bts_device *list, size_t n, const char *name,
		      size_t *idx, size_t max)
{
	size_t found = 0;

	for (int pass = 0; pass < 2 && !found; pass++) {
		for (size_t i = 0; i < n; i++) {
			if (name_rank(list[i].name_src) < name_rank(BTS_NAME_SHORT))
				continue;
			if (pass == 0 ? strcmp(list[i].name, name) : strcasecmp(list[i].name, name))
				continue;
			/* one device seen over both transports counts once */
			bool dup = false;

			for (size_t k = 0; k < found && k < max; k++)
				if (!bacmp(&list[idx[k]].addr, &list[i].addr))
					dup = true;
			if (dup)
				continue;
			if (found < max)
				idx[found] = i;
			found++;
		}
	}
	return found;
}

unsigned bts_inquiry_length(unsigned seconds)
{
	unsigned len = (seconds * 100 + 127) / 128;

	if (len < 1)
		len = 1;
	if (len > 0x30)
		len = 0x30;
	return len;
}

/* HCI status codes (Vol 1, Part F) as errors a caller can act on. */
static int hci_status_err(uint8_t st)
{
	switch (st) {
	case 0x00:
		return 0;
	case 0x01:
		return -EOPNOTSUPP;  /* unknown command: no LE, old controller */
	case 0x04:
		return -EHOSTDOWN;   /* page timeout */
	case 0x08:
	case 0x22:
		return -ETIMEDOUT;   /* connection / LMP response timeout */
	case 0x0b:
		return -EALREADY;    /* connection already exists */
	case 0x0c:
		return -EBUSY;       /* command disallowed (already scanning) */
	case 0x12:
		return -EINVAL;
	default:
		return -EIO;
	}
}

static bool stopped(const struct bts_scan *s)
{
	return s->stop && *s->stop;
}

static void enqueue(struct bts_scan *s, const struct bts_device *d)
{
	if (s->qlen == BTS_SCAN_QUEUE)
		return; /* advertising repeats; a dropped report comes again */
	s->queue[(s->qhead + s->qlen) % BTS_SCAN_QUEUE] = *d;
	s->qlen++;
}

/* Read one event into buf (without the packet type byte). Returns its
 * length, 0 on timeout, -EINTR when stopped, -errno. */
static int read_event(struct bts_scan *s, uint8_t *buf, size_t size, int timeout_ms)
{
	uint8_t pkt[HCI_MAX_EVENT_SIZE + 1];
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	ssize_t n;
	int r;

	if (stopped(s))
		return -EINTR;
	r = poll(&pfd, 1, timeout_ms < 0 ? 0 : timeout_ms);
	if (r < 0)
		return errno == EINTR ? (stopped(s) ? -EINTR : 0) : -errno;
	if (r == 0)
		return 0;
	if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
		return -ENODEV; /* adapter went away */
	n = read(s->fd, pkt, sizeof(pkt));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n < 3 || pkt[0] != HCI_EVENT_PKT)
		return 0;
	if ((size_t)(n - 1) > size)
		n = (ssize_t)size + 1;
	memcpy(buf, pkt + 1, (size_t)n - 1);
	return (int)(n - 1);
}

/* Bookkeeping every event gets, whoever waits for it. */
static void handle_event(struct bts_scan *s, const uint8_t *ev, size_t len)
{
	struct bts_device devs[4];
	int n;

	if (ev[0] == BTS_EVT_INQUIRY_COMPLETE) {
		s->bredr_active = false;
		return;
	}
	n = bts_parse_inquiry_event(ev, len, devs, BTS_ARRAY_SIZE(devs));
	for (int i = 0; i < n; i++) {
		if (devs[i].type == BTS_DEV_LE && !s->le_active)
			continue;
		enqueue(s, &devs[i]);
	}
}

static int remaining_ms(uint64_t deadline)
{
	uint64_t now = bts_now_ns();

	if (now >= deadline)
		return 0;
	return (int)((deadline - now) / 1000000 + 1);
}

/* Send a command and wait for its Command Complete or Command Status.
 * Returns the HCI status (0..255) with up to rsplen bytes of the return
 * parameters (after the status) in rsp, or a negative error. */
static int hci_cmd(struct bts_scan *s, uint16_t ogf, uint16_t ocf, const void *param,
		   uint8_t plen, uint8_t *rsp, size_t rsplen)
{
	uint16_t opcode = htobs(cmd_opcode_pack(ogf, ocf));
	uint64_t deadline = bts_now_ns() + (uint64_t)CMD_TIMEOUT_MS * 1000000;
	uint8_t ev[HCI_MAX_EVENT_SIZE];

	if (hci_send_cmd(s->fd, ogf, ocf, plen, (void *)param) < 0)
		return bts_neg_errno();
	for (;;) {
		int left = remaining_ms(deadline);
		int n;

		if (!left)
			return -ETIMEDOUT;
		n = read_event(s, ev, sizeof(ev), left);
		if (n < 0)
			return n;
		if (n < 2 || (size_t)ev[1] + 2 > (size_t)n)
			continue;
		if (ev[0] == BTS_EVT_CMD_COMPLETE && ev[1] >= 4 &&
		    get_le16(ev + 3) == opcode) {
			size_t got = ev[1] - 4u;

			if (rsp && rsplen)
				memcpy(rsp, ev + 6, got < rsplen ? got : rsplen);
			return ev[5];
		}
		if (ev[0] == BTS_EVT_CMD_STATUS && ev[1] >= 4 && get_le16(ev + 4) == opcode)
			return ev[2];
		handle_event(s, ev, (size_t)n);
	}
}

static int scan_open(int dev_id, struct bts_scan *s, const volatile sig_atomic_t *stop)
{
	struct hci_filter f;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->stop = stop;
	if (dev_id < 0)
		dev_id = hci_get_route(NULL);
	if (dev_id < 0)
		return -BTS_ENOADAPTER;
	s->dev_id = dev_id;
	s->fd = hci_open_dev(dev_id);
	if (s->fd < 0) {
		int err = bts_neg_errno();

		return err == -EAFNOSUPPORT ? -BTS_ENOKERNEL : err;
	}
	hci_filter_clear(&f);
	hci_filter_set_ptype(HCI_EVENT_PKT, &f);
	hci_filter_set_event(EVT_CMD_COMPLETE, &f);
	hci_filter_set_event(EVT_CMD_STATUS, &f);
	hci_filter_set_event(EVT_INQUIRY_COMPLETE, &f);
	hci_filter_set_event(EVT_INQUIRY_RESULT, &f);
	hci_filter_set_event(EVT_INQUIRY_RESULT_WITH_RSSI, &f);
	hci_filter_set_event(EVT_EXTENDED_INQUIRY_RESULT, &f);
	hci_filter_set_event(EVT_REMOTE_NAME_REQ_COMPLETE, &f);
	hci_filter_set_event(EVT_LE_META_EVENT, &f);
	if (setsockopt(s->fd, SOL_HCI, HCI_FILTER, &f, sizeof(f)) < 0) {
		int err = bts_neg_errno();

		close(s->fd);
		s->fd = -1;
		return err;
	}
	return 0;
}

/* Results with RSSI need inquiry mode 1 or 2; the kernel sets the best
 * mode at power-on, so this only acts on a controller left in mode 0. */
static void ensure_inquiry_mode(struct bts_scan *s)
{
	uint8_t mode = 0, want;
	int st = hci_cmd(s, OGF_HOST_CTL, OCF_READ_INQUIRY_MODE, NULL, 0, &mode, 1);

	if (st != 0 || mode != 0)
		return;
	want = 2;
	if (hci_cmd(s, OGF_HOST_CTL, OCF_WRITE_INQUIRY_MODE, &want, 1, NULL, 0) != 0) {
		want = 1;
		hci_cmd(s, OGF_HOST_CTL, OCF_WRITE_INQUIRY_MODE, &want, 1, NULL, 0);
	}
}

/* LE Set Extended Scan Parameters / Enable (Vol 4, Part E, 7.8.64-65). */
#define OCF_LE_SET_EXT_SCAN_PARAMS 0x0041
#define OCF_LE_SET_EXT_SCAN_ENABLE 0x0042

/* Extended scanning sees legacy and extended advertising alike (and the
 * virtual controllers report extended advertising only to it); older
 * controllers do not know the command and get the legacy one. */
static int le_start_ext(struct bts_scan *s)
{
	/* public own address, accept all, 1M PHY: active, 10 ms / 10 ms */
	const uint8_t params[8] = { 0x00, 0x00, 0x01, 0x01, 0x10, 0x00, 0x10, 0x00 };
	const uint8_t off[6] = { 0 };
	const uint8_t on[6] = { 0x01, 0x00, 0, 0, 0, 0 };
	int st;

	st = hci_cmd(s, OGF_LE_CTL, OCF_LE_SET_EXT_SCAN_ENABLE, off, sizeof(off), NULL, 0);
	if (st < 0)
		return st;
	if (st == 0x01)
		return 1; /* unknown command: use legacy scanning */
	st = hci_cmd(s, OGF_LE_CTL, OCF_LE_SET_EXT_SCAN_PARAMS, params, sizeof(params), NULL, 0);
	if (st)
		return st < 0 ? st : hci_status_err((uint8_t)st);
	st = hci_cmd(s, OGF_LE_CTL, OCF_LE_SET_EXT_SCAN_ENABLE, on, sizeof(on), NULL, 0);
	if (st)
		return st < 0 ? st : hci_status_err((uint8_t)st);
	s->le_enabled = true;
	s->le_ext = true;
	return 0;
}

static int le_start(struct bts_scan *s)
{
	/* active scan (scan responses carry names), 10 ms interval and
	 * window, public own address, accept all */
	const uint8_t params[7] = { 0x01, 0x10, 0x00, 0x10, 0x00, 0x00, 0x00 };
	const uint8_t off[2] = { 0x00, 0x00 };
	/* no duplicate filtering: a name may come in a later scan response */
	const uint8_t on[2] = { 0x01, 0x00 };
	int st;

	st = le_start_ext(s);
	if (st <= 0)
		return st;
	/* the kernel may run a passive background scan: parameters can only
	 * change while scanning is off */
	st = hci_cmd(s, OGF_LE_CTL, OCF_LE_SET_SCAN_ENABLE, off, sizeof(off), NULL, 0);
	if (st < 0)
		return st;
	if (st == 0x01)
		return -EOPNOTSUPP;
	st = hci_cmd(s, OGF_LE_CTL, OCF_LE_SET_SCAN_PARAMETERS, params, sizeof(params), NULL, 0);
	if (st)
		return st < 0 ? st : hci_status_err((uint8_t)st);
	st = hci_cmd(s, OGF_LE_CTL, OCF_LE_SET_SCAN_ENABLE, on, sizeof(on), NULL, 0);
	if (st)
		return st < 0 ? st : hci_status_err((uint8_t)st);
	s->le_enabled = true;
	return 0;
}

int bts_scan_start(const struct bts_scan_opts *o, struct bts_scan *s)
{
	uint64_t span = (uint64_t)o->length * 1280 * 1000000;
	int err;

	if (o->length < 1 || o->length > 0x30 || (!o->bredr && !o->le))
		return -BTS_EBADARG;
	err = scan_open(o->dev_id, s, o->stop);
	if (err < 0)
		return err;
	if (o->le) {
		err = le_start(s);
		if (err < 0 && (!o->bredr || err == -EINTR)) {
			bts_scan_close(s);
			return err;
		}
		s->le_status = err < 0 ? err : 0;
		if (!err) {
			s->le_active = true;
			s->le_deadline_ns = bts_now_ns() + span;
		}
	}
	if (o->bredr) {
		uint8_t p[5] = { giac[0], giac[1], giac[2], (uint8_t)o->length, 0 };

		ensure_inquiry_mode(s);
		err = hci_cmd(s, OGF_LINK_CTL, OCF_INQUIRY, p, sizeof(p), NULL, 0);
		if (err > 0)
			err = hci_status_err((uint8_t)err);
		if (err < 0) {
			bts_scan_close(s);
			return err;
		}
		s->bredr_active = true;
		s->bredr_deadline_ns = bts_now_ns() + span + (uint64_t)INQUIRY_SLACK_MS * 1000000;
	}
	return 0;
}

static void le_stop(struct bts_scan *s)
{
	const uint8_t off[6] = { 0 };

	s->le_active = false;
	if (s->le_enabled && s->fd >= 0) {
		const volatile sig_atomic_t *stop = s->stop;

		s->stop = NULL; /* clean up even after Ctrl-C */
		if (s->le_ext)
			hci_cmd(s, OGF_LE_CTL, OCF_LE_SET_EXT_SCAN_ENABLE, off, 6, NULL, 0);
		else
			hci_cmd(s, OGF_LE_CTL, OCF_LE_SET_SCAN_ENABLE, off, 2, NULL, 0);
		s->stop = stop;
	}
	s->le_enabled = false;
}

int bts_scan_next(struct bts_scan *s, struct bts_device *out)
{
	uint8_t ev[HCI_MAX_EVENT_SIZE];

	for (;;) {
		uint64_t now, next = UINT64_MAX;
		int n;

		if (s->qlen) {
			*out = s->queue[s->qhead];
			s->qhead = (s->qhead + 1) % BTS_SCAN_QUEUE;
			s->qlen--;
			return 1;
		}
		if (stopped(s))
			return -EINTR;
		now = bts_now_ns();
		if (s->le_active && now >= s->le_deadline_ns)
			le_stop(s);
		if (s->bredr_active && now >= s->bredr_deadline_ns)
			s->bredr_active = false; /* Inquiry Complete never came */
		if (!s->le_active && !s->bredr_active)
			return 0;
		if (s->le_active)
			next = s->le_deadline_ns;
		if (s->bredr_active && s->bredr_deadline_ns < next)
			next = s->bredr_deadline_ns;
		n = read_event(s, ev, sizeof(ev), remaining_ms(next));
		if (n < 0)
			return n;
		if (n >= 2)
			handle_event(s, ev, (size_t)n);
	}
}

int bts_scan_remote_name(struct bts_scan *s, const struct bts_device *d,
			 char *name, size_t size, int timeout_ms)
{
	uint8_t p[10], ev[HCI_MAX_EVENT_SIZE];
	uint64_t deadline;
	int st;

	if (timeout_ms <= 0)
		timeout_ms = NAME_TIMEOUT_DEFAULT;
	memcpy(p, &d->addr, 6);
	p[6] = d->pscan_rep_mode;
	p[7] = 0;
	/* bit 15: the clock offset is valid (we have it from the inquiry) */
	p[8] = (uint8_t)(d->clock_offset & 0xff);
	p[9] = (uint8_t)(((d->clock_offset >> 8) & 0x7f) | (d->clock_offset ? 0x80 : 0));
	st = hci_cmd(s, OGF_LINK_CTL, OCF_REMOTE_NAME_REQ, p, sizeof(p), NULL, 0);
	if (st)
		return st < 0 ? st : hci_status_err((uint8_t)st);
	deadline = bts_now_ns() + (uint64_t)timeout_ms * 1000000;
	for (;;) {
		int left = remaining_ms(deadline), n;

		if (!left)
			break;
		n = read_event(s, ev, sizeof(ev), left);
		if (n < 0) {
			if (n == -EINTR)
				break;
			return n;
		}
		if (n < 2)
			continue;
		if (ev[0] == BTS_EVT_REMOTE_NAME && ev[1] >= 7 && (size_t)n >= 9 &&
		    !memcmp(ev + 3, &d->addr, 6)) {
			size_t nlen = (size_t)n - 9;

			/* page timeout, or whatever else a device that is not
			 * there makes the controller say */
			if (ev[2])
				return hci_status_err(ev[2]) == -EOPNOTSUPP ? -EOPNOTSUPP
									    : -EHOSTDOWN;
			if (nlen > BTS_NAME_MAX)
				nlen = BTS_NAME_MAX;
			bts_name_sanitize(ev + 9, nlen, name, size);
			return 0;
		}
		handle_event(s, ev, (size_t)n);
	}
	/* give the controller its paging time back */
	{
		const volatile sig_atomic_t *stop = s->stop;

		s->stop = NULL;
		hci_cmd(s, OGF_LINK_CTL, OCF_REMOTE_NAME_REQ_CANCEL, p, 6, NULL, 0);
		s->stop = stop;
		return stopped(s) ? -EINTR : -ETIMEDOUT;
	}
}

void bts_scan_close(struct bts_scan *s)
{
	if (s->fd < 0)
		return;
	s->stop = NULL;
	if (s->bredr_active) {
		hci_cmd(s, OGF_LINK_CTL, OCF_INQUIRY_CANCEL, NULL, 0, NULL, 0);
		s->bredr_active = false;
	}
	le_stop(s);
	close(s->fd);
	s->fd = -1;
}

int bts_remote_name(int dev_id, const bdaddr_t *addr, char *name, size_t size,
		    int timeout_ms, const volatile sig_atomic_t *stop)
{
	struct bts_scan s;
	struct bts_device d;
	int err;

	err = scan_open(dev_id, &s, stop);
	if (err < 0)
		return err;
	memset(&d, 0, sizeof(d));
	bacpy(&d.addr, addr);
	d.pscan_rep_mode = 0x02; /* R2: the slowest, always answers */
	err = bts_scan_remote_name(&s, &d, name, size, timeout_ms);
	bts_scan_close(&s);
	return err;
}

int bts_remote_info(int dev_id, const bdaddr_t *addr, struct bts_remote_info *out,
		    int timeout_ms)
{
	struct hci_conn_info_req *cr;
	struct hci_version ver;
	uint16_t handle = 0;
	bool ours = false;
	int dd, err = 0;

	memset(out, 0, sizeof(*out));
	if (dev_id < 0)
		dev_id = hci_get_route(NULL);
	if (dev_id < 0)
		return -BTS_ENOADAPTER;
	dd = hci_open_dev(dev_id);
	if (dd < 0)
		return bts_neg_errno();
	cr = calloc(1, sizeof(*cr) + sizeof(struct hci_conn_info));
	if (!cr) {
		close(dd);
		return -ENOMEM;
	}
	bacpy(&cr->bdaddr, addr);
	cr->type = ACL_LINK;
	if (ioctl(dd, HCIGETCONNINFO, cr) == 0) {
		handle = htobs(cr->conn_info->handle);
	} else {
		if (hci_create_connection(dd, addr, htobs(HCI_DM1 | HCI_DM3 | HCI_DM5 |
							   HCI_DH1 | HCI_DH3 | HCI_DH5),
					  0, 0x01, &handle, timeout_ms) < 0) {
			err = bts_neg_errno();
			goto out;
		}
		ours = true;
	}
	if (hci_read_remote_version(dd, handle, &ver, timeout_ms) < 0) {
		err = bts_neg_errno();
		goto out;
	}
	out->lmp_version = ver.lmp_ver;
	out->lmp_subversion = ver.lmp_subver;
	out->manufacturer = ver.manufacturer;
	if (hci_read_remote_features(dd, handle, out->features, timeout_ms) < 0)
		err = bts_neg_errno();
out:
	if (ours)
		hci_disconnect(dd, handle, HCI_OE_USER_ENDED_CONNECTION, 1000);
	free(cr);
	close(dd);
	return err;
}
