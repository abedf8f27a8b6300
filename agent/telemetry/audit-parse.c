/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <auparse.h>
#include <libaudit.h>

#include "events.h"
#include "loop.h"
#include "ocsf.h"
#include "telemetry/audit-parse.h"
#include "telemetry/audit-records.h"
#include "telemetry/audit.h"
#include "telemetry/telemetry.h"

#define MAX_ARGS 256
#define MAX_ARG_BYTES 8192
#define MAX_FIELD 4096
#define MAX_PATHS 5 /* a rename has four */
#define HANDOFF 256 /* events handed to enrichment at once */
/* Audit events under way that no EOE record has ended yet (see open_serial). */
#define OPEN_MAX 64
#define STAMP_MAX 48 /* "audit(SECONDS.MS:SERIAL)" */

/* What one audit event says, gathered over its records. */
struct audit_event {
	int syscall;
	unsigned long arch;
	bool success;
	long long exit;
	unsigned long long a0;
	long pid, ppid;
	long long uid, auid;
	char exe[MAX_FIELD], comm[64], cwd[MAX_FIELD];
	json_t *argv;
	unsigned char saddr[128];
	size_t saddr_len;
	char key[64];
	/* PATH records: their name and nametype (CREATE, DELETE, NORMAL, PARENT...). */
	char path[MAX_PATHS][MAX_FIELD];
	char nametype[MAX_PATHS][16];
	unsigned mode[MAX_PATHS]; /* st_mode of the named inode, 0 when the record has none */
	size_t npath;
	int64_t time_ms;
	unsigned long serial;
};

struct vg_audit_parser {
	struct vg_telemetry *tel;
	auparse_state_t *au;
	int machine;
	unsigned long arch;      /* the ELF machine of our syscall numbers, as in "arch=" */
	int nr_execve, nr_execveat, nr_exit_group, nr_connect, nr_accept, nr_accept4, nr_bind;
	atomic_uint_fast64_t records, events, overruns;
	atomic_bool watching;    /* directory watches are on: PATH records matter */
	atomic_bool emit_process, emit_network; /* else their syscalls are audited for detection only */
	char line[MAX_AUDIT_MESSAGE_LENGTH + 64];
	/* The event being read, reused: tens of KiB allocated for every event cost more. */
	struct audit_event ev;
	json_t *ready[HANDOFF];  /* made, not yet handed over */
	size_t nready;
	/* libauparse ends a kernel event only at its EOE record or after seconds of aging, and
	 * hands events over in order: a record that the kernel sends alone, without EOE (a
	 * NETFILTER_CFG, BPF or AVC record outside a system call audited for itself), held
	 * every event after it for those seconds.  Such events are ended here once the rest of
	 * a system call's records would have come. */
	struct open_serial {
		unsigned long serial;
		uint64_t since_ms;
		char stamp[STAMP_MAX];
	} open[OPEN_MAX];
	size_t nopen;
};

/* How long the records of a system call's event may be apart: those the kernel writes while
 * the call runs (an AVC, a NETFILTER_CFG) precede its SYSCALL record and EOE by the call's
 * duration.  Past this, a record without EOE is taken as an event of its own. */
#define EOE_WAIT_MS 50

void vg_audit_parser_hand_over(struct vg_audit_parser *p)
{
	if (!p->nready)
		return;
	vg_tel_submit_many(p->tel, p->ready, p->nready);
	p->nready = 0;
}

static void submit(struct vg_audit_parser *p, json_t *event)
{
	p->ready[p->nready++] = event;
	if (p->nready == HANDOFF)
		vg_audit_parser_hand_over(p);
}

static bool our_syscall(const struct vg_audit_parser *p, int nr)
{
	return nr == p->nr_execve || nr == p->nr_execveat || nr == p->nr_exit_group || nr == p->nr_connect ||
	       nr == p->nr_accept || nr == p->nr_accept4 || nr == p->nr_bind;
}

static size_t unhex(const char *in, unsigned char *out, size_t max)
{
	size_t n = 0;

	while (in[0] && in[1] && n < max) {
		unsigned v;

		if (sscanf(in, "%2x", &v) != 1)
			break;
		out[n++] = (unsigned char)v;
		in += 2;
	}
	return n;
}

/* An audit string value: "quoted" as is, or hex-encoded when it holds spaces, quotes or
 * control characters, or (null) when absent.  Decoded into dst (size bytes, NUL-terminated). */
