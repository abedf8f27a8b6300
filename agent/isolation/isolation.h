/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Network isolation, inside the library: the allowed flows (exceptions, central servers,
 * predefined profiles) as one list of rules, their translation into the agent's own
 * nftables table (`inet vigil`) through libnftnl in one netlink batch, and the stored state.
 */
#ifndef VIGIL_ISOLATION_H
#define VIGIL_ISOLATION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct vg_error;
struct vg_store;
struct vg_settings;

#define VG_ISO_TABLE "vigil"
#define VG_ISO_MAX_EXCEPTIONS 10000
#define VG_ISO_MAX_COMMENT 256
#define VG_ISO_MAX_REASON 512
#define VG_ISO_MAX_SERVERS 32
#define VG_ISO_MAX_RESOLVERS 8
#define VG_ISO_MIN_DURATION (3600LL)
#define VG_ISO_MAX_DURATION (9999LL * 3600)

enum vg_iso_dir { VG_ISO_IN = 1, VG_ISO_OUT = 2, VG_ISO_BOTH = 3 };

struct vg_iso_addr {
	int family;          /* 0 (any), AF_INET or AF_INET6 */
	uint8_t bytes[16];   /* network order, host bits cleared */
	unsigned prefix;     /* 0..32 or 0..128 */
};

/* One allowed flow, seen from this host: remote is the other end. */
struct vg_iso_rule {
	unsigned dir;                 /* enum vg_iso_dir: who may open the flow */
	int proto;                    /* -1 any, else an IP protocol number */
	struct vg_iso_addr remote;
	uint16_t lport_lo, lport_hi;  /* 0, 0: any (tcp and udp only) */
	uint16_t rport_lo, rport_hi;
	int icmp_lo, icmp_hi;         /* -1: any type (icmp and icmpv6 only) */
};

/* An exception as the administrator gave it (canonical text) and as a rule. */
struct vg_iso_exception {
	long long id;
	char direction[8], protocol[16], remote[64], local_port[16], remote_port[16];
	char comment[VG_ISO_MAX_COMMENT];
	long long created;
	struct vg_iso_rule rule;
};

/* exception.c: checks and canonicalises the fields (NULL or "" for an absent one) and fills
 * ex->rule; an invalid value or combination fails with -EINVAL and the reason in err. */
int vg_iso_exception_parse(struct vg_iso_exception *ex, const char *direction, const char *protocol,
			   const char *remote, const char *local_port, const char *remote_port,
			   const char *comment, struct vg_error *err);
json_t *vg_iso_exception_json(const struct vg_iso_exception *ex);
/* An address with an optional prefix ("192.0.2.0/24", "2001:db8::/32"). */
int vg_iso_addr_parse(const char *text, struct vg_iso_addr *addr, struct vg_error *err);
/* Whether addr (a full address) is inside the rule's remote network. */
bool vg_iso_addr_contains(const struct vg_iso_addr *net, const struct vg_iso_addr *addr);

/* What the table allows besides the exceptions. */
struct vg_iso_extras {
	struct vg_iso_addr servers[VG_ISO_MAX_SERVERS];
	uint16_t server_ports[VG_ISO_MAX_SERVERS];
	size_t nservers;
	struct vg_iso_addr resolvers[VG_ISO_MAX_RESOLVERS];
	size_t nresolvers;
	bool dhcp, dns, ipv6_nd;
};

/* profiles.c: the whole list of rules for the table (servers, profiles, then exceptions).
 * *rules is malloc'd, the caller frees it. */
int vg_iso_rules_build(const struct vg_iso_extras *x, const struct vg_iso_exception *ex, size_t nex,
		       struct vg_iso_rule **rules, size_t *n);
/* Reads the DNS resolvers of the host (resolv.conf, and the upstream servers of
 * systemd-resolved when it listens on 127.0.0.53).  Blocking file reads: a worker's job. */
size_t vg_iso_resolvers_read(struct vg_iso_addr *out, size_t max);

/* nft.c: replaces the table with exactly these rules, in one atomic batch. */
int vg_iso_nft_apply(const struct vg_iso_rule *rules, size_t n, struct vg_error *err);
/* Deletes the table in one batch; an absent table is fine. */
int vg_iso_nft_remove(struct vg_error *err);
/* Whether the table is in the kernel, and how many rules it holds. */
int vg_iso_nft_inspect(bool *present, size_t *nrules, struct vg_error *err);
/* How many kernel rules vg_iso_nft_apply makes out of these rules (for the check). */
size_t vg_iso_nft_rule_count(const struct vg_iso_rule *rules, size_t n);

/* text.c: the same ruleset in nft's language (for `nft -f`, the benchmark and debugging). */
int vg_iso_nft_text(FILE *out, const struct vg_iso_rule *rules, size_t n);

/* state.c: what the database remembers. */
struct vg_iso_state {
	bool on;
	char reason[VG_ISO_MAX_REASON];
	long long since, until;   /* until 0: no auto-release */
	long long who;            /* uid, -1 unknown */
	char servers[2048];       /* the last resolved servers, "ADDR PORT" items, comma-separated */
};
int vg_iso_store_migrate(struct vg_store *store, struct vg_error *err);
int vg_iso_state_load(struct vg_store *store, struct vg_iso_state *st, struct vg_error *err);
int vg_iso_state_save(struct vg_store *store, const struct vg_iso_state *st, struct vg_error *err);
/* Loads every exception (at most VG_ISO_MAX_EXCEPTIONS); *out is malloc'd. */
int vg_iso_exceptions_load(struct vg_store *store, struct vg_iso_exception **out, size_t *n,
			   struct vg_error *err);
int vg_iso_exception_insert(struct vg_store *store, struct vg_iso_exception *ex, struct vg_error *err);
/* -ENOENT when there is no exception with that id. */
int vg_iso_exception_delete(struct vg_store *store, long long id, struct vg_error *err);

/* Whether this host may open TCP connections to addr:port under these rules. */
bool vg_iso_rules_allow_out(const struct vg_iso_rule *rules, size_t n, const struct vg_iso_addr *addr,
			    uint16_t port);

/* subsystem.c: the link calls this after each successful exchange with the server
 * (isolation.release_after_no_contact_hours counts from the last one). */
struct vg_agent;
void vg_isolation_note_contact(struct vg_agent *agent);

/* subsystem.c: isolation on or off for the server (OpenC2 contain / allow device).  permitted
 * (n addresses, "ADDR[/PREFIX]") become exceptions, all checked before anything changes.  The
 * rules are applied on a worker right after; *result is the isolation state. */
int vg_isolation_set(struct vg_agent *agent, bool on, const char *reason, const char *const *permitted, size_t n,
		     json_t **result, struct vg_error *err);

/* release.c: without a running agent, from the database in state_dir. */
int vg_isolation_release_offline(const char *state_dir, struct vg_error *err);
int vg_isolation_restore_offline(const char *state_dir, bool *isolated, struct vg_error *err);

/* apply.c: the whole apply from what is stored, without a running agent (used at start,
 * at boot by --restore-isolation, and by --release-isolation). */
int vg_iso_extras_from_settings(const struct vg_settings *s, const struct vg_iso_state *st,
				struct vg_iso_extras *x);
int vg_iso_apply_stored(struct vg_store *store, const struct vg_settings *s, struct vg_iso_state *st,
			size_t *nrules, struct vg_error *err);

#endif
