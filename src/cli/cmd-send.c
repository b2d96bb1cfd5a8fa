// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli.h"
#include "commands.h"

static int run(struct cli *cli, void *state, int argc, char **argv)
{
	(void)cli; (void)state; (void)argc; (void)argv;
	return BTS_EXIT_NOTIMPL;
}

const struct cmd cmd_send = {
	.name = "send",
	.summary = "send files, directories or stdin, verified end to end",
	.usage = "PEER FILE|DIR|-...",
	.run = run,
	.flags = CMD_NOT_IMPL,
};
