/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The telemetry subsystem's place in the agent: its settings, start, stop and status, the
 * pipeline between its threads, and the events that report its own losses. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "agent.h"
#include "events.h"
#include "log.h"
#include "loop.h"
#include "nls.h"
#include "ocsf.h"
#include "settings.h"
#include "spooler.h"
#include "store.h"
#include "telemetry/audit-records.h"
#include "telemetry/audit.h"
#include "telemetry/ebpf.h"
#include "telemetry/enrich.h"
#include "telemetry/exclusions.h"
#include "telemetry/fanotify.h"
#include "telemetry/queue.h"
#include "telemetry/telemetry.h"
#include "telemetry/telemetry-settings.h"
#include "vigil/error.h"

#define IN_QUEUE_MAX 65536
#define EMIT_PER_ROUND 512    /* events emitted per loop round, so that the loop stays responsive */
#define TICK_MS 1000
#define RATE_WINDOW_MS 60000

#define DEFAULT_FILE_PATHS "/etc,/usr,/bin,/sbin,/lib,/lib64,/opt,/root,/home,/srv,/boot,/tmp,/var/tmp"

static int validate_path(const char *value, struct vg_error *err)
{
	if (value[0] != '/')
		return vg_error_set(err, -EINVAL, N_("\"%s\" is not an absolute path"), value);
	return 0;
}

static int validate_backend(const char *value, struct vg_error *err)
{
	if (strcmp(value, "auto") && strcmp(value, "fanotify") && strcmp(value, "audit"))
		return vg_error_set(err, -EINVAL, N_("the file collector is auto, fanotify or audit, not \"%s\""), value);
	return 0;
}

static int validate_sensor(const char *value, struct vg_error *err)
{
	if (strcmp(value, "auto") && strcmp(value, "ebpf") && strcmp(value, "audit"))
		return vg_error_set(err, -EINVAL, N_("the process and network sensor is auto, ebpf or audit, not \"%s\""),
				    value);
	return 0;
}

VG_BOOL_SETTING(VG_S_TELEMETRY_ENABLED, .key = "telemetry.enabled", .def = "yes",
		.help = N_("Telemetry at all: when no, nothing is collected (no audit rules, fanotify marks or eBPF "
			   "programs) and nothing is sent to the central server"));
VG_BOOL_SETTING(VG_S_TELEMETRY_PROCESS, .key = "telemetry.process", .def = "yes",
		.help = N_("Collect process starts and exits"));
VG_BOOL_SETTING(VG_S_TELEMETRY_NETWORK, .key = "telemetry.network", .def = "yes",
		.help = N_("Collect network connections: connects, accepts, listening sockets and UDP destinations"));
VG_STR_SETTING(VG_S_TELEMETRY_SENSOR, .key = "telemetry.sensor", .def = "auto",
	       .help = N_("Sensor of processes and network: ebpf, audit, or auto (eBPF when the kernel and privileges "
			  "allow it, else audit)"),
	       .validate = validate_sensor);
VG_BOOL_SETTING(VG_S_TELEMETRY_FILES, .key = "telemetry.files", .def = "yes",
		.help = N_("Collect file creations, writes, renames and deletions (fanotify)"));
VG_LIST_SETTING(VG_S_TELEMETRY_FILE_PATHS, .key = "telemetry.file_paths", .def = DEFAULT_FILE_PATHS, .max = 32,
		.help = N_("Directories whose file changes are collected (comma-separated)"), .flags = VG_SETTING_PATHS,
		.validate = validate_path);
VG_STR_SETTING(VG_S_TELEMETRY_FILE_BACKEND, .key = "telemetry.file_backend", .def = "auto",
	       .help = N_("File collector: fanotify, audit watches, or auto (fanotify, else audit watches)"),
	       .validate = validate_backend);
VG_INT_SETTING(VG_S_TELEMETRY_SPOOL_MAX_MB, .key = "telemetry.spool_max_mb", .def = "512", .min = 1, .max = 1048576,
	       .unit = N_("MiB"), .help = N_("Largest size of the event spool; the oldest events go first"));
