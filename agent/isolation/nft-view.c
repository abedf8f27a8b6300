/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The isolation table as the kernel holds it, compared whole with what the agent made
 * (isolation.h, vg_iso_nft_view).  Counting the rules is not enough: root on the host can set
 * the chains' policy to accept, or put an element of its own in the place of one of ours, and
 * the count does not change.  The chains and sets are compared with their definitions here
 * and in nft.c; the rules, whose kernel form (handles aside) does not change between two
 * applies, by a SHA-256 of their text; the elements one by one with those applied.
 */
#include "config.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "isolation.h"
#include "nls.h"
#include "vigil/error.h"

#define RULE_TEXT 4096

struct view_ctx {
	struct vg_iso_nft_view *v;
	EVP_MD_CTX *md;
	unsigned chains_seen, sets_seen;
	struct vg_iso_elems got;   /* the elements read (with elements) */
	int rc;
};

static void differ(struct view_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Notes the first difference only: it says enough to find the rest with nft. */
static void differ(struct view_ctx *x, const char *fmt, ...)
{
	va_list ap;

	if (x->v->difference[0])
		return;
	va_start(ap, fmt);
	vsnprintf(x->v->difference, sizeof(x->v->difference), fmt, ap);
	va_end(ap);
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct view_ctx *x = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	const char *name, *type;
	const struct vg_iso_chain_def *def = NULL;

	if (!c || nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		nftnl_chain_free(c);
		x->rc = -ENOMEM;
		return MNL_CB_ERROR;
	}
	if (strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE) ?: "", VG_ISO_TABLE) != 0)
		goto out; /* a dump of every table, on a kernel that does not filter it */
	name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME) ?: "";
	type = nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE) ?: "";
	for (unsigned i = 0; i < VG_ISO_CHAIN_COUNT; i++)
		if (strcmp(vg_iso_chains[i].name, name) == 0)
			def = &vg_iso_chains[i];
	x->chains_seen++;
	if (!def)
		differ(x, "chain %s is not the agent's", name);
	else if (!nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM) || nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM) != def->hook)
		differ(x, "chain %s is not on its hook", name);
	else if (nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO) != VG_ISO_CHAIN_PRIORITY)
		differ(x, "chain %s has priority %d", name, nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO));
	else if (strcmp(type, "filter") != 0)
		differ(x, "chain %s has type %s", name, type);
	else if (!nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) || nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) != NF_DROP)
		differ(x, "chain %s has policy %s", name,
		       nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_ACCEPT ? "accept" : "other than drop");
	else if (nftnl_chain_is_set(c, NFTNL_CHAIN_FLAGS) && nftnl_chain_get_u32(c, NFTNL_CHAIN_FLAGS) & ~NFT_CHAIN_BASE)
		differ(x, "chain %s has flags %#x", name, nftnl_chain_get_u32(c, NFTNL_CHAIN_FLAGS));
out:
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

