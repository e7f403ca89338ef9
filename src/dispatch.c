/*
 * dispatch.c - one request in, one reply (or silence) out.  Decodes the
 * RPC call header, checks the credential, routes (program, version,
 * procedure) to the PMAP v2 or RPCBIND v3/v4 handlers and turns what they
 * did into the protocol's replies.  Also holds what the handlers of every
 * version share: who the caller is, the SET/UNSET policy, and the checks
 * in front of the remote-call procedures.  Pure: no I/O, clock or log.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "dispatch.h"
#include "pmap_prot.h"
#include "procs.h"
#include "rpcmsg.h"
#include "stats.h"
#include "table.h"
#include "uaddr.h"
#include "xdr.h"

#define AUTH_DH_FLAVOR		3u	/* a.k.a. AUTH_DES */
#define RPCSEC_GSS_FLAVOR	6u	/* RFC 2203 */
#define AUTHSYS_NAME_MAX	255u	/* RFC 5531 authsys_parms */
#define AUTHSYS_GIDS_MAX	16u

/* Programs on the forwarding deny list. */
#define NFS_PROG	100003u
#define YP_PROG		100004u
#define MOUNT_PROG	100005u
#define YPBIND_PROG	100007u
#define YPPASSWD_PROG	100009u
#define RQUOTA_PROG	100011u

static const struct pm_config dsp_defcfg;	/* all off */

const char *
xprt_netid(enum xprt x)
{
	switch (x) {
	case XPRT_UDP:
		return "udp";
	case XPRT_TCP:
		return "tcp";
	case XPRT_UDP6:
		return "udp6";
	case XPRT_TCP6:
		return "tcp6";
	case XPRT_LOCAL:
		return "local";
	default:
		return "";
	}
}

int
xprt_is_dgram(enum xprt x)
{
	return x == XPRT_UDP || x == XPRT_UDP6;
}

int32_t
caller_owner(const struct caller *c)
{
	int	port;

	if (c->xprt == XPRT_LOCAL) {
		if (!c->has_cred)
			return OWNER_UNKNOWN;
		if (c->uid == 0)
			return OWNER_SUPERUSER;
		/* uids that would read as our special owners stay unknown */
		if ((int32_t)c->uid < 0)
			return OWNER_UNKNOWN;
		return (int32_t)c->uid;
	}
	/* On IP only a reserved port on this host vouches for root. */
	if (sockaddr_is_loopback((const struct sockaddr *)&c->peer) &&
	    (port = sockaddr_port((const struct sockaddr *)&c->peer)) >= 0 &&
	    port < IPPORT_RESERVED)
		return OWNER_SUPERUSER;
	return OWNER_UNKNOWN;
}

int
caller_is_local(const struct caller *c)
{
	if (c->xprt == XPRT_LOCAL)
		return 1;
	return sockaddr_is_loopback((const struct sockaddr *)&c->peer);
}

static const struct pm_config *
dsp_cfg(const struct pm_ctx *ctx)
{
	return ctx->cfg != NULL ? ctx->cfg : &dsp_defcfg;
}

/*
 * Changing the port mapper's own entries is refused to everyone: they
 * describe this process, and an UNSET of them would make us unreachable
 * through lookups.
 */
static int
dsp_own_prog(uint32_t prog)
{
	return prog == PMAP_PROG;
}

