/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The export subsystem's place in the agent: its settings, commands, start, stop and status. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "events.h"
#include "export/export.h"
#include "export/export-settings.h"
#include "hostport.h"
#include "link/link.h"
#include "log.h"
#include "loop.h"
#include "nls.h"
#include "settings.h"

#define CHECK_MS 1000   /* how often the settings are compared with what the sinks run with */

static int validate_target(const char *value, struct vg_error *err)
{
	if (!value[0] || vg_hostport_parse(value, true, NULL, 0, NULL, 0) == 0)
		return 0;
	return vg_error_set(err, -EINVAL, N_("\"%s\" is not a receiver address (HOST:PORT or [IPv6]:PORT)"), value);
}

static int validate_path(const char *value, struct vg_error *err)
{
	if (!value[0])
		return 0;
	if (value[0] != '/' || strlen(value) >= PATH_MAX - 24 || strstr(value, "/../") || strstr(value, "/./"))
		return vg_error_set(err, -EINVAL, N_("\"%s\" is not an absolute file path"), value);
	for (const char *p = value; *p; p++)
		if ((unsigned char)*p < 0x20)
			return vg_error_set(err, -EINVAL, N_("a file path may not hold control characters"));
	return 0;
}

VG_STR_SETTING(VG_S_EXPORT_JSONL_PATH, .key = "export.jsonl.path", .def = "",
	       .help = N_("File that receives every event as a JSON line (empty: no JSON Lines export)"),
	       .validate = validate_path);
VG_INT_SETTING(VG_S_EXPORT_JSONL_MAX_SIZE, .key = "export.jsonl.max_size", .def = "102400", .min = 16,
	       .max = 16777216, .unit = N_("KiB"), .help = N_("Size at which the JSON Lines file rotates"));
VG_INT_SETTING(VG_S_EXPORT_JSONL_KEEP, .key = "export.jsonl.keep", .def = "5", .min = 1, .max = 1000,
	       .help = N_("Rotated JSON Lines files kept (FILE.1 is the newest)"));
VG_STR_SETTING(VG_S_EXPORT_SYSLOG_TARGET, .key = "export.syslog.target", .def = "",
	       .help = N_("Syslog receiver for RFC 5424 messages over TCP (HOST:PORT; empty: no syslog export)"),
	       .validate = validate_target);
VG_BOOL_SETTING(VG_S_EXPORT_SYSLOG_TLS, .key = "export.syslog.tls", .def = "yes",
		.help = N_("Syslog over TLS (RFC 5425); no sends in clear text"));
VG_STR_SETTING(VG_S_EXPORT_RELP_TARGET, .key = "export.relp.target", .def = "",
	       .help = N_("RELP receiver, such as rsyslog's imrelp (HOST:PORT; empty: no RELP export)"),
	       .validate = validate_target);
VG_BOOL_SETTING(VG_S_EXPORT_RELP_TLS, .key = "export.relp.tls", .def = "yes",
		.help = N_("RELP over TLS; no sends in clear text"));
VG_INT_SETTING(VG_S_EXPORT_FACILITY, .key = "export.facility", .def = "13", .min = 0, .max = 23,
	       .help = N_("Syslog facility of exported messages (13: log audit, 16-23: local0-local7)"));
VG_BOOL_SETTING(VG_S_EXPORT_CLIENT_CERTIFICATE, .key = "export.client_certificate", .def = "no",
		.help = N_("Present the imported client certificate to syslog and RELP receivers"));
VG_INT_SETTING(VG_S_EXPORT_TIMEOUT, .key = "export.timeout", .def = "10", .min = 1, .max = 600,
	       .unit = N_("seconds"), .help = N_("Maximum wait for a receiver to connect or take events"));
VG_INT_SETTING(VG_S_EXPORT_HEARTBEAT_PERIOD, .key = "export.heartbeat_period", .def = "300", .min = 0,
	       .max = 86400, .unit = N_("seconds"),
	       .help = N_("Period of the agent's heartbeat events (0: none)"));

