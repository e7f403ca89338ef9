#!/bin/sh
# nfs_peers.sh - the NFS user-space daemons of nfs-common and
# nfs-kernel-server register with the port mapper and are found:
# rpc.statd (100024 status, found by sm-notify) and rpc.mountd (100005
# v1-3, showmount -e).
#
# Everything stays inside the test's namespaces: statd gets a state
# directory under $T, and /var/lib/nfs and /etc/exports are replaced by a
# private tmpfs and a bind mount in our mount namespace only.  The kernel
# side (knfsd, lockd, the kernel's rpcbind client) cannot be tested here
# when the kernel has no sunrpc/nfsd: we say so and test what can run.
#
#	PMAP_DAEMON=rpcbind sh tests/integration/nfs_peers.sh
#	sh tests/integration/nfs_peers.sh

. "$(dirname "$0")/lib.sh"

need_progs
STATD=/usr/sbin/rpc.statd
MOUNTD=/usr/sbin/rpc.mountd
EXPORTFS=/usr/sbin/exportfs
SHOWMOUNT=/usr/sbin/showmount
for b in "$STATD" "$MOUNTD" "$EXPORTFS" "$SHOWMOUNT"; do
	if [ ! -x "$b" ]; then
		not_ok "$b installed (nfs-common, nfs-kernel-server)"
		done_testing
	fi
done
if ! grep -qw nfsd /proc/filesystems || [ ! -d /proc/net/rpc ]; then
	diag "kernel has no nfsd/sunrpc: knfsd, lockd and the kernel's" \
	    "rpcbind client are not tested here"
fi

start_daemon || done_testing

STATD_PORT=1020
MOUNTD_PORT=20048

# registered PROG VERS PROTO: rpcinfo -p shows it.
registered()
{
	run_to 5 "$RPCINFO" -p 127.0.0.1 2>/dev/null |
	    grep -Eq "^ *$1 +$2 +$3 "
}

# ---- rpc.statd ----

mkdir -p "$T/statd/sm" "$T/statd/sm.bak"
spawn statd "$STATD" -F -L -P "$T/statd" -p $STATD_PORT
STATD_PID=$SPAWNED
if wait_for 10 registered 100024 1 tcp; then
	ok "rpc.statd registered 100024 v1"
else
	not_ok "rpc.statd registered 100024 v1"
	diag_file "$T/statd.err"
fi
for p in udp tcp; do
	capture "$RPCINFO" -p 127.0.0.1
	expect_line "rpc.statd: rpcinfo -p lists status v1 $p $STATD_PORT" \
	    "$(printf '%10u%5u%6s%7u  %s' 100024 1 $p $STATD_PORT status)"
	tc getport 127.0.0.1 100024 1 $p
	expect_eq "rpc.statd: pmap_getport 100024 v1 $p" $STATD_PORT
	tc getaddr 127.0.0.1 $p 100024 1
	expect_eq "rpc.statd: rpcb_getaddr 100024 v1 $p" \
	    "127.0.0.1.$((STATD_PORT / 256)).$((STATD_PORT % 256))"
done
capture "$RPCINFO" -s
expect "rpc.statd: rpcinfo -s: status, owner superuser" \
    '^    100024  1 +[a-z0-9,]*tcp[a-z0-9,]* +status +superuser$'
capture "$RPCINFO" -u 127.0.0.1 status 1
expect_eq "rpc.statd: rpcinfo -u 127.0.0.1 status 1 (found and answers)" \
    "program 100024 version 1 ready and waiting"
capture "$RPCINFO" -t 127.0.0.1 status
expect_eq "rpc.statd: rpcinfo -t 127.0.0.1 status" \
    "program 100024 version 1 ready and waiting"
tc null 127.0.0.1 tcp 100024 1
expect_eq "rpc.statd: clnt_create tcp + NULL" ok

# sm-notify (its own PMAP v2 GETPORT over UDP, then SM_NOTIFY) tells the
# peers listed in its state directory that we rebooted: here, our statd.
SMNOTIFY=/usr/sbin/sm-notify
if [ -x "$SMNOTIFY" ]; then
	mkdir -p "$T/notify/sm" "$T/notify/sm.bak"
	echo "0100007f 000186b5 00000003 00000010 00000000000000000000000000000000 127.0.0.1 localhost" \
	    >"$T/notify/sm/127.0.0.1"
	capture "$SMNOTIFY" -d -f -P "$T/notify" -v 127.0.0.1
	expect_rc "sm-notify: exit 0" 0
	expect_err "sm-notify: its PMAP_GETPORT for status got $STATD_PORT" \
	    "Received PMAP_GETPORT result: $STATD_PORT\$"
	expect_err "sm-notify: SM_NOTIFY reached rpc.statd" \
	    'Host 127\.0\.0\.1 notified successfully'
	check "sm-notify: the peer record is gone once notified" \
	    test ! -e "$T/notify/sm/127.0.0.1"
