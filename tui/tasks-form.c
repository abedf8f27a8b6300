/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The forms of the tasks screen (get-file, delete-file, run, terminate, and the confirmations
 * of cancel, restore and purge) and its quarantine view (quarantine.list).  The agent checks
 * every request; its refusal shows in the form, and a read-only user gets the message at once.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nls.h"
#include "tasks.h"

int vg_tasks_split(const char *line, json_t **words)
{
	json_t *a = json_array();
	char word[VG_FIELD_MAX];
	size_t n = 0;
	bool in = false;
	char quote = 0;

	if (!a)
		return -ENOMEM;
	for (const char *p = line;; p++) {
		char c = *p;

		if (!c || (!quote && (c == ' ' || c == '\t'))) {
			if (in) {
				json_array_append_new(a, json_stringn(word, n));
				n = 0;
				in = false;
			}
			if (!c)
				break;
			continue;
		}
		if (!quote && (c == '\'' || c == '"')) {
			quote = c;
			in = true;
			continue;
		}
		if (quote && c == quote) {
			quote = 0;
			continue;
		}
		if (c == '\\' && quote != '\'' && p[1])
			c = *++p;
		if (n + 1 < sizeof(word))
			word[n++] = c;
		in = true;
	}
	if (quote) {
		json_decref(a);
		return -EINVAL;
	}
	*words = a;
	return 0;
}

static bool yes(const char *v)
{
	static const char *const words[] = { "y", "yes", "true", "1", "o", "oui" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(v, words[i]) == 0)
			return true;
	return false;
}

static bool no(const char *v)
{
	static const char *const words[] = { "", "n", "no", "false", "0", "non" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(v, words[i]) == 0)
			return true;
	return false;
}

/* A whole number in [min, max]; false when the text is something else. */
static bool number(const char *v, long long min, long long max, long long *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max)
		return false;
	*out = n;
	return true;
}

static const char *value(struct tasks_screen *s, int i)
{
	return vg_form_value(&s->form, i);
}

static void form_error(struct tasks_screen *s, const char *text)
{
	vg_form_error(&s->form, "%s", text);
}

static void on_submitted(void *ctx, json_t *result, const struct vg_error *err)
{
	struct tasks_screen *s = ctx;
	enum tasks_form_kind kind = s->form_kind;
	char msg[VG_ERROR_MSG_SIZE + 128], id[32];

	s->form.busy = false;
	if (err) {
		if (err->code == -EPERM || err->code == -EACCES) {
			vg_form_close(&s->form);
			vg_console_read_only_message(s->con);
		} else if (err->code == -ECONNRESET) {
			vg_form_close(&s->form);
		} else {
			vg_error_text(err, s->form.error, sizeof(s->form.error));
		}
		return;
	}
	vg_form_close(&s->form);
	s->form_kind = TF_NONE;
	snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(result, "id")));
	if (kind == TF_CANCEL)
		snprintf(msg, sizeof(msg), _("Task %s: cancel asked."), id);
	else
		snprintf(msg, sizeof(msg), _("Task %s started (%s)."), id,
			 json_string_value(json_object_get(result, "kind")) ?: "?");
	vg_console_message(s->con, false, msg);
	if (kind != TF_CANCEL && json_is_integer(json_object_get(result, "id"))) {
		s->want_id = json_integer_value(json_object_get(result, "id"));
		s->quarantine = kind == TF_RESTORE || kind == TF_PURGE ? s->quarantine : false;
	}
	vg_tasks_reload(s);
}

