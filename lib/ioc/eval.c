/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The evaluator: three-valued (Kleene) logic over the tree, with per-object correlation.
 * Each correlation unit (items about one document, see parse.c plan()) is evaluated on every
 * object of its document; the unit holds when one object satisfies it.  vg_ioc_eval_finish()
 * then combines the units' results up the tree.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ioc-int.h"
#include "nls.h"
#include "scan.h"

struct unit_state {
	bool any_true, any_unknown;
	size_t nmatch;
	struct vg_ioc_match *matches;
};

struct vg_ioc_eval {
	const struct vg_ioc *ioc;
	pcre2_match_data *md;
	pcre2_match_context *mc;
	struct unit_state *us;
	enum vg_ioc_truth *res;
	bool *unit_listed;
	struct vg_ioc_match *matches;
	size_t nmatch, capmatch;
	struct vg_error *warnings;
	size_t nwarnings;
	bool regex_limit_noted, regex_failed_noted;
	char *batch;                    /* values of a `matches` test on their way to ioc->regex */
	bool finished;
	ioc_identify_fn identify;       /* a scan that acts on matches (scan.c) */
	void *identify_data;
};

static void ev_warn(struct vg_ioc_eval *ev, const char *msgid, const char *a1)
{
	if (ev->nwarnings >= VG_IOC_KEEP_MAX)
		return;
	if (!ev->warnings && !(ev->warnings = calloc(VG_IOC_KEEP_MAX, sizeof(*ev->warnings))))
		return;
	/* msgid is one of our N_() strings, with only %s placeholders. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	vg_error_set(&ev->warnings[ev->nwarnings++], -EINVAL, msgid, a1 ? a1 : "");
#pragma GCC diagnostic pop
}

int vg_ioc_eval_new(const struct vg_ioc *ioc, struct vg_ioc_eval **out)
{
	struct vg_ioc_eval *ev = calloc(1, sizeof(*ev));
	*out = NULL;
	if (!ev)
		return -ENOMEM;
	ev->ioc = ioc;
	ev->us = calloc(ioc->nunits ? ioc->nunits : 1, sizeof(*ev->us));
	ev->res = calloc(ioc->nnodes ? ioc->nnodes : 1, sizeof(*ev->res));
	ev->unit_listed = calloc(ioc->nunits ? ioc->nunits : 1, sizeof(*ev->unit_listed));
	ev->md = pcre2_match_data_create(1, NULL);
	ev->mc = pcre2_match_context_create(NULL);
	if (!ev->us || !ev->res || !ev->unit_listed || !ev->md || !ev->mc) {
		vg_ioc_eval_free(ev);
		return -ENOMEM;
	}
	/* Bounds on backtracking: a catastrophic pattern gives "unknown", not a stuck worker. */
	pcre2_set_match_limit(ev->mc, ioc->regex_match_limit);
	pcre2_set_depth_limit(ev->mc, ioc->regex_depth_limit);
	*out = ev;
	return 0;
}

static void free_match(struct vg_ioc_match *m)
{
	for (int i = 0; i < 2; i++) {
		free((char *)m->label_key[i]);
		free((char *)m->label[i]);
	}
	if (m->identity.pidfd >= 0)
		close(m->identity.pidfd);
}

void ioc_eval_set_identify(struct vg_ioc_eval *ev, ioc_identify_fn fn, void *data)
{
	ev->identify = fn;
	ev->identify_data = data;
}

void vg_ioc_eval_free(struct vg_ioc_eval *ev)
{
	if (!ev)
		return;
	for (size_t u = 0; ev->us && u < ev->ioc->nunits; u++) {
		for (size_t i = 0; i < ev->us[u].nmatch; i++)
			free_match(&ev->us[u].matches[i]);
		free(ev->us[u].matches);
	}
	free(ev->us);
	free(ev->res);
	free(ev->unit_listed);
	free(ev->matches);
	free(ev->warnings);
	free(ev->batch);
	pcre2_match_data_free(ev->md);
	pcre2_match_context_free(ev->mc);
	free(ev);
}

/* A `matches` test evaluated elsewhere (ioc->regex) gets the values of one item on one object
 * in batches of at most this many values and bytes (a larger value goes alone): a buffer of
 * 64 KiB an evaluation, 4 MiB for a scan of 64 documents. */
#define REGEX_BATCH_VALUES 256
#define REGEX_BATCH_BYTES (64u << 10)

