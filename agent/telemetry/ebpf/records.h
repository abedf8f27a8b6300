/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The records that the eBPF sensor's kernel programs (sensor.bpf.c) put in the ring buffer,
 * shared with the agent that reads them (ebpf-decode.c).  Fixed-width types only, the same
 * layout on both sides; every record starts with struct vg_bpf_hdr, whose size says how many
 * bytes the record really has (paths and arguments are variable).
 */
#ifndef VIGIL_TELEMETRY_EBPF_RECORDS_H
#define VIGIL_TELEMETRY_EBPF_RECORDS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

enum vg_bpf_kind {
	VG_BPF_EXEC = 1,        /* a program started (sched_process_exec) */
	VG_BPF_EXIT = 2,        /* the last thread of a process ended (sched_process_exit) */
	VG_BPF_CONNECT = 3,     /* the outcome of an outgoing TCP connection */
	VG_BPF_ACCEPT = 4,      /* a TCP connection taken by accept() */
	VG_BPF_LISTEN = 5,      /* a TCP socket began to listen */
	VG_BPF_UDP_SEND = 6,    /* the first datagram from a UDP socket to a destination */
};

/* Sizes of the variable parts of an exec record. */
#define VG_BPF_PATH_MAX 4096
#define VG_BPF_ARGV_MAX 8192

/* Flags of an exec record. */
#define VG_BPF_EXE_TRUNCATED 0x1
#define VG_BPF_CWD_TRUNCATED 0x2
#define VG_BPF_ARGV_TRUNCATED 0x4

/* The kernel-side counters (a per-CPU array, summed by the agent). */
enum vg_bpf_counter {
	VG_BPF_CNT_RING_FULL,     /* records lost: the ring buffer had no room */
	VG_BPF_CNT_TABLE_FULL,    /* connections or calls not followed: a map was full */
	VG_BPF_CNT_SUBMITTED,     /* records put in the ring buffer */
	VG_BPF_CNT_ACCEPT_UNSURE, /* accept() results that could not be tied to their listener */
	VG_BPF_NCOUNTERS,
};

/* Who did it: a thread of a process, identified by its pid and its start time. */
struct vg_bpf_proc {
	__u64 start_ns;         /* the process's start, ns since boot (with pid, its identity) */
	__u64 parent_start_ns;
	__u64 exe_ino;
	__u32 pid, tid, ppid;
	__u32 uid, gid, euid, egid;
	__u32 auid, sessionid;  /* login uid and session (audit); 4294967295 when unset */
	__u32 exe_dev;          /* the kernel's encoding: major << 20 | minor; 0 when unknown */
	char comm[16];
};

struct vg_bpf_hdr {
	__u32 kind;             /* enum vg_bpf_kind */
	__u32 size;             /* bytes of the whole record */
	__u64 time_ns;          /* ns since boot (CLOCK_BOOTTIME) */
	struct vg_bpf_proc proc;
};

/* Followed by the executable's path, then the working directory, then the arguments (each
 * NUL-terminated), with the lengths below (NULs included). */
struct vg_bpf_exec {
	struct vg_bpf_hdr h;
	__u32 flags;
	__u16 exe_len, cwd_len;
	__u32 argv_len;
	__u32 pad;
};

struct vg_bpf_exit {
	struct vg_bpf_hdr h;
	__u32 exit_code;        /* the kernel's wait status: (status << 8) or the signal */
	__u32 pad;
};

struct vg_bpf_net {
	struct vg_bpf_hdr h;
	__u16 family;           /* AF_INET or AF_INET6 */
	__u16 protocol;         /* IPPROTO_TCP or IPPROTO_UDP */
	__u16 local_port, remote_port;   /* host order */
	__u8 local_addr[16], remote_addr[16];
	__s32 error;            /* connect: 0 when established, else the socket's error (errno) */
	__u32 netns;            /* the network namespace's inode number */
};

#endif
