/*
 * test_log.c - the rate limiter (burst per interval, suppressed counts,
 * the report when logging resumes) and the socket address formatter.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static void
test_ratelim_burst(void **state)
{
	struct ratelim	rl = RATELIM_INIT("test", 3, 10);
	uint64_t	t = 5000;
	int		i, allowed = 0;

	for (i = 0; i < 10; i++)
		allowed += log_ratelimited(&rl, t + (uint64_t)i * 100);
	assert_int_equal(allowed, 3);
	assert_int_equal(rl.suppressed, 7);
	assert_int_equal(rl.total, 7);
	/* still inside the interval */
	assert_int_equal(log_ratelimited(&rl, t + 9999), 0);
	assert_int_equal(rl.suppressed, 8);
	/* a new interval: allowed again, the count is reported and reset */
	assert_int_equal(log_ratelimited(&rl, t + 10000), 1);
	assert_int_equal(rl.suppressed, 0);
	assert_int_equal(rl.total, 8);
	assert_int_equal(log_ratelimited(&rl, t + 10001), 1);
	assert_int_equal(log_ratelimited(&rl, t + 10002), 1);
	assert_int_equal(log_ratelimited(&rl, t + 10003), 0);
}

/* The first call is allowed whatever the clock says, even 0. */
static void
test_ratelim_first(void **state)
{
	struct ratelim	rl = RATELIM_INIT("test", 1, 60);

	assert_int_equal(log_ratelimited(&rl, 0), 1);
	assert_int_equal(log_ratelimited(&rl, 59999), 0);
	assert_int_equal(log_ratelimited(&rl, 60000), 1);
}

/* The report of suppressed messages goes to the log (stderr here). */
static void
test_ratelim_report(void **state)
{
	struct ratelim	 rl = RATELIM_INIT("udp: oversized", 1, 1);
	char		 buf[512];
	FILE		*f;
	int		 fd, saved;
	size_t		 n;

	f = tmpfile();
	assert_non_null(f);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = fileno(f);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	log_init("test_log", 1, 0);
	assert_int_equal(log_ratelimited(&rl, 100), 1);
	assert_int_equal(log_ratelimited(&rl, 200), 0);
	assert_int_equal(log_ratelimited(&rl, 300), 0);
	assert_int_equal(log_ratelimited(&rl, 1100), 1);
	log_debug("hidden %d", 1);
	log_warnx("shown %d", 2);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf,
	    "test_log: udp: oversized: 2 similar messages suppressed\n"));
	assert_null(strstr(buf, "hidden"));
	assert_non_null(strstr(buf, "test_log: shown 2\n"));
}

static void
test_sockaddr_str(void **state)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
	struct sockaddr_un	sun;
	char			buf[128], small[8];
	socklen_t		len;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(111);
	inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr);
	assert_string_equal(log_sockaddr((struct sockaddr *)&sin, sizeof(sin),
	    buf, sizeof(buf)), "192.0.2.7:111");
	/* too short for its family */
	assert_string_equal(log_sockaddr((struct sockaddr *)&sin,
	    sizeof(sin) - 1, buf, sizeof(buf)), "?");
	/* truncated to the buffer */
	assert_string_equal(log_sockaddr((struct sockaddr *)&sin, sizeof(sin),
	    small, sizeof(small)), "192.0.2");

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(2049);
	inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
	assert_string_equal(log_sockaddr((struct sockaddr *)&sin6,
	    sizeof(sin6), buf, sizeof(buf)), "[2001:db8::1]:2049");

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "/run/rpcbind.sock");
	len = offsetof(struct sockaddr_un, sun_path) + strlen(sun.sun_path) + 1;
	assert_string_equal(log_sockaddr((struct sockaddr *)&sun, len, buf,
	    sizeof(buf)), "/run/rpcbind.sock");
	/* abstract: a leading NUL, no terminator */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, "\0abc", 4);
	len = offsetof(struct sockaddr_un, sun_path) + 4;
	assert_string_equal(log_sockaddr((struct sockaddr *)&sun, len, buf,
	    sizeof(buf)), "@abc");
	/* an unnamed peer */
	assert_string_equal(log_sockaddr((struct sockaddr *)&sun,
	    sizeof(sa_family_t), buf, sizeof(buf)), "local");
	/* a path filling sun_path without a NUL stays inside it */
	memset(sun.sun_path, 'p', sizeof(sun.sun_path));
	assert_int_equal(strlen(log_sockaddr((struct sockaddr *)&sun,
	    sizeof(sun), buf, sizeof(buf))), sizeof(buf) - 1 <
	    sizeof(sun.sun_path) ? sizeof(buf) - 1 : sizeof(sun.sun_path));
	assert_string_equal(log_sockaddr(NULL, 0, buf, sizeof(buf)), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ratelim_burst),
		cmocka_unit_test(test_ratelim_first),
		cmocka_unit_test(test_ratelim_report),
		cmocka_unit_test(test_sockaddr_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