/* The agent's set of that name, or -1. */
static int set_index(const char *name)
{
	for (unsigned i = 0; i < VG_ISO_SET_COUNT; i++)
		if (strcmp(vg_iso_sets[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct view_ctx *x = data;
	struct nftnl_set *s = nftnl_set_alloc();
	const struct vg_iso_set_def *def = NULL;
	const char *name;
	uint32_t flags;
	int set;

	if (!s || nftnl_set_nlmsg_parse(nlh, s) < 0) {
		nftnl_set_free(s);
		x->rc = -ENOMEM;
		return MNL_CB_ERROR;
	}
	name = nftnl_set_get_str(s, NFTNL_SET_NAME) ?: "";
	if ((set = set_index(name)) >= 0)
		def = &vg_iso_sets[set];
	x->sets_seen++;
	flags = nftnl_set_get_u32(s, NFTNL_SET_FLAGS);
	if (!def)
		differ(x, "set %s is not the agent's", name);
	else if (flags != (NFT_SET_CONCAT | (def->interval ? NFT_SET_INTERVAL : 0)))
		differ(x, "set %s has flags %#x", name, flags);
	else if (nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN) != def->key_len ||
		 nftnl_set_get_u32(s, NFTNL_SET_KEY_TYPE) != vg_iso_nft_key_type(def))
		differ(x, "set %s has another key", name);
	nftnl_set_free(s);
	return MNL_CB_OK;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct view_ctx *x = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	char text[RULE_TEXT];
	int n;

	if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		x->rc = -ENOMEM;
		return MNL_CB_ERROR;
	}
	/* The kernel numbers the rules anew at each apply: the rest is what they do. */
	nftnl_rule_unset(r, NFTNL_RULE_HANDLE);
	nftnl_rule_unset(r, NFTNL_RULE_POSITION);
	nftnl_rule_unset(r, NFTNL_RULE_ID);
	n = nftnl_rule_snprintf(text, sizeof(text), r, NFTNL_OUTPUT_DEFAULT, 0);
	if (n < 0 || (size_t)n >= sizeof(text))
		differ(x, "a rule too long to be the agent's");
	else
		EVP_DigestUpdate(x->md, text, (size_t)n + 1);
	x->v->nrules++;
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int elem_cb(const struct nlmsghdr *nlh, void *data)
{
	struct view_ctx *x = data;
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it = NULL;
	struct nftnl_set_elem *e;
	const char *name;
	int set;

	if (!s || nftnl_set_elems_nlmsg_parse(nlh, s) < 0 || !(it = nftnl_set_elems_iter_create(s))) {
		nftnl_set_free(s);
		x->rc = -ENOMEM;
		return MNL_CB_ERROR;
	}
	name = nftnl_set_get_str(s, NFTNL_SET_NAME) ?: "";
	set = set_index(name);
	/* (iter_next hands out the current element, then moves on.) */
	while (set >= 0 && (e = nftnl_set_elems_iter_next(it))) {
		const struct vg_iso_set_def *d = &vg_iso_sets[set];
		struct vg_iso_elem *el;
		uint32_t klen = 0, elen = 0;
		const void *key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &klen);
		const void *end = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY_END, &elen);

		x->v->nelems++;
		if (!key || klen != d->key_len || (end && elen != d->key_len) || (d->interval && !end)) {
			differ(x, "an element of set %s is not the agent's", name);
			continue;
		}
		if (x->got.n == x->got.cap) {
			size_t cap = x->got.cap ? x->got.cap * 2 : 1024;
			struct vg_iso_elem *v = realloc(x->got.v, cap * sizeof(*v));

			if (!v) {
				x->rc = -ENOMEM;
				break;
			}
			x->got.v = v;
			x->got.cap = cap;
		}
		el = &x->got.v[x->got.n++];
		memset(el, 0, sizeof(*el));
		el->set = (uint8_t)set;
		memcpy(el->lo, key, klen);
		memcpy(el->hi, end ? end : key, klen);
	}
	nftnl_set_elems_iter_destroy(it);
	nftnl_set_free(s);
	return x->rc ? MNL_CB_ERROR : MNL_CB_OK;
}

static int elem_order(const void *a, const void *b)
{
	return vg_iso_elem_cmp(a, b);
}

/* The elements read against those applied (both sorted): the first one that differs. */
static void compare_elems(struct view_ctx *x, const struct vg_iso_elems *want)
{
	qsort(x->got.v, x->got.n, sizeof(*x->got.v), elem_order);
	for (size_t i = 0; i < x->got.n || i < want->n; i++) {
		if (i == x->got.n || i == want->n) {
			differ(x, "%zu set elements where %zu were applied", x->got.n, want->n);
			return;
		}
		if (vg_iso_elem_cmp(&x->got.v[i], &want->v[i]) != 0) {
			differ(x, "set %s holds an element that was not applied", vg_iso_sets[x->got.v[i].set].name);
			return;
		}
	}
}

