// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btsync/error.h"
#include "btsync/util.h"
#include "cli.h"

volatile sig_atomic_t cli_stop_signal;

enum {
	OPT_JSON = 0x1000,
	OPT_VERSION,
};

/* Global options, accepted before the command and after it alike. Their
 * short letters (i q v h) are reserved: commands must not reuse them. */
static const struct option global_longopts[] = {
	{ "adapter", required_argument, NULL, 'i' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }, /* getopt_long() needs the terminator */
};
#define GLOBAL_SHORTOPTS "i:qvh"

static const char global_help[] =
	"Global options:\n"
	"  -i, --adapter hciN|ADDR  use this adapter (default: the first one that is up)\n"
	"      --json               machine-readable output: one JSON object per line\n"
	"  -q, --quiet              print only results and errors\n"
	"  -v, --verbose            print progress details on stderr (repeat for more)\n"
	"  -h, --help               show help (also: btsync help COMMAND)\n"
	"      --version            print the version and exit\n";

static const char *cmd_name(const struct cli *cli)
{
	return cli && cli->cmd ? cli->cmd->name : NULL;
}

static void vprefix(const struct cli *cli)
{
	const char *name = cmd_name(cli);

	if (name)
		fprintf(stderr, "btsync: %s: ", name);
	else
		fputs("btsync: ", stderr);
}

int cli_exit_status(int err)
{
	if (err >= 0)
		return BTS_EXIT_OK;
	switch (-err) {
	case BTS_ENOKERNEL:
	case BTS_ENOADAPTER:
	case BTS_EADAPTERDOWN:
	case BTS_ERFKILL:
	case BTS_ENOSDP:
	case BTS_ENOBLUEZ:
	case EAFNOSUPPORT:
	case ENODEV:
		return BTS_EXIT_UNAVAILABLE;
	case BTS_ENOTFOUND:
	case BTS_ENOSERVICE:
		return BTS_EXIT_NOTFOUND;
	case BTS_EAMBIGUOUS:
		return BTS_EXIT_AMBIGUOUS;
	case BTS_EBADADDR:
	case BTS_EBADUUID:
	case BTS_EBADARG:
		return BTS_EXIT_USAGE;
	case EHOSTDOWN:
	case EHOSTUNREACH:
	case ECONNREFUSED:
	case ETIMEDOUT:
	case BTS_ENOTPAIRED:
	case BTS_EAUTH:
		return BTS_EXIT_CONNECT;
	case BTS_ELINKLOST:
	case ECONNRESET:
	case ECONNABORTED:
	case ENOTCONN:
	case EPIPE:
		return BTS_EXIT_LINKLOST;
	case BTS_EPROTO:
	case BTS_EVERSION:
	case BTS_ECHECKSUM:
	case BTS_EREFUSED:
	case BTS_ETOOBIG:
	case BTS_EUNSAFEPATH:
		return BTS_EXIT_PEER;
	case BTS_EBADMEDIA:
	case BTS_ECODEC:
		return BTS_EXIT_DATAERR;
	case ENOENT:
		return BTS_EXIT_NOINPUT;
	case EACCES:
	case EPERM:
		return BTS_EXIT_NOPERM;
	case BTS_EEXIST:
	case EEXIST:
	case ENOSPC:
	case EDQUOT:
	case EROFS:
		return BTS_EXIT_CANTCREAT;
	case EIO:
		return BTS_EXIT_IOERR;
	case BTS_ENOTIMPL:
		return BTS_EXIT_NOTIMPL;
	case BTS_EINTERRUPTED:
	case EINTR:
		return BTS_EXIT_INTERRUPTED;
	default:
		return BTS_EXIT_OSERR;
	}
}

/* glibc's strerror() texts start with a capital ("No such file or
 * directory"); btsync's messages are lowercase throughout. Acronyms
 * ("I/O error") keep their capitals. */
static void print_reason(const char *m)
{
	if (m[0] >= 'A' && m[0] <= 'Z' && m[1] >= 'a' && m[1] <= 'z') {
		fputc(m[0] - 'A' + 'a', stderr);
		m++;
	}
	fputs(m, stderr);
}

/* "btsync: CMD: <fmt>: <reason>", the reason bts_strerror(err) unless
 * given. */
