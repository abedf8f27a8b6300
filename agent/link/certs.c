/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl-server.h"
#include "fileio.h"
#include "link/certs.h"
#include "nls.h"
#include "vigil/error.h"

#define MAX_CHAIN 16

static const char *ssl_reason(char *buf, size_t size)
{
	unsigned long e = ERR_peek_last_error();

	if (!e) {
		snprintf(buf, size, "%s", "?");
		return buf;
	}
	ERR_error_string_n(e, buf, size);
	ERR_clear_error();
	return buf;
}

static time_t asn1_time(const ASN1_TIME *t)
{
	struct tm tm;

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

static void name_text(const X509_NAME *name, char *out, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	out[0] = '\0';
	if (!b)
		return;
	X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	n = BIO_get_mem_data(b, &p);
	if (n > 0)
		snprintf(out, size, "%.*s", (int)n, p);
	BIO_free(b);
}

static json_t *describe(X509 *cert, size_t count)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char subject[512], issuer[512], fp[EVP_MAX_MD_SIZE * 3 + 1] = "";
	time_t nb = asn1_time(X509_get0_notBefore(cert)), na = asn1_time(X509_get0_notAfter(cert));
	long long days = ((long long)na - (long long)time(NULL)) / 86400;
	json_t *info;

	name_text(X509_get_subject_name(cert), subject, sizeof(subject));
	name_text(X509_get_issuer_name(cert), issuer, sizeof(issuer));
	if (X509_digest(cert, EVP_sha256(), md, &mdlen) == 1)
		for (unsigned i = 0; i < mdlen; i++)
			snprintf(fp + i * 3, sizeof(fp) - i * 3, "%02X%s", md[i], i + 1 < mdlen ? ":" : "");
	info = json_pack("{s:s, s:s, s:n, s:n, s:s, s:I, s:I}", "subject", subject, "issuer", issuer,
			 "not_before", "not_after", "sha256", fp,
			 "certificates", (json_int_t)count, "expires_in_days", (json_int_t)days);
	if (info) {
		vg_ctl_set_time(info, "not_before", (int64_t)nb * 1000);
		vg_ctl_set_time(info, "not_after", (int64_t)na * 1000);
	}
	if (info && days < VG_CERT_WARN_DAYS)
		json_object_set_new(info, "warning", json_string("expires within 30 days"));
	return info;
}

/* The first certificate must be valid now. */
static int check_validity(X509 *cert, bool server, struct vg_error *err)
{
	if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0)
		return server ? vg_error_set(err, -EKEYEXPIRED, N_("the server certificate has expired"))
			      : vg_error_set(err, -EKEYEXPIRED, N_("the client certificate has expired"));
	if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0)
		return server ? vg_error_set(err, -EINVAL, N_("the server certificate is not valid yet"))
			      : vg_error_set(err, -EINVAL, N_("the client certificate is not valid yet"));
	return 0;
}

static int write_pem(const char *path, X509 *const *certs, size_t n, EVP_PKEY *key, struct vg_error *err)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long len;
	int r = 0;

	if (!b)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	for (size_t i = 0; i < n; i++)
		if (PEM_write_bio_X509(b, certs[i]) != 1)
			r = -ENOMEM;
	if (key && PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL) != 1)
		r = -ENOMEM;
	len = BIO_get_mem_data(b, &p);
	if (r == 0 && len > 0)
		r = vg_file_write_atomic(path, p, (size_t)len, 0600, err);
	else if (r == 0)
		r = -EIO;
	if (r < 0 && err && !err->code)
		vg_error_set(err, r, N_("cannot store the certificate in %s"), path);
	if (len > 0)
		OPENSSL_cleanse(p, (size_t)len);
	BIO_free(b);
	return r;
}

static size_t read_pem_certs(const unsigned char *data, size_t len, X509 **certs, size_t max)
{
	BIO *b = BIO_new_mem_buf(data, (int)len);
	size_t n = 0;
	X509 *c;

	if (!b)
		return 0;
	while (n < max && (c = PEM_read_bio_X509(b, NULL, NULL, NULL)))
		certs[n++] = c;
	ERR_clear_error();
	BIO_free(b);
	return n;
}

static void free_certs(X509 **certs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		X509_free(certs[i]);
}

int vg_cert_import_server(const unsigned char *data, size_t len, const char *path, json_t **info,
			  struct vg_error *err)
{
	X509 *certs[MAX_CHAIN];
	size_t n;
	int r;

	if (len == 0 || len > VG_CERT_MAX_FILE)
		return vg_error_set(err, -EINVAL, N_("the certificate file is empty or too large"));
	n = read_pem_certs(data, len, certs, MAX_CHAIN);
	if (n == 0) {
		const unsigned char *p = data;
		X509 *c = d2i_X509(NULL, &p, (long)len);

		ERR_clear_error();
		if (!c || p != data + len) {
			X509_free(c);
			return vg_error_set(err, -EINVAL, N_("the file holds no certificate in PEM or DER form"));
		}
		certs[n++] = c;
	}
	if ((r = check_validity(certs[0], true, err)) == 0 &&
	    (r = write_pem(path, certs, n, NULL, err)) == 0)
		*info = describe(certs[0], n);
	free_certs(certs, n);
	return r;
}

