#!/bin/sh
# fwd_callit.sh - forwarding of remote calls with -r: libtirpc's
# pmap_rmtcall() and rpcb_rmtcall(), rpc_broadcast() and Debian's
# rpcinfo -b from another host (a veth peer in its own namespace) reach a
# libtirpc UDP service through the port mapper; the deny list (built-in
# and --forward-deny) and unregistered programs or versions behave as
# PROTOCOL.md says (CALLIT/BCAST silent, INDIRECT errors, denied targets
# AUTH_TOOWEAK); hosts the access lists deny get no forwarding; without
# -r nothing is forwarded.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_remote.sh"

need_progs
remote_setup
PROG=536871065
RMTCALL_WAIT=1500
export RMTCALL_WAIT

# callit FROM VERS PROC PROG PVERS PPROC: a raw remote call over UDP
# ("local" or "remote" host; to 127.0.0.1 or 10.99.0.1).
callit()
{
	_w=$1
	shift
	if [ "$_w" = local ]; then
		capture "$RMT" callit 127.0.0.1 "$@"
	else
		capture $IN_REMOTE "$RMT" callit $SRV4 "$@"
	fi
}

# restart [DAEMON ARGS...]: a new daemon and a new test server on it.
NSRV=0
restart()
{
	[ -z "${SERVER_PID:-}" ] || stop_pid "$SERVER_PID"
	SERVER_PID=""
	stop_daemon
	start_daemon "$@" || done_testing
	NSRV=$((NSRV + 1))
	start_server s$NSRV -m create || done_testing
	UP=$(uaddr_port "$(bound s$NSRV udp)")
	U6=$(uaddr_port "$(bound s$NSRV udp6)")
}

restart -r
ua4() { echo "$1.$((UP / 256)).$((UP % 256))"; }
ua6() { echo "$1.$((U6 / 256)).$((U6 % 256))"; }
remote_reaches || not_ok "remote host reaches the daemon"

# ---- libtirpc's remote-call functions ----
capture "$RMT" pmap 127.0.0.1 $PROG 1 1 hello
expect_line "pmap_rmtcall (v2 CALLIT) local: the echo" "result hello"
expect_line "pmap_rmtcall local: the target's udp port" "port $UP"
capture "$RMT" rpcb 127.0.0.1 udp $PROG 2 2
expect_line "rpcb_rmtcall udp local: version 2 answers" "result 2"
expect_line "rpcb_rmtcall udp local: the target's address" "addr $(ua4 127.0.0.1)"
capture "$RMT" rpcb ::1 udp6 $PROG 1 1 six
expect_line "rpcb_rmtcall udp6 local: the echo" "result six"
expect_line "rpcb_rmtcall udp6 local: the target's address" "addr $(ua6 ::1)"
capture $IN_REMOTE "$RMT" pmap $SRV4 $PROG 1 1 "from afar"
expect_line "pmap_rmtcall from the remote host: the echo" "result from afar"
expect_line "pmap_rmtcall from the remote host: the port" "port $UP"
capture $IN_REMOTE "$RMT" rpcb $SRV4 udp $PROG 1 2
expect_line "rpcb_rmtcall from the remote host: answer" "result 1"
expect_line "rpcb_rmtcall from the remote host: address merged for it" \
    "addr $(ua4 $SRV4)"
capture $IN_REMOTE "$RMT" rpcb $SRV6 udp6 $PROG 1 1 v6
expect_line "rpcb_rmtcall udp6 from the remote host: the echo" "result v6"
expect_line "rpcb_rmtcall udp6 from the remote host: address merged" \
    "addr $(ua6 $SRV6)"

# ---- broadcast discovery from the remote host ----
capture $IN_REMOTE "$RMT" bcast udp $PROG 1 2
expect_line "rpc_broadcast from the remote host: the server answers" \
    "reply $(ua4 $SRV4) result 1"
STEP_TIMEOUT=30
capture $IN_REMOTE stdbuf -oL "$RPCINFO" -b $PROG 1
STEP_TIMEOUT=20
expect_any "Debian's rpcinfo -b $PROG 1 from the remote host finds it" \
    "^$(ua4 $SRV4 | sed 's/\./\\./g')[[:space:]]"

# ---- INDIRECT ----
callit remote 4 10 $PROG 1 2
expect "INDIRECT from the remote host: forwarded, answered" '^accepted 0$'
callit remote 4 10 $PROG 7 2
expect_any "INDIRECT to a missing version: PROG_MISMATCH" '^accepted 2$'
expect_any "INDIRECT to a missing version: versions 1 to 2" '^data 0000000100000002$'
callit remote 4 10 300123 1 0
expect_any "INDIRECT to an unregistered program: PROG_UNAVAIL" '^accepted 1$'
callit remote 4 10 $PROG 1 7
expect_any "INDIRECT to a procedure the target lacks: SYSTEM_ERR" '^accepted 5$'

