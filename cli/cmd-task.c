/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vigilctl commands of the task family. */
#include "config.h"

#include "cli.h"
#include "nls.h"

const struct vg_cli_command vg_cli_cmds_task[] = {
	{ NULL },
};
