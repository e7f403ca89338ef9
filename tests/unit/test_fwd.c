/*
 * test_fwd.c - forwarding of CALLIT, BCAST and INDIRECT: the forwarded
 * call decoded word by word (the caller's AUTH_SYS credential carried
 * along, the arguments byte for byte), where calls go (this host only),
 * replies matched by xid and source, what each kind of call answers for
 * every target reply, the anti-amplification limit, deadlines, the table
 * full, retransmissions, the deny list, and 10,000 cycles leaving the
 * table empty and memory flat.
 *
 * Target replies are written out word by word here, and our replies to
 * the caller are read back word by word, not with the encoders under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "dispatch.h"
#include "fwd.h"
#include "pmap_prot.h"
#include "procs.h"
#include "rpcmsg.h"
#include "table.h"
#include "uaddr.h"
#include "xdr.h"

#define NV(a)	(sizeof(a) / sizeof((a)[0]))
#define PROG	300000u
#define XID	0x11223344u
#define SA(ss)	((const struct sockaddr *)&(ss))

static struct sockaddr_storage
mkaddr(const char *text, int port)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
	} else
		fail_msg("test address '%s' does not parse", text);
	return ss;
}

/* ---- a small world: a table, our interfaces, a caller ---- */

struct world {
	struct table		*t;
	struct iflist		 ifs;
	struct ifent		 ife[2];
	struct caller		 caller;
	uint8_t			 credbody[64];
	size_t			 credlen;
	struct fwd		*f;
	uint8_t			 msgbuf[FWD_MSG_MAX];
	struct xdr_enc		 msg;
	uint8_t			 replybuf[PM_UDP_MAX];
	struct xdr_enc		 reply;
};

static const struct table_entry *
reg(struct world *w, uint32_t vers, const char *netid, const char *uaddr)
{
	const struct table_entry *te;

	assert_int_equal(table_set(w->t, PROG, vers, netid, uaddr,
	    OWNER_SUPERUSER, 0, 0), TABLE_ADDED);
	te = table_find(w->t, PROG, vers, netid);
	assert_non_null(te);
	return te;
}

static int
setup(void **state)
{
	struct world	*w;
	struct xdr_enc	 e;
	struct fwd_cfg	 cfg = { 0, 500, 0x5eed0000u };

	w = calloc(1, sizeof(*w));
	assert_non_null(w);
	w->t = table_new(1000, 0);
	assert_non_null(w->t);
	/* one interface, 10.9.9.1/24, plus loopback */
	w->ife[0].addr = mkaddr("10.9.9.1", 0);
	w->ife[0].mask = mkaddr("255.255.255.0", 0);
	w->ife[0].up = 1;
	w->ife[1].addr = mkaddr("127.0.0.1", 0);
	w->ife[1].mask = mkaddr("255.0.0.0", 0);
	w->ife[1].up = 1;
	w->ife[1].loopback = 1;
	w->ifs.n = 2;
	w->ifs.v = w->ife;
	/* a remote caller on UDP */
	w->caller.xprt = XPRT_UDP;
	w->caller.peer = mkaddr("10.9.9.7", 700);
	w->caller.peerlen = sizeof(struct sockaddr_in);
	/* AUTH_SYS: stamp, "client", uid 1000, gid 100, gids { 100, 27 } */
	xdr_enc_init(&e, w->credbody, sizeof(w->credbody));
	xdr_put_u32(&e, 0x01020304);
	xdr_put_string(&e, "client");
	xdr_put_u32(&e, 1000);
	xdr_put_u32(&e, 100);
	xdr_put_u32(&e, 2);
	xdr_put_u32(&e, 100);
	xdr_put_u32(&e, 27);
	assert_false(e.err);
	w->credlen = e.len;
	assert_non_null(w->f = fwd_new(&cfg));
	xdr_enc_init(&w->msg, w->msgbuf, sizeof(w->msgbuf));
	xdr_enc_init(&w->reply, w->replybuf, sizeof(w->replybuf));
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	fwd_free(w->f);
	table_free(w->t);
	free(w);
	return 0;
}

static struct fwd_request
mkreq(struct world *w, uint32_t vers, uint32_t proc,
    const struct table_entry *te, const void *args, uint32_t argslen)
{
	struct fwd_request r;

	memset(&r, 0, sizeof(r));
	r.xid = XID;
	r.vers = vers;
	r.proc = proc;
	r.prog = PROG;
	r.pvers = te != NULL ? te->vers : 1;
	r.pproc = 7;
	r.args = args;
	r.argslen = argslen;
	r.cred.flavor = AUTH_SYS_FLAVOR;
	r.cred.len = (uint32_t)w->credlen;
	r.cred.body = w->credbody;
	r.target = te;
	return r;
}

