/*
 * test_reap.c - the stale-entry reaper against fake /proc trees: a TCP
 * listener and a bound UDP socket keep their entries, a missing one does
 * not; the grace period (two checks at least G apart, reset by a sign of
 * life or a new address); entries never reaped (remote, built-in,
 * kernel); AF_LOCAL registrants alive, gone, reused, zombie, or in
 * another network namespace; kernel sockets with inode 0; local paths;
 * unreadable tables; one removal report per entry; then the real /proc
 * with our own sockets, and a 10,000-entry scan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "reap.h"
#include "table.h"
#include "uaddr.h"
#include "fakefs.h"

#define T0	1000000u
#define GRACE	30u
#define OUR_NS	"net:[4026531840]"
#define OTHER_NS "net:[4026532999]"

struct sock {
	const char	*file;		/* "tcp", "udp", "tcp6", "udp6" */
	const char	*ip;
	unsigned	 port, state;
	unsigned long long inode;
};

/* Rewrite net/{tcp,udp,tcp6,udp6} with these sockets. */
static void
set_socks(const char *root, const struct sock *s, size_t n)
{
	static const char *files[] = { "tcp", "udp", "tcp6", "udp6" };
	char text[8192], line[256], rel[32];
	size_t f, i;

	for (f = 0; f < 4; f++) {
		snprintf(text, sizeof(text), "%s", f % 2 ? FF_UDP_HDR :
		    FF_TCP_HDR);
		for (i = 0; i < n; i++) {
			if (strcmp(s[i].file, files[f]) != 0)
				continue;
			ff_sockline(line, sizeof(line), f >= 2 ? AF_INET6 :
			    AF_INET, s[i].ip, s[i].port, s[i].state,
			    s[i].inode);
			strncat(text, line, sizeof(text) - strlen(text) - 1);
		}
		snprintf(rel, sizeof(rel), "net/%s", files[f]);
		ff_write(root, rel, text);
	}
}

/* proc_root/PID/stat with this state letter and start time; its netns. */
static void
set_pid(const char *root, int pid, char state, unsigned long long start,
    const char *ns)
{
	char rel[64], text[512];

	snprintf(rel, sizeof(rel), "%d/stat", pid);
	snprintf(text, sizeof(text), "%d (we) ird) %c 1 1 1 0 -1 4194560 100 "
	    "0 0 0 1 2 0 0 20 0 1 0 %llu 1000 20 1844 1 1 1 1\n", pid, state,
	    start);
	ff_write(root, rel, text);
	snprintf(rel, sizeof(rel), "%d/ns/net", pid);
	ff_symlink(root, rel, ns);
}

static void
kill_pid(const char *root, int pid)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%d/stat", root, pid);
	assert_int_equal(unlink(path), 0);
}

static char *
fake_proc(void)
{
	char *root = ff_mktemp("reap");

	ff_symlink(root, "self/ns/net", OUR_NS);
	set_pid(root, 1, 'S', 1, OUR_NS);
	ff_write(root, "net/unix", FF_UNIX_HDR
	    "0000000000000000: 00000002 00000000 00010000 0001 01 12 "
	    "/run/alive.sock\n"
	    "0000000000000000: 00000002 00000000 00010000 0001 01 13\n");
	set_socks(root, NULL, 0);
	return root;
}

static const struct table_entry *
add(struct table *t, uint32_t prog, const char *netid, unsigned port,
    int32_t pid, uint32_t flags)
{
	char ua[64];

	if (strcmp(netid, "local") == 0)
		snprintf(ua, sizeof(ua), "/run/s%u.sock", prog);
	else if (netid[3] == '6')
		snprintf(ua, sizeof(ua), "::.%u.%u", port >> 8, port & 0xff);
	else
		snprintf(ua, sizeof(ua), "0.0.0.0.%u.%u", port >> 8,
		    port & 0xff);
	assert_int_equal(table_set(t, prog, 1, netid, ua, 0, pid, flags),
	    TABLE_ADDED);
	return table_find(t, prog, 1, netid);
}

struct reports {
	int		n;
	uint32_t	progs[64];
	char		why[64][256];
};

static void
report(void *arg, const struct table_entry *e, const char *why)
{
	struct reports *r = arg;

	assert_true(r->n < 64);
	r->progs[r->n] = e->prog;
	snprintf(r->why[r->n], sizeof(r->why[0]), "%s", why);
	r->n++;
}

