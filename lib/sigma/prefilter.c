/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The prefilters: most rules cannot match most events, and a cheap test says so.
 *
 * For each rule the compiler looks for a guard: a set of atoms (a field equal to, starting
 * with or ending with a literal) such that the rule cannot match unless one of them holds.
 * `A and B` takes the better guard of A and B, `A or B` needs both and joins them, `not`
 * gives none, a selection is the or of its maps and a map the and of its items.  A rule with
 * no guard is evaluated for every event of its source.
 *
 * The atoms go into hash tables per source and field: the exact values, and the prefixes and
 * suffixes bucketed by their length, so that an event's value is looked up once per distinct
 * length.  Substrings (contains) are found by their first three bytes: a bit filter of 65536
 * bits says at which positions of the value a literal may start, and a table of those
 * three-byte heads gives the literals to compare there.  An event marks the rules whose atoms fire; only those (and the unguarded) are
 * evaluated.  The guard is a necessary condition, compared case-insensitively, so it never
 * hides a match (a unit test checks it against evaluating every rule).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "sigma/sigma-int.h"

#define MIN_AFFIX 2     /* a shorter prefix or suffix selects nothing */
#define HEAD 3          /* a substring atom is found by its first HEAD bytes */

enum atom_kind { A_EXACT = 0, A_PREFIX, A_SUFFIX, A_CONTAINS };

struct atom {
	int field;
	uint8_t kind;
	const char *lit;
	size_t len;
};

struct guard {
	bool none;      /* no guard: evaluate always */
	struct atom *a;
	size_t n;
	unsigned cost;
};

typedef bool (*field_filter)(const struct vg_sigma_set *set, int field);

/* --- a hash table from literal to the rules that hold it --- */
struct slot {
	const char *key;
	size_t len;
	uint32_t *rules;
	size_t n, cap;
};

struct hmap {
	struct slot *s;
	size_t cap, used;
};

static uint64_t hash(const char *p, size_t n)
{
	return vg_fnv1a64(p, n);
}

static struct slot *hmap_find(const struct hmap *m, const char *k, size_t n)
{
	if (!m->cap)
		return NULL;
	for (size_t i = hash(k, n) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct slot *s = &m->s[i];

		if (!s->key)
			return NULL;
		if (s->len == n && memcmp(s->key, k, n) == 0)
			return s;
	}
}

static int hmap_grow(struct hmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16;
	struct slot *s = calloc(cap, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->s[i].key)
			continue;
		size_t j = hash(m->s[i].key, m->s[i].len) & (cap - 1);

		while (s[j].key)
			j = (j + 1) & (cap - 1);
		s[j] = m->s[i];
	}
	free(m->s);
	m->s = s;
	m->cap = cap;
	return 0;
}

static int hmap_add(struct hmap *m, struct sg_arena *a, const char *k, size_t n, uint32_t rule)
{
	struct slot *s = hmap_find(m, k, n);

	if (!s) {
		if ((m->used + 1) * 2 > m->cap && hmap_grow(m) < 0)
			return -ENOMEM;
		size_t i = hash(k, n) & (m->cap - 1);

		while (m->s[i].key)
			i = (i + 1) & (m->cap - 1);
		s = &m->s[i];
		s->key = sg_strndup(a, k, n);
		if (!s->key)
			return -ENOMEM;
		s->len = n;
		m->used++;
	}
	if (s->n && s->rules[s->n - 1] == rule)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 2;
		uint32_t *v = realloc(s->rules, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->rules = v;
		s->cap = cap;
	}
	s->rules[s->n++] = rule;
	return 0;
}

static void hmap_free(struct hmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->s[i].rules);
	free(m->s);
	*m = (struct hmap){ 0 };
}

/* --- the index of one source --- */
struct affix {
	size_t len;
	struct hmap map;
};

/* The substrings of one field: their literals (each with its rules), their heads. */
struct clit {
	const char *lit;
	size_t len;
	uint32_t *rules;
	size_t n, cap;
};

struct contains {
	uint64_t filter[1024];  /* bit h(head) set: some literal starts with that head */
	struct hmap heads;      /* head -> indexes of the literals (in the slot's rules) */
	struct hmap ids;        /* literal -> its index (rules[0]) */
	struct clit *lits;
	size_t nlits;
};

