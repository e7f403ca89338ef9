/*
 * udp.c - the datagram transport.  Each wake-up reads up to UDP_BATCH
 * datagrams from a socket in one recvmmsg(), drops those the kernel
 * truncated, hands the rest to the handler and sends each reply from the
 * local address the request arrived on (IP_PKTINFO / IPV6_PKTINFO).
 * The replies of a batch are encoded one after the other into one arena
 * and go out together in one sendmmsg(), so a busy socket costs about two
 * system calls per batch, not one per request.  Buffers are allocated
 * once; the message headers are set up once and only the fields the
 * kernel changed are reset.
 */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "pmap_prot.h"
#include "transport.h"

#define UDP_RECV_MAX	(PM_REQUEST_MAX + 1)	/* one more: longer is truncated */
#define UDP_OUT_MAX	(2 * PM_UDP_MAX)	/* the replies of a batch */

/* Room for an IP_PKTINFO or IPV6_PKTINFO control message, aligned. */
union udp_ctl {
	char		buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
			    CMSG_SPACE(sizeof(struct in_pktinfo))];
	size_t		align;	/* cmsghdr's own alignment */
};

struct udp_sock {
	struct udp_srv	*srv;
	int		 fd;
	enum xprt	 xprt;
	int		 family;
	struct udp_sock	*next;
};

struct udp_srv {
	struct loop		*loop;
	srv_handler_fn		 handler;
	void			*arg;
	struct xprt_stats	*st;
	struct udp_sock		*socks;
	uint8_t			*bufs;			/* UDP_BATCH * UDP_RECV_MAX */
	struct mmsghdr		 msgs[UDP_BATCH];
	struct iovec		 iov[UDP_BATCH];
	struct sockaddr_storage	 peers[UDP_BATCH];
	union udp_ctl		 ctl[UDP_BATCH];
	union udp_ctl		 sctl;
	int			 nused;		/* headers the last recvmmsg filled */
	/* replies waiting for the batch's sendmmsg() */
	uint8_t			*out;		/* UDP_OUT_MAX */
	size_t			 outlen;
	unsigned		 nout;
	struct mmsghdr		 smsgs[UDP_BATCH];
	struct iovec		 siov[UDP_BATCH];
	union udp_ctl		 sctls[UDP_BATCH];
	struct caller		 caller;
	srv_presend_fn		 presend;	/* before replies go out */
	void			*presend_arg;
	/* the request being handled, for udp_origin() */
	const struct udp_sock	*cur_sock;
	const struct msghdr	*cur_msg;
	struct ratelim		 rl_trunc, rl_send, rl_recv;
};

struct udp_srv *
udp_new(struct loop *loop, srv_handler_fn handler, void *arg,
    struct xprt_stats *st)
{
	struct udp_srv	*u;
	struct msghdr	*m;
	int		 i;
	struct ratelim	 rl_trunc = RATELIM_INIT("udp: oversized datagrams", 3, 60);
	struct ratelim	 rl_send = RATELIM_INIT("udp: send errors", 3, 60);
	struct ratelim	 rl_recv = RATELIM_INIT("udp: receive errors", 3, 60);

	if ((u = calloc(1, sizeof(*u))) == NULL)
		return NULL;
	if ((u->bufs = malloc((size_t)UDP_BATCH * UDP_RECV_MAX)) == NULL ||
	    (u->out = malloc(UDP_OUT_MAX)) == NULL) {
		free(u->bufs);
		free(u);
		return NULL;
	}
	for (i = 0; i < UDP_BATCH; i++) {
		u->iov[i].iov_base = u->bufs + (size_t)i * UDP_RECV_MAX;
		u->iov[i].iov_len = UDP_RECV_MAX;
		m = &u->msgs[i].msg_hdr;
		m->msg_name = &u->peers[i];
		m->msg_iov = &u->iov[i];
		m->msg_iovlen = 1;
		m->msg_control = u->ctl[i].buf;
	}
	u->nused = UDP_BATCH;
	u->loop = loop;
	u->handler = handler;
	u->arg = arg;
	u->st = st;
	u->rl_trunc = rl_trunc;
	u->rl_send = rl_send;
	u->rl_recv = rl_recv;
	return u;
}

