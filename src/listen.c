/*
 * listen.c - open the listening sockets, all non-blocking and
 * close-on-exec.  Numeric addresses only: no name service here.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "portuse.h"
#include "transport.h"

/*
 * Connections the kernel completes for us before we accept them (it
 * clamps this to net.core.somaxconn).  Under a connection flood a short
 * queue drops the SYNs of honest clients, who then wait 1, 3, 7 s for
 * their retries; a long one keeps them queued while the daemon accepts
 * (and evicts) at its own pace.
 */
#define LISTEN_BACKLOG	4096

struct listen_addr {
	struct sockaddr_storage	ss;
	socklen_t		len;
	int			implicit;	/* a loopback we add: may be missing */
};

/*
 * The one place a bind failure is reported: li names the socket, sa is
 * the address that could not be bound.  For EADDRINUSE the process
 * holding it is looked up through /proc and named, with what to do.
 */
static int
listen_bind_failed(const struct listener *li, const struct sockaddr *sa,
    int err)
{
	char	msg[512];

	log_warnx("%s", portuse_explain("/proc", xprt_netid(li->xprt), sa, err,
	    msg, sizeof(msg)));
	return LISTEN_ERR_BIND;
}

static int
listen_v6_missing(int err)
{
	return err == EAFNOSUPPORT || err == EPROTONOSUPPORT ||
	    err == EADDRNOTAVAIL;
}

/*
 * The same AF_LOCAL name: an abstract name is all the bytes after the
 * leading NUL, a path stops at its first NUL (getsockname() may count the
 * terminator, our own addresses do not).
 */
static int
listen_unix_eq(const struct sockaddr_un *a, socklen_t alen,
    const struct sockaddr_un *b, socklen_t blen)
{
	size_t	off = offsetof(struct sockaddr_un, sun_path), al, bl;

	if (alen <= off || blen <= off || alen > sizeof(*a) ||
	    blen > sizeof(*b))
		return 0;
	al = alen - off;
	bl = blen - off;
	if (a->sun_path[0] == '\0' || b->sun_path[0] == '\0')
		return al == bl && memcmp(a->sun_path, b->sun_path, al) == 0;
	al = strnlen(a->sun_path, al);
	bl = strnlen(b->sun_path, bl);
	return al == bl && memcmp(a->sun_path, b->sun_path, al) == 0;
}

/* Same bound address: family, address, port (IP) or path (AF_LOCAL). */
static int
listen_addr_eq(const struct sockaddr_storage *a, socklen_t alen,
    const struct sockaddr *b, socklen_t blen)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;

	if (a->ss_family != b->sa_family)
		return 0;
	switch (b->sa_family) {
	case AF_INET:
		a4 = (const struct sockaddr_in *)a;
		b4 = (const struct sockaddr_in *)(const void *)b;
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	case AF_INET6:
		a6 = (const struct sockaddr_in6 *)a;
		b6 = (const struct sockaddr_in6 *)(const void *)b;
		return a6->sin6_port == b6->sin6_port &&
		    a6->sin6_scope_id == b6->sin6_scope_id &&
		    memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
	case AF_UNIX:
		return listen_unix_eq((const struct sockaddr_un *)a, alen,
		    (const struct sockaddr_un *)(const void *)b, blen);
	default:
		return 0;
	}
}

/*
 * Socket activation: take the passed socket of this family, type and
 * address, if there is one.  1 when li now holds it.
 */
static int
listen_take(const struct listen_cfg *cfg, struct listener *li, int fam,
    int stream, const struct sockaddr *sa, socklen_t len)
{
	struct listener	*p;
	size_t		 i;

	for (i = 0; i < cfg->npassed; i++) {
		p = &cfg->passed[i];
		if (p->fd == -1 || p->family != fam || p->stream != stream ||
		    !listen_addr_eq(&p->addr, p->addrlen, sa, len))
			continue;
		*li = *p;
		li->unlink_path = 0;	/* the service manager's file */
		p->fd = -1;
		log_debug("%s: passed by the service manager%s", li->name,
		    li->dualstack ? " (dual-stack: IPv4 too)" : "");
		return 1;
	}
	return 0;
}

/* Is a passed dual-stack socket of this type one we want (cover IPv4)? */
static int
listen_dual(const struct listen_cfg *cfg, const struct listen_addr *addrs,
    size_t na, int stream)
{
	const struct listener	*p;
	size_t			 i, j;

	for (i = 0; i < cfg->npassed; i++) {
		p = &cfg->passed[i];
		if (p->fd == -1 || !p->dualstack || p->family != AF_INET6 ||
		    p->stream != stream)
			continue;
		for (j = 0; j < na; j++)
			if (listen_addr_eq(&p->addr, p->addrlen,
			    (const struct sockaddr *)&addrs[j].ss, addrs[j].len))
				return 1;
	}
	return 0;
}

