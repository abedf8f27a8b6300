/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The small host documents, read from their files in one pass each: SystemInfoItem, UserItem
 * (/etc/passwd), GroupItem (/etc/group), DnsEntryItem (/etc/hosts), RouteEntryItem
 * (/proc/net/route), ArpEntryItem (/proc/net/arp), VolumeItem (/proc/self/mounts),
 * ModuleItem (/proc/modules), TaskItem (/etc/crontab, /etc/cron.d/).
 */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "scan.h"
#include "terms.h"

#define MAX_LINES 100000

/* An object whose fields are strings; a multi-valued field holds values separated by '\n'. */
struct row {
	struct vg_ioc_object obj;
	const char *v[F_FIELD_COUNT];
};

static int row_get(const struct vg_ioc_object *obj, unsigned field, vg_ioc_emit_fn emit, void *sink)
{
	const struct row *r = (const struct row *)obj;
	if (field >= F_FIELD_COUNT || !r->v[field])
		return -ENOTSUP;
	const struct vg_ioc_term *t = vg_ioc_term_at(field);
	if (!(t->flags & VG_IOC_TERM_MULTI))
		return ioc_emit_str(emit, sink, r->v[field]);
	for (const char *p = r->v[field]; *p;) {
		size_t l = strcspn(p, "\n");
		if (l && emit(sink, p, l))
			break;
		p += l;
		if (*p)
			p++;
	}
	return 0;
}

static void row_init(struct row *r, enum vg_ioc_doc doc, const char *key, const char *label)
{
	memset(r, 0, sizeof(*r));
	r->obj.doc = doc;
	r->obj.get = row_get;
	r->obj.label_key[0] = key;
	r->obj.label[0] = label;
}

static void emit_row(struct ioc_collect *c, struct row *r)
{
	c->scan->stats.objects++;
	c->emit(&r->obj, c->data);
}

/* Splits line at sep into at most max fields (in place); returns the count. */
static int split(char *line, const char *sep, char **f, int max)
{
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(line, sep, &save); t && n < max; t = strtok_r(NULL, sep, &save))
		f[n++] = t;
	return n;
}

static void system_info(struct ioc_collect *c)
{
	struct row r;
	struct utsname u;
	char host[256] = "", product[256] = "", line[512];
	char macs[4096], ips[4096];
	size_t ml = 0, il = 0;

	row_init(&r, VG_IOC_DOC_SYSTEM, "hostname", host);
	gethostname(host, sizeof(host) - 1);
	r.v[F_SYS_HOSTNAME] = host;
	if (uname(&u) == 0) {
		r.v[F_SYS_OS] = u.sysname;
		r.v[F_SYS_KERNEL] = u.release;
		r.v[F_SYS_MACHINE] = u.machine;
	}
	FILE *f = fopen("/etc/os-release", "re");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "PRETTY_NAME=", 12) == 0) {
			char *v = line + 12;
			v[strcspn(v, "\n")] = '\0';
			if (*v == '"') {
				v++;
				v[strcspn(v, "\"")] = '\0';
			}
			snprintf(product, sizeof(product), "%s", v);
		}
	if (f)
		fclose(f);
	r.v[F_SYS_PRODUCT] = product;
	macs[0] = ips[0] = '\0';
	struct ifaddrs *ifa = NULL;
	if (getifaddrs(&ifa) == 0) {
		for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
			if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK))
				continue;
			char a[INET6_ADDRSTRLEN];
			if (i->ifa_addr->sa_family == AF_PACKET) {
				const struct sockaddr_ll *ll = (const struct sockaddr_ll *)i->ifa_addr;
				if (ll->sll_halen == 6 && ml + 19 < sizeof(macs))
					ml += (size_t)snprintf(macs + ml, sizeof(macs) - ml, "%02x:%02x:%02x:%02x:%02x:%02x\n",
							       ll->sll_addr[0], ll->sll_addr[1], ll->sll_addr[2],
							       ll->sll_addr[3], ll->sll_addr[4], ll->sll_addr[5]);
			} else if (i->ifa_addr->sa_family == AF_INET || i->ifa_addr->sa_family == AF_INET6) {
				const void *src = i->ifa_addr->sa_family == AF_INET
					? (const void *)&((const struct sockaddr_in *)i->ifa_addr)->sin_addr
					: (const void *)&((const struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
				if (inet_ntop(i->ifa_addr->sa_family, src, a, sizeof(a)) && il + strlen(a) + 2 < sizeof(ips))
					il += (size_t)snprintf(ips + il, sizeof(ips) - il, "%s\n", a);
			}
		}
		freeifaddrs(ifa);
	}
	r.v[F_SYS_MAC] = macs;
	r.v[F_SYS_IPADDR] = ips;
	emit_row(c, &r);
}

