/*
 * rpcnames.c - ONC RPC program names from rpc(5) text: /etc/rpc, or the
 * built-in table below when that file is missing.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rpcnames.h"

/* The well-known programs, in rpc(5) form. */
static const char rpcname_builtin[] =
	"portmapper	100000	portmap sunrpc rpcbind\n"
	"rstatd		100001	rstat rstat_svc rup perfmeter\n"
	"rusersd		100002	rusers\n"
	"nfs		100003	nfsprog\n"
	"ypserv		100004	ypprog\n"
	"mountd		100005	mount showmount\n"
	"ypbind		100007\n"
	"walld		100008	rwall shutdown\n"
	"yppasswdd	100009	yppasswd\n"
	"etherstatd	100010	etherstat\n"
	"rquotad		100011	rquotaprog quota rquota\n"
	"sprayd		100012	spray\n"
	"3270_mapper	100013\n"
	"rje_mapper	100014\n"
	"selection_svc	100015	selnsvc\n"
	"database_svc	100016\n"
	"rexd		100017	rex\n"
	"alis		100018\n"
	"sched		100019\n"
	"llockmgr	100020\n"
	"nlockmgr	100021\n"
	"x25.inr		100022\n"
	"statmon		100023\n"
	"status		100024\n"
	"bootparam	100026\n"
	"ypupdated	100028	ypupdate\n"
	"keyserv		100029	keyserver\n"
	"tfsd		100037\n"
	"nsed		100038\n"
	"nsemntd		100039\n"
	"ypxfrd		100069\n"
	"nfs_acl		100227\n"
	"pcnfsd		150001\n"
	"amd		300019	amq\n"
	"sgi_fam		391002\n"
	"ugidd		545580417\n"
	"fypxfrd		600100069	freebsd-ypxfrd\n"
	"bwnfsd		788585389\n";

static int
rpcname_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The next word of [*p, end) as a malloc'd string, or NULL at the end. */
static char *
rpcname_word(const char **p, const char *end, int *oom)
{
	const char	*s;
	char		*w;

	while (*p < end && rpcname_space(**p))
		(*p)++;
	if (*p >= end)
		return NULL;
	s = *p;
	while (*p < end && !rpcname_space(**p))
		(*p)++;
	if ((w = strndup(s, (size_t)(*p - s))) == NULL)
		*oom = 1;
	return w;
}

static void
rpcname_free_ent(struct rpcname_ent *e)
{
	size_t	i;

	free(e->name);
	for (i = 0; i < e->naliases; i++)
		free(e->aliases[i]);
	free(e->aliases);
	memset(e, 0, sizeof(*e));
}

void
rpcname_free(struct rpcname_db *db)
{
	size_t	i;

	for (i = 0; i < db->n; i++)
		rpcname_free_ent(&db->v[i]);
	free(db->v);
	db->v = NULL;
	db->n = 0;
}

/* One line [p, end) into e: 1 if it holds an entry, 0 if not, -1 oom. */
static int
rpcname_line(const char *p, const char *end, struct rpcname_ent *e)
{
	const char	*hash;
	char		*num, *w, *ep, **na;
	unsigned long	 v;
	int		 oom = 0;

	memset(e, 0, sizeof(*e));
	if ((hash = memchr(p, '#', (size_t)(end - p))) != NULL)
		end = hash;
	if ((e->name = rpcname_word(&p, end, &oom)) == NULL)
		return oom ? -1 : 0;
	if ((num = rpcname_word(&p, end, &oom)) == NULL) {
		rpcname_free_ent(e);
		return oom ? -1 : 0;
	}
	errno = 0;
	v = strtoul(num, &ep, 10);
	if (num[0] < '0' || num[0] > '9' || *ep != '\0' || errno != 0 ||
	    v > UINT32_MAX) {
		free(num);
		rpcname_free_ent(e);
		return 0;
	}
	free(num);
	e->number = (uint32_t)v;
	while ((w = rpcname_word(&p, end, &oom)) != NULL) {
		if (e->naliases >= RPCNAME_ALIASES_MAX) {
			free(w);
			continue;
		}
		na = realloc(e->aliases, (e->naliases + 1) * sizeof(*na));
		if (na == NULL) {
			free(w);
			oom = 1;
			break;
		}
		e->aliases = na;
		e->aliases[e->naliases++] = w;
	}
	if (oom) {
		rpcname_free_ent(e);
		return -1;
	}
	return 1;
}

int
rpcname_parse(struct rpcname_db *db, const char *text, size_t len)
{
	const char		*p = text, *end = text + len, *nl;
	struct rpcname_ent	 e, *nv;
	size_t			 cap = 0;
	int			 r;

	db->v = NULL;
	db->n = 0;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		r = rpcname_line(p, nl, &e);
		p = nl + 1;
		if (r == -1)
			goto oom;
		if (r == 0)
			continue;
		if (db->n >= RPCNAME_ENTRIES_MAX) {
			rpcname_free_ent(&e);
			break;
		}
		if (db->n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(db->v, cap * sizeof(*nv))) == NULL) {
				rpcname_free_ent(&e);
				goto oom;
			}
			db->v = nv;
		}
		db->v[db->n++] = e;
	}
	return 0;
oom:
	rpcname_free(db);
	return -1;
}

const char *
rpcname_db_name(const struct rpcname_db *db, uint32_t number)
{
	size_t	i;

	for (i = 0; i < db->n; i++)
		if (db->v[i].number == number)
			return db->v[i].name;
	return NULL;
}

int
rpcname_db_number(const struct rpcname_db *db, const char *name,
    uint32_t *number)
{
	size_t	i, j;

	for (i = 0; i < db->n; i++) {
		if (strcmp(db->v[i].name, name) == 0)
			goto found;
		for (j = 0; j < db->v[i].naliases; j++)
			if (strcmp(db->v[i].aliases[j], name) == 0)
				goto found;
	}
	return -1;
found:
	*number = db->v[i].number;
	return 0;
}

/* ---- the process-wide table ---- */

static struct rpcname_db rpcname_table;
static int		 rpcname_loaded;
static const char	*rpcname_path = RPCNAME_FILE;

void
rpcname_use_file(const char *path)
{
	if (rpcname_loaded)
		rpcname_free(&rpcname_table);
	rpcname_loaded = 0;
	rpcname_path = path;
}

/* The whole file (at most RPCNAME_FILE_MAX bytes), or NULL. */
static char *
rpcname_read(const char *path, size_t *lenp)
{
	char	*buf;
	size_t	 len = 0;
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if ((buf = malloc(RPCNAME_FILE_MAX)) == NULL) {
		close(fd);
		return NULL;
	}
	while (len < RPCNAME_FILE_MAX) {
		n = read(fd, buf + len, RPCNAME_FILE_MAX - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	*lenp = len;
	return buf;
}

static void
rpcname_load(void)
{
	char	*text = NULL;
	size_t	 len = 0;

	if (rpcname_loaded)
		return;
	rpcname_loaded = 1;
	if (rpcname_path != NULL)
		text = rpcname_read(rpcname_path, &len);
	if (text != NULL) {
		(void)rpcname_parse(&rpcname_table, text, len);
		free(text);
		return;
	}
	(void)rpcname_parse(&rpcname_table, rpcname_builtin,
	    sizeof(rpcname_builtin) - 1);
}

const char *
rpcname_by_number(uint32_t number)
{
	rpcname_load();
	return rpcname_db_name(&rpcname_table, number);
}

int
rpcname_by_name(const char *name, uint32_t *number)
{
	rpcname_load();
	return rpcname_db_number(&rpcname_table, name, number);
}
