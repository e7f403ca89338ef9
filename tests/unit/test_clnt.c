/*
 * test_clnt.c - the RPC client: reply statuses, libtirpc's wording,
 * the bounded decoders of the port mapper's results (good input, every
 * truncation, huge lengths, bad flags, over-long lists, embedded NULs),
 * escaping, and real calls over loopback UDP and an AF_LOCAL stream
 * against a forked peer (stray replies, many fragments, silence).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "clnt.h"
#include "pmap_prot.h"
#include "rpcmsg.h"
#include "xdr.h"

#define XID	0x0badcafeu

/* ---- reply statuses ---- */

static enum cl_stat
status_of(struct xdr_enc *e, struct cl_err *err, struct xdr_dec *res)
{
	return cl_reply_status(e->buf, e->len, XID, res, err);
}

static void
test_reply_success(void **state)
{
	struct xdr_enc	e;
	struct xdr_dec	res;
	struct cl_err	err;
	uint32_t	v;

	(void)state;
	xdr_enc_init_grow(&e, 1024);
	rpcmsg_reply_success(&e, XID);
	xdr_put_u32(&e, 4242);
	assert_int_equal(status_of(&e, &err, &res), CL_SUCCESS);
	assert_int_equal(xdr_get_u32(&res, &v), 0);
	assert_int_equal(v, 4242);
	assert_int_equal(res.left, 0);
	xdr_enc_free(&e);
}

static void
test_reply_errors(void **state)
{
	static const struct {
		uint32_t	acc;
		enum cl_stat	want;
	} accs[] = {
		{ ACC_PROG_UNAVAIL, CL_PROGUNAVAIL },
		{ ACC_PROC_UNAVAIL, CL_PROCUNAVAIL },
		{ ACC_GARBAGE_ARGS, CL_CANTDECODEARGS },
		{ ACC_SYSTEM_ERR, CL_SYSTEMERROR },
		{ 77, CL_FAILED },
	};
	struct xdr_enc	e;
	struct xdr_dec	res;
	struct cl_err	err;
	size_t		i;

	(void)state;
	xdr_enc_init_grow(&e, 1024);
	for (i = 0; i < sizeof(accs) / sizeof(accs[0]); i++) {
		xdr_enc_reset(&e);
		rpcmsg_reply_accepted(&e, XID, accs[i].acc);
		assert_int_equal(status_of(&e, &err, &res), accs[i].want);
		assert_int_equal(err.stat, accs[i].want);
	}
	xdr_enc_reset(&e);
	rpcmsg_reply_prog_mismatch(&e, XID, 2, 4);
	assert_int_equal(status_of(&e, &err, &res), CL_PROGVERSMISMATCH);
	assert_int_equal(err.low, 2);
	assert_int_equal(err.high, 4);
	xdr_enc_reset(&e);
	rpcmsg_reply_rpc_mismatch(&e, XID, 2, 2);
	assert_int_equal(status_of(&e, &err, &res), CL_VERSMISMATCH);
	xdr_enc_reset(&e);
	rpcmsg_reply_auth_error(&e, XID, AUTH_TOOWEAK_STAT);
	assert_int_equal(status_of(&e, &err, &res), CL_AUTHERROR);
	assert_int_equal(err.why, AUTH_TOOWEAK_STAT);
	/* another xid, a cut header: not a reply to this call */
	xdr_enc_reset(&e);
	rpcmsg_reply_success(&e, XID + 1);
	assert_int_equal(status_of(&e, &err, &res), CL_CANTDECODERES);
	xdr_enc_reset(&e);
	rpcmsg_reply_success(&e, XID);
	for (i = 0; i < e.len; i++)
		assert_int_equal(cl_reply_status(e.buf, i, XID, &res, &err),
		    CL_CANTDECODERES);
	xdr_enc_free(&e);
}

/* ---- libtirpc's wording ---- */

