/*
 * rpcinfo - report RPC information: our own, on the portmap library,
 * with the options, output and messages of rpcbind 1.2.6's rpcinfo,
 * plus --json, --timeout and a -n that works.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clnt.h"
#include "pmap_prot.h"
#include "rpcnames.h"
#include "uaddr.h"
#include "xdr.h"

#define RPI_OPTS	"a:bdlmn:pstT:u"	/* rpcbind's rpcinfo's options */
#define RPI_SOCKET	"/run/rpcbind.sock"
#define RPI_PING_MS	10000		/* a NULL call */
#define RPI_DUMP_MS	60000		/* a listing */
#define RPI_BCAST_MS	12000		/* a broadcast: sent at 0 s and 4 s */
#define RPI_VERS_MAX	1024u		/* versions probed in one range */
#define RPI_MAX_VERS	0xffffffffu
#define RPI_ESC		(4 * CL_UADDR_MAX + 8)
#define RPI_ERRBUF	256		/* libtirpc's CLNT_PERROR_BUFLEN */

enum rpi_func {
	RPI_NONE, RPI_PMAPDUMP, RPI_TCPPING, RPI_UDPPING, RPI_BROADCAST,
	RPI_DELETES, RPI_ADDRPING, RPI_PROGPING, RPI_RPCBDUMP,
	RPI_RPCBDUMP_SHORT, RPI_ADDRLIST, RPI_GETSTAT
};

static int		 rpi_json;
static int		 rpi_timeout = -1;	/* --timeout, in ms */
static const char	*rpi_sock = RPI_SOCKET;
static uint16_t		 rpi_port;		/* -n */

static void
rpi_usage_to(FILE *f)
{
	fprintf(f, "Usage: rpcinfo [-m | -s] [host]\n");
	fprintf(f, "       rpcinfo -p [host]\n");
	fprintf(f, "       rpcinfo -T netid host prognum [versnum]\n");
	fprintf(f, "       rpcinfo -l host prognum versnum\n");
	fprintf(f, "       rpcinfo [-n portnum] -u | -t host prognum "
	    "[versnum]\n");
	fprintf(f, "       rpcinfo -a serv_address -T netid prognum "
	    "[version]\n");
	fprintf(f, "       rpcinfo -b prognum versnum\n");
	fprintf(f, "       rpcinfo -d [-T netid] prognum versnum\n");
}

static void __attribute__((noreturn))
rpi_usage(void)
{
	rpi_usage_to(stderr);
	exit(1);
}

static void __attribute__((noreturn))
rpi_help(void)
{
	printf("usage: rpcinfo [--json] [--timeout seconds] [-m | -s] [host]\n"
	    "       rpcinfo [--json] [--timeout seconds] -p [host]\n"
	    "       rpcinfo [--timeout seconds] -T netid host prognum "
	    "[versnum]\n"
	    "       rpcinfo [--json] [--timeout seconds] [-T netid] -l host "
	    "prognum versnum\n"
	    "       rpcinfo [--timeout seconds] [-n portnum] -u | -t host "
	    "prognum [versnum]\n"
	    "       rpcinfo [--timeout seconds] -a serv_address -T netid "
	    "prognum [versnum]\n"
	    "       rpcinfo [--timeout seconds] -b prognum versnum\n"
	    "       rpcinfo [--timeout seconds] -d [-T netid] prognum "
	    "versnum\n"
	    "       rpcinfo --help\n");
	exit(0);
}

static int
rpi_ms(int dflt)
{
	return rpi_timeout > 0 ? rpi_timeout : dflt;
}

/* An escaped copy of a string from the wire, in one of four buffers. */
static const char *
rpi_esc(const char *s)
{
	static char	buf[4][RPI_ESC];
	static int	slot;

	slot = (slot + 1) & 3;
	return cl_escape(s, strlen(s), buf[slot], sizeof(buf[slot]));
}

/* ---- JSON output ---- */

static void
rpi_jstr(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			printf("\\u%04x", *p);	/* bytes as Latin-1: valid JSON */
		else
			putchar(*p);
	}
	putchar('"');
}

static const char *
rpi_name(uint32_t prog)
{
	return rpcname_by_number(prog);
}

/* ---- program and version numbers, parsed like rpcinfo 1.2.6 ---- */

static unsigned long
rpi_getprognum(const char *arg)
{
	const char	*t = arg;
	char		*end;
	uint32_t	 num;
	int		 name = 0;

	while (*t != '\0' && isdigit((unsigned char)*t))
		t++;
	/* a non-digit anywhere makes it a name, as does a final letter */
	if (*t != '\0') {
		t++;
		if (*t != '\0' || isalpha((unsigned char)t[-1]))
			name = 1;
	}
	if (name) {
		if (rpcname_by_name(arg, &num) == -1) {
			fprintf(stderr, "rpcinfo: %s is unknown service\n", arg);
			exit(1);
		}
		return num;
	}
	errno = 0;
	{
		long v = strtol(arg, &end, 10);

		if (end == arg || *end != '\0') {
			fprintf(stderr, "rpcinfo: %s is illegal program "
			    "number\n", arg);
			exit(1);
		}
		return (unsigned long)v;
	}
}

static unsigned long
rpi_getvers(const char *arg)
{
	char	*end;
	long	 v;

	v = strtol(arg, &end, 10);
	if (end == arg || *end != '\0') {
		fprintf(stderr, "rpcinfo: %s is illegal version number\n", arg);
		exit(1);
	}
	/* truncated to an int, then widened, as 1.2.6 does */
	return (unsigned long)(long)(int)(uint32_t)v;
}

/* ---- netids (what /etc/netconfig knows) ---- */

struct rpi_netid {
	const char	*name;
	int		 family;	/* AF_INET, AF_INET6, AF_LOCAL, or 0 */
	enum cl_proto	 proto;
};

static const struct rpi_netid rpi_netids[] = {
	{ "udp", AF_INET, CL_UDP },
	{ "tcp", AF_INET, CL_TCP },
	{ "udp6", AF_INET6, CL_UDP },
	{ "tcp6", AF_INET6, CL_TCP },
	{ "rawip", 0, CL_UDP },
	{ "local", AF_LOCAL, CL_LOCAL },
	{ "unix", AF_LOCAL, CL_LOCAL },
};

static const struct rpi_netid *
rpi_netid(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(rpi_netids) / sizeof(rpi_netids[0]); i++)
		if (strcmp(rpi_netids[i].name, name) == 0)
			return &rpi_netids[i];
	return NULL;
}

/* ---- errors ---- */

static void __attribute__((noreturn))
rpi_createerr(const struct cl_err *e, const char *prefix)
{
	char	buf[RPI_ERRBUF];

	cl_spcreateerror(e, prefix, buf, sizeof(buf));
	fprintf(stderr, "%s\n", buf);
	exit(1);
}

static void
rpi_perror(const struct cl_err *e, const char *prefix)
{
	char	buf[RPI_ERRBUF];

	cl_sperror(e, prefix, buf, sizeof(buf));
	fprintf(stderr, "%s\n", buf);
}