struct fidx {
	int field;
	struct hmap exact;
	struct affix *pre, *suf;
	size_t npre, nsuf;
	struct contains *sub;
};

struct sg_index {
	uint32_t *rules;        /* the evaluated rules of the source, in order */
	uint8_t *guarded;       /* 1: evaluate only when marked */
	size_t n;
	struct fidx *f;
	size_t nf;
	struct sg_arena arena;  /* the literals */
};

/* --- guards --- */
static unsigned atom_cost(const struct vg_sigma_set *set, const struct atom *a)
{
	const char *name = set->fields[a->field].sigma;
	unsigned c = 2 + (a->kind != A_EXACT) + 2 * (a->kind == A_CONTAINS) + (a->len < 4 ? 4 : 0);

	/* A record type or name type is shared by most records: a weak guard. */
	if (set->fields[a->field].sources == VG_SIGMA_SRC_AUDITD &&
	    (strcmp(name, "type") == 0 || strcmp(name, "nametype") == 0 || strcmp(name, "success") == 0))
		c += 6;
	return c;
}

static void guard_free(struct guard *g)
{
	free(g->a);
	g->a = NULL;
	g->n = 0;
}

static struct guard none_guard(void)
{
	return (struct guard){ .none = true };
}

static int guard_push(const struct vg_sigma_set *set, struct guard *g, struct atom a)
{
	struct atom *v = realloc(g->a, (g->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	g->a = v;
	g->a[g->n++] = a;
	g->cost += atom_cost(set, &a);
	return 0;
}

/* Joins src into dst (an OR); none wins. */
static int guard_union(const struct vg_sigma_set *set, struct guard *dst, struct guard *src)
{
	int rc = 0;

	if (dst->none || src->none) {
		guard_free(dst);
		guard_free(src);
		*dst = none_guard();
		return 0;
	}
	for (size_t i = 0; i < src->n && rc == 0; i++)
		rc = guard_push(set, dst, src->a[i]);
	guard_free(src);
	return rc;
}

/* Keeps the cheaper of dst and src (an AND). */
static void guard_best(struct guard *dst, struct guard *src)
{
	if (!src->none && (dst->none || src->cost < dst->cost)) {
		guard_free(dst);
		*dst = *src;
	} else {
		guard_free(src);
	}
	*src = (struct guard){ 0 };
}

/* The atom of one test, if it has one. */
static bool test_atom(const struct sg_test *t, int field, struct atom *a)
{
	*a = (struct atom){ .field = field };
	switch (t->kind) {
	case SG_T_EXACT:
		a->kind = A_EXACT;
		a->lit = t->lit;
		a->len = t->len;
		return true;
	case SG_T_PREFIX:
	case SG_T_SUFFIX:
		a->kind = t->kind == SG_T_PREFIX ? A_PREFIX : A_SUFFIX;
		a->lit = t->lit;
		a->len = t->len;
		return a->len >= MIN_AFFIX;
	case SG_T_CONTAINS:
		a->kind = A_CONTAINS;
		a->lit = t->lit;
		a->len = t->len;
		return a->len >= HEAD;
	case SG_T_GLOB: {
		size_t head = 0, tail = 0, best = 0, best_at = 0;

		while (head < t->len && !t->wild[head])
			head++;
		while (tail < t->len && !t->wild[t->len - 1 - tail])
			tail++;
		/* The longest run of plain bytes between wildcards. */
		for (size_t i = 0, run = 0; i <= t->len; i++) {
			if (i < t->len && !t->wild[i]) {
				run++;
				continue;
			}
			if (run > best) {
				best = run;
				best_at = i - run;
			}
			run = 0;
		}
		if (head >= HEAD || tail >= HEAD || best < HEAD) {
			a->kind = head >= tail ? A_PREFIX : A_SUFFIX;
			a->lit = head >= tail ? t->lit : t->lit + t->len - tail;
			a->len = head >= tail ? head : tail;
			return a->len >= MIN_AFFIX;
		}
		a->kind = A_CONTAINS;
		a->lit = t->lit + best_at;
		a->len = best;
		return true;
	}
	default:
		return false;
	}
}

/* Atoms are compared with the event's lowered value: a cased literal is lowered too (a
 * necessary condition stays necessary). */
static int guard_item(const struct vg_sigma_set *set, const struct sg_item *it, field_filter filter, struct guard *out)
{
	*out = none_guard();
	if (it->field < 0 || it->neg || it->null_ok || (filter && !filter(set, it->field)))
		return 0;
	if (it->all) {
		/* Every value must hold: any one value's atoms will do. */
		for (size_t g = 0; g < it->ngroups; g++) {
			struct guard one = { 0 };
			int rc = 0;

			for (size_t k = 0; k < it->groups[g].n && rc == 0; k++) {
				struct atom a;

				if (!test_atom(&it->groups[g].alts[k], it->field, &a)) {
					guard_free(&one);
					one = none_guard();
					break;
				}
				rc = guard_push(set, &one, a);
			}
			if (rc < 0) {
				guard_free(&one);
				return rc;
			}
			guard_best(out, &one);
		}
		return 0;
	}
	struct guard all = { 0 };

	for (size_t g = 0; g < it->ngroups; g++)
		for (size_t k = 0; k < it->groups[g].n; k++) {
			struct atom a;
			int rc;

			if (!test_atom(&it->groups[g].alts[k], it->field, &a)) {
				guard_free(&all);
				return 0;
			}
			if ((rc = guard_push(set, &all, a)) < 0) {
				guard_free(&all);
				return rc;
			}
		}
	*out = all;
	return 0;
}

static int guard_selection(const struct vg_sigma_set *set, const struct sg_selection *sel, field_filter filter,
			   struct guard *out)
{
	struct guard acc = { 0 };
	int rc;

	for (size_t a = 0; a < sel->n; a++) {
		struct guard conj = none_guard();

		for (size_t k = 0; k < sel->alts[a].n; k++) {
			struct guard g;

			if ((rc = guard_item(set, &sel->alts[a].items[k], filter, &g)) < 0) {
				guard_free(&acc);
				guard_free(&conj);
				return rc;
			}
			guard_best(&conj, &g);
		}
		if ((rc = guard_union(set, &acc, &conj)) < 0) {
			guard_free(&acc);
			return rc;
		}
		if (acc.none)
			break;
	}
	*out = acc;
	return 0;
}

static int guard_cond(const struct vg_sigma_set *set, const struct vg_sigma_rule *r, const struct sg_cond *c,
		      field_filter filter, struct guard *out)
{
	int rc;

	switch (c->op) {
	case SG_C_SEL:
		return guard_selection(set, &r->sels[c->sel], filter, out);
	case SG_C_NOT:
		*out = none_guard();
		return 0;
	case SG_C_AND:
		*out = none_guard();
		for (size_t i = 0; i < c->n; i++) {
			struct guard g;

			if ((rc = guard_cond(set, r, c->kids[i], filter, &g)) < 0) {
				guard_free(out);
				return rc;
			}
			guard_best(out, &g);
		}
		return 0;
	default: /* SG_C_OR */
		*out = (struct guard){ 0 };
		for (size_t i = 0; i < c->n; i++) {
			struct guard g;

			if ((rc = guard_cond(set, r, c->kids[i], filter, &g)) < 0 ||
			    (rc = guard_union(set, out, &g)) < 0) {
				guard_free(out);
				return rc;
			}
			if (out->none)
				break;
		}
		return 0;
	}
}

static bool only_type(const struct vg_sigma_set *set, int field)
{
	return strcmp(set->fields[field].sigma, "type") == 0;
}

bool sg_prefilter_restricts_type(const struct vg_sigma_set *set, const struct vg_sigma_rule *r)
{
	struct guard g;
	bool yes;

	if (guard_cond(set, r, r->cond, only_type, &g) < 0)
		return false;
	yes = !g.none;
	guard_free(&g);
	return yes;
}

/* --- building --- */
static struct fidx *fidx_get(struct sg_index *ix, int field)
{
	for (size_t i = 0; i < ix->nf; i++)
		if (ix->f[i].field == field)
			return &ix->f[i];
	struct fidx *v = realloc(ix->f, (ix->nf + 1) * sizeof(*v));

	if (!v)
		return NULL;
	ix->f = v;
	memset(&v[ix->nf], 0, sizeof(*v));
	v[ix->nf].field = field;
	return &v[ix->nf++];
}

static unsigned head_bit(const char *p)
{
	uint32_t x = (uint32_t)(unsigned char)p[0] | (uint32_t)(unsigned char)p[1] << 8 | (uint32_t)(unsigned char)p[2] << 16;

	return (x * 2654435761u) >> 16;
}

static int contains_add(struct sg_index *ix, struct fidx *f, const char *lit, size_t len, uint32_t rule)
{
	struct contains *c = f->sub;
	struct slot *s;
	struct clit *l;
	uint32_t id;

	if (!c && !(c = f->sub = calloc(1, sizeof(*c))))
		return -ENOMEM;
	s = hmap_find(&c->ids, lit, len);
	if (s) {
		id = s->rules[0];
	} else {
		struct clit *v = realloc(c->lits, (c->nlits + 1) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->lits = v;
		id = (uint32_t)c->nlits;
		if (hmap_add(&c->ids, &ix->arena, lit, len, id) < 0 || hmap_add(&c->heads, &ix->arena, lit, HEAD, id) < 0)
			return -ENOMEM;
		v[id] = (struct clit){ .lit = hmap_find(&c->ids, lit, len)->key, .len = len };
		c->nlits++;
		c->filter[head_bit(lit) / 64] |= 1ull << (head_bit(lit) % 64);
	}
	l = &c->lits[id];
	if (l->n && l->rules[l->n - 1] == rule)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 2;
		uint32_t *v = realloc(l->rules, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->rules = v;
		l->cap = cap;
	}
	l->rules[l->n++] = rule;
	return 0;
}

static struct hmap *affix_get(struct affix **v, size_t *n, size_t len)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].len == len)
			return &(*v)[i].map;
	struct affix *nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv)
		return NULL;
	*v = nv;
	nv[*n] = (struct affix){ .len = len };
	return &nv[(*n)++].map;
}

