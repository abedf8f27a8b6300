/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The protocol table is the one definition of the control protocol.  This test fails when
 * something disagrees with it: a command without a handler in the agent (or with two), a
 * command name written as a string anywhere in the agent, the shell or the console, or
 * doc/control-protocol.md out of date.  It also checks the argument checker itself.
 *
 * test-protocol --print-doc prints the generated part of doc/control-protocol.md
 * (make -C tests update-protocol-doc writes it).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "agent.h"
#include "fileio.h"
#include "vigil/error.h"
#include "vigil/protocol.h"

#define DOC_MARK "<!-- Generated from lib/protocol-table.c by `make -C tests update-protocol-doc`: do not edit below. -->\n"
#define MAX_SOURCE (4 * 1024 * 1024)

static const char *top_srcdir(void)
{
	const char *top = getenv("VIGIL_TOP_SRCDIR");

	return top && top[0] ? top : "..";
}

/* ---- the generated documentation ---- */

struct text {
	char *buf;
	size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->buf = realloc(t->buf, t->cap);
		assert_non_null(t->buf);
	}
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

static const char *type_text(unsigned types, unsigned flags)
{
	static char buf[128];

	buf[0] = '\0';
	if (types & VG_ARG_STRING)
		strcat(buf, "string, ");
	if (types & VG_ARG_INT)
		strcat(buf, "integer, ");
	if (types & VG_ARG_BOOL)
		strcat(buf, "boolean, ");
	if (types & VG_ARG_ARRAY)
		strcat(buf, flags & VG_ARG_ANY_ITEMS ? "array, " : "array of strings, ");
	if (types & VG_ARG_OBJECT)
		strcat(buf, "object, ");
	if (types & VG_ARG_NULL)
		strcat(buf, "null, ");
	if (buf[0])
		buf[strlen(buf) - 2] = '\0';
	return buf;
}

static void generate_doc(struct text *t)
{
	put(t, "%s", DOC_MARK);
	put(t, "\n## Commands of version %d\n\n", VG_PROTO_VERSION);
	put(t, "Access: *read* commands may be run by root and by members of the agent's group, *admin* "
	       "commands by root only. Arguments not listed are refused (`invalid-argument`), as are "
	       "values of another type and missing required ones.\n\n");
	put(t, "| command | access | since | summary |\n| --- | --- | --- | --- |\n");
	for (unsigned i = 0; i < VG_CMD_COUNT; i++) {
		const struct vg_proto_command *c = vg_proto_command(i);

		put(t, "| [`%s`](#%s) | %s | %u | %s |\n", c->name, c->name, c->access == VG_ACCESS_ADMIN ? "admin" : "read",
		    c->since, c->summary);
	}
	for (unsigned i = 0; i < VG_CMD_COUNT; i++) {
		const struct vg_proto_command *c = vg_proto_command(i);

		put(t, "\n### <a id=\"%s\"></a>`%s`\n\n", c->name, c->name);
		put(t, "%s. Access: %s. Since version %u.", c->summary, c->access == VG_ACCESS_ADMIN ? "admin" : "read",
		    c->since);
		if (c->flags & VG_CMD_MAY_WAIT)
			put(t, " May answer later (the work runs off the agent's event loop).");
		if (c->flags & VG_CMD_STREAMS)
			put(t, " Subscribes the connection to the stream `%s`.", c->stream);
		put(t, "\n\n");
		if (c->args && c->args[0].key) {
			put(t, "| argument | type | | meaning |\n| --- | --- | --- | --- |\n");
			for (const struct vg_proto_arg *a = c->args; a->key; a++)
				put(t, "| `%s` | %s | %s | %s |\n", a->key, type_text(a->types, a->flags),
				    a->flags & VG_ARG_REQUIRED ? "required" : (a->flags & VG_ARG_SECRET ? "secret" : ""),
				    a->help);
			put(t, "\n");
		} else {
			put(t, "No arguments.\n\n");
		}
		put(t, "Result: %s.\n", c->result);
	}
}

/* ---- the tests ---- */

static void test_table_is_complete_and_ordered(void **state)
{
	(void)state;
	for (unsigned i = 0; i < VG_CMD_COUNT; i++) {
		const struct vg_proto_command *c = vg_proto_command(i);

		assert_non_null(c);
		assert_int_equal(c->id, i);
		assert_non_null(c->name);
		assert_ptr_equal(vg_proto_command_find(c->name), c);
		assert_true(c->access == VG_ACCESS_READ || c->access == VG_ACCESS_ADMIN);
		assert_true(c->since >= 1 && c->since <= VG_PROTO_VERSION);
		assert_non_null(c->summary);
		assert_non_null(c->result);
		assert_true(!(c->flags & VG_CMD_STREAMS) || c->stream);
		for (const struct vg_proto_arg *a = c->args; a && a->key; a++) {
			assert_true(a->types != 0);
			assert_non_null(a->help);
			assert_ptr_equal(vg_proto_arg_find(c, a->key), a);
		}
	}
	assert_null(vg_proto_command(VG_CMD_COUNT));
	assert_null(vg_proto_command_find("no.such.command"));
}

