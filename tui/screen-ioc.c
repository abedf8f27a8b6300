/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The ioc screen: IOC files, scan options, progress and the results tree.
 * Until the agent has the part, it asks for "ioc.results" and says plainly when the agent
 * does not know it; the real view replaces the probe here, in this file.
 */
#include "config.h"

#include <stdlib.h>

#include "console.h"
#include "nls.h"

struct ioc_screen {
	struct vg_probe probe;
};

static void *create(struct vg_console *con)
{
	struct ioc_screen *s = calloc(1, sizeof(*s));

	if (s)
		vg_probe_init(&s->probe, con, "ioc.results", N_("IOC scans are not available in this agent."));
	return s;
}

static void destroy(void *self)
{
	struct ioc_screen *s = self;

	vg_probe_fini(&s->probe);
	free(s);
}

static void show(void *self)
{
	struct ioc_screen *s = self;

	vg_probe_request(&s->probe);
}

static void draw(void *self, const struct vg_view *v)
{
	struct ioc_screen *s = self;

	vg_probe_draw(&s->probe, v);
}

static int key(void *self, const struct vg_key *k)
{
	struct ioc_screen *s = self;

	return vg_probe_key(&s->probe, k);
}

const struct vg_screen_class vg_screen_ioc = {
	.id = VG_SCR_IOC,
	.label = N_("IOC"),
	.title = N_("IOC scans"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
};