void
udp_free(struct udp_srv *u)
{
	struct udp_sock	*s;

	if (u == NULL)
		return;
	while ((s = u->socks) != NULL) {
		u->socks = s->next;
		loop_del_fd(u->loop, s->fd);
		free(s);
	}
	free(u->bufs);
	free(u->out);
	free(u);
}

/*
 * Where a request arrived: the local address it was sent to becomes the
 * source of its reply (and of a reply sent later, udp_send()).
 */
static void
udp_origin_of(const struct udp_sock *s, const struct msghdr *rm,
    struct udp_origin *o)
{
	struct cmsghdr		*c;
	struct in_pktinfo	 pi;
	struct in6_pktinfo	 pi6;

	memset(o, 0, sizeof(*o));
	o->fd = s->fd;
	for (c = CMSG_FIRSTHDR(rm); c != NULL; c = CMSG_NXTHDR((struct msghdr *)rm, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(pi))) {
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			/* spec_dst: our address, even for a broadcast request */
			o->family = AF_INET;
			memcpy(o->local, &pi.ipi_spec_dst, 4);
			return;
		}
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(pi6))) {
			memcpy(&pi6, CMSG_DATA(c), sizeof(pi6));
			if (IN6_IS_ADDR_MULTICAST(&pi6.ipi6_addr))
				return;	/* the kernel picks the source */
			o->family = AF_INET6;
			memcpy(o->local, &pi6.ipi6_addr, 16);
			/*
			 * Pin the interface only for a link-local address,
			 * which needs it.  Otherwise let routing choose: a
			 * request from ::1 to a global address of eth0
			 * arrived on eth0, but the reply must leave by lo.
			 */
			if (IN6_IS_ADDR_LINKLOCAL(&pi6.ipi6_addr))
				o->ifindex = pi6.ipi6_ifindex;
			return;
		}
	}
}

/* The control message that sets a reply's source; its length, 0 for none. */
static size_t
udp_origin_ctl(union udp_ctl *ctl, const struct udp_origin *o)
{
	struct cmsghdr		*c;
	struct in_pktinfo	 pi;
	struct in6_pktinfo	 pi6;

	if (o->family != AF_INET && o->family != AF_INET6)
		return 0;
	memset(ctl, 0, sizeof(*ctl));
	c = (struct cmsghdr *)ctl->buf;
	switch (o->family) {
	case AF_INET:
		memset(&pi, 0, sizeof(pi));
		memcpy(&pi.ipi_spec_dst, o->local, 4);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		return CMSG_SPACE(sizeof(pi));
	case AF_INET6:
		memset(&pi6, 0, sizeof(pi6));
		memcpy(&pi6.ipi6_addr, o->local, 16);
		pi6.ipi6_ifindex = o->ifindex;
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi6));
		memcpy(CMSG_DATA(c), &pi6, sizeof(pi6));
		return CMSG_SPACE(sizeof(pi6));
	default:
		return 0;
	}
}

/* Send buf to peer from the socket and local address of origin o. */
static int
udp_sendto(struct udp_srv *u, const struct udp_origin *o,
    const struct sockaddr *peer, socklen_t peerlen, const void *buf, size_t len)
{
	struct msghdr	 m;
	struct iovec	 iov;
	char		 a[80];

	memset(&m, 0, sizeof(m));
	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	m.msg_name = (void *)peer;
	m.msg_namelen = peerlen;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_controllen = udp_origin_ctl(&u->sctl, o);
	m.msg_control = m.msg_controllen > 0 ? u->sctl.buf : NULL;
	if (sendmsg(o->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL) == -1) {
		u->st->send_errors++;
		if (errno != EAGAIN && errno != ECONNREFUSED &&
		    log_ratelimited(&u->rl_send, loop_now(u->loop)))
			log_warn("udp: reply to %s", log_sockaddr(peer, peerlen,
			    a, sizeof(a)));
		return -1;
	}
	u->st->dgrams_out++;
	return 0;
}

/*
 * sendmmsg(2).  musl's, on 64-bit systems, sends one sendmsg() per
 * message: its struct msghdr and cmsghdr have 32-bit lengths followed by
 * padding members where the kernel reads 64-bit ones, and it cannot know
 * that a caller's padding is zero.  Ours is (udp_reply() writes whole
 * headers, udp_origin_ctl() clears the control buffer first), so the
 * system call reads the right lengths: call it directly.
 */
