/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "events.h"
#include "ocsf.h"

#define MAX_CMDLINE 8192

/* The captions of the schema's enums, as the validator compares them with their siblings. */
static const char *const severity_captions[] = { "Unknown", "Informational", "Low", "Medium", "High", "Critical" };
static const char *const status_captions[] = { "Unknown", "Success", "Failure", "Does Not Exist", "Partial",
					       "Unsupported", "Error" };
static const char *const file_type_captions[] = { "Unknown", "Regular File", "Folder", "Character Device",
						  "Block Device", "Local Socket", "Named Pipe", "Symbolic Link",
						  "Executable File" };
static const char *const direction_captions[] = { "Unknown", "Inbound", "Outbound" };

#define CAPTION(table, i) ((i) >= 0 && (size_t)(i) < sizeof(table) / sizeof(table[0]) ? table[i] : "Other")

json_t *vg_ocsf_textn(const char *text, size_t len)
{
	json_t *j = json_stringn(text, len);
	char *copy;

	if (j)
		return j;
	copy = strndup(text, len);
	if (!copy)
		return json_string("");
	for (char *c = copy; *c; c++)
		if ((unsigned char)*c >= 0x80 || (unsigned char)*c < 0x20)
			*c = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

json_t *vg_ocsf_text(const char *text)
{
	return vg_ocsf_textn(text, strlen(text));
}

/* The builders below run for every event of a storm: members are set one by one under
 * constant keys (no format to parse, no key to check), in the order the OCSF output has
 * always had.  set() collects failures: any member missing makes the whole object NULL. */
static bool set(json_t *object, const char *key, json_t *value, bool ok)
{
	return json_object_set_new_nocheck(object, key, value) == 0 && ok;
}

static json_t *done(json_t *object, bool ok)
{
	if (!ok) {
		json_decref(object);
		return NULL;
	}
	return object;
}

json_t *vg_ocsf_event(int class_uid, int activity_id, const char *activity, int64_t time_ms)
{
	json_t *e = json_object();
	bool ok = e != NULL;

	ok = set(e, "class_uid", json_integer(class_uid), ok);
	ok = set(e, "category_uid", json_integer(class_uid / 1000), ok);
	ok = set(e, "activity_id", json_integer(activity_id), ok);
	ok = set(e, "activity_name", json_string(activity), ok);
	ok = set(e, "severity_id", json_integer(VG_SEVERITY_INFORMATIONAL), ok);
	ok = set(e, "severity", json_string_nocheck(severity_captions[VG_SEVERITY_INFORMATIONAL]), ok);
	ok = set(e, "time", json_integer((json_int_t)time_ms), ok);
	ok = set(e, "unmapped", json_object(), ok);
	return done(e, ok);
}

void vg_ocsf_set_severity(json_t *event, int severity_id)
{
	json_object_set_new(event, "severity_id", json_integer(severity_id));
	json_object_set_new(event, "severity", json_string_nocheck(CAPTION(severity_captions, severity_id)));
}

void vg_ocsf_set_status(json_t *event, int status_id, const char *code, const char *detail)
{
	json_object_set_new(event, "status_id", json_integer(status_id));
	json_object_set_new(event, "status", json_string_nocheck(CAPTION(status_captions, status_id)));
	if (code)
		json_object_set_new(event, "status_code", vg_ocsf_text(code));
	if (detail)
		json_object_set_new(event, "status_detail", vg_ocsf_text(detail));
}

void vg_ocsf_status_error(json_t *event, int err)
{
	const char *code = strerrorname_np(err), *detail = strerrordesc_np(err);

	vg_ocsf_set_status(event, VG_STATUS_FAILURE, code ? code : "?", detail ? detail : "?");
}

int vg_ocsf_file_type(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return VG_FILE_TYPE_REGULAR;
	case S_IFDIR:
		return VG_FILE_TYPE_FOLDER;
	case S_IFCHR:
		return VG_FILE_TYPE_CHARACTER_DEVICE;
	case S_IFBLK:
		return VG_FILE_TYPE_BLOCK_DEVICE;
	case S_IFSOCK:
		return VG_FILE_TYPE_LOCAL_SOCKET;
	case S_IFIFO:
		return VG_FILE_TYPE_NAMED_PIPE;
	case S_IFLNK:
		return VG_FILE_TYPE_SYMBOLIC_LINK;
	default:
		return VG_FILE_TYPE_UNKNOWN;
	}
}