static const char *const setting_prefixes[] = { "export", NULL };
static const struct vg_setting_def *const setting_defs[] = {
	VG_SETTING_DEF(VG_S_EXPORT_JSONL_PATH),
	VG_SETTING_DEF(VG_S_EXPORT_JSONL_MAX_SIZE),
	VG_SETTING_DEF(VG_S_EXPORT_JSONL_KEEP),
	VG_SETTING_DEF(VG_S_EXPORT_SYSLOG_TARGET),
	VG_SETTING_DEF(VG_S_EXPORT_SYSLOG_TLS),
	VG_SETTING_DEF(VG_S_EXPORT_RELP_TARGET),
	VG_SETTING_DEF(VG_S_EXPORT_RELP_TLS),
	VG_SETTING_DEF(VG_S_EXPORT_FACILITY),
	VG_SETTING_DEF(VG_S_EXPORT_CLIENT_CERTIFICATE),
	VG_SETTING_DEF(VG_S_EXPORT_TIMEOUT),
	VG_SETTING_DEF(VG_S_EXPORT_HEARTBEAT_PERIOD),
	NULL,
};
static const struct vg_setting_table settings = { setting_prefixes, setting_defs };

bool vg_export_target_conf(struct vg_agent *agent, const char *target, bool tls, struct vg_export_conf *conf)
{
	const char *dir = agent->cfg.state_dir;

	snprintf(conf->target, sizeof(conf->target), "%s", target);
	if (!target[0] || vg_hostport_parse(target, true, conf->host, sizeof(conf->host), conf->port, sizeof(conf->port)) < 0)
		return false;
	conf->tls = tls;
	if (tls) {
		snprintf(conf->ca_file, sizeof(conf->ca_file), "%s/%s", dir, VG_LINK_SERVER_CERT);
		if (access(conf->ca_file, R_OK) != 0)
			conf->ca_file[0] = '\0';
		if (vg_setting_bool(agent->settings, VG_S_EXPORT_CLIENT_CERTIFICATE))
			snprintf(conf->client_file, sizeof(conf->client_file), "%s/%s", dir, VG_LINK_CLIENT_CERT);
	}
	conf->timeout_s = (int)vg_setting_int(agent->settings, VG_S_EXPORT_TIMEOUT);
	snprintf(conf->hostname, sizeof(conf->hostname), "%s", vg_agent_hostname(agent));
	return true;
}

static void heartbeat(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct vg_agent *agent = data;

	(void)w, (void)fd, (void)events;
	vg_event_emit(agent, vg_export_heartbeat_event(agent));
}

/* Follows the settings: each sink compares them with what it runs with; the heartbeat's period. */
static void check(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct vg_export *ex = data;
	long long period = vg_setting_int(ex->agent->settings, VG_S_EXPORT_HEARTBEAT_PERIOD);

	(void)w, (void)fd, (void)events;
	for (size_t i = 0; i < ex->nsinks; i++)
		vg_export_sink_reconfigure(ex->sinks[i]);
	if (period != ex->heartbeat_period_s) {
		ex->heartbeat_period_s = period;
		if (period > 0)
			vg_timer_arm(ex->heartbeat, (uint64_t)period * 1000, (uint64_t)period * 1000);
		else
			vg_timer_disarm(ex->heartbeat);
	}
}

static void export_stop(struct vg_agent *agent)
{
	struct vg_export *ex = agent->export;

	if (!ex)
		return;
	for (size_t i = 0; i < ex->nsinks; i++)
		vg_export_sink_free(ex->sinks[i]);
	vg_watch_remove(ex->heartbeat);
	vg_watch_remove(ex->check);
	free(ex);
	agent->export = NULL;
}

static int export_start(struct vg_agent *agent, struct vg_error *err)
{
	static const struct vg_export_ops *const kinds[] = { &vg_export_jsonl, &vg_export_syslog, &vg_export_relp };
	struct vg_export *ex = calloc(1, sizeof(*ex));
	int r;

	if (!ex)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	agent->export = ex;
	ex->agent = agent;
	ex->heartbeat_period_s = -1;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if ((r = vg_export_sink_new(&ex->sinks[i], agent, kinds[i], err)) < 0) {
			export_stop(agent);
			return r;
		}
		ex->nsinks++;
	}
	if (!(ex->heartbeat = vg_loop_timer(agent->loop, 0, 0, heartbeat, agent)) ||
	    !(ex->check = vg_loop_timer(agent->loop, CHECK_MS, CHECK_MS, check, ex))) {
		export_stop(agent);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	vg_timer_disarm(ex->heartbeat);
	check(NULL, -1, 0, ex);
	return 0;
}

static json_t *export_status(struct vg_agent *agent)
{
	struct vg_export *ex = agent->export;
	json_t *sinks = json_array();

	if (!ex) {
		json_decref(sinks);
		return NULL;
	}
	for (size_t i = 0; i < ex->nsinks; i++)
		json_array_append_new(sinks, vg_export_sink_status(ex->sinks[i]));
	return json_pack("{s:b, s:o, s:I}", "available", 1, "sinks", sinks, "heartbeat_period",
			 (json_int_t)ex->heartbeat_period_s);
}

