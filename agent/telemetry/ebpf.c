/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The eBPF sensor's user side: loading and attaching the programs (the skeleton embedded at
 * build time), the reader thread that drains the ring buffer, and the kernel's counters. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "loop.h"
#include "nls.h"
#include "telemetry/ebpf-decode.h"
#include "telemetry/ebpf.h"
#include "telemetry/ebpf/records.h"
#include "telemetry/proctable.h"
#include "telemetry/telemetry.h"
#include "vigil/error.h"

#include "sensor.skel.h"

#define BTF_PATH "/sys/kernel/btf/vmlinux"
#define POLL_MS 100
#define CLOCK_SYNC_MS 10000
#define MAX_PROCESSES 65536
#define HANDOFF 256             /* events handed to enrichment at once */

struct vg_tel_ebpf {
	struct vg_telemetry *tel;
	struct vigil_sensor *skel;
	struct ring_buffer *ring;
	struct vg_ebpf_decoder dec;      /* the reader thread's */
	json_t *ready[HANDOFF];          /* decoded, not yet handed over (reader thread) */
	size_t nready;
	int ncpus;
	pthread_t thread;
	bool thread_started;
	atomic_bool stop, hold;
	atomic_uint_fast64_t events, malformed, processes, processes_refused;
	uint64_t counters[VG_BPF_NCOUNTERS];   /* last read (loop thread) */
	bool process, network;
};

bool vg_tel_ebpf_built(void)
{
	return true;
}

/* libbpf's messages go to the agent's log; its warnings (a program refused, a map that
 * cannot be made) explain a failure, the rest is detail. */
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[1024];
	size_t n;

	if (level == LIBBPF_DEBUG && vg_log_get_level() < VG_LOG_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	if (level == LIBBPF_WARN)
		vg_info("ebpf: %s", line);
	else
		vg_debug("ebpf: %s", line);
	return 0;
}

/* Hands the decoded events to enrichment in one go: one lock and one wakeup per batch. */
static void hand_over(struct vg_tel_ebpf *e)
{
	if (!e->nready)
		return;
	atomic_fetch_add(&e->events, e->nready);
	vg_tel_submit_many(e->tel, e->ready, e->nready);
	e->nready = 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct vg_tel_ebpf *e = ctx;
	json_t *ev = vg_ebpf_decode(&e->dec, data, size);

	if (ev) {
		e->ready[e->nready++] = ev;
		if (e->nready == HANDOFF)
			hand_over(e);
	}
	return 0;
}

static void *reader_main(void *data)
{
	struct vg_tel_ebpf *e = data;
	uint64_t synced = vg_now_ms();

	/* The processes that run already, so that their exits and connections have a path;
	 * records wait in the ring buffer meanwhile. */
	vg_proctable_seed(e->dec.procs, "/proc");
	while (!atomic_load(&e->stop)) {
		int r;

		if (atomic_load(&e->hold)) {
			struct timespec pause = { 0, 20 * 1000000 };

			nanosleep(&pause, NULL);
			continue;
		}
		/* The programs wake the reader only for a batch: what is below it is read when the
		 * wait times out. */
		r = ring_buffer__poll(e->ring, POLL_MS);
		if (r >= 0)
			r = ring_buffer__consume(e->ring);
		hand_over(e);

		if (r < 0 && r != -EINTR) {
			vg_warn("ebpf: reading the ring buffer failed: %s", strerror(-r));
			break;
		}
		if (vg_now_ms() - synced >= CLOCK_SYNC_MS) {
			vg_ebpf_decoder_sync_clock(&e->dec);
			synced = vg_now_ms();
		}
		atomic_store(&e->malformed, e->dec.malformed);
		atomic_store(&e->processes, vg_proctable_count(e->dec.procs));
		atomic_store(&e->processes_refused, vg_proctable_refused(e->dec.procs));
	}
	/* What the kernel wrote before the stop is still read. */
	ring_buffer__consume(e->ring);
	hand_over(e);
	return NULL;
}

/* Why loading failed, for a person: the usual causes get their own message. */
static int load_error(int r, struct vg_error *err)
{
	if (r == -EPERM || r == -EACCES)
		return vg_error_set(err, r, N_("the kernel refused the eBPF programs: %s (they need CAP_BPF and "
					       "CAP_PERFMON, or CAP_SYS_ADMIN)"), strerror(-r));
	return vg_error_set(err, r, N_("the kernel refused the eBPF programs: %s"), strerror(-r));
}

int vg_tel_ebpf_start(struct vg_tel_ebpf **out, struct vg_telemetry *tel, bool process, bool network,
		      struct vg_error *err)
{
	struct vg_tel_ebpf *e;
	int r;

