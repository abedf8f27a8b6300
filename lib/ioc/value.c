/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Typed values of OpenIOC: integers, xs:dateTime, durations, booleans, hashes, IP addresses,
 * and the Lucene ranges of 1.0 ("A TO B", "[A TO B]"), parsed once when a document loads. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ioc-int.h"
#include "nls.h"

static void trim(const char **s, size_t *len)
{
	while (*len && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

int ioc_parse_int(const char *s, size_t len, int64_t *out)
{
	char buf[32];
	char *end;

	trim(&s, &len);
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	long long v = strtoll(buf, &end, 10);
	if (errno || *end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

static int digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* xs:dateTime: YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM|-HH:MM], or a date alone; no zone means UTC. */
int ioc_parse_date(const char *s, size_t len, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;

	trim(&s, &len);
	if (len < 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) < 0 || digits(s + 5, 2, &mo) < 0 ||
	    digits(s + 8, 2, &d) < 0)
		return -EINVAL;
	size_t p = 10;
	if (p < len && (s[p] == 'T' || s[p] == 't' || s[p] == ' ')) {
		if (len < p + 9 || s[p + 3] != ':' || s[p + 6] != ':' || digits(s + p + 1, 2, &h) < 0 ||
		    digits(s + p + 4, 2, &mi) < 0 || digits(s + p + 7, 2, &sec) < 0)
			return -EINVAL;
		p += 9;
		if (p < len && s[p] == '.') {
			p++;
			while (p < len && isdigit((unsigned char)s[p]))
				p++;
		}
	}
	int64_t offset = 0;
	if (p < len && (s[p] == 'Z' || s[p] == 'z')) {
		p++;
	} else if (p < len && (s[p] == '+' || s[p] == '-')) {
		int oh, om;
		if (len < p + 6 || s[p + 3] != ':' || digits(s + p + 1, 2, &oh) < 0 || digits(s + p + 4, 2, &om) < 0)
			return -EINVAL;
		offset = (int64_t)(oh * 3600 + om * 60) * (s[p] == '-' ? -1 : 1);
		p += 6;
	}
	if (p != len || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60)
		return -EINVAL;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_sec = sec };
	*out = (int64_t)timegm(&tm) - offset;
	return 0;
}

int ioc_parse_bool(const char *s, size_t len, int64_t *out)
{
	trim(&s, &len);
	if ((len == 4 && strncasecmp(s, "true", 4) == 0) || (len == 1 && s[0] == '1'))
		*out = 1;
	else if ((len == 5 && strncasecmp(s, "false", 5) == 0) || (len == 1 && s[0] == '0'))
		*out = 0;
	else
		return -EINVAL;
	return 0;
}

int ioc_parse_ip(const char *s, size_t len, unsigned char ip[16], int *family)
{
	char buf[INET6_ADDRSTRLEN + 1];

	trim(&s, &len);
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(ip, 0, 16);
	if (inet_pton(AF_INET, buf, ip) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, ip) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

enum vg_ioc_type ioc_type_from_name(const char *name, bool *known)
{
	static const struct {
		const char *name;
		enum vg_ioc_type type;
	} names[] = {
		{ "string", VG_IOC_TYPE_STRING }, { "int", VG_IOC_TYPE_INT }, { "integer", VG_IOC_TYPE_INT },
		{ "uint64", VG_IOC_TYPE_INT }, { "long", VG_IOC_TYPE_INT }, { "date", VG_IOC_TYPE_DATE },
		{ "dateTime", VG_IOC_TYPE_DATE }, { "duration", VG_IOC_TYPE_DURATION },
		{ "bool", VG_IOC_TYPE_BOOL }, { "boolean", VG_IOC_TYPE_BOOL }, { "md5", VG_IOC_TYPE_HASH },
		{ "sha1", VG_IOC_TYPE_HASH }, { "sha256", VG_IOC_TYPE_HASH }, { "IP", VG_IOC_TYPE_IP },
		{ "restricted string", VG_IOC_TYPE_STRING }, { "boolean string", VG_IOC_TYPE_STRING },
		{ "base64Binary", VG_IOC_TYPE_STRING },
	};
	*known = true;
	if (!name || !*name)
		return VG_IOC_TYPE_STRING;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(names[i].name, name) == 0)
			return names[i].type;
	*known = false;
	return VG_IOC_TYPE_STRING;
}

static int parse_scalar(enum vg_ioc_type type, const char *s, size_t len, int64_t *out)
{
	switch (type) {
	case VG_IOC_TYPE_INT:
	case VG_IOC_TYPE_DURATION:
		return ioc_parse_int(s, len, out);
	case VG_IOC_TYPE_DATE:
		return ioc_parse_date(s, len, out);
	case VG_IOC_TYPE_BOOL:
		return ioc_parse_bool(s, len, out);
	default:
		return -EINVAL;
	}
}

/* "A TO B" or "[A TO B]" (inclusive); returns 1 when s is a range, 0 when not, <0 when broken. */
static int parse_range(enum vg_ioc_type type, const char *s, size_t len, int64_t *lo, int64_t *hi)
{
	trim(&s, &len);
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	const char *to = NULL;
	for (size_t i = 0; i + 4 <= len; i++)
		if (memcmp(s + i, " TO ", 4) == 0) {
			to = s + i;
			break;
		}
	if (!to)
		return 0;
	if (parse_scalar(type, s, (size_t)(to - s), lo) < 0 ||
	    parse_scalar(type, to + 4, len - (size_t)(to + 4 - s), hi) < 0)
		return -EINVAL;
	return 1;
}

static bool is_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Decides how the item compares values and parses its Content once.  Real files mislabel
 * types (SHA1 typed string, greater-than on strings), so the term's type and the condition
 * count as much as the declared Content type. */
int ioc_item_prepare(struct vg_ioc *ioc, struct ioc_item *it, const char *where)
{
	const char *s = it->content;
	size_t len = it->content_len;
	int r;

	if (it->type == VG_IOC_TYPE_STRING && it->term &&
	    (it->term->type == VG_IOC_TYPE_INT || it->term->type == VG_IOC_TYPE_DATE ||
	     it->term->type == VG_IOC_TYPE_BOOL || it->term->type == VG_IOC_TYPE_HASH ||
	     it->term->type == VG_IOC_TYPE_IP) && it->cond != IOC_MATCHES && it->cond != IOC_CONTAINS &&
	    it->cond != IOC_STARTS && it->cond != IOC_ENDS)
		it->type = it->term->type;
	if ((it->cond == IOC_GREATER || it->cond == IOC_LESS) &&
	    (it->type == VG_IOC_TYPE_STRING || it->type == VG_IOC_TYPE_HASH || it->type == VG_IOC_TYPE_IP))
		it->type = VG_IOC_TYPE_INT;
	/* Substring conditions and regexes work on the text, whatever the type. */
	if (it->cond == IOC_CONTAINS || it->cond == IOC_STARTS || it->cond == IOC_ENDS || it->cond == IOC_MATCHES)
		it->type = VG_IOC_TYPE_STRING;

	switch (it->type) {
	case VG_IOC_TYPE_INT:
	case VG_IOC_TYPE_DURATION:
	case VG_IOC_TYPE_DATE:
	case VG_IOC_TYPE_BOOL:
		r = it->cond == IOC_IS ? parse_range(it->type, s, len, &it->lo, &it->hi) : 0;
		if (r < 0 || (r == 0 && parse_scalar(it->type, s, len, &it->lo) < 0)) {
			ioc_add_defect(ioc, where, N_("the value '%s' is not of the type the item compares"),
					  it->content, NULL);
			it->valid = false;
			return 0;
		}
		if (r == 0)
			it->hi = it->lo;
		if (it->lo > it->hi) {
			ioc_add_defect(ioc, where, N_("the range '%s' is empty"), it->content, NULL);
			it->valid = false;
		}
		return 0;
	case VG_IOC_TYPE_HASH:
		trim(&s, &len);
		if (!is_hex(s, len) || (len != 32 && len != 40 && len != 64)) {
			/* Not a hash after all: compare the text. */
			ioc_add_defect(ioc, where, N_("the value '%s' is not an MD5, SHA-1 or SHA-256 hash"),
					  it->content, NULL);
			it->type = VG_IOC_TYPE_STRING;
			return 0;
		}
		memmove(it->content, s, len);
		it->content[len] = '\0';
		it->content_len = len;
		return 0;
	case VG_IOC_TYPE_IP:
		if (ioc_parse_ip(s, len, it->ip, &it->ip_family) < 0)
			it->type = VG_IOC_TYPE_STRING;   /* a CIDR or a pattern: compare the text */
		return 0;
	default:
		return 0;
	}
}
