/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "log.h"
#include "loop.h"
#include "nls.h"
#include "spool.h"
#include "store.h"
#include "telemetry/queue.h"
#include "telemetry/writer.h"
#include "vigil/error.h"

/* The caps are checked at most this often (or at once when a batch went over the size cap). */
#define ENFORCE_PERIOD_MS 10000

struct vg_tel_writer {
	struct vg_tel_writer_config cfg;
	struct vg_store *store;
	struct vg_spool *spool;
	struct vg_tq *queue;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	pthread_mutex_t lock; /* guards the counters and caps below */
	uint64_t stored, spool_dropped, errors, lost_on_error;
	int64_t last_commit_ms;
	uint64_t max_bytes, max_age_s;
};

static void flush(struct vg_tel_writer *w, json_t **batch, size_t n)
{
	struct vg_error err = { 0 };
	int r = vg_spool_append(w->spool, batch, n, &err);

	pthread_mutex_lock(&w->lock);
	if (r < 0) {
		w->errors++;
		w->lost_on_error += n;
	} else {
		w->stored += n;
		w->last_commit_ms = vg_time_ms();
	}
	pthread_mutex_unlock(&w->lock);
	if (r < 0)
		vg_error_log("spool: %zu events lost: %s", n, err.message);
	for (size_t i = 0; i < n; i++)
		json_decref(batch[i]);
}

static void enforce(struct vg_tel_writer *w)
{
	struct vg_error err = { 0 };
	uint64_t max_bytes, max_age, dropped = 0;

	pthread_mutex_lock(&w->lock);
	max_bytes = w->max_bytes;
	max_age = w->max_age_s;
	pthread_mutex_unlock(&w->lock);
	if (vg_spool_enforce(w->spool, max_bytes, max_age, &dropped, &err) < 0) {
		vg_warn("spool: %s", err.message);
		return;
	}
	if (dropped) {
		pthread_mutex_lock(&w->lock);
		w->spool_dropped += dropped;
		pthread_mutex_unlock(&w->lock);
		vg_warn("spool full: %llu unsent events dropped", (unsigned long long)dropped);
	}
}

static void *writer_main(void *data)
{
	struct vg_tel_writer *w = data;
	size_t cap = w->cfg.batch_max;
	json_t **batch = calloc(cap, sizeof(*batch));
	uint64_t last_enforce = 0;

	if (!batch)
		return NULL;
	for (;;) {
		uint64_t deadline = vg_now_ms() + w->cfg.flush_ms;
		bool stopping;
		size_t n = 0;

		/* Gather for one flush interval, or until the batch is full. */
		for (;;) {
			uint64_t now = vg_now_ms();

			stopping = atomic_load(&w->stop);
			if (n == cap || now >= deadline || stopping)
				break;
			/* Woken once the batch can be filled, or at the deadline: not per event. */
			n += vg_tq_pop_batch(w->queue, batch + n, cap - n, cap - n, (unsigned)(deadline - now));
		}
		if (stopping)
			n += vg_tq_pop(w->queue, batch + n, cap - n, 0);
		if (n)
			flush(w, batch, n);
		if (vg_now_ms() - last_enforce >= ENFORCE_PERIOD_MS || stopping) {
			enforce(w);
			last_enforce = vg_now_ms();
		}
		if (stopping && vg_tq_length(w->queue) == 0)
			break;
	}
	free(batch);
	return NULL;
}

int vg_tel_writer_new(struct vg_tel_writer **out, const struct vg_tel_writer_config *cfg, struct vg_error *err)
{
	struct vg_tel_writer *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	w->cfg = *cfg;
	if (w->cfg.batch_max == 0)
		w->cfg.batch_max = 1;
	if (w->cfg.flush_ms == 0)
		w->cfg.flush_ms = 1000;
	w->max_bytes = cfg->max_bytes;
	w->max_age_s = cfg->max_age_s;
	pthread_mutex_init(&w->lock, NULL);
	atomic_init(&w->stop, false);
	if ((r = vg_store_open(&w->store, cfg->db_path, err)) < 0 ||
	    (r = vg_spool_open(&w->spool, w->store, err)) < 0)
		goto fail;
	if ((r = vg_tq_new(&w->queue, cfg->queue_max, -1)) < 0) {
		r = vg_error_set(err, r, N_("out of memory"));
		goto fail;
	}
	if ((r = -pthread_create(&w->thread, NULL, writer_main, w)) < 0) {
		r = vg_error_set(err, r, N_("cannot start the spool writer: %s"), strerror(-r));
		goto fail;
	}
	pthread_setname_np(w->thread, "vg-spool");
	w->started = true;
	*out = w;
	return 0;
fail:
	vg_tel_writer_free(w);
	return r;
}

void vg_tel_writer_free(struct vg_tel_writer *w)
{
	if (!w)
		return;
	if (w->started) {
		atomic_store(&w->stop, true);
		vg_tq_wake(w->queue);
		pthread_join(w->thread, NULL);
	}
	vg_tq_free(w->queue);
	vg_spool_close(w->spool);
	vg_store_close(w->store);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

void vg_tel_writer_push(struct vg_tel_writer *w, json_t *ev)
{
	vg_tq_push(w->queue, ev);
}

void vg_tel_writer_set_caps(struct vg_tel_writer *w, uint64_t max_bytes, uint64_t max_age_s, size_t queue_max)
{
	pthread_mutex_lock(&w->lock);
	w->max_bytes = max_bytes;
	w->max_age_s = max_age_s;
	pthread_mutex_unlock(&w->lock);
	vg_tq_set_cap(w->queue, queue_max);
}

void vg_tel_writer_stats(struct vg_tel_writer *w, struct vg_tel_writer_stats *st)
{
	pthread_mutex_lock(&w->lock);
	st->stored = w->stored;
	st->spool_dropped = w->spool_dropped;
	st->errors = w->errors;
	st->lost_on_error = w->lost_on_error;
	st->last_commit_ms = w->last_commit_ms;
	pthread_mutex_unlock(&w->lock);
	st->queue_dropped = vg_tq_dropped(w->queue);
	st->queued = vg_tq_length(w->queue);
}
