/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audit collector's netlink side: mode, rules, kernel settings, and the reader thread. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libaudit.h>
#include <linux/netlink.h>

#include "log.h"
#include "loop.h"
#include "nls.h"
#include "telemetry/audit-parse.h"
#include "telemetry/audit.h"
#include "telemetry/telemetry.h"
#include "vigil/error.h"

#define BACKLOG_LIMIT 8192           /* at least this many records may wait in the kernel */
#define RCVBUF_BYTES (16 << 20)
#define STATUS_TIMEOUT_MS 1000
#define RULE_CHECK_MS 2000
#define MAX_WATCHES 32

enum mode { MODE_UNICAST, MODE_MULTICAST };
enum rule_kind { RULE_EXEC, RULE_EXIT, RULE_NET, NRULES };

struct vg_tel_audit {
	struct vg_telemetry *tel;
	int ctl_fd;                  /* rules and status requests */
	int rd_fd;                   /* the records: unicast (our pid set) or the multicast group */
	enum mode mode;
	bool immutable;
	bool restore_enabled, restore_backlog;
	uint32_t orig_enabled, orig_backlog_limit, orig_backlog_wait;
	bool want[NRULES], installed[NRULES];
	/* Directory watches, the file collector's fallback when fanotify is unavailable. */
	char *watch[MAX_WATCHES];
	bool watch_installed[MAX_WATCHES];
	size_t nwatch;
	/* For the detection's auditd rules: the syscalls they name, and files whose reads they
	 * watch (key VG_AUDIT_READ_KEY). */
	char **det_sys;
	size_t ndet_sys;
	bool det_installed;
	char *rwatch[MAX_WATCHES];
	bool rwatch_installed[MAX_WATCHES];
	size_t nrwatch;
	unsigned rule_restores;      /* times our rules were found gone and put back */
	uint64_t last_rule_check;
	char rule_error[256];
	struct audit_status status;  /* last answer of the kernel */
	uint64_t lost_base;          /* the kernel's lost counter when we started */
	bool have_status;
	pthread_t thread;
	bool thread_started;
	atomic_bool stop;
	atomic_uint_fast64_t reads;  /* times the reader woke and read the socket */
	bool pace;                   /* the socket holds what comes in a pause (PACE_MS) */
	struct vg_audit_parser *parser;
};

/* Asks the kernel for its audit status; waits at most STATUS_TIMEOUT_MS. */
static int get_status(int fd, struct audit_status *out)
{
	char buf[MAX_AUDIT_MESSAGE_LENGTH + NLMSG_HDRLEN];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	if ((r = audit_request_status(fd)) < 0)
		return r;
	for (int round = 0; round < 8; round++) {
		ssize_t n;

		if ((r = poll(&p, 1, STATUS_TIMEOUT_MS)) <= 0)
			return r < 0 ? -errno : -ETIMEDOUT;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error)
					return e->error;
				continue;
			}
			if (h->nlmsg_type == AUDIT_GET) {
				size_t len = h->nlmsg_len - NLMSG_HDRLEN;

				memset(out, 0, sizeof(*out));
				memcpy(out, NLMSG_DATA(h), len < sizeof(*out) ? len : sizeof(*out));
				return 0;
			}
		}
	}
	return -ETIMEDOUT;
}

/* Appends the key field.  libaudit's field parser accepts a key only after it saw a syscall
 * through auditctl's own globals, so the field is added here, the way the kernel reads it. */
static struct audit_rule_data *add_key(struct audit_rule_data *rule, const char *key)
{
	size_t len = strlen(key);
	struct audit_rule_data *r;

	if (rule->field_count >= AUDIT_MAX_FIELDS)
		return NULL;
	r = realloc(rule, sizeof(*rule) + rule->buflen + len);
	if (!r)
		return NULL;
	memcpy(r->buf + r->buflen, key, len);
	r->buflen += (uint32_t)len;
	r->fields[r->field_count] = AUDIT_FILTERKEY;
	r->fieldflags[r->field_count] = AUDIT_EQUAL;
	r->values[r->field_count] = (uint32_t)len;
	r->field_count++;
	return r;
}

