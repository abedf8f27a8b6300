/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A scan's hashing threads: a queue of opened files under one lock, each thread with its own
 * hasher (see hash.c).  The queue is bounded by the caller (items-file.c keeps a window of
 * files in flight), so the pool holds no memory of its own beyond the hashers. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hashing.h"

#define MAX_THREADS 16

struct thread_arg {
	struct ioc_hashing *pool;
	struct ioc_hasher *hasher;
};

struct ioc_hashing {
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	struct ioc_pending *head, *tail;   /* queued, not taken yet */
	bool stopping;
	uint64_t limit;
	atomic_bool *cancel;
	unsigned nthreads;
	pthread_t threads[MAX_THREADS];
	struct ioc_hasher hashers[MAX_THREADS];  /* [0] is the caller's */
	struct thread_arg args[MAX_THREADS];
};

unsigned ioc_hashing_threads(unsigned threads)
{
	long n = threads ? (long)threads : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

static void hash_one(struct ioc_hashing *pool, struct ioc_hasher *h, struct ioc_pending *e)
{
	e->bytes = 0;
	e->rc = ioc_hasher_run(h, e->fd, pool->limit, pool->cancel, &e->h, &e->bytes);
	pthread_mutex_lock(&pool->lock);
	atomic_store(&e->state, IOC_PENDING_DONE);
	pthread_cond_broadcast(&pool->done);
	pthread_mutex_unlock(&pool->lock);
}

/* The oldest queued file, claimed (the pool's lock held, the queue not empty). */
static struct ioc_pending *take_head(struct ioc_hashing *pool)
{
	struct ioc_pending *e = pool->head;

	pool->head = e->next;
	if (!pool->head)
		pool->tail = NULL;
	atomic_store(&e->state, IOC_PENDING_CLAIMED);
	return e;
}

static void *hash_main(void *data)
{
	const struct thread_arg *arg = data;
	struct ioc_hashing *pool = arg->pool;
	struct ioc_hasher *h = arg->hasher;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		struct ioc_pending *e;

		while (!pool->head && !pool->stopping)
			pthread_cond_wait(&pool->work, &pool->lock);
		if (!pool->head)
			break;
		e = take_head(pool);
		pthread_mutex_unlock(&pool->lock);
		hash_one(pool, h, e);
		pthread_mutex_lock(&pool->lock);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

int ioc_hashing_start(struct ioc_hashing **out, unsigned threads, unsigned want, uint64_t limit,
		      atomic_bool *cancel)
{
	struct ioc_hashing *pool = calloc(1, sizeof(*pool));
	unsigned n = ioc_hashing_threads(threads);
	int r = 0;

	*out = NULL;
	if (!pool)
		return -ENOMEM;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->work, NULL);
	pthread_cond_init(&pool->done, NULL);
	pool->limit = limit;
	pool->cancel = cancel;
	for (unsigned i = 0; i < n && r == 0; i++)
		r = ioc_hasher_init(&pool->hashers[i], want);
	for (unsigned i = 1; i < n && r == 0; i++) {
		pool->args[i] = (struct thread_arg){ pool, &pool->hashers[i] };
		if (pthread_create(&pool->threads[pool->nthreads], NULL, hash_main, &pool->args[i]) != 0)
			break;  /* fewer threads: the caller hashes what they do not */
		pool->nthreads++;
	}
	if (r < 0) {
		ioc_hashing_stop(pool);
		return r;
	}
	*out = pool;
	return 0;
}

void ioc_hashing_stop(struct ioc_hashing *pool)
{
	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	pool->stopping = true;
	pthread_cond_broadcast(&pool->work);
	pthread_mutex_unlock(&pool->lock);
	for (unsigned i = 0; i < pool->nthreads; i++)
		pthread_join(pool->threads[i], NULL);
	for (unsigned i = 0; i < MAX_THREADS; i++)
		if (pool->hashers[i].buf)
			ioc_hasher_fini(&pool->hashers[i]);
	pthread_mutex_destroy(&pool->lock);
	pthread_cond_destroy(&pool->work);
	pthread_cond_destroy(&pool->done);
	free(pool);
}

void ioc_hashing_queue(struct ioc_hashing *pool, struct ioc_pending *e)
{
	e->next = NULL;
	pthread_mutex_lock(&pool->lock);
	atomic_store(&e->state, IOC_PENDING_QUEUED);
	if (pool->tail)
		pool->tail->next = e;
	else
		pool->head = e;
	pool->tail = e;
	pthread_cond_signal(&pool->work);
	pthread_mutex_unlock(&pool->lock);
}

void ioc_hashing_wait(struct ioc_hashing *pool, struct ioc_pending *e)
{
	pthread_mutex_lock(&pool->lock);
	if (atomic_load(&e->state) == IOC_PENDING_QUEUED) {
		/* Nobody took it: take it out of the queue and hash it here. */
		struct ioc_pending **p = &pool->head, *prev = NULL;

		while (*p != e) {
			prev = *p;
			p = &(*p)->next;
		}
		*p = e->next;
		if (pool->tail == e)
			pool->tail = prev;
		atomic_store(&e->state, IOC_PENDING_CLAIMED);
		pthread_mutex_unlock(&pool->lock);
		hash_one(pool, &pool->hashers[0], e);
		return;
	}
	/* A thread hashes it: rather than sleep until it is done, hash what waits behind it (the
	 * caller is one of the pool's hashers; idle, it would leave a core to the others). */
	while (atomic_load(&e->state) != IOC_PENDING_DONE) {
		struct ioc_pending *next;

		if (!pool->head) {
			pthread_cond_wait(&pool->done, &pool->lock);
			continue;
		}
		next = take_head(pool);
		pthread_mutex_unlock(&pool->lock);
		hash_one(pool, &pool->hashers[0], next);
		pthread_mutex_lock(&pool->lock);
	}
	pthread_mutex_unlock(&pool->lock);
}
