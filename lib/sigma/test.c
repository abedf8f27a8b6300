/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One compiled value of a rule and how an event's value is tested against it.  Strings take
 * the cheapest shape their wildcards allow (exact, prefix, suffix, contains, any) and fall back
 * to a glob; they compare case-insensitively (ASCII) unless cased.  Typed tests: CIDR ranges,
 * numbers (lt, lte, gt, gte) and parts of a date (minute ... year).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sigma/sigma-int.h"

void sg_lower(char *dst, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = src[i];

		dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
}

int sg_test_from_str(struct sg_arena *a, const struct sg_str *s, bool cased, struct sg_test *t)
{
	size_t lead = 0, trail = 0, n = s->n;
	bool inner = false;

	memset(t, 0, sizeof(*t));
	t->cased = cased;
	while (lead < n && s->w[lead] == SG_W_STAR)
		lead++;
	while (trail < n - lead && s->w[n - 1 - trail] == SG_W_STAR)
		trail++;
	for (size_t i = lead; i < n - trail; i++)
		if (s->w[i])
			inner = true;
	if (!inner) {
		size_t len = n - lead - trail;

		t->lit = sg_alloc(a, len + 1);
		if (!t->lit)
			return -ENOMEM;
		if (cased)
			memcpy(t->lit, s->b + lead, len);
		else
			sg_lower(t->lit, s->b + lead, len);
		t->lit[len] = '\0';
		t->len = len;
		if (len == 0 && (lead || trail))
			t->kind = SG_T_ANY;
		else if (lead && trail)
			t->kind = SG_T_CONTAINS;
		else if (lead)
			t->kind = SG_T_SUFFIX;
		else if (trail)
			t->kind = SG_T_PREFIX;
		else
			t->kind = SG_T_EXACT;
		return 0;
	}
	t->kind = SG_T_GLOB;
	t->lit = sg_alloc(a, n + 1);
	t->wild = sg_alloc(a, n + 1);
	if (!t->lit || !t->wild)
		return -ENOMEM;
	/* Consecutive stars are one. */
	for (size_t i = 0; i < n; i++) {
		if (s->w[i] == SG_W_STAR && t->len && t->wild[t->len - 1] == SG_W_STAR)
			continue;
		t->wild[t->len] = s->w[i];
		if (s->w[i] || cased)
			t->lit[t->len] = s->b[i];
		else
			sg_lower(&t->lit[t->len], &s->b[i], 1);
		t->len++;
	}
	t->lit[t->len] = '\0';
	return 0;
}

/* The length of the UTF-8 character at s[i] (1 for a byte that does not start one). */
static size_t char_len(const char *s, size_t i, size_t n)
{
	unsigned char c = (unsigned char)s[i];
	size_t want = c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

	for (size_t k = 1; k < want; k++)
		if (i + k >= n || ((unsigned char)s[i + k] & 0xc0) != 0x80)
			return 1;
	return want;
}

/* `*` any run of bytes, `?` one character.  The classic walk that returns to the last star:
 * at most pattern length x value length steps. */
bool sg_glob(const char *p, const uint8_t *w, size_t pn, const char *s, size_t sn)
{
	size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;

	while (si < sn) {
		if (pi < pn && w[pi] == SG_W_STAR) {
			star_p = pi++;
			star_s = si;
			continue;
		}
		if (pi < pn && w[pi] == SG_W_ONE) {
			pi++;
			si += char_len(s, si, sn);
			continue;
		}
		if (pi < pn && p[pi] == s[si]) {
			pi++;
			si++;
			continue;
		}
		if (star_p == SIZE_MAX)
			return false;
		pi = star_p + 1;
		star_s += char_len(s, star_s, sn);
		si = star_s;
	}
	while (pi < pn && w[pi] == SG_W_STAR)
		pi++;
	return pi == pn;
}

bool sg_test_string(const struct sg_test *t, const struct sg_val *v)
{
	const char *s;

	if (v->null)
		return false;
	s = t->cased ? v->v : v->lv;
	switch (t->kind) {
	case SG_T_EXACT:
		return v->len == t->len && memcmp(s, t->lit, t->len) == 0;
	case SG_T_PREFIX:
		return v->len >= t->len && memcmp(s, t->lit, t->len) == 0;
	case SG_T_SUFFIX:
		return v->len >= t->len && memcmp(s + v->len - t->len, t->lit, t->len) == 0;
	case SG_T_CONTAINS:
		return memmem(s, v->len, t->lit, t->len) != NULL;
	case SG_T_ANY:
		return true;
	case SG_T_GLOB:
		return sg_glob(t->lit, t->wild, t->len, s, v->len);
	default:
		return false;
	}
}

