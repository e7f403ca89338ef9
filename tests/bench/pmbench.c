/*
 * pmbench - load generator for port mappers, and a trivial UDP responder
 * (the loopback limit the port mappers are compared with).
 *
 *   pmbench responder [-1] [-p port]     answer every datagram, fixed reply
 *   pmbench wait [-p port] [-t secs] [-P pid]   until a NULL call over UDP
 *                                        answers (or process pid is gone)
 *   pmbench stat -P pid [-l label] [-x phase]   RSS and CPU time of a daemon
 *   pmbench hold -n count [-f first]     hold the UDP ports "set" registers
 *   pmbench PHASE [options]              run one phase, print one result line
 *
 * Phases:
 *   udp-getport  udp-getaddr  udp-null   lookups over UDP, many in flight
 *   tcp-getport                          GETPORT over persistent connections
 *   tcp-cqc                              connect, GETPORT, close
 *   set  unset                           v2 SET/UNSET of -n programs from -f
 *   churn                                v2 SET then UNSET, again and again
 *   dump                                 v2 DUMP over persistent connections
 *   conns                                -c idle connections: RSS per connection
 *
 * Options: -p port, -d seconds (or -n requests), -s sockets or connections,
 * -w requests in flight per socket, -r registered programs to ask for,
 * -f first program index (set, unset), -P daemon pid (CPU and RSS),
 * -N do not check results (the trivial responder), -l label, -t timeout,
 * -c idle connections, -v verbose.
 *
 * Every phase is bounded: by its duration or count, and by a hard
 * deadline after which whatever is outstanding counts as lost.
 *
 * The result line is "result key=value ..."; tests/bench/run.sh makes the
 * table out of them.
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pmap_prot.h"
#include "rpcmsg.h"
#include "xdr.h"

#define REG_BASE	0x2f000000u	/* programs made by "set" */
#define CHURN_BASE	0x2e000000u	/* programs churned by "churn" */
#define REG_VERS	1u
#define SLOT_BITS	12
#define MAX_SLOTS	(1u << SLOT_BITS)
#define MAX_SOCKS	256
#define BATCH		64
#define REQ_MAX		256
#define REPLY_MAX	9000
#define HIST_N		1024
#define DUMP_MAX	1000000u	/* entries we walk in one DUMP reply */
#define MAX_ERRLOG	3

enum op { OP_NULL, OP_GETPORT, OP_GETADDR, OP_SET, OP_UNSET, OP_DUMP };
enum transport { T_UDP, T_TCP, T_CQC };

struct slot {
	uint32_t	xid;
	uint32_t	prog;
	uint64_t	t0;
	uint8_t		op;
	uint8_t		busy;
	uint8_t		state;		/* tcp-cqc: 0 idle, 1 connecting, 2 reading */
	uint8_t		toggle;		/* churn: next is UNSET */
	int		fd;		/* tcp-cqc: this slot's connection */
	struct rm_reader rm;		/* tcp-cqc */
};

struct conn {
	int		fd;
	int		dead;
	struct rm_reader rm;
};

struct hist {
	uint64_t	b[HIST_N];
	uint64_t	n;
};

struct bench {
	/* what to do */
	const char	*phase;
	const char	*label;
	enum transport	 tr;
	int		 op;		/* OP_*, or -1 for churn */
	int		 port;
	double		 dur;		/* seconds, when count is 0 */
	uint64_t	 count;		/* requests */
	unsigned	 nsocks, window;
	uint32_t	 nreg, first;
	pid_t		 pid;
	int		 nocheck, reserved, verbose, single;
	double		 timeout;	/* UDP resend after this many seconds */
	unsigned	 nconns;

	/* state */
	struct sockaddr_in sa;
	int		 ep;
	struct slot	*slots;
	unsigned	 nslots;
	struct conn	*conns;
	uint64_t	 seq, xidgen, issued, inflight;
	uint64_t	 done, errs, lost, errlogged;
	int		 measuring, stopped;
	uint64_t	 t_start, t_warm, t_end, t_hard, t_m0, t_m1;
	uint64_t	 cpu0, cpu1;
	long		 rss0, rss1;
	struct hist	 h;
};

static void
usage(void)
{
	fprintf(stderr, "usage: pmbench responder [-1] [-p port]\n"
	    "       pmbench wait [-p port] [-t secs] [-P pid]\n"
	    "       pmbench stat -P pid [-l label] [-x phase]\n"
	    "       pmbench hold -n count [-f first]\n"
	    "       pmbench udp-getport|udp-getaddr|udp-null|tcp-getport|tcp-cqc|"
	    "set|unset|churn|dump|conns\n"
	    "           [-p port] [-d secs | -n count] [-s socks] [-w window]\n"
	    "           [-r nreg] [-f first] [-P pid] [-c conns] [-l label]"
	    " [-t timeout] [-N] [-v]\n");
	exit(2);
}

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
sleep_ms(unsigned ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Log-linear histogram of nanoseconds: 16 buckets per power of two. */
static unsigned
hist_idx(uint64_t v)
{
	unsigned	e;

	if (v < 16)
		return (unsigned)v;
	e = 63 - (unsigned)__builtin_clzll(v);
	return (e - 3) * 16 + (unsigned)((v >> (e - 4)) & 15);
}

static double
hist_val(unsigned i)
{
	unsigned	e;

	if (i < 16)
		return i;
	e = i / 16 + 3;
	return ldexp(16 + i % 16, (int)e - 4) + ldexp(1, (int)e - 4) / 2;
}

static void
hist_add(struct hist *h, uint64_t v)
{
	h->b[hist_idx(v)]++;
	h->n++;
}

static double
hist_pct(const struct hist *h, double p)
{
	uint64_t	want, sum = 0;
	unsigned	i;

	if (h->n == 0)
		return -1;
	want = (uint64_t)ceil(p * (double)h->n);
	if (want == 0)
		want = 1;
	for (i = 0; i < HIST_N; i++) {
		sum += h->b[i];
		if (sum >= want)
			return hist_val(i);
	}
	return hist_val(HIST_N - 1);
}

/* utime + stime of a process, in clock ticks. */
static int
proc_cpu(pid_t pid, uint64_t *ticks)
{
	char		 path[64], buf[1024], *p;
	unsigned long	 ut, st;
	FILE		*f;
	size_t		 n;
	int		 i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	p++;
	/* Fields 3 to 13 come before utime (14) and stime (15). */
	for (i = 3; i <= 13; i++) {
		while (*p == ' ')
			p++;
		while (*p != ' ' && *p != '\0')
			p++;
	}
	if (sscanf(p, " %lu %lu", &ut, &st) != 2)
		return -1;
	*ticks = ut + st;
	return 0;
}

/* Is the process there, and not a zombie? */
static int
proc_alive(pid_t pid)
{
	char	 path[64], buf[512], *p;
	FILE	*f;
	size_t	 n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return 0;
	return p[2] != 'Z' && p[2] != 'X';
}

/* A "Name: N kB" line of /proc/PID/status (VmRSS, RssAnon), or -1. */
static long
proc_status_kb(pid_t pid, const char *name)
{
	char	 path[64], line[256];
	size_t	 len = strlen(name);
	long	 kb = -1;
	FILE	*f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, name, len) == 0 && line[len] == ':') {
			if (sscanf(line + len + 1, "%ld", &kb) != 1)
				kb = -1;
			break;
		}
	fclose(f);
	return kb;
}

