/*
 * transport.h - the daemon's sockets: opening the listeners (listen.c),
 * serving datagrams (udp.c) and connections (stream.c: TCP and AF_LOCAL),
 * and gathering the interface list (netif.c).  Transports move bytes
 * between sockets and a handler; they know nothing of the protocol.
 */
#ifndef TRANSPORT_H
#define TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dispatch.h"
#include "loop.h"
#include "uaddr.h"
#include "xdr.h"

/*
 * What a transport calls for each request (a datagram or a record): write
 * the reply into the encoder and return 1, or return 0 to send nothing.
 */
typedef int	(*srv_handler_fn)(void *arg, const struct caller *,
		    const uint8_t *req, size_t len, struct xdr_enc *reply);

/* listen.c */
#define LISTEN_HOSTS_MAX	32	/* -h addresses */
#define LISTEN_MAX		(2 * (LISTEN_HOSTS_MAX + 2) + 2)
#define LISTEN_NAME_MAX		160

struct listener {
	int		 fd;
	enum xprt	 xprt;
	int		 stream;		/* SOCK_STREAM, else SOCK_DGRAM */
	int		 family;		/* AF_INET, AF_INET6, AF_LOCAL */
	int		 unlink_path;		/* a file we created: remove at exit */
	char		 name[LISTEN_NAME_MAX];	/* "udp 0.0.0.0:111", for messages */
	char		 path[108];		/* AF_LOCAL path ("" if abstract) */
	int		 passed;		/* from the service manager (notify.h) */
	int		 dualstack;		/* AF_INET6 without IPV6_V6ONLY: IPv4 too */
	struct sockaddr_storage addr;		/* bound address (passed sockets) */
	socklen_t	 addrlen;
};

struct listen_cfg {
	uint16_t		 port;
	const char *const	*hosts;		/* -h numeric addresses, or none */
	size_t			 nhosts;
	const char		*local_path;	/* NULL: no AF_LOCAL sockets */
	/*
	 * Sockets passed by the service manager (socket activation): one
	 * that matches a wanted socket by family, type and address is used
	 * instead of creating it (its fd is set to -1 here); a passed
	 * dual-stack [::]:port stands for 0.0.0.0:port of its type too.
	 * listen_open() logs and closes those it does not use.
	 */
	struct listener		*passed;
	size_t			 npassed;
};

#define LISTEN_ERR_OTHER	(-1)	/* out of memory, no socket, ... */
#define LISTEN_ERR_BIND		(-2)	/* an address is taken or not ours */

/*
 * Open every listening socket, non-blocking and close-on-exec: UDP and TCP
 * on 0.0.0.0:port and [::]:port (or on each -h address plus 127.0.0.1 and
 * ::1), and the AF_LOCAL stream socket at local_path plus the abstract
 * name "\0" local_path.  IPv6 missing from the host is a warning only.
 * Returns 0, or LISTEN_ERR_* after logging why (everything opened is
 * closed again).
 */
int	listen_open(const struct listen_cfg *, struct listener *v, size_t max,
	    size_t *n);
/* Close them all and remove the socket file(s) we created. */
void	listen_close(struct listener *v, size_t n);

/* Counters for the status report (SIGUSR1). */
struct xprt_stats {
	uint64_t	dgrams_in, dgrams_out;	/* UDP requests and replies */
	uint64_t	dgrams_trunc;		/* dropped: longer than a request may be */
	uint64_t	send_errors;
	uint64_t	accepted, closed;	/* stream connections */
	uint64_t	refused;		/* accept()ed but could not keep */
	uint64_t	timeouts;		/* closed for idleness or a stalled record */
	uint64_t	toobig;			/* closed for a record over the cap */
	uint64_t	records_in, records_out;
	unsigned	conns, max_conns_seen;
	uint64_t	evicted;		/* closed to make room for a new one */
	uint64_t	paused;			/* times the listeners were paused */
};

/* udp.c: datagrams, at most UDP_BATCH per socket per wake-up. */
#define UDP_BATCH	32
struct udp_srv;
struct udp_srv	*udp_new(struct loop *, srv_handler_fn, void *arg,
		    struct xprt_stats *);
int		 udp_add(struct udp_srv *, const struct listener *);	/* 0/-1 */
void		 udp_free(struct udp_srv *);
/*
 * (additive) Called before the replies of a batch go out, and at the end
 * of every batch: what must be done before a client hears back (the
 * state journal written).  NULL: nothing.
 */
typedef void	(*srv_presend_fn)(void *arg);
void		 udp_set_presend(struct udp_srv *, srv_presend_fn, void *arg);
/*
 * Replies sent later (additive, for forwarding): where a request arrived,
 * the listener and the local address it was sent to.  Plain data: a copy
 * can be kept until the answer is ready.
 */
struct udp_origin {
	int		fd;		/* the listener */
	int		family;		/* AF_INET, AF_INET6, or 0: no local address */
	uint8_t		local[16];	/* the reply's source */
	unsigned	ifindex;	/* IPv6 */
};
/* During a handler call: the origin of the request being handled.  0/-1. */
int		 udp_origin(const struct udp_srv *, struct udp_origin *);
/*
 * Send len bytes (at most PM_UDP_MAX) to peer through the listener of o,
 * from o's local address.  -1 when that listener is not (or no longer) one
 * of ours, or sending failed (counted as a send error).
 */
int		 udp_send(struct udp_srv *, const struct udp_origin *,
		    const struct sockaddr *peer, socklen_t peerlen,
		    const void *buf, size_t len);

/*
 * stream.c: TCP and AF_LOCAL connections.  At the cap (or out of fds) a
 * new connection takes the place of the one that made no progress the
 * longest, if that one is idle (no partial record, no reply pending) or
 * stalled for a second; failing that the listeners are paused, not
 * polled, until a connection closes or a short timer.
 */
struct stream_cfg {
	unsigned	max_conns;	/* connections kept open at once */
	unsigned	idle_ms;	/* close a connection silent this long */
	unsigned	record_ms;	/* ... or one slower than this for one record */
	unsigned	max_frags;	/* fragments per record */
	unsigned	max_record;	/* bytes per record (0: PM_REQUEST_MAX) */
};
#define STREAM_MAX_CONNS	900
#define STREAM_IDLE_MS		30000
#define STREAM_RECORD_MS	10000
#define STREAM_MAX_FRAGS	16

struct stream_srv;
struct stream_srv *stream_new(struct loop *, const struct stream_cfg *,
		    srv_handler_fn, void *arg, struct xprt_stats *);
int		 stream_add(struct stream_srv *, const struct listener *); /* 0/-1 */
void		 stream_free(struct stream_srv *);	/* closes connections */
/*
 * Accept hook (additive): fn sees each new AF_LOCAL connection (its fd
 * and caller, SO_PEERCRED credentials in) and may fill in what the shell
 * knows of the peer (caller.netns).  NULL fn: none.
 */
typedef void	(*stream_peer_fn)(void *arg, int fd, struct caller *);
void		 stream_set_peer_hook(struct stream_srv *, stream_peer_fn,
		    void *arg);

/* netif.c: our interfaces, for address merging. */
/* Replace *l with the current list; -1 with errno leaves *l as it was. */
int	netif_load(struct iflist *);
void	netif_free(struct iflist *);

#endif
