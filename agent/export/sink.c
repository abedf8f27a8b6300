/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One export sink's cycle, on the loop thread: load the reader's position, read the events
 * after it (spool thread), deliver them (the sink's own thread: the only place that waits on
 * disk or network), store the new position (spool thread), and again.  When there is nothing to
 * read the sink polls; after a failure it waits, longer each time, and reads the same events again.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "clock.h"
#include "ctl-server.h"
#include "export/export.h"
#include "log.h"
#include "loop.h"
#include "nls.h"
#include "spooler.h"
#include "workers.h"

#define POLL_MS 500
#define RETRY_MAX_MS 30000

enum sink_state {
	SINK_OFF,
	SINK_STARTING,      /* loading its position */
	SINK_IDLE,          /* up to date, polling */
	SINK_DELIVERING,
	SINK_WAITING,       /* after a failure */
};

struct sink_call;
struct deliver_job;

struct vg_export_sink {
	struct vg_agent *agent;
	const struct vg_export_ops *ops;
	struct vg_workers *thread;        /* one thread: deliveries and tests run one at a time */
	struct vg_watch *timer;
	struct vg_export_conf conf;
	enum sink_state state;
	bool busy;                        /* a spool call or a delivery is under way */
	bool loaded;                      /* pos holds the stored position */
	bool reconnect;                   /* the next delivery closes the connection first */
	bool test_running;
	bool forget;                      /* turned off: its stored position is to be forgotten */
	bool stopping;
	struct vg_spool_reader_pos pos;   /* acknowledged: what the receiver has for sure (stored) */
	uint64_t read_seq;                /* read up to here: above pos.seq when sent, not yet known received */
	struct vg_spool_reader_pos stored; /* what the spool holds */
	struct sink_call *call;           /* the spool call under way, told when the sink goes */
	void *conn;                       /* the ops' connection: touched only on the sink's thread */
	uint64_t delivered, failures;
	unsigned retries;
	int64_t last_delivery_ms;
	struct vg_error last_error;
	bool have_error;
};

/* A call on the spool thread: load, read or acknowledge. */
struct sink_call {
	struct vg_export_sink *sink;      /* NULL once the sink is gone */
	char name[33];
	bool loading;                     /* a load (or, not enabled, a forget), else an acknowledgement */
	bool enabled;
	struct vg_spool_reader_pos pos;
	struct vg_spool_batch batch;
	int r;
	struct vg_error err;
};

struct deliver_job {
	struct vg_export_sink *sink;
	struct vg_export_conf conf;
	struct vg_spool_batch batch;      /* empty for a flush */
	struct vg_spool_reader_pos pos;   /* after the read (its lost count) */
	bool reconnect;
	size_t sent;
	uint64_t acked;
	int r;
	struct vg_error err;
	/* A test: its one event and where its answer goes. */
	char *test_text;
	vg_export_test_fn test_done;
	void *test_data;
};

static void cycle(struct vg_export_sink *sink);

static void set_error(struct vg_export_sink *sink, const struct vg_error *err)
{
	sink->last_error = *err;
	sink->have_error = true;
}

static void arm(struct vg_export_sink *sink, uint64_t ms)
{
	vg_timer_arm(sink->timer, ms ? ms : 1, 0);
}

static void fail(struct vg_export_sink *sink, const struct vg_error *err)
{
	uint64_t wait = 1000;

	set_error(sink, err);
	sink->failures++;
	if (sink->state == SINK_OFF || sink->stopping)
		return;
	for (unsigned i = 0; i < sink->retries && wait < RETRY_MAX_MS; i++)
		wait *= 2;
	if (wait > RETRY_MAX_MS)
		wait = RETRY_MAX_MS;
	if (sink->retries < 16)
		sink->retries++;
	if (sink->retries == 1)
		vg_warn("export %s: %s", sink->ops->name, err->message);
	sink->state = SINK_WAITING;
	sink->reconnect = true;
	arm(sink, wait);
}

static struct sink_call *call_new(struct vg_export_sink *sink)
{
	struct sink_call *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->sink = sink;
	snprintf(c->name, sizeof(c->name), "%s", sink->ops->name);
	c->pos = sink->pos;
	c->pos.seq = sink->read_seq;
	return c;
}

static void call_free(struct sink_call *c)
{
	vg_spool_batch_free(&c->batch);
	free(c);
}

