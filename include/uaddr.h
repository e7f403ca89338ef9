/*
 * uaddr.h - universal addresses (RFC 1833 section 2.2): conversions to and
 * from socket addresses, netid facts, and address merging (which of our
 * interface addresses a client should be given for a service).  Pure: the
 * interface list is gathered by the caller and passed in.
 */
#ifndef UADDR_H
#define UADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Parse "a.b.c.d.p1.p2", "v6text.p1.p2" or a local path for netid. */
int	uaddr_to_sockaddr(const char *uaddr, const char *netid,
	    struct sockaddr_storage *, socklen_t *);
/* Format a socket address as a universal address; 0 or -1 (too small, bad family). */
int	uaddr_from_sockaddr(const struct sockaddr *, socklen_t, char *out, size_t outsz);
/* The port in an IP universal address, or -1 if it has none or is malformed. */
int	uaddr_port(const char *uaddr);
/* An IPv4 universal address for a v2 registration: "0.0.0.0.p1.p2". */
void	uaddr_v2(uint16_t port, char *out, size_t outsz);

/* netid facts */
enum netid_kind { NETID_OTHER = 0, NETID_UDP, NETID_TCP, NETID_UDP6, NETID_TCP6,
	NETID_LOCAL };
enum netid_kind netid_kind(const char *netid);
int	netid_family(const char *netid);		/* AF_INET, AF_INET6, AF_LOCAL, or -1 */
/* GETADDRLIST fields: semantics 1 clts, 2 cots, 3 cots_ord; "inet"/"inet6"/"loopback"; "udp"/"tcp"/"-" */
uint32_t netid_semantics(const char *netid);
const char *netid_protofmly(const char *netid);
const char *netid_proto(const char *netid);

/* Our interfaces, as the daemon's shell gathers them (getifaddrs). */
struct ifent {
	struct sockaddr_storage	addr;
	struct sockaddr_storage	mask;
	unsigned		up:1, loopback:1;
};
struct iflist {
	size_t		 n;
	struct ifent	*v;
};

/*
 * Address merging: the registered address reg (universal, of netid), with
 * its IP replaced by the interface address that best matches the client:
 * hint (the client's r_addr, NULL or "" if none) if of the same family,
 * else client (the caller's source address).  Best: the interface whose
 * address equals it, else the one whose subnet contains it, else the first
 * up non-loopback one.  A local netid is returned verbatim.  When no
 * interface fits, reg is returned unchanged.  0, or -1 when reg is malformed.
 */
int	uaddr_merge(const struct iflist *, const char *netid, const char *reg,
	    const char *hint, const struct sockaddr *client, char *out, size_t outsz);

/* Is this peer on this host: 127/8, ::1, ::ffff:127/104 (AF_LOCAL: yes)? */
int	sockaddr_is_loopback(const struct sockaddr *);
/* Port of an IP socket address, or -1. */
int	sockaddr_port(const struct sockaddr *);

#endif
