/*
 * test_table.c - the mapping table: set results, caps, unset policy,
 * fallback, iteration order, scale, generation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <cmocka.h>

#include "pmap_prot.h"
#include "table.h"

#define P	200100u		/* a test program */

static const char *
setname(enum table_set_result r)
{
	switch (r) {
	case TABLE_ADDED:	return "ADDED";
	case TABLE_SAME:	return "SAME";
	case TABLE_CONFLICT:	return "CONFLICT";
	case TABLE_FULL:	return "FULL";
	case TABLE_INVALID:	return "INVALID";
	}
	return "?";
}

static void
expect_set(struct table *t, uint32_t prog, uint32_t vers, const char *netid,
    const char *uaddr, int32_t owner, enum table_set_result want)
{
	enum table_set_result got;

	got = table_set(t, prog, vers, netid, uaddr, owner, 0, 0);
	if (got != want)
		fail_msg("set %u/%u/%s %s owner %d: got %s, want %s", prog, vers,
		    netid ? netid : "(null)", uaddr ? uaddr : "(null)", owner,
		    setname(got), setname(want));
}

/* Walk the registration order into "prog.vers.netid " tokens. */
static void
order(const struct table *t, char *buf, size_t bufsz)
{
	const struct table_entry *e;
	size_t n = 0;

	buf[0] = '\0';
	for (e = table_first(t); e != NULL; e = table_next(e))
		n += (size_t)snprintf(buf + n, bufsz - n, "%u.%u.%s ", e->prog,
		    e->vers, e->netid);
}

static void
test_set_results(void **state)
{
	static const struct {
		uint32_t	 vers;
		const char	*netid, *uaddr;
		int32_t		 owner;
		enum table_set_result want;
	} v[] = {
		{ 1, "udp", "0.0.0.0.8.1", 1000, TABLE_ADDED },
		{ 1, "udp", "0.0.0.0.8.1", 1000, TABLE_SAME },
		{ 1, "udp", "0.0.0.0.8.1", 1001, TABLE_SAME },	/* key+addr */
		{ 1, "udp", "0.0.0.0.8.2", 1000, TABLE_CONFLICT },
		{ 1, "UDP", "0.0.0.0.8.1", 1000, TABLE_SAME },	/* case-insensitive */
		{ 1, "Udp", "0.0.0.0.9.9", 1000, TABLE_CONFLICT },
		{ 1, "tcp", "0.0.0.0.8.1", 1000, TABLE_ADDED },
		{ 2, "udp", "0.0.0.0.8.1", 1000, TABLE_ADDED },
		{ 1, "udp6", "::.8.1", 0, TABLE_ADDED },
		{ 1, "local", "/run/x.sock", 0, TABLE_ADDED },
		{ 1, "", "0.0.0.0.8.1", 0, TABLE_INVALID },
		{ 1, "udp", "", 0, TABLE_INVALID },
		{ 1, NULL, "0.0.0.0.8.1", 0, TABLE_INVALID },
		{ 1, "udp", NULL, 0, TABLE_INVALID },
	};
	struct table *t = table_new(100, 100);
	const struct table_entry *e;
	size_t i;

	assert_non_null(t);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		expect_set(t, P, v[i].vers, v[i].netid, v[i].uaddr, v[i].owner,
		    v[i].want);
	assert_int_equal(table_count(t), 5);
	/* the first registration is untouched by SAME and CONFLICT */
	e = table_find(t, P, 1, "udp");
	assert_non_null(e);
	assert_string_equal(e->uaddr, "0.0.0.0.8.1");
	assert_int_equal(e->owner, 1000);
	/* netids are stored lower-case and found in any case */
	e = table_find(t, P, 1, "UDP6");
	assert_non_null(e);
	assert_string_equal(e->netid, "udp6");
	assert_null(table_find(t, P, 3, "udp"));
	assert_null(table_find(t, P, 1, "rawip"));
	assert_null(table_find(t, P, 1, ""));
	assert_null(table_find(t, P, 1, NULL));
	table_free(t);
}

