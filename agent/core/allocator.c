/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vigild's allocator.  Built with jemalloc (configure --with-jemalloc), the agent links it in
 * place of the C library's malloc: its events are made by the sensor's thread and freed by the
 * spooler's, which glibc pays in arena locks on both sides and jemalloc in a per-thread cache
 * (bench/exec-storm).  Its settings keep the agent small: one arena for the few threads the
 * agent has, and pages given back to the kernel as soon as they are free, so that a burst of
 * events leaves no cache behind (the peak RSS of a storm stays that of glibc's malloc).
 */
#include "config.h"

#include "agent.h"

#ifdef HAVE_JEMALLOC
/* Read by jemalloc when it starts (its documented configuration symbol); MALLOC_CONF in the
 * environment still overrides it. */
const char *malloc_conf = "narenas:1,dirty_decay_ms:0,muzzy_decay_ms:0";
#endif

const char *vg_agent_allocator(void)
{
#ifdef HAVE_JEMALLOC
	return "jemalloc";
#else
	return "libc";
#endif
}
