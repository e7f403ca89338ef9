/*
 * procnet.c - read the kernel's socket tables (see procnet.h).
 *
 * A line of /proc/net/tcp (udp, tcp6 and udp6 are alike) reads
 *
 *    sl  local_address rem_address   st tx_queue rx_queue tr tm->when ...
 *     0: 0100007F:006F 00000000:0000 0A 00000000:00000000 00:00000000 ...
 *                uid  timeout inode
 *   ... 00000000     0        0 20413 1 ...
 *
 * The address is the in-memory (network order) address printed as one
 * (IPv4) or four (IPv6) native 32-bit words in hex; the port is printed in
 * host order.  Fields are separated by runs of blanks; the inode is the
 * tenth field.  A line of /proc/net/unix reads
 *
 *   Num       RefCount Protocol Flags    Type St Inode Path
 *   000000009b3b32ec: 00000002 00000000 00010000 0001 01 20422 /run/x.sock
 *
 * with the path (if bound; '@' first for an abstract name) last, printed
 * raw, so it may contain blanks: it is the rest of the line.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procnet.h"

#define PN_LINE_MAX	1024
#define PN_FIELDS	10

/* Split at blanks into at most max fields; returns the count. */
static int
pn_split(const char *line, const char **f, size_t *flen, int max)
{
	const char *p = line;
	int n = 0;

	while (n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '\n')
			break;
		f[n] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		flen[n] = (size_t)(p - f[n]);
		n++;
	}
	return n;
}

static int
pn_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly len hex digits into *v. */
static int
pn_hex(const char *s, size_t len, uint64_t *v)
{
	size_t i;
	int d;

	if (len == 0 || len > 16)
		return -1;
	*v = 0;
	for (i = 0; i < len; i++) {
		if ((d = pn_hexval((unsigned char)s[i])) < 0)
			return -1;
		*v = (*v << 4) | (uint64_t)d;
	}
	return 0;
}

/* A decimal number made of the whole field. */
static int
pn_dec(const char *s, size_t len, uint64_t *v)
{
	size_t i;

	if (len == 0 || len > 19)
		return -1;
	*v = 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return 0;
}

int
procnet_parse(const char *line, int proto, int family, struct procnet_sock *ps)
{
	const char *f[PN_FIELDS];
	size_t flen[PN_FIELDS], alen, i;
	uint64_t v;
	uint32_t w;

	memset(ps, 0, sizeof(*ps));
	if (proto != PROCNET_TCP && proto != PROCNET_UDP)
		return -1;
	if (family == AF_INET)
		alen = 8;
	else if (family == AF_INET6)
		alen = 32;
	else
		return -1;
	if (pn_split(line, f, flen, PN_FIELDS) != PN_FIELDS)
		return -1;
	/* "N:" */
	if (flen[0] < 2 || f[0][flen[0] - 1] != ':' ||
	    pn_dec(f[0], flen[0] - 1, &v) == -1)
		return -1;
	/* local address "ADDR:PORT" */
	if (flen[1] != alen + 5 || f[1][alen] != ':')
		return -1;
	for (i = 0; i < alen / 8; i++) {
		if (pn_hex(f[1] + i * 8, 8, &v) == -1)
			return -1;
		w = (uint32_t)v;
		memcpy(ps->addr + i * 4, &w, 4);	/* native word = memory order */
	}
	if (pn_hex(f[1] + alen + 1, 4, &v) == -1)
		return -1;
	ps->port = (uint16_t)v;
	if (flen[3] != 2 || pn_hex(f[3], 2, &v) == -1)
		return -1;
	ps->state = (uint8_t)v;
	if (pn_dec(f[9], flen[9], &v) == -1)
		return -1;
	ps->inode = v;
	ps->proto = proto;
	ps->family = family;
	return 0;
}

/* Read one line; a longer one is consumed whole and reported too long. */
static int
pn_getline(FILE *fp, char *buf, size_t bufsz, int *toolong)
{
	size_t len;
	int c;

	*toolong = 0;
	if (fgets(buf, (int)bufsz, fp) == NULL)
		return -1;
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == '\n') {
		buf[len - 1] = '\0';
		return 0;
	}
	if (feof(fp))
		return 0;
	*toolong = 1;
	while ((c = getc(fp)) != EOF && c != '\n')
		;
	return 0;
}

static FILE *
pn_open(const char *netdir, const char *name)
{
	char path[4096];
	int n;

	n = snprintf(path, sizeof(path), "%s/%s", netdir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return fopen(path, "re");
}

int
procnet_read(const char *netdir, int proto, int family, procnet_fn fn,
    void *arg)
{
	struct procnet_sock ps;
	char line[PN_LINE_MAX];
	const char *name;
	FILE *fp;
	int n = 0, toolong;

	if (proto == PROCNET_TCP)
		name = family == AF_INET6 ? "tcp6" : "tcp";
	else
		name = family == AF_INET6 ? "udp6" : "udp";
	if ((fp = pn_open(netdir, name)) == NULL)
		return -1;
	while (pn_getline(fp, line, sizeof(line), &toolong) == 0) {
		if (toolong || procnet_parse(line, proto, family, &ps) == -1)
			continue;
		n++;
		if (fn != NULL && fn(arg, &ps) != 0)
			break;
	}
	fclose(fp);
	return n;
}

int
procnet_read_unix(const char *netdir, procnet_unix_fn fn, void *arg)
{
	const char *f[7];
	size_t flen[7];
	char line[PN_LINE_MAX];
	const char *path;
	uint64_t inode;
	FILE *fp;
	int n = 0, toolong;

	if ((fp = pn_open(netdir, "unix")) == NULL)
		return -1;
	while (pn_getline(fp, line, sizeof(line), &toolong) == 0) {
		if (toolong || pn_split(line, f, flen, 7) != 7)
			continue;
		if (flen[0] < 2 || f[0][flen[0] - 1] != ':' ||
		    pn_dec(f[6], flen[6], &inode) == -1)
			continue;
		path = f[6] + flen[6];
		if (*path != ' ')
			continue;	/* not bound to a name */
		path++;
		if (*path == '\0')
			continue;
		n++;
		if (fn != NULL && fn(arg, inode, path) != 0)
			break;
	}
	fclose(fp);
	return n;
}

/* ---- NETLINK_SOCK_DIAG ---- */

#define PN_DIAG_WAIT_MS		1000	/* a blocking step waits this long */
#define PN_TCP_LISTEN_BIT	(1u << PROCNET_TCP_LISTEN)

/* The four dumps, in order. */
static const struct {
	int	proto, family;
} pn_tables[4] = {
	{ PROCNET_TCP, AF_INET }, { PROCNET_TCP, AF_INET6 },
	{ PROCNET_UDP, AF_INET }, { PROCNET_UDP, AF_INET6 },
};

void
procnet_diag_init(struct procnet_diag *d)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->table = 4;
}

