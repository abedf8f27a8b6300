// SPDX-License-Identifier: GPL-2.0-only OR GPL-3.0-or-later
/*
 * The eBPF sensor's kernel side: process starts and exits from the scheduler's tracepoints,
 * TCP connections from the socket state tracepoint, accept() and UDP sends from the syscall
 * tracepoints.  Everything is read in the kernel at the moment it happens and put in one ring
 * buffer; a record that does not fit is counted (VG_BPF_CNT_RING_FULL), never waited for.
 *
 * Only raw tracepoints are used: they need neither tracefs nor kprobes, and their arguments
 * are the kernel's own objects, read with CO-RE so that one object runs on every kernel that
 * has BTF.  (Also under the GPL 2, the licence of the kernel it runs in and of its helpers.)
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "records.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define NAME_MAX 255
#define PATH_DEPTH 64           /* components of a path read in the kernel */
#define TS_COMPAT 0x0002        /* x86: a 32-bit syscall */
#define ECONNABORTED 103        /* the same on every architecture the sensor knows */

/* The syscalls the sensor follows (64-bit numbers of the architecture built for). */
#if defined(__TARGET_ARCH_x86)
#define NR_ACCEPT 43
#define NR_ACCEPT4 288
#define NR_SENDTO 44
#define NR_SENDMSG 46
#define NR_SENDMMSG 307
#define SYSCALL_ARG6(regs) BPF_CORE_READ(regs, r9)
#elif defined(__TARGET_ARCH_arm64)
#define NR_ACCEPT 202
#define NR_ACCEPT4 242
#define NR_SENDTO 206
#define NR_SENDMSG 211
#define NR_SENDMMSG 269
#define SYSCALL_ARG6(regs) BPF_CORE_READ((const struct user_pt_regs *)(regs), regs[5])
#else
#error "the eBPF sensor knows the syscall numbers of x86_64 and arm64 only"
#endif

/* Set by the agent before loading: its own process, never reported. */
const volatile __u32 self_tgid = 0;
/* Changed by the agent while running (the settings telemetry.process and .network). */
volatile __u32 want_process = 1;
volatile __u32 want_network = 1;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	/* 2 MiB: seconds of the fastest exec storm; mapped twice in the agent (8 KiB records
	 * wrap), so it counts twice in its RSS. */
	__uint(max_entries, 2 << 20);
} vigil_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_BPF_NCOUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} vigil_counters SEC(".maps");

/* An exec record is built here, then copied into the ring buffer with its real size. */
#define EXEC_DATA (VG_BPF_PATH_MAX * 2 + VG_BPF_ARGV_MAX)
struct exec_scratch {
	struct vg_bpf_exec ev;
	char data[EXEC_DATA + VG_BPF_ARGV_MAX];   /* room past the end for the verifier's bounds */
};

/* A path walk in progress, one component per step of bpf_loop.  Its state lives in the
 * map, not on the stack, so that the verifier checks one step whatever the depth. */
struct walk {
	struct dentry *d;
	struct vfsmount *vm;
	struct mount *m;
	__u32 off;
	__u32 truncated;
};

/* A path is written backwards from the end of buf, one component at a time. */
struct path_scratch {
	struct walk w;
	char buf[VG_BPF_PATH_MAX + NAME_MAX + 1];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_scratch);
} vigil_exec_buf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_scratch);
} vigil_path_buf SEC(".maps");

/* Outgoing TCP connections under way: who started them, until they succeed or fail
 * (the outcome arrives in any context, often a softirq where "current" is unrelated). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct vg_bpf_proc);
} vigil_connect SEC(".maps");

/* A followed syscall in progress, from its entry to its exit, per thread. */
enum call_kind { CALL_ACCEPT = 1, CALL_UDP_SEND = 2 };
struct call {
	__u32 kind;
	__u16 family, port;     /* UDP: the destination (port in network order) */
	__u8 addr[16];
	__u64 sk;               /* accept: the listening socket; UDP: the sending one */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct call);
} vigil_calls SEC(".maps");

/* The last destination reported for each UDP socket, so that a socket sending to the same
 * place is reported once, not for every datagram. */
