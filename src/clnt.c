/*
 * clnt.c - the small ONC RPC client of rpcinfo, pmap_dump and pmap_set:
 * calls over UDP, TCP and AF_LOCAL streams, the port mapper's address
 * lookup, broadcasts, and bounded decoders of the port mapper's results.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <stdarg.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clnt.h"
#include "pmap_prot.h"
#include "rpcmsg.h"
#include "uaddr.h"
#include "xdr.h"

#define CL_CALL_MAX	(PM_ARGS_MAX + 512)	/* largest call we send */
#define CL_RETRY_MS	2000		/* first UDP retransmission */
#define CL_BCAST_RETRY	4000		/* broadcast: resend after 4 s */
#define CL_BCAST_IFS	64		/* broadcast addresses at most */
#define CL_BCAST_MAXREP	10000		/* answers reported at most */
#define CL_RESV_LOW	600		/* reserved ports we try, like */
#define CL_RESV_HIGH	1023		/* libtirpc's bindresvport */

static uint32_t	cl_next_xid;

static uint32_t
cl_new_xid(void)
{
	struct timespec	ts;

	if (cl_next_xid == 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		cl_next_xid = (uint32_t)ts.tv_sec ^ (uint32_t)ts.tv_nsec ^
		    ((uint32_t)getpid() << 16);
		if (cl_next_xid == 0)
			cl_next_xid = 1;
	}
	return cl_next_xid++;
}

static int64_t
cl_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
cl_left_ms(int64_t deadline)
{
	int64_t	left = deadline - cl_now_ms();

	if (left < 0)
		return 0;
	if (left > 24 * 3600 * 1000)
		left = 24 * 3600 * 1000;
	return (int)left;
}

void
cl_seterr(struct cl_err *e, enum cl_stat stat, int errnum)
{
	memset(e, 0, sizeof(*e));
	e->stat = stat;
	e->errnum = errnum;
}

/* ---- messages, worded like libtirpc's ---- */

static const char *const cl_errlist[] = {
	"RPC: Success",
	"RPC: Can't encode arguments",
	"RPC: Can't decode result",
	"RPC: Unable to send",
	"RPC: Unable to receive",
	"RPC: Timed out",
	"RPC: Incompatible versions of RPC",
	"RPC: Authentication error",
	"RPC: Program unavailable",
	"RPC: Program/version mismatch",
	"RPC: Procedure unavailable",
	"RPC: Server can't decode arguments",
	"RPC: Remote system error",
	"RPC: Unknown host",
	"RPC: Port mapper failure",
	"RPC: Program not registered",
	"RPC: Failed (unspecified error)",
	"RPC: Unknown protocol",
};

const char *
cl_sperrno(enum cl_stat stat)
{
	if ((unsigned)stat < sizeof(cl_errlist) / sizeof(cl_errlist[0]))
		return cl_errlist[stat];
	return "RPC: (unknown error code)";
}

static const char *const cl_autherr[] = {
	"Authentication OK",
	"Invalid client credential",
	"Server rejected credential",
	"Invalid client verifier",
	"Server rejected verifier",
	"Client credential too weak",
	"Invalid server verifier",
	"Failed (unspecified error)",
};

