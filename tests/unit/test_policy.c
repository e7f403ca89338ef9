/*
 * test_policy.c - the daemon's gate for calls from the network: option
 * parsing (good values and every kind of bad one), local callers passing
 * untouched, the access lists setting caller.restricted, the UDP reply
 * cap (never for TCP, never above what the transport allows), the rate
 * limit per source with the clock passed in, and a reload that keeps the
 * old policy when the new one fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "log.h"
#include "policy.h"
#include "testutil.h"

static struct policy_opts	opts;

static void
test_options(void **state)
{
	struct policy_opts	o;

	memset(&o, 0, sizeof(o));
	assert_int_equal(policy_option(&o, POLICY_OPT_ALLOW, "10.0.0.0/8"), 0);
	assert_int_equal(policy_option(&o, POLICY_OPT_ALLOW, "[fd00::]/8"), 0);
	assert_int_equal(policy_option(&o, POLICY_OPT_DENY, "10.9.9.7"), 0);
	assert_int_equal(policy_option(&o, POLICY_OPT_AMP, "192.0.2.0/24"), 0);
	assert_int_equal(o.nallow, 2);
	assert_int_equal(o.ndeny, 1);
	assert_int_equal(o.namp, 1);
	/* names, bad prefixes, garbage: refused, nothing added */
	assert_int_equal(policy_option(&o, POLICY_OPT_ALLOW, "example.com"), -1);
	assert_int_equal(policy_option(&o, POLICY_OPT_DENY, "10.0.0.0/33"), -1);
	assert_int_equal(policy_option(&o, POLICY_OPT_AMP, ""), -1);
	assert_int_equal(policy_option(&o, POLICY_OPT_AMP, "::1/129"), -1);
	assert_int_equal(o.nallow, 2);
	assert_int_equal(o.ndeny, 1);
	assert_int_equal(o.namp, 1);

	assert_int_equal(policy_option(&o, POLICY_OPT_RATE, "50"), 0);
	assert_int_equal(o.rate, 50);
	assert_int_equal(policy_option(&o, POLICY_OPT_RATE, "70/s"), 0);
	assert_int_equal(o.rate, 70);
	assert_int_equal(policy_option(&o, POLICY_OPT_RATE, "0"), 0);
	assert_int_equal(o.rate, 0);
	assert_int_equal(policy_option(&o, POLICY_OPT_RATE, "1000001"), -1);
	assert_int_equal(policy_option(&o, POLICY_OPT_RATE, "-1"), -1);
	assert_int_equal(policy_option(&o, POLICY_OPT_RATE, "5/m"), -1);
	assert_int_equal(policy_option(&o, POLICY_OPT_RATE, "99999999999999999999"), -1);
	assert_int_equal(policy_option(&o, POLICY_OPT_BURST, "0"), -1);
	assert_int_equal(policy_option(&o, POLICY_OPT_BURST, "1"), 0);
	assert_int_equal(policy_option(&o, POLICY_OPT_BURST, "x"), -1);

	assert_int_equal(o.no_hosts, 0);
	assert_int_equal(policy_option(&o, POLICY_OPT_NOHOSTS, NULL), 0);
	assert_int_equal(o.no_hosts, 1);
	assert_int_equal(policy_option(&o, POLICY_OPT_HOSTS, NULL), 0);
	assert_int_equal(o.no_hosts, 0);
	assert_int_equal(policy_option(&o, POLICY_OPT_LAST, "x"), -1);
}

static struct policy *
mkpolicy(const char *deny, const char *amp, uint32_t rate, uint32_t burst)
{
	struct policy	*p;

	memset(&opts, 0, sizeof(opts));
	opts.no_hosts = 1;
	if (deny != NULL)
		assert_int_equal(policy_option(&opts, POLICY_OPT_DENY, deny), 0);
	if (amp != NULL)
		assert_int_equal(policy_option(&opts, POLICY_OPT_AMP, amp), 0);
	opts.rate_set = 1;
	opts.rate = rate;
	opts.burst_set = burst != 0;
	opts.burst = burst;
	p = policy_new(&opts, NULL);
	assert_non_null(p);
	return p;
}

/* One request of reqlen bytes from who; the encoder's max after the gate. */
static int
gate(struct policy *p, enum tu_who who, size_t reqlen, uint64_t now,
    struct caller *out, size_t *max)
{
	struct caller	c = tu_caller(who);
	struct xdr_enc	e;
	uint8_t		buf[16];
	int		r;

	xdr_enc_init(&e, buf, sizeof(buf));
	e.max = PM_UDP_MAX;
	r = policy_gate(p, &c, reqlen, &e, now);
	if (out != NULL)
		*out = c;
	if (max != NULL)
		*max = e.max;
	return r;
}

