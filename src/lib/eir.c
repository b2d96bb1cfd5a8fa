// SPDX-License-Identifier: GPL-2.0-or-later
/* EIR / advertising data parsing: untrusted bytes from the air, so every
 * length is checked against what is left of the buffer. */
#include <string.h>

#include <bluetooth/bluetooth.h>
#include <bluetooth/sdp.h>
#include <bluetooth/sdp_lib.h>

#include "btsync/eir.h"
#include "btsync/error.h"

/* Length of the UTF-8 sequence starting at s (at most n bytes), or 0 when
 * it is not valid (overlong forms and surrogates included). */
static size_t utf8_len(const uint8_t *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

char *bts_name_sanitize(const uint8_t *src, size_t len, char *dst, size_t size)
{
	size_t o = 0, i = 0;

	if (!size)
		return dst;
	while (i < len && src[i] && o + 1 < size) {
		size_t n = utf8_len(src + i, len - i);

		/* a multi-byte character is never cut in half: the name the
		 * device sent may have been truncated, ours must still be
		 * valid UTF-8 */
		if (n > 1 && memchr(src + i, 0, n))
			n = 0;
		if (n == 0 || (n == 1 && (src[i] < 0x20 || src[i] == 0x7f))) {
			dst[o++] = '?';
			i++;
			continue;
		}
		if (o + n >= size)
			break;
		memcpy(dst + o, src + i, n);
		o += n;
		i += n;
	}
	while (o && dst[o - 1] == ' ')
		o--;
	dst[o] = '\0';
	return dst;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static int add_uuids(struct bts_eir *out, const uint8_t *d, size_t n, size_t width)
{
	if (n % width)
		return -BTS_EPROTO;
	for (size_t i = 0; i < n; i += width) {
		uuid_t *u;

		if (out->nuuids == BTS_EIR_MAX_UUIDS)
			break;
		u = &out->uuids[out->nuuids++];
		if (width == 2) {
			sdp_uuid16_create(u, le16(d + i));
		} else if (width == 4) {
			sdp_uuid32_create(u, le32(d + i));
		} else {
			uint8_t be[16];

			/* EIR carries 128-bit UUIDs little-endian; uuid_t holds
			 * them in network order */
			for (size_t k = 0; k < 16; k++)
				be[k] = d[i + 15 - k];
			sdp_uuid128_create(u, be);
		}
	}
	return 0;
}

static int field(struct bts_eir *out, uint8_t type, const uint8_t *d, size_t n)
{
	switch (type) {
	case BTS_EIR_FLAGS:
		if (n < 1)
			return -BTS_EPROTO;
		out->has_flags = true;
		out->flags = d[0];
		return 0;
	case BTS_EIR_UUID16_SOME:
	case BTS_EIR_UUID16_ALL:
		return add_uuids(out, d, n, 2);
	case BTS_EIR_UUID32_SOME:
	case BTS_EIR_UUID32_ALL:
		return add_uuids(out, d, n, 4);
	case BTS_EIR_UUID128_SOME:
	case BTS_EIR_UUID128_ALL:
		return add_uuids(out, d, n, 16);
	case BTS_EIR_NAME_SHORT:
	case BTS_EIR_NAME_COMPLETE:
		/* a complete name wins over a shortened one, whatever the order */
		if (out->has_name && out->name_complete && type == BTS_EIR_NAME_SHORT)
			return 0;
		bts_name_sanitize(d, n, out->name, sizeof(out->name));
		out->has_name = true;
		out->name_complete = type == BTS_EIR_NAME_COMPLETE;
		return 0;
	case BTS_EIR_TX_POWER:
		if (n != 1)
			return -BTS_EPROTO;
		out->has_tx_power = true;
		out->tx_power = (int8_t)d[0];
		return 0;
	case BTS_EIR_CLASS:
		if (n != 3)
			return -BTS_EPROTO;
		out->has_class = true;
		out->cod = (uint32_t)d[0] | ((uint32_t)d[1] << 8) | ((uint32_t)d[2] << 16);
		return 0;
	case BTS_EIR_APPEARANCE:
		if (n != 2)
			return -BTS_EPROTO;
		out->has_appearance = true;
		out->appearance = le16(d);
		return 0;
	case BTS_EIR_MANUFACTURER:
		if (n < 2)
			return -BTS_EPROTO;
		out->has_manufacturer = true;
		out->manufacturer = le16(d);
		return 0;
	default:
		return 0; /* types we do not interpret are skipped */
	}
}

int bts_eir_parse(const uint8_t *data, size_t len, struct bts_eir *out)
{
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	if (!data)
		return len ? -BTS_EPROTO : 0;
	while (off < len) {
		size_t flen = data[off];
		int err;

		if (flen == 0)
			break; /* end of the significant part */
		if (flen > len - off - 1)
			return -BTS_EPROTO; /* structure runs past the buffer */
		err = field(out, data[off + 1], data + off + 2, flen - 1);
		if (err < 0)
			return err;
		out->nfields++;
		off += 1 + flen;
	}
	return (int)out->nfields;
}
