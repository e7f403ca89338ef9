/*
 * testutil.h - shared by the dispatch and procedure tests: a fake daemon
 * context (table, stats, interface list), fake callers, requests built
 * with our own XDR encoder, and reply decoding that asserts every header
 * field.  Include after <cmocka.h>.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "pmap_prot.h"
#include "procs.h"
#include "rpcmsg.h"
#include "stats.h"
#include "table.h"
#include "uaddr.h"
#include "xdr.h"

#define TU_XID		0x1234abcdu
#define TU_NOW		1700000000u
#define TU_REPLY_MAX	(1u << 20)

/* The callers every test picks from. */
enum tu_who {
	TU_LO_PRIV = 0,		/* 127.0.0.1:700 over UDP (root by port) */
	TU_LO_UNPRIV,		/* 127.0.0.1:40000 over UDP */
	TU_LO_TCP_PRIV,		/* 127.0.0.1:800 over TCP */
	TU_LO_TCP_UNPRIV,	/* 127.0.0.1:40001 over TCP */
	TU_LOCAL_ROOT,		/* AF_LOCAL, uid 0, pid 42 */
	TU_LOCAL_USER,		/* AF_LOCAL, uid 1000, pid 43 */
	TU_LOCAL_NOCRED,	/* AF_LOCAL without SO_PEERCRED */
	TU_REMOTE,		/* 10.1.2.3:700 over UDP */
	TU_REMOTE_TCP,		/* 10.1.2.3:700 over TCP */
	TU_LAN,			/* 10.9.9.7:40000 over UDP, on our 10.9.9.0/24 */
	TU_LAN_TCP,		/* 10.9.9.7:40000 over TCP */
	TU_LO6,			/* [::1]:40002 over UDP6 */
	TU_LO6_TCP,		/* [::1]:900 over TCP6 */
	TU_MAPPED,		/* [::ffff:127.0.0.1]:600 over UDP6 */
	TU_WHO_COUNT
};

static inline void
tu_sin(struct caller *c, const char *ip, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&c->peer;

	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	inet_pton(AF_INET, ip, &sin->sin_addr);
	c->peerlen = sizeof(*sin);
}

static inline void
tu_sin6(struct caller *c, const char *ip, uint16_t port)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&c->peer;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &sin6->sin6_addr);
	c->peerlen = sizeof(*sin6);
}

static inline struct caller
tu_caller(enum tu_who w)
{
	struct caller c;
	struct sockaddr_un *sun = (struct sockaddr_un *)&c.peer;

	memset(&c, 0, sizeof(c));
	switch (w) {
	case TU_LO_PRIV:
		c.xprt = XPRT_UDP;
		tu_sin(&c, "127.0.0.1", 700);
		break;
	case TU_LO_UNPRIV:
		c.xprt = XPRT_UDP;
		tu_sin(&c, "127.0.0.1", 40000);
		break;
	case TU_LO_TCP_PRIV:
		c.xprt = XPRT_TCP;
		tu_sin(&c, "127.0.0.1", 800);
		break;
	case TU_LO_TCP_UNPRIV:
		c.xprt = XPRT_TCP;
		tu_sin(&c, "127.0.0.1", 40001);
		break;
	case TU_LOCAL_ROOT:
	case TU_LOCAL_USER:
	case TU_LOCAL_NOCRED:
		c.xprt = XPRT_LOCAL;
		sun->sun_family = AF_UNIX;
		c.peerlen = sizeof(sa_family_t);
		c.has_cred = w != TU_LOCAL_NOCRED;
		c.uid = w == TU_LOCAL_USER ? 1000 : 0;
		c.pid = w == TU_LOCAL_USER ? 43 : 42;
		break;
	case TU_REMOTE:
		c.xprt = XPRT_UDP;
		tu_sin(&c, "10.1.2.3", 700);
		break;
	case TU_REMOTE_TCP:
		c.xprt = XPRT_TCP;
		tu_sin(&c, "10.1.2.3", 700);
		break;
	case TU_LAN:
		c.xprt = XPRT_UDP;
		tu_sin(&c, "10.9.9.7", 40000);
		break;
	case TU_LAN_TCP:
		c.xprt = XPRT_TCP;
		tu_sin(&c, "10.9.9.7", 40000);
		break;
	case TU_LO6:
		c.xprt = XPRT_UDP6;
		tu_sin6(&c, "::1", 40002);
		break;
	case TU_LO6_TCP:
		c.xprt = XPRT_TCP6;
		tu_sin6(&c, "::1", 900);
		break;
	case TU_MAPPED:
	default:
		c.xprt = XPRT_UDP6;
		tu_sin6(&c, "::ffff:127.0.0.1", 600);
		break;
	}
	return c;
}

