/*
 * uaddr.c - universal addresses (RFC 1833 section 2.2), netid facts and
 * address merging (see uaddr.h).  Pure: no sockets, no getifaddrs().
 *
 * Parsing is strict: an IP universal address is an address inet_pton()
 * accepts for the family, then exactly two port fields of one to three
 * decimal digits, each 0..255, and nothing else; the whole string is at
 * most PM_UADDR_MAX bytes.  A local address is a non-empty path that fits
 * sun_path with its NUL.
 *
 * Netids compare case-insensitively (ASCII), as in the table.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "pmap_prot.h"
#include "uaddr.h"

/* Longest IP address text we take apart (an IPv6 text with an IPv4 tail). */
#define UA_ADDRTEXT_MAX	INET6_ADDRSTRLEN

static int
ua_caseeq(const char *a, const char *b)
{
	unsigned char ca, cb;

	for (;; a++, b++) {
		ca = (unsigned char)*a;
		cb = (unsigned char)*b;
		if (ca >= 'A' && ca <= 'Z')
			ca = ca - 'A' + 'a';
		if (cb >= 'A' && cb <= 'Z')
			cb = cb - 'A' + 'a';
		if (ca != cb)
			return 0;
		if (ca == '\0')
			return 1;
	}
}

enum netid_kind
netid_kind(const char *netid)
{
	if (netid == NULL)
		return NETID_OTHER;
	if (ua_caseeq(netid, "udp"))
		return NETID_UDP;
	if (ua_caseeq(netid, "tcp"))
		return NETID_TCP;
	if (ua_caseeq(netid, "udp6"))
		return NETID_UDP6;
	if (ua_caseeq(netid, "tcp6"))
		return NETID_TCP6;
	if (ua_caseeq(netid, "local") || ua_caseeq(netid, "unix"))
		return NETID_LOCAL;
	return NETID_OTHER;
}

int
netid_family(const char *netid)
{
	switch (netid_kind(netid)) {
	case NETID_UDP:
	case NETID_TCP:
		return AF_INET;
	case NETID_UDP6:
	case NETID_TCP6:
		return AF_INET6;
	case NETID_LOCAL:
		return AF_LOCAL;
	default:
		return -1;
	}
}

/* As /etc/netconfig: tpi_clts 1, tpi_cots 2, tpi_cots_ord 3; 0 when unknown. */
uint32_t
netid_semantics(const char *netid)
{
	switch (netid_kind(netid)) {
	case NETID_UDP:
	case NETID_UDP6:
		return 1;
	case NETID_TCP:
	case NETID_TCP6:
	case NETID_LOCAL:
		return 3;
	default:
		return 0;
	}
}

const char *
netid_protofmly(const char *netid)
{
	switch (netid_kind(netid)) {
	case NETID_UDP:
	case NETID_TCP:
		return "inet";
	case NETID_UDP6:
	case NETID_TCP6:
		return "inet6";
	case NETID_LOCAL:
		return "loopback";
	default:
		return "-";
	}
}

const char *
netid_proto(const char *netid)
{
	switch (netid_kind(netid)) {
	case NETID_UDP:
	case NETID_UDP6:
		return "udp";
	case NETID_TCP:
	case NETID_TCP6:
		return "tcp";
	default:
		return "-";
	}
}

/* One port field: 1..3 decimal digits, value 0..255. */
static int
ua_portbyte(const char *s, size_t len)
{
	size_t i;
	int v = 0;

	if (len == 0 || len > 3)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= 255 ? v : -1;
}

/* The last c in s[0..len), or NULL. */
static const char *
ua_lastdot(const char *s, int c, size_t len)
{
	while (len > 0)
		if (s[--len] == c)
			return s + len;
	return NULL;
}

/*
 * Split an IP universal address into its address text (into text, NUL
 * terminated) and its port.  0 or -1.
 */
