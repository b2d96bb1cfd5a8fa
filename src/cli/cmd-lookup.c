// SPDX-License-Identifier: GPL-2.0-or-later
/* btsync lookup: address -> name and class, name -> address(es), and SDP
 * service search / browse on one device or every device nearby. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bluetooth/bluetooth.h>
#include <bluetooth/hci.h>
#include <bluetooth/hci_lib.h>

#include "btsync/error.h"
#include "btsync/inquiry.h"
#include "btsync/namecache.h"
#include "btsync/sdp.h"
#include "btsync/util.h"
#include "cli.h"
#include "commands.h"
#include "scan-print.h"

#define MAX_MATCHES 16
#define MAX_RECORDS 64
#define MAX_NEARBY 64

enum {
	OPT_CACHE = 0x100,
	OPT_INFO,
	OPT_BROWSE,
	OPT_CSV,
};

static const struct option longopts[] = {
	{ "service", required_argument, NULL, 's' },
	{ "browse", no_argument, NULL, OPT_BROWSE },
	{ "info", no_argument, NULL, OPT_INFO },
	{ "cache", no_argument, NULL, OPT_CACHE },
	{ "timeout", required_argument, NULL, 't' },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ 0 }
};

struct state {
	const char *service;
	uuid_t uuid;
	bool browse, info, cache, csv;
	int timeout_ms;
	char cache_path[4096];
	bool have_cache;
	struct out out;
	struct bts_sdp_service recs[MAX_RECORDS];
};

static void init(void *p)
{
	struct state *st = p;

	st->timeout_ms = 15000;
}

static int option(struct cli *cli, void *p, int opt, const char *arg)
{
	struct state *st = p;
	unsigned long v;
	int err;

	switch (opt) {
	case 's':
		if (bts_uuid_parse(arg, &st->uuid) < 0)
			return cli_usage_error(cli, "invalid service '%s' (expected a UUID like 0x1101 or"
					       " 00001101-0000-1000-8000-00805f9b34fb, or a name like SP, OPP, A2DP-Sink)",
					       arg);
		st->service = arg;
		return 0;
	case OPT_BROWSE:
		st->browse = true;
		return 0;
	case OPT_INFO:
		st->info = true;
		return 0;
	case OPT_CACHE:
		st->cache = true;
		return 0;
	case 't':
		err = cli_parse_uint(cli, "--timeout", arg, 1, 600, &v);
		if (err)
			return err;
		st->timeout_ms = (int)v * 1000;
		return 0;
	case OPT_CSV:
		st->csv = true;
		return 0;
	default:
		return cli_usage_error(cli, "unexpected option");
	}
}

static const char *lmp_version_name(uint8_t v)
{
	static const char *const names[] = {
		"1.0b", "1.1", "1.2", "2.0", "2.1", "3.0", "4.0", "4.1", "4.2",
		"5.0", "5.1", "5.2", "5.3", "5.4", "6.0",
	};

	return v < BTS_ARRAY_SIZE(names) ? names[v] : NULL;
}

/* A device from the cache, if it knows this address. */
static bool cached(struct state *st, const bdaddr_t *a, struct bts_device *out)
{
	struct bts_device *list;
	size_t n;
	bool found = false;

	if (!st->have_cache)
		return false;
	list = calloc(BTS_CACHE_MAX, sizeof(*list));
	if (!list)
		return false;
	n = scan_cache_read(st->cache_path, list);
	for (size_t i = 0; i < n; i++) {
		if (list[i].type == BTS_DEV_BREDR && !bacmp(&list[i].addr, a)) {
			*out = list[i];
			found = true;
			break;
		}
	}
	free(list);
	return found;
}

/* A short inquiry to learn a device's class (and clock offset for a
 * quicker page); stops as soon as the device answers. */
static void inquire_one(struct cli *cli, const bdaddr_t *a, struct bts_device *out)
{
	struct bts_scan_opts o = {
		.dev_id = cli->adapter.dev_id, .bredr = true,
		.length = bts_inquiry_length(2), .stop = &cli_stop_signal,
	};
	struct bts_scan s;
	struct bts_device d;

	if (bts_scan_start(&o, &s) < 0)
		return;
	while (bts_scan_next(&s, &d) > 0) {
		if (d.type == BTS_DEV_BREDR && !bacmp(&d.addr, a)) {
			*out = d;
			break;
		}
	}
	bts_scan_close(&s);
}

