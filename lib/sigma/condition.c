/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The condition: `and`, `or`, `not`, parentheses, `1 of PATTERN`, `all of PATTERN`, `1 of
 * them`, `all of them`, with the precedence of the specification (or < and < not < x of <
 * parentheses).  A list of conditions is their `or`.  The Sigma 1 aggregations (`| count()`)
 * and `near` are refused with the reason.  Nesting is bounded.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "nls.h"
#include "sigma/sigma-int.h"

enum tok { T_END = 0, T_WORD, T_LPAREN, T_RPAREN, T_PIPE, T_BAD };

struct cparse {
	struct sg_parse_ctx *pc;
	struct vg_sigma_rule *r;
	const struct sg_node *node;  /* the condition's scalar, for messages */
	const char *s;
	size_t pos;
	enum tok tok;
	const char *word;
	size_t wlen;
	unsigned depth;
};

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '*' ||
	       c == '-' || c == '.';
}

static void next(struct cparse *c)
{
	while (c->s[c->pos] == ' ' || c->s[c->pos] == '\t' || c->s[c->pos] == '\n' || c->s[c->pos] == '\r')
		c->pos++;
	c->word = c->s + c->pos;
	c->wlen = 0;
	switch (c->s[c->pos]) {
	case '\0':
		c->tok = T_END;
		return;
	case '(':
		c->tok = T_LPAREN;
		c->pos++;
		c->wlen = 1;
		return;
	case ')':
		c->tok = T_RPAREN;
		c->pos++;
		c->wlen = 1;
		return;
	case '|':
		c->tok = T_PIPE;
		c->pos++;
		c->wlen = 1;
		return;
	default:
		break;
	}
	if (!word_char(c->s[c->pos])) {
		c->tok = T_BAD;
		c->wlen = 1;
		return;
	}
	while (word_char(c->s[c->pos]))
		c->pos++;
	c->wlen = (size_t)(c->s + c->pos - c->word);
	c->tok = T_WORD;
}

static bool is(const struct cparse *c, const char *kw)
{
	return c->tok == T_WORD && c->wlen == strlen(kw) && strncasecmp(c->word, kw, c->wlen) == 0;
}

static int fail(struct cparse *c, const char *msgid, const char *arg)
{
	char col[24];

	snprintf(col, sizeof(col), "%zu", (size_t)(c->word - c->s) + 1);
	return sg_fail(c->pc, c->node, -EINVAL, msgid, arg ? arg : col, arg ? col : NULL);
}

static struct sg_cond *node(struct cparse *c, uint8_t op, size_t nkids)
{
	struct sg_cond *n = sg_zalloc(&c->r->arena, sizeof(*n));

	if (!n)
		return NULL;
	n->op = op;
	if (nkids) {
		n->kids = sg_zalloc(&c->r->arena, nkids * sizeof(*n->kids));
		if (!n->kids)
			return NULL;
	}
	return n;
}

static int parse_or(struct cparse *c, struct sg_cond **out);

/* The search identifiers a pattern names: `*` matches any run. */
static bool name_matches(const char *pat, size_t plen, const char *name)
{
	uint8_t w[256];

	if (plen > sizeof(w))
		return false;
	for (size_t i = 0; i < plen; i++)
		w[i] = pat[i] == '*' ? SG_W_STAR : 0;
	return sg_glob(pat, w, plen, name, strlen(name));
}

static int quantifier(struct cparse *c, bool all, struct sg_cond **out)
{
	char pat[256];
	bool them;
	size_t count = 0;
	struct sg_cond *n;

	next(c);
	if (!is(c, "of"))
		return fail(c, N_("'of' expected in the condition at column %s"), NULL);
	next(c);
	if (c->tok != T_WORD)
		return fail(c, N_("a search identifier or 'them' expected in the condition at column %s"), NULL);
	them = is(c, "them");
	if (c->wlen >= sizeof(pat))
		return fail(c, N_("a search identifier is too long in the condition at column %s"), NULL);
	memcpy(pat, c->word, c->wlen);
	pat[c->wlen] = '\0';
	for (size_t i = 0; i < c->r->nsels; i++)
		if (them ? c->r->sels[i].name[0] != '_' : name_matches(pat, c->wlen, c->r->sels[i].name))
			count++;
	if (count == 0)
		return fail(c, N_("'%s' names no search identifier (condition column %s)"), pat);
	n = node(c, all ? SG_C_AND : SG_C_OR, count);
	if (!n)
		return sg_fail(c->pc, c->node, -ENOMEM, N_("out of memory"), NULL, NULL);
	for (size_t i = 0; i < c->r->nsels; i++)
		if (them ? c->r->sels[i].name[0] != '_' : name_matches(pat, c->wlen, c->r->sels[i].name)) {
			struct sg_cond *s = node(c, SG_C_SEL, 0);

			if (!s)
				return sg_fail(c->pc, c->node, -ENOMEM, N_("out of memory"), NULL, NULL);
			s->sel = (unsigned)i;
			n->kids[n->n++] = s;
		}
	next(c);
	*out = n;
	return 0;
}

