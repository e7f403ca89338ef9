/*
 * tirpc_server - a libtirpc server for the integration tests.
 *
 *	tirpc_server [-m create|tli|pmap] [-P PROG] [-V VERS,...] [-n NET,...]
 *
 * Registers PROG (default 0x20000099) at each version (default 1,2) the
 * way real servers do:
 *	create	svc_create() once per nettype in the -n list (default
 *		"visible": udp, tcp, udp6, tcp6 from /etc/netconfig)
 *	tli	svc_tli_create() + svc_reg() once per netid in the -n list
 *		(default udp,tcp,udp6,tcp6)
 *	pmap	svcudp_create()/svctcp_create() + svc_register() (IPv4 only)
 * then prints one line "bound NETID UADDR" per listening socket and "ready".
 * Procedures: 0 NULL, 1 echo a string, 2 return the version called.
 * SIGTERM or SIGINT: unregister (svc_unreg / svc_unregister), print "bye",
 * exit 0.  SIGKILL leaves the registrations behind, as a crash would.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libtirpc's xdrproc_t is variadic: every xdr routine needs a cast. */
#pragma GCC diagnostic ignored "-Wcast-function-type"

#include <rpc/rpc.h>
#include <rpc/pmap_clnt.h>

#define TS_PROG		0x20000099UL
#define TS_MAXVERS	8
#define TS_MAXFDS	64
#define TS_MAXSTR	8000

static volatile sig_atomic_t ts_stop;

static void
ts_usage(void)
{
	fprintf(stderr, "usage: tirpc_server [-m create|tli|pmap] [-P prog] "
	    "[-V vers,...] [-n netid|nettype,...]\n");
	exit(2);
}

static void
ts_onsig(int sig)
{
	(void)sig;
	ts_stop = 1;
}

static void
ts_dispatch(struct svc_req *rq, SVCXPRT *xprt)
{
	char *s = NULL;
	u_int v;

	switch (rq->rq_proc) {
	case NULLPROC:
		svc_sendreply(xprt, (xdrproc_t)xdr_void, NULL);
		break;
	case 1:
		if (!svc_getargs(xprt, (xdrproc_t)xdr_wrapstring,
		    (char *)&s)) {
			svcerr_decode(xprt);
			break;
		}
		svc_sendreply(xprt, (xdrproc_t)xdr_wrapstring, (char *)&s);
		svc_freeargs(xprt, (xdrproc_t)xdr_wrapstring, (char *)&s);
		break;
	case 2:
		v = (u_int)rq->rq_vers;
		svc_sendreply(xprt, (xdrproc_t)xdr_u_int, (char *)&v);
		break;
	default:
		svcerr_noproc(xprt);
		break;
	}
}

/* Print "bound NETID UADDR" for every socket libtirpc listens on. */
static void
ts_print_bound(void)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int i, fd, type;
	socklen_t tl;
	char host[INET6_ADDRSTRLEN];
	unsigned int port;
	const char *netid;

	for (i = 0; i < svc_max_pollfd; i++) {
		fd = svc_pollfd[i].fd;
		if (fd < 0)
			continue;
		sl = sizeof(ss);
		tl = sizeof(type);
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0 ||
		    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0)
			continue;
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
			port = ntohs(sin->sin_port);
			netid = type == SOCK_DGRAM ? "udp" : "tcp";
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &sin6->sin6_addr, host,
			    sizeof(host));
			port = ntohs(sin6->sin6_port);
			netid = type == SOCK_DGRAM ? "udp6" : "tcp6";
		} else
			continue;
		printf("bound %s %s.%u.%u\n", netid, host, port >> 8,
		    port & 0xff);
	}
}

static int
ts_split(char *s, char **out, int max)
{
	int n = 0;
	char *tok, *save = NULL;

	for (tok = strtok_r(s, ",", &save); tok != NULL && n < max;
	    tok = strtok_r(NULL, ",", &save))
		out[n++] = tok;
	return n;
}

static unsigned long
ts_num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *s == '\0' || *end != '\0')
		ts_usage();
	return v;
}

