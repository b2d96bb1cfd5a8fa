// SPDX-License-Identifier: GPL-2.0-or-later
/* The manifest exchange, as two pure decisions: what the receiver asks
 * for given what it has, and what the sender does with the answer. Sizes
 * pick the candidates; SHA-256 over the candidate bytes decides. */
#include "btsync/transfer.h"

enum bts_plan bts_manifest_plan(const struct bts_have *have, uint64_t size, bool stream,
				bool may_replace)
{
	if (have->final_exists) {
		if (have->final_dir)
			return BTS_PLAN_REFUSE_EXISTS;
		/* Same size: maybe the same file; the hashes will tell, and
		 * the sender gives up if it differs and may not replace. */
		if (have->final_regular && !stream && have->final_size == size)
			return BTS_PLAN_CHECK_FINAL;
		if (!may_replace)
			return BTS_PLAN_REFUSE_EXISTS;
	}
	if (have->part_exists && !stream && have->part_size > 0 && have->part_size <= size)
		return BTS_PLAN_CHECK_PART;
	return BTS_PLAN_NEED;
}

enum bts_verdict bts_manifest_verdict(const struct bts_reply *r, uint64_t size, bool prefix_ok)
{
	bool final = r->flags & BTS_RF_FINAL;

	if (r->action == BTS_R_NEED)
		return BTS_V_SEND_ALL;
	if (prefix_ok && r->offset <= size) {
		if (!final)
			return BTS_V_RESUME;
		if (r->offset == size)
			return BTS_V_SKIP;
	}
	if (final && !(r->flags & BTS_RF_REPLACE))
		return BTS_V_ABANDON;
	return BTS_V_SEND_ALL;
}
