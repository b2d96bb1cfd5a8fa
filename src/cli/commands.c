// SPDX-License-Identifier: GPL-2.0-or-later
/* The command table. One entry per src/cli/cmd-NAME.c; help and the man
 * page list commands in this order. */
#include "cli.h"
#include "commands.h"

const struct cmd *const cli_commands[] = {
	&cmd_scan, &cmd_lookup, &cmd_connect, &cmd_send,
	&cmd_recv, &cmd_serve, &cmd_stream,
};
const size_t cli_ncommands = sizeof(cli_commands) / sizeof(cli_commands[0]);
