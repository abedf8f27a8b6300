/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A scan: one evaluation per document, fed by the collectors of the documents they need. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nls.h"
#include "scan.h"
#include "terms.h"
#include "vigil/error.h"

static void feed(const struct vg_ioc_object *obj, void *data)
{
	struct vg_ioc_scan *scan = data;
	for (size_t i = 0; i < scan->niocs; i++)
		if (scan->evals[i] && vg_ioc_needs_doc(scan->iocs[i], obj->doc))
			vg_ioc_eval_object(scan->evals[i], obj);
}

static void probe(const struct vg_ioc_object *obj, void *data)
{
	struct vg_ioc_scan *scan = data;
	for (size_t i = 0; i < scan->niocs; i++)
		if (scan->evals[i] && vg_ioc_needs_doc(scan->iocs[i], obj->doc))
			ioc_eval_probe(scan->evals[i], obj);
}

/* The objects a scan feeds its evaluations all come from the collectors of this library. */
static void identify(const struct vg_ioc_object *obj, struct vg_ioc_identity *id, void *data)
{
	(void)data;
	if (obj->doc == VG_IOC_DOC_FILE)
		ioc_file_identify(obj, id);
	else if (obj->doc == VG_IOC_DOC_PROCESS)
		ioc_proc_identify(obj, id);
}

void ioc_scan_phase(struct vg_ioc_scan *scan, enum vg_ioc_phase p)
{
	scan->stats.phase = p;
	if (scan->progress)
		scan->progress(&scan->stats, NULL, scan->data);
}

static bool any_needs(const struct vg_ioc_scan *scan, enum vg_ioc_doc doc)
{
	for (size_t i = 0; i < scan->niocs; i++)
		if (vg_ioc_needs_doc(scan->iocs[i], doc))
			return true;
	return false;
}

int vg_ioc_scan_run(struct vg_ioc_scan *scan, struct vg_error *err)
{
	struct ioc_collect c = { .scan = scan, .emit = feed, .probe = probe, .data = scan };
	static atomic_bool never;
	struct timespec t0, t1;
	int r = 0;

	if (!scan->cancel)
		scan->cancel = &never;
	if (!scan->hash_limit)
		scan->hash_limit = 200ull << 20;
	scan->evals = calloc(scan->niocs ? scan->niocs : 1, sizeof(*scan->evals));
	scan->results = calloc(scan->niocs ? scan->niocs : 1, sizeof(*scan->results));
	if (!scan->evals || !scan->results)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	for (size_t i = 0; i < scan->niocs; i++) {
		if (vg_ioc_eval_new(scan->iocs[i], &scan->evals[i]) < 0)
			return vg_error_set(err, -ENOMEM, N_("out of memory"));
		if (scan->identify)
			ioc_eval_set_identify(scan->evals[i], identify, scan);
		for (unsigned f = 0; f < F_FIELD_COUNT; f++)
			if (vg_ioc_needs_field(scan->iocs[i], f))
				c.need_fields[f] = true;
	}
	c.hashes = (c.need_fields[F_FILE_MD5] || c.need_fields[F_PROC_MD5] ? IOC_HASH_MD5 : 0) |
		   (c.need_fields[F_FILE_SHA1] || c.need_fields[F_PROC_SHA1] ? IOC_HASH_SHA1 : 0) |
		   (c.need_fields[F_FILE_SHA256] || c.need_fields[F_PROC_SHA256] ? IOC_HASH_SHA256 : 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Cheap documents first, so that a cancelled file walk still has them. */
	if (!scan->no_system) {
		ioc_scan_phase(scan, VG_IOC_PHASE_SYSTEM);
		ioc_items_system(&c);
	}
	if (!scan->no_processes && !atomic_load(scan->cancel)) {
		if (any_needs(scan, VG_IOC_DOC_PROCESS)) {
			ioc_scan_phase(scan, VG_IOC_PHASE_PROCESSES);
			ioc_items_processes(&c);
		}
		scan->collected |= 1u << VG_IOC_DOC_PROCESS;
	}
	if (!scan->no_ports && !atomic_load(scan->cancel)) {
		if (any_needs(scan, VG_IOC_DOC_PORT)) {
			ioc_scan_phase(scan, VG_IOC_PHASE_PORTS);
			ioc_items_ports(&c);
		}
		scan->collected |= 1u << VG_IOC_DOC_PORT;
	}
	if (!scan->no_files && !atomic_load(scan->cancel)) {
		/* The file collector tells its two phases (counting, then the walk) itself. */
		if (any_needs(scan, VG_IOC_DOC_FILE) && (r = ioc_items_files(&c, err)) < 0)
			goto out;
		scan->collected |= 1u << VG_IOC_DOC_FILE;
	}
	if (atomic_load(scan->cancel)) {
		/* What was not walked to the end cannot say "no match". */
		scan->collected &= ~(1u << VG_IOC_DOC_FILE);
		r = -ECANCELED;
	}
	for (size_t i = 0; i < scan->niocs; i++)
		scan->results[i] = vg_ioc_eval_finish(scan->evals[i], scan->collected);
out:
	clock_gettime(CLOCK_MONOTONIC, &t1);
	scan->stats.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	scan->stats.phase = VG_IOC_PHASE_DONE;
	return r;
}

void vg_ioc_scan_release(struct vg_ioc_scan *scan)
{
	for (size_t i = 0; scan->evals && i < scan->niocs; i++)
		vg_ioc_eval_free(scan->evals[i]);
	free(scan->evals);
	free(scan->results);
	scan->evals = NULL;
	scan->results = NULL;
}
