#!/bin/sh
# tirpc.sh - real libtirpc clients and servers against the port mapper.
#
# Clients: clnt_create + NULL, rpcb_getaddr, pmap_getport, rpcb_getmaps,
# pmap_getmaps, rpcb_gettime.  Servers: svc_create, svc_tli_create+svc_reg
# and svc_register register (through /run/rpcbind.sock), are found, can be
# called through the address looked up, and are gone after SIGTERM.  Then,
# with the AF_LOCAL socket gone, servers register through the TCP fallback.
#
#	PMAP_DAEMON=rpcbind sh tests/integration/tirpc.sh	# the oracle
#	sh tests/integration/tirpc.sh				# ours

. "$(dirname "$0")/lib.sh"

need_progs
if add_veth_addresses; then
	HAVE_VETH=1
else
	HAVE_VETH=""
	diag "no veth: address merging checks skipped"
fi
start_daemon || done_testing

PROG=536871065		# 0x20000099, tirpc_server's default
PROG2=536871064		# 0x20000098, registered by hand
P1=$((DAEMON_PORT / 256))
P2=$((DAEMON_PORT % 256))

host_of()
{
	case "$1" in
	*6) echo ::1 ;;
	*) echo 127.0.0.1 ;;
	esac
}

# merged HOST UADDR: the address a client reaching us at HOST should get
# for a service registered at UADDR (its port, our address HOST).
merged()
{
	_port=$(uaddr_port "$2")
	echo "$1.$((_port / 256)).$((_port % 256))"
}

# stat_sets V: the successful SET count of version V in GETSTAT.
stat_sets()
{
	# shellcheck disable=SC2086
	run_to "$STEP_TIMEOUT" $TC_ENV "$TC" proc 127.0.0.1 udp 4 getstat |
	    sed -n "s/^stat v$1 info.* set \([0-9]*\) unset.*/\1/p"
}