/* The request of the open form, or NULL with the form's error set. */
static json_t *build(struct tasks_screen *s, enum vg_cmd *cmd)
{
	json_t *args = json_object(), *words;
	long long n;

	switch (s->form_kind) {
	case TF_GET:
	case TF_DELETE:
		*cmd = s->form_kind == TF_GET ? VG_CMD_TASK_GET_FILE : VG_CMD_TASK_DELETE_FILE;
		if (!value(s, 0)[0]) {
			form_error(s, _("Which file? Give its absolute path."));
			goto fail;
		}
		json_object_set_new(args, "path", json_string(value(s, 0)));
		if (value(s, 1)[0])
			json_object_set_new(args, "sha256", json_string(value(s, 1)));
		if (s->form_kind == TF_DELETE) {
			if (!yes(value(s, 2)) && !no(value(s, 2))) {
				form_error(s, _("Quarantine: answer yes or no."));
				goto fail;
			}
			json_object_set_new(args, "quarantine", json_boolean(yes(value(s, 2))));
		}
		return args;
	case TF_RUN:
		*cmd = VG_CMD_TASK_RUN;
		if (!value(s, 0)[0]) {
			form_error(s, _("Which program? Give the absolute path of the executable."));
			goto fail;
		}
		json_object_set_new(args, "exe", json_string(value(s, 0)));
		if (vg_tasks_split(value(s, 1), &words) < 0) {
			form_error(s, _("The arguments have a quote that is not closed."));
			goto fail;
		}
		json_object_set_new(args, "args", words);
		if (value(s, 2)[0])
			json_object_set_new(args, "cwd", json_string(value(s, 2)));
		if (value(s, 3)[0])
			json_object_set_new(args, "user", json_string(value(s, 3)));
		if (value(s, 4)[0]) {
			if (!number(value(s, 4), 1, 86400, &n)) {
				form_error(s, _("The timeout is a number of seconds from 1 to 86400."));
				goto fail;
			}
			json_object_set_new(args, "timeout", json_integer(n));
		}
		if (vg_tasks_split(value(s, 5), &words) < 0) {
			form_error(s, _("The environment has a quote that is not closed."));
			goto fail;
		}
		json_object_set_new(args, "env", words);
		return args;
	case TF_TERMINATE: {
		int given = (value(s, 0)[0] != 0) + (value(s, 1)[0] != 0) + (value(s, 2)[0] != 0);

		*cmd = VG_CMD_TASK_TERMINATE;
		if (given != 1) {
			form_error(s, _("Fill exactly one of the three: a process id, an executable or a SHA-256."));
			goto fail;
		}
		if (value(s, 0)[0]) {
			if (!number(value(s, 0), 1, 4194304, &n)) {
				form_error(s, _("The process id is a number."));
				goto fail;
			}
			json_object_set_new(args, "pid", json_integer(n));
		} else if (value(s, 1)[0]) {
			json_object_set_new(args, "exe", json_string(value(s, 1)));
		} else {
			json_object_set_new(args, "sha256", json_string(value(s, 2)));
		}
		return args;
	}
	case TF_CANCEL:
		*cmd = VG_CMD_TASK_CANCEL;
		json_object_set_new(args, "id", json_integer(s->form_task));
		return args;
	case TF_RESTORE:
	case TF_PURGE:
		*cmd = s->form_kind == TF_RESTORE ? VG_CMD_QUARANTINE_RESTORE : VG_CMD_QUARANTINE_PURGE;
		json_object_set_new(args, "id", json_string(s->form_entry));
		return args;
	case TF_NONE:
		break;
	}
fail:
	json_decref(args);
	return NULL;
}

static void submit(void *ctx, struct vg_form *f)
{
	struct tasks_screen *s = ctx;
	enum vg_cmd cmd = VG_CMD_COUNT;
	json_t *args;

	(void)f;
	if (!(args = build(s, &cmd)))
		return;
	if (vg_console_request(s->con, cmd, args, on_submitted, s) < 0) {
		form_error(s, _("The agent is not reachable."));
		return;
	}
	s->form.busy = true;
}

static json_t *selected_entry(struct tasks_screen *s)
{
	long i = vg_list_selected(&s->qrows);

	return i < 0 ? NULL : json_array_get(s->qlist, (size_t)i);
}

