// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Our own reader for SDP data elements (Core spec Vol 3, Part B, 3).
 * libbluetooth's sdp_extract_pdu() loops forever on some truncated nested
 * sequences (found by tests/unit/test-sdp.c), and the bytes come from any
 * device in range, so every length here is checked against what is left
 * and nesting is never followed further than the attributes we read.
 */
#include <stdint.h>
#include <string.h>

#include <bluetooth/bluetooth.h>
#include <bluetooth/sdp.h>
#include <bluetooth/sdp_lib.h>

#include "btsync/eir.h"
#include "btsync/error.h"
#include "btsync/sdp_parse.h"

/* Data element types (the high 5 bits of the header byte). */
enum { DE_NIL = 0, DE_UINT = 1, DE_SINT = 2, DE_UUID = 3, DE_TEXT = 4, DE_BOOL = 5,
       DE_SEQ = 6, DE_ALT = 7, DE_URL = 8 };

#define ATTR_RECORD_HANDLE 0x0000
#define ATTR_CLASS_ID_LIST 0x0001
#define ATTR_PROTO_DESC_LIST 0x0004
#define ATTR_PROFILE_DESC_LIST 0x0009
/* Primary language base 0x0100 (what every server uses) + offsets. */
#define ATTR_NAME 0x0100
#define ATTR_DESCRIPTION 0x0101
#define ATTR_PROVIDER 0x0102

#define PROTO_L2CAP 0x0100
#define PROTO_RFCOMM 0x0003

struct de {
	uint8_t type;
	const uint8_t *data;
	size_t len;
};

