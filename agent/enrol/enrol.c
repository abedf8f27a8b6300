/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Applying the drop-in files (enrol.h): each parsed and checked whole, its certificates staged
 * beside the live ones and swapped in, its settings written in one change (the old files put
 * back when they are refused): a file with one bad line changes nothing.  The digest of what a file applied (its text and
 * the files it names) is kept, so that a file is applied again only when it changed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "enrol/enrol.h"
#include "fileio.h"
#include "ini.h"
#include "link/certs.h"
#include "link/link.h"
#include "link/link-settings.h"
#include "log.h"
#include "nls.h"
#include "settings.h"
#include "store.h"
#include "vigil/error.h"

#define MAX_PAIRS 256
#define STAGED ".enrol"

static const struct vg_migration migrations[] = {
	{ 1, "CREATE TABLE enrol_files (name TEXT PRIMARY KEY, digest TEXT NOT NULL, applied INTEGER NOT NULL);" },
};

/* The [files] section: files of the link that a drop-in names. */
enum named_file { SERVER_CA, CLIENT_PKCS12, CLIENT_PASSWORD, PROXY_PASSWORD, NAMED_FILES };

static const char *const named_keys[NAMED_FILES] = {
	"server_ca", "client_pkcs12", "client_password_file", "proxy_password_file",
};

struct dropin {
	struct vg_agent *agent;
	const char *name;                        /* in the directory */
	struct vg_setting_pair pairs[MAX_PAIRS];
	char *values[MAX_PAIRS];
	char *sources[MAX_PAIRS];
	size_t n;
	struct {
		char path[PATH_MAX];                 /* as written: relative to the directory, or absolute */
		unsigned line;
		char *data;
		size_t len;
	} named[NAMED_FILES];
	char digest[2 * EVP_MAX_MD_SIZE + 1];
};

static void dropin_free(struct dropin *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->values[i]);
		free(d->sources[i]);
	}
	for (int f = 0; f < NAMED_FILES; f++)
		if (d->named[f].data) {
			OPENSSL_cleanse(d->named[f].data, d->named[f].len);
			free(d->named[f].data);
		}
	free(d);
}

static int on_key(const char *section, const char *key, const char *value, unsigned line, void *data,
		  struct vg_error *err)
{
	struct dropin *d = data;
	char full[2 * VG_INI_MAX_NAME + 2], canon[VG_SETTING_MAX_VALUE], source[VG_ENROL_MAX_NAME + 32];
	const struct vg_setting_def *def;
	int r;

