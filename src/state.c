/*
 * state.c - crash-safe persistence of the mapping table (see state.h).
 *
 * Why a journal and not "rewrite a temporary file and rename it" per
 * change: a rewrite costs O(entries) per SET, 2.5 MB of writing per SET at
 * 10,000 entries; an append costs one write() of one record whatever the
 * size of the table.  The rewrite happens only at compaction, once per
 * 3 x entries changes, so its cost per change stays constant.
 *
 * Why no fsync: the threat is the daemon dying (a crash, kill -9, the OOM
 * killer), not the kernel.  Once write() has returned, the record is in
 * the kernel's page cache and survives the death of the process; it is
 * lost only with the kernel itself, and then so is /run (a tmpfs, empty
 * after a reboot) and every registration with it, since every service
 * re-registers when it starts.  The same holds for the rename at
 * compaction: atomic with respect to a process crash without fsync.
 *
 * Records: 256 bytes, little-endian, each with its own magic and CRC-32,
 * so a corrupt record is skipped on its own and the next one is found at
 * the next multiple of 256:
 *
 *     0  magic "PMST"            28  sequence number in this file
 *     4  type (1 header, 2 SET,  32  netid, NUL-padded (32 bytes)
 *          3 UNSET)              64  uaddr, NUL-padded (128 bytes)
 *     5  netid length           192  zero
 *     6  uaddr length (16 bits) 252  CRC-32 (IEEE) of bytes 0..63+ulen
 *     8  prog   12 vers   16 owner   20 pid   24 flags
 *
 * The CRC covers the fixed fields, the netid area and the used part of
 * the uaddr; the bytes after it must be zero, which is cheaper to check
 * than to checksum (a third of the cost of a SET was the CRC of padding).
 *
 * The header record carries the format version in prog and the record
 * size in vers.  A SET is written whole in a single write() on an
 * O_APPEND descriptor: after a crash the file ends with whole records or
 * with part of the last one, which the loader reports and ignores.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pmap_prot.h"
#include "state.h"

#define ST_FILE		"state"
#define ST_TMP		"state.tmp"
#define ST_REC		256
#define ST_MAGIC	0x54534d50u	/* "PMST" read little-endian */
#define ST_VERSION	1u
#define ST_T_HDR	1
#define ST_T_SET	2
#define ST_T_UNSET	3
#define ST_O_NETID	32
#define ST_O_UADDR	64
#define ST_O_CRC	252
#define ST_CHUNK	64		/* records per read()/write() in bulk */
#define ST_MIN_COMPACT	1024		/* never compact a file smaller than this */
#define ST_WARN_RECS	3		/* bad records reported one by one */

struct state {
	char		*dir;
	int		 dirfd;
	int		 fd;		/* the file, O_APPEND; -1 when none */
	struct table	*table;
	state_warn_fn	 warn;
	void		*warn_arg;
	uint64_t	 nrec;		/* whole records in the file */
	off_t		 size;		/* known-good length */
	uint32_t	 seq;
	int		 broken;	/* a write failed: rewrite on next change */
	int		 loading;
	/* state_defer(): records held until state_flush() */
	int		 defer;
	uint8_t		*pend;		/* ST_CHUNK records */
	unsigned	 npend;
	uint64_t	 compactions, write_errors;
};

/* ---- records ---- */

/* CRC-32 (IEEE), four bytes a step ("slicing by 4"): tables t[0..3]. */
static uint32_t st_crctab[4][256];

