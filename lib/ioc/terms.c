/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one table of supported OpenIOC terms: what `vigilctl ioc terms` prints and what the
 * collectors (items-*.c) fill.  A term missing here evaluates to unknown. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "ioc-int.h"
#include "terms.h"

#define S VG_IOC_TYPE_STRING
#define I VG_IOC_TYPE_INT
#define D VG_IOC_TYPE_DATE
#define B VG_IOC_TYPE_BOOL
#define H VG_IOC_TYPE_HASH
#define P VG_IOC_TYPE_IP
#define C VG_IOC_TERM_COSTLY
#define M VG_IOC_TERM_MULTI

static const struct vg_ioc_term terms[] = {
	{ "FileItem/FullPath", VG_IOC_DOC_FILE, S, F_FILE_FULLPATH, 0 },
	{ "FileItem/FilePath", VG_IOC_DOC_FILE, S, F_FILE_FILEPATH, 0 },
	{ "FileItem/FileName", VG_IOC_DOC_FILE, S, F_FILE_FILENAME, 0 },
	{ "FileItem/FileExtension", VG_IOC_DOC_FILE, S, F_FILE_EXTENSION, 0 },
	{ "FileItem/SizeInBytes", VG_IOC_DOC_FILE, I, F_FILE_SIZE, 0 },
	{ "FileItem/Created", VG_IOC_DOC_FILE, D, F_FILE_CREATED, 0 },
	{ "FileItem/Modified", VG_IOC_DOC_FILE, D, F_FILE_MODIFIED, 0 },
	{ "FileItem/Accessed", VG_IOC_DOC_FILE, D, F_FILE_ACCESSED, 0 },
	{ "FileItem/Changed", VG_IOC_DOC_FILE, D, F_FILE_CHANGED, 0 },
	{ "FileItem/Username", VG_IOC_DOC_FILE, S, F_FILE_USERNAME, 0 },
	{ "FileItem/Group", VG_IOC_DOC_FILE, S, F_FILE_GROUP, 0 },
	{ "FileItem/Permissions", VG_IOC_DOC_FILE, I, F_FILE_PERMISSIONS, 0 },
	{ "FileItem/Md5sum", VG_IOC_DOC_FILE, H, F_FILE_MD5, C },
	{ "FileItem/Sha1sum", VG_IOC_DOC_FILE, H, F_FILE_SHA1, C },
	{ "FileItem/Sha256sum", VG_IOC_DOC_FILE, H, F_FILE_SHA256, C },
	{ "ProcessItem/pid", VG_IOC_DOC_PROCESS, I, F_PROC_PID, 0 },
	{ "ProcessItem/parentpid", VG_IOC_DOC_PROCESS, I, F_PROC_PPID, 0 },
	{ "ProcessItem/name", VG_IOC_DOC_PROCESS, S, F_PROC_NAME, 0 },
	{ "ProcessItem/path", VG_IOC_DOC_PROCESS, S, F_PROC_PATH, 0 },
	{ "ProcessItem/arguments", VG_IOC_DOC_PROCESS, S, F_PROC_ARGUMENTS, 0 },
	{ "ProcessItem/Username", VG_IOC_DOC_PROCESS, S, F_PROC_USERNAME, 0 },
	{ "ProcessItem/startTime", VG_IOC_DOC_PROCESS, D, F_PROC_START, 0 },
	{ "ProcessItem/HandleList/Handle/Name", VG_IOC_DOC_PROCESS, S, F_PROC_HANDLE_NAME, M },
	{ "ProcessItem/Md5sum", VG_IOC_DOC_PROCESS, H, F_PROC_MD5, C },
	{ "ProcessItem/Sha1sum", VG_IOC_DOC_PROCESS, H, F_PROC_SHA1, C },
	{ "ProcessItem/Sha256sum", VG_IOC_DOC_PROCESS, H, F_PROC_SHA256, C },
	{ "PortItem/localIP", VG_IOC_DOC_PORT, P, F_PORT_LOCALIP, 0 },
	{ "PortItem/localPort", VG_IOC_DOC_PORT, I, F_PORT_LOCALPORT, 0 },
	{ "PortItem/remoteIP", VG_IOC_DOC_PORT, P, F_PORT_REMOTEIP, 0 },
	{ "PortItem/remotePort", VG_IOC_DOC_PORT, I, F_PORT_REMOTEPORT, 0 },
	{ "PortItem/protocol", VG_IOC_DOC_PORT, S, F_PORT_PROTOCOL, 0 },
	{ "PortItem/state", VG_IOC_DOC_PORT, S, F_PORT_STATE, 0 },
	{ "PortItem/pid", VG_IOC_DOC_PORT, I, F_PORT_PID, 0 },
	{ "PortItem/process", VG_IOC_DOC_PORT, S, F_PORT_PROCESS, 0 },
	{ "PortItem/path", VG_IOC_DOC_PORT, S, F_PORT_PATH, 0 },
	{ "PortItem/isIPv6", VG_IOC_DOC_PORT, B, F_PORT_ISIPV6, 0 },
	{ "SystemInfoItem/hostname", VG_IOC_DOC_SYSTEM, S, F_SYS_HOSTNAME, 0 },
	{ "SystemInfoItem/OS", VG_IOC_DOC_SYSTEM, S, F_SYS_OS, 0 },
	{ "SystemInfoItem/kernelVersion", VG_IOC_DOC_SYSTEM, S, F_SYS_KERNEL, 0 },
	{ "SystemInfoItem/machine", VG_IOC_DOC_SYSTEM, S, F_SYS_MACHINE, 0 },
	{ "SystemInfoItem/productName", VG_IOC_DOC_SYSTEM, S, F_SYS_PRODUCT, 0 },
	{ "SystemInfoItem/MAC", VG_IOC_DOC_SYSTEM, S, F_SYS_MAC, M },
	{ "SystemInfoItem/networkArray/networkInfo/ipArray/ipInfo/ipAddress", VG_IOC_DOC_SYSTEM, P, F_SYS_IPADDR, M },
	{ "UserItem/Username", VG_IOC_DOC_USER, S, F_USER_NAME, 0 },
	{ "UserItem/userid", VG_IOC_DOC_USER, I, F_USER_UID, 0 },
	{ "UserItem/homedirectory", VG_IOC_DOC_USER, S, F_USER_HOME, 0 },
	{ "UserItem/shell", VG_IOC_DOC_USER, S, F_USER_SHELL, 0 },
	{ "GroupItem/GroupName", VG_IOC_DOC_GROUP, S, F_GROUP_NAME, 0 },
	{ "GroupItem/gid", VG_IOC_DOC_GROUP, I, F_GROUP_GID, 0 },
	{ "GroupItem/userlist/username", VG_IOC_DOC_GROUP, S, F_GROUP_MEMBER, M },
	{ "RouteEntryItem/Interface", VG_IOC_DOC_ROUTE, S, F_ROUTE_INTERFACE, 0 },
	{ "RouteEntryItem/Destination", VG_IOC_DOC_ROUTE, P, F_ROUTE_DESTINATION, 0 },
	{ "RouteEntryItem/Gateway", VG_IOC_DOC_ROUTE, P, F_ROUTE_GATEWAY, 0 },
	{ "RouteEntryItem/Netmask", VG_IOC_DOC_ROUTE, P, F_ROUTE_NETMASK, 0 },
	{ "RouteEntryItem/Flags", VG_IOC_DOC_ROUTE, S, F_ROUTE_FLAGS, 0 },
	{ "RouteEntryItem/MTU", VG_IOC_DOC_ROUTE, I, F_ROUTE_MTU, 0 },
	{ "ArpEntryItem/Interface", VG_IOC_DOC_ARP, S, F_ARP_INTERFACE, 0 },
	{ "ArpEntryItem/PhysicalAddress", VG_IOC_DOC_ARP, S, F_ARP_MAC, 0 },
	{ "ArpEntryItem/IPv4Address", VG_IOC_DOC_ARP, P, F_ARP_IPV4, 0 },
	{ "DnsEntryItem/Host", VG_IOC_DOC_DNS, S, F_DNS_HOST, 0 },
	{ "DnsEntryItem/RecordName", VG_IOC_DOC_DNS, S, F_DNS_RECORDNAME, 0 },
	{ "DnsEntryItem/RecordData/IPv4Address", VG_IOC_DOC_DNS, P, F_DNS_IPV4, 0 },
	{ "VolumeItem/DevicePath", VG_IOC_DOC_VOLUME, S, F_VOLUME_DEVICE, 0 },
	{ "VolumeItem/MountPoint", VG_IOC_DOC_VOLUME, S, F_VOLUME_MOUNTPOINT, 0 },
	{ "VolumeItem/FileSystemName", VG_IOC_DOC_VOLUME, S, F_VOLUME_FSNAME, 0 },
	{ "VolumeItem/Flags/ReadOnly", VG_IOC_DOC_VOLUME, B, F_VOLUME_READONLY, 0 },
	{ "ModuleItem/Module", VG_IOC_DOC_MODULE, S, F_MODULE_NAME, 0 },
	{ "ModuleItem/Size", VG_IOC_DOC_MODULE, I, F_MODULE_SIZE, 0 },
	{ "ModuleItem/Status", VG_IOC_DOC_MODULE, S, F_MODULE_STATUS, 0 },
	{ "ModuleItem/UsedByList/Module", VG_IOC_DOC_MODULE, S, F_MODULE_USEDBY, M },
	{ "TaskItem/path", VG_IOC_DOC_TASK, S, F_TASK_PATH, 0 },
	{ "TaskItem/userName", VG_IOC_DOC_TASK, S, F_TASK_USER, 0 },
	{ "TaskItem/crontabCommand", VG_IOC_DOC_TASK, S, F_TASK_COMMAND, 0 },
	{ "TaskItem/crontabMinute", VG_IOC_DOC_TASK, S, F_TASK_MINUTE, 0 },
	{ "TaskItem/crontabHour", VG_IOC_DOC_TASK, S, F_TASK_HOUR, 0 },
	/* Opt-in (setting ioc.file_strings): reads the whole file. */
	{ "FileItem/StringList/string", VG_IOC_DOC_FILE, S, F_FILE_STRINGS, C | M },
};

