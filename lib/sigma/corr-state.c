/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The windows of correlation rules, in bounded memory.
 *
 * Each correlation keeps groups (one per group-by value), at most limits.corr_max_groups: a
 * new group past that evicts the one updated longest ago.  A group keeps its events (time, id,
 * and the value hash or the rule they came through) in a ring of at most
 * limits.corr_max_events: a new event past that drops the oldest.  Both are counted.
 *
 * Two ways to decide, from the condition:
 * - lower bounds only (gt, gte; temporal; temporal_ordered): a sliding window of timespan;
 *   the correlation fires at the event that meets the condition, and the group starts over;
 * - with an upper bound or an equality (lt, lte, eq, neq): a window opens at a group's first
 *   event and is decided when it closes, timespan later (at the next event of the group or at
 *   vg_sigma_matcher_tick()), since only then is the count known.
 * Time is what the caller says; nothing here reads a clock.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/sigma-int.h"

#define MAX_KEY 1024
#define MAX_KEY_VALUE 256

struct cg_event {
	int64_t t;
	uint64_t id;
	uint64_t h;             /* value_count: the value's hash; temporal: the reference's index */
};

struct cgroup {
	uint64_t hash;
	char *key;
	struct cgroup *hnext;
	struct cgroup *prev, *next;     /* most recently updated first */
	struct cg_event *ev;
	size_t head, n, cap;
	uint64_t total;                 /* events of the window, beyond the ring too */
	int64_t start;                  /* at_close: when the window opened */
	int64_t last;
};

struct ccorr {
	const struct vg_sigma_rule *rule;
	struct cgroup **buckets;
	size_t nbuckets;
	struct cgroup *first, *last;
	size_t ngroups;
};

struct sg_corr_state {
	const struct vg_sigma_limits *lim;
	struct ccorr *c;
	size_t n;
	uint64_t groups, groups_evicted, events_evicted;
	uint64_t *ids;                  /* the ids of the last fire */
	char key[MAX_KEY];
};

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ull;
	}
	return h;
}

int sg_corr_state_new(const struct vg_sigma_set *set, struct sg_corr_state **out)
{
	struct sg_corr_state *cs = calloc(1, sizeof(*cs));

	*out = NULL;
	if (!cs)
		return -ENOMEM;
	cs->lim = &set->lim;
	cs->n = set->ncorr;
	cs->c = calloc(cs->n + 1, sizeof(*cs->c));
	cs->ids = calloc(set->lim.corr_max_evidence + 1, sizeof(*cs->ids));
	if (!cs->c || !cs->ids) {
		sg_corr_state_free(cs);
		return -ENOMEM;
	}
	for (size_t i = 0; i < set->nrules; i++) {
		const struct vg_sigma_rule *r = set->rules[i];

		if (r->corr)
			cs->c[r->corr->slot].rule = r;
	}
	for (size_t i = 0; i < cs->n; i++) {
		size_t nb = 16;

		while (nb < 2 * (size_t)set->lim.corr_max_groups && nb < (1u << 20))
			nb *= 2;
		cs->c[i].buckets = calloc(nb, sizeof(*cs->c[i].buckets));
		cs->c[i].nbuckets = nb;
		if (!cs->c[i].buckets) {
			sg_corr_state_free(cs);
			return -ENOMEM;
		}
	}
	*out = cs;
	return 0;
}

static void group_free(struct cgroup *g)
{
	free(g->ev);
	free(g->key);
	free(g);
}

/* Unlinks a group from its correlation (hash chain and recency list) and frees it. */
static void group_drop(struct sg_corr_state *cs, struct ccorr *c, struct cgroup *g)
{
	struct cgroup **pp = &c->buckets[g->hash & (c->nbuckets - 1)];

	while (*pp && *pp != g)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = g->hnext;
	if (g->prev)
		g->prev->next = g->next;
	else
		c->first = g->next;
	if (g->next)
		g->next->prev = g->prev;
	else
		c->last = g->prev;
	c->ngroups--;
	cs->groups--;
	group_free(g);
}

