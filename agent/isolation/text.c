/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The isolation table written in nft's language: what `nft -f` would load to get the same
 * table (nft.c).  The agent never runs nft; this serves the benchmark and people debugging. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "isolation.h"

static void addr(FILE *out, int family, const uint8_t *a)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(family, a, text, sizeof(text));
	fputs(text, out);
}

static unsigned u16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void elem(FILE *out, const struct vg_iso_elem *e)
{
	const struct vg_iso_set_def *d = &vg_iso_sets[e->set];

	addr(out, d->family, e->lo);
	if (memcmp(e->lo, e->hi, d->len[0]) != 0) {
		fputc('-', out);
		addr(out, d->family, e->hi);
	}
	if (!d->interval) {
		fprintf(out, " . %u", e->lo[d->off[1]]);
		for (unsigned f = 2; f < d->nfields; f++)
			fprintf(out, " . %u", u16(e->lo + d->off[f]));
		return;
	}
	fprintf(out, " . %u-%u", e->lo[d->off[1]], e->hi[d->off[1]]);
	for (unsigned f = 2; f < d->nfields; f++)
		fprintf(out, " . %u-%u", u16(e->lo + d->off[f]), u16(e->hi + d->off[f]));
}

static void set(FILE *out, enum vg_iso_set s, const struct vg_iso_elems *e)
{
	const struct vg_iso_set_def *d = &vg_iso_sets[s];
	bool first = true;

	fprintf(out, "\tset %s {\n\t\ttype %s . inet_proto%s\n%s", d->name,
		d->family == AF_INET ? "ipv4_addr" : "ipv6_addr",
		d->key == VG_ISO_KEY_ADDR_PROTO ? "" : d->key == VG_ISO_KEY_ADDR_PROTO_RPORT ? " . inet_service" :
		" . inet_service . inet_service", d->interval ? "\t\tflags interval\n" : "");
	for (size_t i = 0; i < e->n; i++) {
		if (e->v[i].set != s)
			continue;
		fputs(first ? "\t\telements = { " : ",\n\t\t\t", out);
		elem(out, &e->v[i]);
		first = false;
	}
	if (!first)
		fputs(" }\n", out);
	fputs("\t}\n", out);
}

static void lookup(FILE *out, enum vg_iso_set s, bool in, bool reply)
{
	const struct vg_iso_set_def *d = &vg_iso_sets[s];
	bool v4 = d->family == AF_INET;

	fputs("\t\t", out);
	if (reply)
		fputs("ct state established,related ct direction reply ", out);
	fprintf(out, "meta nfproto %s %s %s . meta l4proto", v4 ? "ipv4" : "ipv6", v4 ? "ip" : "ip6",
		in ? "saddr" : "daddr");
	if (d->key == VG_ISO_KEY_ADDR_PROTO_RPORT)
		fputs(in ? " . th sport" : " . th dport", out);
	else if (d->key == VG_ISO_KEY_ADDR_PROTO_PORTS)
		fputs(in ? " . th dport . th sport" : " . th sport . th dport", out);
	fprintf(out, " @%s accept\n", d->name);
}

static void chain(FILE *out, const char *name)
{
	bool in = name[0] == 'i';
	unsigned opener = in ? VG_ISO_IN : VG_ISO_OUT;

	fprintf(out, "\tchain %s {\n\t\ttype filter hook %s priority -10; policy drop;\n", name, name);
	if (name[0] == 'f') {
		fputs("\t}\n", out);
		return;
	}
	fprintf(out, "\t\t%s \"lo\" accept\n", in ? "iifname" : "oifname");
	for (int reply = 0; reply < 2; reply++)
		for (unsigned s = 0; s < VG_ISO_SET_COUNT; s++)
			if ((vg_iso_sets[s].dir == opener) != (reply == 1))
				lookup(out, (enum vg_iso_set)s, in, reply == 1);
	fputs("\t}\n", out);
}

int vg_iso_nft_text(FILE *out, const struct vg_iso_elems *e)
{
	fprintf(out, "table inet %s\ndelete table inet %s\ntable inet %s {\n", VG_ISO_TABLE, VG_ISO_TABLE,
		VG_ISO_TABLE);
	for (unsigned s = 0; s < VG_ISO_SET_COUNT; s++)
		set(out, (enum vg_iso_set)s, e);
	chain(out, "input");
	chain(out, "output");
	chain(out, "forward");
	fputs("}\n", out);
	return ferror(out) ? -1 : 0;
}