/* Starts work on the spool thread; done continues the cycle. */
static void spool_call(struct vg_export_sink *sink, struct sink_call *c, vg_spooler_work_fn work,
		       vg_spooler_done_fn done)
{
	struct vg_error err;

	if (!c || vg_spooler_call(sink->agent->spooler, work, done, c) < 0) {
		free(c);
		vg_error_set(&err, -ENOMEM, N_("out of memory"));
		fail(sink, &err);
		return;
	}
	sink->busy = true;
	sink->call = c;
}

/* Takes the call back from the spool thread; NULL when the sink is gone (c is freed then). */
static struct vg_export_sink *call_back(struct sink_call *c)
{
	struct vg_export_sink *sink = c->sink;

	if (!sink) {
		call_free(c);
		return NULL;
	}
	sink->busy = false;
	sink->call = NULL;
	return sink;
}

static void load_work(struct vg_spool *spool, void *data)
{
	struct sink_call *c = data;

	c->r = c->enabled ? vg_spool_reader_open(spool, c->name, &c->pos, &c->err)
			  : vg_spool_reader_forget(spool, c->name, &c->err);
}

static void read_work(struct vg_spool *spool, void *data)
{
	struct sink_call *c = data;

	c->r = vg_spool_reader_read(spool, &c->pos, VG_EXPORT_BATCH, VG_EXPORT_BATCH_BYTES, &c->batch, &c->err);
}

static void ack_work(struct vg_spool *spool, void *data)
{
	struct sink_call *c = data;

	c->r = vg_spool_reader_ack(spool, c->name, &c->pos, &c->err);
}

/* After a load (or forget) or an acknowledgement: takes in the position, goes on. */
static void position_done(void *data)
{
	struct sink_call *c = data;
	struct vg_export_sink *sink = call_back(c);

	if (!sink)
		return;
	if (c->r < 0) {
		fail(sink, &c->err);
		call_free(c);
		return;
	}
	if (c->loading && c->enabled && sink->state != SINK_OFF) {
		sink->pos = c->pos;
		sink->read_seq = c->pos.seq;
		sink->loaded = true;
	}
	sink->stored = c->pos;
	if (sink->state != SINK_WAITING)
		cycle(sink);
	call_free(c);
}

static void store_position(struct vg_export_sink *sink)
{
	struct sink_call *c = call_new(sink);

	if (c)
		c->pos = sink->pos;
	if (sink->stopping) {
		/* At stop: the acknowledgement is still written, its answer no longer comes here. */
		if (c && vg_spooler_call(sink->agent->spooler, ack_work, position_done, c) == 0)
			c->sink = NULL;
		else
			free(c);
		return;
	}
	spool_call(sink, c, ack_work, position_done);
}

static void deliver_work(struct vg_job *job, void *data)
{
	struct deliver_job *d = data;
	struct vg_export_sink *sink = d->sink;

	(void)job;
	if (d->reconnect && sink->conn)
		sink->ops->close(&sink->conn);
	if (d->test_text) {
		uint64_t seq = 0;
		struct vg_spool_batch one = { 1, &seq, &d->test_text, strlen(d->test_text) };

		void *conn = NULL;

		/* A connection of its own, made and closed: the whole way to the receiver is tried,
		 * and the stream's connection keeps its state. */
		d->r = sink->ops->deliver(&conn, &d->conf, &one, &d->sent, &d->acked, &d->err);
		if (d->r == 0 && sink->ops->flush)
			d->r = sink->ops->flush(&conn, &d->conf, &d->acked, &d->err);
		if (conn)
			sink->ops->close(&conn);
		return;
	}
	if (d->batch.n == 0)
		d->r = sink->ops->flush(&sink->conn, &d->conf, &d->acked, &d->err);
	else
		d->r = sink->ops->deliver(&sink->conn, &d->conf, &d->batch, &d->sent, &d->acked, &d->err);
}

/* Takes in what a delivery (or a flush) reports: the new read and acknowledged positions. */
static bool take_positions(struct vg_export_sink *sink, struct deliver_job *d)
{
	bool moved = false;

	if (d->sent > 0) {
		sink->read_seq = d->batch.seqs[d->sent - 1];
		sink->delivered += d->sent;
		sink->last_delivery_ms = vg_time_ms();
		if (!sink->ops->flush)
			d->acked = sink->read_seq;
	}
	sink->pos.lost = d->pos.lost;
	sink->pos.counted = d->pos.counted;
	if (d->acked > sink->pos.seq && d->acked <= sink->read_seq) {
		sink->pos.seq = d->acked;
		moved = true;
	}
	return moved;
}

