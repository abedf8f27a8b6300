/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The threads that hash files for a scan (hashing.c): the walking thread queues opened files,
 * the pool's threads read and hash them, and the walking thread waits for each in its turn —
 * hashing it itself when no thread has taken it yet.
 */
#ifndef VIGIL_IOC_HASHING_H
#define VIGIL_IOC_HASHING_H

#include <stdatomic.h>
#include <stdint.h>

#include "scan.h"

enum { IOC_PENDING_QUEUED = 1, IOC_PENDING_CLAIMED, IOC_PENDING_DONE };

/* A file waiting for its hashes.  fd is the queuer's to close once done. */
struct ioc_pending {
	atomic_int state;
	int fd;
	int rc;                     /* ioc_hasher_run's result */
	uint64_t bytes;             /* read */
	struct ioc_hashes h;
	struct ioc_pending *next;   /* in the queue */
};

struct ioc_hashing;

/* Starts threads - 1 threads (the caller being the last) hashing what want names, stopping
 * at limit bytes and when *cancel is set. */
int ioc_hashing_start(struct ioc_hashing **out, unsigned threads, unsigned want, uint64_t limit,
		      atomic_bool *cancel);
/* Waits for the threads to finish what they took, and frees the pool (NULL is fine). */
void ioc_hashing_stop(struct ioc_hashing *pool);
/* Queues e (e->fd open): a thread will hash it. */
void ioc_hashing_queue(struct ioc_hashing *pool, struct ioc_pending *e);
/* Returns when e is hashed: by a thread, or here when none took it yet; while a thread hashes
 * it, the caller hashes the files queued behind it. */
void ioc_hashing_wait(struct ioc_hashing *pool, struct ioc_pending *e);
/* How many threads hash (the caller included): threads, or one per online CPU for 0. */
unsigned ioc_hashing_threads(unsigned threads);

#endif
