/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The allowed flows as elements of the isolation table's sets (see nft.c for the sets and
 * the rules that look them up).
 *
 * Each rule becomes one element per address family and per side that may open the flow.  One
 * host with one protocol and at most a remote port is an exact key (a hash set); any other
 * rule is a box: a range of remote addresses (the prefix), of protocols (one, or 0-255 for
 * "any"), and, in the sets with ports, of local and remote ports.  The kernel's set for
 * concatenated ranges (pipapo) refuses an element whose first or last point lies inside
 * another element, so boxes are made disjoint here: a box inside another one is dropped (both
 * only accept), and a box that overlaps another in part is cut into the pieces outside it.
 * The result is sorted, so that two results can be compared element by element: adding or
 * removing one exception then changes only the elements that differ.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "isolation.h"
#include "nls.h"
#include "vigil/error.h"

/* Fields: the remote address, the protocol (1 byte in a 4-byte register), then the ports
 * (2 bytes each in a register).  An ICMP type is the first byte of the transport header, so
 * it rides in the port field that reads bytes 0-1 of the packet's header. */
#define V4_HOSTS(n, d) { n, AF_INET, VG_ISO_KEY_ADDR_PROTO, false, d, 8, 2, { 0, 4 }, { 4, 1 } }
#define V4_HOST_PORTS(n, d) { n, AF_INET, VG_ISO_KEY_ADDR_PROTO_RPORT, false, d, 12, 3, { 0, 4, 8 }, { 4, 1, 2 } }
#define V4_NETS(n, d) { n, AF_INET, VG_ISO_KEY_ADDR_PROTO, true, d, 8, 2, { 0, 4 }, { 4, 1 } }
#define V4_NET_RPORTS(n, d) { n, AF_INET, VG_ISO_KEY_ADDR_PROTO_RPORT, true, d, 12, 3, { 0, 4, 8 }, { 4, 1, 2 } }
#define V4_NET_PORTS(n, d) { n, AF_INET, VG_ISO_KEY_ADDR_PROTO_PORTS, true, d, 16, 4, { 0, 4, 8, 12 }, { 4, 1, 2, 2 } }
#define V6_HOSTS(n, d) { n, AF_INET6, VG_ISO_KEY_ADDR_PROTO, false, d, 20, 2, { 0, 16 }, { 16, 1 } }
#define V6_HOST_PORTS(n, d) { n, AF_INET6, VG_ISO_KEY_ADDR_PROTO_RPORT, false, d, 24, 3, { 0, 16, 20 }, { 16, 1, 2 } }
#define V6_NETS(n, d) { n, AF_INET6, VG_ISO_KEY_ADDR_PROTO, true, d, 20, 2, { 0, 16 }, { 16, 1 } }
#define V6_NET_RPORTS(n, d) { n, AF_INET6, VG_ISO_KEY_ADDR_PROTO_RPORT, true, d, 24, 3, { 0, 16, 20 }, { 16, 1, 2 } }
#define V6_NET_PORTS(n, d) { n, AF_INET6, VG_ISO_KEY_ADDR_PROTO_PORTS, true, d, 28, 4, { 0, 16, 20, 24 }, { 16, 1, 2, 2 } }

