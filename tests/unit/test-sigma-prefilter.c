/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The prefilters never hide a match: every rule of the shared corpus is loaded twice, with
 * the indexes and with every rule evaluated, and events made from the rules' own values (so
 * that many rules fire) must give the same matches in both.  And they do their job: most
 * rules are not evaluated for most events.  Without the corpus the test fails under CI=true
 * and otherwise says plainly that it did not run.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "sigma/sigma-int.h"

static int n;
static int failures;

static void ok(bool cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, what);
	failures += !cond;
}

/* Sets the string at a dotted path, making the objects on the way. */
static void set_path(json_t *root, const char *path, json_t *value)
{
	char buf[256], *save = NULL, *seg, *next;
	json_t *o = root;

	snprintf(buf, sizeof(buf), "%s", path);
	for (seg = strtok_r(buf, ".", &save); seg; seg = next) {
		next = strtok_r(NULL, ".", &save);
		if (!next) {
			json_t *old = json_object_get(o, seg);

			/* Several values of one field: an array. */
			if (old && json_is_array(old)) {
				json_array_append_new(old, value);
			} else if (old) {
				json_t *arr = json_array();

				json_array_append(arr, old);
				json_array_append_new(arr, value);
				json_object_set_new(o, seg, arr);
			} else {
				json_object_set_new(o, seg, value);
			}
			return;
		}
		json_t *child = json_object_get(o, seg);

		if (!json_is_object(child)) {
			child = json_object();
			json_object_set_new(o, seg, child);
		}
		o = child;
	}
	json_decref(value);
}

/* A value that the test accepts, or NULL when none can be made here. */
static json_t *sample(const struct sg_field *f, const struct sg_test *t)
{
	char buf[8192], ip[64];
	size_t k = 0;

	switch (t->kind) {
	case SG_T_EXACT:
		if (f->convert == VG_SIGMA_CONVERT_INITIATED)
			return json_integer(strcmp(t->lit, "true") == 0 ? 2 : 1);
		snprintf(buf, sizeof(buf), "%s", t->lit);
		break;
	case SG_T_PREFIX:
		snprintf(buf, sizeof(buf), "%szz", t->lit);
		break;
	case SG_T_SUFFIX:
		snprintf(buf, sizeof(buf), "zz%s", t->lit);
		break;
	case SG_T_CONTAINS:
		snprintf(buf, sizeof(buf), "zz%szz", t->lit);
		break;
	case SG_T_ANY:
		snprintf(buf, sizeof(buf), "zz");
		break;
	case SG_T_GLOB:
		for (size_t i = 0; i < t->len && k + 2 < sizeof(buf); i++)
			buf[k++] = t->wild[i] == SG_W_STAR ? 'z' : t->wild[i] == SG_W_ONE ? 'q' : t->lit[i];
		buf[k] = '\0';
		break;
	case SG_T_CIDR:
		inet_ntop(t->family == 4 ? AF_INET : AF_INET6, t->addr, ip, sizeof(ip));
		snprintf(buf, sizeof(buf), "%s", ip);
		break;
	case SG_T_NUM:
		return json_integer((json_int_t)t->num + (t->cmp == SG_CMP_GT ? 1 : t->cmp == SG_CMP_LT ? -1 : 0));
	default:
		return NULL;
	}
	if (f->convert != VG_SIGMA_CONVERT_NONE)
		return NULL;
	return json_string(buf);
}

/* An event made to satisfy one map of a selection of rule r. */
static json_t *event_for(const struct vg_sigma_set *set, const struct vg_sigma_rule *r, const struct sg_conj *cj)
{
	json_t *ev = json_object(), *target = ev;
	static const int classes[][2] = { { 1007, 1 }, { 4001, 1 }, { 1001, 1 }, { 1001, 3 }, { 1001, 5 }, { 1001, 4 } };
	unsigned s = sg_source_index(r->source);

	if (r->source == VG_SIGMA_SRC_AUDITD) {
		json_t *rec = json_object();

		json_object_set_new(ev, "class_uid", json_integer(1007));
		json_object_set_new(ev, "activity_id", json_integer(2));
		set_path(ev, "unmapped.audit", json_pack("[o]", rec));
		target = rec;
	} else {
		json_object_set_new(ev, "class_uid", json_integer(classes[s][0]));
		json_object_set_new(ev, "activity_id", json_integer(classes[s][1]));
	}
	for (size_t i = 0; i < cj->n; i++) {
		const struct sg_item *it = &cj->items[i];

		if (it->field < 0 || it->neg || it->null_ok)
			continue;
		const struct sg_field *f = &set->fields[it->field];

		for (size_t g = 0; g < it->ngroups && g < (it->all ? it->ngroups : 1); g++) {
			const struct sg_test *t = &it->groups[g].alts[0];
			json_t *v;

			if (t->kind == SG_T_EXISTS) {
				if (t->exists)
					set_path(target, f->paths[0], json_string("x"));
				continue;
			}
			if ((v = sample(f, t)))
				set_path(target, f->paths[0], v);
		}
	}
	return ev;
}

