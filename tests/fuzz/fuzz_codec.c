/*
 * fuzz_codec.c - the pure codecs on their own (fuzz_xdr's body): XDR
 * getters driven by the input, the encoder's sticky error, RPC headers,
 * and universal addresses (parse, format, parse again, merge).
 *
 * Input: a mode byte, then the mode's bytes.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmap_prot.h"
#include "rpcmsg.h"
#include "uaddr.h"
#include "xdr.h"

#include "fuzz_common.h"

#define FC_STR_MAX	300

static void fc_fail(const char *, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

static void
fc_fail(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "fuzz invariant violated: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* A getter either fails without moving or consumes what it said. */
static void
fc_moved(const struct xdr_dec *before, const struct xdr_dec *after, int rc,
    size_t want, const char *what)
{
	if (rc == -1) {
		if (after->p != before->p || after->left != before->left)
			fc_fail("%s failed but moved the cursor", what);
		return;
	}
	if (rc != 0)
		fc_fail("%s returned %d", what, rc);
	if (before->left - after->left != want ||
	    after->p != before->p + want)
		fc_fail("%s consumed %zu, expected %zu", what,
		    before->left - after->left, want);
}

/*
 * Mode 0: the first half of the input is a program of getters, the second
 * the data they read.
 */
static void
fc_getters(const uint8_t *data, size_t size)
{
	struct xdr_dec	 d, b;
	const uint8_t	*prog = data, *p;
	size_t		 nprog = size / 2, i, slen;
	char		 str[FC_STR_MAX + 1];
	uint32_t	 u, len, max;
	uint64_t	 q;
	int		 rc, bv;

	xdr_dec_init(&d, data + nprog, size - nprog);
	for (i = 0; i < nprog; i++) {
		b = d;
		max = prog[i] >> 3;	/* 0..31, times 10 below */
		switch (prog[i] & 7) {
		case 0:
			rc = xdr_get_u32(&d, &u);
			fc_moved(&b, &d, rc, 4, "u32");
			break;
		case 1:
			rc = xdr_get_u64(&d, &q);
			fc_moved(&b, &d, rc, 8, "u64");
			break;
		case 2:
			rc = xdr_get_bool(&d, &bv);
			fc_moved(&b, &d, rc, 4, "bool");
			if (rc == 0 && bv != 0 && bv != 1)
				fc_fail("bool %d", bv);
			break;
		case 3:
			len = max;
			rc = xdr_get_fixed(&d, &p, len);
			fc_moved(&b, &d, rc, len + xdr_pad(len), "fixed");
			if (rc == 0 && len > 0 && p != b.p)
				fc_fail("fixed data not in place");
			break;
		case 4:
			rc = xdr_get_opaque(&d, &p, &len, max * 10);
			fc_moved(&b, &d, rc, rc == 0 ? 4 + len + xdr_pad(len) : 0,
			    "opaque");
			if (rc == 0 && len > max * 10)
				fc_fail("opaque of %u over max %u", len, max * 10);
			if (rc == 0 && len > 0 && p != b.p + 4)
				fc_fail("opaque data not in place");
			break;
		case 5:
			max = max * 10 < FC_STR_MAX ? max * 10 : FC_STR_MAX;
			rc = xdr_get_string(&d, str, sizeof(str), max, &slen);
			fc_moved(&b, &d, rc, rc == 0 ? 4 + slen + xdr_pad(slen) :
			    0, "string");
			if (rc == 0 && (slen > max || strlen(str) != slen))
				fc_fail("string of %zu (max %u, strlen %zu)",
				    slen, max, strlen(str));
			break;
		case 6:
			rc = xdr_skip(&d, max);
			fc_moved(&b, &d, rc, max, "skip");
			break;
		default:
			/* a string with a buffer exactly max + 1 */
			rc = xdr_get_string(&d, str, (size_t)max + 1, max,
			    &slen);
			fc_moved(&b, &d, rc, rc == 0 ? 4 + slen + xdr_pad(slen) :
			    0, "string(exact)");
			break;
		}
	}
}

