/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Protected files: what keeps the host alive, refused by delete-file (and its quarantine)
 * unless the request says force.  They are
 *
 *   - the dynamic loader and the C library the agent itself runs on, by inode (any name or
 *     hard link of them);
 *   - /etc/passwd, /etc/shadow, /etc/group, /etc/gshadow, by path and by inode;
 *   - everything under /boot, /lib/modules and /usr/lib/modules;
 *   - every file an installed package owns under /usr (and /bin, /sbin, /lib* of hosts
 *     without a merged /usr): dpkg's lists (DPKG/info/NAME.list), indexed once on a task thread
 *     and again when DPKG/status changes (dpkg rewrites it at every install and removal);
 *   - the paths of the setting tasks.protected_paths (a file, or a directory and all below).
 *
 * The package index keeps a 64-bit hash of each path, sorted: a few bytes per file whatever
 * the path lengths, looked up by bisection.  A path is the real one (tasks resolve without
 * symbolic links), so the lists' names are moved onto the real directories first (/bin/ls
 * is /usr/bin/ls when /bin is a link to usr/bin).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "hash.h"
#include "log.h"
#include "tasks/executors.h"

#define MAX_PACKAGE_PATHS (4u * 1024 * 1024) /* 32 MiB of hashes at most */
#define MAX_LIST_LINE 8192
#define MAX_FILES 16
#define MAX_ALIASES 8

static const char *const account_files[] = { "/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow" };
static const char *const protected_dirs[] = { "/boot", "/lib/modules", "/usr/lib/modules" };
/* Where packages put what the host runs on; the lists name them as the package was built. */
static const char *const package_roots[] = { "/usr/", "/bin/", "/sbin/", "/lib/", "/lib32/", "/lib64/",
					     "/libx32/" };

struct by_inode {
	dev_t dev;
	ino_t ino;
	char rule[16];
};

struct alias {
	char from[16];  /* "/bin/" */
	char to[32];    /* "/usr/bin/" */
};

struct vg_protect {
	pthread_mutex_t lock;              /* guards everything below but the refresh */
	pthread_mutex_t refresh;           /* one index build at a time */
	char dpkg_dir[VG_TASK_PATH_MAX + 1];
	char roots[VG_TASK_PATH_MAX + 1];  /* package roots, comma-separated (tests set their own) */
	struct by_inode files[MAX_FILES];
	size_t nfiles;
	struct alias aliases[MAX_ALIASES];
	size_t naliases;
	uint64_t *hashes;
	size_t nhashes;
	bool indexed;
	struct timespec status_mtime;
	off_t status_size;
	int64_t indexed_at;                /* ms since the epoch */
};

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* "//" and "/./" as "/", and no trailing "/": the text two names of one path share. */
static void normalize(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (const char *p = in; *p && o + 1 < size; p++) {
		if (*p == '/' && o && out[o - 1] == '/')
			continue;
		if (*p == '.' && o && out[o - 1] == '/' && (p[1] == '/' || p[1] == '\0'))
			continue;
		out[o++] = *p;
	}
	while (o > 1 && out[o - 1] == '/')
		o--;
	out[o] = '\0';
}

static void add_file(struct vg_protect *p, const char *path, const char *rule)
{
	struct stat st;

	if (p->nfiles < MAX_FILES && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		p->files[p->nfiles].dev = st.st_dev;
		p->files[p->nfiles].ino = st.st_ino;
		snprintf(p->files[p->nfiles].rule, sizeof(p->files[p->nfiles].rule), "%s", rule);
		p->nfiles++;
	}
}

/* The loader and libc this process was started with: /proc/self/maps names them. */
static void find_runtime(struct vg_protect *p)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[VG_TASK_PATH_MAX + 128];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/'), *base;

		if (!path)
			continue;
		path[strcspn(path, "\n")] = '\0';
		base = strrchr(path, '/') + 1;
		if (strncmp(base, "ld-linux", 8) == 0 || strncmp(base, "ld-musl", 7) == 0)
			add_file(p, path, "ld.so");
		else if (strncmp(base, "libc.so", 7) == 0 || strncmp(base, "libc-", 5) == 0)
			add_file(p, path, "libc");
	}
	fclose(f);
	/* Each library is mapped several times: keep one entry per inode. */
	for (size_t i = 0; i < p->nfiles; i++)
		for (size_t k = i + 1; k < p->nfiles;)
			if (p->files[k].dev == p->files[i].dev && p->files[k].ino == p->files[i].ino)
				p->files[k] = p->files[--p->nfiles];
			else
				k++;
}

