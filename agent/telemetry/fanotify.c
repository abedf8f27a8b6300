/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "events.h"
#include "log.h"
#include "nls.h"
#include "ocsf.h"
#include "telemetry/fanotify.h"
#include "telemetry/telemetry.h"
#include "vigil/error.h"

#define MAX_PREFIXES 32
#define MAX_FS 16
#define READ_BUF (256 * 1024)
#define EVENT_MASK (FAN_CREATE | FAN_DELETE | FAN_RENAME | FAN_CLOSE_WRITE)

struct marked_fs {
	fsid_t fsid;
	int mount_fd;
};

struct vg_tel_fanotify {
	struct vg_telemetry *tel;
	int fd;
	struct marked_fs fs[MAX_FS];
	size_t nfs;
	char *prefixes[MAX_PREFIXES];
	size_t nprefixes;
	pthread_t thread;
	bool thread_started;
	atomic_bool stop;
	atomic_uint_fast64_t events, overflows, unresolved;
};

static bool under_prefix(const struct vg_tel_fanotify *f, const char *path)
{
	for (size_t i = 0; i < f->nprefixes; i++) {
		size_t len = strlen(f->prefixes[i]);

		if (strcmp(f->prefixes[i], "/") == 0 ||
		    (strncmp(path, f->prefixes[i], len) == 0 && (path[len] == '/' || path[len] == '\0')))
			return true;
	}
	return false;
}

/* fsid: an fsid_t, or the kernel's __kernel_fsid_t of an event (the same two ints). */
static int mount_fd_of(const struct vg_tel_fanotify *f, const void *fsid)
{
	for (size_t i = 0; i < f->nfs; i++)
		if (memcmp(&f->fs[i].fsid, fsid, sizeof(f->fs[i].fsid)) == 0)
			return f->fs[i].mount_fd;
	return -1;
}

/* The path of info's directory joined with its name, into out. */
static bool resolve(struct vg_tel_fanotify *f, const struct fanotify_event_info_fid *info, size_t info_len,
		    char *out, size_t size)
{
	const struct file_handle *fh = (const struct file_handle *)info->handle;
	size_t fixed = sizeof(*info) + sizeof(struct file_handle);
	char link[64], dir[PATH_MAX];
	const char *name;
	int mfd, dfd;
	ssize_t n;
	struct file_handle *copy;

	if (info_len < fixed || info_len < fixed + fh->handle_bytes || fh->handle_bytes > MAX_HANDLE_SZ)
		return false;
	name = (const char *)fh->f_handle + fh->handle_bytes;
	if (memchr(name, '\0', info_len - fixed - fh->handle_bytes) == NULL)
		return false;
	mfd = mount_fd_of(f, &info->fsid);
	if (mfd < 0)
		return false;
	/* The handle in the event is not aligned for open_by_handle_at: copy it. */
	copy = malloc(sizeof(*copy) + fh->handle_bytes);
	if (!copy)
		return false;
	memcpy(copy, fh, sizeof(*copy) + fh->handle_bytes);
	dfd = open_by_handle_at(mfd, copy, O_PATH | O_CLOEXEC);
	free(copy);
	if (dfd < 0)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dfd);
	n = readlink(link, dir, sizeof(dir) - 1);
	close(dfd);
	if (n <= 0)
		return false;
	dir[n] = '\0';
	return snprintf(out, size, "%s%s%s", strcmp(dir, "/") == 0 ? "" : dir, "/", name) < (int)size;
}

/* The file at path, of a type that enrichment reads when it still exists (events on
 * directories are not reported).  A path that is not UTF-8 keeps its other bytes and is marked
 * in the event's unmapped "path_not_utf8". */
static json_t *file_json(json_t *event, const char *path)
{
	json_t *probe = json_string(path);

	if (!probe)
		json_object_set_new(json_object_get(event, "unmapped"), "path_not_utf8", json_true());
	json_decref(probe);
	return vg_ocsf_file(path, VG_FILE_TYPE_UNKNOWN);
}