static void decode_value(char *dst, size_t size, const char *raw)
{
	size_t len = strlen(raw);

	if (size == 0)
		return;
	if (len >= 2 && raw[0] == '"' && raw[len - 1] == '"') {
		snprintf(dst, size, "%.*s", (int)(len - 2), raw + 1);
		return;
	}
	if (strcmp(raw, "(null)") == 0) {
		dst[0] = '\0';
		return;
	}
	len = unhex(raw, (unsigned char *)dst, size - 1);
	dst[len] = '\0';
	/* A NUL inside the value (it does not happen for paths) would cut it there. */
}

/* Reads the fields of the current record into ev. */
static void read_record(struct vg_audit_parser *p, struct audit_event *ev)
{
	int type = auparse_get_type(p->au);

	if (auparse_first_field(p->au) <= 0)
		return;
	do {
		const char *name = auparse_get_field_name(p->au);
		const char *raw = auparse_get_field_str(p->au);

		if (!name || !raw)
			continue;
		if (type == AUDIT_SYSCALL) {
			if (strcmp(name, "syscall") == 0)
				ev->syscall = atoi(raw);
			else if (strcmp(name, "arch") == 0)
				ev->arch = strtoul(raw, NULL, 16);
			else if (strcmp(name, "success") == 0)
				ev->success = strcmp(raw, "yes") == 0;
			else if (strcmp(name, "exit") == 0)
				ev->exit = strtoll(raw, NULL, 10);
			else if (strcmp(name, "a0") == 0)
				ev->a0 = strtoull(raw, NULL, 16);
			else if (strcmp(name, "pid") == 0)
				ev->pid = strtol(raw, NULL, 10);
			else if (strcmp(name, "ppid") == 0)
				ev->ppid = strtol(raw, NULL, 10);
			else if (strcmp(name, "uid") == 0)
				ev->uid = strtoll(raw, NULL, 10);
			else if (strcmp(name, "auid") == 0)
				ev->auid = strtoll(raw, NULL, 10);
			else if (strcmp(name, "exe") == 0)
				decode_value(ev->exe, sizeof(ev->exe), raw);
			else if (strcmp(name, "comm") == 0)
				decode_value(ev->comm, sizeof(ev->comm), raw);
			else if (strcmp(name, "key") == 0)
				decode_value(ev->key, sizeof(ev->key), raw);
		} else if (type == AUDIT_EXECVE) {
			/* a0, a1 ... or, for long arguments, aN_len then aN[0], aN[1] ... */
			if (name[0] == 'a' && name[1] >= '0' && name[1] <= '9' && !strstr(name, "_len") &&
			    json_array_size(ev->argv) < MAX_ARGS) {
				char val[MAX_FIELD];
				char *bracket = strchr(name, '[');

				decode_value(val, sizeof(val), raw);
				if (bracket && strcmp(bracket, "[0]") != 0 && json_array_size(ev->argv)) {
					json_t *last = json_array_get(ev->argv, json_array_size(ev->argv) - 1);
					char *joined;

					if (json_string_length(last) < MAX_ARG_BYTES &&
					    asprintf(&joined, "%s%s", json_string_value(last), val) >= 0) {
						json_array_set_new(ev->argv, json_array_size(ev->argv) - 1,
								   vg_ocsf_text(joined));
						free(joined);
					}
				} else {
					json_array_append_new(ev->argv, vg_ocsf_text(val));
				}
			}
		} else if (type == AUDIT_PATH && ev->npath < MAX_PATHS) {
			if (strcmp(name, "name") == 0)
				decode_value(ev->path[ev->npath], sizeof(ev->path[0]), raw);
			else if (strcmp(name, "nametype") == 0)
				snprintf(ev->nametype[ev->npath], sizeof(ev->nametype[0]), "%s", raw);
			else if (strcmp(name, "mode") == 0)
				ev->mode[ev->npath] = (unsigned)strtoul(raw, NULL, 8);
		} else if (type == AUDIT_CWD && strcmp(name, "cwd") == 0) {
			decode_value(ev->cwd, sizeof(ev->cwd), raw);
		} else if (type == AUDIT_SOCKADDR && strcmp(name, "saddr") == 0) {
			ev->saddr_len = unhex(raw, ev->saddr, sizeof(ev->saddr));
		}
	} while (auparse_next_field(p->au) > 0);
}

