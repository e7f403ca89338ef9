#!/bin/sh
# boot_activate.sh - socket activation with systemd's own
# systemd-socket-activate, for several listen sets: rpcbind.socket's
# (IPv6-only [::]:111), a dual-stack [::]:111 (ListenStream=111 without
# BindIPv6Only=), a partial set the daemon completes, and a socket that is
# not ours.  Each time: the daemon serves on every passed fd (Debian's
# rpcinfo over udp, tcp, udp6, tcp6 and local, a NULL call on the abstract
# name) and creates no duplicate socket.
#
# systemd-socket-activate opens the sockets and execs the daemon on the
# first connection attempt; --datagram applies to all its -l sockets, so
# datagram and stream sockets come from two chained instances (the inner
# one passes on what it received).

. "$(dirname "$0")/lib.sh"

SA=$(command -v systemd-socket-activate)
HELPER="python3 $TOP/tests/integration/boot_helper.py"
if [ -z "$SA" ]; then
	not_ok "systemd-socket-activate installed (Debian's systemd package)"
	done_testing
fi
need_progs

# port_hex: 111 as /proc/net shows it.
PORT_HEX=006F

# listeners PROTO [PORTHEX]: sockets in /proc/net/PROTO bound to the port
# (TCP: listening ones only).
listeners()
{
	awk -v p=":${2:-$PORT_HEX}" -v tcp="$(case $1 in tcp*) echo 1;; esac)" \
	    'NR > 1 && substr($2, length($2) - 4) == p &&
	    (tcp == "" || $4 == "0A") { n++ } END { print n + 0 }' \
	    "/proc/net/$1"
}

# inode_of PROTO: the inode of the socket on port 111 in /proc/net/PROTO.
inode_of()
{
	awk -v p=":$PORT_HEX" 'NR > 1 && substr($2, length($2) - 4) == p {
	    print $10; exit }' "/proc/net/$1"
}

# sockets_of PID: how many of its fds are sockets.
sockets_of()
{
	ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'socket:\['
}

# fd_inode PID FD: the socket inode behind an fd.
fd_inode()
{
	readlink "/proc/$1/fd/$2" 2>/dev/null | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p'
}

# activate NAME "DGRAM ADDRS" "STREAM ADDRS" TRIGGER: start the daemon
# under systemd-socket-activate, make the first connection (TRIGGER, a
# boot_helper ping SPEC) and wait until the process is the daemon and
# answers.  PID in $APID.
activate()
{
	_name=$1
	_cmd=""
	if [ -n "$2" ]; then
		_cmd="$SA --datagram"
		for _a in $2; do _cmd="$_cmd -l $_a"; done
		_cmd="$_cmd --"
	fi
	if [ -n "$3" ]; then
		_cmd="$_cmd $SA"
		for _a in $3; do _cmd="$_cmd -l $_a"; done
		_cmd="$_cmd --"
	fi
	# shellcheck disable=SC2086
	spawn "$_name" $_cmd "$PORTMAP" -f -d
	APID=$SPAWNED
	DAEMON_PID=$APID
	# systemd-socket-activate opens the sockets first
	wait_line 10 "$T/$_name.err" 'Listening on' || true
	run_to 5 $HELPER ping "$4" >/dev/null 2>&1 &
	_ping=$!
	if wait_for 10 sh -c "[ \"\$(cat /proc/$APID/comm)\" = portmap ]" &&
	    wait_line 10 "$T/$_name.err" 'portmap: started'; then
		ok "$_name: activated on the first connection ($4)"
	else
		not_ok "$_name: activated on the first connection ($4)"
		diag_file "$T/$_name.err"
		wait "$_ping"
		return 1
	fi
	wait "$_ping"
	return 0
}

# serves NAME TRANSPORTS: Debian's rpcinfo gets an answer over each
# transport, and a NULL call on the abstract name does too.
serves()
{
	for _t in $2; do
		case $_t in
		udp|tcp) capture "$RPCINFO" -T "$_t" 127.0.0.1 100000 4 ;;
		udp6|tcp6) capture "$RPCINFO" -T "$_t" ::1 100000 4 ;;
		local) capture "$RPCINFO" -T local /run/rpcbind.sock 100000 4 ;;
		esac
		expect "$1: rpcinfo -T $_t 100000 4 answered" 'ready and waiting'
	done
	capture $HELPER ping unix:@/run/rpcbind.sock
	expect "$1: NULL call on @/run/rpcbind.sock answered" ' ok$'
}

