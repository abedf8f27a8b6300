/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A detection item: `Field|mod|mod: value(s)`, or a list of keywords.  The modifiers are read
 * in the order written and checked against each other (a regular expression takes no encoding,
 * exists takes nothing else...); the values are rewritten by them and compiled into tests.
 * Anything the engine cannot honour refuses the whole rule with the item's line and column.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nls.h"
#include "sigma/sigma-int.h"

#define MAX_MODIFIERS 16

enum mod {
	M_CONTAINS = 0,
	M_STARTSWITH,
	M_ENDSWITH,
	M_ALL,
	M_NEQ,
	M_CASED,
	M_RE,
	M_RE_I,
	M_RE_M,
	M_RE_S,
	M_BASE64,
	M_BASE64OFFSET,
	M_UTF16LE,
	M_UTF16BE,
	M_UTF16,
	M_WINDASH,
	M_CIDR,
	M_EXISTS,
	M_FIELDREF,
	M_EXPAND,
	M_LT,
	M_LTE,
	M_GT,
	M_GTE,
	M_MINUTE,
	M_HOUR,
	M_DAY,
	M_WEEK,
	M_MONTH,
	M_YEAR,
};

static const struct {
	const char *name;
	enum mod mod;
} modifier_names[] = {
	{ "contains", M_CONTAINS },   { "startswith", M_STARTSWITH },
	{ "endswith", M_ENDSWITH },   { "all", M_ALL },
	{ "neq", M_NEQ },             { "cased", M_CASED },
	{ "re", M_RE },               { "i", M_RE_I },
	{ "ignorecase", M_RE_I },     { "m", M_RE_M },
	{ "multiline", M_RE_M },      { "s", M_RE_S },
	{ "dotall", M_RE_S },         { "base64", M_BASE64 },
	{ "base64offset", M_BASE64OFFSET }, { "utf16le", M_UTF16LE },
	{ "wide", M_UTF16LE },        { "utf16be", M_UTF16BE },
	{ "utf16", M_UTF16 },         { "windash", M_WINDASH },
	{ "cidr", M_CIDR },           { "exists", M_EXISTS },
	{ "fieldref", M_FIELDREF },   { "expand", M_EXPAND },
	{ "lt", M_LT },               { "lte", M_LTE },
	{ "gt", M_GT },               { "gte", M_GTE },
	{ "minute", M_MINUTE },       { "hour", M_HOUR },
	{ "day", M_DAY },             { "week", M_WEEK },
	{ "month", M_MONTH },         { "year", M_YEAR },
};

/* What the modifiers of one item say, once read. */
struct mods {
	enum mod list[MAX_MODIFIERS];
	size_t n;
	bool all, neg, cased, re, expand, cidr, exists, fieldref;
	bool head, tail;             /* contains / endswith put a star in front, contains / startswith behind */
	uint32_t re_flags;
	int cmp;                     /* -1, or enum sg_cmp */
	int unit;                    /* -1, or enum sg_time_unit */
	const char *text;            /* the key, for messages */
};

static bool is_encoding(enum mod m)
{
	return m == M_BASE64 || m == M_BASE64OFFSET || m == M_UTF16LE || m == M_UTF16BE || m == M_UTF16 ||
	       m == M_WINDASH;
}

static const char *mod_name(enum mod m)
{
	for (size_t i = 0; i < sizeof(modifier_names) / sizeof(modifier_names[0]); i++)
		if (modifier_names[i].mod == m)
			return modifier_names[i].name;
	return "?";
}

/* Reads the modifiers after the field name and checks that they go together. */
static int read_modifiers(struct sg_parse_ctx *pc, const struct sg_node *key, const char *mods_text, bool keyword,
			  struct mods *m)
{
	char buf[256];
	char *save = NULL, *tok;
	bool encoded = false, typed = false;
	size_t len = strlen(mods_text);

