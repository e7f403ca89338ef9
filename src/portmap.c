/*
 * portmap.c - the daemon's main: options, start-up, signals, and the glue
 * between the transports and dispatch.
 */
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dispatch.h"
#include "log.h"
#include "loop.h"
#include "notify.h"
#include "pmap_prot.h"
#include "policy.h"
#include "portuse.h"
#include "privs.h"
#include "reap.h"
#include "relay.h"
#include "state.h"
#include "stats.h"
#include "table.h"
#include "transport.h"
#include "uaddr.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE		71	/* Linux 5.14 */
#endif

#ifndef PORTMAP_VERSION
#define PORTMAP_VERSION		"0.1"
#endif

#define PM_EXIT_OK		0
#define PM_EXIT_FAIL		1	/* other start-up failure */
#define PM_EXIT_USAGE		2
#define PM_EXIT_BIND		3	/* cannot bind a socket */
#define PM_EXIT_RUNNING		4	/* another portmap holds the state lock */

#define PM_SOCK_PATH		"/run/rpcbind.sock"
#define PM_MAX_ENTRIES		20000	/* --max-entries */
#define PM_MAX_PER_OWNER	1000	/* --max-per-owner */
#define PM_FD_RESERVE		64	/* fds besides connections: sockets, files */
#define PM_NETIF_MS		30000	/* interface list refresh */
#define PM_STATUS_MS		1000	/* STATUS= at most this often */
#define PM_REAP_INTERVAL	10	/* seconds between reaper scans */
#define PM_GRACE		30	/* seconds a dead service may be answered */
#define PM_LOOKUP_RECHECK	1	/* a lookup re-checks an entry this old */
#define PM_MMAP_THRESHOLD	(64 * 1024)	/* malloc: bigger blocks mmap'd */
#define PM_MMAP_THRESHOLD_RUN	(4 << 20)	/* ... once started */
#define PM_TRIM_THRESHOLD_RUN	(4 << 20)	/* heap kept free before trimming */

/* Long options without a short one. */
enum {
	PM_OPT_STATE_DIR = 256,
	PM_OPT_NO_STATE,
	PM_OPT_REAP_INTERVAL,
	PM_OPT_GRACE,
	PM_OPT_NO_REAP,
	PM_OPT_IDLE_TIMEOUT,		/* resource limits */
	PM_OPT_RECORD_TIMEOUT,
	PM_OPT_MAX_RECORD,
	PM_OPT_MAX_FRAGMENTS,
	PM_OPT_MAX_ENTRIES,
	PM_OPT_MAX_PER_OWNER,
};

static struct {
	struct loop		*loop;
	struct table		*table;
	struct stats		 stats;
	struct iflist		 ifs;
	struct pm_config	 cfg;
	struct pm_ctx		 ctx;
	struct xprt_stats	 xst;
	struct listener		 lis[LISTEN_MAX];
	size_t			 nlis;
	struct udp_srv		*udp;
	struct stream_srv	*stream;
	struct loop_timer	 netif_timer;
	int			 log_calls;	/* 0, or 1 debug (-d), 2 info (-l) */
	struct ratelim		 rl_calls;
	uint64_t		 calls, replies, changes;
	/* calls from the network (policy.h) and forwarding (relay.h) */
	struct policy_opts	 popts;
	struct policy		*policy;
	struct relay_opts	 ropts;
	struct relay		*relay;
	int			 exit_signal;
	/* boot integration: service manager, privileges */
	struct loop_timer	 status_timer, wd_timer;
	uint64_t		 wd_ms;
	size_t			 nbuiltin;	/* our own entries */
	struct privs		 privs;		/* the user we become */
	int			 drop;		/* ... if any */
	/* persistence (state.h): the journal, and the single-instance lock */
	const char		*state_dir;
	int			 no_state;	/* --no-state: lock only */
	struct state		*state;
	/* reaping (reap.h) */
	int			 no_reap;
	unsigned		 reap_interval;	/* seconds */
	unsigned		 grace;		/* seconds, as the user said */
	struct reap		*reap;
	struct loop_timer	 reap_timer;
	struct loop_timer	 reap_kick;	/* a lookup wants fresh tables */
	int			 reap_fd;	/* watched while a reading runs */
	uint64_t		 reaped;
	uint64_t		 netns_cookie;	/* SO_NETNS_COOKIE of ours, or 0 */
	/* resource limits */
	size_t			 max_entries, max_per_owner;
} pm;

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: portmap [-adfilrsVw] [-c maxconn] [-h address] "
	    "[-P pidfile] [-p port]\n"
	    "               [-S path] [-t dir] [-u user] [--state-dir dir] "
	    "[--no-state]\n"
	    "               [--reap-interval seconds] [--grace seconds] "
	    "[--no-reap]\n"
	    "               [--allow cidr] [--deny cidr] [--amp-allow cidr] "
	    "[--no-hosts-access]\n"
	    "               [--rate n] [--burst n] [--forward-deny prog[:proc]]\n"
	    "               [--forward-timeout ms] [--forward-slots n]\n"
	    "               [--idle-timeout seconds] [--record-timeout seconds]\n"
	    "               [--max-record bytes] [--max-fragments n] "
	    "[--max-entries n]\n"
	    "               [--max-per-owner n]\n"
	    "       portmap --check-port [-p port] [-S path]\n"
	    "       portmap --help\n");
	exit(status);
}

/*
 * The table changed.  It is already in the state file: the table's
 * observer (state.c) appended the change before table_set() or
 * table_unset() returned, so before the reply goes out.
 */
static void
state_changed(void)
{
	pm.changes++;
}

/* Problems with the state file, now and later (state.h). */
static void
pm_state_warn(void *arg, const char *msg)
{
	log_warnx("%s", msg);
}