static int
udp_sendmmsg(int fd, struct mmsghdr *v, unsigned n, int flags)
{
#if defined(__GLIBC__) || !defined(SYS_sendmmsg)
	return sendmmsg(fd, v, n, flags);
#else
	return (int)syscall(SYS_sendmmsg, fd, v, n, flags);
#endif
}

/* Send the replies of the batch, in one sendmmsg() as far as it goes. */
static void
udp_flush(struct udp_srv *u, int fd)
{
	struct msghdr	*m;
	char		 a[80];
	unsigned	 i = 0;
	int		 n;

	if (u->presend != NULL)
		u->presend(u->presend_arg);
	while (i < u->nout) {
		n = udp_sendmmsg(fd, u->smsgs + i, u->nout - i,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			u->st->dgrams_out += (unsigned)n;
			i += (unsigned)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		/* the reply at i failed: count it, go on with the next */
		u->st->send_errors++;
		m = &u->smsgs[i].msg_hdr;
		if (n == -1 && errno != EAGAIN && errno != ECONNREFUSED &&
		    log_ratelimited(&u->rl_send, loop_now(u->loop)))
			log_warn("udp: reply to %s", log_sockaddr(m->msg_name,
			    m->msg_namelen, a, sizeof(a)));
		i++;
	}
	u->nout = 0;
	u->outlen = 0;
}

/*
 * Does the reply need its source set?  Not for a request from 127.0.0.1
 * to 127.0.0.1, or from ::1 to ::1, the local case: the kernel's route to
 * those has that very address as its source, so the reply leaves from it
 * anyway, and the control message (copied and parsed per datagram) is
 * saved.  (Not for other addresses of 127/8, whose route prefers
 * 127.0.0.1.)
 */
static int
udp_need_source(const struct udp_origin *o, const struct sockaddr *peer)
{
	static const uint8_t		 lo4[4] = { 127, 0, 0, 1 };
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	if (o->family == AF_INET && peer->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)(const void *)peer;
		return memcmp(o->local, lo4, 4) != 0 ||
		    memcmp(&sin->sin_addr, lo4, 4) != 0;
	}
	if (o->family == AF_INET6 && peer->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)(const void *)peer;
		return memcmp(o->local, &in6addr_loopback, 16) != 0 ||
		    !IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr) || o->ifindex != 0;
	}
	return o->family != 0;
}

/* Queue the reply in enc (written at u->out + u->outlen) for rm's sender. */
static void
udp_reply(struct udp_srv *u, struct udp_sock *s, struct msghdr *rm,
    const struct xdr_enc *enc)
{
	struct udp_origin	 o;
	struct msghdr		*m = &u->smsgs[u->nout].msg_hdr;
	struct iovec		*iov = &u->siov[u->nout];

	udp_origin_of(s, rm, &o);
	if (!udp_need_source(&o, rm->msg_name))
		o.family = 0;
	iov->iov_base = enc->buf;
	iov->iov_len = enc->len;
	/* Whole: a C library's padding members are zero (see udp_sendmmsg) */
	*m = (struct msghdr){
		.msg_name = rm->msg_name,
		.msg_namelen = rm->msg_namelen,
		.msg_iov = iov,
		.msg_iovlen = 1,
	};
	m->msg_controllen = udp_origin_ctl(&u->sctls[u->nout], &o);
	m->msg_control = m->msg_controllen > 0 ? u->sctls[u->nout].buf : NULL;
	u->nout++;
	/* the next reply starts aligned */
	u->outlen += (enc->len + 7) & ~(size_t)7;
}

int
udp_origin(const struct udp_srv *u, struct udp_origin *o)
{
	if (u == NULL || u->cur_sock == NULL || u->cur_msg == NULL)
		return -1;
	udp_origin_of(u->cur_sock, u->cur_msg, o);
	return 0;
}

int
udp_send(struct udp_srv *u, const struct udp_origin *o,
    const struct sockaddr *peer, socklen_t peerlen, const void *buf,
    size_t len)
{
	const struct udp_sock	*s;

	if (u == NULL || o == NULL || peer == NULL || len == 0 ||
	    len > PM_UDP_MAX)
		return -1;
	/* only through one of our listeners, still registered */
	for (s = u->socks; s != NULL; s = s->next)
		if (s->fd == o->fd)
			break;
	if (s == NULL)
		return -1;
	return udp_sendto(u, o, peer, peerlen, buf, len);
}

