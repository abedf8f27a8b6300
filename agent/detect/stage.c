/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Evaluation on the telemetry's enrichment thread: every event, after the exclusions and
 * before the spool, against the Sigma rules and the armed OpenIOC documents of the snapshot in
 * force.  One matcher lives here (a matcher belongs to one thread); a new snapshot replaces it
 * (and its correlation windows) whole.  Findings wait in a bounded ring for the loop thread;
 * when the ring is full the newest are dropped and counted, never waited for.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "detect/detect.h"
#include "events.h"
#include "log.h"
#include "telemetry/stage.h"

#define TICK_MS 1000
#define PAST_MAX 256     /* evidence of past events kept for correlations */

struct past {
	uint64_t id;
	json_t *evidence;
};

struct vg_det_stage {
	pthread_mutex_t lock;            /* guards pending, the ring and the counters */
	struct vg_det_rules *pending;
	bool has_pending;
	json_t *ring[VG_DET_FINDINGS_MAX];
	size_t head, len;
	int notify_fd;
	struct vg_det_stage_stats stats;

	/* The enrichment thread's own. */
	struct vg_det_rules *rules;
	struct vg_sigma_matcher *m;
	uint64_t next_id;
	int64_t last_tick_ms;
	struct past past[PAST_MAX];
};

int vg_det_stage_new(struct vg_det_stage **out, int notify_fd)
{
	struct vg_det_stage *st = calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	pthread_mutex_init(&st->lock, NULL);
	st->notify_fd = notify_fd;
	st->next_id = 1;
	*out = st;
	return 0;
}

static void forget_past(struct vg_det_stage *st)
{
	for (size_t i = 0; i < PAST_MAX; i++) {
		json_decref(st->past[i].evidence);
		st->past[i].evidence = NULL;
		st->past[i].id = 0;
	}
}

void vg_det_stage_free(struct vg_det_stage *st)
{
	if (!st)
		return;
	vg_sigma_matcher_free(st->m);
	vg_det_rules_unref(st->rules);
	vg_det_rules_unref(st->pending);
	forget_past(st);
	for (size_t i = 0; i < st->len; i++)
		json_decref(st->ring[(st->head + i) % VG_DET_FINDINGS_MAX]);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

void vg_det_stage_publish(struct vg_det_stage *st, struct vg_det_rules *rules)
{
	pthread_mutex_lock(&st->lock);
	vg_det_rules_unref(st->pending);
	st->pending = rules ? vg_det_rules_ref(rules) : NULL;
	st->has_pending = true;
	pthread_mutex_unlock(&st->lock);
}

/* Takes a snapshot published since the last event (enrichment thread). */
static void take_pending(struct vg_det_stage *st)
{
	struct vg_det_rules *next;
	struct vg_sigma_matcher *m = NULL;

	pthread_mutex_lock(&st->lock);
	if (!st->has_pending) {
		pthread_mutex_unlock(&st->lock);
		return;
	}
	next = st->pending;
	st->pending = NULL;
	st->has_pending = false;
	pthread_mutex_unlock(&st->lock);
	if (next && next->set && vg_sigma_matcher_new(next->set, &m) < 0) {
		vg_warn("detection: cannot make a matcher: out of memory");
		m = NULL;
	}
	vg_sigma_matcher_free(st->m);
	vg_det_rules_unref(st->rules);
	forget_past(st);
	st->m = m;
	st->rules = next;
}

static void count(struct vg_det_stage *st, uint64_t *counter, uint64_t n)
{
	pthread_mutex_lock(&st->lock);
	*counter += n;
	pthread_mutex_unlock(&st->lock);
}

/* Hands a finding (reference taken) to the loop thread. */
static void hand_over(struct vg_det_stage *st, json_t *finding)
{
	bool was_empty, full;
	uint64_t one = 1;

	if (!finding)
		return;
	pthread_mutex_lock(&st->lock);
	full = st->len == VG_DET_FINDINGS_MAX;
	was_empty = st->len == 0;
	if (full) {
		st->stats.dropped++;
	} else {
		st->ring[(st->head + st->len) % VG_DET_FINDINGS_MAX] = finding;
		st->len++;
	}
	pthread_mutex_unlock(&st->lock);
	if (full) {
		json_decref(finding);
		return;
	}
	if (was_empty && write(st->notify_fd, &one, sizeof(one)) < 0) {
		/* A full eventfd counter still wakes the loop. */
	}
}

size_t vg_det_stage_take(struct vg_det_stage *st, json_t **out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&st->lock);
	while (n < max && st->len) {
		out[n++] = st->ring[st->head];
		st->head = (st->head + 1) % VG_DET_FINDINGS_MAX;
		st->len--;
	}
	pthread_mutex_unlock(&st->lock);
	return n;
}