/* Seconds on the monotonic clock, for the reaper (never 0). */
static uint32_t
pm_mono(void)
{
	return (uint32_t)(loop_now(pm.loop) / 1000) + 1;
}

/* The reaper removes an entry: say so, once. */
static void
pm_reaped(void *arg, const struct table_entry *e, const char *why)
{
	char	owner[32];

	pm.reaped++;
	log_info("removed stale registration %u %u %s %s (owner %s, pid %d): "
	    "%s", e->prog, e->vers, e->netid, e->uaddr,
	    table_owner_str(e->owner, owner, sizeof(owner)), (int)e->pid, why);
}

/* A reading of the socket tables is complete: check every entry. */
static void
pm_reap_done(void)
{
	(void)reap_scan_tables(pm.reap, pm.table, pm_mono(), pm_reaped, NULL);
	(void)state_flush(pm.state);	/* removals: journaled now */
}

/* A chunk of the socket tables is ready (reap.h). */
static void
pm_reap_read(struct loop *l, int fd, void *arg)
{
	if (reap_read_step(pm.reap, pm_mono()) == 0)
		return;
	loop_del_fd(l, fd);
	pm.reap_fd = -1;
	pm_reap_done();
}

/*
 * Read the socket tables without stalling the loop: a chunk per wake-up
 * (sock_diag), then a scan of every entry.  A reading under way goes on.
 */
static void
pm_reap_begin(void)
{
	int	fd;

	if (pm.reap_fd != -1)
		return;
	if (reap_read_start(pm.reap, pm_mono()) == 1) {
		pm_reap_done();
		return;
	}
	fd = reap_read_fd(pm.reap);
	if (fd != -1 && loop_add_fd(pm.loop, fd, pm_reap_read, NULL,
	    NULL) == 0) {
		pm.reap_fd = fd;
		return;
	}
	/* cannot watch it: read to the end at once */
	(void)reap_scan(pm.reap, pm.table, pm_mono(), pm_reaped, NULL);
	(void)state_flush(pm.state);
}

static void
pm_reap_scan(struct loop *l, void *arg)
{
	pm_reap_begin();
	loop_timer_arm(l, &pm.reap_timer, (uint64_t)pm.reap_interval * 1000);
}

static void
pm_reap_kicked(struct loop *l, void *arg)
{
	pm_reap_begin();
}

/*
 * Lookup hook (dispatch.h): before an entry is handed to a client, check
 * it unless it was found alive within the last PM_LOOKUP_RECHECK seconds.
 * The check never waits for the socket tables: it uses the last reading,
 * and when that is older than a second it asks for a new one, begun once
 * this wake-up's requests are answered.
 */
static int
pm_lookup_check(void *arg, const struct table_entry *e)
{
	uint32_t	now;

	if (e->flags & (TE_BUILTIN | TE_REMOTE | TE_KERNEL))
		return 0;
	now = pm_mono();
	if (e->checked != 0 && e->checked <= now &&
	    now - e->checked < PM_LOOKUP_RECHECK)
		return 0;
	if (reap_tables_at(pm.reap) != now && pm.reap_fd == -1 &&
	    !pm.reap_kick.armed)
		loop_timer_arm(pm.loop, &pm.reap_kick, 0);
	return reap_check_cached(pm.reap, pm.table, e, now, pm_reaped, NULL);
}

/*
 * Accept hook (transport.h): where does a local peer live?  The reaper
 * notes the process (its start time, and its network namespace when
 * /proc/PID/ns/net may be read: not after the privilege drop, for
 * another user's process).  Failing that, the socket tells: a unix
 * stream socket accepted here was made in the connecting socket's
 * namespace, and SO_NETNS_COOKIE names it (Linux 5.14).
 */
static void
pm_peer(void *arg, int fd, struct caller *c)
{
	uint64_t	cookie;
	socklen_t	len = sizeof(cookie);

	if (!c->has_cred)
		return;
	if (pm.reap != NULL && (c->netns = reap_note_pid(pm.reap, c->pid)) != 0)
		return;
	if (pm.netns_cookie != 0 && getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE,
	    &cookie, &len) == 0 && len == sizeof(cookie))
		c->netns = cookie == pm.netns_cookie ? TE_NETNS_SAME :
		    TE_NETNS_OTHER;
}

/* Our own namespace's cookie, from a socket of ours; 0 if unknown. */
static uint64_t
pm_netns_cookie(void)
{
	uint64_t	cookie = 0;
	socklen_t	len = sizeof(cookie);
	int		fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) == -1 ||
	    len != sizeof(cookie))
		cookie = 0;
	close(fd);
	return cookie;
}

/*
 * Who holds the flock on the directory with this device and inode?  From
 * /proc/locks ("1: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF"); 0 when
 * it cannot be told.
 */
static pid_t
pm_lock_holder(dev_t dev, ino_t ino)
{
	FILE			*f;
	char			 line[256], kind[16];
	unsigned		 maj, mnr;
	unsigned long long	 inode;
	long			 pid;
	pid_t			 found = 0;

	if ((f = fopen("/proc/locks", "re")) == NULL)
		return 0;
	while (found == 0 && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%*[^:]: %15s %*s %*s %ld %x:%x:%llu", kind,
		    &pid, &maj, &mnr, &inode) != 5 ||
		    strcmp(kind, "FLOCK") != 0)
			continue;
		if (inode == (unsigned long long)ino && maj == major(dev) &&
		    mnr == minor(dev) && pid > 0)
			found = (pid_t)pid;
	}
	fclose(f);
	return found;
}

/*
 * Is another portmap running with this state directory?  Checked as
 * early as possible, before any socket is touched, so that a second
 * daemon says so instead of failing to bind (the lock itself is taken by
 * state_open() after the privilege drop: the directory then belongs to
 * the daemon's user).  Exits PM_EXIT_RUNNING when the lock is held.
 */
