/*
 * fwd.h - forwarding of remote calls: PMAP v2 CALLIT, RPCBIND v3 CALLIT,
 * v4 BCAST and v4 INDIRECT (RFC 1833; PROTOCOL.md "Forwarding").
 *
 * A fixed table of calls in flight, each with a deadline.  Pure: no
 * sockets, clock or log.  The daemon's shell owns a separate UDP socket
 * (an unprivileged ephemeral port, never a reserved one) and drives this:
 *
 *   fwd_submit()   from the dispatcher's fwd_fn hook: a slot is taken and
 *                  the call to forward is written into msg, to be sent to
 *                  dest from the forwarding socket;
 *   fwd_reply()    for each datagram read on that socket: when it answers
 *                  a call in flight (same xid AND from the address the call
 *                  went to), the reply to the original caller is written
 *                  and the slot freed;
 *   fwd_expire()   when the timer set from fwd_next_deadline() fires:
 *                  slots past their deadline are freed.
 *
 * What the original caller gets:
 *  - success: v2 CALLIT: port + results (rmtcallres); v3 CALLIT, v4 BCAST
 *    and INDIRECT: the target's address merged for the caller + results
 *    (rpcb_rmtcallres);
 *  - CALLIT and BCAST: nothing at all on any error (broadcast etiquette:
 *    the target's errors, a reply too large, a timeout);
 *  - INDIRECT: PROG_UNAVAIL, and PROG_MISMATCH with the target's low and
 *    high, passed on from the target; SYSTEM_ERR for every other error of
 *    the target, a reply that does not decode or is too large, and a
 *    timeout.
 * A reply is never larger than the reply_max given at submission (the
 * anti-amplification limit for the original request).
 *
 * Calls are forwarded only to this host: a target registered on the
 * wildcard address goes to the loopback address of its family, one
 * registered on a loopback address or on one of our interface addresses
 * goes there; anything else is refused (we are not a relay).  The
 * caller's AUTH_NONE or AUTH_SYS credential goes along; other flavors are
 * refused.  A retransmission of a call in flight (same caller address,
 * xid, procedure and target) reuses its slot and forwarded xid.  When the
 * table is full, the call with the nearest deadline is dropped (silently,
 * INDIRECT included) to make room.
 */
#ifndef FWD_H
#define FWD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dispatch.h"
#include "pmap_prot.h"
#include "uaddr.h"
#include "xdr.h"

#define FWD_SLOTS_DEFAULT	64
#define FWD_SLOTS_MAX		1024
#define FWD_TIMEOUT_DEFAULT	5000	/* ms */
#define FWD_TIMEOUT_MAX		600000
#define FWD_CTX_MAX		192	/* transport reply info kept per call */
#define FWD_DENY_MAX		64	/* deny list entries added by option */
/* The largest forwarded call: header, credential, verifier, arguments. */
#define FWD_MSG_MAX		(6 * 4 + 8 + RPC_AUTH_MAX + 8 + PM_ARGS_MAX)
/* A merged address in a v3/v4 reply. */
#define FWD_UADDR_MAX		(PM_UADDR_MAX + 64)

struct fwd_cfg {
	unsigned	slots;		/* 0: FWD_SLOTS_DEFAULT; at most FWD_SLOTS_MAX */
	unsigned	timeout_ms;	/* 0: FWD_TIMEOUT_DEFAULT */
	uint32_t	xid_seed;	/* random, from the shell */
};

/* What the shell keeps to answer the original caller later. */
struct fwd_origin {
	const struct caller	*caller;
	const void		*ctx;		/* opaque reply info (listener, */
	size_t			 ctxlen;	/* local address...), copied */
	size_t			 reply_max;	/* largest reply this caller may get */
	const struct iflist	*ifs;		/* our interfaces, or NULL */
};