VG_INT_SETTING(VG_S_TELEMETRY_SPOOL_MAX_DAYS, .key = "telemetry.spool_max_days", .def = "21", .min = 1, .max = 3650,
	       .unit = N_("days"), .help = N_("Oldest event kept in the spool"));
VG_INT_SETTING(VG_S_TELEMETRY_QUEUE_MAX_EVENTS, .key = "telemetry.queue_max_events", .def = "65536", .min = 1024,
	       .max = 4194304, .help = N_("Events held in memory on their way to the spool before new ones are dropped"));
VG_INT_SETTING(VG_S_TELEMETRY_QUEUE_MAX_MB, .key = "telemetry.queue_max_mb", .def = "32", .min = 1, .max = 4096,
	       .unit = N_("MiB"),
	       .help = N_("Memory each queue of events on their way to the spool may hold before new ones are dropped"));
VG_INT_SETTING(VG_S_TELEMETRY_HASH_MAX_MB, .key = "telemetry.hash_max_mb", .def = "200", .min = 0, .max = 65536,
	       .unit = N_("MiB"), .help = N_("Largest file whose SHA-256 and MD5 are computed (0: none)"));

static const char *const setting_prefixes[] = { "telemetry", NULL };
static const struct vg_setting_def *const setting_defs[] = {
	VG_SETTING_DEF(VG_S_TELEMETRY_ENABLED),
	VG_SETTING_DEF(VG_S_TELEMETRY_PROCESS),
	VG_SETTING_DEF(VG_S_TELEMETRY_NETWORK),
	VG_SETTING_DEF(VG_S_TELEMETRY_SENSOR),
	VG_SETTING_DEF(VG_S_TELEMETRY_FILES),
	VG_SETTING_DEF(VG_S_TELEMETRY_FILE_PATHS),
	VG_SETTING_DEF(VG_S_TELEMETRY_FILE_BACKEND),
	VG_SETTING_DEF(VG_S_TELEMETRY_SPOOL_MAX_MB),
	VG_SETTING_DEF(VG_S_TELEMETRY_SPOOL_MAX_DAYS),
	VG_SETTING_DEF(VG_S_TELEMETRY_QUEUE_MAX_EVENTS),
	VG_SETTING_DEF(VG_S_TELEMETRY_QUEUE_MAX_MB),
	VG_SETTING_DEF(VG_S_TELEMETRY_HASH_MAX_MB),
	NULL,
};
static const struct vg_setting_table settings = { setting_prefixes, setting_defs };

const char *vg_tel_type_name(enum vg_tel_type t)
{
	static const char *const names[] = { "process", "network", "file", "other" };

	return t < VG_TEL_NTYPES ? names[t] : "other";
}

enum vg_tel_type vg_tel_type_of(const json_t *event)
{
	switch (json_integer_value(json_object_get(event, "class_uid"))) {
	case VG_OCSF_PROCESS_ACTIVITY:
		return VG_TEL_PROCESS;
	case VG_OCSF_NETWORK_ACTIVITY:
		return VG_TEL_NETWORK;
	case VG_OCSF_FILE_ACTIVITY:
		return VG_TEL_FILE;
	default:
		return VG_TEL_OTHER;
	}
}

bool vg_tel_submit(struct vg_telemetry *tel, json_t *event)
{
	return vg_tq_push(tel->in, event);
}

void vg_tel_submit_many(struct vg_telemetry *tel, json_t **events, size_t n)
{
	vg_tq_push_many(tel->in, events, n);
}

/* Detections and the responses to them are sent at once: the spooler stores them without
 * waiting for its flush interval. */
static bool urgent(const json_t *event)
{
	json_int_t cls = json_integer_value(json_object_get(event, "class_uid"));

	return cls == VG_OCSF_DETECTION_FINDING || (cls >= VG_OCSF_REMEDIATION_ACTIVITY && cls <= VG_OCSF_NETWORK_REMEDIATION);
}

