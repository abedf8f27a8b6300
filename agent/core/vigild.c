/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vigild's command line, start-up and shutdown: everything of main() but the hooks that only
 * the test agent (tests/agent/) installs. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "agent.h"
#include "daemon.h"
#include "isolation/isolation.h"
#include "log.h"
#include "nls.h"
#include "sdnotify.h"
#include "state-dir.h"
#include "vigil/error.h"

static void usage(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTION]...\n"), "vigild");
	fputs(_("The Vigil endpoint detection and response agent.\n\n"), out);
	fputs(_("  -f, --foreground        stay in the foreground and log to standard error\n"
		"  -c, --config FILE       read the configuration from FILE\n"
		"  -s, --state-dir DIR     keep the database and state in DIR\n"
		"  -S, --socket PATH       listen for control clients on PATH\n"
		"  -p, --pid-file FILE     write the daemon's pid to FILE\n"
		"  -l, --log-level LEVEL   error, warning, notice, info or debug\n"
		"      --check-config      check the configuration and exit\n"
		"  -h, --help              show this help and exit\n"
		"  -V, --version           show the version and exit\n"), out);
	fputs(_("      --set KEY=VALUE     change a setting before the subsystems start (repeatable)\n"), out);
	fputs(_("      --restore-isolation re-apply the stored network isolation and exit (at boot)\n"
		"      --release-isolation remove the network isolation and exit (break-glass)\n"), out);
	fprintf(out, _("\nDefaults: configuration %s, state %s, socket %s.\n"), VG_DEFAULT_CONFIG,
		VG_DEFAULT_STATE_DIR, VG_DEFAULT_SOCKET);
}

static void fail_startup(int notify_fd, const struct vg_error *err)
{
	char text[VG_ERROR_MSG_SIZE];

	vg_error_text(err, text, sizeof(text));
	vg_error_log("%s", err->message);
	if (notify_fd >= 0)
		vg_daemon_ready(notify_fd, false, text);
	else
		fprintf(stderr, _("vigild: %s\n"), text);
}