/* fwd_submit() results: FWD_OK, or why the call was not forwarded. */
enum fwd_status {
	FWD_OK = 0,		/* send msg to dest */
	FWD_ERR_CALL = -1,	/* not a remote-call procedure, or bad arguments */
	FWD_ERR_FLAVOR = -2,	/* credential not AUTH_NONE or AUTH_SYS */
	FWD_ERR_TARGET = -3,	/* target not UDP, not parsable, or not on this host */
	FWD_ERR_DENIED = -4,	/* on the deny list */
	FWD_ERR_SPACE = -5,	/* msg too small, or ctx too large */
};

/* How a call ended (fwd_reply(), fwd_expire()). */
enum fwd_outcome {
	FWD_REPLIED = 0,	/* the target answered: results relayed */
	FWD_TARGET_ERROR,	/* the target answered with an error */
	FWD_TOOBIG,		/* the answer did not fit reply_max */
	FWD_TIMEOUT,		/* no answer by the deadline */
};

/* A finished call: who to answer and how (the shell sends reply to caller). */
struct fwd_done {
	struct caller	 caller;
	uint8_t		 ctx[FWD_CTX_MAX];
	size_t		 ctxlen;
	uint32_t	 xid, vers, proc;	/* the call to us */
	uint32_t	 prog, pvers, pproc;	/* the call forwarded */
	enum fwd_outcome outcome;
};

struct fwd_stats {
	uint64_t	submitted;	/* calls forwarded (retransmissions excluded) */
	uint64_t	retransmits;	/* resent for a caller's retransmission */
	uint64_t	refused;	/* fwd_submit() errors */
	uint64_t	replied;	/* results relayed */
	uint64_t	target_errors;	/* the target said no, or garbage */
	uint64_t	toobig;		/* results over reply_max */
	uint64_t	timeouts;
	uint64_t	evicted;	/* dropped to make room */
	uint64_t	stray;		/* datagrams that answered nothing in flight */
	unsigned	inflight, slots;
};

struct fwd;

/* NULL: out of memory or a bad configuration. */
struct fwd	*fwd_new(const struct fwd_cfg *);
void		 fwd_free(struct fwd *);

/*
 * Extend the deny list: "PROG" (every procedure but 0) or "PROG:PROC"
 * (PROC > 0), decimal.  0, or -1 when it does not parse or the list is full.
 */
int		 fwd_deny_add(struct fwd *, const char *spec);
/* fwd_denied() (the built-in list) or an entry added with fwd_deny_add(). */
int		 fwd_is_denied(const struct fwd *, uint32_t prog, uint32_t vers,
		    uint32_t proc);

/*
 * Forward a call (req as the dispatcher's hook gets it; nothing is kept
 * pointing into it).  On FWD_OK msg holds the call (msg->max must allow
 * FWD_MSG_MAX) and dest/destlen where to send it.
 */
enum fwd_status	 fwd_submit(struct fwd *, const struct fwd_origin *,
		    const struct fwd_request *, uint64_t now_ms,
		    struct xdr_enc *msg, struct sockaddr_storage *dest,
		    socklen_t *destlen);

/*
 * A datagram from the forwarding socket.  Returns 1 when reply holds a
 * message for done->caller; 0 when it finished a call with nothing to
 * send (slot freed); -1 when it answers nothing in flight (ignored).
 */
int		 fwd_reply(struct fwd *, const struct sockaddr *from,
		    const uint8_t *buf, size_t len, uint64_t now_ms,
		    struct xdr_enc *reply, struct fwd_done *done);

/*
 * Free the slots whose deadline is at or before now_ms.  Returns 1 when
 * reply holds a message for done->caller (an INDIRECT timed out: call
 * again until it returns 0); 0 when nothing more is due.
 */
int		 fwd_expire(struct fwd *, uint64_t now_ms, struct xdr_enc *reply,
		    struct fwd_done *done);
/* The nearest deadline: 1 and *when_ms, or 0 when nothing is in flight. */
int		 fwd_next_deadline(const struct fwd *, uint64_t *when_ms);

void		 fwd_stats(const struct fwd *, struct fwd_stats *);

#endif