void vg_tasks_command(struct tasks_screen *s, int cmd)
{
	long sel = vg_list_selected(&s->rows);
	json_t *t = sel < 0 ? NULL : json_array_get(s->list, (size_t)sel), *e;
	char title[256], id[32];

	if (vg_console_read_only(s->con) && cmd != VG_UI_QUARANTINE) {
		vg_console_read_only_message(s->con);
		return;
	}
	switch (cmd) {
	case VG_UI_GET_FILE:
		vg_form_open(&s->form, _(" Collect a file (get-file) "), submit, s);
		vg_form_add(&s->form, N_("Path"), "", false);
		vg_form_add(&s->form, N_("SHA-256 (optional)"), "", false);
		snprintf(s->form.note, sizeof(s->form.note), "%s",
			 _("The copy goes to the agent's collection directory; with a SHA-256 only if it matches."));
		s->form_kind = TF_GET;
		break;
	case VG_UI_DELETE_FILE:
		vg_form_open(&s->form, _(" Delete a file (delete-file) "), submit, s);
		vg_form_add(&s->form, N_("Path"), "", false);
		vg_form_add(&s->form, N_("SHA-256 (optional)"), "", false);
		vg_form_add(&s->form, N_("Quarantine (yes/no)"), _("yes"), false);
		snprintf(s->form.note, sizeof(s->form.note), "%s",
			 _("With a SHA-256 nothing is deleted unless the content matches."));
		s->form_kind = TF_DELETE;
		break;
	case VG_UI_RUN:
		vg_form_open(&s->form, _(" Run a program (run) "), submit, s);
		vg_form_add(&s->form, N_("Executable"), "", false);
		vg_form_add(&s->form, N_("Arguments"), "", false);
		vg_form_add(&s->form, N_("Directory"), "", false);
		vg_form_add(&s->form, N_("User"), "", false);
		vg_form_add(&s->form, N_("Timeout (s)"), "", false);
		vg_form_add(&s->form, N_("Environment"), "", false);
		snprintf(s->form.note, sizeof(s->form.note), "%s",
			 _("No shell: an absolute path; words split at blanks, quotes group; NAME=VALUE for the environment."));
		s->form_kind = TF_RUN;
		break;
	case VG_UI_TERMINATE:
		vg_form_open(&s->form, _(" Terminate processes (terminate) "), submit, s);
		vg_form_add(&s->form, N_("Process id"), "", false);
		vg_form_add(&s->form, N_("or executable"), "", false);
		vg_form_add(&s->form, N_("or SHA-256"), "", false);
		snprintf(s->form.note, sizeof(s->form.note), "%s",
			 _("One of the three: SIGTERM, then SIGKILL after the grace period."));
		s->form_kind = TF_TERMINATE;
		break;
	case VG_UI_CANCEL:
		if (s->quarantine || !t)
			return;
		if (vg_tasks_final(json_string_value(json_object_get(t, "state")))) {
			vg_console_message(s->con, true, _("This task has already ended: there is nothing to cancel."));
			return;
		}
		s->form_task = json_integer_value(json_object_get(t, "id"));
		snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT, s->form_task);
		snprintf(title, sizeof(title), _(" Cancel task %s (%s)? "), id,
			 json_string_value(json_object_get(t, "kind")) ?: "?");
		vg_form_open(&s->form, title, submit, s);
		snprintf(s->form.note, sizeof(s->form.note), "%s", _("Enter cancels the task; Esc leaves it running."));
		s->form_kind = TF_CANCEL;
		break;
	case VG_UI_QUARANTINE:
		s->quarantine = !s->quarantine;
		s->zoom = false;
		if (s->quarantine)
			vg_tasks_quarantine_reload(s);
		break;
	case VG_UI_RESTORE:
	case VG_UI_PURGE:
		if (!s->quarantine) {
			vg_console_message(s->con, true, _("Q first: restore and purge act on the quarantine."));
			return;
		}
		if (!(e = selected_entry(s)) || !json_string_value(json_object_get(e, "id")))
			return;
		snprintf(s->form_entry, sizeof(s->form_entry), "%s", json_string_value(json_object_get(e, "id")));
		snprintf(title, sizeof(title), cmd == VG_UI_RESTORE ? _(" Restore %s? ") : _(" Delete %s for good? "),
			 json_string_value(json_object_get(e, "path")) ?: s->form_entry);
		vg_form_open(&s->form, title, submit, s);
		snprintf(s->form.note, sizeof(s->form.note), "%s",
			 cmd == VG_UI_RESTORE ? _("The file goes back to its path, which must not exist.")
					       : _("The quarantined copy is deleted; this cannot be undone."));
		s->form_kind = cmd == VG_UI_RESTORE ? TF_RESTORE : TF_PURGE;
		break;
	default:
		break;
	}
}