int vg_vigild_main(int argc, char **argv, void (*prepare)(struct vg_agent *agent))
{
	enum { OPT_CHECK = 256, OPT_RESTORE_ISOLATION, OPT_RELEASE_ISOLATION, OPT_SET };
	static const struct option options[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "set", required_argument, NULL, OPT_SET },
		{ "restore-isolation", no_argument, NULL, OPT_RESTORE_ISOLATION },
		{ "release-isolation", no_argument, NULL, OPT_RELEASE_ISOLATION },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct vg_agent agent; /* the agent's one context object */
	bool foreground = false, check = false;
	int isolation_op = 0;
	struct vg_error err;
	int opt, notify_fd = -1, status;
	sigset_t mask;

	vg_nls_init();
	vg_agent_config_defaults(&agent.cfg);
	agent.cmdline = agent.cfg;
	snprintf(agent.config_path, sizeof(agent.config_path), "%s", VG_DEFAULT_CONFIG);
	while ((opt = getopt_long(argc, argv, "fc:s:S:p:l:hV", options, NULL)) != -1) {
		const char *key = NULL;
		unsigned bit = 0;

		switch (opt) {
		case 'f':
			foreground = true;
			continue;
		case 'c':
			if (strlen(optarg) >= sizeof(agent.config_path)) {
				fprintf(stderr, _("vigild: %s\n"), _("the configuration path is too long"));
				return 2;
			}
			snprintf(agent.config_path, sizeof(agent.config_path), "%s", optarg);
			agent.config_required = true;
			continue;
		case 's':
			key = "state_dir", bit = VG_OPT_STATE_DIR;
			break;
		case 'S':
			key = "socket", bit = VG_OPT_SOCKET;
			break;
		case 'p':
			key = "pid_file", bit = VG_OPT_PID_FILE;
			break;
		case 'l':
			key = "log_level", bit = VG_OPT_LOG_LEVEL;
			break;
		case OPT_CHECK:
			check = true;
			continue;
		case OPT_SET:
			if (vg_agent_add_initial_setting(&agent, optarg, &err) < 0) {
				char text[VG_ERROR_MSG_SIZE];

				fprintf(stderr, _("vigild: %s\n"), vg_error_text(&err, text, sizeof(text)));
				return 2;
			}
			continue;
		case OPT_RESTORE_ISOLATION:
		case OPT_RELEASE_ISOLATION:
			isolation_op = opt;
			continue;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("vigild %s\n", PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, _("Try '%s --help' for more information.\n"), "vigild");
			return 2;
		}
		if (vg_agent_config_set(&agent.cmdline, key, optarg, &err) < 0) {
			char text[VG_ERROR_MSG_SIZE];

			fprintf(stderr, _("vigild: %s\n"), vg_error_text(&err, text, sizeof(text)));
			return 2;
		}
		agent.cmdline_set |= bit;
	}
	if (optind < argc) {
		fprintf(stderr, _("vigild: unexpected argument \"%s\"\n"), argv[optind]);
		fprintf(stderr, _("Try '%s --help' for more information.\n"), "vigild");
		return 2;
	}
	if (vg_agent_config_load(&agent.cfg, agent.config_path, agent.config_required, &err) < 0) {
		char text[VG_ERROR_MSG_SIZE];

		fprintf(stderr, _("vigild: %s\n"), vg_error_text(&err, text, sizeof(text)));
		return 1;
	}
	vg_agent_apply_cmdline(&agent);
	if (check) {
		printf(_("configuration OK: state %s, socket %s, log level %s\n"), agent.cfg.state_dir,
		       agent.cfg.socket_path, vg_log_level_name(agent.cfg.log_level));
		return 0;
	}

	vg_log_set_level(agent.cfg.log_level);
	/* Before any secret is read or any file is made. */
	vg_process_private();
	if (isolation_op) {
		/* Without the agent: from its database, straight to the kernel. */
		bool isolated = false;
		int r;

		vg_log_set_sink(vg_log_sink_stderr, NULL);
		if (isolation_op == OPT_RELEASE_ISOLATION)
			r = vg_isolation_release_offline(agent.cfg.state_dir, &err);
		else
			r = vg_isolation_restore_offline(agent.cfg.state_dir, &isolated, &err);
		if (r < 0) {
			char text[VG_ERROR_MSG_SIZE];

			fprintf(stderr, _("vigild: %s\n"), vg_error_text(&err, text, sizeof(text)));
			return 1;
		}
		if (isolation_op == OPT_RELEASE_ISOLATION)
			printf("%s\n", _("Network isolation released."));
		else
			printf("%s\n", isolated ? _("Network isolation restored.") : _("The host is not isolated."));
		return 0;
	}
	if (foreground) {
		vg_log_set_sink(vg_log_sink_stderr, NULL);
	} else {
		openlog("vigild", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		vg_log_set_sink(vg_log_sink_syslog, NULL);
		if (vg_daemon_start(&notify_fd, &err) < 0) {
			fprintf(stderr, _("vigild: %s\n"), err.message);
			return 1;
		}
	}

	if (prepare)
		prepare(&agent);
	/* Signals arrive through a signalfd: block them before any thread exists. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	if (vg_agent_start(&agent, &err) < 0) {
		fail_startup(notify_fd, &err);
		vg_agent_stop(&agent);
		return 1;
	}
	if (!foreground && vg_pidfile_write(agent.cfg.pid_file, &err) < 0) {
		fail_startup(notify_fd, &err);
		vg_agent_stop(&agent);
		return 1;
	}
	vg_sd_notify("READY=1");
	vg_daemon_ready(notify_fd, true, NULL);

	status = vg_agent_run(&agent);

	vg_agent_stop(&agent);
	if (!foreground)
		vg_pidfile_remove(agent.cfg.pid_file);
	vg_notice("vigild stopped");
	return status;
}
