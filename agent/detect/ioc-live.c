/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Live indicators: an armed OpenIOC document is evaluated on each process start and each file
 * creation or write, the event itself being the one object (a ProcessItem or a FileItem).  The
 * terms are read from the event as the telemetry made it (the executable's or the file's
 * hashes come from enrichment), never from the host afterwards: a process that already exited
 * or a file already changed is judged on what the event saw.  Terms the event does not carry
 * (SHA-1, handles, times of a file) are unknown, and a document whose answer needs them, or
 * needs objects of another kind (an AND of a process and a file), does not match: the state
 * is per event.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "events.h"

/* What each supported term reads in the event. */
enum source {
	S_NONE = 0,
	S_PID, S_PPID, S_PNAME, S_PDIR, S_PARGS, S_PUSER, S_PMD5, S_PSHA256,
	S_FFULL, S_FDIR, S_FNAME, S_FEXT, S_FSIZE, S_FMD5, S_FSHA256,
};

static const struct {
	const char *term;
	enum source src;
} term_sources[] = {
	{ "ProcessItem/pid", S_PID },
	{ "ProcessItem/parentpid", S_PPID },
	{ "ProcessItem/name", S_PNAME },
	{ "ProcessItem/path", S_PDIR },
	{ "ProcessItem/arguments", S_PARGS },
	{ "ProcessItem/Username", S_PUSER },
	{ "ProcessItem/Md5sum", S_PMD5 },
	{ "ProcessItem/Sha256sum", S_PSHA256 },
	{ "FileItem/FullPath", S_FFULL },
	{ "FileItem/FilePath", S_FDIR },
	{ "FileItem/FileName", S_FNAME },
	{ "FileItem/FileExtension", S_FEXT },
	{ "FileItem/SizeInBytes", S_FSIZE },
	{ "FileItem/Md5sum", S_FMD5 },
	{ "FileItem/Sha256sum", S_FSHA256 },
};

#define MAX_FIELDS 256
static enum source by_field[MAX_FIELDS];
static pthread_once_t mapped = PTHREAD_ONCE_INIT;

static void map_fields(void)
{
	for (size_t i = 0; i < sizeof(term_sources) / sizeof(term_sources[0]); i++) {
		const struct vg_ioc_term *t = vg_ioc_term_find(term_sources[i].term);

		if (t && t->field < MAX_FIELDS)
			by_field[t->field] = term_sources[i].src;
	}
}

struct event_object {
	const json_t *event;
	const json_t *proc;   /* the process started */
	const json_t *file;   /* the file written */
};

static int emit_json(vg_ioc_emit_fn emit, void *sink, const json_t *v)
{
	char num[32];
	int n;

	if (json_is_string(v)) {
		emit(sink, json_string_value(v), json_string_length(v));
		return 0;
	}
	if (json_is_integer(v)) {
		n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		emit(sink, num, (size_t)n);
		return 0;
	}
	return -ENODATA;
}

static const json_t *hash_of(const json_t *file, int algorithm)
{
	size_t i;
	json_t *h;

	json_array_foreach(json_object_get(file, "hashes"), i, h)
		if (json_integer_value(json_object_get(h, "algorithm_id")) == algorithm)
			return json_object_get(h, "value");
	return NULL;
}

/* The directory of a path (without the last "/", "/" for the root's files). */
static int emit_dir(vg_ioc_emit_fn emit, void *sink, const json_t *path)
{
	const char *p = json_string_value(path), *slash;

	if (!p || !(slash = strrchr(p, '/')))
		return -ENODATA;
	emit(sink, p, slash == p ? 1 : (size_t)(slash - p));
	return 0;
}

static int emit_base(vg_ioc_emit_fn emit, void *sink, const json_t *path)
{
	const char *p = json_string_value(path), *slash;

	if (!p)
		return -ENODATA;
	slash = strrchr(p, '/');
	p = slash ? slash + 1 : p;
	emit(sink, p, strlen(p));
	return 0;
}