static size_t q_count(void *ctx)
{
	struct tasks_screen *s = ctx;

	return json_array_size(s->qlist);
}

static const struct vg_list_column q_columns[] = {
	{ N_("Quarantine"), 1, 17 },
	{ N_("Size"), 19, 10 },
	{ N_("Quarantined"), 30, 19 },
	{ N_("Original path"), 50, 0 },
	{ NULL, 0, 0 },
};

static void q_row(void *ctx, size_t i, int y, int x, int cols, bool selected)
{
	struct tasks_screen *s = ctx;
	json_t *e = json_array_get(s->qlist, i);
	char size[32], when[64];

	(void)selected;
	snprintf(size, sizeof(size), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(e, "size")));
	vg_ui_time_of(when, sizeof(when), e, "quarantined_at");
	vg_ui_text(y, x + 1, vg_ui_str(e, "id"), 17);
	vg_ui_text(y, x + 19, size, 10);
	vg_ui_text(y, x + 30, when, 19);
	vg_ui_text(y, x + 50, vg_ui_str(e, "path"), cols - 51);
}

static const char *q_text(void *ctx, size_t i, char *buf, size_t size)
{
	struct tasks_screen *s = ctx;
	json_t *e = json_array_get(s->qlist, i);

	snprintf(buf, size, "%s %s", vg_ui_str(e, "id"), vg_ui_str(e, "path"));
	return buf;
}

static const struct vg_list_ops q_ops = {
	.count = q_count,
	.draw_row = q_row,
	.columns = q_columns,
	.text = q_text,
};

void vg_tasks_quarantine_init(struct tasks_screen *s)
{
	vg_list_init(&s->qrows, &q_ops, s);
}

static void on_quarantine(void *ctx, json_t *result, const struct vg_error *err)
{
	struct tasks_screen *s = ctx;

	s->qloading = false;
	if (err) {
		vg_error_text(err, s->qerror, sizeof(s->qerror));
		return;
	}
	s->qerror[0] = '\0';
	json_decref(s->qlist);
	s->qlist = json_is_array(result) ? json_incref(result) : json_array();
	vg_list_changed(&s->qrows);
}

void vg_tasks_quarantine_reload(struct tasks_screen *s)
{
	if (!s->qloading && vg_console_request(s->con, VG_CMD_QUARANTINE_LIST, NULL, on_quarantine, s) == 0)
		s->qloading = true;
}

void vg_tasks_quarantine_draw(struct tasks_screen *s, const struct vg_view *v)
{
	attrset(vg_ui_attr(VG_ROLE_DIM));
	vg_ui_text(v->top + v->rows - 1, 2, _("R: restore   P: purge   Q: back to the tasks"), v->cols - 4);
	attrset(A_NORMAL);
	if (s->qerror[0] && !s->qlist) {
		attrset(vg_ui_attr(VG_ROLE_ERROR));
		vg_ui_text(v->top + 1, 2, s->qerror, v->cols - 4);
		attrset(A_NORMAL);
		return;
	}
	s->qrows.empty = s->qlist ? _("The quarantine is empty.") : _("Asking the agent…");
	vg_list_draw(&s->qrows, v->top, v->left, v->rows - 1, v->cols);
}

int vg_tasks_quarantine_key(struct tasks_screen *s, const struct vg_key *k)
{
	int r;

	if ((r = vg_list_key(&s->qrows, k)))
		return r;
	if (k->action == VG_ACT_CANCEL) {
		s->quarantine = false;
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	return VG_KEY_IGNORED;
}

int vg_tasks_quarantine_click(struct tasks_screen *s, int y, int x)
{
	return vg_list_click(&s->qrows, y, x) == VG_LIST_MISS ? VG_KEY_IGNORED : VG_KEY_HANDLED | VG_KEY_REDRAW;
}
