/*
 * stream.c - TCP and AF_LOCAL connections.  Each connection reassembles
 * records (rm_reader) from non-blocking reads, hands each to the handler
 * and writes the reply as one record.  While a reply is still being
 * written the connection is not read.  A sweep closes connections idle
 * too long or too slow to finish a record.
 *
 * Connections are capped.  The list of connections is kept in order of
 * their last progress (the most recent first), so that at the cap, or
 * when accept() runs out of fds, the one that made no progress the
 * longest is found from the tail: if it is idle (no partial record, no
 * reply pending) or has stalled for STREAM_STALL_MS, it is closed and the
 * new connection takes its place.  Otherwise the listeners are paused,
 * not polled, until a connection closes or STREAM_PAUSE_MS passes.
 */
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "pmap_prot.h"
#include "rpcmsg.h"
#include "transport.h"

#define STREAM_ACCEPTS		16		/* accept()s per wake-up */
#define STREAM_READ		16384
#define STREAM_SWEEP_MS		1000
#define STREAM_PAUSE_MS		250		/* listeners paused: look again */
#define STREAM_STALL_MS		1000		/* a busy connection this still
						   may make room for a new one */
#define STREAM_KEEP_ENC		(256u << 10)	/* reply buffer kept between calls */

struct conn {
	struct stream_srv	*srv;
	int			 fd;
	struct caller		 caller;
	struct rm_reader	 rm;
	uint8_t			 hdr[4];	/* record mark of the pending reply */
	uint8_t			*out;		/* pending reply body */
	size_t			 outlen, off;	/* off counts hdr + out + ext */
	const uint8_t		*ext;		/* ... its tail held by reference */
	size_t			 extlen;	/*     (only until conn_reply returns) */
	uint8_t			*in;		/* read but not yet fed */
	size_t			 inlen;
	uint64_t		 last;		/* ms of the last progress */
	uint64_t		 rec_start;	/* ms a partial record began; 0 */
	struct conn		*prev, *next;
};

struct stream_lis {
	struct stream_srv	*srv;
	int			 fd;
	int			 nodelay;	/* TCP_NODELAY set on the listener */
	enum xprt		 xprt;
	int			 family;
	struct stream_lis	*next;
};

struct stream_srv {
	struct loop		*loop;
	struct stream_cfg	 cfg;
	srv_handler_fn		 handler;
	void			*arg;
	stream_peer_fn		 peer_fn;	/* accept hook, or NULL */
	void			*peer_arg;
	struct xprt_stats	*st;
	struct stream_lis	*lis;
	struct conn		*conns;		/* latest progress first */
	struct conn		*tail;		/* ... the least recent last */
	unsigned		 nconns;
	int			 paused;	/* listeners not watched */
	struct loop_timer	 sweep, resume;
	struct xdr_enc		 enc;
	uint8_t			 rbuf[STREAM_READ];
	struct ratelim		 rl_accept, rl_conn;
};

static void	stream_listen_read(struct loop *, int, void *);

static void
stream_watch(struct stream_srv *s, int on)
{
	struct stream_lis	*l;

	for (l = s->lis; l != NULL; l = l->next)
		loop_want_read(s->loop, l->fd, on);
	s->paused = !on;
}

/* Pause the listeners until a connection closes or STREAM_PAUSE_MS. */
static void
stream_pause(struct stream_srv *s)
{
	if (!s->paused)
		s->st->paused++;
	stream_watch(s, 0);
	loop_timer_arm(s->loop, &s->resume, STREAM_PAUSE_MS);
}

static void
stream_maybe_resume(struct stream_srv *s)
{
	if (s->paused && s->nconns < s->cfg.max_conns) {
		loop_timer_cancel(s->loop, &s->resume);
		stream_watch(s, 1);
	}
}

static void
conn_unlink(struct conn *c)
{
	struct stream_srv	*s = c->srv;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		s->tail = c->prev;
	c->prev = c->next = NULL;
}

static void
conn_push(struct conn *c)
{
	struct stream_srv	*s = c->srv;

	c->prev = NULL;
	c->next = s->conns;
	if (s->conns != NULL)
		s->conns->prev = c;
	else
		s->tail = c;
	s->conns = c;
}