static int lookup_addr(struct cli *cli, struct state *st, const char *arg, const bdaddr_t *a)
{
	struct bts_device d;
	struct bts_remote_info info;
	int err;

	memset(&d, 0, sizeof(d));
	bacpy(&d.addr, a);
	if (st->cache && cached(st, a, &d) && d.name_src == BTS_NAME_CACHE && !st->info) {
		scan_print_device(&st->out, &d, NULL);
		return BTS_EXIT_OK;
	}
	if (!d.has_class)
		inquire_one(cli, a, &d);
	if (cli_stop_signal)
		return BTS_EXIT_INTERRUPTED;
	if (d.name_src != BTS_NAME_COMPLETE) {
		char name[BTS_NAME_MAX + 1];

		err = bts_remote_name(cli->adapter.dev_id, a, name, sizeof(name),
				      st->timeout_ms, &cli_stop_signal);
		if (err == -EINTR)
			return BTS_EXIT_INTERRUPTED;
		if (err == -EHOSTDOWN || err == -ETIMEDOUT) {
			cli_warn(cli, "device '%s' did not answer (out of range, off, or not connectable)",
				 arg);
			return BTS_EXIT_NOTFOUND;
		}
		if (err < 0)
			return cli_error(cli, err, "name of '%s'", arg);
		snprintf(d.name, sizeof(d.name), "%s", name);
		d.name_src = BTS_NAME_REQUEST;
	}
	if (!st->info) {
		scan_print_device(&st->out, &d, NULL);
		if (st->have_cache)
			scan_cache_write(st->cache_path, &d, 1, false);
		return BTS_EXIT_OK;
	}
	err = bts_remote_info(cli->adapter.dev_id, a, &info, st->timeout_ms);
	if (err < 0)
		return cli_error(cli, err, "version and features of '%s'", arg);
	{
		char feat[40], ver[32];
		const char *vn = lmp_version_name(info.lmp_version);

		snprintf(feat, sizeof(feat), "0x%02x%02x%02x%02x%02x%02x%02x%02x",
			 info.features[0], info.features[1], info.features[2], info.features[3],
			 info.features[4], info.features[5], info.features[6], info.features[7]);
		snprintf(ver, sizeof(ver), "%s (0x%x)", vn ? vn : "unknown", info.lmp_version);
		static const struct out_col info_cols[] = {
			{ "address", "ADDRESS", 17 },
			{ "name", "NAME", 16 },
			{ "lmp_version", "VERSION", 10 },
			{ "manufacturer_name", "MANUFACTURER", 24 },
			{ "features", "FEATURES", 0 },
		};

		out_init(&st->out, cli->format, stdout, info_cols, BTS_ARRAY_SIZE(info_cols), true);
		out_begin(&st->out);
		scan_print_fields(&st->out, &d);
		out_str(&st->out, "lmp_version", ver);
		out_int(&st->out, "lmp_subversion", info.lmp_subversion);
		out_int(&st->out, "manufacturer", info.manufacturer);
		out_str(&st->out, "manufacturer_name", bt_compidtostr(info.manufacturer));
		out_str(&st->out, "features", feat);
		out_end(&st->out);
	}
	return BTS_EXIT_OK;
}

/* Name -> address(es). Returns an exit status; *addr set when unique. */
static int resolve(struct cli *cli, struct state *st, const char *name, bool print,
		   bdaddr_t *addr)
{
	struct bts_device found[MAX_MATCHES];
	int n;

	cli_debug(cli, 1, "looking for '%s'%s", name, st->cache ? " (cache first)" : "");
	n = bts_find_by_name(cli->adapter.dev_id, name, st->timeout_ms, st->cache,
			     st->have_cache ? st->cache_path : NULL, found, MAX_MATCHES,
			     &cli_stop_signal);
	if (n == -EINTR)
		return BTS_EXIT_INTERRUPTED;
	if (n < 0)
		return cli_error(cli, n, "looking for '%s'", name);
	if (n == 0) {
		cli_warn(cli, "no device named '%s' nearby", name);
		return BTS_EXIT_NOTFOUND;
	}
	if (print || n > 1) {
		struct out *o = &st->out;

		for (int i = 0; i < n && i < MAX_MATCHES; i++)
			scan_print_device(o, &found[i], NULL);
	}
	if (n > 1) {
		cli_warn(cli, "name '%s' matches %d devices; use an address", name, n);
		return BTS_EXIT_AMBIGUOUS;
	}
	bacpy(addr, &found[0].addr);
	return BTS_EXIT_OK;
}