/* Append to buf (size sz, holding a string) without overflowing. */
static void
cl_cat(char *buf, size_t sz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
cl_cat(char *buf, size_t sz, const char *fmt, ...)
{
	va_list	ap;
	size_t	len;

	if (sz == 0)
		return;
	len = strnlen(buf, sz);
	if (len >= sz - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, sz - len, fmt, ap);
	va_end(ap);
}

/*
 * strerror() in glibc's words: rpcinfo's messages are compared with
 * rpcbind's rpcinfo byte for byte, and another C library words some of
 * the errors a client meets differently (musl: "Message too large",
 * "Operation timed out", ...).
 */
static const char *
cl_strerror(int e)
{
#ifndef __GLIBC__
	static const struct {
		int		 e;
		const char	*s;
	} glibc[] = {
		{ EIO, "Input/output error" },
		{ ENOMEM, "Cannot allocate memory" },
		{ EBUSY, "Device or resource busy" },
		{ EMFILE, "Too many open files" },
		{ ENAMETOOLONG, "File name too long" },
		{ ELOOP, "Too many levels of symbolic links" },
		{ EOVERFLOW, "Value too large for defined data type" },
		{ ENOTSOCK, "Socket operation on non-socket" },
		{ EMSGSIZE, "Message too long" },
		{ EOPNOTSUPP, "Operation not supported" },
		{ EADDRINUSE, "Address already in use" },
		{ EADDRNOTAVAIL, "Cannot assign requested address" },
		{ ENETUNREACH, "Network is unreachable" },
		{ ENETRESET, "Network dropped connection on reset" },
		{ ECONNABORTED, "Software caused connection abort" },
		{ EISCONN, "Transport endpoint is already connected" },
		{ ENOTCONN, "Transport endpoint is not connected" },
		{ ESHUTDOWN, "Cannot send after transport endpoint shutdown" },
		{ ETIMEDOUT, "Connection timed out" },
		{ EHOSTUNREACH, "No route to host" },
		{ EINPROGRESS, "Operation now in progress" },
	};
	size_t	i;

	for (i = 0; i < sizeof(glibc) / sizeof(glibc[0]); i++)
		if (glibc[i].e == e)
			return glibc[i].s;
#endif
	return strerror(e);
}

void
cl_sperror(const struct cl_err *e, const char *prefix, char *buf, size_t sz)
{
	if (sz == 0)
		return;
	buf[0] = '\0';
	cl_cat(buf, sz, "%s: %s", prefix, cl_sperrno(e->stat));
	switch (e->stat) {
	case CL_CANTSEND:
	case CL_CANTRECV:
		cl_cat(buf, sz, "; errno = %s", cl_strerror(e->errnum));
		break;
	case CL_VERSMISMATCH:
	case CL_PROGVERSMISMATCH:
		cl_cat(buf, sz, "; low version = %u, high version = %u",
		    e->low, e->high);
		break;
	case CL_AUTHERROR:
		if (e->why < sizeof(cl_autherr) / sizeof(cl_autherr[0]))
			cl_cat(buf, sz, "; why = %s", cl_autherr[e->why]);
		else
			cl_cat(buf, sz, "; why = (unknown authentication "
			    "error - %d)", (int)e->why);
		break;
	case CL_SUCCESS:
	case CL_CANTENCODEARGS:
	case CL_CANTDECODERES:
	case CL_TIMEDOUT:
	case CL_PROGUNAVAIL:
	case CL_PROCUNAVAIL:
	case CL_CANTDECODEARGS:
	case CL_SYSTEMERROR:
	case CL_UNKNOWNHOST:
	case CL_UNKNOWNPROTO:
	case CL_PMAPFAILURE:
	case CL_PROGNOTREGISTERED:
	case CL_FAILED:
		break;
	default:
		cl_cat(buf, sz, "; s1 = %u, s2 = %u", 0u, 0u);
		break;
	}
}

void
cl_spcreateerror(const struct cl_err *e, const char *prefix, char *buf,
    size_t sz)
{
	if (sz == 0)
		return;
	buf[0] = '\0';
	cl_cat(buf, sz, "%s: %s", prefix, cl_sperrno(e->stat));
	switch (e->stat) {
	case CL_PMAPFAILURE:
		/* the sub-status without its "RPC: " */
		cl_cat(buf, sz, " - %s", cl_sperrno(e->sub) + 5);
		if (e->sub == CL_CANTSEND || e->sub == CL_CANTRECV)
			cl_cat(buf, sz, ": errno %d (%s)", e->suberrno,
			    cl_strerror(e->suberrno));
		break;
	case CL_SYSTEMERROR:
		cl_cat(buf, sz, " - %s", cl_strerror(e->errnum));
		break;
	default:
		break;
	}
}

/* ---- sockets ---- */

static int
cl_bind_resv(int fd, int family)
{
	struct sockaddr_storage	ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 len;
	int			 span = CL_RESV_HIGH - CL_RESV_LOW + 1;
	int			 i, port, start;

	if (geteuid() != 0 || (family != AF_INET && family != AF_INET6))
		return 0;
	start = (int)((unsigned)getpid() % (unsigned)span);
	for (i = 0; i < span; i++) {
		port = CL_RESV_LOW + (start + i) % span;
		memset(&ss, 0, sizeof(ss));
		if (family == AF_INET) {
			sin->sin_family = AF_INET;
			sin->sin_port = htons((uint16_t)port);
			len = sizeof(*sin);
		} else {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons((uint16_t)port);
			len = sizeof(*sin6);
		}
		if (bind(fd, (struct sockaddr *)&ss, len) == 0)
			return 0;
		if (errno != EADDRINUSE && errno != EACCES)
			return -1;
	}
	return -1;
}

/* Connect a non-blocking socket within timeout_ms; -1 with errno. */
static int
cl_connect(int fd, const struct sockaddr *sa, socklen_t salen, int timeout_ms)
{
	struct pollfd	pfd;
	int		r, soerr;
	socklen_t	slen = sizeof(soerr);
	int64_t		deadline = cl_now_ms() + timeout_ms;

	if (connect(fd, sa, salen) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EINTR)
		return -1;
	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		r = poll(&pfd, 1, cl_left_ms(deadline));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		break;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) == -1)
		return -1;
	if (soerr != 0) {
		errno = soerr;
		return -1;
	}
	return 0;
}

