/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Correlation rules: event_count, value_count, temporal and temporal_ordered, with rules
 * (by id or name), group-by, timespan, condition (gt, gte, lt, lte, eq, neq; several make a
 * range), aliases and generate.  The references are resolved when the set is compiled.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nls.h"
#include "sigma/sigma-int.h"

static const char *const op_names[SG_CO_COUNT] = { "gt", "gte", "lt", "lte", "eq", "neq" };

static int strings(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *n, const char *what,
		   size_t max, const char ***out, size_t *count)
{
	size_t cnt;
	const char **v;
	char lim[24];

	*out = NULL;
	*count = 0;
	if (!n || sg_scalar_is_null(n))
		return 0;
	if (n->kind == SG_MAP)
		return sg_fail(pc, n, -EINVAL, N_("'%s' must be a list of texts"), what, NULL);
	cnt = n->kind == SG_SCALAR ? 1 : n->n;
	if (cnt > max) {
		snprintf(lim, sizeof(lim), "%zu", max);
		return sg_fail(pc, n, -EINVAL, N_("'%s' has more than %s entries"), what, lim);
	}
	v = sg_zalloc(&r->arena, (cnt + 1) * sizeof(*v));
	if (!v)
		return sg_fail(pc, n, -ENOMEM, N_("out of memory"), NULL, NULL);
	for (size_t i = 0; i < cnt; i++) {
		const struct sg_node *it = n->kind == SG_SCALAR ? n : n->items[i];

		if (it->kind != SG_SCALAR || sg_scalar_is_null(it))
			return sg_fail(pc, it, -EINVAL, N_("'%s' must be a list of texts"), what, NULL);
		if (!(v[i] = sg_strndup(&r->arena, it->text, it->len)))
			return sg_fail(pc, it, -ENOMEM, N_("out of memory"), NULL, NULL);
	}
	*out = v;
	*count = cnt;
	return 0;
}

/* "90m", "1h", "30s", "7d". */
static int timespan(struct sg_parse_ctx *pc, const struct sg_node *n, int64_t *ms)
{
	char *end;
	unsigned long long v;
	int64_t unit;

	if (!n || n->kind != SG_SCALAR || sg_scalar_is_null(n))
		return sg_fail(pc, n, -EINVAL, N_("the correlation has no timespan"), NULL, NULL);
	if (n->text[0] < '0' || n->text[0] > '9')
		return sg_fail(pc, n, -EINVAL, N_("bad timespan '%s' (a number then s, m, h or d)"), n->text, NULL);
	v = strtoull(n->text, &end, 10);
	switch (*end) {
	case 's':
		unit = 1000;
		break;
	case 'm':
		unit = 60 * 1000;
		break;
	case 'h':
		unit = 3600 * 1000;
		break;
	case 'd':
		unit = 86400 * 1000;
		break;
	default:
		return sg_fail(pc, n, -EINVAL, N_("bad timespan '%s' (a number then s, m, h or d)"), n->text, NULL);
	}
	if (end[1] || v == 0 || v > 366ull * 86400 * 1000 / (unsigned long long)unit)
		return sg_fail(pc, n, -EINVAL, N_("bad timespan '%s' (a number then s, m, h or d)"), n->text, NULL);
	*ms = (int64_t)v * unit;
	return 0;
}

