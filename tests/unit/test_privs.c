/*
 * test_privs.c - the privilege drop: looking the user up (name, bare uid,
 * default and fallback, unknown), handing the state directory over
 * (created 0700, root's files chowned, symbolic links, other files and
 * other owners refused), and the drop itself in a child: every id the
 * user's, no capabilities, no way back, uid 0 refused.  Needs root for the
 * chown and drop checks (skipped otherwise).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privs.h"

static char	tmpdir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_privs.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	(void)system(cmd);
	return 0;
}

static void
test_lookup(void **state)
{
	struct privs	 p;
	struct passwd	*pw;
	char		 err[256];

	(void)state;
	assert_int_equal(privs_lookup("root", &p, err, sizeof(err)), 0);
	assert_int_equal(p.uid, 0);
	assert_string_equal(p.name, "root");

	if ((pw = getpwnam("nobody")) != NULL) {
		assert_int_equal(privs_lookup("nobody", &p, err, sizeof(err)), 0);
		assert_int_equal(p.uid, pw->pw_uid);
		assert_int_equal(p.gid, pw->pw_gid);
	}
	/* the default: portmap if it exists, else nobody */
	assert_int_equal(privs_lookup(NULL, &p, err, sizeof(err)), 0);
	pw = getpwnam(PRIVS_USER);
	if (pw == NULL)
		pw = getpwnam(PRIVS_USER_FALLBACK);
	assert_non_null(pw);
	assert_int_equal(p.uid, pw->pw_uid);
	assert_string_equal(p.name, pw->pw_name);

	/* a uid without passwd entry: its own number as group */
	assert_null(getpwuid(54321));
	assert_int_equal(privs_lookup("54321", &p, err, sizeof(err)), 0);
	assert_int_equal(p.uid, 54321);
	assert_int_equal(p.gid, 54321);
	assert_string_equal(p.name, "54321");
	/* a uid with one: the entry */
	assert_int_equal(privs_lookup("0", &p, err, sizeof(err)), 0);
	assert_string_equal(p.name, "root");

	err[0] = '\0';
	assert_int_equal(privs_lookup("no-such-user-here", &p, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "no-such-user-here"));
	assert_int_equal(privs_lookup("12x", &p, err, sizeof(err)), -1);
	assert_int_equal(privs_lookup("4294967295", &p, err, sizeof(err)), -1);
}

static void
test_own_dir(void **state)
{
	struct privs	p;
	struct stat	st;
	char		dir[128], f[160], err[256], other[128];
	int		fd;

	(void)state;
	if (geteuid() != 0)
		skip();
	memset(&p, 0, sizeof(p));
	p.uid = 4242;
	p.gid = 4343;
	snprintf(p.name, sizeof(p.name), "4242");

	/* missing: created 0700 and handed over */
	snprintf(dir, sizeof(dir), "%s/state", tmpdir);
	assert_int_equal(privs_own_dir(dir, &p, err, sizeof(err)), 0);
	assert_int_equal(lstat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(st.st_uid, 4242);
	assert_int_equal(st.st_gid, 4343);

	/* root's again (as systemd's RuntimeDirectory= leaves it), 0755,
	 * with root's files: all handed over, mode fixed */
	assert_int_equal(chown(dir, 0, 0), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(f, sizeof(f), "%s/state", dir);
	assert_true((fd = open(f, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	snprintf(f, sizeof(f), "%s/link", dir);
	assert_int_equal(symlink("/etc/passwd", f), 0);
	assert_int_equal(privs_own_dir(dir, &p, err, sizeof(err)), 0);
	assert_int_equal(lstat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(st.st_uid, 4242);
	snprintf(f, sizeof(f), "%s/state", dir);
	assert_int_equal(lstat(f, &st), 0);
	assert_int_equal(st.st_uid, 4242);
	/* a link in it is not followed, nor chowned */
	assert_int_equal(lstat("/etc/passwd", &st), 0);
	assert_int_equal(st.st_uid, 0);
	snprintf(f, sizeof(f), "%s/link", dir);
	assert_int_equal(lstat(f, &st), 0);
	assert_int_equal(st.st_uid, 0);

	/* already the user's: fine, untouched */
	assert_int_equal(privs_own_dir(dir, &p, err, sizeof(err)), 0);

	/* another user's: refused */
	assert_int_equal(chown(dir, 777, 777), 0);
	err[0] = '\0';
	assert_int_equal(privs_own_dir(dir, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "owned by uid 777"));
	assert_int_equal(lstat(dir, &st), 0);
	assert_int_equal(st.st_uid, 777);

	/* a symbolic link, a file: refused */
	snprintf(other, sizeof(other), "%s/elsewhere", tmpdir);
	assert_int_equal(mkdir(other, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/symlinked", tmpdir);
	assert_int_equal(symlink(other, dir), 0);
	assert_int_equal(privs_own_dir(dir, &p, err, sizeof(err)), -1);
	assert_int_equal(lstat(other, &st), 0);
	assert_int_equal(st.st_uid, 0);
	snprintf(dir, sizeof(dir), "%s/file", tmpdir);
	assert_true((fd = open(dir, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	assert_int_equal(privs_own_dir(dir, &p, err, sizeof(err)), -1);
	/* a missing parent */
	snprintf(dir, sizeof(dir), "%s/no/such", tmpdir);
	assert_int_equal(privs_own_dir(dir, &p, err, sizeof(err)), -1);
}

/* Run fn in a child; its exit status. */
static int
in_child(int (*fn)(void))
{
	pid_t	pid;
	int	st;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn());
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static int
child_drop(void)
{
	struct privs	p;
	gid_t		groups[8];
	char		err[256];
	int		n;

	memset(&p, 0, sizeof(p));
	p.uid = 4242;
	p.gid = 4343;
	snprintf(p.name, sizeof(p.name), "4242");
	if (setgroups(2, (gid_t[]){ 10, 20 }) == -1)
		return 10;
	if (privs_drop(&p, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 11;
	}
	{
		uid_t	r, e, s;
		gid_t	gr, ge, gs;

		if (getresuid(&r, &e, &s) == -1 || r != 4242 || e != 4242 ||
		    s != 4242)
			return 12;
		if (getresgid(&gr, &ge, &gs) == -1 || gr != 4343 ||
		    ge != 4343 || gs != 4343)
			return 13;
	}
	n = getgroups(8, groups);
	if (n != 1 || groups[0] != 4343)
		return 14;
	if (privs_have_caps())
		return 15;
	if (setuid(0) != -1 || seteuid(0) != -1 || setgid(0) != -1)
		return 16;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 17;
	/* root's files are out of reach now */
	if (open("/etc/shadow", O_RDONLY) != -1 || errno != EACCES)
		return 18;
	return 0;
}

static int
child_root(void)
{
	struct privs	p;
	char		err[256];

	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "root");
	/* uid 0 is not a drop */
	if (privs_drop(&p, err, sizeof(err)) != -1)
		return 1;
	if (strstr(err, "uid 0") == NULL)
		return 2;
	return privs_have_caps() ? 0 : 3;	/* still root, with caps */
}

static void
test_drop(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_true(privs_have_caps());
	assert_int_equal(in_child(child_drop), 0);
	assert_int_equal(in_child(child_root), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_own_dir),
		cmocka_unit_test(test_drop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
