/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vigilctl's option parser (cli/args.c) with good and bad words, against a declaration made
 * for the test and against the real command table; and the table itself: every declaration
 * is one the parser, the help and completion can use.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "cli.h"

static const char *const colours[] = { "red", "green", "blue", NULL };

static const struct vg_cli_command sample = {
	.name = "sample run",
	.help = "A command made for the test",
	.proto = VG_CLI_NO_CMD,
	.options = (const struct vg_cli_spec[]){
		{ .name = "verbose", .letter = 'v' },
		{ .name = "quiet", .letter = 'q' },
		{ .name = "limit", .letter = 'n', .type = VG_CLI_INT, .min = 1, .max = 100 },
		{ .name = "colour", .type = VG_CLI_ENUM, .words = colours },
		{ .name = "output", .letter = 'o', .old_letter = 'O', .type = VG_CLI_PATH },
		{ .name = "for", .type = VG_CLI_DURATION, .unit = 3600, .group = 1 },
		{ .name = "hours", .type = VG_CLI_INT, .min = 1, .group = 1 },
		{ .name = "size", .type = VG_CLI_SIZE },
		{ .name = "since", .type = VG_CLI_SINCE },
		{ .name = "env", .type = VG_CLI_STRING, .flags = VG_CLI_OPT_MULTI },
		{ .name = "no-wait" },
		{ .name = "no-ports" },
		{ NULL } },
	.operands = (const struct vg_cli_spec[]){
		{ .name = "ID", .type = VG_CLI_INT, .min = 1, .min_count = 1, .max_count = 1 },
		{ .name = "FILE", .type = VG_CLI_STRING, .max_count = 2 },
		{ NULL } },
};

/* The words of a NULL-terminated argument list. */
static int collect(va_list ap, char **words, int max)
{
	int n = 0;

	for (char *w; n < max && (w = va_arg(ap, char *));)
		words[n++] = w;
	return n;
}

/* Parses a NULL-terminated list of words; returns the parser's result, err filled. */
static int parse(const struct vg_cli_command *cmd, struct vg_cli_args *args, struct vg_error *err, ...)
{
	char *words[32];
	int n;
	va_list ap;

	va_start(ap, err);
	n = collect(ap, words, 32);
	va_end(ap);
	return vg_cli_parse(cmd, n, words, args, err);
}

static struct vg_cli_args args;
static struct vg_error err;

static void test_flags_values_and_operands(void **state)
{
	long long n = 0;

	(void)state;
	assert_int_equal(parse(&sample, &args, &err, "-v", "--limit", "7", "42", "--colour=GREEN", "a.txt", "--no-wait",
			       NULL),
			 0);
	assert_true(vg_cli_opt_flag(&args, "verbose"));
	assert_false(vg_cli_opt_flag(&args, "quiet"));
	assert_true(vg_cli_opt_num(&args, "limit", &n));
	assert_int_equal(n, 7);
	/* An enumeration keeps the table's spelling, whatever the case typed. */
	assert_string_equal(vg_cli_opt_str(&args, "colour"), "green");
	assert_true(vg_cli_opt_flag(&args, "no-wait"));
	assert_int_equal(vg_cli_arg_count(&args), 2);
	assert_int_equal(vg_cli_arg_num(&args, 0), 42);
	assert_string_equal(vg_cli_arg_str(&args, 1), "a.txt");
	assert_null(vg_cli_arg_str(&args, 2));
	assert_false(args.help);
}

static void test_letters_together_and_attached_values(void **state)
{
	long long n = 0;

	(void)state;
	assert_int_equal(parse(&sample, &args, &err, "-vqn5", "1", NULL), 0);
	assert_true(vg_cli_opt_flag(&args, "verbose"));
	assert_true(vg_cli_opt_flag(&args, "quiet"));
	assert_true(vg_cli_opt_num(&args, "limit", &n));
	assert_int_equal(n, 5);
	assert_int_equal(parse(&sample, &args, &err, "-o", "out.json", "1", NULL), 0);
	assert_string_equal(vg_cli_opt_str(&args, "output"), "out.json");
	assert_int_equal(args.ndeprecated, 0);
	/* The old letter still works, and is reported for a warning. */
	assert_int_equal(parse(&sample, &args, &err, "-O", "old.json", "1", NULL), 0);
	assert_string_equal(vg_cli_opt_str(&args, "output"), "old.json");
	assert_int_equal(args.ndeprecated, 1);
	assert_string_equal(args.deprecated[0]->name, "output");
}