static uint32_t
st_crc32(const uint8_t *p, size_t len)
{
	uint32_t c, crc = 0xffffffffu;
	size_t i;
	int k;

	if (st_crctab[0][1] == 0) {
		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			st_crctab[0][i] = c;
		}
		for (i = 0; i < 256; i++)
			for (k = 1; k < 4; k++)
				st_crctab[k][i] = st_crctab[0][st_crctab[k - 1][i] &
				    0xff] ^ (st_crctab[k - 1][i] >> 8);
	}
	for (; len >= 4; p += 4, len -= 4) {
		crc ^= (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		crc = st_crctab[3][crc & 0xff] ^
		    st_crctab[2][(crc >> 8) & 0xff] ^
		    st_crctab[1][(crc >> 16) & 0xff] ^ st_crctab[0][crc >> 24];
	}
	for (i = 0; i < len; i++)
		crc = st_crctab[0][(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffu;
}

static void
st_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t
st_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

struct st_rec {
	int		type;
	uint32_t	prog, vers, flags, seq;
	int32_t		owner, pid;
	char		netid[PM_NETID_MAX + 1];
	char		uaddr[PM_UADDR_MAX + 1];
};

static void
st_encode(uint8_t *b, int type, uint32_t seq, uint32_t prog, uint32_t vers,
    int32_t owner, int32_t pid, uint32_t flags, const char *netid,
    const char *uaddr)
{
	size_t nlen = netid ? strnlen(netid, PM_NETID_MAX) : 0;
	size_t ulen = uaddr ? strnlen(uaddr, PM_UADDR_MAX) : 0;

	memset(b, 0, ST_REC);
	st_put32(b, ST_MAGIC);
	b[4] = (uint8_t)type;
	b[5] = (uint8_t)nlen;
	b[6] = (uint8_t)ulen;
	b[7] = (uint8_t)(ulen >> 8);
	st_put32(b + 8, prog);
	st_put32(b + 12, vers);
	st_put32(b + 16, (uint32_t)owner);
	st_put32(b + 20, (uint32_t)pid);
	st_put32(b + 24, flags);
	st_put32(b + 28, seq);
	if (nlen)
		memcpy(b + ST_O_NETID, netid, nlen);
	if (ulen)
		memcpy(b + ST_O_UADDR, uaddr, ulen);
	st_put32(b + ST_O_CRC, st_crc32(b, ST_O_UADDR + ulen));
}

/* 0, or -1 with a reason: bad checksum, or a well-sealed record that makes no sense. */
static int
st_decode(const uint8_t *b, struct st_rec *r, const char **why)
{
	size_t nlen, ulen, i;

	*why = "bad checksum";
	if (st_get32(b) != ST_MAGIC)
		return -1;
	nlen = b[5];
	ulen = (size_t)b[6] | (size_t)b[7] << 8;
	if (ulen > PM_UADDR_MAX)
		return -1;
	for (i = ST_O_UADDR + ulen; i < ST_O_CRC; i++)
		if (b[i] != 0)
			return -1;
	if (st_get32(b + ST_O_CRC) != st_crc32(b, ST_O_UADDR + ulen))
		return -1;
	memset(r, 0, sizeof(*r));
	r->type = b[4];
	r->prog = st_get32(b + 8);
	r->vers = st_get32(b + 12);
	r->owner = (int32_t)st_get32(b + 16);
	r->pid = (int32_t)st_get32(b + 20);
	r->flags = st_get32(b + 24);
	r->seq = st_get32(b + 28);
	if (r->type == ST_T_HDR)
		return 0;
	*why = "invalid record";
	if (r->type != ST_T_SET && r->type != ST_T_UNSET)
		return -1;
	if (nlen == 0 || nlen > PM_NETID_MAX || ulen > PM_UADDR_MAX ||
	    (r->type == ST_T_SET && ulen == 0))
		return -1;
	for (i = 0; i < nlen; i++)
		if (b[ST_O_NETID + i] == '\0')
			return -1;
	for (i = 0; i < ulen; i++)
		if (b[ST_O_UADDR + i] == '\0')
			return -1;
	memcpy(r->netid, b + ST_O_NETID, nlen);
	memcpy(r->uaddr, b + ST_O_UADDR, ulen);
	return 0;
}

/* ---- messages ---- */

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	(1 << 0)	/* linux/fs.h */
#endif

/*
 * renameat2(RENAME_NOREPLACE) within the state directory, by its system
 * call: not every C library has the wrapper (musl 1.2.3 has not).
 * EINVAL or ENOSYS where the kernel or the file system cannot.
 */
static int
st_rename_noreplace(int dirfd, const char *from, const char *to)
{
#ifdef SYS_renameat2
	return (int)syscall(SYS_renameat2, dirfd, from, dirfd, to,
	    RENAME_NOREPLACE);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static void
st_warn(struct state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
st_warn(struct state *st, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (st->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st->warn(st->warn_arg, msg);
}

/* ---- opening ---- */

struct state *
state_open(const char *dir, char *err, size_t errsz)
{
	struct state *st;
	struct stat sb, fsb;
	int dfd;

	if (dir == NULL)
		dir = STATE_DIR;
	if (lstat(dir, &sb) == -1) {
		if (errno != ENOENT) {
			snprintf(err, errsz, "state directory %s: %s", dir,
			    strerror(errno));
			return NULL;
		}
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			snprintf(err, errsz, "cannot create state directory "
			    "%s: %s", dir, strerror(errno));
			return NULL;
		}
		if (lstat(dir, &sb) == -1) {
			snprintf(err, errsz, "state directory %s: %s", dir,
			    strerror(errno));
			return NULL;
		}
	}
	if (S_ISLNK(sb.st_mode)) {
		snprintf(err, errsz, "state directory %s is a symbolic link: "
		    "refused (remove it, or choose another directory)", dir);
		return NULL;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errsz, "state directory %s is not a directory: "
		    "refused", dir);
		return NULL;
	}
	if (sb.st_uid != geteuid()) {
		snprintf(err, errsz, "state directory %s is owned by uid %u, "
		    "not by us (uid %u): refused", dir, (unsigned)sb.st_uid,
		    (unsigned)geteuid());
		return NULL;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd == -1) {
		snprintf(err, errsz, "state directory %s: %s", dir,
		    strerror(errno));
		return NULL;
	}
	/* the same directory we checked, not one swapped in since */
	if (fstat(dfd, &fsb) == -1 || fsb.st_dev != sb.st_dev ||
	    fsb.st_ino != sb.st_ino || fsb.st_uid != geteuid()) {
		snprintf(err, errsz, "state directory %s changed while being "
		    "opened: refused", dir);
		close(dfd);
		return NULL;
	}
	/* ours: no one else has any business in it */
	if ((fsb.st_mode & 07777) != 0700)
		(void)fchmod(dfd, 0700);
	if (flock(dfd, LOCK_EX | LOCK_NB) == -1) {
		int saved = errno;

		if (saved == EWOULDBLOCK)
			snprintf(err, errsz, "state directory %s is in use by "
			    "another process (is portmap already running?)",
			    dir);
		else
			snprintf(err, errsz, "cannot lock state directory %s: "
			    "%s", dir, strerror(saved));
		close(dfd);
		errno = saved;
		return NULL;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->dir = strdup(dir)) == NULL) {
		snprintf(err, errsz, "state directory %s: out of memory", dir);
		free(st);
		close(dfd);
		return NULL;
	}
	st->dirfd = dfd;
	st->fd = -1;
	return st;
}

/* ---- writing ---- */

static int
st_writeall(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Write header plus every storable entry (but skip, which is about to be
 * removed) to state.tmp and rename it over state.
 */
static int
st_snapshot(struct state *st, const struct table_entry *skip)
{
	uint8_t *buf;
	const struct table_entry *e;
	size_t n = 0;
	uint64_t nrec = 0;
	uint32_t seq = 0;
	int fd, saved;

	if (st->table == NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((buf = malloc(ST_CHUNK * ST_REC)) == NULL)
		return -1;
	(void)unlinkat(st->dirfd, ST_TMP, 0);
	fd = openat(st->dirfd, ST_TMP, O_WRONLY | O_CREAT | O_EXCL | O_APPEND |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		free(buf);
		return -1;
	}
	st_encode(buf, ST_T_HDR, seq++, ST_VERSION, ST_REC, 0, (int32_t)getpid(),
	    0, NULL, "portmap state");
	n = 1;
	for (e = table_first(st->table); e != NULL; e = table_next(e)) {
		if (e == skip || (e->flags & TE_BUILTIN))
			continue;
		st_encode(buf + n * ST_REC, ST_T_SET, seq++, e->prog, e->vers,
		    e->owner, e->pid, e->flags, e->netid, e->uaddr);
		if (++n == ST_CHUNK) {
			if (st_writeall(fd, buf, n * ST_REC) == -1)
				goto fail;
			nrec += n;
			n = 0;
		}
	}
	if (n > 0 && st_writeall(fd, buf, n * ST_REC) == -1)
		goto fail;
	nrec += n;
	if (renameat(st->dirfd, ST_TMP, st->dirfd, ST_FILE) == -1)
		goto fail;
	free(buf);
	if (st->fd != -1)
		close(st->fd);
	st->fd = fd;
	st->nrec = nrec;
	st->size = (off_t)(nrec * ST_REC);
	st->seq = seq;
	st->npend = 0;		/* the snapshot holds what they said */
	st->compactions++;
	if (st->broken)
		st_warn(st, "state file %s/%s written again", st->dir, ST_FILE);
	st->broken = 0;
	return 0;
 fail:
	saved = errno;
	close(fd);
	(void)unlinkat(st->dirfd, ST_TMP, 0);
	free(buf);
	errno = saved;
	return -1;
}

static void
st_failed(struct state *st, const char *what)
{
	st->write_errors++;
	if (!st->broken)
		st_warn(st, "cannot %s state file %s/%s: %s; registrations "
		    "are not saved until it can be written again", what,
		    st->dir, ST_FILE, strerror(errno));
	st->broken = 1;
}

/* Write the held records in one write(); see st_append. */
static int
st_flush(struct state *st)
{
	int saved;

	if (st->npend == 0)
		return 0;
	if (st_writeall(st->fd, st->pend, (size_t)st->npend * ST_REC) == 0) {
		st->nrec += st->npend;
		st->size += (off_t)st->npend * ST_REC;
		st->seq += st->npend;
		st->npend = 0;
		return 0;
	}
	/* never leave part of a record behind: later appends would be misaligned */
	saved = errno;
	(void)ftruncate(st->fd, st->size);
	st->npend = 0;
	errno = saved;
	st_failed(st, "append to");
	errno = saved;
	return -1;
}

static int
st_append(struct state *st, const uint8_t *rec, const struct table_entry *skip)
{
	ssize_t n;
	int saved;

	if (st->fd == -1 || st->broken) {
		if (st_snapshot(st, skip) == 0)
			return 0;
		st_failed(st, "rewrite");
		return -1;
	}
	if (st->defer && (st->pend != NULL ||
	    (st->pend = malloc(ST_CHUNK * ST_REC)) != NULL)) {
		memcpy(st->pend + (size_t)st->npend * ST_REC, rec, ST_REC);
		if (++st->npend == ST_CHUNK)
			return st_flush(st);
		return 0;
	}
	do
		n = write(st->fd, rec, ST_REC);
	while (n == -1 && errno == EINTR);
	if (n == ST_REC) {
		st->nrec++;
		st->size += ST_REC;
		st->seq++;
		return 0;
	}
	/* never leave part of a record behind: later appends would be misaligned */
	saved = n == -1 ? errno : ENOSPC;
	if (n > 0)
		(void)ftruncate(st->fd, st->size);
	errno = saved;
	st_failed(st, "append to");
	errno = saved;
	return -1;
}

/* Snapshot when the file has grown to 4 times the table. */
static void
st_maybe_compact(struct state *st)
{
	uint64_t live = st->table != NULL ? table_count(st->table) : 0;

	if (st->nrec + st->npend <= ST_MIN_COMPACT ||
	    st->nrec + st->npend <= 4 * live + 4)
		return;
	if (st_snapshot(st, NULL) == -1)
		st_failed(st, "compact");
}

int
state_record_set(struct state *st, const struct table_entry *e)
{
	uint8_t rec[ST_REC];

	if (st == NULL || e == NULL || (e->flags & TE_BUILTIN))
		return 0;
	st_encode(rec, ST_T_SET, st->seq + st->npend, e->prog, e->vers,
	    e->owner, e->pid, e->flags, e->netid, e->uaddr);
	if (st_append(st, rec, NULL) == -1)
		return -1;
	st_maybe_compact(st);
	return 0;
}

static int
st_record_unset(struct state *st, uint32_t prog, uint32_t vers,
    const char *netid, const struct table_entry *skip)
{
	uint8_t rec[ST_REC];

	if (st == NULL || netid == NULL || netid[0] == '\0') {
		errno = EINVAL;
		return -1;
	}
	st_encode(rec, ST_T_UNSET, st->seq + st->npend, prog, vers, 0, 0, 0,
	    netid, NULL);
	return st_append(st, rec, skip);
}

int
state_record_unset(struct state *st, uint32_t prog, uint32_t vers,
    const char *netid)
{
	return st_record_unset(st, prog, vers, netid, NULL);
}

/*
 * The table's observer.  A removal is seen before the entry is unlinked:
 * a snapshot taken then must leave it out, and compaction waits for the
 * next addition.
 */
static void
st_observer(void *arg, const struct table_entry *e, int added)
{
	struct state *st = arg;

	if (st->loading || (e->flags & TE_BUILTIN))
		return;
	if (added)
		(void)state_record_set(st, e);
	else
		(void)st_record_unset(st, e->prog, e->vers, e->netid, e);
}

int
state_compact(struct state *st)
{
	if (st == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (st_snapshot(st, NULL) == -1) {
		st_failed(st, "rewrite");
		return -1;
	}
	return 0;
}

/* ---- loading ---- */

/* Rename a bad file aside: state.corrupt-YYYYmmddTHHMMSS[-N]. */
static void
st_move_aside(struct state *st, const char *why)
{
	char name[64], stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	int i;

	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
	for (i = 0; i < 100; i++) {
		if (i == 0)
			snprintf(name, sizeof(name), "%s.corrupt-%s", ST_FILE,
			    stamp);
		else
			snprintf(name, sizeof(name), "%s.corrupt-%s-%d",
			    ST_FILE, stamp, i);
		if (st_rename_noreplace(st->dirfd, ST_FILE, name) == 0) {
			st_warn(st, "state file %s/%s %s; moved aside to %s/%s",
			    st->dir, ST_FILE, why, st->dir, name);
			return;
		}
		if (errno == EINVAL || errno == ENOSYS) {
			/* no RENAME_NOREPLACE here: check, then rename */
			if (faccessat(st->dirfd, name, F_OK,
			    AT_SYMLINK_NOFOLLOW) == 0)
				continue;
			if (renameat(st->dirfd, ST_FILE, st->dirfd, name) == 0) {
				st_warn(st, "state file %s/%s %s; moved aside "
				    "to %s/%s", st->dir, ST_FILE, why, st->dir,
				    name);
				return;
			}
		}
		if (errno != EEXIST)
			break;
	}
	/* could not keep it: do not read it again at the next start */
	st_warn(st, "state file %s/%s %s; cannot move it aside (%s): removed",
	    st->dir, ST_FILE, why, strerror(errno));
	(void)unlinkat(st->dirfd, ST_FILE, 0);
}

/* Apply one record to the table.  0, or -1 when it could not be. */
static int
st_apply(struct state *st, const struct st_rec *r)
{
	const struct table_entry *old;
	enum table_set_result res;

	old = table_find(st->table, r->prog, r->vers, r->netid);
	if (old != NULL && (old->flags & TE_BUILTIN))
		return 0;		/* ours, made anew at each start */
	if (r->type == ST_T_UNSET) {
		if (old != NULL)
			table_remove(st->table, old);
		return 0;
	}
	if (r->flags & TE_BUILTIN)
		return 0;
	if (old != NULL)	/* the later record wins (after a lost UNSET) */
		table_remove(st->table, old);
	res = table_set(st->table, r->prog, r->vers, r->netid, r->uaddr,
	    r->owner, r->pid, r->flags);
	return res == TABLE_ADDED ? 0 : -1;
}

/*
 * Read and replay an open state file.  Returns the number of problems
 * found (0: the file was sound).
 */
static int
st_replay(struct state *st, int fd)
{
	uint8_t *buf;
	struct st_rec r;
	const char *why = NULL;
	uint64_t idx = 0, bad = 0, first_bad = 0, refused = 0;
	size_t have, i;
	ssize_t n;
	int problems = 0, saw_hdr = 0;

	if ((buf = malloc(ST_CHUNK * ST_REC)) == NULL) {
		st_warn(st, "state file %s/%s: out of memory, not restored",
		    st->dir, ST_FILE);
		return 1;
	}
	for (;;) {
		have = 0;
		while (have < ST_CHUNK * ST_REC) {
			n = read(fd, buf + have, ST_CHUNK * ST_REC - have);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			have += (size_t)n;
		}
		for (i = 0; i + ST_REC <= have; i += ST_REC, idx++) {
			if (st_decode(buf + i, &r, &why) == -1) {
				if (bad++ < ST_WARN_RECS)
					st_warn(st, "state file %s/%s: record "
					    "%llu (offset %llu): %s, skipped",
					    st->dir, ST_FILE,
					    (unsigned long long)idx,
					    (unsigned long long)idx * ST_REC,
					    why);
				if (bad == 1)
					first_bad = idx;
				continue;
			}
			if (r.type == ST_T_HDR) {
				if (idx != 0 || r.prog != ST_VERSION ||
				    r.vers != ST_REC) {
					st_warn(st, "state file %s/%s: "
					    "unexpected header (version %u) at "
					    "record %llu", st->dir, ST_FILE,
					    r.prog, (unsigned long long)idx);
					problems++;
				}
				saw_hdr = 1;
				continue;
			}
			if (st_apply(st, &r) == -1)
				refused++;
		}
		if (have < ST_CHUNK * ST_REC) {
			if (have % ST_REC != 0) {
				st_warn(st, "state file %s/%s: last record "
				    "truncated (%zu of %d bytes at offset "
				    "%llu), ignored", st->dir, ST_FILE,
				    have % ST_REC, ST_REC,
				    (unsigned long long)idx * ST_REC);
				problems++;
			}
			break;
		}
	}
	free(buf);
	if (bad > 0) {
		st_warn(st, "state file %s/%s: %llu corrupt record%s skipped "
		    "(first at offset %llu)", st->dir, ST_FILE,
		    (unsigned long long)bad, bad > 1 ? "s" : "",
		    (unsigned long long)first_bad * ST_REC);
		problems++;
	}
	if (!saw_hdr && idx > 0 && bad < idx) {
		st_warn(st, "state file %s/%s: no header", st->dir, ST_FILE);
		problems++;
	}
	if (refused > 0)
		st_warn(st, "state file %s/%s: %llu entr%s not restored (the "
		    "table refused them: full?)", st->dir, ST_FILE,
		    (unsigned long long)refused, refused > 1 ? "ies" : "y");
	return problems;
}

int
state_load(struct state *st, struct table *t, state_warn_fn warn, void *arg)
{
	struct stat sb;
	size_t before;
	int fd, restored = 0;
	char why[160];

	if (st == NULL || t == NULL)
		return 0;
	before = table_count(t);
	st->table = t;
	st->warn = warn;
	st->warn_arg = arg;
	st->loading = 1;
	why[0] = '\0';

	fd = openat(st->dirfd, ST_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK | O_NOCTTY);
	if (fd == -1) {
		if (errno == ELOOP)
			snprintf(why, sizeof(why), "is a symbolic link: not "
			    "followed, nothing restored");
		else if (errno != ENOENT)
			snprintf(why, sizeof(why), "cannot be opened (%s): "
			    "nothing restored", strerror(errno));
	} else if (fstat(fd, &sb) == -1) {
		snprintf(why, sizeof(why), "cannot be examined (%s): nothing "
		    "restored", strerror(errno));
	} else if (!S_ISREG(sb.st_mode)) {
		snprintf(why, sizeof(why), "is not a regular file: nothing "
		    "restored");
	} else if (sb.st_uid != geteuid()) {
		snprintf(why, sizeof(why), "is owned by uid %u, not by us "
		    "(uid %u): not trusted, nothing restored",
		    (unsigned)sb.st_uid, (unsigned)geteuid());
	} else if (sb.st_nlink != 1) {
		snprintf(why, sizeof(why), "has %lu links: not trusted, "
		    "nothing restored", (unsigned long)sb.st_nlink);
	} else if (sb.st_size == 0) {
		snprintf(why, sizeof(why), "is empty: nothing restored");
	} else if (st_replay(st, fd) > 0) {
		restored = table_count(t) > before ?
		    (int)(table_count(t) - before) : 0;
		snprintf(why, sizeof(why), "was damaged: %d entr%s restored "
		    "from it", restored, restored == 1 ? "y" : "ies");
	}
	restored = table_count(t) > before ? (int)(table_count(t) - before) : 0;
	if (fd != -1)
		close(fd);
	if (why[0] != '\0')
		st_move_aside(st, why);

	if (st_snapshot(st, NULL) == -1)
		st_failed(st, "write");
	st->loading = 0;
	table_set_observer(t, st_observer, st);
	return restored;
}

void
state_close(struct state *st)
{
	if (st == NULL)
		return;
	if (st->table != NULL)
		table_set_observer(st->table, NULL, NULL);
	(void)state_flush(st);
	if (st->fd != -1)
		close(st->fd);
	close(st->dirfd);	/* releases the lock */
	free(st->pend);
	free(st->dir);
	free(st);
}

void
state_defer(struct state *st, int on)
{
	if (st == NULL)
		return;
	if (!on)
		(void)state_flush(st);
	st->defer = on;
}

int
state_flush(struct state *st)
{
	if (st == NULL || st->npend == 0)
		return 0;
	if (st->fd == -1 || st->broken) {
		st->npend = 0;		/* the next change rewrites it all */
		return -1;
	}
	return st_flush(st);
}

void
state_info(const struct state *st, struct state_info *si)
{
	memset(si, 0, sizeof(*si));
	if (st == NULL)
		return;
	si->records = st->nrec;
	si->compactions = st->compactions;
	si->write_errors = st->write_errors;
	si->ok = st->fd != -1 && !st->broken;
}
