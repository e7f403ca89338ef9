/*
 * test_uaddr.c - universal addresses: parse/format vectors (good and bad),
 * netid facts, loopback tests, address merging against a fake interface
 * list.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

#include "pmap_prot.h"
#include "uaddr.h"

#define NV(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- parsing and formatting ---- */

static const struct good {
	const char	*netid;
	const char	*uaddr;
	int		 family;
	const char	*addr;		/* inet_ntop text or path */
	int		 port;
} goods[] = {
	{ "udp",   "1.2.3.4.8.1",		AF_INET,  "1.2.3.4", 2049 },
	{ "tcp",   "0.0.0.0.0.111",		AF_INET,  "0.0.0.0", 111 },
	{ "TCP",   "127.0.0.1.0.0",		AF_INET,  "127.0.0.1", 0 },
	{ "udp",   "255.255.255.255.255.255",	AF_INET,  "255.255.255.255", 65535 },
	{ "udp6",  "::1.8.1",			AF_INET6, "::1", 2049 },
	{ "tcp6",  "::.0.111",			AF_INET6, "::", 111 },
	{ "tcp6",  "fe80::1:2.0.1",		AF_INET6, "fe80::1:2", 1 },
	{ "udp6",  "2001:db8::1.255.255",	AF_INET6, "2001:db8::1", 65535 },
	{ "udp6",  "::ffff:1.2.3.4.0.1",	AF_INET6, "::ffff:1.2.3.4", 1 },
	{ NULL,    "10.0.0.1.4.0",		AF_INET,  "10.0.0.1", 1024 },
	{ "rawip", "::2.4.0",			AF_INET6, "::2", 1024 },
	{ "local", "/run/rpcbind.sock",		AF_LOCAL, "/run/rpcbind.sock", -1 },
	{ "unix",  "/var/run/x.y.1.2",		AF_LOCAL, "/var/run/x.y.1.2", -1 },
};

static void
check_good(const struct good *g)
{
	struct sockaddr_storage ss;
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
	char text[INET6_ADDRSTRLEN], out[PM_UADDR_MAX + 1];
	socklen_t slen = 0;
	const void *a;

	if (uaddr_to_sockaddr(g->uaddr, g->netid, &ss, &slen) != 0)
		fail_msg("'%s' (%s) did not parse", g->uaddr,
		    g->netid ? g->netid : "null");
	assert_int_equal(ss.ss_family, g->family);
	switch (g->family) {
	case AF_INET:
		assert_int_equal(slen, sizeof(struct sockaddr_in));
		a = &((struct sockaddr_in *)&ss)->sin_addr;
		assert_non_null(inet_ntop(AF_INET, a, text, sizeof(text)));
		assert_string_equal(text, g->addr);
		break;
	case AF_INET6:
		assert_int_equal(slen, sizeof(struct sockaddr_in6));
		a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
		assert_non_null(inet_ntop(AF_INET6, a, text, sizeof(text)));
		assert_string_equal(text, g->addr);
		break;
	case AF_LOCAL:
		assert_string_equal(sun->sun_path, g->addr);
		assert_int_equal(slen, offsetof(struct sockaddr_un, sun_path) +
		    strlen(g->addr) + 1);
		break;
	}
	assert_int_equal(sockaddr_port((struct sockaddr *)&ss), g->port);
	assert_int_equal(uaddr_port(g->uaddr), g->port);
	/* and back, byte for byte */
	assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&ss, slen, out,
	    sizeof(out)), 0);
	assert_string_equal(out, g->uaddr);
}

static void
test_parse_good(void **state)
{
	size_t i;

	for (i = 0; i < NV(goods); i++)
		check_good(&goods[i]);
}

