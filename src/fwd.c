/*
 * fwd.c - the table of forwarded calls in flight (see fwd.h).
 *
 * The table is an array of slots fixed at fwd_new(); every operation is a
 * linear scan of it (64 slots by default), so nothing is allocated while
 * the daemon runs and a slot that is never answered is freed at its
 * deadline whatever happens.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "fwd.h"
#include "pmap_prot.h"
#include "procs.h"
#include "rpcmsg.h"
#include "table.h"
#include "uaddr.h"
#include "xdr.h"

#define FWD_XID_STEP	0x9e3779b1u	/* odd: xids repeat only after 2^32 */

struct fwd_slot {
	int			 used;
	uint32_t		 fxid;		/* the xid of the forwarded call */
	uint64_t		 deadline;	/* ms */
	struct caller		 caller;
	uint8_t			 ctx[FWD_CTX_MAX];
	size_t			 ctxlen;
	size_t			 reply_max;
	uint32_t		 xid, vers, proc;	/* the call to us */
	uint32_t		 prog, pvers, pproc;	/* the call forwarded */
	struct sockaddr_storage	 dest;
	socklen_t		 destlen;
	uint16_t		 port;		/* for the v2 reply */
	char			 maddr[FWD_UADDR_MAX];	/* for v3/v4 replies */
};

struct fwd_deny {
	uint32_t	prog;
	uint32_t	proc;		/* 0: every procedure but 0 */
};

struct fwd {
	struct fwd_slot	*slot;
	unsigned	 nslots;
	unsigned	 timeout;
	uint32_t	 xid_next;
	struct fwd_deny	 deny[FWD_DENY_MAX];
	unsigned	 ndeny;
	struct fwd_stats st;
};

struct fwd *
fwd_new(const struct fwd_cfg *cfg)
{
	struct fwd	*f;
	unsigned	 n = FWD_SLOTS_DEFAULT, t = FWD_TIMEOUT_DEFAULT;

	if (cfg != NULL) {
		if (cfg->slots > FWD_SLOTS_MAX || cfg->timeout_ms > FWD_TIMEOUT_MAX)
			return NULL;
		if (cfg->slots != 0)
			n = cfg->slots;
		if (cfg->timeout_ms != 0)
			t = cfg->timeout_ms;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	if ((f->slot = calloc(n, sizeof(*f->slot))) == NULL) {
		free(f);
		return NULL;
	}
	f->nslots = n;
	f->timeout = t;
	f->xid_next = cfg != NULL ? cfg->xid_seed : 0;
	f->st.slots = n;
	return f;
}

void
fwd_free(struct fwd *f)
{
	if (f == NULL)
		return;
	free(f->slot);
	free(f);
}

/* ---- the deny list ---- */

/* A decimal number of at most 10 digits that fits 32 bits; advances *pp. */
static int
fwd_number(const char **pp, uint32_t *out)
{
	const char	*p = *pp;
	uint64_t	 v = 0;
	int		 n = 0;

	while (*p >= '0' && *p <= '9') {
		if (++n > 10)
			return -1;
		v = v * 10 + (uint64_t)(*p++ - '0');
	}
	if (n == 0 || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	*pp = p;
	return 0;
}

int
fwd_deny_add(struct fwd *f, const char *spec)
{
	struct fwd_deny	 d = { 0, 0 };
	const char	*p = spec;

	if (f == NULL || p == NULL || f->ndeny == FWD_DENY_MAX ||
	    fwd_number(&p, &d.prog) == -1)
		return -1;
	if (*p == ':') {
		p++;
		if (fwd_number(&p, &d.proc) == -1 || d.proc == 0)
			return -1;
	}
	if (*p != '\0')
		return -1;
	f->deny[f->ndeny++] = d;
	return 0;
}

int
fwd_is_denied(const struct fwd *f, uint32_t prog, uint32_t vers, uint32_t proc)
{
	unsigned	i;

	if (proc == 0)
		return 0;	/* a NULL procedure only pings */
	if (fwd_denied(prog, vers, proc))
		return 1;
	if (f == NULL)
		return 0;
	for (i = 0; i < f->ndeny; i++)
		if (f->deny[i].prog == prog &&
		    (f->deny[i].proc == 0 || f->deny[i].proc == proc))
			return 1;
	return 0;
}

/* ---- addresses ---- */

/* Address bytes and port of an IP socket address, IPv4-mapped as IPv4. */
static int
fwd_addr(const struct sockaddr *sa, int *af, uint8_t a[16], int *port)
{
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;

	if (sa == NULL)
		return -1;
	switch (sa->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)(const void *)sa;
		*af = AF_INET;
		memcpy(a, &sin->sin_addr, 4);
		*port = ntohs(sin->sin_port);
		return 0;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		*port = ntohs(sin6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			*af = AF_INET;
			memcpy(a, sin6->sin6_addr.s6_addr + 12, 4);
		} else {
			*af = AF_INET6;
			memcpy(a, sin6->sin6_addr.s6_addr, 16);
		}
		return 0;
	default:
		return -1;
	}
}

/* Same IP address (mapped IPv4 = IPv4) and port? */
static int
fwd_same_peer(const struct sockaddr *x, const struct sockaddr *y)
{
	uint8_t	a[16], b[16];
	int	afa, afb, pa, pb;

	if (fwd_addr(x, &afa, a, &pa) == -1 || fwd_addr(y, &afb, b, &pb) == -1)
		return 0;
	return afa == afb && pa == pb &&
	    memcmp(a, b, afa == AF_INET ? 4 : 16) == 0;
}

/* Is this one of our interface addresses? */
static int
fwd_is_ours(const struct iflist *ifs, const struct sockaddr *sa)
{
	const struct ifent *ife;
	uint8_t	a[16], b[16];
	int	afa, afb, pa, pb;
	size_t	i;

	if (ifs == NULL || fwd_addr(sa, &afa, a, &pa) == -1)
		return 0;
	for (i = 0; i < ifs->n; i++) {
		ife = &ifs->v[i];
		if (fwd_addr((const struct sockaddr *)&ife->addr, &afb, b,
		    &pb) == -1)
			continue;
		if (afa == afb && memcmp(a, b, afa == AF_INET ? 4 : 16) == 0)
			return 1;
	}
	return 0;
}

/*
 * Where a call to this registration goes: on this host only.  The
 * wildcard address becomes the loopback address of its family.
 */
static int
fwd_target(const struct table_entry *te, const struct iflist *ifs,
    struct sockaddr_storage *ss, socklen_t *slen)
{
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;
	enum netid_kind		 k;

	k = netid_kind(te->netid);
	if (k != NETID_UDP && k != NETID_UDP6)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (uaddr_to_sockaddr(te->uaddr, te->netid, ss, slen) == -1)
		return -1;
	if (sockaddr_port((const struct sockaddr *)ss) <= 0)
		return -1;
	switch (ss->ss_family) {
	case AF_INET:
		sin = (struct sockaddr_in *)ss;
		if (sin->sin_addr.s_addr == htonl(INADDR_ANY))
			sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*slen = sizeof(*sin);
		break;
	case AF_INET6:
		sin6 = (struct sockaddr_in6 *)ss;
		if (IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr))
			sin6->sin6_addr = in6addr_loopback;
		*slen = sizeof(*sin6);
		break;
	default:
		return -1;
	}
	if (sockaddr_is_loopback((const struct sockaddr *)ss) ||
	    fwd_is_ours(ifs, (const struct sockaddr *)ss))
		return 0;
	return -1;
}