int
main(int argc, char **argv)
{
	const char *mode = "create";
	char defnet[] = "udp,tcp,udp6,tcp6", defvers[] = "1,2";
	char *netlist = NULL, *verslist = defvers;
	char *nets[TS_MAXVERS], *vs[TS_MAXVERS];
	rpcvers_t vers[TS_MAXVERS];
	rpcprog_t prog = TS_PROG;
	struct pollfd fds[TS_MAXFDS];
	struct sigaction sa;
	int nnet, nvers, i, j, c, n;

	while ((c = getopt(argc, argv, "m:P:V:n:")) != -1) {
		switch (c) {
		case 'm':
			mode = optarg;
			break;
		case 'P':
			prog = ts_num(optarg);
			break;
		case 'V':
			verslist = optarg;
			break;
		case 'n':
			netlist = optarg;
			break;
		default:
			ts_usage();
		}
	}
	if (netlist == NULL)
		netlist = strcmp(mode, "create") == 0 ? "visible" : defnet;
	nnet = ts_split(netlist, nets, TS_MAXVERS);
	nvers = ts_split(verslist, vs, TS_MAXVERS);
	if (nnet == 0 || nvers == 0)
		ts_usage();
	for (j = 0; j < nvers; j++)
		vers[j] = ts_num(vs[j]);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ts_onsig;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (strcmp(mode, "create") == 0) {
		for (i = 0; i < nnet; i++)
			for (j = 0; j < nvers; j++)
				if (svc_create(ts_dispatch, prog, vers[j],
				    nets[i]) == 0) {
					fprintf(stderr, "tirpc_server: "
					    "svc_create %s v%lu failed\n",
					    nets[i], (unsigned long)vers[j]);
					return 1;
				}
	} else if (strcmp(mode, "tli") == 0) {
		for (i = 0; i < nnet; i++) {
			struct netconfig *nc;
			SVCXPRT *xprt;

			nc = getnetconfigent(nets[i]);
			if (nc == NULL) {
				fprintf(stderr, "tirpc_server: unknown netid "
				    "%s\n", nets[i]);
				return 1;
			}
			xprt = svc_tli_create(RPC_ANYFD, nc, NULL, 0, 0);
			if (xprt == NULL) {
				fprintf(stderr, "tirpc_server: svc_tli_create "
				    "%s failed\n", nets[i]);
				return 1;
			}
			for (j = 0; j < nvers; j++)
				if (!svc_reg(xprt, prog, vers[j], ts_dispatch,
				    nc)) {
					fprintf(stderr, "tirpc_server: svc_reg "
					    "%s v%lu failed\n", nets[i],
					    (unsigned long)vers[j]);
					return 1;
				}
			freenetconfigent(nc);
		}
	} else if (strcmp(mode, "pmap") == 0) {
		SVCXPRT *u, *t;

		u = svcudp_create(RPC_ANYSOCK);
		t = svctcp_create(RPC_ANYSOCK, 0, 0);
		if (u == NULL || t == NULL) {
			fprintf(stderr, "tirpc_server: svc*_create failed\n");
			return 1;
		}
		for (j = 0; j < nvers; j++) {
			pmap_unset(prog, vers[j]);
			if (!svc_register(u, prog, vers[j], ts_dispatch,
			    IPPROTO_UDP) || !svc_register(t, prog, vers[j],
			    ts_dispatch, IPPROTO_TCP)) {
				fprintf(stderr, "tirpc_server: svc_register "
				    "v%lu failed\n", (unsigned long)vers[j]);
				return 1;
			}
		}
	} else
		ts_usage();

	ts_print_bound();
	printf("ready\n");
	fflush(stdout);

	while (!ts_stop) {
		n = svc_max_pollfd;
		if (n > TS_MAXFDS)
			n = TS_MAXFDS;
		memcpy(fds, svc_pollfd, (size_t)n * sizeof(fds[0]));
		c = poll(fds, (nfds_t)n, 200);
		if (c < 0 && errno != EINTR) {
			perror("tirpc_server: poll");
			return 1;
		}
		if (c > 0)
			svc_getreq_poll(fds, c);
	}

	for (j = 0; j < nvers; j++) {
		if (strcmp(mode, "pmap") == 0)
			svc_unregister(prog, vers[j]);
		else
			svc_unreg(prog, vers[j]);
	}
	printf("bye\n");
	fflush(stdout);
	return 0;
}