static int
ua_split(const char *uaddr, char *text, size_t textsz, int *port)
{
	const char *lo, *hi;
	size_t len;
	int p1, p2;

	if (uaddr == NULL)
		return -1;
	len = strnlen(uaddr, PM_UADDR_MAX + 1);
	if (len == 0 || len > PM_UADDR_MAX)
		return -1;
	if ((lo = ua_lastdot(uaddr, '.', len)) == NULL || lo == uaddr)
		return -1;
	if ((hi = ua_lastdot(uaddr, '.', (size_t)(lo - uaddr))) == NULL ||
	    hi == uaddr)
		return -1;
	if ((p2 = ua_portbyte(lo + 1, len - (size_t)(lo + 1 - uaddr))) == -1 ||
	    (p1 = ua_portbyte(hi + 1, (size_t)(lo - hi - 1))) == -1)
		return -1;
	if ((size_t)(hi - uaddr) >= textsz)
		return -1;
	memcpy(text, uaddr, (size_t)(hi - uaddr));
	text[hi - uaddr] = '\0';
	*port = p1 * 256 + p2;
	return 0;
}

/*
 * A dotted quad as inet_pton(AF_INET) takes it: four decimal parts of at
 * most 255, no leading zero, nothing else.  0, or -1 (then inet_pton
 * decides: this is only the quick way for the common case).
 */
static int
ua_quad(const char *s, uint8_t a[4])
{
	unsigned	v;
	int		i, n;

	for (i = 0; i < 4; i++) {
		if (*s < '0' || *s > '9')
			return -1;
		for (v = 0, n = 0; *s >= '0' && *s <= '9'; s++, n++) {
			if (n == 1 && v == 0)
				return -1;	/* leading zero */
			v = v * 10 + (unsigned)(*s - '0');
			if (v > 255)
				return -1;
		}
		a[i] = (uint8_t)v;
		if (i < 3 && *s++ != '.')
			return -1;
	}
	return *s == '\0' ? 0 : -1;
}

/*
 * A whole IPv4 universal address "a.b.c.d.p1.p2" in one pass: the quad
 * as ua_quad() takes it, the port bytes as ua_portbyte() does.  0, or -1
 * (then the careful way decides).
 */
static int
ua_fast4(const char *s, uint8_t a[4], int *port)
{
	unsigned	v, pb[2];
	int		i, n;

	for (i = 0; i < 6; i++) {
		if (*s < '0' || *s > '9')
			return -1;
		for (v = 0, n = 0; *s >= '0' && *s <= '9'; s++, n++) {
			if (i < 4 && n == 1 && v == 0)
				return -1;	/* leading zero in the quad */
			if (n == 3)
				return -1;
			v = v * 10 + (unsigned)(*s - '0');
		}
		if (v > 255)
			return -1;
		if (i < 4)
			a[i] = (uint8_t)v;
		else
			pb[i - 4] = v;
		if (i < 5 && *s++ != '.')
			return -1;
	}
	if (*s != '\0')
		return -1;
	*port = (int)(pb[0] * 256 + pb[1]);
	return 0;
}

/* The decimal digits of 0..255, for formatting without division. */
static const char ua_digits[256][4] = {
#define UA_D1(n)	{ (char)('0' + (n)), 0, 0, 1 }
#define UA_D2(n)	{ (char)('0' + (n) / 10), (char)('0' + (n) % 10), 0, 2 }
#define UA_D3(n)	{ (char)('0' + (n) / 100), (char)('0' + (n) / 10 % 10), \
			    (char)('0' + (n) % 10), 3 }
#define UA_R10(f, b)	f(b), f(b + 1), f(b + 2), f(b + 3), f(b + 4), \
			    f(b + 5), f(b + 6), f(b + 7), f(b + 8), f(b + 9)
	UA_R10(UA_D1, 0),
	UA_R10(UA_D2, 10), UA_R10(UA_D2, 20), UA_R10(UA_D2, 30),
	UA_R10(UA_D2, 40), UA_R10(UA_D2, 50), UA_R10(UA_D2, 60),
	UA_R10(UA_D2, 70), UA_R10(UA_D2, 80), UA_R10(UA_D2, 90),
	UA_R10(UA_D3, 100), UA_R10(UA_D3, 110), UA_R10(UA_D3, 120),
	UA_R10(UA_D3, 130), UA_R10(UA_D3, 140), UA_R10(UA_D3, 150),
	UA_R10(UA_D3, 160), UA_R10(UA_D3, 170), UA_R10(UA_D3, 180),
	UA_R10(UA_D3, 190), UA_R10(UA_D3, 200), UA_R10(UA_D3, 210),
	UA_R10(UA_D3, 220), UA_R10(UA_D3, 230), UA_R10(UA_D3, 240),
	UA_D3(250), UA_D3(251), UA_D3(252), UA_D3(253), UA_D3(254),
	UA_D3(255),
