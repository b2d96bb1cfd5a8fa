// SPDX-License-Identifier: GPL-2.0-or-later
/* Naming a peer: parsing "ADDR|NAME[:PORT]" and turning it into an
 * address and a port (name lookup, then SDP when no port was given). */
#include <string.h>

#include "btsync/error.h"
#include "btsync/peer.h"
#include "btsync/sdp.h"
#include "btsync/util.h"

/* Records to look at per SDP search: a device rarely offers the same
 * class more than a couple of times. */
#define PEER_MAX_RECORDS 8

/* "XX:XX:XX:XX:XX:XX" in shape (length and colons), whatever the digits:
 * a typo in an address should be reported as a bad address, not looked
 * up as a device name. */
static bool addr_shaped(const char *s, size_t len)
{
	if (len != 17)
		return false;
	for (size_t i = 2; i < 17; i += 3)
		if (s[i] != ':')
			return false;
	return true;
}

int bts_peer_parse(const char *s, struct bts_peer_spec *out)
{
	const char *colon;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return -BTS_EBADARG;
	len = strlen(s);
	if (bts_addr_parse(s, &out->addr) == 0) {
		out->has_addr = true;
		return 0;
	}
	colon = strrchr(s, ':');
	/* A trailing ":N" is a port when N is a number; anything else after
	 * the last colon ("My:Phone") belongs to the name. An address with a
	 * colon and nothing after it is an error, not a name. */
	if (colon && !addr_shaped(s, len)) {
		unsigned long port;
		size_t head = (size_t)(colon - s);

		if (colon[1] == '\0' || bts_parse_uint(colon + 1, 0, ~0ul, &port) == 0) {
			if (colon[1] == '\0' || port == 0 || port > 0xFFFF || head == 0)
				return -BTS_EBADARG;
			out->port = (uint16_t)port;
			len = head;
			if (len == 17) {
				char a[18];

				memcpy(a, s, 17);
				a[17] = '\0';
				if (bts_addr_parse(a, &out->addr) == 0) {
					out->has_addr = true;
					return 0;
				}
			}
		}
	}
	if (addr_shaped(s, len))
		return -BTS_EBADADDR;
	if (len >= sizeof(out->name))
		return -BTS_EBADARG;
	memcpy(out->name, s, len);
	out->name[len] = '\0';
	return 0;
}

/* The first record offering want, else (when any) the first offering the
 * other protocol. */
static const struct bts_sdp_service *pick_record(const struct bts_sdp_service *r, size_t n,
						 enum bts_proto want, bool any)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].has_port && r[i].proto == want)
			return &r[i];
	if (any)
		for (size_t i = 0; i < n; i++)
			if (r[i].has_port)
				return &r[i];
	return NULL;
}

static int resolve(const struct bts_peer_spec *spec, const struct bts_resolve_opts *o,
		   bool any, bdaddr_t *addr, enum bts_proto *proto, uint16_t *port)
{
	struct bts_sdp_service recs[PEER_MAX_RECORDS];
	const struct bts_sdp_service *r;
	int n, err;

	if (!spec || !o)
		return -BTS_EBADARG;
	if (spec->has_addr) {
		bacpy(addr, &spec->addr);
	} else {
		err = bts_resolve_name(o->dev_id, spec->name, o->timeout_ms, o->use_cache, addr);
		if (err < 0)
			return err;
	}
	if (spec->port) {
		if (bts_port_valid(o->proto, spec->port, 0) < 0)
			return -BTS_EBADARG;
		*proto = o->proto;
		*port = spec->port;
		return 0;
	}
	if (!o->service)
		return -BTS_EBADARG;
	n = bts_sdp_search(o->src, addr, o->service, recs, BTS_ARRAY_SIZE(recs), o->timeout_ms);
	if (n < 0)
		return n;
	if ((size_t)n > BTS_ARRAY_SIZE(recs))
		n = (int)BTS_ARRAY_SIZE(recs);
	r = pick_record(recs, (size_t)n, o->proto, any);
	if (!r || bts_port_valid(r->proto, r->port, 0) < 0)
		return -BTS_ENOSERVICE;
	*proto = r->proto;
	*port = r->port;
	return 0;
}

int bts_peer_resolve(const struct bts_peer_spec *spec, const struct bts_resolve_opts *o,
		     bdaddr_t *addr, uint16_t *port)
{
	enum bts_proto proto;

	return resolve(spec, o, false, addr, &proto, port);
}

int bts_peer_resolve_proto(const struct bts_peer_spec *spec, const struct bts_resolve_opts *o,
			   bdaddr_t *addr, enum bts_proto *proto, uint16_t *port)
{
	return resolve(spec, o, true, addr, proto, port);
}
