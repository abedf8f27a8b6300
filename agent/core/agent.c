/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "enrol/enrol.h"
#include "fileio.h"
#include "log.h"
#include "loop.h"
#include "nls.h"
#include "sandbox.h"
#include "sdnotify.h"
#include "settings.h"
#include "store.h"
#include "vigil/error.h"
#include "spooler.h"
#include "state-dir.h"
#include "workers.h"

#define DB_FILE "vigil.db"
#define WORKER_THREADS 2

static const struct vg_subsystem *const subsystems[] = {
	&vg_subsystem_isolation, /* first: a stored isolation is back in the kernel before anything else */
	&vg_subsystem_telemetry,
	&vg_subsystem_link,
	&vg_subsystem_tasks,
	&vg_subsystem_ioc,
	&vg_subsystem_detect, /* after tasks and isolation: its responses go through them */
	&vg_subsystem_export, /* last: stopped first, while the spool thread still runs */
};

const struct vg_subsystem *const *vg_agent_subsystems(size_t *count)
{
	*count = sizeof(subsystems) / sizeof(subsystems[0]);
	return subsystems;
}

/* The core's own settings: those of the agent as a whole, under the prefix "agent"; each
 * subsystem declares its own in its struct vg_subsystem. */
VG_INT_SETTING(VG_S_AGENT_CONTROL_MAX_PER_USER, .key = "agent.control_max_per_user", .def = "16", .min = 1,
	       .max = VG_CTL_MAX_OTHER_CLIENTS,
	       .help = N_("Control connections that one user other than root may hold (root is never refused for them)"));
VG_INT_SETTING(VG_S_AGENT_CONTROL_IDLE_SECONDS, .key = "agent.control_idle_seconds", .def = "300", .min = 5,
	       .max = 86400, .unit = N_("seconds"),
	       .help = N_("Time after which a connection of a user other than root that awaits nothing, or takes no "
			  "answer, is closed"));
VG_INT_SETTING(VG_S_AGENT_SANDBOX_MEMORY_MIB, .key = "agent.sandbox_memory_mib", .def = "128", .min = 32,
	       .max = 4096, .unit = "MiB",
	       .help = N_("Memory the parser sandbox may take beyond its program (OpenIOC documents are parsed there)"));
VG_INT_SETTING(VG_S_AGENT_SANDBOX_CPU_SECONDS, .key = "agent.sandbox_cpu_seconds", .def = "30", .min = 1,
	       .max = 600, .unit = N_("seconds"),
	       .help = N_("CPU time the parser sandbox may spend on one request before it is killed"));
static const char *const core_setting_prefixes[] = { "agent", NULL };
static const struct vg_setting_def *const core_setting_defs[] = {
	VG_SETTING_DEF(VG_S_AGENT_CONTROL_MAX_PER_USER),
	VG_SETTING_DEF(VG_S_AGENT_CONTROL_IDLE_SECONDS),
	VG_SETTING_DEF(VG_S_AGENT_SANDBOX_MEMORY_MIB),
	VG_SETTING_DEF(VG_S_AGENT_SANDBOX_CPU_SECONDS),
	NULL,
};
static const struct vg_setting_table core_settings = {
	.prefixes = core_setting_prefixes,
	.defs = core_setting_defs,
};

void vg_agent_sandbox_limits(struct vg_agent *agent, struct vg_sandbox_limits *limits)
{
	limits->memory_mib = (unsigned)vg_setting_int(agent->settings, VG_S_AGENT_SANDBOX_MEMORY_MIB);
	limits->cpu_seconds = (unsigned)vg_setting_int(agent->settings, VG_S_AGENT_SANDBOX_CPU_SECONDS);
	limits->margin_ms = 0;
}

