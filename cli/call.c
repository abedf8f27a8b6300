/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Talking to the agent on behalf of a command, with errors in the user's language. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "cli.h"
#include "nls.h"

static int connect_agent(struct vg_cli *cli)
{
	struct vg_error err;
	char text[VG_ERROR_MSG_SIZE];

	if (cli->client)
		return VG_EXIT_OK;
	if (vg_client_connect(&cli->client, cli->socket_path, &err) < 0) {
		fprintf(stderr, "vigilctl: %s\n", vg_error_text(&err, text, sizeof(text)));
		if (err.code == -ENOENT || err.code == -ECONNREFUSED)
			fprintf(stderr, _("vigilctl: is vigild running? (socket %s)\n"), cli->socket_path);
		return VG_EXIT_UNREACHABLE;
	}
	return VG_EXIT_OK;
}

int vg_cli_call(struct vg_cli *cli, enum vg_cmd cmd, json_t *args, json_t **result)
{
	struct vg_error err;
	char text[VG_ERROR_MSG_SIZE];
	int r;

	*result = NULL;
	if ((r = connect_agent(cli)) != VG_EXIT_OK) {
		json_decref(args);
		return r;
	}
	r = vg_client_call(cli->client, cmd, args, VG_CLI_TIMEOUT_MS, result, &err);
	if (r == 0)
		return VG_EXIT_OK;
	fprintf(stderr, "vigilctl: %s\n", vg_error_text(&err, text, sizeof(text)));
	if (r == -ECONNRESET || r == -ETIMEDOUT || r == -EPROTO) {
		/* The connection is no longer usable: the next command reconnects. */
		vg_client_close(cli->client);
		cli->client = NULL;
		return VG_EXIT_UNREACHABLE;
	}
	return VG_EXIT_FAILED;
}
