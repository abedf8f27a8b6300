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
	int sel, scroll, ticks;
	int row_ex, row_prof;        /* body rows of the first exception and the first profile, from the last draw */
	struct vg_form form;
	enum iso_form kind;
	long long duration;          /* seconds, between the form and its confirmation; 0: the setting */
	char reason[512];
	json_int_t remove_id;
};

static void *create(struct vg_console *con)
{
	struct isolation_screen *s = calloc(1, sizeof(*s));

	if (s)
		s->con = con;
	return s;
}

static void destroy(void *self)
{
	struct isolation_screen *s = self;

	json_decref(s->status);
	json_decref(s->profiles);
	vg_form_close(&s->form);
	free(s);
}

static const char *str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

static json_t *exceptions(const struct isolation_screen *s)
{
	return json_object_get(s->status, "exceptions");
}

static size_t nexceptions(const struct isolation_screen *s)
{
	return json_array_size(exceptions(s));
}

static size_t nrows(const struct isolation_screen *s)
{
	return nexceptions(s) + json_array_size(s->profiles);
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
}

static void on_profiles(void *ctx, json_t *result, const struct vg_error *err)
{
	struct isolation_screen *s = ctx;

	if (err || !json_is_array(result))
		return;
	json_decref(s->profiles);
	s->profiles = json_incref(result);
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
	if (json_is_integer(json_object_get(s->status, "until")))
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
		vg_console_message(s->con, true, str(json_array_get(w, 0), "message"));
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
		snprintf(s->form.error, sizeof(s->form.error), "%s", _("The agent is not reachable."));
}

/* The warnings the agent gave at its last application, one per line, into buf. */
static void warnings_text(const struct isolation_screen *s, char *buf, size_t size)
{
	json_t *w = json_object_get(s->status, "warnings"), *one;
	size_t i, len;

	snprintf(buf, size, "%s", _("While isolated, only the central servers, the proxy and the exceptions stay reachable."));
	json_array_foreach(w, i, one) {
		len = strlen(buf);
		snprintf(buf + len, size - len, " %s %s.", _("Warning:"), str(one, "message"));
	}
	if (!json_array_size(w)) {
		len = strlen(buf);
		snprintf(buf + len, size - len, " %s",
			 _("Check that the server, the proxy and the DNS resolvers you need are excepted."));
	}
}

static void open_form(struct isolation_screen *s, enum iso_form kind)
{
	char title[256], id[32];

	s->kind = kind;
	switch (kind) {
	case F_ON:
		vg_form_open(&s->form, _(" Isolate this host "));
		vg_form_add(&s->form, N_("Duration (hours; empty: the setting)"), "", false);
		vg_form_add(&s->form, N_("Reason"), "", false);
		warnings_text(s, s->form.note, sizeof(s->form.note));
		break;
	case F_ON_CONFIRM:
		vg_form_open(&s->form, _(" Isolate this host now? Enter: yes, Esc: no "));
		warnings_text(s, s->form.note, sizeof(s->form.note));
		break;
	case F_OFF:
		vg_form_open(&s->form, _(" End the isolation? Enter: yes, Esc: no "));
		break;
	case F_ADD:
		vg_form_open(&s->form, _(" Add an exception "));
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
		vg_form_open(&s->form, title);
		break;
	default:
		break;
	}
}