static json_t *process_json(const struct audit_event *ev)
{
	return vg_ocsf_process(ev->pid, ev->comm, ev->exe, ev->uid, ev->ppid);
}

/* What audit adds to every event: its serial and the login uid, outside the schema. */
static json_t *audit_unmapped(json_t *e, const struct audit_event *ev)
{
	json_t *unmapped = json_object_get(e, "unmapped");

	json_object_set_new(unmapped, "audit_serial", json_integer((json_int_t)ev->serial));
	json_object_set_new(unmapped, "auid", json_integer((json_int_t)ev->auid));
	return e;
}

static json_t *process_event(struct vg_audit_parser *p, struct audit_event *ev)
{
	json_t *e, *proc;
	char *cmd;

	if (ev->syscall == p->nr_exit_group) {
		e = vg_ocsf_process_activity(2, process_json(ev), ev->time_ms);
		if (!e)
			return NULL;
		/* exit_group(status): the low 8 bits are what the parent sees. */
		json_object_set_new(e, "exit_code", json_integer((json_int_t)(ev->a0 & 0xff)));
		return audit_unmapped(e, ev);
	}
	if (!ev->success)
		return NULL;
	proc = process_json(ev);
	cmd = vg_ocsf_cmd_line(ev->argv);
	json_object_set_new(proc, "cmd_line", vg_ocsf_text(cmd ? cmd : ""));
	free(cmd);
	json_object_set_new(proc, "created_time", json_integer(ev->time_ms));
	e = vg_ocsf_process_activity(1, proc, ev->time_ms);
	if (!e)
		return NULL;
	json_object_set(json_object_get(e, "unmapped"), "argv", ev->argv);
	json_object_set_new(json_object_get(e, "unmapped"), "cwd", vg_ocsf_text(ev->cwd));
	json_object_set_new(e, "_vg", json_object());
	return audit_unmapped(e, ev);
}

/* An IPv4 or IPv6 socket address as an OCSF endpoint; NULL for other families. */
static json_t *endpoint_json(const unsigned char *sa, size_t len)
{
	uint16_t family, port;

	if (len < 2)
		return NULL;
	memcpy(&family, sa, 2);
	if (family == AF_INET && len >= 8) {
		memcpy(&port, sa + 2, 2);
		return vg_ocsf_endpoint(AF_INET, sa + 4, ntohs(port));
	}
	if (family == AF_INET6 && len >= 24) {
		memcpy(&port, sa + 2, 2);
		return vg_ocsf_endpoint(AF_INET6, sa + 8, ntohs(port));
	}
	return NULL;
}

/*
 * connect, accept and bind as Network Activity (ocsf.h says which activity each result is).
 * The local end and the protocol are the socket's: enrichment reads them from /proc through
 * the descriptor (the hints in "_vg"), and keeps them only when that socket is the one of the
 * call (its peer, or its bound address, is the call's), since the descriptor may have been
 * closed and given to another socket by then.
 */
static json_t *network_event(struct vg_audit_parser *p, struct audit_event *ev)
{
	bool accept = ev->syscall == p->nr_accept || ev->syscall == p->nr_accept4;
	enum vg_ocsf_net_call call = accept ? VG_OCSF_NET_ACCEPT
				   : ev->syscall == p->nr_bind ? VG_OCSF_NET_BIND : VG_OCSF_NET_CONNECT;
	long long fd = accept ? ev->exit : (long long)ev->a0;
	int err = ev->success ? 0 : (int)-ev->exit;
	json_t *e, *addr;

	/* A failed accept or bind did nothing to report. */
	if (err && call != VG_OCSF_NET_CONNECT)
		return NULL;
	if (!(addr = endpoint_json(ev->saddr, ev->saddr_len)))
		return NULL;
	e = vg_ocsf_network_activity(call, err, addr, process_json(ev), ev->time_ms);
	if (!e)
		return NULL;
	/* An attempt that failed at once left no socket state to read. */
	if (!err || err == EINPROGRESS)
		json_object_set_new(e, "_vg", json_pack("{s:I, s:I, s:i}", "pid", (json_int_t)ev->pid, "fd",
							(json_int_t)fd, "call", (int)call));
	return audit_unmapped(e, ev);
}

