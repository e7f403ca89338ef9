/*
 * fake_server - a port mapper that lies, for testing rpcinfo, pmap_dump
 * and pmap_set against hostile replies.
 *
 *	fake_server [-m MODE] [-p PORT] [-S PATH] [-L SECONDS]
 *
 * Listens on UDP and TCP PORT (default 111) of 0.0.0.0, and on the
 * AF_LOCAL stream socket PATH if given, and answers every call of every
 * program and version the way MODE says:
 *
 *	ok	 well-formed answers: NULL, v2 DUMP/GETPORT/SET/UNSET/CALLIT,
 *		 v3/v4 DUMP/GETADDR/UNSET/CALLIT, v4 GETADDRLIST/GETSTAT; any
 *		 other program answers NULL at versions 1 and 2, and
 *		 PROG_MISMATCH (1, 2) at others (a service for -n and -a tests)
 *	strlen	 a string declared 0xffffffff bytes long
 *	bool	 a list "more" flag of 0xffffffff
 *	many	 a valid list of 200,000 entries (streams; UDP gets ok)
 *	endless	 streams: fragments of valid entries that never end (stops
 *		 after 256 MiB or when the client goes)
 *	bigfrag	 streams: one fragment declared 0x7fffffff bytes, then entries
 *	ctrl	 entries whose strings hold escape sequences, control
 *		 characters and bytes that are not UTF-8
 *	long	 entries whose strings are 60,000 bytes long
 *	trunc	 a reply cut in the middle of an entry
 *	garbage	 the right xid followed by bytes that are no RPC reply
 *	stray	 first a reply with another xid (and a runt datagram), then
 *		 the real one
 *	frags	 a valid reply of 10,000 entries in 7-byte fragments
 *	silent	 never answers
 *	mismatch every call: PROG_MISMATCH, versions 0 to 0xffffffff
 *	stats	 GETSTAT with lists of 200,000 entries and extreme counts
 *	wiseguy	 like ok, but every version of every program answers NULL
 *
 * Exits after SECONDS (default 120), or on SIGTERM.  Prints "ready" once
 * it listens.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pmap_prot.h"
#include "rpcmsg.h"
#include "xdr.h"

enum fs_mode {
	FS_OK, FS_STRLEN, FS_BOOL, FS_MANY, FS_ENDLESS, FS_BIGFRAG, FS_CTRL,
	FS_LONG, FS_TRUNC, FS_GARBAGE, FS_STRAY, FS_FRAGS, FS_SILENT,
	FS_MISMATCH, FS_STATS, FS_WISEGUY
};

static const char *const fs_modes[] = {
	"ok", "strlen", "bool", "many", "endless", "bigfrag", "ctrl", "long",
	"trunc", "garbage", "stray", "frags", "silent", "mismatch", "stats",
	"wiseguy"
};

static enum fs_mode	fs_mode;
static volatile sig_atomic_t fs_stop;
static uint16_t		fs_port = PMAP_PORT;

#define FS_REPLY_MAX	(64u << 20)

static void
fs_onsig(int sig)
{
	(void)sig;
	fs_stop = 1;
}

static void
fs_str(struct xdr_enc *e, const char *ok)
{
	static char	big[60001];

	switch (fs_mode) {
	case FS_CTRL:
		xdr_put_stringn(e, "\x1b[2J\x1b]0;owned\x07\r\n\xff\xfe\xc3(\t",
		    17);
		break;
	case FS_LONG:
		if (big[0] == '\0')
			memset(big, 'A', sizeof(big) - 1);
		xdr_put_string(e, big);
		break;
	default:
		xdr_put_string(e, ok);
		break;
	}
}

/* The number of list entries a mode asks for. */
static unsigned
fs_count(int stream)
{
	switch (fs_mode) {
	case FS_MANY:
	case FS_STATS:
		return stream ? 200000 : 3;
	case FS_FRAGS:
		return stream ? 10000 : 3;
	default:
		return 3;
	}
}

static void
fs_more(struct xdr_enc *e)
{
	xdr_put_u32(e, fs_mode == FS_BOOL ? 0xffffffffu : 1);
}

static void
fs_pmaplist(struct xdr_enc *e, unsigned n)
{
	unsigned	i;

	for (i = 0; i < n; i++) {
		fs_more(e);
		xdr_put_u32(e, 300000 + i);
		xdr_put_u32(e, 1);
		xdr_put_u32(e, i & 1 ? IPPROTO_TCP_NUM : IPPROTO_UDP_NUM);
		xdr_put_u32(e, 4000 + (i % 1000));
		if (fs_mode == FS_TRUNC && i == 1)
			return;
	}
	xdr_put_u32(e, 0);
}