/* Ends one of our rules: never about the agent itself (pid!=self), and our key last (the
 * mark that tells our rules from anyone else's).  Frees rule on failure. */
static struct audit_rule_data *own_rule(struct audit_rule_data *rule, pid_t self, const char *key)
{
	char field[64];
	struct audit_rule_data *keyed;

	snprintf(field, sizeof(field), "pid!=%d", (int)self);
	if (audit_rule_fieldpair_data(&rule, field, AUDIT_FILTER_EXIT) != 0 || !(keyed = add_key(rule, key))) {
		audit_rule_free_data(rule);
		return NULL;
	}
	return keyed;
}

/* A rule on 64-bit syscalls by name, key "vigil".  With all_known, a name that is no syscall
 * here fails it; else such names are skipped (NULL when none is left). */
static struct audit_rule_data *syscall_rule(const char *const *names, size_t n, bool all_known, pid_t self)
{
	struct audit_rule_data *rule = audit_rule_create_data();
	/* libaudit writes into the pair it parses: writable copies, never literals. */
	char arch[] = "arch=b64";
	size_t known = 0;

	if (!rule)
		return NULL;
	if (audit_rule_fieldpair_data(&rule, arch, AUDIT_FILTER_EXIT) != 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (audit_rule_syscallbyname_data(rule, names[i]) == 0)
			known++;
		else if (all_known)
			goto fail;
	}
	if (!known)
		goto fail;
	return own_rule(rule, self, VG_AUDIT_KEY);
fail:
	audit_rule_free_data(rule);
	return NULL;
}

/* Builds one of our rules: 64-bit syscalls, not the agent itself, key "vigil". */
static struct audit_rule_data *make_rule(enum rule_kind kind, pid_t self)
{
	static const char *const syscalls[NRULES][5] = {
		[RULE_EXEC] = { "execve", "execveat", NULL },
		[RULE_EXIT] = { "exit_group", NULL },
		[RULE_NET] = { "connect", "accept", "accept4", "bind", NULL },
	};
	size_t n = 0;

	while (syscalls[kind][n])
		n++;
	return syscall_rule(syscalls[kind], n, true, self);
}

/* The detection's rule: the syscalls its auditd rules name (unknown names are skipped). */
static struct audit_rule_data *make_detect_rule(char *const *names, size_t n, pid_t self)
{
	return syscall_rule((const char *const *)names, n, false, self);
}

/* A watch of ours on path (the field is "dir" for a directory, "path" for a file) for the
 * accesses perm ("wa", "r"), by anyone but the agent, with key. */
static struct audit_rule_data *watch_rule(const char *field_name, const char *path, const char *perm, const char *key,
					  pid_t self)
{
	struct audit_rule_data *rule = audit_rule_create_data();
	char arch[] = "arch=b64", field[PATH_MAX + 8], pfield[16];

	if (!rule)
		return NULL;
	snprintf(field, sizeof(field), "%s=%s", field_name, path);
	snprintf(pfield, sizeof(pfield), "perm=%s", perm);
	if (audit_rule_fieldpair_data(&rule, arch, AUDIT_FILTER_EXIT) != 0 ||
	    audit_rule_syscallbyname_data(rule, "all") != 0 ||
	    audit_rule_fieldpair_data(&rule, field, AUDIT_FILTER_EXIT) != 0 ||
	    audit_rule_fieldpair_data(&rule, pfield, AUDIT_FILTER_EXIT) != 0) {
		audit_rule_free_data(rule);
		return NULL;
	}
	return own_rule(rule, self, key);
}

/* A watch of ours: writes and attribute changes under dir, by anyone but the agent. */
static struct audit_rule_data *make_watch_rule(const char *dir, pid_t self)
{
	return watch_rule("dir", dir, "wa", VG_AUDIT_KEY, self);
}

/* A read watch of the detection: reads of one file, key VG_AUDIT_READ_KEY so that rules can
 * tell these events apart. */
