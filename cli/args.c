/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one parser of vigilctl's options and operands.  Each command declares them in its
 * table entry (struct vg_cli_spec); this reads the words against the declaration, checks
 * every value by its type, and hands the handler typed results.  Nothing here prints.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "nls.h"

#define MAX_AMOUNT 100000000LL /* of any unit: keeps a duration or a size far from overflow */

const struct vg_cli_spec *vg_cli_find_option(const struct vg_cli_spec *options, const char *name)
{
	for (int i = 0; options && options[i].name; i++)
		if (strcmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

/* A decimal number, all of text, without sign or space. */
static int read_number(const char *text, const char **end, long long *out)
{
	long long n = 0;
	const char *p = text;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (MAX_AMOUNT * 1000 - (*p - '0')) / 10)
			return -ERANGE;
		n = n * 10 + (*p - '0');
	}
	*end = p;
	*out = n;
	return 0;
}

static int parse_duration(const char *text, long long unit, long long *out)
{
	const char *end;
	long long n;

	if (read_number(text, &end, &n) < 0 || n > MAX_AMOUNT)
		return -EINVAL;
	if (!*end) {
		*out = n * (unit > 0 ? unit : 1);
		return 0;
	}
	if (end[1])
		return -EINVAL;
	switch (*end) {
	case 's':
		*out = n;
		return 0;
	case 'm':
		*out = n * 60;
		return 0;
	case 'h':
		*out = n * 3600;
		return 0;
	case 'd':
		*out = n * 86400;
		return 0;
	default:
		return -EINVAL;
	}
}

/* 200M, 1G, 1.5GiB, 4096: bytes, from 1 to 10^15.  Read without strtod, whose decimal point
 * follows the locale. */
static int parse_size(const char *text, long long *out)
{
	const char *p;
	long long whole, scale = 1;
	double fraction = 0, step = 0.1, v;

	if (read_number(text, &p, &whole) < 0)
		return -EINVAL;
	if (*p == '.') {
		if (!isdigit((unsigned char)p[1]))
			return -EINVAL;
		for (p++; isdigit((unsigned char)*p); p++, step /= 10)
			fraction += (*p - '0') * step;
	}
	switch (*p) {
	case 'k':
	case 'K':
		scale = 1024;
		p++;
		break;
	case 'm':
	case 'M':
		scale = 1024 * 1024;
		p++;
		break;
	case 'g':
	case 'G':
		scale = 1024 * 1024 * 1024;
		p++;
		break;
	default:
		break;
	}
	if (*p == 'i' && scale > 1)
		p++;
	if (*p == 'B')
		p++;
	v = ((double)whole + fraction) * (double)scale;
	if (*p || v < 1 || v > 1e15)
		return -EINVAL;
	*out = (long long)v;
	return 0;
}

/* A moment in the past: 30s, 10m, 2h, 7d back from now, or YYYY-MM-DD [HH:MM[:SS]] in local time. */
static int parse_since(const char *text, long long *ms)
{
	struct tm tm;
	const char *rest;
	long long seconds;

	if (isdigit((unsigned char)text[0]) && strchr("smhd", text[strlen(text) - 1]) &&
	    parse_duration(text, 1, &seconds) == 0) {
		if (seconds > 3650LL * 86400)
			return -EINVAL;
		*ms = ((long long)time(NULL) - seconds) * 1000;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	rest = strptime(text, "%Y-%m-%d", &tm);
	if (!rest)
		return -EINVAL;
	if (*rest) {
		const char *r2 = strptime(rest, " %H:%M:%S", &tm);

		if (!r2)
			r2 = strptime(rest, " %H:%M", &tm);
		if (!r2 || *r2)
			return -EINVAL;
	}
	tm.tm_isdst = -1;
	*ms = (long long)mktime(&tm) * 1000;
	return 0;
}

/* The words of an enumeration, "a, b or c", for a message. */
static void words_text(const char *const *words, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; words && words[i] && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i == 0 ? "" : words[i + 1] ? ", " : _(" or "),
					 words[i]);
}

int vg_cli_parse_value(const struct vg_cli_spec *spec, const char *what, const char *text, long long *number,
		       struct vg_error *err)
{
	char a[32], b[32], list[512];
	const char *end;
	long long n;

