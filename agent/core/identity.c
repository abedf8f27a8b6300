/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The agent's stable id: a random UUID made once and kept in the state directory. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "agent.h"
#include "events.h"
#include "fileio.h"
#include "nls.h"
#include "vigil/error.h"

#define ID_FILE "agent-id"

static bool valid_uuid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
			return false;
	}
	return true;
}

int vg_agent_identity_load(struct vg_agent *agent, struct vg_error *err)
{
	char path[PATH_MAX + 16], *text = NULL;
	unsigned char b[16];
	size_t len;
	int r;

	if (gethostname(agent->hostname, sizeof(agent->hostname) - 1) < 0)
		snprintf(agent->hostname, sizeof(agent->hostname), "localhost");
	snprintf(path, sizeof(path), "%s/%s", agent->cfg.state_dir, ID_FILE);
	if (vg_file_read_all(path, 128, &text, &len, NULL) == 0) {
		text[strcspn(text, "\r\n")] = '\0';
		if (valid_uuid(text)) {
			snprintf(agent->id, sizeof(agent->id), "%s", text);
			free(text);
			return 0;
		}
		free(text);
	}
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return vg_error_set(err, -EIO, N_("cannot make the agent id: %s"), strerror(errno));
	b[6] = (b[6] & 0x0f) | 0x40; /* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80; /* variant 1 */
	snprintf(agent->id, sizeof(agent->id),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	{
		char line[40];
		int n = snprintf(line, sizeof(line), "%s\n", agent->id);

		if ((r = vg_file_write_atomic(path, line, (size_t)n, 0600, err)) < 0)
			return r;
	}
	return 0;
}

const char *vg_agent_id(const struct vg_agent *agent)
{
	return agent->id;
}

const char *vg_agent_hostname(const struct vg_agent *agent)
{
	return agent->hostname;
}