static void sink(struct vg_agent *agent, json_t *event, void *data)
{
	struct vg_telemetry *tel = data;

	tel->emitted[vg_tel_type_of(event)]++;
	if (urgent(event))
		vg_spooler_push_urgent(agent->spooler, event);
	else
		vg_spooler_push(agent->spooler, event);
}

static void on_out(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct vg_telemetry *tel = data;
	json_t *batch[EMIT_PER_ROUND];
	uint64_t v;
	size_t n;

	(void)w;
	(void)events;
	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	n = vg_tq_pop(tel->out, batch, EMIT_PER_ROUND, 0);
	for (size_t i = 0; i < n; i++)
		vg_event_emit(tel->agent, batch[i]);
	if (n == EMIT_PER_ROUND) {
		/* More to come: wake again on the next round rather than hold the loop. */
		v = 1;
		if (write(fd, &v, sizeof(v)) < 0) {
			/* The counter is already set. */
		}
	}
}

static void *enrich_main(void *data)
{
	struct vg_telemetry *tel = data;
	json_t *batch[256];

	/* At a stop the collectors are already gone: what they queued is still enriched and stored. */
	while (!atomic_load(&tel->stopping) || vg_tq_length(tel->in)) {
		size_t n = vg_tq_pop(tel->in, batch, 256, 500), kept = 0;

		for (size_t i = 0; i < n; i++) {
			vg_tel_enrich(tel, batch[i]);
			if (tel->excl && vg_tel_exclusions_match(tel->excl, batch[i])) {
				atomic_fetch_add(&tel->excluded, 1);
				json_decref(batch[i]);
				continue;
			}
			/* Detection sees what is kept, before the spool (and drops what it alone needed). */
			if (!vg_tel_stage_run(tel, batch[i])) {
				json_decref(batch[i]);
				continue;
			}
			batch[kept++] = batch[i];
		}
		/* To the loop in one go: one lock and at most one wakeup of the loop per batch. */
		vg_tq_push_many(tel->out, batch, kept);
		vg_tel_stage_idle(tel);
	}
	return NULL;
}

/* A data-dropped event: how many events of a source were lost since the last report.
 * OCSF has no class for it; it is an Event Log Activity (1008), activity Other, about the log
 * that lost them: a kernel interface's (the operating system's) or the agent's own. */
static void emit_dropped(struct vg_telemetry *tel, const char *source, const char *provider, bool os,
			 const char *reason, uint64_t count, uint64_t total)
{
	json_t *ev = vg_ocsf_event(1008, 99, "Data Dropped", vg_time_ms());

	vg_ocsf_set_severity(ev, VG_SEVERITY_MEDIUM);
	json_object_set_new(ev, "message", json_string(reason));
	json_object_set_new(ev, "log_name", json_string(source));
	json_object_set_new(ev, "log_provider", json_string(provider));
	json_object_set_new(ev, "log_type_id", json_integer(os ? 1 : 2));
	json_object_set_new(ev, "log_type", json_string(os ? "OS" : "Application"));
	json_object_update_new(json_object_get(ev, "unmapped"),
			       json_pack("{s:s, s:s, s:I, s:I}", "source", source, "reason", reason, "count",
					 (json_int_t)count, "total", (json_int_t)total));
	vg_warn("telemetry: %llu events lost (%s: %s)", (unsigned long long)count, source, reason);
	vg_event_emit(tel->agent, ev);
}

#define AUDIT_RETRY_MS 60000

/* The audit collector is host-wide (its rules, the netlink socket): it runs only while a
 * source needs it — processes and network when audit is their sensor, or file changes through
 * audit watches. */
