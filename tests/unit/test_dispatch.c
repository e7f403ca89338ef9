/*
 * test_dispatch.c - the RPC layer of the port mapper: header errors,
 * credentials, program/version/procedure routing, who the caller is, the
 * remote-call procedures with forwarding off and on, replies that do not
 * fit, and the statistics every call feeds.
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

#define P1	300000u		/* registered on udp v1 at 127.0.0.1.39.15 */

static int
setup(void **state)
{
	struct tu *t = tu_new(1);

	assert_int_equal(table_set(t->table, P1, 1, "udp", "127.0.0.1.39.15",
	    OWNER_SUPERUSER, 0, 0), TABLE_ADDED);
	assert_int_equal(table_set(t->table, P1, 1, "udp6", "::1.39.16",
	    OWNER_SUPERUSER, 0, 0), TABLE_ADDED);
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	tu_free(*state);
	return 0;
}

static void
test_xprt(void **state)
{
	static const struct {
		enum xprt	 x;
		const char	*netid;
		int		 dgram;
	} v[] = {
		{ XPRT_UDP, "udp", 1 }, { XPRT_TCP, "tcp", 0 },
		{ XPRT_UDP6, "udp6", 1 }, { XPRT_TCP6, "tcp6", 0 },
		{ XPRT_LOCAL, "local", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_string_equal(xprt_netid(v[i].x), v[i].netid);
		assert_int_equal(xprt_is_dgram(v[i].x), v[i].dgram);
	}
}

static void
test_caller(void **state)
{
	static const struct {
		enum tu_who	w;
		int32_t		owner;
		int		local;
	} v[] = {
		{ TU_LO_PRIV, OWNER_SUPERUSER, 1 },
		{ TU_LO_UNPRIV, OWNER_UNKNOWN, 1 },
		{ TU_LO_TCP_PRIV, OWNER_SUPERUSER, 1 },
		{ TU_LO_TCP_UNPRIV, OWNER_UNKNOWN, 1 },
		{ TU_LOCAL_ROOT, OWNER_SUPERUSER, 1 },
		{ TU_LOCAL_USER, 1000, 1 },
		{ TU_LOCAL_NOCRED, OWNER_UNKNOWN, 1 },
		{ TU_REMOTE, OWNER_UNKNOWN, 0 },	/* reserved port, not ours */
		{ TU_REMOTE_TCP, OWNER_UNKNOWN, 0 },
		{ TU_LAN, OWNER_UNKNOWN, 0 },
		{ TU_LO6, OWNER_UNKNOWN, 1 },
		{ TU_LO6_TCP, OWNER_SUPERUSER, 1 },
		{ TU_MAPPED, OWNER_SUPERUSER, 1 },
	};
	struct caller	c;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		c = tu_caller(v[i].w);
		if (caller_owner(&c) != v[i].owner ||
		    caller_is_local(&c) != v[i].local)
			fail_msg("caller %zu: owner %d local %d", i,
			    caller_owner(&c), caller_is_local(&c));
	}
	/* a uid that would read as OWNER_UNKNOWN stays unknown */
	c = tu_caller(TU_LOCAL_USER);
	c.uid = (uid_t)-1;
	assert_int_equal(caller_owner(&c), OWNER_UNKNOWN);
}

/* Messages that are not calls get no answer at all. */
static void
test_not_call(void **state)
{
	struct tu	*t = *state;
	struct caller	 c = tu_caller(TU_LO_UNPRIV);
	static const uint8_t reply[] = { 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0 };
	static const uint8_t other[] = { 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 2 };
	static const uint8_t shortmsg[] = { 0, 0, 0, 1, 0, 0, 0 };
	uint64_t	 before = t->stats.dropped;

	assert_int_equal(dispatch(&t->ctx, &c, reply, sizeof(reply), &t->rep), 0);
	assert_int_equal(dispatch(&t->ctx, &c, other, sizeof(other), &t->rep), 0);
	assert_int_equal(dispatch(&t->ctx, &c, shortmsg, sizeof(shortmsg),
	    &t->rep), 0);
	assert_int_equal(dispatch(&t->ctx, &c, shortmsg, 0, &t->rep), 0);
	assert_int_equal(t->rep.len, 0);
	assert_int_equal(t->stats.dropped, before + 4);
	/* a call header cut before the procedure number */
	tu_call(t, 2, 0);
	assert_int_equal(tu_send_ex(t, TU_LO_UNPRIV, t->req.len - 16, 0,
	    TU_REPLY_MAX), 0);
}