static void test_every_command_has_one_handler(void **state)
{
	vg_agent_handler_fn handlers[VG_CMD_COUNT];
	struct vg_error err;

	(void)state;
	assert_int_equal(vg_agent_commands_init(handlers, &err), 0);
	for (unsigned i = 0; i < VG_CMD_COUNT; i++)
		assert_non_null(handlers[i]);
}

static void test_arguments_are_checked(void **state)
{
	const struct vg_proto_command *set = vg_proto_command(VG_CMD_ISOLATION_PROFILE_SET);
	struct vg_error err;
	json_t *args;

	(void)state;
	args = json_pack("{s:s, s:b}", "name", "dns", "enabled", 1);
	assert_int_equal(vg_proto_check_args(set, args, &err), 0);
	json_decref(args);
	args = json_pack("{s:s}", "name", "dns");
	assert_int_equal(vg_proto_check_args(set, args, &err), -EINVAL);
	assert_non_null(strstr(err.message, "\"enabled\""));
	json_decref(args);
	args = json_pack("{s:s, s:s}", "name", "dns", "enabled", "yes");
	assert_int_equal(vg_proto_check_args(set, args, &err), -EINVAL);
	assert_non_null(strstr(err.message, "true or false"));
	json_decref(args);
	args = json_pack("{s:s, s:b, s:i}", "name", "dns", "enabled", 1, "extra", 1);
	assert_int_equal(vg_proto_check_args(set, args, &err), -EINVAL);
	assert_non_null(strstr(err.message, "\"extra\""));
	json_decref(args);
	/* Arrays hold strings unless the argument says otherwise. */
	args = json_pack("{s:s, s:[s, i]}", "exe", "/bin/true", "args", "a", 2);
	assert_int_equal(vg_proto_check_args(vg_proto_command(VG_CMD_TASK_RUN), args, &err), -EINVAL);
	json_decref(args);
	assert_int_equal(vg_proto_check_args(vg_proto_command(VG_CMD_STATUS), NULL, &err), 0);
}

/* Every string literal of a C file that is exactly a command name. */
static int scan_file(const char *path, int *found)
{
	char *text = NULL;
	size_t len = 0;
	struct vg_error err;

	if (vg_file_read_all(path, MAX_SOURCE, &text, &len, &err) < 0)
		return -1;
	for (char *p = text; (p = strchr(p, '"')); ) {
		char *end = strchr(p + 1, '"');
		char lit[96];

		if (!end)
			break;
		if ((size_t)(end - p - 1) < sizeof(lit)) {
			memcpy(lit, p + 1, (size_t)(end - p - 1));
			lit[end - p - 1] = '\0';
			if (strchr(lit, '.') && vg_proto_command_find(lit)) {
				print_message("# %s names the command \"%s\" as a string\n", path, lit);
				(*found)++;
			}
		}
		p = end + 1;
	}
	free(text);
	return 0;
}

static int scan_dir(const char *dir, int *found, int *files)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;
		size_t n = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			scan_dir(path, found, files);
		} else if (n > 2 && (strcmp(e->d_name + n - 2, ".c") == 0 || strcmp(e->d_name + n - 2, ".h") == 0)) {
			assert_int_equal(scan_file(path, found), 0);
			(*files)++;
		}
	}
	closedir(d);
	return 0;
}

static void test_names_are_written_only_in_the_table(void **state)
{
	static const char *const dirs[] = { "agent", "cli", "tui", "common" };
	int found = 0, files = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s/%s", top_srcdir(), dirs[i]);
		assert_int_equal(scan_dir(dir, &found, &files), 0);
	}
	assert_true(files > 50);
	assert_int_equal(found, 0);
}

static void test_doc_is_up_to_date(void **state)
{
	char path[4096], *doc = NULL, *mark;
	size_t len = 0;
	struct vg_error err;
	struct text t = { 0 };

	(void)state;
	snprintf(path, sizeof(path), "%s/doc/control-protocol.md", top_srcdir());
	assert_int_equal(vg_file_read_all(path, MAX_SOURCE, &doc, &len, &err), 0);
	mark = strstr(doc, DOC_MARK);
	if (!mark)
		print_message("# doc/control-protocol.md lacks the generated part: make -C tests update-protocol-doc\n");
	assert_non_null(mark);
	generate_doc(&t);
	if (strcmp(mark, t.buf) != 0)
		print_message("# doc/control-protocol.md disagrees with the protocol table: make -C tests update-protocol-doc\n");
	assert_string_equal(mark, t.buf);
	free(t.buf);
	free(doc);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_complete_and_ordered),
		cmocka_unit_test(test_every_command_has_one_handler),
		cmocka_unit_test(test_arguments_are_checked),
		cmocka_unit_test(test_names_are_written_only_in_the_table),
		cmocka_unit_test(test_doc_is_up_to_date),
	};

	if (argc == 2 && strcmp(argv[1], "--print-doc") == 0) {
		struct text t = { 0 };

		generate_doc(&t);
		fputs(t.buf, stdout);
		free(t.buf);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
