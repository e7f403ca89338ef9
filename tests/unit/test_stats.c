/*
 * test_stats.c - the GETSTAT counters: per-procedure counts, set/unset
 * successes, bounded lookup and remote-call lists, saturation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "pmap_prot.h"
#include "stats.h"

static void
test_init_zero(void **state)
{
	struct stats	st;
	const uint8_t	*p = (const uint8_t *)&st;
	size_t		i;

	(void)state;
	memset(&st, 0xa5, sizeof(st));
	stats_init(&st);
	for (i = 0; i < sizeof(st); i++)
		if (p[i] != 0)
			fail_msg("byte %zu not cleared", i);
}

static void
test_proc_counts(void **state)
{
	static const struct {
		uint32_t vers, proc;
		int	 counted;
	} v[] = {
		{ 2, 0, 1 }, { 2, 5, 1 }, { 3, 8, 1 }, { 4, 12, 1 },
		{ 4, 0, 1 }, { 3, 3, 1 },
		{ 1, 0, 0 }, { 5, 0, 0 }, { 0xffffffffu, 1, 0 },
		{ 4, 13, 0 }, { 2, 0xffffffffu, 0 },
	};
	struct stats	st, before;
	size_t		i;

	(void)state;
	stats_init(&st);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		before = st;
		stats_proc(&st, v[i].vers, v[i].proc);
		if (!v[i].counted) {
			if (memcmp(&before, &st, sizeof(st)) != 0)
				fail_msg("vector %zu changed the counters", i);
			continue;
		}
		assert_int_equal(st.v[v[i].vers - 2].info[v[i].proc],
		    before.v[v[i].vers - 2].info[v[i].proc] + 1);
	}
	assert_int_equal(st.v[0].info[0], 1);
	assert_int_equal(st.v[2].info[12], 1);
	assert_int_equal(st.v[1].info[0], 0);
	stats_proc(NULL, 2, 0);		/* no counters: ignored */
}

static void
test_set_unset(void **state)
{
	struct stats st;

	(void)state;
	stats_init(&st);
	stats_set(&st, 3, 1);
	stats_set(&st, 3, 1);
	stats_set(&st, 3, 0);
	stats_unset(&st, 4, 1);
	stats_unset(&st, 2, 0);
	stats_set(&st, 7, 1);
	assert_int_equal(st.v[1].setinfo, 2);
	assert_int_equal(st.v[2].unsetinfo, 1);
	assert_int_equal(st.v[0].unsetinfo, 0);
	assert_int_equal(st.v[0].setinfo, 0);
	assert_int_equal(st.v[2].setinfo, 0);
}

static void
test_lookup_keys(void **state)
{
	struct stats st;

	(void)state;
	stats_init(&st);
	stats_lookup(&st, 4, 100003, 3, "udp", 1);
	stats_lookup(&st, 4, 100003, 3, "udp", 0);
	stats_lookup(&st, 4, 100003, 3, "udp", 1);
	stats_lookup(&st, 4, 100003, 3, "tcp", 0);
	stats_lookup(&st, 4, 100003, 4, "udp", 1);
	stats_lookup(&st, 3, 100003, 3, "udp", 1);
	stats_lookup(&st, 4, 100005, 1, NULL, 0);
	assert_int_equal(st.v[2].naddr, 4);
	assert_int_equal(st.v[2].addr[0].prog, 100003);
	assert_int_equal(st.v[2].addr[0].vers, 3);
	assert_string_equal(st.v[2].addr[0].netid, "udp");
	assert_int_equal(st.v[2].addr[0].success, 2);
	assert_int_equal(st.v[2].addr[0].failure, 1);
	assert_string_equal(st.v[2].addr[1].netid, "tcp");
	assert_int_equal(st.v[2].addr[1].failure, 1);
	assert_int_equal(st.v[2].addr[2].vers, 4);
	assert_string_equal(st.v[2].addr[3].netid, "");
	assert_int_equal(st.v[1].naddr, 1);
	assert_int_equal(st.v[0].naddr, 0);
}

static void
test_lookup_bounded(void **state)
{
	struct stats	st;
	uint32_t	i;

	(void)state;
	stats_init(&st);
	for (i = 0; i < 1000; i++)
		stats_lookup(&st, 4, 200000 + i, 1, "udp", 0);
	assert_int_equal(st.v[2].naddr, STATS_LIST_MAX);
	assert_int_equal(st.v[2].addr[STATS_LIST_MAX - 1].prog,
	    200000 + STATS_LIST_MAX - 1);
	/* a kept key still counts */
	stats_lookup(&st, 4, 200000, 1, "udp", 1);
	assert_int_equal(st.v[2].addr[0].success, 1);
	assert_int_equal(st.v[2].addr[0].failure, 1);
	/* a long netid is stored cut and still matches itself */
	stats_init(&st);
	stats_lookup(&st, 2, 1, 1, "an-extremely-long-netid-beyond-the-limit", 0);
	stats_lookup(&st, 2, 1, 1, "an-extremely-long-netid-beyond-the-limit", 0);
	assert_int_equal(st.v[0].naddr, 1);
	assert_int_equal(strlen(st.v[0].addr[0].netid), PM_NETID_MAX);
	assert_int_equal(st.v[0].addr[0].failure, 2);
}

static void
test_rmtcall_bounded(void **state)
{
	struct stats	st;
	uint32_t	i;

	(void)state;
	stats_init(&st);
	stats_rmtcall(&st, 2, 100021, 1, 0, "udp", 1, 0);
	stats_rmtcall(&st, 2, 100021, 1, 0, "udp", 0, 0);
	stats_rmtcall(&st, 4, 100021, 1, 0, "udp", 1, 1);
	stats_rmtcall(&st, 4, 100021, 1, 1, "udp", 0, 1);
	assert_int_equal(st.v[0].nrmt, 1);
	assert_int_equal(st.v[0].rmt[0].success, 1);
	assert_int_equal(st.v[0].rmt[0].failure, 1);
	assert_int_equal(st.v[0].rmt[0].indirect, 0);
	assert_int_equal(st.v[2].nrmt, 2);
	assert_int_equal(st.v[2].rmt[0].indirect, 1);
	assert_int_equal(st.v[2].rmt[1].proc, 1);
	assert_string_equal(st.v[2].rmt[1].netid, "udp");
	for (i = 0; i < 1000; i++)
		stats_rmtcall(&st, 3, 300000 + i, 1, 2, "udp6", 0, 0);
	assert_int_equal(st.v[1].nrmt, STATS_LIST_MAX);
	stats_rmtcall(&st, 9, 1, 1, 1, "udp", 1, 0);	/* ignored */
}

static void
test_saturation(void **state)
{
	struct stats st;

	(void)state;
	stats_init(&st);
	st.v[0].info[3] = INT32_MAX;
	st.v[1].setinfo = INT32_MAX;
	stats_proc(&st, 2, 3);
	stats_set(&st, 3, 1);
	assert_int_equal(st.v[0].info[3], INT32_MAX);
	assert_int_equal(st.v[1].setinfo, INT32_MAX);
	stats_lookup(&st, 4, 1, 1, "udp", 1);
	st.v[2].addr[0].success = INT32_MAX;
	stats_lookup(&st, 4, 1, 1, "udp", 1);
	assert_int_equal(st.v[2].addr[0].success, INT32_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_zero),
		cmocka_unit_test(test_proc_counts),
		cmocka_unit_test(test_set_unset),
		cmocka_unit_test(test_lookup_keys),
		cmocka_unit_test(test_lookup_bounded),
		cmocka_unit_test(test_rmtcall_bounded),
		cmocka_unit_test(test_saturation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
