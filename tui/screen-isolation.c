/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The isolation screen: the state (a loud banner with the time left while isolated), the
 * warnings of the last application, the exceptions table with its add and remove forms, and
 * the profiles.  Turning isolation on goes through a form (duration, reason) and then a
 * confirmation that shows the agent's warnings (server, proxy, DNS) before it goes on.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"
#include "nls.h"

#define REFRESH_TICKS 5

enum iso_form { F_NONE, F_ON, F_ON_CONFIRM, F_OFF, F_ADD, F_REMOVE };

struct isolation_screen {
	struct vg_console *con;
	json_t *status, *profiles;
	bool loading, unavailable;
	char error[VG_ERROR_MSG_SIZE];
	int ticks;
	/* The exceptions, then a blank, the profiles' heading and the profiles: one selection. */
	struct vg_list rows;
	struct vg_form form;
	enum iso_form kind;
	long long duration;          /* seconds, between the form and its confirmation; 0: the setting */
	char reason[512];
	json_int_t remove_id;
};

static json_t *exceptions(const struct isolation_screen *s)
{
	return json_object_get(s->status, "exceptions");
}

static size_t nexceptions(const struct isolation_screen *s)
{
	return json_array_size(exceptions(s));
}

/* The rows: the exceptions (or one that says there is none), then, with profiles, a blank and
 * their heading before them. */
static size_t exception_rows(const struct isolation_screen *s)
{
	return nexceptions(s) ? nexceptions(s) : 1;
}

static size_t count(void *ctx)
{
	struct isolation_screen *s = ctx;
	size_t np = json_array_size(s->profiles);

	return s->status ? exception_rows(s) + (np ? 2 + np : 0) : 0;
}

/* The exception or the profile on row i (the other NULL). */
static void row_of(const struct isolation_screen *s, size_t i, json_t **exception, json_t **profile)
{
	size_t ex = exception_rows(s);

	*exception = i < nexceptions(s) ? json_array_get(exceptions(s), i) : NULL;
	*profile = i >= ex + 2 ? json_array_get(s->profiles, i - ex - 2) : NULL;
}

static bool selectable(void *ctx, size_t i)
{
	json_t *e, *p;

	row_of(ctx, i, &e, &p);
	return e || p;
}

static void exception_text(const json_t *e, char *buf, size_t size)
{
	const char *any = _("any");
	const char *remote = vg_ui_str(e, "remote"), *rp = vg_ui_str(e, "remote_port"), *lp = vg_ui_str(e, "local_port");

	snprintf(buf, size, "%-5" JSON_INTEGER_FORMAT " %-5s %-7s %-24s %-11s %-11s %s",
		 json_integer_value(json_object_get(e, "id")), vg_ui_str(e, "direction"), vg_ui_str(e, "protocol"),
		 remote[0] ? remote : any, rp[0] ? rp : any, lp[0] ? lp : any, vg_ui_str(e, "comment"));
}

static void profile_text(const json_t *p, char *buf, size_t size)
{
	snprintf(buf, size, "[%c] %s", json_is_true(json_object_get(p, "enabled")) ? 'x' : ' ', vg_ui_str(p, "name"));
}

static const char *row_text(void *ctx, size_t i, char *buf, size_t size)
{
	json_t *e, *p;

	row_of(ctx, i, &e, &p);
	if (e)
		exception_text(e, buf, size);
	else if (p)
		profile_text(p, buf, size);
	else
		return NULL;
	return buf;
}

static void draw_heading(void *ctx, int y, int x, int cols)
{
	char buf[512];

	(void)ctx;
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_fill(y, x, cols, vg_ui_attr(VG_ROLE_HEADING));
	snprintf(buf, sizeof(buf), "%-5s %-5s %-7s %-24s %-11s %-11s %s", _("No."), _("Dir."), _("Proto."), _("Remote"),
		 _("Rem. port"), _("Loc. port"), _("Comment"));
	vg_ui_text(y, x + 1, buf, cols - 2);
}

static void draw_row(void *ctx, size_t i, int y, int x, int cols, bool selected)
{
	struct isolation_screen *s = ctx;
	json_t *e, *p;
	char buf[1024];

	(void)selected;
	row_of(s, i, &e, &p);
	if (e) {
		exception_text(e, buf, sizeof(buf));
		vg_ui_text(y, x + 1, buf, cols - 2);
	} else if (p) {
		profile_text(p, buf, sizeof(buf));
		vg_ui_text(y, x + 3, buf, cols - 4);
	} else if (i == 0) {
		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_text(y, x + 2, _("No exception: press a to add one."), cols - 4);
	} else if (i == exception_rows(s) + 1) {
		attrset(vg_ui_attr(VG_ROLE_HEADING));
		vg_ui_text(y, x + 1, _("Profiles (allowed while isolated)"), cols - 4);
	}
}

