/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "events.h"
#include "ocsf.h"
#include "telemetry/enrich.h"
#include "telemetry/telemetry.h"

#define HASH_CHUNK (256 * 1024) /* the read size bench/ioc-scan found best with a warm page cache */
#define PROC_NET_MAX_LINES 65536

struct hash_entry {
	dev_t dev;
	ino_t ino;
	off_t size;
	int64_t mtime_ns;
	char sha256[65];
	char md5[33];
	json_t *json;         /* the OCSF "hashes" array, shared by the events of this file */
	bool used;
};

#define USER_SLOTS 64

struct user_entry {
	long long uid;
	char name[64];
	bool used;
};

#define PARENT_SLOTS 1024
#define PARENT_CMD_MAX 2048

/* What a process runs, from its last exec event: its children name it as their parent even
 * when it has exited by the time they are enriched, and a file it wrote just before it exited
 * is still put to its program. */
struct parent_entry {
	long long pid;
	char *exe, *cmd;
	long long uid;           /* -1: the exec event did not say */
	int64_t exited_ms;       /* when its exit was seen; 0: it runs */
};

/* How long an exited process's program is still given to file events that name its pid: the
 * file sensor reads the events after the writer closed the file, possibly after it exited.
 * Short, so that a pid given again is not taken for the process that had it. */
#define EXITED_ACTOR_MS 10000

/* What /proc said of a parent the sensor did not see start (it started before the agent, or
 * forked without an exec), for its next children: a shell's loop starts thousands.  Keyed by
 * its pid and start time; its exec or its exit forgets it. */
struct proc_parent {
	long long pid;
	uint64_t start;          /* the sensor's start time of the parent, else /proc's start ticks */
	char name[64];
	char *exe, *cmd;         /* exe NULL: /proc had no executable to show */
};

/* Direct-mapped: a collision replaces the older entry.  Bounded, no eviction lists, and
 * only the enrichment thread touches it, so no lock.  User names are cached beside the
 * hashes for the same reason: the passwd lookup would otherwise run for every event. */
struct vg_hash_cache {
	struct hash_entry *slots;
	size_t n;
	uint64_t hits, misses;
	struct user_entry users[USER_SLOTS];
	/* Made once: fetching the digests at every file would take the provider's locks, and
	 * the contexts and the buffer are reused from file to file. */
	EVP_MD *sha256_md, *md5_md;
	EVP_MD_CTX *sha256_ctx, *md5_ctx;
	unsigned char *buf;
	struct parent_entry parents[PARENT_SLOTS];
	struct proc_parent proc_parents[PARENT_SLOTS];
};

int vg_hash_cache_new(struct vg_hash_cache **out, size_t slots)
{
	struct vg_hash_cache *c = calloc(1, sizeof(*c));

	if (!c || !(c->slots = calloc(slots ? slots : 1, sizeof(*c->slots))) || !(c->buf = malloc(HASH_CHUNK)) ||
	    !(c->sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL)) || !(c->md5_md = EVP_MD_fetch(NULL, "MD5", NULL)) ||
	    !(c->sha256_ctx = EVP_MD_CTX_new()) || !(c->md5_ctx = EVP_MD_CTX_new())) {
		vg_hash_cache_free(c);
		return -ENOMEM;
	}
	c->n = slots ? slots : 1;
	*out = c;
	return 0;
}

void vg_hash_cache_free(struct vg_hash_cache *c)
{
	if (!c)
		return;
	EVP_MD_CTX_free(c->sha256_ctx);
	EVP_MD_CTX_free(c->md5_ctx);
	EVP_MD_free(c->sha256_md);
	EVP_MD_free(c->md5_md);
	free(c->buf);
	for (size_t i = 0; i < c->n; i++)
		json_decref(c->slots[i].json);
	for (size_t i = 0; i < PARENT_SLOTS; i++) {
		free(c->parents[i].exe);
		free(c->parents[i].cmd);
		free(c->proc_parents[i].exe);
		free(c->proc_parents[i].cmd);
	}
	free(c->slots);
	free(c);
}