void vg_det_stage_stats(struct vg_det_stage *st, struct vg_det_stage_stats *stats)
{
	pthread_mutex_lock(&st->lock);
	*stats = st->stats;
	pthread_mutex_unlock(&st->lock);
}

/* The evidence of the past events a correlation counted, newest last. */
static size_t past_evidence(struct vg_det_stage *st, const struct vg_sigma_match *m, const json_t **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nevent_ids && n < max; i++) {
		const struct past *p = &st->past[m->event_ids[i] % PAST_MAX];

		if (p->evidence && p->id == m->event_ids[i] && p->id != m->event_id)
			out[n++] = p->evidence;
	}
	return n;
}

static void report_matches(struct vg_det_stage *st, const json_t *event, int64_t now_ms)
{
	size_t n = vg_sigma_matcher_count(st->m);

	for (size_t i = 0; i < n; i++) {
		const struct vg_sigma_match *m = vg_sigma_matcher_match(st->m, i);
		const json_t *past[16];
		size_t np = 0;

		if (vg_sigma_rule_info(m->rule)->type != VG_SIGMA_DETECTION)
			np = past_evidence(st, m, past, sizeof(past) / sizeof(past[0]));
		hand_over(st, vg_det_finding_sigma(m, event, past, np, now_ms));
	}
	count(st, &st->stats.matches, n);
}

static uint64_t elapsed_us(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (uint64_t)((b.tv_sec - a->tv_sec) * 1000000 + (b.tv_nsec - a->tv_nsec) / 1000);
}

bool vg_det_stage_event(void *data, json_t *event)
{
	struct vg_det_stage *st = data;
	bool only = json_is_true(json_object_get(event, VG_TEL_DETECT_ONLY));
	json_t *audit = json_object_get(json_object_get(event, "unmapped"), "audit");
	int64_t now_ms = vg_time_ms(), t = json_integer_value(json_object_get(event, "time"));
	struct timespec start;
	uint64_t id, us;
	bool evaluated = false;

	take_pending(st);
	if (!st->rules)
		return !only;
	clock_gettime(CLOCK_MONOTONIC, &start);
	id = st->next_id++;
	if (t <= 0)
		t = now_ms;
	if (st->m && ((vg_sigma_ocsf_sources(event) & st->rules->sources) || json_array_size(audit))) {
		int r = vg_sigma_matcher_eval_ocsf(st->m, event, id, t);

		evaluated = true;
		if (r < 0)
			count(st, &st->stats.errors, 1);
		else if (r > 0)
			report_matches(st, event, now_ms);
		if (st->rules->correlations) {
			struct past *p = &st->past[id % PAST_MAX];

			json_decref(p->evidence);
			p->id = id;
			p->evidence = vg_det_evidence(event, -1);
		}
	}
	if (st->rules->nwatches) {
		json_t *found = vg_det_ioc_eval(st->rules, event, now_ms), *f;
		size_t i;

		evaluated = true;
		json_array_foreach(found, i, f)
			hand_over(st, json_incref(f));
		if (json_array_size(found))
			count(st, &st->stats.ioc_matches, json_array_size(found));
		json_decref(found);
	}
	us = elapsed_us(&start);
	pthread_mutex_lock(&st->lock);
	st->stats.events++;
	if (evaluated) {
		st->stats.evaluated++;
		st->stats.total_eval_us += us;
		if (us > st->stats.max_eval_us)
			st->stats.max_eval_us = us;
	}
	pthread_mutex_unlock(&st->lock);
	/* The records served the rules; the stored event keeps its OCSF fields only. */
	if (audit && !only)
		json_object_del(json_object_get(event, "unmapped"), "audit");
	return !only;
}

void vg_det_stage_idle(void *data)
{
	struct vg_det_stage *st = data;
	int64_t now = vg_time_ms();
	int r;

	take_pending(st);
	if (!st->m || now - st->last_tick_ms < TICK_MS)
		return;
	st->last_tick_ms = now;
	/* Windows that close now decide the correlations with an upper bound. */
	if ((r = vg_sigma_matcher_tick(st->m, now)) > 0)
		report_matches(st, NULL, now);
}
