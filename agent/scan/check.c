/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ioc.check in the parser sandbox: the document goes to vigil-worker, which parses it; what
 * comes back is believed only as far as it is checked here.  The worker may have been taken
 * over by the document it parsed, so its answer is read like any input from outside: each
 * field of the report by name, type and size, the terms against the agent's own table, the
 * rest dropped.  A scan's documents and the live indicators come back as a tree
 * (vg_scan_load_sandboxed), which vg_ioc_load_tree checks the same way.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl-server.h"
#include "nls.h"
#include "scan/check.h"
#include "vigil/ioc.h"
#include "worker/frame.h"

#define MAX_TEXT 4096           /* an id, a description */
#define MAX_MESSAGES 64         /* defects, warnings (the engine keeps 64 of each) */
#define MAX_TERMS 256

static bool text_ok(const json_t *v, size_t max)
{
	return json_is_string(v) && json_string_length(v) <= max && strlen(json_string_value(v)) == json_string_length(v);
}

static json_t *messages(const json_t *a)
{
	json_t *out = json_array(), *v;
	size_t i;

	if (!json_is_array(a) || json_array_size(a) > MAX_MESSAGES) {
		json_decref(out);
		return NULL;
	}
	json_array_foreach(a, i, v) {
		if (!text_ok(v, VG_ERROR_MSG_SIZE)) {
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, json_string(json_string_value(v)));
	}
	return out;
}

/* The report of a loaded document, rebuilt from what is checked; NULL when anything is off. */
static json_t *checked_report(const json_t *r, const char *file)
{
	static const char *const counts[] = { "indicators", "items", "unsupported_items", "empty_content",
					      "defect_count" };
	const json_t *id = json_object_get(r, "id"), *desc = json_object_get(r, "description"), *terms, *v;
	const char *version = json_string_value(json_object_get(r, "version"));
	json_t *out, *list, *defects, *warnings;
	size_t i;

	if (!json_is_object(r) || !text_ok(id, MAX_TEXT) || !text_ok(desc, MAX_TEXT) || !version ||
	    (strcmp(version, "1.0") != 0 && strcmp(version, "1.1") != 0))
		return NULL;
	terms = json_object_get(r, "supported_terms");
	if (!json_is_array(terms) || json_array_size(terms) > MAX_TERMS)
		return NULL;
	defects = messages(json_object_get(r, "defects"));
	warnings = messages(json_object_get(r, "warnings"));
	out = json_pack("{s:s, s:s, s:s, s:s}", "file", file, "id", json_string_value(id), "version", version,
			"description", json_string_value(desc));
	list = json_array();
	if (!defects || !warnings || !out || !list)
		goto bad;
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		v = json_object_get(r, counts[i]);
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			goto bad;
		json_object_set_new(out, counts[i], json_integer(json_integer_value(v)));
	}
	json_array_foreach(terms, i, v) {
		const struct vg_ioc_term *t = json_is_string(v) ? vg_ioc_term_find(json_string_value(v)) : NULL;

		if (!t)
			goto bad;
		json_array_append_new(list, json_string(t->search));
	}
	json_object_set_new(out, "supported_terms", list);
	json_object_set_new(out, "defects", defects);
	json_object_set_new(out, "warnings", warnings);
	json_object_set_new(out, "loaded", json_true());
	return out;
bad:
	json_decref(out);
	json_decref(list);
	json_decref(defects);
	json_decref(warnings);
	return NULL;
}

/* The worker's error, into e; false when it is not one. */
static bool checked_error(const json_t *o, struct vg_error *e)
{
	const json_t *code = json_object_get(o, "code"), *args = json_object_get(o, "args"), *v;
	const json_t *msgid = json_object_get(o, "msgid"), *prefix = json_object_get(o, "prefix");
	const json_t *message = json_object_get(o, "message");
	size_t i;

	if (!json_is_integer(code) || json_integer_value(code) >= 0 || json_integer_value(code) < -4095 ||
	    !text_ok(msgid, sizeof(e->msgid) - 1) || !text_ok(prefix, sizeof(e->prefix) - 1) ||
	    !text_ok(message, sizeof(e->message) - 1) || !json_is_array(args) ||
	    json_array_size(args) > VG_ERROR_MAX_ARGS)
		return false;
	vg_error_clear(e);
	e->code = (int)json_integer_value(code);
	snprintf(e->msgid, sizeof(e->msgid), "%s", json_string_value(msgid));
	snprintf(e->prefix, sizeof(e->prefix), "%s", json_string_value(prefix));
	snprintf(e->message, sizeof(e->message), "%s", json_string_value(message));
	json_array_foreach(args, i, v) {
		if (!text_ok(v, VG_ERROR_ARG_SIZE - 1))
			return false;
		snprintf(e->args[i], sizeof(e->args[i]), "%s", json_string_value(v));
		e->nargs = (int)i + 1;
	}
	return true;
}

static json_t *not_loaded(const char *file, const struct vg_error *e)
{
	return json_pack("{s:s, s:b, s:s, s:o}", "file", file, "loaded", 0, "error", e->message, "error_json",
			 vg_ctl_error_json(e));
}

