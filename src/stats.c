/*
 * stats.c - the counters RPCBIND v4 GETSTAT reports, one set per protocol
 * version.  The lookup and remote-call lists are fixed arrays: once full,
 * new keys are not added (their calls are still counted per procedure),
 * so no amount of traffic makes this module allocate.
 */
#include <stdint.h>
#include <string.h>

#include "stats.h"

/* The counters of version vers (2..4), or NULL. */
static struct stats_vers *
stats_vers(struct stats *st, uint32_t vers)
{
	if (st == NULL || vers < PMAP_VERS_LOW || vers > PMAP_VERS_HIGH)
		return NULL;
	return &st->v[vers - PMAP_VERS_LOW];
}

/* Saturating increment: a counter never wraps to a negative number. */
static void
stats_bump(int32_t *c)
{
	if (*c < INT32_MAX)
		(*c)++;
}

/* netid into a fixed field, cut at PM_NETID_MAX; NULL stands for "". */
static void
stats_netid(char *dst, const char *netid)
{
	size_t	n;

	if (netid == NULL)
		netid = "";
	n = strnlen(netid, PM_NETID_MAX);
	memcpy(dst, netid, n);
	dst[n] = '\0';
}

/* Does a stored netid equal netid as stats_netid() would store it? */
static int
stats_same_netid(const char *have, const char *netid)
{
	size_t	i;

	if (netid == NULL)
		netid = "";
	for (i = 0; i < PM_NETID_MAX && netid[i] != '\0'; i++)
		if (have[i] != netid[i])
			return 0;
	return have[i] == '\0';
}

/* Slot of the lookup key in addr_ix (FNV-1a over the key). */
static unsigned
stats_addr_hash(uint32_t prog, uint32_t vers, const char *netid)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	h = (h ^ prog) * 16777619u;
	h = (h ^ vers) * 16777619u;
	/* the first bytes tell the few netids apart well enough */
	for (i = 0; netid != NULL && netid[i] != '\0' && i < 4; i++)
		h = (h ^ (unsigned char)netid[i]) * 16777619u;
	h ^= h >> 15;
	return h & (2 * STATS_LIST_MAX - 1);
}

void
stats_init(struct stats *st)
{
	memset(st, 0, sizeof(*st));
}

void
stats_proc(struct stats *st, uint32_t vers, uint32_t proc)
{
	struct stats_vers *v;

	if ((v = stats_vers(st, vers)) == NULL || proc >= RPCBSTAT_HIGHPROC)
		return;
	stats_bump(&v->info[proc]);
}

void
stats_set(struct stats *st, uint32_t vers, int success)
{
	struct stats_vers *v;

	/* rpcb_stat's setinfo counts the registrations that succeeded. */
	if ((v = stats_vers(st, vers)) != NULL && success)
		stats_bump(&v->setinfo);
}

void
stats_unset(struct stats *st, uint32_t vers, int success)
{
	struct stats_vers *v;

	if ((v = stats_vers(st, vers)) != NULL && success)
		stats_bump(&v->unsetinfo);
}

void
stats_lookup(struct stats *st, uint32_t vers, uint32_t prog, uint32_t pvers,
    const char *netid, int found)
{
	struct stats_vers *v;
	struct stats_addr *a;
	unsigned	 i;

	if ((v = stats_vers(st, vers)) == NULL)
		return;
	/* open addressing, at most half full: a probe or two */
	for (i = stats_addr_hash(prog, pvers, netid); v->addr_ix[i] != 0;
	    i = (i + 1) & (2 * STATS_LIST_MAX - 1)) {
		a = &v->addr[v->addr_ix[i] - 1];
		if (a->prog == prog && a->vers == pvers &&
		    stats_same_netid(a->netid, netid))
			goto count;
	}
	if (v->naddr >= STATS_LIST_MAX)
		return;			/* full: the key is not kept */
	a = &v->addr[v->naddr++];
	v->addr_ix[i] = (uint8_t)v->naddr;
	memset(a, 0, sizeof(*a));
	a->prog = prog;
	a->vers = pvers;
	stats_netid(a->netid, netid);
count:
	if (found)
		stats_bump(&a->success);
	else
		stats_bump(&a->failure);
}

void
stats_rmtcall(struct stats *st, uint32_t vers, uint32_t prog, uint32_t pvers,
    uint32_t proc, const char *netid, int success, int indirect)
{
	struct stats_vers *v;
	struct stats_rmt *r;
	unsigned	 i;

	if ((v = stats_vers(st, vers)) == NULL)
		return;
	for (i = 0; i < v->nrmt; i++) {
		r = &v->rmt[i];
		if (r->prog == prog && r->vers == pvers && r->proc == proc &&
		    stats_same_netid(r->netid, netid))
			goto count;
	}
	if (v->nrmt >= STATS_LIST_MAX)
		return;
	r = &v->rmt[v->nrmt++];
	memset(r, 0, sizeof(*r));
	r->prog = prog;
	r->vers = pvers;
	r->proc = proc;
	stats_netid(r->netid, netid);
count:
	if (success)
		stats_bump(&r->success);
	else
		stats_bump(&r->failure);
	if (indirect)
		stats_bump(&r->indirect);
}
