/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The rules made into set elements (agent/isolation/elements.c): exact flows in hash sets,
 * the others as boxes made disjoint, and — checked point by point over a small universe of
 * overlapping random rules — the elements allow exactly what the rules allow.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "isolation/isolation.h"
#include "vigil/error.h"

static struct vg_iso_rule rule(const char *dir, const char *proto, const char *remote, const char *lport,
			       const char *rport)
{
	struct vg_iso_exception ex;
	struct vg_error err;

	if (vg_iso_exception_parse(&ex, dir, proto, remote, lport, rport, NULL, &err) < 0)
		fail_msg("%s", err.message);
	return ex.rule;
}

static size_t count_in(const struct vg_iso_elems *e, enum vg_iso_set s)
{
	size_t n = 0;

	for (size_t i = 0; i < e->n; i++)
		n += e->v[i].set == s;
	return n;
}

static void test_kinds(void **state)
{
	struct vg_iso_rule r[6];
	struct vg_iso_elems e;
	struct vg_error err;

	(void)state;
	r[0] = rule("out", "tcp", "192.0.2.1", NULL, "443");         /* exact: host and port */
	r[1] = rule("out", "udp", "192.0.2.1", NULL, NULL);          /* exact: host */
	r[2] = rule("in", "tcp", "2001:db8::/64", "22", NULL);        /* ranges, IPv6 prefix */
	r[3] = rule("both", "any", "198.51.100.0/24", NULL, NULL);    /* ranges: any protocol */
	r[4] = rule("out", "tcp", "192.0.2.1", NULL, "8000-8100");    /* ranges: remote ports only */
	r[5] = rule("in", "tcp", NULL, "2222", NULL);                 /* no address: both families */
	assert_int_equal(vg_iso_elems_build(r, 6, 100, &e, &err), 0);
	assert_int_equal(count_in(&e, VG_ISO_SET_OUT4_HOST_PORTS), 1);
	assert_int_equal(count_in(&e, VG_ISO_SET_OUT4_HOSTS), 1);
	assert_int_equal(count_in(&e, VG_ISO_SET_IN6_NET_PORTS), 2);
	assert_int_equal(count_in(&e, VG_ISO_SET_OUT4_NETS), 1);
	assert_int_equal(count_in(&e, VG_ISO_SET_IN4_NETS), 1);
	/* Remote ports without a local port: the set of ranges without the local port field. */
	assert_int_equal(count_in(&e, VG_ISO_SET_OUT4_NET_RPORTS), 1);
	assert_int_equal(count_in(&e, VG_ISO_SET_OUT4_NET_PORTS), 0);
	assert_int_equal(count_in(&e, VG_ISO_SET_IN4_NET_PORTS), 1);
	assert_int_equal(e.n, 8);
	/* Sorted, no two alike. */
	for (size_t i = 1; i < e.n; i++)
		assert_true(vg_iso_elem_cmp(&e.v[i - 1], &e.v[i]) < 0);
	vg_iso_elems_free(&e);
}

static void test_overlaps(void **state)
{
	struct vg_iso_rule r[5];
	struct vg_iso_elems e;
	struct vg_error err;

	(void)state;
	/* A /8 for every protocol swallows a host inside it; the same exception twice is one
	 * element; a port range overlapping another in part is cut. */
	r[0] = rule("out", "icmp", "10.1.2.0/24", NULL, NULL);
	r[1] = rule("out", "any", "10.0.0.0/8", NULL, NULL);
	r[2] = rule("out", "udp", "192.0.2.1", NULL, NULL);
	r[3] = rule("out", "udp", "192.0.2.1", NULL, NULL);
	r[4] = rule("out", "tcp", "10.1.0.0/16", NULL, NULL);
	assert_int_equal(vg_iso_elems_build(r, 5, 100, &e, &err), 0);
	assert_int_equal(count_in(&e, VG_ISO_SET_OUT4_NETS), 1);
	assert_int_equal(count_in(&e, VG_ISO_SET_OUT4_HOSTS), 1);
	vg_iso_elems_free(&e);

	r[0] = rule("in", "tcp", "10.0.0.0/8", "100-200", NULL);
	r[1] = rule("in", "tcp", "10.1.2.3", "150-300", NULL);
	assert_int_equal(vg_iso_elems_build(r, 2, 100, &e, &err), 0);
	/* The second keeps only 201-300. */
	assert_int_equal(count_in(&e, VG_ISO_SET_IN4_NET_PORTS), 2);
	vg_iso_elems_free(&e);

	/* Too many elements: refused with a reason, nothing half built. */
	assert_int_equal(vg_iso_elems_build(r, 2, 1, &e, &err), -E2BIG);
	assert_null(e.v);
}

/* The universe of the property test: 10.0.0.0-10.0.0.7, protocols 1, 6, 17 and 50, ports
 * 1-8 (0 stands for "another port"). */
#define ADDRS 8
#define PORTS 9
static const int protos[] = { 1, 6, 17, 50 };

