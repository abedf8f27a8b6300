/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A loaded document as a plain JSON tree and back: the parser sandbox (vigil-worker) parses
 * the XML and answers this tree; the agent rebuilds its struct vg_ioc from it without ever
 * giving the document to libxml2.  The tree comes from a process that the document may have
 * taken over, so vg_ioc_load_tree() reads it as hostile input: every member by name, type and
 * size, the terms against the agent's own table, the counts and the depth within the limits of
 * the XML loader, each item's validity worked out again; anything else refuses the document.
 *
 * Format 1:
 *   {format: 1, version: 10|11, id, description, defects_total,
 *    defects: [NOTE], warnings: [NOTE],          NOTE: {msgid, args: [string], where}
 *    criteria: [NODE]}
 *   NODE: {node: "AND"|"OR", id: string|null, children: [NODE]}
 *       | {node: "item", id: string|null, term: SEARCH|null, other: DOCUMENT (an unsupported
 *          term's document, instead of term), condition, negate, preserve_case, type,
 *          content: string|null, valid}
 * No regular expression is compiled on the worker's side of this tree; with a struct
 * vg_ioc_regex none is compiled on the agent's side either (the worker evaluates them).
 */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ioc-int.h"
#include "nls.h"

#define TREE_FORMAT 1
#define MAX_DESCRIPTION 4096        /* the loader keeps at most this much of short_description */
#define MAX_OTHER_NAME 256          /* the document of an unsupported term */

static const char *const cond_names[] = {
	[IOC_IS] = "is", [IOC_CONTAINS] = "contains", [IOC_MATCHES] = "matches", [IOC_STARTS] = "starts-with",
	[IOC_ENDS] = "ends-with", [IOC_GREATER] = "greater-than", [IOC_LESS] = "less-than",
};

static const char *const type_names[] = {
	[VG_IOC_TYPE_STRING] = "string", [VG_IOC_TYPE_INT] = "int", [VG_IOC_TYPE_DATE] = "date",
	[VG_IOC_TYPE_DURATION] = "duration", [VG_IOC_TYPE_BOOL] = "bool", [VG_IOC_TYPE_HASH] = "hash",
	[VG_IOC_TYPE_IP] = "ip",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Dumping (the worker's side). */

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *notes_json(const struct vg_error *notes, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++) {
		json_t *args = json_array();

		for (int k = 0; args && k < notes[i].nargs && k < VG_ERROR_MAX_ARGS; k++)
			json_array_append_new(args, json_string(notes[i].args[k]));
		if (json_array_append_new(a, json_pack("{s:s, s:o*, s:s}", "msgid", notes[i].msgid, "args", args,
						      "where", notes[i].prefix)) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *item_json(const struct vg_ioc *ioc, const struct ioc_node *n)
{
	const struct ioc_item *it = &n->item;
	json_t *o, *content = json_null();

	/* Content with a NUL (an invalid item) is left out: JSON text has none. */
	if (it->content && strlen(it->content) == it->content_len)
		content = json_stringn(it->content, it->content_len);
	o = json_pack("{s:s, s:o, s:s, s:b, s:b, s:s, s:o*, s:b}", "node", "item", "id", text_or_null(n->id),
		      "condition", cond_names[it->cond], "negate", it->negate, "preserve_case", it->preserve_case,
		      "type", type_names[it->type], "content", content, "valid", it->valid);
	if (!o)
		return NULL;
	if (it->term)
		json_object_set_new(o, "term", json_string(it->term->search));
	else if (n->doc >= IOC_DOC_OTHER_BASE && (size_t)(n->doc - IOC_DOC_OTHER_BASE) < ioc->nother)
		json_object_set_new(o, "other", json_string(ioc->other_docs[n->doc - IOC_DOC_OTHER_BASE]));
	if (!it->term)
		json_object_set_new(o, "term", json_null());
	return o;
}

static json_t *node_json(const struct vg_ioc *ioc, int k)
{
	const struct ioc_node *n = &ioc->nodes[k];
	json_t *children;

	if (n->kind == IOC_ITEM)
		return item_json(ioc, n);
	if (!(children = json_array()))
		return NULL;
	for (size_t c = 0; c < n->nchildren; c++)
		if (json_array_append_new(children, node_json(ioc, n->children[c])) < 0) {
			json_decref(children);
			return NULL;
		}
	return json_pack("{s:s, s:o, s:o}", "node", n->kind == IOC_AND ? "AND" : "OR", "id", text_or_null(n->id),
			 "children", children);
}

json_t *vg_ioc_tree(const struct vg_ioc *ioc)
{
	json_t *criteria = json_array();
	const struct ioc_node *root = ioc->root >= 0 ? &ioc->nodes[ioc->root] : NULL;

	for (size_t c = 0; criteria && root && c < root->nchildren; c++)
		if (json_array_append_new(criteria, node_json(ioc, root->children[c])) < 0) {
			json_decref(criteria);
			return NULL;
		}
	return json_pack("{s:i, s:i, s:s, s:s, s:I, s:o*, s:o*, s:o*}", "format", TREE_FORMAT, "version", ioc->version,
			 "id", ioc->id ? ioc->id : "", "description", ioc->description ? ioc->description : "",
			 "defects_total", (json_int_t)ioc->defects_total, "defects", notes_json(ioc->defects, ioc->ndefects),
			 "warnings", notes_json(ioc->warnings, ioc->nwarnings), "criteria", criteria);
}

/* Loading (the agent's side). */

struct tree_loader {
	struct vg_ioc *ioc;
	const struct vg_ioc_limits *lim;
	struct vg_error *err;
	unsigned elements;
};

static int refuse_type(struct tree_loader *tl, const char *path)
{
	return vg_error_set(tl->err, -EPROTO,
			    N_("%s: the parser sandbox's tree is refused: %s is missing or of the wrong type"),
			    tl->ioc->name, path);
}

static int refuse_size(struct tree_loader *tl, const char *path, size_t max)
{
	char n[32];

	snprintf(n, sizeof(n), "%zu", max);
	return vg_error_set(tl->err, -EPROTO, N_("%s: the parser sandbox's tree is refused: %s is over the limit of %s"),
			    tl->ioc->name, path, n);
}

static int refuse_value(struct tree_loader *tl, const char *path, const char *value)
{
	char v[64];

	/* Only the start of it: it came from outside. */
	snprintf(v, sizeof(v), "%s", value);
	return vg_error_set(tl->err, -EPROTO, N_("%s: the parser sandbox's tree is refused: %s has the value '%s'"),
			    tl->ioc->name, path, v);
}

static int refuse_member(struct tree_loader *tl, const char *path, const char *key)
{
	char k[64];

	snprintf(k, sizeof(k), "%s", key);
	return vg_error_set(tl->err, -EPROTO, N_("%s: the parser sandbox's tree is refused: %s has an unexpected member '%s'"),
			    tl->ioc->name, path, k);
}

/* Every member of o is one of keys. */
static int only_members(struct tree_loader *tl, const json_t *o, const char *path, const char *const *keys, size_t n)
{
	const char *key;
	const json_t *v;

	json_object_foreach((json_t *)o, key, v) {
		size_t i;

		for (i = 0; i < n && strcmp(keys[i], key) != 0; i++)
			;
		if (i == n)
			return refuse_member(tl, path, key);
	}
	return 0;
}

/* A string member without NUL of at most max bytes (null accepted when nullable: *out NULL). */
static int text_member(struct tree_loader *tl, const json_t *o, const char *key, const char *path, size_t max,
		       bool nullable, const char **out, size_t *len)
{
	const json_t *v = json_object_get(o, key);
	char where[VG_ERROR_ARG_SIZE];

	snprintf(where, sizeof(where), "%s/%s", path, key);
	*out = NULL;
	if (len)
		*len = 0;
	if (nullable && json_is_null(v))
		return 0;
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return refuse_type(tl, where);
	if (json_string_length(v) > max)
		return refuse_size(tl, where, max);
	*out = json_string_value(v);
	if (len)
		*len = json_string_length(v);
	return 0;
}

static int bool_member(struct tree_loader *tl, const json_t *o, const char *key, const char *path, bool *out)
{
	const json_t *v = json_object_get(o, key);
	char where[VG_ERROR_ARG_SIZE];

	if (!json_is_boolean(v)) {
		snprintf(where, sizeof(where), "%s/%s", path, key);
		return refuse_type(tl, where);
	}
	*out = json_is_true(v);
	return 0;
}

static int name_member(struct tree_loader *tl, const json_t *o, const char *key, const char *path,
		       const char *const *names, size_t n, int *out)
{
	const char *s;
	char where[VG_ERROR_ARG_SIZE];
	int r;

	if ((r = text_member(tl, o, key, path, 64, false, &s, NULL)) < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0) {
			*out = (int)i;
			return 0;
		}
	snprintf(where, sizeof(where), "%s/%s", path, key);
	return refuse_value(tl, where, s);
}

static int dup_text(struct tree_loader *tl, const char *s, char **out)
{
	if (s && !(*out = strdup(s)))
		return vg_error_set(tl->err, -ENOMEM, N_("out of memory"));
	return 0;
}

/* The notes (defects, warnings) as the worker found them, formatted here from their parts. */
static int load_notes(struct tree_loader *tl, const json_t *tree, const char *key, struct vg_error **arr, size_t *n)
{
	static const char *const keys[] = { "msgid", "args", "where" };
	const json_t *a = json_object_get(tree, key), *note, *arg;
	char path[VG_ERROR_ARG_SIZE];
	size_t i, k;
	int r;

	snprintf(path, sizeof(path), "/%s", key);
	if (!json_is_array(a))
		return refuse_type(tl, path);
	if (json_array_size(a) > VG_IOC_KEEP_MAX)
		return refuse_size(tl, path, VG_IOC_KEEP_MAX);
	if (json_array_size(a) && !(*arr = calloc(VG_IOC_KEEP_MAX, sizeof(**arr))))
		return vg_error_set(tl->err, -ENOMEM, N_("out of memory"));
	json_array_foreach(a, i, note) {
		struct vg_error *e = &(*arr)[i];
		const char *msgid, *where, *args[VG_ERROR_MAX_ARGS];
		const json_t *list = json_object_get(note, "args");

		snprintf(path, sizeof(path), "/%s/%zu", key, i);
		if (!json_is_object(note))
			return refuse_type(tl, path);
		if ((r = only_members(tl, note, path, keys, COUNT(keys))) < 0 ||
		    (r = text_member(tl, note, "msgid", path, sizeof(e->msgid) - 1, false, &msgid, NULL)) < 0 ||
		    (r = text_member(tl, note, "where", path, sizeof(e->prefix) - 1, false, &where, NULL)) < 0)
			return r;
		snprintf(path, sizeof(path), "/%s/%zu/args", key, i);
		if (!json_is_array(list))
			return refuse_type(tl, path);
		if (json_array_size(list) > VG_ERROR_MAX_ARGS)
			return refuse_size(tl, path, VG_ERROR_MAX_ARGS);
		json_array_foreach(list, k, arg) {
			snprintf(path, sizeof(path), "/%s/%zu/args/%zu", key, i, k);
			if (!json_is_string(arg) || strlen(json_string_value(arg)) != json_string_length(arg))
				return refuse_type(tl, path);
			if (json_string_length(arg) >= sizeof(e->args[k]))
				return refuse_size(tl, path, sizeof(e->args[k]) - 1);
			snprintf(e->args[k], sizeof(e->args[k]), "%s", json_string_value(arg));
			args[k] = e->args[k];
		}
		e->code = -EINVAL;
		e->nargs = (int)json_array_size(list);
		snprintf(e->msgid, sizeof(e->msgid), "%s", msgid);
		vg_error_format(e->message, sizeof(e->message), e->msgid, args, e->nargs);
		if (*where)
			vg_error_prefix(e, where);
		(*n)++;
	}
	return 0;
}

static bool blank(const char *s, size_t len)
{
	return strspn(s, " \t\r\n") == len;
}

/* What the item compares, checked again here: a worker may call valid what is not. */
static int check_valid_item(struct tree_loader *tl, struct ioc_item *it, const char *path)
{
	struct vg_ioc *ioc = tl->ioc;
	size_t ndefects = ioc->ndefects, total = ioc->defects_total;
	char msg[256];

	if (!it->content || it->content_len == 0 || blank(it->content, it->content_len))
		return refuse_value(tl, path, "valid");
	if (it->cond == IOC_MATCHES) {
		if (it->content_len > tl->lim->max_regex)
			return refuse_size(tl, path, tl->lim->max_regex);
		/* Evaluated elsewhere: a pattern that does not compile there is unknown there. */
		if (!ioc->regex.match && ioc_item_compile(it, msg, sizeof(msg)) < 0)
			return refuse_value(tl, path, "valid");
	}
	/* The worker reported the defects of preparing the value; only the outcome counts here. */
	ioc_item_prepare(ioc, it, "");
	ioc->ndefects = ndefects;
	ioc->defects_total = total;
	if (!it->valid)
		return refuse_value(tl, path, "valid");
	return 0;
}

static int load_item(struct tree_loader *tl, const json_t *o, int parent, const char *path)
{
	static const char *const keys[] = { "node", "id", "term", "other", "condition", "negate", "preserve_case",
					    "type", "content", "valid" };
	struct vg_ioc *ioc = tl->ioc;
	const char *id, *search, *other, *content;
	char where[VG_ERROR_ARG_SIZE];
	size_t content_len, other_len;
	int cond, type, r, i;
	bool valid;

	if (++ioc->items > tl->lim->max_items)
		return refuse_size(tl, "/criteria (items)", tl->lim->max_items);
	if ((r = only_members(tl, o, path, keys, COUNT(keys))) < 0 ||
	    (r = text_member(tl, o, "id", path, tl->lim->max_content, true, &id, NULL)) < 0 ||
	    (r = text_member(tl, o, "term", path, 4096, true, &search, NULL)) < 0 ||
	    (r = name_member(tl, o, "condition", path, cond_names, COUNT(cond_names), &cond)) < 0 ||
	    (r = name_member(tl, o, "type", path, type_names, COUNT(type_names), &type)) < 0 ||
	    (r = text_member(tl, o, "content", path, tl->lim->max_content, true, &content, &content_len)) < 0 ||
	    (r = bool_member(tl, o, "valid", path, &valid)) < 0)
		return r;
	other = NULL;
	other_len = 0;
	if (json_object_get(o, "other") &&
	    (r = text_member(tl, o, "other", path, MAX_OTHER_NAME, false, &other, &other_len)) < 0)
		return r;
	if ((i = ioc_new_node(ioc, IOC_ITEM, parent)) < 0)
		return vg_error_set(tl->err, -ENOMEM, N_("out of memory"));
	struct ioc_node *node = &ioc->nodes[i];
	struct ioc_item *it = &node->item;
	if ((r = dup_text(tl, id, &node->id)) < 0)
		return r;
	it->cond = (enum ioc_cond)cond;
	it->type = (enum vg_ioc_type)type;
	if ((r = bool_member(tl, o, "negate", path, &it->negate)) < 0 ||
	    (r = bool_member(tl, o, "preserve_case", path, &it->preserve_case)) < 0)
		return r;
	if (content) {
		if (!(it->content = strndup(content, content_len)))
			return vg_error_set(tl->err, -ENOMEM, N_("out of memory"));
		it->content_len = content_len;
		if (blank(content, content_len))
			ioc->empty_content++;
	}
	snprintf(where, sizeof(where), "%s/term", path);
	if (search && other) {
		return refuse_member(tl, path, "other");
	} else if (search) {
		/* The agent's own table decides; the tree names a term as the table writes it. */
		if (!(it->term = vg_ioc_term_find(search)) || strcmp(it->term->search, search) != 0)
			return refuse_value(tl, where, search);
		node->doc = it->term->doc;
		ioc->fields[it->term->field / 64] |= 1ull << (it->term->field % 64);
		ioc->docs |= 1u << it->term->doc;
	} else if (other) {
		if ((node->doc = ioc_other_doc(ioc, other, other_len)) < 0)
			return vg_error_set(tl->err, -ENOMEM, N_("out of memory"));
		ioc->unsupported++;
	} else {
		node->doc = IOC_DOC_MIXED;     /* no Context: belongs to no object */
		if (valid)
			return refuse_value(tl, where, "null");
	}
	it->valid = valid;
	return valid ? check_valid_item(tl, it, path) : 0;
}

static int load_node(struct tree_loader *tl, const json_t *o, int parent, unsigned depth, const char *path)
{
	static const char *const keys[] = { "node", "id", "children" };
	struct vg_ioc *ioc = tl->ioc;
	const char *kind, *id;
	const json_t *children, *c;
	char sub[VG_ERROR_ARG_SIZE];
	size_t k;
	int r, i;

	if (!json_is_object(o))
		return refuse_type(tl, path);
	if (++tl->elements > tl->lim->max_elements)
		return refuse_size(tl, "/criteria (elements)", tl->lim->max_elements);
	if ((r = text_member(tl, o, "node", path, 8, false, &kind, NULL)) < 0)
		return r;
	if (strcmp(kind, "item") == 0)
		return parent == ioc->root ? refuse_value(tl, path, kind) : load_item(tl, o, parent, path);
	if (strcmp(kind, "AND") != 0 && strcmp(kind, "OR") != 0) {
		snprintf(sub, sizeof(sub), "%s/node", path);
		return refuse_value(tl, sub, kind);
	}
	if (depth > tl->lim->max_depth)
		return refuse_size(tl, path, tl->lim->max_depth);
	if ((r = only_members(tl, o, path, keys, COUNT(keys))) < 0 ||
	    (r = text_member(tl, o, "id", path, tl->lim->max_content, true, &id, NULL)) < 0)
		return r;
	children = json_object_get(o, "children");
	snprintf(sub, sizeof(sub), "%s/children", path);
	if (!json_is_array(children))
		return refuse_type(tl, sub);
	if ((i = ioc_new_node(ioc, strcmp(kind, "AND") == 0 ? IOC_AND : IOC_OR, parent)) < 0)
		return vg_error_set(tl->err, -ENOMEM, N_("out of memory"));
	if ((r = dup_text(tl, id, &ioc->nodes[i].id)) < 0)
		return r;
	ioc->indicators++;
	json_array_foreach(children, k, c) {
		snprintf(sub, sizeof(sub), "%s/children/%zu", path, k);
		if ((r = load_node(tl, c, i, depth + 1, sub)) < 0)
			return r;
	}
	return 0;
}

static int load_top(struct tree_loader *tl, const json_t *tree)
{
	static const char *const keys[] = { "format", "version", "id", "description", "defects_total", "defects",
					    "warnings", "criteria" };
	struct vg_ioc *ioc = tl->ioc;
	const json_t *v, *criteria, *c;
	const char *id, *description;
	char path[VG_ERROR_ARG_SIZE];
	size_t k;
	int r;

	if (!json_is_object(tree))
		return refuse_type(tl, "/");
	if ((r = only_members(tl, tree, "", keys, COUNT(keys))) < 0)
		return r;
	v = json_object_get(tree, "format");
	if (!json_is_integer(v) || json_integer_value(v) != TREE_FORMAT)
		return refuse_type(tl, "/format");
	v = json_object_get(tree, "version");
	if (!json_is_integer(v) || (json_integer_value(v) != 10 && json_integer_value(v) != 11))
		return refuse_type(tl, "/version");
	ioc->version = (int)json_integer_value(v);
	if ((r = text_member(tl, tree, "id", "", tl->lim->max_content, false, &id, NULL)) < 0 ||
	    (r = text_member(tl, tree, "description", "", MAX_DESCRIPTION, false, &description, NULL)) < 0 ||
	    (r = dup_text(tl, id, &ioc->id)) < 0 || (r = dup_text(tl, description, &ioc->description)) < 0 ||
	    (r = load_notes(tl, tree, "defects", &ioc->defects, &ioc->ndefects)) < 0 ||
	    (r = load_notes(tl, tree, "warnings", &ioc->warnings, &ioc->nwarnings)) < 0)
		return r;
	v = json_object_get(tree, "defects_total");
	if (!json_is_integer(v) || json_integer_value(v) < (json_int_t)ioc->ndefects ||
	    json_integer_value(v) > (json_int_t)INT32_MAX)
		return refuse_type(tl, "/defects_total");
	ioc->defects_total = (size_t)json_integer_value(v);
	criteria = json_object_get(tree, "criteria");
	if (!json_is_array(criteria))
		return refuse_type(tl, "/criteria");
	/* The criteria's Indicators are joined by an OR, as the XML loader does. */
	if ((ioc->root = ioc_new_node(ioc, IOC_OR, -1)) < 0)
		return vg_error_set(tl->err, -ENOMEM, N_("out of memory"));
	json_array_foreach(criteria, k, c) {
		snprintf(path, sizeof(path), "/criteria/%zu", k);
		if ((r = load_node(tl, c, ioc->root, 1, path)) < 0)
			return r;
	}
	return 0;
}

int vg_ioc_load_tree(const json_t *tree, const char *name, const struct vg_ioc_limits *limits,
		     const struct vg_ioc_regex *regex, struct vg_ioc **out, struct vg_error *err)
{
	struct vg_ioc_limits deflim;
	struct tree_loader tl = { .lim = limits, .err = err };
	struct vg_ioc *ioc;
	int r;

	*out = NULL;
	if (!limits) {
		vg_ioc_limits_init(&deflim);
		tl.lim = &deflim;
	}
	ioc = calloc(1, sizeof(*ioc));
	if (!ioc || !(ioc->name = strdup(name ? name : "IOC"))) {
		free(ioc);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	ioc->root = -1;
	ioc->regex_match_limit = tl.lim->regex_match_limit;
	ioc->regex_depth_limit = tl.lim->regex_depth_limit;
	if (regex)
		ioc->regex = *regex;
	tl.ioc = ioc;
	if ((r = load_top(&tl, tree)) < 0)
		goto out;
	if (ioc_plan(ioc) < 0) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto out;
	}
	*out = ioc;
	ioc = NULL;
	r = 0;
out:
	vg_ioc_free(ioc);
	return r;
}
