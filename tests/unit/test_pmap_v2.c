/*
 * test_pmap_v2.c - PMAP version 2 through dispatch(): SET, UNSET, GETPORT,
 * DUMP with good arguments, short and long requests, the access policy,
 * and the v2 view of the one table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

#define UDP	IPPROTO_UDP_NUM
#define TCP	IPPROTO_TCP_NUM
#define P	200100u

static int
setup(void **state)
{
	*state = tu_new(1);
	return 0;
}

static int
teardown(void **state)
{
	tu_free(*state);
	return 0;
}

static uint32_t
getport(struct tu *t, uint32_t prog, uint32_t vers, uint32_t prot)
{
	return tu_map_u32(t, TU_REMOTE, PMAPPROC_GETPORT, prog, vers, prot, 0);
}

static void
test_set_getport_dump(void **state)
{
	struct tu	*t = *state;
	struct tu_pmap	 v[64];
	const struct table_entry *te;
	size_t		 n;

	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 1, UDP,
	    700), 1);
	assert_int_equal(t->ctx.changed, 1);
	assert_int_equal(tu_map_u32(t, TU_LO_TCP_PRIV, PMAPPROC_SET, P, 1, TCP,
	    701), 1);
	assert_int_equal(tu_map_u32(t, TU_LOCAL_USER, PMAPPROC_SET, P, 2, UDP,
	    40000), 1);
	assert_int_equal(getport(t, P, 1, UDP), 700);
	assert_int_equal(getport(t, P, 1, TCP), 701);
	assert_int_equal(getport(t, P, 2, UDP), 40000);
	assert_int_equal(getport(t, PMAP_PROG, 2, UDP), 111);
	assert_int_equal(getport(t, PMAP_PROG, 4, TCP), 111);

	/* stored as the table's udp/tcp entries, owned by the caller */
	te = table_find(t->table, P, 1, "udp");
	assert_non_null(te);
	assert_string_equal(te->uaddr, "0.0.0.0.2.188");
	assert_int_equal(te->owner, OWNER_SUPERUSER);
	assert_int_equal(te->flags & TE_REMOTE, 0);
	te = table_find(t->table, P, 2, "udp");
	assert_non_null(te);
	assert_int_equal(te->owner, 1000);
	assert_int_equal(te->pid, 43);
	assert_true(te->flags & TE_LOCAL);

	n = tu_v2_dump(t, TU_REMOTE, v, 64);
	assert_int_equal(n, 6 + 3);
	assert_int_equal(tu_v2_find(v, n, P, 1, UDP), 700);
	assert_int_equal(tu_v2_find(v, n, P, 1, TCP), 701);
	assert_int_equal(tu_v2_find(v, n, P, 2, UDP), 40000);
	assert_int_equal(tu_v2_find(v, n, P, 2, TCP), -1);
	assert_int_equal(tu_v2_find(v, n, PMAP_PROG, 2, UDP), 111);
	assert_int_equal(tu_v2_find(v, n, PMAP_PROG, 3, TCP), 111);
	assert_int_equal(tu_v2_find(v, n, PMAP_PROG, 4, UDP), 111);

	/* counters: 3 SETs, 5 GETPORTs (lookups kept), 1 DUMP */
	assert_int_equal(t->stats.v[0].info[PMAPPROC_SET], 3);
	assert_int_equal(t->stats.v[0].setinfo, 3);
	assert_int_equal(t->stats.v[0].info[PMAPPROC_GETPORT], 5);
	assert_int_equal(t->stats.v[0].info[PMAPPROC_DUMP], 1);
	assert_int_equal(t->stats.v[0].naddr, 5);
	assert_int_equal(t->stats.v[0].addr[0].success, 1);
}

/*
 * Every procedure with arguments, cut by 1 to 4 bytes or followed by 1 to
 * 4 more: GARBAGE_ARGS, and the table is untouched.
 */
