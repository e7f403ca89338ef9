#!/bin/sh
# boot_privs.sh - the privilege drop.  Started as root, the daemon binds,
# then runs as the user portmap (else nobody) or the -u user: every uid
# and gid that user's, no supplementary groups, no capabilities,
# NoNewPrivs.  Registration, persistence (the state directory handed
# over) and reaping still work after the drop.  Also: -u with a uid that
# has no passwd entry, -u root (kept, with a warning), -t chroot (the
# service manager still hears from it), and a start without root (as with
# systemd's User=).

. "$(dirname "$0")/lib.sh"

need_progs
HELPER="python3 $TOP/tests/integration/boot_helper.py"

if getent passwd portmap >/dev/null 2>&1; then
	DEF_USER=portmap
else
	DEF_USER=nobody
fi
DEF_UID=$(id -u "$DEF_USER")
DEF_GID=$(id -g "$DEF_USER")

# status_field PID FIELD: the values of a /proc/PID/status line.
status_field()
{
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s ' \t' ' '
}

# dropped DESC PID UID GID: every id is UID/GID, no groups beyond GID, no
# capabilities, NoNewPrivs.
dropped()
{
	_u=$(status_field "$2" Uid)
	_g=$(status_field "$2" Gid)
	_grp=$(status_field "$2" Groups)
	if [ "$_u" = "$3 $3 $3 $3" ] && [ "$_g" = "$4 $4 $4 $4" ]; then
		ok "$1: real, effective, saved and fs uid $3, gid $4"
	else
		not_ok "$1: real, effective, saved and fs uid $3, gid $4" \
		    "(Uid: $_u, Gid: $_g)"
	fi
	case "$_grp" in
	''|"$4"|"$4 ") ok "$1: no supplementary groups beyond $4 ($_grp)" ;;
	*) not_ok "$1: no supplementary groups beyond $4 (Groups: $_grp)" ;;
	esac
	for _c in CapEff CapPrm CapInh CapAmb; do
		_v=$(status_field "$2" $_c)
		if [ "$_v" = 0000000000000000 ]; then
			ok "$1: $_c is 0"
		else
			not_ok "$1: $_c is 0 (got $_v)"
		fi
	done
	if [ "$(status_field "$2" NoNewPrivs)" = 1 ]; then
		ok "$1: NoNewPrivs set"
	else
		not_ok "$1: NoNewPrivs set"
	fi
}

# ---- the default drop ----

start_daemon --reap-interval 1 --grace 2 || done_testing
dropped "default user $DEF_USER" "$DAEMON_PID" "$DEF_UID" "$DEF_GID"
capture stat -c '%u:%g %a' /run/portmap
expect_eq "/run/portmap belongs to $DEF_USER, mode 700" "$DEF_UID:$DEF_GID 700"
capture stat -c '%u' /run/portmap/state
expect_eq "the state file belongs to $DEF_USER" "$DEF_UID"

# Registration: a libtirpc server over /run/rpcbind.sock, and PMAP SET.
start_server srv1 -m tli -n udp,tcp || done_testing
SRV1=$SERVER_PID
capture "$RPCINFO" -p 127.0.0.1
expect "after the drop, a libtirpc server registered" '^ +536871065 +1 +udp'
tc proc 127.0.0.1 udp 2 set 536871001 1 17 4001
expect_eq "after the drop, PMAP v2 SET over UDP works" true
tc proc 127.0.0.1 udp 2 unset 536871001 1
expect_eq "... and UNSET" true

# Persistence: restart; the live server's registrations come back.
restart_daemon -w --reap-interval 1 --grace 2 || done_testing
capture "$RPCINFO" -p 127.0.0.1
expect "after a restart (state written by $DEF_USER), the registrations are back" \
    '^ +536871065 +1 +udp'
if grep -q 'restored [1-9][0-9]* registration' "$T/daemon.err"; then
	ok "the daemon says it restored them"
else
	not_ok "the daemon says it restored them"
	diag_file "$T/daemon.err"
fi
dropped "after the restart" "$DAEMON_PID" "$DEF_UID" "$DEF_GID"

# Reaping: the server dies without unregistering.
kill -KILL "$SRV1"
wait "$SRV1" 2>/dev/null
_n=150
while [ "$_n" -gt 0 ]; do
	"$RPCINFO" -p 127.0.0.1 2>/dev/null | grep -q 536871065 || break
	sleep 0.1
	_n=$((_n - 1))
done
capture "$RPCINFO" -p 127.0.0.1
expect_not "after the drop, a SIGKILLed server's registrations are reaped (grace 2 s)" \
    '536871065'
