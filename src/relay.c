/*
 * relay.c - forwarding of remote calls: sockets, timer and replies around
 * the pure table of fwd.c (see relay.h).
 *
 * Nothing here blocks and nothing grows: the table is fixed at start-up,
 * a call that is never answered is freed at its deadline, at most
 * RELAY_BATCH answers are read per socket per wake-up, and the buffers
 * are part of the relay.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dispatch.h"
#include "fwd.h"
#include "log.h"
#include "loop.h"
#include "pmap_prot.h"
#include "relay.h"
#include "transport.h"
#include "uaddr.h"
#include "xdr.h"

#define RELAY_BATCH	32	/* answers read per socket per wake-up */
#define RELAY_BIND_TRIES 16	/* to get a port above the reserved range */
#define RELAY_RECV_MAX	(PM_UDP_MAX + 1)	/* longer: too big anyway */

struct relay {
	struct loop		*loop;
	struct fwd		*fwd;
	struct udp_srv		*udp;
	const struct iflist	*ifs;
	int			 fd4, fd6;
	size_t			 reply_max;	/* of the request being handled */
	struct loop_timer	 timer;
	uint64_t		 send_errors;	/* calls that could not go out */
	uint64_t		 answers;	/* replies sent to callers */
	uint64_t		 answer_errors;
	struct ratelim		 rl_send;
	uint8_t			 msg[FWD_MSG_MAX];
	uint8_t			 in[RELAY_RECV_MAX];
	uint8_t			 out[PM_UDP_MAX];
};

int
relay_option(struct relay_opts *o, int opt, const char *arg)
{
	struct fwd_cfg	 fc;
	struct fwd	*f;
	unsigned long	 n;
	char		*end;
	int		 r;

	switch (opt) {
	case RELAY_OPT_DENY:
		if (o->ndeny >= FWD_DENY_MAX) {
			fprintf(stderr, "portmap: at most %d --forward-deny "
			    "options\n", FWD_DENY_MAX);
			return -1;
		}
		/* the table's own parser says whether it will take it */
		memset(&fc, 0, sizeof(fc));
		fc.slots = 1;
		if ((f = fwd_new(&fc)) == NULL) {
			fprintf(stderr, "portmap: out of memory\n");
			return -1;
		}
		r = fwd_deny_add(f, arg);
		fwd_free(f);
		if (r == -1) {
			fprintf(stderr, "portmap: --forward-deny %s: must be "
			    "PROGRAM or PROGRAM:PROCEDURE (decimal, procedure "
			    "above 0)\n", arg);
			return -1;
		}
		o->deny[o->ndeny++] = arg;
		return 0;
	case RELAY_OPT_TIMEOUT:
	case RELAY_OPT_SLOTS:
		errno = 0;
		n = strtoul(arg, &end, 10);
		if (opt == RELAY_OPT_TIMEOUT) {
			if (arg[0] < '0' || arg[0] > '9' || *end != '\0' ||
			    errno != 0 || n < 1 || n > FWD_TIMEOUT_MAX) {
				fprintf(stderr, "portmap: --forward-timeout %s: "
				    "must be 1 to %d milliseconds\n", arg,
				    FWD_TIMEOUT_MAX);
				return -1;
			}
			o->timeout_ms = (unsigned)n;
		} else {
			if (arg[0] < '0' || arg[0] > '9' || *end != '\0' ||
			    errno != 0 || n < 1 || n > FWD_SLOTS_MAX) {
				fprintf(stderr, "portmap: --forward-slots %s: "
				    "must be 1 to %d\n", arg, FWD_SLOTS_MAX);
				return -1;
			}
			o->slots = (unsigned)n;
		}
		return 0;
	default:
		fprintf(stderr, "portmap: unknown forwarding option\n");
		return -1;
	}
}

/*
 * A UDP socket on the wildcard address of af and an ephemeral port, never
 * a reserved one: services trust calls from reserved ports, and forwarded
 * calls carry a stranger's credential.  -1 with errno.
 */
