/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One YAML document into a rule: its metadata (title, id, status, level, tags with the ATT&CK
 * techniques and tactics they name...), its logsource, and its detection (search identifiers
 * and condition), or a correlation (correlation.c).  Any fault refuses the rule whole.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nls.h"
#include "sigma/sigma-int.h"

int sg_error(struct vg_error *err, int code, const char *msgid, const char *a1, const char *a2)
{
	/* msgid is one of our N_() strings, with only %s placeholders. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	return vg_error_set(err, code, msgid, a1 ? a1 : "", a2 ? a2 : "");
#pragma GCC diagnostic pop
}

int sg_fail(struct sg_parse_ctx *pc, const struct sg_node *at, int code, const char *msgid, const char *a1,
	    const char *a2)
{
	char where[VG_ERROR_ARG_SIZE];
	unsigned line = at ? at->line : pc->doc->line, col = at ? at->col : 1;

	sg_error(pc->err, code, msgid, a1, a2);
	snprintf(where, sizeof(where), "%s:%u:%u: ", pc->file, line, col);
	vg_error_prefix(pc->err, where);
	pc->line = line;
	pc->col = col;
	return code;
}

int sg_rule_add_regex(struct vg_sigma_rule *r, pcre2_code *re)
{
	if (r->nregexes == r->capregexes) {
		size_t cap = r->capregexes ? r->capregexes * 2 : 4;
		pcre2_code **v = realloc(r->regexes, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		r->regexes = v;
		r->capregexes = cap;
	}
	r->regexes[r->nregexes++] = re;
	return 0;
}

void sg_rule_free(struct vg_sigma_rule *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nregexes; i++)
		pcre2_code_free(r->regexes[i]);
	free(r->regexes);
	free(r->users);
	sg_arena_free(&r->arena);
	free(r);
}

/* A scalar's text ("" when absent or null); a list or map where text belongs is an error. */
static int text_of(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *map, const char *key,
		   const char **out)
{
	const struct sg_node *n = sg_map_get(map, key);

	*out = "";
	if (!n || sg_scalar_is_null(n))
		return 0;
	if (n->kind != SG_SCALAR)
		return sg_fail(pc, n, -EINVAL, N_("'%s' must be a text"), key, NULL);
	*out = sg_strndup(&r->arena, n->text, n->len);
	return *out ? 0 : sg_fail(pc, n, -ENOMEM, N_("out of memory"), NULL, NULL);
}

/* A list of texts (one text alone is a list of one). */
static int list_of(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *map, const char *key,
		   struct vg_sigma_strings *out)
{
	const struct sg_node *n = sg_map_get(map, key);
	const char **v;
	size_t cnt;

	out->v = NULL;
	out->n = 0;
	if (!n || sg_scalar_is_null(n))
		return 0;
	if (n->kind == SG_MAP)
		return sg_fail(pc, n, -EINVAL, N_("'%s' must be a list of texts"), key, NULL);
	cnt = n->kind == SG_SCALAR ? 1 : n->n;
	v = sg_zalloc(&r->arena, (cnt + 1) * sizeof(*v));
	if (!v)
		return sg_fail(pc, n, -ENOMEM, N_("out of memory"), NULL, NULL);
	for (size_t i = 0; i < cnt; i++) {
		const struct sg_node *it = n->kind == SG_SCALAR ? n : n->items[i];

		if (it->kind != SG_SCALAR)
			return sg_fail(pc, it, -EINVAL, N_("'%s' must be a list of texts"), key, NULL);
		if (!(v[out->n++] = sg_strndup(&r->arena, it->text, it->len)))
			return sg_fail(pc, it, -ENOMEM, N_("out of memory"), NULL, NULL);
	}
	out->v = v;
	return 0;
}

/* "attack.t1059.004" gives the technique "T1059.004"; "attack.execution" the tactic. */
static int attack_tags(struct sg_parse_ctx *pc, struct vg_sigma_rule *r)
{
	const struct vg_sigma_strings *tags = &r->info.tags;
	const char **tech = sg_zalloc(&r->arena, (tags->n + 1) * sizeof(*tech));
	const char **tact = sg_zalloc(&r->arena, (tags->n + 1) * sizeof(*tact));

	if (!tech || !tact)
		return sg_fail(pc, NULL, -ENOMEM, N_("out of memory"), NULL, NULL);
	r->info.techniques = (struct vg_sigma_strings){ tech, 0 };
	r->info.tactics = (struct vg_sigma_strings){ tact, 0 };
	for (size_t i = 0; i < tags->n; i++) {
		const char *t = tags->v[i];
		size_t k = 0;

		if (strncmp(t, "attack.", 7) != 0 || !t[7])
			continue;
		t += 7;
		if ((t[0] == 't' || t[0] == 'T') && t[1] >= '0' && t[1] <= '9') {
			char *id = sg_strdup(&r->arena, t);

			if (!id)
				return sg_fail(pc, NULL, -ENOMEM, N_("out of memory"), NULL, NULL);
			id[0] = 'T';
			for (k = 1; id[k]; k++)
				if (!((id[k] >= '0' && id[k] <= '9') || id[k] == '.'))
					break;
			if (id[k] == '\0')
				tech[r->info.techniques.n++] = id;
			continue;
		}
		/* Groups, software, mitigations... (g0001, s0002, m1040, ds0009, a0001) are not tactics. */
		while (t[k] >= 'a' && t[k] <= 'z')
			k++;
		if (k <= 2 && t[k] >= '0' && t[k] <= '9')
			continue;
		tact[r->info.tactics.n++] = t;
	}
	return 0;
}

static int parse_status(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *root)
{
	static const char *const names[] = { "stable", "test", "experimental", "deprecated" };
	const char *s;
	int rc = text_of(pc, r, root, "status", &s);

	if (rc < 0 || !*s)
		return rc;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			r->info.status = (enum vg_sigma_status)(i + 1);
			return 0;
		}
	if (strcmp(s, "unsupported") == 0)
		return sg_fail(pc, sg_map_get(root, "status"), -EINVAL,
			       N_("the rule's status is 'unsupported': it cannot be used as it is"), NULL, NULL);
	return sg_fail(pc, sg_map_get(root, "status"), -EINVAL, N_("unknown status '%s'"), s, NULL);
}

