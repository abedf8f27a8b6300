/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Golden tests of the OpenIOC evaluator on documents and objects written here.  Each document is
 * evaluated three times: as loaded from its XML, as rebuilt from its tree (what the agent gets
 * from its parser sandbox), and so rebuilt with its `matches` tests handed to a function in
 * batches (as the agent hands them to its sandbox): all must give the same truth and matches. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "ioc-fake.h"
#include "ioc-tree.h"

#define ALL_DOCS ((1u << VG_IOC_DOC_COUNT) - 1)

static struct vg_ioc *load(const char *xml)
{
	struct vg_ioc *ioc = NULL;
	struct vg_error err;
	vg_error_clear(&err);
	int r = vg_ioc_load_memory(xml, strlen(xml), "test.ioc", NULL, &ioc, &err);
	if (r < 0)
		print_message("load failed: %s\n", err.message);
	assert_int_equal(r, 0);
	return ioc;
}

static size_t regex_calls, regex_values;

/* The `matches` tests handed out: counted, then run here as the sandbox runs them. */
static int regex_elsewhere(void *data, const char *pattern, size_t plen, bool preserve_case, uint32_t match_limit,
			   uint32_t depth_limit, const char *const *values, const size_t *lens, size_t n,
			   enum vg_ioc_truth *out)
{
	regex_calls++;
	regex_values += n;
	return vg_ioc_regex_local(data, pattern, plen, preserve_case, match_limit, depth_limit, values, lens, n, out);
}

static const struct vg_ioc_regex elsewhere = { regex_elsewhere, NULL };

/* Evaluates a document (1.1, top operator op, body) over objects; returns the truth. */
static enum vg_ioc_truth run(const char *op, const char *body, struct fake **objs, size_t n, unsigned collected,
			     size_t *nmatch)
{
	char *xml = doc11(op, body);
	struct vg_ioc *ioc = load(xml), *rebuilt, *handed;
	enum vg_ioc_truth t[3];
	size_t m[3];
	bool same;

	rebuilt = ioc_through_tree(ioc, "test.ioc", NULL, &same);
	assert_non_null(rebuilt);
	assert_true(same);
	handed = ioc_through_tree(ioc, "test.ioc", &elsewhere, &same);
	assert_non_null(handed);
	assert_true(same);
	for (int k = 0; k < 3; k++) {
		struct vg_ioc_eval *ev;

		assert_int_equal(vg_ioc_eval_new(k == 0 ? ioc : k == 1 ? rebuilt : handed, &ev), 0);
		for (size_t i = 0; i < n; i++)
			vg_ioc_eval_object(ev, &objs[i]->obj);
		t[k] = vg_ioc_eval_finish(ev, collected);
		m[k] = vg_ioc_eval_match_count(ev);
		vg_ioc_eval_free(ev);
	}
	assert_int_equal(t[0], t[1]);
	assert_int_equal(m[0], m[1]);
	assert_int_equal(t[0], t[2]);
	assert_int_equal(m[0], m[2]);
	if (nmatch)
		*nmatch = m[0];
	vg_ioc_free(handed);
	vg_ioc_free(rebuilt);
	vg_ioc_free(ioc);
	free(xml);
	return t[0];
}

/* One item against one object: the basic condition x type table. */
static enum vg_ioc_truth one(const char *cond, const char *neg, const char *pc, const char *search,
			     const char *type, const char *content, struct fake *f)
{
	char buf[2048];
	struct fake *objs[] = { f };
	return run("OR", item11(buf, sizeof(buf), cond, neg, pc, search, type, content), objs, 1, ALL_DOCS, NULL);
}

static struct fake file_a;

