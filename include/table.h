/*
 * table.h - the mapping table: one table keyed (program, version, netid)
 * holding a universal address and an owner.  The PMAP v2 view (netids
 * "udp"/"tcp" with a port) is derived from it by the callers; there is no
 * second table.  Pure: no I/O, no clock.
 *
 * Lookups are by hash, so they cost the same at 10 and 10,000 entries.
 * Iteration (DUMP) is in registration order.  The only parsing it does is
 * of the port in a universal address, once, when the entry is made.
 */
#ifndef TABLE_H
#define TABLE_H

#include <stddef.h>
#include <stdint.h>

/* Owners: a uid, or one of these. */
#define OWNER_SUPERUSER	0	/* uid 0, or a reserved port on loopback */
#define OWNER_UNKNOWN	(-1)	/* anyone else on IP */

/* Entry flags */
#define TE_BUILTIN	0x01u	/* our own 100000 entries: never reaped or saved */
#define TE_REMOTE	0x02u	/* registered from another host (-i) */
#define TE_LOCAL	0x04u	/* registered over AF_LOCAL (pid known) */
#define TE_KERNEL	0x08u	/* registered by the kernel (no pid / pid 0) */
#define TE_NETNS_SAME	0x10u	/* AF_LOCAL registrant was in our network namespace */
#define TE_NETNS_OTHER	0x20u	/* AF_LOCAL registrant was in another one */

/*
 * An entry lives in a slab slot of 64, 96 or 192 bytes (the universal
 * address decides), so a registration costs 64 bytes plus its share of
 * the indexes for the common addresses.  Entries never move: a pointer
 * stays valid until the entry is removed.
 */
struct table_entry {
	/* the table's own links (slot numbers, 0: none): read-only to others */
	uint32_t	 tl_hnext;		/* hash chain on the key */
	uint32_t	 tl_pnext;		/* entries of the same program */
	uint32_t	 tl_prev, tl_next;	/* registration order */

	uint32_t	 prog, vers;
	int32_t		 owner;		/* uid, OWNER_SUPERUSER or OWNER_UNKNOWN */
	int32_t		 pid;		/* registering process if known, else 0 */
	uint32_t	 checked;	/* for the reaper: last time seen alive */
	uint8_t		 flags;		/* TE_* */
	uint8_t		 has_port;	/* uaddr carries a port (uaddr_port()) ... */
	uint16_t	 port;		/* ... this one, parsed once at SET */
	const char	*netid;		/* interned, NUL-terminated */
	char		 uaddr[];	/* NUL-terminated */
};

struct table;

/* Result of table_set(). */
enum table_set_result {
	TABLE_ADDED = 0,	/* new entry */
	TABLE_SAME,		/* key present with the same address: nothing changed */
	TABLE_CONFLICT,		/* key present with another address */
	TABLE_FULL,		/* entry cap, or the owner's cap, reached */
	TABLE_INVALID,		/* netid or uaddr empty or too long */
};

/*
 * max_entries: overall cap; max_per_owner: cap for each non-superuser owner
 * (0: no cap).  Netids compare case-insensitively and are stored lower-case.
 */
struct table	*table_new(size_t max_entries, size_t max_per_owner);
void		 table_free(struct table *);

enum table_set_result table_set(struct table *, uint32_t prog, uint32_t vers,
		    const char *netid, const char *uaddr, int32_t owner,
		    int32_t pid, uint32_t flags);

/*
 * May owner remove every entry of (prog, vers) on netid (NULL: every netid)?
 * True when the owner is the superuser or owns each such entry.
 */
int		 table_may_unset(const struct table *, uint32_t prog, uint32_t vers,
		    const char *netid, int32_t owner);
/*
 * Remove the entries of (prog, vers) on netid (NULL: every netid).  Checks
 * table_may_unset() first and removes nothing when it fails.  Returns the
 * number removed, or -1 when refused.
 */
int		 table_unset(struct table *, uint32_t prog, uint32_t vers,
		    const char *netid, int32_t owner);
/* Remove one entry (the reaper). */
void		 table_remove(struct table *, const struct table_entry *);

/* The entry for exactly this key, or NULL. */
const struct table_entry *table_find(const struct table *, uint32_t prog,
		    uint32_t vers, const char *netid);
/*
 * The entry for this key; failing that, the entry of the same program on
 * that netid with the highest version (the version fallback of GETADDR and
 * GETPORT); NULL when the program has nothing on that netid.
 */
const struct table_entry *table_find_fallback(const struct table *,
		    uint32_t prog, uint32_t vers, const char *netid);

/* Registration order; NULL at the end. */
const struct table_entry *table_first(const struct table *);
const struct table_entry *table_next(const struct table_entry *);
/* Entries of one program, in no particular order; NULL at the end. */
const struct table_entry *table_prog_first(const struct table *, uint32_t prog);
const struct table_entry *table_prog_next(const struct table_entry *);

size_t		 table_count(const struct table *);
/* Bumped on every change: lets callers cache encoded DUMP replies. */
uint64_t	 table_generation(const struct table *);
/*
 * Encoded-reply cache (additive): bytes a caller derived from the table
 * alone (an encoded DUMP body), kept with the table and good while
 * table_generation() still equals gen.  which < TABLE_CACHES.  The table
 * frees them; nothing else touches them.
 */
#define TABLE_CACHE_DUMP_V2	0
#define TABLE_CACHE_DUMP_V34	1
#define TABLE_CACHES		2
struct table_cache {
	uint8_t		*buf;
	size_t		 len, cap;
	uint64_t	 gen;
	int		 valid;		/* buf[0..len) is the body for gen */
};
/* The cached bytes for which if still good, else NULL. */
const struct table_cache *table_cache_get(const struct table *, unsigned which);
/* Keep len bytes as the cache for which at the current generation; 0/-1. */
int		 table_cache_put(struct table *, unsigned which, const void *,
		    size_t len);

/* Set the reaper's timestamp on an entry. */
void		 table_touch(struct table *, const struct table_entry *, uint32_t now);

/* "superuser", "unknown" or the decimal uid, into buf (>= 16 bytes). */
const char	*table_owner_str(int32_t owner, char *buf, size_t bufsz);

/*
 * Change observer (additive): fn is called after an entry is added and just
 * before one is removed (the entry still valid), by table_set,
 * table_unset and table_remove alike; added is 1 or 0.  The state module
 * journals every change through it.  NULL fn: none.
 */
typedef void	(*table_observer_fn)(void *arg, const struct table_entry *,
		    int added);
void		 table_set_observer(struct table *, table_observer_fn, void *arg);

/*
 * Introspection for tests and the status report (additive): sizes of the
 * internal indexes and the longest hash chain a lookup may walk.
 */
struct table_stats {
	size_t	entries;	/* registrations */
	size_t	buckets;	/* key hash buckets */
	size_t	max_chain;	/* longest key hash chain */
	size_t	programs;	/* distinct programs */
	size_t	netids;		/* interned netid strings */
	size_t	owners;		/* owners with at least one entry */
	size_t	bytes;		/* bytes requested from malloc, all included */
};
void		 table_stats(const struct table *, struct table_stats *);

#endif