static int
reported(const struct reports *r, uint32_t prog)
{
	int i, n = 0;

	for (i = 0; i < r->n; i++)
		n += r->progs[i] == prog;
	return n;
}

static enum reap_verdict
verdict(struct reap *rp, struct table *t, uint32_t prog, const char *netid,
    uint32_t now)
{
	const struct table_entry *e = table_find(t, prog, 1, netid);
	char why[256];

	assert_non_null(e);
	return reap_verdict(rp, e, now, why, sizeof(why));
}

/* the socket tables decide for entries registered over IP */
static void
test_ports(void **unused)
{
	char *root = fake_proc();
	struct table *t = table_new(0, 0);
	struct reap *rp = reap_new(root, GRACE);
	const struct sock socks[] = {
		{ "tcp", "0.0.0.0", 2049, 0x0A, 100 },	/* listener */
		{ "udp", "0.0.0.0", 2050, 0x07, 101 },	/* bound */
		{ "tcp", "127.0.0.1", 2051, 0x01, 102 },	/* a connection only */
		{ "tcp6", "::", 2052, 0x0A, 0 },	/* kernel, IPv6 */
		{ "udp", "127.0.0.1", 2054, 0x01, 0 },	/* connected, kernel */
		{ "tcp", "0.0.0.0", 2055, 0x06, 0 },	/* TIME_WAIT */
	};

	set_socks(root, socks, sizeof(socks) / sizeof(socks[0]));
	add(t, 1, "tcp", 2049, 0, 0);
	add(t, 2, "udp", 2050, 0, 0);
	add(t, 3, "tcp", 2051, 0, 0);
	add(t, 4, "tcp", 2052, 0, 0);	/* IPv4 registration, dual-stack socket */
	add(t, 5, "udp6", 2053, 0, 0);
	add(t, 6, "udp", 2054, 0, 0);
	add(t, 7, "tcp", 2055, 0, 0);
	add(t, 8, "udp", 2049, 0, 0);	/* the port is held for tcp only */
	add(t, 9, "tcp6", 2049, 0, 0);	/* IPv6 registration, IPv4 listener */

	assert_int_equal(verdict(rp, t, 1, "tcp", T0), REAP_ALIVE);
	assert_int_equal(verdict(rp, t, 2, "udp", T0), REAP_ALIVE);
	assert_int_equal(verdict(rp, t, 3, "tcp", T0), REAP_DEAD);
	assert_int_equal(verdict(rp, t, 4, "tcp", T0), REAP_ALIVE);
	assert_int_equal(verdict(rp, t, 5, "udp6", T0), REAP_DEAD);
	assert_int_equal(verdict(rp, t, 6, "udp", T0), REAP_ALIVE);
	assert_int_equal(verdict(rp, t, 7, "tcp", T0), REAP_DEAD);
	assert_int_equal(verdict(rp, t, 8, "udp", T0), REAP_DEAD);
	assert_int_equal(verdict(rp, t, 9, "tcp6", T0), REAP_ALIVE);
	reap_free(rp);
	table_free(t);
	ff_rmtree(root);
}

