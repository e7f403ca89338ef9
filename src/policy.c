/*
 * policy.c - the gate in front of dispatch for calls from the network
 * (see policy.h): access lists, rate limit, anti-amplification.
 */
#include <sys/types.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "acl.h"
#include "dispatch.h"
#include "log.h"
#include "pmap_prot.h"
#include "policy.h"
#include "ratelimit.h"
#include "stats.h"
#include "xdr.h"

struct policy {
	const struct policy_opts *opts;
	struct acl		*acl;
	struct ratelimit	*rl;
	uint32_t		 rate, burst;
	struct stats		*stats;
	uint64_t		 denied;	/* calls from hosts the lists deny */
	uint64_t		 capped;	/* UDP replies capped below PM_UDP_MAX */
	uint64_t		 reloads, reload_failures;
	struct ratelim		 rl_drop, rl_deny;
	struct stat		 root;		/* "/" when the hosts files were read */
};

static int
policy_add(const char **v, size_t *n, const char *arg, const char *opt)
{
	struct acl_net	net;

	if (acl_parse_net(arg, &net) == -1) {
		fprintf(stderr, "portmap: %s %s: not a numeric network "
		    "(address or address/prefix)\n", opt, arg);
		return -1;
	}
	if (*n >= ACL_NETS_MAX) {
		fprintf(stderr, "portmap: %s: at most %d networks\n", opt,
		    ACL_NETS_MAX);
		return -1;
	}
	v[(*n)++] = arg;
	return 0;
}

static int
policy_u32(const char *s, uint32_t max, const char *suffix, uint32_t *out,
    const char *opt)
{
	unsigned long	 n;
	char		*end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || errno != 0 || n > max ||
	    (*end != '\0' && (suffix == NULL || strcmp(end, suffix) != 0))) {
		fprintf(stderr, "portmap: %s %s: must be 0 to %lu\n", opt, s,
		    (unsigned long)max);
		return -1;
	}
	*out = (uint32_t)n;
	return 0;
}

int
policy_option(struct policy_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case POLICY_OPT_ALLOW:
		return policy_add(o->allow, &o->nallow, arg, "--allow");
	case POLICY_OPT_DENY:
		return policy_add(o->deny, &o->ndeny, arg, "--deny");
	case POLICY_OPT_AMP:
		return policy_add(o->amp, &o->namp, arg, "--amp-allow");
	case POLICY_OPT_HOSTS:
		o->no_hosts = 0;
		return 0;
	case POLICY_OPT_NOHOSTS:
		o->no_hosts = 1;
		return 0;
	case POLICY_OPT_RATE:
		o->rate_set = 1;
		return policy_u32(arg, RATELIMIT_RATE_MAX, "/s", &o->rate,
		    "--rate");
	case POLICY_OPT_BURST:
		o->burst_set = 1;
		if (policy_u32(arg, RATELIMIT_BURST_MAX, NULL, &o->burst,
		    "--burst") == -1)
			return -1;
		if (o->burst == 0) {
			fprintf(stderr, "portmap: --burst must be at least 1\n");
			return -1;
		}
		return 0;
	default:
		fprintf(stderr, "portmap: unknown policy option\n");
		return -1;
	}
}

static void
policy_warn(void *arg, const char *msg)
{
	(void)arg;
	log_warnx("access: %s", msg);
}

static struct acl *
policy_build(const struct policy_opts *o)
{
	struct acl_cfg	cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.allow = o->allow;
	cfg.nallow = o->nallow;
	cfg.deny = o->deny;
	cfg.ndeny = o->ndeny;
	cfg.amp = o->amp;
	cfg.namp = o->namp;
	if (!o->no_hosts) {
		cfg.hosts_allow = POLICY_HOSTS_ALLOW;
		cfg.hosts_deny = POLICY_HOSTS_DENY;
	}
	return acl_build(&cfg, policy_warn, NULL);
}

/* A secret hash key, so that no one can aim sources at one set. */
static void
policy_key(uint64_t key[2])
{
	struct timespec	ts;

	if (getrandom(key, 2 * sizeof(uint64_t), GRND_NONBLOCK) ==
	    (ssize_t)(2 * sizeof(uint64_t)))
		return;
	/* no entropy yet (early boot): still unpredictable enough to vary */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	key[0] ^= (uint64_t)ts.tv_nsec << 32 ^ (uint64_t)ts.tv_sec ^
	    (uint64_t)getpid();
	clock_gettime(CLOCK_REALTIME, &ts);
	key[1] ^= (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 20;
}

struct policy *
policy_new(const struct policy_opts *o, struct stats *stats)
{
	struct ratelim		 rl_drop = RATELIM_INIT("rate limit", 5, 60);
	struct ratelim		 rl_deny = RATELIM_INIT("access denied", 5, 60);
	struct ratelimit_cfg	 rc;
	struct policy		*p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		log_warn("policy");
		return NULL;
	}
	p->opts = o;
	p->stats = stats;
	p->rl_drop = rl_drop;
	p->rl_deny = rl_deny;
	p->rate = o->rate_set ? o->rate : POLICY_RATE_DEFAULT;
	p->burst = o->burst_set ? o->burst :
	    (p->rate > POLICY_BURST_DEFAULT / 2 ? 2 * p->rate :
	    POLICY_BURST_DEFAULT);
	if (p->burst > RATELIMIT_BURST_MAX)
		p->burst = RATELIMIT_BURST_MAX;
	if (stat("/", &p->root) == -1)
		memset(&p->root, 0, sizeof(p->root));
	if ((p->acl = policy_build(o)) == NULL)
		goto fail;
	if (p->rate > 0) {
		memset(&rc, 0, sizeof(rc));
		rc.rate = p->rate;
		rc.burst = p->burst;
		policy_key(rc.key);
		if ((p->rl = ratelimit_new(&rc)) == NULL) {
			log_warnx("rate limit: cannot set up");
			goto fail;
		}
		explicit_bzero(rc.key, sizeof(rc.key));
	}
	return p;
fail:
	policy_free(p);
	return NULL;
}

