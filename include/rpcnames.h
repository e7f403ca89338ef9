/*
 * rpcnames.h - ONC RPC program names, by number and number by name, as
 * rpc(5) lists them: from /etc/rpc when it exists, else from a built-in
 * table of the common programs.  The parser is pure, for tests.
 */
#ifndef RPCNAMES_H
#define RPCNAMES_H

#include <stddef.h>
#include <stdint.h>

#define RPCNAME_FILE		"/etc/rpc"
#define RPCNAME_FILE_MAX	(1u << 20)	/* bytes of the file we read */
#define RPCNAME_ENTRIES_MAX	8192u		/* lines we keep */
#define RPCNAME_ALIASES_MAX	32u		/* aliases per line */

struct rpcname_ent {
	char		 *name;
	uint32_t	  number;
	char		**aliases;
	size_t		  naliases;
};

struct rpcname_db {
	struct rpcname_ent *v;
	size_t		    n;
};

/*
 * Parse rpc(5) text: "name number alias...", '#' starts a comment, bad
 * lines are skipped.  0, or -1 when out of memory (db then empty).
 */
int	rpcname_parse(struct rpcname_db *, const char *text, size_t len);
void	rpcname_free(struct rpcname_db *);
/* The first entry with this number, or NULL. */
const char *rpcname_db_name(const struct rpcname_db *, uint32_t number);
/* The first entry with this name or alias: 0 and *number, or -1. */
int	rpcname_db_number(const struct rpcname_db *, const char *name,
	    uint32_t *number);

/*
 * The process-wide table: RPCNAME_FILE (or the file given to
 * rpcname_use_file, NULL for the built-in table only), loaded on first use.
 */
void	rpcname_use_file(const char *path);
const char *rpcname_by_number(uint32_t number);
int	rpcname_by_name(const char *name, uint32_t *number);

#endif