int
cl_create(struct cl *cl, enum cl_proto proto, const struct sockaddr *sa,
    socklen_t salen, uint32_t prog, uint32_t vers, int flags, int timeout_ms)
{
	int	type = proto == CL_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int	fd, e;

	memset(cl, 0, sizeof(*cl));
	cl->fd = -1;
	cl->proto = proto;
	cl->prog = prog;
	cl->vers = vers;
	cl->timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
	cl->retry_ms = CL_RETRY_MS;
	cl->max_reply = CL_REPLY_MAX;
	rm_init(&cl->rm, cl->max_reply, CL_FRAGS_MAX);
	if (salen > sizeof(cl->peer) || salen == 0 ||
	    (proto == CL_LOCAL) != (sa->sa_family == AF_LOCAL)) {
		cl_seterr(&cl->err, CL_UNKNOWNPROTO, 0);
		return -1;
	}
	memcpy(&cl->peer, sa, salen);
	cl->peerlen = salen;
	fd = socket(sa->sa_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		cl_seterr(&cl->err, CL_SYSTEMERROR, errno);
		return -1;
	}
	if ((flags & CL_RESVPORT) && cl_bind_resv(fd, sa->sa_family) == -1)
		goto fail;
	if (proto == CL_UDP) {
		/* connected: ICMP errors come back, other senders are dropped */
		if (connect(fd, sa, salen) == -1)
			goto fail;
	} else if (cl_connect(fd, sa, salen, cl->timeout_ms) == -1)
		goto fail;
	cl->fd = fd;
	return 0;
fail:
	e = errno;
	close(fd);
	cl_seterr(&cl->err, CL_SYSTEMERROR, e);
	return -1;
}

void
cl_set_vers(struct cl *cl, uint32_t vers)
{
	cl->vers = vers;
}

void
cl_destroy(struct cl *cl)
{
	if (cl->fd != -1)
		close(cl->fd);
	cl->fd = -1;
	free(cl->reply);
	cl->reply = NULL;
	rm_release(&cl->rm);
}

enum cl_stat
cl_reply_status(const uint8_t *buf, size_t len, uint32_t xid,
    struct xdr_dec *res, struct cl_err *e)
{
	struct xdr_dec	d;
	struct rpc_reply r;

	cl_seterr(e, CL_SUCCESS, 0);
	xdr_dec_init(&d, buf, len);
	if (rpcmsg_decode_reply(&d, &r) == -1 || r.xid != xid) {
		e->stat = CL_CANTDECODERES;
		return e->stat;
	}
	if (r.reply_stat == MSG_ACCEPTED) {
		switch (r.stat) {
		case ACC_SUCCESS:
			*res = d;
			return CL_SUCCESS;
		case ACC_PROG_UNAVAIL:
			e->stat = CL_PROGUNAVAIL;
			break;
		case ACC_PROG_MISMATCH:
			e->stat = CL_PROGVERSMISMATCH;
			e->low = r.low;
			e->high = r.high;
			break;
		case ACC_PROC_UNAVAIL:
			e->stat = CL_PROCUNAVAIL;
			break;
		case ACC_GARBAGE_ARGS:
			e->stat = CL_CANTDECODEARGS;
			break;
		case ACC_SYSTEM_ERR:
			e->stat = CL_SYSTEMERROR;
			break;
		default:
			e->stat = CL_FAILED;
			break;
		}
	} else if (r.stat == REJ_RPC_MISMATCH) {
		e->stat = CL_VERSMISMATCH;
		e->low = r.low;
		e->high = r.high;
	} else {
		e->stat = CL_AUTHERROR;
		e->why = r.auth_stat;
	}
	return e->stat;
}

static enum cl_stat
cl_fail(struct cl *cl, enum cl_stat stat, int errnum)
{
	cl_seterr(&cl->err, stat, errnum);
	return stat;
}

/* Encode the call message; the result is in e (caller frees). */
static int
cl_encode(struct cl *cl, struct xdr_enc *e, uint32_t proc, const void *args,
    size_t arglen, int stream)
{
	xdr_enc_init_grow(e, CL_CALL_MAX);
	if (stream)
		xdr_put_u32(e, 0);	/* the record mark, filled in below */
	cl->xid = cl_new_xid();
	rpcmsg_encode_call(e, cl->xid, cl->prog, cl->vers, proc, NULL);
	if (arglen > 0)
		xdr_put_fixed(e, args, (uint32_t)arglen);
	if (e->err || arglen > CL_CALL_MAX)
		return -1;
	if (stream)
		rm_put_header(e->buf, (uint32_t)(e->len - 4), 1);
	return 0;
}