/* /bin -> usr/bin and the like: package lists say /bin/ls, the real path is /usr/bin/ls. */
static void find_aliases(struct vg_protect *p)
{
	for (size_t i = 0; i < sizeof(package_roots) / sizeof(package_roots[0]) && p->naliases < MAX_ALIASES; i++) {
		char dir[32], target[64];
		ssize_t n;

		snprintf(dir, sizeof(dir), "%.*s", (int)strlen(package_roots[i]) - 1, package_roots[i]);
		n = readlink(dir, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (target[0] == '/')
			snprintf(p->aliases[p->naliases].to, sizeof(p->aliases[p->naliases].to), "%s/", target);
		else
			snprintf(p->aliases[p->naliases].to, sizeof(p->aliases[p->naliases].to), "/%s/", target);
		snprintf(p->aliases[p->naliases].from, sizeof(p->aliases[p->naliases].from), "%s", package_roots[i]);
		p->naliases++;
	}
}

int vg_protect_new(struct vg_protect **out, const struct vg_protect_config *cfg)
{
	struct vg_protect *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	pthread_mutex_init(&p->refresh, NULL);
	snprintf(p->dpkg_dir, sizeof(p->dpkg_dir), "%s", cfg->dpkg_dir[0] ? cfg->dpkg_dir : "/var/lib/dpkg");
	if (cfg->package_roots[0]) {
		snprintf(p->roots, sizeof(p->roots), "%s", cfg->package_roots);
	} else {
		for (size_t i = 0; i < sizeof(package_roots) / sizeof(package_roots[0]); i++)
			snprintf(p->roots + strlen(p->roots), sizeof(p->roots) - strlen(p->roots), "%s%s", i ? "," : "",
				 package_roots[i]);
		find_aliases(p);
	}
	find_runtime(p);
	for (size_t i = 0; i < sizeof(account_files) / sizeof(account_files[0]); i++)
		add_file(p, account_files[i], "account");
	*out = p;
	return 0;
}

void vg_protect_free(struct vg_protect *p)
{
	if (!p)
		return;
	free(p->hashes);
	pthread_mutex_destroy(&p->lock);
	pthread_mutex_destroy(&p->refresh);
	free(p);
}

/* Whether path is at or under one of the comma-separated entries of list; which one in rule. */
static bool under_list(const char *list, const char *path, char *rule, size_t size)
{
	size_t plen = strlen(path);

	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		char entry[VG_TASK_PATH_MAX + 1];
		size_t elen;

		snprintf(entry, sizeof(entry), "%.*s", (int)n, p);
		normalize(entry, entry, sizeof(entry));
		elen = strlen(entry);
		if (elen && entry[0] == '/' && plen >= elen && strncmp(path, entry, elen) == 0 &&
		    (path[elen] == '\0' || path[elen] == '/' || strcmp(entry, "/") == 0)) {
			snprintf(rule, size, "%s", entry);
			return true;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

/* A list entry as the real path, or NULL when it is outside the package roots. */
static const char *real_name(const struct vg_protect *p, const char *name, char *buf, size_t size)
{
	char rule[8];

	for (size_t i = 0; i < p->naliases; i++) {
		size_t n = strlen(p->aliases[i].from);

		if (strncmp(name, p->aliases[i].from, n) == 0) {
			snprintf(buf, size, "%s%s", p->aliases[i].to, name + n);
			return buf;
		}
	}
	return under_list(p->roots, name, rule, sizeof(rule)) ? name : NULL;
}

static int add_hash(uint64_t **hashes, size_t *n, size_t *cap, uint64_t h)
{
	if (*n == *cap) {
		size_t grown_cap = *cap ? *cap * 2 : 65536;
		uint64_t *grown;

		if (grown_cap > MAX_PACKAGE_PATHS)
			grown_cap = MAX_PACKAGE_PATHS;
		if (*n >= grown_cap || !(grown = realloc(*hashes, grown_cap * sizeof(*grown))))
			return -ENOMEM;
		*hashes = grown;
		*cap = grown_cap;
	}
	(*hashes)[(*n)++] = h;
	return 0;
}

/* Reads every DPKG/info/NAME.list into a sorted array of path hashes. */
static int build_index(const struct vg_protect *p, uint64_t **out, size_t *count)
{
	char dir[VG_TASK_PATH_MAX + 16];
	uint64_t *hashes = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	char *line = malloc(MAX_LIST_LINE);
	DIR *d;
	int r = 0;

	snprintf(dir, sizeof(dir), "%s/info", p->dpkg_dir);
	if (!line)
		return -ENOMEM;
	if (!(d = opendir(dir))) {
		free(line);
		return -errno;
	}
	while (r == 0 && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		FILE *f;
		int fd;

		if (len < 6 || strcmp(e->d_name + len - 5, ".list") != 0)
			continue;
		if ((fd = openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 || !(f = fdopen(fd, "r"))) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		while (r == 0 && fgets(line, MAX_LIST_LINE, f)) {
			char norm[MAX_LIST_LINE], moved[MAX_LIST_LINE + 32];
			const char *name;

			line[strcspn(line, "\n")] = '\0';
			if (line[0] != '/')
				continue;
			normalize(line, norm, sizeof(norm));
			if ((name = real_name(p, norm, moved, sizeof(moved))))
				r = add_hash(&hashes, &n, &cap, vg_fnv1a64(name, strlen(name)));
		}
		fclose(f);
	}
	closedir(d);
	free(line);
	if (r < 0) {
		vg_warn("tasks: the package index stops at %zu paths", n);
		r = 0;
	}
	qsort(hashes, n, sizeof(*hashes), by_value);
	*out = hashes;
	*count = n;
	return r;
}

void vg_protect_refresh(struct vg_protect *p)
{
	char status[VG_TASK_PATH_MAX + 16];
	uint64_t *hashes = NULL;
	struct stat st;
	size_t n = 0;
	bool current;
	int r;

	if (!p)
		return;
	snprintf(status, sizeof(status), "%s/status", p->dpkg_dir);
	pthread_mutex_lock(&p->refresh);
	if (stat(status, &st) < 0) {
		/* No dpkg on this host: no package is protected. */
		pthread_mutex_lock(&p->lock);
		p->indexed = true;
		pthread_mutex_unlock(&p->lock);
		pthread_mutex_unlock(&p->refresh);
		return;
	}
	pthread_mutex_lock(&p->lock);
	current = p->indexed && p->status_size == st.st_size && p->status_mtime.tv_sec == st.st_mtim.tv_sec &&
		  p->status_mtime.tv_nsec == st.st_mtim.tv_nsec;
	pthread_mutex_unlock(&p->lock);
	if (current) {
		pthread_mutex_unlock(&p->refresh);
		return;
	}
	if ((r = build_index(p, &hashes, &n)) < 0)
		vg_warn("tasks: cannot read the package lists in %s/info: %s", p->dpkg_dir, strerror(-r));
	pthread_mutex_lock(&p->lock);
	if (r == 0) {
		free(p->hashes);
		p->hashes = hashes;
		p->nhashes = n;
		hashes = NULL;
	}
	p->indexed = true;
	p->status_mtime = st.st_mtim;
	p->status_size = st.st_size;
	p->indexed_at = vg_time_ms();
	pthread_mutex_unlock(&p->lock);
	free(hashes);
	pthread_mutex_unlock(&p->refresh);
	if (r == 0)
		vg_debug("tasks: %zu package files indexed from %s", n, p->dpkg_dir);
}

bool vg_protect_match(struct vg_protect *p, const char *extra, const char *path, const struct stat *st, char *rule,
		      size_t size)
{
	char norm[VG_TASK_PATH_MAX + 1];
	bool found = false;

	if (!p)
		return false;
	normalize(path, norm, sizeof(norm));
	vg_protect_refresh(p);
	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; !found && i < p->nfiles; i++)
		if (st && !S_ISLNK(st->st_mode) && st->st_dev == p->files[i].dev && st->st_ino == p->files[i].ino) {
			snprintf(rule, size, "%s", strcmp(p->files[i].rule, "account") == 0 ? norm : p->files[i].rule);
			found = true;
		}
	for (size_t i = 0; !found && i < sizeof(account_files) / sizeof(account_files[0]); i++)
		if (strcmp(norm, account_files[i]) == 0) {
			snprintf(rule, size, "%s", account_files[i]);
			found = true;
		}
	for (size_t i = 0; !found && i < sizeof(protected_dirs) / sizeof(protected_dirs[0]); i++)
		found = under_list(protected_dirs[i], norm, rule, size);
	if (!found && extra)
		found = under_list(extra, norm, rule, size);
	if (!found && p->nhashes) {
		uint64_t h = vg_fnv1a64(norm, strlen(norm));

		if (bsearch(&h, p->hashes, p->nhashes, sizeof(h), by_value)) {
			snprintf(rule, size, "%s", "dpkg");
			found = true;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return found;
}

json_t *vg_protect_status(struct vg_protect *p)
{
	json_t *o;

	if (!p)
		return json_null();
	pthread_mutex_lock(&p->lock);
	o = json_pack("{s:I, s:I, s:s}", "package_files", (json_int_t)p->nhashes, "indexed_at",
		      (json_int_t)p->indexed_at, "dpkg", p->dpkg_dir);
	pthread_mutex_unlock(&p->lock);
	return o;
}