_Static_assert(sizeof(terms) / sizeof(terms[0]) == F_FIELD_COUNT, "one table entry per field");
_Static_assert(F_FIELD_COUNT <= 256, "fields fit the bitmap of struct vg_ioc");

static const char *const doc_names[VG_IOC_DOC_COUNT] = {
	"FileItem", "ProcessItem", "PortItem", "SystemInfoItem", "UserItem", "GroupItem",
	"RouteEntryItem", "ArpEntryItem", "DnsEntryItem", "VolumeItem", "ModuleItem", "TaskItem",
};

size_t vg_ioc_term_count(void)
{
	return sizeof(terms) / sizeof(terms[0]);
}

const struct vg_ioc_term *vg_ioc_term_at(size_t i)
{
	return i < vg_ioc_term_count() ? &terms[i] : NULL;
}

const char *vg_ioc_doc_name(enum vg_ioc_doc doc)
{
	return (unsigned)doc < VG_IOC_DOC_COUNT ? doc_names[doc] : "";
}

/* Real files spell terms with varying case (PortItem/remoteIP, PortItem/RemoteIP) and HX
 * event terms with or without "eventItem/": both are the same term. */
const struct vg_ioc_term *vg_ioc_term_find(const char *search)
{
	if (!search)
		return NULL;
	if (strncasecmp(search, "eventItem/", 10) == 0)
		search += 10;
	for (size_t i = 0; i < vg_ioc_term_count(); i++)
		if (strcasecmp(terms[i].search, search) == 0)
			return &terms[i];
	return NULL;
}
