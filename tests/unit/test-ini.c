/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The INI reader and the agent's configuration file. */
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

#include "agent-config.h"
#include "ini.h"
#include "vigil/error.h"

struct seen {
	char text[1024];
	int calls;
};

static int record(const char *section, const char *key, const char *value, unsigned line, void *data,
		  struct vg_error *err)
{
	struct seen *s = data;
	size_t used = strlen(s->text);

	(void)err;
	snprintf(s->text + used, sizeof(s->text) - used, "%u:[%s]%s=%s;", line, section, key, value);
	s->calls++;
	return 0;
}

static void test_ini_basic(void **state)
{
	const char *doc = "\xef\xbb\xbf# comment\n; other\n\ntop = 1\n[agent]\r\n  key=  spaced value  \n"
			  "quoted = \"a \\\"b\\\" \\\\c\"\n[sec.two]\nempty =\n";
	struct seen s = { "", 0 };
	struct vg_error err;

	(void)state;
	assert_int_equal(vg_ini_parse(doc, strlen(doc), "t.conf", record, &s, &err), 0);
	assert_int_equal(s.calls, 4);
	assert_string_equal(s.text, "4:[]top=1;6:[agent]key=spaced value;7:[agent]quoted=a \"b\" \\c;9:[sec.two]empty=;");
}

static void expect_error(const char *doc, size_t len, const char *needle)
{
	struct seen s = { "", 0 };
	struct vg_error err;

	assert_true(vg_ini_parse(doc, len, "bad.conf", record, &s, &err) < 0);
	if (!strstr(err.message, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err.message, needle);
}

static void test_ini_errors_name_file_and_line(void **state)
{
	char longline[5000];

	(void)state;
	expect_error("a = 1\nno equals here\n", 21, "bad.conf:2: expected");
	expect_error("[broken\n", 8, "bad.conf:1: malformed section");
	expect_error("[ok]\nk y = 1\n", 12, "bad.conf:2: invalid key");
	expect_error("k = \"open\n", 10, "bad.conf:1: badly quoted");
	expect_error("a = 1\0b = 2\n", 12, "NUL byte");
	memset(longline, 'x', sizeof(longline));
	memcpy(longline, "k = ", 4);
	expect_error(longline, sizeof(longline), "bad.conf:1: line is longer");
}

/* Writes doc into a new temporary file whose name goes into path (a mkstemp template). */
static void write_temp(char *path, const char *doc)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, doc, strlen(doc)), (ssize_t)strlen(doc));
	close(fd);
}

static void test_ini_callback_error_gets_position(void **state)
{
	struct vg_agent_config cfg;
	struct vg_error err;
	char path[] = "/tmp/vigil-test-conf.XXXXXX";

	(void)state;
	write_temp(path, "[agent]\nstate_dir = /var/lib/x\nlog_level = loud\n");
	vg_agent_config_defaults(&cfg);
	assert_true(vg_agent_config_load(&cfg, path, true, &err) < 0);
	assert_non_null(strstr(err.message, ":3: log_level must be"));
	assert_non_null(strstr(err.message, path));
	unlink(path);
}

static void test_config_values_and_defaults(void **state)
{
	struct vg_agent_config cfg;
	struct vg_error err;
	char path[] = "/tmp/vigil-test-conf.XXXXXX";

	(void)state;
	write_temp(path, "[agent]\nstate_dir = /srv/vigil\nsocket = /run/v.sock\nlog_level = debug\ngroup = edr\n");
	vg_agent_config_defaults(&cfg);
	assert_string_equal(cfg.group, "vigil");
	assert_int_equal(vg_agent_config_load(&cfg, path, true, &err), 0);
	assert_string_equal(cfg.state_dir, "/srv/vigil");
	assert_string_equal(cfg.socket_path, "/run/v.sock");
	assert_string_equal(cfg.group, "edr");
	assert_int_equal(cfg.log_level, VG_LOG_DEBUG);
	unlink(path);
	/* A missing default file is fine; a missing explicit one is not. */
	assert_int_equal(vg_agent_config_load(&cfg, path, false, &err), 0);
	assert_int_equal(vg_agent_config_load(&cfg, path, true, &err), -ENOENT);
	/* Relative paths, unknown keys and sections are refused. */
	assert_true(vg_agent_config_set(&cfg, "state_dir", "relative", &err) < 0);
	assert_true(vg_agent_config_set(&cfg, "colour", "blue", &err) < 0);
	assert_non_null(strstr(err.message, "unknown key \"colour\""));
}

static void test_config_size_limit(void **state)
{
	struct vg_agent_config cfg;
	struct vg_error err;
	char path[] = "/tmp/vigil-test-conf.XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, VG_CONFIG_MAX_SIZE + 1), 0);
	close(fd);
	vg_agent_config_defaults(&cfg);
	assert_int_equal(vg_agent_config_load(&cfg, path, true, &err), -EFBIG);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ini_basic),
		cmocka_unit_test(test_ini_errors_name_file_and_line),
		cmocka_unit_test(test_ini_callback_error_gets_position),
		cmocka_unit_test(test_config_values_and_defaults),
		cmocka_unit_test(test_config_size_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
