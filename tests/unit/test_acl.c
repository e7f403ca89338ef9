/*
 * test_acl.c - access lists: network parsing (good and bad), matching
 * against a reference computed with integer arithmetic, the --allow/--deny
 * decision table, hosts.allow/hosts.deny rules (EXCEPT, ALL, options,
 * names ignored with warnings, continuations, limits), the files and
 * acl_build(), and the anti-amplification reply limit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <cmocka.h>

#include "acl.h"
#include "pmap_prot.h"

#define NV(a)	(sizeof(a) / sizeof((a)[0]))

/* A socket address from text: IPv4, IPv6, "local" or "none". */
static struct sockaddr_storage
mkpeer(const char *text)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_un	*sun = (struct sockaddr_un *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (strcmp(text, "local") == 0) {
		sun->sun_family = AF_LOCAL;
		strcpy(sun->sun_path, "/run/rpcbind.sock");
	} else if (strcmp(text, "none") == 0) {
		ss.ss_family = AF_UNSPEC;
	} else if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(1023);
	} else if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(1023);
	} else
		fail_msg("test peer '%s' does not parse", text);
	return ss;
}

#define SA(ss)	((const struct sockaddr *)&(ss))

/* ---- parsing ---- */

static const struct pgood {
	const char	*in;
	int		 af;
	const char	*addr;		/* expected network, as text */
	unsigned	 plen;
} pgoods[] = {
	{ "10.0.0.0/8",			AF_INET,  "10.0.0.0", 8 },
	{ "10.1.2.3/8",			AF_INET,  "10.0.0.0", 8 },	/* host bits */
	{ "192.168.1.7",		AF_INET,  "192.168.1.7", 32 },
	{ "192.168.1.255/25",		AF_INET,  "192.168.1.128", 25 },
	{ "0.0.0.0/0",			AF_INET,  "0.0.0.0", 0 },
	{ "255.255.255.255/0",		AF_INET,  "0.0.0.0", 0 },
	{ "10.0.0.0/08",		AF_INET,  "10.0.0.0", 8 },
	{ "2001:db8::/32",		AF_INET6, "2001:db8::", 32 },
	{ "2001:db8:ffff::1/33",	AF_INET6, "2001:db8:8000::", 33 },
	{ "[2001:db8::1]/64",		AF_INET6, "2001:db8::", 64 },
	{ "[fe80::1]",			AF_INET6, "fe80::1", 128 },
	{ "::1",			AF_INET6, "::1", 128 },
	{ "::/0",			AF_INET6, "::", 0 },
	{ "2001:db8::1/128",		AF_INET6, "2001:db8::1", 128 },
	/* IPv4-mapped rules become IPv4 rules */
	{ "::ffff:10.0.0.0/104",	AF_INET,  "10.0.0.0", 8 },
	{ "::ffff:192.0.2.1",		AF_INET,  "192.0.2.1", 32 },
	{ "::ffff:0:0/96",		AF_INET,  "0.0.0.0", 0 },
	{ "::ffff:0:0/95",		AF_INET6, "::fffe:0:0", 95 },
};

static void
test_parse_good(void **state)
{
	const struct pgood *g;
	struct acl_net	n;
	uint8_t		want[16];
	size_t		i;

	(void)state;
	for (i = 0; i < NV(pgoods); i++) {
		g = &pgoods[i];
		memset(&n, 0xa5, sizeof(n));
		if (acl_parse_net(g->in, &n) != 0)
			fail_msg("'%s' did not parse", g->in);
		memset(want, 0, sizeof(want));
		assert_int_equal(inet_pton(g->af, g->addr, want), 1);
		if (n.af != g->af || n.plen != g->plen ||
		    memcmp(n.addr, want, g->af == AF_INET ? 4 : 16) != 0)
			fail_msg("'%s': af %d plen %u, want af %d plen %u %s",
			    g->in, n.af, n.plen, g->af, g->plen, g->addr);
	}
}

static const char *const pbads[] = {
	"", "junk", "10.0.0.0/33", "2001:db8::/129", "[2001:db8::]/129",
	"10.0.0.0/", "/8", "10.0.0/8", "10.0.0.256", "10.0.0.0/-1",
	"10.0.0.0/ 8", " 10.0.0.0/8", "10.0.0.0/8 ", "10.0.0.0/8/8",
	"10.0.0.0/0008", "10.0.0.0/1e1", "10.0.0.0/+8", "[10.0.0.0]/8",
	"[2001:db8::", "[2001:db8::]x", "[2001:db8::]/", "fe80::1%eth0",
	"host.example.com", "::ffff:10.0.0.0/129", "1.2.3.4.5", "0x0a000000/8",
	"2001:db8::/3x", "[]", "[]/0",
	"aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa/128",
};

