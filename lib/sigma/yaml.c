/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The YAML reader: libyaml's event parser turned into a small tree of nodes, within limits
 * (size, depth, nodes, scalar length, documents).  Aliases are refused outright, so that no
 * document can expand into more than it holds (the "billion laughs").  Every node keeps its
 * line and column for messages.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "nls.h"
#include "sigma/sigma-int.h"
#include "vigil/error.h"

/* A collection being built: its items grow in a temporary array until its end. */
struct open_node {
	struct sg_node *node;
	struct sg_node **items;
	size_t n, cap;
};

struct builder {
	struct sg_file *file;
	const struct vg_sigma_limits *lim;
	struct open_node *stack;
	size_t depth;
	unsigned nodes;
	struct vg_error *err;
	const char *name;
};

static int fail_at(struct builder *b, const yaml_mark_t *m, int code, const char *msgid, const char *arg)
{
	char where[VG_ERROR_ARG_SIZE];

	sg_error(b->err, code, msgid, arg, NULL);
	snprintf(where, sizeof(where), "%s:%zu:%zu: ", b->name, m->line + 1, m->column + 1);
	vg_error_prefix(b->err, where);
	b->file->err_line = (unsigned)m->line + 1;
	b->file->err_col = (unsigned)m->column + 1;
	return code;
}

static int append(struct builder *b, struct open_node *o, struct sg_node *child, const yaml_mark_t *m)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 8;
		struct sg_node **items = realloc(o->items, cap * sizeof(*items));

		if (!items)
			return fail_at(b, m, -ENOMEM, N_("out of memory"), NULL);
		o->items = items;
		o->cap = cap;
	}
	o->items[o->n++] = child;
	return 0;
}

static struct sg_node *new_node(struct builder *b, enum sg_kind kind, const yaml_mark_t *m)
{
	struct sg_node *n;
	char lim[24];

	if (++b->nodes > b->lim->max_nodes) {
		snprintf(lim, sizeof(lim), "%u", b->lim->max_nodes);
		fail_at(b, m, -EINVAL, N_("the file has more than %s YAML nodes"), lim);
		return NULL;
	}
	n = sg_zalloc(&b->file->arena, sizeof(*n));
	if (!n) {
		fail_at(b, m, -ENOMEM, N_("out of memory"), NULL);
		return NULL;
	}
	n->kind = kind;
	n->line = (unsigned)m->line + 1;
	n->col = (unsigned)m->column + 1;
	return n;
}

/* Attaches a finished node to the collection under construction, or makes it the document's
 * root. */
static int attach(struct builder *b, struct sg_node *n, const yaml_mark_t *m)
{
	if (b->depth == 0) {
		struct sg_doc *d = &b->file->docs[b->file->ndocs - 1];

		d->root = n;
		return 0;
	}
	struct open_node *o = &b->stack[b->depth - 1];

	if (o->node->kind == SG_MAP && o->n % 2 == 0 && n->kind != SG_SCALAR)
		return fail_at(b, m, -EINVAL, N_("a mapping key must be a plain value"), NULL);
	return append(b, o, n, m);
}

static int open_collection(struct builder *b, enum sg_kind kind, const yaml_mark_t *m)
{
	char lim[24];
	struct sg_node *n;

	if (b->depth >= b->lim->max_depth) {
		snprintf(lim, sizeof(lim), "%u", b->lim->max_depth);
		return fail_at(b, m, -EINVAL, N_("collections are nested deeper than %s"), lim);
	}
	n = new_node(b, kind, m);
	if (!n)
		return b->err->code;
	b->stack[b->depth++] = (struct open_node){ .node = n };
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	const struct sg_node *x = *(const struct sg_node *const *)a, *y = *(const struct sg_node *const *)b;
	int c = strcmp(x->text, y->text);

	/* Equal keys sort by position, so that the second one is reported. */
	return c ? c : (x->line != y->line ? (x->line < y->line ? -1 : 1) : (x->col < y->col ? -1 : x->col > y->col));
}