static int
relay_socket(int af)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 len;
	int			 fd, on = 1, i, port, e;

	for (i = 0; i < RELAY_BIND_TRIES; i++) {
		fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd == -1)
			return -1;
		if (af == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
		    &on, sizeof(on)) == -1)
			goto fail;
		memset(&ss, 0, sizeof(ss));
		ss.ss_family = (sa_family_t)af;
		len = af == AF_INET ? sizeof(*sin) : sizeof(*sin6);
		if (bind(fd, (struct sockaddr *)&ss, len) == -1 ||
		    getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
			goto fail;
		port = sockaddr_port((struct sockaddr *)&ss);
		if (port >= IPPORT_RESERVED)
			return fd;
		close(fd);	/* a reserved port: try again */
	}
	errno = EADDRINUSE;
	return -1;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* Arm the timer for the nearest deadline, or cancel it. */
static void
relay_arm(struct relay *r)
{
	uint64_t	when, now = loop_now(r->loop);

	if (fwd_next_deadline(r->fwd, &when))
		loop_timer_arm(r->loop, &r->timer, when > now ? when - now : 0);
	else
		loop_timer_cancel(r->loop, &r->timer);
}

/* Send a finished call's reply to its caller, the way the call came. */
static void
relay_answer(struct relay *r, const struct fwd_done *d,
    const struct xdr_enc *reply)
{
	struct udp_origin	o;

	if (reply->err || reply->len == 0 || d->ctxlen != sizeof(o)) {
		r->answer_errors++;
		return;
	}
	memcpy(&o, d->ctx, sizeof(o));
	if (udp_send(r->udp, &o, (const struct sockaddr *)&d->caller.peer,
	    d->caller.peerlen, reply->buf, reply->len) == -1)
		r->answer_errors++;
	else
		r->answers++;
}

static void
relay_read(struct loop *l, int fd, void *arg)
{
	struct relay		*r = arg;
	struct sockaddr_storage	 from;
	socklen_t		 flen;
	struct xdr_enc		 reply;
	struct fwd_done		 done;
	ssize_t			 n;
	int			 i;

	for (i = 0; i < RELAY_BATCH; i++) {
		flen = sizeof(from);
		n = recvfrom(fd, r->in, sizeof(r->in), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &flen);
		if (n == -1)
			break;		/* EAGAIN, or an ICMP error: nothing */
		if (flen > sizeof(from))
			continue;
		xdr_enc_init(&reply, r->out, sizeof(r->out));
		if (fwd_reply(r->fwd, (const struct sockaddr *)&from, r->in,
		    (size_t)n, loop_now(l), &reply, &done) == 1)
			relay_answer(r, &done, &reply);
	}
	relay_arm(r);
}

static void
relay_timer(struct loop *l, void *arg)
{
	struct relay	*r = arg;
	struct xdr_enc	 reply;
	struct fwd_done	 done;
	unsigned	 i;

	/* each round frees at least one slot: bounded by the table size */
	for (i = 0; i <= FWD_SLOTS_MAX; i++) {
		xdr_enc_init(&reply, r->out, sizeof(r->out));
		if (fwd_expire(r->fwd, loop_now(l), &reply, &done) != 1)
			break;
		relay_answer(r, &done, &reply);
	}
	relay_arm(r);
}

struct relay *
relay_new(struct loop *l, const struct relay_opts *o, struct udp_srv *udp,
    const struct iflist *ifs)
{
	struct relay	*r;
	struct fwd_cfg	 fc;
	struct ratelim	 rl_send = RATELIM_INIT("forwarding: send errors", 3, 60);
	size_t		 i;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_warn("forwarding");
		return NULL;
	}
	r->loop = l;
	r->udp = udp;
	r->ifs = ifs;
	r->fd4 = r->fd6 = -1;
	r->rl_send = rl_send;
	r->reply_max = PM_UDP_MAX;
	loop_timer_init(&r->timer, relay_timer, r);
	memset(&fc, 0, sizeof(fc));
	fc.slots = o->slots;
	fc.timeout_ms = o->timeout_ms;
	if (getentropy(&fc.xid_seed, sizeof(fc.xid_seed)) == -1)
		fc.xid_seed = (uint32_t)getpid() ^ (uint32_t)loop_now(l);
	if ((r->fwd = fwd_new(&fc)) == NULL) {
		log_warnx("forwarding: cannot make a table of %u calls",
		    o->slots);
		goto fail;
	}
	for (i = 0; i < o->ndeny; i++) {
		if (fwd_deny_add(r->fwd, o->deny[i]) == -1) {
			log_warnx("forwarding: --forward-deny %s refused",
			    o->deny[i]);
			goto fail;
		}
	}
	if ((r->fd4 = relay_socket(AF_INET)) == -1) {
		log_warn("forwarding: IPv4 socket");
		goto fail;
	}
	if ((r->fd6 = relay_socket(AF_INET6)) == -1 &&
	    errno != EAFNOSUPPORT && errno != EADDRNOTAVAIL)
		log_warn("forwarding: IPv6 socket (IPv4 only)");
	if (loop_add_fd(l, r->fd4, relay_read, NULL, r) == -1 ||
	    (r->fd6 != -1 && loop_add_fd(l, r->fd6, relay_read, NULL, r) == -1)) {
		log_warn("forwarding: watch sockets");
		goto fail;
	}
	return r;