	m->cmp = -1;
	m->unit = -1;
	if (len >= sizeof(buf))
		return sg_fail(pc, key, -EINVAL, N_("the modifiers of '%s' are too long"), key->text, NULL);
	memcpy(buf, mods_text, len + 1);
	for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		size_t i;

		for (i = 0; i < sizeof(modifier_names) / sizeof(modifier_names[0]); i++)
			if (strcmp(tok, modifier_names[i].name) == 0)
				break;
		if (i == sizeof(modifier_names) / sizeof(modifier_names[0]))
			return sg_fail(pc, key, -EINVAL, N_("unknown modifier '%s' in '%s'"), tok, key->text);
		if (m->n == MAX_MODIFIERS)
			return sg_fail(pc, key, -EINVAL, N_("too many modifiers in '%s'"), key->text, NULL);
		enum mod mod = modifier_names[i].mod;

		m->list[m->n++] = mod;
		switch (mod) {
		case M_CONTAINS:
			m->head = m->tail = true;
			break;
		case M_STARTSWITH:
			m->tail = true;
			break;
		case M_ENDSWITH:
			m->head = true;
			break;
		case M_ALL:
			m->all = true;
			break;
		case M_NEQ:
			m->neg = true;
			break;
		case M_CASED:
			m->cased = true;
			break;
		case M_RE:
			if (m->n > 1 && (encoded || m->head || m->tail || m->cased || m->expand))
				return sg_fail(pc, key, -EINVAL,
					       N_("'re' must come before the other modifiers of '%s' (it applies to the "
						  "value as written)"), key->text, NULL);
			m->re = true;
			break;
		case M_RE_I:
		case M_RE_M:
		case M_RE_S:
			if (!m->re)
				return sg_fail(pc, key, -EINVAL, N_("the regular expression flag '%s' needs 're' before it"),
					       tok, NULL);
			m->re_flags |= mod == M_RE_I ? PCRE2_CASELESS : mod == M_RE_M ? PCRE2_MULTILINE : PCRE2_DOTALL;
			break;
		case M_EXPAND:
			if (encoded)
				return sg_fail(pc, key, -EINVAL, N_("'expand' must come before the encodings in '%s'"),
					       key->text, NULL);
			m->expand = true;
			break;
		case M_CIDR:
			m->cidr = true;
			typed = true;
			break;
		case M_EXISTS:
			m->exists = true;
			typed = true;
			break;
		case M_FIELDREF:
			m->fieldref = true;
			break;
		case M_LT:
		case M_LTE:
		case M_GT:
		case M_GTE:
			if (m->cmp >= 0)
				return sg_fail(pc, key, -EINVAL, N_("only one comparison may be given in '%s'"), key->text,
					       NULL);
			m->cmp = mod == M_LT ? SG_CMP_LT : mod == M_LTE ? SG_CMP_LTE : mod == M_GT ? SG_CMP_GT : SG_CMP_GTE;
			typed = true;
			break;
		case M_MINUTE:
		case M_HOUR:
		case M_DAY:
		case M_WEEK:
		case M_MONTH:
		case M_YEAR:
			if (m->unit >= 0)
				return sg_fail(pc, key, -EINVAL, N_("only one part of a date may be given in '%s'"),
					       key->text, NULL);
			m->unit = (int)(mod - M_MINUTE);
			typed = true;
			break;
		default:
			encoded = true;
			break;
		}
	}
	/* What cannot go together. */
	if (m->re && (encoded || m->cased || typed || m->fieldref || m->expand))
		return sg_fail(pc, key, -EINVAL,
			       N_("'re' takes no other modifier than contains, startswith, endswith, all, neq and its "
				  "flags i, m, s (in '%s')"), key->text, NULL);
	if (typed || m->fieldref) {
		int kinds = m->cidr + m->exists + (m->cmp >= 0) + (m->unit >= 0) + m->fieldref;

		if (kinds > 1 || encoded || m->expand || (m->cased && !m->fieldref) ||
		    ((m->head || m->tail) && !m->fieldref))
			return sg_fail(pc, key, -EINVAL, N_("the modifiers of '%s' do not go together"), key->text, NULL);
		if (m->exists && (m->all || m->neg))
			return sg_fail(pc, key, -EINVAL, N_("'exists' takes no other modifier (in '%s')"), key->text, NULL);
	}
	if (keyword && (typed || m->fieldref)) {
		for (size_t i = 0; i < m->n; i++)
			if (m->list[i] == M_CIDR || m->list[i] == M_EXISTS || m->list[i] == M_FIELDREF ||
			    (m->list[i] >= M_LT && m->list[i] <= M_YEAR))
				return sg_fail(pc, key, -EINVAL, N_("the modifier '%s' needs a field name"),
					       mod_name(m->list[i]), NULL);
	}
	return 0;
}

