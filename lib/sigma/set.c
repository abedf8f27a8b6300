/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A set of rules: inputs (files, directories, memory), rule collections (`action: global`,
 * `reset`, `repeat`), the rejects with their reasons, the fields the rules resolve to, and the
 * compile step that resolves correlations and builds the prefilters.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "nls.h"
#include "sigma/sigma-int.h"

void vg_sigma_limits_init(struct vg_sigma_limits *l)
{
	*l = (struct vg_sigma_limits){
		.max_file_size = 1u << 20,
		.max_depth = 32,
		.max_nodes = 100000,
		.max_string = 65536,
		.max_documents = 1024,
		.max_rules = 100000,
		.max_files = 100000,
		.max_values = 4096,
		.max_condition_depth = 64,
		.max_regex = 4096,
		.regex_match_limit = 100000,
		.regex_depth_limit = 1000,
		.max_event_bytes = 1u << 20,
		.corr_max_groups = 1024,
		.corr_max_events = 256,
		.corr_max_evidence = 16,
	};
}

unsigned sg_source_index(unsigned bit)
{
	return bit ? (unsigned)__builtin_ctz(bit) : 0;
}

static bool same_field(const struct sg_field *f, const struct vg_sigma_field_map *m)
{
	if (f->convert != m->convert)
		return false;
	for (size_t i = 0; i < 3; i++) {
		if (!f->paths[i] != !m->paths[i])
			return false;
		if (f->paths[i] && strcmp(f->paths[i], m->paths[i]) != 0)
			return false;
	}
	return true;
}

/* A new zeroed field at the end of the set's fields, or NULL. */
static struct sg_field *new_field(struct vg_sigma_set *set)
{
	if (set->nfields == set->capfields) {
		size_t cap = set->capfields ? set->capfields * 2 : 64;
		struct sg_field *f = realloc(set->fields, cap * sizeof(*f));

		if (!f)
			return NULL;
		set->fields = f;
		set->capfields = cap;
	}
	memset(&set->fields[set->nfields], 0, sizeof(*set->fields));
	return &set->fields[set->nfields];
}

static int add_field(struct vg_sigma_set *set, const struct vg_sigma_field_map *m)
{
	struct sg_field *f;

	for (size_t i = 0; i < set->nfields; i++)
		if (same_field(&set->fields[i], m)) {
			set->fields[i].sources |= m->source;
			return (int)i;
		}
	if (!(f = new_field(set)))
		return -ENOMEM;
	f->sources = m->source;
	f->sigma = m->sigma;
	f->convert = m->convert;
	for (size_t i = 0; i < 3 && m->paths[i]; i++)
		f->paths[i] = m->paths[i];
	if (m->convert == VG_SIGMA_CONVERT_HASHES) {
		char buf[256];

		snprintf(buf, sizeof(buf), "%s.algorithm_id", m->paths[0]);
		f->aux[0] = sg_strdup(&set->arena, buf);
		snprintf(buf, sizeof(buf), "%s.value", m->paths[0]);
		f->aux[1] = sg_strdup(&set->arena, buf);
		if (!f->aux[0] || !f->aux[1])
			return -ENOMEM;
	}
	return (int)set->nfields++;
}

int sg_field_resolve(struct vg_sigma_set *set, unsigned source, const char *sigma)
{
	const struct vg_sigma_field_map *m = vg_sigma_field_find(source, sigma);
	struct sg_field *f;
	char *name;

	if (m)
		return add_field(set, m);
	if (source != VG_SIGMA_SRC_AUDITD || !sg_audit_field_name_ok(sigma))
		return -1;
	/* Any field of an audit record, by its own name. */
	for (size_t i = 0; i < set->nfields; i++)
		if (set->fields[i].sources == source && strcmp(set->fields[i].paths[0], sigma) == 0 &&
		    !set->fields[i].paths[1])
			return (int)i;
	if (!(name = sg_strdup(&set->arena, sigma)) || !(f = new_field(set)))
		return -ENOMEM;
	*f = (struct sg_field){ .sources = source, .sigma = name, .paths = { name } };
	return (int)set->nfields++;
}