	*number = 0;
	switch (spec->type) {
	case VG_CLI_FLAG:
	case VG_CLI_STRING:
		return 0;
	case VG_CLI_PATH:
		if (!text[0])
			return vg_error_set(err, -EINVAL, N_("%s takes a file name, not an empty word"), what);
		return 0;
	case VG_CLI_INT:
		if (read_number(text, &end, &n) < 0 || *end || n < spec->min || (spec->max && n > spec->max)) {
			snprintf(a, sizeof(a), "%lld", spec->min);
			snprintf(b, sizeof(b), "%lld", spec->max);
			if (spec->max)
				return vg_error_set(err, -EINVAL, N_("%s takes a number from %s to %s"), what, a, b);
			return vg_error_set(err, -EINVAL, N_("%s takes a whole number of at least %s"), what, a);
		}
		*number = n;
		return 0;
	case VG_CLI_ENUM:
		for (int i = 0; spec->words && spec->words[i]; i++)
			if (strcasecmp(spec->words[i], text) == 0) {
				*number = i;
				return 0;
			}
		words_text(spec->words, list, sizeof(list));
		return vg_error_set(err, -EINVAL, N_("%s takes %s, not \"%s\""), what, list, text);
	case VG_CLI_DURATION:
		if (parse_duration(text, spec->unit, &n) < 0 || (spec->min && n < spec->min) ||
		    (spec->max && n > spec->max))
			return vg_error_set(err, -EINVAL, N_("%s takes a duration such as 90m, 12h or 2d, not \"%s\""),
					    what, text);
		*number = n;
		return 0;
	case VG_CLI_SIZE:
		if (parse_size(text, &n) < 0)
			return vg_error_set(err, -EINVAL, N_("%s takes a size such as 200M or 1G, not \"%s\""), what, text);
		*number = n;
		return 0;
	case VG_CLI_SINCE:
		if (parse_since(text, &n) < 0)
			return vg_error_set(err, -EINVAL,
					    N_("%s takes a duration (30s, 10m, 2h, 7d) or a date (YYYY-MM-DD [HH:MM[:SS]]), not \"%s\""),
					    what, text);
		*number = n;
		return 0;
	}
	return 0;
}

/* The text a value keeps: an enumeration's own spelling. */
static const char *kept_text(const struct vg_cli_spec *spec, const char *text, long long number)
{
	return spec->type == VG_CLI_ENUM ? spec->words[number] : text;
}

static int add_option(struct vg_cli_args *args, const struct vg_cli_spec *options, int spec, const char *text,
		      struct vg_error *err)
{
	char what[96];
	long long number = 0;
	int r;

	snprintf(what, sizeof(what), "--%s", options[spec].name);
	if (options[spec].type != VG_CLI_FLAG && (r = vg_cli_parse_value(&options[spec], what, text, &number, err)) < 0)
		return r;
	/* Given again: a repeatable option keeps both, another keeps the last (as getopt does). */
	if (!(options[spec].flags & VG_CLI_OPT_MULTI))
		for (int i = 0; i < args->nopts; i++)
			if (args->opts[i].spec == spec) {
				args->opts[i].value.text = text ? kept_text(&options[spec], text, number) : NULL;
				args->opts[i].value.number = number;
				return 0;
			}
	if (args->nopts == VG_CLI_MAX_WORDS)
		return vg_error_set(err, -E2BIG, N_("too many arguments"));
	args->opts[args->nopts].spec = spec;
	args->opts[args->nopts].value.text = text ? kept_text(&options[spec], text, number) : NULL;
	args->opts[args->nopts].value.number = number;
	args->nopts++;
	return 0;
}

/* A long option by its name or an unambiguous prefix of it; -1 for --help, -2 unknown. */
static int find_long(const struct vg_cli_spec *options, const char *name, size_t len, struct vg_error *err,
		     const char *word)
{
	int found = -2, matches = 0;
	char list[512] = "";
	size_t used = 0;

	if (len == 4 && strncmp(name, "help", 4) == 0)
		return -1;
	for (int i = 0; options && options[i].name; i++)
		if (strlen(options[i].name) == len && strncmp(options[i].name, name, len) == 0)
			return i;
	for (int i = 0; options && options[i].name; i++) {
		if ((options[i].flags & VG_CLI_OPT_HIDDEN) || strncmp(options[i].name, name, len) != 0)
			continue;
		found = i;
		matches++;
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, " --%s", options[i].name);
	}
	if (len > 0 && strncmp("help", name, len) == 0) {
		found = -1;
		matches++;
		if (used < sizeof(list))
			snprintf(list + used, sizeof(list) - used, " --help");
	}
	if (matches > 1) {
		vg_error_set(err, -EINVAL, N_("option \"%s\" is ambiguous:%s"), word, list);
		return -3;
	}
	if (matches == 0)
		vg_error_set(err, -EINVAL, N_("unknown option \"%s\""), word);
	return matches ? found : -2;
}

