/*
 * rpcmsg.c - RPC messages (RFC 5531): call and reply headers, and the
 * record marking of stream transports (section 11).  Pure code, no I/O.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pmap_prot.h"
#include "rpcmsg.h"
#include "xdr.h"

#define RM_FIRST_ALLOC	1024	/* first record buffer, grown by doubling */

/* opaque_auth: flavor and a body of at most RPC_AUTH_MAX bytes. */
static int
rpcmsg_get_auth(struct xdr_dec *d, struct rpc_auth *a)
{
	struct xdr_dec	c = *d;
	uint32_t	flavor, len;
	const uint8_t	*body;

	if (xdr_get_u32(&c, &flavor) == -1 ||
	    xdr_get_opaque(&c, &body, &len, RPC_AUTH_MAX) == -1)
		return -1;
	a->flavor = flavor;
	a->len = len;
	a->body = body;
	*d = c;
	return 0;
}

static void
rpcmsg_put_auth(struct xdr_enc *e, const struct rpc_auth *a)
{
	if (a == NULL) {
		xdr_put_u32(e, AUTH_NONE_FLAVOR);
		xdr_put_u32(e, 0);
		return;
	}
	if (a->len > RPC_AUTH_MAX) {	/* no peer would accept it */
		e->err = 1;
		return;
	}
	xdr_put_u32(e, a->flavor);
	xdr_put_opaque(e, a->body, a->len);
}

/* A big-endian word (the hot path reads the header without calls). */
static inline uint32_t
rpcmsg_load32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/*
 * opaque_auth at p (n bytes there), with the same checks as
 * rpcmsg_get_auth: length at most RPC_AUTH_MAX, within n, zero padding.
 * Bytes used, or 0 when malformed.
 */
static size_t
rpcmsg_auth_at(const uint8_t *p, size_t n, struct rpc_auth *a)
{
	uint32_t	len;
	size_t		pad, i;

	if (n < 8)
		return 0;
	len = rpcmsg_load32(p + 4);
	if (len > RPC_AUTH_MAX)
		return 0;
	pad = (4 - (len & 3)) & 3;
	if ((size_t)len + pad > n - 8)
		return 0;
	for (i = 0; i < pad; i++)
		if (p[8 + len + i] != 0)
			return 0;
	a->flavor = rpcmsg_load32(p);
	a->len = len;
	a->body = p + 8;
	return 8 + (size_t)len + pad;
}

enum rpcmsg_status
rpcmsg_decode_call(struct xdr_dec *d, struct rpc_call *call)
{
	uint32_t	mtype;
	size_t		c1, c2;

	/* the usual case, a whole header: read it in place */
	if (d->left >= 24 + 16) {
		call->xid = rpcmsg_load32(d->p);
		mtype = rpcmsg_load32(d->p + 4);
		call->rpcvers = rpcmsg_load32(d->p + 8);
		if (mtype == RPC_CALL && call->rpcvers == RPC_VERS) {
			call->prog = rpcmsg_load32(d->p + 12);
			call->vers = rpcmsg_load32(d->p + 16);
			call->proc = rpcmsg_load32(d->p + 20);
			if ((c1 = rpcmsg_auth_at(d->p + 24, d->left - 24,
			    &call->cred)) == 0 ||
			    (c2 = rpcmsg_auth_at(d->p + 24 + c1,
			    d->left - 24 - c1, &call->verf)) == 0)
				return RPCMSG_BAD_AUTH;
			d->p += 24 + c1 + c2;
			d->left -= 24 + c1 + c2;
			return RPCMSG_OK;
		}
	}
	memset(call, 0, sizeof(*call));		/* the careful way */
	if (xdr_get_u32(d, &call->xid) == -1 ||
	    xdr_get_u32(d, &mtype) == -1 || mtype != RPC_CALL)
		return RPCMSG_NOT_CALL;
	if (xdr_get_u32(d, &call->rpcvers) == -1)
		return RPCMSG_NOT_CALL;
	if (call->rpcvers != RPC_VERS)
		return RPCMSG_BAD_RPCVERS;
	if (xdr_get_u32(d, &call->prog) == -1 ||
	    xdr_get_u32(d, &call->vers) == -1 ||
	    xdr_get_u32(d, &call->proc) == -1)
		return RPCMSG_NOT_CALL;
	if (rpcmsg_get_auth(d, &call->cred) == -1 ||
	    rpcmsg_get_auth(d, &call->verf) == -1)
		return RPCMSG_BAD_AUTH;
	return RPCMSG_OK;
}