/* Adds one test to the group (the group's array lives in the rule's arena and grows). */
static struct sg_test *group_add(struct vg_sigma_rule *r, struct sg_group *g, size_t *cap)
{
	if (g->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 2;
		struct sg_test *alts = sg_alloc(&r->arena, ncap * sizeof(*alts));

		if (!alts)
			return NULL;
		if (g->n)
			memcpy(alts, g->alts, g->n * sizeof(*alts));
		g->alts = alts;
		*cap = ncap;
	}
	struct sg_test *t = &g->alts[g->n++];

	memset(t, 0, sizeof(*t));
	return t;
}

/* A regular expression evaluated elsewhere: nothing of it is compiled here; the evaluator only
 * says whether it compiles there. */
static int hand_regex(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *v, const struct mods *m,
		      struct sg_test *t)
{
	const struct vg_sigma_regex *ext = &pc->set->regex;
	const struct vg_sigma_limits *lim = &pc->set->lim;
	int rc = ext->match(ext->data, v->text, v->len, m->re_flags, lim->regex_match_limit, lim->regex_depth_limit,
			    NULL, 0);

	if (rc == -EINVAL)
		return sg_fail(pc, v, -EINVAL, N_("bad regular expression '%s': it does not compile (checked in the parser sandbox)"),
			       v->text, NULL);
	if (rc < 0)
		return sg_fail(pc, v, -EINVAL,
			       N_("the regular expression '%s' cannot be checked now: the parser sandbox is not available"),
			       v->text, NULL);
	if (!(t->lit = sg_strndup(&r->arena, v->text, v->len)))
		return sg_fail(pc, v, -ENOMEM, N_("out of memory"), NULL, NULL);
	t->len = v->len;
	t->kind = SG_T_REGEX;
	t->ext = *ext;
	t->re_flags = m->re_flags;
	return 0;
}

static int compile_regex(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *v,
			 const struct mods *m, struct sg_test *t)
{
	struct vg_sigma_set *set = pc->set;
	int code;
	PCRE2_SIZE off;
	pcre2_code *re;
	char msg[160], lim[24], where[200];

	if (v->len > set->lim.max_regex) {
		snprintf(lim, sizeof(lim), "%zu", set->lim.max_regex);
		return sg_fail(pc, v, -EINVAL, N_("a regular expression is longer than %s bytes"), lim, NULL);
	}
	if (set->regex.match)
		return hand_regex(pc, r, v, m, t);
	re = pcre2_compile((PCRE2_SPTR)v->text, v->len, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | m->re_flags, &code,
			   &off, set->cctx);
	if (!re) {
		pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof(msg));
		snprintf(where, sizeof(where), "%s (at offset %zu)", msg, (size_t)off);
		return sg_fail(pc, v, -EINVAL, N_("bad regular expression '%s': %s"), v->text, where);
	}
	if (sg_rule_add_regex(r, re) < 0) {
		pcre2_code_free(re);
		return sg_fail(pc, v, -ENOMEM, N_("out of memory"), NULL, NULL);
	}
	/* Without JIT (an architecture without it, a hardened kernel) the interpreter runs, with
	 * the same limits. */
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	t->kind = SG_T_REGEX;
	t->re = re;
	return 0;
}

