/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vigild's allocator.  Built with jemalloc (configure --with-jemalloc), the agent links it in
 * place of the C library's malloc: its events are made by the sensor's thread and freed by the
 * spooler's, which glibc pays in arena locks on both sides and jemalloc in a per-thread cache
 * (bench/exec-storm).  Its settings keep the agent small: one arena for the few threads the
 * agent has, and free pages given back to the kernel within a second (dirty_decay_ms), so that
 * a burst of events leaves no cache behind.  Not at once: every page given back costs a
 * madvise() whose TLB flush interrupts the other CPUs, which on a virtual machine was a third
 * of the agent's CPU under a storm of launches; a second gathers them into few calls.
 */
#include "config.h"

#include "agent.h"

#ifdef HAVE_JEMALLOC
/* Read by jemalloc when it starts (its documented configuration symbol); MALLOC_CONF in the
 * environment still overrides it. */
const char *malloc_conf = "narenas:1,dirty_decay_ms:1000,muzzy_decay_ms:0";
#endif

const char *vg_agent_allocator(void)
{
#ifdef HAVE_JEMALLOC
	return "jemalloc";
#else
	return "libc";
#endif
}
