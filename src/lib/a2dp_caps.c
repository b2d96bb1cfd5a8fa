// SPDX-License-Identifier: GPL-2.0-or-later
/* A2DP SBC capability elements: parsing, selection, formatting. Pure
 * functions over bytes; the layout is described in btsync/a2dp.h. */
#include <stdio.h>
#include <string.h>

#include "btsync/a2dp.h"
#include "btsync/error.h"
#include "btsync/util.h"

/* A value and its capability bit. Tables are in order of preference, so
 * that the first common entry is the best choice when the preferred value
 * is not available. */
struct bit_value {
	uint8_t bit;
	unsigned value;
	const char *name;
};

static const struct bit_value rates[] = {
	{ BTS_A2DP_RATE_44100, 44100, "44100" },
	{ BTS_A2DP_RATE_48000, 48000, "48000" },
	{ BTS_A2DP_RATE_32000, 32000, "32000" },
	{ BTS_A2DP_RATE_16000, 16000, "16000" },
};

static const struct bit_value modes[] = {
	{ BTS_A2DP_MODE_JOINT, BTS_A2DP_JOINT, "joint-stereo" },
	{ BTS_A2DP_MODE_STEREO, BTS_A2DP_STEREO, "stereo" },
	{ BTS_A2DP_MODE_DUAL, BTS_A2DP_DUAL, "dual-channel" },
	{ BTS_A2DP_MODE_MONO, BTS_A2DP_MONO, "mono" },
};

static const struct bit_value blocks[] = {
	{ BTS_A2DP_BLOCKS_16, 16, "16" },
	{ BTS_A2DP_BLOCKS_12, 12, "12" },
	{ BTS_A2DP_BLOCKS_8, 8, "8" },
	{ BTS_A2DP_BLOCKS_4, 4, "4" },
};

static const struct bit_value subbands[] = {
	{ BTS_A2DP_SUBBANDS_8, 8, "8" },
	{ BTS_A2DP_SUBBANDS_4, 4, "4" },
};

static const struct bit_value allocs[] = {
	{ BTS_A2DP_ALLOC_LOUDNESS, BTS_A2DP_LOUDNESS, "loudness" },
	{ BTS_A2DP_ALLOC_SNR, BTS_A2DP_SNR, "snr" },
};

#define FIELD(t) t, BTS_ARRAY_SIZE(t)

static uint8_t mask_of(const struct bit_value *t, size_t n)
{
	uint8_t m = 0;

	for (size_t i = 0; i < n; i++)
		m |= t[i].bit;
	return m;
}

static const struct bit_value *by_value(const struct bit_value *t, size_t n, unsigned v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return &t[i];
	return NULL;
}

static const struct bit_value *by_bit(const struct bit_value *t, size_t n, uint8_t bit)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].bit == bit)
			return &t[i];
	return NULL;
}

/* The preferred value if it is in mask, else the first in table order. */
static const struct bit_value *choose(const struct bit_value *t, size_t n, uint8_t mask,
				      unsigned pref)
{
	const struct bit_value *p = by_value(t, n, pref);

	if (p && (mask & p->bit))
		return p;
	for (size_t i = 0; i < n; i++)
		if (mask & t[i].bit)
			return &t[i];
	return NULL;
}

static int one_bit(uint8_t v)
{
	return v && !(v & (v - 1));
}

int bts_a2dp_sbc_caps_parse(const uint8_t *buf, size_t len, struct bts_a2dp_sbc_caps *out)
{
	struct bts_a2dp_sbc_caps c;

	if (!buf || len != BTS_A2DP_SBC_INFO_LEN)
		return -BTS_EBADMEDIA;
	c.rates = buf[0] & mask_of(FIELD(rates));
	c.modes = buf[0] & mask_of(FIELD(modes));
	c.blocks = buf[1] & mask_of(FIELD(blocks));
	c.subbands = buf[1] & mask_of(FIELD(subbands));
	c.alloc = buf[1] & mask_of(FIELD(allocs));
	c.min_bitpool = buf[2];
	c.max_bitpool = buf[3];
	if (!c.rates || !c.modes || !c.blocks || !c.subbands || !c.alloc)
		return -BTS_EBADMEDIA;
	/* Some sinks send a minimum of 0 or 1; the spec's floor is 2. */
	if (c.min_bitpool < BTS_A2DP_BITPOOL_MIN)
		c.min_bitpool = BTS_A2DP_BITPOOL_MIN;
	if (c.max_bitpool > BTS_A2DP_BITPOOL_MAX || c.min_bitpool > c.max_bitpool)
		return -BTS_EBADMEDIA;
	*out = c;
	return 0;
}

