// SPDX-License-Identifier: GPL-2.0-or-later
/* The manifest exchange as a peer drives it: the sender decodes the
 * receiver's REPLY (peer bytes) and decides from it; the receiver plans
 * from what it has on disk. Input: 8 bytes of offered size, one byte of
 * flags for the receiver's state and the sender's hash check, 16 bytes of
 * on-disk sizes, then the REPLY payload. The decisions must never let an
 * offset beyond the file through, nor resume a prefix longer than it. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btsync/frame.h"
#include "btsync/transfer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bts_have have;
	struct bts_reply r;
	uint64_t fsize;
	uint8_t fl;
	enum bts_plan plan;

	if (size < 25)
		return 0;
	fsize = get64(data);
	fl = data[8];
	memset(&have, 0, sizeof(have));
	have.final_exists = fl & 1;
	have.final_regular = fl & 2;
	have.final_dir = fl & 4;
	have.part_exists = fl & 8;
	have.final_size = get64(data + 9);
	have.part_size = get64(data + 17);
	plan = bts_manifest_plan(&have, fsize, fl & 16, fl & 32);
	if (plan == BTS_PLAN_CHECK_PART && (have.part_size > fsize || !have.part_size))
		abort();
	if (plan == BTS_PLAN_CHECK_FINAL && have.final_size != fsize)
		abort();
	if (plan == BTS_PLAN_NEED && have.final_exists && !(fl & 32) && !have.final_dir)
		abort(); /* something in the way and no leave to replace it */

	memset(&r, 0, sizeof(r));
	if (bts_dec_reply(data + 25, size - 25, &r) == 0) {
		bool prefix_ok = fl & 64;
		enum bts_verdict v = bts_manifest_verdict(&r, fsize, prefix_ok);

		if (v == BTS_V_RESUME && (r.offset > fsize || !prefix_ok))
			abort();
		if (v == BTS_V_SKIP && (r.offset != fsize || !prefix_ok))
			abort();
	}
	return 0;
}
