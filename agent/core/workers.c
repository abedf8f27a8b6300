/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "loop.h"
#include "workers.h"

struct vg_job {
	vg_job_fn work, done;
	void *data;
	atomic_bool cancelled;
	struct vg_job *next;
};

struct vg_workers {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_cond_t idle;                 /* signalled when a job has finished (vg_workers_drain) */
	struct vg_job *queue, *queue_tail;   /* waiting for a worker */
	struct vg_job *finished;             /* waiting for the loop */
	unsigned pending;
	unsigned running;                    /* taken by a worker, not finished yet */
	bool stopping;
	pthread_t threads[16];
	unsigned nthreads;
	int efd;
	struct vg_watch *watch;
};

static void *worker_main(void *arg)
{
	struct vg_workers *pool = arg;

	for (;;) {
		struct vg_job *job;
		uint64_t one = 1;

		pthread_mutex_lock(&pool->lock);
		while (!pool->queue && !pool->stopping)
			pthread_cond_wait(&pool->wake, &pool->lock);
		if (!pool->queue) {
			pthread_mutex_unlock(&pool->lock);
			return NULL;
		}
		job = pool->queue;
		pool->queue = job->next;
		if (!pool->queue)
			pool->queue_tail = NULL;
		pool->running++;
		pthread_mutex_unlock(&pool->lock);

		if (!atomic_load(&job->cancelled))
			job->work(job, job->data);

		pthread_mutex_lock(&pool->lock);
		job->next = pool->finished;
		pool->finished = job;
		pool->running--;
		pthread_cond_broadcast(&pool->idle);
		pthread_mutex_unlock(&pool->lock);
		if (write(pool->efd, &one, sizeof(one)) < 0) {
			/* The counter cannot overflow in practice; the loop drains it. */
		}
	}
}

/* On the loop thread: run the done functions of finished jobs, oldest first. */
static void reap(struct vg_workers *pool)
{
	struct vg_job *list, *next, *fifo = NULL;

	pthread_mutex_lock(&pool->lock);
	list = pool->finished;
	pool->finished = NULL;
	pthread_mutex_unlock(&pool->lock);
	/* The list was pushed newest first: turn it round, so that done functions run in the
	 * order the work did (a pool of one thread keeps its jobs' order to the end). */
	for (; list; list = next) {
		next = list->next;
		list->next = fifo;
		fifo = list;
	}
	for (list = fifo; list; list = next) {
		next = list->next;
		if (list->done)
			list->done(list, list->data);
		pool->pending--;
		free(list);
	}
}

static void on_event(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	uint64_t n;

	(void)w;
	(void)events;
	if (read(fd, &n, sizeof(n)) < 0) {
		/* EAGAIN: already drained. */
	}
	reap(data);
}

int vg_workers_new(struct vg_workers **out, struct vg_loop *loop, unsigned n)
{
	struct vg_workers *pool = calloc(1, sizeof(*pool));
	sigset_t all, old;

	if (!pool)
		return -ENOMEM;
	if (n < 1)
		n = 1;
	if (n > 16)
		n = 16;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->wake, NULL);
	pthread_cond_init(&pool->idle, NULL);
	pool->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (pool->efd < 0 || !(pool->watch = vg_loop_watch(loop, pool->efd, EPOLLIN, on_event, pool))) {
		if (pool->efd >= 0)
			close(pool->efd);
		free(pool);
		return -ENOMEM;
	}
	/* Workers never take signals: those belong to the loop's signalfd. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (unsigned i = 0; i < n; i++) {
		if (pthread_create(&pool->threads[i], NULL, worker_main, pool) != 0)
			break;
		pool->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!pool->nthreads) {
		vg_workers_free(pool);
		return -EAGAIN;
	}
	*out = pool;
	return 0;
}

void vg_workers_free(struct vg_workers *pool)
{
	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	pool->stopping = true;
	for (struct vg_job *j = pool->queue; j; j = j->next)
		atomic_store(&j->cancelled, true);
	pthread_cond_broadcast(&pool->wake);
	pthread_mutex_unlock(&pool->lock);
	for (unsigned i = 0; i < pool->nthreads; i++)
		pthread_join(pool->threads[i], NULL);
	reap(pool);
	vg_watch_remove(pool->watch);
	close(pool->efd);
	pthread_cond_destroy(&pool->wake);
	pthread_cond_destroy(&pool->idle);
	pthread_mutex_destroy(&pool->lock);
	free(pool);
}

void vg_workers_drain(struct vg_workers *pool)
{
	pthread_mutex_lock(&pool->lock);
	while (pool->queue || pool->running)
		pthread_cond_wait(&pool->idle, &pool->lock);
	pthread_mutex_unlock(&pool->lock);
	reap(pool);
}

struct vg_job *vg_workers_submit(struct vg_workers *pool, vg_job_fn work, vg_job_fn done, void *data)
{
	struct vg_job *job = calloc(1, sizeof(*job));

	if (!job)
		return NULL;
	job->work = work;
	job->done = done;
	job->data = data;
	atomic_init(&job->cancelled, false);
	pthread_mutex_lock(&pool->lock);
	if (pool->queue_tail)
		pool->queue_tail->next = job;
	else
		pool->queue = job;
	pool->queue_tail = job;
	pool->pending++;
	pthread_cond_signal(&pool->wake);
	pthread_mutex_unlock(&pool->lock);
	return job;
}

void vg_job_cancel(struct vg_job *job)
{
	atomic_store(&job->cancelled, true);
}

bool vg_job_cancelled(const struct vg_job *job)
{
	return atomic_load(&((struct vg_job *)job)->cancelled);
}

unsigned vg_workers_pending(const struct vg_workers *pool)
{
	return pool->pending;
}
