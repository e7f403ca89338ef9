/*
 * privs.h - giving up root once the sockets are bound.
 *
 * The daemon starts as root (port 111 is privileged), opens everything
 * that needs root, then becomes an unprivileged user: optionally chroot,
 * then setgroups to that user's primary group only, setgid, setuid, and
 * PR_SET_NO_NEW_PRIVS.  After setuid() from root the kernel clears every
 * capability (no SECBIT_KEEP_CAPS), and privs_drop() checks that root
 * cannot be regained and that no capability is left.
 *
 * Started as a user other than root (systemd's User=, or by hand), there is
 * nothing to drop.
 */
#ifndef PRIVS_H
#define PRIVS_H

#include <stddef.h>
#include <sys/types.h>

#define PRIVS_USER		"portmap"	/* the default user ... */
#define PRIVS_USER_FALLBACK	"nobody"	/* ... or this one if it is missing */

struct privs {
	uid_t	uid;
	gid_t	gid;
	char	name[64];
};

/*
 * Find the user to become: name (or a numeric uid) when given, else
 * PRIVS_USER, else PRIVS_USER_FALLBACK.  0, or -1 with a message in err.
 */
int	privs_lookup(const char *name, struct privs *, char *err, size_t errsz);

/*
 * Make sure dir (the state directory) is usable by the user after the
 * drop: created 0700 if missing (its parent must exist), refused if it is
 * a symbolic link or not a directory, and handed over (with the regular
 * files directly in it) to uid:gid when root owns it.  Run as root, before
 * privs_drop(); with a chroot, after privs_chroot().  0, or -1 with a
 * message in err.
 */
int	privs_own_dir(const char *dir, const struct privs *, char *err,
	    size_t errsz);

/* chroot(dir) and chdir("/").  0, or -1 with a message in err. */
int	privs_chroot(const char *dir, char *err, size_t errsz);

/*
 * Become the user for good.  0, or -1 with a message in err (the caller
 * must then exit: a half-dropped daemon must not serve).
 */
int	privs_drop(const struct privs *, char *err, size_t errsz);

/* Any capability left in the effective or permitted (hence ambient) set? */
int	privs_have_caps(void);

#endif
