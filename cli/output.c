/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "nls.h"

void vg_cli_print_json(json_t *value)
{
	char *text = json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);

	if (text) {
		puts(text);
		free(text);
	}
}

bool vg_cli_json_done(const struct vg_cli *cli, json_t *result)
{
	if (!cli->json)
		return false;
	vg_cli_print_json(result);
	json_decref(result);
	return true;
}

void vg_cli_format_duration(long long s, char *buf, size_t size)
{
	if (s < 60)
		snprintf(buf, size, _("%lld s"), s);
	else if (s < 3600)
		snprintf(buf, size, _("%lld min %lld s"), s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, _("%lld h %lld min"), s / 3600, (s % 3600) / 60);
	else
		snprintf(buf, size, _("%lld d %lld h"), s / 86400, (s % 86400) / 3600);
}

void vg_cli_format_time(long long when, char *buf, size_t size)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "%lld", when);
}