static void
pm_check_running(const char *chroot_dir)
{
	struct stat	sb;
	char		path[PATH_MAX];
	pid_t		pid;
	int		fd;

	snprintf(path, sizeof(path), "%s%s", chroot_dir != NULL ? chroot_dir :
	    "", pm.state_dir);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return;		/* missing or unusable: state_open says why */
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		(void)flock(fd, LOCK_UN);
		close(fd);
		return;
	}
	if (errno != EWOULDBLOCK) {
		close(fd);
		return;
	}
	pid = fstat(fd, &sb) == 0 ? pm_lock_holder(sb.st_dev, sb.st_ino) : 0;
	close(fd);
	if (pid > 0)
		log_warnx("another portmap is running (pid %ld holds the lock "
		    "on %s): not starting", (long)pid, pm.state_dir);
	else
		log_warnx("another portmap is running (state directory %s is "
		    "locked): not starting", pm.state_dir);
	exit(PM_EXIT_RUNNING);
}

/*
 * Open and lock the state directory and, unless --no-state, restore the
 * table from it and journal every change from then on.  A directory we
 * cannot use costs persistence, never the start; only a lock held by
 * another daemon stops us.
 */
static void
pm_state_start(void)
{
	char	err[512];
	int	n;

	errno = 0;
	if ((pm.state = state_open(pm.state_dir, err, sizeof(err))) == NULL) {
		if (errno == EWOULDBLOCK) {
			log_warnx("another portmap is running (state directory "
			    "%s is locked): not starting", pm.state_dir);
			exit(PM_EXIT_RUNNING);
		}
		log_warnx("%s; running without %s", err, pm.no_state ?
		    "the single-instance lock" : "persistence");
		return;
	}
	if (pm.no_state)
		return;
	n = state_load(pm.state, pm.table, pm_state_warn, NULL);
	log_info("restored %d registration%s from %s/state", n,
	    n == 1 ? "" : "s", pm.state_dir);
}

/* Log a call (-d, -l), at a bounded rate. */
static void
pm_log_call(const struct caller *c, const uint8_t *req, size_t len, int r,
    const struct xdr_enc *reply)
{
	uint32_t	 w[6];
	char		 a[128], res[32];
	size_t		 i;

	if (!log_ratelimited(&pm.rl_calls, loop_now(pm.loop)))
		return;
	memset(w, 0, sizeof(w));
	for (i = 0; i < 6 && (i + 1) * 4 <= len; i++)
		w[i] = (uint32_t)req[4 * i] << 24 | (uint32_t)req[4 * i + 1] << 16 |
		    (uint32_t)req[4 * i + 2] << 8 | req[4 * i + 3];
	if (r == 1)
		snprintf(res, sizeof(res), "%zu bytes", reply->len);
	else
		snprintf(res, sizeof(res), "no reply");
	if (c->has_cred)
		snprintf(a, sizeof(a), "uid %u pid %d", (unsigned)c->uid,
		    (int)c->pid);
	else
		log_sockaddr((const struct sockaddr *)&c->peer, c->peerlen, a,
		    sizeof(a));
	if (pm.log_calls == 2)
		log_info("%s %s: xid %#x prog %u vers %u proc %u (%zu bytes): %s",
		    xprt_netid(c->xprt), a, w[0], w[3], w[4], w[5], len, res);
	else
		log_debug("%s %s: xid %#x prog %u vers %u proc %u (%zu bytes): %s",
		    xprt_netid(c->xprt), a, w[0], w[3], w[4], w[5], len, res);
}

/* Before the replies of a batch of datagrams go out (transport.h). */
static void
pm_presend(void *arg)
{
	(void)state_flush(pm.state);
}

/* Every transport's requests come here. */
static int
pm_handle(void *arg, const struct caller *c, const uint8_t *req, size_t len,
    struct xdr_enc *reply)
{
	struct caller	cc;
	int		r;

	pm.calls++;
	/*
	 * access lists, rate limit, and the UDP reply cap for this peer
	 * (never for loopback and AF_LOCAL callers: no copy for them)
	 */
	if (!caller_is_local(c)) {
		cc = *c;
		if (!policy_gate(pm.policy, &cc, len, reply,
		    loop_now(pm.loop)))
			return 0;
		c = &cc;
	}
	relay_begin(pm.relay, reply->max);
	pm.ctx.now = (uint32_t)loop_wall(pm.loop);
	pm.ctx.changed = 0;
	r = dispatch(&pm.ctx, c, req, len, reply);
	if (pm.ctx.changed)
		state_changed();
	/*
	 * The journal before the reply: a stream's goes out as soon as we
	 * return; a datagram's with its batch, after pm_presend().
	 */
	if (!xprt_is_dgram(c->xprt))
		(void)state_flush(pm.state);
	if (r == 1)
		pm.replies++;
	if (pm.log_calls)
		pm_log_call(c, req, len, r, reply);
	return r;
}

static void
pm_netif(struct loop *l, void *arg)
{
	static struct ratelim	rl = RATELIM_INIT("getifaddrs", 1, 600);

	if (netif_load(&pm.ifs) == -1 && log_ratelimited(&rl, loop_now(l)))
		log_warn("getifaddrs");
	loop_timer_arm(l, &pm.netif_timer, PM_NETIF_MS);
}