static void hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* One read of fd to its end, at most max_bytes (a file that grew past them is refused). */
static int hash_fd(struct vg_hash_cache *c, int fd, uint64_t max_bytes, char *sha256, char *md5)
{
	unsigned char ds[EVP_MAX_MD_SIZE], dm[EVP_MAX_MD_SIZE];
	unsigned ls = 0, lm = 0;
	uint64_t total = 0;
	ssize_t got;

	if (!EVP_DigestInit_ex2(c->sha256_ctx, c->sha256_md, NULL) || !EVP_DigestInit_ex2(c->md5_ctx, c->md5_md, NULL))
		return -ENOMEM;
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	while ((got = read(fd, c->buf, HASH_CHUNK)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		if ((total += (uint64_t)got) > max_bytes)
			return -EFBIG;
		if (!EVP_DigestUpdate(c->sha256_ctx, c->buf, (size_t)got) ||
		    !EVP_DigestUpdate(c->md5_ctx, c->buf, (size_t)got))
			return -ENOMEM;
	}
	if (!EVP_DigestFinal_ex(c->sha256_ctx, ds, &ls) || !EVP_DigestFinal_ex(c->md5_ctx, dm, &lm))
		return -ENOMEM;
	hex(ds, ls, sha256);
	hex(dm, lm, md5);
	return 0;
}

static bool same_file(const struct hash_entry *e, const struct stat *st)
{
	return e->used && e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size &&
	       e->mtime_ns == (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* The cache entry of the file at path, hashed now if the cache does not know it (as it is
 * now: size and modification time are part of the key); NULL with *r set on failure.  seen is
 * the caller's stat of path made just before, or NULL. */
static struct hash_entry *hashed(struct vg_hash_cache *c, const char *path, const struct stat *seen,
				 uint64_t max_bytes, int *r)
{
	char sha256[65], md5[33];
	struct hash_entry *e;
	struct stat st;
	int fd;
	uint64_t k;

	/* A stat decides a cache hit: the file is opened only when it must be read. */
	if (seen) {
		st = *seen;
	} else if (stat(path, &st) < 0) {
		*r = -errno;
		return NULL;
	}
	*r = !S_ISREG(st.st_mode) ? -EINVAL : (uint64_t)st.st_size > max_bytes ? -EFBIG : 0;
	if (*r < 0)
		return NULL;
	k = (uint64_t)st.st_dev * 0x9e3779b97f4a7c15ull ^ (uint64_t)st.st_ino * 0xff51afd7ed558ccdull ^
	    (uint64_t)st.st_size;
	e = &c->slots[k % c->n];
	if (same_file(e, &st)) {
		c->hits++;
		return e;
	}
	c->misses++;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		*r = -errno;
		return NULL;
	}
	/* What is read is what is keyed: the file may have changed since the stat. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max_bytes) {
		close(fd);
		*r = -EINVAL;
		return NULL;
	}
	*r = hash_fd(c, fd, max_bytes, sha256, md5);
	close(fd);
	if (*r < 0)
		return NULL;
	k = (uint64_t)st.st_dev * 0x9e3779b97f4a7c15ull ^ (uint64_t)st.st_ino * 0xff51afd7ed558ccdull ^
	    (uint64_t)st.st_size;
	e = &c->slots[k % c->n];
	json_decref(e->json);
	e->json = NULL;
	e->used = true;
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->size = st.st_size;
	e->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	memcpy(e->sha256, sha256, sizeof(e->sha256));
	memcpy(e->md5, md5, sizeof(e->md5));
	return e;
}

int vg_hash_file(struct vg_hash_cache *c, const char *path, uint64_t max_bytes, char *sha256, char *md5)
{
	int r;
	struct hash_entry *e = hashed(c, path, NULL, max_bytes, &r);

	if (!e)
		return r;
	memcpy(sha256, e->sha256, sizeof(e->sha256));
	memcpy(md5, e->md5, sizeof(e->md5));
	return 0;
}

json_t *vg_tel_hashes_json(const char *sha256, const char *md5)
{
	return json_pack("[{s:i, s:s, s:s}, {s:i, s:s, s:s}]",
			 "algorithm_id", 3, "algorithm", "SHA-256", "value", sha256,
			 "algorithm_id", 1, "algorithm", "MD5", "value", md5);
}

/* Adds hashes to the file object at path, when it is small enough.  When the sensor read the
 * executable's identity in the kernel (hints "dev" and "ino"), a file now at that path that is
 * another one is not hashed: its hashes would describe a program that did not run.  The
 * "hashes" array is built once per file and shared by its events (never changed after). */
static void hash_into(struct vg_telemetry *tel, json_t *file, const char *path, const json_t *hints)
{
	json_t *dev = json_object_get(hints, "dev"), *ino = json_object_get(hints, "ino");
	bool identified = json_is_integer(dev) && json_is_integer(ino);
	struct hash_entry *e;
	struct stat st;
	int r;

	if (!file || !path)
		return;
	/* The stat that checks the identity also decides the cache hit. */
	if (identified && (stat(path, &st) < 0 || (json_int_t)st.st_dev != json_integer_value(dev) ||
			   (json_int_t)st.st_ino != json_integer_value(ino)))
		return;
	if (!(e = hashed(tel->hashes, path, identified ? &st : NULL, atomic_load(&tel->hash_max_bytes), &r)))
		return;
	if (!e->json)
		e->json = vg_tel_hashes_json(e->sha256, e->md5);
	json_object_set(file, "hashes", e->json);
}

/* IPv4 in /proc/net/tcp is the 32-bit word in host order; IPv6 is four such words. */
static bool proc_addr(const char *hexaddr, char *out, size_t size, int *family)
{
	size_t len = strlen(hexaddr);

	if (len == 8) {
		struct in_addr a;

		a.s_addr = (uint32_t)strtoul(hexaddr, NULL, 16);
		*family = AF_INET;
		return inet_ntop(AF_INET, &a, out, (socklen_t)size) != NULL;
	}
	if (len == 32) {
		struct in6_addr a;
		char word[9];

		for (int i = 0; i < 4; i++) {
			uint32_t v;

			memcpy(word, hexaddr + 8 * i, 8);
			word[8] = '\0';
			v = (uint32_t)strtoul(word, NULL, 16);
			memcpy(&a.s6_addr[4 * i], &v, 4);
		}
		*family = AF_INET6;
		return inet_ntop(AF_INET6, &a, out, (socklen_t)size) != NULL;
	}
	return false;
}

/* A socket as /proc/PID/net/{tcp,tcp6,udp,udp6} shows it. */
struct proc_socket {
	char proto[4];
	char local_ip[INET6_ADDRSTRLEN], remote_ip[INET6_ADDRSTRLEN];
	unsigned local_port, remote_port, state;
};

/* Finds the socket inode in /proc/PID/net/{tcp,tcp6,udp,udp6}. */
static bool socket_find(pid_t pid, unsigned long inode, struct proc_socket *out)
{
	static const char *const tables[] = { "tcp", "tcp6", "udp", "udp6" };

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		char path[64], line[512];
		unsigned lines = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/net/%s", (int)pid, tables[t]);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f) && lines++ < PROC_NET_MAX_LINES) {
			char local[64], remote[64];
			unsigned long ino;
			int family;

			if (sscanf(line, " %*u: %63[0-9A-Fa-f]:%x %63[0-9A-Fa-f]:%x %x %*s %*s %*s %*u %*u %lu", local,
				   &out->local_port, remote, &out->remote_port, &out->state, &ino) != 6 || ino != inode)
				continue;
			fclose(f);
			snprintf(out->proto, sizeof(out->proto), "%.3s", tables[t]);
			return proc_addr(local, out->local_ip, sizeof(out->local_ip), &family) &&
			       proc_addr(remote, out->remote_ip, sizeof(out->remote_ip), &family);
		}
		fclose(f);
	}
	return false;
}

/* The same address, an IPv4 one possibly written as IPv4-mapped IPv6 on one side. */
static bool same_ip(const char *a, const char *b)
{
	if (a && strncmp(a, "::ffff:", 7) == 0 && strchr(a, '.'))
		a += 7;
	if (b && strncmp(b, "::ffff:", 7) == 0 && strchr(b, '.'))
		b += 7;
	return a && b && strcmp(a, b) == 0;
}

/* TCP states (include/net/tcp_states.h) of a connection that got past its handshake. */
static bool tcp_opened(unsigned state)
{
	return state == 1 /* ESTABLISHED */ || state == 4 /* FIN_WAIT1 */ || state == 5 /* FIN_WAIT2 */ ||
	       state == 8 /* CLOSE_WAIT */ || state == 9 /* LAST_ACK */ || state == 11 /* CLOSING */;
}

/*
 * The local end and the protocol of a socket call's socket, read through the descriptor the
 * call used.  The descriptor may have been closed since and given to another socket: what is
 * read is kept only when the socket is the call's, its peer being the one the call named (a
 * connect, an accept) or its local end the bound address (a bind).  It also tells what became
 * of a non-blocking connect: Open once past the handshake.
 */
static void network_local(json_t *event, json_t *hints)
{
	pid_t pid = (pid_t)json_integer_value(json_object_get(hints, "pid"));
	json_int_t fd = json_integer_value(json_object_get(hints, "fd"));
	enum vg_ocsf_net_call call = (enum vg_ocsf_net_call)json_integer_value(json_object_get(hints, "call"));
	json_t *named = json_object_get(event, call == VG_OCSF_NET_ACCEPT ? "src_endpoint" : "dst_endpoint");
	const char *ip = json_string_value(json_object_get(named, "ip"));
	json_int_t port = json_integer_value(json_object_get(named, "port"));
	char link[64], target[64];
	struct proc_socket so;
	unsigned long inode;
	bool tcp;
	ssize_t n;

	if (pid <= 0 || fd < 0 || !ip)
		return;
	snprintf(link, sizeof(link), "/proc/%d/fd/%lld", (int)pid, (long long)fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	if (sscanf(target, "socket:[%lu]", &inode) != 1 || !socket_find(pid, inode, &so))
		return;
	if (call == VG_OCSF_NET_BIND ? !same_ip(so.local_ip, ip) || (port && so.local_port != port)
				     : !same_ip(so.remote_ip, ip) || so.remote_port != port)
		return;
	tcp = strcmp(so.proto, "tcp") == 0;
	if (json_integer_value(json_object_get(event, "activity_id")) == VG_NET_OTHER && tcp && tcp_opened(so.state)) {
		json_object_set_new(event, "activity_id", json_integer(VG_NET_OPEN));
		json_object_set_new(event, "activity_name", json_string("Open"));
		vg_ocsf_set_status(event, VG_STATUS_SUCCESS, NULL, NULL);
	}
	/* Bound to port 0: the one the kernel chose. */
	if (call == VG_OCSF_NET_BIND && !port)
		json_object_set_new(named, "port", json_integer(so.local_port));
	vg_ocsf_network_set_local(event, call, json_pack("{s:s, s:i}", "ip", so.local_ip, "port", (int)so.local_port));
	json_object_set_new(json_object_get(event, "connection_info"), "protocol_name", json_string(so.proto));
	json_object_set_new(json_object_get(event, "connection_info"), "protocol_num", json_integer(tcp ? 6 : 17));
}

static struct proc_parent *proc_parent_slot(struct vg_hash_cache *c, long long pid)
{
	return &c->proc_parents[(unsigned long long)pid % PARENT_SLOTS];
}

static void proc_parent_forget(struct proc_parent *e)
{
	free(e->exe);
	free(e->cmd);
	memset(e, 0, sizeof(*e));
}

/* Sets the parent's name, executable and command line from what /proc said of it. */
static void proc_parent_apply(json_t *parent, const struct proc_parent *e, const char *name)
{
	json_object_set_new(parent, "name", vg_ocsf_text(name));
	if (e->exe)
		json_object_set_new(parent, "file", vg_ocsf_file(e->exe, VG_FILE_TYPE_EXECUTABLE));
	if (e->cmd)
		json_object_set_new(parent, "cmd_line", vg_ocsf_text(e->cmd));
}

/* The executable and command line of pid from /proc into e (replacing what it held). */
static void proc_parent_read(struct proc_parent *e, pid_t pid)
{
	char path[64], buf[4096], exe[PATH_MAX];
	ssize_t n;
	int fd;

	free(e->exe);
	free(e->cmd);
	e->exe = e->cmd = NULL;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if ((n = readlink(path, exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		e->exe = strdup(exe);
	}
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			/* NUL-separated arguments, the last one ended by a NUL too. */
			while (n > 0 && buf[n - 1] == '\0')
				n--;
			for (ssize_t i = 0; i < n; i++)
				if (buf[i] == '\0')
					buf[i] = ' ';
			buf[n] = '\0';
			e->cmd = strdup(buf);
		}
	}
}

/*
 * The parent of a launched program, from /proc, when the sensor could not say more than its
 * pid: its name, executable and command line.  Only when the process with that pid now is
 * the one that was the parent: it started before the launch (a pid given again since belongs
 * to a process that started after).  sensor_start is the parent's start time as the sensor
 * read it in the kernel (0: not given): with it, a parent already read is not read again.
 */
static void parent_details(struct vg_hash_cache *c, json_t *parent, int64_t launch_ms, uint64_t sensor_start)
{
	pid_t pid = (pid_t)json_integer_value(json_object_get(parent, "pid"));
	struct proc_parent *cached;
	char path[64], buf[1024], *comm, *end;
	unsigned long long start_ticks;
	struct timespec real, boot;
	int64_t start_ms;
	ssize_t n;
	int fd;

	if (pid <= 0 || json_object_get(parent, "file"))
		return;
	cached = proc_parent_slot(c, pid);
	if (sensor_start && cached->pid == pid && cached->start == sensor_start) {
		proc_parent_apply(parent, cached, cached->name);
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* pid (comm) state ppid ... field 22 is the start time in ticks after boot; comm may hold
	 * spaces and parentheses: it ends at the last ')'. */
	comm = strchr(buf, '(');
	end = strrchr(buf, ')');
	if (!comm || !end || end < comm ||
	    sscanf(end + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &start_ticks) != 1)
		return;
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	/* The boot's wall-clock time plus the start's offset from it. */
	start_ms = (int64_t)real.tv_sec * 1000 + real.tv_nsec / 1000000 - (int64_t)boot.tv_sec * 1000 -
		   boot.tv_nsec / 1000000 + (int64_t)(start_ticks * 1000 / (unsigned long long)sysconf(_SC_CLK_TCK));
	if (start_ms > launch_ms)
		return;
	*end = '\0';
	/* The same process as last time (its pid and start): what it runs was read already. */
	if (cached->pid != pid || cached->start != (sensor_start ? sensor_start : start_ticks)) {
		proc_parent_read(cached, pid);
		cached->pid = pid;
		cached->start = sensor_start ? sensor_start : start_ticks;
	}
	snprintf(cached->name, sizeof(cached->name), "%s", comm + 1);
	proc_parent_apply(parent, cached, comm + 1);
}

/* The type of a file that still exists, when the sensor could not tell it. */
static void file_type(json_t *file, const char *path)
{
	struct stat st;

	if (file && path && json_integer_value(json_object_get(file, "type_id")) == VG_FILE_TYPE_UNKNOWN &&
	    lstat(path, &st) == 0)
		vg_ocsf_file_set_type(file, vg_ocsf_file_type(st.st_mode));
}

static void user_name(struct vg_hash_cache *c, json_t *user)
{
	const char *uid_text = json_string_value(json_object_get(user, "uid"));
	struct user_entry *e;
	long long uid;

	if (!uid_text)
		return;
	uid = strtoll(uid_text, NULL, 10);
	e = &c->users[(unsigned long long)uid % USER_SLOTS];
	if (!e->used || e->uid != uid) {
		struct passwd pw, *res = NULL;
		char buf[1024];

		e->used = true;
		e->uid = uid;
		e->name[0] = '\0';
		if (getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res) == 0 && res)
			snprintf(e->name, sizeof(e->name), "%s", res->pw_name);
	}
	if (e->name[0])
		json_object_set_new(user, "name", json_string(e->name));
}

static struct parent_entry *parent_slot(struct vg_hash_cache *c, long long pid)
{
	return &c->parents[(unsigned long long)pid % PARENT_SLOTS];
}

/* The uid of a process object (OCSF gives it as text), or -1. */
static long long uid_of(const json_t *proc)
{
	const char *text = json_string_value(json_object_get(json_object_get(proc, "user"), "uid"));
	char *end;
	long long uid;

	if (!text || !*text)
		return -1;
	errno = 0;
	uid = strtoll(text, &end, 10);
	return errno || *end || uid < 0 ? -1 : uid;
}

/* Remembers what pid runs since its exec (a collision replaces the older entry). */
static void remember_exec(struct vg_hash_cache *c, const json_t *proc)
{
	json_int_t pid = json_integer_value(json_object_get(proc, "pid"));
	const char *exe = json_string_value(json_object_get(json_object_get(proc, "file"), "path"));
	const char *cmd = json_string_value(json_object_get(proc, "cmd_line"));
	struct parent_entry *e;

	if (pid <= 0 || !exe)
		return;
	/* It runs another program now: what /proc said of it is past. */
	if (proc_parent_slot(c, pid)->pid == pid)
		proc_parent_forget(proc_parent_slot(c, pid));
	e = parent_slot(c, pid);
	free(e->exe);
	free(e->cmd);
	e->pid = pid;
	e->exe = strdup(exe);
	e->cmd = cmd ? strndup(cmd, PARENT_CMD_MAX) : NULL;
	e->uid = uid_of(proc);
	e->exited_ms = 0;
}

/* Its exit: no longer anyone's parent, but still the writer of the files it closed last. */
static void forget_pid(struct vg_hash_cache *c, long long pid)
{
	struct parent_entry *e = parent_slot(c, pid);

	if (proc_parent_slot(c, pid)->pid == pid)
		proc_parent_forget(proc_parent_slot(c, pid));
	if (e->pid == pid && !e->exited_ms)
		e->exited_ms = vg_time_ms();
}

/* The actor of a file event that exited before the file sensor could read /proc: its program,
 * command line and user from its exec event (Sigma's Image and CommandLine of file_event). */
static void actor_from_exec(struct vg_hash_cache *c, json_t *event)
{
	json_t *proc = json_object_get(json_object_get(event, "actor"), "process");
	json_int_t pid = json_integer_value(json_object_get(proc, "pid"));
	const struct parent_entry *known;

	if (pid <= 0 || json_object_get(proc, "file"))
		return;
	known = parent_slot(c, pid);
	if (known->pid != pid || !known->exe || (known->exited_ms && vg_time_ms() - known->exited_ms > EXITED_ACTOR_MS))
		return;
	json_object_set_new(proc, "file", vg_ocsf_file(known->exe, VG_FILE_TYPE_EXECUTABLE));
	if (!json_object_get(proc, "name"))
		json_object_set(proc, "name", json_object_get(json_object_get(proc, "file"), "name"));
	if (known->cmd && !json_object_get(proc, "cmd_line"))
		json_object_set_new(proc, "cmd_line", vg_ocsf_text(known->cmd));
	if (known->uid >= 0 && !json_object_get(proc, "user"))
		json_object_set_new(proc, "user", vg_ocsf_user(known->uid));
}

/* The parent of a process start, when the sensor named only its pid: its executable and
 * command line from its own exec event when it was seen (it may have exited since), else
 * from /proc now (parent_details: a parent started before the agent).  Sigma's ParentImage
 * and ParentCommandLine read these. */
static void parent_info(struct vg_hash_cache *c, json_t *proc, int64_t launch_ms, uint64_t sensor_start)
{
	json_t *parent = json_object_get(proc, "parent_process");
	json_int_t ppid = json_integer_value(json_object_get(parent, "pid"));
	const struct parent_entry *known;

	if (ppid <= 0 || json_object_get(parent, "file"))
		return;
	known = parent_slot(c, ppid);
	if (known->pid != ppid || !known->exe || known->exited_ms) {
		parent_details(c, parent, launch_ms, sensor_start);
		return;
	}
	json_object_set_new(parent, "file", vg_ocsf_file(known->exe, VG_FILE_TYPE_EXECUTABLE));
	if (known->cmd)
		json_object_set_new(parent, "cmd_line", vg_ocsf_text(known->cmd));
}

/* The types of the files of a file event that the sensor could not tell. */
static void file_types(json_t *event)
{
	json_t *file = json_object_get(event, "file"), *result = json_object_get(event, "file_result");

	if (result) {
		/* A renamed file is the one now at its new name. */
		file_type(result, json_string_value(json_object_get(result, "path")));
		if (json_integer_value(json_object_get(file, "type_id")) == VG_FILE_TYPE_UNKNOWN)
			vg_ocsf_file_set_type(file, (int)json_integer_value(json_object_get(result, "type_id")));
	} else if (json_integer_value(json_object_get(event, "activity_id")) != 4) {
		/* A deleted file is gone: what may be at its path now is another one. */
		file_type(file, json_string_value(json_object_get(file, "path")));
	}
}

void vg_tel_enrich(struct vg_telemetry *tel, json_t *event)
{
	json_t *hints = json_object_get(event, "_vg");
	json_t *proc = json_object_get(event, "process");
	enum vg_tel_type type = vg_tel_type_of(event);

	if (!proc)
		proc = json_object_get(json_object_get(event, "actor"), "process");
	if (type == VG_TEL_FILE) {
		actor_from_exec(tel->hashes, event);
		file_types(event);
	}
	if (proc)
		user_name(tel->hashes, json_object_get(proc, "user"));
	if (type == VG_TEL_PROCESS && json_integer_value(json_object_get(event, "activity_id")) == 2)
		forget_pid(tel->hashes, json_integer_value(json_object_get(proc, "pid")));
	if (!hints)
		return;
	json_incref(hints);
	json_object_del(event, "_vg");
	switch (type) {
	case VG_TEL_PROCESS:
		if (json_integer_value(json_object_get(event, "activity_id")) == 1) {
			hash_into(tel, json_object_get(proc, "file"),
				  json_string_value(json_object_get(json_object_get(proc, "file"), "path")), hints);
			parent_info(tel->hashes, proc, json_integer_value(json_object_get(event, "time")),
				    (uint64_t)json_integer_value(json_object_get(hints, "parent_start")));
			remember_exec(tel->hashes, proc);
		}
		break;
	case VG_TEL_NETWORK:
		network_local(event, hints);
		hash_into(tel, json_object_get(proc, "file"),
			  json_string_value(json_object_get(json_object_get(proc, "file"), "path")), hints);
		break;
	case VG_TEL_FILE: {
		json_t *file = json_object_get(event, "file");
		const char *path = json_string_value(json_object_get(file, "path"));
		struct stat st;

		/* Created or written: its size now, and its content's hashes after a write. */
		if (path && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			json_object_set_new(file, "size", json_integer((json_int_t)st.st_size));
			if (json_is_true(json_object_get(hints, "hash")))
				hash_into(tel, file, path, NULL);
		}
		break;
	}
	default:
		break;
	}
	json_decref(hints);
}
