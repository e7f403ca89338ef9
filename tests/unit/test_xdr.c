/*
 * test_xdr.c - the XDR codec: table-driven decode vectors (good ones
 * re-encoded byte for byte, truncated by 1 to 3 bytes, and followed by
 * trailing data), encoder limits and the sticky error, random round trips.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xdr.h"

enum op { U32, U64, BOOL, FIXED, OPAQUE, STRING, SKIP };

struct dvec {
	const char	*name;
	enum op		 op;
	const char	*in;
	size_t		 inlen;
	uint32_t	 arg;	/* FIXED: len, OPAQUE/STRING: max, SKIP: n */
	size_t		 bufsz;	/* STRING: buffer size (0: arg + 1) */
	int		 ok;
	uint64_t	 val;	/* U32/U64/BOOL value; FIXED/OPAQUE/STRING body length */
	const char	*body;	/* expected body */
	size_t		 used;	/* bytes consumed on success */
};

#define IN(s)	s, sizeof(s) - 1

static const struct dvec dvecs[] = {
	{ "u32", U32, IN("\x01\x02\x03\x04"), 0, 0, 1, 0x01020304, NULL, 4 },
	{ "u32 max", U32, IN("\xff\xff\xff\xff"), 0, 0, 1, 0xffffffff, NULL, 4 },
	{ "u32 empty", U32, IN(""), 0, 0, 0, 0, NULL, 0 },
	{ "u64", U64, IN("\x01\x02\x03\x04\x05\x06\x07\x08"), 0, 0, 1,
	    0x0102030405060708ull, NULL, 8 },
	{ "u64 high bit", U64, IN("\x80\x00\x00\x00\x00\x00\x00\x01"), 0, 0, 1,
	    0x8000000000000001ull, NULL, 8 },
	{ "bool 0", BOOL, IN("\x00\x00\x00\x00"), 0, 0, 1, 0, NULL, 4 },
	{ "bool 1", BOOL, IN("\x00\x00\x00\x01"), 0, 0, 1, 1, NULL, 4 },
	{ "bool 2", BOOL, IN("\x00\x00\x00\x02"), 0, 0, 0, 0, NULL, 0 },
	{ "bool 256", BOOL, IN("\x00\x00\x01\x00"), 0, 0, 0, 0, NULL, 0 },
	{ "bool 0x80000000", BOOL, IN("\x80\x00\x00\x00"), 0, 0, 0, 0, NULL, 0 },
	{ "bool 0xffffffff", BOOL, IN("\xff\xff\xff\xff"), 0, 0, 0, 0, NULL, 0 },
	{ "fixed 5", FIXED, IN("abcde\0\0\0"), 5, 0, 1, 5, "abcde", 8 },
	{ "fixed 4", FIXED, IN("abcd"), 4, 0, 1, 4, "abcd", 4 },
	{ "fixed 0", FIXED, IN(""), 0, 0, 1, 0, "", 0 },
	{ "fixed 5 bad pad", FIXED, IN("abcde\0\0\1"), 5, 0, 0, 0, NULL, 0 },
	{ "fixed 5 bad pad first", FIXED, IN("abcde\x80\0\0"), 5, 0, 0, 0, NULL, 0 },
	{ "fixed 0xffffffff", FIXED, IN("abcdefgh"), 0xffffffff, 0, 0, 0, NULL, 0 },
	{ "opaque 0", OPAQUE, IN("\0\0\0\0"), 8, 0, 1, 0, "", 4 },
	{ "opaque 5", OPAQUE, IN("\0\0\0\5hello\0\0\0"), 8, 0, 1, 5, "hello", 12 },
	{ "opaque 7", OPAQUE, IN("\0\0\0\7abcdefg\0"), 8, 0, 1, 7, "abcdefg", 12 },
	{ "opaque 8 = max", OPAQUE, IN("\0\0\0\x08" "abcdefgh"), 8, 0, 1, 8,
	    "abcdefgh", 12 },
	{ "opaque binary", OPAQUE, IN("\0\0\0\3\0\xff\0\0"), 8, 0, 1, 3,
	    "\0\xff\0", 8 },
	{ "opaque 9 > max", OPAQUE, IN("\0\0\0\x09" "abcdefghi\0\0\0"), 8, 0, 0,
	    0, NULL, 0 },
	{ "opaque 0xffffffff", OPAQUE, IN("\xff\xff\xff\xff" "abcdefgh"), 8, 0,
	    0, 0, NULL, 0 },
	{ "opaque 0x80000000", OPAQUE, IN("\x80\0\0\0" "abcdefgh"), 8, 0, 0, 0,
	    NULL, 0 },
	{ "opaque 0xffffffff max unbounded", OPAQUE,
	    IN("\xff\xff\xff\xff" "abcdefgh"), 0xffffffff, 0, 0, 0, NULL, 0 },
	{ "opaque 0xfffffffd max unbounded", OPAQUE,
	    IN("\xff\xff\xff\xfd" "abcdefgh"), 0xffffffff, 0, 0, 0, NULL, 0 },
	{ "opaque 0x80000000 max unbounded", OPAQUE,
	    IN("\x80\0\0\0" "abcdefgh"), 0xffffffff, 0, 0, 0, NULL, 0 },
	{ "opaque body short", OPAQUE, IN("\0\0\0\6" "abcd"), 8, 0, 0, 0, NULL, 0 },
	{ "opaque pad missing", OPAQUE, IN("\0\0\0\5" "abcde"), 8, 0, 0, 0, NULL, 0 },
	{ "opaque bad pad 1", OPAQUE, IN("\0\0\0\5" "abcde\1\0\0"), 8, 0, 0, 0,
	    NULL, 0 },
	{ "opaque bad pad 3", OPAQUE, IN("\0\0\0\5" "abcde\0\0\xff"), 8, 0, 0,
	    0, NULL, 0 },
	{ "opaque bad pad 1 of 1", OPAQUE, IN("\0\0\0\7" "abcdefg " ), 8, 0, 0,
	    0, NULL, 0 },
	{ "opaque no length", OPAQUE, IN("\0\0\0"), 8, 0, 0, 0, NULL, 0 },
	{ "string", STRING, IN("\0\0\0\5hello\0\0\0"), 8, 0, 1, 5, "hello", 12 },
	{ "string empty", STRING, IN("\0\0\0\0"), 8, 0, 1, 0, "", 4 },
	{ "string = max", STRING, IN("\0\0\0\x08" "12345678"), 8, 0, 1, 8,
	    "12345678", 12 },
	{ "string > max", STRING, IN("\0\0\0\x09" "123456789\0\0\0"), 8, 0, 0,
	    0, NULL, 0 },
	{ "string >= bufsz", STRING, IN("\0\0\0\5hello\0\0\0"), 8, 5, 0, 0,
	    NULL, 0 },
	{ "string bufsz 0", STRING, IN("\0\0\0\0"), 8, 0xffff, 0, 0, NULL, 0 },
	{ "string embedded NUL", STRING, IN("\0\0\0\5he\0lo\0\0\0"), 8, 0, 0, 0,
	    NULL, 0 },
	{ "string trailing NUL", STRING, IN("\0\0\0\4abc\0"), 8, 0, 0, 0, NULL,
	    0 },
	{ "string 0xffffffff", STRING, IN("\xff\xff\xff\xff" "abcd"), 8, 0, 0,
	    0, NULL, 0 },
	{ "string 0x80000000", STRING, IN("\x80\0\0\0" "abcd"), 8, 0, 0, 0,
	    NULL, 0 },
	{ "string bad pad", STRING, IN("\0\0\0\3abc\x01"), 8, 0, 0, 0, NULL, 0 },
	{ "string short body", STRING, IN("\0\0\0\x08" "abcd"), 8, 0, 0, 0, NULL,
	    0 },
	{ "skip 8", SKIP, IN("12345678"), 8, 0, 1, 0, NULL, 8 },
	{ "skip 0", SKIP, IN(""), 0, 0, 1, 0, NULL, 0 },
	{ "skip 9 of 8", SKIP, IN("12345678"), 9, 0, 0, 0, NULL, 0 },
};

