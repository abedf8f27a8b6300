/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HOST[:PORT] as the settings give a server or a receiver: a DNS name or an IPv4 address, or a
 * bracketed IPv6 address, and a port from 1 to 65535. */
#ifndef VIGIL_HOSTPORT_H
#define VIGIL_HOSTPORT_H

#include <stdbool.h>
#include <stddef.h>

/* Splits value into host (brackets taken off) and port ("" when there is none); either may be
 * NULL.  -EINVAL when value is not such an address, or has no port and port_required is set;
 * -ENAMETOOLONG when host or port does not fit. */
int vg_hostport_parse(const char *value, bool port_required, char *host, size_t hsize, char *port, size_t psize);

#endif
