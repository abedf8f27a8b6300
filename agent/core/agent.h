/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The agent: its one context object, which owns the event loop, the database,
 * the settings and the control socket, and the subsystems that later plug in.
 */
#ifndef VIGIL_AGENT_H
#define VIGIL_AGENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "agent-config.h"
#include "ctl-server.h"
#include "settings.h"

struct vg_error;
struct vg_loop;
struct vg_store;
struct vg_settings;
struct vg_setting_registry;
struct vg_watch;
struct vg_workers;
struct vg_agent;

/* The subsystems, each owned by its directory under lib/. */
struct vg_telemetry;
struct vg_link;
struct vg_isolation;
struct vg_tasks;
struct vg_ioc_service;
struct vg_export;
struct vg_detect;
struct vg_enrol;

typedef int (*vg_agent_handler_fn)(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
				   struct vg_error *err);

/* A control command of the protocol table (vigil/protocol.h) and the handler that runs it.
 * Tables end with an entry whose handler is NULL. */
struct vg_agent_command {
	enum vg_cmd cmd;
	vg_agent_handler_fn handler;
};

/* A subsystem plugs into the agent through this: started in order after the core,
 * stopped in reverse; status fills its section of "status"; commands are its part of
 * the control protocol; settings its table of settings (settings.h), gathered with the
 * core's into the registry at start; clock_changed re-checks its deadlines at once after the
 * agent's clock moved (vg_agent_now; only the test agent moves it).  Any member may be NULL. */
struct vg_subsystem {
	const char *name;
	int (*start)(struct vg_agent *agent, struct vg_error *err);
	void (*stop)(struct vg_agent *agent);
	json_t *(*status)(struct vg_agent *agent);
	const struct vg_agent_command *commands;
	const struct vg_setting_table *settings;
	void (*clock_changed)(struct vg_agent *agent);
};

extern const struct vg_subsystem vg_subsystem_telemetry;
extern const struct vg_subsystem vg_subsystem_link;
extern const struct vg_subsystem vg_subsystem_isolation;
extern const struct vg_subsystem vg_subsystem_tasks;
extern const struct vg_subsystem vg_subsystem_ioc;
extern const struct vg_subsystem vg_subsystem_export;
extern const struct vg_subsystem vg_subsystem_detect;

/* Every subsystem, in start order (agent.c). */
const struct vg_subsystem *const *vg_agent_subsystems(size_t *count);

/* Builds the registry of every setting: the core's table, then each subsystem's in start
 * order.  A table that does not hold together fails with err naming its owner and the key
 * (settings.h).  Freed with vg_setting_registry_free. */
int vg_agent_setting_registry(struct vg_setting_registry **out, struct vg_error *err);

/* The core's settings (agent.c): what the control socket allows users other than root. */
extern const struct vg_int_setting VG_S_AGENT_CONTROL_MAX_PER_USER[1];
extern const struct vg_int_setting VG_S_AGENT_CONTROL_IDLE_SECONDS[1];
extern const struct vg_int_setting VG_S_AGENT_SANDBOX_MEMORY_MIB[1];
extern const struct vg_int_setting VG_S_AGENT_SANDBOX_CPU_SECONDS[1];

struct vg_sandbox_limits;
/* The parser sandbox's limits from the settings (read on the loop, handed to the job). */
void vg_agent_sandbox_limits(struct vg_agent *agent, struct vg_sandbox_limits *limits);
/* "jemalloc" or "libc": the allocator vigild was linked with (allocator.c). */
const char *vg_agent_allocator(void);

struct vg_agent {
	struct vg_agent_config cfg;
	char config_path[PATH_MAX];
	bool config_required;
	struct vg_agent_config cmdline;   /* what the command line set, re-applied on reload */
	unsigned cmdline_set;             /* VG_OPT_* bits of cmdline that are set */