#define NDVECS	(sizeof(dvecs) / sizeof(dvecs[0]))
#define CANARY	0x5a

/*
 * Run one decode on in[0..len).  Returns 0/-1 from the getter; on success
 * checks the value and the bytes consumed; on failure checks that the
 * cursor did not move.  out gets the re-encoding of what was decoded.
 */
static int
run_dvec(const struct dvec *v, const uint8_t *in, size_t len,
    struct xdr_enc *out)
{
	struct xdr_dec	 d;
	uint32_t	 u32 = 0, olen = 0;
	uint64_t	 u64 = 0;
	int		 b = -1, rc = -1;
	const uint8_t	*data = NULL;
	char		 sbuf[64 + 8];
	size_t		 bufsz, slen = 12345;

	xdr_dec_init(&d, in, len);
	bufsz = v->bufsz == 0xffff ? 0 : v->bufsz ? v->bufsz : (size_t)v->arg + 1;
	memset(sbuf, CANARY, sizeof(sbuf));
	switch (v->op) {
	case U32:
		if ((rc = xdr_get_u32(&d, &u32)) == 0) {
			assert_int_equal(u32, (uint32_t)v->val);
			xdr_put_u32(out, u32);
		}
		break;
	case U64:
		if ((rc = xdr_get_u64(&d, &u64)) == 0) {
			assert_true(u64 == v->val);
			xdr_put_u64(out, u64);
		}
		break;
	case BOOL:
		if ((rc = xdr_get_bool(&d, &b)) == 0) {
			assert_int_equal(b, (int)v->val);
			xdr_put_bool(out, b);
		} else
			assert_int_equal(b, -1);	/* output untouched */
		break;
	case FIXED:
		if ((rc = xdr_get_fixed(&d, &data, v->arg)) == 0) {
			assert_memory_equal(data, v->body, v->val);
			xdr_put_fixed(out, data, v->arg);
		}
		break;
	case OPAQUE:
		if ((rc = xdr_get_opaque(&d, &data, &olen, v->arg)) == 0) {
			assert_int_equal(olen, v->val);
			assert_ptr_equal(data, in + 4);	/* no copy */
			assert_memory_equal(data, v->body, olen);
			xdr_put_opaque(out, data, olen);
		}
		break;
	case STRING:
		assert_true(bufsz <= 64);
		rc = xdr_get_string(&d, sbuf, bufsz, v->arg, &slen);
		if (rc == 0) {
			assert_int_equal(slen, v->val);
			assert_int_equal(strlen(sbuf), v->val);
			assert_memory_equal(sbuf, v->body, slen);
			xdr_put_stringn(out, sbuf, slen);
		} else
			assert_int_equal(slen, 12345);
		/* nothing written past the buffer */
		for (size_t i = bufsz; i < sizeof(sbuf); i++)
			assert_int_equal((uint8_t)sbuf[i], CANARY);
		break;
	case SKIP:
		if ((rc = xdr_skip(&d, v->arg)) == 0)
			xdr_put_fixed(out, in, v->arg);	/* raw copy */
		break;
	}
	if (rc == 0) {
		assert_ptr_equal(d.p, in + v->used);
		assert_int_equal(d.left, len - v->used);
	} else {
		assert_int_equal(rc, -1);
		assert_ptr_equal(d.p, in);
		assert_int_equal(d.left, len);
	}
	return rc;
}

