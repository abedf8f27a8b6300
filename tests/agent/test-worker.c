/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The test agent's parser sandbox: vigil-worker (agent/worker/main.c) built with VG_WORKER_TEST,
 * which misbehaves on purpose for documents of a few names (vigil-test-crash.ioc,
 * vigil-test-syscall.ioc, vigil-test-spin.ioc, vigil-test-memory.ioc) and regular expressions
 * (vigil-test-regex-crash crashes it while matching, vigil-test-regex-refused is called broken),
 * so that the tests can show what the agent does when hostile input takes the sandbox over.
 * The test agent (test-agent.c) starts this one; vigild starts the product's, which has none.
 */
#define VG_WORKER_TEST 1
#include "worker/main.c"

/* Under AddressSanitizer (the sanitizers' build): an allocation over the memory limit returns
 * NULL, as it does without it, rather than ending the worker. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}