/* Close the passed sockets nobody took. */
static void
listen_unused(const struct listen_cfg *cfg)
{
	size_t	i;

	for (i = 0; i < cfg->npassed; i++) {
		if (cfg->passed[i].fd == -1)
			continue;
		log_warnx("%s: passed by the service manager but not one we "
		    "serve: closed", cfg->passed[i].name);
		close(cfg->passed[i].fd);
		cfg->passed[i].fd = -1;
	}
}

static void
listen_name(struct listener *li, const struct sockaddr *sa, socklen_t len)
{
	char	a[128];

	snprintf(li->name, sizeof(li->name), "%s %s", xprt_netid(li->xprt),
	    log_sockaddr(sa, len, a, sizeof(a)));
}

/*
 * One IP socket.  Returns 0, 1 when IPv6 is missing and missing6_ok,
 * or LISTEN_ERR_*.
 */
static int
listen_ip(const struct listen_cfg *cfg, struct listener *li,
    const struct listen_addr *la, int stream, int missing6_ok)
{
	int	fd, on = 1, fam = la->ss.ss_family, err;

	memset(li, 0, sizeof(*li));
	li->fd = -1;
	li->family = fam;
	li->stream = stream;
	if (fam == AF_INET6)
		li->xprt = stream ? XPRT_TCP6 : XPRT_UDP6;
	else
		li->xprt = stream ? XPRT_TCP : XPRT_UDP;
	listen_name(li, (const struct sockaddr *)&la->ss, la->len);
	if (listen_take(cfg, li, fam, stream, (const struct sockaddr *)&la->ss,
	    la->len))
		return 0;

	fd = socket(fam, (stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1) {
		err = errno;
		if (fam == AF_INET6 && missing6_ok && listen_v6_missing(err)) {
			log_warnx("IPv6 unavailable (%s): not serving %s",
			    strerror(err), li->name);
			return 1;
		}
		log_warn("%s: socket", li->name);
		return LISTEN_ERR_OTHER;
	}
	if (stream && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
	    sizeof(on)) == -1)
		goto other;
	if (fam == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
	    sizeof(on)) == -1)
		goto other;
	if (bind(fd, (const struct sockaddr *)&la->ss, la->len) == -1) {
		err = errno;
		close(fd);
		if (fam == AF_INET6 && missing6_ok && listen_v6_missing(err)) {
			log_warnx("IPv6 unavailable (%s): not serving %s",
			    strerror(err), li->name);
			return 1;
		}
		return listen_bind_failed(li,
		    (const struct sockaddr *)&la->ss, err);
	}
	if (stream && listen(fd, LISTEN_BACKLOG) == -1)
		goto other;
	li->fd = fd;
	return 0;
other:
	log_warn("%s", li->name);
	close(fd);
	return LISTEN_ERR_OTHER;
}

/* Is a socket file at path stale (nobody accepts on it)? */
static int
listen_stale(const char *path, const struct sockaddr_un *sun, socklen_t len)
{
	struct stat	st;
	int		fd, stale;

	if (lstat(path, &st) == -1 || !S_ISSOCK(st.st_mode))
		return 0;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return 0;
	stale = connect(fd, (const struct sockaddr *)sun, len) == -1 &&
	    errno == ECONNREFUSED;
	close(fd);
	return stale;
}

/* The AF_LOCAL stream socket at path, or at "\0" path when abstract. */
static int
listen_local(const struct listen_cfg *cfg, struct listener *li,
    const char *path, int abstract)
{
	struct sockaddr_un	sun;
	socklen_t		len;
	size_t			plen = strlen(path);
	int			fd, err;

	memset(li, 0, sizeof(*li));
	li->fd = -1;
	li->family = AF_LOCAL;
	li->stream = 1;
	li->xprt = XPRT_LOCAL;
	snprintf(li->name, sizeof(li->name), "local %s%s", abstract ? "@" : "",
	    path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (plen == 0 || plen + 1 > sizeof(sun.sun_path)) {
		log_warnx("%s: path too long", li->name);
		return LISTEN_ERR_OTHER;
	}
	memcpy(sun.sun_path + (abstract ? 1 : 0), path, plen);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen +
	    (abstract ? 1 : 0));
	if (!abstract)
		snprintf(li->path, sizeof(li->path), "%s", path);
	if (listen_take(cfg, li, AF_LOCAL, 1, (struct sockaddr *)&sun, len))
		return 0;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("%s: socket", li->name);
		return LISTEN_ERR_OTHER;
	}
	if (!abstract && listen_stale(path, &sun, len)) {
		log_info("removing stale socket %s", path);
		(void)unlink(path);
	}
	if (bind(fd, (struct sockaddr *)&sun, len) == -1) {
		err = errno;
		close(fd);
		return listen_bind_failed(li, (struct sockaddr *)&sun, err);
	}
	if (!abstract) {
		li->unlink_path = 1;
		if (chmod(path, 0666) == -1)
			log_warn("%s: chmod", li->name);
	}
	if (listen(fd, LISTEN_BACKLOG) == -1) {
		log_warn("%s: listen", li->name);
		close(fd);
		if (li->unlink_path)
			(void)unlink(path);
		return LISTEN_ERR_OTHER;
	}
	li->fd = fd;
	return 0;
}