#undef UA_D1
#undef UA_D2
#undef UA_D3
#undef UA_R10
};

/* v (0..255) in decimal at p; the length. */
static size_t
ua_byte(char *p, unsigned v)
{
	const char *d = ua_digits[v & 255];

	p[0] = d[0];
	p[1] = d[1];
	p[2] = d[2];
	return (size_t)d[3];
}

/* Parse an IP universal address of family af (-1: either). */
static int
ua_parse_ip(const char *uaddr, int af, struct sockaddr_storage *ss,
    socklen_t *slen)
{
	char text[UA_ADDRTEXT_MAX + 1];
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	int port;

	uint8_t a[4];

	/* "a.b.c.d.p1.p2", the usual case, in one pass */
	if ((af == AF_INET || af == -1) && uaddr != NULL &&
	    ua_fast4(uaddr, a, &port) == 0) {
		memset(ss, 0, sizeof(*ss));
		ss->ss_family = AF_INET;
		memcpy(&sin->sin_addr, a, 4);
		sin->sin_port = htons((uint16_t)port);
		*slen = sizeof(*sin);
		return 0;
	}
	if (ua_split(uaddr, text, sizeof(text), &port) == -1)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if ((af == AF_INET || af == -1) && ua_quad(text, a) == 0) {
		memcpy(&sin->sin_addr, a, 4);
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*slen = sizeof(*sin);
		return 0;
	}
	if ((af == AF_INET || af == -1) &&
	    inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*slen = sizeof(*sin);
		return 0;
	}
	if ((af == AF_INET6 || af == -1) &&
	    inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*slen = sizeof(*sin6);
		return 0;
	}
	return -1;
}

static int
ua_parse_local(const char *uaddr, struct sockaddr_storage *ss,
    socklen_t *slen)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)ss;
	size_t len;

	len = strnlen(uaddr, sizeof(sun->sun_path));
	if (len == 0 || len >= sizeof(sun->sun_path) || len > PM_UADDR_MAX)
		return -1;
	memset(ss, 0, sizeof(*ss));
	sun->sun_family = AF_LOCAL;
	memcpy(sun->sun_path, uaddr, len + 1);
	*slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
	return 0;
}

/*
 * The netid decides the family; for a netid we don't know (or NULL) an
 * IPv4 and then an IPv6 address is tried, never a path.
 */
int
uaddr_to_sockaddr(const char *uaddr, const char *netid,
    struct sockaddr_storage *ss, socklen_t *slen)
{
	int af;

	if (uaddr == NULL || ss == NULL || slen == NULL)
		return -1;
	af = netid_family(netid);
	if (af == AF_LOCAL)
		return ua_parse_local(uaddr, ss, slen);
	return ua_parse_ip(uaddr, af, ss, slen);
}

int
uaddr_from_sockaddr(const struct sockaddr *sa, socklen_t slen, char *out,
    size_t outsz)
{
	char text[UA_ADDRTEXT_MAX + 1];
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	const struct sockaddr_un *sun;
	const uint8_t *ab;
	unsigned port;
	size_t plen;
	int n, i;

	if (sa == NULL || out == NULL || outsz == 0 ||
	    slen < (socklen_t)sizeof(sa->sa_family))
		return -1;
	switch (sa->sa_family) {
	case AF_INET:
		if (slen < (socklen_t)sizeof(*sin))
			return -1;
		sin = (const struct sockaddr_in *)(const void *)sa;
		/* "a.b.c.d.p1.p2" by hand: the GETADDR hot path */
		ab = (const uint8_t *)&sin->sin_addr;
		port = ntohs(sin->sin_port);
		for (i = 0, plen = 0; i < 6; i++) {
			plen += ua_byte(text + plen, i < 4 ? ab[i] : i == 4 ?
			    port >> 8 : port & 0xff);
			text[plen++] = i < 5 ? '.' : '\0';
		}
		if (plen > outsz) {
			out[0] = '\0';
			return -1;
		}
		memcpy(out, text, plen);
		return 0;
	case AF_INET6:
		if (slen < (socklen_t)sizeof(*sin6))
			return -1;
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text)) == NULL)
			return -1;
		port = ntohs(sin6->sin6_port);
		break;
	case AF_LOCAL:
		/* A named socket only: unnamed and abstract ones have no path. */
		sun = (const struct sockaddr_un *)(const void *)sa;
		if (slen <= (socklen_t)offsetof(struct sockaddr_un, sun_path))
			return -1;
		plen = (size_t)slen - offsetof(struct sockaddr_un, sun_path);
		if (plen > sizeof(sun->sun_path))
			plen = sizeof(sun->sun_path);
		plen = strnlen(sun->sun_path, plen);
		if (plen == 0 || plen > PM_UADDR_MAX || plen >= outsz)
			return -1;
		memcpy(out, sun->sun_path, plen);
		out[plen] = '\0';
		return 0;
	default:
		return -1;
	}
	n = snprintf(out, outsz, "%s.%u.%u", text, port >> 8, port & 0xff);
	if (n < 0 || (size_t)n >= outsz) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