/* Applies the string modifiers, in their order, to one value: the alternatives it becomes. */
static int rewrite_string(struct sg_parse_ctx *pc, const struct sg_node *v, const struct mods *m, struct sg_strv *cur,
			  unsigned max_values)
{
	int r = 0;

	for (size_t k = 0; k < m->n && r == 0; k++) {
		enum mod mod = m->list[k];
		struct sg_strv next = { 0 };

		if (!is_encoding(mod) && mod != M_CONTAINS && mod != M_STARTSWITH && mod != M_ENDSWITH)
			continue;
		for (size_t i = 0; i < cur->n && r == 0; i++) {
			struct sg_str *s = &cur->v[i];

			switch (mod) {
			case M_CONTAINS:
			case M_STARTSWITH:
			case M_ENDSWITH:
				sg_str_wrap(s, mod != M_STARTSWITH, mod != M_ENDSWITH);
				r = sg_str_dup_into(&next, s);
				break;
			case M_UTF16LE:
			case M_UTF16BE:
			case M_UTF16:
				r = sg_str_utf16(s, mod == M_UTF16BE, mod == M_UTF16);
				if (r == -EILSEQ)
					return sg_fail(pc, v, -EINVAL, N_("'%s' needs a value in UTF-8: '%s'"), mod_name(mod),
						       v->text);
				if (r == 0)
					r = sg_str_dup_into(&next, s);
				break;
			case M_BASE64:
				r = sg_str_base64(s);
				if (r == -EINVAL)
					return sg_fail(pc, v, -EINVAL, N_("'%s' cannot encode a value with wildcards: '%s'"),
						       mod_name(mod), v->text);
				if (r == 0)
					r = sg_str_dup_into(&next, s);
				break;
			case M_BASE64OFFSET:
				r = sg_str_base64offset(s, &next);
				if (r == -EINVAL)
					return sg_fail(pc, v, -EINVAL, N_("'%s' cannot encode a value with wildcards: '%s'"),
						       mod_name(mod), v->text);
				break;
			case M_WINDASH:
				r = sg_str_windash(s, &next, max_values);
				break;
			default:
				break;
			}
		}
		sg_strv_free(cur);
		*cur = next;
		if (cur->n > max_values)
			r = -E2BIG;
	}
	if (r == -E2BIG) {
		char lim[24];

		snprintf(lim, sizeof(lim), "%u", max_values);
		return sg_fail(pc, v, -EINVAL, N_("the value expands into more than %s values"), lim, NULL);
	}
	if (r < 0)
		return sg_fail(pc, v, r, N_("out of memory"), NULL, NULL);
	return 0;
}

