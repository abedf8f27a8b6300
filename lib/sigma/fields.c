/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one table of the field mapping: for each log source, the Sigma field names a rule may
 * use and the OCSF 1.8.0 paths of the agent's events that hold them (the first path present
 * in an event gives the values; the later ones are what older events carry).  doc/sigma.md
 * shows the same table, and a unit test checks that the two agree.
 *
 * Log sources: which logsource of a rule maps to which source bit, and which are known to
 * have no events on this agent (refused with that reason, counted apart).
 */
#include "config.h"

#include <string.h>

#include "sigma/sigma-int.h"

#define PC VG_SIGMA_SRC_PROCESS_CREATION
#define NC VG_SIGMA_SRC_NETWORK_CONNECTION
#define FE VG_SIGMA_SRC_FILE_EVENT
#define FC VG_SIGMA_SRC_FILE_CHANGE
#define FR VG_SIGMA_SRC_FILE_RENAME
#define FD VG_SIGMA_SRC_FILE_DELETE
#define AU VG_SIGMA_SRC_AUDITD

/* The process behind network and file events: OCSF's actor. */
#define ACTOR_FIELDS(src)                                                                                        \
	{ src, "Image", { "actor.process.file.path" }, 0, "the executable of the acting process" },                \
	{ src, "CommandLine", { "actor.process.cmd_line" }, 0, "its command line (when the event has it)" },     \
	{ src, "ProcessId", { "actor.process.pid" }, 0, "its pid" },                                             \
	{ src, "User", { "actor.process.user.name", "actor.user.name" }, 0, "its user name" },                     \
	{ src, "ProcessGuid", { "actor.process.uid" }, 0, "its unique id" }

static const struct vg_sigma_field_map fields[] = {
	/* process_creation: Process Activity (1007), Launch. */
	{ PC, "Image", { "process.file.path" }, 0, "the executable started" },
	{ PC, "CommandLine", { "process.cmd_line" }, 0, "its command line (arguments joined by spaces)" },
	{ PC, "OriginalFileName", { "process.file.name" }, 0, "the executable's file name (Linux has no "
									"version resource)" },
	{ PC, "CurrentDirectory", { "process.working_directory", "unmapped.cwd" }, 0, "its working directory" },
	{ PC, "User", { "process.user.name" }, 0, "the user it runs as" },
	{ PC, "LogonId", { "process.auid", "unmapped.auid" }, 0, "the audit login uid (auid) of its session" },
	{ PC, "ProcessId", { "process.pid" }, 0, "its pid" },
	{ PC, "ProcessGuid", { "process.uid" }, 0, "its unique id" },
	{ PC, "ParentImage", { "process.parent_process.file.path", "actor.process.file.path" }, 0,
	  "the parent's executable" },
	{ PC, "ParentCommandLine", { "process.parent_process.cmd_line", "actor.process.cmd_line" }, 0,
	  "the parent's command line" },
	{ PC, "ParentProcessId", { "process.parent_process.pid" }, 0, "the parent's pid" },
	{ PC, "ParentUser", { "process.parent_process.user.name" }, 0, "the parent's user name" },
	{ PC, "ParentProcessGuid", { "process.parent_process.uid" }, 0, "the parent's unique id" },
	{ PC, "Hashes", { "process.file.hashes" }, VG_SIGMA_CONVERT_HASHES,
	  "the executable's hashes as \"SHA256=...,MD5=...\"" },

	/* network_connection: Network Activity (4001), Open. */
	ACTOR_FIELDS(NC),
	{ NC, "Initiated", { "connection_info.direction_id" }, VG_SIGMA_CONVERT_INITIATED,
	  "\"true\" for an outbound connection, \"false\" for an inbound one" },
	{ NC, "Protocol", { "connection_info.protocol_name" }, 0, "tcp or udp" },
	{ NC, "SourceIp", { "src_endpoint.ip" }, 0, "the local address of an outbound connection" },
	{ NC, "SourcePort", { "src_endpoint.port" }, 0, "its port" },
	{ NC, "SourceHostname", { "src_endpoint.hostname" }, 0, "its host name" },
	{ NC, "SourceIsIpv6", { "src_endpoint.ip" }, VG_SIGMA_CONVERT_IS_IPV6, "\"true\" when it is IPv6" },
	{ NC, "DestinationIp", { "dst_endpoint.ip" }, 0, "the remote address of an outbound connection" },
	{ NC, "DestinationPort", { "dst_endpoint.port" }, 0, "its port" },
	{ NC, "DestinationHostname", { "dst_endpoint.hostname" }, 0, "its host name (when resolved)" },
	{ NC, "DestinationIsIpv6", { "dst_endpoint.ip" }, VG_SIGMA_CONVERT_IS_IPV6, "\"true\" when it is IPv6" },

	/* file_event and its kinds: File System Activity (1001).  A rename's target is the new name. */
	ACTOR_FIELDS(FE),
	{ FE, "TargetFilename", { "file_result.path", "file.path" }, 0,
	  "the file created or written (the new name of a rename)" },
	{ FE, "SourceFilename", { "file.path" }, 0, "the file's old name in a rename (else its name)" },
	ACTOR_FIELDS(FC),
	{ FC, "TargetFilename", { "file.path" }, 0, "the file written" },
	ACTOR_FIELDS(FR),
	{ FR, "TargetFilename", { "file_result.path" }, 0, "the new name" },
	{ FR, "SourceFilename", { "file.path" }, 0, "the old name" },
	ACTOR_FIELDS(FD),
	{ FD, "TargetFilename", { "file.path" }, 0, "the file deleted" },

	/* auditd: one record of unmapped.audit; every field by its own name.  These are the
	 * fields the agent's SYSCALL, EXECVE, CWD, PATH and SOCKADDR records carry. */
	{ AU, "type", { "type" }, 0, "the record type: SYSCALL, EXECVE, PATH, CWD, SOCKADDR, PROCTITLE..." },
	{ AU, "key", { "key" }, 0, "SYSCALL: the audit rule's key" },
	{ AU, "syscall", { "syscall" }, 0, "SYSCALL: the syscall number" },
	{ AU, "SYSCALL", { "SYSCALL" }, 0, "SYSCALL: the syscall name (interpreted)" },
	{ AU, "success", { "success" }, 0, "SYSCALL: yes or no" },
	{ AU, "exit", { "exit" }, 0, "SYSCALL: the return value" },
	{ AU, "exe", { "exe" }, 0, "SYSCALL: the executable" },
	{ AU, "comm", { "comm" }, 0, "SYSCALL: the command name" },
	{ AU, "pid", { "pid" }, 0, "SYSCALL: the pid" },
	{ AU, "ppid", { "ppid" }, 0, "SYSCALL: the parent's pid" },
	{ AU, "uid", { "uid" }, 0, "SYSCALL: the uid (also euid, suid, fsuid, gid...)" },
	{ AU, "auid", { "auid" }, 0, "SYSCALL: the audit login uid" },
	{ AU, "a0", { "a0" }, 0, "SYSCALL: the first argument (hexadecimal); EXECVE: the first word of argv" },
	{ AU, "a1", { "a1" }, 0, "the second (a2, a3... likewise)" },
	{ AU, "argc", { "argc" }, 0, "EXECVE: the number of arguments" },
	{ AU, "cwd", { "cwd" }, 0, "CWD: the working directory" },
	{ AU, "name", { "name" }, 0, "PATH: the path as the syscall gave it" },
	{ AU, "nametype", { "nametype" }, 0, "PATH: NORMAL, CREATE, DELETE, PARENT..." },
	{ AU, "saddr", { "saddr" }, 0, "SOCKADDR: the socket address (hexadecimal)" },
	{ AU, "proctitle", { "proctitle" }, 0, "PROCTITLE: the command line" },
};

