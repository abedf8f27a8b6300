/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A bounded queue of JSON events between threads.  A full queue refuses the event and
 * counts it as dropped, so memory stays bounded and a slow consumer never stalls a producer
 * (the audit reader must drain the kernel as fast as it can).  Bounded twice: in events, and
 * in bytes (the events' weight, json-weight.h), since one event may hold megabytes.
 */
#ifndef VIGIL_TELEMETRY_QUEUE_H
#define VIGIL_TELEMETRY_QUEUE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_tq;

/* cap: most events held (>= 1); no bound in bytes until vg_tq_set_cap.  notify_fd: an
 * eventfd written on each push that makes the queue non-empty, or -1. */
int vg_tq_new(struct vg_tq **out, size_t cap, int notify_fd);
/* Frees the queue and every event still in it. */
void vg_tq_free(struct vg_tq *q);

/* Takes the reference of ev; returns false (and drops ev, counted) when full. */
bool vg_tq_push(struct vg_tq *q, json_t *ev);
/* Pushes n events at once (one lock, one wakeup); those that do not fit are dropped and
 * counted.  Returns how many were queued. */
size_t vg_tq_push_many(struct vg_tq *q, json_t **evs, size_t n);

/* Moves up to max events into out (the caller owns them); waits at most wait_ms for the
 * first one (0: no wait) or until vg_tq_wake.  Returns the count. */
size_t vg_tq_pop(struct vg_tq *q, json_t **out, size_t max, unsigned wait_ms);
/* The same, waiting until at least want events are queued (or the time is up): a consumer
 * that gathers batches is woken once per batch, not once per event.  One consumer per queue. */
size_t vg_tq_pop_batch(struct vg_tq *q, json_t **out, size_t max, size_t want, unsigned wait_ms);

/* Wakes a waiting consumer (shutdown). */
void vg_tq_wake(struct vg_tq *q);

size_t vg_tq_length(struct vg_tq *q);
uint64_t vg_tq_dropped(struct vg_tq *q);
/* Changes the bounds: cap events, max_bytes of their weight (0: none); an event heavier than
 * max_bytes still enters an empty queue.  Events already queued stay. */
void vg_tq_set_cap(struct vg_tq *q, size_t cap, size_t max_bytes);
/* The weight of the events queued. */
size_t vg_tq_bytes(struct vg_tq *q);

#endif
