/*
 * test_portuse.c - port-conflict diagnosis: the socket tables parsed, the
 * holder found through a fake /proc (a daemon, systemd passing the socket
 * on, a kernel socket, a dual-stack IPv6 socket, a unix socket path, a
 * hostile process name), the messages, and one real check: a socket bound
 * by this test is found with our own pid and name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "portuse.h"
#include "procnet.h"
#include "fakefs.h"

static struct sockaddr_in
sin4(const char *ip, uint16_t port)
{
	struct sockaddr_in s;

	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	s.sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, ip, &s.sin_addr), 1);
	return s;
}

static struct sockaddr_in6
sin6(const char *ip, uint16_t port)
{
	struct sockaddr_in6 s;

	memset(&s, 0, sizeof(s));
	s.sin6_family = AF_INET6;
	s.sin6_port = htons(port);
	assert_int_equal(inet_pton(AF_INET6, ip, &s.sin6_addr), 1);
	return s;
}

/* Append lines to a table file of the fake root. */
static void
table_file(const char *root, const char *name, const char *hdr,
    const char *lines)
{
	char rel[64], *text;
	size_t n = strlen(hdr) + strlen(lines) + 1;

	text = malloc(n);
	assert_non_null(text);
	snprintf(text, n, "%s%s", hdr, lines);
	snprintf(rel, sizeof(rel), "net/%s", name);
	ff_write(root, rel, text);
	free(text);
}

static void
proc_holds(const char *root, int pid, int fd, unsigned long long inode,
    const char *comm)
{
	char rel[128], target[64], c[64];

	snprintf(rel, sizeof(rel), "%d/fd/%d", pid, fd);
	snprintf(target, sizeof(target), "socket:[%llu]", inode);
	ff_symlink(root, rel, target);
	/* a few other fds that are not it */
	snprintf(rel, sizeof(rel), "%d/fd/0", pid);
	ff_symlink(root, rel, "/dev/null");
	snprintf(rel, sizeof(rel), "%d/fd/1", pid);
	ff_symlink(root, rel, "socket:[1]");
	snprintf(rel, sizeof(rel), "%d/comm", pid);
	snprintf(c, sizeof(c), "%s\n", comm);
	ff_write(root, rel, c);
}

static void
test_parse(void **unused)
{
	struct procnet_sock ps;
	char line[256];

	ff_sockline(line, sizeof(line), AF_INET, "127.0.0.1", 111, 0x0A, 20413);
	assert_int_equal(procnet_parse(line, PROCNET_TCP, AF_INET, &ps), 0);
	assert_int_equal(ps.port, 111);
	assert_int_equal(ps.state, 0x0A);
	assert_int_equal(ps.inode, 20413);
	assert_int_equal(ps.family, AF_INET);
	assert_memory_equal(ps.addr, "\x7f\x00\x00\x01", 4);

	ff_sockline(line, sizeof(line), AF_INET6, "fe80::1:2", 65535, 0x07, 0);
	assert_int_equal(procnet_parse(line, PROCNET_UDP, AF_INET6, &ps), 0);
	assert_int_equal(ps.port, 65535);
	assert_int_equal(ps.inode, 0);
	assert_memory_equal(ps.addr,
	    "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\x01\0\x02", 16);

	/* an IPv6 line is not an IPv4 one, the header is no socket */
	assert_int_equal(procnet_parse(line, PROCNET_UDP, AF_INET, &ps), -1);
	assert_int_equal(procnet_parse(FF_TCP_HDR, PROCNET_TCP, AF_INET, &ps),
	    -1);
	/* cut short, bad hex, missing inode */
	assert_int_equal(procnet_parse("   0: 0100007F:006F 00000000:0000 0A",
	    PROCNET_TCP, AF_INET, &ps), -1);
	assert_int_equal(procnet_parse("   0: 0100007G:006F 00000000:0000 0A "
	    "00000000:00000000 00:00000000 00000000 0 0 5", PROCNET_TCP,
	    AF_INET, &ps), -1);
	assert_int_equal(procnet_parse("   0: 0100007F:006F 00000000:0000 0A "
	    "00000000:00000000 00:00000000 00000000 0 0 x5", PROCNET_TCP,
	    AF_INET, &ps), -1);
	assert_int_equal(procnet_parse("", PROCNET_TCP, AF_INET, &ps), -1);
}