static void
test_set_fields_and_interning(void **state)
{
	struct table *t = table_new(100, 100);
	const struct table_entry *a, *b;

	assert_int_equal(table_set(t, P, 1, "TCP", "0.0.0.0.8.1", 1000, 4242,
	    TE_LOCAL), TABLE_ADDED);
	assert_int_equal(table_set(t, P, 2, "tcp", "0.0.0.0.8.2", 0, 0,
	    TE_KERNEL), TABLE_ADDED);
	a = table_find(t, P, 1, "tcp");
	b = table_find(t, P, 2, "tCp");
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->pid, 4242);
	assert_int_equal(a->flags, TE_LOCAL);
	assert_int_equal(b->flags, TE_KERNEL);
	assert_string_equal(a->netid, "tcp");
	assert_ptr_equal(a->netid, b->netid);		/* interned */
	table_touch(t, a, 77);
	assert_int_equal(a->checked, 77);
	table_free(t);
}

static void
test_invalid_lengths(void **state)
{
	char netid[PM_NETID_MAX + 2], uaddr[PM_UADDR_MAX + 2];
	struct table *t = table_new(100, 100);
	uint64_t g;

	memset(netid, 'n', sizeof(netid));
	memset(uaddr, '7', sizeof(uaddr));
	netid[PM_NETID_MAX] = '\0';			/* exactly the maximum */
	uaddr[PM_UADDR_MAX] = '\0';
	expect_set(t, P, 1, netid, "0.0.0.0.8.1", 0, TABLE_ADDED);
	expect_set(t, P, 2, "udp", uaddr, 0, TABLE_ADDED);
	assert_non_null(table_find(t, P, 1, netid));
	g = table_generation(t);
	netid[PM_NETID_MAX] = 'n';			/* one more */
	netid[PM_NETID_MAX + 1] = '\0';
	uaddr[PM_UADDR_MAX] = '7';
	uaddr[PM_UADDR_MAX + 1] = '\0';
	expect_set(t, P, 3, netid, "0.0.0.0.8.1", 0, TABLE_INVALID);
	expect_set(t, P, 3, "udp", uaddr, 0, TABLE_INVALID);
	assert_null(table_find(t, P, 3, netid));
	assert_null(table_find(t, P, 3, "udp"));
	assert_int_equal(table_count(t), 2);
	assert_true(table_generation(t) == g);
	table_free(t);
}

static void
test_full(void **state)
{
	struct table *t = table_new(5, 2);

	expect_set(t, P, 1, "udp", "0.0.0.0.8.1", 1000, TABLE_ADDED);
	expect_set(t, P, 2, "udp", "0.0.0.0.8.1", 1000, TABLE_ADDED);
	expect_set(t, P, 3, "udp", "0.0.0.0.8.1", 1000, TABLE_FULL);	/* owner cap */
	expect_set(t, P, 3, "udp", "0.0.0.0.8.1", OWNER_UNKNOWN, TABLE_ADDED);
	expect_set(t, P, 4, "udp", "0.0.0.0.8.1", 0, TABLE_ADDED);	/* no owner cap */
	/* SAME and CONFLICT are answered before any cap */
	expect_set(t, P, 1, "udp", "0.0.0.0.8.1", 1000, TABLE_SAME);
	expect_set(t, P, 1, "udp", "0.0.0.0.8.9", 1000, TABLE_CONFLICT);
	expect_set(t, P, 5, "udp", "0.0.0.0.8.1", 0, TABLE_ADDED);
	assert_int_equal(table_count(t), 5);
	expect_set(t, P, 6, "udp", "0.0.0.0.8.1", 0, TABLE_FULL);	/* table cap */
	expect_set(t, P, 6, "udp", "0.0.0.0.8.1", 1001, TABLE_FULL);
	assert_int_equal(table_count(t), 5);
	/* freeing the owner's entry lets it register again */
	assert_int_equal(table_unset(t, P, 1, "udp", 1000), 1);
	expect_set(t, P, 7, "udp", "0.0.0.0.8.1", 1000, TABLE_ADDED);
	expect_set(t, P, 8, "udp", "0.0.0.0.8.1", 1000, TABLE_FULL);
	table_free(t);
}