static const struct bad {
	const char	*netid;
	const char	*uaddr;
} bads[] = {
	{ "udp", "" },
	{ "udp", "1.2.3.4" },			/* no port */
	{ "udp", "1.2.3.4.8" },			/* one port byte missing */
	{ "udp", "1.2.3.4.256.1" },		/* port byte 256 */
	{ "udp", "1.2.3.4.1.256" },
	{ "udp", "1.2.3.4.1.999" },
	{ "udp", "1.2.3.4.0008.1" },		/* four digits */
	{ "udp", "1.2.3.4.8.1x" },		/* trailing junk */
	{ "udp", "1.2.3.4.8.1 " },
	{ "udp", " 1.2.3.4.8.1" },
	{ "udp", "1.2.3.4.8.1." },
	{ "udp", "1.2.3.4.8.-1" },
	{ "udp", "1.2.3.4.+8.1" },
	{ "udp", "1.2.3.4..1" },
	{ "udp", "1.2.3.4.8." },
	{ "udp", ".8.1" },
	{ "udp", "8.1" },
	{ "udp", "1.2.3.4.5.6.7" },		/* an extra field */
	{ "udp", "1.2.3.256.8.1" },
	{ "udp", "a.b.c.d.8.1" },
	{ "udp", "::1.8.1" },			/* IPv6 under an IPv4 netid */
	{ "udp6", "1.2.3.4.8.1" },		/* and the other way round */
	{ "udp6", "::1%lo.8.1" },
	{ "udp6", "::1.8.1x" },
	{ "udp6", "::1.8" },
	{ "udp6", ":::1.8.1" },
	{ NULL, "/run/rpcbind.sock" },		/* a path needs a local netid */
	{ "local", "" },
	{ "tcp", NULL },
};

static void
test_parse_bad(void **state)
{
	struct sockaddr_storage ss;
	socklen_t slen;
	size_t i;

	for (i = 0; i < NV(bads); i++) {
		if (uaddr_to_sockaddr(bads[i].uaddr, bads[i].netid, &ss, &slen) != -1)
			fail_msg("'%s' (%s) parsed", bads[i].uaddr ? bads[i].uaddr :
			    "null", bads[i].netid ? bads[i].netid : "null");
		if (bads[i].uaddr != NULL && bads[i].uaddr[0] != '/' &&
		    netid_family(bads[i].netid) == AF_INET &&
		    uaddr_port(bads[i].uaddr) != -1 &&
		    strchr(bads[i].uaddr, ':') == NULL)
			fail_msg("uaddr_port('%s') accepted", bads[i].uaddr);
	}
	assert_int_equal(uaddr_port(NULL), -1);
	assert_int_equal(uaddr_port("/run/x.1.2"), -1);
	assert_int_equal(uaddr_port("1.2.3.4.256.0"), -1);
}

static void
test_parse_lengths(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
	char buf[512];
	socklen_t slen;
	size_t n;

	/* an over-long IP universal address: zeros in front are still too long */
	memset(buf, '0', PM_UADDR_MAX + 10);
	snprintf(buf + PM_UADDR_MAX + 10 - 12, 13, "1.2.3.4.8.1");
	assert_true(strlen(buf) > PM_UADDR_MAX);
	assert_int_equal(uaddr_to_sockaddr(buf, "udp", &ss, &slen), -1);
	assert_int_equal(uaddr_port(buf), -1);
	/* a long IPv6 text, still valid */
	assert_int_equal(uaddr_to_sockaddr(
	    "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255.255.255", "tcp6",
	    &ss, &slen), 0);
	assert_int_equal(sockaddr_port((struct sockaddr *)&ss), 65535);

	/* local paths: up to sizeof(sun_path) - 1 bytes */
	n = sizeof(sun->sun_path) - 1;
	memset(buf, 'p', n);
	buf[0] = '/';
	buf[n] = '\0';
	assert_int_equal(uaddr_to_sockaddr(buf, "local", &ss, &slen), 0);
	assert_int_equal(strlen(sun->sun_path), n);
	buf[n] = 'p';
	buf[n + 1] = '\0';
	assert_int_equal(uaddr_to_sockaddr(buf, "local", &ss, &slen), -1);
}

