#!/bin/sh
# fwd_limits.sh - the bounds of forwarding (-r):
#  - a target that never answers holds its slot until --forward-timeout,
#    then the slot is free (status report), and an INDIRECT to it gets
#    SYSTEM_ERR at that time; a full table still forwards new calls;
#  - 10,000 forwarded calls leave the daemon's memory (VmRSS) flat;
#  - forwarded results obey the anti-amplification rule: a reply larger
#    than the call is not relayed to a client on another host (CALLIT
#    silent, INDIRECT SYSTEM_ERR) unless --amp-allow covers it, and is
#    relayed whole to a local client.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_remote.sh"

need_progs
remote_setup
PROG=536871065

ms()
{
	echo $(($(date +%s%N) / 1000000))
}

inflight()
{
	sed -n 's/.*forwarding: \([0-9]*\) of \([0-9]*\) slots in flight.*/\1 of \2/p' \
	    "$T/report" | head -n 1
}

start_daemon -r --forward-slots 4 --forward-timeout 1000 || done_testing
start_server s1 -m create || done_testing
UP=$(uaddr_port "$(bound s1 udp)")

# A dead target: registered, nothing listens on its port.
tc pmapset 300000 1 udp 9
[ "$RC" = 0 ] && ok "dead target 300000 registered on udp port 9" ||
    not_ok "dead target registered"

# ---- slots and the timeout ----
i=0
while [ $i -lt 4 ]; do
	capture env RMTCALL_WAIT=50 "$RMT" callit 127.0.0.1 2 5 300000 1 0
	i=$((i + 1))
done
daemon_report
[ "$(inflight)" = "4 of 4" ] && ok "4 calls to the dead target hold all 4 slots" ||
    not_ok "4 calls to the dead target hold all 4 slots (report: $(inflight))"
capture "$RMT" pmap 127.0.0.1 $PROG 1 1 squeezed
expect_line "a full table still forwards a new call (the oldest is dropped)" \
    "result squeezed"
sleep 1.5
daemon_report
[ "$(inflight)" = "0 of 4" ] && ok "after the timeout no slot is in use" ||
    not_ok "after the timeout no slot is in use (report: $(inflight))"
to=$(report_num 'timed out')
ev=$(report_num 'evicted')
if [ "${to:-0}" -ge 3 ] && [ "${ev:-0}" = 1 ]; then
	ok "status report: $to timed out, $ev evicted"
else
	not_ok "status report: 3 or more timed out, 1 evicted (got ${to:-?}, ${ev:-?})"
	diag_file "$T/report"
fi
i=0
while [ $i -lt 4 ]; do
	capture "$RMT" pmap 127.0.0.1 $PROG 1 1 "again $i"
	i=$((i + 1))
done
expect_line "freed slots serve new calls" "result again 3"
daemon_report
[ "$(report_num 'evicted')" = 1 ] && ok "no eviction once the slots were freed" ||
    not_ok "no eviction once the slots were freed"

t0=$(ms)
capture env RMTCALL_WAIT=4000 "$RMT" callit 127.0.0.1 4 10 300000 1 0
t1=$(ms)
expect_any "INDIRECT to the dead target: SYSTEM_ERR" '^accepted 5$'
if [ $((t1 - t0)) -ge 900 ] && [ $((t1 - t0)) -le 2500 ]; then
	ok "... after the 1000 ms timeout ($((t1 - t0)) ms)"
else
	not_ok "INDIRECT SYSTEM_ERR after about 1000 ms (took $((t1 - t0)) ms)"
fi

