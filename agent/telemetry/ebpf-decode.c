/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "events.h"
#include "telemetry/ebpf-decode.h"
#include "telemetry/ebpf/records.h"
#include "ocsf.h"
#include "telemetry/proctable.h"

#define MAX_ARGS 256

int vg_ebpf_decoder_init(struct vg_ebpf_decoder *d, size_t max_processes)
{
	memset(d, 0, sizeof(*d));
	vg_ebpf_decoder_sync_clock(d);
	return vg_proctable_new(&d->procs, max_processes);
}

void vg_ebpf_decoder_fini(struct vg_ebpf_decoder *d)
{
	vg_proctable_free(d->procs);
	d->procs = NULL;
}

void vg_ebpf_decoder_sync_clock(struct vg_ebpf_decoder *d)
{
	struct timespec real, boot;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	d->boot_to_real_ns = ((int64_t)real.tv_sec - boot.tv_sec) * 1000000000 + (real.tv_nsec - boot.tv_nsec);
}

uint64_t vg_ebpf_dev(uint32_t kdev)
{
	return makedev(kdev >> 20, kdev & 0xfffff);
}

static int64_t wall_ms(const struct vg_ebpf_decoder *d, uint64_t boot_ns)
{
	return ((int64_t)boot_ns + d->boot_to_real_ns) / 1000000;
}

/* The executable of who: from the process table when it is the same process running the
 * same file (the kernel gave its device and inode), else unknown. */
static const char *known_exe(const struct vg_ebpf_decoder *d, const struct vg_bpf_proc *who)
{
	const struct vg_proc_entry *e = vg_proctable_find(d->procs, who->pid, who->start_ns);

	if (!e)
		return NULL;
	if (who->exe_dev && (e->exe_dev != vg_ebpf_dev(who->exe_dev) || e->exe_ino != who->exe_ino))
		return NULL;
	return e->exe;
}

static json_t *process_json(const struct vg_bpf_proc *who, const char *exe)
{
	return vg_ocsf_process(who->pid, who->comm, exe, who->uid, who->ppid);
}

static json_t *base_event(const struct vg_ebpf_decoder *d, int class_uid, int activity, const char *name,
			  const struct vg_bpf_hdr *h)
{
	json_t *e = vg_ocsf_event(class_uid, activity, name, wall_ms(d, h->time_ns));

	json_object_set_new(json_object_get(e, "unmapped"), "auid", json_integer((json_int_t)h->proc.auid));
	return e;
}

/* Process Activity (Launch 1, Terminate 2) of proc (reference stolen), with the sensor's own
 * additions. */
static json_t *process_event(const struct vg_ebpf_decoder *d, int activity, json_t *proc, const struct vg_bpf_hdr *h)
{
	json_t *e = vg_ocsf_process_activity(activity, proc, wall_ms(d, h->time_ns));

	if (e)
		json_object_set_new(json_object_get(e, "unmapped"), "auid", json_integer((json_int_t)h->proc.auid));
	return e;
}

/* The executable's identity as enrichment checks it before hashing. */
static json_t *exe_hints(const struct vg_bpf_proc *who)
{
	json_t *hints = json_object();

	if (hints && who->exe_dev) {
		json_object_set_new_nocheck(hints, "dev", json_integer((json_int_t)vg_ebpf_dev(who->exe_dev)));
		json_object_set_new_nocheck(hints, "ino", json_integer((json_int_t)who->exe_ino));
	}
	return hints;
}

/* Splits NUL-separated arguments (len bytes) into a JSON array of at most MAX_ARGS. */
static json_t *split_args(const char *args, size_t len)
{
	json_t *argv = json_array();
	size_t at = 0;

	while (argv && at < len && json_array_size(argv) < MAX_ARGS) {
		const char *end = memchr(args + at, '\0', len - at);
		size_t n = end ? (size_t)(end - (args + at)) : len - at;

		if (json_array_append_new(argv, vg_ocsf_textn(args + at, n)) < 0)
			break;
		at += n + 1;
	}
	return argv;
}

