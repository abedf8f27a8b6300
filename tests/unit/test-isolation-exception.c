/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Isolation exceptions: what is accepted, its canonical form, what is refused and why,
 * and the rules and nft text made from them. */
#include "config.h"

#include <errno.h>
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

static void test_canonical(void **state)
{
	struct vg_iso_exception ex;
	struct vg_error err;

	(void)state;
	assert_int_equal(vg_iso_exception_parse(&ex, "out", "tcp", "192.0.2.77/24", NULL, "8080", "console", &err), 0);
	assert_string_equal(ex.direction, "out");
	assert_string_equal(ex.protocol, "tcp");
	assert_string_equal(ex.remote, "192.0.2.0/24");
	assert_string_equal(ex.remote_port, "8080");
	assert_string_equal(ex.local_port, "");
	assert_int_equal(ex.rule.dir, VG_ISO_OUT);
	assert_int_equal(ex.rule.rport_lo, 8080);
	assert_int_equal(ex.rule.rport_hi, 8080);

	assert_int_equal(vg_iso_exception_parse(&ex, NULL, "udp", "2001:db8:1::5/48", "6000-6010", NULL, NULL, &err), 0);
	assert_string_equal(ex.direction, "both");
	assert_string_equal(ex.remote, "2001:db8:1::/48");
	assert_string_equal(ex.local_port, "6000-6010");
	assert_int_equal(ex.rule.remote.family, AF_INET6);

	assert_int_equal(vg_iso_exception_parse(&ex, "in", "47", "10.0.0.1", NULL, NULL, NULL, &err), 0);
	assert_string_equal(ex.protocol, "47");
	assert_string_equal(ex.remote, "10.0.0.1/32");
}

static void refused(const char *dir, const char *proto, const char *remote, const char *lport, const char *rport,
		    const char *comment)
{
	struct vg_iso_exception ex;
	struct vg_error err;

	vg_error_clear(&err);
	assert_int_equal(vg_iso_exception_parse(&ex, dir, proto, remote, lport, rport, comment, &err), -EINVAL);
	assert_true(err.message[0] != '\0');
}

static void test_refused(void **state)
{
	char longc[300];

	(void)state;
	refused("sideways", "tcp", NULL, NULL, "80", NULL);
	refused("out", "gre-ish", NULL, NULL, NULL, NULL);
	refused("out", "256", "10.0.0.1", NULL, NULL, NULL);
	refused("out", "icmp", NULL, "22", NULL, NULL);            /* ports without tcp/udp */
	refused("out", "icmp", "2001:db8::1", NULL, NULL, NULL);   /* icmp with IPv6 */
	refused("out", "icmpv6", "192.0.2.1", NULL, NULL, NULL);   /* icmpv6 with IPv4 */
	refused("out", "any", NULL, NULL, NULL, NULL);             /* would end isolation */
	refused("out", "any", "0.0.0.0/0", NULL, NULL, NULL);
	refused("out", "tcp", "10.0.0.1/33", NULL, NULL, NULL);
	refused("out", "tcp", "10.0.0.1/", NULL, NULL, NULL);
	refused("out", "tcp", "host.example", NULL, NULL, NULL);
	refused("out", "tcp", NULL, "0", NULL, NULL);
	refused("out", "tcp", NULL, "65536", NULL, NULL);
	refused("out", "tcp", NULL, "90-80", NULL, NULL);
	refused("out", "tcp", NULL, "80-", NULL, NULL);
	refused("out", "tcp", NULL, "-80", NULL, NULL);
	refused("out", "tcp", NULL, NULL, "8o", NULL);
	refused("out", "tcp", NULL, NULL, "80", "bad\ncomment");
	memset(longc, 'x', sizeof(longc) - 1);
	longc[sizeof(longc) - 1] = '\0';
	refused("out", "tcp", NULL, NULL, "80", longc);
}