static void
test_superuser_exempt_from_owner_cap(void **state)
{
	struct table *t = table_new(100, 1);
	uint32_t v;

	for (v = 1; v <= 10; v++)
		expect_set(t, P, v, "tcp", "0.0.0.0.8.1", OWNER_SUPERUSER,
		    TABLE_ADDED);
	expect_set(t, P, 11, "tcp", "0.0.0.0.8.1", 1000, TABLE_ADDED);
	expect_set(t, P, 12, "tcp", "0.0.0.0.8.1", 1000, TABLE_FULL);
	table_free(t);
}

static void
test_unset_policy(void **state)
{
	struct table *t = table_new(100, 100);
	uint64_t g;

	expect_set(t, P, 1, "udp", "0.0.0.0.8.1", 1000, TABLE_ADDED);
	expect_set(t, P, 1, "tcp", "0.0.0.0.8.1", 1001, TABLE_ADDED);
	expect_set(t, P, 2, "udp", "0.0.0.0.8.1", 1000, TABLE_ADDED);

	/* another owner: refused, nothing removed, no generation bump */
	g = table_generation(t);
	assert_false(table_may_unset(t, P, 1, "udp", 1001));
	assert_int_equal(table_unset(t, P, 1, "udp", 1001), -1);
	assert_int_equal(table_unset(t, P, 1, "udp", OWNER_UNKNOWN), -1);
	assert_non_null(table_find(t, P, 1, "udp"));
	/* all netids, but 1000 does not own the tcp one: atomic refusal */
	assert_false(table_may_unset(t, P, 1, NULL, 1000));
	assert_int_equal(table_unset(t, P, 1, NULL, 1000), -1);
	assert_non_null(table_find(t, P, 1, "udp"));
	assert_non_null(table_find(t, P, 1, "tcp"));
	assert_int_equal(table_count(t), 3);
	assert_true(table_generation(t) == g);

	/* the owner removes its own */
	assert_true(table_may_unset(t, P, 1, "udp", 1000));
	assert_int_equal(table_unset(t, P, 1, "UDP", 1000), 1);
	assert_null(table_find(t, P, 1, "udp"));
	assert_true(table_generation(t) > g);
	/* nothing left to remove: allowed, 0 */
	assert_int_equal(table_unset(t, P, 1, "udp", 1001), 0);
	assert_int_equal(table_unset(t, P, 9, NULL, 1001), 0);
	assert_int_equal(table_unset(t, P, 1, "nosuch", 1001), 0);
	/* the superuser removes anyone's */
	assert_true(table_may_unset(t, P, 1, "tcp", OWNER_SUPERUSER));
	assert_int_equal(table_unset(t, P, 1, "tcp", OWNER_SUPERUSER), 1);
	assert_null(table_find(t, P, 1, "tcp"));
	assert_non_null(table_find(t, P, 2, "udp"));
	assert_int_equal(table_count(t), 1);
	table_free(t);
}

static void
test_unset_all_netids(void **state)
{
	static const char *netids[] = { "udp", "tcp", "udp6", "tcp6", "local" };
	struct table *t = table_new(100, 100);
	size_t i;

	for (i = 0; i < 5; i++) {
		expect_set(t, P, 1, netids[i], "0.0.0.0.8.1", 0, TABLE_ADDED);
		expect_set(t, P, 2, netids[i], "0.0.0.0.8.1", 0, TABLE_ADDED);
		expect_set(t, P + 1, 1, netids[i], "0.0.0.0.8.1", 0, TABLE_ADDED);
	}
	assert_int_equal(table_unset(t, P, 1, NULL, OWNER_SUPERUSER), 5);
	for (i = 0; i < 5; i++) {
		assert_null(table_find(t, P, 1, netids[i]));
		assert_non_null(table_find(t, P, 2, netids[i]));
		assert_non_null(table_find(t, P + 1, 1, netids[i]));
	}
	/* "" means every netid too (the v3/v4 wire form) */
	assert_int_equal(table_unset(t, P, 2, "", OWNER_SUPERUSER), 5);
	assert_int_equal(table_count(t), 5);
	assert_int_equal(table_unset(t, P, 2, NULL, OWNER_SUPERUSER), 0);
	table_free(t);
}

