/*
 * test_rpcb_v34.c - RPCBIND versions 3 and 4 through dispatch(): every
 * procedure with good arguments, bounded strings, short and long requests,
 * lookups for the arrival transport, address merging, version fallback,
 * the views shared with PMAP v2, address conversions, GETADDRLIST and
 * GETSTAT.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

#define P	200200u

static int
setup(void **state)
{
	*state = tu_new(1);
	return 0;
}

static int
teardown(void **state)
{
	tu_free(*state);
	return 0;
}

/* P version 1 on udp, tcp, udp6 and local, registered by root. */
static void
register_p(struct tu *t)
{
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 3, RPCBPROC_SET, P, 1,
	    "udp", "0.0.0.0.8.1"), 1);
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 3, RPCBPROC_SET, P, 1,
	    "tcp", "0.0.0.0.8.2"), 1);
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 4, RPCBPROC_SET, P, 1,
	    "udp6", "::.8.3"), 1);
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 4, RPCBPROC_SET, P, 1,
	    "local", "/run/p.sock"), 1);
}

static void
test_set_unset_dump(void **state)
{
	struct tu	*t = *state;
	struct tu_rpcbent v[64];
	const struct tu_rpcbent *e;
	size_t		 n;
	uint32_t	 vers;

	register_p(t);
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_USER, 4, RPCBPROC_SET, P, 2,
	    "tcp", "0.0.0.0.39.16"), 1);
	t->cfg.insecure = 1;
	assert_int_equal(tu_rpcb_bool(t, TU_REMOTE, 3, RPCBPROC_SET, P, 3,
	    "udp", "10.1.2.3.39.17"), 1);
	t->cfg.insecure = 0;
	for (vers = 3; vers <= 4; vers++) {
		n = tu_v34_dump(t, TU_REMOTE, vers, v, 64);
		assert_int_equal(n, 14 + 6);
		e = tu_v34_find(v, n, P, 1, "udp");
		assert_non_null(e);
		assert_string_equal(e->addr, "0.0.0.0.8.1");
		assert_string_equal(e->owner, "superuser");
		e = tu_v34_find(v, n, P, 1, "local");
		assert_non_null(e);
		assert_string_equal(e->addr, "/run/p.sock");
		e = tu_v34_find(v, n, P, 2, "tcp");
		assert_non_null(e);
		assert_string_equal(e->owner, "1000");	/* not "ignored" */
		e = tu_v34_find(v, n, P, 3, "udp");
		assert_non_null(e);
		assert_string_equal(e->owner, "unknown");
		e = tu_v34_find(v, n, PMAP_PROG, 4, "local");
		assert_non_null(e);
		assert_string_equal(e->addr, "/run/rpcbind.sock");
		assert_non_null(tu_v34_find(v, n, PMAP_PROG, 2, "tcp6"));
	}
	/* UNSET one netid, then the rest with an empty r_netid */
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 4, RPCBPROC_UNSET, P, 1,
	    "udp", ""), 1);
	assert_int_equal(t->ctx.changed, 1);
	assert_null(table_find(t->table, P, 1, "udp"));
	assert_non_null(table_find(t->table, P, 1, "tcp"));
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 3, RPCBPROC_UNSET, P, 1,
	    "", ""), 1);
	assert_null(table_find(t->table, P, 1, "tcp"));
	assert_null(table_find(t->table, P, 1, "udp6"));
	assert_null(table_find(t->table, P, 1, "local"));
	assert_non_null(table_find(t->table, P, 2, "tcp"));
	assert_int_equal(t->stats.v[1].setinfo, 3);
	assert_int_equal(t->stats.v[2].setinfo, 3);
	assert_int_equal(t->stats.v[1].unsetinfo, 1);
	assert_int_equal(t->stats.v[2].unsetinfo, 1);
}