static long
proc_rss(pid_t pid)
{
	return proc_status_kb(pid, "VmRSS");
}

static uint32_t
port_of(uint32_t prog)
{
	return 10000 + (prog & 0xffffffu) % 50000;
}

/*
 * One request into buf: the call, preceded by a record mark for streams.
 * Returns its length, or 0 when it did not fit.
 */
static size_t
build_req(uint8_t *buf, size_t cap, int op, uint32_t xid, uint32_t prog,
    int stream)
{
	struct xdr_enc	e;
	size_t		off = stream ? 4 : 0;

	xdr_enc_init(&e, buf + off, cap - off);
	switch (op) {
	case OP_NULL:
		rpcmsg_encode_call(&e, xid, PMAP_PROG, PMAP_VERS,
		    PMAPPROC_NULL, NULL);
		break;
	case OP_GETPORT:
	case OP_SET:
	case OP_UNSET:
		rpcmsg_encode_call(&e, xid, PMAP_PROG, PMAP_VERS,
		    op == OP_GETPORT ? PMAPPROC_GETPORT :
		    op == OP_SET ? PMAPPROC_SET : PMAPPROC_UNSET, NULL);
		xdr_put_u32(&e, prog);
		xdr_put_u32(&e, REG_VERS);
		xdr_put_u32(&e, IPPROTO_UDP_NUM);
		xdr_put_u32(&e, op == OP_SET ? port_of(prog) : 0);
		break;
	case OP_GETADDR:
		rpcmsg_encode_call(&e, xid, PMAP_PROG, RPCBVERS_4,
		    RPCBPROC_GETADDR, NULL);
		xdr_put_u32(&e, prog);
		xdr_put_u32(&e, REG_VERS);
		xdr_put_string(&e, "udp");
		xdr_put_string(&e, "127.0.0.1.0.111");
		xdr_put_string(&e, "libtirpc");
		break;
	case OP_DUMP:
		rpcmsg_encode_call(&e, xid, PMAP_PROG, PMAP_VERS,
		    PMAPPROC_DUMP, NULL);
		break;
	default:
		return 0;
	}
	if (e.err)
		return 0;
	if (stream)
		rm_put_header(buf, (uint32_t)e.len, 1);
	return e.len + off;
}

/* The port at the end of a universal address "h.h.h.h.p1.p2", or -1. */
static long
uaddr_port(const char *s)
{
	const char	*p2, *p1;
	char		*end;
	long		 a, b;

	if ((p2 = strrchr(s, '.')) == NULL || p2 == s)
		return -1;
	for (p1 = p2 - 1; p1 > s && *p1 != '.'; p1--)
		;
	if (*p1 != '.')
		return -1;
	a = strtol(p1 + 1, &end, 10);
	if (end != p2 || a < 0 || a > 255)
		return -1;
	b = strtol(p2 + 1, &end, 10);
	if (*end != '\0' || b < 0 || b > 255)
		return -1;
	return a * 256 + b;
}