static void
test_parse_bad(void **state)
{
	struct acl_net	n;
	size_t		i;

	(void)state;
	for (i = 0; i < NV(pbads); i++)
		if (acl_parse_net(pbads[i], &n) != -1)
			fail_msg("'%s' parsed", pbads[i]);
	assert_int_equal(acl_parse_net(NULL, &n), -1);
}

/* ---- matching ---- */

static const struct mvec {
	const char	*net, *peer;
	int		 want;
} mvecs[] = {
	{ "10.0.0.0/8",		"10.255.1.2",		1 },
	{ "10.0.0.0/8",		"11.0.0.0",		0 },
	{ "10.0.0.0/8",		"::ffff:10.1.2.3",	1 },	/* mapped peer */
	{ "10.0.0.0/8",		"::ffff:11.1.2.3",	0 },
	{ "10.0.0.0/8",		"::a00:1",		0 },	/* not mapped */
	{ "192.168.1.128/25",	"192.168.1.200",	1 },
	{ "192.168.1.128/25",	"192.168.1.127",	0 },
	{ "0.0.0.0/0",		"203.0.113.9",		1 },
	{ "0.0.0.0/0",		"2001:db8::1",		0 },	/* family */
	{ "::/0",		"2001:db8::1",		1 },
	{ "::/0",		"203.0.113.9",		0 },	/* v4 is v4 */
	{ "::/0",		"::ffff:203.0.113.9",	0 },
	{ "2001:db8::/32",	"2001:db8:ffff::1",	1 },
	{ "2001:db8::/32",	"2001:db9::1",		0 },
	{ "2001:db8::/33",	"2001:db8:7fff::1",	1 },
	{ "2001:db8::/33",	"2001:db8:8000::1",	0 },
	{ "2001:db8::1",	"2001:db8::1",		1 },
	{ "2001:db8::1",	"2001:db8::2",		0 },
	{ "::ffff:10.0.0.0/104", "10.9.9.9",		1 },
	{ "192.0.2.1",		"192.0.2.1",		1 },
	{ "192.0.2.1",		"192.0.2.0",		0 },
};

static void
test_match_vectors(void **state)
{
	struct sockaddr_storage	ss;
	struct acl_net		n;
	size_t			i;

	(void)state;
	for (i = 0; i < NV(mvecs); i++) {
		assert_int_equal(acl_parse_net(mvecs[i].net, &n), 0);
		ss = mkpeer(mvecs[i].peer);
		if (acl_net_match(&n, SA(ss)) != mvecs[i].want)
			fail_msg("%s vs %s: want %d", mvecs[i].net, mvecs[i].peer,
			    mvecs[i].want);
	}
	ss = mkpeer("local");
	assert_int_equal(acl_parse_net("0.0.0.0/0", &n), 0);
	assert_int_equal(acl_net_match(&n, SA(ss)), 0);
	assert_int_equal(acl_net_match(&n, NULL), 0);
}

/* Every prefix length against a reference computed on 32-bit integers. */
static void
test_match_reference(void **state)
{
	struct sockaddr_storage	ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct acl_net		n;
	char			text[32];
	uint32_t		net, peer, x = 0x12345678u;
	unsigned		plen, k;
	int			want;

	(void)state;
	for (k = 0; k < 4000; k++) {
		x = x * 1103515245u + 12345u;
		net = x;
		x = x * 1103515245u + 12345u;
		plen = (x >> 8) % 33;
		/* half the peers share the network's first plen bits */
		x = x * 1103515245u + 12345u;
		peer = (k & 1) ? x : (net & (plen ? ~0u << (32 - plen) : 0)) |
		    (x & (plen ? ~(~0u << (32 - plen)) : ~0u));
		snprintf(text, sizeof(text), "%u.%u.%u.%u/%u", net >> 24,
		    (net >> 16) & 255, (net >> 8) & 255, net & 255, plen);
		assert_int_equal(acl_parse_net(text, &n), 0);
		memset(&ss, 0, sizeof(ss));
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(peer);
		want = plen == 0 || ((net ^ peer) >> (32 - plen)) == 0;
		if (acl_net_match(&n, SA(ss)) != want)
			fail_msg("%s vs %08x: want %d", text, peer, want);
	}
}

/* ---- the --allow / --deny decision ---- */