/* A fake daemon: table, counters, settings and our interfaces. */
struct tu {
	struct table	*table;
	struct stats	 stats;
	struct pm_config cfg;
	struct ifent	 ifv[4];
	struct iflist	 ifs;
	struct pm_ctx	 ctx;
	struct xdr_enc	 req;		/* the request being built */
	struct xdr_enc	 rep;		/* the last reply */
	int		 sent;		/* dispatch() said 1 */
	/* forwarding hook record (args and caller copied: they are the call's) */
	int		 fwd_calls, fwd_ret;
	struct fwd_request fwd_last;
	uint8_t		 fwd_args[PM_ARGS_MAX];
	struct caller	 fwd_caller;
};

static inline void
tu_ifaddr(struct ifent *ife, int af, const char *ip, const char *mask,
    int loopback)
{
	memset(ife, 0, sizeof(*ife));
	if (af == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ife->addr;
		struct sockaddr_in *m = (struct sockaddr_in *)&ife->mask;

		a->sin_family = m->sin_family = AF_INET;
		inet_pton(AF_INET, ip, &a->sin_addr);
		inet_pton(AF_INET, mask, &m->sin_addr);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ife->addr;
		struct sockaddr_in6 *m = (struct sockaddr_in6 *)&ife->mask;

		a->sin6_family = m->sin6_family = AF_INET6;
		inet_pton(AF_INET6, ip, &a->sin6_addr);
		inet_pton(AF_INET6, mask, &m->sin6_addr);
	}
	ife->up = 1;
	ife->loopback = loopback ? 1 : 0;
}

static inline int
tu_fwd(void *arg, const struct caller *c, const struct fwd_request *fr)
{
	struct tu *t = arg;

	t->fwd_calls++;
	t->fwd_last = *fr;
	assert_true(fr->argslen <= sizeof(t->fwd_args));
	memcpy(t->fwd_args, fr->args, fr->argslen);
	t->fwd_last.args = t->fwd_args;
	t->fwd_last.cred.body = NULL;
	t->fwd_caller = *c;
	return t->fwd_ret;
}

/* Our own entries, as the daemon's shell would add them. */
static inline void
tu_builtins(struct tu *t)
{
	static const char *const netids[] = { "tcp6", "udp6", "tcp", "udp" };
	static const char *const addrs[] = { "::.0.111", "::.0.111",
	    "0.0.0.0.0.111", "0.0.0.0.0.111" };
	uint32_t v;
	size_t	 i;

	for (i = 0; i < 4; i++)
		for (v = 4; v >= 2; v--)
			assert_int_equal(table_set(t->table, PMAP_PROG, v,
			    netids[i], addrs[i], OWNER_SUPERUSER, 0, TE_BUILTIN),
			    TABLE_ADDED);
	for (v = 4; v >= 3; v--)
		assert_int_equal(table_set(t->table, PMAP_PROG, v, "local",
		    "/run/rpcbind.sock", OWNER_SUPERUSER, 0, TE_BUILTIN),
		    TABLE_ADDED);
}