/* The acting process, from /proc while it still exists: its name, executable and user. */
static json_t *actor_json(pid_t pid)
{
	char link[64], exe[PATH_MAX], comm[64] = "";
	long long uid = -1;
	struct stat st;
	ssize_t n;
	FILE *f;
	json_t *proc;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	snprintf(link, sizeof(link), "/proc/%d/comm", (int)pid);
	if ((f = fopen(link, "re"))) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	snprintf(link, sizeof(link), "/proc/%d", (int)pid);
	if (stat(link, &st) == 0)
		uid = st.st_uid;
	proc = vg_ocsf_process(pid, comm, exe, uid, -1);
	/* Gone before it could be read: its pid is all that is known. */
	if (uid < 0)
		json_object_del(proc, "user");
	return json_pack("{s:o}", "process", proc);
}

static const struct {
	uint64_t bit;
	int id;
	const char *name;
} activities[] = {
	{ FAN_CREATE, 1, "Create" },
	{ FAN_CLOSE_WRITE, 3, "Update" },
	{ FAN_RENAME, 5, "Rename" },
	{ FAN_DELETE, 4, "Delete" },
};

/* Records in the buffer are packed without padding: they are copied out before use. */
#define INFO_MAX 1024

static void handle_event(struct vg_tel_fanotify *f, const struct fanotify_event_metadata *m, const char *raw)
{
	const char *p = raw + m->metadata_len, *end = raw + m->event_len;
	union {
		struct fanotify_event_info_fid fid;
		char bytes[INFO_MAX];
	} info;
	char path[PATH_MAX], old[PATH_MAX];
	bool have_path = false, have_old = false;

	if (m->mask & FAN_Q_OVERFLOW) {
		atomic_fetch_add(&f->overflows, 1);
		return;
	}
	if (m->pid == f->tel->self || (m->mask & FAN_ONDIR))
		return;
	while (p + sizeof(struct fanotify_event_info_header) <= end) {
		struct fanotify_event_info_header h;

		memcpy(&h, p, sizeof(h));
		if (h.len < sizeof(h) || p + h.len > end)
			break;
		if (h.len <= INFO_MAX) {
			memcpy(info.bytes, p, h.len);
			if (h.info_type == FAN_EVENT_INFO_TYPE_DFID_NAME || h.info_type == FAN_EVENT_INFO_TYPE_NEW_DFID_NAME)
				have_path = resolve(f, &info.fid, h.len, path, sizeof(path));
			else if (h.info_type == FAN_EVENT_INFO_TYPE_OLD_DFID_NAME)
				have_old = resolve(f, &info.fid, h.len, old, sizeof(old));
		}
		p += h.len;
	}
	/* Events on the same name merge: a new file written at once comes as CREATE|CLOSE_WRITE.
	 * One OCSF event per activity, in the order they happened. */
	for (size_t i = 0; i < sizeof(activities) / sizeof(activities[0]); i++) {
		int activity = activities[i].id;
		json_t *ev;

		if (!(m->mask & activities[i].bit))
			continue;
		if (!have_path || (activity == 5 && !have_old)) {
			atomic_fetch_add(&f->unresolved, 1);
			continue;
		}
		if (!under_prefix(f, path) && !(activity == 5 && under_prefix(f, old)))
			continue;
		ev = vg_ocsf_event(VG_OCSF_FILE_ACTIVITY, activity, activities[i].name, vg_time_ms());
		if (!ev)
			continue;
		json_object_set_new(ev, "actor", actor_json(m->pid));
		if (activity == 5) {
			json_object_set_new(ev, "file", file_json(ev, old));
			json_object_set_new(ev, "file_result", file_json(ev, path));
		} else {
			json_object_set_new(ev, "file", file_json(ev, path));
		}
		if (activity == 3 || activity == 1)
			json_object_set_new(ev, "_vg", json_pack("{s:b}", "hash", activity == 3));
		atomic_fetch_add(&f->events, 1);
		vg_tel_submit(f->tel, ev);
	}
}

static void *reader_main(void *data)
{
	struct vg_tel_fanotify *f = data;
	char *buf = aligned_alloc(8, READ_BUF);
	struct pollfd pfd = { .fd = f->fd, .events = POLLIN };

	if (!buf)
		return NULL;
	while (!atomic_load(&f->stop)) {
		ssize_t n;

		if (poll(&pfd, 1, 250) <= 0)
			continue;
		n = read(f->fd, buf, READ_BUF);
		if (n <= 0)
			continue;
		for (size_t off = 0; off + sizeof(struct fanotify_event_metadata) <= (size_t)n;) {
			struct fanotify_event_metadata m;

			memcpy(&m, buf + off, sizeof(m));
			if (m.vers != FANOTIFY_METADATA_VERSION || m.event_len < sizeof(m) ||
			    m.metadata_len < sizeof(m) || off + m.event_len > (size_t)n)
				break;
			if (m.fd >= 0)
				close(m.fd);
			handle_event(f, &m, buf + off);
			off += m.event_len;
		}
	}
	free(buf);
	return NULL;
}