static void
pm_report(void)
{
	const struct table_entry	*e;
	struct table_stats		 ts;
	char				 owner[32];
	const struct stats_vers		*sv;
	uint64_t			 sum;
	int				 v;
	unsigned			 p;

	table_stats(pm.table, &ts);
	log_info("table: %zu entries, %zu programs, %zu owners, %zu bytes, "
	    "longest chain %zu", ts.entries, ts.programs, ts.owners, ts.bytes,
	    ts.max_chain);
	for (e = table_first(pm.table); e != NULL; e = table_next(e))
		log_info("  %10u %u %-5s %-24s %s%s%s%s", e->prog, e->vers,
		    e->netid, e->uaddr,
		    table_owner_str(e->owner, owner, sizeof(owner)),
		    (e->flags & TE_BUILTIN) ? " (builtin)" : "",
		    (e->flags & TE_REMOTE) ? " (remote)" : "",
		    !(e->flags & TE_LOCAL) ? "" :
		    (e->flags & TE_NETNS_OTHER) ? " (local, other netns)" :
		    " (local)");
	for (v = 0; v < 3; v++) {
		sv = &pm.stats.v[v];
		for (p = 0, sum = 0; p < RPCBSTAT_HIGHPROC; p++)
			sum += (uint32_t)sv->info[p];
		log_info("version %d: %" PRIu64 " calls, %d sets, %d unsets, "
		    "%u lookup keys, %u remote-call keys", v + 2, sum,
		    sv->setinfo, sv->unsetinfo, sv->naddr, sv->nrmt);
	}
	log_info("calls %" PRIu64 ", replies %" PRIu64 ", table changes %" PRIu64
	    ", dropped %" PRIu64 ", garbage %" PRIu64 ", denied %" PRIu64
	    ", rate-limited %" PRIu64, pm.calls, pm.replies, pm.changes,
	    pm.stats.dropped, pm.stats.garbage, pm.stats.denied,
	    pm.stats.ratelimited);
	policy_report(pm.policy);
	relay_report(pm.relay);
	log_info("udp: in %" PRIu64 ", out %" PRIu64 ", oversized %" PRIu64
	    ", send errors %" PRIu64, pm.xst.dgrams_in, pm.xst.dgrams_out,
	    pm.xst.dgrams_trunc, pm.xst.send_errors);
	log_info("streams: %u open (max %u), accepted %" PRIu64 ", closed %"
	    PRIu64 ", refused %" PRIu64 ", timed out %" PRIu64 ", oversized %"
	    PRIu64 ", records %" PRIu64 "/%" PRIu64 ", evicted %" PRIu64
	    ", paused %" PRIu64, pm.xst.conns,
	    pm.xst.max_conns_seen, pm.xst.accepted, pm.xst.closed,
	    pm.xst.refused, pm.xst.timeouts, pm.xst.toobig, pm.xst.records_in,
	    pm.xst.records_out, pm.xst.evicted, pm.xst.paused);
	log_info("interfaces: %zu addresses; wake-ups %" PRIu64, pm.ifs.n,
	    loop_wakeups(pm.loop));
	if (pm.state != NULL && !pm.no_state) {
		struct state_info	si;

		state_info(pm.state, &si);
		log_info("state: %s/state, %" PRIu64 " records, %" PRIu64
		    " compactions, %" PRIu64 " write errors%s", pm.state_dir,
		    si.records, si.compactions, si.write_errors,
		    si.ok ? "" : ", NOT UP TO DATE");
	} else
		log_info("state: not kept%s", pm.no_state ? " (--no-state)" :
		    "");
	if (pm.reap != NULL && !pm.no_reap)
		log_info("reaper: every %u s, grace %u s, %zu suspect%s, %"
		    PRIu64 " removed", pm.reap_interval, pm.grace,
		    reap_suspects(pm.reap),
		    reap_suspects(pm.reap) == 1 ? "" : "s", pm.reaped);
	else
		log_info("reaper: off");
}

/*
 * SIGHUP: reopen the log and re-read what can be re-read without a
 * restart: the interface list and the access configuration (policy.c).
 * Registrations, sockets, the state directory and the options on the
 * command line stay as they are.
 */
static void
pm_reload(void)
{
	char	d[256];

	log_reopen();
	if (netif_load(&pm.ifs) == -1)
		log_warn("reload: getifaddrs");
	/* registrations stay; a broken configuration leaves the old in force */
	if (policy_reload(pm.policy) == 0)
		policy_describe(pm.policy, d, sizeof(d));
	else
		snprintf(d, sizeof(d), "kept the previous access configuration");
	log_info("reloaded (SIGHUP): log reopened, %zu interface addresses; "
	    "access: %s", pm.ifs.n, d);
}

static void
pm_signal(struct loop *l, int signo, void *arg)
{
	switch (signo) {
	case SIGTERM:
	case SIGINT:
		pm.exit_signal = signo;
		loop_stop(l);
		break;
	case SIGHUP:
		pm_reload();
		break;
	case SIGUSR1:
		pm_report();
		break;
	}
}

/*
 * Start-up is over: freed heap pages go back to the kernel (malloc_trim),
 * and from now on reply buffers (a DUMP of 10,000 entries is 200 kB) come
 * from the heap and stay there for the next reply, instead of a fresh
 * mapping faulted in page by page for each one.
 */
static void
pm_trim(void)
{
#ifdef __GLIBC__	/* musl's malloc has no such knobs, nor needs them */
	(void)malloc_trim(0);
	(void)mallopt(M_MMAP_THRESHOLD, PM_MMAP_THRESHOLD_RUN);
	(void)mallopt(M_TRIM_THRESHOLD, PM_TRIM_THRESHOLD_RUN);
#endif
}