/* ---- finding the port mapper ---- */

/* The first address of host in family (0: any), port 111. */
static int
rpi_resolve(const char *host, int family, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct addrinfo	hints, *res;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL)
		return -1;
	if (res->ai_addrlen > sizeof(*ss) || (res->ai_family != AF_INET &&
	    res->ai_family != AF_INET6)) {
		freeaddrinfo(res);
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(PMAP_PORT);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(PMAP_PORT);
	return 0;
}

static void
rpi_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static socklen_t
rpi_sun(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_LOCAL;
	snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(sun->sun_path) + 1);
}

/* A client of the local port mapper over its AF_LOCAL socket. */
static int
rpi_local(struct cl *c, uint32_t prog, uint32_t vers, int ms)
{
	struct sockaddr_un	sun;
	socklen_t		len = rpi_sun(rpi_sock, &sun);

	return cl_create(c, CL_LOCAL, (struct sockaddr *)&sun, len, prog,
	    vers, 0, ms);
}

/*
 * A client of the port mapper on host, version rvers: over the netid
 * given, or TCP then UDP in the family of host's first address.  The
 * address reached goes to *target.  0, or -1 with *err.
 */
static int
rpi_rpcb_client(const char *host, const char *netid, uint32_t rvers, int ms,
    struct cl *c, struct sockaddr_storage *target, socklen_t *tlen,
    const char **usednetid, struct cl_err *err)
{
	const struct rpi_netid	*n = NULL;
	int			 tcp;

	if (netid != NULL)
		n = rpi_netid(netid);
	if (rpi_resolve(host, 0, target, tlen) == -1) {
		cl_seterr(err, CL_N2AXLATEFAILURE, 0);
		return -1;
	}
	if (n != NULL) {
		if (n->family == 0) {
			cl_seterr(err, CL_UNKNOWNPROTO, 0);
			return -1;
		}
		if (n->family != target->ss_family) {
			cl_seterr(err, CL_UNKNOWNHOST, 0);
			return -1;
		}
		if (cl_create(c, n->proto, (struct sockaddr *)target, *tlen,
		    PMAP_PROG, rvers, 0, ms) == -1) {
			*err = c->err;
			return -1;
		}
		*usednetid = n->name;
		return 0;
	}
	tcp = cl_create(c, CL_TCP, (struct sockaddr *)target, *tlen, PMAP_PROG,
	    rvers, 0, ms);
	if (tcp == 0) {
		*usednetid = target->ss_family == AF_INET ? "tcp" : "tcp6";
		return 0;
	}
	if (cl_create(c, CL_UDP, (struct sockaddr *)target, *tlen, PMAP_PROG,
	    rvers, 0, ms) == -1) {
		*err = c->err;
		return -1;
	}
	*usednetid = target->ss_family == AF_INET ? "udp" : "udp6";
	return 0;
}

/*
 * rpcinfo's ip_getclient: find prog/vers on host for proto ("udp" or
 * "tcp", trying the IPv4 then the IPv6 netid) through the port mapper,
 * or at port -n, and connect.  Errors are reported as "host: ..." and
 * end the program.
 */
static void
rpi_ip_client(const char *host, uint32_t prog, uint32_t vers,
    enum cl_proto proto, struct cl *c, int ms)
{
	static const int	 fams[2] = { AF_INET, AF_INET6 };
	struct sockaddr_storage	 pm, svc;
	socklen_t		 pmlen, svclen = 0;
	struct cl_err		 err;
	const char		*netid;
	int			 i, found = 0;

	cl_seterr(&err, CL_UNKNOWNHOST, 0);
	for (i = 0; i < 2 && !found; i++) {
		if (rpi_resolve(host, fams[i], &pm, &pmlen) == -1)
			continue;
		if (rpi_port != 0) {
			memcpy(&svc, &pm, pmlen);
			svclen = pmlen;
			rpi_set_port(&svc, rpi_port);
			found = 1;
			break;
		}
		if (proto == CL_TCP)
			netid = fams[i] == AF_INET ? "tcp" : "tcp6";
		else
			netid = fams[i] == AF_INET ? "udp" : "udp6";
		if (cl_getaddr((struct sockaddr *)&pm, pmlen, proto, netid,
		    prog, vers, ms, &svc, &svclen, &err) == -1) {
			if (err.stat != CL_UNKNOWNHOST)
				rpi_createerr(&err, host);
			continue;
		}
		found = 1;
	}
	if (!found)
		rpi_createerr(&err, host);
	if (cl_create(c, proto, (struct sockaddr *)&svc, svclen, prog, vers,
	    0, ms) == -1)
		rpi_createerr(&c->err, host);
}

/* ---- pinging ---- */

/* pstatus: report the last call; -1 if it failed. */
static int
rpi_pstatus(struct cl *c, enum cl_stat st, unsigned long prog,
    unsigned long vers)
{
	if (st != CL_SUCCESS) {
		rpi_perror(&c->err, "rpcinfo");
		printf("program %lu version %lu is not available\n", prog, vers);
		return -1;
	}
	printf("program %lu version %lu ready and waiting\n", prog, vers);
	return 0;
}

/*
 * Ping prog at one version, or at every version in the range a call of
 * version 0 (or of version 2^32-1, if 0 answers) reports.  prog and vers
 * are shown as given: -u and -t pass them untruncated, as 1.2.6 does.
 */
static void __attribute__((noreturn))
rpi_ping(struct cl *c, unsigned long prog, int known, unsigned long vers)
{
	enum cl_stat	st;
	uint64_t	v, lo, hi;
	int		failure = 0;

	if (known) {
		cl_set_vers(c, (uint32_t)vers);
		st = cl_call(c, 0, NULL, 0);
		failure = rpi_pstatus(c, st, prog, vers) == -1;
		cl_destroy(c);
		exit(failure);
	}
	cl_set_vers(c, 0);
	st = cl_call(c, 0, NULL, 0);
	if (st == CL_PROGVERSMISMATCH) {
		lo = c->err.low;
		hi = c->err.high;
	} else if (st == CL_SUCCESS) {
		cl_set_vers(c, RPI_MAX_VERS);
		st = cl_call(c, 0, NULL, 0);
		if (st == CL_PROGVERSMISMATCH) {
			lo = c->err.low;
			hi = c->err.high;
		} else if (st == CL_SUCCESS) {
			lo = 0;
			hi = RPI_MAX_VERS;
		} else {
			(void)rpi_pstatus(c, st, prog, RPI_MAX_VERS);
			exit(1);
		}
	} else {
		(void)rpi_pstatus(c, st, prog, 0);
		exit(1);
	}
	for (v = lo; v <= hi; v++) {
		if (v - lo >= RPI_VERS_MAX) {
			fprintf(stderr, "rpcinfo: versions %llu to %llu "
			    "reported; stopped after %u\n",
			    (unsigned long long)lo, (unsigned long long)hi,
			    RPI_VERS_MAX);
			failure = 1;
			break;
		}
		cl_set_vers(c, (uint32_t)v);
		st = cl_call(c, 0, NULL, 0);
		if (rpi_pstatus(c, st, prog, (unsigned long)v) == -1)
			failure = 1;
	}
	cl_destroy(c);
	exit(failure);
}

