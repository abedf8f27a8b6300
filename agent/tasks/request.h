/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The check of a task request's form before the task exists (request.c). */
#ifndef VIGIL_TASKS_REQUEST_H
#define VIGIL_TASKS_REQUEST_H

#include <jansson.h>
#include <pwd.h>
#include <stddef.h>

struct vg_error;

/* Checks the form of a request of kind ("get-file", "delete-file", "run", "terminate",
 * "quarantine-restore", "quarantine-purge"): what each argument must be, without reading
 * anything of the host.  Returns 0, or -EINVAL (-E2BIG, -ENAMETOOLONG) with err naming the
 * argument. */
int vg_task_request_check(const char *kind, const json_t *req, struct vg_error *err);

/* A user name as useradd accepts it, or a uid (whether it exists is another question). */
int vg_task_user_name_check(const char *value, struct vg_error *err);

/* Looks name (a user name, or a uid in decimal) up in the user database, with getpwnam_r or
 * getpwuid_r into pw and buf: 0 with *found set, or -ENOENT.  May wait for NSS: not on the loop. */
int vg_task_user_lookup(const char *name, struct passwd *pw, char *buf, size_t size, struct passwd **found);

/* A quarantine id or the start of one: 1 to 16 hexadecimal digits. */
int vg_task_quarantine_prefix_check(const char *prefix, struct vg_error *err);

#endif
