/*
 * rpcb_v34.c - RPCBIND versions 3 and 4 (RFC 1833 section 2).  Version 3
 * has procedures 0 to 8; version 4 adds GETVERSADDR, INDIRECT,
 * GETADDRLIST and GETSTAT, and calls procedure 5 BCAST.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dispatch.h"
#include "pmap_prot.h"
#include "procs.h"
#include "rpcmsg.h"
#include "stats.h"
#include "table.h"
#include "uaddr.h"
#include "xdr.h"

#define V34_MERGED_SZ	(PM_UADDR_MAX + 64)	/* a merged address */
#define V34_OWNER_SZ	32			/* table_owner_str() */

/* struct rpcb: every string bounded, rejected (not cut) when longer. */
struct v34_rpcb {
	uint32_t	prog, vers;
	char		netid[PM_NETID_MAX + 1];
	char		addr[PM_UADDR_MAX + 1];
	char		owner[PM_OWNER_MAX + 1];
};

static int
v34_get_rpcb(struct xdr_dec *d, struct v34_rpcb *r)
{
	if (xdr_get_u32(d, &r->prog) == -1 || xdr_get_u32(d, &r->vers) == -1 ||
	    xdr_get_string(d, r->netid, sizeof(r->netid), PM_NETID_MAX,
	    NULL) == -1 ||
	    xdr_get_string(d, r->addr, sizeof(r->addr), PM_UADDR_MAX,
	    NULL) == -1 ||
	    xdr_get_string(d, r->owner, sizeof(r->owner), PM_OWNER_MAX,
	    NULL) == -1)
		return -1;
	return d->left == 0 ? 0 : -1;	/* nothing may follow */
}

static enum proc_result
v34_bool(struct xdr_enc *e, uint32_t xid, enum proc_bool b)
{
	if (b == PB_DENIED)
		return PROC_DENIED;
	rpcmsg_reply_success(e, xid);
	xdr_put_bool(e, b == PB_TRUE);
	return PROC_REPLIED;
}

static enum proc_result
v34_set(struct pm_ctx *ctx, const struct caller *c, const struct rpc_call *call,
    struct xdr_dec *d, struct xdr_enc *e)
{
	struct v34_rpcb	r;

	/* r_owner is ignored: the owner is who the caller is */
	if (v34_get_rpcb(d, &r) == -1)
		return PROC_GARBAGE;
	return v34_bool(e, call->xid, proc_set(ctx, c, call->vers, r.prog,
	    r.vers, r.netid, r.addr));
}

static enum proc_result
v34_unset(struct pm_ctx *ctx, const struct caller *c,
    const struct rpc_call *call, struct xdr_dec *d, struct xdr_enc *e)
{
	struct v34_rpcb	r;
	const char	*netid;

	if (v34_get_rpcb(d, &r) == -1)
		return PROC_GARBAGE;
	netid = r.netid;
	/* an empty r_netid means every netid */
	return v34_bool(e, call->xid, proc_unset(ctx, c, call->vers, r.prog,
	    r.vers, &netid, r.netid[0] != '\0' ? 1 : 0));
}

/*
 * The entry's address as this caller should see it: our interface address
 * that suits the client, with the registered port.  "" when it cannot be
 * made.
 */
static void
v34_merge(const struct pm_ctx *ctx, const struct caller *c,
    const struct table_entry *te, const char *hint, char *out, size_t outsz)
{
	if (uaddr_merge(ctx->ifs, te->netid, te->uaddr, hint,
	    (const struct sockaddr *)&c->peer, out, outsz) == -1)
		out[0] = '\0';
}

/*
 * GETADDR and GETVERSADDR: for the netid of the transport the call came
 * in on (not r_netid, which clients fill with anything); GETADDR falls
 * back to another version of the program, GETVERSADDR does not.
 */