static const struct dvec {
	const char	*allow[3], *deny[3];
	const char	*peer;
	enum acl_verdict want;
} dvecs[] = {
	/* nothing configured: everyone */
	{ { NULL }, { NULL }, "203.0.113.1", ACL_ALLOWED },
	{ { NULL }, { NULL }, "2001:db8::1", ACL_ALLOWED },
	/* an allow list admits only its members */
	{ { "10.0.0.0/8" }, { NULL }, "10.1.1.1", ACL_ALLOWED },
	{ { "10.0.0.0/8" }, { NULL }, "11.1.1.1", ACL_DENIED_NOALLOW },
	{ { "10.0.0.0/8" }, { NULL }, "2001:db8::1", ACL_DENIED_NOALLOW },
	{ { "10.0.0.0/8", "2001:db8::/32" }, { NULL }, "2001:db8::1",
	    ACL_ALLOWED },
	{ { "10.0.0.0/8" }, { NULL }, "::ffff:10.2.3.4", ACL_ALLOWED },
	/* a deny wins over an allow, even a more specific allow */
	{ { "10.0.0.0/8" }, { "10.1.0.0/16" }, "10.1.2.3", ACL_DENIED_DENY },
	{ { "10.0.0.0/8" }, { "10.1.0.0/16" }, "10.2.0.1", ACL_ALLOWED },
	{ { "10.1.2.3" }, { "10.0.0.0/8" }, "10.1.2.3", ACL_DENIED_DENY },
	{ { "10.0.0.0/8" }, { "10.1.0.0/16" }, "11.0.0.1", ACL_DENIED_NOALLOW },
	/* deny only: everyone else gets in */
	{ { NULL }, { "198.51.100.0/24" }, "198.51.100.7", ACL_DENIED_DENY },
	{ { NULL }, { "198.51.100.0/24" }, "198.51.101.7", ACL_ALLOWED },
	{ { NULL }, { "198.51.100.0/24" }, "::ffff:198.51.100.7",
	    ACL_DENIED_DENY },
	{ { NULL }, { "2001:db8::/32" }, "2001:db8::9", ACL_DENIED_DENY },
	/* this host is never checked */
	{ { "10.0.0.0/8" }, { "0.0.0.0/0", "::/0" }, "127.0.0.1", ACL_LOCAL },
	{ { "10.0.0.0/8" }, { "0.0.0.0/0", "::/0" }, "127.9.9.9", ACL_LOCAL },
	{ { "10.0.0.0/8" }, { "0.0.0.0/0", "::/0" }, "::1", ACL_LOCAL },
	{ { "10.0.0.0/8" }, { "0.0.0.0/0", "::/0" }, "::ffff:127.0.0.1",
	    ACL_LOCAL },
	{ { "10.0.0.0/8" }, { "0.0.0.0/0", "::/0" }, "local", ACL_LOCAL },
	/* nothing that is not IP or local */
	{ { NULL }, { NULL }, "none", ACL_DENIED_FAMILY },
};

static void
test_decision(void **state)
{
	struct sockaddr_storage	ss;
	struct acl_info		info;
	struct acl		*a;
	enum acl_verdict	v;
	size_t			i, k, na, nd;

	(void)state;
	for (i = 0; i < NV(dvecs); i++) {
		assert_non_null(a = acl_new());
		na = nd = 0;
		for (k = 0; k < 3 && dvecs[i].allow[k] != NULL; k++, na++)
			assert_int_equal(acl_add(a, ACL_ALLOW, dvecs[i].allow[k]),
			    0);
		for (k = 0; k < 3 && dvecs[i].deny[k] != NULL; k++, nd++)
			assert_int_equal(acl_add(a, ACL_DENY, dvecs[i].deny[k]), 0);
		acl_info(a, &info);
		assert_int_equal(info.nallow, na);
		assert_int_equal(info.ndeny, nd);
		ss = mkpeer(dvecs[i].peer);
		v = acl_check(a, SA(ss));
		if (v != dvecs[i].want)
			fail_msg("vector %zu (%s): %s, want %s", i, dvecs[i].peer,
			    acl_verdict_str(v), acl_verdict_str(dvecs[i].want));
		assert_int_equal(ACL_IS_DENIED(v), dvecs[i].want >= ACL_DENIED_NOALLOW);
		acl_free(a);
	}
	/* no acl at all: allowed, but still only IP */
	ss = mkpeer("203.0.113.1");
	assert_int_equal(acl_check(NULL, SA(ss)), ACL_ALLOWED);
	ss = mkpeer("none");
	assert_int_equal(acl_check(NULL, SA(ss)), ACL_DENIED_FAMILY);
	assert_int_equal(acl_check(NULL, NULL), ACL_DENIED_FAMILY);
}

static void
test_add_errors(void **state)
{
	struct acl_info	info;
	struct acl	*a;
	char		net[32];
	unsigned	i;

	(void)state;
	assert_non_null(a = acl_new());
	assert_int_equal(acl_add(a, ACL_ALLOW, "10.0.0.0/33"), -1);
	assert_int_equal(acl_add(a, ACL_DENY, ""), -1);
	assert_int_equal(acl_add(a, (enum acl_list)7, "10.0.0.0/8"), -1);
	assert_int_equal(acl_add(NULL, ACL_ALLOW, "10.0.0.0/8"), -1);
	for (i = 0; i < ACL_NETS_MAX; i++) {
		snprintf(net, sizeof(net), "10.%u.%u.0/24", i >> 8, i & 255);
		assert_int_equal(acl_add(a, ACL_DENY, net), 0);
	}
	assert_int_equal(acl_add(a, ACL_DENY, "11.0.0.0/8"), -1);	/* full */
	acl_info(a, &info);
	assert_int_equal(info.ndeny, ACL_NETS_MAX);
	assert_int_equal(info.nallow, 0);
	acl_free(a);
}