static void apply_audit(struct vg_telemetry *tel, bool process, bool network, bool files_need_audit)
{
	struct vg_error err = { 0 };

	if (!process && !network && !files_need_audit && !vg_audit_records_active(tel->records)) {
		if (tel->audit)
			vg_info("telemetry: no source needs audit any more; releasing it");
		vg_tel_audit_stop(tel->audit);
		tel->audit = NULL;
		tel->files_watching = false;
		return;
	}
	if (tel->audit) {
		vg_tel_audit_configure(tel->audit, process, network);
		return;
	}
	if (vg_now_ms() < tel->audit_retry_ms)
		return;
	if (vg_tel_audit_start(&tel->audit, tel, process, network, &err) < 0) {
		/* The agent still runs without audit (another product may hold it); status says why. */
		tel->audit = NULL;
		tel->audit_retry_ms = vg_now_ms() + AUDIT_RETRY_MS;
		tel->audit_error = err;
		if (!tel->audit_error.code)
			tel->audit_error.code = -EIO;
		vg_warn("telemetry: audit collector unavailable: %s", err.message);
		return;
	}
	vg_error_clear(&tel->audit_error);
	vg_tel_detect_audit_apply(tel);
}

static void stop_ebpf(struct vg_telemetry *tel)
{
	if (!tel->ebpf)
		return;
	vg_tel_ebpf_stop(tel->ebpf);
	tel->ebpf = NULL;
	vg_info("telemetry: eBPF sensor stopped");
}

/* Whether a collector runs: its own setting, under telemetry.enabled (off means nothing is
 * collected at all, not merely kept from the server). */
static bool collects(const struct vg_settings *s, const struct vg_bool_setting *which)
{
	return vg_setting_bool(s, VG_S_TELEMETRY_ENABLED) && vg_setting_bool(s, which);
}

/*
 * Chooses and runs the sensor of processes and network (telemetry.sensor): eBPF when it is
 * chosen or, with auto, when it loads (the kernel has BTF and the tracepoints, the agent the
 * privileges), else audit.  An eBPF sensor that failed is tried again only when the setting
 * changes.  While eBPF runs, audit runs only for the file collector's directory watches.
 */
static void apply_sensor(struct vg_telemetry *tel, bool files_need_audit)
{
	const struct vg_settings *s = tel->agent->settings;
	bool enabled = vg_setting_bool(s, VG_S_TELEMETRY_ENABLED);
	bool process = collects(s, VG_S_TELEMETRY_PROCESS);
	bool network = collects(s, VG_S_TELEMETRY_NETWORK);
	const char *setting = vg_setting_str(s, VG_S_TELEMETRY_SENSOR);
	struct vg_error err = { 0 };
	bool use_ebpf = false;

	if (!setting)
		setting = "auto";
	if (strcmp(setting, tel->sensor_setting) != 0) {
		snprintf(tel->sensor_setting, sizeof(tel->sensor_setting), "%s", setting);
		tel->ebpf_failed = false;
		vg_error_clear(&tel->ebpf_error);
	}
	if (!process && !network) {
		stop_ebpf(tel);
		apply_audit(tel, false, false, files_need_audit);
		tel->sensor = VG_TEL_SENSOR_NONE;
		if (enabled)
			vg_error_set(&tel->sensor_reason, 0, N_("process and network telemetry are off"));
		else
			vg_error_set(&tel->sensor_reason, 0, N_("telemetry is off (telemetry.enabled)"));
		return;
	}
	if (strcmp(setting, "audit") == 0) {
		stop_ebpf(tel);
	} else if (tel->ebpf) {
		vg_tel_ebpf_configure(tel->ebpf, process, network);
		use_ebpf = true;
	} else if (!tel->ebpf_failed) {
		if (vg_tel_ebpf_start(&tel->ebpf, tel, process, network, &err) == 0) {
			use_ebpf = true;
			tel->reported_ebpf_lost = 0;
			vg_error_clear(&tel->ebpf_error);
		} else {
			tel->ebpf = NULL;
			tel->ebpf_failed = true;
			tel->ebpf_error = err;
			if (!tel->ebpf_error.code)
				tel->ebpf_error.code = -EIO;
			vg_warn("telemetry: eBPF sensor unavailable: %s", err.message);
		}
	}
	if (use_ebpf) {
		apply_audit(tel, false, false, files_need_audit);
		tel->sensor = VG_TEL_SENSOR_EBPF;
		if (strcmp(setting, "ebpf") == 0)
			vg_error_set(&tel->sensor_reason, 0, N_("chosen by telemetry.sensor"));
		else
			vg_error_set(&tel->sensor_reason, 0, N_("auto: the kernel and the agent's privileges allow eBPF"));
	} else if (strcmp(setting, "ebpf") == 0) {
		/* Asked for eBPF only: no fallback, and status says why nothing runs. */
		apply_audit(tel, false, false, files_need_audit);
		tel->sensor = VG_TEL_SENSOR_NONE;
		vg_error_set(&tel->sensor_reason, -ENOTSUP, N_("telemetry.sensor is ebpf, which cannot run: %s"),
			     tel->ebpf_error.message);
	} else {
		apply_audit(tel, process, network, files_need_audit);
		tel->sensor = tel->audit ? VG_TEL_SENSOR_AUDIT : VG_TEL_SENSOR_NONE;
		if (strcmp(setting, "audit") == 0 && tel->audit)
			vg_error_set(&tel->sensor_reason, 0, N_("chosen by telemetry.sensor"));
		else if (strcmp(setting, "audit") == 0)
			vg_error_set(&tel->sensor_reason, -ENOTSUP, N_("chosen by telemetry.sensor; audit unavailable (%s)"),
				     tel->audit_error.message);
		else if (tel->audit)
			vg_error_set(&tel->sensor_reason, 0, N_("auto: eBPF unavailable (%s)"), tel->ebpf_error.message);
		else
			vg_error_set(&tel->sensor_reason, -ENOTSUP, N_("auto: eBPF unavailable (%s); audit unavailable (%s)"),
				     tel->ebpf_error.message, tel->audit_error.message);
	}
}