static void
test_decode_vectors(void **state)
{
	uint8_t		 buf[128];
	struct xdr_enc	 out;
	size_t		 i, k;
	int		 rc;

	for (i = 0; i < NDVECS; i++) {
		const struct dvec *v = &dvecs[i];

		print_message("vector: %s\n", v->name);
		assert_true(v->inlen + 8 <= sizeof(buf));
		/* A private copy, so a read past the end trips ASan. */
		uint8_t *in = malloc(v->inlen + 1);
		assert_non_null(in);
		memcpy(in, v->in, v->inlen);

		xdr_enc_init_grow(&out, 1024);
		rc = run_dvec(v, in, v->inlen, &out);
		assert_int_equal(rc, v->ok ? 0 : -1);
		if (rc == 0) {
			/* re-encoded byte for byte */
			assert_false(out.err);
			assert_int_equal(out.len, v->used);
			if (v->used > 0)
				assert_memory_equal(out.buf, in, v->used);
			/* short by 1 to 3 bytes: rejected, cursor unmoved */
			for (k = 1; k <= 3 && k <= v->used; k++) {
				xdr_enc_reset(&out);
				assert_int_equal(run_dvec(v, in, v->used - k,
				    &out), -1);
				assert_int_equal(out.len, 0);
			}
			/* trailing data is left in the cursor */
			memcpy(buf, in, v->inlen);
			memcpy(buf + v->inlen, "\xde\xad\xbe\xef", 4);
			xdr_enc_reset(&out);
			assert_int_equal(run_dvec(v, buf, v->inlen + 4, &out), 0);
		}
		xdr_enc_free(&out);
		free(in);
	}
}