/* A PATH name made absolute with the process's working directory, with the type of its inode. */
static json_t *watched_file(const struct audit_event *ev, size_t i)
{
	char full[MAX_FIELD * 2];
	const char *name = ev->path[i];

	if (name[0] == '/' || !ev->cwd[0])
		snprintf(full, sizeof(full), "%s", name);
	else
		snprintf(full, sizeof(full), "%s/%s", ev->cwd, name);
	return vg_ocsf_file(full, vg_ocsf_file_type(ev->mode[i]));
}

/* The fallback file collector: an audit watch event becomes File System Activity from the
 * PATH records' name types: a created and a deleted name make a rename, one alone a creation
 * or a deletion, and an opening for writing an update. */
static json_t *file_event(struct audit_event *ev)
{
	static const char *const names[] = { "", "Create", "", "Update", "Delete", "Rename" };
	int created = -1, deleted = -1, written = -1, activity;
	json_t *e;

	if (!ev->success)
		return NULL;
	for (size_t i = 0; i < ev->npath; i++) {
		if (strcmp(ev->nametype[i], "CREATE") == 0)
			created = (int)i;
		else if (strcmp(ev->nametype[i], "DELETE") == 0)
			deleted = (int)i;
		else if (strcmp(ev->nametype[i], "NORMAL") == 0 && written < 0)
			written = (int)i;
	}
	activity = created >= 0 && deleted >= 0 ? 5 : created >= 0 ? 1 : deleted >= 0 ? 4 : written >= 0 ? 3 : 0;
	if (!activity)
		return NULL;
	e = vg_ocsf_event(VG_OCSF_FILE_ACTIVITY, activity, names[activity], ev->time_ms);
	if (!e)
		return NULL;
	if (activity == 5) {
		json_object_set_new(e, "file", watched_file(ev, (size_t)deleted));
		json_object_set_new(e, "file_result", watched_file(ev, (size_t)created));
	} else {
		int i = activity == 1 ? created : activity == 4 ? deleted : written;

		json_object_set_new(e, "file", watched_file(ev, (size_t)i));
	}
	if (activity == 1 || activity == 3)
		json_object_set_new(e, "_vg", json_pack("{s:b}", "hash", activity == 3));
	json_object_set_new(e, "actor", json_pack("{s:o}", "process", process_json(ev)));
	return audit_unmapped(e, ev);
}

void vg_audit_parser_set_watching(struct vg_audit_parser *p, bool on)
{
	atomic_store(&p->watching, on);
}

void vg_audit_parser_set_emit(struct vg_audit_parser *p, bool process, bool network)
{
	atomic_store(&p->emit_process, process);
	atomic_store(&p->emit_network, network);
}

/* Whether the event under au is a system call's (it holds a SYSCALL record: the first one,
 * unless the kernel wrote records while the call ran, an AVC or a NETFILTER_CFG).  Leaves au
 * at its first record. */
static bool has_syscall_record(auparse_state_t *au)
{
	bool yes = false;

	if (auparse_get_type(au) == AUDIT_SYSCALL)
		return true;
	while (!yes && auparse_next_record(au) > 0)
		yes = auparse_get_type(au) == AUDIT_SYSCALL;
	auparse_first_record(au);
	return yes;
}

