/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Loads every document of the shared OpenIOC corpus ($VIGIL_SHARED_DIR/openioc-corpus, 204 real
 * files under other projects' licences, never copied here) and checks the counts of the notes:
 * 65 x 1.0, 139 x 1.1, 3737 items, 1076 empty Contents reported as defects.  Without the corpus
 * the test fails under CI=true and otherwise says plainly that it did not run.  Each document
 * also goes through its plain tree and back (what the agent gets from its parser sandbox) and
 * must come back the same: the same tree, summary, defects and warnings.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vigil/error.h"
#include "vigil/ioc.h"
#include "ioc-tree.h"

struct counts {
	int docs, v10, v11, failed, rebuilt;
	size_t items, empty, defects, indicators;
};

static bool is_doc(const char *name)
{
	size_t l = strlen(name);
	return (l > 4 && strcmp(name + l - 4, ".ioc") == 0) || (l > 4 && strcmp(name + l - 4, ".xml") == 0);
}

/* Whether the document rebuilt from ioc's tree is the same document. */
static bool same_through_tree(const struct vg_ioc *ioc, const char *path)
{
	struct vg_ioc_info a, b;
	bool same;
	struct vg_ioc *back = ioc_through_tree(ioc, path, NULL, &same);

	if (!back)
		return false;
	vg_ioc_get_info(ioc, &a);
	vg_ioc_get_info(back, &b);
	same = same && a.version == b.version && strcmp(a.id, b.id) == 0 && strcmp(a.description, b.description) == 0 &&
	       a.indicators == b.indicators && a.items == b.items && a.empty_content == b.empty_content &&
	       a.unsupported == b.unsupported && a.defects == b.defects &&
	       vg_ioc_defect_count(ioc) == vg_ioc_defect_count(back) &&
	       vg_ioc_warning_count(ioc) == vg_ioc_warning_count(back);
	for (size_t i = 0; same && i < vg_ioc_defect_count(ioc); i++)
		same = strcmp(vg_ioc_defect(ioc, i)->message, vg_ioc_defect(back, i)->message) == 0;
	for (size_t i = 0; same && i < vg_ioc_warning_count(ioc); i++)
		same = strcmp(vg_ioc_warning(ioc, i)->message, vg_ioc_warning(back, i)->message) == 0;
	for (unsigned d = 0; same && d < VG_IOC_DOC_COUNT; d++)
		same = vg_ioc_needs_doc(ioc, d) == vg_ioc_needs_doc(back, d);
	for (unsigned f = 0; same && f < 256; f++)
		same = vg_ioc_needs_field(ioc, f) == vg_ioc_needs_field(back, f);
	if (!same)
		printf("# %s: not the same document through its tree\n", path);
	vg_ioc_free(back);
	return same;
}

static void walk(const char *dir, struct counts *c, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d || depth > 16) {
		if (d)
			closedir(d);
		return;
	}
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(path, c, depth + 1);
			continue;
		}
		if (!S_ISREG(st.st_mode) || !is_doc(e->d_name))
			continue;
		struct vg_ioc *ioc;
		struct vg_error err;
		vg_error_clear(&err);
		c->docs++;
		if (vg_ioc_load_file(path, NULL, &ioc, &err) < 0) {
			printf("# FAILED %s\n", err.message);
			c->failed++;
			continue;
		}
		struct vg_ioc_info info;
		vg_ioc_get_info(ioc, &info);
		c->v10 += info.version == 10;
		c->v11 += info.version == 11;
		c->items += info.items;
		c->empty += info.empty_content;
		c->defects += info.defects;
		c->indicators += info.indicators;
		c->rebuilt += same_through_tree(ioc, path);
		/* Evaluating with no objects collected must give unknown, never a crash or a match. */
		struct vg_ioc_eval *ev;
		if (vg_ioc_eval_new(ioc, &ev) == 0) {
			if (vg_ioc_eval_finish(ev, 0) == VG_IOC_TRUE) {
				printf("# MATCHED with nothing collected: %s\n", path);
				c->failed++;
			}
			vg_ioc_eval_free(ev);
		}
		vg_ioc_free(ioc);
	}
	closedir(d);
}

static int n;
static int failures;

static void ok(bool cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, what);
	failures += !cond;
}

int main(void)
{
	const char *shared = getenv("VIGIL_SHARED_DIR");
	char dir[4096];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/openioc-corpus", shared ? shared : "../shared");
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		/* A test that cannot run fails: a skip would pass unseen. */
		printf("1..1\nnot ok 1 - the OpenIOC corpus is missing at %s (set VIGIL_SHARED_DIR)\n", dir);
		return 1;
	}
	struct counts c = { 0 };
	walk(dir, &c, 0);
	printf("1..7\n# %d documents, %zu indicators, %zu items, %zu empty Contents, %zu defects\n", c.docs,
	       c.indicators, c.items, c.empty, c.defects);
	ok(c.failed == 0 && c.docs == 204, "all 204 documents load");
	ok(c.v10 == 65, "65 documents are OpenIOC 1.0");
	ok(c.v11 == 139, "139 documents are OpenIOC 1.1");
	ok(c.items == 3737, "3737 indicator items");
	ok(c.empty == 1076, "1076 empty Contents reported as defects");
	ok(c.defects >= c.empty, "every empty Content counted among the defects");
	ok(c.rebuilt == 204, "all 204 documents come back the same through their tree");
	return failures ? 1 : 0;
}
