/*
 * pmload - load and abuse for the port mapper, for the integration tests
 * (tests/integration/abuse_*.sh, valgrind_daemon.sh).  Our own minimal
 * XDR here, independent of the daemon's codec.
 *
 *	pmload [-a addr] [-p port] [-m pid] [-M kib] MODE [options]
 *
 * flood [-H held] [-S stalled] [-R reopen/s] [-u n] [-w ms] [-i ms]
 *       [-t n] [-W ms] [-d seconds]
 *	A child opens `held' TCP connections (5000) and holds them, and
 *	`stalled' ones (1000) that send half a record and stall; those the
 *	daemon closes are opened again (at most reopen/s, 2000; 0: never).
 *	Meanwhile -u UDP GETPORTs (300, one every -i ms, 10) must each be
 *	answered within -w ms (1000), and -t TCP clients (20), one after
 *	another, connect, send a whole GETPORT and must be answered within
 *	-W ms (10000).  Prints the latencies (p50, p99, max): figures, not
 *	checks.  -d bounds the flood (60 s).
 * bomb [-n count]
 *	rpcbomb: declared lengths of 2^32-1, 2^31 and 9001 in every string
 *	and opaque a request carries (netid, address, owner, CALLIT and
 *	INDIRECT arguments, netbufs, credential and verifier bodies, the
 *	AUTH_SYS machine name and gids): count calls over UDP and count
 *	over TCP, each with its right answer (GARBAGE_ARGS, AUTH_BADCRED,
 *	silence), plus count/100 TCP connections whose record mark says
 *	too much: each must be closed.
 * garbage [-n count] [-s seed] [-T seconds]
 *	count datagrams of every class (random bytes, truncated calls,
 *	trailing bytes, wrong rpcvers/prog/vers/proc, huge and unknown
 *	credentials, replies instead of calls, oversized datagrams), each
 *	class with its answer or silence; then TCP connections with
 *	fragments never marked last (closed at the fragment cap or the
 *	record cap) and a half-sent record (closed within -T s, 15).
 * getaddr [-n count]
 *	GETADDR (v3, v4) and GETPORT (v2) for count distinct unregistered
 *	programs over UDP: each answered "not found".
 * streams [-T seconds] [-I seconds] [-F frags]
 *	record marking: a call in three fragments, pipelined calls, an
 *	oversized record and frags+1 fragments (16+1) closed at once (within
 *	a second), a stalled record closed within -T s (15); with -I,
 *	a silent connection is closed after about that long (not a second
 *	sooner, at most two later).
 *
 * -m pid: the daemon's RssAnon (heap, stack: what requests could grow)
 * is read before (after a warm-up) and after; with -M, a growth of more
 * than kib KiB fails.  Silence is checked with
 * a fence: a NULL call sent after the requests; UDP replies of one
 * socket come back in order, so anything answered comes before it.
 *
 * Output: "# " diagnostics, then one line "MODE ok ..." or "MODE FAIL
 * ...".  Exit status 0 ok, 1 failed, 2 usage or setup error.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PL_PROG		100000u
#define PL_BUF		12000		/* requests, replies */
#define PL_WIN		16		/* UDP requests in flight */
#define PL_FENCE	0xfe000000u	/* xids of fence calls */

/* what came back */
#define K_SILENT	(-1)
#define K_BAD		(-2)		/* not a well-formed reply */
#define K_CLOSED	(-3)		/* TCP: the connection was closed */
#define K_ACC(s)	(s)		/* accepted, accept_stat s (0..5) */
#define K_RPCMISM	0x100		/* denied, RPC_MISMATCH */
#define K_AUTH(s)	(0x200 + (s))	/* denied, AUTH_ERROR auth_stat s */
#define SUCCESS		0
#define PROG_UNAVAIL	1
#define PROG_MISMATCH	2
#define PROC_UNAVAIL	3
#define GARBAGE_ARGS	4
#define BADCRED		1
#define REJECTEDCRED	2

static struct sockaddr_storage	pl_ss;
static socklen_t		pl_sslen;
static int			pl_family = AF_INET;
static unsigned			pl_port = 111;
static pid_t			pl_pid;		/* daemon, for its memory */
static long			pl_vmrss0;	/* its VmRSS at rss_kib() */
static long			pl_maxkib = -1;
static uint32_t			pl_xid = 1;
static unsigned			pl_fails;
static volatile sig_atomic_t	pl_stop;

struct buf {
	uint8_t	b[PL_BUF];
	size_t	n;
};

/* A reply, parsed. */
struct rep {
	uint32_t	xid;
	int		kind;
	uint32_t	low, high;	/* PROG_MISMATCH, RPC_MISMATCH */
	const uint8_t	*res;		/* SUCCESS: results */
	size_t		 reslen;
};

/* ---- small things ---- */

static uint64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void
sleep_ms(unsigned ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR && !pl_stop)
		;
}

static void	fail(const char *, ...) __attribute__((format(printf, 1, 2)));