static void
test_garbage(void **state)
{
	static const uint32_t procs[] = { PMAPPROC_SET, PMAPPROC_UNSET,
	    PMAPPROC_GETPORT };
	struct tu	*t = *state;
	size_t		 i, k, count = table_count(t->table);
	uint64_t	 gen = table_generation(t->table);

	for (i = 0; i < 3; i++) {
		for (k = 1; k <= 4; k++) {
			tu_put_map(tu_call(t, 2, procs[i]), P, 1, UDP, 2000);
			tu_send_ex(t, TU_LO_PRIV, k, 0, TU_REPLY_MAX);
			tu_expect_accept(t, ACC_GARBAGE_ARGS);
			tu_put_map(tu_call(t, 2, procs[i]), P, 1, UDP, 2000);
			tu_send_ex(t, TU_LO_PRIV, 0, k, TU_REPLY_MAX);
			tu_expect_accept(t, ACC_GARBAGE_ARGS);
		}
		/* no arguments at all */
		tu_call(t, 2, procs[i]);
		tu_send(t, TU_LO_PRIV);
		tu_expect_accept(t, ACC_GARBAGE_ARGS);
	}
	for (k = 1; k <= 4; k++) {
		tu_call(t, 2, PMAPPROC_DUMP);
		tu_send_ex(t, TU_LO_PRIV, 0, k, TU_REPLY_MAX);
		tu_expect_accept(t, ACC_GARBAGE_ARGS);
	}
	assert_int_equal(table_count(t->table), count);
	assert_int_equal(table_generation(t->table), gen);
	assert_int_equal(t->stats.garbage, 3 * 9 + 4);
	assert_int_equal(t->ctx.changed, 0);
}

/* Who may SET and UNSET. */
static void
test_policy(void **state)
{
	static const struct {
		enum tu_who	w;
		int		insecure;
		uint32_t	port;
		int		want;	/* -1 TOOWEAK, else the bool */
	} v[] = {
		{ TU_REMOTE, 0, 2000, -1 },
		{ TU_REMOTE_TCP, 0, 2000, -1 },
		{ TU_LAN, 0, 2000, -1 },
		{ TU_REMOTE, 0, 99, -1 },		/* policy first */
		{ TU_REMOTE, 1, 2000, 1 },
		{ TU_REMOTE, 1, 700, 0 },		/* not root by port */
		{ TU_LO_UNPRIV, 0, 700, 0 },
		{ TU_LO_UNPRIV, 0, 1023, 0 },
		{ TU_LO_UNPRIV, 0, 1024, 1 },
		{ TU_LO6, 0, 600, 0 },
		{ TU_LO6_TCP, 0, 600, 1 },
		{ TU_LOCAL_USER, 0, 111, 0 },
		{ TU_LOCAL_NOCRED, 0, 700, 0 },
		{ TU_LOCAL_ROOT, 0, 700, 1 },
		{ TU_LO_PRIV, 0, 1, 1 },
		{ TU_MAPPED, 0, 800, 1 },
	};
	struct tu	*t = *state;
	const struct table_entry *te;
	size_t		 i;
	uint32_t	 prog;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		prog = P + (uint32_t)i;
		t->cfg.insecure = v[i].insecure;
		tu_map(t, v[i].w, PMAPPROC_SET, prog, 1, UDP, v[i].port);
		if (v[i].want == -1) {
			tu_expect_auth_error(t, AUTH_TOOWEAK_STAT);
			assert_null(table_find(t->table, prog, 1, "udp"));
			continue;
		}
		if (tu_expect_u32(t) != (uint32_t)v[i].want)
			fail_msg("vector %zu: SET said %d", i, !v[i].want);
		te = table_find(t->table, prog, 1, "udp");
		if (!v[i].want) {
			assert_null(te);
			continue;
		}
		assert_non_null(te);
		assert_int_equal(getport(t, prog, 1, UDP), v[i].port);
		assert_int_equal(!!(te->flags & TE_REMOTE), v[i].insecure);
		if (v[i].insecure)
			assert_int_equal(te->owner, OWNER_UNKNOWN);
	}
	/* UNSET from another host: refused, nothing removed */
	t->cfg.insecure = 0;
	tu_map(t, TU_REMOTE, PMAPPROC_UNSET, P + 13, 1, UDP, 0);
	tu_expect_auth_error(t, AUTH_TOOWEAK_STAT);
	assert_non_null(table_find(t->table, P + 13, 1, "udp"));
	assert_int_equal(t->stats.denied, 5);
	/* with -i, an unknown remote may remove what unknown callers own */
	t->cfg.insecure = 1;
	assert_int_equal(tu_map_u32(t, TU_REMOTE, PMAPPROC_UNSET, P + 13, 1,
	    UDP, 0), 0);
	assert_non_null(table_find(t->table, P + 13, 1, "udp"));
	assert_int_equal(tu_map_u32(t, TU_REMOTE, PMAPPROC_UNSET, P + 4, 1,
	    UDP, 0), 1);
	assert_null(table_find(t->table, P + 4, 1, "udp"));
}

