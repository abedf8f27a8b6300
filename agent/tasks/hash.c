/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One read of a file for its hashes (and its copy), bounded and cancellable. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nls.h"
#include "tasks/executors.h"
#include "vigil/error.h"

#define CHUNK (256 * 1024) /* the read size bench/ioc-scan found best with a warm page cache */

static void hex(const unsigned char *md, unsigned len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned i = 0; i < len; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[2 * len] = '\0';
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int vg_task_hash_fd(struct vg_task_ctx *ctx, int fd, int out_fd, uint64_t max, uint64_t *size, char md5[33],
		    char sha256[65], struct vg_error *err)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new(), *s = EVP_MD_CTX_new();
	unsigned char *buf = malloc(CHUNK), md[EVP_MAX_MD_SIZE];
	unsigned mdlen;
	uint64_t total = 0;
	int r = 0;

	if (!m || !s || !buf || !EVP_DigestInit_ex(m, EVP_md5(), NULL) || !EVP_DigestInit_ex(s, EVP_sha256(), NULL)) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto out;
	}
	/* Read once, in order: let the kernel read ahead as far as it will. */
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (;;) {
		ssize_t n;

		if (vg_task_cancelled(ctx)) {
			r = vg_error_set(err, -ECANCELED, N_("cancelled"));
			goto out;
		}
		n = read(fd, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = vg_error_set(err, -errno, N_("read error: %s"), strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > max) {
			r = vg_error_set(err, -EFBIG, N_("the file grew beyond the size limit while it was read"));
			goto out;
		}
		EVP_DigestUpdate(m, buf, (size_t)n);
		EVP_DigestUpdate(s, buf, (size_t)n);
		if (out_fd >= 0 && (r = write_all(out_fd, buf, (size_t)n)) < 0) {
			r = vg_error_set(err, r, N_("cannot write the copy: %s"), strerror(-r));
			goto out;
		}
	}
	EVP_DigestFinal_ex(m, md, &mdlen);
	hex(md, mdlen, md5);
	EVP_DigestFinal_ex(s, md, &mdlen);
	hex(md, mdlen, sha256);
	*size = total;
out:
	EVP_MD_CTX_free(m);
	EVP_MD_CTX_free(s);
	free(buf);
	return r;
}
