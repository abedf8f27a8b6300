/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"

struct vg_watch {
	struct vg_loop *loop;
	int fd;
	bool owns_fd;
	bool dead;
	vg_watch_fn fn;
	void *data;
	struct vg_watch *next_dead;
};

struct vg_loop {
	int epfd;
	bool quit;
	struct vg_watch *dead;   /* removed during this round, freed after it */
	struct vg_watch **all;   /* every live watch, so that vg_loop_free can release them */
	size_t nall, capall;
};

uint64_t vg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int vg_loop_new(struct vg_loop **out)
{
	struct vg_loop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return -ENOMEM;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		int r = -errno;

		free(loop);
		return r;
	}
	*out = loop;
	return 0;
}

static void free_dead(struct vg_loop *loop)
{
	while (loop->dead) {
		struct vg_watch *w = loop->dead;

		loop->dead = w->next_dead;
		free(w);
	}
}

void vg_loop_free(struct vg_loop *loop)
{
	if (!loop)
		return;
	while (loop->nall)
		vg_watch_remove(loop->all[loop->nall - 1]);
	free_dead(loop);
	free(loop->all);
	close(loop->epfd);
	free(loop);
}

static int track(struct vg_loop *loop, struct vg_watch *w)
{
	if (loop->nall == loop->capall) {
		size_t cap = loop->capall ? loop->capall * 2 : 16;
		struct vg_watch **p = realloc(loop->all, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		loop->all = p;
		loop->capall = cap;
	}
	loop->all[loop->nall++] = w;
	return 0;
}

static void untrack(struct vg_loop *loop, struct vg_watch *w)
{
	for (size_t i = 0; i < loop->nall; i++)
		if (loop->all[i] == w) {
			loop->all[i] = loop->all[--loop->nall];
			return;
		}
}

struct vg_watch *vg_loop_watch(struct vg_loop *loop, int fd, uint32_t events, vg_watch_fn fn, void *data)
{
	struct vg_watch *w = calloc(1, sizeof(*w));
	struct epoll_event ev = { .events = events };

	if (!w)
		return NULL;
	w->loop = loop;
	w->fd = fd;
	w->fn = fn;
	w->data = data;
	ev.data.ptr = w;
	if (track(loop, w) < 0) {
		free(w);
		return NULL;
	}
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		untrack(loop, w);
		free(w);
		return NULL;
	}
	return w;
}

int vg_watch_set_events(struct vg_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (epoll_ctl(w->loop->epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0)
		return -errno;
	return 0;
}

void vg_watch_remove(struct vg_watch *w)
{
	if (!w || w->dead)
		return;
	epoll_ctl(w->loop->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	if (w->owns_fd)
		close(w->fd);
	w->dead = true;
	untrack(w->loop, w);
	w->next_dead = w->loop->dead;
	w->loop->dead = w;
}

int vg_timer_arm(struct vg_watch *w, uint64_t first_ms, uint64_t period_ms)
{
	struct itimerspec its = {
		.it_value = { (time_t)(first_ms / 1000), (long)(first_ms % 1000) * 1000000L },
		.it_interval = { (time_t)(period_ms / 1000), (long)(period_ms % 1000) * 1000000L },
	};

	/* A zero it_value would disarm: fire as soon as possible instead. */
	if (first_ms == 0)
		its.it_value.tv_nsec = 1;
	if (timerfd_settime(w->fd, 0, &its, NULL) < 0)
		return -errno;
	return 0;
}



int vg_timer_disarm(struct vg_watch *w)
{
	struct itimerspec its = { 0 };

	if (timerfd_settime(w->fd, 0, &its, NULL) < 0)
		return -errno;
	return 0;
}

struct vg_watch *vg_loop_timer(struct vg_loop *loop, uint64_t first_ms, uint64_t period_ms,
			       vg_watch_fn fn, void *data)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct vg_watch *w;

	if (fd < 0)
		return NULL;
	w = vg_loop_watch(loop, fd, EPOLLIN, fn, data);
	if (!w) {
		close(fd);
		return NULL;
	}
	w->owns_fd = true;
	if (vg_timer_arm(w, first_ms, period_ms) < 0) {
		vg_watch_remove(w);
		return NULL;
	}
	return w;
}

int vg_loop_run(struct vg_loop *loop)
{
	struct epoll_event events[32];

	loop->quit = false;
	while (!loop->quit) {
		int n = epoll_wait(loop->epfd, events, 32, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n && !loop->quit; i++) {
			struct vg_watch *w = events[i].data.ptr;

			if (w->dead)
				continue;
			if (w->owns_fd) {
				uint64_t expirations;

				/* A timer: consume the expiration count before the callback. */
				if (read(w->fd, &expirations, sizeof(expirations)) < 0 && errno == EAGAIN)
					continue;
			}
			w->fn(w, w->fd, events[i].events, w->data);
		}
		free_dead(loop);
	}
	return 0;
}

void vg_loop_quit(struct vg_loop *loop)
{
	loop->quit = true;
}