/* ---- hosts.allow / hosts.deny ---- */

struct warns {
	int	n;
	char	last[256];
	char	all[2048];
};

static void
collect(void *arg, const char *msg)
{
	struct warns *w = arg;
	size_t	 l = strlen(w->all);

	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
	snprintf(w->all + l, sizeof(w->all) - l, "%s\n", msg);
}

static const struct hvec {
	const char	*name;
	const char	*allow, *deny;
	const char	*peer;
	enum acl_verdict want;
	int		 warnings;
	const char	*warn_has;	/* a warning mentions this */
} hvecs[] = {
	{ "empty files", "", "", "203.0.113.1", ACL_ALLOWED, 0, NULL },
	{ "net/mask allowed", "portmap: 10.0.0.0/255.0.0.0\n", "ALL: ALL\n",
	    "10.1.1.1", ACL_ALLOWED, 0, NULL },
	{ "net/mask denied", "portmap: 10.0.0.0/255.0.0.0\n", "ALL: ALL\n",
	    "11.1.1.1", ACL_DENIED_HOSTS, 0, NULL },
	{ "prefix", "rpcbind: 192.168.1.\n", "portmap: ALL\n",
	    "192.168.1.5", ACL_ALLOWED, 0, NULL },
	{ "prefix is whole numbers", "rpcbind: 192.168.1.\n", "portmap: ALL\n",
	    "192.168.10.5", ACL_DENIED_HOSTS, 0, NULL },
	{ "net/len", "portmap: 172.16.0.0/12\n", "ALL: ALL\n",
	    "172.31.255.1", ACL_ALLOWED, 0, NULL },
	{ "net/len outside", "portmap: 172.16.0.0/12\n", "ALL: ALL\n",
	    "172.32.0.1", ACL_DENIED_HOSTS, 0, NULL },
	{ "exact address", "portmap: 10.0.0.1\n", "ALL: ALL\n",
	    "10.0.0.1", ACL_ALLOWED, 0, NULL },
	{ "mapped peer, v4 rule", "portmap: 10.0.0.1\n", "ALL: ALL\n",
	    "::ffff:10.0.0.1", ACL_ALLOWED, 0, NULL },
	{ "deny EXCEPT", "", "ALL: ALL EXCEPT 10.0.0.0/8\n",
	    "10.3.3.3", ACL_ALLOWED, 0, NULL },
	{ "deny EXCEPT, other", "", "ALL: ALL EXCEPT 10.0.0.0/8\n",
	    "11.3.3.3", ACL_DENIED_HOSTS, 0, NULL },
	{ "nested EXCEPT 1",
	    "portmap: 10.0.0.0/8 EXCEPT 10.1.0.0/16 EXCEPT 10.1.2.3\n",
	    "ALL: ALL\n", "10.2.0.1", ACL_ALLOWED, 0, NULL },
	{ "nested EXCEPT 2",
	    "portmap: 10.0.0.0/8 EXCEPT 10.1.0.0/16 EXCEPT 10.1.2.3\n",
	    "ALL: ALL\n", "10.1.5.5", ACL_DENIED_HOSTS, 0, NULL },
	{ "nested EXCEPT 3",
	    "portmap: 10.0.0.0/8 EXCEPT 10.1.0.0/16 EXCEPT 10.1.2.3\n",
	    "ALL: ALL\n", "10.1.2.3", ACL_ALLOWED, 0, NULL },
	{ "daemon EXCEPT us", "", "ALL EXCEPT portmap: ALL\n",
	    "203.0.113.1", ACL_ALLOWED, 0, NULL },
	{ "daemon EXCEPT rpcbind", "", "ALL EXCEPT rpcbind: ALL\n",
	    "203.0.113.1", ACL_ALLOWED, 0, NULL },
	{ "daemon EXCEPT another", "", "ALL EXCEPT sshd: ALL\n",
	    "203.0.113.1", ACL_DENIED_HOSTS, 0, NULL },
	{ "daemon list", "sshd, portmap in.telnetd: 10.0.0.0/8\n", "ALL: ALL\n",
	    "10.0.0.9", ACL_ALLOWED, 0, NULL },
	{ "another daemon's rule, quietly", "sshd: 10.0.0.0/8 .example.com\n",
	    "ALL: ALL\n", "10.0.0.9", ACL_DENIED_HOSTS, 0, NULL },
	{ "names ignored",
	    "portmap: .example.com, LOCAL host.example.com @ng 10.0.0.1\n",
	    "ALL: ALL\n", "10.0.0.1", ACL_ALLOWED, 4, "\".example.com\"" },
	{ "names never match",
	    "portmap: .example.com, LOCAL host.example.com @ng 10.0.0.1\n",
	    "ALL: ALL\n", "10.0.0.2", ACL_DENIED_HOSTS, 4, "\"@ng\"" },
	{ "a name in hosts.deny does not deny", "",
	    "portmap: evil.example.com\n", "10.0.0.2", ACL_ALLOWED, 1,
	    "hosts.deny:1: unsupported client pattern" },
	{ "wildcards and files", "portmap: 10.0.0.* /etc/ok KNOWN\n",
	    "ALL: ALL\n", "10.0.0.2", ACL_DENIED_HOSTS, 3, "\"/etc/ok\"" },
	{ "v6 in brackets", "portmap: [2001:db8::]/32\n", "ALL: ALL\n",
	    "2001:db8::5", ACL_ALLOWED, 0, NULL },
	{ "v6 in brackets, outside", "portmap: [2001:db8::]/32\n", "ALL: ALL\n",
	    "2001:db9::5", ACL_DENIED_HOSTS, 0, NULL },
	{ "v6 exact", "portmap: [2001:db8::5]\n", "ALL: ALL\n",
	    "2001:db8::5", ACL_ALLOWED, 0, NULL },
	{ "v6 without brackets", "portmap: 2001:db8::5\n", "ALL: ALL\n",
	    "2001:db8::5", ACL_DENIED_HOSTS, 3, "\"2001\"" },
	{ "v4 rule, v6 peer", "portmap: ALL EXCEPT 10.0.0.0/8\n", "ALL: ALL\n",
	    "2001:db8::5", ACL_ALLOWED, 0, NULL },
	{ "option deny in hosts.allow", "portmap: 10.0.0.0/8 : deny\n", "",
	    "10.0.0.1", ACL_DENIED_HOSTS, 0, NULL },
	{ "option allow in hosts.deny", "", "portmap: 10.0.0.0/8 : ALLOW\n",
	    "10.0.0.1", ACL_ALLOWED, 0, NULL },
	{ "other options ignored", "portmap: ALL : spawn (echo %h) : deny\n",
	    "", "10.0.0.1", ACL_DENIED_HOSTS, 1, "option \"spawn (echo %h)\"" },
	{ "first match wins", "portmap: 10.0.0.1 : deny\nportmap: 10.0.0.0/8\n",
	    "", "10.0.0.1", ACL_DENIED_HOSTS, 0, NULL },
	{ "allow before deny", "portmap: 10.0.0.1\n", "portmap: 10.0.0.1\n",
	    "10.0.0.1", ACL_ALLOWED, 0, NULL },
	{ "continuation", "portmap: 10.0.0.1 \\\n  10.0.0.2\n", "ALL: ALL\n",
	    "10.0.0.2", ACL_ALLOWED, 0, NULL },
	{ "continuation, line numbers",
	    "portmap: 10.0.0.1 \\\n  10.0.0.2\nportmap: bad.name\n", "ALL: ALL\n",
	    "10.0.0.2", ACL_ALLOWED, 1, "hosts.allow:3:" },
	{ "comments and blank lines",
	    "# portmap: ALL\n\n   \n  # x\nportmap: 10.0.0.3 # not a comment\n",
	    "ALL: ALL\n", "10.0.0.3", ACL_ALLOWED, 4, "\"#\"" },
	{ "no final newline", "portmap: 10.0.0.4", "ALL: ALL",
	    "10.0.0.4", ACL_ALLOWED, 0, NULL },
	{ "CRLF", "portmap: 10.0.0.4\r\n", "ALL: ALL\r\n",
	    "10.0.0.4", ACL_ALLOWED, 0, NULL },
	{ "missing colon", "portmap 10.0.0.5\n", "ALL: ALL\n",
	    "10.0.0.5", ACL_DENIED_HOSTS, 1, "missing \":\"" },
	{ "empty client list", "portmap:\n", "ALL: ALL\n",
	    "10.0.0.5", ACL_DENIED_HOSTS, 1, "empty client list" },
	{ "empty daemon list", ": 10.0.0.5\n", "ALL: ALL\n",
	    "10.0.0.5", ACL_DENIED_HOSTS, 1, "empty daemon list" },
	{ "daemon@host", "portmap@10.0.0.1: ALL\n", "ALL: ALL\n",
	    "10.0.0.5", ACL_DENIED_HOSTS, 1, "unsupported daemon pattern" },
	{ "case", "PortMap: all\n", "ALL: ALL\n",
	    "10.0.0.5", ACL_ALLOWED, 0, NULL },
	{ "non-contiguous mask", "portmap: 10.0.0.0/255.0.255.0\n",
	    "ALL: ALL\n", "10.0.0.5", ACL_DENIED_HOSTS, 1, "10.0.0.0/255.0.255.0" },
	{ "bad prefix", "portmap: 10.300.\n", "ALL: ALL\n",
	    "10.0.0.5", ACL_DENIED_HOSTS, 1, "\"10.300.\"" },
	{ "loopback never checked", "", "ALL: ALL\n", "127.0.0.1", ACL_LOCAL, 0,
	    NULL },
	{ "local never checked", "", "ALL: ALL\n", "local", ACL_LOCAL, 0, NULL },
};