	struct vg_loop *loop;
	struct vg_store *store;
	struct vg_setting_registry *setting_registry; /* built at start, before the settings open */
	struct vg_settings *settings;
	struct vg_ctl_server *ctl;
	struct vg_workers *workers;
	struct vg_spooler *spooler;       /* the spool thread, owner of the spool (spooler.h) */
	struct vg_telemetry *telemetry;
	struct vg_link *link;
	struct vg_isolation *isolation;
	struct vg_tasks *tasks;
	struct vg_ioc_service *ioc;
	struct vg_export *export;
	struct vg_detect *detect;
	struct vg_enrol *enrol;           /* the drop-in directory (enrol/enrol.h) */
	struct vg_sandbox *sandbox;       /* the parser sandbox (sandbox.h), made before the workers */
	const char *sandbox_worker;       /* its program; NULL: the default (the test agent sets it) */
	unsigned started_subsystems;
	vg_agent_handler_fn handlers[VG_CMD_COUNT]; /* by command, checked complete at start */
	/* Commands outside the protocol table: only the test agent (tests/) sets these. */
	const struct vg_proto_command *(*extra_find)(const char *name);
	vg_agent_handler_fn extra_dispatch;
	/* A pause point of the test agent, called by task threads between a check and an action
	 * (tasks/executors.h) and by the loop where a race is tested (scan/service.c): only the
	 * test agent sets it. */
	void (*test_pause)(const char *point);
	char id[40];                      /* stable agent id (UUID), see identity.c */
	char hostname[256];
	void (*event_sink)(struct vg_agent *agent, json_t *event, void *data); /* events.h */
	void *event_sink_data;
	json_t *event_metadata, *event_device; /* shared by the events that have none of their own */
	int signal_fd;
	struct vg_watch *signal_watch;
	struct vg_watch *watchdog;
	uint64_t started_ms;
	time_t started_at;
	int64_t clock_offset_ms;          /* added to the wall clock by vg_agent_now(): 0 but in tests */
	int exit_status;
	/* --set KEY=VALUE from the command line, applied once the settings are open. */
	struct vg_setting_pair initial[32];
	char initial_text[32][512];
	size_t ninitial;
};

#define VG_OPT_STATE_DIR 0x1
#define VG_OPT_SOCKET 0x2
#define VG_OPT_LOG_LEVEL 0x4
#define VG_OPT_PID_FILE 0x8

/* vigild's main(): parses the command line, starts the agent and runs it.  prepare, when not
 * NULL, is called just before the agent starts (the test agent installs its hooks there). */
int vg_vigild_main(int argc, char **argv, void (*prepare)(struct vg_agent *agent));

/* Opens everything the agent needs: state directory, database, settings, control socket,
 * signals.  The signals TERM, INT and HUP must already be blocked in every thread. */
int vg_agent_start(struct vg_agent *agent, struct vg_error *err);

/* Runs the event loop until TERM or INT; returns the exit status. */
int vg_agent_run(struct vg_agent *agent);

/* Releases everything, in the reverse order of vg_agent_start. */
void vg_agent_stop(struct vg_agent *agent);

/* Re-reads the configuration file and the drop-in directory (SIGHUP); settings that need a
 * restart are logged. */
int vg_agent_reload(struct vg_agent *agent, struct vg_error *err);

/* Records a "--set KEY=VALUE" of the command line (checked now, applied at start, as root). */
int vg_agent_add_initial_setting(struct vg_agent *agent, const char *assignment, struct vg_error *err);

/* Loads (or makes, the first time) the agent id in the state directory. */
int vg_agent_identity_load(struct vg_agent *agent, struct vg_error *err);

/* Applies the command-line options kept in agent->cmdline over agent->cfg. */
void vg_agent_apply_cmdline(struct vg_agent *agent);

/* The agent's "now" for its policies (isolation auto-release, release after no contact,
 * the link's hourly limits), in seconds and in milliseconds since the epoch: the wall clock
 * plus clock_offset_ms, which only the test agent moves (its test.clock command), so that a
 * test can isolate for an hour and see the release without waiting for it.  Event times are
 * the wall clock. */
time_t vg_agent_now(const struct vg_agent *agent);
int64_t vg_agent_now_ms(const struct vg_agent *agent);

/* Fills handlers (VG_CMD_COUNT entries) from the core's and every subsystem's tables; fails
 * when a command of the protocol has no handler or two (commands.c). */
int vg_agent_commands_init(vg_agent_handler_fn *handlers, struct vg_error *err);
/* The control command dispatcher: runs the handler of req->def. */
int vg_agent_dispatch(struct vg_ctl_request *req, json_t **result, struct vg_error *err, void *data);
/* The reply to a request deferred to a job (VG_CTL_DEFERRED), from its done function: result
 * (stolen) when not NULL, else err, or "cancelled" when the job was cancelled before it ran.
 * Dropped at shutdown, once the control server is gone. */
void vg_agent_reply(struct vg_agent *agent, uint64_t conn_id, json_int_t id, json_t *result, struct vg_error *err,
		    bool cancelled);
int vg_cmd_hello(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err);
int vg_cmd_status(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err);
int vg_cmd_settings_show(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err);
int vg_cmd_settings_set(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err);
int vg_cmd_settings_export(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err);
int vg_cmd_settings_import(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err);
int vg_cmd_settings_history(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err);

#endif