static void deliver_done(struct vg_job *job, void *data)
{
	struct deliver_job *d = data;
	struct vg_export_sink *sink = d->sink;
	bool moved;

	(void)job;
	if (d->test_text) {
		sink->test_running = false;
		if (d->r < 0)
			set_error(sink, &d->err);
		d->test_done(d->r, &d->err, d->test_data);
		free(d->test_text);
		free(d);
		return;
	}
	sink->busy = false;
	moved = take_positions(sink, d);
	if (sink->stopping) {
		if (moved)
			store_position(sink);
	} else if (d->r < 0) {
		/* What was sent but is not known received goes again, from the acknowledged position. */
		sink->read_seq = sink->pos.seq;
		fail(sink, &d->err);
		if (moved)
			store_position(sink);
	} else {
		if (sink->retries)
			vg_notice("export %s: delivering again", sink->ops->name);
		sink->retries = 0;
		sink->have_error = false;
		sink->state = d->batch.n ? SINK_DELIVERING : SINK_IDLE;
		if (moved)
			store_position(sink);
		else if (d->batch.n)
			cycle(sink);
		else
			arm(sink, POLL_MS);
	}
	vg_spool_batch_free(&d->batch);
	free(d);
}

/* Hands d to the sink's thread; false (d freed, the sink failed) when out of memory. */
static bool submit(struct vg_export_sink *sink, struct deliver_job *d)
{
	d->sink = sink;
	d->conf = sink->conf;
	d->conf.retrying = sink->retries > 0;
	d->reconnect = sink->reconnect;
	sink->reconnect = false;
	if (!vg_workers_submit(sink->thread, deliver_work, deliver_done, d)) {
		struct vg_error err;

		vg_spool_batch_free(&d->batch);
		free(d);
		vg_error_set(&err, -ENOMEM, N_("out of memory"));
		fail(sink, &err);
		return false;
	}
	sink->busy = true;
	return true;
}

static void read_done(void *data)
{
	struct sink_call *c = data;
	struct vg_export_sink *sink = call_back(c);
	struct deliver_job *d;

	if (!sink)
		return;
	if (c->r < 0 || sink->state == SINK_OFF) {
		if (c->r < 0)
			fail(sink, &c->err);
		call_free(c);
		cycle(sink);
		return;
	}
	if (c->batch.n == 0) {
		bool unsure = sink->read_seq > sink->pos.seq;

		/* A gap (events the caps removed) moves the position past it. */
		sink->pos.lost = c->pos.lost;
		sink->pos.counted = c->pos.counted;
		if (c->pos.seq > sink->read_seq) {
			if (!unsure)
				sink->pos.seq = c->pos.seq;
			sink->read_seq = c->pos.seq;
		}
		sink->state = SINK_IDLE;
		call_free(c);
		if (unsure && sink->ops->flush && (d = calloc(1, sizeof(*d)))) {
			d->pos = sink->pos;
			submit(sink, d);
		} else if (sink->pos.seq != sink->stored.seq || sink->pos.lost != sink->stored.lost) {
			store_position(sink);
		} else {
			arm(sink, POLL_MS);
		}
		return;
	}
	if (!(d = calloc(1, sizeof(*d)))) {
		struct vg_error err;

		call_free(c);
		vg_error_set(&err, -ENOMEM, N_("out of memory"));
		fail(sink, &err);
		return;
	}
	d->batch = c->batch;
	memset(&c->batch, 0, sizeof(c->batch));
	d->pos = c->pos;
	call_free(c);
	submit(sink, d);
}

/* The next step: load the position, or read what follows it. */
static void cycle(struct vg_export_sink *sink)
{
	struct sink_call *c;

	if (sink->busy || sink->stopping)
		return;
	if (sink->state == SINK_OFF) {
		if (sink->forget && (c = call_new(sink))) {
			sink->forget = false;
			c->loading = true;
			spool_call(sink, c, load_work, position_done);
		}
		return;
	}
	c = call_new(sink);
	if (!sink->loaded) {
		if (c)
			c->loading = c->enabled = true;
		sink->state = SINK_STARTING;
		spool_call(sink, c, load_work, position_done);
		return;
	}
	spool_call(sink, c, read_work, read_done);
}

static void on_timer(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct vg_export_sink *sink = data;

	(void)w, (void)fd, (void)events;
	if (sink->busy)
		arm(sink, POLL_MS);
	else
		cycle(sink);
}

