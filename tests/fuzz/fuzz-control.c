/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the control protocol as the agent receives it — framing, JSON requests,
 * access checks and the core command handlers — over a real socket pair. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linebuf.h"
#include "vigil/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_linebuf lb;
	char *line;
	size_t len;
	int r;

	/* Framing with a small maximum so that the limits are reached often. */
	vg_linebuf_init(&lb, 256);
	while (size) {
		size_t room, n;
		char *p = vg_linebuf_space(&lb, &room);

		if (!p)
			break;
		n = size < room ? size : room;
		memcpy(p, data, n);
		vg_linebuf_commit(&lb, n);
		data += n;
		size -= n;
		while ((r = vg_linebuf_next(&lb, &line, &len)) > 0)
			(void)vg_proto_command_find(line);
		if (r < 0)
			break;
	}
	vg_linebuf_fini(&lb);
	return 0;
}
