/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The agent's event loop: epoll over file descriptors, with timers (timerfd).
 * One thread runs it; a watch removed from inside a callback is freed only
 * after the current round, so callbacks may remove any watch, their own included.
 */
#ifndef VIGIL_LOOP_H
#define VIGIL_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct vg_loop;
struct vg_watch;

typedef void (*vg_watch_fn)(struct vg_watch *w, int fd, uint32_t events, void *data);

int vg_loop_new(struct vg_loop **out);
void vg_loop_free(struct vg_loop *loop);

/* Watches fd for events (EPOLLIN, EPOLLOUT...).  The loop does not own fd. */
struct vg_watch *vg_loop_watch(struct vg_loop *loop, int fd, uint32_t events, vg_watch_fn fn, void *data);
int vg_watch_set_events(struct vg_watch *w, uint32_t events);
/* Stops watching and forgets w (safe inside callbacks).  NULL is allowed. */
void vg_watch_remove(struct vg_watch *w);

/* A timer: first after first_ms, then every period_ms (0: once).  The loop owns its timerfd. */
struct vg_watch *vg_loop_timer(struct vg_loop *loop, uint64_t first_ms, uint64_t period_ms,
			       vg_watch_fn fn, void *data);
/* Re-arms a timer: first after first_ms (0: as soon as possible), then every period_ms (0: once). */
int vg_timer_arm(struct vg_watch *w, uint64_t first_ms, uint64_t period_ms);
/* Stops a timer until it is armed again. */
int vg_timer_disarm(struct vg_watch *w);

/* Runs until vg_loop_quit; returns 0 or a negative errno. */
int vg_loop_run(struct vg_loop *loop);
void vg_loop_quit(struct vg_loop *loop);

/* Monotonic time in milliseconds. */
uint64_t vg_now_ms(void);

#endif