static const struct out_col svc_cols[] = {
	{ "host", "HOST", 17 },
	{ "protocol", "PROTO", 6 },
	{ "port", "PORT", 6 },
	{ "name", "NAME", 24 },
	{ "service_classes", "CLASSES", 0 },
};

static void print_service(struct out *o, const struct bts_sdp_service *s)
{
	char host[18], handle[16];
	char cls[BTS_SDP_MAX_CLASSES][64], prof[BTS_SDP_MAX_PROFILES][80];
	const char *cv[BTS_SDP_MAX_CLASSES], *cn[BTS_SDP_MAX_CLASSES], *pv[BTS_SDP_MAX_PROFILES];
	/* counts bounded once, so every loop below stays inside the arrays */
	size_t nc = s->nclasses < BTS_SDP_MAX_CLASSES ? s->nclasses : BTS_SDP_MAX_CLASSES;
	size_t np = s->nprofiles < BTS_SDP_MAX_PROFILES ? s->nprofiles : BTS_SDP_MAX_PROFILES;
	size_t nn = 0;

	for (size_t i = 0; i < nc; i++) {
		const char *name = bts_uuid_name(&s->classes[i]);

		cv[i] = bts_uuid_str(&s->classes[i], cls[i], sizeof(cls[i]));
		if (name)
			cn[nn++] = name;
	}
	for (size_t i = 0; i < np; i++) {
		char u[48];

		snprintf(prof[i], sizeof(prof[i]), "%s %u.%u",
			 bts_uuid_str(&s->profiles[i].uuid, u, sizeof(u)),
			 (unsigned)(s->profiles[i].version >> 8), (unsigned)(s->profiles[i].version & 0xff));
		pv[i] = prof[i];
	}
	snprintf(handle, sizeof(handle), "0x%08" PRIx32, s->handle);
	out_begin(o);
	out_str(o, "host", bts_addr_str(&s->host, host));
	out_str(o, "handle", handle);
	out_str(o, "name", s->name[0] ? s->name : NULL);
	out_str(o, "description", s->description[0] ? s->description : NULL);
	out_str(o, "provider", s->provider[0] ? s->provider : NULL);
	out_str(o, "protocol", !s->has_port ? NULL : s->proto == BTS_RFCOMM ? "RFCOMM" : "L2CAP");
	if (s->has_port)
		out_int(o, "port", s->port);
	else
		out_str(o, "port", NULL);
	if (o->fmt == OUT_TEXT) {
		/* the table shows names where we know them */
		const char *tv[BTS_SDP_MAX_CLASSES];

		for (size_t i = 0; i < nc; i++) {
			const char *name = bts_uuid_name(&s->classes[i]);

			tv[i] = name ? name : cv[i];
		}
		out_strv(o, "service_classes", tv, nc);
	} else {
		out_strv(o, "service_classes", cv, nc);
	}
	out_strv(o, "service_class_names", cn, nn);
	out_strv(o, "profiles", pv, np);
	out_end(o);
}

/* SDP on one device; returns the number of records printed or <0. */
static int sdp_one(struct cli *cli, struct state *st, const bdaddr_t *a, bool quiet_errors)
{
	char addr[18];
	int n = bts_sdp_search(&cli->adapter.addr, a, st->browse ? NULL : &st->uuid, st->recs,
			       MAX_RECORDS, st->timeout_ms);

	if (n < 0) {
		if (n == -EINTR)
			return n;
		if (quiet_errors) {
			/* searching everywhere: a device without SDP is no error */
			cli_debug(cli, 1, "%s: %s", bts_addr_str(a, addr), bts_strerror(n));
			return 0;
		}
		cli_error(cli, n, "sdp on '%s'", bts_addr_str(a, addr));
		return n;
	}
	for (int i = 0; i < n && i < MAX_RECORDS; i++)
		print_service(&st->out, &st->recs[i]);
	return n;
}

