/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "json-weight.h"
#include "telemetry/queue.h"

/* Events weighed at once, before the lock is taken. */
#define WEIGH_BATCH 256

/* A ring buffer; its storage grows on demand up to cap so that an idle agent stays small. */
struct vg_tq {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	json_t **ring;
	size_t *weights;    /* each queued event's weight (json-weight.h), beside it in the ring */
	size_t alloc, head, len, cap;
	size_t bytes, max_bytes;
	size_t want;        /* the waiting consumer is woken once this many are queued */
	uint64_t dropped;
	bool woken;
	int notify_fd;
};

int vg_tq_new(struct vg_tq **out, size_t cap, int notify_fd)
{
	struct vg_tq *q = calloc(1, sizeof(*q));
	pthread_condattr_t ca;

	if (!q)
		return -ENOMEM;
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &ca);
	pthread_condattr_destroy(&ca);
	q->cap = cap ? cap : 1;
	q->want = 1;
	q->notify_fd = notify_fd;
	*out = q;
	return 0;
}

void vg_tq_free(struct vg_tq *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->len; i++)
		json_decref(q->ring[(q->head + i) % q->alloc]);
	free(q->ring);
	free(q->weights);
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

/* Doubles the ring (up to cap), keeping the order.  Called with the lock held. */
static bool grow(struct vg_tq *q)
{
	size_t n = q->alloc ? q->alloc * 2 : 64;
	json_t **ring;
	size_t *weights;

	if (n > q->cap)
		n = q->cap;
	if (n <= q->alloc)
		return false;
	ring = malloc(n * sizeof(*ring));
	weights = malloc(n * sizeof(*weights));
	if (!ring || !weights) {
		free(ring);
		free(weights);
		return false;
	}
	for (size_t i = 0; i < q->len; i++) {
		ring[i] = q->ring[(q->head + i) % q->alloc];
		weights[i] = q->weights[(q->head + i) % q->alloc];
	}
	free(q->ring);
	free(q->weights);
	q->ring = ring;
	q->weights = weights;
	q->alloc = n;
	q->head = 0;
	return true;
}

/* Queues one event of weight w with the lock held; false when there is no room (an event is
 * always let into an empty queue, however heavy). */
static bool put(struct vg_tq *q, json_t *ev, size_t w)
{
	if (q->len >= q->cap || !vg_json_weight_fits(q->bytes, w, q->max_bytes) || (q->len == q->alloc && !grow(q))) {
		q->dropped++;
		return false;
	}
	q->ring[(q->head + q->len) % q->alloc] = ev;
	q->weights[(q->head + q->len) % q->alloc] = w;
	q->bytes += w;
	q->len++;
	return true;
}

size_t vg_tq_push_many(struct vg_tq *q, json_t **evs, size_t n)
{
	size_t queued = 0, weights[WEIGH_BATCH];
	bool was_empty = false;

	for (size_t at = 0; at < n; at += WEIGH_BATCH) {
		size_t m = n - at < WEIGH_BATCH ? n - at : WEIGH_BATCH;

		for (size_t i = 0; i < m; i++)
			weights[i] = vg_json_weight(evs[at + i]);
		pthread_mutex_lock(&q->lock);
		was_empty = was_empty || q->len == 0;
		for (size_t i = 0; i < m; i++) {
			if (put(q, evs[at + i], weights[i]))
				queued++;
			else
				json_decref(evs[at + i]);
		}
		if (at + m < n)
			pthread_mutex_unlock(&q->lock);
	}
	if (!n)
		return 0;
	if (q->len >= q->want)
		pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	if (was_empty && queued && q->notify_fd >= 0) {
		uint64_t one = 1;

		if (write(q->notify_fd, &one, sizeof(one)) < 0) {
			/* A full eventfd counter still wakes the reader: nothing to do. */
		}
	}
	return queued;
}

bool vg_tq_push(struct vg_tq *q, json_t *ev)
{
	return vg_tq_push_many(q, &ev, 1) == 1;
}

size_t vg_tq_pop_batch(struct vg_tq *q, json_t **out, size_t max, size_t want, unsigned wait_ms)
{
	size_t n = 0;

	if (want < 1)
		want = 1;
	if (want > max)
		want = max;
	pthread_mutex_lock(&q->lock);
	if (q->len < want && wait_ms && !q->woken) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += wait_ms / 1000;
		ts.tv_nsec += (long)(wait_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		q->want = want;
		while (q->len < want && !q->woken)
			if (pthread_cond_timedwait(&q->cond, &q->lock, &ts) == ETIMEDOUT)
				break;
		q->want = 1;
	}
	q->woken = false;
	while (n < max && q->len) {
		q->bytes -= q->weights[q->head];
		out[n++] = q->ring[q->head];
		q->head = (q->head + 1) % q->alloc;
		q->len--;
	}
	pthread_mutex_unlock(&q->lock);
	return n;
}

size_t vg_tq_pop(struct vg_tq *q, json_t **out, size_t max, unsigned wait_ms)
{
	return vg_tq_pop_batch(q, out, max, 1, wait_ms);
}

void vg_tq_wake(struct vg_tq *q)
{
	pthread_mutex_lock(&q->lock);
	q->woken = true;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

size_t vg_tq_length(struct vg_tq *q)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	n = q->len;
	pthread_mutex_unlock(&q->lock);
	return n;
}

uint64_t vg_tq_dropped(struct vg_tq *q)
{
	uint64_t n;

	pthread_mutex_lock(&q->lock);
	n = q->dropped;
	pthread_mutex_unlock(&q->lock);
	return n;
}

void vg_tq_set_cap(struct vg_tq *q, size_t cap, size_t max_bytes)
{
	pthread_mutex_lock(&q->lock);
	q->cap = cap ? cap : 1;
	q->max_bytes = max_bytes;
	pthread_mutex_unlock(&q->lock);
}

size_t vg_tq_bytes(struct vg_tq *q)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	n = q->bytes;
	pthread_mutex_unlock(&q->lock);
	return n;
}
