/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The host collectors on a test tree, this test's own process and a socket it opens. */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "ioc-fake.h"
#include "ioc/scan.h"

static char root[64];
static char pathbuf[256];
static int skipped;
static bool want_strings;

static const char *p(const char *rel)
{
	snprintf(pathbuf, sizeof(pathbuf), "%s/%s", root, rel);
	return pathbuf;
}

static void put(const char *rel, const char *content)
{
	FILE *f = fopen(p(rel), "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/vigil-ioc-scan-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	mkdir(p("a"), 0755);
	mkdir(p("b"), 0755);
	mkdir(p("skip"), 0755);
	put("a/evil.exe", "hello");
	put("b/other", "hello");
	put("b/name with spaces (1).txt", "x");
	FILE *bin = fopen(p("a/strings.bin"), "w");
	assert_non_null(bin);
	fwrite("\x01\x02" "ab\0Global\\EvilMutex\0\xff\xfe" "abc\0", 1, 28, bin);
	fclose(bin);
	put("skip/evil.exe", "hello");
	int fd = open(p("b/big"), O_CREAT | O_WRONLY, 0644);
	assert_int_equal(ftruncate(fd, 4096), 0);
	close(fd);
	if (symlink("..", p("a/loop")) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	const char *files[] = { "a/evil.exe", "a/strings.bin", "a/loop", "b/other", "b/name with spaces (1).txt", "b/big",
				"skip/evil.exe", "a", "b", "skip" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		remove(p(files[i]));
	rmdir(root);
	return 0;
}

static void on_skip(const char *path, const char *why, void *data)
{
	(void)data;
	print_message("# skipped %s: %s\n", path, why);
	skipped++;
}

static enum vg_ioc_truth scan1(const char *body, bool files_only, uint64_t hash_limit, size_t *nmatch,
			       struct vg_ioc_scan_stats *stats)
{
	char *xml = doc11("OR", body);
	struct vg_ioc *ioc = NULL;
	struct vg_error err;
	assert_int_equal(vg_ioc_load_memory(xml, strlen(xml), "t", NULL, &ioc, &err), 0);
	const char *paths[] = { root };
	char ex[256];
	snprintf(ex, sizeof(ex), "%s/skip", root);
	const char *excl[] = { ex };
	struct vg_ioc_scan s = { .paths = paths, .npaths = 1, .excludes = excl, .nexcludes = 1,
				 .no_processes = files_only, .no_ports = files_only, .hash_limit = hash_limit,
				 .skipped = on_skip, .iocs = &ioc, .niocs = 1, .strings = want_strings };
	assert_int_equal(vg_ioc_scan_run(&s, &err), 0);
	enum vg_ioc_truth t = s.results[0];
	if (nmatch)
		*nmatch = vg_ioc_eval_match_count(s.evals[0]);
	for (size_t i = 0; i < vg_ioc_eval_match_count(s.evals[0]); i++)
		print_message("# match %s %s=%s\n", vg_ioc_eval_match(s.evals[0], i)->indicator,
			      vg_ioc_eval_match(s.evals[0], i)->label_key[0], vg_ioc_eval_match(s.evals[0], i)->label[0]);
	if (stats)
		*stats = s.stats;
	vg_ioc_scan_release(&s);
	vg_ioc_free(ioc);
	free(xml);
	return t;
}

static void test_files(void **state)
{
	(void)state;
	char b1[1024], b2[1024], body[4096];
	size_t nm;
	struct vg_ioc_scan_stats st;
	snprintf(body, sizeof(body), "<Indicator id=\"f\" operator=\"AND\">%s%s</Indicator>",
		 item11(b1, sizeof(b1), "is", "false", "false", "FileItem/FileName", "string", "evil.exe"),
		 item11(b2, sizeof(b2), "is", "false", "false", "FileItem/Sha256sum", "sha256",
			"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
	assert_int_equal(scan1(body, true, 0, &nm, &st), VG_IOC_TRUE);
	assert_int_equal(nm, 1);   /* skip/evil.exe is excluded */
	assert_int_equal(st.files_hashed, 1);   /* only the file whose name matched */
	assert_int_equal(st.files_seen, 5);
	/* b/other has the content but not the name: no match across files. */
	snprintf(body, sizeof(body), "<Indicator id=\"f\" operator=\"AND\">%s%s</Indicator>",
		 item11(b1, sizeof(b1), "is", "false", "false", "FileItem/FileName", "string", "name with spaces (1).txt"),
		 item11(b2, sizeof(b2), "is", "false", "false", "FileItem/Md5sum", "md5", "5d41402abc4b2a76b9719d911017c592"));
	assert_int_equal(scan1(body, true, 0, &nm, NULL), VG_IOC_FALSE);
	/* Metadata. */
	snprintf(body, sizeof(body), "<Indicator id=\"m\" operator=\"AND\">%s%s</Indicator>",
		 item11(b1, sizeof(b1), "is", "false", "false", "FileItem/SizeInBytes", "int", "4096"),
		 item11(b2, sizeof(b2), "ends-with", "false", "false", "FileItem/FilePath", "string", "/b"));
	assert_int_equal(scan1(body, true, 0, &nm, NULL), VG_IOC_TRUE);
	item11(b1, sizeof(b1), "is", "false", "false", "FileItem/FileExtension", "string", "exe");
	assert_int_equal(scan1(b1, true, 0, &nm, NULL), VG_IOC_TRUE);
}

static void test_strings(void **state)
{
	(void)state;
	char b1[1024];
	item11(b1, sizeof(b1), "is", "false", "false", "FileItem/StringList/string", "string", "global\\evilmutex");
	/* Opt-in: without it the term is unknown. */
	want_strings = false;
	assert_int_equal(scan1(b1, true, 0, NULL, NULL), VG_IOC_UNKNOWN);
	want_strings = true;
	assert_int_equal(scan1(b1, true, 0, NULL, NULL), VG_IOC_TRUE);
	/* "abc" is shorter than 4 bytes: not a string. */
	item11(b1, sizeof(b1), "is", "false", "false", "FileItem/StringList/string", "string", "abc");
	assert_int_equal(scan1(b1, true, 0, NULL, NULL), VG_IOC_FALSE);
	want_strings = false;
}

static void test_hash_limit(void **state)
{
	(void)state;
	char b1[1024];
	skipped = 0;
	struct vg_ioc_scan_stats st;
	/* The big file is over a 1 KiB limit: it is skipped and said so, and the answer is unknown. */
	item11(b1, sizeof(b1), "is", "false", "false", "FileItem/Sha256sum", "sha256",
	       "ad7facb2586fc6e966c004d7d1d16b024f5805ff7cb47c7a85dabd8b48892ca7");
	assert_int_equal(scan1(b1, true, 1024, NULL, &st), VG_IOC_UNKNOWN);
	assert_int_equal(st.files_skipped, 1);
	assert_int_equal(skipped, 1);
	/* With the default limit it is hashed: the SHA-256 of 4096 zero bytes. */
	assert_int_equal(scan1(b1, true, 0, NULL, NULL), VG_IOC_TRUE);
}

static void test_process_and_port(void **state)
{
	(void)state;
	char b1[1024], b2[1024], body[4096], pid[16], port[16];
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s, 1), 0);
	getsockname(s, (struct sockaddr *)&a, &al);
	snprintf(port, sizeof(port), "%u", ntohs(a.sin_port));
	snprintf(pid, sizeof(pid), "%d", (int)getpid());

	snprintf(body, sizeof(body), "<Indicator id=\"p\" operator=\"AND\">%s%s</Indicator>",
		 item11(b1, sizeof(b1), "is", "false", "false", "ProcessItem/pid", "int", pid),
		 item11(b2, sizeof(b2), "is", "false", "false", "ProcessItem/name", "string", "test-ioc-scan"));
	size_t nm;
	assert_int_equal(scan1(body, false, 0, &nm, NULL), VG_IOC_TRUE);
	assert_int_equal(nm, 1);
	/* The image's handle list holds the test tree's directory? No: the socket. */
	item11(b1, sizeof(b1), "starts-with", "false", "false", "ProcessItem/HandleList/Handle/Name", "string", "socket:[");
	snprintf(body, sizeof(body), "<Indicator id=\"h\" operator=\"AND\">%s%s</Indicator>", b1,
		 item11(b2, sizeof(b2), "is", "false", "false", "ProcessItem/pid", "int", pid));
	assert_int_equal(scan1(body, false, 0, NULL, NULL), VG_IOC_TRUE);

	snprintf(body, sizeof(body), "<Indicator id=\"port\" operator=\"AND\">%s%s</Indicator>",
		 item11(b1, sizeof(b1), "is", "false", "false", "PortItem/localPort", "int", port),
		 item11(b2, sizeof(b2), "is", "false", "false", "PortItem/pid", "int", pid));
	assert_int_equal(scan1(body, false, 0, &nm, NULL), VG_IOC_TRUE);
	assert_int_equal(nm, 1);
	item11(b1, sizeof(b1), "is", "false", "false", "PortItem/localIP", "IP", "127.0.0.1");
	assert_int_equal(scan1(b1, false, 0, NULL, NULL), VG_IOC_TRUE);
	close(s);
	/* Ports not collected: unknown. */
	assert_int_equal(scan1(body, true, 0, NULL, NULL), VG_IOC_UNKNOWN);
}

static void test_system(void **state)
{
	(void)state;
	char b1[1024];
	item11(b1, sizeof(b1), "is", "false", "false", "SystemInfoItem/OS", "string", "linux");
	assert_int_equal(scan1(b1, true, 0, NULL, NULL), VG_IOC_TRUE);
	item11(b1, sizeof(b1), "is", "false", "false", "UserItem/Username", "string", "root");
	assert_int_equal(scan1(b1, true, 0, NULL, NULL), VG_IOC_TRUE);
	item11(b1, sizeof(b1), "is", "false", "false", "DnsEntryItem/Host", "string", "localhost");
	assert_int_equal(scan1(b1, true, 0, NULL, NULL), VG_IOC_TRUE);
	item11(b1, sizeof(b1), "is", "false", "false", "VolumeItem/MountPoint", "string", "/");
	assert_int_equal(scan1(b1, true, 0, NULL, NULL), VG_IOC_TRUE);
	item11(b1, sizeof(b1), "is", "false", "false", "GroupItem/GroupName", "string", "root");
	assert_int_equal(scan1(b1, true, 0, NULL, NULL), VG_IOC_TRUE);
}

/* A tree of files of many sizes (empty, one byte, around the read size, several reads):
 * hashed on several threads, the scan gives what it gives on one — the same answer, the
 * same matches in the same order, the same counts. */
#define TREE_FILES 240

static void tree_path(char *buf, size_t size, int i)
{
	snprintf(buf, size, "%s/tree/d%02d/f%03d.bin", root, i / 20, i);
}

static size_t tree_size(int i)
{
	static const size_t sizes[] = { 0, 1, 63, 4096, 65537, 262143, 262144, 262145, 700001 };
	return sizes[i % 9] + (size_t)i;
}

static void sha256_hex(const unsigned char *d, size_t n, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	assert_int_equal(EVP_Digest(d, n, md, &len, EVP_sha256(), NULL), 1);
	for (unsigned k = 0; k < len; k++)
		snprintf(out + 2 * k, 3, "%02x", md[k]);
}

struct scan_out {
	enum vg_ioc_truth t;
	struct vg_ioc_scan_stats st;
	char *labels;   /* the matches' paths, one a line, in order */
};

static void scan_tree(const char *xml, unsigned threads, struct scan_out *out)
{
	struct vg_ioc *ioc = NULL;
	struct vg_error err;
	char tree[128];
	size_t len = 0;
	FILE *f;

	snprintf(tree, sizeof(tree), "%s/tree", root);
	const char *paths[] = { tree };
	assert_int_equal(vg_ioc_load_memory(xml, strlen(xml), "t", NULL, &ioc, &err), 0);
	struct vg_ioc_scan s = { .paths = paths, .npaths = 1, .no_processes = true, .no_ports = true,
				 .no_system = true, .iocs = &ioc, .niocs = 1, .threads = threads };
	assert_int_equal(vg_ioc_scan_run(&s, &err), 0);
	out->t = s.results[0];
	out->st = s.stats;
	f = open_memstream(&out->labels, &len);
	assert_non_null(f);
	for (size_t i = 0; i < vg_ioc_eval_match_count(s.evals[0]); i++)
		fprintf(f, "%s %s\n", vg_ioc_eval_match(s.evals[0], i)->indicator, vg_ioc_eval_match(s.evals[0], i)->label[0]);
	fclose(f);
	vg_ioc_scan_release(&s);
	vg_ioc_free(ioc);
}

static void test_parallel_hashing(void **state)
{
	(void)state;
	char path[256], hex[65], item[1024], *body = calloc(1, 65536), *xml;
	unsigned char *data = malloc(800000);
	assert_non_null(body);
	assert_non_null(data);
	snprintf(path, sizeof(path), "%s/tree", root);
	mkdir(path, 0755);
	for (int i = 0; i < TREE_FILES; i++) {
		size_t n = tree_size(i);
		if (i % 20 == 0) {
			snprintf(path, sizeof(path), "%s/tree/d%02d", root, i / 20);
			mkdir(path, 0755);
		}
		for (size_t k = 0; k < n; k++)
			data[k] = (unsigned char)(k * 31 + (size_t)i * 7);
		tree_path(path, sizeof(path), i);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		assert_int_equal(fwrite(data, 1, n, f), n);
		fclose(f);
		/* Every 7th file's SHA-256 is looked for; every 11th is looked for by name and
		 * SHA-256 together, one with a wrong hash (the name alone must not do). */
		sha256_hex(data, n, hex);
		if (i % 7 == 0)
			strcat(body, item11(item, sizeof(item), "is", "false", "false", "FileItem/Sha256sum", "sha256", hex));
		if (i % 11 == 0) {
			char name[32];
			snprintf(name, sizeof(name), "f%03d.bin", i);
			if (i == 33)
				hex[0] = hex[0] == '0' ? '1' : '0';
			snprintf(body + strlen(body), 65536 - strlen(body), "<Indicator id=\"n%d\" operator=\"AND\">%s", i,
				 item11(item, sizeof(item), "is", "false", "false", "FileItem/FileName", "string", name));
			snprintf(body + strlen(body), 65536 - strlen(body), "%s</Indicator>",
				 item11(item, sizeof(item), "is", "false", "false", "FileItem/Sha256sum", "sha256", hex));
		}
	}
	xml = doc11("OR", body);
	struct scan_out one, many;
	scan_tree(xml, 1, &one);
	scan_tree(xml, 4, &many);
	assert_int_equal(one.t, VG_IOC_TRUE);
	assert_int_equal(many.t, one.t);
	assert_string_equal(many.labels, one.labels);
	assert_int_equal(many.st.files_seen, TREE_FILES);
	assert_int_equal(many.st.files_seen, one.st.files_seen);
	assert_int_equal(many.st.files_hashed, TREE_FILES);
	assert_int_equal(many.st.files_hashed, one.st.files_hashed);
	assert_int_equal(many.st.bytes_read, one.st.bytes_read);
	assert_int_equal(many.st.files_skipped, 0);
	/* 35 SHA-256 matches (0, 7, ... 238) listed up to the per-unit cap of 32, and the
	 * name-and-hash indicators but n33. */
	assert_non_null(strstr(one.labels, "/tree/d11/f238.bin"));
	assert_non_null(strstr(one.labels, "n22 "));
	assert_null(strstr(one.labels, "n33 "));
	free(one.labels);
	free(many.labels);

	/* A document that needs hashes only of files whose name matches: the probe keeps the
	 * others unread on every thread. */
	free(xml);
	tree_path(path, sizeof(path), 44);
	snprintf(body, 65536, "<Indicator id=\"x\" operator=\"AND\">%s",
		 item11(item, sizeof(item), "is", "false", "false", "FileItem/FileName", "string", "f044.bin"));
	snprintf(body + strlen(body), 65536 - strlen(body), "%s</Indicator>",
		 item11(item, sizeof(item), "is", "false", "false", "FileItem/Md5sum", "md5", "00000000000000000000000000000000"));
	xml = doc11("OR", body);
	scan_tree(xml, 4, &many);
	assert_int_equal(many.t, VG_IOC_FALSE);
	assert_int_equal(many.st.files_hashed, 1);
	assert_int_equal(many.st.bytes_read, tree_size(44));
	free(many.labels);

	for (int i = 0; i < TREE_FILES; i++) {
		tree_path(path, sizeof(path), i);
		unlink(path);
		if (i % 20 == 19) {
			snprintf(path, sizeof(path), "%s/tree/d%02d", root, i / 20);
			rmdir(path);
		}
	}
	snprintf(path, sizeof(path), "%s/tree", root);
	rmdir(path);
	free(xml);
	free(body);
	free(data);
}

/* The hint tested elsewhere (as the agent's parser sandbox does): PCRE2 as there, with the
 * calls counted, and an error for a path that ends with hint_fails_on, as from a sandbox that
 * died testing it. */
static const char *hint_fails_on;
static unsigned hint_calls;

static int hint_elsewhere(void *data, const char *pattern, size_t plen, bool preserve_case, uint32_t match_limit,
			  uint32_t depth_limit, const char *const *values, const size_t *lens, size_t n,
			  enum vg_ioc_truth *out)
{
	size_t tail = hint_fails_on ? strlen(hint_fails_on) : 0;

	hint_calls++;
	for (size_t i = 0; tail && i < n; i++)
		if (lens[i] >= tail && memcmp(values[i] + lens[i] - tail, hint_fails_on, tail) == 0)
			return -EPIPE;
	return vg_ioc_regex_local(data, pattern, plen, preserve_case, match_limit, depth_limit, values, lens, n, out);
}

/* A scan for a file named evil.exe whose --hint is tested by hint_elsewhere(): its return,
 * the result in *t when it is 0. */
static int hint_scan(const char *hint, enum vg_ioc_truth *t, struct vg_ioc_scan_stats *stats, struct vg_error *err)
{
	char b1[1024];
	char *xml = doc11("OR", item11(b1, sizeof(b1), "is", "false", "false", "FileItem/FileName", "string", "evil.exe"));
	struct vg_ioc *ioc = NULL;
	char ex[256];
	int r;

	assert_int_equal(vg_ioc_load_memory(xml, strlen(xml), "t", NULL, &ioc, err), 0);
	snprintf(ex, sizeof(ex), "%s/skip", root);
	const char *paths[] = { root }, *excl[] = { ex };
	struct vg_ioc_scan s = { .paths = paths, .npaths = 1, .excludes = excl, .nexcludes = 1, .no_processes = true,
				 .no_ports = true, .no_system = true, .iocs = &ioc, .niocs = 1, .hint = hint,
				 .hint_regex = { hint_elsewhere, NULL } };
	hint_calls = 0;
	r = vg_ioc_scan_run(&s, err);
	*t = r == 0 ? s.results[0] : VG_IOC_UNKNOWN;
	*stats = s.stats;
	vg_ioc_scan_release(&s);
	vg_ioc_free(ioc);
	free(xml);
	return r;
}

static void test_hint_elsewhere(void **state)
{
	struct vg_ioc_scan_stats st;
	struct vg_error err;
	enum vg_ioc_truth t;

	(void)state;
	/* One call to see that it compiles, then one a file: a/evil.exe is evaluated, not
	 * skip/evil.exe (excluded). */
	assert_int_equal(hint_scan("/a/", &t, &st, &err), 0);
	assert_int_equal(t, VG_IOC_TRUE);
	assert_int_equal(st.files_seen, 5);
	assert_int_equal(hint_calls, 1 + 5);
	assert_int_equal(hint_scan("/b/", &t, &st, &err), 0);
	assert_int_equal(t, VG_IOC_FALSE);
	/* Not compiled there: refused before any file. */
	assert_int_equal(hint_scan("(", &t, &st, &err), -EINVAL);
	assert_non_null(strstr(err.message, "invalid hint '('"));
	assert_int_equal(st.files_seen, 0);
	/* Not tested on a path (the sandbox died): the scan fails rather than pass the files
	 * it could not test for clean, whichever of a/ and b/ comes first. */
	hint_fails_on = "/b/other";
	assert_int_equal(hint_scan("/a/", &t, &st, &err), -EPIPE);
	hint_fails_on = NULL;
	assert_non_null(strstr(err.message, "the hint '/a/' cannot be tested"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_hash_limit),
		cmocka_unit_test(test_process_and_port),
		cmocka_unit_test(test_system),
		cmocka_unit_test(test_parallel_hashing),
		cmocka_unit_test(test_hint_elsewhere),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
