/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Isolation exceptions: checking what the administrator wrote, and its canonical form. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ctl-server.h"
#include "isolation.h"
#include "nls.h"
#include "vigil/error.h"

static bool empty(const char *s)
{
	return !s || !*s;
}

int vg_iso_addr_parse(const char *text, struct vg_iso_addr *addr, struct vg_error *err)
{
	char buf[64], *slash;
	unsigned max;

	memset(addr, 0, sizeof(*addr));
	if (strlen(text) >= sizeof(buf))
		return vg_error_set(err, -EINVAL, N_("the address \"%s\" is too long"), text);
	snprintf(buf, sizeof(buf), "%s", text);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, addr->bytes) == 1) {
		addr->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, addr->bytes) == 1) {
		addr->family = AF_INET6;
		max = 128;
	} else {
		return vg_error_set(err, -EINVAL, N_("\"%s\" is not an IPv4 or IPv6 address"), text);
	}
	addr->prefix = max;
	if (slash) {
		char *end;
		unsigned long p;

		errno = 0;
		p = strtoul(slash, &end, 10);
		if (!*slash || *end || errno || p > max || !isdigit((unsigned char)*slash))
			return vg_error_set(err, -EINVAL, N_("the prefix length in \"%s\" is not valid"), text);
		addr->prefix = (unsigned)p;
	}
	/* Clear the host bits so that 192.0.2.7/24 means the network 192.0.2.0/24. */
	for (unsigned bit = addr->prefix; bit < max; bit++)
		addr->bytes[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
	return 0;
}

bool vg_iso_addr_contains(const struct vg_iso_addr *net, const struct vg_iso_addr *addr)
{
	if (!net->family)
		return true;
	if (net->family != addr->family)
		return false;
	for (unsigned bit = 0; bit < net->prefix; bit++) {
		uint8_t m = (uint8_t)(0x80u >> (bit % 8));

		if ((net->bytes[bit / 8] & m) != (addr->bytes[bit / 8] & m))
			return false;
	}
	return true;
}

static int parse_ports(const char *text, const char *what, uint16_t *lo, uint16_t *hi, struct vg_error *err)
{
	char *end;
	unsigned long a, b;

	if (strlen(text) > 11 || !isdigit((unsigned char)*text))
		goto bad;
	errno = 0;
	a = strtoul(text, &end, 10);
	b = a;
	if (*end == '-') {
		const char *second = end + 1;

		if (!isdigit((unsigned char)*second))
			goto bad;
		b = strtoul(second, &end, 10);
	}
	if (*end || errno || a < 1 || a > 65535 || b < 1 || b > 65535)
		goto bad;
	if (b < a)
		return vg_error_set(err, -EINVAL, N_("the port range %s of %s goes backwards"), text, what);
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
bad:
	return vg_error_set(err, -EINVAL, N_("%s must be a port from 1 to 65535 or a range N-M, not \"%s\""), what,
			    text);
}

static void port_text(char *buf, size_t size, uint16_t lo, uint16_t hi)
{
	if (!lo)
		buf[0] = '\0';
	else if (lo == hi)
		snprintf(buf, size, "%u", lo);
	else
		snprintf(buf, size, "%u-%u", lo, hi);
}

static int parse_protocol(const char *text, int *proto, struct vg_error *err)
{
	static const struct {
		const char *name;
		int number;
	} names[] = {
		{ "any", -1 }, { "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "icmp", IPPROTO_ICMP },
		{ "icmpv6", IPPROTO_ICMPV6 }, { "sctp", IPPROTO_SCTP },
	};
	char *end;
	unsigned long n;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(text, names[i].name) == 0) {
			*proto = names[i].number;
			return 0;
		}
	errno = 0;
	n = strtoul(text, &end, 10);
	if (!isdigit((unsigned char)*text) || *end || errno || n > 255)
		return vg_error_set(err, -EINVAL,
				    N_("unknown protocol \"%s\" (tcp, udp, icmp, icmpv6, any or a number from 0 to 255)"),
				    text);
	*proto = (int)n;
	return 0;
}

