/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The quarantine: a private directory (0700) in the state directory holding, per entry,
 * ID.data (the bytes, 0600) and ID.json (original path, mode, owner, times, hashes, and the
 * device and inode of the directory it was in).  An entry is restorable to its original path,
 * with its mode and owner, or purged.  Restore goes back into that very directory: resolved
 * without symbolic links, it must still be the same device and inode, so that nobody can have
 * a file of theirs written with its original owner into a directory of root's.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "nls.h"
#include "tasks/executors.h"
#include "tasks/request.h"
#include "vigil/error.h"

#define MAX_META (64 * 1024)
#define MAX_ENTRIES 100000

static bool valid_id(const char *id)
{
	return id && strlen(id) == 16 && strspn(id, "0123456789abcdef") == 16;
}

static int entry_path(char *out, size_t size, const char *dir, const char *id, const char *ext)
{
	return snprintf(out, size, "%s/%s.%s", dir, id, ext) >= (int)size ? -ENAMETOOLONG : 0;
}

int vg_task_quarantine_add(const struct vg_task_ctx *ctx, int fd, int dirfd, const char *path, const json_t *meta,
			   char id[17], struct vg_error *err)
{
	struct stat dir_st;
	struct vg_task_ctx copy_ctx = *ctx;
	unsigned char rnd[8];
	char data[VG_TASK_PATH_MAX + 1], metafile[VG_TASK_PATH_MAX + 1], md5[33], sha256[65];
	uint64_t size;
	json_t *entry = NULL;
	char *text = NULL;
	int out = -1, r;

	if (fstat(dirfd, &dir_st) < 0)
		return vg_error_set(err, -errno, N_("%s: cannot open its directory: %s"), path, strerror(errno));
	if ((r = vg_task_make_dir(ctx->quarantine_dir, err)) < 0)
		return r;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return vg_error_set(err, -EIO, N_("no random bytes for the quarantine id"));
	for (int i = 0; i < 8; i++)
		snprintf(id + 2 * i, 3, "%02x", rnd[i]);
	if (entry_path(data, sizeof(data), ctx->quarantine_dir, id, "data") < 0 ||
	    entry_path(metafile, sizeof(metafile), ctx->quarantine_dir, id, "json") < 0)
		return vg_error_set(err, -ENAMETOOLONG, N_("path too long: %s"), ctx->quarantine_dir);
	if (lseek(fd, 0, SEEK_SET) < 0)
		return vg_error_set(err, -errno, N_("%s: cannot read: %s"), path, strerror(errno));
	out = open(data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (out < 0)
		return vg_error_set(err, -errno, N_("cannot create %s: %s"), data, strerror(errno));
	if ((r = vg_task_hash_fd(&copy_ctx, fd, out, ctx->file_max, &size, md5, sha256, err)) < 0)
		goto fail;
	if (fsync(out) < 0) {
		r = vg_error_set(err, -errno, N_("cannot write the copy: %s"), strerror(errno));
		goto fail;
	}
	entry = json_deep_copy(meta);
	json_object_set_new(entry, "id", json_string(id));
	json_object_set_new(entry, "path", json_string(path));
	json_object_set_new(entry, "size", json_integer((json_int_t)size));
	json_object_set_new(entry, "md5", json_string(md5));
	json_object_set_new(entry, "sha256", json_string(sha256));
	json_object_set_new(entry, "quarantined_at", json_integer((json_int_t)time(NULL)));
	json_object_set_new(entry, "dir_dev", json_integer((json_int_t)dir_st.st_dev));
	json_object_set_new(entry, "dir_inode", json_integer((json_int_t)dir_st.st_ino));
	text = json_dumps(entry, JSON_COMPACT);
	if (!text) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto fail;
	}
	if ((r = vg_file_write_atomic(metafile, text, strlen(text), 0600, err)) < 0)
		goto fail;
	free(text);
	json_decref(entry);
	close(out);
	return 0;
fail:
	free(text);
	json_decref(entry);
	close(out);
	unlink(data);
	return r;
}

static int load_entry(const char *dir, const char *id, json_t **entry, struct vg_error *err)
{
	char metafile[VG_TASK_PATH_MAX + 1];
	char *text = NULL;
	size_t len;
	json_error_t jerr;
	int r;

	if (!valid_id(id))
		return vg_error_set(err, -EINVAL, N_("\"%s\" is not a quarantine id (16 hexadecimal digits)"), id ? id : "");
	if (entry_path(metafile, sizeof(metafile), dir, id, "json") < 0)
		return vg_error_set(err, -ENAMETOOLONG, N_("path too long: %s"), dir);
	if (access(metafile, F_OK) < 0)
		return vg_error_set(err, -ENOENT, N_("no quarantine entry %s"), id);
	if ((r = vg_file_read_all(metafile, MAX_META, &text, &len, err)) < 0)
		return r;
	*entry = json_loadb(text, len, 0, &jerr);
	free(text);
	if (!json_is_object(*entry) || !json_string_value(json_object_get(*entry, "path"))) {
		json_decref(*entry);
		*entry = NULL;
		return vg_error_set(err, -EINVAL, N_("the quarantine entry %s is damaged"), id);
	}
	return 0;
}

