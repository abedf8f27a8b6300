/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The detection's regular expressions that vigild neither compiles nor runs: those of the Sigma
 * rules the server sends and those of every armed OpenIOC document.  They are checked and
 * matched in a parser sandbox of the detection's own, a worker apart from the one that parses
 * documents and serves scans, so that the enrichment thread never waits behind a scan's
 * request.  The thread waits for its own requests: one value for a Sigma test, the values of an
 * item for OpenIOC.  The answers are remembered in a bounded table keyed by the pattern, its
 * options and the value, so that a command line or a path seen again costs no round trip.  A
 * worker that cannot answer makes the test false, counted, and never holds the events long:
 * its answer must come within twice its CPU time plus one second, or it is killed, and while
 * it keeps dying the requests fail at once rather than wait for its backoff.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "nls.h"
#include "scan/check.h"

#define SLOTS 4096              /* answers remembered */
#define WAYS 4                  /* slots a key may take: the least recently used one goes */
#define KEY_MAX 512             /* pattern and value longer together are not remembered */
#define CPU_SECONDS_MAX 2       /* per request, below agent.sandbox_cpu_seconds when that is more */
#define MARGIN_MS 1000

struct slot {
	uint64_t hash;
	uint64_t used;          /* the table's clock when last found or set */
	char *key;              /* NULL: empty */
	uint32_t len;
	enum vg_ioc_truth truth;
};

struct vg_det_regex {
	atomic_int refs;
	struct vg_scan_regex scan;    /* the worker and its limits, as a scan's regex.match has them */
	struct vg_sigma_regex sigma;
	struct vg_ioc_regex ioc;
	pthread_mutex_t lock;   /* the table and the counters */
	struct slot slots[SLOTS];
	uint64_t clock;
	uint64_t round_trips, hits, unknown;
};

/* The key: dialect, options, the pattern's length, the pattern, the value. */
static size_t make_key(char *key, char dialect, uint32_t flags, const char *pattern, size_t plen, const char *value,
		       size_t len)
{
	uint32_t p32 = (uint32_t)plen;

	if (plen + 9 > KEY_MAX || len > KEY_MAX - 9 - plen)
		return 0;
	key[0] = dialect;
	memcpy(key + 1, &flags, 4);
	memcpy(key + 5, &p32, 4);
	memcpy(key + 9, pattern, plen);
	memcpy(key + 9 + plen, value, len);
	return 9 + plen + len;
}

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	/* FNV's low bits, which pick the set, depend only on the bytes' low bits: mixed down. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

/* The WAYS slots where the key of hash h may be. */
static struct slot *ways_of(struct vg_det_regex *rx, uint64_t h)
{
	return &rx->slots[(h % (SLOTS / WAYS)) * WAYS];
}

static bool lookup(struct vg_det_regex *rx, const char *key, size_t len, uint64_t h, enum vg_ioc_truth *truth)
{
	struct slot *w = ways_of(rx, h);
	bool found = false;

	pthread_mutex_lock(&rx->lock);
	for (size_t i = 0; i < WAYS && !found; i++) {
		struct slot *s = &w[i];

		if (s->key && s->hash == h && s->len == len && memcmp(s->key, key, len) == 0) {
			*truth = s->truth;
			s->used = ++rx->clock;
			rx->hits++;
			found = true;
		}
	}
	pthread_mutex_unlock(&rx->lock);
	return found;
}

static void remember(struct vg_det_regex *rx, const char *key, size_t len, uint64_t h, enum vg_ioc_truth truth)
{
	struct slot *w = ways_of(rx, h), *s = w;
	char *copy = malloc(len);

	if (!copy)
		return;
	memcpy(copy, key, len);
	pthread_mutex_lock(&rx->lock);
	for (size_t i = 1; i < WAYS && s->key; i++)
		if (!w[i].key || w[i].used < s->used)
			s = &w[i];
	free(s->key);
	*s = (struct slot){ .hash = h, .used = ++rx->clock, .key = copy, .len = (uint32_t)len, .truth = truth };
	pthread_mutex_unlock(&rx->lock);
}

/* A vg_sigma_regex_fn's answer for a truth. */
static int truth_result(enum vg_ioc_truth truth)
{
	return truth == VG_IOC_TRUE ? 1 : truth == VG_IOC_FALSE ? 0 : -ERANGE;
}

static void counted(struct vg_det_regex *rx, uint64_t trips, uint64_t unknown)
{
	pthread_mutex_lock(&rx->lock);
	rx->round_trips += trips;
	rx->unknown += unknown;
	pthread_mutex_unlock(&rx->lock);
}

/* A vg_sigma_regex_fn. */
static int sigma_match(void *data, const char *pattern, size_t plen, uint32_t flags, uint32_t match_limit,
		       uint32_t depth_limit, const char *value, size_t len)
{
	struct vg_det_regex *rx = data;
	char key[KEY_MAX];
	size_t klen = value ? make_key(key, 's', flags, pattern, plen, value, len) : 0;
	uint64_t h = klen ? fnv1a(key, klen) : 0;
	enum vg_ioc_truth truth = VG_IOC_UNKNOWN;
	json_t *header;
	int r;

	if (klen && lookup(rx, key, klen, h, &truth))
		return truth_result(truth);
	header = json_pack("{s:s, s:s, s:s%, s:I, s:I, s:I, s:I}", "op", "regex.match", "dialect", "sigma", "pattern",
			   pattern, plen, "flags", (json_int_t)flags, "match_limit", (json_int_t)match_limit,
			   "depth_limit", (json_int_t)depth_limit, "count", (json_int_t)(value ? 1 : 0));
	if (!header)
		return -ENOMEM;
	/* Without a value: only whether it compiles (a rule being added). */
	r = vg_sandbox_regex_call(rx->scan.sandbox, &rx->scan.limits, header, &value, &len, value ? 1 : 0, &truth);
	json_decref(header);
	counted(rx, 1, value && (r < 0 || truth == VG_IOC_UNKNOWN));
	if (!value || r < 0)
		return r;
	if (klen)
		remember(rx, key, klen, h, truth);
	return truth_result(truth);
}

