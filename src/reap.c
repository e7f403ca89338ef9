/*
 * reap.c - stale-entry reaping (see reap.h for the rules).
 *
 * What the reaper keeps:
 *   - the ports held in our network namespace, as two 65536-bit maps (TCP
 *     listeners, UDP sockets of either family), filled from
 *     net/{tcp,tcp6,udp,udp6} once per scan (at most once a second for
 *     single checks);
 *   - the 64-bit hashes of the paths bound in net/unix, sorted, read only
 *     when a "local" entry needs them;
 *   - what it knows of registering processes: pid, start time, network
 *     namespace, and whether the pid is known to be gone (once gone,
 *     always gone: a later process with that pid is someone else);
 *   - the suspects: entries seen dead, with the time first seen dead,
 *     sorted by key.  An entry is removed when it is dead again at a later
 *     check at least the grace period after that.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmap_prot.h"
#include "procnet.h"
#include "reap.h"
#include "uaddr.h"

#define RP_PATH_MAX	4096
#define RP_UNIX_MAX	(1u << 20)	/* bound unix sockets we index */

enum rp_pidstate { RP_LIVE, RP_GONE, RP_UNSURE };

struct rp_pid {
	pid_t		pid;
	uint64_t	start;		/* start time (clock ticks after boot); 0 unknown */
	uint64_t	netns;		/* inode of its net namespace; 0 unknown */
	int		gone;		/* seen gone, or replaced by another process */
	uint64_t	used;		/* scan generation it was last needed in */
	uint64_t	checked;	/* scan generation of the last liveness check */
	enum rp_pidstate state;		/* result of that check */
};

struct rp_suspect {
	uint32_t	prog, vers;
	char		netid[PM_NETID_MAX + 1];
	uint64_t	uaddr_hash;
	uint32_t	first_dead;
};

struct reap {
	char		*proc_root;
	uint32_t	 grace;
	uint64_t	 our_netns;	/* 0: unknown */
	int		 pids_visible;	/* /proc shows other users' processes */

	/* socket tables of our namespace */
	uint64_t	 held[2][65536 / 64];	/* [PROCNET_TCP/UDP][port] */
	int		 tables_ok;
	int		 tables_loaded;
	uint32_t	 tables_at;
	uint64_t	(*fill)[65536 / 64];	/* the map rp_sock_cb fills */
	/* NETLINK_SOCK_DIAG, with the real /proc only */
	int		 use_diag;
	struct procnet_diag diag;
	uint8_t		*diagbuf;
	int		 reading;	/* an asynchronous read is under way */
	int		 no_read;	/* a lookup's check: read no file */
	uint64_t	 next[2][65536 / 64];	/* ... filling this */
	uint64_t	*unix_hash;
	size_t		 nunix, unix_cap;
	int		 unix_state;	/* 0 not read, 1 read, -1 unreadable */

	struct rp_pid	*pids;		/* sorted by pid */
	size_t		 npids, pids_cap;
	uint64_t	 gen;		/* scan generation */

	struct rp_suspect *sus;		/* sorted by key */
	size_t		 nsus, sus_cap;
};

/* ---- small helpers ---- */

static uint64_t
rp_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* "net:[4026531840]" at proc_root/<who>/ns/net -> 4026531840, or 0. */
static uint64_t
rp_netns(const struct reap *r, const char *who)
{
	char path[RP_PATH_MAX], link[64];
	unsigned long long v;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s/ns/net", r->proc_root, who);
	if ((n = readlink(path, link, sizeof(link) - 1)) <= 0)
		return 0;
	link[n] = '\0';
	if (sscanf(link, "net:[%llu]", &v) != 1)
		return 0;
	return (uint64_t)v;
}

/*
 * proc_root/PID/stat: the state letter and the start time (field 22).  The
 * command name is in parentheses and may hold anything, ")" included: the
 * fields are counted from the last ")".  RP_GONE when the process does not
 * exist or is a zombie.
 */