/* The connection made progress: note when, and move it to the front. */
static void
conn_touch(struct conn *c)
{
	c->last = loop_now(c->srv->loop);
	if (c->srv->conns != c) {
		conn_unlink(c);
		conn_push(c);
	}
}

static void
conn_close(struct conn *c)
{
	struct stream_srv	*s = c->srv;

	loop_del_fd(s->loop, c->fd);
	close(c->fd);
	rm_release(&c->rm);
	free(c->out);
	free(c->in);
	conn_unlink(c);
	free(c);
	s->nconns--;
	s->st->conns = s->nconns;
	s->st->closed++;
	stream_maybe_resume(s);
}

static void
conn_warn(struct conn *c, const char *what)
{
	char	a[128];

	if (!log_ratelimited(&c->srv->rl_conn, loop_now(c->srv->loop)))
		return;
	if (c->caller.has_cred)
		snprintf(a, sizeof(a), "uid %u pid %d", (unsigned)c->caller.uid,
		    (int)c->caller.pid);
	else
		log_sockaddr((struct sockaddr *)&c->caller.peer,
		    c->caller.peerlen, a, sizeof(a));
	log_warnx("%s %s: %s, closing", xprt_netid(c->caller.xprt), a, what);
}

/*
 * Write what is pending: 1 when all is written, 0 when the socket is full,
 * -1 on an error (the caller closes the connection).
 */
static int
conn_flush(struct conn *c)
{
	struct iovec	iov[3];
	size_t		off, total = 4 + c->outlen + c->extlen;
	int		n;
	ssize_t		w;

	while (c->off < total) {
		/* the header, the body, its tail: past what is written */
		n = 0;
		off = c->off;
		if (off < 4) {
			iov[n].iov_base = c->hdr + off;
			iov[n++].iov_len = 4 - off;
			off = 4;
		}
		if (off < 4 + c->outlen) {
			iov[n].iov_base = c->out + (off - 4);
			iov[n++].iov_len = c->outlen - (off - 4);
			off = 4 + c->outlen;
		}
		if (c->extlen > 0) {
			iov[n].iov_base = (void *)(uintptr_t)(c->ext +
			    (off - 4 - c->outlen));
			iov[n++].iov_len = c->extlen - (off - 4 - c->outlen);
		}
		if ((w = writev(c->fd, iov, n)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -1;
		}
		c->off += (size_t)w;
		conn_touch(c);
	}
	c->srv->st->records_out++;
	return 1;
}

/* Send the reply in the server's encoder; keep what does not fit. */
static int
conn_reply(struct conn *c)
{
	struct stream_srv	*s = c->srv;
	uint8_t			*own;
	int			 r;

	rm_put_header(c->hdr, (uint32_t)(s->enc.len + s->enc.extlen), 1);
	c->out = s->enc.buf;
	c->outlen = s->enc.len;
	c->ext = s->enc.ext;
	c->extlen = s->enc.extlen;
	c->off = 0;
	r = conn_flush(c);
	if (r == 0 && c->extlen > 0) {
		/*
		 * The tail is only lent (a cached DUMP body, good until the
		 * table changes): what is left of the reply becomes ours.
		 */
		if ((own = malloc(c->outlen + c->extlen)) == NULL) {
			c->out = NULL;
			c->outlen = c->extlen = 0;
			conn_close(c);
			return -1;
		}
		memcpy(own, c->out, c->outlen);
		memcpy(own + c->outlen, c->ext, c->extlen);
		c->out = own;
		c->outlen += c->extlen;
		c->ext = NULL;
		c->extlen = 0;
		loop_want_read(s->loop, c->fd, 0);
		loop_want_write(s->loop, c->fd, 1);
		return 0;
	}
	c->ext = NULL;
	c->extlen = 0;
	if (r == 0) {
		/* the connection keeps the buffer; the encoder starts anew */
		xdr_enc_init_grow(&s->enc, PM_REPLY_MAX);
		s->enc.ext_ok = 1;
		loop_want_read(s->loop, c->fd, 0);
		loop_want_write(s->loop, c->fd, 1);
		return 0;
	}
	c->out = NULL;		/* still the encoder's */
	c->outlen = c->off = 0;
	if (r == -1) {
		conn_close(c);
		return -1;
	}
	if (s->enc.cap > STREAM_KEEP_ENC) {
		xdr_enc_free(&s->enc);
		xdr_enc_init_grow(&s->enc, PM_REPLY_MAX);
		s->enc.ext_ok = 1;
	}
	return r;
}

/*
 * Feed bytes to the record reader and answer each complete record.
 * Returns -1 when the connection was closed.
 */
static int
conn_feed(struct conn *c, const uint8_t *p, size_t n)
{
	struct stream_srv	*s = c->srv;
	enum rm_status		 st;
	size_t			 used;
	int			 r;

	while (n > 0) {
		st = rm_feed(&c->rm, p, n, &used);
		p += used;
		n -= used;
		if (st == RM_TOOBIG) {
			s->st->toobig++;
			conn_warn(c, "record too big");
			conn_close(c);
			return -1;
		}
		if (st == RM_MORE)
			break;
		s->st->records_in++;
		xdr_enc_reset(&s->enc);
		r = s->handler(s->arg, &c->caller, c->rm.rec, c->rm.len, &s->enc);
		rm_next(&c->rm);
		c->rec_start = 0;
		if (r == 1 && !s->enc.err && s->enc.len + s->enc.extlen > 0) {
			if ((r = conn_reply(c)) == -1)
				return -1;
			if (r == 0 && n > 0) {
				/* busy writing: keep the rest for later */
				if ((c->in = malloc(n)) == NULL) {
					conn_warn(c, "out of memory");
					conn_close(c);
					return -1;
				}
				memcpy(c->in, p, n);
				c->inlen = n;
				return 0;
			}
			if (r == 0)
				return 0;
		}
	}
	if (!rm_partial(&c->rm))
		c->rec_start = 0;
	else if (c->rec_start == 0)
		c->rec_start = loop_now(s->loop);
	return 0;
}

static void
conn_read(struct loop *loop, int fd, void *arg)
{
	struct conn	*c = arg;
	ssize_t		 n;

	n = read(fd, c->srv->rbuf, sizeof(c->srv->rbuf));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (n == -1 && errno != ECONNRESET)
			conn_warn(c, strerror(errno));
		conn_close(c);
		return;
	}
	conn_touch(c);
	(void)conn_feed(c, c->srv->rbuf, (size_t)n);
}