static void
fs_rpcblist(struct xdr_enc *e, unsigned n)
{
	unsigned	i;

	for (i = 0; i < n; i++) {
		fs_more(e);
		xdr_put_u32(e, 300000 + i);
		xdr_put_u32(e, 1);
		if (fs_mode == FS_STRLEN) {
			xdr_put_u32(e, 0xffffffffu);
			return;
		}
		fs_str(e, "udp");
		if (fs_mode == FS_TRUNC && i == 1)
			return;
		fs_str(e, "127.0.0.1.15.160");
		fs_str(e, "superuser");
	}
	xdr_put_u32(e, 0);
}

static void
fs_entrylist(struct xdr_enc *e, unsigned n)
{
	unsigned	i;

	for (i = 0; i < n; i++) {
		fs_more(e);
		if (fs_mode == FS_STRLEN) {
			xdr_put_u32(e, 0xffffffffu);
			return;
		}
		fs_str(e, "127.0.0.1.15.160");
		fs_str(e, "udp");
		xdr_put_u32(e, 1);
		if (fs_mode == FS_TRUNC && i == 1)
			return;
		fs_str(e, "inet");
		fs_str(e, "udp");
	}
	xdr_put_u32(e, 0);
}

static void
fs_stats(struct xdr_enc *e, unsigned n)
{
	unsigned	v, i;

	for (v = 0; v < 3; v++) {
		for (i = 0; i < RPCBSTAT_HIGHPROC; i++)
			xdr_put_u32(e, fs_mode == FS_STATS ? 0x7fffffffu : i);
		xdr_put_u32(e, fs_mode == FS_STATS ? 0x80000000u : 1);
		xdr_put_u32(e, 2);
		for (i = 0; i < n; i++) {	/* lookups */
			fs_more(e);
			xdr_put_u32(e, 100000 + i);
			xdr_put_u32(e, 2);
			xdr_put_u32(e, fs_mode == FS_STATS ? 0x7fffffffu : 1);
			xdr_put_u32(e, 0);
			if (fs_mode == FS_STRLEN) {
				xdr_put_u32(e, 0xffffffffu);
				return;
			}
			fs_str(e, "udp");
			if (fs_mode == FS_TRUNC && i == 1)
				return;
		}
		xdr_put_u32(e, 0);
		for (i = 0; i < n; i++) {	/* remote calls */
			fs_more(e);
			xdr_put_u32(e, 100000 + i);
			xdr_put_u32(e, 2);
			xdr_put_u32(e, 0);
			xdr_put_u32(e, 1);
			xdr_put_u32(e, 0);
			xdr_put_u32(e, 0);
			fs_str(e, "udp");
		}
		xdr_put_u32(e, 0);
	}
}

/* The results of call c (after the reply header). */
static void
fs_results(struct xdr_enc *e, const struct rpc_call *c, int stream)
{
	unsigned	n = fs_count(stream);
	char		ua[64];

	if (c->prog != PMAP_PROG || c->proc == 0)
		return;
	switch (c->proc) {
	case PMAPPROC_SET:
	case PMAPPROC_UNSET:
		xdr_put_u32(e, fs_mode == FS_BOOL ? 0xffffffffu : 1);
		break;
	case PMAPPROC_GETPORT:	/* = RPCBPROC_GETADDR */
		if (c->vers == PMAP_VERS)
			xdr_put_u32(e, fs_mode == FS_STRLEN ? 0xffffffffu :
			    fs_port);
		else if (fs_mode == FS_STRLEN)
			xdr_put_u32(e, 0xfffffff0u);
		else {
			snprintf(ua, sizeof(ua), "127.0.0.1.%u.%u",
			    fs_port >> 8, fs_port & 0xff);
			fs_str(e, ua);
		}
		break;
	case PMAPPROC_DUMP:
		if (c->vers == PMAP_VERS)
			fs_pmaplist(e, n);
		else
			fs_rpcblist(e, n);
		break;
	case PMAPPROC_CALLIT:
		if (c->vers == PMAP_VERS)
			xdr_put_u32(e, 4000);
		else
			fs_str(e, "10.9.9.1.15.160");
		xdr_put_u32(e, 0);	/* results: none */
		break;
	case RPCBPROC_GETADDRLIST:
		fs_entrylist(e, n);
		break;
	case RPCBPROC_GETSTAT:
		fs_stats(e, n);
		break;
	default:
		break;
	}
}

