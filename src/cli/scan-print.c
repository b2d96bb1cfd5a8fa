// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "btsync/cod.h"
#include "btsync/namecache.h"
#include "btsync/util.h"
#include "scan-print.h"

static const struct out_col cols[] = {
	{ "address", "ADDRESS", 17 },
	{ "type", "TYPE", 5 },
	{ "rssi", "RSSI", 4 },
	{ "class", "CLASS", 36 },
	{ "name", "NAME", 0 },
};

static const struct out_col cols_event[] = {
	{ "event", "EVENT", 8 },
	{ "address", "ADDRESS", 17 },
	{ "type", "TYPE", 5 },
	{ "rssi", "RSSI", 4 },
	{ "class", "CLASS", 36 },
	{ "name", "NAME", 0 },
};

void scan_print_init(struct out *o, enum out_format fmt, bool with_event)
{
	if (with_event)
		out_init(o, fmt, stdout, cols_event, BTS_ARRAY_SIZE(cols_event), true);
	else
		out_init(o, fmt, stdout, cols, BTS_ARRAY_SIZE(cols), true);
}

static const char *name_source(enum bts_name_src s)
{
	switch (s) {
	case BTS_NAME_SHORT:
		return "eir-short";
	case BTS_NAME_COMPLETE:
		return "eir";
	case BTS_NAME_REQUEST:
		return "request";
	case BTS_NAME_CACHE:
		return "cache";
	case BTS_NAME_FAILED:
		return "unavailable";
	default:
		return NULL;
	}
}

void scan_print_fields(struct out *o, const struct bts_device *d)
{
	char addr[18], hex[16], words[128], buf[160];
	bool named = d->name_src != BTS_NAME_NONE && d->name_src != BTS_NAME_FAILED;

	out_str(o, "address", bts_addr_str(&d->addr, addr));
	out_str(o, "type", d->type == BTS_DEV_LE ? "le" : "bredr");
	out_str(o, "address_type", d->type == BTS_DEV_LE && d->addr_type ? "random" : "public");
	out_str(o, "name", named ? d->name : NULL);
	/* the table shows why a name is missing; JSON and CSV keep null/"" */
	if (d->name_src == BTS_NAME_FAILED && o->fmt == OUT_TEXT && o->nfields)
		snprintf(o->fields[o->nfields - 1].text, sizeof(o->fields[0].text),
			 "(name unavailable)");
	out_str(o, "name_source", name_source(d->name_src));
	if (d->has_class) {
		struct bts_cod c;
		const char *svc[16];
		size_t n = bts_cod_services(d->cod, svc, BTS_ARRAY_SIZE(svc));

		bts_cod_decode(d->cod, &c);
		snprintf(hex, sizeof(hex), "0x%06x", d->cod & 0xffffff);
		bts_cod_str(d->cod, words, sizeof(words));
		if (o->fmt == OUT_TEXT) {
			snprintf(buf, sizeof(buf), "%s (%s)", words, hex);
			out_str(o, "class", buf);
		} else {
			out_str(o, "class", words);
		}
		out_str(o, "class_hex", hex);
		out_str(o, "major", c.major_name);
		out_str(o, "minor", c.minor_name[0] ? c.minor_name : NULL);
		out_strv(o, "services", svc, n < BTS_ARRAY_SIZE(svc) ? n : BTS_ARRAY_SIZE(svc));
	} else {
		out_str(o, "class", NULL);
		out_str(o, "class_hex", NULL);
		out_str(o, "major", NULL);
		out_str(o, "minor", NULL);
		out_strv(o, "services", NULL, 0);
	}
	if (d->has_rssi)
		out_int(o, "rssi", d->rssi);
	else
		out_str(o, "rssi", NULL);
	if (d->type == BTS_DEV_BREDR && d->has_class) {
		out_int(o, "clock_offset", d->clock_offset);
		out_int(o, "page_scan_mode", d->pscan_rep_mode);
	} else {
		out_str(o, "clock_offset", NULL);
		out_str(o, "page_scan_mode", NULL);
	}
}

void scan_print_device(struct out *o, const struct bts_device *d, const char *event)
{
	out_begin(o);
	if (event)
		out_str(o, "event", event);
	scan_print_fields(o, d);
	out_end(o);
}

size_t scan_cache_read(const char *path, struct bts_device *list)
{
	int n = bts_cache_read(path, (int64_t)time(NULL), BTS_CACHE_MAX_AGE, list, BTS_CACHE_MAX);

	return n > 0 ? (size_t)n : 0;
}

int scan_cache_write(const char *path, const struct bts_device *devs, size_t n, bool replace)
{
	return bts_cache_write(path, devs, n, (int64_t)time(NULL), replace);
}