static int store_pair(X509 *cert, STACK_OF(X509) *chain, EVP_PKEY *key, const char *path, json_t **info,
		      struct vg_error *err)
{
	X509 *certs[MAX_CHAIN];
	size_t n = 0;
	int r;

	if (X509_check_private_key(cert, key) != 1) {
		ERR_clear_error();
		return vg_error_set(err, -EINVAL, N_("the private key does not match the certificate"));
	}
	if ((r = check_validity(cert, false, err)) < 0)
		return r;
	certs[n++] = cert;
	for (int i = 0; chain && i < sk_X509_num(chain) && n < MAX_CHAIN; i++)
		certs[n++] = sk_X509_value(chain, i);
	if ((r = write_pem(path, certs, n, key, err)) == 0)
		*info = describe(cert, n);
	return r;
}

int vg_cert_import_p12(const unsigned char *data, size_t len, const char *password, const char *path,
		       json_t **info, struct vg_error *err)
{
	const unsigned char *p = data;
	PKCS12 *p12;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *chain = NULL;
	char reason[256];
	int r;

	if (len == 0 || len > VG_CERT_MAX_FILE)
		return vg_error_set(err, -EINVAL, N_("the certificate file is empty or too large"));
	p12 = d2i_PKCS12(NULL, &p, (long)len);
	if (!p12) {
		ERR_clear_error();
		return vg_error_set(err, -EINVAL, N_("the file is not a PKCS#12 container"));
	}
	if (PKCS12_verify_mac(p12, password ? password : "", -1) != 1 &&
	    !(password && !password[0] && PKCS12_verify_mac(p12, NULL, 0) == 1)) {
		ERR_clear_error();
		PKCS12_free(p12);
		return vg_error_set(err, -EACCES, N_("wrong password for the PKCS#12 container"));
	}
	if (PKCS12_parse(p12, password ? password : "", &key, &cert, &chain) != 1) {
		r = vg_error_set(err, -EINVAL, N_("cannot read the PKCS#12 container: %s"),
				 ssl_reason(reason, sizeof(reason)));
	} else if (!cert || !key) {
		r = vg_error_set(err, -EINVAL, N_("the PKCS#12 container lacks a certificate or a private key"));
	} else {
		r = store_pair(cert, chain, key, path, info, err);
	}
	EVP_PKEY_free(key);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	PKCS12_free(p12);
	return r;
}

static int key_password_cb(char *buf, int size, int rwflag, void *u)
{
	const char *pw = u;
	size_t n = pw ? strlen(pw) : 0;

	(void)rwflag;
	if (!pw || (int)n >= size)
		return -1;
	memcpy(buf, pw, n);
	return (int)n;
}

int vg_cert_import_pem_pair(const unsigned char *cert_data, size_t cert_len, const unsigned char *key_data,
			    size_t key_len, const char *password, const char *path, json_t **info,
			    struct vg_error *err)
{
	X509 *certs[MAX_CHAIN];
	STACK_OF(X509) *chain;
	EVP_PKEY *key;
	BIO *b;
	size_t n;
	int r;

	if (!cert_len || cert_len > VG_CERT_MAX_FILE || !key_len || key_len > VG_CERT_MAX_FILE)
		return vg_error_set(err, -EINVAL, N_("the certificate file is empty or too large"));
	n = read_pem_certs(cert_data, cert_len, certs, MAX_CHAIN);
	if (n == 0)
		return vg_error_set(err, -EINVAL, N_("the file holds no certificate in PEM or DER form"));
	b = BIO_new_mem_buf(key_data, (int)key_len);
	key = b ? PEM_read_bio_PrivateKey(b, NULL, key_password_cb, (void *)password) : NULL;
	BIO_free(b);
	ERR_clear_error();
	if (!key) {
		free_certs(certs, n);
		return vg_error_set(err, -EINVAL, N_("cannot read the private key (wrong password or not PEM)"));
	}
	chain = sk_X509_new_null();
	for (size_t i = 1; chain && i < n; i++)
		sk_X509_push(chain, certs[i]);
	r = store_pair(certs[0], chain, key, path, info, err);
	sk_X509_free(chain);
	EVP_PKEY_free(key);
	free_certs(certs, n);
	return r;
}

int vg_cert_info(const char *path, json_t **info, struct vg_error *err)
{
	X509 *certs[MAX_CHAIN];
	char *data = NULL;
	size_t len, n;
	int r;

	if ((r = vg_file_read_all(path, VG_CERT_MAX_FILE, &data, &len, NULL)) < 0) {
		if (r == -ENOENT)
			return vg_error_set(err, -ENOENT, N_("no certificate is imported"));
		return vg_error_set(err, r, N_("cannot read %s"), path);
	}
	n = read_pem_certs((const unsigned char *)data, len, certs, MAX_CHAIN);
	OPENSSL_cleanse(data, len);
	free(data);
	if (n == 0)
		return vg_error_set(err, -EINVAL, N_("the file holds no certificate in PEM or DER form"));
	*info = describe(certs[0], n);
	free_certs(certs, n);
	return 0;
}