static enum cl_stat
cl_call_udp(struct cl *cl, const uint8_t *msg, size_t msglen)
{
	int64_t		start = cl_now_ms();
	int64_t		deadline = start + cl->timeout_ms;
	int64_t		resend;
	int		wait = cl->retry_ms, r;
	ssize_t		n;
	struct pollfd	pfd;

	if (cl->reply == NULL && (cl->reply = malloc(CL_UDP_MAX)) == NULL)
		return cl_fail(cl, CL_SYSTEMERROR, ENOMEM);
	for (;;) {
		if (send(cl->fd, msg, msglen, MSG_NOSIGNAL) == -1 &&
		    errno != EINTR) {
			if (errno == ECONNREFUSED)
				return cl_fail(cl, CL_CANTRECV, errno);
			return cl_fail(cl, CL_CANTSEND, errno);
		}
		resend = cl_now_ms() + wait;
		if (wait < 30000)
			wait *= 2;
		for (;;) {
			int64_t until = resend < deadline ? resend : deadline;

			pfd.fd = cl->fd;
			pfd.events = POLLIN;
			r = poll(&pfd, 1, cl_left_ms(until));
			if (r == -1 && errno == EINTR)
				continue;
			if (r == -1)
				return cl_fail(cl, CL_CANTRECV, errno);
			if (r == 0) {
				if (cl_now_ms() >= deadline)
					return cl_fail(cl, CL_TIMEDOUT, 0);
				break;		/* time to resend */
			}
			n = recv(cl->fd, cl->reply, CL_UDP_MAX, MSG_TRUNC);
			if (n == -1) {
				if (errno == EINTR || errno == EAGAIN)
					continue;
				return cl_fail(cl, CL_CANTRECV, errno);
			}
			if (n < 4 || (size_t)n > CL_UDP_MAX)
				continue;	/* runt or cut: not ours */
			if (memcmp(cl->reply, msg, 4) != 0)
				continue;	/* another call's reply */
			cl->replylen = (size_t)n;
			return cl_reply_status(cl->reply, cl->replylen, cl->xid,
			    &cl->res, &cl->err);
		}
	}
}

static enum cl_stat
cl_call_stream(struct cl *cl, const uint8_t *msg, size_t msglen)
{
	int64_t		deadline = cl_now_ms() + cl->timeout_ms;
	size_t		off = 0, used, pos;
	uint8_t		chunk[16384];
	struct pollfd	pfd;
	ssize_t		n;
	int		r;
	enum rm_status	st;

	rm_release(&cl->rm);
	rm_init(&cl->rm, cl->max_reply, CL_FRAGS_MAX);
	while (off < msglen) {
		n = send(cl->fd, msg + off, msglen - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n == -1 && errno != EAGAIN && errno != EINTR)
			return cl_fail(cl, CL_CANTSEND, errno);
		pfd.fd = cl->fd;
		pfd.events = POLLOUT;
		r = poll(&pfd, 1, cl_left_ms(deadline));
		if (r == 0)
			return cl_fail(cl, CL_TIMEDOUT, 0);
		if (r == -1 && errno != EINTR)
			return cl_fail(cl, CL_CANTSEND, errno);
	}
	for (;;) {
		pfd.fd = cl->fd;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, cl_left_ms(deadline));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return cl_fail(cl, CL_CANTRECV, errno);
		if (r == 0)
			return cl_fail(cl, CL_TIMEDOUT, 0);
		n = recv(cl->fd, chunk, sizeof(chunk), 0);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return cl_fail(cl, CL_CANTRECV, errno);
		}
		if (n == 0)	/* premature end, as libtirpc words it */
			return cl_fail(cl, CL_CANTRECV, ECONNRESET);
		pos = 0;
		while (pos < (size_t)n) {
			st = rm_feed(&cl->rm, chunk + pos, (size_t)n - pos,
			    &used);
			pos += used;
			if (st == RM_TOOBIG)
				return cl_fail(cl, CL_CANTRECV, EMSGSIZE);
			if (st == RM_MORE)
				break;
			/* a whole record: ours, or a stray one to skip */
			if (cl->rm.len >= 4 &&
			    memcmp(cl->rm.rec, msg + 4, 4) == 0)
				return cl_reply_status(cl->rm.rec, cl->rm.len,
				    cl->xid, &cl->res, &cl->err);
			rm_next(&cl->rm);
		}
	}
}

enum cl_stat
cl_call(struct cl *cl, uint32_t proc, const void *args, size_t arglen)
{
	struct xdr_enc	e;
	enum cl_stat	st;
	int		stream = cl->proto != CL_UDP;

	if (cl->fd == -1)
		return cl_fail(cl, CL_FAILED, 0);
	if (cl_encode(cl, &e, proc, args, arglen, stream) == -1) {
		xdr_enc_free(&e);
		return cl_fail(cl, CL_CANTENCODEARGS, 0);
	}
	if (stream)
		st = cl_call_stream(cl, e.buf, e.len);
	else
		st = cl_call_udp(cl, e.buf, e.len);
	xdr_enc_free(&e);
	return st;
}

/* ---- encoders ---- */

void
cl_enc_pmap(struct xdr_enc *e, uint32_t prog, uint32_t vers, uint32_t prot,
    uint32_t port)
{
	xdr_put_u32(e, prog);
	xdr_put_u32(e, vers);
	xdr_put_u32(e, prot);
	xdr_put_u32(e, port);
}

void
cl_enc_rpcb(struct xdr_enc *e, uint32_t prog, uint32_t vers,
    const char *netid, const char *addr, const char *owner)
{
	xdr_put_u32(e, prog);
	xdr_put_u32(e, vers);
	xdr_put_string(e, netid);
	xdr_put_string(e, addr);
	xdr_put_string(e, owner);
}

/* ---- decoders ---- */