static void test_contains(void **state)
{
	struct vg_iso_addr net, a;

	(void)state;
	assert_int_equal(vg_iso_addr_parse("10.77.1.0/24", &net, NULL), 0);
	assert_int_equal(vg_iso_addr_parse("10.77.1.200", &a, NULL), 0);
	assert_true(vg_iso_addr_contains(&net, &a));
	assert_int_equal(vg_iso_addr_parse("10.77.2.2", &a, NULL), 0);
	assert_false(vg_iso_addr_contains(&net, &a));
	assert_int_equal(vg_iso_addr_parse("fd77:1::2", &a, NULL), 0);
	assert_false(vg_iso_addr_contains(&net, &a));
	assert_int_equal(vg_iso_addr_parse("fd77::/15", &net, NULL), 0);
	assert_true(vg_iso_addr_contains(&net, &a));
}

static void test_rules_and_text(void **state)
{
	struct vg_iso_extras x = { .dhcp = true, .dns = true, .ipv6_nd = true, .nresolvers = 1, .nservers = 1 };
	struct vg_iso_exception ex[2];
	struct vg_iso_rule *rules = NULL, er[2];
	struct vg_iso_elems e;
	struct vg_iso_addr a;
	struct vg_error err;
	char *text = NULL;
	size_t n = 0, len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(vg_iso_addr_parse("192.0.2.10", &x.servers[0], NULL), 0);
	x.server_ports[0] = 8443;
	assert_int_equal(vg_iso_addr_parse("192.0.2.53", &x.resolvers[0], NULL), 0);
	assert_int_equal(vg_iso_exception_parse(&ex[0], "out", "tcp", "198.51.100.0/24", NULL, "1000-2000", NULL, NULL), 0);
	assert_int_equal(vg_iso_exception_parse(&ex[1], "in", "udp", "2001:db8::/32", "53", NULL, NULL, NULL), 0);
	er[0] = ex[0].rule;
	er[1] = ex[1].rule;
	assert_int_equal(vg_iso_rules_build(&x, er, 2, &rules, &n), 0);
	/* server, 2 DNS, 2 DHCP, ND, 2 exceptions */
	assert_int_equal(n, 8);

	assert_true(vg_iso_rules_allow_out(rules, n, &x.servers[0], 8443));
	assert_false(vg_iso_rules_allow_out(rules, n, &x.servers[0], 443));
	assert_int_equal(vg_iso_addr_parse("198.51.100.7", &a, NULL), 0);
	assert_true(vg_iso_rules_allow_out(rules, n, &a, 1500));
	assert_false(vg_iso_rules_allow_out(rules, n, &a, 2500));

	assert_int_equal(vg_iso_elems_build(rules, n, 1000, &e, &err), 0);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(vg_iso_nft_text(f, &e), 0);
	fclose(f);
	assert_non_null(strstr(text, "table inet vigil {"));
	assert_non_null(strstr(text, "policy drop;"));
	/* The server and the resolvers are exact: hash sets. */
	assert_non_null(strstr(text, "set out4_host_ports {\n\t\ttype ipv4_addr . inet_proto . inet_service\n"
				     "\t\telements = { 192.0.2.10 . 6 . 8443"));
	assert_non_null(strstr(text, "192.0.2.53 . 17 . 53"));
	/* Networks and ranges: sets of concatenated ranges. */
	/* Remote ports alone: the set of ranges without the local port. */
	assert_non_null(strstr(text, "set out4_net_rports {\n\t\ttype ipv4_addr . inet_proto . inet_service\n"
				     "\t\tflags interval\n\t\telements = { 198.51.100.0-198.51.100.255 . 6-6 . 1000-2000 }"));
	assert_non_null(strstr(text, "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff . 17-17 . 53-53 . 0-65535"));
	/* ICMPv6 types 133-136 as bytes 0-1 of the header. */
	assert_non_null(strstr(text, ". 58-58 . 34048-35071 . 0-65535"));
	assert_non_null(strstr(text, "\t\tmeta nfproto ipv4 ip daddr . meta l4proto . th dport @out4_host_ports accept"));
	assert_non_null(strstr(text, "ct state established,related ct direction reply meta nfproto ipv4 ip saddr . meta l4proto . th sport @out4_host_ports accept"));
	/* No generic established rule: existing flows are allowed only by their own elements. */
	assert_null(strstr(text, "\t\tct state established,related accept"));
	free(text);
	vg_iso_elems_free(&e);
	free(rules);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_rules_and_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
