/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small file helpers with bounds: reading a whole file, writing one atomically. */
#ifndef VIGIL_FILEIO_H
#define VIGIL_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

struct vg_error;

/* Reads the regular file at path into a NUL-terminated buffer that the caller frees.
 * A file larger than max_size, or not a regular file, is refused (-EFBIG, -EINVAL). */
int vg_file_read_all(const char *path, size_t max_size, char **data, size_t *len, struct vg_error *err);

/* The same from an open descriptor (not closed), path naming it in errors: for a caller that
 * opened the file its own way and checked it on the descriptor. */
int vg_file_read_fd(int fd, const char *path, size_t max_size, char **data, size_t *len, struct vg_error *err);

/* Writes data to path through a temporary file in the same directory, fsync and rename,
 * so that readers see the old or the new content, never a part.  mode is the file's mode. */
int vg_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode, struct vg_error *err);

/* Makes sure dir is a directory owned by us that gives group and others no more than mode
 * does (and never the right to write), creating it with exactly mode when it is missing (its
 * parent must exist).  Whoever can replace its files can feed the agent, and whoever can read
 * them reads the agent's secrets: a directory that breaks this is refused, with the command
 * that fixes it in err. */
int vg_dir_ensure_private(const char *dir, mode_t mode, struct vg_error *err);

/* openat(dirfd, path, flags) that follows no symbolic link in any component of path (openat2
 * with RESOLVE_NO_SYMLINKS, magic links of /proc included): a directory of the path that
 * someone swaps for a link fails with ELOOP instead of leading elsewhere.  Returns the
 * descriptor, or -1 with errno set. */
int vg_open_no_symlinks(int dirfd, const char *path, int flags);

#endif