static void
test_format_errors(void **state)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_un sun;
	char out[64];

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(2049);
	inet_pton(AF_INET, "192.168.100.200", &sin.sin_addr);
	assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&sin,
	    sizeof(sin), out, sizeof(out)), 0);
	assert_string_equal(out, "192.168.100.200.8.1");
	/* exactly large enough, then one short */
	assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&sin,
	    sizeof(sin), out, strlen("192.168.100.200.8.1") + 1), 0);
	assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&sin,
	    sizeof(sin), out, strlen("192.168.100.200.8.1")), -1);
	/* a length shorter than the family's sockaddr */
	assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&sin,
	    sizeof(sin) - 1, out, sizeof(out)), -1);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&sin6,
	    sizeof(sin6) - 1, out, sizeof(out)), -1);
	assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&sin6,
	    sizeof(sin6), out, sizeof(out)), 0);
	assert_string_equal(out, "::.0.0");
	/* unknown family */
	sin.sin_family = AF_PACKET;
	assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&sin,
	    sizeof(sin), out, sizeof(out)), -1);
	assert_int_equal(sockaddr_port((struct sockaddr *)&sin), -1);
	/* unnamed and abstract local sockets have no path */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_LOCAL;
	assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&sun,
	    sizeof(sa_family_t), out, sizeof(out)), -1);
	memcpy(sun.sun_path, "\0abstract", 9);
	assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&sun,
	    offsetof(struct sockaddr_un, sun_path) + 9, out, sizeof(out)), -1);
	/* a path without its NUL inside the given length */
	memcpy(sun.sun_path, "/run/abcdef", 12);
	assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&sun,
	    offsetof(struct sockaddr_un, sun_path) + 4, out, sizeof(out)), 0);
	assert_string_equal(out, "/run");
	assert_int_equal(uaddr_from_sockaddr(NULL, 16, out, sizeof(out)), -1);
}

static void
test_v2(void **state)
{
	static const struct { uint16_t port; const char *want; } v[] = {
		{ 0, "0.0.0.0.0.0" }, { 111, "0.0.0.0.0.111" },
		{ 2049, "0.0.0.0.8.1" }, { 65535, "0.0.0.0.255.255" },
		{ 256, "0.0.0.0.1.0" },
	};
	char out[32];
	size_t i;

	for (i = 0; i < NV(v); i++) {
		uaddr_v2(v[i].port, out, sizeof(out));
		assert_string_equal(out, v[i].want);
		assert_int_equal(uaddr_port(out), v[i].port);
	}
	memset(out, 'x', sizeof(out));
	uaddr_v2(2049, out, 5);			/* truncated, terminated */
	assert_string_equal(out, "0.0.");
}

static void
test_netid_facts(void **state)
{
	static const struct {
		const char	*netid;
		enum netid_kind	 kind;
		int		 family;
		uint32_t	 semantics;
		const char	*protofmly, *proto;
	} v[] = {
		{ "udp",   NETID_UDP,   AF_INET,  1, "inet",     "udp" },
		{ "tcp",   NETID_TCP,   AF_INET,  3, "inet",     "tcp" },
		{ "udp6",  NETID_UDP6,  AF_INET6, 1, "inet6",    "udp" },
		{ "tcp6",  NETID_TCP6,  AF_INET6, 3, "inet6",    "tcp" },
		{ "local", NETID_LOCAL, AF_LOCAL, 3, "loopback", "-" },
		{ "unix",  NETID_LOCAL, AF_LOCAL, 3, "loopback", "-" },
		{ "UDP",   NETID_UDP,   AF_INET,  1, "inet",     "udp" },
		{ "Tcp6",  NETID_TCP6,  AF_INET6, 3, "inet6",    "tcp" },
		{ "rawip", NETID_OTHER, -1,       0, "-",        "-" },
		{ "tcp7",  NETID_OTHER, -1,       0, "-",        "-" },
		{ "tc",    NETID_OTHER, -1,       0, "-",        "-" },
		{ "",      NETID_OTHER, -1,       0, "-",        "-" },
		{ NULL,    NETID_OTHER, -1,       0, "-",        "-" },
	};
	size_t i;

	for (i = 0; i < NV(v); i++) {
		assert_int_equal(netid_kind(v[i].netid), v[i].kind);
		assert_int_equal(netid_family(v[i].netid), v[i].family);
		assert_int_equal(netid_semantics(v[i].netid), v[i].semantics);
		assert_string_equal(netid_protofmly(v[i].netid), v[i].protofmly);
		assert_string_equal(netid_proto(v[i].netid), v[i].proto);
	}
}

