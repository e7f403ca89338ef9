#!/bin/sh
# policy_access.sh - who may use the port mapper from another host (a veth
# peer in its own namespace, addresses 10.99.0.2 and 10.99.0.3):
#  - SET/UNSET from the network refused with AUTH_TOOWEAK (UDP and TCP);
#  - --deny / --allow (IPv4 and IPv6): a denied host gets what classic
#    portmap gave (NULL answered, GETPORT 0, GETADDR "", DUMP empty, SET
#    refused even with -i), others and local clients are served;
#  - /etc/hosts.allow and /etc/hosts.deny rules for portmap/rpcbind (read
#    by default, ignored with --no-hosts-access);
#  - SIGHUP re-reads them without dropping registrations, and keeps the
#    old policy when the new files are broken.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_remote.sh"

need_progs
remote_setup

# A private copy of the hosts files (this test's mount namespace only).
: >"$T/hosts.allow"
: >"$T/hosts.deny"
if mount --bind "$T/hosts.allow" /etc/hosts.allow &&
    mount --bind "$T/hosts.deny" /etc/hosts.deny; then
	ok "private /etc/hosts.allow and /etc/hosts.deny"
else
	not_ok "private /etc/hosts.allow and /etc/hosts.deny"
	done_testing
fi

PROG=536871065
Z32=00000000

# from SRC VERS PROC [HEX]: a raw UDP call from the remote host, sent from
# address SRC (to the daemon's address of SRC's family).
from()
{
	_src=$1
	shift
	case $_src in
	*:*) _dst=$SRV6 ;;
	*) _dst=$SRV4 ;;
	esac
	capture env RMTCALL_SRC="$_src" $IN_REMOTE "$RMT" raw udp "$_dst" 111 "$@"
}

# served SRC WHAT: GETPORT from SRC finds the test server's udp port.
served()
{
	from "$1" 2 3 "$(xpmap $PROG 1 17 0)"
	expect "$2: GETPORT from $1 finds port $UP" "^data $(xu32 "$UP")\$"
}

# restricted SRC WHAT: SRC gets classic portmap's answers for a denied
# host.
restricted()
{
	from "$1" 2 0
	expect "$2: NULL from $1 answered" '^accepted 0$'
	from "$1" 2 3 "$(xpmap $PROG 1 17 0)"
	expect "$2: GETPORT from $1 is 0" "^data $Z32\$"
	from "$1" 4 3 "$(xrpcb $PROG 1 udp "" "")"
	expect "$2: v4 GETADDR from $1 is empty" "^data $Z32\$"
	capture env $IN_REMOTE "$RMT" raw tcp "$SRV4" 111 2 4
	if [ "$1" = "$CLI4" ]; then
		expect "$2: DUMP from $1 (TCP) is empty" "^data $Z32\$"
	fi
	from "$1" 2 1 "$(xpmap 300001 1 17 4000)"
	expect_any "$2: SET from $1 refused (AUTH_TOOWEAK)" '^denied 1 5$'
}

# ---- SET/UNSET from the network ----
start_daemon || done_testing
start_server s1 -m create || done_testing
UP=$(uaddr_port "$(bound s1 udp)")
remote_reaches || not_ok "remote host reaches the daemon"

from $CLI4 2 1 "$(xpmap 300001 1 17 4000)"
expect_any "remote v2 SET over UDP: AUTH_TOOWEAK" '^denied 1 5$'
from $CLI4 2 2 "$(xpmap $PROG 1 17 0)"
expect_any "remote v2 UNSET over UDP: AUTH_TOOWEAK" '^denied 1 5$'
capture $IN_REMOTE "$RMT" raw tcp $SRV4 111 3 1 \
    "$(xrpcb 300001 1 tcp 0.0.0.0.15.160 x)"
expect_any "remote v3 SET over TCP: AUTH_TOOWEAK" '^denied 1 5$'
capture $IN_REMOTE "$RMT" raw tcp $SRV4 111 4 2 "$(xrpcb $PROG 1 "" "" x)"
expect_any "remote v4 UNSET over TCP: AUTH_TOOWEAK" '^denied 1 5$'
from $CLI6 4 2 "$(xrpcb $PROG 1 "" "" x)"
expect_any "remote v4 UNSET over UDP/IPv6: AUTH_TOOWEAK" '^denied 1 5$'
served $CLI4 "default"
served $CLI6 "default"
capture $TC_ENV "$TC" getport 127.0.0.1 $PROG 1 udp
expect_eq "registrations survived the remote UNSETs" "$UP"
stop_pid "$SERVER_PID"
stop_daemon