static inline void
rpcmsg_store32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* xid, REPLY, MSG_ACCEPTED, AUTH_NONE verifier, accept_stat: one reserve. */
static void
rpcmsg_accepted_head(struct xdr_enc *e, uint32_t xid, uint32_t stat)
{
	uint8_t	*p;

	if ((p = xdr_reserve(e, 24)) == NULL)
		return;
	rpcmsg_store32(p, xid);
	rpcmsg_store32(p + 4, RPC_REPLY);
	rpcmsg_store32(p + 8, MSG_ACCEPTED);
	rpcmsg_store32(p + 12, AUTH_NONE_FLAVOR);
	rpcmsg_store32(p + 16, 0);
	rpcmsg_store32(p + 20, stat);
}

void
rpcmsg_reply_success(struct xdr_enc *e, uint32_t xid)
{
	rpcmsg_accepted_head(e, xid, ACC_SUCCESS);
}

/*
 * Any accept_stat.  PROG_MISMATCH needs its version range and should go
 * through rpcmsg_reply_prog_mismatch(); here it gets 0, 0 so that the
 * reply at least stays well-formed.
 */
void
rpcmsg_reply_accepted(struct xdr_enc *e, uint32_t xid, uint32_t stat)
{
	rpcmsg_accepted_head(e, xid, stat);
	if (stat == ACC_PROG_MISMATCH) {
		xdr_put_u32(e, 0);
		xdr_put_u32(e, 0);
	}
}

void
rpcmsg_reply_prog_mismatch(struct xdr_enc *e, uint32_t xid, uint32_t low,
    uint32_t high)
{
	rpcmsg_accepted_head(e, xid, ACC_PROG_MISMATCH);
	xdr_put_u32(e, low);
	xdr_put_u32(e, high);
}

static void
rpcmsg_denied_head(struct xdr_enc *e, uint32_t xid, uint32_t stat)
{
	xdr_put_u32(e, xid);
	xdr_put_u32(e, RPC_REPLY);
	xdr_put_u32(e, MSG_DENIED);
	xdr_put_u32(e, stat);
}

void
rpcmsg_reply_rpc_mismatch(struct xdr_enc *e, uint32_t xid, uint32_t low,
    uint32_t high)
{
	rpcmsg_denied_head(e, xid, REJ_RPC_MISMATCH);
	xdr_put_u32(e, low);
	xdr_put_u32(e, high);
}

void
rpcmsg_reply_auth_error(struct xdr_enc *e, uint32_t xid, uint32_t auth_stat)
{
	rpcmsg_denied_head(e, xid, REJ_AUTH_ERROR);
	xdr_put_u32(e, auth_stat);
}

void
rpcmsg_encode_call(struct xdr_enc *e, uint32_t xid, uint32_t prog,
    uint32_t vers, uint32_t proc, const struct rpc_auth *cred)
{
	xdr_put_u32(e, xid);
	xdr_put_u32(e, RPC_CALL);
	xdr_put_u32(e, RPC_VERS);
	xdr_put_u32(e, prog);
	xdr_put_u32(e, vers);
	xdr_put_u32(e, proc);
	rpcmsg_put_auth(e, cred);
	rpcmsg_put_auth(e, NULL);
}