static void setup_file(struct fake *f)
{
	fake_init(f, VG_IOC_DOC_FILE, "/srv/a/Evil.EXE");
	fake_set(f, F_FILE_FULLPATH, "/srv/a/Evil.EXE");
	fake_set(f, F_FILE_FILENAME, "Evil.EXE");
	fake_set(f, F_FILE_FILEPATH, "/srv/a");
	fake_set(f, F_FILE_SIZE, "1500");
	fake_set(f, F_FILE_MODIFIED, "2020-06-01T12:00:00Z");
	fake_set(f, F_FILE_MD5, "d41d8cd98f00b204e9800998ecf8427e");
	fake_set(f, F_FILE_SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_string_conditions(void **state)
{
	(void)state;
	struct fake *f = &file_a;
	setup_file(f);
	const char *s = "FileItem/FileName";
	assert_int_equal(one("is", "false", "false", s, "string", "evil.exe", f), VG_IOC_TRUE);
	assert_int_equal(one("is", "false", "true", s, "string", "evil.exe", f), VG_IOC_FALSE);
	assert_int_equal(one("is", "false", "true", s, "string", "Evil.EXE", f), VG_IOC_TRUE);
	assert_int_equal(one("is", "false", "false", s, "string", "evil", f), VG_IOC_FALSE);
	assert_int_equal(one("contains", "false", "false", s, "string", "IL.e", f), VG_IOC_TRUE);
	assert_int_equal(one("contains", "false", "true", s, "string", "IL.e", f), VG_IOC_FALSE);
	assert_int_equal(one("starts-with", "false", "false", s, "string", "EVIL", f), VG_IOC_TRUE);
	assert_int_equal(one("begins-with", "false", "false", s, "string", "EVIL", f), VG_IOC_TRUE);
	assert_int_equal(one("starts-with", "false", "false", s, "string", ".exe", f), VG_IOC_FALSE);
	assert_int_equal(one("ends-with", "false", "false", s, "string", ".exe", f), VG_IOC_TRUE);
	assert_int_equal(one("ends-with", "false", "true", s, "string", ".exe", f), VG_IOC_FALSE);
	assert_int_equal(one("ends-with", "false", "false", s, "string", "xEvil.EXE", f), VG_IOC_FALSE);
	/* Whitespace in string Content is kept: " Evil" is not a prefix of "Evil.EXE". */
	assert_int_equal(one("contains", "false", "false", s, "string", " Evil", f), VG_IOC_FALSE);
	assert_int_equal(one("contains", "false", "false", "FileItem/FullPath", "string", "a/Evil", f),
			 VG_IOC_TRUE);
}

static void test_regex(void **state)
{
	(void)state;
	struct fake *f = &file_a;
	setup_file(f);
	const char *s = "FileItem/FullPath";
	assert_int_equal(one("matches", "false", "false", s, "string", "^/srv/[a-z]/evil\\.exe$", f), VG_IOC_TRUE);
	assert_int_equal(one("matches", "false", "true", s, "string", "^/srv/[a-z]/evil\\.exe$", f), VG_IOC_FALSE);
	assert_int_equal(one("matches", "false", "false", s, "string", "\\x45vil\\.\\w{3}", f), VG_IOC_TRUE);
	assert_int_equal(one("matches", "false", "false", s, "string", "srv\\/a\\/E.+?E$", f), VG_IOC_TRUE);
	/* Unanchored search, like fn:matches. */
	assert_int_equal(one("matches", "false", "false", s, "string", "vil", f), VG_IOC_TRUE);
	assert_int_equal(one("matches", "true", "false", s, "string", "vil", f), VG_IOC_FALSE);
	/* An invalid pattern is a defect: unknown, never a match, negated or not. */
	assert_int_equal(one("matches", "false", "false", s, "string", "(unclosed", f), VG_IOC_UNKNOWN);
	assert_int_equal(one("matches", "true", "false", s, "string", "(unclosed", f), VG_IOC_UNKNOWN);
	/* The third evaluation of each handed its tests out, one batch an item and object. */
	assert_true(regex_calls >= 6 && regex_values >= regex_calls);
}

/* An object with 1000 values of a field, the last one 100 KiB long. */
static int many_get(const struct vg_ioc_object *obj, unsigned field, vg_ioc_emit_fn emit, void *sink)
{
	static char big[100 * 1024];
	char v[32];

	(void)obj;
	(void)field;
	for (int i = 0; i < 999; i++) {
		snprintf(v, sizeof(v), "value-%d", i);
		if (emit(sink, v, strlen(v)))
			return 0;
	}
	memset(big, 'b', sizeof(big) - 1);
	memcpy(big + sizeof(big) - 5, "tail", 4);
	emit(sink, big, sizeof(big) - 1);
	return 0;
}

/* Handed out, the values go in batches (at most 256 values, 64 KiB; a larger one alone), and
 * the first true value ends the item's test.  A matched object is evaluated twice (the second
 * time to name the Indicator it satisfied): twice the calls for a match. */
static void test_regex_batches(void **state)
{
	char buf[2048];
	struct vg_ioc_object obj = { .doc = VG_IOC_DOC_FILE, .get = many_get, .label_key = { "path" },
				     .label = { "many" } };
	struct {
		const char *pattern;
		enum vg_ioc_truth truth;
		size_t calls, values;
	} cases[] = {
		{ "^value-0$", VG_IOC_TRUE, 2 * 1, 2 * 256 },   /* true in the first batch: no other */
		{ "^value-300$", VG_IOC_TRUE, 2 * 2, 2 * 512 },
		{ "tail$", VG_IOC_TRUE, 2 * 5, 2 * 1000 },      /* 4 batches of values, the big one alone */
		{ "^nothing$", VG_IOC_FALSE, 5, 1000 },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char *xml = doc11("OR", item11(buf, sizeof(buf), "matches", "false", "false", "FileItem/StringList/string",
						"string", cases[k].pattern));
		struct vg_ioc *ioc = load(xml), *handed;
		struct vg_ioc_eval *ev;
		bool same;

		handed = ioc_through_tree(ioc, "test.ioc", &elsewhere, &same);
		assert_non_null(handed);
		regex_calls = regex_values = 0;
		assert_int_equal(vg_ioc_eval_new(handed, &ev), 0);
		vg_ioc_eval_object(ev, &obj);
		assert_int_equal(vg_ioc_eval_finish(ev, ALL_DOCS), cases[k].truth);
		print_message("# %s: %zu calls, %zu values\n", cases[k].pattern, regex_calls, regex_values);
		assert_int_equal(regex_calls, cases[k].calls);
		assert_int_equal(regex_values, cases[k].values);
		vg_ioc_eval_free(ev);
		vg_ioc_free(handed);
		vg_ioc_free(ioc);
		free(xml);
	}
}

static void test_catastrophic_regex(void **state)
{
	(void)state;
	static char subject[4096];
	struct fake f;
	fake_init(&f, VG_IOC_DOC_FILE, "x");
	memset(subject, 'a', sizeof(subject) - 2);
	subject[sizeof(subject) - 2] = '!';
	fake_set(&f, F_FILE_FULLPATH, subject);
	/* Bounded by PCRE2's match limit: seconds of CPU at most (this process's CPU time, which
	 * a busy machine does not inflate), where unbounded backtracking would take years. */
	struct timespec t0, t1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	assert_int_equal(one("matches", "false", "false", "FileItem/FullPath", "string", "^(a+)+$", &f),
			 VG_IOC_UNKNOWN);
	assert_int_equal(one("matches", "true", "false", "FileItem/FullPath", "string", "^(a|aa)+$", &f),
			 VG_IOC_UNKNOWN);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
}

static void test_int_date_ranges(void **state)
{
	(void)state;
	struct fake *f = &file_a;
	setup_file(f);
	const char *s = "FileItem/SizeInBytes";
	assert_int_equal(one("is", "false", "false", s, "int", "1500", f), VG_IOC_TRUE);
	assert_int_equal(one("is", "false", "false", s, "int", " 1500 ", f), VG_IOC_TRUE);
	assert_int_equal(one("is", "false", "false", s, "int", "1501", f), VG_IOC_FALSE);
	assert_int_equal(one("greater-than", "false", "false", s, "int", "1499", f), VG_IOC_TRUE);
	assert_int_equal(one("greater-than", "false", "false", s, "int", "1500", f), VG_IOC_FALSE);
	assert_int_equal(one("less-than", "false", "false", s, "int", "1501", f), VG_IOC_TRUE);
	assert_int_equal(one("less-than", "false", "false", s, "int", "1500", f), VG_IOC_FALSE);
	assert_int_equal(one("is", "false", "false", s, "int", "1000 TO 2000", f), VG_IOC_TRUE);
	assert_int_equal(one("is", "false", "false", s, "int", "[1500 TO 1500]", f), VG_IOC_TRUE);
	assert_int_equal(one("is", "false", "false", s, "int", "[1501 TO 1600]", f), VG_IOC_FALSE);
	/* greater-than typed string on an integer term compares numbers (real files do this). */
	assert_int_equal(one("greater-than", "false", "false", s, "string", "999", f), VG_IOC_TRUE);
	/* Not a number: a defect, unknown. */
	assert_int_equal(one("is", "false", "false", s, "int", "many", f), VG_IOC_UNKNOWN);
	assert_int_equal(one("is", "false", "false", s, "duration", "1500", f), VG_IOC_TRUE);

	const char *d = "FileItem/Modified";
	assert_int_equal(one("is", "false", "false", d, "date", "2020-06-01T12:00:00Z", f), VG_IOC_TRUE);
	assert_int_equal(one("is", "false", "false", d, "date", "2020-06-01T14:00:00+02:00", f), VG_IOC_TRUE);
	assert_int_equal(one("greater-than", "false", "false", d, "date", "2020-01-01T00:00:00", f), VG_IOC_TRUE);
	assert_int_equal(one("less-than", "false", "false", d, "date", "2020-01-01T00:00:00", f), VG_IOC_FALSE);
	assert_int_equal(one("is", "false", "false", d, "date", "2019-04-20T10:28:55Z TO 2020-12-14T19:09:00Z", f),
			 VG_IOC_TRUE);
	assert_int_equal(one("is", "false", "false", d, "date", "2021-04-20T10:28:55Z TO 2022-12-14T19:09:00Z", f),
			 VG_IOC_FALSE);
}

static void test_hash_ip_bool(void **state)
{
	(void)state;
	struct fake *f = &file_a;
	setup_file(f);
	assert_int_equal(one("is", "false", "false", "FileItem/Md5sum", "md5", "D41D8CD98F00B204E9800998ECF8427E", f),
			 VG_IOC_TRUE);
	/* preserve-case does not apply to hex digests. */
	assert_int_equal(one("is", "false", "true", "FileItem/Md5sum", "md5", "D41D8CD98F00B204E9800998ECF8427E", f),
			 VG_IOC_TRUE);
	assert_int_equal(one("is", "false", "false", "FileItem/Md5sum", "md5", " d41d8cd98f00b204e9800998ecf8427f ",
			     f), VG_IOC_FALSE);
	assert_int_equal(one("is", "false", "false", "FileItem/Sha256sum", "sha256",
			     "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", f), VG_IOC_TRUE);
	/* A SHA-1 typed string (as real files do) still compares without case. */
	struct fake g;
	fake_init(&g, VG_IOC_DOC_FILE, "g");
	fake_set(&g, F_FILE_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	assert_int_equal(one("is", "false", "false", "FileItem/Sha1sum", "string",
			     "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", &g), VG_IOC_TRUE);

	struct fake p;
	fake_init(&p, VG_IOC_DOC_PORT, "port");
	fake_set(&p, F_PORT_REMOTEIP, "2001:db8::1");
	fake_set(&p, F_PORT_LOCALIP, "10.0.0.5");
	fake_set(&p, F_PORT_ISIPV6, "true");
	assert_int_equal(one("is", "false", "false", "PortItem/remoteIP", "IP", "2001:0DB8:0:0:0:0:0:1", &p),
			 VG_IOC_TRUE);
	assert_int_equal(one("is", "false", "false", "PortItem/RemoteIP", "IP", "2001:db8::2", &p), VG_IOC_FALSE);
	assert_int_equal(one("is", "false", "false", "PortItem/localIP", "IP", "10.0.0.5", &p), VG_IOC_TRUE);
	assert_int_equal(one("contains", "false", "false", "PortItem/localIP", "IP", "10.0.", &p), VG_IOC_TRUE);
	assert_int_equal(one("is", "false", "false", "PortItem/isIPv6", "bool", "true", &p), VG_IOC_TRUE);
	assert_int_equal(one("is", "false", "false", "PortItem/isIPv6", "bool", "false", &p), VG_IOC_FALSE);
}

static void test_negation(void **state)
{
	(void)state;
	struct fake *f = &file_a;
	setup_file(f);
	const char *s = "FileItem/FileName";
	assert_int_equal(one("is", "true", "false", s, "string", "evil.exe", f), VG_IOC_FALSE);
	assert_int_equal(one("is", "true", "false", s, "string", "good.exe", f), VG_IOC_TRUE);
	assert_int_equal(one("contains", "true", "false", s, "string", "vil", f), VG_IOC_FALSE);
	/* A field that cannot be read stays unknown under negation. */
	f->unknown[F_FILE_MD5] = 1;
	assert_int_equal(one("is", "true", "false", "FileItem/Md5sum", "md5", "d41d8cd98f00b204e9800998ecf8427f", f),
			 VG_IOC_UNKNOWN);
}

static void test_v10_negation(void **state)
{
	(void)state;
	static const char xml[] =
		"\xef\xbb\xbf<!-- licence header before the root -->\r\n"
		"<ioc xmlns=\"http://schemas.mandiant.com/2010/ioc\" id=\"v10\" last-modified=\"2013-01-01T00:00:00\">"
		"<short_description>v10</short_description><authored_date>2013-01-01T00:00:00</authored_date>\r\n"
		"<definition><Indicator operator=\"OR\" id=\"top\"><Indicator operator=\"AND\" id=\"and\">"
		"<IndicatorItem id=\"a\" condition=\"isnot\"><Context document=\"FileItem\" search=\"FileItem/FileName\" "
		"type=\"mir\"/><Content type=\"string\">good.exe</Content><Comment>c</Comment></IndicatorItem>"
		"<IndicatorItem id=\"b\" condition=\"containsnot\"><Context document=\"FileItem\" "
		"search=\"FileItem/FullPath\" type=\"mir\"/><Content type=\"string\">/tmp/</Content></IndicatorItem>"
		"<IndicatorItem id=\"c\" condition=\"contains\"><Context document=\"FileItem\" "
		"search=\"FileItem/FileName\" type=\"mir\"/><Content type=\"string\">EVIL</Content></IndicatorItem>"
		"</Indicator></Indicator></definition></ioc>\r\n";
	struct vg_ioc *ioc = load(xml);
	struct vg_ioc_info info;
	vg_ioc_get_info(ioc, &info);
	assert_int_equal(info.version, 10);
	assert_string_equal(info.id, "v10");
	assert_int_equal(info.items, 3);
	struct fake *f = &file_a;
	setup_file(f);
	struct vg_ioc_eval *ev;
	assert_int_equal(vg_ioc_eval_new(ioc, &ev), 0);
	assert_int_equal(vg_ioc_eval_object(ev, &f->obj), VG_IOC_TRUE);
	assert_int_equal(vg_ioc_eval_finish(ev, ALL_DOCS), VG_IOC_TRUE);
	assert_int_equal(vg_ioc_eval_match_count(ev), 1);
	const struct vg_ioc_match *m = vg_ioc_eval_match(ev, 0);
	assert_string_equal(m->indicator, "and");
	assert_string_equal(m->label[0], "/srv/a/Evil.EXE");
	vg_ioc_eval_free(ev);

	struct fake g;
	fake_init(&g, VG_IOC_DOC_FILE, "/tmp/evil");
	fake_set(&g, F_FILE_FULLPATH, "/tmp/evil");
	fake_set(&g, F_FILE_FILENAME, "evil");
	assert_int_equal(vg_ioc_eval_new(ioc, &ev), 0);
	assert_int_equal(vg_ioc_eval_object(ev, &g.obj), VG_IOC_FALSE);
	assert_int_equal(vg_ioc_eval_finish(ev, ALL_DOCS), VG_IOC_FALSE);
	vg_ioc_eval_free(ev);
	vg_ioc_free(ioc);
}

/* An AND of FileName and Md5sum must not match when the name and the hash are two files'. */
static void test_correlation(void **state)
{
	(void)state;
	char b1[1024], b2[1024], body[4096];
	snprintf(body, sizeof(body), "<Indicator id=\"pair\" operator=\"AND\">%s%s</Indicator>",
		 item11(b1, sizeof(b1), "is", "false", "false", "FileItem/FileName", "string", "evil.exe"),
		 item11(b2, sizeof(b2), "is", "false", "false", "FileItem/Md5sum", "md5",
			"d41d8cd98f00b204e9800998ecf8427e"));
	struct fake named, hashed;
	fake_init(&named, VG_IOC_DOC_FILE, "/a/evil.exe");
	fake_set(&named, F_FILE_FILENAME, "evil.exe");
	fake_set(&named, F_FILE_MD5, "00000000000000000000000000000000");
	fake_init(&hashed, VG_IOC_DOC_FILE, "/b/other");
	fake_set(&hashed, F_FILE_FILENAME, "other");
	fake_set(&hashed, F_FILE_MD5, "d41d8cd98f00b204e9800998ecf8427e");
	struct fake *objs[] = { &named, &hashed };
	size_t nm;
	assert_int_equal(run("OR", body, objs, 2, ALL_DOCS, &nm), VG_IOC_FALSE);
	assert_int_equal(nm, 0);
	/* The hash of a file whose name does not match is never asked for. */
	assert_int_equal(hashed.gets[F_FILE_MD5], 0);

	fake_set(&named, F_FILE_MD5, "d41d8cd98f00b204e9800998ecf8427e");
	named.nv[F_FILE_MD5] = 1;
	named.v[F_FILE_MD5][0] = "d41d8cd98f00b204e9800998ecf8427e";
	assert_int_equal(run("OR", body, objs, 2, ALL_DOCS, &nm), VG_IOC_TRUE);
	assert_int_equal(nm, 1);

	/* The same items directly under a top-level AND correlate too. */
	snprintf(body, sizeof(body), "%s%s",
		 item11(b1, sizeof(b1), "is", "false", "false", "FileItem/FileName", "string", "other"),
		 item11(b2, sizeof(b2), "is", "false", "false", "FileItem/Md5sum", "md5",
			"d41d8cd98f00b204e9800998ecf8427e"));
	named.v[F_FILE_MD5][0] = "00000000000000000000000000000000";
	hashed.v[F_FILE_MD5][0] = "11111111111111111111111111111111";
	assert_int_equal(run("AND", body, objs, 2, ALL_DOCS, NULL), VG_IOC_FALSE);
}

/* Across documents an AND combines existence: a file and a process. */
static void test_cross_document(void **state)
{
	(void)state;
	char b1[1024], b2[1024], body[4096];
	snprintf(body, sizeof(body), "<Indicator id=\"mix\" operator=\"AND\">%s%s</Indicator>",
		 item11(b1, sizeof(b1), "is", "false", "false", "FileItem/FileName", "string", "evil.exe"),
		 item11(b2, sizeof(b2), "is", "false", "false", "ProcessItem/name", "string", "evild"));
	struct fake file, proc;
	fake_init(&file, VG_IOC_DOC_FILE, "/a/evil.exe");
	fake_set(&file, F_FILE_FILENAME, "evil.exe");
	fake_init(&proc, VG_IOC_DOC_PROCESS, "42");
	fake_set(&proc, F_PROC_NAME, "evild");
	struct fake *objs[] = { &file, &proc };
	size_t nm;
	assert_int_equal(run("OR", body, objs, 2, ALL_DOCS, &nm), VG_IOC_TRUE);
	assert_int_equal(nm, 2);
	/* Processes not collected: unknown, not "no match". */
	assert_int_equal(run("OR", body, objs, 1, 1u << VG_IOC_DOC_FILE, NULL), VG_IOC_UNKNOWN);
}

static void test_unsupported(void **state)
{
	(void)state;
	char b1[1024], b2[1024], body[4096];
	struct fake *f = &file_a;
	setup_file(f);
	struct fake *objs[] = { f };
	/* A registry test cannot be evaluated on Linux: unknown, and negation keeps it unknown. */
	item11(b1, sizeof(b1), "is", "true", "false", "RegistryItem/Path", "string", "HKLM\\Run");
	assert_int_equal(run("OR", b1, objs, 1, ALL_DOCS, NULL), VG_IOC_UNKNOWN);
	/* OR with a true branch is true; AND with a false one is false. */
	item11(b2, sizeof(b2), "is", "false", "false", "FileItem/FileName", "string", "evil.exe");
	snprintf(body, sizeof(body), "%s%s", b1, b2);
	assert_int_equal(run("OR", body, objs, 1, ALL_DOCS, NULL), VG_IOC_TRUE);
	item11(b2, sizeof(b2), "is", "false", "false", "FileItem/FileName", "string", "nothing");
	snprintf(body, sizeof(body), "%s%s", b1, b2);
	assert_int_equal(run("AND", body, objs, 1, ALL_DOCS, NULL), VG_IOC_FALSE);
	/* Inside a FileItem AND, an unsupported FileItem term makes the candidates unknown. */
	item11(b1, sizeof(b1), "is", "true", "false", "FileItem/PEInfo/Type", "string", "Dll");
	item11(b2, sizeof(b2), "is", "false", "false", "FileItem/FileName", "string", "evil.exe");
	snprintf(body, sizeof(body), "%s%s", b1, b2);
	assert_int_equal(run("AND", body, objs, 1, ALL_DOCS, NULL), VG_IOC_UNKNOWN);

	char *xml = doc11("OR", b1);
	struct vg_ioc *ioc = load(xml);
	struct vg_ioc_info info;
	vg_ioc_get_info(ioc, &info);
	assert_int_equal(info.unsupported, 1);
	assert_true(vg_ioc_warning_count(ioc) >= 1);
	assert_non_null(strstr(vg_ioc_warning(ioc, 0)->message, "FileItem/PEInfo/Type"));
	vg_ioc_free(ioc);
	free(xml);
}

static void test_only_negated_warning(void **state)
{
	(void)state;
	char b1[1024];
	char *xml = doc11("OR", item11(b1, sizeof(b1), "is", "true", "false", "FileItem/FileName", "string", "x"));
	struct vg_ioc *ioc = load(xml);
	bool found = false;
	for (size_t i = 0; i < vg_ioc_warning_count(ioc); i++)
		found |= strstr(vg_ioc_warning(ioc, i)->message, "only has negated tests") != NULL;
	assert_true(found);
	vg_ioc_free(ioc);
	free(xml);
}

static void test_multi_valued(void **state)
{
	(void)state;
	struct fake p;
	fake_init(&p, VG_IOC_DOC_PROCESS, "7");
	fake_set(&p, F_PROC_HANDLE_NAME, "/etc/passwd");
	fake_set(&p, F_PROC_HANDLE_NAME, "socket:[1234]");
	fake_set(&p, F_PROC_HANDLE_NAME, "/tmp/.X0-lock");
	const char *s = "ProcessItem/HandleList/Handle/Name";
	assert_int_equal(one("is", "false", "false", s, "string", "/tmp/.x0-lock", &p), VG_IOC_TRUE);
	assert_int_equal(one("is", "true", "false", s, "string", "/tmp/.x0-lock", &p), VG_IOC_FALSE);
	assert_int_equal(one("is", "true", "false", s, "string", "/nothing", &p), VG_IOC_TRUE);
	assert_int_equal(one("contains", "false", "false", s, "string", "socket:", &p), VG_IOC_TRUE);
	/* An empty list: nothing satisfies a positive item, so the negated one holds. */
	struct fake q;
	fake_init(&q, VG_IOC_DOC_PROCESS, "8");
	assert_int_equal(one("is", "false", "false", s, "string", "/x", &q), VG_IOC_FALSE);
	assert_int_equal(one("is", "true", "false", s, "string", "/x", &q), VG_IOC_TRUE);
}

static void test_empty_content(void **state)
{
	(void)state;
	struct fake *f = &file_a;
	setup_file(f);
	/* "contains ''" must never match: an empty Content is a defect and the item unknown. */
	assert_int_equal(one("contains", "false", "false", "FileItem/FileName", "string", "", f), VG_IOC_UNKNOWN);
	assert_int_equal(one("contains", "true", "false", "FileItem/FileName", "string", "", f), VG_IOC_UNKNOWN);
	char b1[1024];
	char *xml = doc11("OR", item11(b1, sizeof(b1), "contains", "false", "false", "FileItem/FileName", "string", ""));
	struct vg_ioc *ioc = load(xml);
	struct vg_ioc_info info;
	vg_ioc_get_info(ioc, &info);
	assert_int_equal(info.empty_content, 1);
	assert_true(vg_ioc_defect_count(ioc) >= 1);
	vg_ioc_free(ioc);
	free(xml);
}

static void test_refused(void **state)
{
	(void)state;
	struct vg_ioc *ioc;
	struct vg_error err;
	char b1[1024];
	char *xml = doc11("OR", item11(b1, sizeof(b1), "resembles", "false", "false", "FileItem/FileName", "string",
				       "x"));
	assert_int_equal(vg_ioc_load_memory(xml, strlen(xml), "t.ioc", NULL, &ioc, &err), -EINVAL);
	assert_non_null(strstr(err.message, "unknown condition"));
	free(xml);
	static const char notioc[] = "<stix/>";
	assert_int_equal(vg_ioc_load_memory(notioc, strlen(notioc), "t.xml", NULL, &ioc, &err), -EINVAL);
	assert_non_null(strstr(err.message, "not an OpenIOC document"));
	static const char broken[] = "<OpenIOC xmlns=\"http://openioc.org/schemas/OpenIOC_1.1\"><criteria>";
	assert_int_equal(vg_ioc_load_memory(broken, strlen(broken), "t.xml", NULL, &ioc, &err), -EINVAL);
	assert_non_null(strstr(err.message, "not well-formed"));
	assert_null(ioc);
}

static void test_tolerant(void **state)
{
	(void)state;
	/* Item after a child Indicator, missing negate/preserve-case, AND in lower case, no namespace. */
	static const char xml[] =
		"<OpenIOC id=\"t\"><criteria><Indicator operator=\"or\" id=\"top\">"
		"<Indicator operator=\"and\" id=\"in\"><IndicatorItem id=\"x\" condition=\"is\">"
		"<Context document=\"FileItem\" search=\"FileItem/FileName\"/><Content type=\"string\">a</Content>"
		"</IndicatorItem></Indicator>"
		"<IndicatorItem id=\"y\" condition=\"is\"><Context document=\"FileItem\" search=\"fileitem/filename\"/>"
		"<Content type=\"string\">Evil.exe</Content></IndicatorItem></Indicator></criteria></OpenIOC>";
	struct vg_ioc *ioc = load(xml);
	struct vg_ioc_info info;
	vg_ioc_get_info(ioc, &info);
	assert_int_equal(info.version, 11);
	assert_int_equal(info.items, 2);
	assert_true(info.defects >= 2);   /* namespace, order */
	struct fake *f = &file_a;
	setup_file(f);
	struct vg_ioc_eval *ev;
	assert_int_equal(vg_ioc_eval_new(ioc, &ev), 0);
	vg_ioc_eval_object(ev, &f->obj);
	assert_int_equal(vg_ioc_eval_finish(ev, ALL_DOCS), VG_IOC_TRUE);
	assert_string_equal(vg_ioc_eval_match(ev, 0)->indicator, "top");
	vg_ioc_eval_free(ev);
	vg_ioc_free(ioc);
}

static void test_terms(void **state)
{
	(void)state;
	assert_non_null(vg_ioc_term_find("eventItem/FileItem/Md5sum"));
	assert_non_null(vg_ioc_term_find("portitem/REMOTEIP"));
	assert_null(vg_ioc_term_find("RegistryItem/Path"));
	for (size_t i = 0; i < vg_ioc_term_count(); i++)
		assert_int_equal(vg_ioc_term_at(i)->field, i);
	assert_string_equal(vg_ioc_doc_name(VG_IOC_DOC_PORT), "PortItem");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string_conditions),
		cmocka_unit_test(test_regex),
		cmocka_unit_test(test_regex_batches),
		cmocka_unit_test(test_catastrophic_regex),
		cmocka_unit_test(test_int_date_ranges),
		cmocka_unit_test(test_hash_ip_bool),
		cmocka_unit_test(test_negation),
		cmocka_unit_test(test_v10_negation),
		cmocka_unit_test(test_correlation),
		cmocka_unit_test(test_cross_document),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_only_negated_warning),
		cmocka_unit_test(test_multi_valued),
		cmocka_unit_test(test_empty_content),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_tolerant),
		cmocka_unit_test(test_terms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
