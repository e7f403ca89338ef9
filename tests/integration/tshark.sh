#!/bin/sh
# tshark.sh - Wireshark's dissectors read what the port mapper sends.
#
# Captures port 111 on lo (inside the test's namespace) while every
# procedure of PMAP v2 and RPCBIND v3/v4 is called over udp, tcp, udp6 and
# tcp6 (plus Debian's rpcinfo and the libtirpc client API), then reads the
# capture back and asserts: each procedure that must be answered got a
# reply Wireshark matched to its call, the error replies carry what they
# should, the number of replies is at least what we sent, and no frame is
# malformed or flagged as an error.  A second, tiny capture with a
# deliberately truncated call shows that the malformed check can fail.
#
#	PMAP_DAEMON=rpcbind sh tests/integration/tshark.sh
#	sh tests/integration/tshark.sh

. "$(dirname "$0")/lib.sh"

need_progs
TSHARK=/usr/bin/tshark
if [ ! -x "$TSHARK" ]; then
	not_ok "tshark installed"
	done_testing
fi
start_daemon || done_testing
start_server s1 -m create || done_testing
PROG=536871065

# tshark_start FILE: capture port 111 on lo into FILE (2 min at most);
# returns once a probe call is seen in the file.
tshark_start()
{
	spawn tshark "$TSHARK" -n -i lo -f "port $DAEMON_PORT" -w "$1" \
	    -a duration:120
	TSHARK_PID=$SPAWNED
	if ! wait_line 10 "$T/tshark.err" "Capture started"; then
		not_ok "tshark capture started on lo"
		diag_file "$T/tshark.err"
		return 1
	fi
	_i=0
	while [ $_i -lt 50 ]; do
		run_to 3 "$RPCINFO" -u 127.0.0.1 100000 2 >/dev/null 2>&1
		[ "$(tshark_count "$1" rpc)" -gt 0 ] 2>/dev/null && break
		sleep 0.1
		_i=$((_i + 1))
	done
	if [ $_i -lt 50 ]; then
		ok "tshark capture running on lo (probe seen)"
	else
		not_ok "tshark capture running on lo (probe seen)"
		return 1
	fi
}

tshark_stop()
{
	sleep 0.3
	stop_pid "$TSHARK_PID" INT 10
}

# tshark_count FILE FILTER: frames of FILE matching the display FILTER.
tshark_count()
{
	run_to 60 "$TSHARK" -n -r "$1" -Y "$2" 2>/dev/null | wc -l
}

# at_least DESC COUNT MIN
at_least()
{
	if [ -n "$2" ] && [ "$2" -ge "$3" ] 2>/dev/null; then
		ok "$1 ($2 >= $3)"
	else
		not_ok "$1 (${2:-none} >= $3)"
	fi
}

CAP=$T/all.pcap
tshark_start "$CAP" || done_testing

# ---- every procedure over every transport ----

host_of()
{
	case "$1" in
	*6) echo ::1 ;;
	*) echo 127.0.0.1 ;;
	esac
}

# call NETID VERS PROC ARGS...: must be answered (any RPC answer).
ANSWERED=0
call()
{
	_n=$1
	shift
	tc proc "$(host_of "$_n")" "$_n" "$@"
	if [ "$RC" = 0 ] || [ "$RC" = 1 ] ||
	    grep -Eq 'Procedure unavailable|version mismatch|Remote system error' "$T/err"; then
		ANSWERED=$((ANSWERED + 1))
	else
		not_ok "answered: proc $(host_of "$_n") $_n $*"
		diag_last
	fi
}

# quiet NETID VERS PROC ARGS...: may go unanswered (forwarding is off).
quiet()
{
	_n=$1
	shift
	STEP_TIMEOUT=5
	# shellcheck disable=SC2086
	capture env TC_TIMEOUT=1 $TC_ENV "$TC" proc "$(host_of "$_n")" "$_n" "$@"
	STEP_TIMEOUT=20
}

