/*
 * notify.c - the service manager and the init script: sd_notify(3)
 * messages, socket activation (sd_listen_fds(3), sd_is_socket(3)), the
 * watchdog interval (sd_watchdog_enabled(3)), a detached start that
 * reports readiness to the waiting parent, and the pid file.
 *
 * Under a service manager (NOTIFY_SOCKET, LISTEN_FDS or WATCHDOG_USEC
 * set) libsystemd is loaded with dlopen() and does that work.  It is not
 * linked: with the libraries it brings (gcrypt, lz4, lzma, zstd, cap...)
 * it costs about 1.3 MB of resident memory, which runs outside systemd
 * should not pay.  Where libsystemd cannot serve, the same conventions
 * are done here by hand: when the library cannot be loaded (a warning,
 * once), for messages after a chroot (see notify_send()), and always in a
 * build without it (PM_NO_LIBSYSTEMD: make LIBC=musl).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"

#define NT_LISTEN_FDS_START	3	/* SD_LISTEN_FDS_START */
#define NT_LIBSYSTEMD		"libsystemd.so.0"

/* The libsystemd functions we call, as sd-daemon.h declares them. */
typedef int	nt_notify_fn(int, const char *);
typedef int	nt_listen_fds_fn(int);
typedef int	nt_is_socket_inet_fn(int, int, int, int, uint16_t);
typedef int	nt_is_socket_unix_fn(int, int, int, const char *, size_t);
typedef int	nt_watchdog_enabled_fn(int, uint64_t *);

#ifdef PM_NO_LIBSYSTEMD
/*
 * A build without libsystemd (the static musl build: a static program
 * cannot load a shared library): the conventions are always done here.
 */
#else
#include <dlfcn.h>
#include <systemd/sd-daemon.h>

/* What we call is what the library offers. */
_Static_assert(__builtin_types_compatible_p(nt_notify_fn *,
    typeof(&sd_notify)), "sd_notify");
_Static_assert(__builtin_types_compatible_p(nt_listen_fds_fn *,
    typeof(&sd_listen_fds)), "sd_listen_fds");
_Static_assert(__builtin_types_compatible_p(nt_is_socket_inet_fn *,
    typeof(&sd_is_socket_inet)), "sd_is_socket_inet");
_Static_assert(__builtin_types_compatible_p(nt_is_socket_unix_fn *,
    typeof(&sd_is_socket_unix)), "sd_is_socket_unix");
_Static_assert(__builtin_types_compatible_p(nt_watchdog_enabled_fn *,
    typeof(&sd_watchdog_enabled)), "sd_watchdog_enabled");
_Static_assert(NT_LISTEN_FDS_START == SD_LISTEN_FDS_START,
    "SD_LISTEN_FDS_START");
#endif

/* libsystemd's functions, when it is loaded (sd.lib != NULL). */
static struct {
	void			*lib;
	int			 tried;
	int			 sd_failed;	/* sd_notify() could not reach */
	nt_notify_fn		*notify;
	nt_listen_fds_fn	*listen_fds;
	nt_is_socket_inet_fn	*is_socket_inet;
	nt_is_socket_unix_fn	*is_socket_unix;
	nt_watchdog_enabled_fn	*watchdog_enabled;
} sd;

static struct {
	int	 fd;			/* connected to $NOTIFY_SOCKET, or -1 */
	int	 ready_fd;		/* the waiting parent's pipe, or -1 */
	int	 detached;
	int	 pid_fd;		/* the pid file, kept open, or -1 */
	char	 pid_path[PATH_MAX];
	char	 status[256];		/* last STATUS= sent */
} nt = { -1, -1, 0, -1, "", "" };

#ifndef PM_NO_LIBSYSTEMD
/* Set by a service manager: then libsystemd is worth loading. */
static int
nt_managed(void)
{
	static const char *const vars[] = { "NOTIFY_SOCKET", "LISTEN_FDS",
	    "WATCHDOG_USEC" };
	size_t	i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (getenv(vars[i]) != NULL)
			return 1;
	return 0;
}

/*
 * Load libsystemd (once) if a service manager started us.  When it
 * cannot be loaded, or lacks a function, a warning is logged once and the
 * code below does the same by hand.
 */
