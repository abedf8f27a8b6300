/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Snapshots of what the detection evaluates: the Sigma rules of every directory of
 * detection.rules_dirs and of the server, compiled into one set, and the armed OpenIOC
 * documents.  A snapshot is built on a worker; a rule or a directory that cannot be read is a
 * reject of the set with its reason and never keeps the others from loading.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "detect/detect.h"
#include "scan/check.h"
#include "nls.h"
#include "vigil/error.h"

struct vg_det_rules *vg_det_rules_ref(struct vg_det_rules *r)
{
	if (r)
		atomic_fetch_add(&r->refs, 1);
	return r;
}

void vg_det_watch_free(struct vg_det_watch *w)
{
	vg_ioc_free(w->ioc);
	w->ioc = NULL;
}

void vg_det_rules_unref(struct vg_det_rules *r)
{
	if (!r || atomic_fetch_sub(&r->refs, 1) != 1)
		return;
	vg_sigma_set_free(r->set);
	for (size_t i = 0; i < r->nwatches; i++)
		vg_det_watch_free(&r->watches[i]);
	free(r->watches);
	json_decref(r->inputs);
	json_decref(r->disabled);
	vg_det_regex_unref(r->regex);
	free(r);
}

void vg_det_build_free(struct vg_det_build *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->ndirs; i++)
		free(b->dirs[i]);
	free(b->server_dir);
	for (size_t i = 0; i < b->ndisabled; i++)
		free(b->disabled[i]);
	free(b->disabled);
	json_decref(b->watches);
	vg_det_regex_unref(b->regex);
	free(b);
}

int vg_det_watch_load(struct vg_det_watch *w, struct vg_sandbox *sb, const struct vg_sandbox_limits *limits,
		      const struct vg_det_regex *regex, const char *id, const char *file, const char *document, size_t len,
		      struct vg_error *err)
{
	struct vg_ioc_info info;
	int r;

	memset(w, 0, sizeof(*w));
	/* The agent parses no OpenIOC document itself, and compiles none of its regular expressions
	 * (doc/security.md). */
	if ((r = vg_scan_load_sandboxed(sb, limits, file, document, len, vg_det_regex_ioc(regex), &w->ioc, err)) < 0)
		return r;
	vg_ioc_get_info(w->ioc, &info);
	w->process = vg_ioc_needs_doc(w->ioc, VG_IOC_DOC_PROCESS);
	w->file_doc = vg_ioc_needs_doc(w->ioc, VG_IOC_DOC_FILE);
	if (!w->process && !w->file_doc) {
		vg_ioc_free(w->ioc);
		w->ioc = NULL;
		return vg_error_set(err, -EINVAL,
				    N_("%s has no ProcessItem or FileItem term: nothing of it can be evaluated on events"), file);
	}
	snprintf(w->id, sizeof(w->id), "%s", id && id[0] ? id : info.id[0] ? info.id : file);
	snprintf(w->file, sizeof(w->file), "%s", file);
	w->armed_ms = vg_time_ms();
	return 0;
}

/* Adds one directory; a missing one is recorded (the default directories may not exist). */
static void add_dir(struct vg_sigma_set *set, const char *dir, json_t *inputs, unsigned *files)
{
	size_t before = vg_sigma_set_rule_count(set);
	struct vg_error err = { 0 };
	struct stat st;
	json_t *in;
	int r;

	if (stat(dir, &st) < 0) {
		json_array_append_new(inputs, json_pack("{s:s, s:i, s:s}", "dir", dir, "rules", 0, "error", strerror(errno)));
		return;
	}
	r = vg_sigma_set_add_dir(set, dir, &err);
	in = json_pack("{s:s, s:I}", "dir", dir, "rules", (json_int_t)(vg_sigma_set_rule_count(set) - before));
	if (r < 0)
		json_object_set_new(in, "error", json_string(err.message));
	json_array_append_new(inputs, in);
	(*files)++;
}

int vg_det_rules_build(const struct vg_det_build *b, struct vg_det_rules **out, struct vg_error *err)
{
	struct vg_det_rules *r = calloc(1, sizeof(*r));
	size_t i;
	json_t *w;

	if (!r)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	atomic_init(&r->refs, 1);
	r->regex = vg_det_regex_ref(b->regex);
	r->generation = b->generation;
	r->inputs = json_array();
	r->disabled = json_array();
	if (vg_sigma_set_new(NULL, &r->set) < 0)
		goto oom;
	for (i = 0; i < b->ndirs; i++)
		add_dir(r->set, b->dirs[i], r->inputs, &r->files);
	/* The server's rules: their regular expressions go to the sandbox (doc/security.md). */
	if (b->server_dir && vg_sigma_set_regex(r->set, vg_det_regex_sigma(b->regex)) == 0)
		add_dir(r->set, b->server_dir, r->inputs, &r->files);
	for (i = 0; i < b->ndisabled; i++) {
		if (vg_sigma_set_disable(r->set, b->disabled[i]) < 0)
			goto oom;
		json_array_append_new(r->disabled, json_string(b->disabled[i]));
	}
	if (vg_sigma_set_compile(r->set, err) < 0)
		goto fail;
	r->sources = vg_sigma_set_sources(r->set);
	for (i = 0; i < vg_sigma_set_rule_count(r->set); i++)
		if (vg_sigma_rule_info(vg_sigma_set_rule(r->set, i))->type != VG_SIGMA_DETECTION)
			r->correlations = true;
	if (json_array_size(b->watches) && !(r->watches = calloc(json_array_size(b->watches), sizeof(*r->watches))))
		goto oom;
	json_array_foreach(b->watches, i, w) {
		const char *doc = json_string_value(json_object_get(w, "document"));
		struct vg_error werr = { 0 };

		if (!doc)
			continue;
		/* Checked when armed; one that no longer loads (a newer engine's limits) is left out. */
		if (vg_det_watch_load(&r->watches[r->nwatches], b->sandbox, &b->limits, b->regex,
				      json_string_value(json_object_get(w, "id")), json_string_value(json_object_get(w, "file")),
				      doc, strlen(doc), &werr) == 0)
			r->nwatches++;
		else
			json_array_append_new(r->inputs, json_pack("{s:O, s:s}", "watch", json_object_get(w, "id"),
								   "error", werr.message));
	}
	r->loaded_ms = vg_time_ms();
	*out = r;
	return 0;
oom:
	vg_error_set(err, -ENOMEM, N_("out of memory"));
fail:
	vg_det_rules_unref(r);
	return err->code;
}

