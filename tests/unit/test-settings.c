/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The settings store: the registry built from the tables (and what it refuses), typed reads,
 * validation, change log, export/import round trips, all-or-nothing. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent.h"
#include "link/link-settings.h"
#include "settings.h"
#include "store.h"
#include "telemetry/telemetry-settings.h"
#include "vigil/error.h"

struct fixture {
	char dir[64];
	char path[128];
	struct vg_setting_registry *reg;
	struct vg_store *store;
	struct vg_settings *settings;
};

static int open_settings(struct fixture *f)
{
	struct vg_error err;

	if ((!f->reg && vg_agent_setting_registry(&f->reg, &err) < 0) || vg_store_open(&f->store, f->path, &err) < 0 ||
	    vg_settings_open(&f->settings, f->store, f->reg, &err) < 0) {
		fprintf(stderr, "%s\n", err.message);
		return -1;
	}
	return 0;
}

static void close_settings(struct fixture *f)
{
	vg_settings_close(f->settings);
	vg_store_close(f->store);
	f->settings = NULL;
	f->store = NULL;
}

/* A fixture whose settings are those of table alone (owned by "alpha"), or every setting of the
 * agent when table is NULL. */
static int setup_over(void **state, const struct vg_setting_table *table)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct vg_error err;

	snprintf(f->dir, sizeof(f->dir), "/tmp/vigil-settings.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/vigil.db", f->dir);
	*state = f;
	if (table && (vg_setting_registry_new(&f->reg) < 0 || vg_setting_registry_add(f->reg, "alpha", table, &err) < 0))
		return -1;
	return open_settings(f);
}

static int setup(void **state)
{
	return setup_over(state, NULL);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[256];

	close_settings(f);
	snprintf(cmd, sizeof(cmd), "%s-wal", f->path);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s-shm", f->path);
	unlink(cmd);
	unlink(f->path);
	rmdir(f->dir);
	vg_setting_registry_free(f->reg);
	free(f);
	return 0;
}

static void test_defaults(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(vg_setting_list(f->settings, VG_S_LINK_SERVERS), "");
	assert_int_equal(vg_setting_int(f->settings, VG_S_LINK_PORT), 443);
	assert_false(vg_setting_bool(f->settings, VG_S_LINK_CLIENT_CERTIFICATE));
	assert_int_equal(vg_setting_int(f->settings, VG_S_LINK_SYNC_PERIOD), 5);
	assert_int_equal(vg_setting_int(f->settings, VG_S_LINK_CONNECT_TIMEOUT), 10);
	assert_int_equal(vg_setting_int(f->settings, VG_S_LINK_REQUEST_TIMEOUT), 10);
	assert_int_equal(vg_setting_int(f->settings, VG_S_LINK_MAX_TRANSFER_DELAY), 30);
	assert_true(vg_setting_bool(f->settings, VG_S_LINK_REQUEST_LIMITS));
	assert_int_equal(vg_setting_int(f->settings, VG_S_LINK_MAX_EVENTS_PER_HOUR), 3000);
	assert_int_equal(vg_setting_int(f->settings, VG_S_LINK_TYPE_SHARE_PERCENT), 15);
	assert_true(vg_setting_bool(f->settings, VG_S_TELEMETRY_ENABLED));
	assert_null(vg_setting_registry_find(f->reg, "no.such.key", NULL));
}

/* The agent's registry holds every setting that scripts and stored databases rely on, with
 * its type, default and bounds. */
