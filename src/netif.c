/*
 * netif.c - our IPv4 and IPv6 interface addresses, for address merging.
 */
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <ifaddrs.h>
#include <stdlib.h>
#include <string.h>

#include "transport.h"

#define NETIF_MAX	4096	/* addresses kept */

static size_t
netif_salen(int family)
{
	return family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
}

int
netif_load(struct iflist *l)
{
	struct ifaddrs	*ifa, *i;
	struct ifent	*v;
	size_t		 n = 0, fam;

	if (getifaddrs(&ifa) == -1)
		return -1;
	for (i = ifa; i != NULL; i = i->ifa_next)
		if (i->ifa_addr != NULL && (i->ifa_addr->sa_family == AF_INET ||
		    i->ifa_addr->sa_family == AF_INET6) && n < NETIF_MAX)
			n++;
	if ((v = calloc(n > 0 ? n : 1, sizeof(*v))) == NULL) {
		freeifaddrs(ifa);
		errno = ENOMEM;
		return -1;
	}
	n = 0;
	for (i = ifa; i != NULL && n < NETIF_MAX; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		fam = i->ifa_addr->sa_family;
		if (fam != AF_INET && fam != AF_INET6)
			continue;
		memcpy(&v[n].addr, i->ifa_addr, netif_salen(fam));
		if (i->ifa_netmask != NULL)
			memcpy(&v[n].mask, i->ifa_netmask, netif_salen(fam));
		v[n].mask.ss_family = fam;
		v[n].up = (i->ifa_flags & IFF_UP) != 0;
		v[n].loopback = (i->ifa_flags & IFF_LOOPBACK) != 0;
		n++;
	}
	freeifaddrs(ifa);
	free(l->v);
	l->v = v;
	l->n = n;
	return 0;
}

void
netif_free(struct iflist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
