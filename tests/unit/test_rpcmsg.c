/*
 * test_rpcmsg.c - RPC call and reply headers (RFC 5531) and record marking.
 *
 * Expected bytes are written out word by word from the RFC's layout, not
 * produced by the encoder under test.  Decoders get exact-size heap copies
 * so that a read past the end trips ASan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
#include <cmocka.h>

#include "pmap_prot.h"
#include "rpcmsg.h"
#include "xdr.h"

#define W(...)	(const uint32_t[]){ __VA_ARGS__ }, \
		sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4

/* Words to big-endian bytes, in a heap buffer of exactly the length. */
static uint8_t *
mkmsg(const uint32_t *w, size_t nw, size_t cut, size_t *lenp)
{
	uint8_t	*b;
	size_t	 i, len = nw * 4 - cut;

	b = malloc(nw * 4 + 1);
	assert_non_null(b);
	for (i = 0; i < nw; i++) {
		b[4 * i] = w[i] >> 24;
		b[4 * i + 1] = w[i] >> 16;
		b[4 * i + 2] = w[i] >> 8;
		b[4 * i + 3] = w[i];
	}
	*lenp = len;
	return realloc(b, len > 0 ? len : 1);
}

/* Byte b repeated: one word. */
#define REP(b)	(0x01010101u * (b))

/*
 * Call headers.
 */
struct cvec {
	const char		*name;
	const uint32_t		*w;
	size_t			 nw;
	size_t			 cut;	/* bytes cut off the end */
	enum rpcmsg_status	 want;
	size_t			 left;	/* arguments left on RPCMSG_OK */
	uint32_t		 credlen, verflen;
	int			 roundtrip;	/* verifier is AUTH_NONE */
};

#define XID	0x11223344u
#define HDR(mt, rv)	XID, mt, rv, 100000, 2, 3

static const struct cvec cvecs[] = {
	{ "AUTH_NONE", W(HDR(0, 2), 0, 0, 0, 0), 0, RPCMSG_OK, 0, 0, 0, 1 },
	{ "AUTH_NONE with args", W(HDR(0, 2), 0, 0, 0, 0, 7, 8), 0, RPCMSG_OK,
	    8, 0, 0, 1 },
	{ "AUTH_SYS 8", W(HDR(0, 2), 1, 8, REP('a'), REP('b'), 0, 0), 0,
	    RPCMSG_OK, 0, 8, 0, 1 },
	{ "cred 5 padded", W(HDR(0, 2), 1, 5, REP('a'), 0x63000000, 0, 0, 9),
	    0, RPCMSG_OK, 4, 5, 0, 1 },
	{ "verf 4", W(HDR(0, 2), 0, 0, 6, 4, 0xdeadbeef), 0, RPCMSG_OK, 0, 0,
	    4, 0 },
	{ "cred bad padding", W(HDR(0, 2), 1, 5, REP('a'), 0x63000100, 0, 0),
	    0, RPCMSG_BAD_AUTH, 0, 0, 0, 0 },
	{ "verf bad padding", W(HDR(0, 2), 0, 0, 6, 3, 0x01020304), 0,
	    RPCMSG_BAD_AUTH, 0, 0, 0, 0 },
	{ "cred 401", W(HDR(0, 2), 1, 401, 0, 0, 0, 0), 0, RPCMSG_BAD_AUTH, 0,
	    0, 0, 0 },
	{ "cred 0xffffffff", W(HDR(0, 2), 1, 0xffffffff, 0, 0, 0, 0), 0,
	    RPCMSG_BAD_AUTH, 0, 0, 0, 0 },
	{ "cred 0x80000000", W(HDR(0, 2), 1, 0x80000000, 0, 0, 0, 0), 0,
	    RPCMSG_BAD_AUTH, 0, 0, 0, 0 },
	{ "verf 401", W(HDR(0, 2), 0, 0, 0, 401, 0, 0), 0, RPCMSG_BAD_AUTH, 0,
	    0, 0, 0 },
	{ "verf 0xffffffff", W(HDR(0, 2), 0, 0, 0, 0xffffffff, 0), 0,
	    RPCMSG_BAD_AUTH, 0, 0, 0, 0 },
	{ "verf 0x80000000", W(HDR(0, 2), 0, 0, 0, 0x80000000, 0), 0,
	    RPCMSG_BAD_AUTH, 0, 0, 0, 0 },
	{ "cred body short", W(HDR(0, 2), 1, 8, REP('a')), 0, RPCMSG_BAD_AUTH,
	    0, 0, 0, 0 },
	{ "cred body short 1", W(HDR(0, 2), 1, 8, REP('a'), REP('b'), 0, 0), 9,
	    RPCMSG_BAD_AUTH, 0, 0, 0, 0 },
	{ "verf missing", W(HDR(0, 2), 0, 0), 0, RPCMSG_BAD_AUTH, 0, 0, 0, 0 },
	{ "verf length missing", W(HDR(0, 2), 0, 0, 0), 0, RPCMSG_BAD_AUTH, 0,
	    0, 0, 0 },
	{ "no credential", W(HDR(0, 2)), 0, RPCMSG_BAD_AUTH, 0, 0, 0, 0 },
	{ "cred flavor short", W(HDR(0, 2), 0), 2, RPCMSG_BAD_AUTH, 0, 0, 0, 0 },
	{ "a reply", W(XID, 1, 0, 0, 0, 0), 0, RPCMSG_NOT_CALL, 0, 0, 0, 0 },
	{ "msg_type 2", W(HDR(2, 2), 0, 0, 0, 0), 0, RPCMSG_NOT_CALL, 0, 0, 0,
	    0 },
	{ "msg_type 0xffffffff", W(HDR(0xffffffff, 2), 0, 0, 0, 0), 0,
	    RPCMSG_NOT_CALL, 0, 0, 0, 0 },
	{ "rpcvers 3", W(HDR(0, 3), 0, 0, 0, 0), 0, RPCMSG_BAD_RPCVERS, 0, 0,
	    0, 0 },
	{ "rpcvers 0", W(HDR(0, 0), 0, 0, 0, 0), 0, RPCMSG_BAD_RPCVERS, 0, 0,
	    0, 0 },
	{ "rpcvers 3, 12 bytes", W(XID, 0, 3), 0, RPCMSG_BAD_RPCVERS, 0, 0, 0,
	    0 },
	{ "rpcvers 3, bad cred", W(HDR(0, 3), 1, 0xffffffff), 0,
	    RPCMSG_BAD_RPCVERS, 0, 0, 0, 0 },
	{ "reply with rpcvers 3", W(XID, 1, 3, 0, 0, 0), 0, RPCMSG_NOT_CALL, 0,
	    0, 0, 0 },
	{ "rpcvers short", W(XID, 0, 2), 1, RPCMSG_NOT_CALL, 0, 0, 0, 0 },
	{ "proc short", W(HDR(0, 2)), 3, RPCMSG_NOT_CALL, 0, 0, 0, 0 },
	{ "xid only", W(XID), 0, RPCMSG_NOT_CALL, 0, 0, 0, 0 },
	{ "7 bytes", W(XID, 0), 1, RPCMSG_NOT_CALL, 0, 0, 0, 0 },
	{ "empty", W(0), 4, RPCMSG_NOT_CALL, 0, 0, 0, 0 },
};