static enum proc_result
v34_getaddr(struct pm_ctx *ctx, const struct caller *c,
    const struct rpc_call *call, struct xdr_dec *d, struct xdr_enc *e,
    int exact)
{
	const struct table_entry *te;
	struct v34_rpcb	r;
	char		out[V34_MERGED_SZ];
	const char	*netid = xprt_netid(c->xprt);

	if (v34_get_rpcb(d, &r) == -1)
		return PROC_GARBAGE;
	if (c->restricted)
		te = NULL;	/* a host the access lists deny gets "" */
	else
		te = proc_lookup(ctx, r.prog, r.vers, netid, exact);
	out[0] = '\0';
	if (te != NULL)
		v34_merge(ctx, c, te, r.addr, out, sizeof(out));
	stats_lookup(ctx->stats, call->vers, r.prog, r.vers, netid,
	    out[0] != '\0');
	rpcmsg_reply_success(e, call->xid);
	xdr_put_string(e, out);
	return PROC_REPLIED;
}

/* rpcblist_ptr: every netid; the same for v3 and v4. */
static void
v34_dump_entry(const struct table_entry *te, struct xdr_enc *e)
{
	char	owner[V34_OWNER_SZ];

	xdr_put_bool(e, 1);
	xdr_put_u32(e, te->prog);
	xdr_put_u32(e, te->vers);
	xdr_put_string(e, te->netid);
	xdr_put_string(e, te->uaddr);
	xdr_put_string(e, table_owner_str(te->owner, owner, sizeof(owner)));
}

static enum proc_result
v34_gettime(struct pm_ctx *ctx, const struct rpc_call *call,
    struct xdr_dec *d, struct xdr_enc *e)
{
	if (d->left != 0)
		return PROC_GARBAGE;
	rpcmsg_reply_success(e, call->xid);
	xdr_put_u32(e, ctx->now);
	return PROC_REPLIED;
}

/*
 * UADDR2TADDR: the address parsed in the family of the transport the call
 * came in on, returned as a netbuf holding the raw struct sockaddr as
 * Linux lays it out.  As rpcbind does: maxlen = len = the sockaddr_in or
 * sockaddr_in6 size; for a path, maxlen = sizeof(struct sockaddr_un) and
 * len up to the end of the path (no NUL); maxlen 0, len 0 when the string
 * does not parse.
 */
static enum proc_result
v34_uaddr2taddr(const struct caller *c, const struct rpc_call *call,
    struct xdr_dec *d, struct xdr_enc *e)
{
	struct sockaddr_storage ss;
	const struct sockaddr_un *sun;
	socklen_t	sl;
	char		ua[PM_UADDR_MAX + 1];
	uint32_t	maxlen = 0, len = 0;

	if (xdr_get_string(d, ua, sizeof(ua), PM_UADDR_MAX, NULL) == -1 ||
	    d->left != 0)
		return PROC_GARBAGE;
	memset(&ss, 0, sizeof(ss));
	if (uaddr_to_sockaddr(ua, xprt_netid(c->xprt), &ss, &sl) == 0) {
		switch (ss.ss_family) {
		case AF_INET:
			maxlen = len = sizeof(struct sockaddr_in);
			break;
		case AF_INET6:
			maxlen = len = sizeof(struct sockaddr_in6);
			break;
		case AF_LOCAL:
			sun = (const struct sockaddr_un *)&ss;
			maxlen = sizeof(struct sockaddr_un);
			len = offsetof(struct sockaddr_un, sun_path) +
			    strnlen(sun->sun_path, sizeof(sun->sun_path));
			break;
		default:
			break;
		}
	}
	rpcmsg_reply_success(e, call->xid);
	xdr_put_u32(e, maxlen);
	xdr_put_opaque(e, &ss, len);
	return PROC_REPLIED;
}

/*
 * TADDR2UADDR: a netbuf read as a socket address of the arrival
 * transport's family (rpcbind does not look at the family field either;
 * a buffer too short for it gives "").
 */
static enum proc_result
v34_taddr2uaddr(const struct caller *c, const struct rpc_call *call,
    struct xdr_dec *d, struct xdr_enc *e)
{
	struct sockaddr_storage ss;
	const uint8_t	*buf;
	uint32_t	 maxlen, len;
	size_t		 off = offsetof(struct sockaddr_un, sun_path), plen;
	char		 out[V34_MERGED_SZ];
	int		 af;