static enum rp_pidstate
rp_stat(const struct reap *r, pid_t pid, uint64_t *start)
{
	char path[RP_PATH_MAX], buf[1024], *p, *end;
	unsigned long long v;
	ssize_t n;
	int fd, field;

	*start = 0;
	snprintf(path, sizeof(path), "%s/%d/stat", r->proc_root, (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return (errno == ENOENT || errno == ESRCH) && r->pids_visible ?
		    RP_GONE : RP_UNSURE;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n == 0 || errno == ESRCH ? RP_GONE : RP_UNSURE;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return RP_UNSURE;
	p += 2;				/* field 3, the state */
	if (*p == 'Z' || *p == 'X' || *p == 'x')
		return RP_GONE;
	for (field = 3; field < 22 && *p != '\0'; field++) {
		while (*p != ' ' && *p != '\0')
			p++;
		while (*p == ' ')
			p++;
	}
	if (field != 22 || *p < '0' || *p > '9')
		return RP_UNSURE;
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno != 0 || (*end != ' ' && *end != '\n' && *end != '\0'))
		return RP_UNSURE;
	*start = (uint64_t)v;
	return RP_LIVE;
}

/* ---- registering processes ---- */

static struct rp_pid *
rp_pid_find(const struct reap *r, pid_t pid, size_t *at)
{
	size_t lo = 0, hi = r->npids, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->pids[mid].pid == pid) {
			*at = mid;
			return &r->pids[mid];
		}
		if (r->pids[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return NULL;
}

/* Find or add; NULL only when out of memory. */
static struct rp_pid *
rp_pid_get(struct reap *r, pid_t pid)
{
	struct rp_pid *p, *np;
	size_t at, ncap;

	if ((p = rp_pid_find(r, pid, &at)) != NULL)
		return p;
	if (r->npids == r->pids_cap) {
		ncap = r->pids_cap ? r->pids_cap * 2 : 16;
		if ((np = realloc(r->pids, ncap * sizeof(*np))) == NULL)
			return NULL;
		r->pids = np;
		r->pids_cap = ncap;
	}
	memmove(&r->pids[at + 1], &r->pids[at],
	    (r->npids - at) * sizeof(*r->pids));
	r->npids++;
	p = &r->pids[at];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->used = r->gen;
	return p;
}

/*
 * Is the process we first knew under this pid still there?  Checked once
 * per scan generation.  The first sight records its start time and
 * namespace.
 */
static enum rp_pidstate
rp_pid_state(struct reap *r, struct rp_pid *p)
{
	char who[32];
	uint64_t start;
	enum rp_pidstate st;

	p->used = r->gen;
	if (p->gone)
		return RP_GONE;
	if (p->checked == r->gen && p->state != RP_UNSURE)
		return p->state;
	st = rp_stat(r, p->pid, &start);
	if (st == RP_LIVE) {
		if (p->start == 0) {
			p->start = start;
			snprintf(who, sizeof(who), "%d", (int)p->pid);
			p->netns = rp_netns(r, who);
		} else if (p->start != start)
			st = RP_GONE;		/* the pid was reused */
	}
	if (st == RP_GONE)
		p->gone = 1;
	p->checked = r->gen;
	p->state = st;
	return st;
}

uint32_t
reap_note_pid(struct reap *r, pid_t pid)
{
	struct rp_pid *p;
	uint64_t start;
	char who[32];

	if (r == NULL || pid <= 0 || (p = rp_pid_get(r, pid)) == NULL)
		return 0;
	p->used = r->gen;
	if (rp_stat(r, pid, &start) != RP_LIVE)
		return 0;
	if (p->gone || p->start != start) {
		/* a new registrant under a pid we knew: it is this one now */
		p->start = start;
		p->gone = 0;
		snprintf(who, sizeof(who), "%d", (int)pid);
		p->netns = rp_netns(r, who);
	}
	p->checked = r->gen;
	p->state = RP_LIVE;
	if (p->netns == 0 || r->our_netns == 0)
		return 0;
	return p->netns == r->our_netns ? TE_NETNS_SAME : TE_NETNS_OTHER;
}

/* Forget processes no entry needed in this scan generation. */
static void
rp_pid_gc(struct reap *r)
{
	size_t i, j;

	for (i = 0, j = 0; i < r->npids; i++)
		if (r->pids[i].used == r->gen)
			r->pids[j++] = r->pids[i];
	r->npids = j;
}

/* ---- socket tables ---- */

static int
rp_sock_cb(void *arg, const struct procnet_sock *ps)
{
	struct reap *r = arg;

	if (ps->proto == PROCNET_TCP && ps->state != PROCNET_TCP_LISTEN)
		return 0;
	r->fill[ps->proto][ps->port / 64] |= 1ULL << (ps->port % 64);
	return 0;
}

/* The tables just read are the ones verdicts use from now on. */
static void
rp_tables_done(struct reap *r, uint32_t now, int ok)
{
	r->tables_ok = ok;
	r->tables_loaded = 1;
	r->tables_at = now;
	r->unix_state = 0;
	r->gen++;
}

/* The text files under proc_root/net, into r->held. */
static int
rp_read_files(struct reap *r)
{
	char netdir[RP_PATH_MAX];
	int tcp, udp;

	snprintf(netdir, sizeof(netdir), "%s/net", r->proc_root);
	r->fill = r->held;
	memset(r->held, 0, sizeof(r->held));
	tcp = procnet_read(netdir, PROCNET_TCP, AF_INET, rp_sock_cb, r);
	udp = procnet_read(netdir, PROCNET_UDP, AF_INET, rp_sock_cb, r);
	/* no tcp6/udp6 without IPv6: nothing can hold a v6 port then */
	(void)procnet_read(netdir, PROCNET_TCP, AF_INET6, rp_sock_cb, r);
	(void)procnet_read(netdir, PROCNET_UDP, AF_INET6, rp_sock_cb, r);
	return tcp >= 0 && udp >= 0;
}

/*
 * Start a sock_diag dump into map; -1 when sock_diag cannot be used
 * (then never again: the files it is).
 */
static int
rp_diag_start(struct reap *r, uint64_t (*map)[65536 / 64])
{
	if (!r->use_diag)
		return -1;
	if (r->diagbuf == NULL &&
	    (r->diagbuf = malloc(PROCNET_DIAG_BUF)) == NULL)
		return -1;
	if (procnet_diag_start(&r->diag) == -1) {
		if (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT ||
		    errno == EPERM || errno == EACCES)
			r->use_diag = 0;
		return -1;
	}
	r->fill = map;
	memset(map, 0, sizeof(r->held));
	return 0;
}

static void
rp_load_tables(struct reap *r, uint32_t now)
{
	int ok = 0, st = -1;

	if (r->reading) {
		/*
		 * Finish the reading under way (its socket stays open: an
		 * event loop may still watch it) and use it.
		 */
		while ((st = procnet_diag_step(&r->diag, r->diagbuf, 1,
		    rp_sock_cb, r)) == 0)
			;
		r->reading = 0;
		if (st == 1) {
			memcpy(r->held, r->next, sizeof(r->held));
			rp_tables_done(r, now, 1);
			return;
		}
		st = -1;
	}
	if (rp_diag_start(r, r->held) == 0) {
		while ((st = procnet_diag_step(&r->diag, r->diagbuf, 1,
		    rp_sock_cb, r)) == 0)
			;
		ok = st == 1;
	}
	if (st == -1)
		ok = rp_read_files(r);
	rp_tables_done(r, now, ok);
}

static int
rp_unix_cb(void *arg, uint64_t inode, const char *path)
{
	struct reap *r = arg;
	uint64_t *nu;
	size_t ncap;

	if (r->nunix == r->unix_cap) {
		if (r->unix_cap >= RP_UNIX_MAX)
			return 1;
		ncap = r->unix_cap ? r->unix_cap * 2 : 256;
		if ((nu = realloc(r->unix_hash, ncap * sizeof(*nu))) == NULL)
			return 1;
		r->unix_hash = nu;
		r->unix_cap = ncap;
	}
	r->unix_hash[r->nunix++] = rp_hash(path);
	return 0;
}

static int
rp_u64cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Is path bound in our namespace: 1 yes, 0 no, -1 cannot tell. */
static int
rp_unix_held(struct reap *r, const char *path)
{
	char netdir[RP_PATH_MAX];
	uint64_t h;

	if (r->unix_state == 0 && r->no_read)
		return -1;	/* a lookup: the next scan reads it */
	if (r->unix_state == 0) {
		snprintf(netdir, sizeof(netdir), "%s/net", r->proc_root);
		r->nunix = 0;
		if (procnet_read_unix(netdir, rp_unix_cb, r) < 0 ||
		    r->nunix >= RP_UNIX_MAX)
			r->unix_state = -1;
		else {
			qsort(r->unix_hash, r->nunix, sizeof(*r->unix_hash),
			    rp_u64cmp);
			r->unix_state = 1;
		}
	}
	if (r->unix_state < 0)
		return -1;
	h = rp_hash(path);
	/* a hash collision errs on the side of "held" */
	return bsearch(&h, r->unix_hash, r->nunix, sizeof(h), rp_u64cmp) !=
	    NULL;
}

/* ---- the verdict ---- */

/* The reason, only when asked for (a scan of 10,000 entries asks rarely). */
#define RP_WHY(...)	do {						\
		if (why != NULL)					\
			snprintf(why, whysz, __VA_ARGS__);		\
	} while (0)

static enum reap_verdict
rp_verdict(struct reap *r, const struct table_entry *e, char *why,
    size_t whysz)
{
	enum netid_kind kind;
	enum rp_pidstate ps = RP_UNSURE;
	struct rp_pid *p = NULL;
	const char *what;
	int port = -1, held, local, ns;	/* ns: 1 ours, 2 another, 0 unknown */

	if (why != NULL && whysz > 0)
		why[0] = '\0';
	if (e->flags & (TE_BUILTIN | TE_REMOTE | TE_KERNEL)) {
		RP_WHY("%s entry: not checked",
		    e->flags & TE_BUILTIN ? "built-in" :
		    e->flags & TE_REMOTE ? "remote" : "kernel");
		return REAP_UNKNOWN;
	}
	kind = netid_kind(e->netid);
	switch (kind) {
	case NETID_TCP:
	case NETID_TCP6:
		what = "tcp";
		break;
	case NETID_UDP:
	case NETID_UDP6:
		what = "udp";
		break;
	case NETID_LOCAL:
		what = "local";
		break;
	default:
		RP_WHY("netid %s: not checked", e->netid);
		return REAP_UNKNOWN;
	}
	if (kind != NETID_LOCAL &&
	    ((port = e->has_port ? e->port : -1) <= 0 || port > 65535)) {
		RP_WHY("no port in %s: not checked", e->uaddr);
		return REAP_UNKNOWN;
	}
	if (!r->tables_ok) {
		RP_WHY("socket tables unreadable");
		return REAP_UNKNOWN;
	}

	local = (e->flags & TE_LOCAL) != 0;
	ns = 1;				/* over IP: from loopback, so ours */
	if (local) {
		ns = 0;
		if (e->pid > 0 && (p = rp_pid_get(r, e->pid)) != NULL)
			ps = rp_pid_state(r, p);
		if (e->flags & TE_NETNS_OTHER)
			ns = 2;
		else if (e->flags & TE_NETNS_SAME)
			ns = 1;
		else if (p != NULL && p->netns != 0 && r->our_netns != 0)
			ns = p->netns == r->our_netns ? 1 : 2;
		if (ns == 2) {
			if (ps == RP_LIVE) {
				RP_WHY("registrant pid %d lives "
				    "(another network namespace)", (int)e->pid);
				return REAP_ALIVE;
			}
			RP_WHY("registrant in another network "
			    "namespace is gone: cannot check");
			return REAP_UNKNOWN;
		}
	}

	if (kind == NETID_LOCAL) {
		if ((held = rp_unix_held(r, e->uaddr)) < 0) {
			RP_WHY("unix socket table unreadable");
			return REAP_UNKNOWN;
		}
	} else {
		int proto = what[0] == 't' ? PROCNET_TCP : PROCNET_UDP;

		held = (r->held[proto][port / 64] >> (port % 64)) & 1;
	}
	if (held) {
		RP_WHY("%s %s held", what,
		    kind == NETID_LOCAL ? "path" : "port");
		return REAP_ALIVE;
	}
	if (local) {
		if (ps == RP_LIVE) {
			RP_WHY("registrant pid %d lives",
			    (int)e->pid);
			return REAP_ALIVE;
		}
		if (ps != RP_GONE || ns != 1) {
			RP_WHY("%s %s not held, registrant %s: "
			    "cannot tell", what, kind == NETID_LOCAL ? "path" :
			    "port", ps != RP_GONE ? "unknown" :
			    "in an unknown network namespace");
			return REAP_UNKNOWN;
		}
		if (kind == NETID_LOCAL)
			RP_WHY("nothing listens on %s and pid %d "
			    "is gone", e->uaddr, (int)e->pid);
		else
			RP_WHY("nothing %s %s port %d and pid %d "
			    "is gone", what[0] == 't' ? "listens on" : "holds",
			    what, port, (int)e->pid);
		return REAP_DEAD;
	}
	if (kind == NETID_LOCAL)
		RP_WHY("nothing listens on %s", e->uaddr);
	else
		RP_WHY("nothing %s %s port %d",
		    what[0] == 't' ? "listens on" : "holds", what, port);
	return REAP_DEAD;
}

/* ---- suspects ---- */

static int
rp_suscmp(const struct rp_suspect *s, uint32_t prog, uint32_t vers,
    const char *netid)
{
	if (s->prog != prog)
		return s->prog < prog ? -1 : 1;
	if (s->vers != vers)
		return s->vers < vers ? -1 : 1;
	return strcmp(s->netid, netid);
}

static int
rp_susqcmp(const void *a, const void *b)
{
	const struct rp_suspect *y = b;

	return rp_suscmp(a, y->prog, y->vers, y->netid);
}

/* Index of the suspect for e's key, or -1; *at: where it would go. */
static long
rp_sus_find(const struct reap *r, const struct table_entry *e, size_t *at)
{
	size_t lo = 0, hi = r->nsus, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = rp_suscmp(&r->sus[mid], e->prog, e->vers, e->netid);
		if (c == 0) {
			*at = mid;
			return (long)mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return -1;
}

static void
rp_sus_fill(struct rp_suspect *s, const struct table_entry *e, uint32_t now)
{
	memset(s, 0, sizeof(*s));
	s->prog = e->prog;
	s->vers = e->vers;
	snprintf(s->netid, sizeof(s->netid), "%s", e->netid);
	s->uaddr_hash = rp_hash(e->uaddr);
	s->first_dead = now;
}

static int
rp_sus_reserve(struct rp_suspect **v, size_t n, size_t *cap)
{
	struct rp_suspect *nv;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if ((nv = realloc(*v, ncap * sizeof(*nv))) == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

/*
 * The entry is dead at now: is it past its grace?  prev: its suspect
 * record from an earlier check, or NULL.  Writes the record to keep into
 * *keep.  Returns 1 when it must go.
 */
static int
rp_due(const struct reap *r, const struct table_entry *e,
    const struct rp_suspect *prev, uint32_t now, struct rp_suspect *keep)
{
	if (prev != NULL && prev->uaddr_hash == rp_hash(e->uaddr) &&
	    prev->first_dead <= now) {
		*keep = *prev;
		return now - prev->first_dead >= r->grace &&
		    prev->first_dead != now;
	}
	rp_sus_fill(keep, e, now);	/* new, or re-registered, or clock went back */
	return 0;
}

static void
rp_sus_delete(struct reap *r, size_t i)
{
	memmove(&r->sus[i], &r->sus[i + 1], (r->nsus - i - 1) * sizeof(*r->sus));
	r->nsus--;
}

/* ---- public ---- */

struct reap *
reap_new(const char *proc_root, uint32_t grace)
{
	struct reap *r;
	struct stat st;
	char path[RP_PATH_MAX];

	if (proc_root == NULL)
		proc_root = "/proc";
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->proc_root = strdup(proc_root)) == NULL) {
		free(r);
		return NULL;
	}
	r->grace = grace;
	r->our_netns = rp_netns(r, "self");
	/* our own namespace's tables come cheaper from the kernel directly */
	procnet_diag_init(&r->diag);
	r->use_diag = strcmp(r->proc_root, "/proc") == 0;
	/*
	 * With /proc mounted hidepid=, an unprivileged daemon cannot see other
	 * users' processes: a missing /proc/PID then proves nothing.  pid 1
	 * always exists.
	 */
	snprintf(path, sizeof(path), "%s/1", r->proc_root);
	r->pids_visible = stat(path, &st) == 0;
	return r;
}

void
reap_free(struct reap *r)
{
	if (r == NULL)
		return;
	procnet_diag_close(&r->diag);
	free(r->diagbuf);
	free(r->proc_root);
	free(r->unix_hash);
	free(r->pids);
	free(r->sus);
	free(r);
}

static void
rp_refresh(struct reap *r, uint32_t now)
{
	if (!r->tables_loaded || r->tables_at != now)
		rp_load_tables(r, now);
}

enum reap_verdict
reap_verdict(struct reap *r, const struct table_entry *e, uint32_t now,
    char *why, size_t whysz)
{
	rp_refresh(r, now);
	return rp_verdict(r, e, why, whysz);
}

/* Check every entry against the tables last read (see reap_scan). */
static int
rp_scan_loaded(struct reap *r, struct table *t, uint32_t now,
    reap_report_fn fn, void *arg)
{
	const struct table_entry *e, *next;
	struct rp_suspect *nsus = NULL, keep;
	size_t nn = 0, ncap = 0, at;
	char why[256];
	long i;
	int removed = 0;

	for (e = table_first(t); e != NULL; e = next) {
		next = table_next(e);
		if (rp_verdict(r, e, NULL, 0) != REAP_DEAD) {
			table_touch(t, e, now);
			continue;
		}
		i = rp_sus_find(r, e, &at);
		if (rp_due(r, e, i >= 0 ? &r->sus[i] : NULL, now, &keep)) {
			(void)rp_verdict(r, e, why, sizeof(why));
			if (fn != NULL)
				fn(arg, e, why);
			table_remove(t, e);
			removed++;
			continue;
		}
		/* no memory: the entry simply waits for a later scan */
		if (rp_sus_reserve(&nsus, nn, &ncap) == 0)
			nsus[nn++] = keep;
	}
	if (nn > 1)
		qsort(nsus, nn, sizeof(*nsus), rp_susqcmp);
	free(r->sus);
	r->sus = nsus;
	r->nsus = nn;
	r->sus_cap = ncap;
	rp_pid_gc(r);
	return removed;
}

int
reap_scan(struct reap *r, struct table *t, uint32_t now, reap_report_fn fn,
    void *arg)
{
	rp_load_tables(r, now);
	return rp_scan_loaded(r, t, now, fn, arg);
}

int
reap_scan_tables(struct reap *r, struct table *t, uint32_t now,
    reap_report_fn fn, void *arg)
{
	if (!r->tables_loaded)
		rp_load_tables(r, now);
	return rp_scan_loaded(r, t, now, fn, arg);
}

int
reap_read_start(struct reap *r, uint32_t now)
{
	if (r->reading)
		return 0;
	if (rp_diag_start(r, r->next) == 0) {
		r->reading = 1;
		return 0;
	}
	rp_tables_done(r, now, rp_read_files(r));
	return 1;
}

int
reap_read_fd(const struct reap *r)
{
	return r->reading ? r->diag.fd : -1;
}

int
reap_read_step(struct reap *r, uint32_t now)
{
	int st;

	if (!r->reading)
		return 1;
	st = procnet_diag_step(&r->diag, r->diagbuf, 0, rp_sock_cb, r);
	if (st == 0)
		return 0;
	r->reading = 0;
	if (st == 1) {
		memcpy(r->held, r->next, sizeof(r->held));
		rp_tables_done(r, now, 1);
	} else		/* the kernel failed us: the files, at once */
		rp_tables_done(r, now, rp_read_files(r));
	return 1;
}

uint32_t
reap_tables_at(const struct reap *r)
{
	return r->tables_loaded ? r->tables_at : 0;
}

/* One entry against the tables last read (see reap_check_entry). */
static int
rp_check_loaded(struct reap *r, struct table *t, const struct table_entry *e,
    uint32_t now, reap_report_fn fn, void *arg)
{
	struct rp_suspect keep;
	char why[256];
	size_t at;
	long i;

	i = rp_sus_find(r, e, &at);
	if (rp_verdict(r, e, NULL, 0) != REAP_DEAD) {
		table_touch(t, e, now);
		if (i >= 0)
			rp_sus_delete(r, (size_t)i);
		return 0;
	}
	if (rp_due(r, e, i >= 0 ? &r->sus[i] : NULL, now, &keep)) {
		(void)rp_verdict(r, e, why, sizeof(why));
		if (fn != NULL)
			fn(arg, e, why);
		table_remove(t, e);
		if (i >= 0)
			rp_sus_delete(r, (size_t)i);
		return 1;
	}
	if (i >= 0)
		r->sus[i] = keep;
	else if (rp_sus_reserve(&r->sus, r->nsus, &r->sus_cap) == 0) {
		memmove(&r->sus[at + 1], &r->sus[at],
		    (r->nsus - at) * sizeof(*r->sus));
		r->sus[at] = keep;
		r->nsus++;
	}
	return 0;
}

int
reap_check_entry(struct reap *r, struct table *t, const struct table_entry *e,
    uint32_t now, reap_report_fn fn, void *arg)
{
	rp_refresh(r, now);
	return rp_check_loaded(r, t, e, now, fn, arg);
}

int
reap_check_cached(struct reap *r, struct table *t,
    const struct table_entry *e, uint32_t now, reap_report_fn fn, void *arg)
{
	/* never read anything: nothing known yet is nothing to act on */
	int ret;

	if (!r->tables_loaded)
		return 0;
	r->no_read = 1;
	ret = rp_check_loaded(r, t, e, now, fn, arg);
	r->no_read = 0;
	return ret;
}

size_t
reap_suspects(const struct reap *r)
{
	return r->nsus;
}
