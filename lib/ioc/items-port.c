/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PortItem: the sockets of /proc/net/{tcp,tcp6,udp,udp6}, with their process found through
 * the socket inodes of /proc/PID/fd when an item needs it. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan.h"
#include "terms.h"

#define MAX_SOCKETS 65536

struct owner {
	unsigned long inode;
	int pid;
};

struct port_obj {
	struct vg_ioc_object obj;
	const char *proto;
	char lip[INET6_ADDRSTRLEN], rip[INET6_ADDRSTRLEN];
	unsigned lport, rport;
	const char *state;
	bool v6;
	int pid;                    /* 0 unknown */
	char local[INET6_ADDRSTRLEN + 8], remote[INET6_ADDRSTRLEN + 8];
};

static const char *const tcp_states[] = {
	"", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
	"CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
};

static int cmp_owner(const void *a, const void *b)
{
	unsigned long x = ((const struct owner *)a)->inode, y = ((const struct owner *)b)->inode;
	return x < y ? -1 : x > y;
}

static size_t owners_load(struct owner **out)
{
	struct owner *o = NULL;
	size_t n = 0, cap = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	if (!d)
		return 0;
	while ((e = readdir(d)) && n < MAX_SOCKETS) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		char path[64];
		snprintf(path, sizeof(path), "/proc/%s/fd", e->d_name);
		DIR *fdd = opendir(path);
		struct dirent *f;
		if (!fdd)
			continue;
		while ((f = readdir(fdd)) && n < MAX_SOCKETS) {
			char link[64];
			ssize_t l = readlinkat(dirfd(fdd), f->d_name, link, sizeof(link) - 1);
			if (l <= 8)
				continue;
			link[l] = '\0';
			if (strncmp(link, "socket:[", 8) != 0)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				struct owner *no = realloc(o, cap * sizeof(*no));
				if (!no)
					break;
				o = no;
			}
			o[n].inode = strtoul(link + 8, NULL, 10);
			o[n].pid = atoi(e->d_name);
			n++;
		}
		closedir(fdd);
	}
	closedir(d);
	if (n)
		qsort(o, n, sizeof(*o), cmp_owner);
	*out = o;
	return n;
}

static int port_get(const struct vg_ioc_object *obj, unsigned field, vg_ioc_emit_fn emit, void *sink)
{
	const struct port_obj *p = (const struct port_obj *)obj;
	char path[PATH_MAX], buf[PATH_MAX];

	switch (field) {
	case F_PORT_LOCALIP:
		return ioc_emit_str(emit, sink, p->lip);
	case F_PORT_REMOTEIP:
		return ioc_emit_str(emit, sink, p->rip);
	case F_PORT_LOCALPORT:
		return ioc_emit_u64(emit, sink, p->lport);
	case F_PORT_REMOTEPORT:
		return ioc_emit_u64(emit, sink, p->rport);
	case F_PORT_PROTOCOL:
		return ioc_emit_str(emit, sink, p->proto);
	case F_PORT_STATE:
		return ioc_emit_str(emit, sink, p->state);
	case F_PORT_ISIPV6:
		return ioc_emit_str(emit, sink, p->v6 ? "true" : "false");
	case F_PORT_PID:
		if (!p->pid)
			return 0;
		return ioc_emit_u64(emit, sink, (uint64_t)p->pid);
	case F_PORT_PROCESS:
	case F_PORT_PATH: {
		if (!p->pid)
			return 0;
		snprintf(path, sizeof(path), "/proc/%d/exe", p->pid);
		ssize_t n = readlink(path, buf, sizeof(buf) - 1);
		if (n < 0)
			return -ESRCH;
		buf[n] = '\0';
		char *slash = strrchr(buf, '/');
		if (field == F_PORT_PROCESS)
			return ioc_emit_str(emit, sink, slash ? slash + 1 : buf);
		if (slash)
			*(slash == buf ? slash + 1 : slash) = '\0';
		return ioc_emit_str(emit, sink, buf);
	}
	default:
		return -ENOTSUP;
	}
}

static void hex_addr(const char *hex, bool v6, char *out, size_t size)
{
	unsigned char a[16] = { 0 };
	size_t n = v6 ? 16 : 4;
	/* /proc/net prints each 32-bit word in host order. */
	for (size_t w = 0; w < n / 4; w++) {
		char word[9];
		memcpy(word, hex + w * 8, 8);
		word[8] = '\0';
		uint32_t v = (uint32_t)strtoul(word, NULL, 16);
		memcpy(a + w * 4, &v, 4);
	}
	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, a, out, (socklen_t)size))
		snprintf(out, size, "?");
}

static void read_table(struct ioc_collect *c, const char *file, const char *proto, bool v6, bool tcp,
		       const struct owner *owners, size_t nowners)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/net/%s", file);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	unsigned count = 0;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f) && count++ < MAX_SOCKETS) {
		char la[33], ra[33];
		unsigned lp, rp, st;
		unsigned long inode;
		if (sscanf(line, " %*u: %32[0-9A-Fa-f]:%x %32[0-9A-Fa-f]:%x %x %*s %*s %*s %*u %*u %lu", la, &lp, ra, &rp,
			   &st, &inode) != 6)
			continue;
		if (strlen(la) != (v6 ? 32u : 8u) || strlen(ra) != (v6 ? 32u : 8u))
			continue;
		struct port_obj p = { .proto = proto, .lport = lp, .rport = rp, .v6 = v6 };
		hex_addr(la, v6, p.lip, sizeof(p.lip));
		hex_addr(ra, v6, p.rip, sizeof(p.rip));
		p.state = tcp && st < sizeof(tcp_states) / sizeof(tcp_states[0]) ? tcp_states[st] : "";
		struct owner key = { .inode = inode };
		const struct owner *o = nowners ? bsearch(&key, owners, nowners, sizeof(key), cmp_owner) : NULL;
		p.pid = o ? o->pid : 0;
		snprintf(p.local, sizeof(p.local), v6 ? "[%s]:%u" : "%s:%u", p.lip, p.lport);
		snprintf(p.remote, sizeof(p.remote), v6 ? "[%s]:%u" : "%s:%u", p.rip, p.rport);
		p.obj.doc = VG_IOC_DOC_PORT;
		p.obj.get = port_get;
		p.obj.label_key[0] = "local";
		p.obj.label[0] = p.local;
		p.obj.label_key[1] = "remote";
		p.obj.label[1] = p.remote;
		c->scan->stats.ports++;
		c->emit(&p.obj, c->data);
	}
	fclose(f);
}

int ioc_items_ports(struct ioc_collect *c)
{
	struct owner *owners = NULL;
	size_t n = 0;
	if (c->need_fields[F_PORT_PID] || c->need_fields[F_PORT_PROCESS] || c->need_fields[F_PORT_PATH])
		n = owners_load(&owners);
	read_table(c, "tcp", "TCP", false, true, owners, n);
	read_table(c, "tcp6", "TCP", true, true, owners, n);
	read_table(c, "udp", "UDP", false, false, owners, n);
	read_table(c, "udp6", "UDP", true, false, owners, n);
	free(owners);
	return 0;
}
