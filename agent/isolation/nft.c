/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The isolation table in the kernel, through libnftnl and libmnl (never the nft program).
 *
 * One table of our own, `inet vigil`, with base chains input, output and forward whose
 * policy is drop, and twenty sets (elements.c fills them): for each address family, the
 * flows this host may open (out) and those the remote end may open (in), each in five sets —
 * exact hosts, exact hosts with their remote port (hashes), networks, networks with remote
 * port ranges and networks with local and remote port ranges (concatenated ranges).  The
 * rules are fixed — forty-two, whatever the number of exceptions — and each is one set
 * lookup, so a packet costs about the same with one exception or a hundred thousand:
 *
 *   output: oifname lo; daddr . l4proto [. dport] @out*_hosts, @out*_host_ports;
 *           daddr . l4proto [. dport | . sport . dport] @out*_nets, @out*_net_rports,
 *           @out*_net_ports;
 *           the answers (ct state established,related, ct direction reply) in the in* sets
 *   input:  iifname lo; saddr . l4proto [. sport] @in*_hosts, @in*_host_ports;
 *           saddr . l4proto [. sport | . dport . sport] @in*_nets, @in*_net_rports,
 *           @in*_net_ports;
 *           the answers in the out* sets
 *
 * The whole table is replaced in one netlink batch — add (a no-op when it exists), delete,
 * add, chains, sets, elements, rules — so the kernel commits all of it or none of it; a change
 * of the exceptions is one batch of element deletions and additions only.  Other tables are
 * never touched.
 *
 * Existing connections: there is no generic "ct state established accept".  A packet passes
 * when its flow is in a set for the side that opened it, or as an answer to a flow in the set
 * of the other side.  A connection that no element allows therefore loses every packet the
 * moment the batch is committed, while an allowed one carries on.
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
#include <libnftnl/set.h>
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

#define RECV_TIMEOUT_S 5
#define SET_ID(set) ((uint32_t)(set) + 1)
#define ELEMS_PER_MSG 256    /* a message's attributes must stay under 64 KiB */
/* nft's type numbers (address, protocol, service) so that `nft list` shows the sets' keys. */
#define TYPE_IPADDR 7
#define TYPE_IP6ADDR 8
#define TYPE_INET_PROTOCOL 12
#define TYPE_INET_SERVICE 13
#define TYPE_BITS 6

enum pkt { PKT_IN, PKT_OUT };

struct batch {
	struct nftnl_batch *b;
	uint32_t seq, last_seq;
	int rc;
};

#define NL_BUF 65536 /* larger than any message the kernel sends at once (32 KiB) */

struct vg_iso_nl {
	struct mnl_socket *sock;
	uint32_t seq;
	int sndbuf;      /* what SO_SNDBUF was last set to */
	bool broken;     /* an exchange ended early: answers may wait in the queue */
	_Alignas(NLMSG_ALIGNTO) char buf[NL_BUF]; /* messages are read in place */
};

static int nl_socket(struct vg_iso_nl *nl, struct vg_error *err)
{
	struct timeval tv = { .tv_sec = RECV_TIMEOUT_S };

	/* Close on exec: the socket outlives the batch now, and a process the agent starts must
	 * not inherit a line to the kernel's firewall opened with the agent's rights. */
	nl->sock = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int rc = -errno;

		if (nl->sock)
			mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return vg_error_set(err, rc, N_("cannot open the netfilter netlink socket: %s"), strerror(-rc));
	}
	setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nl->sndbuf = 0;
	nl->broken = false;
	return 0;
}

int vg_iso_nl_open(struct vg_iso_nl **out, struct vg_error *err)
{
	struct vg_iso_nl *nl = calloc(1, sizeof(*nl));
	int rc;

	*out = NULL;
	if (!nl)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	nl->seq = (uint32_t)time(NULL);
	if ((rc = nl_socket(nl, err)) < 0) {
		free(nl);
		return rc;
	}
	*out = nl;
	return 0;
}

void vg_iso_nl_close(struct vg_iso_nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl);
}

int vg_iso_nl_ready(struct vg_iso_nl **nl, struct vg_iso_nl **own, struct vg_error *err)
{
	*own = NULL;
	if (!*nl) {
		int rc = vg_iso_nl_open(own, err);

		*nl = *own;
		return rc;
	}
	if (!(*nl)->sock || (*nl)->broken) {
		/* Whatever the kernel still had to say goes with the old socket. */
		if ((*nl)->sock)
			mnl_socket_close((*nl)->sock);
		return nl_socket(*nl, err);
	}
	return 0;
}