static void errlog(struct bench *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* A few diagnostics per phase, then silence. */
static void
errlog(struct bench *b, const char *fmt, ...)
{
	va_list	ap;

	if (b->errlogged++ >= MAX_ERRLOG)
		return;
	fprintf(stderr, "pmbench %s %s: ", b->label, b->phase);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint32_t
load32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * A v2 DUMP body: a list of (prog, vers, prot, port) with a bool before
 * each.  Walked with direct loads, not the codec's calls: at 10,000
 * entries a call per field made this client, not the daemon, the limit.
 * Checks the list's shape, the count, and the port of each of our
 * programs.
 */
static int
check_dump(struct bench *b, const uint8_t *p, size_t n)
{
	const uint8_t	*end = p + n;
	uint32_t	 more, prog, port, k, ours = 0;

	for (k = 0; k < DUMP_MAX; k++) {
		if (end - p < 4)
			goto short_body;
		more = load32(p);
		if (more == 0)
			break;
		if (more != 1 || end - p < 20)
			goto short_body;
		prog = load32(p + 4);
		port = load32(p + 16);
		if (prog - REG_BASE < b->nreg) {
			if (port != port_of(prog)) {
				errlog(b, "DUMP: program %lu on port %lu",
				    (unsigned long)prog, (unsigned long)port);
				return -1;
			}
			ours++;
		}
		p += 20;
	}
	if (ours < b->nreg) {
		errlog(b, "DUMP: %lu of %lu entries", (unsigned long)ours,
		    (unsigned long)b->nreg);
		return -1;
	}
	return 0;
short_body:
	errlog(b, "DUMP: list cut short after %lu entries", (unsigned long)k);
	return -1;
}

/* Does the reply answer the slot's call correctly?  0 yes, -1 no. */
static int
check_reply(struct bench *b, const struct slot *s, const uint8_t *p, size_t n)
{
	static const char *const names[] = { "NULL", "GETPORT", "GETADDR",
	    "SET", "UNSET", "DUMP" };
	struct xdr_dec	d;
	struct rpc_reply r;
	char		ua[PM_UADDR_MAX + 1];
	uint32_t	v;
	int		more;

	xdr_dec_init(&d, p, n);
	if (rpcmsg_decode_reply(&d, &r) == -1) {
		errlog(b, "%s: not a reply (%ld bytes)", names[s->op], (long)n);
		return -1;
	}
	if (b->nocheck)
		return 0;
	if (r.reply_stat != MSG_ACCEPTED || r.stat != ACC_SUCCESS) {
		errlog(b, "%s: rejected or failed, status %ld", names[s->op],
		    (long)(r.reply_stat * 100 + r.stat));
		return -1;
	}
	switch (s->op) {
	case OP_NULL:
		return 0;
	case OP_GETPORT:
		if (xdr_get_u32(&d, &v) == -1 || v != port_of(s->prog)) {
			errlog(b, "%s: port %ld", names[s->op], (long)v);
			return -1;
		}
		return 0;
	case OP_GETADDR:
		if (xdr_get_string(&d, ua, sizeof(ua), PM_UADDR_MAX, NULL) ==
		    -1 || uaddr_port(ua) != (long)port_of(s->prog)) {
			errlog(b, "%s: address of port %ld", names[s->op],
			    uaddr_port(ua));
			return -1;
		}
		return 0;
	case OP_SET:
	case OP_UNSET:
		if (xdr_get_bool(&d, &more) == -1 || more != 1) {
			errlog(b, "%s: answered %ld", names[s->op], (long)more);
			return -1;
		}
		return 0;
	case OP_DUMP:
		return check_dump(b, d.p, d.left);
	}
	return -1;
}

/* May another request go out now? */
static int
can_issue(const struct bench *b)
{
	if (b->count > 0)
		return b->issued < b->count;
	return !b->stopped;
}

/* Choose the next call for a slot. */
static void
next_call(struct bench *b, struct slot *s, unsigned idx)
{
	switch (b->op) {
	case OP_SET:
	case OP_UNSET:
		s->op = (uint8_t)b->op;
		s->prog = REG_BASE + b->first + (uint32_t)b->seq++;
		break;
	case -1:	/* churn: each slot its own program, SET then UNSET */
		s->op = s->toggle ? OP_UNSET : OP_SET;
		s->toggle = !s->toggle;
		s->prog = CHURN_BASE + idx;
		break;
	default:
		s->op = (uint8_t)b->op;
		s->prog = REG_BASE + (b->nreg ? (uint32_t)(b->seq++ % b->nreg) :
		    0);
		break;
	}
	s->xid = (uint32_t)(b->xidgen++ << SLOT_BITS) | idx;
	s->busy = 1;
	b->issued++;
	b->inflight++;
}

static void
snap_start(struct bench *b, uint64_t t)
{
	b->measuring = 1;
	b->t_m0 = t;
	if (b->pid > 0) {
		if (proc_cpu(b->pid, &b->cpu0) == -1)
			b->pid = 0;
		b->rss0 = proc_rss(b->pid);
	}
}

static void
snap_end(struct bench *b, uint64_t t)
{
	b->measuring = 0;
	b->t_m1 = t;
	if (b->pid > 0) {
		if (proc_cpu(b->pid, &b->cpu1) == -1)
			b->pid = 0;
	}
}

/* Advance the phase clock; returns 1 when the loop should end. */
static int
tick(struct bench *b, uint64_t t)
{
	if (b->count > 0) {
		if (b->issued >= b->count && b->inflight == 0) {
			if (b->measuring)
				snap_end(b, t);
			return 1;
		}
	} else {
		if (!b->measuring && !b->stopped && t >= b->t_warm)
			snap_start(b, t);
		if (!b->stopped && t >= b->t_end) {
			snap_end(b, t);
			b->stopped = 1;
		}
		if (b->stopped && b->inflight == 0)
			return 1;
	}
	if (t >= b->t_hard) {
		b->lost += b->inflight;
		if (b->measuring)
			snap_end(b, t);
		return 1;
	}
	return 0;
}

/* A reply for slot s arrived at time t. */
static void
complete(struct bench *b, struct slot *s, const uint8_t *p, size_t n,
    uint64_t t)
{
	int	bad;

	s->busy = 0;
	b->inflight--;
	bad = check_reply(b, s, p, n) == -1;
	if (!b->measuring)
		return;
	if (bad)
		b->errs++;
	b->done++;
	hist_add(&b->h, t - s->t0);
}

/* The slot a reply's xid names, if it is waiting for exactly that xid. */
static struct slot *
find_slot(struct bench *b, const uint8_t *p, size_t n)
{
	uint32_t	xid;
	struct slot	*s;

	if (n < 4)
		return NULL;
	xid = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
	if ((xid & (MAX_SLOTS - 1)) >= b->nslots)
		return NULL;
	s = &b->slots[xid & (MAX_SLOTS - 1)];
	if (!s->busy || s->xid != xid)
		return NULL;
	return s;
}

static int
bind_reserved(int fd)
{
	static int	next = 600;
	struct sockaddr_in sa;
	int		tries;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (tries = 0; tries < 900; tries++) {
		if (next >= 1024)
			next = 600;
		sa.sin_port = htons((uint16_t)next++);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return 0;
		if (errno != EADDRINUSE && errno != EACCES)
			break;
	}
	return -1;
}

/* ---------------------------------------------------------------- UDP */

static int
udp_send(struct bench *b, unsigned sock, unsigned *idx, unsigned n,
    uint8_t (*bufs)[REQ_MAX])
{
	struct mmsghdr	msgs[BATCH];
	struct iovec	iov[BATCH];
	uint64_t	t = now_ns();
	unsigned	i, sent = 0;
	int		r;

	for (i = 0; i < n; i++) {
		struct slot *s = &b->slots[idx[i]];

		s->t0 = t;
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = build_req(bufs[i], REQ_MAX, s->op, s->xid,
		    s->prog, 0);
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (sent < n) {
		r = sendmmsg(b->conns[sock].fd, msgs + sent, n - sent, 0);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			/* Lost on the way out: the timeout resends. */
			break;
		}
		sent += (unsigned)r;
	}
	return 0;
}

/* Resend what waited too long (UDP may drop). */
static void
udp_expire(struct bench *b, uint64_t t)
{
	uint8_t		bufs[1][REQ_MAX];
	unsigned	i, idx;
	uint64_t	limit = (uint64_t)(b->timeout * 1e9);

	for (i = 0; i < b->nslots; i++) {
		struct slot *s = &b->slots[i];

		if (!s->busy || t - s->t0 < limit)
			continue;
		if (b->measuring)
			b->lost++;
		if (b->count == 0 && b->stopped) {
			s->busy = 0;
			b->inflight--;
			continue;
		}
		/* The same call again (a SET must not be skipped), new xid. */
		s->xid = (uint32_t)(b->xidgen++ << SLOT_BITS) | i;
		idx = i;
		udp_send(b, i / b->window, &idx, 1, bufs);
	}
}

static int
run_udp(struct bench *b)
{
	static uint8_t	rbuf[BATCH][REPLY_MAX];
	static uint8_t	sbuf[BATCH][REQ_MAX];
	struct mmsghdr	msgs[BATCH];
	struct iovec	iov[BATCH];
	struct epoll_event ev, evs[64];
	unsigned	i, j, k, nout, out[BATCH];
	uint64_t	t, last_expire;
	int		n, r, rcv = 1 << 20;

	for (i = 0; i < b->nsocks; i++) {
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);

		if (fd == -1)
			return -1;
		b->conns[i].fd = fd;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
		if (b->reserved && bind_reserved(fd) == -1) {
			fprintf(stderr, "pmbench: no reserved port free\n");
			return -1;
		}
		if (connect(fd, (struct sockaddr *)&b->sa, sizeof(b->sa)) == -1)
			return -1;
		ev.events = EPOLLIN;
		ev.data.u32 = i;
		if (epoll_ctl(b->ep, EPOLL_CTL_ADD, fd, &ev) == -1)
			return -1;
	}
	t = now_ns();
	if (b->count > 0)
		snap_start(b, t);
	for (i = 0; i < b->nsocks; i++) {
		nout = 0;
		for (j = 0; j < b->window && can_issue(b); j++) {
			k = i * b->window + j;
			next_call(b, &b->slots[k], k);
			out[nout++] = k;
		}
		udp_send(b, i, out, nout, sbuf);
	}
	last_expire = now_ns();
	for (;;) {
		t = now_ns();
		if (tick(b, t))
			break;
		if (t - last_expire > 20000000u) {
			udp_expire(b, t);
			last_expire = t;
		}
		n = epoll_wait(b->ep, evs, 64, 10);
		if (n == -1 && errno != EINTR)
			return -1;
		for (i = 0; i < (unsigned)(n > 0 ? n : 0); i++) {
			unsigned sock = evs[i].data.u32;

			do {
				for (j = 0; j < BATCH; j++) {
					iov[j].iov_base = rbuf[j];
					iov[j].iov_len = REPLY_MAX;
					memset(&msgs[j], 0, sizeof(msgs[j]));
					msgs[j].msg_hdr.msg_iov = &iov[j];
					msgs[j].msg_hdr.msg_iovlen = 1;
				}
				r = recvmmsg(b->conns[sock].fd, msgs, BATCH,
				    MSG_DONTWAIT, NULL);
				if (r <= 0)
					break;
				t = now_ns();
				nout = 0;
				for (j = 0; j < (unsigned)r; j++) {
					struct slot *s = find_slot(b, rbuf[j],
					    msgs[j].msg_len);

					if (s == NULL)
						continue;
					complete(b, s, rbuf[j],
					    msgs[j].msg_len, t);
					tick(b, t);
					if (can_issue(b)) {
						k = (unsigned)(s - b->slots);
						next_call(b, s, k);
						out[nout++] = k;
					}
				}
				if (nout > 0)
					udp_send(b, sock, out, nout, sbuf);
			} while (r == BATCH);
		}
	}
	return 0;
}

/* ------------------------------------------------------------- TCP */

static int
tcp_connect(struct bench *b, int nonblock)
{
	int	fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC |
	    (nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd == -1)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&b->sa, sizeof(b->sa)) == -1 &&
	    !(nonblock && errno == EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t	r;

	while (n > 0) {
		r = write(fd, p, n);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
tcp_send(struct bench *b, int fd, struct slot *s)
{
	uint8_t	buf[REQ_MAX];
	size_t	len;

	len = build_req(buf, sizeof(buf), s->op, s->xid, s->prog, 1);
	s->t0 = now_ns();
	return write_all(fd, buf, len);
}

/*
 * Feed bytes read from a stream; for every record complete, hand it to
 * its slot.  Returns the number of records, or -1 on a broken stream.
 */
static int
tcp_feed(struct bench *b, struct rm_reader *rm, const uint8_t *p, size_t n,
    struct slot **got, int maxgot)
{
	struct slot	*s;
	size_t		 used;
	int		 ngot = 0;
	uint64_t	 t;

	while (n > 0) {
		switch (rm_feed(rm, p, n, &used)) {
		case RM_MORE:
			return ngot;
		case RM_TOOBIG:
			return -1;
		case RM_RECORD:
			t = now_ns();
			s = find_slot(b, rm->rec, rm->len);
			if (s != NULL) {
				complete(b, s, rm->rec, rm->len, t);
				if (ngot < maxgot)
					got[ngot++] = s;
			}
			rm_next(rm);
			break;
		}
		p += used;
		n -= used;
	}
	return ngot;
}

static int
run_tcp(struct bench *b)
{
	static uint8_t	rbuf[65536];
	struct epoll_event ev, evs[64];
	struct slot	*got[BATCH];
	unsigned	i, j, k;
	uint64_t	t;
	ssize_t		r;
	int		n, ng, g, fl;

	for (i = 0; i < b->nsocks; i++) {
		struct conn *c = &b->conns[i];

		if ((c->fd = tcp_connect(b, 0)) == -1) {
			fprintf(stderr, "pmbench: connect: %s\n",
			    strerror(errno));
			return -1;
		}
		fl = fcntl(c->fd, F_GETFL);
		fcntl(c->fd, F_SETFL, fl | O_NONBLOCK);
		rm_init(&c->rm, PM_REPLY_MAX, 1u << 20);
		ev.events = EPOLLIN;
		ev.data.u32 = i;
		if (epoll_ctl(b->ep, EPOLL_CTL_ADD, c->fd, &ev) == -1)
			return -1;
	}
	t = now_ns();
	if (b->count > 0)
		snap_start(b, t);
	for (i = 0; i < b->nsocks; i++)
		for (j = 0; j < b->window && can_issue(b); j++) {
			k = i * b->window + j;
			next_call(b, &b->slots[k], k);
			if (tcp_send(b, b->conns[i].fd, &b->slots[k]) == -1)
				b->conns[i].dead = 1;
		}
	for (;;) {
		t = now_ns();
		if (tick(b, t))
			break;
		n = epoll_wait(b->ep, evs, 64, 10);
		if (n == -1 && errno != EINTR)
			return -1;
		for (i = 0; i < (unsigned)(n > 0 ? n : 0); i++) {
			unsigned ci = evs[i].data.u32;
			struct conn *c = &b->conns[ci];

			if (c->dead)
				continue;
			r = read(c->fd, rbuf, sizeof(rbuf));
			if (r == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r <= 0)
				ng = -1;
			else
				ng = tcp_feed(b, &c->rm, rbuf, (size_t)r, got,
				    BATCH);
			if (ng == -1) {
				/* Connection gone: its calls are lost. */
				errlog(b, "%s: connection %ld closed",
				    "stream", (long)ci);
				c->dead = 1;
				epoll_ctl(b->ep, EPOLL_CTL_DEL, c->fd, NULL);
				for (j = 0; j < b->window; j++) {
					struct slot *s =
					    &b->slots[ci * b->window + j];
					if (s->busy) {
						s->busy = 0;
						b->inflight--;
						b->lost++;
					}
				}
				continue;
			}
			t = now_ns();
			for (g = 0; g < ng; g++) {
				tick(b, t);
				if (!can_issue(b))
					break;
				k = (unsigned)(got[g] - b->slots);
				next_call(b, got[g], k);
				if (tcp_send(b, c->fd, got[g]) == -1)
					c->dead = 1;
			}
		}
	}
	for (i = 0; i < b->nsocks; i++) {
		close(b->conns[i].fd);
		rm_release(&b->conns[i].rm);
	}
	return 0;
}

/* ----------------------------------------------- connect-query-close */

static void
cqc_fail(struct bench *b, struct slot *s)
{
	close(s->fd);
	s->fd = -1;
	rm_next(&s->rm);
	s->state = 0;
	if (s->busy) {
		s->busy = 0;
		b->inflight--;
		if (b->measuring)
			b->errs++;
	}
}

static void
cqc_start(struct bench *b, struct slot *s, unsigned idx)
{
	struct epoll_event ev;
	uint8_t		req[REQ_MAX];
	size_t		len;
	ssize_t		r;

	next_call(b, s, idx);
	s->t0 = now_ns();
	if ((s->fd = tcp_connect(b, 1)) == -1) {
		/* Out of ports or refused: count it, try again later. */
		errlog(b, "%s: connect: errno %ld", "cqc", (long)errno);
		s->busy = 0;
		b->inflight--;
		if (b->measuring)
			b->errs++;
		s->state = 0;
		return;
	}
	/*
	 * On loopback the handshake is usually over when connect() returns
	 * EINPROGRESS: send at once, and wait for EPOLLOUT only if that
	 * fails (three system calls less per connection on this side, which
	 * is the side whose core runs out first).
	 */
	len = build_req(req, sizeof(req), s->op, s->xid, s->prog, 1);
	r = write(s->fd, req, len);
	if (r == (ssize_t)len) {
		s->state = 2;
		ev.events = EPOLLIN;
	} else {
		if (r > 0 || (r == -1 && errno != EAGAIN &&
		    errno != ENOTCONN)) {
			errlog(b, "%s: write: errno %ld", "cqc",
			    (long)(r > 0 ? 0 : errno));
			cqc_fail(b, s);
			return;
		}
		s->state = 1;
		ev.events = EPOLLOUT | EPOLLIN;
	}
	ev.data.u32 = idx;
	epoll_ctl(b->ep, EPOLL_CTL_ADD, s->fd, &ev);
}

static int
run_cqc(struct bench *b)
{
	static uint8_t	rbuf[65536];
	struct epoll_event ev, evs[64];
	struct slot	*got[1];
	uint8_t		req[REQ_MAX];
	unsigned	i;
	uint64_t	t;
	ssize_t		r;
	size_t		len;
	int		n, ng, err;
	socklen_t	sl;

	for (i = 0; i < b->nslots; i++) {
		b->slots[i].fd = -1;
		rm_init(&b->slots[i].rm, PM_REPLY_MAX, 1u << 20);
	}
	if (b->count > 0)
		snap_start(b, now_ns());
	for (;;) {
		t = now_ns();
		if (tick(b, t))
			break;
		for (i = 0; i < b->nslots; i++)
			if (b->slots[i].state == 0 && can_issue(b))
				cqc_start(b, &b->slots[i], i);
		n = epoll_wait(b->ep, evs, 64, 2);
		if (n == -1 && errno != EINTR)
			return -1;
		for (i = 0; i < (unsigned)(n > 0 ? n : 0); i++) {
			struct slot *s = &b->slots[evs[i].data.u32];

			if (s->state == 1 && (evs[i].events & (EPOLLOUT |
			    EPOLLERR | EPOLLHUP))) {
				err = 0;
				sl = sizeof(err);
				getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err,
				    &sl);
				len = build_req(req, sizeof(req), s->op,
				    s->xid, s->prog, 1);
				if (err != 0 || write_all(s->fd, req, len)
				    == -1) {
					errlog(b, "%s: connect/write: errno %ld",
					    "cqc", (long)(err ? err : errno));
					cqc_fail(b, s);
					continue;
				}
				s->state = 2;
				ev.events = EPOLLIN;
				ev.data.u32 = evs[i].data.u32;
				epoll_ctl(b->ep, EPOLL_CTL_MOD, s->fd, &ev);
				continue;
			}
			if (s->state != 2)
				continue;
			r = read(s->fd, rbuf, sizeof(rbuf));
			if (r == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			/* The latency counts from before connect(). */
			ng = r > 0 ? tcp_feed(b, &s->rm, rbuf, (size_t)r, got,
			    1) : -1;
			if (ng == -1) {
				cqc_fail(b, s);
				continue;
			}
			if (ng == 0)
				continue;
			close(s->fd);
			s->fd = -1;
			s->state = 0;
			rm_next(&s->rm);
			t = now_ns();
			tick(b, t);
			if (can_issue(b))
				cqc_start(b, s, evs[i].data.u32);
		}
	}
	for (i = 0; i < b->nslots; i++) {
		if (b->slots[i].fd != -1)
			close(b->slots[i].fd);
		rm_release(&b->slots[i].rm);
	}
	return 0;
}

/* ------------------------------------------------------ idle conns */

static int
run_conns(struct bench *b)
{
	uint8_t		req[REQ_MAX], buf[REPLY_MAX];
	struct timeval	tv = { 5, 0 };
	struct rm_reader rm;
	struct slot	s;
	int		*fds;
	unsigned	i, ok = 0;
	size_t		len, used;
	ssize_t		r;
	long		before, after;
	enum rm_status	st;

	if ((fds = calloc(b->nconns, sizeof(*fds))) == NULL)
		return -1;
	before = b->pid > 0 ? proc_rss(b->pid) : -1;
	rm_init(&rm, REPLY_MAX, 16);
	memset(&s, 0, sizeof(s));
	for (i = 0; i < b->nconns; i++) {
		fds[i] = tcp_connect(b, 0);
		if (fds[i] == -1) {
			errlog(b, "%s: connect: errno %ld", "conns",
			    (long)errno);
			continue;
		}
		setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		/* One call each, so the daemon has accepted and served it. */
		s.op = OP_NULL;
		s.xid = 0x70000000u + i;
		len = build_req(req, sizeof(req), OP_NULL, s.xid, 0, 1);
		if (write_all(fds[i], req, len) == -1)
			continue;
		rm_next(&rm);
		do {
			r = read(fds[i], buf, sizeof(buf));
			if (r <= 0)
				break;
			st = rm_feed(&rm, buf, (size_t)r, &used);
		} while (st == RM_MORE);
		if (r > 0 && st == RM_RECORD &&
		    check_reply(b, &s, rm.rec, rm.len) == 0)
			ok++;
	}
	rm_release(&rm);
	sleep_ms(300);
	after = b->pid > 0 ? proc_rss(b->pid) : -1;
	printf("result label=%s phase=conns conns=%u ok=%u rss0_kb=%ld "
	    "rss_kb=%ld bytes_per_conn=%.0f\n", b->label, b->nconns, ok,
	    before, after, before >= 0 && after >= 0 && b->nconns > 0 ?
	    (double)(after - before) * 1024 / b->nconns : -1.0);
	for (i = 0; i < b->nconns; i++)
		if (fds[i] != -1)
			close(fds[i]);
	free(fds);
	return ok == b->nconns ? 0 : -1;
}

/* ------------------------------------------------------ responder */

static volatile sig_atomic_t	responder_stop;

static void
responder_sig(int sig)
{
	responder_stop = 1;
}

/*
 * Until SIGTERM, so that valgrind and strace see a normal exit.  By default
 * it takes up to BATCH datagrams per wake-up (recvmmsg) and answers them
 * with one sendmmsg, the least work a single thread can do per datagram:
 * the loopback limit.  With single set, one recvfrom and one sendto each.
 */
static int
responder(int port, int single)
{
	static uint8_t	buf[BATCH][REPLY_MAX];
	static uint8_t	reply[BATCH][28];
	struct sockaddr_in from[BATCH], sa;
	struct mmsghdr	in[BATCH], out[BATCH];
	struct iovec	iin[BATCH], iout[BATCH];
	struct sigaction sact;
	struct xdr_enc	e;
	socklen_t	fl;
	ssize_t		n;
	int		fd, one = 1, rcv = 1 << 20, r, i, k;

	/* xid (copied from the call), REPLY, accepted, AUTH_NONE, SUCCESS, 0 */
	xdr_enc_init(&e, reply[0], sizeof(reply[0]));
	rpcmsg_reply_success(&e, 0);
	xdr_put_u32(&e, 0);
	if (e.err || e.len != sizeof(reply[0]))
		return -1;
	for (i = 1; i < BATCH; i++)
		memcpy(reply[i], reply[0], sizeof(reply[0]));
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		perror("pmbench responder: bind");
		return -1;
	}
	memset(&sact, 0, sizeof(sact));
	sact.sa_handler = responder_sig;	/* no SA_RESTART: recv returns */
	sigaction(SIGTERM, &sact, NULL);
	sigaction(SIGINT, &sact, NULL);
	while (single && !responder_stop) {
		fl = sizeof(from[0]);
		n = recvfrom(fd, buf[0], sizeof(buf[0]), 0,
		    (struct sockaddr *)&from[0], &fl);
		if (n < 4)
			continue;
		memcpy(reply[0], buf[0], 4);
		sendto(fd, reply[0], sizeof(reply[0]), 0,
		    (struct sockaddr *)&from[0], fl);
	}
	while (!responder_stop) {
		for (i = 0; i < BATCH; i++) {
			iin[i].iov_base = buf[i];
			iin[i].iov_len = sizeof(buf[i]);
			memset(&in[i], 0, sizeof(in[i]));
			in[i].msg_hdr.msg_name = &from[i];
			in[i].msg_hdr.msg_namelen = sizeof(from[i]);
			in[i].msg_hdr.msg_iov = &iin[i];
			in[i].msg_hdr.msg_iovlen = 1;
		}
		r = recvmmsg(fd, in, BATCH, MSG_WAITFORONE, NULL);
		if (r <= 0)
			continue;
		for (i = k = 0; i < r; i++) {
			if (in[i].msg_len < 4)
				continue;
			memcpy(reply[k], buf[i], 4);
			iout[k].iov_base = reply[k];
			iout[k].iov_len = sizeof(reply[k]);
			memset(&out[k], 0, sizeof(out[k]));
			out[k].msg_hdr.msg_name = &from[i];
			out[k].msg_hdr.msg_namelen = in[i].msg_hdr.msg_namelen;
			out[k].msg_hdr.msg_iov = &iout[k];
			out[k].msg_hdr.msg_iovlen = 1;
			k++;
		}
		for (i = 0; i < k; i += r) {
			r = sendmmsg(fd, out + i, (unsigned)(k - i), 0);
			if (r <= 0)
				break;
		}
	}
	close(fd);
	return 0;
}

/*
 * Hold a UDP socket on the port of each registration "set" makes, so the
 * services behind them exist (a daemon that reaps registrations whose
 * port nobody holds keeps them).  Prints how many it holds, then waits
 * for SIGTERM.
 */
static int
hold(struct bench *b)
{
	struct sockaddr_in sa;
	struct rlimit	rl;
	uint32_t	i, held = 0;
	int		fd;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	for (i = 0; i < b->count; i++) {
		if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
			fprintf(stderr, "pmbench hold: %u sockets: %s\n",
			    (unsigned)held, strerror(errno));
			break;
		}
		sa.sin_port = htons((uint16_t)port_of(REG_BASE + b->first + i));
		/* Taken already: someone holds it, which is all we want. */
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
			close(fd);
		else
			held++;
	}
	printf("held %u\n", (unsigned)held);
	fflush(stdout);
	signal(SIGTERM, SIG_DFL);
	for (;;)
		pause();
	return 0;
}

/* NULL over UDP until answered, at most secs seconds. */
static int
wait_ready(struct bench *b, double secs)
{
	uint8_t		req[REQ_MAX], buf[REPLY_MAX];
	struct timeval	tv = { 0, 100000 };
	uint64_t	end = now_ns() + (uint64_t)(secs * 1e9);
	size_t		len;
	ssize_t		n;
	int		fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	len = build_req(req, sizeof(req), OP_NULL, 0x5eed0001u, 0, 0);
	while (now_ns() < end) {
		if (b->pid > 0 && !proc_alive(b->pid)) {
			fprintf(stderr, "pmbench: process %d is gone\n",
			    (int)b->pid);
			break;
		}
		sendto(fd, req, len, 0, (struct sockaddr *)&b->sa,
		    sizeof(b->sa));
		n = recv(fd, buf, sizeof(buf), 0);
		if (n >= 4 && memcmp(buf, req, 4) == 0) {
			close(fd);
			return 0;
		}
		if (n == -1 && errno == ECONNREFUSED)
			sleep_ms(100);
	}
	close(fd);
	return -1;
}

/* ------------------------------------------------------------ main */

static void
report(struct bench *b)
{
	double	secs = (double)(b->t_m1 - b->t_m0) / 1e9;
	double	cpu_us = -1;
	long	tck = sysconf(_SC_CLK_TCK);

	if (b->pid > 0) {
		b->rss1 = proc_rss(b->pid);
		/* Ticks are 10 ms: no figure for a phase under 20 of them. */
		if (b->done > 0 && tck > 0 && secs * (double)tck >= 20)
			cpu_us = (double)(b->cpu1 - b->cpu0) * 1e6 / (double)tck /
			    (double)b->done;
	}
	printf("result label=%s phase=%s nreg=%u socks=%u window=%u "
	    "reqs=%llu errs=%llu lost=%llu secs=%.3f rps=%.0f p50_us=%.1f "
	    "p99_us=%.1f cpu_us=%.2f rss0_kb=%ld rss_kb=%ld\n",
	    b->label, b->phase, b->nreg, b->nsocks, b->window,
	    (unsigned long long)b->done, (unsigned long long)b->errs,
	    (unsigned long long)b->lost, secs,
	    secs > 0 ? (double)b->done / secs : 0.0,
	    hist_pct(&b->h, 0.50) / 1e3, hist_pct(&b->h, 0.99) / 1e3,
	    cpu_us, b->pid > 0 ? b->rss0 : -1L, b->pid > 0 ? b->rss1 : -1L);
	fflush(stdout);
}

static double
num(const char *s, double lo, double hi)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "pmbench: bad number %s\n", s);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	static struct bench b;
	const char	*cmd, *xname = "stat";
	struct rlimit	rl;
	double		wait_secs = 10, warm;
	int		ch, rc;
	uint64_t	t;

	if (argc < 2)
		usage();
	cmd = argv[1];
	signal(SIGPIPE, SIG_IGN);
	memset(&b, 0, sizeof(b));
	b.phase = cmd;
	b.label = "target";
	b.port = PMAP_PORT;
	b.dur = 2;
	b.nreg = 10;
	b.timeout = 1;
	b.nconns = 500;
	b.nsocks = 4;
	b.window = 1;
	b.op = OP_GETPORT;
	if (strcmp(cmd, "udp-getport") == 0 || strcmp(cmd, "udp-getaddr") == 0 ||
	    strcmp(cmd, "udp-null") == 0) {
		b.tr = T_UDP;
		b.window = 16;
		b.op = cmd[4] == 'n' ? OP_NULL : cmd[7] == 'p' ? OP_GETPORT :
		    OP_GETADDR;
	} else if (strcmp(cmd, "tcp-getport") == 0) {
		b.tr = T_TCP;
	} else if (strcmp(cmd, "tcp-cqc") == 0) {
		b.tr = T_CQC;
	} else if (strcmp(cmd, "set") == 0 || strcmp(cmd, "unset") == 0) {
		b.tr = T_UDP;
		b.op = cmd[0] == 's' ? OP_SET : OP_UNSET;
		b.nsocks = 1;
		b.window = 16;
		b.reserved = 1;
		b.count = 10;
	} else if (strcmp(cmd, "churn") == 0) {
		b.tr = T_UDP;
		b.op = -1;
		b.window = 2;
		b.reserved = 1;
	} else if (strcmp(cmd, "dump") == 0) {
		b.tr = T_TCP;
		b.op = OP_DUMP;
		b.nsocks = 2;
	} else if (strcmp(cmd, "conns") != 0 && strcmp(cmd, "responder") != 0 &&
	    strcmp(cmd, "wait") != 0 && strcmp(cmd, "stat") != 0 &&
	    strcmp(cmd, "hold") != 0)
		usage();

	optind = 2;
	while ((ch = getopt(argc, argv, "1c:d:f:l:n:Np:P:r:s:t:vw:x:")) != -1) {
		switch (ch) {
		case '1':
			b.single = 1;
			break;
		case 'c':
			b.nconns = (unsigned)num(optarg, 1, 10000);
			break;
		case 'd':
			b.dur = num(optarg, 0.01, 3600);
			b.count = 0;
			break;
		case 'f':
			b.first = (uint32_t)num(optarg, 0, 1000000);
			break;
		case 'l':
			b.label = optarg;
			break;
		case 'n':
			b.count = (uint64_t)num(optarg, 0, 1e12);
			break;
		case 'N':
			b.nocheck = 1;
			break;
		case 'p':
			b.port = (int)num(optarg, 1, 65535);
			break;
		case 'P':
			b.pid = (pid_t)num(optarg, 1, INT_MAX);
			break;
		case 'r':
			b.nreg = (uint32_t)num(optarg, 0, 1000000);
			break;
		case 's':
			b.nsocks = (unsigned)num(optarg, 1, MAX_SOCKS);
			break;
		case 't':
			b.timeout = num(optarg, 0.001, 3600);
			wait_secs = b.timeout;
			break;
		case 'v':
			b.verbose = 1;
			break;
		case 'w':
			b.window = (unsigned)num(optarg, 1, MAX_SLOTS);
			break;
		case 'x':
			xname = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	b.sa.sin_family = AF_INET;
	b.sa.sin_port = htons((uint16_t)b.port);
	b.sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	if (strcmp(cmd, "responder") == 0)
		return responder(b.port, b.single) == 0 ? 0 : 1;
	if (strcmp(cmd, "wait") == 0)
		return wait_ready(&b, wait_secs) == 0 ? 0 : 1;
	if (strcmp(cmd, "hold") == 0)
		return hold(&b) == 0 ? 0 : 1;
	if (strcmp(cmd, "stat") == 0) {
		uint64_t ticks = 0;

		if (b.pid <= 0 || proc_cpu(b.pid, &ticks) == -1)
			return 1;
		printf("result label=%s phase=%s rss_kb=%ld anon_kb=%ld "
		    "cpu_ticks=%llu\n", b.label, xname, proc_rss(b.pid),
		    proc_status_kb(b.pid, "RssAnon"),
		    (unsigned long long)ticks);
		return 0;
	}

	/* Idle connections and many sockets need descriptors. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (strcmp(cmd, "conns") == 0)
		return run_conns(&b) == 0 ? 0 : 1;

	if (b.tr == T_CQC) {
		b.nslots = b.nsocks;
		b.window = 1;
	} else
		b.nslots = b.nsocks * b.window;
	if (b.nslots > MAX_SLOTS) {
		fprintf(stderr, "pmbench: at most %u requests in flight\n",
		    MAX_SLOTS);
		return 2;
	}
	if (b.nreg == 0 && (b.op == OP_GETPORT || b.op == OP_GETADDR))
		b.nocheck = 1;
	b.slots = calloc(b.nslots, sizeof(*b.slots));
	b.conns = calloc(b.nsocks, sizeof(*b.conns));
	if (b.slots == NULL || b.conns == NULL)
		return 1;
	if ((b.ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		return 1;

	t = now_ns();
	b.t_start = t;
	if (b.count > 0) {
		/* A fixed count: generous bound, no warm-up. */
		b.t_hard = t + (uint64_t)((60 + b.timeout * 10) * 1e9);
	} else {
		warm = b.dur / 10 < 0.2 ? b.dur / 10 : 0.2;
		b.t_warm = t + (uint64_t)(warm * 1e9);
		b.t_end = b.t_warm + (uint64_t)(b.dur * 1e9);
		b.t_hard = b.t_end + 5000000000u;
	}
	switch (b.tr) {
	case T_UDP:
		rc = run_udp(&b);
		break;
	case T_TCP:
		rc = run_tcp(&b);
		break;
	default:
		rc = run_cqc(&b);
		break;
	}
	if (rc == -1) {
		fprintf(stderr, "pmbench %s: %s\n", cmd, strerror(errno));
		return 1;
	}
	report(&b);
	return b.done > 0 ? 0 : 1;
}
