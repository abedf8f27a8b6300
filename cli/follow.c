/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Following a stream of the agent (telemetry follow, detection follow) until Ctrl-C. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define FOLLOW_POLL_MS 250

/* Ctrl-C during follow only sets this; the loop notices it. */
static volatile sig_atomic_t follow_interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	follow_interrupted = 1;
}

int vg_cli_follow(struct vg_cli *cli, enum vg_cmd cmd, vg_client_stream_fn on_message, void *data, const char *banner)
{
	struct sigaction sa, old;
	struct vg_error err;
	json_t *r;
	int rc;

	if ((rc = vg_cli_call(cli, cmd, NULL, &r)) != VG_EXIT_OK)
		return rc;
	json_decref(r);
	vg_client_on_stream(cli->client, on_message, data);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	follow_interrupted = 0;
	sigaction(SIGINT, &sa, &old);
	if (!cli->json)
		fprintf(stderr, "%s\n", banner);
	rc = VG_EXIT_OK;
	while (!follow_interrupted) {
		struct pollfd p = { .fd = vg_client_fd(cli->client), .events = POLLIN };
		int n = poll(&p, 1, FOLLOW_POLL_MS);

		if (n < 0 && errno != EINTR) {
			rc = VG_EXIT_FAILED;
			break;
		}
		if (n > 0 && vg_client_process(cli->client, &err) < 0) {
			rc = vg_cli_report(cli, VG_EXIT_UNREACHABLE, &err);
			break;
		}
	}
	sigaction(SIGINT, &old, NULL);
	/* The subscription ends with the connection; the next command opens a fresh one. */
	vg_client_close(cli->client);
	cli->client = NULL;
	return rc;
}