static void
test_fallback(void **state)
{
	struct table *t = table_new(100, 100);
	const struct table_entry *e;

	expect_set(t, P, 1, "udp", "0.0.0.0.1.1", 0, TABLE_ADDED);
	expect_set(t, P, 5, "udp", "0.0.0.0.1.5", 0, TABLE_ADDED);
	expect_set(t, P, 3, "udp", "0.0.0.0.1.3", 0, TABLE_ADDED);
	expect_set(t, P, 7, "tcp", "0.0.0.0.1.7", 0, TABLE_ADDED);
	expect_set(t, P + 1, 9, "udp", "0.0.0.0.1.9", 0, TABLE_ADDED);

	e = table_find_fallback(t, P, 3, "udp");	/* exact wins */
	assert_non_null(e);
	assert_int_equal(e->vers, 3);
	e = table_find_fallback(t, P, 9, "udp");	/* highest on udp, not tcp's 7 */
	assert_non_null(e);
	assert_int_equal(e->vers, 5);
	assert_string_equal(e->uaddr, "0.0.0.0.1.5");
	e = table_find_fallback(t, P, 2, "TCP");
	assert_non_null(e);
	assert_int_equal(e->vers, 7);
	assert_null(table_find_fallback(t, P, 1, "udp6"));
	assert_null(table_find_fallback(t, P + 2, 1, "udp"));
	assert_null(table_find(t, P, 9, "udp"));	/* exact never falls back */
	assert_int_equal(table_unset(t, P, 5, "udp", 0), 1);
	e = table_find_fallback(t, P, 9, "udp");
	assert_non_null(e);
	assert_int_equal(e->vers, 3);
	table_free(t);
}

static void
test_order_after_removals(void **state)
{
	struct table *t = table_new(100, 100);
	const struct table_entry *e;
	char buf[512];
	uint32_t v;
	int n;

	for (v = 1; v <= 5; v++)
		expect_set(t, P, v, "udp", "0.0.0.0.8.1", 0, TABLE_ADDED);
	order(t, buf, sizeof(buf));
	assert_string_equal(buf, "200100.1.udp 200100.2.udp 200100.3.udp "
	    "200100.4.udp 200100.5.udp ");
	table_remove(t, table_find(t, P, 1, "udp"));	/* head */
	table_remove(t, table_find(t, P, 3, "udp"));	/* middle */
	table_remove(t, table_find(t, P, 5, "udp"));	/* tail */
	expect_set(t, P, 1, "tcp", "0.0.0.0.8.1", 0, TABLE_ADDED);
	expect_set(t, P, 5, "udp", "0.0.0.0.8.1", 0, TABLE_ADDED);
	order(t, buf, sizeof(buf));
	assert_string_equal(buf, "200100.2.udp 200100.4.udp 200100.1.tcp "
	    "200100.5.udp ");
	/* the per-program walk sees exactly that program's entries */
	expect_set(t, P + 1, 1, "udp", "0.0.0.0.8.1", 0, TABLE_ADDED);
	for (n = 0, e = table_prog_first(t, P); e != NULL; e = table_prog_next(e)) {
		assert_int_equal(e->prog, P);
		n++;
	}
	assert_int_equal(n, 4);
	assert_null(table_prog_first(t, P + 2));
	/* remove everything: empty again */
	while ((e = table_first(t)) != NULL)
		table_remove(t, e);
	assert_int_equal(table_count(t), 0);
	assert_null(table_prog_first(t, P));
	order(t, buf, sizeof(buf));
	assert_string_equal(buf, "");
	table_free(t);
}

static void
test_generation(void **state)
{
	struct table *t = table_new(2, 100);
	uint64_t g0, g;

	g0 = g = table_generation(t);
	expect_set(t, P, 1, "udp", "0.0.0.0.8.1", 0, TABLE_ADDED);
	assert_true(table_generation(t) > g);
	g = table_generation(t);
	expect_set(t, P, 1, "udp", "0.0.0.0.8.1", 0, TABLE_SAME);
	expect_set(t, P, 1, "udp", "0.0.0.0.8.2", 0, TABLE_CONFLICT);
	expect_set(t, P, 1, "", "0.0.0.0.8.2", 0, TABLE_INVALID);
	table_touch(t, table_find(t, P, 1, "udp"), 5);
	assert_int_equal(table_unset(t, P, 1, "udp", 1000), -1);
	assert_int_equal(table_unset(t, P, 2, "udp", 0), 0);
	assert_true(table_generation(t) == g);
	expect_set(t, P, 2, "udp", "0.0.0.0.8.1", 0, TABLE_ADDED);
	assert_true(table_generation(t) > g);
	g = table_generation(t);
	expect_set(t, P, 3, "udp", "0.0.0.0.8.1", 0, TABLE_FULL);
	assert_true(table_generation(t) == g);
	assert_int_equal(table_unset(t, P, 2, NULL, 0), 1);
	assert_true(table_generation(t) > g);
	g = table_generation(t);
	table_remove(t, table_find(t, P, 1, "udp"));
	assert_true(table_generation(t) > g);
	assert_true(table_generation(t) > g0);
	table_free(t);
}