/*
 * Mode 1: encoder puts into a buffer of a size the input picks (fixed or
 * growable); the sticky error, and what was put decodes back.
 */
static void
fc_puts(const uint8_t *data, size_t size)
{
	uint8_t		 fixed[256];
	struct xdr_enc	 e;
	struct xdr_dec	 d;
	const uint8_t	*p;
	char		 s[FC_STR_MAX + 1];
	size_t		 i = 0, before, n, max;
	uint32_t	 u, len;
	int		 grow, failed = 0;

	if (size < 2)
		return;
	grow = data[0] & 1;
	max = data[1] + 1;
	i = 2;
	if (grow)
		xdr_enc_init_grow(&e, max * 4);
	else
		xdr_enc_init(&e, fixed, max < sizeof(fixed) ? max : sizeof(fixed));
	while (i < size) {
		before = e.len;
		n = data[i] >> 2;
		switch (data[i++] & 3) {
		case 0:
			xdr_put_u32(&e, (uint32_t)n * 0x01010101u);
			break;
		case 1:
			if (n > size - i)
				n = size - i;
			xdr_put_opaque(&e, data + i, (uint32_t)n);
			i += n;
			break;
		case 2:
			if (n > size - i)
				n = size - i;
			memcpy(s, data + i, n);
			s[n] = '\0';
			xdr_put_string(&e, s);
			i += n;
			break;
		default:
			if (xdr_reserve(&e, n) == NULL && !e.err)
				fc_fail("reserve NULL without the error");
			break;
		}
		if (failed && e.len != before)
			fc_fail("a put after the error wrote");
		if (e.err)
			failed = 1;
		if (e.len > e.max || e.len > e.cap)
			fc_fail("encoder len %zu cap %zu max %zu", e.len, e.cap,
			    e.max);
	}
	if (!failed && e.err)
		fc_fail("error appeared from nowhere");
	/* a run of opaques that fit decodes back */
	xdr_enc_reset(&e);
	if (e.len != 0 || e.err)
		fc_fail("reset did not clear");
	xdr_put_opaque(&e, data, (uint32_t)(size > 40 ? 40 : size));
	if (!e.err) {
		xdr_dec_init(&d, e.buf, e.len);
		if (xdr_get_opaque(&d, &p, &len, 40) == -1 ||
		    len != (size > 40 ? 40 : size) || d.left != 0 ||
		    (len > 0 && memcmp(p, data, len) != 0))
			fc_fail("opaque does not decode back");
		(void)u;
	}
	if (grow)
		xdr_enc_free(&e);
}

/* Mode 2: call and reply headers. */
static void
fc_headers(const uint8_t *data, size_t size)
{
	struct xdr_dec	 d;
	struct rpc_call	 c;
	struct rpc_reply r;
	const uint8_t	*end = data + size;

	xdr_dec_init(&d, data, size);
	switch (rpcmsg_decode_call(&d, &c)) {
	case RPCMSG_OK:
		if (c.rpcvers != RPC_VERS)
			fc_fail("call OK with rpcvers %u", c.rpcvers);
		if (c.cred.len > RPC_AUTH_MAX || c.verf.len > RPC_AUTH_MAX)
			fc_fail("auth body over 400");
		if ((c.cred.len > 0 && (c.cred.body < data ||
		    c.cred.body + c.cred.len > end)) ||
		    (c.verf.len > 0 && (c.verf.body < data ||
		    c.verf.body + c.verf.len > end)))
			fc_fail("auth body outside the message");
		if (d.p + d.left != end)
			fc_fail("arguments do not end with the message");
		break;
	case RPCMSG_NOT_CALL:
	case RPCMSG_BAD_RPCVERS:
	case RPCMSG_BAD_AUTH:
		break;
	default:
		fc_fail("decode_call status out of range");
	}
	xdr_dec_init(&d, data, size);
	if (rpcmsg_decode_reply(&d, &r) == 0) {
		if (r.reply_stat != MSG_ACCEPTED && r.reply_stat != MSG_DENIED)
			fc_fail("reply_stat %u", r.reply_stat);
		if (d.p + d.left != end)
			fc_fail("reply results do not end with the message");
	}
	(void)rpcmsg_accept_str(size > 0 ? data[0] : 0);
	(void)rpcmsg_auth_str(size > 1 ? data[1] : 0);
	(void)rpcmsg_reject_str(size > 2 ? data[2] : 0);
}

