/*
 * acl.c - access lists (--allow, --deny, --amp-allow), hosts.allow and
 * hosts.deny rules for "portmap" and "rpcbind", and the anti-amplification
 * reply limit.  See acl.h for the decision order.
 *
 * Everything is numeric: an address pattern is parsed once, when the rules
 * are read, into a network; checking a peer compares bytes.  A hosts rule
 * is two compiled pattern lists (daemons, clients) and a verdict.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acl.h"
#include "pmap_prot.h"
#include "uaddr.h"

#define ACL_MSG_MAX	256	/* one warning */
#define ACL_SHOW_MAX	64	/* bytes of a pattern quoted in a warning */

struct acl_netlist {
	struct acl_net	*v;
	size_t		 n, cap;
};

/* A compiled hosts pattern. */
enum acl_tok_kind {
	TOK_NEVER = 0,		/* unsupported, or another daemon: never matches */
	TOK_ALL,
	TOK_EXCEPT,
	TOK_SELF,		/* portmap or rpcbind */
	TOK_NET,
};

struct acl_tok {
	enum acl_tok_kind kind;
	struct acl_net	  net;
};

struct acl_rule {
	struct acl_tok	*tok;		/* daemons then clients */
	size_t		 ndaemon, nclient;
	int		 grant;		/* verdict when the rule matches */
};

struct acl_rules {
	struct acl_rule	*v;
	size_t		 n, cap;
};

struct acl {
	struct acl_netlist lists[3];	/* enum acl_list */
	struct acl_rules   hosts[2];	/* enum acl_hosts */
};

/* ---- networks ---- */

/* 1 to 3 decimal digits, value <= max, exactly the whole string. */
static int
acl_small_number(const char *s, unsigned max, unsigned *out)
{
	unsigned	v = 0;
	size_t		i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i == 3 || s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (i == 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static void
acl_clear_host_bits(struct acl_net *n)
{
	size_t	bytes = n->af == AF_INET ? 4 : 16, i;

	for (i = 0; i < bytes; i++) {
		if (n->plen >= (i + 1) * 8)
			continue;
		if (n->plen <= i * 8)
			n->addr[i] = 0;
		else
			n->addr[i] &= (uint8_t)(0xff << (8 - (n->plen - i * 8)));
	}
	if (n->af == AF_INET)
		memset(n->addr + 4, 0, 12);
}

static const uint8_t acl_v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* An IPv4-mapped IPv6 network of at least /96 becomes its IPv4 network. */
static void
acl_unmap(struct acl_net *n)
{
	if (n->af != AF_INET6 || n->plen < 96 ||
	    memcmp(n->addr, acl_v4mapped, 12) != 0)
		return;
	n->af = AF_INET;
	memmove(n->addr, n->addr + 12, 4);
	n->plen -= 96;
}

/*
 * An address of family af (text without brackets) and a prefix length:
 * len as text, or NULL for plen (-1: the whole address).
 */
static int
acl_make_net(int af, const char *addr, const char *len, int plen,
    struct acl_net *out)
{
	struct acl_net	n;
	unsigned	l, max = af == AF_INET ? 32 : 128;

	memset(&n, 0, sizeof(n));
	n.af = af;
	if (inet_pton(af, addr, n.addr) != 1)
		return -1;
	if (len != NULL) {
		if (acl_small_number(len, max, &l) == -1)
			return -1;
	} else if (plen >= 0 && (unsigned)plen <= max)
		l = (unsigned)plen;
	else
		l = max;
	n.plen = (uint8_t)l;
	acl_clear_host_bits(&n);
	acl_unmap(&n);
	*out = n;
	return 0;
}

int
acl_parse_net(const char *s, struct acl_net *out)
{
	char		 buf[INET6_ADDRSTRLEN + 8];
	const char	*len = NULL, *close;
	char		*slash;
	size_t		 n;
	int		 af;

	if (s == NULL || (n = strlen(s)) == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n + 1);
	if (buf[0] == '[') {
		if ((close = strchr(buf, ']')) == NULL)
			return -1;
		if (close[1] == '/')
			len = close + 2;
		else if (close[1] != '\0')
			return -1;
		buf[close - buf] = '\0';
		return acl_make_net(AF_INET6, buf + 1, len, -1, out);
	}
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		len = slash + 1;
	}
	af = strchr(buf, ':') != NULL ? AF_INET6 : AF_INET;
	return acl_make_net(af, buf, len, -1, out);
}

/* The peer's address bytes: AF_INET (mapped IPv4 too) or AF_INET6; -1 else. */
static int
acl_peer(const struct sockaddr *sa, int *af, uint8_t addr[16])
{
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;

	if (sa == NULL)
		return -1;
	switch (sa->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)(const void *)sa;
		memcpy(addr, &sin->sin_addr, 4);
		*af = AF_INET;
		return 0;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (memcmp(sin6->sin6_addr.s6_addr, acl_v4mapped, 12) == 0) {
			memcpy(addr, sin6->sin6_addr.s6_addr + 12, 4);
			*af = AF_INET;
		} else {
			memcpy(addr, sin6->sin6_addr.s6_addr, 16);
			*af = AF_INET6;
		}
		return 0;
	default:
		return -1;
	}
}