struct item_sink {
	struct vg_ioc_eval *ev;
	const struct ioc_item *item;
	bool any_true, any_unknown, limit_hit;
	bool batching;
	size_t n, used;
	size_t off[REGEX_BATCH_VALUES], len[REGEX_BATCH_VALUES];
};

/* One truth of a value, in the order of the values: returns 1 to stop at the first true. */
static int item_truth(struct item_sink *s, enum vg_ioc_truth t)
{
	if (t == VG_IOC_TRUE) {
		s->any_true = true;
		return 1;
	}
	if (t == VG_IOC_UNKNOWN)
		s->any_unknown = true;
	return 0;
}

/* Tests n values at once through ioc->regex; returns 1 when one is true. */
static int regex_batch(struct item_sink *s, const char *const *values, const size_t *lens, size_t n)
{
	const struct ioc_item *it = s->item;
	const struct vg_ioc *ioc = s->ev->ioc;
	enum vg_ioc_truth out[REGEX_BATCH_VALUES];
	int r = ioc->regex.match(ioc->regex.data, it->content, it->content_len, it->preserve_case,
				 ioc->regex_match_limit, ioc->regex_depth_limit, values, lens, n, out);

	if (r < 0) {
		if (!s->ev->regex_failed_noted) {
			s->ev->regex_failed_noted = true;
			ev_warn(s->ev, N_("a regular expression could not be evaluated: %s"), it->content);
		}
		s->any_unknown = true;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (out[i] == VG_IOC_UNKNOWN)
			s->limit_hit = true;
		if (item_truth(s, out[i]))
			return 1;
	}
	return 0;
}

static int regex_flush(struct item_sink *s)
{
	const char *values[REGEX_BATCH_VALUES];
	size_t n = s->n;

	for (size_t i = 0; i < n; i++)
		values[i] = s->ev->batch + s->off[i];
	s->n = 0;
	s->used = 0;
	return n ? regex_batch(s, values, s->len, n) : 0;
}

static int regex_emit(struct item_sink *s, const char *v, size_t len)
{
	struct vg_ioc_eval *ev = s->ev;

	if (!ev->batch && !(ev->batch = malloc(REGEX_BATCH_BYTES)))
		return item_truth(s, VG_IOC_UNKNOWN);
	if ((s->n == REGEX_BATCH_VALUES || s->used + len > REGEX_BATCH_BYTES) && regex_flush(s))
		return 1;
	if (len > REGEX_BATCH_BYTES)
		return regex_batch(s, &v, &len, 1);
	memcpy(ev->batch + s->used, v, len);
	s->off[s->n] = s->used;
	s->len[s->n++] = len;
	s->used += len;
	return 0;
}

static int item_emit(void *data, const char *v, size_t len)
{
	struct item_sink *s = data;

	if (s->batching)
		return regex_emit(s, v, len);
	return item_truth(s, ioc_match_value(s->item, v, len, s->ev->md, s->ev->mc, &s->limit_hit));
}

static enum vg_ioc_truth negate(enum vg_ioc_truth t, bool neg)
{
	if (!neg || t == VG_IOC_UNKNOWN)
		return t;
	return t == VG_IOC_TRUE ? VG_IOC_FALSE : VG_IOC_TRUE;
}

/* A positive item holds when some value satisfies it; a negated one when none does.  Unknown
 * (unsupported, defective, unreadable) stays unknown under negation. */
static enum vg_ioc_truth eval_item(struct vg_ioc_eval *ev, const struct ioc_item *it, const struct vg_ioc_object *obj)
{
	if (!it->term || !it->valid || it->term->doc != obj->doc)
		return VG_IOC_UNKNOWN;
	struct item_sink s = { .ev = ev, .item = it };
	s.batching = ev->ioc->regex.match && it->cond == IOC_MATCHES && it->type == VG_IOC_TYPE_STRING;
	int r = obj->get(obj, it->term->field, item_emit, &s);
	if (s.batching && !s.any_true)
		regex_flush(&s);
	if (s.limit_hit && !ev->regex_limit_noted) {
		ev->regex_limit_noted = true;
		ev_warn(ev, N_("a regular expression reached its match limit: %s"), it->content);
	}
	enum vg_ioc_truth t;
	if (s.any_true)
		t = VG_IOC_TRUE;
	else if (r < 0 || s.any_unknown)
		t = VG_IOC_UNKNOWN;
	else
		t = VG_IOC_FALSE;
	return negate(t, it->negate);
}

