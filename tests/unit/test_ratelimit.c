/*
 * test_ratelimit.c - per-source token buckets: the hash against the
 * SipHash reference vectors, buckets draining and refilling on synthetic
 * time, sources kept apart (IPv4, mapped IPv4, IPv6 prefixes), this host
 * never limited, least-recently-used eviction in a full table, bounded
 * memory under many sources, and the counters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

#include "ratelimit.h"

#define NV(a)	(sizeof(a) / sizeof((a)[0]))

static struct sockaddr_storage
mkpeer(const char *text)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_un	*sun = (struct sockaddr_un *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (strcmp(text, "local") == 0) {
		sun->sun_family = AF_LOCAL;
		strcpy(sun->sun_path, "/run/rpcbind.sock");
	} else if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(40000);
	} else if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(40000);
	} else
		fail_msg("test peer '%s' does not parse", text);
	return ss;
}

/* An IPv4 peer from a number. */
static struct sockaddr_storage
v4peer(uint32_t a)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(a);
	sin->sin_port = htons((uint16_t)(a * 7));
	return ss;
}

#define SA(ss)	((const struct sockaddr *)&(ss))

static struct ratelimit *
mk(uint32_t rate, uint32_t burst, size_t slots, unsigned v6_prefix)
{
	struct ratelimit_cfg	cfg;
	struct ratelimit	*rl;

	memset(&cfg, 0, sizeof(cfg));
	cfg.rate = rate;
	cfg.burst = burst;
	cfg.slots = slots;
	cfg.v6_prefix = v6_prefix;
	cfg.key[0] = 0x0123456789abcdefULL;
	cfg.key[1] = 0xfedcba9876543210ULL;
	rl = ratelimit_new(&cfg);
	assert_non_null(rl);
	return rl;
}

/* n calls from text at now: how many passed. */
static unsigned
calls(struct ratelimit *rl, const char *text, unsigned n, uint64_t now)
{
	struct sockaddr_storage	ss = mkpeer(text);
	unsigned		i, pass = 0;

	for (i = 0; i < n; i++)
		if (ratelimit_check(rl, SA(ss), now) == RL_PASS)
			pass++;
	return pass;
}

/* ---- the hash: reference vectors, key 00..0f, message 00..n-1 ---- */

static const struct {
	size_t		len;
	uint64_t	want;
} sipvecs[] = {
	{ 0,	0x726fdb47dd0e0e31ULL },
	{ 1,	0x74f839c593dc67fdULL },
	{ 7,	0xab0200f58b01d137ULL },
	{ 8,	0x93f5f5799a932462ULL },
	{ 15,	0xa129ca6149be45e5ULL },
	{ 16,	0x3f2acc7f57c29bdbULL },
};

static void
test_siphash(void **state)
{
	const uint64_t	key[2] = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	uint8_t		msg[64];
	uint64_t	h;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (i = 0; i < NV(sipvecs); i++) {
		h = ratelimit_siphash(key, msg, sipvecs[i].len);
		if (h != sipvecs[i].want)
			fail_msg("len %zu: %016llx, want %016llx", sipvecs[i].len,
			    (unsigned long long)h,
			    (unsigned long long)sipvecs[i].want);
	}
}

/* ---- buckets on synthetic time ---- */