static void
check_call(const struct cvec *v, const uint8_t *m, size_t len)
{
	struct xdr_dec		d;
	struct rpc_call		c;
	enum rpcmsg_status	st;
	uint8_t			out[600];
	struct xdr_enc		e;

	xdr_dec_init(&d, m, len);
	memset(&c, 0xee, sizeof(c));
	st = rpcmsg_decode_call(&d, &c);
	assert_int_equal(st, v->want);
	if (len >= 4)
		assert_int_equal(c.xid, XID);
	if (st != RPCMSG_OK)
		return;
	assert_int_equal(c.rpcvers, 2);
	assert_int_equal(c.prog, 100000);
	assert_int_equal(c.vers, 2);
	assert_int_equal(c.proc, 3);
	assert_int_equal(c.cred.len, v->credlen);
	assert_int_equal(c.verf.len, v->verflen);
	assert_int_equal(d.left, v->left);
	assert_ptr_equal(d.p, m + len - v->left);
	/* the bodies point into the message */
	if (c.cred.len > 0)
		assert_ptr_equal(c.cred.body, m + 32);
	if (!v->roundtrip)
		return;
	xdr_enc_init(&e, out, sizeof(out));
	rpcmsg_encode_call(&e, c.xid, c.prog, c.vers, c.proc, &c.cred);
	assert_false(e.err);
	assert_int_equal(e.len, len - v->left);
	assert_memory_equal(out, m, e.len);
}

static void
test_call_vectors(void **state)
{
	size_t	i, len;

	for (i = 0; i < sizeof(cvecs) / sizeof(cvecs[0]); i++) {
		const struct cvec *v = &cvecs[i];
		uint8_t *m;

		print_message("vector: %s\n", v->name);
		m = mkmsg(v->w, v->nw, v->cut, &len);
		check_call(v, m, len);
		free(m);
	}
}

/*
 * Every prefix of a good call: short of 12 bytes (or of 24 with rpcvers 2)
 * it is not a call; inside the credential or verifier it is BAD_AUTH.
 */
static void
test_call_prefixes(void **state)
{
	const struct cvec good = { "good",
	    W(HDR(0, 2), 1, 12, REP('a'), REP('b'), REP('c'), 0, 0), 0,
	    RPCMSG_OK, 0, 12, 0, 1 };
	const struct cvec bad = { "rpcvers 3",
	    W(HDR(0, 3), 1, 12, REP('a'), REP('b'), REP('c'), 0, 0), 0,
	    RPCMSG_BAD_RPCVERS, 0, 0, 0, 0 };
	struct cvec	 v;
	uint8_t		*m;
	size_t		 len, full, mlen;

	full = good.nw * 4;
	for (len = 0; len <= full; len++) {
		v = good;
		v.cut = full - len;
		v.want = len < 24 ? RPCMSG_NOT_CALL :
		    len < full ? RPCMSG_BAD_AUTH : RPCMSG_OK;
		m = mkmsg(v.w, v.nw, v.cut, &mlen);
		check_call(&v, m, mlen);
		free(m);

		v = bad;
		v.cut = full - len;
		v.want = len < 12 ? RPCMSG_NOT_CALL : RPCMSG_BAD_RPCVERS;
		m = mkmsg(v.w, v.nw, v.cut, &mlen);
		check_call(&v, m, mlen);
		free(m);
	}
}

