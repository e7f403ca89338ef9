/*
 * pmap_v2.c - PMAP version 2 (RFC 1833 section 3), a view of the one
 * table: a mapping (prog, vers, prot, port) is the entry of netid "udp"
 * (prot 17) or "tcp" (prot 6) whose universal address carries that port.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dispatch.h"
#include "pmap_prot.h"
#include "procs.h"
#include "rpcmsg.h"
#include "table.h"
#include "uaddr.h"
#include "xdr.h"

#define V2_UADDR_SZ	32	/* "0.0.0.0.255.255" and then some */

/* struct mapping { prog, vers, prot, port } */
struct v2_mapping {
	uint32_t	prog, vers, prot, port;
};

static int
v2_get_mapping(struct xdr_dec *d, struct v2_mapping *m)
{
	const uint8_t	*p = d->p;

	/* exactly a mapping, the usual case: read it in place */
	if (d->left == 16) {
		m->prog = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
		m->vers = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
		    (uint32_t)p[6] << 8 | p[7];
		m->prot = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 |
		    (uint32_t)p[10] << 8 | p[11];
		m->port = (uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 |
		    (uint32_t)p[14] << 8 | p[15];
		d->p += 16;
		d->left = 0;
		return 0;
	}
	if (xdr_get_u32(d, &m->prog) == -1 || xdr_get_u32(d, &m->vers) == -1 ||
	    xdr_get_u32(d, &m->prot) == -1 || xdr_get_u32(d, &m->port) == -1)
		return -1;
	return d->left == 0 ? 0 : -1;	/* nothing may follow */
}

/* The netid a protocol number stands for, or NULL. */
static const char *
v2_netid(uint32_t prot)
{
	switch (prot) {
	case IPPROTO_UDP_NUM:
		return "udp";
	case IPPROTO_TCP_NUM:
		return "tcp";
	default:
		return NULL;
	}
}

static enum proc_result
v2_reply_u32(struct xdr_enc *e, uint32_t xid, uint32_t v)
{
	rpcmsg_reply_success(e, xid);
	xdr_put_u32(e, v);
	return PROC_REPLIED;
}

static enum proc_result
v2_bool(struct xdr_enc *e, uint32_t xid, enum proc_bool b)
{
	if (b == PB_DENIED)
		return PROC_DENIED;
	rpcmsg_reply_success(e, xid);
	xdr_put_bool(e, b == PB_TRUE);
	return PROC_REPLIED;
}

static enum proc_result
v2_set(struct pm_ctx *ctx, const struct caller *c, const struct rpc_call *call,
    struct xdr_dec *d, struct xdr_enc *e)
{
	struct v2_mapping m;
	char		 uaddr[V2_UADDR_SZ] = "";
	const char	*netid;

	if (v2_get_mapping(d, &m) == -1)
		return PROC_GARBAGE;
	/* another protocol, or no port: a SET that fails (after policy) */
	netid = v2_netid(m.prot);
	if (m.port > UINT16_MAX)
		netid = NULL;
	else
		uaddr_v2((uint16_t)m.port, uaddr, sizeof(uaddr));
	return v2_bool(e, call->xid, proc_set(ctx, c, PMAP_VERS, m.prog, m.vers,
	    netid, uaddr));
}

static enum proc_result
v2_unset(struct pm_ctx *ctx, const struct caller *c,
    const struct rpc_call *call, struct xdr_dec *d, struct xdr_enc *e)
{
	static const char *const both[] = { "udp", "tcp" };
	struct v2_mapping m;

	/* prot and port are ignored: the pair goes on udp and tcp alike */
	if (v2_get_mapping(d, &m) == -1)
		return PROC_GARBAGE;
	return v2_bool(e, call->xid, proc_unset(ctx, c, PMAP_VERS, m.prog,
	    m.vers, both, 2));
}

static enum proc_result
v2_getport(struct pm_ctx *ctx, const struct caller *c,
    const struct rpc_call *call, struct xdr_dec *d, struct xdr_enc *e)
{
	const struct table_entry *te = NULL;
	struct v2_mapping m;
	const char	*netid;
	int		 port = 0;

	if (v2_get_mapping(d, &m) == -1)
		return PROC_GARBAGE;
	/* a host the access lists deny gets 0 */
	if ((netid = v2_netid(m.prot)) != NULL && !c->restricted) {
		te = proc_lookup(ctx, m.prog, m.vers, netid, 0);
		if (te != NULL && te->has_port)
			port = te->port;	/* parsed from uaddr at SET */
		stats_lookup(ctx->stats, PMAP_VERS, m.prog, m.vers, netid,
		    port != 0);
	}
	return v2_reply_u32(e, call->xid, (uint32_t)port);
}

/* pmaplist: "udp" and "tcp" entries only (udp6, tcp6, local are not v2's). */
static void
v2_dump_entry(const struct table_entry *te, struct xdr_enc *e)
{
	enum netid_kind	k = netid_kind(te->netid);

	if ((k != NETID_UDP && k != NETID_TCP) || !te->has_port)
		return;
	xdr_put_bool(e, 1);
	xdr_put_u32(e, te->prog);
	xdr_put_u32(e, te->vers);
	xdr_put_u32(e, k == NETID_UDP ? IPPROTO_UDP_NUM : IPPROTO_TCP_NUM);
	xdr_put_u32(e, (uint32_t)te->port);
}

enum proc_result
pmap_v2_call(struct pm_ctx *ctx, const struct caller *c,
    const struct rpc_call *call, struct xdr_dec *d, struct xdr_enc *e)
{
	switch (call->proc) {
	case PMAPPROC_NULL:
		if (d->left != 0)
			return PROC_GARBAGE;
		rpcmsg_reply_success(e, call->xid);
		return PROC_REPLIED;
	case PMAPPROC_SET:
		return v2_set(ctx, c, call, d, e);
	case PMAPPROC_UNSET:
		return v2_unset(ctx, c, call, d, e);
	case PMAPPROC_GETPORT:
		return v2_getport(ctx, c, call, d, e);
	case PMAPPROC_DUMP:
		return proc_dump(ctx, call, d, e, c->restricted,
		    TABLE_CACHE_DUMP_V2, v2_dump_entry);
	case PMAPPROC_CALLIT:
		return proc_rmtcall(ctx, c, call, d, e);
	default:
		return PROC_NOPROC;
	}
}
