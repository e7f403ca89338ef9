/*
 * ratelimit.c - per-source token buckets in a fixed, set-associative table
 * (see ratelimit.h).
 *
 * Tokens are counted in thousandths, time in milliseconds: a source gains
 * `rate` thousandths per millisecond (rate calls per second), holds at most
 * burst * 1000, and a call costs 1000.  All arithmetic is on 64 bits with
 * the refill capped before it can overflow.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"
#include "uaddr.h"

#define RL_MILLI	1000u

struct rl_slot {
	uint8_t		key[16];	/* IPv4-mapped, or the IPv6 prefix */
	uint64_t	tokens;		/* thousandths of a call */
	uint64_t	last;		/* ms: last refill and last use */
	uint8_t		used;
	uint8_t		dropping;	/* the last call was dropped */
};

struct ratelimit {
	struct rl_slot	*slot;
	size_t		 nslots;
	size_t		 setmask;	/* sets - 1 */
	uint64_t	 rate;		/* thousandths per ms = calls per s */
	uint64_t	 cap;		/* burst in thousandths */
	unsigned	 v6_prefix;
	uint64_t	 key[2];
	struct ratelimit_stats st;
};

/* ---- SipHash-2-4 ---- */

static uint64_t
rl_rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

static uint64_t
rl_le64(const uint8_t *p)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

struct rl_sip {
	uint64_t v0, v1, v2, v3;
};