static int condition(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *n)
{
	struct sg_corr *c = r->corr;
	size_t nops = 0;

	if (n->kind == SG_SCALAR)
		return sg_fail(pc, n, -EINVAL, N_("a correlation condition in text form is not supported (use gt, gte, "
						  "lt, lte, eq, neq)"), NULL, NULL);
	if (n->kind != SG_MAP)
		return sg_fail(pc, n, -EINVAL, N_("the correlation condition must be a map"), NULL, NULL);
	for (size_t k = 0; k + 1 < n->n; k += 2) {
		const struct sg_node *key = n->items[k], *val = n->items[k + 1];
		size_t op;
		char *end;
		long long v;

		if (strcmp(key->text, "field") == 0) {
			if (val->kind != SG_SCALAR || sg_scalar_is_null(val))
				return sg_fail(pc, val, -EINVAL, N_("'field' must be a field name"), NULL, NULL);
			if (!(c->value_field = sg_strndup(&r->arena, val->text, val->len)))
				return sg_fail(pc, val, -ENOMEM, N_("out of memory"), NULL, NULL);
			continue;
		}
		for (op = 0; op < SG_CO_COUNT; op++)
			if (strcmp(key->text, op_names[op]) == 0)
				break;
		if (op == SG_CO_COUNT)
			return sg_fail(pc, key, -EINVAL, N_("unknown correlation condition '%s'"), key->text, NULL);
		if (val->kind != SG_SCALAR || val->text[0] < '0' || val->text[0] > '9')
			return sg_fail(pc, val, -EINVAL, N_("'%s' needs a whole number"), key->text, NULL);
		v = strtoll(val->text, &end, 10);
		if (*end || v < 0 || v > 1000000000)
			return sg_fail(pc, val, -EINVAL, N_("'%s' needs a whole number"), key->text, NULL);
		c->has[op] = true;
		c->val[op] = v;
		nops++;
	}
	if (nops == 0)
		return sg_fail(pc, n, -EINVAL, N_("the correlation condition has no comparison"), NULL, NULL);
	return 0;
}

static int aliases(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *n)
{
	struct sg_corr *c = r->corr;

	if (!n || sg_scalar_is_null(n))
		return 0;
	if (n->kind != SG_MAP)
		return sg_fail(pc, n, -EINVAL, N_("'aliases' must be a map"), NULL, NULL);
	c->aliases = sg_zalloc(&r->arena, (n->n / 2 + 1) * sizeof(*c->aliases));
	if (!c->aliases)
		return sg_fail(pc, n, -ENOMEM, N_("out of memory"), NULL, NULL);
	for (size_t k = 0; k + 1 < n->n; k += 2) {
		const struct sg_node *map = n->items[k + 1];
		struct sg_alias *a = &c->aliases[c->naliases++];

		if (map->kind != SG_MAP)
			return sg_fail(pc, map, -EINVAL, N_("the alias '%s' must map rule names to fields"),
				       n->items[k]->text, NULL);
		a->alias = sg_strdup(&r->arena, n->items[k]->text);
		a->rule_names = sg_zalloc(&r->arena, (map->n / 2 + 1) * sizeof(*a->rule_names));
		a->fields = sg_zalloc(&r->arena, (map->n / 2 + 1) * sizeof(*a->fields));
		if (!a->alias || !a->rule_names || !a->fields)
			return sg_fail(pc, map, -ENOMEM, N_("out of memory"), NULL, NULL);
		for (size_t i = 0; i + 1 < map->n; i += 2) {
			const struct sg_node *f = map->items[i + 1];

			if (f->kind != SG_SCALAR || sg_scalar_is_null(f))
				return sg_fail(pc, f, -EINVAL, N_("the alias '%s' must map rule names to fields"),
					       a->alias, NULL);
			a->rule_names[a->n] = sg_strdup(&r->arena, map->items[i]->text);
			a->fields[a->n] = sg_strdup(&r->arena, f->text);
			if (!a->rule_names[a->n] || !a->fields[a->n])
				return sg_fail(pc, f, -ENOMEM, N_("out of memory"), NULL, NULL);
			a->n++;
		}
	}
	return 0;
}