static void
test_rpcvers(void **state)
{
	struct tu	*t = *state;
	struct xdr_dec	 d;
	struct rpc_reply r;
	uint32_t	 vers[] = { 0, 1, 3, 0xffffffffu };
	size_t		 i;

	for (i = 0; i < sizeof(vers) / sizeof(vers[0]); i++) {
		xdr_enc_reset(&t->req);
		xdr_put_u32(&t->req, TU_XID);
		xdr_put_u32(&t->req, RPC_CALL);
		xdr_put_u32(&t->req, vers[i]);
		xdr_put_u32(&t->req, PMAP_PROG);
		xdr_put_u32(&t->req, 2);
		xdr_put_u32(&t->req, 0);
		xdr_put_u32(&t->req, 0);
		xdr_put_u32(&t->req, 0);
		xdr_put_u32(&t->req, 0);
		xdr_put_u32(&t->req, 0);
		assert_int_equal(tu_send(t, TU_LO_UNPRIV), 1);
		r = tu_reply(t, &d);
		assert_int_equal(r.reply_stat, MSG_DENIED);
		assert_int_equal(r.stat, REJ_RPC_MISMATCH);
		assert_int_equal(r.low, 2);
		assert_int_equal(r.high, 2);
		assert_int_equal(d.left, 0);
	}
}

/* Append an AUTH_SYS body to e. */
static void
put_authsys(struct xdr_enc *e, uint32_t namelen, uint32_t ngids,
    uint32_t realgids)
{
	char	 name[300];
	uint32_t i;

	memset(name, 'h', sizeof(name));
	xdr_put_u32(e, 12345);
	xdr_put_opaque(e, name, namelen);
	xdr_put_u32(e, 1000);
	xdr_put_u32(e, 100);
	xdr_put_u32(e, ngids);
	for (i = 0; i < realgids; i++)
		xdr_put_u32(e, 100 + i);
}

static void
test_credentials(void **state)
{
	/*
	 * flavor, AUTH_SYS shape (namelen, gids declared, gids present,
	 * extra bytes, cut bytes) and the expected auth_stat (0: accepted).
	 */
	static const struct {
		const char *name;
		uint32_t flavor;
		int	 sys;
		uint32_t namelen, ngids, realgids, extra, cut, rawlen;
		uint32_t want;
	} v[] = {
		{ "none", 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ "none with body", 0, 0, 0, 0, 0, 0, 0, 8, 0 },
		{ "sys", 1, 1, 9, 0, 0, 0, 0, 0, 0 },
		{ "sys 16 gids", 1, 1, 9, 16, 16, 0, 0, 0, 0 },
		{ "sys name 255", 1, 1, 255, 2, 2, 0, 0, 0, 0 },
		{ "sys name 0", 1, 1, 0, 0, 0, 0, 0, 0, 0 },
		{ "sys empty", 1, 0, 0, 0, 0, 0, 0, 0, AUTH_BADCRED_STAT },
		{ "sys 17 gids", 1, 1, 9, 17, 17, 0, 0, 0, AUTH_BADCRED_STAT },
		{ "sys gids 2^32-1", 1, 1, 9, 0xffffffffu, 0, 0, 0, 0,
		    AUTH_BADCRED_STAT },
		{ "sys name 256", 1, 1, 256, 0, 0, 0, 0, 0, AUTH_BADCRED_STAT },
		{ "sys gids missing", 1, 1, 9, 3, 2, 0, 0, 0, AUTH_BADCRED_STAT },
		{ "sys trailing", 1, 1, 9, 1, 1, 4, 0, 0, AUTH_BADCRED_STAT },
		{ "sys cut 4", 1, 1, 9, 1, 1, 0, 4, 0, AUTH_BADCRED_STAT },
		{ "short", 2, 0, 0, 0, 0, 0, 0, 8, AUTH_REJECTEDCRED_STAT },
		{ "dh", 3, 0, 0, 0, 0, 0, 0, 8, AUTH_FAILED_STAT },
		{ "gss", 6, 0, 0, 0, 0, 0, 0, 8, AUTH_BADCRED_STAT },
		{ "99", 99, 0, 0, 0, 0, 0, 0, 4, AUTH_REJECTEDCRED_STAT },
	};
	struct tu	*t = *state;
	struct xdr_enc	 body;
	struct rpc_auth	 cred;
	uint8_t		 raw[64];
	size_t		 i;

	memset(raw, 0x5a, sizeof(raw));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		xdr_enc_init_grow(&body, 1024);
		if (v[i].sys) {
			put_authsys(&body, v[i].namelen, v[i].ngids,
			    v[i].realgids);
			if (v[i].extra)
				xdr_put_u32(&body, 0);
			body.len -= v[i].cut;
		} else
			xdr_put_fixed(&body, raw, v[i].rawlen);
		cred.flavor = v[i].flavor;
		cred.len = (uint32_t)body.len;
		cred.body = body.buf;
		xdr_enc_reset(&t->req);
		rpcmsg_encode_call(&t->req, TU_XID, PMAP_PROG, 4,
		    RPCBPROC_GETTIME, &cred);
		assert_int_equal(tu_send(t, TU_LO_UNPRIV), 1);
		if (v[i].want == 0) {
			if (tu_expect_u32(t) != TU_NOW)
				fail_msg("%s: wrong time", v[i].name);
		} else
			tu_expect_auth_error(t, v[i].want);
		xdr_enc_free(&body);
	}
}