static enum fwd_status
submit(struct world *w, const struct fwd_request *r, size_t reply_max,
    uint64_t now, struct sockaddr_storage *dest)
{
	struct fwd_origin	o;
	socklen_t		dlen = 0;
	static const char	ctx[] = "listener 3, local 10.9.9.1";
	enum fwd_status		st;

	memset(&o, 0, sizeof(o));
	o.caller = &w->caller;
	o.ctx = ctx;
	o.ctxlen = sizeof(ctx);
	o.reply_max = reply_max;
	o.ifs = &w->ifs;
	memset(dest, 0, sizeof(*dest));
	st = fwd_submit(w->f, &o, r, now, &w->msg, dest, &dlen);
	if (st == FWD_OK)
		assert_int_equal(dlen, dest->ss_family == AF_INET ?
		    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	return st;
}

/* The xid of the forwarded call in w->msg. */
static uint32_t
msg_xid(const struct world *w)
{
	struct xdr_dec	d;
	uint32_t	xid;

	xdr_dec_init(&d, w->msg.buf, w->msg.len);
	assert_int_equal(xdr_get_u32(&d, &xid), 0);
	return xid;
}

/* A target's reply, word by word: accepted with stat, then results. */
static size_t
target_reply(uint8_t *buf, size_t cap, uint32_t xid, uint32_t reply_stat,
    uint32_t stat, const uint32_t *extra, size_t nextra,
    const void *results, size_t rlen)
{
	struct xdr_enc	e;
	size_t		i;

	xdr_enc_init(&e, buf, cap);
	xdr_put_u32(&e, xid);
	xdr_put_u32(&e, RPC_REPLY);
	xdr_put_u32(&e, reply_stat);
	if (reply_stat == MSG_ACCEPTED) {
		xdr_put_u32(&e, AUTH_NONE_FLAVOR);
		xdr_put_u32(&e, 0);
	}
	xdr_put_u32(&e, stat);
	for (i = 0; i < nextra; i++)
		xdr_put_u32(&e, extra[i]);
	if (rlen > 0)
		memcpy(xdr_reserve(&e, rlen), results, rlen);
	assert_false(e.err);
	return e.len;
}

/* Read our reply's accepted header: returns the accept_stat. */
static uint32_t
our_reply_head(struct xdr_dec *d, uint32_t want_xid)
{
	uint32_t	w[6];
	size_t		i;

	for (i = 0; i < 6; i++)
		assert_int_equal(xdr_get_u32(d, &w[i]), 0);
	assert_int_equal(w[0], want_xid);
	assert_int_equal(w[1], RPC_REPLY);
	assert_int_equal(w[2], MSG_ACCEPTED);
	assert_int_equal(w[3], AUTH_NONE_FLAVOR);
	assert_int_equal(w[4], 0);
	return w[5];
}

/* ---- the forwarded call ---- */

static void
test_call_bytes(void **state)
{
	static const uint8_t args[] = "abcdefgh";	/* 8 bytes + NUL */
	struct world	*w = *state;
	const struct table_entry *te;
	struct fwd_request r;
	struct sockaddr_storage dest, want = mkaddr("127.0.0.1", 0x401);
	struct rpc_call	 call;
	struct xdr_dec	 d;
	struct fwd_stats st;

	te = reg(w, 1, "udp", "0.0.0.0.4.1");
	r = mkreq(w, PMAP_VERS, PMAPPROC_CALLIT, te, args, 8);
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 1000, &dest), FWD_OK);
	/* to the loopback address, the registered port */
	assert_int_equal(dest.ss_family, AF_INET);
	assert_memory_equal(&((struct sockaddr_in *)&dest)->sin_addr,
	    &((struct sockaddr_in *)&want)->sin_addr, 4);
	assert_int_equal(sockaddr_port(SA(dest)), 0x401);

	xdr_dec_init(&d, w->msg.buf, w->msg.len);
	assert_int_equal(rpcmsg_decode_call(&d, &call), RPCMSG_OK);
	assert_int_not_equal(call.xid, XID);	/* a new xid of ours */
	assert_int_equal(call.rpcvers, 2);
	assert_int_equal(call.prog, PROG);
	assert_int_equal(call.vers, 1);
	assert_int_equal(call.proc, 7);
	/* the caller's AUTH_SYS credential, byte for byte */
	assert_int_equal(call.cred.flavor, AUTH_SYS_FLAVOR);
	assert_int_equal(call.cred.len, w->credlen);
	assert_memory_equal(call.cred.body, w->credbody, w->credlen);
	assert_int_equal(call.verf.flavor, AUTH_NONE_FLAVOR);
	assert_int_equal(call.verf.len, 0);
	/* then exactly the arguments */
	assert_int_equal(d.left, 8);
	assert_memory_equal(d.p, args, 8);
	assert_int_equal(w->msg.len, 6 * 4 + 8 + w->credlen + 8 + 8);

	/* AUTH_NONE goes along as AUTH_NONE; odd-length arguments stay raw */
	r = mkreq(w, RPCBVERS_3, RPCBPROC_CALLIT, te, args, 5);
	r.xid = XID + 1;
	r.cred.flavor = AUTH_NONE_FLAVOR;
	r.cred.len = 0;
	r.cred.body = NULL;
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 1000, &dest), FWD_OK);
	xdr_dec_init(&d, w->msg.buf, w->msg.len);
	assert_int_equal(rpcmsg_decode_call(&d, &call), RPCMSG_OK);
	assert_int_equal(call.cred.flavor, AUTH_NONE_FLAVOR);
	assert_int_equal(call.cred.len, 0);
	assert_int_equal(d.left, 5);
	assert_memory_equal(d.p, args, 5);

	fwd_stats(w->f, &st);
	assert_int_equal(st.submitted, 2);
	assert_int_equal(st.inflight, 2);
}

/* The largest call: 400-byte credential and PM_ARGS_MAX of arguments. */
static void
test_call_largest(void **state)
{
	struct world	*w = *state;
	const struct table_entry *te;
	struct fwd_request r;
	struct sockaddr_storage dest;
	struct rpc_call	 call;
	struct xdr_dec	 d;
	uint8_t		*args, cred[RPC_AUTH_MAX];

	te = reg(w, 1, "udp", "0.0.0.0.4.1");
	assert_non_null(args = malloc(PM_ARGS_MAX + 1));
	memset(args, 0x5a, PM_ARGS_MAX + 1);
	memset(cred, 0x33, sizeof(cred));
	r = mkreq(w, RPCBVERS_4, RPCBPROC_INDIRECT, te, args, PM_ARGS_MAX);
	r.cred.len = RPC_AUTH_MAX;
	r.cred.body = cred;
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 0, &dest), FWD_OK);
	assert_int_equal(w->msg.len, FWD_MSG_MAX);
	xdr_dec_init(&d, w->msg.buf, w->msg.len);
	assert_int_equal(rpcmsg_decode_call(&d, &call), RPCMSG_OK);
	assert_int_equal(d.left, PM_ARGS_MAX);
	/* one byte more is not a remote call we take */
	r.argslen = PM_ARGS_MAX + 1;
	r.xid++;
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 0, &dest), FWD_ERR_CALL);
	free(args);
}