enum proc_bool
proc_set(struct pm_ctx *ctx, const struct caller *c, uint32_t vers,
    uint32_t prog, uint32_t pvers, const char *netid, const char *uaddr)
{
	const struct pm_config *cfg = dsp_cfg(ctx);
	int32_t		owner = caller_owner(c);
	uint32_t	flags = 0;
	int32_t		pid = 0;
	int		af, port, local = caller_is_local(c);

	if (c->restricted || (!local && !cfg->insecure)) {
		stats_set(ctx->stats, vers, 0);
		return PB_DENIED;
	}
	if (netid == NULL || uaddr == NULL)
		goto refuse;
	if (dsp_own_prog(prog)) {
		/* our own entries: only the idempotent SET is TRUE */
		const struct table_entry *e;

		e = table_find(ctx->table, prog, pvers, netid);
		if (e == NULL || strcmp(e->uaddr, uaddr) != 0)
			goto refuse;
		stats_set(ctx->stats, vers, 1);
		return PB_TRUE;
	}
	af = netid_family(netid);
	if (af == AF_INET || af == AF_INET6) {
		/* an IP registration must carry a port we can read back */
		if ((port = uaddr_port(uaddr)) < 0)
			goto refuse;
		/* a reserved port is root's to register, on every transport */
		if (port < IPPORT_RESERVED && owner != OWNER_SUPERUSER)
			goto refuse;
	}
	if (!local)
		flags |= TE_REMOTE;
	if (c->xprt == XPRT_LOCAL && c->has_cred) {
		flags |= TE_LOCAL;
		pid = (int32_t)c->pid;
		flags |= c->netns & (TE_NETNS_SAME | TE_NETNS_OTHER);
	}
	switch (table_set(ctx->table, prog, pvers, netid, uaddr, owner, pid,
	    flags)) {
	case TABLE_ADDED:
		ctx->changed = 1;
		/* FALLTHROUGH */
	case TABLE_SAME:
		stats_set(ctx->stats, vers, 1);
		return PB_TRUE;
	default:
		break;
	}
refuse:
	stats_set(ctx->stats, vers, 0);
	return PB_FALSE;
}

enum proc_result
proc_dump(struct pm_ctx *ctx, const struct rpc_call *call, struct xdr_dec *d,
    struct xdr_enc *e, int empty, unsigned cache, proc_dump_entry entry)
{
	const struct table_entry *te;
	const struct table_cache *tc;
	size_t		 start;

	if (d->left != 0)
		return PROC_GARBAGE;
	rpcmsg_reply_success(e, call->xid);
	if (!empty && (tc = table_cache_get(ctx->table, cache)) != NULL) {
		/* by reference over a stream: no copy of a big body */
		xdr_put_ref(e, tc->buf, tc->len);
		return PROC_REPLIED;
	}
	start = e->len;
	for (te = empty ? NULL : table_first(ctx->table); te != NULL && !e->err;
	    te = table_next(te)) {
		entry(te, e);
	}
	xdr_put_bool(e, 0);
	if (!empty && !e->err)
		(void)table_cache_put(ctx->table, cache, e->buf + start,
		    e->len - start);
	return PROC_REPLIED;
}

#define DSP_LOOKUP_TRIES	8	/* entries a lookup may see removed */

const struct table_entry *
proc_lookup(struct pm_ctx *ctx, uint32_t prog, uint32_t vers,
    const char *netid, int exact)
{
	const struct table_entry *te;
	int		tries;

	for (tries = 0; tries < DSP_LOOKUP_TRIES; tries++) {
		te = exact ? table_find(ctx->table, prog, vers, netid) :
		    table_find_fallback(ctx->table, prog, vers, netid);
		if (te == NULL || ctx->check == NULL ||
		    !ctx->check(ctx->check_arg, te))
			return te;
	}
	/* the checks keep removing: answer with what is left, unchecked */
	return exact ? table_find(ctx->table, prog, vers, netid) :
	    table_find_fallback(ctx->table, prog, vers, netid);
}