/* ---- slots ---- */

static int
fwd_is_rmtcall(uint32_t vers, uint32_t proc)
{
	switch (vers) {
	case PMAP_VERS:
		return proc == PMAPPROC_CALLIT;
	case RPCBVERS_3:
		return proc == RPCBPROC_CALLIT;
	case RPCBVERS_4:
		return proc == RPCBPROC_BCAST || proc == RPCBPROC_INDIRECT;
	default:
		return 0;
	}
}

static int
fwd_indirect(const struct fwd_slot *s)
{
	return s->vers == RPCBVERS_4 && s->proc == RPCBPROC_INDIRECT;
}

static void
fwd_release(struct fwd *f, struct fwd_slot *s)
{
	s->used = 0;
	f->st.inflight--;
}

/* A slot for a new call: a free one, else the one nearest its deadline. */
static struct fwd_slot *
fwd_take(struct fwd *f)
{
	struct fwd_slot	*s, *old = NULL;
	unsigned	 i;

	for (i = 0; i < f->nslots; i++) {
		s = &f->slot[i];
		if (!s->used)
			return s;
		if (old == NULL || s->deadline < old->deadline)
			old = s;
	}
	f->st.evicted++;
	fwd_release(f, old);
	return old;
}

/* The slot of an earlier copy of this call (a retransmission), or NULL. */
static struct fwd_slot *
fwd_find_call(struct fwd *f, const struct caller *c,
    const struct fwd_request *req)
{
	struct fwd_slot	*s;
	unsigned	 i;

	for (i = 0; i < f->nslots; i++) {
		s = &f->slot[i];
		if (s->used && s->xid == req->xid && s->vers == req->vers &&
		    s->proc == req->proc && s->prog == req->prog &&
		    s->pvers == req->pvers && s->pproc == req->pproc &&
		    fwd_same_peer((const struct sockaddr *)&s->caller.peer,
		    (const struct sockaddr *)&c->peer))
			return s;
	}
	return NULL;
}