static void
test_pad(void **state)
{
	static const struct { size_t n, pad; } t[] = {
		{ 0, 0 }, { 1, 3 }, { 2, 2 }, { 3, 1 }, { 4, 0 }, { 5, 3 },
		{ 0xffffffff, 1 }, { 0xfffffffc, 0 }, { 0xfffffffd, 3 },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(xdr_pad(t[i].n), t[i].pad);
}

static void
test_dec_null(void **state)
{
	struct xdr_dec	d;
	uint32_t	v;

	xdr_dec_init(&d, NULL, 0);
	assert_int_equal(d.left, 0);
	assert_int_equal(xdr_get_u32(&d, &v), -1);
	assert_int_equal(xdr_skip(&d, 0), 0);
	assert_int_equal(xdr_skip(&d, 1), -1);
}

/* A fixed buffer: a put that does not fit sets err, and err sticks. */
static void
test_enc_fixed_sticky(void **state)
{
	uint8_t		buf[16];
	struct xdr_enc	e;

	memset(buf, CANARY, sizeof(buf));
	xdr_enc_init(&e, buf, 10);
	xdr_put_u32(&e, 1);
	xdr_put_u32(&e, 2);
	assert_false(e.err);
	assert_int_equal(e.len, 8);
	xdr_put_u32(&e, 3);			/* 12 > 10 */
	assert_true(e.err);
	assert_int_equal(e.len, 8);
	assert_null(xdr_reserve(&e, 0));	/* even nothing fails now */
	xdr_put_fixed(&e, "ab", 2);		/* would fit in 2 bytes */
	assert_true(e.err);
	assert_int_equal(e.len, 8);
	assert_memory_equal(buf, "\0\0\0\1\0\0\0\2", 8);
	assert_int_equal(buf[8], CANARY);
	assert_int_equal(buf[9], CANARY);
	assert_int_equal(buf[10], CANARY);

	xdr_enc_reset(&e);
	assert_false(e.err);
	assert_int_equal(e.len, 0);
	assert_ptr_equal(e.buf, buf);
	xdr_put_fixed(&e, "abcdefgh", 8);
	xdr_put_fixed(&e, "ij", 2);		/* 8 + 2 + 2 pad > 10 */
	assert_true(e.err);
	assert_int_equal(e.len, 8);
	xdr_enc_free(&e);			/* not ours: not freed */
	assert_null(e.buf);
}

/* An opaque that does not fit writes nothing, not even its length. */
static void
test_enc_opaque_atomic(void **state)
{
	uint8_t		buf[16];
	struct xdr_enc	e;
	size_t		i;

	memset(buf, CANARY, sizeof(buf));
	xdr_enc_init(&e, buf, 12);
	xdr_put_opaque(&e, "abcdefghi", 9);	/* 4 + 12 > 12 */
	assert_true(e.err);
	assert_int_equal(e.len, 0);
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], CANARY);

	xdr_enc_reset(&e);
	xdr_put_opaque(&e, "abcdefgh", 8);	/* exactly 12 */
	assert_false(e.err);
	assert_int_equal(e.len, 12);
	assert_int_equal(buf[12], CANARY);
}