static int add_expr(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (!e)
		return -ENOMEM;
	nftnl_rule_add_expr(r, e);
	return 0;
}

static int meta_to(struct nftnl_rule *r, uint32_t key, uint32_t reg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, reg);
	}
	return add_expr(r, e);
}

static int meta(struct nftnl_rule *r, uint32_t key)
{
	return meta_to(r, key, NFT_REG_1);
}

static int payload_to(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len, uint32_t reg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, reg);
	}
	return add_expr(r, e);
}

static int lookup(struct nftnl_rule *r, enum vg_iso_set set)
{
	struct nftnl_expr *e = nftnl_expr_alloc("lookup");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG32_00);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, vg_iso_sets[set].name);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, SET_ID(set));
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

/* The key of a packet of chain dir for set (see the layout in elements.c): the remote
 * address, the protocol, and the local and remote ports, each field in its register.  The
 * remote end is the source of incoming packets and the destination of outgoing ones; the
 * local port is the source port (bytes 0-1 of the transport header) of outgoing packets. */
static int load_key(struct nftnl_rule *r, enum vg_iso_set set, enum pkt dir)
{
	const struct vg_iso_set_def *d = &vg_iso_sets[set];
	bool v4 = d->family == AF_INET;
	uint32_t addr_off = v4 ? (dir == PKT_IN ? 12 : 16) : (dir == PKT_IN ? 8 : 24);
	uint32_t lport_off = dir == PKT_OUT ? 0 : 2, rport_off = dir == PKT_OUT ? 2 : 0;
	int rc;

	if ((rc = match_u8(r, NFT_META_NFPROTO, v4 ? NFPROTO_IPV4 : NFPROTO_IPV6)) < 0 ||
	    (rc = payload_to(r, NFT_PAYLOAD_NETWORK_HEADER, addr_off, d->len[0], NFT_REG32_00)) < 0 ||
	    (rc = meta_to(r, NFT_META_L4PROTO, NFT_REG32_00 + d->off[1] / 4)) < 0)
		return rc;
	if (d->key == VG_ISO_KEY_ADDR_PROTO)
		return 0;
	if (d->key == VG_ISO_KEY_ADDR_PROTO_RPORT)
		return payload_to(r, NFT_PAYLOAD_TRANSPORT_HEADER, rport_off, 2, NFT_REG32_00 + d->off[2] / 4);
	if ((rc = payload_to(r, NFT_PAYLOAD_TRANSPORT_HEADER, lport_off, 2, NFT_REG32_00 + d->off[2] / 4)) < 0)
		return rc;
	return payload_to(r, NFT_PAYLOAD_TRANSPORT_HEADER, rport_off, 2, NFT_REG32_00 + d->off[3] / 4);
}

static int batch_rule(struct batch *b, const char *chain, enum pkt dir, int set, bool reply)
{
	struct nftnl_rule *nr = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	int rc;

	if (!nr)
		return -ENOMEM;
	nftnl_rule_set_str(nr, NFTNL_RULE_TABLE, VG_ISO_TABLE);
	nftnl_rule_set_str(nr, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(nr, NFTNL_RULE_FAMILY, NFPROTO_INET);
	if (set < 0) {
		char name[IFNAMSIZ] = "lo";

		if ((rc = meta(nr, dir == PKT_IN ? NFT_META_IIFNAME : NFT_META_OIFNAME)) >= 0 &&
		    (rc = cmp(nr, NFT_CMP_EQ, name, sizeof(name))) >= 0)
			rc = accept_verdict(nr);
	} else {
		/* The cheap conntrack test first: most packets of an answer rule fail it. */
		rc = reply ? match_reply(nr) : 0;
		if (rc >= 0 && (rc = load_key(nr, (enum vg_iso_set)set, dir)) >= 0 &&
		    (rc = lookup(nr, (enum vg_iso_set)set)) >= 0)
			rc = accept_verdict(nr);
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

uint32_t vg_iso_nft_key_type(const struct vg_iso_set_def *d)
{
	uint32_t t = d->family == AF_INET ? TYPE_IPADDR : TYPE_IP6ADDR;

	t = t << TYPE_BITS | TYPE_INET_PROTOCOL;
	for (unsigned f = 2; f < d->nfields; f++)
		t = t << TYPE_BITS | TYPE_INET_SERVICE;
	return t;
}

static int batch_set(struct batch *b, enum vg_iso_set set)
{
	const struct vg_iso_set_def *d = &vg_iso_sets[set];
	struct nftnl_set *s = nftnl_set_alloc();
	uint8_t fields[NFT_REG32_COUNT] = { 0 };
	struct nlmsghdr *nlh;

	if (!s)
		return -ENOMEM;
	for (unsigned f = 0; f < d->nfields; f++)
		fields[f] = d->len[f];
	nftnl_set_set_str(s, NFTNL_SET_TABLE, VG_ISO_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, d->name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_u32(s, NFTNL_SET_ID, SET_ID(set));
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_CONCAT | (d->interval ? NFT_SET_INTERVAL : 0));
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, vg_iso_nft_key_type(d));
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, d->key_len);
	nftnl_set_set_data(s, NFTNL_SET_DESC_CONCAT, fields, d->nfields);
	b->last_seq = b->seq;
	nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b->b), NFT_MSG_NEWSET, NFPROTO_INET, NLM_F_CREATE, b->seq++);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	return nftnl_batch_update(b->b) < 0 ? -ENOMEM : 0;
}