/*
 * Mode 3: a netid byte, then a universal address (NUL or the end ends
 * it), then a hint.  What parses formats back to an address that parses
 * to the same socket address; merging never fails on what parsed.
 */
static void
fc_uaddr(const uint8_t *data, size_t size)
{
	static const char *const netids[] = { "udp", "tcp", "udp6", "tcp6",
	    "local", "rdma", "", "UDP6" };
	struct sockaddr_storage ss, ss2, cl;
	socklen_t	 sl, sl2;
	const char	*netid;
	char		 ua[PM_UADDR_MAX + 1], hint[PM_UADDR_MAX + 1];
	char		 out[PM_UADDR_MAX + 64], out2[PM_UADDR_MAX + 64];
	size_t		 n, i = 1, h;
	int		 rc, port;

	if (size < 1)
		return;
	netid = netids[data[0] & 7];
	for (n = 0; i < size && data[i] != '\0' && n < PM_UADDR_MAX; i++)
		ua[n++] = (char)data[i];
	ua[n] = '\0';
	i++;
	for (h = 0; i < size && data[i] != '\0' && h < PM_UADDR_MAX; i++)
		hint[h++] = (char)data[i];
	hint[h] = '\0';

	port = uaddr_port(ua);
	if (port < -1 || port > 65535)
		fc_fail("uaddr_port %d", port);
	memset(&ss, 0, sizeof(ss));
	sl = sizeof(ss);
	rc = uaddr_to_sockaddr(ua, netid, &ss, &sl);
	if (rc == 0) {
		if (sl > sizeof(ss))
			fc_fail("sockaddr length %u", (unsigned)sl);
		if (uaddr_from_sockaddr((struct sockaddr *)&ss, sl, out,
		    sizeof(out)) == 0) {
			if (strlen(out) >= sizeof(out))
				fc_fail("formatted address not terminated");
			memset(&ss2, 0, sizeof(ss2));
			sl2 = sizeof(ss2);
			if (uaddr_to_sockaddr(out, netid, &ss2, &sl2) == -1)
				fc_fail("\"%s\" formats to \"%s\", which does "
				    "not parse", ua, out);
			if (uaddr_from_sockaddr((struct sockaddr *)&ss2, sl2,
			    out2, sizeof(out2)) == -1 || strcmp(out, out2) != 0)
				fc_fail("\"%s\" -> \"%s\" -> \"%s\"", ua, out,
				    out2);
		}
		(void)sockaddr_is_loopback((struct sockaddr *)&ss);
		(void)sockaddr_port((struct sockaddr *)&ss);
	}
	/* merging, for a client at the hint's address (or none) */
	memset(&cl, 0, sizeof(cl));
	sl2 = sizeof(cl);
	if (uaddr_to_sockaddr(hint, netid_family(netid) == AF_INET6 ? "udp6" :
	    "udp", &cl, &sl2) == -1)
		cl.ss_family = AF_UNSPEC;
	rc = uaddr_merge(fz_iflist(), netid, ua, h > 0 ? hint : NULL,
	    (struct sockaddr *)&cl, out, sizeof(out));
	if (rc == 0 && strlen(out) >= sizeof(out))
		fc_fail("merged address not terminated");
	(void)netid_kind(netid);
	(void)netid_semantics(netid);
	(void)netid_protofmly(netid);
	(void)netid_proto(netid);
}

void
fz_run_codec(const uint8_t *data, size_t size)
{
	if (size < 1)
		return;
	switch (data[0] & 3) {
	case 0:
		fc_getters(data + 1, size - 1);
		break;
	case 1:
		fc_puts(data + 1, size - 1);
		break;
	case 2:
		fc_headers(data + 1, size - 1);
		break;
	default:
		fc_uaddr(data + 1, size - 1);
		break;
	}
}