static void test_agent_registry_keeps_every_setting(void **state)
{
	static const struct {
		const char *key;
		enum vg_setting_type type;
		const char *def;
		long long min, max;
	} expected[] = {
		{ "agent.control_max_per_user", VG_SETTING_INT, "16", 1, 64 },
		{ "agent.control_idle_seconds", VG_SETTING_INT, "300", 5, 86400 },
		{ "agent.sandbox_memory_mib", VG_SETTING_INT, "128", 32, 4096 },
		{ "agent.sandbox_cpu_seconds", VG_SETTING_INT, "30", 1, 600 },
		{ "link.servers", VG_SETTING_LIST, "", 0, 16 },
		{ "link.port", VG_SETTING_INT, "443", 1, 65535 },
		{ "link.client_certificate", VG_SETTING_BOOL, "no", 0, 0 },
		{ "link.sync_period", VG_SETTING_INT, "5", 1, 1440 },
		{ "link.connect_timeout", VG_SETTING_INT, "10", 1, 600 },
		{ "link.request_timeout", VG_SETTING_INT, "10", 1, 600 },
		{ "link.max_transfer_delay", VG_SETTING_INT, "30", 1, 3600 },
		{ "link.request_limits", VG_SETTING_BOOL, "yes", 0, 0 },
		{ "link.max_events_per_hour", VG_SETTING_INT, "3000", 1, 10000000 },
		{ "link.type_share_percent", VG_SETTING_INT, "15", 1, 100 },
		{ "link.system_ca", VG_SETTING_BOOL, "no", 0, 0 },
		{ "link.poll_wait", VG_SETTING_INT, "25", 1, 60 },
		{ "proxy.url", VG_SETTING_STRING, "", 0, 0 },
		{ "proxy.user", VG_SETTING_STRING, "", 0, 0 },
		{ "proxy.bypass", VG_SETTING_LIST, "", 0, 64 },
		{ "telemetry.enabled", VG_SETTING_BOOL, "yes", 0, 0 },
		{ "telemetry.process", VG_SETTING_BOOL, "yes", 0, 0 },
		{ "telemetry.network", VG_SETTING_BOOL, "yes", 0, 0 },
		{ "telemetry.sensor", VG_SETTING_STRING, "auto", 0, 0 },
		{ "telemetry.files", VG_SETTING_BOOL, "yes", 0, 0 },
		{ "telemetry.file_paths", VG_SETTING_LIST, "/etc,/usr,/bin,/sbin,/lib,/lib64,/opt,/root,/home,/srv,/boot,/tmp,/var/tmp", 0, 32 },
		{ "telemetry.file_backend", VG_SETTING_STRING, "auto", 0, 0 },
		{ "telemetry.spool_max_mb", VG_SETTING_INT, "512", 1, 1048576 },
		{ "telemetry.spool_max_days", VG_SETTING_INT, "21", 1, 3650 },
		{ "telemetry.queue_max_events", VG_SETTING_INT, "65536", 1024, 4194304 },
		{ "telemetry.queue_max_mb", VG_SETTING_INT, "32", 1, 4096 },
		{ "telemetry.hash_max_mb", VG_SETTING_INT, "200", 0, 65536 },
		{ "isolation.auto_release_hours", VG_SETTING_INT, "0", 0, 9999 },
		{ "isolation.release_after_no_contact_hours", VG_SETTING_INT, "0", 0, 9999 },
		{ "isolation.profile.dhcp", VG_SETTING_BOOL, "yes", 0, 0 },
		{ "isolation.profile.dns", VG_SETTING_BOOL, "yes", 0, 0 },
		{ "isolation.profile.ipv6_nd", VG_SETTING_BOOL, "yes", 0, 0 },
		{ "isolation.max_exceptions", VG_SETTING_INT, "100000", 1, 1000000 },
		{ "tasks.get_file_max_mb", VG_SETTING_INT, "100", 1, 16384 },
		{ "tasks.run_default_user", VG_SETTING_STRING, "root", 0, 0 },
		{ "tasks.run_default_timeout", VG_SETTING_INT, "600", 1, 86400 },
		{ "tasks.terminate_grace_seconds", VG_SETTING_INT, "5", 0, 300 },
		{ "tasks.run_memory_max_mb", VG_SETTING_INT, "1024", 0, 1048576 },
		{ "tasks.run_tasks_max", VG_SETTING_INT, "512", 0, 4194304 },
		{ "tasks.protected_paths", VG_SETTING_LIST, "", 0, 64 },
		{ "tasks.collected_max_mb", VG_SETTING_INT, "2048", 1, 1048576 },
		{ "tasks.collected_max_days", VG_SETTING_INT, "14", 1, 3650 },
		{ "tasks.journal_max_mb", VG_SETTING_INT, "256", 1, 1048576 },
		{ "tasks.journal_max_days", VG_SETTING_INT, "90", 1, 3650 },
		{ "ioc.hash_limit_mib", VG_SETTING_INT, "200", 1, 1048576 },
		{ "ioc.max_document_kib", VG_SETTING_INT, "1024", 1, 4096 },
		{ "ioc.file_strings", VG_SETTING_BOOL, "no", 0, 0 },
		{ "ioc.keep_scans", VG_SETTING_INT, "100", 1, 100000 },
		{ "export.jsonl.path", VG_SETTING_STRING, "", 0, 0 },
		{ "export.jsonl.max_size", VG_SETTING_INT, "102400", 16, 16777216 },
		{ "export.jsonl.keep", VG_SETTING_INT, "5", 1, 1000 },
		{ "export.syslog.target", VG_SETTING_STRING, "", 0, 0 },
		{ "export.syslog.tls", VG_SETTING_BOOL, "yes", 0, 0 },
		{ "export.relp.target", VG_SETTING_STRING, "", 0, 0 },
		{ "export.relp.tls", VG_SETTING_BOOL, "yes", 0, 0 },
		{ "export.facility", VG_SETTING_INT, "13", 0, 23 },
		{ "export.client_certificate", VG_SETTING_BOOL, "no", 0, 0 },
		{ "export.timeout", VG_SETTING_INT, "10", 1, 600 },
		{ "export.heartbeat_period", VG_SETTING_INT, "300", 0, 86400 },
		{ "detection.enabled", VG_SETTING_BOOL, "yes", 0, 0 },
		{ "detection.rules_dirs", VG_SETTING_LIST, PKGDATADIR "/rules," SYSCONFDIR "/vigil/rules", 0, 32 },
		{ "detection.policies", VG_SETTING_LIST, "", 0, 128 },
		{ "detection.read_watches", VG_SETTING_LIST, "/etc/shadow,/etc/gshadow", 0, 32 },
		{ "detection.keep", VG_SETTING_INT, "10000", 100, 1000000 },
	};
	struct fixture *f = *state;
	size_t n;

	vg_setting_registry_defs(f->reg, &n);
	assert_int_equal(n, sizeof(expected) / sizeof(expected[0]));
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct vg_setting_def *def = vg_setting_registry_find(f->reg, expected[i].key, NULL);

		if (!def)
			fail_msg("%s is missing", expected[i].key);
		assert_int_equal(def->type, expected[i].type);
		assert_string_equal(def->def, expected[i].def);
		assert_int_equal(def->min, expected[i].min);
		assert_int_equal(def->max, expected[i].max);
		assert_false(def->flags & VG_SETTING_SECRET);
	}
}

