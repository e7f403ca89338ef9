/*
 * test_state.c - the state journal: 1,000 entries through appends,
 * compactions and a reload; a process killed with SIGKILL mid-stream
 * loses nothing it recorded; a truncated last record, a corrupt record in
 * the middle, an empty file, a symbolic link, a file of another owner, a
 * FIFO and a directory in place of the file are reported, moved aside and
 * survived; the directory is created 0700, refused when it is a link or
 * not ours, and locked against a second user; a failed write is reported
 * once and repaired by the next change.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state.h"
#include "table.h"
#include "fakefs.h"

#define REC	256

struct msgs {
	int	n;
	char	m[32][512];
};

static void
collect(void *arg, const char *msg)
{
	struct msgs *ms = arg;

	if (ms->n < 32)
		snprintf(ms->m[ms->n], sizeof(ms->m[0]), "%s", msg);
	ms->n++;
}

static int
has_msg(const struct msgs *ms, const char *sub)
{
	int i;

	for (i = 0; i < ms->n && i < 32; i++)
		if (strstr(ms->m[i], sub) != NULL)
			return 1;
	return 0;
}

static void
dump_msgs(const struct msgs *ms)
{
	int i;

	for (i = 0; i < ms->n && i < 32; i++)
		printf("# warn: %s\n", ms->m[i]);
}

/* Files in dir whose name starts with state.corrupt- */
static int
count_aside(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, "state.corrupt-", 14) == 0;
	closedir(d);
	return n;
}

