/*
 * test_restricted.c - what a host the access lists deny gets (caller
 * restricted, set by the shell from acl_check()), every procedure side by
 * side with what the same host gets when allowed, so that each check can
 * fail; and the anti-amplification limit (acl_udp_reply_max()) applied
 * through dispatch: a DUMP or GETSTAT larger than the request becomes
 * SYSTEM_ERR, never more bytes than came in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "acl.h"
#include "testutil.h"

#define PROG	300000u

/* Send the request built in t->req as the LAN host, denied or not. */
static int
send_as(struct tu *t, int restricted, size_t maxreply)
{
	struct caller c = tu_caller(TU_LAN);

	c.restricted = restricted;
	xdr_enc_free(&t->rep);
	xdr_enc_init_grow(&t->rep, maxreply);
	t->sent = dispatch(&t->ctx, &c, t->req.buf, t->req.len, &t->rep);
	return t->sent;
}

static int
setup(void **state)
{
	struct tu *t = tu_new(1);

	assert_int_equal(table_set(t->table, PROG, 1, "udp", "0.0.0.0.4.1",
	    OWNER_SUPERUSER, 0, 0), TABLE_ADDED);
	assert_int_equal(table_set(t->table, PROG, 1, "tcp", "0.0.0.0.4.2",
	    OWNER_SUPERUSER, 0, 0), TABLE_ADDED);
	t->cfg.forwarding = 1;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	tu_free(*state);
	return 0;
}

/* Entries in a list reply (bool-linked), d at the first bool. */
static unsigned
count_list(struct xdr_dec *d, unsigned words_per_entry, int strings)
{
	uint32_t	more, w;
	unsigned	n = 0, i;
	char		s[256];

	for (;;) {
		assert_int_equal(xdr_get_u32(d, &more), 0);
		if (!more)
			return n;
		n++;
		for (i = 0; i < words_per_entry; i++)
			assert_int_equal(xdr_get_u32(d, &w), 0);
		for (i = 0; i < (unsigned)strings; i++)
			assert_int_equal(xdr_get_string(d, s, sizeof(s), 255,
			    NULL), 0);
	}
}

static void
test_v2(void **state)
{
	struct tu	*t = *state;
	struct xdr_dec	 d;
	int		 r;

	/* NULL is answered */
	for (r = 0; r <= 1; r++) {
		tu_call(t, PMAP_VERS, PMAPPROC_NULL);
		assert_int_equal(send_as(t, r, TU_REPLY_MAX), 1);
		tu_expect_accept(t, ACC_SUCCESS);
	}
	/* GETPORT: the port, or 0 */
	tu_put_map(tu_call(t, PMAP_VERS, PMAPPROC_GETPORT), PROG, 1, 17, 0);
	assert_int_equal(send_as(t, 0, TU_REPLY_MAX), 1);
	assert_int_equal(tu_expect_u32(t), 0x401);
	assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 1);
	assert_int_equal(tu_expect_u32(t), 0);
	tu_put_map(tu_call(t, PMAP_VERS, PMAPPROC_GETPORT), PMAP_PROG, 2, 6, 0);
	assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 1);
	assert_int_equal(tu_expect_u32(t), 0);
	/* DUMP: the list, or an empty one */
	tu_call(t, PMAP_VERS, PMAPPROC_DUMP);
	assert_int_equal(send_as(t, 0, TU_REPLY_MAX), 1);
	tu_success(t, &d);
	assert_int_equal(count_list(&d, 4, 0), 8);	/* 6 ours + 2 */
	assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 1);
	tu_success(t, &d);
	assert_int_equal(count_list(&d, 4, 0), 0);
	assert_int_equal(d.left, 0);
	/* SET and UNSET: refused even when -i lets other hosts in */
	t->cfg.insecure = 1;
	tu_put_map(tu_call(t, PMAP_VERS, PMAPPROC_SET), PROG + 1, 1, 17, 2000);
	assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 1);
	tu_expect_auth_error(t, AUTH_TOOWEAK_STAT);
	assert_null(table_find(t->table, PROG + 1, 1, "udp"));
	assert_int_equal(send_as(t, 0, TU_REPLY_MAX), 1);
	assert_int_equal(tu_expect_u32(t), 1);
	assert_non_null(table_find(t->table, PROG + 1, 1, "udp"));
	tu_put_map(tu_call(t, PMAP_VERS, PMAPPROC_UNSET), PROG + 1, 1, 17, 0);
	assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 1);
	tu_expect_auth_error(t, AUTH_TOOWEAK_STAT);
	assert_non_null(table_find(t->table, PROG + 1, 1, "udp"));
	t->cfg.insecure = 0;
	/* CALLIT: silence, and nothing forwarded */
	tu_put_map(tu_call(t, PMAP_VERS, PMAPPROC_CALLIT), PROG, 1, 7, 0);
	t->fwd_calls = 0;
	assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 0);
	assert_int_equal(t->fwd_calls, 0);
	assert_int_equal(send_as(t, 0, TU_REPLY_MAX), 0);
	assert_int_equal(t->fwd_calls, 1);
}

