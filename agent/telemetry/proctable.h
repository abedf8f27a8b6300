/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The eBPF sensor's table of live processes: what each one runs (its executable's path and
 * identity), filled from the exec events and, at start, from /proc.  A process is known by its
 * pid and its start time, so that a reused pid is never taken for the process it replaced.
 * Events that the kernel reports without a path (exits, connections) get it from here.
 * Bounded: beyond max entries new processes are not remembered (counted).  One thread only.
 */
#ifndef VIGIL_TELEMETRY_PROCTABLE_H
#define VIGIL_TELEMETRY_PROCTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct vg_proctable;

struct vg_proc_entry {
	uint32_t pid;
	uint64_t start_ns;       /* ns since boot (CLOCK_BOOTTIME) */
	uint64_t start_slack_ns; /* how precise start_ns is: 0, or a clock tick when read from /proc */
	dev_t exe_dev;
	ino_t exe_ino;
	char *exe;
};

int vg_proctable_new(struct vg_proctable **out, size_t max);
void vg_proctable_free(struct vg_proctable *t);

/* Remembers (or replaces) pid's entry; exe is copied.  -ENOSPC when the table is full. */
int vg_proctable_set(struct vg_proctable *t, uint32_t pid, uint64_t start_ns, uint64_t slack_ns, const char *exe,
		     dev_t dev, ino_t ino);
/* The entry of the process pid that started at start_ns, or NULL. */
const struct vg_proc_entry *vg_proctable_find(const struct vg_proctable *t, uint32_t pid, uint64_t start_ns);
void vg_proctable_remove(struct vg_proctable *t, uint32_t pid);
size_t vg_proctable_count(const struct vg_proctable *t);
uint64_t vg_proctable_refused(const struct vg_proctable *t);

/* Adds every process found under proc_root ("/proc"): its executable and start time.
 * Returns how many were added. */
size_t vg_proctable_seed(struct vg_proctable *t, const char *proc_root);

#endif