/* The agent's registry is the core's table, then each subsystem's in start order: no list of
 * settings anywhere else. */
static void test_agent_registry_from_subsystem_tables(void **state)
{
	struct fixture *f = *state;
	const struct vg_subsystem *const *subs;
	const struct vg_setting_def *const *defs;
	size_t n, nsubs, at = 4;

	defs = vg_setting_registry_defs(f->reg, &n);
	/* The core's own (agent.*) come first. */
	assert_ptr_equal(defs[0], VG_SETTING_DEF(VG_S_AGENT_CONTROL_MAX_PER_USER));
	assert_ptr_equal(defs[1], VG_SETTING_DEF(VG_S_AGENT_CONTROL_IDLE_SECONDS));
	assert_ptr_equal(defs[2], VG_SETTING_DEF(VG_S_AGENT_SANDBOX_MEMORY_MIB));
	assert_ptr_equal(defs[3], VG_SETTING_DEF(VG_S_AGENT_SANDBOX_CPU_SECONDS));
	subs = vg_agent_subsystems(&nsubs);
	for (size_t i = 0; i < nsubs; i++) {
		if (!subs[i]->settings)
			continue;
		for (const struct vg_setting_def *const *d = subs[i]->settings->defs; *d; d++, at++) {
			assert_true(at < n);
			assert_ptr_equal(defs[at], *d);
		}
	}
	assert_int_equal(at, n);
	/* Each subsystem owns its keys: isolation starts first, so its settings come next. */
	assert_string_equal(defs[4]->key, "isolation.auto_release_hours");
	assert_int_equal(vg_setting_registry_index(f->reg, VG_SETTING_DEF(VG_S_TELEMETRY_ENABLED)), 10);
	assert_ptr_equal(vg_setting_registry_find(f->reg, "link.port", NULL), VG_SETTING_DEF(VG_S_LINK_PORT));
}

static void test_validation_all_or_nothing(void **state)
{
	struct fixture *f = *state;
	struct vg_error err;
	const struct vg_setting_pair good_then_bad[] = {
		{ VG_SETTING_DEF(VG_S_LINK_PORT), "8443" },
		{ VG_SETTING_DEF(VG_S_LINK_SYNC_PERIOD), "0" },
	};
	const struct vg_setting_pair bools[] = {
		{ VG_SETTING_DEF(VG_S_LINK_CLIENT_CERTIFICATE), "ON" },
		{ VG_SETTING_DEF(VG_S_LINK_REQUEST_LIMITS), "0" },
		{ VG_SETTING_DEF(VG_S_TELEMETRY_ENABLED), "false" },
	};
	const struct vg_setting_pair twice[] = {
		{ VG_SETTING_DEF(VG_S_LINK_PORT), "1" },
		{ VG_SETTING_DEF(VG_S_LINK_PORT), "2" },
	};
	const struct vg_setting_pair badbool[] = { { VG_SETTING_DEF(VG_S_TELEMETRY_ENABLED), "maybe" } };
	const struct vg_setting_pair badint[] = { { VG_SETTING_DEF(VG_S_LINK_PORT), "44x" } };
	const struct vg_setting_pair badserver[] = { { VG_SETTING_DEF(VG_S_LINK_SERVERS), "good.example,bad host" } };
	const struct vg_setting_pair servers[] = {
		{ VG_SETTING_DEF(VG_S_LINK_SERVERS), " a.example:8443 , [::1]:443,10.0.0.1 " },
	};

	assert_int_equal(vg_settings_set(f->settings, good_then_bad, 2, 0, &err), -ERANGE);
	assert_non_null(strstr(err.message, "link.sync_period must be between 1 and 1440"));
	assert_int_equal(vg_setting_int(f->settings, VG_S_LINK_PORT), 443);
	assert_null(vg_setting_registry_find(f->reg, "link.colour", &err));
	assert_non_null(strstr(err.message, "unknown setting \"link.colour\""));
	assert_true(vg_settings_set(f->settings, twice, 2, 0, &err) < 0);
	assert_true(vg_settings_set(f->settings, badbool, 1, 0, &err) < 0);
	assert_true(vg_settings_set(f->settings, badint, 1, 0, &err) < 0);
	assert_true(vg_settings_set(f->settings, badserver, 1, 0, &err) < 0);
	assert_non_null(strstr(err.message, "\"bad host\" is not a server address"));

	assert_int_equal(vg_settings_set(f->settings, bools, 3, 0, &err), 0);
	assert_string_equal(vg_setting_text(f->settings, VG_SETTING_DEF(VG_S_LINK_CLIENT_CERTIFICATE)), "yes");
	assert_string_equal(vg_setting_text(f->settings, VG_SETTING_DEF(VG_S_LINK_REQUEST_LIMITS)), "no");
	assert_string_equal(vg_setting_text(f->settings, VG_SETTING_DEF(VG_S_TELEMETRY_ENABLED)), "no");
	assert_int_equal(vg_settings_set(f->settings, servers, 1, 0, &err), 0);
	assert_string_equal(vg_setting_list(f->settings, VG_S_LINK_SERVERS), "a.example:8443,[::1]:443,10.0.0.1");
}