	if (xdr_get_u32(d, &maxlen) == -1 ||
	    xdr_get_opaque(d, &buf, &len, PM_TADDR_MAX) == -1 ||
	    d->left != 0 || len > maxlen)
		return PROC_GARBAGE;
	out[0] = '\0';
	memset(&ss, 0, sizeof(ss));
	af = netid_family(xprt_netid(c->xprt));
	switch (af) {
	case AF_INET:
	case AF_INET6:
		plen = af == AF_INET ? sizeof(struct sockaddr_in) :
		    sizeof(struct sockaddr_in6);
		if (len < plen)
			break;
		memcpy(&ss, buf, plen);
		ss.ss_family = (sa_family_t)af;
		if (uaddr_from_sockaddr((const struct sockaddr *)&ss,
		    (socklen_t)plen, out, sizeof(out)) == -1)
			out[0] = '\0';
		break;
	case AF_LOCAL:
		if (len <= off)
			break;
		plen = len - off;
		if (plen > PM_UADDR_MAX)
			plen = PM_UADDR_MAX;
		plen = strnlen((const char *)buf + off, plen);
		memcpy(out, buf + off, plen);
		out[plen] = '\0';
		break;
	default:
		break;
	}
	rpcmsg_reply_success(e, call->xid);
	xdr_put_string(e, out);
	return PROC_REPLIED;
}

/*
 * GETADDRLIST: every registration of (prog, vers) in the family of the
 * arrival transport, as rpcb_entry {maddr, netid, semantics, protofmly,
 * proto}, linked by bools.
 */
static enum proc_result
v34_getaddrlist(struct pm_ctx *ctx, const struct caller *c,
    const struct rpc_call *call, struct xdr_dec *d, struct xdr_enc *e)
{
	const struct table_entry *te;
	struct v34_rpcb	r;
	char		out[V34_MERGED_SZ];
	int		af, n = 0;

	if (v34_get_rpcb(d, &r) == -1)
		return PROC_GARBAGE;
	af = netid_family(xprt_netid(c->xprt));
	rpcmsg_reply_success(e, call->xid);
	for (te = c->restricted ? NULL : table_prog_first(ctx->table, r.prog);
	    te != NULL && !e->err; te = table_prog_next(te)) {
		if (te->vers != r.vers || netid_family(te->netid) != af)
			continue;
		v34_merge(ctx, c, te, r.addr, out, sizeof(out));
		if (out[0] == '\0')
			continue;
		xdr_put_bool(e, 1);
		xdr_put_string(e, out);
		xdr_put_string(e, te->netid);
		xdr_put_u32(e, netid_semantics(te->netid));
		xdr_put_string(e, netid_protofmly(te->netid));
		xdr_put_string(e, netid_proto(te->netid));
		n++;
	}
	xdr_put_bool(e, 0);
	stats_lookup(ctx->stats, call->vers, r.prog, r.vers,
	    xprt_netid(c->xprt), n > 0);
	return PROC_REPLIED;
}

/* Bytes of one rpcb_stat without list entries: 13 + 2 counters, 2 FALSEs. */
#define V34_STAT_FIXED	((RPCBSTAT_HIGHPROC + 2) * 4 + 8)

/* Bytes an XDR string of s takes. */
static size_t
v34_strsize(const char *s)
{
	size_t n = strlen(s);

	return 4 + n + xdr_pad(n);
}

/* Room left in the encoder. */
static size_t
v34_room(const struct xdr_enc *e)
{
	return e->err || e->len >= e->max ? 0 : e->max - e->len;
}

/*
 * GETSTAT: rpcb_stat_byvers, one rpcb_stat for each of versions 2, 3, 4.
 * Every list is bounded by STATS_LIST_MAX, but six full lists would still
 * not fit one datagram: a list entry goes out only while the rest of the
 * reply still fits, so the answer is always whole (the counters all
 * there, the lists cut short at worst).
 */
static enum proc_result
v34_getstat(struct pm_ctx *ctx, const struct rpc_call *call,
    struct xdr_dec *d, struct xdr_enc *e, int empty)
{
	static struct stats none;	/* zeros, when there are no counters */
	/* zeros, too, for a host the access lists deny */
	const struct stats *st = ctx->stats != NULL && !empty ? ctx->stats :
	    &none;
	const struct stats_vers *v;
	const struct stats_addr *a;
	const struct stats_rmt *m;
	size_t		tail, need;
	unsigned	i, k;