static void
test_set_policy(void **state)
{
	static const struct {
		enum tu_who	 w;
		uint32_t	 vers, proc;
		const char	*netid, *addr;
		int		 want;		/* -1: AUTH_TOOWEAK */
	} v[] = {
		{ TU_REMOTE, 3, RPCBPROC_SET, "udp", "0.0.0.0.39.1", -1 },
		{ TU_LAN_TCP, 4, RPCBPROC_SET, "tcp", "0.0.0.0.39.1", -1 },
		{ TU_REMOTE, 4, RPCBPROC_UNSET, "udp", "", -1 },
		{ TU_REMOTE, 3, RPCBPROC_UNSET, "", "", -1 },
		{ TU_LOCAL_USER, 3, RPCBPROC_SET, "udp", "0.0.0.0.3.255", 0 },
		{ TU_LOCAL_USER, 3, RPCBPROC_SET, "tcp6", "::.2.0", 0 },
		{ TU_LOCAL_USER, 3, RPCBPROC_SET, "udp", "0.0.0.0.4.0", 1 },
		{ TU_LOCAL_USER, 4, RPCBPROC_SET, "local", "/run/u.sock", 1 },
		{ TU_LO_UNPRIV, 4, RPCBPROC_SET, "udp6", "::1.0.111", 0 },
		{ TU_LO_TCP_PRIV, 4, RPCBPROC_SET, "udp6", "::1.0.112", 1 },
		{ TU_LOCAL_ROOT, 3, RPCBPROC_SET, "", "0.0.0.0.39.1", 0 },
		{ TU_LOCAL_ROOT, 3, RPCBPROC_SET, "udp", "", 0 },
		{ TU_LOCAL_ROOT, 3, RPCBPROC_SET, "udp", "not-an-address", 0 },
		{ TU_LOCAL_ROOT, 3, RPCBPROC_SET, "tcp", "1.2.3.4.5", 0 },
		{ TU_LOCAL_ROOT, 4, RPCBPROC_SET, "rdma", "0.0.0.0.79.81", 1 },
		{ TU_LOCAL_ROOT, 4, RPCBPROC_SET, "udp", "127.0.0.1.0.111", 1 },
	};
	struct tu	*t = *state;
	size_t		 i;
	uint32_t	 prog;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		prog = P + (uint32_t)i;
		tu_rpcb(t, v[i].w, v[i].vers, v[i].proc, prog, 1, v[i].netid,
		    v[i].addr, "superuser");
		if (v[i].want == -1) {
			tu_expect_auth_error(t, AUTH_TOOWEAK_STAT);
			continue;
		}
		if (tu_expect_u32(t) != (uint32_t)v[i].want)
			fail_msg("vector %zu: said %d", i, !v[i].want);
		if (v[i].proc == RPCBPROC_SET && v[i].netid[0] != '\0')
			assert_int_equal(table_find(t->table, prog, 1,
			    v[i].netid) != NULL, v[i].want);
	}
	assert_int_equal(t->stats.denied, 4);
	/* UNSET by someone else: refused, the entry stays */
	assert_int_equal(tu_rpcb_bool(t, TU_LO_UNPRIV, 4, RPCBPROC_UNSET,
	    P + 6, 1, "udp", ""), 0);
	assert_int_equal(tu_rpcb_bool(t, TU_LO_UNPRIV, 4, RPCBPROC_UNSET,
	    P + 6, 1, "", ""), 0);
	assert_non_null(table_find(t->table, P + 6, 1, "udp"));
	/* the owner may, and so may root */
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_USER, 3, RPCBPROC_UNSET,
	    P + 6, 1, "udp", ""), 1);
	assert_null(table_find(t->table, P + 6, 1, "udp"));
	assert_int_equal(tu_rpcb_bool(t, TU_LO_TCP_PRIV, 3, RPCBPROC_UNSET,
	    P + 7, 1, "", ""), 1);
	assert_null(table_find(t->table, P + 7, 1, "local"));
	/* the port mapper's own entries stay */
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 4, RPCBPROC_UNSET,
	    PMAP_PROG, 4, "", ""), 0);
	assert_non_null(table_find(t->table, PMAP_PROG, 4, "local"));
	/* same address again: TRUE; another: FALSE */
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 4, RPCBPROC_SET,
	    P + 15, 1, "udp", "127.0.0.1.0.111"), 1);
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 4, RPCBPROC_SET,
	    P + 15, 1, "udp", "127.0.0.1.0.112"), 0);
}

/* Lengths: a string of n bytes, or a raw length word with no body. */
static void
put_str(struct xdr_enc *e, uint32_t n, int raw)
{
	char buf[512];

	if (raw) {
		xdr_put_u32(e, n);
		return;
	}
	memset(buf, 'a', sizeof(buf));
	if (n >= 1 && n < sizeof(buf))
		buf[0] = '/';
	xdr_put_stringn(e, buf, n);
}

/*
 * Each rpcb-taking procedure with one string at max (fine), max + 1,
 * 2^32-1 (garbage); every request short by 1 to 3 bytes and with 1 to 4
 * bytes more (garbage); an embedded NUL (garbage).
 */
static void
test_rpcb_bounds(void **state)
{
	static const struct {
		uint32_t vers, proc;
	} p[] = {
		{ 3, RPCBPROC_SET }, { 4, RPCBPROC_SET },
		{ 3, RPCBPROC_UNSET }, { 4, RPCBPROC_UNSET },
		{ 3, RPCBPROC_GETADDR }, { 4, RPCBPROC_GETADDR },
		{ 4, RPCBPROC_GETVERSADDR }, { 4, RPCBPROC_GETADDRLIST },
	};
	static const uint32_t maxes[3] = { PM_NETID_MAX, PM_UADDR_MAX,
	    PM_OWNER_MAX };
	struct tu	*t = *state;
	struct xdr_enc	*e;
	size_t		 i, f, k, count;
	uint32_t	 len;
	int		 raw, good;

	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		for (f = 0; f < 3; f++) {
			for (k = 0; k < 3; k++) {
				len = k == 0 ? maxes[f] : k == 1 ?
				    maxes[f] + 1 : 0xffffffffu;
				raw = k == 2;
				good = k == 0;
				count = table_count(t->table);
				e = tu_call(t, p[i].vers, p[i].proc);
				xdr_put_u32(e, P);
				xdr_put_u32(e, 1);
				if (f == 0)
					put_str(e, len, raw);
				else
					xdr_put_string(e, "udp");
				if (f == 1)
					put_str(e, len, raw);
				else if (!raw)
					xdr_put_string(e, "0.0.0.0.100.1");
				if (f == 2)
					put_str(e, len, raw);
				else if (!raw)
					xdr_put_string(e, "x");
				tu_send(t, TU_LOCAL_ROOT);
				if (good) {
					struct xdr_dec	d;

					tu_success(t, &d);
					/* clean up what a good SET stored */
					table_unset(t->table, P, 1, NULL,
					    OWNER_SUPERUSER);
				} else {
					tu_expect_accept(t, ACC_GARBAGE_ARGS);
					assert_int_equal(table_count(t->table),
					    count);
				}
			}
		}
		for (k = 1; k <= 4; k++) {
			tu_put_rpcb(tu_call(t, p[i].vers, p[i].proc), P, 1,
			    "udp", "0.0.0.0.100.2", "x");
			if (k <= 3) {
				tu_send_ex(t, TU_LOCAL_ROOT, k, 0, TU_REPLY_MAX);
				tu_expect_accept(t, ACC_GARBAGE_ARGS);
			}
			tu_put_rpcb(tu_call(t, p[i].vers, p[i].proc), P, 1,
			    "udp", "0.0.0.0.100.2", "x");
			tu_send_ex(t, TU_LOCAL_ROOT, 0, k, TU_REPLY_MAX);
			tu_expect_accept(t, ACC_GARBAGE_ARGS);
		}
		/* "ud\0p" */
		tu_call(t, p[i].vers, p[i].proc);
		xdr_put_u32(&t->req, P);
		xdr_put_u32(&t->req, 1);
		xdr_put_stringn(&t->req, "ud\0p", 4);
		xdr_put_string(&t->req, "");
		xdr_put_string(&t->req, "");
		tu_send(t, TU_LOCAL_ROOT);
		tu_expect_accept(t, ACC_GARBAGE_ARGS);
	}
	assert_null(table_find(t->table, P, 1, "udp"));
}

