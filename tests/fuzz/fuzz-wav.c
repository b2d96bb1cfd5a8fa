// SPDX-License-Identifier: GPL-2.0-or-later
/* WAV headers come from any file or pipe. Whatever bts_wav_parse()
 * accepts must point inside the input; a header it builds must parse
 * back to the same format; nothing may crash or read past the end. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "btsync/wav.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bts_wav_info info, back;
	uint8_t h[BTS_WAV_CANON_LEN];
	const char *why;
	int r = bts_wav_parse(data, size, &info);

	if (r != 0)
		return 0;
	if (info.data_offset > size)
		abort();
	if (bts_wav_check_pcm16(&info, &why) < 0) {
		if (!why)
			abort();
		return 0;
	}
	bts_wav_header(h, info.rate, info.channels, info.data_size);
	if (bts_wav_parse(h, sizeof(h), &back) != 0 || back.rate != info.rate ||
	    back.channels != info.channels || back.bits != 16)
		abort();
	return 0;
}