/* -u, -t: host prognum [versnum] */
static void __attribute__((noreturn))
rpi_ip_ping(enum cl_proto proto, int argc, char **argv)
{
	struct cl	c;
	unsigned long	prog, vers = 0;

	if (argc < 2 || argc > 3)
		rpi_usage();
	prog = rpi_getprognum(argv[1]);
	if (argc == 3)
		vers = rpi_getvers(argv[2]);
	rpi_ip_client(argv[0], (uint32_t)prog, (uint32_t)vers, proto, &c,
	    rpi_ms(RPI_PING_MS));
	rpi_ping(&c, prog, argc == 3, vers);
}

/* -T netid host prognum [versnum] */
static void __attribute__((noreturn))
rpi_progping(const char *netid, int argc, char **argv)
{
	const struct rpi_netid	*n;
	struct sockaddr_storage	 pm, svc;
	socklen_t		 pmlen, svclen;
	struct cl		 c;
	struct cl_err		 err;
	uint32_t		 prog, vers = 0;
	int			 ms = rpi_ms(RPI_PING_MS);

	if (argc < 2 || argc > 3 || netid == NULL)
		rpi_usage();
	prog = (uint32_t)rpi_getprognum(argv[1]);
	if (argc == 3)
		vers = (uint32_t)rpi_getvers(argv[2]);
	if ((n = rpi_netid(netid)) == NULL) {
		fprintf(stderr, "rpcinfo: Could not find %s\n", netid);
		exit(1);
	}
	if (n->family == 0) {
		cl_seterr(&err, CL_UNKNOWNPROTO, 0);
		rpi_createerr(&err, "rpcinfo");
	}
	if (n->family == AF_LOCAL) {
		pmlen = rpi_sun(rpi_sock, (struct sockaddr_un *)&pm);
	} else if (rpi_resolve(argv[0], n->family, &pm, &pmlen) == -1) {
		cl_seterr(&err, CL_UNKNOWNHOST, 0);
		rpi_createerr(&err, "rpcinfo");
	}
	if (cl_getaddr((struct sockaddr *)&pm, pmlen, n->proto,
	    n->family == AF_LOCAL ? "local" : n->name, prog, vers, ms, &svc,
	    &svclen, &err) == -1) {
		if (n->family == AF_LOCAL && err.stat == CL_SYSTEMERROR) {
			/* no local socket: libtirpc asks over TCP loopback */
			struct sockaddr_in *lo = (struct sockaddr_in *)&pm;

			memset(&pm, 0, sizeof(pm));
			lo->sin_family = AF_INET;
			lo->sin_port = htons(PMAP_PORT);
			lo->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			if (cl_getaddr((struct sockaddr *)&pm, sizeof(*lo),
			    CL_TCP, "local", prog, vers, ms, &svc, &svclen,
			    &err) == 0)
				goto found;
		}
		rpi_createerr(&err, "rpcinfo");
	}
found:
	if (cl_create(&c, n->proto, (struct sockaddr *)&svc, svclen, prog, vers,
	    0, ms) == -1)
		rpi_createerr(&c.err, "rpcinfo");
	rpi_ping(&c, prog, argc == 3, vers);
}

/* -a serv_address -T netid prognum [versnum] */
static void __attribute__((noreturn))
rpi_addrping(const char *addr, const char *netid, int argc, char **argv)
{
	const struct rpi_netid	*n;
	struct sockaddr_storage	 svc;
	socklen_t		 svclen;
	struct cl		 c;
	struct cl_err		 err;
	uint32_t		 prog, vers = 0;

	if (argc < 1 || argc > 2 || netid == NULL)
		rpi_usage();
	if ((n = rpi_netid(netid)) == NULL) {
		fprintf(stderr, "rpcinfo: Could not find %s\n", netid);
		exit(1);
	}
	prog = (uint32_t)rpi_getprognum(argv[0]);
	if (argc == 2)
		vers = (uint32_t)rpi_getvers(argv[1]);
	if (n->family == 0) {
		cl_seterr(&err, (enum cl_stat)20, 0);	/* RPC_TLIERROR */
		rpi_createerr(&err, "rpcinfo");
	}
	if (uaddr_to_sockaddr(addr, n->family == AF_LOCAL ? "local" : n->name,
	    &svc, &svclen) == -1 || svc.ss_family != n->family) {
		fprintf(stderr, "rpcinfo: rpcinfo: no address for client "
		    "handle\n");
		exit(1);
	}
	if (cl_create(&c, n->proto, (struct sockaddr *)&svc, svclen, prog, vers,
	    0, rpi_ms(RPI_PING_MS)) == -1)
		rpi_createerr(&c.err, "rpcinfo");
	rpi_ping(&c, prog, argc == 2, vers);
}

/* ---- listings ---- */

/* -p [host] */
static void
rpi_pmapdump(int argc, char **argv)
{
	struct cl	 c;
	struct cl_pmap	*v;
	const char	*host = NULL, *name;
	size_t		 n, i;
	enum cl_stat	 st;
	int		 ms = rpi_ms(RPI_DUMP_MS);

	if (argc > 1)
		rpi_usage();
	if (argc == 1) {
		host = argv[0];
		rpi_ip_client(host, PMAP_PROG, PMAP_VERS, CL_TCP, &c, ms);
	} else if (rpi_local(&c, PMAP_PROG, PMAP_VERS, ms) == -1)
		rpi_createerr(&c.err, "rpcinfo: can't contact portmapper");
	st = cl_call(&c, PMAPPROC_DUMP, NULL, 0);
	if (st != CL_SUCCESS) {
		if (st == CL_PROGVERSMISMATCH || st == CL_PROGUNAVAIL) {
			if (c.err.low > PMAP_VERS)
				fprintf(stderr, "%s does not support portmapper."
				    "  Try rpcinfo %s instead\n",
				    host ? host : "(null)",
				    host ? host : "(null)");
			exit(1);
		}
		rpi_perror(&c.err, "rpcinfo: can't contact portmapper");
		exit(1);
	}
	if (cl_dec_pmaplist(&c.res, &v, &n) == -1) {
		cl_seterr(&c.err, CL_CANTDECODERES, 0);
		rpi_perror(&c.err, "rpcinfo: can't contact portmapper");
		exit(1);
	}
	if (rpi_json) {
		printf("{\"source\":\"pmap\",\"entries\":[");
		for (i = 0; i < n; i++) {
			printf("%s{\"program\":%u,\"version\":%u,\"protocol\":",
			    i ? "," : "", v[i].prog, v[i].vers);
			if (v[i].prot == IPPROTO_UDP_NUM)
				printf("\"udp\"");
			else if (v[i].prot == IPPROTO_TCP_NUM)
				printf("\"tcp\"");
			else
				printf("%u", v[i].prot);
			printf(",\"port\":%u,\"service\":", v[i].port);
			rpi_jstr(rpi_name(v[i].prog));
			printf("}");
		}
		printf("]}\n");
	} else if (n == 0)
		printf("No remote programs registered.\n");
	else {
		printf("   program vers proto   port  service\n");
		for (i = 0; i < n; i++) {
			printf("%10u%5u", v[i].prog, v[i].vers);
			if (v[i].prot == IPPROTO_UDP_NUM)
				printf("%6s", "udp");
			else if (v[i].prot == IPPROTO_TCP_NUM)
				printf("%6s", "tcp");
			else
				printf("%6u", v[i].prot);
			printf("%7u", v[i].port);
			if ((name = rpi_name(v[i].prog)) != NULL)
				printf("  %s\n", name);
			else
				printf("\n");
		}
	}
	free(v);
	cl_destroy(&c);
}

