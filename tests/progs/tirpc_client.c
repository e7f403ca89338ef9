/*
 * tirpc_client - a libtirpc client for the integration tests.
 *
 * Each subcommand makes one kind of call through libtirpc, the way real
 * programs do, and prints what came back on stdout, one item per line, so
 * that the scripts can assert on it.  Exit status: 0 success (found, TRUE),
 * 1 a negative answer (not found, FALSE, port 0), 2 an RPC or usage error
 * (the libtirpc error text goes to stderr).
 *
 * The "proc" subcommand talks to the port mapper directly (no lookup, the
 * port from $PMAP_PORT or 111) and can send every procedure of PMAP v2 and
 * RPCBIND v3/v4, with our own XDR routines for the forwarding calls:
 *	null | raw PROCNUM			(any version)
 *	set|unset|getport PROG VERS [PROT [PORT]], dump, callit P V P (v2)
 *	set|unset PROG VERS NETID [UADDR [OWNER]], getaddr|getversaddr|
 *	getaddrlist PROG VERS NETID [HINT], dump, callit|bcast|indirect
 *	PROG VERS PROC, gettime, uaddr2taddr|taddr2uaddr NETID UADDR,
 *	getstat					(v3/v4)
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* libtirpc's xdrproc_t is variadic: every xdr routine needs a cast. */
#pragma GCC diagnostic ignored "-Wcast-function-type"

#include <rpc/rpc.h>
#include <rpc/rpcb_prot.h>
#include <rpc/pmap_prot.h>
#include <rpc/pmap_clnt.h>
#include <rpc/rpcb_clnt.h>

#define TC_OK		0
#define TC_NO		1
#define TC_ERR		2

#define TC_ECHOPROC	1
#define TC_VERSPROC	2
#define TC_MAXSTR	8800

static struct timeval tc_timeout = { 5, 0 };

static void
tc_usage(void)
{
	fprintf(stderr,
	    "usage: tirpc_client null HOST NETID PROG VERS\n"
	    "       tirpc_client getaddr HOST NETID PROG VERS\n"
	    "       tirpc_client getport HOST PROG VERS udp|tcp|NUM\n"
	    "       tirpc_client getmaps HOST NETID\n"
	    "       tirpc_client pmapdump HOST\n"
	    "       tirpc_client gettime HOST\n"
	    "       tirpc_client set PROG VERS NETID UADDR\n"
	    "       tirpc_client unset PROG VERS [NETID]\n"
	    "       tirpc_client pmapset PROG VERS udp|tcp|NUM PORT\n"
	    "       tirpc_client pmapunset PROG VERS\n"
	    "       tirpc_client echo HOST NETID PROG VERS STRING\n"
	    "       tirpc_client echoaddr NETID UADDR PROG VERS STRING\n"
	    "       tirpc_client vers HOST NETID PROG VERS\n"
	    "       tirpc_client proc HOST NETID VERS PROCNAME [ARGS...]\n");
	exit(TC_ERR);
}

static unsigned long
tc_num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *s == '\0' || *end != '\0') {
		fprintf(stderr, "tirpc_client: bad number: %s\n", s);
		exit(TC_ERR);
	}
	return v;
}

static int
tc_proto(const char *s)
{
	if (strcmp(s, "udp") == 0)
		return IPPROTO_UDP;
	if (strcmp(s, "tcp") == 0)
		return IPPROTO_TCP;
	return (int)tc_num(s);
}

static struct netconfig *
tc_nconf(const char *netid)
{
	struct netconfig *nc;

	nc = getnetconfigent(netid);
	if (nc == NULL) {
		fprintf(stderr, "tirpc_client: unknown netid %s\n", netid);
		exit(TC_ERR);
	}
	return nc;
}

/* An IPv4 address for the pmap_* calls, which only speak AF_INET. */
static void
tc_sin(const char *host, struct sockaddr_in *sin)
{
	struct addrinfo hints, *res;
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	e = getaddrinfo(host, NULL, &hints, &res);
	if (e != 0) {
		fprintf(stderr, "tirpc_client: %s: %s\n", host, gai_strerror(e));
		exit(TC_ERR);
	}
	memcpy(sin, res->ai_addr, sizeof(*sin));
	sin->sin_port = 0;
	freeaddrinfo(res);
}

