/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One read of a file computing only the hashes the documents need (MD5, SHA-1, SHA-256). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "scan.h"

#define CHUNK (1u << 20)

static void hex(const unsigned char *d, unsigned n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

int ioc_hash_fd(int fd, unsigned want, uint64_t limit, atomic_bool *cancel, struct ioc_hashes *out,
		   uint64_t *bytes)
{
	static const struct {
		unsigned bit;
		const char *name;
	} algos[3] = { { IOC_HASH_MD5, "MD5" }, { IOC_HASH_SHA1, "SHA1" }, { IOC_HASH_SHA256, "SHA256" } };
	EVP_MD_CTX *ctx[3] = { NULL, NULL, NULL };
	const EVP_MD *md[3] = { NULL, NULL, NULL };
	unsigned char *buf = NULL;
	uint64_t total = 0;
	int r = 0;

	buf = malloc(CHUNK);
	if (!buf)
		return -ENOMEM;
	for (int i = 0; i < 3; i++) {
		if (!(want & algos[i].bit))
			continue;
		md[i] = EVP_get_digestbyname(algos[i].name);
		ctx[i] = EVP_MD_CTX_new();
		if (!md[i] || !ctx[i] || !EVP_DigestInit_ex(ctx[i], md[i], NULL)) {
			r = -ENOMEM;
			goto out;
		}
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (;;) {
		if (cancel && atomic_load(cancel)) {
			r = -ECANCELED;
			goto out;
		}
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		/* The size was checked before; a file that grows past the limit stops here. */
		if (total > limit) {
			r = -EFBIG;
			goto out;
		}
		for (int i = 0; i < 3; i++)
			if (ctx[i])
				EVP_DigestUpdate(ctx[i], buf, (size_t)n);
	}
	char *dst[3] = { out->md5, out->sha1, out->sha256 };
	for (int i = 0; i < 3; i++) {
		unsigned char d[EVP_MAX_MD_SIZE];
		unsigned dl = 0;
		dst[i][0] = '\0';
		if (ctx[i] && EVP_DigestFinal_ex(ctx[i], d, &dl))
			hex(d, dl, dst[i]);
	}
out:
	if (bytes)
		*bytes += total;
	for (int i = 0; i < 3; i++)
		EVP_MD_CTX_free(ctx[i]);
	free(buf);
	return r;
}