__attribute__((format(printf, 4, 0)))
static void verror(struct cli *cli, int err, const char *reason, const char *fmt, va_list ap)
{
	vprefix(cli);
	if (fmt && *fmt) {
		vfprintf(stderr, fmt, ap);
		fputs(": ", stderr);
	}
	print_reason(reason ? reason : bts_strerror(err));
	if (err == -EPERM || err == -EACCES)
		fputs(" (needs CAP_NET_RAW and CAP_NET_ADMIN: run as root, or grant them with"
		      " 'setcap cap_net_raw,cap_net_admin+ep btsync')", stderr);
	fputc('\n', stderr);
}

int cli_error(struct cli *cli, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(cli, err, NULL, fmt, ap);
	va_end(ap);
	return cli_exit_status(err);
}

int cli_connect_error(struct cli *cli, int err, const char *fmt, ...)
{
	va_list ap;
	int status = cli_exit_status(err);
	/* ECONNRESET/ECONNABORTED here: the peer tore the link down while
	 * it was being set up, typically a listener whose security level
	 * the link cannot meet. */
	bool dropped = err == -ECONNRESET || err == -ECONNABORTED;

	va_start(ap, fmt);
	verror(cli, err,
	       dropped ? "the peer dropped the link while it was being set up (does it require"
			 " --security medium or high? then pair the devices first)"
		       : NULL,
	       fmt, ap);
	va_end(ap);
	/* Whatever went wrong, nothing was connected: never "link lost". */
	return status == BTS_EXIT_LINKLOST ? BTS_EXIT_CONNECT : status;
}

int cli_usage_error(struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	const char *name = cmd_name(cli);

	vprefix(cli);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (name)
		fprintf(stderr, "Try 'btsync %s --help' for more information.\n", name);
	else
		fputs("Try 'btsync --help' for more information.\n", stderr);
	return BTS_EXIT_USAGE;
}

void cli_warn(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	vprefix(cli);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_debug(struct cli *cli, int level, const char *fmt, ...)
{
	va_list ap;

	if (!cli || cli->verbose < level)
		return;
	vprefix(cli);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_parse_uint(struct cli *cli, const char *opt, const char *arg,
		   unsigned long min, unsigned long max, unsigned long *out)
{
	if (bts_parse_uint(arg, min, max, out) < 0)
		return cli_usage_error(cli, "invalid value '%s' for %s (expected a number from %lu to %lu)",
				       arg, opt, min, max);
	return 0;
}

int cli_parse_security(struct cli *cli, const char *arg, enum bts_security *out)
{
	if (bts_security_parse(arg, out) < 0)
		return cli_usage_error(cli, "invalid value '%s' for --security (expected low, medium, high or fips)",
				       arg);
	return 0;
}

int cli_parse_l2cap_mode(struct cli *cli, const char *arg, enum bts_l2cap_mode *out)
{
	if (bts_l2cap_mode_parse(arg, out) < 0)
		return cli_usage_error(cli, "invalid value '%s' for --l2cap-mode (expected basic, ertm or streaming)",
				       arg);
	return 0;
}

int cli_open_adapter(struct cli *cli)
{
	int err = bts_adapter_open(cli->adapter_spec, &cli->adapter);
	const char *spec = cli->adapter_spec;
	char name[16];

	if (err == 0)
		return 0;
	if (cli->adapter.dev_id >= 0) {
		snprintf(name, sizeof(name), "hci%d", cli->adapter.dev_id);
		spec = name;
	}
	switch (-err) {
	case BTS_EBADARG:
		return cli_usage_error(cli, "invalid adapter '%s' (expected hciN or an address like 00:11:22:33:44:55)",
				       cli->adapter_spec);
	case BTS_ENOADAPTER:
		if (spec)
			return cli_error(cli, err, "adapter '%s'", spec);
		return cli_error(cli, err, NULL);
	case BTS_EADAPTERDOWN:
		vprefix(cli);
		fprintf(stderr, "adapter '%s' is down (bring it up with 'bluetoothctl power on' or 'hciconfig %s up')\n",
			spec, spec);
		return BTS_EXIT_UNAVAILABLE;
	case BTS_ERFKILL:
		vprefix(cli);
		fprintf(stderr, "adapter '%s' is blocked by rfkill (unblock it with 'rfkill unblock bluetooth')\n",
			spec);
		return BTS_EXIT_UNAVAILABLE;
	case BTS_ENOKERNEL:
		return cli_error(cli, err, NULL);
	default:
		return cli_error(cli, err, spec ? "adapter '%s'" : "adapter", spec);
	}
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof(cur));
	}
	return prev[lb];
}

