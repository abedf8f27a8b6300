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
#define VG_ISO_MAX_EXCEPTIONS 100000      /* default of isolation.max_exceptions */
#define VG_ISO_MAX_EXCEPTIONS_LIMIT 1000000 /* the most that setting allows */
#define VG_ISO_LIST_PAGE 1000              /* exceptions in one answer by default */
#define VG_ISO_LIST_PAGE_MAX 5000          /* and at most (the answer must fit a control frame) */
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

/* profiles.c: the whole list of rules for the table (servers, profiles, then the exceptions'
 * rules).
 * *rules is malloc'd, the caller frees it. */
int vg_iso_rules_build(const struct vg_iso_extras *x, const struct vg_iso_rule *ex, size_t nex,
		       struct vg_iso_rule **rules, size_t *n);
/* Reads the DNS resolvers of the host (resolv.conf, and the upstream servers of
 * systemd-resolved when it listens on 127.0.0.53).  Blocking file reads: a worker's job. */
size_t vg_iso_resolvers_read(struct vg_iso_addr *out, size_t max);

/* elements.c: the rules as elements of the table's sets.  For each address family and each
 * side that opens the flows (out: this host, in: the remote end), five sets:
 *   hosts        address . protocol                          exact (hash)
 *   host_ports   address . protocol . remote port            exact (hash)
 *   nets         address . protocol                          ranges (prefixes, any protocol)
 *   net_rports   address . protocol . remote port            ranges
 *   net_ports    address . protocol . local port . remote port  ranges
 * The usual exception (one host, one protocol, one remote port) is one hash lookup away
 * whatever the number of exceptions; the others are found by the kernel's set of
 * concatenated ranges.  A range of remote ports without a local port has a set of its own:
 * in the kernel's sets of ranges, a field that matches anything costs every insertion a bit in
 * each of the field's buckets (512 for a port), most of the time of filling the set.  Keys
 * are laid out as the kernel holds them: each field in a 4-byte register. */
enum vg_iso_key { VG_ISO_KEY_ADDR_PROTO, VG_ISO_KEY_ADDR_PROTO_RPORT, VG_ISO_KEY_ADDR_PROTO_PORTS };
enum vg_iso_set {
	VG_ISO_SET_OUT4_HOSTS, VG_ISO_SET_OUT4_HOST_PORTS, VG_ISO_SET_OUT4_NETS, VG_ISO_SET_OUT4_NET_RPORTS,
	VG_ISO_SET_OUT4_NET_PORTS,
	VG_ISO_SET_IN4_HOSTS, VG_ISO_SET_IN4_HOST_PORTS, VG_ISO_SET_IN4_NETS, VG_ISO_SET_IN4_NET_RPORTS,
	VG_ISO_SET_IN4_NET_PORTS,
	VG_ISO_SET_OUT6_HOSTS, VG_ISO_SET_OUT6_HOST_PORTS, VG_ISO_SET_OUT6_NETS, VG_ISO_SET_OUT6_NET_RPORTS,
	VG_ISO_SET_OUT6_NET_PORTS,
	VG_ISO_SET_IN6_HOSTS, VG_ISO_SET_IN6_HOST_PORTS, VG_ISO_SET_IN6_NETS, VG_ISO_SET_IN6_NET_RPORTS,
	VG_ISO_SET_IN6_NET_PORTS,
	VG_ISO_SET_COUNT
};
#define VG_ISO_KEY_MAX 28

struct vg_iso_set_def {
	const char *name;
	int family;          /* AF_INET or AF_INET6 */
	enum vg_iso_key key;
	bool interval;       /* ranges (else exact keys) */
	unsigned dir;        /* VG_ISO_OUT or VG_ISO_IN: who opens the flows it holds */
	unsigned key_len;    /* bytes, each field rounded up to 4 */
	unsigned nfields;
	uint8_t off[4], len[4];
};
extern const struct vg_iso_set_def vg_iso_sets[VG_ISO_SET_COUNT];