static size_t
put32(uint8_t *p, size_t n, uint32_t v)
{
	p[n] = v >> 24;
	p[n + 1] = v >> 16;
	p[n + 2] = v >> 8;
	p[n + 3] = v;
	return n + 4;
}

/* The 400-byte limit on opaque_auth bodies, credential and verifier. */
static void
test_call_auth_limit(void **state)
{
	static const size_t sizes[] = { 0, 1, 396, 399, 400, 401, 403, 404 };
	uint8_t		 b[24 + 8 + 404 + 8 + 404 + 4], *m;
	size_t		 n, clen, vlen, i, j;
	struct xdr_dec	 d;
	struct rpc_call	 c;

	for (i = 0; i < 8; i++)
		for (j = 0; j < 8; j++) {
			clen = sizes[i];
			vlen = sizes[j];
			memset(b, 0, sizeof(b));
			n = put32(b, 0, XID);
			n = put32(b, n, 0);
			n = put32(b, n, 2);
			n = put32(b, n, 100000);
			n = put32(b, n, 4);
			n = put32(b, n, 0);
			n = put32(b, n, 1);
			n = put32(b, n, clen);
			memset(b + n, 'x', clen);
			n += clen + xdr_pad(clen);
			n = put32(b, n, 6);
			n = put32(b, n, vlen);
			memset(b + n, 'y', vlen);
			n += vlen + xdr_pad(vlen);
			n = put32(b, n, 0xabcdef);	/* an argument */
			m = malloc(n);
			assert_non_null(m);
			memcpy(m, b, n);
			xdr_dec_init(&d, m, n);
			if (clen <= RPC_AUTH_MAX && vlen <= RPC_AUTH_MAX) {
				assert_int_equal(rpcmsg_decode_call(&d, &c),
				    RPCMSG_OK);
				assert_int_equal(c.cred.flavor, 1);
				assert_int_equal(c.cred.len, clen);
				assert_int_equal(c.verf.flavor, 6);
				assert_int_equal(c.verf.len, vlen);
				assert_int_equal(d.left, 4);
				if (clen > 0)
					assert_int_equal(c.cred.body[clen - 1],
					    'x');
				if (vlen > 0)
					assert_int_equal(c.verf.body[vlen - 1],
					    'y');
			} else
				assert_int_equal(rpcmsg_decode_call(&d, &c),
				    RPCMSG_BAD_AUTH);
			free(m);
		}
}

/*
 * Replies.
 */
enum rkind { R_SUCCESS, R_ACCEPTED, R_PROG_MISMATCH, R_RPC_MISMATCH,
    R_AUTH_ERROR };

struct rvec {
	const char	*name;
	enum rkind	 kind;
	uint32_t	 a, b;
	const uint32_t	*w;
	size_t		 nw;
};

#define RXID	0xcafe0001u

static const struct rvec rvecs[] = {
	{ "SUCCESS", R_SUCCESS, 0, 0, W(RXID, 1, 0, 0, 0, 0) },
	{ "SUCCESS via accepted", R_ACCEPTED, ACC_SUCCESS, 0,
	    W(RXID, 1, 0, 0, 0, 0) },
	{ "PROG_UNAVAIL", R_ACCEPTED, ACC_PROG_UNAVAIL, 0,
	    W(RXID, 1, 0, 0, 0, 1) },
	{ "PROG_MISMATCH", R_PROG_MISMATCH, 2, 4,
	    W(RXID, 1, 0, 0, 0, 2, 2, 4) },
	{ "PROG_MISMATCH via accepted", R_ACCEPTED, ACC_PROG_MISMATCH, 0,
	    W(RXID, 1, 0, 0, 0, 2, 0, 0) },
	{ "PROC_UNAVAIL", R_ACCEPTED, ACC_PROC_UNAVAIL, 0,
	    W(RXID, 1, 0, 0, 0, 3) },
	{ "GARBAGE_ARGS", R_ACCEPTED, ACC_GARBAGE_ARGS, 0,
	    W(RXID, 1, 0, 0, 0, 4) },
	{ "SYSTEM_ERR", R_ACCEPTED, ACC_SYSTEM_ERR, 0,
	    W(RXID, 1, 0, 0, 0, 5) },
	{ "RPC_MISMATCH", R_RPC_MISMATCH, 2, 2, W(RXID, 1, 1, 0, 2, 2) },
	{ "RPC_MISMATCH 2..3", R_RPC_MISMATCH, 2, 3, W(RXID, 1, 1, 0, 2, 3) },
	{ "AUTH_BADCRED", R_AUTH_ERROR, AUTH_BADCRED_STAT, 0,
	    W(RXID, 1, 1, 1, 1) },
	{ "AUTH_TOOWEAK", R_AUTH_ERROR, AUTH_TOOWEAK_STAT, 0,
	    W(RXID, 1, 1, 1, 5) },
};

static void
encode_reply(struct xdr_enc *e, const struct rvec *v)
{
	switch (v->kind) {
	case R_SUCCESS:
		rpcmsg_reply_success(e, RXID);
		break;
	case R_ACCEPTED:
		rpcmsg_reply_accepted(e, RXID, v->a);
		break;
	case R_PROG_MISMATCH:
		rpcmsg_reply_prog_mismatch(e, RXID, v->a, v->b);
		break;
	case R_RPC_MISMATCH:
		rpcmsg_reply_rpc_mismatch(e, RXID, v->a, v->b);
		break;
	case R_AUTH_ERROR:
		rpcmsg_reply_auth_error(e, RXID, v->a);
		break;
	}
}