int vg_sigma_set_new(const struct vg_sigma_limits *limits, struct vg_sigma_set **out)
{
	struct vg_sigma_set *set = calloc(1, sizeof(*set));

	*out = NULL;
	if (!set)
		return -ENOMEM;
	if (limits)
		set->lim = *limits;
	else
		vg_sigma_limits_init(&set->lim);
	set->cctx = pcre2_compile_context_create(NULL);
	if (!set->cctx)
		goto nomem;
	pcre2_set_parens_nest_limit(set->cctx, 64);
	/* Every mapping of the table is a field from the start: keywords search them. */
	for (size_t i = 0; i < vg_sigma_field_count(); i++) {
		int f = add_field(set, vg_sigma_field_at(i));

		if (f < 0)
			goto nomem;
		set->fields[f].in_table = true;
	}
	*out = set;
	return 0;
nomem:
	vg_sigma_set_free(set);
	return -ENOMEM;
}

int vg_sigma_set_regex(struct vg_sigma_set *set, const struct vg_sigma_regex *regex)
{
	if (set->compiled)
		return -EINVAL;
	set->regex = regex ? *regex : (struct vg_sigma_regex){ 0 };
	return 0;
}

void vg_sigma_set_free(struct vg_sigma_set *set)
{
	if (!set)
		return;
	sg_prefilter_free(set);
	for (size_t i = 0; i < set->nrules; i++)
		sg_rule_free(set->rules[i]);
	free(set->rules);
	free(set->rejects);
	free(set->fields);
	free(set->ph);
	free(set->disabled);
	if (set->cctx)
		pcre2_compile_context_free(set->cctx);
	sg_arena_free(&set->arena);
	free(set);
}

int vg_sigma_set_placeholder(struct vg_sigma_set *set, const char *name, const char *const *values, size_t n)
{
	struct sg_placeholder *ph;

	if (set->compiled || !name || !*name || strchr(name, '%') || (n && !values))
		return -EINVAL;
	ph = realloc(set->ph, (set->nph + 1) * sizeof(*ph));
	if (!ph)
		return -ENOMEM;
	set->ph = ph;
	ph = &set->ph[set->nph];
	ph->name = sg_strdup(&set->arena, name);
	ph->values = sg_zalloc(&set->arena, (n + 1) * sizeof(*ph->values));
	ph->n = n;
	if (!ph->name || !ph->values)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!values[i] || !(ph->values[i] = sg_strdup(&set->arena, values[i])))
			return values[i] ? -ENOMEM : -EINVAL;
	set->nph++;
	return 0;
}

int vg_sigma_set_disable(struct vg_sigma_set *set, const char *id_or_name)
{
	char **d;

	if (set->compiled || !id_or_name || !*id_or_name)
		return -EINVAL;
	d = realloc(set->disabled, (set->ndisabled + 1) * sizeof(*d));
	if (!d)
		return -ENOMEM;
	set->disabled = d;
	if (!(d[set->ndisabled] = sg_strdup(&set->arena, id_or_name)))
		return -ENOMEM;
	set->ndisabled++;
	return 0;
}