# ---- 10,000 forwarded calls, memory flat ----
stop_pid "$SERVER_PID"
stop_daemon
start_daemon -r || done_testing
start_server s2 -m create || done_testing
tc pmapset 300000 1 udp 9
rss()
{
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$DAEMON_PID/status"
}
capture "$RMT" flood 127.0.0.1 1000 32 $PROG 1 0
expect "warm-up: 1000 forwarded calls answered" '^answered 1000$'
r0=$(rss)
STEP_TIMEOUT=120
capture "$RMT" flood 127.0.0.1 10000 32 $PROG 1 0
STEP_TIMEOUT=20
expect "10,000 forwarded calls answered" '^answered 10000$'
r1=$(rss)
if [ -n "$r0" ] && [ -n "$r1" ] && [ $((r1 - r0)) -le 32 ]; then
	ok "VmRSS flat over 10,000 forwarded calls: $r0 kB before, $r1 kB after"
else
	not_ok "VmRSS flat over 10,000 forwarded calls (before ${r0:-?} kB, after ${r1:-?} kB)"
fi
daemon_report
[ "$(inflight)" = "0 of 64" ] && ok "no slot left in use after the flood" ||
    not_ok "no slot left in use after the flood ($(inflight))"
sub=$(report_num 'submitted')
[ "${sub:-0}" -ge 11000 ] && ok "status report: $sub calls forwarded" ||
    not_ok "status report: at least 11000 forwarded (${sub:-?})"

# ---- forwarded results and the amplification rule ----
cat >"$T/big.py" <<'EOF'
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
s.settimeout(0.5)
end = time.time() + 120
while time.time() < end:
    try:
        data, peer = s.recvfrom(9000)
    except socket.timeout:
        continue
    if len(data) >= 4:
        s.sendto(data[:4] + struct.pack(">IIIII", 1, 0, 0, 0, 0) +
                 struct.pack(">I", 2000) + bytes(2000), peer)
EOF
spawn big python3 "$T/big.py"
BIG=$SPAWNED
wait_for 5 test -s "$T/big.out"
BP=$(head -n 1 "$T/big.out")
tc pmapset 300200 1 udp "$BP"
[ "$RC" = 0 ] && ok "a target with 2 kB results on udp port $BP" ||
    not_ok "a target with 2 kB results registered"

capture "$RMT" callit 127.0.0.1 2 5 300200 1 1
if [ "$RC" = 0 ] && [ "$(rawrecv)" -gt 2000 ]; then
	ok "local CALLIT to it: the whole results ($(rawsent) bytes in, $(rawrecv) out)"
else
	not_ok "local CALLIT to it: the whole results"
	diag_last
fi
remote_reaches || not_ok "remote host reaches the daemon"
capture $IN_REMOTE "$RMT" callit $SRV4 2 5 300200 1 1
expect_any "remote CALLIT to it: nothing (results larger than the call)" '^silent$'
capture $IN_REMOTE "$RMT" callit $SRV4 4 10 300200 1 1
expect_any "remote INDIRECT to it: SYSTEM_ERR" '^accepted 5$'
if [ "$(rawrecv)" -le "$(rawsent)" ]; then
	ok "... no larger than the call ($(rawsent) bytes in, $(rawrecv) out)"
else
	not_ok "remote INDIRECT reply no larger than the call"
fi
daemon_report
tb=$(report_num 'too big')
[ "${tb:-0}" -ge 2 ] && ok "status report: $tb forwarded results too big" ||
    not_ok "status report: forwarded results too big counted (${tb:-?})"
stop_pid "$SERVER_PID"
stop_daemon

start_daemon -r --amp-allow 10.99.0.0/24 || done_testing
tc pmapset 300200 1 udp "$BP"
capture $IN_REMOTE "$RMT" callit $SRV4 2 5 300200 1 1
if [ "$RC" = 0 ] && [ "$(rawrecv)" -gt 2000 ]; then
	ok "--amp-allow 10.99.0.0/24: remote CALLIT gets the whole results ($(rawrecv) bytes)"
else
	not_ok "--amp-allow 10.99.0.0/24: remote CALLIT gets the whole results"
	diag_last
fi
stop_pid "$BIG"
stop_daemon
done_testing
