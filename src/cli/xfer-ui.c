// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "btsync/adapter.h"
#include "btsync/error.h"
#include "btsync/util.h"
#include "xfer-ui.h"

/* Redraw at most this often: a terminal is slower than the link. */
#define DRAW_INTERVAL_NS 250000000ull

static void human(uint64_t n, char *buf, size_t size)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	unsigned u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%" PRIu64 " B", n);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
}

static void duration(uint64_t s, char *buf, size_t size)
{
	if (s >= 3600)
		snprintf(buf, size, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, s / 60 % 60);
	else if (s >= 60)
		snprintf(buf, size, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else
		snprintf(buf, size, "%" PRIu64 "s", s);
}

void xui_init(struct xui *u, struct cli *cli, const char *verb, int progress)
{
	memset(u, 0, sizeof(*u));
	u->cli = cli;
	u->verb = verb;
	if (progress < 0)
		u->progress = !cli->quiet && isatty(STDERR_FILENO);
	else
		u->progress = progress > 0;
}

void xui_clear(struct xui *u)
{
	if (u->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		u->drawn = false;
	}
}

static void draw(struct xui *u, uint64_t now)
{
	char done[32], total[32], rate[32], eta[64] = "";
	double secs = (double)(now - u->t_begin) / 1e9;
	uint64_t moved = u->done > u->offset ? u->done - u->offset : 0;
	double bps = secs > 0.05 ? (double)moved / secs : 0;

	human(u->done, done, sizeof(done));
	human((uint64_t)bps, rate, sizeof(rate));
	if (u->total != UINT64_MAX) {
		human(u->total, total, sizeof(total));
		if (bps > 0 && u->total > u->done) {
			char d[48];

			duration((uint64_t)((double)(u->total - u->done) / bps), d, sizeof(d));
			snprintf(eta, sizeof(eta), "  ETA %s", d);
		}
	} else {
		snprintf(total, sizeof(total), "?");
	}
	fprintf(stderr, "\r\033[K%s %.60s  %s / %s  %s/s%s", u->verb, u->path, done, total, rate, eta);
	fflush(stderr);
	u->drawn = true;
	u->last_draw = now;
}

void xui_event(const struct bts_event *ev, void *ud)
{
	struct xui *u = ud;
	uint64_t now;
	char why[256];

	switch (ev->kind) {
	case BTS_EV_BEGIN:
		snprintf(u->path, sizeof(u->path), "%s", ev->path ? ev->path : "");
		u->total = ev->total;
		u->offset = u->done = ev->done;
		u->t_begin = bts_now_ns();
		u->last_draw = 0;
		break;
	case BTS_EV_PROGRESS:
		/* Many a second: read the clock only for a progress line. */
		u->done = ev->done;
		if (u->progress && (now = bts_now_ns()) - u->last_draw >= DRAW_INTERVAL_NS)
			draw(u, now);
		break;
	case BTS_EV_DONE:
		if (u->cli->verbose && !u->cli->quiet && ev->path && *ev->path) {
			static const char *const how[] = { "", " (identical, skipped)", " (resumed)",
							   " (replaced)" };

			xui_clear(u);
			cli_debug(u->cli, 1, "'%s'%s", ev->path,
				  ev->how >= 0 && ev->how <= 3 ? how[ev->how] : "");
		}
		break;
	case BTS_EV_FAILED:
		xui_clear(u);
		cli_warn(u->cli, "'%s': %s", ev->path ? ev->path : "",
			 xui_reason(ev->err, ev->remote, why, sizeof(why)));
		u->failed_reported = true;
		break;
	}
}

const char *xui_reason(int err, bool remote, char *buf, size_t size)
{
	const char *who = remote ? "receiver: " : "";

	switch (-err) {
	case BTS_EEXIST:
		snprintf(buf, size, "%sa different file exists there (replace it with 'send --sync' or 'recv --force')",
			 who);
		break;
	case ENOSPC:
		snprintf(buf, size, "%sno space left on device", who);
		break;
	case BTS_ETOOBIG:
		snprintf(buf, size, "%sfile larger than allowed (recv --max-size)", who);
		break;
	case BTS_EREFUSED:
		snprintf(buf, size, remote ? "refused by the receiver" : "not a regular file, directory or symlink: skipped");
		break;
	case BTS_ELINKLOST:
	case ECONNRESET:
	case ECONNABORTED:
	case ENOTCONN:
	case EPIPE: {
		/* glibc's capitalised phrase, in the CLI's lowercase style. */
		char detail[64];

		snprintf(detail, sizeof(detail), "%s", bts_strerror(err));
		if (err != -BTS_ELINKLOST) /* keep "Bluetooth" capitalised */
			detail[0] = (char)tolower((unsigned char)detail[0]);
		if (err == -BTS_ELINKLOST)
			snprintf(buf, size, "%s (the peer closed the link or went out of range)",
				 detail);
		else
			snprintf(buf, size, "Bluetooth link lost (%s)", detail);
		break;
	}
	case BTS_EADAPTERDOWN:
		snprintf(buf, size, "link lost: this machine's Bluetooth adapter went down");
		break;
	case BTS_ENOADAPTER:
		snprintf(buf, size, "link lost: this machine's Bluetooth adapter went away");
		break;
	case BTS_ERFKILL:
		snprintf(buf, size, "link lost: this machine's Bluetooth adapter was blocked by rfkill");
		break;
	case BTS_EINTERRUPTED:
		snprintf(buf, size, remote ? "the peer was stopped (send again to resume)" : "interrupted");
		break;
	case ETIMEDOUT:
		snprintf(buf, size, "timed out: nothing from the peer for --timeout seconds (out of range, or stuck)");
		break;
	default:
		snprintf(buf, size, "%s%s", who, bts_strerror(err));
		break;
	}
	return buf;
}

/* Is the adapter this command opened still there and up? 0, or the
 * adapter error. */
static int adapter_state(const struct cli *cli)
{
	struct bts_adapter a;
	char spec[16];
	int r;

	snprintf(spec, sizeof(spec), "hci%d", cli->adapter.dev_id);
	r = bts_adapter_open(spec, &a);
	if (r == 0 && bacmp(&a.addr, &cli->adapter.addr))
		return -BTS_ENOADAPTER; /* another controller took its index */
	if (r == -BTS_EADAPTERDOWN || r == -BTS_ERFKILL || r == -BTS_ENOADAPTER)
		return r;
	return 0;
}

int xui_local_cause(struct cli *cli, int err)
{
	int r;

	if (xui_exit_status(err) != BTS_EXIT_LINKLOST || cli->adapter.dev_id < 0)
		return err;
	r = adapter_state(cli);
	if (r == 0) {
		/* The kernel may fail the sockets before it marks the adapter
		 * down or removes it: look again a moment later. */
		struct timespec pause = { .tv_sec = 0, .tv_nsec = 300 * 1000 * 1000 };

		nanosleep(&pause, NULL);
		r = adapter_state(cli);
	}
	return r < 0 ? r : err;
}

int xui_exit_status(int err)
{
	return err == -ETIMEDOUT ? BTS_EXIT_LINKLOST : cli_exit_status(err);
}

void xui_summary(struct cli *cli, FILE *f, const char *role, const struct bts_xfer_stats *st,
		 const char *peer, int err)
{
	uint64_t wire = st->wire_tx + st->wire_rx;
	double secs = (double)st->ns / 1e9;
	double rate = secs > 0 ? (double)st->data_bytes / secs : 0;

	if (cli->format == OUT_JSON) {
		struct out o;

		out_init(&o, OUT_JSON, f, NULL, 0, false);
		out_begin(&o);
		out_str(&o, "role", role);
		out_str(&o, "peer", peer);
		out_bool(&o, "ok", err == 0);
		if (err)
			out_str(&o, "error", bts_strerror(err));
		out_int(&o, "files", (long long)st->files);
		out_int(&o, "skipped", (long long)st->skipped);
		out_int(&o, "resumed", (long long)st->resumed);
		out_int(&o, "refused", (long long)st->refused);
		out_int(&o, "dirs", (long long)st->dirs);
		out_int(&o, "symlinks", (long long)st->symlinks);
		out_int(&o, "data_bytes", (long long)st->data_bytes);
		out_int(&o, "wire_bytes", (long long)wire);
		out_double(&o, "seconds", secs, 3);
		out_double(&o, "bytes_per_second", rate, 0);
		out_end(&o);
		return;
	}
	if (cli->quiet)
		return;
	{
		char data[32], w[32], r[32];

		human(st->data_bytes, data, sizeof(data));
		human(wire, w, sizeof(w));
		human((uint64_t)rate, r, sizeof(r));
		char refused[40] = "";

		if (st->refused)
			snprintf(refused, sizeof(refused), ", %" PRIu64 " refused", st->refused);
		fprintf(f, "%s %" PRIu64 " file%s (%" PRIu64 " skipped, %" PRIu64 " resumed%s), "
			"%s of data, %s on the wire (%" PRIu64 " bytes) in %.1f s, %s/s\n",
			!strcmp(role, "send") ? "sent" : "received",
			st->files, st->files == 1 ? "" : "s", st->skipped, st->resumed, refused,
			data, w, wire, secs, r);
	}
	fflush(f);
}

int xui_parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t len = s ? strlen(s) : 0;
	unsigned shift = 0;
	unsigned long v;

	if (len == 0 || len >= sizeof(num))
		return -BTS_EBADARG;
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	case 't': case 'T': shift = 40; break;
	default: break;
	}
	if (shift)
		num[--len] = '\0';
	if (bts_parse_uint(num, 1, ~0ul, &v) < 0)
		return -BTS_EBADARG;
	if (shift && v > (UINT64_MAX >> shift))
		return -BTS_EBADARG;
	*out = (uint64_t)v << shift;
	return 0;
}