static void
test_drain_refill(void **state)
{
	struct sockaddr_storage	ss = mkpeer("203.0.113.5");
	struct ratelimit_stats	st;
	struct ratelimit	*rl;
	uint64_t		t0 = 1000000;

	(void)state;
	rl = mk(10, 5, 64, 0);		/* 10 calls/s, bursts of 5 */
	/* a new source starts with a full bucket */
	assert_int_equal(calls(rl, "203.0.113.5", 5, t0), 5);
	assert_int_equal(ratelimit_check(rl, SA(ss), t0), RL_DROP_FIRST);
	assert_int_equal(ratelimit_check(rl, SA(ss), t0), RL_DROP);
	/* one call takes 100 ms to earn */
	assert_int_equal(ratelimit_check(rl, SA(ss), t0 + 99), RL_DROP);
	assert_int_equal(ratelimit_check(rl, SA(ss), t0 + 100), RL_PASS);
	assert_int_equal(ratelimit_check(rl, SA(ss), t0 + 100), RL_DROP_FIRST);
	/* 250 ms: 2.5 calls; the half carries over */
	assert_int_equal(calls(rl, "203.0.113.5", 5, t0 + 350), 2);
	assert_int_equal(calls(rl, "203.0.113.5", 5, t0 + 400), 1);
	/* a long silence fills the bucket, never past the burst */
	assert_int_equal(calls(rl, "203.0.113.5", 20, t0 + 3600000), 5);
	assert_int_equal(calls(rl, "203.0.113.5", 20, UINT64_MAX / 2), 5);
	assert_int_equal(calls(rl, "203.0.113.5", 20, UINT64_MAX), 5);
	/* the clock going back earns nothing and breaks nothing */
	assert_int_equal(calls(rl, "203.0.113.5", 3, t0), 0);
	ratelimit_stats(rl, &st);
	assert_int_equal(st.allowed, 5 + 1 + 2 + 1 + 5 + 5 + 5);
	assert_int_equal(st.dropped, 2 + 1 + 1 + 3 + 4 + 15 + 15 + 15 + 3);
	assert_int_equal(st.sources, 1);
	assert_int_equal(st.active, 1);
	assert_int_equal(st.evictions, 0);
	ratelimit_free(rl);
}

/* A steady rate: over 10 s at 1000 calls/s offered, about rate * 10 pass. */
static void
test_steady_rate(void **state)
{
	struct ratelimit	*rl;
	unsigned		 pass = 0, ms;

	(void)state;
	rl = mk(50, 10, 64, 0);
	for (ms = 0; ms < 10000; ms++)
		pass += calls(rl, "198.51.100.1", 1, 5000 + ms);
	/* burst 10, then 50/s for 9.999 s */
	assert_in_range(pass, 10 + 499, 10 + 500);
	ratelimit_free(rl);
}

/* ---- sources ---- */

static void
test_sources_apart(void **state)
{
	struct ratelimit	*rl;

	(void)state;
	rl = mk(1, 3, 4096, 0);
	assert_int_equal(calls(rl, "10.0.0.1", 10, 100), 3);
	/* another address is untouched by the flood */
	assert_int_equal(calls(rl, "10.0.0.2", 10, 100), 3);
	/* the mapped form of the first is the same source */
	assert_int_equal(calls(rl, "::ffff:10.0.0.1", 10, 100), 0);
	assert_int_equal(calls(rl, "::ffff:10.0.0.3", 10, 100), 3);
	/* IPv6: one /64 is one source */
	assert_int_equal(calls(rl, "2001:db8::1", 10, 100), 3);
	assert_int_equal(calls(rl, "2001:db8::ffff:2", 10, 100), 0);
	assert_int_equal(calls(rl, "2001:db8:0:1::1", 10, 100), 3);
	/* an IPv6 address that only looks like IPv4 is not it */
	assert_int_equal(calls(rl, "::a00:2", 10, 100), 3);
	ratelimit_free(rl);

	/* /128: every IPv6 address on its own */
	rl = mk(1, 3, 4096, 128);
	assert_int_equal(calls(rl, "2001:db8::1", 10, 100), 3);
	assert_int_equal(calls(rl, "2001:db8::2", 10, 100), 3);
	assert_int_equal(calls(rl, "2001:db8::1", 10, 100), 0);
	ratelimit_free(rl);

	/* /48 */
	rl = mk(1, 3, 4096, 48);
	assert_int_equal(calls(rl, "2001:db8:1:2::1", 10, 100), 3);
	assert_int_equal(calls(rl, "2001:db8:1:3::1", 10, 100), 0);
	assert_int_equal(calls(rl, "2001:db8:2::1", 10, 100), 3);
	ratelimit_free(rl);
}