static int read_elems(struct vg_iso_nl *nl, struct view_ctx *x)
{
	int rc = 0;

	for (unsigned s = 0; s < VG_ISO_SET_COUNT && rc == 0; s++) {
		struct nftnl_set *set = nftnl_set_alloc();

		if (!set)
			return -ENOMEM;
		nftnl_set_set_str(set, NFTNL_SET_TABLE, VG_ISO_TABLE);
		nftnl_set_set_str(set, NFTNL_SET_NAME, vg_iso_sets[s].name);
		nftnl_set_set_u32(set, NFTNL_SET_FAMILY, NFPROTO_INET);
		rc = vg_iso_nft_dump(nl, NFT_MSG_GETSETELEM, set, elem_cb, x);
		nftnl_set_free(set);
		if (rc == -ENOENT) {
			differ(x, "set %s is missing", vg_iso_sets[s].name);
			rc = 0;
		}
	}
	return x->rc ? x->rc : rc;
}

static int ignore_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

int vg_iso_nft_view(struct vg_iso_nl *nl, struct vg_iso_nft_view *v, const struct vg_iso_elems *elems,
		    const unsigned char *rules_digest, struct vg_error *err)
{
	struct vg_iso_nl *own = NULL;
	struct view_ctx x = { .v = v, .md = EVP_MD_CTX_new() };
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_rule *r = nftnl_rule_alloc();
	int rc;

	memset(v, 0, sizeof(*v));
	if (!t || !c || !s || !r || !x.md || !EVP_DigestInit_ex(x.md, EVP_sha256(), NULL)) {
		rc = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto out;
	}
	if ((rc = vg_iso_nl_ready(&nl, &own, err)) < 0)
		goto out;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, VG_ISO_TABLE);
	if ((rc = vg_iso_nft_dump(nl, NFT_MSG_GETTABLE, t, ignore_cb, NULL)) == -ENOENT) {
		rc = 0;
		goto out;
	}
	if (rc < 0)
		goto fail;
	v->present = true;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, VG_ISO_TABLE);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, VG_ISO_TABLE);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, VG_ISO_TABLE);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	if ((rc = vg_iso_nft_dump(nl, NFT_MSG_GETCHAIN, c, chain_cb, &x)) < 0 || (rc = x.rc) < 0 ||
	    (rc = vg_iso_nft_dump(nl, NFT_MSG_GETSET, s, set_cb, &x)) < 0 || (rc = x.rc) < 0 ||
	    (rc = vg_iso_nft_dump(nl, NFT_MSG_GETRULE, r, rule_cb, &x)) < 0 || (rc = x.rc) < 0)
		goto fail;
	if (!EVP_DigestFinal_ex(x.md, v->rules_digest, NULL)) {
		rc = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto out;
	}
	if (x.chains_seen != VG_ISO_CHAIN_COUNT)
		differ(&x, "%u chains where the agent made %u", x.chains_seen, VG_ISO_CHAIN_COUNT);
	if (x.sets_seen != VG_ISO_SET_COUNT)
		differ(&x, "%u sets where the agent made %u", x.sets_seen, VG_ISO_SET_COUNT);
	if (v->nrules != VG_ISO_NFT_RULES)
		differ(&x, "%zu rules where the agent made %u", v->nrules, VG_ISO_NFT_RULES);
	else if (rules_digest && memcmp(rules_digest, v->rules_digest, sizeof(v->rules_digest)) != 0)
		differ(&x, "the rules are not those the agent made");
	if (elems) {
		if ((rc = read_elems(nl, &x)) < 0)
			goto fail;
		compare_elems(&x, elems);
	}
	rc = 0;
	goto out;
fail:
	rc = vg_error_set(err, rc, N_("cannot read the nftables table: %s"), strerror(-rc));
out:
	vg_iso_nl_close(own);
	EVP_MD_CTX_free(x.md);
	free(x.got.v);
	nftnl_table_free(t);
	nftnl_chain_free(c);
	nftnl_set_free(s);
	nftnl_rule_free(r);
	return rc;
}