static char *
path_in(const char *dir, const char *name)
{
	static char p[4][4096];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static const char *netids[] = { "udp", "tcp", "udp6", "tcp6", "local" };

static void
entry_for(uint32_t i, char *ua, size_t uasz, const char **netid,
    int32_t *owner, int32_t *pid, uint32_t *flags)
{
	*netid = netids[i % 5];
	switch (i % 5) {
	case 0:
	case 1:
		snprintf(ua, uasz, "10.%u.%u.1.%u.%u", i >> 8 & 0xff, i & 0xff,
		    (i % 60000) >> 8, i & 0xff);
		break;
	case 2:
	case 3:
		snprintf(ua, uasz, "fe80::%x.%u.%u", i, i >> 8 & 0xff, i & 0xff);
		break;
	default:
		snprintf(ua, uasz, "/run/service-%u.sock", i);
		break;
	}
	*owner = i % 3 == 0 ? OWNER_SUPERUSER : (int32_t)(1000 + i % 7);
	*pid = (int32_t)(i * 3 + 1);
	*flags = i % 2 ? TE_LOCAL | TE_NETNS_SAME : 0;
}

/* n entries, prog base + i */
static void
fill(struct table *t, uint32_t base, uint32_t n)
{
	const char *netid;
	char ua[128];
	int32_t owner, pid;
	uint32_t flags, i;

	for (i = 0; i < n; i++) {
		entry_for(i, ua, sizeof(ua), &netid, &owner, &pid, &flags);
		assert_int_equal(table_set(t, base + i, i % 4 + 1, netid, ua,
		    owner, pid, flags), TABLE_ADDED);
	}
}

/* Every storable entry of a is in b with the same fields, and no more. */
static void
assert_same(const struct table *a, const struct table *b)
{
	const struct table_entry *e, *f;
	size_t n = 0;

	for (e = table_first(a); e != NULL; e = table_next(e)) {
		if (e->flags & TE_BUILTIN)
			continue;
		n++;
		f = table_find(b, e->prog, e->vers, e->netid);
		assert_non_null(f);
		assert_string_equal(f->uaddr, e->uaddr);
		assert_int_equal(f->owner, e->owner);
		assert_int_equal(f->pid, e->pid);
		assert_int_equal(f->flags, e->flags);
	}
	for (e = table_first(b); e != NULL; e = table_next(e))
		if (!(e->flags & TE_BUILTIN))
			assert_true(n-- > 0);
	assert_int_equal(n, 0);
}

static struct state *
open_ok(const char *dir)
{
	char err[256] = "";
	struct state *st = state_open(dir, err, sizeof(err));

	if (st == NULL)
		fail_msg("state_open: %s", err);
	return st;
}

/* A state dir holding a file with n entries; returns the dir. */
static char *
make_state(uint32_t n)
{
	char *dir = ff_mktemp("state");
	struct table *t = table_new(0, 0);
	struct state *st = open_ok(dir);
	struct msgs ms = { 0 };

	assert_int_equal(state_load(st, t, collect, &ms), 0);
	assert_int_equal(ms.n, 0);
	fill(t, 300000, n);
	state_close(st);
	table_free(t);
	return dir;
}

static off_t
file_size(const char *path)
{
	struct stat sb;

	assert_int_equal(lstat(path, &sb), 0);
	return sb.st_size;
}

static void
test_roundtrip(void **unused)
{
	char *dir = ff_mktemp("state");
	struct table *t = table_new(0, 0), *t2;
	struct state *st = open_ok(dir);
	struct state_info si;
	struct msgs ms = { 0 };
	uint32_t i;
	char ua[64];

	/* our own entries are made at each start, never stored */
	assert_int_equal(table_set(t, 100000, 4, "tcp", "0.0.0.0.0.111",
	    OWNER_SUPERUSER, 0, TE_BUILTIN), TABLE_ADDED);
	assert_int_equal(state_load(st, t, collect, &ms), 0);
	assert_int_equal(ms.n, 0);
	assert_int_equal(table_set(t, 100000, 3, "tcp", "0.0.0.0.0.111",
	    OWNER_SUPERUSER, 0, TE_BUILTIN), TABLE_ADDED);

	fill(t, 400000, 1000);
	state_info(st, &si);
	assert_int_equal(si.records, 1001);
	assert_true(si.ok);
	assert_int_equal(file_size(path_in(dir, "state")), 1001 * REC);
	/* unset a third, re-add some elsewhere */
	for (i = 0; i < 1000; i += 3)
		assert_int_equal(table_unset(t, 400000 + i, i % 4 + 1, NULL,
		    OWNER_SUPERUSER), 1);
	for (i = 0; i < 300; i += 3) {
		snprintf(ua, sizeof(ua), "127.0.0.1.%u.%u", 100 + i / 256,
		    i % 256);
		assert_int_equal(table_set(t, 400000 + i, i % 4 + 1, "udp", ua,
		    5, 77, TE_LOCAL), TABLE_ADDED);
	}
	/* churn: the journal outgrows 4 x the table and is compacted */
	for (i = 0; i < 3000; i++) {
		assert_int_equal(table_set(t, 7, 1, "tcp", "127.0.0.1.1.1", 0,
		    0, 0), TABLE_ADDED);
		assert_int_equal(table_unset(t, 7, 1, "tcp", 0), 1);
	}
	state_info(st, &si);
	assert_true(si.compactions >= 2);	/* at load, and at least once since */
	assert_true(si.records < 4 * table_count(t) + 1024 + 2);
	assert_int_equal(file_size(path_in(dir, "state")),
	    (off_t)si.records * REC);
	assert_int_equal(si.write_errors, 0);
	/* and an explicit one */
	assert_int_equal(state_compact(st), 0);
	state_info(st, &si);
	assert_int_equal(si.records, table_count(t) - 2 + 1);
	fill(t, 500000, 10);		/* appended after the snapshot */
	state_close(st);
	/* after close, changes are no longer journaled */
	assert_int_equal(table_set(t, 8, 1, "tcp", "127.0.0.1.1.2", 0, 0, 0),
	    TABLE_ADDED);
	assert_int_equal(table_unset(t, 8, 1, "tcp", 0), 1);

	t2 = table_new(0, 0);
	st = open_ok(dir);
	assert_int_equal(state_load(st, t2, collect, &ms),
	    (int)table_count(t) - 2);
	if (ms.n != 0)
		dump_msgs(&ms);
	assert_int_equal(ms.n, 0);
	assert_int_equal(count_aside(dir), 0);
	assert_same(t, t2);
	assert_null(table_find(t2, 100000, 4, "tcp"));
	/* the reload wrote a compact file */
	state_info(st, &si);
	assert_int_equal(si.records, table_count(t2) + 1);
	assert_int_equal(file_size(path_in(dir, "state")),
	    (off_t)(table_count(t2) + 1) * REC);
	state_close(st);
	table_free(t2);
	table_free(t);
	ff_rmtree(dir);
}

/*
 * Deferred records: a batch of changes is one write, at state_flush();
 * nothing is in the file before it, everything after; compaction and
 * close take the held ones along.
 */
static void
test_deferred(void **unused)
{
	char *dir = ff_mktemp("state");
	struct table *t = table_new(0, 0), *t2;
	struct state *st = open_ok(dir);
	struct state_info si;
	struct msgs ms = { 0 };
	uint32_t i;
	off_t before;

	assert_int_equal(state_load(st, t, collect, &ms), 0);
	state_defer(st, 1);
	before = file_size(path_in(dir, "state"));
	fill(t, 600000, 10);
	assert_int_equal(table_unset(t, 600003, 4, NULL, OWNER_SUPERUSER), 1);
	assert_int_equal(file_size(path_in(dir, "state")), before);
	assert_int_equal(state_flush(st), 0);
	assert_int_equal(file_size(path_in(dir, "state")), before + 11 * REC);
	assert_int_equal(state_flush(st), 0);
	assert_int_equal(file_size(path_in(dir, "state")), before + 11 * REC);
	/* more than a chunk held: written as it fills */
	fill(t, 610000, 100);
	assert_true(file_size(path_in(dir, "state")) >= before + 75 * REC);
	assert_int_equal(state_flush(st), 0);
	assert_int_equal(file_size(path_in(dir, "state")), before + 111 * REC);
	/* churn held and compacted: the file still says the table */
	for (i = 0; i < 2000; i++) {
		assert_int_equal(table_set(t, 7, 1, "tcp", "127.0.0.1.1.1", 0,
		    0, 0), TABLE_ADDED);
		assert_int_equal(table_unset(t, 7, 1, "tcp", 0), 1);
	}
	state_info(st, &si);
	assert_true(si.compactions >= 2);
	assert_int_equal(si.write_errors, 0);
	/* some held at close: written by it */
	fill(t, 620000, 5);
	state_close(st);
	t2 = table_new(0, 0);
	st = open_ok(dir);
	assert_int_equal(state_load(st, t2, collect, &ms),
	    (int)table_count(t));
	assert_int_equal(ms.n, 0);
	assert_same(t, t2);
	state_close(st);
	table_free(t2);
	table_free(t);
	ff_rmtree(dir);
}

/* kill -9 while registering: every recorded change is there */
static void
test_sigkill(void **unused)
{
	char *dir = ff_mktemp("state");
	struct table *t2;
	struct state *st;
	struct msgs ms = { 0 };
	int status, i;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct table *t = table_new(0, 0);
		char err[256];

		st = state_open(dir, err, sizeof(err));
		if (st == NULL || state_load(st, t, NULL, NULL) != 0)
			_exit(2);
		fill(t, 600000, 1000);
		for (i = 0; i < 1000; i += 10)
			table_unset(t, 600000 + (uint32_t)i, (uint32_t)i % 4 + 1,
			    NULL, OWNER_SUPERUSER);
		raise(SIGKILL);
		_exit(3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);

	t2 = table_new(0, 0);
	st = open_ok(dir);	/* the dead process's lock went with it */
	assert_int_equal(state_load(st, t2, collect, &ms), 900);
	assert_int_equal(ms.n, 0);
	for (i = 0; i < 1000; i++)
		assert_true((table_find(t2, 600000 + (uint32_t)i,
		    (uint32_t)i % 4 + 1, netids[i % 5]) != NULL) == (i % 10 != 0));
	state_close(st);
	table_free(t2);
	ff_rmtree(dir);
}

/* load a damaged dir; expect n restored, a message, one file aside */
static void
load_damaged(char *dir, int expect, const char *msg)
{
	struct table *t = table_new(0, 0);
	struct state *st = open_ok(dir);
	struct msgs ms = { 0 };

	assert_int_equal(state_load(st, t, collect, &ms), expect);
	if (!has_msg(&ms, msg) || !has_msg(&ms, "moved aside")) {
		dump_msgs(&ms);
		fail_msg("no message \"%s\"", msg);
	}
	assert_int_equal(count_aside(dir), 1);
	if (expect > 0) {
		char said[64];

		snprintf(said, sizeof(said), "was damaged: %d entr%s restored "
		    "from it; moved aside", expect, expect == 1 ? "y" : "ies");
		assert_true(has_msg(&ms, said));
	}
	/* the daemon carries on with a sound file */
	assert_int_equal(table_set(t, 9, 1, "udp", "127.0.0.1.3.3", 0, 0, 0),
	    TABLE_ADDED);
	state_close(st);
	table_free(t);

	t = table_new(0, 0);
	st = open_ok(dir);
	memset(&ms, 0, sizeof(ms));
	assert_int_equal(state_load(st, t, collect, &ms), expect + 1);
	assert_int_equal(ms.n, 0);
	assert_int_equal(count_aside(dir), 1);
	state_close(st);
	table_free(t);
}

static void
test_truncated(void **unused)
{
	char *dir = make_state(10);
	char *p = path_in(dir, "state");

	assert_int_equal(file_size(p), 11 * REC);
	assert_int_equal(truncate(p, 11 * REC - 100), 0);
	load_damaged(dir, 9, "last record truncated (156 of 256 bytes at "
	    "offset 2560)");
	ff_rmtree(dir);
}

static void
test_corrupt_middle(void **unused)
{
	char *dir = make_state(10);
	int fd = open(path_in(dir, "state"), O_RDWR);
	uint8_t b;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, 5 * REC + 70), 1);
	b ^= 0x20;
	assert_int_equal(pwrite(fd, &b, 1, 5 * REC + 70), 1);
	/* and a record of zeros (a hole) */
	assert_int_equal(pwrite(fd, "\0\0\0\0\0\0\0\0", 8, 8 * REC), 8);
	close(fd);
	load_damaged(dir, 8, "record 5 (offset 1280): bad checksum, skipped");
	ff_rmtree(dir);
}