static void
test_hosts_vectors(void **state)
{
	const struct hvec *h;
	struct sockaddr_storage ss;
	struct warns	 w;
	struct acl	*a;
	enum acl_verdict v;
	size_t		 i;

	(void)state;
	for (i = 0; i < NV(hvecs); i++) {
		h = &hvecs[i];
		memset(&w, 0, sizeof(w));
		assert_non_null(a = acl_new());
		assert_int_equal(acl_hosts_text(a, ACL_HOSTS_ALLOW, h->allow,
		    strlen(h->allow), "hosts.allow", collect, &w), 0);
		assert_int_equal(acl_hosts_text(a, ACL_HOSTS_DENY, h->deny,
		    strlen(h->deny), "hosts.deny", collect, &w), 0);
		ss = mkpeer(h->peer);
		v = acl_check(a, SA(ss));
		if (v != h->want)
			fail_msg("%s: %s, want %s", h->name, acl_verdict_str(v),
			    acl_verdict_str(h->want));
		if (w.n != h->warnings)
			fail_msg("%s: %d warnings, want %d:\n%s", h->name, w.n,
			    h->warnings, w.all);
		if (h->warn_has != NULL && strstr(w.all, h->warn_has) == NULL)
			fail_msg("%s: no warning says '%s':\n%s", h->name,
			    h->warn_has, w.all);
		acl_free(a);
	}
}

