#!/bin/sh
# tirpc_forward.sh - forwarding (v2 CALLIT, v3 CALLIT, v4 BCAST and
# INDIRECT) to a libtirpc test server, with forwarding switched on (-r,
# as in Debian's rpcbind), and Debian's rpcinfo -b broadcast discovery
# over a veth interface; then with forwarding off (the default), nothing
# is forwarded.
#
#	PMAP_DAEMON=rpcbind sh tests/integration/tirpc_forward.sh
#	sh tests/integration/tirpc_forward.sh

. "$(dirname "$0")/lib.sh"

need_progs
if add_veth_addresses; then
	HAVE_VETH=1
else
	HAVE_VETH=""
	diag "no veth: broadcast checks skipped"
fi
start_daemon -r || done_testing
start_server s1 -m create || done_testing

PROG=536871065
UDP=$(bound s1 udp)
UDP6=$(bound s1 udp6)
UP=$(uaddr_port "$UDP")
U6=$(uaddr_port "$UDP6")
ua()
{
	echo "$1.$(($2 / 256)).$(($2 % 256))"
}

# tcq ARGS...: the client with a 2 s RPC timeout, for calls that may
# rightly go unanswered.
tcq()
{
	STEP_TIMEOUT=6
	# shellcheck disable=SC2086
	capture env TC_TIMEOUT=2 $TC_ENV "$TC" "$@"
	STEP_TIMEOUT=20
}

# not_forwarded DESC: the last call did not come back with results.
not_forwarded()
{
	if [ "$RC" != 0 ] && ! grep -Eq '^(port|addr) ' "$T/out"; then
		ok "$1"
	else
		not_ok "$1"
		diag_last
	fi
}

# ---- forwarding on ----

# Procedure 2 of the test server returns the version it was called at.
tc proc 127.0.0.1 udp 2 callit $PROG 1 2
expect_eq "-r: v2 CALLIT to $PROG v1 proc 2: its udp port and its result" \
    "port $UP res 00000001"
tc proc 127.0.0.1 udp 2 callit $PROG 2 0
expect_eq "-r: v2 CALLIT to $PROG v2 NULL: its udp port, no results" \
    "port $UP res "
tc proc 127.0.0.1 udp 3 callit $PROG 2 2
expect_eq "-r: v3 CALLIT over udp: merged address and result" \
    "addr $(ua 127.0.0.1 "$UP") res 00000002"
tc proc ::1 udp6 3 callit $PROG 2 2
expect_eq "-r: v3 CALLIT over udp6: merged address and result" \
    "addr $(ua ::1 "$U6") res 00000002"
for n in udp udp6; do
	case $n in
	udp) h=127.0.0.1 p=$UP ;;
	udp6) h=::1 p=$U6 ;;
	esac
	tc proc "$h" $n 4 bcast $PROG 1 2
	expect_eq "-r: v4 BCAST over $n: merged address and result" \
	    "addr $(ua "$h" "$p") res 00000001"
	tc proc "$h" $n 4 indirect $PROG 2 2
	expect_eq "-r: v4 INDIRECT over $n: merged address and result" \
	    "addr $(ua "$h" "$p") res 00000002"
	tcq proc "$h" $n 4 indirect $PROG 3 2
	expect_err "-r: v4 INDIRECT over $n to a missing version: PROG_MISMATCH 1..2" \
	    'low version = 1, high version = 2'
	tcq proc "$h" $n 4 indirect $((PROG + 1)) 1 0
	expect_err "-r: v4 INDIRECT over $n to an unregistered program: PROG_UNAVAIL" \
	    'Program unavailable'
	tcq proc "$h" $n 4 indirect $PROG 1 9
	if [ "$RC" = 2 ] && ! grep -q 'Timed out' "$T/err"; then
		ok "-r: v4 INDIRECT over $n to an unknown procedure: an error comes back"
	else
		not_ok "-r: v4 INDIRECT over $n to an unknown procedure: an error comes back"
		diag_last
	fi
done

tcq proc 127.0.0.1 udp 2 callit $((PROG + 1)) 1 0
expect_err "-r: v2 CALLIT to an unregistered program: silence" 'Timed out'
tcq proc 127.0.0.1 udp 3 callit $PROG 5 0
expect_err "-r: v3 CALLIT to a missing version: silence" 'Timed out'

# The deny list: the port mapper itself (other than NULL) is never a
# target.
tcq proc 127.0.0.1 udp 2 callit 100000 2 4
not_forwarded "-r: v2 CALLIT to 100000 DUMP is not forwarded"
tcq proc 127.0.0.1 udp 4 indirect 100000 2 4
not_forwarded "-r: v4 INDIRECT to 100000 DUMP is not forwarded"
tcq proc ::1 udp6 4 bcast 100000 4 1
not_forwarded "-r: v4 BCAST to 100000 SET is not forwarded"

# UDP only.
for c in "2 callit $PROG 1 2" "3 callit $PROG 1 2" "4 indirect $PROG 1 2"; do
	# shellcheck disable=SC2086
	tcq proc 127.0.0.1 tcp $c
	not_forwarded "-r: over tcp, $c is not forwarded"
done

tc proc 127.0.0.1 udp 4 getstat
expect "-r: GETSTAT counts a successful v4 remote call to $PROG" \
    "^stat v4 rmt $PROG 2 2 udp [1-9][0-9]* [0-9]+ 1\$"
expect "-r: GETSTAT counts a successful v2 remote call to $PROG" \
    "^stat v2 rmt $PROG 1 2 udp [1-9][0-9]* [0-9]+ "

# Broadcast discovery: Debian's rpcinfo -b sends v3 and v2 CALLIT to the
# broadcast address of every interface; the answer comes from our address
# on the interface the broadcast arrived on.
if [ -n "$HAVE_VETH" ]; then
	STEP_TIMEOUT=40
	capture "$RPCINFO" -b -T udp $PROG 2
	STEP_TIMEOUT=20
	expect "-r: rpcinfo -b -T udp $PROG 2: answered from 10.9.9.1 at its port" \
	    "^$(ua 10.9.9.1 "$UP" | sed 's/\./\\./g')[[:space:]]"
fi

stop_daemon
stop_pid "$SERVER_PID" TERM 5

# ---- forwarding off: the default ----

start_daemon || done_testing
start_server s2 -m create -V 1 || done_testing
UP=$(uaddr_port "$(bound s2 udp)")
tcq proc 127.0.0.1 udp 2 callit $PROG 1 2
not_forwarded "default: v2 CALLIT is not forwarded"
tcq proc 127.0.0.1 udp 3 callit $PROG 1 2
not_forwarded "default: v3 CALLIT is not forwarded"
tcq proc ::1 udp6 4 bcast $PROG 1 2
not_forwarded "default: v4 BCAST is not forwarded"
tcq proc 127.0.0.1 udp 4 indirect $PROG 1 2
not_forwarded "default: v4 INDIRECT is not forwarded"
tc echo 127.0.0.1 udp $PROG 1 direct
expect_eq "default: the server itself answers directly" direct

stop_pid "$SERVER_PID" TERM 5
stop_daemon
done_testing
