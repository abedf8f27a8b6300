/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The task executors called directly: hostile arguments, refusals, and the edge cases of each. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tasks/executors.h"
#include "vigil/error.h"

static char dir[64];
static atomic_bool cancel_flag;
static struct vg_task_self self;

static void ctx_init(struct vg_task_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	atomic_store(&cancel_flag, false);
	ctx->cancel = &cancel_flag;
	ctx->self = &self;
	snprintf(ctx->id, sizeof(ctx->id), "7");
	snprintf(ctx->collect_dir, sizeof(ctx->collect_dir), "%s/collected", dir);
	snprintf(ctx->quarantine_dir, sizeof(ctx->quarantine_dir), "%s/quarantine", dir);
	ctx->file_max = 1024 * 1024;
	snprintf(ctx->run_default_user, sizeof(ctx->run_default_user), "root");
	ctx->run_default_timeout = 10;
	ctx->terminate_grace = 1;
	ctx->pidfd = -1;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vigil-unit-tasks.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	/* A state directory of its own for the "agent's own files" check. */
	snprintf(self.state_dir, sizeof(self.state_dir), "%s/state", dir);
	mkdir(self.state_dir, 0700);
	self.pid = getpid();
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	(void)state;
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static int get_file(const char *path_json_text, struct vg_task_ctx *ctx, json_t **result, struct vg_error *err)
{
	json_error_t jerr;
	json_t *args = json_loads(path_json_text, JSON_ALLOW_NUL, &jerr);
	int r;

	assert_non_null(args);
	r = vg_task_get_file(ctx, args, result, err);
	json_decref(args);
	return r;
}

static void test_hostile_paths(void **state)
{
	struct vg_task_ctx ctx;
	struct vg_error err;
	json_t *res = NULL;
	char big[5000 + 32];

	(void)state;
	ctx_init(&ctx);
	assert_int_equal(get_file("{\"path\": \"relative/file\"}", &ctx, &res, &err), -EINVAL);
	assert_true(ctx.refused);
	assert_non_null(strstr(err.message, "not an absolute path"));
	ctx_init(&ctx);
	assert_int_equal(get_file("{\"path\": \"/etc/pass\\u0000wd\"}", &ctx, &res, &err), -EINVAL);
	assert_non_null(strstr(err.message, "NUL"));
	ctx_init(&ctx);
	assert_int_equal(get_file("{\"path\": 42}", &ctx, &res, &err), -EINVAL);
	ctx_init(&ctx);
	memset(big, 'a', sizeof(big));
	memcpy(big, "{\"path\": \"/", 11);
	memcpy(big + 5000, "\"}", 3);
	assert_int_equal(get_file(big, &ctx, &res, &err), -ENAMETOOLONG);
	ctx_init(&ctx);
	assert_int_equal(get_file("{\"path\": \"/proc/self/status\"}", &ctx, &res, &err), -EPERM);
	assert_true(ctx.refused);
	ctx_init(&ctx);
	/* ".." is refused outright: the path acted on is the path shown. */
	assert_int_equal(get_file("{\"path\": \"/tmp/../proc/self/status\"}", &ctx, &res, &err), -EINVAL);
	assert_true(ctx.refused);
	ctx_init(&ctx);
	assert_int_equal(get_file("{\"path\": \"/dev/null\"}", &ctx, &res, &err), -EPERM);
	ctx_init(&ctx);
	assert_int_equal(get_file("{\"path\": \"/\"}", &ctx, &res, &err), -EISDIR);
	ctx_init(&ctx);
	assert_int_equal(get_file("{\"path\": \"/etc/passwd\", \"sha256\": \"xyz\"}", &ctx, &res, &err), -EINVAL);
	assert_null(res);
}

static void test_own_files_refused(void **state)
{
	struct vg_task_ctx ctx;
	struct vg_error err;
	json_t *args, *res = NULL;
	char path[256];
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/vigil.db", self.state_dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	ctx_init(&ctx);
	args = json_pack("{s:s}", "path", path);
	assert_int_equal(vg_task_delete_file(&ctx, args, &res, &err), -EPERM);
	assert_true(ctx.refused);
	assert_int_equal(access(path, F_OK), 0);
	json_decref(args);
	json_decref(res);
}

static void test_get_file_limit_and_copy(void **state)
{
	struct vg_task_ctx ctx;
	struct vg_error err;
	json_t *args, *res = NULL;
	char path[256];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/two-mib", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 2 * 1024; i++)
		fprintf(f, "%01023d\n", i);
	fclose(f);
	ctx_init(&ctx);
	args = json_pack("{s:s}", "path", path);
	assert_int_equal(vg_task_get_file(&ctx, args, &res, &err), -EFBIG);
	assert_non_null(strstr(err.message, "1 MiB"));
	ctx_init(&ctx);
	ctx.file_max = 4 * 1024 * 1024;
	assert_int_equal(vg_task_get_file(&ctx, args, &res, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(res, "size")), 2 * 1024 * 1024);
	assert_int_equal(strlen(json_string_value(json_object_get(res, "sha256"))), 64);
	json_decref(res);
	/* Cancelled before it reads: nothing is kept. */
	ctx_init(&ctx);
	ctx.file_max = 4 * 1024 * 1024;
	snprintf(ctx.id, sizeof(ctx.id), "8");
	atomic_store(&cancel_flag, true);
	res = NULL;
	assert_int_equal(vg_task_get_file(&ctx, args, &res, &err), -ECANCELED);
	/* Only the copy of the first get-file is there, no part file. */
	{
		char cmdir[256];
		DIR *d;
		struct dirent *de;
		int files = 0;

		snprintf(cmdir, sizeof(cmdir), "%s/collected", dir);
		d = opendir(cmdir);
		assert_non_null(d);
		while ((de = readdir(d)))
			if (de->d_name[0] != '.') {
				assert_null(strstr(de->d_name, ".part"));
				files++;
			}
		closedir(d);
		assert_int_equal(files, 1);
	}
	json_decref(args);
}

static void test_run_edge_cases(void **state)
{
	struct vg_task_ctx ctx;
	struct vg_error err;
	json_t *args, *res = NULL;

	(void)state;
	ctx_init(&ctx);
	args = json_pack("{s:s, s:[s]}", "exe", "/bin/sh", "args", "-c");
	json_array_append_new(json_object_get(args, "args"), json_string("printf '\\377ok\\0x'; exit 3"));
	assert_int_equal(vg_task_run(&ctx, args, &res, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(res, "exit_code")), 3);
	/* Bytes that are not UTF-8 (and NUL) travel as U+FFFD. */
	assert_string_equal(json_string_value(json_object_get(res, "stdout")), "\xef\xbf\xbdok\xef\xbf\xbdx");
	json_decref(res);
	json_decref(args);

	ctx_init(&ctx);
	args = json_pack("{s:s, s:s}", "exe", "/bin/true", "cwd", "/nonexistent-dir");
	assert_true(vg_task_run(&ctx, args, &res, &err) < 0);
	assert_true(ctx.refused);
	assert_non_null(strstr(err.message, "working directory"));
	json_decref(args);

	ctx_init(&ctx);
	args = json_pack("{s:s, s:[s]}", "exe", "/bin/true", "env", "NOEQUALS");
	assert_int_equal(vg_task_run(&ctx, args, &res, &err), -EINVAL);
	json_decref(args);

	ctx_init(&ctx);
	args = json_pack("{s:s, s:i}", "exe", "/bin/true", "timeout", 0);
	assert_int_equal(vg_task_run(&ctx, args, &res, &err), -EINVAL);
	json_decref(args);
}

static void test_terminate_arguments(void **state)
{
	struct vg_task_ctx ctx;
	struct vg_error err;
	json_t *args, *res = NULL;

	(void)state;
	ctx_init(&ctx);
	args = json_pack("{s:i, s:s}", "pid", 5, "exe", "/bin/sleep");
	assert_int_equal(vg_task_terminate(&ctx, args, &res, &err), -EINVAL);
	json_decref(args);
	ctx_init(&ctx);
	args = json_pack("{s:i}", "pid", -3);
	assert_int_equal(vg_task_terminate(&ctx, args, &res, &err), -EINVAL);
	json_decref(args);
	/* Ourselves (the "agent" of this context) is refused. */
	ctx_init(&ctx);
	args = json_pack("{s:i}", "pid", (int)getpid());
	assert_int_equal(vg_task_terminate(&ctx, args, &res, &err), -EPERM);
	assert_true(ctx.refused);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(res, "pids"), 0), "result")),
			    "refused");
	json_decref(res);
	json_decref(args);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_paths),
		cmocka_unit_test(test_own_files_refused),
		cmocka_unit_test(test_get_file_limit_and_copy),
		cmocka_unit_test(test_run_edge_cases),
		cmocka_unit_test(test_terminate_arguments),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