static const struct vg_list_ops rows_ops = {
	.count = count,
	.draw_row = draw_row,
	.draw_heading = draw_heading,
	.text = row_text,
	.selectable = selectable,
};

static void *create(struct vg_console *con)
{
	struct isolation_screen *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->con = con;
	vg_list_init(&s->rows, &rows_ops, s);
	return s;
}

static void destroy(void *self)
{
	struct isolation_screen *s = self;

	json_decref(s->status);
	json_decref(s->profiles);
	vg_list_fini(&s->rows);
	vg_form_close(&s->form);
	free(s);
}

/* The selected exception and profile (at most one of them). */
static void selection(struct isolation_screen *s, json_t **exception, json_t **profile)
{
	long i = vg_list_selected(&s->rows);

	*exception = *profile = NULL;
	if (i >= 0)
		row_of(s, (size_t)i, exception, profile);
}

static void on_status(void *ctx, json_t *result, const struct vg_error *err)
{
	struct isolation_screen *s = ctx;

	s->loading = false;
	if (err) {
		s->unavailable = vg_console_unavailable(err);
		vg_error_text(err, s->error, sizeof(s->error));
		return;
	}
	s->error[0] = '\0';
	json_decref(s->status);
	s->status = json_incref(result);
	vg_list_changed(&s->rows);
}

static void on_profiles(void *ctx, json_t *result, const struct vg_error *err)
{
	struct isolation_screen *s = ctx;

	if (err || !json_is_array(result))
		return;
	json_decref(s->profiles);
	s->profiles = json_incref(result);
	vg_list_changed(&s->rows);
}

static void reload(struct isolation_screen *s)
{
	if (s->loading)
		return;
	if (vg_console_request(s->con, VG_CMD_ISOLATION_STATUS, NULL, on_status, s) == 0)
		s->loading = true;
	vg_console_request(s->con, VG_CMD_ISOLATION_PROFILE_LIST, NULL, on_profiles, s);
}

static void show(void *self)
{
	reload(self);
}

static void tick(void *self)
{
	struct isolation_screen *s = self;

	/* The time left counts down on its own; the agent is asked again now and then. */
	if (++s->ticks >= REFRESH_TICKS && vg_console_connected(s->con)) {
		s->ticks = 0;
		reload(s);
	}
	if (json_is_integer(json_object_get(s->status, "until_ms")))
		vg_console_redraw(s->con);
}

/* The answer to a change: the form closes, or shows the agent's message. */
static void on_change(void *ctx, json_t *result, const struct vg_error *err)
{
	struct isolation_screen *s = ctx;
	json_t *w = json_object_get(result, "warnings");

	s->form.busy = false;
	if (err) {
		vg_error_text(err, s->form.error, sizeof(s->form.error));
		vg_console_redraw(s->con);
		return;
	}
	vg_form_close(&s->form);
	s->kind = F_NONE;
	if (json_array_size(w))
		vg_console_message(s->con, true, vg_ui_str(json_array_get(w, 0), "message"));
	else
		vg_console_message(s->con, false, _("Done."));
	s->loading = false;
	reload(s);
}

static void send_change(struct isolation_screen *s, enum vg_cmd cmd, json_t *args)
{
	if (vg_console_request(s->con, cmd, args, on_change, s) == 0)
		s->form.busy = true;
	else
		vg_form_error(&s->form, "%s", _("The agent is not reachable."));
}

/* The warnings the agent gave at its last application, one per line, into buf. */
static void warnings_text(const struct isolation_screen *s, char *buf, size_t size)
{
	json_t *w = json_object_get(s->status, "warnings"), *one;
	size_t i, len;

	snprintf(buf, size, "%s", _("While isolated, only the central servers, the proxy and the exceptions stay reachable."));
	json_array_foreach(w, i, one) {
		len = strlen(buf);
		snprintf(buf + len, size - len, " %s %s.", _("Warning:"), vg_ui_str(one, "message"));
	}
	if (!json_array_size(w)) {
		len = strlen(buf);
		snprintf(buf + len, size - len, " %s",
			 _("Check that the server, the proxy and the DNS resolvers you need are excepted."));
	}
}

static void submit(void *ctx, struct vg_form *f);

