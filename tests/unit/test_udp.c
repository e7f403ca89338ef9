/*
 * test_udp.c - the datagram transport on a loopback socket (an ephemeral
 * port, never 111) with a fake handler: replies come from the address the
 * request was sent to, datagrams over PM_REQUEST_MAX are dropped, at most
 * UDP_BATCH are handled per wake-up, and a handler's silence sends nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "pmap_prot.h"
#include "transport.h"

struct fx {
	struct loop		*l;
	struct udp_srv		*u;
	struct xprt_stats	 st;
	struct listener		 li;
	uint16_t		 port;
	unsigned		 calls;
	size_t			 lastlen;
	struct caller		 last;
	int			 stop_on_call;
	int			 keep;		/* "LATER...": keep the origin */
	int			 origin_rc;
	struct udp_origin	 origin;
};

/* Echo, except "NONE..." which gets no reply. */
static int
handler(void *arg, const struct caller *c, const uint8_t *req, size_t len,
    struct xdr_enc *reply)
{
	struct fx	*fx = arg;
	uint8_t		*p;

	fx->calls++;
	fx->lastlen = len;
	fx->last = *c;
	if (fx->stop_on_call)
		loop_stop(fx->l);
	if (len >= 4 && memcmp(req, "NONE", 4) == 0)
		return 0;
	if (len >= 5 && memcmp(req, "LATER", 5) == 0) {
		fx->origin_rc = udp_origin(fx->u, &fx->origin);
		return 0;
	}
	assert_int_equal(reply->max, PM_UDP_MAX);
	if (len > 64)
		len = 64;
	if ((p = xdr_reserve(reply, len)) != NULL)
		memcpy(p, req, len);
	return 1;
}

static int
setup(void **state)
{
	struct fx		*fx = calloc(1, sizeof(*fx));
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);

	assert_non_null(fx);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	fx->li.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(fx->li.fd >= 0);
	assert_int_equal(bind(fx->li.fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fx->li.fd, (struct sockaddr *)&sin, &len), 0);
	fx->port = ntohs(sin.sin_port);
	fx->li.xprt = XPRT_UDP;
	fx->li.family = AF_INET;
	fx->l = loop_new();
	assert_non_null(fx->l);
	fx->u = udp_new(fx->l, handler, fx, &fx->st);
	assert_non_null(fx->u);
	assert_int_equal(udp_add(fx->u, &fx->li), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	udp_free(fx->u);
	loop_free(fx->l);
	close(fx->li.fd);
	free(fx);
	return 0;
}

static void
spin_stop(struct loop *l, void *arg)
{
	loop_stop(l);
}

static void
spin(struct fx *fx, unsigned ms)
{
	struct loop_timer	t;

	loop_timer_init(&t, spin_stop, NULL);
	loop_timer_arm(fx->l, &t, ms);
	assert_int_equal(loop_run(fx->l), 0);
	loop_timer_cancel(fx->l, &t);
}

static int
client(const char *src)
{
	struct sockaddr_in	sin;
	int			fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, src, &sin.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

static void
send_to(struct fx *fx, int fd, const char *dst, const void *buf, size_t len)
{
	struct sockaddr_in	sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(fx->port);
	inet_pton(AF_INET, dst, &sin.sin_addr);
	assert_int_equal(sendto(fd, buf, len, 0, (struct sockaddr *)&sin,
	    sizeof(sin)), (ssize_t)len);
}

/* The reply to a request sent to 127.0.0.2 comes from 127.0.0.2. */
static void
test_reply_source(void **state)
{
	struct fx		*fx = *state;
	struct sockaddr_in	 from;
	socklen_t		 flen = sizeof(from);
	char			 buf[64], a[32];
	int			 fd = client("127.0.0.1");
	ssize_t			 n;

	send_to(fx, fd, "127.0.0.2", "hello", 5);
	spin(fx, 20);
	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "hello", 5);
	inet_ntop(AF_INET, &from.sin_addr, a, sizeof(a));
	assert_string_equal(a, "127.0.0.2");
	assert_int_equal(ntohs(from.sin_port), fx->port);
	assert_int_equal(fx->last.xprt, XPRT_UDP);
	assert_int_equal(fx->last.peer.ss_family, AF_INET);
	assert_false(fx->last.has_cred);
	close(fd);
}

/*
 * From an address to itself: 127.0.0.1 (the reply needs no source set)
 * and 127.0.0.2 (it does: the kernel would pick 127.0.0.1).
 */