# stop_activated NAME: SIGTERM, clean exit.
stop_activated()
{
	stop_pid "$APID" TERM 5
	if [ "$STOPPED_STATUS" = 0 ]; then
		ok "$1: exits with status 0 on SIGTERM"
	else
		not_ok "$1: exits with status 0 on SIGTERM (got $STOPPED_STATUS)"
		diag_file "$T/$1.err"
	fi
	if grep -Eq 'Sanitizer|runtime error:' "$T/$1.err"; then
		not_ok "$1: no sanitizer report"
		diag_file "$T/$1.err" 60
	fi
	DAEMON_PID=""
}

# count_is DESC GOT WANT
count_is()
{
	if [ "$2" = "$3" ]; then ok "$1 ($2)"; else not_ok "$1: got $2, wanted $3"; fi
}

# ---- 1. rpcbind.socket's set: IPv6-only [::]:111 ----

sysctl -qw net.ipv6.bindv6only=1 ||
    diag "cannot set net.ipv6.bindv6only in this namespace"
N=debian
if activate $N "0.0.0.0:111 [::]:111" \
    "0.0.0.0:111 [::]:111 /run/rpcbind.sock @/run/rpcbind.sock" \
    udp:127.0.0.1:111; then
	serves $N "udp tcp udp6 tcp6 local"
	count_is "$N: 6 sockets passed, all taken" \
	    "$(grep -c 'passed by the service manager$' "$T/$N.err")" 6
	count_is "$N: the daemon holds 6 sockets, no more" "$(sockets_of $APID)" 6
	_m=""
	for _fd in 3 4 5 6 7 8; do
		[ -n "$(fd_inode $APID $_fd)" ] || _m="$_m $_fd"
	done
	count_is "$N: fds 3-8 (the passed ones) are still open sockets" \
	    "${_m:-none missing}" "none missing"
	count_is "$N: one UDP socket on 0.0.0.0:111" "$(listeners udp)" 1
	count_is "$N: one UDP socket on [::]:111" "$(listeners udp6)" 1
	count_is "$N: one TCP listener on 0.0.0.0:111" "$(listeners tcp)" 1
	count_is "$N: one TCP listener on [::]:111" "$(listeners tcp6)" 1
	capture "$RPCINFO" -p 127.0.0.1
	expect "$N: rpcinfo -p lists 100000 v2 on udp 111" \
	    '^ +100000 +2 +udp +111'
	stop_activated $N
	if [ -S /run/rpcbind.sock ]; then
		ok "$N: the service manager's socket file is left in place at exit"
	else
		not_ok "$N: the service manager's socket file is left in place at exit"
	fi
fi
rm -f /run/rpcbind.sock

# ---- 2. dual-stack: ListenStream=111 without BindIPv6Only= ----