static void
test_same_conflict_bad(void **state)
{
	struct tu *t = *state;

	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 1, UDP,
	    2049), 1);
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 1, UDP,
	    2049), 1);
	assert_int_equal(t->ctx.changed, 0);
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 1, UDP,
	    2050), 0);
	assert_int_equal(getport(t, P, 1, UDP), 2049);
	/* another protocol, a port past 65535 */
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 1, 99,
	    2049), 0);
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 2, UDP,
	    65536), 0);
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 2, TCP,
	    0xffffffffu), 0);
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 2, UDP,
	    65535), 1);
	assert_int_equal(getport(t, P, 2, UDP), 65535);
	assert_int_equal(getport(t, P, 1, 99), 0);
	assert_int_equal(getport(t, P, 2, TCP), 0);
	/* the port mapper's own entries are not anyone's to change */
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, PMAP_PROG, 5,
	    UDP, 2000), 0);
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_UNSET, PMAP_PROG, 2,
	    UDP, 0), 0);
	assert_int_equal(getport(t, PMAP_PROG, 2, UDP), 111);
	assert_int_equal(getport(t, PMAP_PROG, 2, TCP), 111);
	/* ... but setting one to the address it has is TRUE (idempotent) */
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, PMAP_PROG, 2,
	    UDP, 111), 1);
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, PMAP_PROG, 2,
	    UDP, 112), 0);
	assert_int_equal(getport(t, PMAP_PROG, 2, UDP), 111);
	assert_int_equal(t->stats.v[0].setinfo, 4);
}

static void
test_unset(void **state)
{
	struct tu *t = *state;

	/* uid 1000 owns udp and tcp of (P, 1), root owns tcp of (P, 2) */
	assert_int_equal(tu_map_u32(t, TU_LOCAL_USER, PMAPPROC_SET, P, 1, UDP,
	    5000), 1);
	assert_int_equal(tu_map_u32(t, TU_LOCAL_USER, PMAPPROC_SET, P, 1, TCP,
	    5001), 1);
	assert_int_equal(tu_map_u32(t, TU_LOCAL_USER, PMAPPROC_SET, P, 2, UDP,
	    5002), 1);
	assert_int_equal(tu_map_u32(t, TU_LOCAL_ROOT, PMAPPROC_SET, P, 2, TCP,
	    5003), 1);
	/* v3 entries on other netids are not v2's to remove */
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_USER, 3, RPCBPROC_SET, P, 1,
	    "udp6", "::.19.140"), 1);

	/* not the owner: refused, nothing removed */
	assert_int_equal(tu_map_u32(t, TU_LO_UNPRIV, PMAPPROC_UNSET, P, 1, UDP,
	    0), 0);
	assert_int_equal(getport(t, P, 1, UDP), 5000);
	assert_int_equal(getport(t, P, 1, TCP), 5001);
	/* owner of one of the two: refused as a whole */
	assert_int_equal(tu_map_u32(t, TU_LOCAL_USER, PMAPPROC_UNSET, P, 2, TCP,
	    0), 0);
	assert_int_equal(getport(t, P, 2, UDP), 5002);
	assert_int_equal(getport(t, P, 2, TCP), 5003);
	assert_int_equal(t->ctx.changed, 0);
	/* the owner; prot and port do not matter: both go */
	assert_int_equal(tu_map_u32(t, TU_LOCAL_USER, PMAPPROC_UNSET, P, 1, 99,
	    12345), 1);
	assert_int_equal(t->ctx.changed, 1);
	/* (GETPORT would now fall back to version 2) */
	assert_null(table_find(t->table, P, 1, "udp"));
	assert_null(table_find(t->table, P, 1, "tcp"));
	assert_int_equal(getport(t, P, 1, UDP), 5002);
	assert_int_equal(getport(t, P, 1, TCP), 5003);
	assert_non_null(table_find(t->table, P, 1, "udp6"));
	/* the superuser by reserved port */
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_UNSET, P, 2, UDP,
	    0), 1);
	assert_null(table_find(t->table, P, 2, "udp"));
	assert_null(table_find(t->table, P, 2, "tcp"));
	/* nothing there: TRUE, nothing changed */
	assert_int_equal(tu_map_u32(t, TU_LO_UNPRIV, PMAPPROC_UNSET, P, 9, UDP,
	    0), 1);
	assert_int_equal(t->ctx.changed, 0);
	assert_int_equal(t->stats.v[0].unsetinfo, 3);
}

