/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The isolation subsystem's place in the agent: its settings, commands, start, stop and status.
 *
 * State changes are written to the database first and applied after, so that a crash in
 * between re-applies at the next start (fail-closed).  Applying runs on a worker (it resolves
 * the server names and reads resolv.conf); requests that arrive meanwhile wait for the next
 * apply, which takes the newest state.  The rules stay in the kernel when the agent stops.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "agent.h"
#include "events.h"
#include "isolation.h"
#include "isolation-settings.h"
#include "link/link-settings.h"
#include "log.h"
#include "loop.h"
#include "nls.h"
#include "ocsf.h"
#include "settings.h"
#include "store.h"
#include "vigil/error.h"
#include "workers.h"

#define MAX_WAITERS 32
#define TICK_MS (15 * 1000) /* re-resolve the servers, check the kernel still holds the table */
#define MAX_PROXY_ADDRS 8
#define STR_(x) #x
#define STR(x) STR_(x)

VG_INT_SETTING(VG_S_ISOLATION_AUTO_RELEASE_HOURS, .key = "isolation.auto_release_hours", .def = "0", .min = 0,
	       .max = 9999, .unit = "hours",
	       .help = N_("Release isolation by itself after this many hours when `isolation on` gives no duration (0: never)"));
VG_INT_SETTING(VG_S_ISOLATION_RELEASE_AFTER_NO_CONTACT_HOURS, .key = "isolation.release_after_no_contact_hours",
	       .def = "0", .min = 0, .max = 9999, .unit = "hours",
	       .help = N_("Release isolation when the central server has not been reached for this many hours (0: never)"));
VG_BOOL_SETTING(VG_S_ISOLATION_PROFILE_DHCP, .key = "isolation.profile.dhcp", .def = "yes",
		.help = N_("While isolated, let the DHCP client (v4 and v6) renew its lease"));
VG_BOOL_SETTING(VG_S_ISOLATION_PROFILE_DNS, .key = "isolation.profile.dns", .def = "yes",
		.help = N_("While isolated, allow DNS to the host's resolvers"));
VG_BOOL_SETTING(VG_S_ISOLATION_PROFILE_IPV6_ND, .key = "isolation.profile.ipv6_nd", .def = "yes",
		.help = N_("While isolated, allow IPv6 router and neighbour discovery"));
VG_INT_SETTING(VG_S_ISOLATION_MAX_EXCEPTIONS, .key = "isolation.max_exceptions", .def = "100000", .min = 1,
	       .max = VG_ISO_MAX_EXCEPTIONS_LIMIT,
	       .help = N_("The most isolation exceptions kept (each costs some 200 bytes of memory while isolated)"));

static const char *const setting_prefixes[] = { "isolation", NULL };
static const struct vg_setting_def *const setting_defs[] = {
	VG_SETTING_DEF(VG_S_ISOLATION_AUTO_RELEASE_HOURS),
	VG_SETTING_DEF(VG_S_ISOLATION_RELEASE_AFTER_NO_CONTACT_HOURS),
	VG_SETTING_DEF(VG_S_ISOLATION_PROFILE_DHCP),
	VG_SETTING_DEF(VG_S_ISOLATION_PROFILE_DNS),
	VG_SETTING_DEF(VG_S_ISOLATION_PROFILE_IPV6_ND),
	VG_SETTING_DEF(VG_S_ISOLATION_MAX_EXCEPTIONS),
	NULL,
};
static const struct vg_setting_table settings = { setting_prefixes, setting_defs };

struct waiter {
	bool reply;              /* a client waits for this */
	uint64_t conn;
	json_int_t id;
	json_t *event;           /* what to report once applied (OCSF 7001 draft) */
	json_t *extra;           /* an "exception" to add to the reply, or NULL */
};

struct apply_job {
	struct vg_isolation *iso;
	bool on;
	bool refresh;                       /* periodic: apply only when something changed */
	bool skipped, repaired;
	char tampered[160];                 /* repaired: what differed in the kernel */
	unsigned char rules_digest[32];     /* in: of the rules applied last; out: of those now */
	bool digest_known;                  /* in and out: rules_digest holds one */
	struct vg_iso_state state;          /* what is being applied */
	struct vg_iso_rule *ex;             /* the exceptions' rules */
	size_t nex, max_exceptions;
	const struct vg_iso_elems *held;    /* what the kernel holds (NULL: unknown, replace the table) */
	struct vg_iso_extras x;             /* profiles set on the loop, servers and resolvers on the worker */
	struct vg_iso_extras old;           /* the servers resolved last time, the fallback */
	char servers_setting[VG_SETTING_MAX_VALUE];
	long long link_port;
	char proxy_host[256];
	uint16_t proxy_port;
	struct waiter waiters[MAX_WAITERS];
	size_t nwaiters;
	/* results */
	int rc;
	struct vg_error err;
	struct vg_iso_elems elems;          /* what the kernel holds now */
	bool updated;                       /* only elements changed */
	size_t changed;
	size_t elems_seen;                  /* set elements the kernel holds, as last counted */
	char servers_out[2048];
	json_t *names;                      /* server names resolved (array of strings) */
	struct vg_iso_addr proxy_addrs[MAX_PROXY_ADDRS];
	size_t nproxy;
	struct vg_iso_rule *rules;
	size_t nr;
};

struct vg_isolation {
	struct vg_agent *agent;
	struct vg_iso_state st;
	struct vg_watch *release_timer, *tick;
	bool busy, pending, stopping;
	bool refresh_only;     /* the pending apply was asked by the periodic check alone */
	struct waiter next[MAX_WAITERS];
	size_t nnext;
	size_t expected_rules, expected_elems;
	size_t elems_seen;     /* counted by the last apply or check (a count is too slow for the loop) */
	unsigned char rules_digest[32]; /* of the rules as the kernel held them after the last apply */
	bool digest_known;
	/* The exceptions' rules by id, kept here so that an apply never reads them all from the
	 * database on the loop; and what the last apply put in the kernel's sets. */
	long long *ex_ids;
	struct vg_iso_rule *ex_rules;
	size_t nex, ex_cap;
	struct vg_iso_elems applied;
	bool applied_valid;
	/* The netlink socket of the applies, used by one worker job at a time (NULL: none could
	 * be opened; each apply then opens its own). */
	struct vg_iso_nl *nl;
	struct vg_error last_error;       /* code 0: none */
	char fingerprint[VG_SETTING_MAX_VALUE];
	long long last_contact;
	json_t *warnings;
};

static void start_apply(struct vg_isolation *iso);

/* ---- helpers ---- */

