/*
 * xdr.h - the XDR codec (RFC 4506).
 *
 * Decoding goes through a cursor (pointer plus bytes left): every getter
 * checks first and consumes only on success, so no read ever leaves the
 * datagram or record the cursor was made from.  Getters return 0 or -1.
 *
 * Encoding appends to a buffer with a sticky error: once a put fails (the
 * buffer reached its limit), every later put is a no-op and the error stays,
 * so a run of puts is checked once, at the end.
 */
#ifndef XDR_H
#define XDR_H

#include <stddef.h>
#include <stdint.h>

struct xdr_dec {
	const uint8_t	*p;
	size_t		 left;
};

void	xdr_dec_init(struct xdr_dec *, const void *buf, size_t len);
int	xdr_get_u32(struct xdr_dec *, uint32_t *);
int	xdr_get_u64(struct xdr_dec *, uint64_t *);
/* A bool that is neither 0 nor 1 is an error. */
int	xdr_get_bool(struct xdr_dec *, int *);
/* Fixed-length opaque of len bytes plus padding; *data points into the input. */
int	xdr_get_fixed(struct xdr_dec *, const uint8_t **data, uint32_t len);
/*
 * Variable-length opaque<max>: the declared length is compared with max
 * (and with the bytes left) before anything else; padding must be zero.
 * *data points into the input (no copy).
 */
int	xdr_get_opaque(struct xdr_dec *, const uint8_t **data, uint32_t *len,
	    uint32_t max);
/*
 * string<max> copied into buf (bufsz > max) and NUL-terminated.  A string
 * with an embedded NUL is rejected.  *lenp, if not NULL, gets its length.
 */
int	xdr_get_string(struct xdr_dec *, char *buf, size_t bufsz, uint32_t max,
	    size_t *lenp);
/* Skip n bytes (already padded by the caller). */
int	xdr_skip(struct xdr_dec *, size_t n);

struct xdr_enc {
	uint8_t	*buf;
	size_t	 len;		/* bytes written */
	size_t	 cap;		/* bytes allocated */
	size_t	 max;		/* never grow past this */
	int	 grow;		/* buf is malloc'd and may be realloc'd up to max */
	int	 err;		/* sticky: a put did not fit */
	/*
	 * (additive) Bytes after buf[0..len) held by reference, see
	 * xdr_put_ref(): the message is buf[0..len) then ext[0..extlen).
	 * Only an encoder whose owner set ext_ok (and sends ext along) gets
	 * them; the init and reset functions clear ext and extlen.
	 */
	int		 ext_ok;
	const uint8_t	*ext;
	size_t		 extlen;
};

/* A fixed buffer of cap bytes (not owned). */
void	xdr_enc_init(struct xdr_enc *, void *buf, size_t cap);
/* A growable buffer, starting empty or with an earlier one, capped at max. */
void	xdr_enc_init_grow(struct xdr_enc *, size_t max);
void	xdr_enc_free(struct xdr_enc *);
/* Start over (keeps the buffer, clears len and err). */
void	xdr_enc_reset(struct xdr_enc *);
/*
 * Room for n more bytes, or NULL (and err set).  The n bytes count as
 * written (len grows by n): the caller fills them through the pointer.
 */
uint8_t	*xdr_reserve(struct xdr_enc *, size_t n);
void	xdr_put_u32(struct xdr_enc *, uint32_t);
void	xdr_put_u64(struct xdr_enc *, uint64_t);
void	xdr_put_bool(struct xdr_enc *, int);
void	xdr_put_fixed(struct xdr_enc *, const void *, uint32_t len);
void	xdr_put_opaque(struct xdr_enc *, const void *, uint32_t len);
void	xdr_put_string(struct xdr_enc *, const char *);
void	xdr_put_stringn(struct xdr_enc *, const char *, size_t len);
/*
 * (additive) n bytes already encoded (a multiple of 4, e.g. a cached DUMP
 * body) that stay valid until the reply is sent: by reference when the
 * encoder allows it (ext_ok), else copied.  Nothing may be put after
 * them.
 */
void	xdr_put_ref(struct xdr_enc *, const void *, size_t n);

/* Bytes of padding after n bytes of opaque data. */
static inline size_t
xdr_pad(size_t n)
{
	return (4 - (n & 3)) & 3;
}

#endif
