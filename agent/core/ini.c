/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ini.h"
#include "nls.h"
#include "vigil/error.h"

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int valid_name(const char *s)
{
	if (!*s || strlen(s) >= VG_INI_MAX_NAME)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
			return 0;
	return 1;
}

/* Removes surrounding quotes and resolves \" and \\; returns 0 or -EINVAL. */
static int unquote(char *v)
{
	size_t n = strlen(v);
	char *w = v;

	if (n == 0 || v[0] != '"')
		return 0;
	if (n < 2 || v[n - 1] != '"')
		return -EINVAL;
	v[n - 1] = '\0';
	for (char *r = v + 1; *r; r++) {
		if (*r == '\\') {
			if (r[1] != '"' && r[1] != '\\')
				return -EINVAL;
			r++;
		} else if (*r == '"') {
			return -EINVAL;
		}
		*w++ = *r;
	}
	*w = '\0';
	return 0;
}

int vg_ini_parse(const char *text, size_t len, const char *source, vg_ini_fn fn, void *data,
		 struct vg_error *err)
{
	char section[VG_INI_MAX_NAME] = "";
	char line[VG_INI_MAX_LINE + 2];
	char where[VG_ERROR_ARG_SIZE];
	unsigned lineno = 0;
	size_t pos = 0;
	int r = 0;

	if (memchr(text, '\0', len))
		return vg_error_set(err, -EINVAL, N_("%s: contains a NUL byte"), source);
	/* A UTF-8 byte order mark at the start is tolerated. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *s, *eq, *key, *value;

		lineno++;
		snprintf(where, sizeof(where), "%s:%u: ", source, lineno);
		if (n > VG_INI_MAX_LINE) {
			r = vg_error_set(err, -EINVAL, N_("line is longer than %s bytes"), "4096");
			goto fail;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl ? 1 : 0);
		s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');

			if (!end || trim(end + 1)[0] != '\0') {
				r = vg_error_set(err, -EINVAL, N_("malformed section header"));
				goto fail;
			}
			*end = '\0';
			s = trim(s + 1);
			if (!valid_name(s)) {
				r = vg_error_set(err, -EINVAL, N_("invalid section name \"%s\""), s);
				goto fail;
			}
			snprintf(section, sizeof(section), "%s", s);
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			r = vg_error_set(err, -EINVAL, N_("expected \"key = value\", found \"%s\""), s);
			goto fail;
		}
		*eq = '\0';
		key = trim(s);
		value = trim(eq + 1);
		if (!valid_name(key)) {
			r = vg_error_set(err, -EINVAL, N_("invalid key name \"%s\""), key);
			goto fail;
		}
		if (unquote(value) < 0) {
			r = vg_error_set(err, -EINVAL, N_("badly quoted value for \"%s\""), key);
			goto fail;
		}
		r = fn(section, key, value, lineno, data, err);
		if (r < 0)
			goto fail;
	}
	return 0;
fail:
	vg_error_prefix(err, where);
	return r;
}