static void
test_messages(void **state)
{
	struct cl_err	e;
	char		buf[256];

	(void)state;
	cl_seterr(&e, CL_PROGVERSMISMATCH, 0);
	e.low = 2;
	e.high = 4;
	cl_sperror(&e, "rpcinfo", buf, sizeof(buf));
	assert_string_equal(buf, "rpcinfo: RPC: Program/version mismatch; "
	    "low version = 2, high version = 4");
	cl_seterr(&e, CL_CANTRECV, ECONNREFUSED);
	cl_sperror(&e, "rpcinfo: can't contact rpcbind: ", buf, sizeof(buf));
	assert_string_equal(buf, "rpcinfo: can't contact rpcbind: : RPC: "
	    "Unable to receive; errno = Connection refused");
	cl_spcreateerror(&e, "127.0.0.1", buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1: RPC: Unable to receive");
	cl_seterr(&e, CL_SYSTEMERROR, ENOENT);
	cl_spcreateerror(&e, "rpcinfo: can't contact rpcbind", buf,
	    sizeof(buf));
	assert_string_equal(buf, "rpcinfo: can't contact rpcbind: RPC: "
	    "Remote system error - No such file or directory");
	cl_seterr(&e, CL_PMAPFAILURE, 0);
	e.sub = CL_TIMEDOUT;
	cl_spcreateerror(&e, "h", buf, sizeof(buf));
	assert_string_equal(buf, "h: RPC: Port mapper failure - Timed out");
	cl_seterr(&e, CL_N2AXLATEFAILURE, 0);
	cl_spcreateerror(&e, "x", buf, sizeof(buf));
	assert_string_equal(buf, "x: RPC: (unknown error code)");
	cl_seterr(&e, CL_AUTHERROR, 0);
	e.why = 99;
	cl_sperror(&e, "r", buf, sizeof(buf));
	assert_string_equal(buf, "r: RPC: Authentication error; why = "
	    "(unknown authentication error - 99)");
	/* a small buffer is cut, never overrun */
	cl_seterr(&e, CL_PROGNOTREGISTERED, 0);
	memset(buf, 'z', sizeof(buf));
	cl_sperror(&e, "prefix", buf, 10);
	assert_int_equal(strlen(buf), 9);
	assert_int_equal(buf[10], 'z');
}

/* ---- decoders ---- */

static void
put_rpcb(struct xdr_enc *e, uint32_t prog, const char *netid,
    const char *addr, const char *owner)
{
	xdr_put_u32(e, 1);
	xdr_put_u32(e, prog);
	xdr_put_u32(e, 3);
	xdr_put_string(e, netid);
	xdr_put_string(e, addr);
	xdr_put_string(e, owner);
}

static void
test_dec_pmaplist(void **state)
{
	struct xdr_enc	 e;
	struct xdr_dec	 d;
	struct cl_pmap	*v;
	size_t		 n, cut;

	(void)state;
	xdr_enc_init_grow(&e, 1 << 20);
	xdr_put_u32(&e, 1);
	cl_enc_pmap(&e, 100000, 2, IPPROTO_TCP_NUM, 111);
	xdr_put_u32(&e, 1);
	cl_enc_pmap(&e, 100005, 3, IPPROTO_UDP_NUM, 20048);
	xdr_put_u32(&e, 0);
	xdr_dec_init(&d, e.buf, e.len);
	assert_int_equal(cl_dec_pmaplist(&d, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[1].prog, 100005);
	assert_int_equal(v[1].port, 20048);
	assert_int_equal(d.left, 0);
	free(v);
	/* every truncation fails, and allocates nothing that leaks */
	for (cut = 0; cut < e.len; cut++) {
		xdr_dec_init(&d, e.buf, cut);
		assert_int_equal(cl_dec_pmaplist(&d, &v, &n), -1);
		assert_null(v);
		assert_int_equal(n, 0);
	}
	/* a "more" flag that is not a boolean */
	xdr_enc_reset(&e);
	xdr_put_u32(&e, 0xffffffffu);
	cl_enc_pmap(&e, 1, 1, 6, 1);
	xdr_dec_init(&d, e.buf, e.len);
	assert_int_equal(cl_dec_pmaplist(&d, &v, &n), -1);
	/* an empty list */
	xdr_enc_reset(&e);
	xdr_put_u32(&e, 0);
	xdr_dec_init(&d, e.buf, e.len);
	assert_int_equal(cl_dec_pmaplist(&d, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	xdr_enc_free(&e);
}

static void
test_dec_list_cap(void **state)
{
	struct xdr_enc	 e;
	struct xdr_dec	 d;
	struct cl_pmap	*v;
	size_t		 n, i;

	(void)state;
	xdr_enc_init_grow(&e, 8u << 20);
	for (i = 0; i < CL_LIST_MAX; i++) {
		xdr_put_u32(&e, 1);
		cl_enc_pmap(&e, (uint32_t)i, 1, 17, 1);
	}
	xdr_put_u32(&e, 0);
	assert_false(e.err);
	xdr_dec_init(&d, e.buf, e.len);
	assert_int_equal(cl_dec_pmaplist(&d, &v, &n), 0);
	assert_int_equal(n, CL_LIST_MAX);
	free(v);
	/* one more entry than the cap: refused */
	e.len -= 4;
	xdr_put_u32(&e, 1);
	cl_enc_pmap(&e, 7, 1, 17, 1);
	xdr_put_u32(&e, 0);
	xdr_dec_init(&d, e.buf, e.len);
	assert_int_equal(cl_dec_pmaplist(&d, &v, &n), -1);
	assert_null(v);
	xdr_enc_free(&e);
}

static void
test_dec_rpcblist(void **state)
{
	struct xdr_enc	 e;
	struct xdr_dec	 d;
	struct cl_rpcb	*v;
	size_t		 n, cut;
	char		 big[CL_UADDR_MAX + 2];

	(void)state;
	xdr_enc_init_grow(&e, 1 << 20);
	put_rpcb(&e, 100000, "tcp6", "::.0.111", "superuser");
	put_rpcb(&e, 100024, "local", "/run/rpcbind.sock", "");
	xdr_put_u32(&e, 0);
	xdr_dec_init(&d, e.buf, e.len);
	assert_int_equal(cl_dec_rpcblist(&d, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].netid, "tcp6");
	assert_string_equal(v[0].addr, "::.0.111");
	assert_string_equal(v[0].owner, "superuser");
	assert_string_equal(v[1].owner, "");
	cl_free_rpcblist(v, n);
	for (cut = 0; cut < e.len; cut++) {
		xdr_dec_init(&d, e.buf, cut);
		assert_int_equal(cl_dec_rpcblist(&d, &v, &n), -1);
		assert_null(v);
	}
	/* a string length of 0xffffffff */
	xdr_enc_reset(&e);
	xdr_put_u32(&e, 1);
	xdr_put_u32(&e, 1);
	xdr_put_u32(&e, 1);
	xdr_put_u32(&e, 0xffffffffu);
	xdr_put_u32(&e, 0);
	xdr_dec_init(&d, e.buf, e.len);
	assert_int_equal(cl_dec_rpcblist(&d, &v, &n), -1);
	/* an address one byte over the limit, a netid at the limit + 1 */
	memset(big, 'a', sizeof(big));
	big[CL_UADDR_MAX + 1] = '\0';
	xdr_enc_reset(&e);
	put_rpcb(&e, 1, "udp", big, "x");
	xdr_put_u32(&e, 0);
	xdr_dec_init(&d, e.buf, e.len);
	assert_int_equal(cl_dec_rpcblist(&d, &v, &n), -1);
	big[CL_UADDR_MAX] = '\0';
	xdr_enc_reset(&e);
	put_rpcb(&e, 1, "udp", big, "x");
	xdr_put_u32(&e, 0);
	xdr_dec_init(&d, e.buf, e.len);
	assert_int_equal(cl_dec_rpcblist(&d, &v, &n), 0);
	assert_int_equal(strlen(v[0].addr), CL_UADDR_MAX);
	cl_free_rpcblist(v, n);
	big[CL_NETID_MAX + 1] = '\0';
	xdr_enc_reset(&e);
	put_rpcb(&e, 1, big, "a", "x");
	xdr_put_u32(&e, 0);
	xdr_dec_init(&d, e.buf, e.len);
	assert_int_equal(cl_dec_rpcblist(&d, &v, &n), -1);
	/* a NUL inside a string */
	xdr_enc_reset(&e);
	xdr_put_u32(&e, 1);
	xdr_put_u32(&e, 1);
	xdr_put_u32(&e, 1);
	xdr_put_stringn(&e, "ud\0p", 4);
	xdr_put_string(&e, "a");
	xdr_put_string(&e, "o");
	xdr_put_u32(&e, 0);
	xdr_dec_init(&d, e.buf, e.len);
	assert_int_equal(cl_dec_rpcblist(&d, &v, &n), -1);
	xdr_enc_free(&e);
}

static void
test_dec_entrylist(void **state)
{
	struct xdr_enc	 e;
	struct xdr_dec	 d;
	struct cl_entry	*v;
	size_t		 n, cut;

	(void)state;
	xdr_enc_init_grow(&e, 1 << 20);
	xdr_put_u32(&e, 1);
	xdr_put_string(&e, "127.0.0.1.0.111");
	xdr_put_string(&e, "tcp");
	xdr_put_u32(&e, 3);
	xdr_put_string(&e, "inet");
	xdr_put_string(&e, "tcp");
	xdr_put_u32(&e, 0);
	xdr_dec_init(&d, e.buf, e.len);
	assert_int_equal(cl_dec_entrylist(&d, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].maddr, "127.0.0.1.0.111");
	assert_int_equal(v[0].semantics, 3);
	assert_string_equal(v[0].protofmly, "inet");
	cl_free_entrylist(v, n);
	for (cut = 0; cut < e.len; cut++) {
		xdr_dec_init(&d, e.buf, cut);
		assert_int_equal(cl_dec_entrylist(&d, &v, &n), -1);
	}
	xdr_enc_free(&e);
}

static void
put_stats(struct xdr_enc *e, int32_t base)
{
	int	v, i;

	for (v = 0; v < 3; v++) {
		for (i = 0; i < (int)CL_STAT_PROCS; i++)
			xdr_put_u32(e, (uint32_t)(base + v * 100 + i));
		xdr_put_u32(e, 0xffffffffu);	/* setinfo -1 */
		xdr_put_u32(e, 2);
		xdr_put_u32(e, 1);		/* one lookup */
		xdr_put_u32(e, 100000);
		xdr_put_u32(e, 2);
		xdr_put_u32(e, 5);
		xdr_put_u32(e, 6);
		xdr_put_string(e, "udp");
		xdr_put_u32(e, 0);
		xdr_put_u32(e, 1);		/* one remote call */
		xdr_put_u32(e, 100003);
		xdr_put_u32(e, 3);
		xdr_put_u32(e, 0);
		xdr_put_u32(e, 7);
		xdr_put_u32(e, 8);
		xdr_put_u32(e, 9);
		xdr_put_string(e, "tcp");
		xdr_put_u32(e, 0);
	}
}

static void
test_dec_stats(void **state)
{
	struct xdr_enc		e;
	struct xdr_dec		d;
	struct cl_stat_vers	st[3];
	size_t			cut;

	(void)state;
	xdr_enc_init_grow(&e, 1 << 20);
	put_stats(&e, 10);
	xdr_dec_init(&d, e.buf, e.len);
	assert_int_equal(cl_dec_stats(&d, st), 0);
	assert_int_equal(d.left, 0);
	assert_int_equal(st[2].info[12], 10 + 200 + 12);
	assert_int_equal(st[0].setinfo, -1);
	assert_int_equal(st[1].unsetinfo, 2);
	assert_int_equal(st[1].naddr, 1);
	assert_int_equal(st[1].addr[0].failure, 6);
	assert_string_equal(st[1].addr[0].netid, "udp");
	assert_int_equal(st[2].nrmt, 1);
	assert_int_equal(st[2].rmt[0].prog, 100003);
	assert_int_equal(st[2].rmt[0].success, 7);
	assert_int_equal(st[2].rmt[0].failure, 8);
	assert_int_equal(st[2].rmt[0].indirect, 9);
	assert_string_equal(st[2].rmt[0].netid, "tcp");
	cl_free_stats(st);
	for (cut = 0; cut < e.len; cut += 3) {
		xdr_dec_init(&d, e.buf, cut);
		assert_int_equal(cl_dec_stats(&d, st), -1);
	}
	xdr_enc_free(&e);
}

/* ---- escaping ---- */

static void
test_escape(void **state)
{
	char	out[64];

	(void)state;
	assert_string_equal(cl_escape("tcp6", 4, out, sizeof(out)), "tcp6");
	assert_string_equal(cl_escape("a\x1b[2Jb", 6, out, sizeof(out)),
	    "a\\x1b[2Jb");
	assert_string_equal(cl_escape("\r\n\t\x7f\xff\\", 6, out,
	    sizeof(out)), "\\x0d\\x0a\\x09\\x7f\\xff\\\\");
	assert_string_equal(cl_escape("a\0b", 3, out, sizeof(out)),
	    "a\\x00b");
	/* cut: never past the buffer, marked "..." */
	memset(out, 'z', sizeof(out));
	cl_escape("0123456789", 10, out, 8);
	assert_string_equal(out, "0123...");
	assert_int_equal(out[8], 'z');
	cl_escape("\x01\x02\x03", 3, out, 8);
	assert_string_equal(out, "\\x01...");
	cl_escape("abc", 3, out, 1);
	assert_string_equal(out, "");
}

/* ---- real calls ---- */

/* A reply to the call in buf (xid taken from it), results one u32. */
static size_t
make_reply(const uint8_t *call, uint8_t *out, size_t outsz, uint32_t xor,
    uint32_t val)
{
	struct xdr_enc	e;
	uint32_t	xid;

	xid = ((uint32_t)call[0] << 24) | ((uint32_t)call[1] << 16) |
	    ((uint32_t)call[2] << 8) | call[3];
	xdr_enc_init(&e, out, outsz);
	rpcmsg_reply_success(&e, xid ^ xor);
	xdr_put_u32(&e, val);
	return e.len;
}

static void
test_udp_call(void **state)
{
	struct sockaddr_in	sin;
	socklen_t		slen = sizeof(sin);
	struct cl		c;
	uint8_t			buf[512], rep[128];
	uint32_t		v;
	ssize_t			n;
	size_t			rl;
	pid_t			pid;
	int			srv, st;

	(void)state;
	srv = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(srv >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(srv, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(srv, (struct sockaddr *)&sin, &slen), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);

		n = recvfrom(srv, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fl);
		if (n < 4)
			_exit(1);
		/* a runt, a reply to another call, then ours */
		sendto(srv, "\1", 1, 0, (struct sockaddr *)&from, fl);
		rl = make_reply(buf, rep, sizeof(rep), 0xffff, 1);
		sendto(srv, rep, rl, 0, (struct sockaddr *)&from, fl);
		rl = make_reply(buf, rep, sizeof(rep), 0, 4242);
		sendto(srv, rep, rl, 0, (struct sockaddr *)&from, fl);
		/* the second call gets no answer */
		n = recvfrom(srv, buf, sizeof(buf), 0, NULL, NULL);
		_exit(0);
	}
	assert_int_equal(cl_create(&c, CL_UDP, (struct sockaddr *)&sin,
	    sizeof(sin), 300000, 1, 0, 3000), 0);
	assert_int_equal(cl_call(&c, 7, NULL, 0), CL_SUCCESS);
	assert_int_equal(xdr_get_u32(&c.res, &v), 0);
	assert_int_equal(v, 4242);
	c.timeout_ms = 300;
	c.retry_ms = 100;
	assert_int_equal(cl_call(&c, 7, NULL, 0), CL_TIMEDOUT);
	assert_int_equal(c.err.stat, CL_TIMEDOUT);
	cl_destroy(&c);
	waitpid(pid, &st, 0);
	close(srv);
}

static void
test_stream_call(void **state)
{
	struct sockaddr_un	sun;
	socklen_t		len;
	struct cl		c;
	struct xdr_enc		e;
	uint8_t			buf[512], hdr[4];
	uint32_t		v, i, xid;
	pid_t			pid;
	int			srv, fd, st;

	(void)state;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_LOCAL;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/tmp/test_clnt.%d",
	    (int)getpid());
	unlink(sun.sun_path);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(sun.sun_path) + 1);
	srv = socket(AF_LOCAL, SOCK_STREAM, 0);
	assert_int_equal(bind(srv, (struct sockaddr *)&sun, len), 0);
	assert_int_equal(listen(srv, 1), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fd = accept(srv, NULL, NULL);
		if (fd < 0 || recv(fd, buf, sizeof(buf), 0) < 8)
			_exit(1);
		xid = ((uint32_t)buf[4] << 24) | ((uint32_t)buf[5] << 16) |
		    ((uint32_t)buf[6] << 8) | buf[7];
		xdr_enc_init_grow(&e, 1 << 20);
		/* a whole record for another call first */
		rpcmsg_reply_success(&e, xid + 1);
		rm_put_header(hdr, (uint32_t)e.len, 1);
		write(fd, hdr, 4);
		write(fd, e.buf, e.len);
		/* then ours: 1000 u32 results in 3-byte fragments */
		xdr_enc_reset(&e);
		rpcmsg_reply_success(&e, xid);
		for (i = 0; i < 1000; i++)
			xdr_put_u32(&e, i);
		for (i = 0; i < e.len; i += 3) {
			uint32_t k = e.len - i < 3 ? e.len - i : 3;

			rm_put_header(hdr, k, i + k == e.len);
			write(fd, hdr, 4);
			write(fd, e.buf + i, k);
		}
		/* a second call: the peer closes instead */
		recv(fd, buf, sizeof(buf), 0);
		close(fd);
		_exit(0);
	}
	assert_int_equal(cl_create(&c, CL_LOCAL, (struct sockaddr *)&sun, len,
	    100000, 4, 0, 3000), 0);
	assert_int_equal(cl_call(&c, 4, NULL, 0), CL_SUCCESS);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(xdr_get_u32(&c.res, &v), 0);
		assert_int_equal(v, i);
	}
	assert_int_equal(c.res.left, 0);
	assert_int_equal(cl_call(&c, 4, NULL, 0), CL_CANTRECV);
	assert_int_equal(c.err.errnum, ECONNRESET);
	cl_destroy(&c);
	waitpid(pid, &st, 0);
	close(srv);
	unlink(sun.sun_path);
	/* nobody listening: a create error with errno, as libtirpc says */
	assert_int_equal(cl_create(&c, CL_LOCAL, (struct sockaddr *)&sun, len,
	    100000, 4, 0, 1000), -1);
	assert_int_equal(c.err.stat, CL_SYSTEMERROR);
	assert_int_equal(c.err.errnum, ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_success),
		cmocka_unit_test(test_reply_errors),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_dec_pmaplist),
		cmocka_unit_test(test_dec_list_cap),
		cmocka_unit_test(test_dec_rpcblist),
		cmocka_unit_test(test_dec_entrylist),
		cmocka_unit_test(test_dec_stats),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_udp_call),
		cmocka_unit_test(test_stream_call),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
