/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ProcessItem: every process of /proc, read lazily (status, cmdline, exe, fd/ and the image's
 * hashes only when an item asks). */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "scan.h"
#include "terms.h"

struct proc_obj {
	struct vg_ioc_object obj;
	struct ioc_collect *c;
	int pid;
	int pidfd;              /* held while it is evaluated when the scan identifies matches */
	char pidstr[16];
	int hash_state;
	struct ioc_hashes h;
};

static int read_small(const char *path, char *buf, size_t size, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t got = 0;
	while (got + 1 < size) {
		ssize_t n = read(fd, buf + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	if (len)
		*len = got;
	return 0;
}

/* The fields of /proc/PID/stat after the command name (which may hold spaces and parentheses). */
static int stat_field(int pid, int index, unsigned long long *out)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_small(path, buf, sizeof(buf), NULL) < 0)
		return -ESRCH;
	char *p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	p += 2;   /* field 3 (state) */
	for (int i = 3; i < index && *p; i++) {
		p = strchr(p, ' ');
		if (!p)
			return -EINVAL;
		p++;
	}
	*out = strtoull(p, NULL, 10);
	return 0;
}

static int exe_path(int pid, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	ssize_t n = readlink(path, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int boot_time(int64_t *out)
{
	char buf[8192];
	if (read_small("/proc/stat", buf, sizeof(buf), NULL) < 0)
		return -EIO;
	char *p = strstr(buf, "\nbtime ");
	if (!p)
		return -EIO;
	*out = strtoll(p + 7, NULL, 10);
	return 0;
}

static int proc_get(const struct vg_ioc_object *obj, unsigned field, vg_ioc_emit_fn emit, void *sink)
{
	struct proc_obj *p = (struct proc_obj *)obj;
	char path[PATH_MAX], buf[8192];
	unsigned long long v;
	size_t len;

	switch (field) {
	case F_PROC_PID:
		return ioc_emit_str(emit, sink, p->pidstr);
	case F_PROC_PPID:
		if (stat_field(p->pid, 4, &v) < 0)
			return -ESRCH;
		return ioc_emit_u64(emit, sink, v);
	case F_PROC_NAME:
		/* The image's base name (comm is cut at 15 bytes); comm for kernel threads. */
		if (exe_path(p->pid, path, sizeof(path)) == 0) {
			char *slash = strrchr(path, '/');
			char *del = strstr(path, " (deleted)");
			if (del)
				*del = '\0';
			return ioc_emit_str(emit, sink, slash ? slash + 1 : path);
		}
		snprintf(path, sizeof(path), "/proc/%d/comm", p->pid);
		if (read_small(path, buf, sizeof(buf), &len) < 0)
			return -ESRCH;
		buf[strcspn(buf, "\n")] = '\0';
		return ioc_emit_str(emit, sink, buf);
	case F_PROC_PATH: {
		/* ProcessItem/path is the image's directory, without the name. */
		if (exe_path(p->pid, path, sizeof(path)) < 0)
			return 0;   /* kernel thread: no image */
		char *slash = strrchr(path, '/');
		if (slash)
			*(slash == path ? slash + 1 : slash) = '\0';
		return ioc_emit_str(emit, sink, path);
	}
	case F_PROC_ARGUMENTS:
		snprintf(path, sizeof(path), "/proc/%d/cmdline", p->pid);
		if (read_small(path, buf, sizeof(buf), &len) < 0)
			return -ESRCH;
		while (len && buf[len - 1] == '\0')
			len--;
		for (size_t i = 0; i < len; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		emit(sink, buf, len);
		return 0;
	case F_PROC_USERNAME: {
		snprintf(path, sizeof(path), "/proc/%d/status", p->pid);
		if (read_small(path, buf, sizeof(buf), NULL) < 0)
			return -ESRCH;
		char *u = strstr(buf, "\nUid:");
		if (!u)
			return -EIO;
		unsigned uid = (unsigned)strtoul(u + 5, NULL, 10);
		struct passwd pw, *res = NULL;
		char pbuf[1024];
		if (getpwuid_r(uid, &pw, pbuf, sizeof(pbuf), &res) == 0 && res)
			return ioc_emit_str(emit, sink, res->pw_name);
		return ioc_emit_u64(emit, sink, uid);
	}
	case F_PROC_START: {
		int64_t bt;
		long hz = sysconf(_SC_CLK_TCK);
		if (stat_field(p->pid, 22, &v) < 0 || boot_time(&bt) < 0 || hz <= 0)
			return -ESRCH;
		return ioc_emit_time(emit, sink, bt + (int64_t)(v / (unsigned long long)hz));
	}
	case F_PROC_HANDLE_NAME: {
		snprintf(path, sizeof(path), "/proc/%d/fd", p->pid);
		DIR *d = opendir(path);
		struct dirent *e;
		int n = 0;
		if (!d)
			return -ESRCH;
		while ((e = readdir(d)) && n < 65536) {
			if (!isdigit((unsigned char)e->d_name[0]))
				continue;
			ssize_t l = readlinkat(dirfd(d), e->d_name, buf, sizeof(buf) - 1);
			if (l <= 0)
				continue;
			n++;
			if (emit(sink, buf, (size_t)l))
				break;
		}
		closedir(d);
		return 0;
	}
	case F_PROC_MD5:
	case F_PROC_SHA1:
	case F_PROC_SHA256: {
		if (p->hash_state == 0) {
			snprintf(path, sizeof(path), "/proc/%d/exe", p->pid);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			struct stat st;
			if (fd < 0) {
				p->hash_state = -errno;
			} else if (fstat(fd, &st) < 0 || (uint64_t)st.st_size > p->c->scan->hash_limit) {
				p->hash_state = -EFBIG;
			} else {
				int r = ioc_hash_fd(fd, p->c->hashes, p->c->scan->hash_limit, p->c->scan->cancel, &p->h,
						       &p->c->scan->stats.bytes_read);
				p->hash_state = r < 0 ? r : 1;
			}
			if (fd >= 0)
				close(fd);
		}
		if (p->hash_state < 0)
			return p->hash_state;
		return ioc_emit_str(emit, sink, field == F_PROC_MD5 ? p->h.md5 : field == F_PROC_SHA1 ? p->h.sha1 : p->h.sha256);
	}
	default:
		return -ENOTSUP;
	}
}

static bool exited(int pidfd)
{
	struct pollfd pf = { pidfd, POLLIN, 0 };

	return poll(&pf, 1, 0) != 0;
}

void ioc_proc_identify(const struct vg_ioc_object *obj, struct vg_ioc_identity *id)
{
	const struct proc_obj *p = (const struct proc_obj *)obj;
	unsigned long long start;

	if (p->pidfd < 0 || stat_field(p->pid, 22, &start) < 0 || exited(p->pidfd))
		return;
	if ((id->pidfd = fcntl(p->pidfd, F_DUPFD_CLOEXEC, 0)) < 0) {
		id->pidfd = -1;
		return;
	}
	id->start_time = start;
	id->known = true;
}

int ioc_items_processes(struct ioc_collect *c)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	if (!d)
		return -errno;
	while ((e = readdir(d)) && !atomic_load(c->scan->cancel)) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid > INT_MAX)
			continue;
		struct proc_obj p = { .c = c, .pid = (int)pid, .pidfd = -1 };
		snprintf(p.pidstr, sizeof(p.pidstr), "%ld", pid);
		/* Held before anything of it is read: what is read is about this process if it is
		 * still alive when it matches (ioc_proc_identify). */
		if (c->scan->identify)
			p.pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
		p.obj.doc = VG_IOC_DOC_PROCESS;
		p.obj.get = proc_get;
		p.obj.label_key[0] = "pid";
		p.obj.label[0] = p.pidstr;
		c->scan->stats.processes++;
		c->emit(&p.obj, c->data);
		if (p.pidfd >= 0)
			close(p.pidfd);
	}
	closedir(d);
	return 0;
}
