/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/isolation-apply: how long applying isolation takes with 1, 100 and 10000 exceptions,
 * through libnftnl in one batch (what the agent does), against `nft -f` loading the very
 * same ruleset, in the same run.  It works in a network namespace of its own, so the host's
 * rules are never touched.  Run as root:  bench/isolation-apply [ROUNDS] (from the build tree)
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "isolation/isolation.h"
#include "vigil/error.h"

extern char **environ;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int run_nft(const char *file)
{
	char *argv[] = { "nft", "-f", (char *)file, NULL };
	pid_t pid;
	int status;

	if (posix_spawnp(&pid, "nft", NULL, NULL, argv, environ) != 0)
		return -1;
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static struct vg_iso_exception *make_exceptions(size_t n)
{
	struct vg_iso_exception *ex = calloc(n, sizeof(*ex));

	for (size_t i = 0; ex && i < n; i++) {
		char remote[64], port[16];

		/* Distinct exceptions of the usual kind: one host, one TCP port, outbound. */
		snprintf(remote, sizeof(remote), "10.%zu.%zu.%zu", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		snprintf(port, sizeof(port), "%zu", 1000 + i % 60000);
		if (vg_iso_exception_parse(&ex[i], "out", "tcp", remote, NULL, port, NULL, NULL) < 0) {
			free(ex);
			return NULL;
		}
	}
	return ex;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 1, 100, 10000 };
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	struct vg_iso_extras x = { .dhcp = true, .dns = false, .ipv6_nd = true };
	char file[] = "/tmp/vigil-bench-nft.XXXXXX";
	struct vg_error err;

	if (rounds < 1 || rounds > 100)
		rounds = 5;
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "isolation-apply: cannot enter a network namespace of its own: %s (run as root)\n",
			strerror(errno));
		return 1;
	}
	printf("# isolation apply, median of %d rounds (ms), libnftnl batch vs nft -f\n", rounds);
	printf("%12s %10s %14s %12s %8s\n", "exceptions", "rules", "libnftnl_ms", "nft_f_ms", "ratio");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct vg_iso_exception *ex = make_exceptions(sizes[s]);
		struct vg_iso_rule *rules = NULL;
		double lib[100], nft[100];
		size_t n = 0;
		FILE *f;
		int fd;

		if (!ex || vg_iso_rules_build(&x, ex, sizes[s], &rules, &n) < 0) {
			fprintf(stderr, "isolation-apply: out of memory\n");
			return 1;
		}
		fd = mkstemp(file);
		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f || vg_iso_nft_text(f, rules, n) < 0 || fclose(f) != 0) {
			fprintf(stderr, "isolation-apply: cannot write %s\n", file);
			return 1;
		}
		for (int r = 0; r < rounds; r++) {
			double t0;

			/* Each measure replaces an existing table, as a re-apply does. */
			t0 = now_ms();
			if (vg_iso_nft_apply(rules, n, &err) < 0) {
				fprintf(stderr, "isolation-apply: %s\n", err.message);
				return 1;
			}
			lib[r] = now_ms() - t0;
			t0 = now_ms();
			if (run_nft(file) < 0) {
				fprintf(stderr, "isolation-apply: nft -f %s failed\n", file);
				return 1;
			}
			nft[r] = now_ms() - t0;
		}
		qsort(lib, (size_t)rounds, sizeof(double), cmp_double);
		qsort(nft, (size_t)rounds, sizeof(double), cmp_double);
		printf("%12zu %10zu %14.2f %12.2f %8.2f\n", sizes[s], vg_iso_nft_rule_count(rules, n), lib[rounds / 2],
		       nft[rounds / 2], nft[rounds / 2] / lib[rounds / 2]);
		unlink(file);
		memcpy(file + strlen(file) - 6, "XXXXXX", 6);
		vg_iso_nft_remove(&err);
		free(rules);
		free(ex);
	}
	return 0;
}
