#!/bin/sh
# abuse_getaddr.sh - lookups of 100,000 distinct unregistered programs
# (GETADDR v3 and v4, GETPORT v2, over UDP; pmload getaddr): each is
# answered "not found", the daemon's RssAnon (heap and stack) grows by less than 512 KiB,
# and GETSTAT's lookup lists stay bounded (at most 64 per version) while
# the per-procedure counters count every call.  Debian's rpcbind keeps
# every distinct lookup in its statistics: half the load against it is
# shown for comparison (a figure, not a check).
#
#	sh tests/integration/abuse_getaddr.sh

. "$(dirname "$0")/lib.sh"

PMLOAD=$BUILD/tests/progs/pmload
need_progs
[ -x "$PMLOAD" ] || { not_ok "pmload built ($PMLOAD)"; done_testing; }
# The daemon's RSS growth is checked unless it is a sanitizer build (its
# allocator keeps freed memory): then it is a figure only.
MAXKIB="-M 512"
if sanitized_build; then
	MAXKIB=""
	diag "sanitizer build: RssAnon growth shown, not checked"
fi
N=${PMAP_ABUSE_N:-100000}

start_daemon || done_testing
STEP_TIMEOUT=240
capture $TC_ENV "$PMLOAD" -m "$DAEMON_PID" $MAXKIB getaddr -n "$N"
expect "$N lookups of distinct programs: all answered, RssAnon growth under 512 KiB" \
    '^getaddr ok'
sed -n 's/^getaddr ok: /# figure: portmap: /p' "$T/out"
STEP_TIMEOUT=20
tc proc 127.0.0.1 tcp 4 getstat
if [ "$RC" = 0 ]; then
	bad=""
	for v in 2 3 4; do
		n=$(grep -c "^stat v$v addr " "$T/out")
		[ "$n" -le 64 ] || bad="$bad v$v:$n"
	done
	if [ -z "$bad" ]; then
		ok "GETSTAT: at most 64 lookup keys per version"
	else
		not_ok "GETSTAT: at most 64 lookup keys per version ($bad)"
	fi
	# v4 info counters: procedure 3 is GETADDR (a third of the calls)
	g=$(sed -n 's/^stat v4 info \([0-9]*\) \([0-9]*\) \([0-9]*\) \([0-9]*\).*/\4/p' "$T/out")
	if [ -n "$g" ] && [ "$g" -ge $((N / 3)) ]; then
		ok "GETSTAT: every v4 GETADDR counted ($g)"
	else
		not_ok "GETSTAT: every v4 GETADDR counted (got '$g', at least $((N / 3)))"
		diag_last
	fi
else
	not_ok "GETSTAT over TCP answered"
	diag_last
fi
stop_daemon

# For comparison: Debian's rpcbind under the same load.
if [ -x "$RPCBIND" ]; then
	PMAP_DAEMON=rpcbind
	if start_daemon; then
		STEP_TIMEOUT=240
		capture $TC_ENV "$PMLOAD" -m "$DAEMON_PID" getaddr -n $((N / 2))
		sed -n 's/^getaddr [A-Za-z]*: /# figure: rpcbind: /p' "$T/out"
		STEP_TIMEOUT=20
		stop_daemon
	fi
	PMAP_DAEMON=ours
fi
done_testing
