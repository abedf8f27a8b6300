/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Forged trees: what the parser sandbox answers about a document is read by the agent as hostile
 * (vg_ioc_load_tree).  Each forgery of a good document's tree — a member too many, a term not
 * in the table, a value over a limit, nesting too deep, an item said valid that is not — is
 * refused with -EPROTO and a message naming the document and what was wrong. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ioc-fake.h"
#include "ioc-tree.h"

static const char good_items[] =
	"<IndicatorItem id=\"a\" condition=\"is\"><Context document=\"FileItem\" search=\"FileItem/FileName\"/>"
	"<Content type=\"string\">evil.exe</Content></IndicatorItem>"
	"<IndicatorItem id=\"b\" condition=\"matches\"><Context document=\"ProcessItem\" search=\"ProcessItem/name\"/>"
	"<Content type=\"string\">^ev[a-z]l$</Content></IndicatorItem>";

/* The tree of a good document (its top Indicator is criteria/0, its items children 0 and 1). */
static json_t *good_tree(void)
{
	char *xml = doc11("OR", good_items);
	struct vg_ioc *ioc = NULL;
	struct vg_error err;
	json_t *tree;

	vg_error_clear(&err);
	assert_int_equal(vg_ioc_load_memory(xml, strlen(xml), "good.ioc", NULL, &ioc, &err), 0);
	tree = vg_ioc_tree(ioc);
	assert_non_null(tree);
	vg_ioc_free(ioc);
	free(xml);
	return tree;
}

static json_t *item(json_t *tree, size_t i)
{
	return json_array_get(json_object_get(json_array_get(json_object_get(tree, "criteria"), 0), "children"), i);
}

/* Loads tree (consumed) and expects a refusal whose message contains what. */
static void refused(json_t *tree, const char *what)
{
	struct vg_ioc *ioc = NULL;
	struct vg_error err;
	int r;

	vg_error_clear(&err);
	r = vg_ioc_load_tree(tree, "forged.ioc", NULL, NULL, &ioc, &err);
	print_message("# %s\n", err.message);
	json_decref(tree);
	assert_int_equal(r, -EPROTO);
	assert_null(ioc);
	assert_non_null(strstr(err.message, "forged.ioc: the parser sandbox's tree is refused: "));
	assert_non_null(strstr(err.message, what));
}

static void test_good(void **state)
{
	json_t *tree = good_tree();
	struct vg_ioc *ioc = NULL;
	struct vg_ioc_info info;
	struct vg_error err;

	(void)state;
	vg_error_clear(&err);
	assert_int_equal(vg_ioc_load_tree(tree, "good.ioc", NULL, NULL, &ioc, &err), 0);
	vg_ioc_get_info(ioc, &info);
	assert_string_equal(info.id, "test-ioc");
	assert_int_equal(info.items, 2);
	assert_true(vg_ioc_needs_doc(ioc, VG_IOC_DOC_PROCESS));
	vg_ioc_free(ioc);
	json_decref(tree);
}

static void test_members(void **state)
{
	json_t *t;

	(void)state;
	t = good_tree();
	json_object_set_new(t, "extra", json_true());
	refused(t, "has an unexpected member 'extra'");
	t = good_tree();
	json_object_set_new(item(t, 0), "re", json_string("compiled"));
	refused(t, "/criteria/0/children/0 has an unexpected member 're'");
	t = good_tree();
	json_object_del(item(t, 1), "valid");
	refused(t, "/criteria/0/children/1/valid is missing or of the wrong type");
	t = good_tree();
	json_object_set_new(item(t, 0), "negate", json_string("true"));
	refused(t, "/criteria/0/children/0/negate is missing or of the wrong type");
	t = good_tree();
	json_object_set_new(t, "format", json_integer(2));
	refused(t, "/format is missing or of the wrong type");
	t = good_tree();
	json_object_set_new(t, "version", json_integer(12));
	refused(t, "/version is missing or of the wrong type");
	t = good_tree();
	json_object_set_new(item(t, 0), "condition", json_string("like"));
	refused(t, "/criteria/0/children/0/condition has the value 'like'");
	t = good_tree();
	json_object_set_new(item(t, 0), "type", json_string("pointer"));
	refused(t, "/criteria/0/children/0/type has the value 'pointer'");
	t = good_tree();
	json_object_set_new(json_array_get(json_object_get(t, "criteria"), 0), "node", json_string("XOR"));
	refused(t, "/criteria/0/node has the value 'XOR'");
	/* An item directly in the criteria: the XML loader never makes one. */
	t = good_tree();
	json_array_append(json_object_get(t, "criteria"), item(t, 0));
	refused(t, "/criteria/1 has the value 'item'");
}

