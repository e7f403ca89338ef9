/*
 * rmtcall - remote calls through a port mapper, and raw calls whose bytes
 * are counted, for the forwarding and policy integration tests.
 *
 *	rmtcall pmap HOST PROG VERS PROC [STRING]
 *		libtirpc pmap_rmtcall() (PMAP v2 CALLIT over UDP); prints
 *		"port N" and "result ..." (proc 1 echoes STRING, proc 2
 *		returns the version)
 *	rmtcall rpcb HOST NETID PROG VERS PROC [STRING]
 *		libtirpc rpcb_rmtcall() (RPCBIND CALLIT); prints "addr UADDR"
 *		and "result ..."
 *	rmtcall bcast NETTYPE PROG VERS PROC [STRING]
 *		libtirpc rpc_broadcast_exp(): every answer as "reply UADDR
 *		result ..." until the first (RMTCALL_ALL=1: until the time
 *		is up, 3 s)
 *	rmtcall raw udp|tcp HOST PORT VERS PROC [HEX]
 *		one call to program 100000 (AUTH_NONE, arguments HEX), reply
 *		read whole; prints "sent N", "received M" (record marks not
 *		counted), and "accepted STAT" / "denied STAT", with the
 *		number of result bytes ("results N") and the first 64 in hex
 *		("data HEX")
 *	rmtcall callit HOST VERS PROC PROG PVERS PPROC [HEX]
 *		one CALLIT (v2/v3) / BCAST / INDIRECT (v4: PROC 5 or 9) over
 *		UDP with raw arguments HEX; prints as raw, "silent" when no
 *		answer comes within $RMTCALL_WAIT ms (default 1000)
 *	rmtcall flood HOST COUNT WINDOW PROG VERS PROC
 *		COUNT v2 CALLITs of (PROG, VERS, PROC) with no arguments,
 *		at most WINDOW unanswered at a time; prints "sent N",
 *		"answered M"
 *	rmtcall burst HOST COUNT
 *		COUNT PMAP v2 NULL calls over UDP as fast as the socket
 *		buffers allow (20 at a time); prints "sent N", "answered M"
 *		once nothing came for 500 ms
 *
 * $RMTCALL_SRC: a local address to send the UDP calls from.
 *
 * Exit status: 0 an answer came (or, for bcast, at least one), 1 none or a
 * negative one, 2 usage or system error.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* libtirpc's xdrproc_t is variadic: every xdr routine needs a cast. */
#pragma GCC diagnostic ignored "-Wcast-function-type"

#include <rpc/rpc.h>
#include <rpc/pmap_clnt.h>
#include <rpc/rpcb_clnt.h>

#define RC_BUF		70000
#define RC_ARGS_MAX	9000

static void
rc_usage(void)
{
	fprintf(stderr,
	    "usage: rmtcall pmap HOST PROG VERS PROC [STRING]\n"
	    "       rmtcall rpcb HOST NETID PROG VERS PROC [STRING]\n"
	    "       rmtcall bcast NETTYPE PROG VERS PROC [STRING]\n"
	    "       rmtcall raw udp|tcp HOST PORT VERS PROC [HEX]\n"
	    "       rmtcall callit HOST VERS PROC PROG PVERS PPROC [HEX]\n"
	    "       rmtcall flood HOST COUNT WINDOW PROG VERS PROC\n"
	    "       rmtcall burst HOST COUNT\n");
	exit(2);
}

static unsigned long
rc_num(const char *s)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno != 0)
		rc_usage();
	return v;
}

/* The result of procedure proc of the test server, as text. */
struct rc_res {
	unsigned long	 proc;
	char		*str;
	u_int		 num;
};

static bool_t
rc_xdr_res(XDR *x, void *p)
{
	struct rc_res *r = p;

	if (r->proc == 1)
		return xdr_wrapstring(x, &r->str);
	if (r->proc == 2)
		return xdr_u_int(x, &r->num);
	return xdr_void();
}

static void
rc_print_res(const struct rc_res *r)
{
	if (r->proc == 1)
		printf("result %s\n", r->str != NULL ? r->str : "");
	else if (r->proc == 2)
		printf("result %u\n", r->num);
	else
		printf("result void\n");
}