struct udp_key {
	__u64 sk;
	__u64 ino;              /* the socket's inode: a new socket at a reused address differs */
};
struct udp_dest {
	__u8 addr[16];
	__u16 family, port;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct udp_key);
	__type(value, struct udp_dest);
} vigil_udp_seen SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *c = bpf_map_lookup_elem(&vigil_counters, &which);

	if (c)
		*c += 1;
}

/* The reader is woken once this much waits; below it, it reads at its next poll (it polls
 * every 100 ms).  A storm of events costs it a wakeup per batch, not per record. */
#define WAKEUP_BYTES (256 << 10)

/* Copies a finished record into the ring buffer; a full buffer is counted. */
static __always_inline void submit(void *rec, __u64 size)
{
	__u64 flags = bpf_ringbuf_query(&vigil_events, BPF_RB_AVAIL_DATA) >= WAKEUP_BYTES ? BPF_RB_FORCE_WAKEUP
											   : BPF_RB_NO_WAKEUP;

	if (bpf_ringbuf_output(&vigil_events, rec, size, flags) < 0)
		count(VG_BPF_CNT_RING_FULL);
	else
		count(VG_BPF_CNT_SUBMITTED);
}

/* Fills who: the thread, its process and parent, credentials, and (when it has one)
 * the executable's device and inode. */
static __always_inline void fill_proc(struct vg_bpf_proc *p, struct task_struct *task)
{
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);
	const struct cred *cred = BPF_CORE_READ(task, cred);
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);

	p->pid = BPF_CORE_READ(task, tgid);
	p->tid = BPF_CORE_READ(task, pid);
	p->ppid = BPF_CORE_READ(parent, tgid);
	if (bpf_core_field_exists(leader->start_boottime)) {
		p->start_ns = BPF_CORE_READ(leader, start_boottime);
		p->parent_start_ns = BPF_CORE_READ(parent, group_leader, start_boottime);
	} else {
		p->start_ns = BPF_CORE_READ(leader, start_time);
		p->parent_start_ns = BPF_CORE_READ(parent, group_leader, start_time);
	}
	p->uid = BPF_CORE_READ(cred, uid.val);
	p->gid = BPF_CORE_READ(cred, gid.val);
	p->euid = BPF_CORE_READ(cred, euid.val);
	p->egid = BPF_CORE_READ(cred, egid.val);
	if (bpf_core_field_exists(task->loginuid)) {
		p->auid = BPF_CORE_READ(task, loginuid.val);
		p->sessionid = BPF_CORE_READ(task, sessionid);
	} else {
		p->auid = p->sessionid = (__u32)-1;
	}
	if (exe) {
		p->exe_dev = BPF_CORE_READ(exe, f_inode, i_sb, s_dev);
		p->exe_ino = BPF_CORE_READ(exe, f_inode, i_ino);
	} else {
		p->exe_dev = 0;
		p->exe_ino = 0;
	}
	BPF_CORE_READ_STR_INTO(&p->comm, task, comm);
}

static long path_step(__u32 i, void *data)
{
	__u32 zero = 0, len, off;
	struct path_scratch *s = bpf_map_lookup_elem(&vigil_path_buf, &zero);
	struct dentry *d, *root, *parent;
	struct vfsmount *vm;
	struct mount *m;
	struct qstr name;

	if (!s)
		return 1;
	/* Plain copies: CO-RE relocates reads of kernel types, not of our own. */
	d = s->w.d;
	vm = s->w.vm;
	m = s->w.m;
	off = s->w.off;
	root = BPF_CORE_READ(vm, mnt_root);
	parent = BPF_CORE_READ(d, d_parent);
	if (d == root) {
		/* The top of a mount: go on from where it is mounted, unless it is the root. */
		struct mount *up = BPF_CORE_READ(m, mnt_parent);

		if (up == m) {
			s->w.truncated = 0;
			return 1;
		}
		s->w.d = BPF_CORE_READ(m, mnt_mountpoint);
		s->w.m = up;
		s->w.vm = (void *)up + bpf_core_field_offset(struct mount, mnt);
		return 0;
	}
	if (d == parent) {
		/* The root of a filesystem that is not a mount's root (a detached tree). */
		s->w.truncated = 0;
		return 1;
	}
	name = BPF_CORE_READ(d, d_name);
	len = name.len & NAME_MAX;
	if (off > VG_BPF_PATH_MAX - 1 || len + 1 >= off)
		return 1;
	off -= len;
	bpf_probe_read_kernel(&s->buf[off & (VG_BPF_PATH_MAX - 1)], len, name.name);
	off--;
	s->buf[off & (VG_BPF_PATH_MAX - 1)] = '/';
	s->w.off = off;
	s->w.d = parent;
	return 0;
}