static void on_event(auparse_state_t *au, auparse_cb_event_t type, void *data)
{
	struct vg_audit_parser *p = data;
	struct audit_event *ev;
	const au_event_t *ts;
	json_t *out = NULL;

	if (type != AUPARSE_CB_EVENT_READY || auparse_first_record(au) <= 0)
		return;
	if (!has_syscall_record(au)) {
		/* A message without a syscall (SERVICE_STOP, USER_TTY...): only a rule may want it. */
		ts = auparse_get_timestamp(au);
		if ((out = vg_audit_records_event(p->tel->records, au, NULL, ts ? (int64_t)ts->sec * 1000 + ts->milli
										  : vg_time_ms(), ts ? ts->serial : 0)))
			submit(p, out);
		return;
	}
	ev = &p->ev;
	memset(ev, 0, sizeof(*ev));
	ev->argv = json_array();
	ev->syscall = -1;
	do {
		int t = auparse_get_type(au);

		if (t == AUDIT_SYSCALL || t == AUDIT_EXECVE || t == AUDIT_CWD || t == AUDIT_SOCKADDR)
			read_record(p, ev);
		else if (t == AUDIT_PATH && ev->npath < MAX_PATHS && atomic_load(&p->watching)) {
			read_record(p, ev);
			ev->npath++;
		}
	} while (auparse_next_record(au) > 0);
	/* Syscall numbers differ between architectures: a 32-bit record (from another daemon's
	 * rules, in multicast mode) must not be read with the 64-bit table. */
	if (ev->arch != p->arch || ev->pid == p->tel->self)
		goto out;
	ts = auparse_get_timestamp(au);
	ev->time_ms = ts ? (int64_t)ts->sec * 1000 + ts->milli : vg_time_ms();
	ev->serial = ts ? ts->serial : 0;
	if (ev->syscall == p->nr_execve || ev->syscall == p->nr_execveat || ev->syscall == p->nr_exit_group) {
		if (atomic_load(&p->emit_process))
			out = process_event(p, ev);
	} else if (our_syscall(p, ev->syscall)) {
		if (atomic_load(&p->emit_network))
			out = network_event(p, ev);
	} else if (ev->npath && strcmp(ev->key, VG_AUDIT_KEY) == 0) {
		out = file_event(ev);
	}
	/* The records, for the detection's auditd rules when some are loaded. */
	out = vg_audit_records_event(p->tel->records, au, out, ev->time_ms, ev->serial);
	if (out) {
		atomic_fetch_add(&p->events, 1);
		submit(p, out);
	}
out:
	json_decref(ev->argv);
	ev->argv = NULL;
}

int vg_audit_parser_new(struct vg_audit_parser **out, struct vg_telemetry *tel)
{
	struct vg_audit_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->tel = tel;
	atomic_init(&p->emit_process, true);
	atomic_init(&p->emit_network, true);
	p->machine = audit_detect_machine();
	p->arch = audit_machine_to_elf(p->machine);
	p->nr_execve = audit_name_to_syscall("execve", p->machine);
	p->nr_execveat = audit_name_to_syscall("execveat", p->machine);
	p->nr_exit_group = audit_name_to_syscall("exit_group", p->machine);
	p->nr_connect = audit_name_to_syscall("connect", p->machine);
	p->nr_accept = audit_name_to_syscall("accept", p->machine);
	p->nr_accept4 = audit_name_to_syscall("accept4", p->machine);
	p->nr_bind = audit_name_to_syscall("bind", p->machine);
	p->au = auparse_init(AUSOURCE_FEED, NULL);
	if (!p->au) {
		free(p);
		return -ENOMEM;
	}
	auparse_set_escape_mode(p->au, AUPARSE_ESC_RAW);
	auparse_add_callback(p->au, on_event, p, NULL);
	*out = p;
	return 0;
}

void vg_audit_parser_free(struct vg_audit_parser *p)
{
	if (!p)
		return;
	auparse_destroy(p->au);
	for (size_t i = 0; i < p->nready; i++)
		json_decref(p->ready[i]);
	free(p);
}

/* The stamp "audit(SECONDS.MS:SERIAL)" that opens a record's text, and its serial; false when
 * the text does not start with one. */
static bool record_stamp(const char *text, size_t len, char *stamp, unsigned long *serial)
{
	const char *end = memchr(text, ')', len < STAMP_MAX ? len : STAMP_MAX - 1), *colon;
	char *num_end;

	if (len < 6 || memcmp(text, "audit(", 6) != 0 || !end)
		return false;
	colon = memchr(text, ':', (size_t)(end - text));
	if (!colon)
		return false;
	*serial = strtoul(colon + 1, &num_end, 10);
	if (num_end != end)
		return false;
	memcpy(stamp, text, (size_t)(end - text) + 1);
	stamp[end - text + 1] = '\0';
	return true;
}

/* Ends the event of the open serial at index i with an EOE record of its own. */
static void close_serial(struct vg_audit_parser *p, size_t i)
{
	int n = snprintf(p->line, sizeof(p->line), "type=EOE msg=%s: \n", p->open[i].stamp);

	p->open[i] = p->open[--p->nopen];
	if (n > 0 && (size_t)n < sizeof(p->line))
		auparse_feed(p->au, p->line, (size_t)n);
}

/* Whether libauparse ends an event of this type by itself: user-space and daemon messages (one
 * record each), the proctitle that ends a system call's records, the kernel's own messages,
 * and types libaudit has no name for (fed as UNKNOWN). */
