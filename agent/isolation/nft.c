/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The isolation table in the kernel, through libnftnl and libmnl (never the nft program).
 *
 * One table of our own, `inet vigil`, with base chains input, output and forward whose
 * policy is drop.  The whole table is replaced in one netlink batch — add (a no-op when it
 * exists), delete, add, chains, rules — so the kernel commits all of it or none of it:
 * there is never a moment with half the rules.  Other tables are never touched.
 *
 * Existing connections: there is no generic "ct state established accept".  Each allowed
 * flow gets a rule for the side that opens it and, in the other chain, a rule for its
 * replies that matches the same addresses and ports plus ct state established/related.
 * A connection that no rule allows therefore loses every packet the moment the batch is
 * committed, while an allowed one carries on.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tuple_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include "isolation.h"
#include "nls.h"
#include "vigil/error.h"

#define CHAIN_PRIORITY (-10) /* after conntrack (-200), before the usual filter chains (0) */
#define RECV_TIMEOUT_S 5

enum pkt { PKT_IN, PKT_OUT };

struct batch {
	struct nftnl_batch *b;
	uint32_t seq, last_seq;
	int rc;
};

static int add_expr(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (!e)
		return -ENOMEM;
	nftnl_rule_add_expr(r, e);
	return 0;
}

static int meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	return add_expr(r, e);
}

static int payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	}
	return add_expr(r, e);
}

static int cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	return add_expr(r, e);
}

static int bitwise(struct nftnl_rule *r, const void *mask, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	}
	return add_expr(r, e);
}

static int accept_verdict(struct nftnl_rule *r)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_ACCEPT);
	}
	return add_expr(r, e);
}

static int match_u8(struct nftnl_rule *r, uint32_t key, uint8_t value)
{
	int rc = meta(r, key);

	return rc < 0 ? rc : cmp(r, NFT_CMP_EQ, &value, 1);
}

/* A port or ICMP type (range) at offset of the transport header, len 1 or 2 bytes. */
static int match_range(struct nftnl_rule *r, uint32_t offset, uint32_t len, unsigned lo, unsigned hi)
{
	uint8_t a[2], b[2];
	int rc;

	if ((rc = payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, offset, len)) < 0)
		return rc;
	if (len == 2) {
		uint16_t x = htons((uint16_t)lo), y = htons((uint16_t)hi);

		memcpy(a, &x, 2);
		memcpy(b, &y, 2);
	} else {
		a[0] = (uint8_t)lo;
		b[0] = (uint8_t)hi;
	}
	if (lo == hi)
		return cmp(r, NFT_CMP_EQ, a, len);
	/* Network order compares correctly byte by byte. */
	if ((rc = cmp(r, NFT_CMP_GTE, a, len)) < 0)
		return rc;
	return cmp(r, NFT_CMP_LTE, b, len);
}

static int match_addr(struct nftnl_rule *r, const struct vg_iso_addr *a, enum pkt dir)
{
	bool v4 = a->family == AF_INET;
	uint32_t len = v4 ? 4 : 16, full = v4 ? 32 : 128;
	/* The remote end is the source of incoming packets and the destination of outgoing ones. */
	uint32_t offset = v4 ? (dir == PKT_IN ? 12 : 16) : (dir == PKT_IN ? 8 : 24);
	uint8_t mask[16] = { 0 };
	int rc;

	if ((rc = match_u8(r, NFT_META_NFPROTO, v4 ? NFPROTO_IPV4 : NFPROTO_IPV6)) < 0)
		return rc;
	if (a->prefix == 0)
		return 0;
	if ((rc = payload(r, NFT_PAYLOAD_NETWORK_HEADER, offset, len)) < 0)
		return rc;
	if (a->prefix < full) {
		for (unsigned bit = 0; bit < a->prefix; bit++)
			mask[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
		if ((rc = bitwise(r, mask, len)) < 0)
			return rc;
	}
	return cmp(r, NFT_CMP_EQ, a->bytes, len);
}

static int ct(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("ct");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	return add_expr(r, e);
}

/* The answers of a flow opened the other way: established (or related) and travelling in
 * the reply direction, so that a connection the remote end opened from an allowed port
 * before isolation does not pass as an "answer". */
static int match_reply(struct nftnl_rule *r)
{
	uint32_t mask = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED), zero = 0;
	uint8_t reply = IP_CT_DIR_REPLY;
	int rc;

	if ((rc = ct(r, NFT_CT_STATE)) < 0 || (rc = bitwise(r, &mask, 4)) < 0 ||
	    (rc = cmp(r, NFT_CMP_NEQ, &zero, 4)) < 0 || (rc = ct(r, NFT_CT_DIRECTION)) < 0)
		return rc;
	return cmp(r, NFT_CMP_EQ, &reply, 1);
}

