// SPDX-License-Identifier: GPL-2.0-or-later
/* btsync scan: BR/EDR inquiry and LE scan, each device printed as soon as
 * it is known (with its name when the EIR or advertising data has one;
 * the others get a remote name request after the inquiry). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btsync/cod.h"
#include "btsync/error.h"
#include "btsync/inquiry.h"
#include "btsync/namecache.h"
#include "btsync/util.h"
#include "cli.h"
#include "commands.h"
#include "scan-print.h"

#define ROUND_MAX 128
#define KNOWN_MAX 256
/* A device missing from this many rounds in a row has gone. */
#define GONE_ROUNDS 2
#define NAME_TIMEOUT_MS 10000

enum {
	OPT_FLUSH = 0x100,
	OPT_NO_NAMES,
	OPT_LE,
	OPT_BREDR,
	OPT_CSV,
	OPT_CONTINUOUS,
};

static const struct option longopts[] = {
	{ "duration", required_argument, NULL, 'd' },
	{ "flush", no_argument, NULL, OPT_FLUSH },
	{ "no-names", no_argument, NULL, OPT_NO_NAMES },
	{ "continuous", no_argument, NULL, OPT_CONTINUOUS },
	{ "le", no_argument, NULL, OPT_LE },
	{ "bredr", no_argument, NULL, OPT_BREDR },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ 0 }
};

struct known {
	struct bts_device d;
	unsigned last_round;
	bool present;
};

struct state {
	unsigned length;      /* 1.28 s units */
	bool flush, no_names, continuous, le, bredr, csv;
	struct out out;
	char cache_path[4096];
	bool have_cache;
	struct bts_device cache[BTS_CACHE_MAX];
	size_t ncache;
	struct bts_device round[ROUND_MAX];
	bool printed[ROUND_MAX];
	size_t nround;
	struct known known[KNOWN_MAX];
	size_t nknown;
	struct bts_device all[KNOWN_MAX]; /* everything seen, for the cache */
	size_t nall;
	size_t found;
};

static void init(void *p)
{
	struct state *st = p;

	st->length = bts_inquiry_length(10);
}

static int option(struct cli *cli, void *p, int opt, const char *arg)
{
	struct state *st = p;
	unsigned long v;
	int err;

	switch (opt) {
	case 'd':
		err = cli_parse_uint(cli, "--duration", arg, 1, 61, &v);
		if (err)
			return err;
		st->length = bts_inquiry_length((unsigned)v);
		return 0;
	case OPT_FLUSH:
		st->flush = true;
		return 0;
	case OPT_NO_NAMES:
	case 'n':
		st->no_names = true;
		return 0;
	case OPT_CONTINUOUS:
	case 'c':
		st->continuous = true;
		return 0;
	case OPT_LE:
		st->le = true;
		return 0;
	case OPT_BREDR:
		st->bredr = true;
		return 0;
	case OPT_CSV:
		st->csv = true;
		return 0;
	default:
		return cli_usage_error(cli, "unexpected option");
	}
}

/* A fresh cache name spares a remote name request (unless --flush). */
static void name_from_cache(struct state *st, struct bts_device *d)
{
	if (d->name_src != BTS_NAME_NONE || st->flush)
		return;
	for (size_t i = 0; i < st->ncache; i++) {
		if (st->cache[i].type != d->type || bacmp(&st->cache[i].addr, &d->addr) ||
		    st->cache[i].name_src != BTS_NAME_CACHE)
			continue;
		memcpy(d->name, st->cache[i].name, sizeof(d->name));
		d->name_src = BTS_NAME_CACHE;
		return;
	}
}

static bool ready(const struct state *st, const struct bts_device *d)
{
	return st->no_names || (d->name_src != BTS_NAME_NONE);
}

static struct known *find_known(struct state *st, const struct bts_device *d)
{
	for (size_t i = 0; i < st->nknown; i++)
		if (st->known[i].d.type == d->type && !bacmp(&st->known[i].d.addr, &d->addr))
			return &st->known[i];
	return NULL;
}

/* Print round entry i if it is ready (or force), once. */
static void maybe_print(struct state *st, size_t i, unsigned round, bool force)
{
	struct bts_device *d = &st->round[i];
	struct known *k;
	bool is_new, gained;

	if (st->printed[i] || (!force && !ready(st, d)))
		return;
	st->printed[i] = true;
	bts_devlist_merge(st->all, &st->nall, KNOWN_MAX, d, &is_new, &gained);
	if (is_new)
		st->found++;
	if (!st->continuous) {
		scan_print_device(&st->out, d, NULL);
		return;
	}
	k = find_known(st, d);
	if (!k && st->nknown < KNOWN_MAX) {
		k = &st->known[st->nknown++];
		k->d = *d;
	}
	if (!k)
		return;
	k->last_round = round;
	if (!k->present) {
		k->present = true;
		k->d = *d;
		scan_print_device(&st->out, d, "appeared");
	}
}

static void add_result(struct state *st, const struct bts_device *d, unsigned round)
{
	bool is_new, gained;
	int i = bts_devlist_merge(st->round, &st->nround, ROUND_MAX, d, &is_new, &gained);

	if (i < 0)
		return;
	if (is_new) {
		struct known *k;

		st->printed[i] = false;
		name_from_cache(st, &st->round[i]);
		/* in continuous mode a device already reported is not again */
		if (st->continuous && (k = find_known(st, d)) && k->present) {
			st->printed[i] = true;
			k->last_round = round;
		}
	}
	maybe_print(st, (size_t)i, round, false);
}