void bts_a2dp_sbc_caps_build(const struct bts_a2dp_sbc_caps *caps,
			     uint8_t out[BTS_A2DP_SBC_INFO_LEN])
{
	out[0] = (uint8_t)(caps->rates | caps->modes);
	out[1] = (uint8_t)(caps->blocks | caps->subbands | caps->alloc);
	out[2] = caps->min_bitpool;
	out[3] = caps->max_bitpool;
}

void bts_a2dp_sbc_caps_all(struct bts_a2dp_sbc_caps *out)
{
	out->rates = mask_of(FIELD(rates));
	out->modes = mask_of(FIELD(modes));
	out->blocks = mask_of(FIELD(blocks));
	out->subbands = mask_of(FIELD(subbands));
	out->alloc = mask_of(FIELD(allocs));
	out->min_bitpool = BTS_A2DP_BITPOOL_MIN;
	out->max_bitpool = BTS_A2DP_BITPOOL_MAX;
}

int bts_a2dp_sbc_caps_for_input(unsigned rate, unsigned channels,
				struct bts_a2dp_sbc_caps *out)
{
	const struct bit_value *r = by_value(FIELD(rates), rate);

	if ((rate && !r) || channels < 1 || channels > 2)
		return -BTS_EBADARG;
	bts_a2dp_sbc_caps_all(out);
	if (r)
		out->rates = r->bit;
	out->modes = channels == 1 ? BTS_A2DP_MODE_MONO :
		(BTS_A2DP_MODE_JOINT | BTS_A2DP_MODE_STEREO | BTS_A2DP_MODE_DUAL);
	return 0;
}

unsigned bts_a2dp_sbc_bitpool_limit(enum bts_a2dp_mode mode, unsigned sb)
{
	/* SBC spec: bitpool <= 16 * subbands when each channel is coded on
	 * its own (mono, dual channel), 32 * subbands for stereo and joint
	 * stereo. A2DP caps the element at 250 either way. */
	unsigned lim = (mode == BTS_A2DP_MONO || mode == BTS_A2DP_DUAL ? 16 : 32) * sb;

	return lim > BTS_A2DP_BITPOOL_MAX ? BTS_A2DP_BITPOOL_MAX : lim;
}

int bts_a2dp_sbc_config_parse(const uint8_t *buf, size_t len,
			      struct bts_a2dp_sbc_config *out)
{
	struct bts_a2dp_sbc_caps c;
	struct bts_a2dp_sbc_config cfg;

	if (bts_a2dp_sbc_caps_parse(buf, len, &c) < 0)
		return -BTS_EBADMEDIA;
	if (!one_bit(c.rates) || !one_bit(c.modes) || !one_bit(c.blocks) ||
	    !one_bit(c.subbands) || !one_bit(c.alloc))
		return -BTS_EBADMEDIA;
	cfg.rate = by_bit(FIELD(rates), c.rates)->value;
	cfg.mode = (enum bts_a2dp_mode)by_bit(FIELD(modes), c.modes)->value;
	cfg.blocks = by_bit(FIELD(blocks), c.blocks)->value;
	cfg.subbands = by_bit(FIELD(subbands), c.subbands)->value;
	cfg.alloc = (enum bts_a2dp_alloc)by_bit(FIELD(allocs), c.alloc)->value;
	cfg.min_bitpool = c.min_bitpool;
	cfg.bitpool = c.max_bitpool;
	if (cfg.bitpool > bts_a2dp_sbc_bitpool_limit(cfg.mode, cfg.subbands))
		return -BTS_EBADMEDIA;
	*out = cfg;
	return 0;
}