/* The v2 table in the v3 shape, as 1.2.6 converts it. */
static int
rpi_from_pmap(struct cl *c, struct cl_rpcb **out, size_t *np)
{
	struct cl_pmap	*p;
	struct cl_rpcb	*v;
	size_t		 n, i;
	char		 buf[32];

	if (cl_dec_pmaplist(&c->res, &p, &n) == -1)
		return -1;
	if ((v = calloc(n ? n : 1, sizeof(*v))) == NULL) {
		free(p);
		return -1;
	}
	for (i = 0; i < n; i++) {
		v[i].prog = p[i].prog;
		v[i].vers = p[i].vers;
		if (p[i].prot == IPPROTO_UDP_NUM)
			snprintf(buf, sizeof(buf), "udp");
		else if (p[i].prot == IPPROTO_TCP_NUM)
			snprintf(buf, sizeof(buf), "tcp");
		else
			snprintf(buf, sizeof(buf), "%6u", p[i].prot);
		v[i].netid = strdup(buf);
		snprintf(buf, sizeof(buf), "0.0.0.0.%u.%u",
		    (p[i].port >> 8) & 0xff, p[i].port & 0xff);
		v[i].addr = strdup(buf);
		v[i].owner = strdup("unknown");
		if (!v[i].netid || !v[i].addr || !v[i].owner) {
			cl_free_rpcblist(v, i + 1);
			free(p);
			return -1;
		}
	}
	free(p);
	*out = v;
	*np = n;
	return 0;
}

struct rpi_short {
	uint32_t	  prog;
	const char	 *owner;
	uint32_t	 *vers;		/* newest first, as 1.2.6 lists them */
	size_t		  nvers;
	const char	**netids;
	size_t		  nnetids;
};

static int
rpi_short_add(struct rpi_short *s, uint32_t vers, const char *netid)
{
	size_t	i;
	void	*nv;

	for (i = 0; i < s->nvers && s->vers[i] != vers; i++)
		;
	if (i == s->nvers) {
		if ((nv = realloc(s->vers, (s->nvers + 1) *
		    sizeof(*s->vers))) == NULL)
			return -1;
		s->vers = nv;
		memmove(s->vers + 1, s->vers, s->nvers * sizeof(*s->vers));
		s->vers[0] = vers;
		s->nvers++;
	}
	for (i = 0; i < s->nnetids && strcmp(s->netids[i], netid) != 0; i++)
		;
	if (i == s->nnetids) {
		if ((nv = realloc(s->netids, (s->nnetids + 1) *
		    sizeof(*s->netids))) == NULL)
			return -1;
		s->netids = nv;
		memmove(s->netids + 1, s->netids, s->nnetids *
		    sizeof(*s->netids));
		s->netids[0] = netid;
		s->nnetids++;
	}
	return 0;
}

static void
rpi_print_short(struct cl_rpcb *v, size_t n)
{
	struct rpi_short	*s = NULL, *ns;
	size_t			 ns_n = 0, i, j;
	char			 buf[256], num[16];
	const char		*name;

	for (i = 0; i < n; i++) {
		for (j = 0; j < ns_n && s[j].prog != v[i].prog; j++)
			;
		if (j == ns_n) {
			if ((ns = realloc(s, (ns_n + 1) * sizeof(*s))) == NULL)
				goto nomem;
			s = ns;
			memset(&s[j], 0, sizeof(s[j]));
			s[j].prog = v[i].prog;
			s[j].owner = v[i].owner;
			ns_n++;
		}
		if (rpi_short_add(&s[j], v[i].vers, v[i].netid) == -1)
			goto nomem;
	}
	if (rpi_json) {
		printf("{\"source\":\"rpcbind\",\"programs\":[");
		for (j = 0; j < ns_n; j++) {
			printf("%s{\"program\":%u,\"versions\":[", j ? "," : "",
			    s[j].prog);
			for (i = 0; i < s[j].nvers; i++)
				printf("%s%u", i ? "," : "", s[j].vers[i]);
			printf("],\"netids\":[");
			for (i = 0; i < s[j].nnetids; i++) {
				printf("%s", i ? "," : "");
				rpi_jstr(s[j].netids[i]);
			}
			printf("],\"service\":");
			rpi_jstr(rpi_name(s[j].prog));
			printf(",\"owner\":");
			rpi_jstr(s[j].owner);
			printf("}");
		}
		printf("]}\n");
		goto out;
	}
	printf("   program version(s) netid(s)                         service"
	    "     owner\n");
	for (j = 0; j < ns_n; j++) {
		printf("%10u  ", s[j].prog);
		buf[0] = '\0';
		for (i = 0; i < s[j].nvers; i++) {
			snprintf(num, sizeof(num), "%s%d", i ? "," : "",
			    (int)s[j].vers[i]);
			if (strlen(buf) + strlen(num) >= sizeof(buf))
				break;		/* bounded, unlike 1.2.6 */
			strcat(buf, num);
		}
		printf("%-10s", buf);
		buf[0] = '\0';
		for (i = 0; i < s[j].nnetids; i++) {
			const char *e = rpi_esc(s[j].netids[i]);

			if (strlen(buf) + strlen(e) + 1 >= sizeof(buf))
				break;
			strcat(buf, e);
			if (i + 1 < s[j].nnetids)
				strcat(buf, ",");
		}
		printf("%-32s", buf);
		name = rpi_name(s[j].prog);
		printf(" %-11s", name ? name : "-");
		printf(" %s\n", rpi_esc(s[j].owner));
	}
out:
	for (j = 0; j < ns_n; j++) {
		free(s[j].vers);
		free(s[j].netids);
	}
	free(s);
	return;
nomem:
	fprintf(stderr, "rpcinfo: no memory\n");
	for (j = 0; j < ns_n; j++) {
		free(s[j].vers);
		free(s[j].netids);
	}
	free(s);
}

