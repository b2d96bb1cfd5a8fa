// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli.h"
#include "commands.h"

static int run(struct cli *cli, void *state, int argc, char **argv)
{
	(void)cli; (void)state; (void)argc; (void)argv;
	return BTS_EXIT_NOTIMPL;
}

const struct cmd cmd_recv = {
	.name = "recv",
	.summary = "receive files sent with 'btsync send'",
	.usage = "",
	.run = run,
	.flags = CMD_NOT_IMPL,
};