/* One element: a range of keys [lo, hi] in one set. */
struct vg_iso_elem {
	uint8_t set;         /* enum vg_iso_set */
	uint8_t lo[VG_ISO_KEY_MAX], hi[VG_ISO_KEY_MAX];
};
struct vg_iso_elems {
	struct vg_iso_elem *v;
	size_t n, cap;
};
/* The elements of these rules, disjoint and sorted (vg_iso_elem_cmp); at most max of them
 * (-E2BIG beyond).  out is the caller's to free with vg_iso_elems_free. */
int vg_iso_elems_build(const struct vg_iso_rule *rules, size_t n, size_t max, struct vg_iso_elems *out,
		       struct vg_error *err);
void vg_iso_elems_free(struct vg_iso_elems *e);
int vg_iso_elem_cmp(const struct vg_iso_elem *a, const struct vg_iso_elem *b);
/* How many elements the rules of max exceptions may take (the bound of vg_iso_elems_build). */
#define VG_ISO_ELEMS_FOR(max) ((size_t)(max) * 4 + 1024)

/* nft.c: the table has a fixed number of rules whatever the number of exceptions. */
#define VG_ISO_NFT_RULES 42
/* A netfilter netlink socket for the functions below, kept open from one batch or reading to
 * the next: closing one waits for the kernel to free what the last commit replaced (a grace
 * period, some 10 ms), so the agent keeps its own.  Each function takes NULL for a socket of
 * its own, closed before it returns.  One thread at a time uses a socket. */
struct vg_iso_nl;
int vg_iso_nl_open(struct vg_iso_nl **nl, struct vg_error *err);
void vg_iso_nl_close(struct vg_iso_nl *nl);
/* *nl ready for an exchange: a new socket in *own (and *nl) when *nl is NULL, for the caller
 * to close; a fresh one in place of a socket an earlier exchange left with answers pending. */
int vg_iso_nl_ready(struct vg_iso_nl **nl, struct vg_iso_nl **own, struct vg_error *err);
/* Replaces the whole table (chains, sets, rules, these elements) in one atomic batch. */
int vg_iso_nft_replace(struct vg_iso_nl *nl, const struct vg_iso_elems *e, struct vg_error *err);
/* Changes only the set elements, from old (what the kernel holds) to new, in one atomic
 * batch; *changed counts the elements deleted and added.  Fails when the kernel does not
 * hold old (the caller then replaces the table). */
int vg_iso_nft_update(struct vg_iso_nl *nl, const struct vg_iso_elems *old, const struct vg_iso_elems *new,
		      size_t *changed, struct vg_error *err);
/* vg_iso_elems_build then vg_iso_nft_replace; *applied (may be NULL) receives the elements. */
int vg_iso_nft_apply(struct vg_iso_nl *nl, const struct vg_iso_rule *rules, size_t n, size_t max_exceptions,
		     struct vg_iso_elems *applied, struct vg_error *err);
/* Deletes the table in one batch; an absent table is fine. */
int vg_iso_nft_remove(struct vg_iso_nl *nl, struct vg_error *err);

/* The base chains, created in this order, each of type filter with policy drop. */
#define VG_ISO_CHAIN_PRIORITY (-10) /* after conntrack (-200), before the usual filter chains (0) */
#define VG_ISO_CHAIN_COUNT 3
struct vg_iso_chain_def {
	const char *name;
	uint32_t hook; /* NF_INET_LOCAL_IN ... */
};
extern const struct vg_iso_chain_def vg_iso_chains[VG_ISO_CHAIN_COUNT];
/* The key type of a set as nft names it (so that `nft list` shows the sets' keys). */
uint32_t vg_iso_nft_key_type(const struct vg_iso_set_def *d);
/* One netlink dump of the table's objects (type NFT_MSG_GET*, obj its filter) on nl (ready),
 * each message handed to cb; 0 or a negative errno code. */
struct nlmsghdr;
int vg_iso_nft_dump(struct vg_iso_nl *nl, uint16_t type, void *obj, int (*cb)(const struct nlmsghdr *nlh, void *data),
		    void *data);

/* nft-view.c: the table as the kernel holds it, compared whole with what the agent applied:
 * the chains (hook, priority, type, policy) and the sets (flags, key) with what it creates, no
 * chain or set besides; the rules (every expression, in order, the kernel's handles left out)
 * by their SHA-256; the elements one by one.  A root user who sets a chain's policy to accept,
 * swaps an element for another or rewrites a rule is seen. */