static void
conn_write(struct loop *loop, int fd, void *arg)
{
	struct conn	*c = arg;
	uint8_t		*in;
	size_t		 inlen;
	int		 r;

	if ((r = conn_flush(c)) == -1) {
		conn_close(c);
		return;
	}
	if (r == 0)
		return;
	free(c->out);
	c->out = NULL;
	c->outlen = c->off = 0;
	loop_want_write(loop, fd, 0);
	if ((in = c->in) != NULL) {
		inlen = c->inlen;
		c->in = NULL;
		c->inlen = 0;
		r = conn_feed(c, in, inlen);
		free(in);
		if (r == -1 || c->out != NULL)
			return;
	}
	loop_want_read(loop, fd, 1);
}

static void
stream_sweep(struct loop *loop, void *arg)
{
	struct stream_srv	*s = arg;
	struct conn		*c, *next;
	uint64_t		 now = loop_now(loop);

	for (c = s->conns; c != NULL; c = next) {
		next = c->next;
		if (c->rec_start != 0 && now - c->rec_start >= s->cfg.record_ms) {
			s->st->timeouts++;
			conn_warn(c, "record not finished in time");
			conn_close(c);
		} else if (now - c->last >= s->cfg.idle_ms) {
			s->st->timeouts++;
			conn_close(c);
		} else if (c->rec_start == 0 && c->rm.rec != NULL &&
		    now - c->last >= STREAM_SWEEP_MS)
			rm_release(&c->rm);	/* idle: hold no record memory */
	}
	if (s->conns != NULL)
		loop_timer_arm(loop, &s->sweep, STREAM_SWEEP_MS);
}

/* The pause is over: watch the listeners again (at the cap too). */
static void
stream_resume(struct loop *loop, void *arg)
{
	struct stream_srv	*s = arg;

	if (s->paused)
		stream_watch(s, 1);
}

