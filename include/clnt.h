/*
 * clnt.h - the small ONC RPC client behind rpcinfo, pmap_dump and
 * pmap_set.
 *
 * One call at a time over UDP (retransmitted until a total timeout, the
 * reply matched by xid, stray datagrams ignored), TCP or an AF_LOCAL
 * stream (record marking; a reply may come in many fragments and is
 * accepted up to max_reply bytes).  Plus the port mapper's address
 * lookup with the fallbacks libtirpc uses (RPCBIND v4, v3, then PMAP v2
 * GETPORT), a broadcast over every broadcast-capable interface, and the
 * decoders of the port mapper's list results, each bounded in string
 * length and list length.
 *
 * Prefix cl_: libtirpc owns clnt_* and the test programs link both.
 */
#ifndef CLNT_H
#define CLNT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "rpcmsg.h"
#include "xdr.h"

/* Numbered like libtirpc's enum clnt_stat, so our messages read like its. */
enum cl_stat {
	CL_SUCCESS = 0,
	CL_CANTENCODEARGS = 1,
	CL_CANTDECODERES = 2,
	CL_CANTSEND = 3,
	CL_CANTRECV = 4,
	CL_TIMEDOUT = 5,
	CL_VERSMISMATCH = 6,
	CL_AUTHERROR = 7,
	CL_PROGUNAVAIL = 8,
	CL_PROGVERSMISMATCH = 9,
	CL_PROCUNAVAIL = 10,
	CL_CANTDECODEARGS = 11,
	CL_SYSTEMERROR = 12,
	CL_UNKNOWNHOST = 13,
	CL_PMAPFAILURE = 14,
	CL_PROGNOTREGISTERED = 15,
	CL_FAILED = 16,
	CL_UNKNOWNPROTO = 17,
	CL_N2AXLATEFAILURE = 22,
};

struct cl_err {
	enum cl_stat	stat;
	int		errnum;		/* CANTSEND, CANTRECV, SYSTEMERROR */
	uint32_t	low, high;	/* PROGVERSMISMATCH, VERSMISMATCH */
	uint32_t	why;		/* AUTHERROR: the auth_stat */
	enum cl_stat	sub;		/* PMAPFAILURE: what the v2 call got */
	int		suberrno;
};

enum cl_proto { CL_UDP = 0, CL_TCP, CL_LOCAL };

/* Limits on what a server may send us. */
#define CL_UDP_MAX	65536u		/* one datagram */
#define CL_REPLY_MAX	(16u << 20)	/* one stream reply */
#define CL_FRAGS_MAX	65536u		/* fragments in one stream reply */
#define CL_LIST_MAX	100000u		/* entries in one decoded list */
#define CL_NETID_MAX	255u		/* netid, owner, family, proto */
#define CL_UADDR_MAX	1024u		/* universal address */

struct cl {
	int		 fd;
	enum cl_proto	 proto;
	struct sockaddr_storage peer;
	socklen_t	 peerlen;
	uint32_t	 prog, vers;
	uint32_t	 xid;
	int		 timeout_ms;	/* total, per call */
	int		 retry_ms;	/* UDP: first retransmission, doubling */
	size_t		 max_reply;	/* streams: largest reply record */
	int		 sys_auth;	/* send an AUTH_SYS credential */
	uint8_t		*reply;		/* the last reply (malloc'd) */
	size_t		 replylen;
	struct rm_reader rm;
	struct cl_err	 err;
	struct xdr_dec	 res;		/* after CL_SUCCESS: the results */
};

#define CL_RESVPORT	0x1		/* bind a reserved port (when root) */

/*
 * Make a client for prog/vers at addr.  Streams connect here (within
 * timeout_ms).  0, or -1 with cl->err filled (CL_SYSTEMERROR + errno,
 * as libtirpc's clnt_create reports a refused connection).
 */
int	cl_create(struct cl *, enum cl_proto, const struct sockaddr *,
	    socklen_t, uint32_t prog, uint32_t vers, int flags, int timeout_ms);
/* Change the version later calls use (libtirpc's CLSET_VERS). */
void	cl_set_vers(struct cl *, uint32_t vers);
/*
 * Call proc with pre-encoded arguments.  On CL_SUCCESS cl->res is the
 * results cursor (valid until the next call or cl_destroy).  Any other
 * status is also in cl->err.
 */
enum cl_stat cl_call(struct cl *, uint32_t proc, const void *args, size_t arglen);
void	cl_destroy(struct cl *);

/*
 * Turn a reply (header and results) into a status, like the receiving
 * half of cl_call: pure, for tests.  *res is left at the results.
 */
enum cl_stat cl_reply_status(const uint8_t *buf, size_t len, uint32_t xid,
	    struct xdr_dec *res, struct cl_err *);