static void
test_reply_vectors(void **state)
{
	uint8_t		 buf[64], *want, *m;
	struct xdr_enc	 e;
	struct xdr_dec	 d;
	struct rpc_reply r;
	size_t		 i, len, k;

	for (i = 0; i < sizeof(rvecs) / sizeof(rvecs[0]); i++) {
		const struct rvec *v = &rvecs[i];

		print_message("vector: %s\n", v->name);
		want = mkmsg(v->w, v->nw, 0, &len);
		xdr_enc_init(&e, buf, sizeof(buf));
		encode_reply(&e, v);
		assert_false(e.err);
		assert_int_equal(e.len, len);
		assert_memory_equal(buf, want, len);

		/* a buffer one word short: sticky error */
		xdr_enc_init(&e, buf, len - 4);
		encode_reply(&e, v);
		assert_true(e.err);
		assert_true(e.len <= len - 4);

		/* decode what was encoded, with results after it */
		m = malloc(len + 8);
		assert_non_null(m);
		memcpy(m, want, len);
		memcpy(m + len, "RESULTS!", 8);
		xdr_dec_init(&d, m, len + 8);
		assert_int_equal(rpcmsg_decode_reply(&d, &r), 0);
		assert_int_equal(d.left, 8);
		assert_ptr_equal(d.p, m + len);
		assert_int_equal(r.xid, RXID);
		assert_int_equal(r.verf.flavor, 0);
		assert_int_equal(r.verf.len, 0);
		switch (v->kind) {
		case R_SUCCESS:
			assert_int_equal(r.reply_stat, MSG_ACCEPTED);
			assert_int_equal(r.stat, ACC_SUCCESS);
			break;
		case R_ACCEPTED:
			assert_int_equal(r.reply_stat, MSG_ACCEPTED);
			assert_int_equal(r.stat, v->a);
			break;
		case R_PROG_MISMATCH:
			assert_int_equal(r.reply_stat, MSG_ACCEPTED);
			assert_int_equal(r.stat, ACC_PROG_MISMATCH);
			assert_int_equal(r.low, v->a);
			assert_int_equal(r.high, v->b);
			break;
		case R_RPC_MISMATCH:
			assert_int_equal(r.reply_stat, MSG_DENIED);
			assert_int_equal(r.stat, REJ_RPC_MISMATCH);
			assert_int_equal(r.low, v->a);
			assert_int_equal(r.high, v->b);
			break;
		case R_AUTH_ERROR:
			assert_int_equal(r.reply_stat, MSG_DENIED);
			assert_int_equal(r.stat, REJ_AUTH_ERROR);
			assert_int_equal(r.auth_stat, v->a);
			break;
		}
		free(m);

		/* every prefix fails, cursor unmoved; short by 1..3 included */
		for (k = 0; k < len; k++) {
			size_t plen;

			m = mkmsg(v->w, v->nw, len - k, &plen);
			assert_int_equal(plen, k);
			xdr_dec_init(&d, m, plen);
			assert_int_equal(rpcmsg_decode_reply(&d, &r), -1);
			assert_ptr_equal(d.p, m);
			assert_int_equal(d.left, plen);
			free(m);
		}
		free(want);
	}
}

struct dvec {
	const char	*name;
	const uint32_t	*w;
	size_t		 nw;
	int		 ok;
	uint32_t	 stat, verflen;
	size_t		 left;
};

static const struct dvec dvecs[] = {
	{ "a call", W(RXID, 0, 2, 100000, 2, 0, 0, 0, 0, 0), -1, 0, 0, 0 },
	{ "msg_type 2", W(RXID, 2, 0, 0, 0, 0), -1, 0, 0, 0 },
	{ "reply_stat 2", W(RXID, 1, 2, 0, 0, 0), -1, 0, 0, 0 },
	{ "reply_stat 0xffffffff", W(RXID, 1, 0xffffffff, 0, 0, 0), -1, 0, 0,
	    0 },
	{ "reject_stat 2", W(RXID, 1, 1, 2, 0, 0), -1, 0, 0, 0 },
	{ "verf 401", W(RXID, 1, 0, 1, 401, 0, 0), -1, 0, 0, 0 },
	{ "verf 0xffffffff", W(RXID, 1, 0, 1, 0xffffffff, 0, 0), -1, 0, 0, 0 },
	{ "verf 0x80000000", W(RXID, 1, 0, 1, 0x80000000, 0, 0), -1, 0, 0, 0 },
	{ "verf bad padding", W(RXID, 1, 0, 1, 2, 0x41410001, 0), -1, 0, 0, 0 },
	{ "verf 2", W(RXID, 1, 0, 1, 2, 0x41410000, 0), 0, 0, 2, 0 },
	{ "verf 8", W(RXID, 1, 0, 6, 8, 1, 2, 0, 7), 0, 0, 8, 4 },
	{ "unknown accept_stat", W(RXID, 1, 0, 0, 0, 9), 0, 9, 0, 0 },
	{ "PROG_MISMATCH no high", W(RXID, 1, 0, 0, 0, 2, 2), -1, 0, 0, 0 },
};

