/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A bounded queue of JSON events between threads.  A full queue refuses the event and
 * counts it as dropped, so memory stays bounded and a slow consumer never stalls a producer
 * (the audit reader must drain the kernel as fast as it can).
 */
#ifndef VIGIL_TELEMETRY_QUEUE_H
#define VIGIL_TELEMETRY_QUEUE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_tq;

/* cap: most events held (>= 1).  notify_fd: an eventfd written on each push that makes the
 * queue non-empty, or -1. */
int vg_tq_new(struct vg_tq **out, size_t cap, int notify_fd);
/* Frees the queue and every event still in it. */
void vg_tq_free(struct vg_tq *q);

/* Takes the reference of ev; returns false (and drops ev, counted) when full. */
bool vg_tq_push(struct vg_tq *q, json_t *ev);

/* Moves up to max events into out (the caller owns them); waits at most wait_ms for the
 * first one (0: no wait) or until vg_tq_wake.  Returns the count. */
size_t vg_tq_pop(struct vg_tq *q, json_t **out, size_t max, unsigned wait_ms);

/* Wakes a waiting consumer (shutdown). */
void vg_tq_wake(struct vg_tq *q);

size_t vg_tq_length(struct vg_tq *q);
uint64_t vg_tq_dropped(struct vg_tq *q);
/* Changes the capacity (events already queued stay). */
void vg_tq_set_cap(struct vg_tq *q, size_t cap);

#endif
