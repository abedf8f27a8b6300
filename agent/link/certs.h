/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Certificates of the server link (OpenSSL 3): the imported server certificate (the trust
 * anchor of the link) and the client certificate with its key (two-way TLS).  Imports check
 * the files and store them as PEM, mode 0600, in the state directory.
 */
#ifndef VIGIL_LINK_CERTS_H
#define VIGIL_LINK_CERTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct vg_error;

#define VG_CERT_MAX_FILE (1024 * 1024)
#define VG_CERT_WARN_DAYS 30

/* Checks PEM (one or more certificates) or DER data and stores it as PEM at path.
 * *info receives the description of the first certificate (see vg_cert_info). */
int vg_cert_import_server(const unsigned char *data, size_t len, const char *path, json_t **info,
			  struct vg_error *err);

/* Checks a PKCS#12 container (password may be NULL or "") and stores its certificate, chain
 * and key as PEM at path. */
int vg_cert_import_p12(const unsigned char *data, size_t len, const char *password, const char *path,
		       json_t **info, struct vg_error *err);

/* Checks a PEM certificate and its PEM key (password for an encrypted key, may be NULL)
 * and stores them together at path. */
int vg_cert_import_pem_pair(const unsigned char *cert, size_t cert_len, const unsigned char *key,
			    size_t key_len, const char *password, const char *path, json_t **info,
			    struct vg_error *err);

/* Describes the first certificate of the PEM file at path: {subject, issuer, not_before,
 * not_after (seconds since the epoch), sha256, certificates, expires_in_days, warning?}.
 * -ENOENT when there is none. */
int vg_cert_info(const char *path, json_t **info, struct vg_error *err);

#endif
