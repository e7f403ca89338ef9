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

#endif
