/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The check of a task request before the task exists: its form only (paths absolute and
 * bounded, hashes, numbers in range, lists of strings), nothing read from the host, so that it
 * runs on the loop for every source (the shell, the console, the server, IOC actions) and a
 * mistyped request is an error rather than a task in the journal.  What needs the host (does
 * the user exist, which quarantine entry does a prefix name) is looked up on a worker by the
 * subsystem; the executors check everything again when they run.
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "nls.h"
#include "tasks/executors.h"
#include "tasks/request.h"
#include "vigil/error.h"

#define MAX_PID 4194304       /* the kernel's pid_max limit */
#define MAX_TIMEOUT 86400

static bool plain_string(const json_t *v, size_t max)
{
	return json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v) && json_string_length(v) <= max;
}

/* An optional array of at most max strings, each at most VG_TASK_MAX_ARG_LEN bytes without NUL;
 * with need_eq, each NAME=VALUE. */
static int check_strings(const json_t *req, const char *key, size_t max, const char *max_text, bool need_eq,
			 struct vg_error *err)
{
	const json_t *a = json_object_get(req, key), *v;
	size_t i;

	if (!a)
		return 0;
	if (!json_is_array(a))
		return vg_error_set(err, -EINVAL, N_("\"%s\" must be an array of strings"), key);
	if (json_array_size(a) > max)
		return vg_error_set(err, -E2BIG, need_eq ? N_("too many environment variables (at most %s)")
							  : N_("too many arguments (at most %s)"), max_text);
	json_array_foreach(a, i, v) {
		if (!plain_string(v, VG_TASK_MAX_ARG_LEN))
			return vg_error_set(err, -EINVAL, N_("\"%s\" must be an array of strings"), key);
		if (need_eq && (!strchr(json_string_value(v), '=') || json_string_value(v)[0] == '='))
			return vg_error_set(err, -EINVAL, N_("an environment entry must look like NAME=VALUE"));
	}
	return 0;
}

int vg_task_user_lookup(const char *name, struct passwd *pw, char *buf, size_t size, struct passwd **found)
{
	char *end;
	unsigned long uid = strtoul(name, &end, 10);

	*found = NULL;
	if (name[0] >= '0' && name[0] <= '9' && !*end)
		getpwuid_r((uid_t)uid, pw, buf, size, found);
	else
		getpwnam_r(name, pw, buf, size, found);
	return *found ? 0 : -ENOENT;
}

int vg_task_user_name_check(const char *value, struct vg_error *err)
{
	size_t n = strlen(value);

	if (n == 0 || n > 32 || strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n ||
	    value[0] == '-')
		return vg_error_set(err, -EINVAL, N_("\"%s\" is not a user name or number"), value);
	return 0;
}

static int check_run(const json_t *req, struct vg_error *err)
{
	const json_t *user = json_object_get(req, "user"), *timeout = json_object_get(req, "timeout");
	const char *path;
	int r;

	if ((r = vg_task_path_arg(req, "exe", &path, err)) < 0)
		return r;
	if (json_object_get(req, "cwd") && (r = vg_task_path_arg(req, "cwd", &path, err)) < 0)
		return r;
	if ((r = check_strings(req, "args", VG_TASK_MAX_ARGS - 1, "1023", false, err)) < 0 ||
	    (r = check_strings(req, "env", VG_TASK_MAX_ENV, "256", true, err)) < 0)
		return r;
	if (user && !json_is_null(user)) {
		if (!plain_string(user, 63))
			return vg_error_set(err, -EINVAL, N_("\"%s\" must be a user name or number"), "user");
		if (json_string_length(user) && (r = vg_task_user_name_check(json_string_value(user), err)) < 0)
			return r;
	}
	if (timeout && !json_is_null(timeout) &&
	    (!json_is_integer(timeout) || json_integer_value(timeout) < 1 || json_integer_value(timeout) > MAX_TIMEOUT))
		return vg_error_set(err, -EINVAL, N_("\"timeout\" must be a number of seconds from 1 to 86400"));
	return 0;
}

static int check_terminate(const json_t *req, struct vg_error *err)
{
	const json_t *pid = json_object_get(req, "pid"), *start = json_object_get(req, "start_time");
	const char *exe = NULL;
	char sha[65];
	bool by_hash;
	int r;

	if ((r = vg_task_sha256_arg(req, sha, &by_hash, err)) < 0)
		return r;
	if (json_object_get(req, "exe") && (r = vg_task_path_arg(req, "exe", &exe, err)) < 0)
		return r;
	if ((pid != NULL) + (exe != NULL) + by_hash != 1)
		return vg_error_set(err, -EINVAL, N_("give exactly one of \"pid\", \"exe\" and \"sha256\""));
	if ((pid && (!json_is_integer(pid) || json_integer_value(pid) <= 0 || json_integer_value(pid) > MAX_PID)) ||
	    (start && (!pid || !json_is_integer(start) || json_integer_value(start) < 0)))
		return vg_error_set(err, -EINVAL, N_("\"pid\" must be a process id (and \"start_time\" a number)"));
	return 0;
}

int vg_task_quarantine_prefix_check(const char *prefix, struct vg_error *err)
{
	size_t n = prefix ? strlen(prefix) : 0;

	if (n == 0 || n > 16 || strspn(prefix, "0123456789abcdefABCDEF") != n)
		return vg_error_set(err, -EINVAL,
				    N_("\"%s\" is not a quarantine id (16 hexadecimal digits, or the first of them)"),
				    prefix ? prefix : "");
	return 0;
}

int vg_task_request_check(const char *kind, const json_t *req, struct vg_error *err)
{
	const char *path, *id = json_string_value(json_object_get(req, "id"));
	const json_t *quarantine = json_object_get(req, "quarantine");
	char sha[65];
	bool given;
	int r;

	if (strcmp(kind, "get-file") == 0 || strcmp(kind, "delete-file") == 0) {
		if ((r = vg_task_path_arg(req, "path", &path, err)) < 0 || (r = vg_task_sha256_arg(req, sha, &given, err)) < 0)
			return r;
		if (quarantine && !json_is_boolean(quarantine))
			return vg_error_set(err, -EINVAL, N_("\"%s\" must be true or false"), "quarantine");
		return 0;
	}
	if (strcmp(kind, "run") == 0)
		return check_run(req, err);
	if (strcmp(kind, "terminate") == 0)
		return check_terminate(req, err);
	/* quarantine-restore, quarantine-purge: a whole id by now (a prefix was resolved before). */
	if ((r = vg_task_quarantine_prefix_check(id, err)) < 0)
		return r;
	if (strlen(id) != 16 || strspn(id, "0123456789abcdef") != 16)
		return vg_error_set(err, -EINVAL,
				    N_("\"%s\" is not a quarantine id (16 hexadecimal digits, or the first of them)"), id);
	return 0;
}