fail:
	relay_free(r);
	return NULL;
}

void
relay_free(struct relay *r)
{
	if (r == NULL)
		return;
	loop_timer_cancel(r->loop, &r->timer);
	if (r->fd4 != -1) {
		loop_del_fd(r->loop, r->fd4);
		close(r->fd4);
	}
	if (r->fd6 != -1) {
		loop_del_fd(r->loop, r->fd6);
		close(r->fd6);
	}
	fwd_free(r->fwd);
	free(r);
}

void
relay_begin(struct relay *r, size_t reply_max)
{
	if (r != NULL)
		r->reply_max = reply_max < PM_UDP_MAX ? reply_max : PM_UDP_MAX;
}

int
relay_hook(void *arg, const struct caller *c, const struct fwd_request *req)
{
	struct relay		*r = arg;
	struct udp_origin	 o;
	struct fwd_origin	 fo;
	struct xdr_enc		 msg;
	struct sockaddr_storage	 dest;
	socklen_t		 dlen;
	enum fwd_status		 st;
	char			 a[80];
	int			 fd;

	if (r == NULL || udp_origin(r->udp, &o) == -1)
		return -1;
	memset(&fo, 0, sizeof(fo));
	fo.caller = c;
	fo.ctx = &o;
	fo.ctxlen = sizeof(o);
	fo.reply_max = r->reply_max;
	fo.ifs = r->ifs;
	xdr_enc_init(&msg, r->msg, sizeof(r->msg));
	st = fwd_submit(r->fwd, &fo, req, loop_now(r->loop), &msg, &dest, &dlen);
	if (st == FWD_ERR_DENIED)
		return -2;
	if (st != FWD_OK)
		return -1;
	fd = dest.ss_family == AF_INET6 ? r->fd6 : r->fd4;
	if (fd == -1 || sendto(fd, msg.buf, msg.len, MSG_DONTWAIT | MSG_NOSIGNAL,
	    (struct sockaddr *)&dest, dlen) == -1) {
		/* the slot is taken: its deadline ends it like a lost call */
		r->send_errors++;
		if (log_ratelimited(&r->rl_send, loop_now(r->loop)))
			log_warn("forwarding: send to %s", log_sockaddr(
			    (struct sockaddr *)&dest, dlen, a, sizeof(a)));
	}
	relay_arm(r);
	return 0;
}

void
relay_report(const struct relay *r)
{
	struct fwd_stats	fs;

	if (r == NULL) {
		log_info("forwarding: off");
		return;
	}
	fwd_stats(r->fwd, &fs);
	log_info("forwarding: %u of %u slots in flight; submitted %" PRIu64
	    ", retransmitted %" PRIu64 ", refused %" PRIu64 ", replied %"
	    PRIu64 ", target errors %" PRIu64 ", too big %" PRIu64
	    ", timed out %" PRIu64 ", evicted %" PRIu64 ", stray %" PRIu64,
	    fs.inflight, fs.slots, fs.submitted, fs.retransmits, fs.refused,
	    fs.replied, fs.target_errors, fs.toobig, fs.timeouts, fs.evicted,
	    fs.stray);
	log_info("forwarding: answers sent %" PRIu64 ", not sent %" PRIu64
	    ", calls not sent %" PRIu64, r->answers, r->answer_errors,
	    r->send_errors);
}