static int config_bits(const struct bts_a2dp_sbc_config *cfg, struct bts_a2dp_sbc_caps *c)
{
	const struct bit_value *r = by_value(FIELD(rates), cfg->rate);
	const struct bit_value *m = by_value(FIELD(modes), cfg->mode);
	const struct bit_value *b = by_value(FIELD(blocks), cfg->blocks);
	const struct bit_value *s = by_value(FIELD(subbands), cfg->subbands);
	const struct bit_value *a = by_value(FIELD(allocs), cfg->alloc);

	if (!r || !m || !b || !s || !a)
		return -BTS_EBADARG;
	c->rates = r->bit;
	c->modes = m->bit;
	c->blocks = b->bit;
	c->subbands = s->bit;
	c->alloc = a->bit;
	return 0;
}

int bts_a2dp_sbc_config_build(const struct bts_a2dp_sbc_config *cfg,
			      uint8_t out[BTS_A2DP_SBC_INFO_LEN])
{
	struct bts_a2dp_sbc_caps c;

	if (config_bits(cfg, &c) < 0 || cfg->bitpool < BTS_A2DP_BITPOOL_MIN ||
	    cfg->bitpool > bts_a2dp_sbc_bitpool_limit(cfg->mode, cfg->subbands) ||
	    cfg->min_bitpool > cfg->bitpool)
		return -BTS_EBADARG;
	c.min_bitpool = (uint8_t)(cfg->min_bitpool < BTS_A2DP_BITPOOL_MIN ?
				  BTS_A2DP_BITPOOL_MIN : cfg->min_bitpool);
	c.max_bitpool = (uint8_t)cfg->bitpool;
	bts_a2dp_sbc_caps_build(&c, out);
	return 0;
}

int bts_a2dp_sbc_config_within(const struct bts_a2dp_sbc_config *cfg,
			       const struct bts_a2dp_sbc_caps *caps, const char **why)
{
	struct bts_a2dp_sbc_caps c;
	const char *w = NULL;

	if (config_bits(cfg, &c) < 0)
		w = "a value A2DP cannot express";
	else if (!(c.rates & caps->rates))
		w = "sampling rate not offered";
	else if (!(c.modes & caps->modes))
		w = "channel mode not offered";
	else if (!(c.blocks & caps->blocks))
		w = "block length not offered";
	else if (!(c.subbands & caps->subbands))
		w = "subband count not offered";
	else if (!(c.alloc & caps->alloc))
		w = "allocation method not offered";
	else if (cfg->bitpool < caps->min_bitpool || cfg->bitpool > caps->max_bitpool ||
		 cfg->bitpool > bts_a2dp_sbc_bitpool_limit(cfg->mode, cfg->subbands))
		w = "bitpool outside the accepted range";
	if (why)
		*why = w;
	return w ? -BTS_EREFUSED : 0;
}

static unsigned umax(unsigned a, unsigned b)
{
	return a > b ? a : b;
}

static unsigned umin(unsigned a, unsigned b)
{
	return a < b ? a : b;
}

int bts_a2dp_sbc_select(const struct bts_a2dp_sbc_caps *ours,
			const struct bts_a2dp_sbc_caps *theirs,
			const struct bts_a2dp_sbc_config *pref,
			struct bts_a2dp_sbc_config *out, const char **why)
{
	static const struct bts_a2dp_sbc_config hq = {
		44100, BTS_A2DP_JOINT, 16, 8, BTS_A2DP_LOUDNESS, 2, 53,
	};
	const struct bit_value *r, *m, *b, *s, *a;
	unsigned lo, hi, bp;
	const char *w = NULL;