static int get(const struct vg_ioc_object *obj, unsigned field, vg_ioc_emit_fn emit, void *sink)
{
	const struct event_object *o = obj->data;
	const json_t *pfile = json_object_get(o->proc, "file");
	enum source src = field < MAX_FIELDS ? by_field[field] : S_NONE;

	switch (src) {
	case S_PID:
		return emit_json(emit, sink, json_object_get(o->proc, "pid"));
	case S_PPID:
		return emit_json(emit, sink, json_object_get(json_object_get(o->proc, "parent_process"), "pid"));
	case S_PNAME:
		/* The image's base name, as the scan reads it (comm is cut at 15 bytes). */
		return json_object_get(pfile, "path") ? emit_base(emit, sink, json_object_get(pfile, "path"))
						      : emit_json(emit, sink, json_object_get(o->proc, "name"));
	case S_PDIR:
		return emit_dir(emit, sink, json_object_get(pfile, "path"));
	case S_PARGS:
		return emit_json(emit, sink, json_object_get(o->proc, "cmd_line"));
	case S_PUSER: {
		const json_t *user = json_object_get(o->proc, "user");

		return emit_json(emit, sink, json_object_get(user, json_object_get(user, "name") ? "name" : "uid"));
	}
	case S_PMD5:
		return emit_json(emit, sink, hash_of(pfile, 1));
	case S_PSHA256:
		return emit_json(emit, sink, hash_of(pfile, 3));
	case S_FFULL:
		return emit_json(emit, sink, json_object_get(o->file, "path"));
	case S_FDIR:
		return emit_dir(emit, sink, json_object_get(o->file, "path"));
	case S_FNAME:
		return emit_base(emit, sink, json_object_get(o->file, "path"));
	case S_FEXT: {
		const char *p = json_string_value(json_object_get(o->file, "path")), *slash, *dot;

		if (!p)
			return -ENODATA;
		slash = strrchr(p, '/');
		p = slash ? slash + 1 : p;
		dot = strrchr(p, '.');
		if (dot && dot != p && dot[1])
			emit(sink, dot + 1, strlen(dot + 1));
		return 0;
	}
	case S_FSIZE:
		return emit_json(emit, sink, json_object_get(o->file, "size"));
	case S_FMD5:
		return emit_json(emit, sink, hash_of(o->file, 1));
	case S_FSHA256:
		return emit_json(emit, sink, hash_of(o->file, 3));
	default:
		/* Not in the event: unknown for this object. */
		return -ENODATA;
	}
}

json_t *vg_det_ioc_eval(const struct vg_det_rules *r, const json_t *event, int64_t now_ms)
{
	json_int_t cls = json_integer_value(json_object_get(event, "class_uid"));
	json_int_t act = json_integer_value(json_object_get(event, "activity_id"));
	struct event_object o = { .event = event };
	struct vg_ioc_object obj = { .get = get, .data = &o };
	json_t *found = json_array();
	char pid[24];

	pthread_once(&mapped, map_fields);
	if (cls == VG_OCSF_PROCESS_ACTIVITY && act == 1) {
		obj.doc = VG_IOC_DOC_PROCESS;
		o.proc = json_object_get(event, "process");
		snprintf(pid, sizeof(pid), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(o.proc, "pid")));
		obj.label_key[0] = "pid";
		obj.label[0] = pid;
		obj.label_key[1] = "path";
		obj.label[1] = json_string_value(json_object_get(json_object_get(o.proc, "file"), "path"));
	} else if (cls == VG_OCSF_FILE_ACTIVITY && (act == 1 || act == 3)) {
		obj.doc = VG_IOC_DOC_FILE;
		o.file = json_object_get(event, "file");
		obj.label_key[0] = "path";
		obj.label[0] = json_string_value(json_object_get(o.file, "path"));
	} else {
		return found;
	}
	for (size_t i = 0; i < r->nwatches; i++) {
		const struct vg_det_watch *w = &r->watches[i];
		struct vg_ioc_eval *ev = NULL;

		if ((obj.doc == VG_IOC_DOC_PROCESS && !w->process) || (obj.doc == VG_IOC_DOC_FILE && !w->file_doc))
			continue;
		if (vg_ioc_eval_new(w->ioc, &ev) < 0)
			continue;
		/* One object, and every object of its kind as far as this event goes. */
		if (vg_ioc_eval_object(ev, &obj) == VG_IOC_TRUE && vg_ioc_eval_finish(ev, 1u << obj.doc) == VG_IOC_TRUE)
			json_array_append_new(found, vg_det_finding_ioc(w, ev, event, now_ms));
		vg_ioc_eval_free(ev);
	}
	return found;
}