/* Duplicate keys are a mistake that YAML readers resolve differently: refuse them.  Sorted,
 * so that a map of many keys costs n log n. */
static int check_duplicate_keys(struct builder *b, const struct sg_node *map)
{
	size_t nkeys = map->n / 2;
	const struct sg_node **keys;
	int r = 0;

	if (nkeys < 2)
		return 0;
	keys = malloc(nkeys * sizeof(*keys));
	if (!keys) {
		yaml_mark_t m = { .line = map->line - 1, .column = map->col - 1 };

		return fail_at(b, &m, -ENOMEM, N_("out of memory"), NULL);
	}
	for (size_t i = 0; i < nkeys; i++)
		keys[i] = map->items[2 * i];
	qsort(keys, nkeys, sizeof(*keys), key_cmp);
	for (size_t i = 1; i < nkeys; i++)
		if (strcmp(keys[i - 1]->text, keys[i]->text) == 0) {
			yaml_mark_t km = { .line = keys[i]->line - 1, .column = keys[i]->col - 1 };

			r = fail_at(b, &km, -EINVAL, N_("duplicate key '%s'"), keys[i]->text);
			break;
		}
	free(keys);
	return r;
}

static int close_collection(struct builder *b, const yaml_mark_t *m)
{
	struct open_node o = b->stack[--b->depth];
	int r = 0;

	o.node->n = o.n;
	if (o.n) {
		o.node->items = sg_alloc(&b->file->arena, o.n * sizeof(*o.node->items));
		if (!o.node->items)
			r = fail_at(b, m, -ENOMEM, N_("out of memory"), NULL);
		else
			memcpy(o.node->items, o.items, o.n * sizeof(*o.items));
	}
	free(o.items);
	if (r < 0)
		return r;
	if (o.node->kind == SG_MAP && (r = check_duplicate_keys(b, o.node)) < 0)
		return r;
	return attach(b, o.node, m);
}

static int scalar(struct builder *b, const yaml_event_t *ev)
{
	char lim[24];
	struct sg_node *n;
	size_t len = ev->data.scalar.length;

	if (len > b->lim->max_string) {
		snprintf(lim, sizeof(lim), "%zu", b->lim->max_string);
		return fail_at(b, &ev->start_mark, -EINVAL, N_("a value is longer than %s bytes"), lim);
	}
	n = new_node(b, SG_SCALAR, &ev->start_mark);
	if (!n)
		return b->err->code;
	n->text = sg_strndup(&b->file->arena, (const char *)ev->data.scalar.value, len);
	if (!n->text)
		return fail_at(b, &ev->start_mark, -ENOMEM, N_("out of memory"), NULL);
	n->len = len;
	n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
	/* An explicit tag (!!str) makes a plain scalar a string. */
	if (ev->data.scalar.tag && strcmp((const char *)ev->data.scalar.tag, YAML_STR_TAG) == 0)
		n->quoted = true;
	if (memchr(n->text, '\0', len))
		return fail_at(b, &ev->start_mark, -EINVAL, N_("a value holds a NUL character"), NULL);
	return attach(b, n, &ev->start_mark);
}

static int new_document(struct builder *b, const yaml_event_t *ev)
{
	char lim[24];
	struct sg_file *f = b->file;

	if (f->ndocs >= b->lim->max_documents) {
		snprintf(lim, sizeof(lim), "%u", b->lim->max_documents);
		return fail_at(b, &ev->start_mark, -EINVAL, N_("the file has more than %s documents"), lim);
	}
	if (f->ndocs == f->capdocs) {
		size_t cap = f->capdocs ? f->capdocs * 2 : 4;
		struct sg_doc *docs = realloc(f->docs, cap * sizeof(*docs));

		if (!docs)
			return fail_at(b, &ev->start_mark, -ENOMEM, N_("out of memory"), NULL);
		f->docs = docs;
		f->capdocs = cap;
	}
	f->docs[f->ndocs++] = (struct sg_doc){ .line = (unsigned)ev->start_mark.line + 1,
					       .start = ev->start_mark.index };
	return 0;
}