static uint32_t be(const uint8_t *p, size_t n)
{
	uint32_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Read one element at buf; returns the bytes it takes or -1. */
static int de_read(const uint8_t *buf, size_t len, struct de *out)
{
	static const size_t fixed[5] = { 1, 2, 4, 8, 16 };
	size_t hdr = 1, dlen;
	uint8_t idx;

	if (len < 1)
		return -1;
	out->type = buf[0] >> 3;
	idx = buf[0] & 7;
	if (out->type == DE_NIL) {
		dlen = 0;
		if (idx)
			return -1;
	} else if (idx < 5) {
		dlen = fixed[idx];
	} else {
		size_t n = idx == 5 ? 1 : idx == 6 ? 2 : 4;

		if (len < 1 + n)
			return -1;
		dlen = be(buf + 1, n);
		hdr += n;
	}
	if (dlen > len - hdr || dlen > INT32_MAX)
		return -1;
	out->data = buf + hdr;
	out->len = dlen;
	return (int)(hdr + dlen);
}

/* Iterate the elements of a sequence: *off is the position inside it. */
static int de_next(const struct de *seq, size_t *off, struct de *out)
{
	int n;

	if (*off >= seq->len)
		return 0;
	n = de_read(seq->data + *off, seq->len - *off, out);
	if (n < 0)
		return -1;
	*off += (size_t)n;
	return 1;
}

static int de_uint(const struct de *d, uint32_t *v)
{
	if (d->type != DE_UINT || (d->len != 1 && d->len != 2 && d->len != 4))
		return -1;
	*v = be(d->data, d->len);
	return 0;
}

static int de_uuid(const struct de *d, uuid_t *u)
{
	if (d->type != DE_UUID)
		return -1;
	switch (d->len) {
	case 2:
		sdp_uuid16_create(u, (uint16_t)be(d->data, 2));
		return 0;
	case 4:
		sdp_uuid32_create(u, be(d->data, 4));
		return 0;
	case 16:
		sdp_uuid128_create(u, d->data);
		return 0;
	default:
		return -1;
	}
}

static bool uuid_is16(const uuid_t *u, uint16_t v)
{
	uuid_t w;

	sdp_uuid16_create(&w, v);
	return bts_uuid_equal(u, &w);
}

static void text(const struct de *d, char *buf, size_t size)
{
	if (d->type != DE_TEXT)
		return;
	bts_name_sanitize(d->data, d->len, buf, size);
}

static void classes(const struct de *d, struct bts_sdp_service *s)
{
	struct de e;
	size_t off = 0;

	if (d->type != DE_SEQ)
		return;
	while (s->nclasses < BTS_SDP_MAX_CLASSES && de_next(d, &off, &e) > 0)
		if (de_uuid(&e, &s->classes[s->nclasses]) == 0)
			s->nclasses++;
}

static void profiles(const struct de *d, struct bts_sdp_service *s)
{
	struct de p, e;
	size_t off = 0;

	if (d->type != DE_SEQ)
		return;
	while (s->nprofiles < BTS_SDP_MAX_PROFILES && de_next(d, &off, &p) > 0) {
		struct bts_sdp_profile *pr = &s->profiles[s->nprofiles];
		size_t o2 = 0;
		uint32_t v = 0;

		if (p.type != DE_SEQ || de_next(&p, &o2, &e) <= 0 || de_uuid(&e, &pr->uuid))
			continue;
		if (de_next(&p, &o2, &e) > 0 && de_uint(&e, &v) == 0)
			pr->version = (uint16_t)v;
		s->nprofiles++;
	}
}

/* ProtocolDescriptorList: ((L2CAP, PSM), (RFCOMM, channel), ...). An
 * alternative of such lists counts by its first member. */
static void protocols(const struct de *d, struct bts_sdp_service *s)
{
	struct de list = *d, p, e;
	size_t off = 0;
	uint32_t psm = 0, ch = 0;

	if (list.type == DE_ALT) {
		if (de_next(d, &off, &list) <= 0)
			return;
		off = 0;
	}
	if (list.type != DE_SEQ)
		return;
	while (de_next(&list, &off, &p) > 0) {
		size_t o2 = 0;
		uuid_t u;
		uint32_t v;

		if (p.type != DE_SEQ || de_next(&p, &o2, &e) <= 0 || de_uuid(&e, &u))
			continue;
		if (de_next(&p, &o2, &e) <= 0 || de_uint(&e, &v))
			continue;
		if (uuid_is16(&u, PROTO_L2CAP) && v > 0 && v <= 0xffff)
			psm = v;
		else if (uuid_is16(&u, PROTO_RFCOMM) && v > 0 && v <= 0xff)
			ch = v;
	}
	if (ch) {
		s->has_port = true;
		s->proto = BTS_RFCOMM;
		s->port = (uint16_t)ch;
	} else if (psm) {
		s->has_port = true;
		s->proto = BTS_L2CAP;
		s->port = (uint16_t)psm;
	}
}

static int record(const struct de *rec, struct bts_sdp_service *s)
{
	struct de id, val;
	size_t off = 0;
	int r;

	if (rec->type != DE_SEQ)
		return -1;
	while ((r = de_next(rec, &off, &id)) > 0) {
		uint32_t attr, v;

		if (id.type != DE_UINT || id.len != 2 || de_next(rec, &off, &val) <= 0)
			return -1;
		attr = be(id.data, 2);
		if (!s)
			continue;
		switch (attr) {
		case ATTR_RECORD_HANDLE:
			if (de_uint(&val, &v) == 0)
				s->handle = v;
			break;
		case ATTR_CLASS_ID_LIST:
			classes(&val, s);
			break;
		case ATTR_PROTO_DESC_LIST:
			protocols(&val, s);
			break;
		case ATTR_PROFILE_DESC_LIST:
			profiles(&val, s);
			break;
		case ATTR_NAME:
			text(&val, s->name, sizeof(s->name));
			break;
		case ATTR_DESCRIPTION:
			text(&val, s->description, sizeof(s->description));
			break;
		case ATTR_PROVIDER:
			text(&val, s->provider, sizeof(s->provider));
			break;
		default:
			break;
		}
	}
	return r;
}

int bts_sdp_parse_records(const uint8_t *buf, size_t len, const bdaddr_t *host,
			  struct bts_sdp_service *out, size_t max)
{
	struct de lists, rec;
	size_t off = 0;
	int n, count = 0, r;

	if (!buf)
		return -BTS_EPROTO;
	n = de_read(buf, len, &lists);
	if (n < 0 || lists.type != DE_SEQ)
		return -BTS_EPROTO;
	while ((r = de_next(&lists, &off, &rec)) > 0) {
		struct bts_sdp_service *s = NULL;

		if ((size_t)count < max) {
			s = &out[count];
			memset(s, 0, sizeof(*s));
			bacpy(&s->host, host);
		}
		if (record(&rec, s) < 0)
			return -BTS_EPROTO;
		if (count == INT32_MAX)
			return -BTS_EPROTO;
		count++;
	}
	return r < 0 ? -BTS_EPROTO : count;
}
