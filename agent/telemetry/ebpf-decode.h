/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Turns the eBPF sensor's ring-buffer records (ebpf/records.h) into the same OCSF events as
 * the audit sensor makes: Process Activity Launch and Terminate, Network Activity Open,
 * Refuse, Fail and Listen.  Records come from the kernel but are checked all the same (sizes,
 * lengths, terminating NULs): a bad one is counted and skipped.  Keeps the process table that
 * gives exits and connections their executable.  One thread only.
 */
#ifndef VIGIL_TELEMETRY_EBPF_DECODE_H
#define VIGIL_TELEMETRY_EBPF_DECODE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct vg_proctable;

struct vg_ebpf_decoder {
	struct vg_proctable *procs;
	int64_t boot_to_real_ns;   /* CLOCK_REALTIME minus CLOCK_BOOTTIME */
	uint64_t records, malformed;
};

int vg_ebpf_decoder_init(struct vg_ebpf_decoder *d, size_t max_processes);
void vg_ebpf_decoder_fini(struct vg_ebpf_decoder *d);
/* Measures the offset between boot time (the records' clock) and wall time again. */
void vg_ebpf_decoder_sync_clock(struct vg_ebpf_decoder *d);

/* The event of one record (a new reference), or NULL when it makes none or is malformed. */
json_t *vg_ebpf_decode(struct vg_ebpf_decoder *d, const void *record, size_t size);

/* The kernel's encoding of a device number (major << 20 | minor) as user space's dev_t. */
uint64_t vg_ebpf_dev(uint32_t kdev);

#endif
