/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Evaluating events.  For each source of the event, the prefilter marks the rules whose guard
 * fires; those and the unguarded ones are evaluated (their condition over memoised
 * selections).  A field's values are read once per event through the caller's accessor and
 * kept, with a lowered copy, in a scratch area reused from event to event.  A rule that
 * matches is reported (with the selections that held) and feeds the correlations that count
 * it, whose matches feed theirs in turn.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/sigma-int.h"

#define SCRATCH_CHUNK 65536

struct chunk {
	struct chunk *next;
	size_t size, used;
	max_align_t data[];
};

/* Memory reused from call to call: allocations never move, a reset keeps the chunks. */
struct scratch {
	struct chunk *head, *tail, *cur;
};

struct fcache {
	uint32_t gen;
	bool present;
	const struct sg_val *v;
	size_t n;
};

struct vg_sigma_matcher {
	const struct vg_sigma_set *set;
	const struct vg_sigma_event *ev;
	unsigned src;                   /* the source bit index being evaluated */
	uint32_t gen;                   /* of the event: caches of another gen are stale */
	struct fcache *fc;
	struct fcache kw[VG_SIGMA_SRC_COUNT];
	struct scratch vals;
	size_t bytes;
	struct sg_val *tmp;
	size_t ntmp, captmp;
	uint32_t *stamp;
	uint32_t sgen;
	int8_t *memo;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	struct vg_sigma_match *res;
	size_t *seloff;
	size_t nres, capres;
	const char **selpool;
	size_t nsel, capsel;
	struct scratch rs;
	struct sg_corr_state *cs;
	struct vg_sigma_stats st;
	bool oom;
};

static void *scratch_alloc(struct scratch *s, size_t n)
{
	size_t align = _Alignof(max_align_t);

	n = (n + align - 1) & ~(align - 1);
	/* The chunks after cur are unused in this round: walk on to one with room. */
	while (s->cur && s->cur->size - s->cur->used < n) {
		s->cur = s->cur->next;
		if (s->cur)
			s->cur->used = 0;
	}
	if (!s->cur) {
		size_t size = n > SCRATCH_CHUNK ? n : SCRATCH_CHUNK;
		struct chunk *c = malloc(sizeof(*c) + size);

		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = NULL;
		if (s->tail)
			s->tail->next = c;
		else
			s->head = c;
		s->tail = c;
		s->cur = c;
	}
	void *p = (char *)s->cur->data + s->cur->used;

	s->cur->used += n;
	return p;
}

static void scratch_reset(struct scratch *s)
{
	s->cur = s->head;
	if (s->cur)
		s->cur->used = 0;
}

static void scratch_free(struct scratch *s)
{
	struct chunk *c = s->head;

	while (c) {
		struct chunk *n = c->next;

		free(c);
		c = n;
	}
	s->head = s->tail = s->cur = NULL;
}

/* --- reading values --- */
static int push_tmp(struct vg_sigma_matcher *m, struct sg_val v)
{
	if (m->ntmp == m->captmp) {
		size_t cap = m->captmp ? m->captmp * 2 : 32;
		struct sg_val *t = realloc(m->tmp, cap * sizeof(*t));

		if (!t) {
			m->oom = true;
			return -ENOMEM;
		}
		m->tmp = t;
		m->captmp = cap;
	}
	m->tmp[m->ntmp++] = v;
	return 0;
}

static int collect(void *sink, const char *value, size_t len)
{
	struct vg_sigma_matcher *m = sink;
	struct sg_val v = { .v = "", .lv = "", .null = value == NULL };

	if (value) {
		char *b;

		if (m->bytes + 2 * len + 2 > m->set->lim.max_event_bytes) {
			m->st.values_truncated++;
			return 1;
		}
		b = scratch_alloc(&m->vals, 2 * len + 2);
		if (!b) {
			m->oom = true;
			return 1;
		}
		memcpy(b, value, len);
		b[len] = '\0';
		sg_lower(b + len + 1, value, len);
		b[2 * len + 1] = '\0';
		v.v = b;
		v.lv = b + len + 1;
		v.len = len;
		m->bytes += 2 * len + 2;
	}
	return push_tmp(m, v) < 0;
}

