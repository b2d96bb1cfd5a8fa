// SPDX-License-Identifier: GPL-2.0-or-later
/* What a nearby device broadcasts: EIR and LE advertising data, and the
 * HCI inquiry result / LE advertising report events that carry them. The
 * first byte picks the parser, the rest is the payload. Every stored name
 * must be NUL-terminated within its buffer and every count within bounds. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btsync/eir.h"
#include "btsync/inquiry.h"
#include "btsync/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const char *name, size_t size)
{
	if (!memchr(name, '\0', size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bts_device devs[8], list[3];
	size_t nl = 0;
	struct bts_eir eir;
	char name[BTS_NAME_MAX + 1];
	int n;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		n = bts_eir_parse(data + 1, size - 1, &eir);
		if (eir.nuuids > BTS_EIR_MAX_UUIDS || (n >= 0 && (size_t)n != eir.nfields))
			abort();
		check_name(eir.name, sizeof(eir.name));
		break;
	case 1:
		n = bts_parse_inquiry_event(data + 1, size - 1, devs, BTS_ARRAY_SIZE(devs));
		if (n > (int)BTS_ARRAY_SIZE(devs))
			abort();
		for (int i = 0; i < n; i++) {
			bool is_new, gained;
			int r;

			check_name(devs[i].name, sizeof(devs[i].name));
			/* merging what peers report keeps the list bounded */
			r = bts_devlist_merge(list, &nl, BTS_ARRAY_SIZE(list), &devs[i],
					      &is_new, &gained);
			if (nl > BTS_ARRAY_SIZE(list) || (r < 0 && r != -ENOSPC) ||
			    (r >= 0 && (size_t)r >= nl))
				abort();
		}
		for (size_t i = 0; i < nl; i++)
			check_name(list[i].name, sizeof(list[i].name));
		break;
	default:
		bts_name_sanitize(data + 1, size - 1, name, sizeof(name));
		check_name(name, sizeof(name));
		/* a tiny destination must be honoured too */
		bts_name_sanitize(data + 1, size - 1, name, 2);
		check_name(name, 2);
		break;
	}
	return 0;
}