static json_t *exec_event(struct vg_ebpf_decoder *d, const struct vg_bpf_exec *x, size_t size)
{
	const char *data = (const char *)(x + 1);
	size_t avail = size - sizeof(*x);
	const char *exe, *cwd, *args;
	json_t *e, *proc, *argv, *unmapped, *hints;
	char *cmd;

	if ((size_t)x->exe_len + x->cwd_len + x->argv_len > avail ||
	    (x->exe_len && data[x->exe_len - 1] != '\0') || (x->cwd_len && data[x->exe_len + x->cwd_len - 1] != '\0'))
		return NULL;
	exe = x->exe_len ? data : "";
	cwd = x->cwd_len ? data + x->exe_len : "";
	args = data + x->exe_len + x->cwd_len;
	vg_proctable_set(d->procs, x->h.proc.pid, x->h.proc.start_ns, 0, exe, vg_ebpf_dev(x->h.proc.exe_dev),
			 x->h.proc.exe_ino);
	proc = process_json(&x->h.proc, exe);
	argv = split_args(args, x->argv_len);
	cmd = vg_ocsf_cmd_line(argv);
	json_object_set_new(proc, "cmd_line", vg_ocsf_text(cmd ? cmd : ""));
	free(cmd);
	json_object_set_new(proc, "created_time", json_integer(wall_ms(d, x->h.time_ns)));
	if (!(e = process_event(d, 1, proc, &x->h))) {
		json_decref(argv);
		return NULL;
	}
	unmapped = json_object_get(e, "unmapped");
	json_object_set_new(unmapped, "argv", argv);
	json_object_set_new(unmapped, "cwd", vg_ocsf_text(cwd));
	/* Longer than the kernel side reads: the arguments lose their end, a path its start. */
	if (x->flags & VG_BPF_ARGV_TRUNCATED)
		json_object_set_new(unmapped, "argv_truncated", json_true());
	if (x->flags & VG_BPF_EXE_TRUNCATED)
		json_object_set_new(unmapped, "exe_truncated", json_true());
	if (x->flags & VG_BPF_CWD_TRUNCATED)
		json_object_set_new(unmapped, "cwd_truncated", json_true());
	hints = exe_hints(&x->h.proc);
	/* The parent's identity: enrichment reads a parent that it did not see start from /proc
	 * once, not at each of its children's launches. */
	if (x->h.proc.parent_start_ns)
		json_object_set_new(hints, "parent_start", json_integer((json_int_t)x->h.proc.parent_start_ns));
	json_object_set_new(e, "_vg", hints);
	return e;
}

/* The end of a process: its exit status, or the signal that killed it. */
static json_t *exit_event(struct vg_ebpf_decoder *d, const struct vg_bpf_exit *x)
{
	const struct vg_proc_entry *known = vg_proctable_find(d->procs, x->h.proc.pid, x->h.proc.start_ns);
	json_t *e = process_event(d, 2, process_json(&x->h.proc, known ? known->exe : NULL), &x->h);
	unsigned sig = x->exit_code & 0x7f;

	if (!e)
		return NULL;
	if (sig == 0) {
		json_object_set_new(e, "exit_code", json_integer((x->exit_code >> 8) & 0xff));
	} else {
		json_object_set_new(json_object_get(e, "unmapped"), "signal", json_integer(sig));
		if (x->exit_code & 0x80)
			json_object_set_new(json_object_get(e, "unmapped"), "core_dumped", json_true());
	}
	vg_proctable_remove(d->procs, x->h.proc.pid);
	return e;
}

static bool is_unspecified(int family, const uint8_t *addr)
{
	static const uint8_t zero[16];

	return memcmp(addr, zero, family == AF_INET6 ? 16 : 4) == 0;
}