i=0
for n in udp tcp udp6 tcp6; do
	i=$((i + 1))
	h=$(host_of $n)
	case $n in
	*6) any=:: ;;
	*) any=0.0.0.0 ;;
	esac
	sp=$(uaddr_port "$(bound s1 $n)")
	# PMAP v2
	call $n 2 null
	call $n 2 set $((300000 + i)) 1 udp $((1000 + i))
	call $n 2 getport $((300000 + i)) 1 udp
	call $n 2 getport $PROG 1 tcp
	call $n 2 dump
	call $n 2 unset $((300000 + i)) 1
	quiet $n 2 callit $PROG 1 0
	call $n 2 raw 99
	call $n 5 null
	# RPCBIND v3
	call $n 3 null
	call $n 3 set $((310000 + i)) 1 $n "$any.3.$i"
	call $n 3 getaddr $((310000 + i)) 1 $n
	call $n 3 getaddr $PROG 2 $n "$h.0.0"
	call $n 3 dump
	quiet $n 3 callit $PROG 1 0
	call $n 3 gettime
	call $n 3 uaddr2taddr $n "$h.$((sp / 256)).$((sp % 256))"
	call $n 3 taddr2uaddr $n "$h.$((sp / 256)).$((sp % 256))"
	call $n 3 unset $((310000 + i)) 1 $n
	# RPCBIND v4
	call $n 4 null
	call $n 4 set $((320000 + i)) 4 $n "$any.4.$i"
	call $n 4 getaddr $((320000 + i)) 4 $n
	call $n 4 getversaddr $PROG 1 $n
	call $n 4 getversaddr $PROG 3 $n
	call $n 4 dump
	quiet $n 4 bcast $PROG 1 0
	call $n 4 gettime
	call $n 4 uaddr2taddr $n "$h.0.111"
	call $n 4 taddr2uaddr $n "$h.0.111"
	quiet $n 4 indirect $PROG 1 0
	call $n 4 getaddrlist $PROG 1 $n
	call $n 4 getaddrlist 100000 4 $n
	call $n 4 getstat
	call $n 4 raw 13
	call $n 4 unset $((320000 + i)) 4 ""
done
diag "$ANSWERED calls answered"

# The libtirpc API and Debian's rpcinfo, as real users call them.
for n in udp tcp udp6 tcp6; do
	tc getaddr "$(host_of $n)" $n $PROG 1
	tc echo "$(host_of $n)" $n $PROG 2 hello
done
tc getport 127.0.0.1 100000 2 udp
tc pmapdump 127.0.0.1
tc getmaps ::1 tcp6
tc gettime 127.0.0.1
for a in "-p 127.0.0.1" "127.0.0.1" "::1" "-s 127.0.0.1" \
    "-l 127.0.0.1 100000 4" "-m 127.0.0.1" "-T udp6 ::1 100000" \
    "-t 127.0.0.1 $PROG"; do
	# shellcheck disable=SC2086
	capture "$RPCINFO" $a
done

tshark_stop
if [ -s "$CAP" ]; then
	ok "capture file written"
else
	not_ok "capture file written"
	done_testing
fi

# ---- what Wireshark makes of it ----

# Every procedure that must be answered has replies matched to calls, on
# all four transports: the RPC service response time table counts them.
srt()
{
	run_to 60 "$TSHARK" -n -r "$CAP" -q -z "rpc,srt,100000,$1" \
	    2>/dev/null >"$T/srt.$1"
}

srt_calls()
{
	awk -v p="$2" '$1 == p && NF >= 7 { print $3 }' "$T/srt.$1"
}

for v in 2 3 4; do
	srt $v
	case $v in
	2) procs="0 1 2 3 4" ;;
	3) procs="0 1 2 3 4 6 7 8" ;;
	4) procs="0 1 2 3 4 6 7 8 9 11 12" ;;
	esac
	for p in $procs; do
		at_least "v$v procedure $p: replies matched to calls" \
		    "$(srt_calls $v "$p")" 4
	done
done

