/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The control protocol's command table: every command with its access, the version it appeared
 * in, and its arguments.  The agent's handlers, vigilctl, vigil-console and
 * doc/control-protocol.md are keyed by it (tests/unit/test-protocol.c holds them to it).
 * English texts here document the protocol; they are not shown to users.
 */
#include "config.h"

#include "protocol-table.h"

static const struct vg_proto_arg args_settings_show[] = {
	{ "key", VG_ARG_STRING, 0, "one setting's name; absent: every setting" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_settings_set[] = {
	{ "pairs", VG_ARG_ARRAY, VG_ARG_REQUIRED | VG_ARG_ANY_ITEMS, "the settings to change: [{key, value}] (value a string, integer, boolean or array of strings)" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_settings_export[] = {
	{ "format", VG_ARG_STRING, 0, "\"ini\" (default) or \"json\"" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_settings_import[] = {
	{ "format", VG_ARG_STRING, 0, "\"ini\" (default) or \"json\"" },
	{ "content", VG_ARG_STRING, VG_ARG_REQUIRED, "the document's text, at most 1 MiB" },
	{ "source", VG_ARG_STRING, 0, "where it came from, named in errors and the history" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_settings_history[] = {
	{ "limit", VG_ARG_INT, 0, "how many changes (default 100, at most 10000)" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_telemetry_show[] = {
	{ "type", VG_ARG_STRING, 0, "\"process\", \"network\", \"file\" or \"other\"" },
	{ "limit", VG_ARG_INT, 0, "how many events, 1 to 10000 (default 50)" },
	{ "since", VG_ARG_INT, 0, "only events at or after this time (ms since the epoch)" },
	{ "grep", VG_ARG_STRING, 0, "a text the event must contain" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_telemetry_exclusion_add[] = {
	{ "exe", VG_ARG_STRING, 0, "glob on the executable path" },
	{ "cmdline", VG_ARG_STRING, 0, "glob on the command line" },
	{ "user", VG_ARG_STRING, 0, "user name or uid" },
	{ "sha256", VG_ARG_STRING, 0, "SHA-256 of the executable" },
	{ "type", VG_ARG_STRING, 0, "\"process\", \"network\" or \"file\"" },
	{ "remote_ip", VG_ARG_STRING, 0, "remote address of network events" },
	{ "remote_port", VG_ARG_INT, 0, "remote port of network events" },
	{ "path_prefix", VG_ARG_STRING, 0, "path prefix of file events" },
	{ "comment", VG_ARG_STRING, 0, "free text, not a condition" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_telemetry_exclusion_remove[] = {
	{ "id", VG_ARG_INT, VG_ARG_REQUIRED, "the exclusion's id" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_cert_server_import[] = {
	{ "data", VG_ARG_STRING, VG_ARG_REQUIRED, "base64 of the certificate file" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_cert_client_import[] = {
	{ "data", VG_ARG_STRING, VG_ARG_SECRET, "base64 of a PKCS#12 container" },
	{ "cert", VG_ARG_STRING, 0, "base64 of a PEM certificate (with key)" },
	{ "key", VG_ARG_STRING, VG_ARG_SECRET, "base64 of a PEM private key (with cert)" },
	{ "password", VG_ARG_STRING, VG_ARG_SECRET, "the password of the PKCS#12 or of the key" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_server_add[] = {
	{ "server", VG_ARG_STRING, VG_ARG_REQUIRED, "HOST, HOST:PORT or [IPv6]:PORT" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_server_remove[] = {
	{ "server", VG_ARG_STRING, VG_ARG_REQUIRED, "the server, as listed" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_server_check[] = {
	{ "server", VG_ARG_STRING, 0, "the server (default: the first)" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_export_test[] = {
	{ "sink", VG_ARG_STRING, 0, "jsonl, syslog or relp (default: every sink that is on)" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_proxy_set[] = {
	{ "url", VG_ARG_STRING, VG_ARG_REQUIRED, "http, https, socks5 or socks5h URL" },
	{ "user", VG_ARG_STRING, 0, "the proxy user" },
	{ "password", VG_ARG_STRING, VG_ARG_SECRET, "the proxy password" },
	{ "keep_password", VG_ARG_BOOL, 0, "without a password: keep the stored one (else none)" },
	{ "bypass", VG_ARG_STRING, 0, "hosts reached without the proxy, comma-separated" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_isolation_on[] = {
	{ "duration_seconds", VG_ARG_INT | VG_ARG_NULL, 0, "release after this many seconds (3600 to 35996400); null: the setting" },
	{ "reason", VG_ARG_STRING, 0, "why, kept with the state" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_isolation_exception_add[] = {
	{ "direction", VG_ARG_STRING, 0, "\"in\", \"out\" or \"both\" (default)" },
	{ "protocol", VG_ARG_STRING, 0, "tcp, udp, icmp, icmpv6, sctp, any or a number" },
	{ "remote", VG_ARG_STRING, 0, "remote IPv4 or IPv6 address, with an optional prefix" },
	{ "local_port", VG_ARG_STRING, 0, "local port or range N-M" },
	{ "remote_port", VG_ARG_STRING, 0, "remote port or range N-M" },
	{ "comment", VG_ARG_STRING, 0, "free text" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_isolation_exception_list[] = {
	{ "offset", VG_ARG_INT, 0, "how many exceptions to skip, in id order (default 0)" },
	{ "limit", VG_ARG_INT, 0, "how many exceptions, 1 to 5000 (default 1000)" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_isolation_exception_remove[] = {
	{ "id", VG_ARG_INT, VG_ARG_REQUIRED, "the exception's id" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_isolation_profile_set[] = {
	{ "name", VG_ARG_STRING, VG_ARG_REQUIRED, "\"dhcp\", \"dns\" or \"ipv6-nd\"" },
	{ "enabled", VG_ARG_BOOL, VG_ARG_REQUIRED, "true to let it through while isolated" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_task_get_file[] = {
	{ "path", VG_ARG_STRING, VG_ARG_REQUIRED, "absolute path of a regular file" },
	{ "sha256", VG_ARG_STRING | VG_ARG_NULL, 0, "expected SHA-256" },
	{ "wait_ms", VG_ARG_INT, 0, "wait up to this many ms (at most 25000) for the task to end" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_task_delete_file[] = {
	{ "path", VG_ARG_STRING, VG_ARG_REQUIRED, "absolute path of the file" },
	{ "sha256", VG_ARG_STRING | VG_ARG_NULL, 0, "delete only when the content has this SHA-256" },
	{ "quarantine", VG_ARG_BOOL, 0, "keep a copy in quarantine first" },
	{ "force", VG_ARG_BOOL, 0, "act even on a protected file (loader, libc, account files, packages' files...)" },
	{ "wait_ms", VG_ARG_INT, 0, "wait up to this many ms for the task to end" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_task_run[] = {
	{ "exe", VG_ARG_STRING, VG_ARG_REQUIRED, "absolute path of the program" },
	{ "args", VG_ARG_ARRAY, 0, "its arguments" },
	{ "cwd", VG_ARG_STRING, 0, "absolute working directory (default /)" },
	{ "user", VG_ARG_STRING | VG_ARG_NULL, 0, "user name or uid to run as" },
	{ "timeout", VG_ARG_INT | VG_ARG_NULL, 0, "seconds before it is killed" },
	{ "env", VG_ARG_ARRAY, VG_ARG_SECRET, "extra environment, NAME=VALUE each" },
	{ "wait_ms", VG_ARG_INT, 0, "wait up to this many ms for the task to end" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_task_terminate[] = {
	{ "pid", VG_ARG_INT, 0, "the process id" },
	{ "start_time", VG_ARG_INT, 0, "with pid: its start time (clock ticks since boot)" },
	{ "exe", VG_ARG_STRING, 0, "every process running this executable" },
	{ "sha256", VG_ARG_STRING | VG_ARG_NULL, 0, "every process whose executable has this SHA-256" },
	{ "wait_ms", VG_ARG_INT, 0, "wait up to this many ms for the task to end" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_task_cancel[] = {
	{ "id", VG_ARG_INT, VG_ARG_REQUIRED, "the task's id" },
	{ "wait_ms", VG_ARG_INT, 0, "wait up to this many ms for the task to end" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_task_list[] = {
	{ "state", VG_ARG_STRING, 0, "only tasks in this state" },
	{ "limit", VG_ARG_INT, 0, "how many (default 100, at most 10000)" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_task_show[] = {
	{ "id", VG_ARG_INT, VG_ARG_REQUIRED, "the task's id" },
	{ "wait_ms", VG_ARG_INT, 0, "wait up to this many ms for the task to end" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_task_output[] = {
	{ "id", VG_ARG_INT, VG_ARG_REQUIRED, "the task's id" },
	{ "stream", VG_ARG_STRING, VG_ARG_REQUIRED, "\"stdout\" or \"stderr\"" },
	{ "offset", VG_ARG_INT, 0, "byte offset to read from" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_quarantine_list[] = {
	{ "limit", VG_ARG_INT, 0, "how many entries (default 1000)" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_quarantine_restore[] = {
	{ "id", VG_ARG_STRING, VG_ARG_REQUIRED, "the entry's id, or a prefix of it that names one entry" },
	{ "wait_ms", VG_ARG_INT, 0, "wait up to this many ms for the task to end" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_quarantine_purge[] = {
	{ "id", VG_ARG_STRING, VG_ARG_REQUIRED, "the entry's id, or a prefix of it that names one entry" },
	{ "wait_ms", VG_ARG_INT, 0, "wait up to this many ms for the task to end" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_ioc_check[] = {
	{ "documents", VG_ARG_ARRAY, VG_ARG_REQUIRED | VG_ARG_ANY_ITEMS, "[{file, content}], 1 to 64 documents" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_ioc_scan[] = {
	{ "documents", VG_ARG_ARRAY, VG_ARG_REQUIRED | VG_ARG_ANY_ITEMS, "[{file, content}], 1 to 64 documents" },
	{ "paths", VG_ARG_ARRAY, 0, "absolute paths to walk (default /)" },
	{ "excludes", VG_ARG_ARRAY, 0, "absolute paths not to walk" },
	{ "hint", VG_ARG_STRING, 0, "a PCRE2 pattern: only files whose path matches" },
	{ "hash_limit", VG_ARG_INT, 0, "files larger than this many bytes are not hashed" },
	{ "no_files", VG_ARG_BOOL, 0, "no file collection" },
	{ "no_processes", VG_ARG_BOOL, 0, "no process collection" },
	{ "no_ports", VG_ARG_BOOL, 0, "no port collection" },
	{ "no_system", VG_ARG_BOOL, 0, "no system collection" },
	{ "containers", VG_ARG_BOOL, 0, "also scan the other mount namespaces" },
	{ "strings", VG_ARG_BOOL, 0, "evaluate FileItem/StringList/string (reads whole files)" },
	{ "action", VG_ARG_STRING, 0, "on a match: \"skip\", \"quarantine\", \"terminate\" or \"isolate\"" },
	{ "follow", VG_ARG_BOOL, 0, "stream the progress (\"ioc.progress\") to this connection" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_ioc_cancel[] = {
	{ "scan_id", VG_ARG_INT, 0, "the scan to cancel (must be the running one)" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_ioc_results[] = {
	{ "scan_id", VG_ARG_INT, 0, "one scan's result" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_ioc_watch[] = {
	{ "documents", VG_ARG_ARRAY, VG_ARG_REQUIRED | VG_ARG_ANY_ITEMS, "[{file, content}], 1 to 64 documents" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_ioc_unwatch[] = {
	{ "id", VG_ARG_STRING, VG_ARG_REQUIRED, "the armed document's id" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_detection_list[] = {
	{ "limit", VG_ARG_INT, 0, "how many, 1 to 10000 (default 50)" },
	{ "since", VG_ARG_INT, 0, "only detections at or after this time (ms since the epoch)" },
	{ "rule", VG_ARG_STRING, 0, "only the detections of this rule (its id)" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_detection_show[] = {
	{ "uid", VG_ARG_STRING, VG_ARG_REQUIRED, "the finding's uid, or its first 8 characters or more" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_detection_rules_list[] = {
	{ "state", VG_ARG_STRING, 0, "\"enabled\", \"disabled\", \"correlated\" or \"refused\"" },
	{ "limit", VG_ARG_INT, 0, "at most this many rules" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg args_detection_rule_id[] = {
	{ "id", VG_ARG_STRING, VG_ARG_REQUIRED, "the rule's id (or name)" },
	{ NULL, 0, 0, NULL },
};

const struct vg_proto_command vg_cmd_table[VG_CMD_COUNT] = {
	[VG_CMD_HELLO] = { VG_CMD_HELLO, "hello", VG_ACCESS_READ, 1, 0, NULL,
		"Say hello: the protocol and agent versions, and what the caller may do",
		"{protocol, version, uid, access}", NULL },
	[VG_CMD_STATUS] = { VG_CMD_STATUS, "status", VG_ACCESS_READ, 1, 0, NULL,
		"The agent's state, one section per subsystem",
		"{version, agent_id, hostname, pid, started, started_ms, uptime_ms, uptime (seconds, for version-2 clients), state_dir, socket, database, allocator (\"jemalloc\" or \"libc\": what vigild was linked with), control, enrolment{available, directory, files[{name, state, digest}], problems[error], read, read_ms, readings}, sections{...}}", NULL },
	[VG_CMD_SETTINGS_SHOW] = { VG_CMD_SETTINGS_SHOW, "settings.show", VG_ACCESS_READ, 1, 0, NULL,
		"Every setting, or one",
		"array of {key, type, value, default, changed, source (\"default\", \"vigilctl\", \"command line\" or \"file NAME:LINE\"), help, min?, max?, unit?}", args_settings_show },
	[VG_CMD_SETTINGS_SET] = { VG_CMD_SETTINGS_SET, "settings.set", VG_ACCESS_ADMIN, 1, 0, NULL,
		"Change settings, all or nothing",
		"the changed settings, as settings.show; one naming a path that does not exist carries warnings[] (errors in the wire form)", args_settings_set },
	[VG_CMD_SETTINGS_EXPORT] = { VG_CMD_SETTINGS_EXPORT, "settings.export", VG_ACCESS_READ, 1, 0, NULL,
		"Export every setting that is not a secret",
		"{format, content}", args_settings_export },
	[VG_CMD_SETTINGS_IMPORT] = { VG_CMD_SETTINGS_IMPORT, "settings.import", VG_ACCESS_ADMIN, 1, 0, NULL,
		"Import settings from an INI or JSON document, all or nothing",
		"{}; errors name SOURCE:LINE", args_settings_import },
	[VG_CMD_SETTINGS_HISTORY] = { VG_CMD_SETTINGS_HISTORY, "settings.history", VG_ACCESS_READ, 1, 0, NULL,
		"Who changed which setting, and when",
		"array of {time, time_ms, uid, key, old, new, source (\"vigilctl\", \"command line\" or \"file NAME:LINE\")}, newest first; old and new typed as settings.show's value (a secret masked)", args_settings_history },
	[VG_CMD_TELEMETRY_SHOW] = { VG_CMD_TELEMETRY_SHOW, "telemetry.show", VG_ACCESS_READ, 1, VG_CMD_MAY_WAIT, NULL,
		"Stored events, newest first",
		"array of OCSF events", args_telemetry_show },
	[VG_CMD_TELEMETRY_FOLLOW] = { VG_CMD_TELEMETRY_FOLLOW, "telemetry.follow", VG_ACCESS_READ, 1, VG_CMD_STREAMS, "events",
		"Follow the events as they are collected",
		"{stream: \"events\"}, then stream messages", NULL },
	[VG_CMD_TELEMETRY_STATS] = { VG_CMD_TELEMETRY_STATS, "telemetry.stats", VG_ACCESS_READ, 1, 0, NULL,
		"Event rates, losses and the spool's size",
		"{...}", NULL },
	[VG_CMD_TELEMETRY_EXCLUSION_ADD] = { VG_CMD_TELEMETRY_EXCLUSION_ADD, "telemetry.exclusion.add", VG_ACCESS_ADMIN, 1, 0, NULL,
		"Add a telemetry exclusion (conditions AND-ed)",
		"the exclusion", args_telemetry_exclusion_add },
	[VG_CMD_TELEMETRY_EXCLUSION_REMOVE] = { VG_CMD_TELEMETRY_EXCLUSION_REMOVE, "telemetry.exclusion.remove", VG_ACCESS_ADMIN, 1, 0, NULL,
		"Remove a telemetry exclusion",
		"{}", args_telemetry_exclusion_remove },
	[VG_CMD_TELEMETRY_EXCLUSION_LIST] = { VG_CMD_TELEMETRY_EXCLUSION_LIST, "telemetry.exclusion.list", VG_ACCESS_READ, 1, 0, NULL,
		"The telemetry exclusions",
		"array of exclusions", NULL },
	[VG_CMD_CERT_SERVER_IMPORT] = { VG_CMD_CERT_SERVER_IMPORT, "cert.server.import", VG_ACCESS_ADMIN, 1, 0, NULL,
		"Import the certificate the link trusts (PEM or DER)",
		"the certificate's facts", args_cert_server_import },
	[VG_CMD_CERT_SERVER_SHOW] = { VG_CMD_CERT_SERVER_SHOW, "cert.server.show", VG_ACCESS_READ, 1, 0, NULL,
		"The imported server certificate",
		"the certificate's facts, or null", NULL },
	[VG_CMD_CERT_SERVER_REMOVE] = { VG_CMD_CERT_SERVER_REMOVE, "cert.server.remove", VG_ACCESS_ADMIN, 1, 0, NULL,
		"Remove the imported server certificate",
		"{}", NULL },
	[VG_CMD_CERT_CLIENT_IMPORT] = { VG_CMD_CERT_CLIENT_IMPORT, "cert.client.import", VG_ACCESS_ADMIN, 1, 0, NULL,
		"Import the client certificate (PKCS#12, or a PEM pair)",
		"the certificate's facts", args_cert_client_import },
	[VG_CMD_CERT_CLIENT_SHOW] = { VG_CMD_CERT_CLIENT_SHOW, "cert.client.show", VG_ACCESS_READ, 1, 0, NULL,
		"The imported client certificate",
		"the certificate's facts, or null", NULL },
	[VG_CMD_CERT_CLIENT_REMOVE] = { VG_CMD_CERT_CLIENT_REMOVE, "cert.client.remove", VG_ACCESS_ADMIN, 1, 0, NULL,
		"Remove the client certificate",
		"{}", NULL },
	[VG_CMD_SERVER_ADD] = { VG_CMD_SERVER_ADD, "server.add", VG_ACCESS_ADMIN, 1, 0, NULL,
		"Add a central server at the end of the failover list",
		"the servers", args_server_add },
	[VG_CMD_SERVER_REMOVE] = { VG_CMD_SERVER_REMOVE, "server.remove", VG_ACCESS_ADMIN, 1, 0, NULL,
		"Remove a central server",
		"the servers", args_server_remove },
	[VG_CMD_SERVER_LIST] = { VG_CMD_SERVER_LIST, "server.list", VG_ACCESS_READ, 1, 0, NULL,
		"The central servers in failover order",
		"the servers", NULL },
	[VG_CMD_SERVER_CHECK] = { VG_CMD_SERVER_CHECK, "server.check", VG_ACCESS_ADMIN, 1, VG_CMD_MAY_WAIT, NULL,
		"Check a server step by step (DNS, TCP, TLS, certificate, HTTP, protocol)",
		"{server, ok, steps[]}", args_server_check },
	[VG_CMD_PROXY_SET] = { VG_CMD_PROXY_SET, "proxy.set", VG_ACCESS_ADMIN, 1, 0, NULL,
		"Use a proxy",
		"the proxy settings (never the password)", args_proxy_set },
	[VG_CMD_PROXY_SHOW] = { VG_CMD_PROXY_SHOW, "proxy.show", VG_ACCESS_READ, 1, 0, NULL,
		"The proxy settings (never the password)",
		"{url, user, password_set, bypass}", NULL },
	[VG_CMD_PROXY_CLEAR] = { VG_CMD_PROXY_CLEAR, "proxy.clear", VG_ACCESS_ADMIN, 1, 0, NULL,
		"Stop using a proxy",
		"the proxy settings", NULL },
	[VG_CMD_ISOLATION_ON] = { VG_CMD_ISOLATION_ON, "isolation.on", VG_ACCESS_ADMIN, 1, VG_CMD_MAY_WAIT, NULL,
		"Isolate the host from the network",
		"the isolation state, with warnings", args_isolation_on },
	[VG_CMD_ISOLATION_OFF] = { VG_CMD_ISOLATION_OFF, "isolation.off", VG_ACCESS_ADMIN, 1, VG_CMD_MAY_WAIT, NULL,
		"End the network isolation",
		"the isolation state", NULL },
	[VG_CMD_ISOLATION_STATUS] = { VG_CMD_ISOLATION_STATUS, "isolation.status", VG_ACCESS_READ, 1, 0, NULL,
		"The isolation state",
		"{state, since, since_ms, until, until_ms, who, reason, applying, exceptions, servers, warnings, check}", NULL },
	[VG_CMD_ISOLATION_EXCEPTION_ADD] = { VG_CMD_ISOLATION_EXCEPTION_ADD, "isolation.exception.add", VG_ACCESS_ADMIN, 1, VG_CMD_MAY_WAIT, NULL,
		"Add an isolation exception",
		"the exception", args_isolation_exception_add },
	[VG_CMD_ISOLATION_EXCEPTION_REMOVE] = { VG_CMD_ISOLATION_EXCEPTION_REMOVE, "isolation.exception.remove", VG_ACCESS_ADMIN, 1, VG_CMD_MAY_WAIT, NULL,
		"Remove an isolation exception",
		"{}", args_isolation_exception_remove },
	[VG_CMD_ISOLATION_EXCEPTION_LIST] = { VG_CMD_ISOLATION_EXCEPTION_LIST, "isolation.exception.list", VG_ACCESS_READ, 1, 0, NULL,
		"The isolation exceptions, a page at a time",
		"array of exceptions (ask the next page while a page is full)", args_isolation_exception_list },
	[VG_CMD_ISOLATION_PROFILE_LIST] = { VG_CMD_ISOLATION_PROFILE_LIST, "isolation.profile.list", VG_ACCESS_READ, 1, 0, NULL,
		"The predefined profiles and whether each is on",
		"array of {name, enabled, help}", NULL },
	[VG_CMD_ISOLATION_PROFILE_SET] = { VG_CMD_ISOLATION_PROFILE_SET, "isolation.profile.set", VG_ACCESS_ADMIN, 1, VG_CMD_MAY_WAIT, NULL,
		"Turn a predefined profile on or off",
		"the profiles", args_isolation_profile_set },
	[VG_CMD_TASK_GET_FILE] = { VG_CMD_TASK_GET_FILE, "task.get-file", VG_ACCESS_ADMIN, 1, VG_CMD_MAY_WAIT, NULL,
		"Collect a file",
		"the task", args_task_get_file },
	[VG_CMD_TASK_DELETE_FILE] = { VG_CMD_TASK_DELETE_FILE, "task.delete-file", VG_ACCESS_ADMIN, 1, VG_CMD_MAY_WAIT, NULL,
		"Delete a file",
		"the task", args_task_delete_file },
	[VG_CMD_TASK_RUN] = { VG_CMD_TASK_RUN, "task.run", VG_ACCESS_ADMIN, 1, VG_CMD_MAY_WAIT, NULL,
		"Run a program (no shell)",
		"the task", args_task_run },
	[VG_CMD_TASK_TERMINATE] = { VG_CMD_TASK_TERMINATE, "task.terminate", VG_ACCESS_ADMIN, 1, VG_CMD_MAY_WAIT, NULL,
		"Terminate processes",
		"the task", args_task_terminate },
	[VG_CMD_TASK_CANCEL] = { VG_CMD_TASK_CANCEL, "task.cancel", VG_ACCESS_ADMIN, 1, VG_CMD_MAY_WAIT, NULL,
		"Cancel a queued or running task",
		"the task", args_task_cancel },
	[VG_CMD_TASK_LIST] = { VG_CMD_TASK_LIST, "task.list", VG_ACCESS_READ, 1, 0, NULL,
		"The tasks, newest first",
		"array of tasks", args_task_list },
	[VG_CMD_TASK_SHOW] = { VG_CMD_TASK_SHOW, "task.show", VG_ACCESS_READ, 1, VG_CMD_MAY_WAIT, NULL,
		"A task and its result",
		"the task", args_task_show },
	[VG_CMD_TASK_OUTPUT] = { VG_CMD_TASK_OUTPUT, "task.output", VG_ACCESS_READ, 1, 0, NULL,
		"Read a run task's captured output",
		"{data, offset, eof}", args_task_output },
	[VG_CMD_QUARANTINE_LIST] = { VG_CMD_QUARANTINE_LIST, "quarantine.list", VG_ACCESS_READ, 1, VG_CMD_MAY_WAIT, NULL,
		"The files in quarantine",
		"array of entries", args_quarantine_list },
	[VG_CMD_QUARANTINE_RESTORE] = { VG_CMD_QUARANTINE_RESTORE, "quarantine.restore", VG_ACCESS_ADMIN, 1, VG_CMD_MAY_WAIT, NULL,
		"Put a quarantined file back",
		"the task", args_quarantine_restore },
	[VG_CMD_QUARANTINE_PURGE] = { VG_CMD_QUARANTINE_PURGE, "quarantine.purge", VG_ACCESS_ADMIN, 1, VG_CMD_MAY_WAIT, NULL,
		"Delete a quarantined file for good",
		"the task", args_quarantine_purge },
	[VG_CMD_IOC_CHECK] = { VG_CMD_IOC_CHECK, "ioc.check", VG_ACCESS_READ, 1, 0, NULL,
		"Parse OpenIOC documents and report what the agent can evaluate",
		"array of reports", args_ioc_check },
	[VG_CMD_IOC_TERMS] = { VG_CMD_IOC_TERMS, "ioc.terms", VG_ACCESS_READ, 1, 0, NULL,
		"The OpenIOC terms this agent evaluates",
		"array of terms", NULL },
	[VG_CMD_IOC_SCAN] = { VG_CMD_IOC_SCAN, "ioc.scan", VG_ACCESS_ADMIN, 1, VG_CMD_MAY_WAIT | VG_CMD_STREAMS, "ioc.progress",
		"Scan the host against OpenIOC documents; answers when the scan ends",
		"the scan's result", args_ioc_scan },
	[VG_CMD_IOC_CANCEL] = { VG_CMD_IOC_CANCEL, "ioc.cancel", VG_ACCESS_ADMIN, 1, 0, NULL,
		"Cancel the running scan",
		"{}", args_ioc_cancel },
	[VG_CMD_IOC_RESULTS] = { VG_CMD_IOC_RESULTS, "ioc.results", VG_ACCESS_READ, 1, 0, NULL,
		"Past scans, or one scan's result",
		"array of {scan_id, started, started_ms, finished, finished_ms, state, matched}, or the scan's result", args_ioc_results },
	[VG_CMD_IOC_WATCH] = { VG_CMD_IOC_WATCH, "ioc.watch", VG_ACCESS_ADMIN, 2, VG_CMD_MAY_WAIT, NULL,
		"Arm OpenIOC documents: evaluated on every process start and file write",
		"{armed[{id, file}], refused[{file, error}]}", args_ioc_watch },
	[VG_CMD_IOC_UNWATCH] = { VG_CMD_IOC_UNWATCH, "ioc.unwatch", VG_ACCESS_ADMIN, 2, VG_CMD_MAY_WAIT, NULL,
		"Disarm an OpenIOC document",
		"{unwatched}", args_ioc_unwatch },
	[VG_CMD_IOC_WATCHES] = { VG_CMD_IOC_WATCHES, "ioc.watches", VG_ACCESS_READ, 2, 0, NULL,
		"The armed OpenIOC documents",
		"array of {id, file, source, uid, armed, active, description, indicators, items, documents}", NULL },
	[VG_CMD_DETECTION_LIST] = { VG_CMD_DETECTION_LIST, "detection.list", VG_ACCESS_READ, 2, VG_CMD_MAY_WAIT, NULL,
		"Recent detections, newest first",
		"array of {uid, time, time_ms, event_time, event_time_ms, stored, stored_ms, latency_ms, rule, title, "
		"severity_id, action}",
		args_detection_list },
	[VG_CMD_DETECTION_SHOW] = { VG_CMD_DETECTION_SHOW, "detection.show", VG_ACCESS_READ, 2, VG_CMD_MAY_WAIT, NULL,
		"One detection with its OCSF Detection Finding",
		"{uid, time, ..., finding}", args_detection_show },
	[VG_CMD_DETECTION_FOLLOW] = { VG_CMD_DETECTION_FOLLOW, "detection.follow", VG_ACCESS_READ, 2, VG_CMD_STREAMS, "detections",
		"Follow the detections as they are made",
		"{stream: \"detections\"}, then stream messages {uid, time, rule, title, severity_id, action}", NULL },
	[VG_CMD_DETECTION_RULES_LIST] = { VG_CMD_DETECTION_RULES_LIST, "detection.rules.list", VG_ACCESS_READ, 2, 0, NULL,
		"The detection rules in force and those refused, with the reason",
		"{generation, rules, refused, loaded, loaded_ms, loading, list[], rejects[], inputs[]}", args_detection_rules_list },
	[VG_CMD_DETECTION_RULES_SHOW] = { VG_CMD_DETECTION_RULES_SHOW, "detection.rules.show", VG_ACCESS_READ, 2, 0, NULL,
		"One rule: what it says of itself and its YAML",
		"the rule", args_detection_rule_id },
	[VG_CMD_DETECTION_RULES_RELOAD] = { VG_CMD_DETECTION_RULES_RELOAD, "detection.rules.reload", VG_ACCESS_ADMIN, 2, VG_CMD_MAY_WAIT, NULL,
		"Read the rules again; answers when the new rules are in force",
		"{generation, rules, refused, loaded, loaded_ms, rejects[]}", NULL },
	[VG_CMD_DETECTION_RULES_DISABLE] = { VG_CMD_DETECTION_RULES_DISABLE, "detection.rules.disable", VG_ACCESS_ADMIN, 2, VG_CMD_MAY_WAIT, NULL,
		"Disable a rule (kept across restarts); answers when in force",
		"{rule, generation, rules, refused, loaded, loaded_ms, rejects[]}", args_detection_rule_id },
	[VG_CMD_DETECTION_RULES_ENABLE] = { VG_CMD_DETECTION_RULES_ENABLE, "detection.rules.enable", VG_ACCESS_ADMIN, 2, VG_CMD_MAY_WAIT, NULL,
		"Enable a disabled rule; answers when in force",
		"{rule, generation, rules, refused, loaded, loaded_ms, rejects[]}", args_detection_rule_id },
	[VG_CMD_EXPORT_STATUS] = { VG_CMD_EXPORT_STATUS, "export.status", VG_ACCESS_READ, 2, 0, NULL,
		"The event exports: each sink's state, position, deliveries and losses",
		"{sinks[], heartbeat_period}", NULL },
	[VG_CMD_EXPORT_TEST] = { VG_CMD_EXPORT_TEST, "export.test", VG_ACCESS_ADMIN, 2, VG_CMD_MAY_WAIT, NULL,
		"Send a test event through the export sinks now",
		"array of {sink, ok, error?}", args_export_test },
};