/* GETADDR answers for the transport the call came in on, merged. */
static void
test_getaddr(void **state)
{
	static const struct {
		enum tu_who	 w;
		uint32_t	 vers, proc, pvers;
		const char	*netid, *hint, *want;
	} v[] = {
		{ TU_LO_UNPRIV, 3, RPCBPROC_GETADDR, 1, "tcp", "", "127.0.0.1.8.1" },
		{ TU_LO_UNPRIV, 4, RPCBPROC_GETADDR, 1, "", "", "127.0.0.1.8.1" },
		{ TU_LO_TCP_UNPRIV, 4, RPCBPROC_GETADDR, 1, "udp", "", "127.0.0.1.8.2" },
		{ TU_LAN, 3, RPCBPROC_GETADDR, 1, "udp", "", "10.9.9.1.8.1" },
		{ TU_LAN_TCP, 4, RPCBPROC_GETADDR, 1, "tcp", "", "10.9.9.1.8.2" },
		{ TU_REMOTE, 4, RPCBPROC_GETADDR, 1, "udp", "", "10.9.9.1.8.1" },
		{ TU_REMOTE, 4, RPCBPROC_GETADDR, 1, "udp", "127.0.0.1.0.111", "127.0.0.1.8.1" },
		{ TU_LO_UNPRIV, 4, RPCBPROC_GETADDR, 1, "udp", "10.9.9.1.0.111", "10.9.9.1.8.1" },
		{ TU_LO6, 4, RPCBPROC_GETADDR, 1, "udp", "", "::1.8.3" },
		{ TU_LO6, 4, RPCBPROC_GETADDR, 1, "udp6", "fd00:9::1.0.111", "fd00:9::1.8.3" },
		{ TU_LO6_TCP, 4, RPCBPROC_GETADDR, 1, "tcp6", "", "" },
		{ TU_LOCAL_ROOT, 4, RPCBPROC_GETADDR, 1, "udp", "", "/run/p.sock" },
		{ TU_LOCAL_USER, 3, RPCBPROC_GETADDR, 1, "local", "", "/run/p.sock" },
		{ TU_LOCAL_ROOT, 4, RPCBPROC_GETADDR, 5, "local", "", "/run/p.sock" },
		{ TU_LO_UNPRIV, 4, RPCBPROC_GETADDR, 2, "udp", "", "127.0.0.1.8.1" },
		{ TU_LO_UNPRIV, 3, RPCBPROC_GETADDR, 0, "udp", "", "127.0.0.1.8.1" },
		{ TU_LO_UNPRIV, 4, RPCBPROC_GETVERSADDR, 2, "udp", "", "" },
		{ TU_LO_UNPRIV, 4, RPCBPROC_GETVERSADDR, 1, "udp", "", "127.0.0.1.8.1" },
		{ TU_LOCAL_ROOT, 4, RPCBPROC_GETVERSADDR, 1, "", "", "/run/p.sock" },
		{ TU_LOCAL_ROOT, 4, RPCBPROC_GETVERSADDR, 2, "", "", "" },
		{ TU_LO_UNPRIV, 4, RPCBPROC_GETADDR, 1, "udp", "", "127.0.0.1.8.1" },
		{ TU_LOCAL_ROOT, 4, RPCBPROC_GETADDR, 4, "local", "", "/run/rpcbind.sock" },
		{ TU_LAN, 4, RPCBPROC_GETADDR, 3, "udp", "", "10.9.9.1.0.111" },
	};
	struct tu	*t = *state;
	const char	*got;
	size_t		 i;
	uint32_t	 prog;

	register_p(t);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		prog = v[i].pvers == 3 || v[i].pvers == 4 ? PMAP_PROG : P;
		if (i == 20)
			prog = P + 1;		/* nothing registered */
		got = tu_lookup(t, v[i].w, v[i].vers, v[i].proc, prog,
		    v[i].pvers, v[i].netid, v[i].hint);
		if (i == 20) {
			assert_string_equal(got, "");
			continue;
		}
		if (strcmp(got, v[i].want) != 0)
			fail_msg("vector %zu: \"%s\", wanted \"%s\"", i, got,
			    v[i].want);
	}
	/*
	 * the lookups are in GETSTAT's lists, by version, program, version
	 * asked for and arrival netid: v3 made (P, 1, udp) twice (vectors 0
	 * and 3), (P, 1, local) and (P, 0, udp)
	 */
	assert_int_equal(t->stats.v[1].naddr, 3);
	assert_int_equal(t->stats.v[1].addr[0].prog, P);
	assert_string_equal(t->stats.v[1].addr[0].netid, "udp");
	assert_int_equal(t->stats.v[1].addr[0].success, 2);
	/* v3 has no GETVERSADDR */
	tu_rpcb(t, TU_LO_UNPRIV, 3, RPCBPROC_GETVERSADDR, P, 1, "udp", "", "");
	tu_expect_accept(t, ACC_PROC_UNAVAIL);
}

