/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "fileio.h"
#include "nls.h"
#include "vigil/error.h"

int vg_daemon_start(int *notify_fd, struct vg_error *err)
{
	int pfd[2], devnull;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return vg_error_set(err, -errno, N_("cannot create a pipe: %s"), strerror(errno));
	pid = fork();
	if (pid < 0)
		return vg_error_set(err, -errno, N_("cannot fork: %s"), strerror(errno));
	if (pid > 0) {
		char buf[1024];
		ssize_t n, got = 0;

		close(pfd[1]);
		/* First byte: '0' ready, '1' failed followed by the message. */
		while ((n = read(pfd[0], buf + got, sizeof(buf) - 1 - (size_t)got)) > 0 ||
		       (n < 0 && errno == EINTR))
			if (n > 0)
				got += n;
		buf[got] = '\0';
		waitpid(pid, NULL, 0);
		if (got > 0 && buf[0] == '0')
			_exit(0);
		if (got > 1)
			fprintf(stderr, "vigild: %s\n", buf + 1);
		else
			fprintf(stderr, "vigild: %s\n", _("the agent stopped during start-up"));
		_exit(1);
	}
	close(pfd[0]);
	if (setsid() < 0)
		_exit(1);
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0); /* the session leader goes; the daemon can never regain a terminal */
	if (chdir("/") < 0)
		_exit(1);
	umask(077); /* what the agent creates is root's alone (the socket is opened to the group) */
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		if (devnull > STDERR_FILENO)
			close(devnull);
	}
	*notify_fd = pfd[1];
	return 0;
}

void vg_daemon_ready(int notify_fd, bool ok, const char *message)
{
	char buf[1024];
	int n;

	if (notify_fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%c%s", ok ? '0' : '1', ok || !message ? "" : message);
	if (n > (int)sizeof(buf) - 1)
		n = (int)sizeof(buf) - 1;
	if (write(notify_fd, buf, (size_t)n) < 0) {
		/* The parent is gone: nobody is waiting for this answer. */
	}
	close(notify_fd);
}

int vg_pidfile_write(const char *path, struct vg_error *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	return vg_file_write_atomic(path, buf, (size_t)n, 0644, err);
}

void vg_pidfile_remove(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "re");

	/* Only our own pid file: another agent may have replaced it. */
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f) && strtol(buf, NULL, 10) == (long)getpid())
		unlink(path);
	fclose(f);
}
