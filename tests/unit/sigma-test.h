/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test helpers: Sigma rules written inline, OCSF events written as JSON with single quotes. */
#ifndef VIGIL_TEST_SIGMA_H
#define VIGIL_TEST_SIGMA_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/error.h"
#include "vigil/sigma.h"

/* A rule for a log source: the head, then the detection's lines (indented by four). */
#define RULE_HEAD(cat) "title: test rule\nid: 00000000-0000-4000-8000-000000000001\nlogsource:\n    product: linux\n    " cat "\ndetection:\n"
#define PC(det) RULE_HEAD("category: process_creation") det
#define NET(det) RULE_HEAD("category: network_connection") det
#define FILEV(det) RULE_HEAD("category: file_event") det
#define AUDIT(det) RULE_HEAD("service: auditd") det

/* Events, with single quotes for double ones. */
#define PROC(fields) "{'class_uid':1007,'activity_id':1,'process':{" fields "}}"
#define PROC_X(fields, extra) "{'class_uid':1007,'activity_id':1,'process':{" fields "}," extra "}"
#define NETEV(fields) "{'class_uid':4001,'activity_id':1," fields "}"
#define FILEEV(act, fields) "{'class_uid':1001,'activity_id':" #act "," fields "}"
#define RECORDS(recs) "{'class_uid':1007,'activity_id':2,'unmapped':{'audit':[" recs "]}}"

static inline json_t *sigma_json(const char *text)
{
	char *copy = strdup(text);
	json_error_t e;
	json_t *j;

	for (char *p = copy; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(copy, 0, &e);
	if (!j)
		fprintf(stderr, "bad test JSON (%s): %s\n", e.text, copy);
	free(copy);
	return j;
}

/* A compiled set of the rules in yaml (name test.yml); the limits may be NULL, and regex (NULL:
 * PCRE2 here) evaluates the regular expressions. */
static inline struct vg_sigma_set *sigma_set_regex(const char *yaml, const struct vg_sigma_limits *lim,
						   const struct vg_sigma_regex *regex)
{
	struct vg_sigma_set *set = NULL;
	struct vg_error err;

	vg_error_clear(&err);
	if (vg_sigma_set_new(lim, &set) < 0 || vg_sigma_set_regex(set, regex) < 0) {
		vg_sigma_set_free(set);
		return NULL;
	}
	vg_sigma_set_add_memory(set, yaml, strlen(yaml), "test.yml", &err);
	if (vg_sigma_set_compile(set, &err) < 0) {
		vg_sigma_set_free(set);
		return NULL;
	}
	return set;
}

static inline struct vg_sigma_set *sigma_set_lim(const char *yaml, const struct vg_sigma_limits *lim)
{
	return sigma_set_regex(yaml, lim, NULL);
}

static inline struct vg_sigma_set *sigma_set(const char *yaml)
{
	return sigma_set_lim(yaml, NULL);
}

/* The first reject's message ("" when the rule loaded), in a buffer of the caller. */
static inline const char *sigma_reject(const char *yaml, char *buf, size_t size)
{
	struct vg_sigma_set *set = sigma_set(yaml);

	buf[0] = '\0';
	if (set && vg_sigma_set_reject_count(set))
		snprintf(buf, size, "%s", vg_sigma_set_reject(set, 0)->error.message);
	vg_sigma_set_free(set);
	return buf;
}

/* How many matches the event gives against the set (a new matcher each time). */
static inline int sigma_count(const struct vg_sigma_set *set, const char *event)
{
	struct vg_sigma_matcher *m = NULL;
	json_t *j = sigma_json(event);
	int n;

	if (!j || vg_sigma_matcher_new(set, &m) < 0) {
		json_decref(j);
		return -1;
	}
	n = vg_sigma_matcher_eval_ocsf(m, j, 1, 1000);
	vg_sigma_matcher_free(m);
	json_decref(j);
	return n;
}

/* 1 when the rule (which must load) matches the event, 0 when not, -1 when it was refused. */
static inline int sigma_hit(const char *yaml, const char *event)
{
	struct vg_sigma_set *set = sigma_set(yaml);
	int n;

	if (!set)
		return -1;
	if (vg_sigma_set_rule_count(set) == 0) {
		if (vg_sigma_set_reject_count(set))
			fprintf(stderr, "refused: %s\n", vg_sigma_set_reject(set, 0)->error.message);
		vg_sigma_set_free(set);
		return -1;
	}
	n = sigma_count(set, event);
	vg_sigma_set_free(set);
	return n > 0 ? 1 : n;
}

#endif