const char *cli_closest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, wl = strlen(word);

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, candidates[i]);

		/* A prefix is a strong hint ("sc" -> "scan"). */
		if (wl && !strncmp(word, candidates[i], wl))
			d = 1;
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	/* Suggest only when at most a third of the letters differ. */
	if (best && best_d <= (wl > 3 ? wl / 3 + 1 : 2))
		return best;
	return NULL;
}

static void on_signal(int sig)
{
	cli_stop_signal = sig;
}

void cli_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: blocking calls return EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int cli_wait_client(int lfd, enum bts_proto proto, struct bts_link *link)
{
	memset(link, 0, sizeof(*link));
	link->fd = -1;
	for (;;) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		int r;

		if (cli_stop_signal)
			return -EINTR;
		r = poll(&p, 1, 1000);
		if (r > 0) {
			int err = bts_accept(lfd, proto, link);

			if (err != -EAGAIN)
				return err;
			continue;
		}
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < cli_ncommands; i++)
		if (!strcmp(cli_commands[i]->name, name))
			return cli_commands[i];
	return NULL;
}

static void print_main_help(FILE *f)
{
	fputs("btsync - Bluetooth from the command line: scan, look up, connect, serve,\n"
	      "send files and stream audio over RFCOMM and L2CAP\n\n"
	      "Usage: btsync [global options] COMMAND [options] [operands]\n\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < cli_ncommands; i++)
		fprintf(f, "  %-9s %s%s\n", cli_commands[i]->name, cli_commands[i]->summary,
			cli_commands[i]->flags & CMD_NOT_IMPL ? " (not implemented yet)" : "");
	fputc('\n', f);
	fputs(global_help, f);
	fputs("\nA PEER is an address (00:11:22:33:44:55), a device name, or either with\n"
	      ":CHANNEL; btsync finds the port over SDP when none is given.\n\n"
	      "Run 'btsync help COMMAND' for a command's options and examples.\n"
	      "Exit statuses and details: man btsync\n", f);
}

static void print_cmd_help(const struct cmd *c, FILE *f)
{
	fprintf(f, "Usage: btsync %s [options]%s%s\n\n%s.\n", c->name,
		c->usage && *c->usage ? " " : "", c->usage ? c->usage : "", c->summary);
	if (c->flags & CMD_NOT_IMPL)
		fputs("\nThis command is not implemented yet.\n", f);
	if (c->help && *c->help)
		fprintf(f, "\n%s", c->help);
	fputc('\n', f);
	fputs(global_help, f);
	fprintf(f, "\nSee 'man btsync-%s' for details.\n", c->name);
}

/* Flush stdout and report failure (a full disk, a closed pipe) instead of
 * exiting 0 with output lost. */
static int finish_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "btsync: error writing to standard output: %s\n",
				strerror(errno));
		return status ? status : BTS_EXIT_IOERR;
	}
	return status;
}

static const char *const *long_names(const struct option *opts, size_t *n,
				      const char **buf, size_t max)
{
	*n = 0;
	for (size_t i = 0; opts && opts[i].name && *n < max; i++)
		buf[(*n)++] = opts[i].name;
	return buf;
}

static int unknown_option(struct cli *cli, const struct option *all, const char *arg,
			  int optopt_c)
{
	const char *names[128];
	size_t n;
	const char *best;

	if (optopt_c && (!arg || strncmp(arg, "--", 2)))
		return cli_usage_error(cli, "unknown option '-%c'", optopt_c);
	if (arg && !strncmp(arg, "--", 2)) {
		char word[64];
		const char *eq = strchr(arg, '=');
		size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);

		if (len >= sizeof(word))
			len = sizeof(word) - 1;
		memcpy(word, arg + 2, len);
		word[len] = '\0';
		long_names(all, &n, names, BTS_ARRAY_SIZE(names));
		best = cli_closest(word, names, n);
		if (best)
			return cli_usage_error(cli, "unknown option '--%s' (did you mean '--%s'?)", word, best);
		return cli_usage_error(cli, "unknown option '--%s'", word);
	}
	return cli_usage_error(cli, "unknown option '%s'", arg ? arg : "?");
}