static void
test_refusals(void **state)
{
	static const uint32_t flavors[] = { 2, 3, 6, 0x7fffffff };
	struct world	*w = *state;
	const struct table_entry *te, *tcp;
	struct fwd_request r;
	struct sockaddr_storage dest;
	struct fwd_origin o;
	struct fwd_stats st;
	struct xdr_enc	 small;
	uint8_t		 sbuf[32], big[FWD_CTX_MAX + 1];
	socklen_t	 dlen;
	size_t		 i;

	te = reg(w, 1, "udp", "0.0.0.0.4.1");
	tcp = reg(w, 1, "tcp", "0.0.0.0.4.9");
	/* credential flavors other than AUTH_NONE and AUTH_SYS */
	for (i = 0; i < NV(flavors); i++) {
		r = mkreq(w, PMAP_VERS, PMAPPROC_CALLIT, te, "x", 1);
		r.cred.flavor = flavors[i];
		assert_int_equal(submit(w, &r, PM_UDP_MAX, 0, &dest),
		    FWD_ERR_FLAVOR);
		assert_int_equal(w->msg.len, 0);
	}
	/* not a remote-call procedure */
	r = mkreq(w, PMAP_VERS, PMAPPROC_GETPORT, te, NULL, 0);
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 0, &dest), FWD_ERR_CALL);
	r = mkreq(w, RPCBVERS_3, RPCBPROC_INDIRECT, te, NULL, 0);
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 0, &dest), FWD_ERR_CALL);
	r = mkreq(w, RPCBVERS_4, RPCBPROC_BCAST, NULL, NULL, 0);
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 0, &dest), FWD_ERR_CALL);
	/* a TCP registration is not a UDP target */
	r = mkreq(w, RPCBVERS_4, RPCBPROC_BCAST, tcp, NULL, 0);
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 0, &dest), FWD_ERR_TARGET);
	/* reply info too large */
	memset(&o, 0, sizeof(o));
	o.caller = &w->caller;
	o.ctx = big;
	o.ctxlen = sizeof(big);
	o.reply_max = PM_UDP_MAX;
	r = mkreq(w, RPCBVERS_4, RPCBPROC_BCAST, te, NULL, 0);
	assert_int_equal(fwd_submit(w->f, &o, &r, 0, &w->msg, &dest, &dlen),
	    FWD_ERR_SPACE);
	/* the call does not fit the shell's buffer: no slot is taken */
	xdr_enc_init(&small, sbuf, sizeof(sbuf));
	o.ctxlen = 0;
	o.ctx = NULL;
	assert_int_equal(fwd_submit(w->f, &o, &r, 0, &small, &dest, &dlen),
	    FWD_ERR_SPACE);
	assert_int_equal(fwd_submit(NULL, &o, &r, 0, &small, &dest, &dlen),
	    FWD_ERR_CALL);
	fwd_stats(w->f, &st);
	assert_int_equal(st.inflight, 0);
	assert_int_equal(st.submitted, 0);
	assert_int_equal(st.refused, NV(flavors) + 6);
	assert_int_equal(fwd_next_deadline(w->f, &(uint64_t){ 0 }), 0);
}

/* Where calls go: this host only. */
static const struct tvec {
	const char	*netid, *uaddr;
	int		 ok;
	const char	*dest;
	int		 port;
} tvecs[] = {
	{ "udp",  "0.0.0.0.4.1",	1, "127.0.0.1", 1025 },
	{ "udp",  "127.0.0.2.4.2",	1, "127.0.0.2", 1026 },
	{ "udp",  "10.9.9.1.4.3",	1, "10.9.9.1", 1027 },	/* our interface */
	{ "udp",  "10.9.9.2.4.4",	0, NULL, 0 },		/* a neighbour */
	{ "udp",  "192.0.2.1.0.53",	0, NULL, 0 },		/* far away */
	{ "udp",  "0.0.0.0.0.0",	0, NULL, 0 },		/* no port */
	{ "udp6", "::.4.5",		1, "::1", 1029 },
	{ "udp6", "::1.4.6",		1, "::1", 1030 },
	{ "udp6", "::ffff:10.9.9.1.4.7", 1, "::ffff:10.9.9.1", 1031 },
	{ "udp6", "2001:db8::1.4.8",	0, NULL, 0 },
	{ "tcp6", "::.4.9",		0, NULL, 0 },
	{ "local", "/run/x.sock",	0, NULL, 0 },
};

static void
test_targets(void **state)
{
	struct world	*w = *state;
	const struct table_entry *te;
	struct fwd_request r;
	struct sockaddr_storage dest, want;
	size_t		 i;
	int		 st;

	for (i = 0; i < NV(tvecs); i++) {
		assert_int_equal(table_set(w->t, PROG, (uint32_t)i + 1,
		    tvecs[i].netid, tvecs[i].uaddr, OWNER_SUPERUSER, 0, 0),
		    TABLE_ADDED);
		te = table_find(w->t, PROG, (uint32_t)i + 1, tvecs[i].netid);
		assert_non_null(te);
		r = mkreq(w, RPCBVERS_4, RPCBPROC_INDIRECT, te, NULL, 0);
		r.xid = (uint32_t)i;
		st = submit(w, &r, PM_UDP_MAX, 0, &dest);
		if (!tvecs[i].ok) {
			if (st != FWD_ERR_TARGET)
				fail_msg("%s %s: %d, want FWD_ERR_TARGET",
				    tvecs[i].netid, tvecs[i].uaddr, st);
			continue;
		}
		if (st != FWD_OK)
			fail_msg("%s %s: %d", tvecs[i].netid, tvecs[i].uaddr, st);
		want = mkaddr(tvecs[i].dest, tvecs[i].port);
		assert_int_equal(dest.ss_family, want.ss_family);
		if (want.ss_family == AF_INET)
			assert_memory_equal(&((struct sockaddr_in *)&dest)->sin_addr,
			    &((struct sockaddr_in *)&want)->sin_addr, 4);
		else
			assert_memory_equal(
			    &((struct sockaddr_in6 *)&dest)->sin6_addr,
			    &((struct sockaddr_in6 *)&want)->sin6_addr, 16);
		assert_int_equal(sockaddr_port(SA(dest)), tvecs[i].port);
	}
}