/* "host", "host:port", "[v6]:port" or a URL "scheme://host:port/path" into host and port. */
static void split_host_port(const char *item, char *host, size_t size, uint16_t *port)
{
	const char *p = strstr(item, "://"), *end;
	size_t len;

	*port = 0;
	p = p ? p + 3 : item;
	if (strchr(p, '@'))
		p = strchr(p, '@') + 1;
	if (*p == '[') {
		end = strchr(p, ']');
		len = end ? (size_t)(end - p - 1) : 0;
		snprintf(host, size, "%.*s", (int)(len < size ? len : size - 1), p + 1);
		p = end ? end + 1 : p + strlen(p);
	} else {
		len = strcspn(p, ":/");
		/* A bare IPv6 address has several colons: no port then. */
		if (p[len] == ':' && strchr(p + len + 1, ':') && !strchr(p, '/'))
			len = strlen(p);
		snprintf(host, size, "%.*s", (int)(len < size ? len : size - 1), p);
		p += len;
	}
	if (*p == ':') {
		unsigned long n = strtoul(p + 1, NULL, 10);

		if (n > 0 && n < 65536)
			*port = (uint16_t)n;
	}
}

static size_t resolve(const char *host, struct vg_iso_addr *out, size_t max)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG }, *res = NULL, *ai;
	size_t n = 0;

	if (!host[0])
		return 0;
	if (vg_iso_addr_parse(host, &out[0], NULL) == 0)
		return 1;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return 0;
	for (ai = res; ai && n < max; ai = ai->ai_next) {
		char text[INET6_ADDRSTRLEN];
		const void *a = ai->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
							: (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
		bool dup = false;

		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    !inet_ntop(ai->ai_family, a, text, sizeof(text)) || vg_iso_addr_parse(text, &out[n], NULL) < 0)
			continue;
		for (size_t i = 0; i < n; i++)
			dup |= memcmp(&out[i], &out[n], sizeof(out[n])) == 0;
		if (!dup)
			n++;
	}
	freeaddrinfo(res);
	return n;
}

