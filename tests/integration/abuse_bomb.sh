#!/bin/sh
# abuse_bomb.sh - rpcbomb (CVE-2017-8779) and its relatives: declared
# lengths of 2^32-1, 2^31 and 9001 in every string and opaque field a
# request carries (GETADDR r_netid, SET r_addr, UNSET r_owner,
# GETVERSADDR r_addr, UADDR2TADDR, the TADDR2UADDR netbuf, CALLIT and
# INDIRECT arguments, credential and verifier bodies, the AUTH_SYS
# machine name and gids count), 100,000 calls over UDP and 100,000 over
# TCP (pmload bomb): each gets its right answer (GARBAGE_ARGS,
# AUTH_BADCRED, silence for CALLIT), and TCP record marks that declare
# too much close the connection (1,001 of them).  The daemon's RssAnon
# grows by less than 100 KiB over it all.
#
# PMAP_ABUSE_N overrides the count (a sanitizer build uses 100,000 too
# unless told otherwise).
#
#	sh tests/integration/abuse_bomb.sh

. "$(dirname "$0")/lib.sh"

PMLOAD=$BUILD/tests/progs/pmload
need_progs
[ -x "$PMLOAD" ] || { not_ok "pmload built ($PMLOAD)"; done_testing; }
# The daemon's RSS growth is checked unless it is a sanitizer build (its
# allocator keeps freed memory): then it is a figure only.
MAXKIB="-M 100"
if sanitized_build; then
	MAXKIB=""
	diag "sanitizer build: RssAnon growth shown, not checked"
fi
N=${PMAP_ABUSE_N:-100000}
STEP_TIMEOUT=240

start_daemon || done_testing
capture $TC_ENV "$PMLOAD" -m "$DAEMON_PID" $MAXKIB bomb -n "$N"
expect "rpcbomb lengths, $N calls over UDP and over TCP: the right errors, oversized records closed, RssAnon growth under 100 KiB" \
    '^bomb ok'
grep '^# ' "$T/out" | sed 's/^# /# figure: /'
sed -n 's/^bomb ok: /# figure: /p' "$T/out"
STEP_TIMEOUT=20
tc proc 127.0.0.1 udp 2 null
expect "afterwards: UDP NULL answered" '^ok$'
tc proc 127.0.0.1 tcp 4 null
expect "afterwards: TCP NULL answered" '^ok$'
tc proc 127.0.0.1 tcp 4 getstat
expect "afterwards: GETSTAT answered" '^stat v4 info'
stop_daemon
done_testing