/* ---- replies ---- */

/* Each kind of call, answered with success. */
static const struct svec {
	uint32_t	 vers, proc;
	const char	*maddr;		/* NULL: v2, a port */
} svecs[] = {
	{ PMAP_VERS,  PMAPPROC_CALLIT,	  NULL },
	{ RPCBVERS_3, RPCBPROC_CALLIT,	  "10.9.9.1.4.1" },
	{ RPCBVERS_4, RPCBPROC_BCAST,	  "10.9.9.1.4.1" },
	{ RPCBVERS_4, RPCBPROC_INDIRECT, "10.9.9.1.4.1" },
};

static void
test_reply_success(void **state)
{
	static const uint8_t results[] = { 'R', 'S', 'L', 'T', 0, 0, 0, 42, 9 };
	struct world	*w = *state;
	const struct table_entry *te;
	struct fwd_request r;
	struct sockaddr_storage dest;
	struct fwd_done	 done;
	struct fwd_stats st;
	struct xdr_dec	 d;
	const uint8_t	*body;
	uint8_t		 buf[256];
	char		 maddr[64];
	uint32_t	 port, blen;
	size_t		 i, n;

	te = reg(w, 1, "udp", "0.0.0.0.4.1");
	for (i = 0; i < NV(svecs); i++) {
		r = mkreq(w, svecs[i].vers, svecs[i].proc, te, "args", 4);
		r.xid = XID + (uint32_t)i;
		assert_int_equal(submit(w, &r, PM_UDP_MAX, 100, &dest), FWD_OK);
		n = target_reply(buf, sizeof(buf), msg_xid(w), MSG_ACCEPTED,
		    ACC_SUCCESS, NULL, 0, results, sizeof(results));
		memset(&done, 0xee, sizeof(done));
		assert_int_equal(fwd_reply(w->f, SA(dest), buf, n, 150, &w->reply,
		    &done), 1);
		/* who to answer, with what the shell left with the call */
		assert_int_equal(done.outcome, FWD_REPLIED);
		assert_memory_equal(&done.caller.peer, &w->caller.peer,
		    sizeof(struct sockaddr_in));
		assert_int_equal(done.caller.xprt, XPRT_UDP);
		assert_int_equal(done.ctxlen, sizeof("listener 3, local 10.9.9.1"));
		assert_string_equal((const char *)done.ctx,
		    "listener 3, local 10.9.9.1");
		assert_int_equal(done.xid, XID + i);
		assert_int_equal(done.vers, svecs[i].vers);
		assert_int_equal(done.proc, svecs[i].proc);
		assert_int_equal(done.prog, PROG);
		assert_int_equal(done.pproc, 7);
		/* the reply, word by word */
		xdr_dec_init(&d, w->reply.buf, w->reply.len);
		assert_int_equal(our_reply_head(&d, XID + (uint32_t)i),
		    ACC_SUCCESS);
		if (svecs[i].maddr == NULL) {
			assert_int_equal(xdr_get_u32(&d, &port), 0);
			assert_int_equal(port, 0x401);
		} else {
			assert_int_equal(xdr_get_string(&d, maddr, sizeof(maddr),
			    63, NULL), 0);
			assert_string_equal(maddr, svecs[i].maddr);
		}
		assert_int_equal(xdr_get_opaque(&d, &body, &blen, 1000), 0);
		assert_int_equal(blen, sizeof(results));
		assert_memory_equal(body, results, sizeof(results));
		assert_int_equal(d.left, 0);
	}
	fwd_stats(w->f, &st);
	assert_int_equal(st.replied, NV(svecs));
	assert_int_equal(st.inflight, 0);
	/* the same reply again answers nothing */
	assert_int_equal(fwd_reply(w->f, SA(dest), buf, n, 200, &w->reply,
	    &done), -1);
}

