/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The btsync command-line frame: the command table, shared options and
 * the one place where library errors become messages and exit codes. */
#ifndef BTSYNC_CLI_H
#define BTSYNC_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <signal.h>
#include <stddef.h>

#include "btsync/adapter.h"
#include "btsync/socket.h"
#include "output.h"

/* Exit statuses: documented in man/btsync.1 (EXIT STATUS). Scripts rely
 * on them, so never renumber. */
enum bts_exit {
	BTS_EXIT_OK = 0,
	BTS_EXIT_NOTFOUND = 1,   /* nothing found / no match */
	BTS_EXIT_AMBIGUOUS = 2,  /* a name matched several devices */
	BTS_EXIT_CONNECT = 3,    /* could not connect: down, refused, timeout */
	BTS_EXIT_LINKLOST = 4,   /* the link dropped mid-session */
	BTS_EXIT_PEER = 5,       /* peer broke the protocol, refused, bad checksum */
	BTS_EXIT_USAGE = 64,     /* bad command line */
	BTS_EXIT_DATAERR = 65,   /* malformed input data */
	BTS_EXIT_NOINPUT = 66,   /* input file missing or unreadable */
	BTS_EXIT_UNAVAILABLE = 69, /* no Bluetooth, no adapter, adapter down, no bluetoothd */
	BTS_EXIT_SOFTWARE = 70,  /* internal error */
	BTS_EXIT_OSERR = 71,     /* other system error */
	BTS_EXIT_CANTCREAT = 73, /* cannot write output: exists, no space, read-only */
	BTS_EXIT_IOERR = 74,     /* I/O error, e.g. writing stdout failed */
	BTS_EXIT_NOPERM = 77,    /* permission denied */
	BTS_EXIT_NOTIMPL = 79,   /* subcommand or option not implemented yet */
	BTS_EXIT_INTERRUPTED = 130, /* stopped by SIGINT/SIGTERM before finishing */
};

struct cli;

/* Command flags: shared set-up the dispatcher does before run(). */
enum {
	CMD_ADAPTER = 1 << 0,   /* resolve -i (or the default) into cli->adapter */
	CMD_POSIX_ARGS = 1 << 1,/* stop option parsing at the first operand */
	CMD_NOT_IMPL = 1 << 2,  /* placeholder: exits BTS_EXIT_NOTIMPL */
};

struct cmd {
	const char *name;
	const char *summary;    /* one line, for "btsync --help" */
	const char *usage;      /* operands after "btsync NAME [options]" */
	const char *help;       /* options and examples, for "NAME --help" */
	const char *shortopts;  /* without the global ones */
	const struct option *longopts; /* terminated by a zero entry; may be NULL */
	size_t state_size;      /* per-run option state, zeroed, passed to the hooks */
	void (*init)(void *state);
	/* One parsed option; return 0, or an exit status (after printing). */
	int (*option)(struct cli *cli, void *state, int opt, const char *arg);
	/* Operands in argv[0..argc-1]; returns the exit status. */
	int (*run)(struct cli *cli, void *state, int argc, char **argv);
	unsigned flags;
};

struct cli {
	const struct cmd *cmd;
	const char *adapter_spec;   /* -i, NULL when not given */
	struct bts_adapter adapter; /* valid when cmd has CMD_ADAPTER */
	enum out_format format;     /* --json (or a command's --csv) */
	int quiet;                  /* -q: count */
	int verbose;                /* -v: count */
};

/* Entry point used by main() and by tests. */
int cli_main(int argc, char **argv);

/* Print "btsync: NAME: <what>: <bts_strerror(err)>" (or without <what>)
 * on stderr and return the exit status for err. */
int cli_error(struct cli *cli, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* cli_error() for a connect that failed: status 3 (could not connect)
 * also for a link torn down during the set-up, which says so. */
int cli_connect_error(struct cli *cli, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print "btsync: NAME: <message>" and a usage hint; returns 64. */
int cli_usage_error(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print "btsync: NAME: <message>" (warnings, notes); nothing returned. */
void cli_warn(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Verbose diagnostics on stderr, shown with -v (level 1) or -vv (2). */
void cli_debug(struct cli *cli, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Exit status for a library error code. */
int cli_exit_status(int err);

/* Strict number option parsing; prints the usage error itself.
 * Returns 0 or BTS_EXIT_USAGE. */
int cli_parse_uint(struct cli *cli, const char *opt, const char *arg,
		   unsigned long min, unsigned long max, unsigned long *out);

/* --security and --l2cap-mode for every command that opens a link, with
 * one message. Return 0 or BTS_EXIT_USAGE (after printing). */
int cli_parse_security(struct cli *cli, const char *arg, enum bts_security *out);
int cli_parse_l2cap_mode(struct cli *cli, const char *arg, enum bts_l2cap_mode *out);

/* Resolve the adapter (-i or default) on demand, for commands that need
 * one only in some modes. Prints the error; returns 0 or an exit status. */
int cli_open_adapter(struct cli *cli);

/* The closest of candidates[] to word (Levenshtein), or NULL if none is
 * close enough to be worth suggesting. */
const char *cli_closest(const char *word, const char *const *candidates, size_t n);

/* Set once a SIGINT/SIGTERM arrived (handlers installed by
 * cli_catch_signals(); they do not use SA_RESTART so blocking calls
 * return EINTR). */
extern volatile sig_atomic_t cli_stop_signal;
void cli_catch_signals(void);

/* Wait for a client on the listening socket lfd (from bts_listen()) and
 * accept it into *link. Waits in poll(), looking at cli_stop_signal at
 * least once a second (a signal between the look and poll() is not lost
 * for long); a client that poll() saw and that hung up before accept()
 * (EAGAIN) is not one: it waits on. Returns 0, -EINTR once stopped, or
 * the error. */
int cli_wait_client(int lfd, enum bts_proto proto, struct bts_link *link);

/* The command table (commands.c). */
extern const struct cmd *const cli_commands[];
extern const size_t cli_ncommands;

#endif