static int
tc_fail(const char *what)
{
	fprintf(stderr, "tirpc_client: %s: %s\n", what,
	    clnt_spcreateerror(""));
	return TC_ERR;
}

/*
 * A client handle for PROG/VERS at HOST on the port mapper's port (or at
 * the path HOST for netid local), without asking the port mapper.
 */
static CLIENT *
tc_direct(const char *host, struct netconfig *nc, rpcprog_t prog,
    rpcvers_t vers)
{
	struct sockaddr_storage ss;
	struct netbuf nb;
	struct addrinfo hints, *res;
	const char *port;
	CLIENT *cl;
	int e;

	memset(&ss, 0, sizeof(ss));
	nb.buf = &ss;
	if (strcmp(nc->nc_protofmly, NC_LOOPBACK) == 0) {
		struct sockaddr_un *sun = (struct sockaddr_un *)&ss;

		if (strlen(host) >= sizeof(sun->sun_path)) {
			fprintf(stderr, "tirpc_client: path too long\n");
			exit(TC_ERR);
		}
		sun->sun_family = AF_LOCAL;
		strcpy(sun->sun_path, host);
		nb.len = nb.maxlen = sizeof(*sun);
	} else {
		port = getenv("PMAP_PORT");
		if (port == NULL || *port == '\0')
			port = "111";
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = strcmp(nc->nc_protofmly, NC_INET6) == 0 ?
		    AF_INET6 : AF_INET;
		hints.ai_flags = AI_NUMERICSERV;
		e = getaddrinfo(host, port, &hints, &res);
		if (e != 0) {
			fprintf(stderr, "tirpc_client: %s: %s\n", host,
			    gai_strerror(e));
			exit(TC_ERR);
		}
		memcpy(&ss, res->ai_addr, res->ai_addrlen);
		nb.len = nb.maxlen = res->ai_addrlen;
		freeaddrinfo(res);
	}
	cl = clnt_tli_create(RPC_ANYFD, nc, &nb, prog, vers, 0, 0);
	if (cl == NULL)
		return NULL;
	return cl;
}

static int
tc_call_err(CLIENT *cl, const char *what)
{
	fprintf(stderr, "tirpc_client: %s: %s\n", what, clnt_sperror(cl, ""));
	return TC_ERR;
}

/* ---- subcommands through the libtirpc API ---- */

/*
 * clnt_create() for one netid: the port mapper at HOST is asked for the
 * address over the same transport, then the handle is made for it.
 */
static CLIENT *
tc_create(const char *host, const char *netid, rpcprog_t prog,
    rpcvers_t vers)
{
	struct netconfig *nc;
	CLIENT *cl;

	nc = tc_nconf(netid);
	cl = clnt_tp_create_timed(host, prog, vers, nc, &tc_timeout);
	freenetconfigent(nc);
	return cl;
}

static int
cmd_null(char **av)
{
	CLIENT *cl;
	enum clnt_stat st;

	cl = tc_create(av[0], av[1], tc_num(av[2]), tc_num(av[3]));
	if (cl == NULL)
		return tc_fail("clnt_create");
	st = clnt_call(cl, NULLPROC, (xdrproc_t)xdr_void, NULL,
	    (xdrproc_t)xdr_void, NULL, tc_timeout);
	if (st != RPC_SUCCESS) {
		tc_call_err(cl, "NULL");
		clnt_destroy(cl);
		return TC_ERR;
	}
	printf("ok\n");
	clnt_destroy(cl);
	return TC_OK;
}