/* A reply counts only from the address the call went to, with its xid. */
static void
test_reply_matching(void **state)
{
	struct world	*w = *state;
	const struct table_entry *te;
	struct fwd_request r;
	struct sockaddr_storage dest, from;
	struct fwd_done	 done;
	struct fwd_stats st;
	uint8_t		 buf[128];
	uint32_t	 fxid;
	size_t		 n;

	te = reg(w, 1, "udp", "0.0.0.0.4.1");
	r = mkreq(w, RPCBVERS_4, RPCBPROC_INDIRECT, te, NULL, 0);
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 100, &dest), FWD_OK);
	fxid = msg_xid(w);
	n = target_reply(buf, sizeof(buf), fxid, MSG_ACCEPTED, ACC_SUCCESS,
	    NULL, 0, "ok!!", 4);
	/* another port, another address, the caller itself */
	from = mkaddr("127.0.0.1", 9999);
	assert_int_equal(fwd_reply(w->f, SA(from), buf, n, 110, &w->reply,
	    &done), -1);
	from = mkaddr("127.0.0.2", 0x401);
	assert_int_equal(fwd_reply(w->f, SA(from), buf, n, 110, &w->reply,
	    &done), -1);
	assert_int_equal(fwd_reply(w->f, SA(w->caller.peer), buf, n, 110,
	    &w->reply, &done), -1);
	assert_int_equal(fwd_reply(w->f, NULL, buf, n, 110, &w->reply, &done),
	    -1);
	/* the right source, the wrong xid */
	n = target_reply(buf, sizeof(buf), fxid + 1, MSG_ACCEPTED, ACC_SUCCESS,
	    NULL, 0, "ok!!", 4);
	assert_int_equal(fwd_reply(w->f, SA(dest), buf, n, 110, &w->reply,
	    &done), -1);
	/* the caller's own xid is not ours either */
	n = target_reply(buf, sizeof(buf), XID, MSG_ACCEPTED, ACC_SUCCESS,
	    NULL, 0, "ok!!", 4);
	assert_int_equal(fwd_reply(w->f, SA(dest), buf, n, 110, &w->reply,
	    &done), -1);
	/* too short to hold an xid */
	assert_int_equal(fwd_reply(w->f, SA(dest), buf, 3, 110, &w->reply,
	    &done), -1);
	fwd_stats(w->f, &st);
	assert_int_equal(st.stray, 7);
	assert_int_equal(st.inflight, 1);
	/* through a dual-stack socket the target is ::ffff:127.0.0.1 */
	n = target_reply(buf, sizeof(buf), fxid, MSG_ACCEPTED, ACC_SUCCESS,
	    NULL, 0, "ok!!", 4);
	from = mkaddr("::ffff:127.0.0.1", 0x401);
	assert_int_equal(fwd_reply(w->f, SA(from), buf, n, 110, &w->reply,
	    &done), 1);
	fwd_stats(w->f, &st);
	assert_int_equal(st.inflight, 0);
}

/* What every kind of call answers when the target says no. */
struct evec {
	const char	*name;
	uint32_t	 reply_stat, stat;
	uint32_t	 extra[2];
	size_t		 nextra;
	int		 garbage;	/* cut after the xid and type */
	uint32_t	 indirect_stat;	/* what INDIRECT passes on */
	uint32_t	 low, high;
};

static const struct evec evecs[] = {
	{ "PROG_UNAVAIL", MSG_ACCEPTED, ACC_PROG_UNAVAIL, { 0 }, 0, 0,
	    ACC_PROG_UNAVAIL, 0, 0 },
	{ "PROG_MISMATCH", MSG_ACCEPTED, ACC_PROG_MISMATCH, { 2, 5 }, 2, 0,
	    ACC_PROG_MISMATCH, 2, 5 },
	{ "PROC_UNAVAIL", MSG_ACCEPTED, ACC_PROC_UNAVAIL, { 0 }, 0, 0,
	    ACC_SYSTEM_ERR, 0, 0 },
	{ "GARBAGE_ARGS", MSG_ACCEPTED, ACC_GARBAGE_ARGS, { 0 }, 0, 0,
	    ACC_SYSTEM_ERR, 0, 0 },
	{ "SYSTEM_ERR", MSG_ACCEPTED, ACC_SYSTEM_ERR, { 0 }, 0, 0,
	    ACC_SYSTEM_ERR, 0, 0 },
	{ "AUTH_ERROR", MSG_DENIED, REJ_AUTH_ERROR, { AUTH_TOOWEAK_STAT }, 1,
	    0, ACC_SYSTEM_ERR, 0, 0 },
	{ "RPC_MISMATCH", MSG_DENIED, REJ_RPC_MISMATCH, { 2, 2 }, 2, 0,
	    ACC_SYSTEM_ERR, 0, 0 },
	{ "garbage", MSG_ACCEPTED, ACC_SUCCESS, { 0 }, 0, 1,
	    ACC_SYSTEM_ERR, 0, 0 },
};

static void
test_reply_errors(void **state)
{
	struct world	*w = *state;
	const struct table_entry *te;
	struct fwd_request r;
	struct sockaddr_storage dest;
	struct fwd_done	 done;
	struct fwd_stats st;
	struct xdr_dec	 d;
	uint8_t		 buf[128];
	uint32_t	 lo, hi, xid = XID;
	size_t		 i, k, n;
	int		 rc;

	te = reg(w, 1, "udp", "0.0.0.0.4.1");
	for (i = 0; i < NV(evecs); i++) {
		for (k = 0; k < NV(svecs); k++) {
			r = mkreq(w, svecs[k].vers, svecs[k].proc, te, NULL, 0);
			r.xid = ++xid;
			assert_int_equal(submit(w, &r, PM_UDP_MAX, 100, &dest),
			    FWD_OK);
			n = target_reply(buf, sizeof(buf), msg_xid(w),
			    evecs[i].reply_stat, evecs[i].stat, evecs[i].extra,
			    evecs[i].nextra, NULL, 0);
			if (evecs[i].garbage)
				n = 8;
			rc = fwd_reply(w->f, SA(dest), buf, n, 110, &w->reply,
			    &done);
			if (svecs[k].proc != RPCBPROC_INDIRECT ||
			    svecs[k].vers != RPCBVERS_4) {
				/* CALLIT and BCAST: silence */
				if (rc != 0)
					fail_msg("%s, v%u proc %u: %d, want 0",
					    evecs[i].name, svecs[k].vers,
					    svecs[k].proc, rc);
				continue;
			}
			if (rc != 1)
				fail_msg("%s, INDIRECT: %d, want 1",
				    evecs[i].name, rc);
			assert_int_equal(done.outcome, FWD_TARGET_ERROR);
			xdr_dec_init(&d, w->reply.buf, w->reply.len);
			assert_int_equal(our_reply_head(&d, xid),
			    evecs[i].indirect_stat);
			if (evecs[i].indirect_stat == ACC_PROG_MISMATCH) {
				assert_int_equal(xdr_get_u32(&d, &lo), 0);
				assert_int_equal(xdr_get_u32(&d, &hi), 0);
				assert_int_equal(lo, evecs[i].low);
				assert_int_equal(hi, evecs[i].high);
			}
			assert_int_equal(d.left, 0);
		}
	}
	fwd_stats(w->f, &st);
	assert_int_equal(st.inflight, 0);
	assert_int_equal(st.target_errors, NV(evecs) * NV(svecs));
	assert_int_equal(st.replied, 0);
}