/* Padding is written as zeros whatever was in the buffer. */
static void
test_enc_padding(void **state)
{
	static const struct {
		const char	*s;
		const char	*want;
		size_t		 wantlen;
	} t[] = {
		{ "", IN("\0\0\0\0") },
		{ "a", IN("\0\0\0\1" "a\0\0\0") },
		{ "ab", IN("\0\0\0\2" "ab\0\0") },
		{ "abc", IN("\0\0\0\3" "abc\0") },
		{ "abcd", IN("\0\0\0\4" "abcd") },
		{ "abcde", IN("\0\0\0\5" "abcde\0\0\0") },
	};
	uint8_t		buf[32];
	struct xdr_enc	e;
	size_t		i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(buf, 0xaa, sizeof(buf));
		xdr_enc_init(&e, buf, sizeof(buf));
		xdr_put_string(&e, t[i].s);
		assert_false(e.err);
		assert_int_equal(e.len, t[i].wantlen);
		assert_memory_equal(buf, t[i].want, t[i].wantlen);

		memset(buf, 0xaa, sizeof(buf));
		xdr_enc_reset(&e);
		xdr_put_fixed(&e, t[i].s, strlen(t[i].s));
		assert_int_equal(e.len, t[i].wantlen - 4);
		assert_memory_equal(buf, t[i].want + 4, t[i].wantlen - 4);
	}
}

static void
test_enc_values(void **state)
{
	uint8_t		buf[32];
	struct xdr_enc	e;

	xdr_enc_init(&e, buf, sizeof(buf));
	xdr_put_u32(&e, 0xdeadbeef);
	xdr_put_u64(&e, 0x0102030405060708ull);
	xdr_put_bool(&e, 0);
	xdr_put_bool(&e, 42);			/* any true is 1 */
	xdr_put_stringn(&e, "xyz!!", 3);
	assert_false(e.err);
	assert_int_equal(e.len, 4 + 8 + 4 + 4 + 8);
	assert_memory_equal(buf, "\xde\xad\xbe\xef\1\2\3\4\5\6\7\x08"
	    "\0\0\0\0\0\0\0\1\0\0\0\3xyz\0", e.len);
}

static void
test_enc_reserve(void **state)
{
	uint8_t		buf[8];
	struct xdr_enc	e;
	uint8_t		*p;

	xdr_enc_init(&e, buf, sizeof(buf));
	assert_non_null(xdr_reserve(&e, 0));
	assert_int_equal(e.len, 0);
	p = xdr_reserve(&e, 3);
	assert_ptr_equal(p, buf);
	assert_int_equal(e.len, 3);		/* reserved bytes count */
	assert_ptr_equal(xdr_reserve(&e, 5), buf + 3);
	assert_int_equal(e.len, 8);
	assert_false(e.err);
	assert_null(xdr_reserve(&e, 1));
	assert_true(e.err);

	xdr_enc_init(&e, buf, sizeof(buf));
	assert_null(xdr_reserve(&e, SIZE_MAX));	/* no wrap-around */
	assert_true(e.err);
	assert_int_equal(e.len, 0);

	xdr_enc_init_grow(&e, 64);
	assert_null(xdr_reserve(&e, SIZE_MAX - 2));
	assert_true(e.err);
	assert_null(e.buf);
	xdr_enc_free(&e);
}

/*
 * A growable buffer starts empty, doubles, stops at max exactly, and a put
 * past max sets the sticky error without losing what was written.
 */
