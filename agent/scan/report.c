/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JSON forms of OpenIOC documents (ioc.check) and of scan results (ioc.scan, ioc.results). */
#include "config.h"

#include <jansson.h>
#include <string.h>

#include "scan/report.h"
#include "nls.h"

static json_t *errors_json(const struct vg_error *(*at)(const struct vg_ioc *, size_t), size_t n,
			   const struct vg_ioc *ioc)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(at(ioc, i)->message));
	return a;
}

json_t *vg_scan_report_check(const struct vg_ioc *ioc, const char *file)
{
	struct vg_ioc_info info;
	const struct vg_ioc_term *terms[256];
	vg_ioc_get_info(ioc, &info);
	size_t nt = vg_ioc_terms_used(ioc, terms, 256);
	json_t *supported = json_array();
	for (size_t i = 0; supported && i < nt && i < 256; i++)
		json_array_append_new(supported, json_string(terms[i]->search));
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:I, s:I, s:I, s:o, s:o}", "file", file, "id", info.id,
			 "version", info.version == 10 ? "1.0" : "1.1", "description", info.description,
			 "indicators", (json_int_t)info.indicators, "items", (json_int_t)info.items,
			 "supported_terms", supported, "unsupported_items", (json_int_t)info.unsupported,
			 "empty_content", (json_int_t)info.empty_content, "defect_count", (json_int_t)info.defects,
			 "defects", errors_json(vg_ioc_defect, vg_ioc_defect_count(ioc), ioc),
			 "warnings", errors_json(vg_ioc_warning, vg_ioc_warning_count(ioc), ioc));
}

/* One match item: its document and what identifies the object. */
static json_t *match_item(const struct vg_ioc_match *m)
{
	json_t *o = json_pack("{s:s}", "document", vg_ioc_doc_name(m->doc));
	for (int i = 0; o && i < 2; i++)
		if (m->label_key[i] && m->label[i]) {
			if (strcmp(m->label_key[i], "pid") == 0)
				json_object_set_new(o, "pid", json_integer(strtoll(m->label[i], NULL, 10)));
			else
				json_object_set_new(o, m->label_key[i], json_string(m->label[i]));
		}
	/* What an action checks before it acts (a scan with an action). */
	if (o && m->identity.known && m->doc == VG_IOC_DOC_FILE) {
		json_object_set_new(o, "dev", json_integer((json_int_t)m->identity.dev));
		json_object_set_new(o, "inode", json_integer((json_int_t)m->identity.ino));
		if (m->identity.sha256[0])
			json_object_set_new(o, "sha256", json_string(m->identity.sha256));
	} else if (o && m->identity.known && m->doc == VG_IOC_DOC_PROCESS) {
		json_object_set_new(o, "start_time", json_integer((json_int_t)m->identity.start_time));
	}
	return o;
}

json_t *vg_scan_report_eval(const struct vg_ioc *ioc, const char *file, const struct vg_ioc_eval *ev,
			   enum vg_ioc_truth t)
{
	struct vg_ioc_info info;
	vg_ioc_get_info(ioc, &info);
	json_t *matches = json_array(), *warnings = json_array();
	for (size_t i = 0; matches && i < vg_ioc_eval_match_count(ev); i++) {
		const struct vg_ioc_match *m = vg_ioc_eval_match(ev, i);
		json_t *entry = NULL;
		size_t k;
		json_t *e;
		json_array_foreach(matches, k, e)
			if (strcmp(json_string_value(json_object_get(e, "indicator")), m->indicator) == 0)
				entry = e;
		if (!entry) {
			entry = json_pack("{s:s, s:[]}", "indicator", m->indicator, "items");
			json_array_append_new(matches, entry);
		}
		json_array_append_new(json_object_get(entry, "items"), match_item(m));
	}
	for (size_t i = 0; warnings && i < vg_ioc_warning_count(ioc); i++)
		json_array_append_new(warnings, json_string(vg_ioc_warning(ioc, i)->message));
	for (size_t i = 0; warnings && i < vg_ioc_eval_warning_count(ev); i++)
		json_array_append_new(warnings, json_string(vg_ioc_eval_warning(ev, i)->message));
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "file", file, "id", info.id, "version",
			 info.version == 10 ? "1.0" : "1.1", "result", vg_ioc_truth_name(t), "matches", matches,
			 "warnings", warnings);
}

json_t *vg_scan_report_failed(const char *file, const char *id, const char *why)
{
	return json_pack("{s:s, s:s, s:n, s:s, s:[], s:[s]}", "file", file, "id", id ? id : "", "version", "result",
			 "unknown", "matches", "warnings", why);
}

/* The words of enum vg_ioc_phase on the wire. */
static const char *phase_name(enum vg_ioc_phase p)
{
	static const char *const names[] = { "start", "system", "processes", "ports", "counting", "files", "done" };

	return (unsigned)p < sizeof(names) / sizeof(names[0]) ? names[p] : "start";
}

json_t *vg_scan_report_stats(const struct vg_ioc_scan_stats *st)
{
	/* Durations in the protocol are whole milliseconds, named so (duration_ms). */
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "phase", phase_name(st->phase),
			 "files_seen", (json_int_t)st->files_seen, "files_total", (json_int_t)st->files_total,
			 "files_counted", (json_int_t)st->files_counted,
			 "files_hashed", (json_int_t)st->files_hashed, "files_skipped", (json_int_t)st->files_skipped,
			 "bytes_read", (json_int_t)st->bytes_read, "processes", (json_int_t)st->processes,
			 "ports", (json_int_t)st->ports, "duration_ms", (json_int_t)(st->seconds * 1000.0 + 0.5));
}
