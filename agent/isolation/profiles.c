/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rules of the table: central servers, the predefined profiles, then the exceptions. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "isolation.h"

static struct vg_iso_rule make(unsigned dir, int proto, const struct vg_iso_addr *remote, uint16_t lport,
			       uint16_t rport)
{
	struct vg_iso_rule r = { .dir = dir, .proto = proto, .icmp_lo = -1, .icmp_hi = -1 };

	if (remote)
		r.remote = *remote;
	r.lport_lo = r.lport_hi = lport;
	r.rport_lo = r.rport_hi = rport;
	return r;
}

int vg_iso_rules_build(const struct vg_iso_extras *x, const struct vg_iso_rule *ex, size_t nex,
		       struct vg_iso_rule **rules, size_t *n)
{
	size_t max = x->nservers + 2 * x->nresolvers + 8 + nex, k = 0;
	struct vg_iso_rule *r = calloc(max, sizeof(*r));

	if (!r)
		return -ENOMEM;
	/* The agent's own line to its servers comes first: it must never be cut. */
	for (size_t i = 0; i < x->nservers; i++)
		if (x->server_ports[i])
			r[k++] = make(VG_ISO_OUT, IPPROTO_TCP, &x->servers[i], 0, x->server_ports[i]);
	if (x->dns)
		for (size_t i = 0; i < x->nresolvers; i++) {
			r[k++] = make(VG_ISO_OUT, IPPROTO_UDP, &x->resolvers[i], 0, 53);
			r[k++] = make(VG_ISO_OUT, IPPROTO_TCP, &x->resolvers[i], 0, 53);
		}
	if (x->dhcp) {
		/* Offers and acknowledgements come to broadcast or to the new address: conntrack
		 * does not see them as replies, so both directions are allowed, client port to
		 * server port only. */
		r[k++] = make(VG_ISO_BOTH, IPPROTO_UDP, NULL, 68, 67);
		r[k++] = make(VG_ISO_BOTH, IPPROTO_UDP, NULL, 546, 547);
	}
	if (x->ipv6_nd) {
		/* Router solicitation/advertisement, neighbour solicitation/advertisement:
		 * without them IPv6 stops at the link, exceptions included. */
		struct vg_iso_rule nd = make(VG_ISO_BOTH, IPPROTO_ICMPV6, NULL, 0, 0);

		nd.icmp_lo = 133;
		nd.icmp_hi = 136;
		r[k++] = nd;
	}
	for (size_t i = 0; i < nex; i++)
		r[k++] = ex[i];
	*rules = r;
	*n = k;
	return 0;
}

bool vg_iso_rules_allow_out(const struct vg_iso_rule *rules, size_t n, const struct vg_iso_addr *addr,
			    uint16_t port)
{
	for (size_t i = 0; i < n; i++) {
		const struct vg_iso_rule *r = &rules[i];

		if (!(r->dir & VG_ISO_OUT) || (r->proto != -1 && r->proto != IPPROTO_TCP) || r->lport_lo)
			continue;
		if (r->rport_lo && (port < r->rport_lo || port > r->rport_hi))
			continue;
		if (vg_iso_addr_contains(&r->remote, addr))
			return true;
	}
	return false;
}

static size_t read_nameservers(const char *path, struct vg_iso_addr *out, size_t have, size_t max,
			       bool *stub)
{
	char line[512];
	FILE *f = fopen(path, "re");
	unsigned lines = 0;

	if (!f)
		return have;
	while (have < max && lines++ < 1000 && fgets(line, sizeof(line), f)) {
		char name[64];
		struct vg_iso_addr a;
		bool dup = false;

		if (sscanf(line, " nameserver %63s", name) != 1)
			continue;
		if (vg_iso_addr_parse(name, &a, NULL) < 0)
			continue;
		if (a.family == AF_INET && a.bytes[0] == 127) {
			/* Loopback is allowed anyway; note the systemd-resolved stub. */
			*stub = true;
			continue;
		}
		for (size_t i = 0; i < have; i++)
			dup |= memcmp(&out[i], &a, sizeof(a)) == 0;
		if (!dup)
			out[have++] = a;
	}
	fclose(f);
	return have;
}

size_t vg_iso_resolvers_read(struct vg_iso_addr *out, size_t max)
{
	bool stub = false;
	size_t n = read_nameservers("/etc/resolv.conf", out, 0, max, &stub);

	/* Behind the 127.0.0.53 stub, the resolvers that matter are its upstream servers. */
	if (stub)
		n = read_nameservers("/run/systemd/resolve/resolv.conf", out, n, max, &stub);
	return n;
}
