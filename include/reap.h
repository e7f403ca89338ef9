/*
 * reap.h - stale-entry reaping: is the service behind a registration still
 * there?  A registration whose service is gone is removed, but only after
 * it has been seen dead at two checks at least the grace period apart,
 * and never when it cannot be checked with certainty (a false removal is
 * worse than a stale entry).
 *
 * The verdict for an entry, in order:
 *   - TE_BUILTIN, TE_REMOTE, TE_KERNEL, a netid other than udp, tcp, udp6,
 *     tcp6, local, or no port in the address: UNKNOWN (never reaped).
 *   - registered over AF_LOCAL (TE_LOCAL) by a process in another network
 *     namespace (TE_NETNS_OTHER, or learnt while it lived): ALIVE while
 *     that process lives, UNKNOWN once it is gone (its namespace's tables
 *     can no longer be read through it).
 *   - otherwise the port (for local: the path) is looked up in our
 *     namespace's socket tables: a listening TCP socket, any UDP socket,
 *     a bound unix socket: ALIVE.  Kernel sockets (inode 0) count.
 *   - not held: DEAD, except for a TE_LOCAL entry whose registering
 *     process still lives (ALIVE) or whose namespace was never known
 *     (UNKNOWN).  Registrations over IP come from loopback, hence from
 *     our own namespace.
 *
 * "Lives" means /proc/PID exists with the start time the process had when
 * the reaper first saw it (reap_note_pid() at registration), so a reused
 * pid is not taken for the registrant.
 *
 * The socket tables are read once per scan into two port bitmaps (TCP
 * listeners, UDP sockets), so a scan of 10,000 entries costs one reading
 * of the tables and 10,000 bit tests.  The /proc root is a parameter for tests.  No
 * logging: removals are reported through a callback.
 */
#ifndef REAP_H
#define REAP_H

#include <stdint.h>
#include <sys/types.h>

#include "table.h"

enum reap_verdict {
	REAP_ALIVE = 0,
	REAP_DEAD,
	REAP_UNKNOWN,
};

struct reap;

/*
 * proc_root: "/proc" (or a fake tree: net/{tcp,udp,tcp6,udp6,unix},
 * self/ns/net, PID/stat, PID/ns/net).  grace: seconds an entry must have
 * been seen dead before it is removed.
 */
struct reap	*reap_new(const char *proc_root, uint32_t grace);
void		 reap_free(struct reap *);

/*
 * The registering process of an AF_LOCAL registration: remember its start
 * time and network namespace.  Returns TE_NETNS_SAME or TE_NETNS_OTHER to
 * be or'ed into the entry's flags (stored and persisted with it), or 0
 * when the namespace cannot be told.
 */
uint32_t	 reap_note_pid(struct reap *, pid_t pid);

/*
 * Called before an entry is removed, with a reason such as "nothing
 * listens on tcp port 2049 and pid 123 is gone".
 */
typedef void	(*reap_report_fn)(void *arg, const struct table_entry *,
		    const char *why);

/*
 * Check every entry against fresh socket tables; remove those dead for
 * longer than the grace period, reporting each.  Entries found ALIVE or
 * UNKNOWN are stamped with table_touch(now).  Returns the number removed.
 */
int		 reap_scan(struct reap *, struct table *, uint32_t now,
		    reap_report_fn, void *arg);

/*
 * The same for one entry, before a lookup returns it (when its "checked"
 * stamp is old): the tables are re-read at most once per second.  Returns
 * 1 when the entry was removed (the pointer is then dead), else 0.
 */
int		 reap_check_entry(struct reap *, struct table *,
		    const struct table_entry *, uint32_t now,
		    reap_report_fn, void *arg);

/*
 * The verdict alone, against the tables last read (reread if older than
 * now); why (may be NULL) gets a short reason.  For tests and status.
 */
enum reap_verdict reap_verdict(struct reap *, const struct table_entry *,
		    uint32_t now, char *why, size_t whysz);

/* Entries currently seen dead and waiting out the grace period. */
size_t		 reap_suspects(const struct reap *);

/*
 * Without stalling an event loop (additive).  With the real /proc the
 * socket tables of our namespace are read through NETLINK_SOCK_DIAG (the
 * synchronous calls above use it too); a fake proc_root, or a kernel
 * that refuses sock_diag, means the text files.
 *
 * reap_read_start() begins a reading: 0 when it is under way (call
 * reap_read_step() whenever reap_read_fd() is readable, until it returns
 * 1), 1 when it was done at once (the files).  A reading already under
 * way goes on.  The tables in use change only when a reading completes;
 * the synchronous calls above, made while one is under way, finish it
 * first (its socket stays open).
 */
int		 reap_read_start(struct reap *, uint32_t now);
int		 reap_read_fd(const struct reap *);	/* -1: no reading */
int		 reap_read_step(struct reap *, uint32_t now);
/* When the tables in use were read (0: never). */
uint32_t	 reap_tables_at(const struct reap *);
/* reap_scan() against the tables in use, without reading them again. */
int		 reap_scan_tables(struct reap *, struct table *, uint32_t now,
		    reap_report_fn, void *arg);
/*
 * reap_check_entry() for a lookup: against the tables in use, never
 * reading any (the unix table not read yet: "cannot tell").  0 when
 * nothing was read yet.
 */
int		 reap_check_cached(struct reap *, struct table *,
		    const struct table_entry *, uint32_t now, reap_report_fn,
		    void *arg);

#endif