static void open_form(struct isolation_screen *s, enum iso_form kind)
{
	char title[256], id[32];

	s->kind = kind;
	switch (kind) {
	case F_ON:
		vg_form_open(&s->form, _(" Isolate this host "), submit, s);
		vg_form_add(&s->form, N_("Duration (hours; empty: the setting)"), "", false);
		vg_form_add(&s->form, N_("Reason"), "", false);
		warnings_text(s, s->form.note, sizeof(s->form.note));
		break;
	case F_ON_CONFIRM:
		vg_form_open(&s->form, _(" Isolate this host now? Enter: yes, Esc: no "), submit, s);
		warnings_text(s, s->form.note, sizeof(s->form.note));
		break;
	case F_OFF:
		vg_form_open(&s->form, _(" End the isolation? Enter: yes, Esc: no "), submit, s);
		break;
	case F_ADD:
		vg_form_open(&s->form, _(" Add an exception "), submit, s);
		vg_form_add(&s->form, N_("Direction (in, out, both)"), "both", false);
		vg_form_add(&s->form, N_("Protocol (tcp, udp, icmp, icmpv6, any)"), "any", false);
		vg_form_add(&s->form, N_("Remote address[/prefix]"), "", false);
		vg_form_add(&s->form, N_("Remote port (N or N-M)"), "", false);
		vg_form_add(&s->form, N_("Local port (N or N-M)"), "", false);
		vg_form_add(&s->form, N_("Comment"), "", false);
		snprintf(s->form.note, sizeof(s->form.note), "%s",
			 _("Empty fields match everything; the agent refuses an invalid combination."));
		break;
	case F_REMOVE:
		snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT, s->remove_id);
		snprintf(title, sizeof(title), _(" Remove exception %s? Enter: yes, Esc: no "), id);
		vg_form_open(&s->form, title, submit, s);
		break;
	default:
		break;
	}
}

static void submit(void *ctx, struct vg_form *f)
{
	static const char *const keys[] = { "direction", "protocol", "remote", "remote_port", "local_port", "comment" };
	struct isolation_screen *s = ctx;
	json_t *args;
	char *end;

	switch (s->kind) {
	case F_ON: {
		const char *d = vg_form_value(f, 0);

		s->duration = 0;
		if (d[0]) {
			errno = 0;
			s->duration = strtoll(d, &end, 10);
			if (errno || *end || s->duration < 1 || s->duration > 9999) {
				vg_form_error(f, "%s", _("The duration is a number of hours from 1 to 9999."));
				return;
			}
			s->duration *= 3600;
		}
		snprintf(s->reason, sizeof(s->reason), "%s", vg_form_value(f, 1));
		vg_form_close(&s->form);
		open_form(s, F_ON_CONFIRM);
		return;
	}
	case F_ON_CONFIRM:
		args = json_pack("{s:s}", "reason", s->reason);
		if (s->duration)
			json_object_set_new(args, "duration_seconds", json_integer(s->duration));
		send_change(s, VG_CMD_ISOLATION_ON, args);
		return;
	case F_OFF:
		send_change(s, VG_CMD_ISOLATION_OFF, NULL);
		return;
	case F_ADD:
		args = json_object();
		for (int i = 0; i < 6; i++)
			if (vg_form_value(f, i)[0])
				json_object_set_new(args, keys[i], json_string(vg_form_value(f, i)));
		send_change(s, VG_CMD_ISOLATION_EXCEPTION_ADD, args);
		return;
	case F_REMOVE:
		send_change(s, VG_CMD_ISOLATION_EXCEPTION_REMOVE, json_pack("{s:I}", "id", s->remove_id));
		return;
	default:
		return;
	}
}

static void toggle_profile(struct isolation_screen *s, json_t *p)
{
	if (vg_console_request(s->con, VG_CMD_ISOLATION_PROFILE_SET,
			       json_pack("{s:s, s:b}", "name", vg_ui_str(p, "name"), "enabled",
					 !json_is_true(json_object_get(p, "enabled"))),
			       on_change, s) < 0)
		vg_console_message(s->con, true, _("The agent is not reachable."));
}