static int
cmd_getaddr(char **av)
{
	struct netconfig *nc;
	struct sockaddr_storage ss;
	struct netbuf nb;
	char *ua;

	nc = tc_nconf(av[1]);
	memset(&ss, 0, sizeof(ss));
	nb.buf = &ss;
	nb.len = 0;
	nb.maxlen = sizeof(ss);
	if (!rpcb_getaddr(tc_num(av[2]), tc_num(av[3]), nc, &nb, av[0])) {
		freenetconfigent(nc);
		if (rpc_createerr.cf_stat == RPC_PROGNOTREGISTERED) {
			printf("not registered\n");
			return TC_NO;
		}
		return tc_fail("rpcb_getaddr");
	}
	ua = taddr2uaddr(nc, &nb);
	freenetconfigent(nc);
	if (ua == NULL) {
		fprintf(stderr, "tirpc_client: taddr2uaddr failed\n");
		return TC_ERR;
	}
	printf("%s\n", ua);
	free(ua);
	return TC_OK;
}

static int
cmd_getport(char **av)
{
	struct sockaddr_in sin;
	unsigned short port;

	tc_sin(av[0], &sin);
	rpc_createerr.cf_stat = RPC_SUCCESS;
	port = pmap_getport(&sin, tc_num(av[1]), tc_num(av[2]),
	    tc_proto(av[3]));
	printf("%u\n", port);
	if (port != 0)
		return TC_OK;
	if (rpc_createerr.cf_stat != RPC_SUCCESS &&
	    rpc_createerr.cf_stat != RPC_PROGNOTREGISTERED)
		return tc_fail("pmap_getport");
	return TC_NO;
}

static int
cmd_getmaps(char **av)
{
	struct netconfig *nc;
	rpcblist *head, *l;

	nc = tc_nconf(av[1]);
	rpc_createerr.cf_stat = RPC_SUCCESS;
	head = rpcb_getmaps(nc, av[0]);
	freenetconfigent(nc);
	if (head == NULL && rpc_createerr.cf_stat != RPC_SUCCESS)
		return tc_fail("rpcb_getmaps");
	for (l = head; l != NULL; l = l->rpcb_next)
		printf("%lu %lu %s %s %s\n",
		    (unsigned long)l->rpcb_map.r_prog,
		    (unsigned long)l->rpcb_map.r_vers,
		    l->rpcb_map.r_netid, l->rpcb_map.r_addr,
		    l->rpcb_map.r_owner);
	xdr_free((xdrproc_t)xdr_rpcblist_ptr, (char *)&head);
	return TC_OK;
}

static int
cmd_pmapdump(char **av)
{
	struct sockaddr_in sin;
	struct pmaplist *head, *l;
	int rc;

	tc_sin(av[0], &sin);
	rpc_createerr.cf_stat = RPC_SUCCESS;
	head = pmap_getmaps(&sin);
	if (head == NULL && rpc_createerr.cf_stat != RPC_SUCCESS)
		return tc_fail("pmap_getmaps");
	for (l = head; l != NULL; l = l->pml_next)
		printf("%lu %lu %lu %lu\n", (unsigned long)l->pml_map.pm_prog,
		    (unsigned long)l->pml_map.pm_vers,
		    (unsigned long)l->pml_map.pm_prot,
		    (unsigned long)l->pml_map.pm_port);
	rc = head == NULL ? TC_NO : TC_OK;
	xdr_free((xdrproc_t)xdr_pmaplist_ptr, (char *)&head);
	return rc;
}

static int
cmd_gettime(char **av)
{
	time_t t;

	if (!rpcb_gettime(av[0], &t))
		return tc_fail("rpcb_gettime");
	printf("%lld\n", (long long)t);
	return TC_OK;
}

static int
cmd_set(char **av)
{
	struct netconfig *nc;
	struct netbuf *nb;
	bool_t r;

	nc = tc_nconf(av[2]);
	nb = uaddr2taddr(nc, av[3]);
	if (nb == NULL) {
		fprintf(stderr, "tirpc_client: bad uaddr %s\n", av[3]);
		return TC_ERR;
	}
	r = rpcb_set(tc_num(av[0]), tc_num(av[1]), nc, nb);
	free(nb->buf);
	free(nb);
	freenetconfigent(nc);
	printf("%s\n", r ? "true" : "false");
	return r ? TC_OK : TC_NO;
}

static int
cmd_unset(int ac, char **av)
{
	struct netconfig *nc = NULL;
	bool_t r;

	if (ac > 2)
		nc = tc_nconf(av[2]);
	r = rpcb_unset(tc_num(av[0]), tc_num(av[1]), nc);
	if (nc != NULL)
		freenetconfigent(nc);
	printf("%s\n", r ? "true" : "false");
	return r ? TC_OK : TC_NO;
}