int vg_agent_setting_registry(struct vg_setting_registry **out, struct vg_error *err)
{
	struct vg_setting_registry *reg;
	int r;

	if ((r = vg_setting_registry_new(&reg)) < 0)
		return vg_error_set(err, r, N_("out of memory"));
	if ((r = vg_setting_registry_add(reg, "core", &core_settings, err)) < 0)
		goto fail;
	for (size_t i = 0; i < sizeof(subsystems) / sizeof(subsystems[0]); i++)
		if (subsystems[i]->settings &&
		    (r = vg_setting_registry_add(reg, subsystems[i]->name, subsystems[i]->settings, err)) < 0)
			goto fail;
	*out = reg;
	return 0;
fail:
	vg_setting_registry_free(reg);
	return r;
}

/* The registry is built once, at the first need: the first --set of the command line or the start. */
static int setting_registry(struct vg_agent *agent, struct vg_error *err)
{
	return agent->setting_registry ? 0 : vg_agent_setting_registry(&agent->setting_registry, err);
}

static void control_limits(struct vg_ctl_limits *limits, void *data)
{
	const struct vg_agent *agent = data;

	limits->max_per_user = (unsigned)vg_setting_int(agent->settings, VG_S_AGENT_CONTROL_MAX_PER_USER);
	limits->idle_seconds = (unsigned)vg_setting_int(agent->settings, VG_S_AGENT_CONTROL_IDLE_SECONDS);
}

static gid_t group_id(const char *name)
{
	struct group *g = getgrnam(name);

	return g ? g->gr_gid : (gid_t)-1;
}

static void on_signal(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct vg_agent *agent = data;
	struct signalfd_siginfo si;
	struct vg_error err;

	(void)w;
	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			vg_notice("stopping on signal %u", si.ssi_signo);
			vg_sd_notify("STOPPING=1");
			vg_loop_quit(agent->loop);
			break;
		case SIGHUP:
			vg_sd_notify("RELOADING=1");
			if (vg_agent_reload(agent, &err) < 0)
				vg_error_log("reload failed, keeping the running configuration: %s", err.message);
			else
				vg_notice("configuration reloaded");
			vg_sd_notify("READY=1");
			break;
		default:
			break;
		}
	}
}

static void on_watchdog(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	(void)w;
	(void)fd;
	(void)events;
	(void)data;
	vg_sd_notify("WATCHDOG=1");
}

void vg_agent_apply_cmdline(struct vg_agent *agent)
{
	struct vg_agent_config *c = &agent->cfg, *o = &agent->cmdline;

	if (agent->cmdline_set & VG_OPT_STATE_DIR)
		memcpy(c->state_dir, o->state_dir, sizeof(c->state_dir));
	if (agent->cmdline_set & VG_OPT_SOCKET)
		memcpy(c->socket_path, o->socket_path, sizeof(c->socket_path));
	if (agent->cmdline_set & VG_OPT_PID_FILE)
		memcpy(c->pid_file, o->pid_file, sizeof(c->pid_file));
	if (agent->cmdline_set & VG_OPT_LOG_LEVEL)
		c->log_level = o->log_level;
}

int vg_agent_reload(struct vg_agent *agent, struct vg_error *err)
{
	struct vg_agent_config fresh;
	int r;

	/* The drop-in files stand on their own: each applied or refused whatever the main file holds. */
	if (agent->enrol)
		vg_enrol_run(agent);
	vg_agent_config_defaults(&fresh);
	if ((r = vg_agent_config_load(&fresh, agent->config_path, agent->config_required, err)) < 0)
		return r;
	{
		/* Command-line options still win over the file. */
		struct vg_agent_config running = agent->cfg;

		agent->cfg = fresh;
		vg_agent_apply_cmdline(agent);
		fresh = agent->cfg;
		agent->cfg = running;
	}
	if (strcmp(fresh.state_dir, agent->cfg.state_dir) != 0 ||
	    strcmp(fresh.socket_path, agent->cfg.socket_path) != 0 ||
	    strcmp(fresh.pid_file, agent->cfg.pid_file) != 0)
		vg_warn("state_dir, socket and pid_file changes take effect at the next start");
	agent->cfg.log_level = fresh.log_level;
	vg_log_set_level(fresh.log_level);
	if (strcmp(fresh.group, agent->cfg.group) != 0) {
		memcpy(agent->cfg.group, fresh.group, sizeof(fresh.group));
	}
	/* The group may have been created since the start: look it up again. */
	vg_ctl_server_set_group(agent->ctl, agent->cfg.group, group_id(agent->cfg.group));
	return 0;
}