/* A string<max> as a malloc'd C string; -1 if longer, or with a NUL. */
static int
cl_get_str(struct xdr_dec *d, char **out, uint32_t max)
{
	const uint8_t	*p;
	uint32_t	 len;
	char		*s;

	*out = NULL;
	if (xdr_get_opaque(d, &p, &len, max) == -1)
		return -1;
	if (memchr(p, '\0', len) != NULL)
		return -1;
	if ((s = malloc((size_t)len + 1)) == NULL)
		return -1;
	memcpy(s, p, len);
	s[len] = '\0';
	*out = s;
	return 0;
}

/* Make room for one more element of size sz in *v (n used, *cap held). */
static int
cl_grow(void **v, size_t n, size_t *cap, size_t sz)
{
	void	*nv;
	size_t	 ncap;

	if (n >= CL_LIST_MAX)
		return -1;
	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > CL_LIST_MAX)
		ncap = CL_LIST_MAX;
	if ((nv = realloc(*v, ncap * sz)) == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

/* The "more" flag of an XDR list (a pointer: 0 or 1, anything else bad). */
static int
cl_more(struct xdr_dec *d, int *more)
{
	return xdr_get_bool(d, more);
}

/*
 * Decode an XDR list (a "more" flag before each entry, 0 after the last)
 * into a growing array of sz-byte elements, each zeroed and then filled
 * by dec.  The array stays in *v with *n elements, the one that failed
 * included, for the caller to free either way.
 */
static int
cl_dec_list(struct xdr_dec *d, void **v, size_t *n, size_t sz,
    int (*dec)(struct xdr_dec *, void *))
{
	size_t	 cap = 0;
	char	*m;
	int	 more;

	for (;;) {
		if (cl_more(d, &more) == -1)
			return -1;
		if (!more)
			return 0;
		if (cl_grow(v, *n, &cap, sz) == -1)
			return -1;
		m = (char *)*v + *n * sz;
		memset(m, 0, sz);
		(*n)++;
		if (dec(d, m) == -1)
			return -1;
	}
}

static int
cl_dec_pmap(struct xdr_dec *d, void *e)
{
	struct cl_pmap	*m = e;

	return xdr_get_u32(d, &m->prog) == -1 ||
	    xdr_get_u32(d, &m->vers) == -1 ||
	    xdr_get_u32(d, &m->prot) == -1 ||
	    xdr_get_u32(d, &m->port) == -1 ? -1 : 0;
}

int
cl_dec_pmaplist(struct xdr_dec *d, struct cl_pmap **out, size_t *np)
{
	void	*v = NULL;
	size_t	 n = 0;

	*out = NULL;
	*np = 0;
	if (cl_dec_list(d, &v, &n, sizeof(**out), cl_dec_pmap) == -1) {
		free(v);
		return -1;
	}
	*out = v;
	*np = n;
	return 0;
}

void
cl_free_rpcblist(struct cl_rpcb *v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].netid);
		free(v[i].addr);
		free(v[i].owner);
	}
	free(v);
}

static int
cl_dec_rpcb(struct xdr_dec *d, void *e)
{
	struct cl_rpcb	*m = e;

	return xdr_get_u32(d, &m->prog) == -1 ||
	    xdr_get_u32(d, &m->vers) == -1 ||
	    cl_get_str(d, &m->netid, CL_NETID_MAX) == -1 ||
	    cl_get_str(d, &m->addr, CL_UADDR_MAX) == -1 ||
	    cl_get_str(d, &m->owner, CL_NETID_MAX) == -1 ? -1 : 0;
}

int
cl_dec_rpcblist(struct xdr_dec *d, struct cl_rpcb **out, size_t *np)
{
	void	*v = NULL;
	size_t	 n = 0;

	*out = NULL;
	*np = 0;
	if (cl_dec_list(d, &v, &n, sizeof(**out), cl_dec_rpcb) == -1) {
		cl_free_rpcblist(v, n);
		return -1;
	}
	*out = v;
	*np = n;
	return 0;
}

void
cl_free_entrylist(struct cl_entry *v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].maddr);
		free(v[i].netid);
		free(v[i].protofmly);
		free(v[i].proto);
	}
	free(v);
}

static int
cl_dec_entry(struct xdr_dec *d, void *e)
{
	struct cl_entry	*m = e;

	return cl_get_str(d, &m->maddr, CL_UADDR_MAX) == -1 ||
	    cl_get_str(d, &m->netid, CL_NETID_MAX) == -1 ||
	    xdr_get_u32(d, &m->semantics) == -1 ||
	    cl_get_str(d, &m->protofmly, CL_NETID_MAX) == -1 ||
	    cl_get_str(d, &m->proto, CL_NETID_MAX) == -1 ? -1 : 0;
}

int
cl_dec_entrylist(struct xdr_dec *d, struct cl_entry **out, size_t *np)
{
	void	*v = NULL;
	size_t	 n = 0;

	*out = NULL;
	*np = 0;
	if (cl_dec_list(d, &v, &n, sizeof(**out), cl_dec_entry) == -1) {
		cl_free_entrylist(v, n);
		return -1;
	}
	*out = v;
	*np = n;
	return 0;
}