int sg_corr_parse(struct sg_parse_ctx *pc, const struct sg_node *root, struct vg_sigma_rule *r)
{
	static const char *const types[] = { "event_count", "value_count", "temporal", "temporal_ordered" };
	const struct sg_node *sec = sg_map_get(root, "correlation");
	const struct sg_node *type, *cond, *gen;
	struct sg_corr *c;
	size_t t;
	int rc;

	if (sec->kind != SG_MAP)
		return sg_fail(pc, sec, -EINVAL, N_("'correlation' must be a map"), NULL, NULL);
	c = r->corr = sg_zalloc(&r->arena, sizeof(*c));
	if (!c)
		return sg_fail(pc, sec, -ENOMEM, N_("out of memory"), NULL, NULL);
	type = sg_map_get(sec, "type");
	if (!type || type->kind != SG_SCALAR)
		return sg_fail(pc, sec, -EINVAL, N_("the correlation has no type"), NULL, NULL);
	for (t = 0; t < sizeof(types) / sizeof(types[0]); t++)
		if (strcmp(type->text, types[t]) == 0)
			break;
	if (t == sizeof(types) / sizeof(types[0])) {
		if (strncmp(type->text, "value_", 6) == 0)
			return sg_fail(pc, type, -EINVAL, N_("the correlation type '%s' is not supported (event_count, "
							     "value_count, temporal and temporal_ordered are)"), type->text, NULL);
		return sg_fail(pc, type, -EINVAL, N_("unknown correlation type '%s'"), type->text, NULL);
	}
	r->info.type = (enum vg_sigma_rule_type)(VG_SIGMA_EVENT_COUNT + t);
	if ((rc = strings(pc, r, sg_map_get(sec, "rules"), "rules", SG_MAX_CORR_REFS, &c->refs, &c->nrefs)) < 0)
		return rc;
	if (c->nrefs == 0)
		return sg_fail(pc, sec, -EINVAL, N_("the correlation names no rules"), NULL, NULL);
	if ((rc = strings(pc, r, sg_map_get(sec, "group-by"), "group-by", SG_MAX_GROUP_BY, &c->group_by,
			  &c->ngroup)) < 0 ||
	    (rc = timespan(pc, sg_map_get(sec, "timespan"), &c->timespan_ms)) < 0 ||
	    (rc = aliases(pc, r, sg_map_get(sec, "aliases"))) < 0)
		return rc;
	cond = sg_map_get(sec, "condition");
	if (cond && !sg_scalar_is_null(cond)) {
		if (r->info.type == VG_SIGMA_TEMPORAL_ORDERED)
			return sg_fail(pc, cond, -EINVAL, N_("temporal_ordered takes no condition: all its rules must "
							     "occur in order"), NULL, NULL);
		if ((rc = condition(pc, r, cond)) < 0)
			return rc;
	} else if (r->info.type == VG_SIGMA_EVENT_COUNT || r->info.type == VG_SIGMA_VALUE_COUNT) {
		return sg_fail(pc, sec, -EINVAL, N_("the correlation has no condition"), NULL, NULL);
	} else {
		/* temporal: every rule. */
		c->has[SG_CO_GTE] = true;
		c->val[SG_CO_GTE] = (int64_t)c->nrefs;
	}
	if (r->info.type == VG_SIGMA_VALUE_COUNT && !c->value_field)
		return sg_fail(pc, cond, -EINVAL, N_("value_count needs the 'field' to count in its condition"), NULL,
			       NULL);
	if (r->info.type != VG_SIGMA_VALUE_COUNT && c->value_field)
		return sg_fail(pc, cond, -EINVAL, N_("only value_count takes a 'field' in its condition"), NULL, NULL);
	c->at_close = c->has[SG_CO_LT] || c->has[SG_CO_LTE] || c->has[SG_CO_EQ] || c->has[SG_CO_NEQ];
	gen = sg_map_get(sec, "generate");
	if (!gen)
		gen = sg_map_get(root, "generate");
	if (gen) {
		int b = sg_scalar_bool(gen);

		if (b < 0)
			return sg_fail(pc, gen, -EINVAL, N_("'generate' must be true or false"), NULL, NULL);
		c->generate = b == 1;
	}
	/* Checked here so that the message points at the condition: a count above what a group
	 * keeps could never be reached. */
	for (size_t op = 0; op < SG_CO_COUNT; op++)
		if (c->has[op] && (r->info.type == VG_SIGMA_EVENT_COUNT || r->info.type == VG_SIGMA_VALUE_COUNT) &&
		    c->val[op] + (op == SG_CO_GT) > (int64_t)pc->set->lim.corr_max_events) {
			char lim[24];

			snprintf(lim, sizeof(lim), "%u", pc->set->lim.corr_max_events);
			return sg_fail(pc, cond, -EINVAL, N_("the count to decide is above the %s events a group keeps "
							     "(raise corr_max_events)"), lim, NULL);
		}
	r->info.rules = (struct vg_sigma_strings){ c->refs, c->nrefs };
	r->info.group_by = (struct vg_sigma_strings){ c->group_by, c->ngroup };
	r->info.timespan_ms = c->timespan_ms;
	return 0;
}