void vg_tel_apply_audit(struct vg_telemetry *tel)
{
	apply_sensor(tel, tel->files_watching);
}

/* (Re)starts the file collector when its settings changed: fanotify, or audit directory
 * watches when fanotify is unavailable (or chosen). */
static void apply_file_settings(struct vg_telemetry *tel)
{
	const struct vg_settings *s = tel->agent->settings;
	bool on = collects(s, VG_S_TELEMETRY_FILES);
	const char *paths = vg_setting_list(s, VG_S_TELEMETRY_FILE_PATHS);
	const char *backend = vg_setting_str(s, VG_S_TELEMETRY_FILE_BACKEND);
	struct vg_error err = { 0 };

	if (on == tel->files_on && strcmp(paths, tel->file_paths) == 0 && strcmp(backend, tel->file_backend) == 0)
		return;
	vg_tel_fanotify_stop(tel->fan);
	tel->fan = NULL;
	if (tel->audit)
		vg_tel_audit_set_watches(tel->audit, NULL);
	tel->files_on = on;
	tel->files_watching = false;
	snprintf(tel->file_paths, sizeof(tel->file_paths), "%s", paths);
	snprintf(tel->file_backend, sizeof(tel->file_backend), "%s", backend);
	vg_error_clear(&tel->files_error);
	if (!on)
		return;
	if (strcmp(backend, "audit") != 0) {
		if (vg_tel_fanotify_start(&tel->fan, tel, tel->file_paths, &err) == 0)
			return;
		tel->files_error = err;
		if (!tel->files_error.code)
			tel->files_error.code = -EIO;
		vg_warn("telemetry: fanotify unavailable: %s", err.message);
		if (strcmp(backend, "fanotify") == 0)
			return;
	}
	if (!tel->audit)
		apply_audit(tel, tel->sensor == VG_TEL_SENSOR_AUDIT && collects(s, VG_S_TELEMETRY_PROCESS),
			    tel->sensor == VG_TEL_SENSOR_AUDIT && collects(s, VG_S_TELEMETRY_NETWORK), true);
	if (tel->audit && vg_tel_audit_set_watches(tel->audit, tel->file_paths) == 0) {
		tel->files_watching = true;
		vg_info("telemetry: file changes through audit directory watches");
	}
}

