/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Talking to the agent on behalf of a command, with errors in the user's language. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "cli.h"
#include "nls.h"

static int connect_agent(struct vg_cli *cli, struct vg_error *err)
{
	if (cli->client)
		return VG_EXIT_OK;
	if (vg_client_connect(&cli->client, cli->socket_path, err) < 0)
		return VG_EXIT_UNREACHABLE;
	return VG_EXIT_OK;
}

static int report_unreachable(struct vg_cli *cli, const struct vg_error *err)
{
	vg_cli_report(cli, VG_EXIT_UNREACHABLE, err);
	if (err->code == -ENOENT || err->code == -ECONNREFUSED)
		fprintf(stderr, _("vigilctl: is vigild running? (socket %s)\n"), cli->socket_path);
	return VG_EXIT_UNREACHABLE;
}

int vg_cli_connect(struct vg_cli *cli)
{
	struct vg_error err;

	if (connect_agent(cli, &err) != VG_EXIT_OK)
		return report_unreachable(cli, &err);
	return VG_EXIT_OK;
}

int vg_cli_request(struct vg_cli *cli, enum vg_cmd cmd, json_t *args, json_t **result, struct vg_error *err)
{
	int r;

	*result = NULL;
	vg_error_clear(err);
	if ((r = connect_agent(cli, err)) != VG_EXIT_OK) {
		json_decref(args);
		return r;
	}
	r = vg_client_call(cli->client, cmd, args, VG_CLI_TIMEOUT_MS, result, err);
	if (r == 0)
		return VG_EXIT_OK;
	if (r == -ECONNRESET || r == -ETIMEDOUT || r == -EPROTO) {
		/* The connection is no longer usable: the next command reconnects. */
		vg_client_close(cli->client);
		cli->client = NULL;
		return VG_EXIT_UNREACHABLE;
	}
	return VG_EXIT_FAILED;
}

int vg_cli_call(struct vg_cli *cli, enum vg_cmd cmd, json_t *args, json_t **result)
{
	struct vg_error err;
	int rc = vg_cli_request(cli, cmd, args, result, &err);

	if (rc == VG_EXIT_UNREACHABLE)
		return report_unreachable(cli, &err);
	if (rc != VG_EXIT_OK)
		return vg_cli_report(cli, rc, &err);
	return VG_EXIT_OK;
}