/* The expressions of one kernel rule for the packets of rule going dir; reply: only packets
 * of connections that are already established (the answers to a flow opened the other way). */
static int rule_exprs(struct nftnl_rule *nr, const struct vg_iso_rule *r, enum pkt dir, bool reply)
{
	/* Local is the source of outgoing packets; a reply travels the other way round. */
	uint32_t lport_off = dir == PKT_OUT ? 0 : 2, rport_off = dir == PKT_OUT ? 2 : 0;
	int rc = 0;

	if (r->remote.family && (rc = match_addr(nr, &r->remote, dir)) < 0)
		return rc;
	if (r->proto >= 0 && (rc = match_u8(nr, NFT_META_L4PROTO, (uint8_t)r->proto)) < 0)
		return rc;
	if (r->lport_lo && (rc = match_range(nr, lport_off, 2, r->lport_lo, r->lport_hi)) < 0)
		return rc;
	if (r->rport_lo && (rc = match_range(nr, rport_off, 2, r->rport_lo, r->rport_hi)) < 0)
		return rc;
	if (!reply && r->icmp_lo >= 0 && (rc = match_range(nr, 0, 1, (unsigned)r->icmp_lo, (unsigned)r->icmp_hi)) < 0)
		return rc;
	if (reply && (rc = match_reply(nr)) < 0)
		return rc;
	return accept_verdict(nr);
}

static int batch_rule(struct batch *b, const char *chain, const struct vg_iso_rule *r, enum pkt dir, bool reply,
		      const char *lo_key)
{
	struct nftnl_rule *nr = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	int rc;

	if (!nr)
		return -ENOMEM;
	nftnl_rule_set_str(nr, NFTNL_RULE_TABLE, VG_ISO_TABLE);
	nftnl_rule_set_str(nr, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(nr, NFTNL_RULE_FAMILY, NFPROTO_INET);
	if (lo_key) {
		char name[IFNAMSIZ] = "lo";

		if ((rc = meta(nr, strcmp(lo_key, "iif") == 0 ? NFT_META_IIFNAME : NFT_META_OIFNAME)) >= 0 &&
		    (rc = cmp(nr, NFT_CMP_EQ, name, sizeof(name))) >= 0)
			rc = accept_verdict(nr);
	} else {
		rc = rule_exprs(nr, r, dir, reply);
	}
	if (rc >= 0) {
		b->last_seq = b->seq;
		nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b->b), NFT_MSG_NEWRULE, NFPROTO_INET,
					    NLM_F_APPEND | NLM_F_CREATE, b->seq++);
		nftnl_rule_nlmsg_build_payload(nlh, nr);
		if (nftnl_batch_update(b->b) < 0)
			rc = -ENOMEM;
	}
	nftnl_rule_free(nr);
	return rc;
}

static int batch_table(struct batch *b, uint16_t type)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t)
		return -ENOMEM;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, VG_ISO_TABLE);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	b->last_seq = b->seq;
	nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b->b), type, NFPROTO_INET,
				    type == NFT_MSG_NEWTABLE ? NLM_F_CREATE : 0, b->seq++);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	return nftnl_batch_update(b->b) < 0 ? -ENOMEM : 0;
}

static int batch_chain(struct batch *b, const char *name, uint32_t hook)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		return -ENOMEM;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, VG_ISO_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, CHAIN_PRIORITY);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_DROP);
	b->last_seq = b->seq;
	nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b->b), NFT_MSG_NEWCHAIN, NFPROTO_INET, NLM_F_CREATE,
				    b->seq++);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return nftnl_batch_update(b->b) < 0 ? -ENOMEM : 0;
}

static int batch_start(struct batch *b)
{
	memset(b, 0, sizeof(*b));
	b->b = nftnl_batch_alloc(256 * 1024, MNL_SOCKET_BUFFER_SIZE);
	if (!b->b)
		return -ENOMEM;
	b->seq = (uint32_t)time(NULL);
	nftnl_batch_begin(nftnl_batch_buffer(b->b), b->seq++);
	return nftnl_batch_update(b->b) < 0 ? -ENOMEM : 0;
}