static int
cmd_pmapset(char **av)
{
	bool_t r;

	r = pmap_set(tc_num(av[0]), tc_num(av[1]), tc_proto(av[2]),
	    (int)tc_num(av[3]));
	printf("%s\n", r ? "true" : "false");
	return r ? TC_OK : TC_NO;
}

static int
cmd_pmapunset(char **av)
{
	bool_t r;

	r = pmap_unset(tc_num(av[0]), tc_num(av[1]));
	printf("%s\n", r ? "true" : "false");
	return r ? TC_OK : TC_NO;
}

static int
tc_echo(CLIENT *cl, char *s)
{
	char *res = NULL;
	enum clnt_stat st;

	st = clnt_call(cl, TC_ECHOPROC, (xdrproc_t)xdr_wrapstring,
	    (char *)&s, (xdrproc_t)xdr_wrapstring, (char *)&res, tc_timeout);
	if (st != RPC_SUCCESS) {
		tc_call_err(cl, "echo");
		clnt_destroy(cl);
		return TC_ERR;
	}
	printf("%s\n", res);
	clnt_freeres(cl, (xdrproc_t)xdr_wrapstring, (char *)&res);
	clnt_destroy(cl);
	return TC_OK;
}

static int
cmd_echo(char **av)
{
	CLIENT *cl;

	cl = tc_create(av[0], av[1], tc_num(av[2]), tc_num(av[3]));
	if (cl == NULL)
		return tc_fail("clnt_create");
	return tc_echo(cl, av[4]);
}

static int
cmd_echoaddr(char **av)
{
	struct netconfig *nc;
	struct netbuf *nb;
	CLIENT *cl;

	nc = tc_nconf(av[0]);
	nb = uaddr2taddr(nc, av[1]);
	if (nb == NULL) {
		fprintf(stderr, "tirpc_client: bad uaddr %s\n", av[1]);
		return TC_ERR;
	}
	cl = clnt_tli_create(RPC_ANYFD, nc, nb, tc_num(av[2]), tc_num(av[3]),
	    0, 0);
	free(nb->buf);
	free(nb);
	freenetconfigent(nc);
	if (cl == NULL)
		return tc_fail("clnt_tli_create");
	return tc_echo(cl, av[4]);
}

static int
cmd_vers(char **av)
{
	CLIENT *cl;
	u_int v = 0;
	enum clnt_stat st;

	cl = tc_create(av[0], av[1], tc_num(av[2]), tc_num(av[3]));
	if (cl == NULL)
		return tc_fail("clnt_create");
	st = clnt_call(cl, TC_VERSPROC, (xdrproc_t)xdr_void, NULL,
	    (xdrproc_t)xdr_u_int, (char *)&v, tc_timeout);
	if (st != RPC_SUCCESS) {
		tc_call_err(cl, "vers");
		clnt_destroy(cl);
		return TC_ERR;
	}
	printf("%u\n", v);
	clnt_destroy(cl);
	return TC_OK;
}

/* ---- raw port mapper procedures ---- */

/* CALLIT/BCAST/INDIRECT arguments with opaque, already encoded args. */
struct tc_rmtargs {
	u_int	prog;
	u_int	vers;
	u_int	proc;
	u_int	arglen;
	char	*args;
};

/* v2 CALLIT result: port + opaque results; v3/v4: uaddr + results. */
struct tc_rmtres {
	u_int	port;
	char	*addr;
	u_int	reslen;
	char	*res;
};

static bool_t
xdr_tc_rmtargs(XDR *x, struct tc_rmtargs *a)
{
	return xdr_u_int(x, &a->prog) && xdr_u_int(x, &a->vers) &&
	    xdr_u_int(x, &a->proc) &&
	    xdr_bytes(x, &a->args, &a->arglen, TC_MAXSTR);
}

static bool_t
xdr_tc_rmtres2(XDR *x, struct tc_rmtres *r)
{
	return xdr_u_int(x, &r->port) &&
	    xdr_bytes(x, &r->res, &r->reslen, TC_MAXSTR);
}