/* rpcbind holds udp 0.0.0.0:111, handed over by systemd (pid 1) */
static void
test_rpcbind_holds(void **unused)
{
	char *root = ff_mktemp("pu");
	char lines[512], l[256], msg[512];
	struct sockaddr_in a = sin4("0.0.0.0", 111);
	struct portuse pu;

	lines[0] = '\0';
	ff_sockline(l, sizeof(l), AF_INET, "0.0.0.0", 2049, 0x07, 555);
	strcat(lines, l);
	ff_sockline(l, sizeof(l), AF_INET, "0.0.0.0", 111, 0x07, 4242);
	strcat(lines, l);
	table_file(root, "udp", FF_UDP_HDR, lines);
	table_file(root, "udp6", FF_UDP_HDR, "");
	proc_holds(root, 1, 40, 4242, "systemd");
	proc_holds(root, 4568, 5, 4242, "rpcbind");
	proc_holds(root, 777, 3, 555, "other");

	assert_int_equal(portuse_find(root, "udp", (struct sockaddr *)&a, &pu),
	    0);
	assert_true(pu.found);
	assert_int_equal(pu.inode, 4242);
	assert_int_equal(pu.pid, 4568);
	assert_string_equal(pu.comm, "rpcbind");
	assert_int_equal(pu.nprocs, 2);
	assert_true(pu.systemd);
	portuse_format(msg, sizeof(msg), "udp", (struct sockaddr *)&a,
	    EADDRINUSE, &pu);
	assert_string_equal(msg, "cannot bind udp 0.0.0.0:111: address in use "
	    "by rpcbind (pid 4568); stop it first: systemctl stop "
	    "rpcbind.socket rpcbind.service");
	/* the same through portuse_explain */
	portuse_explain(root, "udp", (struct sockaddr *)&a, EADDRINUSE, msg,
	    sizeof(msg));
	assert_non_null(strstr(msg, "by rpcbind (pid 4568)"));

	/* only systemd holds it: socket activation not yet started rpcbind */
	ff_rmtree(root);
	root = ff_mktemp("pu");
	table_file(root, "udp", FF_UDP_HDR, l);
	proc_holds(root, 1, 40, 4242, "systemd");
	portuse_explain(root, "udp", (struct sockaddr *)&a, EADDRINUSE, msg,
	    sizeof(msg));
	assert_string_equal(msg, "cannot bind udp 0.0.0.0:111: address in use "
	    "by systemd (pid 1); stop it first: systemctl stop "
	    "rpcbind.socket rpcbind.service");
	ff_rmtree(root);
}