/* Adds (NFT_MSG_NEWSETELEM) or deletes the elements v[0..n) — all of one set — in messages
 * of at most ELEMS_PER_MSG elements. */
static int batch_elems(struct batch *b, uint16_t type, const struct vg_iso_elem *v, size_t n)
{
	for (size_t i = 0; i < n; i += ELEMS_PER_MSG) {
		const struct vg_iso_set_def *d = &vg_iso_sets[v[i].set];
		struct nftnl_set *s = nftnl_set_alloc();
		struct nlmsghdr *nlh;

		if (!s)
			return -ENOMEM;
		nftnl_set_set_str(s, NFTNL_SET_TABLE, VG_ISO_TABLE);
		nftnl_set_set_str(s, NFTNL_SET_NAME, d->name);
		nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
		for (size_t k = i; k < n && k < i + ELEMS_PER_MSG; k++) {
			struct nftnl_set_elem *e = nftnl_set_elem_alloc();

			if (!e) {
				nftnl_set_free(s);
				return -ENOMEM;
			}
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, v[k].lo, d->key_len);
			if (d->interval)
				nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY_END, v[k].hi, d->key_len);
			nftnl_set_elem_add(s, e);
		}
		b->last_seq = b->seq;
		nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b->b), type, NFPROTO_INET,
					    type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0, b->seq++);
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
		nftnl_set_free(s);
		if (nftnl_batch_update(b->b) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* The elements of e (sorted, so grouped by set) in messages per set. */
static int batch_all_elems(struct batch *b, uint16_t type, const struct vg_iso_elem *v, size_t n)
{
	size_t i = 0;
	int rc = 0;

	while (i < n && rc == 0) {
		size_t j = i;

		while (j < n && v[j].set == v[i].set)
			j++;
		rc = batch_elems(b, type, v + i, j - i);
		i = j;
	}
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
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, VG_ISO_CHAIN_PRIORITY);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_DROP);
	b->last_seq = b->seq;
	nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b->b), NFT_MSG_NEWCHAIN, NFPROTO_INET, NLM_F_CREATE,
				    b->seq++);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return nftnl_batch_update(b->b) < 0 ? -ENOMEM : 0;
}

static int batch_start(struct batch *b, uint32_t seq)
{
	memset(b, 0, sizeof(*b));
	/* Element messages run to some 40 KiB: room beyond each page for one of them. */
	b->b = nftnl_batch_alloc(1024 * 1024, 128 * 1024);
	if (!b->b)
		return -ENOMEM;
	b->seq = seq;
	nftnl_batch_begin(nftnl_batch_buffer(b->b), b->seq++);
	return nftnl_batch_update(b->b) < 0 ? -ENOMEM : 0;
}

/* Sends the batch on nl and waits for the kernel's verdict on it.  Only the last message asks
 * for an acknowledgement: the kernel reports every failing message anyway, and one ack instead
 * of thousands keeps large rulesets fast. */