static const struct sg_val truth[2] = { { .v = "false", .lv = "false", .len = 5 }, { .v = "true", .lv = "true", .len = 4 } };

/* Sysmon's form of hashes: "SHA256=...,MD5=..." from OCSF's algorithm ids and values. */
static void hashes_value(struct vg_sigma_matcher *m, const struct sg_field *f)
{
	static const char *const names[] = { NULL, "MD5", "SHA1", "SHA256", "SHA512" };
	size_t nalg, total = 0, used = 0;
	struct sg_val *alg;
	char *out;

	m->ntmp = 0;
	if (m->ev->get(m->ev, f->aux[0], collect, m) != 1)
		return;
	nalg = m->ntmp;
	alg = scratch_alloc(&m->vals, (nalg + 1) * sizeof(*alg));
	if (!alg) {
		m->oom = true;
		return;
	}
	if (nalg)
		memcpy(alg, m->tmp, nalg * sizeof(*alg));
	m->ntmp = 0;
	if (m->ev->get(m->ev, f->aux[1], collect, m) != 1 || m->ntmp != nalg) {
		m->ntmp = 0;
		return;
	}
	for (size_t i = 0; i < nalg; i++)
		total += m->tmp[i].len + 8;
	out = scratch_alloc(&m->vals, 2 * total + 2);
	if (!out) {
		m->oom = true;
		return;
	}
	for (size_t i = 0; i < nalg; i++) {
		double id;

		if (alg[i].null || m->tmp[i].null || !sg_parse_number(alg[i].v, alg[i].len, &id) || id < 1 || id > 4)
			continue;
		used += (size_t)snprintf(out + used, total + 1 - used, "%s%s=%s", used ? "," : "", names[(int)id],
					 m->tmp[i].v);
	}
	m->ntmp = 0;
	if (!used)
		return;
	sg_lower(out + used + 1, out, used);
	out[2 * used + 1] = '\0';
	push_tmp(m, (struct sg_val){ .v = out, .lv = out + used + 1, .len = used });
}

const struct sg_val *sg_matcher_values(struct vg_sigma_matcher *m, int field, size_t *n)
{
	struct fcache *c = &m->fc[field];
	const struct sg_field *f = &m->set->fields[field];
	struct sg_val *v;

	if (c->gen == m->gen) {
		*n = c->n;
		return c->v;
	}
	*c = (struct fcache){ .gen = m->gen };
	m->ntmp = 0;
	if (f->convert == VG_SIGMA_CONVERT_HASHES) {
		hashes_value(m, f);
		c->present = m->ntmp > 0;
	} else {
		for (size_t i = 0; i < 3 && f->paths[i]; i++) {
			if (m->ev->get(m->ev, f->paths[i], collect, m) == 1) {
				c->present = true;
				break;
			}
			m->ntmp = 0;
		}
	}
	for (size_t i = 0; i < m->ntmp; i++) {
		if (m->tmp[i].null)
			continue;
		if (f->convert == VG_SIGMA_CONVERT_INITIATED)
			m->tmp[i] = truth[m->tmp[i].len == 1 && m->tmp[i].v[0] == '2'];
		else if (f->convert == VG_SIGMA_CONVERT_IS_IPV6)
			m->tmp[i] = truth[memchr(m->tmp[i].v, ':', m->tmp[i].len) != NULL];
	}
	if (m->ntmp) {
		v = scratch_alloc(&m->vals, m->ntmp * sizeof(*v));
		if (!v) {
			m->oom = true;
			*n = 0;
			return NULL;
		}
		memcpy(v, m->tmp, m->ntmp * sizeof(*v));
		c->v = v;
		c->n = m->ntmp;
	}
	*n = c->n;
	return c->v;
}

static const struct sg_val *values_cb(void *m, int field, size_t *n)
{
	return sg_matcher_values(m, field, n);
}