/* No reply larger than reply_max: results that do not fit are an error. */
static void
test_reply_amplification(void **state)
{
	struct world	*w = *state;
	const struct table_entry *te;
	struct fwd_request r;
	struct sockaddr_storage dest;
	struct fwd_done	 done;
	struct fwd_stats st;
	struct xdr_dec	 d;
	uint8_t		 buf[512], results[200];
	size_t		 n, i;

	te = reg(w, 1, "udp", "0.0.0.0.4.1");
	memset(results, 0x77, sizeof(results));
	for (i = 0; i < NV(svecs); i++) {
		/* the original request was 60 bytes */
		r = mkreq(w, svecs[i].vers, svecs[i].proc, te, NULL, 0);
		r.xid = XID + (uint32_t)i;
		assert_int_equal(submit(w, &r, 60, 100, &dest), FWD_OK);
		n = target_reply(buf, sizeof(buf), msg_xid(w), MSG_ACCEPTED,
		    ACC_SUCCESS, NULL, 0, results, sizeof(results));
		if (svecs[i].proc != RPCBPROC_INDIRECT) {
			assert_int_equal(fwd_reply(w->f, SA(dest), buf, n, 110,
			    &w->reply, &done), 0);
			assert_int_equal(done.outcome, FWD_TOOBIG);
			continue;
		}
		assert_int_equal(fwd_reply(w->f, SA(dest), buf, n, 110,
		    &w->reply, &done), 1);
		assert_true(w->reply.len <= 60);
		xdr_dec_init(&d, w->reply.buf, w->reply.len);
		assert_int_equal(our_reply_head(&d, XID + (uint32_t)i),
		    ACC_SYSTEM_ERR);
	}
	/* results that just fit: 24 header + 4 port + 4 length + 28 = 60 */
	r = mkreq(w, PMAP_VERS, PMAPPROC_CALLIT, te, NULL, 0);
	r.xid = 77;
	assert_int_equal(submit(w, &r, 60, 100, &dest), FWD_OK);
	n = target_reply(buf, sizeof(buf), msg_xid(w), MSG_ACCEPTED,
	    ACC_SUCCESS, NULL, 0, results, 28);
	assert_int_equal(fwd_reply(w->f, SA(dest), buf, n, 110, &w->reply,
	    &done), 1);
	assert_int_equal(w->reply.len, 60);
	/* one byte more (padded to 32) does not */
	r.xid = 78;
	assert_int_equal(submit(w, &r, 60, 100, &dest), FWD_OK);
	n = target_reply(buf, sizeof(buf), msg_xid(w), MSG_ACCEPTED,
	    ACC_SUCCESS, NULL, 0, results, 29);
	assert_int_equal(fwd_reply(w->f, SA(dest), buf, n, 110, &w->reply,
	    &done), 0);
	/* an INDIRECT whose request was shorter than even SYSTEM_ERR: nothing */
	r = mkreq(w, RPCBVERS_4, RPCBPROC_INDIRECT, te, NULL, 0);
	r.xid = 79;
	assert_int_equal(submit(w, &r, 20, 100, &dest), FWD_OK);
	n = target_reply(buf, sizeof(buf), msg_xid(w), MSG_ACCEPTED,
	    ACC_SUCCESS, NULL, 0, results, 100);
	assert_int_equal(fwd_reply(w->f, SA(dest), buf, n, 110, &w->reply,
	    &done), 0);
	fwd_stats(w->f, &st);
	assert_int_equal(st.toobig, NV(svecs) + 2);
	assert_int_equal(st.inflight, 0);
}

/* ---- deadlines, retransmissions, a full table ---- */

static void
test_expiry(void **state)
{
	struct world	*w = *state;
	const struct table_entry *te;
	struct fwd_request r;
	struct sockaddr_storage dest;
	struct fwd_done	 done;
	struct fwd_stats st;
	struct xdr_dec	 d;
	uint8_t		 buf[64];
	uint64_t	 when = 0;
	uint32_t	 fxid_indirect;
	size_t		 n;

	te = reg(w, 1, "udp", "0.0.0.0.4.1");
	r = mkreq(w, RPCBVERS_3, RPCBPROC_CALLIT, te, NULL, 0);
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 1000, &dest), FWD_OK);
	r = mkreq(w, RPCBVERS_4, RPCBPROC_INDIRECT, te, NULL, 0);
	r.xid = XID + 1;
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 1200, &dest), FWD_OK);
	fxid_indirect = msg_xid(w);
	assert_int_equal(fwd_next_deadline(w->f, &when), 1);
	assert_int_equal(when, 1500);		/* timeout 500 ms */
	assert_int_equal(fwd_expire(w->f, 1499, &w->reply, &done), 0);
	fwd_stats(w->f, &st);
	assert_int_equal(st.inflight, 2);
	/* the CALLIT goes silently */
	assert_int_equal(fwd_expire(w->f, 1500, &w->reply, &done), 0);
	fwd_stats(w->f, &st);
	assert_int_equal(st.inflight, 1);
	assert_int_equal(st.timeouts, 1);
	assert_int_equal(fwd_next_deadline(w->f, &when), 1);
	assert_int_equal(when, 1700);
	/* the INDIRECT gets SYSTEM_ERR */
	assert_int_equal(fwd_expire(w->f, 1700, &w->reply, &done), 1);
	assert_int_equal(done.outcome, FWD_TIMEOUT);
	assert_int_equal(done.xid, XID + 1);
	xdr_dec_init(&d, w->reply.buf, w->reply.len);
	assert_int_equal(our_reply_head(&d, XID + 1), ACC_SYSTEM_ERR);
	assert_int_equal(d.left, 0);
	assert_int_equal(fwd_expire(w->f, 1700, &w->reply, &done), 0);
	assert_int_equal(fwd_next_deadline(w->f, &when), 0);
	fwd_stats(w->f, &st);
	assert_int_equal(st.inflight, 0);
	assert_int_equal(st.timeouts, 2);
	/* a late answer finds nothing */
	n = target_reply(buf, sizeof(buf), fxid_indirect, MSG_ACCEPTED,
	    ACC_SUCCESS, NULL, 0, NULL, 0);
	assert_int_equal(fwd_reply(w->f, SA(dest), buf, n, 1800, &w->reply,
	    &done), -1);
}