static int batch_send(struct vg_iso_nl *nl, struct batch *b, struct vg_error *err)
{
	struct nlmsghdr *last = NULL;
	struct iovec *iov = NULL;
	size_t total = 0;
	int n, rc = 0, first_error = 0;
	bool done = false;

	nftnl_batch_end(nftnl_batch_buffer(b->b), b->seq++);
	nl->seq = b->seq;
	if (nftnl_batch_update(b->b) < 0)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	n = nftnl_batch_iovec_len(b->b);
	iov = calloc((size_t)n, sizeof(*iov));
	if (!iov)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
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
	if (total + 65536 > (size_t)nl->sndbuf) {
		/* The kernel takes the batch in one message: make room for all of it. */
		int size = (int)(total + 65536 > 1u << 30 ? 1u << 30 : total + 65536);

		if (setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
			setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
		nl->sndbuf = size;
	}
	{
		struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
		struct msghdr msg = { .msg_name = &snl, .msg_namelen = sizeof(snl), .msg_iov = iov,
				      .msg_iovlen = (size_t)n };

		if (sendmsg(mnl_socket_get_fd(nl->sock), &msg, 0) < 0) {
			rc = vg_error_set(err, -errno, N_("cannot send the nftables batch: %s"), strerror(errno));
			goto out;
		}
	}
	while (!done) {
		ssize_t len = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		const struct nlmsghdr *h = (const struct nlmsghdr *)nl->buf;
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
	/* After a failure, answers may still come: the next exchange takes a new socket. */
	if (rc < 0 || !done)
		nl->broken = true;
	free(iov);
	return rc;
}

static int batch_fail(struct batch *b, int rc, struct vg_error *err)
{
	if (b->b)
		nftnl_batch_free(b->b);
	return vg_error_set(err, rc, N_("cannot build the nftables batch: %s"), strerror(-rc));
}

/* The whole table, replacing the one in the kernel, in b. */
static int batch_whole_table(struct batch *b, const struct vg_iso_elems *e)
{
	static const char *const chains[] = { "input", "output" };
	int rc;

	/* Add (no-op when present), delete, add: the old table goes in the same transaction. */
	if ((rc = batch_table(b, NFT_MSG_NEWTABLE)) < 0 || (rc = batch_table(b, NFT_MSG_DELTABLE)) < 0 ||
	    (rc = batch_table(b, NFT_MSG_NEWTABLE)) < 0)
		return rc;
	for (unsigned c = 0; c < VG_ISO_CHAIN_COUNT; c++)
		if ((rc = batch_chain(b, vg_iso_chains[c].name, vg_iso_chains[c].hook)) < 0)
			return rc;
	for (unsigned s = 0; s < VG_ISO_SET_COUNT; s++)
		if ((rc = batch_set(b, (enum vg_iso_set)s)) < 0)
			return rc;
	if ((rc = batch_all_elems(b, NFT_MSG_NEWSETELEM, e->v, e->n)) < 0)
		return rc;
	for (unsigned c = 0; c < 2; c++) {
		enum pkt dir = c == 0 ? PKT_IN : PKT_OUT;
		unsigned opener = dir == PKT_IN ? VG_ISO_IN : VG_ISO_OUT;

		if ((rc = batch_rule(b, chains[c], dir, -1, false)) < 0)
			return rc;
		/* The flows opened on this side, then the answers to those opened on the other. */
		for (int reply = 0; reply < 2; reply++)
			for (unsigned s = 0; s < VG_ISO_SET_COUNT; s++)
				if ((vg_iso_sets[s].dir == opener) != (reply == 1) &&
				    (rc = batch_rule(b, chains[c], dir, (int)s, reply == 1)) < 0)
					return rc;
	}
	return 0;
}

int vg_iso_nft_replace(struct vg_iso_nl *nl, const struct vg_iso_elems *e, struct vg_error *err)
{
	struct vg_iso_nl *own;
	struct batch b;
	int rc;

	if ((rc = vg_iso_nl_ready(&nl, &own, err)) < 0)
		return rc;
	if ((rc = batch_start(&b, nl->seq)) < 0 || (rc = batch_whole_table(&b, e)) < 0)
		rc = batch_fail(&b, rc, err);
	else {
		rc = batch_send(nl, &b, err);
		nftnl_batch_free(b.b);
	}
	vg_iso_nl_close(own);
	return rc;
}

int vg_iso_nft_update(struct vg_iso_nl *nl, const struct vg_iso_elems *old, const struct vg_iso_elems *new,
		      size_t *changed, struct vg_error *err)
{
	struct vg_iso_elems del = { 0 }, add = { 0 };
	struct vg_iso_nl *own = NULL;
	size_t i = 0, j = 0;
	struct batch b = { 0 };
	int rc = 0;

	*changed = 0;
	/* Both are sorted: one merge finds what goes and what comes. */
	del.v = malloc((old->n ? old->n : 1) * sizeof(*del.v));
	add.v = malloc((new->n ? new->n : 1) * sizeof(*add.v));
	if (!del.v || !add.v) {
		rc = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto out;
	}
	while (i < old->n || j < new->n) {
		int c = i == old->n ? 1 : j == new->n ? -1 : vg_iso_elem_cmp(&old->v[i], &new->v[j]);

		if (c < 0)
			del.v[del.n++] = old->v[i++];
		else if (c > 0)
			add.v[add.n++] = new->v[j++];
		else
			i++, j++;
	}
	*changed = del.n + add.n;
	if (!*changed)
		goto out;
	if ((rc = vg_iso_nl_ready(&nl, &own, err)) < 0)
		goto out;
	/* Deletions first: an added element may take the place of a deleted one. */
	if ((rc = batch_start(&b, nl->seq)) < 0 || (rc = batch_all_elems(&b, NFT_MSG_DELSETELEM, del.v, del.n)) < 0 ||
	    (rc = batch_all_elems(&b, NFT_MSG_NEWSETELEM, add.v, add.n)) < 0) {
		rc = batch_fail(&b, rc, err);
		b.b = NULL;
		goto out;
	}
	rc = batch_send(nl, &b, err);
out:
	if (b.b)
		nftnl_batch_free(b.b);
	vg_iso_nl_close(own);
	free(del.v);
	free(add.v);
	return rc;
}

int vg_iso_nft_apply(struct vg_iso_nl *nl, const struct vg_iso_rule *rules, size_t n, size_t max_exceptions,
		     struct vg_iso_elems *applied, struct vg_error *err)
{
	struct vg_iso_elems e;
	int rc;

	if ((rc = vg_iso_elems_build(rules, n, VG_ISO_ELEMS_FOR(max_exceptions), &e, err)) < 0)
		return rc;
	rc = vg_iso_nft_replace(nl, &e, err);
	if (rc == 0 && applied)
		*applied = e;
	else
		vg_iso_elems_free(&e);
	return rc;
}

int vg_iso_nft_remove(struct vg_iso_nl *nl, struct vg_error *err)
{
	struct vg_iso_nl *own;
	struct batch b;
	int rc;

	if ((rc = vg_iso_nl_ready(&nl, &own, err)) < 0)
		return rc;
	if ((rc = batch_start(&b, nl->seq)) < 0 || (rc = batch_table(&b, NFT_MSG_NEWTABLE)) < 0 ||
	    (rc = batch_table(&b, NFT_MSG_DELTABLE)) < 0)
		rc = batch_fail(&b, rc, err);
	else {
		rc = batch_send(nl, &b, err);
		nftnl_batch_free(b.b);
	}
	vg_iso_nl_close(own);
	return rc;
}

const struct vg_iso_chain_def vg_iso_chains[VG_ISO_CHAIN_COUNT] = {
	{ "input", NF_INET_LOCAL_IN },
	{ "output", NF_INET_LOCAL_OUT },
	{ "forward", NF_INET_FORWARD },
};

int vg_iso_nft_dump(struct vg_iso_nl *nl, uint16_t type, void *obj, mnl_cb_t cb, void *data)
{
	uint32_t seq = nl->seq++, portid = mnl_socket_get_portid(nl->sock);
	struct nlmsghdr *nlh;
	int rc = 0;
	ssize_t len;

	nlh = nftnl_nlmsg_build_hdr(nl->buf, type, NFPROTO_INET, type == NFT_MSG_GETTABLE ? NLM_F_ACK : NLM_F_DUMP,
				    seq);
	if (type == NFT_MSG_GETRULE)
		nftnl_rule_nlmsg_build_payload(nlh, obj);
	else if (type == NFT_MSG_GETSETELEM)
		nftnl_set_elems_nlmsg_build_payload(nlh, obj);
	else if (type == NFT_MSG_GETSET)
		nftnl_set_nlmsg_build_payload(nlh, obj);
	else if (type == NFT_MSG_GETCHAIN)
		nftnl_chain_nlmsg_build_payload(nlh, obj);
	else
		nftnl_table_nlmsg_build_payload(nlh, obj);
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
		nl->broken = true;
		return -errno;
	}
	while ((len = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf))) > 0) {
		rc = mnl_cb_run(nl->buf, (size_t)len, seq, portid, cb, data);
		if (rc <= 0)
			break;
	}
	rc = rc < 0 ? -errno : 0;
	if (len < 0)
		rc = -errno;
	/* The kernel's "no such object" ends the exchange; any other failure may leave answers
	 * in the queue, for a new socket to forget. */
	if (rc < 0 && rc != -ENOENT)
		nl->broken = true;
	return rc;
}