enum proc_bool
proc_unset(struct pm_ctx *ctx, const struct caller *c, uint32_t vers,
    uint32_t prog, uint32_t pvers, const char *const *netids, size_t n)
{
	const struct pm_config *cfg = dsp_cfg(ctx);
	int32_t		owner = caller_owner(c);
	size_t		i;
	int		r;

	if (c->restricted || (!caller_is_local(c) && !cfg->insecure)) {
		stats_unset(ctx->stats, vers, 0);
		return PB_DENIED;
	}
	if (dsp_own_prog(prog))
		goto refuse;
	/* All or nothing: every netid is checked before any is touched. */
	if (n == 0) {
		if (!table_may_unset(ctx->table, prog, pvers, NULL, owner))
			goto refuse;
	} else {
		for (i = 0; i < n; i++)
			if (!table_may_unset(ctx->table, prog, pvers, netids[i],
			    owner))
				goto refuse;
	}
	for (i = 0; i < (n == 0 ? 1 : n); i++) {
		r = table_unset(ctx->table, prog, pvers,
		    n == 0 ? NULL : netids[i], owner);
		if (r > 0)
			ctx->changed = 1;
	}
	/* Removing nothing is success, as in rpcbind. */
	stats_unset(ctx->stats, vers, 1);
	return PB_TRUE;
refuse:
	stats_unset(ctx->stats, vers, 0);
	return PB_FALSE;
}

int
fwd_denied(uint32_t prog, uint32_t vers, uint32_t proc)
{
	(void)vers;
	/* A NULL procedure only pings, whatever the program. */
	if (proc == 0)
		return 0;
	switch (prog) {
	case PMAP_PROG:
	case NFS_PROG:
	case YPPASSWD_PROG:
	case RQUOTA_PROG:
		return 1;
	case MOUNT_PROG:		/* MNT, UMNT */
		return proc == 1 || proc == 3;
	case YPBIND_PROG:		/* SETDOM */
		return proc == 2;
	case YP_PROG:			/* ALL, MASTER, ORDER, MAPLIST... */
		return proc == 3 || proc == 4 || proc == 5 || proc == 8;
	default:
		return 0;
	}
}

/*
 * CALLIT, BCAST and INDIRECT.  What Debian's rpcbind 1.2.6 does, observed
 * by sending it these calls in a private namespace, with and without -r
 * (it has remote calls built in and enables them with -r):
 *  - over TCP and AF_LOCAL: silence, for all three, whatever the arguments;
 *  - a target on the deny list: MSG_DENIED AUTH_ERROR AUTH_TOOWEAK, for
 *    all three (CALLIT and BCAST included), before any lookup;
 *  - INDIRECT to a program with nothing on the arrival netid: PROG_UNAVAIL;
 *    to a missing version of a registered one: PROG_MISMATCH with the
 *    lowest and highest versions registered on that netid;
 *  - INDIRECT to a registered target with remote calls off: SYSTEM_ERR;
 *  - CALLIT and BCAST: silence on every other error, and when off.
 * Arguments that do not decode: INDIRECT says GARBAGE_ARGS, CALLIT and
 * BCAST stay silent (rpcbind's own answer there depends on bytes left over
 * from an earlier datagram, which we never read).
 */