static void
test_reply_decode_vectors(void **state)
{
	struct xdr_dec	 d;
	struct rpc_reply r;
	uint8_t		*m;
	size_t		 i, len;

	for (i = 0; i < sizeof(dvecs) / sizeof(dvecs[0]); i++) {
		const struct dvec *v = &dvecs[i];

		print_message("vector: %s\n", v->name);
		m = mkmsg(v->w, v->nw, 0, &len);
		xdr_dec_init(&d, m, len);
		assert_int_equal(rpcmsg_decode_reply(&d, &r), v->ok);
		if (v->ok == 0) {
			assert_int_equal(r.xid, RXID);
			assert_int_equal(r.reply_stat, MSG_ACCEPTED);
			assert_int_equal(r.stat, v->stat);
			assert_int_equal(r.verf.len, v->verflen);
			assert_int_equal(d.left, v->left);
		} else {
			assert_ptr_equal(d.p, m);
			assert_int_equal(d.left, len);
		}
		free(m);
	}
}

/* A reply verifier of exactly 400 bytes is accepted, 401 is not. */
static void
test_reply_verf_limit(void **state)
{
	uint8_t		 m[20 + 404 + 4];
	struct xdr_dec	 d;
	struct rpc_reply r;
	uint32_t	 vlen;

	for (vlen = 396; vlen <= 404; vlen++) {
		memset(m, 0, sizeof(m));
		m[3] = 1;			/* xid 1 */
		m[7] = 1;			/* REPLY */
		m[15] = 1;			/* verf flavor */
		m[18] = vlen >> 8;
		m[19] = vlen & 0xff;
		memset(m + 20, 'v', vlen);
		xdr_dec_init(&d, m, 20 + vlen + xdr_pad(vlen) + 4);
		if (vlen <= RPC_AUTH_MAX) {
			assert_int_equal(rpcmsg_decode_reply(&d, &r), 0);
			assert_int_equal(r.verf.len, vlen);
			assert_ptr_equal(r.verf.body, m + 20);
			assert_int_equal(d.left, 0);
		} else
			assert_int_equal(rpcmsg_decode_reply(&d, &r), -1);
	}
}

static void
test_encode_call(void **state)
{
	uint8_t		 buf[512], *want;
	struct xdr_enc	 e;
	struct rpc_auth	 cred = { AUTH_SYS_FLAVOR, 5, (const uint8_t *)"abcde" };
	size_t		 len;
	static uint8_t	 big[RPC_AUTH_MAX + 1];

	want = mkmsg(W(7, 0, 2, 100000, 4, 3, 1, 5, 0x61626364, 0x65000000,
	    0, 0), 0, &len);
	xdr_enc_init(&e, buf, sizeof(buf));
	rpcmsg_encode_call(&e, 7, 100000, 4, 3, &cred);
	assert_false(e.err);
	assert_int_equal(e.len, len);
	assert_memory_equal(buf, want, len);
	free(want);

	/* NULL credential: AUTH_NONE */
	want = mkmsg(W(8, 0, 2, 100000, 2, 0, 0, 0, 0, 0), 0, &len);
	xdr_enc_init(&e, buf, sizeof(buf));
	rpcmsg_encode_call(&e, 8, 100000, 2, 0, NULL);
	assert_false(e.err);
	assert_int_equal(e.len, len);
	assert_memory_equal(buf, want, len);
	free(want);

	/* 400 bytes fit, 401 is refused */
	cred.body = big;
	cred.len = RPC_AUTH_MAX;
	xdr_enc_init(&e, buf, sizeof(buf));
	rpcmsg_encode_call(&e, 9, 1, 1, 1, &cred);
	assert_false(e.err);
	assert_int_equal(e.len, 40 + RPC_AUTH_MAX);
	cred.len = RPC_AUTH_MAX + 1;
	xdr_enc_reset(&e);
	rpcmsg_encode_call(&e, 9, 1, 1, 1, &cred);
	assert_true(e.err);

	/* too small a buffer */
	xdr_enc_init(&e, buf, 39);
	rpcmsg_encode_call(&e, 9, 1, 1, 1, NULL);
	assert_true(e.err);
}

/*
 * Wording: libtirpc's clnt_sperrno().  The table is the reference; when
 * libtirpc is on the system it is asked as well.
 */