/*
 * The absolute path of p (from the root of its mount namespace), written at the end of
 * s->buf.  Returns the offset where it starts (the path ends with a NUL at the end of the
 * buffer); *truncated tells when components were left out.
 */
static __always_inline __u32 read_path(struct path_scratch *s, const struct path *p, bool *truncated)
{
	struct vfsmount *vm = BPF_CORE_READ(p, mnt);
	__u32 off;

	s->w.d = BPF_CORE_READ(p, dentry);
	s->w.vm = vm;
	s->w.m = (void *)vm - bpf_core_field_offset(struct mount, mnt);
	s->w.off = VG_BPF_PATH_MAX - 1;
	s->w.truncated = 1;
	s->buf[VG_BPF_PATH_MAX - 1] = '\0';
	bpf_loop(PATH_DEPTH, path_step, NULL, 0);
	off = s->w.off;
	if (off >= VG_BPF_PATH_MAX - 1) {
		off = VG_BPF_PATH_MAX - 2;
		s->buf[off] = '/';
	}
	*truncated = s->w.truncated;
	return off & (VG_BPF_PATH_MAX - 1);
}

/* Appends the path of p at data[*pos]; returns its length with the NUL. */
static __always_inline __u32 append_path(struct exec_scratch *x, __u32 *pos, const struct path *p, bool *truncated)
{
	__u32 zero = 0, off, len;
	struct path_scratch *s = bpf_map_lookup_elem(&vigil_path_buf, &zero);

	if (!s)
		return 0;
	off = read_path(s, p, truncated);
	len = VG_BPF_PATH_MAX - off;
	/* len is below VG_BPF_PATH_MAX (read_path leaves room for the first '/'). */
	len &= VG_BPF_PATH_MAX - 1;
	bpf_probe_read_kernel(&x->data[*pos & (EXEC_DATA - 1)], len, &s->buf[off]);
	*pos += len;
	return len;
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(vigil_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 zero = 0, pos = 0, len;
	struct exec_scratch *x;
	struct mm_struct *mm;
	struct file *exe;
	unsigned long start, end;
	bool truncated;

	if (!want_process || (__u32)(bpf_get_current_pid_tgid() >> 32) == self_tgid)
		return 0;
	x = bpf_map_lookup_elem(&vigil_exec_buf, &zero);
	if (!x)
		return 0;
	x->ev.h.kind = VG_BPF_EXEC;
	x->ev.h.time_ns = bpf_ktime_get_boot_ns();
	fill_proc(&x->ev.h.proc, task);
	x->ev.flags = 0;
	/* What /proc/PID/exe shows: the program loaded (the interpreter of a script). */
	mm = BPF_CORE_READ(task, mm);
	exe = BPF_CORE_READ(mm, exe_file);
	if (exe) {
		struct path p = BPF_CORE_READ(exe, f_path);

		x->ev.exe_len = append_path(x, &pos, &p, &truncated);
		if (truncated)
			x->ev.flags |= VG_BPF_EXE_TRUNCATED;
	} else {
		x->ev.exe_len = 0;
	}
	{
		struct path p = BPF_CORE_READ(task, fs, pwd);

		x->ev.cwd_len = append_path(x, &pos, &p, &truncated);
		if (truncated)
			x->ev.flags |= VG_BPF_CWD_TRUNCATED;
	}
	/* The new program's arguments, in its own memory, as the kernel just laid them out. */
	start = BPF_CORE_READ(mm, arg_start);
	end = BPF_CORE_READ(mm, arg_end);
	len = end > start ? end - start : 0;
	if (len > VG_BPF_ARGV_MAX - 1) {
		len = VG_BPF_ARGV_MAX - 1;
		x->ev.flags |= VG_BPF_ARGV_TRUNCATED;
	}
	pos &= EXEC_DATA - 1;
	len &= VG_BPF_ARGV_MAX - 1;
	if (len && bpf_probe_read_user(&x->data[pos], len, (const void *)start) < 0)
		len = 0;
	x->ev.argv_len = len;
	pos += len;
	if (pos > EXEC_DATA)
		pos = EXEC_DATA;
	x->ev.h.size = sizeof(x->ev) + pos;
	submit(x, x->ev.h.size);
	return 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(vigil_exit, struct task_struct *task)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct vg_bpf_exit ev;

	/* A thread that dies inside a followed call leaves nothing behind. */
	bpf_map_delete_elem(&vigil_calls, &tid);
	if (!want_process || BPF_CORE_READ(task, tgid) == self_tgid)
		return 0;
	/* Only the end of the whole process: the last thread (live reached zero before this). */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	__builtin_memset(&ev, 0, sizeof(ev));
	ev.h.kind = VG_BPF_EXIT;
	ev.h.size = sizeof(ev);
	ev.h.time_ns = bpf_ktime_get_boot_ns();
	fill_proc(&ev.h.proc, task);
	ev.exit_code = BPF_CORE_READ(task, exit_code);
	submit(&ev, sizeof(ev));
	return 0;
}

/* The addresses, ports and namespace of a socket, local end first. */
static __always_inline void read_ends(struct vg_bpf_net *ev, const struct sock *sk)
{
	ev->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	ev->local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	ev->remote_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	ev->netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	if (ev->family == AF_INET6) {
		BPF_CORE_READ_INTO(&ev->local_addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&ev->remote_addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	} else {
		BPF_CORE_READ_INTO((__u32 *)ev->local_addr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)ev->remote_addr, sk, __sk_common.skc_daddr);
	}
}

static __always_inline void net_record(__u32 kind, const struct vg_bpf_proc *who, const struct sock *sk, __s32 error)
{
	struct vg_bpf_net ev;

	__builtin_memset(&ev, 0, sizeof(ev));
	ev.h.kind = kind;
	ev.h.size = sizeof(ev);
	ev.h.time_ns = bpf_ktime_get_boot_ns();
	ev.h.proc = *who;
	ev.protocol = IPPROTO_TCP;
	ev.error = error;
	read_ends(&ev, sk);
	submit(&ev, sizeof(ev));
}

SEC("raw_tp/inet_sock_set_state")
int BPF_PROG(vigil_sock, const struct sock *sk, const int oldstate, const int newstate)
{
	__u64 key = (__u64)sk;
	struct vg_bpf_proc who, *started;

	if (!want_network || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	/* connect() and listen() run in the caller's context: "current" is who did it. */
	if (newstate == TCP_SYN_SENT || newstate == TCP_LISTEN) {
		struct task_struct *task = (void *)bpf_get_current_task();

		if ((__u32)(bpf_get_current_pid_tgid() >> 32) == self_tgid)
			return 0;
		__builtin_memset(&who, 0, sizeof(who));
		fill_proc(&who, task);
		if (newstate == TCP_LISTEN) {
			net_record(VG_BPF_LISTEN, &who, sk, 0);
		} else if (bpf_map_update_elem(&vigil_connect, &key, &who, BPF_ANY) < 0) {
			count(VG_BPF_CNT_TABLE_FULL);
		}
		return 0;
	}
	/* The outcome of a connection under way: established, or closed with the socket's error
	 * (ECONNREFUSED for a reset, ETIMEDOUT, EHOSTUNREACH...). */
	if (oldstate != TCP_SYN_SENT && oldstate != TCP_SYN_RECV)
		return 0;
	started = bpf_map_lookup_elem(&vigil_connect, &key);
	if (!started)
		return 0;
	if (newstate == TCP_ESTABLISHED) {
		who = *started;
		bpf_map_delete_elem(&vigil_connect, &key);
		net_record(VG_BPF_CONNECT, &who, sk, 0);
	} else if (newstate == TCP_CLOSE) {
		/* No error: the caller closed the socket, or the connection could not even start
		 * (no local port left); either way it did not open. */
		__s32 err = BPF_CORE_READ(sk, sk_err);

		who = *started;
		bpf_map_delete_elem(&vigil_connect, &key);
		net_record(VG_BPF_CONNECT, &who, sk, err ? err : ECONNABORTED);
	}
	return 0;
}

static __always_inline bool compat_call(struct task_struct *task)
{
#if defined(__TARGET_ARCH_x86)
	if (bpf_core_field_exists(task->thread_info.status))
		return BPF_CORE_READ(task, thread_info.status) & TS_COMPAT;
#endif
	return false;
}

/* The socket behind a descriptor of the current process, or NULL.  Called only inside the
 * syscall that uses the descriptor, never later, when the number could name another file. */
static __always_inline struct sock *fd_sock(struct task_struct *task, long fd)
{
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	unsigned int max = BPF_CORE_READ(task, files, fdt, max_fds);
	struct file *f = NULL;
	struct socket *so;

	if (fd < 0 || fd >= max)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	if (!f || (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	so = BPF_CORE_READ(f, private_data);
	return so ? BPF_CORE_READ(so, sk) : NULL;
}

static __always_inline bool inet_sock(const struct sock *sk, __u16 protocol)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	return (family == AF_INET || family == AF_INET6) && BPF_CORE_READ(sk, sk_protocol) == protocol;
}

/* Reads an IPv4 or IPv6 socket address from the caller's memory into c. */
static __always_inline bool user_sockaddr(struct call *c, const void *uaddr, long len)
{
	struct sockaddr_in6 sa;

	if (!uaddr || len < (long)sizeof(struct sockaddr_in))
		return false;
	__builtin_memset(&sa, 0, sizeof(sa));
	if (bpf_probe_read_user(&sa, len < (long)sizeof(sa) ? sizeof(struct sockaddr_in) : sizeof(sa), uaddr) < 0)
		return false;
	c->family = sa.sin6_family;
	c->port = sa.sin6_port;
	if (sa.sin6_family == AF_INET) {
		struct sockaddr_in *in = (void *)&sa;

		__builtin_memcpy(c->addr, &in->sin_addr.s_addr, 4);
		return true;
	}
	if (sa.sin6_family == AF_INET6 && len >= (long)sizeof(sa)) {
		__builtin_memcpy(c->addr, &sa.sin6_addr, 16);
		return true;
	}
	return false;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(vigil_sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *task;
	struct call c;
	struct sock *sk;
	__u32 tid;

	if (id != NR_ACCEPT && id != NR_ACCEPT4 && id != NR_SENDTO && id != NR_SENDMSG && id != NR_SENDMMSG)
		return 0;
	if (!want_network || (__u32)(bpf_get_current_pid_tgid() >> 32) == self_tgid)
		return 0;
	task = (void *)bpf_get_current_task();
	if (compat_call(task))
		return 0;
	sk = fd_sock(task, PT_REGS_PARM1_CORE_SYSCALL(regs));
	if (!sk)
		return 0;
	__builtin_memset(&c, 0, sizeof(c));
	c.sk = (__u64)sk;
	if (id == NR_ACCEPT || id == NR_ACCEPT4) {
		if (!inet_sock(sk, IPPROTO_TCP))
			return 0;
		c.kind = CALL_ACCEPT;
	} else {
		const void *uaddr = NULL;
		long ulen = 0;

		if (!inet_sock(sk, IPPROTO_UDP))
			return 0;
		c.kind = CALL_UDP_SEND;
		if (id == NR_SENDTO) {
			uaddr = (const void *)PT_REGS_PARM5_CORE_SYSCALL(regs);
			ulen = SYSCALL_ARG6(regs);
		} else {
			/* sendmsg: a struct user_msghdr; sendmmsg: the first of an array of them. */
			struct user_msghdr mh;

			if (bpf_probe_read_user(&mh, sizeof(mh), (const void *)PT_REGS_PARM2_CORE_SYSCALL(regs)) == 0) {
				uaddr = mh.msg_name;
				ulen = mh.msg_namelen;
			}
		}
		if (!user_sockaddr(&c, uaddr, ulen)) {
			/* No address given: the socket's connected peer. */
			c.family = BPF_CORE_READ(sk, __sk_common.skc_family);
			c.port = BPF_CORE_READ(sk, __sk_common.skc_dport);
			if (c.family == AF_INET6)
				BPF_CORE_READ_INTO(&c.addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
			else
				BPF_CORE_READ_INTO((__u32 *)c.addr, sk, __sk_common.skc_daddr);
			if (!c.port)
				return 0;
		}
	}
	tid = (__u32)bpf_get_current_pid_tgid();
	if (bpf_map_update_elem(&vigil_calls, &tid, &c, BPF_ANY) < 0)
		count(VG_BPF_CNT_TABLE_FULL);
	return 0;
}

/* A UDP send that succeeded: reported when the socket sends somewhere new. */
static __always_inline void udp_sent(struct task_struct *task, const struct call *c)
{
	const struct sock *sk = (const void *)c->sk;
	struct udp_key key = { .sk = c->sk };
	struct udp_dest dest, *last;
	struct vg_bpf_net ev;

	key.ino = BPF_CORE_READ(sk, sk_socket, file, f_inode, i_ino);
	__builtin_memset(&dest, 0, sizeof(dest));
	dest.family = c->family;
	dest.port = c->port;
	__builtin_memcpy(dest.addr, c->addr, 16);
	last = bpf_map_lookup_elem(&vigil_udp_seen, &key);
	if (last && last->family == dest.family && last->port == dest.port &&
	    *(__u64 *)last->addr == *(__u64 *)dest.addr && *(__u64 *)&last->addr[8] == *(__u64 *)&dest.addr[8])
		return;
	bpf_map_update_elem(&vigil_udp_seen, &key, &dest, BPF_ANY);
	__builtin_memset(&ev, 0, sizeof(ev));
	ev.h.kind = VG_BPF_UDP_SEND;
	ev.h.size = sizeof(ev);
	ev.h.time_ns = bpf_ktime_get_boot_ns();
	fill_proc(&ev.h.proc, task);
	ev.protocol = IPPROTO_UDP;
	read_ends(&ev, sk);
	/* The destination of this datagram, which an unconnected socket does not hold. */
	ev.family = c->family;
	ev.remote_port = bpf_ntohs(c->port);
	__builtin_memcpy(ev.remote_addr, c->addr, 16);
	if (c->family == AF_INET && BPF_CORE_READ(sk, __sk_common.skc_family) == AF_INET6) {
		/* An IPv6 socket sending to an IPv4 address: its local end is v4-mapped. */
		__builtin_memcpy(ev.local_addr, ev.local_addr + 12, 4);
	}
	submit(&ev, sizeof(ev));
}

SEC("raw_tp/sys_exit")
int BPF_PROG(vigil_sys_exit, struct pt_regs *regs, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct task_struct *task;
	struct call *pending, c;
	struct sock *sk, *listener;

	pending = bpf_map_lookup_elem(&vigil_calls, &tid);
	if (!pending)
		return 0;
	c = *pending;
	bpf_map_delete_elem(&vigil_calls, &tid);
	if (ret < 0)
		return 0;
	task = (void *)bpf_get_current_task();
	if (c.kind == CALL_UDP_SEND) {
		udp_sent(task, &c);
		return 0;
	}
	/* accept: the descriptor it returned, read before the call returns to the program.
	 * The socket must be a TCP connection on the listener's port, or it is not reported. */
	sk = fd_sock(task, ret);
	listener = (struct sock *)c.sk;
	if (!sk || !inet_sock(sk, IPPROTO_TCP) ||
	    BPF_CORE_READ(sk, __sk_common.skc_num) != BPF_CORE_READ(listener, __sk_common.skc_num)) {
		count(VG_BPF_CNT_ACCEPT_UNSURE);
		return 0;
	}
	{
		struct vg_bpf_proc who;

		__builtin_memset(&who, 0, sizeof(who));
		fill_proc(&who, task);
		net_record(VG_BPF_ACCEPT, &who, sk, 0);
	}
	return 0;
}