static void test_prefixes_of_long_names(void **state)
{
	(void)state;
	assert_int_equal(parse(&sample, &args, &err, "--verb", "--no-w", "1", NULL), 0);
	assert_true(vg_cli_opt_flag(&args, "verbose"));
	assert_true(vg_cli_opt_flag(&args, "no-wait"));
	/* --no is --no-wait or --no-ports. */
	assert_int_equal(parse(&sample, &args, &err, "--no", "1", NULL), -EINVAL);
	assert_non_null(strstr(err.message, "ambiguous"));
	assert_non_null(strstr(err.message, "--no-wait"));
	assert_non_null(strstr(err.message, "--no-ports"));
}

static void test_repeated_options(void **state)
{
	long long n = 0;

	(void)state;
	assert_int_equal(parse(&sample, &args, &err, "--env", "A=1", "--env=B=2", "--limit", "3", "--limit", "9", "1",
			       NULL),
			 0);
	assert_int_equal(vg_cli_opt_count(&args, "env"), 2);
	assert_string_equal(vg_cli_opt_str_at(&args, "env", 0), "A=1");
	assert_string_equal(vg_cli_opt_str_at(&args, "env", 1), "B=2");
	assert_null(vg_cli_opt_str_at(&args, "env", 2));
	/* Another option given twice: the last one counts, as with getopt. */
	assert_int_equal(vg_cli_opt_count(&args, "limit"), 1);
	assert_true(vg_cli_opt_num(&args, "limit", &n));
	assert_int_equal(n, 9);
}

static void test_double_dash_ends_options(void **state)
{
	(void)state;
	assert_int_equal(parse(&sample, &args, &err, "1", "--", "--verbose", NULL), 0);
	assert_false(vg_cli_opt_flag(&args, "verbose"));
	assert_string_equal(vg_cli_arg_str(&args, 1), "--verbose");
	/* A lone "-" is an operand (standard input). */
	assert_int_equal(parse(&sample, &args, &err, "1", "-", NULL), 0);
	assert_string_equal(vg_cli_arg_str(&args, 1), "-");
}

static void test_help_stops_reading(void **state)
{
	(void)state;
	assert_int_equal(parse(&sample, &args, &err, "--help", "--bogus", NULL), 0);
	assert_true(args.help);
	assert_int_equal(parse(&sample, &args, &err, "-h", NULL), 0);
	assert_true(args.help);
	/* Missing operands do not matter when help is asked. */
	assert_int_equal(parse(&sample, &args, &err, "--he", NULL), 0);
	assert_true(args.help);
}

static void test_typed_values(void **state)
{
	long long n = 0;
	time_t now = time(NULL), later;

	(void)state;
	assert_int_equal(parse(&sample, &args, &err, "--for", "90m", "1", NULL), 0);
	assert_true(vg_cli_opt_num(&args, "for", &n));
	assert_int_equal(n, 90 * 60);
	/* A bare number counts the declared unit (hours). */
	assert_int_equal(parse(&sample, &args, &err, "--for", "12", "1", NULL), 0);
	assert_true(vg_cli_opt_num(&args, "for", &n));
	assert_int_equal(n, 12 * 3600);
	assert_int_equal(parse(&sample, &args, &err, "--size", "200M", "1", NULL), 0);
	assert_true(vg_cli_opt_num(&args, "size", &n));
	assert_int_equal(n, 200LL * 1024 * 1024);
	assert_int_equal(parse(&sample, &args, &err, "--size", "1.5GiB", "1", NULL), 0);
	assert_true(vg_cli_opt_num(&args, "size", &n));
	assert_int_equal(n, 3LL * 512 * 1024 * 1024);
	assert_int_equal(parse(&sample, &args, &err, "--since", "2h", "1", NULL), 0);
	assert_true(vg_cli_opt_num(&args, "since", &n));
	/* Two hours before the parse, which ran between now and later (however long that took). */
	later = time(NULL);
	assert_true(n >= ((long long)now - 7200 - 1) * 1000 && n <= ((long long)later - 7200 + 1) * 1000);
	assert_int_equal(parse(&sample, &args, &err, "--since", "2026-01-02 03:04", "1", NULL), 0);
	assert_true(vg_cli_opt_num(&args, "since", &n));
	assert_true(n > 0);
}