/* TCP: a listener is preferred over a connection on the same port */
static void
test_tcp_listener(void **unused)
{
	char *root = ff_mktemp("pu");
	char lines[1024], l[256], msg[512];
	struct sockaddr_in a = sin4("127.0.0.1", 5000);
	struct portuse pu;

	lines[0] = '\0';
	ff_sockline(l, sizeof(l), AF_INET, "127.0.0.1", 5000, 0x01, 900);
	strcat(lines, l);
	ff_sockline(l, sizeof(l), AF_INET, "0.0.0.0", 5000, 0x0A, 901);
	strcat(lines, l);
	ff_sockline(l, sizeof(l), AF_INET, "127.0.0.1", 5000, 0x06, 0);
	strcat(lines, l);
	table_file(root, "tcp", FF_TCP_HDR, lines);
	proc_holds(root, 30, 3, 900, "client");
	proc_holds(root, 31, 4, 901, "server");
	assert_int_equal(portuse_find(root, "tcp", (struct sockaddr *)&a, &pu),
	    0);
	assert_int_equal(pu.inode, 901);
	assert_int_equal(pu.pid, 31);
	assert_string_equal(pu.comm, "server");
	assert_false(pu.systemd);
	portuse_format(msg, sizeof(msg), "tcp", (struct sockaddr *)&a,
	    EADDRINUSE, &pu);
	assert_string_equal(msg, "cannot bind tcp 127.0.0.1:5000: address in "
	    "use by server (pid 31); stop it first");

	/* a listener on another address does not conflict with 127.0.0.1 */
	ff_sockline(lines, sizeof(lines), AF_INET, "10.0.0.1", 6000, 0x0A, 902);
	table_file(root, "tcp", FF_TCP_HDR, lines);
	a = sin4("127.0.0.1", 6000);
	assert_int_equal(portuse_find(root, "tcp", (struct sockaddr *)&a, &pu),
	    -1);
	assert_false(pu.found);
	/* but it does with the wildcard */
	a = sin4("0.0.0.0", 6000);
	assert_int_equal(portuse_find(root, "tcp", (struct sockaddr *)&a, &pu),
	    0);
	assert_int_equal(pu.inode, 902);
	assert_int_equal(pu.pid, 0);	/* nobody in the fake /proc holds 902 */
	portuse_format(msg, sizeof(msg), "tcp", (struct sockaddr *)&a,
	    EADDRINUSE, &pu);
	assert_string_equal(msg, "cannot bind tcp 0.0.0.0:6000: address in use "
	    "by another process (not visible from here)");
	ff_rmtree(root);
}

/* a dual-stack IPv6 socket blocks the IPv4 wildcard, and the other way */
static void
test_dual_stack(void **unused)
{
	char *root = ff_mktemp("pu");
	char l[256], msg[512];
	struct sockaddr_in a = sin4("0.0.0.0", 111);
	struct sockaddr_in6 a6 = sin6("::", 111);
	struct portuse pu;

	table_file(root, "udp", FF_UDP_HDR, "");
	ff_sockline(l, sizeof(l), AF_INET6, "::", 111, 0x07, 6000);
	table_file(root, "udp6", FF_UDP_HDR, l);
	proc_holds(root, 4321, 7, 6000, "portmap");
	assert_int_equal(portuse_find(root, "udp", (struct sockaddr *)&a, &pu),
	    0);
	assert_int_equal(pu.pid, 4321);
	portuse_format(msg, sizeof(msg), "udp", (struct sockaddr *)&a,
	    EADDRINUSE, &pu);
	assert_string_equal(msg, "cannot bind udp 0.0.0.0:111: address in use "
	    "by portmap (pid 4321); is portmap already running? stop it "
	    "first: systemctl stop portmap.service");
	/* and the IPv6 address formats in brackets */
	assert_int_equal(portuse_find(root, "udp6", (struct sockaddr *)&a6,
	    &pu), 0);
	portuse_format(msg, sizeof(msg), "udp6", (struct sockaddr *)&a6,
	    EADDRINUSE, &pu);
	assert_non_null(strstr(msg, "cannot bind udp6 [::]:111: address in "
	    "use by portmap (pid 4321)"));
	/* a port nobody holds */
	a = sin4("0.0.0.0", 112);
	assert_int_equal(portuse_find(root, "udp", (struct sockaddr *)&a, &pu),
	    -1);
	portuse_explain(root, "udp", (struct sockaddr *)&a, EADDRINUSE, msg,
	    sizeof(msg));
	assert_string_equal(msg, "cannot bind udp 0.0.0.0:112: address in use "
	    "by another process (not visible from here)");
	ff_rmtree(root);
}