static void
test_enc_grow(void **state)
{
	struct xdr_enc	e;
	struct xdr_dec	d;
	size_t		prevcap = 0, changes = 0;
	uint32_t	i, v;

	xdr_enc_init_grow(&e, 5000);
	assert_null(e.buf);			/* lazy */
	assert_int_equal(e.cap, 0);
	for (i = 0; i < 1300; i++) {
		xdr_put_u32(&e, i * 7);
		assert_true(e.cap <= 5000);
		assert_true(e.len <= e.cap);
		if (e.cap != prevcap) {
			if (prevcap != 0)
				assert_true(e.cap == 2 * prevcap ||
				    e.cap == 5000);
			prevcap = e.cap;
			changes++;
		}
		if (i < 1250)
			assert_false(e.err);
		else
			assert_true(e.err);
	}
	assert_true(changes >= 5);
	assert_int_equal(e.cap, 5000);
	assert_int_equal(e.len, 5000);
	xdr_dec_init(&d, e.buf, e.len);
	for (i = 0; i < 1250; i++) {
		assert_int_equal(xdr_get_u32(&d, &v), 0);
		assert_int_equal(v, i * 7);
	}
	assert_int_equal(d.left, 0);

	/* reset keeps the buffer */
	uint8_t *old = e.buf;
	xdr_enc_reset(&e);
	assert_false(e.err);
	assert_int_equal(e.len, 0);
	assert_ptr_equal(e.buf, old);
	xdr_put_u32(&e, 1);
	assert_false(e.err);
	xdr_enc_free(&e);
	assert_null(e.buf);
	assert_int_equal(e.cap, 0);
	assert_int_equal(e.len, 0);
}

/* One put bigger than max fails at once, before any allocation. */
static void
test_enc_grow_too_big(void **state)
{
	struct xdr_enc	 e;
	uint8_t		*big;

	big = calloc(1, 200);
	assert_non_null(big);
	xdr_enc_init_grow(&e, 100);
	xdr_put_opaque(&e, big, 200);
	assert_true(e.err);
	assert_int_equal(e.len, 0);
	assert_null(e.buf);
	xdr_enc_free(&e);

	xdr_enc_init_grow(&e, 100);
	xdr_put_opaque(&e, big, 96);		/* 4 + 96 = 100: fits */
	assert_false(e.err);
	assert_int_equal(e.len, 100);
	xdr_put_bool(&e, 1);
	assert_true(e.err);
	xdr_enc_free(&e);

	xdr_enc_init_grow(&e, 0);
	xdr_put_u32(&e, 0);
	assert_true(e.err);
	xdr_enc_free(&e);
	free(big);
}

