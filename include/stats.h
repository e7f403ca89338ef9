/*
 * stats.h - the counters RPCBIND v4 GETSTAT reports (RFC 1833 rpcb_stat),
 * one set per protocol version (2, 3, 4).  Every list is bounded: once
 * full, new keys are not added (their calls are still counted per
 * procedure), so remote traffic cannot grow memory.  Pure.
 */
#ifndef STATS_H
#define STATS_H

#include <stdint.h>

#include "pmap_prot.h"

#define STATS_LIST_MAX	64	/* distinct lookup / remote-call keys kept */

struct stats_addr {		/* rpcbs_addr */
	uint32_t	prog, vers;
	int32_t		success, failure;
	char		netid[PM_NETID_MAX + 1];
};

struct stats_rmt {		/* rpcbs_rmtcall */
	uint32_t	prog, vers, proc;
	int32_t		success, failure;
	int32_t		indirect;
	char		netid[PM_NETID_MAX + 1];
};

struct stats_vers {		/* rpcb_stat */
	int32_t		 info[RPCBSTAT_HIGHPROC];
	int32_t		 setinfo, unsetinfo;
	unsigned	 naddr, nrmt;
	struct stats_addr addr[STATS_LIST_MAX];
	struct stats_rmt rmt[STATS_LIST_MAX];
	/*
	 * (additive) addr[] by key hash: index + 1, 0 empty; a lookup finds
	 * its key, or that it is not kept, in a probe or two.
	 */
	uint8_t		 addr_ix[2 * STATS_LIST_MAX];
};

struct stats {
	struct stats_vers v[3];		/* index: version - 2 */
	uint64_t	 dropped;	/* messages that got no reply */
	uint64_t	 garbage;	/* GARBAGE_ARGS replies */
	uint64_t	 denied;	/* refused SET/UNSET */
	uint64_t	 ratelimited;	/* non-local calls dropped by the rate limit */
};

void	stats_init(struct stats *);
/* Count a call of proc in protocol version vers (2..4); others ignored. */
void	stats_proc(struct stats *, uint32_t vers, uint32_t proc);
void	stats_set(struct stats *, uint32_t vers, int success);
void	stats_unset(struct stats *, uint32_t vers, int success);
/* A GETADDR/GETPORT/GETVERSADDR lookup of (prog, pvers, netid). */
void	stats_lookup(struct stats *, uint32_t vers, uint32_t prog, uint32_t pvers,
	    const char *netid, int found);
/* A forwarded call of (prog, pvers, proc) over netid. */
void	stats_rmtcall(struct stats *, uint32_t vers, uint32_t prog, uint32_t pvers,
	    uint32_t proc, const char *netid, int success, int indirect);

#endif