static void
nt_load(void)
{
	void	*lib;

	if (sd.tried || !nt_managed())
		return;
	sd.tried = 1;
	if ((lib = dlopen(NT_LIBSYSTEMD, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		/* dlerror() names the library */
		log_warnx("%s: talking to the service manager without it",
		    dlerror());
		return;
	}
	sd.notify = (nt_notify_fn *)dlsym(lib, "sd_notify");
	sd.listen_fds = (nt_listen_fds_fn *)dlsym(lib, "sd_listen_fds");
	sd.is_socket_inet = (nt_is_socket_inet_fn *)dlsym(lib,
	    "sd_is_socket_inet");
	sd.is_socket_unix = (nt_is_socket_unix_fn *)dlsym(lib,
	    "sd_is_socket_unix");
	sd.watchdog_enabled = (nt_watchdog_enabled_fn *)dlsym(lib,
	    "sd_watchdog_enabled");
	if (sd.notify == NULL || sd.listen_fds == NULL ||
	    sd.is_socket_inet == NULL || sd.is_socket_unix == NULL ||
	    sd.watchdog_enabled == NULL) {
		log_warnx("%s: a function is missing: talking to the service "
		    "manager without it", NT_LIBSYSTEMD);
		(void)dlclose(lib);
		memset(&sd, 0, sizeof(sd));
		sd.tried = 1;
		return;
	}
	sd.lib = lib;
}
#else
static void
nt_load(void)
{
}
#endif

int
notify_uses_libsystemd(void)
{
	return sd.lib != NULL;
}

const char *
notify_how(void)
{
#ifdef PM_NO_LIBSYSTEMD
	return "the service manager's protocol built in (no libsystemd)";
#else
	return "libsystemd loaded under a service manager";
#endif
}

int
notify_init(void)
{
	struct sockaddr_un	 sun;
	const char		*e;
	size_t			 len;
	socklen_t		 sl;
	int			 fd;

	nt_load();
	sd.sd_failed = 0;
	if ((e = getenv("NOTIFY_SOCKET")) == NULL || e[0] == '\0')
		return 0;
	len = strlen(e);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((e[0] != '/' && e[0] != '@') || len >= sizeof(sun.sun_path)) {
		log_warnx("NOTIFY_SOCKET=%s: not a socket path: no "
		    "notifications", e);
		(void)unsetenv("NOTIFY_SOCKET");
		return -1;
	}
	memcpy(sun.sun_path, e, len);
	if (e[0] == '@')
		sun.sun_path[0] = '\0';
	sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	    (e[0] == '/' ? 1 : 0));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("notification socket");
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sl) == -1) {
		log_warn("NOTIFY_SOCKET=%s: connect: no notifications", e);
		close(fd);
		(void)unsetenv("NOTIFY_SOCKET");
		return -1;
	}
	/* The datagrams are small; never block the loop on a slow manager. */
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	nt.fd = fd;
	/*
	 * sd_notify() reads the variable at each message: it stays while
	 * libsystemd is used (the daemon executes nothing that could
	 * inherit it).
	 */
	if (sd.lib == NULL)
		(void)unsetenv("NOTIFY_SOCKET");
	return 0;
}

int
notify_enabled(void)
{
	return nt.fd != -1;
}

static void
notify_send(const char *msg)
{
	static struct ratelim	 rl = RATELIM_INIT("notify", 3, 600);
	struct timespec		 ts;

	if (nt.fd == -1)
		return;
	/*
	 * sd_notify() connects to $NOTIFY_SOCKET at every message, which
	 * cannot work after a chroot (-t) when it is a path: the first time
	 * it fails, and from then on, the socket connected at notify_init(),
	 * before the chroot, carries the messages.
	 */
	if (sd.lib != NULL && !sd.sd_failed) {
		if (sd.notify(0, msg) > 0)
			return;
		sd.sd_failed = 1;
	}
	if (send(nt.fd, msg, strlen(msg), MSG_NOSIGNAL) == -1) {
		(void)clock_gettime(CLOCK_MONOTONIC, &ts);
		if (log_ratelimited(&rl, (uint64_t)ts.tv_sec * 1000 +
		    (uint64_t)ts.tv_nsec / 1000000))
			log_warn("notify: %.40s", msg);
	}
}

/* ---- socket activation ---- */

/* A decimal number making up all of e, at most max; -1 if not. */
static long long
nt_number(const char *e, long long max)
{
	long long	 v;
	char		*end;

	if (e == NULL || e[0] < '0' || e[0] > '9')
		return -1;
	errno = 0;
	v = strtoll(e, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	return v;
}

/*
 * $LISTEN_FDS when $LISTEN_PID is us (sd_listen_fds(1)): the count of
 * passed fds from 3 on, made close-on-exec; the variables are removed
 * either way.  0 when none were passed to us, -errno when they are
 * malformed.
 */
static int
nt_listen_fds(void)
{
	long long	 pid, n;
	int		 r = 0, fd;

	nt_load();
	if (sd.lib != NULL)
		return sd.listen_fds(1);
	if (getenv("LISTEN_PID") == NULL)
		goto done;
	if ((pid = nt_number(getenv("LISTEN_PID"), INT_MAX)) <= 0 ||
	    (n = nt_number(getenv("LISTEN_FDS"), INT_MAX -
	    NT_LISTEN_FDS_START)) < 0) {
		r = -EINVAL;
		goto done;
	}
	if ((pid_t)pid != getpid())
		goto done;
	for (fd = NT_LISTEN_FDS_START; fd < NT_LISTEN_FDS_START + n; fd++)
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
			r = -errno;
			goto done;
		}
	r = (int)n;
done:
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	return r;
}