/* what must never be reaped */
static void
test_never(void **unused)
{
	char *root = fake_proc();
	struct table *t = table_new(0, 0);
	struct reap *rp = reap_new(root, 0);
	struct reports r = { 0 };
	char ua[] = "0.0.0.0.0.0";
	uint32_t now;

	add(t, 10, "tcp", 3000, 0, TE_REMOTE);
	add(t, 11, "udp", 3001, 0, TE_BUILTIN);
	add(t, 12, "tcp", 3002, 0, TE_KERNEL);
	add(t, 13, "tcp", 3003, 0, TE_LOCAL | TE_KERNEL);
	assert_int_equal(table_set(t, 14, 1, "rdma", "0.0.0.0.1.1", 0, 0, 0),
	    TABLE_ADDED);		/* a netid we cannot check */
	assert_int_equal(table_set(t, 15, 1, "tcp", ua, 0, 0, 0),
	    TABLE_ADDED);		/* no port */
	assert_int_equal(table_set(t, 16, 1, "udp", "garbage", 0, 0, 0),
	    TABLE_ADDED);
	for (now = T0; now < T0 + 10; now++)
		assert_int_equal(reap_scan(rp, t, now, report, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(table_count(t), 7);
	assert_int_equal(verdict(rp, t, 10, "tcp", now), REAP_UNKNOWN);
	assert_int_equal(verdict(rp, t, 14, "rdma", now), REAP_UNKNOWN);
	assert_int_equal(reap_suspects(rp), 0);
	/* every entry was stamped as checked */
	assert_int_equal(table_find(t, 16, 1, "udp")->checked, now - 1);
	reap_free(rp);
	table_free(t);
	ff_rmtree(root);
}

/* the grace period: two checks at least G apart, each removal reported once */
static void
test_grace(void **unused)
{
	char *root = fake_proc();
	struct table *t = table_new(0, 0);
	struct reap *rp = reap_new(root, GRACE);
	struct reports r = { 0 };
	const struct sock live[] = {
		{ "tcp", "0.0.0.0", 4000, 0x0A, 1 },
		{ "udp", "0.0.0.0", 4001, 0x07, 2 },
	};
	const struct sock revived[] = {
		{ "tcp", "0.0.0.0", 4000, 0x0A, 1 },
		{ "udp", "0.0.0.0", 4001, 0x07, 2 },
		{ "udp", "0.0.0.0", 4003, 0x07, 3 },
	};

	set_socks(root, live, 2);
	add(t, 20, "tcp", 4000, 0, 0);
	add(t, 21, "udp", 4001, 0, 0);
	add(t, 22, "tcp", 4002, 0, 0);	/* dead all along */
	add(t, 23, "udp", 4003, 0, 0);	/* dead, then alive again for a while */

	assert_int_equal(reap_scan(rp, t, T0, report, &r), 0);
	assert_int_equal(reap_suspects(rp), 2);
	assert_int_equal(reap_scan(rp, t, T0 + GRACE - 1, report, &r), 0);
	set_socks(root, revived, 3);
	assert_int_equal(reap_scan(rp, t, T0 + GRACE - 1, report, &r), 0);
	assert_int_equal(reap_suspects(rp), 1);
	set_socks(root, live, 2);
	/* 22 has been dead for GRACE: out; 23 has been dead for 1 second */
	assert_int_equal(reap_scan(rp, t, T0 + GRACE, report, &r), 1);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.progs[0], 22);
	assert_string_equal(r.why[0], "nothing listens on tcp port 4002");
	assert_null(table_find(t, 22, 1, "tcp"));
	assert_int_equal(reap_scan(rp, t, T0 + 2 * GRACE - 2, report, &r), 0);
	assert_int_equal(reap_scan(rp, t, T0 + 2 * GRACE, report, &r), 1);
	assert_int_equal(r.progs[1], 23);
	assert_string_equal(r.why[1], "nothing holds udp port 4003");
	/* the live ones stay, nothing is reported twice */
	assert_int_equal(reap_scan(rp, t, T0 + 10 * GRACE, report, &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(reported(&r, 22), 1);
	assert_int_equal(reported(&r, 23), 1);
	assert_non_null(table_find(t, 20, 1, "tcp"));
	assert_non_null(table_find(t, 21, 1, "udp"));
	assert_int_equal(table_count(t), 2);
	assert_int_equal(reap_suspects(rp), 0);
	reap_free(rp);
	table_free(t);
	ff_rmtree(root);
}

/* a key registered again at another address starts a new grace period */
static void
test_grace_new_address(void **unused)
{
	char *root = fake_proc();
	struct table *t = table_new(0, 0);
	struct reap *rp = reap_new(root, GRACE);
	struct reports r = { 0 };

	add(t, 30, "tcp", 5000, 0, 0);
	assert_int_equal(reap_scan(rp, t, T0, report, &r), 0);
	assert_int_equal(table_unset(t, 30, 1, "tcp", OWNER_SUPERUSER), 1);
	add(t, 30, "tcp", 5001, 0, 0);
	assert_int_equal(reap_scan(rp, t, T0 + GRACE, report, &r), 0);
	assert_int_equal(reap_scan(rp, t, T0 + 2 * GRACE, report, &r), 1);
	assert_int_equal(r.n, 1);
	/* a clock that went back does not make anything due */
	add(t, 31, "tcp", 5002, 0, 0);
	assert_int_equal(reap_scan(rp, t, T0 + 10 * GRACE, report, &r), 0);
	assert_int_equal(reap_scan(rp, t, T0, report, &r), 0);
	assert_int_equal(reap_scan(rp, t, T0 + GRACE - 1, report, &r), 0);
	assert_int_equal(reap_scan(rp, t, T0 + GRACE, report, &r), 1);
	reap_free(rp);
	table_free(t);
	ff_rmtree(root);
}

/* AF_LOCAL registrants: alive, gone, reused pid, zombie, other namespace */
static void
test_local_registrants(void **unused)
{
	char *root = fake_proc();
	struct table *t = table_new(0, 0);
	struct reap *rp = reap_new(root, GRACE);
	struct reports r = { 0 };
	const struct sock socks[] = {
		{ "tcp", "0.0.0.0", 6009, 0x0A, 9 },
	};

	set_socks(root, socks, 1);
	set_pid(root, 500, 'S', 7000, OUR_NS);
	set_pid(root, 503, 'S', 7003, OTHER_NS);
	set_pid(root, 505, 'S', 7005, OUR_NS);
	set_pid(root, 506, 'Z', 7006, OUR_NS);
	set_pid(root, 509, 'S', 7009, OTHER_NS);

	/* what the daemon learns at registration */
	assert_int_equal(reap_note_pid(rp, 500), TE_NETNS_SAME);
	assert_int_equal(reap_note_pid(rp, 503), TE_NETNS_OTHER);
	assert_int_equal(reap_note_pid(rp, 505), TE_NETNS_SAME);
	assert_int_equal(reap_note_pid(rp, 501), 0);	/* no such process */
	assert_int_equal(reap_note_pid(rp, 506), 0);	/* a zombie */

	add(t, 50, "tcp", 6000, 500, TE_LOCAL | TE_NETNS_SAME);	/* lives */
	add(t, 51, "tcp", 6001, 501, TE_LOCAL | TE_NETNS_SAME);	/* gone */
	add(t, 52, "udp", 6002, 502, TE_LOCAL | TE_NETNS_OTHER);	/* gone, elsewhere */
	add(t, 53, "tcp", 6003, 503, TE_LOCAL);	/* lives elsewhere */
	add(t, 54, "tcp", 6004, 504, TE_LOCAL);	/* gone, namespace unknown */
	add(t, 55, "tcp", 6005, 505, TE_LOCAL | TE_NETNS_SAME);	/* pid reused later */
	add(t, 56, "tcp", 6006, 506, TE_LOCAL | TE_NETNS_SAME);	/* zombie */
	add(t, 57, "tcp", 6007, 0, TE_LOCAL);	/* no pid */
	add(t, 59, "tcp", 6009, 509, TE_LOCAL | TE_NETNS_SAME);	/* port held */

	assert_int_equal(verdict(rp, t, 50, "tcp", T0), REAP_ALIVE);
	assert_int_equal(verdict(rp, t, 51, "tcp", T0), REAP_DEAD);
	assert_int_equal(verdict(rp, t, 52, "udp", T0), REAP_UNKNOWN);
	assert_int_equal(verdict(rp, t, 53, "tcp", T0), REAP_ALIVE);
	assert_int_equal(verdict(rp, t, 54, "tcp", T0), REAP_UNKNOWN);
	assert_int_equal(verdict(rp, t, 55, "tcp", T0), REAP_ALIVE);
	assert_int_equal(verdict(rp, t, 56, "tcp", T0), REAP_DEAD);
	assert_int_equal(verdict(rp, t, 57, "tcp", T0), REAP_UNKNOWN);
	assert_int_equal(verdict(rp, t, 59, "tcp", T0), REAP_ALIVE);

	/* 503 (another namespace, learnt while alive) dies: cannot be checked */
	kill_pid(root, 503);
	/* 505 dies and its pid goes to a new process */
	set_pid(root, 505, 'S', 9999, OUR_NS);
	/* 500 dies too */
	kill_pid(root, 500);
	assert_int_equal(verdict(rp, t, 53, "tcp", T0 + 1), REAP_UNKNOWN);
	assert_int_equal(verdict(rp, t, 55, "tcp", T0 + 1), REAP_DEAD);
	assert_int_equal(verdict(rp, t, 50, "tcp", T0 + 1), REAP_DEAD);
	/* a new process with 500's pid does not bring it back */
	set_pid(root, 500, 'S', 12345, OUR_NS);
	assert_int_equal(verdict(rp, t, 50, "tcp", T0 + 2), REAP_DEAD);

	assert_int_equal(reap_scan(rp, t, T0 + 3, report, &r), 0);
	assert_int_equal(reap_scan(rp, t, T0 + 3 + GRACE, report, &r), 4);
	assert_int_equal(r.n, 4);
	assert_int_equal(reported(&r, 50), 1);
	assert_int_equal(reported(&r, 51), 1);
	assert_int_equal(reported(&r, 55), 1);
	assert_int_equal(reported(&r, 56), 1);
	assert_non_null(strstr(r.why[0], "pid"));
	assert_non_null(strstr(r.why[0], "is gone"));
	assert_int_equal(table_count(t), 5);
	assert_non_null(table_find(t, 52, 1, "udp"));
	assert_non_null(table_find(t, 53, 1, "tcp"));
	assert_non_null(table_find(t, 54, 1, "tcp"));
	assert_non_null(table_find(t, 57, 1, "tcp"));
	assert_non_null(table_find(t, 59, 1, "tcp"));

	/* a new registrant under a known dead pid is taken as alive */
	set_pid(root, 501, 'S', 4444, OUR_NS);
	assert_int_equal(reap_note_pid(rp, 501), TE_NETNS_SAME);
	add(t, 58, "tcp", 6008, 501, TE_LOCAL | TE_NETNS_SAME);
	assert_int_equal(verdict(rp, t, 58, "tcp", T0 + 100), REAP_ALIVE);
	reap_free(rp);
	table_free(t);
	ff_rmtree(root);
}

/* with /proc hiding other users' processes, a missing pid proves nothing */
static void
test_hidden_pids(void **unused)
{
	char *root = ff_mktemp("reap");
	struct table *t = table_new(0, 0);
	struct reap *rp;

	ff_symlink(root, "self/ns/net", OUR_NS);	/* no 1/ */
	set_socks(root, NULL, 0);
	rp = reap_new(root, GRACE);
	add(t, 60, "tcp", 7000, 700, TE_LOCAL | TE_NETNS_SAME);
	add(t, 61, "tcp", 7001, 0, 0);
	assert_int_equal(verdict(rp, t, 60, "tcp", T0), REAP_UNKNOWN);
	assert_int_equal(verdict(rp, t, 61, "tcp", T0), REAP_DEAD);
	reap_free(rp);
	table_free(t);
	ff_rmtree(root);
}

/* no socket tables: nothing can be told, nothing is removed */
static void
test_no_tables(void **unused)
{
	char *root = ff_mktemp("reap");
	struct table *t = table_new(0, 0);
	struct reap *rp = reap_new(root, 0);
	struct reports r = { 0 };

	add(t, 70, "tcp", 8000, 0, 0);
	add(t, 71, "udp", 8001, 0, 0);
	assert_int_equal(reap_scan(rp, t, T0, report, &r), 0);
	assert_int_equal(reap_scan(rp, t, T0 + 100, report, &r), 0);
	assert_int_equal(verdict(rp, t, 70, "tcp", T0 + 101), REAP_UNKNOWN);
	assert_int_equal(table_count(t), 2);
	reap_free(rp);
	table_free(t);
	ff_rmtree(root);
}

/* local netid: the registered path must be bound */
static void
test_local_paths(void **unused)
{
	char *root = fake_proc();
	struct table *t = table_new(0, 0);
	struct reap *rp = reap_new(root, GRACE);

	assert_int_equal(table_set(t, 80, 1, "local", "/run/alive.sock", 0, 0,
	    0), TABLE_ADDED);
	assert_int_equal(table_set(t, 81, 1, "local", "/run/gone.sock", 0, 0,
	    0), TABLE_ADDED);
	assert_int_equal(verdict(rp, t, 80, "local", T0), REAP_ALIVE);
	assert_int_equal(verdict(rp, t, 81, "local", T0), REAP_DEAD);
	ff_write(root, "net/unix", FF_UNIX_HDR);
	assert_int_equal(verdict(rp, t, 80, "local", T0 + 1), REAP_DEAD);
	reap_free(rp);
	table_free(t);
	ff_rmtree(root);
}

/* the lookup path: one entry checked, removed once past its grace */
static void
test_check_entry(void **unused)
{
	char *root = fake_proc();
	struct table *t = table_new(0, 0);
	struct reap *rp = reap_new(root, GRACE);
	struct reports r = { 0 };
	const struct table_entry *e;
	const struct sock live[] = { { "udp", "0.0.0.0", 9000, 0x07, 1 } };

	e = add(t, 90, "udp", 9000, 0, 0);
	assert_int_equal(reap_check_entry(rp, t, e, T0, report, &r), 0);
	assert_int_equal(reap_suspects(rp), 1);
	assert_int_equal(e->checked, 0);	/* dead: not stamped */
	assert_int_equal(reap_check_entry(rp, t, e, T0 + GRACE - 1, report,
	    &r), 0);
	/* alive again: forgiven */
	set_socks(root, live, 1);
	assert_int_equal(reap_check_entry(rp, t, e, T0 + GRACE, report, &r),
	    0);
	assert_int_equal(e->checked, T0 + GRACE);
	assert_int_equal(reap_suspects(rp), 0);
	set_socks(root, NULL, 0);
	/* the tables are reread at most once a second */
	assert_int_equal(reap_check_entry(rp, t, e, T0 + GRACE, report, &r),
	    0);
	assert_int_equal(reap_suspects(rp), 0);
	assert_int_equal(reap_check_entry(rp, t, e, T0 + GRACE + 1, report,
	    &r), 0);
	assert_int_equal(reap_suspects(rp), 1);
	assert_int_equal(reap_check_entry(rp, t, e, T0 + 2 * GRACE + 1,
	    report, &r), 1);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.progs[0], 90);
	assert_null(table_find(t, 90, 1, "udp"));
	assert_int_equal(reap_suspects(rp), 0);
	reap_free(rp);
	table_free(t);
	ff_rmtree(root);
}

/* the real /proc: our own sockets and our own pid */
static void
test_real_proc(void **unused)
{
	struct table *t = table_new(0, 0);
	struct reap *rp = reap_new("/proc", GRACE);
	struct sockaddr_in a;
	socklen_t alen;
	char ua[64];
	int tfd, ufd;
	uint32_t now = (uint32_t)time(NULL);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	tfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(tfd >= 0);
	assert_int_equal(bind(tfd, (struct sockaddr *)&a, sizeof(a)), 0);
	alen = sizeof(a);
	assert_int_equal(getsockname(tfd, (struct sockaddr *)&a, &alen), 0);
	assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&a, alen, ua,
	    sizeof(ua)), 0);
	assert_int_equal(table_set(t, 100, 1, "tcp", ua, 0, 0, 0), TABLE_ADDED);
	/* bound, not listening: not a service yet */
	assert_int_equal(verdict(rp, t, 100, "tcp", now), REAP_DEAD);
	assert_int_equal(listen(tfd, 4), 0);
	assert_int_equal(verdict(rp, t, 100, "tcp", now + 1), REAP_ALIVE);
	close(tfd);
	assert_int_equal(verdict(rp, t, 100, "tcp", now + 2), REAP_DEAD);

	a.sin_port = 0;
	ufd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(ufd, (struct sockaddr *)&a, sizeof(a)), 0);
	alen = sizeof(a);
	assert_int_equal(getsockname(ufd, (struct sockaddr *)&a, &alen), 0);
	assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&a, alen, ua,
	    sizeof(ua)), 0);
	/* registered over AF_LOCAL by us: our namespace, our pid */
	assert_int_equal(reap_note_pid(rp, getpid()), TE_NETNS_SAME);
	assert_int_equal(table_set(t, 101, 1, "udp", ua, 0, getpid(),
	    TE_LOCAL | TE_NETNS_SAME), TABLE_ADDED);
	assert_int_equal(verdict(rp, t, 101, "udp", now + 3), REAP_ALIVE);
	close(ufd);
	/* port gone, but the registrant lives */
	assert_int_equal(verdict(rp, t, 101, "udp", now + 4), REAP_ALIVE);
	reap_free(rp);
	table_free(t);
}

