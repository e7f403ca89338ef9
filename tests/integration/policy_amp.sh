#!/bin/sh
# policy_amp.sh - anti-amplification (US-CERT TA14-017A: port mappers as
# UDP reflectors).  From a client on another host (a veth peer in its own
# namespace), no UDP reply of any procedure of PMAP v2 or RPCBIND v3/v4 is
# larger than the request that caused it: byte counts of each request and
# reply are compared.  A DUMP that does not fit gets SYSTEM_ERR, the same
# DUMP over TCP comes back whole, local clients get it whole over UDP, and
# --amp-allow for the client's network lets the full UDP DUMP through.
#
#	sh tests/integration/policy_amp.sh
#	PMAP_DAEMON=rpcbind sh tests/integration/policy_amp.sh  (fails: it amplifies)

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_remote.sh"

need_progs
remote_setup
start_daemon || done_testing
start_server s1 -m create || done_testing
PROG=536871065

# A table the size of a small NFS server's: 24 more registrations.
n=0
for p in 300001 300002 300003 300004 300005 300006; do
	for nid in udp tcp udp6 tcp6; do
		case $nid in
		udp|tcp) ua=0.0.0.0.3.$((n % 200 + 10)) ;;
		*) ua=::.3.$((n % 200 + 10)) ;;
		esac
		capture $TC_ENV "$TC" set $p 1 $nid $ua
		[ "$RC" = 0 ] && n=$((n + 1))
	done
done
[ "$n" = 24 ] && ok "24 more registrations" || not_ok "24 more registrations (got $n)"
remote_reaches && ok "remote host reaches the daemon" ||
    not_ok "remote host reaches the daemon"

# The measure works: a local client gets the whole DUMP over UDP, many
# times the size of its request.
capture "$RMT" raw udp 127.0.0.1 111 2 4
LOCAL_DUMP2=$(rawresults)
if [ "$RC" = 0 ] && [ "$(rawrecv)" -gt $(($(rawsent) * 10)) ]; then
	ok "local UDP DUMP v2: $(rawsent) bytes in, $(rawrecv) out (unchanged for local clients)"
else
	not_ok "local UDP DUMP v2 is whole"
	diag_last
fi
capture "$RMT" raw udp 127.0.0.1 111 4 4
LOCAL_DUMP4=$(rawresults)

# amp VERS PROC HEX NAME [FROM]: one UDP call from the remote host; the
# reply, if any, is no larger than the request.
MAXR=0
MAXN=""
amp()
{
	_src=${5:-$SRV4}
	capture $IN_REMOTE "$RMT" raw udp "$_src" 111 "$1" "$2" "$3"
	_s=$(rawsent)
	_r=$(rawrecv)
	if [ -z "$_s" ]; then
		not_ok "remote $4: the call went out"
		diag_last
		return
	fi
	if [ "$_r" -le "$_s" ]; then
		ok "remote UDP $4: $_s bytes in, $_r out"
	else
		not_ok "remote UDP $4: reply ($_r bytes) larger than the request ($_s)"
		diag_last
	fi
	# the largest reply/request ratio, in hundredths
	_q=$((_r * 100 / _s))
	if [ "$_q" -gt "$MAXR" ]; then
		MAXR=$_q
		MAXN=$4
	fi
}

M2=$(xpmap 300001 1 17 4000)
G2=$(xpmap $PROG 1 17 0)
R3=$(xrpcb 300009 1 udp 0.0.0.0.15.160 x)
G3=$(xrpcb $PROG 1 udp "" "")
CA=$(xu32 $PROG)$(xu32 1)$(xu32 0)$(xu32 0)
UA=$(xstr 10.99.0.1.0.111)
TA=$(xu32 16)$(xu32 16)00020457c0a80101$(xu32 0)$(xu32 0)
amp 2 0 "" "v2 NULL"
amp 2 1 "$M2" "v2 SET"
amp 2 2 "$M2" "v2 UNSET"
amp 2 3 "$G2" "v2 GETPORT"
amp 2 4 "" "v2 DUMP"
expect_any "remote UDP v2 DUMP too large: SYSTEM_ERR, not silence" '^accepted 5$'
amp 2 5 "$CA" "v2 CALLIT"
for v in 3 4; do
	amp $v 0 "" "v$v NULL"
	amp $v 1 "$R3" "v$v SET"
	amp $v 2 "$R3" "v$v UNSET"
	amp $v 3 "$G3" "v$v GETADDR"
	amp $v 4 "" "v$v DUMP"
	expect_any "remote UDP v$v DUMP too large: SYSTEM_ERR" '^accepted 5$'
	amp $v 5 "$CA" "v$v CALLIT/BCAST"
	amp $v 6 "" "v$v GETTIME"
	amp $v 7 "$UA" "v$v UADDR2TADDR"
	amp $v 8 "$TA" "v$v TADDR2UADDR"