static void
test_kernel_socket(void **unused)
{
	char *root = ff_mktemp("pu");
	char l[256], msg[512];
	struct sockaddr_in a = sin4("0.0.0.0", 2049);
	struct portuse pu;

	ff_sockline(l, sizeof(l), AF_INET, "0.0.0.0", 2049, 0x0A, 0);
	table_file(root, "tcp", FF_TCP_HDR, l);
	proc_holds(root, 50, 3, 0, "nobody");	/* "socket:[0]" must not match */
	assert_int_equal(portuse_find(root, "tcp", (struct sockaddr *)&a, &pu),
	    0);
	assert_true(pu.found);
	assert_int_equal(pu.inode, 0);
	assert_int_equal(pu.pid, 0);
	portuse_format(msg, sizeof(msg), "tcp", (struct sockaddr *)&a,
	    EADDRINUSE, &pu);
	assert_non_null(strstr(msg, "cannot bind tcp 0.0.0.0:2049: address in "
	    "use by a kernel socket"));
	ff_rmtree(root);
}

/* a process may name itself anything: the message stays one clean line */
static void
test_hostile_comm(void **unused)
{
	char *root = ff_mktemp("pu");
	char l[256], msg[512];
	struct sockaddr_in a = sin4("0.0.0.0", 111);
	struct portuse pu;
	size_t i;

	ff_sockline(l, sizeof(l), AF_INET, "0.0.0.0", 111, 0x07, 99);
	table_file(root, "udp", FF_UDP_HDR, l);
	proc_holds(root, 66, 3, 99, "ev\x1b[2Jil\rx");
	assert_int_equal(portuse_find(root, "udp", (struct sockaddr *)&a, &pu),
	    0);
	assert_string_equal(pu.comm, "ev?[2Jil?x");
	portuse_format(msg, sizeof(msg), "udp", (struct sockaddr *)&a,
	    EADDRINUSE, &pu);
	for (i = 0; msg[i] != '\0'; i++)
		assert_true(msg[i] >= 0x20 && msg[i] < 0x7f);
	ff_rmtree(root);
}

static void
test_unix_path(void **unused)
{
	char *root = ff_mktemp("pu");
	char msg[512];
	struct sockaddr_un sun;
	struct portuse pu;

	ff_write(root, "net/unix", FF_UNIX_HDR
	    "0000000000000000: 00000002 00000000 00010000 0001 01 12 /run/other\n"
	    "0000000000000000: 00000002 00000000 00010000 0001 01 13\n"
	    "0000000000000000: 00000002 00000000 00010000 0001 01  777 "
	    "/run/rpcbind.sock\n");
	proc_holds(root, 4568, 6, 777, "rpcbind");
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_LOCAL;
	strcpy(sun.sun_path, "/run/rpcbind.sock");
	assert_int_equal(portuse_find(root, "local", (struct sockaddr *)&sun,
	    &pu), 0);
	assert_int_equal(pu.inode, 777);
	assert_int_equal(pu.pid, 4568);
	portuse_format(msg, sizeof(msg), "local", (struct sockaddr *)&sun,
	    EADDRINUSE, &pu);
	assert_string_equal(msg, "cannot bind local /run/rpcbind.sock: address "
	    "in use by rpcbind (pid 4568); stop it first: systemctl stop "
	    "rpcbind.socket rpcbind.service");
	/* a stale path nobody listens on */
	strcpy(sun.sun_path, "/run/stale.sock");
	portuse_explain(root, "local", (struct sockaddr *)&sun, EADDRINUSE,
	    msg, sizeof(msg));
	assert_non_null(strstr(msg, "cannot bind local /run/stale.sock: "
	    "address in use: the path exists but no socket"));
	ff_rmtree(root);
}