static struct audit_rule_data *make_read_rule(const char *path, pid_t self)
{
	return watch_rule("path", path, "r", VG_AUDIT_READ_KEY, self);
}

/* Adds (add true) or removes a rule; an existing rule on add, or a missing one on removal,
 * is fine.  Returns 0, 1 when an added rule was missing, or -errno. */
static int change_rule(struct vg_tel_audit *a, struct audit_rule_data *rule, bool add)
{
	int r;

	if (!rule)
		return -ENOMEM;
	if (add) {
		r = audit_add_rule_data(a->ctl_fd, rule, AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
		r = r == -EEXIST ? 0 : r < 0 ? r : 1;
	} else {
		r = audit_delete_rule_data(a->ctl_fd, rule, AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
		r = r == -ENOENT ? 0 : r < 0 ? r : 0;
	}
	audit_rule_free_data(rule);
	return r;
}

/* Adds a rule; an existing identical rule is fine.  Returns 0, 1 when it was missing, or -errno. */
static int add_rule(struct vg_tel_audit *a, enum rule_kind kind)
{
	struct audit_rule_data *rule = make_rule(kind, a->tel->self);
	int r;

	if (!rule)
		return -ENOMEM;
	r = audit_add_rule_data(a->ctl_fd, rule, AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
	audit_rule_free_data(rule);
	if (r == -EEXIST)
		return 0;
	return r < 0 ? r : 1;
}

static int delete_rule(struct vg_tel_audit *a, enum rule_kind kind)
{
	struct audit_rule_data *rule = make_rule(kind, a->tel->self);
	int r;

	if (!rule)
		return -ENOMEM;
	r = audit_delete_rule_data(a->ctl_fd, rule, AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
	audit_rule_free_data(rule);
	return r == -ENOENT ? 0 : r;
}

/* Whether the last field of a rule is the key key: we always put the key last, so its text is
 * the last bytes of the rule's buffer. */
static bool last_key_is(const struct audit_rule_data *r, const char *key)
{
	size_t klen = strlen(key);
	uint32_t last = r->field_count - 1;

	return r->fields[last] == AUDIT_FILTERKEY && r->values[last] == klen && r->buflen >= klen &&
	       memcmp(r->buf + r->buflen - klen, key, klen) == 0;
}

/* Whether a rule from the kernel is one an agent made (key "vigil", or "vigil-read" for the
 * detection's read watches); *pid is the agent's (from its "pid!=" field). */
static bool is_agent_rule(const struct audit_rule_data *r, size_t size, pid_t *pid)
{
	uint32_t last;

	if (size < sizeof(*r) || r->field_count == 0 || r->field_count > AUDIT_MAX_FIELDS ||
	    size < sizeof(*r) + r->buflen)
		return false;
	last = r->field_count - 1;
	if (!last_key_is(r, VG_AUDIT_KEY) && !last_key_is(r, VG_AUDIT_READ_KEY))
		return false;
	*pid = 0;
	for (uint32_t i = 0; i < last; i++)
		if (r->fields[i] == AUDIT_PID && r->fieldflags[i] == AUDIT_NOT_EQUAL)
			*pid = (pid_t)r->values[i];
	return true;
}

/* Ours: made by this agent, or left behind by one that is gone (killed).  Another agent
 * running beside us (tests run several) keeps its rules. */
static bool is_our_rule(const struct audit_rule_data *r, size_t size, pid_t self)
{
	pid_t pid;

	if (!is_agent_rule(r, size, &pid))
		return false;
	return pid == self || pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH);
}

/* Removes every rule of ours, including those a killed agent left behind.  Rules of anyone
 * else are never touched. */
static void purge_our_rules(struct vg_tel_audit *a)
{
	enum { MAX_OURS = 64 };
	struct audit_rule_data *ours[MAX_OURS];
	size_t n = 0, removed = 0;
	char *buf;
	bool done = false;

	if (a->immutable || audit_request_rules_list_data(a->ctl_fd) < 0)
		return;
	buf = malloc(MAX_AUDIT_MESSAGE_LENGTH + NLMSG_HDRLEN);
	if (!buf)
		return;
	for (int round = 0; !done && round < 4096; round++) {
		struct pollfd p = { .fd = a->ctl_fd, .events = POLLIN };
		ssize_t len;

		if (poll(&p, 1, STATUS_TIMEOUT_MS) <= 0)
			break;
		len = recv(a->ctl_fd, buf, MAX_AUDIT_MESSAGE_LENGTH + NLMSG_HDRLEN, MSG_DONTWAIT);
		if (len <= 0)
			break;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
			size_t size = h->nlmsg_len - NLMSG_HDRLEN;

			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				if (h->nlmsg_type == NLMSG_DONE)
					done = true;
				continue;
			}
			if (h->nlmsg_type != AUDIT_LIST_RULES || !is_our_rule(NLMSG_DATA(h), size, a->tel->self) || n == MAX_OURS)
				continue;
			if ((ours[n] = malloc(size)))
				memcpy(ours[n++], NLMSG_DATA(h), size);
		}
	}
	free(buf);
	for (size_t i = 0; i < n; i++) {
		if (audit_delete_rule_data(a->ctl_fd, ours[i], ours[i]->flags, ours[i]->action) >= 0)
			removed++;
		free(ours[i]);
	}
	if (removed)
		vg_info("audit: removed %zu rules with key %s", removed, VG_AUDIT_KEY);
}

/* Makes the kernel's rules match what is wanted; counts ours found missing. */
static void sync_rules(struct vg_tel_audit *a)
{
	if (a->immutable)
		return;
	for (int k = 0; k < NRULES; k++) {
		int r;

		if (a->want[k]) {
			r = add_rule(a, k);
			if (r == 1 && a->installed[k]) {
				a->rule_restores++;
				vg_notice("audit: our rules were removed (a reload of the audit rules?); put back");
			}
			if (r < 0) {
				snprintf(a->rule_error, sizeof(a->rule_error), "%s", strerror(-r));
				vg_warn("audit: cannot add a rule: %s", strerror(-r));
			} else {
				a->installed[k] = true;
				a->rule_error[0] = '\0';
			}
		} else if (a->installed[k]) {
			if ((r = delete_rule(a, k)) < 0)
				vg_warn("audit: cannot remove a rule: %s", strerror(-r));
			a->installed[k] = false;
		}
	}
	for (size_t w = 0; w < a->nwatch; w++) {
		int r = change_rule(a, make_watch_rule(a->watch[w], a->tel->self), true);

		if (r < 0) {
			snprintf(a->rule_error, sizeof(a->rule_error), "%s: %s", a->watch[w], strerror(-r));
			vg_warn("audit: cannot watch %s: %s", a->watch[w], strerror(-r));
			continue;
		}
		if (r == 1 && a->watch_installed[w])
			a->rule_restores++;
		a->watch_installed[w] = true;
	}
	if (a->ndet_sys) {
		int r = change_rule(a, make_detect_rule(a->det_sys, a->ndet_sys, a->tel->self), true);

		if (r < 0 && r != -ENOMEM)
			vg_warn("audit: cannot add the detection's syscall rule: %s", strerror(-r));
		else if (r >= 0)
			a->det_installed = true;
	}
	for (size_t w = 0; w < a->nrwatch; w++) {
		int r = change_rule(a, make_read_rule(a->rwatch[w], a->tel->self), true);

		if (r < 0) {
			/* A file that does not exist here is not watched; that is no error. */
			if (r != -ENOENT)
				vg_warn("audit: cannot watch reads of %s: %s", a->rwatch[w], strerror(-r));
			continue;
		}
		a->rwatch_installed[w] = true;
	}
}

/* Removes the detection's rules (loop thread). */
static void clear_detect(struct vg_tel_audit *a)
{
	if (a->det_installed && !a->immutable)
		change_rule(a, make_detect_rule(a->det_sys, a->ndet_sys, a->tel->self), false);
	for (size_t i = 0; i < a->ndet_sys; i++)
		free(a->det_sys[i]);
	free(a->det_sys);
	a->det_sys = NULL;
	a->ndet_sys = 0;
	a->det_installed = false;
	for (size_t w = 0; w < a->nrwatch; w++) {
		if (a->rwatch_installed[w] && !a->immutable)
			change_rule(a, make_read_rule(a->rwatch[w], a->tel->self), false);
		free(a->rwatch[w]);
		a->rwatch[w] = NULL;
		a->rwatch_installed[w] = false;
	}
	a->nrwatch = 0;
}

static bool same_list(char *const *a, size_t na, const char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

void vg_tel_audit_set_detect(struct vg_tel_audit *a, const char *const *syscalls, size_t nsys,
			     const char *const *files, size_t nfiles)
{
	if (same_list(a->det_sys, a->ndet_sys, syscalls, nsys) &&
	    same_list(a->rwatch, a->nrwatch, files, nfiles < MAX_WATCHES ? nfiles : MAX_WATCHES))
		return;
	clear_detect(a);
	if (nsys && (a->det_sys = calloc(nsys, sizeof(*a->det_sys))))
		for (size_t i = 0; i < nsys; i++)
			if ((a->det_sys[a->ndet_sys] = strdup(syscalls[i])))
				a->ndet_sys++;
	for (size_t i = 0; i < nfiles && a->nrwatch < MAX_WATCHES; i++)
		if (files[i][0] == '/' && (a->rwatch[a->nrwatch] = strdup(files[i])))
			a->nrwatch++;
	sync_rules(a);
}

/* Removes every watch (loop thread). */
static void clear_watches(struct vg_tel_audit *a)
{
	for (size_t w = 0; w < a->nwatch; w++) {
		if (a->watch_installed[w] && !a->immutable)
			change_rule(a, make_watch_rule(a->watch[w], a->tel->self), false);
		free(a->watch[w]);
		a->watch[w] = NULL;
		a->watch_installed[w] = false;
	}
	a->nwatch = 0;
}

int vg_tel_audit_set_watches(struct vg_tel_audit *a, const char *paths)
{
	char *copy, *save = NULL, *tok;

	clear_watches(a);
	vg_audit_parser_set_watching(a->parser, paths != NULL);
	if (!paths)
		return 0;
	copy = strdup(paths);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && a->nwatch < MAX_WATCHES; tok = strtok_r(NULL, ",", &save)) {
		struct stat st;

		if (tok[0] != '/' || stat(tok, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (!(a->watch[a->nwatch] = strdup(tok)))
			break;
		a->nwatch++;
	}
	free(copy);
	sync_rules(a);
	return a->nwatch ? 0 : -ENOENT;
}

/* Records read with one call: the kernel sends one per datagram, an exec makes about seven. */
#define READ_BATCH 32
/* After a read of fewer records than this, the reader lets the next ones gather in the socket
 * (RCVBUF_BYTES) for PACE_MS before it reads again: launches on a busy host then cost a
 * wake-up of the reader, the enrichment and the loop per batch, not per record, as the eBPF
 * programs wake theirs (a wake-up is most of what an event costs on a virtual machine).  A
 * host that sends more than this many records per pause, or overflows the socket, is read
 * without pausing; so is a socket that did not get its size. */
#define PACE_RECORDS 2048
#define PACE_MS 50

static void *reader_main(void *data)
{
	struct vg_tel_audit *a = data;
	/* Each record's buffer starts aligned for its header. */
	const size_t size = NLMSG_ALIGN(MAX_AUDIT_MESSAGE_LENGTH + NLMSG_HDRLEN);
	char *buf = malloc(READ_BATCH * size);
	struct mmsghdr msgs[READ_BATCH];
	struct iovec iov[READ_BATCH];
	struct pollfd p = { .fd = a->rd_fd, .events = POLLIN };
	unsigned since_age = 0, drained;

	if (!buf)
		return NULL;
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < READ_BATCH; i++) {
		iov[i] = (struct iovec){ .iov_base = buf + (size_t)i * size, .iov_len = size };
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (!atomic_load(&a->stop)) {
		/* Woken in time to end an event whose EOE never comes (audit-parse.h). */
		int wait = vg_audit_parser_open_wait(a->parser);
		int n, pr = poll(&p, 1, wait >= 0 && wait < 250 ? wait : 250);

		if (pr <= 0) {
			vg_audit_parser_age(a->parser);
			continue;
		}
		/* Drain everything queued before going back to poll. */
		atomic_fetch_add(&a->reads, 1);
		drained = 0;
		while ((n = recvmmsg(a->rd_fd, msgs, READ_BATCH, MSG_DONTWAIT, NULL)) > 0) {
			drained += (unsigned)n;
			for (int i = 0; i < n; i++) {
				struct nlmsghdr *h = iov[i].iov_base;
				size_t len = msgs[i].msg_len;

				/* The kernel sends one record per datagram, and its nlmsg_len leaves out
				 * the header (a long-standing quirk), so the datagram's size is what
				 * counts.  A datagram longer than the buffer is cut (MSG_TRUNC). */
				if (len < NLMSG_HDRLEN || h->nlmsg_type < AUDIT_FIRST_USER_MSG || h->nlmsg_type == AUDIT_GET)
					continue; /* acks, errors, replies */
				if (len > size)
					len = size;
				vg_audit_parser_record(a->parser, h->nlmsg_type, NLMSG_DATA(h), len - NLMSG_HDRLEN);
				if (++since_age >= 4096) {
					vg_audit_parser_age(a->parser);
					since_age = 0;
				}
			}
		}
		if (n < 0 && errno == ENOBUFS) {
			vg_audit_parser_overrun(a->parser);
			drained = PACE_RECORDS; /* the socket overflowed: no pause */
		}
		/* libauparse's feed does not end an event at its EOE record, only when a record of
		 * another event comes or at aging: aging now, with the socket drained, ends the events
		 * whose EOE came (and hands them over), instead of letting the last event of a quiet
		 * moment wait for the host's next system call. */
		vg_audit_parser_age(a->parser);
		if (a->pace && drained < PACE_RECORDS && !atomic_load(&a->stop)) {
			struct timespec pause = { 0, PACE_MS * 1000000L };

			while (nanosleep(&pause, &pause) < 0 && errno == EINTR && !atomic_load(&a->stop))
				;
		}
	}
	vg_audit_parser_flush(a->parser);
	free(buf);
	return NULL;
}

static int open_multicast(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1) };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

int vg_tel_audit_start(struct vg_tel_audit **out, struct vg_telemetry *tel, bool process, bool network,
		       struct vg_error *err)
{
	struct vg_tel_audit *a = calloc(1, sizeof(*a));
	struct audit_status st;
	int r, rcvbuf = RCVBUF_BYTES;
	socklen_t rcvbuf_len = sizeof(rcvbuf);

	if (!a)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	a->tel = tel;
	a->ctl_fd = a->rd_fd = -1;
	atomic_init(&a->stop, false);
	atomic_init(&a->reads, 0);
	a->ctl_fd = audit_open();
	if (a->ctl_fd < 0) {
		r = vg_error_set(err, -errno, N_("cannot open the audit netlink socket: %s"), strerror(errno));
		goto fail;
	}
	if ((r = get_status(a->ctl_fd, &st)) < 0) {
		r = vg_error_set(err, r, N_("cannot read the audit status: %s"), strerror(-r));
		goto fail;
	}
	a->immutable = st.enabled == 2;
	/* An owner that no longer exists (a killed agent) is forgotten by the kernel only when it
	 * next fails to deliver: it is no owner. */
	if (st.pid != 0 && kill((pid_t)st.pid, 0) < 0 && errno == ESRCH)
		st.pid = 0;
	purge_our_rules(a);
	if (a->immutable)
		vg_warn("audit: the configuration is immutable (enabled 2): rules cannot change until reboot");
	if (st.pid != 0) {
		/* Someone (auditd) owns the unicast socket: read the copies, never steal it. */
		a->mode = MODE_MULTICAST;
		if ((a->rd_fd = open_multicast()) < 0) {
			r = vg_error_set(err, a->rd_fd, N_("cannot join the audit multicast group: %s"),
					 strerror(-a->rd_fd));
			goto fail;
		}
		vg_info("audit: process %u owns the audit socket; reading the multicast group", st.pid);
	} else {
		a->mode = MODE_UNICAST;
		a->rd_fd = audit_open();
		if (a->rd_fd < 0) {
			r = vg_error_set(err, -errno, N_("cannot open the audit netlink socket: %s"), strerror(errno));
			goto fail;
		}
		if ((r = audit_set_pid(a->rd_fd, (uint32_t)tel->self, WAIT_NO)) < 0) {
			r = vg_error_set(err, r, N_("cannot become the audit daemon: %s"), strerror(-r));
			goto fail;
		}
		if (!a->immutable) {
			a->orig_enabled = st.enabled;
			a->orig_backlog_limit = st.backlog_limit;
			a->orig_backlog_wait = st.backlog_wait_time;
			if (st.enabled == 0 && audit_set_enabled(a->ctl_fd, 1) >= 0)
				a->restore_enabled = true;
			/* Never stall the host: no waiting when the backlog is full, a deep backlog. */
			if (audit_set_backlog_limit(a->ctl_fd, st.backlog_limit > BACKLOG_LIMIT ? st.backlog_limit
												  : BACKLOG_LIMIT) >= 0 &&
			    audit_set_backlog_wait_time(a->ctl_fd, 0) >= 0)
				a->restore_backlog = true;
		}
		vg_info("audit: owning the audit socket (no audit daemon running)");
	}
	if (setsockopt(a->rd_fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(a->rd_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	/* Records may wait in the socket only when it got its size (SO_RCVBUFFORCE needs
	 * CAP_NET_ADMIN; the host's rmem_max caps SO_RCVBUF). */
	a->pace = getsockopt(a->rd_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &rcvbuf_len) == 0 &&
		  rcvbuf >= RCVBUF_BYTES;
	if ((r = vg_audit_parser_new(&a->parser, tel)) < 0) {
		r = vg_error_set(err, r, N_("out of memory"));
		goto fail;
	}
	if (get_status(a->ctl_fd, &a->status) == 0) {
		a->have_status = true;
		a->lost_base = a->status.lost;
	}
	vg_tel_audit_configure(a, process, network);
	if ((r = -pthread_create(&a->thread, NULL, reader_main, a)) < 0) {
		r = vg_error_set(err, r, N_("cannot start the audit reader: %s"), strerror(-r));
		goto fail;
	}
	pthread_setname_np(a->thread, "vg-audit");
	a->thread_started = true;
	*out = a;
	return 0;
fail:
	vg_tel_audit_stop(a);
	return r;
}

void vg_tel_audit_stop(struct vg_tel_audit *a)
{
	if (!a)
		return;
	if (a->thread_started) {
		atomic_store(&a->stop, true);
		pthread_join(a->thread, NULL);
	}
	if (a->ctl_fd >= 0) {
		for (int k = 0; k < NRULES; k++)
			a->want[k] = false;
		sync_rules(a);
		clear_watches(a);
		clear_detect(a);
		purge_our_rules(a);
		if (a->mode == MODE_UNICAST && a->rd_fd >= 0) {
			if (a->restore_backlog) {
				audit_set_backlog_limit(a->ctl_fd, a->orig_backlog_limit);
				audit_set_backlog_wait_time(a->ctl_fd, a->orig_backlog_wait);
			}
			if (a->restore_enabled)
				audit_set_enabled(a->ctl_fd, a->orig_enabled);
			audit_set_pid(a->ctl_fd, 0, WAIT_NO);
		}
	}
	vg_audit_parser_free(a->parser);
	if (a->rd_fd >= 0)
		close(a->rd_fd);
	if (a->ctl_fd >= 0)
		audit_close(a->ctl_fd);
	free(a);
}

void vg_tel_audit_configure(struct vg_tel_audit *a, bool process, bool network)
{
	bool changed = a->want[RULE_EXEC] != process || a->want[RULE_NET] != network;

	a->want[RULE_EXEC] = a->want[RULE_EXIT] = process;
	a->want[RULE_NET] = network;
	vg_audit_parser_set_emit(a->parser, process, network);
	if (changed)
		sync_rules(a);
}

void vg_tel_audit_tick(struct vg_tel_audit *a)
{
	uint64_t now = vg_now_ms();

	if (get_status(a->ctl_fd, &a->status) == 0) {
		if (!a->have_status)
			a->lost_base = a->status.lost;
		a->have_status = true;
		if (a->mode == MODE_UNICAST && a->status.pid != (uint32_t)a->tel->self)
			vg_warn("audit: the audit socket now belongs to process %u", a->status.pid);
		if (a->mode == MODE_UNICAST && a->restore_backlog && a->status.backlog_wait_time != 0)
			audit_set_backlog_wait_time(a->ctl_fd, 0);
		a->immutable = a->status.enabled == 2;
	}
	if (now - a->last_rule_check >= RULE_CHECK_MS) {
		a->last_rule_check = now;
		sync_rules(a);
	}
}

uint64_t vg_tel_audit_kernel_lost(struct vg_tel_audit *a)
{
	/* The kernel counter is host-wide and 32-bit; we report what was lost since we started. */
	return a->have_status && a->status.lost >= a->lost_base ? a->status.lost - a->lost_base : 0;
}

json_t *vg_tel_audit_status(struct vg_tel_audit *a)
{
	struct vg_audit_parser_stats ps;
	json_t *rules = json_array();
	static const char *const names[NRULES] = { "execve", "exit_group", "network" };

	vg_audit_parser_stats(a->parser, &ps);
	for (int k = 0; k < NRULES; k++)
		if (a->installed[k])
			json_array_append_new(rules, json_string(names[k]));
	for (size_t w = 0; w < a->nwatch; w++)
		if (a->watch_installed[w])
			json_array_append_new(rules, json_pack("{s:s}", "watch", a->watch[w]));
	if (a->det_installed) {
		json_t *sys = json_array();

		for (size_t i = 0; i < a->ndet_sys; i++)
			json_array_append_new(sys, json_string(a->det_sys[i]));
		json_array_append_new(rules, json_pack("{s:o}", "detection_syscalls", sys));
	}
	for (size_t w = 0; w < a->nrwatch; w++)
		if (a->rwatch_installed[w])
			json_array_append_new(rules, json_pack("{s:s}", "read_watch", a->rwatch[w]));
	return json_pack("{s:s, s:b, s:I, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:i, s:o, s:i, s:s, s:I, s:I}",
			 "mode", a->mode == MODE_UNICAST ? "unicast" : "multicast",
			 "immutable", a->immutable,
			 "owner_pid", (json_int_t)a->status.pid,
			 "enabled", (int)a->status.enabled,
			 "kernel_lost", (json_int_t)vg_tel_audit_kernel_lost(a),
			 "kernel_lost_total", (json_int_t)a->status.lost,
			 "backlog", (json_int_t)a->status.backlog,
			 "backlog_limit", (json_int_t)a->status.backlog_limit,
			 "backlog_wait_time", (json_int_t)a->status.backlog_wait_time,
			 "records", (json_int_t)ps.records,
			 "reads", (json_int_t)atomic_load(&a->reads),
			 "read_pause_ms", a->pace ? PACE_MS : 0,
			 "rules", rules,
			 "rule_restores", (int)a->rule_restores,
			 "rule_error", a->rule_error,
			 "events", (json_int_t)ps.events,
			 "socket_overruns", (json_int_t)ps.overruns);
}