static bool_t
rc_xdr_args(XDR *x, void *p)
{
	char **s = p;

	if (*s == NULL)
		return TRUE;
	return xdr_wrapstring(x, s);
}

static int
rc_pmap(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	struct timeval		 tv = { 3, 0 };
	struct rc_res		 res;
	struct addrinfo		 hints, *ai;
	char			*arg;
	u_long			 port = 0;
	enum clnt_stat		 st;

	if (argc < 5)
		rc_usage();
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(argv[1], NULL, &hints, &ai) != 0)
		rc_usage();
	memcpy(&sin, ai->ai_addr, sizeof(sin));
	freeaddrinfo(ai);
	memset(&res, 0, sizeof(res));
	res.proc = rc_num(argv[4]);
	arg = argc > 5 ? argv[5] : NULL;
	if (res.proc == 1 && arg == NULL)
		arg = "";
	st = pmap_rmtcall(&sin, rc_num(argv[2]), rc_num(argv[3]), res.proc,
	    (xdrproc_t)rc_xdr_args, (caddr_t)&arg, (xdrproc_t)rc_xdr_res,
	    (caddr_t)&res, tv, &port);
	if (st != RPC_SUCCESS) {
		fprintf(stderr, "pmap_rmtcall: %s\n", clnt_sperrno(st));
		return 1;
	}
	printf("port %lu\n", port);
	rc_print_res(&res);
	return 0;
}

static int
rc_rpcb(int argc, char **argv)
{
	struct netconfig	*nc;
	struct timeval		 tv = { 3, 0 };
	struct rc_res		 res;
	struct netbuf		*nb = NULL;
	char			*arg, *ua;
	enum clnt_stat		 st;

	if (argc < 6)
		rc_usage();
	if ((nc = getnetconfigent(argv[2])) == NULL) {
		fprintf(stderr, "rmtcall: unknown netid %s\n", argv[2]);
		return 2;
	}
	memset(&res, 0, sizeof(res));
	res.proc = rc_num(argv[5]);
	arg = argc > 6 ? argv[6] : NULL;
	if (res.proc == 1 && arg == NULL)
		arg = "";
	nb = calloc(1, sizeof(*nb));
	if (nb == NULL)
		return 2;
	nb->maxlen = sizeof(struct sockaddr_storage);
	nb->buf = calloc(1, nb->maxlen);
	st = rpcb_rmtcall(nc, argv[1], rc_num(argv[3]), rc_num(argv[4]),
	    res.proc, (xdrproc_t)rc_xdr_args, (caddr_t)&arg,
	    (xdrproc_t)rc_xdr_res, (caddr_t)&res, tv, nb);
	if (st != RPC_SUCCESS) {
		fprintf(stderr, "rpcb_rmtcall: %s\n", clnt_sperrno(st));
		return 1;
	}
	ua = nb->len > 0 ? taddr2uaddr(nc, nb) : NULL;
	printf("addr %s\n", ua != NULL ? ua : "");
	rc_print_res(&res);
	return 0;
}

static struct rc_res	rc_bres;
static int		rc_all, rc_answers;

static bool_t
rc_each(caddr_t resp, struct netbuf *raddr, struct netconfig *nc)
{
	char	*ua;

	(void)resp;
	ua = taddr2uaddr(nc, raddr);
	printf("reply %s ", ua != NULL ? ua : "?");
	rc_print_res(&rc_bres);
	fflush(stdout);
	free(ua);
	rc_answers++;
	return rc_all ? FALSE : TRUE;
}

static int
rc_bcast(int argc, char **argv)
{
	char		*arg, *e;
	enum clnt_stat	 st;

	if (argc < 5)
		rc_usage();
	e = getenv("RMTCALL_ALL");
	rc_all = e != NULL && strcmp(e, "1") == 0;
	memset(&rc_bres, 0, sizeof(rc_bres));
	rc_bres.proc = rc_num(argv[4]);
	arg = argc > 5 ? argv[5] : NULL;
	if (rc_bres.proc == 1 && arg == NULL)
		arg = "";
	st = rpc_broadcast_exp(rc_num(argv[2]), rc_num(argv[3]), rc_bres.proc,
	    (xdrproc_t)rc_xdr_args, (caddr_t)&arg, (xdrproc_t)rc_xdr_res,
	    (caddr_t)&rc_bres, (resultproc_t)rc_each, 500, 3000, argv[1]);
	if (rc_answers > 0)
		return 0;
	fprintf(stderr, "rpc_broadcast: %s\n", clnt_sperrno(st));
	return 1;
}

