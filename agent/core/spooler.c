/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "json-weight.h"
#include "log.h"
#include "loop.h"
#include "nls.h"
#include "spooler.h"
#include "store.h"
#include "vigil/error.h"
#include "workers.h"

/* The caps are applied this often; the WAL is checkpointed at the same time. */
#define ENFORCE_PERIOD_MS 10000
#define DEFAULT_QUEUE_MAX 65536

struct vg_spooler {
	struct vg_loop *loop;
	struct vg_workers *thread;         /* one thread: the spool thread */
	char *db_path;
	/* The spool thread's own. */
	struct vg_store *store;
	struct vg_spool *spool;
	/* The loop thread's own. */
	json_t **queue;                    /* events waiting for a flush, oldest first */
	size_t *weights;                   /* each one's weight (json-weight.h) */
	size_t nqueue, alloc, queue_max;
	size_t bytes, max_queue_bytes;     /* queued and in flight; their bound (0: none) */
	size_t in_flight, in_flight_bytes; /* events of the flush under way */
	bool open, flushing, enforcing, stopping;
	bool urgent;                       /* a queued event must not wait for the timer */
	struct vg_watch *flush_timer, *enforce_timer;
	uint64_t max_bytes, max_age_s;
	struct vg_spooler_stats st;
};

/* A call: work on the spool thread, done on the loop, and a fresh view of the spool. */
struct call {
	struct vg_spooler *sp;
	vg_spooler_work_fn work;
	vg_spooler_done_fn done;
	void *data;
	struct vg_spool_stats snap;
	bool have_snap;
};

static void call_work(struct vg_job *job, void *data)
{
	struct call *c = data;

	(void)job;
	c->work(c->sp->spool, c->data);
	c->have_snap = c->sp->spool && vg_spool_stats(c->sp->spool, &c->snap, NULL) == 0;
}

static void call_done(struct vg_job *job, void *data)
{
	struct call *c = data;

	(void)job;
	if (c->have_snap)
		c->sp->st.spool = c->snap;
	if (c->done)
		c->done(c->data);
	free(c);
}

int vg_spooler_call(struct vg_spooler *sp, vg_spooler_work_fn work, vg_spooler_done_fn done, void *data)
{
	struct call *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->sp = sp;
	c->work = work;
	c->done = done;
	c->data = data;
	if (!vg_workers_submit(sp->thread, call_work, call_done, c)) {
		free(c);
		return -ENOMEM;
	}
	return 0;
}

/* ---- storing events ---- */

struct flush {
	struct vg_spooler *sp;
	json_t **events;
	size_t n;
	int r;
	struct vg_error err;
};

static void flush_work(struct vg_spool *spool, void *data)
{
	struct flush *f = data;

	vg_error_clear(&f->err);
	f->r = vg_spool_append(spool, f->events, f->n, &f->err);
	for (size_t i = 0; i < f->n; i++)
		json_decref(f->events[i]);
}

static void kick(struct vg_spooler *sp);

static void flush_done(void *data)
{
	struct flush *f = data;
	struct vg_spooler *sp = f->sp;

	sp->flushing = false;
	sp->in_flight = 0;
	sp->bytes -= sp->in_flight_bytes;
	sp->in_flight_bytes = 0;
	if (f->r < 0) {
		sp->st.errors++;
		sp->st.lost_on_error += f->n;
		vg_error_log("spool: %zu events lost: %s", f->n, f->err.message);
	} else {
		sp->st.stored += f->n;
		sp->st.last_commit_ms = vg_time_ms();
	}
	free(f->events);
	free(f);
	/* A full batch waiting goes at once; fewer events wait for the timer. */
	if (sp->nqueue >= VG_SPOOLER_BATCH || sp->urgent)
		kick(sp);
	else if (sp->nqueue && !sp->stopping)
		vg_timer_arm(sp->flush_timer, VG_SPOOLER_FLUSH_MS, 0);
}

