/*
 * acl.h - who may use the port mapper from the network, and how large a
 * UDP reply may be.
 *
 * Three sources, all numeric (no DNS, ever):
 *  - --allow CIDR and --deny CIDR (repeatable, IPv4 and IPv6);
 *  - optionally /etc/hosts.allow and /etc/hosts.deny, rules for the daemon
 *    names "portmap" and "rpcbind" (hosts_access(5), numeric patterns);
 *  - --amp-allow CIDR: networks whose UDP replies may be larger than
 *    their requests (see acl_udp_reply_max()).
 *
 * The decision for a peer (acl_check()):
 *  1. loopback (127/8, ::1, ::ffff:127/104) and AF_LOCAL peers are never
 *     checked: always allowed;
 *  2. when any --allow is given, a peer that matches none is denied;
 *  3. a peer that matches any --deny is denied (a --deny always wins over
 *     an --allow, however specific);
 *  4. the hosts files, as hosts_access(5) reads them: the first rule of
 *     hosts.allow that matches grants; else the first rule of hosts.deny
 *     that matches denies; else the peer is granted;
 *  5. allowed.
 * So a peer gets in when it passes both the command line and the hosts
 * files.  An IPv4-mapped IPv6 peer (::ffff:a.b.c.d) is an IPv4 peer, and an
 * IPv4-mapped rule (::ffff:10.0.0.0/104) is the IPv4 rule 10.0.0.0/8.
 *
 * An acl is built whole and then used read-only; on SIGHUP the daemon
 * builds a new one and swaps the pointer only when that succeeded, so the
 * old policy stays in force when the new configuration is broken.
 *
 * Pure apart from reading the two hosts files: no sockets, clock or log;
 * warnings go to a callback.
 */
#ifndef ACL_H
#define ACL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* A network: numeric address and prefix length, host bits zero. */
struct acl_net {
	int	af;		/* AF_INET or AF_INET6 */
	uint8_t	addr[16];	/* network order; 4 bytes used for AF_INET */
	uint8_t	plen;		/* 0..32 or 0..128 */
};

/*
 * Parse "a.b.c.d", "a.b.c.d/len", "v6addr", "v6addr/len", "[v6addr]" or
 * "[v6addr]/len".  A bare address is /32 or /128; host bits are cleared.
 * len is 1 to 3 decimal digits, at most 32 or 128.  0 or -1.
 */
int	acl_parse_net(const char *, struct acl_net *);
/* Does net contain the peer (AF_INET or AF_INET6, mapped IPv4 as IPv4)? */
int	acl_net_match(const struct acl_net *, const struct sockaddr *);

/* Warnings (bad lines, unsupported patterns) as one line of text. */
typedef void	(*acl_warn_fn)(void *arg, const char *msg);

/* Limits: each list, each hosts file, each rule. */
#define ACL_NETS_MAX		1024	/* networks per list */
#define ACL_RULES_MAX		1024	/* rules per hosts file */
#define ACL_TOKENS_MAX		128	/* patterns per daemon or client list */
#define ACL_LINE_MAX		4096	/* a logical line, continuations joined */
#define ACL_FILE_MAX		(256u * 1024)	/* bytes of a hosts file */

enum acl_list {
	ACL_ALLOW = 0,		/* --allow */
	ACL_DENY,		/* --deny */
	ACL_AMP,		/* --amp-allow */
};

enum acl_hosts {
	ACL_HOSTS_ALLOW = 0,	/* hosts.allow: a match grants */
	ACL_HOSTS_DENY,		/* hosts.deny: a match denies */
};

struct acl;

struct acl	*acl_new(void);			/* NULL: out of memory */
void		 acl_free(struct acl *);
/* Add a network to a list: 0, or -1 (does not parse, or the list is full). */
int		 acl_add(struct acl *, enum acl_list, const char *cidr);
/*
 * Read hosts_access(5) rules from text (len bytes, need not end in a
 * newline); name (the file's name) and line numbers go into warnings.
 * Rules whose daemon list cannot match "portmap" or "rpcbind" are skipped
 * quietly.  Supported client patterns: ALL, a.b.c.d, a.b.c. (a prefix of
 * whole numbers), a.b.c.d/m.m.m.m (contiguous mask), a.b.c.d/len,
 * [v6addr], [v6addr]/len, EXCEPT.  Daemon patterns: portmap, rpcbind,
 * ALL, EXCEPT.  Any other pattern (host names, .domain, @netgroup, LOCAL,
 * KNOWN, wildcards, /file, user@host, daemon@host) never matches, with a
 * warning.  A third field may say "allow" or "deny" (hosts_options(5)),
 * which overrides the file's verdict; other options are ignored with a
 * warning.  Lines are joined at a backslash before the newline; a line
 * starting with '#' is a comment.  Returns 0, or -1 when too many rules
 * or out of memory (rules read so far are kept).
 */
int		 acl_hosts_text(struct acl *, enum acl_hosts, const char *text,
		    size_t len, const char *name, acl_warn_fn, void *arg);
/* The same from a file.  A missing file is no rules (0); -1 when unreadable. */
int		 acl_hosts_file(struct acl *, enum acl_hosts, const char *path,
		    acl_warn_fn, void *arg);

/* Everything the access configuration comes from, for acl_build(). */
struct acl_cfg {
	const char *const	*allow;		/* --allow CIDRs */
	size_t			 nallow;
	const char *const	*deny;		/* --deny CIDRs */
	size_t			 ndeny;
	const char *const	*amp;		/* --amp-allow CIDRs */
	size_t			 namp;
	const char		*hosts_allow;	/* NULL: hosts files not read */
	const char		*hosts_deny;
};
/*
 * A new acl from cfg, or NULL (after a warning saying why) when a network
 * does not parse, a hosts file cannot be read or memory is short.
 */
struct acl	*acl_build(const struct acl_cfg *, acl_warn_fn, void *arg);

/* What acl_check() decided, and why. */
enum acl_verdict {
	ACL_LOCAL = 0,		/* loopback or AF_LOCAL: not checked */
	ACL_ALLOWED,
	ACL_DENIED_NOALLOW,	/* --allow given, none matched */
	ACL_DENIED_DENY,	/* matched a --deny */
	ACL_DENIED_HOSTS,	/* denied by the hosts files */
	ACL_DENIED_FAMILY,	/* not an IP or local address */
};
#define ACL_IS_DENIED(v)	((v) >= ACL_DENIED_NOALLOW)

/* The decision for a peer.  A NULL acl allows everyone. */
enum acl_verdict acl_check(const struct acl *, const struct sockaddr *peer);
const char	*acl_verdict_str(enum acl_verdict);

/*
 * Anti-amplification: the largest UDP reply the peer may get for a
 * request of reqlen bytes.  Loopback and AF_LOCAL peers and peers in an
 * --amp-allow network get PM_UDP_MAX; everyone else gets reqlen (never
 * more than PM_UDP_MAX).  A NULL acl has no --amp-allow networks.  The
 * daemon sets the reply encoder's max to this, so a DUMP or GETSTAT that
 * does not fit becomes SYSTEM_ERR (24 bytes: smaller than any call).
 */
size_t		 acl_udp_reply_max(const struct acl *, const struct sockaddr *peer,
		    size_t reqlen);

/* Sizes, for the status report and tests. */
struct acl_info {
	size_t	nallow, ndeny, namp;	/* networks per list */
	size_t	hosts_allow, hosts_deny;	/* rules kept per hosts file */
};
void		 acl_info(const struct acl *, struct acl_info *);

#endif