/* Parse options for command c over argv (argv[0] is the command name). */
static int run_cmd(struct cli *cli, const struct cmd *c, int argc, char **argv)
{
	struct option all[128];
	char shortopts[128];
	size_t n = 0;
	void *state = NULL;
	int status, opt;

	cli->cmd = c;
	for (size_t i = 0; global_longopts[i].name; i++)
		all[n++] = global_longopts[i];
	for (size_t i = 0; c->longopts && c->longopts[i].name && n < BTS_ARRAY_SIZE(all) - 1; i++)
		all[n++] = c->longopts[i];
	memset(&all[n], 0, sizeof(all[n]));
	snprintf(shortopts, sizeof(shortopts), "%s:" GLOBAL_SHORTOPTS "%s",
		 c->flags & CMD_POSIX_ARGS ? "+" : "", c->shortopts ? c->shortopts : "");

	if (c->state_size) {
		state = calloc(1, c->state_size);
		if (!state)
			return cli_error(cli, -ENOMEM, NULL);
	}
	if (c->init)
		c->init(state);

	optind = 1;
	opterr = 0;
	status = 0;
	while (!status && (opt = getopt_long(argc, argv, shortopts, all, NULL)) != -1) {
		switch (opt) {
		case 'i':
			cli->adapter_spec = optarg;
			break;
		case 'q':
			cli->quiet++;
			break;
		case 'v':
			cli->verbose++;
			break;
		case OPT_JSON:
			cli->format = OUT_JSON;
			break;
		case 'h':
			print_cmd_help(c, stdout);
			free(state);
			return finish_stdout(BTS_EXIT_OK);
		case OPT_VERSION:
			printf("btsync %s\n", BTSYNC_VERSION);
			free(state);
			return finish_stdout(BTS_EXIT_OK);
		case ':':
			status = cli_usage_error(cli, "option '%s' needs a value", argv[optind - 1]);
			break;
		case '?':
			status = unknown_option(cli, all, argv[optind - 1], optopt);
			break;
		default:
			status = c->option ? c->option(cli, state, opt, optarg)
					   : cli_usage_error(cli, "unexpected option");
		}
	}
	if (!status && (c->flags & CMD_NOT_IMPL)) {
		cli_warn(cli, "not implemented yet");
		status = BTS_EXIT_NOTIMPL;
	}
	if (!status && (c->flags & CMD_ADAPTER))
		status = cli_open_adapter(cli);
	if (!status)
		status = c->run(cli, state, argc - optind, argv + optind);
	free(state);
	return finish_stdout(status);
}

static int unknown_command(const char *name)
{
	const char *names[32];
	const char *best;
	size_t n = 0;

	for (size_t i = 0; i < cli_ncommands && n < BTS_ARRAY_SIZE(names); i++)
		names[n++] = cli_commands[i]->name;
	best = cli_closest(name, names, n);
	if (best)
		fprintf(stderr, "btsync: unknown command '%s' (did you mean '%s'?)\n", name, best);
	else
		fprintf(stderr, "btsync: unknown command '%s'\n", name);
	fputs("Try 'btsync --help' for the list of commands.\n", stderr);
	return BTS_EXIT_USAGE;
}

int cli_main(int argc, char **argv)
{
	struct cli cli;
	int opt;

	memset(&cli, 0, sizeof(cli));
	cli.adapter.dev_id = -1;

	/* Global options before the command; '+' stops at the command. */
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:" GLOBAL_SHORTOPTS, global_longopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			cli.adapter_spec = optarg;
			break;
		case 'q':
			cli.quiet++;
			break;
		case 'v':
			cli.verbose++;
			break;
		case OPT_JSON:
			cli.format = OUT_JSON;
			break;
		case 'h':
			print_main_help(stdout);
			return finish_stdout(BTS_EXIT_OK);
		case OPT_VERSION:
			printf("btsync %s\n", BTSYNC_VERSION);
			return finish_stdout(BTS_EXIT_OK);
		case ':':
			return cli_usage_error(NULL, "option '%s' needs a value", argv[optind - 1]);
		default:
			return unknown_option(NULL, global_longopts, argv[optind - 1], optopt);
		}
	}
	if (optind >= argc) {
		print_main_help(stderr);
		return BTS_EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "help")) {
		const struct cmd *c;

		if (optind + 1 >= argc) {
			print_main_help(stdout);
			return finish_stdout(BTS_EXIT_OK);
		}
		c = find_cmd(argv[optind + 1]);
		if (!c)
			return unknown_command(argv[optind + 1]);
		print_cmd_help(c, stdout);
		return finish_stdout(BTS_EXIT_OK);
	}
	{
		const struct cmd *c = find_cmd(argv[optind]);

		if (!c)
			return unknown_command(argv[optind]);
		return run_cmd(&cli, c, argc - optind, argv + optind);
	}
}