const struct vg_iso_set_def vg_iso_sets[VG_ISO_SET_COUNT] = {
	[VG_ISO_SET_OUT4_HOSTS] = V4_HOSTS("out4_hosts", VG_ISO_OUT),
	[VG_ISO_SET_OUT4_HOST_PORTS] = V4_HOST_PORTS("out4_host_ports", VG_ISO_OUT),
	[VG_ISO_SET_OUT4_NETS] = V4_NETS("out4_nets", VG_ISO_OUT),
	[VG_ISO_SET_OUT4_NET_RPORTS] = V4_NET_RPORTS("out4_net_rports", VG_ISO_OUT),
	[VG_ISO_SET_OUT4_NET_PORTS] = V4_NET_PORTS("out4_net_ports", VG_ISO_OUT),
	[VG_ISO_SET_IN4_HOSTS] = V4_HOSTS("in4_hosts", VG_ISO_IN),
	[VG_ISO_SET_IN4_HOST_PORTS] = V4_HOST_PORTS("in4_host_ports", VG_ISO_IN),
	[VG_ISO_SET_IN4_NETS] = V4_NETS("in4_nets", VG_ISO_IN),
	[VG_ISO_SET_IN4_NET_RPORTS] = V4_NET_RPORTS("in4_net_rports", VG_ISO_IN),
	[VG_ISO_SET_IN4_NET_PORTS] = V4_NET_PORTS("in4_net_ports", VG_ISO_IN),
	[VG_ISO_SET_OUT6_HOSTS] = V6_HOSTS("out6_hosts", VG_ISO_OUT),
	[VG_ISO_SET_OUT6_HOST_PORTS] = V6_HOST_PORTS("out6_host_ports", VG_ISO_OUT),
	[VG_ISO_SET_OUT6_NETS] = V6_NETS("out6_nets", VG_ISO_OUT),
	[VG_ISO_SET_OUT6_NET_RPORTS] = V6_NET_RPORTS("out6_net_rports", VG_ISO_OUT),
	[VG_ISO_SET_OUT6_NET_PORTS] = V6_NET_PORTS("out6_net_ports", VG_ISO_OUT),
	[VG_ISO_SET_IN6_HOSTS] = V6_HOSTS("in6_hosts", VG_ISO_IN),
	[VG_ISO_SET_IN6_HOST_PORTS] = V6_HOST_PORTS("in6_host_ports", VG_ISO_IN),
	[VG_ISO_SET_IN6_NETS] = V6_NETS("in6_nets", VG_ISO_IN),
	[VG_ISO_SET_IN6_NET_RPORTS] = V6_NET_RPORTS("in6_net_rports", VG_ISO_IN),
	[VG_ISO_SET_IN6_NET_PORTS] = V6_NET_PORTS("in6_net_ports", VG_ISO_IN),
};

void vg_iso_elems_free(struct vg_iso_elems *e)
{
	free(e->v);
	memset(e, 0, sizeof(*e));
}

static int push(struct vg_iso_elems *e, const struct vg_iso_elem *x, size_t max)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 64;
		struct vg_iso_elem *v;

		if (e->n >= max)
			return -E2BIG;
		if (cap > max)
			cap = max;
		if (!(v = realloc(e->v, cap * sizeof(*v))))
			return -ENOMEM;
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n++] = *x;
	return 0;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Which kind of set rule r goes to: an exact key when it names one host, one protocol and at
 * most a remote port; ranges otherwise, without the local port when the rule has none (an
 * ICMP type rides in the local port field of outgoing packets: those keep it). */
static enum vg_iso_key key_of(const struct vg_iso_rule *r, bool *interval)
{
	bool ported = r->lport_lo || r->rport_lo || r->icmp_lo >= 0;
	unsigned full = r->remote.family == AF_INET ? 32 : 128;

	*interval = !r->remote.family || r->remote.prefix != full || r->proto < 0 || r->lport_lo ||
		    r->rport_lo != r->rport_hi || r->icmp_lo >= 0;
	if (!ported)
		return VG_ISO_KEY_ADDR_PROTO;
	if (!*interval || (!r->lport_lo && r->icmp_lo < 0))
		return VG_ISO_KEY_ADDR_PROTO_RPORT;
	return VG_ISO_KEY_ADDR_PROTO_PORTS;
}

