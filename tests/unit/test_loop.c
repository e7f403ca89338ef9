/*
 * test_loop.c - the event loop: fd registration limits, timers in deadline
 * order, deletions and re-registrations inside callbacks, write interest,
 * and signals through the self-pipe.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/select.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"

static void
nop_cb(struct loop *l, int fd, void *arg)
{
}

static void
stop_timer(struct loop *l, void *arg)
{
	int	*fired = arg;

	if (fired != NULL)
		(*fired)++;
	loop_stop(l);
}

static void
test_add_fd_limits(void **state)
{
	struct loop	*l = loop_new();

	assert_non_null(l);
	errno = 0;
	assert_int_equal(loop_add_fd(l, FD_SETSIZE, nop_cb, NULL, NULL), -1);
	assert_int_equal(errno, ERANGE);
	errno = 0;
	assert_int_equal(loop_add_fd(l, FD_SETSIZE + 100, nop_cb, NULL, NULL), -1);
	assert_int_equal(errno, ERANGE);
	errno = 0;
	assert_int_equal(loop_add_fd(l, -1, nop_cb, NULL, NULL), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(loop_add_fd(l, FD_SETSIZE - 1, nop_cb, NULL, NULL), 0);
	errno = 0;
	assert_int_equal(loop_add_fd(l, FD_SETSIZE - 1, nop_cb, NULL, NULL), -1);
	assert_int_equal(errno, EEXIST);
	loop_del_fd(l, FD_SETSIZE - 1);
	assert_int_equal(loop_add_fd(l, FD_SETSIZE - 1, nop_cb, NULL, NULL), 0);
	loop_free(l);
}

struct order {
	int	seen[8];
	int	n;
	struct loop_timer *cancel;	/* cancelled by the first to fire */
};

struct otimer {
	struct loop_timer	 t;
	struct order		*o;
	int			 id;
};

static void
order_cb(struct loop *l, void *arg)
{
	struct otimer	*ot = arg;

	ot->o->seen[ot->o->n++] = ot->id;
	if (ot->o->cancel != NULL) {
		loop_timer_cancel(l, ot->o->cancel);
		ot->o->cancel = NULL;
	}
	if (ot->o->n == 3)
		loop_stop(l);
}

static void
test_timers_in_order(void **state)
{
	struct loop	*l = loop_new();
	struct order	 o;
	struct otimer	 t[4];
	uint64_t	 start;
	int		 delays[4] = { 60, 20, 40, 30 }, i;

	memset(&o, 0, sizeof(o));
	for (i = 0; i < 4; i++) {
		t[i].o = &o;
		t[i].id = i;
		loop_timer_init(&t[i].t, order_cb, &t[i]);
		loop_timer_arm(l, &t[i].t, delays[i]);
	}
	o.cancel = &t[3].t;		/* 30 ms: cancelled at 20 ms */
	start = loop_now(l);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.seen[0], 1);
	assert_int_equal(o.seen[1], 2);
	assert_int_equal(o.seen[2], 0);
	assert_true(loop_now(l) - start >= 60);
	assert_false(t[3].t.armed);
	loop_free(l);
}

/* Re-arming a timer from its own callback waits for the next wake-up. */
static void
rearm_cb(struct loop *l, void *arg)
{
	struct otimer	*ot = arg;

	ot->o->seen[ot->o->n++] = (int)loop_wakeups(l);
	if (ot->o->n < 3)
		loop_timer_arm(l, &ot->t, 0);
	else
		loop_stop(l);
}

static void
test_timer_rearm_zero(void **state)
{
	struct loop	*l = loop_new();
	struct order	 o;
	struct otimer	 t;

	memset(&o, 0, sizeof(o));
	t.o = &o;
	t.id = 0;
	loop_timer_init(&t.t, rearm_cb, &t);
	loop_timer_arm(l, &t.t, 0);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(o.n, 3);
	assert_true(o.seen[0] < o.seen[1]);
	assert_true(o.seen[1] < o.seen[2]);
	loop_free(l);
}

struct fds {
	int		 a[2], b[2];	/* two pipes, both readable */
	int		 a_calls, b_calls, c_calls;
	uint64_t	 a_wake, c_wake;
	int		 readd;		/* re-register b's fd with c_cb */
};

static void	c_cb(struct loop *, int, void *);

static void
a_cb(struct loop *l, int fd, void *arg)
{
	struct fds	*f = arg;
	char		 c;

	(void)read(fd, &c, 1);
	f->a_calls++;
	f->a_wake = loop_wakeups(l);
	loop_del_fd(l, fd);
	loop_del_fd(l, f->b[0]);
	if (f->readd)
		assert_int_equal(loop_add_fd(l, f->b[0], c_cb, NULL, f), 0);
}

static void
b_cb(struct loop *l, int fd, void *arg)
{
	struct fds	*f = arg;

	f->b_calls++;
}

static void
c_cb(struct loop *l, int fd, void *arg)
{
	struct fds	*f = arg;
	char		 c;

	(void)read(fd, &c, 1);
	f->c_calls++;
	f->c_wake = loop_wakeups(l);
	loop_del_fd(l, fd);
	loop_stop(l);
}

