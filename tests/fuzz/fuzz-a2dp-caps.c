// SPDX-License-Identifier: GPL-2.0-or-later
/* A2DP SBC capability elements come from the peer (through bluetoothd's
 * SelectConfiguration and SetConfiguration). Input: 4 bytes of the peer's
 * element, optionally followed by 4 bytes standing for ours. Whatever
 * parses must select into a configuration inside both sides, which must
 * build and parse back to itself; nothing may crash or overrun. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btsync/a2dp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bts_a2dp_sbc_caps ours, theirs;
	struct bts_a2dp_sbc_config cfg, back;
	uint8_t el[BTS_A2DP_SBC_INFO_LEN];
	char buf[256];
	const char *why = NULL;

	(void)bts_a2dp_sbc_config_parse(data, size, &cfg);
	if (size < 4 || bts_a2dp_sbc_caps_parse(data, 4, &theirs) < 0)
		return 0;
	bts_a2dp_sbc_caps_str(&theirs, buf, sizeof(buf));
	if (strlen(buf) >= sizeof(buf) - 1)
		abort(); /* the longest offer must fit the message buffer */
	bts_a2dp_sbc_caps_all(&ours);
	if (size >= 8 && bts_a2dp_sbc_caps_parse(data + 4, 4, &ours) < 0)
		return 0;
	if (bts_a2dp_sbc_select(&ours, &theirs, NULL, &cfg, &why) < 0) {
		if (!why)
			abort(); /* a refusal always says why */
		return 0;
	}
	if (bts_a2dp_sbc_config_within(&cfg, &theirs, NULL) < 0 ||
	    bts_a2dp_sbc_config_within(&cfg, &ours, NULL) < 0)
		abort();
	if (bts_a2dp_sbc_config_build(&cfg, el) < 0 ||
	    bts_a2dp_sbc_config_parse(el, sizeof(el), &back) < 0 ||
	    memcmp(&back, &cfg, sizeof(cfg)))
		abort();
	bts_a2dp_sbc_config_str(&cfg, buf, sizeof(buf));
	return 0;
}