static void
test_local_never_limited(void **state)
{
	static const char *const locals[] = {
		"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "local"
	};
	struct ratelimit_stats	 st;
	struct ratelimit	*rl;
	size_t			 i;

	(void)state;
	rl = mk(1, 1, 8, 0);
	for (i = 0; i < NV(locals); i++)
		assert_int_equal(calls(rl, locals[i], 1000, 5), 1000);
	ratelimit_stats(rl, &st);
	assert_int_equal(st.active, 0);		/* no slot taken */
	assert_int_equal(st.dropped, 0);
	assert_int_equal(calls(rl, "192.0.2.1", 10, 5), 1);
	ratelimit_free(rl);
	/* no limiter: everyone passes */
	assert_int_equal(ratelimit_check(NULL, NULL, 0), RL_PASS);
}

static void
test_rate_zero_is_off(void **state)
{
	struct ratelimit_stats	 st;
	struct ratelimit	*rl;

	(void)state;
	rl = mk(0, 1, 8, 0);
	assert_int_equal(calls(rl, "192.0.2.1", 10000, 5), 10000);
	ratelimit_stats(rl, &st);
	assert_int_equal(st.allowed, 10000);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.active, 0);
	ratelimit_free(rl);
}

/* ---- the table ---- */

/* One set of 8: the least recently used source goes first. */
static void
test_eviction_lru(void **state)
{
	struct sockaddr_storage	 ss;
	struct ratelimit_stats	 st;
	struct ratelimit	*rl;
	uint32_t		 i;

	(void)state;
	rl = mk(1, 1, 8, 0);		/* one call each, then 1 per second */
	for (i = 0; i < 8; i++) {
		ss = v4peer(0x0a000000u + i);
		assert_int_equal(ratelimit_check(rl, SA(ss), 10 + i), RL_PASS);
	}
	ratelimit_stats(rl, &st);
	assert_int_equal(st.active, 8);
	assert_int_equal(st.evictions, 0);
	/* source 0 is used again, so source 1 is now the oldest */
	ss = v4peer(0x0a000000u);
	assert_int_equal(ratelimit_check(rl, SA(ss), 20), RL_DROP_FIRST);
	/* a ninth source takes source 1's slot */
	ss = v4peer(0x0a000100u);
	assert_int_equal(ratelimit_check(rl, SA(ss), 21), RL_PASS);
	ratelimit_stats(rl, &st);
	assert_int_equal(st.active, 8);
	assert_int_equal(st.evictions, 1);
	assert_int_equal(st.sources, 9);
	/* source 1 comes back with a fresh bucket (and evicts source 2) */
	ss = v4peer(0x0a000001u);
	assert_int_equal(ratelimit_check(rl, SA(ss), 22), RL_PASS);
	/* sources 3..7 and 0 are still remembered, and still empty */
	for (i = 3; i < 8; i++) {
		ss = v4peer(0x0a000000u + i);
		assert_int_equal(ratelimit_check(rl, SA(ss), 23), RL_DROP_FIRST);
	}
	ss = v4peer(0x0a000000u);
	assert_int_equal(ratelimit_check(rl, SA(ss), 23), RL_DROP);
	ratelimit_stats(rl, &st);
	assert_int_equal(st.evictions, 2);
	assert_int_equal(st.sources, 10);
	ratelimit_free(rl);
}