/* The matches of an event as a list of rule indexes and records. */
static size_t matches(struct vg_sigma_matcher *m, json_t *ev, int out[][2], size_t max)
{
	int k = vg_sigma_matcher_eval_ocsf(m, ev, 1, 0);
	size_t c = 0;

	for (int i = 0; i < k && c < max; i++, c++) {
		const struct vg_sigma_match *mt = vg_sigma_matcher_match(m, (size_t)i);

		out[c][0] = (int)mt->rule->index;
		out[c][1] = mt->record;
	}
	return c;
}

int main(void)
{
	const char *shared = getenv("VIGIL_SHARED_DIR");
	char dir[4096], what[256];
	struct stat st;
	struct vg_sigma_set *fast, *slow;
	struct vg_sigma_matcher *mf, *ms;
	struct vg_sigma_stats sf, ss;
	struct vg_error err;
	size_t events = 0, differ = 0, hit_rules = 0, with_match = 0;
	bool *hit;

	snprintf(dir, sizeof(dir), "%s/sigma-corpus", shared ? shared : "../shared");
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		/* A test that cannot run fails: a skip would pass unseen. */
		printf("1..1\nnot ok 1 - the Sigma corpus is missing at %s (set VIGIL_SHARED_DIR)\n", dir);
		return 1;
	}
	if (vg_sigma_set_new(NULL, &fast) < 0 || vg_sigma_set_new(NULL, &slow) < 0)
		return 1;
	slow->no_prefilter = true;
	vg_sigma_set_add_dir(fast, dir, &err);
	vg_sigma_set_add_dir(slow, dir, &err);
	if (vg_sigma_set_compile(fast, &err) < 0 || vg_sigma_set_compile(slow, &err) < 0 ||
	    vg_sigma_matcher_new(fast, &mf) < 0 || vg_sigma_matcher_new(slow, &ms) < 0)
		return 1;
	hit = calloc(fast->nrules + 1, sizeof(*hit));
	printf("1..4\n");
	for (size_t i = 0; i < fast->nrules; i++) {
		const struct vg_sigma_rule *r = fast->rules[i];

		for (size_t s = 0; s < r->nsels; s++)
			for (size_t a = 0; a < r->sels[s].n; a++) {
				json_t *ev = event_for(fast, r, &r->sels[s].alts[a]);
				int a1[512][2], a2[512][2];
				size_t n1 = matches(mf, ev, a1, 512), n2 = matches(ms, ev, a2, 512);

				events++;
				if (n1 != n2 || memcmp(a1, a2, n1 * sizeof(a1[0])) != 0) {
					char *text = json_dumps(ev, JSON_COMPACT);

					printf("# differ (%zu with prefilters, %zu without): %s\n", n1, n2, text);
					free(text);
					differ++;
				}
				with_match += n1 > 0;
				for (size_t k = 0; k < n1; k++)
					hit[a1[k][0]] = true;
				json_decref(ev);
			}
	}
	for (size_t i = 0; i < fast->nrules; i++)
		hit_rules += hit[i];
	vg_sigma_matcher_stats(mf, &sf);
	vg_sigma_matcher_stats(ms, &ss);
	printf("# %zu events made from the rules, %zu match; %zu of %zu rules fire at least once\n", events, with_match,
	       hit_rules, fast->nrules);
	printf("# rules evaluated per event: %.1f with the prefilters, %.1f without\n",
	       (double)sf.candidates / (double)sf.events, (double)ss.candidates / (double)ss.events);
	snprintf(what, sizeof(what), "the prefilters change no match (%zu events)", events);
	ok(differ == 0 && events > 300, what);
	ok(hit_rules * 10 >= fast->nrules * 6, "the events make most rules fire (the comparison means something)");
	ok(sf.matches == ss.matches, "as many matches with the prefilters as without");
	ok(sf.candidates * 4 <= ss.candidates, "the prefilters leave at most a quarter of the evaluations");
	vg_sigma_matcher_free(mf);
	vg_sigma_matcher_free(ms);
	vg_sigma_set_free(fast);
	vg_sigma_set_free(slow);
	free(hit);
	return failures ? 1 : 0;
}
