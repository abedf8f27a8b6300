/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The JSON Lines export: one OCSF event a line in a local file, for Filebeat, Fluent Bit or
 * Vector.  When the next line would take the file past its size the file rotates (FILE becomes
 * FILE.1, FILE.1 becomes FILE.2 ...; the oldest beyond the count kept goes).  A batch counts as
 * delivered once it is on disk (fdatasync); a failed write is cut back so that no half line stays.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "agent.h"
#include "export/export.h"
#include "export/export-settings.h"
#include "nls.h"

struct jsonl {
	int fd;
	off_t size;
	char path[PATH_MAX];
};

static bool configure(struct vg_agent *agent, struct vg_export_conf *conf)
{
	snprintf(conf->target, sizeof(conf->target), "%s", vg_setting_str(agent->settings, VG_S_EXPORT_JSONL_PATH));
	conf->max_bytes = vg_setting_int(agent->settings, VG_S_EXPORT_JSONL_MAX_SIZE) * 1024;
	conf->keep = vg_setting_int(agent->settings, VG_S_EXPORT_JSONL_KEEP);
	return conf->target[0] != '\0';
}

static void close_file(void **state)
{
	struct jsonl *j = *state;

	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j);
	*state = NULL;
}

static int open_file(struct jsonl *j, struct vg_error *err)
{
	struct stat st;

	j->fd = open(j->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0640);
	if (j->fd < 0)
		return vg_error_set(err, -errno, N_("cannot open %s: %s"), j->path, strerror(errno));
	if (fstat(j->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(j->fd);
		j->fd = -1;
		return vg_error_set(err, -EINVAL, N_("%s is not a regular file"), j->path);
	}
	j->size = st.st_size;
	return 0;
}

/* FILE -> FILE.1 -> ... -> FILE.keep; what was FILE.keep goes. */
static int rotate(struct jsonl *j, long long keep, struct vg_error *err)
{
	char from[PATH_MAX + 24], to[PATH_MAX + 24];

	if (fdatasync(j->fd) < 0)
		return vg_error_set(err, -errno, N_("cannot write %s: %s"), j->path, strerror(errno));
	close(j->fd);
	j->fd = -1;
	for (long long i = keep; i >= 1; i--) {
		snprintf(to, sizeof(to), "%s.%lld", j->path, i);
		if (i > 1)
			snprintf(from, sizeof(from), "%s.%lld", j->path, i - 1);
		else
			snprintf(from, sizeof(from), "%s", j->path);
		if (rename(from, to) < 0 && errno != ENOENT)
			return vg_error_set(err, -errno, N_("cannot rotate %s: %s"), from, strerror(errno));
	}
	return open_file(j, err);
}

static int write_line(struct jsonl *j, const char *text, size_t len)
{
	struct iovec iov[2] = { { (void *)text, len }, { (void *)"\n", 1 } };
	size_t left = len + 1;

	while (left > 0) {
		ssize_t n = writev(j->fd, iov, 2);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		left -= (size_t)n;
		for (int i = 0; i < 2; i++) {
			size_t take = (size_t)n < iov[i].iov_len ? (size_t)n : iov[i].iov_len;

			iov[i].iov_base = (char *)iov[i].iov_base + take;
			iov[i].iov_len -= take;
			n -= (ssize_t)take;
		}
	}
	return 0;
}

static int deliver(void **state, const struct vg_export_conf *conf, const struct vg_spool_batch *batch,
		   size_t *delivered, uint64_t *acked, struct vg_error *err)
{
	struct jsonl *j = *state;
	size_t written = 0;
	int r;

	(void)acked; /* what is written is received (no flush) */
	*delivered = 0;
	if (!j) {
		if (!(j = calloc(1, sizeof(*j))))
			return vg_error_set(err, -ENOMEM, N_("out of memory"));
		snprintf(j->path, sizeof(j->path), "%s", conf->target);
		if ((r = open_file(j, err)) < 0) {
			free(j);
			return r;
		}
		*state = j;
	} else if (j->fd < 0 && (r = open_file(j, err)) < 0) {
		return r;
	}
	for (size_t i = 0; i < batch->n; i++) {
		size_t len = strlen(batch->texts[i]);

		if (j->size > 0 && j->size + (off_t)len + 1 > conf->max_bytes) {
			/* What is written so far is on disk once rotate's fdatasync returns. */
			if ((r = rotate(j, conf->keep, err)) < 0) {
				*delivered = written;
				return r;
			}
			*delivered = written;
		}
		if ((r = write_line(j, batch->texts[i], len)) < 0) {
			/* No half line stays behind for the reader. */
			if (ftruncate(j->fd, j->size) < 0)
				close_file(state);
			return vg_error_set(err, r, N_("cannot write %s: %s"), j->path, strerror(-r));
		}
		j->size += (off_t)len + 1;
		written++;
	}
	if (fdatasync(j->fd) < 0)
		return vg_error_set(err, -errno, N_("cannot write %s: %s"), j->path, strerror(errno));
	*delivered = written;
	return 0;
}

const struct vg_export_ops vg_export_jsonl = {
	.name = "jsonl",
	.configure = configure,
	.deliver = deliver,
	.close = close_file,
};
