/*
 * test_listen.c - opening the listening sockets on a free port (never
 * 111) and a socket path under /tmp: what is opened and how, a second
 * daemon refused with LISTEN_ERR_BIND, stale socket files replaced but
 * other files left alone, -h addresses (numeric only, loopbacks added,
 * duplicates merged).
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

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport.h"

static char	 sock_path[108];

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

static int
setup(void **state)
{
	snprintf(sock_path, sizeof(sock_path), "/tmp/test_listen.%d.sock",
	    (int)getpid());
	unlink(sock_path);
	return 0;
}

static int
teardown(void **state)
{
	unlink(sock_path);
	return 0;
}

static void
test_wildcards_and_local(void **state)
{
	struct listener		v[LISTEN_MAX], w[LISTEN_MAX];
	struct listen_cfg	cfg;
	struct stat		st;
	char			want[LISTEN_NAME_MAX];
	size_t			n, m, i, nlocal = 0, nstream = 0;
	int			v6 = has_ipv6();

	memset(&cfg, 0, sizeof(cfg));
	cfg.port = free_port();
	cfg.local_path = sock_path;
	assert_int_equal(listen_open(&cfg, v, LISTEN_MAX, &n), 0);
	assert_int_equal(n, v6 ? 6 : 4);
	snprintf(want, sizeof(want), "udp 0.0.0.0:%u", cfg.port);
	assert_string_equal(v[0].name, want);
	snprintf(want, sizeof(want), "tcp 0.0.0.0:%u", cfg.port);
	assert_string_equal(v[1].name, want);
	for (i = 0; i < n; i++) {
		assert_true(fcntl(v[i].fd, F_GETFL) & O_NONBLOCK);
		assert_true(fcntl(v[i].fd, F_GETFD) & FD_CLOEXEC);
		nstream += v[i].stream;
		if (v[i].xprt == XPRT_LOCAL) {
			nlocal++;
			assert_int_equal(v[i].family, AF_LOCAL);
		}
	}
	assert_int_equal(nlocal, 2);
	assert_int_equal(nstream, v6 ? 4 : 3);
	assert_int_equal(lstat(sock_path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0666);

	/* a second one cannot bind */
	assert_int_equal(listen_open(&cfg, w, LISTEN_MAX, &m), LISTEN_ERR_BIND);
	assert_int_equal(m, 0);
	/* ... even on another port: the socket file is alive */
	cfg.port = free_port();
	assert_int_equal(listen_open(&cfg, w, LISTEN_MAX, &m), LISTEN_ERR_BIND);

	listen_close(v, n);
	assert_int_equal(lstat(sock_path, &st), -1);
	assert_int_equal(errno, ENOENT);
}

static void
test_stale_socket_replaced(void **state)
{
	struct listener		v[LISTEN_MAX];
	struct listen_cfg	cfg;
	struct sockaddr_un	sun;
	size_t			n;
	int			fd;

	/* a socket file whose owner is gone */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	memset(&cfg, 0, sizeof(cfg));
	cfg.port = free_port();
	cfg.local_path = sock_path;
	assert_int_equal(listen_open(&cfg, v, LISTEN_MAX, &n), 0);
	listen_close(v, n);
}

static void
test_other_file_kept(void **state)
{
	struct listener		v[LISTEN_MAX];
	struct listen_cfg	cfg;
	struct stat		st;
	size_t			n;
	int			fd;

	fd = open(sock_path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "keep", 4), 4);
	close(fd);
	memset(&cfg, 0, sizeof(cfg));
	cfg.port = free_port();
	cfg.local_path = sock_path;
	assert_int_equal(listen_open(&cfg, v, LISTEN_MAX, &n), LISTEN_ERR_BIND);
	assert_int_equal(lstat(sock_path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 4);
}

static void
test_hosts(void **state)
{
	struct listener		 v[LISTEN_MAX];
	struct listen_cfg	 cfg;
	const char		*dup[] = { "127.0.0.1", "127.0.0.2", "127.0.0.2" };
	const char		*name[] = { "localhost" };
	const char		*notours[] = { "192.0.2.1" };
	char			 want[LISTEN_NAME_MAX];
	size_t			 n, i;
	int			 v6 = has_ipv6();

	memset(&cfg, 0, sizeof(cfg));
	cfg.port = free_port();
	cfg.hosts = dup;
	cfg.nhosts = 3;
	assert_int_equal(listen_open(&cfg, v, LISTEN_MAX, &n), 0);
	/* 127.0.0.1, 127.0.0.2 and ::1, each udp and tcp; no local socket */
	assert_int_equal(n, v6 ? 6 : 4);
	snprintf(want, sizeof(want), "udp 127.0.0.2:%u", cfg.port);
	for (i = 0; i < n && strcmp(v[i].name, want) != 0; i++)
		;
	assert_true(i < n);
	if (v6) {
		snprintf(want, sizeof(want), "tcp6 [::1]:%u", cfg.port);
		for (i = 0; i < n && strcmp(v[i].name, want) != 0; i++)
			;
		assert_true(i < n);
	}
	listen_close(v, n);

	cfg.hosts = name;		/* no name service */
	cfg.nhosts = 1;
	assert_int_equal(listen_open(&cfg, v, LISTEN_MAX, &n), LISTEN_ERR_OTHER);
	cfg.hosts = notours;
	assert_int_equal(listen_open(&cfg, v, LISTEN_MAX, &n), LISTEN_ERR_BIND);
	cfg.nhosts = LISTEN_HOSTS_MAX + 1;
	assert_int_equal(listen_open(&cfg, v, LISTEN_MAX, &n), LISTEN_ERR_OTHER);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wildcards_and_local, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stale_socket_replaced, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_other_file_kept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hosts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