/* A credential longer than 400 bytes is BADCRED (rpcmsg refuses it). */
static void
test_cred_too_long(void **state)
{
	struct tu	*t = *state;
	uint8_t		 body[404];

	memset(body, 0, sizeof(body));
	xdr_enc_reset(&t->req);
	xdr_put_u32(&t->req, TU_XID);
	xdr_put_u32(&t->req, RPC_CALL);
	xdr_put_u32(&t->req, RPC_VERS);
	xdr_put_u32(&t->req, PMAP_PROG);
	xdr_put_u32(&t->req, 2);
	xdr_put_u32(&t->req, 0);
	xdr_put_u32(&t->req, AUTH_SYS_FLAVOR);
	xdr_put_opaque(&t->req, body, 401);
	xdr_put_u32(&t->req, 0);
	xdr_put_u32(&t->req, 0);
	assert_int_equal(tu_send(t, TU_LO_UNPRIV), 1);
	tu_expect_auth_error(t, AUTH_BADCRED_STAT);
}

static void
test_routing_errors(void **state)
{
	static const struct {
		uint32_t prog, vers, proc, want;
	} v[] = {
		{ 5, 2, 0, ACC_PROG_UNAVAIL },
		{ 100003, 3, 0, ACC_PROG_UNAVAIL },
		{ 0xffffffffu, 4, 0, ACC_PROG_UNAVAIL },
		{ PMAP_PROG, 0, 0, ACC_PROG_MISMATCH },
		{ PMAP_PROG, 1, 0, ACC_PROG_MISMATCH },
		{ PMAP_PROG, 5, 0, ACC_PROG_MISMATCH },
		{ PMAP_PROG, 0xffffffffu, 3, ACC_PROG_MISMATCH },
		{ PMAP_PROG, 2, 6, ACC_PROC_UNAVAIL },
		{ PMAP_PROG, 2, 12, ACC_PROC_UNAVAIL },
		{ PMAP_PROG, 2, 0xffffffffu, ACC_PROC_UNAVAIL },
		{ PMAP_PROG, 3, 9, ACC_PROC_UNAVAIL },
		{ PMAP_PROG, 3, 10, ACC_PROC_UNAVAIL },
		{ PMAP_PROG, 3, 11, ACC_PROC_UNAVAIL },
		{ PMAP_PROG, 3, 12, ACC_PROC_UNAVAIL },
		{ PMAP_PROG, 4, 13, ACC_PROC_UNAVAIL },
		{ PMAP_PROG, 4, 0x80000000u, ACC_PROC_UNAVAIL },
	};
	struct tu	*t = *state;
	struct stats	 before = t->stats;
	size_t		 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		xdr_enc_reset(&t->req);
		rpcmsg_encode_call(&t->req, TU_XID, v[i].prog, v[i].vers,
		    v[i].proc, NULL);
		assert_int_equal(tu_send(t, TU_LO_UNPRIV), 1);
		if (v[i].want == ACC_PROG_MISMATCH)
			tu_expect_prog_mismatch(t, 2, 4);
		else
			tu_expect_accept(t, v[i].want);
	}
	/* none of these is a call of one of our procedures */
	assert_memory_equal(before.v, t->stats.v, sizeof(before.v));
}