/* The command line and the hosts files must both let a peer in. */
static void
test_hosts_and_lists(void **state)
{
	static const char deny[] = "portmap: 10.1.0.0/16\n";
	static const char allow[] = "portmap: 192.0.2.0/24\n";
	struct sockaddr_storage ss;
	struct acl	*a;

	(void)state;
	assert_non_null(a = acl_new());
	assert_int_equal(acl_add(a, ACL_ALLOW, "10.0.0.0/8"), 0);
	assert_int_equal(acl_hosts_text(a, ACL_HOSTS_DENY, deny, strlen(deny),
	    "d", NULL, NULL), 0);
	assert_int_equal(acl_hosts_text(a, ACL_HOSTS_ALLOW, allow,
	    strlen(allow), "a", NULL, NULL), 0);
	ss = mkpeer("10.1.2.3");
	assert_int_equal(acl_check(a, SA(ss)), ACL_DENIED_HOSTS);
	ss = mkpeer("10.2.2.3");
	assert_int_equal(acl_check(a, SA(ss)), ACL_ALLOWED);
	/* granted by hosts.allow, but not on the --allow list */
	ss = mkpeer("192.0.2.1");
	assert_int_equal(acl_check(a, SA(ss)), ACL_DENIED_NOALLOW);
	acl_free(a);
}

