/*
 * rpcmsg.h - RPC messages (RFC 5531): call and reply headers with every
 * accept and reject status, and TCP record marking (section 11).
 *
 * Pure code: bytes in, bytes out.  Used by the daemon (decode calls, encode
 * replies) and by the clients (encode calls, decode replies).
 */
#ifndef RPCMSG_H
#define RPCMSG_H

#include <stddef.h>
#include <stdint.h>

#include "xdr.h"

struct rpc_auth {
	uint32_t	 flavor;
	uint32_t	 len;		/* <= RPC_AUTH_MAX */
	const uint8_t	*body;		/* points into the message */
};

struct rpc_call {
	uint32_t	xid;
	uint32_t	rpcvers;
	uint32_t	prog, vers, proc;
	struct rpc_auth	cred, verf;
};

/* What rpcmsg_decode_call() made of a message. */
enum rpcmsg_status {
	RPCMSG_OK = 0,		/* a call header: arguments follow in the cursor */
	RPCMSG_NOT_CALL,	/* a reply, or not a message at all: drop silently */
	RPCMSG_BAD_RPCVERS,	/* rpcvers != 2: answer MSG_DENIED RPC_MISMATCH */
	RPCMSG_BAD_AUTH,	/* credential or verifier malformed/too long: AUTH_BADCRED */
};

/*
 * Decode a call header.  On RPCMSG_OK the cursor is left at the procedure
 * arguments.  xid is filled whenever at least 4 bytes were there, so the
 * caller can answer BAD_RPCVERS and BAD_AUTH.
 */
enum rpcmsg_status rpcmsg_decode_call(struct xdr_dec *, struct rpc_call *);

/*
 * Replies (server side).  Each writes a complete reply header; after
 * rpcmsg_reply_success() the caller appends the results.  The verifier is
 * always AUTH_NONE.
 */
void	rpcmsg_reply_success(struct xdr_enc *, uint32_t xid);
void	rpcmsg_reply_accepted(struct xdr_enc *, uint32_t xid, uint32_t accept_stat);
void	rpcmsg_reply_prog_mismatch(struct xdr_enc *, uint32_t xid,
	    uint32_t low, uint32_t high);
void	rpcmsg_reply_rpc_mismatch(struct xdr_enc *, uint32_t xid,
	    uint32_t low, uint32_t high);
void	rpcmsg_reply_auth_error(struct xdr_enc *, uint32_t xid, uint32_t auth_stat);

/* Calls (client side): header with the given credential, AUTH_NONE verifier. */
void	rpcmsg_encode_call(struct xdr_enc *, uint32_t xid, uint32_t prog,
	    uint32_t vers, uint32_t proc, const struct rpc_auth *cred);

struct rpc_reply {
	uint32_t	xid;
	uint32_t	reply_stat;	/* MSG_ACCEPTED or MSG_DENIED */
	uint32_t	stat;		/* accept_stat, or reject_stat */
	uint32_t	low, high;	/* PROG_MISMATCH / RPC_MISMATCH */
	uint32_t	auth_stat;	/* AUTH_ERROR */
	struct rpc_auth	verf;
};

/*
 * Decode a reply header.  Returns 0 and leaves the cursor at the results
 * when reply_stat is MSG_ACCEPTED and stat is SUCCESS; returns 0 with the
 * other fields filled for every other well-formed reply; -1 when the bytes
 * are not an RPC reply.
 */
int	rpcmsg_decode_reply(struct xdr_dec *, struct rpc_reply *);

/* Human text for a status, as libtirpc's clnt_sperrno() words it. */
const char *rpcmsg_accept_str(uint32_t accept_stat);
const char *rpcmsg_auth_str(uint32_t auth_stat);
/* The same for a reject_stat (RPC_MISMATCH, AUTH_ERROR). */
const char *rpcmsg_reject_str(uint32_t reject_stat);

/*
 * Record marking: a 4-byte header per fragment, top bit = last fragment,
 * 31-bit length.  The reader reassembles one record at a time from a byte
 * stream fed in chunks of any size, never holding more than max_record
 * bytes or accepting more than max_frags fragments.
 */
#define RM_LAST_FRAG	0x80000000u

struct rm_reader {
	uint8_t		*rec;		/* the record so far (malloc'd on demand) */
	size_t		 len;		/* bytes of record held */
	size_t		 cap;
	size_t		 max_record;
	unsigned	 max_frags;
	unsigned	 nfrags;	/* fragments begun in this record */
	uint32_t	 frag_left;	/* body bytes left in this fragment */
	uint8_t		 hdr[4];	/* a fragment header being read */
	uint8_t		 hdr_have;	/* bytes of hdr read */
	uint8_t		 in_frag;	/* between a header and the end of its body */
	uint8_t		 last;		/* the current fragment is the last */
};

enum rm_status {
	RM_MORE = 0,	/* all input consumed, record not complete */
	RM_RECORD,	/* a record is complete in rec[0..len) */
	RM_TOOBIG,	/* record over max_record bytes or max_frags fragments */
};

void	rm_init(struct rm_reader *, size_t max_record, unsigned max_frags);
/*
 * Feed bytes.  *used tells how many were consumed: on RM_RECORD the rest
 * belongs to the next record and must be fed again after rm_next().
 */
enum rm_status rm_feed(struct rm_reader *, const uint8_t *in, size_t n,
	    size_t *used);
/* Done with the record: start the next one (keeps the buffer). */
void	rm_next(struct rm_reader *);
/*
 * Release the buffer (an idle connection holds no record memory).  A record
 * under way is discarded with it.  After RM_TOOBIG the reader has already
 * released its buffer and answers RM_TOOBIG until rm_init(): close the stream.
 */
void	rm_release(struct rm_reader *);
/* True when a record has been started but not completed. */
int	rm_partial(const struct rm_reader *);
/* Write a fragment header for len bytes into out[4]. */
void	rm_put_header(uint8_t out[4], uint32_t len, int last);

#endif