static void
test_v34(void **state)
{
	struct tu	*t = *state;
	struct xdr_dec	 d;
	char		 s[256];
	uint32_t	 w, now;
	unsigned	 i, nonzero;
	int		 r;

	/* GETADDR and GETVERSADDR: the merged address, or "" */
	tu_put_rpcb(tu_call(t, RPCBVERS_3, RPCBPROC_GETADDR), PROG, 1, "udp",
	    "", "x");
	assert_int_equal(send_as(t, 0, TU_REPLY_MAX), 1);
	tu_expect_string(t, s, sizeof(s));
	assert_string_equal(s, "10.9.9.1.4.1");
	assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 1);
	tu_expect_string(t, s, sizeof(s));
	assert_string_equal(s, "");
	tu_put_rpcb(tu_call(t, RPCBVERS_4, RPCBPROC_GETVERSADDR), PROG, 1,
	    "udp", "", "x");
	assert_int_equal(send_as(t, 0, TU_REPLY_MAX), 1);
	tu_expect_string(t, s, sizeof(s));
	assert_string_equal(s, "10.9.9.1.4.1");
	assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 1);
	tu_expect_string(t, s, sizeof(s));
	assert_string_equal(s, "");
	/* GETADDRLIST: entries, or none */
	tu_put_rpcb(tu_call(t, RPCBVERS_4, RPCBPROC_GETADDRLIST), PROG, 1,
	    "udp", "", "x");
	assert_int_equal(send_as(t, 0, TU_REPLY_MAX), 1);
	tu_success(t, &d);
	assert_int_equal(xdr_get_u32(&d, &w), 0);
	assert_int_equal(w, 1);		/* at least one entry when allowed */
	assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 1);
	tu_success(t, &d);
	assert_int_equal(xdr_get_u32(&d, &w), 0);
	assert_int_equal(w, 0);
	assert_int_equal(d.left, 0);
	/* DUMP (v3 and v4): the list, or an empty one */
	for (i = RPCBVERS_3; i <= RPCBVERS_4; i++) {
		tu_call(t, i, RPCBPROC_DUMP);
		assert_int_equal(send_as(t, 0, TU_REPLY_MAX), 1);
		tu_success(t, &d);
		assert_int_equal(count_list(&d, 2, 3), 16);	/* 14 ours + 2 */
		assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 1);
		tu_success(t, &d);
		assert_int_equal(count_list(&d, 2, 3), 0);
		assert_int_equal(d.left, 0);
	}
	/* GETSTAT: counters, or zeros */
	tu_call(t, RPCBVERS_4, RPCBPROC_GETSTAT);
	assert_int_equal(send_as(t, 0, TU_REPLY_MAX), 1);
	tu_success(t, &d);
	for (nonzero = 0, r = 0; r < 3; r++) {
		for (i = 0; i < RPCBSTAT_HIGHPROC + 2; i++) {
			assert_int_equal(xdr_get_u32(&d, &w), 0);
			nonzero += w != 0;
		}
		nonzero += count_list(&d, 4, 1);
		nonzero += count_list(&d, 6, 1);
	}
	assert_true(nonzero > 0);	/* the calls above were counted */
	assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 1);
	tu_success(t, &d);
	for (r = 0; r < 3; r++) {
		for (i = 0; i < RPCBSTAT_HIGHPROC + 2; i++) {
			assert_int_equal(xdr_get_u32(&d, &w), 0);
			assert_int_equal(w, 0);
		}
		assert_int_equal(count_list(&d, 4, 1), 0);
		assert_int_equal(count_list(&d, 6, 1), 0);
	}
	assert_int_equal(d.left, 0);
	/* GETTIME is answered */
	tu_call(t, RPCBVERS_3, RPCBPROC_GETTIME);
	assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 1);
	now = tu_expect_u32(t);
	assert_int_equal(now, TU_NOW);
	/* SET refused even with -i */
	t->cfg.insecure = 1;
	tu_put_rpcb(tu_call(t, RPCBVERS_4, RPCBPROC_SET), PROG + 2, 1, "udp",
	    "10.9.9.7.8.1", "x");
	assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 1);
	tu_expect_auth_error(t, AUTH_TOOWEAK_STAT);
	assert_null(table_find(t->table, PROG + 2, 1, "udp"));
	tu_put_rpcb(tu_call(t, RPCBVERS_4, RPCBPROC_UNSET), PROG, 1, "", "",
	    "x");
	assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 1);
	tu_expect_auth_error(t, AUTH_TOOWEAK_STAT);
	assert_non_null(table_find(t->table, PROG, 1, "udp"));
	t->cfg.insecure = 0;
}

