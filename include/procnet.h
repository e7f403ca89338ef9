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

/*
 * The same tables of our own network namespace through NETLINK_SOCK_DIAG
 * (additive): binary, and far cheaper than the text files with thousands
 * of sockets (reading /proc/net/udp costs a third of a second with 10,000
 * UDP sockets; the dump, a few milliseconds).  TCP: listening sockets
 * only; UDP: every socket.  The tables tcp, tcp6, udp, udp6 are dumped
 * one after the other, a chunk (some tens of sockets) per step, so that
 * an event loop calling procnet_diag_step() when diag.fd is readable
 * never stalls for long.  A table the kernel does not have (no IPv6) is
 * empty.  No allocation: the caller provides the state and the buffer.
 */
#define PROCNET_DIAG_BUF	8192	/* bytes of buffer per step */

struct procnet_diag {
	int		fd;		/* netlink socket; -1: none */
	int		table;		/* 0..3 being dumped, 4: done */
	uint32_t	seq;
};

void	procnet_diag_init(struct procnet_diag *);
/* Open (if needed) and ask for the first table.  0, or -1 with errno. */
int	procnet_diag_start(struct procnet_diag *);
/*
 * Read one chunk into buf (PROCNET_DIAG_BUF bytes) and call fn for each
 * socket in it.  1 when every table is done, 0 when more is to come (at
 * once: the socket stays readable), -1 with errno on failure (the dump is
 * abandoned; start again).  block: wait for the chunk instead of
 * returning 0 when none is ready yet.
 */
int	procnet_diag_step(struct procnet_diag *, void *buf, int block,
	    procnet_fn, void *arg);
/* Close the socket (a dump in progress is abandoned). */
void	procnet_diag_close(struct procnet_diag *);

#endif
