/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The eBPF sensor: process starts and exits, TCP connections, accepts and listens, and UDP
 * destinations, read in the kernel by BPF programs on tracepoints (ebpf/sensor.bpf.c) and
 * brought to the agent through a ring buffer by a reader thread of its own.  It touches no
 * audit rule and no host-wide setting, so it runs beside auditd and any other audit user.
 *
 * Its programs and maps belong to the agent's file descriptors only (nothing is pinned):
 * they leave the kernel when the sensor stops or the agent dies.
 */
#ifndef VIGIL_TELEMETRY_EBPF_H
#define VIGIL_TELEMETRY_EBPF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct vg_error;
struct vg_telemetry;
struct vg_tel_ebpf;

/* Whether this vigild has the eBPF sensor (configure --enable-ebpf). */
bool vg_tel_ebpf_built(void);

/* Loads and attaches the programs and starts the reader.  Fails (with a message saying why:
 * no BTF, missing privileges, a kernel that refuses the programs) leaving nothing behind. */
int vg_tel_ebpf_start(struct vg_tel_ebpf **out, struct vg_telemetry *tel, bool process, bool network,
		      struct vg_error *err);
/* Stops the reader, reads what is left in the ring buffer, detaches and frees. */
void vg_tel_ebpf_stop(struct vg_tel_ebpf *e);

/* Turns process or network collection on or off without reloading (loop thread). */
void vg_tel_ebpf_configure(struct vg_tel_ebpf *e, bool process, bool network);
/* Records the kernel could not put in the ring buffer (it was full) since the start. */
uint64_t vg_tel_ebpf_lost(struct vg_tel_ebpf *e);
json_t *vg_tel_ebpf_status(struct vg_tel_ebpf *e);

/* For the test agent only: while held, the reader leaves the ring buffer alone, so that a
 * test can fill it and see the kernel count what did not fit. */
void vg_tel_ebpf_hold(struct vg_tel_ebpf *e, bool hold);

#endif