static int find_letter(const struct vg_cli_spec *options, char letter, bool *old)
{
	for (int i = 0; options && options[i].name; i++) {
		if (options[i].letter == letter) {
			*old = false;
			return i;
		}
		if (options[i].old_letter == letter) {
			*old = true;
			return i;
		}
	}
	return -1;
}

static int parse_long(const struct vg_cli_command *cmd, int argc, char **argv, int *i, struct vg_cli_args *args,
		      struct vg_error *err)
{
	const char *word = argv[*i], *name = word + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	char what[96];
	int spec = find_long(cmd->options, name, len, err, word);

	if (spec == -1) {
		args->help = true;
		return 0;
	}
	if (spec < 0)
		return -EINVAL;
	snprintf(what, sizeof(what), "--%s", cmd->options[spec].name);
	if (cmd->options[spec].type == VG_CLI_FLAG) {
		if (eq)
			return vg_error_set(err, -EINVAL, N_("%s takes no value"), what);
		return add_option(args, cmd->options, spec, NULL, err);
	}
	if (eq)
		return add_option(args, cmd->options, spec, eq + 1, err);
	if (*i + 1 >= argc)
		return vg_error_set(err, -EINVAL, N_("%s needs a value"), what);
	return add_option(args, cmd->options, spec, argv[++*i], err);
}

/* -x, -xyz (flags together), -Svalue or -S value. */
static int parse_letters(const struct vg_cli_command *cmd, int argc, char **argv, int *i, struct vg_cli_args *args,
			 struct vg_error *err)
{
	const char *word = argv[*i];

	for (const char *p = word + 1; *p; p++) {
		char what[8];
		bool old = false;
		int spec = find_letter(cmd->options, *p, &old), r;

		snprintf(what, sizeof(what), "-%c", *p);
		if (spec < 0 && *p == 'h') {
			args->help = true;
			return 0;
		}
		if (spec < 0)
			return vg_error_set(err, -EINVAL, N_("unknown option \"%s\""), what);
		if (old && args->ndeprecated < (int)(sizeof(args->deprecated) / sizeof(args->deprecated[0])))
			args->deprecated[args->ndeprecated++] = &cmd->options[spec];
		if (cmd->options[spec].type == VG_CLI_FLAG) {
			if ((r = add_option(args, cmd->options, spec, NULL, err)) < 0)
				return r;
			continue;
		}
		if (p[1])
			return add_option(args, cmd->options, spec, p + 1, err);
		if (*i + 1 >= argc)
			return vg_error_set(err, -EINVAL, N_("%s needs a value"), what);
		return add_option(args, cmd->options, spec, argv[++*i], err);
	}
	return 0;
}

/* Operands go to their declarations left to right, each taking as many as it may while
 * leaving enough for the ones after it; each is checked by its type. */
static int check_operands(const struct vg_cli_command *cmd, struct vg_cli_args *args, struct vg_error *err)
{
	const struct vg_cli_spec *ops = cmd->operands;
	int next = 0;

	for (int s = 0; ops && ops[s].name; s++) {
		int after = 0, take, r;

		for (int k = s + 1; ops[k].name; k++)
			after += ops[k].min_count;
		take = args->noperands - next - after;
		if (ops[s].max_count >= 0 && take > ops[s].max_count)
			take = ops[s].max_count;
		if (take < ops[s].min_count)
			return vg_error_set(err, -EINVAL, N_("missing %s"), ops[s].name);
		for (int k = next; k < next + take; k++) {
			if ((r = vg_cli_parse_value(&ops[s], ops[s].name, args->operands[k].text, &args->operands[k].number,
						    err)) < 0)
				return r;
			args->operands[k].text = kept_text(&ops[s], args->operands[k].text, args->operands[k].number);
		}
		next += take;
	}
	if (next < args->noperands)
		return vg_error_set(err, -EINVAL, N_("too many arguments"));
	return 0;
}

static int check_groups(const struct vg_cli_command *cmd, const struct vg_cli_args *args, struct vg_error *err)
{
	for (int i = 0; i < args->nopts; i++)
		for (int j = i + 1; j < args->nopts; j++) {
			const struct vg_cli_spec *a = &cmd->options[args->opts[i].spec], *b = &cmd->options[args->opts[j].spec];
			char na[96], nb[96];

			if (!a->group || a->group != b->group || a == b)
				continue;
			snprintf(na, sizeof(na), "--%s", a->name);
			snprintf(nb, sizeof(nb), "--%s", b->name);
			return vg_error_set(err, -EINVAL, N_("%s and %s exclude each other"), na, nb);
		}
	return 0;
}