/* A bad input: the parser refuses it with a message that contains text. */
static void refused(const char *text, ...)
{
	char *words[32];
	int n;
	va_list ap;

	va_start(ap, text);
	n = collect(ap, words, 32);
	va_end(ap);
	assert_int_equal(vg_cli_parse(&sample, n, words, &args, &err), -EINVAL);
	if (!strstr(err.message, text))
		fail_msg("\"%s\" does not say \"%s\"", err.message, text);
}

static void test_bad_inputs(void **state)
{
	(void)state;
	refused("unknown option \"--bogus\"", "--bogus", "1", NULL);
	refused("unknown option \"-x\"", "-x", "1", NULL);
	refused("--limit needs a value", "1", "--limit", NULL);
	refused("--verbose takes no value", "--verbose=yes", "1", NULL);
	refused("--limit takes a number from 1 to 100", "--limit", "0", "1", NULL);
	refused("--limit takes a number from 1 to 100", "--limit", "101", "1", NULL);
	refused("--limit takes a number from 1 to 100", "--limit", "7x", "1", NULL);
	refused("--limit takes a number from 1 to 100", "--limit", "-5", "1", NULL);
	refused("--limit takes a number from 1 to 100", "--limit", " 5", "1", NULL);
	refused("--limit takes a number from 1 to 100", "--limit", "99999999999999999999999", "1", NULL);
	refused("--colour takes red, green or blue, not \"purple\"", "--colour", "purple", "1", NULL);
	refused("--output takes a file name", "--output=", "1", NULL);
	refused("--for takes a duration", "--for", "3w", "1", NULL);
	refused("--for takes a duration", "--for", "h", "1", NULL);
	refused("--size takes a size", "--size", "0", "1", NULL);
	refused("--size takes a size", "--size", "12Q", "1", NULL);
	refused("--since takes a duration", "--since", "yesterday", "1", NULL);
	refused("--since takes a duration", "--since", "2026-13-45", "1", NULL);
	refused("--for and --hours exclude each other", "--for", "2h", "--hours", "3", "1", NULL);
	refused("missing ID", "--verbose", NULL);
	refused("ID takes a whole number of at least 1", "abc", NULL);
	refused("ID takes a whole number of at least 1", "0", NULL);
	refused("too many arguments", "1", "a", "b", "c", NULL);
}

/* The real table: task run's options end at the program, whose own options are its operands. */
static void test_options_end_at_the_program(void **state)
{
	const struct vg_cli_command *run = NULL, *c;
	long long n = 0;

	(void)state;
	for (size_t i = 0; (c = vg_cli_command_at(i)); i++)
		if (strcmp(c->name, "task run") == 0)
			run = c;
	assert_non_null(run);
	assert_int_equal(parse(run, &args, &err, "--timeout", "5", "--env", "A=1", "/usr/bin/env", "-u", "PATH", "--help",
			       NULL),
			 0);
	assert_false(args.help);
	assert_true(vg_cli_opt_num(&args, "timeout", &n));
	assert_int_equal(n, 5);
	assert_int_equal(vg_cli_arg_count(&args), 4);
	assert_string_equal(vg_cli_arg_str(&args, 0), "/usr/bin/env");
	assert_string_equal(vg_cli_arg_str(&args, 3), "--help");
	assert_int_equal(parse(run, &args, &err, "--", "/bin/true", NULL), 0);
	assert_string_equal(vg_cli_arg_str(&args, 0), "/bin/true");
	assert_int_equal(parse(run, &args, &err, "--timeout", "0", "/bin/true", NULL), -EINVAL);
	assert_int_equal(parse(run, &args, &err, "--no-wait", NULL), -EINVAL);
	assert_string_equal(err.message, "missing EXE");
}

/* vigilctl's own options: -S, the old -s, and the first command word ends them. */
static void test_program_options(void **state)
{
	(void)state;
	assert_int_equal(parse(&vg_cli_program, &args, &err, "-jS", "/run/x.sock", "task", "list", "--json", NULL), 0);
	assert_true(vg_cli_opt_flag(&args, "json"));
	assert_string_equal(vg_cli_opt_str(&args, "socket"), "/run/x.sock");
	assert_int_equal(args.first_operand, 2);
	assert_int_equal(vg_cli_arg_count(&args), 3);
	assert_int_equal(args.ndeprecated, 0);
	assert_int_equal(parse(&vg_cli_program, &args, &err, "-s", "/run/y.sock", "status", NULL), 0);
	assert_string_equal(vg_cli_opt_str(&args, "socket"), "/run/y.sock");
	assert_int_equal(args.ndeprecated, 1);
	assert_int_equal(args.deprecated[0]->letter, 'S');
}