/* Our own entries: 100000 v2, v3, v4 on every transport we serve. */
static int
pm_builtin(void)
{
	const struct listener	*li;
	const char		*netid;
	char			 ua[PM_UADDR_MAX + 1];
	size_t			 i;
	uint32_t		 v;
	int			 dual;
	enum table_set_result	 r;

	for (i = 0, dual = 0; i < pm.nlis; i += dual ? 0 : 1) {
		li = &pm.lis[i];
		netid = xprt_netid(li->xprt);
		if (li->family == AF_INET || dual) {
			/* a dual-stack socket serves udp/tcp as well */
			uaddr_v2(pm.cfg.port, ua, sizeof(ua));
			if (dual)
				netid = xprt_netid(li->stream ? XPRT_TCP :
				    XPRT_UDP);
			dual = 0;
		} else if (li->family == AF_INET6) {
			snprintf(ua, sizeof(ua), "::.%u.%u", pm.cfg.port >> 8,
			    pm.cfg.port & 0xff);
			dual = li->dualstack;
		} else if (li->path[0] != '\0')
			snprintf(ua, sizeof(ua), "%s", li->path);
		else
			continue;	/* the abstract name: same netid as the path */
		for (v = PMAP_VERS_LOW; v <= PMAP_VERS_HIGH; v++) {
			r = table_set(pm.table, PMAP_PROG, v, netid, ua,
			    OWNER_SUPERUSER, (int32_t)getpid(), TE_BUILTIN);
			if (r != TABLE_ADDED && r != TABLE_SAME) {
				log_warnx("cannot register 100000 v%u on %s", v,
				    netid);
				return -1;
			}
		}
	}
	return 0;
}

/* "12 registrations on 6 sockets": ours are not counted. */
static const char *
pm_status_text(char *buf, size_t bufsz)
{
	size_t	n = table_count(pm.table);

	n = n > pm.nbuiltin ? n - pm.nbuiltin : 0;
	snprintf(buf, bufsz, "%zu registration%s on %zu sockets", n,
	    n == 1 ? "" : "s", pm.nlis);
	return buf;
}

/* STATUS= for the service manager when it changed, at most once a second. */
static void
pm_status(struct loop *l, void *arg)
{
	char	st[128];

	notify_status("%s", pm_status_text(st, sizeof(st)));
	loop_timer_arm(l, &pm.status_timer, PM_STATUS_MS);
}

/* WATCHDOG=1 from the loop: a hung loop stops it, and the manager acts. */
static void
pm_watchdog(struct loop *l, void *arg)
{
	notify_watchdog();
	loop_timer_arm(l, &pm.wd_timer, pm.wd_ms);
}

/*
 * --check-port: who holds our port and socket path?  One line per held
 * address; 0 when none is held, 1 when one is.
 */
static int
pm_check_port(const char *local_path)
{
	static const char *const	 netids[] = { "udp", "tcp", "udp6", "tcp6" };
	struct sockaddr_storage		 ss;
	struct sockaddr_in		*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6		*sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_un		*sun = (struct sockaddr_un *)&ss;
	struct portuse			 pu;
	char				 a[128];
	size_t				 i;
	int				 held = 0;

	for (i = 0; i < 5; i++) {
		memset(&ss, 0, sizeof(ss));
		if (i == 4) {
			if (local_path == NULL)
				break;
			sun->sun_family = AF_UNIX;
			snprintf(sun->sun_path, sizeof(sun->sun_path), "%s",
			    local_path);
		} else if (i % 4 < 2) {
			sin->sin_family = AF_INET;
			sin->sin_port = htons(pm.cfg.port);
		} else {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons(pm.cfg.port);
		}
		if (portuse_find("/proc", i == 4 ? "local" : netids[i],
		    (struct sockaddr *)&ss, &pu) == -1 || !pu.found)
			continue;
		/* a TCP entry without inode is a closing connection */
		if (pu.inode == 0 && (i == 1 || i == 3))
			continue;
		held = 1;
		if (i == 4)
			snprintf(a, sizeof(a), "local %s", local_path);
		else
			snprintf(a, sizeof(a), "%s port %u", netids[i],
			    pm.cfg.port);
		if (pu.inode == 0)
			printf("%s: held by a kernel socket\n", a);
		else if (pu.pid > 0)
			printf("%s: held by %s (pid %ld)%s\n", a,
			    pu.comm[0] != '\0' ? pu.comm : "?", (long)pu.pid,
			    pu.systemd && pu.pid != 1 ?
			    " and by systemd (socket activation)" : "");
		else
			printf("%s: held by a process we cannot see\n", a);
	}
	if (!held)
		printf("port %u and %s: free\n", pm.cfg.port,
		    local_path != NULL ? local_path : "no socket path");
	fflush(stdout);
	return held ? 1 : 0;
}

/*
 * Whom to become after binding, looked up before anything is opened (the
 * name service is not reachable after a chroot, and a wrong -u is better
 * reported at once).  Sets pm.drop when there is a user to become.
 */
static void
pm_whom(const char *user, const char *chroot_dir)
{
	char	err[512];

	pm.drop = 0;
	if (getuid() != 0 && geteuid() != 0) {
		if (chroot_dir != NULL)
			fatalx(PM_EXIT_USAGE, "-t %s: needs root", chroot_dir);
		return;
	}
	if (user != NULL && strcmp(user, "root") == 0)
		return;
	if (privs_lookup(user, &pm.privs, err, sizeof(err)) == -1)
		fatalx(PM_EXIT_USAGE, "%s", err);
	pm.drop = pm.privs.uid != 0;
}

/*
 * Root only until here: chroot if asked, hand the state directory to the
 * user, and become the user for good.
 */
static void
pm_drop(const char *user, const char *chroot_dir)
{
	char	err[512];

	if (!pm.drop) {
		if (getuid() != 0 && geteuid() != 0)
			log_debug("running as uid %u: no privileges to drop",
			    (unsigned)getuid());
		else
			log_warnx("running as root (%s%s): privileges kept",
			    user != NULL ? "-u " : "user ", user != NULL ? user :
			    pm.privs.name);
		return;
	}
	if (chroot_dir != NULL && privs_chroot(chroot_dir, err,
	    sizeof(err)) == -1)
		fatalx(PM_EXIT_FAIL, "%s", err);
	if (pm.state_dir != NULL && privs_own_dir(pm.state_dir, &pm.privs,
	    err, sizeof(err)) == -1)
		log_warnx("%s", err);
	if (privs_drop(&pm.privs, err, sizeof(err)) == -1)
		fatalx(PM_EXIT_FAIL, "%s", err);
	log_debug("running as %s (uid %u, gid %u)%s%s", pm.privs.name,
	    (unsigned)pm.privs.uid, (unsigned)pm.privs.gid, chroot_dir != NULL ?
	    ", chrooted to " : "", chroot_dir != NULL ? chroot_dir : "");
}

