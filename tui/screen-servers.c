/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The servers screen: certificates, the servers with their checks, and the proxy.
 * Until the agent has the part, it asks for "link.status" and says plainly when the agent
 * does not know it; the real view replaces the probe here, in this file.
 */
#include "config.h"

#include <stdlib.h>

#include "console.h"
#include "nls.h"

struct servers_screen {
	struct vg_probe probe;
};

static void *create(struct vg_console *con)
{
	struct servers_screen *s = calloc(1, sizeof(*s));

	if (s)
		vg_probe_init(&s->probe, con, "link.status", N_("The server link (certificates, servers, proxy) is not available in this agent."));
	return s;
}

static void destroy(void *self)
{
	struct servers_screen *s = self;

	vg_probe_fini(&s->probe);
	free(s);
}

static void show(void *self)
{
	struct servers_screen *s = self;

	vg_probe_request(&s->probe);
}

static void draw(void *self, const struct vg_view *v)
{
	struct servers_screen *s = self;

	vg_probe_draw(&s->probe, v);
}

static int key(void *self, const struct vg_key *k)
{
	struct servers_screen *s = self;

	return vg_probe_key(&s->probe, k);
}

const struct vg_screen_class vg_screen_servers = {
	.id = VG_SCR_SERVERS,
	.label = N_("Servers"),
	.title = N_("Certificates, servers and proxy"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
};
