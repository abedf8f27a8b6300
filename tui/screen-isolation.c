/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The isolation screen: isolation on and off, the exceptions and the profiles.
 * Until the agent has the part, it asks for "isolation.status" and says plainly when the agent
 * does not know it; the real view replaces the probe here, in this file.
 */
#include "config.h"

#include <stdlib.h>

#include "console.h"
#include "nls.h"

struct isolation_screen {
	struct vg_probe probe;
};

static void *create(struct vg_console *con)
{
	struct isolation_screen *s = calloc(1, sizeof(*s));

	if (s)
		vg_probe_init(&s->probe, con, "isolation.status", N_("Network isolation is not available in this agent."));
	return s;
}

static void destroy(void *self)
{
	struct isolation_screen *s = self;

	vg_probe_fini(&s->probe);
	free(s);
}

static void show(void *self)
{
	struct isolation_screen *s = self;

	vg_probe_request(&s->probe);
}

static void draw(void *self, const struct vg_view *v)
{
	struct isolation_screen *s = self;

	vg_probe_draw(&s->probe, v);
}

static int key(void *self, const struct vg_key *k)
{
	struct isolation_screen *s = self;

	return vg_probe_key(&s->probe, k);
}

const struct vg_screen_class vg_screen_isolation = {
	.id = VG_SCR_ISOLATION,
	.label = N_("Isolation"),
	.title = N_("Network isolation"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
};
