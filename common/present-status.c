/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The agent's status for people: one part per section of the "status" answer, each with a
 * state word, a level (its colour), the numbers that matter, what is wrong in a sentence, and
 * every other field as a labelled line for status --verbose and the console's detail view.
 */
#include "config.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "nls.h"
#include "present.h"
#include "vigil/error.h"

/* Between two problems of a part, whatever the language. */
#define PROBLEM_SEP " — "

/* ---- Reading the answer ---- */

static double real(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static bool is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* ---- Writing the part ---- */

static void item(struct vg_present_part *p, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void item(struct vg_present_part *p, const char *label, const char *fmt, ...)
{
	va_list ap;

	if (p->nitems >= VG_PRESENT_MAX_ITEMS)
		return;
	snprintf(p->items[p->nitems].label, sizeof(p->items[p->nitems].label), "%s", label);
	va_start(ap, fmt);
	vsnprintf(p->items[p->nitems].value, sizeof(p->items[p->nitems].value), fmt, ap);
	va_end(ap);
	p->nitems++;
}

/* Appends text to buf (a part's summary or problem), after sep when buf is not empty.  The
 * separators are translated: French puts a no-break space before ";". */
static void append(char *buf, size_t size, const char *sep, const char *text)
{
	size_t used = strlen(buf);

	if (!text[0] || used >= size)
		return;
	snprintf(buf + used, size - used, "%s%s", used ? sep : "", text);
}

/* TRANSLATORS: between two numbers of a part's summary ("1141 events waiting; ..."). */
#define SEMICOLON _("; ")

static void set_state(struct vg_present_part *p, const char *state, enum vg_level level)
{
	snprintf(p->state, sizeof(p->state), "%s", state);
	p->level = level;
}

/* The number that picks a plural form. */
static unsigned long plural(long long n)
{
	return n < 0 ? 0 : (unsigned long)n;
}

/* "12 events": fmt is the P_() of the right form, with one %s for the number. */
static void count(char *buf, size_t size, const char *fmt, long long n)
{
	char digits[32];
	const char *args[1] = { digits };

	snprintf(digits, sizeof(digits), "%lld", n);
	vg_error_format(buf, size, fmt, args, 1);
}

/* An error of the protocol with the English text the agent logged: the sentence in the user's
 * language, and the technical detail (the library's own words) when the text carries more. */
static void error_lines(struct vg_present_part *p, const json_t *detail, const char *fallback, int64_t at,
			int64_t now)
{
	char text[1024], english[1024], when[96];
	const char *msgid = vg_present_str(detail, "msgid");
	const char *message = vg_present_str(detail, "message");

	if (json_is_object(detail))
		vg_present_error(detail, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "%s", vg_present_msgid(fallback));
	if (!text[0])
		return;
	append(p->problem, sizeof(p->problem), PROBLEM_SEP, text);
	item(p, _("Last error"), "%s", text);
	if (at > 0) {
		vg_present_when(when, sizeof(when), at, now);
		item(p, _("Last error at"), "%s", when);
	}
	if (msgid[0] && message[0]) {
		const char *argv[VG_ERROR_MAX_ARGS];
		json_t *args = json_object_get(detail, "args"), *a;
		size_t i;
		int n = 0;

		json_array_foreach(args, i, a)
			if (n < VG_ERROR_MAX_ARGS)
				argv[n++] = json_string_value(a) ?: "";
		vg_error_format(english, sizeof(english), msgid, argv, n);
		if (strcmp(english, message) != 0 && strncmp(message, english, strlen(english)) == 0) {
			const char *rest = message + strlen(english) + (message[strlen(english)] == ' ');
			size_t len = strlen(rest);

			/* vg_http_describe puts the library's words in parentheses after the sentence. */
			if (len >= 2 && rest[0] == '(' && rest[len - 1] == ')')
				item(p, _("Technical detail"), "%.*s", (int)(len - 2), rest + 1);
			else
				item(p, _("Technical detail"), "%s", rest);
		}
	}
}

/* ---- The agent itself ---- */

/* The drop-in directory (unattended enrolment): its files and each one refused, as a problem. */
static void enrolment_lines(const json_t *en, struct vg_present_part *p)
{
	const json_t *files = json_object_get(en, "files"), *problems = json_object_get(en, "problems"), *e;
	long long applied = 0, refused = 0;
	char text[1024], a[96], b[96];
	size_t i;

	if (!json_is_true(json_object_get(en, "available")))
		return;
	json_array_foreach(files, i, e) {
		applied += is(vg_present_str(e, "state"), "applied") || is(vg_present_str(e, "state"), "unchanged");
		refused += is(vg_present_str(e, "state"), "refused");
	}
	count(a, sizeof(a), P_("%s file in force", "%s files in force", plural(applied)), applied);
	count(b, sizeof(b), P_("%s file refused", "%s files refused", plural(refused)), refused);
	/* TRANSLATORS: the drop-in directory, then how many of its files apply and how many were refused. */
	item(p, _("Drop-in files"), _("%s: %s, %s"), vg_present_str(en, "directory"), a, b);
	json_array_foreach(problems, i, e) {
		vg_present_error(e, text, sizeof(text));
		append(p->problem, sizeof(p->problem), PROBLEM_SEP, text);
		if (p->level < VG_LEVEL_WARN)
			p->level = VG_LEVEL_WARN;
	}
}

static void agent_part(const json_t *st, int64_t now, struct vg_present_part *p)
{
	const json_t *ctl = json_object_get(st, "control"), *spool = json_object_get(st, "spool");
	char since[96], up[64], size[64], pid[32], a[96], b[96], c[96];

	snprintf(p->name, sizeof(p->name), "agent");
	snprintf(p->label, sizeof(p->label), "%s", _("Agent"));
	set_state(p, _("active"), VG_LEVEL_OK);
	vg_present_when(since, sizeof(since), vg_present_num(st, "started_ms") / 1000, now);
	snprintf(pid, sizeof(pid), "%lld", vg_present_num(st, "pid"));
	/* TRANSLATORS: the agent's line: since when it runs, its process id. */
	snprintf(p->summary, sizeof(p->summary), _("since %s, pid %s"), since, pid);
	item(p, _("Version"), "%s", vg_present_str(st, "version"));
	item(p, _("Host"), "%s", vg_present_str(st, "hostname"));
	item(p, _("Agent id"), "%s", vg_present_str(st, "agent_id"));
	item(p, _("Process id"), "%s", pid);
	vg_present_date(since, sizeof(since), vg_present_num(st, "started_ms") / 1000);
	vg_present_duration(up, sizeof(up), vg_present_num(st, "uptime"));
	item(p, _("Started"), _("%s (%s ago)"), since, up);
	item(p, _("State directory"), "%s", vg_present_str(st, "state_dir"));
	item(p, _("Control socket"), "%s", vg_present_str(st, "socket"));
	item(p, _("Database"), "%s", vg_present_str(st, "database"));
	count(a, sizeof(a), P_("%s client connected", "%s clients connected",
		      plural(vg_present_num(ctl, "clients"))),
	      vg_present_num(ctl, "clients"));
	count(b, sizeof(b), P_("%s request", "%s requests", plural(vg_present_num(ctl, "requests"))),
			vg_present_num(ctl, "requests"));
	count(c, sizeof(c), P_("%s refused", "%s refused", plural(vg_present_num(ctl, "refused"))),
			vg_present_num(ctl, "refused"));
	item(p, _("Control clients"), "%s, %s, %s", a, b, c);
	if (json_is_true(json_object_get(spool, "available"))) {
		vg_present_size(size, sizeof(size), (uint64_t)vg_present_num(spool, "bytes"));
		count(a, sizeof(a), P_("%s event", "%s events", plural(vg_present_num(spool, "events"))),
				vg_present_num(spool, "events"));
		item(p, _("Spool"), "%s, %s", a, size);
		count(a, sizeof(a), P_("%s event", "%s events", plural(vg_present_num(spool, "pending"))),
				vg_present_num(spool, "pending"));
		if (vg_present_num(spool, "pending") > 0) {
			vg_present_when(since, sizeof(since), vg_present_num(spool, "oldest_pending_ms") / 1000, now);
			item(p, _("Not yet sent"), _("%s, the oldest from %s"), a, since);
		} else {
			item(p, _("Not yet sent"), "%s", a);
		}
		if (vg_present_num(spool, "dropped") > 0) {
			count(a, sizeof(a), P_("%s event", "%s events",
				      plural(vg_present_num(spool, "dropped"))),
			      vg_present_num(spool, "dropped"));
			item(p, _("Dropped when full"), "%s", a);
		}
	}
	enrolment_lines(json_object_get(st, "enrolment"), p);
}

/* ---- Telemetry ---- */

static const struct {
	const char *key, *label;
} event_types[] = {
	{ "process", N_("Processes") },
	{ "network", N_("Network") },
	{ "file", N_("Files") },
};

/* A collector that does not run has {state, error, error_detail}; a running audit has its mode. */
static bool collector_runs(const json_t *c)
{
	const char *state = vg_present_str(c, "state");

	return json_is_object(c) && (!state[0] || is(state, "running") || is(state, "audit-watches"));
}

static bool collector_failed(const json_t *c)
{
	return is(vg_present_str(c, "state"), "unavailable");
}

static void collector_problem(struct vg_present_part *p, const char *what, const json_t *c)
{
	char text[1024], line[1200];
	const json_t *detail = json_object_get(c, "error_detail");

	if (json_is_object(detail))
		vg_present_error(detail, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "%s", vg_present_str(c, "error"));
	if (!text[0])
		snprintf(text, sizeof(text), "%s", _("no reason given"));
	/* TRANSLATORS: a collector of events ("audit", "file monitoring") and why it does not run. */
	snprintf(line, sizeof(line), _("%s is unavailable: %s"), what, text);
	append(p->problem, sizeof(p->problem), PROBLEM_SEP, line);
}

static void telemetry_part(const json_t *sec, int64_t now, struct vg_present_part *p)
{
	const json_t *events = json_object_get(sec, "events"), *rates = json_object_get(sec, "rates_per_s");
	const json_t *audit = json_object_get(sec, "audit"), *files = json_object_get(sec, "files");
	const json_t *sensor = json_object_get(sec, "sensor"), *ebpf = json_object_get(sec, "ebpf");
	const char *running = vg_present_str(sensor, "running");
	long long total = 0, lost, kernel_lost;
	double rate = 0;
	char r[32], a[96], b[1024], when[96];
	/* The sensor of processes and network (eBPF or audit), and the file collector. */
	bool sensor_runs = sensor ? is(running, "ebpf") || is(running, "audit") : collector_runs(audit);
	bool runs = sensor_runs || collector_runs(files);
	bool failed = (!sensor_runs && (collector_failed(audit) || collector_failed(ebpf))) || collector_failed(files);

	for (size_t i = 0; i < sizeof(event_types) / sizeof(event_types[0]); i++) {
		total += vg_present_num(events, event_types[i].key);
		rate += real(rates, event_types[i].key);
	}
	kernel_lost = json_object_get(sec, "kernel_lost") ? vg_present_num(sec, "kernel_lost") : vg_present_num(audit,
			"kernel_lost");
	lost = kernel_lost + vg_present_num(audit, "socket_overruns") + vg_present_num(sec,
			"queue_dropped") + vg_present_num(sec, "spool_dropped") +
	       vg_present_num(files, "overflows");
	if (!sensor_runs && sensor && (collector_failed(audit) || collector_failed(ebpf)))
		/* Neither sensor runs: the agent says why, in one sentence. */
		append(p->problem, sizeof(p->problem), PROBLEM_SEP,
		       vg_present_error(json_object_get(sensor, "reason_detail"), b, sizeof(b)));
	else if (!sensor_runs && collector_failed(audit))
		collector_problem(p, _("audit"), audit);
	if (collector_failed(files))
		collector_problem(p, _("file monitoring"), files);
	if (vg_present_num(sec, "write_errors") > 0) {
		count(a, sizeof(a), P_("%s event could not be written to the spool",
				"%s events could not be written to the spool",
			      plural(vg_present_num(sec, "write_errors"))),
		      vg_present_num(sec, "write_errors"));
		append(p->problem, sizeof(p->problem), PROBLEM_SEP, a);
		set_state(p, _("failing"), VG_LEVEL_ERROR);
	} else if (!runs && failed) {
		set_state(p, _("unavailable"), VG_LEVEL_ERROR);
	} else if (!runs) {
		set_state(p, _("off"), VG_LEVEL_OFF);
	} else if (failed) {
		set_state(p, _("partly unavailable"), VG_LEVEL_WARN);
	} else {
		set_state(p, _("collecting"), lost > 0 ? VG_LEVEL_WARN : VG_LEVEL_OK);
	}
	if (lost > 0) {
		count(a, sizeof(a), P_("%s event was lost since the agent started",
				"%s events were lost since the agent started",
			      plural(lost)),
		      lost);
		append(p->problem, sizeof(p->problem), PROBLEM_SEP, a);
	}
	vg_present_rate(r, sizeof(r), rate);
	count(a, sizeof(a), P_("%s event since the start", "%s events since the start", plural(total)), total);
	/* TRANSLATORS: telemetry's numbers: events per second now, then the count since the start. */
	if (runs || total > 0)
		snprintf(p->summary, sizeof(p->summary), _("%s events/s, %s"), r, a);
	for (size_t i = 0; i < sizeof(event_types) / sizeof(event_types[0]); i++) {
		vg_present_rate(r, sizeof(r), real(rates, event_types[i].key));
		item(p, _(event_types[i].label), _("%lld (%s/s)"), vg_present_num(events, event_types[i].key), r);
	}
	if (sensor) {
		vg_present_error(json_object_get(sensor, "reason_detail"), b, sizeof(b));
		if (!b[0])
			snprintf(b, sizeof(b), "%s", vg_present_str(sensor, "reason"));
		/* TRANSLATORS: the sensor in use (eBPF, audit, none), then why. */
		item(p, _("Sensor"), _("%s (%s)"), is(running, "ebpf") ? "eBPF" : vg_present_msgid(running), b);
	}
	if (collector_runs(audit)) {
		count(a, sizeof(a), P_("%s event lost by the kernel", "%s events lost by the kernel",
			      plural(vg_present_num(audit, "kernel_lost"))),
		      vg_present_num(audit, "kernel_lost"));
		item(p, _("Audit"), _("%s (%s)%s; %s"), _("running"),
		     is(vg_present_str(audit, "mode"),
				"unicast") ? _("the agent owns audit") : _("read alongside another audit daemon"),
		     json_is_true(json_object_get(audit, "immutable")) ? _(", immutable configuration") : "", a);
	} else {
		item(p, _("Audit"), "%s", vg_present_msgid(vg_present_str(audit, "state")));
	}
	if (is(vg_present_str(files, "state"), "running")) {
		json_t *paths = json_object_get(files, "paths"), *path;
		size_t i;

		a[0] = '\0';
		json_array_foreach(paths, i, path)
			append(a, sizeof(a), ", ", json_string_value(path) ?: "");
		item(p, _("File monitoring"), _("fanotify on %s"), a[0] ? a : "/");
	} else if (is(vg_present_str(files, "state"), "audit-watches")) {
		item(p, _("File monitoring"), "%s", _("audit watches (fanotify is unavailable)"));
	} else {
		item(p, _("File monitoring"), "%s", vg_present_msgid(vg_present_str(files, "state")));
	}
	item(p, _("Waiting to be stored"), "%lld", vg_present_num(sec, "queued"));
	item(p, _("Excluded by rules"), "%lld", vg_present_num(sec, "excluded"));
	item(p, _("Lost"), _("kernel %lld, socket %lld, queues %lld, spool full %lld, file monitoring %lld"),
	     kernel_lost, vg_present_num(audit, "socket_overruns"), vg_present_num(sec, "queue_dropped"),
	     vg_present_num(sec, "spool_dropped"), vg_present_num(files, "overflows"));
	item(p, _("Write errors"), "%lld", vg_present_num(sec, "write_errors"));
	vg_present_when(when, sizeof(when), vg_present_num(sec, "last_commit_ms") / 1000, now);
	item(p, _("Last written to the spool"), "%s", when);
}

/* ---- The server link ---- */

/* The server's or the client's certificate: its subject and end of validity, and a problem
 * when it has expired or expires within 30 days. */
static void certificate_line(struct vg_present_part *p, bool server, const json_t *cert, int64_t now)
{
	const char *label = server ? _("Server certificate") : _("Client certificate");
	char until[96], text[256], n[32];
	long long left = vg_present_num(cert, "expires_in_days");

	if (!json_is_object(cert)) {
		item(p, label, "%s", _("none imported"));
		return;
	}
	vg_present_when(until, sizeof(until), vg_present_num(cert, "not_after_ms") / 1000, now);
	item(p, label, _("%s, valid until %s"), vg_present_str(cert, "subject"), until);
	snprintf(n, sizeof(n), "%lld", left);
	if (left < 0) {
		snprintf(text, sizeof(text), "%s",
			 server ? _("the server certificate has expired") : _("the client certificate has expired"));
		p->level = VG_LEVEL_ERROR;
	} else if (left < 30) {
		if (server)
			snprintf(text, sizeof(text),
				 P_("the server certificate expires in %s day",
						"the server certificate expires in %s days",
				    plural(left)),
				 n);
		else
			snprintf(text, sizeof(text),
				 P_("the client certificate expires in %s day",
						"the client certificate expires in %s days",
				    plural(left)),
				 n);
		if (p->level < VG_LEVEL_WARN)
			p->level = VG_LEVEL_WARN;
	} else {
		return;
	}
	append(p->problem, sizeof(p->problem), PROBLEM_SEP, text);
}

static void link_part(const json_t *sec, int64_t now, struct vg_present_part *p)
{
	const char *state = vg_present_str(sec, "state");
	char when[96], a[96], b[96];
	long long waiting = vg_present_num(sec, "events_waiting");

	if (is(state, "connected") || is(state, "connecting"))
		set_state(p, vg_present_msgid(state), VG_LEVEL_OK);
	else if (is(state, "not configured"))
		set_state(p, vg_present_msgid(state), VG_LEVEL_OFF);
	else if (is(state, "refused"))
		set_state(p, vg_present_msgid(state), VG_LEVEL_ERROR);
	else
		set_state(p, vg_present_msgid(state), VG_LEVEL_WARN);
	count(a, sizeof(a), P_("%s event waiting", "%s events waiting", plural(waiting)), waiting);
	if (is(state, "not configured") && !vg_present_str(sec, "server")[0]) {
		snprintf(p->summary, sizeof(p->summary), "%s",
				_("no central server (vigilctl server add HOST[:PORT])"));
		if (waiting > 0)
			append(p->summary, sizeof(p->summary), SEMICOLON, a);
	} else {
		vg_present_when(when, sizeof(when), vg_present_num(sec, "last_contact_ms") / 1000, now);
		/* TRANSLATORS: the server link's numbers: the server, its last contact, the events to send. */
		snprintf(p->summary, sizeof(p->summary), _("%s; last contact %s; %s"), vg_present_str(sec, "server"),
				when, a);
	}
	item(p, _("Server"), "%s", vg_present_str(sec, "server")[0] ? vg_present_str(sec, "server") : _("none"));
	item(p, _("Proxy"), "%s", is(vg_present_str(sec, "proxy"), "none") || !vg_present_str(sec,
			"proxy")[0] ? _("none") : vg_present_str(sec, "proxy"));
	vg_present_when(when, sizeof(when), vg_present_num(sec, "last_contact_ms") / 1000, now);
	item(p, _("Last contact"), "%s", when);
	if (waiting > 0) {
		vg_present_when(when, sizeof(when), vg_present_num(sec, "oldest_waiting_ms") / 1000, now);
		item(p, _("Events waiting"), _("%lld, the oldest from %s"), waiting, when);
	} else {
		item(p, _("Events waiting"), "%lld", waiting);
	}
	count(a, sizeof(a), P_("%s event", "%s events", plural(vg_present_num(sec, "events_sent"))),
			vg_present_num(sec, "events_sent"));
	count(b, sizeof(b), P_("%s batch", "%s batches", plural(vg_present_num(sec, "batches_sent"))),
			vg_present_num(sec, "batches_sent"));
	item(p, _("Sent"), _("%s in %s"), a, b);
	item(p, _("Held by the send limit"), "%lld", vg_present_num(sec, "events_held"));
	item(p, _("Commands received"), "%lld", vg_present_num(sec, "commands_received"));
	certificate_line(p, true, json_object_get(sec, "server_certificate"), now);
	certificate_line(p, false, json_object_get(sec, "client_certificate"), now);
	/* The last error matters while the link is not up; once connected it is history. */
	if (json_object_get(sec, "last_error_detail") || vg_present_str(sec, "last_error")[0]) {
		char saved[sizeof(p->problem)];

		snprintf(saved, sizeof(saved), "%s", p->problem);
		error_lines(p, json_object_get(sec, "last_error_detail"), vg_present_str(sec, "last_error"),
				vg_present_num(sec, "last_error_at_ms") / 1000,
			    now);
		if (is(state, "connected"))
			snprintf(p->problem, sizeof(p->problem), "%s", saved);
	}
}

/* ---- Isolation ---- */

static void isolation_part(const json_t *sec, int64_t now, struct vg_present_part *p)
{
	bool on = is(vg_present_str(sec, "state"), "on");
	long long since = vg_present_num(sec, "since_ms") / 1000, until = vg_present_num(sec, "until_ms") / 1000,
			who = vg_present_num(sec, "who");
	const char *reason = vg_present_str(sec, "reason");
	char when[96], left[96];

	if (json_is_true(json_object_get(sec, "applying")))
		set_state(p, on ? _("isolating") : _("releasing"), VG_LEVEL_WARN);
	else if (on)
		set_state(p, _("isolated"), VG_LEVEL_WARN);
	else
		set_state(p, _("off"), VG_LEVEL_OFF);
	vg_present_when(when, sizeof(when), since, now);
	if (on && until > 0) {
		vg_present_when(left, sizeof(left), until, now);
		/* TRANSLATORS: isolation's numbers: since when, and when it ends. */
		snprintf(p->summary, sizeof(p->summary), _("since %s; ends %s"), when, left);
	} else if (on) {
		/* TRANSLATORS: isolation with no automatic release: since when. */
		snprintf(p->summary, sizeof(p->summary), _("since %s; until released by hand"), when);
	} else if (since > 0) {
		snprintf(p->summary, sizeof(p->summary), _("since %s"), when);
	}
	if (reason[0] && on)
		append(p->summary, sizeof(p->summary), SEMICOLON, vg_present_msgid(reason));
	if (since > 0) {
		vg_present_date(when, sizeof(when), since);
		item(p, on ? _("Isolated since") : _("Released at"), "%s", when);
	}
	if (since > 0 && who >= 0) {
		struct passwd pw, *found = NULL;
		char buf[1024];

		if (getpwuid_r((uid_t)who, &pw, buf, sizeof(buf), &found) == 0 && found)
			item(p, _("By"), _("%s (uid %lld)"), found->pw_name, who);
		else
			item(p, _("By"), _("uid %lld"), who);
	}
	else if (since > 0)
		item(p, _("By"), "%s", _("the server or the agent itself"));
	if (reason[0])
		item(p, _("Reason"), "%s", vg_present_msgid(reason));
	if (on) {
		if (until > 0)
			vg_present_when(left, sizeof(left), until, now);
		item(p, _("Automatic release"), "%s", until > 0 ? left : _("none"));
	}
	if (json_object_get(sec, "last_error_detail") || vg_present_str(sec, "last_error")[0]) {
		error_lines(p, json_object_get(sec, "last_error_detail"), vg_present_str(sec, "last_error"), 0, now);
		p->level = VG_LEVEL_ERROR;
	}
}

/* ---- Tasks and scans ---- */

static const struct {
	const char *state, *label;
} task_counts[] = {
	{ "succeeded", N_("Succeeded") }, { "failed", N_("Failed") },       { "refused", N_("Refused") },
	{ "cancelled", N_("Cancelled") }, { "timed_out", N_("Timed out") }, { "interrupted",
			N_("Interrupted by a restart") },
};

/* "3 failed": the count of tasks that ended in state. */
static void task_count(char *buf, size_t size, const char *state, long long n)
{
	unsigned long k = plural(n);

	if (is(state, "succeeded"))
		count(buf, size, P_("%s succeeded", "%s succeeded", k), n);
	else if (is(state, "failed"))
		count(buf, size, P_("%s failed", "%s failed", k), n);
	else if (is(state, "refused"))
		count(buf, size, P_("%s refused", "%s refused", k), n);
	else if (is(state, "cancelled"))
		count(buf, size, P_("%s cancelled", "%s cancelled", k), n);
	else if (is(state, "timed_out"))
		count(buf, size, P_("%s timed out", "%s timed out", k), n);
	else
		count(buf, size, P_("%s interrupted by a restart", "%s interrupted by a restart", k), n);
}

static void tasks_part(const json_t *sec, struct vg_present_part *p)
{
	long long active = vg_present_num(sec, "active");
	char a[96];

	if (active > 0) {
		set_state(p, _("working"), VG_LEVEL_OK);
		count(a, sizeof(a), P_("%s task running", "%s tasks running", plural(active)), active);
		append(p->summary, sizeof(p->summary), SEMICOLON, a);
	} else {
		set_state(p, _("idle"), VG_LEVEL_OFF);
	}
	for (size_t i = 0; i < sizeof(task_counts) / sizeof(task_counts[0]); i++) {
		long long n = vg_present_num(sec, task_counts[i].state);

		task_count(a, sizeof(a), task_counts[i].state, n);
		if (n > 0)
			append(p->summary, sizeof(p->summary), ", ", a);
		item(p, _(task_counts[i].label), "%lld", n);
	}
	if (!p->summary[0])
		snprintf(p->summary, sizeof(p->summary), "%s", _("no task since the agent started"));
	item(p, _("Running"), "%lld", active);
	item(p, _("Kept in the journal"), "%lld", vg_present_num(sec, "kept"));
}

/* The parser sandbox that reads the OpenIOC documents: the worker now (or none between two
 * requests), how often one was started and died, and why the last one died. */
static void sandbox_items(const json_t *sb, struct vg_present_part *p)
{
	char a[96], b[96];

	if (!json_is_object(sb))
		return;
	if (vg_present_num(sb, "pid") > 0)
		/* TRANSLATORS: the parser sandbox's process: its pid and the user it runs as. */
		item(p, _("Parser sandbox"), _("process %lld, uid %lld"), vg_present_num(sb, "pid"),
		     vg_present_num(sb, "uid"));
	else
		item(p, _("Parser sandbox"), "%s", _("started at the next request"));
	count(a, sizeof(a), P_("%s start", "%s starts", plural(vg_present_num(sb, "starts"))), vg_present_num(sb, "starts"));
	count(b, sizeof(b), P_("%s death", "%s deaths", plural(vg_present_num(sb, "deaths"))), vg_present_num(sb, "deaths"));
	item(p, _("Sandbox starts and deaths"), "%s, %s", a, b);
	if (vg_present_str(sb, "last_death")[0])
		item(p, _("Last sandbox death"), "%s", vg_present_str(sb, "last_death"));
}

static void ioc_part(const json_t *sec, struct vg_present_part *p)
{
	char a[96], b[96], id[32];

	if (json_is_integer(json_object_get(sec, "running_scan"))) {
		set_state(p, _("scanning"), VG_LEVEL_OK);
		snprintf(id, sizeof(id), "%lld", vg_present_num(sec, "running_scan"));
		item(p, _("Running scan"), "%s", id);
	} else {
		set_state(p, _("idle"), VG_LEVEL_OFF);
	}
	count(a, sizeof(a), P_("%s scan since the start", "%s scans since the start",
		      plural(vg_present_num(sec, "scans_run"))),
	      vg_present_num(sec, "scans_run"));
	count(b, sizeof(b), P_("%s term known", "%s terms known", plural(vg_present_num(sec, "terms"))),
			vg_present_num(sec, "terms"));
	snprintf(p->summary, sizeof(p->summary), "%s, %s", a, b);
	item(p, _("Scans run"), "%lld", vg_present_num(sec, "scans_run"));
	item(p, _("Terms known"), "%lld", vg_present_num(sec, "terms"));
	sandbox_items(json_object_get(sec, "sandbox"), p);
}

/* Detection: whether its rules are in force, and the detections the agent holds (the console's
 * Detections screen lists them), in the warning colour when there are any: a detection is what
 * the reader looks for. */
static void detection_part(const json_t *sec, int64_t now, struct vg_present_part *p)
{
	const json_t *rules = json_object_get(sec, "rules");
	const char *state = vg_present_str(sec, "state");
	long long n = vg_present_num(sec, "detections");
	char a[96], b[96], when[96];

	if (!json_is_true(json_object_get(sec, "enabled")))
		set_state(p, _("off"), VG_LEVEL_OFF);
	else if (is(state, "failed"))
		set_state(p, _("failing"), VG_LEVEL_ERROR);
	else if (is(state, "loading"))
		set_state(p, _("loading"), VG_LEVEL_OK);
	else
		set_state(p, _("watching"), n > 0 ? VG_LEVEL_WARN : VG_LEVEL_OK);
	count(a, sizeof(a), P_("%s detection", "%s detections", plural(n)), n);
	if (vg_present_num(sec, "last_detection") > 0) {
		vg_present_when(when, sizeof(when), vg_present_num(sec, "last_detection") / 1000, now);
		/* TRANSLATORS: the detections held, then when the last one was made ("3 detections,
		 * the last at 10:42 (3 min ago)"). */
		snprintf(b, sizeof(b), _("%s, the last at %s"), a, when);
	} else {
		snprintf(b, sizeof(b), "%s", a);
	}
	snprintf(p->summary, sizeof(p->summary), "%s", b);
	if (vg_present_str(sec, "error")[0])
		append(p->problem, sizeof(p->problem), PROBLEM_SEP, vg_present_str(sec, "error"));
	item(p, _("Rules in force"), "%lld", vg_present_num(rules, "enabled"));
	item(p, _("Rules disabled"), "%lld", vg_present_num(rules, "disabled"));
	item(p, _("Rules refused"), "%lld", vg_present_num(rules, "refused") + vg_present_num(rules, "unsupported"));
	item(p, _("Detections"), "%s", b);
	item(p, _("Events evaluated"), "%lld", vg_present_num(sec, "evaluated"));
}

/* The event exports: a sink's name and state in words. */
const char *vg_present_sink_label(const char *name)
{
	if (!name)
		return "?";
	if (is(name, "jsonl"))
		return _("JSON Lines");
	if (is(name, "syslog"))
		return _("syslog");
	if (is(name, "relp"))
		return _("RELP");
	return name;
}

const char *vg_present_sink_state(const char *state, enum vg_level *level)
{
	static const struct {
		const char *word, *text;
		enum vg_level level;
	} states[] = {
		{ "up to date", N_("up to date"), VG_LEVEL_OK },     { "delivering", N_("delivering"), VG_LEVEL_OK },
		{ "starting", N_("starting"), VG_LEVEL_OK },         { "waiting to retry", N_("waiting to retry"), VG_LEVEL_WARN },
		{ "off", N_("off"), VG_LEVEL_OFF },
	};

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (is(state, states[i].word)) {
			*level = states[i].level;
			return _(states[i].text);
		}
	*level = VG_LEVEL_WARN;
	return state ? state : "?";
}

/* Exports: a line per sink that is on ("RELP: up to date, 5120 delivered, 0 lost"), each
 * sink's last error as the problem, losses in the warning colour. */
static void export_part(const json_t *sec, int64_t now, struct vg_present_part *p)
{
	const json_t *s;
	size_t i, on = 0;
	enum vg_level worst = VG_LEVEL_OK, level;
	char line[256], when[96];

	json_array_foreach(json_object_get(sec, "sinks"), i, s) {
		const char *label = vg_present_sink_label(vg_present_str(s, "name")), *state;
		long long lost = vg_present_num(s, "lost");

		if (!json_is_true(json_object_get(s, "enabled"))) {
			item(p, label, "%s", _("off"));
			continue;
		}
		on++;
		state = vg_present_sink_state(vg_present_str(s, "state"), &level);
		if (lost > 0 && level < VG_LEVEL_WARN)
			level = VG_LEVEL_WARN;
		if (vg_present_str(s, "last_error")[0] && level < VG_LEVEL_WARN)
			level = VG_LEVEL_WARN;
		if (level > worst)
			worst = level;
		/* TRANSLATORS: one export sink: its name, state, events delivered and lost ("RELP: up to
		 * date, 5120 delivered, 0 lost"). */
		snprintf(line, sizeof(line), _("%s: %s, %lld delivered, %lld lost"), label, state,
			 vg_present_num(s, "delivered"), lost);
		append(p->summary, sizeof(p->summary), "; ", line);
		if (vg_present_str(s, "last_error")[0]) {
			snprintf(line, sizeof(line), "%s: %s", label, vg_present_str(s, "last_error"));
			append(p->problem, sizeof(p->problem), PROBLEM_SEP, line);
		}
		if (vg_present_num(s, "last_delivery_ms") > 0)
			vg_present_when(when, sizeof(when), vg_present_num(s, "last_delivery_ms") / 1000, now);
		else
			snprintf(when, sizeof(when), "%s", _("never"));
		/* TRANSLATORS: an export sink in the details: receiver, state, deliveries, losses, the
		 * last delivery. */
		item(p, label, _("%s, %s, %lld delivered, %lld lost, last delivery %s"), vg_present_str(s, "target"), state,
		     vg_present_num(s, "delivered"), lost, when);
	}
	if (!on)
		set_state(p, _("off"), VG_LEVEL_OFF);
	else if (worst >= VG_LEVEL_WARN)
		set_state(p, _("delivering with trouble"), worst);
	else
		set_state(p, _("delivering"), VG_LEVEL_OK);
	if (vg_present_num(sec, "heartbeat_period") > 0)
		item(p, _("Heartbeat"), _("every %lld s"), vg_present_num(sec, "heartbeat_period"));
	else
		item(p, _("Heartbeat"), "%s", _("none"));
}

/* A part this client does not know: its state word and its plain fields. */
static void other_part(const json_t *sec, struct vg_present_part *p)
{
	const char *key;
	json_t *v;

	if (vg_present_str(sec, "state")[0])
		set_state(p, vg_present_msgid(vg_present_str(sec, "state")),
			  is(vg_present_str(sec, "state"), "off") ? VG_LEVEL_OFF
			  : is(vg_present_str(sec, "state"), "unavailable") ? VG_LEVEL_ERROR : VG_LEVEL_OK);
	else
		set_state(p, _("available"), VG_LEVEL_OK);
	json_object_foreach((json_t *)sec, key, v) {
		if (is(key, "available") || is(key, "state"))
			continue;
		if (json_is_string(v))
			item(p, key, "%s", vg_present_msgid(json_string_value(v)));
		else if (json_is_integer(v))
			item(p, key, "%lld", (long long)json_integer_value(v));
		else if (json_is_real(v))
			item(p, key, "%.1f", json_real_value(v));
		else if (json_is_boolean(v))
			item(p, key, "%s", json_is_true(v) ? _("yes") : _("no"));
	}
}

/* ---- The whole answer ---- */

static const struct {
	const char *name, *label;
} known[] = {
	{ "telemetry", N_("Telemetry") },
	{ "link", N_("Server link") },
	{ "isolation", N_("Isolation") },
	{ "tasks", N_("Tasks") },
	{ "ioc", N_("IOC scans") },
	{ "detection", N_("Detection") },
	{ "export", N_("Exports") },
};

void vg_present_section(const char *name, const char *label, const json_t *sec, int64_t now,
			struct vg_present_part *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->label, sizeof(p->label), "%s", label);
	if (!json_is_true(json_object_get(sec, "available"))) {
		set_state(p, _("not available in this agent"), VG_LEVEL_OFF);
		return;
	}
	if (is(name, "telemetry"))
		telemetry_part(sec, now, p);
	else if (is(name, "link"))
		link_part(sec, now, p);
	else if (is(name, "isolation"))
		isolation_part(sec, now, p);
	else if (is(name, "tasks"))
		tasks_part(sec, p);
	else if (is(name, "ioc"))
		ioc_part(sec, p);
	else if (is(name, "detection"))
		detection_part(sec, now, p);
	else if (is(name, "export"))
		export_part(sec, now, p);
	else
		other_part(sec, p);
}

size_t vg_present_status(const json_t *st, int64_t now, struct vg_present_part *parts, size_t max)
{
	const json_t *sections = json_object_get(st, "sections"), *sec;
	const char *name;
	size_t n = 0;

	if (!max)
		return 0;
	memset(&parts[0], 0, sizeof(parts[0]));
	agent_part(st, now, &parts[n++]);
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]) && n < max; i++)
		if ((sec = json_object_get(sections, known[i].name)))
			vg_present_section(known[i].name, _(known[i].label), sec, now, &parts[n++]);
	json_object_foreach((json_t *)sections, name, sec) {
		bool seen = false;

		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			seen = seen || is(known[i].name, name);
		if (!seen && n < max)
			vg_present_section(name, name, sec, now, &parts[n++]);
	}
	return n;
}