static inline struct tu *
tu_new(int builtins)
{
	struct tu *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->table = table_new(0, 0);
	assert_non_null(t->table);
	stats_init(&t->stats);
	tu_ifaddr(&t->ifv[0], AF_INET, "127.0.0.1", "255.0.0.0", 1);
	tu_ifaddr(&t->ifv[1], AF_INET, "10.9.9.1", "255.255.255.0", 0);
	tu_ifaddr(&t->ifv[2], AF_INET6, "::1",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1);
	tu_ifaddr(&t->ifv[3], AF_INET6, "fd00:9::1", "ffff:ffff:ffff:ffff::", 0);
	t->ifs.n = 4;
	t->ifs.v = t->ifv;
	t->cfg.port = PMAP_PORT;
	t->ctx.table = t->table;
	t->ctx.stats = &t->stats;
	t->ctx.ifs = &t->ifs;
	t->ctx.cfg = &t->cfg;
	t->ctx.now = TU_NOW;
	t->ctx.fwd = tu_fwd;
	t->ctx.fwd_arg = t;
	xdr_enc_init_grow(&t->req, 2 * PM_REQUEST_MAX);
	xdr_enc_init_grow(&t->rep, TU_REPLY_MAX);
	if (builtins)
		tu_builtins(t);
	return t;
}

static inline void
tu_free(struct tu *t)
{
	if (t == NULL)
		return;
	xdr_enc_free(&t->req);
	xdr_enc_free(&t->rep);
	table_free(t->table);
	free(t);
}

/* Start a request: the call header with an AUTH_NONE credential. */
static inline struct xdr_enc *
tu_call(struct tu *t, uint32_t vers, uint32_t proc)
{
	xdr_enc_reset(&t->req);
	rpcmsg_encode_call(&t->req, TU_XID, PMAP_PROG, vers, proc, NULL);
	return &t->req;
}

/* struct rpcb, as a v3/v4 request argument. */
static inline void
tu_put_rpcb(struct xdr_enc *e, uint32_t prog, uint32_t vers, const char *netid,
    const char *addr, const char *owner)
{
	xdr_put_u32(e, prog);
	xdr_put_u32(e, vers);
	xdr_put_string(e, netid);
	xdr_put_string(e, addr);
	xdr_put_string(e, owner);
}

/* struct mapping, as a v2 request argument. */
static inline void
tu_put_map(struct xdr_enc *e, uint32_t prog, uint32_t vers, uint32_t prot,
    uint32_t port)
{
	xdr_put_u32(e, prog);
	xdr_put_u32(e, vers);
	xdr_put_u32(e, prot);
	xdr_put_u32(e, port);
}

/*
 * Send the request built so far, minus cut bytes at the end (short
 * requests), plus extra zero bytes (trailing garbage), as caller w.
 * Returns what dispatch() returned.
 */
static inline int
tu_send_ex(struct tu *t, enum tu_who w, size_t cut, size_t extra,
    size_t maxreply)
{
	struct caller	 c = tu_caller(w);
	uint8_t		*buf;
	size_t		 len;

	assert_false(t->req.err);
	assert_true(cut <= t->req.len);
	len = t->req.len - cut + extra;
	buf = calloc(1, len + 1);
	assert_non_null(buf);
	memcpy(buf, t->req.buf, t->req.len - cut);
	xdr_enc_free(&t->rep);
	xdr_enc_init_grow(&t->rep, maxreply);
	t->sent = dispatch(&t->ctx, &c, buf, len, &t->rep);
	free(buf);
	if (t->sent)
		assert_false(t->rep.err);
	return t->sent;
}

static inline int
tu_send(struct tu *t, enum tu_who w)
{
	return tu_send_ex(t, w, 0, 0, TU_REPLY_MAX);
}

/* Decode the reply header, checking the xid and the verifier. */
static inline struct rpc_reply
tu_reply(struct tu *t, struct xdr_dec *d)
{
	struct rpc_reply r;

	assert_int_equal(t->sent, 1);
	xdr_dec_init(d, t->rep.buf, t->rep.len);
	assert_int_equal(rpcmsg_decode_reply(d, &r), 0);
	assert_int_equal(r.xid, TU_XID);
	if (r.reply_stat == MSG_ACCEPTED) {
		assert_int_equal(r.verf.flavor, AUTH_NONE_FLAVOR);
		assert_int_equal(r.verf.len, 0);
	}
	return r;
}