static void
cl_free_vers(struct cl_stat_vers *s)
{
	size_t	i;

	for (i = 0; i < s->naddr; i++)
		free(s->addr[i].netid);
	for (i = 0; i < s->nrmt; i++)
		free(s->rmt[i].netid);
	free(s->addr);
	free(s->rmt);
	memset(s, 0, sizeof(*s));
}

void
cl_free_stats(struct cl_stat_vers st[3])
{
	int	i;

	for (i = 0; i < 3; i++)
		cl_free_vers(&st[i]);
}

static int
cl_get_i32(struct xdr_dec *d, int32_t *v)
{
	uint32_t	u;

	if (xdr_get_u32(d, &u) == -1)
		return -1;
	*v = (int32_t)u;
	return 0;
}

static int
cl_dec_addrstat(struct xdr_dec *d, void *e)
{
	struct cl_addrstat *a = e;

	return xdr_get_u32(d, &a->prog) == -1 ||
	    xdr_get_u32(d, &a->vers) == -1 ||
	    cl_get_i32(d, &a->success) == -1 ||
	    cl_get_i32(d, &a->failure) == -1 ||
	    cl_get_str(d, &a->netid, CL_NETID_MAX) == -1 ? -1 : 0;
}

static int
cl_dec_rmtstat(struct xdr_dec *d, void *e)
{
	struct cl_rmtstat *r = e;

	return xdr_get_u32(d, &r->prog) == -1 ||
	    xdr_get_u32(d, &r->vers) == -1 ||
	    xdr_get_u32(d, &r->proc) == -1 ||
	    cl_get_i32(d, &r->success) == -1 ||
	    cl_get_i32(d, &r->failure) == -1 ||
	    cl_get_i32(d, &r->indirect) == -1 ||
	    cl_get_str(d, &r->netid, CL_NETID_MAX) == -1 ? -1 : 0;
}

/* One rpcb_stat; what it allocated stays in s for cl_free_vers(). */
static int
cl_dec_vers(struct xdr_dec *d, struct cl_stat_vers *s)
{
	void	*v;
	size_t	 i;
	int	 r;

	for (i = 0; i < CL_STAT_PROCS; i++)
		if (cl_get_i32(d, &s->info[i]) == -1)
			return -1;
	if (cl_get_i32(d, &s->setinfo) == -1 ||
	    cl_get_i32(d, &s->unsetinfo) == -1)
		return -1;
	v = NULL;
	r = cl_dec_list(d, &v, &s->naddr, sizeof(*s->addr), cl_dec_addrstat);
	s->addr = v;
	if (r == -1)
		return -1;
	v = NULL;
	r = cl_dec_list(d, &v, &s->nrmt, sizeof(*s->rmt), cl_dec_rmtstat);
	s->rmt = v;
	return r;
}

int
cl_dec_stats(struct xdr_dec *d, struct cl_stat_vers st[3])
{
	int	i;

	memset(st, 0, 3 * sizeof(*st));
	for (i = 0; i < 3; i++) {
		if (cl_dec_vers(d, &st[i]) == -1) {
			cl_free_stats(st);
			return -1;
		}
	}
	return 0;
}

char *
cl_escape(const char *s, size_t n, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t	i, o = 0;
	unsigned char c;

	if (outsz == 0)
		return out;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= outsz)
				goto cut;
			out[o++] = (char)c;
		} else if (c == '\\') {
			if (o + 2 >= outsz)
				goto cut;
			out[o++] = '\\';
			out[o++] = '\\';
		} else {
			if (o + 4 >= outsz)
				goto cut;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
cut:
	if (outsz >= 4) {
		if (o > outsz - 4)
			o = outsz - 4;
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o < outsz ? o : outsz - 1] = '\0';
	return out;
}

/* ---- the port mapper's address lookup ---- */

/* One GETADDR (v3 or v4) call on an open client; 0, or -1 with err. */
static int
cl_getaddr_rpcb(struct cl *c, uint32_t rvers, const char *netid,
    uint32_t prog, uint32_t vers, const char *hint,
    struct sockaddr_storage *out, socklen_t *outlen, struct cl_err *err)
{
	struct xdr_enc	 e;
	char		*uaddr = NULL;
	int		 rc = -1;

	cl_set_vers(c, rvers);
	xdr_enc_init_grow(&e, 2048);
	cl_enc_rpcb(&e, prog, vers, netid, hint, "libtirpc");
	if (e.err) {
		xdr_enc_free(&e);
		cl_seterr(err, CL_CANTENCODEARGS, 0);
		return -1;
	}
	if (cl_call(c, RPCBPROC_GETADDR, e.buf, e.len) != CL_SUCCESS) {
		*err = c->err;
		goto out;
	}
	if (cl_get_str(&c->res, &uaddr, CL_UADDR_MAX) == -1) {
		cl_seterr(err, CL_CANTDECODERES, 0);
		goto out;
	}
	if (uaddr[0] == '\0') {
		cl_seterr(err, CL_PROGNOTREGISTERED, 0);
		goto out;
	}
	if (uaddr_to_sockaddr(uaddr, netid, out, outlen) == -1) {
		cl_seterr(err, CL_N2AXLATEFAILURE, 0);
		goto out;
	}
	rc = 0;
out:
	free(uaddr);
	xdr_enc_free(&e);
	return rc;
}