	*out = NULL;
	if (access(BTF_PATH, R_OK) < 0)
		return vg_error_set(err, -ENOTSUP, N_("the kernel has no BTF (%s: %s)"), BTF_PATH, strerror(errno));
	if (!(e = calloc(1, sizeof(*e))))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	e->tel = tel;
	atomic_init(&e->stop, false);
	atomic_init(&e->hold, false);
	if ((r = vg_ebpf_decoder_init(&e->dec, MAX_PROCESSES)) < 0) {
		r = vg_error_set(err, r, N_("out of memory"));
		goto fail;
	}
	libbpf_set_print(libbpf_log);
	if ((e->ncpus = libbpf_num_possible_cpus()) <= 0) {
		r = vg_error_set(err, e->ncpus ? e->ncpus : -EINVAL, N_("cannot count the processors: %s"),
				 strerror(e->ncpus ? -e->ncpus : EINVAL));
		goto fail;
	}
	if (!(e->skel = vigil_sensor__open())) {
		r = vg_error_set(err, -errno, N_("cannot open the eBPF programs: %s"), strerror(errno));
		goto fail;
	}
	e->skel->rodata->self_tgid = (uint32_t)tel->self;
	e->skel->data->want_process = process;
	e->skel->data->want_network = network;
	e->process = process;
	e->network = network;
	if ((r = vigil_sensor__load(e->skel)) < 0) {
		r = load_error(r, err);
		goto fail;
	}
	if ((r = vigil_sensor__attach(e->skel)) < 0) {
		r = vg_error_set(err, r, N_("cannot attach the eBPF programs to their tracepoints: %s"), strerror(-r));
		goto fail;
	}
	if (!(e->ring = ring_buffer__new(bpf_map__fd(e->skel->maps.vigil_events), on_record, e, NULL))) {
		r = vg_error_set(err, -errno, N_("cannot read the eBPF ring buffer: %s"), strerror(errno));
		goto fail;
	}
	if ((r = -pthread_create(&e->thread, NULL, reader_main, e)) < 0) {
		r = vg_error_set(err, r, N_("cannot start the eBPF reader: %s"), strerror(-r));
		goto fail;
	}
	pthread_setname_np(e->thread, "vg-ebpf");
	e->thread_started = true;
	vg_info("ebpf: sensor attached (processes %s, network %s)", process ? "on" : "off", network ? "on" : "off");
	*out = e;
	return 0;
fail:
	vg_tel_ebpf_stop(e);
	return r;
}

void vg_tel_ebpf_stop(struct vg_tel_ebpf *e)
{
	if (!e)
		return;
	if (e->thread_started) {
		atomic_store(&e->stop, true);
		pthread_join(e->thread, NULL);
	}
	ring_buffer__free(e->ring);
	/* Closing the last descriptors detaches the programs and frees the maps. */
	vigil_sensor__destroy(e->skel);
	vg_ebpf_decoder_fini(&e->dec);
	free(e);
}

void vg_tel_ebpf_configure(struct vg_tel_ebpf *e, bool process, bool network)
{
	/* The data section is mapped: the programs see the change at their next run. */
	if (process != e->process)
		e->skel->data->want_process = process;
	if (network != e->network)
		e->skel->data->want_network = network;
	e->process = process;
	e->network = network;
}

/* Sums the per-CPU counters into e->counters. */
static void read_counters(struct vg_tel_ebpf *e)
{
	uint64_t *per_cpu = calloc((size_t)e->ncpus, sizeof(*per_cpu));
	int fd = bpf_map__fd(e->skel->maps.vigil_counters);

	if (!per_cpu)
		return;
	for (uint32_t k = 0; k < VG_BPF_NCOUNTERS; k++) {
		uint64_t sum = 0;

		if (bpf_map_lookup_elem(fd, &k, per_cpu) < 0)
			continue;
		for (int c = 0; c < e->ncpus; c++)
			sum += per_cpu[c];
		e->counters[k] = sum;
	}
	free(per_cpu);
}

uint64_t vg_tel_ebpf_lost(struct vg_tel_ebpf *e)
{
	read_counters(e);
	return e->counters[VG_BPF_CNT_RING_FULL];
}

json_t *vg_tel_ebpf_status(struct vg_tel_ebpf *e)
{
	read_counters(e);
	return json_pack("{s:s, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			 "state", "running", "process", e->process, "network", e->network,
			 "ring_buffer_bytes", (json_int_t)bpf_map__max_entries(e->skel->maps.vigil_events),
			 "records", (json_int_t)e->counters[VG_BPF_CNT_SUBMITTED],
			 "kernel_lost", (json_int_t)e->counters[VG_BPF_CNT_RING_FULL],
			 "tables_full", (json_int_t)e->counters[VG_BPF_CNT_TABLE_FULL],
			 "accepts_unmatched", (json_int_t)e->counters[VG_BPF_CNT_ACCEPT_UNSURE],
			 "events", (json_int_t)atomic_load(&e->events),
			 "malformed", (json_int_t)atomic_load(&e->malformed),
			 "processes", (json_int_t)atomic_load(&e->processes),
			 "processes_untracked", (json_int_t)atomic_load(&e->processes_refused));
}

void vg_tel_ebpf_hold(struct vg_tel_ebpf *e, bool hold)
{
	atomic_store(&e->hold, hold);
}