static void
test_hosts_limits(void **state)
{
	struct acl_info	 info;
	struct warns	 w;
	struct acl	*a;
	char		*text, *p;
	size_t		 i, cap = (ACL_RULES_MAX + 10) * 32 + ACL_LINE_MAX * 2 +
			    ACL_TOKENS_MAX * 16 + 256;
	char		 nul[] = "portmap: 10.0.0.1\0 junk\nportmap: 10.0.0.2\n";
	struct sockaddr_storage ss;

	(void)state;
	assert_non_null(text = malloc(cap));

	/* a line over the limit is skipped, the next one is read */
	memset(&w, 0, sizeof(w));
	assert_non_null(a = acl_new());
	p = text;
	p += sprintf(p, "portmap: ");
	memset(p, '1', ACL_LINE_MAX);
	p += ACL_LINE_MAX;
	p += sprintf(p, "\nportmap: 10.0.0.7\n");
	assert_int_equal(acl_hosts_text(a, ACL_HOSTS_ALLOW, text,
	    (size_t)(p - text), "big", collect, &w), 0);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.last, "big:1: line longer"));
	acl_info(a, &info);
	assert_int_equal(info.hosts_allow, 1);
	acl_free(a);

	/* too many patterns in one list: the rule goes */
	memset(&w, 0, sizeof(w));
	assert_non_null(a = acl_new());
	p = text;
	p += sprintf(p, "portmap:");
	for (i = 0; i <= ACL_TOKENS_MAX; i++)
		p += sprintf(p, " 10.0.%zu.1", i & 255);
	p += sprintf(p, "\n");
	assert_int_equal(acl_hosts_text(a, ACL_HOSTS_ALLOW, text,
	    (size_t)(p - text), "many", collect, &w), 0);
	assert_int_equal(w.n, 1);
	acl_info(a, &info);
	assert_int_equal(info.hosts_allow, 0);
	acl_free(a);

	/* too many rules: -1, the first ACL_RULES_MAX kept */
	memset(&w, 0, sizeof(w));
	assert_non_null(a = acl_new());
	p = text;
	for (i = 0; i < ACL_RULES_MAX + 5; i++)
		p += sprintf(p, "portmap: 10.%zu.%zu.1\n", i >> 8, i & 255);
	assert_int_equal(acl_hosts_text(a, ACL_HOSTS_DENY, text,
	    (size_t)(p - text), "rules", collect, &w), -1);
	assert_int_equal(w.n, 1);
	acl_info(a, &info);
	assert_int_equal(info.hosts_deny, ACL_RULES_MAX);
	ss = mkpeer("10.0.0.1");
	assert_int_equal(acl_check(a, SA(ss)), ACL_DENIED_HOSTS);
	acl_free(a);

	/* a NUL byte spoils its line only */
	memset(&w, 0, sizeof(w));
	assert_non_null(a = acl_new());
	assert_int_equal(acl_hosts_text(a, ACL_HOSTS_ALLOW, nul,
	    sizeof(nul) - 1, "nul", collect, &w), 0);
	assert_int_equal(w.n, 1);
	acl_info(a, &info);
	assert_int_equal(info.hosts_allow, 1);
	assert_int_equal(acl_hosts_text(a, (enum acl_hosts)5, "", 0, "x", NULL,
	    NULL), -1);
	acl_free(a);
	free(text);
}

/* ---- files and acl_build() ---- */

static char *
tmpfile_with(const char *text)
{
	char	*path = strdup("/tmp/test_acl.XXXXXX");
	int	 fd;

	assert_non_null(path);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void
test_files(void **state)
{
	struct sockaddr_storage ss;
	struct acl_info	 info;
	struct warns	 w;
	struct acl	*a;
	char		*allow, *deny;
	char		 dir[] = "/tmp/test_acl_dir.XXXXXX";

	(void)state;
	allow = tmpfile_with("# test\nportmap: 10.0.0.0/8 EXCEPT 10.9.0.0/16\n");
	deny = tmpfile_with("ALL: ALL\nrpcbind: name.example\n");
	memset(&w, 0, sizeof(w));
	assert_non_null(a = acl_new());
	assert_int_equal(acl_hosts_file(a, ACL_HOSTS_ALLOW, allow, collect, &w),
	    0);
	assert_int_equal(acl_hosts_file(a, ACL_HOSTS_DENY, deny, collect, &w), 0);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.last, deny));
	assert_non_null(strstr(w.last, ":2:"));
	ss = mkpeer("10.1.1.1");
	assert_int_equal(acl_check(a, SA(ss)), ACL_ALLOWED);
	ss = mkpeer("10.9.1.1");
	assert_int_equal(acl_check(a, SA(ss)), ACL_DENIED_HOSTS);
	acl_free(a);

	/* a missing file is no rules; a directory is an error */
	assert_non_null(a = acl_new());
	assert_int_equal(acl_hosts_file(a, ACL_HOSTS_DENY,
	    "/nonexistent/hosts.deny", collect, &w), 0);
	assert_non_null(mkdtemp(dir));
	memset(&w, 0, sizeof(w));
	assert_int_equal(acl_hosts_file(a, ACL_HOSTS_DENY, dir, collect, &w), -1);
	assert_int_equal(w.n, 1);
	acl_info(a, &info);
	assert_int_equal(info.hosts_deny, 0);
	acl_free(a);
	rmdir(dir);
	unlink(allow);
	unlink(deny);
	free(allow);
	free(deny);
}

