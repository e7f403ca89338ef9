/*
 * pm_reg - PMAP v2 registrations in bulk, for the persistence and reaping
 * tests and the SET/UNSET throughput figures.
 *
 *	pm_reg [-p port] [-w ms] [-r tries] [-m maxfail] set FIRST COUNT [PORT]
 *	pm_reg [-p port] ... unset FIRST COUNT
 *	pm_reg [-p port] ... [-n passes] getport FIRST COUNT [PORT]
 *	pm_reg [-p port] ... check			(lines "PROG PORT" on stdin)
 *	pm_reg [-p port] ... churn FIRST OPS
 *
 * Every call goes over UDP to 127.0.0.1 from a reserved port (so SET and
 * UNSET come from the superuser), one at a time: a call is sent again
 * after -w ms (200) without a reply, up to -r times (5), then counted as
 * failed; after -m failures in a row (3) the run stops.
 *
 * set	 registers programs FIRST .. FIRST+COUNT-1, version 1, udp, on
 *	 PORT + i (PORT default 20000, wrapping below 65536), and prints
 *	 "PROG PORT" for each SET answered TRUE, flushed at once: what was
 *	 acknowledged is on stdout even if the daemon is killed mid-run.
 * unset removes them.
 * getport / check ask for each and print "found N missing M"; a wrong
 *	 port is missing and named on stderr.  getport -n asks for them all
 *	 again and again, passes times (a bounded lookup load).
 * churn  SET then UNSET of FIRST, OPS calls in all; prints "ops N secs S
 *	 rate R" (calls per second).
 *
 * Exit status: 0 when every call got the answer wanted, 1 when some did
 * not, 2 on a usage or socket error.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PR_PROG		100000u
#define PR_VERS		2u
#define PR_SET		1u
#define PR_UNSET	2u
#define PR_GETPORT	3u
#define PR_UDP		17u

static int		pr_fd = -1;
static uint32_t		pr_xid;
static int		pr_wait_ms = 200, pr_tries = 5, pr_maxfail = 3;
static unsigned long	pr_passes = 1;

static void
pr_usage(void)
{
	fprintf(stderr, "usage: pm_reg [-p port] [-w ms] [-r tries] "
	    "[-m maxfail] [-n passes] set|unset|getport FIRST COUNT [PORT]\n"
	    "       pm_reg [options] check < list\n"
	    "       pm_reg [options] churn FIRST OPS\n");
	exit(2);
}

static unsigned long
pr_num(const char *s, unsigned long max)
{
	unsigned long	 v;
	char		*end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno != 0 || v > max)
		pr_usage();
	return v;
}

static void
pr_put(uint8_t *b, size_t i, uint32_t v)
{
	b[4 * i] = (uint8_t)(v >> 24);
	b[4 * i + 1] = (uint8_t)(v >> 16);
	b[4 * i + 2] = (uint8_t)(v >> 8);
	b[4 * i + 3] = (uint8_t)v;
}

static uint32_t
pr_get(const uint8_t *b, size_t i)
{
	return (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
	    (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
}

/* A socket bound to a free reserved port, connected to the daemon. */
static int
pr_open(uint16_t port)
{
	struct sockaddr_in	sin;
	int			fd, p;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (p = 1023; p >= 600; p--) {
		sin.sin_port = htons((uint16_t)p);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			break;
	}
	if (p < 600) {
		fprintf(stderr, "pm_reg: no reserved port free\n");
		close(fd);
		return -1;
	}
	sin.sin_port = htons(port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * One call: (prog, vers, udp, port) to procedure proc.  The u32 result in
 * *res; 0, or -1 when no valid reply came after every try.
 */
static int
pr_call(uint32_t proc, uint32_t prog, uint32_t vers, uint32_t port,
    uint32_t *res)
{
	uint8_t		req[14 * 4], rep[512];
	struct pollfd	pfd;
	ssize_t		n;
	int		t;

	pr_xid++;
	pr_put(req, 0, pr_xid);
	pr_put(req, 1, 0);		/* CALL */
	pr_put(req, 2, 2);		/* RPC version */
	pr_put(req, 3, PR_PROG);
	pr_put(req, 4, PR_VERS);
	pr_put(req, 5, proc);
	pr_put(req, 6, 0);		/* AUTH_NONE credential */
	pr_put(req, 7, 0);
	pr_put(req, 8, 0);		/* AUTH_NONE verifier */
	pr_put(req, 9, 0);
	pr_put(req, 10, prog);
	pr_put(req, 11, vers);
	pr_put(req, 12, PR_UDP);
	pr_put(req, 13, port);
	for (t = 0; t < pr_tries; t++) {
		if (send(pr_fd, req, sizeof(req), 0) == -1 &&
		    errno != ECONNREFUSED)
			return -1;
		pfd.fd = pr_fd;
		pfd.events = POLLIN;
		while (poll(&pfd, 1, pr_wait_ms) == 1) {
			n = recv(pr_fd, rep, sizeof(rep), 0);
			if (n == -1)
				break;		/* ECONNREFUSED: nobody there */
			/* xid, REPLY, ACCEPTED, verf (2), SUCCESS, result */
			if (n != 7 * 4 || pr_get(rep, 0) != pr_xid ||
			    pr_get(rep, 1) != 1 || pr_get(rep, 2) != 0 ||
			    pr_get(rep, 4) != 0 || pr_get(rep, 5) != 0)
				continue;	/* a late reply, or an error */
			*res = pr_get(rep, 6);
			return 0;
		}
	}
	return -1;
}

static double
pr_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t
pr_port(uint32_t base, uint32_t i)
{
	return 1024 + (base - 1024 + i) % (65536 - 1024);
}

int
main(int argc, char *argv[])
{
	const char	*cmd;
	uint32_t	 first = 0, count = 0, base = 20000, i, res, prog, port;
	unsigned long	 found = 0, missing = 0, fails = 0, run = 0, bad = 0;
	uint16_t	 dport = 111;
	char		 line[128];
	double		 t0, t1;
	int		 ch;

	while ((ch = getopt(argc, argv, "m:n:p:r:w:")) != -1) {
		switch (ch) {
		case 'n':
			pr_passes = pr_num(optarg, 100000000);
			break;
		case 'm':
			pr_maxfail = (int)pr_num(optarg, 1000000);
			break;
		case 'p':
			dport = (uint16_t)pr_num(optarg, 65535);
			break;
		case 'r':
			pr_tries = (int)pr_num(optarg, 1000);
			break;
		case 'w':
			pr_wait_ms = (int)pr_num(optarg, 60000);
			break;
		default:
			pr_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		pr_usage();
	cmd = argv[0];
	if (strcmp(cmd, "check") != 0) {
		if (argc < 3 || argc > 4)
			pr_usage();
		first = (uint32_t)pr_num(argv[1], UINT32_MAX);
		count = (uint32_t)pr_num(argv[2], 100000000);
		if (argc == 4)
			base = (uint32_t)pr_num(argv[3], 65535);
	}
	if ((pr_fd = pr_open(dport)) == -1) {
		perror("pm_reg: socket");
		return 2;
	}
	pr_xid = (uint32_t)getpid() << 16 ^ (uint32_t)time(NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (strcmp(cmd, "set") == 0 || strcmp(cmd, "unset") == 0) {
		int set = cmd[0] == 's';

		for (i = 0; i < count; i++) {
			prog = first + i;
			port = pr_port(base, i);
			if (pr_call(set ? PR_SET : PR_UNSET, prog, 1, set ?
			    port : 0, &res) == -1) {
				fails++;
				if (++run >= (unsigned long)pr_maxfail)
					break;
				continue;
			}
			run = 0;
			if (res != 1) {
				bad++;
				continue;
			}
			if (set)
				printf("%u %u\n", prog, port);
			found++;
		}
		fprintf(stderr, "pm_reg: %s: %lu TRUE, %lu FALSE, %lu without "
		    "reply\n", cmd, found, bad, fails);
		return found == count ? 0 : 1;
	}
	if (strcmp(cmd, "getport") == 0 || strcmp(cmd, "check") == 0) {
		int fromstdin = cmd[0] == 'c';

		for (i = 0;; i++) {
			if (fromstdin) {
				if (fgets(line, sizeof(line), stdin) == NULL)
					break;
				if (sscanf(line, "%u %u", &prog, &port) != 2)
					continue;
			} else {
				if (i >= count * pr_passes)
					break;
				prog = first + i % count;
				port = pr_port(base, i % count);
			}
			if (pr_call(PR_GETPORT, prog, 1, 0, &res) == -1) {
				fails++;
				if (++run >= (unsigned long)pr_maxfail)
					break;
				missing++;
				continue;
			}
			run = 0;
			if (res == port)
				found++;
			else {
				if (missing < 5)
					fprintf(stderr, "pm_reg: %u: port %u, "
					    "wanted %u\n", prog, res, port);
				missing++;
			}
		}
		printf("found %lu missing %lu\n", found, missing);
		return missing == 0 && fails == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "churn") == 0) {
		t0 = pr_now();
		for (i = 0; i < count; i++) {
			if (pr_call(i % 2 == 0 ? PR_SET : PR_UNSET, first, 1,
			    i % 2 == 0 ? 4000 : 0, &res) == -1) {
				fails++;
				if (++run >= (unsigned long)pr_maxfail)
					break;
				continue;
			}
			run = 0;
			if (res != 1)
				bad++;
		}
		t1 = pr_now();
		printf("ops %u secs %.3f rate %.0f\n", i, t1 - t0,
		    t1 > t0 ? i / (t1 - t0) : 0.0);
		if (bad || fails)
			fprintf(stderr, "pm_reg: churn: %lu FALSE, %lu without "
			    "reply\n", bad, fails);
		return bad == 0 && fails == 0 ? 0 : 1;
	}
	pr_usage();
	return 2;
}
