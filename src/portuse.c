/*
 * portuse.c - who holds the address we cannot bind (see portuse.h).
 *
 * Two steps, both under the /proc root given:
 *   1. the socket: the best line for the port in net/{tcp,udp}[6] (or the
 *      path in net/unix), giving its inode;
 *   2. the process: every /proc/PID/fd/N that links to "socket:[inode]".
 *      Several processes may share one socket (systemd passing a socket
 *      to the daemon it activates, a forked daemon): pid 1 is noted and a
 *      real daemon preferred.  Without privileges other users' fd
 *      directories cannot be read: the holder is then "not visible".
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "portuse.h"
#include "procnet.h"
#include "uaddr.h"

#define PU_PATH_MAX	4096
#define PU_MAX_PROCS	64	/* holders looked at before we stop counting */
#define PU_TCP_TIME_WAIT 0x06

struct pu_search {
	int		 family;	/* of the address we want */
	uint8_t		 addr[16];
	uint16_t	 port;
	int		 best;		/* score of the best socket so far, -1 none */
	struct procnet_sock sock;
};

static int
pu_wildcard(int family, const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, family == AF_INET6 ? 16 : 4) == 0;
}

/*
 * Could this socket be what keeps us from binding?  Same port; and either
 * address a wildcard, or both equal (same family), or an IPv4-mapped IPv6
 * address equal to the IPv4 one.
 */
static int
pu_compatible(const struct pu_search *s, const struct procnet_sock *ps)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	if (ps->port != s->port)
		return 0;
	if (pu_wildcard(s->family, s->addr) ||
	    pu_wildcard(ps->family, ps->addr))
		return 1;
	if (ps->family == s->family)
		return memcmp(ps->addr, s->addr,
		    s->family == AF_INET6 ? 16 : 4) == 0;
	if (ps->family == AF_INET6)
		return memcmp(ps->addr, mapped, 12) == 0 &&
		    memcmp(ps->addr + 12, s->addr, 4) == 0;
	return memcmp(s->addr, mapped, 12) == 0 &&
	    memcmp(s->addr + 12, ps->addr, 4) == 0;
}

static int
pu_sock_cb(void *arg, const struct procnet_sock *ps)
{
	struct pu_search *s = arg;
	int score;

	if (!pu_compatible(s, ps))
		return 0;
	score = 1;
	if (ps->proto == PROCNET_UDP || ps->state == PROCNET_TCP_LISTEN)
		score += 8;
	if (ps->inode != 0)
		score += 4;
	if (ps->family == s->family)
		score += 2;
	if (score > s->best) {
		s->best = score;
		s->sock = *ps;
	}
	return 0;
}

struct pu_unix {
	const char	*path;
	uint64_t	 inode;
	int		 found;
};

static int
pu_unix_cb(void *arg, uint64_t inode, const char *path)
{
	struct pu_unix *u = arg;

	if (strcmp(path, u->path) != 0)
		return 0;
	u->inode = inode;
	u->found = 1;
	return 1;
}

/* A numeric directory name: a pid. */
static pid_t
pu_pid(const char *name)
{
	long v = 0;

	if (*name == '\0')
		return 0;
	for (; *name != '\0'; name++) {
		if (*name < '0' || *name > '9' || v > 99999999)
			return 0;
		v = v * 10 + (*name - '0');
	}
	return (pid_t)v;
}

/* Does some fd of pid link to "socket:[inode]"? */
static int
pu_holds(const char *proc_root, pid_t pid, const char *want)
{
	char path[PU_PATH_MAX], link[128];
	struct dirent *de;
	DIR *d;
	ssize_t n;
	int dfd, found = 0;

	snprintf(path, sizeof(path), "%s/%d/fd", proc_root, (int)pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(dfd, de->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, want) == 0) {
			found = 1;
			break;
		}
	}
	closedir(d);
	return found;
}

/* proc_root/PID/comm, printable, into buf. */
static void
pu_comm(const char *proc_root, pid_t pid, char *buf, size_t bufsz)
{
	char path[PU_PATH_MAX], raw[64];
	ssize_t n;
	size_t i, j;
	int fd;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%d/comm", proc_root, (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return;
	n = read(fd, raw, sizeof(raw) - 1);
	close(fd);
	if (n <= 0)
		return;
	/* The name is the process's to choose: keep it printable. */
	for (i = 0, j = 0; i < (size_t)n && j + 1 < bufsz; i++) {
		if (raw[i] == '\n')
			break;
		buf[j++] = (raw[i] >= 0x20 && raw[i] < 0x7f) ? raw[i] : '?';
	}
	buf[j] = '\0';
}

