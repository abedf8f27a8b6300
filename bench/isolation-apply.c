/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/isolation-apply: how long applying isolation takes with 1, 100, 10000 and 100000
 * exceptions, through libnftnl in one batch (what the agent does: the rules made into set
 * elements, then the whole table), against `nft -f` loading the very same table, in the same
 * run; then how long adding and removing one exception takes at that size (one batch of
 * set elements).  Twice: exceptions with one remote port (hash sets), then with a port range
 * (the kernel's sets of concatenated ranges, slower to fill).  It works in a network
 * namespace of its own, so the host's rules are never touched.  Goal: 10000 exceptions
 * applied in under 50 ms.
 * Run as root:  bench/isolation-apply [ROUNDS] (from the build tree)
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

/* Distinct exceptions, outbound TCP to one host: of the usual kind (one port: a hash set's
 * element) or with a port range (an element of the set of concatenated ranges). */
static int make_rule(size_t i, bool range, struct vg_iso_rule *r)
{
	struct vg_iso_exception ex;
	char remote[64], port[16];

	snprintf(remote, sizeof(remote), "10.%zu.%zu.%zu", (i >> 16) & 255, (i >> 8) & 255, i & 255);
	if (range)
		snprintf(port, sizeof(port), "%zu-%zu", 1000 + i % 60000, 1001 + i % 60000);
	else
		snprintf(port, sizeof(port), "%zu", 1000 + i % 60000);
	if (vg_iso_exception_parse(&ex, "out", "tcp", remote, NULL, port, NULL, NULL) < 0)
		return -1;
	*r = ex.rule;
	return 0;
}

static struct vg_iso_rule *make_rules(size_t n, bool range)
{
	struct vg_iso_rule *r = calloc(n + 1, sizeof(*r));

	for (size_t i = 0; r && i < n + 1; i++)
		if (make_rule(i, range, &r[i]) < 0) {
			free(r);
			return NULL;
		}
	return r;
}

static int build(const struct vg_iso_extras *x, const struct vg_iso_rule *ex, size_t nex, struct vg_iso_elems *e)
{
	struct vg_iso_rule *rules = NULL;
	struct vg_error err;
	size_t n = 0;
	int rc;

	if (vg_iso_rules_build(x, ex, nex, &rules, &n) < 0)
		return -1;
	rc = vg_iso_elems_build(rules, n, VG_ISO_ELEMS_FOR(VG_ISO_MAX_EXCEPTIONS_LIMIT), e, &err);
	free(rules);
	return rc;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 1, 100, 10000, 100000 };
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	struct vg_iso_extras x = { .dhcp = true, .dns = false, .ipv6_nd = true };
	char file[] = "/tmp/vigil-bench-nft.XXXXXX";
	struct vg_iso_nl *nl = NULL;
	struct vg_error err;

	if (rounds < 1 || rounds > 100)
		rounds = 5;
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "isolation-apply: cannot enter a network namespace of its own: %s (run as root)\n",
			strerror(errno));
		return 1;
	}
	/* One socket for every batch, as the agent keeps one. */
	if (vg_iso_nl_open(&nl, &err) < 0) {
		fprintf(stderr, "isolation-apply: %s\n", err.message);
		return 1;
	}
	printf("# isolation apply, median of %d rounds (ms): the whole table through libnftnl (rules made into\n"
	       "# set elements, then one batch) vs nft -f of the same table; then one exception added and\n"
	       "# removed (one batch of set elements each).  Goal: 10000 exceptions in under 50 ms.\n", rounds);
	printf("%7s %11s %6s %9s %13s %10s %7s %9s %9s\n", "ports", "exceptions", "rules", "elements", "libnftnl_ms",
	       "nft_f_ms", "ratio", "add1_ms", "del1_ms");
	for (size_t k = 0; k < 2 * sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t s = k % (sizeof(sizes) / sizeof(sizes[0]));
		bool range = k >= sizeof(sizes) / sizeof(sizes[0]);
		struct vg_iso_rule *ex = make_rules(sizes[s], range);
		struct vg_iso_elems e = { 0 }, plus = { 0 };
		double lib[100], nft[100], add[100], del[100];
		size_t changed = 0;
		FILE *f;
		int fd;

		/* plus: the same with one more exception (the one after the last). */
		if (!ex || build(&x, ex, sizes[s], &e) < 0 || build(&x, ex, sizes[s] + 1, &plus) < 0) {
			fprintf(stderr, "isolation-apply: out of memory\n");
			return 1;
		}
		fd = mkstemp(file);
		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f || vg_iso_nft_text(f, &e) < 0 || fclose(f) != 0) {
			fprintf(stderr, "isolation-apply: cannot write %s\n", file);
			return 1;
		}
		for (int r = 0; r < rounds; r++) {
			struct vg_iso_elems built;
			double t0;

			/* Each measure replaces an existing table, as a re-apply does; it counts the
			 * making of the elements from the rules too. */
			t0 = now_ms();
			if (build(&x, ex, sizes[s], &built) < 0 || vg_iso_nft_replace(nl, &built, &err) < 0) {
				fprintf(stderr, "isolation-apply: %s\n", err.message);
				return 1;
			}
			lib[r] = now_ms() - t0;
			vg_iso_elems_free(&built);
			t0 = now_ms();
			if (vg_iso_nft_update(nl, &e, &plus, &changed, &err) < 0) {
				fprintf(stderr, "isolation-apply: %s\n", err.message);
				return 1;
			}
			add[r] = now_ms() - t0;
			t0 = now_ms();
			if (vg_iso_nft_update(nl, &plus, &e, &changed, &err) < 0) {
				fprintf(stderr, "isolation-apply: %s\n", err.message);
				return 1;
			}
			del[r] = now_ms() - t0;
			t0 = now_ms();
			if (run_nft(file) < 0) {
				fprintf(stderr, "isolation-apply: nft -f %s failed\n", file);
				return 1;
			}
			nft[r] = now_ms() - t0;
		}
		qsort(lib, (size_t)rounds, sizeof(double), cmp_double);
		qsort(nft, (size_t)rounds, sizeof(double), cmp_double);
		qsort(add, (size_t)rounds, sizeof(double), cmp_double);
		qsort(del, (size_t)rounds, sizeof(double), cmp_double);
		printf("%7s %11zu %6d %9zu %13.2f %10.2f %7.2f %9.2f %9.2f\n", range ? "range" : "one", sizes[s],
		       VG_ISO_NFT_RULES, e.n,
		       lib[rounds / 2], nft[rounds / 2], nft[rounds / 2] / lib[rounds / 2], add[rounds / 2],
		       del[rounds / 2]);
		unlink(file);
		memcpy(file + strlen(file) - 6, "XXXXXX", 6);
		vg_iso_nft_remove(nl, &err);
		vg_iso_elems_free(&e);
		vg_iso_elems_free(&plus);
		free(ex);
	}
	vg_iso_nl_close(nl);
	return 0;
}