/* One table, two views. */
static void
test_views(void **state)
{
	struct tu	*t = *state;
	struct tu_rpcbent v3[64];
	struct tu_pmap	 v2[64];
	const struct tu_rpcbent *e;
	size_t		 n;

	/* v3 SET udp: a v2 port */
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 3, RPCBPROC_SET, P, 1,
	    "udp", "0.0.0.0.8.1"), 1);
	assert_int_equal(tu_map_u32(t, TU_LO_UNPRIV, PMAPPROC_GETPORT, P, 1,
	    IPPROTO_UDP_NUM, 0), 0x801);
	n = tu_v2_dump(t, TU_LO_UNPRIV, v2, 64);
	assert_int_equal(tu_v2_find(v2, n, P, 1, IPPROTO_UDP_NUM), 0x801);
	/* v2 SET: in the v3 DUMP as 0.0.0.0.p1.p2 */
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 1,
	    IPPROTO_TCP_NUM, 2000), 1);
	n = tu_v34_dump(t, TU_LO_UNPRIV, 3, v3, 64);
	e = tu_v34_find(v3, n, P, 1, "tcp");
	assert_non_null(e);
	assert_string_equal(e->addr, "0.0.0.0.7.208");
	assert_string_equal(e->owner, "superuser");
	assert_string_equal(tu_lookup(t, TU_LO_TCP_UNPRIV, 4, RPCBPROC_GETADDR,
	    P, 1, "tcp", ""), "127.0.0.1.7.208");
	/* v3 SET tcp6, local: never in the v2 DUMP */
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 3, RPCBPROC_SET, P, 1,
	    "tcp6", "::.8.4"), 1);
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 3, RPCBPROC_SET, P, 2,
	    "local", "/run/x"), 1);
	n = tu_v2_dump(t, TU_LO_UNPRIV, v2, 64);
	assert_int_equal(n, 6 + 2);
	/* v2 UNSET: udp and tcp go (whoever set them), tcp6 stays */
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_UNSET, P, 1,
	    IPPROTO_UDP_NUM, 0), 1);
	n = tu_v34_dump(t, TU_LO_UNPRIV, 4, v3, 64);
	assert_null(tu_v34_find(v3, n, P, 1, "udp"));
	assert_null(tu_v34_find(v3, n, P, 1, "tcp"));
	assert_non_null(tu_v34_find(v3, n, P, 1, "tcp6"));
	assert_string_equal(tu_lookup(t, TU_LO_UNPRIV, 4, RPCBPROC_GETADDR,
	    P, 1, "udp", ""), "");
	assert_int_equal(tu_map_u32(t, TU_LO_UNPRIV, PMAPPROC_GETPORT, P, 1,
	    IPPROTO_UDP_NUM, 0), 0);
}

static void
test_gettime(void **state)
{
	struct tu	*t = *state;
	uint32_t	 vers;

	for (vers = 3; vers <= 4; vers++) {
		t->ctx.now = TU_NOW + vers;
		tu_call(t, vers, RPCBPROC_GETTIME);
		tu_send(t, TU_REMOTE);
		assert_int_equal(tu_expect_u32(t), TU_NOW + vers);
		tu_call(t, vers, RPCBPROC_GETTIME);
		tu_send_ex(t, TU_REMOTE, 0, 4, TU_REPLY_MAX);
		tu_expect_accept(t, ACC_GARBAGE_ARGS);
		tu_call(t, vers, RPCBPROC_DUMP);
		tu_send_ex(t, TU_REMOTE, 0, 1, TU_REPLY_MAX);
		tu_expect_accept(t, ACC_GARBAGE_ARGS);
	}
	tu_call(t, 4, RPCBPROC_GETSTAT);
	tu_send_ex(t, TU_REMOTE, 0, 4, TU_REPLY_MAX);
	tu_expect_accept(t, ACC_GARBAGE_ARGS);
}

static size_t
sin_bytes(uint8_t *out, const char *ip, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, ip, &sin.sin_addr);
	memcpy(out, &sin, sizeof(sin));
	return sizeof(sin);
}

static size_t
sin6_bytes(uint8_t *out, const char *ip, uint16_t port)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &sin6.sin6_addr);
	memcpy(out, &sin6, sizeof(sin6));
	return sizeof(sin6);
}