static void passwd_users(struct ioc_collect *c)
{
	char line[1024];
	FILE *f = fopen("/etc/passwd", "re");
	for (int n = 0; f && n < MAX_LINES && fgets(line, sizeof(line), f); n++) {
		char *fl[7];
		line[strcspn(line, "\n")] = '\0';
		if (split(line, ":", fl, 7) < 7)
			continue;
		struct row r;
		row_init(&r, VG_IOC_DOC_USER, "user", fl[0]);
		r.v[F_USER_NAME] = fl[0];
		r.v[F_USER_UID] = fl[2];
		r.v[F_USER_HOME] = fl[5];
		r.v[F_USER_SHELL] = fl[6];
		emit_row(c, &r);
	}
	if (f)
		fclose(f);
}

static void groups(struct ioc_collect *c)
{
	char line[4096];
	FILE *f = fopen("/etc/group", "re");
	for (int n = 0; f && n < MAX_LINES && fgets(line, sizeof(line), f); n++) {
		line[strcspn(line, "\n")] = '\0';
		/* name:x:gid:members — members may be empty, so no strtok here. */
		char *name = line, *p = strchr(line, ':'), *gid, *mem;
		if (!p)
			continue;
		*p++ = '\0';
		if (!(p = strchr(p, ':')))
			continue;
		gid = ++p;
		if (!(mem = strchr(gid, ':')))
			continue;
		*mem++ = '\0';
		for (char *m = mem; *m; m++)
			if (*m == ',')
				*m = '\n';
		struct row r;
		row_init(&r, VG_IOC_DOC_GROUP, "group", name);
		r.v[F_GROUP_NAME] = name;
		r.v[F_GROUP_GID] = gid;
		r.v[F_GROUP_MEMBER] = mem;
		emit_row(c, &r);
	}
	if (f)
		fclose(f);
}

static void hosts(struct ioc_collect *c)
{
	char line[1024];
	FILE *f = fopen("/etc/hosts", "re");
	for (int n = 0; f && n < MAX_LINES && fgets(line, sizeof(line), f); n++) {
		line[strcspn(line, "#\n")] = '\0';
		char *fl[16];
		int k = split(line, " \t", fl, 16);
		for (int i = 1; i < k; i++) {
			struct row r;
			row_init(&r, VG_IOC_DOC_DNS, "host", fl[i]);
			r.v[F_DNS_HOST] = fl[i];
			r.v[F_DNS_RECORDNAME] = fl[i];
			r.v[F_DNS_IPV4] = fl[0];
			emit_row(c, &r);
		}
	}
	if (f)
		fclose(f);
}

static void hex_ip(const char *hex, char *out, size_t size)
{
	uint32_t v = (uint32_t)strtoul(hex, NULL, 16);
	struct in_addr a = { .s_addr = v };
	if (!inet_ntop(AF_INET, &a, out, (socklen_t)size))
		snprintf(out, size, "?");
}

static void routes(struct ioc_collect *c)
{
	char line[512];
	FILE *f = fopen("/proc/net/route", "re");
	if (f && !fgets(line, sizeof(line), f)) {
		fclose(f);
		return;
	}
	for (int n = 0; f && n < MAX_LINES && fgets(line, sizeof(line), f); n++) {
		char *fl[11];
		if (split(line, " \t\n", fl, 11) < 11)
			continue;
		char dst[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN];
		hex_ip(fl[1], dst, sizeof(dst));
		hex_ip(fl[2], gw, sizeof(gw));
		hex_ip(fl[7], mask, sizeof(mask));
		struct row r;
		row_init(&r, VG_IOC_DOC_ROUTE, "destination", dst);
		r.v[F_ROUTE_INTERFACE] = fl[0];
		r.v[F_ROUTE_DESTINATION] = dst;
		r.v[F_ROUTE_GATEWAY] = gw;
		r.v[F_ROUTE_NETMASK] = mask;
		r.v[F_ROUTE_FLAGS] = fl[3];
		r.v[F_ROUTE_MTU] = fl[8];
		emit_row(c, &r);
	}
	if (f)
		fclose(f);
}

static void arp(struct ioc_collect *c)
{
	char line[512];
	FILE *f = fopen("/proc/net/arp", "re");
	if (f && !fgets(line, sizeof(line), f)) {
		fclose(f);
		return;
	}
	for (int n = 0; f && n < MAX_LINES && fgets(line, sizeof(line), f); n++) {
		char *fl[6];
		if (split(line, " \t\n", fl, 6) < 6)
			continue;
		struct row r;
		row_init(&r, VG_IOC_DOC_ARP, "address", fl[0]);
		r.v[F_ARP_IPV4] = fl[0];
		r.v[F_ARP_MAC] = fl[3];
		r.v[F_ARP_INTERFACE] = fl[5];
		emit_row(c, &r);
	}
	if (f)
		fclose(f);
}

