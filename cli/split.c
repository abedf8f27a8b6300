/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "cli.h"
#include "nls.h"

int vg_cli_split(const char *line, char *buf, size_t bufsize, char **words, int max, const char **error)
{
	const char *p = line;
	size_t w = 0;
	int n = 0;

	if (strlen(line) + 1 > bufsize) {
		*error = N_("line too long");
		return -1;
	}
	for (;;) {
		bool quoted = false;

		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			break;
		if (n == max) {
			*error = N_("too many words");
			return -1;
		}
		words[n++] = buf + w;
		while (*p && (quoted || (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n'))) {
			if (*p == '\'') {
				const char *end = strchr(p + 1, '\'');

				if (!end) {
					*error = N_("unterminated quote");
					return -1;
				}
				memcpy(buf + w, p + 1, (size_t)(end - p - 1));
				w += (size_t)(end - p - 1);
				p = end + 1;
			} else if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
						p++;
					buf[w++] = *p++;
				}
				if (*p != '"') {
					*error = N_("unterminated quote");
					return -1;
				}
				p++;
			} else if (*p == '\\' && p[1]) {
				buf[w++] = p[1];
				p += 2;
			} else {
				buf[w++] = *p++;
			}
		}
		buf[w++] = '\0';
	}
	return n;
}
