/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The stored isolation state and exceptions: migrate, save, load, insert, delete. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "isolation/isolation.h"
#include "store.h"
#include "vigil/error.h"

struct fixture {
	char dir[64];
	char path[128];
	struct vg_store *store;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct vg_error err;

	snprintf(f->dir, sizeof(f->dir), "/tmp/vigil-iso-state.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/vigil.db", f->dir);
	if (vg_store_open(&f->store, f->path, &err) < 0 || vg_iso_store_migrate(f->store, &err) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vg_store_close(f->store);
	unlink(f->path);
	{
		char extra[160];

		snprintf(extra, sizeof(extra), "%s-wal", f->path);
		unlink(extra);
		snprintf(extra, sizeof(extra), "%s-shm", f->path);
		unlink(extra);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void test_state(void **state)
{
	struct fixture *f = *state;
	struct vg_iso_state st = { 0 }, back;
	struct vg_error err;

	assert_int_equal(vg_iso_state_load(f->store, &back, &err), 0);
	assert_false(back.on);
	st.on = true;
	snprintf(st.reason, sizeof(st.reason), "incident 42 «unicode»");
	st.since = 1000;
	st.until = 4600;
	st.who = 0;
	snprintf(st.servers, sizeof(st.servers), "192.0.2.10 8443,2001:db8::10 8443");
	assert_int_equal(vg_iso_state_save(f->store, &st, &err), 0);
	assert_int_equal(vg_iso_state_load(f->store, &back, &err), 0);
	assert_true(back.on);
	assert_string_equal(back.reason, st.reason);
	assert_int_equal(back.since, 1000);
	assert_int_equal(back.until, 4600);
	assert_int_equal(back.who, 0);
	assert_string_equal(back.servers, st.servers);
	/* Migrating again is a no-op. */
	assert_int_equal(vg_iso_store_migrate(f->store, &err), 0);
}

static void test_exceptions(void **state)
{
	struct fixture *f = *state;
	struct vg_iso_exception ex, *list = NULL;
	struct vg_error err;
	size_t n = 0;

	assert_int_equal(vg_iso_exception_parse(&ex, "out", "tcp", "10.0.0.0/8", NULL, "443", "proxy", &err), 0);
	assert_int_equal(vg_iso_exception_insert(f->store, &ex, 100, &err), 0);
	assert_true(ex.id > 0);
	assert_int_equal(vg_iso_exception_parse(&ex, "in", "udp", "2001:db8::/32", "53", NULL, NULL, &err), 0);
	assert_int_equal(vg_iso_exception_insert(f->store, &ex, 100, &err), 0);
	assert_int_equal(vg_iso_exceptions_load(f->store, 0, 100, &list, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].remote, "10.0.0.0/8");
	assert_string_equal(list[0].comment, "proxy");
	assert_int_equal(list[0].rule.rport_lo, 443);
	assert_string_equal(list[1].local_port, "53");
	assert_int_equal(list[1].rule.dir, VG_ISO_IN);
	assert_int_equal(vg_iso_exception_delete(f->store, list[0].id, &err), 0);
	assert_int_equal(vg_iso_exception_delete(f->store, list[0].id, &err), -ENOENT);
	free(list);
	assert_int_equal(vg_iso_exceptions_load(f->store, 0, 100, &list, &n, &err), 0);
	assert_int_equal(n, 1);
	free(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exceptions, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