static void volumes(struct ioc_collect *c)
{
	char line[4096];
	FILE *f = fopen("/proc/self/mounts", "re");
	for (int n = 0; f && n < MAX_LINES && fgets(line, sizeof(line), f); n++) {
		char *fl[4];
		if (split(line, " \n", fl, 4) < 4)
			continue;
		struct row r;
		row_init(&r, VG_IOC_DOC_VOLUME, "mountpoint", fl[1]);
		r.v[F_VOLUME_DEVICE] = fl[0];
		r.v[F_VOLUME_MOUNTPOINT] = fl[1];
		r.v[F_VOLUME_FSNAME] = fl[2];
		r.v[F_VOLUME_READONLY] = strncmp(fl[3], "ro", 2) == 0 && (fl[3][2] == ',' || !fl[3][2]) ? "true" : "false";
		emit_row(c, &r);
	}
	if (f)
		fclose(f);
}

static void modules(struct ioc_collect *c)
{
	char line[4096];
	FILE *f = fopen("/proc/modules", "re");
	for (int n = 0; f && n < MAX_LINES && fgets(line, sizeof(line), f); n++) {
		char *fl[5];
		if (split(line, " \n", fl, 5) < 5)
			continue;
		for (char *m = fl[3]; *m; m++)
			if (*m == ',')
				*m = '\n';
		struct row r;
		row_init(&r, VG_IOC_DOC_MODULE, "module", fl[0]);
		r.v[F_MODULE_NAME] = fl[0];
		r.v[F_MODULE_SIZE] = fl[1];
		r.v[F_MODULE_USEDBY] = strcmp(fl[3], "-") == 0 ? "" : fl[3];
		r.v[F_MODULE_STATUS] = fl[4];
		emit_row(c, &r);
	}
	if (f)
		fclose(f);
}

/* One crontab: system ones (/etc/crontab, /etc/cron.d) carry a user field. */
static void crontab(struct ioc_collect *c, const char *path, const char *user)
{
	char line[4096];
	FILE *f = fopen(path, "re");
	for (int n = 0; f && n < MAX_LINES && fgets(line, sizeof(line), f); n++) {
		line[strcspn(line, "\n")] = '\0';
		char *p = line + strspn(line, " \t");
		if (!*p || *p == '#' || strchr(p, '=') == p + strcspn(p, " \t="))
			continue;
		char *fl[7];
		int want = user ? 6 : 7;
		char *save = NULL;
		int k = 0;
		for (char *t = strtok_r(p, " \t", &save); t && k < want - 1; t = strtok_r(NULL, " \t", &save))
			fl[k++] = t;
		if (k < want - 1 || !save || !*save)
			continue;
		fl[k] = save;
		struct row r;
		row_init(&r, VG_IOC_DOC_TASK, "path", path);
		r.v[F_TASK_PATH] = path;
		r.v[F_TASK_MINUTE] = fl[0];
		r.v[F_TASK_HOUR] = fl[1];
		r.v[F_TASK_USER] = user ? user : fl[5];
		r.v[F_TASK_COMMAND] = fl[want - 1];
		emit_row(c, &r);
	}
	if (f)
		fclose(f);
}

static void tasks(struct ioc_collect *c)
{
	static const char *const dirs[][2] = { { "/etc/cron.d", NULL }, { "/var/spool/cron/crontabs", "" } };
	crontab(c, "/etc/crontab", NULL);
	for (size_t i = 0; i < 2; i++) {
		DIR *d = opendir(dirs[i][0]);
		struct dirent *e;
		for (int n = 0; d && n < 10000 && (e = readdir(d)); n++) {
			if (e->d_name[0] == '.')
				continue;
			char path[512];
			snprintf(path, sizeof(path), "%s/%s", dirs[i][0], e->d_name);
			crontab(c, path, dirs[i][1] ? e->d_name : NULL);
		}
		if (d)
			closedir(d);
	}
}

int ioc_items_system(struct ioc_collect *c)
{
	static const struct {
		enum vg_ioc_doc doc;
		void (*fn)(struct ioc_collect *c);
	} docs[] = {
		{ VG_IOC_DOC_SYSTEM, system_info }, { VG_IOC_DOC_USER, passwd_users }, { VG_IOC_DOC_GROUP, groups },
		{ VG_IOC_DOC_DNS, hosts }, { VG_IOC_DOC_ROUTE, routes }, { VG_IOC_DOC_ARP, arp },
		{ VG_IOC_DOC_VOLUME, volumes }, { VG_IOC_DOC_MODULE, modules }, { VG_IOC_DOC_TASK, tasks },
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		bool needed = false;
		for (size_t k = 0; k < c->scan->niocs; k++)
			needed |= vg_ioc_needs_doc(c->scan->iocs[k], docs[i].doc);
		if (needed && !atomic_load(c->scan->cancel))
			docs[i].fn(c);
		c->scan->collected |= 1u << docs[i].doc;
	}
	return 0;
}
