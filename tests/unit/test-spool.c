/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The spool: batched appends, pending reads and acknowledgements, the size and age caps with
 * drop counting, and a stored size that stays right when two connections share the spool. */
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

#include "events.h"
#include "json-compact.h"
#include "spool.h"
#include "store.h"
#include "vigil/error.h"

struct fixture {
	char dir[64];
	char path[128];
	struct vg_store *store;
	struct vg_spool *spool;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct vg_error err;

	snprintf(f->dir, sizeof(f->dir), "/tmp/vigil-test-spool.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/db", f->dir);
	assert_int_equal(vg_store_open(&f->store, f->path, &err), 0);
	assert_int_equal(vg_spool_open(&f->spool, f->store, &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];

	vg_spool_close(f->spool);
	vg_store_close(f->store);
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* n events of about size bytes each, time t0 + i. */
static void append(struct vg_spool *spool, size_t n, size_t size, int64_t t0)
{
	json_t **evs = calloc(n, sizeof(*evs));
	char *pad = malloc(size + 1);
	struct vg_error err;

	memset(pad, 'x', size);
	pad[size] = '\0';
	for (size_t i = 0; i < n; i++)
		evs[i] = json_pack("{s:i, s:I, s:s}", "class_uid", 1007, "time", (json_int_t)(t0 + (int64_t)i), "pad", pad);
	assert_int_equal(vg_spool_append(spool, evs, n, &err), 0);
	for (size_t i = 0; i < n; i++)
		json_decref(evs[i]);
	free(evs);
	free(pad);
}

static void test_append_read_ack(void **state)
{
	struct fixture *f = *state;
	struct vg_spool_batch b;
	struct vg_spool_stats st;
	struct vg_error err;

	append(f->spool, 10, 10, vg_time_ms());
	assert_int_equal(vg_spool_stats(f->spool, &st, &err), 0);
	assert_int_equal(st.events, 10);
	assert_int_equal(st.pending, 10);
	assert_true(st.bytes > 100);
	assert_int_equal(vg_spool_read_pending(f->spool, 0, 4, 1 << 20, &b, &err), 0);
	assert_int_equal(b.n, 4);
	assert_int_equal(b.seqs[0], 1);
	assert_non_null(strstr(b.texts[0], "\"class_uid\":1007"));
	assert_int_equal(vg_spool_ack(f->spool, b.seqs[0], b.seqs[b.n - 1], &err), 0);
	vg_spool_batch_free(&b);
	assert_int_equal(vg_spool_stats(f->spool, &st, &err), 0);
	assert_int_equal(st.pending, 6);
	/* The next read starts after the acknowledged ones. */
	assert_int_equal(vg_spool_read_pending(f->spool, 0, 100, 1 << 20, &b, &err), 0);
	assert_int_equal(b.n, 6);
	assert_int_equal(b.seqs[0], 5);
	vg_spool_batch_free(&b);
	/* max_bytes limits the batch, but one event always comes. */
	assert_int_equal(vg_spool_read_pending(f->spool, 0, 100, 1, &b, &err), 0);
	assert_int_equal(b.n, 1);
	vg_spool_batch_free(&b);
}

/* The uploader's acknowledgement: runs and gaps in one transaction; twice changes nothing. */
static void test_ack_seqs(void **state)
{
	struct fixture *f = *state;
	static const uint64_t sent[] = { 1, 2, 3, 5, 8 };
	struct vg_spool_batch b;
	struct vg_spool_stats st;
	struct vg_error err;
	int64_t t0 = vg_time_ms();

	append(f->spool, 10, 10, t0);
	assert_int_equal(vg_spool_ack_seqs(f->spool, sent, 5, &err), 0);
	assert_int_equal(vg_spool_stats(f->spool, &st, &err), 0);
	assert_int_equal(st.events, 10);
	assert_int_equal(st.pending, 5);
	assert_int_equal(vg_spool_ack_seqs(f->spool, sent, 5, &err), 0);
	assert_int_equal(vg_spool_stats(f->spool, &st, &err), 0);
	assert_int_equal(st.pending, 5);
	/* What is left pending: 4, 6, 7, 9, 10; the oldest waiting is the 4th. */
	assert_int_equal(st.oldest_pending_ms, t0 + 3);
	assert_int_equal(st.oldest_ms, t0);
	assert_int_equal(vg_spool_read_pending(f->spool, 0, 100, 1 << 20, &b, &err), 0);
	assert_int_equal(b.n, 5);
	assert_int_equal(b.seqs[0], 4);
	assert_int_equal(b.seqs[1], 6);
	assert_int_equal(b.seqs[4], 10);
	vg_spool_batch_free(&b);
}

static void test_size_cap_acked_first(void **state)
{
	struct fixture *f = *state;
	struct vg_spool_stats st;
	struct vg_error err;
	uint64_t dropped = 0;

	append(f->spool, 1000, 100, vg_time_ms());
	/* The oldest 500 were sent: they go before any unsent one. */
	assert_int_equal(vg_spool_ack(f->spool, 1, 500, &err), 0);
	assert_int_equal(vg_spool_stats(f->spool, &st, &err), 0);
	assert_int_equal(vg_spool_enforce(f->spool, st.bytes * 6 / 10, 0, &dropped, &err), 0);
	assert_int_equal(dropped, 0);
	assert_int_equal(vg_spool_stats(f->spool, &st, &err), 0);
	assert_int_equal(st.pending, 1000 - 500);
	assert_true(st.events < 1000);
	/* Now below what the unsent events need: the oldest unsent go, and are counted. */
	assert_int_equal(vg_spool_enforce(f->spool, st.bytes / 4, 0, &dropped, &err), 0);
	assert_true(dropped > 0);
	assert_int_equal(vg_spool_stats(f->spool, &st, &err), 0);
	assert_int_equal(st.dropped, dropped);
	assert_int_equal(st.pending, st.events);
	assert_int_equal(st.last_seq, 1000);
}

/* Readers: each its own position, kept across connections; the cap spares what a reader has
 * not read while it can, and what it removes anyway is counted as lost for that reader only. */
static void test_readers(void **state)
{
	struct fixture *f = *state;
	struct vg_spool_reader_pos a, b, again;
	struct vg_spool_batch batch;
	struct vg_spool_stats st;
	struct vg_error err;
	uint64_t dropped = 0;

	append(f->spool, 5, 10, vg_time_ms());
	/* A new reader starts after what is stored. */
	assert_int_equal(vg_spool_reader_open(f->spool, "a", &a, &err), 0);
	assert_int_equal(a.seq, 5);
	assert_int_equal(vg_spool_reader_read(f->spool, &a, 10, 1 << 20, &batch, &err), 0);
	assert_int_equal(batch.n, 0);
	assert_int_equal(a.lost, 0);
	vg_spool_batch_free(&batch);
	assert_int_equal(vg_spool_reader_open(f->spool, "b", &b, &err), 0);
	append(f->spool, 1000, 100, vg_time_ms());
	/* Readers see every event, acknowledged by the link or not. */
	assert_int_equal(vg_spool_ack(f->spool, 1, 600, &err), 0);
	assert_int_equal(vg_spool_reader_read(f->spool, &a, 10, 1 << 20, &batch, &err), 0);
	assert_int_equal(batch.n, 10);
	assert_int_equal(batch.seqs[0], 6);
	a.seq = batch.seqs[batch.n - 1];
	vg_spool_batch_free(&batch);
	assert_int_equal(vg_spool_reader_ack(f->spool, "a", &a, &err), 0);
	assert_int_equal(vg_spool_reader_open(f->spool, "a", &again, &err), 0);
	assert_int_equal(again.seq, 15);
	/* Reader a is at 15, b at 5: acknowledged by the link but not read goes only when needed. */
	assert_int_equal(vg_spool_stats(f->spool, &st, &err), 0);
	assert_int_equal(vg_spool_enforce(f->spool, st.bytes * 8 / 10, 0, &dropped, &err), 0);
	assert_int_equal(vg_spool_reader_read(f->spool, &b, 1000, 1 << 20, &batch, &err), 0);
	assert_true(b.lost > 0);
	assert_int_equal(batch.seqs[0], 5 + b.lost + 1);
	vg_spool_batch_free(&batch);
	/* Forgotten readers hold nothing back: the link's acknowledged events go first again. */
	assert_int_equal(vg_spool_reader_forget(f->spool, "a", &err), 0);
	assert_int_equal(vg_spool_reader_forget(f->spool, "b", &err), 0);
	assert_int_equal(vg_spool_stats(f->spool, &st, &err), 0);
	assert_int_equal(vg_spool_enforce(f->spool, st.bytes * 6 / 10, 0, &dropped, &err), 0);
	assert_int_equal(dropped, 0);
	/* Everything removed: a reader at the old end counts the gap though no row is left. */
	assert_int_equal(vg_spool_reader_open(f->spool, "c", &a, &err), 0);
	assert_int_equal(a.seq, 1005);
	append(f->spool, 3, 10, vg_time_ms());
	assert_int_equal(vg_spool_enforce(f->spool, 1, 0, &dropped, &err), 0);
	assert_int_equal(vg_spool_reader_read(f->spool, &a, 10, 1 << 20, &batch, &err), 0);
	assert_int_equal(batch.n, 0);
	assert_int_equal(a.lost, 3);
	assert_int_equal(a.seq, 1008);
	vg_spool_batch_free(&batch);
	/* Read again from an older position (a failed delivery): the gap is not counted twice. */
	a.seq = 1005;
	append(f->spool, 2, 10, vg_time_ms());
	assert_int_equal(vg_spool_reader_read(f->spool, &a, 10, 1 << 20, &batch, &err), 0);
	assert_int_equal(batch.n, 2);
	assert_int_equal(batch.seqs[0], 1009);
	assert_int_equal(a.lost, 3);
	vg_spool_batch_free(&batch);
}

static void test_age_cap(void **state)
{
	struct fixture *f = *state;
	struct vg_spool_stats st;
	struct vg_error err;
	uint64_t dropped = 0;

	append(f->spool, 5, 10, vg_time_ms() - 30LL * 86400 * 1000);
	append(f->spool, 5, 10, vg_time_ms());
	assert_int_equal(vg_spool_enforce(f->spool, 0, 21 * 86400, &dropped, &err), 0);
	assert_int_equal(dropped, 5);
	assert_int_equal(vg_spool_stats(f->spool, &st, &err), 0);
	assert_int_equal(st.events, 5);
	assert_int_equal(st.dropped, 5);
}

/* Another connection (a reader, or an older agent's) sees the sizes and counts that one writes. */
static void test_two_connections(void **state)
{
	struct fixture *f = *state;
	struct vg_store *store2;
	struct vg_spool *spool2;
	struct vg_spool_stats a, b;
	struct vg_error err;
	uint64_t dropped;

	assert_int_equal(vg_store_open(&store2, f->path, &err), 0);
	assert_int_equal(vg_spool_open(&spool2, store2, &err), 0);
	append(spool2, 100, 100, vg_time_ms());
	assert_int_equal(vg_spool_stats(f->spool, &a, &err), 0);
	assert_int_equal(vg_spool_stats(spool2, &b, &err), 0);
	assert_int_equal(a.bytes, b.bytes);
	assert_int_equal(a.events, 100);
	/* Enforcing through the first connection sees the other's rows. */
	assert_int_equal(vg_spool_enforce(f->spool, a.bytes / 2, 0, &dropped, &err), 0);
	assert_true(dropped >= 50);
	assert_int_equal(vg_spool_stats(spool2, &b, &err), 0);
	assert_true(b.bytes <= a.bytes / 2);
	vg_spool_close(spool2);
	vg_store_close(store2);
}

static void test_persists(void **state)
{
	struct fixture *f = *state;
	struct vg_spool_stats st;
	struct vg_error err;

	append(f->spool, 3, 10, vg_time_ms());
	vg_spool_close(f->spool);
	vg_store_close(f->store);
	assert_int_equal(vg_store_open(&f->store, f->path, &err), 0);
	assert_int_equal(vg_spool_open(&f->spool, f->store, &err), 0);
	assert_int_equal(vg_spool_stats(f->spool, &st, &err), 0);
	assert_int_equal(st.events, 3);
	assert_true(st.bytes > 30);
}

/* The spool's text is json_dumps's, byte for byte, for every kind of value. */
static void test_json_text(void **state)
{
	static const char *const docs[] = {
		"{\"a\": 1, \"b\": [true, false, null, -9223372036854775807, 0, 1.5, 100.0, 1e-300, -0.25],"
		" \"c\": {\"nested\": {\"deep\": []}, \"empty\": {}}}",
		"[\"quote \\\" backslash \\\\ slash / tab \\t nl \\n cr \\r bs \\b ff \\f\","
		" \"ctl \\u0001 \\u001f del \\u007f\", \"utf-8 \u00e9\u00e8 \u2028 \u20ac\", \"\"]",
		"{\"z\": 1, \"a\": 2, \"m\": {\"k\\\"ey\": \"v\"}}",
		"\"a lone string\"", "12345", "-0.0", "3.141592653589793",
	};
	struct vg_json_buf buf = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		json_t *v = json_loads(docs[i], JSON_DECODE_ANY, NULL);
		char *expected;

		assert_non_null(v);
		expected = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		assert_int_equal(vg_json_compact(&buf, v), 0);
		assert_string_equal(buf.data, expected);
		assert_int_equal(buf.len, strlen(expected));
		free(expected);
		json_decref(v);
	}
	/* Keys keep their insertion order, as jansson's own text does. */
	{
		json_t *o = json_object();

		json_object_set_new(o, "second", json_integer(2));
		json_object_set_new(o, "first", json_integer(1));
		assert_int_equal(vg_json_compact(&buf, o), 0);
		assert_string_equal(buf.data, "{\"second\":2,\"first\":1}");
		json_decref(o);
	}
	vg_json_buf_free(&buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append_read_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_seqs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_size_cap_acked_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_age_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_connections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_persists, setup, teardown),
		cmocka_unit_test(test_json_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