/* A SUCCESS reply: d is left at the results. */
static inline void
tu_success(struct tu *t, struct xdr_dec *d)
{
	struct rpc_reply r = tu_reply(t, d);

	assert_int_equal(r.reply_stat, MSG_ACCEPTED);
	assert_int_equal(r.stat, ACC_SUCCESS);
}

/* An accepted reply with status st and nothing after it. */
static inline void
tu_expect_accept(struct tu *t, uint32_t st)
{
	struct xdr_dec	 d;
	struct rpc_reply r = tu_reply(t, &d);

	assert_int_equal(r.reply_stat, MSG_ACCEPTED);
	assert_int_equal(r.stat, st);
	assert_int_equal(d.left, 0);
}

static inline void
tu_expect_prog_mismatch(struct tu *t, uint32_t low, uint32_t high)
{
	struct xdr_dec	 d;
	struct rpc_reply r = tu_reply(t, &d);

	assert_int_equal(r.reply_stat, MSG_ACCEPTED);
	assert_int_equal(r.stat, ACC_PROG_MISMATCH);
	assert_int_equal(r.low, low);
	assert_int_equal(r.high, high);
	assert_int_equal(d.left, 0);
}

static inline void
tu_expect_auth_error(struct tu *t, uint32_t auth_stat)
{
	struct xdr_dec	 d;
	struct rpc_reply r = tu_reply(t, &d);

	assert_int_equal(r.reply_stat, MSG_DENIED);
	assert_int_equal(r.stat, REJ_AUTH_ERROR);
	assert_int_equal(r.auth_stat, auth_stat);
	assert_int_equal(d.left, 0);
}

/* A reply whose single result is a u32 (or bool). */
static inline uint32_t
tu_expect_u32(struct tu *t)
{
	struct xdr_dec	d;
	uint32_t	v;

	tu_success(t, &d);
	assert_int_equal(xdr_get_u32(&d, &v), 0);
	assert_int_equal(d.left, 0);
	return v;
}

/* A reply whose single result is a string, copied to out. */
static inline void
tu_expect_string(struct tu *t, char *out, size_t outsz)
{
	struct xdr_dec	d;

	tu_success(t, &d);
	assert_int_equal(xdr_get_string(&d, out, outsz, (uint32_t)outsz - 1,
	    NULL), 0);
	assert_int_equal(d.left, 0);
}

/* Shorthands: a whole request of one v3/v4 rpcb argument, sent. */
static inline int
tu_rpcb(struct tu *t, enum tu_who w, uint32_t vers, uint32_t proc,
    uint32_t prog, uint32_t pvers, const char *netid, const char *addr,
    const char *owner)
{
	tu_put_rpcb(tu_call(t, vers, proc), prog, pvers, netid, addr, owner);
	return tu_send(t, w);
}

static inline int
tu_map(struct tu *t, enum tu_who w, uint32_t proc, uint32_t prog,
    uint32_t pvers, uint32_t prot, uint32_t port)
{
	tu_put_map(tu_call(t, PMAP_VERS, proc), prog, pvers, prot, port);
	return tu_send(t, w);
}

/* v3/v4 SET/UNSET and v2 SET/UNSET returning the bool (asserting success). */
static inline uint32_t
tu_rpcb_bool(struct tu *t, enum tu_who w, uint32_t vers, uint32_t proc,
    uint32_t prog, uint32_t pvers, const char *netid, const char *addr)
{
	tu_rpcb(t, w, vers, proc, prog, pvers, netid, addr, "ignored");
	return tu_expect_u32(t);
}