static int one_round(struct cli *cli, struct state *st, unsigned round)
{
	struct bts_scan_opts o = {
		.dev_id = cli->adapter.dev_id,
		.bredr = st->bredr,
		.le = st->le,
		.length = st->length,
		.stop = &cli_stop_signal,
	};
	struct bts_scan s;
	struct bts_device d;
	int err;

	st->nround = 0;
	err = bts_scan_start(&o, &s);
	if (err < 0) {
		if (err == -EINTR)
			return err;
		if (err == -EBUSY) {
			/* the controller refused: another discovery is running */
			cli_error(cli, err, "%s (is another discovery running? try"
				  " 'bluetoothctl scan off')", st->le && !st->bredr ? "le scan" : "inquiry");
			return BTS_EXIT_UNAVAILABLE;
		}
		return cli_error(cli, err, st->le && !st->bredr ? "le scan" : "inquiry");
	}
	if (s.le_status < 0 && round == 0)
		cli_warn(cli, "le scan: %s (scanning br/edr only)", bts_strerror(s.le_status));
	cli_debug(cli, 1, "scanning for %u.%02u s", st->length * 128 / 100, st->length * 128 % 100);
	while ((err = bts_scan_next(&s, &d)) > 0)
		add_result(st, &d, round);
	if (err < 0 && err != -EINTR) {
		bts_scan_close(&s);
		return cli_error(cli, err, "scan");
	}
	for (size_t i = 0; err == 0 && i < st->nround; i++) {
		struct bts_device *e = &st->round[i];

		if (st->printed[i] || st->no_names || e->type != BTS_DEV_BREDR ||
		    e->name_src != BTS_NAME_NONE)
			continue;
		cli_debug(cli, 1, "asking %02X:%02X:%02X:%02X:%02X:%02X for its name",
			  e->addr.b[5], e->addr.b[4], e->addr.b[3], e->addr.b[2], e->addr.b[1],
			  e->addr.b[0]);
		err = bts_scan_remote_name(&s, e, e->name, sizeof(e->name), NAME_TIMEOUT_MS);
		if (err == 0) {
			e->name_src = BTS_NAME_REQUEST;
		} else {
			cli_debug(cli, 1, "no name: %s", bts_strerror(err));
			e->name_src = BTS_NAME_FAILED;
			e->name[0] = '\0';
			if (err != -EINTR)
				err = 0;
		}
		maybe_print(st, i, round, true);
	}
	bts_scan_close(&s);
	/* whatever is left (interrupted, LE without a name) prints as is */
	for (size_t i = 0; i < st->nround; i++)
		maybe_print(st, i, round, true);
	return err == -EINTR ? err : 0;
}

static void report_gone(struct state *st, unsigned round)
{
	for (size_t i = 0; i < st->nknown; i++) {
		struct known *k = &st->known[i];

		if (k->present && round - k->last_round >= GONE_ROUNDS) {
			k->present = false;
			scan_print_device(&st->out, &k->d, "gone");
		}
	}
}

static int run(struct cli *cli, void *p, int argc, char **argv)
{
	struct state *st = p;
	int status = 0;

	if (argc > 0)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	if (!st->le && !st->bredr)
		st->bredr = true;
	if (st->csv)
		cli->format = OUT_CSV;
	scan_print_init(&st->out, cli->format, st->continuous);
	if (bts_cache_default_path(st->cache_path, sizeof(st->cache_path)) == 0) {
		st->have_cache = true;
		st->ncache = scan_cache_read(st->cache_path, st->cache);
	}
	cli_catch_signals();
	for (unsigned round = 0; ; round++) {
		int err = one_round(cli, st, round);

		if (err == -EINTR)
			break;
		if (err > 0) {
			status = err;
			break;
		}
		if (!st->continuous || cli_stop_signal)
			break;
		report_gone(st, round);
	}
	if (st->have_cache && st->nall) {
		int err = scan_cache_write(st->cache_path, st->all, st->nall, st->flush);

		if (err < 0)
			cli_warn(cli, "cannot write the scan cache '%s': %s", st->cache_path,
				 bts_strerror(err));
	}
	if (status)
		return status;
	if (!st->found && !cli->quiet)
		cli_warn(cli, "no devices found");
	return st->found ? BTS_EXIT_OK : BTS_EXIT_NOTFOUND;
}

const struct cmd cmd_scan = {
	.name = "scan",
	.summary = "discover nearby devices: address, name, class, RSSI",
	.usage = "",
	.help =
		"Options:\n"
		"  -d, --duration SECONDS  how long to scan (default 10; inquiry runs in 1.28 s steps)\n"
		"  -n, --no-names          do not ask devices for their names (faster)\n"
		"      --flush             ask every name afresh and replace the scan cache\n"
		"  -c, --continuous        scan until Ctrl-C, reporting devices that appear and go\n"
		"      --le                scan for Bluetooth Low Energy advertisers\n"
		"      --bredr             scan for classic devices (the default; with --le: both)\n"
		"      --csv               comma-separated output with a header line\n"
		"\n"
		"Each device prints as soon as it is known. Results are kept in the scan\n"
		"cache (~/.cache/btsync/devices) for 'btsync lookup --cache'. Exit status\n"
		"0 when something was found, 1 when nothing was.\n"
		"\n"
		"Examples:\n"
		"  btsync scan\n"
		"  btsync scan --le --bredr --duration 5\n"
		"  btsync scan --json | jq -r 'select(.name == \"phone\") | .address'\n",
	.shortopts = "d:nc",
	.longopts = longopts,
	.state_size = sizeof(struct state),
	.init = init,
	.option = option,
	.run = run,
	.flags = CMD_ADAPTER,
};