done
amp 4 9 "$G3" "v4 GETVERSADDR"
amp 4 10 "$CA" "v4 INDIRECT"
amp 4 11 "$G3" "v4 GETADDRLIST"
amp 4 12 "" "v4 GETSTAT"
expect_any "remote UDP v4 GETSTAT too large: SYSTEM_ERR" '^accepted 5$'
amp 4 4 "" "v4 DUMP over IPv6" "$SRV6"
diag "largest reply/request ratio from the remote host: $((MAXR / 100)).$(printf %02d $((MAXR % 100))) ($MAXN)"

# The same DUMPs over TCP: whole, as the local client saw them.
capture $IN_REMOTE "$RMT" raw tcp $SRV4 111 2 4
if [ "$RC" = 0 ] && [ "$(rawresults)" = "$LOCAL_DUMP2" ]; then
	ok "remote TCP DUMP v2 whole: $(rawresults) bytes of results"
else
	not_ok "remote TCP DUMP v2 whole ($LOCAL_DUMP2 bytes)"
	diag_last
fi
capture $IN_REMOTE "$RMT" raw tcp $SRV4 111 4 4
if [ "$RC" = 0 ] && [ "$(rawresults)" = "$LOCAL_DUMP4" ]; then
	ok "remote TCP DUMP v4 whole: $(rawresults) bytes of results"
else
	not_ok "remote TCP DUMP v4 whole ($LOCAL_DUMP4 bytes)"
	diag_last
fi
capture $IN_REMOTE "$RPCINFO" -p $SRV4
expect "Debian's rpcinfo -p from the remote host lists the test server" \
    "^ +$PROG +1 +udp +$(uaddr_port "$(bound s1 udp)")"
capture $IN_REMOTE "$RPCINFO" $SRV4
expect "Debian's rpcinfo (v4 dump) from the remote host lists 300006 tcp6" \
    '^ +300006 +1 +tcp6 '

# --amp-allow: the remote network gets the whole UDP DUMP; IPv6 does not.
stop_daemon
start_daemon --amp-allow 10.99.0.0/24 || done_testing
start_server s2 -m create || done_testing
for p in 300001 300002 300003 300004 300005 300006; do
	for nid in udp tcp udp6 tcp6; do
		case $nid in
		udp|tcp) ua=0.0.0.0.3.10 ;;
		*) ua=::.3.10 ;;
		esac
		capture $TC_ENV "$TC" set $p 1 $nid $ua
	done
done
capture $IN_REMOTE "$RMT" raw udp $SRV4 111 2 4
if [ "$RC" = 0 ] && [ "$(rawrecv)" -gt $(($(rawsent) * 10)) ]; then
	ok "--amp-allow 10.99.0.0/24: remote UDP DUMP v2 whole ($(rawsent) bytes in, $(rawrecv) out)"
else
	not_ok "--amp-allow 10.99.0.0/24: remote UDP DUMP v2 whole"
	diag_last
fi
capture $IN_REMOTE "$RMT" raw udp $SRV6 111 4 4
if [ "$(rawrecv)" -le "$(rawsent)" ]; then
	ok "--amp-allow 10.99.0.0/24: IPv6 peer $CLI6 still capped ($(rawsent) in, $(rawrecv) out)"
else
	not_ok "--amp-allow 10.99.0.0/24: IPv6 peer still capped"
	diag_last
fi
stop_pid "$SERVER_PID"
stop_daemon
done_testing
