/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Words for numbers: durations, moments, sizes, rates, and the agent's errors translated. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nls.h"
#include "present.h"
#include "textwidth.h"
#include "vigil/error.h"

void vg_present_duration(char *buf, size_t size, int64_t s)
{
	long long v = s < 0 ? 0 : (long long)s;

	/* Two units at most, the second left out when it is zero. */
	if (v < 60)
		snprintf(buf, size, _("%lld s"), v);
	else if (v < 3600 && v % 60)
		snprintf(buf, size, _("%lld min %lld s"), v / 60, v % 60);
	else if (v < 3600)
		snprintf(buf, size, _("%lld min"), v / 60);
	else if (v < 86400 && (v % 3600) / 60)
		snprintf(buf, size, _("%lld h %lld min"), v / 3600, (v % 3600) / 60);
	else if (v < 86400)
		snprintf(buf, size, _("%lld h"), v / 3600);
	else if ((v % 86400) / 3600)
		snprintf(buf, size, _("%lld d %lld h"), v / 86400, (v % 86400) / 3600);
	else
		snprintf(buf, size, _("%lld d"), v / 86400);
}

void vg_present_date(char *buf, size_t size, int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (when <= 0 || !localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "%s", _("never"));
}

void vg_present_when(char *buf, size_t size, int64_t when, int64_t now)
{
	time_t t = (time_t)when, n = (time_t)now;
	struct tm tm, today;
	char at[64], gap[64];

	if (when <= 0 || !localtime_r(&t, &tm) || !localtime_r(&n, &today)) {
		snprintf(buf, size, "%s", _("never"));
		return;
	}
	if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
		strftime(at, sizeof(at), "%H:%M", &tm);
	else
		strftime(at, sizeof(at), "%Y-%m-%d %H:%M", &tm);
	if (when <= now) {
		vg_present_duration(gap, sizeof(gap), now - when);
		/* TRANSLATORS: a moment, then how long ago: "10:42 (3 h ago)". */
		snprintf(buf, size, _("%s (%s ago)"), at, gap);
	} else {
		vg_present_duration(gap, sizeof(gap), when - now);
		/* TRANSLATORS: a moment to come, then in how long: "14:00 (in 20 min)". */
		snprintf(buf, size, _("%s (in %s)"), at, gap);
	}
}

void vg_present_size(char *buf, size_t size, uint64_t bytes)
{
	double v = (double)bytes;
	size_t u = 0;
	char n[32];

	if (bytes < 1024) {
		snprintf(n, sizeof(n), "%" PRIu64, bytes);
		snprintf(buf, size, P_("%s byte", "%s bytes", (unsigned long)bytes), n);
		return;
	}
	v /= 1024.0;
	while (v >= 1024.0 && u < 3) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, _("%.1f KiB"), v);
	else if (u == 1)
		snprintf(buf, size, _("%.1f MiB"), v);
	else if (u == 2)
		snprintf(buf, size, _("%.1f GiB"), v);
	else
		snprintf(buf, size, _("%.1f TiB"), v);
}

void vg_present_rate(char *buf, size_t size, double r)
{
	if (r < 0.05)
		snprintf(buf, size, "0");
	else if (r < 10.0)
		snprintf(buf, size, "%.1f", r);
	else
		snprintf(buf, size, "%.0f", r);
}

const char *vg_present_error(const json_t *e, char *buf, size_t size)
{
	const char *msgid = json_string_value(json_object_get(e, "msgid"));
	const char *argv[VG_ERROR_MAX_ARGS];
	json_t *args = json_object_get(e, "args"), *a;
	int n = 0;
	size_t i, used;

	if (json_is_string(e)) {
		snprintf(buf, size, "%s", vg_present_msgid(json_string_value(e)));
		return buf;
	}
	if (!msgid || !msgid[0]) {
		snprintf(buf, size, "%s", json_string_value(json_object_get(e, "message")) ?: "");
		return buf;
	}
	json_array_foreach(args, i, a)
		if (n < VG_ERROR_MAX_ARGS)
			argv[n++] = json_string_value(a) ?: "";
	used = (size_t)snprintf(buf, size, "%s", json_string_value(json_object_get(e, "prefix")) ?: "");
	if (used < size)
		vg_error_format(buf + used, size - used, _(msgid), argv, n);
	return buf;
}

const char *vg_present_scan_state(const char *state)
{
	static const struct {
		const char *name, *text;
	} states[] = {
		{ "running", N_("running") },	  { "done", N_("done") },   { "cancelled", N_("cancelled") },
		{ "failed", N_("failed") },	  { "interrupted", N_("interrupted") },
	};

	for (size_t i = 0; state && i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(state, states[i].name) == 0)
			return _(states[i].text);
	return state ? state : "?";
}

int vg_present_label_width(const struct vg_present_item *items, size_t n)
{
	char label[160];
	int widest = 0;

	for (size_t i = 0; i < n; i++) {
		int w;

		snprintf(label, sizeof(label), _("%s:"), items[i].label);
		w = vg_text_width(label, strlen(label));
		widest = w > widest ? w : widest;
	}
	return widest;
}

const char *vg_present_label(const struct vg_present_item *item, int width, char *buf, size_t size)
{
	size_t used;

	snprintf(buf, size, _("%s:"), item->label);
	used = strlen(buf);
	/* Padded by the columns the label takes, not by its bytes. */
	for (int w = vg_text_width(buf, strlen(buf)); w < width && used + 1 < size; w++)
		buf[used++] = ' ';
	buf[used] = '\0';
	return buf;
}

const char *vg_present_msgid(const char *msgid)
{
	return msgid && msgid[0] ? _(msgid) : "";
}

const char *vg_present_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

long long vg_present_num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		return (long long)json_integer_value(v);
	if (json_is_real(v))
		return (long long)json_real_value(v);
	return 0;
}

const char *vg_present_setting_source(const json_t *setting, char *buf, size_t size)
{
	const char *source = vg_present_str(setting, "source");

	if (strcmp(source, "default") == 0)
		snprintf(buf, size, "%s", _("default"));
	else if (strcmp(source, "command line") == 0)
		snprintf(buf, size, "%s", _("command line"));
	else if (strncmp(source, "file ", 5) == 0)
		/* TRANSLATORS: where a setting's value came from: a drop-in file and its line ("10-fleet.conf:4"). */
		snprintf(buf, size, _("file %s"), source + 5);
	else
		snprintf(buf, size, "%s", source);
	return buf;
}