void vg_ocsf_file_set_type(json_t *file, int type_id)
{
	json_object_set_new_nocheck(file, "type_id", json_integer(type_id));
	json_object_set_new_nocheck(file, "type", json_string_nocheck(CAPTION(file_type_captions, type_id)));
}

json_t *vg_ocsf_file(const char *path, int type_id)
{
	const char *slash = strrchr(path, '/');
	json_t *file = json_object();
	bool ok = file != NULL;

	ok = set(file, "path", vg_ocsf_text(path), ok);
	ok = set(file, "name", vg_ocsf_text(slash && slash[1] ? slash + 1 : path), ok);
	if ((file = done(file, ok)))
		vg_ocsf_file_set_type(file, type_id);
	return file;
}

json_t *vg_ocsf_user(long long uid)
{
	char text[24];
	json_t *user = json_object();
	int n = snprintf(text, sizeof(text), "%lld", uid);

	return done(user, user && set(user, "uid", json_stringn_nocheck(text, (size_t)n), true));
}

json_t *vg_ocsf_process(long long pid, const char *comm, const char *exe, long long uid, long long ppid)
{
	json_t *proc = json_object(), *parent;
	bool ok = proc != NULL;

	ok = set(proc, "pid", json_integer((json_int_t)pid), ok);
	ok = set(proc, "user", vg_ocsf_user(uid), ok);
	if (!(proc = done(proc, ok)))
		return NULL;
	if (comm && comm[0])
		json_object_set_new_nocheck(proc, "name", vg_ocsf_text(comm));
	/* The program a process runs is a file that was executed. */
	if (exe && exe[0])
		json_object_set_new_nocheck(proc, "file", vg_ocsf_file(exe, VG_FILE_TYPE_EXECUTABLE));
	if (ppid >= 0 && (parent = json_object())) {
		json_object_set_new_nocheck(parent, "pid", json_integer((json_int_t)ppid));
		json_object_set_new_nocheck(proc, "parent_process", parent);
	}
	return proc;
}

/* {"process": process}, process's reference taken. */
static json_t *actor(json_t *process)
{
	json_t *a = json_object();

	if (!a || !process) {
		json_decref(process);
		json_decref(a);
		return NULL;
	}
	json_object_set_new_nocheck(a, "process", process);
	return a;
}

json_t *vg_ocsf_process_activity(int activity_id, json_t *process, int64_t time_ms)
{
	json_t *e = vg_ocsf_event(VG_OCSF_PROCESS_ACTIVITY, activity_id, activity_id == 1 ? "Launch" : "Terminate",
				  time_ms);
	json_t *parent = json_object_get(process, "parent_process");

	if (!e) {
		json_decref(process);
		return NULL;
	}
	/* A program is launched by its parent (the exec replaces the caller's image, whose parent
	 * forked it); an exit is the process's own. */
	if (activity_id == 1 && parent)
		json_object_set_new_nocheck(e, "actor", actor(json_incref(parent)));
	else
		json_object_set_new_nocheck(e, "actor", actor(json_incref(process)));
	json_object_set_new_nocheck(e, "process", process);
	return e;
}

char *vg_ocsf_cmd_line(const json_t *argv)
{
	size_t used = 0, size = 1, i;
	json_t *a;
	char *out;

	/* The exact size: a large allocation for every event costs more than its copy. */
	json_array_foreach(argv, i, a)
		size += json_string_length(a) + 1;
	if (size > MAX_CMDLINE + 1)
		size = MAX_CMDLINE + 1;
	if (!(out = malloc(size)))
		return NULL;
	out[0] = '\0';
	/* Whole arguments only: the first that does not fit ends the line. */
	json_array_foreach(argv, i, a) {
		const char *arg = json_string_value(a);
		size_t n = arg ? strlen(arg) : 0, sep = i ? 1 : 0;

		if (sep + n >= size - used)
			break;
		if (sep)
			out[used++] = ' ';
		if (n)
			memcpy(out + used, arg, n);
		used += n;
		out[used] = '\0';
	}
	return out;
}