int vg_agent_start(struct vg_agent *agent, struct vg_error *err)
{
	char db[PATH_MAX];
	sigset_t mask;
	uint64_t wd;
	int r;

	agent->started_ms = vg_now_ms();
	agent->started_at = time(NULL);
	agent->signal_fd = -1;
	if ((r = vg_agent_commands_init(agent->handlers, err)) < 0)
		return r;
	if ((r = setting_registry(agent, err)) < 0)
		return r;
	/* The state directory holds the database, certificates and quarantine: root only. */
	if ((r = vg_state_dir_secure(agent->cfg.state_dir, err)) < 0)
		return r;
	if (snprintf(db, sizeof(db), "%s/%s", agent->cfg.state_dir, DB_FILE) >= (int)sizeof(db))
		return vg_error_set(err, -ENAMETOOLONG, N_("path too long: %s"), agent->cfg.state_dir);
	if ((r = vg_agent_identity_load(agent, err)) < 0)
		return r;
	if ((r = vg_loop_new(&agent->loop)) < 0)
		return vg_error_set(err, r, N_("cannot create the event loop: %s"), strerror(-r));
	if ((r = vg_store_open(&agent->store, db, err)) < 0)
		return r;
	/* This connection belongs to the loop thread and writes small rows only: it leaves the
	 * checkpoints of the shared WAL (mostly the spool's) to the spool thread's connection. */
	sqlite3_exec(vg_store_db(agent->store), "PRAGMA wal_autocheckpoint=0", NULL, NULL, NULL);
	if ((r = vg_settings_open(&agent->settings, agent->store, agent->setting_registry, err)) < 0)
		return r;
	if (agent->ninitial) {
		const char *sources[sizeof(agent->initial) / sizeof(agent->initial[0])];

		for (size_t i = 0; i < agent->ninitial; i++)
			sources[i] = "command line";
		if ((r = vg_settings_set_from(agent->settings, agent->initial, sources, agent->ninitial, 0, err)) < 0)
			return r;
	}
	if ((r = vg_spooler_new(&agent->spooler, agent->loop, db, err)) < 0)
		return r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	agent->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (agent->signal_fd < 0)
		return vg_error_set(err, -errno, N_("cannot watch signals: %s"), strerror(errno));
	agent->signal_watch = vg_loop_watch(agent->loop, agent->signal_fd, EPOLLIN, on_signal, agent);
	if (!agent->signal_watch)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));

	if ((r = vg_ctl_server_new(&agent->ctl, agent->loop, agent->cfg.socket_path, agent->cfg.group,
				   group_id(agent->cfg.group), vg_agent_dispatch, agent, err)) < 0)
		return r;
	if (agent->extra_find)
		vg_ctl_server_set_extra(agent->ctl, agent->extra_find);
	vg_ctl_server_set_limits(agent->ctl, control_limits, agent);

	/* Before the workers, which use it, and freed after them. */
	if ((r = vg_sandbox_new(agent->sandbox_worker, &agent->sandbox, err)) < 0)
		return r;
	if ((r = vg_workers_new(&agent->workers, agent->loop, WORKER_THREADS)) < 0)
		return vg_error_set(err, r, N_("cannot start the worker threads: %s"), strerror(-r));
	vg_ctl_server_set_workers(agent->ctl, agent->workers);
	for (size_t i = 0; i < sizeof(subsystems) / sizeof(subsystems[0]); i++) {
		if (subsystems[i]->start && (r = subsystems[i]->start(agent, err)) < 0)
			return r;
		agent->started_subsystems = (unsigned)i + 1;
	}
	/* The drop-in files once the subsystems run: each file meets every check that vigilctl's
	 * change would (the subsystems' vetoes), and the subsystems follow it as they follow one. */
	if ((r = vg_enrol_start(agent, err)) < 0)
		return r;

	wd = vg_sd_watchdog_usec();
	if (wd) {
		/* Ping at half the interval systemd asked for. */
		agent->watchdog = vg_loop_timer(agent->loop, wd / 2000, wd / 2000, on_watchdog, agent);
		if (!agent->watchdog)
			return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	vg_notice("vigild %s started: state in %s, control socket %s", PACKAGE_VERSION,
		  agent->cfg.state_dir, agent->cfg.socket_path);
	return 0;
}