/* The box of rule r in set s, or false when r has no place in s. */
static bool box(const struct vg_iso_rule *r, enum vg_iso_set s, struct vg_iso_elem *x)
{
	const struct vg_iso_set_def *d = &vg_iso_sets[s];
	unsigned alen = d->len[0], lport_lo = 0, lport_hi = 65535, rport_lo = 0, rport_hi = 65535;
	bool interval;
	enum vg_iso_key key = key_of(r, &interval);

	if (!(r->dir & d->dir) || key != d->key || interval != d->interval ||
	    (r->remote.family && r->remote.family != d->family))
		return false;
	memset(x, 0, sizeof(*x));
	x->set = (uint8_t)s;
	if (r->remote.family) {
		memcpy(x->lo, r->remote.bytes, alen);
		memcpy(x->hi, r->remote.bytes, alen);
		for (unsigned bit = r->remote.prefix; bit < alen * 8; bit++)
			x->hi[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
	} else {
		memset(x->hi, 0xff, alen);
	}
	x->lo[d->off[1]] = r->proto < 0 ? 0 : (uint8_t)r->proto;
	x->hi[d->off[1]] = r->proto < 0 ? 255 : (uint8_t)r->proto;
	if (d->key == VG_ISO_KEY_ADDR_PROTO)
		return true;
	if (d->key == VG_ISO_KEY_ADDR_PROTO_RPORT) {
		put16(x->lo + d->off[2], r->rport_lo);
		put16(x->hi + d->off[2], r->rport_hi); /* the same port in a hash set */
		return true;
	}
	if (r->lport_lo) {
		lport_lo = r->lport_lo;
		lport_hi = r->lport_hi;
	}
	if (r->rport_lo) {
		rport_lo = r->rport_lo;
		rport_hi = r->rport_hi;
	}
	if (r->icmp_lo >= 0) {
		/* The type is byte 0 of the header: the local field of outgoing packets, the
		 * remote field of incoming ones (see the keys in nft.c). */
		unsigned lo = (unsigned)r->icmp_lo << 8, hi = (unsigned)r->icmp_hi << 8 | 0xff;

		if (d->dir == VG_ISO_OUT) {
			lport_lo = lo;
			lport_hi = hi;
		} else {
			rport_lo = lo;
			rport_hi = hi;
		}
	}
	put16(x->lo + d->off[2], lport_lo);
	put16(x->hi + d->off[2], lport_hi);
	put16(x->lo + d->off[3], rport_lo);
	put16(x->hi + d->off[3], rport_hi);
	return true;
}

static int field_cmp(const uint8_t *a, const uint8_t *b, const struct vg_iso_set_def *d, unsigned f)
{
	return memcmp(a + d->off[f], b + d->off[f], d->len[f]);
}

/* Set, then for each field its low end ascending and its high end descending: a box comes
 * before every box it contains. */
static int sweep_order(const void *pa, const void *pb)
{
	const struct vg_iso_elem *a = pa, *b = pb;
	const struct vg_iso_set_def *d = &vg_iso_sets[a->set];
	int c;

	if (a->set != b->set)
		return a->set < b->set ? -1 : 1;
	for (unsigned f = 0; f < d->nfields; f++) {
		if ((c = field_cmp(a->lo, b->lo, d, f)) != 0)
			return c;
		if ((c = field_cmp(b->hi, a->hi, d, f)) != 0)
			return c;
	}
	return 0;
}

int vg_iso_elem_cmp(const struct vg_iso_elem *a, const struct vg_iso_elem *b)
{
	int c;

	if (a->set != b->set)
		return a->set < b->set ? -1 : 1;
	if ((c = memcmp(a->lo, b->lo, vg_iso_sets[a->set].key_len)) != 0)
		return c;
	return memcmp(a->hi, b->hi, vg_iso_sets[a->set].key_len);
}

static int final_order(const void *a, const void *b)
{
	return vg_iso_elem_cmp(a, b);
}

static bool overlap(const struct vg_iso_elem *a, const struct vg_iso_elem *b)
{
	const struct vg_iso_set_def *d = &vg_iso_sets[a->set];

	for (unsigned f = 0; f < d->nfields; f++)
		if (field_cmp(a->lo, b->hi, d, f) > 0 || field_cmp(b->lo, a->hi, d, f) > 0)
			return false;
	return true;
}

/* Big-endian field arithmetic: the value just below or above (never called at 0 or the max). */
static void field_step(uint8_t *p, unsigned len, bool up)
{
	for (unsigned i = len; i-- > 0;) {
		if (up ? p[i]++ != 0xff : p[i]-- != 0)
			break;
	}
}

/* The pieces of p outside a (p and a overlap), pushed on pieces; at most 2 per field. */
static int subtract(struct vg_iso_elem p, const struct vg_iso_elem *a, struct vg_iso_elems *pieces, size_t max)
{
	const struct vg_iso_set_def *d = &vg_iso_sets[p.set];
	int rc;

	for (unsigned f = 0; f < d->nfields; f++) {
		const unsigned off = d->off[f], len = d->len[f];

		if (field_cmp(p.lo, a->lo, d, f) < 0) {
			struct vg_iso_elem below = p;

			memcpy(below.hi + off, a->lo + off, len);
			field_step(below.hi + off, len, false);
			if ((rc = push(pieces, &below, max)) < 0)
				return rc;
			memcpy(p.lo + off, a->lo + off, len);
		}
		if (field_cmp(p.hi, a->hi, d, f) > 0) {
			struct vg_iso_elem above = p;

			memcpy(above.lo + off, a->hi + off, len);
			field_step(above.lo + off, len, true);
			if ((rc = push(pieces, &above, max)) < 0)
				return rc;
			memcpy(p.hi + off, a->hi + off, len);
		}
	}
	return 0; /* what is left of p lies inside a: dropped */
}

/* Cuts b into the pieces that no box of out[active] covers and appends them to out. */
static int place(struct vg_iso_elems *out, const size_t *active, size_t nactive, const struct vg_iso_elem *b,
		 struct vg_iso_elems *pieces, struct vg_iso_elems *next, size_t max)
{
	int rc;

	pieces->n = 0;
	if ((rc = push(pieces, b, max)) < 0)
		return rc;
	for (size_t k = 0; k < nactive && pieces->n; k++) {
		const struct vg_iso_elem *a = &out->v[active[k]];

		next->n = 0;
		for (size_t i = 0; i < pieces->n; i++) {
			if (!overlap(&pieces->v[i], a))
				rc = push(next, &pieces->v[i], max);
			else
				rc = subtract(pieces->v[i], a, next, max);
			if (rc < 0)
				return rc;
		}
		{
			struct vg_iso_elems t = *pieces;

			*pieces = *next;
			*next = t;
		}
	}
	for (size_t i = 0; i < pieces->n; i++)
		if ((rc = push(out, &pieces->v[i], max)) < 0)
			return rc;
	return 0;
}

/* Makes the boxes of all (sorted by sweep_order) disjoint into out.  A sweep over the first
 * field (the address): only the boxes already placed whose addresses reach the current box
 * can overlap it, so distinct hosts cost a comparison or two each. */
static int disjoin(const struct vg_iso_elems *all, struct vg_iso_elems *out, size_t max)
{
	struct vg_iso_elems pieces = { 0 }, next = { 0 };
	size_t *active = NULL, nactive = 0, cap = 0;
	int rc = 0;

	for (size_t i = 0; i < all->n; i++) {
		const struct vg_iso_elem *b = &all->v[i];
		const struct vg_iso_set_def *d = &vg_iso_sets[b->set];
		size_t first = out->n, keep = 0;

		if (!d->interval) {
			/* Exact keys: only a second copy of the same key must go. */
			if (out->n && vg_iso_elem_cmp(&out->v[out->n - 1], b) == 0)
				continue;
			if ((rc = push(out, b, max)) < 0)
				goto out;
			continue;
		}

		/* Forget the boxes of another set or that end before this one begins. */
		for (size_t k = 0; k < nactive; k++) {
			const struct vg_iso_elem *a = &out->v[active[k]];

			if (a->set == b->set && field_cmp(a->hi, b->lo, d, 0) >= 0)
				active[keep++] = active[k];
		}
		nactive = keep;
		if ((rc = place(out, active, nactive, b, &pieces, &next, max)) < 0)
			goto out;
		if (nactive + (out->n - first) > cap) {
			size_t ncap = (nactive + (out->n - first)) * 2 + 16;
			size_t *p = realloc(active, ncap * sizeof(*p));

			if (!p) {
				rc = -ENOMEM;
				goto out;
			}
			active = p;
			cap = ncap;
		}
		for (size_t k = first; k < out->n; k++)
			active[nactive++] = k;
	}
out:
	free(active);
	vg_iso_elems_free(&pieces);
	vg_iso_elems_free(&next);
	return rc;
}

int vg_iso_elems_build(const struct vg_iso_rule *rules, size_t n, size_t max, struct vg_iso_elems *out,
		       struct vg_error *err)
{
	struct vg_iso_elems all = { 0 };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n && rc == 0; i++)
		for (unsigned s = 0; s < VG_ISO_SET_COUNT && rc == 0; s++) {
			struct vg_iso_elem x;

			if (box(&rules[i], (enum vg_iso_set)s, &x))
				rc = push(&all, &x, max);
		}
	if (rc == 0) {
		qsort(all.v, all.n, sizeof(*all.v), sweep_order);
		rc = disjoin(&all, out, max);
	}
	vg_iso_elems_free(&all);
	if (rc < 0) {
		vg_iso_elems_free(out);
		if (rc == -E2BIG) {
			char text[32];

			snprintf(text, sizeof(text), "%zu", max);
			return vg_error_set(err, rc, N_("the isolation rules need more than %s set elements"), text);
		}
		return vg_error_set(err, rc, N_("out of memory"));
	}
	qsort(out->v, out->n, sizeof(*out->v), final_order);
	return 0;
}