/* Sends the batch and waits for the kernel's verdict on it.  Only the last message asks for
 * an acknowledgement: the kernel reports every failing message anyway, and one ack instead
 * of thousands keeps large rulesets fast. */
static int batch_send(struct batch *b, struct vg_error *err)
{
	struct mnl_socket *nl = NULL;
	struct nlmsghdr *last = NULL;
	struct iovec *iov = NULL;
	struct timeval tv = { .tv_sec = RECV_TIMEOUT_S };
	size_t total = 0;
	char *buf = NULL;
	int n, rc = 0, first_error = 0;
	bool done = false;

	nftnl_batch_end(nftnl_batch_buffer(b->b), b->seq++);
	if (nftnl_batch_update(b->b) < 0)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	n = nftnl_batch_iovec_len(b->b);
	iov = calloc((size_t)n, sizeof(*iov));
	buf = malloc(MNL_SOCKET_BUFFER_SIZE * 8);
	if (!iov || !buf) {
		rc = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto out;
	}
	nftnl_batch_iovec(b->b, iov, (uint32_t)n);
	for (int i = 0; i < n; i++) {
		/* Find the message that asks for the ack: the last one before the batch end. */
		struct nlmsghdr *h = iov[i].iov_base;
		int left = (int)iov[i].iov_len;

		while (mnl_nlmsg_ok(h, left)) {
			if (h->nlmsg_seq == b->last_seq)
				last = h;
			h = mnl_nlmsg_next(h, &left);
		}
		total += iov[i].iov_len;
	}
	if (last)
		last->nlmsg_flags |= NLM_F_ACK;
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = vg_error_set(err, -errno, N_("cannot open the netfilter netlink socket: %s"), strerror(errno));
		goto out;
	}
	{
		/* The kernel takes the batch in one message: make room for all of it. */
		int size = (int)(total + 65536 > 1u << 30 ? 1u << 30 : total + 65536);

		if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
			setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	{
		struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
		struct msghdr msg = { .msg_name = &snl, .msg_namelen = sizeof(snl), .msg_iov = iov,
				      .msg_iovlen = (size_t)n };

		if (sendmsg(mnl_socket_get_fd(nl), &msg, 0) < 0) {
			rc = vg_error_set(err, -errno, N_("cannot send the nftables batch: %s"), strerror(errno));
			goto out;
		}
	}
	while (!done) {
		ssize_t len = mnl_socket_recvfrom(nl, buf, MNL_SOCKET_BUFFER_SIZE * 8);
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
		int left;

		if (len < 0) {
			if (first_error)
				break;
			rc = vg_error_set(err, -errno, N_("no answer from the kernel to the nftables batch: %s"),
					  strerror(errno));
			goto out;
		}
		left = (int)len;
		for (; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
			const struct nlmsgerr *e;

			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(h);
			if (e->error && !first_error)
				first_error = e->error;
			if (h->nlmsg_seq == b->last_seq)
				done = true;
		}
	}
	if (first_error)
		rc = vg_error_set(err, first_error, N_("the kernel refused the nftables batch: %s"),
				  strerror(-first_error));
out:
	if (nl)
		mnl_socket_close(nl);
	free(iov);
	free(buf);
	return rc;
}

size_t vg_iso_nft_rule_count(const struct vg_iso_rule *rules, size_t n)
{
	(void)rules;
	return 2 + 2 * n;
}