/* Deterministic PRNG (xorshift32). */
static uint32_t
rnd(uint32_t *s)
{
	uint32_t	x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/*
 * Random sequences of items: encode, decode checking every value, encode
 * again from the decoded values and compare byte for byte.
 */
static void
test_roundtrip_random(void **state)
{
	enum { NITEMS = 64 };
	struct item {
		int		 op;
		uint64_t	 v;
		uint8_t		 data[40];
		uint32_t	 len;
	} items[NITEMS];
	struct xdr_enc	 e1, e2;
	struct xdr_dec	 d;
	uint32_t	 seed = 0x1234567, round, i, j, u32, olen;
	uint64_t	 u64;
	int		 b;
	const uint8_t	*data;
	char		 s[41];
	size_t		 slen;

	for (round = 0; round < 200; round++) {
		xdr_enc_init_grow(&e1, 1 << 16);
		xdr_enc_init_grow(&e2, 1 << 16);
		for (i = 0; i < NITEMS; i++) {
			struct item *it = &items[i];

			it->op = rnd(&seed) % 6;
			it->v = ((uint64_t)rnd(&seed) << 32) | rnd(&seed);
			it->len = rnd(&seed) % 41;
			for (j = 0; j < it->len; j++)
				it->data[j] = it->op == STRING ?
				    'a' + rnd(&seed) % 26 : rnd(&seed);
			switch (it->op) {
			case U32: xdr_put_u32(&e1, (uint32_t)it->v); break;
			case U64: xdr_put_u64(&e1, it->v); break;
			case BOOL: xdr_put_bool(&e1, it->v & 1); break;
			case FIXED: xdr_put_fixed(&e1, it->data, it->len); break;
			case OPAQUE: xdr_put_opaque(&e1, it->data, it->len); break;
			case STRING: xdr_put_stringn(&e1, (char *)it->data,
			    it->len); break;
			}
		}
		assert_false(e1.err);
		xdr_dec_init(&d, e1.buf, e1.len);
		for (i = 0; i < NITEMS; i++) {
			struct item *it = &items[i];

			switch (it->op) {
			case U32:
				assert_int_equal(xdr_get_u32(&d, &u32), 0);
				assert_int_equal(u32, (uint32_t)it->v);
				xdr_put_u32(&e2, u32);
				break;
			case U64:
				assert_int_equal(xdr_get_u64(&d, &u64), 0);
				assert_true(u64 == it->v);
				xdr_put_u64(&e2, u64);
				break;
			case BOOL:
				assert_int_equal(xdr_get_bool(&d, &b), 0);
				assert_int_equal(b, (int)(it->v & 1));
				xdr_put_bool(&e2, b);
				break;
			case FIXED:
				assert_int_equal(xdr_get_fixed(&d, &data,
				    it->len), 0);
				assert_memory_equal(data, it->data, it->len);
				xdr_put_fixed(&e2, data, it->len);
				break;
			case OPAQUE:
				assert_int_equal(xdr_get_opaque(&d, &data,
				    &olen, 40), 0);
				assert_int_equal(olen, it->len);
				assert_memory_equal(data, it->data, olen);
				xdr_put_opaque(&e2, data, olen);
				break;
			case STRING:
				assert_int_equal(xdr_get_string(&d, s,
				    sizeof(s), 40, &slen), 0);
				assert_int_equal(slen, it->len);
				assert_memory_equal(s, it->data, slen);
				xdr_put_string(&e2, s);
				break;
			}
		}
		assert_int_equal(d.left, 0);
		assert_false(e2.err);
		assert_int_equal(e2.len, e1.len);
		assert_memory_equal(e2.buf, e1.buf, e1.len);
		xdr_enc_free(&e1);
		xdr_enc_free(&e2);
	}
}

/* Bytes by reference: only where the encoder's owner sends them along. */
static void
test_put_ref(void **state)
{
	static const uint8_t body[8] = { 0, 0, 0, 1, 0, 0, 0, 2 };
	uint8_t buf[16];
	struct xdr_enc e;

	/* an ordinary encoder copies */
	xdr_enc_init(&e, buf, sizeof(buf));
	xdr_put_u32(&e, 7);
	xdr_put_ref(&e, body, sizeof(body));
	assert_false(e.err);
	assert_int_equal(e.len, 12);
	assert_null(e.ext);
	assert_memory_equal(buf + 4, body, 8);
	/* ... within its limit */
	xdr_put_ref(&e, body, sizeof(body));
	assert_true(e.err);
	/* one that allows it keeps a reference, and nothing may follow */
	xdr_enc_init(&e, buf, sizeof(buf));
	e.ext_ok = 1;
	xdr_put_u32(&e, 7);
	xdr_put_ref(&e, body, sizeof(body));
	assert_false(e.err);
	assert_int_equal(e.len, 4);
	assert_ptr_equal(e.ext, body);
	assert_int_equal(e.extlen, 8);
	xdr_put_u32(&e, 8);
	assert_true(e.err);
	/* reset forgets it */
	xdr_enc_reset(&e);
	assert_null(e.ext);
	assert_int_equal(e.extlen, 0);
	assert_false(e.err);
	/* the limit counts the reference too */
	xdr_put_u32(&e, 7);
	xdr_put_u32(&e, 7);
	xdr_put_ref(&e, body, sizeof(body));
	assert_false(e.err);
	xdr_enc_reset(&e);
	xdr_put_u32(&e, 7);
	xdr_put_u32(&e, 7);
	xdr_put_u32(&e, 7);
	xdr_put_ref(&e, body, sizeof(body));
	assert_true(e.err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_vectors),
		cmocka_unit_test(test_put_ref),
		cmocka_unit_test(test_pad),
		cmocka_unit_test(test_dec_null),
		cmocka_unit_test(test_enc_fixed_sticky),
		cmocka_unit_test(test_enc_opaque_atomic),
		cmocka_unit_test(test_enc_padding),
		cmocka_unit_test(test_enc_values),
		cmocka_unit_test(test_enc_reserve),
		cmocka_unit_test(test_enc_grow),
		cmocka_unit_test(test_enc_grow_too_big),
		cmocka_unit_test(test_roundtrip_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