static bool_t
xdr_tc_rmtres3(XDR *x, struct tc_rmtres *r)
{
	return xdr_string(x, &r->addr, TC_MAXSTR) &&
	    xdr_bytes(x, &r->res, &r->reslen, TC_MAXSTR);
}

static int
tc_need(int ac, int n)
{
	if (ac < n)
		tc_usage();
	return 0;
}

static void
tc_hex(const unsigned char *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static void
tc_print_stat(rpcb_stat *s, int v)
{
	rpcbs_addrlist *a;
	rpcbs_rmtcalllist *r;
	int i;

	printf("stat v%d info", v);
	for (i = 0; i < RPCBSTAT_HIGHPROC; i++)
		printf(" %d", s->info[i]);
	printf(" set %d unset %d\n", s->setinfo, s->unsetinfo);
	for (a = s->addrinfo; a != NULL; a = a->next)
		printf("stat v%d addr %lu %lu %s %d %d\n", v,
		    (unsigned long)a->prog, (unsigned long)a->vers,
		    a->netid ? a->netid : "", a->success, a->failure);
	for (r = s->rmtinfo; r != NULL; r = r->next)
		printf("stat v%d rmt %lu %lu %lu %s %d %d %d\n", v,
		    (unsigned long)r->prog, (unsigned long)r->vers,
		    (unsigned long)r->proc, r->netid ? r->netid : "",
		    r->success, r->failure, r->indirect);
}

static int
cmd_proc(int ac, char **av)
{
	struct netconfig *nc;
	CLIENT *cl;
	enum clnt_stat st = RPC_SUCCESS;
	rpcvers_t vers;
	const char *name;
	int rc = TC_OK;

	tc_need(ac, 4);
	nc = tc_nconf(av[1]);
	vers = tc_num(av[2]);
	name = av[3];
	av += 4;
	ac -= 4;
	cl = tc_direct(av[-4], nc, PMAPPROG, vers);
	if (cl == NULL) {
		freenetconfigent(nc);
		return tc_fail("clnt_tli_create");
	}

	if (strcmp(name, "null") == 0 || strcmp(name, "raw") == 0) {
		/* raw PROCNUM: any procedure, no arguments, no results */
		u_int proc = NULLPROC;

		if (strcmp(name, "raw") == 0) {
			tc_need(ac, 1);
			proc = tc_num(av[0]);
		}
		st = clnt_call(cl, proc, (xdrproc_t)xdr_void, NULL,
		    (xdrproc_t)xdr_void, NULL, tc_timeout);
		if (st == RPC_SUCCESS)
			printf("ok\n");
	} else if (vers == PMAPVERS && (strcmp(name, "set") == 0 ||
	    strcmp(name, "unset") == 0 || strcmp(name, "getport") == 0)) {
		/* PROG VERS [PROT [PORT]] */
		struct pmap pm;
		u_int proc;
		bool_t b = FALSE;
		u_long port = 0;

		tc_need(ac, 2);
		pm.pm_prog = tc_num(av[0]);
		pm.pm_vers = tc_num(av[1]);
		pm.pm_prot = ac > 2 ? (u_long)tc_proto(av[2]) : 0;
		pm.pm_port = ac > 3 ? tc_num(av[3]) : 0;
		proc = strcmp(name, "set") == 0 ? PMAPPROC_SET :
		    strcmp(name, "unset") == 0 ? PMAPPROC_UNSET :
		    PMAPPROC_GETPORT;
		if (proc == PMAPPROC_GETPORT) {
			st = clnt_call(cl, proc, (xdrproc_t)xdr_pmap,
			    (char *)&pm, (xdrproc_t)xdr_u_long, (char *)&port,
			    tc_timeout);
			if (st == RPC_SUCCESS) {
				printf("%lu\n", port);
				rc = port != 0 ? TC_OK : TC_NO;
			}
		} else {
			st = clnt_call(cl, proc, (xdrproc_t)xdr_pmap,
			    (char *)&pm, (xdrproc_t)xdr_bool, (char *)&b,
			    tc_timeout);
			if (st == RPC_SUCCESS) {
				printf("%s\n", b ? "true" : "false");
				rc = b ? TC_OK : TC_NO;
			}
		}
	} else if (vers == PMAPVERS && strcmp(name, "dump") == 0) {
		struct pmaplist *head = NULL, *l;

		st = clnt_call(cl, PMAPPROC_DUMP, (xdrproc_t)xdr_void, NULL,
		    (xdrproc_t)xdr_pmaplist_ptr, (char *)&head, tc_timeout);
		if (st == RPC_SUCCESS) {
			for (l = head; l != NULL; l = l->pml_next)
				printf("%lu %lu %lu %lu\n",
				    (unsigned long)l->pml_map.pm_prog,
				    (unsigned long)l->pml_map.pm_vers,
				    (unsigned long)l->pml_map.pm_prot,
				    (unsigned long)l->pml_map.pm_port);
			clnt_freeres(cl, (xdrproc_t)xdr_pmaplist_ptr,
			    (char *)&head);
		}
	} else if (strcmp(name, "callit") == 0 ||
	    strcmp(name, "bcast") == 0 || strcmp(name, "indirect") == 0) {
		/*
		 * PROG VERS PROC: the target procedure takes no arguments;
		 * prints "port N res HEX" (v2) or "addr UADDR res HEX".
		 */
		struct tc_rmtargs a;
		struct tc_rmtres r;
		u_int proc;

		tc_need(ac, 3);
		memset(&a, 0, sizeof(a));
		memset(&r, 0, sizeof(r));
		a.prog = tc_num(av[0]);
		a.vers = tc_num(av[1]);
		a.proc = tc_num(av[2]);
		proc = strcmp(name, "indirect") == 0 ? RPCBPROC_INDIRECT :
		    RPCBPROC_CALLIT;
		st = clnt_call(cl, proc, (xdrproc_t)xdr_tc_rmtargs,
		    (char *)&a, vers == PMAPVERS ?
		    (xdrproc_t)xdr_tc_rmtres2 : (xdrproc_t)xdr_tc_rmtres3,
		    (char *)&r, tc_timeout);
		if (st == RPC_SUCCESS) {
			if (vers == PMAPVERS)
				printf("port %u res ", r.port);
			else
				printf("addr %s res ", r.addr ? r.addr : "");
			tc_hex((unsigned char *)r.res, r.reslen);
			printf("\n");
			clnt_freeres(cl, vers == PMAPVERS ?
			    (xdrproc_t)xdr_tc_rmtres2 :
			    (xdrproc_t)xdr_tc_rmtres3, (char *)&r);
		}
	} else if (strcmp(name, "set") == 0 || strcmp(name, "unset") == 0) {
		/* PROG VERS NETID [UADDR [OWNER]] */
		rpcb parms;
		bool_t b = FALSE;

		tc_need(ac, 3);
		parms.r_prog = tc_num(av[0]);
		parms.r_vers = tc_num(av[1]);
		parms.r_netid = av[2];
		parms.r_addr = ac > 3 ? av[3] : "";
		parms.r_owner = ac > 4 ? av[4] : "tirpc_client";
		st = clnt_call(cl, strcmp(name, "set") == 0 ? RPCBPROC_SET :
		    RPCBPROC_UNSET, (xdrproc_t)xdr_rpcb, (char *)&parms,
		    (xdrproc_t)xdr_bool, (char *)&b, tc_timeout);
		if (st == RPC_SUCCESS) {
			printf("%s\n", b ? "true" : "false");
			rc = b ? TC_OK : TC_NO;
		}
	} else if (strcmp(name, "getaddr") == 0 ||
	    strcmp(name, "getversaddr") == 0) {
		/* PROG VERS NETID [UADDR-HINT] */
		rpcb parms;
		char *ua = NULL;

		tc_need(ac, 3);
		parms.r_prog = tc_num(av[0]);
		parms.r_vers = tc_num(av[1]);
		parms.r_netid = av[2];
		parms.r_addr = ac > 3 ? av[3] : "";
		parms.r_owner = "tirpc_client";
		st = clnt_call(cl, strcmp(name, "getaddr") == 0 ?
		    RPCBPROC_GETADDR : RPCBPROC_GETVERSADDR,
		    (xdrproc_t)xdr_rpcb, (char *)&parms,
		    (xdrproc_t)xdr_wrapstring, (char *)&ua, tc_timeout);
		if (st == RPC_SUCCESS) {
			printf("%s\n", ua ? ua : "");
			rc = ua != NULL && *ua != '\0' ? TC_OK : TC_NO;
			clnt_freeres(cl, (xdrproc_t)xdr_wrapstring,
			    (char *)&ua);
		}
	} else if (strcmp(name, "dump") == 0) {
		rpcblist_ptr head = NULL, l;

		st = clnt_call(cl, RPCBPROC_DUMP, (xdrproc_t)xdr_void, NULL,
		    (xdrproc_t)xdr_rpcblist_ptr, (char *)&head, tc_timeout);
		if (st == RPC_SUCCESS) {
			for (l = head; l != NULL; l = l->rpcb_next)
				printf("%lu %lu %s %s %s\n",
				    (unsigned long)l->rpcb_map.r_prog,
				    (unsigned long)l->rpcb_map.r_vers,
				    l->rpcb_map.r_netid, l->rpcb_map.r_addr,
				    l->rpcb_map.r_owner);
			clnt_freeres(cl, (xdrproc_t)xdr_rpcblist_ptr,
			    (char *)&head);
		}
	} else if (strcmp(name, "gettime") == 0) {
		u_int t = 0;

		st = clnt_call(cl, RPCBPROC_GETTIME, (xdrproc_t)xdr_void,
		    NULL, (xdrproc_t)xdr_u_int, (char *)&t, tc_timeout);
		if (st == RPC_SUCCESS)
			printf("%u\n", t);
	} else if (strcmp(name, "uaddr2taddr") == 0 ||
	    strcmp(name, "taddr2uaddr") == 0) {
		/*
		 * NETID UADDR: uaddr2taddr prints the netbuf in hex;
		 * taddr2uaddr converts UADDR locally to a netbuf for NETID,
		 * sends that and prints the string that comes back.
		 */
		struct netconfig *anc;
		struct netbuf nb, *tnb;
		char *ua = NULL, *uap;

		tc_need(ac, 2);
		if (strcmp(name, "uaddr2taddr") == 0) {
			memset(&nb, 0, sizeof(nb));
			uap = av[1];
			st = clnt_call(cl, RPCBPROC_UADDR2TADDR,
			    (xdrproc_t)xdr_wrapstring, (char *)&uap,
			    (xdrproc_t)xdr_netbuf, (char *)&nb, tc_timeout);
			if (st == RPC_SUCCESS) {
				printf("len %u ", nb.len);
				tc_hex(nb.buf, nb.len);
				printf("\n");
				free(nb.buf);
			}
		} else {
			anc = tc_nconf(av[0]);
			tnb = uaddr2taddr(anc, av[1]);
			freenetconfigent(anc);
			if (tnb == NULL) {
				fprintf(stderr, "tirpc_client: bad uaddr\n");
				clnt_destroy(cl);
				freenetconfigent(nc);
				return TC_ERR;
			}
			st = clnt_call(cl, RPCBPROC_TADDR2UADDR,
			    (xdrproc_t)xdr_netbuf, (char *)tnb,
			    (xdrproc_t)xdr_wrapstring, (char *)&ua,
			    tc_timeout);
			free(tnb->buf);
			free(tnb);
			if (st == RPC_SUCCESS) {
				printf("%s\n", ua ? ua : "");
				clnt_freeres(cl, (xdrproc_t)xdr_wrapstring,
				    (char *)&ua);
			}
		}
	} else if (strcmp(name, "getaddrlist") == 0) {
		/* PROG VERS NETID [UADDR-HINT] */
		rpcb parms;
		rpcb_entry_list_ptr head = NULL, l;

		tc_need(ac, 3);
		parms.r_prog = tc_num(av[0]);
		parms.r_vers = tc_num(av[1]);
		parms.r_netid = av[2];
		parms.r_addr = ac > 3 ? av[3] : "";
		parms.r_owner = "tirpc_client";
		st = clnt_call(cl, RPCBPROC_GETADDRLIST, (xdrproc_t)xdr_rpcb,
		    (char *)&parms, (xdrproc_t)xdr_rpcb_entry_list_ptr,
		    (char *)&head, tc_timeout);
		if (st == RPC_SUCCESS) {
			for (l = head; l != NULL; l = l->rpcb_entry_next)
				printf("%s %s %u %s %s\n",
				    l->rpcb_entry_map.r_maddr,
				    l->rpcb_entry_map.r_nc_netid,
				    l->rpcb_entry_map.r_nc_semantics,
				    l->rpcb_entry_map.r_nc_protofmly,
				    l->rpcb_entry_map.r_nc_proto);
			rc = head != NULL ? TC_OK : TC_NO;
			clnt_freeres(cl, (xdrproc_t)xdr_rpcb_entry_list_ptr,
			    (char *)&head);
		}
	} else if (strcmp(name, "getstat") == 0) {
		rpcb_stat_byvers sb;
		int i;

		memset(&sb, 0, sizeof(sb));
		st = clnt_call(cl, RPCBPROC_GETSTAT, (xdrproc_t)xdr_void, NULL,
		    (xdrproc_t)xdr_rpcb_stat_byvers, (char *)&sb, tc_timeout);
		if (st == RPC_SUCCESS) {
			for (i = 0; i < RPCBVERS_STAT; i++)
				tc_print_stat(&sb[i], i + 2);
			clnt_freeres(cl, (xdrproc_t)xdr_rpcb_stat_byvers,
			    (char *)&sb);
		}
	} else {
		fprintf(stderr, "tirpc_client: unknown procedure %s for v%lu\n",
		    name, (unsigned long)vers);
		clnt_destroy(cl);
		freenetconfigent(nc);
		return TC_ERR;
	}
	if (st != RPC_SUCCESS)
		rc = tc_call_err(cl, name);
	clnt_destroy(cl);
	freenetconfigent(nc);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *cmd;
	int ac;
	char **av;
	const char *t;

	if (argc < 2)
		tc_usage();
	t = getenv("TC_TIMEOUT");
	if (t != NULL && *t != '\0')
		tc_timeout.tv_sec = (long)tc_num(t);
	cmd = argv[1];
	av = argv + 2;
	ac = argc - 2;
#define NEED(n)	do { if (ac < (n)) tc_usage(); } while (0)
	if (strcmp(cmd, "null") == 0) {
		NEED(4);
		return cmd_null(av);
	} else if (strcmp(cmd, "getaddr") == 0) {
		NEED(4);
		return cmd_getaddr(av);
	} else if (strcmp(cmd, "getport") == 0) {
		NEED(4);
		return cmd_getport(av);
	} else if (strcmp(cmd, "getmaps") == 0) {
		NEED(2);
		return cmd_getmaps(av);
	} else if (strcmp(cmd, "pmapdump") == 0) {
		NEED(1);
		return cmd_pmapdump(av);
	} else if (strcmp(cmd, "gettime") == 0) {
		NEED(1);
		return cmd_gettime(av);
	} else if (strcmp(cmd, "set") == 0) {
		NEED(4);
		return cmd_set(av);
	} else if (strcmp(cmd, "unset") == 0) {
		NEED(2);
		return cmd_unset(ac, av);
	} else if (strcmp(cmd, "pmapset") == 0) {
		NEED(4);
		return cmd_pmapset(av);
	} else if (strcmp(cmd, "pmapunset") == 0) {
		NEED(2);
		return cmd_pmapunset(av);
	} else if (strcmp(cmd, "echo") == 0) {
		NEED(5);
		return cmd_echo(av);
	} else if (strcmp(cmd, "echoaddr") == 0) {
		NEED(5);
		return cmd_echoaddr(av);
	} else if (strcmp(cmd, "vers") == 0) {
		NEED(4);
		return cmd_vers(av);
	} else if (strcmp(cmd, "proc") == 0) {
		return cmd_proc(ac, av);
	}
#undef NEED
	tc_usage();
	return TC_ERR;
}
