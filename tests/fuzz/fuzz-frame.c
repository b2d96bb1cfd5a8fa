// SPDX-License-Identifier: GPL-2.0-or-later
/* Transfer frames come from the peer. The first input byte picks a
 * decoder, the rest is its payload. Nothing may crash or read past the
 * end; an OFFER that decodes re-encodes to the same bytes, and a name
 * bts_path_check() accepts never climbs out or starts at the root. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btsync/frame.h"
#include "btsync/transfer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const char *p, size_t len)
{
	if (bts_path_check(p, len) != 0)
		return;
	if (p[0] == '/' || memchr(p, '\0', len) || memchr(p, '\\', len))
		abort();
	for (size_t i = 0; i + 1 < len + 1; i++) {
		size_t start = i == 0 ? 0 : i;

		if (i && p[i - 1] != '/')
			continue;
		if (len - start >= 2 && p[start] == '.' && p[start + 1] == '.' &&
		    (len - start == 2 || p[start + 2] == '/'))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[BTS_FRAME_HDR + BTS_FRAME_MAX_PAYLOAD];
	static struct bts_offer o;
	const uint8_t *p = data + 1;
	size_t len;
	union {
		struct bts_hello h;
		struct bts_reply r;
		struct bts_start s;
		struct bts_end e;
		struct bts_result res;
		struct bts_error err;
	} m;
	uint8_t type;

	if (size < 1)
		return 0;
	len = size - 1;
	switch (data[0] % 8) {
	case 0:
		if (len >= BTS_FRAME_HDR)
			bts_frame_header(p, BTS_FRAME_MAX_PAYLOAD, &type, &len);
		break;
	case 1:
		bts_dec_hello(p, len, &m.h);
		break;
	case 2:
		if (bts_dec_offer(p, len, &o) == 0) {
			ssize_t n = bts_enc_offer(out, sizeof(out), &o);

			if (n < 0 || (size_t)n != BTS_FRAME_HDR + len ||
			    memcmp(out + BTS_FRAME_HDR, p, len))
				abort();
			check_name(o.path, o.path_len);
			if (o.kind == BTS_K_SYMLINK)
				bts_symlink_check(o.path, o.target);
		}
		break;
	case 3:
		bts_dec_reply(p, len, &m.r);
		break;
	case 4:
		bts_dec_start(p, len, &m.s);
		bts_dec_end(p, len, &m.e);
		bts_dec_digest(p, len, m.e.hash);
		break;
	case 5:
		bts_dec_result(p, len, &m.res);
		break;
	case 6:
		if (bts_dec_error(p, len, &m.err) == 0 && strlen(m.err.msg) != len - 4)
			abort();
		break;
	default:
		check_name((const char *)p, len);
		break;
	}
	return 0;
}