/* Every value the keywords search: the accessor's each(), or the source's mapped fields. */
static const struct sg_val *keywords(struct vg_sigma_matcher *m, size_t *n)
{
	struct fcache *c = &m->kw[m->src];
	const struct vg_sigma_set *set = m->set;
	struct sg_val *v;

	if (c->gen != m->gen) {
		*c = (struct fcache){ .gen = m->gen };
		m->ntmp = 0;
		if (m->ev->each) {
			m->ev->each(m->ev, collect, m);
			if (m->ntmp && (v = scratch_alloc(&m->vals, m->ntmp * sizeof(*v)))) {
				memcpy(v, m->tmp, m->ntmp * sizeof(*v));
				c->v = v;
				c->n = m->ntmp;
			}
		} else {
			/* The mapped fields' values (read into their caches first, then gathered). */
			size_t total = 0, k;

			for (size_t f = 0; f < set->nfields; f++)
				if (set->fields[f].in_table && (set->fields[f].sources & (1u << m->src))) {
					sg_matcher_values(m, (int)f, &k);
					total += k;
				}
			if (total && (v = scratch_alloc(&m->vals, total * sizeof(*v)))) {
				for (size_t f = 0; f < set->nfields; f++) {
					const struct sg_val *fv;

					if (!set->fields[f].in_table || !(set->fields[f].sources & (1u << m->src)))
						continue;
					fv = sg_matcher_values(m, (int)f, &k);
					if (k)
						memcpy(v + c->n, fv, k * sizeof(*v));
					c->n += k;
				}
				c->v = v;
			}
		}
		c->present = c->n > 0;
	}
	*n = c->n;
	return c->v;
}

/* --- tests --- */
static bool test_fieldref(struct vg_sigma_matcher *m, const struct sg_test *t, const struct sg_val *v)
{
	size_t n;
	const struct sg_val *o = sg_matcher_values(m, t->field, &n);

	if (v->null)
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *s = t->cased ? v->v : v->lv, *p = t->cased ? o[i].v : o[i].lv;
		size_t pl = o[i].len;

		if (o[i].null)
			continue;
		if (t->sw && t->ew) {
			if (memmem(s, v->len, p, pl))
				return true;
		} else if (t->sw) {
			if (v->len >= pl && memcmp(s, p, pl) == 0)
				return true;
		} else if (t->ew) {
			if (v->len >= pl && memcmp(s + v->len - pl, p, pl) == 0)
				return true;
		} else if (v->len == pl && memcmp(s, p, pl) == 0) {
			return true;
		}
	}
	return false;
}

static bool test_regex(struct vg_sigma_matcher *m, const struct sg_test *t, const struct sg_val *v)
{
	int rc;

	if (v->null)
		return false;
	if (!t->re) {
		const struct vg_sigma_limits *lim = &m->set->lim;

		rc = t->ext.match(t->ext.data, t->lit, t->len, t->re_flags, lim->regex_match_limit, lim->regex_depth_limit,
				  v->v, v->len);
		if (rc < 0)
			m->st.regex_limits++;
		return rc > 0;
	}
	rc = pcre2_match(t->re, (PCRE2_SPTR)v->v, v->len, 0, 0, m->md, m->mctx);
	if (rc >= 0)
		return true;
	if (rc != PCRE2_ERROR_NOMATCH)
		m->st.regex_limits++;   /* a limit (match, depth, heap, JIT stack): no match, counted */
	return false;
}

static bool test_value(struct vg_sigma_matcher *m, const struct sg_test *t, const struct sg_val *v)
{
	switch (t->kind) {
	case SG_T_EXACT:
	case SG_T_PREFIX:
	case SG_T_SUFFIX:
	case SG_T_CONTAINS:
	case SG_T_ANY:
	case SG_T_GLOB:
		return sg_test_string(t, v);
	case SG_T_REGEX:
		return test_regex(m, t, v);
	case SG_T_CIDR:
		return sg_test_cidr(t, v);
	case SG_T_NUM:
		return sg_test_num(t, v);
	case SG_T_TIME:
		return sg_test_time(t, v);
	case SG_T_FIELDREF:
		return test_fieldref(m, t, v);
	default:
		return false;
	}
}