static void
test_build(void **state)
{
	static const char *const allow[] = { "10.0.0.0/8", "2001:db8::/32" };
	static const char *const deny[] = { "10.66.0.0/16" };
	static const char *const amp[] = { "192.0.2.0/24" };
	static const char *const bad[] = { "10.0.0.0/8", "10.0.0.0/33" };
	struct acl_cfg	 cfg;
	struct acl_info	 info;
	struct warns	 w;
	struct acl	*a;
	struct sockaddr_storage ss;
	char		*deny_file;
	char		 dir[] = "/tmp/test_acl_dir.XXXXXX";

	(void)state;
	deny_file = tmpfile_with("portmap: 10.7.0.0/16\n");
	memset(&cfg, 0, sizeof(cfg));
	cfg.allow = allow;
	cfg.nallow = 2;
	cfg.deny = deny;
	cfg.ndeny = 1;
	cfg.amp = amp;
	cfg.namp = 1;
	cfg.hosts_allow = "/nonexistent/hosts.allow";
	cfg.hosts_deny = deny_file;
	memset(&w, 0, sizeof(w));
	assert_non_null(a = acl_build(&cfg, collect, &w));
	assert_int_equal(w.n, 0);
	acl_info(a, &info);
	assert_int_equal(info.nallow, 2);
	assert_int_equal(info.ndeny, 1);
	assert_int_equal(info.namp, 1);
	assert_int_equal(info.hosts_allow, 0);
	assert_int_equal(info.hosts_deny, 1);
	ss = mkpeer("10.7.1.1");
	assert_int_equal(acl_check(a, SA(ss)), ACL_DENIED_HOSTS);
	ss = mkpeer("10.66.1.1");
	assert_int_equal(acl_check(a, SA(ss)), ACL_DENIED_DENY);
	ss = mkpeer("10.8.1.1");
	assert_int_equal(acl_check(a, SA(ss)), ACL_ALLOWED);
	acl_free(a);

	/* a bad network: no acl, and a warning naming it */
	cfg.allow = bad;
	memset(&w, 0, sizeof(w));
	assert_null(acl_build(&cfg, collect, &w));
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.last, "--allow \"10.0.0.0/33\""));
	cfg.allow = allow;

	/* an unreadable hosts file: no acl */
	assert_non_null(mkdtemp(dir));
	cfg.hosts_allow = dir;
	memset(&w, 0, sizeof(w));
	assert_null(acl_build(&cfg, collect, &w));
	assert_true(w.n >= 1);
	rmdir(dir);

	/* nothing configured */
	assert_non_null(a = acl_build(NULL, NULL, NULL));
	acl_info(a, &info);
	assert_int_equal(info.nallow + info.ndeny + info.namp, 0);
	acl_free(a);
	unlink(deny_file);
	free(deny_file);
}

/* ---- anti-amplification ---- */

static const struct avec {
	const char	*peer;
	size_t		 reqlen, want;
} avecs[] = {
	{ "203.0.113.1",	40,	40 },
	{ "203.0.113.1",	56,	56 },
	{ "203.0.113.1",	9000,	PM_UDP_MAX },
	{ "2001:db8::1",	100,	100 },
	{ "127.0.0.1",		40,	PM_UDP_MAX },
	{ "::1",		40,	PM_UDP_MAX },
	{ "::ffff:127.0.0.1",	40,	PM_UDP_MAX },
	{ "local",		40,	PM_UDP_MAX },
	{ "192.0.2.77",		40,	PM_UDP_MAX },	/* --amp-allow */
	{ "::ffff:192.0.2.77",	40,	PM_UDP_MAX },
	{ "192.0.3.77",		40,	40 },
	{ "2001:db8:1::5",	44,	PM_UDP_MAX },	/* --amp-allow v6 */
	{ "none",		40,	40 },
};

static void
test_amplification(void **state)
{
	struct sockaddr_storage	ss;
	struct acl		*a;
	size_t			 i, got;

	(void)state;
	assert_non_null(a = acl_new());
	assert_int_equal(acl_add(a, ACL_AMP, "192.0.2.0/24"), 0);
	assert_int_equal(acl_add(a, ACL_AMP, "2001:db8:1::/48"), 0);
	/* the other lists do not widen the limit */
	assert_int_equal(acl_add(a, ACL_ALLOW, "203.0.113.0/24"), 0);
	for (i = 0; i < NV(avecs); i++) {
		ss = mkpeer(avecs[i].peer);
		got = acl_udp_reply_max(a, SA(ss), avecs[i].reqlen);
		if (got != avecs[i].want)
			fail_msg("%s %zu: %zu, want %zu", avecs[i].peer,
			    avecs[i].reqlen, got, avecs[i].want);
	}
	/* without an acl only this host is exempt */
	ss = mkpeer("192.0.2.77");
	assert_int_equal(acl_udp_reply_max(NULL, SA(ss), 48), 48);
	ss = mkpeer("127.0.0.1");
	assert_int_equal(acl_udp_reply_max(NULL, SA(ss), 48), PM_UDP_MAX);
	acl_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_match_vectors),
		cmocka_unit_test(test_match_reference),
		cmocka_unit_test(test_decision),
		cmocka_unit_test(test_add_errors),
		cmocka_unit_test(test_hosts_vectors),
		cmocka_unit_test(test_hosts_and_lists),
		cmocka_unit_test(test_hosts_limits),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_amplification),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