static size_t
sun_bytes(uint8_t *out, const char *path)
{
	struct sockaddr_un sun;
	size_t	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	memcpy(out, &sun, len);
	return len;
}

/* UADDR2TADDR, as rpcbind answers (observed): see rpcb_v34.c. */
static void
test_uaddr2taddr(void **state)
{
	static const struct {
		enum tu_who	 w;
		const char	*ua;
		int		 kind;	/* 0 none, 4 sin, 6 sin6, 1 sun */
		const char	*ip;
		uint16_t	 port;
	} v[] = {
		{ TU_LO_UNPRIV, "127.0.0.1.0.111", 4, "127.0.0.1", 111 },
		{ TU_LO_TCP_UNPRIV, "1.2.3.4.1.2", 4, "1.2.3.4", 258 },
		{ TU_LO_UNPRIV, "::1.0.111", 0, NULL, 0 },
		{ TU_LO_UNPRIV, "/run/rpcbind.sock", 0, NULL, 0 },
		{ TU_LO_UNPRIV, "garbage", 0, NULL, 0 },
		{ TU_LO_UNPRIV, "", 0, NULL, 0 },
		{ TU_LO_UNPRIV, "1.2.3.4.1", 0, NULL, 0 },
		{ TU_LO_UNPRIV, "1.2.3.4.1.256", 0, NULL, 0 },
		{ TU_LO6, "::1.0.111", 6, "::1", 111 },
		{ TU_LO6_TCP, "fd00:9::1.8.1", 6, "fd00:9::1", 0x801 },
		{ TU_LO6, "127.0.0.1.0.111", 0, NULL, 0 },
		{ TU_LOCAL_ROOT, "/run/rpcbind.sock", 1, "/run/rpcbind.sock", 0 },
		{ TU_LOCAL_USER, "/tmp/x", 1, "/tmp/x", 0 },
		{ TU_LOCAL_ROOT, "", 0, NULL, 0 },
	};
	struct tu	*t = *state;
	struct xdr_dec	 d;
	const uint8_t	*buf;
	uint8_t		 want[128];
	uint32_t	 maxlen, len;
	size_t		 i, wlen, wmax;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		xdr_put_string(tu_call(t, 4 - (i & 1), RPCBPROC_UADDR2TADDR),
		    v[i].ua);
		tu_send(t, v[i].w);
		tu_success(t, &d);
		assert_int_equal(xdr_get_u32(&d, &maxlen), 0);
		assert_int_equal(xdr_get_opaque(&d, &buf, &len, 128), 0);
		assert_int_equal(d.left, 0);
		wlen = wmax = 0;
		switch (v[i].kind) {
		case 4:
			wlen = wmax = sin_bytes(want, v[i].ip, v[i].port);
			break;
		case 6:
			wlen = wmax = sin6_bytes(want, v[i].ip, v[i].port);
			break;
		case 1:
			wlen = sun_bytes(want, v[i].ip);
			wmax = sizeof(struct sockaddr_un);
			break;
		}
		if (maxlen != wmax || len != wlen)
			fail_msg("vector %zu: maxlen %u len %u", i, maxlen, len);
		if (wlen)
			assert_memory_equal(buf, want, wlen);
	}
	/* a string over PM_UADDR_MAX */
	tu_call(t, 3, RPCBPROC_UADDR2TADDR);
	put_str(&t->req, PM_UADDR_MAX + 1, 0);
	tu_send(t, TU_LO_UNPRIV);
	tu_expect_accept(t, ACC_GARBAGE_ARGS);
	tu_call(t, 3, RPCBPROC_UADDR2TADDR);
	put_str(&t->req, 0xffffffffu, 1);
	tu_send(t, TU_LO_UNPRIV);
	tu_expect_accept(t, ACC_GARBAGE_ARGS);
}