static uint32_t
fwd_new_xid(struct fwd *f)
{
	f->xid_next += FWD_XID_STEP;
	return f->xid_next;
}

enum fwd_status
fwd_submit(struct fwd *f, const struct fwd_origin *o,
    const struct fwd_request *req, uint64_t now_ms, struct xdr_enc *msg,
    struct sockaddr_storage *dest, socklen_t *destlen)
{
	struct sockaddr_storage	 ss;
	struct fwd_slot		*s;
	enum fwd_status		 err;
	socklen_t		 slen;
	uint32_t		 fxid;
	uint8_t			*p;
	int			 port;

	if (f == NULL || o == NULL || o->caller == NULL || req == NULL ||
	    msg == NULL || dest == NULL || destlen == NULL) {
		err = FWD_ERR_CALL;
		goto refuse;
	}
	if (!fwd_is_rmtcall(req->vers, req->proc) || req->target == NULL ||
	    req->argslen > PM_ARGS_MAX ||
	    (req->argslen > 0 && req->args == NULL)) {
		err = FWD_ERR_CALL;
		goto refuse;
	}
	if (req->cred.flavor != AUTH_NONE_FLAVOR &&
	    req->cred.flavor != AUTH_SYS_FLAVOR) {
		err = FWD_ERR_FLAVOR;
		goto refuse;
	}
	if (req->cred.len > RPC_AUTH_MAX ||
	    (req->cred.len > 0 && req->cred.body == NULL)) {
		err = FWD_ERR_FLAVOR;
		goto refuse;
	}
	if (fwd_is_denied(f, req->prog, req->pvers, req->pproc)) {
		err = FWD_ERR_DENIED;
		goto refuse;
	}
	if (o->ctxlen > FWD_CTX_MAX || (o->ctxlen > 0 && o->ctx == NULL)) {
		err = FWD_ERR_SPACE;
		goto refuse;
	}
	if (fwd_target(req->target, o->ifs, &ss, &slen) == -1 ||
	    (port = sockaddr_port((const struct sockaddr *)&ss)) <= 0) {
		err = FWD_ERR_TARGET;
		goto refuse;
	}

	/* The call, before a slot is touched: it must fit. */
	s = fwd_find_call(f, o->caller, req);
	fxid = s != NULL ? s->fxid : f->xid_next + FWD_XID_STEP;
	xdr_enc_reset(msg);
	rpcmsg_encode_call(msg, fxid, req->prog, req->pvers, req->pproc,
	    &req->cred);
	if (req->argslen > 0 && (p = xdr_reserve(msg, req->argslen)) != NULL)
		memcpy(p, req->args, req->argslen);
	if (msg->err) {
		xdr_enc_reset(msg);
		err = FWD_ERR_SPACE;
		goto refuse;
	}

	if (s != NULL) {
		f->st.retransmits++;
	} else {
		s = fwd_take(f);
		memset(s, 0, sizeof(*s));
		s->used = 1;
		s->fxid = fwd_new_xid(f);
		f->st.inflight++;
		f->st.submitted++;
	}
	s->deadline = now_ms + f->timeout;
	s->caller = *o->caller;
	if (o->ctxlen > 0)
		memcpy(s->ctx, o->ctx, o->ctxlen);
	s->ctxlen = o->ctxlen;
	s->reply_max = o->reply_max;
	s->xid = req->xid;
	s->vers = req->vers;
	s->proc = req->proc;
	s->prog = req->prog;
	s->pvers = req->pvers;
	s->pproc = req->pproc;
	s->dest = ss;
	s->destlen = slen;
	s->port = (uint16_t)port;
	/* the address as this caller would look it up */
	if (uaddr_merge(o->ifs, req->target->netid, req->target->uaddr, NULL,
	    (const struct sockaddr *)&o->caller->peer, s->maddr,
	    sizeof(s->maddr)) == -1)
		s->maddr[0] = '\0';
	*dest = ss;
	*destlen = slen;
	return FWD_OK;
refuse:
	if (f != NULL)
		f->st.refused++;
	return err;
}

static void
fwd_fill_done(const struct fwd_slot *s, enum fwd_outcome outcome,
    struct fwd_done *done)
{
	memset(done, 0, sizeof(*done));
	done->caller = s->caller;
	memcpy(done->ctx, s->ctx, s->ctxlen);
	done->ctxlen = s->ctxlen;
	done->xid = s->xid;
	done->vers = s->vers;
	done->proc = s->proc;
	done->prog = s->prog;
	done->pvers = s->pvers;
	done->pproc = s->pproc;
	done->outcome = outcome;
}