void sg_corr_state_free(struct sg_corr_state *cs)
{
	if (!cs)
		return;
	for (size_t i = 0; i < cs->n && cs->c; i++) {
		struct ccorr *c = &cs->c[i];

		while (c->first)
			group_drop(cs, c, c->first);
		free(c->buckets);
	}
	free(cs->c);
	free(cs->ids);
	free(cs);
}

/* Puts g first in the recency list (it is not in it). */
static void link_first(struct ccorr *c, struct cgroup *g)
{
	g->prev = NULL;
	g->next = c->first;
	if (c->first)
		c->first->prev = g;
	c->first = g;
	if (!c->last)
		c->last = g;
}

static void touch(struct ccorr *c, struct cgroup *g)
{
	if (c->first == g)
		return;
	if (g->prev)
		g->prev->next = g->next;
	if (g->next)
		g->next->prev = g->prev;
	else if (c->last == g)
		c->last = g->prev;
	link_first(c, g);
}

/* The group of key, made (evicting the least recently updated one) when missing. */
static struct cgroup *group_get(struct sg_corr_state *cs, struct ccorr *c, const char *key, size_t klen)
{
	uint64_t h = hash_bytes(1469598103934665603ull, key, klen);
	struct cgroup *g;

	for (g = c->buckets[h & (c->nbuckets - 1)]; g; g = g->hnext)
		if (g->hash == h && strcmp(g->key, key) == 0) {
			touch(c, g);
			return g;
		}
	if (c->ngroups >= cs->lim->corr_max_groups && c->last) {
		group_drop(cs, c, c->last);
		cs->groups_evicted++;
	}
	g = calloc(1, sizeof(*g));
	if (!g || !(g->key = strdup(key))) {
		free(g);
		return NULL;
	}
	g->hash = h;
	g->hnext = c->buckets[h & (c->nbuckets - 1)];
	c->buckets[h & (c->nbuckets - 1)] = g;
	link_first(c, g);
	c->ngroups++;
	cs->groups++;
	return g;
}

static struct cg_event *at(const struct cgroup *g, size_t i)
{
	return &g->ev[(g->head + i) % g->cap];
}

