# lib_remote.sh - a second host for the policy, forwarding and NIS tests.
# Source it after lib.sh:
#
#	. "$(dirname "$0")/lib.sh"
#	. "$(dirname "$0")/lib_remote.sh"
#
# remote_setup makes a veth pair whose both ends live in namespaces this
# test made: pmv0 stays in the test's namespace (the daemon's host,
# 10.99.0.1/24 and fd99::1/64), pmv1 goes into a second network namespace
# "pmremote" (ip netns, under the test's private /run) with 10.99.0.2/24,
# a second address 10.99.0.3/24 and fd99::2/64.  "$IN_REMOTE CMD" runs CMD
# on that host.  Nothing leaves the test's namespaces.

# The test client, through a wrapper: under a sanitizer build the leaks
# inside libtirpc are not ours to report (the daemon keeps its checks).
RMT_BIN=$BUILD/tests/progs/rmtcall
RMT=$T/rmtcall
printf '#!/bin/sh\nASAN_OPTIONS=detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS} exec "%s" "$@"\n' \
    "$RMT_BIN" >"$RMT" && chmod 755 "$RMT"
SRV4=10.99.0.1
CLI4=10.99.0.2
CLI4B=10.99.0.3
SRV6=fd99::1
CLI6=fd99::2
IN_REMOTE="ip netns exec pmremote"

# remote_setup: the veth pair and the remote namespace; ok/not ok.
remote_setup()
{
	if [ ! -x "$RMT_BIN" ]; then
		not_ok "test program built ($RMT_BIN): run make tests"
		done_testing
	fi
	if ip netns add pmremote &&
	    ip link add pmv0 type veth peer name pmv1 netns pmremote &&
	    ip addr add $SRV4/24 brd + dev pmv0 &&
	    ip -6 addr add $SRV6/64 dev pmv0 nodad &&
	    ip link set pmv0 up &&
	    $IN_REMOTE ip link set lo up &&
	    $IN_REMOTE ip addr add $CLI4/24 brd + dev pmv1 &&
	    $IN_REMOTE ip addr add $CLI4B/24 brd + dev pmv1 &&
	    $IN_REMOTE ip -6 addr add $CLI6/64 dev pmv1 nodad &&
	    $IN_REMOTE ip link set pmv1 up; then
		ok "remote host $CLI4 ($CLI4B, $CLI6) on a veth pair to $SRV4"
	else
		not_ok "remote host on a veth pair (ip netns, ip link add veth)"
		done_testing
	fi
}

# remote_reaches: a NULL call from the remote host gets an answer (5 s).
remote_reaches()
{
	wait_for 5 $IN_REMOTE "$RMT" raw udp $SRV4 111 2 0
}

# ---- XDR in hex, for raw calls ----

# xu32 N: an unsigned int.
xu32()
{
	printf '%08x' "$1"
}

# xstr S: a string (length, bytes, padding to 4).
xstr()
{
	_l=$(printf %s "$1" | wc -c)
	printf '%08x' "$_l"
	[ "$_l" = 0 ] || printf %s "$1" | od -An -v -tx1 | tr -d ' \n'
	case $((_l % 4)) in
	1) printf 000000 ;;
	2) printf 0000 ;;
	3) printf 00 ;;
	esac
}

# xrpcb PROG VERS NETID UADDR OWNER: RPCBIND's rpcb argument.
xrpcb()
{
	xu32 "$1"
	xu32 "$2"
	xstr "$3"
	xstr "$4"
	xstr "$5"
}

# xpmap PROG VERS PROT PORT: PMAP v2's mapping argument.
xpmap()
{
	xu32 "$1"
	xu32 "$2"
	xu32 "$3"
	xu32 "$4"
}

# rawsent / rawrecv: the byte counts of the last captured raw call
# (received is 0 when it was silent).
rawsent()
{
	sed -n 's/^sent //p' "$T/out" | head -n 1
}

rawrecv()
{
	_r=$(sed -n 's/^received //p' "$T/out" | head -n 1)
	echo "${_r:-0}"
}

rawresults()
{
	_r=$(sed -n 's/^results //p' "$T/out" | head -n 1)
	echo "${_r:-0}"
}

# daemon_report: SIGUSR1 to our daemon; its status report (the lines it
# logged for that, up to the last one, "reaper: ...") in $T/report.
daemon_report()
{
	_lines=$(wc -l <"$T/daemon.err")
	kill -USR1 "$DAEMON_PID"
	wait_for 5 sh -c "tail -n +$((_lines + 1)) '$T/daemon.err' |
	    grep -q 'reaper: '"
	tail -n +$((_lines + 1)) "$T/daemon.err" >"$T/report"
}

# report_num ERE: the number after ERE in the last report ("" if none).
report_num()
{
	sed -n "s/.*$1 \([0-9][0-9]*\).*/\1/p" "$T/report" | head -n 1
}