static void
udp_read(struct loop *loop, int fd, void *arg)
{
	struct udp_sock	*s = arg;
	struct udp_srv	*u = s->srv;
	struct msghdr	*m;
	struct caller	*caller = &u->caller;
	struct xdr_enc	 enc;
	char		 a[80];
	int		 i, n, r;

	/* what the kernel changed in the headers it filled last time */
	for (i = 0; i < u->nused; i++) {
		m = &u->msgs[i].msg_hdr;
		m->msg_namelen = sizeof(u->peers[i]);
		m->msg_controllen = sizeof(u->ctl[i].buf);
	}
	u->nused = 0;
	n = recvmmsg(fd, u->msgs, UDP_BATCH, MSG_DONTWAIT, NULL);
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    log_ratelimited(&u->rl_recv, loop_now(loop)))
			log_warn("udp: receive");
		return;
	}
	u->nused = n;
	for (i = 0; i < n; i++) {
		m = &u->msgs[i].msg_hdr;
		u->st->dgrams_in++;
		if ((m->msg_flags & MSG_TRUNC) || u->msgs[i].msg_len > PM_REQUEST_MAX) {
			u->st->dgrams_trunc++;
			if (log_ratelimited(&u->rl_trunc, loop_now(loop)))
				log_warnx("udp: dropped a datagram over %u bytes from %s",
				    PM_REQUEST_MAX, log_sockaddr(m->msg_name,
				    m->msg_namelen, a, sizeof(a)));
			continue;
		}
		if (m->msg_namelen > sizeof(caller->peer))
			continue;
		/* a datagram caller: only these fields mean anything */
		caller->xprt = s->xprt;
		memcpy(&caller->peer, m->msg_name, m->msg_namelen);
		caller->peerlen = m->msg_namelen;
		caller->has_cred = 0;
		caller->uid = 0;
		caller->pid = 0;
		caller->restricted = 0;
		caller->netns = 0;
		/* IPv4 through a dual-stack socket: an IPv4 (udp) caller */
		if (caller->xprt == XPRT_UDP6 &&
		    caller->peer.ss_family == AF_INET6 &&
		    IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)
		    &caller->peer)->sin6_addr))
			caller->xprt = XPRT_UDP;
		/* room for the largest reply, else send what is queued */
		if (UDP_OUT_MAX - u->outlen < PM_UDP_MAX)
			udp_flush(u, fd);
		xdr_enc_init(&enc, u->out + u->outlen, PM_UDP_MAX);
		u->cur_sock = s;
		u->cur_msg = m;
		r = u->handler(u->arg, caller, u->iov[i].iov_base,
		    u->msgs[i].msg_len, &enc);
		u->cur_sock = NULL;
		u->cur_msg = NULL;
		if (r == 1 && !enc.err && enc.len > 0)
			udp_reply(u, s, m, &enc);
	}
	if (u->nout > 0)
		udp_flush(u, fd);
	else if (u->presend != NULL)
		u->presend(u->presend_arg);
}

void
udp_set_presend(struct udp_srv *u, srv_presend_fn fn, void *arg)
{
	u->presend = fn;
	u->presend_arg = arg;
}

int
udp_add(struct udp_srv *u, const struct listener *li)
{
	struct udp_sock	*s;
	int		 on = 1;

	if (li->family == AF_INET6) {
		if (setsockopt(li->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
		    sizeof(on)) == -1)
			log_warn("%s: IPV6_RECVPKTINFO", li->name);
	} else if (setsockopt(li->fd, IPPROTO_IP, IP_PKTINFO, &on,
	    sizeof(on)) == -1)
		log_warn("%s: IP_PKTINFO", li->name);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->srv = u;
	s->fd = li->fd;
	s->xprt = li->xprt;
	s->family = li->family;
	if (loop_add_fd(u->loop, s->fd, udp_read, NULL, s) == -1) {
		free(s);
		return -1;
	}
	s->next = u->socks;
	u->socks = s;
	return 0;
}
