/*
 * log.h - the daemon's log: stderr in the foreground (-f), syslog
 * (LOG_DAEMON) when detached.  A small vocabulary: warn (with errno), warnx
 * (without), info, debug (only with -d), and fatal/fatalx for start-up
 * failures only (they exit).
 *
 * Per-packet problems go through a rate limiter so that a remote peer
 * cannot fill the log: each kind of message is allowed a few times per
 * interval, and the number suppressed is reported when logging resumes.
 */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define LOG_PRINTF(f, a)	__attribute__((format(printf, f, a)))

/* to_stderr: log to stderr, else syslog; debug: let log_debug() through. */
void	log_init(const char *progname, int to_stderr, int debug);
/* Switch between stderr and syslog after start-up (daemonizing). */
void	log_to_stderr(int);
void	log_set_debug(int);
/* Reopen the log (SIGHUP): syslog's connection; stderr stays as it is. */
void	log_reopen(void);
int	log_debug_enabled(void);

void	log_warn(const char *, ...) LOG_PRINTF(1, 2);		/* ": strerror(errno)" */
void	log_warnx(const char *, ...) LOG_PRINTF(1, 2);
void	log_info(const char *, ...) LOG_PRINTF(1, 2);
void	log_debug(const char *, ...) LOG_PRINTF(1, 2);
/* Start-up only: log and exit(status). */
void	fatal(int status, const char *, ...) LOG_PRINTF(2, 3)
	    __attribute__((noreturn));
void	fatalx(int status, const char *, ...) LOG_PRINTF(2, 3)
	    __attribute__((noreturn));

/*
 * Rate limiter: at most burst messages per interval seconds.  When a new
 * interval starts after messages were suppressed, the next allowed call
 * first logs "<what>: N messages suppressed".
 */
struct ratelim {
	const char	*what;
	unsigned	 burst;
	unsigned	 interval;	/* seconds */
	uint64_t	 start;		/* ms, start of the current interval */
	unsigned	 n;		/* messages allowed in it */
	uint64_t	 suppressed;	/* since the last report */
	uint64_t	 total;		/* suppressed, ever */
};
#define RATELIM_INIT(what, burst, interval) \
	{ (what), (burst), (interval), 0, 0, 0, 0 }

/* now_ms on any monotonic clock.  Returns 1 when the message may be logged. */
int	log_ratelimited(struct ratelim *, uint64_t now_ms);

/* "1.2.3.4:111", "[::1]:111", "/path", "@abstract" or "?" for messages. */
const char *log_sockaddr(const struct sockaddr *, socklen_t, char *buf,
	    size_t bufsz);

#endif