static void
fail(const char *fmt, ...)
{
	va_list	ap;

	/* the first few failures are named, the rest counted */
	if (pl_fails++ < 10) {
		printf("# FAIL: ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
}

/*
 * The daemon's anonymous resident memory (heap, stack, anonymous maps):
 * what requests could make grow.  VmRSS also counts the program's own
 * pages, which come and go with the page cache.
 */
static long
rss_read(long *vmrss)
{
	char	path[64], line[256];
	FILE	*f;
	long	kib = -1;

	*vmrss = -1;
	if (pl_pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pl_pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", vmrss) != 1 &&
		    sscanf(line, "RssAnon: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static long
rss_kib(void)
{
	return rss_read(&pl_vmrss0);
}

/* Check the daemon's growth; appends to msg. */
static void
rss_check(long before, char *msg, size_t msgsz)
{
	long	vm0 = pl_vmrss0, vm, after = rss_read(&vm);

	if (before < 0 || after < 0)
		return;
	snprintf(msg + strlen(msg), msgsz - strlen(msg),
	    ", RssAnon %ld -> %ld KiB (%+ld KiB), VmRSS %ld -> %ld KiB",
	    before, after, after - before, vm0, vm);
	if (pl_maxkib >= 0 && after - before > pl_maxkib)
		fail("the daemon grew by %ld KiB (at most %ld)", after - before,
		    pl_maxkib);
}

/* The daemon's CPU time so far, in clock ticks; -1 unknown. */
static long
cpu_ticks(void)
{
	char		 path[64], line[1024], *p;
	unsigned long	 ut, st;
	FILE		*f;

	if (pl_pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pl_pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	/* after "(comm) ": state and 10 fields, then utime, stime */
	if (p == NULL || (p = strrchr(line, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

static void
raise_nofile(rlim_t want)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= want)
		return;
	if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max) {
		/* as root, the hard limit may go up too */
		rl.rlim_max = want;
		if (setrlimit(RLIMIT_NOFILE, &(struct rlimit){ want, want }) == 0)
			return;
		getrlimit(RLIMIT_NOFILE, &rl);
		want = rl.rlim_max;
	}
	rl.rlim_cur = want;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* "p50 X ms, p99 Y ms, max Z ms" of n latencies (us); sorts them. */
static void
percentiles(uint64_t *v, size_t n, char *out, size_t outsz)
{
	size_t	i99;

	if (n == 0) {
		snprintf(out, outsz, "no samples");
		return;
	}
	qsort(v, n, sizeof(*v), cmp_u64);
	i99 = (n * 99 + 99) / 100;
	if (i99 > 0)
		i99--;
	snprintf(out, outsz, "p50 %.2f ms, p99 %.2f ms, max %.2f ms",
	    v[n / 2] / 1000.0, v[i99] / 1000.0, v[n - 1] / 1000.0);
}

/* ---- XDR ---- */

static void
put32(struct buf *b, uint32_t v)
{
	if (b->n + 4 > sizeof(b->b))
		return;
	b->b[b->n++] = v >> 24;
	b->b[b->n++] = v >> 16;
	b->b[b->n++] = v >> 8;
	b->b[b->n++] = v;
}

static void
putraw(struct buf *b, const void *p, size_t len)
{
	if (b->n + len > sizeof(b->b))
		len = sizeof(b->b) - b->n;
	memcpy(b->b + b->n, p, len);
	b->n += len;
}

/* opaque<>: length, bytes, padding */
static void
putopaque(struct buf *b, const void *p, size_t len)
{
	static const uint8_t	zero[4];

	put32(b, (uint32_t)len);
	putraw(b, p, len);
	putraw(b, zero, (4 - len % 4) % 4);
}

static void
putstr(struct buf *b, const char *s)
{
	putopaque(b, s, strlen(s));
}

/* filler bytes: what follows a lying length */
static void
putfill(struct buf *b, size_t len, uint8_t c)
{
	if (b->n + len > sizeof(b->b))
		len = sizeof(b->b) - b->n;
	memset(b->b + b->n, c, len);
	b->n += len;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
set_xid(struct buf *b, uint32_t xid)
{
	if (b->n >= 4) {
		b->b[0] = xid >> 24;
		b->b[1] = xid >> 16;
		b->b[2] = xid >> 8;
		b->b[3] = xid;
	}
}

/* A call header with AUTH_NONE credential and verifier. */
static void
call_hdr(struct buf *b, uint32_t prog, uint32_t vers, uint32_t proc)
{
	b->n = 0;
	put32(b, 0);		/* xid, set when sent */
	put32(b, 0);		/* CALL */
	put32(b, 2);
	put32(b, prog);
	put32(b, vers);
	put32(b, proc);
	put32(b, 0);
	put32(b, 0);
	put32(b, 0);
	put32(b, 0);
}

static int
parse_reply(const uint8_t *p, size_t n, struct rep *r)
{
	size_t	vlen;

	memset(r, 0, sizeof(*r));
	r->kind = K_BAD;
	if (n < 12)
		return -1;
	r->xid = get32(p);
	if (get32(p + 4) != 1)
		return -1;
	if (get32(p + 8) == 1) {		/* MSG_DENIED */
		if (n < 16)
			return -1;
		if (get32(p + 12) == 0 && n == 24) {
			r->kind = K_RPCMISM;
			r->low = get32(p + 16);
			r->high = get32(p + 20);
		} else if (get32(p + 12) == 1 && n == 20)
			r->kind = K_AUTH((int)get32(p + 16));
		return r->kind == K_BAD ? -1 : 0;
	}
	if (get32(p + 8) != 0 || n < 24)
		return -1;
	vlen = get32(p + 16);
	if (vlen > 400 || n < 24 + ((vlen + 3) & ~3u))
		return -1;
	p += 20 + ((vlen + 3) & ~3u);
	n -= 20 + ((vlen + 3) & ~3u);
	if (n < 4 || get32(p) > 5)
		return -1;
	r->kind = K_ACC((int)get32(p));
	if (r->kind == PROG_MISMATCH) {
		if (n != 12)
			return (r->kind = K_BAD), -1;
		r->low = get32(p + 4);
		r->high = get32(p + 8);
	} else if (r->kind == SUCCESS) {
		r->res = p + 4;
		r->reslen = n - 4;
	} else if (n != 4)
		return (r->kind = K_BAD), -1;
	return 0;
}

static const char *
kind_str(int k, char *s, size_t sz)
{
	static const char *const acc[] = { "SUCCESS", "PROG_UNAVAIL",
		"PROG_MISMATCH", "PROC_UNAVAIL", "GARBAGE_ARGS", "SYSTEM_ERR" };

	if (k == K_SILENT)
		return "silence";
	if (k == K_BAD)
		return "a malformed reply";
	if (k == K_CLOSED)
		return "closed";
	if (k >= 0 && k <= 5)
		return acc[k];
	if (k == K_RPCMISM)
		return "RPC_MISMATCH";
	snprintf(s, sz, "AUTH_ERROR %d", k - K_AUTH(0));
	return s;
}

/* ---- sockets ---- */

static int
sock_new(int type)
{
	int	fd, on = 1;

	if ((fd = socket(pl_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return -1;
	if (type == SOCK_STREAM)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	return fd;
}

static int
udp_open(void)
{
	int	fd, sz = 1 << 20;

	if ((fd = sock_new(SOCK_DGRAM)) == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (connect(fd, (struct sockaddr *)&pl_ss, pl_sslen) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A TCP connection, established within ms; -1 otherwise. */
static int
tcp_open(int ms)
{
	struct pollfd	pfd;
	socklen_t	len = sizeof(int);
	int		fd, err = 0;

	if ((fd = sock_new(SOCK_STREAM)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&pl_ss, pl_sslen) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, ms) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 || err != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Write all of it within ms. */
static int
write_all(int fd, const uint8_t *p, size_t n, int ms)
{
	struct pollfd	pfd = { fd, POLLOUT, 0 };
	uint64_t	end = now_us() + (uint64_t)ms * 1000;
	ssize_t		w;

	while (n > 0) {
		if ((w = write(fd, p, n)) > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w == -1 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (now_us() >= end || poll(&pfd, 1, (int)((end - now_us()) /
		    1000) + 1) == -1)
			return -1;
	}
	return 0;
}

/*
 * Read exactly n bytes within the deadline (us).  1 done, 0 the peer
 * closed, -1 timed out or an error.
 */
static int
read_full(int fd, uint8_t *p, size_t n, uint64_t end)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	ssize_t		r;
	uint64_t	t;

	while (n > 0) {
		if ((r = read(fd, p, n)) > 0) {
			p += r;
			n -= (size_t)r;
			continue;
		}
		if (r == 0 || (r == -1 && errno == ECONNRESET))
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return -1;
		if ((t = now_us()) >= end)
			return -1;
		if (poll(&pfd, 1, (int)((end - t) / 1000) + 1) == -1 &&
		    errno != EINTR)
			return -1;
	}
	return 1;
}

/* One reply record (any number of fragments): its length, 0 closed, -1. */
static long
tcp_read_record(int fd, uint8_t *p, size_t cap, uint64_t end)
{
	uint8_t		h[4];
	uint32_t	hv, len;
	size_t		have = 0;
	int		r;

	for (;;) {
		if ((r = read_full(fd, h, 4, end)) != 1)
			return r;
		hv = get32(h);
		len = hv & 0x7fffffffu;
		if (len > cap - have)
			return -1;
		if ((r = read_full(fd, p + have, len, end)) != 1)
			return r;
		have += len;
		if (hv & 0x80000000u)
			return (long)have;
	}
}

/* Record mark + body into out. */
static void
frame(struct buf *out, const struct buf *in)
{
	put32(out, 0x80000000u | (uint32_t)in->n);
	putraw(out, in->b, in->n);
}

/*
 * Wait up to ms for the peer to close (nothing read before): K_CLOSED, or
 * K_SILENT if still open, or K_BAD if data came.
 */
static int
tcp_wait_close(int fd, int ms)
{
	uint8_t		b[256];
	uint64_t	end = now_us() + (uint64_t)ms * 1000;
	struct pollfd	pfd = { fd, POLLIN, 0 };
	ssize_t		r;

	for (;;) {
		r = read(fd, b, sizeof(b));
		if (r == 0 || (r == -1 && (errno == ECONNRESET ||
		    errno == EPIPE)))
			return K_CLOSED;
		if (r > 0)
			return K_BAD;
		if (errno != EAGAIN && errno != EINTR)
			return K_CLOSED;
		if (now_us() >= end)
			return K_SILENT;
		(void)poll(&pfd, 1, (int)((end - now_us()) / 1000) + 1);
	}
}

/* ---- requests with their expected answers ---- */

struct req {
	struct buf	 b;
	int		 expect;	/* K_* */
	uint32_t	 xid;		/* 0: none to match (too short) */
	int		 got;
	const char	*what;
};

/*
 * Send each request over UDP (in windows), then a fence; every reply
 * before the fence must be the one expected of its request; every request
 * not expected to be silent must have been answered.
 */
static void
udp_batch(int fd, struct req *r, size_t n, int ms)
{
	uint8_t		in[PL_BUF];
	struct buf	fence;
	struct rep	rp;
	struct pollfd	pfd = { fd, POLLIN, 0 };
	uint32_t	fx;
	uint64_t	end;
	ssize_t		len;
	size_t		i;
	char		s1[32], s2[32];
	int		done;

	for (i = 0; i < n; i++) {
		r[i].got = 0;
		r[i].xid = r[i].b.n >= 4 ? pl_xid++ : 0;
		if (r[i].xid != 0)
			set_xid(&r[i].b, r[i].xid);
		if (send(fd, r[i].b.b, r[i].b.n, 0) == -1 && errno != EMSGSIZE)
			fail("send: %s", strerror(errno));
	}
	call_hdr(&fence, PL_PROG, 2, 0);
	fx = PL_FENCE | (pl_xid++ & 0xffffff);
	set_xid(&fence, fx);
	(void)send(fd, fence.b, fence.n, 0);
	end = now_us() + (uint64_t)ms * 1000;
	done = 0;
	while (!done) {
		len = recv(fd, in, sizeof(in), 0);
		if (len == -1) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNREFUSED) {
				fail("recv: %s", strerror(errno));
				return;
			}
			if (errno == ECONNREFUSED) {
				fail("the daemon is gone (ECONNREFUSED)");
				return;
			}
			if (now_us() >= end) {
				fail("no reply to the fence within %d ms", ms);
				return;
			}
			(void)poll(&pfd, 1, (int)((end - now_us()) / 1000) + 1);
			continue;
		}
		(void)parse_reply(in, (size_t)len, &rp);
		if (rp.xid == fx) {
			if (rp.kind != SUCCESS)
				fail("fence answered %s", kind_str(rp.kind, s1,
				    sizeof(s1)));
			done = 1;
			continue;
		}
		for (i = 0; i < n; i++)
			if (r[i].xid != 0 && r[i].xid == rp.xid)
				break;
		if (i == n) {
			if ((rp.xid & 0xff000000u) != PL_FENCE)
				fail("a reply to no request (xid %08x, %s)",
				    rp.xid, kind_str(rp.kind, s1, sizeof(s1)));
			continue;
		}
		r[i].got = 1;
		if (rp.kind != r[i].expect)
			fail("%s: %s, not %s", r[i].what, kind_str(rp.kind, s1,
			    sizeof(s1)), kind_str(r[i].expect, s2, sizeof(s2)));
	}
	for (i = 0; i < n; i++)
		if (!r[i].got && r[i].expect != K_SILENT)
			fail("%s: no answer (wanted %s)", r[i].what,
			    kind_str(r[i].expect, s1, sizeof(s1)));
}

/*
 * The same over a TCP connection: the requests as records, pipelined,
 * then a fence; replies come back in order.  Returns the connection, or
 * -1 when it had to be closed.
 */
static int
tcp_batch(int fd, struct req *r, size_t n, int ms)
{
	struct buf		out;
	uint8_t			in[PL_BUF];
	struct buf		fence;
	struct rep		rp;
	uint32_t		fx;
	uint64_t		end;
	long			len;
	size_t			i, next;
	char			s1[32], s2[32];

	if (fd == -1 && (fd = tcp_open(ms)) == -1) {
		fail("tcp connect: %s", strerror(errno));
		return -1;
	}
	call_hdr(&fence, PL_PROG, 2, 0);
	fx = PL_FENCE | (pl_xid++ & 0xffffff);
	set_xid(&fence, fx);
	for (i = 0; i <= n; i++) {
		out.n = 0;
		if (i < n) {
			r[i].xid = pl_xid++;
			set_xid(&r[i].b, r[i].xid);
			frame(&out, &r[i].b);
		} else
			frame(&out, &fence);
		if (write_all(fd, out.b, out.n, ms) == -1) {
			fail("tcp write: %s", strerror(errno));
			close(fd);
			return -1;
		}
	}
	end = now_us() + (uint64_t)ms * 1000;
	next = 0;
	for (;;) {
		if ((len = tcp_read_record(fd, in, sizeof(in), end)) <= 0) {
			fail("tcp: %s before the fence", len == 0 ?
			    "connection closed" : "no reply");
			close(fd);
			return -1;
		}
		(void)parse_reply(in, (size_t)len, &rp);
		if (rp.xid == fx)
			break;
		while (next < n && r[next].xid != rp.xid) {
			if (r[next].expect != K_SILENT)
				fail("tcp %s: no answer (wanted %s)",
				    r[next].what, kind_str(r[next].expect, s1,
				    sizeof(s1)));
			next++;
		}
		if (next == n) {
			fail("tcp: a reply to no request (xid %08x)", rp.xid);
			continue;
		}
		if (rp.kind != r[next].expect)
			fail("tcp %s: %s, not %s", r[next].what,
			    kind_str(rp.kind, s1, sizeof(s1)),
			    kind_str(r[next].expect, s2, sizeof(s2)));
		next++;
	}
	for (; next < n; next++)
		if (r[next].expect != K_SILENT)
			fail("tcp %s: no answer (wanted %s)", r[next].what,
			    kind_str(r[next].expect, s1, sizeof(s1)));
	return fd;
}

/* One UDP call, waiting ms: the reply in *rp, latency in *us.  0/-1. */
static int
udp_call(int fd, struct buf *b, int ms, struct rep *rp, uint8_t *in,
    size_t insz, uint64_t *us)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	uint64_t	t0 = now_us(), end = t0 + (uint64_t)ms * 1000, t;
	uint32_t	xid = pl_xid++;
	ssize_t		len;

	set_xid(b, xid);
	if (send(fd, b->b, b->n, 0) == -1)
		return -1;
	for (;;) {
		if ((len = recv(fd, in, insz, 0)) >= 0) {
			if (parse_reply(in, (size_t)len, rp) == 0 &&
			    rp->xid == xid) {
				*us = now_us() - t0;
				return 0;
			}
			continue;	/* a late reply to an earlier call */
		}
		if (errno != EAGAIN && errno != EINTR)
			return -1;
		if ((t = now_us()) >= end)
			return -1;
		(void)poll(&pfd, 1, (int)((end - t) / 1000) + 1);
	}
}

/* GETPORT of our own TCP or UDP entry (PMAP v2) */
static void
getport_call(struct buf *b, uint32_t prog, uint32_t prot)
{
	call_hdr(b, PL_PROG, 2, 3);
	put32(b, prog);
	put32(b, 2);
	put32(b, prot);
	put32(b, 0);
}

static int
getport_ok(const struct rep *rp, uint32_t want)
{
	return rp->kind == SUCCESS && rp->reslen == 4 &&
	    get32(rp->res) == want;
}

/* ---- flood ---- */

struct slot {
	int	fd;
	int	state;		/* 0 closed, 1 connecting, 2 open, 3 stalled */
	int	stall;		/* sends half a record */
};

static void
on_term(int sig)
{
	pl_stop = 1;
}

/* The flooding child: until SIGTERM or the time limit. */
static int
flooder(unsigned held, unsigned stalled, unsigned reopen, unsigned trickle,
    unsigned secs, int ready_fd)
{
	struct slot	*sl;
	struct pollfd	*pf;
	struct buf	 half;
	unsigned	 n = held + stalled, i, *map, np, budget;
	uint64_t	 attempts = 0, established = 0, closed = 0, refused = 0,
			 data = 0, open_now = 0, open_max = 0, t0 = now_us(),
			 tick = t0, ttick = t0, trickled = 0;
	socklen_t	 len;
	int		 err, readied = 0;
	uint8_t		 junk[256];

	signal(SIGTERM, on_term);
	raise_nofile((rlim_t)n + 64);
	sl = calloc(n, sizeof(*sl));
	pf = calloc(n, sizeof(*pf));
	map = calloc(n, sizeof(*map));
	if (sl == NULL || pf == NULL || map == NULL)
		return 2;
	for (i = 0; i < n; i++) {
		sl[i].fd = -1;
		sl[i].stall = i >= held;
	}
	/*
	 * Half a record: the mark promises 56 bytes (a GETPORT), 28 come;
	 * when trickling, it promises 9000.
	 */
	half.n = 0;
	put32(&half, 0x80000000u | (trickle > 0 ? 9000 : 56));
	putfill(&half, 28, 0);
	budget = n;		/* the first pass opens them all */
	while (!pl_stop && now_us() - t0 < (uint64_t)secs * 1000000) {
		for (i = 0; i < n && budget > 0; i++) {
			if (sl[i].state != 0)
				continue;
			budget--;
			attempts++;
			if ((sl[i].fd = sock_new(SOCK_STREAM)) == -1) {
				refused++;
				continue;
			}
			if (connect(sl[i].fd, (struct sockaddr *)&pl_ss,
			    pl_sslen) == 0 || errno == EINPROGRESS)
				sl[i].state = 1;
			else {
				refused++;
				close(sl[i].fd);
				sl[i].fd = -1;
			}
		}
		if (!readied) {
			(void)write(ready_fd, "r", 1);
			readied = 1;
		}
		for (i = np = 0; i < n; i++) {
			if (sl[i].state == 0)
				continue;
			pf[np].fd = sl[i].fd;
			pf[np].events = sl[i].state == 1 ? POLLOUT : POLLIN;
			pf[np].revents = 0;
			map[np++] = i;
		}
		if (poll(pf, np, 50) == -1 && errno != EINTR)
			break;
		for (i = 0; i < np; i++) {
			struct slot	*s = &sl[map[i]];

			if (pf[i].revents == 0)
				continue;
			if (s->state == 1) {
				len = sizeof(err);
				err = 0;
				(void)getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err,
				    &len);
				if (err != 0) {
					refused++;
					goto closeit;
				}
				established++;
				if (++open_now > open_max)
					open_max = open_now;
				s->state = 2;
				if (s->stall) {
					(void)write(s->fd, half.b, half.n);
					s->state = 3;
				}
				continue;
			}
			if (read(s->fd, junk, sizeof(junk)) > 0) {
				data++;
				continue;
			}
			if (errno == EAGAIN)
				continue;
			closed++;
			open_now--;
closeit:
			close(s->fd);
			s->fd = -1;
			s->state = 0;
		}
		/* -k: the stalled ones send one more byte now and then */
		if (trickle > 0 && now_us() - ttick >= trickle * 1000ull) {
			ttick = now_us();
			for (i = 0; i < n; i++)
				if (sl[i].state == 3 &&
				    write(sl[i].fd, "x", 1) == 1)
					trickled++;
		}
		/* the reopening budget, per 50 ms */
		if (now_us() - tick >= 50000) {
			tick = now_us();
			budget = reopen / 20 + (reopen > 0);
		}
	}
	printf("# flooder: %u slots (%u held, %u stalled), %llu connects, "
	    "%llu established (at most %llu at once), %llu closed by the "
	    "daemon, %llu failed, %llu with data, %llu bytes trickled\n", n,
	    held, stalled, (unsigned long long)attempts,
	    (unsigned long long)established, (unsigned long long)open_max,
	    (unsigned long long)closed, (unsigned long long)refused,
	    (unsigned long long)data, (unsigned long long)trickled);
	fflush(stdout);
	return 0;
}

/* The TCP clients: one after another, a whole GETPORT each. */
static int
tcp_prober(unsigned count, int ms, unsigned interval)
{
	struct buf	 b, out;
	struct rep	 rp;
	uint8_t		 in[512];
	uint64_t	*lat, t0;
	unsigned	 i, ok = 0;
	long		 len;
	int		 fd;
	char		 pc[128];

	if ((lat = calloc(count + 1, sizeof(*lat))) == NULL)
		return 2;
	for (i = 0; i < count; i++) {
		t0 = now_us();
		getport_call(&b, PL_PROG, 6);
		set_xid(&b, 0x7c000000u + i);
		out.n = 0;
		frame(&out, &b);
		if ((fd = tcp_open(ms)) == -1) {
			fail("tcp client %u: not connected within %d ms", i, ms);
			continue;
		}
		if (write_all(fd, out.b, out.n, ms) == -1 ||
		    (len = tcp_read_record(fd, in, sizeof(in),
		    t0 + (uint64_t)ms * 1000)) <= 0) {
			fail("tcp client %u: no answer within %d ms", i, ms);
			close(fd);
			continue;
		}
		close(fd);
		if (parse_reply(in, (size_t)len, &rp) == -1 ||
		    rp.xid != 0x7c000000u + i || !getport_ok(&rp, pl_port)) {
			fail("tcp client %u: a wrong answer", i);
			continue;
		}
		lat[ok++] = now_us() - t0;
		sleep_ms(interval);
	}
	percentiles(lat, ok, pc, sizeof(pc));
	printf("# tcp: %u/%u clients answered within %d ms: %s\n", ok, count,
	    ms, pc);
	fflush(stdout);
	return ok == count && pl_fails == 0 ? 0 : 1;
}

static int
mode_flood(int argc, char **argv)
{
	unsigned	held = 5000, stalled = 1000, reopen = 2000, udpn = 300,
			tcpn = 20, interval = 10, secs = 60, i, ok = 0, late = 0,
			trickle = 0;
	double		maxcpu = -1, cpu = -1;
	int		wait_ms = 1000, tcp_ms = 10000, ch, fd, st, p[2];
	pid_t		fl, tp;
	uint64_t	*lat, us, t0;
	long		cpu0, cpu1;
	struct buf	b;
	struct rep	rp;
	uint8_t		in[512];
	char		pc[128], c;

	while ((ch = getopt(argc, argv, "H:S:R:u:w:i:t:W:d:k:C:")) != -1) {
		switch (ch) {
		case 'k': trickle = (unsigned)atoi(optarg); break;
		case 'C': maxcpu = atof(optarg); break;
		case 'H': held = (unsigned)atoi(optarg); break;
		case 'S': stalled = (unsigned)atoi(optarg); break;
		case 'R': reopen = (unsigned)atoi(optarg); break;
		case 'u': udpn = (unsigned)atoi(optarg); break;
		case 'w': wait_ms = atoi(optarg); break;
		case 'i': interval = (unsigned)atoi(optarg); break;
		case 't': tcpn = (unsigned)atoi(optarg); break;
		case 'W': tcp_ms = atoi(optarg); break;
		case 'd': secs = (unsigned)atoi(optarg); break;
		default: return 2;
		}
	}
	if ((lat = calloc(udpn + 1, sizeof(*lat))) == NULL || pipe(p) == -1)
		return 2;
	fflush(stdout);
	if ((fl = fork()) == -1)
		return 2;
	if (fl == 0) {
		close(p[0]);
		_exit(flooder(held, stalled, reopen, trickle, secs, p[1]));
	}
	close(p[1]);
	/* the flood is on once every slot has been tried; then let it build */
	if (read(p[0], &c, 1) != 1) {
		printf("flood FAIL: the flooder did not start\n");
		return 1;
	}
	close(p[0]);
	sleep_ms(500);
	fflush(stdout);
	if ((tp = fork()) == -1)
		return 2;
	if (tp == 0)
		_exit(tcp_prober(tcpn, tcp_ms, interval * udpn / (tcpn + 1)));
	if ((fd = udp_open()) == -1) {
		printf("flood FAIL: udp socket: %s\n", strerror(errno));
		return 2;
	}
	t0 = now_us();
	cpu0 = cpu_ticks();
	for (i = 0; i < udpn; i++) {
		getport_call(&b, PL_PROG, 17);
		if (udp_call(fd, &b, wait_ms, &rp, in, sizeof(in), &us) == -1) {
			late++;
			fail("udp GETPORT %u: no answer within %d ms", i, wait_ms);
		} else if (!getport_ok(&rp, pl_port))
			fail("udp GETPORT %u: a wrong answer", i);
		else
			lat[ok++] = us;
		sleep_ms(interval);
	}
	percentiles(lat, ok, pc, sizeof(pc));
	printf("# udp: %u/%u GETPORTs answered within %d ms over %.1f s: %s\n",
	    ok, udpn, wait_ms, (now_us() - t0) / 1e6, pc);
	if (cpu0 >= 0 && (cpu1 = cpu_ticks()) >= 0) {
		cpu = 100.0 * (cpu1 - cpu0) / sysconf(_SC_CLK_TCK) /
		    ((now_us() - t0) / 1e6);
		printf("# daemon cpu: %.0f%% of the probing time\n", cpu);
		if (maxcpu >= 0 && cpu > maxcpu)
			fail("the daemon used %.0f%% of a cpu (at most %.0f%%)",
			    cpu, maxcpu);
	}
	fflush(stdout);
	st = 1;
	(void)waitpid(tp, &st, 0);
	kill(fl, SIGTERM);
	(void)waitpid(fl, NULL, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("the tcp clients were not all answered");
	free(lat);
	if (pl_fails == 0 && ok == udpn) {
		printf("flood ok: udp %u/%u answered, %s; daemon cpu %.0f%%\n",
		    ok, udpn, pc, cpu);
		return 0;
	}
	printf("flood FAIL: udp %u/%u answered (%u late), %u failures\n", ok,
	    udpn, late, pl_fails);
	return 1;
}

/* ---- bomb ---- */

#define MAXREQ	64

static const uint32_t	bomb_len[] = { 0xffffffffu, 0x80000000u, 9001 };

/*
 * The rpcbomb requests, for UDP (tcp = 0) or TCP: a lying length in each
 * field in turn, followed by some bytes.
 */
static size_t
bomb_reqs(struct req *r, int tcp)
{
	size_t		n = 0, k;
	uint32_t	L;

	for (k = 0; k < sizeof(bomb_len) / sizeof(bomb_len[0]); k++) {
		L = bomb_len[k];
		/* GETADDR v3, v4: r_netid */
		call_hdr(&r[n].b, PL_PROG, 3, 3);
		put32(&r[n].b, 100000); put32(&r[n].b, 2);
		put32(&r[n].b, L); putfill(&r[n].b, 64, 'a');
		r[n].expect = GARBAGE_ARGS; r[n++].what = "v3 GETADDR r_netid";
		call_hdr(&r[n].b, PL_PROG, 4, 3);
		put32(&r[n].b, 100000); put32(&r[n].b, 2);
		put32(&r[n].b, L); putfill(&r[n].b, 64, 'a');
		r[n].expect = GARBAGE_ARGS; r[n++].what = "v4 GETADDR r_netid";
		/* SET v4: r_addr */
		call_hdr(&r[n].b, PL_PROG, 4, 1);
		put32(&r[n].b, 0x20001000); put32(&r[n].b, 1);
		putstr(&r[n].b, "tcp"); put32(&r[n].b, L);
		putfill(&r[n].b, 200, '1');
		r[n].expect = GARBAGE_ARGS; r[n++].what = "v4 SET r_addr";
		/* UNSET v3: r_owner */
		call_hdr(&r[n].b, PL_PROG, 3, 2);
		put32(&r[n].b, 0x20001000); put32(&r[n].b, 1);
		putstr(&r[n].b, "tcp"); putstr(&r[n].b, "");
		put32(&r[n].b, L); putfill(&r[n].b, 100, 'o');
		r[n].expect = GARBAGE_ARGS; r[n++].what = "v3 UNSET r_owner";
		/* GETVERSADDR v4: r_addr */
		call_hdr(&r[n].b, PL_PROG, 4, 9);
		put32(&r[n].b, 100000); put32(&r[n].b, 4);
		putstr(&r[n].b, "udp"); put32(&r[n].b, L);
		putfill(&r[n].b, 64, '.');
		r[n].expect = GARBAGE_ARGS; r[n++].what = "v4 GETVERSADDR r_addr";
		/* UADDR2TADDR v3: the string */
		call_hdr(&r[n].b, PL_PROG, 3, 7);
		put32(&r[n].b, L); putfill(&r[n].b, 64, '1');
		r[n].expect = GARBAGE_ARGS; r[n++].what = "v3 UADDR2TADDR";
		/* TADDR2UADDR v4: netbuf buf */
		call_hdr(&r[n].b, PL_PROG, 4, 8);
		put32(&r[n].b, 16); put32(&r[n].b, L);
		putfill(&r[n].b, 64, 0);
		r[n].expect = GARBAGE_ARGS; r[n++].what = "v4 TADDR2UADDR netbuf";
		/* CALLIT v2: args (silence), INDIRECT v4: args */
		call_hdr(&r[n].b, PL_PROG, 2, 5);
		put32(&r[n].b, 100000); put32(&r[n].b, 2); put32(&r[n].b, 0);
		put32(&r[n].b, L); putfill(&r[n].b, 512, 0);
		r[n].expect = K_SILENT; r[n++].what = "v2 CALLIT args";
		call_hdr(&r[n].b, PL_PROG, 4, 10);
		put32(&r[n].b, 100000); put32(&r[n].b, 2); put32(&r[n].b, 0);
		put32(&r[n].b, L); putfill(&r[n].b, 512, 0);
		/* forwarding is for datagrams only: silence over TCP */
		r[n].expect = tcp ? K_SILENT : GARBAGE_ARGS;
		r[n++].what = "v4 INDIRECT args";
		/* credential and verifier bodies */
		r[n].b.n = 0;
		put32(&r[n].b, 0); put32(&r[n].b, 0); put32(&r[n].b, 2);
		put32(&r[n].b, PL_PROG); put32(&r[n].b, 2); put32(&r[n].b, 0);
		put32(&r[n].b, 1); put32(&r[n].b, L); putfill(&r[n].b, 500, 0);
		r[n].expect = K_AUTH(BADCRED); r[n++].what = "credential body";
		r[n].b.n = 0;
		put32(&r[n].b, 0); put32(&r[n].b, 0); put32(&r[n].b, 2);
		put32(&r[n].b, PL_PROG); put32(&r[n].b, 2); put32(&r[n].b, 0);
		put32(&r[n].b, 0); put32(&r[n].b, 0);
		put32(&r[n].b, 0); put32(&r[n].b, L); putfill(&r[n].b, 500, 0);
		r[n].expect = K_AUTH(BADCRED); r[n++].what = "verifier body";
		/* AUTH_SYS: machine name, then the gids count */
		r[n].b.n = 0;
		put32(&r[n].b, 0); put32(&r[n].b, 0); put32(&r[n].b, 2);
		put32(&r[n].b, PL_PROG); put32(&r[n].b, 2); put32(&r[n].b, 0);
		put32(&r[n].b, 1); put32(&r[n].b, 40); put32(&r[n].b, 1);
		put32(&r[n].b, L); putfill(&r[n].b, 32, 'h');
		put32(&r[n].b, 0); put32(&r[n].b, 0);
		r[n].expect = K_AUTH(BADCRED); r[n++].what = "AUTH_SYS machinename";
		r[n].b.n = 0;
		put32(&r[n].b, 0); put32(&r[n].b, 0); put32(&r[n].b, 2);
		put32(&r[n].b, PL_PROG); put32(&r[n].b, 2); put32(&r[n].b, 0);
		put32(&r[n].b, 1); put32(&r[n].b, 24); put32(&r[n].b, 1);
		putstr(&r[n].b, "host"); put32(&r[n].b, 0); put32(&r[n].b, 0);
		put32(&r[n].b, L); put32(&r[n].b, 0); put32(&r[n].b, 0);
		r[n].expect = K_AUTH(BADCRED); r[n++].what = "AUTH_SYS gids";
	}
	return n;
}

/* Record marks that say too much: each connection must be closed. */
static const uint32_t	bomb_marks[] = {
	0xffffffffu,		/* last, 2^31-1 */
	0x7fffffffu,		/* not last, 2^31-1 */
	0x80000000u | 9001,	/* last, 9001 */
	9001,			/* not last, 9001 */
};

static int
mode_bomb(int argc, char **argv)
{
	static struct req	r[MAXREQ];
	unsigned long		count = 100000, sent, conns;
	size_t			n, i, w;
	long			rss0;
	uint64_t		t0;
	int			ch, ufd, tfd = -1, k;
	uint8_t			h[4 + 64];
	char			msg[256];

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		if (ch != 'n')
			return 2;
		count = strtoul(optarg, NULL, 10);
	}
	if ((ufd = udp_open()) == -1)
		return 2;
	/* warm-up: a round of each, unmeasured */
	n = bomb_reqs(r, 0);
	for (k = 0; k < 20; k++)
		udp_batch(ufd, r, n, 3000);
	n = bomb_reqs(r, 1);
	for (k = 0; k < 20; k++)
		tfd = tcp_batch(tfd, r, n, 5000);
	rss0 = rss_kib();
	t0 = now_us();

	n = bomb_reqs(r, 0);
	for (sent = 0; sent < count && pl_fails < 20; sent += w) {
		w = n < count - sent ? n : count - sent;
		for (i = 0; i < w; i += PL_WIN)
			udp_batch(ufd, r + i, w - i < PL_WIN ? w - i : PL_WIN,
			    3000);
	}
	printf("# udp: %lu calls in %.1f s\n", sent, (now_us() - t0) / 1e6);
	t0 = now_us();
	n = bomb_reqs(r, 1);
	for (sent = 0; sent < count && pl_fails < 20; sent += w) {
		w = n < count - sent ? n : count - sent;
		tfd = tcp_batch(tfd, r, w, 5000);
	}
	printf("# tcp: %lu calls in %.1f s\n", sent, (now_us() - t0) / 1e6);
	if (tfd != -1)
		close(tfd);
	t0 = now_us();
	for (conns = 0; conns < count / 100 + 1 && pl_fails < 20; conns++) {
		if ((tfd = tcp_open(5000)) == -1) {
			fail("tcp connect: %s", strerror(errno));
			break;
		}
		k = (int)(conns % (sizeof(bomb_marks) / sizeof(bomb_marks[0])));
		h[0] = bomb_marks[k] >> 24;
		h[1] = bomb_marks[k] >> 16;
		h[2] = bomb_marks[k] >> 8;
		h[3] = bomb_marks[k];
		memset(h + 4, 0, 64);
		(void)write_all(tfd, h, sizeof(h), 5000);
		if ((ch = tcp_wait_close(tfd, 5000)) != K_CLOSED)
			fail("record mark %08x: %s, not closed", bomb_marks[k],
			    ch == K_SILENT ? "still open after 5 s" :
			    "data came back");
		close(tfd);
	}
	printf("# tcp: %lu connections with oversized record marks in %.1f "
	    "s\n", conns, (now_us() - t0) / 1e6);
	snprintf(msg, sizeof(msg), "%lu udp, %lu tcp calls, %lu oversized "
	    "records", count, count, conns);
	rss_check(rss0, msg, sizeof(msg));
	if (pl_fails == 0) {
		printf("bomb ok: %s\n", msg);
		return 0;
	}
	printf("bomb FAIL: %u failures; %s\n", pl_fails, msg);
	return 1;
}

/* ---- garbage ---- */

static uint64_t	rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

/* A valid v4 GETADDR call for (prog, 1) */
static void
getaddr_call(struct buf *b, uint32_t vers, uint32_t prog)
{
	call_hdr(b, PL_PROG, vers, 3);
	put32(b, prog);
	put32(b, 1);
	putstr(b, "udp");
	putstr(b, "127.0.0.1.0.111");
	putstr(b, "pmload");
}

#define G_CLASSES	11

/* Request i of class cls, with what it must get. */
static void
garbage_req(struct req *r, int cls)
{
	struct buf	*b = &r->b;
	size_t		 cut, len, i;
	uint32_t	 v;

	switch (cls) {
	case 0:		/* random bytes: not a call */
		len = rng() % 600;
		b->n = 0;
		for (i = 0; i < len; i++)
			putfill(b, 1, (uint8_t)rng());
		if (b->n >= 8 && get32(b->b + 4) == 0)
			b->b[7] = 1;
		r->expect = K_SILENT;
		r->what = "random bytes";
		break;
	case 1:		/* a call cut short */
		getaddr_call(b, 4, 0x20002000);
		cut = rng() % b->n;
		b->n = cut;
		if (cut < 24)
			r->expect = K_SILENT;		/* no whole header */
		else if (cut < 40)
			r->expect = K_AUTH(BADCRED);	/* in the credential */
		else
			r->expect = GARBAGE_ARGS;	/* in the arguments */
		r->what = cut < 24 ? "truncated header" : cut < 40 ?
		    "truncated credential" : "truncated arguments";
		break;
	case 2:		/* bytes after the arguments */
		getaddr_call(b, 3, 0x20002000);
		putfill(b, 4 * (1 + rng() % 8), 0);
		r->expect = GARBAGE_ARGS;
		r->what = "trailing bytes";
		break;
	case 3:		/* rpcvers */
		getaddr_call(b, 4, 0x20002000);
		do
			v = rng() % 4 == 0 ? rng() % 8 : rng();
		while (v == 2);
		b->b[8] = v >> 24; b->b[9] = v >> 16; b->b[10] = v >> 8;
		b->b[11] = v;
		r->expect = K_RPCMISM;
		r->what = "wrong rpcvers";
		break;
	case 4:		/* program */
		call_hdr(b, rng() | 1, 2, 0);	/* odd: never 100000 */
		r->expect = PROG_UNAVAIL;
		r->what = "wrong program";
		break;
	case 5:		/* version */
		do
			v = rng() % 2 ? rng() % 16 : rng();
		while (v >= 2 && v <= 4);
		call_hdr(b, PL_PROG, v, 0);
		r->expect = PROG_MISMATCH;
		r->what = "wrong version";
		break;
	case 6:		/* procedure */
		v = 2 + rng() % 3;
		call_hdr(b, PL_PROG, v, (v == 2 ? 6 : v == 3 ? 9 : 13) +
		    (rng() % 2 ? rng() % 100 : rng() % 0x7fffffffu));
		r->expect = PROC_UNAVAIL;
		r->what = "wrong procedure";
		break;
	case 7:		/* a huge credential or verifier body, there in full */
		len = 401 + rng() % 7000;
		b->n = 0;
		put32(b, 0); put32(b, 0); put32(b, 2); put32(b, PL_PROG);
		put32(b, 2); put32(b, 0);
		if (rng() % 2) {
			put32(b, 1); put32(b, (uint32_t)len);
			putfill(b, (len + 3) & ~3u, 0);
			put32(b, 0); put32(b, 0);
		} else {
			put32(b, 0); put32(b, 0);
			put32(b, 0); put32(b, (uint32_t)len);
			putfill(b, (len + 3) & ~3u, 0);
		}
		r->expect = K_AUTH(BADCRED);
		r->what = "huge auth body";
		break;
	case 8:		/* an unknown credential flavor */
		call_hdr(b, PL_PROG, 2, 0);
		v = 7 + rng() % 0x7ffffff0u;
		b->b[24] = v >> 24; b->b[25] = v >> 16; b->b[26] = v >> 8;
		b->b[27] = v;
		r->expect = K_AUTH(REJECTEDCRED);
		r->what = "unknown flavor";
		break;
	case 9:		/* a reply, or another message type */
		call_hdr(b, PL_PROG, 2, 0);
		v = rng() % 2 ? 1 : 2 + rng() % 0x7fffffffu;
		b->b[4] = v >> 24; b->b[5] = v >> 16; b->b[6] = v >> 8;
		b->b[7] = v;
		r->expect = K_SILENT;
		r->what = "not a call";
		break;
	default:	/* longer than any request may be */
		call_hdr(b, PL_PROG, 2, 0);
		putfill(b, 9000 - b->n + 1 + rng() % 2000, 0);
		r->expect = K_SILENT;
		r->what = "oversized datagram";
		break;
	}
}

/* A TCP connection sending fragments never marked last: closed. */
static void
garbage_chain(int i)
{
	struct buf	out;
	size_t		k;
	int		fd, ch;

	if ((fd = tcp_open(5000)) == -1) {
		fail("tcp connect: %s", strerror(errno));
		return;
	}
	out.n = 0;
	if (i % 2 == 0) {	/* many small fragments */
		for (k = 0; k < 40; k++) {
			put32(&out, 8);
			putfill(&out, 8, (uint8_t)k);
		}
	} else {		/* a few big ones, past the record cap */
		for (k = 0; k < 3; k++) {
			put32(&out, 3500);
			putfill(&out, 3500, 0);
		}
	}
	(void)write_all(fd, out.b, out.n, 5000);
	if ((ch = tcp_wait_close(fd, 5000)) != K_CLOSED)
		fail("fragments never marked last (%s): %s", i % 2 == 0 ?
		    "40 small" : "3 of 3500 bytes", ch == K_SILENT ?
		    "still open after 5 s" : "data came back");
	close(fd);
}

static int
mode_garbage(int argc, char **argv)
{
	static struct req	r[PL_WIN];
	unsigned long		count = 20000, sent = 0, cls[G_CLASSES] = { 0 };
	unsigned		secs = 15, i;
	size_t			w, k;
	uint64_t		t0 = now_us();
	long			rss0;
	int			ch, fd, tfd[4];
	char			msg[256];

	while ((ch = getopt(argc, argv, "n:s:T:")) != -1) {
		switch (ch) {
		case 'n': count = strtoul(optarg, NULL, 10); break;
		case 's': rng_state ^= strtoull(optarg, NULL, 0) * 2654435761u;
			break;
		case 'T': secs = (unsigned)atoi(optarg); break;
		default: return 2;
		}
	}
	if ((fd = udp_open()) == -1)
		return 2;
	/* warm-up, unmeasured: a window of each class, a chain of each */
	for (i = 0; i < G_CLASSES; i++) {
		for (k = 0; k < PL_WIN; k++)
			garbage_req(&r[k], (int)i);
		udp_batch(fd, r, PL_WIN, 3000);
	}
	garbage_chain(0);
	garbage_chain(1);
	rss0 = rss_kib();
	while (sent < count && pl_fails < 20) {
		w = count - sent < PL_WIN ? count - sent : PL_WIN;
		for (k = 0; k < w; k++) {
			i = (unsigned)((sent + k) % G_CLASSES);
			garbage_req(&r[k], (int)i);
			cls[i]++;
		}
		udp_batch(fd, r, w, 3000);
		sent += w;
	}
	printf("# udp: %lu datagrams in %.1f s:", sent, (now_us() - t0) / 1e6);
	for (i = 0; i < G_CLASSES; i++)
		printf(" %lu", cls[i]);
	printf("\n");

	/* streams: fragments never marked last */
	t0 = now_us();
	for (i = 0; i < 20 && pl_fails < 20; i++)
		garbage_chain((int)i);
	/* a record begun and never finished: closed at the deadline */
	for (i = 0; i < 4; i++) {
		if ((tfd[i] = tcp_open(5000)) == -1) {
			fail("tcp connect: %s", strerror(errno));
			continue;
		}
		(void)write_all(tfd[i], (const uint8_t *)"\x80\0\x01\0" "abcd",
		    8, 5000);
	}
	for (i = 0; i < 4; i++) {
		if (tfd[i] == -1)
			continue;
		if ((ch = tcp_wait_close(tfd[i], (int)secs * 1000)) != K_CLOSED)
			fail("a half-sent record: %s", ch == K_SILENT ?
			    "still open" : "data came back");
		close(tfd[i]);
	}
	printf("# tcp: 20 unfinished fragment chains, 4 stalled records in "
	    "%.1f s\n", (now_us() - t0) / 1e6);
	/* still there */
	call_hdr(&r[0].b, PL_PROG, 2, 0);
	r[0].expect = SUCCESS;
	r[0].what = "NULL afterwards";
	udp_batch(fd, r, 1, 3000);
	snprintf(msg, sizeof(msg), "%lu datagrams in %d classes, 24 streams",
	    sent, G_CLASSES);
	rss_check(rss0, msg, sizeof(msg));
	if (pl_fails == 0) {
		printf("garbage ok: %s\n", msg);
		return 0;
	}
	printf("garbage FAIL: %u failures; %s\n", pl_fails, msg);
	return 1;
}

/* ---- getaddr ---- */

static int
mode_getaddr(int argc, char **argv)
{
	static struct req	r[PL_WIN];
	unsigned long		count = 100000, i;
	size_t			k, w;
	uint32_t		prog;
	long			rss0;
	uint64_t		t0;
	int			ch, fd;
	char			msg[256];

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		if (ch != 'n')
			return 2;
		count = strtoul(optarg, NULL, 10);
	}
	if ((fd = udp_open()) == -1)
		return 2;
	/*
	 * Every answer is "not found"; the reply's results are not looked
	 * at (udp_batch checks the kind): GETADDR "" and GETPORT 0 are
	 * checked once each here.
	 */
	for (prog = 0x50000000u, i = 0; i < 2000; i += w) {
		w = PL_WIN;
		for (k = 0; k < w; k++, prog++) {
			if (k % 3 == 2)
				getport_call(&r[k].b, prog, 17);
			else
				getaddr_call(&r[k].b, 3 + k % 3, prog);
			r[k].expect = SUCCESS;
			r[k].what = "warm-up lookup";
		}
		udp_batch(fd, r, w, 3000);
	}
	{
		struct buf	b;
		struct rep	rp;
		uint8_t		in[512];
		uint64_t	us;

		getaddr_call(&b, 4, 0x5fffffffu);
		if (udp_call(fd, &b, 3000, &rp, in, sizeof(in), &us) == -1 ||
		    rp.kind != SUCCESS || rp.reslen != 4 || get32(rp.res) != 0)
			fail("GETADDR of an unregistered program: not \"\"");
		getport_call(&b, 0x5fffffffu, 17);
		if (udp_call(fd, &b, 3000, &rp, in, sizeof(in), &us) == -1 ||
		    !getport_ok(&rp, 0))
			fail("GETPORT of an unregistered program: not 0");
	}
	rss0 = rss_kib();
	t0 = now_us();
	for (prog = 0x60000000u, i = 0; i < count && pl_fails < 20; i += w) {
		w = count - i < PL_WIN ? count - i : PL_WIN;
		for (k = 0; k < w; k++, prog++) {
			if ((i + k) % 3 == 2)
				getport_call(&r[k].b, prog, 17);
			else
				getaddr_call(&r[k].b, 3 + (i + k) % 3, prog);
			r[k].expect = SUCCESS;
			r[k].what = "lookup";
		}
		udp_batch(fd, r, w, 3000);
	}
	snprintf(msg, sizeof(msg), "%lu lookups of distinct programs in %.1f s",
	    i, (now_us() - t0) / 1e6);
	rss_check(rss0, msg, sizeof(msg));
	if (pl_fails == 0) {
		printf("getaddr ok: %s\n", msg);
		return 0;
	}
	printf("getaddr FAIL: %u failures; %s\n", pl_fails, msg);
	return 1;
}

/* ---- streams ---- */

static int
mode_streams(int argc, char **argv)
{
	struct buf	b, out;
	struct rep	rp;
	uint8_t		in[1024];
	unsigned	secs = 15, idle = 0, frags = 16;
	uint64_t	end, t0;
	long		len;
	size_t		k;
	int		ch, fd, i;

	while ((ch = getopt(argc, argv, "T:I:F:")) != -1) {
		if (ch == 'T')
			secs = (unsigned)atoi(optarg);
		else if (ch == 'F')
			frags = (unsigned)atoi(optarg);
		else if (ch == 'I')
			idle = (unsigned)atoi(optarg);
		else
			return 2;
	}
	/* a GETPORT in three fragments, each written on its own */
	getport_call(&b, PL_PROG, 6);
	set_xid(&b, 0x51000001);
	if ((fd = tcp_open(5000)) == -1)
		return printf("streams FAIL: connect\n"), 1;
	for (i = 0; i < 3; i++) {
		out.n = 0;
		k = i < 2 ? 20 : b.n - 40;
		put32(&out, (i == 2 ? 0x80000000u : 0) | (uint32_t)k);
		putraw(&out, b.b + 20 * i, k);
		(void)write_all(fd, out.b, out.n, 5000);
		sleep_ms(20);
	}
	end = now_us() + 10000000;
	if ((len = tcp_read_record(fd, in, sizeof(in), end)) <= 0 ||
	    parse_reply(in, (size_t)len, &rp) == -1 || rp.xid != 0x51000001 ||
	    !getport_ok(&rp, pl_port))
		fail("a GETPORT in three fragments: no right answer");
	/* two calls in one write */
	out.n = 0;
	set_xid(&b, 0x51000002);
	frame(&out, &b);
	set_xid(&b, 0x51000003);
	frame(&out, &b);
	(void)write_all(fd, out.b, out.n, 5000);
	for (k = 2; k <= 3; k++)
		if ((len = tcp_read_record(fd, in, sizeof(in), end)) <= 0 ||
		    parse_reply(in, (size_t)len, &rp) == -1 ||
		    rp.xid != 0x51000000u + k || !getport_ok(&rp, pl_port))
			fail("pipelined GETPORT %zu: no right answer", k - 1);
	close(fd);
	/* a record mark over the cap; too many fragments */
	for (i = 0; i < 2; i++) {
		if ((fd = tcp_open(5000)) == -1)
			return printf("streams FAIL: connect\n"), 1;
		out.n = 0;
		if (i == 0) {
			put32(&out, 0x80000000u | 9001);
			putfill(&out, 64, 0);
		} else
			for (k = 0; k <= frags; k++) {
				put32(&out, 4);
				putfill(&out, 4, 0);
			}
		(void)write_all(fd, out.b, out.n, 5000);
		if (tcp_wait_close(fd, 1000) != K_CLOSED)
			fail("%s: not closed within a second", i == 0 ?
			    "a 9001-byte record" : "one fragment too many");
		close(fd);
	}
	/* half a record: closed at the deadline */
	if ((fd = tcp_open(5000)) == -1)
		return printf("streams FAIL: connect\n"), 1;
	(void)write_all(fd, (const uint8_t *)"\x80\0\0\x40" "abcd", 8, 5000);
	if (tcp_wait_close(fd, (int)secs * 1000) != K_CLOSED)
		fail("a half-sent record: not closed within %u s", secs);
	close(fd);
	/* a silent connection: closed at the idle timeout */
	if (idle > 0) {
		if ((fd = tcp_open(5000)) == -1)
			return printf("streams FAIL: connect\n"), 1;
		t0 = now_us();
		if (tcp_wait_close(fd, (int)(idle + 2) * 1000) != K_CLOSED)
			fail("a silent connection: not closed within %u s",
			    idle + 2);
		else if (now_us() - t0 < (uint64_t)(idle - 1) * 1000000)
			fail("a silent connection: closed after %.1f s, before "
			    "%u s", (now_us() - t0) / 1e6, idle);
		close(fd);
	}
	if (pl_fails == 0) {
		printf("streams ok: fragments, pipelining, oversized record, "
		    "fragment cap, record deadline\n");
		return 0;
	}
	printf("streams FAIL: %u failures\n", pl_fails);
	return 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: pmload [-a addr] [-p port] [-m pid] [-M kib] "
	    "flood|bomb|garbage|getaddr|streams [options]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&pl_ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&pl_ss;
	const char		*addr = "127.0.0.1", *mode;
	int			 ch;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	while ((ch = getopt(argc, argv, "+a:p:m:M:")) != -1) {
		switch (ch) {
		case 'a': addr = optarg; break;
		case 'p': pl_port = (unsigned)atoi(optarg); break;
		case 'm': pl_pid = (pid_t)atoi(optarg); break;
		case 'M': pl_maxkib = atol(optarg); break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	memset(&pl_ss, 0, sizeof(pl_ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)pl_port);
		pl_sslen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = pl_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)pl_port);
		pl_sslen = sizeof(*sin6);
	} else
		usage();
	mode = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 1;
	if (strcmp(mode, "flood") == 0)
		return mode_flood(argc, argv);
	if (strcmp(mode, "bomb") == 0)
		return mode_bomb(argc, argv);
	if (strcmp(mode, "garbage") == 0)
		return mode_garbage(argc, argv);
	if (strcmp(mode, "getaddr") == 0)
		return mode_getaddr(argc, argv);
	if (strcmp(mode, "streams") == 0)
		return mode_streams(argc, argv);
	usage();
	return 2;
}