/* [-m | -s] [host], and -T netid host */
static void
rpi_rpcbdump(int shortfmt, const char *netid, int argc, char **argv)
{
	struct cl		 c;
	struct cl_err		 err;
	struct cl_rpcb		*v = NULL;
	struct sockaddr_storage	 target;
	socklen_t		 tlen;
	const char		*used, *name;
	size_t			 n = 0, i;
	enum cl_stat		 st;
	int			 ms = rpi_ms(RPI_DUMP_MS);

	if (argc > 1)
		rpi_usage();
	if (argc == 1) {
		if (netid != NULL && rpi_netid(netid) == NULL) {
			fprintf(stderr, "rpcinfo: invalid transport: Netid not "
			    "found in netconfig database\n");
			exit(1);
		}
		if (rpi_rpcb_client(argv[0], netid, RPCBVERS_3, ms, &c,
		    &target, &tlen, &used, &err) == -1)
			rpi_createerr(&err, "rpcinfo: can't contact rpcbind");
	} else if (rpi_local(&c, PMAP_PROG, RPCBVERS_3, ms) == -1)
		rpi_createerr(&c.err, "rpcinfo: can't contact rpcbind");
	st = cl_call(&c, RPCBPROC_DUMP, NULL, 0);
	if (st == CL_SUCCESS) {
		if (cl_dec_rpcblist(&c.res, &v, &n) == -1)
			goto undecodable;
	} else if (st == CL_PROGVERSMISMATCH || st == CL_PROGUNAVAIL) {
		if (c.err.low == RPCBVERS_4) {
			cl_set_vers(&c, RPCBVERS_4);
			if (cl_call(&c, RPCBPROC_DUMP, NULL, 0) != CL_SUCCESS)
				goto failed;
			if (cl_dec_rpcblist(&c.res, &v, &n) == -1)
				goto undecodable;
		} else if (c.err.high == PMAP_VERS) {
			cl_set_vers(&c, PMAP_VERS);
			if (cl_call(&c, PMAPPROC_DUMP, NULL, 0) != CL_SUCCESS)
				goto failed;
			if (rpi_from_pmap(&c, &v, &n) == -1)
				goto undecodable;
		}
		/* neither: 1.2.6 says the table is empty */
	} else
		goto failed;
	if (rpi_json && !shortfmt) {
		printf("{\"source\":\"rpcbind\",\"entries\":[");
		for (i = 0; i < n; i++) {
			printf("%s{\"program\":%u,\"version\":%u,\"netid\":",
			    i ? "," : "", v[i].prog, v[i].vers);
			rpi_jstr(v[i].netid);
			printf(",\"address\":");
			rpi_jstr(v[i].addr);
			printf(",\"service\":");
			rpi_jstr(rpi_name(v[i].prog));
			printf(",\"owner\":");
			rpi_jstr(v[i].owner);
			printf("}");
		}
		printf("]}\n");
	} else if (n == 0 && !rpi_json)
		printf("No remote programs registered.\n");
	else if (!shortfmt) {
		printf("   program version netid     address                "
		    "service    owner\n");
		for (i = 0; i < n; i++) {
			printf("%10u%5u    ", v[i].prog, v[i].vers);
			printf("%-9s ", rpi_esc(v[i].netid));
			printf("%-22s", rpi_esc(v[i].addr));
			name = rpi_name(v[i].prog);
			printf(" %-10s", name ? name : "-");
			printf(" %s\n", rpi_esc(v[i].owner));
		}
	} else
		rpi_print_short(v, n);
	cl_free_rpcblist(v, n);
	cl_destroy(&c);
	return;
undecodable:
	cl_seterr(&c.err, CL_CANTDECODERES, 0);
failed:
	rpi_perror(&c.err, "rpcinfo: can't contact rpcbind: ");
	exit(1);
}

/* -l [-T netid] host prognum versnum */
static void
rpi_addrlist(const char *netid, int argc, char **argv)
{
	struct cl		 c;
	struct cl_err		 err;
	struct cl_entry		*v;
	struct sockaddr_storage	 target;
	socklen_t		 tlen;
	struct xdr_enc		 e;
	const char		*used, *name, *sem;
	char			 hint[CL_UADDR_MAX + 1], buf[128];
	uint32_t		 prog, vers;
	size_t			 n, i;

	if (argc != 3)
		rpi_usage();
	if (netid != NULL && rpi_netid(netid) == NULL) {
		fprintf(stderr, "rpcinfo: invalid transport: Netid not found "
		    "in netconfig database\n");
		exit(1);
	}
	if (rpi_rpcb_client(argv[0], netid, RPCBVERS_4, rpi_ms(RPI_DUMP_MS),
	    &c, &target, &tlen, &used, &err) == -1)
		rpi_createerr(&err, "rpcinfo: can't contact rpcbind");
	prog = (uint32_t)rpi_getprognum(argv[1]);
	vers = (uint32_t)rpi_getvers(argv[2]);
	if (uaddr_from_sockaddr((struct sockaddr *)&target, tlen, hint,
	    sizeof(hint)) == -1)
		hint[0] = '\0';
	xdr_enc_init_grow(&e, 4096);
	cl_enc_rpcb(&e, prog, vers, used, hint, "");
	if (e.err || cl_call(&c, RPCBPROC_GETADDRLIST, e.buf, e.len) !=
	    CL_SUCCESS) {
		if (e.err)
			cl_seterr(&c.err, CL_CANTENCODEARGS, 0);
		rpi_perror(&c.err, "rpcinfo: can't contact rpcbind: ");
		exit(1);
	}
	xdr_enc_free(&e);
	if (cl_dec_entrylist(&c.res, &v, &n) == -1) {
		cl_seterr(&c.err, CL_CANTDECODERES, 0);
		rpi_perror(&c.err, "rpcinfo: can't contact rpcbind: ");
		exit(1);
	}
	name = rpi_name(prog);
	if (rpi_json) {
		printf("{\"program\":%u,\"version\":%u,\"service\":", prog,
		    vers);
		rpi_jstr(name);
		printf(",\"entries\":[");
	} else if (n == 0)
		printf("No remote programs registered.\n");
	else
		printf("   program vers  tp_family/name/class    address\t\t"
		    "  service\n");
	for (i = 0; i < n; i++) {
		sem = v[i].semantics == 1 ? "clts" : v[i].semantics == 2 ?
		    "cots" : "cots_ord";
		if (rpi_json) {
			printf("%s{\"family\":", i ? "," : "");
			rpi_jstr(v[i].protofmly);
			printf(",\"proto\":");
			rpi_jstr(v[i].proto);
			printf(",\"semantics\":\"%s\",\"netid\":", sem);
			rpi_jstr(v[i].netid);
			printf(",\"address\":");
			rpi_jstr(v[i].maddr);
			printf("}");
			continue;
		}
		printf("%10u%3u    ", prog, vers);
		snprintf(buf, sizeof(buf), "%s/", rpi_esc(v[i].protofmly));
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s/",
		    rpi_esc(v[i].proto));
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s ",
		    sem);
		printf("%-24s", buf);
		printf("%-24s", rpi_esc(v[i].maddr));
		printf(" %-13s", name ? name : "-");
		printf("\n");
	}
	if (rpi_json)
		printf("]}\n");
	cl_free_entrylist(v, n);
	cl_destroy(&c);
}