# stat_grew DESC BEFORE V OTHER_BEFORE OTHER_V: SETs of version V grew by
# one, those of OTHER_V did not.
stat_grew()
{
	_a=$(stat_sets "$3")
	_o=$(stat_sets "$5")
	if [ -n "$2" ] && [ -n "$_a" ] && [ "$_a" = $(($2 + 1)) ] &&
	    [ "$_o" = "$4" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "v$3 sets $2 -> $_a, v$5 sets $4 -> $_o"
	fi
}

# ---- the port mapper's own registrations ----

for n in udp tcp udp6 tcp6; do
	for v in 2 3 4; do
		tc null "$(host_of $n)" $n 100000 $v
		expect_eq "clnt_create + NULL to 100000 v$v over $n" ok
	done
done

tc null 127.0.0.1 udp 100000 5
expect_err "100000 v5 over udp: version mismatch, low 2 high 4" \
    'low version = 2, high version = 4'
tc null ::1 tcp6 100000 1
expect_err "100000 v1 over tcp6: version mismatch, low 2 high 4" \
    'low version = 2, high version = 4'

for n in udp tcp udp6 tcp6; do
	for v in 2 3 4; do
		tc getaddr "$(host_of $n)" $n 100000 $v
		expect_eq "rpcb_getaddr 100000 v$v over $n" \
		    "$(host_of $n).$P1.$P2"
	done
done
for v in 3 4; do
	tc getaddr "$DAEMON_SOCK" local 100000 $v
	expect_eq "rpcb_getaddr 100000 v$v over local" "$DAEMON_SOCK"
done

if [ -n "$HAVE_VETH" ]; then
	tc getaddr 10.9.9.1 udp 100000 4
	expect_eq "rpcb_getaddr via 10.9.9.1: merged with that address" \
	    "10.9.9.1.$P1.$P2"
	tc getaddr fd00:9::1 tcp6 100000 4
	expect_eq "rpcb_getaddr via fd00:9::1: merged with that address" \
	    "fd00:9::1.$P1.$P2"
fi

for p in udp tcp; do
	for v in 2 3 4; do
		tc getport 127.0.0.1 100000 $v $p
		expect_eq "pmap_getport 100000 v$v $p" "$DAEMON_PORT"
	done
done
tc getport 127.0.0.1 $PROG 1 udp
expect_is "pmap_getport of an unregistered program: 0" 0
expect_rc "pmap_getport of an unregistered program: not found" 1

for via in udp tcp6 local; do
	host=$(host_of $via)
	[ $via = local ] && host=$DAEMON_SOCK
	tc getmaps "$host" $via
	for n in udp tcp udp6 tcp6; do
		for v in 3 4; do
			expect "rpcb_getmaps over $via lists 100000 v$v $n port 111 superuser" \
			    "^100000 $v $n [0-9a-f:.]+\.$P1\.$P2 superuser\$"
		done
	done
	for n in udp tcp; do
		expect "rpcb_getmaps over $via lists 100000 v2 $n port 111 superuser" \
		    "^100000 2 $n [0-9.]+\.$P1\.$P2 superuser\$"
	done
	for v in 3 4; do
		expect "rpcb_getmaps over $via lists 100000 v$v local $DAEMON_SOCK" \
		    "^100000 $v local $DAEMON_SOCK superuser\$"
	done
	expect_not "rpcb_getmaps over $via: no IPv4 address on an IPv6 netid" \
	    '^[0-9]+ [0-9]+ (udp6|tcp6) [0-9]+\.[0-9]+\.[0-9]+\.[0-9]+\.'
done

tc pmapdump 127.0.0.1
for v in 2 3 4; do
	expect "pmap_getmaps lists 100000 v$v udp $DAEMON_PORT" \
	    "^100000 $v 17 $DAEMON_PORT\$"
	expect "pmap_getmaps lists 100000 v$v tcp $DAEMON_PORT" \
	    "^100000 $v 6 $DAEMON_PORT\$"
done
expect_not "pmap_getmaps: only protocols 6 and 17" '^[0-9]+ [0-9]+ (0|[0-57-9]|1[0-68-9]|[2-9][0-9]+) '

for h in 127.0.0.1 ::1; do
	before=$(date +%s)
	tc gettime $h
	after=$(date +%s)
	t=$(out)
	if [ "$RC" = 0 ] && [ "$t" -ge $((before - 2)) ] 2>/dev/null &&
	    [ "$t" -le $((after + 2)) ]; then
		ok "rpcb_gettime via $h is the current time ($t)"
	else
		not_ok "rpcb_gettime via $h is the current time ($t, now $after)"
		diag_last
	fi
done

# ---- a server registered with svc_create, over /run/rpcbind.sock ----

# found_everywhere NAME VERS...: server NAME is found and callable on every
# netid it listens on.
found_everywhere()
{
	_srv=$1
	shift
	for _n in udp tcp udp6 tcp6; do
		_b=$(bound "$_srv" $_n)
		[ -n "$_b" ] || continue
		_h=$(host_of $_n)
		for _v in "$@"; do
			tc getaddr "$_h" $_n $PROG "$_v"
			expect_eq "$_srv: rpcb_getaddr $PROG v$_v over $_n = its port at $_h" \
			    "$(merged "$_h" "$_b")"
			_ua=$(out)
			tc echoaddr $_n "$_ua" $PROG "$_v" "hi-$_n-$_v"
			expect_eq "$_srv: echo through the looked-up $_n address v$_v" \
			    "hi-$_n-$_v"
			tc vers "$_h" $_n $PROG "$_v"
			expect_eq "$_srv: clnt_create $_n v$_v reaches version $_v" \
			    "$_v"
		done
	done
}

# gone NAME VERS...: nothing of PROG is left for those versions.
gone()
{
	_srv=$1
	shift
	for _n in udp tcp udp6 tcp6; do
		_h=$(host_of $_n)
		for _v in "$@"; do
			tc getaddr "$_h" $_n $PROG "$_v"
			expect_rc "$_srv gone: rpcb_getaddr $PROG v$_v over $_n not found" 1
		done
	done
	for _v in "$@"; do
		tc getport 127.0.0.1 $PROG "$_v" udp
		expect_is "$_srv gone: pmap_getport $PROG v$_v udp is 0" 0
	done
	tc getmaps 127.0.0.1 tcp
	expect_not "$_srv gone: rpcb_getmaps has no $PROG" "^$PROG "
	capture "$RPCINFO" -p 127.0.0.1
	expect_not "$_srv gone: rpcinfo -p has no $PROG" "^ *$PROG "
}

if start_server s1 -m create; then
	found_everywhere s1 1 2
	for p in udp tcp; do
		b=$(bound s1 $p)
		tc getport 127.0.0.1 $PROG 2 $p
		expect_eq "s1: pmap_getport $PROG v2 $p" "$(uaddr_port "$b")"
		capture "$RPCINFO" -p 127.0.0.1
		expect "s1: rpcinfo -p lists $PROG v2 $p" \
		    "^ *$PROG +2 +$p +$(uaddr_port "$b")( |\$)"
		tc pmapdump 127.0.0.1
		pn=17
		[ $p = tcp ] && pn=6
		expect "s1: pmap_getmaps lists $PROG v1 $p" \
		    "^$PROG 1 $pn $(uaddr_port "$b")\$"
	done
	tc getmaps 127.0.0.1 udp
	for n in udp tcp udp6 tcp6; do
		for v in 1 2; do
			expect "s1: rpcb_getmaps lists $PROG v$v $n at its address, owner superuser" \
			    "^$PROG $v $n $(bound s1 $n | sed 's/\./\\./g') superuser\$"
		done
	done
	if [ -n "$HAVE_VETH" ]; then
		tc getaddr 10.9.9.1 udp $PROG 1
		expect_eq "s1: rpcb_getaddr via 10.9.9.1 merged with that address" \
		    "$(merged 10.9.9.1 "$(bound s1 udp)")"
		tc echo 10.9.9.1 udp $PROG 1 merged
		expect_eq "s1: echo through the merged address" merged
	fi
	# Version fallback: v3 is not registered, GETADDR answers with v1/v2's
	# address and the server itself says which versions it has.
	tc null 127.0.0.1 udp $PROG 3
	expect_err "s1: v3 is found by version fallback, server says 1..2" \
	    'low version = 1, high version = 2'
	tc null ::1 tcp6 $PROG 3
	expect_err "s1: v3 over tcp6 by version fallback, server says 1..2" \
	    'low version = 1, high version = 2'

	stop_pid "$SERVER_PID" TERM 5
	if [ "$STOPPED_STATUS" = 0 ] && grep -q '^bye$' "$T/s1.out"; then
		ok "s1: exits after svc_unreg on SIGTERM"
	else
		not_ok "s1: exits after svc_unreg on SIGTERM ($STOPPED_STATUS)"
		diag_file "$T/s1.err"
	fi
	gone s1 1 2
fi

# ---- svc_tli_create + svc_reg; SIGKILL leaves the entries ----

if start_server s2 -m tli -n udp,tcp6 -V 1; then
	found_everywhere s2 1
	stop_pid "$SERVER_PID" KILL 5
	b=$(bound s2 udp)
	tc getaddr 127.0.0.1 udp $PROG 1
	expect_eq "s2 killed: its udp entry stays" "$(merged 127.0.0.1 "$b")"
	tc unset $PROG 1
	expect_eq "s2 killed: rpcb_unset $PROG v1 (all netids) by root" true
	gone s2 1
fi

# ---- svc_register (the old API, through pmap_set) ----

if start_server s3 -m pmap -V 3; then
	for p in udp tcp; do
		b=$(bound s3 $p)
		tc getport 127.0.0.1 $PROG 3 $p
		expect_eq "s3: pmap_getport $PROG v3 $p" "$(uaddr_port "$b")"
		tc echo 127.0.0.1 $p $PROG 3 "old-$p"
		expect_eq "s3: echo over $p" "old-$p"
	done
	tc getmaps 127.0.0.1 udp
	expect "s3: pmap_set entry shows as 0.0.0.0.p1.p2 in rpcb_getmaps" \
	    "^$PROG 3 udp 0\.0\.0\.0\.[0-9]+\.[0-9]+ superuser\$"
	expect_not "s3: pmap_set registers no udp6" "^$PROG 3 udp6 "
	stop_pid "$SERVER_PID" TERM 5
	if [ "$STOPPED_STATUS" = 0 ]; then
		ok "s3: exits on SIGTERM"
	else
		not_ok "s3: exits on SIGTERM ($STOPPED_STATUS)"
	fi
	gone s3 3
fi

# ---- rpcb_set / rpcb_unset / pmap_set / pmap_unset by hand ----

s3=$(stat_sets 3)
s4=$(stat_sets 4)
tc set $PROG2 1 udp 0.0.0.0.3.232
expect_eq "rpcb_set $PROG2 v1 udp 0.0.0.0.3.232" true
stat_grew "rpcb_set over AF_LOCAL is a v3 SET (GETSTAT)" "$s3" 3 "$s4" 4
tc getport 127.0.0.1 $PROG2 1 udp
expect_eq "rpcb_set entry: pmap_getport gives 1000" 1000
tc set $PROG2 1 udp 0.0.0.0.3.232
expect_eq "rpcb_set again with the same address: TRUE" true
tc set $PROG2 1 udp 0.0.0.0.3.233
expect_is "rpcb_set with another address: FALSE" false
tc getport 127.0.0.1 $PROG2 1 udp
expect_eq "rpcb_set refused: the first address stays" 1000
tc set $PROG2 1 tcp6 ::.3.234
expect_eq "rpcb_set $PROG2 v1 tcp6 ::.3.234" true
tc getaddr ::1 tcp6 $PROG2 1
expect_eq "rpcb_getaddr $PROG2 v1 tcp6: port 1002 at ::1" "::1.3.234"
tc unset $PROG2 1 udp
expect_eq "rpcb_unset $PROG2 v1 udp" true
tc getport 127.0.0.1 $PROG2 1 udp
expect_is "rpcb_unset udp: pmap_getport gives 0" 0
tc getaddr ::1 tcp6 $PROG2 1
expect_eq "rpcb_unset udp: tcp6 entry stays" "::1.3.234"
tc unset $PROG2 1
expect_eq "rpcb_unset $PROG2 v1 all netids" true
tc getaddr ::1 tcp6 $PROG2 1
expect_rc "rpcb_unset all: tcp6 entry gone" 1

tc pmapset $PROG2 2 udp 1003
expect_eq "pmap_set $PROG2 v2 udp 1003" true
tc pmapset $PROG2 2 tcp 1004
expect_eq "pmap_set $PROG2 v2 tcp 1004" true
tc pmapdump 127.0.0.1
expect "pmap_set: pmap_getmaps lists udp 1003" "^$PROG2 2 17 1003\$"
expect "pmap_set: pmap_getmaps lists tcp 1004" "^$PROG2 2 6 1004\$"
tc getmaps 127.0.0.1 udp
expect "pmap_set: rpcb_getmaps lists udp 0.0.0.0.3.235" \
    "^$PROG2 2 udp 0\.0\.0\.0\.3\.235 superuser\$"
tc pmapunset $PROG2 2
expect_eq "pmap_unset $PROG2 v2" true
tc pmapdump 127.0.0.1
expect_not "pmap_unset: udp and tcp both gone" "^$PROG2 "

# ---- owners: who registered, who may unregister ----

AS_NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
# nobody ARGS...: the client as uid 65534.
nobody()
{
	# shellcheck disable=SC2086
	capture $AS_NOBODY $TC_ENV "$TC" "$@"
}

nobody set $PROG2 11 udp 0.0.0.0.40.11
expect_eq "uid 65534 over AF_LOCAL: rpcb_set of an unprivileged port" true
tc set $PROG2 12 udp 0.0.0.0.40.12
expect_eq "root: rpcb_set $PROG2 v12" true
tc proc 127.0.0.1 tcp 4 set $PROG2 13 udp 0.0.0.0.40.13
expect_eq "root over TCP from a reserved port: v4 SET" true
nobody proc 127.0.0.1 udp 4 set $PROG2 14 udp 0.0.0.0.40.14
expect_eq "uid 65534 over UDP from an unprivileged port: v4 SET" true
tc getmaps 127.0.0.1 udp
expect "owner of a SET over AF_LOCAL by uid 65534 is 65534" \
    "^$PROG2 11 udp 0\.0\.0\.0\.40\.11 65534\$"
expect "owner of a SET over AF_LOCAL by root is superuser" \
    "^$PROG2 12 udp 0\.0\.0\.0\.40\.12 superuser\$"
expect "owner of a SET over TCP from a reserved port is superuser" \
    "^$PROG2 13 udp 0\.0\.0\.0\.40\.13 superuser\$"
expect "owner of a SET over UDP from an unprivileged port is unknown" \
    "^$PROG2 14 udp 0\.0\.0\.0\.40\.14 unknown\$"
nobody unset $PROG2 12
expect_is "uid 65534 cannot rpcb_unset root's entry" false
tc proc 127.0.0.1 udp 4 getversaddr $PROG2 12 udp
expect_eq "root's entry stays" 127.0.0.1.40.12
nobody unset $PROG2 11
expect_eq "uid 65534 can rpcb_unset its own entry" true
tc getmaps 127.0.0.1 udp
expect_not "its entry is gone" "^$PROG2 11 "
for v in 12 13 14; do
	tc unset $PROG2 $v
	expect_eq "root can rpcb_unset $PROG2 v$v (owner whoever)" true
done
tc getmaps 127.0.0.1 udp
expect_not "all of $PROG2 gone" "^$PROG2 "

# A server run by an ordinary user registers as that user and unregisters
# when it ends.
# shellcheck disable=SC2086
spawn s7 $AS_NOBODY $TC_ENV "$TS" -m create -n udp -V 7
SERVER_PID=$SPAWNED
if wait_line 10 "$T/s7.out" '^ready$'; then
	ok "tirpc_server as uid 65534 registered"
	tc getmaps 127.0.0.1 tcp
	expect "uid 65534's server: owner 65534" \
	    "^$PROG 7 udp $(bound s7 udp | sed 's/\./\\./g') 65534\$"
	tc echo 127.0.0.1 udp $PROG 7 user
	expect_eq "uid 65534's server: found and callable" user
	stop_pid "$SERVER_PID" TERM 5
	gone s7 7
else
	not_ok "tirpc_server as uid 65534 registered"
	diag_file "$T/s7.err"
fi

# ---- a restart of the port mapper keeps the registrations ----

# rpcbind -w writes its table when it ends and reads it when it starts;
# a server registered before the restart is still found after it.
if start_server s6 -m create -n udp -V 1; then
	b=$(bound s6 udp)
	tc set $PROG2 6 tcp 0.0.0.0.3.237
	expect_eq "before restart: rpcb_set $PROG2 v6 tcp" true
	if restart_daemon; then
		tc getaddr 127.0.0.1 udp $PROG 1
		expect_eq "after restart: s6 found at its udp address" \
		    "$(merged 127.0.0.1 "$b")"
		tc getaddr ::1 udp6 $PROG 1
		expect_eq "after restart: s6 found at its udp6 address" \
		    "$(merged ::1 "$(bound s6 udp6)")"
		tc echo 127.0.0.1 udp $PROG 1 again
		expect_eq "after restart: s6 callable through the lookup" again
		tc getmaps 127.0.0.1 udp
		expect "after restart: s6 still owned by superuser" \
		    "^$PROG 1 udp $(echo "$b" | sed 's/\./\\./g') superuser\$"
		tc unset $PROG2 6
		expect_eq "after restart: rpcb_unset $PROG2 v6" true
		for v in 2 3 4; do
			tc null 127.0.0.1 udp 100000 $v
			expect_eq "after restart: 100000 v$v answers" ok
		done
		capture "$RPCINFO" -s
		expect "after restart: the port mapper's own row is there once" \
		    '^    100000  [234],[234],[234] +'
	fi
	stop_pid "$SERVER_PID" TERM 5
	gone s6 1
fi

# ---- no AF_LOCAL socket: registration falls back to TCP ----

rm -f "$DAEMON_SOCK"
if start_server s4 -m create -n udp -V 4; then
	tc getmaps 127.0.0.1 tcp
	expect "s4 via TCP fallback: rpcb_getmaps lists $PROG v4 udp" \
	    "^$PROG 4 udp $(bound s4 udp | sed 's/\./\\./g') superuser\$"
	expect "s4 via TCP fallback: rpcb_getmaps lists $PROG v4 udp6" \
	    "^$PROG 4 udp6 $(bound s4 udp6 | sed 's/\./\\./g') superuser\$"
	found_everywhere s4 4
	stop_pid "$SERVER_PID" TERM 5
	if [ "$STOPPED_STATUS" = 0 ]; then
		ok "s4: exits on SIGTERM"
	else
		not_ok "s4: exits on SIGTERM ($STOPPED_STATUS)"
	fi
	gone s4 4
fi

s3=$(stat_sets 3)
s4=$(stat_sets 4)
tc set $PROG2 5 udp 0.0.0.0.3.236
expect_eq "no AF_LOCAL socket: rpcb_set over TCP fallback" true
stat_grew "no AF_LOCAL socket: rpcb_set is a v4 SET (GETSTAT)" "$s4" 4 "$s3" 3
tc getport 127.0.0.1 $PROG2 5 udp
expect_eq "no AF_LOCAL socket: the entry is there" 1004
tc unset $PROG2 5
expect_eq "no AF_LOCAL socket: rpcb_unset over TCP fallback" true

stop_daemon

# ---- ours only: -S puts the AF_LOCAL socket elsewhere ----

if [ "$PMAP_DAEMON" = ours ]; then
	if start_daemon -S /run/other.sock; then
		check "-S /run/other.sock: the socket is there" \
		    test -S /run/other.sock
		check "-S /run/other.sock: /run/rpcbind.sock is not" \
		    test ! -e /run/rpcbind.sock
		tc proc /run/other.sock local 4 null
		expect_eq "-S: NULL v4 over /run/other.sock" ok
		tc proc /run/other.sock local 4 getaddr 100000 4 local
		expect_eq "-S: GETADDR over /run/other.sock lists it" \
		    /run/other.sock
		if start_server s5 -m create -n tcp -V 1; then
			found_everywhere s5 1
			stop_pid "$SERVER_PID" TERM 5
			gone s5 1
		fi
		stop_daemon
	fi
else
	diag "-S checks skipped: $PMAP_DAEMON has no -S"
fi

done_testing