# ---- CALLIT/BCAST errors stay silent ----
for v in "2 5" "3 5" "4 5"; do
	# shellcheck disable=SC2086
	callit remote $v 300123 1 0
	expect_any "CALLIT/BCAST ($v) to an unregistered program: silent" '^silent$'
	# shellcheck disable=SC2086
	callit remote $v $PROG 7 0
	expect_any "CALLIT/BCAST ($v) to a missing version: silent" '^silent$'
	# shellcheck disable=SC2086
	callit remote $v $PROG 1 7
	expect_any "CALLIT/BCAST ($v) to a procedure the target lacks: silent" '^silent$'
done

# ---- the deny list ----
for t in "100003 3 1 NFS" "100005 3 1 MOUNT-MNT" "100005 3 3 MOUNT-UMNT" \
    "100007 2 2 YPBIND-SETDOM" "100009 1 1 YPPASSWD" "100011 1 1 RQUOTA" \
    "100004 2 3 YP-MATCH" "100004 2 8 YP-ALL" "100000 2 4 portmap-DUMP" \
    "100000 4 12 portmap-GETSTAT"; do
	# shellcheck disable=SC2086
	set -- $t
	callit remote 2 5 $1 $2 $3
	expect_any "CALLIT to $4 ($1 proc $3): AUTH_TOOWEAK" '^denied 1 5$'
	callit remote 4 10 $1 $2 $3
	expect_any "INDIRECT to $4: AUTH_TOOWEAK" '^denied 1 5$'
done
callit remote 2 5 100000 2 0
expect "CALLIT to the port mapper's NULL procedure: forwarded" '^accepted 0$'
callit remote 2 5 100004 2 2
expect_any "CALLIT to YP DOMAIN_NONACK (not denied, not registered): silent" \
    '^silent$'

# ---- hosts the access lists deny get no forwarding ----
restart -r --deny $CLI4
capture env RMTCALL_SRC=$CLI4 $IN_REMOTE "$RMT" callit $SRV4 4 10 $PROG 1 2
expect_any "--deny $CLI4: its INDIRECT is not forwarded (silent)" '^silent$'
capture env RMTCALL_SRC=$CLI4B $IN_REMOTE "$RMT" callit $SRV4 4 10 $PROG 1 2
expect "--deny $CLI4: $CLI4B's INDIRECT forwarded" '^accepted 0$'

# ---- --forward-deny ----
restart -r --forward-deny $PROG:2 --forward-deny 300124
MAIN_SERVER=$SERVER_PID
start_server p300124 -m create -P 300124 -V 1 -n udp || done_testing
P124=$SERVER_PID
SERVER_PID=$MAIN_SERVER
callit remote 2 5 $PROG 1 2
expect_any "--forward-deny $PROG:2: CALLIT to it AUTH_TOOWEAK" '^denied 1 5$'
callit remote 4 10 $PROG 1 2
expect_any "--forward-deny $PROG:2: INDIRECT to it AUTH_TOOWEAK" '^denied 1 5$'
callit remote 2 5 $PROG 1 1 "$(xstr ok)"
expect "--forward-deny $PROG:2: procedure 1 still forwarded" '^accepted 0$'
callit remote 2 5 300124 1 1 "$(xstr x)"
expect_any "--forward-deny 300124: every procedure but 0 denied" '^denied 1 5$'
callit remote 2 5 300124 1 0
expect "--forward-deny 300124: procedure 0 forwarded" '^accepted 0$'
stop_pid "$P124"
capture "$PORTMAP" -f -r --forward-deny 12:0
expect_rc "--forward-deny 12:0 refused (usage)" 2
capture "$PORTMAP" -f -r --forward-deny nfs
expect_rc "--forward-deny nfs refused (numbers only)" 2

# ---- without -r: nothing is forwarded ----
restart
capture $IN_REMOTE "$RMT" pmap $SRV4 $PROG 1 1 hello
expect_not "no -r: pmap_rmtcall gets no answer" '^result'
callit remote 2 5 $PROG 1 2
expect_any "no -r: CALLIT silent" '^silent$'
callit remote 4 10 $PROG 1 2
expect_any "no -r: INDIRECT to a registered target: SYSTEM_ERR" '^accepted 5$'
capture $IN_REMOTE "$RMT" bcast udp $PROG 1 2
expect_not "no -r: rpc_broadcast finds nothing" '^reply'
STEP_TIMEOUT=30
capture $IN_REMOTE stdbuf -oL "$RPCINFO" -b $PROG 1
STEP_TIMEOUT=20
expect_not "no -r: Debian's rpcinfo -b finds nothing" "^$(ua4 $SRV4 | sed 's/\./\\./g')"
stop_pid "$SERVER_PID"
stop_daemon
done_testing