json_t *vg_ocsf_endpoint(int family, const void *addr, unsigned port)
{
	char ip[INET6_ADDRSTRLEN];

	if ((family != AF_INET && family != AF_INET6) || !inet_ntop(family, addr, ip, sizeof(ip)))
		return NULL;
	return json_pack("{s:s, s:i}", "ip", ip, "port", (int)port);
}

int vg_ocsf_connect_activity(int err, const char **name)
{
	if (err == 0) {
		*name = "Open";
		return VG_NET_OPEN;
	}
	if (err == ECONNREFUSED) {
		*name = "Refuse";
		return VG_NET_REFUSE;
	}
	*name = "Fail";
	return VG_NET_FAIL;
}

void vg_ocsf_connection_info(json_t *event, int direction_id, int protocol)
{
	json_t *ci = json_pack("{s:i, s:s}", "direction_id", direction_id, "direction",
			       CAPTION(direction_captions, direction_id));

	if (protocol == IPPROTO_TCP || protocol == IPPROTO_UDP) {
		json_object_set_new(ci, "protocol_name", json_string(protocol == IPPROTO_TCP ? "tcp" : "udp"));
		json_object_set_new(ci, "protocol_num", json_integer(protocol));
	}
	json_object_set_new(event, "connection_info", ci);
}

json_t *vg_ocsf_network_activity(enum vg_ocsf_net_call call, int err, json_t *addr, json_t *actor_process,
				 int64_t time_ms)
{
	const char *name = "Open";
	int activity = VG_NET_OPEN, direction = 2;
	json_t *e;

	if (!addr) {
		json_decref(actor_process);
		return NULL;
	}
	if (call == VG_OCSF_NET_CONNECT && err == EINPROGRESS) {
		activity = VG_NET_OTHER;
		name = "Connecting";
	} else if (call == VG_OCSF_NET_CONNECT) {
		activity = vg_ocsf_connect_activity(err, &name);
	} else {
		/* A listening socket is there for what comes in. */
		direction = 1;
		if (call == VG_OCSF_NET_BIND) {
			activity = VG_NET_LISTEN;
			name = "Listen";
		}
	}
	e = vg_ocsf_event(VG_OCSF_NETWORK_ACTIVITY, activity, name, time_ms);
	if (!e) {
		json_decref(addr);
		json_decref(actor_process);
		return NULL;
	}
	json_object_set_new(e, "actor", json_pack("{s:o}", "process", actor_process));
	vg_ocsf_connection_info(e, direction, 0);
	json_object_set_new(e, call == VG_OCSF_NET_ACCEPT ? "src_endpoint" : "dst_endpoint", addr);
	if (activity == VG_NET_OTHER)
		vg_ocsf_set_status(e, VG_STATUS_UNKNOWN, NULL, NULL);
	else if (err)
		vg_ocsf_status_error(e, err);
	else
		vg_ocsf_set_status(e, VG_STATUS_SUCCESS, NULL, NULL);
	return e;
}

void vg_ocsf_network_set_local(json_t *event, enum vg_ocsf_net_call call, json_t *local)
{
	if (call == VG_OCSF_NET_BIND) {
		json_decref(local);
		return;
	}
	json_object_set_new(event, call == VG_OCSF_NET_ACCEPT ? "dst_endpoint" : "src_endpoint", local);
}

void vg_ocsf_uuid(char out[37])
{
	unsigned char b[16];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* No random source at all (it does not happen after boot): the time in ns and
			 * the pid still tell two ids apart on this host. */
			struct timespec ts;
			uint64_t t, p = (uint64_t)getpid();

			clock_gettime(CLOCK_REALTIME, &ts);
			t = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
			memcpy(b, &t, 8);
			memcpy(b + 8, &p, 8);
			break;
		}
		got += (size_t)n;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
		 b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}