sysctl -qw net.ipv6.bindv6only=0
HAVE_VETH=""
add_veth_addresses && HAVE_VETH=1
N=dualstack
if activate $N "111" "111 /run/rpcbind.sock" udp:127.0.0.1:111; then
	serves $N "udp tcp udp6 tcp6 local"
	count_is "$N: 3 sockets passed, all taken" \
	    "$(grep -c 'passed by the service manager' "$T/$N.err")" 3
	count_is "$N: dual-stack sockets recognised" \
	    "$(grep -c 'dual-stack: IPv4 too' "$T/$N.err")" 2
	count_is "$N: the daemon holds 4 sockets (the abstract one is its own)" \
	    "$(sockets_of $APID)" 4
	count_is "$N: no IPv4 UDP socket created next to the dual-stack one" \
	    "$(listeners udp)" 0
	count_is "$N: no IPv4 TCP listener created next to the dual-stack one" \
	    "$(listeners tcp)" 0
	count_is "$N: one UDP socket on [::]:111" "$(listeners udp6)" 1
	count_is "$N: one TCP listener on [::]:111" "$(listeners tcp6)" 1
	capture "$RPCINFO" -p 127.0.0.1
	expect "$N: our own entries include udp 111 (v2 view)" \
	    '^ +100000 +2 +udp +111'
	expect "$N: our own entries include tcp 111 (v2 view)" \
	    '^ +100000 +2 +tcp +111'
	# IPv4 callers through the dual-stack socket are udp/tcp callers:
	# loopback, so SET is allowed; GETADDR answers for netid udp.
	tc proc 127.0.0.1 udp 2 set 536871000 1 17 4000
	expect "$N: PMAP SET from 127.0.0.1 (v4-mapped) accepted" '^true$'
	tc proc 127.0.0.1 udp 4 getaddr 536871000 1 udp
	expect "$N: GETADDR over IPv4 finds the udp registration" \
	    '127\.0\.0\.1\.15\.160'
	tc proc 127.0.0.1 tcp 4 getaddr 536871000 1 tcp
	expect_not "$N: GETADDR over IPv4 TCP does not return the udp one" \
	    '\.15\.160'
	tc proc ::1 udp6 4 getaddr 536871000 1 udp6
	expect_not "$N: GETADDR over IPv6 does not return the udp one" \
	    '\.15\.160'
	grep -q 'udp \[::ffff:127\.0\.0\.1\]' "$T/$N.err" &&
	    ok "$N: the call log names IPv4 callers on the dual-stack socket with netid udp" ||
	    not_ok "$N: the call log names IPv4 callers on the dual-stack socket with netid udp"
	if [ -n "$HAVE_VETH" ]; then
		tc proc 10.9.9.1 udp 2 set 536871001 1 17 4001
		if ! grep -qx true "$T/out"; then
			ok "$N: PMAP SET from 10.9.9.1 (not loopback) refused"
		else
			not_ok "$N: PMAP SET from 10.9.9.1 (not loopback) refused"
			diag_last
		fi
		capture "$RPCINFO" -p 127.0.0.1
		expect_not "$N: ... and not registered" '536871001'
	fi
	stop_activated $N
fi
rm -f /run/rpcbind.sock

# ---- 3. a partial set: the daemon creates the rest ----

sysctl -qw net.ipv6.bindv6only=1
N=partial
if activate $N "" "0.0.0.0:111 /run/rpcbind.sock" tcp:127.0.0.1:111; then
	serves $N "udp tcp udp6 tcp6 local"
	count_is "$N: 2 sockets passed, both taken" \
	    "$(grep -c 'passed by the service manager$' "$T/$N.err")" 2
	count_is "$N: the daemon holds 6 sockets (4 its own)" \
	    "$(sockets_of $APID)" 6
	count_is "$N: the passed TCP socket (fd 3) is the one listening on 0.0.0.0:111" \
	    "$(fd_inode $APID 3)" "$(inode_of tcp)"
	count_is "$N: one TCP listener on 0.0.0.0:111" "$(listeners tcp)" 1
	count_is "$N: UDP 0.0.0.0:111 created" "$(listeners udp)" 1
	count_is "$N: UDP [::]:111 created" "$(listeners udp6)" 1
	count_is "$N: TCP [::]:111 created" "$(listeners tcp6)" 1
	stop_activated $N
fi
rm -f /run/rpcbind.sock

# ---- 4. a socket that is not ours ----

N=foreign
if activate $N "" "0.0.0.0:111 127.0.0.1:5555 /run/rpcbind.sock" \
    tcp:127.0.0.1:111; then
	serves $N "udp tcp local"
	if grep -q 'tcp 127.0.0.1:5555: passed by the service manager but not one we serve: closed' \
	    "$T/$N.err"; then
		ok "$N: the foreign socket is logged and closed"
	else
		not_ok "$N: the foreign socket is logged and closed"
		diag_file "$T/$N.err"
	fi
	count_is "$N: nothing listens on port 5555 any more" \
	    "$(listeners tcp 15B3)" 0
	count_is "$N: the daemon holds 6 sockets" "$(sockets_of $APID)" 6
	stop_activated $N
fi

done_testing