int
rpcmsg_decode_reply(struct xdr_dec *d, struct rpc_reply *r)
{
	struct xdr_dec	c = *d;
	uint32_t	mtype;

	memset(r, 0, sizeof(*r));
	if (xdr_get_u32(&c, &r->xid) == -1 ||
	    xdr_get_u32(&c, &mtype) == -1 || mtype != RPC_REPLY ||
	    xdr_get_u32(&c, &r->reply_stat) == -1)
		return -1;
	switch (r->reply_stat) {
	case MSG_ACCEPTED:
		if (rpcmsg_get_auth(&c, &r->verf) == -1 ||
		    xdr_get_u32(&c, &r->stat) == -1)
			return -1;
		if (r->stat == ACC_PROG_MISMATCH &&
		    (xdr_get_u32(&c, &r->low) == -1 ||
		    xdr_get_u32(&c, &r->high) == -1))
			return -1;
		break;
	case MSG_DENIED:
		if (xdr_get_u32(&c, &r->stat) == -1)
			return -1;
		switch (r->stat) {
		case REJ_RPC_MISMATCH:
			if (xdr_get_u32(&c, &r->low) == -1 ||
			    xdr_get_u32(&c, &r->high) == -1)
				return -1;
			break;
		case REJ_AUTH_ERROR:
			if (xdr_get_u32(&c, &r->auth_stat) == -1)
				return -1;
			break;
		default:
			return -1;
		}
		break;
	default:
		return -1;
	}
	*d = c;
	return 0;
}

/* Wording of libtirpc's clnt_sperrno() for the status a reply maps to. */
const char *
rpcmsg_accept_str(uint32_t stat)
{
	switch (stat) {
	case ACC_SUCCESS:
		return "RPC: Success";
	case ACC_PROG_UNAVAIL:
		return "RPC: Program unavailable";
	case ACC_PROG_MISMATCH:
		return "RPC: Program/version mismatch";
	case ACC_PROC_UNAVAIL:
		return "RPC: Procedure unavailable";
	case ACC_GARBAGE_ARGS:
		return "RPC: Server can't decode arguments";
	case ACC_SYSTEM_ERR:
		return "RPC: Remote system error";
	default:			/* libtirpc maps it to RPC_FAILED */
		return "RPC: Failed (unspecified error)";
	}
}

/* The "why" of an authentication error, as libtirpc's clnt_sperror() words it. */
const char *
rpcmsg_auth_str(uint32_t stat)
{
	switch (stat) {
	case AUTH_OK_STAT:
		return "Authentication OK";
	case AUTH_BADCRED_STAT:
		return "Invalid client credential";
	case AUTH_REJECTEDCRED_STAT:
		return "Server rejected credential";
	case AUTH_BADVERF_STAT:
		return "Invalid client verifier";
	case AUTH_REJECTEDVERF_STAT:
		return "Server rejected verifier";
	case AUTH_TOOWEAK_STAT:
		return "Client credential too weak";
	case AUTH_INVALIDRESP_STAT:
		return "Invalid server verifier";
	case AUTH_FAILED_STAT:
		return "Failed (unspecified error)";
	default:
		return "(unknown authentication error)";
	}
}

const char *
rpcmsg_reject_str(uint32_t stat)
{
	switch (stat) {
	case REJ_RPC_MISMATCH:
		return "RPC: Incompatible versions of RPC";
	case REJ_AUTH_ERROR:
		return "RPC: Authentication error";
	default:
		return "RPC: Failed (unspecified error)";
	}
}

/*
 * Record marking.
 */

void
rm_init(struct rm_reader *r, size_t max_record, unsigned max_frags)
{
	memset(r, 0, sizeof(*r));
	r->max_record = max_record;
	/* UINT_MAX is kept free to mark a stream that went too big. */
	r->max_frags = max_frags < UINT_MAX ? max_frags : UINT_MAX - 1;
}