static void
test_taddr2uaddr(void **state)
{
	enum { SIN, SIN6, SUN, SUNNUL, EMPTY };
	static const struct {
		enum tu_who	 w;
		int		 what;
		int		 lendelta;	/* bytes added to / cut from it */
		uint32_t	 maxlen;	/* 0: the length */
		const char	*want;		/* NULL: GARBAGE_ARGS */
	} v[] = {
		{ TU_LO_UNPRIV, SIN, 0, 0, "127.0.0.1.0.111" },
		{ TU_LO_TCP_UNPRIV, SIN, 1, 0, "127.0.0.1.0.111" },
		{ TU_LO_UNPRIV, SIN, -1, 0, "" },
		{ TU_LO_UNPRIV, SIN, -8, 0, "" },
		{ TU_LO_UNPRIV, SIN, 0, 200, "127.0.0.1.0.111" },
		{ TU_LO_UNPRIV, SIN, 0, 15, NULL },
		{ TU_LO_UNPRIV, EMPTY, 0, 0, "" },
		/* the family field is not looked at: the first 16 bytes */
		{ TU_LO_UNPRIV, SIN6, 0, 0, "0.0.0.0.0.111" },
		{ TU_LO6, SIN6, 0, 0, "::1.0.111" },
		{ TU_LO6_TCP, SIN6, -4, 0, "" },
		{ TU_LO6, SIN, 0, 0, "" },
		{ TU_LOCAL_ROOT, SUN, 0, 0, "/run/rpcbind.sock" },
		{ TU_LOCAL_ROOT, SUNNUL, 0, 0, "/run/rpcbind.sock" },
		{ TU_LOCAL_ROOT, SIN, 0, 0, "" },
		{ TU_LOCAL_ROOT, EMPTY, 0, 0, "" },
	};
	struct tu	*t = *state;
	uint8_t		 buf[160];
	char		 out[PM_UADDR_MAX + 64];
	size_t		 i, len = 0;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(buf, 0, sizeof(buf));
		switch (v[i].what) {
		case SIN:
			len = sin_bytes(buf, "127.0.0.1", 111);
			break;
		case SIN6:
			len = sin6_bytes(buf, "::1", 111);
			break;
		case SUN:
			len = sun_bytes(buf, "/run/rpcbind.sock");
			break;
		case SUNNUL:
			len = sun_bytes(buf, "/run/rpcbind.sock") + 1;
			break;
		case EMPTY:
			len = 0;
			break;
		}
		len = (size_t)((long)len + v[i].lendelta);
		tu_call(t, 3 + (i & 1), RPCBPROC_TADDR2UADDR);
		xdr_put_u32(&t->req, v[i].maxlen ? v[i].maxlen : (uint32_t)len);
		xdr_put_opaque(&t->req, buf, (uint32_t)len);
		tu_send(t, v[i].w);
		if (v[i].want == NULL) {
			tu_expect_accept(t, ACC_GARBAGE_ARGS);
			continue;
		}
		tu_expect_string(t, out, sizeof(out));
		if (strcmp(out, v[i].want) != 0)
			fail_msg("vector %zu: \"%s\"", i, out);
	}
	/* a netbuf over PM_TADDR_MAX, and one cut short */
	tu_call(t, 4, RPCBPROC_TADDR2UADDR);
	xdr_put_u32(&t->req, 1000);
	xdr_put_opaque(&t->req, buf, PM_TADDR_MAX + 1);
	tu_send(t, TU_LO_UNPRIV);
	tu_expect_accept(t, ACC_GARBAGE_ARGS);
	for (i = 1; i <= 3; i++) {
		tu_call(t, 4, RPCBPROC_TADDR2UADDR);
		xdr_put_u32(&t->req, 16);
		xdr_put_opaque(&t->req, buf, 16);
		tu_send_ex(t, TU_LO_UNPRIV, i, 0, TU_REPLY_MAX);
		tu_expect_accept(t, ACC_GARBAGE_ARGS);
	}
}

struct ale {
	char	 addr[PM_UADDR_MAX + 64];
	char	 netid[PM_NETID_MAX + 1];
	uint32_t sem;
	char	 fmly[16], proto[16];
};

static size_t
getaddrlist(struct tu *t, enum tu_who w, uint32_t prog, uint32_t vers,
    struct ale *v, size_t max)
{
	struct xdr_dec	d;
	size_t		n = 0;
	int		more;

	tu_rpcb(t, w, 4, RPCBPROC_GETADDRLIST, prog, vers, "", "", "");
	tu_success(t, &d);
	for (;;) {
		assert_int_equal(xdr_get_bool(&d, &more), 0);
		if (!more)
			break;
		assert_true(n < max);
		assert_int_equal(xdr_get_string(&d, v[n].addr,
		    sizeof(v[n].addr), sizeof(v[n].addr) - 1, NULL), 0);
		assert_int_equal(xdr_get_string(&d, v[n].netid,
		    sizeof(v[n].netid), PM_NETID_MAX, NULL), 0);
		assert_int_equal(xdr_get_u32(&d, &v[n].sem), 0);
		assert_int_equal(xdr_get_string(&d, v[n].fmly,
		    sizeof(v[n].fmly), 15, NULL), 0);
		assert_int_equal(xdr_get_string(&d, v[n].proto,
		    sizeof(v[n].proto), 15, NULL), 0);
		n++;
	}
	assert_int_equal(d.left, 0);
	return n;
}

static const struct ale *
ale_find(const struct ale *v, size_t n, const char *netid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].netid, netid) == 0)
			return &v[i];
	return NULL;
}

static void
expect_ale(const struct ale *v, size_t n, const char *netid, const char *addr,
    uint32_t sem, const char *fmly, const char *proto)
{
	const struct ale *a = ale_find(v, n, netid);

	if (a == NULL)
		fail_msg("no %s entry", netid);
	assert_string_equal(a->addr, addr);
	assert_int_equal(a->sem, sem);
	assert_string_equal(a->fmly, fmly);
	assert_string_equal(a->proto, proto);
}

