/*
 * notify.h - talking with whoever started us: the service manager
 * (systemd's notification socket, socket activation, the watchdog), or
 * the shell that ran an init script (a detached start returns only when
 * the daemon serves, with its exit status if it failed; the pid file).
 *
 * The notification socket is connected once, at notify_init(), so that
 * messages still reach the manager after a chroot and a privilege drop.
 * Every function is a no-op when there is nobody to tell.
 */
#ifndef NOTIFY_H
#define NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "transport.h"

/*
 * Read $NOTIFY_SOCKET and connect to it (unset unless libsystemd, which
 * reads it at each message, was loaded).  0, or -1 after
 * logging why (the daemon then runs without notifications).
 */
int	notify_init(void);
/* 1 when a service manager listens to our notifications. */
int	notify_enabled(void);
/*
 * 1 when libsystemd was loaded (dlopen, only when NOTIFY_SOCKET,
 * LISTEN_FDS or WATCHDOG_USEC is set) and does the work below.
 */
int	notify_uses_libsystemd(void);
/* How this build talks to a service manager, for portmap -V. */
const char *notify_how(void);

/*
 * Socket activation: the sockets in $LISTEN_FDS (for this pid; the
 * variables are unset), described as listeners (passed = 1, family, type,
 * bound address, dual-stack flag) and made non-blocking and
 * close-on-exec.  A passed fd that is not a listening UDP/TCP socket over
 * IPv4/IPv6 or an AF_LOCAL stream socket is logged and closed.  Returns
 * the number kept in v (at most max; the rest are logged and closed), or
 * -1 when $LISTEN_FDS is malformed.
 */
int	notify_listen_fds(struct listener *v, size_t max);

/*
 * Detach (without -f): fork, the parent waits until the child calls
 * notify_ready() and exits 0, or until it exits and exits with its
 * status.  The child runs setsid() and keeps stderr until it is ready.
 * Only returns in the child; exits with fail_status if the fork fails.
 */
void	notify_detach(int fail_status);

/*
 * Write our pid to path (O_NOFOLLOW, mode 0644).  The file is removed at
 * notify_exit(); if it cannot be (no write permission on its directory
 * after the privilege drop, or a chroot), it is emptied instead.
 * 0, or -1 with errno.
 */
int	notify_pidfile(const char *path);

/*
 * We serve: READY=1 with a status line (status may be NULL), the waiting
 * parent is released, and a detached daemon's standard streams go to
 * /dev/null.
 */
void	notify_ready(const char *status);
/* STATUS=... (sent only when it differs from the last one). */
void	notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* STOPPING=1, at the start of a shutdown. */
void	notify_stopping(void);

/*
 * The watchdog: the interval, in ms, at which WATCHDOG=1 should be sent
 * (half of $WATCHDOG_USEC, when $WATCHDOG_PID is us), or 0 when it is off.
 */
uint64_t notify_watchdog_ms(void);
void	notify_watchdog(void);

/* At exit: remove (or empty) the pid file, close the socket. */
void	notify_exit(void);

#endif