static void
test_retransmission(void **state)
{
	struct world	*w = *state;
	const struct table_entry *te;
	struct fwd_request r;
	struct sockaddr_storage dest;
	struct fwd_stats st;
	uint64_t	 when = 0;
	uint32_t	 fxid;

	te = reg(w, 1, "udp", "0.0.0.0.4.1");
	r = mkreq(w, PMAP_VERS, PMAPPROC_CALLIT, te, "abcd", 4);
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 1000, &dest), FWD_OK);
	fxid = msg_xid(w);
	/* the caller sends it again: same slot, same xid, later deadline */
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 1400, &dest), FWD_OK);
	assert_int_equal(msg_xid(w), fxid);
	fwd_stats(w->f, &st);
	assert_int_equal(st.inflight, 1);
	assert_int_equal(st.submitted, 1);
	assert_int_equal(st.retransmits, 1);
	assert_int_equal(fwd_next_deadline(w->f, &when), 1);
	assert_int_equal(when, 1900);
	/* another caller port with the same xid is another call */
	w->caller.peer = mkaddr("10.9.9.7", 701);
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 1400, &dest), FWD_OK);
	assert_int_not_equal(msg_xid(w), fxid);
	/* so is another procedure */
	r.pproc = 8;
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 1400, &dest), FWD_OK);
	fwd_stats(w->f, &st);
	assert_int_equal(st.inflight, 3);
	assert_int_equal(st.submitted, 3);
}

static void
test_table_full(void **state)
{
	struct world	*w = *state;
	struct fwd_cfg	 cfg = { 4, 1000, 1 };
	const struct table_entry *te;
	struct fwd_request r;
	struct sockaddr_storage dest;
	struct fwd_done	 done;
	struct fwd_stats st;
	uint8_t		 buf[64];
	uint32_t	 fxid[5], i;
	size_t		 n;

	fwd_free(w->f);
	assert_non_null(w->f = fwd_new(&cfg));
	te = reg(w, 1, "udp", "0.0.0.0.4.1");
	for (i = 0; i < 5; i++) {
		r = mkreq(w, PMAP_VERS, PMAPPROC_CALLIT, te, NULL, 0);
		r.xid = 100 + i;
		assert_int_equal(submit(w, &r, PM_UDP_MAX, 10 * i, &dest),
		    FWD_OK);
		fxid[i] = msg_xid(w);
	}
	fwd_stats(w->f, &st);
	assert_int_equal(st.slots, 4);
	assert_int_equal(st.inflight, 4);
	assert_int_equal(st.evicted, 1);
	/* the oldest went to make room */
	n = target_reply(buf, sizeof(buf), fxid[0], MSG_ACCEPTED, ACC_SUCCESS,
	    NULL, 0, NULL, 0);
	assert_int_equal(fwd_reply(w->f, SA(dest), buf, n, 50, &w->reply,
	    &done), -1);
	for (i = 1; i < 5; i++) {
		n = target_reply(buf, sizeof(buf), fxid[i], MSG_ACCEPTED,
		    ACC_SUCCESS, NULL, 0, NULL, 0);
		assert_int_equal(fwd_reply(w->f, SA(dest), buf, n, 50,
		    &w->reply, &done), 1);
		assert_int_equal(done.xid, 100 + i);
	}
	fwd_stats(w->f, &st);
	assert_int_equal(st.inflight, 0);
}

static void
test_config(void **state)
{
	struct fwd_cfg	 cfg = { FWD_SLOTS_MAX + 1, 0, 0 };
	struct fwd_stats st;
	struct fwd	*f;

	(void)state;
	assert_null(fwd_new(&cfg));
	cfg.slots = 0;
	cfg.timeout_ms = FWD_TIMEOUT_MAX + 1;
	assert_null(fwd_new(&cfg));
	assert_non_null(f = fwd_new(NULL));
	fwd_stats(f, &st);
	assert_int_equal(st.slots, FWD_SLOTS_DEFAULT);
	fwd_free(f);
	fwd_free(NULL);
	fwd_stats(NULL, &st);
	assert_int_equal(st.slots, 0);
	assert_int_equal(fwd_expire(NULL, 0, NULL, NULL), 0);
}

/* ---- the deny list ---- */