static bool costly(const struct ioc_node *n)
{
	return n->kind != IOC_ITEM || (n->item.term && (n->item.term->flags & VG_IOC_TERM_COSTLY));
}

/* Kleene AND/OR with short-circuit; cheap items first so that a file whose name does not
 * match is never hashed. */
static enum vg_ioc_truth eval_node(struct vg_ioc_eval *ev, int k, const struct vg_ioc_object *obj, int only_unit)
{
	const struct ioc_node *n = &ev->ioc->nodes[k];
	if (n->kind == IOC_ITEM)
		return eval_item(ev, &n->item, obj);
	bool and = n->kind == IOC_AND;
	bool unknown = false;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t c = 0; c < n->nchildren; c++) {
			const struct ioc_node *ch = &ev->ioc->nodes[n->children[c]];
			if (only_unit >= 0 && ch->unit != only_unit)
				continue;
			if (costly(ch) != (pass == 1))
				continue;
			enum vg_ioc_truth t = eval_node(ev, n->children[c], obj, -1);
			if (t == VG_IOC_UNKNOWN)
				unknown = true;
			else if ((t == VG_IOC_TRUE) != and)
				return t;
		}
	}
	if (n->nchildren == 0)
		return VG_IOC_UNKNOWN;
	return unknown ? VG_IOC_UNKNOWN : (and ? VG_IOC_TRUE : VG_IOC_FALSE);
}

