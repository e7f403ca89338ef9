/*
 * test_stream.c - the stream transport over a real AF_LOCAL socket with a
 * fake handler: pipelined records answered in order, a reply too big for
 * the socket buffer finished later while further requests wait, records
 * split into fragments and bytes, the record and fragment caps, the
 * connection cap (the connection quiet the longest makes room; with none
 * idle the listener pauses without spinning), running out of fds, the
 * deadlines, and the peer credentials.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "pmap_prot.h"
#include "transport.h"

#define BIG_REPLY	(3u << 20)

struct fx {
	struct loop		*l;
	struct stream_srv	*s;
	struct xprt_stats	 st;
	struct listener		 li;
	char			 path[108];
	struct caller		 last;
	unsigned		 calls;
};

/*
 * The fake handler: "NONE..." gets no reply, "BIG!..." a BIG_REPLY-byte
 * pattern, anything else is echoed back.
 */
static uint8_t	fx_ref[BIG_REPLY];	/* the tail "REF!" lends */

static int
handler(void *arg, const struct caller *c, const uint8_t *req, size_t len,
    struct xdr_enc *reply)
{
	struct fx	*fx = arg;
	uint8_t		*p;
	size_t		 i;

	fx->calls++;
	fx->last = *c;
	if (len >= 4 && memcmp(req, "NONE", 4) == 0)
		return 0;
	if (len >= 4 && memcmp(req, "REF!", 4) == 0) {
		/* a head, then a big tail lent by reference (a cached DUMP) */
		for (i = 0; i < BIG_REPLY; i++)
			fx_ref[i] = (uint8_t)(i * 5);
		xdr_put_u32(reply, 0x52454621);
		xdr_put_ref(reply, fx_ref, BIG_REPLY);
		return 1;
	}
	if (len >= 4 && memcmp(req, "BIG!", 4) == 0) {
		if ((p = xdr_reserve(reply, BIG_REPLY)) == NULL)
			return 0;
		for (i = 0; i < BIG_REPLY; i++)
			p[i] = (uint8_t)(i * 7);
		return 1;
	}
	if (len > 0 && (p = xdr_reserve(reply, len)) != NULL)
		memcpy(p, req, len);
	return 1;
}