static bool group_holds(struct vg_sigma_matcher *m, const struct sg_group *g, const struct sg_val *v, size_t n)
{
	for (size_t a = 0; a < g->n; a++)
		for (size_t i = 0; i < n; i++)
			if (test_value(m, &g->alts[a], &v[i]))
				return true;
	return false;
}

static bool eval_item(struct vg_sigma_matcher *m, const struct sg_item *it)
{
	const struct sg_val *v;
	size_t n;
	bool present, r;

	if (it->field == SG_FIELD_KEYWORDS) {
		v = keywords(m, &n);
		present = n > 0;
	} else {
		v = sg_matcher_values(m, it->field, &n);
		present = m->fc[it->field].present;
	}
	if (it->null_ok) {
		r = true;
		for (size_t i = 0; i < n; i++)
			if (!v[i].null)
				r = false;
	} else if (it->ngroups && it->groups[0].n && it->groups[0].alts[0].kind == SG_T_EXISTS) {
		r = present == it->groups[0].alts[0].exists;
	} else if (it->all) {
		r = true;
		for (size_t g = 0; g < it->ngroups && r; g++)
			r = group_holds(m, &it->groups[g], v, n);
	} else {
		r = false;
		for (size_t g = 0; g < it->ngroups && !r; g++)
			r = group_holds(m, &it->groups[g], v, n);
	}
	return it->neg ? !r : r;
}

static bool eval_selection(struct vg_sigma_matcher *m, const struct vg_sigma_rule *r, unsigned s)
{
	const struct sg_selection *sel = &r->sels[s];

	if (m->memo[s] >= 0)
		return m->memo[s];
	bool any = false;

	for (size_t a = 0; a < sel->n && !any; a++) {
		bool all = true;

		for (size_t k = 0; k < sel->alts[a].n && all; k++)
			all = eval_item(m, &sel->alts[a].items[k]);
		any = all;
	}
	m->memo[s] = any;
	return any;
}

static bool eval_cond(struct vg_sigma_matcher *m, const struct vg_sigma_rule *r, const struct sg_cond *c)
{
	switch (c->op) {
	case SG_C_SEL:
		return eval_selection(m, r, c->sel);
	case SG_C_NOT:
		return !eval_cond(m, r, c->kids[0]);
	case SG_C_AND:
		for (size_t i = 0; i < c->n; i++)
			if (!eval_cond(m, r, c->kids[i]))
				return false;
		return true;
	default:
		for (size_t i = 0; i < c->n; i++)
			if (eval_cond(m, r, c->kids[i]))
				return true;
		return false;
	}
}

/* --- results --- */
static struct vg_sigma_match *new_result(struct vg_sigma_matcher *m)
{
	if (m->nres == m->capres) {
		size_t cap = m->capres ? m->capres * 2 : 8;
		struct vg_sigma_match *r = realloc(m->res, cap * sizeof(*r));
		size_t *o;

		if (!r) {
			m->oom = true;
			return NULL;
		}
		m->res = r;
		o = realloc(m->seloff, cap * sizeof(*o));
		if (!o) {
			m->oom = true;
			return NULL;
		}
		m->seloff = o;
		m->capres = cap;
	}
	m->seloff[m->nres] = m->nsel;
	struct vg_sigma_match *r = &m->res[m->nres++];

	memset(r, 0, sizeof(*r));
	r->record = -1;
	r->group = "";
	return r;
}

static void add_detection(struct vg_sigma_matcher *m, const struct vg_sigma_rule *r)
{
	struct vg_sigma_match *res = new_result(m);

	if (!res)
		return;
	res->rule = r;
	res->source = 1u << m->src;
	res->event_id = m->ev->id;
	res->record = m->ev->record;
	for (unsigned s = 0; s < r->nsels; s++) {
		if (!eval_selection(m, r, s))
			continue;
		if (m->nsel == m->capsel) {
			size_t cap = m->capsel ? m->capsel * 2 : 16;
			const char **p = realloc(m->selpool, cap * sizeof(*p));

			if (!p) {
				m->oom = true;
				return;
			}
			m->selpool = p;
			m->capsel = cap;
		}
		m->selpool[m->nsel++] = r->sels[s].name;
		res->selections.n++;
	}
	m->st.matches++;
}