/* 10,000 entries: one scan is a few file reads and 10,000 lookups */
static void
test_scale(void **unused)
{
	char *root = fake_proc();
	struct table *t = table_new(0, 0);
	struct reap *rp = reap_new(root, GRACE);
	struct reports r = { 0 };
	struct sock socks[50];
	struct timespec a, b;
	uint32_t i;
	double ms;

	for (i = 0; i < 50; i++) {
		socks[i].file = i % 2 ? "udp" : "tcp";
		socks[i].ip = "0.0.0.0";
		socks[i].port = 10000 + i;
		socks[i].state = i % 2 ? 0x07 : 0x0A;
		socks[i].inode = 1000 + i;
	}
	set_socks(root, socks, 50);
	for (i = 0; i < 10000; i++)
		add(t, 200000 + i, i % 2 ? "udp" : "tcp", 10000 + i % 50,
		    i % 7 == 0 ? 4000 + (int32_t)(i % 10) : 0,
		    i % 7 == 0 ? TE_LOCAL | TE_NETNS_SAME : 0);
	for (i = 0; i < 10; i++)
		set_pid(root, 4000 + (int)i, 'S', 50 + i, OUR_NS);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(reap_scan(rp, t, T0, report, &r), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
	printf("# scan of 10000 entries: %.2f ms\n", ms);
	assert_true(ms < 2000);
	assert_int_equal(reap_suspects(rp), 0);
	assert_int_equal(table_count(t), 10000);
	/* every service dies but the registrants of 1 in 7 live on */
	set_socks(root, NULL, 0);
	assert_int_equal(reap_scan(rp, t, T0 + 1, report, &r), 0);
	assert_int_equal(reap_suspects(rp), 10000 - 1429);
	assert_int_equal(reap_scan(rp, t, T0 + 1 + GRACE, NULL, NULL),
	    10000 - 1429);
	assert_int_equal(table_count(t), 1429);
	reap_free(rp);
	table_free(t);
	ff_rmtree(root);
}

/* a lookup's check never reads: it uses the tables the last reading left */
static void
test_check_cached(void **unused)
{
	char *root = fake_proc();
	struct table *t = table_new(0, 0);
	struct reap *rp = reap_new(root, GRACE);
	struct reports r = { 0 };
	const struct table_entry *e;
	const struct sock live[] = { { "udp", "0.0.0.0", 9000, 0x07, 1 } };

	e = add(t, 91, "udp", 9000, 0, 0);
	/* nothing read yet: nothing to act on */
	assert_int_equal(reap_check_cached(rp, t, e, T0, report, &r), 0);
	assert_int_equal(reap_suspects(rp), 0);
	assert_int_equal(reap_tables_at(rp), 0);
	assert_int_equal(reap_read_fd(rp), -1);
	/* a fake /proc: the files, read at once */
	assert_int_equal(reap_read_start(rp, T0), 1);
	assert_int_equal(reap_tables_at(rp), T0);
	assert_int_equal(reap_check_cached(rp, t, e, T0, report, &r), 0);
	assert_int_equal(reap_suspects(rp), 1);
	/* the service is back, but no reading says so yet */
	set_socks(root, live, 1);
	assert_int_equal(reap_check_cached(rp, t, e, T0 + GRACE - 1, report,
	    &r), 0);
	assert_int_equal(reap_suspects(rp), 1);
	assert_int_equal(e->checked, 0);
	/* a reading: alive, forgiven */
	assert_int_equal(reap_read_start(rp, T0 + GRACE - 1), 1);
	assert_int_equal(reap_check_cached(rp, t, e, T0 + GRACE, report, &r),
	    0);
	assert_int_equal(e->checked, T0 + GRACE);
	assert_int_equal(reap_suspects(rp), 0);
	/* gone, read, and past the grace: removed by a lookup's check */
	set_socks(root, NULL, 0);
	assert_int_equal(reap_read_start(rp, T0 + GRACE + 1), 1);
	assert_int_equal(reap_scan_tables(rp, t, T0 + GRACE + 1, report, &r),
	    0);
	assert_int_equal(reap_suspects(rp), 1);
	assert_int_equal(reap_check_cached(rp, t, e, T0 + 2 * GRACE + 1,
	    report, &r), 1);
	assert_int_equal(r.n, 1);
	assert_null(table_find(t, 91, 1, "udp"));
	reap_free(rp);
	table_free(t);
	ff_rmtree(root);
}

/* Read the real tables asynchronously to the end (bounded). */
static void
read_async(struct reap *rp, uint32_t now)
{
	struct pollfd pfd;
	int i, st;

	st = reap_read_start(rp, now);
	for (i = 0; st == 0 && i < 100000; i++) {
		pfd.fd = reap_read_fd(rp);
		pfd.events = POLLIN;
		assert_true(pfd.fd >= 0);
		assert_int_equal(poll(&pfd, 1, 2000), 1);
		st = reap_read_step(rp, now);
	}
	assert_int_equal(st, 1);
	assert_int_equal(reap_read_fd(rp), -1);
	assert_int_equal(reap_tables_at(rp), now);
}

/* the real /proc through sock_diag, in steps, and many sockets */
static void
test_real_async(void **unused)
{
	struct table *t = table_new(0, 0);
	struct reap *rp = reap_new("/proc", GRACE);
	struct reports r = { 0 };
	const struct table_entry *e, *eu;
	struct sockaddr_in a;
	socklen_t alen;
	char ua[64];
	int tfd, ufd[300], i, n, fd;
	uint32_t now = (uint32_t)time(NULL);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	tfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(tfd >= 0);
	assert_int_equal(bind(tfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(tfd, 4), 0);
	alen = sizeof(a);
	assert_int_equal(getsockname(tfd, (struct sockaddr *)&a, &alen), 0);
	assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&a, alen, ua,
	    sizeof(ua)), 0);
	assert_int_equal(table_set(t, 110, 1, "tcp", ua, 0, 0, 0), TABLE_ADDED);
	e = table_find(t, 110, 1, "tcp");
	/* enough UDP sockets for a dump of many chunks */
	for (i = 0, n = 0; i < 300; i++) {
		a.sin_port = 0;
		if ((ufd[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC,
		    0)) == -1)
			break;
		n++;
		assert_int_equal(bind(ufd[i], (struct sockaddr *)&a,
		    sizeof(a)), 0);
	}
	assert_true(n > 100);
	alen = sizeof(a);
	assert_int_equal(getsockname(ufd[n - 1], (struct sockaddr *)&a, &alen),
	    0);
	assert_int_equal(uaddr_from_sockaddr((struct sockaddr *)&a, alen, ua,
	    sizeof(ua)), 0);
	assert_int_equal(table_set(t, 111, 1, "udp", ua, 0, 0, 0), TABLE_ADDED);
	eu = table_find(t, 111, 1, "udp");

	read_async(rp, now);
	assert_int_equal(reap_check_cached(rp, t, e, now, report, &r), 0);
	assert_int_equal(e->checked, now);
	assert_int_equal(reap_check_cached(rp, t, eu, now, report, &r), 0);
	assert_int_equal(eu->checked, now);
	assert_int_equal(reap_suspects(rp), 0);
	/* both gone: the tables in use say nothing of it until a reading */
	close(tfd);
	for (i = 0; i < n; i++)
		close(ufd[i]);
	assert_int_equal(reap_check_cached(rp, t, e, now + 1, report, &r), 0);
	assert_int_equal(reap_suspects(rp), 0);
	read_async(rp, now + 2);
	assert_int_equal(reap_scan_tables(rp, t, now + 2, report, &r), 0);
	assert_int_equal(reap_suspects(rp), 2);
	assert_int_equal(reap_verdict(rp, e, now + 2, NULL, 0), REAP_DEAD);
	/* a synchronous call during a reading finishes it; its socket stays */
	assert_int_equal(reap_read_start(rp, now + 3), 0);
	fd = reap_read_fd(rp);
	assert_true(fd >= 0);
	assert_int_equal(reap_verdict(rp, e, now + 3, NULL, 0), REAP_DEAD);
	assert_int_equal(reap_read_fd(rp), -1);
	assert_int_equal(reap_tables_at(rp), now + 3);
	assert_true(fcntl(fd, F_GETFD) != -1);
	reap_free(rp);
	table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_never),
		cmocka_unit_test(test_grace),
		cmocka_unit_test(test_grace_new_address),
		cmocka_unit_test(test_local_registrants),
		cmocka_unit_test(test_hidden_pids),
		cmocka_unit_test(test_no_tables),
		cmocka_unit_test(test_local_paths),
		cmocka_unit_test(test_check_entry),
		cmocka_unit_test(test_real_proc),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_check_cached),
		cmocka_unit_test(test_real_async),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