/*
 * Is fd a socket of this family and type, listening or not as asked
 * (listening -1: either)?  1 yes, 0 no, -errno when it cannot be told
 * (sd_is_socket_inet / sd_is_socket_unix without address checks).
 */
static int
nt_is_socket(int fd, int family, int type, int listening)
{
	struct sockaddr_storage	 ss;
	struct stat		 sb;
	socklen_t		 len;
	int			 v;

	if (sd.lib != NULL)
		return family == AF_UNIX ? sd.is_socket_unix(fd, type,
		    listening, NULL, 0) : sd.is_socket_inet(fd, family, type,
		    listening, 0);
	if (fstat(fd, &sb) == -1)
		return -errno;
	if (!S_ISSOCK(sb.st_mode))
		return 0;
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == -1)
		return -errno;
	if (v != type)
		return 0;
	if (listening >= 0) {
		len = sizeof(v);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == -1)
			return -errno;
		if (!v != !listening)
			return 0;
	}
	len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -errno;
	return ss.ss_family == family;
}

/* $WATCHDOG_USEC for us (sd_watchdog_enabled(0, ...)): 1 and *usec, or 0. */
static int
nt_watchdog_usec(uint64_t *usec)
{
	long long	 pid, v;

	if (sd.lib != NULL)
		return sd.watchdog_enabled(0, usec) > 0;
	if ((v = nt_number(getenv("WATCHDOG_USEC"), LLONG_MAX)) <= 0)
		return 0;
	if (getenv("WATCHDOG_PID") != NULL &&
	    ((pid = nt_number(getenv("WATCHDOG_PID"), INT_MAX)) <= 0 ||
	    (pid_t)pid != getpid()))
		return 0;
	*usec = (uint64_t)v;
	return 1;
}

static int
notify_describe(int fd, struct listener *li)
{
	const struct sockaddr_un *sun;
	size_t		 off = offsetof(struct sockaddr_un, sun_path);
	int		 type, on;
	socklen_t	 ol;
	char		 a[128];

	memset(li, 0, sizeof(*li));
	li->fd = fd;
	li->passed = 1;
	snprintf(li->name, sizeof(li->name), "fd %d", fd);
	li->addrlen = sizeof(li->addr);
	if (getsockname(fd, (struct sockaddr *)&li->addr, &li->addrlen) == -1)
		return -1;
	if (li->addrlen > sizeof(li->addr))
		return -1;
	li->family = li->addr.ss_family;
	ol = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ol) == -1)
		return -1;
	li->stream = type == SOCK_STREAM;
	switch (li->family) {
	case AF_INET:
	case AF_INET6:
		if (type != SOCK_STREAM && type != SOCK_DGRAM)
			return -1;
		if (nt_is_socket(fd, li->family, type, li->stream ? 1 : -1) <= 0)
			return -1;
		if (li->family == AF_INET6) {
			li->xprt = li->stream ? XPRT_TCP6 : XPRT_UDP6;
			ol = sizeof(on);
			if (getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
			    &ol) == 0 && on == 0)
				li->dualstack = 1;
		} else
			li->xprt = li->stream ? XPRT_TCP : XPRT_UDP;
		snprintf(li->name, sizeof(li->name), "%s %s",
		    xprt_netid(li->xprt), log_sockaddr((struct sockaddr *)
		    &li->addr, li->addrlen, a, sizeof(a)));
		break;
	case AF_UNIX:
		li->xprt = XPRT_LOCAL;
		snprintf(li->name, sizeof(li->name), "local %s",
		    log_sockaddr((struct sockaddr *)&li->addr, li->addrlen, a,
		    sizeof(a)));
		if (nt_is_socket(fd, AF_UNIX, SOCK_STREAM, 1) <= 0)
			return -1;
		sun = (const struct sockaddr_un *)&li->addr;
		if (li->addrlen > off && sun->sun_path[0] != '\0')
			snprintf(li->path, sizeof(li->path), "%.*s",
			    (int)(li->addrlen - off), sun->sun_path);
		break;
	default:
		return -1;
	}
	return 0;
}