int vg_agent_run(struct vg_agent *agent)
{
	int r = vg_loop_run(agent->loop);

	if (r < 0) {
		vg_error_log("event loop failed: %s", strerror(-r));
		return 1;
	}
	return agent->exit_status;
}

void vg_agent_stop(struct vg_agent *agent)
{
	/* Clients first, so that no request reaches a subsystem being torn down. */
	vg_ctl_server_free(agent->ctl);
	agent->ctl = NULL;
	while (agent->started_subsystems) {
		const struct vg_subsystem *sub = subsystems[--agent->started_subsystems];

		if (sub->stop)
			sub->stop(agent);
	}
	/* A request in the parser sandbox ends now, with an error, so that its worker is free. */
	vg_sandbox_shutdown(agent->sandbox);
	vg_workers_free(agent->workers);
	agent->workers = NULL;
	vg_sandbox_free(agent->sandbox);
	agent->sandbox = NULL;
	vg_watch_remove(agent->watchdog);
	vg_watch_remove(agent->signal_watch);
	if (agent->signal_fd >= 0)
		close(agent->signal_fd);
	agent->signal_fd = -1;
	vg_spooler_free(agent->spooler);
	agent->spooler = NULL;
	vg_enrol_stop(agent);
	vg_settings_close(agent->settings);
	agent->settings = NULL;
	vg_setting_registry_free(agent->setting_registry);
	agent->setting_registry = NULL;
	vg_store_close(agent->store);
	agent->store = NULL;
	vg_loop_free(agent->loop);
	agent->loop = NULL;
	json_decref(agent->event_metadata);
	json_decref(agent->event_device);
	agent->event_metadata = agent->event_device = NULL;
}

int vg_agent_add_initial_setting(struct vg_agent *agent, const char *assignment, struct vg_error *err)
{
	const char *eq = strchr(assignment, '=');
	const struct vg_setting_def *def;
	char key[128], canon[VG_SETTING_MAX_VALUE];
	size_t n = agent->ninitial;
	int r;

	if (!eq || eq == assignment || (size_t)(eq - assignment) >= sizeof(key))
		return vg_error_set(err, -EINVAL, N_("--set takes KEY=VALUE, not \"%s\""), assignment);
	snprintf(key, sizeof(key), "%.*s", (int)(eq - assignment), assignment);
	if ((r = setting_registry(agent, err)) < 0)
		return r;
	if (!(def = vg_setting_registry_find(agent->setting_registry, key, err)))
		return -ENOENT;
	if ((r = vg_setting_normalize(def, eq + 1, canon, sizeof(canon), err)) < 0)
		return r;
	if (n >= sizeof(agent->initial) / sizeof(agent->initial[0]) || strlen(canon) >= sizeof(agent->initial_text[0]))
		return vg_error_set(err, -E2BIG, N_("too many settings in one change"));
	memcpy(agent->initial_text[n], canon, strlen(canon) + 1);
	agent->initial[n].def = def;
	agent->initial[n].value = agent->initial_text[n];
	agent->ninitial++;
	return 0;
}