static void
test_strings(void **state)
{
	static const struct { uint32_t stat; int clnt; const char *s; } acc[] = {
		{ ACC_SUCCESS, 0, "RPC: Success" },
		{ ACC_PROG_UNAVAIL, 8, "RPC: Program unavailable" },
		{ ACC_PROG_MISMATCH, 9, "RPC: Program/version mismatch" },
		{ ACC_PROC_UNAVAIL, 10, "RPC: Procedure unavailable" },
		{ ACC_GARBAGE_ARGS, 11, "RPC: Server can't decode arguments" },
		{ ACC_SYSTEM_ERR, 12, "RPC: Remote system error" },
		{ 6, 16, "RPC: Failed (unspecified error)" },
		{ 0xffffffff, 16, "RPC: Failed (unspecified error)" },
	};
	static const struct { uint32_t stat; int clnt; const char *s; } rej[] = {
		{ REJ_RPC_MISMATCH, 6, "RPC: Incompatible versions of RPC" },
		{ REJ_AUTH_ERROR, 7, "RPC: Authentication error" },
	};
	static const struct { uint32_t stat; const char *s; } auth[] = {
		{ AUTH_OK_STAT, "Authentication OK" },
		{ AUTH_BADCRED_STAT, "Invalid client credential" },
		{ AUTH_REJECTEDCRED_STAT, "Server rejected credential" },
		{ AUTH_BADVERF_STAT, "Invalid client verifier" },
		{ AUTH_REJECTEDVERF_STAT, "Server rejected verifier" },
		{ AUTH_TOOWEAK_STAT, "Client credential too weak" },
		{ AUTH_INVALIDRESP_STAT, "Invalid server verifier" },
		{ AUTH_FAILED_STAT, "Failed (unspecified error)" },
		{ 8, "(unknown authentication error)" },
	};
	char *(*sperrno)(int) = NULL;
	void	*h;
	size_t	 i;

	h = dlopen("libtirpc.so.3", RTLD_NOW | RTLD_LOCAL);
	if (h != NULL)
		*(void **)&sperrno = dlsym(h, "clnt_sperrno");
	for (i = 0; i < sizeof(acc) / sizeof(acc[0]); i++) {
		assert_string_equal(rpcmsg_accept_str(acc[i].stat), acc[i].s);
		if (sperrno != NULL)
			assert_string_equal(sperrno(acc[i].clnt), acc[i].s);
	}
	for (i = 0; i < sizeof(rej) / sizeof(rej[0]); i++) {
		assert_string_equal(rpcmsg_reject_str(rej[i].stat), rej[i].s);
		if (sperrno != NULL)
			assert_string_equal(sperrno(rej[i].clnt), rej[i].s);
	}
	for (i = 0; i < sizeof(auth) / sizeof(auth[0]); i++)
		assert_string_equal(rpcmsg_auth_str(auth[i].stat), auth[i].s);
	if (h != NULL)
		dlclose(h);
	else
		print_message("libtirpc not found: table only\n");
}

/*
 * Record marking.
 */
