/*
 * loop.h - the event loop: select() over a table of fds with read/write
 * callbacks, one-shot timers on CLOCK_MONOTONIC, and signals delivered
 * through a self-pipe (the handler only writes a byte; the callback runs
 * in the loop).  Single-threaded.
 *
 * An fd is watched for reading and/or writing; callbacks may add, change
 * or delete any registration, their own included: the loop re-checks the
 * registration before every callback.
 */
#ifndef LOOP_H
#define LOOP_H

#include <stdint.h>
#include <time.h>

struct loop;
typedef void	(*loop_fd_cb)(struct loop *, int fd, void *arg);
typedef void	(*loop_timer_cb)(struct loop *, void *arg);
typedef void	(*loop_sig_cb)(struct loop *, int signo, void *arg);

/* A timer lives in its owner's memory; no allocation. */
struct loop_timer {
	uint64_t		 when;		/* ms, monotonic */
	loop_timer_cb		 cb;
	void			*arg;
	int			 armed;
	int			 due;		/* expired in this wake-up */
	struct loop_timer	*next;
};

struct loop	*loop_new(void);		/* NULL with errno */
void		 loop_free(struct loop *);

/*
 * Watch fd; rd and wr may be NULL (not watched for that).  -1 with errno
 * ERANGE when fd >= FD_SETSIZE (select() cannot take it), EEXIST when fd
 * is already registered.
 */
int	loop_add_fd(struct loop *, int fd, loop_fd_cb rd, loop_fd_cb wr, void *arg);
/* Turn watching for reading / writing on or off (the callbacks stay). */
void	loop_want_read(struct loop *, int fd, int on);
void	loop_want_write(struct loop *, int fd, int on);
/* Forget fd (does not close it).  Safe inside any callback. */
void	loop_del_fd(struct loop *, int fd);

void	loop_timer_init(struct loop_timer *, loop_timer_cb, void *arg);
/* (Re)arm to fire once, ms from now. */
void	loop_timer_arm(struct loop *, struct loop_timer *, uint64_t ms);
void	loop_timer_cancel(struct loop *, struct loop_timer *);

/* Deliver signo to cb from the loop.  -1 with errno on failure. */
int	loop_signal(struct loop *, int signo, loop_sig_cb, void *arg);

/* Run until loop_stop(); -1 with errno if select() fails for good. */
int	loop_run(struct loop *);
void	loop_stop(struct loop *);

/* Clocks, read once per wake-up. */
uint64_t loop_now(const struct loop *);	/* ms, CLOCK_MONOTONIC */
time_t	 loop_wall(const struct loop *);	/* seconds since the epoch */
/* Number of wake-ups so far (for stats). */
uint64_t loop_wakeups(const struct loop *);

#endif