static int parse_events(struct builder *b, yaml_parser_t *p)
{
	for (;;) {
		yaml_event_t ev;
		int r = 0;
		bool done = false;

		if (!yaml_parser_parse(p, &ev)) {
			yaml_mark_t m = p->problem_mark;
			char what[VG_ERROR_ARG_SIZE];

			if (p->error == YAML_MEMORY_ERROR)
				return fail_at(b, &m, -ENOMEM, N_("out of memory"), NULL);
			snprintf(what, sizeof(what), "%s%s%s", p->problem ? p->problem : "?",
				 p->context ? " " : "", p->context ? p->context : "");
			return fail_at(b, &m, -EINVAL, N_("YAML syntax error: %s"), what);
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			r = new_document(b, &ev);
			break;
		case YAML_DOCUMENT_END_EVENT:
			b->file->docs[b->file->ndocs - 1].end = ev.end_mark.index;
			break;
		case YAML_ALIAS_EVENT:
			r = fail_at(b, &ev.start_mark, -EINVAL, N_("YAML aliases (*%s) are not allowed in rules"),
				    (const char *)ev.data.alias.anchor);
			break;
		case YAML_SCALAR_EVENT:
			r = scalar(b, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			r = open_collection(b, SG_SEQ, &ev.start_mark);
			break;
		case YAML_MAPPING_START_EVENT:
			r = open_collection(b, SG_MAP, &ev.start_mark);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			r = close_collection(b, &ev.start_mark);
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (r < 0)
			return r;
		if (done)
			return 0;
	}
}

int sg_yaml_parse(const char *data, size_t len, const char *name, const struct vg_sigma_limits *lim,
		  struct sg_file **out, struct vg_error *err)
{
	struct builder b = { .lim = lim, .err = err, .name = name };
	yaml_parser_t parser;
	char lim_text[24];
	int r;

	*out = NULL;
	if (len > lim->max_file_size) {
		snprintf(lim_text, sizeof(lim_text), "%zu", lim->max_file_size);
		return vg_error_set(err, -EFBIG, N_("%s is larger than the limit of %s bytes"), name, lim_text);
	}
	b.file = calloc(1, sizeof(*b.file));
	b.stack = calloc(lim->max_depth + 1, sizeof(*b.stack));
	if (!b.file || !b.stack || !yaml_parser_initialize(&parser)) {
		free(b.stack);
		free(b.file);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	b.file->text = data;
	b.file->len = len;
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	r = parse_events(&b, &parser);
	yaml_parser_delete(&parser);
	while (b.depth)
		free(b.stack[--b.depth].items);
	free(b.stack);
	if (r < 0) {
		*out = b.file;   /* the caller reads err_line/err_col, then frees it */
		return r;
	}
	*out = b.file;
	return 0;
}

void sg_yaml_free(struct sg_file *f)
{
	if (!f)
		return;
	sg_arena_free(&f->arena);
	free(f->docs);
	free(f);
}

const struct sg_node *sg_map_get(const struct sg_node *map, const char *key)
{
	if (!map || map->kind != SG_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (strcmp(map->items[i]->text, key) == 0)
			return map->items[i + 1];
	return NULL;
}

bool sg_scalar_is_null(const struct sg_node *n)
{
	if (!n)
		return true;
	if (n->kind != SG_SCALAR || n->quoted)
		return false;
	return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
	       strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

int sg_scalar_bool(const struct sg_node *n)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" };

	if (!n || n->kind != SG_SCALAR || n->quoted)
		return -1;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(n->text, yes[i]) == 0)
			return 1;
		if (strcmp(n->text, no[i]) == 0)
			return 0;
	}
	return -1;
}