int vg_iso_nft_apply(const struct vg_iso_rule *rules, size_t n, struct vg_error *err)
{
	struct batch b;
	int rc;

	if ((rc = batch_start(&b)) < 0)
		goto fail;
	/* Add (no-op when present), delete, add: the old table goes in the same transaction. */
	if ((rc = batch_table(&b, NFT_MSG_NEWTABLE)) < 0 || (rc = batch_table(&b, NFT_MSG_DELTABLE)) < 0 ||
	    (rc = batch_table(&b, NFT_MSG_NEWTABLE)) < 0 || (rc = batch_chain(&b, "input", NF_INET_LOCAL_IN)) < 0 ||
	    (rc = batch_chain(&b, "output", NF_INET_LOCAL_OUT)) < 0 ||
	    (rc = batch_chain(&b, "forward", NF_INET_FORWARD)) < 0 ||
	    (rc = batch_rule(&b, "input", NULL, PKT_IN, false, "iif")) < 0 ||
	    (rc = batch_rule(&b, "output", NULL, PKT_OUT, false, "oif")) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const struct vg_iso_rule *r = &rules[i];

		if (r->dir == VG_ISO_BOTH) {
			if ((rc = batch_rule(&b, "output", r, PKT_OUT, false, NULL)) < 0 ||
			    (rc = batch_rule(&b, "input", r, PKT_IN, false, NULL)) < 0)
				goto fail;
		} else if (r->dir == VG_ISO_OUT) {
			if ((rc = batch_rule(&b, "output", r, PKT_OUT, false, NULL)) < 0 ||
			    (rc = batch_rule(&b, "input", r, PKT_IN, true, NULL)) < 0)
				goto fail;
		} else {
			if ((rc = batch_rule(&b, "input", r, PKT_IN, false, NULL)) < 0 ||
			    (rc = batch_rule(&b, "output", r, PKT_OUT, true, NULL)) < 0)
				goto fail;
		}
	}
	rc = batch_send(&b, err);
	nftnl_batch_free(b.b);
	return rc;
fail:
	if (b.b)
		nftnl_batch_free(b.b);
	return vg_error_set(err, rc, N_("cannot build the nftables batch: %s"), strerror(-rc));
}

int vg_iso_nft_remove(struct vg_error *err)
{
	struct batch b;
	int rc;

	if ((rc = batch_start(&b)) < 0 || (rc = batch_table(&b, NFT_MSG_NEWTABLE)) < 0 ||
	    (rc = batch_table(&b, NFT_MSG_DELTABLE)) < 0) {
		if (b.b)
			nftnl_batch_free(b.b);
		return vg_error_set(err, rc, N_("cannot build the nftables batch: %s"), strerror(-rc));
	}
	rc = batch_send(&b, err);
	nftnl_batch_free(b.b);
	return rc;
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	size_t *n = data;

	if ((nlh->nlmsg_type & 0xff) == NFT_MSG_NEWRULE)
		(*n)++;
	return MNL_CB_OK;
}

static int dump(struct mnl_socket *nl, uint16_t type, void *obj, size_t *count)
{
	char *buf = malloc(MNL_SOCKET_BUFFER_SIZE * 8);
	uint32_t seq = (uint32_t)time(NULL), portid = mnl_socket_get_portid(nl);
	struct nlmsghdr *nlh;
	int rc = 0;
	ssize_t len;

	if (!buf)
		return -ENOMEM;
	nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_INET,
				    type == NFT_MSG_GETRULE ? NLM_F_DUMP : NLM_F_ACK, seq);
	if (type == NFT_MSG_GETRULE)
		nftnl_rule_nlmsg_build_payload(nlh, obj);
	else
		nftnl_table_nlmsg_build_payload(nlh, obj);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
		goto out;
	}
	while ((len = mnl_socket_recvfrom(nl, buf, MNL_SOCKET_BUFFER_SIZE * 8)) > 0) {
		rc = mnl_cb_run(buf, (size_t)len, seq, portid, count_cb, count);
		if (rc <= 0)
			break;
	}
	rc = rc < 0 ? -errno : 0;
	if (len < 0)
		rc = -errno;
out:
	free(buf);
	return rc;
}

int vg_iso_nft_inspect(bool *present, size_t *nrules, struct vg_error *err)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	struct timeval tv = { .tv_sec = RECV_TIMEOUT_S };
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_rule *r = nftnl_rule_alloc();
	size_t dummy = 0;
	int rc;

	*present = false;
	*nrules = 0;
	if (!t || !r) {
		rc = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto out;
	}
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = vg_error_set(err, -errno, N_("cannot open the netfilter netlink socket: %s"), strerror(errno));
		goto out;
	}
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, VG_ISO_TABLE);
	rc = dump(nl, NFT_MSG_GETTABLE, t, &dummy);
	if (rc == -ENOENT) {
		rc = 0;
		goto out;
	}
	if (rc < 0) {
		rc = vg_error_set(err, rc, N_("cannot read the nftables table: %s"), strerror(-rc));
		goto out;
	}
	*present = true;
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, VG_ISO_TABLE);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	if ((rc = dump(nl, NFT_MSG_GETRULE, r, nrules)) < 0)
		rc = vg_error_set(err, rc, N_("cannot read the nftables table: %s"), strerror(-rc));
out:
	if (nl)
		mnl_socket_close(nl);
	nftnl_table_free(t);
	nftnl_rule_free(r);
	return rc;
}