void
procnet_diag_close(struct procnet_diag *d)
{
	if (d->fd != -1)
		close(d->fd);
	d->fd = -1;
	d->table = 4;
}

/* Ask for table d->table. */
static int
pn_diag_request(struct procnet_diag *d)
{
	struct {
		struct nlmsghdr		nh;
		struct inet_diag_req_v2	r;
	} req;
	struct sockaddr_nl	nl;
	ssize_t			n;

	memset(&req, 0, sizeof(req));
	memset(&nl, 0, sizeof(nl));
	nl.nl_family = AF_NETLINK;
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = ++d->seq;
	req.r.sdiag_family = (uint8_t)pn_tables[d->table].family;
	if (pn_tables[d->table].proto == PROCNET_TCP) {
		req.r.sdiag_protocol = IPPROTO_TCP;
		req.r.idiag_states = PN_TCP_LISTEN_BIT;
	} else {
		req.r.sdiag_protocol = IPPROTO_UDP;
		req.r.idiag_states = UINT32_MAX;
	}
	do
		n = sendto(d->fd, &req, sizeof(req), 0, (struct sockaddr *)&nl,
		    sizeof(nl));
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof(req)) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

int
procnet_diag_start(struct procnet_diag *d)
{
	if (d->fd == -1 && (d->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, NETLINK_SOCK_DIAG)) == -1)
		return -1;
	d->table = 0;
	if (pn_diag_request(d) == -1) {
		procnet_diag_close(d);
		return -1;
	}
	return 0;
}

/* One inet_diag_msg as a procnet_sock. */
static void
pn_diag_sock(const struct inet_diag_msg *m, int proto, struct procnet_sock *ps)
{
	memset(ps, 0, sizeof(*ps));
	ps->proto = proto;
	ps->family = m->idiag_family;
	memcpy(ps->addr, m->id.idiag_src, m->idiag_family == AF_INET6 ? 16 : 4);
	ps->port = ntohs(m->id.idiag_sport);
	ps->state = m->idiag_state;
	ps->inode = m->idiag_inode;
}

int
procnet_diag_step(struct procnet_diag *d, void *buf, int block,
    procnet_fn fn, void *arg)
{
	const struct nlmsghdr	*h;
	const struct nlmsgerr	*err;
	struct procnet_sock	 ps;
	ssize_t			 n;
	size_t			 left;
	struct pollfd		 pfd;
	int			 end = 0, proto, stop = 0;

	if (d->fd == -1 || d->table >= 4) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		n = recv(d->fd, buf, PROCNET_DIAG_BUF, MSG_DONTWAIT);
		if (n != -1)
			break;
		if (errno == EINTR)
			continue;
		/* the kernel makes each chunk as the last is taken: rare */
		if (errno == EAGAIN && block) {
			pfd.fd = d->fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, PN_DIAG_WAIT_MS) == 1)
				continue;
			errno = ETIMEDOUT;
		}
		break;
	}
	if (n == -1) {
		if (errno == EAGAIN && !block)
			return 0;
		procnet_diag_close(d);
		return -1;
	}
	proto = pn_tables[d->table].proto;
	left = (size_t)n;
	for (h = buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
		if (h->nlmsg_seq != d->seq)
			continue;	/* left over from an abandoned dump */
		if (h->nlmsg_type == NLMSG_DONE) {
			end = 1;
			break;
		}
		if (h->nlmsg_type == NLMSG_ERROR) {
			err = NLMSG_DATA(h);
			/* no such table (a kernel without IPv6): empty */
			if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(*err)) &&
			    pn_tables[d->table].family == AF_INET6 &&
			    (err->error == -ENOENT || err->error == -EAFNOSUPPORT)) {
				end = 1;
				break;
			}
			procnet_diag_close(d);
			errno = h->nlmsg_len >= NLMSG_LENGTH(sizeof(*err)) &&
			    err->error < 0 ? -err->error : EIO;
			return -1;
		}
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
			continue;
		pn_diag_sock(NLMSG_DATA(h), proto, &ps);
		if (proto == PROCNET_TCP && ps.state != PROCNET_TCP_LISTEN)
			continue;
		if (!stop && fn != NULL && fn(arg, &ps) != 0)
			stop = 1;
	}
	if (!end)
		return 0;
	if (++d->table >= 4)
		return 1;
	if (pn_diag_request(d) == -1) {
		procnet_diag_close(d);
		return -1;
	}
	return 0;
}
