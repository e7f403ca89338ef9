#!/bin/sh
# tirpc_options.sh - who may register, and on which addresses we answer,
# with the options rpcbind has too: the default (SET/UNSET only from
# loopback), -i (from anywhere), -h ADDR (UDP on ADDR and the loopbacks).
# The test namespace gets a veth pair: v0 10.9.9.1 fd00:9::1 and
# v1 10.9.9.2 fd00:9::2, all local, none loopback.
#
#	PMAP_DAEMON=rpcbind sh tests/integration/tirpc_options.sh
#	sh tests/integration/tirpc_options.sh

. "$(dirname "$0")/lib.sh"

need_progs
if ! add_veth_addresses || ! ip addr add 10.9.9.2/24 dev v1 ||
    ! ip -6 addr add fd00:9::2/64 dev v1 nodad; then
	not_ok "veth pair with 10.9.9.1/2 and fd00:9::1/2"
	done_testing
fi
PROG2=536871064
export TC_TIMEOUT=3

netid_of()
{
	case "$1" in
	*:*) echo udp6 ;;
	*) echo udp ;;
	esac
}

# ---- default: SET and UNSET only from loopback ----

start_daemon || done_testing
for h in 10.9.9.1 fd00:9::1; do
	n=$(netid_of $h)
	for v in 3 4; do
		tc proc $h "$n" $v set $PROG2 $v "$n" 0.0.0.0.40.$v
		expect_err "default: v$v SET from $h refused, AUTH_TOOWEAK" \
		    'Client credential too weak'
	done
	tc proc $h "$n" 2 set $PROG2 2 udp 10242
	expect_err "default: v2 SET from $h refused, AUTH_TOOWEAK" \
	    'Client credential too weak'
	tc proc $h "$n" 4 unset 100000 4 ""
	expect_err "default: v4 UNSET of 100000 from $h refused" \
	    'Client credential too weak'
	tc proc $h "$n" 2 unset 100000 2
	expect_err "default: v2 UNSET of 100000 from $h refused" \
	    'Client credential too weak'
done
tc getmaps 127.0.0.1 udp
expect_not "default: nothing registered from outside" "^$PROG2 "
for v in 2 3 4; do
	expect "default: 100000 v$v udp is still there" "^100000 $v udp "
done
for h in 127.0.0.1 ::1; do
	n=$(netid_of $h)
	tc proc $h "$n" 4 set $PROG2 9 "$n" "$h.40.9"
	expect_eq "default: v4 SET from $h accepted" true
	tc proc $h "$n" 4 unset $PROG2 9 "$n"
	expect_eq "default: v4 UNSET from $h accepted" true
done

# Replies leave from the address the request was sent to, even when the
# route back to the client would pick another source: a client with a
# connected UDP socket (bound to loopback, connected to v1's address)
# only accepts a reply from there.
for pair in "127.0.0.1 10.9.9.2" "::1 fd00:9::2" "127.0.0.1 10.9.9.1"; do
	# shellcheck disable=SC2086
	set -- $pair
	capture python3 - "$1" "$2" "$DAEMON_PORT" <<'EOF'
import socket, struct, sys
src, dst, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((src, 0))
s.connect((dst, port))
s.settimeout(3)
s.send(struct.pack(">10I", 0x5151, 0, 2, 100000, 2, 0, 0, 0, 0, 0))
r = s.recv(9000)
xid, mtype, stat = struct.unpack(">3I", r[:12])
print("reply" if xid == 0x5151 and mtype == 1 and stat == 0 else "bad")
EOF
	expect_eq "UDP NULL from $1 to $2: the reply comes from $2" reply
done
stop_daemon

# ---- -i: from anywhere ----

start_daemon -i || done_testing
for h in 10.9.9.1 fd00:9::1; do
	n=$(netid_of $h)
	tc proc $h "$n" 4 set $PROG2 4 "$n" "$h.40.4"
	expect_eq "-i: v4 SET from $h accepted" true
	tc proc $h "$n" 2 set $PROG2 2 udp 10242
	expect_eq "-i: v2 SET from $h accepted" true
	tc getmaps 127.0.0.1 tcp
	expect "-i: the v4 entry from $h is owned by unknown" \
	    "^$PROG2 4 $n $(echo "$h" | sed 's/\./\\./g')\\.40\\.4 unknown\$"
	tc proc $h "$n" 4 unset $PROG2 4 ""
	expect_eq "-i: v4 UNSET from $h accepted" true
	tc proc $h "$n" 2 unset $PROG2 2
	expect_eq "-i: v2 UNSET from $h accepted" true
	tc getmaps 127.0.0.1 tcp
	expect_not "-i: nothing of $PROG2 left" "^$PROG2 "
done
stop_daemon

# ---- -h: UDP on that address and the loopbacks only ----

start_daemon -h 10.9.9.1 || done_testing
for h in 10.9.9.1 127.0.0.1 ::1; do
	n=$(netid_of $h)
	tc proc $h "$n" 2 null
	expect_eq "-h 10.9.9.1: UDP NULL via $h answered" ok
done
for h in 10.9.9.2 fd00:9::1 fd00:9::2; do
	n=$(netid_of $h)
	tc proc $h "$n" 2 null
	if [ "$RC" = 2 ] && [ ! -s "$T/out" ]; then
		ok "-h 10.9.9.1: UDP NULL via $h not answered"
	else
		not_ok "-h 10.9.9.1: UDP NULL via $h not answered"
		diag_last
	fi
done
if start_server s1 -m create -n udp -V 1; then
	tc getaddr 10.9.9.1 udp 536871065 1
	p=$(uaddr_port "$(bound s1 udp)")
	expect_eq "-h 10.9.9.1: rpcb_getaddr via 10.9.9.1 merged with it" \
	    "10.9.9.1.$((p / 256)).$((p % 256))"
	tc echo 10.9.9.1 udp 536871065 1 via-h
	expect_eq "-h 10.9.9.1: server found and called via 10.9.9.1" via-h
	stop_pid "$SERVER_PID" TERM 5
fi
diag "not compared: TCP with -h (rpcbind keeps TCP on the wildcard" \
    "addresses, portmap binds TCP to the -h addresses too)"
stop_daemon
done_testing