/* Hands the oldest events (a batch at most) to the spool thread, unless a flush is under way. */
static void kick(struct vg_spooler *sp)
{
	size_t n = sp->nqueue < VG_SPOOLER_BATCH ? sp->nqueue : VG_SPOOLER_BATCH;
	struct flush *f;

	if (sp->flushing || n == 0)
		return;
	f = calloc(1, sizeof(*f));
	if (!f || !(f->events = malloc(n * sizeof(*f->events)))) {
		free(f);
		return; /* the timer tries again */
	}
	f->sp = sp;
	f->n = n;
	memcpy(f->events, sp->queue, n * sizeof(*f->events));
	if (vg_spooler_call(sp, flush_work, flush_done, f) < 0) {
		free(f->events);
		free(f);
		return;
	}
	sp->in_flight_bytes = 0;
	for (size_t i = 0; i < n; i++)
		sp->in_flight_bytes += sp->weights[i];
	memmove(sp->queue, sp->queue + n, (sp->nqueue - n) * sizeof(*sp->queue));
	memmove(sp->weights, sp->weights + n, (sp->nqueue - n) * sizeof(*sp->weights));
	sp->nqueue -= n;
	sp->urgent = sp->urgent && sp->nqueue > 0;
	sp->in_flight = n;
	sp->flushing = true;
	if (sp->flush_timer) /* gone at stop */
		vg_timer_disarm(sp->flush_timer);
}

static void on_flush_timer(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	(void)w;
	(void)fd;
	(void)events;
	kick(data);
}

void vg_spooler_push(struct vg_spooler *sp, json_t *ev)
{
	size_t w = vg_json_weight(ev);

	/* Bounded in events and in bytes; an event however heavy enters an empty queue. */
	if (sp->nqueue >= sp->queue_max || !vg_json_weight_fits(sp->bytes, w, sp->max_queue_bytes)) {
		sp->st.queue_dropped++;
		json_decref(ev);
		return;
	}
	if (sp->nqueue == sp->alloc) {
		size_t n = sp->alloc ? sp->alloc * 2 : 256;
		json_t **q;
		size_t *ws;

		if (n > sp->queue_max)
			n = sp->queue_max;
		if (!(q = realloc(sp->queue, n * sizeof(*q)))) {
			sp->st.queue_dropped++;
			json_decref(ev);
			return;
		}
		sp->queue = q;
		if (!(ws = realloc(sp->weights, n * sizeof(*ws)))) {
			sp->st.queue_dropped++;
			json_decref(ev);
			return;
		}
		sp->weights = ws;
		sp->alloc = n;
	}
	sp->weights[sp->nqueue] = w;
	sp->bytes += w;
	sp->queue[sp->nqueue++] = ev;
	if (sp->nqueue >= VG_SPOOLER_BATCH)
		kick(sp);
	else if (sp->nqueue == 1 && !sp->flushing)
		vg_timer_arm(sp->flush_timer, VG_SPOOLER_FLUSH_MS, 0);
}

void vg_spooler_push_urgent(struct vg_spooler *sp, json_t *ev)
{
	vg_spooler_push(sp, ev);
	sp->urgent = sp->nqueue > 0;
	kick(sp);
}

/* ---- the caps ---- */

struct enforce {
	struct vg_spooler *sp;
	uint64_t max_bytes, max_age_s, dropped;
	int r;
	struct vg_error err;
};