static int
acl_contains(const struct acl_net *n, int af, const uint8_t *a)
{
	unsigned	full, rem;
	uint8_t		mask;

	if (n->af != af)
		return 0;
	full = n->plen / 8;
	rem = n->plen % 8;
	if (memcmp(n->addr, a, full) != 0)
		return 0;
	if (rem == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rem));
	return (a[full] & mask) == n->addr[full];
}

int
acl_net_match(const struct acl_net *n, const struct sockaddr *sa)
{
	uint8_t	a[16];
	int	af;

	if (n == NULL || acl_peer(sa, &af, a) == -1)
		return 0;
	return acl_contains(n, af, a);
}

static int
acl_list_has(const struct acl_netlist *l, int af, const uint8_t *a)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (acl_contains(&l->v[i], af, a))
			return 1;
	return 0;
}

/* ---- the object ---- */

struct acl *
acl_new(void)
{
	return calloc(1, sizeof(struct acl));
}

static void
acl_rules_free(struct acl_rules *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].tok);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

void
acl_free(struct acl *a)
{
	size_t	i;

	if (a == NULL)
		return;
	for (i = 0; i < 3; i++)
		free(a->lists[i].v);
	for (i = 0; i < 2; i++)
		acl_rules_free(&a->hosts[i]);
	free(a);
}