static void
test_owner_str(void **state)
{
	char buf[16];

	assert_string_equal(table_owner_str(OWNER_SUPERUSER, buf, sizeof(buf)),
	    "superuser");
	assert_string_equal(table_owner_str(OWNER_UNKNOWN, buf, sizeof(buf)),
	    "unknown");
	assert_string_equal(table_owner_str(1000, buf, sizeof(buf)), "1000");
	assert_string_equal(table_owner_str(65534, buf, sizeof(buf)), "65534");
}

#define BIG	10000u

static void
big_uaddr(uint32_t i, char *buf, size_t sz)
{
	snprintf(buf, sz, "0.0.0.0.%u.%u", (i >> 8) & 255, i & 255);
}

static const char *big_netids[] = { "udp", "tcp", "udp6", "tcp6", "local" };

/* Entry i: 100 programs, many versions, five netids, 50 owners. */
static void
big_key(uint32_t i, uint32_t *prog, uint32_t *vers, const char **netid)
{
	*prog = 300000 + i % 100;
	*vers = i / 100 + 1;
	*netid = big_netids[(i / 7) % 5];
	/* (prog, vers) is unique per i, so any netid keeps the key unique */
}

static void
check_big(const struct table *t, uint32_t lo, uint32_t hi, uint32_t step,
    int present)
{
	const struct table_entry *e;
	const char *netid;
	uint32_t i, prog, vers;
	char ua[32];

	for (i = lo; i < hi; i += step) {
		big_key(i, &prog, &vers, &netid);
		e = table_find(t, prog, vers, netid);
		if (!present) {
			if (e != NULL)
				fail_msg("entry %u still there", i);
			continue;
		}
		if (e == NULL)
			fail_msg("entry %u missing", i);
		big_uaddr(i, ua, sizeof(ua));
		if (e->prog != prog || e->vers != vers ||
		    strcmp(e->netid, netid) != 0 || strcmp(e->uaddr, ua) != 0 ||
		    e->owner != (int32_t)(1000 + i % 50))
			fail_msg("entry %u wrong: %u %u %s %s", i, e->prog,
			    e->vers, e->netid, e->uaddr);
	}
}