static int
cl_getport_v2(const struct sockaddr *pmap, socklen_t pmaplen,
    enum cl_proto proto, uint32_t prog, uint32_t vers, int timeout_ms,
    struct sockaddr_storage *out, socklen_t *outlen, struct cl_err *err)
{
	struct cl	c;
	struct xdr_enc	e;
	uint8_t		args[16];
	uint32_t	port;
	int		rc = -1;

	if (cl_create(&c, CL_UDP, pmap, pmaplen, PMAP_PROG, PMAP_VERS, 0,
	    timeout_ms) == -1) {
		*err = c.err;
		return -1;
	}
	xdr_enc_init(&e, args, sizeof(args));
	cl_enc_pmap(&e, prog, vers,
	    proto == CL_TCP ? IPPROTO_TCP_NUM : IPPROTO_UDP_NUM, 0);
	if (cl_call(&c, PMAPPROC_GETPORT, e.buf, e.len) != CL_SUCCESS) {
		cl_seterr(err, CL_PMAPFAILURE, 0);
		err->sub = c.err.stat;
		err->suberrno = c.err.errnum;
		goto out;
	}
	if (xdr_get_u32(&c.res, &port) == -1 || port > 65535) {
		cl_seterr(err, CL_PMAPFAILURE, 0);
		err->sub = CL_CANTDECODERES;
		goto out;
	}
	if (port == 0) {
		cl_seterr(err, CL_PROGNOTREGISTERED, 0);
		goto out;
	}
	memcpy(out, pmap, pmaplen);
	*outlen = pmaplen;
	((struct sockaddr_in *)out)->sin_port = htons((uint16_t)port);
	rc = 0;
out:
	cl_destroy(&c);
	return rc;
}

int
cl_getaddr(const struct sockaddr *pmap, socklen_t pmaplen,
    enum cl_proto proto, const char *netid, uint32_t prog, uint32_t vers,
    int timeout_ms, struct sockaddr_storage *out, socklen_t *outlen,
    struct cl_err *err)
{
	struct cl	c;
	char		hint[PM_UADDR_MAX + 1];
	int		rc;

	cl_seterr(err, CL_SUCCESS, 0);
	hint[0] = '\0';
	if (proto != CL_LOCAL &&
	    uaddr_from_sockaddr(pmap, pmaplen, hint, sizeof(hint)) == -1)
		hint[0] = '\0';
	if (cl_create(&c, proto, pmap, pmaplen, PMAP_PROG, RPCBVERS_4, 0,
	    timeout_ms) == -1) {
		*err = c.err;
		return -1;
	}
	rc = cl_getaddr_rpcb(&c, RPCBVERS_4, netid, prog, vers, hint, out,
	    outlen, err);
	if (rc == -1 && (err->stat == CL_PROGVERSMISMATCH ||
	    err->stat == CL_PROGUNAVAIL))
		rc = cl_getaddr_rpcb(&c, RPCBVERS_3, netid, prog, vers, hint,
		    out, outlen, err);
	cl_destroy(&c);
	if (rc == -1 && (err->stat == CL_PROGVERSMISMATCH ||
	    err->stat == CL_PROGUNAVAIL) && pmap->sa_family == AF_INET)
		rc = cl_getport_v2(pmap, pmaplen, proto, prog, vers,
		    timeout_ms, out, outlen, err);
	return rc;
}

/* ---- broadcast ---- */

/* An AUTH_SYS credential for root-less broadcasts: uid, gid, no groups. */
static size_t
cl_authsys(uint8_t *buf, size_t sz)
{
	struct xdr_enc	e;
	char		host[64];

	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	xdr_enc_init(&e, buf, sz);
	xdr_put_u32(&e, (uint32_t)time(NULL));
	xdr_put_string(&e, host);
	xdr_put_u32(&e, (uint32_t)geteuid());
	xdr_put_u32(&e, (uint32_t)getegid());
	xdr_put_u32(&e, 0);
	return e.err ? 0 : e.len;
}

static int
cl_bcast_msg(struct xdr_enc *e, uint32_t xid, uint32_t pvers,
    uint32_t proc, uint32_t prog, uint32_t vers, const struct rpc_auth *cred)
{
	rpcmsg_encode_call(e, xid, PMAP_PROG, pvers, proc, cred);
	xdr_put_u32(e, prog);
	xdr_put_u32(e, vers);
	xdr_put_u32(e, 0);		/* the procedure we ping: NULL */
	xdr_put_u32(e, 0);		/* its arguments: none */
	return e->err ? -1 : 0;
}