static void enforce_work(struct vg_spool *spool, void *data)
{
	struct enforce *e = data;

	vg_error_clear(&e->err);
	e->r = vg_spool_enforce(spool, e->max_bytes, e->max_age_s, &e->dropped, &e->err);
	/* The loop's connection leaves checkpoints to this one (agent.c): copy the WAL back now,
	 * without waiting for readers, so that it does not grow while few events come. */
	sqlite3_wal_checkpoint_v2(vg_store_db(e->sp->store), NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

static void enforce_done(void *data)
{
	struct enforce *e = data;

	e->sp->enforcing = false;
	if (e->r < 0) {
		vg_warn("spool: %s", e->err.message);
	} else if (e->dropped) {
		e->sp->st.spool_dropped += e->dropped;
		vg_warn("spool full: %llu unsent events dropped", (unsigned long long)e->dropped);
	}
	free(e);
}

static void enforce(struct vg_spooler *sp)
{
	struct enforce *e;

	if (sp->enforcing || !(e = calloc(1, sizeof(*e))))
		return;
	e->sp = sp;
	e->max_bytes = sp->max_bytes;
	e->max_age_s = sp->max_age_s;
	if (vg_spooler_call(sp, enforce_work, enforce_done, e) < 0) {
		free(e);
		return;
	}
	sp->enforcing = true;
}

static void on_enforce_timer(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	(void)w;
	(void)fd;
	(void)events;
	enforce(data);
}

void vg_spooler_set_caps(struct vg_spooler *sp, uint64_t max_bytes, uint64_t max_age_s, size_t queue_max,
			 size_t max_queue_bytes)
{
	sp->max_bytes = max_bytes;
	sp->max_age_s = max_age_s;
	sp->queue_max = queue_max ? queue_max : 1;
	sp->max_queue_bytes = max_queue_bytes;
}

void vg_spooler_stats(const struct vg_spooler *sp, struct vg_spooler_stats *stats)
{
	*stats = sp->st;
	stats->queued = sp->nqueue + sp->in_flight;
	stats->queued_bytes = sp->bytes;
}

/* ---- opening and closing, on the spool thread ---- */

struct open {
	struct vg_spooler *sp;
	int r;
	struct vg_error err;
};

static void open_work(struct vg_spool *spool, void *data)
{
	struct open *o = data;
	struct vg_spooler *sp = o->sp;

	(void)spool;
	pthread_setname_np(pthread_self(), "vg-spool");
	vg_error_clear(&o->err);
	if ((o->r = vg_store_open(&sp->store, sp->db_path, &o->err)) < 0)
		return;
	if ((o->r = vg_spool_open(&sp->spool, sp->store, &o->err)) < 0) {
		vg_store_close(sp->store);
		sp->store = NULL;
	}
}

static void close_work(struct vg_spool *spool, void *data)
{
	struct vg_spooler *sp = data;

	vg_spool_close(spool);
	vg_store_close(sp->store);
	sp->spool = NULL;
	sp->store = NULL;
}

int vg_spooler_new(struct vg_spooler **out, struct vg_loop *loop, const char *db_path, struct vg_error *err)
{
	struct vg_spooler *sp = calloc(1, sizeof(*sp));
	struct open o = { 0 };
	int r;

	if (!sp || !(sp->db_path = strdup(db_path))) {
		free(sp);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	sp->loop = loop;
	sp->queue_max = DEFAULT_QUEUE_MAX;
	if ((r = vg_workers_new(&sp->thread, loop, 1)) < 0) {
		r = vg_error_set(err, r, N_("cannot start the spool writer: %s"), strerror(-r));
		goto fail;
	}
	if (!(sp->flush_timer = vg_loop_timer(loop, VG_SPOOLER_FLUSH_MS, 0, on_flush_timer, sp)) ||
	    !(sp->enforce_timer = vg_loop_timer(loop, ENFORCE_PERIOD_MS, ENFORCE_PERIOD_MS, on_enforce_timer, sp))) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto fail;
	}
	vg_timer_disarm(sp->flush_timer);
	/* The connection is opened on the thread that will use it, and only there. */
	o.sp = sp;
	if (vg_spooler_call(sp, open_work, NULL, &o) < 0) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto fail;
	}
	vg_workers_drain(sp->thread);
	if (o.r < 0) {
		r = o.r;
		*err = o.err;
		goto fail;
	}
	sp->open = true;
	*out = sp;
	return 0;
fail:
	vg_spooler_free(sp);
	return r;
}

void vg_spooler_free(struct vg_spooler *sp)
{
	if (!sp)
		return;
	sp->stopping = true;
	vg_watch_remove(sp->flush_timer);
	vg_watch_remove(sp->enforce_timer);
	sp->flush_timer = sp->enforce_timer = NULL;
	if (sp->thread) {
		/* Everything queued is stored, the caps applied once more, then the connection closed. */
		while (sp->open && (sp->nqueue || sp->flushing)) {
			kick(sp);
			if (!sp->flushing)
				break; /* out of memory: what is left is freed below */
			vg_workers_drain(sp->thread);
		}
		if (sp->open)
			enforce(sp);
		vg_spooler_call(sp, close_work, NULL, sp);
		vg_workers_drain(sp->thread);
		vg_workers_free(sp->thread);
	}
	for (size_t i = 0; i < sp->nqueue; i++)
		json_decref(sp->queue[i]);
	free(sp->queue);
	free(sp->weights);
	free(sp->db_path);
	free(sp);
}