json_t *vg_scan_check_sandboxed(struct vg_sandbox *sb, const struct vg_sandbox_limits *limits, const char *file,
				const char *content, size_t len)
{
	json_t *header = json_pack("{s:s, s:s}", "op", "ioc.parse", "file", file), *reply = NULL, *entry = NULL;
	struct vg_error e;

	vg_error_clear(&e);
	if (!header) {
		vg_error_set(&e, -ENOMEM, N_("out of memory"));
		return not_loaded(file, &e);
	}
	if (vg_sandbox_call(sb, limits, header, content, len, &reply, &e) < 0) {
		entry = not_loaded(file, &e);
	} else if (json_is_true(json_object_get(reply, "loaded"))) {
		entry = checked_report(json_object_get(reply, "report"), file);
	} else if (json_is_false(json_object_get(reply, "loaded")) &&
		   checked_error(json_object_get(reply, "error"), &e)) {
		entry = not_loaded(file, &e);
	}
	if (!entry) {
		vg_error_set(&e, -EPROTO, N_("the parser sandbox gave a malformed answer about %s"), file);
		entry = not_loaded(file, &e);
	}
	json_decref(header);
	json_decref(reply);
	return entry;
}

int vg_scan_load_sandboxed(struct vg_sandbox *sb, const struct vg_sandbox_limits *limits, const char *file,
			   const char *content, size_t len, const struct vg_ioc_regex *regex, struct vg_ioc **ioc,
			   struct vg_error *err)
{
	json_t *header = json_pack("{s:s, s:s}", "op", "ioc.tree", "file", file), *reply = NULL;
	const json_t *loaded;
	int r;

	*ioc = NULL;
	if (!header)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if ((r = vg_sandbox_call(sb, limits, header, content, len, &reply, err)) < 0)
		goto out;
	loaded = json_object_get(reply, "loaded");
	if (json_is_true(loaded) && json_is_object(json_object_get(reply, "tree")))
		r = vg_ioc_load_tree(json_object_get(reply, "tree"), file, NULL, regex, ioc, err);
	else if (json_is_false(loaded) && checked_error(json_object_get(reply, "error"), err))
		r = err->code;
	else
		r = vg_error_set(err, -EPROTO, N_("the parser sandbox gave a malformed answer about %s"), file);
out:
	json_decref(header);
	json_decref(reply);
	return r;
}

/* The values in the payload: each a 4-byte length and its bytes. */
static unsigned char *regex_payload(const char *const *values, const size_t *lens, size_t n, size_t *len)
{
	unsigned char *p;
	size_t total = 0, at = 0;

	for (size_t i = 0; i < n; i++) {
		if (lens[i] > VG_FRAME_REQUEST_MAX || total > VG_FRAME_REQUEST_MAX)
			return NULL;
		total += 4 + lens[i];
	}
	if (total > VG_FRAME_REQUEST_MAX || !(p = malloc(total ? total : 1)))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		vg_frame_put32(p + at, (uint32_t)lens[i]);
		memcpy(p + at + 4, values[i], lens[i]);
		at += 4 + lens[i];
	}
	*len = total;
	return p;
}

/* What the worker's error says: only "does not compile" refuses the pattern; out of memory, a
 * request it calls malformed or anything else is the sandbox's failure, not the pattern's. */
static int worker_error(const json_t *error)
{
	const char *msg = json_string_value(json_object_get(error, "message"));

	if (msg && strcmp(msg, "the regular expression does not compile") == 0)
		return -EINVAL;
	return msg && strcmp(msg, "out of memory") == 0 ? -ENOMEM : -EPROTO;
}

int vg_sandbox_regex_call(struct vg_sandbox *sb, const struct vg_sandbox_limits *limits, json_t *header,
			  const char *const *values, const size_t *lens, size_t n, enum vg_ioc_truth *out)
{
	json_t *reply = NULL;
	unsigned char *payload;
	const char *results;
	struct vg_error err;
	size_t len = 0;
	int r;

	vg_error_clear(&err);
	if (!(payload = regex_payload(values, lens, n, &len)))
		return -EFBIG;
	if ((r = vg_sandbox_call(sb, limits, header, payload, len, &reply, &err)) < 0)
		goto out;
	/* One character a value, nothing else: the worker's answer is believed no further. */
	results = json_string_value(json_object_get(reply, "results"));
	if (!results || strlen(results) != n || strspn(results, "10?") != n) {
		r = worker_error(json_object_get(reply, "error"));
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = results[i] == '1' ? VG_IOC_TRUE : results[i] == '0' ? VG_IOC_FALSE : VG_IOC_UNKNOWN;
	r = 0;
out:
	json_decref(reply);
	free(payload);
	return r;
}

int vg_scan_regex_sandboxed(void *data, const char *pattern, size_t plen, bool preserve_case, uint32_t match_limit,
			    uint32_t depth_limit, const char *const *values, const size_t *lens, size_t n,
			    enum vg_ioc_truth *out)
{
	struct vg_scan_regex *rx = data;
	json_t *header = json_pack("{s:s, s:s%, s:b, s:I, s:I, s:I}", "op", "regex.match", "pattern", pattern, plen,
				   "preserve_case", preserve_case, "match_limit", (json_int_t)match_limit,
				   "depth_limit", (json_int_t)depth_limit, "count", (json_int_t)n);
	int r;

	if (!header)
		return -ENOMEM;
	r = vg_sandbox_regex_call(rx->sandbox, &rx->limits, header, values, lens, n, out);
	json_decref(header);
	return r;
}