/* Marks the filesystem holding path (once per filesystem). */
static int mark_fs(struct vg_tel_fanotify *f, const char *path)
{
	struct statfs sfs;
	int fd;

	if (statfs(path, &sfs) < 0)
		return -errno;
	if (mount_fd_of(f, &sfs.f_fsid) >= 0)
		return 0;
	if (f->nfs == MAX_FS)
		return -ENOSPC;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fanotify_mark(f->fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, EVENT_MASK, AT_FDCWD, path) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	f->fs[f->nfs].fsid = sfs.f_fsid;
	f->fs[f->nfs].mount_fd = fd;
	f->nfs++;
	return 0;
}

int vg_tel_fanotify_start(struct vg_tel_fanotify **out, struct vg_telemetry *tel, const char *paths,
			  struct vg_error *err)
{
	struct vg_tel_fanotify *f = calloc(1, sizeof(*f));
	char *copy = strdup(paths ? paths : ""), *save = NULL, *tok;
	int r;

	if (!f || !copy) {
		free(f);
		free(copy);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	f->tel = tel;
	atomic_init(&f->stop, false);
	f->fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME, O_RDONLY | O_LARGEFILE);
	if (f->fd < 0) {
		r = vg_error_set(err, -errno, N_("cannot start fanotify: %s"), strerror(errno));
		goto fail;
	}
	for (tok = strtok_r(copy, ",", &save); tok && f->nprefixes < MAX_PREFIXES; tok = strtok_r(NULL, ",", &save)) {
		size_t len = strlen(tok);

		while (len > 1 && tok[len - 1] == '/')
			tok[--len] = '\0';
		if (tok[0] != '/')
			continue;
		if ((r = mark_fs(f, tok)) < 0) {
			if (r != -ENOENT)
				vg_warn("fanotify: cannot watch %s: %s", tok, strerror(-r));
			continue;
		}
		f->prefixes[f->nprefixes++] = strdup(tok);
	}
	free(copy);
	copy = NULL;
	if (f->nfs == 0) {
		r = vg_error_set(err, -ENOENT, N_("no file system to watch for file events"));
		goto fail;
	}
	if ((r = -pthread_create(&f->thread, NULL, reader_main, f)) < 0) {
		r = vg_error_set(err, r, N_("cannot start the file event reader: %s"), strerror(-r));
		goto fail;
	}
	pthread_setname_np(f->thread, "vg-fanotify");
	f->thread_started = true;
	*out = f;
	return 0;
fail:
	free(copy);
	vg_tel_fanotify_stop(f);
	return r;
}

void vg_tel_fanotify_stop(struct vg_tel_fanotify *f)
{
	if (!f)
		return;
	if (f->thread_started) {
		atomic_store(&f->stop, true);
		pthread_join(f->thread, NULL);
	}
	for (size_t i = 0; i < f->nfs; i++)
		close(f->fs[i].mount_fd);
	for (size_t i = 0; i < f->nprefixes; i++)
		free(f->prefixes[i]);
	if (f->fd >= 0)
		close(f->fd);
	free(f);
}

uint64_t vg_tel_fanotify_overflows(struct vg_tel_fanotify *f)
{
	return atomic_load(&f->overflows);
}

json_t *vg_tel_fanotify_status(struct vg_tel_fanotify *f)
{
	json_t *paths = json_array();

	for (size_t i = 0; i < f->nprefixes; i++)
		json_array_append_new(paths, json_string(f->prefixes[i]));
	return json_pack("{s:s, s:o, s:I, s:I, s:I, s:i}", "state", "running", "paths", paths,
			 "events", (json_int_t)atomic_load(&f->events), "overflows", (json_int_t)atomic_load(&f->overflows),
			 "unresolved", (json_int_t)atomic_load(&f->unresolved), "filesystems", (int)f->nfs);
}