stop_daemon

# ---- -u with a bare uid, -u nobody, -u root ----

start_daemon -u 4242 || done_testing
dropped "-u 4242 (no passwd entry)" "$DAEMON_PID" 4242 4242
stop_daemon
start_daemon -u nobody --state-dir /run/pm-nobody || done_testing
dropped "-u nobody" "$DAEMON_PID" "$(id -u nobody)" "$(id -g nobody)"
stop_daemon
start_daemon -u root --state-dir /run/pm-root || done_testing
_u=$(status_field "$DAEMON_PID" Uid)
if [ "$_u" = "0 0 0 0" ]; then
	ok "-u root keeps root"
else
	not_ok "-u root keeps root (Uid: $_u)"
fi
if grep -q 'running as root (-u root): privileges kept' "$T/daemon.err"; then
	ok "... and warns about it"
else
	not_ok "... and warns about it"
	diag_file "$T/daemon.err"
fi
stop_daemon

# ---- -t: chroot, and notifications still arrive ----

# /proc mounted inside, as an admin would for the reaper (and for the
# sanitizers' leak check at exit).
C=/run/chroot
mkdir -p "$C/run" "$C/proc"
mount -t proc proc "$C/proc" || diag "cannot mount /proc in $C"
spawn listener $HELPER notify "$T/n.sock" "$T/n.log" 60
LPID=$SPAWNED
wait_line 5 "$T/n.log" LISTENING || true
spawn daemon env NOTIFY_SOCKET="$T/n.sock" "$PORTMAP" -f -t "$C"
DAEMON_PID=$SPAWNED
if wait_line 10 "$T/n.log" 'READY=1' && daemon_answers; then
	ok "-t $C: ready and answering"
else
	not_ok "-t $C: ready and answering"
	diag_file "$T/daemon.err"
fi
capture readlink "/proc/$DAEMON_PID/root"
expect_eq "-t $C: the daemon's root is $C" "$C"
dropped "-t $C" "$DAEMON_PID" "$DEF_UID" "$DEF_GID"
capture stat -c '%u' "$C/run/portmap"
expect_eq "-t $C: the state directory inside the chroot belongs to $DEF_USER" "$DEF_UID"
start_server srv2 -m tli -n udp || true
capture "$RPCINFO" -p 127.0.0.1
expect "-t $C: a libtirpc server registers" '^ +536871065 +1 +udp'
stop_pid "$SERVER_PID" TERM 5
if wait_line 5 "$T/n.log" 'STATUS=0 registrations' ; then
	ok "-t $C: STATUS= still reaches the service manager after the chroot"
else
	not_ok "-t $C: STATUS= still reaches the service manager after the chroot"
	diag_file "$T/n.log"
fi
stop_daemon
if wait_line 3 "$T/n.log" 'STOPPING=1'; then
	ok "-t $C: STOPPING=1 too"
else
	not_ok "-t $C: STOPPING=1 too"
fi
stop_pid "$LPID" TERM 2

# ---- started without root (systemd's User=) ----

if command -v setpriv >/dev/null 2>&1; then
	mkdir -p /run/pm-user && chown "$DEF_UID:$DEF_GID" /run/pm-user
	spawn daemon setpriv --reuid="$DEF_UID" --regid="$DEF_GID" \
	    --clear-groups --inh-caps=+net_bind_service \
	    --ambient-caps=+net_bind_service \
	    "$PORTMAP" -f -d --state-dir /run/pm-user/state -S /run/pm-user/sock
	DAEMON_PID=$SPAWNED
	DAEMON_PORT=111
	if wait_for 10 daemon_answers; then
		ok "started as $DEF_USER with CAP_NET_BIND_SERVICE only: answers on 111"
	else
		not_ok "started as $DEF_USER with CAP_NET_BIND_SERVICE only: answers on 111"
		diag_file "$T/daemon.err"
	fi
	if grep -q 'no privileges to drop' "$T/daemon.err"; then
		ok "... and says there is nothing to drop"
	else
		not_ok "... and says there is nothing to drop"
	fi
	capture $HELPER ping unix:/run/pm-user/sock
	expect "... serves its own socket path" ' ok$'
	capture stat -c %U /run/pm-user/sock
	expect_eq "... created by $DEF_USER" "$DEF_USER"
	capture stat -c %U /run/pm-user/state/state
	expect_eq "... and its state file" "$DEF_USER"
	stop_daemon
else
	diag "no setpriv: unprivileged start not tested"
fi

done_testing