static void
test_reply_source_self(void **state)
{
	static const char	*const addrs[] = { "127.0.0.1", "127.0.0.2",
				    "127.0.0.1" };
	struct fx		*fx = *state;
	struct sockaddr_in	 from;
	socklen_t		 flen;
	char			 buf[64], a[32];
	size_t			 i;
	ssize_t			 n;
	int			 fd;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		fd = client(addrs[i]);
		send_to(fx, fd, addrs[i], "again", 5);
		spin(fx, 20);
		flen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		    &flen);
		assert_int_equal(n, 5);
		assert_memory_equal(buf, "again", 5);
		inet_ntop(AF_INET, &from.sin_addr, a, sizeof(a));
		assert_string_equal(a, addrs[i]);
		assert_int_equal(ntohs(from.sin_port), fx->port);
		close(fd);
	}
}

static void
test_oversized_dropped(void **state)
{
	struct fx	*fx = *state;
	uint8_t		*big = calloc(1, 65000);
	char		 buf[64];
	int		 fd = client("127.0.0.1");

	assert_non_null(big);
	send_to(fx, fd, "127.0.0.1", big, PM_REQUEST_MAX + 1);
	send_to(fx, fd, "127.0.0.1", big, 65000);
	send_to(fx, fd, "127.0.0.1", big, PM_REQUEST_MAX);
	spin(fx, 20);
	assert_int_equal(fx->calls, 1);
	assert_int_equal(fx->lastlen, PM_REQUEST_MAX);
	assert_int_equal(fx->st.dgrams_in, 3);
	assert_int_equal(fx->st.dgrams_trunc, 2);
	assert_int_equal(fx->st.dgrams_out, 1);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 64);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), -1);
	free(big);
	close(fd);
}

static void
test_batch_per_wakeup(void **state)
{
	struct fx	*fx = *state;
	char		 buf[64];
	int		 fd = client("127.0.0.1"), i, replies = 0;

	for (i = 0; i < UDP_BATCH + 8; i++)
		send_to(fx, fd, "127.0.0.1", i % 2 ? "NONE" : "ping", 4);
	/* one wake-up: the handler stops the loop, the batch still ends */
	fx->stop_on_call = 1;
	assert_int_equal(loop_run(fx->l), 0);
	assert_int_equal(fx->calls, UDP_BATCH);
	fx->stop_on_call = 0;
	spin(fx, 20);
	assert_int_equal(fx->calls, UDP_BATCH + 8);
	while (recv(fd, buf, sizeof(buf), 0) == 4)
		replies++;
	assert_int_equal(replies, (UDP_BATCH + 8) / 2);
	assert_int_equal(fx->st.dgrams_out, (UDP_BATCH + 8) / 2);
	close(fd);
}

/*
 * A reply sent later (forwarding): the origin taken during the handler
 * call sends from the address the request went to, through that listener;
 * outside a handler call there is no origin, and an origin whose listener
 * is not ours sends nothing.
 */
static void
test_send_later(void **state)
{
	struct fx		*fx = *state;
	struct sockaddr_in	 from, me;
	struct udp_origin	 bad;
	socklen_t		 flen = sizeof(from), mlen = sizeof(me);
	char			 buf[64], a[32];
	int			 fd = client("127.0.0.1");

	assert_int_equal(udp_origin(fx->u, &bad), -1);
	send_to(fx, fd, "127.0.0.3", "LATER", 5);
	spin(fx, 20);
	assert_int_equal(fx->origin_rc, 0);
	assert_int_equal(fx->origin.fd, fx->li.fd);
	assert_int_equal(fx->origin.family, AF_INET);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), -1);	/* nothing yet */
	assert_int_equal(getsockname(fd, (struct sockaddr *)&me, &mlen), 0);
	assert_int_equal(udp_send(fx->u, &fx->origin, (struct sockaddr *)&me,
	    mlen, "answer", 6), 0);
	assert_int_equal(recvfrom(fd, buf, sizeof(buf), 0,
	    (struct sockaddr *)&from, &flen), 6);
	assert_memory_equal(buf, "answer", 6);
	inet_ntop(AF_INET, &from.sin_addr, a, sizeof(a));
	assert_string_equal(a, "127.0.0.3");
	assert_int_equal(ntohs(from.sin_port), fx->port);
	bad = fx->origin;
	bad.fd = fd;		/* not a listener */
	assert_int_equal(udp_send(fx->u, &bad, (struct sockaddr *)&me, mlen,
	    "x", 1), -1);
	assert_int_equal(udp_send(fx->u, &fx->origin, (struct sockaddr *)&me,
	    mlen, "x", PM_UDP_MAX + 1), -1);
	assert_int_equal(fx->st.dgrams_out, 1);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reply_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_source_self, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized_dropped, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_batch_per_wakeup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_send_later, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