int
notify_listen_fds(struct listener *v, size_t max)
{
	int	 n, fd, fl;
	size_t	 kept = 0;

	if ((n = nt_listen_fds()) < 0) {
		errno = -n;
		log_warn("LISTEN_FDS");
		return -1;
	}
	for (fd = NT_LISTEN_FDS_START; fd < NT_LISTEN_FDS_START + n; fd++) {
		if (kept == max) {
			log_warnx("fd %d: more sockets passed than we serve: "
			    "closed", fd);
			close(fd);
			continue;
		}
		if (notify_describe(fd, &v[kept]) == -1) {
			log_warnx("%s: passed by the service manager, but not a "
			    "listening UDP, TCP or local stream socket: closed",
			    v[kept].name);
			close(fd);
			continue;
		}
		if ((fl = fcntl(fd, F_GETFL)) == -1 ||
		    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
		    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
			log_warn("%s", v[kept].name);
			close(fd);
			continue;
		}
		kept++;
	}
	return (int)kept;
}

/* ---- detaching, readiness, the pid file ---- */

void
notify_detach(int fail_status)
{
	int	 p[2], st;
	pid_t	 pid, w;
	char	 c;
	ssize_t	 r;

	if (pipe2(p, O_CLOEXEC) == -1)
		fatal(fail_status, "pipe");
	if ((pid = fork()) == -1)
		fatal(fail_status, "fork");
	if (pid != 0) {
		/* The parent: wait for "ready" or for the child's end. */
		close(p[1]);
		do
			r = read(p[0], &c, 1);
		while (r == -1 && errno == EINTR);
		if (r == 1)
			_exit(0);
		do
			w = waitpid(pid, &st, 0);
		while (w == -1 && errno == EINTR);
		if (w == pid && WIFEXITED(st))
			_exit(WEXITSTATUS(st) != 0 ? WEXITSTATUS(st) :
			    fail_status);
		_exit(fail_status);
	}
	close(p[0]);
	nt.ready_fd = p[1];
	nt.detached = 1;
	if (setsid() == -1)
		fatal(fail_status, "setsid");
	if (chdir("/") == -1)
		fatal(fail_status, "chdir /");
}

int
notify_pidfile(const char *path)
{
	char	buf[32];
	int	fd, n;

	if (strlen(path) >= sizeof(nt.pid_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd == -1)
		return -1;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		if (errno == 0)
			errno = EIO;
		close(fd);
		(void)unlink(path);
		return -1;
	}
	nt.pid_fd = fd;
	snprintf(nt.pid_path, sizeof(nt.pid_path), "%s", path);
	return 0;
}

void
notify_ready(const char *status)
{
	char	msg[320];
	int	fd;

	if (status != NULL) {
		snprintf(nt.status, sizeof(nt.status), "%s", status);
		snprintf(msg, sizeof(msg), "READY=1\nSTATUS=%s\nMAINPID=%ld",
		    status, (long)getpid());
	} else
		snprintf(msg, sizeof(msg), "READY=1\nMAINPID=%ld",
		    (long)getpid());
	notify_send(msg);
	if (nt.ready_fd != -1) {
		(void)!write(nt.ready_fd, "r", 1);
		close(nt.ready_fd);
		nt.ready_fd = -1;
	}
	if (nt.detached && (fd = open("/dev/null", O_RDWR | O_CLOEXEC)) != -1) {
		(void)dup2(fd, STDIN_FILENO);
		(void)dup2(fd, STDOUT_FILENO);
		(void)dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

void
notify_status(const char *fmt, ...)
{
	char	st[sizeof(nt.status)], msg[sizeof(nt.status) + 8];
	va_list	ap;

	if (nt.fd == -1)
		return;
	va_start(ap, fmt);
	vsnprintf(st, sizeof(st), fmt, ap);
	va_end(ap);
	if (strcmp(st, nt.status) == 0)
		return;
	memcpy(nt.status, st, sizeof(st));
	snprintf(msg, sizeof(msg), "STATUS=%s", st);
	notify_send(msg);
}

void
notify_stopping(void)
{
	notify_send("STOPPING=1");
}

uint64_t
notify_watchdog_ms(void)
{
	uint64_t	usec = 0;

	if (nt.fd == -1 || nt_watchdog_usec(&usec) <= 0 || usec == 0)
		return 0;
	/* Twice per period; at least every 1 ms. */
	return usec / 2000 > 0 ? usec / 2000 : 1;
}

void
notify_watchdog(void)
{
	notify_send("WATCHDOG=1");
}

void
notify_exit(void)
{
	if (nt.pid_fd != -1) {
		if (unlink(nt.pid_path) == -1 && errno != ENOENT &&
		    ftruncate(nt.pid_fd, 0) == -1)
			log_warn("%s", nt.pid_path);
		close(nt.pid_fd);
		nt.pid_fd = -1;
	}
	if (nt.fd != -1) {
		close(nt.fd);
		nt.fd = -1;
	}
	if (nt.ready_fd != -1) {
		close(nt.ready_fd);
		nt.ready_fd = -1;
	}
}
