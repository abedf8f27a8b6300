/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nls.h"
#include "vigil/error.h"

/* Message ids carry only %s; count them to know how many arguments to take. */
static int count_placeholders(const char *fmt)
{
	int n = 0;

	for (const char *p = fmt; *p; p++) {
		if (p[0] != '%')
			continue;
		if (p[1] == 's')
			n++;
		if (p[1])
			p++;
	}
	return n;
}

int vg_error_set(struct vg_error *err, int code, const char *msgid, ...)
{
	va_list ap;
	int saved = errno;
	const char *argv[VG_ERROR_MAX_ARGS];
	int n;

	if (!err)
		return code;
	memset(err, 0, sizeof(*err));
	err->code = code;
	snprintf(err->msgid, sizeof(err->msgid), "%s", msgid);
	n = count_placeholders(msgid);
	if (n > VG_ERROR_MAX_ARGS)
		n = VG_ERROR_MAX_ARGS;
	va_start(ap, msgid);
	for (int i = 0; i < n; i++) {
		const char *a = va_arg(ap, const char *);

		snprintf(err->args[i], sizeof(err->args[i]), "%s", a ? a : "");
		argv[i] = err->args[i];
	}
	va_end(ap);
	err->nargs = n;
	vg_error_format(err->message, sizeof(err->message), msgid, argv, n);
	errno = saved;
	return code;
}

void vg_error_clear(struct vg_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

void vg_error_prefix(struct vg_error *err, const char *prefix)
{
	char tmp[VG_ERROR_MSG_SIZE];

	if (!err || !prefix)
		return;
	snprintf(tmp, sizeof(tmp), "%s%s", prefix, err->message);
	memcpy(err->message, tmp, sizeof(tmp));
	snprintf(tmp, sizeof(tmp), "%s%s", prefix, err->prefix);
	snprintf(err->prefix, sizeof(err->prefix), "%s", tmp);
}

size_t vg_error_format(char *out, size_t size, const char *format, const char *const *args, int nargs)
{
	size_t len = 0;
	int next = 0;

	if (!size)
		return 0;
	for (const char *p = format; *p; p++) {
		const char *piece = NULL;
		char ch[2] = { *p, 0 };

		if (p[0] == '%' && p[1] == 's') {
			piece = next < nargs ? args[next] : "";
			next++;
			p++;
		} else if (p[0] == '%' && p[1] == '%') {
			piece = "%";
			p++;
		} else {
			piece = ch;
		}
		for (; *piece && len + 1 < size; piece++)
			out[len++] = *piece;
	}
	out[len] = '\0';
	return len;
}

const char *vg_error_text(const struct vg_error *err, char *buf, size_t size)
{
	const char *argv[VG_ERROR_MAX_ARGS];
	size_t used;

	if (!err->msgid[0]) {
		snprintf(buf, size, "%s", err->message);
		return buf;
	}
	for (int i = 0; i < err->nargs && i < VG_ERROR_MAX_ARGS; i++)
		argv[i] = err->args[i];
	used = (size_t)snprintf(buf, size, "%s", err->prefix);
	if (used >= size)
		return buf;
	vg_error_format(buf + used, size - used, _(err->msgid), argv, err->nargs);
	return buf;
}