/* The whole reply to call c, or 0 bytes for silence. */
static void
fs_reply(struct xdr_enc *e, const struct rpc_call *c, int stream)
{
	if (fs_mode == FS_SILENT)
		return;
	if (fs_mode == FS_MISMATCH) {
		rpcmsg_reply_prog_mismatch(e, c->xid, 0, 0xffffffffu);
		return;
	}
	if (c->prog != PMAP_PROG && fs_mode != FS_WISEGUY &&
	    (c->vers < 1 || c->vers > 2)) {
		rpcmsg_reply_prog_mismatch(e, c->xid, 1, 2);
		return;
	}
	if (fs_mode == FS_GARBAGE) {
		static const char junk[] = "\x00\x00\x00\x07 not an RPC reply";

		xdr_put_u32(e, c->xid);
		xdr_put_fixed(e, junk, sizeof(junk) - 1);
		return;
	}
	rpcmsg_reply_success(e, c->xid);
	fs_results(e, c, stream);
}

/* Write all of buf to a stream socket; -1 when the peer is gone. */
static int
fs_write(int fd, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A record in fragments of fragsz bytes, sent with one write. */
static int
fs_record(int fd, const uint8_t *buf, size_t len, size_t fragsz)
{
	struct xdr_enc	e;
	size_t		off = 0, k;
	uint8_t		*h;
	int		rc;

	xdr_enc_init_grow(&e, FS_REPLY_MAX * 2);
	do {
		k = len - off < fragsz ? len - off : fragsz;
		if ((h = xdr_reserve(&e, 4)) != NULL)
			rm_put_header(h, (uint32_t)k, off + k == len);
		if ((h = xdr_reserve(&e, k)) != NULL)
			memcpy(h, buf + off, k);
		off += k;
	} while (off < len);
	rc = e.err ? -1 : fs_write(fd, e.buf, e.len);
	xdr_enc_free(&e);
	return rc;
}

/* Fragments of entries that never end (bounded: 256 MiB). */
static void
fs_endless(int fd, const struct rpc_call *c, int onefrag)
{
	struct xdr_enc	e;
	uint8_t		hdr[4];
	size_t		sent = 0;

	xdr_enc_init_grow(&e, 1 << 20);
	rpcmsg_reply_success(&e, c->xid);
	if (onefrag) {
		rm_put_header(hdr, 0x7fffffffu, 1);
		if (fs_write(fd, hdr, 4) == -1)
			goto out;
	}
	while (sent < (256u << 20) && !fs_stop) {
		if (!onefrag) {
			rm_put_header(hdr, (uint32_t)e.len, 0);
			if (fs_write(fd, hdr, 4) == -1)
				break;
		}
		if (fs_write(fd, e.buf, e.len) == -1)
			break;
		sent += e.len;
		xdr_enc_reset(&e);
		fs_pmaplist(&e, 2000);
		e.len -= 4;	/* drop the end of list: the list goes on */
	}
out:
	xdr_enc_free(&e);
}

static void
fs_serve_stream(int fd)
{
	struct rm_reader r;
	struct xdr_dec	 d;
	struct xdr_enc	 e;
	struct rpc_call	 c;
	uint8_t		 buf[4096];
	size_t		 used, off;
	ssize_t		 n;
	enum rm_status	 st;

	rm_init(&r, PM_REQUEST_MAX, 16);
	while (!fs_stop) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (off = 0; off < (size_t)n; off += used) {
			st = rm_feed(&r, buf + off, (size_t)n - off, &used);
			if (st == RM_TOOBIG)
				goto done;
			if (st == RM_MORE)
				break;
			xdr_dec_init(&d, r.rec, r.len);
			if (rpcmsg_decode_call(&d, &c) != RPCMSG_OK) {
				rm_next(&r);
				continue;
			}
			rm_next(&r);
			if (fs_mode == FS_ENDLESS || fs_mode == FS_BIGFRAG) {
				if (c.proc == 0)
					goto plain;
				fs_endless(fd, &c, fs_mode == FS_BIGFRAG);
				goto done;
			}
plain:
			xdr_enc_init_grow(&e, FS_REPLY_MAX);
			if (fs_mode == FS_STRAY) {
				rpcmsg_reply_success(&e, c.xid + 1);
				fs_results(&e, &c, 1);
				(void)fs_record(fd, e.buf, e.len, e.len + 1);
				xdr_enc_reset(&e);
			}
			fs_reply(&e, &c, 1);
			if (e.len > 0 && fs_record(fd, e.buf, e.len,
			    fs_mode == FS_FRAGS ? 7 : e.len + 1) == -1) {
				xdr_enc_free(&e);
				goto done;
			}
			xdr_enc_free(&e);
		}
	}
done:
	rm_release(&r);
}