static inline uint32_t
tu_map_u32(struct tu *t, enum tu_who w, uint32_t proc, uint32_t prog,
    uint32_t pvers, uint32_t prot, uint32_t port)
{
	tu_map(t, w, proc, prog, pvers, prot, port);
	return tu_expect_u32(t);
}

/* GETADDR-like calls returning a string. */
static inline const char *
tu_lookup(struct tu *t, enum tu_who w, uint32_t vers, uint32_t proc,
    uint32_t prog, uint32_t pvers, const char *netid, const char *hint)
{
	static char out[PM_UADDR_MAX + 64];

	tu_rpcb(t, w, vers, proc, prog, pvers, netid, hint, "libtirpc");
	tu_expect_string(t, out, sizeof(out));
	return out;
}

/* v2 DUMP entry / v3 DUMP entry as decoded. */
struct tu_pmap {
	uint32_t prog, vers, prot, port;
};
struct tu_rpcbent {
	uint32_t prog, vers;
	char	 netid[PM_NETID_MAX + 1];
	char	 addr[PM_UADDR_MAX + 1];
	char	 owner[PM_OWNER_MAX + 1];
};

/* Decode a v2 DUMP reply into v (up to max); returns the count. */
static inline size_t
tu_v2_dump(struct tu *t, enum tu_who w, struct tu_pmap *v, size_t max)
{
	struct xdr_dec	d;
	size_t		n = 0;
	int		more;

	tu_call(t, PMAP_VERS, PMAPPROC_DUMP);
	tu_send(t, w);
	tu_success(t, &d);
	for (;;) {
		assert_int_equal(xdr_get_bool(&d, &more), 0);
		if (!more)
			break;
		assert_true(n < max);
		assert_int_equal(xdr_get_u32(&d, &v[n].prog), 0);
		assert_int_equal(xdr_get_u32(&d, &v[n].vers), 0);
		assert_int_equal(xdr_get_u32(&d, &v[n].prot), 0);
		assert_int_equal(xdr_get_u32(&d, &v[n].port), 0);
		n++;
	}
	assert_int_equal(d.left, 0);
	return n;
}

static inline size_t
tu_v34_dump(struct tu *t, enum tu_who w, uint32_t vers, struct tu_rpcbent *v,
    size_t max)
{
	struct xdr_dec	d;
	size_t		n = 0;
	int		more;

	tu_call(t, vers, RPCBPROC_DUMP);
	tu_send(t, w);
	tu_success(t, &d);
	for (;;) {
		assert_int_equal(xdr_get_bool(&d, &more), 0);
		if (!more)
			break;
		assert_true(n < max);
		assert_int_equal(xdr_get_u32(&d, &v[n].prog), 0);
		assert_int_equal(xdr_get_u32(&d, &v[n].vers), 0);
		assert_int_equal(xdr_get_string(&d, v[n].netid,
		    sizeof(v[n].netid), PM_NETID_MAX, NULL), 0);
		assert_int_equal(xdr_get_string(&d, v[n].addr,
		    sizeof(v[n].addr), PM_UADDR_MAX, NULL), 0);
		assert_int_equal(xdr_get_string(&d, v[n].owner,
		    sizeof(v[n].owner), PM_OWNER_MAX, NULL), 0);
		n++;
	}
	assert_int_equal(d.left, 0);
	return n;
}

/* Find (prog, vers, prot) in a decoded v2 dump: its port, or -1. */
static inline long
tu_v2_find(const struct tu_pmap *v, size_t n, uint32_t prog, uint32_t vers,
    uint32_t prot)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].prog == prog && v[i].vers == vers && v[i].prot == prot)
			return (long)v[i].port;
	return -1;
}

/* Find (prog, vers, netid) in a decoded v3/v4 dump, or NULL. */
static inline const struct tu_rpcbent *
tu_v34_find(const struct tu_rpcbent *v, size_t n, uint32_t prog,
    uint32_t vers, const char *netid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].prog == prog && v[i].vers == vers &&
		    strcmp(v[i].netid, netid) == 0)
			return &v[i];
	return NULL;
}

#endif