static void
test_deny(void **state)
{
	static const char *const bad[] = {
		"", "x", "300001:", "300001:0", "300001:1:2", "99999999999",
		"4294967296", "-1", " 1", "1 ", "300001:x", ":1", "0x10",
	};
	struct world	*w = *state;
	const struct table_entry *te;
	struct fwd_request r;
	struct sockaddr_storage dest;
	char		 spec[32];
	size_t		 i;

	/* the built-in list: NFS and MOUNT mount, not their NULL procedures */
	assert_int_equal(fwd_is_denied(w->f, 100003, 3, 1), 1);
	assert_int_equal(fwd_is_denied(w->f, 100003, 3, 0), 0);
	assert_int_equal(fwd_is_denied(w->f, 100005, 3, 1), 1);
	assert_int_equal(fwd_is_denied(w->f, 100005, 3, 2), 0);
	assert_int_equal(fwd_is_denied(w->f, PMAP_PROG, 2, 3), 1);
	assert_int_equal(fwd_is_denied(w->f, PMAP_PROG, 2, 0), 0);
	assert_int_equal(fwd_is_denied(NULL, 100011, 1, 1), 1);
	/* a denied target is not forwarded */
	assert_int_equal(table_set(w->t, 100003, 3, "udp", "0.0.0.0.8.1",
	    OWNER_SUPERUSER, 0, 0), TABLE_ADDED);
	te = table_find(w->t, 100003, 3, "udp");
	r = mkreq(w, PMAP_VERS, PMAPPROC_CALLIT, te, NULL, 0);
	r.prog = 100003;
	r.pproc = 1;
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 0, &dest), FWD_ERR_DENIED);
	r.pproc = 0;
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 0, &dest), FWD_OK);

	/* the option's additions */
	te = reg(w, 1, "udp", "0.0.0.0.4.1");
	assert_int_equal(fwd_deny_add(w->f, "300000:7"), 0);
	assert_int_equal(fwd_deny_add(w->f, "300001"), 0);
	assert_int_equal(fwd_is_denied(w->f, PROG, 1, 7), 1);
	assert_int_equal(fwd_is_denied(w->f, PROG, 1, 6), 0);
	assert_int_equal(fwd_is_denied(w->f, 300001, 9, 1), 1);
	assert_int_equal(fwd_is_denied(w->f, 300001, 9, 12345), 1);
	assert_int_equal(fwd_is_denied(w->f, 300001, 9, 0), 0);
	r = mkreq(w, RPCBVERS_4, RPCBPROC_INDIRECT, te, NULL, 0);
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 0, &dest), FWD_ERR_DENIED);
	r.pproc = 6;
	assert_int_equal(submit(w, &r, PM_UDP_MAX, 0, &dest), FWD_OK);
	for (i = 0; i < NV(bad); i++)
		if (fwd_deny_add(w->f, bad[i]) != -1)
			fail_msg("deny spec '%s' taken", bad[i]);
	assert_int_equal(fwd_deny_add(w->f, NULL), -1);
	for (i = 2; i < FWD_DENY_MAX; i++) {
		snprintf(spec, sizeof(spec), "%zu", 400000 + i);
		assert_int_equal(fwd_deny_add(w->f, spec), 0);
	}
	assert_int_equal(fwd_deny_add(w->f, "4294967295"), -1);	/* full */
}

/* ---- scale ---- */

/* 10,000 calls answered, 10,000 left to time out: nothing stays behind. */
static void
test_ten_thousand(void **state)
{
	struct world	*w = *state;
	const struct table_entry *te;
	struct fwd_request r;
	struct sockaddr_storage dest;
	struct fwd_done	 done;
	struct fwd_stats st;
	struct mallinfo2 before, after;
	uint8_t		 buf[64];
	uint64_t	 now = 5000, when;
	size_t		 n;
	uint32_t	 i;
	int		 rc, replies = 0;

	te = reg(w, 1, "udp", "0.0.0.0.4.1");
	/* warm up anything lazily allocated (stdio, ...) */
	r = mkreq(w, RPCBVERS_4, RPCBPROC_INDIRECT, te, "args", 4);
	assert_int_equal(submit(w, &r, PM_UDP_MAX, now, &dest), FWD_OK);
	while (fwd_expire(w->f, now + 1000, &w->reply, &done) == 1)
		;
	before = mallinfo2();
	for (i = 0; i < 10000; i++) {
		r = mkreq(w, i & 1 ? RPCBVERS_4 : PMAP_VERS,
		    i & 1 ? RPCBPROC_INDIRECT : PMAPPROC_CALLIT, te, "args", 4);
		r.xid = i;
		assert_int_equal(submit(w, &r, PM_UDP_MAX, now, &dest), FWD_OK);
		n = target_reply(buf, sizeof(buf), msg_xid(w), MSG_ACCEPTED,
		    ACC_SUCCESS, NULL, 0, "res", 3);
		assert_int_equal(fwd_reply(w->f, SA(dest), buf, n, now,
		    &w->reply, &done), 1);
		now++;
	}
	for (i = 0; i < 10000; i++) {
		r = mkreq(w, i & 1 ? RPCBVERS_4 : RPCBVERS_3,
		    i & 1 ? RPCBPROC_INDIRECT : RPCBPROC_CALLIT, te, "args", 4);
		r.xid = 20000 + i;
		assert_int_equal(submit(w, &r, PM_UDP_MAX, now, &dest), FWD_OK);
		now += 10;	/* 50 in flight at a time: no eviction */
		/* the loop's timer: expire whatever is due */
		while ((rc = fwd_expire(w->f, now, &w->reply, &done)) == 1)
			replies++;
		assert_int_equal(rc, 0);
	}
	/* the last 49 are in flight; the oldest is due 10 ms from now */
	assert_int_equal(fwd_next_deadline(w->f, &when), 1);
	assert_int_equal(when, now + 10);
	fwd_stats(w->f, &st);
	assert_int_equal(st.inflight, 49);
	while (fwd_expire(w->f, now + 500, &w->reply, &done) == 1)
		replies++;
	after = mallinfo2();
	fwd_stats(w->f, &st);
	assert_int_equal(st.inflight, 0);
	assert_int_equal(fwd_next_deadline(w->f, &when), 0);
	assert_int_equal(st.replied, 10000);
	assert_int_equal(st.timeouts, 10000 + 1);
	assert_int_equal(st.evicted, 0);
	/* only the INDIRECTs answer their timeout (SYSTEM_ERR) */
	assert_int_equal(replies, 5000);
	assert_int_equal(after.uordblks, before.uordblks);
	assert_int_equal(after.hblkhd, before.hblkhd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_call_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_largest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_success, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reply_matching, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reply_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reply_amplification, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retransmission, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_table_full, setup,
		    teardown),
		cmocka_unit_test(test_config),
		cmocka_unit_test_setup_teardown(test_deny, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ten_thousand, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