/* ---- -m: statistics ---- */

static const char *const rpi_hdr2[] = {
	"NULL", "SET", "UNSET", "GETPORT", "DUMP", "CALLIT"
};
static const char *const rpi_hdr3[] = {
	"NULL", "SET", "UNSET", "GETADDR", "DUMP", "CALLIT", "TIME", "U2T", "T2U"
};
static const char *const rpi_hdr4[] = {
	"NULL", "SET", "UNSET", "GETADDR", "DUMP", "CALLIT", "TIME", "U2T",
	"T2U", "VERADDR", "INDRECT", "GETLIST", "GETSTAT"
};
static const char *const rpi_jhdr4[] = {
	"NULL", "SET", "UNSET", "GETADDR", "DUMP", "CALLIT", "TIME", "U2T",
	"T2U", "VERADDR", "INDIRECT", "GETLIST", "GETSTAT"
};

static void
rpi_spaces(int n)
{
	if (n <= 0 || n > 64)
		return;
	printf("%*s", n, "");
}

static int32_t
rpi_sum_addr(const struct cl_stat_vers *s)
{
	uint32_t	sum = 0;
	size_t		i;

	for (i = 0; i < s->naddr; i++)
		sum += (uint32_t)s->addr[i].success;
	return (int32_t)sum;
}

static int32_t
rpi_sum_rmt(const struct cl_stat_vers *s)
{
	uint32_t	sum = 0;
	size_t		i;

	for (i = 0; i < s->nrmt; i++)
		sum += (uint32_t)s->rmt[i].success;
	return (int32_t)sum;
}

/* One row of names and one of counts, procedures first..last. */
static void
rpi_stat_row(const struct cl_stat_vers *s, int vers, const char *const *hdr,
    int first, int last)
{
	char	field[64], line[64 * 16];
	int	i, flen, pad;

	line[0] = '\0';
	for (i = first; i <= last; i++) {
		field[0] = '\0';
		switch (i) {
		case 1:
			snprintf(field, sizeof(field), "%d/", s->setinfo);
			break;
		case 2:
			snprintf(field, sizeof(field), "%d/", s->unsetinfo);
			break;
		case 3:
			snprintf(field, sizeof(field), "%d/", rpi_sum_addr(s));
			break;
		case 5:
			snprintf(field, sizeof(field), "%d/", rpi_sum_rmt(s));
			break;
		default:
			break;
		}
		if (vers == 4 && i == 3)
			snprintf(field + strlen(field), sizeof(field) -
			    strlen(field), "%d", (int32_t)((uint32_t)s->info[3] +
			    (uint32_t)s->info[11]));
		else
			snprintf(field + strlen(field), sizeof(field) -
			    strlen(field), "%d", s->info[i]);
		flen = (int)strlen(field);
		printf("%s", hdr[i]);
		rpi_spaces(8 * (1 + flen / 8) - (int)strlen(hdr[i]));
		pad = 8 * (1 + flen / 8) - flen;
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
		    "%s%*s", field, pad > 0 && pad <= 64 ? pad : 0, "");
	}
	printf("\n%s\n", line);
}

static void
rpi_prog_col(uint32_t prog)
{
	const char	*name = rpi_name(prog);

	if (name != NULL)
		printf("%-16s", name);
	else
		printf("%-16d", (int)prog);
}

static void
rpi_rmtstat(const struct cl_stat_vers *s, int v4)
{
	size_t	i;

	if (v4)
		printf("prog\t\tvers\tproc\tnetid\tindirect success failure\n");
	else
		printf("prog\t\tvers\tproc\tnetid\tsuccess\tfailure\n");
	for (i = 0; i < s->nrmt; i++) {
		rpi_prog_col(s->rmt[i].prog);
		printf("%d\t%d\t%s\t", (int)s->rmt[i].vers, (int)s->rmt[i].proc,
		    rpi_esc(s->rmt[i].netid));
		if (v4)
			printf("%d\t ", s->rmt[i].indirect);
		printf("%d\t%d\n", s->rmt[i].success, s->rmt[i].failure);
	}
}

static void
rpi_addrstat(const struct cl_stat_vers *s)
{
	size_t	i;

	printf("prog\t\tvers\tnetid\t  success\tfailure\n");
	for (i = 0; i < s->naddr; i++) {
		rpi_prog_col(s->addr[i].prog);
		printf("%d\t%s\t  %-12d\t%d\n", (int)s->addr[i].vers,
		    rpi_esc(s->addr[i].netid), s->addr[i].success,
		    s->addr[i].failure);
	}
}

static void
rpi_stats_json(const struct cl_stat_vers st[3])
{
	static const int nprocs[3] = { 6, 9, 13 };
	size_t	i;
	int	k, p;

	printf("{\"stats\":[");
	for (k = 0; k < 3; k++) {
		const struct cl_stat_vers *s = &st[k];

		printf("%s{\"version\":%d,\"procedures\":{", k ? "," : "",
		    k + 2);
		for (p = 0; p < nprocs[k]; p++)
			printf("%s\"%s\":%d", p ? "," : "",
			    k == 0 ? rpi_hdr2[p] : rpi_jhdr4[p], s->info[p]);
		printf("},\"set_successes\":%d,\"unset_successes\":%d,"
		    "\"lookups\":[", s->setinfo, s->unsetinfo);
		for (i = 0; i < s->naddr; i++) {
			printf("%s{\"program\":%u,\"service\":", i ? "," : "",
			    s->addr[i].prog);
			rpi_jstr(rpi_name(s->addr[i].prog));
			printf(",\"version\":%u,\"netid\":", s->addr[i].vers);
			rpi_jstr(s->addr[i].netid);
			printf(",\"success\":%d,\"failure\":%d}",
			    s->addr[i].success, s->addr[i].failure);
		}
		printf("],\"remote_calls\":[");
		for (i = 0; i < s->nrmt; i++) {
			printf("%s{\"program\":%u,\"service\":", i ? "," : "",
			    s->rmt[i].prog);
			rpi_jstr(rpi_name(s->rmt[i].prog));
			printf(",\"version\":%u,\"procedure\":%u,\"netid\":",
			    s->rmt[i].vers, s->rmt[i].proc);
			rpi_jstr(s->rmt[i].netid);
			printf(",\"success\":%d,\"failure\":%d,"
			    "\"indirect\":%d}", s->rmt[i].success,
			    s->rmt[i].failure, s->rmt[i].indirect);
		}
		printf("]}");
	}
	printf("]}\n");
}