size_t vg_sigma_field_count(void)
{
	return sizeof(fields) / sizeof(fields[0]);
}

const struct vg_sigma_field_map *vg_sigma_field_at(size_t i)
{
	return i < vg_sigma_field_count() ? &fields[i] : NULL;
}

/* An audit field name: what auditd writes before '=' (letters, digits, '_', '-'). */
bool sg_audit_field_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      (c == '-' && i > 0)))
			return false;
	}
	return true;
}

const struct vg_sigma_field_map *vg_sigma_field_find(unsigned source, const char *sigma)
{
	for (size_t i = 0; i < vg_sigma_field_count(); i++)
		if (fields[i].source == source && strcmp(fields[i].sigma, sigma) == 0)
			return &fields[i];
	return NULL;
}

const char *vg_sigma_source_name(unsigned source)
{
	switch (source) {
	case PC:
		return "process_creation";
	case NC:
		return "network_connection";
	case FE:
		return "file_event";
	case FC:
		return "file_change";
	case FR:
		return "file_rename";
	case FD:
		return "file_delete";
	case AU:
		return "auditd";
	default:
		return NULL;
	}
}

/* The logsources the agent has no events for: services of other logs (syslog, sshd, cron...),
 * categories it does not collect.  A rule for one of those is refused with that reason. */
unsigned sg_logsource_source(const char *product, const char *category, const char *service)
{
	if (product && *product && strcmp(product, "linux") != 0)
		return 0;
	if (service && *service) {
		if (strcmp(service, "auditd") == 0 && !(category && *category))
			return AU;
		return 0;
	}
	if (!category || !*category)
		return 0;
	for (unsigned bit = 1; bit <= VG_SIGMA_SRC_FILE_DELETE; bit <<= 1)
		if (strcmp(category, vg_sigma_source_name(bit)) == 0)
			return bit;
	return 0;
}