static int add_correlation(void *mv, const struct vg_sigma_rule *r, const struct sg_corr_fire *fire)
{
	struct vg_sigma_matcher *m = mv;
	struct vg_sigma_match *res;
	size_t glen = strlen(fire->group);
	char *group;
	uint64_t *ids;

	if (!r->info.reported)
		return 0;
	res = new_result(m);
	group = scratch_alloc(&m->rs, glen + 1);
	ids = scratch_alloc(&m->rs, (fire->nids + 1) * sizeof(*ids));
	if (!res || !group || !ids) {
		m->oom = true;
		return -ENOMEM;
	}
	memcpy(group, fire->group, glen + 1);
	memcpy(ids, fire->ids, fire->nids * sizeof(*ids));
	res->rule = r;
	res->group = group;
	res->count = fire->count;
	res->first_ms = fire->first_ms;
	res->last_ms = fire->last_ms;
	res->event_ids = ids;
	res->nevent_ids = fire->nids;
	res->event_id = fire->nids ? ids[fire->nids - 1] : 0;
	if (m->ev) {
		res->source = 1u << m->src;
		res->record = m->ev->record;
	}
	m->st.matches++;
	return 0;
}

/* A rule held for the event: report it, count it in its correlations, and theirs in turn. */
static void matched(struct vg_sigma_matcher *m, const struct vg_sigma_rule *r, int64_t t)
{
	if (!r->corr && r->info.reported)
		add_detection(m, r);
	for (size_t u = 0; u < r->nusers && !m->oom; u++) {
		struct sg_corr_fire fire;
		int rc;

		if (!r->users[u].corr->evaluated)
			continue;   /* a correlation nobody hears (disabled, not counted by another) */
		rc = sg_corr_feed(m->cs, m, r->users[u].corr, r->users[u].ref, m->src, m->ev->id, t, &fire);
		if (rc < 0) {
			m->oom = true;
			return;
		}
		if (rc > 0) {
			add_correlation(m, r->users[u].corr, &fire);
			matched(m, r->users[u].corr, t);
		}
	}
}

static void eval_event(struct vg_sigma_matcher *m, const struct vg_sigma_event *ev, int64_t t)
{
	const struct vg_sigma_set *set = m->set;
	unsigned srcs = ev->sources & set->sources;

	m->ev = ev;
	if (++m->gen == 0) {
		for (size_t i = 0; i < set->nfields; i++)
			m->fc[i].gen = 0;
		for (size_t i = 0; i < VG_SIGMA_SRC_COUNT; i++)
			m->kw[i].gen = 0;
		m->gen = 1;
	}
	scratch_reset(&m->vals);
	m->bytes = 0;
	m->st.events++;
	for (unsigned s = 0; s < VG_SIGMA_SRC_COUNT && !m->oom; s++) {
		const uint32_t *rules;
		const uint8_t *guarded;
		size_t n;

		if (!(srcs & (1u << s)))
			continue;
		m->src = s;
		sg_prefilter_rules(set, s, &rules, &guarded, &n);
		if (!n)
			continue;
		if (++m->sgen == 0) {
			memset(m->stamp, 0, (set->nrules + 1) * sizeof(*m->stamp));
			m->sgen = 1;
		}
		sg_prefilter_mark(set, s, values_cb, m, m->stamp, m->sgen);
		for (size_t i = 0; i < n && !m->oom; i++) {
			const struct vg_sigma_rule *r = set->rules[rules[i]];

			if (guarded[i] && m->stamp[rules[i]] != m->sgen)
				continue;
			m->st.candidates++;
			memset(m->memo, -1, r->nsels);
			if (eval_cond(m, r, r->cond))
				matched(m, r, t);
		}
	}
}

static void begin(struct vg_sigma_matcher *m)
{
	m->nres = 0;
	m->nsel = 0;
	m->oom = false;
	m->ev = NULL;
	scratch_reset(&m->rs);
}

static int finish(struct vg_sigma_matcher *m)
{
	for (size_t i = 0; i < m->nres; i++)
		m->res[i].selections.v = m->res[i].selections.n ? m->selpool + m->seloff[i] : NULL;
	m->ev = NULL;
	return m->oom ? -ENOMEM : (int)m->nres;
}

