/*
 * procs.h - the procedure handlers, called by dispatch once the RPC header
 * is decoded and the program and version are known to be ours.
 *
 * Each handler reads its arguments from the cursor (which ends exactly at
 * the end of the request: bytes left over are GARBAGE_ARGS) and, on
 * success, writes the reply header and results into the encoder.
 */
#ifndef PROCS_H
#define PROCS_H

#include "dispatch.h"

/* What a handler did. */
enum proc_result {
	PROC_REPLIED = 0,	/* reply written */
	PROC_GARBAGE,		/* arguments did not decode: GARBAGE_ARGS */
	PROC_NOPROC,		/* no such procedure: PROC_UNAVAIL */
	PROC_DENIED,		/* refused for policy: AUTH_ERROR AUTH_TOOWEAK */
	PROC_SYSERR,		/* SYSTEM_ERR */
	PROC_SILENT,		/* send nothing */
};

/* pmap_v2.c: PMAP v2 (RFC 1833 section 3). */
enum proc_result pmap_v2_call(struct pm_ctx *, const struct caller *,
		    const struct rpc_call *, struct xdr_dec *, struct xdr_enc *);
/* rpcb_v34.c: RPCBIND v3 and v4 (RFC 1833 section 2). */
enum proc_result rpcb_v34_call(struct pm_ctx *, const struct caller *,
		    const struct rpc_call *, struct xdr_dec *, struct xdr_enc *);

/*
 * dispatch.c: the parts the handlers of every version share (additive).
 */
/* What a SET or UNSET comes to: the bool to reply, or refused for policy. */
enum proc_bool {
	PB_FALSE = 0,
	PB_TRUE = 1,
	PB_DENIED = -1,		/* not from this host: AUTH_ERROR AUTH_TOOWEAK */
};
/*
 * SET (prog, pvers, netid, uaddr) for the caller, who becomes its owner;
 * vers is the protocol version, for the statistics.  netid NULL: a SET
 * that cannot be stored (FALSE once the policy lets it through).
 */
enum proc_bool	proc_set(struct pm_ctx *, const struct caller *, uint32_t vers,
		    uint32_t prog, uint32_t pvers, const char *netid,
		    const char *uaddr);
/*
 * UNSET (prog, pvers) on each of the n netids (n == 0: every netid), all or
 * nothing: when the caller may not remove every such entry, none goes.
 */
enum proc_bool	proc_unset(struct pm_ctx *, const struct caller *, uint32_t vers,
		    uint32_t prog, uint32_t pvers, const char *const *netids,
		    size_t n);
/*
 * The entry a lookup answers with: table_find (exact) or
 * table_find_fallback, passed through ctx->check when there is one (an
 * entry it removes is looked up again).  NULL when there is none.
 */
const struct table_entry *proc_lookup(struct pm_ctx *, uint32_t prog,
		    uint32_t vers, const char *netid, int exact);
/*
 * DUMP: the reply header, then what entry() writes for each entry (TRUE
 * and the item, or nothing for an entry this list leaves out), then FALSE.  The body
 * depends on the table alone, so it is encoded once per change into the
 * table's cache slot and later sent from there by reference; empty (a host
 * the access lists deny) gets an empty list and leaves the cache alone.
 */
typedef void	(*proc_dump_entry)(const struct table_entry *, struct xdr_enc *);
enum proc_result proc_dump(struct pm_ctx *, const struct rpc_call *,
		    struct xdr_dec *, struct xdr_enc *, int empty, unsigned cache,
		    proc_dump_entry entry);
/*
 * CALLIT (v2, v3), BCAST (v4 proc 5) and INDIRECT (v4 proc 10): decode
 * rpcb_rmtcallargs, check, and hand the call to ctx->fwd.
 */
enum proc_result proc_rmtcall(struct pm_ctx *, const struct caller *,
		    const struct rpc_call *, struct xdr_dec *, struct xdr_enc *);
/*
 * May a call to (prog, vers, proc) be forwarded?  1 when it is on the deny
 * list: the port mapper itself, NFS, MOUNT MNT/UMNT, YPBIND SETDOM,
 * YPPASSWD, RQUOTA, YP procedures 3, 4, 5, 8.  Procedure 0 never is.
 */
int		fwd_denied(uint32_t prog, uint32_t vers, uint32_t proc);

#endif