/* The bounds of the queues between the collectors and the spool: events and bytes, each. */
static void apply_queue_caps(struct vg_telemetry *tel)
{
	const struct vg_settings *s = tel->agent->settings;
	size_t events = (size_t)vg_setting_int(s, VG_S_TELEMETRY_QUEUE_MAX_EVENTS);
	size_t bytes = (size_t)vg_setting_int(s, VG_S_TELEMETRY_QUEUE_MAX_MB) << 20;

	vg_spooler_set_caps(tel->agent->spooler, (uint64_t)vg_setting_int(s, VG_S_TELEMETRY_SPOOL_MAX_MB) << 20,
			    (uint64_t)vg_setting_int(s, VG_S_TELEMETRY_SPOOL_MAX_DAYS) * 86400, events, bytes);
	if (tel->in)
		vg_tq_set_cap(tel->in, events, bytes);
	if (tel->out)
		vg_tq_set_cap(tel->out, events, bytes);
}

static void apply_settings(struct vg_telemetry *tel)
{
	const struct vg_settings *s = tel->agent->settings;

	apply_file_settings(tel);
	apply_queue_caps(tel);
	atomic_store(&tel->hash_max_bytes, (uint64_t)vg_setting_int(s, VG_S_TELEMETRY_HASH_MAX_MB) << 20);
	apply_sensor(tel, tel->files_watching);
}

static void on_tick(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct vg_telemetry *tel = data;
	struct vg_spooler_stats ws;
	uint64_t now = vg_now_ms(), qd;

	(void)w;
	(void)fd;
	(void)events;
	apply_settings(tel);
	if (tel->audit)
		vg_tel_audit_tick(tel->audit);
	vg_spooler_stats(tel->agent->spooler, &ws);
	qd = ws.queue_dropped + vg_tq_dropped(tel->in) + vg_tq_dropped(tel->out) + ws.lost_on_error;
	if (qd > tel->reported_queue_drops) {
		emit_dropped(tel, "agent", "Vigil", false, N_("queue full"), qd - tel->reported_queue_drops, qd);
		tel->reported_queue_drops = qd;
	}
	if (ws.spool_dropped > tel->reported_spool_drops) {
		emit_dropped(tel, "spool", "Vigil", false, N_("spool full"), ws.spool_dropped - tel->reported_spool_drops,
			     ws.spool_dropped);
		tel->reported_spool_drops = ws.spool_dropped;
	}
	if (tel->fan) {
		uint64_t ov = vg_tel_fanotify_overflows(tel->fan);

		if (ov > tel->reported_fan_overflows) {
			emit_dropped(tel, "fanotify", "fanotify", true, N_("file event queue overflow"),
				     ov - tel->reported_fan_overflows, ov);
			tel->reported_fan_overflows = ov;
		}
	}
	if (tel->audit) {
		uint64_t lost = vg_tel_audit_kernel_lost(tel->audit);

		if (lost > tel->reported_lost) {
			emit_dropped(tel, "kernel", "Linux audit", true, N_("audit backlog overflow"),
				     lost - tel->reported_lost, lost);
			tel->reported_lost = lost;
		}
	}
	if (tel->ebpf) {
		uint64_t lost = vg_tel_ebpf_lost(tel->ebpf);

		if (lost > tel->reported_ebpf_lost) {
			emit_dropped(tel, "kernel", "eBPF", true, "eBPF ring buffer full", lost - tel->reported_ebpf_lost,
				     lost);
			tel->reported_ebpf_lost = lost;
		}
	}
	/* Rates over the current window (up to a minute), so that they show from the first second. */
	if (tel->rate_base_ms == 0) {
		memcpy(tel->rate_base, tel->emitted, sizeof(tel->rate_base));
		tel->rate_base_ms = now;
	} else if (now > tel->rate_base_ms) {
		for (int t = 0; t < VG_TEL_NTYPES; t++)
			tel->rate[t] = (double)(tel->emitted[t] - tel->rate_base[t]) * 1000.0 /
				       (double)(now - tel->rate_base_ms);
		if (now - tel->rate_base_ms >= RATE_WINDOW_MS) {
			memcpy(tel->rate_base, tel->emitted, sizeof(tel->rate_base));
			tel->rate_base_ms = now;
		}
	}
}