static void
fs_serve_udp(int fd)
{
	struct sockaddr_storage	ss;
	socklen_t		sl = sizeof(ss);
	struct xdr_dec		d;
	struct xdr_enc		e;
	struct rpc_call		c;
	uint8_t			buf[9000];
	ssize_t			n;

	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &sl);
	if (n <= 0)
		return;
	xdr_dec_init(&d, buf, (size_t)n);
	if (rpcmsg_decode_call(&d, &c) != RPCMSG_OK)
		return;
	xdr_enc_init_grow(&e, 65000);
	if (fs_mode == FS_STRAY) {
		(void)sendto(fd, "\1\2", 2, 0, (struct sockaddr *)&ss, sl);
		rpcmsg_reply_success(&e, c.xid ^ 0x5a5a5a5au);
		(void)sendto(fd, e.buf, e.len, 0, (struct sockaddr *)&ss, sl);
		xdr_enc_reset(&e);
	}
	fs_reply(&e, &c, 0);
	if (e.len > 0 && !e.err)
		(void)sendto(fd, e.buf, e.len, 0, (struct sockaddr *)&ss, sl);
	xdr_enc_free(&e);
}

static int
fs_listen_ip(int type)
{
	struct sockaddr_in	sin;
	int			fd, on = 1;

	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(fs_port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    (type == SOCK_STREAM && listen(fd, 16) == -1)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
fs_listen_local(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_LOCAL;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -1;
	strcpy(sun.sun_path, path);
	unlink(path);
	fd = socket(AF_LOCAL, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, 16) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void __attribute__((noreturn))
fs_usage(void)
{
	fprintf(stderr, "usage: fake_server [-m mode] [-p port] [-S path] "
	    "[-L seconds]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct pollfd	 pfd[3];
	const char	*path = NULL;
	time_t		 end;
	long		 life = 120;
	size_t		 i;
	int		 ch, n, fd;

	while ((ch = getopt(argc, argv, "m:p:S:L:")) != -1) {
		switch (ch) {
		case 'm':
			for (i = 0; i < sizeof(fs_modes) / sizeof(fs_modes[0]);
			    i++)
				if (strcmp(optarg, fs_modes[i]) == 0)
					break;
			if (i == sizeof(fs_modes) / sizeof(fs_modes[0]))
				fs_usage();
			fs_mode = (enum fs_mode)i;
			break;
		case 'p':
			fs_port = (uint16_t)atoi(optarg);
			break;
		case 'S':
			path = optarg;
			break;
		case 'L':
			life = atol(optarg);
			break;
		default:
			fs_usage();
		}
	}
	signal(SIGTERM, fs_onsig);
	signal(SIGINT, fs_onsig);
	signal(SIGPIPE, SIG_IGN);
	pfd[0].fd = fs_listen_ip(SOCK_DGRAM);
	pfd[1].fd = fs_listen_ip(SOCK_STREAM);
	pfd[2].fd = path ? fs_listen_local(path) : -1;
	if (pfd[0].fd == -1 || pfd[1].fd == -1 || (path && pfd[2].fd == -1)) {
		perror("fake_server: listen");
		return 1;
	}
	for (i = 0; i < 3; i++)
		pfd[i].events = POLLIN;
	printf("ready\n");
	fflush(stdout);
	end = time(NULL) + life;
	while (!fs_stop && time(NULL) < end) {
		n = poll(pfd, 3, 500);
		if (n <= 0)
			continue;
		if (pfd[0].revents & POLLIN)
			fs_serve_udp(pfd[0].fd);
		for (i = 1; i < 3; i++) {
			if (pfd[i].fd == -1 || !(pfd[i].revents & POLLIN))
				continue;
			fd = accept4(pfd[i].fd, NULL, NULL, SOCK_CLOEXEC);
			if (fd == -1)
				continue;
			fs_serve_stream(fd);
			close(fd);
		}
	}
	if (path)
		unlink(path);
	return 0;
}