static int parse_level(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *root)
{
	const char *s;
	int rc = text_of(pc, r, root, "level", &s);

	if (rc < 0 || !*s)
		return rc;
	for (int l = VG_SIGMA_LEVEL_INFORMATIONAL; l <= VG_SIGMA_LEVEL_CRITICAL; l++)
		if (strcmp(s, vg_sigma_level_name((enum vg_sigma_level)l)) == 0) {
			r->info.level = (enum vg_sigma_level)l;
			return 0;
		}
	return sg_fail(pc, sg_map_get(root, "level"), -EINVAL, N_("unknown level '%s'"), s, NULL);
}

static int parse_metadata(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *root)
{
	const struct sg_node *title = sg_map_get(root, "title");
	int rc;

	if (!title || sg_scalar_is_null(title) || title->kind != SG_SCALAR)
		return sg_fail(pc, title, -EINVAL, N_("the rule has no title"), NULL, NULL);
	if ((rc = text_of(pc, r, root, "title", &r->info.title)) < 0 ||
	    (rc = text_of(pc, r, root, "id", &r->info.id)) < 0 ||
	    (rc = text_of(pc, r, root, "name", &r->info.name)) < 0 ||
	    (rc = text_of(pc, r, root, "description", &r->info.description)) < 0 ||
	    (rc = text_of(pc, r, root, "author", &r->info.author)) < 0 ||
	    (rc = text_of(pc, r, root, "date", &r->info.date)) < 0 ||
	    (rc = text_of(pc, r, root, "modified", &r->info.modified)) < 0 ||
	    (rc = list_of(pc, r, root, "references", &r->info.references)) < 0 ||
	    (rc = list_of(pc, r, root, "falsepositives", &r->info.falsepositives)) < 0 ||
	    (rc = list_of(pc, r, root, "tags", &r->info.tags)) < 0 ||
	    (rc = list_of(pc, r, root, "fields", &r->info.fields)) < 0 || (rc = parse_status(pc, r, root)) < 0 ||
	    (rc = parse_level(pc, r, root)) < 0 || (rc = attack_tags(pc, r)) < 0)
		return rc;
	return 0;
}

