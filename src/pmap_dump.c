/*
 * pmap_dump - print the port mapper's PMAP v2 table in the classic
 * format that pmap_set(8) reads back: "prog vers proto port  name".
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clnt.h"
#include "pmap_prot.h"
#include "rpcnames.h"

#define PD_TIMEOUT_MS	60000

static void __attribute__((noreturn))
pd_usage(FILE *f, int status)
{
	fprintf(f, "usage: pmap_dump\n");
	exit(status);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 lo;
	struct cl		 c;
	struct cl_pmap		*v;
	const char		*name;
	char			 errbuf[256], prot[16];
	size_t			 n, i;

	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		pd_usage(stdout, 0);
	if (argc != 1)
		pd_usage(stderr, 2);
	memset(&lo, 0, sizeof(lo));
	lo.sin_family = AF_INET;
	lo.sin_port = htons(PMAP_PORT);
	lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (cl_create(&c, CL_TCP, (struct sockaddr *)&lo, sizeof(lo), PMAP_PROG,
	    PMAP_VERS, 0, PD_TIMEOUT_MS) == -1) {
		cl_spcreateerror(&c.err, "pmap_dump: cannot contact portmapper",
		    errbuf, sizeof(errbuf));
		fprintf(stderr, "%s\n", errbuf);
		return 1;
	}
	if (cl_call(&c, PMAPPROC_DUMP, NULL, 0) != CL_SUCCESS ||
	    cl_dec_pmaplist(&c.res, &v, &n) == -1) {
		if (c.err.stat == CL_SUCCESS)
			cl_seterr(&c.err, CL_CANTDECODERES, 0);
		cl_sperror(&c.err, "pmap_dump: cannot dump the table", errbuf,
		    sizeof(errbuf));
		fprintf(stderr, "%s\n", errbuf);
		cl_destroy(&c);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (v[i].prot == IPPROTO_UDP_NUM)
			snprintf(prot, sizeof(prot), "udp");
		else if (v[i].prot == IPPROTO_TCP_NUM)
			snprintf(prot, sizeof(prot), "tcp");
		else
			snprintf(prot, sizeof(prot), "%u", v[i].prot);
		name = rpcname_by_number(v[i].prog);
		printf("%10u %4u %5s %6u  %s\n", v[i].prog, v[i].vers, prot,
		    v[i].port, name ? name : "");
	}
	free(v);
	cl_destroy(&c);
	if (fclose(stdout) == EOF) {
		perror("pmap_dump: stdout");
		return 1;
	}
	return 0;
}