static void
test_scale(void **state)
{
	struct table *t = table_new(BIG + 10, BIG);
	struct table_stats st, small;
	const struct table_entry *e;
	const char *netid;
	uint32_t i, prog, vers;
	size_t usable = 0;
	char ua[32];

	for (i = 0; i < BIG; i++) {
		big_key(i, &prog, &vers, &netid);
		big_uaddr(i, ua, sizeof(ua));
		if (table_set(t, prog, vers, netid, ua, (int32_t)(1000 + i % 50),
		    0, 0) != TABLE_ADDED)
			fail_msg("set %u failed", i);
		if (i == 99)
			table_stats(t, &small);
	}
	assert_int_equal(table_count(t), BIG);
	check_big(t, 0, BIG, 1, 1);

	/*
	 * Lookups stay O(1): the hash has grown with the table and the
	 * longest chain a lookup walks (probes) is as short at 10,000 entries
	 * as it was at 100.
	 */
	table_stats(t, &st);
	assert_int_equal(st.entries, BIG);
	assert_true(st.buckets >= BIG);
	assert_true(small.max_chain <= 8);
	assert_true(st.max_chain <= 10);
	assert_int_equal(st.programs, 100);
	assert_int_equal(st.netids, 5);
	assert_int_equal(st.owners, 50);

	/*
	 * memory: everything the table asked malloc for, per registration
	 * (entries in 64-byte slab slots, no malloc header each)
	 */
	for (e = table_first(t); e != NULL; e = table_next(e))
		usable += sizeof(*e) + strlen(e->uaddr) + 1;
	print_message("table memory: %zu bytes requested for %u entries "
	    "(%.1f per entry, %.1f of them entry and address)\n",
	    st.bytes, BIG, (double)st.bytes / BIG, (double)usable / BIG);
	assert_true(st.bytes / BIG <= 90);

	/* version fallback in a program of 100 versions */
	e = table_find_fallback(t, 300007, 100000, big_netids[0]);
	assert_non_null(e);
	assert_int_equal(e->prog, 300007);
	assert_string_equal(e->netid, big_netids[0]);

	/* remove the odd ones, check, then the rest */
	for (i = 1; i < BIG; i += 2) {
		big_key(i, &prog, &vers, &netid);
		assert_int_equal(table_unset(t, prog, vers, netid,
		    (int32_t)(1000 + i % 50)), 1);
	}
	assert_int_equal(table_count(t), BIG / 2);
	check_big(t, 0, BIG, 2, 1);
	check_big(t, 1, BIG, 2, 0);
	for (i = 0; i < BIG; i += 2) {
		big_key(i, &prog, &vers, &netid);
		assert_int_equal(table_unset(t, prog, vers, NULL,
		    OWNER_SUPERUSER), 1);
	}
	assert_int_equal(table_count(t), 0);
	assert_null(table_first(t));
	table_stats(t, &st);
	assert_int_equal(st.programs, 0);
	assert_int_equal(st.netids, 0);
	assert_int_equal(st.owners, 0);
	assert_int_equal(st.max_chain, 0);
	table_free(t);
}

/* Many programs with one version each: exercises the program index growth. */
static void
test_many_programs(void **state)
{
	struct table *t = table_new(0, 0);
	struct table_stats st;
	uint32_t i;

	for (i = 0; i < BIG; i++)
		if (table_set(t, i * 7919u, 1, "tcp", "0.0.0.0.8.1", 0, 0, 0) !=
		    TABLE_ADDED)
			fail_msg("set %u", i);
	table_stats(t, &st);
	assert_int_equal(st.programs, BIG);
	for (i = 0; i < BIG; i++) {
		if (table_find_fallback(t, i * 7919u, 9, "tcp") == NULL)
			fail_msg("fallback %u", i);
		if (table_prog_first(t, i * 7919u) == NULL ||
		    table_prog_next(table_prog_first(t, i * 7919u)) != NULL)
			fail_msg("prog chain %u", i);
	}
	/* delete every third program, then check the index still finds the rest */
	for (i = 0; i < BIG; i += 3)
		assert_int_equal(table_unset(t, i * 7919u, 1, "tcp", 0), 1);
	for (i = 0; i < BIG; i++) {
		if ((table_prog_first(t, i * 7919u) == NULL) != (i % 3 == 0))
			fail_msg("program %u after deletions", i);
	}
	table_stats(t, &st);
	assert_int_equal(st.programs, BIG - (BIG + 2) / 3);
	table_free(t);
}

