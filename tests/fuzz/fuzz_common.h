/*
 * fuzz_common.h - what the fuzz targets share: a port mapper context with
 * a pre-filled table, the callers a request may come from, and the
 * invariants checked after every request.  Also linked into
 * tests/unit/test_fuzz_regress.c, which replays the inputs that once broke
 * something through the same code.
 *
 * The first two bytes of an input (for fuzz_dispatch the top bytes of the
 * xid, so the corpus files stay real RPC messages) select:
 *  byte 0
 *	bits 0-3	the caller (FZ_C_*)
 *	bit 4		-i: SET/UNSET accepted from other hosts
 *	bit 5		-r: forwarding on, with a forwarding hook
 *	bit 6		the forwarding hook fails (fuzz_record: release the
 *			record buffer whenever the connection is idle)
 *	bit 7		fuzz_dispatch: every statistics list full;
 *			fuzz_record: small record limits
 *  byte 1
 *	bit 0		a lookup hook that finds every service registered
 *			with a pid gone, and removes it (the reaper)
 *	bit 1		a remote caller is restricted by the access lists
 *	bit 2		the table filled to its cap (long local paths, many
 *			versions of one program), uid 1000 at its own cap
 *	bit 3		a remote UDP caller is on the amplification allow
 *			list (else its reply may be no longer than its
 *			request, as the shell's policy caps it)
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "dispatch.h"

enum fz_caller {
	FZ_C_UDP_PRIV = 0,	/* 127.0.0.1:700 */
	FZ_C_UDP_UNPRIV,	/* 127.0.0.1:40000 */
	FZ_C_UDP_REMOTE,	/* 10.9.9.7:800, on our subnet */
	FZ_C_TCP_PRIV,		/* 127.0.0.1:700 */
	FZ_C_TCP_UNPRIV,	/* 127.0.0.1:40000 */
	FZ_C_TCP_REMOTE,	/* 192.0.2.5:40000, no subnet of ours */
	FZ_C_UDP6_PRIV,		/* [::1]:700 */
	FZ_C_UDP6_UNPRIV,	/* [::1]:40000 */
	FZ_C_UDP6_REMOTE,	/* [2001:db8::5]:800, on our subnet */
	FZ_C_TCP6_PRIV,		/* [::ffff:127.0.0.1]:700 */
	FZ_C_TCP6_UNPRIV,	/* [::1]:40000 */
	FZ_C_TCP6_REMOTE,	/* [fe80::2]:40000 */
	FZ_C_LOCAL_ROOT,	/* AF_LOCAL uid 0 */
	FZ_C_LOCAL_USER,	/* AF_LOCAL uid 1000 */
	FZ_C_LOCAL_NOCRED,	/* AF_LOCAL, no SO_PEERCRED */
	FZ_C_LOCAL_BIGUID,	/* AF_LOCAL uid 0x80000000 */
	FZ_C_COUNT
};

#define FZ_F_INSECURE	0x10u
#define FZ_F_FORWARD	0x20u
#define FZ_F_FWDFAIL	0x40u
#define FZ_F_RELEASE	0x40u
#define FZ_F_FULLSTATS	0x80u
#define FZ_F_SMALL	0x80u

#define FZ_F2_REAP	0x01u
#define FZ_F2_RESTRICT	0x02u
#define FZ_F2_FULL	0x04u
#define FZ_F2_AMP	0x08u

#define FZ_NOW		1700000000u	/* what GETTIME must answer */

struct fz_env {
	struct table		*table;
	struct stats		*stats;
	struct pm_config	 cfg;
	struct pm_ctx		 ctx;
	struct caller		 caller;
	/* the request being dispatched, for the forwarding hook's checks */
	const uint8_t		*req;
	size_t			 reqlen;
	int			 fwd_fail;
	int			 amp_ok;	/* no UDP reply cap for remote callers */
	unsigned		 reaped;	/* entries the lookup hook removed */
};

/*
 * A fresh context for an input with these selector bytes; stream != 0
 * turns a datagram caller into its stream twin (UDP -> TCP).
 */
void	fz_setup(struct fz_env *, uint8_t sel, uint8_t sel2, int stream);
void	fz_teardown(struct fz_env *);

/*
 * Dispatch one request as the daemon does (UDP: an 8800-byte buffer;
 * streams: a growable one), check every invariant, and when the table
 * changed, look at it from several callers.  Aborts on a violation.
 */
void	fz_request(struct fz_env *, const uint8_t *req, size_t len);

/* Check the table still holds every pre-filled builtin entry. */
void	fz_check_table(struct fz_env *);

/* The interfaces the context merges addresses with. */
const struct iflist *fz_iflist(void);

/*
 * Replay one input.  fuzz_record's: selector bytes 0 and 1, a byte n, n
 * chunk sizes (0: the rest), then the stream.
 */
void	fz_run_dispatch(const uint8_t *data, size_t size);
void	fz_run_record(const uint8_t *data, size_t size);
void	fz_run_codec(const uint8_t *data, size_t size);

#endif