/*
 * Make room for a new connection: close the one that made no progress
 * the longest, if it is idle or stalled (see the top of the file).
 * Connections that made progress in this wake-up are spared.  0 when one
 * was closed, -1 when none may be.
 */
static int
stream_evict(struct stream_srv *s)
{
	struct conn	*c, *prev;
	uint64_t	 now = loop_now(s->loop);
	uint8_t		 b;

	for (c = s->tail; c != NULL && c->last < now; c = prev) {
		prev = c->prev;
		if ((c->out == NULL && c->in == NULL && !rm_partial(&c->rm)) ||
		    now - c->last >= STREAM_STALL_MS) {
			/*
			 * Bytes waiting to be read (a request that came with
			 * the connection): not quiet after all.  A peer that
			 * closed makes room as well as any.
			 */
			if (c->out == NULL && recv(c->fd, &b, 1,
			    MSG_PEEK | MSG_DONTWAIT) > 0) {
				conn_touch(c);
				continue;
			}
			s->st->evicted++;
			if (log_ratelimited(&s->rl_accept, now))
				log_warnx("%u connections open: closing the one "
				    "quiet the longest (%llu ms) to make room",
				    s->nconns, (unsigned long long)(now - c->last));
			conn_close(c);
			return 0;
		}
	}
	return -1;
}

static void
conn_new(struct stream_srv *s, struct stream_lis *l, int fd,
    const struct sockaddr_storage *ss, socklen_t sslen)
{
	struct conn	*c;
	struct ucred	 uc;
	socklen_t	 uclen = sizeof(uc);
	int		 on = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		s->st->refused++;
		close(fd);
		return;
	}
	c->srv = s;
	c->fd = fd;
	c->caller.xprt = l->xprt;
	if (sslen > sizeof(c->caller.peer))
		sslen = sizeof(c->caller.peer);
	memcpy(&c->caller.peer, ss, sslen);
	c->caller.peerlen = sslen;
	/* IPv4 through a dual-stack socket: an IPv4 (tcp) caller */
	if (c->caller.xprt == XPRT_TCP6 && c->caller.peer.ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)
	    &c->caller.peer)->sin6_addr))
		c->caller.xprt = XPRT_TCP;
	if (l->family == AF_LOCAL) {
		c->caller.peer.ss_family = AF_LOCAL;
		if (c->caller.peerlen < sizeof(sa_family_t))
			c->caller.peerlen = sizeof(sa_family_t);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &uclen) == 0) {
			c->caller.has_cred = 1;
			c->caller.uid = uc.uid;
			c->caller.pid = uc.pid;
		}
		if (s->peer_fn != NULL)
			s->peer_fn(s->peer_arg, fd, &c->caller);
	} else if (!l->nodelay)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	rm_init(&c->rm, s->cfg.max_record, s->cfg.max_frags);
	if (loop_add_fd(s->loop, fd, conn_read, conn_write, c) == -1) {
		s->st->refused++;
		if (log_ratelimited(&s->rl_accept, loop_now(s->loop)))
			log_warn("%s: connection fd %d", xprt_netid(l->xprt), fd);
		close(fd);
		free(c);
		return;
	}
	loop_want_write(s->loop, fd, 0);
	c->last = loop_now(s->loop);
	conn_push(c);
	s->nconns++;
	s->st->conns = s->nconns;
	s->st->accepted++;
	if (s->nconns > s->st->max_conns_seen)
		s->st->max_conns_seen = s->nconns;
	if (!s->sweep.armed)
		loop_timer_arm(s->loop, &s->sweep, STREAM_SWEEP_MS);
	/*
	 * A client that connects to ask one question (rpcinfo, libtirpc's
	 * clnt_create) has often sent it by now: answer without waiting
	 * for the next wake-up.  Nothing there: the loop tells when.
	 */
	conn_read(s->loop, fd, c);
}