static void telemetry_stop(struct vg_agent *agent);

static int telemetry_start(struct vg_agent *agent, struct vg_error *err)
{
	struct vg_telemetry *tel = calloc(1, sizeof(*tel));
	int r;

	if (!tel)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	agent->telemetry = tel;
	tel->agent = agent;
	tel->self = getpid();
	tel->out_fd = -1;
	atomic_init(&tel->stopping, false);
	pthread_mutex_init(&tel->stage_lock, NULL);
	if ((r = vg_audit_records_new(&tel->records)) < 0) {
		r = vg_error_set(err, r, N_("out of memory"));
		goto fail;
	}
	vg_event_set_sink(agent, sink, tel);
	if ((r = vg_tel_exclusions_open(&tel->excl, agent->store, err)) < 0)
		goto fail;
	tel->out_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (tel->out_fd < 0) {
		r = vg_error_set(err, -errno, N_("cannot create an event descriptor: %s"), strerror(errno));
		goto fail;
	}
	if (vg_tq_new(&tel->in, IN_QUEUE_MAX, -1) < 0 || vg_tq_new(&tel->out, IN_QUEUE_MAX, tel->out_fd) < 0 ||
	    vg_hash_cache_new(&tel->hashes, 4096) < 0 ||
	    !(tel->out_watch = vg_loop_watch(agent->loop, tel->out_fd, EPOLLIN, on_out, tel)) ||
	    !(tel->tick = vg_loop_timer(agent->loop, TICK_MS, TICK_MS, on_tick, tel))) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto fail;
	}
	apply_queue_caps(tel);
	atomic_store(&tel->hash_max_bytes, (uint64_t)vg_setting_int(agent->settings, VG_S_TELEMETRY_HASH_MAX_MB) << 20);
	if ((r = -pthread_create(&tel->enrich_thread, NULL, enrich_main, tel)) < 0) {
		r = vg_error_set(err, r, N_("cannot start the enrichment thread: %s"), strerror(-r));
		goto fail;
	}
	pthread_setname_np(tel->enrich_thread, "vg-enrich");
	tel->enrich_started = true;
	apply_sensor(tel, false);
	apply_file_settings(tel);
	return 0;
fail:
	telemetry_stop(agent);
	return r;
}

static void telemetry_stop(struct vg_agent *agent)
{
	struct vg_telemetry *tel = agent->telemetry;

	if (!tel)
		return;
	vg_tel_ebpf_stop(tel->ebpf);
	vg_tel_audit_stop(tel->audit);
	vg_tel_fanotify_stop(tel->fan);
	atomic_store(&tel->stopping, true);
	if (tel->enrich_started) {
		vg_tq_wake(tel->in);
		pthread_join(tel->enrich_thread, NULL);
	}
	/* What enrichment finished is still stored. */
	if (tel->out) {
		json_t *batch[EMIT_PER_ROUND];
		size_t n;

		while ((n = vg_tq_pop(tel->out, batch, EMIT_PER_ROUND, 0)))
			for (size_t i = 0; i < n; i++)
				vg_event_emit(agent, batch[i]);
	}
	vg_watch_remove(tel->tick);
	vg_watch_remove(tel->out_watch);
	vg_event_set_sink(agent, NULL, NULL);
	vg_tq_free(tel->in);
	vg_tq_free(tel->out);
	if (tel->out_fd >= 0)
		close(tel->out_fd);
	vg_hash_cache_free(tel->hashes);
	vg_tel_exclusions_close(tel->excl);
	vg_audit_records_free(tel->records);
	for (size_t i = 0; i < tel->ndetect_syscalls; i++)
		free(tel->detect_syscalls[i]);
	free(tel->detect_syscalls);
	for (size_t i = 0; i < tel->ndetect_reads; i++)
		free(tel->detect_reads[i]);
	free(tel->detect_reads);
	pthread_mutex_destroy(&tel->stage_lock);
	free(tel);
	agent->telemetry = NULL;
}