static struct vg_iso_rule random_rule(unsigned *seed)
{
	static const char *const dirs[] = { "in", "out", "both" };
	static const char *const names[] = { "icmp", "tcp", "udp", "any" };
	char remote[32], lport[16], rport[16];
	unsigned prefix = 29 + (unsigned)rand_r(seed) % 4, proto = (unsigned)rand_r(seed) % 4;
	unsigned a = (unsigned)rand_r(seed) % ADDRS, l1 = 1 + (unsigned)rand_r(seed) % 8, l2 = 1 + (unsigned)rand_r(seed) % 8;
	unsigned p1 = 1 + (unsigned)rand_r(seed) % 8, p2 = 1 + (unsigned)rand_r(seed) % 8;
	bool ports = (proto == 1 || proto == 2) && rand_r(seed) % 3, use_l = rand_r(seed) % 2, use_r = rand_r(seed) % 2;

	snprintf(remote, sizeof(remote), "10.0.0.%u/%u", a, prefix);
	snprintf(lport, sizeof(lport), "%u-%u", l1 < l2 ? l1 : l2, l1 < l2 ? l2 : l1);
	snprintf(rport, sizeof(rport), "%u", p1);
	if (rand_r(seed) % 2)
		snprintf(rport, sizeof(rport), "%u-%u", p1 < p2 ? p1 : p2, p1 < p2 ? p2 : p1);
	if (proto == 3)
		prefix = 29; /* "any" needs an address */
	return rule(dirs[rand_r(seed) % 3], names[proto], remote, ports && use_l ? lport : NULL,
		    ports && (use_r || !use_l) ? rport : NULL);
}

static bool rules_allow(const struct vg_iso_rule *r, size_t n, unsigned dir, unsigned addr, int proto, unsigned lp,
			unsigned rp)
{
	for (size_t i = 0; i < n; i++) {
		struct vg_iso_addr a = { .family = AF_INET, .prefix = 32, .bytes = { 10, 0, 0, (uint8_t)addr } };

		if (!(r[i].dir & dir) || !vg_iso_addr_contains(&r[i].remote, &a))
			continue;
		if (r[i].proto >= 0 && r[i].proto != proto)
			continue;
		if (r[i].lport_lo && (lp < r[i].lport_lo || lp > r[i].lport_hi))
			continue;
		if (r[i].rport_lo && (rp < r[i].rport_lo || rp > r[i].rport_hi))
			continue;
		return true;
	}
	return false;
}

/* Whether key k (a packet's key for set s) lies in element x. */
static bool in_elem(const struct vg_iso_elem *x, const uint8_t *k)
{
	const struct vg_iso_set_def *d = &vg_iso_sets[x->set];

	for (unsigned f = 0; f < d->nfields; f++)
		if (memcmp(k + d->off[f], x->lo + d->off[f], d->len[f]) < 0 ||
		    memcmp(k + d->off[f], x->hi + d->off[f], d->len[f]) > 0)
			return false;
	return true;
}

static bool elems_allow(const struct vg_iso_elems *e, unsigned dir, unsigned addr, int proto, unsigned lp, unsigned rp)
{
	bool found = false;

	for (size_t i = 0; i < e->n; i++) {
		const struct vg_iso_set_def *d = &vg_iso_sets[e->v[i].set];
		uint8_t k[VG_ISO_KEY_MAX] = { 10, 0, 0, (uint8_t)addr };

		if (d->family != AF_INET || d->dir != dir)
			continue;
		k[d->off[1]] = (uint8_t)proto;
		if (d->key == VG_ISO_KEY_ADDR_PROTO_RPORT) {
			k[d->off[2] + 1] = (uint8_t)rp;
		} else if (d->key == VG_ISO_KEY_ADDR_PROTO_PORTS) {
			k[d->off[2] + 1] = (uint8_t)lp;
			k[d->off[3] + 1] = (uint8_t)rp;
		}
		if (in_elem(&e->v[i], k)) {
			found = true;
			break;
		}
	}
	return found;
}

static void test_same_flows(void **state)
{
	unsigned seed = 16;

	(void)state;
	for (int round = 0; round < 200; round++) {
		struct vg_iso_rule r[12];
		size_t n = 1 + (size_t)rand_r(&seed) % 12;
		struct vg_iso_elems e;
		struct vg_error err;

		for (size_t i = 0; i < n; i++)
			r[i] = random_rule(&seed);
		assert_int_equal(vg_iso_elems_build(r, n, 100000, &e, &err), 0);
		/* Within a set of ranges, no element holds a corner of another (what the
		 * kernel refuses): they are disjoint. */
		for (size_t i = 0; i < e.n; i++)
			for (size_t j = 0; j < e.n; j++)
				if (i != j && e.v[i].set == e.v[j].set && vg_iso_sets[e.v[i].set].interval)
					assert_false(in_elem(&e.v[i], e.v[j].lo) || in_elem(&e.v[i], e.v[j].hi));
		for (unsigned dir = VG_ISO_IN; dir <= VG_ISO_OUT; dir++)
			for (unsigned a = 0; a < ADDRS; a++)
				for (size_t p = 0; p < sizeof(protos) / sizeof(protos[0]); p++)
					for (unsigned lp = 0; lp < PORTS; lp++)
						for (unsigned rp = 0; rp < PORTS; rp++)
							if (rules_allow(r, n, dir, a, protos[p], lp, rp) !=
							    elems_allow(&e, dir, a, protos[p], lp, rp))
								fail_msg("round %d: dir %u 10.0.0.%u proto %d ports %u %u", round,
									 dir, a, protos[p], lp, rp);
		vg_iso_elems_free(&e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_same_flows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