	if (strcmp(section, "files") == 0) {
		for (int f = 0; f < NAMED_FILES; f++) {
			if (strcmp(key, named_keys[f]) != 0)
				continue;
			if (d->named[f].line)
				return vg_error_set(err, -EINVAL, N_("%s is given twice"), key);
			if (!value[0] || strlen(value) >= sizeof(d->named[f].path))
				return vg_error_set(err, -EINVAL, N_("%s takes the path of a file"), key);
			snprintf(d->named[f].path, sizeof(d->named[f].path), "%s", value);
			d->named[f].line = line;
			return 0;
		}
		return vg_error_set(err, -EINVAL,
				    N_("unknown key \"%s\" in [files] (server_ca, client_pkcs12, client_password_file, "
				       "proxy_password_file)"), key);
	}
	snprintf(full, sizeof(full), "%s%s%s", section, section[0] ? "." : "", key);
	/* The checks of vigilctl settings set: the key known, the value valid, given once. */
	if (!(def = vg_setting_registry_find(vg_settings_registry(d->agent->settings), full, err)))
		return -ENOENT;
	for (size_t i = 0; i < d->n; i++)
		if (d->pairs[i].def == def)
			return vg_error_set(err, -EINVAL, N_("setting \"%s\" is given twice"), full);
	if ((r = vg_setting_normalize(def, value, canon, sizeof(canon), err)) < 0)
		return r;
	if (d->n >= MAX_PAIRS)
		return vg_error_set(err, -E2BIG, N_("too many settings in one change"));
	snprintf(source, sizeof(source), "file %s:%u", d->name, line);
	d->values[d->n] = strdup(canon);
	d->sources[d->n] = strdup(source);
	if (!d->values[d->n] || !d->sources[d->n]) {
		free(d->values[d->n]);
		free(d->sources[d->n]);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	d->pairs[d->n].def = def;
	d->pairs[d->n].value = d->values[d->n];
	d->n++;
	return 0;
}

/* "PATH:LINE: " before err, for what is found wrong after the parse. */
static void where(struct vg_error *err, const char *path, unsigned line)
{
	char prefix[PATH_MAX + 32];

	if (line)
		snprintf(prefix, sizeof(prefix), "%s:%u: ", path, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", path);
	vg_error_prefix(err, prefix);
}

/* The files the drop-in names, read now (they count in its digest). */
static int read_named(struct dropin *d, int dirfd, const char *path, struct vg_error *err)
{
	static const size_t max[NAMED_FILES] = { VG_CERT_MAX_FILE, VG_CERT_MAX_FILE, VG_ENROL_MAX_SECRET,
						 VG_ENROL_MAX_SECRET };
	static const bool secret[NAMED_FILES] = { false, true, true, true };
	int r;

	if (d->named[CLIENT_PASSWORD].line && !d->named[CLIENT_PKCS12].line) {
		vg_error_set(err, -EINVAL, N_("client_password_file needs client_pkcs12"));
		where(err, path, d->named[CLIENT_PASSWORD].line);
		return -EINVAL;
	}
	for (int f = 0; f < NAMED_FILES; f++) {
		if (!d->named[f].line)
			continue;
		if ((r = vg_enrol_read_trusted(dirfd, d->named[f].path, d->named[f].path, max[f], secret[f], &d->named[f].data,
					       &d->named[f].len, err)) < 0) {
			where(err, path, d->named[f].line);
			return r;
		}
	}
	return 0;
}

static int digest_of(struct dropin *d, const char *text, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) && EVP_DigestUpdate(ctx, text, len);

	for (int f = 0; ok && f < NAMED_FILES; f++) {
		unsigned char sep[1] = { (unsigned char)f };

		ok = EVP_DigestUpdate(ctx, sep, 1) && EVP_DigestUpdate(ctx, d->named[f].data ? d->named[f].data : "",
								 d->named[f].len);
	}
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -ENOMEM;
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(d->digest + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static bool applied_before(struct vg_store *store, const char *name, const char *digest)
{
	sqlite3_stmt *st = NULL;
	bool same = false;

	if (sqlite3_prepare_v2(vg_store_db(store), "SELECT digest FROM enrol_files WHERE name = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		same = strcmp((const char *)sqlite3_column_text(st, 0) ?: "", digest) == 0;
	sqlite3_finalize(st);
	return same;
}

static void record(struct vg_store *store, const char *name, const char *digest)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(vg_store_db(store),
			       "INSERT INTO enrol_files(name, digest, applied) VALUES (?1, ?2, ?3)"
			       " ON CONFLICT(name) DO UPDATE SET digest = excluded.digest, applied = excluded.applied",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
	if (sqlite3_step(st) != SQLITE_DONE)
		vg_warn("enrolment: cannot record that %s was applied", name);
	sqlite3_finalize(st);
}

/* A removed file is forgotten: put back, it is applied again. */
static void forget_others(struct vg_store *store, char **names, size_t n)
{
	sqlite3_stmt *st = NULL, *del = NULL;
	char gone[VG_ENROL_MAX_FILES][VG_ENROL_MAX_NAME + 1];
	size_t ngone = 0;

	if (sqlite3_prepare_v2(vg_store_db(store), "SELECT name FROM enrol_files", -1, &st, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW && ngone < VG_ENROL_MAX_FILES) {
		const char *name = (const char *)sqlite3_column_text(st, 0) ?: "";
		bool present = false;

		for (size_t i = 0; i < n && !present; i++)
			present = strcmp(names[i], name) == 0;
		if (!present)
			snprintf(gone[ngone++], sizeof(gone[0]), "%s", name);
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(vg_store_db(store), "DELETE FROM enrol_files WHERE name = ?1", -1, &del, NULL) !=
	    SQLITE_OK)
		return;
	for (size_t i = 0; i < ngone; i++) {
		sqlite3_reset(del);
		sqlite3_bind_text(del, 1, gone[i], -1, SQLITE_STATIC);
		sqlite3_step(del);
	}
	sqlite3_finalize(del);
}

/* The password of a file, its last line ending dropped; NULL with err when empty. */
static char *password_of(const struct dropin *d, int f, const char *path, struct vg_error *err)
{
	size_t len = d->named[f].len;
	char *pw;

	while (len && (d->named[f].data[len - 1] == '\n' || d->named[f].data[len - 1] == '\r'))
		len--;
	if (len == 0 || len > VG_LINK_SECRET_MAX || memchr(d->named[f].data, '\0', len)) {
		vg_error_set(err, -EINVAL, N_("%s holds no password of at most %s bytes"), d->named[f].path, "1024");
		where(err, path, d->named[f].line);
		return NULL;
	}
	if (!(pw = strndup(d->named[f].data, len)))
		vg_error_set(err, -ENOMEM, N_("out of memory"));
	return pw;
}

/* A file of the link checked and written beside its live copy (tmp); once swapped in, the
 * previous live file is kept (old, a hard link) until the settings are in. */
struct staged {
	char tmp[NAMED_FILES][PATH_MAX], live[NAMED_FILES][PATH_MAX], old[NAMED_FILES][PATH_MAX];
	bool swapped[NAMED_FILES], had_old[NAMED_FILES];
};

static void unstage(struct staged *s)
{
	for (int f = 0; f < NAMED_FILES; f++) {
		if (s->tmp[f][0] && !s->swapped[f])
			unlink(s->tmp[f]);
		if (s->had_old[f])
			unlink(s->old[f]);
	}
}

/* Puts the staged files in place, before the settings: a setting may need its file there (the
 * link refuses two-way TLS without a client certificate). */
static int swap_in(struct staged *s, struct vg_error *err)
{
	for (int f = 0; f < NAMED_FILES; f++) {
		if (!s->tmp[f][0])
			continue;
		unlink(s->old[f]);
		if (link(s->live[f], s->old[f]) == 0)
			s->had_old[f] = true;
		else if (errno != ENOENT)
			return vg_error_set(err, -errno, N_("cannot put %s in place: %s"), s->live[f], strerror(errno));
		if (rename(s->tmp[f], s->live[f]) < 0)
			return vg_error_set(err, -errno, N_("cannot put %s in place: %s"), s->live[f], strerror(errno));
		s->swapped[f] = true;
	}
	return 0;
}

/* The settings were refused: the previous files come back. */
static void swap_back(struct staged *s)
{
	for (int f = 0; f < NAMED_FILES; f++) {
		if (!s->swapped[f])
			continue;
		if (s->had_old[f] ? rename(s->old[f], s->live[f]) : unlink(s->live[f]))
			vg_error_log("enrolment: cannot put back %s: %s", s->live[f], strerror(errno));
		s->had_old[f] = s->swapped[f] = false;
	}
}

static int stage_path(struct staged *s, int f, const char *state_dir, const char *file, struct vg_error *err)
{
	if (snprintf(s->live[f], sizeof(s->live[f]), "%s/%s", state_dir, file) >= (int)sizeof(s->live[f]) ||
	    snprintf(s->tmp[f], sizeof(s->tmp[f]), "%s/%s%s", state_dir, file, STAGED) >= (int)sizeof(s->tmp[f]) ||
	    snprintf(s->old[f], sizeof(s->old[f]), "%s/%s%s-old", state_dir, file, STAGED) >= (int)sizeof(s->old[f]))
		return vg_error_set(err, -ENAMETOOLONG, N_("path too long: %s"), state_dir);
	return 0;
}

static void free_secret(char *pw)
{
	if (pw) {
		OPENSSL_cleanse(pw, strlen(pw));
		free(pw);
	}
}

/* A certificate file checked and converted by the code of vigilctl's imports, into tmp. */
static int import_certificate(const struct dropin *d, int f, const char *pw, const char *tmp, struct vg_error *err)
{
	const unsigned char *data = (const unsigned char *)d->named[f].data;
	json_t *info = NULL;
	int r = f == SERVER_CA ? vg_cert_import_server(data, d->named[f].len, tmp, &info, err)
			       : vg_cert_import_p12(data, d->named[f].len, pw, tmp, &info, err);

	json_decref(info);
	return r;
}

/* Checks the certificates and the passwords with vigilctl's code and writes them beside the
 * live files, where nothing reads them yet. */
static int stage(struct dropin *d, const char *path, struct staged *s, struct vg_error *err)
{
	static const char *const live[NAMED_FILES] = { VG_LINK_SERVER_CERT, VG_LINK_CLIENT_CERT, NULL,
						       VG_LINK_PROXY_PASSWORD };
	static const int certificates[] = { SERVER_CA, CLIENT_PKCS12 };
	const char *state_dir = d->agent->cfg.state_dir;
	char *pw = NULL;
	int r = 0;

	for (size_t i = 0; i < sizeof(certificates) / sizeof(certificates[0]); i++) {
		int f = certificates[i];

		if (!d->named[f].data)
			continue;
		if (f == CLIENT_PKCS12 && d->named[CLIENT_PASSWORD].data &&
		    !(pw = password_of(d, CLIENT_PASSWORD, path, err)))
			return err->code;
		if ((r = stage_path(s, f, state_dir, live[f], err)) == 0)
			r = import_certificate(d, f, pw, s->tmp[f], err);
		free_secret(pw);
		pw = NULL;
		if (r < 0) {
			s->tmp[f][0] = '\0';
			where(err, path, d->named[f].line);
			return r;
		}
	}
	if (d->named[PROXY_PASSWORD].data) {
		const char *user = vg_setting_str(d->agent->settings, VG_S_PROXY_USER);

		for (size_t i = 0; i < d->n; i++)
			if (d->pairs[i].def == VG_SETTING_DEF(VG_S_PROXY_USER))
				user = d->pairs[i].value;
		if (!user[0]) {
			vg_error_set(err, -EINVAL, N_("a proxy password needs a user (proxy.user)"));
			where(err, path, d->named[PROXY_PASSWORD].line);
			return -EINVAL;
		}
		if (!(pw = password_of(d, PROXY_PASSWORD, path, err)))
			return err->code;
		if ((r = stage_path(s, PROXY_PASSWORD, state_dir, live[PROXY_PASSWORD], err)) == 0)
			r = vg_file_write_atomic(s->tmp[PROXY_PASSWORD], pw, strlen(pw), 0600, err);
		free_secret(pw);
		if (r < 0) {
			s->tmp[PROXY_PASSWORD][0] = '\0';
			return r;
		}
	}
	return 0;
}

/* One file: "applied", "unchanged", or a negative code with err naming the file and line. */
static int apply_file(struct vg_agent *agent, int dirfd, const char *name, const char **state, struct vg_error *err,
		      char *digest, size_t digest_size)
{
	struct dropin *d = calloc(1, sizeof(*d));
	struct staged staged = { 0 };
	char path[PATH_MAX + VG_ENROL_MAX_NAME + 2], *text = NULL;
	size_t len = 0;
	bool files = false;
	int r;

	snprintf(path, sizeof(path), "%s/%s", agent->enrol->dir, name);
	if (!d)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	d->agent = agent;
	d->name = name;
	if ((r = vg_enrol_read_trusted(dirfd, name, path, VG_ENROL_MAX_FILE, false, &text, &len, err)) < 0)
		goto out;
	if ((r = vg_ini_parse(text, len, path, on_key, d, err)) < 0 || (r = read_named(d, dirfd, path, err)) < 0)
		goto out;
	if ((r = digest_of(d, text, len)) < 0) {
		vg_error_set(err, r, N_("out of memory"));
		goto out;
	}
	snprintf(digest, digest_size, "%s", d->digest);
	if (applied_before(agent->store, name, d->digest)) {
		*state = "unchanged";
		goto out;
	}
	if ((r = stage(d, path, &staged, err)) < 0)
		goto out;
	/* Files first, each a rename in the state directory; then the settings in one change; the
	 * old files come back if the settings are refused.  Nothing else runs meanwhile (the loop's
	 * thread), so no one sees the files without the settings. */
	if ((r = swap_in(&staged, err)) < 0 ||
	    (r = vg_settings_set_from(agent->settings, d->pairs, (const char *const *)d->sources, d->n, 0, err)) < 0) {
		swap_back(&staged);
		where(err, path, 0);
		goto out;
	}
	for (int f = 0; f < NAMED_FILES; f++)
		if (staged.swapped[f]) {
			files = true;
			vg_notice("enrolment: %s imported from %s", staged.live[f], path);
		}
	if (files && agent->link)
		agent->link->generation++;
	record(agent->store, name, d->digest);
	*state = "applied";
	vg_notice("enrolment: %s applied (%zu settings)", path, d->n);
out:
	unstage(&staged);
	if (text) {
		OPENSSL_cleanse(text, len);
		free(text);
	}
	dropin_free(d);
	return r;
}

static void problem(struct vg_enrol *e, const struct vg_error *err)
{
	vg_error_log("enrolment: %s", err->message);
	json_array_append_new(e->problems, vg_ctl_error_json(err));
}

void vg_enrol_run(struct vg_agent *agent)
{
	struct vg_enrol *e = agent->enrol;
	struct vg_error err = { 0 };
	char **names = NULL;
	size_t n = 0;
	int dirfd = -1, r;

	json_decref(e->files);
	json_decref(e->problems);
	e->files = json_array();
	e->problems = json_array();
	e->read_at_ms = (int64_t)vg_agent_now_ms(agent);
	e->readings++;
	r = vg_enrol_list(e->dir, &dirfd, &names, &n, &err);
	if (r == -ENOENT) {
		/* No directory: no file, each forgotten as a removed one is. */
		forget_others(agent->store, NULL, 0);
		return;
	}
	if (r < 0) {
		problem(e, &err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *state = "refused";
		char digest[2 * EVP_MAX_MD_SIZE + 1] = "";

		vg_error_clear(&err);
		if (apply_file(agent, dirfd, names[i], &state, &err, digest, sizeof(digest)) < 0)
			problem(e, &err);
		json_array_append_new(e->files, json_pack("{s:s, s:s, s:s}", "name", names[i], "state", state, "digest",
							  digest));
	}
	forget_others(agent->store, names, n);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	close(dirfd);
}

int vg_enrol_start(struct vg_agent *agent, struct vg_error *err)
{
	struct vg_enrol *e;
	int r;

	if ((r = vg_store_migrate(agent->store, "enrol", migrations, sizeof(migrations) / sizeof(migrations[0]), err)) <
	    0)
		return r;
	if (!(e = calloc(1, sizeof(*e))))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if (snprintf(e->dir, sizeof(e->dir), "%s%s", agent->config_path, VG_ENROL_DIR_SUFFIX) >= (int)sizeof(e->dir)) {
		free(e);
		return vg_error_set(err, -ENAMETOOLONG, N_("path too long: %s"), agent->config_path);
	}
	agent->enrol = e;
	vg_enrol_run(agent);
	return 0;
}

void vg_enrol_stop(struct vg_agent *agent)
{
	if (!agent->enrol)
		return;
	json_decref(agent->enrol->files);
	json_decref(agent->enrol->problems);
	free(agent->enrol);
	agent->enrol = NULL;
}

json_t *vg_enrol_status(struct vg_agent *agent)
{
	struct vg_enrol *e = agent->enrol;
	json_t *o;

	if (!e)
		return json_pack("{s:b}", "available", 0);
	o = json_pack("{s:b, s:s, s:O, s:O, s:I}", "available", 1, "directory", e->dir, "files", e->files, "problems",
		      e->problems, "readings", (json_int_t)e->readings);
	if (o)
		vg_ctl_set_time(o, "read", e->read_at_ms);
	return o;
}
