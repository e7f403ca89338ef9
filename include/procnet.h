/*
 * procnet.h - the kernel's socket tables as Linux shows them in
 * <netdir>/{tcp,tcp6,udp,udp6,unix}, where netdir is "/proc/net" for our
 * own network namespace or "/proc/PID/net" for the namespace of PID.  The
 * directory is a parameter so that tests can feed fake tables.
 *
 * Used by the reaper (is a registered port still held?) and by the
 * port-conflict diagnosis (which socket holds the port we cannot bind?).
 * No state, no allocation.
 */
#ifndef PROCNET_H
#define PROCNET_H

#include <stddef.h>
#include <stdint.h>

enum procnet_proto { PROCNET_TCP = 0, PROCNET_UDP = 1 };

#define PROCNET_TCP_LISTEN	0x0A	/* "st" of a listening TCP socket */

/* One line of tcp, tcp6, udp or udp6. */
struct procnet_sock {
	int		proto;		/* PROCNET_TCP or PROCNET_UDP */
	int		family;		/* AF_INET or AF_INET6 */
	uint8_t		addr[16];	/* local address, network order (v4: 4 bytes) */
	uint16_t	port;		/* local port */
	uint8_t		state;		/* TCP state; UDP: 7 unconnected, 1 connected */
	uint64_t	inode;		/* 0: a kernel socket, or TIME_WAIT */
};

/* Called for each socket; a non-zero return stops the walk. */
typedef int (*procnet_fn)(void *arg, const struct procnet_sock *);

/*
 * Parse one line of a table of this proto and family (AF_INET, AF_INET6).
 * 0, or -1 for the header line and anything malformed.
 */
int	procnet_parse(const char *line, int proto, int family,
	    struct procnet_sock *);

/*
 * Walk netdir/{tcp,udp}[6].  Returns the number of sockets seen (the walk
 * may have been stopped early), or -1 with errno when the file cannot be
 * opened (a kernel without IPv6 has no tcp6: the caller decides).
 */
int	procnet_read(const char *netdir, int proto, int family, procnet_fn,
	    void *arg);

/*
 * Walk netdir/unix: fn gets the inode and the bound path of every socket
 * bound to a path ("@name" for an abstract one).  Same returns.
 */
typedef int (*procnet_unix_fn)(void *arg, uint64_t inode, const char *path);
int	procnet_read_unix(const char *netdir, procnet_unix_fn, void *arg);

#endif