struct vg_iso_nft_view {
	bool present;
	size_t nrules, nelems;
	unsigned char rules_digest[32];
	char difference[160];  /* the first difference from what was expected ("" when none) */
};
/* Reads the table; elems (sorted; NULL: the elements are not read) and rules_digest (NULL: not
 * compared) are what it should hold.  v->difference says what differs. */
int vg_iso_nft_view(struct vg_iso_nl *nl, struct vg_iso_nft_view *v, const struct vg_iso_elems *elems,
		    const unsigned char *rules_digest, struct vg_error *err);

/* text.c: the same table in nft's language (for `nft -f`, the benchmark and debugging). */
int vg_iso_nft_text(FILE *out, const struct vg_iso_elems *e);

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
/* Loads a page of the exceptions in id order: limit from offset; *out is malloc'd. */
int vg_iso_exceptions_load(struct vg_store *store, size_t offset, size_t limit, struct vg_iso_exception **out,
			   size_t *n, struct vg_error *err);
/* How many exceptions are stored. */
int vg_iso_exceptions_count(struct vg_store *store, size_t *n, struct vg_error *err);
/* Every exception as its id and rule only (at most max): what applying needs, without the
 * texts.  *ids and *rules are malloc'd. */
int vg_iso_exception_rules_load(struct vg_store *store, size_t max, long long **ids, struct vg_iso_rule **rules,
				size_t *n, struct vg_error *err);
/* -E2BIG when max exceptions are stored already. */
int vg_iso_exception_insert(struct vg_store *store, struct vg_iso_exception *ex, size_t max, struct vg_error *err);
/* -ENOENT when there is no exception with that id. */
int vg_iso_exception_delete(struct vg_store *store, long long id, struct vg_error *err);

/* Whether this host may open TCP connections to addr:port under these rules. */
bool vg_iso_rules_allow_out(const struct vg_iso_rule *rules, size_t n, const struct vg_iso_addr *addr,
			    uint16_t port);

/* subsystem.c: the link calls this after each successful exchange with the server
 * (isolation.release_after_no_contact_hours counts from the last one). */
struct vg_agent;
void vg_isolation_note_contact(struct vg_agent *agent);
/* Whether the host is isolated (or being isolated) now. */
bool vg_isolation_is_on(const struct vg_agent *agent);

/* Who asks vg_isolation_set: named in the log and as the Remediation Activity's actor. */
enum vg_iso_requester {
	VG_ISO_BY_SERVER,       /* OpenC2 contain / allow device */
	VG_ISO_BY_DETECTION,    /* a detection rule's isolate response */
	VG_ISO_BY_SCAN,         /* an IOC scan's isolate action */
};

/* subsystem.c: isolation on or off for the server, a detection or a scan's action.  permitted
 * (n addresses, "ADDR[/PREFIX]") become exceptions, all checked before anything changes.
 * command_uid names the command in the Remediation Activity event (the server's request id;
 * NULL: an id is made).  The rules are applied on a worker right after; *result is the
 * isolation state. */
int vg_isolation_set(struct vg_agent *agent, enum vg_iso_requester by, bool on, const char *reason,
		     const char *const *permitted, size_t n, const char *command_uid, json_t **result,
		     struct vg_error *err);

/* release.c: without a running agent, from the database in state_dir. */
int vg_isolation_release_offline(const char *state_dir, struct vg_error *err);
int vg_isolation_restore_offline(const char *state_dir, bool *isolated, struct vg_error *err);

/* apply.c: the whole apply from what is stored, without a running agent (used at start,
 * at boot by --restore-isolation, and by --release-isolation). */
int vg_iso_extras_from_settings(const struct vg_settings *s, const struct vg_iso_state *st,
				struct vg_iso_extras *x);
/* isolation.max_exceptions from s (VG_ISO_MAX_EXCEPTIONS when s is NULL). */
size_t vg_iso_max_exceptions(const struct vg_settings *s);
/* *applied (may be NULL) receives the elements put in the kernel. */
int vg_iso_apply_stored(struct vg_iso_nl *nl, struct vg_store *store, const struct vg_settings *s,
			struct vg_iso_state *st, struct vg_iso_elems *applied, struct vg_error *err);

#endif