fi

stop_pid "$STATD_PID" TERM 5
if [ "$STOPPED_STATUS" != KILLED ]; then
	ok "rpc.statd: exits on SIGTERM"
else
	not_ok "rpc.statd: exits on SIGTERM"
fi
capture "$RPCINFO" -p 127.0.0.1
expect_not "rpc.statd stopped: 100024 unregistered" '^ *100024 '

# ---- rpc.mountd ----

mount -t tmpfs -o mode=0755 tmpfs /var/lib/nfs &&
    mkdir -p /var/lib/nfs/sm /var/lib/nfs/sm.bak /var/lib/nfs/v4recovery &&
    : >/var/lib/nfs/etab && : >/var/lib/nfs/rmtab
EXPORT=$T/export
mkdir -p "$EXPORT"
echo "$EXPORT 127.0.0.1(ro,no_subtree_check,insecure) 10.9.9.0/24(rw,no_subtree_check)" \
    >"$T/exports"
if mountpoint -q /var/lib/nfs && mount --bind "$T/exports" /etc/exports; then
	ok "private /var/lib/nfs and /etc/exports in the mount namespace"
else
	not_ok "private /var/lib/nfs and /etc/exports in the mount namespace"
	done_testing
fi
check "exportfs -ra" "$EXPORTFS" -ra
capture cat /var/lib/nfs/etab
expect "exportfs: $EXPORT in the private etab" "^${EXPORT}[[:space:]]"

spawn mountd "$MOUNTD" -F -p $MOUNTD_PORT
MOUNTD_PID=$SPAWNED
if wait_for 10 registered 100005 3 tcp; then
	ok "rpc.mountd registered 100005 v3"
else
	not_ok "rpc.mountd registered 100005 v3"
	diag_file "$T/mountd.err"
fi
capture "$RPCINFO" 127.0.0.1
for v in 1 2 3; do
	for n in udp tcp; do
		expect_line "rpc.mountd: rpcinfo lists mountd v$v $n" \
		    "$(printf '%10u%5u    %-9s %-22s %-10s %s' 100005 $v $n \
		    "0.0.0.0.$((MOUNTD_PORT / 256)).$((MOUNTD_PORT % 256))" \
		    mountd superuser)"
	done
	for n in udp6 tcp6; do
		expect_line "rpc.mountd: rpcinfo lists mountd v$v $n" \
		    "$(printf '%10u%5u    %-9s %-22s %-10s %s' 100005 $v $n \
		    "::.$((MOUNTD_PORT / 256)).$((MOUNTD_PORT % 256))" \
		    mountd superuser)"
	done
done
for v in 1 2 3; do
	tc getport 127.0.0.1 100005 $v tcp
	expect_eq "rpc.mountd: pmap_getport 100005 v$v tcp" $MOUNTD_PORT
done
tc getaddr ::1 udp6 100005 3
expect_eq "rpc.mountd: rpcb_getaddr 100005 v3 udp6" \
    "::1.$((MOUNTD_PORT / 256)).$((MOUNTD_PORT % 256))"
capture "$RPCINFO" -t 127.0.0.1 mountd
expect_eq "rpc.mountd: rpcinfo -t 127.0.0.1 mountd: v1, v2, v3 answer" \
    "$(for v in 1 2 3; do
	echo "program 100005 version $v ready and waiting"; done)"

for h in 127.0.0.1 ::1; do
	capture "$SHOWMOUNT" -e $h
	expect_line "showmount -e $h: header" "Export list for $h:"
	expect "showmount -e $h: lists $EXPORT for 127.0.0.1" \
	    "^$EXPORT +([^ ]*,)?127\.0\.0\.1(,[^ ]*)?\$"
done
capture "$SHOWMOUNT" --no-headers -a 127.0.0.1
expect_rc "showmount -a 127.0.0.1: exit 0" 0

stop_pid "$MOUNTD_PID" TERM 5
if [ "$STOPPED_STATUS" = 0 ]; then
	ok "rpc.mountd: exits with status 0 on SIGTERM"
else
	not_ok "rpc.mountd: exits with status 0 on SIGTERM ($STOPPED_STATUS)"
	diag_file "$T/mountd.err"
fi
capture "$RPCINFO" 127.0.0.1
expect_not "rpc.mountd stopped: 100005 unregistered everywhere" '^ *100005 '
capture "$SHOWMOUNT" -e 127.0.0.1
if [ "$RC" != 0 ] && grep -q 'Program not registered' "$T/err"; then
	ok "showmount -e after mountd stopped: Program not registered"
else
	not_ok "showmount -e after mountd stopped: Program not registered"
	diag_last
fi

stop_daemon
done_testing