static void
test_gate(void **state)
{
	struct policy	*p = mkpolicy("10.9.9.0/24", NULL, 0, 0);
	struct caller	 c;
	size_t		 max;
	unsigned	 i;

	/* local callers: untouched whatever the request's size */
	for (i = 0; i < 3; i++) {
		enum tu_who w = i == 0 ? TU_LO_UNPRIV : i == 1 ? TU_LOCAL_ROOT :
		    TU_LO6;

		assert_int_equal(gate(p, w, 40, 0, &c, &max), 1);
		assert_false(c.restricted);
		assert_int_equal(max, PM_UDP_MAX);
	}
	/* a remote allowed host: UDP capped to the request, TCP not */
	assert_int_equal(gate(p, TU_REMOTE, 56, 0, &c, &max), 1);
	assert_false(c.restricted);
	assert_int_equal(max, 56);
	assert_int_equal(gate(p, TU_REMOTE_TCP, 56, 0, &c, &max), 1);
	assert_false(c.restricted);
	assert_int_equal(max, PM_UDP_MAX);
	/* never above what the transport gave */
	assert_int_equal(gate(p, TU_REMOTE, PM_REQUEST_MAX, 0, &c, &max), 1);
	assert_int_equal(max, PM_UDP_MAX);
	/* a denied host: restricted over UDP and TCP */
	assert_int_equal(gate(p, TU_LAN, 40, 0, &c, &max), 1);
	assert_true(c.restricted);
	assert_int_equal(max, 40);
	assert_int_equal(gate(p, TU_LAN_TCP, 40, 0, &c, NULL), 1);
	assert_true(c.restricted);
	/* no policy: everything passes unchanged */
	assert_int_equal(gate(NULL, TU_LAN, 40, 0, &c, &max), 1);
	assert_false(c.restricted);
	assert_int_equal(max, PM_UDP_MAX);
	policy_free(p);

	/* --amp-allow lifts the cap for its network only */
	p = mkpolicy(NULL, "10.9.9.0/24", 0, 0);
	assert_int_equal(gate(p, TU_LAN, 40, 0, NULL, &max), 1);
	assert_int_equal(max, PM_UDP_MAX);
	assert_int_equal(gate(p, TU_REMOTE, 40, 0, NULL, &max), 1);
	assert_int_equal(max, 40);
	policy_free(p);
}

static void
test_rate(void **state)
{
	struct stats	 st;
	struct policy	*p;
	unsigned	 i, passed = 0;

	memset(&opts, 0, sizeof(opts));
	opts.no_hosts = 1;
	opts.rate_set = opts.burst_set = 1;
	opts.rate = 10;
	opts.burst = 5;
	stats_init(&st);
	p = policy_new(&opts, &st);
	assert_non_null(p);
	/* a burst of 20 at one instant: 5 pass */
	for (i = 0; i < 20; i++)
		passed += (unsigned)gate(p, TU_REMOTE, 40, 1000, NULL, NULL);
	assert_int_equal(passed, 5);
	assert_int_equal(st.ratelimited, 15);
	/* another source has its own bucket; local callers have none */
	assert_int_equal(gate(p, TU_LAN, 40, 1000, NULL, NULL), 1);
	for (i = 0; i < 100; i++)
		assert_int_equal(gate(p, TU_LO_UNPRIV, 40, 1000, NULL, NULL), 1);
	/* 100 ms later: one more call's worth */
	assert_int_equal(gate(p, TU_REMOTE, 40, 1100, NULL, NULL), 1);
	assert_int_equal(gate(p, TU_REMOTE, 40, 1100, NULL, NULL), 0);
	assert_int_equal(st.ratelimited, 16);
	policy_free(p);

	/* rate 0: no limit */
	p = mkpolicy(NULL, NULL, 0, 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(gate(p, TU_REMOTE, 40, 5, NULL, NULL), 1);
	policy_free(p);
}

static void
test_reload(void **state)
{
	struct policy	*p = mkpolicy("10.9.9.0/24", NULL, 0, 0);
	struct caller	 c;
	char		 d[256];

	assert_int_equal(policy_reload(p), 0);
	assert_int_equal(gate(p, TU_LAN, 40, 0, &c, NULL), 1);
	assert_true(c.restricted);
	/* a configuration that no longer builds: the old one stays */
	opts.deny[0] = "not-a-network";
	assert_int_equal(policy_reload(p), -1);
	assert_int_equal(gate(p, TU_LAN, 40, 0, &c, NULL), 1);
	assert_true(c.restricted);
	policy_describe(p, d, sizeof(d));
	assert_non_null(strstr(d, "deny 1,"));
	assert_non_null(strstr(d, "hosts files off"));
	assert_int_equal(policy_reload(NULL), 0);
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_gate),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_reload),
	};

	log_init("test_policy", 1, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