static json_t *collector_off(const char *state, const struct vg_error *why)
{
	json_t *o = json_pack("{s:s, s:s}", "state", state, "error", why->message);

	if (o && why->code)
		json_object_set_new(o, "error_detail", vg_ctl_error_json(why));
	return o;
}

static json_t *telemetry_status(struct vg_agent *agent)
{
	static const char *const sensor_names[] = { N_("none"), "ebpf", "audit" };
	struct vg_telemetry *tel = agent->telemetry;
	struct vg_spooler_stats ws;
	json_t *st, *rates = json_object(), *counts = json_object();

	if (!tel)
		return NULL;
	vg_spooler_stats(agent->spooler, &ws);
	for (int t = 0; t < VG_TEL_OTHER; t++) {
		json_object_set_new(rates, vg_tel_type_name(t), json_real(tel->rate[t]));
		json_object_set_new(counts, vg_tel_type_name(t), json_integer((json_int_t)tel->emitted[t]));
	}
	st = json_pack("{s:b, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		       "available", 1, "events", counts, "rates_per_s", rates,
		       "stored", (json_int_t)ws.stored, "queued", (json_int_t)(ws.queued + vg_tq_length(tel->in) +
									  vg_tq_length(tel->out)),
		       "queued_bytes", (json_int_t)(ws.queued_bytes + vg_tq_bytes(tel->in) + vg_tq_bytes(tel->out)),
		       "queue_dropped", (json_int_t)(ws.queue_dropped + vg_tq_dropped(tel->in) + vg_tq_dropped(tel->out)),
		       "spool_dropped", (json_int_t)ws.spool_dropped,
		       "write_errors", (json_int_t)ws.errors,
		       "excluded", (json_int_t)atomic_load(&tel->excluded),
		       "last_commit", (json_int_t)0);
	vg_ctl_set_time(st, "last_commit", ws.last_commit_ms);
	/* What is not running says why: the English text, and the message id with its arguments so
	 * that the front ends say it in their user's language. */
	json_object_set_new(st, "sensor", json_pack("{s:s, s:s, s:s, s:o, s:b}", "setting", tel->sensor_setting,
						    "running", sensor_names[tel->sensor], "reason",
						    tel->sensor_reason.message, "reason_detail",
						    vg_ctl_error_json(&tel->sensor_reason), "ebpf_built", vg_tel_ebpf_built()));
	json_object_set_new(st, "kernel_lost",
			    json_integer((json_int_t)((tel->audit ? vg_tel_audit_kernel_lost(tel->audit) : 0) +
						      (tel->ebpf ? vg_tel_ebpf_lost(tel->ebpf) : 0))));
	json_object_set_new(st, "ebpf", tel->ebpf ? vg_tel_ebpf_status(tel->ebpf)
						  : collector_off(tel->ebpf_error.code ? N_("unavailable") : N_("off"),
								  &tel->ebpf_error));
	json_object_set_new(st, "audit", tel->audit ? vg_tel_audit_status(tel->audit)
						    : collector_off(tel->audit_error.code ? N_("unavailable") : N_("off"),
								    &tel->audit_error));
	json_object_set_new(st, "files", tel->fan ? vg_tel_fanotify_status(tel->fan)
						  : collector_off(tel->files_watching ? N_("audit-watches")
								  : tel->files_on ? N_("unavailable") : N_("off"),
								  &tel->files_error));
	return st;
}

const struct vg_subsystem vg_subsystem_telemetry = {
	.name = "telemetry",
	.start = telemetry_start,
	.stop = telemetry_stop,
	.status = telemetry_status,
	.commands = vg_telemetry_commands,
	.settings = &settings,
};
