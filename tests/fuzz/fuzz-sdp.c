// SPDX-License-Identifier: GPL-2.0-or-later
/* The AttributeLists of a peer's SDP Service Search Attribute Response,
 * as bts_sdp_search() hands them to bts_sdp_parse_records(). A hostile
 * SDP server controls every byte. Counts stored must stay within their
 * arrays and strings NUL-terminated; parsing with fewer slots must give
 * the same record count. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btsync/sdp_parse.h"
#include "btsync/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bts_sdp_service svc[4];
	bdaddr_t host = {{1, 2, 3, 4, 5, 6}};
	int n, n0;

	n = bts_sdp_parse_records(data, size, &host, svc, BTS_ARRAY_SIZE(svc));
	for (int i = 0; i < n && i < (int)BTS_ARRAY_SIZE(svc); i++) {
		if (svc[i].nclasses > BTS_SDP_MAX_CLASSES ||
		    svc[i].nprofiles > BTS_SDP_MAX_PROFILES ||
		    !memchr(svc[i].name, '\0', sizeof(svc[i].name)) ||
		    !memchr(svc[i].description, '\0', sizeof(svc[i].description)) ||
		    !memchr(svc[i].provider, '\0', sizeof(svc[i].provider)))
			abort();
	}
	n0 = bts_sdp_parse_records(data, size, &host, NULL, 0);
	if (n0 != n)
		abort();
	return 0;
}
