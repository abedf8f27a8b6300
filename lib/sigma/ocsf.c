/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The ready-made accessor over an OCSF event in JSON: its sources from class_uid and
 * activity_id, a path ("process.parent_process.file.path") walked through objects and arrays
 * (every element of an array on the way gives its values), and the audit records of
 * unmapped.audit, each an auditd event of its own.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sigma/sigma-int.h"

#define OCSF_FILE_ACTIVITY 1001
#define OCSF_PROCESS_ACTIVITY 1007
#define OCSF_NETWORK_ACTIVITY 4001
#define MAX_SEGMENT 128
#define MAX_WALK_DEPTH 16

unsigned vg_sigma_ocsf_sources(const json_t *event)
{
	json_int_t cls = json_integer_value(json_object_get(event, "class_uid"));
	json_int_t act = json_integer_value(json_object_get(event, "activity_id"));

	switch (cls) {
	case OCSF_PROCESS_ACTIVITY:
		return act == 1 ? VG_SIGMA_SRC_PROCESS_CREATION : 0;
	case OCSF_NETWORK_ACTIVITY:
		/* Open, or Other named "Connecting": a non-blocking connect the process started (the
		 * agent saw the call, not its end), a connection all the same for the rules. */
		if (act == 1 || (act == 99 && strcmp(json_string_value(json_object_get(event, "activity_name")) ?: "",
						     "Connecting") == 0))
			return VG_SIGMA_SRC_NETWORK_CONNECTION;
		return 0;
	case OCSF_FILE_ACTIVITY:
		switch (act) {
		case 1:
			return VG_SIGMA_SRC_FILE_EVENT;
		case 3:
			return VG_SIGMA_SRC_FILE_EVENT | VG_SIGMA_SRC_FILE_CHANGE;
		case 4:
			return VG_SIGMA_SRC_FILE_DELETE;
		case 5:
			return VG_SIGMA_SRC_FILE_EVENT | VG_SIGMA_SRC_FILE_RENAME;
		default:
			return 0;
		}
	default:
		return 0;
	}
}

/* Emits a leaf: its text for a string, number or boolean, NULL for null; an array's scalar
 * elements one by one.  Returns non-zero when emit asked to stop. */
static int emit_value(const json_t *v, vg_sigma_emit_fn emit, void *sink, unsigned depth)
{
	char num[64];
	int n;

	switch (json_typeof(v)) {
	case JSON_STRING:
		return emit(sink, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return emit(sink, num, (size_t)n);
	case JSON_REAL:
		n = snprintf(num, sizeof(num), "%.15g", json_real_value(v));
		return emit(sink, num, (size_t)n);
	case JSON_TRUE:
		return emit(sink, "true", 4);
	case JSON_FALSE:
		return emit(sink, "false", 5);
	case JSON_NULL:
		return emit(sink, NULL, 0);
	case JSON_ARRAY:
		if (depth < MAX_WALK_DEPTH) {
			size_t i;
			const json_t *e;

			json_array_foreach(v, i, e)
				if (!json_is_object(e) && emit_value(e, emit, sink, depth + 1))
					return 1;
		}
		return 0;
	default:
		return 0;
	}
}

/* Follows path from v; returns 1 when the path exists (somewhere, through arrays). */
static int walk(const json_t *v, const char *path, vg_sigma_emit_fn emit, void *sink, unsigned depth, bool *stop)
{
	char seg[MAX_SEGMENT];
	const char *dot;
	size_t len;
	int found = 0;

	if (depth > MAX_WALK_DEPTH || *stop)
		return 0;
	if (json_is_array(v)) {
		size_t i;
		const json_t *e;

		json_array_foreach(v, i, e) {
			if (walk(e, path, emit, sink, depth + 1, stop) == 1)
				found = 1;
			if (*stop)
				break;
		}
		return found;
	}
	if (!json_is_object(v))
		return 0;
	dot = strchr(path, '.');
	len = dot ? (size_t)(dot - path) : strlen(path);
	if (len == 0 || len >= sizeof(seg))
		return 0;
	memcpy(seg, path, len);
	seg[len] = '\0';
	v = json_object_get(v, seg);
	if (!v)
		return 0;
	if (dot)
		return walk(v, dot + 1, emit, sink, depth + 1, stop);
	if (emit_value(v, emit, sink, depth))
		*stop = true;
	return 1;
}

static int ocsf_get(const struct vg_sigma_event *ev, const char *path, vg_sigma_emit_fn emit, void *sink)
{
	bool stop = false;

	return walk(ev->data, path, emit, sink, 0, &stop);
}

void vg_sigma_ocsf_event(struct vg_sigma_event *ev, const json_t *json, uint64_t id)
{
	*ev = (struct vg_sigma_event){
		.sources = vg_sigma_ocsf_sources(json),
		.get = ocsf_get,
		.data = json,
		.id = id,
		.record = -1,
	};
}

static int record_get(const struct vg_sigma_event *ev, const char *name, vg_sigma_emit_fn emit, void *sink)
{
	const json_t *v = json_object_get(ev->data, name);

	if (!v)
		return 0;
	emit_value(v, emit, sink, 0);
	return 1;
}

static int record_each(const struct vg_sigma_event *ev, vg_sigma_emit_fn emit, void *sink)
{
	const char *k;
	const json_t *v;

	json_object_foreach((json_t *)ev->data, k, v)
		if (emit_value(v, emit, sink, 0))
			return 1;
	return 0;
}

void vg_sigma_ocsf_record(struct vg_sigma_event *ev, const json_t *record, uint64_t id, int index)
{
	*ev = (struct vg_sigma_event){
		.sources = json_is_object(record) ? VG_SIGMA_SRC_AUDITD : 0,
		.get = record_get,
		.each = record_each,
		.data = record,
		.id = id,
		.record = index,
	};
}