static int cmd_status(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	(void)req;
	if (!agent->export)
		return vg_error_set(err, -EAGAIN, N_("the export subsystem is not running"));
	*result = export_status(agent);
	return *result ? 0 : vg_error_set(err, -ENOMEM, N_("out of memory"));
}

/* An "export test" under way: one answer once every sink asked has answered. */
struct test_req {
	struct vg_agent *agent;
	uint64_t conn_id;
	json_int_t id;
	unsigned pending;
	json_t *results;
};

struct test_one {
	struct test_req *t;
	const char *sink;
};

static void test_done(int r, const struct vg_error *err, void *data)
{
	struct test_one *one = data;
	struct test_req *t = one->t;
	json_t *o = json_pack("{s:s, s:b}", "sink", one->sink, "ok", r == 0);

	if (o && r < 0)
		json_object_set_new(o, "error", json_string(err->message));
	json_array_append_new(t->results, o);
	free(one);
	if (--t->pending > 0)
		return;
	vg_agent_reply(t->agent, t->conn_id, t->id, t->results, NULL, false);
	free(t);
}

static int cmd_test(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct vg_export *ex = agent->export;
	const char *want = json_string_value(json_object_get(req->args, "sink"));
	struct vg_export_sink *chosen[3];
	struct test_req *t;
	size_t n = 0;
	json_t *ev;

	(void)result;
	if (!ex)
		return vg_error_set(err, -EAGAIN, N_("the export subsystem is not running"));
	for (size_t i = 0; i < ex->nsinks; i++) {
		json_t *st = vg_export_sink_status(ex->sinks[i]);
		bool on = json_is_true(json_object_get(st, "enabled"));

		json_decref(st);
		if (want && strcmp(want, vg_export_sink_name(ex->sinks[i])) == 0 && !on)
			return vg_error_set(err, -ENOENT, N_("the %s export is off"), want);
		if (on && (!want || strcmp(want, vg_export_sink_name(ex->sinks[i])) == 0))
			chosen[n++] = ex->sinks[i];
	}
	if (want && strcmp(want, "jsonl") != 0 && strcmp(want, "syslog") != 0 && strcmp(want, "relp") != 0)
		return vg_error_set(err, -EINVAL, N_("no export sink \"%s\" (jsonl, syslog or relp)"), want);
	if (n == 0)
		return vg_error_set(err, -ENOENT, N_("no export is on"));
	if (!(t = calloc(1, sizeof(*t))) || !(t->results = json_array())) {
		free(t);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	t->agent = agent;
	t->conn_id = req->conn_id;
	t->id = req->id;
	/* One more than the sinks, so that no answer goes before every test is under way. */
	t->pending = 1;
	ev = vg_export_heartbeat_event(agent);
	json_object_set_new(ev, "message", json_string("Vigil export test"));
	vg_event_complete(agent, ev);
	for (size_t i = 0; i < n; i++) {
		struct test_one *one = calloc(1, sizeof(*one));
		int r;

		if (!one) {
			r = -ENOMEM;
		} else {
			one->t = t;
			one->sink = vg_export_sink_name(chosen[i]);
			t->pending++;
			r = vg_export_sink_test(chosen[i], ev, test_done, one);
		}
		if (r < 0) {
			struct vg_error e;

			vg_error_set(&e, r, r == -EBUSY ? N_("a test of this export is already under way")
							 : N_("out of memory"));
			if (one)
				test_done(r, &e, one);
			else
				json_array_append_new(t->results, json_pack("{s:s, s:b, s:s}", "sink",
									    vg_export_sink_name(chosen[i]), "ok", 0,
									    "error", e.message));
		}
	}
	json_decref(ev);
	if (--t->pending == 0) {
		vg_agent_reply(agent, t->conn_id, t->id, t->results, NULL, false);
		free(t);
	}
	return VG_CTL_DEFERRED;
}

static const struct vg_agent_command commands[] = {
	{ VG_CMD_EXPORT_STATUS, cmd_status },
	{ VG_CMD_EXPORT_TEST, cmd_test },
	{ VG_CMD_COUNT, NULL },
};

const struct vg_subsystem vg_subsystem_export = {
	.name = "export",
	.start = export_start,
	.stop = export_stop,
	.status = export_status,
	.commands = commands,
	.settings = &settings,
};
