/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent.h"
#include "nls.h"
#include "settings.h"
#include "vigil/error.h"

#define MAX_IMPORT_SIZE (1024 * 1024)
#define MAX_HISTORY 10000

static const char *type_name(enum vg_setting_type t)
{
	switch (t) {
	case VG_SETTING_BOOL:
		return "bool";
	case VG_SETTING_INT:
		return "int";
	case VG_SETTING_LIST:
		return "list";
	case VG_SETTING_STRING:
		break;
	}
	return "string";
}

static json_t *describe(const struct vg_settings *s, const struct vg_setting_def *def)
{
	const char *value = vg_setting_text(s, def);
	bool secret = def->flags & VG_SETTING_SECRET;
	json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:b, s:s}", "key", def->key, "type", type_name(def->type),
			      "value", secret ? json_string(value[0] ? "********" : "") : vg_setting_to_json(def, value),
			      "default", vg_setting_to_json(def, def->def),
			      "changed", strcmp(value, def->def) != 0, "help", def->help);

	if (o && def->type == VG_SETTING_INT) {
		json_object_set_new(o, "min", json_integer(def->min));
		json_object_set_new(o, "max", json_integer(def->max));
	}
	if (o && def->unit)
		json_object_set_new(o, "unit", json_string(def->unit));
	if (o) {
		const char *source = vg_setting_source(s, def);

		/* Who set the value: "default" (never set), "vigilctl" (the control socket), or what
		 * set it otherwise: a drop-in file ("file NAME:LINE"), the command line. */
		json_object_set_new(o, "source", json_string(!source ? "default" : source[0] ? source : "vigilctl"));
	}
	return o;
}

int vg_cmd_settings_show(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	const char *key = json_string_value(json_object_get(req->args, "key"));
	const struct vg_setting_registry *reg = vg_settings_registry(agent->settings);
	const struct vg_setting_def *const *defs;
	size_t n;
	json_t *list;

	if (key) {
		const struct vg_setting_def *def = vg_setting_registry_find(reg, key, err);

		if (!def)
			return -ENOENT;
		*result = json_pack("[o]", describe(agent->settings, def));
		return 0;
	}
	defs = vg_setting_registry_defs(reg, &n);
	list = json_array();
	for (size_t i = 0; list && i < n; i++)
		json_array_append_new(list, describe(agent->settings, defs[i]));
	*result = list;
	return 0;
}

/* The paths of a new value that are not on the host (a directory still to be made): each a
 * warning {code, message, msgid, args, prefix}, the change kept. */
static json_t *host_warnings(const struct vg_settings *s, const struct vg_setting_def *def)
{
	char value[VG_SETTING_MAX_VALUE], prefix[128], *save = NULL;
	bool list = def->type == VG_SETTING_LIST;
	json_t *warnings = json_array();
	struct stat st;

	if (!(def->flags & VG_SETTING_PATHS))
		return warnings;
	snprintf(value, sizeof(value), "%s", vg_setting_text(s, def));
	snprintf(prefix, sizeof(prefix), "%s: ", def->key);
	for (char *item = list ? strtok_r(value, ",", &save) : value; item && item[0];
	     item = list ? strtok_r(NULL, ",", &save) : NULL) {
		struct vg_error w;

		if (stat(item, &st) == 0 || errno != ENOENT)
			continue;
		vg_error_set(&w, -ENOENT, N_("%s does not exist on this host (the value is kept)"), item);
		vg_error_prefix(&w, prefix);
		json_array_append_new(warnings, vg_ctl_error_json(&w));
	}
	return warnings;
}