static void
test_getaddrlist(void **state)
{
	struct tu	*t = *state;
	struct ale	 v[16];
	size_t		 n;

	register_p(t);
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 4, RPCBPROC_SET, P, 2,
	    "udp", "0.0.0.0.9.1"), 1);
	n = getaddrlist(t, TU_LAN, P, 1, v, 16);
	assert_int_equal(n, 2);
	expect_ale(v, n, "udp", "10.9.9.1.8.1", 1, "inet", "udp");
	expect_ale(v, n, "tcp", "10.9.9.1.8.2", 3, "inet", "tcp");
	n = getaddrlist(t, TU_LO_TCP_UNPRIV, P, 1, v, 16);
	assert_int_equal(n, 2);
	expect_ale(v, n, "udp", "127.0.0.1.8.1", 1, "inet", "udp");
	n = getaddrlist(t, TU_LO6, P, 1, v, 16);
	assert_int_equal(n, 1);
	expect_ale(v, n, "udp6", "::1.8.3", 1, "inet6", "udp");
	n = getaddrlist(t, TU_LOCAL_ROOT, P, 1, v, 16);
	assert_int_equal(n, 1);
	expect_ale(v, n, "local", "/run/p.sock", 3, "loopback", "-");
	n = getaddrlist(t, TU_LAN, P, 2, v, 16);
	assert_int_equal(n, 1);
	expect_ale(v, n, "udp", "10.9.9.1.9.1", 1, "inet", "udp");
	/* no fallback here */
	assert_int_equal(getaddrlist(t, TU_LAN, P, 3, v, 16), 0);
	assert_int_equal(getaddrlist(t, TU_LAN, P + 1, 1, v, 16), 0);
	n = getaddrlist(t, TU_REMOTE, PMAP_PROG, 4, v, 16);
	assert_int_equal(n, 2);
	expect_ale(v, n, "tcp", "10.9.9.1.0.111", 3, "inet", "tcp");
}

struct gs_addr {
	uint32_t prog, vers, succ, fail;
	char	 netid[PM_NETID_MAX + 1];
};

struct gs_vers {
	uint32_t	info[RPCBSTAT_HIGHPROC], set, unset;
	size_t		naddr, nrmt;
	struct gs_addr	addr[STATS_LIST_MAX];
	struct gs_addr	rmt[STATS_LIST_MAX];	/* prog vers succ fail netid */
	uint32_t	rmtproc[STATS_LIST_MAX], rmtind[STATS_LIST_MAX];
};

/* GETSTAT, decoded field by field. */
static void
getstat(struct tu *t, struct gs_vers *g, size_t maxreply)
{
	struct xdr_dec	d;
	size_t		k, i;
	int		more;

	tu_call(t, 4, RPCBPROC_GETSTAT);
	assert_int_equal(tu_send_ex(t, TU_REMOTE, 0, 0, maxreply), 1);
	tu_success(t, &d);
	memset(g, 0, 3 * sizeof(*g));
	for (k = 0; k < 3; k++) {
		for (i = 0; i < RPCBSTAT_HIGHPROC; i++)
			assert_int_equal(xdr_get_u32(&d, &g[k].info[i]), 0);
		assert_int_equal(xdr_get_u32(&d, &g[k].set), 0);
		assert_int_equal(xdr_get_u32(&d, &g[k].unset), 0);
		for (;;) {
			assert_int_equal(xdr_get_bool(&d, &more), 0);
			if (!more)
				break;
			assert_true(g[k].naddr < STATS_LIST_MAX);
			struct gs_addr *a = &g[k].addr[g[k].naddr++];
			assert_int_equal(xdr_get_u32(&d, &a->prog), 0);
			assert_int_equal(xdr_get_u32(&d, &a->vers), 0);
			assert_int_equal(xdr_get_u32(&d, &a->succ), 0);
			assert_int_equal(xdr_get_u32(&d, &a->fail), 0);
			assert_int_equal(xdr_get_string(&d, a->netid,
			    sizeof(a->netid), PM_NETID_MAX, NULL), 0);
		}
		for (;;) {
			assert_int_equal(xdr_get_bool(&d, &more), 0);
			if (!more)
				break;
			assert_true(g[k].nrmt < STATS_LIST_MAX);
			i = g[k].nrmt++;
			struct gs_addr *r = &g[k].rmt[i];
			assert_int_equal(xdr_get_u32(&d, &r->prog), 0);
			assert_int_equal(xdr_get_u32(&d, &r->vers), 0);
			assert_int_equal(xdr_get_u32(&d, &g[k].rmtproc[i]), 0);
			assert_int_equal(xdr_get_u32(&d, &r->succ), 0);
			assert_int_equal(xdr_get_u32(&d, &r->fail), 0);
			assert_int_equal(xdr_get_u32(&d, &g[k].rmtind[i]), 0);
			assert_int_equal(xdr_get_string(&d, r->netid,
			    sizeof(r->netid), PM_NETID_MAX, NULL), 0);
		}
	}
	assert_int_equal(d.left, 0);
}