/* Room for one more of size sz in *v (n used, cap held), up to max. */
static int
acl_grow(void **v, size_t *cap, size_t n, size_t sz, size_t max)
{
	size_t	ncap;
	void	*nv;

	if (n < *cap)
		return 0;
	if (n >= max)
		return -1;
	ncap = *cap == 0 ? 8 : *cap * 2;
	if (ncap > max)
		ncap = max;
	if ((nv = realloc(*v, ncap * sz)) == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

int
acl_add(struct acl *a, enum acl_list which, const char *cidr)
{
	struct acl_netlist *l;
	struct acl_net	    n;

	if (a == NULL || (unsigned)which > ACL_AMP ||
	    acl_parse_net(cidr, &n) == -1)
		return -1;
	l = &a->lists[which];
	if (acl_grow((void **)&l->v, &l->cap, l->n, sizeof(*l->v),
	    ACL_NETS_MAX) == -1)
		return -1;
	l->v[l->n++] = n;
	return 0;
}

/* ---- hosts.allow / hosts.deny ---- */

struct acl_ctx {
	const char	*name;
	unsigned	 line;
	acl_warn_fn	 warn;
	void		*arg;
};

static void __attribute__((format(printf, 2, 3)))
acl_warn(const struct acl_ctx *c, const char *fmt, ...)
{
	char	msg[ACL_MSG_MAX];
	int	n;
	va_list	ap;

	if (c->warn == NULL)
		return;
	n = snprintf(msg, sizeof(msg), "%s:%u: ", c->name != NULL ? c->name :
	    "hosts", c->line);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	c->warn(c->arg, msg);
}

static int
acl_caseeq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* "a.", "a.b.", "a.b.c.": whole numbers 0..255 then a dot. */
static int
acl_prefix_net(const char *s, struct acl_net *out)
{
	char		 part[4];
	const char	*p = s, *dot;
	unsigned	 v, k = 0;
	size_t		 n;

	memset(out, 0, sizeof(*out));
	out->af = AF_INET;
	while (*p != '\0') {
		if (k == 3 || (dot = strchr(p, '.')) == NULL)
			return -1;
		n = (size_t)(dot - p);
		if (n == 0 || n >= sizeof(part))
			return -1;
		memcpy(part, p, n);
		part[n] = '\0';
		if (acl_small_number(part, 255, &v) == -1)
			return -1;
		out->addr[k++] = (uint8_t)v;
		p = dot + 1;
	}
	if (k == 0)
		return -1;
	out->plen = (uint8_t)(8 * k);
	return 0;
}

/* A dotted mask with contiguous ones, as a prefix length; -1 otherwise. */
static int
acl_mask_len(const char *s)
{
	struct in_addr	m;
	uint32_t	v;
	int		len = 0;

	if (inet_pton(AF_INET, s, &m) != 1)
		return -1;
	v = ntohl(m.s_addr);
	while (v & 0x80000000u) {
		len++;
		v <<= 1;
	}
	return v == 0 ? len : -1;
}

/* A client pattern: 0 with *t filled, -1 when unsupported. */
static int
acl_client_tok(const char *s, struct acl_tok *t)
{
	char	 buf[INET6_ADDRSTRLEN + 24];
	char	*slash;
	size_t	 n = strlen(s);
	int	 ml;

	memset(t, 0, sizeof(*t));
	if (acl_caseeq(s, "ALL")) {
		t->kind = TOK_ALL;
		return 0;
	}
	if (acl_caseeq(s, "EXCEPT")) {
		t->kind = TOK_EXCEPT;
		return 0;
	}
	if (n == 0 || n >= sizeof(buf))
		return -1;
	t->kind = TOK_NET;
	if (s[0] == '[')		/* [v6] or [v6]/len */
		return acl_parse_net(s, &t->net);
	if (s[n - 1] == '.')		/* a.b.c. */
		return acl_prefix_net(s, &t->net);
	if (strchr(s, ':') != NULL)	/* hosts_access wants brackets */
		return -1;
	memcpy(buf, s, n + 1);
	if ((slash = strchr(buf, '/')) != NULL && strchr(slash + 1, '.') != NULL) {
		/* a.b.c.d/m.m.m.m */
		*slash = '\0';
		if ((ml = acl_mask_len(slash + 1)) == -1)
			return -1;
		return acl_make_net(AF_INET, buf, NULL, ml, &t->net);
	}
	if (slash != NULL) {
		*slash = '\0';
		return acl_make_net(AF_INET, buf, slash + 1, -1, &t->net);
	}
	return acl_make_net(AF_INET, buf, NULL, -1, &t->net);
}

/* A daemon pattern.  *ours is set when it names us in a form we cannot use. */
static void
acl_daemon_tok(const char *s, struct acl_tok *t, int *ours)
{
	const char	*at;
	char		 name[16];
	size_t		 n;

	memset(t, 0, sizeof(*t));
	*ours = 0;
	if (acl_caseeq(s, "ALL"))
		t->kind = TOK_ALL;
	else if (acl_caseeq(s, "EXCEPT"))
		t->kind = TOK_EXCEPT;
	else if (acl_caseeq(s, "portmap") || acl_caseeq(s, "rpcbind"))
		t->kind = TOK_SELF;
	else if ((at = strchr(s, '@')) != NULL) {
		/* daemon@host: only the server's own address would tell */
		t->kind = TOK_NEVER;
		n = (size_t)(at - s);
		if (n < sizeof(name)) {
			memcpy(name, s, n);
			name[n] = '\0';
			*ours = acl_caseeq(name, "portmap") ||
			    acl_caseeq(name, "rpcbind") || acl_caseeq(name, "ALL");
		}
	} else
		t->kind = TOK_NEVER;
}

/*
 * Does the list v[0..n) match?  "A EXCEPT B" matches when something in A
 * matches and B (which may hold EXCEPT again) does not.
 */
static int
acl_list_match(const struct acl_tok *v, size_t n, int af, const uint8_t *a)
{
	size_t	i, j;
	int	m;

	for (i = 0; i < n; i++) {
		switch (v[i].kind) {
		case TOK_EXCEPT:
			return 0;
		case TOK_ALL:
		case TOK_SELF:
			m = 1;
			break;
		case TOK_NET:
			m = a != NULL && acl_contains(&v[i].net, af, a);
			break;
		default:
			m = 0;
			break;
		}
		if (!m)
			continue;
		for (j = i + 1; j < n && v[j].kind != TOK_EXCEPT; j++)
			;
		if (j == n)
			return 1;
		return !acl_list_match(v + j + 1, n - j - 1, af, a);
	}
	return 0;
}

/* Split at whitespace and commas: the next token of *pp, or NULL. */
static char *
acl_next_token(char **pp)
{
	char	*p = *pp, *start;

	while (*p == ' ' || *p == '\t' || *p == ',' || *p == '\r')
		p++;
	if (*p == '\0') {
		*pp = p;
		return NULL;
	}
	start = p;
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != ',' && *p != '\r')
		p++;
	if (*p != '\0')
		*p++ = '\0';
	*pp = p;
	return start;
}

/*
 * Split a line into fields at the colons that are not inside [...]; the
 * colons become NULs.  Returns the number of fields (at most max).
 */
static size_t
acl_fields(char *line, char **f, size_t max)
{
	size_t	n = 0;
	int	depth = 0;
	char	*p;

	f[n++] = line;
	for (p = line; *p != '\0'; p++) {
		if (*p == '[')
			depth = 1;
		else if (*p == ']')
			depth = 0;
		else if (*p == ':' && depth == 0 && n < max) {
			*p = '\0';
			f[n++] = p + 1;
		}
	}
	return n;
}

/* Compile one logical line into *r.  0: a rule for us; 1: not ours; -1: bad. */
static int
acl_compile(const struct acl_ctx *c, char *line, int file_grant,
    struct acl_rule *r)
{
	struct acl_tok	 tok[2 * ACL_TOKENS_MAX];
	char		*f[3], *p, *t, *opt;
	size_t		 nf, nd = 0, nc = 0, i;
	int		 ours, any = 0, grant = file_grant;

	nf = acl_fields(line, f, 3);
	if (nf < 2) {
		acl_warn(c, "missing \":\" (expected daemons : clients)");
		return -1;
	}
	p = f[0];
	while ((t = acl_next_token(&p)) != NULL) {
		if (nd == ACL_TOKENS_MAX) {
			acl_warn(c, "more than %d daemon patterns, rule ignored",
			    ACL_TOKENS_MAX);
			return -1;
		}
		acl_daemon_tok(t, &tok[nd], &ours);
		if (ours)
			acl_warn(c, "unsupported daemon pattern \"%.*s\" ignored",
			    ACL_SHOW_MAX, t);
		if (tok[nd].kind == TOK_ALL || tok[nd].kind == TOK_SELF)
			any = 1;
		nd++;
	}
	if (nd == 0) {
		acl_warn(c, "empty daemon list");
		return -1;
	}
	/* Rules for other daemons: their patterns are none of our business. */
	if (!any)
		return 1;
	p = f[1];
	while ((t = acl_next_token(&p)) != NULL) {
		if (nc == ACL_TOKENS_MAX) {
			acl_warn(c, "more than %d client patterns, rule ignored",
			    ACL_TOKENS_MAX);
			return -1;
		}
		if (acl_client_tok(t, &tok[nd + nc]) == -1) {
			acl_warn(c, "unsupported client pattern \"%.*s\" ignored "
			    "(numeric patterns only)", ACL_SHOW_MAX, t);
			memset(&tok[nd + nc], 0, sizeof(tok[0]));
			tok[nd + nc].kind = TOK_NEVER;
		}
		nc++;
	}
	if (nc == 0) {
		acl_warn(c, "empty client list");
		return -1;
	}
	/* Options (hosts_options(5)): "allow" and "deny" are understood. */
	if (nf == 3) {
		p = f[2];
		/* the options are themselves colon-separated */
		while (*p != '\0') {
			opt = p;
			while (*p != '\0' && *p != ':')
				p++;
			if (*p == ':')
				*p++ = '\0';
			while (*opt == ' ' || *opt == '\t')
				opt++;
			i = strlen(opt);
			while (i > 0 && (opt[i - 1] == ' ' || opt[i - 1] == '\t' ||
			    opt[i - 1] == '\r'))
				opt[--i] = '\0';
			if (i == 0)
				continue;
			if (acl_caseeq(opt, "allow"))
				grant = 1;
			else if (acl_caseeq(opt, "deny"))
				grant = 0;
			else
				acl_warn(c, "option \"%.*s\" ignored", ACL_SHOW_MAX,
				    opt);
		}
	}
	if ((r->tok = malloc((nd + nc) * sizeof(tok[0]))) == NULL)
		return -1;
	memcpy(r->tok, tok, (nd + nc) * sizeof(tok[0]));
	r->ndaemon = nd;
	r->nclient = nc;
	r->grant = grant;
	return 0;
}

int
acl_hosts_text(struct acl *a, enum acl_hosts which, const char *text,
    size_t len, const char *name, acl_warn_fn warn, void *arg)
{
	struct acl_ctx	 c = { name, 0, warn, arg };
	struct acl_rules *rs;
	struct acl_rule	 r;
	char		*line;
	size_t		 i = 0, n, start;
	unsigned	 next_line = 1;
	int		 toolong, rc = 0, cont;

	if (a == NULL || (unsigned)which > ACL_HOSTS_DENY)
		return -1;
	rs = &a->hosts[which];
	if ((line = malloc(ACL_LINE_MAX + 1)) == NULL)
		return -1;
	while (i < len) {
		/* One logical line: physical lines joined at "\\\n". */
		c.line = next_line;
		n = 0;
		toolong = 0;
		do {
			cont = 0;
			start = i;
			while (i < len && text[i] != '\n')
				i++;
			next_line++;
			if (i - start > 0 && text[i - 1] == '\\' && i < len) {
				cont = 1;
				if (!toolong && n + (i - 1 - start) <= ACL_LINE_MAX) {
					memcpy(line + n, text + start, i - 1 - start);
					n += i - 1 - start;
				} else
					toolong = 1;
			} else if (!toolong && n + (i - start) <= ACL_LINE_MAX) {
				memcpy(line + n, text + start, i - start);
				n += i - start;
			} else
				toolong = 1;
			if (i < len)
				i++;	/* the newline */
		} while (cont && i < len);
		line[n] = '\0';
		if (toolong) {
			acl_warn(&c, "line longer than %d bytes ignored",
			    ACL_LINE_MAX);
			continue;
		}
		if (memchr(line, '\0', n) != NULL) {
			acl_warn(&c, "NUL byte in line, ignored");
			continue;
		}
		start = strspn(line, " \t\r");
		if (line[start] == '\0' || line[start] == '#')
			continue;
		memset(&r, 0, sizeof(r));
		if (acl_compile(&c, line + start, which == ACL_HOSTS_ALLOW,
		    &r) != 0)
			continue;
		if (acl_grow((void **)&rs->v, &rs->cap, rs->n, sizeof(*rs->v),
		    ACL_RULES_MAX) == -1) {
			free(r.tok);
			acl_warn(&c, "more than %d rules, the rest ignored",
			    ACL_RULES_MAX);
			rc = -1;
			break;
		}
		rs->v[rs->n++] = r;
	}
	free(line);
	return rc;
}

int
acl_hosts_file(struct acl *a, enum acl_hosts which, const char *path,
    acl_warn_fn warn, void *arg)
{
	struct acl_ctx	c = { path, 0, warn, arg };
	struct stat	st;
	char		*buf = NULL;
	size_t		len = 0;
	ssize_t		r;
	int		fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		if (errno == ENOENT)
			return 0;	/* no file, no rules (as tcpd) */
		acl_warn(&c, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		acl_warn(&c, "not a regular file");
		goto out;
	}
	if ((buf = malloc(ACL_FILE_MAX + 1)) == NULL)
		goto out;
	for (;;) {
		r = read(fd, buf + len, ACL_FILE_MAX + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			acl_warn(&c, "read: %s", strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > ACL_FILE_MAX) {
			acl_warn(&c, "larger than %u bytes", ACL_FILE_MAX);
			goto out;
		}
	}
	rc = acl_hosts_text(a, which, buf, len, path, warn, arg);
out:
	free(buf);
	close(fd);
	return rc;
}

struct acl *
acl_build(const struct acl_cfg *cfg, acl_warn_fn warn, void *arg)
{
	static const enum acl_list which[3] = { ACL_ALLOW, ACL_DENY, ACL_AMP };
	static const char *const opt[3] = { "--allow", "--deny", "--amp-allow" };
	struct acl_ctx	 c = { "config", 0, warn, arg };
	const char *const *v[3];
	size_t		 n[3], k, i;
	struct acl	*a;
	char		 msg[ACL_MSG_MAX];

	if ((a = acl_new()) == NULL) {
		acl_warn(&c, "out of memory");
		return NULL;
	}
	if (cfg == NULL)
		return a;
	v[0] = cfg->allow;
	n[0] = cfg->nallow;
	v[1] = cfg->deny;
	n[1] = cfg->ndeny;
	v[2] = cfg->amp;
	n[2] = cfg->namp;
	for (k = 0; k < 3; k++) {
		for (i = 0; i < n[k]; i++) {
			if (acl_add(a, which[k], v[k][i]) == 0)
				continue;
			if (warn != NULL) {
				snprintf(msg, sizeof(msg), "%s \"%.*s\": %s",
				    opt[k], ACL_SHOW_MAX, v[k][i] != NULL ?
				    v[k][i] : "", a->lists[k].n >= ACL_NETS_MAX ?
				    "too many networks" : "not a numeric network");
				warn(arg, msg);
			}
			goto fail;
		}
	}
	if (cfg->hosts_allow != NULL && acl_hosts_file(a, ACL_HOSTS_ALLOW,
	    cfg->hosts_allow, warn, arg) == -1)
		goto fail;
	if (cfg->hosts_deny != NULL && acl_hosts_file(a, ACL_HOSTS_DENY,
	    cfg->hosts_deny, warn, arg) == -1)
		goto fail;
	return a;
fail:
	acl_free(a);
	return NULL;
}

/* The first rule of the file matching the peer: 1 grant, 0 deny, -1 none. */
static int
acl_hosts_match(const struct acl_rules *rs, int af, const uint8_t *addr)
{
	const struct acl_rule *r;
	size_t	i;

	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		if (acl_list_match(r->tok, r->ndaemon, af, NULL) &&
		    acl_list_match(r->tok + r->ndaemon, r->nclient, af, addr))
			return r->grant;
	}
	return -1;
}

enum acl_verdict
acl_check(const struct acl *a, const struct sockaddr *peer)
{
	uint8_t	addr[16];
	int	af, m;

	if (peer != NULL && sockaddr_is_loopback(peer))
		return ACL_LOCAL;
	if (acl_peer(peer, &af, addr) == -1)
		return ACL_DENIED_FAMILY;
	if (a == NULL)
		return ACL_ALLOWED;
	if (a->lists[ACL_ALLOW].n > 0 &&
	    !acl_list_has(&a->lists[ACL_ALLOW], af, addr))
		return ACL_DENIED_NOALLOW;
	if (acl_list_has(&a->lists[ACL_DENY], af, addr))
		return ACL_DENIED_DENY;
	if ((m = acl_hosts_match(&a->hosts[ACL_HOSTS_ALLOW], af, addr)) != -1)
		return m ? ACL_ALLOWED : ACL_DENIED_HOSTS;
	if ((m = acl_hosts_match(&a->hosts[ACL_HOSTS_DENY], af, addr)) != -1)
		return m ? ACL_ALLOWED : ACL_DENIED_HOSTS;
	return ACL_ALLOWED;
}

const char *
acl_verdict_str(enum acl_verdict v)
{
	switch (v) {
	case ACL_LOCAL:
		return "local";
	case ACL_ALLOWED:
		return "allowed";
	case ACL_DENIED_NOALLOW:
		return "not in --allow";
	case ACL_DENIED_DENY:
		return "in --deny";
	case ACL_DENIED_HOSTS:
		return "denied by hosts.allow/hosts.deny";
	case ACL_DENIED_FAMILY:
		return "not an IP address";
	default:
		return "?";
	}
}

size_t
acl_udp_reply_max(const struct acl *a, const struct sockaddr *peer,
    size_t reqlen)
{
	uint8_t	addr[16];
	int	af;

	if (peer != NULL && sockaddr_is_loopback(peer))
		return PM_UDP_MAX;
	if (a != NULL && acl_peer(peer, &af, addr) == 0 &&
	    acl_list_has(&a->lists[ACL_AMP], af, addr))
		return PM_UDP_MAX;
	return reqlen < PM_UDP_MAX ? reqlen : PM_UDP_MAX;
}

void
acl_info(const struct acl *a, struct acl_info *info)
{
	memset(info, 0, sizeof(*info));
	if (a == NULL)
		return;
	info->nallow = a->lists[ACL_ALLOW].n;
	info->ndeny = a->lists[ACL_DENY].n;
	info->namp = a->lists[ACL_AMP].n;
	info->hosts_allow = a->hosts[ACL_HOSTS_ALLOW].n;
	info->hosts_deny = a->hosts[ACL_HOSTS_DENY].n;
}