static void protocol_text(char *buf, size_t size, int proto)
{
	switch (proto) {
	case -1:
		snprintf(buf, size, "any");
		break;
	case IPPROTO_TCP:
		snprintf(buf, size, "tcp");
		break;
	case IPPROTO_UDP:
		snprintf(buf, size, "udp");
		break;
	case IPPROTO_ICMP:
		snprintf(buf, size, "icmp");
		break;
	case IPPROTO_ICMPV6:
		snprintf(buf, size, "icmpv6");
		break;
	case IPPROTO_SCTP:
		snprintf(buf, size, "sctp");
		break;
	default:
		snprintf(buf, size, "%d", proto);
	}
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

int vg_iso_exception_parse(struct vg_iso_exception *ex, const char *direction, const char *protocol,
			   const char *remote, const char *local_port, const char *remote_port,
			   const char *comment, struct vg_error *err)
{
	struct vg_iso_rule *r = &ex->rule;
	char text[INET6_ADDRSTRLEN];
	int rc;

	memset(ex, 0, sizeof(*ex));
	r->icmp_lo = r->icmp_hi = -1;
	if (empty(direction) || strcmp(direction, "both") == 0)
		r->dir = VG_ISO_BOTH;
	else if (strcmp(direction, "in") == 0)
		r->dir = VG_ISO_IN;
	else if (strcmp(direction, "out") == 0)
		r->dir = VG_ISO_OUT;
	else
		return vg_error_set(err, -EINVAL, N_("unknown direction \"%s\" (in, out or both)"), direction);
	r->proto = -1;
	if (!empty(protocol) && (rc = parse_protocol(protocol, &r->proto, err)) < 0)
		return rc;
	if (!empty(remote) && (rc = vg_iso_addr_parse(remote, &r->remote, err)) < 0)
		return rc;
	if (!empty(local_port) && (rc = parse_ports(local_port, "--local-port", &r->lport_lo, &r->lport_hi, err)) < 0)
		return rc;
	if (!empty(remote_port) &&
	    (rc = parse_ports(remote_port, "--remote-port", &r->rport_lo, &r->rport_hi, err)) < 0)
		return rc;
	if ((r->lport_lo || r->rport_lo) && r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP &&
	    r->proto != IPPROTO_SCTP)
		return vg_error_set(err, -EINVAL, N_("ports need the protocol tcp, udp or sctp"));
	if (r->proto == IPPROTO_ICMP && r->remote.family == AF_INET6)
		return vg_error_set(err, -EINVAL, N_("icmp is IPv4 only: use icmpv6 with an IPv6 address"));
	if (r->proto == IPPROTO_ICMPV6 && r->remote.family == AF_INET)
		return vg_error_set(err, -EINVAL, N_("icmpv6 is IPv6 only: use icmp with an IPv4 address"));
	if (r->proto == -1 && !r->remote.family)
		return vg_error_set(err, -EINVAL,
				    N_("an exception for any protocol needs --remote: otherwise it would end the isolation"));
	if (r->remote.family && r->remote.prefix == 0 && r->proto == -1)
		return vg_error_set(err, -EINVAL, N_("a /0 network with any protocol would end the isolation"));
	if (comment && strlen(comment) >= sizeof(ex->comment))
		return vg_error_set(err, -EINVAL, N_("the comment is too long (at most 255 bytes)"));
	if (comment && !printable(comment))
		return vg_error_set(err, -EINVAL, N_("the comment holds control characters"));

	snprintf(ex->direction, sizeof(ex->direction), "%s",
		 r->dir == VG_ISO_BOTH ? "both" : r->dir == VG_ISO_IN ? "in" : "out");
	protocol_text(ex->protocol, sizeof(ex->protocol), r->proto);
	if (r->remote.family) {
		inet_ntop(r->remote.family, r->remote.bytes, text, sizeof(text));
		snprintf(ex->remote, sizeof(ex->remote), "%s/%u", text, r->remote.prefix);
	}
	port_text(ex->local_port, sizeof(ex->local_port), r->lport_lo, r->lport_hi);
	port_text(ex->remote_port, sizeof(ex->remote_port), r->rport_lo, r->rport_hi);
	snprintf(ex->comment, sizeof(ex->comment), "%s", comment ? comment : "");
	return 0;
}

json_t *vg_iso_exception_json(const struct vg_iso_exception *ex)
{
	json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)ex->id, "direction", ex->direction,
			      "protocol", ex->protocol);

	if (!o)
		return NULL;
	vg_ctl_set_time(o, "created", (int64_t)ex->created * 1000);
	json_object_set_new(o, "remote", ex->remote[0] ? json_string(ex->remote) : json_null());
	json_object_set_new(o, "local_port", ex->local_port[0] ? json_string(ex->local_port) : json_null());
	json_object_set_new(o, "remote_port", ex->remote_port[0] ? json_string(ex->remote_port) : json_null());
	json_object_set_new(o, "comment", json_string(ex->comment));
	return o;
}