static void test_change_log_and_persistence(void **state)
{
	struct fixture *f = *state;
	struct vg_error err;
	const struct vg_setting_pair a[] = { { VG_SETTING_DEF(VG_S_LINK_PORT), "8443" } };
	const struct vg_setting_pair same[] = { { VG_SETTING_DEF(VG_S_LINK_PORT), "8443" } };
	json_t *log, *e;

	assert_int_equal(vg_settings_set(f->settings, a, 1, 1234, &err), 0);
	assert_int_equal(vg_settings_set(f->settings, same, 1, 1234, &err), 0); /* no change, no entry */
	log = vg_settings_history(f->settings, 10, &err);
	assert_non_null(log);
	assert_int_equal(json_array_size(log), 1);
	e = json_array_get(log, 0);
	assert_string_equal(json_string_value(json_object_get(e, "key")), "link.port");
	assert_string_equal(json_string_value(json_object_get(e, "old")), "443");
	assert_string_equal(json_string_value(json_object_get(e, "new")), "8443");
	assert_int_equal(json_integer_value(json_object_get(e, "uid")), 1234);
	assert_true(json_integer_value(json_object_get(e, "time")) > 1600000000);
	json_decref(log);

	close_settings(f);
	assert_int_equal(open_settings(f), 0);
	assert_int_equal(vg_setting_int(f->settings, VG_S_LINK_PORT), 8443);
}

/* Where a value came from: the default, the control socket, or a source named by the caller (a
 * drop-in's line), kept across a restart and written in the change log. */
static void test_sources(void **state)
{
	struct fixture *f = *state;
	struct vg_error err;
	const struct vg_setting_pair from_file[] = { { VG_SETTING_DEF(VG_S_LINK_PORT), "8443" },
						     { VG_SETTING_DEF(VG_S_LINK_SYNC_PERIOD), "5" } };
	const char *const sources[] = { "file 10-a.conf:3", "file 10-a.conf:4" };
	const struct vg_setting_pair by_hand[] = { { VG_SETTING_DEF(VG_S_LINK_PORT), "9443" } };
	json_t *log;

	assert_null(vg_setting_source(f->settings, VG_SETTING_DEF(VG_S_LINK_PORT)));
	assert_int_equal(vg_settings_set_from(f->settings, from_file, sources, 2, 0, &err), 0);
	assert_string_equal(vg_setting_source(f->settings, VG_SETTING_DEF(VG_S_LINK_PORT)), "file 10-a.conf:3");
	/* The default named again: the value stays, the source follows, the log has no entry for it. */
	assert_string_equal(vg_setting_source(f->settings, VG_SETTING_DEF(VG_S_LINK_SYNC_PERIOD)), "file 10-a.conf:4");
	log = vg_settings_history(f->settings, 10, &err);
	assert_int_equal(json_array_size(log), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(log, 0), "source")), "file 10-a.conf:3");
	json_decref(log);

	close_settings(f);
	assert_int_equal(open_settings(f), 0);
	assert_string_equal(vg_setting_source(f->settings, VG_SETTING_DEF(VG_S_LINK_PORT)), "file 10-a.conf:3");

	assert_int_equal(vg_settings_set(f->settings, by_hand, 1, 1000, &err), 0);
	assert_string_equal(vg_setting_source(f->settings, VG_SETTING_DEF(VG_S_LINK_PORT)), "");
	log = vg_settings_history(f->settings, 10, &err);
	assert_string_equal(json_string_value(json_object_get(json_array_get(log, 0), "source")), "vigilctl");
	json_decref(log);
	close_settings(f);
	assert_int_equal(open_settings(f), 0);
	assert_string_equal(vg_setting_source(f->settings, VG_SETTING_DEF(VG_S_LINK_PORT)), "");
}

static void round_trip(struct fixture *f, enum vg_settings_format format)
{
	struct vg_error err;
	const struct vg_setting_pair change[] = {
		{ VG_SETTING_DEF(VG_S_LINK_PORT), "9443" },
		{ VG_SETTING_DEF(VG_S_LINK_SERVERS), "a.example,b.example:444" },
		{ VG_SETTING_DEF(VG_S_TELEMETRY_ENABLED), "no" },
	};
	const struct vg_setting_pair reset[] = {
		{ VG_SETTING_DEF(VG_S_LINK_PORT), "443" },
		{ VG_SETTING_DEF(VG_S_LINK_SERVERS), "" },
		{ VG_SETTING_DEF(VG_S_TELEMETRY_ENABLED), "yes" },
	};
	char *text = NULL, *again = NULL;

	assert_int_equal(vg_settings_set(f->settings, change, 3, 0, &err), 0);
	assert_int_equal(vg_settings_export(f->settings, format, &text, &err), 0);
	assert_int_equal(vg_settings_set(f->settings, reset, 3, 0, &err), 0);
	assert_int_equal(vg_setting_int(f->settings, VG_S_LINK_PORT), 443);
	assert_int_equal(vg_settings_import(f->settings, format, text, strlen(text), "exported", 0, &err), 0);
	assert_int_equal(vg_setting_int(f->settings, VG_S_LINK_PORT), 9443);
	assert_string_equal(vg_setting_list(f->settings, VG_S_LINK_SERVERS), "a.example,b.example:444");
	assert_false(vg_setting_bool(f->settings, VG_S_TELEMETRY_ENABLED));
	assert_int_equal(vg_settings_export(f->settings, format, &again, &err), 0);
	assert_string_equal(text, again);
	free(text);
	free(again);
}

