/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The audit record types an auditd rule can match, from its condition: a rule that names no
 * `type` but reads fields only some records have (a4, argc: EXECVE) wants those records, not
 * every record of every event.  The reader builds a record for the rules only when some rule
 * can want it, so the narrower the answer, the less work per event (see audit_needs, set.c).
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sigma-int.h"

static const char EXECVE[] = "EXECVE", SYSCALL[] = "SYSCALL", CWD[] = "CWD", SOCKADDR[] = "SOCKADDR",
		  PROCTITLE[] = "PROCTITLE", PATH[] = "PATH";

static struct sg_typeset all_types(void)
{
	return (struct sg_typeset){ .all = true };
}

static bool has(const struct sg_typeset *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcasecmp(s->v[i], name) == 0)
			return true;
	return false;
}

static void add(struct sg_typeset *s, const char *name)
{
	if (s->all || has(s, name))
		return;
	if (s->n == SG_TYPESET_MAX)
		*s = all_types();
	else
		s->v[s->n++] = name;
}

static void unite(struct sg_typeset *s, const struct sg_typeset *o)
{
	if (o->all) {
		*s = all_types();
		return;
	}
	for (size_t i = 0; i < o->n; i++)
		add(s, o->v[i]);
}

static void intersect(struct sg_typeset *s, const struct sg_typeset *o)
{
	size_t n = 0;

	if (o->all)
		return;
	if (s->all) {
		*s = *o;
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		if (has(o, s->v[i]))
			s->v[n++] = s->v[i];
	s->n = n;
}

/* A literal that is not hexadecimal digits: no SYSCALL record's a0..a3 (numbers in hex) holds,
 * starts or ends with it. */
static bool not_hex(const struct sg_test *t)
{
	if (t->kind != SG_T_EXACT && t->kind != SG_T_PREFIX && t->kind != SG_T_SUFFIX && t->kind != SG_T_CONTAINS)
		return false;
	for (size_t i = 0; i < t->len; i++)
		if (!strchr("0123456789abcdefABCDEF", t->lit[i]))
			return true;
	return false;
}

/* The types of the records that hold a field of this name (false: any record may). */
static bool field_types(const char *f, const struct sg_item *it, struct sg_typeset *out)
{
	*out = (struct sg_typeset){ 0 };
	if (f[0] == 'a' && f[1] >= '0' && f[1] <= '9' && f[strspn(f + 1, "0123456789") + 1] == '\0') {
		bool hex_free = it->ngroups > 0;

		add(out, EXECVE);
		/* The SYSCALL record has the call's first four arguments, in hex. */
		for (size_t g = 0; g < it->ngroups; g++)
			for (size_t k = 0; k < it->groups[g].n; k++)
				hex_free = hex_free && not_hex(&it->groups[g].alts[k]);
		if (strtol(f + 1, NULL, 10) < 4 && !hex_free)
			add(out, SYSCALL);
		return true;
	}
	if (strcmp(f, "argc") == 0)
		add(out, EXECVE);
	else if (strcmp(f, "cwd") == 0)
		add(out, CWD);
	else if (strcmp(f, "saddr") == 0)
		add(out, SOCKADDR);
	else if (strcmp(f, "proctitle") == 0)
		add(out, PROCTITLE);
	else if (strcmp(f, "nametype") == 0)
		add(out, PATH);
	else
		return false;
	return true;
}

/* The types an item lets through: a positive test of a field requires the field. */
static struct sg_typeset item_types(const struct vg_sigma_set *set, const struct sg_item *it)
{
	struct sg_typeset out = { 0 };
	const char *f;

	if (it->field < 0 || it->neg || it->null_ok)
		return all_types();
	for (size_t g = 0; g < it->ngroups; g++)
		for (size_t k = 0; k < it->groups[g].n; k++)
			if (it->groups[g].alts[k].kind == SG_T_EXISTS || it->groups[g].alts[k].kind == SG_T_NULL)
				return all_types();
	f = set->fields[it->field].sigma;
	if (strcmp(f, "type") == 0) {
		for (size_t g = 0; g < it->ngroups; g++)
			for (size_t k = 0; k < it->groups[g].n; k++) {
				const struct sg_test *t = &it->groups[g].alts[k];

				if (t->kind != SG_T_EXACT || !t->orig)
					return all_types();
				add(&out, t->orig);
			}
		return it->ngroups ? out : all_types();
	}
	return field_types(f, it, &out) ? out : all_types();
}

bool sg_item_is_field(const struct vg_sigma_set *set, const struct sg_item *it, const char *name)
{
	return it->field >= 0 && strcmp(set->fields[it->field].sigma, name) == 0;
}

bool sg_conj_requires_key(const struct vg_sigma_set *set, const struct sg_conj *c)
{
	for (size_t k = 0; k < c->n; k++) {
		const struct sg_item *it = &c->items[k];
		bool exact = it->ngroups > 0;

		if (it->neg || it->null_ok || !sg_item_is_field(set, it, "key"))
			continue;
		for (size_t g = 0; g < it->ngroups; g++) {
			exact = exact && it->groups[g].n > 0;
			for (size_t t = 0; t < it->groups[g].n; t++)
				exact = exact && it->groups[g].alts[t].kind == SG_T_EXACT && it->groups[g].alts[t].orig;
		}
		if (exact)
			return true;
	}
	return false;
}

static struct sg_typeset selection_types(const struct vg_sigma_set *set, const struct sg_selection *sel)
{
	struct sg_typeset acc = { 0 };

	for (size_t a = 0; a < sel->n && !acc.all; a++) {
		struct sg_typeset conj = all_types();

		/* Named by an exact key: such records reach the rules by their key. */
		if (sg_conj_requires_key(set, &sel->alts[a]))
			continue;
		for (size_t k = 0; k < sel->alts[a].n; k++) {
			struct sg_typeset one = item_types(set, &sel->alts[a].items[k]);

			intersect(&conj, &one);
		}
		unite(&acc, &conj);
	}
	return acc;
}

static struct sg_typeset cond_types(const struct vg_sigma_set *set, const struct vg_sigma_rule *r,
				    const struct sg_cond *c)
{
	struct sg_typeset out;

	switch (c->op) {
	case SG_C_SEL:
		return selection_types(set, &r->sels[c->sel]);
	case SG_C_NOT:
		return all_types();
	case SG_C_AND:
		out = all_types();
		for (size_t i = 0; i < c->n; i++) {
			struct sg_typeset k = cond_types(set, r, c->kids[i]);

			intersect(&out, &k);
		}
		return out;
	default: /* SG_C_OR */
		out = (struct sg_typeset){ 0 };
		for (size_t i = 0; i < c->n && !out.all; i++) {
			struct sg_typeset k = cond_types(set, r, c->kids[i]);

			unite(&out, &k);
		}
		return out;
	}
}

struct sg_typeset sg_rule_audit_types(const struct vg_sigma_set *set, const struct vg_sigma_rule *r)
{
	return cond_types(set, r, r->cond);
}
