/*
 * state.h - crash-safe persistence of the mapping table.
 *
 * One file, <dir>/state, holding fixed-size checksummed records: a header,
 * then one record per change (SET: the whole entry; UNSET: its key),
 * appended with one write() each as the change is made, so every SET and
 * UNSET is in the file before its reply is sent and a kill -9 loses
 * nothing.  When the file holds more than four times as many records as
 * the table has entries, it is rewritten as a snapshot (header plus one
 * SET per entry) into a temporary file renamed over it.  Restoring is
 * replaying the file.
 *
 * The directory (default /run/portmap) is created 0700 if missing and
 * refused if it is a symbolic link, not a directory or not ours; it is
 * locked (flock) for as long as the state is open, so two daemons never
 * share it.  The file is opened with O_NOFOLLOW; a file that is a symbolic
 * link, not a regular file, not ours, empty, truncated or corrupt is
 * reported, moved aside as state.corrupt-<time>, and what could be read
 * from it is kept.  Loading never fails for a bad file.
 *
 * No logging: messages go to the caller's warn callback.
 */
#ifndef STATE_H
#define STATE_H

#include <stddef.h>
#include <stdint.h>

#include "table.h"

#define STATE_DIR	"/run/portmap"

struct state;

/* One complete message, without a trailing newline. */
typedef void	(*state_warn_fn)(void *arg, const char *msg);

/*
 * Open (create) and lock dir.  NULL with a message in err when it cannot
 * be used: the daemon then runs without persistence.  errno is then
 * EWOULDBLOCK when another process holds the lock, and never else.
 */
struct state	*state_open(const char *dir, char *err, size_t errsz);

/*
 * Restore the table from the file (entries flagged TE_BUILTIN are never
 * stored or restored; owner, pid and flags are), move a bad file aside,
 * write a fresh snapshot, and from then on journal every change of the
 * table through its observer (table_set_observer).  warn (may be NULL)
 * gets each problem, now and later (a failed write is reported once, and
 * its recovery once).  Returns the number of entries restored.
 */
int		 state_load(struct state *, struct table *, state_warn_fn,
		    void *arg);

/*
 * Append one change by hand (state_load's observer calls these).  0, or -1
 * with errno when it could not be written; the next change then rewrites
 * the whole file.
 */
int		 state_record_set(struct state *, const struct table_entry *);
int		 state_record_unset(struct state *, uint32_t prog, uint32_t vers,
		    const char *netid);

/*
 * (additive) Hold the records of changes in memory (at most 64, then they
 * are written) until state_flush(), so that the changes of a batch of
 * requests cost one write().  The caller flushes before it answers any
 * of them: a client hears of a change only once it is in the file.  Off
 * (the default): each change is written at once.  Turning it off
 * flushes.
 */
void		 state_defer(struct state *, int on);
/* Write what is held.  0, or -1 (the next change then rewrites the file). */
int		 state_flush(struct state *);

/* Rewrite the file as a snapshot of the table now.  0 or -1 with errno. */
int		 state_compact(struct state *);

/* Stop journaling (detach the observer), close and unlock. */
void		 state_close(struct state *);

/* For tests and the status report. */
struct state_info {
	uint64_t	records;	/* records in the file, header included */
	uint64_t	compactions;	/* snapshots written since open */
	uint64_t	write_errors;	/* failed appends since open */
	int		ok;		/* the file holds every change */
};
void		 state_info(const struct state *, struct state_info *);

#endif