static void
pu_find_procs(const char *proc_root, struct portuse *pu)
{
	char want[64];
	struct dirent *de;
	DIR *d;
	pid_t pid;

	snprintf(want, sizeof(want), "socket:[%" PRIu64 "]", pu->inode);
	if ((d = opendir(proc_root)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && pu->nprocs < PU_MAX_PROCS) {
		if ((pid = pu_pid(de->d_name)) <= 0)
			continue;
		if (!pu_holds(proc_root, pid, want))
			continue;
		pu->nprocs++;
		if (pid == 1)
			pu->systemd = 1;
		/* prefer the daemon over the init that passed it the socket */
		if (pu->pid == 0 || (pu->pid == 1 && pid != 1))
			pu->pid = pid;
	}
	closedir(d);
	if (pu->pid > 0)
		pu_comm(proc_root, pu->pid, pu->comm, sizeof(pu->comm));
}

static int
pu_find_ip(const char *netdir, int proto, const struct sockaddr *sa,
    struct portuse *pu, uint8_t *state)
{
	struct pu_search s;

	memset(&s, 0, sizeof(s));
	s.best = -1;
	s.family = sa->sa_family;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		memcpy(s.addr, &sin->sin_addr, 4);
		s.port = ntohs(sin->sin_port);
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		memcpy(s.addr, &sin6->sin6_addr, 16);
		s.port = ntohs(sin6->sin6_port);
	}
	(void)procnet_read(netdir, proto, AF_INET, pu_sock_cb, &s);
	(void)procnet_read(netdir, proto, AF_INET6, pu_sock_cb, &s);
	if (s.best < 0)
		return -1;
	pu->found = 1;
	pu->inode = s.sock.inode;
	*state = s.sock.state;
	return 0;
}

int
portuse_find(const char *proc_root, const char *netid,
    const struct sockaddr *sa, struct portuse *pu)
{
	char netdir[PU_PATH_MAX];
	uint8_t state = 0;
	int proto;

	memset(pu, 0, sizeof(*pu));
	if (proc_root == NULL || sa == NULL || netid == NULL)
		return -1;
	snprintf(netdir, sizeof(netdir), "%s/net", proc_root);
	switch (netid_kind(netid)) {
	case NETID_UDP:
	case NETID_UDP6:
		proto = PROCNET_UDP;
		break;
	case NETID_TCP:
	case NETID_TCP6:
		proto = PROCNET_TCP;
		break;
	case NETID_LOCAL: {
		const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
		char path[sizeof(sun->sun_path) + 1];
		struct pu_unix u;

		if (sa->sa_family != AF_LOCAL || sun->sun_path[0] == '\0')
			return -1;
		memcpy(path, sun->sun_path, sizeof(sun->sun_path));
		path[sizeof(sun->sun_path)] = '\0';
		memset(&u, 0, sizeof(u));
		u.path = path;
		(void)procnet_read_unix(netdir, pu_unix_cb, &u);
		if (!u.found)
			return -1;
		pu->found = 1;
		pu->inode = u.inode;
		goto procs;
	}
	default:
		return -1;
	}
	if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
		return -1;
	if (pu_find_ip(netdir, proto, sa, pu, &state) == -1)
		return -1;
	if (proto == PROCNET_TCP && state == PU_TCP_TIME_WAIT && pu->inode == 0)
		return 0;	/* a closing connection: no process */
 procs:
	if (pu->inode != 0)
		pu_find_procs(proc_root, pu);
	return 0;
}

static void
pu_addrstr(const struct sockaddr *sa, char *buf, size_t bufsz)
{
	char a[INET6_ADDRSTRLEN];

	switch (sa == NULL ? AF_UNSPEC : sa->sa_family) {
	case AF_INET: {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		snprintf(buf, bufsz, "%s:%u", a, ntohs(sin->sin_port));
		break;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		snprintf(buf, bufsz, "[%s]:%u", a, ntohs(sin6->sin6_port));
		break;
	}
	case AF_LOCAL: {
		const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;

		if (sun->sun_path[0] == '\0')
			snprintf(buf, bufsz, "@%.*s",
			    (int)sizeof(sun->sun_path) - 1, sun->sun_path + 1);
		else
			snprintf(buf, bufsz, "%.*s",
			    (int)sizeof(sun->sun_path), sun->sun_path);
		break;
	}
	default:
		snprintf(buf, bufsz, "(unknown address)");
		break;
	}
}