static int parse_logsource(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *root)
{
	const struct sg_node *ls = sg_map_get(root, "logsource");
	char what[VG_ERROR_ARG_SIZE];
	int rc;

	if (!ls || ls->kind != SG_MAP)
		return sg_fail(pc, ls, -EINVAL, N_("the rule has no logsource"), NULL, NULL);
	if ((rc = text_of(pc, r, ls, "product", &r->info.product)) < 0 ||
	    (rc = text_of(pc, r, ls, "category", &r->info.category)) < 0 ||
	    (rc = text_of(pc, r, ls, "service", &r->info.service)) < 0)
		return rc;
	snprintf(pc->source_name, sizeof(pc->source_name), "%s",
		 *r->info.service ? r->info.service : *r->info.category ? r->info.category : r->info.product);
	r->source = sg_logsource_source(r->info.product, r->info.category, r->info.service);
	if (!r->source) {
		snprintf(what, sizeof(what), "%s%s%s%s%s%s%s%s", *r->info.product ? "product: " : "", r->info.product,
			 *r->info.product && (*r->info.category || *r->info.service) ? ", " : "",
			 *r->info.category ? "category: " : "", r->info.category,
			 *r->info.category && *r->info.service ? ", " : "", *r->info.service ? "service: " : "",
			 r->info.service);
		pc->unsupported_source = true;
		return sg_fail(pc, ls, -EINVAL, N_("the agent has no events of the log source '%s'"),
			       *what ? what : "(empty)", NULL);
	}
	r->info.sources = r->source;
	return 0;
}

/* A search identifier: a map (AND), a list of maps (OR), or a list of keywords. */
static int parse_selection(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *key,
			   const struct sg_node *val, struct sg_selection *sel)
{
	size_t nalts;
	int rc;

	sel->name = sg_strndup(&r->arena, key->text, key->len);
	if (!sel->name)
		return sg_fail(pc, key, -ENOMEM, N_("out of memory"), NULL, NULL);
	sel->line = key->line;
	sel->col = key->col;
	if (val->kind == SG_SCALAR && sg_scalar_is_null(val))
		return sg_fail(pc, val, -EINVAL, N_("the search identifier '%s' is empty"), key->text, NULL);
	if (val->kind == SG_MAP || val->kind == SG_SCALAR) {
		nalts = 1;
	} else {
		if (val->n == 0)
			return sg_fail(pc, val, -EINVAL, N_("the search identifier '%s' is empty"), key->text, NULL);
		/* Keywords are one item; each map is an alternative. */
		size_t maps = 0;

		for (size_t i = 0; i < val->n; i++)
			maps += val->items[i]->kind == SG_MAP;
		nalts = maps + (maps < val->n);
	}
	sel->alts = sg_zalloc(&r->arena, nalts * sizeof(*sel->alts));
	if (!sel->alts)
		return sg_fail(pc, val, -ENOMEM, N_("out of memory"), NULL, NULL);
	if (val->kind == SG_SCALAR || (val->kind == SG_SEQ && nalts == 1 && val->items[0]->kind != SG_MAP)) {
		/* Keywords. */
		sel->alts[0].items = sg_zalloc(&r->arena, sizeof(struct sg_item));
		if (!sel->alts[0].items)
			return sg_fail(pc, val, -ENOMEM, N_("out of memory"), NULL, NULL);
		if ((rc = sg_keywords_parse(pc, r, val, &sel->alts[0].items[0])) < 0)
			return rc;
		sel->alts[0].n = 1;
		sel->n = 1;
		return 0;
	}
	const struct sg_node *const *maps = val->kind == SG_MAP ? &val : (const struct sg_node *const *)val->items;
	size_t nmaps = val->kind == SG_MAP ? 1 : val->n;
	size_t nkeywords = 0;

	for (size_t i = 0; i < nmaps; i++) {
		const struct sg_node *m = maps[i];

		if (m->kind != SG_MAP) {
			nkeywords++;
			continue;
		}
		if (m->n == 0)
			return sg_fail(pc, m, -EINVAL, N_("the search identifier '%s' holds an empty map"), key->text, NULL);
		struct sg_conj *cj = &sel->alts[sel->n++];

		cj->items = sg_zalloc(&r->arena, (m->n / 2) * sizeof(*cj->items));
		if (!cj->items)
			return sg_fail(pc, m, -ENOMEM, N_("out of memory"), NULL, NULL);
		for (size_t k = 0; k + 1 < m->n; k += 2) {
			if ((rc = sg_item_parse(pc, r, m->items[k], m->items[k + 1], &cj->items[cj->n])) < 0)
				return rc;
			cj->n++;
		}
	}
	if (nkeywords) {
		/* A list mixing maps and plain values: the plain values are keywords, one more
		 * alternative. */
		const struct sg_node **kw = sg_zalloc(&r->arena, nkeywords * sizeof(*kw));
		struct sg_node *list = sg_zalloc(&r->arena, sizeof(*list));
		struct sg_conj *cj = &sel->alts[sel->n++];

		cj->items = sg_zalloc(&r->arena, sizeof(*cj->items));
		if (!kw || !list || !cj->items)
			return sg_fail(pc, val, -ENOMEM, N_("out of memory"), NULL, NULL);
		*list = *val;
		list->n = 0;
		list->items = (struct sg_node **)kw;
		for (size_t i = 0; i < nmaps; i++)
			if (maps[i]->kind != SG_MAP)
				kw[list->n++] = maps[i];
		if ((rc = sg_keywords_parse(pc, r, list, &cj->items[0])) < 0)
			return rc;
		cj->n = 1;
	}
	return 0;
}