static void test_terms(void **state)
{
	json_t *t;

	(void)state;
	t = good_tree();
	json_object_set_new(item(t, 0), "term", json_string("FileItem/../../etc/shadow"));
	refused(t, "/criteria/0/children/0/term has the value 'FileItem/../../etc/shadow'");
	/* The table's own spelling only. */
	t = good_tree();
	json_object_set_new(item(t, 0), "term", json_string("fileitem/filename"));
	refused(t, "/criteria/0/children/0/term has the value 'fileitem/filename'");
	t = good_tree();
	json_object_set_new(item(t, 0), "other", json_string("RegistryItem"));
	refused(t, "/criteria/0/children/0 has an unexpected member 'other'");
	/* No term and said valid. */
	t = good_tree();
	json_object_set_new(item(t, 0), "term", json_null());
	refused(t, "/criteria/0/children/0/term has the value 'null'");
}

static void test_said_valid(void **state)
{
	json_t *t;

	(void)state;
	t = good_tree();
	json_object_set_new(item(t, 0), "content", json_string(" \t"));
	refused(t, "/criteria/0/children/0 has the value 'valid'");
	t = good_tree();
	json_object_set_new(item(t, 0), "content", json_null());
	refused(t, "/criteria/0/children/0 has the value 'valid'");
	t = good_tree();
	json_object_set_new(item(t, 1), "content", json_string("(unclosed"));
	refused(t, "/criteria/0/children/1 has the value 'valid'");
	t = good_tree();
	json_object_set_new(item(t, 0), "term", json_string("FileItem/SizeInBytes"));
	json_object_set_new(item(t, 0), "content", json_string("many"));
	refused(t, "/criteria/0/children/0 has the value 'valid'");
}

static void test_limits(void **state)
{
	struct vg_ioc_limits lim;
	json_t *t, *node;
	char *big;

	(void)state;
	vg_ioc_limits_init(&lim);
	big = malloc(lim.max_content + 2);
	assert_non_null(big);
	memset(big, 'a', lim.max_content + 1);
	big[lim.max_content + 1] = '\0';
	t = good_tree();
	json_object_set_new(item(t, 0), "content", json_string(big));
	refused(t, "/criteria/0/children/0/content is over the limit of 65536");
	big[lim.max_regex + 1] = '\0';
	t = good_tree();
	json_object_set_new(item(t, 1), "content", json_string(big));
	refused(t, "/criteria/0/children/1 is over the limit of 4096");
	free(big);

	/* Nesting deeper than the XML loader allows. */
	t = good_tree();
	node = json_array_get(json_object_get(t, "criteria"), 0);
	for (unsigned d = 0; d < lim.max_depth + 1; d++) {
		json_t *inner = json_pack("{s:s, s:n, s:[]}", "node", "AND", "id", "children");

		json_array_append_new(json_object_get(node, "children"), inner);
		node = inner;
	}
	refused(t, "is over the limit of 32");

	/* More items than the XML loader allows. */
	t = good_tree();
	node = json_object_get(json_array_get(json_object_get(t, "criteria"), 0), "children");
	for (unsigned i = 0; i < lim.max_items; i++)
		json_array_append(node, json_array_get(node, 0));
	refused(t, "/criteria (items) is over the limit of 10000");

	t = good_tree();
	node = json_object_get(t, "defects");
	for (unsigned i = 0; i < 65; i++)
		json_array_append_new(node, json_pack("{s:s, s:[], s:s}", "msgid", "forged", "args", "where", ""));
	json_object_set_new(t, "defects_total", json_integer(65));
	refused(t, "/defects is over the limit of 64");
	t = good_tree();
	json_object_set_new(t, "defects_total", json_integer(-1));
	refused(t, "/defects_total is missing or of the wrong type");
}

/* The notes are formatted by the agent from their parts, never taken as text. */
static void test_notes(void **state)
{
	json_t *t = good_tree();
	struct vg_ioc *ioc = NULL;
	struct vg_error err;

	(void)state;
	json_array_append_new(json_object_get(t, "defects"),
			      json_pack("{s:s, s:[s], s:s}", "msgid", "%s%n%x%s", "args", "one", "where", "here: "));
	json_object_set_new(t, "defects_total", json_integer(1));
	vg_error_clear(&err);
	assert_int_equal(vg_ioc_load_tree(t, "notes.ioc", NULL, NULL, &ioc, &err), 0);
	assert_int_equal(vg_ioc_defect_count(ioc), 1);
	assert_string_equal(vg_ioc_defect(ioc, 0)->message, "here: one%n%x");
	vg_ioc_free(ioc);
	json_decref(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_terms),
		cmocka_unit_test(test_said_valid),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_notes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
