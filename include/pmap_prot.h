/*
 * pmap_prot.h - program, version and procedure numbers of the port mapper
 * protocols (RFC 1833) and of RPC itself (RFC 5531), plus the limits we
 * enforce on what comes off the wire.
 */
#ifndef PMAP_PROT_H
#define PMAP_PROT_H

#define PMAP_PROG		100000u
#define PMAP_PORT		111
#define PMAP_VERS		2u	/* PMAP v2, RFC 1833 section 3 */
#define RPCBVERS_3		3u	/* RPCBIND v3, RFC 1833 section 2 */
#define RPCBVERS_4		4u
#define PMAP_VERS_LOW		2u
#define PMAP_VERS_HIGH		4u

/* PMAP v2 procedures */
#define PMAPPROC_NULL		0u
#define PMAPPROC_SET		1u
#define PMAPPROC_UNSET		2u
#define PMAPPROC_GETPORT	3u
#define PMAPPROC_DUMP		4u
#define PMAPPROC_CALLIT		5u

/* RPCBIND v3 and v4 procedures (v3 stops at TADDR2UADDR) */
#define RPCBPROC_NULL		0u
#define RPCBPROC_SET		1u
#define RPCBPROC_UNSET		2u
#define RPCBPROC_GETADDR	3u
#define RPCBPROC_DUMP		4u
#define RPCBPROC_CALLIT		5u	/* v4: RPCBPROC_BCAST, same number */
#define RPCBPROC_BCAST		5u
#define RPCBPROC_GETTIME	6u
#define RPCBPROC_UADDR2TADDR	7u
#define RPCBPROC_TADDR2UADDR	8u
#define RPCBPROC_GETVERSADDR	9u
#define RPCBPROC_INDIRECT	10u
#define RPCBPROC_GETADDRLIST	11u
#define RPCBPROC_GETSTAT	12u
#define RPCBSTAT_HIGHPROC	13u	/* counters per version in GETSTAT */

#define IPPROTO_TCP_NUM		6u
#define IPPROTO_UDP_NUM		17u

/* RPC message (RFC 5531) */
#define RPC_VERS		2u
#define RPC_CALL		0u
#define RPC_REPLY		1u
#define MSG_ACCEPTED		0u
#define MSG_DENIED		1u
/* accept_stat */
#define ACC_SUCCESS		0u
#define ACC_PROG_UNAVAIL	1u
#define ACC_PROG_MISMATCH	2u
#define ACC_PROC_UNAVAIL	3u
#define ACC_GARBAGE_ARGS	4u
#define ACC_SYSTEM_ERR		5u
/* reject_stat */
#define REJ_RPC_MISMATCH	0u
#define REJ_AUTH_ERROR		1u
/* auth_stat */
#define AUTH_OK_STAT		0u
#define AUTH_BADCRED_STAT	1u
#define AUTH_REJECTEDCRED_STAT	2u
#define AUTH_BADVERF_STAT	3u
#define AUTH_REJECTEDVERF_STAT	4u
#define AUTH_TOOWEAK_STAT	5u
#define AUTH_INVALIDRESP_STAT	6u
#define AUTH_FAILED_STAT	7u
/* auth flavors */
#define AUTH_NONE_FLAVOR	0u
#define AUTH_SYS_FLAVOR		1u
#define AUTH_SHORT_FLAVOR	2u

/* Limits on what we accept from the wire. */
#define RPC_AUTH_MAX		400u	/* opaque_auth body, RFC 5531 */
#define PM_NETID_MAX		32u	/* longest netid we store */
#define PM_UADDR_MAX		128u	/* longest universal address (local paths) */
#define PM_OWNER_MAX		64u	/* longest owner string we read */
#define PM_TADDR_MAX		128u	/* netbuf in UADDR2TADDR/TADDR2UADDR */
#define PM_ARGS_MAX		8800u	/* CALLIT/INDIRECT argument bytes */
#define PM_UDP_MAX		8800u	/* largest UDP reply a libtirpc client reads */
#define PM_REQUEST_MAX		9000u	/* largest request (datagram or record) */
#define PM_REPLY_MAX		(64u << 20)	/* largest reply over a stream */

#endif