static int parse_primary(struct cparse *c, struct sg_cond **out)
{
	char name[256];

	if (c->tok == T_LPAREN) {
		int r;

		next(c);
		if ((r = parse_or(c, out)) < 0)
			return r;
		if (c->tok != T_RPAREN)
			return fail(c, N_("')' expected in the condition at column %s"), NULL);
		next(c);
		return 0;
	}
	if (c->tok == T_PIPE)
		return fail(c, N_("Sigma 1 aggregations ('| count() ...') are not supported, use a correlation rule "
				  "(condition column %s)"), NULL);
	if (c->tok != T_WORD)
		return fail(c, N_("a search identifier expected in the condition at column %s"), NULL);
	if (is(c, "1") || is(c, "any"))
		return quantifier(c, false, out);
	if (is(c, "all"))
		return quantifier(c, true, out);
	if (is(c, "and") || is(c, "or") || is(c, "of") || is(c, "them") || is(c, "near"))
		return fail(c, N_("unexpected '%s' in the condition at column %s"),
			    is(c, "near") ? "near" : is(c, "and") ? "and" : is(c, "or") ? "or" : is(c, "of") ? "of" : "them");
	if (c->word[0] >= '0' && c->word[0] <= '9' && c->wlen < 8) {
		memcpy(name, c->word, c->wlen);
		name[c->wlen] = '\0';
		/* "2 of x": only 1 and all exist. */
		bool number = true;

		for (size_t i = 0; i < c->wlen; i++)
			number = number && c->word[i] >= '0' && c->word[i] <= '9';
		if (number)
			return fail(c, N_("only '1 of' and 'all of' exist, not '%s of' (condition column %s)"), name);
	}
	if (c->wlen >= sizeof(name) || memchr(c->word, '*', c->wlen)) {
		snprintf(name, sizeof(name), "%.*s", (int)(c->wlen < 200 ? c->wlen : 200), c->word);
		return fail(c, N_("'%s' must follow '1 of' or 'all of' (condition column %s)"), name);
	}
	memcpy(name, c->word, c->wlen);
	name[c->wlen] = '\0';
	for (size_t i = 0; i < c->r->nsels; i++)
		if (strcmp(c->r->sels[i].name, name) == 0) {
			struct sg_cond *s = node(c, SG_C_SEL, 0);

			if (!s)
				return sg_fail(c->pc, c->node, -ENOMEM, N_("out of memory"), NULL, NULL);
			s->sel = (unsigned)i;
			*out = s;
			next(c);
			return 0;
		}
	return fail(c, N_("the condition names '%s', which is not a search identifier (column %s)"), name);
}

static int deeper(struct cparse *c)
{
	char lim[24];

	if (++c->depth > c->pc->set->lim.max_condition_depth) {
		snprintf(lim, sizeof(lim), "%u", c->pc->set->lim.max_condition_depth);
		return sg_fail(c->pc, c->node, -EINVAL, N_("the condition is nested deeper than %s"), lim, NULL);
	}
	return 0;
}

static int parse_not(struct cparse *c, struct sg_cond **out)
{
	int r;

	if ((r = deeper(c)) < 0)
		return r;
	if (is(c, "not")) {
		struct sg_cond *n = node(c, SG_C_NOT, 1);

		if (!n)
			return sg_fail(c->pc, c->node, -ENOMEM, N_("out of memory"), NULL, NULL);
		next(c);
		if ((r = parse_not(c, &n->kids[0])) < 0)
			return r;
		n->n = 1;
		*out = n;
	} else {
		r = parse_primary(c, out);
	}
	c->depth--;
	return r;
}