/* every record corrupt: a file that is not ours at all */
static void
test_garbage(void **unused)
{
	char *dir = ff_mktemp("state");
	char junk[3 * REC + 17];
	int fd;

	memset(junk, 'x', sizeof(junk));
	fd = open(path_in(dir, "state"), O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
	close(fd);
	load_damaged(dir, 0, "3 corrupt records skipped");
	ff_rmtree(dir);
}

static void
test_empty(void **unused)
{
	char *dir = ff_mktemp("state");
	int fd = open(path_in(dir, "state"), O_WRONLY | O_CREAT, 0600);

	assert_true(fd >= 0);
	close(fd);
	load_damaged(dir, 0, "is empty");
	ff_rmtree(dir);
}

/* a symbolic link is not followed: its target is neither read nor touched */
static void
test_symlink_file(void **unused)
{
	char *good = make_state(5);
	char *dir = ff_mktemp("state");
	char *target = strdup(path_in(good, "state"));
	off_t size = file_size(target);
	struct stat sb;

	assert_int_equal(symlink(target, path_in(dir, "state")), 0);
	load_damaged(dir, 0, "is a symbolic link: not followed");
	assert_int_equal(file_size(target), size);
	assert_int_equal(lstat(target, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	free(target);
	ff_rmtree(dir);
	ff_rmtree(good);
}

static void
test_wrong_owner(void **unused)
{
	char *dir;

	if (geteuid() != 0) {
		printf("# skipped: needs root to chown\n");
		skip();
	}
	dir = make_state(5);
	assert_int_equal(chown(path_in(dir, "state"), 4242, 4242), 0);
	load_damaged(dir, 0, "is owned by uid 4242, not by us (uid 0): not "
	    "trusted");
	ff_rmtree(dir);
}

static void
test_not_regular(void **unused)
{
	char *dir = ff_mktemp("state");

	/* a FIFO must not block the daemon */
	assert_int_equal(mkfifo(path_in(dir, "state"), 0600), 0);
	load_damaged(dir, 0, "is not a regular file");
	ff_rmtree(dir);

	dir = ff_mktemp("state");
	assert_int_equal(mkdir(path_in(dir, "state"), 0700), 0);
	load_damaged(dir, 0, "is not a regular file");
	ff_rmtree(dir);
}

static void
test_hardlink(void **unused)
{
	char *dir = make_state(3);

	assert_int_equal(link(path_in(dir, "state"), path_in(dir, "other")), 0);
	load_damaged(dir, 0, "has 2 links");
	ff_rmtree(dir);
}

static void
test_dir(void **unused)
{
	char *base = ff_mktemp("state");
	char *d = strdup(path_in(base, "portmap"));
	char err[256];
	struct stat sb;
	struct state *st;

	/* created 0700 when missing */
	st = open_ok(d);
	assert_int_equal(lstat(d, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0700);
	/* locked: a second user is refused */
	err[0] = '\0';
	errno = 0;
	assert_null(state_open(d, err, sizeof(err)));
	assert_non_null(strstr(err, "is in use by another process"));
	assert_int_equal(errno, EWOULDBLOCK);	/* the daemon tells it apart */
	state_close(st);
	/* loose permissions are tightened */
	assert_int_equal(chmod(d, 0777), 0);
	st = open_ok(d);
	assert_int_equal(lstat(d, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	state_close(st);

	/* a symbolic link is refused (and not taken for a lock held) */
	assert_int_equal(symlink(d, path_in(base, "link")), 0);
	errno = 0;
	assert_null(state_open(path_in(base, "link"), err, sizeof(err)));
	assert_non_null(strstr(err, "is a symbolic link: refused"));
	assert_int_not_equal(errno, EWOULDBLOCK);
	/* so is a file */
	ff_write(base, "file", "x");
	assert_null(state_open(path_in(base, "file"), err, sizeof(err)));
	assert_non_null(strstr(err, "is not a directory"));
	/* and a missing parent */
	assert_null(state_open(path_in(base, "no/such"), err, sizeof(err)));
	assert_non_null(strstr(err, "cannot create state directory"));
	/* and, as root, someone else's directory */
	if (geteuid() == 0) {
		assert_int_equal(chown(d, 4242, 4242), 0);
		assert_null(state_open(d, err, sizeof(err)));
		assert_non_null(strstr(err, "is owned by uid 4242, not by us"));
	}
	free(d);
	ff_rmtree(base);
}

/* a failed append is reported once; the next change rewrites the file */
static void
test_write_failure(void **unused)
{
	char *dir = ff_mktemp("state");
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct table *t = table_new(0, 0);
		struct msgs ms = { 0 };
		struct state_info si;
		struct rlimit rl, old;
		struct state *st;
		char err[256];

		signal(SIGXFSZ, SIG_IGN);
		st = state_open(dir, err, sizeof(err));
		if (st == NULL || state_load(st, t, collect, &ms) != 0)
			_exit(10);
		getrlimit(RLIMIT_FSIZE, &old);
		rl = old;
		rl.rlim_cur = 20 * REC + 100;	/* room for 19 more and a bit */
		setrlimit(RLIMIT_FSIZE, &rl);
		fill(t, 700000, 30);
		state_info(st, &si);
		if (si.ok || si.write_errors != 11 || ms.n != 1 ||
		    strstr(ms.m[0], "cannot append to state file") == NULL)
			_exit(11);
		/* no partial record left behind */
		if (si.records != 20 || file_size(path_in(dir, "state")) !=
		    20 * REC)
			_exit(12);
		setrlimit(RLIMIT_FSIZE, &old);
		/* a removal rewrites the file without the entry removed */
		if (table_unset(t, 700000, 1, NULL, OWNER_SUPERUSER) != 1)
			_exit(13);
		state_info(st, &si);
		if (!si.ok || si.records != 30 || ms.n != 2 ||
		    strstr(ms.m[1], "written again") == NULL)
			_exit(14);
		fill(t, 800000, 1);
		state_info(st, &si);
		if (!si.ok || si.records != 31 || ms.n != 2)
			_exit(15);
		state_close(st);
		table_free(t);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* and all 30 are there */
	{
		struct table *t = table_new(0, 0);
		struct state *st = open_ok(dir);
		struct msgs ms = { 0 };

		assert_int_equal(state_load(st, t, collect, &ms), 30);
		assert_int_equal(ms.n, 0);
		assert_null(table_find(t, 700000, 1, "udp"));
		assert_non_null(table_find(t, 700001, 2, "tcp"));
		assert_non_null(table_find(t, 800000, 1, "udp"));
		state_close(st);
		table_free(t);
	}
	ff_rmtree(dir);
}

/* records that replay onto a table which refuses some: said, not fatal */
static void
test_table_full(void **unused)
{
	char *dir = make_state(20);
	struct table *t = table_new(15, 0);
	struct state *st = open_ok(dir);
	struct msgs ms = { 0 };

	assert_int_equal(state_load(st, t, collect, &ms), 15);
	assert_true(has_msg(&ms, "5 entries not restored"));
	assert_int_equal(count_aside(dir), 0);
	state_close(st);
	table_free(t);
	ff_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_deferred),
		cmocka_unit_test(test_sigkill),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupt_middle),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_symlink_file),
		cmocka_unit_test(test_wrong_owner),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_hardlink),
		cmocka_unit_test(test_dir),
		cmocka_unit_test(test_write_failure),
		cmocka_unit_test(test_table_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
