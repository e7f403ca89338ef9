/*
 * policy.h - the daemon's gate for calls from the network: the access
 * lists (acl.h), the per-source rate limit (ratelimit.h) and the
 * anti-amplification cap on UDP replies, applied to each request before
 * dispatch.  The shell half of acl.c and ratelimit.c: it owns the
 * configuration, reads the clock and logs.
 *
 *	policy_option()	 while parsing the command line
 *	policy_new()	 at start-up: builds the acl (hosts files read now)
 *	policy_gate()	 for every request
 *	policy_reload()	 on SIGHUP: a new acl, swapped in only when it built
 *	policy_report()	 on SIGUSR1
 */
#ifndef POLICY_H
#define POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "acl.h"
#include "dispatch.h"
#include "ratelimit.h"
#include "stats.h"
#include "xdr.h"

#define POLICY_HOSTS_ALLOW	"/etc/hosts.allow"
#define POLICY_HOSTS_DENY	"/etc/hosts.deny"
#define POLICY_RATE_DEFAULT	100	/* calls per second per remote source */
#define POLICY_BURST_DEFAULT	200

/* Long options this module takes (the values of struct option.val). */
enum policy_opt {
	POLICY_OPT_ALLOW = 0x200,	/* --allow CIDR */
	POLICY_OPT_DENY,		/* --deny CIDR */
	POLICY_OPT_AMP,			/* --amp-allow CIDR */
	POLICY_OPT_HOSTS,		/* --hosts-access */
	POLICY_OPT_NOHOSTS,		/* --no-hosts-access */
	POLICY_OPT_RATE,		/* --rate N[/s] (0: no limit) */
	POLICY_OPT_BURST,		/* --burst N */
	POLICY_OPT_LAST
};

/* What the command line said; zero it first. */
struct policy_opts {
	const char	*allow[ACL_NETS_MAX];
	size_t		 nallow;
	const char	*deny[ACL_NETS_MAX];
	size_t		 ndeny;
	const char	*amp[ACL_NETS_MAX];
	size_t		 namp;
	int		 no_hosts;	/* --no-hosts-access */
	int		 rate_set, burst_set;
	uint32_t	 rate, burst;
};

/*
 * One option: 0, or -1 after a message on stderr saying what is wrong
 * (the CIDR does not parse, a number is out of range, a list is full).
 */
int	policy_option(struct policy_opts *, int opt, const char *arg);

struct policy;

/*
 * Start: the acl from opts (hosts files read when not switched off), a
 * rate limiter with a random key.  NULL after logging why.  stats gets
 * the count of rate-limited calls.
 */
struct policy	*policy_new(const struct policy_opts *, struct stats *);
void		 policy_free(struct policy *);

/*
 * A request of reqlen bytes from c, at now_ms: returns 0 to drop it
 * unanswered (over the rate limit), else 1 with c->restricted set from
 * the access lists and, for a datagram, reply->max lowered to the
 * largest reply this peer may get.  Local callers always pass unchanged.
 */
int		 policy_gate(struct policy *, struct caller *c, size_t reqlen,
		    struct xdr_enc *reply, uint64_t now_ms);

/* SIGHUP: rebuild the acl (re-reading the hosts files); 0, or -1 (kept). */
int		 policy_reload(struct policy *);

/* SIGUSR1: lists, hosts rules, rate-limit counters, to the log. */
void		 policy_report(const struct policy *);

/* "allow 1, deny 0, hosts files on, rate 100/s burst 200", for start-up. */
void		 policy_describe(const struct policy *, char *, size_t);

#endif
