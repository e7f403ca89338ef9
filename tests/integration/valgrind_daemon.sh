#!/bin/sh
# valgrind_daemon.sh - our daemon under valgrind (memcheck) through a
# representative set of calls: every procedure of PMAP v2 and RPCBIND
# v3/v4 over UDP and TCP (forwarding on, to a libtirpc server), a libtirpc
# server registering through /run/rpcbind.sock and going away, Debian's
# rpcinfo and ours, record fragments, oversized and half-sent records,
# more connections than the cap, garbage and rpcbomb datagrams (pmload,
# small counts), SIGHUP and SIGUSR1, then SIGTERM: valgrind must report
# no error and no definite leak, and the daemon exit with status 0.
#
# Skipped (one "ok") when valgrind is missing or the daemon is a
# sanitizer build (memcheck cannot run those).
#
#	sh tests/integration/valgrind_daemon.sh

PMAP_VALGRIND=1
PMAP_TEST_TIMEOUT=${PMAP_TEST_TIMEOUT:-400}
export PMAP_VALGRIND PMAP_TEST_TIMEOUT
. "$(dirname "$0")/lib.sh"

if ! command -v valgrind >/dev/null 2>&1; then
	ok "valgrind: skipped, not installed"
	done_testing
fi
if sanitized_build; then
	ok "valgrind: skipped, $PORTMAP is a sanitizer build"
	done_testing
fi
PMLOAD=$BUILD/tests/progs/pmload
need_progs
[ -x "$PMLOAD" ] || { not_ok "pmload built ($PMLOAD)"; done_testing; }

# Calls are slow under valgrind: a longer RPC timeout for the client.
STEP_TIMEOUT=40
TC_ENV="$TC_ENV TC_TIMEOUT=20"
start_daemon -r -c 8 --record-timeout 2 --idle-timeout 3 --max-fragments 8 ||
    done_testing
start_server s1 -m create || done_testing
PROG=536871065
PROG2=536871064
UDP=$(bound s1 udp)
UP=$(uaddr_port "$UDP")

# ---- PMAP v2, over UDP and TCP ----
for n in udp tcp; do
	tc proc 127.0.0.1 $n 2 null
	expect "v2 NULL over $n" '^ok$'
	tc proc 127.0.0.1 $n 2 set $PROG2 2 17 4002
	expect_eq "v2 SET over $n" true
	tc proc 127.0.0.1 $n 2 getport $PROG2 2 17
	expect_eq "v2 GETPORT over $n" 4002
	tc proc 127.0.0.1 $n 2 dump
	expect "v2 DUMP over $n lists the SET" "^$PROG2 2 17 4002\$"
	tc proc 127.0.0.1 $n 2 unset $PROG2 2
	expect_eq "v2 UNSET over $n" true
done
tc proc 127.0.0.1 udp 2 callit $PROG 1 2
expect_eq "v2 CALLIT forwarded to the libtirpc server" "port $UP res 00000001"

# ---- RPCBIND v3 and v4 ----
for v in 3 4; do
	for n in udp tcp; do
		# GETADDR answers for the netid of the transport asked over
		tc proc 127.0.0.1 $n $v set $PROG2 $v $n 0.0.0.0.40.$v
		expect_eq "v$v SET over $n" true
		tc proc 127.0.0.1 $n $v getaddr $PROG2 $v $n
		expect "v$v GETADDR over $n" '\.40\.'"$v"'$'
		tc proc 127.0.0.1 $n $v dump
		expect "v$v DUMP over $n lists the SET" "^$PROG2 $v $n 0\\.0\\.0\\.0\\.40\\.$v "
		tc proc 127.0.0.1 $n $v gettime
		expect "v$v GETTIME over $n" '^[0-9]+$'
		tc proc 127.0.0.1 $n $v uaddr2taddr udp 127.0.0.1.2.3
		expect "v$v UADDR2TADDR over $n" '^len 16 '
		tc proc 127.0.0.1 $n $v taddr2uaddr udp 127.0.0.1.2.3
		expect_eq "v$v TADDR2UADDR over $n" 127.0.0.1.2.3
		tc proc 127.0.0.1 $n $v unset $PROG2 $v $n
		expect_eq "v$v UNSET over $n" true
	done
done
tc proc 127.0.0.1 udp 3 callit $PROG 2 2
expect "v3 CALLIT forwarded" '^addr .* res 00000002$'
tc proc 127.0.0.1 udp 4 bcast $PROG 1 2
expect "v4 BCAST forwarded" '^addr .* res 00000001$'
tc proc 127.0.0.1 udp 4 indirect $PROG 2 2
expect "v4 INDIRECT forwarded" '^addr .* res 00000002$'
for n in udp tcp; do
	p=$(uaddr_port "$(bound s1 $n)")
	tc proc 127.0.0.1 $n 4 getversaddr $PROG 1 $n
	expect "v4 GETVERSADDR over $n" "\\.$((p / 256))\\.$((p % 256))\$"
	tc proc 127.0.0.1 $n 4 getaddrlist $PROG 1 udp
	expect "v4 GETADDRLIST over $n" ' udp '
	tc proc 127.0.0.1 $n 4 getstat
	expect "v4 GETSTAT over $n" '^stat v4 info'
done

# ---- libtirpc clients, rpcinfo ----
tc getaddr 127.0.0.1 tcp $PROG 1
expect "libtirpc rpcb_getaddr finds the server" '\.'
tc getport 127.0.0.1 $PROG 2 udp
expect_eq "libtirpc pmap_getport finds the server" "$UP"
tc echo 127.0.0.1 udp $PROG 1 hello
expect_eq "libtirpc call through the looked-up address" hello
capture "$RPCINFO" -p 127.0.0.1
expect "Debian rpcinfo -p" "^ *$PROG +1 +udp +$UP"
capture "$RPCINFO" -m 127.0.0.1
expect "Debian rpcinfo -m (GETSTAT)" 'PORTMAP'
capture "$BUILD/rpcinfo"
expect "our rpcinfo (DUMP over the local socket)" "^ *$PROG "
capture "$BUILD/rpcinfo" -T tcp 127.0.0.1 100000 4
expect "our rpcinfo -T tcp 127.0.0.1 100000 4" 'ready and waiting'

# ---- streams: fragments, caps, deadlines, eviction ----
capture $TC_ENV "$PMLOAD" -p 111 streams -T 20 -I 3 -F 8
expect "fragments, an oversized record, too many fragments (--max-fragments 8), a half-sent record (--record-timeout 2), a silent connection (--idle-timeout 3)" \
    '^streams ok'
capture $TC_ENV "$PMLOAD" -p 111 flood -H 40 -S 8 -R 100 -u 20 -w 5000 -t 5 -W 20000 -d 60
expect "40 held and 8 stalled connections over a cap of 8: UDP and TCP answered" \
    '^flood ok'

# ---- garbage and rpcbomb datagrams ----
capture $TC_ENV "$PMLOAD" -p 111 garbage -n 300 -T 20
expect "garbage: the right error or silence for each class" '^garbage ok'
capture $TC_ENV "$PMLOAD" -p 111 bomb -n 200
expect "rpcbomb lengths: the right errors" '^bomb ok'

# ---- signals, and the server going away ----
kill -USR1 "$DAEMON_PID"
kill -HUP "$DAEMON_PID"
tc proc 127.0.0.1 udp 2 null
expect "answers after SIGUSR1 and SIGHUP" '^ok$'
stop_pid "$SERVER_PID" TERM 10
tc proc 127.0.0.1 udp 4 getaddr $PROG 1 udp
expect_is "the server's registrations are gone with it" ""

stop_daemon
done_testing
