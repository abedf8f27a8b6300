/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Each run task in a cgroup (v2) of its own: everything the program starts — in the
 * background, in a new session, double-forked — stays in it, and is killed with it
 * (cgroup.kill) when the program ends, times out or is cancelled.
 *
 * The cgroups are ROOT/vigil-tasks/AGENT-PID/task-ID, ROOT being the cgroup v2 hierarchy
 * (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host): outside the agent's own
 * cgroup, so that a program's memory, processes and CPU are not counted against the agent's
 * limits (the unit's MemoryMax=, TasksMax=, CPUQuota=) — an out-of-memory program must never
 * make the OOM killer choose the agent — and so that the agent's unit needs no Delegate=.
 * Each task cgroup gets its own memory.max, pids.max and memory.oom.group when the memory
 * and pids controllers can be enabled there (status says which).  A directory of an agent
 * that died is killed and removed when the next one starts.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "nls.h"
#include "tasks/executors.h"
#include "vigil/error.h"

#define TASKS_DIR "vigil-tasks"
#define KILL_WAIT_MS 5000u
#define MAX_LISTED 64

struct vg_task_cgroups {
	char dir[VG_TASK_PATH_MAX + 1];    /* ROOT/vigil-tasks/AGENT-PID */
	bool memory, pids;                 /* controllers enabled for the task cgroups */
};

/* The mount point of the cgroup v2 hierarchy, from /proc/self/mountinfo. */
static int find_root(char *out, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int r = -ENOENT;

	if (!f)
		return -errno;
	while (r < 0 && fgets(line, sizeof(line), f)) {
		char *dash = strstr(line, " - "), mnt[VG_TASK_PATH_MAX + 1], type[32];

		if (dash && sscanf(dash, " - %31s", type) == 1 && strcmp(type, "cgroup2") == 0 &&
		    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 && strlen(mnt) < size) {
			snprintf(out, size, "%s", mnt);
			r = 0;
		}
	}
	fclose(f);
	return r;
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[VG_TASK_PATH_MAX + 64];
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* Whether the file dir/name (a list of controllers) holds word. */
static bool lists(const char *dir, const char *name, const char *word)
{
	char path[VG_TASK_PATH_MAX + 64], buf[512];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (char *save = NULL, *w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
		if (strcmp(w, word) == 0)
			return true;
	return false;
}

/* Enables name for the children of dir when dir may hand it down. */
static bool enable(const char *dir, const char *name)
{
	char text[32];

	snprintf(text, sizeof(text), "+%s", name);
	return lists(dir, "cgroup.controllers", name) && write_file(dir, "cgroup.subtree_control", text) == 0;
}

/* Kills everything in the cgroup dir and waits (at most KILL_WAIT_MS) until it is empty. */
static int kill_all(const char *dir)
{
	char path[VG_TASK_PATH_MAX + 64], buf[256];
	uint64_t until = vg_now_ms() + KILL_WAIT_MS;
	int fd;

	if (write_file(dir, "cgroup.kill", "1") < 0) {
		/* Before Linux 5.14: SIGKILL to each member, until none is left. */
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		while (vg_now_ms() < until) {
			FILE *f = fopen(path, "re");
			bool any = false;
			long pid;

			if (!f)
				break;
			while (fscanf(f, "%ld", &pid) == 1) {
				any = true;
				kill((pid_t)pid, SIGKILL);
			}
			fclose(f);
			if (!any)
				return 0;
			usleep(10000);
		}
	}
	snprintf(path, sizeof(path), "%s/cgroup.events", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	/* cgroup.events says "populated 0" once the last member is gone; a change wakes poll. */
	for (;;) {
		struct pollfd pf = { fd, POLLPRI, 0 };
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		uint64_t now = vg_now_ms();

		buf[n > 0 ? n : 0] = '\0';
		if (strstr(buf, "populated 0")) {
			close(fd);
			return 0;
		}
		if (now >= until)
			break;
		poll(&pf, 1, (int)(until - now));
	}
	close(fd);
	return -EBUSY;
}

/* Removes what an agent that died left: its processes killed, its cgroups removed. */
static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char sub[VG_TASK_PATH_MAX + 1];
		struct stat st;

		if (e->d_name[0] == '.' || snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) >= (int)sizeof(sub))
			continue;
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
			remove_tree(sub);
			kill_all(sub);
			rmdir(sub);
		}
	}
	closedir(d);
}

static void remove_stale(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *end, sub[VG_TASK_PATH_MAX + 1];
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH) ||
		    snprintf(sub, sizeof(sub), "%s/%s", base, e->d_name) >= (int)sizeof(sub))
			continue;
		vg_notice("tasks: removing the task cgroups of agent %ld, which is gone", pid);
		remove_tree(sub);
		kill_all(sub);
		rmdir(sub);
	}
	closedir(d);
}