enum cl_stat
cl_broadcast(uint32_t prog, uint32_t vers, uint32_t proc, int timeout_ms,
    cl_bcast_fn fn, void *arg)
{
	struct sockaddr_in	 bc[CL_BCAST_IFS];
	struct ifaddrs		*ifa, *i;
	struct rpc_auth		 cred;
	struct xdr_enc		 e3, e2;
	struct xdr_dec		 res;
	struct cl_err		 err;
	struct sockaddr_storage	 from;
	socklen_t		 fromlen;
	uint8_t			 credbuf[128], m3[256], m2[256];
	uint8_t			*in = NULL;
	char			 uaddr[CL_UADDR_MAX + 1];
	char			*s;
	size_t			 nbc = 0, k, reports = 0;
	uint32_t		 xid, rxid, port;
	int64_t			 deadline, resend;
	int			 fd, on = 1, r, stop = 0;
	ssize_t			 n;
	struct pollfd		 pfd;
	enum cl_stat		 st = CL_TIMEDOUT;

	(void)proc;
	if (getifaddrs(&ifa) == -1)
		return CL_UNKNOWNPROTO;
	for (i = ifa; i != NULL && nbc < CL_BCAST_IFS; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET ||
		    !(i->ifa_flags & IFF_UP) || !(i->ifa_flags & IFF_BROADCAST) ||
		    (i->ifa_flags & IFF_LOOPBACK) || i->ifa_broadaddr == NULL)
			continue;
		memcpy(&bc[nbc], i->ifa_broadaddr, sizeof(bc[nbc]));
		bc[nbc].sin_port = htons(PMAP_PORT);
		for (k = 0; k < nbc; k++)
			if (bc[k].sin_addr.s_addr == bc[nbc].sin_addr.s_addr)
				break;
		if (k == nbc)
			nbc++;
	}
	freeifaddrs(ifa);
	if (nbc == 0)
		return CL_UNKNOWNPROTO;

	cred.flavor = AUTH_SYS_FLAVOR;
	cred.len = (uint32_t)cl_authsys(credbuf, sizeof(credbuf));
	cred.body = credbuf;
	xid = cl_new_xid();
	cl_new_xid();
	xdr_enc_init(&e3, m3, sizeof(m3));
	xdr_enc_init(&e2, m2, sizeof(m2));
	if (cl_bcast_msg(&e3, xid, RPCBVERS_3, RPCBPROC_CALLIT, prog, vers,
	    cred.len ? &cred : NULL) == -1 ||
	    cl_bcast_msg(&e2, xid + 1, PMAP_VERS, PMAPPROC_CALLIT, prog, vers,
	    cred.len ? &cred : NULL) == -1)
		return CL_CANTENCODEARGS;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return CL_CANTSEND;
	if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) == -1 ||
	    (in = malloc(CL_UDP_MAX)) == NULL) {
		close(fd);
		return CL_CANTSEND;
	}
	deadline = cl_now_ms() + (timeout_ms > 0 ? timeout_ms : 1);
	resend = 0;
	while (!stop) {
		if (cl_now_ms() >= deadline)
			break;
		if (cl_now_ms() >= resend) {
			for (k = 0; k < nbc; k++) {
				(void)sendto(fd, m3, e3.len, 0,
				    (struct sockaddr *)&bc[k], sizeof(bc[k]));
				(void)sendto(fd, m2, e2.len, 0,
				    (struct sockaddr *)&bc[k], sizeof(bc[k]));
			}
			resend = cl_now_ms() + CL_BCAST_RETRY;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, cl_left_ms(resend < deadline ? resend :
		    deadline));
		if (r <= 0)
			continue;
		fromlen = sizeof(from);
		n = recvfrom(fd, in, CL_UDP_MAX, MSG_TRUNC,
		    (struct sockaddr *)&from, &fromlen);
		if (n < 4 || (size_t)n > CL_UDP_MAX ||
		    from.ss_family != AF_INET)
			continue;
		rxid = ((uint32_t)in[0] << 24) | ((uint32_t)in[1] << 16) |
		    ((uint32_t)in[2] << 8) | in[3];
		if (rxid != xid && rxid != xid + 1)
			continue;
		if (cl_reply_status(in, (size_t)n, rxid, &res, &err) !=
		    CL_SUCCESS)
			continue;
		if (rxid == xid) {
			/* v3: the service's universal address, then results */
			if (cl_get_str(&res, &s, CL_UADDR_MAX) == -1)
				continue;
			snprintf(uaddr, sizeof(uaddr), "%s", s);
			free(s);
		} else {
			/* v2: the service's port on the responder */
			if (xdr_get_u32(&res, &port) == -1 || port > 65535)
				continue;
			((struct sockaddr_in *)&from)->sin_port =
			    htons((uint16_t)port);
			if (uaddr_from_sockaddr((struct sockaddr *)&from,
			    fromlen, uaddr, sizeof(uaddr)) == -1)
				continue;
		}
		if (fn(arg, uaddr, (struct sockaddr *)&from, fromlen) != 0) {
			st = CL_SUCCESS;
			stop = 1;
		}
		if (++reports >= CL_BCAST_MAXREP)
			break;
	}
	free(in);
	close(fd);
	return st;
}
