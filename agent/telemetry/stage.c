/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The telemetry's side of detection (stage.h): the stage on the enrichment thread and the
 * audit records wanted by the loaded rules. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "agent.h"
#include "telemetry/audit-records.h"
#include "telemetry/audit.h"
#include "telemetry/stage.h"
#include "telemetry/telemetry.h"

int vg_tel_set_stage(struct vg_agent *agent, const struct vg_tel_stage *stage)
{
	struct vg_telemetry *tel = agent->telemetry;

	if (!tel)
		return -EAGAIN;
	/* The enrichment thread holds the lock while it runs the stage: once we have it, the old
	 * stage is no longer running and never will be. */
	pthread_mutex_lock(&tel->stage_lock);
	if (stage)
		tel->stage = *stage;
	tel->has_stage = stage != NULL;
	pthread_mutex_unlock(&tel->stage_lock);
	return 0;
}

bool vg_tel_stage_run(struct vg_telemetry *tel, json_t *event)
{
	bool keep;

	pthread_mutex_lock(&tel->stage_lock);
	if (tel->has_stage)
		keep = tel->stage.event(tel->stage.data, event);
	else
		keep = !json_is_true(json_object_get(event, VG_TEL_DETECT_ONLY));
	pthread_mutex_unlock(&tel->stage_lock);
	return keep;
}

void vg_tel_stage_idle(struct vg_telemetry *tel)
{
	pthread_mutex_lock(&tel->stage_lock);
	if (tel->has_stage && tel->stage.idle)
		tel->stage.idle(tel->stage.data);
	pthread_mutex_unlock(&tel->stage_lock);
}

/* Hands the wanted syscalls and read watches to the audit collector, when it runs. */
void vg_tel_detect_audit_apply(struct vg_telemetry *tel)
{
	if (tel->audit)
		vg_tel_audit_set_detect(tel->audit, (const char *const *)tel->detect_syscalls, tel->ndetect_syscalls,
					(const char *const *)tel->detect_reads, tel->ndetect_reads);
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static char **copy_list(const char *const *in, size_t n)
{
	char **out = calloc(n + 1, sizeof(*out));

	for (size_t i = 0; out && i < n; i++)
		if (!(out[i] = strdup(in[i]))) {
			free_list(out, i);
			return NULL;
		}
	return out;
}

int vg_tel_set_audit_wants(struct vg_agent *agent, const struct vg_tel_audit_wants *wants)
{
	struct vg_telemetry *tel = agent->telemetry;
	char **sys = NULL, **reads = NULL;
	size_t nsys = wants ? wants->nsyscalls : 0, nreads = wants ? wants->nread_files : 0;
	int r;

	if (!tel)
		return -EAGAIN;
	if ((nsys && !(sys = copy_list(wants->syscalls, nsys))) || (nreads && !(reads = copy_list(wants->read_files, nreads)))) {
		free_list(sys, nsys);
		return -ENOMEM;
	}
	if ((r = vg_audit_records_set(tel->records, wants)) < 0) {
		free_list(sys, nsys);
		free_list(reads, nreads);
		return r;
	}
	free_list(tel->detect_syscalls, tel->ndetect_syscalls);
	free_list(tel->detect_reads, tel->ndetect_reads);
	tel->detect_syscalls = sys;
	tel->ndetect_syscalls = sys ? nsys : 0;
	tel->detect_reads = reads;
	tel->ndetect_reads = reads ? nreads : 0;
	/* Starts or stops the audit collector as it is now needed, with these rules. */
	vg_tel_apply_audit(tel);
	vg_tel_detect_audit_apply(tel);
	return 0;
}

bool vg_tel_audit_running(struct vg_agent *agent, const char **why)
{
	struct vg_telemetry *tel = agent->telemetry;

	if (!tel) {
		*why = "telemetry is not running";
		return false;
	}
	*why = tel->audit_error.code ? tel->audit_error.message : NULL;
	return tel->audit != NULL;
}
