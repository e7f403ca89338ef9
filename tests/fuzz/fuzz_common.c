/*
 * fuzz_common.c - the port mapper the fuzz targets talk to, and the checks
 * made after every request (see fuzz_common.h).  A violated invariant
 * prints what broke and aborts, which libFuzzer reports as a crash.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

#include "fuzz_common.h"

#define FZ_MAX_ENTRIES	128	/* small caps, so that TABLE_FULL is reached */
#define FZ_MAX_PER_OWNER 8
#define FZ_LOCAL_PATH	"/run/rpcbind.sock"
#define FZ_STR_MAX	1024	/* longest string we expect in a reply */

static void fz_fail(const char *, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

static void
fz_fail(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "fuzz invariant violated: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* ---- the environment ---- */

struct fz_prefill {
	uint32_t	 prog, vers;
	const char	*netid, *uaddr;
	int32_t		 owner, pid;
	uint32_t	 flags;
};

static const char *const fz_netids[] = { "udp", "tcp", "udp6", "tcp6", "local" };

/* Services besides our own, registered the ways real ones are. */
static const struct fz_prefill fz_services[] = {
	{ 100003, 3, "tcp", "0.0.0.0.8.1", OWNER_SUPERUSER, 0, TE_KERNEL },
	{ 100003, 4, "tcp", "0.0.0.0.8.1", OWNER_SUPERUSER, 0, TE_KERNEL },
	{ 100003, 3, "udp", "0.0.0.0.8.1", OWNER_SUPERUSER, 0, TE_KERNEL },
	{ 100003, 3, "tcp6", "::.8.1", OWNER_SUPERUSER, 0, TE_KERNEL },
	{ 100003, 4, "tcp6", "::.8.1", OWNER_SUPERUSER, 0, TE_KERNEL },
	{ 100003, 3, "udp6", "::.8.1", OWNER_SUPERUSER, 0, TE_KERNEL },
	{ 100005, 1, "udp", "0.0.0.0.78.80", OWNER_SUPERUSER, 311, TE_LOCAL },
	{ 100005, 3, "udp", "0.0.0.0.78.80", OWNER_SUPERUSER, 311, TE_LOCAL },
	{ 100005, 3, "tcp", "0.0.0.0.78.80", OWNER_SUPERUSER, 311, TE_LOCAL },
	{ 100005, 3, "local", "/run/mountd.sock", OWNER_SUPERUSER, 311, TE_LOCAL },
	{ 100021, 1, "udp", "0.0.0.0.160.1", OWNER_SUPERUSER, 0, TE_KERNEL },
	{ 100021, 4, "tcp6", "::1.160.2", OWNER_SUPERUSER, 0, TE_KERNEL },
	{ 100024, 1, "udp", "0.0.0.0.139.1", 1000, 4242, TE_LOCAL },
	{ 100024, 1, "tcp", "0.0.0.0.139.2", 1000, 4242, TE_LOCAL },
	{ 0x20000099, 1, "udp", "0.0.0.0.228.69", 1000, 4243, TE_LOCAL },
	{ 0x20000099, 2, "udp", "0.0.0.0.228.69", 1000, 4243, TE_LOCAL },
	{ 0x20000099, 1, "udp6", "::.228.70", 1000, 4243, TE_LOCAL },
	{ 0x20000099, 1, "local", "/run/test.sock", 1000, 4243, TE_LOCAL },
	{ 0x20000500, 1, "udp", "10.9.9.7.39.16", OWNER_UNKNOWN, 0, TE_REMOTE },
};

/* Our interfaces: loopback, one IPv4 and one IPv6 subnet, one down. */
static struct ifent	fz_ifv[5];
static struct iflist	fz_ifs = { 0, fz_ifv };

static void
fz_sin(struct sockaddr_storage *ss, const char *a, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	if (inet_pton(AF_INET, a, &sin->sin_addr) != 1)
		fz_fail("bad test address %s", a);
}

static void
fz_sin6(struct sockaddr_storage *ss, const char *a, uint16_t port)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	if (inet_pton(AF_INET6, a, &sin6->sin6_addr) != 1)
		fz_fail("bad test address %s", a);
}

static void
fz_init_ifs(void)
{
	if (fz_ifs.n != 0)
		return;
	fz_sin(&fz_ifv[0].addr, "127.0.0.1", 0);
	fz_sin(&fz_ifv[0].mask, "255.0.0.0", 0);
	fz_ifv[0].up = 1;
	fz_ifv[0].loopback = 1;
	fz_sin(&fz_ifv[1].addr, "10.9.9.1", 0);
	fz_sin(&fz_ifv[1].mask, "255.255.255.0", 0);
	fz_ifv[1].up = 1;
	fz_sin6(&fz_ifv[2].addr, "::1", 0);
	fz_sin6(&fz_ifv[2].mask, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0);
	fz_ifv[2].up = 1;
	fz_ifv[2].loopback = 1;
	fz_sin6(&fz_ifv[3].addr, "2001:db8::1", 0);
	fz_sin6(&fz_ifv[3].mask, "ffff:ffff:ffff:ffff::", 0);
	fz_ifv[3].up = 1;
	fz_sin(&fz_ifv[4].addr, "172.16.0.1", 0);
	fz_sin(&fz_ifv[4].mask, "255.255.0.0", 0);
	fz_ifv[4].up = 0;
	fz_ifs.n = 5;
}

const struct iflist *
fz_iflist(void)
{
	fz_init_ifs();
	return &fz_ifs;
}

static void
fz_set_caller(struct caller *c, unsigned which, int stream)
{
	struct sockaddr_un *sun;

	memset(c, 0, sizeof(*c));
	switch (which) {
	case FZ_C_UDP_PRIV:
	case FZ_C_TCP_PRIV:
		fz_sin(&c->peer, "127.0.0.1", 700);
		break;
	case FZ_C_UDP_UNPRIV:
	case FZ_C_TCP_UNPRIV:
		fz_sin(&c->peer, "127.0.0.1", 40000);
		break;
	case FZ_C_UDP_REMOTE:
		fz_sin(&c->peer, "10.9.9.7", 800);
		break;
	case FZ_C_TCP_REMOTE:
		fz_sin(&c->peer, "192.0.2.5", 40000);
		break;
	case FZ_C_UDP6_PRIV:
		fz_sin6(&c->peer, "::1", 700);
		break;
	case FZ_C_UDP6_UNPRIV:
	case FZ_C_TCP6_UNPRIV:
		fz_sin6(&c->peer, "::1", 40000);
		break;
	case FZ_C_UDP6_REMOTE:
		fz_sin6(&c->peer, "2001:db8::5", 800);
		break;
	case FZ_C_TCP6_PRIV:
		fz_sin6(&c->peer, "::ffff:127.0.0.1", 700);
		break;
	case FZ_C_TCP6_REMOTE:
		fz_sin6(&c->peer, "fe80::2", 40000);
		break;
	default:
		break;
	}
	switch (which) {
	case FZ_C_UDP_PRIV:
	case FZ_C_UDP_UNPRIV:
	case FZ_C_UDP_REMOTE:
		c->xprt = stream ? XPRT_TCP : XPRT_UDP;
		c->peerlen = sizeof(struct sockaddr_in);
		break;
	case FZ_C_TCP_PRIV:
	case FZ_C_TCP_UNPRIV:
	case FZ_C_TCP_REMOTE:
		c->xprt = XPRT_TCP;
		c->peerlen = sizeof(struct sockaddr_in);
		break;
	case FZ_C_UDP6_PRIV:
	case FZ_C_UDP6_UNPRIV:
	case FZ_C_UDP6_REMOTE:
		c->xprt = stream ? XPRT_TCP6 : XPRT_UDP6;
		c->peerlen = sizeof(struct sockaddr_in6);
		break;
	case FZ_C_TCP6_PRIV:
	case FZ_C_TCP6_UNPRIV:
	case FZ_C_TCP6_REMOTE:
		c->xprt = XPRT_TCP6;
		c->peerlen = sizeof(struct sockaddr_in6);
		break;
	default:
		c->xprt = XPRT_LOCAL;
		sun = (struct sockaddr_un *)&c->peer;
		sun->sun_family = AF_LOCAL;
		c->peerlen = sizeof(sa_family_t);
		c->has_cred = which != FZ_C_LOCAL_NOCRED;
		c->uid = which == FZ_C_LOCAL_ROOT ? 0 :
		    which == FZ_C_LOCAL_USER ? 1000 : (uid_t)0x80000000u;
		c->pid = which == FZ_C_LOCAL_USER ? 4321 : 1;
		c->netns = which == FZ_C_LOCAL_NOCRED ? 0 :
		    which == FZ_C_LOCAL_BIGUID ? TE_NETNS_OTHER : TE_NETNS_SAME;
		break;
	}
}

/* The access lists deny remote callers only (never loopback or local). */
static void
fz_restrict(struct caller *c)
{
	if (!caller_is_local(c))
		c->restricted = 1;
}

/* The forwarding hook: check what dispatch hands over, then take or fail. */
static int
fz_fwd(void *arg, const struct caller *c, const struct fwd_request *fr)
{
	struct fz_env	*env = arg;
	const uint8_t	*end = env->req + env->reqlen;

	if (!env->cfg.forwarding)
		fz_fail("forwarded with forwarding off");
	if (!xprt_is_dgram(c->xprt))
		fz_fail("forwarded a call that came over a stream");
	if (fr->target == NULL)
		fz_fail("forwarded without a target");
	if (strcmp(fr->target->netid, xprt_netid(c->xprt)) != 0)
		fz_fail("forward target on %s, call on %s", fr->target->netid,
		    xprt_netid(c->xprt));
	if (fr->target->prog != fr->prog || fr->target->vers != fr->pvers)
		fz_fail("forward target %u/%u for a call to %u/%u",
		    fr->target->prog, fr->target->vers, fr->prog, fr->pvers);
	if (fwd_denied(fr->prog, fr->pvers, fr->pproc))
		fz_fail("forwarded a denied call %u/%u/%u", fr->prog,
		    fr->pvers, fr->pproc);
	if (fr->argslen > PM_ARGS_MAX)
		fz_fail("forward args %u bytes", fr->argslen);
	if (fr->argslen > 0 && (fr->args < env->req || fr->args > end ||
	    (size_t)(end - fr->args) < fr->argslen))
		fz_fail("forward args outside the request");
	if (fr->cred.len > RPC_AUTH_MAX)
		fz_fail("forward cred %u bytes", fr->cred.len);
	if (fr->cred.len > 0 && (fr->cred.body < env->req ||
	    fr->cred.body > end || (size_t)(end - fr->cred.body) <
	    fr->cred.len))
		fz_fail("forward cred outside the request");
	if (env->reqlen < 4 || fr->xid != ((uint32_t)env->req[0] << 24 |
	    (uint32_t)env->req[1] << 16 | (uint32_t)env->req[2] << 8 |
	    env->req[3]))
		fz_fail("forward xid is not the request's");
	/* failing: a full relay (-1), or the shell's own deny list (-2) */
	if (env->fwd_fail)
		return (fr->pproc & 1) ? -2 : -1;
	return 0;
}

/*
 * The lookup hook: every service registered by a process (pid known) is
 * found gone, as the reaper would find it, and removed.
 */
static int
fz_check(void *arg, const struct table_entry *te)
{
	struct fz_env	*env = arg;

	if (te == NULL)
		fz_fail("lookup hook called without an entry");
	if (te->flags & TE_BUILTIN)
		return 0;
	if (te->pid == 0)
		return 0;
	table_remove(env->table, te);
	env->reaped++;
	return 1;
}

static void
fz_prefill(struct fz_env *env)
{
	const struct fz_prefill *p;
	const char	*ua;
	size_t		 i;
	uint32_t	 v;

	for (i = 0; i < sizeof(fz_netids) / sizeof(fz_netids[0]); i++) {
		ua = i < 2 ? "0.0.0.0.0.111" : i < 4 ? "::.0.111" :
		    FZ_LOCAL_PATH;
		for (v = PMAP_VERS_LOW; v <= PMAP_VERS_HIGH; v++)
			if (table_set(env->table, PMAP_PROG, v, fz_netids[i], ua,
			    OWNER_SUPERUSER, 1, TE_BUILTIN) != TABLE_ADDED)
				fz_fail("cannot pre-fill 100000 v%u %s", v,
				    fz_netids[i]);
	}
	for (i = 0; i < sizeof(fz_services) / sizeof(fz_services[0]); i++) {
		p = &fz_services[i];
		if (table_set(env->table, p->prog, p->vers, p->netid, p->uaddr,
		    p->owner, p->pid, p->flags) != TABLE_ADDED)
			fz_fail("cannot pre-fill %u/%u %s", p->prog, p->vers,
			    p->netid);
	}
}

/*
 * Statistics as a running daemon has them: a few lookups and remote calls,
 * or (full) every list at its bound, with netids of every length.
 */
static void
fz_prefill_stats(struct stats *st, int full)
{
	char		netid[PM_NETID_MAX + 1];
	unsigned	i, n = full ? STATS_LIST_MAX + 4 : 3;
	uint32_t	v;

	for (v = PMAP_VERS_LOW; v <= PMAP_VERS_HIGH; v++) {
		for (i = 0; i < n; i++) {
			memset(netid, 'n', sizeof(netid));
			netid[i % (PM_NETID_MAX + 1)] = '\0';
			stats_lookup(st, v, 0x30000000u + i, v, netid, i & 1);
			stats_rmtcall(st, v, 0x30000000u + i, v, i, netid,
			    i & 1, (i & 2) != 0);
		}
	}
}

/*
 * The table at its cap: many versions of one program registered by
 * processes (a lookup hook may remove one after the other), long local
 * paths (a DUMP that does not fit a datagram), and uid 1000 at its own cap.
 */
static void
fz_fill(struct fz_env *env)
{
	char		path[PM_UADDR_MAX + 1];
	uint32_t	v;
	int		r;

	for (v = 1; v <= FZ_MAX_PER_OWNER; v++) {
		r = table_set(env->table, 0x20002000u, v, "udp", "0.0.0.0.40.1",
		    1000, 4242, TE_LOCAL);
		if (r == TABLE_FULL)
			break;
		if (r != TABLE_ADDED)
			fz_fail("cannot fill for uid 1000");
	}
	for (v = 1; ; v++) {
		memset(path, 'p', PM_UADDR_MAX);
		path[0] = '/';
		path[PM_UADDR_MAX] = '\0';
		r = table_set(env->table, 0x20001000u, v,
		    (v & 3) == 0 ? "udp" : "local",
		    (v & 3) == 0 ? "0.0.0.0.41.1" : path, OWNER_SUPERUSER,
		    (int32_t)(100 + v), TE_LOCAL);
		if (r == TABLE_FULL)
			break;
		if (r != TABLE_ADDED)
			fz_fail("cannot fill the table");
	}
}

void
fz_setup(struct fz_env *env, uint8_t sel, uint8_t sel2, int stream)
{
	memset(env, 0, sizeof(*env));
	fz_init_ifs();
	if ((env->table = table_new(FZ_MAX_ENTRIES, FZ_MAX_PER_OWNER)) == NULL)
		fz_fail("table_new");
	if ((env->stats = malloc(sizeof(*env->stats))) == NULL)
		fz_fail("malloc");
	stats_init(env->stats);
	fz_prefill_stats(env->stats, !stream && (sel & FZ_F_FULLSTATS));
	fz_prefill(env);
	if (sel2 & FZ_F2_FULL)
		fz_fill(env);
	env->cfg.insecure = (sel & FZ_F_INSECURE) != 0;
	env->cfg.forwarding = (sel & FZ_F_FORWARD) != 0;
	env->cfg.port = PMAP_PORT;
	env->fwd_fail = (sel & FZ_F_FWDFAIL) != 0;
	env->amp_ok = (sel2 & FZ_F2_AMP) != 0;
	env->ctx.table = env->table;
	env->ctx.stats = env->stats;
	env->ctx.ifs = &fz_ifs;
	env->ctx.cfg = &env->cfg;
	env->ctx.now = FZ_NOW;
	env->ctx.fwd = env->cfg.forwarding ? fz_fwd : NULL;
	env->ctx.fwd_arg = env;
	env->ctx.check = (sel2 & FZ_F2_REAP) ? fz_check : NULL;
	env->ctx.check_arg = env;
	fz_set_caller(&env->caller, sel & 0x0f, stream);
	if (sel2 & FZ_F2_RESTRICT)
		fz_restrict(&env->caller);
}

void
fz_teardown(struct fz_env *env)
{
	table_free(env->table);
	free(env->stats);
	env->table = NULL;
	env->stats = NULL;
}

/* ---- checks ---- */

void
fz_check_table(struct fz_env *env)
{
	const struct table_entry *te;
	const char	*ua;
	size_t		 i, n = 0;
	uint32_t	 v;
	int		 port;

	for (i = 0; i < sizeof(fz_netids) / sizeof(fz_netids[0]); i++) {
		ua = i < 2 ? "0.0.0.0.0.111" : i < 4 ? "::.0.111" :
		    FZ_LOCAL_PATH;
		for (v = PMAP_VERS_LOW; v <= PMAP_VERS_HIGH; v++) {
			te = table_find(env->table, PMAP_PROG, v, fz_netids[i]);
			if (te == NULL || !(te->flags & TE_BUILTIN) ||
			    strcmp(te->uaddr, ua) != 0 ||
			    te->owner != OWNER_SUPERUSER)
				fz_fail("builtin 100000 v%u %s lost or changed",
				    v, fz_netids[i]);
		}
	}
	for (te = table_first(env->table); te != NULL; te = table_next(te)) {
		if (++n > FZ_MAX_ENTRIES)
			fz_fail("table over its cap, or a loop in its order");
		/* a reserved port belongs to root, however it was set */
		if ((netid_family(te->netid) == AF_INET ||
		    netid_family(te->netid) == AF_INET6) &&
		    (port = uaddr_port(te->uaddr)) >= 0 &&
		    port < IPPORT_RESERVED && te->owner != OWNER_SUPERUSER)
			fz_fail("reserved port %d of %u/%u %s owned by %d",
			    port, te->prog, te->vers, te->netid, te->owner);
		if (te->prog == PMAP_PROG && !(te->flags & TE_BUILTIN))
			fz_fail("someone registered 100000 v%u %s", te->vers,
			    te->netid);
	}
	if (n != table_count(env->table))
		fz_fail("table_count %zu, %zu entries in order",
		    table_count(env->table), n);
}

static uint32_t
fz_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
fz_str(struct xdr_dec *d, size_t max, const char *what)
{
	char	buf[FZ_STR_MAX + 1];

	if (xdr_get_string(d, buf, sizeof(buf), (uint32_t)max, NULL) == -1)
		fz_fail("%s: not a string<%zu>", what, max);
}

static uint32_t
fz_u32(struct xdr_dec *d, const char *what)
{
	uint32_t v;

	if (xdr_get_u32(d, &v) == -1)
		fz_fail("%s: short", what);
	return v;
}

static int
fz_more(struct xdr_dec *d, const char *what)
{
	int	b;

	if (xdr_get_bool(d, &b) == -1)
		fz_fail("%s: list without a valid bool", what);
	return b;
}

/* Entries the v2 view shows: netid udp or tcp, with a port. */
static size_t
fz_v2_count(struct fz_env *env)
{
	const struct table_entry *te;
	size_t		n = 0;
	int		k;

	for (te = table_first(env->table); te != NULL; te = table_next(te)) {
		k = netid_kind(te->netid);
		if ((k == NETID_UDP || k == NETID_TCP) &&
		    uaddr_port(te->uaddr) >= 0)
			n++;
	}
	return n;
}

/* The results of a successful call, decoded the way a client would. */
static void
fz_check_results(struct fz_env *env, const struct caller *c,
    struct xdr_dec *d, uint32_t vers, uint32_t proc)
{
	const uint8_t	*p;
	uint32_t	 n, i, k;
	size_t		 count = 0;
	int		 b;

	if (vers == PMAP_VERS) {
		switch (proc) {
		case PMAPPROC_NULL:
			break;
		case PMAPPROC_SET:
		case PMAPPROC_UNSET:
			if (xdr_get_bool(d, &b) == -1)
				fz_fail("v2 SET/UNSET: no bool");
			break;
		case PMAPPROC_GETPORT:
			n = fz_u32(d, "v2 GETPORT");
			if (n > 65535)
				fz_fail("v2 GETPORT: port over 65535");
			if (c->restricted && n != 0)
				fz_fail("v2 GETPORT told a restricted caller");
			break;
		case PMAPPROC_DUMP:
			while (fz_more(d, "v2 DUMP")) {
				count++;
				if (c->restricted)
					fz_fail("v2 DUMP to a restricted caller");
				(void)fz_u32(d, "v2 DUMP prog");
				(void)fz_u32(d, "v2 DUMP vers");
				n = fz_u32(d, "v2 DUMP prot");
				if (n != IPPROTO_TCP_NUM && n != IPPROTO_UDP_NUM)
					fz_fail("v2 DUMP: prot %u", n);
				if (fz_u32(d, "v2 DUMP port") > 65535)
					fz_fail("v2 DUMP: port over 65535");
			}
			if (count != (c->restricted ? 0 : fz_v2_count(env)))
				fz_fail("v2 DUMP lists %zu of %zu entries",
				    count, fz_v2_count(env));
			break;
		case PMAPPROC_CALLIT:
			(void)fz_u32(d, "v2 CALLIT port");
			if (xdr_get_opaque(d, &p, &n, PM_REQUEST_MAX) == -1)
				fz_fail("v2 CALLIT: results");
			break;
		default:
			fz_fail("v2 proc %u answered SUCCESS", proc);
		}
		return;
	}
	switch (proc) {
	case RPCBPROC_NULL:
		break;
	case RPCBPROC_SET:
	case RPCBPROC_UNSET:
		if (xdr_get_bool(d, &b) == -1)
			fz_fail("v%u SET/UNSET: no bool", vers);
		break;
	case RPCBPROC_GETADDR:
	case RPCBPROC_GETVERSADDR:
		if (c->restricted && (xdr_get_u32(d, &n) == -1 || n != 0))
			fz_fail("GETADDR told a restricted caller");
		if (!c->restricted)
			fz_str(d, FZ_STR_MAX, "address");
		break;
	case RPCBPROC_TADDR2UADDR:
		fz_str(d, FZ_STR_MAX, "address");
		break;
	case RPCBPROC_DUMP:
		while (fz_more(d, "DUMP")) {
			(void)fz_u32(d, "DUMP prog");
			(void)fz_u32(d, "DUMP vers");
			fz_str(d, PM_NETID_MAX, "DUMP netid");
			fz_str(d, PM_UADDR_MAX, "DUMP addr");
			fz_str(d, PM_OWNER_MAX, "DUMP owner");
			count++;
		}
		if (count != (c->restricted ? 0 : table_count(env->table)))
			fz_fail("v%u DUMP lists %zu of %zu entries%s", vers,
			    count, table_count(env->table),
			    c->restricted ? " (restricted)" : "");
		break;
	case RPCBPROC_CALLIT:
	case RPCBPROC_INDIRECT:
		fz_str(d, FZ_STR_MAX, "rmtcall address");
		if (xdr_get_opaque(d, &p, &n, PM_REQUEST_MAX) == -1)
			fz_fail("rmtcall results");
		break;
	case RPCBPROC_GETTIME:
		if (fz_u32(d, "GETTIME") != FZ_NOW)
			fz_fail("GETTIME is not the context's time");
		break;
	case RPCBPROC_UADDR2TADDR:
		(void)fz_u32(d, "netbuf maxlen");
		if (xdr_get_opaque(d, &p, &n, PM_TADDR_MAX) == -1)
			fz_fail("UADDR2TADDR: netbuf");
		break;
	case RPCBPROC_GETADDRLIST:
		while (fz_more(d, "GETADDRLIST")) {
			if (c->restricted)
				fz_fail("GETADDRLIST to a restricted caller");
			fz_str(d, FZ_STR_MAX, "GETADDRLIST maddr");
			fz_str(d, PM_NETID_MAX, "GETADDRLIST netid");
			n = fz_u32(d, "GETADDRLIST semantics");
			if (n < 1 || n > 3)
				fz_fail("GETADDRLIST: semantics %u", n);
			fz_str(d, PM_NETID_MAX, "GETADDRLIST protofmly");
			fz_str(d, PM_NETID_MAX, "GETADDRLIST proto");
		}
		break;
	case RPCBPROC_GETSTAT:
		for (k = 0; k < 3; k++) {
			for (i = 0; i < RPCBSTAT_HIGHPROC + 2; i++)
				if (fz_u32(d, "GETSTAT counters") != 0 &&
				    c->restricted)
					fz_fail("GETSTAT counters to a "
					    "restricted caller");
			for (n = 0; fz_more(d, "GETSTAT addr"); n++) {
				if (c->restricted)
					fz_fail("GETSTAT list to a restricted "
					    "caller");
				for (i = 0; i < 4; i++)
					(void)fz_u32(d, "GETSTAT addr");
				fz_str(d, PM_NETID_MAX, "GETSTAT addr netid");
			}
			if (n > STATS_LIST_MAX)
				fz_fail("GETSTAT: %u lookups listed", n);
			for (n = 0; fz_more(d, "GETSTAT rmt"); n++) {
				if (c->restricted)
					fz_fail("GETSTAT list to a restricted "
					    "caller");
				for (i = 0; i < 6; i++)
					(void)fz_u32(d, "GETSTAT rmt");
				fz_str(d, PM_NETID_MAX, "GETSTAT rmt netid");
			}
			if (n > STATS_LIST_MAX)
				fz_fail("GETSTAT: %u remote calls listed", n);
		}
		break;
	default:
		fz_fail("v%u proc %u answered SUCCESS", vers, proc);
	}
}

/* A reply to req: the header decodes, the xid matches, the results fit. */
static void
fz_check_reply(struct fz_env *env, const struct caller *c, const uint8_t *req,
    size_t len, const struct xdr_enc *e)
{
	struct xdr_dec	 d;
	struct rpc_reply rep;
	uint32_t	 vers, proc;

	if (e->err)
		fz_fail("a reply with the encoder's error set");
	if (e->len < 20 || e->len % 4 != 0)
		fz_fail("reply of %zu bytes", e->len);
	if (e->len > e->max)
		fz_fail("reply of %zu bytes over its limit %zu", e->len,
		    e->max);
	if (len < 4)
		fz_fail("a reply to a %zu-byte request", len);
	xdr_dec_init(&d, e->buf, e->len);
	if (rpcmsg_decode_reply(&d, &rep) == -1)
		fz_fail("reply does not decode");
	if (rep.xid != fz_be32(req))
		fz_fail("reply xid %08x, request xid %08x", rep.xid,
		    fz_be32(req));
	if (rep.reply_stat == MSG_DENIED) {
		if (d.left != 0)
			fz_fail("%zu bytes after a MSG_DENIED", d.left);
		return;
	}
	if (rep.verf.flavor != AUTH_NONE_FLAVOR || rep.verf.len != 0)
		fz_fail("reply verifier not AUTH_NONE");
	if (rep.stat == ACC_PROG_MISMATCH && rep.low > rep.high)
		fz_fail("PROG_MISMATCH low %u > high %u", rep.low, rep.high);
	if (rep.stat != ACC_SUCCESS) {
		if (rep.stat > ACC_SYSTEM_ERR)
			fz_fail("accept_stat %u", rep.stat);
		if (d.left != 0)
			fz_fail("%zu bytes after accept_stat %u", d.left,
			    rep.stat);
		return;
	}
	/* SUCCESS: only for a well-formed call to us */
	if (len < 24 || fz_be32(req + 4) != RPC_CALL ||
	    fz_be32(req + 8) != RPC_VERS || fz_be32(req + 12) != PMAP_PROG)
		fz_fail("SUCCESS for a call that is not one to us");
	vers = fz_be32(req + 16);
	proc = fz_be32(req + 20);
	if (vers < PMAP_VERS_LOW || vers > PMAP_VERS_HIGH)
		fz_fail("SUCCESS for version %u", vers);
	fz_check_results(env, c, &d, vers, proc);
	if (d.left != 0)
		fz_fail("%zu bytes after the results of v%u proc %u", d.left,
		    vers, proc);
}

/* One request through dispatch, as the transport of caller c would send it. */
static void
fz_dispatch_one(struct fz_env *env, const struct caller *c,
    const uint8_t *req, size_t len)
{
	static uint8_t	udpbuf[PM_UDP_MAX];
	struct xdr_enc	e, whole;
	uint64_t	gen = table_generation(env->table);
	unsigned	reaped = env->reaped;
	int		r, dgram = xprt_is_dgram(c->xprt), capped = 0;

	if (dgram) {
		xdr_enc_init(&e, udpbuf, sizeof(udpbuf));
		/* the shell's policy: no amplification towards other hosts */
		capped = !env->amp_ok &&
		    !sockaddr_is_loopback((const struct sockaddr *)&c->peer);
		if (capped && len < e.max)
			e.max = len;
	} else {
		/* streams send a cached DUMP body by reference */
		xdr_enc_init_grow(&e, PM_REPLY_MAX);
		e.ext_ok = 1;
	}
	env->req = req;
	env->reqlen = len;
	r = dispatch(&env->ctx, c, req, len, &e);
	if (r != 0 && r != 1)
		fz_fail("dispatch returned %d", r);
	if (dgram && e.extlen != 0)
		fz_fail("a datagram reply with bytes by reference");
	if (r == 1 && capped && e.len > len)
		fz_fail("%zu-byte reply to a %zu-byte request from another "
		    "host", e.len, len);
	if (r == 1 && e.extlen == 0)
		fz_check_reply(env, c, req, len, &e);
	else if (r == 1) {
		/* the message as sent: buf, then the bytes held by reference */
		if (e.ext == NULL || e.len > PM_REPLY_MAX - e.extlen)
			fz_fail("reference of %zu bytes", e.extlen);
		xdr_enc_init_grow(&whole, PM_REPLY_MAX);
		xdr_put_fixed(&whole, e.buf, (uint32_t)e.len);
		xdr_put_fixed(&whole, e.ext, (uint32_t)e.extlen);
		if (whole.err)
			fz_fail("cannot copy a reply");
		fz_check_reply(env, c, req, len, &whole);
		xdr_enc_free(&whole);
	}
	/* the lookup hook's removals are the shell's, not the caller's */
	if (env->reaped == reaped && (table_generation(env->table) != gen) !=
	    (env->ctx.changed != 0))
		fz_fail("table %schanged, ctx.changed %d",
		    table_generation(env->table) != gen ? "" : "un",
		    env->ctx.changed);
	if (env->ctx.changed && ((!caller_is_local(c) && !env->cfg.insecure) ||
	    c->restricted))
		fz_fail("a remote caller changed the table");
	if (!dgram)
		xdr_enc_free(&e);
	env->req = NULL;
	env->reqlen = 0;
}

/* The key of an entry, copied out (a lookup hook may remove the entry). */
struct fz_key {
	uint32_t	prog, vers;
	char		netid[PM_NETID_MAX + 1];
	char		uaddr[PM_UADDR_MAX + 1];
};

/* A call to 100000 with an rpcb or pmap argument, from our own encoder. */
static size_t
fz_build(uint8_t *buf, size_t cap, uint32_t xid, uint32_t vers, uint32_t proc,
    const struct fz_key *k)
{
	struct xdr_enc	e;
	struct rpc_auth	none = { AUTH_NONE_FLAVOR, 0, NULL };
	int		port;

	xdr_enc_init(&e, buf, cap);
	rpcmsg_encode_call(&e, xid, PMAP_PROG, vers, proc, &none);
	if (k != NULL && vers == PMAP_VERS) {
		xdr_put_u32(&e, k->prog);
		xdr_put_u32(&e, k->vers);
		xdr_put_u32(&e, strcasecmp(k->netid, "tcp") == 0 ?
		    IPPROTO_TCP_NUM : IPPROTO_UDP_NUM);
		port = uaddr_port(k->uaddr);
		xdr_put_u32(&e, port < 0 ? 0 : (uint32_t)port);
	} else if (k != NULL) {
		xdr_put_u32(&e, k->prog);
		xdr_put_u32(&e, k->vers);
		xdr_put_string(&e, k->netid);
		xdr_put_string(&e, "");
		xdr_put_string(&e, "fuzz");
	}
	if (e.err)
		fz_fail("cannot build a follow-up request");
	return e.len;
}

/*
 * The table changed: look at it the ways clients do, so that whatever a
 * request managed to store is encoded, merged and listed once.
 */
static void
fz_follow_up(struct fz_env *env)
{
	static const unsigned lookers[] = { FZ_C_UDP_REMOTE, FZ_C_TCP6_REMOTE,
	    FZ_C_UDP6_REMOTE, FZ_C_LOCAL_USER };
	const struct table_entry *te, *last = NULL;
	struct fz_key	 k;
	struct caller	 c;
	uint8_t		 buf[512];
	uint64_t	 gen = table_generation(env->table);
	unsigned	 reaped = env->reaped;
	size_t		 n, i;

	for (te = table_first(env->table); te != NULL; te = table_next(te))
		last = te;
	if (last == NULL)
		return;
	k.prog = last->prog;
	k.vers = last->vers;
	snprintf(k.netid, sizeof(k.netid), "%s", last->netid);
	snprintf(k.uaddr, sizeof(k.uaddr), "%s", last->uaddr);

	/* DUMPs from the caller and from the other kind of transport: the
	 * encoded body is cached across them */
	fz_set_caller(&c, xprt_is_dgram(env->caller.xprt) ? FZ_C_TCP_UNPRIV :
	    FZ_C_UDP_UNPRIV, 0);
	for (i = 0; i < 2; i++) {
		n = fz_build(buf, sizeof(buf), 0xf0000001u, PMAP_VERS,
		    PMAPPROC_DUMP, NULL);
		fz_dispatch_one(env, i ? &c : &env->caller, buf, n);
		n = fz_build(buf, sizeof(buf), 0xf0000002u, RPCBVERS_4,
		    RPCBPROC_DUMP, NULL);
		fz_dispatch_one(env, i ? &c : &env->caller, buf, n);
		n = fz_build(buf, sizeof(buf), 0xf0000003u, RPCBVERS_3,
		    RPCBPROC_DUMP, NULL);
		fz_dispatch_one(env, i ? &c : &env->caller, buf, n);
	}
	n = fz_build(buf, sizeof(buf), 0xf0000003u, PMAP_VERS,
	    PMAPPROC_GETPORT, &k);
	fz_dispatch_one(env, &env->caller, buf, n);
	for (i = 0; i < sizeof(lookers) / sizeof(lookers[0]); i++) {
		fz_set_caller(&c, lookers[i], 0);
		n = fz_build(buf, sizeof(buf), 0xf0000010u + i, RPCBVERS_4,
		    RPCBPROC_GETADDR, &k);
		fz_dispatch_one(env, &c, buf, n);
		n = fz_build(buf, sizeof(buf), 0xf0000020u + i, RPCBVERS_3,
		    RPCBPROC_GETADDR, &k);
		fz_dispatch_one(env, &c, buf, n);
		n = fz_build(buf, sizeof(buf), 0xf0000030u + i, RPCBVERS_4,
		    RPCBPROC_GETVERSADDR, &k);
		fz_dispatch_one(env, &c, buf, n);
		n = fz_build(buf, sizeof(buf), 0xf0000040u + i, RPCBVERS_4,
		    RPCBPROC_GETADDRLIST, &k);
		fz_dispatch_one(env, &c, buf, n);
	}
	if (table_generation(env->table) != gen && env->reaped == reaped)
		fz_fail("a lookup changed the table");
}

void
fz_request(struct fz_env *env, const uint8_t *req, size_t len)
{
	fz_dispatch_one(env, &env->caller, req, len);
	fz_check_table(env);
	if (env->ctx.changed)
		fz_follow_up(env);
}

/* ---- the two input formats ---- */

void
fz_run_dispatch(const uint8_t *data, size_t size)
{
	struct fz_env	env;

	if (size < 1)
		return;
	fz_setup(&env, data[0], size > 1 ? data[1] : 0, 0);
	fz_request(&env, data, size);
	fz_teardown(&env);
}

/*
 * A reference reassembler: the next record of the whole stream, the way
 * RFC 5531 section 11 reads it, with the same limits.  Returns 1 and the
 * record in out, 0 at the end of the stream, -1 when the limits are broken.
 */
struct fz_ref {
	const uint8_t	*p;
	size_t		 left;
	size_t		 max_record;
	unsigned	 max_frags;
	int		 started;	/* bytes of an unfinished record seen */
};

static int
fz_ref_next(struct fz_ref *r, uint8_t *out, size_t *outlen)
{
	uint32_t	h, n;
	unsigned	frags = 0;
	size_t		len = 0;

	r->started = 0;
	for (;;) {
		if (r->left < 4) {
			r->started = r->left > 0 || frags > 0;
			return 0;
		}
		h = fz_be32(r->p);
		n = h & ~RM_LAST_FRAG;
		if (frags >= r->max_frags || n > r->max_record - len)
			return -1;
		frags++;
		r->p += 4;
		r->left -= 4;
		if (r->left < n) {
			r->started = 1;
			return 0;
		}
		memcpy(out + len, r->p, n);
		len += n;
		r->p += n;
		r->left -= n;
		if (h & RM_LAST_FRAG) {
			*outlen = len;
			return 1;
		}
	}
}

void
fz_run_record(const uint8_t *data, size_t size)
{
	static uint8_t	 want[PM_REQUEST_MAX];
	struct fz_env	 env;
	struct fz_ref	 ref;
	struct rm_reader rm;
	const uint8_t	*chunks, *in;
	size_t		 nchunks, len, pos = 0, k, used, wantlen = 0, steps;
	size_t		 max_record;
	unsigned	 max_frags, ci = 0;
	enum rm_status	 st;
	uint8_t		 sel;
	int		 rs, broken = 0;

	if (size < 3 || size < 3 + (size_t)data[2])
		return;
	sel = data[0];
	nchunks = data[2];
	chunks = data + 3;
	in = data + 3 + nchunks;
	len = size - 3 - nchunks;
	max_record = (sel & FZ_F_SMALL) ? 128 : PM_REQUEST_MAX;
	max_frags = (sel & FZ_F_SMALL) ? 3 : 16;

	fz_setup(&env, sel & ~FZ_F_FWDFAIL, data[1], 1);
	rm_init(&rm, max_record, max_frags);
	ref.p = in;
	ref.left = len;
	ref.max_record = max_record;
	ref.max_frags = max_frags;
	rs = fz_ref_next(&ref, want, &wantlen);

	while (pos < len && !broken) {
		k = nchunks == 0 ? len - pos : chunks[ci++ % nchunks];
		if (k == 0 || k > len - pos)
			k = len - pos;
		steps = k + 2;		/* a record takes 4 bytes at least */
		while (k > 0) {
			if (steps-- == 0)
				fz_fail("rm_feed makes no progress");
			st = rm_feed(&rm, in + pos, k, &used);
			if (used > k)
				fz_fail("rm_feed used %zu of %zu", used, k);
			pos += used;
			k -= used;
			if (rm.cap > max_record)
				fz_fail("record buffer %zu over %zu", rm.cap,
				    max_record);
			if (st == RM_TOOBIG) {
				if (rs != -1)
					fz_fail("RM_TOOBIG where the stream "
					    "is fine");
				broken = 1;
				break;
			}
			if (st == RM_MORE) {
				if (k != 0)
					fz_fail("RM_MORE with %zu bytes left",
					    k);
				break;
			}
			if (st != RM_RECORD)
				fz_fail("rm_feed returned %d", (int)st);
			if (rs != 1)
				fz_fail("a record the reference does not see");
			if (rm.len != wantlen || rm.len > max_record ||
			    (wantlen > 0 && memcmp(rm.rec, want, wantlen) != 0))
				fz_fail("record of %zu bytes differs from the "
				    "reference's %zu", rm.len, wantlen);
			if (rm_partial(&rm))
				fz_fail("rm_partial on a complete record");
			fz_request(&env, rm.rec, rm.len);
			rm_next(&rm);
			rs = fz_ref_next(&ref, want, &wantlen);
		}
		if (!broken && (sel & FZ_F_RELEASE) && !rm_partial(&rm))
			rm_release(&rm);	/* an idle connection */
	}
	if (!broken) {
		if (rs == -1)
			fz_fail("the reference broke on limits rm_feed missed");
		if (rs == 1)
			fz_fail("the reference saw a record rm_feed missed");
		if (rs == 0 && (rm_partial(&rm) != 0) != (ref.started != 0))
			fz_fail("rm_partial %d, reference %d", rm_partial(&rm),
			    ref.started);
	}
	rm_release(&rm);
	fz_teardown(&env);
}