enum proc_result
proc_rmtcall(struct pm_ctx *ctx, const struct caller *c,
    const struct rpc_call *call, struct xdr_dec *d, struct xdr_enc *e)
{
	const struct table_entry *te;
	struct fwd_request fr;
	const char	*netid;
	uint32_t	 low = UINT32_MAX, high = 0;
	int		 indirect, any = 0;

	indirect = call->vers == RPCBVERS_4 && call->proc == RPCBPROC_INDIRECT;
	/* a host the access lists deny gets no forwarding at all */
	if (!xprt_is_dgram(c->xprt) || c->restricted)
		goto silent;
	memset(&fr, 0, sizeof(fr));
	if (xdr_get_u32(d, &fr.prog) == -1 || xdr_get_u32(d, &fr.pvers) == -1 ||
	    xdr_get_u32(d, &fr.pproc) == -1 ||
	    xdr_get_opaque(d, &fr.args, &fr.argslen, PM_ARGS_MAX) == -1 ||
	    d->left != 0) {
		if (indirect)
			return PROC_GARBAGE;
		goto silent;
	}
	if (fwd_denied(fr.prog, fr.pvers, fr.pproc))
		return PROC_DENIED;
	netid = xprt_netid(c->xprt);
	te = table_find(ctx->table, fr.prog, fr.pvers, netid);
	if (te == NULL) {
		stats_rmtcall(ctx->stats, call->vers, fr.prog, fr.pvers,
		    fr.pproc, netid, 0, indirect);
		if (!indirect)
			goto silent;
		for (te = table_prog_first(ctx->table, fr.prog); te != NULL;
		    te = table_prog_next(te)) {
			if (strcasecmp(te->netid, netid) != 0)
				continue;
			any = 1;
			if (te->vers < low)
				low = te->vers;
			if (te->vers > high)
				high = te->vers;
		}
		if (!any)
			rpcmsg_reply_accepted(e, call->xid, ACC_PROG_UNAVAIL);
		else
			rpcmsg_reply_prog_mismatch(e, call->xid, low, high);
		return PROC_REPLIED;
	}
	if (!dsp_cfg(ctx)->forwarding || ctx->fwd == NULL)
		goto fail;
	fr.xid = call->xid;
	fr.vers = call->vers;
	fr.proc = call->proc;
	fr.cred = call->cred;
	fr.target = te;
	switch (ctx->fwd(ctx->fwd_arg, c, &fr)) {
	case 0:
		break;
	case -2:	/* on the deny list the administrator added */
		return PROC_DENIED;
	default:
		goto fail;
	}
	stats_rmtcall(ctx->stats, call->vers, fr.prog, fr.pvers, fr.pproc,
	    netid, 1, indirect);
	return PROC_SILENT;		/* the reply comes from the forwarder */
fail:
	stats_rmtcall(ctx->stats, call->vers, fr.prog, fr.pvers, fr.pproc,
	    netid, 0, indirect);
	if (indirect)
		return PROC_SYSERR;
silent:
	if (ctx->stats != NULL)
		ctx->stats->dropped++;
	return PROC_SILENT;
}

/*
 * AUTH_SYS (RFC 5531 authsys_parms): stamp, machinename<255>, uid, gid,
 * gids<16>, filling the body exactly.
 */
static int
dsp_authsys_ok(const struct rpc_auth *a)
{
	struct xdr_dec	 d;
	const uint8_t	*name;
	uint32_t	 stamp, namelen, uid, gid, ngids, g, i;

	xdr_dec_init(&d, a->body, a->len);
	if (xdr_get_u32(&d, &stamp) == -1 ||
	    xdr_get_opaque(&d, &name, &namelen, AUTHSYS_NAME_MAX) == -1 ||
	    xdr_get_u32(&d, &uid) == -1 || xdr_get_u32(&d, &gid) == -1 ||
	    xdr_get_u32(&d, &ngids) == -1 || ngids > AUTHSYS_GIDS_MAX)
		return 0;
	for (i = 0; i < ngids; i++)
		if (xdr_get_u32(&d, &g) == -1)
			return 0;
	return d.left == 0;
}

/*
 * The credential: AUTH_OK_STAT when accepted, else the auth_stat to deny
 * with.  For the flavors we do not take, the values libtirpc's server side
 * gives (observed from rpcbind): AUTH_SHORT and unknown flavors are
 * REJECTEDCRED, AUTH_DH is FAILED, RPCSEC_GSS is BADCRED.  The verifier
 * is not looked at, as there.
 */
static uint32_t
dsp_check_cred(const struct rpc_auth *cred)
{
	switch (cred->flavor) {
	case AUTH_NONE_FLAVOR:
		return AUTH_OK_STAT;
	case AUTH_SYS_FLAVOR:
		return dsp_authsys_ok(cred) ? AUTH_OK_STAT : AUTH_BADCRED_STAT;
	case AUTH_DH_FLAVOR:
		return AUTH_FAILED_STAT;
	case RPCSEC_GSS_FLAVOR:
		return AUTH_BADCRED_STAT;
	case AUTH_SHORT_FLAVOR:
	default:
		return AUTH_REJECTEDCRED_STAT;
	}
}

/* The highest procedure of each version. */
static uint32_t
dsp_maxproc(uint32_t vers)
{
	switch (vers) {
	case PMAP_VERS:
		return PMAPPROC_CALLIT;
	case RPCBVERS_3:
		return RPCBPROC_TADDR2UADDR;
	default:
		return RPCBPROC_GETSTAT;
	}
}