static void
rl_sipround(struct rl_sip *s)
{
	s->v0 += s->v1;
	s->v1 = rl_rotl(s->v1, 13) ^ s->v0;
	s->v0 = rl_rotl(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rl_rotl(s->v3, 16) ^ s->v2;
	s->v0 += s->v3;
	s->v3 = rl_rotl(s->v3, 21) ^ s->v0;
	s->v2 += s->v1;
	s->v1 = rl_rotl(s->v1, 17) ^ s->v2;
	s->v2 = rl_rotl(s->v2, 32);
}

static void
rl_sipblock(struct rl_sip *s, uint64_t m)
{
	s->v3 ^= m;
	rl_sipround(s);
	rl_sipround(s);
	s->v0 ^= m;
}

uint64_t
ratelimit_siphash(const uint64_t key[2], const void *data, size_t len)
{
	const uint8_t	*p = data;
	struct rl_sip	 s;
	uint64_t	 last;
	size_t		 i, rest;

	s.v0 = key[0] ^ 0x736f6d6570736575ULL;	/* "somepseu" */
	s.v1 = key[1] ^ 0x646f72616e646f6dULL;	/* "dorandom" */
	s.v2 = key[0] ^ 0x6c7967656e657261ULL;	/* "lygenera" */
	s.v3 = key[1] ^ 0x7465646279746573ULL;	/* "tedbytes" */
	for (i = 0; i + 8 <= len; i += 8)
		rl_sipblock(&s, rl_le64(p + i));
	/* the tail, little-endian, with the length in the top byte */
	last = (uint64_t)(len & 0xff) << 56;
	for (rest = 0; i + rest < len; rest++)
		last |= (uint64_t)p[i + rest] << (8 * rest);
	rl_sipblock(&s, last);
	s.v2 ^= 0xff;
	for (i = 0; i < 4; i++)
		rl_sipround(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

/* ---- the table ---- */

struct ratelimit *
ratelimit_new(const struct ratelimit_cfg *cfg)
{
	struct ratelimit *rl;
	size_t		  want, n;

	if (cfg == NULL || cfg->rate > RATELIMIT_RATE_MAX ||
	    cfg->burst > RATELIMIT_BURST_MAX || cfg->v6_prefix > 128 ||
	    cfg->slots > RATELIMIT_SLOTS_MAX)
		return NULL;
	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	want = cfg->slots != 0 ? cfg->slots : RATELIMIT_SLOTS_DEFAULT;
	for (n = RATELIMIT_WAYS; n < want; n *= 2)
		;
	if ((rl->slot = calloc(n, sizeof(*rl->slot))) == NULL) {
		free(rl);
		return NULL;
	}
	rl->nslots = n;
	rl->setmask = n / RATELIMIT_WAYS - 1;
	rl->rate = cfg->rate;
	rl->cap = (uint64_t)(cfg->burst != 0 ? cfg->burst : 1) * RL_MILLI;
	rl->v6_prefix = cfg->v6_prefix != 0 ? cfg->v6_prefix :
	    RATELIMIT_V6_PREFIX;
	rl->key[0] = cfg->key[0];
	rl->key[1] = cfg->key[1];
	rl->st.slots = n;
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	free(rl->slot);
	free(rl);
}

/* The source key of a peer: 0, or -1 when it is not an IP peer. */
static int
rl_source(const struct ratelimit *rl, const struct sockaddr *sa,
    uint8_t key[16])
{
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	unsigned	i, p = rl->v6_prefix;

	memset(key, 0, 16);
	switch (sa->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)(const void *)sa;
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &sin->sin_addr, 4);
		return 0;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		memcpy(key, sin6->sin6_addr.s6_addr, 16);
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
			return 0;	/* an IPv4 peer: the whole address */
		for (i = 0; i < 16; i++) {
			if (p >= 8 * (i + 1))
				continue;
			if (p <= 8 * i)
				key[i] = 0;
			else
				key[i] &= (uint8_t)(0xff << (8 - (p - 8 * i)));
		}
		return 0;
	default:
		return -1;
	}
}

/* Add the tokens earned since s->last. */
static void
rl_refill(const struct ratelimit *rl, struct rl_slot *s, uint64_t now)
{
	uint64_t	elapsed, room;

	if (now <= s->last)
		return;		/* no time passed, or the clock went back */
	elapsed = now - s->last;
	s->last = now;
	room = rl->cap - s->tokens;
	if (elapsed >= room / rl->rate + 1)
		s->tokens = rl->cap;
	else
		s->tokens += elapsed * rl->rate;
	if (s->tokens > rl->cap)
		s->tokens = rl->cap;
}

/* The slot of this source: found, or taken (free, else least recently used). */
static struct rl_slot *
rl_lookup(struct ratelimit *rl, const uint8_t key[16], uint64_t now)
{
	struct rl_slot	*set, *s, *victim = NULL;
	size_t		 i;

	set = &rl->slot[(ratelimit_siphash(rl->key, key, 16) & rl->setmask) *
	    RATELIMIT_WAYS];
	for (i = 0; i < RATELIMIT_WAYS; i++) {
		s = &set[i];
		if (!s->used) {
			if (victim == NULL || victim->used)
				victim = s;
			continue;
		}
		if (memcmp(s->key, key, 16) == 0)
			return s;
		if (victim == NULL || (victim->used && s->last < victim->last))
			victim = s;
	}
	if (victim->used)
		rl->st.evictions++;
	else
		rl->st.active++;
	rl->st.sources++;
	memcpy(victim->key, key, 16);
	victim->used = 1;
	victim->dropping = 0;
	victim->tokens = rl->cap;
	victim->last = now;
	return victim;
}

enum ratelimit_result
ratelimit_check(struct ratelimit *rl, const struct sockaddr *peer,
    uint64_t now_ms)
{
	struct rl_slot	*s;
	uint8_t		 key[16];
	int		 first;

	if (rl == NULL || peer == NULL || sockaddr_is_loopback(peer) ||
	    rl_source(rl, peer, key) == -1)
		return RL_PASS;
	if (rl->rate == 0) {
		rl->st.allowed++;
		return RL_PASS;
	}
	s = rl_lookup(rl, key, now_ms);
	rl_refill(rl, s, now_ms);
	if (s->tokens >= RL_MILLI) {
		s->tokens -= RL_MILLI;
		s->dropping = 0;
		rl->st.allowed++;
		return RL_PASS;
	}
	first = !s->dropping;
	s->dropping = 1;
	rl->st.dropped++;
	return first ? RL_DROP_FIRST : RL_DROP;
}

void
ratelimit_stats(const struct ratelimit *rl, struct ratelimit_stats *st)
{
	if (rl == NULL) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = rl->st;
}