/* args: {"pairs": [{"key": K, "value": V}, ...]}, V a string or a typed JSON value. */
int vg_cmd_settings_set(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	json_t *pairs = json_object_get(req->args, "pairs"), *item;
	struct vg_setting_pair *p;
	char (*text)[VG_SETTING_MAX_VALUE];
	size_t i, n;
	int r = 0;

	if (!json_is_array(pairs) || json_array_size(pairs) == 0)
		return vg_error_set(err, -EINVAL, N_("settings.set needs a list of pairs"));
	n = json_array_size(pairs);
	if (n > 256)
		return vg_error_set(err, -E2BIG, N_("too many settings in one change"));
	p = calloc(n, sizeof(*p));
	text = calloc(n, sizeof(*text));
	if (!p || !text) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto out;
	}
	json_array_foreach(pairs, i, item) {
		const char *key = json_string_value(json_object_get(item, "key"));
		json_t *value = json_object_get(item, "value");
		const struct vg_setting_def *def;

		if (!key || !value) {
			r = vg_error_set(err, -EINVAL, N_("each pair needs a \"key\" and a \"value\""));
			goto out;
		}
		def = vg_setting_registry_find(vg_settings_registry(agent->settings), key, err);
		if (!def) {
			r = -ENOENT;
			goto out;
		}
		if (json_is_string(value)) {
			if (strlen(json_string_value(value)) >= VG_SETTING_MAX_VALUE) {
				r = vg_error_set(err, -EINVAL, N_("the value of %s is too long"), key);
				goto out;
			}
			strcpy(text[i], json_string_value(value));
		} else if ((r = vg_setting_from_json(def, value, text[i], sizeof(text[i]), err)) < 0) {
			goto out;
		}
		p[i].def = def;
		p[i].value = text[i];
	}
	if ((r = vg_settings_set(agent->settings, p, n, req->peer->uid, err)) < 0)
		goto out;
	*result = json_array();
	for (i = 0; i < n; i++) {
		json_t *o = describe(agent->settings, p[i].def), *warnings = host_warnings(agent->settings, p[i].def);

		if (json_array_size(warnings))
			json_object_set_new(o, "warnings", warnings);
		else
			json_decref(warnings);
		json_array_append_new(*result, o);
	}
out:
	free(p);
	free(text);
	return r;
}

static int format_arg(struct vg_ctl_request *req, enum vg_settings_format *format, struct vg_error *err)
{
	const char *name = json_string_value(json_object_get(req->args, "format"));

	*format = VG_SETTINGS_INI;
	if (name && vg_settings_format_parse(name, format) < 0)
		return vg_error_set(err, -EINVAL, N_("unknown format \"%s\" (ini or json)"), name);
	return 0;
}

int vg_cmd_settings_export(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	enum vg_settings_format format;
	char *text = NULL;
	int r;

	if ((r = format_arg(req, &format, err)) < 0 ||
	    (r = vg_settings_export(agent->settings, format, &text, err)) < 0)
		return r;
	*result = json_pack("{s:s, s:s}", "format", format == VG_SETTINGS_JSON ? "json" : "ini", "content", text);
	free(text);
	return 0;
}

int vg_cmd_settings_import(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	json_t *content = json_object_get(req->args, "content");
	const char *source = json_string_value(json_object_get(req->args, "source"));
	enum vg_settings_format format;
	int r;

	if ((r = format_arg(req, &format, err)) < 0)
		return r;
	if (!json_is_string(content))
		return vg_error_set(err, -EINVAL, N_("settings.import needs the file content"));
	if (json_string_length(content) > MAX_IMPORT_SIZE)
		return vg_error_set(err, -EFBIG, N_("the settings file is larger than %s bytes"), "1048576");
	if ((r = vg_settings_import(agent->settings, format, json_string_value(content), json_string_length(content),
				    source && source[0] ? source : "import", req->peer->uid, err)) < 0)
		return r;
	*result = json_object();
	return 0;
}

int vg_cmd_settings_history(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	json_t *jlimit = json_object_get(req->args, "limit");
	json_int_t limit = jlimit ? json_integer_value(jlimit) : 100;

	json_t *e;
	size_t i;

	if (limit <= 0 || limit > MAX_HISTORY)
		limit = MAX_HISTORY;
	*result = vg_settings_history(agent->settings, (unsigned)limit, err);
	if (!*result)
		return -EIO;
	/* In the protocol's forms, as settings.show and the JSON export give them: the time in RFC 3339
	 * (and time_ms), old and new typed (true, not "yes"); a secret stays masked. */
	json_array_foreach(*result, i, e) {
		const struct vg_setting_def *def = vg_setting_registry_find(vg_settings_registry(agent->settings),
									    json_string_value(json_object_get(e, "key")), NULL);

		vg_ctl_set_time(e, "time", (int64_t)json_integer_value(json_object_get(e, "time")) * 1000);
		if (!def || (def->flags & VG_SETTING_SECRET))
			continue;
		json_object_set_new(e, "old", vg_setting_to_json(def, json_string_value(json_object_get(e, "old")) ?: ""));
		json_object_set_new(e, "new", vg_setting_to_json(def, json_string_value(json_object_get(e, "new")) ?: ""));
	}
	return 0;
}