static void submit(struct isolation_screen *s)
{
	static const char *const keys[] = { "direction", "protocol", "remote", "remote_port", "local_port", "comment" };
	json_t *args;
	char *end;

	s->form.error[0] = '\0';
	switch (s->kind) {
	case F_ON: {
		const char *d = s->form.fields[0].value;

		s->duration = 0;
		if (d[0]) {
			errno = 0;
			s->duration = strtoll(d, &end, 10);
			if (errno || *end || s->duration < 1 || s->duration > 9999) {
				snprintf(s->form.error, sizeof(s->form.error), "%s",
					 _("The duration is a number of hours from 1 to 9999."));
				return;
			}
			s->duration *= 3600;
		}
		snprintf(s->reason, sizeof(s->reason), "%s", s->form.fields[1].value);
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
			if (s->form.fields[i].value[0])
				json_object_set_new(args, keys[i], json_string(s->form.fields[i].value));
		send_change(s, VG_CMD_ISOLATION_EXCEPTION_ADD, args);
		return;
	case F_REMOVE:
		send_change(s, VG_CMD_ISOLATION_EXCEPTION_REMOVE, json_pack("{s:I}", "id", s->remove_id));
		return;
	default:
		return;
	}
}

static int form_key(struct isolation_screen *s, const struct vg_key *k)
{
	switch (vg_form_key(&s->form, k)) {
	case VG_FORM_SUBMIT:
		submit(s);
		break;
	case VG_FORM_CANCEL:
		vg_form_close(&s->form);
		s->kind = F_NONE;
		break;
	case VG_FORM_NONE:
		return VG_KEY_HANDLED;
	default:
		break;
	}
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

static void toggle_profile(struct isolation_screen *s)
{
	json_t *p = json_array_get(s->profiles, (size_t)s->sel - nexceptions(s));

	if (!p)
		return;
	if (vg_console_request(s->con, VG_CMD_ISOLATION_PROFILE_SET,
			       json_pack("{s:s, s:b}", "name", str(p, "name"), "enabled",
					 !json_is_true(json_object_get(p, "enabled"))),
			       on_change, s) < 0)
		vg_console_message(s->con, true, _("The agent is not reachable."));
}

static int command(struct isolation_screen *s, int cmd)
{
	bool on = strcmp(str(s->status, "state"), "on") == 0;

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
		if ((size_t)s->sel >= nexceptions(s)) {
			vg_console_message(s->con, false, _("Select an exception first."));
			break;
		}
		s->remove_id = json_integer_value(json_object_get(json_array_get(exceptions(s), (size_t)s->sel), "id"));
		open_form(s, F_REMOVE);
		break;
	case VG_UI_PROFILE:
		if ((size_t)s->sel < nexceptions(s)) {
			vg_console_message(s->con, false, _("Select a profile first."));
			break;
		}
		toggle_profile(s);
		break;
	default:
		return VG_KEY_IGNORED;
	}
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

static int key(void *self, const struct vg_key *k)
{
	struct isolation_screen *s = self;
	int moved;

	if (s->form.open)
		return form_key(s, k);
	if (k->action == VG_ACT_COMMAND)
		return command(s, k->arg);
	if (k->action == VG_ACT_RELOAD) {
		reload(s);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	moved = vg_ui_move(s->sel, (int)nrows(s), k, 5);
	if (moved < 0)
		return VG_KEY_IGNORED;
	s->sel = moved;
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

static void row_text(const json_t *e, char *buf, size_t size)
{
	const char *any = _("any");
	const char *remote = str(e, "remote"), *rp = str(e, "remote_port"), *lp = str(e, "local_port");

	snprintf(buf, size, "%-5" JSON_INTEGER_FORMAT " %-5s %-7s %-24s %-11s %-11s %s",
		 json_integer_value(json_object_get(e, "id")), str(e, "direction"), str(e, "protocol"),
		 remote[0] ? remote : any, rp[0] ? rp : any, lp[0] ? lp : any, str(e, "comment"));
}

static void draw(void *self, const struct vg_view *v)
{
	struct isolation_screen *s = self;
	int y = v->top, w = v->cols - 4;
	bool on;
	char buf[1024], left[64];
	json_t *e;
	size_t i, nex;

	if (!s->status) {
		const char *text = s->unavailable                  ? _("Isolation is not available in this agent.")
				   : s->error[0]                   ? s->error
				   : !vg_console_connected(s->con) ? _("The agent is not reachable.")
								   : _("Asking the agent…");

		attrset(vg_ui_attr(s->error[0] ? VG_ROLE_WARN : VG_ROLE_DIM));
		vg_ui_text(y + 1, 2, text, w);
		attrset(A_NORMAL);
		goto form;
	}
	on = strcmp(str(s->status, "state"), "on") == 0;
	if (on) {
		json_t *until = json_object_get(s->status, "until");

		if (json_is_integer(until)) {
			long long l = json_integer_value(until) - (long long)time(NULL);

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
		snprintf(buf, sizeof(buf), "%s %s", _("Reason:"), str(s->status, "reason"));
		vg_ui_text(y++, 2, buf, w);
	} else {
		attrset(vg_ui_attr(VG_ROLE_OK));
		vg_ui_text(y++, 2, _("Isolation: off (the network is open)"), w);
		attrset(A_NORMAL);
	}
	if (json_object_get(s->status, "last_error")) {
		attrset(vg_ui_attr(VG_ROLE_ERROR));
		vg_ui_text(y++, 2, str(s->status, "last_error"), w);
		attrset(A_NORMAL);
	}
	json_array_foreach(json_object_get(s->status, "warnings"), i, e) {
		attrset(vg_ui_attr(VG_ROLE_WARN));
		snprintf(buf, sizeof(buf), "%s %s", _("Warning:"), str(e, "message"));
		vg_ui_text(y++, 2, buf, w);
		attrset(A_NORMAL);
		if (y > v->top + 5)
			break;
	}
	y++;
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_fill(y, 0, v->cols, vg_ui_attr(VG_ROLE_HEADING));
	snprintf(buf, sizeof(buf), "%-5s %-5s %-7s %-24s %-11s %-11s %s", _("No."), _("Dir."), _("Proto."),
		 _("Remote"), _("Rem. port"), _("Loc. port"), _("Comment"));
	vg_ui_text(y++, 1, buf, v->cols - 2);
	attrset(A_NORMAL);
	nex = nexceptions(s);
	s->row_ex = y - v->top;
	if (!nex) {
		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_text(y++, 2, _("No exception: press a to add one."), w);
		attrset(A_NORMAL);
	}
	json_array_foreach(exceptions(s), i, e) {
		if (y >= v->top + v->rows - 5)
			break;
		row_text(e, buf, sizeof(buf));
		if ((int)i == s->sel)
			vg_ui_fill(y, 0, v->cols, vg_ui_attr(VG_ROLE_SELECTED));
		attrset((int)i == s->sel ? vg_ui_attr(VG_ROLE_SELECTED) : A_NORMAL);
		vg_ui_text(y++, 1, buf, v->cols - 2);
		attrset(A_NORMAL);
	}
	y++;
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_text(y++, 1, _("Profiles (allowed while isolated)"), w);
	attrset(A_NORMAL);
	s->row_prof = y - v->top;
	json_array_foreach(s->profiles, i, e) {
		bool sel = (int)(nex + i) == s->sel;

		if (y >= v->top + v->rows)
			break;
		snprintf(buf, sizeof(buf), "[%c] %s", json_is_true(json_object_get(e, "enabled")) ? 'x' : ' ',
			 str(e, "name"));
		if (sel)
			vg_ui_fill(y, 0, v->cols, vg_ui_attr(VG_ROLE_SELECTED));
		attrset(sel ? vg_ui_attr(VG_ROLE_SELECTED) : A_NORMAL);
		vg_ui_text(y++, 3, buf, w);
		attrset(A_NORMAL);
	}
form:
	if (s->form.open)
		vg_form_draw(&s->form, v);
}

/* A click selects an exception or a profile. */
static int click(void *self, int row)
{
	struct isolation_screen *s = self;
	int nex = (int)nexceptions(s), np = (int)json_array_size(s->profiles);

	if (s->form.open || !s->status)
		return VG_KEY_IGNORED;
	if (row >= s->row_ex && row - s->row_ex < nex)
		s->sel = row - s->row_ex;
	else if (row >= s->row_prof && row - s->row_prof < np)
		s->sel = nex + row - s->row_prof;
	else
		return VG_KEY_IGNORED;
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

const struct vg_screen_class vg_screen_isolation = {
	.id = VG_SCR_ISOLATION,
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