int vg_task_cgroups_open(struct vg_task_cgroups **out, struct vg_error *err)
{
	struct vg_task_cgroups *cg = calloc(1, sizeof(*cg));
	char root[VG_TASK_PATH_MAX + 1], base[VG_TASK_PATH_MAX + 1];
	int r;

	*out = NULL;
	if (!cg)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if ((r = find_root(root, sizeof(root))) < 0) {
		free(cg);
		return vg_error_set(err, r, N_("no cgroup v2 hierarchy is mounted"));
	}
	snprintf(base, sizeof(base), "%s/" TASKS_DIR, root);
	if (snprintf(cg->dir, sizeof(cg->dir), "%s/%ld", base, (long)getpid()) >= (int)sizeof(cg->dir)) {
		free(cg);
		return vg_error_set(err, -ENAMETOOLONG, N_("path too long: %s"), base);
	}
	if ((mkdir(base, 0755) < 0 && errno != EEXIST) || (mkdir(cg->dir, 0755) < 0 && errno != EEXIST)) {
		r = vg_error_set(err, -errno, N_("cannot create %s: %s"), cg->dir, strerror(errno));
		free(cg);
		return r;
	}
	remove_stale(base);
	/* Limits need the controllers handed down from the root (systemd's to set, not ours), to
	 * vigil-tasks, to this agent's. */
	cg->memory = lists(root, "cgroup.subtree_control", "memory") && enable(base, "memory") && enable(cg->dir, "memory");
	cg->pids = lists(root, "cgroup.subtree_control", "pids") && enable(base, "pids") && enable(cg->dir, "pids");
	*out = cg;
	return 0;
}

void vg_task_cgroups_close(struct vg_task_cgroups *cg)
{
	char base[VG_TASK_PATH_MAX + 1];

	if (!cg)
		return;
	remove_tree(cg->dir);
	rmdir(cg->dir);
	/* Shared by the agents of one host (tests run several): only when it is empty. */
	snprintf(base, sizeof(base), "%.*s", (int)(strrchr(cg->dir, '/') - cg->dir), cg->dir);
	rmdir(base);
	free(cg);
}

json_t *vg_task_cgroups_status(const struct vg_task_cgroups *cg, uint64_t memory_max, uint64_t pids_max)
{
	json_t *limits;

	if (!cg)
		return json_pack("{s:b}", "available", 0);
	limits = json_object();
	if (cg->memory)
		json_object_set_new(limits, "memory_max", memory_max ? json_integer((json_int_t)memory_max) : json_string("max"));
	if (cg->pids)
		json_object_set_new(limits, "pids_max", pids_max ? json_integer((json_int_t)pids_max) : json_string("max"));
	return json_pack("{s:b, s:s, s:o}", "available", 1, "path", cg->dir, "limits", limits);
}

int vg_task_cgroup_make(const struct vg_task_cgroups *cg, const char *id, uint64_t memory_max, uint64_t pids_max,
			struct vg_task_cgroup *tc, struct vg_error *err)
{
	char path[VG_TASK_PATH_MAX + 64], value[32];

	memset(tc, 0, sizeof(*tc));
	tc->procs_fd = -1;
	if (!cg)
		return 0;  /* no cgroup v2: the process group is all there is */
	if (snprintf(tc->dir, sizeof(tc->dir), "%s/task-%s", cg->dir, id) >= (int)sizeof(tc->dir))
		return vg_error_set(err, -ENAMETOOLONG, N_("path too long: %s"), cg->dir);
	if (mkdir(tc->dir, 0755) < 0 && errno != EEXIST)
		return vg_error_set(err, -errno, N_("cannot create %s: %s"), tc->dir, strerror(errno));
	if (cg->memory) {
		snprintf(value, sizeof(value), "%llu", (unsigned long long)memory_max);
		if (write_file(tc->dir, "memory.max", memory_max ? value : "max") < 0 ||
		    write_file(tc->dir, "memory.oom.group", "1") < 0)
			vg_warn("tasks: cannot set the memory limit of %s", tc->dir);
	}
	if (cg->pids) {
		snprintf(value, sizeof(value), "%llu", (unsigned long long)pids_max);
		if (write_file(tc->dir, "pids.max", pids_max ? value : "max") < 0)
			vg_warn("tasks: cannot set the process limit of %s", tc->dir);
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", tc->dir);
	if ((tc->procs_fd = open(path, O_WRONLY | O_CLOEXEC)) < 0) {
		int e = errno;

		rmdir(tc->dir);
		tc->dir[0] = '\0';
		return vg_error_set(err, -e, N_("cannot open %s: %s"), path, strerror(e));
	}
	return 0;
}

/* The members of the cgroup, with their names: what is about to be killed. */
static json_t *members(const char *dir)
{
	char path[VG_TASK_PATH_MAX + 64];
	json_t *list = json_array();
	FILE *f;
	long pid;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (!list || !(f = fopen(path, "re")))
		return list;
	while (fscanf(f, "%ld", &pid) == 1 && json_array_size(list) < MAX_LISTED) {
		char comm_path[64], name[64] = "";
		int fd;
		ssize_t n;

		snprintf(comm_path, sizeof(comm_path), "/proc/%ld/comm", pid);
		if ((fd = open(comm_path, O_RDONLY | O_CLOEXEC)) >= 0) {
			n = read(fd, name, sizeof(name) - 1);
			close(fd);
			name[n > 0 ? n : 0] = '\0';
			name[strcspn(name, "\n")] = '\0';
		}
		json_array_append_new(list, json_pack("{s:I, s:s}", "pid", (json_int_t)pid, "name", name));
	}
	fclose(f);
	return list;
}

json_t *vg_task_cgroup_kill(struct vg_task_cgroup *tc)
{
	json_t *killed;

	if (!tc->dir[0])
		return NULL;
	killed = members(tc->dir);
	if (kill_all(tc->dir) < 0)
		vg_warn("tasks: processes of %s are still alive after SIGKILL", tc->dir);
	return killed;
}

void vg_task_cgroup_remove(struct vg_task_cgroup *tc)
{
	if (tc->procs_fd >= 0)
		close(tc->procs_fd);
	tc->procs_fd = -1;
	if (tc->dir[0] && rmdir(tc->dir) < 0 && errno != ENOENT)
		vg_warn("tasks: cannot remove %s: %s", tc->dir, strerror(errno));
	tc->dir[0] = '\0';
}