/* 200,000 sources through 4096 slots: memory stays put, counts add up. */
static void
test_many_sources_bounded(void **state)
{
	struct sockaddr_storage	 ss;
	struct ratelimit_stats	 st;
	struct ratelimit	*rl;
	uint32_t		 i;
	unsigned		 pass = 0;

	(void)state;
	rl = mk(1, 2, 4096, 0);
	for (i = 0; i < 200000; i++) {
		/* distinct addresses in 10/8 (odd multipliers permute mod 2^24) */
		ss = v4peer(0x0a000000u | ((i * 2654435761u) & 0xffffffu));
		if (ratelimit_check(rl, SA(ss), 1000 + i / 1000) == RL_PASS)
			pass++;
	}
	ratelimit_stats(rl, &st);
	assert_int_equal(st.slots, 4096);
	assert_true(st.active <= 4096);
	assert_true(st.active > 4096 * 9 / 10);	/* the hash spreads them */
	assert_int_equal(st.sources, 200000);
	assert_int_equal(st.evictions, st.sources - st.active);
	assert_int_equal(st.allowed, pass);
	assert_int_equal(pass, 200000);		/* each came once */
	ratelimit_free(rl);
}

/* One flooding source does not starve a quiet one. */
static void
test_flood_fairness(void **state)
{
	struct ratelimit_stats	 st;
	struct ratelimit	*rl;
	unsigned		 ms, flood = 0, quiet = 0;

	(void)state;
	rl = mk(20, 20, 4096, 0);
	for (ms = 0; ms < 1000; ms++) {
		flood += calls(rl, "203.0.113.66", 100, ms);
		if (ms % 100 == 0)
			quiet += calls(rl, "198.51.100.7", 1, ms);
	}
	assert_int_equal(quiet, 10);
	assert_in_range(flood, 20 + 19, 20 + 20);
	ratelimit_stats(rl, &st);
	assert_int_equal(st.dropped, 100000 - flood);
	ratelimit_free(rl);
}

static void
test_config(void **state)
{
	struct ratelimit_cfg	 cfg;
	struct ratelimit_stats	 st;
	struct ratelimit	*rl;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	assert_null(ratelimit_new(NULL));
	cfg.rate = RATELIMIT_RATE_MAX + 1;
	assert_null(ratelimit_new(&cfg));
	cfg.rate = 1;
	cfg.burst = RATELIMIT_BURST_MAX + 1;
	assert_null(ratelimit_new(&cfg));
	cfg.burst = 1;
	cfg.v6_prefix = 129;
	assert_null(ratelimit_new(&cfg));
	cfg.v6_prefix = 0;
	cfg.slots = RATELIMIT_SLOTS_MAX + 1;
	assert_null(ratelimit_new(&cfg));
	cfg.slots = 100;
	assert_non_null(rl = ratelimit_new(&cfg));
	ratelimit_stats(rl, &st);
	assert_int_equal(st.slots, 128);
	ratelimit_free(rl);
	cfg.slots = 0;
	assert_non_null(rl = ratelimit_new(&cfg));
	ratelimit_stats(rl, &st);
	assert_int_equal(st.slots, RATELIMIT_SLOTS_DEFAULT);
	ratelimit_free(rl);
	cfg.slots = 1;
	cfg.burst = 0;			/* taken as 1 */
	cfg.rate = RATELIMIT_RATE_MAX;
	assert_non_null(rl = ratelimit_new(&cfg));
	ratelimit_stats(rl, &st);
	assert_int_equal(st.slots, 8);
	assert_int_equal(calls(rl, "192.0.2.9", 3, 7), 1);
	/* a million a second: one per microsecond, a thousand per ms */
	assert_int_equal(calls(rl, "192.0.2.9", 3, 8), 1);
	ratelimit_free(rl);
	ratelimit_stats(NULL, &st);
	assert_int_equal(st.slots, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash),
		cmocka_unit_test(test_drain_refill),
		cmocka_unit_test(test_steady_rate),
		cmocka_unit_test(test_sources_apart),
		cmocka_unit_test(test_local_never_limited),
		cmocka_unit_test(test_rate_zero_is_off),
		cmocka_unit_test(test_eviction_lru),
		cmocka_unit_test(test_many_sources_bounded),
		cmocka_unit_test(test_flood_fairness),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
