/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BTSYNC_COMMANDS_H
#define BTSYNC_COMMANDS_H

#include "cli.h"

extern const struct cmd cmd_scan;
extern const struct cmd cmd_lookup;
extern const struct cmd cmd_connect;
extern const struct cmd cmd_send;
extern const struct cmd cmd_recv;
extern const struct cmd cmd_serve;
extern const struct cmd cmd_stream;

#endif
