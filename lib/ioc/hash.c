/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One read of a file computing only the hashes the documents need (MD5, SHA-1, SHA-256).
 *
 * A hasher is made once per thread: the digests fetched from the provider once (an implicit
 * fetch at every init takes the provider's locks, which the hashing threads would fight
 * over), the contexts reused from file to file, one read buffer.  Reads of READ_SIZE: larger
 * ones gain nothing once the file is in the page cache, smaller ones pay a system call per
 * 64 KiB (bench/ioc-scan measures it).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan.h"

#define READ_SIZE (256u << 10)

static const struct {
	unsigned bit;
	const char *name;
} algos[IOC_NALGOS] = { { IOC_HASH_MD5, "MD5" }, { IOC_HASH_SHA1, "SHA1" }, { IOC_HASH_SHA256, "SHA256" } };

static void hex(const unsigned char *d, unsigned n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

int ioc_hasher_init(struct ioc_hasher *h, unsigned want)
{
	memset(h, 0, sizeof(*h));
	h->want = want;
	if (!(h->buf = malloc(READ_SIZE)))
		return -ENOMEM;
	h->size = READ_SIZE;
	for (int i = 0; i < IOC_NALGOS; i++) {
		if (!(want & algos[i].bit))
			continue;
		h->md[i] = EVP_MD_fetch(NULL, algos[i].name, NULL);
		h->ctx[i] = EVP_MD_CTX_new();
		if (!h->md[i] || !h->ctx[i]) {
			ioc_hasher_fini(h);
			return -ENOMEM;
		}
	}
	return 0;
}

void ioc_hasher_fini(struct ioc_hasher *h)
{
	for (int i = 0; i < IOC_NALGOS; i++) {
		EVP_MD_CTX_free(h->ctx[i]);
		EVP_MD_free(h->md[i]);
	}
	free(h->buf);
	memset(h, 0, sizeof(*h));
}

int ioc_hasher_run(struct ioc_hasher *h, int fd, uint64_t limit, atomic_bool *cancel, struct ioc_hashes *out,
		   uint64_t *bytes)
{
	char *dst[IOC_NALGOS] = { out->md5, out->sha1, out->sha256 };
	uint64_t total = 0;
	int r = 0;

	for (int i = 0; i < IOC_NALGOS; i++)
		if (h->ctx[i] && !EVP_DigestInit_ex2(h->ctx[i], h->md[i], NULL))
			return -ENOMEM;
	/* Read ahead as far as the kernel will: the whole file is read once, in order. */
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (;;) {
		if (cancel && atomic_load(cancel)) {
			r = -ECANCELED;
			goto out;
		}
		ssize_t n = read(fd, h->buf, h->size);
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
		for (int i = 0; i < IOC_NALGOS; i++)
			if (h->ctx[i])
				EVP_DigestUpdate(h->ctx[i], h->buf, (size_t)n);
	}
	for (int i = 0; i < IOC_NALGOS; i++) {
		unsigned char d[EVP_MAX_MD_SIZE];
		unsigned dl = 0;
		dst[i][0] = '\0';
		if (h->ctx[i] && EVP_DigestFinal_ex(h->ctx[i], d, &dl))
			hex(d, dl, dst[i]);
	}
out:
	if (bytes)
		*bytes += total;
	return r;
}

int ioc_hash_fd(int fd, unsigned want, uint64_t limit, atomic_bool *cancel, struct ioc_hashes *out,
		uint64_t *bytes)
{
	struct ioc_hasher h;
	int r;

	if ((r = ioc_hasher_init(&h, want)) < 0)
		return r;
	r = ioc_hasher_run(&h, fd, limit, cancel, out, bytes);
	ioc_hasher_fini(&h);
	return r;
}
