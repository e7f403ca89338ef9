/*
 * relay.h - the daemon's forwarding of remote calls (CALLIT, BCAST,
 * INDIRECT): the shell half of fwd.c.  It owns one UDP socket per family
 * (an unprivileged ephemeral port, never a reserved one), sends the calls
 * fwd_submit() builds, reads the targets' answers, sends the results to
 * the original caller through the listener and local address the call
 * arrived on (udp_send()), and frees timed-out calls from a loop timer.
 *
 * Used only with -r: without it the dispatcher's hook is not set.
 */
#ifndef RELAY_H
#define RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "dispatch.h"
#include "fwd.h"
#include "loop.h"
#include "transport.h"
#include "uaddr.h"

/* Long options this module takes (struct option.val). */
enum relay_opt {
	RELAY_OPT_DENY = 0x280,		/* --forward-deny PROG[:PROC] */
	RELAY_OPT_TIMEOUT,		/* --forward-timeout MS */
	RELAY_OPT_SLOTS,		/* --forward-slots N */
	RELAY_OPT_LAST
};

/* What the command line said; zero it first. */
struct relay_opts {
	const char	*deny[FWD_DENY_MAX];
	size_t		 ndeny;
	unsigned	 timeout_ms;	/* 0: FWD_TIMEOUT_DEFAULT */
	unsigned	 slots;		/* 0: FWD_SLOTS_DEFAULT */
};

/* One option: 0, or -1 after a message on stderr. */
int	relay_option(struct relay_opts *, int opt, const char *arg);

struct relay;

/*
 * Open the forwarding sockets (IPv4, and IPv6 when the host has it) and
 * the table.  udp is the server whose listeners answer the callers; ifs
 * our interface list (kept by the caller, read at each call).  NULL after
 * logging why.
 */
struct relay	*relay_new(struct loop *, const struct relay_opts *,
		    struct udp_srv *udp, const struct iflist *ifs);
void		 relay_free(struct relay *);

/*
 * Before each dispatch: the largest reply the current caller may get (the
 * encoder's max after the policy gate).
 */
void		 relay_begin(struct relay *, size_t reply_max);

/*
 * The dispatcher's fwd hook (fwd_fn; arg is the relay): 0 when the call
 * went out, -2 when its target is on the deny list added by option, -1
 * when it could not be forwarded.
 */
int		 relay_hook(void *arg, const struct caller *,
		    const struct fwd_request *);

/* SIGUSR1: the table's counters, to the log. */
void		 relay_report(const struct relay *);

#endif