static void test_export_import_ini(void **state)
{
	round_trip(*state, VG_SETTINGS_INI);
}

static void test_export_import_json(void **state)
{
	round_trip(*state, VG_SETTINGS_JSON);
}

static void test_bad_import_changes_nothing(void **state)
{
	struct fixture *f = *state;
	struct vg_error err;
	const char *ini = "[link]\nport = 7000\nsync_period = 99999\n";
	const char *ini_unknown = "[link]\nport = 7000\n[telemetry]\nturbo = yes\n";
	const char *json_bad = "{\"link.port\": 7000, \"link.servers\": [\"ok\", 5]}";
	const char *json_syntax = "{\"link.port\": 7000,\n \"link.sync_period\": }";
	const char *json_dup = "{\"link.port\": 7000, \"link.port\": 7001}";

	assert_true(vg_settings_import(f->settings, VG_SETTINGS_INI, ini, strlen(ini), "s.ini", 0, &err) < 0);
	assert_non_null(strstr(err.message, "s.ini:3: link.sync_period must be between"));
	assert_true(vg_settings_import(f->settings, VG_SETTINGS_INI, ini_unknown, strlen(ini_unknown), "u.ini", 0,
				       &err) < 0);
	assert_non_null(strstr(err.message, "u.ini:4: unknown setting \"telemetry.turbo\""));
	assert_true(vg_settings_import(f->settings, VG_SETTINGS_JSON, json_bad, strlen(json_bad), "b.json", 0, &err) < 0);
	assert_non_null(strstr(err.message, "b.json: link.servers takes a list of strings"));
	assert_true(vg_settings_import(f->settings, VG_SETTINGS_JSON, json_syntax, strlen(json_syntax), "c.json", 0,
				       &err) < 0);
	assert_non_null(strstr(err.message, "c.json:2: invalid JSON"));
	assert_true(vg_settings_import(f->settings, VG_SETTINGS_JSON, json_dup, strlen(json_dup), "d.json", 0, &err) < 0);
	assert_int_equal(vg_setting_int(f->settings, VG_S_LINK_PORT), 443);
	assert_int_equal(vg_setting_int(f->settings, VG_S_LINK_SYNC_PERIOD), 5);
	{
		json_t *log = vg_settings_history(f->settings, 10, &err);

		assert_int_equal(json_array_size(log), 0);
		json_decref(log);
	}
}

static void test_damaged_row_falls_back_to_default(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sqlite3_exec(vg_store_db(f->store),
				      "INSERT INTO settings(key, value) VALUES ('link.port', 'not-a-number'),"
				      " ('gone.key', 'x')", NULL, NULL, NULL), SQLITE_OK);
	close_settings(f);
	assert_int_equal(open_settings(f), 0);
	assert_int_equal(vg_setting_int(f->settings, VG_S_LINK_PORT), 443);
}

static void test_newer_schema_is_refused(void **state)
{
	struct fixture *f = *state;
	struct vg_error err;
	struct vg_settings *s;

	assert_int_equal(sqlite3_exec(vg_store_db(f->store),
				      "UPDATE schema_versions SET version = 99 WHERE module = 'settings'", NULL, NULL,
				      NULL), SQLITE_OK);
	assert_int_equal(vg_settings_open(&s, f->store, f->reg, &err), -EPROTO);
	assert_non_null(strstr(err.message, "refusing to downgrade"));
}

/* ---- the registry and typed handles, over tables of the test's own ---- */

static int validate_word(const char *value, struct vg_error *err)
{
	return strcmp(value, "bad") == 0 ? vg_error_set(err, -EINVAL, "\"%s\" is refused", value) : 0;
}

VG_BOOL_SETTING(T_ON, .key = "alpha.on", .def = "yes", .help = "on or off");
VG_INT_SETTING(T_COUNT, .key = "alpha.count", .def = "3", .min = 1, .max = 9, .unit = "items", .help = "a count");
VG_STR_SETTING(T_NAME, .key = "alpha.name", .def = "x", .help = "a name", .validate = validate_word);
VG_LIST_SETTING(T_HOSTS, .key = "beta.hosts", .def = "", .max = 4, .help = "some hosts", .validate = validate_word);
VG_INT_SETTING(T_UNLISTED, .key = "alpha.unlisted", .def = "1", .min = 0, .max = 1, .help = "in no table");