/* BCAST and INDIRECT: silent, whatever an allowed host would get. */
static void
test_rmtcalls(void **state)
{
	struct tu	*t = *state;
	struct xdr_enc	*e;

	/* INDIRECT to an unregistered program: PROG_UNAVAIL, or silence */
	e = tu_call(t, RPCBVERS_4, RPCBPROC_INDIRECT);
	xdr_put_u32(e, PROG + 9);
	xdr_put_u32(e, 1);
	xdr_put_u32(e, 1);
	xdr_put_opaque(e, NULL, 0);
	assert_int_equal(send_as(t, 0, TU_REPLY_MAX), 1);
	tu_expect_accept(t, ACC_PROG_UNAVAIL);
	assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 0);
	/* to a registered one: forwarded, or silence and not forwarded */
	e = tu_call(t, RPCBVERS_4, RPCBPROC_BCAST);
	xdr_put_u32(e, PROG);
	xdr_put_u32(e, 1);
	xdr_put_u32(e, 1);
	xdr_put_opaque(e, "ab", 2);
	t->fwd_calls = 0;
	assert_int_equal(send_as(t, 1, TU_REPLY_MAX), 0);
	assert_int_equal(t->fwd_calls, 0);
	assert_int_equal(send_as(t, 0, TU_REPLY_MAX), 0);
	assert_int_equal(t->fwd_calls, 1);
}

/*
 * Anti-amplification through dispatch: with the reply limited to the
 * request's size, a non-local UDP client never gets more than it sent;
 * a DUMP that does not fit is SYSTEM_ERR.  Loopback keeps the full size.
 */
static void
test_amplification(void **state)
{
	struct tu		*t = *state;
	struct caller		 c;
	struct acl		*a;
	size_t			 max;
	uint32_t		 procs[][2] = {
		{ PMAP_VERS, PMAPPROC_DUMP }, { RPCBVERS_3, RPCBPROC_DUMP },
		{ RPCBVERS_4, RPCBPROC_DUMP }, { RPCBVERS_4, RPCBPROC_GETSTAT },
	};
	size_t			 i;

	assert_non_null(a = acl_new());
	for (i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
		tu_call(t, procs[i][0], procs[i][1]);
		/* a host out there */
		c = tu_caller(TU_LAN);
		max = acl_udp_reply_max(a, (const struct sockaddr *)&c.peer,
		    t->req.len);
		assert_int_equal(max, t->req.len);
		xdr_enc_free(&t->rep);
		xdr_enc_init_grow(&t->rep, max);
		assert_int_equal(dispatch(&t->ctx, &c, t->req.buf, t->req.len,
		    &t->rep), 1);
		t->sent = 1;
		assert_true(t->rep.len <= t->req.len);
		tu_expect_accept(t, ACC_SYSTEM_ERR);
		/* this host: the whole answer */
		c = tu_caller(TU_LO_UNPRIV);
		max = acl_udp_reply_max(a, (const struct sockaddr *)&c.peer,
		    t->req.len);
		assert_int_equal(max, PM_UDP_MAX);
		xdr_enc_free(&t->rep);
		xdr_enc_init_grow(&t->rep, max);
		assert_int_equal(dispatch(&t->ctx, &c, t->req.buf, t->req.len,
		    &t->rep), 1);
		assert_true(t->rep.len > t->req.len);
	}
	/* a network let in by --amp-allow gets the whole answer too */
	assert_int_equal(acl_add(a, ACL_AMP, "10.9.9.0/24"), 0);
	tu_call(t, RPCBVERS_3, RPCBPROC_DUMP);
	c = tu_caller(TU_LAN);
	max = acl_udp_reply_max(a, (const struct sockaddr *)&c.peer, t->req.len);
	xdr_enc_free(&t->rep);
	xdr_enc_init_grow(&t->rep, max);
	assert_int_equal(dispatch(&t->ctx, &c, t->req.buf, t->req.len,
	    &t->rep), 1);
	assert_true(t->rep.len > t->req.len);
	acl_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_v2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v34, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rmtcalls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_amplification, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