void
policy_free(struct policy *p)
{
	if (p == NULL)
		return;
	acl_free(p->acl);
	ratelimit_free(p->rl);
	free(p);
}

int
policy_gate(struct policy *p, struct caller *c, size_t reqlen,
    struct xdr_enc *reply, uint64_t now_ms)
{
	const struct sockaddr	*peer = (const struct sockaddr *)&c->peer;
	enum ratelimit_result	 rr;
	enum acl_verdict	 v;
	size_t			 max;
	char			 a[80];

	if (p == NULL || caller_is_local(c))
		return 1;
	if ((rr = ratelimit_check(p->rl, peer, now_ms)) != RL_PASS) {
		if (p->stats != NULL)
			p->stats->ratelimited++;
		if (rr == RL_DROP_FIRST && log_ratelimited(&p->rl_drop, now_ms))
			log_warnx("rate limit: %s is over %" PRIu32 " calls/s "
			    "(burst %" PRIu32 "): dropping its calls",
			    log_sockaddr(peer, c->peerlen, a, sizeof(a)),
			    p->rate, p->burst);
		return 0;
	}
	v = acl_check(p->acl, peer);
	c->restricted = ACL_IS_DENIED(v);
	if (c->restricted) {
		p->denied++;
		if (log_ratelimited(&p->rl_deny, now_ms))
			log_info("access: %s %s: limited to classic answers",
			    log_sockaddr(peer, c->peerlen, a, sizeof(a)),
			    acl_verdict_str(v));
	}
	if (xprt_is_dgram(c->xprt) && reply != NULL) {
		max = acl_udp_reply_max(p->acl, peer, reqlen);
		if (max < reply->max) {
			reply->max = max;
			p->capped++;
		}
	}
	return 1;
}

int
policy_reload(struct policy *p)
{
	struct acl	*a;
	struct stat	 sb;

	if (p == NULL)
		return 0;
	p->reloads++;
	/*
	 * In a chroot (-t) the hosts files are out of reach, and a missing
	 * file would read as "no rules": keep what was read at start-up.
	 */
	if (!p->opts->no_hosts && (stat("/", &sb) == -1 ||
	    sb.st_dev != p->root.st_dev || sb.st_ino != p->root.st_ino)) {
		p->reload_failures++;
		log_warnx("reload: running in a chroot, %s and %s cannot be "
		    "re-read; the access configuration stays as it was",
		    POLICY_HOSTS_ALLOW, POLICY_HOSTS_DENY);
		return -1;
	}
	if ((a = policy_build(p->opts)) == NULL) {
		p->reload_failures++;
		log_warnx("reload: access configuration has errors; the old "
		    "one stays in force");
		return -1;
	}
	acl_free(p->acl);
	p->acl = a;
	return 0;
}

void
policy_describe(const struct policy *p, char *buf, size_t len)
{
	struct acl_info	ai;

	acl_info(p->acl, &ai);
	snprintf(buf, len, "allow %zu, deny %zu, amp-allow %zu, hosts files %s "
	    "(%zu/%zu rules), rate %s%" PRIu32 "/s burst %" PRIu32,
	    ai.nallow, ai.ndeny, ai.namp, p->opts->no_hosts ? "off" : "on",
	    ai.hosts_allow, ai.hosts_deny, p->rate == 0 ? "unlimited " : "",
	    p->rate, p->burst);
}

void
policy_report(const struct policy *p)
{
	struct ratelimit_stats	rs;
	char			d[256];

	if (p == NULL)
		return;
	policy_describe(p, d, sizeof(d));
	log_info("access: %s", d);
	log_info("access: denied calls %" PRIu64 ", capped udp replies %"
	    PRIu64 ", reloads %" PRIu64 " (failed %" PRIu64 ")", p->denied,
	    p->capped, p->reloads, p->reload_failures);
	ratelimit_stats(p->rl, &rs);
	log_info("rate limit: passed %" PRIu64 ", dropped %" PRIu64
	    ", sources %" PRIu64 " (%zu of %zu slots in use, %" PRIu64
	    " evicted)", rs.allowed, rs.dropped, rs.sources, rs.active,
	    rs.slots, rs.evictions);
}