static const char *const alpha_prefixes[] = { "alpha", "beta", NULL };
static const struct vg_setting_def *const alpha_defs[] = {
	VG_SETTING_DEF(T_ON), VG_SETTING_DEF(T_COUNT), VG_SETTING_DEF(T_NAME), VG_SETTING_DEF(T_HOSTS), NULL,
};
static const struct vg_setting_table alpha = { alpha_prefixes, alpha_defs };

static int typed_setup(void **state)
{
	return setup_over(state, &alpha);
}

static void test_typed_reads(void **state)
{
	struct fixture *t = *state;
	struct vg_error err;
	const struct vg_setting_pair change[] = {
		{ VG_SETTING_DEF(T_ON), "off" },
		{ VG_SETTING_DEF(T_COUNT), "7" },
		{ VG_SETTING_DEF(T_NAME), "vigil" },
		{ VG_SETTING_DEF(T_HOSTS), " a , ,b " },
	};
	const struct vg_setting_pair refused[] = { { VG_SETTING_DEF(T_HOSTS), "a,bad" } };

	assert_true(vg_setting_bool(t->settings, T_ON));
	assert_int_equal(vg_setting_int(t->settings, T_COUNT), 3);
	assert_string_equal(vg_setting_str(t->settings, T_NAME), "x");
	assert_string_equal(vg_setting_list(t->settings, T_HOSTS), "");
	assert_int_equal(vg_settings_set(t->settings, change, 4, 0, &err), 0);
	assert_false(vg_setting_bool(t->settings, T_ON));
	assert_int_equal(vg_setting_int(t->settings, T_COUNT), 7);
	assert_string_equal(vg_setting_str(t->settings, T_NAME), "vigil");
	assert_string_equal(vg_setting_list(t->settings, T_HOSTS), "a,b");
	assert_string_equal(vg_setting_text(t->settings, VG_SETTING_DEF(T_ON)), "no");
	/* A list item goes through the definition's own check. */
	assert_int_equal(vg_settings_set(t->settings, refused, 1, 0, &err), -EINVAL);
	assert_non_null(strstr(err.message, "\"bad\" is refused"));
	assert_string_equal(vg_setting_list(t->settings, T_HOSTS), "a,b");
}

static void test_registry_order_and_lookup(void **state)
{
	struct fixture *t = *state;
	struct vg_error err;
	const struct vg_setting_def *const *defs;
	size_t n;

	defs = vg_setting_registry_defs(t->reg, &n);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		assert_ptr_equal(defs[i], alpha_defs[i]);
	assert_ptr_equal(vg_setting_registry_find(t->reg, "alpha.count", &err), VG_SETTING_DEF(T_COUNT));
	assert_int_equal(vg_setting_registry_index(t->reg, VG_SETTING_DEF(T_HOSTS)), 3);
	assert_int_equal(vg_setting_registry_index(t->reg, VG_SETTING_DEF(T_UNLISTED)), -1);
}

/* A key from outside that no table declares is refused with a message naming it. */
static void test_unknown_key_from_outside(void **state)
{
	struct fixture *t = *state;
	struct vg_error err;
	const char *ini = "[alpha]\ncount = 4\ncolour = red\n";
	const char *json = "{\"alpha.count\": 4, \"alpha.colour\": \"red\"}";
	const struct vg_setting_pair unlisted[] = { { VG_SETTING_DEF(T_UNLISTED), "0" } };

	assert_null(vg_setting_registry_find(t->reg, "alpha.colour", &err));
	assert_int_equal(err.code, -ENOENT);
	assert_string_equal(err.message, "unknown setting \"alpha.colour\"");
	assert_int_equal(vg_settings_import(t->settings, VG_SETTINGS_INI, ini, strlen(ini), "a.ini", 0, &err), -ENOENT);
	assert_string_equal(err.message, "a.ini:3: unknown setting \"alpha.colour\"");
	assert_int_equal(vg_settings_import(t->settings, VG_SETTINGS_JSON, json, strlen(json), "a.json", 0, &err), -ENOENT);
	assert_string_equal(err.message, "a.json: unknown setting \"alpha.colour\"");
	assert_int_equal(vg_setting_int(t->settings, T_COUNT), 3);
	/* A definition that no table lists cannot be changed either. */
	assert_int_equal(vg_settings_set(t->settings, unlisted, 1, 0, &err), -ENOENT);
	assert_string_equal(err.message, "unknown setting \"alpha.unlisted\"");
}

