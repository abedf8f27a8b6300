/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * FileItem: walks only the paths in scope (never /proc, /sys, /dev or other kernel file
 * systems, never through symbolic links) and gives each regular file to the evaluations.
 * Metadata and hashes are read lazily, when an item asks: a file whose name rules it out
 * is never opened, and the hashes it needs come from one read.
 *
 * When the documents need hashes, reading and hashing run on several threads (hashing.c
 * holds the pool) while this thread walks and evaluates: each file is first evaluated as a
 * probe that only notes which fields the evaluation asks for; a file whose probe asks for a
 * hash (or its strings) is opened and queued for the hashing threads; files are then
 * evaluated for good in the walk's order, each once its hashes are ready.  Progress, the
 * statistics and the skipped callback stay on this thread.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/openat2.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "hashing.h"
#include "nls.h"
#include "scan.h"
#include "terms.h"
#include "vigil/error.h"

#define MAX_DEPTH 128
#define WINDOW_PER_THREAD 8         /* files in flight per hashing thread */

struct file_obj;

struct walker {
	struct ioc_collect *c;
	pcre2_code *hint;
	pcre2_match_data *md;
	char path[PATH_MAX];
	unsigned since_progress;
	bool count_only;            /* the first pass of a hashing scan, for the ETA */
	int hint_error;             /* the hint could not be tested on a path: the walk stops */
	uint64_t counted;
	/* Hashing on several threads: the files in flight, oldest first (a ring). */
	struct ioc_hashing *pool;
	struct file_obj **window;
	size_t wsize, whead, wcount;
	struct ioc_hasher hasher;   /* hashing on this thread alone (made at first use) */
};

struct file_obj {
	struct vg_ioc_object obj;
	struct walker *w;
	int dirfd;                  /* -1 once the walk has left its directory */
	const char *path, *name;
	size_t dirlen;
	int st_state;               /* 0 not read, 1 read, <0 errno */
	struct statx stx;
	int hash_state;             /* 0 not yet, 1 done, <0 errno */
	struct ioc_hashes h;
	struct ioc_pending *pending; /* queued for the hashing threads, or NULL */
	bool probing;               /* only note what the evaluation asks for */
	bool want_hash;
	struct ioc_pending pend;
	char pathbuf[];             /* a file in flight keeps its own path */
};

int ioc_emit_str(vg_ioc_emit_fn emit, void *sink, const char *s)
{
	emit(sink, s, strlen(s));
	return 0;
}

int ioc_emit_u64(vg_ioc_emit_fn emit, void *sink, uint64_t v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%" PRIu64, v);
	emit(sink, b, (size_t)n);
	return 0;
}

int ioc_emit_time(vg_ioc_emit_fn emit, void *sink, int64_t t)
{
	char b[40];
	struct tm tm;
	time_t tt = (time_t)t;
	if (!gmtime_r(&tt, &tm))
		return -EINVAL;
	size_t n = strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tm);
	emit(sink, b, n);
	return 0;
}

static int need_stat(struct file_obj *f)
{
	if (f->st_state == 0) {
		/* Out of its directory, a queued file is reached through what it opened, or its
		 * path (an evaluation asks for no field its probe did not, see ioc_eval_probe). */
		int dirfd = f->dirfd >= 0 ? f->dirfd : f->pending && f->pending->fd >= 0 ? f->pending->fd : -1;
		const char *name = f->dirfd >= 0 ? f->name : "";
		int own = -1;

		/* By its path, as open_file: no symbolic link in any component (O_PATH opens nothing). */
		if (dirfd < 0) {
			struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
						.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };

			dirfd = own = (int)syscall(SYS_openat2, AT_FDCWD, f->path, &how, sizeof(how));
		}
		unsigned flags = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | (name[0] ? 0 : AT_EMPTY_PATH);

		if (dirfd < 0 || statx(dirfd, name, (int)flags, STATX_BASIC_STATS | STATX_BTIME, &f->stx) < 0)
			f->st_state = -errno;
		else
			f->st_state = 1;
		if (own >= 0)
			close(own);
	}
	return f->st_state < 0 ? f->st_state : 0;
}