static void
rpi_getstat(int argc, char **argv)
{
	struct cl		 c;
	struct cl_err		 err;
	struct cl_stat_vers	 st[3];
	struct sockaddr_storage	 target;
	socklen_t		 tlen;
	const char		*used;
	int			 ms = rpi_ms(RPI_DUMP_MS);

	if (argc >= 1) {
		if (rpi_rpcb_client(argv[0], NULL, RPCBVERS_4, ms, &c, &target,
		    &tlen, &used, &err) == -1)
			rpi_createerr(&err, "rpcinfo: can't contact rpcbind");
	} else if (rpi_local(&c, PMAP_PROG, RPCBVERS_4, ms) == -1)
		rpi_createerr(&c.err, "rpcinfo: can't contact rpcbind");
	if (cl_call(&c, RPCBPROC_GETSTAT, NULL, 0) != CL_SUCCESS) {
		rpi_perror(&c.err, "rpcinfo: can't contact rpcbind: ");
		exit(1);
	}
	if (cl_dec_stats(&c.res, st) == -1) {
		cl_seterr(&c.err, CL_CANTDECODERES, 0);
		rpi_perror(&c.err, "rpcinfo: can't contact rpcbind: ");
		exit(1);
	}
	if (rpi_json) {
		rpi_stats_json(st);
		goto out;
	}
	printf("PORTMAP (version 2) statistics\n");
	rpi_stat_row(&st[0], 2, rpi_hdr2, 0, 5);
	printf("\n");
	if (st[0].info[PMAPPROC_CALLIT]) {
		printf("PMAP_RMTCALL call statistics\n");
		rpi_rmtstat(&st[0], 0);
		printf("\n");
	}
	if (st[0].info[PMAPPROC_GETPORT]) {
		printf("PMAP_GETPORT call statistics\n");
		rpi_addrstat(&st[0]);
		printf("\n");
	}
	printf("RPCBIND (version 3) statistics\n");
	rpi_stat_row(&st[1], 3, rpi_hdr3, 0, 8);
	printf("\n");
	if (st[1].info[RPCBPROC_CALLIT]) {
		printf("RPCB_RMTCALL (version 3) call statistics\n");
		rpi_rmtstat(&st[1], 0);
		printf("\n");
	}
	if (st[1].info[RPCBPROC_GETADDR]) {
		printf("RPCB_GETADDR (version 3) call statistics\n");
		rpi_addrstat(&st[1]);
		printf("\n");
	}
	printf("RPCBIND (version 4) statistics\n");
	rpi_stat_row(&st[2], 4, rpi_hdr4, 0, 8);
	rpi_stat_row(&st[2], 4, rpi_hdr4, 9, 12);
	if (st[2].info[RPCBPROC_CALLIT] || st[2].info[RPCBPROC_INDIRECT]) {
		printf("\n");
		printf("RPCB_RMTCALL (version 4) call statistics\n");
		rpi_rmtstat(&st[2], 1);
	}
	if (st[2].info[RPCBPROC_GETADDR]) {
		printf("\n");
		printf("RPCB_GETADDR (version 4) call statistics\n");
		rpi_addrstat(&st[2]);
	}
out:
	cl_free_stats(st);
	cl_destroy(&c);
}

/* ---- -d: unregister ---- */

static void
rpi_deletereg(const char *netid, int argc, char **argv)
{
	struct cl		c;
	struct sockaddr_in	lo;
	struct xdr_enc		e;
	char			owner[16];
	unsigned long		prog, vers;
	int			ok = 0, ms = rpi_ms(RPI_PING_MS);

	if (argc != 2)
		rpi_usage();
	if (netid != NULL && rpi_netid(netid) == NULL) {
		fprintf(stderr, "rpcinfo: netid %s not supported\n", netid);
		exit(1);
	}
	/* 1.2.6 evaluates the version argument first */
	vers = rpi_getvers(argv[1]);
	prog = rpi_getprognum(argv[0]);
	snprintf(owner, sizeof(owner), "%d", (int)geteuid());
	xdr_enc_init_grow(&e, 1024);
	cl_enc_rpcb(&e, (uint32_t)prog, (uint32_t)vers, netid ? netid : "", "",
	    owner);
	if (rpi_local(&c, PMAP_PROG, RPCBVERS_3, ms) == -1) {
		/* no local socket: over TCP to the loopback address */
		memset(&lo, 0, sizeof(lo));
		lo.sin_family = AF_INET;
		lo.sin_port = htons(PMAP_PORT);
		lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (cl_create(&c, CL_TCP, (struct sockaddr *)&lo, sizeof(lo),
		    PMAP_PROG, RPCBVERS_3, CL_RESVPORT, ms) == -1)
			goto fail;
	}
	if (!e.err && cl_call(&c, RPCBPROC_UNSET, e.buf, e.len) == CL_SUCCESS &&
	    xdr_get_bool(&c.res, &ok) == -1)
		ok = 0;
	cl_destroy(&c);
fail:
	xdr_enc_free(&e);
	if (!ok) {
		fprintf(stderr, "rpcinfo: Could not delete registration for "
		    "prog %s version %s\n", argv[0], argv[1]);
		exit(1);
	}
}

/* ---- -b: broadcast ---- */

static int
rpi_bcast_reply(void *arg, const char *uaddr, const struct sockaddr *from,
    socklen_t fromlen)
{
	char	host[NI_MAXHOST];

	(void)arg;
	if (getnameinfo(from, fromlen, host, sizeof(host), NULL, 0, 0) != 0)
		snprintf(host, sizeof(host), "unknown");
	printf("%s\t%s\n", rpi_esc(uaddr), rpi_esc(host));
	fflush(stdout);
	return 0;
}

static void __attribute__((noreturn))
rpi_brdcst(int argc, char **argv)
{
	unsigned long	prog, vers;
	enum cl_stat	st;

	if (argc != 2)
		rpi_usage();
	prog = rpi_getprognum(argv[0]);
	vers = rpi_getvers(argv[1]);
	st = cl_broadcast((uint32_t)prog, (uint32_t)vers, 0,
	    rpi_ms(RPI_BCAST_MS), rpi_bcast_reply, NULL);
	if (st != CL_SUCCESS && st != CL_TIMEDOUT) {
		fprintf(stderr, "rpcinfo: broadcast failed: %s\n",
		    cl_sperrno(st));
		exit(1);
	}
	exit(0);
}

/* ---- main ---- */

/*
 * Take our long options out of argv (up to a "--"), so getopt sees
 * exactly what rpcbind's rpcinfo sees.
 */
static int
rpi_longopts(int argc, char **argv)
{
	int	i, j = 1;
	char	*val, *end;
	double	d;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[j++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--json") == 0) {
			rpi_json = 1;
			continue;
		}
		if (strcmp(argv[i], "--help") == 0)
			rpi_help();
		if (strcmp(argv[i], "--timeout") == 0 ||
		    strncmp(argv[i], "--timeout=", 10) == 0) {
			if (argv[i][9] == '=')
				val = argv[i] + 10;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				fprintf(stderr, "rpcinfo: --timeout needs a "
				    "number of seconds\n");
				exit(1);
			}
			errno = 0;
			d = strtod(val, &end);
			if (end == val || *end != '\0' || errno != 0 ||
			    !(d > 0) || d > 86400) {
				fprintf(stderr, "rpcinfo: %s is illegal "
				    "timeout\n", val);
				exit(1);
			}
			rpi_timeout = (int)(d * 1000);
			if (rpi_timeout < 1)
				rpi_timeout = 1;
			continue;
		}
		argv[j++] = argv[i];
	}
	argv[j] = NULL;
	return j;
}