	if (d->left != 0)
		return PROC_GARBAGE;
	rpcmsg_reply_success(e, call->xid);
	for (k = 0; k < 3; k++) {
		v = &st->v[k];
		/* after this version's counters: its two FALSEs, the rest */
		tail = 8 + (2 - k) * V34_STAT_FIXED;
		for (i = 0; i < RPCBSTAT_HIGHPROC; i++)
			xdr_put_u32(e, (uint32_t)v->info[i]);
		xdr_put_u32(e, (uint32_t)v->setinfo);
		xdr_put_u32(e, (uint32_t)v->unsetinfo);
		for (i = 0; i < v->naddr && i < STATS_LIST_MAX; i++) {
			a = &v->addr[i];
			need = 4 + 16 + v34_strsize(a->netid);
			if (v34_room(e) < need + tail)
				break;
			xdr_put_bool(e, 1);
			xdr_put_u32(e, a->prog);
			xdr_put_u32(e, a->vers);
			xdr_put_u32(e, (uint32_t)a->success);
			xdr_put_u32(e, (uint32_t)a->failure);
			xdr_put_string(e, a->netid);
		}
		xdr_put_bool(e, 0);
		tail -= 4;
		for (i = 0; i < v->nrmt && i < STATS_LIST_MAX; i++) {
			m = &v->rmt[i];
			need = 4 + 24 + v34_strsize(m->netid);
			if (v34_room(e) < need + tail)
				break;
			xdr_put_bool(e, 1);
			xdr_put_u32(e, m->prog);
			xdr_put_u32(e, m->vers);
			xdr_put_u32(e, m->proc);
			xdr_put_u32(e, (uint32_t)m->success);
			xdr_put_u32(e, (uint32_t)m->failure);
			xdr_put_u32(e, (uint32_t)m->indirect);
			xdr_put_string(e, m->netid);
		}
		xdr_put_bool(e, 0);
	}
	return PROC_REPLIED;
}

enum proc_result
rpcb_v34_call(struct pm_ctx *ctx, const struct caller *c,
    const struct rpc_call *call, struct xdr_dec *d, struct xdr_enc *e)
{
	int	v4 = call->vers == RPCBVERS_4;

	switch (call->proc) {
	case RPCBPROC_NULL:
		if (d->left != 0)
			return PROC_GARBAGE;
		rpcmsg_reply_success(e, call->xid);
		return PROC_REPLIED;
	case RPCBPROC_SET:
		return v34_set(ctx, c, call, d, e);
	case RPCBPROC_UNSET:
		return v34_unset(ctx, c, call, d, e);
	case RPCBPROC_GETADDR:
		return v34_getaddr(ctx, c, call, d, e, 0);
	case RPCBPROC_DUMP:
		return proc_dump(ctx, call, d, e, c->restricted,
		    TABLE_CACHE_DUMP_V34, v34_dump_entry);
	case RPCBPROC_CALLIT:		/* v4: BCAST */
		return proc_rmtcall(ctx, c, call, d, e);
	case RPCBPROC_GETTIME:
		return v34_gettime(ctx, call, d, e);
	case RPCBPROC_UADDR2TADDR:
		return v34_uaddr2taddr(c, call, d, e);
	case RPCBPROC_TADDR2UADDR:
		return v34_taddr2uaddr(c, call, d, e);
	case RPCBPROC_GETVERSADDR:
		return v4 ? v34_getaddr(ctx, c, call, d, e, 1) : PROC_NOPROC;
	case RPCBPROC_INDIRECT:
		return v4 ? proc_rmtcall(ctx, c, call, d, e) : PROC_NOPROC;
	case RPCBPROC_GETADDRLIST:
		return v4 ? v34_getaddrlist(ctx, c, call, d, e) : PROC_NOPROC;
	case RPCBPROC_GETSTAT:
		return v4 ? v34_getstat(ctx, call, d, e, c->restricted) :
		    PROC_NOPROC;
	default:
		return PROC_NOPROC;
	}
}