/* Opens f for reading (never through a symbolic link), without changing its access time
 * when allowed; -errno.  Out of its directory (a file that waited for the hashing threads), by
 * its path resolved with no symbolic link in any component: O_NOFOLLOW alone guards only the
 * last one, and a directory swapped for a link would lead the scan out of its tree. */
static int open_file(struct file_obj *f)
{
	unsigned flags = O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
	int fd;

	if (f->dirfd < 0) {
		struct open_how how = { .flags = flags, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };

		how.flags |= O_NOATIME;
		fd = (int)syscall(SYS_openat2, AT_FDCWD, f->path, &how, sizeof(how));
		if (fd < 0 && errno == EPERM) {
			how.flags = flags;
			fd = (int)syscall(SYS_openat2, AT_FDCWD, f->path, &how, sizeof(how));
		}
		return fd < 0 ? -errno : fd;
	}
	fd = openat(f->dirfd, f->name, (int)flags | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = openat(f->dirfd, f->name, (int)flags);
	return fd < 0 ? -errno : fd;
}

static void skip(struct file_obj *f, const char *why)
{
	struct vg_ioc_scan *scan = f->w->c->scan;

	scan->stats.files_skipped++;
	if (scan->skipped)
		scan->skipped(f->path, why, scan->data);
}

/* Opens f for hashing: -EFBIG over the hash limit, another -errno when it cannot be opened or
 * is no regular file (each said through the skipped callback but the last). */
static int open_for_hash(struct file_obj *f)
{
	struct vg_ioc_scan *scan = f->w->c->scan;
	struct stat st;
	int r, fd;

	if ((r = need_stat(f)) < 0)
		return r;
	if (f->stx.stx_size > scan->hash_limit) {
		skip(f, N_("larger than the hash limit"));
		return -EFBIG;
	}
	if ((fd = open_file(f)) < 0) {
		skip(f, N_("cannot be opened"));
		return fd;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/* Counts what hashing f gave (r: its result) and keeps it. */
static int hashed(struct file_obj *f, int r)
{
	struct vg_ioc_scan *scan = f->w->c->scan;

	if (r < 0) {
		if (r != -ECANCELED)
			skip(f, r == -EFBIG ? N_("larger than the hash limit") : N_("cannot be read"));
		return f->hash_state = r;
	}
	scan->stats.files_hashed++;
	f->hash_state = 1;
	return 0;
}

static int need_hashes(struct file_obj *f)
{
	struct walker *w = f->w;
	struct vg_ioc_scan *scan = w->c->scan;
	int r, fd;

	if (f->probing) {
		f->want_hash = true;
		return -EAGAIN;
	}
	if (f->hash_state)
		return f->hash_state < 0 ? f->hash_state : 0;
	if (f->pending && f->pending->state == IOC_PENDING_DONE) {
		scan->stats.bytes_read += f->pending->bytes;
		f->h = f->pending->h;
		return hashed(f, f->pending->rc);
	}
	if ((fd = open_for_hash(f)) < 0)
		return f->hash_state = fd;
	if (!w->hasher.buf && (r = ioc_hasher_init(&w->hasher, w->c->hashes)) < 0) {
		close(fd);
		return hashed(f, r);
	}
	r = ioc_hasher_run(&w->hasher, fd, scan->hash_limit, scan->cancel, &f->h, &scan->stats.bytes_read);
	close(fd);
	return hashed(f, r);
}

#define MIN_STRING 4
#define MAX_STRING 4096

/* The printable ASCII runs of at least 4 bytes in the file, as strings(1) shows them; each is
 * given to emit as it is found (longer runs are cut at 4 KiB).  Opt-in: it reads every byte. */
static int file_strings(struct file_obj *f, vg_ioc_emit_fn emit, void *sink)
{
	struct vg_ioc_scan *scan = f->w->c->scan;
	int r;

	if (!scan->strings)
		return -ENOTSUP;
	if ((r = need_stat(f)) < 0)
		return r;
	if (f->stx.stx_size > scan->hash_limit)
		return -EFBIG;
	if (f->probing)
		return -EAGAIN;  /* read at the evaluation for good, through the path */
	int fd = open_file(f);
	if (fd < 0)
		return fd;
	char *buf = malloc(65536), *run = malloc(MAX_STRING);
	size_t rl = 0;
	bool stop = false;
	r = 0;
	if (!buf || !run)
		r = -ENOMEM;
	while (r == 0 && !stop) {
		ssize_t n = read(fd, buf, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = -errno;
		if (n <= 0)
			break;
		scan->stats.bytes_read += (uint64_t)n;
		for (ssize_t i = 0; i < n && !stop; i++) {
			unsigned char ch = (unsigned char)buf[i];
			if (ch >= 0x20 && ch < 0x7f && rl < MAX_STRING) {
				run[rl++] = (char)ch;
				continue;
			}
			if (rl >= MIN_STRING)
				stop = emit(sink, run, rl) != 0;
			rl = 0;
			if (ch >= 0x20 && ch < 0x7f)   /* a cut run goes on as the next string */
				run[rl++] = (char)ch;
		}
		if (atomic_load(scan->cancel))
			r = -ECANCELED;
	}
	if (r == 0 && !stop && rl >= MIN_STRING)
		emit(sink, run, rl);
	free(buf);
	free(run);
	close(fd);
	return r;
}

static int file_get(const struct vg_ioc_object *obj, unsigned field, vg_ioc_emit_fn emit, void *sink)
{
	struct file_obj *f = (struct file_obj *)obj;
	const char *path = f->path;
	char buf[256];
	int r;

	switch (field) {
	case F_FILE_FULLPATH:
		return ioc_emit_str(emit, sink, path);
	case F_FILE_FILEPATH:
		emit(sink, path, f->dirlen ? f->dirlen : 1);
		return 0;
	case F_FILE_FILENAME:
		return ioc_emit_str(emit, sink, f->name);
	case F_FILE_EXTENSION: {
		const char *dot = strrchr(f->name, '.');
		if (dot && dot != f->name && dot[1])
			ioc_emit_str(emit, sink, dot + 1);
		return 0;
	}
	case F_FILE_STRINGS:
		return file_strings(f, emit, sink);
	case F_FILE_MD5:
	case F_FILE_SHA1:
	case F_FILE_SHA256:
		if ((r = need_hashes(f)) < 0)
			return r;
		return ioc_emit_str(emit, sink, field == F_FILE_MD5 ? f->h.md5 : field == F_FILE_SHA1 ? f->h.sha1 : f->h.sha256);
	default:
		break;
	}
	if ((r = need_stat(f)) < 0)
		return r;
	switch (field) {
	case F_FILE_SIZE:
		return ioc_emit_u64(emit, sink, f->stx.stx_size);
	case F_FILE_CREATED:
		if (!(f->stx.stx_mask & STATX_BTIME))
			return -ENODATA;
		return ioc_emit_time(emit, sink, f->stx.stx_btime.tv_sec);
	case F_FILE_MODIFIED:
		return ioc_emit_time(emit, sink, f->stx.stx_mtime.tv_sec);
	case F_FILE_ACCESSED:
		return ioc_emit_time(emit, sink, f->stx.stx_atime.tv_sec);
	case F_FILE_CHANGED:
		return ioc_emit_time(emit, sink, f->stx.stx_ctime.tv_sec);
	case F_FILE_PERMISSIONS:
		snprintf(buf, sizeof(buf), "%o", (unsigned)(f->stx.stx_mode & 07777));
		return ioc_emit_str(emit, sink, buf);
	case F_FILE_USERNAME: {
		struct passwd pw, *res = NULL;
		char pbuf[1024];
		if (getpwuid_r(f->stx.stx_uid, &pw, pbuf, sizeof(pbuf), &res) == 0 && res)
			return ioc_emit_str(emit, sink, res->pw_name);
		snprintf(buf, sizeof(buf), "%u", f->stx.stx_uid);
		return ioc_emit_str(emit, sink, buf);
	}
	case F_FILE_GROUP: {
		struct group gr, *res = NULL;
		char gbuf[4096];
		if (getgrgid_r(f->stx.stx_gid, &gr, gbuf, sizeof(gbuf), &res) == 0 && res)
			return ioc_emit_str(emit, sink, res->gr_name);
		snprintf(buf, sizeof(buf), "%u", f->stx.stx_gid);
		return ioc_emit_str(emit, sink, buf);
	}
	default:
		return -ENOTSUP;
	}
}

void ioc_file_identify(const struct vg_ioc_object *obj, struct vg_ioc_identity *id)
{
	struct file_obj *f = (struct file_obj *)obj;
	struct vg_ioc_scan *scan = f->w->c->scan;
	struct ioc_hashes h;
	struct stat st;
	uint64_t bytes = 0;
	bool own = true;
	int fd;

	if (f->pending && f->pending->fd >= 0) {
		fd = f->pending->fd;
		own = false;
	} else {
		fd = open_file(f);
	}
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		goto out;
	id->dev = (uint64_t)st.st_dev;
	id->ino = (uint64_t)st.st_ino;
	if (f->hash_state == 1 && (f->w->c->hashes & IOC_HASH_SHA256)) {
		memcpy(id->sha256, f->h.sha256, sizeof(id->sha256));
	} else if ((uint64_t)st.st_size <= scan->hash_limit && lseek(fd, 0, SEEK_SET) == 0 &&
		   ioc_hash_fd(fd, IOC_HASH_SHA256, scan->hash_limit, scan->cancel, &h, &bytes) == 0) {
		memcpy(id->sha256, h.sha256, sizeof(id->sha256));
		scan->stats.bytes_read += bytes;
	}
	id->known = true;
out:
	if (own)
		close(fd);
}

static bool under(const char *path, const char *prefix)
{
	size_t l = strlen(prefix);
	while (l > 1 && prefix[l - 1] == '/')
		l--;
	return strncmp(path, prefix, l) == 0 && (path[l] == '\0' || path[l] == '/' || (l == 1 && prefix[0] == '/'));
}

/* Kernel and pseudo file systems are never walked, wherever they are mounted. */
static bool pseudo_fs(int fd)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		return false;
	switch ((unsigned long)sf.f_type) {
	case PROC_SUPER_MAGIC:
	case SYSFS_MAGIC:
	case DEVPTS_SUPER_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
	case DEBUGFS_MAGIC:
	case SECURITYFS_MAGIC:
	case TRACEFS_MAGIC:
	case BPF_FS_MAGIC:
		return true;
	default:
		return false;
	}
}

static bool excluded(struct walker *w, const char *path)
{
	static const char *const never[] = { "/proc", "/sys", "/dev" };
	static const char *const containers[] = { "/var/lib/docker", "/var/lib/containers", "/var/lib/containerd" };
	struct vg_ioc_scan *scan = w->c->scan;
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (under(path, never[i]))
			return true;
	for (size_t i = 0; !scan->containers && i < sizeof(containers) / sizeof(containers[0]); i++)
		if (under(path, containers[i]))
			return true;
	for (size_t i = 0; i < scan->nexcludes; i++)
		if (under(path, scan->excludes[i]))
			return true;
	return false;
}

static void progress(struct walker *w, const char *path)
{
	struct vg_ioc_scan *scan = w->c->scan;

	if (++w->since_progress >= 64 && scan->progress) {
		w->since_progress = 0;
		scan->progress(&scan->stats, path, scan->data);
	}
}

/* The oldest file in flight: waits for its hashes, evaluates it for good, frees it. */
static void finish_oldest(struct walker *w)
{
	struct file_obj *f = w->window[w->whead];
	struct vg_ioc_scan *scan = w->c->scan;

	w->whead = (w->whead + 1) % w->wsize;
	w->wcount--;
	if (f->pending)
		ioc_hashing_wait(w->pool, f->pending);
	if (!atomic_load(scan->cancel)) {
		w->c->emit(&f->obj, w->c->data);
		/* Read for the probe, not asked for in the end: counted all the same. */
		if (f->pending && !f->hash_state)
			need_hashes(f);
		progress(w, f->path);
	}
	if (f->pending)
		close(f->pending->fd);
	free(f);
}

/* A file of a hashing scan: probed now, opened and queued when it needs hashes, evaluated
 * for good in its turn (finish_oldest). */
static void visit_pipelined(struct walker *w, int dirfd, const char *name, size_t dirlen)
{
	size_t len = strlen(w->path);
	struct file_obj *f = calloc(1, sizeof(*f) + len + 1);

	if (!f) {
		skip(&(struct file_obj){ .w = w, .path = w->path }, N_("cannot be read"));
		return;
	}
	memcpy(f->pathbuf, w->path, len + 1);
	*f = (struct file_obj){ .w = w, .dirfd = dirfd, .path = f->pathbuf, .name = f->pathbuf + (name - w->path),
				.dirlen = dirlen, .probing = true };
	f->obj.doc = VG_IOC_DOC_FILE;
	f->obj.get = file_get;
	f->obj.label_key[0] = "path";
	f->obj.label[0] = f->path;
	w->c->probe(&f->obj, w->c->data);
	f->probing = false;
	if (f->want_hash) {
		int fd = open_for_hash(f);

		if (fd < 0) {
			f->hash_state = fd;
		} else {
			f->pend.fd = fd;
			f->pending = &f->pend;
			ioc_hashing_queue(w->pool, f->pending);
		}
	}
	f->dirfd = -1;  /* the walk leaves the directory before the file is done */
	if (w->wcount == w->wsize)
		finish_oldest(w);
	w->window[(w->whead + w->wcount++) % w->wsize] = f;
	/* What needs no hashing, or is hashed already, goes now when nothing older waits. */
	while (w->wcount && (!w->window[w->whead]->pending ||
			     atomic_load(&w->window[w->whead]->pending->state) == IOC_PENDING_DONE))
		finish_oldest(w);
}

/* PCRE2's own default limits, which a hint compiled here has. */
#define HINT_MATCH_LIMIT 10000000u
#define HINT_DEPTH_LIMIT 10000000u

/* Whether path matches the scan's hint where scan->hint_regex tests it; paths is NULL for the
 * first call, which only checks that the hint compiles there. */
static int hint_call(struct vg_ioc_scan *scan, const char *path, enum vg_ioc_truth *t)
{
	size_t len = path ? strlen(path) : 0;

	return scan->hint_regex.match(scan->hint_regex.data, scan->hint, strlen(scan->hint), true, HINT_MATCH_LIMIT,
				      HINT_DEPTH_LIMIT, &path, &len, path ? 1 : 0, t);
}

static int hint_untested(struct vg_ioc_scan *scan, int code, struct vg_error *err)
{
	return vg_error_set(err, code, N_("the hint '%s' cannot be tested: %s"), scan->hint, strerror(-code));
}

static bool hint_elsewhere(struct walker *w, const char *path)
{
	enum vg_ioc_truth t = VG_IOC_UNKNOWN;
	int r = hint_call(w->c->scan, path, &t);

	/* Not tested (the sandbox died or did not answer): the walk stops and the scan fails, for
	 * a scan that went on without the files would look like a clean host.  A limit reached
	 * is like a PCRE2 error here: the file is not evaluated. */
	if (r < 0) {
		w->hint_error = r;
		return false;
	}
	return t == VG_IOC_TRUE;
}

static void visit_file(struct walker *w, int dirfd, const char *name, size_t dirlen)
{
	struct vg_ioc_scan *scan = w->c->scan;
	if (w->count_only) {
		/* Counting can take a while on a large tree: say how far it got. */
		if (++w->counted % 1024 == 0 && scan->progress) {
			scan->stats.files_counted = w->counted;
			scan->progress(&scan->stats, NULL, scan->data);
		}
		return;
	}
	scan->stats.files_seen++;
	if (w->hint && pcre2_match(w->hint, (PCRE2_SPTR)w->path, strlen(w->path), 0, 0, w->md, NULL) < 0)
		return;
	if (scan->hint && scan->hint_regex.match && !hint_elsewhere(w, w->path))
		return;
	if (w->pool) {
		visit_pipelined(w, dirfd, name, dirlen);
		return;
	}
	struct file_obj f = { .w = w, .dirfd = dirfd, .path = w->path, .name = name, .dirlen = dirlen };
	f.obj.doc = VG_IOC_DOC_FILE;
	f.obj.get = file_get;
	f.obj.label_key[0] = "path";
	f.obj.label[0] = w->path;
	w->c->emit(&f.obj, w->c->data);
	progress(w, w->path);
}

static void walk_dir(struct walker *w, int fd, size_t len, unsigned depth)
{
	struct vg_ioc_scan *scan = w->c->scan;
	DIR *d;
	struct dirent *e;

	if (depth > MAX_DEPTH || pseudo_fs(fd) || !(d = fdopendir(fd))) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) && !atomic_load(scan->cancel) && !w->hint_error) {
		if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || (e->d_name[1] == '.' && e->d_name[2] == '\0')))
			continue;
		size_t nl = strlen(e->d_name);
		if (len + 1 + nl >= sizeof(w->path))
			continue;
		size_t base = len == 1 ? 0 : len;    /* "/" + name, not "//name" */
		w->path[base] = '/';
		memcpy(w->path + base + 1, e->d_name, nl + 1);
		unsigned char type = e->d_type;
		if (type == DT_UNKNOWN) {
			struct stat st;
			if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
		}
		if (type == DT_DIR) {
			if (excluded(w, w->path))
				continue;
			int cfd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
			if (cfd < 0 && errno == EPERM)
				cfd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd >= 0)
				walk_dir(w, cfd, base + 1 + nl, depth + 1);
		} else if (type == DT_REG) {
			visit_file(w, dirfd(d), w->path + base + 1, base ? base : 1);
		}
		w->path[len] = '\0';
	}
	closedir(d);
}