static uint32_t
rnd(uint32_t *s)
{
	uint32_t	x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static void
test_rm_header(void **state)
{
	uint8_t	h[4];

	rm_put_header(h, 0, 0);
	assert_memory_equal(h, "\0\0\0\0", 4);
	rm_put_header(h, 0, 1);
	assert_memory_equal(h, "\x80\0\0\0", 4);
	rm_put_header(h, 0x01020304, 1);
	assert_memory_equal(h, "\x81\x02\x03\x04", 4);
	rm_put_header(h, 0x7fffffff, 0);
	assert_memory_equal(h, "\x7f\xff\xff\xff", 4);
	rm_put_header(h, 0xffffffff, 0);	/* the top bit is the flag */
	assert_memory_equal(h, "\x7f\xff\xff\xff", 4);
}

/*
 * Feed a whole stream in chunks (chunk 0: random sizes 1..maxchunk) and
 * check each record against want[]; returns the status that ended it.
 */
static enum rm_status
feed_stream(struct rm_reader *rm, const uint8_t *s, size_t n, size_t chunk,
    size_t maxchunk, uint32_t *seed, uint8_t **want, size_t *wantlen,
    size_t nwant, size_t *ngot, int release)
{
	size_t		off = 0, c, pos, used;
	enum rm_status	st = RM_MORE;
	unsigned	guard = 0;

	*ngot = 0;
	while (off < n) {
		assert_true(++guard < 1000000);
		c = chunk ? chunk : 1 + rnd(seed) % maxchunk;
		if (c > n - off)
			c = n - off;
		pos = 0;
		while (pos < c) {
			st = rm_feed(rm, s + off + pos, c - pos, &used);
			assert_true(used <= c - pos);
			assert_true(rm->cap <= rm->max_record);
			pos += used;
			if (st == RM_TOOBIG)
				return st;
			if (st == RM_MORE) {
				assert_int_equal(pos, c);
				assert_true(rm_partial(rm));
				break;
			}
			assert_true(*ngot < nwant);
			assert_int_equal(rm->len, wantlen[*ngot]);
			if (rm->len > 0)
				assert_memory_equal(rm->rec, want[*ngot],
				    rm->len);
			assert_false(rm_partial(rm));
			(*ngot)++;
			rm_next(rm);
			if (release)
				rm_release(rm);
			assert_false(rm_partial(rm));
		}
		off += c;
	}
	return st;
}

/* Random records in random fragments, fed in random chunks. */
static void
test_rm_random(void **state)
{
	enum { MAXREC = 700, MAXFRAGS = 6, NREC = 5 };
	uint32_t	 seed = 0xc0ffee, round;
	uint8_t		*want[NREC], *s;
	size_t		 wantlen[NREC], n, i, j, nf, ngot, fl, done;
	struct rm_reader rm;
	enum rm_status	 st;

	s = malloc(NREC * (MAXREC + 4 * MAXFRAGS));
	assert_non_null(s);
	for (i = 0; i < NREC; i++)
		assert_non_null(want[i] = malloc(MAXREC));
	for (round = 0; round < 400; round++) {
		n = 0;
		for (i = 0; i < NREC; i++) {
			wantlen[i] = rnd(&seed) % (round % 3 ? 50 : MAXREC + 1);
			for (j = 0; j < wantlen[i]; j++)
				want[i][j] = rnd(&seed);
			nf = 1 + rnd(&seed) % MAXFRAGS;
			done = 0;
			for (j = 0; j < nf; j++) {
				fl = j + 1 == nf ? wantlen[i] - done :
				    rnd(&seed) % (wantlen[i] - done + 1);
				rm_put_header(s + n, fl, j + 1 == nf);
				memcpy(s + n + 4, want[i] + done, fl);
				n += 4 + fl;
				done += fl;
			}
		}
		rm_init(&rm, MAXREC, MAXFRAGS);
		assert_null(rm.rec);
		assert_false(rm_partial(&rm));
		st = feed_stream(&rm, s, n, round % 4 == 0 ? 1 : 0,
		    round % 2 ? 7 : n, &seed, want, wantlen, NREC, &ngot,
		    round % 5 == 0);
		assert_int_equal(st, RM_RECORD);
		assert_int_equal(ngot, NREC);
		assert_false(rm_partial(&rm));
		rm_release(&rm);
		assert_null(rm.rec);
		assert_int_equal(rm.cap, 0);
	}
	for (i = 0; i < NREC; i++)
		free(want[i]);
	free(s);
}

/* Build a stream from a list of (len, last) fragments of filler bytes. */
static size_t
mkstream(uint8_t *s, const uint32_t *frags, size_t nfrags)
{
	size_t	i, n = 0;

	for (i = 0; i < nfrags; i++) {
		uint32_t len = frags[i] & ~RM_LAST_FRAG;

		rm_put_header(s + n, len, (frags[i] & RM_LAST_FRAG) != 0);
		memset(s + n + 4, 'a' + (int)i, len);
		n += 4 + len;
	}
	return n;
}

struct rmvec {
	const char	*name;
	size_t		 max_record;
	unsigned	 max_frags;
	const uint32_t	*frags;		/* length | RM_LAST_FRAG */
	size_t		 nfrags;
	enum rm_status	 want;
	size_t		 reclen;	/* RM_RECORD: its length; RM_TOOBIG: */
					/* bytes up to the end of the bad header */
};

#define L	RM_LAST_FRAG

static const struct rmvec rmvecs[] = {
	{ "one fragment", 100, 4, W(10 | L), RM_RECORD, 10 },
	{ "exactly max_record", 100, 4, W(100 | L), RM_RECORD, 100 },
	{ "one over max_record", 100, 4, W(101 | L), RM_TOOBIG, 4 },
	{ "0x7fffffff", 100, 4, W(0x7fffffff | L), RM_TOOBIG, 4 },
	{ "0x7fffffff not last", 100, 4, W(0x7fffffff), RM_TOOBIG, 4 },
	{ "fragments sum to max", 100, 4, W(40, 40, 20 | L), RM_RECORD, 100 },
	{ "fragments sum over max", 100, 4, W(40, 40, 21 | L), RM_TOOBIG, 92 },
	{ "max_frags fragments", 100, 3, W(1, 2, 3 | L), RM_RECORD, 6 },
	{ "max_frags + 1", 100, 3, W(1, 2, 3, 4 | L), RM_TOOBIG, 22 },
	{ "empty fragments count", 100, 3, W(0, 0, 0, 1 | L), RM_TOOBIG, 16 },
	{ "empty record", 100, 3, W(0 | L), RM_RECORD, 0 },
	{ "empty fragments", 100, 3, W(0, 5, 0 | L), RM_RECORD, 5 },
	{ "max_record 0", 0, 3, W(0, 0 | L), RM_RECORD, 0 },
	{ "max_record 0, 1 byte", 0, 3, W(1 | L), RM_TOOBIG, 4 },
};

static void
test_rm_vectors(void **state)
{
	uint8_t		 s[1024];
	struct rm_reader rm;
	size_t		 i, n, used, chunk, off;
	enum rm_status	 st;

	for (i = 0; i < sizeof(rmvecs) / sizeof(rmvecs[0]); i++) {
		const struct rmvec *v = &rmvecs[i];
		size_t total = 0, k;

		print_message("vector: %s\n", v->name);
		for (k = 0; k < v->nfrags; k++)
			total += 4 + (v->frags[k] & 0x7fffffff);
		/* huge fragments: only their header is ever sent */
		n = total <= sizeof(s) ? mkstream(s, v->frags, v->nfrags) :
		    (rm_put_header(s, v->frags[0], v->frags[0] & L), 4);
		for (chunk = 1; chunk <= n; chunk = chunk < 8 ? chunk + 1 :
		    chunk * 3) {
			rm_init(&rm, v->max_record, v->max_frags);
			st = RM_MORE;
			for (off = 0; off < n; off += used) {
				st = rm_feed(&rm, s + off, chunk < n - off ?
				    chunk : n - off, &used);
				if (st != RM_MORE)
					break;
			}
			assert_int_equal(st, v->want);
			if (st == RM_RECORD) {
				assert_int_equal(off + used, n);
				assert_int_equal(rm.len, v->reclen);
				if (v->reclen == 0)
					assert_int_equal(rm.cap, 0);
			} else {
				assert_int_equal(off + used, v->reclen);
				/* a broken stream stays broken, holds nothing */
				assert_null(rm.rec);
				assert_int_equal(rm_feed(&rm, s, n, &used),
				    RM_TOOBIG);
				assert_int_equal(used, 0);
				assert_false(rm_partial(&rm));
			}
			rm_release(&rm);
		}
	}
}

/* The header itself arrives in pieces. */
static void
test_rm_split_header(void **state)
{
	struct rm_reader rm;
	uint8_t		 s[16];
	size_t		 used;

	rm_init(&rm, 100, 4);
	rm_put_header(s, 5, 1);
	memcpy(s + 4, "hello", 5);
	assert_int_equal(rm_feed(&rm, s, 1, &used), RM_MORE);
	assert_int_equal(used, 1);
	assert_true(rm_partial(&rm));
	assert_null(rm.rec);		/* no memory before a body byte */
	assert_int_equal(rm_feed(&rm, s + 1, 2, &used), RM_MORE);
	assert_int_equal(used, 2);
	assert_int_equal(rm_feed(&rm, s + 3, 1, &used), RM_MORE);
	assert_true(rm_partial(&rm));
	assert_int_equal(rm_feed(&rm, s + 4, 0, &used), RM_MORE);
	assert_int_equal(used, 0);
	assert_int_equal(rm_feed(&rm, s + 4, 3, &used), RM_MORE);
	assert_int_equal(rm_feed(&rm, s + 7, 2, &used), RM_RECORD);
	assert_int_equal(used, 2);
	assert_int_equal(rm.len, 5);
	assert_memory_equal(rm.rec, "hello", 5);
	/* without rm_next() the record stays, nothing more is taken */
	assert_int_equal(rm_feed(&rm, s, 4, &used), RM_RECORD);
	assert_int_equal(used, 0);
	assert_int_equal(rm.len, 5);
	rm_next(&rm);
	assert_int_equal(rm.len, 0);
	assert_false(rm_partial(&rm));
	assert_non_null(rm.rec);	/* rm_next keeps the buffer */
	rm_release(&rm);
	assert_null(rm.rec);
	assert_false(rm_partial(&rm));
}

/* Two records and a part of a third in one feed: used < n. */
static void
test_rm_two_in_one(void **state)
{
	struct rm_reader rm;
	uint8_t		 s[64];
	size_t		 n, used, off;

	n = 0;
	rm_put_header(s + n, 3, 1);
	memcpy(s + n + 4, "one", 3);
	n += 7;
	rm_put_header(s + n, 2, 0);
	memcpy(s + n + 4, "tw", 2);
	rm_put_header(s + n + 6, 1, 1);
	s[n + 10] = 'o';
	n += 11;
	rm_put_header(s + n, 5, 1);
	memcpy(s + n + 4, "th", 2);
	n += 6;

	rm_init(&rm, 100, 4);
	assert_int_equal(rm_feed(&rm, s, n, &used), RM_RECORD);
	assert_int_equal(used, 7);
	assert_int_equal(rm.len, 3);
	assert_memory_equal(rm.rec, "one", 3);
	rm_next(&rm);
	off = used;
	assert_int_equal(rm_feed(&rm, s + off, n - off, &used), RM_RECORD);
	assert_int_equal(used, 11);
	assert_int_equal(rm.len, 3);
	assert_memory_equal(rm.rec, "two", 3);
	rm_next(&rm);
	off += used;
	assert_int_equal(rm_feed(&rm, s + off, n - off, &used), RM_MORE);
	assert_int_equal(used, n - off);
	assert_true(rm_partial(&rm));
	assert_int_equal(rm_feed(&rm, (const uint8_t *)"reeXX", 5, &used),
	    RM_RECORD);
	assert_int_equal(used, 3);
	assert_memory_equal(rm.rec, "three", 5);
	rm_release(&rm);
}

/* The buffer grows by doubling from its first size, up to max_record. */
static void
test_rm_growth(void **state)
{
	struct rm_reader rm;
	uint8_t		 h[4], *body;
	size_t		 used, prev = 0, steps = 0, i;
	enum { MAX = 9000 };

	body = calloc(1, MAX);
	assert_non_null(body);
	rm_init(&rm, MAX, 2);
	rm_put_header(h, MAX, 1);
	assert_int_equal(rm_feed(&rm, h, 4, &used), RM_MORE);
	assert_null(rm.rec);		/* a declared length allocates nothing */
	for (i = 0; i < MAX; i += 100) {
		assert_int_equal(rm_feed(&rm, body + i, 100, &used),
		    i + 100 < MAX ? RM_MORE : RM_RECORD);
		assert_true(rm.cap >= rm.len);
		assert_true(rm.cap <= MAX);
		if (rm.cap != prev) {
			if (prev != 0)
				assert_true(rm.cap == 2 * prev ||
				    rm.cap == MAX);
			prev = rm.cap;
			steps++;
		}
	}
	assert_true(steps >= 3);
	assert_int_equal(rm.cap, MAX);
	rm_release(&rm);
	assert_null(rm.rec);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_call_vectors),
		cmocka_unit_test(test_call_prefixes),
		cmocka_unit_test(test_call_auth_limit),
		cmocka_unit_test(test_reply_vectors),
		cmocka_unit_test(test_reply_decode_vectors),
		cmocka_unit_test(test_reply_verf_limit),
		cmocka_unit_test(test_encode_call),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_rm_header),
		cmocka_unit_test(test_rm_random),
		cmocka_unit_test(test_rm_vectors),
		cmocka_unit_test(test_rm_split_header),
		cmocka_unit_test(test_rm_two_in_one),
		cmocka_unit_test(test_rm_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