static json_t *net_event(struct vg_ebpf_decoder *d, const struct vg_bpf_net *n)
{
	int addr_family = n->family == AF_INET6 ? AF_INET6 : AF_INET;
	json_t *local = vg_ocsf_endpoint(addr_family, n->local_addr, n->local_port);
	json_t *remote = vg_ocsf_endpoint(addr_family, n->remote_addr, n->remote_port);
	int activity, direction, err = 0;
	const char *name;
	json_t *e;

	if (!local || !remote || (n->family != AF_INET && n->family != AF_INET6)) {
		json_decref(local);
		json_decref(remote);
		return NULL;
	}
	switch (n->h.kind) {
	case VG_BPF_CONNECT:
		err = n->error > 0 ? n->error : 0;
		activity = vg_ocsf_connect_activity(err, &name);
		direction = 2;
		break;
	case VG_BPF_UDP_SEND:
		activity = VG_NET_OPEN;
		name = "Open";
		direction = 2;
		break;
	case VG_BPF_ACCEPT:
		activity = VG_NET_OPEN;
		name = "Open";
		direction = 1;
		break;
	default: /* VG_BPF_LISTEN: a listening socket is there for what comes in */
		activity = VG_NET_LISTEN;
		name = "Listen";
		direction = 1;
		break;
	}
	e = base_event(d, VG_OCSF_NETWORK_ACTIVITY, activity, name, &n->h);
	json_object_set_new(e, "actor", json_pack("{s:o}", "process", process_json(&n->h.proc, known_exe(d, &n->h.proc))));
	vg_ocsf_connection_info(e, direction, n->protocol);
	if (err)
		vg_ocsf_status_error(e, err);
	else
		vg_ocsf_set_status(e, VG_STATUS_SUCCESS, NULL, NULL);
	if (n->h.kind == VG_BPF_LISTEN) {
		/* Its address is the destination of what comes; there is no peer. */
		json_object_set_new(e, "dst_endpoint", local);
		json_decref(remote);
	} else if (direction == 1) {
		json_object_set_new(e, "src_endpoint", remote);
		json_object_set_new(e, "dst_endpoint", local);
	} else {
		/* A connection that failed has already given its local port back, and an unconnected
		 * UDP socket has no local address of its own: what is not known is left out.  An
		 * endpoint needs an address: a local port without one is unmapped. */
		if (err && n->local_port == 0)
			json_object_del(local, "port");
		if (is_unspecified(addr_family, n->local_addr)) {
			if (n->local_port)
				json_object_set_new(json_object_get(e, "unmapped"), "local_port",
						    json_integer(n->local_port));
			json_decref(local);
		} else {
			json_object_set_new(e, "src_endpoint", local);
		}
		json_object_set_new(e, "dst_endpoint", remote);
	}
	json_object_set_new(e, "_vg", exe_hints(&n->h.proc));
	return e;
}

json_t *vg_ebpf_decode(struct vg_ebpf_decoder *d, const void *record, size_t size)
{
	const struct vg_bpf_hdr *h = record;
	json_t *e = NULL;

	d->records++;
	if (size < sizeof(*h) || h->size != size)
		goto bad;
	/* comm is NUL-terminated by the kernel; a record is read-only, so check rather than fix. */
	if (!memchr(h->proc.comm, '\0', sizeof(h->proc.comm)))
		goto bad;
	switch (h->kind) {
	case VG_BPF_EXEC:
		if (size < sizeof(struct vg_bpf_exec) || !(e = exec_event(d, record, size)))
			goto bad;
		return e;
	case VG_BPF_EXIT:
		if (size != sizeof(struct vg_bpf_exit))
			goto bad;
		return exit_event(d, record);
	case VG_BPF_CONNECT:
	case VG_BPF_ACCEPT:
	case VG_BPF_LISTEN:
	case VG_BPF_UDP_SEND:
		if (size != sizeof(struct vg_bpf_net) || !(e = net_event(d, record)))
			goto bad;
		return e;
	default:
		break;
	}
bad:
	d->malformed++;
	return NULL;
}