static void
run_fds(struct fds *f, int readd)
{
	struct loop		*l = loop_new();
	struct loop_timer	 t;
	int			 fired = 0;

	memset(f, 0, sizeof(*f));
	f->readd = readd;
	assert_int_equal(pipe(f->a), 0);
	assert_int_equal(pipe(f->b), 0);
	/* a must be the lower fd: the loop walks fds upwards */
	assert_true(f->a[0] < f->b[0]);
	assert_int_equal(write(f->a[1], "x", 1), 1);
	assert_int_equal(write(f->b[1], "y", 1), 1);
	assert_int_equal(loop_add_fd(l, f->a[0], a_cb, NULL, f), 0);
	assert_int_equal(loop_add_fd(l, f->b[0], b_cb, NULL, f), 0);
	loop_timer_init(&t, stop_timer, &fired);
	loop_timer_arm(l, &t, 100);
	assert_int_equal(loop_run(l), 0);
	loop_free(l);
	close(f->a[0]);
	close(f->a[1]);
	close(f->b[0]);
	close(f->b[1]);
	assert_int_equal(fired, readd ? 0 : 1);
}

static void
test_delete_in_callback(void **state)
{
	struct fds	f;

	run_fds(&f, 0);
	assert_int_equal(f.a_calls, 1);
	assert_int_equal(f.b_calls, 0);		/* deleted before its turn */
	assert_int_equal(f.c_calls, 0);
}

static void
test_readd_in_callback(void **state)
{
	struct fds	f;

	run_fds(&f, 1);
	assert_int_equal(f.a_calls, 1);
	assert_int_equal(f.b_calls, 0);
	assert_int_equal(f.c_calls, 1);
	/* the new registration waits for a select() of its own */
	assert_true(f.c_wake > f.a_wake);
}

struct wr {
	int	sp[2];
	int	wcalls, rcalls;
};

static void
wr_write(struct loop *l, int fd, void *arg)
{
	struct wr	*w = arg;

	w->wcalls++;
	assert_int_equal(write(fd, "z", 1), 1);
	loop_want_write(l, fd, 0);
}

static void
wr_read(struct loop *l, int fd, void *arg)
{
	struct wr	*w = arg;
	char		 c;

	assert_int_equal(read(fd, &c, 1), 1);
	assert_int_equal(c, 'z');
	w->rcalls++;
	loop_stop(l);
}

static void
test_write_interest(void **state)
{
	struct loop		*l = loop_new();
	struct loop_timer	 t;
	struct wr		 w;
	int			 fired = 0;

	memset(&w, 0, sizeof(w));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, w.sp), 0);
	assert_int_equal(loop_add_fd(l, w.sp[0], NULL, wr_write, &w), 0);
	assert_int_equal(loop_add_fd(l, w.sp[1], wr_read, NULL, &w), 0);
	loop_timer_init(&t, stop_timer, &fired);
	loop_timer_arm(l, &t, 2000);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(fired, 0);
	assert_int_equal(w.wcalls, 1);
	assert_int_equal(w.rcalls, 1);
	/* read interest on an fd without a read callback stays off */
	loop_want_read(l, w.sp[0], 1);
	assert_int_equal(write(w.sp[1], "q", 1), 1);
	loop_timer_arm(l, &t, 30);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(fired, 1);
	loop_free(l);
	close(w.sp[0]);
	close(w.sp[1]);
}

static int	sig_seen, sig_count;

static void
sig_cb(struct loop *l, int signo, void *arg)
{
	sig_seen = signo;
	sig_count++;
	loop_stop(l);
}

static void
test_signal_selfpipe(void **state)
{
	struct loop		*l = loop_new();
	struct loop_timer	 t;
	int			 fired = 0;

	sig_seen = sig_count = 0;
	assert_int_equal(loop_signal(l, SIGUSR2, sig_cb, NULL), 0);
	/* twice before the loop runs: one callback, the flag is not a counter */
	assert_int_equal(raise(SIGUSR2), 0);
	assert_int_equal(raise(SIGUSR2), 0);
	assert_int_equal(sig_count, 0);		/* not from the handler */
	loop_timer_init(&t, stop_timer, &fired);
	loop_timer_arm(l, &t, 2000);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(fired, 0);
	assert_int_equal(sig_seen, SIGUSR2);
	assert_int_equal(sig_count, 1);
	errno = 0;
	assert_int_equal(loop_signal(l, 0, sig_cb, NULL), -1);
	assert_int_equal(errno, EINVAL);
	loop_free(l);
	/* the handler is gone with the loop */
	{
		struct sigaction	sa;

		assert_int_equal(sigaction(SIGUSR2, NULL, &sa), 0);
		assert_true(sa.sa_handler == SIG_DFL);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_fd_limits),
		cmocka_unit_test(test_timers_in_order),
		cmocka_unit_test(test_timer_rearm_zero),
		cmocka_unit_test(test_delete_in_callback),
		cmocka_unit_test(test_readd_in_callback),
		cmocka_unit_test(test_write_interest),
		cmocka_unit_test(test_signal_selfpipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