/*
 * The options, parsed here rather than by getopt(3), so that every C
 * library gives rpcbind's rpcinfo's behaviour, which is glibc's getopt():
 * operands may come before options ("rpcinfo -u host -5 2" reports -5 as
 * an option), options may be grouped, an option's argument is the rest
 * of its word or else the next word whatever it looks like, "--" ends
 * the options, and the errors are worded as glibc words them.  With
 * POSIXLY_CORRECT set the first operand ends the options, as with glibc.
 * musl's getopt() neither reorders nor words errors the same way.
 */
struct rpi_opt {
	int	  argc;
	char	**argv;
	int	  i;		/* the word being read */
	int	  k;		/* the next character in it, 0 for a new word */
	int	  noperands;	/* operands collected so far, in ops[] */
	char	**ops;
	int	  posix;
	int	  done;
	char	 *arg;		/* the option's argument */
	int	  opt;		/* the option character, for messages */
};

/* The next option; '?' unknown, ':' missing its argument; -1 at the end. */
static int
rpi_getopt(struct rpi_opt *o, const char *optstring)
{
	const char	*spec;
	char		*w;
	int		 c;

	o->arg = NULL;
	while (o->k == 0) {
		if (o->done || o->i >= o->argc)
			return -1;
		w = o->argv[o->i];
		if (strcmp(w, "--") == 0) {
			for (o->i++; o->i < o->argc; o->i++)
				o->ops[o->noperands++] = o->argv[o->i];
			return -1;
		}
		if (w[0] != '-' || w[1] == '\0') {
			if (o->posix) {
				o->done = 1;
				while (o->i < o->argc)
					o->ops[o->noperands++] =
					    o->argv[o->i++];
				return -1;
			}
			o->ops[o->noperands++] = w;
			o->i++;
			continue;
		}
		o->k = 1;
	}
	w = o->argv[o->i];
	c = (unsigned char)w[o->k++];
	o->opt = c;
	spec = c != ':' ? strchr(optstring, c) : NULL;
	if (spec != NULL && spec[1] == ':') {
		if (w[o->k] != '\0')
			o->arg = w + o->k;
		else if (o->i + 1 < o->argc)
			o->arg = o->argv[++o->i];
		o->i++;
		o->k = 0;
		return o->arg != NULL ? c : ':';
	}
	if (w[o->k] == '\0') {
		o->i++;
		o->k = 0;
	}
	return spec != NULL ? c : '?';
}

int
main(int argc, char **argv)
{
	enum rpi_func	 func = RPI_NONE;
	const char	*netid = NULL, *address = NULL, *s;
	char		*end;
	long		 port;
	struct rpi_opt	 o;
	int		 c, errflg = 0;

	if ((s = getenv("RPCINFO_SOCKET")) != NULL && s[0] != '\0')
		rpi_sock = s;
	argc = rpi_longopts(argc, argv);
	memset(&o, 0, sizeof(o));
	o.argc = argc;
	o.argv = argv;
	o.i = 1;
	o.posix = getenv("POSIXLY_CORRECT") != NULL;
	/*
	 * The operands are gathered at the front of argv, over words already
	 * read (never more operands than words read).
	 */
	o.ops = argv + 1;
	while ((c = rpi_getopt(&o, RPI_OPTS)) != -1) {
		switch (c) {
		case 'p':
		case 't':
		case 'u':
		case 'a':
		case 'b':
		case 'd':
		case 'l':
		case 'm':
		case 's':
			if (c == 'a')
				address = o.arg;
			if (func != RPI_NONE) {
				errflg = 1;
				break;
			}
			func = c == 'p' ? RPI_PMAPDUMP : c == 't' ? RPI_TCPPING :
			    c == 'u' ? RPI_UDPPING : c == 'a' ? RPI_ADDRPING :
			    c == 'b' ? RPI_BROADCAST : c == 'd' ? RPI_DELETES :
			    c == 'l' ? RPI_ADDRLIST : c == 'm' ? RPI_GETSTAT :
			    RPI_RPCBDUMP_SHORT;
			break;
		case 'n':
			port = strtol(o.arg, &end, 10);
			if (end == o.arg || *end != '\0' || port < 0 ||
			    port > 65535) {
				fprintf(stderr, "rpcinfo: %s is illegal port "
				    "number\n", o.arg);
				exit(1);
			}
			rpi_port = (uint16_t)port;
			break;
		case 'T':
			netid = o.arg;
			break;
		case ':':
			/* getopt's messages name argv[0], the others do not */
			fprintf(stderr, "%s: option requires an argument "
			    "-- '%c'\n", argv[0], o.opt);
			errflg = 1;
			break;
		default:
			fprintf(stderr, "%s: invalid option -- '%c'\n",
			    argv[0], o.opt);
			errflg = 1;
			break;
		}
	}
	if (errflg || (func == RPI_ADDRPING && netid == NULL))
		rpi_usage();
	if (func == RPI_NONE)
		func = o.noperands > 1 ? RPI_PROGPING : RPI_RPCBDUMP;
	if (rpi_json && func != RPI_PMAPDUMP && func != RPI_RPCBDUMP &&
	    func != RPI_RPCBDUMP_SHORT && func != RPI_ADDRLIST &&
	    func != RPI_GETSTAT) {
		fprintf(stderr, "rpcinfo: --json is for -p, -s, -l, -m and "
		    "the default listing\n");
		exit(1);
	}
	o.ops[o.noperands] = NULL;
	argc = o.noperands;
	argv = o.ops;
	switch (func) {
	case RPI_PMAPDUMP:
		if (rpi_port != 0)
			rpi_usage();
		rpi_pmapdump(argc, argv);
		break;
	case RPI_UDPPING:
		rpi_ip_ping(CL_UDP, argc, argv);
	case RPI_TCPPING:
		rpi_ip_ping(CL_TCP, argc, argv);
	case RPI_BROADCAST:
		rpi_brdcst(argc, argv);
	case RPI_DELETES:
		rpi_deletereg(netid, argc, argv);
		break;
	case RPI_ADDRPING:
		rpi_addrping(address, netid, argc, argv);
	case RPI_PROGPING:
		rpi_progping(netid, argc, argv);
	case RPI_RPCBDUMP:
	case RPI_RPCBDUMP_SHORT:
		rpi_rpcbdump(func == RPI_RPCBDUMP_SHORT, netid, argc, argv);
		break;
	case RPI_GETSTAT:
		rpi_getstat(argc, argv);
		break;
	case RPI_ADDRLIST:
		rpi_addrlist(netid, argc, argv);
		break;
	case RPI_NONE:
		break;
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		return 1;
	return 0;
}