static int
pu_port(const struct sockaddr *sa)
{
	if (sa == NULL)
		return -1;
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return -1;
}

/* Is this the port mapper's own address (port 111 or rpcbind's socket)? */
static int
pu_is_pmap(const struct sockaddr *sa)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;

	if (pu_port(sa) == 111)
		return 1;
	return sa != NULL && sa->sa_family == AF_LOCAL &&
	    strstr(sun->sun_path, "rpcbind.sock") != NULL;
}

static const char *
pu_advice(const struct sockaddr *sa, const struct portuse *pu)
{
	if (strcmp(pu->comm, "rpcbind") == 0 ||
	    (pu->pid == 1 && pu_is_pmap(sa)))
		return "; stop it first: systemctl stop rpcbind.socket "
		    "rpcbind.service";
	if (strcmp(pu->comm, "portmap") == 0)
		return "; is portmap already running? stop it first: "
		    "systemctl stop portmap.service";
	if (pu->pid == 1)
		return "; a systemd socket unit holds it (systemctl "
		    "list-sockets): stop that unit first";
	return "; stop it first";
}

char *
portuse_format(char *buf, size_t bufsz, const char *netid,
    const struct sockaddr *sa, int err, const struct portuse *pu)
{
	char addr[160], why[320], others[48];
	int port = pu_port(sa), n;

	if (buf == NULL || bufsz == 0)
		return buf;
	pu_addrstr(sa, addr, sizeof(addr));
	switch (err) {
	case EADDRINUSE:
		if (pu != NULL && pu->found && pu->pid > 0) {
			/* systemd passing the socket on is not news */
			n = pu->nprocs - 1 - (pu->systemd && pu->pid != 1);
			others[0] = '\0';
			if (n > 0)
				snprintf(others, sizeof(others),
				    " and %d other process%s", n,
				    n > 1 ? "es" : "");
			snprintf(why, sizeof(why),
			    "address in use by %s (pid %d)%s%s",
			    pu->comm[0] != '\0' ? pu->comm : "a process",
			    (int)pu->pid, others, pu_advice(sa, pu));
		}
		else if (pu != NULL && pu->found && pu->inode == 0 &&
		    sa != NULL && sa->sa_family != AF_LOCAL)
			snprintf(why, sizeof(why), "address in use by a "
			    "kernel socket or a closing connection; if it "
			    "does not clear in a minute, see ss -anp sport "
			    "= :%d", port);
		else if (sa != NULL && sa->sa_family == AF_LOCAL &&
		    (pu == NULL || !pu->found))
			snprintf(why, sizeof(why), "address in use: the path "
			    "exists but no socket visible from here listens "
			    "on it; remove it if no port mapper is running");
		else
			snprintf(why, sizeof(why), "address in use by another "
			    "process (not visible from here)%s",
			    pu_is_pmap(sa) ? "; is rpcbind running? "
			    "systemctl stop rpcbind.socket rpcbind.service" :
			    "");
		break;
	case EACCES:
	case EPERM:
		if (port >= 0 && port < 1024)
			snprintf(why, sizeof(why), "permission denied (port %d "
			    "needs root or CAP_NET_BIND_SERVICE)", port);
		else
			snprintf(why, sizeof(why), "permission denied");
		break;
	case EADDRNOTAVAIL:
		snprintf(why, sizeof(why), "address not available on this "
		    "host%s", sa != NULL && sa->sa_family == AF_INET6 ?
		    " (IPv6 disabled on the interface?)" : "");
		break;
	case EAFNOSUPPORT:
		snprintf(why, sizeof(why), "address family not supported "
		    "(IPv6 disabled in the kernel?)");
		break;
	default:
		snprintf(why, sizeof(why), "%s", strerror(err));
		break;
	}
	snprintf(buf, bufsz, "cannot bind %s %s: %s",
	    netid != NULL ? netid : "?", addr, why);
	return buf;
}

char *
portuse_explain(const char *proc_root, const char *netid,
    const struct sockaddr *sa, int err, char *buf, size_t bufsz)
{
	struct portuse pu;

	if (err == EADDRINUSE && portuse_find(proc_root, netid, sa, &pu) == 0)
		return portuse_format(buf, bufsz, netid, sa, err, &pu);
	return portuse_format(buf, bufsz, netid, sa, err, NULL);
}