/* Reading a handle that no table lists is a programming error: the agent stops there. */
static void test_unlisted_handle_aborts(void **state)
{
	struct fixture *t = *state;
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(10);
		vg_setting_int(t->settings, T_UNLISTED);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static const struct vg_setting_def *seen_defs[8];
static size_t nseen;

static void on_change(const struct vg_setting_def *const *defs, size_t n, void *data)
{
	(void)data;
	for (size_t i = 0; i < n && nseen < 8; i++)
		seen_defs[nseen++] = defs[i];
}

static int veto_name(const struct vg_setting_def *def, const char *value, void *data, struct vg_error *err)
{
	(void)data;
	if (def == VG_SETTING_DEF(T_NAME) && strcmp(value, "root") == 0)
		return vg_error_set(err, -EPERM, "alpha.name cannot be root");
	return 0;
}

static void test_veto_and_change_by_definition(void **state)
{
	struct fixture *t = *state;
	struct vg_error err;
	const struct vg_setting_pair refused[] = { { VG_SETTING_DEF(T_COUNT), "5" }, { VG_SETTING_DEF(T_NAME), "root" } };
	const struct vg_setting_pair allowed[] = { { VG_SETTING_DEF(T_COUNT), "5" }, { VG_SETTING_DEF(T_ON), "yes" } };

	nseen = 0;
	vg_settings_on_change(t->settings, on_change, NULL);
	assert_int_equal(vg_settings_add_veto(t->settings, veto_name, NULL), 0);
	assert_int_equal(vg_settings_set(t->settings, refused, 2, 0, &err), -EPERM);
	assert_string_equal(err.message, "alpha.name cannot be root");
	assert_int_equal(vg_setting_int(t->settings, T_COUNT), 3);
	assert_int_equal(nseen, 0);
	/* alpha.on keeps its value: only what changed is reported. */
	assert_int_equal(vg_settings_set(t->settings, allowed, 2, 0, &err), 0);
	assert_int_equal(nseen, 1);
	assert_ptr_equal(seen_defs[0], VG_SETTING_DEF(T_COUNT));
	vg_settings_remove_veto(t->settings, veto_name, NULL);
}

/* add_refused: the registry refuses table (owned by "omega") with a message holding expect,
 * and keeps nothing of it. */
static void add_refused(const struct vg_setting_table *table, const char *expect)
{
	struct vg_setting_registry *reg;
	struct vg_error err;
	size_t before, after;

	assert_int_equal(vg_setting_registry_new(&reg), 0);
	assert_int_equal(vg_setting_registry_add(reg, "alpha", &alpha, &err), 0);
	vg_setting_registry_defs(reg, &before);
	assert_true(vg_setting_registry_add(reg, "omega", table, &err) < 0);
	if (!strstr(err.message, expect))
		fail_msg("\"%s\" does not hold \"%s\"", err.message, expect);
	vg_setting_registry_defs(reg, &after);
	assert_int_equal(after, before);
	vg_setting_registry_free(reg);
}

static const char *const omega_prefixes[] = { "omega", NULL };

/* A table of omega listing the given definitions. */
#define TABLE(...) \
	(&(const struct vg_setting_table){ omega_prefixes, (const struct vg_setting_def *const[]){ __VA_ARGS__, NULL } })

VG_INT_SETTING(O_PORT, .key = "omega.port", .def = "1", .min = 1, .max = 2, .help = "a port");
VG_INT_SETTING(O_PORT_AGAIN, .key = "omega.port", .def = "1", .min = 1, .max = 2, .help = "the same key");
VG_BOOL_SETTING(O_ELSEWHERE, .key = "elsewhere.on", .def = "no", .help = "outside omega");
VG_BOOL_SETTING(O_UPPER, .key = "omega.On", .def = "no", .help = "upper case");
VG_BOOL_SETTING(O_ONE_WORD, .key = "omega", .def = "no", .help = "one word");
VG_BOOL_SETTING(O_DOTS, .key = "omega..on", .def = "no", .help = "two dots");
VG_BOOL_SETTING(O_DASH, .key = "omega.on-off", .def = "no", .help = "a dash");
VG_BOOL_SETTING(O_NO_HELP, .key = "omega.on", .def = "no");
VG_BOOL_SETTING(O_BOOL_BOUNDS, .key = "omega.on", .def = "no", .max = 1, .help = "bounds");
VG_INT_SETTING(O_INT_BOUNDS, .key = "omega.count", .def = "5", .min = 9, .max = 1, .help = "min above max");
VG_LIST_SETTING(O_LIST_EMPTY, .key = "omega.hosts", .def = "", .help = "no room for an item");
VG_INT_SETTING(O_INT_CHECK, .key = "omega.count", .def = "1", .min = 0, .max = 1, .help = "a check",
	       .validate = validate_word);
VG_BOOL_SETTING(O_FLAGS, .key = "omega.on", .def = "no", .help = "flags", .flags = 0x80);
VG_INT_SETTING(O_OUT_OF_BOUNDS, .key = "omega.count", .def = "12", .min = 1, .max = 9, .help = "default too big");
VG_BOOL_SETTING(O_NOT_CANONICAL, .key = "omega.on", .def = "on", .help = "default not canonical");
VG_STR_SETTING(O_REFUSED_DEFAULT, .key = "omega.name", .def = "bad", .help = "refused by its check",
	       .validate = validate_word);
VG_STR_SETTING(O_NO_DEFAULT, .key = "omega.name", .help = "no default");

static void test_registry_refuses_duplicates(void **state)
{
	static const char *const claims_alpha[] = { "omega", "alpha", NULL };
	static const struct vg_setting_def *const none[] = { NULL };

	(void)state;
	add_refused(TABLE(VG_SETTING_DEF(O_PORT), VG_SETTING_DEF(O_PORT_AGAIN)),
		    "settings of omega: omega.port is declared twice (also by omega)");
	add_refused(TABLE(VG_SETTING_DEF(O_PORT), VG_SETTING_DEF(O_PORT)),
		    "settings of omega: omega.port is declared twice (also by omega)");
	add_refused(&(const struct vg_setting_table){ claims_alpha, none },
		    "settings of omega: the prefix \"alpha\" is already claimed by alpha");
	/* The same table twice: its prefixes are claimed already. */
	add_refused(&alpha, "settings of omega: the prefix \"alpha\" is already claimed by alpha");
}

static void test_registry_refuses_misplaced_keys(void **state)
{
	static const struct vg_setting_def *const port[] = { VG_SETTING_DEF(O_PORT), NULL };

	(void)state;
	add_refused(TABLE(VG_SETTING_DEF(O_PORT), VG_SETTING_DEF(O_ELSEWHERE)),
		    "settings of omega: elsewhere.on is outside the prefixes of its table");
	/* A key of another table's prefix. */
	add_refused(TABLE(VG_SETTING_DEF(T_ON)), "settings of omega: alpha.on is outside the prefixes of its table");
	/* A table that claims no prefix can hold no setting. */
	add_refused(&(const struct vg_setting_table){ NULL, port }, "omega.port is outside the prefixes of its table");
}

static void test_registry_refuses_malformed_definitions(void **state)
{
	static const char *const bad_prefix[] = { "Omega", NULL };
	static const char *const dotted_prefix[] = { "omega.sub", NULL };
	static const struct vg_setting_def *const none[] = { NULL };

	(void)state;
	add_refused(TABLE(VG_SETTING_DEF(O_UPPER)), "the key \"omega.On\" is malformed");
	add_refused(TABLE(VG_SETTING_DEF(O_ONE_WORD)), "the key \"omega\" is malformed");
	add_refused(TABLE(VG_SETTING_DEF(O_DOTS)), "the key \"omega..on\" is malformed");
	add_refused(TABLE(VG_SETTING_DEF(O_DASH)), "the key \"omega.on-off\" is malformed");
	add_refused(TABLE(VG_SETTING_DEF(O_NO_HELP)), "settings of omega: omega.on has no help text");
	add_refused(TABLE(VG_SETTING_DEF(O_BOOL_BOUNDS)), "omega.on has bounds that do not fit its type");
	add_refused(TABLE(VG_SETTING_DEF(O_INT_BOUNDS)), "omega.count has bounds that do not fit its type");
	add_refused(TABLE(VG_SETTING_DEF(O_LIST_EMPTY)), "omega.hosts has bounds that do not fit its type");
	add_refused(TABLE(VG_SETTING_DEF(O_INT_CHECK)), "omega.count has a check that its type does not use");
	add_refused(TABLE(VG_SETTING_DEF(O_FLAGS)), "omega.on has flags that this agent does not know");
	add_refused(TABLE(VG_SETTING_DEF(O_OUT_OF_BOUNDS)),
		    "the default of omega.count is refused by its own checks: omega.count must be between 1 and 9, not 12");
	add_refused(TABLE(VG_SETTING_DEF(O_NOT_CANONICAL)), "the default of omega.on is not in its canonical form \"yes\"");
	add_refused(TABLE(VG_SETTING_DEF(O_REFUSED_DEFAULT)),
		    "the default of omega.name is refused by its own checks: \"bad\" is refused");
	add_refused(TABLE(VG_SETTING_DEF(O_NO_DEFAULT)), "omega.name has no default");
	add_refused(&(const struct vg_setting_table){ bad_prefix, none }, "the prefix \"Omega\" is malformed");
	add_refused(&(const struct vg_setting_table){ dotted_prefix, none }, "the prefix \"omega.sub\" is malformed");
}

/* A refused table leaves nothing behind, so that a right one with the same prefix goes in. */
static void test_registry_refusal_leaves_nothing(void **state)
{
	struct vg_setting_registry *reg;
	struct vg_error err;
	size_t n;

	(void)state;
	assert_int_equal(vg_setting_registry_new(&reg), 0);
	assert_true(vg_setting_registry_add(reg, "omega", TABLE(VG_SETTING_DEF(O_PORT), VG_SETTING_DEF(O_UPPER)), &err) < 0);
	assert_null(vg_setting_registry_find(reg, "omega.port", NULL));
	assert_int_equal(vg_setting_registry_add(reg, "omega", TABLE(VG_SETTING_DEF(O_PORT)), &err), 0);
	vg_setting_registry_defs(reg, &n);
	assert_int_equal(n, 1);
	assert_int_equal(vg_setting_registry_index(reg, VG_SETTING_DEF(O_PORT)), 0);
	vg_setting_registry_free(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_registry_keeps_every_setting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_registry_from_subsystem_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validation_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_log_and_persistence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_import_ini, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_import_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_import_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_row_falls_back_to_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_typed_reads, typed_setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry_order_and_lookup, typed_setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_key_from_outside, typed_setup, teardown),
		cmocka_unit_test_setup_teardown(test_unlisted_handle_aborts, typed_setup, teardown),
		cmocka_unit_test_setup_teardown(test_veto_and_change_by_definition, typed_setup, teardown),
		cmocka_unit_test(test_registry_refuses_duplicates),
		cmocka_unit_test(test_registry_refuses_misplaced_keys),
		cmocka_unit_test(test_registry_refuses_malformed_definitions),
		cmocka_unit_test(test_registry_refusal_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