static int index_atom(struct sg_index *ix, const struct atom *a, uint32_t rule)
{
	struct fidx *f = fidx_get(ix, a->field);
	struct hmap *m;
	char buf[256];
	const char *lit = a->lit;

	if (!f)
		return -ENOMEM;
	/* Lowered (a cased literal keeps its case in the rule). */
	if (a->len <= sizeof(buf)) {
		sg_lower(buf, a->lit, a->len);
		lit = buf;
	} else {
		char *low = sg_alloc(&ix->arena, a->len);

		if (!low)
			return -ENOMEM;
		sg_lower(low, a->lit, a->len);
		lit = low;
	}
	if (a->kind == A_CONTAINS)
		return contains_add(ix, f, lit, a->len, rule);
	if (a->kind == A_EXACT)
		m = &f->exact;
	else if (a->kind == A_PREFIX)
		m = affix_get(&f->pre, &f->npre, a->len);
	else
		m = affix_get(&f->suf, &f->nsuf, a->len);
	if (!m)
		return -ENOMEM;
	return hmap_add(m, &ix->arena, lit, a->len, rule);
}

static int build_source(struct vg_sigma_set *set, unsigned s)
{
	struct sg_index *ix = calloc(1, sizeof(*ix));
	size_t n = 0;
	int rc = 0;

	if (!ix)
		return -ENOMEM;
	set->index[s] = ix;
	for (size_t i = 0; i < set->nrules; i++)
		n += !set->rules[i]->corr && set->rules[i]->evaluated && set->rules[i]->source == (1u << s);
	ix->rules = calloc(n + 1, sizeof(*ix->rules));
	ix->guarded = calloc(n + 1, 1);
	if (!ix->rules || !ix->guarded)
		return -ENOMEM;
	for (size_t i = 0; i < set->nrules && rc == 0; i++) {
		const struct vg_sigma_rule *r = set->rules[i];
		struct guard g;

		if (r->corr || !r->evaluated || r->source != (1u << s))
			continue;
		ix->rules[ix->n] = (uint32_t)i;
		if (!set->no_prefilter && (rc = guard_cond(set, r, r->cond, NULL, &g)) == 0) {
			ix->guarded[ix->n] = !g.none;
			for (size_t k = 0; k < g.n && rc == 0; k++)
				rc = index_atom(ix, &g.a[k], (uint32_t)i);
			guard_free(&g);
		}
		ix->n++;
	}
	return rc;
}

