/*
 * xdr.c - the XDR codec (RFC 4506): a checked cursor for decoding and an
 * encoder with a sticky error.  Pure code, no I/O.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xdr.h"

#define XDR_GROW_FIRST	256	/* first allocation of a growable encoder */

static uint32_t
xdr_load32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void
xdr_store32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* True when the n bytes at p are all zero (XDR padding). */
static int
xdr_zero(const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

void
xdr_dec_init(struct xdr_dec *d, const void *buf, size_t len)
{
	d->p = buf;
	d->left = buf != NULL ? len : 0;
}

int
xdr_get_u32(struct xdr_dec *d, uint32_t *v)
{
	if (d->left < 4)
		return -1;
	*v = xdr_load32(d->p);
	d->p += 4;
	d->left -= 4;
	return 0;
}

int
xdr_get_u64(struct xdr_dec *d, uint64_t *v)
{
	if (d->left < 8)
		return -1;
	*v = ((uint64_t)xdr_load32(d->p) << 32) | xdr_load32(d->p + 4);
	d->p += 8;
	d->left -= 8;
	return 0;
}

int
xdr_get_bool(struct xdr_dec *d, int *b)
{
	uint32_t	v;

	if (d->left < 4)
		return -1;
	v = xdr_load32(d->p);
	if (v > 1)
		return -1;
	*b = (int)v;
	d->p += 4;
	d->left -= 4;
	return 0;
}

/*
 * The body of len bytes plus its padding at the cursor: checked against the
 * bytes left, padding checked for zeros, consumed only when all is well.
 */
static int
xdr_get_body(struct xdr_dec *d, const uint8_t **data, uint32_t len)
{
	size_t	pad = xdr_pad(len);

	if (len > d->left || pad > d->left - len)
		return -1;
	if (!xdr_zero(d->p + len, pad))
		return -1;
	*data = d->p;
	d->p += (size_t)len + pad;
	d->left -= (size_t)len + pad;
	return 0;
}

int
xdr_get_fixed(struct xdr_dec *d, const uint8_t **data, uint32_t len)
{
	return xdr_get_body(d, data, len);
}

int
xdr_get_opaque(struct xdr_dec *d, const uint8_t **data, uint32_t *lenp,
    uint32_t max)
{
	struct xdr_dec	c = *d;
	const uint8_t	*body;
	uint32_t	 len;

	if (xdr_get_u32(&c, &len) == -1)
		return -1;
	if (len > max)
		return -1;
	if (xdr_get_body(&c, &body, len) == -1)
		return -1;
	*data = body;
	*lenp = len;
	*d = c;
	return 0;
}

int
xdr_get_string(struct xdr_dec *d, char *buf, size_t bufsz, uint32_t max,
    size_t *lenp)
{
	struct xdr_dec	c = *d;
	const uint8_t	*body;
	uint32_t	 len;

	if (bufsz == 0)
		return -1;
	if (xdr_get_u32(&c, &len) == -1)
		return -1;
	if (len > max || len >= bufsz)
		return -1;
	if (xdr_get_body(&c, &body, len) == -1)
		return -1;
	if (len > 0 && memchr(body, '\0', len) != NULL)
		return -1;
	if (len > 0)
		memcpy(buf, body, len);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	*d = c;
	return 0;
}

int
xdr_skip(struct xdr_dec *d, size_t n)
{
	if (n > d->left)
		return -1;
	d->p += n;
	d->left -= n;
	return 0;
}

void
xdr_enc_init(struct xdr_enc *e, void *buf, size_t cap)
{
	e->buf = buf;
	e->len = 0;
	e->cap = buf != NULL ? cap : 0;
	e->max = e->cap;
	e->grow = 0;
	e->err = 0;
	e->ext_ok = 0;
	e->ext = NULL;
	e->extlen = 0;
}

void
xdr_enc_init_grow(struct xdr_enc *e, size_t max)
{
	e->buf = NULL;
	e->len = 0;
	e->cap = 0;
	e->max = max;
	e->grow = 1;
	e->err = 0;
	e->ext_ok = 0;
	e->ext = NULL;
	e->extlen = 0;
}

void
xdr_enc_free(struct xdr_enc *e)
{
	if (e->grow)
		free(e->buf);
	e->buf = NULL;
	e->len = 0;
	e->cap = 0;
}

void
xdr_enc_reset(struct xdr_enc *e)
{
	e->len = 0;
	e->err = 0;
	e->ext = NULL;
	e->extlen = 0;
}

void
xdr_put_ref(struct xdr_enc *e, const void *data, size_t n)
{
	uint8_t	*p;

	if (e->err)
		return;
	if (e->ext != NULL || n > e->max || e->len > e->max - n) {
		e->err = 1;
		return;
	}
	if (e->ext_ok && n > 0) {
		e->ext = data;
		e->extlen = n;
		return;
	}
	if ((p = xdr_reserve(e, n)) != NULL && n > 0)
		memcpy(p, data, n);
}

/* Make cap at least need (need <= max), doubling; -1 if it can't. */
static int
xdr_enc_grow(struct xdr_enc *e, size_t need)
{
	uint8_t	*nb;
	size_t	 ncap;

	if (!e->grow)
		return -1;
	ncap = e->cap > 0 ? e->cap : XDR_GROW_FIRST;
	while (ncap < need) {
		if (ncap > e->max / 2) {
			ncap = e->max;
			break;
		}
		ncap *= 2;
	}
	if (ncap > e->max)
		ncap = e->max;
	if ((nb = realloc(e->buf, ncap)) == NULL)
		return -1;
	e->buf = nb;
	e->cap = ncap;
	return 0;
}

/*
 * Reserve n bytes at the end of the output: they count as written (len
 * grows by n) and the caller fills them in through the returned pointer.
 */
uint8_t *
xdr_reserve(struct xdr_enc *e, size_t n)
{
	uint8_t	*p;

	if (e->err)
		return NULL;
	/* nothing goes after bytes held by reference (xdr_put_ref) */
	if (e->ext != NULL || n > e->max || e->len + e->extlen > e->max - n) {
		e->err = 1;
		return NULL;
	}
	if (e->len + n > e->cap && xdr_enc_grow(e, e->len + n) == -1) {
		e->err = 1;
		return NULL;
	}
	if (e->buf == NULL) {		/* n == 0 on an empty encoder */
		static uint8_t	none[1];

		if (n == 0)
			return none;
		e->err = 1;
		return NULL;
	}
	p = e->buf + e->len;
	e->len += n;
	return p;
}

void
xdr_put_u32(struct xdr_enc *e, uint32_t v)
{
	uint8_t	*p;

	if ((p = xdr_reserve(e, 4)) != NULL)
		xdr_store32(p, v);
}

void
xdr_put_u64(struct xdr_enc *e, uint64_t v)
{
	uint8_t	*p;

	if ((p = xdr_reserve(e, 8)) != NULL) {
		xdr_store32(p, (uint32_t)(v >> 32));
		xdr_store32(p + 4, (uint32_t)v);
	}
}

void
xdr_put_bool(struct xdr_enc *e, int b)
{
	xdr_put_u32(e, b ? 1 : 0);
}

void
xdr_put_fixed(struct xdr_enc *e, const void *data, uint32_t len)
{
	size_t	 pad = xdr_pad(len);
	uint8_t	*p;

	if (len > e->max || e->max - len < pad) {
		e->err = 1;
		return;
	}
	if ((p = xdr_reserve(e, (size_t)len + pad)) == NULL)
		return;
	if (len > 0)
		memcpy(p, data, len);
	memset(p + len, 0, pad);
}

void
xdr_put_opaque(struct xdr_enc *e, const void *data, uint32_t len)
{
	size_t	 pad = xdr_pad(len);
	uint8_t	*p;

	if (len > e->max || e->max - len < 4 + pad) {
		e->err = 1;
		return;
	}
	/* One reservation: the length never goes out without its body. */
	if ((p = xdr_reserve(e, 4 + (size_t)len + pad)) == NULL)
		return;
	xdr_store32(p, len);
	if (len > 0)
		memcpy(p + 4, data, len);
	memset(p + 4 + len, 0, pad);
}

void
xdr_put_string(struct xdr_enc *e, const char *s)
{
	xdr_put_stringn(e, s, s != NULL ? strlen(s) : 0);
}

void
xdr_put_stringn(struct xdr_enc *e, const char *s, size_t len)
{
	if (len > UINT32_MAX) {
		e->err = 1;
		return;
	}
	xdr_put_opaque(e, s, (uint32_t)len);
}
