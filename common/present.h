/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How the front ends show the agent's answers to people, in their language: the shell and the
 * console both describe the agent's status, a task and an event through these functions, so
 * that they say the same things in the same words.  The agent's answers stay as they are for
 * machines (--json); here they become a state word, the one or two numbers that matter, local
 * dates with durations ("10:42 (3 h ago)"), rounded rates, sizes in units and errors as
 * sentences.  No field is shown raw: no -1, null, epoch number or JSON text.
 *
 * The agent sends its labels and values as message ids (English, marked N_() where it makes
 * them) and its errors as {msgid, args}: they are translated here.
 */
#ifndef VIGIL_PRESENT_H
#define VIGIL_PRESENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* How a part is doing: the colour of its state word. */
enum vg_level {
	VG_LEVEL_OFF,   /* off, idle, not configured: nothing to look at */
	VG_LEVEL_OK,    /* working */
	VG_LEVEL_WARN,  /* working with a problem, or in a state that needs an eye (isolated) */
	VG_LEVEL_ERROR, /* not working */
};

/* One labelled line ("Size", "3.2 MiB"). */
struct vg_present_item {
	char label[96];
	char value[512];
};

#define VG_PRESENT_MAX_ITEMS 40

/* A part of the agent (the agent itself, telemetry, the server link, isolation...). */
struct vg_present_part {
	char name[32];                       /* the status section ("telemetry"), "agent" for the agent */
	char label[96];                      /* "Telemetry" */
	char state[128];                     /* "collecting" */
	enum vg_level level;
	char summary[512];                   /* the numbers that matter, "" when none */
	char problem[1024];                  /* what is wrong, a sentence, "" when nothing */
	struct vg_present_item items[VG_PRESENT_MAX_ITEMS]; /* everything else (status --verbose) */
	size_t nitems;
};

/* ---- Status (present-status.c) ---- */

#define VG_PRESENT_MAX_PARTS 12

/* Describes the answer to "status": parts[0] is the agent itself, then one part per section in
 * a fixed order (telemetry, link, isolation, tasks, ioc, detection, export, then any other the
 * agent has).  now is the time in seconds since the epoch.  Returns the parts written (at most max). */
size_t vg_present_status(const json_t *status, int64_t now, struct vg_present_part *parts, size_t max);

/* One section of the status answer (name "isolation" with the answer of isolation.status...),
 * label its translated name. */
void vg_present_section(const char *name, const char *label, const json_t *section, int64_t now,
			struct vg_present_part *part);

/* An export sink's name ("relp") in words ("RELP"). */
const char *vg_present_sink_label(const char *name);
/* A sink's state word as the agent sends it ("up to date"), in the user's language, and its
 * level; a word it does not know is shown as it came, at the warning level. */
const char *vg_present_sink_state(const char *state, enum vg_level *level);

/* ---- Tasks (present-task.c) ---- */

/* A task state ("timed_out") in words, and its level. */
const char *vg_present_task_state(const char *state, enum vg_level *level);
/* A task kind ("get-file") in words ("collect a file"). */
const char *vg_present_task_kind(const char *kind);
/* A task (task.show) as labelled lines: what was asked, by whom and when, how it ended, and
 * what its kind produced (sizes in units, local times, processes one per line); a run's output
 * is not included.  Returns the lines written. */
size_t vg_present_task(const json_t *task, int64_t now, struct vg_present_item *items, size_t max);
/* One line on what a task was about and how it came out ("/etc/hosts: 3 KiB, SHA-256 4f1c…"). */
void vg_present_task_summary(const json_t *task, char *buf, size_t size);

/* ---- Events (present-event.c) ---- */

/* An event in one row. */
struct vg_present_event {
	char time[32];       /* local "HH:MM:SS" (time_long: with the date and milliseconds) */
	char time_long[48];
	char type[32];       /* "process", "network", "file", or the OCSF class in words */
	char activity[48];   /* "start", "exit", "create", "update", "connect"... */
	char pid[16];        /* the acting process, "" when none */
	char details[1024];  /* what it is about */
};

void vg_present_event(const json_t *event, struct vg_present_event *out);

/* Labelled lines in a column: the columns the widest "Label:" takes on screen, and one label
 * with its colon as the language writes it ("Taille :"), padded with blanks to width columns. */
int vg_present_label_width(const struct vg_present_item *items, size_t n);
const char *vg_present_label(const struct vg_present_item *item, int width, char *buf, size_t size);

/* ---- Words (present-text.c) ---- */

/* A member of an agent's answer: its text ("" when it is absent or not text), its number (0
 * when absent; a real is truncated). */
const char *vg_present_str(const json_t *o, const char *key);
long long vg_present_num(const json_t *o, const char *key);


/* "42 s", "3 min 12 s", "3 h 5 min", "2 d 4 h". */
void vg_present_duration(char *buf, size_t size, int64_t seconds);
/* A moment in local time with its distance from now: "10:42 (3 h ago)", "Mon 10:42 (2 d ago)",
 * "2026-11-02 10:42 (34 d ago)", "11:00 (in 20 min)". */
void vg_present_when(char *buf, size_t size, int64_t when, int64_t now);
/* Local date and time to the second, "2026-12-06 10:42:07". */
void vg_present_date(char *buf, size_t size, int64_t when);
/* "512 bytes", "3.2 KiB", "1.5 MiB", "2.0 GiB". */
void vg_present_size(char *buf, size_t size, uint64_t bytes);
/* A rate rounded for reading: "0", "0.4", "12", "1 204". */
void vg_present_rate(char *buf, size_t size, double per_second);
/* An IOC scan's state ("done") in words. */
const char *vg_present_scan_state(const char *state);
/* An error object of the protocol ({message, msgid, args, prefix}) in the user's language. */
const char *vg_present_error(const json_t *error, char *buf, size_t size);
/* Where a setting's value came from (the "source" of settings.show and settings.history:
 * "default", "vigilctl", "command line", "file NAME:LINE"), in the user's language. */
const char *vg_present_setting_source(const json_t *setting, char *buf, size_t size);
/* A value the agent sent as a message id (a state word), translated. */
const char *vg_present_msgid(const char *msgid);

#endif