/*
 * Room for maxconn connections besides our other fds: raise the soft
 * RLIMIT_NOFILE as far as FD_SETSIZE (select() takes no fd above it,
 * whatever the limit says) if the hard limit allows.  Short of fds, a new
 * connection takes the place of an idle one (stream.c).
 */
static void
pm_fdlimit(unsigned maxconn)
{
	struct rlimit	rl;
	rlim_t		want = (rlim_t)maxconn + PM_FD_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= want)
		return;
	if (want > FD_SETSIZE)
		want = FD_SETSIZE;
	if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
		want = rl.rlim_max;
	if (want > rl.rlim_cur) {
		rl.rlim_cur = want;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < (rlim_t)maxconn + PM_FD_RESERVE)
		log_info("open files limited to %llu: fewer than %u "
		    "connections at once", (unsigned long long)rl.rlim_cur,
		    maxconn);
}

static unsigned long
pm_number(const char *s, unsigned long min, unsigned long max, const char *what)
{
	unsigned long	 n;
	char		*end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 ||
	    n < min || n > max) {
		fprintf(stderr, "portmap: %s: %s must be %lu to %lu\n", s, what,
		    min, max);
		usage(PM_EXIT_USAGE);
	}
	return n;
}

int
main(int argc, char *argv[])
{
	static const struct option	 longopts[] = {
		{ "help",	no_argument,	NULL,	'H' },
		{ "check-port",	no_argument,	NULL,	'C' },
		{ "version",	no_argument,	NULL,	'V' },
		{ "state-dir",	required_argument, NULL, PM_OPT_STATE_DIR },
		{ "no-state",	no_argument,	NULL,	PM_OPT_NO_STATE },
		{ "reap-interval", required_argument, NULL, PM_OPT_REAP_INTERVAL },
		{ "grace",	required_argument, NULL, PM_OPT_GRACE },
		{ "no-reap",	no_argument,	NULL,	PM_OPT_NO_REAP },
		{ "allow",	required_argument, NULL, POLICY_OPT_ALLOW },
		{ "deny",	required_argument, NULL, POLICY_OPT_DENY },
		{ "amp-allow",	required_argument, NULL, POLICY_OPT_AMP },
		{ "hosts-access", no_argument,	NULL,	POLICY_OPT_HOSTS },
		{ "no-hosts-access", no_argument, NULL,	POLICY_OPT_NOHOSTS },
		{ "rate",	required_argument, NULL, POLICY_OPT_RATE },
		{ "burst",	required_argument, NULL, POLICY_OPT_BURST },
		{ "forward-deny", required_argument, NULL, RELAY_OPT_DENY },
		{ "forward-timeout", required_argument, NULL, RELAY_OPT_TIMEOUT },
		{ "forward-slots", required_argument, NULL, RELAY_OPT_SLOTS },
		{ "idle-timeout", required_argument, NULL, PM_OPT_IDLE_TIMEOUT },
		{ "record-timeout", required_argument, NULL, PM_OPT_RECORD_TIMEOUT },
		{ "max-record",	required_argument, NULL, PM_OPT_MAX_RECORD },
		{ "max-fragments", required_argument, NULL, PM_OPT_MAX_FRAGMENTS },
		{ "max-entries", required_argument, NULL, PM_OPT_MAX_ENTRIES },
		{ "max-per-owner", required_argument, NULL, PM_OPT_MAX_PER_OWNER },
		{ NULL,		0,		NULL,	0 }
	};
	struct ratelim		 rl_calls = RATELIM_INIT("call log", 30, 10);
	const char		*hosts[LISTEN_HOSTS_MAX];
	const char		*pidfile = NULL, *user = NULL, *chroot_dir = NULL;
	char			 st[128], acc[256];
	struct listener		 passed[LISTEN_MAX];
	struct listen_cfg	 lc;
	struct stream_cfg	 sc;
	size_t			 nhosts = 0, i;
	int			 ch, foreground = 0, debug = 0, r, check = 0;

	memset(&sc, 0, sizeof(sc));
	sc.max_conns = STREAM_MAX_CONNS;
	sc.idle_ms = STREAM_IDLE_MS;
	sc.record_ms = STREAM_RECORD_MS;
	sc.max_frags = STREAM_MAX_FRAGS;
	sc.max_record = PM_REQUEST_MAX;
	pm.max_entries = PM_MAX_ENTRIES;
	pm.max_per_owner = PM_MAX_PER_OWNER;
	memset(&lc, 0, sizeof(lc));
	lc.local_path = PM_SOCK_PATH;
	pm.cfg.port = PMAP_PORT;
	pm.rl_calls = rl_calls;
	pm.state_dir = STATE_DIR;
	pm.reap_interval = PM_REAP_INTERVAL;
	pm.grace = PM_GRACE;

	/*
	 * Big tables (the rate limiter's, the receive buffers) in their own
	 * mappings: zero pages until used, returned whole when freed, and
	 * no heap grown for them and never given back.
	 */
#ifdef __GLIBC__
	(void)mallopt(M_MMAP_THRESHOLD, PM_MMAP_THRESHOLD);
#endif
	log_init(argv[0], 1, 0);
	while ((ch = getopt_long(argc, argv, "ac:dfh:ilP:p:rS:st:u:Vw", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':	/* rpcbind: abort on errors in debug mode */
			break;
		case 'c':
			sc.max_conns = (unsigned)pm_number(optarg, 1,
			    FD_SETSIZE - PM_FD_RESERVE, "maxconn");
			break;
		case 'd':
			debug = 1;
			foreground = 1;
			pm.log_calls = 1;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'h':
			if (nhosts == LISTEN_HOSTS_MAX) {
				fprintf(stderr, "portmap: at most %d -h options\n",
				    LISTEN_HOSTS_MAX);
				usage(PM_EXIT_USAGE);
			}
			hosts[nhosts++] = optarg;
			break;
		case 'i':
			pm.cfg.insecure = 1;
			break;
		case 'l':
			if (pm.log_calls == 0)
				pm.log_calls = 2;
			break;
		case 'P':
			pidfile = optarg;
			break;
		case 'p':
			pm.cfg.port = (uint16_t)pm_number(optarg, 1, 65535, "port");
			break;
		case 'r':
			pm.cfg.forwarding = 1;
			break;
		case 'S':
			if (optarg[0] != '/' || strlen(optarg) >= 107) {
				fprintf(stderr, "portmap: %s: the socket path must "
				    "be absolute and under 107 bytes\n", optarg);
				usage(PM_EXIT_USAGE);
			}
			lc.local_path = optarg;
			break;
		case 's':	/* rpcbind: run as a user; we always do */
			break;
		case 't':
			if (optarg[0] != '/') {
				fprintf(stderr, "portmap: -t %s: the directory "
				    "must be absolute\n", optarg);
				usage(PM_EXIT_USAGE);
			}
			chroot_dir = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'C':
			check = 1;
			break;
		case 'V':
			printf("portmap %s\n%s, %s\n", PORTMAP_VERSION,
#if defined(__GLIBC__)
			    "glibc, dynamic",
#else
			    "static (musl)",
#endif
			    notify_how());
			return PM_EXIT_OK;
		case 'w':	/* warm start: restore at start, the default */
			break;
		case PM_OPT_STATE_DIR:
			if (optarg[0] != '/' || strlen(optarg) >= PATH_MAX / 2) {
				fprintf(stderr, "portmap: %s: the state directory "
				    "must be an absolute path\n", optarg);
				usage(PM_EXIT_USAGE);
			}
			pm.state_dir = optarg;
			break;
		case PM_OPT_NO_STATE:
			pm.no_state = 1;
			break;
		case PM_OPT_REAP_INTERVAL:
			pm.reap_interval = (unsigned)pm_number(optarg, 1, 3600,
			    "the reap interval");
			break;
		case PM_OPT_GRACE:
			pm.grace = (unsigned)pm_number(optarg, 2, 86400,
			    "the grace period");
			break;
		case PM_OPT_NO_REAP:
			pm.no_reap = 1;
			break;
		case PM_OPT_IDLE_TIMEOUT:
			sc.idle_ms = 1000 * (unsigned)pm_number(optarg, 1, 3600,
			    "the idle timeout");
			break;
		case PM_OPT_RECORD_TIMEOUT:
			sc.record_ms = 1000 * (unsigned)pm_number(optarg, 1, 600,
			    "the record timeout");
			break;
		case PM_OPT_MAX_RECORD:
			sc.max_record = (unsigned)pm_number(optarg, 400,
			    PM_REQUEST_MAX, "the record size");
			break;
		case PM_OPT_MAX_FRAGMENTS:
			sc.max_frags = (unsigned)pm_number(optarg, 1, 1024,
			    "the fragment count");
			break;
		case PM_OPT_MAX_ENTRIES:
			pm.max_entries = pm_number(optarg, 16, 1000000,
			    "the table size");
			break;
		case PM_OPT_MAX_PER_OWNER:
			pm.max_per_owner = pm_number(optarg, 1, 1000000,
			    "the entries per owner");
			break;
		case 'H':
			usage(PM_EXIT_OK);
		default:
			if (ch >= POLICY_OPT_ALLOW && ch < POLICY_OPT_LAST) {
				if (policy_option(&pm.popts, ch, optarg) == -1)
					usage(PM_EXIT_USAGE);
				break;
			}
			if (ch >= RELAY_OPT_DENY && ch < RELAY_OPT_LAST) {
				if (relay_option(&pm.ropts, ch, optarg) == -1)
					usage(PM_EXIT_USAGE);
				break;
			}
			usage(PM_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(PM_EXIT_USAGE);
	if (check)
		return pm_check_port(lc.local_path);
	log_set_debug(debug);
	if (pm.log_calls == 1)
		pm.rl_calls.burst = 100;

	signal(SIGPIPE, SIG_IGN);
	umask(022);

	/*
	 * The service manager: its notification socket and the sockets it
	 * passed (read before detaching: they are for this pid).
	 */
	pm_whom(user, chroot_dir);
	(void)notify_init();
	if ((r = notify_listen_fds(passed, LISTEN_MAX)) < 0)
		exit(PM_EXIT_FAIL);
	if (!foreground)
		notify_detach(PM_EXIT_FAIL);

	pm_check_running(chroot_dir);

	lc.port = pm.cfg.port;
	lc.hosts = hosts;
	lc.nhosts = nhosts;
	lc.passed = passed;
	lc.npassed = (size_t)r;
	r = listen_open(&lc, pm.lis, LISTEN_MAX, &pm.nlis);
	if (r == LISTEN_ERR_BIND)
		exit(PM_EXIT_BIND);
	if (r != 0)
		exit(PM_EXIT_FAIL);
	if (pidfile != NULL && notify_pidfile(pidfile) == -1)
		fatal(PM_EXIT_FAIL, "pid file %s", pidfile);

	if ((pm.loop = loop_new()) == NULL)
		fatal(PM_EXIT_FAIL, "loop");
	pm_fdlimit(sc.max_conns);
	if ((pm.table = table_new(pm.max_entries, pm.max_per_owner)) == NULL)
		fatal(PM_EXIT_FAIL, "table");
	stats_init(&pm.stats);
	if (netif_load(&pm.ifs) == -1)
		log_warn("getifaddrs");
	loop_timer_init(&pm.netif_timer, pm_netif, NULL);
	loop_timer_arm(pm.loop, &pm.netif_timer, PM_NETIF_MS);
	if (pm_builtin() == -1)
		exit(PM_EXIT_FAIL);
	pm.nbuiltin = table_count(pm.table);

	pm.ctx.table = pm.table;
	pm.ctx.stats = &pm.stats;
	pm.ctx.ifs = &pm.ifs;
	pm.ctx.cfg = &pm.cfg;
	pm.ctx.fwd = NULL;		/* set below with -r */
	/*
	 * The reaper notes every local peer (its namespace goes into its
	 * registrations) even when it does not scan.  Its grace is one
	 * lookup re-check shorter than the user's, so that no lookup hands
	 * out a dead service's address for longer than --grace seconds.
	 */
	pm.reap_fd = -1;
	if ((pm.reap = reap_new("/proc", pm.grace - PM_LOOKUP_RECHECK)) == NULL)
		log_warn("reaper: not started");
	if (pm.reap != NULL && !pm.no_reap) {
		loop_timer_init(&pm.reap_timer, pm_reap_scan, NULL);
		loop_timer_arm(pm.loop, &pm.reap_timer,
		    (uint64_t)pm.reap_interval * 1000);
		loop_timer_init(&pm.reap_kick, pm_reap_kicked, NULL);
		pm.ctx.check = pm_lookup_check;
	}

	if ((pm.udp = udp_new(pm.loop, pm_handle, NULL, &pm.xst)) == NULL ||
	    (pm.stream = stream_new(pm.loop, &sc, pm_handle, NULL,
	    &pm.xst)) == NULL)
		fatal(PM_EXIT_FAIL, "start");
	/* hosts files read now, before a chroot; sockets before the drop */
	if ((pm.policy = policy_new(&pm.popts, &pm.stats)) == NULL)
		exit(PM_EXIT_FAIL);
	if (pm.cfg.forwarding) {
		if ((pm.relay = relay_new(pm.loop, &pm.ropts, pm.udp,
		    &pm.ifs)) == NULL)
			exit(PM_EXIT_FAIL);
		pm.ctx.fwd = relay_hook;
		pm.ctx.fwd_arg = pm.relay;
	}
	pm.netns_cookie = pm_netns_cookie();
	stream_set_peer_hook(pm.stream, pm_peer, NULL);
	for (i = 0; i < pm.nlis; i++) {
		if (pm.lis[i].stream)
			r = stream_add(pm.stream, &pm.lis[i]);
		else
			r = udp_add(pm.udp, &pm.lis[i]);
		if (r == -1)
			fatal(PM_EXIT_FAIL, "%s", pm.lis[i].name);
	}
	if (loop_signal(pm.loop, SIGTERM, pm_signal, NULL) == -1 ||
	    loop_signal(pm.loop, SIGINT, pm_signal, NULL) == -1 ||
	    loop_signal(pm.loop, SIGHUP, pm_signal, NULL) == -1 ||
	    loop_signal(pm.loop, SIGUSR1, pm_signal, NULL) == -1)
		fatal(PM_EXIT_FAIL, "signals");

	pm_drop(user, chroot_dir);
	/* as the daemon's user, who owns the directory now */
	pm_state_start();
	/* the changes of a batch of datagrams: one write before the replies */
	if (pm.state != NULL && !pm.no_state) {
		state_defer(pm.state, 1);
		udp_set_presend(pm.udp, pm_presend, NULL);
	}

	if (notify_enabled()) {
		loop_timer_init(&pm.status_timer, pm_status, NULL);
		loop_timer_arm(pm.loop, &pm.status_timer, PM_STATUS_MS);
		if ((pm.wd_ms = notify_watchdog_ms()) > 0) {
			loop_timer_init(&pm.wd_timer, pm_watchdog, NULL);
			loop_timer_arm(pm.loop, &pm.wd_timer, pm.wd_ms);
			log_debug("watchdog: WATCHDOG=1 every %llu ms",
			    (unsigned long long)pm.wd_ms);
		}
	}
	/* Every socket bound, the table ready: tell whoever waits. */
	notify_ready(pm_status_text(st, sizeof(st)));
	if (!foreground)
		log_to_stderr(0);
	log_info("started (port %u, %zu sockets%s%s)", pm.cfg.port, pm.nlis,
	    pm.cfg.insecure ? ", insecure" : "",
	    pm.cfg.forwarding ? ", forwarding remote calls" : "");
	policy_describe(pm.policy, acc, sizeof(acc));
	log_info("access: %s", acc);
	for (i = 0; i < pm.nlis; i++)
		log_debug("listening on %s", pm.lis[i].name);
	if (pm.reap != NULL && !pm.no_reap)
		log_info("reaping stale registrations: every %u s, grace %u s",
		    pm.reap_interval, pm.grace);

	pm_trim();
	if (loop_run(pm.loop) == -1) {
		log_warn("select");
		r = PM_EXIT_FAIL;
	} else
		r = PM_EXIT_OK;
	notify_stopping();
	log_info("exiting%s%s", pm.exit_signal ? " on signal " : "",
	    pm.exit_signal ? strsignal(pm.exit_signal) : "");
	relay_free(pm.relay);
	policy_free(pm.policy);
	stream_free(pm.stream);
	udp_free(pm.udp);
	listen_close(pm.lis, pm.nlis);
	/* flushed: the file becomes a snapshot of the table; then unlocked */
	if (pm.state != NULL && !pm.no_state && state_compact(pm.state) == -1)
		log_warn("state: final snapshot");
	state_close(pm.state);
	reap_free(pm.reap);
	table_free(pm.table);
	netif_free(&pm.ifs);
	loop_free(pm.loop);
	notify_exit();
	return r;
}