int
uaddr_port(const char *uaddr)
{
	struct sockaddr_storage ss;
	socklen_t slen;

	if (ua_parse_ip(uaddr, -1, &ss, &slen) == -1)
		return -1;
	return sockaddr_port((const struct sockaddr *)&ss);
}

void
uaddr_v2(uint16_t port, char *out, size_t outsz)
{
	char	t[sizeof("0.0.0.0.255.255")];
	size_t	n = 8;

	if (out == NULL || outsz == 0)
		return;
	/* by hand: every v2 SET makes one */
	memcpy(t, "0.0.0.0.", 8);
	n += ua_byte(t + n, (unsigned)(port >> 8));
	t[n++] = '.';
	n += ua_byte(t + n, (unsigned)(port & 0xff));
	t[n] = '\0';
	if (n >= outsz)
		n = outsz - 1;		/* cut, as snprintf would */
	memcpy(out, t, n);
	out[n] = '\0';
}

int
sockaddr_is_loopback(const struct sockaddr *sa)
{
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	const uint8_t *b;

	if (sa == NULL)
		return 0;
	switch (sa->sa_family) {
	case AF_LOCAL:
		return 1;
	case AF_INET:
		sin = (const struct sockaddr_in *)(const void *)sa;
		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr))
			return 1;
		b = sin6->sin6_addr.s6_addr;
		return IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) && b[12] == 127;
	default:
		return 0;
	}
}