static void
stream_listen_read(struct loop *loop, int fd, void *arg)
{
	struct stream_lis	*l = arg;
	struct stream_srv	*s = l->srv;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 i, cfd;

	for (i = 0; i < STREAM_ACCEPTS; i++) {
		/*
		 * At the cap: make room only when the listener says someone
		 * waits (the next wake-up tells, if we accepted already).
		 */
		if (s->nconns >= s->cfg.max_conns && i > 0)
			return;
		if (s->nconns >= s->cfg.max_conns && stream_evict(s) == -1) {
			if (log_ratelimited(&s->rl_accept, loop_now(loop)))
				log_warnx("%u connections open, none idle: not "
				    "accepting more for now", s->nconns);
			stream_pause(s);
			return;
		}
		memset(&ss, 0, sizeof(ss));
		sslen = sizeof(ss);
		cfd = accept4(fd, (struct sockaddr *)&ss, &sslen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			if (errno == ECONNABORTED || errno == EPROTO ||
			    errno == EPERM)
				continue;
			/* out of fds: one of ours makes room, if one may */
			if ((errno == EMFILE || errno == ENFILE) &&
			    stream_evict(s) == 0)
				continue;
			if (log_ratelimited(&s->rl_accept, loop_now(loop)))
				log_warn("%s: accept", xprt_netid(l->xprt));
			/* pause instead of spinning */
			stream_pause(s);
			return;
		}
		conn_new(s, l, cfd, &ss, sslen);
	}
}

void
stream_set_peer_hook(struct stream_srv *s, stream_peer_fn fn, void *arg)
{
	s->peer_fn = fn;
	s->peer_arg = arg;
}

struct stream_srv *
stream_new(struct loop *loop, const struct stream_cfg *cfg,
    srv_handler_fn handler, void *arg, struct xprt_stats *st)
{
	struct stream_srv	*s;
	struct ratelim		 rl_accept = RATELIM_INIT("accept", 3, 60);
	struct ratelim		 rl_conn = RATELIM_INIT("connections", 5, 60);

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->loop = loop;
	s->cfg = *cfg;
	if (s->cfg.max_conns == 0)
		s->cfg.max_conns = STREAM_MAX_CONNS;
	if (s->cfg.idle_ms == 0)
		s->cfg.idle_ms = STREAM_IDLE_MS;
	if (s->cfg.record_ms == 0)
		s->cfg.record_ms = STREAM_RECORD_MS;
	if (s->cfg.max_frags == 0)
		s->cfg.max_frags = STREAM_MAX_FRAGS;
	if (s->cfg.max_record == 0 || s->cfg.max_record > PM_REQUEST_MAX)
		s->cfg.max_record = PM_REQUEST_MAX;
	s->handler = handler;
	s->arg = arg;
	s->st = st;
	s->rl_accept = rl_accept;
	s->rl_conn = rl_conn;
	xdr_enc_init_grow(&s->enc, PM_REPLY_MAX);
	s->enc.ext_ok = 1;	/* conn_reply sends a tail held by reference */
	loop_timer_init(&s->sweep, stream_sweep, s);
	loop_timer_init(&s->resume, stream_resume, s);
	return s;
}

int
stream_add(struct stream_srv *s, const struct listener *li)
{
	struct stream_lis	*l;
	int			 on = 1;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return -1;
	l->srv = s;
	l->fd = li->fd;
	l->xprt = li->xprt;
	l->family = li->family;
	/*
	 * Accepted TCP sockets inherit TCP_NODELAY from the listener: set
	 * once here, it costs no system call per connection.
	 */
	if (l->family != AF_LOCAL && setsockopt(l->fd, IPPROTO_TCP,
	    TCP_NODELAY, &on, sizeof(on)) == 0)
		l->nodelay = 1;
	if (loop_add_fd(s->loop, l->fd, stream_listen_read, NULL, l) == -1) {
		free(l);
		return -1;
	}
	if (s->paused)
		loop_want_read(s->loop, l->fd, 0);
	l->next = s->lis;
	s->lis = l;
	return 0;
}

void
stream_free(struct stream_srv *s)
{
	struct stream_lis	*l;

	if (s == NULL)
		return;
	while (s->conns != NULL)
		conn_close(s->conns);
	while ((l = s->lis) != NULL) {
		s->lis = l->next;
		loop_del_fd(s->loop, l->fd);
		free(l);
	}
	loop_timer_cancel(s->loop, &s->sweep);
	loop_timer_cancel(s->loop, &s->resume);
	xdr_enc_free(&s->enc);
	free(s);
}