/* Hashing on several threads when the documents need hashes and more than one is asked for. */
static int start_pool(struct walker *w, struct vg_error *err)
{
	struct vg_ioc_scan *scan = w->c->scan;
	unsigned n = ioc_hashing_threads(scan->threads);
	int r;

	if (w->count_only || !w->c->hashes || !w->c->probe || n < 2)
		return 0;
	w->wsize = n * WINDOW_PER_THREAD;
	if (!(w->window = calloc(w->wsize, sizeof(*w->window))))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if ((r = ioc_hashing_start(&w->pool, n, w->c->hashes, scan->hash_limit, scan->cancel)) < 0)
		return vg_error_set(err, r, N_("out of memory"));
	return 0;
}

static void stop_pool(struct walker *w)
{
	while (w->wcount)
		finish_oldest(w);
	ioc_hashing_stop(w->pool);
	free(w->window);
}

static int walk_roots(struct ioc_collect *c, bool count_only, uint64_t *counted, struct vg_error *err)
{
	struct vg_ioc_scan *scan = c->scan;
	struct walker w = { .c = c, .count_only = count_only };
	static const char *const root[] = { "/" };
	const char *const *paths = scan->npaths ? scan->paths : root;
	size_t npaths = scan->npaths ? scan->npaths : 1;
	int r = 0;

	if (scan->hint && scan->hint_regex.match && !count_only) {
		enum vg_ioc_truth none;
		int hr = hint_call(scan, NULL, &none);

		if (hr == -EINVAL)
			return vg_error_set(err, -EINVAL, N_("invalid hint '%s': %s"), scan->hint,
					    "the regular expression does not compile");
		if (hr < 0)
			return hint_untested(scan, hr, err);
	} else if (scan->hint && !scan->hint_regex.match) {
		int ecode;
		PCRE2_SIZE off;
		w.hint = pcre2_compile((PCRE2_SPTR)scan->hint, PCRE2_ZERO_TERMINATED, PCRE2_DOTALL, &ecode, &off, NULL);
		if (!w.hint) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(ecode, msg, sizeof(msg));
			return vg_error_set(err, -EINVAL, N_("invalid hint '%s': %s"), scan->hint, (const char *)msg);
		}
		if (!(w.md = pcre2_match_data_create(1, NULL))) {
			pcre2_code_free(w.hint);
			return vg_error_set(err, -ENOMEM, N_("out of memory"));
		}
	}
	if ((r = start_pool(&w, err)) < 0) {
		pcre2_match_data_free(w.md);
		pcre2_code_free(w.hint);
		return r;
	}
	for (size_t i = 0; i < npaths && !atomic_load(scan->cancel) && !w.hint_error; i++) {
		const char *p = paths[i];
		size_t len = strlen(p);
		while (len > 1 && p[len - 1] == '/')
			len--;
		if (p[0] != '/' || len >= sizeof(w.path)) {
			r = vg_error_set(err, -EINVAL, N_("the path %s is not absolute"), p);
			break;
		}
		memcpy(w.path, p, len);
		w.path[len] = '\0';
		if (excluded(&w, w.path))
			continue;
		struct stat st;
		if (lstat(w.path, &st) < 0)
			continue;
		if (S_ISREG(st.st_mode)) {
			char *slash = strrchr(w.path, '/');
			size_t dl = (size_t)(slash - w.path);
			char dir[PATH_MAX];
			snprintf(dir, sizeof(dir), "%.*s", (int)(dl ? dl : 1), w.path);
			int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd >= 0) {
				visit_file(&w, dfd, slash + 1, dl ? dl : 1);
				close(dfd);
			}
			continue;
		}
		int fd = open(w.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			walk_dir(&w, fd, len, 0);
	}
	stop_pool(&w);
	if (w.hint_error && r == 0)
		r = hint_untested(scan, w.hint_error, err);
	if (w.hasher.buf)
		ioc_hasher_fini(&w.hasher);
	pcre2_match_data_free(w.md);
	pcre2_code_free(w.hint);
	if (counted)
		*counted = w.counted;
	if (scan->progress && !count_only)
		scan->progress(&scan->stats, NULL, scan->data);
	return r;
}

int ioc_items_files(struct ioc_collect *c, struct vg_error *err)
{
	/* Reading every file takes long enough that knowing how many there are is worth a walk
	 * of the directories alone (no stat, no open), which the page cache then serves. */
	struct vg_ioc_scan *scan = c->scan;

	if (c->hashes) {
		ioc_scan_phase(scan, VG_IOC_PHASE_COUNTING);
		int r = walk_roots(c, true, &scan->stats.files_total, err);
		if (r < 0)
			return r;
		scan->stats.files_counted = scan->stats.files_total;
	}
	ioc_scan_phase(scan, VG_IOC_PHASE_FILES);
	return walk_roots(c, false, NULL, err);
}