/* An error reply to an INDIRECT; 1 when it fits. */
static int
fwd_error_reply(const struct fwd_slot *s, struct xdr_enc *reply,
    uint32_t stat, uint32_t low, uint32_t high)
{
	xdr_enc_reset(reply);
	if (stat == ACC_PROG_MISMATCH)
		rpcmsg_reply_prog_mismatch(reply, s->xid, low, high);
	else
		rpcmsg_reply_accepted(reply, s->xid, stat);
	if (reply->err || reply->len > s->reply_max) {
		xdr_enc_reset(reply);
		return 0;
	}
	return 1;
}

int
fwd_reply(struct fwd *f, const struct sockaddr *from, const uint8_t *buf,
    size_t len, uint64_t now_ms, struct xdr_enc *reply, struct fwd_done *done)
{
	struct fwd_slot	*s = NULL;
	struct rpc_reply r;
	struct xdr_dec	 d;
	uint32_t	 xid, stat = ACC_SYSTEM_ERR, low = 0, high = 0;
	unsigned	 i;
	int		 ok;

	(void)now_ms;
	if (f == NULL || buf == NULL || reply == NULL || done == NULL)
		return -1;
	xdr_dec_init(&d, buf, len);
	if (xdr_get_u32(&d, &xid) == -1)
		goto stray;
	for (i = 0; i < f->nslots; i++) {
		if (f->slot[i].used && f->slot[i].fxid == xid &&
		    fwd_same_peer(from, (const struct sockaddr *)&f->slot[i].dest)) {
			s = &f->slot[i];
			break;
		}
	}
	if (s == NULL)
		goto stray;

	xdr_dec_init(&d, buf, len);
	ok = rpcmsg_decode_reply(&d, &r) == 0;
	if (ok && r.reply_stat == MSG_ACCEPTED && r.stat == ACC_SUCCESS) {
		xdr_enc_reset(reply);
		rpcmsg_reply_success(reply, s->xid);
		if (s->vers == PMAP_VERS)
			xdr_put_u32(reply, s->port);
		else
			xdr_put_string(reply, s->maddr);
		if (d.left > UINT32_MAX)
			reply->err = 1;
		else
			xdr_put_opaque(reply, d.p, (uint32_t)d.left);
		if (!reply->err && reply->len <= s->reply_max) {
			f->st.replied++;
			fwd_fill_done(s, FWD_REPLIED, done);
			fwd_release(f, s);
			return 1;
		}
		/* too large for this caller: an error like the others */
		f->st.toobig++;
		fwd_fill_done(s, FWD_TOOBIG, done);
	} else {
		f->st.target_errors++;
		fwd_fill_done(s, FWD_TARGET_ERROR, done);
		if (ok && r.reply_stat == MSG_ACCEPTED &&
		    (r.stat == ACC_PROG_UNAVAIL || r.stat == ACC_PROG_MISMATCH)) {
			stat = r.stat;
			low = r.low;
			high = r.high;
		}
	}
	xdr_enc_reset(reply);
	ok = fwd_indirect(s) && fwd_error_reply(s, reply, stat, low, high);
	fwd_release(f, s);
	return ok ? 1 : 0;
stray:
	f->st.stray++;
	return -1;
}

int
fwd_expire(struct fwd *f, uint64_t now_ms, struct xdr_enc *reply,
    struct fwd_done *done)
{
	struct fwd_slot	*s;
	unsigned	 i;
	int		 ok;

	if (f == NULL)
		return 0;
	for (i = 0; i < f->nslots; i++) {
		s = &f->slot[i];
		if (!s->used || s->deadline > now_ms)
			continue;
		f->st.timeouts++;
		if (!fwd_indirect(s) || reply == NULL || done == NULL) {
			fwd_release(f, s);
			continue;
		}
		fwd_fill_done(s, FWD_TIMEOUT, done);
		ok = fwd_error_reply(s, reply, ACC_SYSTEM_ERR, 0, 0);
		fwd_release(f, s);
		if (ok)
			return 1;
	}
	return 0;
}

int
fwd_next_deadline(const struct fwd *f, uint64_t *when_ms)
{
	const struct fwd_slot *s;
	unsigned	 i;
	int		 any = 0;

	if (f == NULL)
		return 0;
	for (i = 0; i < f->nslots; i++) {
		s = &f->slot[i];
		if (!s->used)
			continue;
		if (!any || s->deadline < *when_ms)
			*when_ms = s->deadline;
		any = 1;
	}
	return any;
}

void
fwd_stats(const struct fwd *f, struct fwd_stats *st)
{
	if (f == NULL) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = f->st;
}
