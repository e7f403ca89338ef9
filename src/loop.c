/*
 * loop.c - a select() loop: fd table, monotonic one-shot timers, and
 * signals through a self-pipe.
 *
 * The fd_sets select() takes are kept up to date as registrations change,
 * so a wake-up copies them instead of rebuilding them fd by fd, and the
 * ready fds are found a word of the set at a time.  A registration made
 * during a wake-up is stamped with it, so that readiness select() reported
 * for the fd's previous owner never reaches the new one.
 */
#include <sys/select.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

struct loop_fd {
	loop_fd_cb	 rd, wr;
	void		*arg;
	unsigned	 used:1, want_r:1, want_w:1;
	uint64_t	 added;		/* the wake-up it was registered in */
};

#define LOOP_WORD_BITS	(8 * sizeof(unsigned long))
#define LOOP_WORDS	(FD_SETSIZE / LOOP_WORD_BITS)

struct loop_sig {
	loop_sig_cb	 cb;
	void		*arg;
};

struct loop {
	struct loop_fd		 fds[FD_SETSIZE];
	fd_set			 rset, wset;	/* what select() is to watch */
	int			 maxfd;
	struct loop_timer	*timers;
	struct loop_sig		 sigs[NSIG];
	int			 pipe[2];
	int			 stop;
	uint64_t		 now;
	time_t			 wall;
	uint64_t		 wakeups;
};

/* The self-pipe: one per process, so the handler can reach it. */
static int			 loop_sigpipe = -1;
static volatile sig_atomic_t	 loop_pending[NSIG];

static void
loop_clock(struct loop *l)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	l->now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	clock_gettime(CLOCK_REALTIME, &ts);
	l->wall = ts.tv_sec;
}

struct loop *
loop_new(void)
{
	struct loop	*l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->maxfd = -1;
	FD_ZERO(&l->rset);
	FD_ZERO(&l->wset);
	l->pipe[0] = l->pipe[1] = -1;
	loop_clock(l);
	return l;
}

void
loop_free(struct loop *l)
{
	int	i;

	if (l == NULL)
		return;
	for (i = 1; i < NSIG; i++)
		if (l->sigs[i].cb != NULL)
			signal(i, SIG_DFL);
	if (l->pipe[0] != -1) {
		close(l->pipe[0]);
		close(l->pipe[1]);
		loop_sigpipe = -1;
	}
	free(l);
}

/* The fd_sets follow the registration of fd. */
static void
loop_sync(struct loop *l, int fd)
{
	const struct loop_fd	*f = &l->fds[fd];

	if (f->used && f->want_r)
		FD_SET(fd, &l->rset);
	else
		FD_CLR(fd, &l->rset);
	if (f->used && f->want_w)
		FD_SET(fd, &l->wset);
	else
		FD_CLR(fd, &l->wset);
}

int
loop_add_fd(struct loop *l, int fd, loop_fd_cb rd, loop_fd_cb wr, void *arg)
{
	struct loop_fd	*f;

	if (fd < 0 || fd >= FD_SETSIZE) {
		errno = ERANGE;
		return -1;
	}
	f = &l->fds[fd];
	if (f->used) {
		errno = EEXIST;
		return -1;
	}
	f->rd = rd;
	f->wr = wr;
	f->arg = arg;
	f->used = 1;
	f->want_r = rd != NULL;
	f->want_w = wr != NULL;
	f->added = l->wakeups;
	loop_sync(l, fd);
	if (fd > l->maxfd)
		l->maxfd = fd;
	return 0;
}

void
loop_want_read(struct loop *l, int fd, int on)
{
	if (fd >= 0 && fd < FD_SETSIZE && l->fds[fd].used) {
		l->fds[fd].want_r = on && l->fds[fd].rd != NULL;
		loop_sync(l, fd);
	}
}

void
loop_want_write(struct loop *l, int fd, int on)
{
	if (fd >= 0 && fd < FD_SETSIZE && l->fds[fd].used) {
		l->fds[fd].want_w = on && l->fds[fd].wr != NULL;
		loop_sync(l, fd);
	}
}

void
loop_del_fd(struct loop *l, int fd)
{
	if (fd < 0 || fd >= FD_SETSIZE)
		return;
	l->fds[fd].used = l->fds[fd].want_r = l->fds[fd].want_w = 0;
	loop_sync(l, fd);
	while (l->maxfd >= 0 && !l->fds[l->maxfd].used)
		l->maxfd--;
}

void
loop_timer_init(struct loop_timer *t, loop_timer_cb cb, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->cb = cb;
	t->arg = arg;
}

void
loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t ms)
{
	if (!t->armed) {
		t->next = l->timers;
		l->timers = t;
		t->armed = 1;
	}
	t->due = 0;
	t->when = l->now + ms;
}

void
loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	struct loop_timer	**pp;

	for (pp = &l->timers; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->armed = t->due = 0;
	t->next = NULL;
}