static void
test_other_errors(void **unused)
{
	char msg[512];
	struct sockaddr_in a = sin4("0.0.0.0", 111);
	struct sockaddr_in6 a6 = sin6("::1", 111);

	portuse_explain("/nonexistent", "tcp", (struct sockaddr *)&a, EACCES,
	    msg, sizeof(msg));
	assert_string_equal(msg, "cannot bind tcp 0.0.0.0:111: permission "
	    "denied (port 111 needs root or CAP_NET_BIND_SERVICE)");
	portuse_explain("/nonexistent", "udp6", (struct sockaddr *)&a6,
	    EADDRNOTAVAIL, msg, sizeof(msg));
	assert_string_equal(msg, "cannot bind udp6 [::1]:111: address not "
	    "available on this host (IPv6 disabled on the interface?)");
	portuse_explain("/nonexistent", "udp", (struct sockaddr *)&a, ENOMEM,
	    msg, sizeof(msg));
	assert_non_null(strstr(msg, "cannot bind udp 0.0.0.0:111: "));
	assert_non_null(strstr(msg, strerror(ENOMEM)));
	/* a tiny buffer is still terminated */
	portuse_explain("/nonexistent", "udp", (struct sockaddr *)&a, ENOMEM,
	    msg, 8);
	assert_string_equal(msg, "cannot ");
	/* /proc that cannot be read: the generic message */
	portuse_explain("/nonexistent", "udp", (struct sockaddr *)&a,
	    EADDRINUSE, msg, sizeof(msg));
	assert_non_null(strstr(msg, "by another process (not visible from "
	    "here)"));
}

static void
own_comm(char *buf, size_t sz)
{
	FILE *fp = fopen("/proc/self/comm", "r");

	assert_non_null(fp);
	assert_non_null(fgets(buf, (int)sz, fp));
	fclose(fp);
	buf[strcspn(buf, "\n")] = '\0';
}

/* the real /proc: our own UDP socket and TCP listener are found */
static void
test_real_proc(void **unused)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	struct portuse pu;
	char comm[64], msg[512], want[160];
	int fd, tfd;

	own_comm(comm, sizeof(comm));
	a = sin4("127.0.0.1", 0);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	assert_int_equal(portuse_find("/proc", "udp", (struct sockaddr *)&a,
	    &pu), 0);
	assert_true(pu.found);
	assert_true(pu.inode != 0);
	assert_int_equal(pu.pid, getpid());
	assert_string_equal(pu.comm, comm);
	portuse_explain("/proc", "udp", (struct sockaddr *)&a, EADDRINUSE,
	    msg, sizeof(msg));
	snprintf(want, sizeof(want), "cannot bind udp 127.0.0.1:%u: address "
	    "in use by %s (pid %d)", ntohs(a.sin_port), comm, (int)getpid());
	assert_non_null(strstr(msg, want));
	/* a real EADDRINUSE on that address */
	tfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(tfd, (struct sockaddr *)&a, sizeof(a)), -1);
	assert_int_equal(errno, EADDRINUSE);
	close(tfd);
	close(fd);
	/* gone: no longer found */
	assert_int_equal(portuse_find("/proc", "udp", (struct sockaddr *)&a,
	    &pu), -1);

	a = sin4("127.0.0.1", 0);
	alen = sizeof(a);
	tfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(tfd >= 0);
	assert_int_equal(bind(tfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(tfd, 4), 0);
	assert_int_equal(getsockname(tfd, (struct sockaddr *)&a, &alen), 0);
	assert_int_equal(portuse_find("/proc", "tcp", (struct sockaddr *)&a,
	    &pu), 0);
	assert_int_equal(pu.pid, getpid());
	close(tfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_rpcbind_holds),
		cmocka_unit_test(test_tcp_listener),
		cmocka_unit_test(test_dual_stack),
		cmocka_unit_test(test_kernel_socket),
		cmocka_unit_test(test_hostile_comm),
		cmocka_unit_test(test_unix_path),
		cmocka_unit_test(test_other_errors),
		cmocka_unit_test(test_real_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