static int parse_detection(struct sg_parse_ctx *pc, struct vg_sigma_rule *r, const struct sg_node *root)
{
	const struct sg_node *det = sg_map_get(root, "detection");
	const struct sg_node *cond;
	const char **names;
	int rc;

	if (!det || det->kind != SG_MAP)
		return sg_fail(pc, det, -EINVAL, N_("the rule has no detection"), NULL, NULL);
	cond = sg_map_get(det, "condition");
	if (!cond)
		return sg_fail(pc, det, -EINVAL, N_("the detection has no condition"), NULL, NULL);
	if (sg_map_get(det, "timeframe"))
		return sg_fail(pc, sg_map_get(det, "timeframe"), -EINVAL,
			       N_("'timeframe' belongs to Sigma 1 aggregations: use a correlation rule"), NULL, NULL);
	r->sels = sg_zalloc(&r->arena, (det->n / 2) * sizeof(*r->sels));
	names = sg_zalloc(&r->arena, (det->n / 2 + 1) * sizeof(*names));
	if (!r->sels || !names)
		return sg_fail(pc, det, -ENOMEM, N_("out of memory"), NULL, NULL);
	for (size_t k = 0; k + 1 < det->n; k += 2) {
		const struct sg_node *key = det->items[k];

		if (strcmp(key->text, "condition") == 0)
			continue;
		if ((rc = parse_selection(pc, r, key, det->items[k + 1], &r->sels[r->nsels])) < 0)
			return rc;
		names[r->nsels] = r->sels[r->nsels].name;
		r->nsels++;
	}
	if (r->nsels == 0)
		return sg_fail(pc, det, -EINVAL, N_("the detection has no search identifier"), NULL, NULL);
	r->info.selections = (struct vg_sigma_strings){ names, r->nsels };
	return sg_condition_parse(pc, r, cond);
}

int sg_rule_parse(struct sg_parse_ctx *pc, const struct sg_node *root, struct vg_sigma_rule **out)
{
	struct vg_sigma_rule *r;
	const struct sg_doc *doc = pc->doc;
	size_t start, end;
	int rc;

	*out = NULL;
	if (!root || root->kind != SG_MAP)
		return sg_fail(pc, root, -EINVAL, N_("a rule must be a map of keys"), NULL, NULL);
	r = calloc(1, sizeof(*r));
	if (!r)
		return sg_fail(pc, root, -ENOMEM, N_("out of memory"), NULL, NULL);
	r->info.file = pc->file;
	r->info.line = root->line;
	end = doc->end > doc->start ? doc->end : pc->yf->len;
	start = doc->start;
	/* The text from the document's first line (after its `---`). */
	if (end - start >= 3 && memcmp(pc->yf->text + start, "---", 3) == 0) {
		const char *nl = memchr(pc->yf->text + start, '\n', end - start);

		start = nl ? (size_t)(nl - pc->yf->text) + 1 : end;
	}
	r->info.yaml = sg_strndup(&r->arena, pc->yf->text + start, end - start);
	if (!r->info.yaml) {
		rc = sg_fail(pc, root, -ENOMEM, N_("out of memory"), NULL, NULL);
		goto fail;
	}
	if ((rc = parse_metadata(pc, r, root)) < 0)
		goto fail;
	if (sg_map_get(root, "correlation")) {
		if (sg_map_get(root, "detection")) {
			rc = sg_fail(pc, sg_map_get(root, "correlation"), -EINVAL,
				     N_("a rule has a detection or a correlation, not both"), NULL, NULL);
			goto fail;
		}
		if ((rc = sg_corr_parse(pc, root, r)) < 0)
			goto fail;
	} else {
		if (sg_map_get(root, "filter") && !sg_map_get(root, "detection")) {
			rc = sg_fail(pc, sg_map_get(root, "filter"), -EINVAL, N_("Sigma filters are not supported"), NULL,
				     NULL);
			goto fail;
		}
		r->info.type = VG_SIGMA_DETECTION;
		if ((rc = parse_logsource(pc, r, root)) < 0 || (rc = parse_detection(pc, r, root)) < 0)
			goto fail;
	}
	*out = r;
	return 0;
fail:
	sg_rule_free(r);
	return rc;
}