/* The stream is broken: free the buffer, and say RM_TOOBIG from now on. */
static enum rm_status
rm_fail(struct rm_reader *r)
{
	free(r->rec);
	r->rec = NULL;
	r->cap = 0;
	r->len = 0;
	r->nfrags = UINT_MAX;
	r->in_frag = 0;
	r->hdr_have = 0;
	r->frag_left = 0;
	r->last = 0;
	return RM_TOOBIG;
}

/* Room for need bytes of record (need <= max_record), by doubling. */
static int
rm_room(struct rm_reader *r, size_t need)
{
	uint8_t	*nrec;
	size_t	 ncap;

	if (need <= r->cap)
		return 0;
	ncap = r->cap > 0 ? r->cap : RM_FIRST_ALLOC;
	while (ncap < need) {
		if (ncap > r->max_record / 2) {
			ncap = r->max_record;
			break;
		}
		ncap *= 2;
	}
	if (ncap > r->max_record)
		ncap = r->max_record;
	if (ncap < need)
		return -1;
	if ((nrec = realloc(r->rec, ncap)) == NULL)
		return -1;
	r->rec = nrec;
	r->cap = ncap;
	return 0;
}

static int
rm_complete(const struct rm_reader *r)
{
	return r->last && !r->in_frag && r->hdr_have == 0 && r->nfrags > 0 &&
	    r->nfrags != UINT_MAX;
}

enum rm_status
rm_feed(struct rm_reader *r, const uint8_t *in, size_t n, size_t *used)
{
	size_t		off = 0, k;
	uint32_t	h;

	*used = 0;
	if (r->nfrags == UINT_MAX)
		return RM_TOOBIG;
	if (rm_complete(r))		/* rm_next() was not called yet */
		return RM_RECORD;
	while (off < n) {
		if (!r->in_frag) {
			while (r->hdr_have < 4 && off < n)
				r->hdr[r->hdr_have++] = in[off++];
			if (r->hdr_have < 4)
				break;
			r->hdr_have = 0;
			h = ((uint32_t)r->hdr[0] << 24) |
			    ((uint32_t)r->hdr[1] << 16) |
			    ((uint32_t)r->hdr[2] << 8) | r->hdr[3];
			if (r->nfrags >= r->max_frags) {
				*used = off;
				return rm_fail(r);
			}
			r->nfrags++;
			r->last = (h & RM_LAST_FRAG) != 0;
			r->frag_left = h & ~RM_LAST_FRAG;
			if (r->frag_left > r->max_record - r->len) {
				*used = off;
				return rm_fail(r);
			}
			r->in_frag = 1;
		}
		k = n - off;
		if (k > r->frag_left)
			k = r->frag_left;
		if (k > 0) {
			if (rm_room(r, r->len + k) == -1) {
				*used = off;
				return rm_fail(r);
			}
			memcpy(r->rec + r->len, in + off, k);
			r->len += k;
			r->frag_left -= k;
			off += k;
		}
		if (r->frag_left == 0) {
			r->in_frag = 0;
			if (r->last) {
				*used = off;
				return RM_RECORD;
			}
		}
	}
	*used = off;
	return RM_MORE;
}

void
rm_next(struct rm_reader *r)
{
	if (r->nfrags == UINT_MAX)	/* a broken stream stays broken */
		return;
	r->len = 0;
	r->nfrags = 0;
	r->frag_left = 0;
	r->hdr_have = 0;
	r->in_frag = 0;
	r->last = 0;
}

void
rm_release(struct rm_reader *r)
{
	free(r->rec);
	r->rec = NULL;
	r->cap = 0;
	rm_next(r);
}

int
rm_partial(const struct rm_reader *r)
{
	if (r->nfrags == UINT_MAX || rm_complete(r))
		return 0;
	return r->hdr_have > 0 || r->in_frag || r->nfrags > 0;
}

void
rm_put_header(uint8_t out[4], uint32_t len, int last)
{
	uint32_t	h = (len & ~RM_LAST_FRAG) | (last ? RM_LAST_FRAG : 0);

	out[0] = h >> 24;
	out[1] = h >> 16;
	out[2] = h >> 8;
	out[3] = h;
}