static bool ends_itself(int type, const char *name)
{
	return !name || (type >= AUDIT_FIRST_USER_MSG && type < AUDIT_FIRST_EVENT) ||
	       (type >= AUDIT_FIRST_USER_MSG2 && type <= AUDIT_LAST_USER_MSG2) || type == AUDIT_PROCTITLE ||
	       type == AUDIT_KERNEL;
}

/* Notes the record's event as under way until its EOE comes. */
static void track_serial(struct vg_audit_parser *p, int type, const char *name, const char *text, size_t len)
{
	char stamp[STAMP_MAX];
	unsigned long serial;
	size_t i;

	if (!record_stamp(text, len, stamp, &serial))
		return;
	for (i = 0; i < p->nopen && p->open[i].serial != serial; i++)
		;
	if (type == AUDIT_EOE) {
		if (i < p->nopen)
			p->open[i] = p->open[--p->nopen];
		return;
	}
	if (i < p->nopen || ends_itself(type, name))
		return;
	/* Full: the oldest is ended now rather than letting the list grow. */
	if (p->nopen == OPEN_MAX) {
		size_t oldest = 0;

		for (size_t j = 1; j < p->nopen; j++)
			if (p->open[j].since_ms < p->open[oldest].since_ms)
				oldest = j;
		close_serial(p, oldest);
	}
	p->open[p->nopen].serial = serial;
	p->open[p->nopen].since_ms = vg_now_ms();
	memcpy(p->open[p->nopen].stamp, stamp, sizeof(stamp));
	p->nopen++;
}

int vg_audit_parser_open_wait(const struct vg_audit_parser *p)
{
	uint64_t now = vg_now_ms(), soonest = UINT64_MAX;

	for (size_t i = 0; i < p->nopen; i++)
		if (p->open[i].since_ms + EOE_WAIT_MS < soonest)
			soonest = p->open[i].since_ms + EOE_WAIT_MS;
	if (soonest == UINT64_MAX)
		return -1;
	return soonest <= now ? 0 : (int)(soonest - now);
}

void vg_audit_parser_record(struct vg_audit_parser *p, int type, const char *text, size_t len)
{
	const char *name;
	int n;

	/* Only the records our events are made of, and those the detection's rules read. */
	if (type != AUDIT_SYSCALL && type != AUDIT_EXECVE && type != AUDIT_CWD && type != AUDIT_SOCKADDR &&
	    type != AUDIT_EOE && !(type == AUDIT_PATH && atomic_load(&p->watching)) &&
	    !vg_audit_records_feeds(p->tel->records, type))
		return;
	atomic_fetch_add(&p->records, 1);
	while (len && (text[len - 1] == '\0' || text[len - 1] == '\n'))
		len--;
	if (len > MAX_AUDIT_MESSAGE_LENGTH)
		len = MAX_AUDIT_MESSAGE_LENGTH;
	name = audit_msg_type_to_name(type);
	n = snprintf(p->line, sizeof(p->line), "type=%s msg=%.*s\n", name ? name : "UNKNOWN", (int)len, text);
	if (n > 0 && (size_t)n < sizeof(p->line)) {
		auparse_feed(p->au, p->line, (size_t)n);
		track_serial(p, type, name, text, len);
	}
}

void vg_audit_parser_age(struct vg_audit_parser *p)
{
	uint64_t now = vg_now_ms();

	/* Nothing held: the events listed ended already (libauparse ended them by itself). */
	if (p->nopen && !auparse_feed_has_data(p->au))
		p->nopen = 0;
	for (size_t i = 0; i < p->nopen;)
		if (p->open[i].since_ms + EOE_WAIT_MS <= now)
			close_serial(p, i);
		else
			i++;
	auparse_feed_age_events(p->au);
	vg_audit_parser_hand_over(p);
}

void vg_audit_parser_flush(struct vg_audit_parser *p)
{
	auparse_flush_feed(p->au);
	vg_audit_parser_hand_over(p);
}

void vg_audit_parser_overrun(struct vg_audit_parser *p)
{
	atomic_fetch_add(&p->overruns, 1);
}

void vg_audit_parser_stats(struct vg_audit_parser *p, struct vg_audit_parser_stats *st)
{
	st->records = atomic_load(&p->records);
	st->events = atomic_load(&p->events);
	st->overruns = atomic_load(&p->overruns);
}