static int
listen_parse(const char *host, uint16_t port, struct listen_addr *la)
{
	struct addrinfo	 hints, *res;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL)
		return -1;
	if ((res->ai_family != AF_INET && res->ai_family != AF_INET6) ||
	    res->ai_addrlen > sizeof(la->ss)) {
		freeaddrinfo(res);
		return -1;
	}
	memset(la, 0, sizeof(*la));
	memcpy(&la->ss, res->ai_addr, res->ai_addrlen);
	la->len = res->ai_addrlen;
	freeaddrinfo(res);
	if (la->ss.ss_family == AF_INET)
		((struct sockaddr_in *)&la->ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&la->ss)->sin6_port = htons(port);
	return 0;
}

static int
listen_same(const struct listen_addr *a, const struct listen_addr *b)
{
	return a->len == b->len && memcmp(&a->ss, &b->ss, a->len) == 0;
}

void
listen_close(struct listener *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (v[i].fd != -1)
			close(v[i].fd);
		v[i].fd = -1;
		if (v[i].unlink_path && v[i].path[0] != '\0')
			(void)unlink(v[i].path);
		v[i].unlink_path = 0;
	}
}

int
listen_open(const struct listen_cfg *cfg, struct listener *v, size_t max,
    size_t *np)
{
	struct listen_addr	 addrs[LISTEN_HOSTS_MAX + 2];
	const char		*wild[] = { "0.0.0.0", "::" };
	const char		*loop[] = { "127.0.0.1", "::1" };
	size_t			 na = 0, i, j, n = 0;
	int			 r, s, v6gone = 0, dual[2];

	*np = 0;
	if (cfg->nhosts > LISTEN_HOSTS_MAX) {
		log_warnx("too many -h addresses (at most %d)", LISTEN_HOSTS_MAX);
		return LISTEN_ERR_OTHER;
	}
	for (i = 0; i < cfg->nhosts; i++) {
		if (listen_parse(cfg->hosts[i], cfg->port, &addrs[na]) == -1) {
			log_warnx("-h %s: not a numeric IPv4 or IPv6 address",
			    cfg->hosts[i]);
			return LISTEN_ERR_OTHER;
		}
		for (j = 0; j < na && !listen_same(&addrs[j], &addrs[na]); j++)
			;
		if (j == na)
			na++;
	}
	for (i = 0; i < 2; i++) {
		if (listen_parse(cfg->nhosts > 0 ? loop[i] : wild[i], cfg->port,
		    &addrs[na]) == -1)
			return LISTEN_ERR_OTHER;
		addrs[na].implicit = 1;
		for (j = 0; j < na && !listen_same(&addrs[j], &addrs[na]); j++)
			;
		if (j == na)
			na++;
	}
	if (max < 2 * na + 2) {
		log_warnx("too many listening sockets");
		r = LISTEN_ERR_OTHER;
		goto fail;
	}
	for (s = 0; s < 2; s++)
		dual[s] = listen_dual(cfg, addrs, na, s);
	for (i = 0; i < na; i++) {
		if (addrs[i].ss.ss_family == AF_INET6 && addrs[i].implicit &&
		    v6gone)
			continue;
		for (s = 0; s < 2; s++) {
			/* a passed dual-stack socket receives IPv4 as well */
			if (addrs[i].ss.ss_family == AF_INET && dual[s])
				continue;
			r = listen_ip(cfg, &v[n], &addrs[i], s,
			    addrs[i].implicit);
			if (r < 0)
				goto fail;
			if (r == 1) {
				v6gone = 1;
				break;
			}
			n++;
		}
	}
	if (cfg->local_path != NULL) {
		for (s = 0; s < 2; s++) {
			if ((r = listen_local(cfg, &v[n], cfg->local_path,
			    s)) < 0)
				goto fail;
			n++;
		}
	}
	listen_unused(cfg);
	*np = n;
	return 0;
fail:
	listen_unused(cfg);
	listen_close(v, n);
	return r;
}
