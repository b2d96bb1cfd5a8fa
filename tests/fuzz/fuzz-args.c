// SPDX-License-Identifier: GPL-2.0-or-later
/* Command-line arguments a user (or a script fed by a peer's data) may
 * pass: addresses, numbers, ports, security levels, UUIDs, peers, and
 * lines of the scan cache (names peers chose). Each parser must
 * either accept and round-trip, or refuse; never read past the string. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btsync/namecache.h"
#include "btsync/peer.h"
#include "btsync/sdp.h"
#include "btsync/socket.h"
#include "btsync/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	bdaddr_t a;
	unsigned long v;
	enum bts_security sec;
	enum bts_l2cap_mode mode;
	struct bts_peer_spec peer;
	struct bts_device dev;
	uuid_t u, u2;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (bts_addr_parse(s, &a) == 0) {
		char back[18];

		bts_addr_str(&a, back);
		if (strcasecmp(back, s))
			abort(); /* an accepted address must round-trip */
	}
	if (bts_parse_uint(s, 1, 30, &v) == 0 && (v < 1 || v > 30))
		abort();
	(void)bts_security_parse(s, &sec);
	(void)bts_l2cap_mode_parse(s, &mode);
	if (bts_uuid_parse(s, &u) == 0) {
		char back[64];

		/* the printed form of an accepted UUID parses to the same UUID */
		bts_uuid_str(&u, back, sizeof(back));
		if (bts_uuid_parse(back, &u2) != 0 || !bts_uuid_equal(&u, &u2))
			abort();
		(void)bts_uuid_name(&u);
	}
	if (bts_peer_parse(s, &peer) == 0 && !peer.has_addr &&
	    !memchr(peer.name, '\0', sizeof(peer.name)))
		abort();
	/* the scan cache holds names peers chose; a line must parse or refuse */
	if (bts_cache_parse_line(s, &dev) == 0 && !memchr(dev.name, '\0', sizeof(dev.name)))
		abort();
	free(s);
	return 0;
}