/* A run of operands joined by one operator, flattened into one node. */
static int parse_chain(struct cparse *c, const char *op, uint8_t code, int (*operand)(struct cparse *, struct sg_cond **),
		       struct sg_cond **out)
{
	struct sg_cond *first, **kids = NULL;
	size_t n = 0, cap = 0;
	int r;

	if ((r = deeper(c)) < 0)
		return r;
	if ((r = operand(c, &first)) < 0)
		return r;
	if (!is(c, op)) {
		*out = first;
		c->depth--;
		return 0;
	}
	while (n == 0 || is(c, op)) {
		struct sg_cond *k;

		if (n == cap) {
			struct sg_cond **nk = sg_alloc(&c->r->arena, (cap ? cap * 2 : 4) * sizeof(*nk));

			if (!nk)
				return sg_fail(c->pc, c->node, -ENOMEM, N_("out of memory"), NULL, NULL);
			if (n)
				memcpy(nk, kids, n * sizeof(*nk));
			kids = nk;
			cap = cap ? cap * 2 : 4;
		}
		if (n == 0) {
			kids[n++] = first;
			continue;
		}
		next(c);
		if ((r = operand(c, &k)) < 0)
			return r;
		kids[n++] = k;
	}
	struct sg_cond *node_ = node(c, code, 0);

	if (!node_)
		return sg_fail(c->pc, c->node, -ENOMEM, N_("out of memory"), NULL, NULL);
	node_->kids = kids;
	node_->n = n;
	*out = node_;
	c->depth--;
	return 0;
}

static int parse_and(struct cparse *c, struct sg_cond **out)
{
	return parse_chain(c, "and", SG_C_AND, parse_not, out);
}

static int parse_or(struct cparse *c, struct sg_cond **out)
{
	return parse_chain(c, "or", SG_C_OR, parse_and, out);
}

static int parse_one(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *n, struct sg_cond **out)
{
	struct cparse c = { .pc = pc, .r = r, .node = n, .s = n->text };
	int rc;

	if (n->kind != SG_SCALAR || sg_scalar_is_null(n))
		return sg_fail(pc, n, -EINVAL, N_("the condition must be a text or a list of texts"), NULL, NULL);
	next(&c);
	if (c.tok == T_END)
		return sg_fail(pc, n, -EINVAL, N_("the condition is empty"), NULL, NULL);
	if ((rc = parse_or(&c, out)) < 0)
		return rc;
	if (c.tok == T_PIPE)
		return fail(&c, N_("Sigma 1 aggregations ('| count() ...') are not supported, use a correlation rule "
				   "(condition column %s)"), NULL);
	if (c.tok == T_BAD) {
		char ch[2] = { *c.word, '\0' };

		return fail(&c, N_("unexpected character '%s' in the condition at column %s"), ch);
	}
	if (c.tok != T_END) {
		char w[128];

		snprintf(w, sizeof(w), "%.*s", (int)(c.wlen < 100 ? c.wlen : 100), c.word);
		return fail(&c, N_("unexpected '%s' in the condition at column %s"), w);
	}
	return 0;
}

int sg_condition_parse(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *cond)
{
	struct sg_cond *n;
	int rc;

	if (cond->kind != SG_SEQ)
		return parse_one(pc, r, cond, &r->cond);
	if (cond->n == 0)
		return sg_fail(pc, cond, -EINVAL, N_("the condition is empty"), NULL, NULL);
	/* A list of conditions: any of them. */
	n = sg_zalloc(&r->arena, sizeof(*n));
	if (!n || !(n->kids = sg_zalloc(&r->arena, cond->n * sizeof(*n->kids))))
		return sg_fail(pc, cond, -ENOMEM, N_("out of memory"), NULL, NULL);
	n->op = SG_C_OR;
	for (size_t i = 0; i < cond->n; i++) {
		if ((rc = parse_one(pc, r, cond->items[i], &n->kids[i])) < 0)
			return rc;
		n->n++;
	}
	r->cond = n;
	return 0;
}