/* An IPv4 or IPv6 address; an IPv4-mapped IPv6 address is taken as IPv4. */
bool sg_parse_ip(const char *s, size_t len, uint8_t addr[16], uint8_t *family)
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1) {
		*family = 4;
		return true;
	}
	if (inet_pton(AF_INET6, buf, addr) == 1) {
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

		if (memcmp(addr, mapped, 12) == 0) {
			memmove(addr, addr + 12, 4);
			memset(addr + 4, 0, 12);
			*family = 4;
		} else {
			*family = 6;
		}
		return true;
	}
	return false;
}

/* "10.0.0.0/8", "fe80::/10"; a bare address is a single host. */
int sg_parse_cidr(const char *s, struct sg_test *t)
{
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long bits;
	char *end;

	if (!sg_parse_ip(s, alen, t->addr, &t->family))
		return -EINVAL;
	if (!slash) {
		t->prefix = t->family == 4 ? 32 : 128;
	} else {
		if (!slash[1] || slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		bits = strtoul(slash + 1, &end, 10);
		if (*end || bits > (t->family == 4 ? 32u : 128u))
			return -EINVAL;
		t->prefix = (uint8_t)bits;
	}
	t->kind = SG_T_CIDR;
	return 0;
}

bool sg_test_cidr(const struct sg_test *t, const struct sg_val *v)
{
	uint8_t addr[16], family;
	unsigned full, rest;

	if (v->null || !sg_parse_ip(v->v, v->len, addr, &family) || family != t->family)
		return false;
	full = t->prefix / 8;
	rest = t->prefix % 8;
	if (memcmp(addr, t->addr, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		return (addr[full] & mask) == (t->addr[full] & mask);
	}
	return true;
}

/* A decimal number (integer or not, with an optional sign), whole value only. */
bool sg_parse_number(const char *s, size_t len, double *out)
{
	char buf[64];
	char *end;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (!((buf[i] >= '0' && buf[i] <= '9') || buf[i] == '-' || buf[i] == '+' || buf[i] == '.' ||
		      buf[i] == 'e' || buf[i] == 'E'))
			return false;
	*out = strtod(buf, &end);
	return *end == '\0' && isfinite(*out);
}

bool sg_test_num(const struct sg_test *t, const struct sg_val *v)
{
	double x;

	if (v->null || !sg_parse_number(v->v, v->len, &x))
		return false;
	switch (t->cmp) {
	case SG_CMP_LT:
		return x < t->num;
	case SG_CMP_LTE:
		return x <= t->num;
	case SG_CMP_GT:
		return x > t->num;
	case SG_CMP_GTE:
		return x >= t->num;
	default:
		return false;
	}
}

/* A date: "YYYY-MM-DD[T ]HH:MM[:SS...]" (the zone, if any, is not applied: the modifiers
 * read the date as written), or a number of seconds since the epoch (milliseconds when it is
 * larger than 10^11, as OCSF times are). */
static bool parse_time(const char *s, size_t len, struct tm *tm)
{
	char buf[64];
	int y, mo, d, h = 0, mi = 0, sec = 0;
	double num;

	memset(tm, 0, sizeof(*tm));
	if (sg_parse_number(s, len, &num)) {
		time_t secs;

		if (num < 0 || num > 1e15)
			return false;
		secs = (time_t)(num > 1e11 ? num / 1000 : num);
		return gmtime_r(&secs, tm) != NULL;
	}
	if (len >= sizeof(buf) || len < 10)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (sscanf(buf, "%4d-%2d-%2d", &y, &mo, &d) != 3)
		return false;
	if (len > 10) {
		if (buf[10] != 'T' && buf[10] != ' ' && buf[10] != 't')
			return false;
		if (sscanf(buf + 11, "%2d:%2d:%2d", &h, &mi, &sec) < 2)
			return false;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || h < 0 || mi < 0 || sec < 0)
		return false;
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = sec;
	/* The weekday and day of the year, for the ISO week. */
	time_t t = timegm(tm);

	return gmtime_r(&t, tm) != NULL;
}

bool sg_test_time(const struct sg_test *t, const struct sg_val *v)
{
	struct tm tm;
	char week[4];
	int64_t part;

	if (v->null || !parse_time(v->v, v->len, &tm))
		return false;
	switch (t->unit) {
	case SG_TU_MINUTE:
		part = tm.tm_min;
		break;
	case SG_TU_HOUR:
		part = tm.tm_hour;
		break;
	case SG_TU_DAY:
		part = tm.tm_mday;
		break;
	case SG_TU_WEEK:
		strftime(week, sizeof(week), "%V", &tm);
		part = atoi(week);
		break;
	case SG_TU_MONTH:
		part = tm.tm_mon + 1;
		break;
	default:
		part = tm.tm_year + 1900;
		break;
	}
	return part == t->part;
}