static void
test_null_and_counts(void **state)
{
	struct tu	*t = *state;
	struct xdr_dec	 d;
	uint32_t	 vers, extra;

	for (vers = 2; vers <= 4; vers++) {
		tu_call(t, vers, 0);
		assert_int_equal(tu_send(t, TU_REMOTE), 1);
		tu_success(t, &d);
		assert_int_equal(d.left, 0);
		assert_int_equal(t->stats.v[vers - 2].info[0], 1);
		/* bytes after the (empty) arguments */
		for (extra = 1; extra <= 4; extra++) {
			tu_call(t, vers, 0);
			assert_int_equal(tu_send_ex(t, TU_LO_UNPRIV, 0, extra,
			    TU_REPLY_MAX), 1);
			tu_expect_accept(t, ACC_GARBAGE_ARGS);
		}
		assert_int_equal(t->stats.v[vers - 2].info[0], 5);
	}
	assert_int_equal(t->stats.garbage, 12);
	/* other procedures land in their own counters */
	tu_call(t, 4, RPCBPROC_GETTIME);
	tu_send(t, TU_LO_UNPRIV);
	tu_call(t, 4, RPCBPROC_GETTIME);
	tu_send(t, TU_LO_UNPRIV);
	tu_call(t, 3, RPCBPROC_GETTIME);
	tu_send(t, TU_LO_UNPRIV);
	assert_int_equal(t->stats.v[2].info[RPCBPROC_GETTIME], 2);
	assert_int_equal(t->stats.v[1].info[RPCBPROC_GETTIME], 1);
	assert_int_equal(t->stats.v[0].info[RPCBPROC_GETTIME], 0);
}