static const char *id_arg(const json_t *args)
{
	return json_string_value(json_object_get(args, "id"));
}

static void remove_entry(const char *dir, const char *id)
{
	char p[VG_TASK_PATH_MAX + 1];

	if (entry_path(p, sizeof(p), dir, id, "json") == 0)
		unlink(p);
	if (entry_path(p, sizeof(p), dir, id, "data") == 0)
		unlink(p);
}

/* The directory restore writes into must be the one the file was taken from. */
static int check_restore_dir(struct vg_task_ctx *ctx, int dirfd, const json_t *entry, const char *path,
			     struct vg_error *err)
{
	const json_t *dev = json_object_get(entry, "dir_dev"), *ino = json_object_get(entry, "dir_inode");
	struct stat st;

	if (fstat(dirfd, &st) < 0)
		return vg_error_set(err, -errno, N_("%s: cannot open its directory: %s"), path, strerror(errno));
	if (json_is_integer(dev) && json_is_integer(ino)) {
		if ((dev_t)json_integer_value(dev) == st.st_dev && (ino_t)json_integer_value(ino) == st.st_ino)
			return 0;
		ctx->refused = true;
		return vg_error_set(err, -ESTALE,
				    N_("%s: its directory is not the one the file was quarantined from (it was replaced); "
				       "nothing was restored"),
				    path);
	}
	/* An entry of an older agent, which did not record its directory: only a directory that
	 * nobody but root can change is trusted. */
	if (st.st_uid == 0 && !(st.st_mode & 022))
		return 0;
	ctx->refused = true;
	return vg_error_set(err, -EPERM,
			    N_("%s: this entry does not record its directory, which others may write to; nothing was restored "
			       "(the bytes are in the quarantine's ID.data file)"),
			    path);
}