void vg_export_sink_reconfigure(struct vg_export_sink *sink)
{
	struct vg_export_conf conf;
	bool on;

	memset(&conf, 0, sizeof(conf));
	on = sink->ops->configure(sink->agent, &conf);
	conf.enabled = on;
	if (memcmp(&conf, &sink->conf, sizeof(conf)) == 0 && (on || sink->state == SINK_OFF))
		return;
	sink->conf = conf;
	sink->reconnect = true;
	sink->have_error = false;
	sink->retries = 0;
	if (!on) {
		/* Off: its position is forgotten, so that it holds no event back in the spool. */
		sink->state = SINK_OFF;
		sink->loaded = false;
		sink->forget = true;
		vg_timer_disarm(sink->timer);
		cycle(sink);
		return;
	}
	if (sink->state == SINK_OFF)
		sink->state = SINK_STARTING;
	vg_info("export %s: to %s", sink->ops->name, conf.target);
	if (!sink->busy)
		arm(sink, 0);
}

int vg_export_sink_new(struct vg_export_sink **out, struct vg_agent *agent, const struct vg_export_ops *ops,
		       struct vg_error *err)
{
	struct vg_export_sink *sink = calloc(1, sizeof(*sink));

	if (!sink)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	sink->agent = agent;
	sink->ops = ops;
	sink->state = SINK_OFF;
	if (vg_workers_new(&sink->thread, agent->loop, 1) < 0 ||
	    !(sink->timer = vg_loop_timer(agent->loop, 0, 0, on_timer, sink))) {
		vg_export_sink_free(sink);
		return vg_error_set(err, -ENOMEM, N_("cannot start the %s export"), ops->name);
	}
	vg_timer_disarm(sink->timer);
	/* The first configuration of an off sink still forgets a position left from before. */
	sink->conf.enabled = true;
	vg_export_sink_reconfigure(sink);
	*out = sink;
	return 0;
}

void vg_export_sink_free(struct vg_export_sink *sink)
{
	if (!sink)
		return;
	/* A delivery under way ends (its receiver's timeouts bound it); its done function runs here. */
	sink->stopping = true;
	if (sink->call)
		sink->call->sink = NULL;
	sink->call = NULL;
	vg_workers_free(sink->thread);
	if (sink->conn)
		sink->ops->close(&sink->conn);
	vg_watch_remove(sink->timer);
	free(sink);
}

const char *vg_export_sink_name(const struct vg_export_sink *sink)
{
	return sink->ops->name;
}

static const char *state_word(enum sink_state s)
{
	switch (s) {
	case SINK_OFF: return "off";
	case SINK_STARTING: return "starting";
	case SINK_IDLE: return "up to date";
	case SINK_DELIVERING: return "delivering";
	case SINK_WAITING: return "waiting to retry";
	}
	return "unknown";
}

json_t *vg_export_sink_status(const struct vg_export_sink *sink)
{
	json_t *o = json_pack("{s:s, s:b, s:s, s:s, s:I, s:I, s:I, s:I}", "name", sink->ops->name, "enabled",
			      sink->state != SINK_OFF, "target", sink->conf.target, "state", state_word(sink->state),
			      "position", (json_int_t)sink->pos.seq, "delivered", (json_int_t)sink->delivered,
			      "lost", (json_int_t)sink->pos.lost, "failures", (json_int_t)sink->failures);

	if (o && sink->have_error)
		json_object_set_new(o, "last_error", json_string(sink->last_error.message));
	if (o)
		vg_ctl_set_time(o, "last_delivery", sink->last_delivery_ms);
	return o;
}

int vg_export_sink_test(struct vg_export_sink *sink, json_t *event, vg_export_test_fn done, void *data)
{
	struct deliver_job *d;

	if (sink->test_running)
		return -EBUSY;
	if (!(d = calloc(1, sizeof(*d))) || !(d->test_text = json_dumps(event, JSON_COMPACT))) {
		free(d);
		return -ENOMEM;
	}
	d->sink = sink;
	d->conf = sink->conf;
	d->conf.retrying = true; /* a test checks the receiver's certificate on its own first */
	d->test_done = done;
	d->test_data = data;
	if (!vg_workers_submit(sink->thread, deliver_work, deliver_done, d)) {
		free(d->test_text);
		free(d);
		return -ENOMEM;
	}
	sink->test_running = true;
	return 0;
}