/* One value of the item: a group of tests (several when an expansion makes alternatives). */
static int value_group(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *v, const struct mods *m,
		       bool keyword, struct sg_group *g, size_t *nvalues)
{
	struct vg_sigma_set *set = pc->set;
	size_t cap = 0;
	struct sg_test *t;
	double num;

	if (v->kind != SG_SCALAR)
		return sg_fail(pc, v, -EINVAL, N_("a value must be a plain value, not a list or a map"), NULL, NULL);
	if (sg_scalar_is_null(v))
		return sg_fail(pc, v, -EINVAL, N_("null cannot be part of a list of values"), NULL, NULL);
	if (m->re) {
		if (!(t = group_add(r, g, &cap)))
			return sg_fail(pc, v, -ENOMEM, N_("out of memory"), NULL, NULL);
		++*nvalues;
		return compile_regex(pc, r, v, m, t);
	}
	if (m->exists) {
		int b = sg_scalar_bool(v);

		if (b < 0 && v->quoted)
			b = strcmp(v->text, "true") == 0 ? 1 : strcmp(v->text, "false") == 0 ? 0 : -1;
		if (b < 0)
			return sg_fail(pc, v, -EINVAL, N_("'exists' takes true or false, not '%s'"), v->text, NULL);
		if (!(t = group_add(r, g, &cap)))
			return sg_fail(pc, v, -ENOMEM, N_("out of memory"), NULL, NULL);
		t->kind = SG_T_EXISTS;
		t->exists = b == 1;
		++*nvalues;
		return 0;
	}
	if (m->cidr) {
		if (!(t = group_add(r, g, &cap)))
			return sg_fail(pc, v, -ENOMEM, N_("out of memory"), NULL, NULL);
		if (sg_parse_cidr(v->text, t) < 0)
			return sg_fail(pc, v, -EINVAL, N_("'%s' is not an IP network (cidr)"), v->text, NULL);
		++*nvalues;
		return 0;
	}
	if (m->cmp >= 0 || m->unit >= 0) {
		if (!sg_parse_number(v->text, v->len, &num))
			return sg_fail(pc, v, -EINVAL, N_("'%s' is not a number"), v->text, NULL);
		if (!(t = group_add(r, g, &cap)))
			return sg_fail(pc, v, -ENOMEM, N_("out of memory"), NULL, NULL);
		if (m->cmp >= 0) {
			t->kind = SG_T_NUM;
			t->cmp = (uint8_t)m->cmp;
			t->num = num;
		} else {
			t->kind = SG_T_TIME;
			t->unit = (uint8_t)m->unit;
			t->part = (int64_t)num;
		}
		++*nvalues;
		return 0;
	}
	if (m->fieldref) {
		int f;

		if (strpbrk(v->text, "*?"))
			return sg_fail(pc, v, -EINVAL, N_("a field reference cannot hold wildcards: '%s'"), v->text, NULL);
		f = sg_field_resolve(set, r->source, v->text);
		if (f == -ENOMEM)
			return sg_fail(pc, v, -ENOMEM, N_("out of memory"), NULL, NULL);
		if (f < 0)
			return sg_fail(pc, v, -EINVAL, N_("the field '%s' has no mapping for %s"), v->text,
				       vg_sigma_source_name(r->source));
		if (!(t = group_add(r, g, &cap)))
			return sg_fail(pc, v, -ENOMEM, N_("out of memory"), NULL, NULL);
		t->kind = SG_T_FIELDREF;
		t->field = f;
		t->sw = m->tail;     /* startswith: the other value then anything */
		t->ew = m->head;
		t->cased = m->cased;
		++*nvalues;
		return 0;
	}
	/* A string: parsed, rewritten by the modifiers, compiled. */
	struct sg_place_ctx place = { .ph = set->ph, .nph = set->nph, .max_values = set->lim.max_values };
	struct sg_strv vals = { 0 };
	const char *why = NULL;
	char arg[VG_ERROR_ARG_SIZE] = "";
	int rc = sg_str_parse(v->text, v->len, m->expand, &place, &vals, &why, arg);

	if (rc == -ENOMEM) {
		sg_strv_free(&vals);
		return sg_fail(pc, v, -ENOMEM, N_("out of memory"), NULL, NULL);
	}
	if (rc < 0) {
		sg_strv_free(&vals);
		return sg_fail(pc, v, -EINVAL, why, arg, NULL);
	}
	rc = rewrite_string(pc, v, m, &vals, set->lim.max_values);
	for (size_t i = 0; rc == 0 && i < vals.n; i++) {
		/* Keywords are searched anywhere in a value. */
		if (keyword)
			sg_str_wrap(&vals.v[i], true, true);
		if (!(t = group_add(r, g, &cap)) || sg_test_from_str(&r->arena, &vals.v[i], m->cased, t) < 0 ||
		    (r->source == VG_SIGMA_SRC_AUDITD && !(t->orig = sg_strndup(&r->arena, v->text, v->len))))
			rc = sg_fail(pc, v, -ENOMEM, N_("out of memory"), NULL, NULL);
		++*nvalues;
	}
	sg_strv_free(&vals);
	return rc;
}

