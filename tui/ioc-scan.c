/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The arguments of ioc.scan from the IOC screen: the chosen files read here and sent as their
 * content (as vigilctl does, with the same limits), the options as typed in their form.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "ioc.h"
#include "nls.h"

#define MAX_DOCUMENT (1000u * 1024)         /* as vigilctl: one document, and all together */
#define MAX_DOCUMENTS_TOTAL (1000u * 1024)

/* "a, b,c" as a JSON array of strings (paths made absolute as vigilctl does). */
static json_t *comma_list(const char *text, bool paths)
{
	json_t *a = json_array();
	char copy[VG_FIELD_MAX], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", text);
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		char *real;

		while (*w == ' ')
			w++;
		for (size_t l = strlen(w); l && w[l - 1] == ' '; l--)
			w[l - 1] = '\0';
		if (!*w)
			continue;
		real = paths ? realpath(w, NULL) : NULL;
		json_array_append_new(a, json_string(real ? real : w));
		free(real);
	}
	return a;
}

long long vg_ioc_parse_size(const char *t)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(t, &end);
	if (errno || end == t || v < 1 || !isfinite(v))
		return -1;
	switch (*end) {
	case 'k': case 'K': v *= 1024; end++; break;
	case 'm': case 'M': v *= 1048576; end++; break;
	case 'g': case 'G': v *= 1073741824.0; end++; break;
	default: break;
	}
	if (*end == 'i')
		end++;
	if (*end == 'B')
		end++;
	return *end || v > 1e15 ? -1 : (long long)v;
}

int vg_ioc_skip_args(const char *skip, json_t *args, char *msg, size_t size)
{
	static const char *const skips[] = { "processes", "ports", "files", "system" };
	json_t *words = comma_list(skip, false), *w;
	size_t i;

	json_array_foreach(words, i, w) {
		size_t k;
		char key[32];

		for (k = 0; k < sizeof(skips) / sizeof(skips[0]); k++)
			if (strcmp(json_string_value(w), skips[k]) == 0)
				break;
		if (k == sizeof(skips) / sizeof(skips[0])) {
			snprintf(msg, size, _("Skip: \"%s\" is not one of processes, ports, files, system."),
				 json_string_value(w));
			json_decref(words);
			return -EINVAL;
		}
		snprintf(key, sizeof(key), "no_%s", skips[k]);
		if (args)
			json_object_set_new(args, key, json_true());
	}
	json_decref(words);
	return 0;
}

json_t *vg_ioc_scan_args(const struct vg_picker *picker, const struct vg_ioc_options *opt, char *msg, size_t size)
{
	json_t *docs = json_array(), *args;
	size_t total = 0, i;

	for (i = 0; i < picker->nchosen; i++) {
		struct vg_error err;
		char *content = NULL;
		size_t len = 0;
		json_t *c;

		if (vg_file_read_all(picker->chosen[i], MAX_DOCUMENT, &content, &len, &err) < 0) {
			vg_error_text(&err, msg, size);
			json_decref(docs);
			return NULL;
		}
		total += len;
		c = json_stringn(content, len);
		free(content);
		if (total > MAX_DOCUMENTS_TOTAL || !c) {
			snprintf(msg, size,
				 !c ? _("%s is not UTF-8 text.") : _("The IOC files are larger than 1000 KiB together: %s is one too many."),
				 picker->chosen[i]);
			json_decref(c);
			json_decref(docs);
			return NULL;
		}
		json_array_append_new(docs, json_pack("{s:s, s:o}", "file", picker->chosen[i], "content", c));
	}
	args = json_pack("{s:o, s:o, s:o, s:b}", "documents", docs, "paths", comma_list(opt->paths, true), "excludes",
			 comma_list(opt->excludes, true), "follow", 1);
	if (vg_ioc_skip_args(opt->skip, args, msg, size) < 0) {
		size_t used = strlen(msg);

		snprintf(msg + used, size - used, " %s", _("(o: options)"));
		json_decref(args);
		return NULL;
	}
	if (opt->hash_limit[0]) {
		long long limit = vg_ioc_parse_size(opt->hash_limit);

		if (limit < 0) {
			snprintf(msg, size, "%s", _("The hash limit is a size such as 200M or 1G (o: options)."));
			json_decref(args);
			return NULL;
		}
		json_object_set_new(args, "hash_limit", json_integer(limit));
	}
	return args;
}
