/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hostile OpenIOC documents, made at test time: each is refused or bounded quickly, with a
 * message that says why. */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ioc-fake.h"

/* The CPU time this process used: the work a hostile document costs, which other programs
 * busy on the machine do not inflate as they would the wall clock. */
static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Loads xml and expects a refusal whose message contains what. */
static void refused(const char *xml, size_t len, const char *what)
{
	struct vg_ioc *ioc = NULL;
	struct vg_error err;
	vg_error_clear(&err);
	double t0 = now();
	int r = vg_ioc_load_memory(xml, len, "hostile.ioc", NULL, &ioc, &err);
	double dt = now() - t0;
	print_message("# %s (%.3f s of CPU)\n", err.message, dt);
	assert_true(r < 0);
	assert_null(ioc);
	assert_non_null(strstr(err.message, what));
	assert_true(dt < 2.0);
}

static const char head11[] = "<OpenIOC xmlns=\"http://openioc.org/schemas/OpenIOC_1.1\" id=\"h\">";

static void test_xxe(void **state)
{
	(void)state;
	char xml[1024];
	snprintf(xml, sizeof(xml),
		 "<?xml version=\"1.0\"?>\n<!DOCTYPE OpenIOC [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
		 "%s<criteria><Indicator operator=\"OR\" id=\"t\"><IndicatorItem id=\"i\" condition=\"is\">"
		 "<Context search=\"FileItem/FileName\"/><Content type=\"string\">&x;</Content></IndicatorItem>"
		 "</Indicator></criteria></OpenIOC>", head11);
	refused(xml, strlen(xml), "DTD");
	snprintf(xml, sizeof(xml), "<!DOCTYPE OpenIOC SYSTEM \"http://127.0.0.1:9/x.dtd\">%s</OpenIOC>", head11);
	refused(xml, strlen(xml), "DTD");
}

static void test_billion_laughs(void **state)
{
	(void)state;
	char xml[4096];
	size_t n = (size_t)snprintf(xml, sizeof(xml), "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
	for (int i = 1; i < 10; i++) {
		char prev[16];
		snprintf(prev, sizeof(prev), i == 1 ? "lol" : "lol%d", i - 1);
		n += (size_t)snprintf(xml + n, sizeof(xml) - n, "<!ENTITY lol%d \"", i);
		for (int k = 0; k < 10; k++)
			n += (size_t)snprintf(xml + n, sizeof(xml) - n, "&%s;", prev);
		n += (size_t)snprintf(xml + n, sizeof(xml) - n, "\">");
	}
	snprintf(xml + n, sizeof(xml) - n, "]>%s<criteria>&lol9;</criteria></OpenIOC>", head11);
	refused(xml, strlen(xml), "DTD");
}

static void test_quadratic(void **state)
{
	(void)state;
	size_t cap = 200000;
	char *xml = malloc(cap);
	size_t n = (size_t)snprintf(xml, cap, "<!DOCTYPE OpenIOC [<!ENTITY a \"");
	memset(xml + n, 'x', 10000);
	n += 10000;
	n += (size_t)snprintf(xml + n, cap - n, "\">]>%s<criteria>", head11);
	for (int i = 0; i < 20000 && n + 8 < cap; i++)
		n += (size_t)snprintf(xml + n, cap - n, "&a;");
	n += (size_t)snprintf(xml + n, cap - n, "</criteria></OpenIOC>");
	refused(xml, n, "DTD");
	free(xml);
}

static void test_deep_nesting(void **state)
{
	(void)state;
	size_t cap = 10000 * 40 + 1024;
	char *xml = malloc(cap);
	size_t n = (size_t)snprintf(xml, cap, "%s<criteria>", head11);
	for (int i = 0; i < 10000; i++)
		n += (size_t)snprintf(xml + n, cap - n, "<Indicator operator=\"OR\">");
	for (int i = 0; i < 10000; i++)
		n += (size_t)snprintf(xml + n, cap - n, "</Indicator>");
	n += (size_t)snprintf(xml + n, cap - n, "</criteria></OpenIOC>");
	refused(xml, n, "nested deeper than 256");
	/* 40 levels: well-formed for libxml2, over our Indicator limit. */
	n = (size_t)snprintf(xml, cap, "%s<criteria>", head11);
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(xml + n, cap - n, "<Indicator operator=\"OR\">");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(xml + n, cap - n, "</Indicator>");
	n += (size_t)snprintf(xml + n, cap - n, "</criteria></OpenIOC>");
	refused(xml, n, "nested deeper");
	free(xml);
}

static void test_huge_file(void **state)
{
	(void)state;
	char path[] = "/tmp/vigil-ioc-hugeXXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	/* 100 MiB, sparse: refused by its size before a byte is read. */
	assert_int_equal(ftruncate(fd, 100 << 20), 0);
	close(fd);
	struct vg_ioc *ioc = NULL;
	struct vg_error err;
	double t0 = now();
	int r = vg_ioc_load_file(path, NULL, &ioc, &err);
	unlink(path);
	print_message("# %s\n", err.message);
	assert_int_equal(r, -EFBIG);
	assert_non_null(strstr(err.message, "larger than the limit"));
	assert_true(now() - t0 < 1.0);
	/* The same in memory. */
	char *big = calloc(1, (4u << 20) + 1);
	assert_non_null(big);
	assert_int_equal(vg_ioc_load_memory(big, (4u << 20) + 1, "big", NULL, &ioc, &err), -EFBIG);
	free(big);
}

static void test_many_items(void **state)
{
	(void)state;
	size_t cap = 10001 * 200 + 1024;
	char *xml = malloc(cap);
	size_t n = (size_t)snprintf(xml, cap, "%s<criteria><Indicator operator=\"OR\" id=\"t\">", head11);
	for (int i = 0; i < 10001; i++)
		n += (size_t)snprintf(xml + n, cap - n, "<IndicatorItem condition=\"is\"><Context search=\"FileItem/FileName\"/>"
					"<Content type=\"string\">f%d</Content></IndicatorItem>", i);
	n += (size_t)snprintf(xml + n, cap - n, "</Indicator></criteria></OpenIOC>");
	refused(xml, n, "indicator items");
	free(xml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xxe),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_quadratic),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_huge_file),
		cmocka_unit_test(test_many_items),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