int vg_task_quarantine_restore(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err)
{
	char data[VG_TASK_PATH_MAX + 1], name[VG_TASK_PATH_MAX + 1], md5[33], sha256[65];
	const char *id = id_arg(args), *path, *mode_text, *want;
	/* Created in the checked directory only: one component, never through a link. */
	struct open_how how = { .flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, .mode = 0600,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	json_t *entry = NULL;
	uint64_t size;
	int in = -1, dirfd = -1, out = -1, r;
	unsigned long mode;
	bool created = false;

	*result = NULL;
	if ((r = load_entry(ctx->quarantine_dir, id, &entry, err)) < 0)
		return r;
	path = json_string_value(json_object_get(entry, "path"));
	mode_text = json_string_value(json_object_get(entry, "mode"));
	want = json_string_value(json_object_get(entry, "sha256"));
	mode = mode_text ? strtoul(mode_text, NULL, 8) & 07777 : 0600;
	entry_path(data, sizeof(data), ctx->quarantine_dir, id, "data");
	in = open(data, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0) {
		r = vg_error_set(err, -errno, N_("%s: cannot open: %s"), data, strerror(errno));
		goto out;
	}
	/* The original place, checked like any other path: never through a link, never over a file. */
	if (path[0] != '/' || (r = vg_task_open_parent(ctx, path, &dirfd, name, err)) < 0) {
		if (path[0] != '/')
			r = vg_error_set(err, -EINVAL, N_("%s: not an absolute path"), path);
		goto out;
	}
	if ((r = check_restore_dir(ctx, dirfd, entry, path, err)) < 0)
		goto out;
	vg_task_pause(ctx, "quarantine-restore:checked");
	out = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	if (out < 0) {
		r = errno == EEXIST ? vg_error_set(err, -EEXIST, N_("%s already exists; move it away to restore"), path)
				    : vg_error_set(err, -errno, N_("cannot create %s: %s"), path, strerror(errno));
		goto out;
	}
	created = true;
	if ((r = vg_task_hash_fd(ctx, in, out, UINT64_MAX, &size, md5, sha256, err)) < 0)
		goto out;
	if (want && strcmp(want, sha256) != 0) {
		r = vg_error_set(err, -EBADMSG, N_("the quarantine entry %s is damaged"), id);
		goto out;
	}
	/* Owner first: fchown clears the set-id bits that fchmod then puts back. */
	if (fchown(out, (uid_t)json_integer_value(json_object_get(entry, "uid")),
		   (gid_t)json_integer_value(json_object_get(entry, "gid"))) < 0) {
		r = vg_error_set(err, -errno, N_("cannot write %s: %s"), path, strerror(errno));
		goto out;
	}
	if (fchmod(out, (mode_t)mode) < 0) {
		/* A sandbox that forbids set-id files (systemd's RestrictSUIDSGID): the file comes
		 * back without those bits, and the result says so. */
		if (errno != EPERM || !(mode & 06000) || fchmod(out, (mode_t)(mode & ~06000UL)) < 0) {
			r = vg_error_set(err, -errno, N_("cannot write %s: %s"), path, strerror(errno));
			goto out;
		}
		json_object_set_new(entry, "setid_dropped", json_true());
	}
	if (fsync(out) < 0) {
		r = vg_error_set(err, -errno, N_("cannot write %s: %s"), path, strerror(errno));
		goto out;
	}
	remove_entry(ctx->quarantine_dir, id);
	json_object_set_new(entry, "restored", json_true());
	*result = json_incref(entry);
	r = 0;
out:
	/* Only the file this restore made: once handed to its owner it may have been renamed
	 * and another object put at its name. */
	if (r < 0 && created) {
		struct stat mine, there;

		if (fstat(out, &mine) == 0 && fstatat(dirfd, name, &there, AT_SYMLINK_NOFOLLOW) == 0 &&
		    mine.st_dev == there.st_dev && mine.st_ino == there.st_ino)
			unlinkat(dirfd, name, 0);
	}
	if (out >= 0)
		close(out);
	if (dirfd >= 0)
		close(dirfd);
	if (in >= 0)
		close(in);
	json_decref(entry);
	return r;
}

int vg_task_quarantine_purge(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err)
{
	const char *id = id_arg(args);
	json_t *entry = NULL;
	int r;

	*result = NULL;
	if ((r = load_entry(ctx->quarantine_dir, id, &entry, err)) < 0)
		return r;
	remove_entry(ctx->quarantine_dir, id);
	json_object_set_new(entry, "purged", json_true());
	*result = entry;
	return 0;
}

static int by_time_desc(const void *a, const void *b)
{
	json_int_t ta = json_integer_value(json_object_get(*(json_t *const *)a, "quarantined_at"));
	json_int_t tb = json_integer_value(json_object_get(*(json_t *const *)b, "quarantined_at"));

	return ta < tb ? 1 : ta > tb ? -1 : 0;
}

json_t *vg_task_quarantine_list(const char *quarantine_dir, unsigned limit, struct vg_error *err)
{
	DIR *d = opendir(quarantine_dir);
	struct dirent *de;
	json_t **items = NULL, *list;
	size_t n = 0, cap = 0, seen = 0;

	if (!d) {
		if (errno == ENOENT)
			return json_array();
		vg_error_set(err, -errno, N_("cannot read %s: %s"), quarantine_dir, strerror(errno));
		return NULL;
	}
	while ((de = readdir(d)) && seen++ < MAX_ENTRIES) {
		char id[17];
		json_t *entry;
		struct vg_error ignored;

		if (strlen(de->d_name) != 21 || strcmp(de->d_name + 16, ".json") != 0)
			continue;
		memcpy(id, de->d_name, 16);
		id[16] = '\0';
		if (load_entry(quarantine_dir, id, &entry, &ignored) < 0)
			continue;
		if (n == cap) {
			json_t **grown = realloc(items, (cap = cap ? cap * 2 : 64) * sizeof(*items));

			if (!grown) {
				json_decref(entry);
				break;
			}
			items = grown;
		}
		items[n++] = entry;
	}
	closedir(d);
	if (n)
		qsort(items, n, sizeof(*items), by_time_desc);
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		if (i < limit)
			json_array_append(list, items[i]);
		json_decref(items[i]);
	}
	free(items);
	return list;
}

int vg_task_quarantine_find(const char *quarantine_dir, const char *prefix, char id[17], struct vg_error *err)
{
	char want[17], list[256] = "";
	size_t n = strlen(prefix), used = 0, seen = 0, found = 0;
	DIR *d;
	struct dirent *de;
	int r;

	if ((r = vg_task_quarantine_prefix_check(prefix, err)) < 0)
		return r;
	for (size_t i = 0; i <= n; i++)
		want[i] = (char)(prefix[i] >= 'A' && prefix[i] <= 'F' ? prefix[i] - 'A' + 'a' : prefix[i]);
	if (!(d = opendir(quarantine_dir))) {
		if (errno == ENOENT)
			return vg_error_set(err, -ENOENT, N_("no quarantine entry %s"), want);
		return vg_error_set(err, -errno, N_("cannot read %s: %s"), quarantine_dir, strerror(errno));
	}
	while ((de = readdir(d)) && seen++ < MAX_ENTRIES) {
		if (strlen(de->d_name) != 21 || strcmp(de->d_name + 16, ".json") != 0 || strncmp(de->d_name, want, n) != 0)
			continue;
		if (found++ == 0)
			snprintf(id, 17, "%.16s", de->d_name);
		/* The candidates, as git names those of a short hash: a few are enough to choose. */
		if (found <= 8 && used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%.16s", used ? ", " : "", de->d_name);
		else if (found == 9 && used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, ", …");
	}
	closedir(d);
	if (found == 0)
		return vg_error_set(err, -ENOENT, N_("no quarantine entry %s"), want);
	if (found > 1)
		return vg_error_set(err, -EINVAL, N_("the quarantine id %s is ambiguous: %s"), want, list);
	return 0;
}