/* ---- socket address helpers ---- */

static void
mk(struct sockaddr_storage *ss, const char *text, int port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
	} else
		fail_msg("bad test address %s", text);
}

static void
test_loopback(void **state)
{
	static const struct { const char *a; int want; } v[] = {
		{ "127.0.0.1", 1 }, { "127.255.1.2", 1 }, { "127.0.0.0", 1 },
		{ "128.0.0.1", 0 }, { "126.255.255.255", 0 }, { "10.0.0.1", 0 },
		{ "0.0.0.0", 0 },
		{ "::1", 1 }, { "::", 0 }, { "::2", 0 }, { "::127.0.0.1", 0 },
		{ "::ffff:127.0.0.1", 1 }, { "::ffff:127.9.8.7", 1 },
		{ "::ffff:10.0.0.1", 0 }, { "fe80::1", 0 },
	};
	struct sockaddr_storage ss;
	struct sockaddr_un sun;
	size_t i;

	for (i = 0; i < NV(v); i++) {
		mk(&ss, v[i].a, 111);
		if (sockaddr_is_loopback((struct sockaddr *)&ss) != v[i].want)
			fail_msg("%s: loopback should be %d", v[i].a, v[i].want);
		assert_int_equal(sockaddr_port((struct sockaddr *)&ss), 111);
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_LOCAL;
	assert_true(sockaddr_is_loopback((struct sockaddr *)&sun));
	assert_int_equal(sockaddr_port((struct sockaddr *)&sun), -1);
	assert_false(sockaddr_is_loopback(NULL));
	assert_int_equal(sockaddr_port(NULL), -1);
}

/* ---- address merging ---- */

static void
mkif(struct ifent *ife, const char *addr, const char *mask, int up, int lo)
{
	memset(ife, 0, sizeof(*ife));
	mk(&ife->addr, addr, 0);
	mk(&ife->mask, mask, 0);
	ife->up = up ? 1 : 0;
	ife->loopback = lo ? 1 : 0;
}

static struct ifent ifs[9];
static struct iflist ifl;

static int
setup_ifs(void **state)
{
	mkif(&ifs[0], "127.0.0.1", "255.0.0.0", 1, 1);		/* lo */
	mkif(&ifs[1], "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1, 1);
	mkif(&ifs[2], "172.16.0.1", "255.255.0.0", 0, 0);	/* down */
	mkif(&ifs[3], "10.9.9.1", "255.255.255.0", 1, 0);	/* eth0 */
	mkif(&ifs[4], "2001:db8:1::1", "ffff:ffff:ffff:ffff::", 1, 0);
	mkif(&ifs[5], "192.168.5.1", "255.255.255.0", 1, 0);	/* eth1 */
	mkif(&ifs[6], "2001:db8:2::1", "ffff:ffff:ffff:ffff::", 1, 0);
	mkif(&ifs[7], "10.9.9.2", "255.255.255.0", 1, 0);	/* eth0 alias */
	mkif(&ifs[8], "192.168.77.1", "255.255.255.0", 1, 0);
	ifs[8].mask.ss_family = 0;		/* a mask without its family */
	ifl.n = NV(ifs);
	ifl.v = ifs;
	return 0;
}

static void
test_merge_vectors(void **state)
{
	static const struct {
		const char	*netid, *reg, *hint, *client, *want;
	} v[] = {
		/* the PROTOCOL.md example: client on eth0's subnet */
		{ "udp", "0.0.0.0.8.1", NULL, "10.9.9.77", "10.9.9.1.8.1" },
		{ "tcp", "0.0.0.0.8.1", "", "10.9.9.77", "10.9.9.1.8.1" },
		{ "udp", "0.0.0.0.8.1", NULL, "192.168.5.9", "192.168.5.1.8.1" },
		/* equal to an interface address beats the earlier subnet match */
		{ "udp", "0.0.0.0.8.1", NULL, "10.9.9.2", "10.9.9.2.8.1" },
		/* the hint (an interface address) wins over the client */
		{ "udp", "0.0.0.0.8.1", "192.168.5.1.0.111", "10.9.9.77",
		    "192.168.5.1.8.1" },
		{ "udp", "0.0.0.0.8.1", "10.9.9.2.0.111", "192.168.5.9",
		    "10.9.9.2.8.1" },
		/* a hint on a subnet */
		{ "tcp", "0.0.0.0.0.111", "192.168.5.200.0.111", "10.9.9.77",
		    "192.168.5.1.0.111" },
		/* a hint of the other family, or malformed, is ignored */
		{ "udp", "0.0.0.0.8.1", "::1.0.111", "192.168.5.9",
		    "192.168.5.1.8.1" },
		{ "udp", "0.0.0.0.8.1", "192.168.5.1.0", "10.9.9.77",
		    "10.9.9.1.8.1" },
		/* no subnet fits: first up non-loopback (not lo, not the down one) */
		{ "udp", "0.0.0.0.8.1", NULL, "8.8.8.8", "10.9.9.1.8.1" },
		{ "udp", "0.0.0.0.8.1", NULL, "172.16.3.3", "10.9.9.1.8.1" },
		/* loopback client: the loopback address */
		{ "udp", "0.0.0.0.8.1", NULL, "127.0.0.1", "127.0.0.1.8.1" },
		{ "udp", "0.0.0.0.8.1", NULL, "127.3.4.5", "127.0.0.1.8.1" },
		/* a mask whose family was left 0 still matches */
		{ "udp", "0.0.0.0.8.1", NULL, "192.168.77.8", "192.168.77.1.8.1" },
		/* an IPv4-mapped client on an IPv4 registration */
		{ "udp", "0.0.0.0.8.1", NULL, "::ffff:192.168.5.7",
		    "192.168.5.1.8.1" },
		/* a specific registered address: the port is kept */
		{ "tcp", "10.9.9.1.3.3", NULL, "192.168.5.9", "192.168.5.1.3.3" },
		/* IPv6 */
		{ "udp6", "::.8.1", NULL, "2001:db8:2::55", "2001:db8:2::1.8.1" },
		{ "tcp6", "::.8.1", NULL, "2001:db8:1:0:ffff::1",
		    "2001:db8:1::1.8.1" },
		{ "udp6", "::.8.1", NULL, "::1", "::1.8.1" },
		{ "udp6", "::.8.1", NULL, "2001:db8:9::1", "2001:db8:1::1.8.1" },
		{ "udp6", "::.8.1", "2001:db8:2::1.0.111", "2001:db8:1::5",
		    "2001:db8:2::1.8.1" },
		{ "udp6", "::.8.1", "1.2.3.4.0.111", "2001:db8:2::5",
		    "2001:db8:2::1.8.1" },
		/* no client, no hint: the first up non-loopback */
		{ "udp", "0.0.0.0.8.1", NULL, NULL, "10.9.9.1.8.1" },
		{ "udp6", "::.8.1", NULL, NULL, "2001:db8:1::1.8.1" },
		/* an IPv4 client on an IPv6 registration: no target */
		{ "udp6", "::.8.1", NULL, "10.9.9.77", "2001:db8:1::1.8.1" },
		/* local: verbatim, whatever the hint */
		{ "local", "/run/rpcbind.sock", "10.9.9.2.0.111", "10.9.9.77",
		    "/run/rpcbind.sock" },
		{ "unix", "/tmp/x.8.1", NULL, NULL, "/tmp/x.8.1" },
	};
	struct sockaddr_storage c;
	char out[PM_UADDR_MAX + 1];
	size_t i;
	int r;

	for (i = 0; i < NV(v); i++) {
		if (v[i].client != NULL)
			mk(&c, v[i].client, 999);
		memset(out, 0, sizeof(out));
		r = uaddr_merge(&ifl, v[i].netid, v[i].reg, v[i].hint,
		    v[i].client ? (struct sockaddr *)&c : NULL, out, sizeof(out));
		if (r != 0 || strcmp(out, v[i].want) != 0)
			fail_msg("merge %s %s hint %s client %s: %d '%s', want '%s'",
			    v[i].netid, v[i].reg, v[i].hint ? v[i].hint : "-",
			    v[i].client ? v[i].client : "-", r, out, v[i].want);
	}
}

static void
test_merge_nothing_fits(void **state)
{
	struct ifent only_lo[2];
	struct iflist lo = { 2, only_lo }, empty = { 0, NULL };
	struct sockaddr_storage c;
	char out[64];

	mkif(&only_lo[0], "127.0.0.1", "255.0.0.0", 1, 1);
	mkif(&only_lo[1], "10.1.1.1", "255.0.0.0", 0, 0);	/* down */
	mk(&c, "192.168.1.1", 5);
	assert_int_equal(uaddr_merge(&lo, "udp", "0.0.0.0.8.1", NULL,
	    (struct sockaddr *)&c, out, sizeof(out)), 0);
	assert_string_equal(out, "0.0.0.0.8.1");
	assert_int_equal(uaddr_merge(&lo, "udp6", "::.8.1", NULL,
	    (struct sockaddr *)&c, out, sizeof(out)), 0);
	assert_string_equal(out, "::.8.1");
	assert_int_equal(uaddr_merge(&empty, "tcp", "0.0.0.0.8.1", NULL,
	    (struct sockaddr *)&c, out, sizeof(out)), 0);
	assert_string_equal(out, "0.0.0.0.8.1");
	assert_int_equal(uaddr_merge(NULL, "tcp", "0.0.0.0.8.1", NULL,
	    (struct sockaddr *)&c, out, sizeof(out)), 0);
	assert_string_equal(out, "0.0.0.0.8.1");
	/* but the loopback client still gets lo */
	mk(&c, "127.0.0.1", 5);
	assert_int_equal(uaddr_merge(&lo, "udp", "0.0.0.0.8.1", NULL,
	    (struct sockaddr *)&c, out, sizeof(out)), 0);
	assert_string_equal(out, "127.0.0.1.8.1");
}

static void
test_merge_errors(void **state)
{
	struct sockaddr_storage c;
	char out[64];

	mk(&c, "10.9.9.77", 5);
	assert_int_equal(uaddr_merge(&ifl, "udp", "0.0.0.0.8", NULL,
	    (struct sockaddr *)&c, out, sizeof(out)), -1);
	assert_int_equal(uaddr_merge(&ifl, "udp", "0.0.0.0.8.256", NULL,
	    (struct sockaddr *)&c, out, sizeof(out)), -1);
	assert_int_equal(uaddr_merge(&ifl, "udp", "::.8.1", NULL,
	    (struct sockaddr *)&c, out, sizeof(out)), -1);
	assert_int_equal(uaddr_merge(&ifl, "udp6", "0.0.0.0.8.1", NULL,
	    (struct sockaddr *)&c, out, sizeof(out)), -1);
	assert_int_equal(uaddr_merge(&ifl, "udp", NULL, NULL,
	    (struct sockaddr *)&c, out, sizeof(out)), -1);
	assert_int_equal(uaddr_merge(&ifl, "local", "", NULL, NULL, out,
	    sizeof(out)), -1);
	/* output too small: "10.9.9.1.8.1" needs 13 bytes */
	assert_int_equal(uaddr_merge(&ifl, "udp", "0.0.0.0.8.1", NULL,
	    (struct sockaddr *)&c, out, 12), -1);
	assert_int_equal(uaddr_merge(&ifl, "udp", "0.0.0.0.8.1", NULL,
	    (struct sockaddr *)&c, out, 13), 0);
	assert_string_equal(out, "10.9.9.1.8.1");
	assert_int_equal(uaddr_merge(&ifl, "local", "/run/rpcbind.sock", NULL,
	    NULL, out, 5), -1);
}

/* The quick IPv4 parse and format agree with inet_pton and inet_ntop. */
static void
test_quick_ipv4(void **state)
{
	static const char *const addrs[] = {
		"0.0.0.0", "127.0.0.1", "255.255.255.255", "10.0.10.100",
		"1.2.3.4", "01.2.3.4", "1.2.3.04", "00.1.2.3", "256.1.1.1",
		"1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.", ".1.2.3", "1.2.3.-4",
		"1.2.3.4a", "a.b.c.d", "1.2.3.1000", "999.1.1.1", "",
	};
	struct sockaddr_in sin;
	struct in_addr a;
	char ua[64], out[64], ref[64];
	size_t i;
	uint32_t v;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		snprintf(ua, sizeof(ua), "%s.1.2", addrs[i]);
		if (inet_pton(AF_INET, addrs[i], &a) == 1)
			assert_int_equal(uaddr_port(ua), 258);
		else if (uaddr_port(ua) != -1)
			fail_msg("%s accepted", ua);
	}
	/* port bytes: 1 to 3 digits, leading zeros allowed, at most 255 */
	assert_int_equal(uaddr_port("1.2.3.4.007.001"), 7 * 256 + 1);
	assert_int_equal(uaddr_port("1.2.3.4.0.0"), 0);
	assert_int_equal(uaddr_port("1.2.3.4.255.255"), 65535);
	assert_int_equal(uaddr_port("1.2.3.4.256.1"), -1);
	assert_int_equal(uaddr_port("1.2.3.4.1.0001"), -1);
	assert_int_equal(uaddr_port("1.2.3.4.1."), -1);
	assert_int_equal(uaddr_port("1.2.3.4.1"), -1);
	assert_int_equal(uaddr_port("1.2.3.4..1"), -1);
	assert_int_equal(uaddr_port("1.2.3.4.1.2.3"), -1);
	assert_int_equal(uaddr_port("::ffff:1.2.3.4.1.2"), 258);
	for (i = 0; i < 2000; i++) {
		v = (uint32_t)i * 2654435761u;
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(v);
		sin.sin_port = htons((uint16_t)(v >> 7));
		assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&sin,
		    sizeof(sin), out, sizeof(out)), 0);
		inet_ntop(AF_INET, &sin.sin_addr, ref, sizeof(ref));
		snprintf(ref + strlen(ref), sizeof(ref) - strlen(ref), ".%u.%u",
		    ntohs(sin.sin_port) >> 8, ntohs(sin.sin_port) & 0xff);
		assert_string_equal(out, ref);
		assert_int_equal(uaddr_port(out), ntohs(sin.sin_port));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_quick_ipv4),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_lengths),
		cmocka_unit_test(test_format_errors),
		cmocka_unit_test(test_v2),
		cmocka_unit_test(test_netid_facts),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test_setup(test_merge_vectors, setup_ifs),
		cmocka_unit_test_setup(test_merge_nothing_fits, setup_ifs),
		cmocka_unit_test_setup(test_merge_errors, setup_ifs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
