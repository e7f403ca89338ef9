/*
 * privs.c - from root to an unprivileged user: look the user up, hand
 * the state directory over, chroot, setgroups/setgid/setuid, and check
 * that nothing is left.
 *
 * The user is looked up in a child process: the name service may load
 * modules (libnss_systemd and what it needs: some 700 kB resident) that
 * would otherwise stay in the daemon for its whole life.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privs.h"

static int
privs_find(const char *name, struct privs *p)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[4096], *end;
	unsigned long	 n;

	errno = 0;
	if (name[0] >= '0' && name[0] <= '9') {
		n = strtoul(name, &end, 10);
		if (*end != '\0' || n >= (unsigned long)(uid_t)-1) {
			errno = EINVAL;
			return -1;
		}
		if (getpwuid_r((uid_t)n, &pw, buf, sizeof(buf), &res) != 0 ||
		    res == NULL) {
			/* a bare uid: its own number as the group */
			p->uid = (uid_t)n;
			p->gid = (gid_t)n;
			snprintf(p->name, sizeof(p->name), "%lu", n);
			return 0;
		}
	} else if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 ||
	    res == NULL)
		return -1;
	p->uid = res->pw_uid;
	p->gid = res->pw_gid;
	snprintf(p->name, sizeof(p->name), "%s", res->pw_name);
	return 0;
}

/* privs_find() in a child, so that what it loads stays there. */
static int
privs_find_apart(const char *name, struct privs *p)
{
	struct {
		int		r, err;
		struct privs	p;
	} res;
	ssize_t	n;
	pid_t	pid;
	int	fds[2], st;

	if (pipe2(fds, O_CLOEXEC) == -1)
		return privs_find(name, p);
	if ((pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		return privs_find(name, p);
	}
	if (pid == 0) {
		close(fds[0]);
		memset(&res, 0, sizeof(res));
		res.r = privs_find(name, &res.p);
		res.err = errno;
		(void)write(fds[1], &res, sizeof(res));
		_exit(0);
	}
	close(fds[1]);
	do
		n = read(fds[0], &res, sizeof(res));
	while (n == -1 && errno == EINTR);
	close(fds[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(res)) {
		errno = EIO;
		return -1;
	}
	if (res.r == 0)
		*p = res.p;
	errno = res.err;
	return res.r;
}

int
privs_lookup(const char *name, struct privs *p, char *err, size_t errsz)
{
	memset(p, 0, sizeof(*p));
	if (name != NULL) {
		if (privs_find_apart(name, p) == 0)
			return 0;
		snprintf(err, errsz, "user %s: %s", name, errno != 0 ?
		    strerror(errno) : "no such user");
		return -1;
	}
	if (privs_find_apart(PRIVS_USER, p) == 0 ||
	    privs_find_apart(PRIVS_USER_FALLBACK, p) == 0)
		return 0;
	snprintf(err, errsz, "neither user %s nor %s exists (give one with -u)",
	    PRIVS_USER, PRIVS_USER_FALLBACK);
	return -1;
}

/* Hand the regular files directly in the directory to the user. */
static int
privs_own_files(int dfd, const char *dir, const struct privs *p, char *err,
    size_t errsz)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	int		 fd, r = 0;

	if ((fd = dup(dfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode) || st.st_uid != 0)
			continue;
		if (fchownat(dfd, de->d_name, p->uid, p->gid,
		    AT_SYMLINK_NOFOLLOW) == -1) {
			snprintf(err, errsz, "%s/%s: chown: %s", dir,
			    de->d_name, strerror(errno));
			r = -1;
			break;
		}
	}
	closedir(d);
	return r;
}

int
privs_own_dir(const char *dir, const struct privs *p, char *err, size_t errsz)
{
	struct stat	st;
	int		dfd, r = -1;

	if (lstat(dir, &st) == -1) {
		if (errno != ENOENT || (mkdir(dir, 0700) == -1 &&
		    errno != EEXIST)) {
			snprintf(err, errsz, "%s: %s", dir, strerror(errno));
			return -1;
		}
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd == -1) {
		snprintf(err, errsz, "%s: %s", dir, errno == ELOOP ||
		    errno == ENOTDIR ? "not a directory (or a symbolic link): "
		    "refused" : strerror(errno));
		return -1;
	}
	if (fstat(dfd, &st) == -1) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		goto out;
	}
	if (st.st_uid != 0 && st.st_uid != p->uid) {
		snprintf(err, errsz, "%s is owned by uid %u, neither root nor "
		    "%s: refused", dir, (unsigned)st.st_uid, p->name);
		goto out;
	}
	/* Mode first: once the user owns it, root may lack CAP_FOWNER. */
	if ((st.st_mode & 07777) != 0700 && st.st_uid == 0 &&
	    fchmod(dfd, 0700) == -1) {
		snprintf(err, errsz, "%s: chmod: %s", dir, strerror(errno));
		goto out;
	}
	if ((st.st_uid != p->uid || st.st_gid != p->gid) &&
	    fchown(dfd, p->uid, p->gid) == -1) {
		snprintf(err, errsz, "%s: chown: %s", dir, strerror(errno));
		goto out;
	}
	r = privs_own_files(dfd, dir, p, err, errsz);
out:
	close(dfd);
	return r;
}

int
privs_chroot(const char *dir, char *err, size_t errsz)
{
	if (chroot(dir) == -1 || chdir("/") == -1) {
		snprintf(err, errsz, "chroot %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int
privs_have_caps(void)
{
	struct __user_cap_header_struct	 h;
	struct __user_cap_data_struct	 d[2];
	int				 i;

	memset(&h, 0, sizeof(h));
	memset(d, 0, sizeof(d));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	h.pid = 0;
	if (syscall(SYS_capget, &h, d) == -1)
		return 1;		/* cannot tell: assume the worst */
	/* the ambient set is a subset of the permitted one */
	for (i = 0; i < 2; i++)
		if (d[i].effective != 0 || d[i].permitted != 0)
			return 1;
	return 0;
}

int
privs_drop(const struct privs *p, char *err, size_t errsz)
{
	gid_t	g = p->gid;

	if (p->uid == 0) {
		snprintf(err, errsz, "refusing to run as %s (uid 0)", p->name);
		return -1;
	}
	if (setgroups(1, &g) == -1 || setresgid(g, g, g) == -1 ||
	    setresuid(p->uid, p->uid, p->uid) == -1) {
		snprintf(err, errsz, "becoming %s (uid %u, gid %u): %s",
		    p->name, (unsigned)p->uid, (unsigned)p->gid,
		    strerror(errno));
		return -1;
	}
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		snprintf(err, errsz, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -1;
	}
	/* Verify: no way back, nothing left. */
	if (setuid(0) != -1 || geteuid() != p->uid || getegid() != g) {
		snprintf(err, errsz, "privileges still held after the drop");
		return -1;
	}
	if (privs_have_caps()) {
		snprintf(err, errsz, "capabilities still held after the drop");
		return -1;
	}
	return 0;
}