int vg_cli_parse(const struct vg_cli_command *cmd, int argc, char **argv, struct vg_cli_args *args,
		 struct vg_error *err)
{
	bool options_end = false;
	int r;

	memset(args, 0, offsetof(struct vg_cli_args, opts));
	args->cmd = cmd;
	args->noperands = 0;
	args->ndeprecated = 0;
	args->first_operand = argc;
	vg_error_clear(err);
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (options_end || w[0] != '-' || w[1] == '\0') {
			if (args->noperands == VG_CLI_MAX_WORDS)
				return vg_error_set(err, -E2BIG, N_("too many arguments"));
			if (args->noperands == 0)
				args->first_operand = i;
			args->operands[args->noperands].text = w;
			args->operands[args->noperands].number = 0;
			args->noperands++;
			if (cmd->flags & VG_CLI_OPTIONS_FIRST)
				options_end = true;
			continue;
		}
		if (strcmp(w, "--") == 0) {
			options_end = true;
			if (cmd->flags & VG_CLI_OPTIONS_FIRST)
				args->first_operand = i + 1;
			continue;
		}
		r = w[1] == '-' ? parse_long(cmd, argc, argv, &i, args, err) : parse_letters(cmd, argc, argv, &i, args, err);
		if (r < 0)
			return r;
		if (args->help)
			return 0;
	}
	if ((r = check_groups(cmd, args, err)) < 0)
		return r;
	return check_operands(cmd, args, err);
}

/* ---- What the handlers read ---- */

static int option_index(const struct vg_cli_args *args, const char *name)
{
	const struct vg_cli_spec *o = vg_cli_find_option(args->cmd->options, name);

	if (!o) {
		/* A handler asking for an option its declaration lacks: a mistake in the program. */
		fprintf(stderr, "vigilctl: internal error: \"%s\" declares no option --%s\n", args->cmd->name, name);
		abort();
	}
	return (int)(o - args->cmd->options);
}

static const struct vg_cli_value *last_value(const struct vg_cli_args *args, const char *name)
{
	int spec = option_index(args, name);

	for (int i = args->nopts - 1; i >= 0; i--)
		if (args->opts[i].spec == spec)
			return &args->opts[i].value;
	return NULL;
}

bool vg_cli_opt_flag(const struct vg_cli_args *args, const char *name)
{
	return last_value(args, name) != NULL;
}

const char *vg_cli_opt_str(const struct vg_cli_args *args, const char *name)
{
	const struct vg_cli_value *v = last_value(args, name);

	return v ? v->text : NULL;
}

bool vg_cli_opt_num(const struct vg_cli_args *args, const char *name, long long *number)
{
	const struct vg_cli_value *v = last_value(args, name);

	if (v)
		*number = v->number;
	return v != NULL;
}

int vg_cli_opt_count(const struct vg_cli_args *args, const char *name)
{
	int spec = option_index(args, name), n = 0;

	for (int i = 0; i < args->nopts; i++)
		n += args->opts[i].spec == spec;
	return n;
}

const char *vg_cli_opt_str_at(const struct vg_cli_args *args, const char *name, int index)
{
	int spec = option_index(args, name);

	for (int i = 0; i < args->nopts; i++)
		if (args->opts[i].spec == spec && index-- == 0)
			return args->opts[i].value.text;
	return NULL;
}

int vg_cli_arg_count(const struct vg_cli_args *args)
{
	return args->noperands;
}

const char *vg_cli_arg_str(const struct vg_cli_args *args, int index)
{
	return index >= 0 && index < args->noperands ? args->operands[index].text : NULL;
}

long long vg_cli_arg_num(const struct vg_cli_args *args, int index)
{
	return index >= 0 && index < args->noperands ? args->operands[index].number : 0;
}

static void agent_key(const char *option, char *buf, size_t size)
{
	snprintf(buf, size, "%s", option);
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
}

void vg_cli_opts_to_json(const struct vg_cli_args *args, json_t *request, ...)
{
	va_list ap;

	va_start(ap, request);
	for (const char *name; (name = va_arg(ap, const char *));) {
		const struct vg_cli_spec *o = &args->cmd->options[option_index(args, name)];
		const struct vg_cli_value *v = last_value(args, name);
		char key[96];

		if (!v)
			continue;
		agent_key(name, key, sizeof(key));
		if (o->type == VG_CLI_FLAG)
			json_object_set_new(request, key, json_true());
		else if (o->type == VG_CLI_STRING || o->type == VG_CLI_PATH || o->type == VG_CLI_ENUM)
			json_object_set_new(request, key, json_string(v->text));
		else
			json_object_set_new(request, key, json_integer(v->number));
	}
	va_end(ap);
}
