// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholders for the parts of the API still being written. Each
 * function moves to its own module when it is implemented; this file
 * disappears when empty. */
#include <string.h>

#include "btsync/error.h"
#include "btsync/peer.h"
#include "btsync/sdp.h"
#include "btsync/util.h"

/* --- sdp search (issue 3) --- */
int bts_uuid_parse(const char *s, uuid_t *out)
{
	(void)s; (void)out;
	return -BTS_ENOTIMPL;
}

char *bts_uuid_str(const uuid_t *u, char *buf, size_t size)
{
	(void)u;
	if (size)
		buf[0] = '\0';
	return buf;
}

const char *bts_uuid_name(const uuid_t *u)
{
	(void)u;
	return NULL;
}

bool bts_uuid_equal(const uuid_t *a, const uuid_t *b)
{
	(void)a; (void)b;
	return false;
}

int bts_sdp_search(const bdaddr_t *src, const bdaddr_t *dst, const uuid_t *uuid,
		   struct bts_sdp_service *out, size_t max, int timeout_ms)
{
	(void)src; (void)dst; (void)uuid; (void)out; (void)max; (void)timeout_ms;
	return -BTS_ENOTIMPL;
}

int bts_resolve_name(int dev_id, const char *name, int timeout_ms, bool use_cache,
		     bdaddr_t *out)
{
	(void)dev_id; (void)name; (void)timeout_ms; (void)use_cache; (void)out;
	return -BTS_ENOTIMPL;
}

/* --- advertising and peers (issue 4) --- */
int bts_sdp_advertise(const struct bts_sdp_record *rec, const bdaddr_t *adapter,
		      struct bts_advert **out)
{
	(void)rec; (void)adapter;
	*out = NULL;
	return -BTS_ENOTIMPL;
}

void bts_sdp_withdraw(struct bts_advert *adv)
{
	(void)adv;
}

int bts_peer_parse(const char *s, struct bts_peer_spec *out)
{
	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return -BTS_EBADARG;
	if (bts_addr_parse(s, &out->addr) == 0) {
		out->has_addr = true;
		return 0;
	}
	return -BTS_ENOTIMPL;
}

int bts_peer_resolve(const struct bts_peer_spec *spec, const struct bts_resolve_opts *o,
		     bdaddr_t *addr, uint16_t *port)
{
	(void)o;
	if (!spec->has_addr || !spec->port)
		return -BTS_ENOTIMPL;
	bacpy(addr, &spec->addr);
	*port = spec->port;
	return 0;
}