int vg_sigma_matcher_eval(struct vg_sigma_matcher *m, const struct vg_sigma_event *ev, int64_t time_ms)
{
	begin(m);
	eval_event(m, ev, time_ms);
	return finish(m);
}

int vg_sigma_matcher_eval_ocsf(struct vg_sigma_matcher *m, const json_t *event, uint64_t id, int64_t time_ms)
{
	struct vg_sigma_event ev;
	const json_t *audit;

	begin(m);
	if (!json_is_object(event))
		return finish(m);
	vg_sigma_ocsf_event(&ev, event, id);
	if (ev.sources & m->set->sources)
		eval_event(m, &ev, time_ms);
	audit = json_object_get(json_object_get(event, "unmapped"), "audit");
	if ((m->set->sources & VG_SIGMA_SRC_AUDITD) && json_is_array(audit))
		for (size_t i = 0; i < json_array_size(audit) && !m->oom; i++) {
			vg_sigma_ocsf_record(&ev, json_array_get(audit, i), id, (int)i);
			if (ev.sources)
				eval_event(m, &ev, time_ms);
		}
	return finish(m);
}

int vg_sigma_matcher_tick(struct vg_sigma_matcher *m, int64_t time_ms)
{
	int rc;

	begin(m);
	rc = sg_corr_tick(m->cs, time_ms, add_correlation, m);
	if (rc < 0)
		m->oom = true;
	return finish(m);
}

size_t vg_sigma_matcher_count(const struct vg_sigma_matcher *m)
{
	return m->nres;
}

const struct vg_sigma_match *vg_sigma_matcher_match(const struct vg_sigma_matcher *m, size_t i)
{
	return i < m->nres ? &m->res[i] : NULL;
}

void vg_sigma_matcher_stats(const struct vg_sigma_matcher *m, struct vg_sigma_stats *stats)
{
	*stats = m->st;
	sg_corr_counts(m->cs, &stats->corr_groups, &stats->corr_groups_evicted, &stats->corr_events_evicted);
}

int vg_sigma_matcher_new(const struct vg_sigma_set *set, struct vg_sigma_matcher **out)
{
	struct vg_sigma_matcher *m;
	size_t maxsels = 1;

	*out = NULL;
	if (!set->compiled)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->set = set;
	m->gen = 1;
	m->sgen = 1;
	for (size_t i = 0; i < set->nrules; i++)
		if (set->rules[i]->nsels > maxsels)
			maxsels = set->rules[i]->nsels;
	m->fc = calloc(set->nfields + 1, sizeof(*m->fc));
	m->stamp = calloc(set->nrules + 1, sizeof(*m->stamp));
	m->memo = calloc(maxsels, 1);
	m->md = pcre2_match_data_create(1, NULL);
	m->mctx = pcre2_match_context_create(NULL);
	m->jit = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
	if (!m->fc || !m->stamp || !m->memo || !m->md || !m->mctx || !m->jit ||
	    sg_corr_state_new(set, &m->cs) < 0) {
		vg_sigma_matcher_free(m);
		return -ENOMEM;
	}
	pcre2_set_match_limit(m->mctx, set->lim.regex_match_limit);
	pcre2_set_depth_limit(m->mctx, set->lim.regex_depth_limit);
	pcre2_set_heap_limit(m->mctx, 16384);   /* KiB */
	pcre2_jit_stack_assign(m->mctx, NULL, m->jit);
	*out = m;
	return 0;
}

void vg_sigma_matcher_free(struct vg_sigma_matcher *m)
{
	if (!m)
		return;
	sg_corr_state_free(m->cs);
	if (m->jit)
		pcre2_jit_stack_free(m->jit);
	if (m->mctx)
		pcre2_match_context_free(m->mctx);
	if (m->md)
		pcre2_match_data_free(m->md);
	scratch_free(&m->vals);
	scratch_free(&m->rs);
	free(m->fc);
	free(m->stamp);
	free(m->memo);
	free(m->tmp);
	free(m->res);
	free(m->seloff);
	free(m->selpool);
	free(m);
}