static int
setup(void **state)
{
	struct fx		*fx = calloc(1, sizeof(*fx));
	struct stream_cfg	 cfg = { 2, 1500, 300, 4, 0 };
	struct sockaddr_un	 sun;

	assert_non_null(fx);
	snprintf(fx->path, sizeof(fx->path), "/tmp/test_stream.%d.sock",
	    (int)getpid());
	unlink(fx->path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, fx->path);
	fx->li.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(fx->li.fd >= 0);
	assert_int_equal(bind(fx->li.fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(fx->li.fd, 16), 0);
	fx->li.xprt = XPRT_LOCAL;
	fx->li.stream = 1;
	fx->li.family = AF_LOCAL;
	fx->l = loop_new();
	assert_non_null(fx->l);
	fx->s = stream_new(fx->l, &cfg, handler, fx, &fx->st);
	assert_non_null(fx->s);
	assert_int_equal(stream_add(fx->s, &fx->li), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	stream_free(fx->s);
	loop_free(fx->l);
	close(fx->li.fd);
	unlink(fx->path);
	free(fx);
	return 0;
}

static void
spin_stop(struct loop *l, void *arg)
{
	loop_stop(l);
}

/* Run the loop for ms milliseconds. */
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
client(struct fx *fx)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, fx->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	return fd;
}

static size_t
put_rec(uint8_t *out, const char *body, size_t len)
{
	uint32_t	h = 0x80000000u | (uint32_t)len;

	out[0] = h >> 24;
	out[1] = h >> 16;
	out[2] = h >> 8;
	out[3] = h;
	memcpy(out + 4, body, len);
	return 4 + len;
}

/* Read what is there now; spins the loop while waiting for want bytes. */
static size_t
drain(struct fx *fx, int fd, uint8_t *buf, size_t cap, size_t want,
    int *eof)
{
	size_t	have = 0;
	ssize_t	n = -1;
	int	i;

	*eof = 0;
	for (i = 0; i < 200 && have < want; i++) {
		spin(fx, 5);
		while (have < cap && (n = read(fd, buf + have, cap - have)) > 0)
			have += (size_t)n;
		if (n == 0) {
			*eof = 1;
			break;
		}
	}
	return have;
}

static void
test_pipelined(void **state)
{
	struct fx	*fx = *state;
	uint8_t		 out[256], in[256];
	size_t		 n = 0, got;
	int		 fd, eof;

	fd = client(fx);
	n += put_rec(out + n, "one!", 4);
	n += put_rec(out + n, "NONE", 4);
	n += put_rec(out + n, "two22222", 8);
	assert_int_equal(write(fd, out, n), (ssize_t)n);
	got = drain(fx, fd, in, sizeof(in), 20, &eof);
	assert_int_equal(got, 20);
	assert_memory_equal(in, "\x80\0\0\x04one!\x80\0\0\x08two22222", 20);
	assert_int_equal(fx->calls, 3);
	assert_int_equal(fx->st.records_in, 3);
	assert_int_equal(fx->st.records_out, 2);
	/* credentials of this process */
	assert_int_equal(fx->last.xprt, XPRT_LOCAL);
	assert_true(fx->last.has_cred);
	assert_int_equal(fx->last.uid, getuid());
	assert_int_equal(fx->last.pid, getpid());
	assert_int_equal(fx->last.peer.ss_family, AF_LOCAL);
	close(fd);
	spin(fx, 10);
	assert_int_equal(fx->st.closed, 1);
	assert_int_equal(fx->st.conns, 0);
}

static void
test_fragments_and_bytes(void **state)
{
	struct fx	*fx = *state;
	const uint8_t	 msg[] = "\0\0\0\x03" "abc" "\0\0\0\x02" "de"
			    "\x80\0\0\x01" "f";
	uint8_t		 in[64];
	size_t		 i, got;
	int		 fd, eof;

	fd = client(fx);
	for (i = 0; i < sizeof(msg) - 1; i++) {
		assert_int_equal(write(fd, msg + i, 1), 1);
		spin(fx, 1);
	}
	got = drain(fx, fd, in, sizeof(in), 10, &eof);
	assert_int_equal(got, 10);
	assert_memory_equal(in, "\x80\0\0\x06" "abcdef", 10);
	close(fd);
}

static void
test_big_reply_backpressure(void **state)
{
	struct fx	*fx = *state;
	uint8_t		 out[64], *in;
	size_t		 n = 0, got, i;
	int		 fd, eof, bad = 0;

	in = malloc(BIG_REPLY + 64);
	assert_non_null(in);
	fd = client(fx);
	n += put_rec(out + n, "BIG!", 4);
	n += put_rec(out + n, "next", 4);
	assert_int_equal(write(fd, out, n), (ssize_t)n);
	spin(fx, 20);
	/* the big reply does not fit the socket: "next" waits for it */
	assert_int_equal(fx->calls, 1);
	got = drain(fx, fd, in, BIG_REPLY + 64, BIG_REPLY + 12, &eof);
	assert_false(eof);
	assert_int_equal(got, BIG_REPLY + 12);
	assert_memory_equal(in, "\x80\x30\0\0", 4);
	for (i = 0; i < BIG_REPLY; i++)
		bad += in[4 + i] != (uint8_t)(i * 7);
	assert_int_equal(bad, 0);
	assert_memory_equal(in + 4 + BIG_REPLY, "\x80\0\0\x04next", 8);
	assert_int_equal(fx->calls, 2);
	free(in);
	close(fd);
}

static void
expect_closed(struct fx *fx, int fd)
{
	uint8_t	in[16];
	int	eof;

	assert_int_equal(drain(fx, fd, in, sizeof(in), 1, &eof), 0);
	assert_true(eof);
	close(fd);
}

/*
 * A reply whose tail is lent by reference and does not fit the socket:
 * the tail is copied before the handler's data can change (here: is
 * scribbled over), and the client gets the bytes as they were.
 */
static void
test_ref_reply_backpressure(void **state)
{
	struct fx	*fx = *state;
	uint8_t		 out[64], *in;
	size_t		 n = 0, got, i;
	int		 fd, eof, bad = 0;

	in = malloc(BIG_REPLY + 64);
	assert_non_null(in);
	fd = client(fx);
	n += put_rec(out + n, "REF!", 4);
	n += put_rec(out + n, "next", 4);
	assert_int_equal(write(fd, out, n), (ssize_t)n);
	spin(fx, 20);
	assert_int_equal(fx->calls, 1);
	memset(fx_ref, 0xee, sizeof(fx_ref));
	got = drain(fx, fd, in, BIG_REPLY + 64, BIG_REPLY + 16, &eof);
	assert_false(eof);
	assert_int_equal(got, BIG_REPLY + 16);
	/* one record: the 4-byte head and the tail */
	assert_int_equal((in[0] & 0x7f) << 24 | in[1] << 16 | in[2] << 8 | in[3],
	    BIG_REPLY + 4);
	assert_memory_equal(in + 4, "REF!", 4);
	for (i = 0; i < BIG_REPLY; i++)
		bad += in[8 + i] != (uint8_t)(i * 5);
	assert_int_equal(bad, 0);
	assert_memory_equal(in + 8 + BIG_REPLY, "\x80\0\0\x04next", 8);
	free(in);
	close(fd);
}

static void
test_record_too_big(void **state)
{
	struct fx	*fx = *state;
	uint8_t		 h[4] = { 0x80, 0, (PM_REQUEST_MAX + 1) >> 8,
			    (PM_REQUEST_MAX + 1) & 0xff };
	int		 fd;

	fd = client(fx);
	assert_int_equal(write(fd, h, 4), 4);
	expect_closed(fx, fd);
	assert_int_equal(fx->st.toobig, 1);
	assert_int_equal(fx->calls, 0);
}

/* A smaller record cap (--max-record): up to it served, past it closed. */
static void
test_record_cap_option(void **state)
{
	struct fx		*fx = *state;
	struct stream_cfg	 cfg = { 2, 1500, 300, 4, 400 };
	uint8_t			 out[512], in[512], body[401];
	size_t			 n;
	int			 fd, eof;

	stream_free(fx->s);
	fx->s = stream_new(fx->l, &cfg, handler, fx, &fx->st);
	assert_non_null(fx->s);
	assert_int_equal(stream_add(fx->s, &fx->li), 0);
	memset(body, 'r', sizeof(body));
	fd = client(fx);
	n = put_rec(out, (const char *)body, 400);
	assert_int_equal(write(fd, out, n), (ssize_t)n);
	assert_int_equal(drain(fx, fd, in, sizeof(in), 404, &eof), 404);
	n = put_rec(out, (const char *)body, 401);
	assert_int_equal(write(fd, out, n), (ssize_t)n);
	expect_closed(fx, fd);
	assert_int_equal(fx->st.toobig, 1);
	assert_int_equal(fx->calls, 1);
}

static void
test_too_many_fragments(void **state)
{
	struct fx	*fx = *state;
	uint8_t		 out[64];
	size_t		 n = 0;
	int		 fd, i;

	fd = client(fx);
	for (i = 0; i < 5; i++) {	/* the cap is 4 */
		memcpy(out + n, "\0\0\0\x01x", 5);
		n += 5;
	}
	assert_int_equal(write(fd, out, n), (ssize_t)n);
	expect_closed(fx, fd);
	assert_int_equal(fx->st.toobig, 1);
	assert_int_equal(fx->calls, 0);
}

/* At the cap, the connection idle the longest makes room for a new one. */
static void
test_connection_cap(void **state)
{
	struct fx	*fx = *state;
	uint8_t		 out[16], in[16];
	size_t		 n;
	int		 fd[3], eof;

	fd[0] = client(fx);
	fd[1] = client(fx);
	spin(fx, 20);
	assert_int_equal(fx->st.conns, 2);
	/* fd[1] talks, so fd[0] is the one quiet the longest */
	n = put_rec(out, "ping", 4);
	assert_int_equal(write(fd[1], out, n), (ssize_t)n);
	assert_int_equal(drain(fx, fd[1], in, sizeof(in), 8, &eof), 8);
	fd[2] = client(fx);
	assert_int_equal(write(fd[2], out, n), (ssize_t)n);
	assert_int_equal(drain(fx, fd[2], in, sizeof(in), 8, &eof), 8);
	assert_memory_equal(in, "\x80\0\0\x04ping", 8);
	assert_int_equal(drain(fx, fd[0], in, sizeof(in), 1, &eof), 0);
	assert_true(eof);
	assert_int_equal(fx->st.evicted, 1);
	assert_int_equal(fx->st.accepted, 3);
	assert_int_equal(fx->st.conns, 2);
	assert_int_equal(fx->st.max_conns_seen, 2);
	/* the one that talked is still there */
	assert_int_equal(write(fd[1], out, n), (ssize_t)n);
	assert_int_equal(drain(fx, fd[1], in, sizeof(in), 8, &eof), 8);
	close(fd[0]);
	close(fd[1]);
	close(fd[2]);
}

/*
 * At the cap with every connection busy on a record (and not stalled for
 * a second yet): the new one waits in the backlog, the listener is paused
 * (a few wake-ups, no spinning), and it is served once room is made.
 */
static void
test_connection_cap_busy(void **state)
{
	struct fx	*fx = *state;
	uint8_t		 out[16], in[16];
	uint64_t	 w0;
	size_t		 n;
	int		 fd[3], eof;

	fd[0] = client(fx);
	fd[1] = client(fx);
	spin(fx, 20);
	assert_int_equal(write(fd[0], "\x80\0\0\x28xx", 6), 6);
	assert_int_equal(write(fd[1], "\x80\0\0\x28xx", 6), 6);
	spin(fx, 20);
	assert_int_equal(fx->st.conns, 2);
	fd[2] = client(fx);
	n = put_rec(out, "ping", 4);
	assert_int_equal(write(fd[2], out, n), (ssize_t)n);
	w0 = loop_wakeups(fx->l);
	spin(fx, 200);
	assert_true(loop_wakeups(fx->l) - w0 < 20);
	assert_int_equal(fx->st.accepted, 2);
	assert_int_equal(fx->st.evicted, 0);
	assert_true(fx->st.paused >= 1);
	assert_int_equal(read(fd[2], in, sizeof(in)), -1);
	/* within a second and a half the stalled records give way */
	assert_int_equal(drain(fx, fd[2], in, sizeof(in), 8, &eof), 8);
	assert_memory_equal(in, "\x80\0\0\x04ping", 8);
	assert_int_equal(fx->st.accepted, 3);
	close(fd[0]);
	close(fd[1]);
	close(fd[2]);
}

/*
 * Out of fds (RLIMIT_NOFILE) below the cap: the idle connection makes
 * room; with none, the listener pauses instead of spinning on EMFILE.
 */
static void
test_out_of_fds(void **state)
{
	struct fx	*fx = *state;
	struct rlimit	 rl, low;
	uint8_t		 out[16], in[16];
	uint64_t	 w0;
	size_t		 n;
	int		 fd[3], eof, f;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	fd[0] = client(fx);
	spin(fx, 20);
	assert_int_equal(fx->st.conns, 1);
	fd[1] = client(fx);		/* in the backlog from here on */
	fd[2] = client(fx);
	/* no fd left: the lowest free one is the limit */
	assert_true((f = dup(0)) >= 0);
	close(f);
	low = rl;
	low.rlim_cur = (rlim_t)f;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	n = put_rec(out, "ping", 4);
	assert_int_equal(write(fd[1], out, n), (ssize_t)n);
	spin(fx, 20);
	/* fd[0] went, fd[1] took its fd and is served */
	assert_int_equal(fx->st.evicted, 1);
	assert_int_equal(drain(fx, fd[1], in, sizeof(in), 8, &eof), 8);
	assert_memory_equal(in, "\x80\0\0\x04ping", 8);
	assert_int_equal(drain(fx, fd[0], in, sizeof(in), 1, &eof), 0);
	assert_true(eof);
	/* fd[1] busy on a record: fd[2] waits, no spinning */
	assert_int_equal(write(fd[1], "\x80\0\0\x28xx", 6), 6);
	spin(fx, 20);
	w0 = loop_wakeups(fx->l);
	spin(fx, 200);
	assert_true(loop_wakeups(fx->l) - w0 < 20);
	assert_int_equal(fx->st.accepted, 2);
	assert_true(fx->st.paused >= 1);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal(write(fd[2], out, n), (ssize_t)n);
	assert_int_equal(drain(fx, fd[2], in, sizeof(in), 8, &eof), 8);
	assert_int_equal(fx->st.accepted, 3);
	close(fd[0]);
	close(fd[1]);
	close(fd[2]);
}

static void
test_deadlines(void **state)
{
	struct fx	*fx = *state;
	uint8_t		 in[16];
	int		 idle, slow, busy, eof;
	unsigned	 i;

	idle = client(fx);
	slow = client(fx);
	/* a record begun: 40 bytes promised, 2 sent */
	assert_int_equal(write(slow, "\x80\0\0\x28xx", 6), 6);
	spin(fx, 10);
	assert_int_equal(fx->st.conns, 2);
	/* the slow record goes at its deadline (300 ms + a sweep) */
	for (i = 0; i < 30 && fx->st.timeouts == 0; i++)
		spin(fx, 100);
	assert_int_equal(fx->st.timeouts, 1);
	assert_int_equal(drain(fx, slow, in, sizeof(in), 1, &eof), 0);
	assert_true(eof);
	assert_int_equal(fx->st.conns, 1);
	/* idle (1.5 s) goes later; a connection that talks stays */
	close(slow);
	busy = client(fx);
	for (i = 0; i < 40 && fx->st.timeouts < 2; i++) {
		assert_int_equal(write(busy, "\x80\0\0\x04" "ping", 8), 8);
		spin(fx, 100);
		(void)read(busy, in, sizeof(in));
	}
	assert_int_equal(fx->st.timeouts, 2);
	assert_int_equal(drain(fx, idle, in, sizeof(in), 1, &eof), 0);
	assert_true(eof);
	assert_int_equal(fx->st.conns, 1);
	close(idle);
	close(busy);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pipelined, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragments_and_bytes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_big_reply_backpressure,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ref_reply_backpressure,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_too_big, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_too_many_fragments, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_record_cap_option, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_connection_cap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_connection_cap_busy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_out_of_fds, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deadlines, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