/* The port of an IP address is parsed once, at SET; entries never move. */
static void
test_port_cached(void **state)
{
	struct table *t = table_new(0, 0);
	const struct table_entry *a, *b, *c, *d;
	char ua[32];
	uint32_t i;

	assert_int_equal(table_set(t, 1, 1, "tcp", "0.0.0.0.8.1", 0, 0, 0),
	    TABLE_ADDED);
	assert_int_equal(table_set(t, 2, 1, "udp6", "::1.0.111", 0, 0, 0),
	    TABLE_ADDED);
	assert_int_equal(table_set(t, 3, 1, "local", "/run/x.sock", 0, 0, 0),
	    TABLE_ADDED);
	assert_int_equal(table_set(t, 4, 1, "udp", "0.0.0.0.0.0", 0, 0, 0),
	    TABLE_ADDED);
	a = table_find(t, 1, 1, "tcp");
	b = table_find(t, 2, 1, "UDP6");
	c = table_find(t, 3, 1, "local");
	d = table_find(t, 4, 1, "udp");
	assert_true(a->has_port && a->port == 2049);
	assert_true(b->has_port && b->port == 111);
	assert_false(c->has_port);
	assert_true(d->has_port && d->port == 0);
	/* a long address takes a bigger slot; every pointer stays put */
	memset(ua, 'a', sizeof(ua) - 1);
	ua[0] = '/';
	ua[sizeof(ua) - 1] = '\0';
	assert_int_equal(table_set(t, 5, 1, "local", ua, 0, 0, 0), TABLE_ADDED);
	for (i = 0; i < 2000; i++) {
		snprintf(ua, sizeof(ua), "127.0.0.1.%u.%u", i >> 8, i & 255);
		assert_int_equal(table_set(t, 100 + i, 1, "udp", ua, 0, 0, 0),
		    TABLE_ADDED);
	}
	assert_ptr_equal(table_find(t, 1, 1, "tcp"), a);
	assert_ptr_equal(table_find(t, 3, 1, "local"), c);
	assert_string_equal(a->uaddr, "0.0.0.0.8.1");
	assert_string_equal(c->uaddr, "/run/x.sock");
	assert_int_equal(table_find(t, 1099, 1, "udp")->port, 999);
	assert_int_equal(strlen(table_find(t, 5, 1, "local")->uaddr), 31);
	/* a removed slot is reused */
	assert_int_equal(table_unset(t, 2, 1, NULL, OWNER_SUPERUSER), 1);
	assert_int_equal(table_set(t, 6, 1, "udp6", "::1.0.112", 0, 0, 0),
	    TABLE_ADDED);
	assert_ptr_equal(table_find(t, 6, 1, "udp6"), b);
	assert_int_equal(b->port, 112);
	table_free(t);
}

/* Encoded-reply cache: good until the next change, then gone. */
static void
test_reply_cache(void **state)
{
	struct table *t = table_new(0, 0);
	const struct table_cache *c;
	const struct table_entry *e;

	assert_null(table_cache_get(t, TABLE_CACHE_DUMP_V2));
	assert_int_equal(table_cache_put(t, TABLE_CACHE_DUMP_V2, "abcd", 4), 0);
	c = table_cache_get(t, TABLE_CACHE_DUMP_V2);
	assert_non_null(c);
	assert_int_equal(c->len, 4);
	assert_memory_equal(c->buf, "abcd", 4);
	assert_null(table_cache_get(t, TABLE_CACHE_DUMP_V34));
	assert_null(table_cache_get(t, TABLE_CACHES));
	assert_int_equal(table_cache_put(t, TABLE_CACHES, "x", 1), -1);
	/* a SET, a SAME, an UNSET and a removal each decide anew */
	assert_int_equal(table_set(t, 1, 1, "udp", "0.0.0.0.8.1", 0, 0, 0),
	    TABLE_ADDED);
	assert_null(table_cache_get(t, TABLE_CACHE_DUMP_V2));
	assert_int_equal(table_cache_put(t, TABLE_CACHE_DUMP_V2, "ef", 2), 0);
	assert_int_equal(table_set(t, 1, 1, "udp", "0.0.0.0.8.1", 0, 0, 0),
	    TABLE_SAME);
	assert_non_null(table_cache_get(t, TABLE_CACHE_DUMP_V2));
	/* the reaper's stamp is no change */
	e = table_find(t, 1, 1, "udp");
	table_touch(t, e, 5);
	assert_non_null(table_cache_get(t, TABLE_CACHE_DUMP_V2));
	table_remove(t, e);
	assert_null(table_cache_get(t, TABLE_CACHE_DUMP_V2));
	assert_int_equal(table_cache_put(t, TABLE_CACHE_DUMP_V2, "", 0), 0);
	c = table_cache_get(t, TABLE_CACHE_DUMP_V2);
	assert_non_null(c);
	assert_int_equal(c->len, 0);
	table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_results),
		cmocka_unit_test(test_set_fields_and_interning),
		cmocka_unit_test(test_invalid_lengths),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_superuser_exempt_from_owner_cap),
		cmocka_unit_test(test_unset_policy),
		cmocka_unit_test(test_unset_all_netids),
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_order_after_removals),
		cmocka_unit_test(test_generation),
		cmocka_unit_test(test_owner_str),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_many_programs),
		cmocka_unit_test(test_port_cached),
		cmocka_unit_test(test_reply_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