static int command(struct isolation_screen *s, int cmd)
{
	bool on = strcmp(vg_ui_str(s->status, "state"), "on") == 0;
	json_t *exception, *profile;

	if (!s->status)
		return VG_KEY_HANDLED;
	if (vg_console_read_only(s->con)) {
		vg_console_read_only_message(s->con);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	switch (cmd) {
	case VG_UI_ISOLATE:
		open_form(s, F_ON);
		break;
	case VG_UI_RELEASE:
		if (!on) {
			vg_console_message(s->con, false, _("The host is not isolated."));
			break;
		}
		open_form(s, F_OFF);
		break;
	case VG_UI_ADD:
		open_form(s, F_ADD);
		break;
	case VG_UI_REMOVE:
		selection(s, &exception, &profile);
		if (!exception) {
			vg_console_message(s->con, false, _("Select an exception first."));
			break;
		}
		s->remove_id = json_integer_value(json_object_get(exception, "id"));
		open_form(s, F_REMOVE);
		break;
	case VG_UI_PROFILE:
		selection(s, &exception, &profile);
		if (!profile) {
			vg_console_message(s->con, false, _("Select a profile first."));
			break;
		}
		toggle_profile(s, profile);
		break;
	default:
		return VG_KEY_IGNORED;
	}
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

static int key(void *self, const struct vg_key *k)
{
	struct isolation_screen *s = self;
	int r;

	if (s->form.open)
		return vg_form_key(&s->form, k);
	if ((r = vg_list_key(&s->rows, k)))
		return r;
	if (k->action == VG_ACT_COMMAND)
		return command(s, k->arg);
	if (k->action == VG_ACT_RELOAD) {
		reload(s);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	return VG_KEY_IGNORED;
}

static void draw(void *self, const struct vg_view *v)
{
	struct isolation_screen *s = self;
	int y = v->top, w = v->cols - 4;
	bool on;
	char buf[1024], left[64];
	json_t *e;
	size_t i;

	if (!s->status) {
		const char *text = s->unavailable                  ? _("Isolation is not available in this agent.")
				   : s->error[0]                   ? s->error
				   : !vg_console_connected(s->con) ? _("The agent is not reachable.")
								   : _("Asking the agent…");

		attrset(vg_ui_attr(s->error[0] ? VG_ROLE_WARN : VG_ROLE_DIM));
		vg_ui_text(y + 1, 2, text, w);
		attrset(A_NORMAL);
		vg_form_draw(&s->form, v);
		return;
	}
	on = strcmp(vg_ui_str(s->status, "state"), "on") == 0;
	if (on) {
		json_t *until = json_object_get(s->status, "until_ms");

		if (json_is_integer(until)) {
			long long l = json_integer_value(until) / 1000 - (long long)time(NULL);

			vg_ui_duration(left, sizeof(left), l > 0 ? l : 0);
		} else {
			snprintf(left, sizeof(left), "%s", _("until released"));
		}
		snprintf(buf, sizeof(buf), "%s — %s %s", _("THIS HOST IS ISOLATED FROM THE NETWORK"), _("time left:"), left);
		vg_ui_fill(y, 1, v->cols - 2, vg_ui_attr(VG_ROLE_BANNER));
		attrset(vg_ui_attr(VG_ROLE_BANNER));
		vg_ui_text(y, 2, buf, w);
		attrset(A_NORMAL);
		y++;
		snprintf(buf, sizeof(buf), "%s %s", _("Reason:"), vg_ui_str(s->status, "reason"));
		vg_ui_text(y++, 2, buf, w);
	} else {
		attrset(vg_ui_attr(VG_ROLE_OK));
		vg_ui_text(y++, 2, _("Isolation: off (the network is open)"), w);
		attrset(A_NORMAL);
	}
	if (json_object_get(s->status, "last_error")) {
		attrset(vg_ui_attr(VG_ROLE_ERROR));
		vg_ui_text(y++, 2, vg_ui_str(s->status, "last_error"), w);
		attrset(A_NORMAL);
	}
	json_array_foreach(json_object_get(s->status, "warnings"), i, e) {
		attrset(vg_ui_attr(VG_ROLE_WARN));
		snprintf(buf, sizeof(buf), "%s %s", _("Warning:"), vg_ui_str(e, "message"));
		vg_ui_text(y++, 2, buf, w);
		attrset(A_NORMAL);
		if (y > v->top + 5)
			break;
	}
	y++;
	vg_list_draw(&s->rows, y, v->left, v->top + v->rows - y, v->cols);
	vg_form_draw(&s->form, v);
}

/* A click selects an exception or a profile. */
static int click(void *self, int y, int x)
{
	struct isolation_screen *s = self;

	if (s->form.open)
		return vg_form_click(&s->form, y, x);
	return vg_list_click(&s->rows, y, x) == VG_LIST_MISS ? VG_KEY_IGNORED : VG_KEY_HANDLED | VG_KEY_REDRAW;
}

const struct vg_screen_class vg_screen_isolation = {
	.label = N_("Isolation"),
	.title = N_("Network isolation"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
	.click = click,
	.tick = tick,
};