static void addr_text(const struct vg_iso_addr *a, char *buf, size_t size)
{
	if (!inet_ntop(a->family, a->bytes, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

/* ---- the exceptions' rules kept in memory ---- */

static int cache_add(struct vg_isolation *iso, long long id, const struct vg_iso_rule *r)
{
	if (iso->nex == iso->ex_cap) {
		size_t cap = iso->ex_cap ? iso->ex_cap * 2 : 64;
		long long *ids = realloc(iso->ex_ids, cap * sizeof(*ids));
		struct vg_iso_rule *rules;

		if (!ids)
			return -ENOMEM;
		iso->ex_ids = ids;
		if (!(rules = realloc(iso->ex_rules, cap * sizeof(*rules))))
			return -ENOMEM;
		iso->ex_rules = rules;
		iso->ex_cap = cap;
	}
	/* Ids only grow: appending keeps the array sorted. */
	iso->ex_ids[iso->nex] = id;
	iso->ex_rules[iso->nex++] = *r;
	return 0;
}

static void cache_remove(struct vg_isolation *iso, long long id)
{
	size_t lo = 0, hi = iso->nex;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (iso->ex_ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == iso->nex || iso->ex_ids[lo] != id)
		return;
	memmove(iso->ex_ids + lo, iso->ex_ids + lo + 1, (iso->nex - lo - 1) * sizeof(*iso->ex_ids));
	memmove(iso->ex_rules + lo, iso->ex_rules + lo + 1, (iso->nex - lo - 1) * sizeof(*iso->ex_rules));
	iso->nex--;
}

static int cache_load(struct vg_isolation *iso, struct vg_error *err)
{
	free(iso->ex_ids);
	free(iso->ex_rules);
	iso->ex_ids = NULL;
	iso->ex_rules = NULL;
	iso->nex = iso->ex_cap = 0;
	if (vg_iso_exception_rules_load(iso->agent->store, vg_iso_max_exceptions(iso->agent->settings), &iso->ex_ids,
					&iso->ex_rules, &iso->nex, err) < 0)
		return err->code;
	iso->ex_cap = iso->nex;
	return 0;
}

static void free_isolation(struct vg_isolation *iso)
{
	vg_iso_nl_close(iso->nl);
	free(iso->ex_ids);
	free(iso->ex_rules);
	vg_iso_elems_free(&iso->applied);
	free(iso);
}

/* ---- the worker ---- */

/* What the kernel holds right after the agent's batch: the rules' digest that the periodic
 * check compares with (their kernel form, which only the kernel knows).  The chains, sets and
 * rules are read, not the elements: the kernel acknowledged the batch that put them there,
 * all of it or nothing, and reading 10,000 of them back costs more than the batch (the
 * periodic check compares them one by one). */
static void read_back(struct apply_job *j)
{
	struct vg_iso_nft_view view;
	struct vg_error err;

	j->digest_known = false;
	if (vg_iso_nft_view(j->iso->nl, &view, NULL, NULL, &err) < 0) {
		vg_warn("isolation: cannot read the table back: %s", err.message);
		return;
	}
	if (view.difference[0]) {
		vg_warn("isolation: the table read back differs from the one applied: %s", view.difference);
		return;
	}
	memcpy(j->rules_digest, view.rules_digest, sizeof(j->rules_digest));
	j->digest_known = true;
}

static void apply_work(struct vg_job *job, void *data)
{
	struct apply_job *j = data;
	char list[VG_SETTING_MAX_VALUE], *save = NULL, *item;
	size_t used = 0;

	(void)job;
	if (!j->on) {
		j->rc = vg_iso_nft_remove(j->iso->nl, &j->err);
		return;
	}
	/* The servers: resolved now; a name that does not resolve keeps its last known addresses. */
	snprintf(list, sizeof(list), "%s", j->servers_setting);
	for (item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		struct vg_iso_addr addrs[8];
		char host[256];
		uint16_t port;
		size_t n;

		while (*item == ' ')
			item++;
		split_host_port(item, host, sizeof(host), &port);
		if (!port)
			port = j->link_port > 0 && j->link_port < 65536 ? (uint16_t)j->link_port : 0;
		if (!port || !host[0])
			continue;
		n = resolve(host, addrs, 8);
		if (n && vg_iso_addr_parse(host, &addrs[0], NULL) < 0)
			json_array_append_new(j->names, json_string(host));
		for (size_t i = 0; i < n && j->x.nservers < VG_ISO_MAX_SERVERS; i++) {
			char text[INET6_ADDRSTRLEN];

			j->x.servers[j->x.nservers] = addrs[i];
			j->x.server_ports[j->x.nservers++] = port;
			addr_text(&addrs[i], text, sizeof(text));
			used += (size_t)snprintf(j->servers_out + used, used < sizeof(j->servers_out) ? sizeof(j->servers_out) - used : 0,
						 "%s%s %u", used ? "," : "", text, port);
		}
	}
	if (used >= sizeof(j->servers_out))
		j->servers_out[0] = '\0';
	if (j->x.nservers == 0 && j->state.servers[0]) {
		/* Nothing resolved (DNS already cut?): keep the addresses that worked last time. */
		memcpy(j->x.servers, j->old.servers, sizeof(j->old.servers));
		memcpy(j->x.server_ports, j->old.server_ports, sizeof(j->old.server_ports));
		j->x.nservers = j->old.nservers;
		snprintf(j->servers_out, sizeof(j->servers_out), "%s", j->state.servers);
	}
	j->x.nresolvers = vg_iso_resolvers_read(j->x.resolvers, VG_ISO_MAX_RESOLVERS);
	j->nproxy = resolve(j->proxy_host, j->proxy_addrs, MAX_PROXY_ADDRS);
	if (vg_iso_rules_build(&j->x, j->ex, j->nex, &j->rules, &j->nr) < 0) {
		j->rc = vg_error_set(&j->err, -ENOMEM, N_("out of memory"));
		return;
	}
	if ((j->rc = vg_iso_elems_build(j->rules, j->nr, VG_ISO_ELEMS_FOR(j->max_exceptions), &j->elems, &j->err)) < 0)
		return;
	if (j->refresh && strcmp(j->servers_out, j->state.servers) == 0) {
		/* Same servers, same settings: leave the table alone if the kernel still holds it
		 * whole; put it back if someone removed or changed it. */
		struct vg_iso_nft_view view;
		struct vg_error ignored;

		if (vg_iso_nft_view(j->iso->nl, &view, &j->elems, j->digest_known ? j->rules_digest : NULL, &ignored) == 0 &&
		    view.present && !view.difference[0]) {
			j->skipped = true;
			j->elems_seen = view.nelems;
			return;
		}
		j->repaired = true;
		snprintf(j->tampered, sizeof(j->tampered), "%s",
			 !view.present ? "the table is missing" : view.difference[0] ? view.difference : ignored.message);
	} else if (j->held) {
		/* The kernel holds the table: change only the elements that differ.  Should it
		 * refuse (the table was altered), the whole table is put back. */
		struct vg_error ignored;

		if (vg_iso_nft_update(j->iso->nl, j->held, &j->elems, &j->changed, &ignored) == 0) {
			j->updated = true;
			j->elems_seen = j->elems.n;
			read_back(j);
			return;
		}
	}
	j->rc = vg_iso_nft_replace(j->iso->nl, &j->elems, &j->err);
	j->elems_seen = j->elems.n;
	if (j->rc == 0)
		read_back(j);
}

/* ---- state, events, replies ---- */

static json_t *state_json(struct vg_isolation *iso)
{
	const struct vg_iso_state *s = &iso->st;
	json_t *o = json_pack("{s:b, s:s, s:s, s:n, s:I}", "available", true, "state", s->on ? "on" : "off",
			      "reason", s->reason, "since", "who", (json_int_t)s->who);

	if (!o)
		return NULL;
	/* A state never changed (a fresh agent) has no since: null, not 1970. */
	vg_ctl_set_time(o, "since", (int64_t)s->since * 1000);
	vg_ctl_set_time(o, "until", (int64_t)s->until * 1000);
	json_object_set_new(o, "applying", json_boolean(iso->busy));
	/* The English text for logs and scripts, and the message id with its arguments for people. */
	if (iso->last_error.code) {
		json_object_set_new(o, "last_error", json_string(iso->last_error.message));
		json_object_set_new(o, "last_error_detail", vg_ctl_error_json(&iso->last_error));
	}
	return o;
}

/* The uid of the local user behind a control request, -1 when there is none. */
static long long peer_uid(const struct vg_ctl_request *req)
{
	return req->peer ? (long long)req->peer->uid : -1;
}

/* A Remediation Activity (7001) about the isolation.  Its actor is the local user who asked
 * (uid; -1 when the server or the agent's own timers did: no user of this host), its
 * command_uid the server's request id, or for a command without one an id made for it. */
static json_t *event_draft(int activity, const char *action, const char *message, long long uid,
			   const char *command_uid)
{
	static const char *const names[] = { "Unknown", "Isolate", "Evict", "Restore", "Harden" };
	json_t *e = vg_ocsf_event(VG_OCSF_REMEDIATION_ACTIVITY, activity, names[activity], vg_time_ms());
	char made[37];

	if (!e)
		return NULL;
	if (!command_uid) {
		vg_ocsf_uuid(made);
		command_uid = made;
	}
	json_object_set_new(e, "command_uid", json_string(command_uid));
	json_object_set_new(e, "message", vg_ocsf_text(message));
	if (uid >= 0)
		json_object_set_new(e, "actor", json_pack("{s:o}", "user", vg_ocsf_user(uid)));
	json_object_set_new(json_object_get(e, "unmapped"), "isolation", json_pack("{s:s}", "action", action));
	return e;
}

static void emit(struct vg_isolation *iso, json_t *event, int rc, const char *detail)
{
	json_t *iso_part;

	if (!event)
		return;
	vg_ocsf_set_status(event, rc == 0 ? VG_STATUS_SUCCESS : VG_STATUS_FAILURE, NULL, detail);
	/* A host that could not be isolated (or released) needs someone's attention; a repair of a
	 * table altered behind the agent's back came with its own, higher, severity. */
	if (json_integer_value(json_object_get(event, "severity_id")) < VG_SEVERITY_HIGH)
		vg_ocsf_set_severity(event, rc == 0 ? VG_SEVERITY_INFORMATIONAL : VG_SEVERITY_MEDIUM);
	iso_part = json_object_get(json_object_get(event, "unmapped"), "isolation");
	json_object_set_new(iso_part, "state", json_string(iso->st.on ? "on" : "off"));
	vg_event_emit(iso->agent, event);
}

static void add_warning(json_t *list, const char *msgid, const char *arg)
{
	char text[512];
	const char *args[1] = { arg };

	vg_error_format(text, sizeof(text), msgid, args, arg ? 1 : 0);
	json_array_append_new(list, json_pack("{s:s, s:s, s:[s?]}", "message", text, "msgid", msgid, "args", arg));
}

/* What isolation cuts that the agent or the host needs. */
static json_t *warnings_for(struct apply_job *j)
{
	json_t *w = json_array();
	size_t i;
	json_t *name;

	if (j->x.nservers == 0)
		add_warning(w, N_("no central server address is known: the agent has no line to its server while isolated"),
			    NULL);
	json_array_foreach(j->names, i, name)
		add_warning(w, N_("the server %s is given by name: its addresses may change while the host is isolated"),
			    json_string_value(name));
	if (j->proxy_host[0]) {
		bool ok = j->nproxy > 0;

		for (size_t k = 0; k < j->nproxy; k++)
			ok &= vg_iso_rules_allow_out(j->rules, j->nr, &j->proxy_addrs[k], j->proxy_port);
		if (!ok)
			add_warning(w, N_("the proxy %s is not excepted: the agent cannot reach its server through it while isolated"),
				    j->proxy_host);
	}
	for (size_t k = 0; k < j->x.nresolvers; k++) {
		char text[INET6_ADDRSTRLEN];

		if (j->x.dns)
			break;
		addr_text(&j->x.resolvers[k], text, sizeof(text));
		add_warning(w, N_("the DNS resolver %s is not excepted: name resolution stops while isolated"), text);
	}
	return w;
}

/* Someone with root's rights changed the table behind the agent: the host was not isolated
 * for a while.  Put back already; this says so loudly (a high-severity event). */
static void report_tampering(struct vg_isolation *iso, const char *what)
{
	char message[256];
	json_t *ev;

	vg_warn("isolation: the table inet %s was altered in the kernel (%s): put back", VG_ISO_TABLE, what);
	snprintf(message, sizeof(message), "isolation table altered outside the agent (%s): put back", what);
	ev = event_draft(1, "repair", message, 0, NULL);
	if (!ev)
		return;
	vg_ocsf_set_severity(ev, VG_SEVERITY_HIGH);
	emit(iso, ev, 0, what);
}

static void apply_done(struct vg_job *job, void *data)
{
	struct apply_job *j = data;
	struct vg_isolation *iso = j->iso;
	struct vg_error serr;
	json_t *warnings = NULL;

	(void)job;
	if (iso->stopping) {
		/* The agent stopped while this ran: nobody to tell any more. */
		for (size_t k = 0; k < j->nwaiters; k++) {
			json_decref(j->waiters[k].event);
			json_decref(j->waiters[k].extra);
		}
		json_decref(j->names);
		free(j->rules);
		free(j->ex);
		vg_iso_elems_free(&j->elems);
		free(j);
		free_isolation(iso);
		return;
	}
	/* What the kernel holds: the new elements when this worked, unknown otherwise. */
	vg_iso_elems_free(&iso->applied);
	iso->applied_valid = j->rc == 0 && j->on;
	if (iso->applied_valid) {
		iso->applied = j->elems;
		memset(&j->elems, 0, sizeof(j->elems));
	}
	if (j->rc == 0) {
		vg_error_clear(&iso->last_error);
		if (!j->skipped) {
			memcpy(iso->rules_digest, j->rules_digest, sizeof(iso->rules_digest));
			iso->digest_known = j->on && j->digest_known;
		}
		iso->expected_rules = j->on ? VG_ISO_NFT_RULES : 0;
		iso->expected_elems = j->on ? iso->applied.n : 0;
		iso->elems_seen = j->on ? j->elems_seen : 0;
		if (j->skipped) {
			/* nothing changed */
		} else if (j->on) {
			warnings = warnings_for(j);
			if (j->repaired)
				report_tampering(iso, j->tampered);
			if (j->servers_out[0] && strcmp(j->servers_out, iso->st.servers) != 0) {
				snprintf(iso->st.servers, sizeof(iso->st.servers), "%s", j->servers_out);
				if (vg_iso_state_save(iso->agent->store, &iso->st, &serr) < 0)
					vg_warn("isolation: %s", serr.message);
			}
			if (j->updated)
				vg_notice("isolation updated: %zu set elements changed in table inet %s", j->changed,
					  VG_ISO_TABLE);
			else
				vg_notice("isolation applied: %d rules and %zu set elements in table inet %s",
					  VG_ISO_NFT_RULES, iso->applied.n, VG_ISO_TABLE);
		} else {
			vg_notice("isolation removed: table inet %s deleted", VG_ISO_TABLE);
		}
		if (!j->skipped) {
			json_decref(iso->warnings);
			iso->warnings = warnings ? json_incref(warnings) : NULL;
		}
		for (size_t k = 0; warnings && k < json_array_size(warnings); k++)
			vg_warn("isolation: %s",
				json_string_value(json_object_get(json_array_get(warnings, k), "message")));
	} else {
		iso->last_error = j->err;
		if (!iso->last_error.code)
			iso->last_error.code = j->rc < 0 ? j->rc : -EIO;
		vg_error_log("isolation: %s", j->err.message);
	}
	iso->busy = false;
	for (size_t k = 0; k < j->nwaiters; k++) {
		struct waiter *w = &j->waiters[k];

		emit(iso, w->event, j->rc, j->rc ? j->err.message : NULL);
		w->event = NULL;
		if (w->reply) {
			json_t *r = j->rc ? NULL : state_json(iso);

			if (r)
				json_object_set_new(r, "warnings", warnings ? json_incref(warnings) : json_array());
			if (r && w->extra)
				json_object_set(r, "exception", w->extra);
			vg_ctl_server_reply(iso->agent->ctl, w->conn, w->id, r, j->rc ? &j->err : NULL);
		}
		json_decref(w->extra);
	}
	json_decref(warnings);
	json_decref(j->names);
	free(j->rules);
	free(j->ex);
	vg_iso_elems_free(&j->elems);
	free(j);
	if (iso->pending)
		start_apply(iso);
}

static void settings_fingerprint(struct vg_isolation *iso, char *buf, size_t size)
{
	const struct vg_settings *s = iso->agent->settings;

	snprintf(buf, size, "%s|%s|%s|%s|%s|%s", vg_setting_text(s, VG_SETTING_DEF(VG_S_ISOLATION_PROFILE_DHCP)),
		 vg_setting_text(s, VG_SETTING_DEF(VG_S_ISOLATION_PROFILE_DNS)),
		 vg_setting_text(s, VG_SETTING_DEF(VG_S_ISOLATION_PROFILE_IPV6_ND)),
		 vg_setting_text(s, VG_SETTING_DEF(VG_S_LINK_SERVERS)), vg_setting_text(s, VG_SETTING_DEF(VG_S_LINK_PORT)),
		 vg_setting_text(s, VG_SETTING_DEF(VG_S_PROXY_URL)));
}

static void start_apply(struct vg_isolation *iso)
{
	struct apply_job *j = calloc(1, sizeof(*j));
	struct vg_error err;

	if (j)
		j->refresh = iso->refresh_only;
	iso->refresh_only = false;
	iso->pending = false;
	if (!j)
		goto fail;
	j->iso = iso;
	j->on = iso->st.on;
	j->state = iso->st;
	j->names = json_array();
	memcpy(j->waiters, iso->next, iso->nnext * sizeof(iso->next[0]));
	j->nwaiters = iso->nnext;
	iso->nnext = 0;
	if (j->on) {
		struct vg_iso_extras x;

		j->max_exceptions = vg_iso_max_exceptions(iso->agent->settings);
		j->held = iso->applied_valid ? &iso->applied : NULL;
		memcpy(j->rules_digest, iso->rules_digest, sizeof(j->rules_digest));
		j->digest_known = iso->digest_known;
		if (iso->nex && !(j->ex = malloc(iso->nex * sizeof(*j->ex)))) {
			j->rc = vg_error_set(&err, -ENOMEM, N_("out of memory"));
			j->err = err;
			apply_done(NULL, j);
			return;
		}
		if (iso->nex)
			memcpy(j->ex, iso->ex_rules, iso->nex * sizeof(*j->ex));
		j->nex = iso->nex;
		vg_iso_extras_from_settings(iso->agent->settings, &iso->st, &x);
		j->old = x;
		j->x.dhcp = x.dhcp;
		j->x.dns = x.dns;
		j->x.ipv6_nd = x.ipv6_nd;
		snprintf(j->servers_setting, sizeof(j->servers_setting), "%s",
			 vg_setting_list(iso->agent->settings, VG_S_LINK_SERVERS));
		j->link_port = vg_setting_int(iso->agent->settings, VG_S_LINK_PORT);
		split_host_port(vg_setting_str(iso->agent->settings, VG_S_PROXY_URL), j->proxy_host, sizeof(j->proxy_host),
				&j->proxy_port);
		if (j->proxy_host[0] && !j->proxy_port)
			j->proxy_port = 3128;
	}
	settings_fingerprint(iso, iso->fingerprint, sizeof(iso->fingerprint));
	iso->busy = true;
	if (!vg_workers_submit(iso->agent->workers, apply_work, apply_done, j)) {
		iso->busy = false;
		json_decref(j->names);
		free(j->ex);
		free(j);
		goto fail;
	}
	return;
fail:
	vg_error_log("isolation: out of memory, cannot apply");
}

/* Queues an apply of the current state; reply and event belong to the requester. */
static int request_apply(struct vg_isolation *iso, struct vg_ctl_request *req, json_t *event, json_t *extra,
			 struct vg_error *err)
{
	struct waiter *w;

	if (iso->nnext >= MAX_WAITERS) {
		json_decref(event);
		json_decref(extra);
		return vg_error_set(err, -EBUSY, N_("too many isolation changes are waiting; try again"));
	}
	w = &iso->next[iso->nnext++];
	memset(w, 0, sizeof(*w));
	w->event = event;
	w->extra = extra;
	if (req) {
		w->reply = true;
		w->conn = req->conn_id;
		w->id = req->id;
	}
	iso->refresh_only = false;
	iso->pending = true;
	if (!iso->busy)
		start_apply(iso);
	return VG_CTL_DEFERRED;
}

/* ---- auto-release and the periodic check ---- */

static void release(struct vg_isolation *iso, const char *action, const char *why)
{
	struct vg_error err;

	iso->st.on = false;
	iso->st.until = 0;
	iso->st.since = vg_agent_now(iso->agent);
	iso->st.who = -1;
	snprintf(iso->st.reason, sizeof(iso->st.reason), "%s", why);
	if (vg_iso_state_save(iso->agent->store, &iso->st, &err) < 0)
		vg_error_log("isolation: %s", err.message);
	vg_notice("isolation released: %s", why);
	request_apply(iso, NULL, event_draft(3, action, why, -1, NULL), NULL, &err);
}

static void arm_release(struct vg_isolation *iso)
{
	long long now = vg_agent_now(iso->agent);

	if (!iso->release_timer)
		return;
	if (iso->st.on && iso->st.until)
		vg_timer_arm(iso->release_timer, iso->st.until > now ? (uint64_t)(iso->st.until - now) * 1000 : 1, 0);
	else
		vg_timer_disarm(iso->release_timer);
}

/* Releases the isolation when its time has come, or arms the timer for that time. */
static void release_if_due(struct vg_isolation *iso)
{
	if (iso->st.on && iso->st.until && iso->st.until <= vg_agent_now(iso->agent))
		release(iso, "auto-release", N_("auto-release time reached"));
	else
		arm_release(iso);
}

static void on_release_timer(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	(void)w;
	(void)fd;
	(void)events;
	release_if_due(data);
}

void vg_isolation_note_contact(struct vg_agent *agent)
{
	if (agent->isolation)
		agent->isolation->last_contact = vg_agent_now(agent);
}

bool vg_isolation_is_on(const struct vg_agent *agent)
{
	return agent->isolation && agent->isolation->st.on;
}

/* Releases the isolation when the server has not been reached for the hours set; returns
 * whether it did. */
static bool release_if_no_contact(struct vg_isolation *iso)
{
	long long hours = vg_setting_int(iso->agent->settings, VG_S_ISOLATION_RELEASE_AFTER_NO_CONTACT_HOURS);
	long long last = iso->last_contact > iso->st.since ? iso->last_contact : iso->st.since;

	if (!iso->st.on || hours <= 0 || vg_agent_now(iso->agent) - last < hours * 3600)
		return false;
	release(iso, "no-contact-release", N_("no contact with the server"));
	return true;
}

static void on_tick(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct vg_isolation *iso = data;
	char fp[VG_SETTING_MAX_VALUE];

	(void)w;
	(void)fd;
	(void)events;
	if (!iso->st.on)
		return;
	{
		/* vigild --release-isolation may have run beside us (the break-glass when this
		 * agent does not answer): the database says off, so off it is, not put back. */
		struct vg_iso_state db;
		struct vg_error err;

		if (vg_iso_state_load(iso->agent->store, &db, &err) == 0 && !db.on) {
			iso->st = db;
			arm_release(iso);
			vg_notice("isolation: released outside the agent (vigild --release-isolation)");
			request_apply(iso, NULL,
				      event_draft(3, "external-release", "released with vigild --release-isolation", -1,
						  NULL),
				      NULL, NULL);
			return;
		}
	}
	if (release_if_no_contact(iso))
		return;
	/* Settings changed (profiles, servers, proxy): apply again.  Otherwise re-resolve the
	 * servers and check that the kernel still holds the table; the worker applies only when
	 * something differs. */
	settings_fingerprint(iso, fp, sizeof(fp));
	if (strcmp(fp, iso->fingerprint) != 0) {
		request_apply(iso, NULL, NULL, NULL, NULL);
	} else if (!iso->busy && !iso->pending) {
		iso->refresh_only = true;
		start_apply(iso);
	}
}

/* ---- commands ---- */

static const char *arg_str(struct vg_ctl_request *req, const char *key)
{
	return json_string_value(json_object_get(req->args, key));
}

static int cmd_on(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct vg_isolation *iso = agent->isolation;
	json_t *dur = json_object_get(req->args, "duration_seconds");
	const char *reason = arg_str(req, "reason");
	long long seconds = 0;
	time_t now = vg_agent_now(agent);
	char text[64];
	int rc;

	(void)result;
	if (dur && !json_is_null(dur)) {
		if (!json_is_integer(dur))
			return vg_error_set(err, -EINVAL, N_("the duration must be a number of seconds"));
		seconds = json_integer_value(dur);
		if (seconds < VG_ISO_MIN_DURATION || seconds > VG_ISO_MAX_DURATION)
			return vg_error_set(err, -EINVAL, N_("the duration must be from 1 hour to 9999 hours"));
	} else {
		seconds = vg_setting_int(agent->settings, VG_S_ISOLATION_AUTO_RELEASE_HOURS) * 3600;
	}
	if (reason && strlen(reason) >= sizeof(iso->st.reason))
		return vg_error_set(err, -EINVAL, N_("the reason is too long (at most 511 bytes)"));
	if (!iso->st.on)
		iso->st.since = now;
	iso->st.on = true;
	iso->st.until = seconds ? now + seconds : 0;
	iso->st.who = req->peer ? (long long)req->peer->uid : -1;
	snprintf(iso->st.reason, sizeof(iso->st.reason), "%s", reason ? reason : "");
	/* Stored before applying: a crash in between still comes back isolated. */
	if ((rc = vg_iso_state_save(agent->store, &iso->st, err)) < 0)
		return rc;
	arm_release(iso);
	snprintf(text, sizeof(text), "%lld", seconds);
	vg_notice("isolation on requested by uid %lld (reason \"%s\", auto-release after %s s)", iso->st.who,
		  iso->st.reason, text);
	return request_apply(iso, req, event_draft(1, "on", iso->st.reason, iso->st.who, NULL), NULL, err);
}

static int cmd_off(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct vg_isolation *iso = agent->isolation;
	int rc;

	(void)result;
	iso->st.on = false;
	iso->st.until = 0;
	iso->st.since = vg_agent_now(agent);
	iso->st.who = req->peer ? (long long)req->peer->uid : -1;
	iso->st.reason[0] = '\0';
	if ((rc = vg_iso_state_save(agent->store, &iso->st, err)) < 0)
		return rc;
	arm_release(iso);
	vg_notice("isolation off requested by uid %lld", iso->st.who);
	return request_apply(iso, req, event_draft(3, "off", "isolation released", iso->st.who, NULL), NULL, err);
}

/* The requester as the log says it, and as the event's actor (an application) and
 * unmapped.isolation.requested_by name it. */
static const struct {
	const char *said, *app, *key;
} requesters[] = {
	[VG_ISO_BY_SERVER] = { "the server", "Vigil server link", "server" },
	[VG_ISO_BY_DETECTION] = { "a detection", "Vigil detection", "detection" },
	[VG_ISO_BY_SCAN] = { "an IOC scan", "Vigil IOC scan", "scan" },
};

static json_t *requested_by(json_t *event, enum vg_iso_requester by)
{
	if (!event)
		return NULL;
	json_object_set_new(event, "actor", json_pack("{s:s}", "app_name", requesters[by].app));
	json_object_set_new(json_object_get(json_object_get(event, "unmapped"), "isolation"), "requested_by",
			    json_string(requesters[by].key));
	return event;
}

int vg_isolation_set(struct vg_agent *agent, enum vg_iso_requester by, bool on, const char *reason,
		     const char *const *permitted, size_t n, const char *command_uid, json_t **result,
		     struct vg_error *err)
{
	struct vg_isolation *iso = agent->isolation;
	struct vg_iso_exception *ex = NULL;
	long long seconds;
	int rc;

	if (!iso)
		return vg_error_set(err, -EAGAIN, N_("the isolation subsystem is not running"));
	if (n > vg_iso_max_exceptions(agent->settings))
		return vg_error_set(err, -E2BIG, N_("too many permitted addresses"));
	/* Every permitted address is checked before anything changes. */
	if (n && !(ex = calloc(n, sizeof(*ex))))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	for (size_t i = 0; i < n; i++)
		if ((rc = vg_iso_exception_parse(&ex[i], "both", NULL, permitted[i], NULL, NULL, "permitted by the server",
						 err)) < 0) {
			free(ex);
			return rc;
		}
	for (size_t i = 0; i < n; i++) {
		if ((rc = vg_iso_exception_insert(agent->store, &ex[i], vg_iso_max_exceptions(agent->settings), err)) < 0 ||
		    (rc = cache_add(iso, ex[i].id, &ex[i].rule)) < 0) {
			free(ex);
			return rc == -ENOMEM ? vg_error_set(err, rc, N_("out of memory")) : rc;
		}
	}
	free(ex);
	if (reason && strlen(reason) >= sizeof(iso->st.reason))
		return vg_error_set(err, -EINVAL, N_("the reason is too long (at most 511 bytes)"));
	seconds = on ? vg_setting_int(agent->settings, VG_S_ISOLATION_AUTO_RELEASE_HOURS) * 3600 : 0;
	if (!on || !iso->st.on)
		iso->st.since = vg_agent_now(agent);
	iso->st.on = on;
	iso->st.until = seconds ? vg_agent_now(agent) + seconds : 0;
	iso->st.who = -1;
	snprintf(iso->st.reason, sizeof(iso->st.reason), "%s", on && reason ? reason : "");
	if ((rc = vg_iso_state_save(agent->store, &iso->st, err)) < 0)
		return rc;
	arm_release(iso);
	if (on && iso->st.reason[0])
		vg_notice("isolation on requested by %s: %s", requesters[by].said, iso->st.reason);
	else
		vg_notice("isolation %s requested by %s", on ? "on" : "off", requesters[by].said);
	rc = request_apply(iso, NULL,
			   requested_by(on ? event_draft(1, "on", iso->st.reason, -1, command_uid)
					   : event_draft(3, "off", "isolation released", -1, command_uid),
					by),
			   NULL, err);
	if (rc < 0 && rc != VG_CTL_DEFERRED)
		return rc;
	*result = state_json(iso);
	return 0;
}

static int cmd_status(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct vg_isolation *iso = agent->isolation;
	struct vg_iso_exception *ex = NULL;
	struct vg_error ierr;
	struct vg_iso_nft_view view;
	size_t nex = 0;
	json_t *o, *list, *check;
	int rc;

	(void)req;
	/* The first page only: the rest through isolation.exception.list (offset, limit). */
	if ((rc = vg_iso_exceptions_load(agent->store, 0, VG_ISO_LIST_PAGE, &ex, &nex, err)) < 0)
		return rc;
	o = state_json(iso);
	list = json_array();
	for (size_t i = 0; i < nex; i++)
		json_array_append_new(list, vg_iso_exception_json(&ex[i]));
	free(ex);
	json_object_set_new(o, "exceptions", list);
	json_object_set_new(o, "exceptions_total", json_integer((json_int_t)iso->nex));
	json_object_set_new(o, "servers", json_string(iso->st.servers));
	json_object_set_new(o, "warnings", iso->warnings ? json_incref(iso->warnings) : json_array());
	/* The check: does the kernel hold what the agent meant?  Chains, sets and rules are
	 * compared now; the set elements one by one at the last apply or periodic check (a
	 * hundred thousand take a good part of a second to read: a worker's job). */
	if (vg_iso_nft_view(NULL, &view, NULL, iso->digest_known ? iso->rules_digest : NULL, &ierr) < 0) {
		check = json_pack("{s:b, s:s}", "ok", false, "error", ierr.message);
	} else {
		size_t nelems = view.present ? iso->elems_seen : 0;
		const char *difference = !iso->st.on ? (view.present ? "the table is in the kernel" : "")
				       : !view.present ? "the table is missing"
				       : view.difference;
		bool ok = iso->busy || (!difference[0] && (!iso->st.on || nelems == iso->expected_elems));

		check = json_pack("{s:b, s:b, s:I, s:I, s:I, s:I, s:s}", "ok", ok, "table_present", view.present,
				  "rules_in_kernel", (json_int_t)view.nrules, "rules_expected",
				  (json_int_t)(iso->st.on ? iso->expected_rules : 0), "elements_in_kernel", (json_int_t)nelems,
				  "elements_expected", (json_int_t)(iso->st.on ? iso->expected_elems : 0), "difference",
				  iso->busy ? "" : difference);
	}
	json_object_set_new(o, "check", check);
	*result = o;
	return 0;
}

static int cmd_exception_add(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
			     struct vg_error *err)
{
	struct vg_isolation *iso = agent->isolation;
	struct vg_iso_exception ex;
	json_t *ev;
	int rc;

	if ((rc = vg_iso_exception_parse(&ex, arg_str(req, "direction"), arg_str(req, "protocol"),
					 arg_str(req, "remote"), arg_str(req, "local_port"), arg_str(req, "remote_port"),
					 arg_str(req, "comment"), err)) < 0)
		return rc;
	if ((rc = vg_iso_exception_insert(agent->store, &ex, vg_iso_max_exceptions(agent->settings), err)) < 0)
		return rc;
	if ((rc = cache_add(iso, ex.id, &ex.rule)) < 0)
		return vg_error_set(err, rc, N_("out of memory"));
	vg_notice("isolation exception %lld added: %s %s remote %s local port %s remote port %s", ex.id, ex.direction,
		  ex.protocol, ex.remote[0] ? ex.remote : "any", ex.local_port[0] ? ex.local_port : "any",
		  ex.remote_port[0] ? ex.remote_port : "any");
	ev = event_draft(4, "exception.add", "isolation exception added", peer_uid(req), NULL);
	json_object_set_new(json_object_get(json_object_get(ev, "unmapped"), "isolation"), "exception",
			    vg_iso_exception_json(&ex));
	if (!iso->st.on) {
		emit(iso, ev, 0, NULL);
		*result = vg_iso_exception_json(&ex);
		return 0;
	}
	return request_apply(iso, req, ev, vg_iso_exception_json(&ex), err);
}

static int cmd_exception_remove(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
				struct vg_error *err)
{
	struct vg_isolation *iso = agent->isolation;
	json_t *id = json_object_get(req->args, "id");
	json_t *ev;
	int rc;

	if (!json_is_integer(id))
		return vg_error_set(err, -EINVAL, N_("which exception? give its number"));
	if ((rc = vg_iso_exception_delete(agent->store, json_integer_value(id), err)) < 0)
		return rc;
	cache_remove(iso, json_integer_value(id));
	vg_notice("isolation exception %lld removed", (long long)json_integer_value(id));
	ev = event_draft(4, "exception.remove", "isolation exception removed", peer_uid(req), NULL);
	json_object_set_new(json_object_get(json_object_get(ev, "unmapped"), "isolation"), "exception_id",
			    json_integer(json_integer_value(id)));
	if (!iso->st.on) {
		emit(iso, ev, 0, NULL);
		*result = json_pack("{s:I}", "removed", json_integer_value(id));
		return 0;
	}
	return request_apply(iso, req, ev, NULL, err);
}

static int cmd_exception_list(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
			      struct vg_error *err)
{
	json_t *joff = json_object_get(req->args, "offset"), *jlim = json_object_get(req->args, "limit");
	json_int_t offset = joff ? json_integer_value(joff) : 0, limit = jlim ? json_integer_value(jlim) : VG_ISO_LIST_PAGE;
	struct vg_iso_exception *ex = NULL;
	size_t n = 0;
	int rc;

	if (offset < 0)
		return vg_error_set(err, -EINVAL, N_("the offset must be 0 or more"));
	if (limit < 1 || limit > VG_ISO_LIST_PAGE_MAX)
		return vg_error_set(err, -EINVAL, N_("the limit must be from 1 to %s"), STR(VG_ISO_LIST_PAGE_MAX));
	if ((rc = vg_iso_exceptions_load(agent->store, (size_t)offset, (size_t)limit, &ex, &n, err)) < 0)
		return rc;
	*result = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(*result, vg_iso_exception_json(&ex[i]));
	free(ex);
	return 0;
}

static const struct {
	const char *name;
	const struct vg_bool_setting *setting;
} profiles[] = {
	{ "dhcp", VG_S_ISOLATION_PROFILE_DHCP },
	{ "dns", VG_S_ISOLATION_PROFILE_DNS },
	{ "ipv6-nd", VG_S_ISOLATION_PROFILE_IPV6_ND },
};

static int cmd_profile_list(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
			    struct vg_error *err)
{
	(void)req;
	(void)err;
	*result = json_array();
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		json_array_append_new(*result, json_pack("{s:s, s:b}", "name", profiles[i].name, "enabled",
							 vg_setting_bool(agent->settings, profiles[i].setting)));
	return 0;
}

static int cmd_profile_set(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
			   struct vg_error *err)
{
	struct vg_isolation *iso = agent->isolation;
	const char *name = arg_str(req, "name");
	json_t *enabled = json_object_get(req->args, "enabled"), *ev;
	const struct vg_bool_setting *setting = NULL;
	struct vg_setting_pair pair;
	int rc;

	for (size_t i = 0; name && i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (strcmp(name, profiles[i].name) == 0)
			setting = profiles[i].setting;
	if (!setting)
		return vg_error_set(err, -EINVAL, N_("unknown profile \"%s\" (dhcp, dns or ipv6-nd)"), name ? name : "");
	if (!json_is_boolean(enabled))
		return vg_error_set(err, -EINVAL, N_("say whether the profile is enabled"));
	pair.def = VG_SETTING_DEF(setting);
	pair.value = json_is_true(enabled) ? "yes" : "no";
	if ((rc = vg_settings_set(agent->settings, &pair, 1, req->peer ? req->peer->uid : 0, err)) < 0)
		return rc;
	vg_notice("isolation profile %s %s", name, json_is_true(enabled) ? "enabled" : "disabled");
	ev = event_draft(4, json_is_true(enabled) ? "profile.enable" : "profile.disable", name, peer_uid(req), NULL);
	if (!iso->st.on) {
		emit(iso, ev, 0, NULL);
		return cmd_profile_list(agent, req, result, err);
	}
	return request_apply(iso, req, ev, NULL, err);
}

static const struct vg_agent_command commands[] = {
	{ VG_CMD_ISOLATION_ON, cmd_on },
	{ VG_CMD_ISOLATION_OFF, cmd_off },
	{ VG_CMD_ISOLATION_STATUS, cmd_status },
	{ VG_CMD_ISOLATION_EXCEPTION_ADD, cmd_exception_add },
	{ VG_CMD_ISOLATION_EXCEPTION_REMOVE, cmd_exception_remove },
	{ VG_CMD_ISOLATION_EXCEPTION_LIST, cmd_exception_list },
	{ VG_CMD_ISOLATION_PROFILE_LIST, cmd_profile_list },
	{ VG_CMD_ISOLATION_PROFILE_SET, cmd_profile_set },
	{ VG_CMD_COUNT, NULL },
};

/* ---- start, stop, status ---- */

static int start(struct vg_agent *agent, struct vg_error *err)
{
	struct vg_isolation *iso = calloc(1, sizeof(*iso));
	int rc;

	if (!iso)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	iso->agent = agent;
	agent->isolation = iso;
	{
		struct vg_error nerr;

		if (vg_iso_nl_open(&iso->nl, &nerr) < 0)
			vg_warn("isolation: %s", nerr.message);
	}
	if ((rc = vg_iso_store_migrate(agent->store, err)) < 0)
		return rc;
	if ((rc = vg_iso_state_load(agent->store, &iso->st, err)) < 0 || (rc = cache_load(iso, err)) < 0)
		return rc;
	if (iso->st.on && iso->st.until && iso->st.until <= vg_agent_now(agent)) {
		iso->st.on = false;
		iso->st.since = vg_agent_now(agent);
		snprintf(iso->st.reason, sizeof(iso->st.reason), "%s", N_("auto-release time reached"));
		if ((rc = vg_iso_state_save(agent->store, &iso->st, err)) < 0)
			return rc;
	}
	/* First thing: put the kernel back in the stored state, from the last known server
	 * addresses (no DNS here).  A failure to isolate is logged, not fatal: the agent must
	 * stay up to be reachable and to retry. */
	if (iso->st.on) {
		struct vg_iso_state tmp;
		struct vg_error aerr;

		if (vg_iso_apply_stored(iso->nl, agent->store, agent->settings, &tmp, &iso->applied, &aerr) < 0) {
			iso->last_error = aerr;
			if (!iso->last_error.code)
				iso->last_error.code = -EIO;
			vg_error_log("isolation: cannot re-apply at start: %s", aerr.message);
		} else {
			iso->applied_valid = true;
			iso->expected_rules = VG_ISO_NFT_RULES;
			iso->expected_elems = iso->elems_seen = iso->applied.n;
			vg_notice("isolation re-applied at start: %d rules and %zu set elements", VG_ISO_NFT_RULES,
				  iso->applied.n);
		}
	}
	settings_fingerprint(iso, iso->fingerprint, sizeof(iso->fingerprint));
	iso->release_timer = vg_loop_timer(agent->loop, 0, 0, on_release_timer, iso);
	iso->tick = vg_loop_timer(agent->loop, TICK_MS, TICK_MS, on_tick, iso);
	if (!iso->release_timer || !iso->tick)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	arm_release(iso);
	/* Then refresh the server addresses in the background. */
	if (iso->st.on)
		request_apply(iso, NULL, NULL, NULL, NULL);
	return 0;
}

static void stop(struct vg_agent *agent)
{
	struct vg_isolation *iso = agent->isolation;

	if (!iso)
		return;
	/* The table stays in the kernel: stopping the agent never ends isolation. */
	vg_watch_remove(iso->release_timer);
	vg_watch_remove(iso->tick);
	for (size_t k = 0; k < iso->nnext; k++) {
		json_decref(iso->next[k].event);
		json_decref(iso->next[k].extra);
	}
	json_decref(iso->warnings);
	agent->isolation = NULL;
	if (iso->busy)
		iso->stopping = true; /* apply_done frees it */
	else
		free_isolation(iso);
}

static json_t *status(struct vg_agent *agent)
{
	return agent->isolation ? state_json(agent->isolation) : NULL;
}

/* The agent's clock moved (the test agent): the release timer was armed from the old "now".
 * A release that is due happens here, before the clock's mover gets its answer. */
static void clock_changed(struct vg_agent *agent)
{
	struct vg_isolation *iso = agent->isolation;

	if (iso && !release_if_no_contact(iso))
		release_if_due(iso);
}

const struct vg_subsystem vg_subsystem_isolation = {
	.name = "isolation",
	.start = start,
	.stop = stop,
	.status = status,
	.commands = commands,
	.settings = &settings,
	.clock_changed = clock_changed,
};