static int sdp_everywhere(struct cli *cli, struct state *st)
{
	struct bts_scan_opts o = {
		.dev_id = cli->adapter.dev_id, .bredr = true,
		.length = bts_inquiry_length((unsigned)(st->timeout_ms / 1000 * 2 / 3)),
		.stop = &cli_stop_signal,
	};
	struct bts_device *list, d;
	struct bts_scan s;
	size_t n = 0;
	int err, total = 0;

	list = calloc(MAX_NEARBY, sizeof(*list));
	if (!list)
		return cli_error(cli, -ENOMEM, NULL);
	err = bts_scan_start(&o, &s);
	if (err < 0) {
		free(list);
		return err == -EINTR ? BTS_EXIT_INTERRUPTED : cli_error(cli, err, "inquiry");
	}
	while ((err = bts_scan_next(&s, &d)) > 0) {
		bool is_new, gained;

		bts_devlist_merge(list, &n, MAX_NEARBY, &d, &is_new, &gained);
	}
	bts_scan_close(&s);
	for (size_t i = 0; err == 0 && i < n; i++) {
		int r = sdp_one(cli, st, &list[i].addr, true);

		if (r == -EINTR)
			err = r;
		else if (r > 0)
			total += r;
	}
	free(list);
	if (err == -EINTR && !total)
		return BTS_EXIT_INTERRUPTED;
	if (!total) {
		cli_warn(cli, "no nearby device offers '%s' (%zu devices searched)", st->service, n);
		return BTS_EXIT_NOTFOUND;
	}
	return BTS_EXIT_OK;
}

static int run(struct cli *cli, void *p, int argc, char **argv)
{
	struct state *st = p;
	bdaddr_t a;
	bool is_addr;
	int status;

	if (st->csv)
		cli->format = OUT_CSV;
	if (st->browse && st->service)
		return cli_usage_error(cli, "--browse and --service do not go together");
	if (st->info && (st->browse || st->service))
		return cli_usage_error(cli, "--info does not go with --browse or --service");
	if (argc > 1)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[1]);
	if (argc == 0 && !st->service)
		return cli_usage_error(cli, "which device? (an address or a name)");
	/* Operands first: a typo is a usage error even without Bluetooth. */
	status = cli_open_adapter(cli);
	if (status)
		return status;
	st->have_cache = bts_cache_default_path(st->cache_path, sizeof(st->cache_path)) == 0;
	cli_catch_signals();

	if (st->service || st->browse) {
		out_init(&st->out, cli->format, stdout, svc_cols, BTS_ARRAY_SIZE(svc_cols), true);
		if (argc == 0)
			return sdp_everywhere(cli, st);
		is_addr = bts_addr_parse(argv[0], &a) == 0;
		if (!is_addr) {
			struct out keep = st->out;

			/* candidates of an ambiguous name print as devices */
			scan_print_init(&st->out, cli->format, false);
			status = resolve(cli, st, argv[0], false, &a);
			st->out = keep;
			if (status)
				return status;
		}
		status = sdp_one(cli, st, &a, false);
		if (status < 0)
			return status == -EINTR ? BTS_EXIT_INTERRUPTED : cli_exit_status(status);
		if (status == 0) {
			if (st->browse)
				cli_warn(cli, "'%s' has no public service records", argv[0]);
			else
				cli_warn(cli, "'%s' has no '%s' service", argv[0], st->service);
			return BTS_EXIT_NOTFOUND;
		}
		return BTS_EXIT_OK;
	}

	scan_print_init(&st->out, cli->format, false);
	if (bts_addr_parse(argv[0], &a) == 0)
		return lookup_addr(cli, st, argv[0], &a);
	if (st->info) {
		status = resolve(cli, st, argv[0], false, &a);
		return status ? status : lookup_addr(cli, st, argv[0], &a);
	}
	return resolve(cli, st, argv[0], true, &a);
}

const struct cmd cmd_lookup = {
	.name = "lookup",
	.summary = "resolve names and addresses, search SDP services",
	.usage = "ADDR|NAME",
	.help =
		"Options:\n"
		"  -s, --service UUID|NAME  search SDP for a service (0x1101, SP, OPP, A2DP-Sink,\n"
		"                           a 128-bit UUID...); without a device: every device nearby\n"
		"      --browse             list every public SDP record of the device\n"
		"      --info               also show the remote version and features (connects)\n"
		"      --cache              answer from the recent-scan cache when it knows the device\n"
		"  -t, --timeout SECONDS    bound for the inquiry, name and SDP requests (default 15)\n"
		"      --csv                comma-separated output with a header line\n"
		"\n"
		"An address gives its name and class; a name gives the address(es) of the\n"
		"devices with that name: exact matches first, then ignoring case. Exit\n"
		"status 1 when nothing is found, 2 when a name matches several devices.\n"
		"\n"
		"Examples:\n"
		"  btsync lookup 00:11:22:33:44:55\n"
		"  btsync lookup --cache phone\n"
		"  btsync lookup --service SP phone\n"
		"  btsync lookup --browse --json 00:11:22:33:44:55\n",
	.shortopts = "s:t:",
	.longopts = longopts,
	.state_size = sizeof(struct state),
	.init = init,
	.option = option,
	.run = run,
};