static int parse_values(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, struct sg_item *item,
			const struct sg_node *value, const struct mods *m, bool keyword)
{
	const struct sg_node *one[1] = { value };
	const struct sg_node *const *vals = one;
	size_t n = 1, nvalues = 0;
	char lim[24];

	if (value->kind == SG_MAP)
		return sg_fail(pc, value, -EINVAL, N_("a field's value must be a value or a list, not a map"), NULL, NULL);
	if (value->kind == SG_SEQ) {
		if (value->n == 0)
			return sg_fail(pc, value, -EINVAL, N_("an empty list of values"), NULL, NULL);
		vals = (const struct sg_node *const *)value->items;
		n = value->n;
	} else if (sg_scalar_is_null(value)) {
		/* field: null -- the field is absent, or null. */
		if (keyword || m->n > (size_t)m->neg)
			return sg_fail(pc, value, -EINVAL, N_("null takes no modifier other than neq"), NULL, NULL);
		item->null_ok = true;
		item->groups = sg_zalloc(&r->arena, sizeof(*item->groups));
		if (!item->groups || !(item->groups[0].alts = sg_zalloc(&r->arena, sizeof(struct sg_test))))
			return sg_fail(pc, value, -ENOMEM, N_("out of memory"), NULL, NULL);
		item->groups[0].alts[0].kind = SG_T_NULL;
		item->groups[0].n = 1;
		item->ngroups = 1;
		return 0;
	}
	item->groups = sg_zalloc(&r->arena, n * sizeof(*item->groups));
	if (!item->groups)
		return sg_fail(pc, value, -ENOMEM, N_("out of memory"), NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		int rc = value_group(pc, r, vals[i], m, keyword, &item->groups[i], &nvalues);

		if (rc < 0)
			return rc;
		if (nvalues > pc->set->lim.max_values) {
			snprintf(lim, sizeof(lim), "%u", pc->set->lim.max_values);
			return sg_fail(pc, vals[i], -EINVAL, N_("the value expands into more than %s values"), lim, NULL);
		}
	}
	item->ngroups = n;
	return 0;
}

int sg_item_parse(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *key,
		  const struct sg_node *value, struct sg_item *item)
{
	const char *bar = strchr(key->text, '|');
	size_t flen = bar ? (size_t)(bar - key->text) : key->len;
	struct mods m = { .text = key->text };
	char field[256];
	int rc;

	memset(item, 0, sizeof(*item));
	item->line = key->line;
	item->col = key->col;
	if (flen >= sizeof(field))
		return sg_fail(pc, key, -EINVAL, N_("the field name '%s' is too long"), key->text, NULL);
	memcpy(field, key->text, flen);
	field[flen] = '\0';
	if ((rc = read_modifiers(pc, key, bar ? bar + 1 : "", flen == 0, &m)) < 0)
		return rc;
	if (flen == 0) {
		item->field = SG_FIELD_KEYWORDS;
	} else {
		item->field = sg_field_resolve(pc->set, r->source, field);
		if (item->field == -ENOMEM)
			return sg_fail(pc, key, -ENOMEM, N_("out of memory"), NULL, NULL);
		if (item->field < 0)
			return sg_fail(pc, key, -EINVAL, N_("the field '%s' has no mapping for %s"), field,
				       vg_sigma_source_name(r->source));
	}
	item->all = m.all;
	item->neg = m.neg;
	return parse_values(pc, r, item, value, &m, flen == 0);
}

/* A list of keywords (a search identifier whose value is a list of plain values). */
int sg_keywords_parse(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *list,
		      struct sg_item *item)
{
	struct mods m = { .cmp = -1, .unit = -1 };

	memset(item, 0, sizeof(*item));
	item->field = SG_FIELD_KEYWORDS;
	item->line = list->line;
	item->col = list->col;
	return parse_values(pc, r, item, list, &m, true);
}