int
sockaddr_port(const struct sockaddr *sa)
{
	if (sa == NULL)
		return -1;
	switch (sa->sa_family) {
	case AF_INET:
		return ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port);
	case AF_INET6:
		return ntohs(((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
	default:
		return -1;
	}
}

/* ---- address merging ---- */

/* Address bytes of an IP socket address and their count, or NULL. */
static const uint8_t *
ua_addrbytes(const struct sockaddr_storage *ss, int af, size_t *len)
{
	if (ss->ss_family != af)
		return NULL;
	if (af == AF_INET) {
		*len = 4;
		return (const uint8_t *)
		    &((const struct sockaddr_in *)(const void *)ss)->sin_addr;
	}
	if (af == AF_INET6) {
		*len = 16;
		return ((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr.s6_addr;
	}
	return NULL;
}

/* Netmask bytes: as ua_addrbytes, but a mask with family 0 is taken as af. */
static const uint8_t *
ua_maskbytes(const struct sockaddr_storage *ss, int af, size_t *len)
{
	if (ss->ss_family != 0)
		return ua_addrbytes(ss, af, len);
	if (af == AF_INET) {
		*len = 4;
		return (const uint8_t *)ss +
		    offsetof(struct sockaddr_in, sin_addr);
	}
	if (af == AF_INET6) {
		*len = 16;
		return (const uint8_t *)ss +
		    offsetof(struct sockaddr_in6, sin6_addr);
	}
	return NULL;
}

/*
 * The address to match interfaces against, as a sockaddr of family af:
 * the hint if it parses as one, else the client (an IPv4-mapped IPv6
 * client counts as IPv4).  0, or -1 when there is none.
 */
static int
ua_target(int af, const char *hint, const struct sockaddr *client,
    struct sockaddr_storage *out)
{
	const struct sockaddr_in6 *c6;
	struct sockaddr_in *o4;
	socklen_t slen;

	if (hint != NULL && hint[0] != '\0' &&
	    ua_parse_ip(hint, af, out, &slen) == 0)
		return 0;
	if (client == NULL)
		return -1;
	memset(out, 0, sizeof(*out));
	if (client->sa_family == AF_INET && af == AF_INET) {
		memcpy(out, client, sizeof(struct sockaddr_in));
		return 0;
	}
	if (client->sa_family == AF_INET6) {
		c6 = (const struct sockaddr_in6 *)(const void *)client;
		if (af == AF_INET6) {
			memcpy(out, client, sizeof(struct sockaddr_in6));
			return 0;
		}
		if (af == AF_INET && IN6_IS_ADDR_V4MAPPED(&c6->sin6_addr)) {
			o4 = (struct sockaddr_in *)out;
			o4->sin_family = AF_INET;
			memcpy(&o4->sin_addr, &c6->sin6_addr.s6_addr[12], 4);
			return 0;
		}
	}
	return -1;
}

/* The interface of family af that best matches target (NULL: none). */
static const struct ifent *
ua_bestif(const struct iflist *ifl, int af, const struct sockaddr_storage *target)
{
	const struct ifent *ife, *subnet = NULL, *first = NULL;
	const uint8_t *ta = NULL, *ia, *ma;
	size_t n, tlen = 0, ilen, mlen, i, k;

	if (target != NULL)
		ta = ua_addrbytes(target, af, &tlen);
	for (n = 0; n < ifl->n; n++) {
		ife = &ifl->v[n];
		if (!ife->up || (ia = ua_addrbytes(&ife->addr, af, &ilen)) == NULL)
			continue;
		if (ta != NULL) {
			if (memcmp(ia, ta, ilen) == 0)
				return ife;
			ma = ua_maskbytes(&ife->mask, af, &mlen);
			if (subnet == NULL && ma != NULL && mlen == ilen) {
				for (i = 0, k = 0; i < ilen; i++)
					k |= (ia[i] ^ ta[i]) & ma[i];
				if (k == 0)
					subnet = ife;
			}
		}
		if (first == NULL && !ife->loopback)
			first = ife;
	}
	return subnet != NULL ? subnet : first;
}

int
uaddr_merge(const struct iflist *ifl, const char *netid, const char *reg,
    const char *hint, const struct sockaddr *client, char *out, size_t outsz)
{
	struct sockaddr_storage rs, ts, ms;
	const struct ifent *ife;
	socklen_t slen;
	size_t len;
	int af, port, havetarget;

	if (reg == NULL || out == NULL || outsz == 0)
		return -1;
	af = netid_family(netid);
	if (af == AF_LOCAL) {
		len = strnlen(reg, PM_UADDR_MAX + 1);
		if (len == 0 || len > PM_UADDR_MAX || len >= outsz)
			return -1;
		memcpy(out, reg, len + 1);
		return 0;
	}
	if (ua_parse_ip(reg, af, &rs, &slen) == -1)
		return -1;
	af = rs.ss_family;
	port = sockaddr_port((const struct sockaddr *)&rs);

	havetarget = ua_target(af, hint, client, &ts) == 0;
	ife = ifl != NULL ? ua_bestif(ifl, af, havetarget ? &ts : NULL) : NULL;
	if (ife == NULL) {
		len = strlen(reg);
		if (len >= outsz)
			return -1;
		memcpy(out, reg, len + 1);
		return 0;
	}
	memset(&ms, 0, sizeof(ms));
	if (af == AF_INET) {
		memcpy(&ms, &ife->addr, sizeof(struct sockaddr_in));
		((struct sockaddr_in *)&ms)->sin_port = htons((uint16_t)port);
		slen = sizeof(struct sockaddr_in);
	} else {
		memcpy(&ms, &ife->addr, sizeof(struct sockaddr_in6));
		((struct sockaddr_in6 *)&ms)->sin6_port = htons((uint16_t)port);
		slen = sizeof(struct sockaddr_in6);
	}
	return uaddr_from_sockaddr((const struct sockaddr *)&ms, slen, out, outsz);
}
