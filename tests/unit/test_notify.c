/*
 * test_notify.c - talking with the service manager: the messages on a
 * NOTIFY_SOCKET of our own (path and abstract; STATUS= only when it
 * changed), the watchdog interval from WATCHDOG_USEC/WATCHDOG_PID, the pid
 * file, and socket activation: passed fds described (family, type,
 * address, dual-stack) and taken by listen_open() instead of new sockets,
 * a dual-stack [::]:port standing for 0.0.0.0:port, and fds that are not
 * ours closed.  libsystemd: not loaded without a service manager's
 * variables (checked first, in /proc/self/maps), loaded (dlopen) and used
 * once NOTIFY_SOCKET is set.  Free ports only, never 111.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notify.h"
#include "transport.h"

static char	tmpdir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_notify.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_PID");
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	(void)system(cmd);
	return 0;
}

/* A manager's socket: bound at path (or "@name"), NOTIFY_SOCKET set. */
static int
manager(const char *name)
{
	struct sockaddr_un	sun;
	socklen_t		len;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", name);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(name) + 1);
	if (name[0] == '@') {
		sun.sun_path[0] = '\0';
		len--;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, len), 0);
	assert_int_equal(setenv("NOTIFY_SOCKET", name, 1), 0);
	return fd;
}

/* The next datagram (within 1 s) as a string, or "" if none came. */
static const char *
heard(int fd)
{
	static char	buf[512];
	struct pollfd	p = { fd, POLLIN, 0 };
	ssize_t		n;

	buf[0] = '\0';
	if (poll(&p, 1, 1000) != 1)
		return buf;
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static int
nothing_more(int fd)
{
	struct pollfd	p = { fd, POLLIN, 0 };

	return poll(&p, 1, 100) == 0;
}

/* Is libsystemd mapped into this process? */
static int
libsystemd_mapped(void)
{
	char	line[512];
	FILE	*f;
	int	found = 0;

	assert_non_null(f = fopen("/proc/self/maps", "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "/libsystemd.so") != NULL)
			found = 1;
	fclose(f);
	return found;
}

/* Runs first: outside a service manager, libsystemd stays out. */
static void
test_no_libsystemd(void **state)
{
	struct listener	passed[4];

	(void)state;
	assert_false(libsystemd_mapped());
	assert_int_equal(notify_init(), 0);
	assert_int_equal(notify_listen_fds(passed, 4), 0);
	assert_int_equal(notify_watchdog_ms(), 0);
	notify_ready("x");
	notify_exit();
	assert_false(notify_uses_libsystemd());
	assert_false(libsystemd_mapped());
}

static void
test_messages(void **state)
{
	char	path[128], want[128];
	int	m;

	(void)state;
	snprintf(path, sizeof(path), "%s/notify", tmpdir);
	m = manager(path);
	assert_false(notify_uses_libsystemd());
	assert_int_equal(notify_init(), 0);
	assert_true(notify_enabled());
	/* a service manager: libsystemd is loaded and sends for us (it
	 * reads the variable at each message: kept) */
	assert_true(notify_uses_libsystemd());
	assert_true(libsystemd_mapped());
	assert_string_equal(getenv("NOTIFY_SOCKET"), path);

	notify_ready("0 registrations on 6 sockets");
	snprintf(want, sizeof(want), "READY=1\nSTATUS=0 registrations on 6 "
	    "sockets\nMAINPID=%ld", (long)getpid());
	assert_string_equal(heard(m), want);
	/* the same status again: not sent */
	notify_status("0 registrations on %d sockets", 6);
	assert_true(nothing_more(m));
	notify_status("%d registrations on 6 sockets", 8);
	assert_string_equal(heard(m), "STATUS=8 registrations on 6 sockets");
	notify_status("8 registrations on 6 sockets");
	assert_true(nothing_more(m));
	notify_watchdog();
	assert_string_equal(heard(m), "WATCHDOG=1");
	notify_stopping();
	assert_string_equal(heard(m), "STOPPING=1");

	/* As after a chroot: the path is not reachable any more, the socket
	 * connected at notify_init() still is, and carries the messages. */
	snprintf(want, sizeof(want), "%s/gone", tmpdir);
	assert_int_equal(setenv("NOTIFY_SOCKET", want, 1), 0);
	notify_watchdog();
	assert_string_equal(heard(m), "WATCHDOG=1");
	notify_status("9 registrations on 6 sockets");
	assert_string_equal(heard(m), "STATUS=9 registrations on 6 sockets");

	/* the manager goes away: sending fails quietly */
	close(m);
	unlink(path);
	notify_status("1 registration on 6 sockets");
	notify_exit();
	assert_false(notify_enabled());
}

static void
test_abstract(void **state)
{
	char	name[64];
	int	m;

	(void)state;
	snprintf(name, sizeof(name), "@test_notify.%ld", (long)getpid());
	m = manager(name);
	assert_int_equal(notify_init(), 0);
	notify_stopping();
	assert_string_equal(heard(m), "STOPPING=1");
	notify_exit();
	close(m);
}

static void
test_no_manager(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_init(), 0);
	assert_false(notify_enabled());
	notify_ready("x");		/* no-ops */
	notify_status("y");
	notify_stopping();
	assert_int_equal(notify_watchdog_ms(), 0);

	/* not a path: refused, not used */
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(notify_init(), -1);
	assert_false(notify_enabled());
	/* nobody listening there */
	setenv("NOTIFY_SOCKET", "/nonexistent/notify.sock", 1);
	assert_int_equal(notify_init(), -1);
	assert_false(notify_enabled());
	notify_exit();
}

static void
test_watchdog(void **state)
{
	char	path[128], pid[32];
	int	m;

	(void)state;
	snprintf(path, sizeof(path), "%s/wd", tmpdir);
	m = manager(path);
	assert_int_equal(notify_init(), 0);
	assert_int_equal(notify_watchdog_ms(), 0);	/* not asked for */
	setenv("WATCHDOG_USEC", "400000", 1);
	assert_int_equal(notify_watchdog_ms(), 200);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(notify_watchdog_ms(), 200);
	setenv("WATCHDOG_USEC", "60000000", 1);
	assert_int_equal(notify_watchdog_ms(), 30000);
	/* for another process: not ours to send */
	snprintf(pid, sizeof(pid), "%ld", (long)getpid() + 1);
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(notify_watchdog_ms(), 0);
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "soon", 1);
	assert_int_equal(notify_watchdog_ms(), 0);
	setenv("WATCHDOG_USEC", "0", 1);
	assert_int_equal(notify_watchdog_ms(), 0);
	unsetenv("WATCHDOG_USEC");
	notify_exit();
	close(m);
}

static void
test_pidfile(void **state)
{
	char	path[128], link[128], buf[64], want[64];
	FILE	*f;

	(void)state;
	snprintf(path, sizeof(path), "%s/portmap.pid", tmpdir);
	assert_int_equal(notify_pidfile(path), 0);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	assert_string_equal(buf, want);
	notify_exit();
	assert_int_equal(access(path, F_OK), -1);

	/* a symbolic link is not followed */
	snprintf(link, sizeof(link), "%s/link.pid", tmpdir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(notify_pidfile(link), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(access(path, F_OK), -1);
}

/* ---- socket activation ---- */

static uint16_t
free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t		port;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static int
has_ipv6(void)
{
	struct sockaddr_in6	sin6;
	int			fd = socket(AF_INET6, SOCK_DGRAM, 0), ok;

	if (fd == -1)
		return 0;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	ok = bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == 0;
	close(fd);
	return ok;
}

/* Put fd at number at (a manager passes fds from 3 on). */
static void
move_fd(int fd, int at)
{
	if (fd == at)
		return;
	assert_int_equal(dup2(fd, at), at);
	close(fd);
}

/* An IP socket as a service manager makes it, moved to fd at. */
static void
pass_ip(int at, int fam, int type, const char *addr, uint16_t port,
    int v6only, int listening)
{
	struct sockaddr_storage	ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		len;
	int			fd, on = 1;

	memset(&ss, 0, sizeof(ss));
	if (fam == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		assert_int_equal(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
		len = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		assert_int_equal(inet_pton(AF_INET6, addr, &sin6->sin6_addr), 1);
		len = sizeof(*sin6);
	}
	fd = socket(fam, type, 0);
	assert_true(fd >= 0);
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (fam == AF_INET6)
		assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
		    &v6only, sizeof(v6only)), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	if (listening)
		assert_int_equal(listen(fd, 8), 0);
	move_fd(fd, at);
}

static void
pass_unix(int at, const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	(void)unlink(path);
	/* systemd's length counts the terminator */
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(fd, 8), 0);
	move_fd(fd, at);
}

static void
set_listen_env(int n)
{
	char	v[32];

	snprintf(v, sizeof(v), "%ld", (long)getpid());
	setenv("LISTEN_PID", v, 1);
	snprintf(v, sizeof(v), "%d", n);
	setenv("LISTEN_FDS", v, 1);
}

static int
fd_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

static const struct listener *
find(const struct listener *v, size_t n, enum xprt x, int abstract)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (v[i].xprt == x && (x != XPRT_LOCAL ||
		    (v[i].path[0] == '\0') == abstract))
			return &v[i];
	return NULL;
}

static void
test_activation(void **state)
{
	struct listener		 passed[LISTEN_MAX], lis[LISTEN_MAX];
	struct listen_cfg	 lc;
	const struct listener	*l;
	const char		*hosts[] = { "127.0.0.1" };
	char			 path[108];
	uint16_t		 port = free_port(), other = free_port();
	size_t			 nlis, i;
	int			 n, p[2], v6 = has_ipv6(), fl;

	(void)state;
	snprintf(path, sizeof(path), "%s/sock", tmpdir);
	pass_ip(3, AF_INET, SOCK_STREAM, "127.0.0.1", port, 0, 1);
	if (v6)
		pass_ip(4, AF_INET6, SOCK_DGRAM, "::1", port, 1, 0);
	else
		pass_ip(4, AF_INET, SOCK_DGRAM, "127.0.0.1", port, 0, 0);
	pass_unix(5, path);
	pass_ip(6, AF_INET, SOCK_STREAM, "127.0.0.1", other, 0, 1);
	assert_int_equal(pipe(p), 0);
	move_fd(p[0], 7);
	if (p[1] != 7)
		close(p[1]);
	pass_ip(8, AF_INET, SOCK_STREAM, "127.0.0.1", 0, 0, 0);	/* not listening */
	set_listen_env(6);

	n = notify_listen_fds(passed, LISTEN_MAX);
	assert_int_equal(n, 4);
	assert_null(getenv("LISTEN_FDS"));
	assert_false(fd_open(7));		/* a pipe: closed */
	assert_false(fd_open(8));		/* not listening: closed */
	assert_int_equal(passed[0].fd, 3);
	assert_int_equal(passed[0].xprt, XPRT_TCP);
	assert_true(passed[0].passed);
	assert_true(passed[0].stream);
	assert_false(passed[0].dualstack);
	assert_int_equal(passed[1].xprt, v6 ? XPRT_UDP6 : XPRT_UDP);
	assert_false(passed[1].stream);
	assert_int_equal(passed[2].xprt, XPRT_LOCAL);
	assert_string_equal(passed[2].path, path);
	for (i = 0; i < 4; i++) {
		assert_true((fl = fcntl(passed[i].fd, F_GETFL)) != -1);
		assert_true(fl & O_NONBLOCK);
		assert_true(fcntl(passed[i].fd, F_GETFD) & FD_CLOEXEC);
	}

	memset(&lc, 0, sizeof(lc));
	lc.port = port;
	lc.hosts = hosts;
	lc.nhosts = 1;
	lc.local_path = path;
	lc.passed = passed;
	lc.npassed = (size_t)n;
	assert_int_equal(listen_open(&lc, lis, LISTEN_MAX, &nlis), 0);
	assert_int_equal(nlis, v6 ? 6 : 4);
	/* taken, not re-created */
	assert_non_null(l = find(lis, nlis, XPRT_TCP, 0));
	assert_int_equal(l->fd, 3);
	assert_non_null(l = find(lis, nlis, XPRT_LOCAL, 0));
	assert_int_equal(l->fd, 5);
	assert_false(l->unlink_path);	/* the manager's file */
	if (v6) {
		assert_non_null(l = find(lis, nlis, XPRT_UDP6, 0));
		assert_int_equal(l->fd, 4);
		/* the others are new */
		assert_non_null(l = find(lis, nlis, XPRT_UDP, 0));
		assert_true(l->fd >= 0 && !l->passed);
		assert_non_null(l = find(lis, nlis, XPRT_TCP6, 0));
		assert_true(l->fd >= 0 && !l->passed);
	}
	assert_non_null(l = find(lis, nlis, XPRT_LOCAL, 1));
	assert_false(l->passed);
	/* the socket on another port is not ours: closed */
	assert_false(fd_open(6));
	for (i = 0; i < (size_t)n; i++)
		assert_int_equal(passed[i].fd, -1);

	listen_close(lis, nlis);
	/* the passed socket file stays */
	assert_int_equal(access(path, F_OK), 0);
	assert_false(fd_open(3));
}

static void
test_dualstack(void **state)
{
	struct listener		 passed[LISTEN_MAX], lis[LISTEN_MAX];
	struct listen_cfg	 lc;
	char			 path[108];
	uint16_t		 port = free_port();
	size_t			 nlis, i;
	int			 n;

	(void)state;
	if (!has_ipv6())
		skip();
	snprintf(path, sizeof(path), "%s/dual", tmpdir);
	pass_ip(3, AF_INET6, SOCK_STREAM, "::", port, 0, 1);
	pass_ip(4, AF_INET6, SOCK_DGRAM, "::", port, 0, 0);
	set_listen_env(2);
	n = notify_listen_fds(passed, LISTEN_MAX);
	assert_int_equal(n, 2);
	assert_true(passed[0].dualstack);
	assert_true(passed[1].dualstack);

	memset(&lc, 0, sizeof(lc));
	lc.port = port;
	lc.local_path = path;
	lc.passed = passed;
	lc.npassed = (size_t)n;
	assert_int_equal(listen_open(&lc, lis, LISTEN_MAX, &nlis), 0);
	/* [::] twice (it takes IPv4 too), the path, the abstract name */
	assert_int_equal(nlis, 4);
	for (i = 0; i < nlis; i++)
		assert_int_not_equal(lis[i].family, AF_INET);
	assert_non_null(find(lis, nlis, XPRT_TCP6, 0));
	assert_int_equal(find(lis, nlis, XPRT_TCP6, 0)->fd, 3);
	assert_int_equal(find(lis, nlis, XPRT_UDP6, 0)->fd, 4);
	assert_true(find(lis, nlis, XPRT_UDP6, 0)->dualstack);
	listen_close(lis, nlis);

	/* With -h, the dual-stack wildcard is not wanted: closed, and the
	 * IPv4 loopback is opened as usual. */
	pass_ip(3, AF_INET6, SOCK_STREAM, "::", port, 0, 1);
	set_listen_env(1);
	n = notify_listen_fds(passed, LISTEN_MAX);
	assert_int_equal(n, 1);
	{
		const char	*hosts[] = { "127.0.0.1" };

		lc.hosts = hosts;
		lc.nhosts = 1;
		lc.npassed = (size_t)n;
		lc.local_path = NULL;
		port = free_port();
		lc.port = port;
		assert_int_equal(listen_open(&lc, lis, LISTEN_MAX, &nlis), 0);
	}
	assert_false(fd_open(3));
	assert_non_null(find(lis, nlis, XPRT_TCP, 0));
	listen_close(lis, nlis);
}

static void
test_listen_env(void **state)
{
	struct listener	passed[4];
	char		v[32];

	(void)state;
	/* for another process: nothing */
	snprintf(v, sizeof(v), "%ld", (long)getpid() + 1);
	setenv("LISTEN_PID", v, 1);
	setenv("LISTEN_FDS", "3", 1);
	assert_int_equal(notify_listen_fds(passed, 4), 0);
	/* none at all */
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	assert_int_equal(notify_listen_fds(passed, 4), 0);
	/* malformed */
	snprintf(v, sizeof(v), "%ld", (long)getpid());
	setenv("LISTEN_PID", v, 1);
	setenv("LISTEN_FDS", "many", 1);
	assert_int_equal(notify_listen_fds(passed, 4), -1);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_libsystemd),	/* first */
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_abstract),
		cmocka_unit_test(test_no_manager),
		cmocka_unit_test(test_watchdog),
		cmocka_unit_test(test_pidfile),
		cmocka_unit_test(test_activation),
		cmocka_unit_test(test_dualstack),
		cmocka_unit_test(test_listen_env),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