# ---- --deny, --allow ----
start_daemon -i --deny 10.99.0.2 --deny fd99::2/128 || done_testing
start_server s2 -m create || done_testing
UP=$(uaddr_port "$(bound s2 udp)")
restricted $CLI4 "--deny 10.99.0.2"
restricted $CLI6 "--deny fd99::2/128"
served $CLI4B "--deny 10.99.0.2"
from $CLI4B 2 1 "$(xpmap 300001 1 17 4000)"
expect "-i: SET from allowed 10.99.0.3 accepted" "^data 00000001\$"
capture $TC_ENV "$TC" getport 127.0.0.1 $PROG 1 udp
expect_eq "--deny: local clients served" "$UP"
capture $IN_REMOTE "$RPCINFO" -p $SRV4
expect_not "--deny: Debian's rpcinfo -p from 10.99.0.2 lists nothing of ours" \
    "$PROG"
stop_pid "$SERVER_PID"
stop_daemon

start_daemon --allow 10.99.0.3/32 --allow fd99::/64 || done_testing
start_server s3 -m create || done_testing
UP=$(uaddr_port "$(bound s3 udp)")
restricted $CLI4 "--allow 10.99.0.3/32"
served $CLI4B "--allow 10.99.0.3/32"
served $CLI6 "--allow fd99::/64"
capture $TC_ENV "$TC" getport 127.0.0.1 $PROG 1 udp
expect_eq "--allow: local clients served" "$UP"
stop_pid "$SERVER_PID"
stop_daemon

start_daemon --allow 10.99.0.0/24 --deny 10.99.0.2 || done_testing
start_server s4 -m create || done_testing
UP=$(uaddr_port "$(bound s4 udp)")
restricted $CLI4 "--deny inside --allow"
served $CLI4B "--deny inside --allow"
stop_pid "$SERVER_PID"
stop_daemon

# ---- hosts.allow / hosts.deny, SIGHUP ----
echo "portmap: 10.99.0.2" >"$T/hosts.deny"
start_daemon || done_testing
start_server s5 -m create || done_testing
UP=$(uaddr_port "$(bound s5 udp)")
restricted $CLI4 "hosts.deny portmap: 10.99.0.2"
served $CLI4B "hosts.deny portmap: 10.99.0.2"

# SIGHUP with no rule: 10.99.0.2 served again, nothing unregistered.
: >"$T/hosts.deny"
n=$(grep -c 'reloaded (SIGHUP)' "$T/daemon.err")
kill -HUP "$DAEMON_PID"
if wait_for 5 sh -c "[ \$(grep -c 'reloaded (SIGHUP)' '$T/daemon.err') -gt $n ]"; then
	ok "SIGHUP: reloaded"
else
	not_ok "SIGHUP: reloaded"
fi
served $CLI4 "after SIGHUP, empty hosts.deny"
capture $TC_ENV "$TC" getport 127.0.0.1 $PROG 1 udp
expect_eq "SIGHUP kept the registrations" "$UP"

# hosts.allow first, then ALL: ALL in hosts.deny.
echo "rpcbind: 10.99.0.2" >"$T/hosts.allow"
echo "ALL: ALL" >"$T/hosts.deny"
kill -HUP "$DAEMON_PID"
wait_for 5 sh -c "[ \$(grep -c 'reloaded (SIGHUP)' '$T/daemon.err') -gt $((n + 1)) ]"
served $CLI4 "hosts.allow rpcbind: 10.99.0.2, hosts.deny ALL: ALL"
restricted $CLI4B "hosts.allow rpcbind: 10.99.0.2, hosts.deny ALL: ALL"

# A broken file (over the size limit): the old policy stays.
awk 'BEGIN { for (i = 0; i < 6000; i++) printf "# %060d\n", i }' >"$T/hosts.deny"
kill -HUP "$DAEMON_PID"
wait_for 5 sh -c "[ \$(grep -c 'reloaded (SIGHUP)' '$T/daemon.err') -gt $((n + 2)) ]"
if grep -q 'kept the previous access configuration' "$T/daemon.err"; then
	ok "SIGHUP with a broken hosts.deny: says it kept the old policy"
else
	not_ok "SIGHUP with a broken hosts.deny: says it kept the old policy"
	diag_file "$T/daemon.err"
fi
restricted $CLI4B "old policy kept"
served $CLI4 "old policy kept"
stop_pid "$SERVER_PID"
stop_daemon

# --no-hosts-access: the files are not read.
: >"$T/hosts.allow"
echo "portmap: 10.99.0.2" >"$T/hosts.deny"
start_daemon --no-hosts-access || done_testing
start_server s6 -m create || done_testing
UP=$(uaddr_port "$(bound s6 udp)")
served $CLI4 "--no-hosts-access"
stop_pid "$SERVER_PID"
stop_daemon
done_testing
