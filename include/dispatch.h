/*
 * dispatch.h - from request bytes plus a description of the caller to reply
 * bytes.  Decodes the RPC header, routes (program, version, procedure) to
 * the PMAP v2 or RPCBIND v3/v4 handlers, applies the access policy, and
 * writes the protocol's error replies.  Pure: no sockets, clock or log; the
 * daemon's shell fills in the context.
 */
#ifndef DISPATCH_H
#define DISPATCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "rpcmsg.h"
#include "stats.h"
#include "table.h"
#include "uaddr.h"
#include "xdr.h"

/* The transport a call arrived on; its netid is the one GETADDR answers for. */
enum xprt {
	XPRT_UDP = 0,
	XPRT_TCP,
	XPRT_UDP6,
	XPRT_TCP6,
	XPRT_LOCAL,
	XPRT_COUNT
};
const char	*xprt_netid(enum xprt);		/* "udp", "tcp", "udp6", "tcp6", "local" */
int		 xprt_is_dgram(enum xprt);

struct caller {
	enum xprt		xprt;
	struct sockaddr_storage	peer;	/* IP source address; AF_UNIX for local */
	socklen_t		peerlen;
	int			has_cred;	/* AF_LOCAL: uid and pid from SO_PEERCRED */
	uid_t			uid;
	pid_t			pid;
	/*
	 * Denied by the access lists (acl.h; set by the shell, never for
	 * loopback or AF_LOCAL).  Answered as classic portmap answered an
	 * unauthorized host: NULL, GETTIME and the address conversions as
	 * usual; GETPORT 0, GETADDR and GETVERSADDR "", DUMP and GETADDRLIST
	 * empty, GETSTAT all zeros; SET and UNSET refused (AUTH_TOOWEAK);
	 * CALLIT, BCAST and INDIRECT silent.
	 */
	int			restricted;
	/*
	 * AF_LOCAL (additive): TE_NETNS_SAME or TE_NETNS_OTHER, the network
	 * namespace of the peer as the shell found it at accept time (the
	 * reaper's reap_note_pid()), 0 if unknown.  SET stores it.
	 */
	uint32_t		netns;
};

/* Settings that change what the procedures do. */
struct pm_config {
	int		insecure;	/* -i: allow SET/UNSET from other hosts */
	int		forwarding;	/* -r: CALLIT/BCAST/INDIRECT allowed */
	uint16_t	port;		/* our port, for our own entries (111) */
};

/*
 * Forwarding hook: when forwarding is on and a CALLIT/BCAST/INDIRECT passes
 * the checks, dispatch hands it here instead of replying.  Returns 0 when
 * the call was taken (the reply comes later), -1 when it could not be,
 * -2 (additive) when the target is on a deny list of the shell's (answered
 * like the built-in list: AUTH_TOOWEAK).
 */
struct fwd_request {
	uint32_t		 xid, vers, proc;	/* the call to us */
	uint32_t		 prog, pvers, pproc;	/* the call to forward */
	const uint8_t		*args;
	uint32_t		 argslen;
	struct rpc_auth		 cred;
	const struct table_entry *target;	/* the registered udp/udp6 entry */
};
/*
 * args, cred.body, the caller and the request itself are valid only during
 * the call: the hook copies what it keeps.
 */
typedef int (*fwd_fn)(void *arg, const struct caller *, const struct fwd_request *);

/*
 * Lookup hook (additive): before GETPORT, GETADDR or GETVERSADDR answers
 * with an entry, dispatch hands it here; the shell may check that its
 * service is still there (the reaper) and remove it from the table.
 * Returns 1 when the entry was removed (the pointer is then dead: the
 * lookup is made again), else 0.
 */
typedef int (*lookup_check_fn)(void *arg, const struct table_entry *);

struct pm_ctx {
	struct table		*table;
	struct stats		*stats;
	const struct iflist	*ifs;		/* our interfaces, for merging */
	const struct pm_config	*cfg;
	uint32_t		 now;		/* seconds since the epoch (GETTIME) */
	fwd_fn			 fwd;		/* NULL: forwarding not available */
	void			*fwd_arg;
	lookup_check_fn		 check;		/* NULL: lookups not checked */
	void			*check_arg;
	/* out, per call */
	int			 changed;	/* the table changed: persist before replying */
};

/* What the caller is, for ownership and policy. */
int32_t	caller_owner(const struct caller *);	/* OWNER_* or uid */
int	caller_is_local(const struct caller *);	/* loopback or AF_LOCAL */

/*
 * Handle one request (a datagram or a reassembled record).  Returns 1 when
 * reply holds a complete reply message to send, 0 when nothing must be sent
 * (not a call, a silent CALLIT error, or forwarded).  If the results do not
 * fit reply->max, the reply is rewritten as SYSTEM_ERR.
 */
int	dispatch(struct pm_ctx *, const struct caller *, const uint8_t *req,
	    size_t len, struct xdr_enc *reply);

#endif
