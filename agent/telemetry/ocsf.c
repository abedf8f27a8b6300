/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "telemetry/ocsf.h"

#define MAX_CMDLINE 8192

json_t *vg_ocsf_text(const char *text)
{
	json_t *j = json_string(text);
	char *copy;

	if (j)
		return j;
	copy = strdup(text);
	if (!copy)
		return json_string("");
	for (char *c = copy; *c; c++)
		if ((unsigned char)*c >= 0x80 || (unsigned char)*c < 0x20)
			*c = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

json_t *vg_ocsf_event(int class_uid, int activity_id, const char *activity, int64_t time_ms)
{
	return json_pack("{s:i, s:i, s:i, s:s, s:i, s:I, s:{}}", "class_uid", class_uid, "category_uid",
			 class_uid / 1000, "activity_id", activity_id, "activity_name", activity, "severity_id", 1,
			 "time", (json_int_t)time_ms, "unmapped");
}

json_t *vg_ocsf_process(long long pid, const char *comm, const char *exe, long long uid, long long ppid)
{
	char uid_text[24];
	json_t *proc;

	snprintf(uid_text, sizeof(uid_text), "%lld", uid);
	proc = json_pack("{s:I, s:o, s:{s:s}, s:{s:I}}", "pid", (json_int_t)pid, "name", vg_ocsf_text(comm ? comm : ""),
			 "user", "uid", uid_text, "parent_process", "pid", (json_int_t)ppid);
	if (proc && exe && exe[0]) {
		const char *slash = strrchr(exe, '/');
		json_t *file = json_pack("{s:o}", "path", vg_ocsf_text(exe));

		if (slash && slash[1])
			json_object_set_new(file, "name", vg_ocsf_text(slash + 1));
		json_object_set_new(proc, "file", file);
	}
	return proc;
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
	json_array_foreach(argv, i, a) {
		int n = snprintf(out + used, size - used, "%s%s", i ? " " : "", json_string_value(a));

		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
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
	static const char *const directions[] = { "Unknown", "Inbound", "Outbound" };
	json_t *ci = json_pack("{s:i, s:s}", "direction_id", direction_id, "direction",
			       directions[direction_id >= 0 && direction_id <= 2 ? direction_id : 0]);

	if (protocol == IPPROTO_TCP || protocol == IPPROTO_UDP) {
		json_object_set_new(ci, "protocol_name", json_string(protocol == IPPROTO_TCP ? "tcp" : "udp"));
		json_object_set_new(ci, "protocol_num", json_integer(protocol));
	}
	json_object_set_new(event, "connection_info", ci);
}

void vg_ocsf_status_error(json_t *event, int err)
{
	const char *code = strerrorname_np(err), *detail = strerrordesc_np(err);

	json_object_set_new(event, "status_code", json_string(code ? code : "?"));
	json_object_set_new(event, "status_detail", json_string(detail ? detail : "?"));
}