int sg_prefilter_build(struct vg_sigma_set *set)
{
	for (unsigned s = 0; s < VG_SIGMA_SRC_COUNT; s++) {
		int rc = build_source(set, s);

		if (rc < 0)
			return rc;
	}
	return 0;
}

void sg_prefilter_free(struct vg_sigma_set *set)
{
	for (unsigned s = 0; s < VG_SIGMA_SRC_COUNT; s++) {
		struct sg_index *ix = set->index[s];

		if (!ix)
			continue;
		for (size_t i = 0; i < ix->nf; i++) {
			hmap_free(&ix->f[i].exact);
			for (size_t k = 0; k < ix->f[i].npre; k++)
				hmap_free(&ix->f[i].pre[k].map);
			for (size_t k = 0; k < ix->f[i].nsuf; k++)
				hmap_free(&ix->f[i].suf[k].map);
			free(ix->f[i].pre);
			free(ix->f[i].suf);
			if (ix->f[i].sub) {
				struct contains *c = ix->f[i].sub;

				for (size_t k = 0; k < c->nlits; k++)
					free(c->lits[k].rules);
				free(c->lits);
				hmap_free(&c->heads);
				hmap_free(&c->ids);
				free(c);
			}
		}
		free(ix->f);
		free(ix->rules);
		free(ix->guarded);
		sg_arena_free(&ix->arena);
		free(ix);
		set->index[s] = NULL;
	}
}