/* Every declaration of the table can be parsed, shown and completed. */
static void check_specs(const struct vg_cli_command *c, const struct vg_cli_spec *specs, bool operands)
{
	for (int i = 0; specs && specs[i].name; i++) {
		const struct vg_cli_spec *s = &specs[i];

		if (!operands) {
			if (strcmp(s->name, "help") == 0 || s->letter == 'h' || s->old_letter == 'h')
				fail_msg("%s: -h and --help belong to the parser", c->name);
			if (!s->help && !(s->flags & VG_CLI_OPT_HIDDEN))
				fail_msg("%s: --%s has no help", c->name, s->name);
			if (s->min_count || s->max_count)
				fail_msg("%s: --%s has an operand's count", c->name, s->name);
			for (int k = 0; k < i; k++) {
				if (strcmp(specs[k].name, s->name) == 0)
					fail_msg("%s: --%s twice", c->name, s->name);
				if (s->letter && (specs[k].letter == s->letter || specs[k].old_letter == s->letter))
					fail_msg("%s: -%c twice", c->name, s->letter);
			}
		} else {
			if (s->type == VG_CLI_FLAG)
				fail_msg("%s: operand %s has no type", c->name, s->name);
			if (s->max_count == 0 || (s->max_count > 0 && s->max_count < s->min_count))
				fail_msg("%s: operand %s has a bad count", c->name, s->name);
			if (s->max_count < 0 && specs[i + 1].name)
				fail_msg("%s: operand %s takes the rest but is not the last", c->name, s->name);
		}
		if (s->type == VG_CLI_ENUM && (!s->words || !s->words[0]))
			fail_msg("%s: %s is an enumeration without words", c->name, s->name);
		if (s->max && s->max < s->min)
			fail_msg("%s: %s has an empty range", c->name, s->name);
	}
}

static void test_the_table_is_sound(void **state)
{
	const struct vg_cli_command *c;
	size_t n = 0;

	(void)state;
	for (size_t i = 0; (c = vg_cli_command_at(i)); i++, n++) {
		assert_non_null(c->run);
		assert_non_null(c->help);
		check_specs(c, c->options, false);
		check_specs(c, c->operands, true);
		/* A command's own name resolves to it. */
		{
			char buf[128], *words[8];
			int nw = 0;
			struct vg_cli_match m;

			snprintf(buf, sizeof(buf), "%s", c->name);
			for (char *save = NULL, *w = strtok_r(buf, " ", &save); w && nw < 8; w = strtok_r(NULL, " ", &save))
				words[nw++] = w;
			assert_int_equal(vg_cli_resolve(nw, words, &m, NULL), 1);
			assert_ptr_equal(m.cmd, c);
		}
	}
	assert_true(n > 40);
	check_specs(&vg_cli_program, vg_cli_program.options, false);
}

/* Groups: "settings" alone or followed by an option is a group, a wrong word is an error. */
static void test_groups(void **state)
{
	char *settings[] = { "settings" }, *help[] = { "isolation", "exception", "--help" }, *bad[] = { "settings", "frob" };
	struct vg_cli_match m;

	(void)state;
	assert_int_equal(vg_cli_resolve(1, settings, &m, &err), 0);
	assert_string_equal(m.group, "settings");
	assert_int_equal(m.consumed, 1);
	assert_int_equal(vg_cli_resolve(3, help, &m, &err), 0);
	assert_string_equal(m.group, "isolation exception");
	assert_int_equal(m.consumed, 2);
	assert_int_equal(vg_cli_resolve(2, bad, &m, &err), -1);
	assert_string_equal(err.message, "unknown command \"frob\"; try \"help settings\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags_values_and_operands),
		cmocka_unit_test(test_letters_together_and_attached_values),
		cmocka_unit_test(test_prefixes_of_long_names),
		cmocka_unit_test(test_repeated_options),
		cmocka_unit_test(test_double_dash_ends_options),
		cmocka_unit_test(test_help_stops_reading),
		cmocka_unit_test(test_typed_values),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_options_end_at_the_program),
		cmocka_unit_test(test_program_options),
		cmocka_unit_test(test_the_table_is_sound),
		cmocka_unit_test(test_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