/* Reply done: 1 when it fits, else nothing to send. */
static int
dsp_done(struct xdr_enc *reply)
{
	return reply->err ? 0 : 1;
}

int
dispatch(struct pm_ctx *ctx, const struct caller *c, const uint8_t *req,
    size_t len, struct xdr_enc *reply)
{
	struct xdr_dec	 d;
	struct rpc_call	 call;
	enum proc_result r;
	uint32_t	 as;

	ctx->changed = 0;
	xdr_enc_reset(reply);
	xdr_dec_init(&d, req, len);
	switch (rpcmsg_decode_call(&d, &call)) {
	case RPCMSG_OK:
		break;
	case RPCMSG_BAD_RPCVERS:
		/*
		 * rpcbind stays silent here; RFC 5531 says RPC_MISMATCH and
		 * so do we.
		 */
		rpcmsg_reply_rpc_mismatch(reply, call.xid, RPC_VERS, RPC_VERS);
		return dsp_done(reply);
	case RPCMSG_BAD_AUTH:
		rpcmsg_reply_auth_error(reply, call.xid, AUTH_BADCRED_STAT);
		return dsp_done(reply);
	case RPCMSG_NOT_CALL:
	default:
		if (ctx->stats != NULL)
			ctx->stats->dropped++;
		return 0;
	}

	if ((as = dsp_check_cred(&call.cred)) != AUTH_OK_STAT) {
		rpcmsg_reply_auth_error(reply, call.xid, as);
		return dsp_done(reply);
	}
	if (call.prog != PMAP_PROG) {
		rpcmsg_reply_accepted(reply, call.xid, ACC_PROG_UNAVAIL);
		return dsp_done(reply);
	}
	if (call.vers < PMAP_VERS_LOW || call.vers > PMAP_VERS_HIGH) {
		rpcmsg_reply_prog_mismatch(reply, call.xid, PMAP_VERS_LOW,
		    PMAP_VERS_HIGH);
		return dsp_done(reply);
	}
	if (call.proc > dsp_maxproc(call.vers)) {
		rpcmsg_reply_accepted(reply, call.xid, ACC_PROC_UNAVAIL);
		return dsp_done(reply);
	}
	stats_proc(ctx->stats, call.vers, call.proc);

	/* d now holds exactly the arguments: the rest of this request. */
	if (call.vers == PMAP_VERS)
		r = pmap_v2_call(ctx, c, &call, &d, reply);
	else
		r = rpcb_v34_call(ctx, c, &call, &d, reply);

	switch (r) {
	case PROC_REPLIED:
		if (!reply->err)
			return 1;
		/*
		 * The results did not fit reply->max (a large DUMP in one
		 * datagram).  rpcbind answers SYSTEM_ERR for v3/v4 and
		 * nothing for v2; we tell every client, so it can retry
		 * over TCP instead of waiting for a timeout.
		 */
		xdr_enc_reset(reply);
		rpcmsg_reply_accepted(reply, call.xid, ACC_SYSTEM_ERR);
		return dsp_done(reply);
	case PROC_SILENT:
		xdr_enc_reset(reply);
		return 0;
	case PROC_GARBAGE:
		if (ctx->stats != NULL)
			ctx->stats->garbage++;
		as = ACC_GARBAGE_ARGS;
		break;
	case PROC_NOPROC:
		as = ACC_PROC_UNAVAIL;
		break;
	case PROC_DENIED:
		/* refused SET/UNSET, and calls on the forwarding deny list */
		if (ctx->stats != NULL)
			ctx->stats->denied++;
		xdr_enc_reset(reply);
		rpcmsg_reply_auth_error(reply, call.xid, AUTH_TOOWEAK_STAT);
		return dsp_done(reply);
	case PROC_SYSERR:
	default:
		as = ACC_SYSTEM_ERR;
		break;
	}
	xdr_enc_reset(reply);
	rpcmsg_reply_accepted(reply, call.xid, as);
	return dsp_done(reply);
}