/* ---- raw calls ---- */

static size_t
rc_put(uint8_t *p, size_t off, uint32_t v)
{
	p[off] = (uint8_t)(v >> 24);
	p[off + 1] = (uint8_t)(v >> 16);
	p[off + 2] = (uint8_t)(v >> 8);
	p[off + 3] = (uint8_t)v;
	return off + 4;
}

static uint32_t
rc_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static size_t
rc_hex(const char *s, uint8_t *out, size_t max)
{
	size_t	n = 0;
	unsigned v;

	if (strlen(s) % 2 != 0)
		rc_usage();
	while (*s != '\0') {
		if (n == max || sscanf(s, "%2x", &v) != 1)
			rc_usage();
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* A call header with AUTH_NONE; returns the offset after it. */
static size_t
rc_header(uint8_t *b, uint32_t xid, uint32_t prog, uint32_t vers,
    uint32_t proc)
{
	size_t	o = 0;

	o = rc_put(b, o, xid);
	o = rc_put(b, o, 0);		/* CALL */
	o = rc_put(b, o, 2);
	o = rc_put(b, o, prog);
	o = rc_put(b, o, vers);
	o = rc_put(b, o, proc);
	o = rc_put(b, o, 0);		/* cred AUTH_NONE */
	o = rc_put(b, o, 0);
	o = rc_put(b, o, 0);		/* verf */
	o = rc_put(b, o, 0);
	return o;
}

static int
rc_addr(const char *host, unsigned port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct addrinfo	hints, *ai;
	char		pbuf[16];

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_DGRAM;
	snprintf(pbuf, sizeof(pbuf), "%u", port);
	if (getaddrinfo(host, pbuf, &hints, &ai) != 0)
		return -1;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/* A UDP socket for ss's family, bound to $RMTCALL_SRC if set, connected. */
static int
rc_udp_socket(const struct sockaddr_storage *ss, socklen_t sl)
{
	struct sockaddr_storage	 src;
	socklen_t		 srclen;
	const char		*e = getenv("RMTCALL_SRC");
	int			 fd;

	if ((fd = socket(ss->ss_family, SOCK_DGRAM, 0)) == -1)
		return -1;
	if (e != NULL && *e != '\0') {
		if (rc_addr(e, 0, &src, &srclen) == -1 ||
		    bind(fd, (struct sockaddr *)&src, srclen) == -1) {
			close(fd);
			return -1;
		}
	}
	if (connect(fd, (const struct sockaddr *)ss, sl) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
rc_wait_ms(void)
{
	const char *e = getenv("RMTCALL_WAIT");

	return e != NULL ? atoi(e) : 1000;
}

/* Print what a reply says; 0 accepted SUCCESS, 1 otherwise. */
static int
rc_show_reply(const uint8_t *r, size_t n, uint32_t xid)
{
	uint32_t	vl;
	size_t		o;

	printf("received %zu\n", n);
	if (n < 12 || rc_get(r) != xid || rc_get(r + 4) != 1) {
		printf("bad reply\n");
		return 1;
	}
	if (rc_get(r + 8) != 0) {
		printf("denied %u %u\n", n >= 16 ? rc_get(r + 12) : 99,
		    n >= 20 ? rc_get(r + 16) : 99);
		return 1;
	}
	if (n < 24) {
		printf("bad reply\n");
		return 1;
	}
	vl = rc_get(r + 16);
	o = 20 + ((vl + 3) & ~3u);
	if (vl > 400 || o + 4 > n) {
		printf("bad reply\n");
		return 1;
	}
	printf("accepted %u\n", rc_get(r + o));
	printf("results %zu\n", n - o - 4);
	printf("data ");
	for (vl = 0; vl < 64 && o + 4 + vl < n; vl++)
		printf("%02x", r[o + 4 + vl]);
	printf("\n");
	return rc_get(r + o) == 0 ? 0 : 1;
}

static int
rc_udp_call(const char *host, unsigned port, const uint8_t *msg, size_t len,
    uint32_t xid)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	struct pollfd		 pfd;
	static uint8_t		 rbuf[RC_BUF];
	ssize_t			 n;
	int			 fd;

	if (rc_addr(host, port, &ss, &sl) == -1)
		rc_usage();
	if ((fd = rc_udp_socket(&ss, sl)) == -1) {
		perror("rmtcall: socket");
		return 2;
	}
	if (send(fd, msg, len, 0) != (ssize_t)len) {
		perror("rmtcall: send");
		return 2;
	}
	printf("sent %zu\n", len);
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, rc_wait_ms()) != 1 ||
	    (n = recv(fd, rbuf, sizeof(rbuf), 0)) < 0) {
		printf("silent\n");
		return 1;
	}
	close(fd);
	return rc_show_reply(rbuf, (size_t)n, xid);
}

static int
rc_readn(int fd, uint8_t *p, size_t n)
{
	struct pollfd	pfd;
	ssize_t		r;

	while (n > 0) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 5000) != 1)
			return -1;
		if ((r = read(fd, p, n)) <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
rc_tcp_call(const char *host, unsigned port, uint8_t *msg, size_t len,
    uint32_t xid)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	static uint8_t		 rbuf[RC_BUF * 4];
	uint8_t			 mark[4];
	size_t			 got = 0, fl;
	uint32_t		 m;
	int			 fd, last = 0;

	if (rc_addr(host, port, &ss, &sl) == -1)
		rc_usage();
	if ((fd = socket(ss.ss_family, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&ss, sl) == -1) {
		perror("rmtcall: connect");
		return 2;
	}
	rc_put(mark, 0, 0x80000000u | (uint32_t)len);
	if (write(fd, mark, 4) != 4 || write(fd, msg, len) != (ssize_t)len) {
		perror("rmtcall: write");
		return 2;
	}
	printf("sent %zu\n", len);
	while (!last) {
		if (rc_readn(fd, mark, 4) == -1) {
			printf("silent\n");
			return 1;
		}
		m = rc_get(mark);
		last = (m & 0x80000000u) != 0;
		fl = m & 0x7fffffffu;
		if (fl > sizeof(rbuf) - got || rc_readn(fd, rbuf + got, fl) == -1) {
			printf("bad reply\n");
			return 1;
		}
		got += fl;
	}
	close(fd);
	return rc_show_reply(rbuf, got, xid);
}

static int
rc_raw(int argc, char **argv)
{
	static uint8_t	msg[RC_ARGS_MAX + 64];
	uint32_t	xid = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 8;
	size_t		o;

	if (argc < 6)
		rc_usage();
	o = rc_header(msg, xid, 100000, (uint32_t)rc_num(argv[4]),
	    (uint32_t)rc_num(argv[5]));
	if (argc > 6)
		o += rc_hex(argv[6], msg + o, RC_ARGS_MAX);
	if (strcmp(argv[1], "udp") == 0)
		return rc_udp_call(argv[2], (unsigned)rc_num(argv[3]), msg, o,
		    xid);
	if (strcmp(argv[1], "tcp") == 0)
		return rc_tcp_call(argv[2], (unsigned)rc_num(argv[3]), msg, o,
		    xid);
	rc_usage();
	return 2;
}

static int
rc_callit(int argc, char **argv)
{
	static uint8_t	msg[RC_ARGS_MAX + 64], args[RC_ARGS_MAX];
	uint32_t	xid = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 8;
	size_t		o, alen = 0;

	if (argc < 7)
		rc_usage();
	if (argc > 7)
		alen = rc_hex(argv[7], args, sizeof(args));
	o = rc_header(msg, xid, 100000, (uint32_t)rc_num(argv[2]),
	    (uint32_t)rc_num(argv[3]));
	o = rc_put(msg, o, (uint32_t)rc_num(argv[4]));
	o = rc_put(msg, o, (uint32_t)rc_num(argv[5]));
	o = rc_put(msg, o, (uint32_t)rc_num(argv[6]));
	o = rc_put(msg, o, (uint32_t)alen);
	memcpy(msg + o, args, alen);
	o += (alen + 3) & ~(size_t)3;
	return rc_udp_call(argv[1], 111, msg, o, xid);
}

static int
rc_flood(int argc, char **argv)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	struct pollfd		 pfd;
	uint8_t			 msg[128], rbuf[1024];
	unsigned long		 count, window, sent = 0, answered = 0, lost = 0;
	uint32_t		 base = (uint32_t)getpid() << 16;
	size_t			 o;
	time_t			 start = time(NULL);
	int			 fd;

	if (argc < 7)
		rc_usage();
	count = rc_num(argv[2]);
	window = rc_num(argv[3]);
	if (window == 0)
		rc_usage();
	if (rc_addr(argv[1], 111, &ss, &sl) == -1)
		rc_usage();
	if ((fd = rc_udp_socket(&ss, sl)) == -1) {
		perror("rmtcall: socket");
		return 2;
	}
	while ((sent < count || sent - answered - lost > 0) &&
	    time(NULL) - start < 120) {
		while (sent < count && sent - answered - lost < window) {
			o = rc_header(msg, base + (uint32_t)sent, 100000, 2, 5);
			o = rc_put(msg, o, (uint32_t)rc_num(argv[4]));
			o = rc_put(msg, o, (uint32_t)rc_num(argv[5]));
			o = rc_put(msg, o, (uint32_t)rc_num(argv[6]));
			o = rc_put(msg, o, 0);
			if (send(fd, msg, o, 0) != (ssize_t)o)
				break;
			sent++;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 500) != 1) {
			/* the unanswered ones are lost: give their room back */
			lost = sent - answered;
			continue;
		}
		if (recv(fd, rbuf, sizeof(rbuf), 0) >= 28 &&
		    rc_get(rbuf + 8) == 0 && sent - answered - lost > 0)
			answered++;
	}
	printf("sent %lu\nanswered %lu\n", sent, answered);
	return answered == count ? 0 : 1;
}