/* The innermost Indicator that holds for obj: down through the true branches of ORs. */
static int explain(struct vg_ioc_eval *ev, int k, const struct vg_ioc_object *obj)
{
	const struct ioc_node *n = &ev->ioc->nodes[k];
	if (n->kind != IOC_OR)
		return k;
	for (size_t c = 0; c < n->nchildren; c++) {
		int ck = n->children[c];
		if (ev->ioc->nodes[ck].kind != IOC_ITEM && eval_node(ev, ck, obj, -1) == VG_IOC_TRUE)
			return explain(ev, ck, obj);
	}
	return k;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

enum vg_ioc_truth vg_ioc_eval_object(struct vg_ioc_eval *ev, const struct vg_ioc_object *obj)
{
	const struct vg_ioc *ioc = ev->ioc;
	enum vg_ioc_truth any = VG_IOC_FALSE;

	for (size_t u = 0; u < ioc->nunits; u++) {
		const struct ioc_unit *unit = &ioc->units[u];
		struct unit_state *st = &ev->us[u];
		if (unit->doc != (int)obj->doc || !unit->collectable)
			continue;
		enum vg_ioc_truth t = eval_node(ev, unit->node, obj, unit->synthetic ? (int)u : -1);
		if (t == VG_IOC_UNKNOWN) {
			st->any_unknown = true;
			continue;
		}
		if (t != VG_IOC_TRUE)
			continue;
		st->any_true = true;
		any = VG_IOC_TRUE;
		if (st->nmatch >= VG_IOC_MATCH_PER_UNIT)
			continue;
		if (!st->matches && !(st->matches = calloc(VG_IOC_MATCH_PER_UNIT, sizeof(*st->matches))))
			continue;
		struct vg_ioc_match *m = &st->matches[st->nmatch++];
		int at = unit->synthetic ? unit->node : explain(ev, unit->node, obj);
		m->indicator = ioc->nodes[at].id ? ioc->nodes[at].id : "";
		m->doc = obj->doc;
		for (int i = 0; i < 2; i++) {
			m->label_key[i] = dup_or_null(obj->label_key[i]);
			m->label[i] = dup_or_null(obj->label[i]);
		}
		/* Taken now, while the object is the one that matched. */
		m->identity.pidfd = -1;
		if (ev->identify)
			ev->identify(obj, &m->identity, ev->identify_data);
	}
	return any;
}

void ioc_eval_probe(struct vg_ioc_eval *ev, const struct vg_ioc_object *obj)
{
	const struct vg_ioc *ioc = ev->ioc;

	for (size_t u = 0; u < ioc->nunits; u++) {
		const struct ioc_unit *unit = &ioc->units[u];

		if (unit->doc == (int)obj->doc && unit->collectable)
			(void)eval_node(ev, unit->node, obj, unit->synthetic ? (int)u : -1);
	}
}

static enum vg_ioc_truth unit_result(struct vg_ioc_eval *ev, int u, unsigned collected)
{
	const struct ioc_unit *unit = &ev->ioc->units[u];
	if (!unit->collectable || !(collected & (1u << unit->doc)))
		return VG_IOC_UNKNOWN;
	if (ev->us[u].any_true)
		return VG_IOC_TRUE;
	return ev->us[u].any_unknown ? VG_IOC_UNKNOWN : VG_IOC_FALSE;
}

static enum vg_ioc_truth finish_node(struct vg_ioc_eval *ev, int k, unsigned collected)
{
	const struct ioc_node *n = &ev->ioc->nodes[k];
	enum vg_ioc_truth t;

	if (n->unit >= 0) {
		t = unit_result(ev, n->unit, collected);
	} else if (n->kind == IOC_ITEM || n->nchildren == 0) {
		t = VG_IOC_UNKNOWN;
	} else {
		bool and = n->kind == IOC_AND, unknown = false, decided = false;
		t = VG_IOC_UNKNOWN;
		for (size_t c = 0; c < n->nchildren; c++) {
			/* No short-circuit here: every node gets its value for the match list. */
			enum vg_ioc_truth ct = finish_node(ev, n->children[c], collected);
			if (decided)
				continue;
			if (ct == VG_IOC_UNKNOWN) {
				unknown = true;
			} else if ((ct == VG_IOC_TRUE) != and) {
				t = ct;
				decided = true;
			}
		}
		if (!decided)
			t = unknown ? VG_IOC_UNKNOWN : (and ? VG_IOC_TRUE : VG_IOC_FALSE);
	}
	ev->res[k] = t;
	return t;
}

static void list_unit(struct vg_ioc_eval *ev, int u)
{
	if (ev->unit_listed[u])
		return;
	ev->unit_listed[u] = true;
	struct unit_state *st = &ev->us[u];
	for (size_t i = 0; i < st->nmatch; i++) {
		if (ev->nmatch == ev->capmatch) {
			size_t cap = ev->capmatch ? ev->capmatch * 2 : 16;
			struct vg_ioc_match *nm = realloc(ev->matches, cap * sizeof(*nm));
			if (!nm)
				return;
			ev->matches = nm;
			ev->capmatch = cap;
		}
		ev->matches[ev->nmatch++] = st->matches[i];   /* shares the strings owned by st */
	}
}

/* The objects behind a true node: those of its true children, down to the units. */
static void collect(struct vg_ioc_eval *ev, int k)
{
	const struct ioc_node *n = &ev->ioc->nodes[k];
	if (ev->res[k] != VG_IOC_TRUE)
		return;
	if (n->unit >= 0) {
		list_unit(ev, n->unit);
		return;
	}
	for (size_t c = 0; c < n->nchildren; c++)
		collect(ev, n->children[c]);
}

enum vg_ioc_truth vg_ioc_eval_finish(struct vg_ioc_eval *ev, unsigned collected)
{
	const struct vg_ioc *ioc = ev->ioc;
	if (ioc->root < 0)
		return VG_IOC_UNKNOWN;
	unsigned warned = 0;
	for (size_t u = 0; u < ioc->nunits; u++) {
		int d = ioc->units[u].doc;
		if (ioc->units[u].collectable && !(collected & (1u << d)) && !(warned & (1u << d))) {
			warned |= 1u << d;
			ev_warn(ev, N_("%s objects were not collected: tests on them are unknown"),
				vg_ioc_doc_name((enum vg_ioc_doc)d));
		}
	}
	enum vg_ioc_truth t = finish_node(ev, ioc->root, collected);
	if (!ev->finished) {
		ev->finished = true;
		collect(ev, ioc->root);
	}
	return t;
}

size_t vg_ioc_eval_match_count(const struct vg_ioc_eval *ev)
{
	return ev->nmatch;
}

const struct vg_ioc_match *vg_ioc_eval_match(const struct vg_ioc_eval *ev, size_t i)
{
	return i < ev->nmatch ? &ev->matches[i] : NULL;
}

size_t vg_ioc_eval_warning_count(const struct vg_ioc_eval *ev)
{
	return ev->nwarnings;
}

const struct vg_error *vg_ioc_eval_warning(const struct vg_ioc_eval *ev, size_t i)
{
	return i < ev->nwarnings ? &ev->warnings[i] : NULL;
}