static int push(struct sg_corr_state *cs, struct cgroup *g, struct cg_event e)
{
	size_t max = cs->lim->corr_max_events ? cs->lim->corr_max_events : 1;

	if (g->n == g->cap && g->cap < max) {
		size_t cap = g->cap ? g->cap * 2 : 4;
		struct cg_event *v;

		if (cap > max)
			cap = max;
		v = malloc(cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (size_t i = 0; i < g->n; i++)
			v[i] = *at(g, i);
		free(g->ev);
		g->ev = v;
		g->head = 0;
		g->cap = cap;
	}
	if (g->n == g->cap) {
		g->head = (g->head + 1) % g->cap;
		g->n--;
		cs->events_evicted++;
	}
	*at(g, g->n++) = e;
	g->total++;
	return 0;
}

static void drop_before(struct cgroup *g, int64_t t)
{
	while (g->n && at(g, 0)->t < t) {
		g->head = (g->head + 1) % g->cap;
		g->n--;
		g->total--;
	}
}

static void reset(struct cgroup *g)
{
	g->n = 0;
	g->head = 0;
	g->total = 0;
	g->start = 0;
}

/* The figure the condition tests: events, distinct values, distinct rules; temporal_ordered
 * gives its reference count when the rules occur in their order, else 0. */
static uint64_t count(const struct vg_sigma_rule *r, const struct cgroup *g)
{
	const struct sg_corr *c = r->corr;

	switch (r->info.type) {
	case VG_SIGMA_EVENT_COUNT:
		return g->total;
	case VG_SIGMA_VALUE_COUNT: {
		/* Distinct hashes: a small open table on the stack (n <= corr_max_events). */
		uint64_t seen[1024];
		bool used[1024];
		size_t cap = 1024, distinct = 0;

		if (g->n * 2 > cap) {
			/* A ring larger than the table: count by a quadratic walk. */
			for (size_t i = 0; i < g->n; i++) {
				bool dup = false;

				for (size_t k = 0; k < i && !dup; k++)
					dup = at(g, k)->h == at(g, i)->h;
				distinct += !dup;
			}
			return distinct;
		}
		memset(used, 0, sizeof(used));
		for (size_t i = 0; i < g->n; i++) {
			uint64_t h = at(g, i)->h;
			size_t j = h & (cap - 1);

			while (used[j] && seen[j] != h)
				j = (j + 1) & (cap - 1);
			if (!used[j]) {
				used[j] = true;
				seen[j] = h;
				distinct++;
			}
		}
		return distinct;
	}
	case VG_SIGMA_TEMPORAL: {
		uint64_t mask = 0;
		uint64_t n = 0;

		for (size_t i = 0; i < g->n; i++)
			mask |= 1ull << at(g, i)->h;
		for (size_t i = 0; i < c->nrefs; i++)
			n += (mask >> i) & 1;
		return n;
	}
	default: {
		/* temporal_ordered: the rules as a subsequence of the events, in order. */
		size_t next = 0;

		for (size_t i = 0; i < g->n && next < c->nrefs; i++)
			if (at(g, i)->h == next)
				next++;
		return next == c->nrefs ? c->nrefs : 0;
	}
	}
}

static bool condition_met(const struct sg_corr *c, uint64_t n)
{
	int64_t v = (int64_t)n;

	return (!c->has[SG_CO_GT] || v > c->val[SG_CO_GT]) && (!c->has[SG_CO_GTE] || v >= c->val[SG_CO_GTE]) &&
	       (!c->has[SG_CO_LT] || v < c->val[SG_CO_LT]) && (!c->has[SG_CO_LTE] || v <= c->val[SG_CO_LTE]) &&
	       (!c->has[SG_CO_EQ] || v == c->val[SG_CO_EQ]) && (!c->has[SG_CO_NEQ] || v != c->val[SG_CO_NEQ]);
}

static void describe(struct sg_corr_state *cs, const struct cgroup *g, uint64_t n, struct sg_corr_fire *fire)
{
	size_t k = g->n < cs->lim->corr_max_evidence ? g->n : cs->lim->corr_max_evidence;

	for (size_t i = 0; i < k; i++)
		cs->ids[i] = at(g, g->n - k + i)->id;
	fire->group = g->key;
	fire->count = n;
	fire->first_ms = g->n ? at(g, 0)->t : 0;
	fire->last_ms = g->n ? at(g, g->n - 1)->t : 0;
	fire->ids = cs->ids;
	fire->nids = k;
}

/* "User=root, Computer=x" from the first value of each group-by field. */
static size_t group_key(struct sg_corr_state *cs, struct vg_sigma_matcher *m, const struct vg_sigma_rule *r,
			unsigned ref, unsigned src)
{
	const struct sg_corr *c = r->corr;
	size_t per = c->ngroup + 1, len = 0;

	cs->key[0] = '\0';
	for (size_t gi = 0; gi < c->ngroup; gi++) {
		int f = c->fields[((size_t)ref * VG_SIGMA_SRC_COUNT + src) * per + gi];
		const char *v = "";
		size_t vlen = 0, n = 0;
		const struct sg_val *vals = f >= 0 ? sg_matcher_values(m, f, &n) : NULL;

		for (size_t i = 0; i < n; i++)
			if (!vals[i].null) {
				v = vals[i].v;
				vlen = vals[i].len < MAX_KEY_VALUE ? vals[i].len : MAX_KEY_VALUE;
				break;
			}
		int w = snprintf(cs->key + len, sizeof(cs->key) - len, "%s%s=%.*s", gi ? ", " : "", c->group_by[gi],
				 (int)vlen, v);

		if (w < 0 || (size_t)w >= sizeof(cs->key) - len) {
			len = sizeof(cs->key) - 1;
			break;
		}
		len += (size_t)w;
	}
	return len;
}

int sg_corr_feed(struct sg_corr_state *cs, struct vg_sigma_matcher *m, const struct vg_sigma_rule *r, unsigned ref,
		 unsigned src, uint64_t id, int64_t t, struct sg_corr_fire *fire)
{
	const struct sg_corr *c = r->corr;
	struct ccorr *cc = &cs->c[c->slot];
	struct cg_event e = { .t = t, .id = id, .h = ref };
	size_t klen;
	struct cgroup *g;
	uint64_t n;

	if (r->info.type == VG_SIGMA_VALUE_COUNT) {
		int f = c->fields[((size_t)ref * VG_SIGMA_SRC_COUNT + src) * (c->ngroup + 1) + c->ngroup];
		size_t nv = 0;
		const struct sg_val *vals = f >= 0 ? sg_matcher_values(m, f, &nv) : NULL;
		size_t i;

		for (i = 0; i < nv && vals[i].null; i++)
			;
		if (i == nv)
			return 0;   /* no value to count */
		e.h = hash_bytes(1469598103934665603ull, vals[i].v, vals[i].len);
	}
	klen = group_key(cs, m, r, ref, src);
	g = group_get(cs, cc, cs->key, klen);
	if (!g)
		return -ENOMEM;
	if (c->at_close) {
		if (g->total && t >= g->start + c->timespan_ms) {
			/* This event belongs to the next window: decide the one that closes. */
			n = count(r, g);
			int fired = condition_met(c, n);

			if (fired)
				describe(cs, g, n, fire);
			/* The window's events are kept until the caller read the fire: the next
			 * window starts with this event. */
			if (fired) {
				/* Start over after the caller copied the fire (ids are in cs->ids). */
				reset(g);
				g->start = t;
				g->last = t;
				return push(cs, g, e) < 0 ? -ENOMEM : 1;
			}
			reset(g);
		}
		if (!g->total)
			g->start = t;
		g->last = t;
		return push(cs, g, e) < 0 ? -ENOMEM : 0;
	}
	drop_before(g, t - c->timespan_ms);
	if (push(cs, g, e) < 0)
		return -ENOMEM;
	g->last = t;
	n = count(r, g);
	if (!condition_met(c, n))
		return 0;
	describe(cs, g, n, fire);
	reset(g);
	return 1;
}

int sg_corr_tick(struct sg_corr_state *cs, int64_t t, sg_corr_fire_fn fn, void *m)
{
	for (size_t i = 0; i < cs->n; i++) {
		struct ccorr *cc = &cs->c[i];
		const struct vg_sigma_rule *r = cc->rule;
		const struct sg_corr *c = r->corr;
		struct cgroup *g = cc->last, *prev;

		/* From the least recently updated: a group updated within the timespan ends the walk
		 * for sliding windows; closing windows are all looked at. */
		for (; g; g = prev) {
			prev = g->prev;
			if (c->at_close) {
				if (!g->total) {
					group_drop(cs, cc, g);
					continue;
				}
				if (t < g->start + c->timespan_ms)
					continue;
				uint64_t n = count(r, g);

				if (condition_met(c, n)) {
					struct sg_corr_fire fire;
					int rc;

					describe(cs, g, n, &fire);
					if ((rc = fn(m, r, &fire)) < 0)
						return rc;
				}
				group_drop(cs, cc, g);
				continue;
			}
			if (g->last >= t - c->timespan_ms)
				break;
			group_drop(cs, cc, g);
		}
	}
	return 0;
}

void sg_corr_counts(const struct sg_corr_state *cs, uint64_t *groups, uint64_t *groups_evicted,
		    uint64_t *events_evicted)
{
	*groups = cs->groups;
	*groups_evicted = cs->groups_evicted;
	*events_evicted = cs->events_evicted;
}
