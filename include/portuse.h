/*
 * portuse.h - port-conflict diagnosis: when a bind fails, say which socket
 * could not be bound, why, and for EADDRINUSE which process holds the
 * address and what to do about it:
 *
 *   cannot bind udp 0.0.0.0:111: address in use by rpcbind (pid 4568);
 *   stop it first: systemctl stop rpcbind.socket rpcbind.service
 *
 * The holder is found through /proc: the socket's inode in
 * net/{tcp,udp,tcp6,udp6} (or net/unix for a path), then the process with
 * an fd linked to "socket:[inode]", then its comm.  The /proc root is a
 * parameter so that tests can feed a fake one.  No logging: the caller
 * gets the text.
 */
#ifndef PORTUSE_H
#define PORTUSE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

struct portuse {
	int		found;		/* a socket on that address is in the tables */
	uint64_t	inode;		/* its inode; 0: a kernel socket */
	pid_t		pid;		/* a process holding it, 0 if none visible */
	int		nprocs;		/* processes seen holding it */
	int		systemd;	/* pid 1 holds it too (socket activation) */
	char		comm[64];	/* pid's name, printable; "" if unknown */
};

/*
 * Who holds this address?  netid is "udp", "tcp", "udp6", "tcp6" or
 * "local"; sa the address we failed to bind (AF_INET, AF_INET6 or
 * AF_LOCAL).  For TCP only listening sockets count, then any bound one;
 * an IPv6 socket on the same port counts for an IPv4 address and the
 * other way round (a dual-stack socket takes both).  Fills *pu; returns 0
 * when a socket was found, -1 when none was.
 */
int	portuse_find(const char *proc_root, const char *netid,
	    const struct sockaddr *sa, struct portuse *pu);

/*
 * The message for a failed bind of sa on netid with errno err (pu from
 * portuse_find(), or NULL): "cannot bind <netid> <address>: <why>[; what
 * to do]".  Always NUL-terminated; returns buf.
 */
char	*portuse_format(char *buf, size_t bufsz, const char *netid,
	    const struct sockaddr *sa, int err, const struct portuse *pu);

/* Both: look up the holder when err is EADDRINUSE, then format. */
char	*portuse_explain(const char *proc_root, const char *netid,
	    const struct sockaddr *sa, int err, char *buf, size_t bufsz);

#endif
