/*
 * test_lookup.c - the shell's hooks into dispatch for the reaper: the
 * lookup check (GETPORT, GETADDR, GETVERSADDR hand their entry to
 * ctx->check, which may remove it; the lookup is then made again) and the
 * registrant's network namespace (caller.netns) stored by an AF_LOCAL SET.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "procs.h"
#include "testutil.h"

#define UDP	IPPROTO_UDP_NUM
#define P	200400u

/* The fake reaper: entries whose port is "dead" are removed. */
struct chk {
	struct tu	*t;
	int		 calls;
	int		 dead_port;	/* remove entries on this port */
	int		 lie;		/* say "removed" without removing */
};

static int
chk_fn(void *arg, const struct table_entry *e)
{
	struct chk *k = arg;

	k->calls++;
	if (k->lie)
		return 1;
	if (uaddr_port(e->uaddr) == k->dead_port) {
		table_remove(k->t->table, e);
		return 1;
	}
	return 0;
}

static int
setup(void **state)
{
	struct chk *k = calloc(1, sizeof(*k));

	assert_non_null(k);
	k->t = tu_new(1);
	k->t->ctx.check = chk_fn;
	k->t->ctx.check_arg = k;
	*state = k;
	return 0;
}

static int
teardown(void **state)
{
	struct chk *k = *state;

	tu_free(k->t);
	free(k);
	return 0;
}

static uint32_t
getport(struct tu *t, uint32_t prog, uint32_t vers)
{
	return tu_map_u32(t, TU_LO_UNPRIV, PMAPPROC_GETPORT, prog, vers, UDP, 0);
}

/* A live entry is answered; a dead one goes and the fallback answers. */
static void
test_getport_checked(void **state)
{
	struct chk	*k = *state;
	struct tu	*t = k->t;

	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 1, UDP,
	    3001), 1);
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 3, UDP,
	    3003), 1);
	k->dead_port = 9999;
	assert_int_equal(getport(t, P, 1), 3001);
	assert_int_equal(k->calls, 1);
	/* v1 dies: the lookup removes it and falls back to v3 */
	k->dead_port = 3001;
	k->calls = 0;
	assert_int_equal(getport(t, P, 1), 3003);
	assert_int_equal(k->calls, 2);
	assert_null(table_find(t->table, P, 1, "udp"));
	assert_non_null(table_find(t->table, P, 3, "udp"));
	/* v3 dies too: nothing left, port 0 */
	k->dead_port = 3003;
	assert_int_equal(getport(t, P, 1), 0);
	assert_null(table_find(t->table, P, 3, "udp"));
	/* no hook: answered unchecked */
	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 1, UDP,
	    3003), 1);
	t->ctx.check = NULL;
	k->calls = 0;
	assert_int_equal(getport(t, P, 1), 3003);
	assert_int_equal(k->calls, 0);
}

static void
test_getaddr_checked(void **state)
{
	struct chk	*k = *state;
	struct tu	*t = k->t;

	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 3, RPCBPROC_SET, P, 1,
	    "udp", "127.0.0.1.11.185"), 1);		/* port 3001 */
	assert_int_equal(tu_rpcb_bool(t, TU_LOCAL_ROOT, 3, RPCBPROC_SET, P, 2,
	    "udp", "127.0.0.1.11.187"), 1);		/* port 3003 */
	k->dead_port = 9999;
	assert_string_equal(tu_lookup(t, TU_LO_UNPRIV, 4, RPCBPROC_GETVERSADDR,
	    P, 1, "udp", ""), "127.0.0.1.11.185");
	k->dead_port = 3001;
	/* GETVERSADDR: exact, so nothing once v1 is gone */
	assert_string_equal(tu_lookup(t, TU_LO_UNPRIV, 4, RPCBPROC_GETVERSADDR,
	    P, 1, "udp", ""), "");
	assert_null(table_find(t->table, P, 1, "udp"));
	/* GETADDR falls back to v2; and v2 dying leaves "" */
	assert_string_equal(tu_lookup(t, TU_LO_UNPRIV, 3, RPCBPROC_GETADDR,
	    P, 1, "udp", ""), "127.0.0.1.11.187");
	k->dead_port = 3003;
	assert_string_equal(tu_lookup(t, TU_LO_UNPRIV, 3, RPCBPROC_GETADDR,
	    P, 1, "udp", ""), "");
	assert_int_equal(table_count(t->table), 14);	/* the built-ins */
}

/* A hook that keeps saying "removed" cannot make a lookup loop for ever. */
static void
test_check_bounded(void **state)
{
	struct chk	*k = *state;
	struct tu	*t = k->t;

	assert_int_equal(tu_map_u32(t, TU_LO_PRIV, PMAPPROC_SET, P, 1, UDP,
	    3001), 1);
	k->lie = 1;
	assert_int_equal(getport(t, P, 1), 3001);
	assert_true(k->calls >= 1 && k->calls <= 16);
}

/* SET over AF_LOCAL stores the namespace flag the shell found; IP never. */
static void
test_set_netns(void **state)
{
	struct chk	*k = *state;
	struct tu	*t = k->t;
	const struct table_entry *e;
	struct caller	 c;

	c = tu_caller(TU_LOCAL_USER);
	c.netns = TE_NETNS_OTHER | 0x1000u;	/* stray bits are not copied */
	tu_put_rpcb(tu_call(t, 4, RPCBPROC_SET), P, 1, "tcp",
	    "0.0.0.0.156.64", "x");
	t->sent = dispatch(&t->ctx, &c, t->req.buf, t->req.len, &t->rep);
	assert_int_equal(tu_expect_u32(t), 1);
	assert_non_null(e = table_find(t->table, P, 1, "tcp"));
	assert_int_equal(e->flags, TE_LOCAL | TE_NETNS_OTHER);
	assert_int_equal(e->pid, 43);

	c = tu_caller(TU_LOCAL_ROOT);
	c.netns = TE_NETNS_SAME;
	tu_put_rpcb(tu_call(t, 4, RPCBPROC_SET), P, 2, "tcp",
	    "0.0.0.0.156.65", "x");
	t->sent = dispatch(&t->ctx, &c, t->req.buf, t->req.len, &t->rep);
	assert_int_equal(tu_expect_u32(t), 1);
	assert_non_null(e = table_find(t->table, P, 2, "tcp"));
	assert_int_equal(e->flags, TE_LOCAL | TE_NETNS_SAME);

	/* over IP the field means nothing */
	c = tu_caller(TU_LO_PRIV);
	c.netns = TE_NETNS_OTHER;
	tu_put_map(tu_call(t, PMAP_VERS, PMAPPROC_SET), P, 3, UDP, 700);
	t->sent = dispatch(&t->ctx, &c, t->req.buf, t->req.len, &t->rep);
	assert_int_equal(tu_expect_u32(t), 1);
	assert_non_null(e = table_find(t->table, P, 3, "udp"));
	assert_int_equal(e->flags, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_getport_checked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_getaddr_checked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_check_bounded, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_set_netns, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
