/*
 * ratelimit.h - per-source token buckets for calls from other hosts, so
 * that a flood from one address cannot starve everyone else.
 *
 * Memory is fixed when the limiter is made: a table of slots, grouped in
 * sets of RATELIMIT_WAYS, a source hashed (SipHash-2-4 with a secret key
 * the daemon draws at start-up) to one set.  A new source takes a free
 * slot of its set, or the one used least recently.  An evicted source
 * starts again with a full bucket when it comes back.
 *
 * A source is an IPv4 address (IPv4-mapped IPv6 included) or an IPv6
 * prefix (default /64: one host usually owns a whole /64).  Loopback and
 * AF_LOCAL peers are never limited and never take a slot.
 *
 * Pure: the time is passed in (milliseconds on any monotonic clock).
 */
#ifndef RATELIMIT_H
#define RATELIMIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define RATELIMIT_WAYS		8
#define RATELIMIT_SLOTS_DEFAULT	4096
#define RATELIMIT_SLOTS_MAX	(1u << 20)
#define RATELIMIT_RATE_MAX	1000000u	/* calls per second */
#define RATELIMIT_BURST_MAX	1000000u
#define RATELIMIT_V6_PREFIX	64

struct ratelimit_cfg {
	uint32_t	rate;		/* calls per second per source; 0: no limit */
	uint32_t	burst;		/* bucket size in calls (0 is taken as 1) */
	size_t		slots;		/* 0: default; rounded up to a power of 2 */
	unsigned	v6_prefix;	/* 0: default; 1..128 */
	uint64_t	key[2];		/* hash key: secret, random */
};

enum ratelimit_result {
	RL_PASS = 0,		/* go ahead */
	RL_DROP,		/* over the limit: drop the call, send nothing */
	RL_DROP_FIRST,		/* the same, and the first drop since this
				   source last passed: worth a (rate-limited) log line */
};

struct ratelimit_stats {
	uint64_t	allowed;	/* calls let through (remote peers) */
	uint64_t	dropped;	/* calls over the limit */
	uint64_t	sources;	/* sources given a slot, ever */
	uint64_t	evictions;	/* sources pushed out of a full set */
	size_t		active;		/* slots in use now */
	size_t		slots;		/* slots in all */
};

struct ratelimit;

/* NULL: out of memory, or rate/burst over their maxima. */
struct ratelimit *ratelimit_new(const struct ratelimit_cfg *);
void		 ratelimit_free(struct ratelimit *);
/* One call from peer at now_ms: pass or drop.  A NULL limiter passes all. */
enum ratelimit_result ratelimit_check(struct ratelimit *,
		    const struct sockaddr *peer, uint64_t now_ms);
void		 ratelimit_stats(const struct ratelimit *, struct ratelimit_stats *);

/* SipHash-2-4 (Aumasson and Bernstein) of len bytes with a 128-bit key. */
uint64_t	 ratelimit_siphash(const uint64_t key[2], const void *, size_t len);

#endif
