/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One value of an object against one IndicatorItem, before negation: the conditions
 * (is, contains, starts-with, ends-with, matches, greater-than, less-than) for each type. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "ioc-int.h"

/* Case folding is ASCII only: IOC strings are mostly Windows names and paths, where ASCII
 * folding is what the tools that wrote them did; other bytes compare exactly. */
static bool bytes_eq(const char *a, const char *b, size_t n, bool exact)
{
	if (exact)
		return memcmp(a, b, n) == 0;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return false;
	return true;
}

static bool contains(const char *h, size_t hl, const char *n, size_t nl, bool exact)
{
	if (nl > hl)
		return false;
	for (size_t i = 0; i + nl <= hl; i++)
		if (bytes_eq(h + i, n, nl, exact))
			return true;
	return false;
}

static enum vg_ioc_truth tv(bool b)
{
	return b ? VG_IOC_TRUE : VG_IOC_FALSE;
}

static enum vg_ioc_truth match_string(const struct ioc_item *it, const char *v, size_t len,
				      pcre2_match_data *md, pcre2_match_context *mc, bool *limit_hit)
{
	bool exact = it->preserve_case;
	const char *c = it->content;
	size_t cl = it->content_len;

	switch (it->cond) {
	case IOC_IS:
		return tv(len == cl && bytes_eq(v, c, cl, exact));
	case IOC_CONTAINS:
		return tv(contains(v, len, c, cl, exact));
	case IOC_STARTS:
		return tv(len >= cl && bytes_eq(v, c, cl, exact));
	case IOC_ENDS:
		return tv(len >= cl && bytes_eq(v + len - cl, c, cl, exact));
	case IOC_MATCHES: {
		if (!it->re || !md)
			return VG_IOC_UNKNOWN;
		int rc = pcre2_match(it->re, (PCRE2_SPTR)v, len, 0, 0, md, mc);
		if (rc >= 0)
			return VG_IOC_TRUE;
		if (rc == PCRE2_ERROR_NOMATCH)
			return VG_IOC_FALSE;
		*limit_hit = true;
		return VG_IOC_UNKNOWN;
	}
	default:
		return VG_IOC_UNKNOWN;
	}
}

static enum vg_ioc_truth cmp_num(const struct ioc_item *it, int64_t x)
{
	switch (it->cond) {
	case IOC_IS:
		return tv(x >= it->lo && x <= it->hi);
	case IOC_GREATER:
		return tv(x > it->lo);
	case IOC_LESS:
		return tv(x < it->lo);
	default:
		return VG_IOC_UNKNOWN;
	}
}

enum vg_ioc_truth ioc_match_value(const struct ioc_item *it, const char *v, size_t len,
				     pcre2_match_data *md, pcre2_match_context *mc, bool *limit_hit)
{
	int64_t x;
	unsigned char ip[16];
	int fam;

	if (!it->valid)
		return VG_IOC_UNKNOWN;
	switch (it->type) {
	case VG_IOC_TYPE_STRING:
		return match_string(it, v, len, md, mc, limit_hit);
	case VG_IOC_TYPE_HASH:
		/* Hex digests compare without case; a value of another length is another hash. */
		return tv(len == it->content_len && bytes_eq(v, it->content, len, false));
	case VG_IOC_TYPE_IP:
		if (ioc_parse_ip(v, len, ip, &fam) < 0)
			return VG_IOC_FALSE;
		return tv(fam == it->ip_family && memcmp(ip, it->ip, fam == AF_INET ? 4 : 16) == 0);
	case VG_IOC_TYPE_INT:
	case VG_IOC_TYPE_DURATION:
		if (ioc_parse_int(v, len, &x) < 0)
			return VG_IOC_UNKNOWN;
		return cmp_num(it, x);
	case VG_IOC_TYPE_DATE:
		if (ioc_parse_date(v, len, &x) < 0)
			return VG_IOC_UNKNOWN;
		return cmp_num(it, x);
	case VG_IOC_TYPE_BOOL:
		if (ioc_parse_bool(v, len, &x) < 0)
			return VG_IOC_UNKNOWN;
		return cmp_num(it, x);
	}
	return VG_IOC_UNKNOWN;
}

int vg_ioc_regex_local(void *data, const char *pattern, size_t plen, bool preserve_case, uint32_t match_limit,
		       uint32_t depth_limit, const char *const *values, const size_t *lens, size_t n,
		       enum vg_ioc_truth *out)
{
	struct ioc_item it = { .content = (char *)pattern, .content_len = plen, .preserve_case = preserve_case };
	pcre2_match_data *md = NULL;
	pcre2_match_context *mc = NULL;
	char msg[256];
	int r = 0;

	(void)data;
	/* Compiled as the loader compiles an item's pattern, matched as match_string() does. */
	if (ioc_item_compile(&it, msg, sizeof(msg)) < 0)
		return -EINVAL;
	md = pcre2_match_data_create(1, NULL);
	mc = pcre2_match_context_create(NULL);
	if (!md || !mc) {
		r = -ENOMEM;
		goto out;
	}
	pcre2_set_match_limit(mc, match_limit);
	pcre2_set_depth_limit(mc, depth_limit);
	for (size_t i = 0; i < n; i++) {
		int rc = pcre2_match(it.re, (PCRE2_SPTR)values[i], lens[i], 0, 0, md, mc);

		out[i] = rc >= 0 ? VG_IOC_TRUE : rc == PCRE2_ERROR_NOMATCH ? VG_IOC_FALSE : VG_IOC_UNKNOWN;
	}
out:
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	pcre2_code_free(it.re);
	return r;
}
