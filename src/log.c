/*
 * log.c - stderr or syslog, a small vocabulary, and a rate limiter.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static const char	*log_progname = "portmap";
static int		 log_stderr = 1;
static int		 log_debugging;
static int		 log_opened;

void
log_init(const char *progname, int to_stderr, int debug)
{
	const char	*p;

	if (progname != NULL) {
		p = strrchr(progname, '/');
		log_progname = p != NULL ? p + 1 : progname;
	}
	log_debugging = debug;
	log_to_stderr(to_stderr);
}

void
log_to_stderr(int on)
{
	log_stderr = on;
	if (!on && !log_opened) {
		openlog(log_progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_opened = 1;
	}
}

void
log_reopen(void)
{
	if (log_opened) {
		closelog();
		openlog(log_progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	}
}

void
log_set_debug(int on)
{
	log_debugging = on;
}

int
log_debug_enabled(void)
{
	return log_debugging;
}

static void	log_vlog(int, const char *, va_list, const char *)
		    __attribute__((format(printf, 2, 0)));

static void
log_vlog(int prio, const char *fmt, va_list ap, const char *err)
{
	char	msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_stderr) {
		if (err != NULL)
			fprintf(stderr, "%s: %s: %s\n", log_progname, msg, err);
		else
			fprintf(stderr, "%s: %s\n", log_progname, msg);
		fflush(stderr);
	} else if (err != NULL)
		syslog(prio, "%s: %s", msg, err);
	else
		syslog(prio, "%s", msg);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vlog(LOG_WARNING, fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vlog(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
	errno = saved;
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
	errno = saved;
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	if (!log_debugging)
		return;
	va_start(ap, fmt);
	log_vlog(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
	errno = saved;
}

void
fatal(int status, const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vlog(LOG_ERR, fmt, ap, strerror(saved));
	va_end(ap);
	exit(status);
}

void
fatalx(int status, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_ERR, fmt, ap, NULL);
	va_end(ap);
	exit(status);
}

int
log_ratelimited(struct ratelim *rl, uint64_t now_ms)
{
	uint64_t	 n;

	if (rl->n == 0 || now_ms - rl->start >= (uint64_t)rl->interval * 1000) {
		if (rl->suppressed > 0) {
			n = rl->suppressed;
			rl->suppressed = 0;
			log_info("%s: %" PRIu64 " similar messages suppressed",
			    rl->what != NULL ? rl->what : "log", n);
		}
		rl->start = now_ms;
		rl->n = 0;
	}
	if (rl->n >= rl->burst) {
		rl->suppressed++;
		rl->total++;
		return 0;
	}
	rl->n++;
	return 1;
}

const char *
log_sockaddr(const struct sockaddr *sa, socklen_t salen, char *buf,
    size_t bufsz)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	const struct sockaddr_un	*sun;
	char				 a[INET6_ADDRSTRLEN];
	size_t				 plen;

	if (bufsz == 0)
		return buf;
	snprintf(buf, bufsz, "?");
	if (sa == NULL || salen < sizeof(sa->sa_family))
		return buf;
	switch (sa->sa_family) {
	case AF_INET:
		if (salen < sizeof(*sin))
			break;
		sin = (const struct sockaddr_in *)sa;
		if (inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)) != NULL)
			snprintf(buf, bufsz, "%s:%u", a, ntohs(sin->sin_port));
		break;
	case AF_INET6:
		if (salen < sizeof(*sin6))
			break;
		sin6 = (const struct sockaddr_in6 *)sa;
		if (inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a)) != NULL)
			snprintf(buf, bufsz, "[%s]:%u", a, ntohs(sin6->sin6_port));
		break;
	case AF_UNIX:
		sun = (const struct sockaddr_un *)sa;
		plen = salen > offsetof(struct sockaddr_un, sun_path) ?
		    salen - offsetof(struct sockaddr_un, sun_path) : 0;
		if (plen > sizeof(sun->sun_path))
			plen = sizeof(sun->sun_path);
		if (plen == 0)
			snprintf(buf, bufsz, "local");
		else if (sun->sun_path[0] == '\0')
			snprintf(buf, bufsz, "@%.*s", (int)(plen - 1),
			    sun->sun_path + 1);
		else
			snprintf(buf, bufsz, "%.*s", (int)strnlen(sun->sun_path,
			    plen), sun->sun_path);
		break;
	}
	return buf;
}
