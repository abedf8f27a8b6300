/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostport.h"

#define MAX_NAME 253    /* the longest DNS name */

/* The port's number, or 0 when p is not one. */
static long port_number(const char *p)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(p, &end, 10);
	return isdigit((unsigned char)*p) && !*end && !errno && v >= 1 && v <= 65535 ? v : 0;
}

/* Copies len bytes of s, or says it does not fit. */
static int put(char *out, size_t size, const char *s, size_t len)
{
	if (!out)
		return 0;
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

int vg_hostport_parse(const char *value, bool port_required, char *host, size_t hsize, char *port, size_t psize)
{
	const char *h = value, *h_end, *p = NULL;
	char digits[8];
	long number = 0;
	int r;

	if (value[0] == '[') {
		h = value + 1;
		if (!(h_end = strchr(h, ']')) || h_end == h)
			return -EINVAL;
		for (const char *c = h; c < h_end; c++)
			if (!isxdigit((unsigned char)*c) && *c != ':' && *c != '.')
				return -EINVAL;
		if (h_end[1] == ':')
			p = h_end + 2;
		else if (h_end[1])
			return -EINVAL;
	} else {
		/* One colon at most: an IPv6 address without brackets is refused, not misread. */
		if ((h_end = strchr(value, ':')))
			p = h_end + 1;
		else
			h_end = value + strlen(value);
		if (h_end == value || (size_t)(h_end - value) > MAX_NAME)
			return -EINVAL;
		for (const char *c = value; c < h_end; c++)
			if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.')
				return -EINVAL;
	}
	if (p ? !(number = port_number(p)) : port_required)
		return -EINVAL;
	if ((r = put(host, hsize, h, (size_t)(h_end - h))) < 0)
		return r;
	/* The number as a number: "0443" is port 443. */
	snprintf(digits, sizeof(digits), "%ld", number);
	return put(port, psize, p ? digits : "", p ? strlen(digits) : 0);
}