	if (!pref)
		pref = &hq;
	r = choose(FIELD(rates), ours->rates & theirs->rates, pref->rate);
	m = choose(FIELD(modes), ours->modes & theirs->modes, pref->mode);
	b = choose(FIELD(blocks), ours->blocks & theirs->blocks, pref->blocks);
	s = choose(FIELD(subbands), ours->subbands & theirs->subbands, pref->subbands);
	a = choose(FIELD(allocs), ours->alloc & theirs->alloc, pref->alloc);
	if (!r)
		w = "no common sampling rate";
	else if (!m)
		w = "no common channel mode";
	else if (!b)
		w = "no common block length";
	else if (!s)
		w = "no common subband count";
	else if (!a)
		w = "no common allocation method";
	if (w) {
		if (why)
			*why = w;
		return -BTS_EREFUSED;
	}
	lo = umax(BTS_A2DP_BITPOOL_MIN, umax(ours->min_bitpool, theirs->min_bitpool));
	hi = umin(umin(ours->max_bitpool, theirs->max_bitpool),
		  bts_a2dp_sbc_bitpool_limit((enum bts_a2dp_mode)m->value, s->value));
	if (lo > hi) {
		if (why)
			*why = "no common bitpool";
		return -BTS_EREFUSED;
	}
	bp = pref->bitpool ? pref->bitpool : hq.bitpool;
	bp = umin(umax(bp, lo), hi);

	out->rate = r->value;
	out->mode = (enum bts_a2dp_mode)m->value;
	out->blocks = b->value;
	out->subbands = s->value;
	out->alloc = (enum bts_a2dp_alloc)a->value;
	out->min_bitpool = lo;
	out->bitpool = bp;
	if (why)
		*why = NULL;
	return 0;
}

/* Append the names of the bits set in mask, comma-separated, in
 * ascending order of value (the tables are in order of preference). */
static void names(char *buf, size_t len, size_t *pos, const struct bit_value *t, size_t n,
		  uint8_t mask)
{
	unsigned last = 0;
	int first = 1;

	for (;;) {
		const struct bit_value *next = NULL;

		for (size_t i = 0; i < n; i++)
			if ((mask & t[i].bit) && (first || t[i].value > last) &&
			    (!next || t[i].value < next->value))
				next = &t[i];
		if (!next)
			return;
		if (*pos < len) {
			int k = snprintf(buf + *pos, len - *pos, "%s%s", first ? "" : ",", next->name);

			*pos += k > 0 ? (size_t)k : 0;
		}
		last = next->value;
		first = 0;
	}
}

int bts_a2dp_sbc_caps_str(const struct bts_a2dp_sbc_caps *caps, char *buf, size_t len)
{
	char tmp[256];
	size_t pos = 0;

	tmp[0] = '\0';
	names(tmp, sizeof(tmp), &pos, FIELD(rates), caps->rates);
	pos += (size_t)snprintf(tmp + pos, sizeof(tmp) - pos, " Hz, ");
	names(tmp, sizeof(tmp), &pos, FIELD(modes), caps->modes);
	pos += (size_t)snprintf(tmp + pos, sizeof(tmp) - pos, ", blocks ");
	names(tmp, sizeof(tmp), &pos, FIELD(blocks), caps->blocks);
	pos += (size_t)snprintf(tmp + pos, sizeof(tmp) - pos, ", subbands ");
	names(tmp, sizeof(tmp), &pos, FIELD(subbands), caps->subbands);
	pos += (size_t)snprintf(tmp + pos, sizeof(tmp) - pos, ", ");
	names(tmp, sizeof(tmp), &pos, FIELD(allocs), caps->alloc);
	return snprintf(buf, len, "%s, bitpool %u-%u", tmp, caps->min_bitpool,
			caps->max_bitpool);
}

int bts_a2dp_sbc_config_str(const struct bts_a2dp_sbc_config *cfg, char *buf, size_t len)
{
	return snprintf(buf, len, "%u Hz %s, %u blocks, %u subbands, %s, bitpool %u",
			cfg->rate, bts_a2dp_mode_name(cfg->mode), cfg->blocks, cfg->subbands,
			cfg->alloc == BTS_A2DP_SNR ? "snr" : "loudness", cfg->bitpool);
}

const char *bts_a2dp_mode_name(enum bts_a2dp_mode mode)
{
	const struct bit_value *m = by_value(FIELD(modes), mode);

	return m ? m->name : "unknown";
}

unsigned bts_a2dp_mode_channels(enum bts_a2dp_mode mode)
{
	return mode == BTS_A2DP_MONO ? 1 : 2;
}