/* libtirpc's wording: clnt_sperrno, clnt_sperror, clnt_spcreateerror. */
const char *cl_sperrno(enum cl_stat);
void	cl_sperror(const struct cl_err *, const char *prefix, char *buf, size_t);
void	cl_spcreateerror(const struct cl_err *, const char *prefix, char *buf,
	    size_t);

/* Fill a cl_err for a simple status. */
void	cl_seterr(struct cl_err *, enum cl_stat, int errnum);

/*
 * Ask the port mapper at pmap (an IP address with port) where
 * (prog, vers) listens on netid, over proto (the target's transport):
 * RPCBIND v4 GETADDR, then v3 when v4 is not served, then PMAP v2
 * GETPORT over UDP (IPv4 only).  An empty answer is final
 * (CL_PROGNOTREGISTERED).  0 with *out filled, or -1 with *err set the
 * way libtirpc's rpc_createerr would be.  For netid "local", pmap is
 * the AF_LOCAL socket of the port mapper and the answer a path.
 */
int	cl_getaddr(const struct sockaddr *pmap, socklen_t pmaplen,
	    enum cl_proto, const char *netid, uint32_t prog, uint32_t vers,
	    int timeout_ms, struct sockaddr_storage *out, socklen_t *outlen,
	    struct cl_err *err);

/*
 * Broadcast a call of (prog, vers, proc) with empty arguments to the port
 * mappers on every up IPv4 interface with a broadcast address, as RPCBIND
 * v3 CALLIT and PMAP v2 CALLIT, and report each answer as it comes:
 * the responder's universal address for the service and its address.
 * Ends after timeout_ms, or when the callback returns non-zero.
 * CL_TIMEDOUT at the end, CL_SUCCESS if stopped by the callback,
 * CL_UNKNOWNPROTO when no interface can broadcast.
 */
typedef int (*cl_bcast_fn)(void *arg, const char *uaddr,
	    const struct sockaddr *from, socklen_t fromlen);
enum cl_stat cl_broadcast(uint32_t prog, uint32_t vers, uint32_t proc,
	    int timeout_ms, cl_bcast_fn, void *arg);

/* ---- results of the port mapper's procedures, decoded and bounded ---- */

struct cl_pmap {			/* PMAP v2 mapping */
	uint32_t	prog, vers, prot, port;
};

struct cl_rpcb {			/* RPCBIND v3/v4 mapping */
	uint32_t	prog, vers;
	char		*netid, *addr, *owner;
};

struct cl_entry {			/* RPCBIND v4 GETADDRLIST entry */
	char		*maddr, *netid;
	uint32_t	 semantics;
	char		*protofmly, *proto;
};

struct cl_addrstat {			/* rpcbs_addrlist */
	uint32_t	prog, vers;
	int32_t		success, failure;
	char		*netid;
};

struct cl_rmtstat {			/* rpcbs_rmtcalllist */
	uint32_t	prog, vers, proc;
	int32_t		success, failure, indirect;
	char		*netid;
};

#define CL_STAT_PROCS	13u		/* RPCBSTAT_HIGHPROC */

struct cl_stat_vers {			/* one rpcb_stat */
	int32_t			 info[CL_STAT_PROCS];
	int32_t			 setinfo, unsetinfo;
	struct cl_addrstat	*addr;
	size_t			 naddr;
	struct cl_rmtstat	*rmt;
	size_t			 nrmt;
};

/*
 * Each decoder takes the results cursor, allocates its array (grown as
 * entries decode, never sized from the wire), and returns 0, or -1 on
 * malformed, oversized or endless input (nothing allocated then).
 * Strings are NUL-terminated copies; a string with a NUL inside, or
 * longer than its limit, is malformed.
 */
int	cl_dec_pmaplist(struct xdr_dec *, struct cl_pmap **, size_t *);
int	cl_dec_rpcblist(struct xdr_dec *, struct cl_rpcb **, size_t *);
int	cl_dec_entrylist(struct xdr_dec *, struct cl_entry **, size_t *);
int	cl_dec_stats(struct xdr_dec *, struct cl_stat_vers st[3]);
void	cl_free_rpcblist(struct cl_rpcb *, size_t);
void	cl_free_entrylist(struct cl_entry *, size_t);
void	cl_free_stats(struct cl_stat_vers st[3]);

/* Encoders of the arguments we send. */
void	cl_enc_pmap(struct xdr_enc *, uint32_t prog, uint32_t vers,
	    uint32_t prot, uint32_t port);
void	cl_enc_rpcb(struct xdr_enc *, uint32_t prog, uint32_t vers,
	    const char *netid, const char *addr, const char *owner);

/*
 * Copy s (n bytes) into out for a terminal: printable ASCII as is, any
 * other byte as \xHH (backslash as \\), at most outsz - 1 bytes, always
 * terminated; a cut string ends in "...".  Returns out.
 */
char	*cl_escape(const char *s, size_t n, char *out, size_t outsz);

#endif