static int
rc_burst(int argc, char **argv)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	struct pollfd		 pfd;
	uint8_t			 msg[64], rbuf[256];
	unsigned long		 count, sent = 0, answered = 0, i;
	uint32_t		 base = (uint32_t)getpid() << 16;
	size_t			 o;
	int			 fd, wait;

	if (argc < 3)
		rc_usage();
	count = rc_num(argv[2]);
	if (rc_addr(argv[1], 111, &ss, &sl) == -1)
		rc_usage();
	if ((fd = rc_udp_socket(&ss, sl)) == -1) {
		perror("rmtcall: socket");
		return 2;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (sent < count) {
		for (i = 0; i < 20 && sent < count; i++) {
			o = rc_header(msg, base + (uint32_t)sent, 100000, 2, 0);
			if (send(fd, msg, o, 0) != (ssize_t)o)
				break;
			sent++;
		}
		/* drain what came, waiting a little so no buffer overflows */
		for (wait = 2; poll(&pfd, 1, wait) == 1; wait = 0)
			if (recv(fd, rbuf, sizeof(rbuf), 0) >= 24)
				answered++;
	}
	while (poll(&pfd, 1, 500) == 1)
		if (recv(fd, rbuf, sizeof(rbuf), 0) >= 24)
			answered++;
	printf("sent %lu\nanswered %lu\n", sent, answered);
	return answered > 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	int	r = 2;

	if (argc < 2)
		rc_usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	argc--;
	argv++;
	if (strcmp(argv[0], "pmap") == 0)
		r = rc_pmap(argc, argv);
	else if (strcmp(argv[0], "rpcb") == 0)
		r = rc_rpcb(argc, argv);
	else if (strcmp(argv[0], "bcast") == 0)
		r = rc_bcast(argc, argv);
	else if (strcmp(argv[0], "raw") == 0)
		r = rc_raw(argc, argv);
	else if (strcmp(argv[0], "callit") == 0)
		r = rc_callit(argc, argv);
	else if (strcmp(argv[0], "flood") == 0)
		r = rc_flood(argc, argv);
	else if (strcmp(argv[0], "burst") == 0)
		r = rc_burst(argc, argv);
	else
		rc_usage();
	return r;
}