static void
test_getstat(void **state)
{
	struct tu	*t = *state;
	struct gs_vers	*g = calloc(3, sizeof(*g));
	uint32_t	 i;

	assert_non_null(g);
	/* a fresh daemon: only this GETSTAT */
	getstat(t, g, PM_UDP_MAX);
	assert_int_equal(g[2].info[RPCBPROC_GETSTAT], 1);
	for (i = 0; i < RPCBSTAT_HIGHPROC; i++) {
		assert_int_equal(g[0].info[i], 0);
		assert_int_equal(g[1].info[i], 0);
	}
	assert_int_equal(g[2].naddr + g[2].nrmt + g[1].naddr, 0);

	register_p(t);					/* v3 2, v4 2 */
	tu_map_u32(t, TU_REMOTE, PMAPPROC_GETPORT, P, 1, 17, 0);
	tu_map_u32(t, TU_REMOTE, PMAPPROC_GETPORT, P, 1, 17, 0);
	tu_map_u32(t, TU_REMOTE, PMAPPROC_GETPORT, P + 1, 1, 17, 0);
	tu_lookup(t, TU_LO_UNPRIV, 3, RPCBPROC_GETADDR, P, 1, "", "");
	tu_lookup(t, TU_LO6, 4, RPCBPROC_GETVERSADDR, P, 7, "", "");
	tu_rpcb_bool(t, TU_LOCAL_ROOT, 3, RPCBPROC_UNSET, P + 5, 1, "", "");
	t->cfg.forwarding = 0;
	tu_call(t, 4, RPCBPROC_INDIRECT);
	xdr_put_u32(&t->req, P);
	xdr_put_u32(&t->req, 1);
	xdr_put_u32(&t->req, 6);
	xdr_put_opaque(&t->req, "", 0);
	tu_send(t, TU_LO_UNPRIV);
	tu_expect_accept(t, ACC_SYSTEM_ERR);

	getstat(t, g, PM_UDP_MAX);
	assert_int_equal(g[0].info[PMAPPROC_GETPORT], 3);
	assert_int_equal(g[0].naddr, 2);
	assert_int_equal(g[0].addr[0].prog, P);
	assert_int_equal(g[0].addr[0].vers, 1);
	assert_int_equal(g[0].addr[0].succ, 2);
	assert_int_equal(g[0].addr[0].fail, 0);
	assert_string_equal(g[0].addr[0].netid, "udp");
	assert_int_equal(g[0].addr[1].fail, 1);
	assert_int_equal(g[1].info[RPCBPROC_SET], 2);
	assert_int_equal(g[1].set, 2);
	assert_int_equal(g[1].info[RPCBPROC_UNSET], 1);
	assert_int_equal(g[1].unset, 1);
	assert_int_equal(g[1].naddr, 1);
	assert_int_equal(g[1].addr[0].succ, 1);
	assert_int_equal(g[2].info[RPCBPROC_SET], 2);
	assert_int_equal(g[2].set, 2);
	assert_int_equal(g[2].info[RPCBPROC_GETSTAT], 2);
	assert_int_equal(g[2].info[RPCBPROC_GETVERSADDR], 1);
	assert_int_equal(g[2].info[RPCBPROC_INDIRECT], 1);
	assert_int_equal(g[2].naddr, 1);
	assert_int_equal(g[2].addr[0].vers, 7);
	assert_int_equal(g[2].addr[0].fail, 1);
	assert_string_equal(g[2].addr[0].netid, "udp6");
	assert_int_equal(g[2].nrmt, 1);
	assert_int_equal(g[2].rmt[0].prog, P);
	assert_int_equal(g[2].rmtproc[0], 6);
	assert_int_equal(g[2].rmt[0].fail, 1);
	assert_int_equal(g[2].rmtind[0], 1);

	/* 1,000 distinct lookups: the list stops at STATS_LIST_MAX */
	for (i = 0; i < 1000; i++)
		tu_lookup(t, TU_REMOTE, 4, RPCBPROC_GETADDR, 600000 + i, 1,
		    "", "");
	getstat(t, g, PM_UDP_MAX);
	assert_int_equal(g[2].info[RPCBPROC_GETADDR], 1000);
	assert_int_equal(g[2].naddr, STATS_LIST_MAX);
	assert_int_equal(g[2].addr[STATS_LIST_MAX - 1].prog,
	    600000 + STATS_LIST_MAX - 2);	/* after the udp6 one */
	assert_true(t->rep.len < PM_UDP_MAX);
	free(g);
}

/* Six full lists do not fit a datagram: they are cut, the reply is whole. */
static void
test_getstat_full(void **state)
{
	struct tu	*t = *state;
	struct gs_vers	*g = calloc(3, sizeof(*g));
	uint32_t	 i, k;
	size_t		 total;

	assert_non_null(g);
	for (k = 2; k <= 4; k++)
		for (i = 0; i < 100; i++) {
			stats_lookup(&t->stats, k, 700000 + i, k, "udp6", 1);
			stats_rmtcall(&t->stats, k, 800000 + i, 1, i, "udp6",
			    0, k == 4);
		}
	getstat(t, g, PM_UDP_MAX);
	assert_true(t->rep.len <= PM_UDP_MAX);
	assert_int_equal(g[2].info[RPCBPROC_GETSTAT], 1);
	total = 0;
	for (k = 0; k < 3; k++)
		total += g[k].naddr + g[k].nrmt;
	assert_true(total > 100);
	assert_true(total < 6 * STATS_LIST_MAX);
	/* the lists go in order: v2's lookups first and whole */
	assert_int_equal(g[0].naddr, STATS_LIST_MAX);
	assert_int_equal(g[0].addr[5].prog, 700005);
	assert_string_equal(g[0].addr[5].netid, "udp6");
	/* over a stream everything goes */
	getstat(t, g, TU_REPLY_MAX);
	for (k = 0; k < 3; k++) {
		assert_int_equal(g[k].naddr, STATS_LIST_MAX);
		assert_int_equal(g[k].nrmt, STATS_LIST_MAX);
		assert_int_equal(g[k].rmtproc[STATS_LIST_MAX - 1],
		    STATS_LIST_MAX - 1);
		assert_int_equal(g[k].rmtind[0], k == 2);
	}
	assert_int_equal(g[2].info[RPCBPROC_GETSTAT], 2);
	free(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_set_unset_dump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rpcb_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_getaddr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_views, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gettime, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uaddr2taddr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_taddr2uaddr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_getaddrlist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_getstat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_getstat_full, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
