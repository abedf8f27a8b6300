/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unattended enrolment: the drop-in directory beside the configuration file
 * (vigild.conf.d/), whose *.conf files carry settings, the server list, the proxy and the
 * certificate files of the link, read at start and on reload (doc/enrolment.md).
 *
 * Each file is applied all or nothing, with the checks of vigilctl, and only when its
 * content changed since it was last applied (its SHA-256 is kept in the database): a later
 * change made with vigilctl stands until the file itself changes.
 */
#ifndef VIGIL_ENROL_ENROL_H
#define VIGIL_ENROL_ENROL_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_agent;
struct vg_error;

#define VG_ENROL_MAX_FILE (64 * 1024)   /* a drop-in file */
#define VG_ENROL_MAX_FILES 128          /* files read from the directory */
#define VG_ENROL_MAX_NAME 128           /* bytes of a file's name */
#define VG_ENROL_MAX_SECRET (4 * 1024)  /* a password file */
#define VG_ENROL_DIR_SUFFIX ".d"        /* the directory: the configuration file's path + this */

struct vg_enrol {
	char dir[PATH_MAX];
	json_t *files;      /* [{name, state: applied|unchanged|refused, digest?}] of the last reading */
	json_t *problems;   /* [error {code, message, msgid, args}] of the last reading */
	int64_t read_at_ms; /* when the directory was last read */
	unsigned readings;  /* how many times it was read */
};

/* Reads a file that steers the root agent: opened without following a symbolic link (at
 * dirfd, or AT_FDCWD for a path), then checked on the descriptor: a regular file owned by
 * root, writable by no one else, at most max bytes (errors call it shown); with secret, readable by no one else
 * either.  *data is NUL-terminated, freed (and wiped when secret) by the caller.
 * -ELOOP for a link, -EPERM for an owner or mode that is refused, -EFBIG, -EINVAL. */
int vg_enrol_read_trusted(int dirfd, const char *name, const char *shown, size_t max, bool secret, char **data, size_t *len,
			  struct vg_error *err);

/* Opens the drop-in directory (no symbolic link, root's, writable by no one else) and lists
 * its *.conf files in lexical order (names without '/', not hidden, at most
 * VG_ENROL_MAX_NAME bytes, at most VG_ENROL_MAX_FILES of them).  *dirfd is the open directory
 * (closed by the caller); *names an array of *n strings, each freed, then the array.
 * -ENOENT when there is no directory. */
int vg_enrol_list(const char *dir, int *dirfd, char ***names, size_t *n, struct vg_error *err);

/* Makes agent->enrol (its tables in the database, the directory beside agent->config_path) and
 * applies the files: at start, once the subsystems run, so that a file meets their vetoes and
 * they follow its changes as they follow vigilctl's. */
int vg_enrol_start(struct vg_agent *agent, struct vg_error *err);
void vg_enrol_stop(struct vg_agent *agent);

/* The "enrolment" part of status: {available, directory, files, problems, read}. */
json_t *vg_enrol_status(struct vg_agent *agent);

/* Reads the directory now and applies every file that changed; what it found goes into
 * agent->enrol (status).  Never fails the agent: a refused file is a problem, logged. */
void vg_enrol_run(struct vg_agent *agent);

#endif