static void
test_fwd_denied(void **state)
{
	static const struct {
		uint32_t prog, proc;
		int	 denied;
	} v[] = {
		{ 100000, 0, 0 }, { 100000, 1, 1 }, { 100000, 3, 1 },
		{ 100000, 5, 1 },
		{ 100003, 0, 0 }, { 100003, 1, 1 }, { 100003, 6, 1 },
		{ 100005, 0, 0 }, { 100005, 1, 1 }, { 100005, 2, 0 },
		{ 100005, 3, 1 }, { 100005, 4, 0 }, { 100005, 5, 0 },
		{ 100007, 0, 0 }, { 100007, 1, 0 }, { 100007, 2, 1 },
		{ 100007, 3, 0 },
		{ 100009, 0, 0 }, { 100009, 1, 1 },
		{ 100011, 0, 0 }, { 100011, 1, 1 }, { 100011, 2, 1 },
		{ 100004, 0, 0 }, { 100004, 1, 0 }, { 100004, 2, 0 },
		{ 100004, 3, 1 }, { 100004, 4, 1 }, { 100004, 5, 1 },
		{ 100004, 6, 0 }, { 100004, 7, 0 }, { 100004, 8, 1 },
		{ 100004, 9, 0 }, { 100004, 11, 0 },
		{ 100021, 0, 0 }, { 100021, 1, 0 }, { 100024, 1, 0 },
		{ 300000, 7, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (fwd_denied(v[i].prog, 1, v[i].proc) != v[i].denied)
			fail_msg("prog %u proc %u", v[i].prog, v[i].proc);
}

enum want { W_SILENT, W_ACCEPT, W_MISMATCH, W_DENIED, W_FWD };

struct rmt_vec {
	const char	*name;
	uint32_t	 vers, proc;
	enum tu_who	 who;
	uint32_t	 prog, pvers, pproc;
	int		 args;		/* 0: no arguments at all, 2: 9000 bytes */
	enum want	 off, on;	/* forwarding off / on */
	uint32_t	 stat, low, high;
};

#define CALLIT2	2, PMAPPROC_CALLIT
#define CALLIT3	3, RPCBPROC_CALLIT
#define BCAST	4, RPCBPROC_BCAST
#define INDIR	4, RPCBPROC_INDIRECT

static const struct rmt_vec rmt_vecs[] = {
	{ "callit2 reg", CALLIT2, TU_LO_UNPRIV, P1, 1, 0, 1, W_SILENT, W_FWD, 0, 0, 0 },
	{ "callit3 reg", CALLIT3, TU_LAN, P1, 1, 0, 1, W_SILENT, W_FWD, 0, 0, 0 },
	{ "bcast reg", BCAST, TU_REMOTE, P1, 1, 7, 1, W_SILENT, W_FWD, 0, 0, 0 },
	{ "indirect reg", INDIR, TU_LO_UNPRIV, P1, 1, 0, 1, W_ACCEPT, W_FWD, ACC_SYSTEM_ERR, 0, 0 },
	{ "indirect reg udp6", INDIR, TU_LO6, P1, 1, 0, 1, W_ACCEPT, W_FWD, ACC_SYSTEM_ERR, 0, 0 },
	{ "callit2 unreg", CALLIT2, TU_LO_UNPRIV, 300001, 1, 0, 1, W_SILENT, W_SILENT, 0, 0, 0 },
	{ "bcast unreg", BCAST, TU_LO_UNPRIV, 300001, 1, 0, 1, W_SILENT, W_SILENT, 0, 0, 0 },
	{ "indirect unreg", INDIR, TU_LO_UNPRIV, 300001, 1, 0, 1, W_ACCEPT, W_ACCEPT, ACC_PROG_UNAVAIL, 0, 0 },
	{ "indirect vers", INDIR, TU_LO_UNPRIV, P1, 2, 0, 1, W_MISMATCH, W_MISMATCH, 0, 1, 1 },
	{ "indirect self v1", INDIR, TU_LO_UNPRIV, PMAP_PROG, 1, 0, 1, W_MISMATCH, W_MISMATCH, 0, 2, 4 },
	{ "callit2 self v1", CALLIT2, TU_LO_UNPRIV, PMAP_PROG, 1, 0, 1, W_SILENT, W_SILENT, 0, 0, 0 },
	{ "indirect nfs", INDIR, TU_LO_UNPRIV, 100003, 3, 1, 1, W_DENIED, W_DENIED, 0, 0, 0 },
	{ "callit2 nfs", CALLIT2, TU_REMOTE, 100003, 3, 1, 1, W_DENIED, W_DENIED, 0, 0, 0 },
	{ "bcast self set", BCAST, TU_LO_UNPRIV, PMAP_PROG, 2, 1, 1, W_DENIED, W_DENIED, 0, 0, 0 },
	{ "callit3 ypbind", CALLIT3, TU_LO_UNPRIV, 100007, 2, 2, 1, W_DENIED, W_DENIED, 0, 0, 0 },
	{ "indirect tcp", INDIR, TU_LO_TCP_UNPRIV, P1, 1, 0, 1, W_SILENT, W_SILENT, 0, 0, 0 },
	{ "indirect tcp nfs", INDIR, TU_LO_TCP_UNPRIV, 100003, 3, 1, 1, W_SILENT, W_SILENT, 0, 0, 0 },
	{ "callit2 tcp", CALLIT2, TU_LO_TCP_UNPRIV, P1, 1, 0, 1, W_SILENT, W_SILENT, 0, 0, 0 },
	{ "indirect local", INDIR, TU_LOCAL_ROOT, P1, 1, 0, 1, W_SILENT, W_SILENT, 0, 0, 0 },
	{ "callit3 local", CALLIT3, TU_LOCAL_ROOT, P1, 1, 0, 1, W_SILENT, W_SILENT, 0, 0, 0 },
	{ "indirect no args", INDIR, TU_LO_UNPRIV, P1, 1, 0, 0, W_ACCEPT, W_ACCEPT, ACC_GARBAGE_ARGS, 0, 0 },
	{ "callit2 no args", CALLIT2, TU_LO_UNPRIV, P1, 1, 0, 0, W_SILENT, W_SILENT, 0, 0, 0 },
	{ "indirect args too long", INDIR, TU_LO_UNPRIV, P1, 1, 0, 2, W_ACCEPT, W_ACCEPT, ACC_GARBAGE_ARGS, 0, 0 },
	{ "bcast args too long", BCAST, TU_LO_UNPRIV, P1, 1, 0, 2, W_SILENT, W_SILENT, 0, 0, 0 },
};

static void
put_rmtargs(struct tu *t, const struct rmt_vec *v, uint32_t argslen)
{
	static uint8_t args[PM_REQUEST_MAX];
	size_t	i;

	for (i = 0; i < sizeof(args); i++)
		args[i] = (uint8_t)i;
	xdr_put_u32(&t->req, v->prog);
	xdr_put_u32(&t->req, v->pvers);
	xdr_put_u32(&t->req, v->pproc);
	xdr_put_opaque(&t->req, args, argslen);
}

static void
run_rmt(struct tu *t, int on)
{
	const struct rmt_vec *v;
	struct caller	 c;
	enum want	 w;
	size_t		 i;
	int		 calls;

	t->cfg.forwarding = on;
	for (i = 0; i < sizeof(rmt_vecs) / sizeof(rmt_vecs[0]); i++) {
		v = &rmt_vecs[i];
		w = on ? v->on : v->off;
		calls = t->fwd_calls;
		tu_call(t, v->vers, v->proc);
		if (v->args == 1)
			put_rmtargs(t, v, 12);
		else if (v->args == 2) {
			/* a declared length over PM_ARGS_MAX, body present */
			put_rmtargs(t, v, PM_ARGS_MAX + 4);
		}
		tu_send(t, v->who);
		switch (w) {
		case W_SILENT:
		case W_FWD:
			if (t->sent)
				fail_msg("%s (forwarding %d): a reply", v->name, on);
			break;
		case W_ACCEPT:
			tu_expect_accept(t, v->stat);
			break;
		case W_MISMATCH:
			tu_expect_prog_mismatch(t, v->low, v->high);
			break;
		case W_DENIED:
			tu_expect_auth_error(t, AUTH_TOOWEAK_STAT);
			break;
		}
		if (t->fwd_calls != calls + (w == W_FWD))
			fail_msg("%s (forwarding %d): hook called %d times",
			    v->name, on, t->fwd_calls - calls);
		if (w == W_FWD) {
			const struct fwd_request *fr = &t->fwd_last;

			assert_int_equal(fr->xid, TU_XID);
			assert_int_equal(fr->vers, v->vers);
			assert_int_equal(fr->proc, v->proc);
			assert_int_equal(fr->prog, v->prog);
			assert_int_equal(fr->pvers, v->pvers);
			assert_int_equal(fr->pproc, v->pproc);
			assert_int_equal(fr->argslen, 12);
			assert_int_equal(fr->args[0], 0);
			assert_int_equal(fr->args[11], 11);
			assert_int_equal(fr->cred.flavor, AUTH_NONE_FLAVOR);
			assert_non_null(fr->target);
			assert_int_equal(fr->target->prog, v->prog);
			assert_int_equal(fr->target->vers, v->pvers);
			assert_string_equal(fr->target->netid,
			    v->who == TU_LO6 ? "udp6" : "udp");
			c = tu_caller(v->who);
			assert_int_equal(t->fwd_caller.xprt, c.xprt);
			assert_memory_equal(&t->fwd_caller.peer, &c.peer,
			    sizeof(c.peer));
		}
	}
}

static void
test_rmtcall_off(void **state)
{
	struct tu *t = *state;

	run_rmt(t, 0);
	assert_int_equal(t->fwd_calls, 0);
	/* forwarding on, but no hook: as off */
	t->ctx.fwd = NULL;
	t->cfg.forwarding = 1;
	tu_call(t, INDIR);
	put_rmtargs(t, &rmt_vecs[3], 12);
	tu_send(t, TU_LO_UNPRIV);
	tu_expect_accept(t, ACC_SYSTEM_ERR);
	/* the failures were counted as remote calls (v4, indirect) */
	assert_true(t->stats.v[2].nrmt >= 1);
	assert_int_equal(t->stats.v[2].rmt[0].success, 0);
	assert_true(t->stats.v[2].rmt[0].failure >= 1);
}

static void
test_rmtcall_on(void **state)
{
	struct tu	*t = *state;
	struct stats_vers *v4 = &t->stats.v[2];
	unsigned	 i;
	int		 found = 0;

	t->fwd_ret = 0;
	run_rmt(t, 1);
	assert_int_equal(t->fwd_calls, 5);
	for (i = 0; i < v4->nrmt; i++)
		if (v4->rmt[i].prog == P1 && v4->rmt[i].vers == 1 &&
		    v4->rmt[i].proc == 0 &&
		    strcmp(v4->rmt[i].netid, "udp") == 0) {
			assert_int_equal(v4->rmt[i].success, 1);
			assert_int_equal(v4->rmt[i].indirect, 1);
			found = 1;
		}
	assert_true(found);
	/* the hook refuses: INDIRECT says SYSTEM_ERR, CALLIT stays quiet */
	t->fwd_ret = -1;
	tu_call(t, INDIR);
	put_rmtargs(t, &rmt_vecs[3], 12);
	tu_send(t, TU_LO_UNPRIV);
	tu_expect_accept(t, ACC_SYSTEM_ERR);
	tu_call(t, CALLIT2);
	put_rmtargs(t, &rmt_vecs[0], 12);
	assert_int_equal(tu_send(t, TU_LO_UNPRIV), 0);
	assert_int_equal(t->fwd_calls, 7);
	/* the shell's own deny list (-2): AUTH_TOOWEAK, CALLIT included */
	t->fwd_ret = -2;
	tu_call(t, INDIR);
	put_rmtargs(t, &rmt_vecs[3], 12);
	tu_send(t, TU_LO_UNPRIV);
	tu_expect_auth_error(t, AUTH_TOOWEAK_STAT);
	tu_call(t, CALLIT2);
	put_rmtargs(t, &rmt_vecs[0], 12);
	tu_send(t, TU_LO_UNPRIV);
	tu_expect_auth_error(t, AUTH_TOOWEAK_STAT);
	assert_int_equal(t->fwd_calls, 9);
	/* trailing bytes after the arguments: garbage, never forwarded */
	t->fwd_ret = 0;
	tu_call(t, INDIR);
	put_rmtargs(t, &rmt_vecs[3], 12);
	tu_send_ex(t, TU_LO_UNPRIV, 0, 4, TU_REPLY_MAX);
	tu_expect_accept(t, ACC_GARBAGE_ARGS);
	assert_int_equal(t->fwd_calls, 9);
}

/* A reply that does not fit the transport's limit becomes SYSTEM_ERR. */
static void
test_reply_too_big(void **state)
{
	struct tu	*t = *state;
	char		 ua[32];
	uint32_t	 i, vers;
	struct xdr_dec	 d;

	for (i = 0; i < 600; i++) {
		snprintf(ua, sizeof(ua), "0.0.0.0.%u.%u", 40 + i / 256, i % 256);
		assert_int_equal(table_set(t->table, 400000 + i, 1,
		    i % 2 ? "tcp" : "udp", ua, OWNER_SUPERUSER, 0, 0),
		    TABLE_ADDED);
	}
	for (vers = 2; vers <= 4; vers++) {
		tu_call(t, vers, vers == 2 ? PMAPPROC_DUMP : RPCBPROC_DUMP);
		assert_int_equal(tu_send_ex(t, TU_LO_UNPRIV, 0, 0, PM_UDP_MAX), 1);
		tu_expect_accept(t, ACC_SYSTEM_ERR);
		/* over a stream the whole list goes */
		tu_call(t, vers, vers == 2 ? PMAPPROC_DUMP : RPCBPROC_DUMP);
		assert_int_equal(tu_send_ex(t, TU_LO_TCP_UNPRIV, 0, 0,
		    PM_REPLY_MAX), 1);
		tu_success(t, &d);
		assert_true(t->rep.len > PM_UDP_MAX);
	}
	/* room for not even the error: nothing to send */
	tu_call(t, 4, RPCBPROC_DUMP);
	assert_int_equal(tu_send_ex(t, TU_LO_UNPRIV, 0, 0, 16), 0);
}

/* ctx->changed tells the shell when to persist. */
static void
test_changed(void **state)
{
	struct tu *t = *state;

	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 3, RPCBPROC_SET,
	    500000, 1, "udp", "0.0.0.0.20.1"), 1);
	assert_int_equal(t->ctx.changed, 1);
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 3, RPCBPROC_SET,
	    500000, 1, "udp", "0.0.0.0.20.1"), 1);
	assert_int_equal(t->ctx.changed, 0);
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 3, RPCBPROC_SET,
	    500000, 1, "udp", "0.0.0.0.20.2"), 0);
	assert_int_equal(t->ctx.changed, 0);
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 3, RPCBPROC_UNSET,
	    500001, 1, "", ""), 1);
	assert_int_equal(t->ctx.changed, 0);
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 3, RPCBPROC_UNSET,
	    500000, 1, "", ""), 1);
	assert_int_equal(t->ctx.changed, 1);
	tu_call(t, 2, 0);
	tu_send(t, TU_LO_UNPRIV);
	assert_int_equal(t->ctx.changed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xprt),
		cmocka_unit_test(test_caller),
		cmocka_unit_test(test_fwd_denied),
		cmocka_unit_test_setup_teardown(test_not_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rpcvers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_credentials, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cred_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_routing_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_and_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rmtcall_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rmtcall_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
