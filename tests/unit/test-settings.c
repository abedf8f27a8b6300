/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The settings store: validation, change log, export/import round trips, all-or-nothing. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "settings.h"
#include "store.h"
#include "vigil/error.h"

struct fixture {
	char dir[64];
	char path[128];
	struct vg_store *store;
	struct vg_settings *settings;
};

static int open_settings(struct fixture *f)
{
	struct vg_error err;

	if (vg_store_open(&f->store, f->path, &err) < 0 || vg_settings_open(&f->settings, f->store, &err) < 0) {
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

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/vigil-settings.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/vigil.db", f->dir);
	*state = f;
	return open_settings(f);
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
	free(f);
	return 0;
}

static void test_defaults(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(vg_settings_get(f->settings, "link.servers"), "");
	assert_int_equal(vg_settings_get_int(f->settings, "link.port"), 443);
	assert_false(vg_settings_get_bool(f->settings, "link.client_certificate"));
	assert_int_equal(vg_settings_get_int(f->settings, "link.sync_period"), 5);
	assert_int_equal(vg_settings_get_int(f->settings, "link.connect_timeout"), 10);
	assert_int_equal(vg_settings_get_int(f->settings, "link.request_timeout"), 10);
	assert_int_equal(vg_settings_get_int(f->settings, "link.max_transfer_delay"), 30);
	assert_true(vg_settings_get_bool(f->settings, "link.request_limits"));
	assert_int_equal(vg_settings_get_int(f->settings, "link.max_events_per_hour"), 3000);
	assert_int_equal(vg_settings_get_int(f->settings, "link.type_share_percent"), 15);
	assert_true(vg_settings_get_bool(f->settings, "telemetry.enabled"));
	assert_null(vg_settings_get(f->settings, "no.such.key"));
}

static void test_validation_all_or_nothing(void **state)
{
	struct fixture *f = *state;
	struct vg_error err;
	const struct vg_setting_pair good_then_bad[] = {
		{ "link.port", "8443" },
		{ "link.sync_period", "0" },
	};
	const struct vg_setting_pair bools[] = {
		{ "link.client_certificate", "ON" },
		{ "link.request_limits", "0" },
		{ "telemetry.enabled", "false" },
	};
	const struct vg_setting_pair unknown[] = { { "link.colour", "red" } };
	const struct vg_setting_pair twice[] = { { "link.port", "1" }, { "link.port", "2" } };
	const struct vg_setting_pair badbool[] = { { "telemetry.enabled", "maybe" } };
	const struct vg_setting_pair badint[] = { { "link.port", "44x" } };
	const struct vg_setting_pair badserver[] = { { "link.servers", "good.example,bad host" } };
	const struct vg_setting_pair servers[] = { { "link.servers", " a.example:8443 , [::1]:443,10.0.0.1 " } };

	assert_int_equal(vg_settings_set(f->settings, good_then_bad, 2, 0, &err), -ERANGE);
	assert_non_null(strstr(err.message, "link.sync_period must be between 1 and 1440"));
	assert_int_equal(vg_settings_get_int(f->settings, "link.port"), 443);
	assert_int_equal(vg_settings_set(f->settings, unknown, 1, 0, &err), -ENOENT);
	assert_non_null(strstr(err.message, "unknown setting \"link.colour\""));
	assert_true(vg_settings_set(f->settings, twice, 2, 0, &err) < 0);
	assert_true(vg_settings_set(f->settings, badbool, 1, 0, &err) < 0);
	assert_true(vg_settings_set(f->settings, badint, 1, 0, &err) < 0);
	assert_true(vg_settings_set(f->settings, badserver, 1, 0, &err) < 0);
	assert_non_null(strstr(err.message, "\"bad host\" is not a server address"));

	assert_int_equal(vg_settings_set(f->settings, bools, 3, 0, &err), 0);
	assert_string_equal(vg_settings_get(f->settings, "link.client_certificate"), "yes");
	assert_string_equal(vg_settings_get(f->settings, "link.request_limits"), "no");
	assert_string_equal(vg_settings_get(f->settings, "telemetry.enabled"), "no");
	assert_int_equal(vg_settings_set(f->settings, servers, 1, 0, &err), 0);
	assert_string_equal(vg_settings_get(f->settings, "link.servers"), "a.example:8443,[::1]:443,10.0.0.1");
}

static void test_change_log_and_persistence(void **state)
{
	struct fixture *f = *state;
	struct vg_error err;
	const struct vg_setting_pair a[] = { { "link.port", "8443" } };
	const struct vg_setting_pair same[] = { { "link.port", "8443" } };
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
	assert_int_equal(vg_settings_get_int(f->settings, "link.port"), 8443);
}

static void round_trip(struct fixture *f, enum vg_settings_format format)
{
	struct vg_error err;
	const struct vg_setting_pair change[] = {
		{ "link.port", "9443" }, { "link.servers", "a.example,b.example:444" }, { "telemetry.enabled", "no" },
	};
	const struct vg_setting_pair reset[] = {
		{ "link.port", "443" }, { "link.servers", "" }, { "telemetry.enabled", "yes" },
	};
	char *text = NULL, *again = NULL;

	assert_int_equal(vg_settings_set(f->settings, change, 3, 0, &err), 0);
	assert_int_equal(vg_settings_export(f->settings, format, &text, &err), 0);
	assert_int_equal(vg_settings_set(f->settings, reset, 3, 0, &err), 0);
	assert_int_equal(vg_settings_get_int(f->settings, "link.port"), 443);
	assert_int_equal(vg_settings_import(f->settings, format, text, strlen(text), "exported", 0, &err), 0);
	assert_int_equal(vg_settings_get_int(f->settings, "link.port"), 9443);
	assert_string_equal(vg_settings_get(f->settings, "link.servers"), "a.example,b.example:444");
	assert_false(vg_settings_get_bool(f->settings, "telemetry.enabled"));
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
	assert_int_equal(vg_settings_get_int(f->settings, "link.port"), 443);
	assert_int_equal(vg_settings_get_int(f->settings, "link.sync_period"), 5);
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
				      "INSERT INTO settings VALUES ('link.port', 'not-a-number'),"
				      " ('gone.key', 'x')", NULL, NULL, NULL), SQLITE_OK);
	close_settings(f);
	assert_int_equal(open_settings(f), 0);
	assert_int_equal(vg_settings_get_int(f->settings, "link.port"), 443);
}

static void test_newer_schema_is_refused(void **state)
{
	struct fixture *f = *state;
	struct vg_error err;
	struct vg_settings *s;

	assert_int_equal(sqlite3_exec(vg_store_db(f->store),
				      "UPDATE schema_versions SET version = 99 WHERE module = 'settings'", NULL, NULL,
				      NULL), SQLITE_OK);
	assert_int_equal(vg_settings_open(&s, f->store, &err), -EPROTO);
	assert_non_null(strstr(err.message, "refusing to downgrade"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validation_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_log_and_persistence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_import_ini, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_import_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_import_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_row_falls_back_to_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_is_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