replies=$(tshark_count "$CAP" "rpc.msgtyp == 1 && rpc.program == 100000")
at_least "replies from the port mapper" "$replies" "$ANSWERED"
calls=$(tshark_count "$CAP" "rpc.msgtyp == 0 && rpc.program == 100000")
at_least "calls seen" "$calls" "$ANSWERED"
unmatched=$(tshark_count "$CAP" "rpc.msgtyp == 1 && !rpc.repframe")
if [ "$unmatched" = 0 ]; then
	ok "every reply matches a call (xid)"
else
	not_ok "every reply matches a call (xid): $unmatched do not"
fi
at_least "PROG_MISMATCH replies say low 2, high 4" \
    "$(tshark_count "$CAP" "rpc.msgtyp == 1 && rpc.state_accept == 2 && rpc.programversion.min == 2 && rpc.programversion.max == 4")" 4
at_least "PROC_UNAVAIL replies for unknown procedures" \
    "$(tshark_count "$CAP" "rpc.msgtyp == 1 && rpc.state_accept == 3")" 8
at_least "SUCCESS replies" \
    "$(tshark_count "$CAP" "rpc.msgtyp == 1 && rpc.replystat == 0 && rpc.state_accept == 0")" \
    $((ANSWERED - 12))
at_least "v3/v4 GETADDR replies decoded with an address" \
    "$(tshark_count "$CAP" "rpc.msgtyp == 1 && (portmap.procedure_v3 == 3 || portmap.procedure_v4 == 3) && portmap.uaddr")" 8
at_least "v2 GETPORT replies decoded with a port" \
    "$(tshark_count "$CAP" "rpc.msgtyp == 1 && portmap.procedure_v2 == 3 && portmap.port")" 8
at_least "v3/v4 DUMP replies decoded with mappings" \
    "$(tshark_count "$CAP" "rpc.msgtyp == 1 && (portmap.procedure_v3 == 4 || portmap.procedure_v4 == 4) && portmap.rpcb.netid")" 8
at_least "replies over IPv6" \
    "$(tshark_count "$CAP" "rpc.msgtyp == 1 && ipv6.src == ::1")" \
    $((ANSWERED / 2))
at_least "replies over TCP" \
    "$(tshark_count "$CAP" "rpc.msgtyp == 1 && tcp.srcport == $DAEMON_PORT")" \
    $((ANSWERED / 2))

bad=$(tshark_count "$CAP" '_ws.malformed || _ws.expert.severity == "Error"')
if [ "$bad" = 0 ]; then
	ok "no malformed or error-flagged frame"
else
	not_ok "no malformed or error-flagged frame ($bad)"
	run_to 60 "$TSHARK" -n -r "$CAP" \
	    -Y '_ws.malformed || _ws.expert.severity == "Error"' 2>/dev/null |
	    head -n 20 | sed 's/^/#   /'
fi
diag "$(tshark_count "$CAP" rpc) RPC frames, $replies replies," \
    "$(run_to 60 "$TSHARK" -n -r "$CAP" 2>/dev/null | wc -l) frames"

# ---- the malformed check can fail ----

# A v2 GETPORT call cut short inside its arguments: Wireshark must flag it.
CAP2=$T/bad.pcap
if tshark_start "$CAP2"; then
	run_to 5 python3 - "$DAEMON_PORT" <<'EOF'
import socket, struct, sys
msg = struct.pack(">10I", 0x1234, 0, 2, 100000, 2, 3, 0, 0, 0, 0)
msg += struct.pack(">2I", 100000, 2)        # prog, vers; prot, port missing
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(msg, ("127.0.0.1", int(sys.argv[1])))
try:
    s.recv(9000)
except socket.timeout:
    pass
EOF
	tshark_stop
	at_least "self-check: a truncated GETPORT call is flagged malformed" \
	    "$(tshark_count "$CAP2" '_ws.malformed || _ws.expert.severity == "Error"')" 1
fi

stop_pid "$SERVER_PID" TERM 5
stop_daemon
done_testing
