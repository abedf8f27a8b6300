/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "telemetry/proctable.h"

/* Open addressing with linear probing; a removal shifts the entries after it back, so that
 * there are no tombstones.  The slot array grows by doubling, up to twice max. */
struct vg_proctable {
	struct vg_proc_entry *slots;   /* pid 0: empty */
	size_t nslots, count, max;
	uint64_t refused;
};

static size_t slot_of(const struct vg_proctable *t, uint32_t pid)
{
	return ((uint64_t)pid * 0x9e3779b97f4a7c15ull >> 20) & (t->nslots - 1);
}

int vg_proctable_new(struct vg_proctable **out, size_t max)
{
	struct vg_proctable *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->nslots = 1024;
	t->max = max ? max : 1;
	t->slots = calloc(t->nslots, sizeof(*t->slots));
	if (!t->slots) {
		free(t);
		return -ENOMEM;
	}
	*out = t;
	return 0;
}

void vg_proctable_free(struct vg_proctable *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nslots; i++)
		free(t->slots[i].exe);
	free(t->slots);
	free(t);
}

static struct vg_proc_entry *lookup(const struct vg_proctable *t, uint32_t pid)
{
	for (size_t i = slot_of(t, pid), n = 0; n < t->nslots; i = (i + 1) & (t->nslots - 1), n++) {
		if (t->slots[i].pid == pid)
			return &t->slots[i];
		if (t->slots[i].pid == 0)
			return NULL;
	}
	return NULL;
}

static struct vg_proc_entry *free_slot(struct vg_proctable *t, uint32_t pid)
{
	size_t i = slot_of(t, pid);

	while (t->slots[i].pid != 0)
		i = (i + 1) & (t->nslots - 1);
	return &t->slots[i];
}

/* Doubles the slots (kept at most half full). */
static int grow(struct vg_proctable *t)
{
	struct vg_proctable bigger = *t;

	bigger.nslots = t->nslots * 2;
	bigger.slots = calloc(bigger.nslots, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -ENOMEM;
	for (size_t i = 0; i < t->nslots; i++)
		if (t->slots[i].pid)
			*free_slot(&bigger, t->slots[i].pid) = t->slots[i];
	free(t->slots);
	t->slots = bigger.slots;
	t->nslots = bigger.nslots;
	return 0;
}

int vg_proctable_set(struct vg_proctable *t, uint32_t pid, uint64_t start_ns, uint64_t slack_ns, const char *exe,
		     dev_t dev, ino_t ino)
{
	struct vg_proc_entry *e = lookup(t, pid);
	char *copy;

	if (pid == 0)
		return -EINVAL;
	if (!(copy = strdup(exe ? exe : "")))
		return -ENOMEM;
	if (!e) {
		if (t->count >= t->max || (t->count + 1 > t->nslots / 2 && grow(t) < 0)) {
			t->refused++;
			free(copy);
			return -ENOSPC;
		}
		e = free_slot(t, pid);
		t->count++;
	}
	free(e->exe);
	*e = (struct vg_proc_entry){ .pid = pid, .start_ns = start_ns, .start_slack_ns = slack_ns, .exe_dev = dev,
				     .exe_ino = ino, .exe = copy };
	return 0;
}

const struct vg_proc_entry *vg_proctable_find(const struct vg_proctable *t, uint32_t pid, uint64_t start_ns)
{
	const struct vg_proc_entry *e = lookup(t, pid);

	if (!e || start_ns < e->start_ns || start_ns - e->start_ns > e->start_slack_ns)
		return NULL;
	return e;
}

void vg_proctable_remove(struct vg_proctable *t, uint32_t pid)
{
	struct vg_proc_entry *e = lookup(t, pid);
	size_t hole, i;

	if (!e)
		return;
	free(e->exe);
	memset(e, 0, sizeof(*e));
	t->count--;
	/* Shift back the entries of the same run that would no longer be found past the hole. */
	hole = (size_t)(e - t->slots);
	for (i = (hole + 1) & (t->nslots - 1); t->slots[i].pid; i = (i + 1) & (t->nslots - 1)) {
		size_t home = slot_of(t, t->slots[i].pid);

		/* Does home lie cyclically in (hole, i]?  Then the entry stays. */
		if ((i > hole && home > hole && home <= i) || (i < hole && (home > hole || home <= i)))
			continue;
		t->slots[hole] = t->slots[i];
		memset(&t->slots[i], 0, sizeof(t->slots[i]));
		hole = i;
	}
}

size_t vg_proctable_count(const struct vg_proctable *t)
{
	return t->count;
}

uint64_t vg_proctable_refused(const struct vg_proctable *t)
{
	return t->refused;
}

/* Field 22 of /proc/PID/stat: the start time in clock ticks since boot.  The command name
 * (field 2) may hold spaces and parentheses: fields are counted after its last ')'. */
static bool start_ticks(const char *proc_root, const char *pid, unsigned long long *ticks)
{
	char path[PATH_MAX], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/stat", proc_root, pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	if (!(p = strrchr(buf, ')')))
		return false;
	/* The space after ")" starts field 3 (the state); starttime, field 22, is 20 spaces on. */
	for (int field = 3; field <= 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return false;
	}
	return sscanf(p + 1, "%llu", ticks) == 1;
}

size_t vg_proctable_seed(struct vg_proctable *t, const char *proc_root)
{
	uint64_t tick_ns = 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);
	DIR *d = opendir(proc_root);
	struct dirent *de;
	size_t added = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char link[PATH_MAX], exe[PATH_MAX];
		unsigned long long ticks;
		struct stat st;
		ssize_t n;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(link, sizeof(link), "%s/%s/exe", proc_root, de->d_name);
		/* Kernel threads have no executable; a process may end while it is read. */
		if ((n = readlink(link, exe, sizeof(exe) - 1)) <= 0 || stat(link, &st) < 0 ||
		    !start_ticks(proc_root, de->d_name, &ticks))
			continue;
		exe[n] = '\0';
		if (vg_proctable_set(t, (uint32_t)strtoul(de->d_name, NULL, 10), ticks * tick_ns, tick_ns - 1, exe,
				     st.st_dev, st.st_ino) == 0)
			added++;
	}
	closedir(d);
	return added;
}
