/*
 * pmap_set - register the mappings pmap_dump(8) printed: each line of
 * standard input, "prog vers proto port [name]", becomes a PMAP v2 SET
 * over UDP to 127.0.0.1 (from a reserved port when run as root, so the
 * port mapper records the owner "superuser").
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clnt.h"
#include "pmap_prot.h"
#include "xdr.h"

#define PS_TIMEOUT_MS	10000
#define PS_LINE_MAX	1024

static void __attribute__((noreturn))
ps_usage(FILE *f, int status)
{
	fprintf(f, "usage: pmap_set < file\n");
	exit(status);
}

/* A decimal number up to max from *p; advances *p.  0 or -1. */
static int
ps_number(char **p, unsigned long max, unsigned long *v)
{
	char	*end;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (!isdigit((unsigned char)**p))
		return -1;
	errno = 0;
	*v = strtoul(*p, &end, 10);
	if (errno != 0 || *v > max || (*end != '\0' && *end != ' ' &&
	    *end != '\t' && *end != '\n'))
		return -1;
	*p = end;
	return 0;
}

/*
 * "prog vers proto port [name]": proto is tcp, udp or a number.  0, or -1
 * when malformed.  Returns 1 for a line with nothing to do.
 */
static int
ps_parse(char *line, unsigned long *prog, unsigned long *vers,
    unsigned long *prot, unsigned long *port)
{
	char	*p = line, *w;
	size_t	 len;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '\n' || *p == '#')
		return 1;
	if (ps_number(&p, UINT32_MAX, prog) == -1 ||
	    ps_number(&p, UINT32_MAX, vers) == -1)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	w = p;
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	len = (size_t)(p - w);
	if (len == 3 && strncmp(w, "tcp", 3) == 0)
		*prot = IPPROTO_TCP_NUM;
	else if (len == 3 && strncmp(w, "udp", 3) == 0)
		*prot = IPPROTO_UDP_NUM;
	else {
		p = w;
		if (ps_number(&p, UINT32_MAX, prot) == -1)
			return -1;
	}
	if (ps_number(&p, 65535, port) == -1)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	lo;
	struct cl		c;
	struct xdr_enc		e;
	uint8_t			args[16];
	char			line[PS_LINE_MAX], shown[4 * 80 + 8];
	char			errbuf[256];
	unsigned long		prog, vers, prot, port, lineno = 0;
	size_t			len;
	int			ch, r, ok, failed = 0, toolong;

	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		ps_usage(stdout, 0);
	if (argc != 1)
		ps_usage(stderr, 2);
	memset(&lo, 0, sizeof(lo));
	lo.sin_family = AF_INET;
	lo.sin_port = htons(PMAP_PORT);
	lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (cl_create(&c, CL_UDP, (struct sockaddr *)&lo, sizeof(lo), PMAP_PROG,
	    PMAP_VERS, CL_RESVPORT, PS_TIMEOUT_MS) == -1) {
		cl_spcreateerror(&c.err, "pmap_set: cannot contact portmapper",
		    errbuf, sizeof(errbuf));
		fprintf(stderr, "%s\n", errbuf);
		return 1;
	}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		lineno++;
		len = strlen(line);
		toolong = len == sizeof(line) - 1 && line[len - 1] != '\n';
		if (toolong) {
			while ((ch = getchar()) != EOF && ch != '\n')
				;
			fprintf(stderr, "pmap_set: line %lu: too long\n",
			    lineno);
			failed = 1;
			continue;
		}
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		r = ps_parse(line, &prog, &vers, &prot, &port);
		if (r == 1)
			continue;
		if (r == -1) {
			fprintf(stderr, "pmap_set: line %lu: malformed: %s\n",
			    lineno, cl_escape(line, len > 80 ? 80 : len, shown,
			    sizeof(shown)));
			failed = 1;
			continue;
		}
		xdr_enc_init(&e, args, sizeof(args));
		cl_enc_pmap(&e, (uint32_t)prog, (uint32_t)vers, (uint32_t)prot,
		    (uint32_t)port);
		ok = 0;
		if (cl_call(&c, PMAPPROC_SET, e.buf, e.len) != CL_SUCCESS) {
			cl_sperror(&c.err, "", errbuf, sizeof(errbuf));
			fprintf(stderr, "pmap_set: line %lu: not registered: "
			    "%lu %lu %lu %lu%s\n", lineno, prog, vers, prot,
			    port, errbuf);
			failed = 1;
			continue;
		}
		if (xdr_get_bool(&c.res, &ok) == -1 || !ok) {
			fprintf(stderr, "pmap_set: line %lu: not registered: "
			    "%lu %lu %lu %lu\n", lineno, prog, vers, prot, port);
			failed = 1;
		}
	}
	cl_destroy(&c);
	if (ferror(stdin)) {
		perror("pmap_set: stdin");
		return 1;
	}
	return failed;
}