/* GETPORT answers for any version when the one asked for is missing. */
static void
test_getport_fallback(void **state)
{
	struct tu *t = *state;

	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 1, UDP,
	    3001), 1);
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 3, UDP,
	    3003), 1);
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 5, TCP,
	    3005), 1);
	assert_int_equal(getport(t, P, 1, UDP), 3001);
	assert_int_equal(getport(t, P, 2, UDP), 3003);
	assert_int_equal(getport(t, P, 9, UDP), 3003);
	assert_int_equal(getport(t, P, 1, TCP), 3005);
	assert_int_equal(getport(t, P + 1, 1, UDP), 0);
	/* a v3 registration on udp6 only is not a v2 port */
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 3, RPCBPROC_SET, P + 2,
	    1, "udp6", "::.12.34"), 1);
	assert_int_equal(getport(t, P + 2, 1, UDP), 0);
}

/* DUMP is derived from the one table: udp and tcp only. */
static void
test_dump_view(void **state)
{
	struct tu	*t = *state;
	struct tu_pmap	 v[64];
	size_t		 n;

	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 4, RPCBPROC_SET, P, 1,
	    "udp", "0.0.0.0.8.1"), 1);
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 4, RPCBPROC_SET, P, 1,
	    "tcp6", "::.8.2"), 1);
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 4, RPCBPROC_SET, P, 1,
	    "local", "/run/p.sock"), 1);
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 4, RPCBPROC_SET, P, 2,
	    "tcp", "10.9.9.1.8.3"), 1);
	n = tu_v2_dump(t, TU_LO_UNPRIV, v, 64);
	assert_int_equal(n, 6 + 2);
	assert_int_equal(tu_v2_find(v, n, P, 1, UDP), 0x801);
	assert_int_equal(tu_v2_find(v, n, P, 1, TCP), -1);
	assert_int_equal(tu_v2_find(v, n, P, 2, TCP), 0x803);
	/* the DUMP of an empty table is a lone FALSE */
	tu_free(t);
	*state = t = tu_new(0);
	assert_int_equal(tu_v2_dump(t, TU_LO_UNPRIV, v, 64), 0);
	assert_int_equal(t->rep.len, 28);
}

/* DUMP's body is encoded once per change: a cached one equals a fresh one. */
static void
test_dump_cached(void **state)
{
	struct tu	*t = *state;
	struct tu_pmap	 v[64], w[64];
	size_t		 n, m;

	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 1, UDP,
	    700), 1);
	assert_null(table_cache_get(t->table, TABLE_CACHE_DUMP_V2));
	n = tu_v2_dump(t, TU_REMOTE, v, 64);
	assert_non_null(table_cache_get(t->table, TABLE_CACHE_DUMP_V2));
	m = tu_v2_dump(t, TU_LO_PRIV, w, 64);
	assert_int_equal(m, n);
	assert_memory_equal(v, w, n * sizeof(v[0]));
	assert_int_equal(tu_v2_find(w, m, P, 1, UDP), 700);
	/* a change: the next DUMP shows it */
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 2, UDP,
	    701), 1);
	m = tu_v2_dump(t, TU_REMOTE, w, 64);
	assert_int_equal(m, n + 1);
	assert_int_equal(tu_v2_find(w, m, P, 2, UDP), 701);
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_UNSET, P, 1, UDP,
	    0), 1);
	m = tu_v2_dump(t, TU_REMOTE, w, 64);
	assert_int_equal(m, n);
	assert_int_equal(tu_v2_find(w, m, P, 1, UDP), -1);
	assert_int_equal(tu_v2_find(w, m, P, 2, UDP), 701);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_set_getport_dump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_cached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_conflict_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_getport_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_view, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
