/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The state directory holds the database (events, task output, settings), the certificates
 * and their keys, the proxy password, collected and quarantined files: root's alone.  The
 * process keeps no secret in a core dump either.
 */
#ifndef VIGIL_STATE_DIR_H
#define VIGIL_STATE_DIR_H

struct vg_error;

/* What the process creates is its own (umask 077), it cannot be dumped or traced by a
 * process without CAP_SYS_PTRACE, and it leaves no core file; its descriptor limit is raised
 * for the clients it serves.  Called first thing. */
void vg_process_private(void);

/* Makes sure dir is a directory of the agent's user with mode 0700 (created so when it is
 * missing; refused with the fixing command in err otherwise), then takes group and others'
 * bits off everything under it (files 0600 at most, directories 0700): a database or a WAL
 * left readable by an older version is closed at the next start.  Symbolic links are never
 * followed. */
int vg_state_dir_secure(const char *dir, struct vg_error *err);

#endif