static json_t *strings_json(const struct vg_sigma_strings *s)
{
	json_t *a = json_array();

	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	return a;
}

static json_t *sources_json(unsigned sources)
{
	json_t *a = json_array();

	for (unsigned s = 1; s <= VG_SIGMA_SRC_ALL; s <<= 1)
		if (sources & s)
			json_array_append_new(a, json_string(vg_sigma_source_name(s)));
	return a;
}

/* A rule's state: loaded and reported, disabled, or loaded only to feed a correlation. */
const char *vg_det_rule_state(const struct vg_det_rules *r, const struct vg_sigma_rule_info *info)
{
	size_t i;
	json_t *d;

	if (info->reported)
		return "enabled";
	json_array_foreach(r->disabled, i, d)
		if (strcmp(json_string_value(d), info->id) == 0 || (info->name[0] && strcmp(json_string_value(d), info->name) == 0))
			return "disabled";
	return "correlated";
}

json_t *vg_det_rule_summary(const struct vg_det_rules *r, const struct vg_sigma_rule *rule)
{
	const struct vg_sigma_rule_info *info = vg_sigma_rule_info(rule);

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:I}", "id", info->id, "name", info->name,
			 "title", info->title, "type", vg_sigma_rule_type_name(info->type), "level",
			 vg_sigma_level_name(info->level), "status", vg_sigma_status_name(info->status), "state",
			 vg_det_rule_state(r, info), "sources", sources_json(info->sources), "techniques",
			 strings_json(&info->techniques), "file", info->file, "line", (json_int_t)info->line);
}

json_t *vg_det_rule_detail(const struct vg_det_rules *r, const struct vg_sigma_rule *rule)
{
	const struct vg_sigma_rule_info *info = vg_sigma_rule_info(rule);
	json_t *o = vg_det_rule_summary(r, rule);

	json_object_set_new(o, "description", json_string(info->description));
	json_object_set_new(o, "author", json_string(info->author));
	json_object_set_new(o, "date", json_string(info->date));
	json_object_set_new(o, "modified", json_string(info->modified));
	json_object_set_new(o, "tags", strings_json(&info->tags));
	json_object_set_new(o, "tactics", strings_json(&info->tactics));
	json_object_set_new(o, "references", strings_json(&info->references));
	json_object_set_new(o, "falsepositives", strings_json(&info->falsepositives));
	json_object_set_new(o, "logsource", json_pack("{s:s, s:s, s:s}", "product", info->product, "category",
						      info->category, "service", info->service));
	json_object_set_new(o, "selections", strings_json(&info->selections));
	if (info->type != VG_SIGMA_DETECTION) {
		json_object_set_new(o, "rules", strings_json(&info->rules));
		json_object_set_new(o, "group_by", strings_json(&info->group_by));
		json_object_set_new(o, "timespan_ms", json_integer(info->timespan_ms));
	}
	json_object_set_new(o, "yaml", json_string(info->yaml));
	return o;
}

json_t *vg_det_rejects_json(const struct vg_sigma_set *set, size_t max)
{
	json_t *a = json_array();
	size_t n = set ? vg_sigma_set_reject_count(set) : 0;

	for (size_t i = 0; i < n && i < max; i++) {
		const struct vg_sigma_reject *j = vg_sigma_set_reject(set, i);
		json_t *o = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:b, s:s, s:s}", "file", j->file, "line",
				      (json_int_t)j->line, "column", (json_int_t)j->column, "id", j->id, "title", j->title,
				      "source", j->source_name, "unsupported_source", j->unsupported_source, "reason",
				      j->error.message, "msgid", j->error.msgid);
		json_t *args = json_array();

		for (int k = 0; k < j->error.nargs; k++)
			json_array_append_new(args, json_string(j->error.args[k]));
		json_object_set_new(o, "args", args);
		json_object_set_new(o, "prefix", json_string(j->error.prefix));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *vg_det_watches_json(const struct vg_det_rules *r)
{
	json_t *a = json_array();

	for (size_t i = 0; r && i < r->nwatches; i++) {
		const struct vg_det_watch *w = &r->watches[i];
		struct vg_ioc_info info;
		json_t *docs = json_array();

		vg_ioc_get_info(w->ioc, &info);
		if (w->process)
			json_array_append_new(docs, json_string("ProcessItem"));
		if (w->file_doc)
			json_array_append_new(docs, json_string("FileItem"));
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "id", w->id, "file", w->file,
						   "description", info.description, "indicators",
						   (json_int_t)info.indicators, "items", (json_int_t)info.items,
						   "documents", docs));
	}
	return a;
}