/* A vg_ioc_regex_fn: the values not remembered go in one request. */
static int ioc_match(void *data, const char *pattern, size_t plen, bool preserve_case, uint32_t match_limit,
		     uint32_t depth_limit, const char *const *values, const size_t *lens, size_t n,
		     enum vg_ioc_truth *out)
{
	struct vg_det_regex *rx = data;
	const char **ask = calloc(n ? n : 1, sizeof(*ask));
	size_t *ask_lens = calloc(n ? n : 1, sizeof(*ask_lens)), *at = calloc(n ? n : 1, sizeof(*at)), nask = 0;
	enum vg_ioc_truth *got = calloc(n ? n : 1, sizeof(*got));
	char key[KEY_MAX];
	int r = -ENOMEM;

	if (!ask || !ask_lens || !at || !got)
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t klen = make_key(key, 'i', preserve_case, pattern, plen, values[i], lens[i]);

		if (!klen || !lookup(rx, key, klen, fnv1a(key, klen), &out[i])) {
			ask[nask] = values[i];
			ask_lens[nask] = lens[i];
			at[nask++] = i;
		}
	}
	if (!nask) {
		r = 0;
		goto out;
	}
	r = vg_scan_regex_sandboxed(&rx->scan, pattern, plen, preserve_case, match_limit, depth_limit, ask, ask_lens,
				    nask, got);
	if (r < 0) {
		counted(rx, 1, nask);
		goto out;
	}
	counted(rx, 1, 0);
	for (size_t k = 0; k < nask; k++) {
		size_t i = at[k], klen = make_key(key, 'i', preserve_case, pattern, plen, values[i], lens[i]);

		out[i] = got[k];
		if (got[k] == VG_IOC_UNKNOWN)
			counted(rx, 0, 1);
		if (klen)
			remember(rx, key, klen, fnv1a(key, klen), got[k]);
	}
out:
	free(ask);
	free(ask_lens);
	free(at);
	free(got);
	return r;
}

int vg_det_regex_new(struct vg_agent *agent, struct vg_det_regex **out, struct vg_error *err)
{
	struct vg_det_regex *rx = calloc(1, sizeof(*rx));
	int r;

	*out = NULL;
	if (!rx)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if ((r = vg_sandbox_new(agent->sandbox_worker, &rx->scan.sandbox, err)) < 0) {
		free(rx);
		return r;
	}
	atomic_init(&rx->refs, 1);
	vg_sandbox_set_impatient(rx->scan.sandbox);
	/* Taken when the detection starts: a change of the settings applies at the next start. */
	vg_agent_sandbox_limits(agent, &rx->scan.limits);
	if (rx->scan.limits.cpu_seconds > CPU_SECONDS_MAX)
		rx->scan.limits.cpu_seconds = CPU_SECONDS_MAX;
	rx->scan.limits.margin_ms = MARGIN_MS;
	rx->sigma = (struct vg_sigma_regex){ .match = sigma_match, .data = rx };
	rx->ioc = (struct vg_ioc_regex){ .match = ioc_match, .data = rx };
	pthread_mutex_init(&rx->lock, NULL);
	*out = rx;
	return 0;
}

struct vg_det_regex *vg_det_regex_ref(struct vg_det_regex *rx)
{
	if (rx)
		atomic_fetch_add(&rx->refs, 1);
	return rx;
}

void vg_det_regex_unref(struct vg_det_regex *rx)
{
	if (!rx || atomic_fetch_sub(&rx->refs, 1) != 1)
		return;
	vg_sandbox_free(rx->scan.sandbox);
	for (size_t i = 0; i < SLOTS; i++)
		free(rx->slots[i].key);
	pthread_mutex_destroy(&rx->lock);
	free(rx);
}

void vg_det_regex_shutdown(struct vg_det_regex *rx)
{
	if (rx)
		vg_sandbox_shutdown(rx->scan.sandbox);
}

const struct vg_sigma_regex *vg_det_regex_sigma(const struct vg_det_regex *rx)
{
	return rx ? &rx->sigma : NULL;
}

const struct vg_ioc_regex *vg_det_regex_ioc(const struct vg_det_regex *rx)
{
	return rx ? &rx->ioc : NULL;
}

json_t *vg_det_regex_status(struct vg_det_regex *rx)
{
	json_t *o = vg_sandbox_status(rx->scan.sandbox);

	pthread_mutex_lock(&rx->lock);
	json_object_set_new(o, "round_trips", json_integer((json_int_t)rx->round_trips));
	json_object_set_new(o, "cache_hits", json_integer((json_int_t)rx->hits));
	json_object_set_new(o, "unknown", json_integer((json_int_t)rx->unknown));
	pthread_mutex_unlock(&rx->lock);
	return o;
}
