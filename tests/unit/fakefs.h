/*
 * fakefs.h - temporary directories and fake /proc trees for the state,
 * reaper and port-use tests: files and symbolic links made under a
 * mkdtemp() root, socket table lines in the kernel's own format, and
 * removal of the whole tree.  Include after <cmocka.h>.
 */
#ifndef FAKEFS_H
#define FAKEFS_H

#include <sys/stat.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh directory /tmp/<tag>.XXXXXX; the caller frees and removes it. */
static inline char *
ff_mktemp(const char *tag)
{
	char tmpl[256];
	char *d;

	snprintf(tmpl, sizeof(tmpl), "/tmp/%s.XXXXXX", tag);
	d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

static inline int
ff_rm_cb(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path) == -1 && errno != ENOENT ? -1 : 0;
}

static inline void
ff_rmtree(char *dir)
{
	if (dir == NULL)
		return;
	(void)nftw(dir, ff_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* mkdir -p of the directory part of root/rel. */
static inline void
ff_mkparents(const char *root, const char *rel)
{
	char path[4096], *p;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
}

static inline void
ff_write(const char *root, const char *rel, const char *text)
{
	char path[4096];
	FILE *fp;

	ff_mkparents(root, rel);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static inline void
ff_symlink(const char *root, const char *rel, const char *target)
{
	char path[4096];

	ff_mkparents(root, rel);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	(void)unlink(path);
	assert_int_equal(symlink(target, path), 0);
}

static inline void
ff_mkdir(const char *root, const char *rel)
{
	char path[4096];

	ff_mkparents(root, rel);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
}

/* The address field of /proc/net/tcp: in-memory words printed in hex. */
static inline void
ff_hexaddr(int family, const char *ip, char *out, size_t outsz)
{
	uint8_t a[16];
	uint32_t w;
	size_t i, n = family == AF_INET6 ? 4 : 1, off = 0;

	assert_int_equal(inet_pton(family, ip, a), 1);
	for (i = 0; i < n; i++) {
		memcpy(&w, a + i * 4, 4);
		off += (size_t)snprintf(out + off, outsz - off, "%08X", w);
	}
}

/*
 * One line of net/tcp (udp, tcp6, udp6) in the kernel's format: local
 * address, port, state, inode.
 */
static inline void
ff_sockline(char *out, size_t outsz, int family, const char *ip,
    unsigned port, unsigned state, unsigned long long inode)
{
	char a[40], z[40];

	ff_hexaddr(family, ip, a, sizeof(a));
	ff_hexaddr(family, family == AF_INET6 ? "::" : "0.0.0.0", z, sizeof(z));
	snprintf(out, outsz, "   0: %s:%04X %s:0000 %02X 00000000:00000000 "
	    "00:00000000 00000000     0        0 %llu 2 0000000000000000 "
	    "100 0 0 10 0\n", a, port, z, state, inode);
}

#define FF_TCP_HDR "  sl  local_address rem_address   st tx_queue rx_queue " \
	"tr tm->when retrnsmt   uid  timeout inode\n"
#define FF_UDP_HDR "   sl  local_address rem_address   st tx_queue rx_queue " \
	"tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
#define FF_UNIX_HDR "Num       RefCount Protocol Flags    Type St Inode Path\n"

#endif
