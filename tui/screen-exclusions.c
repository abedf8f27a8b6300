/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The exclusions screen: the telemetry exclusion rules.
 * Until the agent has the part, it asks for "telemetry.exclusion.list" and says plainly when the agent
 * does not know it; the real view replaces the probe here, in this file.
 */
#include "config.h"

#include <stdlib.h>

#include "console.h"
#include "nls.h"

struct exclusions_screen {
	struct vg_probe probe;
};

static void *create(struct vg_console *con)
{
	struct exclusions_screen *s = calloc(1, sizeof(*s));

	if (s)
		vg_probe_init(&s->probe, con, "telemetry.exclusion.list", N_("Telemetry exclusions are not available in this agent."));
	return s;
}

static void destroy(void *self)
{
	struct exclusions_screen *s = self;

	vg_probe_fini(&s->probe);
	free(s);
}

static void show(void *self)
{
	struct exclusions_screen *s = self;

	vg_probe_request(&s->probe);
}

static void draw(void *self, const struct vg_view *v)
{
	struct exclusions_screen *s = self;

	vg_probe_draw(&s->probe, v);
}

static int key(void *self, const struct vg_key *k)
{
	struct exclusions_screen *s = self;

	return vg_probe_key(&s->probe, k);
}

const struct vg_screen_class vg_screen_exclusions = {
	.id = VG_SCR_EXCLUSIONS,
	.label = N_("Exclusions"),
	.title = N_("Telemetry exclusions"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
};