/* Records a reject (the first SG_MAX_REJECTS are kept, all are counted). */
static int add_reject(struct vg_sigma_set *set, const char *file, unsigned line, unsigned col, const char *id,
		      const char *title, const char *source_name, bool unsupported, const struct vg_error *err)
{
	struct vg_sigma_reject *rj;

	set->reject_total++;
	if (set->nrejects >= SG_MAX_REJECTS)
		return 0;
	if (set->nrejects == set->caprejects) {
		size_t cap = set->caprejects ? set->caprejects * 2 : 16;
		struct vg_sigma_reject *v = realloc(set->rejects, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		set->rejects = v;
		set->caprejects = cap;
	}
	rj = &set->rejects[set->nrejects];
	*rj = (struct vg_sigma_reject){ .line = line, .column = col, .unsupported_source = unsupported };
	rj->file = sg_strdup(&set->arena, file ? file : "");
	rj->id = sg_strdup(&set->arena, id ? id : "");
	rj->title = sg_strdup(&set->arena, title ? title : "");
	rj->source_name = sg_strdup(&set->arena, source_name ? source_name : "");
	if (!rj->file || !rj->id || !rj->title || !rj->source_name)
		return -ENOMEM;
	rj->error = *err;
	set->nrejects++;
	return 0;
}

static int add_rule(struct vg_sigma_set *set, struct vg_sigma_rule *r)
{
	if (set->nrules == set->caprules) {
		size_t cap = set->caprules ? set->caprules * 2 : 64;
		struct vg_sigma_rule **v = realloc(set->rules, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		set->rules = v;
		set->caprules = cap;
	}
	set->rules[set->nrules++] = r;
	return 0;
}

/* A rule already in the set with this id, or name. */
static const struct vg_sigma_rule *find(const struct vg_sigma_set *set, const char *key, bool by_name)
{
	for (size_t i = 0; i < set->nrules; i++) {
		const char *v = by_name ? set->rules[i]->info.name : set->rules[i]->info.id;

		if (*v && strcmp(v, key) == 0)
			return set->rules[i];
	}
	return NULL;
}

const struct vg_sigma_rule *vg_sigma_set_find(const struct vg_sigma_set *set, const char *id_or_name)
{
	const struct vg_sigma_rule *r;

	if (!id_or_name || !*id_or_name)
		return NULL;
	r = find(set, id_or_name, false);
	return r ? r : find(set, id_or_name, true);
}

/*
 * Rule collections (Sigma 1): a document with `action: global` is merged into the documents
 * that follow it, `action: reset` forgets it, `action: repeat` is the previous document with
 * its own keys merged in.  Merging is deep for maps; anything else is replaced.
 */
static struct sg_node *merge(struct sg_arena *a, const struct sg_node *base, const struct sg_node *over)
{
	struct sg_node *m;
	size_t n = 0;

	if (!base || base->kind != SG_MAP || !over || over->kind != SG_MAP)
		return (struct sg_node *)over;
	m = sg_zalloc(a, sizeof(*m));
	if (!m)
		return NULL;
	*m = *over;
	m->items = sg_zalloc(a, (base->n + over->n) * sizeof(*m->items));
	if (!m->items)
		return NULL;
	for (size_t i = 0; i + 1 < base->n; i += 2) {
		const struct sg_node *o = sg_map_get(over, base->items[i]->text);

		m->items[n++] = base->items[i];
		m->items[n++] = o ? merge(a, base->items[i + 1], o) : base->items[i + 1];
		if (!m->items[n - 1])
			return NULL;
	}
	for (size_t i = 0; i + 1 < over->n; i += 2)
		if (strcmp(over->items[i]->text, "action") != 0 && !sg_map_get(base, over->items[i]->text)) {
			m->items[n++] = over->items[i];
			m->items[n++] = over->items[i + 1];
		}
	m->n = n;
	return m;
}

/* A copy of a map without its `action` key. */
static struct sg_node *without_action(struct sg_arena *a, const struct sg_node *map)
{
	struct sg_node *m = sg_zalloc(a, sizeof(*m));

	if (!m)
		return NULL;
	*m = *map;
	m->items = sg_zalloc(a, (map->n + 1) * sizeof(*m->items));
	if (!m->items)
		return NULL;
	m->n = 0;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (strcmp(map->items[i]->text, "action") != 0) {
			m->items[m->n++] = map->items[i];
			m->items[m->n++] = map->items[i + 1];
		}
	return m;
}

static const char *scalar_or(const struct sg_node *map, const char *key)
{
	const struct sg_node *n = sg_map_get(map, key);

	return n && n->kind == SG_SCALAR ? n->text : "";
}

/* Parses one rule document and adds it, or records why not.  Returns 1 when added, 0 when
 * refused, -ENOMEM. */
static int load_document(struct vg_sigma_set *set, const char *name, const struct sg_file *yf, const struct sg_doc *doc,
			 const struct sg_node *root)
{
	struct vg_error err;
	struct sg_parse_ctx pc = { .set = set, .file = name, .yf = yf, .doc = doc, .err = &err };
	struct vg_sigma_rule *r = NULL;
	const struct vg_sigma_rule *dup;
	char lim[24];
	int rc;

	vg_error_clear(&err);
	if (set->nrules >= set->lim.max_rules) {
		snprintf(lim, sizeof(lim), "%u", set->lim.max_rules);
		sg_fail(&pc, root, -E2BIG, N_("the set already holds %s rules"), lim, NULL);
		rc = -E2BIG;
	} else {
		rc = sg_rule_parse(&pc, root, &r);
	}
	if (rc == 0 && *r->info.id && (dup = find(set, r->info.id, false))) {
		char first[VG_ERROR_ARG_SIZE];

		snprintf(first, sizeof(first), "%s:%u", dup->info.file, dup->info.line);
		rc = sg_fail(&pc, sg_map_get(root, "id"), -EEXIST, N_("the id %s is already used by the rule at %s"),
			     r->info.id, first);
	}
	if (rc == 0 && *r->info.name && (dup = find(set, r->info.name, true))) {
		char first[VG_ERROR_ARG_SIZE];

		snprintf(first, sizeof(first), "%s:%u", dup->info.file, dup->info.line);
		rc = sg_fail(&pc, sg_map_get(root, "name"), -EEXIST, N_("the name %s is already used by the rule at %s"),
			     r->info.name, first);
	}
	if (rc == 0) {
		/* Names point into the set's arena: the file name outlives the YAML. */
		r->info.file = sg_strdup(&r->arena, name);
		if (!r->info.file || add_rule(set, r) < 0) {
			sg_rule_free(r);
			return -ENOMEM;
		}
		r->index = (unsigned)set->nrules - 1;
		return 1;
	}
	if (rc != -ENOMEM)
		rc = add_reject(set, name, pc.line, pc.col, scalar_or(root, "id"), scalar_or(root, "title"),
				pc.source_name, pc.unsupported_source, &err);
	sg_rule_free(r);   /* after the reject copied the source's name from it */
	return rc == -ENOMEM ? -ENOMEM : 0;
}

static int load_documents(struct vg_sigma_set *set, const char *name, struct sg_file *yf)
{
	const struct sg_node *global = NULL, *prev = NULL;
	int added = 0;

	for (size_t i = 0; i < yf->ndocs; i++) {
		const struct sg_doc *doc = &yf->docs[i];
		const struct sg_node *root = doc->root;
		const char *action;
		int rc;

		if (!root || sg_scalar_is_null(root))
			continue;
		action = root->kind == SG_MAP ? scalar_or(root, "action") : "";
		if (strcmp(action, "global") == 0) {
			global = without_action(&yf->arena, root);
			if (!global)
				return -ENOMEM;
			continue;
		}
		if (strcmp(action, "reset") == 0) {
			global = NULL;
			continue;
		}
		if (strcmp(action, "repeat") == 0) {
			if (prev)
				root = merge(&yf->arena, prev, without_action(&yf->arena, root));
		} else if (global && root->kind == SG_MAP) {
			root = merge(&yf->arena, global, root);
		}
		if (!root)
			return -ENOMEM;
		prev = root;
		rc = load_document(set, name, yf, doc, root);
		if (rc < 0)
			return rc;
		added += rc;
	}
	return added;
}

int vg_sigma_set_add_memory(struct vg_sigma_set *set, const char *data, size_t len, const char *name,
			    struct vg_error *err)
{
	struct vg_error e;
	struct sg_file *yf = NULL;
	int rc;

	if (!name)
		name = "(memory)";
	vg_error_clear(&e);
	if (set->compiled)
		return vg_error_set(err, -EINVAL, N_("the rule set is compiled: no rule can be added"));
	rc = sg_yaml_parse(data, len, name, &set->lim, &yf, &e);
	if (rc == -ENOMEM)
		goto out;
	if (rc < 0) {
		/* The whole input is refused: a YAML error may hide the end of any document. */
		if (add_reject(set, name, yf ? yf->err_line : 0, yf ? yf->err_col : 0, NULL, NULL, NULL, false, &e) < 0)
			rc = -ENOMEM;
		goto out;
	}
	rc = load_documents(set, name, yf);
	if (rc == -ENOMEM)
		vg_error_set(&e, -ENOMEM, N_("out of memory"));
out:
	sg_yaml_free(yf);
	if (rc < 0 && err)
		*err = e;
	return rc;
}

static int reject_input(struct vg_sigma_set *set, const char *path, int code, struct vg_error *e, struct vg_error *err)
{
	if (add_reject(set, path, 0, 0, NULL, NULL, NULL, false, e) < 0)
		code = vg_error_set(e, -ENOMEM, N_("out of memory"));
	if (err)
		*err = *e;
	return code;
}

int vg_sigma_set_add_file(struct vg_sigma_set *set, const char *path, struct vg_error *err)
{
	struct vg_error e;
	char *data = NULL;
	size_t len = 0;
	int rc;

	vg_error_clear(&e);
	if (set->compiled)
		return vg_error_set(err, -EINVAL, N_("the rule set is compiled: no rule can be added"));
	rc = vg_file_read_all(path, set->lim.max_file_size, &data, &len, &e);
	if (rc < 0) {
		if (!e.code)
			vg_error_set(&e, rc, N_("cannot read %s: %s"), path, strerror(-rc));
		return reject_input(set, path, rc, &e, err);
	}
	set->files_read++;
	rc = vg_sigma_set_add_memory(set, data, len, path, err);
	free(data);
	return rc;
}

static bool rule_file(const char *name)
{
	size_t l = strlen(name);

	return name[0] != '.' && ((l > 4 && strcmp(name + l - 4, ".yml") == 0) || (l > 5 && strcmp(name + l - 5, ".yaml") == 0));
}

static int walk(struct vg_sigma_set *set, const char *dir, unsigned depth, struct vg_error *err)
{
	struct dirent **list = NULL;
	struct vg_error e;
	int n, added = 0, rc = 0;
	char lim[24];

	vg_error_clear(&e);
	if (depth > SG_MAX_DIR_DEPTH) {
		snprintf(lim, sizeof(lim), "%u", SG_MAX_DIR_DEPTH);
		vg_error_set(&e, -ELOOP, N_("%s is nested deeper than %s directories"), dir, lim);
		return reject_input(set, dir, -ELOOP, &e, err);
	}
	n = scandir(dir, &list, NULL, alphasort);
	if (n < 0) {
		rc = -errno;
		vg_error_set(&e, rc, N_("cannot read %s: %s"), dir, strerror(-rc));
		return reject_input(set, dir, rc, &e, err);
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		if (rc == -ENOMEM || list[i]->d_name[0] == '.') {
			free(list[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		free(list[i]);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int r = walk(set, path, depth + 1, err);

			if (r == -ENOMEM)
				rc = r;
			else if (r > 0)
				added += r;
			continue;
		}
		if (!S_ISREG(st.st_mode) || !rule_file(path))
			continue;
		if (set->files_read >= set->lim.max_files) {
			snprintf(lim, sizeof(lim), "%u", set->lim.max_files);
			vg_error_set(&e, -E2BIG, N_("more than %s rule files: %s and the next ones are not read"), lim, path);
			rc = reject_input(set, path, -E2BIG, &e, err);
			for (int k = i + 1; k < n; k++)
				free(list[k]);
			break;
		}
		int r = vg_sigma_set_add_file(set, path, err);

		if (r == -ENOMEM)
			rc = r;
		else if (r > 0)
			added += r;
	}
	free(list);
	return rc == -ENOMEM || rc == -E2BIG ? rc : added;
}

int vg_sigma_set_add_dir(struct vg_sigma_set *set, const char *dir, struct vg_error *err)
{
	struct stat st;
	struct vg_error e;

	if (set->compiled)
		return vg_error_set(err, -EINVAL, N_("the rule set is compiled: no rule can be added"));
	vg_error_clear(&e);
	if (stat(dir, &st) < 0) {
		int code = -errno;

		vg_error_set(&e, code, N_("cannot read %s: %s"), dir, strerror(-code));
		return reject_input(set, dir, code, &e, err);
	}
	if (!S_ISDIR(st.st_mode)) {
		vg_error_set(&e, -ENOTDIR, N_("%s is not a directory"), dir);
		return reject_input(set, dir, -ENOTDIR, &e, err);
	}
	return walk(set, dir, 0, err);
}

/*
 * Compiling.
 */

/* Refuses a rule already in the set (a correlation whose references failed): moved to the
 * rejects. */
static int refuse_loaded(struct vg_sigma_set *set, struct vg_sigma_rule *r, const char *msgid, const char *a1,
			 const char *a2)
{
	struct vg_error e;
	char where[VG_ERROR_ARG_SIZE];

	sg_error(&e, -EINVAL, msgid, a1, a2);
	snprintf(where, sizeof(where), "%s:%u:1: ", r->info.file, r->info.line);
	vg_error_prefix(&e, where);
	return add_reject(set, r->info.file, r->info.line, 1, r->info.id, r->info.title, "", false, &e);
}

static struct vg_sigma_rule *lookup_ref(struct vg_sigma_set *set, const char *ref)
{
	const struct vg_sigma_rule *r = find(set, ref, false);

	return (struct vg_sigma_rule *)(r ? r : find(set, ref, true));
}

/* The field a correlation reads for a group-by (or its value field) of an event that came
 * through rule ref: the alias for that rule if there is one, else the name itself. */
static const char *alias_field(const struct sg_corr *c, const struct vg_sigma_rule *ref, const char *name)
{
	for (size_t a = 0; a < c->naliases; a++) {
		if (strcmp(c->aliases[a].alias, name) != 0)
			continue;
		for (size_t k = 0; k < c->aliases[a].n; k++)
			if ((*ref->info.name && strcmp(c->aliases[a].rule_names[k], ref->info.name) == 0) ||
			    (*ref->info.id && strcmp(c->aliases[a].rule_names[k], ref->info.id) == 0))
				return c->aliases[a].fields[k];
	}
	return name;
}

/* Resolves one correlation's references; returns 1 when it must be refused (reason given). */
static int resolve_refs(struct vg_sigma_set *set, struct vg_sigma_rule *r, const char **why, const char **arg)
{
	struct sg_corr *c = r->corr;

	c->ref_rules = sg_zalloc(&r->arena, c->nrefs * sizeof(*c->ref_rules));
	if (!c->ref_rules)
		return -ENOMEM;
	for (size_t i = 0; i < c->nrefs; i++) {
		struct vg_sigma_rule *ref = lookup_ref(set, c->refs[i]);

		if (!ref) {
			*why = N_("the correlation names '%s', which is not a loaded rule");
			*arg = c->refs[i];
			return 1;
		}
		if (ref == r) {
			*why = N_("the correlation names itself ('%s')");
			*arg = c->refs[i];
			return 1;
		}
		c->ref_rules[i] = ref;
	}
	return 0;
}

/* The sources of a rule: its own for a detection, those its references reach for a
 * correlation (0 while unknown, or on a cycle). */
static unsigned rule_sources(struct vg_sigma_rule *r, unsigned depth)
{
	unsigned s = 0;

	if (!r->corr)
		return r->source;
	if (depth > SG_MAX_CORR_REFS)
		return 0;
	for (size_t i = 0; i < r->corr->nrefs; i++)
		if (r->corr->ref_rules && r->corr->ref_rules[i])
			s |= rule_sources(r->corr->ref_rules[i], depth + 1);
	return s;
}

static bool reaches(const struct vg_sigma_rule *from, const struct vg_sigma_rule *target, unsigned depth)
{
	if (!from->corr || depth > SG_MAX_CORR_REFS)
		return depth > SG_MAX_CORR_REFS;
	for (size_t i = 0; i < from->corr->nrefs; i++) {
		const struct vg_sigma_rule *ref = from->corr->ref_rules ? from->corr->ref_rules[i] : NULL;

		if (ref == target || (ref && reaches(ref, target, depth + 1)))
			return true;
	}
	return false;
}

/* Resolves the fields of group-by and value field for each reference and source. */
static int resolve_fields(struct vg_sigma_set *set, struct vg_sigma_rule *r, const char **why, const char **a1,
			  const char **a2)
{
	struct sg_corr *c = r->corr;
	size_t per = c->ngroup + 1;

	c->fields = sg_alloc(&r->arena, c->nrefs * VG_SIGMA_SRC_COUNT * per * sizeof(*c->fields));
	if (!c->fields)
		return -ENOMEM;
	for (size_t i = 0; i < c->nrefs; i++) {
		unsigned srcs = rule_sources(c->ref_rules[i], 0);

		for (unsigned s = 0; s < VG_SIGMA_SRC_COUNT; s++)
			for (size_t g = 0; g < per; g++) {
				const char *name = g < c->ngroup ? c->group_by[g] : c->value_field;
				int *slot = &c->fields[(i * VG_SIGMA_SRC_COUNT + s) * per + g];

				*slot = -1;
				if (!name || !(srcs & (1u << s)))
					continue;
				name = alias_field(c, c->ref_rules[i], name);
				*slot = sg_field_resolve(set, 1u << s, name);
				if (*slot == -ENOMEM)
					return -ENOMEM;
				if (*slot < 0) {
					*why = N_("the field '%s' has no mapping for %s");
					*a1 = name;
					*a2 = vg_sigma_source_name(1u << s);
					return 1;
				}
			}
	}
	return 0;
}

static bool is_disabled(const struct vg_sigma_set *set, const struct vg_sigma_rule *r)
{
	for (size_t i = 0; i < set->ndisabled; i++)
		if ((*r->info.id && strcmp(set->disabled[i], r->info.id) == 0) ||
		    (*r->info.name && strcmp(set->disabled[i], r->info.name) == 0))
			return true;
	return false;
}

static int add_user(struct vg_sigma_rule *ref, struct vg_sigma_rule *corr, unsigned k)
{
	struct sg_user *u = realloc(ref->users, (ref->nusers + 1) * sizeof(*u));

	if (!u)
		return -ENOMEM;
	ref->users = u;
	u[ref->nusers++] = (struct sg_user){ corr, k };
	return 0;
}

/* Removes the correlations that cannot work, until none is left to remove (a correlation
 * over a refused one is refused too). */
static int check_correlations(struct vg_sigma_set *set)
{
	bool changed = true;

	while (changed) {
		struct vg_sigma_rule *bad = NULL;
		const char *why = NULL, *a1 = NULL, *a2 = NULL;
		int rc = 0;

		changed = false;
		/* References first (the sources of a chain need them all), then cycles and fields. */
		for (size_t i = 0; i < set->nrules && !bad; i++) {
			struct vg_sigma_rule *r = set->rules[i];

			if (r->corr && (rc = resolve_refs(set, r, &why, &a1)) != 0)
				bad = r;
		}
		for (size_t i = 0; i < set->nrules && !bad && rc == 0; i++) {
			struct vg_sigma_rule *r = set->rules[i];

			if (!r->corr)
				continue;
			if (reaches(r, r, 0)) {
				rc = 1;
				why = N_("the correlation is part of a cycle of references");
			} else {
				rc = resolve_fields(set, r, &why, &a1, &a2);
			}
			if (rc != 0)
				bad = r;
		}
		if (rc < 0)
			return rc;
		if (!bad)
			break;
		if (refuse_loaded(set, bad, why, a1, a2) < 0)
			return -ENOMEM;
		for (size_t i = 0; i < set->nrules; i++)
			if (set->rules[i] == bad) {
				memmove(&set->rules[i], &set->rules[i + 1], (set->nrules - i - 1) * sizeof(*set->rules));
				break;
			}
		set->nrules--;
		sg_rule_free(bad);
		changed = true;
	}
	for (size_t i = 0; i < set->nrules; i++)
		set->rules[i]->index = (unsigned)i;
	return 0;
}

static bool add_need(struct sg_arena *a, const char ***v, size_t *n, const char *s, bool upper)
{
	char *c;

	for (size_t i = 0; i < *n; i++)
		if (strcasecmp((*v)[i], s) == 0)
			return true;
	const char **nv = sg_alloc(a, (*n + 1) * sizeof(*nv));

	if (!nv || !(c = sg_strdup(a, s)))
		return false;
	if (*n)
		memcpy(nv, *v, *n * sizeof(*nv));
	for (char *p = c; upper && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	nv[(*n)++] = c;
	*v = nv;
	return true;
}

/* What the auditd rules read: the exact values of type, SYSCALL/syscall and key.  A record
 * that none of these lists names is neither built nor handed to the rules, so the lists must
 * name every record a loaded rule can match:
 * - a rule not restricted to some types by its condition (sg_prefilter_restricts_type) wants
 *   the types of the records that hold the fields it reads (sg_rule_audit_types: a4 is in
 *   EXECVE records only), or every type (any_type) when its fields do not tell;
 * - otherwise a matching record matches an alternative that holds a positive type item.  When
 *   that alternative also requires the record's key to be one of exact values, the record is
 *   named by its key already, and the type is left out: a rule such as type SYSCALL and key
 *   vigil-read then wants the SYSCALL records of that key only, not every SYSCALL record of
 *   every exec;
 * - the syscalls stay listed, since they also choose the kernel's audit rules. */
static int audit_needs(struct vg_sigma_set *set)
{
	struct vg_sigma_audit_needs *nd = &set->needs;
	const char **types = NULL, **sys = NULL, **keys = NULL;

	for (size_t i = 0; i < set->nrules; i++) {
		const struct vg_sigma_rule *r = set->rules[i];

		if (r->corr || r->source != VG_SIGMA_SRC_AUDITD || !r->evaluated)
			continue;
		if (!sg_prefilter_restricts_type(set, r)) {
			struct sg_typeset ts = sg_rule_audit_types(set, r);

			nd->any_type = nd->any_type || ts.all;
			for (size_t t = 0; t < ts.n && !ts.all; t++)
				if (!add_need(&set->arena, &types, &nd->ntypes, ts.v[t], true))
					return -ENOMEM;
		}
		for (size_t s = 0; s < r->nsels; s++)
			for (size_t a = 0; a < r->sels[s].n; a++)
				for (size_t k = 0; k < r->sels[s].alts[a].n; k++) {
					const struct sg_item *it = &r->sels[s].alts[a].items[k];
					const char *f;

					if (it->field < 0 || it->neg)
						continue;
					if (sg_item_is_field(set, it, "type") && sg_conj_requires_key(set, &r->sels[s].alts[a]))
						continue;
					f = set->fields[it->field].sigma;
					for (size_t g = 0; g < it->ngroups; g++)
						for (size_t t = 0; t < it->groups[g].n; t++) {
							const struct sg_test *te = &it->groups[g].alts[t];
							bool ok = true;

							if (te->kind != SG_T_EXACT || !te->orig)
								continue;
							if (strcmp(f, "type") == 0)
								ok = add_need(&set->arena, &types, &nd->ntypes, te->orig, true);
							else if (strcmp(f, "SYSCALL") == 0 || strcmp(f, "syscall") == 0)
								ok = add_need(&set->arena, &sys, &nd->nsyscalls, te->orig, false);
							else if (strcmp(f, "key") == 0)
								ok = add_need(&set->arena, &keys, &nd->nkeys, te->orig, false);
							if (!ok)
								return -ENOMEM;
						}
				}
	}
	nd->types = types;
	nd->syscalls = sys;
	nd->keys = keys;
	return 0;
}

int vg_sigma_set_compile(struct vg_sigma_set *set, struct vg_error *err)
{
	int rc;

	if (set->compiled)
		return 0;
	if ((rc = check_correlations(set)) < 0)
		goto nomem;
	for (size_t i = 0; i < set->nrules; i++) {
		struct vg_sigma_rule *r = set->rules[i];

		r->disabled = is_disabled(set, r);
		r->info.sources = rule_sources(r, 0);
		r->levelname = vg_sigma_level_name(r->info.level);
		if (r->corr) {
			r->corr->slot = set->ncorr++;
			for (size_t k = 0; k < r->corr->nrefs; k++)
				if (add_user(r->corr->ref_rules[k], r, (unsigned)k) < 0)
					goto nomem;
		}
	}
	/* A rule is reported unless disabled or only counted by correlations without generate;
	 * it is evaluated when reported or counted by an evaluated correlation. */
	for (size_t i = 0; i < set->nrules; i++) {
		struct vg_sigma_rule *r = set->rules[i];
		bool counted_only = r->nusers > 0;

		for (size_t u = 0; u < r->nusers; u++)
			if (r->users[u].corr->corr->generate)
				counted_only = false;
		r->info.reported = !r->disabled && !counted_only;
	}
	for (size_t pass = 0; pass <= SG_MAX_CORR_REFS; pass++)
		for (size_t i = set->nrules; i-- > 0;) {
			struct vg_sigma_rule *r = set->rules[i];

			r->evaluated = r->info.reported;
			for (size_t u = 0; u < r->nusers; u++)
				r->evaluated = r->evaluated || r->users[u].corr->evaluated;
		}
	for (size_t i = 0; i < set->nrules; i++)
		if (set->rules[i]->evaluated && !set->rules[i]->corr)
			set->sources |= set->rules[i]->source;
	if ((rc = sg_prefilter_build(set)) < 0 || (rc = audit_needs(set)) < 0)
		goto nomem;
	set->compiled = true;
	return 0;
nomem:
	return vg_error_set(err, -ENOMEM, N_("out of memory"));
}

size_t vg_sigma_set_rule_count(const struct vg_sigma_set *set)
{
	return set->nrules;
}

const struct vg_sigma_rule *vg_sigma_set_rule(const struct vg_sigma_set *set, size_t i)
{
	return i < set->nrules ? set->rules[i] : NULL;
}

size_t vg_sigma_set_reject_count(const struct vg_sigma_set *set)
{
	return set->nrejects;
}

size_t vg_sigma_set_reject_total(const struct vg_sigma_set *set)
{
	return set->reject_total;
}

const struct vg_sigma_reject *vg_sigma_set_reject(const struct vg_sigma_set *set, size_t i)
{
	return i < set->nrejects ? &set->rejects[i] : NULL;
}

unsigned vg_sigma_set_sources(const struct vg_sigma_set *set)
{
	return set->sources;
}

void vg_sigma_set_audit_needs(const struct vg_sigma_set *set, struct vg_sigma_audit_needs *needs)
{
	*needs = set->needs;
}

const struct vg_sigma_rule_info *vg_sigma_rule_info(const struct vg_sigma_rule *rule)
{
	return &rule->info;
}

const char *vg_sigma_level_name(enum vg_sigma_level level)
{
	static const char *const names[] = { "", "informational", "low", "medium", "high", "critical" };

	return (unsigned)level < sizeof(names) / sizeof(names[0]) ? names[level] : "";
}

const char *vg_sigma_status_name(enum vg_sigma_status status)
{
	static const char *const names[] = { "", "stable", "test", "experimental", "deprecated" };

	return (unsigned)status < sizeof(names) / sizeof(names[0]) ? names[status] : "";
}

const char *vg_sigma_rule_type_name(enum vg_sigma_rule_type type)
{
	static const char *const names[] = { "detection", "event_count", "value_count", "temporal",
					     "temporal_ordered" };

	return (unsigned)type < sizeof(names) / sizeof(names[0]) ? names[type] : "";
}
