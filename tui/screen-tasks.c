/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The tasks screen: the task history and the forms that start get-file, delete-file, run and terminate.
 * Until the agent has the part, it asks for "task.list" and says plainly when the agent
 * does not know it; the real view replaces the probe here, in this file.
 */
#include "config.h"

#include <stdlib.h>

#include "console.h"
#include "nls.h"

struct tasks_screen {
	struct vg_probe probe;
};

static void *create(struct vg_console *con)
{
	struct tasks_screen *s = calloc(1, sizeof(*s));

	if (s)
		vg_probe_init(&s->probe, con, "task.list", N_("Response tasks are not available in this agent."));
	return s;
}

static void destroy(void *self)
{
	struct tasks_screen *s = self;

	vg_probe_fini(&s->probe);
	free(s);
}

static void show(void *self)
{
	struct tasks_screen *s = self;

	vg_probe_request(&s->probe);
}

static void draw(void *self, const struct vg_view *v)
{
	struct tasks_screen *s = self;

	vg_probe_draw(&s->probe, v);
}

static int key(void *self, const struct vg_key *k)
{
	struct tasks_screen *s = self;

	return vg_probe_key(&s->probe, k);
}

const struct vg_screen_class vg_screen_tasks = {
	.id = VG_SCR_TASKS,
	.label = N_("Tasks"),
	.title = N_("Response tasks"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
};
