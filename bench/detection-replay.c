/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * detection-replay: a benchmark (not a test) of the Sigma engine, run by bench/detection.
 *
 *   detection-replay EVENTS.jsonl [RULES_DIR|RULE_FILE...]
 *
 * Reads a stream of OCSF events (one JSON object a line) into memory, then evaluates it again
 * and again on one core through a matcher, first over a set with no rules (the baseline: the
 * cost of reading the events' sources and looping), then over the rules given (the shared
 * corpus in bench/detection), for at least two seconds of CPU each.  Prints events per second
 * for both, the CPU time per event, and what the prefilters let through.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "vigil/error.h"
#include "vigil/sigma.h"

#define MIN_CPU_SECONDS 2.0

struct stream {
	json_t **ev;
	int64_t *time;
	size_t n, cap;
};

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int read_stream(const char *path, struct stream *s)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t size = 0;

	if (!f)
		return -errno;
	while (getline(&line, &size, f) > 0) {
		json_t *j = json_loads(line, 0, NULL);

		if (!json_is_object(j)) {
			json_decref(j);
			continue;
		}
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 1024;
			s->ev = realloc(s->ev, s->cap * sizeof(*s->ev));
			s->time = realloc(s->time, s->cap * sizeof(*s->time));
			if (!s->ev || !s->time)
				return -ENOMEM;
		}
		s->time[s->n] = json_integer_value(json_object_get(j, "time"));
		s->ev[s->n++] = j;
	}
	free(line);
	fclose(f);
	return 0;
}

/* Evaluates the stream until MIN_CPU_SECONDS of CPU; returns events per second. */
static double run(const struct vg_sigma_set *set, const struct stream *s, uint64_t *matches, double *candidates)
{
	struct vg_sigma_matcher *m;
	struct vg_sigma_stats st;
	double t0, spent = 0;
	uint64_t events = 0, found = 0;

	if (vg_sigma_matcher_new(set, &m) < 0)
		return 0;
	/* One pass to warm the caches and the JIT. */
	for (size_t i = 0; i < s->n; i++)
		vg_sigma_matcher_eval_ocsf(m, s->ev[i], i, s->time[i]);
	t0 = thread_cpu();
	while (spent < MIN_CPU_SECONDS) {
		for (size_t i = 0; i < s->n; i++) {
			int k = vg_sigma_matcher_eval_ocsf(m, s->ev[i], i, s->time[i]);

			found += k > 0 ? (uint64_t)k : 0;
		}
		events += s->n;
		spent = thread_cpu() - t0;
	}
	vg_sigma_matcher_stats(m, &st);
	*matches = found * s->n / events;
	*candidates = st.events ? (double)st.candidates / (double)st.events : 0;
	vg_sigma_matcher_free(m);
	return (double)events / spent;
}

static void describe_stream(const struct stream *s)
{
	size_t count[VG_SIGMA_SRC_COUNT] = { 0 }, records = 0, none = 0;

	for (size_t i = 0; i < s->n; i++) {
		unsigned src = vg_sigma_ocsf_sources(s->ev[i]);
		const json_t *audit = json_object_get(json_object_get(s->ev[i], "unmapped"), "audit");

		records += json_array_size(audit);
		none += src == 0;
		for (unsigned b = 0; b < VG_SIGMA_SRC_COUNT; b++)
			count[b] += (src >> b) & 1;
	}
	printf("# stream: %zu events:", s->n);
	for (unsigned b = 0; b < VG_SIGMA_SRC_COUNT; b++)
		if (count[b])
			printf(" %s %zu,", vg_sigma_source_name(1u << b), count[b]);
	printf(" other %zu; %zu audit records\n", none, records);
}

int main(int argc, char **argv)
{
	struct stream s = { 0 };
	struct vg_sigma_set *rules, *empty;
	struct vg_error err;
	cpu_set_t one;
	double base, with, cand0, cand1;
	uint64_t m0, m1;
	size_t per_source[VG_SIGMA_SRC_COUNT] = { 0 };
	int r;

	if (argc < 2) {
		fprintf(stderr, "usage: %s EVENTS.jsonl [RULES_DIR|RULE_FILE...]\n", argv[0]);
		return 2;
	}
	/* One core, the one we are on. */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	if ((r = read_stream(argv[1], &s)) < 0 || s.n == 0) {
		fprintf(stderr, "%s: no events read from %s (%s)\n", argv[0], argv[1], r < 0 ? strerror(-r) : "empty");
		return 1;
	}
	if (vg_sigma_set_new(NULL, &rules) < 0 || vg_sigma_set_new(NULL, &empty) < 0)
		return 1;
	for (int i = 2; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			vg_sigma_set_add_dir(rules, argv[i], &err);
		else
			vg_sigma_set_add_file(rules, argv[i], &err);
	}
	if (vg_sigma_set_compile(rules, &err) < 0 || vg_sigma_set_compile(empty, &err) < 0) {
		fprintf(stderr, "%s: %s\n", argv[0], err.message);
		return 1;
	}
	for (size_t i = 0; i < vg_sigma_set_rule_count(rules); i++) {
		unsigned src = vg_sigma_rule_info(vg_sigma_set_rule(rules, i))->sources;

		for (unsigned b = 0; b < VG_SIGMA_SRC_COUNT; b++)
			per_source[b] += (src >> b) & 1;
	}
	describe_stream(&s);
	printf("# rules: %zu loaded (", vg_sigma_set_rule_count(rules));
	for (unsigned b = 0; b < VG_SIGMA_SRC_COUNT; b++)
		if (per_source[b])
			printf("%s%s %zu", b ? ", " : "", vg_sigma_source_name(1u << b), per_source[b]);
	printf("), %zu refused (their log source has no events, or broken)\n", vg_sigma_set_reject_total(rules));
	base = run(empty, &s, &m0, &cand0);
	with = run(rules, &s, &m1, &cand1);
	printf("no rules:  %.0f events/s (%.2f us per event) [baseline]\n", base, 1e6 / base);
	printf("rules:     %.0f events/s (%.2f us per event), %.1f rules evaluated per event after the prefilters,"
	       " %llu matches per pass\n", with, 1e6 / with, cand1, (unsigned long long)m1);
	printf("goal:      100000 events/s with the rules on one core: %s\n", with >= 100000 ? "met" : "NOT met");
	for (size_t i = 0; i < s.n; i++)
		json_decref(s.ev[i]);
	free(s.ev);
	free(s.time);
	vg_sigma_set_free(rules);
	vg_sigma_set_free(empty);
	return 0;
}