/* --- at match time --- */
static void mark(const struct slot *s, uint32_t *stamp, uint32_t gen)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		stamp[s->rules[i]] = gen;
}

/* Every literal found inside the value marks its rules. */
static void mark_substrings(const struct contains *c, const struct sg_val *v, uint32_t *stamp, uint32_t gen)
{
	for (size_t i = 0; i + HEAD <= v->len; i++) {
		unsigned b = head_bit(v->lv + i);
		const struct slot *s;

		if (!(c->filter[b / 64] >> (b % 64) & 1))
			continue;
		if (!(s = hmap_find(&c->heads, v->lv + i, HEAD)))
			continue;
		for (size_t k = 0; k < s->n; k++) {
			const struct clit *l = &c->lits[s->rules[k]];

			if (l->len <= v->len - i && memcmp(v->lv + i, l->lit, l->len) == 0)
				for (size_t r = 0; r < l->n; r++)
					stamp[l->rules[r]] = gen;
		}
	}
}

void sg_prefilter_mark(const struct vg_sigma_set *set, unsigned src_index, sg_values_fn values, void *m,
		       uint32_t *stamp, uint32_t gen)
{
	const struct sg_index *ix = set->index[src_index];

	for (size_t i = 0; i < ix->nf; i++) {
		const struct fidx *f = &ix->f[i];
		size_t n;
		const struct sg_val *v = values(m, f->field, &n);

		for (size_t k = 0; k < n; k++) {
			if (v[k].null)
				continue;
			mark(hmap_find(&f->exact, v[k].lv, v[k].len), stamp, gen);
			for (size_t p = 0; p < f->npre; p++)
				if (f->pre[p].len <= v[k].len)
					mark(hmap_find(&f->pre[p].map, v[k].lv, f->pre[p].len), stamp, gen);
			for (size_t p = 0; p < f->nsuf; p++)
				if (f->suf[p].len <= v[k].len)
					mark(hmap_find(&f->suf[p].map, v[k].lv + v[k].len - f->suf[p].len,
						       f->suf[p].len), stamp, gen);
			if (f->sub)
				mark_substrings(f->sub, &v[k], stamp, gen);
		}
	}
}

void sg_prefilter_rules(const struct vg_sigma_set *set, unsigned src_index, const uint32_t **rules,
			const uint8_t **guarded, size_t *n)
{
	const struct sg_index *ix = set->index[src_index];

	*rules = ix->rules;
	*guarded = ix->guarded;
	*n = ix->n;
}