static void
loop_sighandler(int signo)
{
	int	saved = errno;
	char	c = (char)signo;

	if (signo > 0 && signo < NSIG)
		loop_pending[signo] = 1;
	if (loop_sigpipe != -1)
		(void)write(loop_sigpipe, &c, 1);
	errno = saved;
}

/* Drain the self-pipe and run the callbacks of the signals that came. */
static void
loop_sigread(struct loop *l, int fd, void *arg)
{
	char	buf[64];
	int	i;

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	for (i = 1; i < NSIG; i++)
		if (loop_pending[i]) {
			loop_pending[i] = 0;
			if (l->sigs[i].cb != NULL)
				l->sigs[i].cb(l, i, l->sigs[i].arg);
		}
}

int
loop_signal(struct loop *l, int signo, loop_sig_cb cb, void *arg)
{
	struct sigaction	sa;

	if (signo <= 0 || signo >= NSIG) {
		errno = EINVAL;
		return -1;
	}
	if (l->pipe[0] == -1) {
		if (pipe2(l->pipe, O_NONBLOCK | O_CLOEXEC) == -1)
			return -1;
		if (loop_add_fd(l, l->pipe[0], loop_sigread, NULL, NULL) == -1) {
			close(l->pipe[0]);
			close(l->pipe[1]);
			l->pipe[0] = l->pipe[1] = -1;
			return -1;
		}
		loop_sigpipe = l->pipe[1];
	}
	l->sigs[signo].cb = cb;
	l->sigs[signo].arg = arg;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = loop_sighandler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	return sigaction(signo, &sa, NULL);
}

/* Fire the timers that are due; a timer re-armed by its callback waits. */
static void
loop_timers(struct loop *l)
{
	struct loop_timer	*t;

	for (t = l->timers; t != NULL; t = t->next)
		t->due = t->when <= l->now;
	for (;;) {
		for (t = l->timers; t != NULL && !t->due; t = t->next)
			;
		if (t == NULL)
			break;
		loop_timer_cancel(l, t);
		t->cb(l, t->arg);
	}
}

/* Run the callbacks of the fds select() found ready. */
static void
loop_dispatch(struct loop *l, const fd_set *rs, const fd_set *ws, int maxfd)
{
	/* fd_set is an array of longs (fds_bits): read it a word at a time */
	const unsigned long	*r = (const unsigned long *)(const void *)rs;
	const unsigned long	*w = (const unsigned long *)(const void *)ws;
	unsigned long		 bits;
	struct loop_fd		*f;
	size_t			 i, nw = (size_t)maxfd / LOOP_WORD_BITS + 1;
	int			 fd;

	for (i = 0; i < nw; i++) {
		for (bits = r[i] | w[i]; bits != 0; bits &= bits - 1) {
			fd = (int)(i * LOOP_WORD_BITS) + __builtin_ctzl(bits);
			f = &l->fds[fd];
			/* registered in this wake-up: not what select() saw */
			if (!f->used || f->added == l->wakeups)
				continue;
			if ((r[i] >> (fd % LOOP_WORD_BITS)) & 1 && f->want_r)
				f->rd(l, fd, f->arg);
			if ((w[i] >> (fd % LOOP_WORD_BITS)) & 1 && f->used &&
			    f->want_w && f->added != l->wakeups)
				f->wr(l, fd, f->arg);
		}
	}
}

int
loop_run(struct loop *l)
{
	fd_set			 rs, ws;
	struct timeval		 tv, *tvp;
	struct loop_timer	*t;
	uint64_t		 next;
	int			 maxfd, n;

	l->stop = 0;
	while (!l->stop) {
		maxfd = l->maxfd;
		/* the words select() looks at, no more */
		if (maxfd >= 0) {
			memcpy(&rs, &l->rset, ((size_t)maxfd / LOOP_WORD_BITS + 1) *
			    sizeof(unsigned long));
			memcpy(&ws, &l->wset, ((size_t)maxfd / LOOP_WORD_BITS + 1) *
			    sizeof(unsigned long));
		}
		tvp = NULL;
		for (t = l->timers, next = UINT64_MAX; t != NULL; t = t->next)
			if (t->when < next)
				next = t->when;
		if (next != UINT64_MAX) {
			tv.tv_sec = next > l->now ? (time_t)((next - l->now) / 1000) : 0;
			tv.tv_usec = next > l->now ?
			    (suseconds_t)((next - l->now) % 1000) * 1000 : 0;
			tvp = &tv;
		}
		n = select(maxfd + 1, &rs, &ws, NULL, tvp);
		loop_clock(l);
		l->wakeups++;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n > 0 && maxfd >= 0)
			loop_dispatch(l, &rs, &ws, maxfd);
		/* no timer due before this wake-up's clock: nothing to walk */
		if (next <= l->now)
			loop_timers(l);
	}
	return 0;
}

void
loop_stop(struct loop *l)
{
	l->stop = 1;
}

uint64_t
loop_now(const struct loop *l)
{
	return l->now;
}

time_t
loop_wall(const struct loop *l)
{
	return l->wall;
}

uint64_t
loop_wakeups(const struct loop *l)
{
	return l->wakeups;
}
