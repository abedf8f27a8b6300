/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The isolation ruleset written in nft's language: what `nft -f` would load to get the same
 * table.  The agent never runs nft; this serves the benchmark and people debugging. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "isolation.h"

enum pkt { PKT_IN, PKT_OUT };

static void range(FILE *out, const char *what, unsigned lo, unsigned hi)
{
	if (lo == hi)
		fprintf(out, " %s %u", what, lo);
	else
		fprintf(out, " %s %u-%u", what, lo, hi);
}

static void rule(FILE *out, const struct vg_iso_rule *r, enum pkt dir, bool reply)
{
	fputs("\t\t", out);
	if (r->remote.family) {
		char text[INET6_ADDRSTRLEN];
		bool v4 = r->remote.family == AF_INET;

		inet_ntop(r->remote.family, r->remote.bytes, text, sizeof(text));
		if (r->remote.prefix == 0)
			fprintf(out, "meta nfproto %s", v4 ? "ipv4" : "ipv6");
		else
			fprintf(out, "%s %s %s/%u", v4 ? "ip" : "ip6", dir == PKT_IN ? "saddr" : "daddr", text,
				r->remote.prefix);
	}
	if (r->proto >= 0)
		fprintf(out, " meta l4proto %d", r->proto);
	if (r->lport_lo)
		range(out, dir == PKT_OUT ? "th sport" : "th dport", r->lport_lo, r->lport_hi);
	if (r->rport_lo)
		range(out, dir == PKT_OUT ? "th dport" : "th sport", r->rport_lo, r->rport_hi);
	if (!reply && r->icmp_lo >= 0)
		range(out, "@th,0,8", (unsigned)r->icmp_lo, (unsigned)r->icmp_hi);
	if (reply)
		fputs(" ct state established,related ct direction reply", out);
	fputs(" accept\n", out);
}

static void chain(FILE *out, const char *name, const char *hook, const struct vg_iso_rule *rules, size_t n)
{
	enum pkt dir = name[0] == 'i' ? PKT_IN : PKT_OUT;

	fprintf(out, "\tchain %s {\n\t\ttype filter hook %s priority -10; policy drop;\n", name, hook);
	if (name[0] == 'f') {
		fputs("\t}\n", out);
		return;
	}
	fprintf(out, "\t\t%s \"lo\" accept\n", dir == PKT_IN ? "iifname" : "oifname");
	for (size_t i = 0; i < n; i++) {
		unsigned opener = dir == PKT_IN ? VG_ISO_IN : VG_ISO_OUT;

		if (rules[i].dir & opener)
			rule(out, &rules[i], dir, false);
		else
			rule(out, &rules[i], dir, true);
	}
	fputs("\t}\n", out);
}

int vg_iso_nft_text(FILE *out, const struct vg_iso_rule *rules, size_t n)
{
	fprintf(out, "table inet %s\ndelete table inet %s\ntable inet %s {\n", VG_ISO_TABLE, VG_ISO_TABLE,
		VG_ISO_TABLE);
	chain(out, "input", "input", rules, n);
	chain(out, "output", "output", rules, n);
	chain(out, "forward", "forward", rules, n);
	fputs("}\n", out);
	return ferror(out) ? -1 : 0;
}
